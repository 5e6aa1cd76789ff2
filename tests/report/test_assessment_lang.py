"""Language of the assessment report and drafts: the assessment document's own English phrases
(severity bases and adjustments, linkage rules, notes, the period's source) read in French in
the French report, and ``sentinelle assess --lang``.

The expected French lines are written by hand from templates/phrases.fr.json and strings.json
(French colon with U+00A0, decimal comma: CLDR ``fr``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sentinelle.assess import assess_paths
from sentinelle.assess.severity import Circumstances, severity
from sentinelle.cli import app
from sentinelle.report.assessment import _note, html, phrase, strings, view
from sentinelle.report.notification import write_drafts

KEY = b"test-key-not-secret"
NB = "\u00a0"
# 1 80 05 75 123 456, key 27 (97 - n mod 97): synthetic NIR of a man born in May 1980
NIR = "180057512345627"


@pytest.fixture(scope="module")
def real_doc(tmp_path_factory) -> dict:
    """A document made by ``assess`` itself on a tiny table (two persons, one with a typo)."""
    d = tmp_path_factory.mktemp("lang")
    (d / "labo.csv").write_text(
        "nom;prenom;date_naissance;nir;telephone;diagnostic\n"
        f"DUPONT;Jean;12/05/1980;{NIR};06 12 34 56 78;diabète de type 2\n"
        f"DUPOND;Jean;12/05/1980;{NIR};06 12 34 56 78;diabète de type 2\n"
        "MARTIN;Léa;03/09/2015;;06 98 76 54 32;asthme\n", encoding="utf-8")
    return assess_paths([d], key=KEY)


def _document_phrases(doc: dict) -> list[str]:
    sev = doc["severity"]
    method = doc["subjects"]["method"]
    return [sev["method"], sev["dpc"]["basis"], *sev["dpc"]["adjustments"], sev["ei"]["basis"],
            sev["cb"]["basis"], *(r["rule"] for r in method["exact_key"]), *method["notes"],
            doc["period"]["source"]]


def test_every_phrase_of_a_real_document_has_a_french_translation(real_doc):
    missing = [p for p in _document_phrases(real_doc) if phrase(p, "fr") == p]
    assert missing == []


@pytest.mark.parametrize("entities, minors", [
    ({"PERSON", "FR_NIR", "HEALTH_CONDITION"}, True),      # sensitive data; minors adjustment
    ({"PERSON", "IBAN_CODE"}, False),                       # bank accounts: -1
    ({"PERSON", "CREDIT_CARD", "BLOOD_GROUP"}, False),      # cards +1; blood group alone -2
    ({"EMAIL_ADDRESS", "HEALTH_INSURER", "IP_ADDRESS"}, False),  # insurer alone -3; behavioural
    ({"CREDENTIAL"}, False),                                # credentials
    (set(), False),                                         # nothing recognised
])
def test_every_severity_phrase_has_a_french_translation(entities, minors):
    for exposure in ("none", "limited", "published"):
        sev = severity(entities, {frozenset(entities): 10}, minors,
                       Circumstances(exposure=exposure, malicious=True))
        texts = [sev["method"], sev["ei"]["basis"], sev["cb"]["basis"], "malicious intent"]
        for t in sev["dpc"]["per_type"]:
            texts += [t["type"], *t["adjustments"]]
        assert [p for p in texts if phrase(p, "fr") == p] == []


def test_french_report_has_no_english_phrase(real_doc):
    page = html(real_doc, "fr")
    for p in _document_phrases(real_doc):
        assert p not in page
        # linkage notes go through _note (the EM fallback worded for a DPO, session 8)
        shown = _note(p, strings("fr"), "fr")
        assert shown in page or shown.replace("'", "&#39;") in page
    english = html(real_doc, "en")
    assert real_doc["severity"]["dpc"]["basis"] in english


def test_french_rationale_rebuilt_from_the_parts(leak_doc):
    # tests/report/conftest.py: DPC 4 (health), EI 1.0 maximum, CB 0.5, SE 4.5 very high
    leak_doc["severity"]["ei"]["level"] = "maximum"
    assert view(leak_doc, "fr")["severity"]["rationale"] == [
        f"DPC 4{NB}: données sensibles (santé : diagnostics, résultats, traitements)",
        f"EI 1 (maximale){NB}: noms complets avec un identifiant national, une date de naissance "
        "ou une adresse",
        f"CB 0,5{NB}: données trouvées publiées : nombre de destinataires inconnu",
        "SE = 4 × 1 + 0,5 = 4,5 (très élevée)",
    ]
    assert view(leak_doc, "en")["severity"]["rationale"] == leak_doc["severity"]["rationale"]


@pytest.mark.parametrize("text, expected", [
    ("EM skipped for one blocking rule (KeyError)",           # detail in parentheses kept
     "paramètres du modèle probabiliste pris par défaut pour l'une de ses règles de "
     "regroupement (KeyError)"),
    ("something new", "something new"),                       # unknown: left as it is
    (None, None),
])
def test_phrase(text, expected):
    assert phrase(text, "fr") == expected
    assert phrase(text, "en") == text


@pytest.mark.parametrize("langs, names", [
    (None, ["notification-cnil.fr.md", "notification-cnil.en.md", "lettre-personnes.fr.md",
            "letter-data-subjects.en.md"]),
    (("en",), ["notification-cnil.en.md", "letter-data-subjects.en.md"]),
    (("fr",), ["notification-cnil.fr.md", "lettre-personnes.fr.md"]),
])
def test_write_drafts_languages(leak_doc, tmp_path, langs, names):
    assert [p.name for p in write_drafts(leak_doc, tmp_path, langs=langs)] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_write_drafts_unknown_language(leak_doc, tmp_path):
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        write_drafts(leak_doc, tmp_path, langs=("de",))


def test_cli_lang_en(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "labo.csv").write_text(
        f"nom;prenom;date_naissance;nir\nDUPONT;Jean;12/05/1980;{NIR}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["assess", str(tmp_path / "in"), "--no-db", "--quiet",
                                   "--html", str(tmp_path / "r.html"),
                                   "--notification", str(tmp_path / "drafts"), "--lang", "en"],
                             env={"SENTINELLE_KEY": "test-key-not-secret"})
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r.html").read_text("utf-8")
    assert '<html lang="en"' in page and "Severity rationale" in page
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == [
        "letter-data-subjects.en.md", "notification-cnil.en.md"]
