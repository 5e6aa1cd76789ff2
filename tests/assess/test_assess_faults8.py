"""Faults of ``sentinelle assess`` found by a new user (session 8): a truncated file that gave
records counted as unreadable (and "nothing could be read"), file counts that disagree, "0
mineur" and "a déjà circulé" with nobody in common, jargon and unexplained link counts in the
French method section, "de 1 source".

All data are synthetic: NIRs with valid keys (key = 97 - (first 13 digits mod 97), décret
n° 82-103 / INSEE), names from no real person. The expected figures are counted by hand from the
rows written below (see each test's comment)."""

from __future__ import annotations

import copy
import json
import re

import pytest
from click.testing import CliRunner

from sentinelle.assess import Options, assess_paths
from sentinelle.cli import app
from sentinelle.report.assessment import html
from sentinelle.report.notification import render

KEY = b"test-key-not-secret"


def _nir(first13: str) -> str:
    return first13 + "%02d" % (97 - int(first13) % 97)


# 1 85 05 75 056 048 | key 66; 2 90 01 75 123 456 | key 05; 1 77 02 69 123 045 | key 20
NIR_MARTIN, NIR_DURAND, NIR_PETIT = (_nir("1850575056048"), _nir("2900175123456"),
                                     _nir("1770269123045"))
assert (NIR_MARTIN, NIR_DURAND, NIR_PETIT) == ("185057505604866", "290017512345605",
                                               "177026912304520")


def _json_record(nom, prenom, nir):
    return (f'{{"nom": "{nom}", "prenom": "{prenom}", "nir": "{nir}", '
            f'"date_naissance": "1985-05-12", "telephone": "06 12 34 56 78"}}')


#: three whole records, then a fourth cut in the middle of its name (a truncated download)
CUT_JSON = ("[" + ", ".join(_json_record(*r) for r in (("MARTIN", "Jean", NIR_MARTIN),
                                                         ("DURAND", "Marie", NIR_DURAND),
                                                         ("PETIT", "Luc", NIR_PETIT)))
            + ', {"nom": "DUR')

#: 8 patient records; with the 3 of CUT_JSON: 11 records, 7 persons (hand count):
#: - MARTIN Jean x2 here + MARTIN Jean in CUT_JSON: the same values -> 1 profile (2 duplicates)
#: - MARTINN Jean (typo), same NIR and birth date -> 1 exact-key link (NIR + birth date)
#: - BERNARD Alice without NIR, same name, birth date and phone -> 1 probabilistic link
#: - THOMAS, ROBERT (born 2015: a minor), RICHARD, and DURAND, PETIT of CUT_JSON: 1 each
#: 11 records - 2 duplicates = 9 profiles; 9 - 2 links = 7 persons
PATIENTS_CSV = "nom;prenom;nir;date_naissance;telephone\n" + "".join(
    f"{a};{b};{_nir(c) if c else ''};{d};{e}\n" for a, b, c, d, e in [
        ("MARTIN", "Jean", "1850575056048", "1985-05-12", "0612345678"),
        ("MARTIN", "Jean", "1850575056048", "1985-05-12", "0612345678"),
        ("MARTINN", "Jean", "1850575056048", "1985-05-12", "0612345678"),
        ("BERNARD", "Alice", "2920313055123", "1992-03-04", "0698765432"),
        ("BERNARD", "Alice", "", "1992-03-04", "0698765432"),
        ("THOMAS", "Paul", "1600833063111", "1960-08-21", "0611223344"),
        ("ROBERT", "Emma", "2150475056222", "2015-04-02", "0655443322"),
        ("RICHARD", "Louis", "1751013055333", "1975-10-09", "0677889900")])

#: a third file with no personal data (a lab's opening hours)
HOURS_CSV = "jour;ouverture\nlundi;08:00\nmardi;08:00\n"


def _invoke(*args):
    res = CliRunner().invoke(app, ["assess", *map(str, args)])
    return res


# ------------------------------------------------------------------- 1. truncated file alone

