"""Candidate starts found by hyperscan (issue 6, speed): on long texts the date scanner
(``dates._candidates``), the postcode and street-type regexes, the ``_NUM_CAP``, English line
and address cue starts of STREET_ADDRESS, the phone forms and the lab analyses
(``lexicon.som_starts``), and the organ phrases of HEALTH_CONDITION
(``_PHRASE_STARTS``) try their regex only at candidate starts. The findings must be IDENTICAL to
the regex-only path (the same detector with the length threshold out of reach).

Texts: EDS-Pseudo notes concatenated into long documents
(../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl), QUAERO dev texts
(../shared/corpus/medical_ner_fr_quaero/dev), and hand-made lines that hit the edge cases of the
candidate patterns (characters outside Latin-1, which the byte encoding turns into "?": Unicode
digits and spaces, a "?" that is both a digit and the character before a date; "mayof 1987", a
month glued to "of"; boxed and HL7 digits), each repeated past the length threshold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinelle.detectors import (dates, health_condition, lab_result, phone, postal_code,
                                  street_address)
from sentinelle.detectors.prefilter import hyperscan_available
from tests.conftest import shared_dir


def _eds_documents() -> list[str]:
    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in path.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    return ["\n\n".join(notes[i:i + 60]) for i in range(0, len(notes), 60)]


def _quaero_documents() -> list[str]:
    root = shared_dir() / "corpus" / "medical_ner_fr_quaero" / "dev"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))]
    return ["\n".join(texts[i:i + 80]) for i in range(0, len(texts), 80)]


EDGE_LINES = [
    "né le ٣1/02/1980 puis le ١2/03/2004, 2 05 02 42 215 767 66",   # Arabic-Indic digits
    "Date : 12\u200903\u20091987 ; le\u20092/4/1999 ; DDN\u3000:\u300003/04/1985",  # other spaces
    "\u2603 1er mars 1987, mayof 1987, dec1993, 28nov, 3ejanvier 2001, Sept 01,2026",
    "PID|1||123^^^X||DOE^J||19850712|F|||12 rue des Lilas^^PARIS^^75011|^19850712083015|",
    "1 2 0 5 1 9 5 0 et 1 4 0 5 1 9 8 0 1 3 0 5 2 0 2 2 ; ٣ 1 0 2 1 9 9 5",
    "Adresse : 12 bis, rue du Faubourg Saint-Jacques, 75014 Paris ; 3 Grand’Rue 2B784",
    "Zone d’activité des Prés, 13 001 Marseille ; 47-83 Rond-Point ; Ω12 Av. Foch 75116",
    "Lives at 3911 Fourth Avenue Suite 697 ; \u00e912 Main St ; 7 UI/L ; 514 G/L ; Ω7 Route",
    "troubles du sommeil, insuffisance rénale (IR), IR sévère ; l'atteinte hépatique",
    # phone forms (phone._START_PATTERNS): boxed, bracketed, +33, 00, O typo, loose with a cue
    "Tél : 0 1 5 6 3 1 5 2 5 6 ; ( 3 3 ) 6 4 2 0 4 5 6 5 7 ; (33) 0 23 25 43 13 ; +33 (0)6 12 34 56 78",
    "Accueil+330463566525, le0534526547, 00 24 01 27 61, 0057262222, Dr X O1.42.15.93.30",
    "Office: 905-674-3793, (579)888-3058 ; call 0688 872 49 99 ; 02 42 215 767 66 ; 345-899-3560x4587",
    "Téléphone : 06 12 34 56 78 ; ٠٦ ١٢ ٣٤ ٥٦ ٧٨ ; 06 12 34 56 78",
    # lab results (lab_result start patterns): separators, qualifiers, structured fields
    "Hémoglobine : 13,2 g/dL ; CRP 12 mg/L ; Ag HBs négatif ; 25-OH vitamine D 30 ng/mL ; β-hCG 5 UI/L",
    "OBX|1|NM|718-7^Hémoglobine^LN||13.2|g/dL ; RES|HEMOGLOBINE|NF 030|N|14.8|g/dL ; Charge virale VIH : 45 copies/mL",
]
EDGE = ["\n".join(EDGE_LINES) * 12, " ".join(EDGE_LINES) * 12]
DOCUMENTS = _eds_documents() + _quaero_documents() + EDGE


@pytest.fixture
def regex_only(monkeypatch):
    """The regex-only path: every length threshold out of reach."""
    def switch():
        monkeypatch.setattr(dates, "CANDIDATE_MIN_CHARS", 1 << 60)
        monkeypatch.setattr(postal_code, "SOM_MIN_CHARS", 1 << 60)
        monkeypatch.setattr(street_address, "SOM_MIN_CHARS", 1 << 60)
        monkeypatch.setattr(phone, "SOM_MIN_CHARS", 1 << 60)
        monkeypatch.setattr(lab_result, "SOM_MIN_CHARS", 1 << 60)
    return switch


def _matches(det, text: str):
    return [(m.start, m.end, m.score, m.validation, m.pattern, m.normalized, m.entity)
            for m in det.find(text)]


def test_documents_take_the_candidate_path():
    # hyperscan is a runtime dependency on Linux x86-64 (pyproject.toml): the candidate path is
    # the one under test, and every document is past the thresholds (2048 characters)
    assert hyperscan_available()
    assert min(len(t) for t in DOCUMENTS) >= 2048
    assert dates._candidates(DOCUMENTS[0]) is not None


@pytest.mark.parametrize("cls", [
    dates.DateOfBirthDetector,            # the date scanner and the birth cues
    dates.DateTimeDetector,
    postal_code.PostalCodeDetector,       # _START_PATTERNS
    street_address.StreetAddressDetector,  # the types of way, _NUM_CAP, English and cue starts
    phone.PhoneDetector,                  # _START_PATTERNS (a start left out is a rejected one)
    lab_result.LabResultDetector,         # the literal starts of the analyses
])
def test_candidate_path_equals_regex_path(cls, regex_only):
    det = cls()
    fast = [_matches(det, t) for t in DOCUMENTS]
    dates._all_dates_memo.cache_clear()
    regex_only()
    slow = [_matches(det, t) for t in DOCUMENTS]
    for k, (a, b) in enumerate(zip(fast, slow)):
        assert a == b, k
    assert sum(map(len, fast)) > 0


def test_organ_phrases_equal_the_phrase_regex():
    # _PHRASE.finditer, tried only where _PHRASE_STARTS finds a head noun
    det = health_condition.HealthConditionDetector()
    for text in DOCUMENTS:
        folded = health_condition.fold_keep_length(text)
        got = [(m.start, m.end) for m in det._with_phrases(text, folded, [])]
        assert got == [m.span() for m in health_condition._PHRASE.finditer(folded)]
