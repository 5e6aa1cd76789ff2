"""Faults of the report and the drafts found by session 6's new user (session 7): counts of one
("1 persons"), and the circumstances of the breach (ENISA CB) asserted as "published" when
nobody stated them. Plural rules: Unicode CLDR ``plurals.xml``, cardinal category *one* (French
``i = 0,1``, English ``i = 1 and v = 0``). Identifiers are synthetic with valid keys."""

from __future__ import annotations

import re

import pytest

from sentinelle.assess import Options, assess_paths
from sentinelle.assess.severity import Circumstances, severity
from sentinelle.report.assessment import html, plural, plural_one
from sentinelle.report.notification import render

NN = "\u202f"
KEY = b"test-key-not-secret"
# 2 15 09 75 123 456 | key 25 (97 - 2150975123456 mod 97 = 25): a girl born in September 2015
NIR_CHILD = "215097512345625"


@pytest.mark.parametrize("n, lang, one", [
    (0, "fr", True),          # CLDR fr: i = 0,1 -> « 0 personne »
    (1, "fr", True),
    (2, "fr", False),
    (0, "en", False),         # CLDR en: i = 1 and v = 0 -> "0 persons"
    (1, "en", True),
    (2, "en", False),
    ("1", "en", True),        # a count already formatted by fmt_int
    (f"1{NN}000", "fr", False),
    ("1,000", "en", False),
    ("—", "fr", False),       # unknown: plural
    (None, "en", False),
])
def test_plural_one(n, lang, one):
    assert plural_one(n, lang) is one


def test_plural_keeps_the_formatted_number():
    assert plural(f"19{NN}874", "fr", "personne", "personnes") == f"19{NN}874 personnes"
    assert plural(1, "en", "person", "persons") == "1 person"


@pytest.fixture(scope="module")
def one_person(tmp_path_factory) -> dict:
    """A real assessment of one file holding one patient (a child: one minor), one dated record."""
    folder = tmp_path_factory.mktemp("one")
    (folder / "patients.csv").write_text(
        "nom;prenom;date_naissance;nir;date_prelevement\n"
        f"MARTIN;Léa;03/09/2015;{NIR_CHILD};12/03/2020\n", encoding="utf-8")
    return assess_paths([folder], key=KEY)


def test_one_person_document(one_person):
    doc = one_person
    assert doc["files"] == {**doc["files"], "scanned": 1, "with_findings": 1, "errors": 0}
    assert doc["subjects"]["unique"] == 1
    assert doc["subjects"]["records"] == 1
    assert doc["severity"]["minors"] == 1
    assert doc["period"]["dated_records"] == 1


# a number followed by a plural noun where the number is 1 (or 0 in French)
_BAD = {"fr": re.compile(r"(?<![\d\u202f,])[01] (personnes|fichiers|enregistrements|patients|"
                         r"mineurs|sources|liens|illisibles|groupes|exactes|proches)\b"),
        "en": re.compile(r"(?<![\d,])1 (persons|files|records|patients|minors|sources|links|"
                         r"groups)\b")}


@pytest.mark.parametrize("lang, expected", [
    ("fr", ["1 fichier analysé", "1 personne", "1 enregistrement daté", "dont 1 mineur<",
            "1 enregistrement<"]),
    ("en", ["1 file scanned", "1 person", "1 dated record", "1 of them a minor",
            "1 record<"]),
])
def test_report_agrees_with_one(one_person, lang, expected):
    text = html(one_person, lang)
    for phrase in expected:
        assert phrase in text
    assert _BAD[lang].findall(text) == []


@pytest.mark.parametrize("name, expected", [
    ("notification-cnil.fr.md", ["(1 fichier analysé)", "Un fichier (",  # not « Un ensemble de 1 »
                                 "1 contient des données personnelles",
                                 "environ **1 personne**", "(1 enregistrement)",
                                 "proviennent d'une source ;",  # not « de 1 source » (session 8)
                                 "oui, 1 mineur d'après sa date de naissance"]),
    ("notification-cnil.en.md", ["(1 file scanned)", "A set of 1 file", "1 holds personal data",
                                 "about **1 person**", "(1 record)", "found in 1 source;",
                                 "yes, 1 minor by their birth date"]),
    ("lettre-personnes.fr.md", ["Environ 1 personne est concernée", "(1 patient)"]),
    ("letter-data-subjects.en.md", ["1 person is concerned", "(1 patient)"]),
])
def test_drafts_agree_with_one(one_person, name, expected):
    text = render(one_person, name)
    for phrase in expected:
        assert phrase in text
    assert _BAD[name.split(".")[-2]].findall(text) == []


@pytest.mark.parametrize("lang, groups, headline", [
    ("fr", [("exact", 1.0)], "1 groupe de copies : 1 exacte, 0 proche"),
    ("en", [("exact", 1.0)], "1 group of copies: 1 exact, 0 near"),
    ("fr", [("exact", 1.0), ("near", 0.9), ("near", 0.8)], "3 groupes de copies : 1 exacte, 2 proches"),
    ("en", [("exact", 1.0), ("near", 0.9), ("near", 0.8)], "3 groups of copies: 1 exact, 2 near"),
])
def test_copies_headline_agrees(leak_doc, lang, groups, headline):
    leak_doc["copies"]["groups"] = [{"members": [f"a{i}.csv", f"b{i}.csv"], "kind": k,
                                     "similarity": s, "records": 10}
                                    for i, (k, s) in enumerate(groups)]
    assert headline in html(leak_doc, lang)