def test_truncated_json_alone_is_assessed(tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(CUT_JSON, encoding="utf-8")
    out = tmp_path / "out" / "a.json"
    res = _invoke(cut, "--no-db", "--json", out)
    # before: exit 2 "nothing could be read (1 error(s) above); no report written"
    assert res.exit_code == 0, res.output
    assert "nothing could be read" not in res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    files = doc["files"]
    assert (files["scanned"], files["partly_read"], files["errors"]) == (1, 1, 0)
    assert files["unreadable"] == []
    assert [f["path"] for f in files["partly_read_files"]] == ["cut.json"]
    assert "line 1" in files["partly_read_files"][0]["position"]
    # the three whole records: MARTIN, DURAND, PETIT
    assert (doc["subjects"]["records"], doc["subjects"]["unique"]) == (3, 3)
    assert files["bytes"] == len(CUT_JSON.encode())


def test_file_with_nothing_read_still_refused(tmp_path):
    # cut before the first record ends: no record, so no "0 persons" report
    cut = tmp_path / "cut.json"
    cut.write_text('[{"nom": "MAR', encoding="utf-8")
    res = _invoke(cut, "--no-db", "--json", tmp_path / "a.json")
    assert res.exit_code == 2
    assert "nothing could be read (1 error(s) above); no report written" in res.output
    assert not (tmp_path / "a.json").exists()


# ------------------------------------------------------------- 2. counts that agree; 5. 6.

@pytest.fixture(scope="module")
def three_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    (folder / "cut.json").write_text(CUT_JSON, encoding="utf-8")
    (folder / "patients.csv").write_text(PATIENTS_CSV, encoding="utf-8")
    (folder / "horaires.csv").write_text(HOURS_CSV, encoding="utf-8")
    outs = tmp_path_factory.mktemp("outs")
    res = _invoke(folder, "--no-db", "--json", outs / "a.json", "--html", outs / "a.html",
                  "--notification", outs / "drafts")
    assert res.exit_code == 0, res.output
    # 390 + 432 + 39 = 861 bytes: « 0,9 ko » (1 ko = 1000 octets)
    size = sum(len(t.encode()) for t in (CUT_JSON, PATIENTS_CSV, HOURS_CSV))
    assert size == 861
    return {"doc": json.loads((outs / "a.json").read_text(encoding="utf-8")),
            "html": (outs / "a.html").read_text(encoding="utf-8"),
            "fr": (outs / "drafts" / "notification-cnil.fr.md").read_text(encoding="utf-8"),
            "en": (outs / "drafts" / "notification-cnil.en.md").read_text(encoding="utf-8"),
            "console": res.output, "size": size}


def test_file_counts_agree(three_files):
    doc = three_files["doc"]
    files = doc["files"]
    # before: scanned 2 while the bytes, sources[].files (3) and the records counted cut.json
    assert files["scanned"] == 3 == sum(s["files"] for s in doc["sources"])
    assert (files["partly_read"], files["errors"], files["with_findings"]) == (1, 0, 2)
    assert files["bytes"] == three_files["size"]
    assert sum(s["records"] for s in doc["sources"]) == doc["subjects"]["records"] == 11
    partly = [f["path"] for s in doc["sources"] for f in s["file_list"] if f["partly_read"]]
    assert partly == ["cut.json"]


def test_console_says_partly_read(three_files):
    assert "1 folder, 3 files (1 partly read)" in three_files["console"]


def test_html_counts_and_partly_read_list(three_files):
    text = re.sub(r"<[^>]+>", "", three_files["html"])
    assert "3 fichiers analysés (0,9\u202fko), 2 avec données personnelles, " \
           "1 lu en partie seulement" in text
    assert "illisible" not in text.split("Sommaire")[0]
    assert re.search(r'<p id="partly-read">Fichiers lus en partie seulement .*cut\.json',
                     three_files["html"])


def test_drafts_say_partly_read(three_files):
    # before: « Un ensemble de 2 fichiers (1,8 ko) a été analysé : » (cut.json not mentioned)
    assert ("> Un ensemble de 3 fichiers (0,9\u202fko) a été analysé, dont 1 lu en partie "
            "seulement (fichier tronqué ou endommagé : seuls les enregistrements précédant "
            "l'erreur sont comptés) :") in three_files["fr"]
    assert "(3 fichiers analysés, dont 1 lu en partie seulement)." in three_files["fr"]
    assert ("> A set of 3 files (0.9 kB) was analysed, 1 of them only partly read "
            "(truncated or damaged file: only the records before the error are counted);"
            ) in three_files["en"]


def test_one_source_elided(three_files):
    # before: « proviennent de 1 source »
    assert "> Les données proviennent d'une source ;" in three_files["fr"]
    assert "> The data were found in 1 source;" in three_files["en"]


def test_minor_found(three_files):
    # ROBERT Emma, born 2015-04-02, is the one minor
    assert ("- Mineurs ou personnes vulnérables concernés : oui, 1 mineur d'après sa date de "
            "naissance ; [À COMPLÉTER]") in three_files["fr"]


def test_method_links_reconcile(three_files):
    text = re.sub(r"<[^>]+>", "", three_files["html"]).replace("&#39;", "'")
    # before: « 1 lien par clé exacte + 1 lien probabiliste » and 11 records -> 7 persons unexplained
    assert ("Patients : 11 enregistrements de patients, dont 2 enregistrements en double exact "
            "d'un autre (regroupés sans lien), soit 9 profils distincts ; chaque lien réunit "
            "deux groupes : 9 − 2 liens = 7 patients.") in text
    # before: « champs comparés : name, dob, nir, phone, email, postcode, iban »
    assert ("champs comparés\u00a0: nom, date de naissance, NIR, téléphone, courriel, code postal, "
            "IBAN") in text
    assert "EMTrainingException" not in text and "estimation EM" not in text


# ------------------------------------------------------- 3. 4. 5. 6. on hand-built documents

@pytest.fixture
def doc(tmp_path) -> dict:
    """A real assessment of one adult patient (no minor), patients.csv alone."""
    (tmp_path / "p.csv").write_text(
        "nom;prenom;nir;date_naissance\n"
        f"THOMAS;Paul;{_nir('1600833063111')};1960-08-21\n", encoding="utf-8")
    return assess_paths([tmp_path], key=KEY)


def test_no_minor_found(doc):
    assert doc["severity"]["minors"] == 0
    # before: « oui, 0 mineur d'après sa date de naissance » / "yes, 0 minors by their birth date"
    assert ("- Mineurs ou personnes vulnérables concernés : aucun mineur détecté d'après les "
            "dates de naissance ; [À COMPLÉTER]") in render(doc, "notification-cnil.fr.md")
    assert ("- Minors or vulnerable persons concerned: no minor found from the birth dates; "
            "[TO BE COMPLETED]") in render(doc, "notification-cnil.en.md")
    assert "0\u00a0mineur" not in html(doc, "fr") and " · 0 mineur" not in html(doc, "fr")


def test_known_leak_without_overlap(tmp_path):
    from sentinelle.store import Store

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "p.csv").write_text("nom;prenom;nir;date_naissance\n"
                             f"THOMAS;Paul;{_nir('1600833063111')};1960-08-21\n", encoding="utf-8")
    (b / "p.csv").write_text("nom;prenom;nir;date_naissance\n"
                             f"RICHARD;Louis;{_nir('1751013055333')};1975-10-09\n",
                             encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    try:
        assess_paths([a], key=KEY, store=store, options=Options(register="lab-test"))
        d = assess_paths([b], key=KEY, store=store)
    finally:
        store.close()
    assert [(k["name"], k["overlap_subjects"]) for k in d["copies"]["known_leaks"]] == \
        [("lab-test", 0)]
    fr, en = render(d, "notification-cnil.fr.md"), render(d, "notification-cnil.en.md")
    # before: « 0 % des personnes figurent déjà … (0 personne en commun) : une partie de ces
    # données a déjà circulé. »
    assert "déjà circulé" not in fr and "circulated before" not in en
    assert "> Aucune de ces personnes ne figure dans la fuite connue « lab-test »." in fr
    assert "> None of these persons is in the known leak “lab-test”." in en


def test_known_leak_with_overlap_still_said(tmp_path):
    from sentinelle.store import Store

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.csv").write_text("nom;prenom;nir;date_naissance\n"
                                          f"THOMAS;Paul;{_nir('1600833063111')};1960-08-21\n",
                                          encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    try:
        assess_paths([tmp_path / "a"], key=KEY, store=store, options=Options(register="lab-test"))
        d = assess_paths([tmp_path / "a"], key=KEY, store=store)
    finally:
        store.close()
    # the same person: 100 % in common
    assert ("des personnes figurent déjà dans la fuite connue « lab-test » (1 personne en "
            "commun) : une partie de ces données a déjà circulé.") in render(
                d, "notification-cnil.fr.md")


@pytest.mark.parametrize("note, lang, shown", [
    # the document keeps the exception's name; the report words it for a DPO
    ("EM skipped for one blocking rule (EMTrainingException)", "fr",
     "paramètres du modèle probabiliste pris par défaut pour l'une de ses règles de regroupement "
     "(trop peu de paires comparables pour les estimer sur ces données)"),
    ("EM skipped for one blocking rule (EMTrainingException)", "en",
     "default parameters of the probabilistic model used for one of its blocking rules "
     "(too few comparable pairs to estimate them on these data)"),
])
def test_em_note_worded(doc, note, lang, shown):
    d = copy.deepcopy(doc)
    d["subjects"]["method"]["notes"] = [note]
    text = html(d, lang).replace("&#39;", "'")
    assert f"<li>{shown}</li>" in text
    assert "EMTrainingException" not in text


@pytest.mark.parametrize("sources, fr_text", [
    (1, "> Les données proviennent d'une source ;"),   # elision before a vowel (« d'une »)
    (2, "> Les données proviennent de 2 sources ;"),
])
def test_sources_phrase(doc, sources, fr_text):
    d = copy.deepcopy(doc)
    d["sources"] = [copy.deepcopy(d["sources"][0]) | {"path": f"lab{i}"} for i in range(sources)]
    assert fr_text in render(d, "notification-cnil.fr.md")


@pytest.mark.parametrize("start, expected", [
    ("2021-04-03", "Ces informations datent de la période d'avril 2021 à"),   # vowel: elided
    ("2021-03-03", "Ces informations datent de la période de mars 2021 à"),
])
def test_letter_period_elision(doc, start, expected):
    d = copy.deepcopy(doc)
    d["period"].update(start=start, end="2021-06-30")
    assert expected in render(d, "lettre-personnes.fr.md")