def test_many_persons_keep_the_plural(leak_doc):
    assert f"12{NN}345 personnes" in html(leak_doc, "fr")        # combinations[0], conftest.py
    assert "12,345 persons" in html(leak_doc, "en")


# -- the circumstances of the breach: assumed, not asserted -----------------------------------

_HEALTH_LEAK = ({"PERSON", "FR_NIR", "HEALTH_CONDITION"},
                {frozenset({"PERSON", "FR_NIR", "HEALTH_CONDITION"}): 100})


@pytest.mark.parametrize("circumstances, assumed, basis", [
    # not stated: publication assumed (worst case, +0.5), flagged
    (Circumstances(), ["loss_of_confidentiality"],
     "assumed: data published, unknown number of recipients (not stated; to be confirmed)"),
    (Circumstances(exposure="published"), [],
     "data found published: unknown number of recipients"),
    (Circumstances(exposure="limited"), [], "data disclosed to a known number of recipients"),
])
def test_cb_assumption_is_flagged(circumstances, assumed, basis):
    sev = severity(*_HEALTH_LEAK, False, circumstances)
    assert sev["cb"]["assumed"] == assumed
    assert sev["cb"]["basis"] == basis
    assert sev["rationale"][2].startswith(f"CB {sev['cb']['score']}: {basis}")


def _with_circumstances(doc: dict, circumstances: Circumstances) -> dict:
    doc["severity"] = severity(*_HEALTH_LEAK, False, circumstances)
    return doc


@pytest.mark.parametrize("name, todo_line, asserted", [
    ("notification-cnil.fr.md",
     "perte de **confidentialité** : [À COMPLÉTER] (non déclarée : la gravité ci-dessous suppose "
     "les données publiées", "oui, les données ont été trouvées publiées"),
    ("notification-cnil.en.md",
     "loss of **confidentiality**: [TO BE COMPLETED] (not stated: the severity below assumes the "
     "data were published", "yes, the data were found published"),
    ("lettre-personnes.fr.md",
     "qui a été [À COMPLÉTER] (rendu public, ou consulté ou diffusé) sans autorisation",
     "rendu public sans autorisation"),
    ("letter-data-subjects.en.md",
     "that was\n[TO BE COMPLETED] (made public, or accessed or disclosed) without authorisation",
     "made public without authorisation"),
])
def test_drafts_ask_for_the_exposure_when_not_stated(leak_doc, name, todo_line, asserted):
    assumed = render(_with_circumstances(leak_doc, Circumstances()), name)
    assert todo_line in assumed
    assert asserted not in assumed
    stated = render(_with_circumstances(leak_doc, Circumstances(exposure="published")), name)
    assert asserted in stated
    assert todo_line not in stated


@pytest.mark.parametrize("lang, note, factor, basis", [
    ("fr", "Hypothèse à confirmer par le DPO : les données sont supposées publiées",
     "Perte de confidentialité 0,5 (hypothèse)",
     "hypothèse : données publiées, nombre de destinataires inconnu (non déclaré ; à confirmer)"),
    ("en", "Assumption the DPO must confirm: the data are assumed published",
     "Loss of confidentiality 0.5 (assumed)",
     "assumed: data published, unknown number of recipients (not stated; to be confirmed)"),
])
def test_report_shows_the_exposure_as_an_assumption(leak_doc, lang, note, factor, basis):
    text = html(_with_circumstances(leak_doc, Circumstances()), lang)
    assert 'id="cb-assumed"' in text and note in text
    assert factor in text
    assert basis in text
    stated = html(_with_circumstances(leak_doc, Circumstances(exposure="published")), lang)
    assert note not in stated and 'id="cb-assumed"' not in stated


# Session 7 review: the "loss of control" consequence said "diffusées sans limite de durée ni de
# destinataires" whatever --exposure said (none, limited) and when publication was only assumed.
@pytest.mark.parametrize("exposure, fr, en", [
    (None, "étendue de la diffusion : [À COMPLÉTER]", "extent of the disclosure: [TO BE COMPLETED]"),
    ("published", "diffusées sans limite de durée ni de destinataires",
     "spread with no limit in time or recipients"),
    ("limited", "communiquées à un nombre connu de destinataires",
     "disclosed to a known number of recipients"),
    ("none", "étendue de la diffusion : [À COMPLÉTER].", "extent of the disclosure: [TO BE COMPLETED]."),
])
def test_loss_of_control_follows_exposure(tmp_path, exposure, fr, en):
    from sentinelle.assess.severity import Circumstances
    (tmp_path / "patients.csv").write_text(
        "nom;prenom;date_naissance;nir;date_prelevement\n"
        f"MARTIN;Léa;03/09/2015;{NIR_CHILD};12/03/2020\n", encoding="utf-8")
    doc = assess_paths([tmp_path], key=KEY,
                       options=Options(circumstances=Circumstances(exposure=exposure)))
    text_fr = render(doc, "notification-cnil.fr.md")
    text_en = render(doc, "notification-cnil.en.md")
    line_fr = next(line for line in text_fr.splitlines() if "Perte de maîtrise" in line)
    line_en = next(line for line in text_en.splitlines() if "Loss of control" in line)
    assert fr in line_fr
    assert en in line_en
    if exposure != "published":
        assert "sans limite" not in line_fr.split("(si elles")[0]
        assert "no limit" not in line_en.split("(if they")[0]
