"""Session 9, issue 3: three faults of the patient's identifiers in health messages and tables.

1. A NIR body without its key (13 characters) under a field or header that says NIR (HL7 CX-5
   ``NH``, a FHIR INS system, a CSV ``nir`` column) scored 0.35 + 0.2 = 0.55, barely above the
   default ``--min-score``; the header names the number as a cue word does in text, so it scores
   ``KEYLESS_CUE_SCORE`` (0.55) + the header boost = 0.75 (``nir_header``).
2. A FHIR ``Patient.identifier`` of an unknown system holding the NIR's 15 characters with the
   NIR shape and a wrong key was hinted ``ipp`` and reported MEDICAL_RECORD_NUMBER at 0.9; it is
   FR_NIR with ``Validation.INVALID`` (0.3: a wrong key is never boosted), as in an untyped or
   ``nir`` column. A system or type that names a local number keeps it a patient number.
3. 3-digit patient numbers under a field, header or cue that names them (IPP, HL7 ``PID-3``,
   HPRIM ``P-3``, a CSV ``ipp`` column) were dropped (4 digits at least); 2 digits still are.

Rule sources: HL7 v2.5.1 chapter 2A (CX-5) and table 0203 (``NH``, ``PI``, ``MR``); HL7 FHIR R4
Identifier (``system``, ``type``); ANS "Référentiel INS" (INS-NIR OID 1.2.250.1.213.1.4.8);
INSEE / décret n° 82-103 (NIR shape and key). Synthetic NIRs, keys by hand (key = 97 - (13
digits mod 97)): 1 85 05 78 006 084 -> 1850578006084 mod 97 = 6, key 91, so ``...00`` is a wrong
key; 1 85 05 75 123 456 is a body without its key. Patient numbers are made up.
"""

from __future__ import annotations

import json

import pytest

import sentinelle
from sentinelle.finding import Validation

MSH = "MSH|^~\\&|LAB|CHU|||20240101||ADT^A01|1|P|2.5\r"
HPRIM_H = "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
WRONG_KEY = "185057800608400"   # NIR shape, key 00 instead of 91
RIGHT_KEY = "185057800608491"
KEYLESS = "1850575123456"


def _hits(path, min_score=None):
    result = sentinelle.scan([path], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"],
                             min_score=min_score)
    return {(f.entity_type, f.location.column, f.value, round(f.score, 2), f.validation)
            for f in result.findings}


# -- fault 1: a keyless NIR under a field or header that says NIR ------------------------------

@pytest.mark.parametrize("name, content, column", [
    # HL7 PID-3 repetition of type NH (table 0203 national health plan number)
    ("a.hl7", MSH + f"PID|1||00045678^^^CHU^PI~{KEYLESS}^^^INS^NH||DUPONT^JEAN\r", "PID-3[2]"),
    # a CSV column named after the number
    ("a.csv", f"nir,nom\n{KEYLESS},DUPONT\n", "nir"),
    # FHIR identifier of the INS-NIR system
    ("a.json", json.dumps({"resourceType": "Patient", "id": "p1", "identifier": [
        {"system": "urn:oid:1.2.250.1.213.1.4.8", "value": KEYLESS}]}), "identifier[0].value"),
])
def test_keyless_nir_under_a_nir_field(tmp_path, name, content, column):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert ("FR_NIR", column, KEYLESS, 0.75, Validation.NONE) in _hits(path)


def test_keyless_nir_without_a_header_stays_low(tmp_path):
    # no header naming it: 13 digits with the NIR shape are weak evidence (0.35, not reported)
    path = tmp_path / "a.csv"
    path.write_text(f"col\n{KEYLESS}\n{KEYLESS[:-1]}7\n{KEYLESS[:-1]}8\n", encoding="utf-8")
    assert not [h for h in _hits(path) if h[0] == "FR_NIR"]


# -- fault 2: a FHIR identifier of an unknown system holding a wrong-key NIR --------------------

def _patient(identifier: dict) -> str:
    return json.dumps({"resourceType": "Patient", "id": "p1", "identifier": [identifier]})


@pytest.mark.parametrize("identifier, expected", [
    # unknown system, no type: the NIR shape decides, the key is judged (wrong: INVALID)
    ({"system": "http://example.org/ids", "value": WRONG_KEY},
     ("FR_NIR", WRONG_KEY, 0.3, Validation.INVALID)),
    ({"value": "1 85 05 78 006 084 00"},                       # grouped, no system at all
     ("FR_NIR", "1 85 05 78 006 084 00", 0.3, Validation.INVALID)),
    ({"system": "http://example.org/ids", "value": RIGHT_KEY},  # right key: valid, as before
     ("FR_NIR", RIGHT_KEY, 1.0, Validation.VALID)),
    # a system or a type that names a local number: the hospital's number, as written
    ({"system": "http://chu.example.fr/ipp", "value": WRONG_KEY},
     ("MEDICAL_RECORD_NUMBER", WRONG_KEY, 0.9, Validation.NONE)),
    ({"system": "http://example.org/ids", "type": {"coding": [{"code": "MR"}]}, "value": WRONG_KEY},
     ("MEDICAL_RECORD_NUMBER", WRONG_KEY, 0.9, Validation.NONE)),
    # 15 digits without the NIR shape (month 13): a patient number
    ({"system": "http://example.org/ids", "value": "185137800608400"},
     ("MEDICAL_RECORD_NUMBER", "185137800608400", 0.9, Validation.NONE)),
])
def test_fhir_unknown_system_nir_shape(tmp_path, identifier, expected):
    path = tmp_path / "patient.json"
    path.write_text(_patient(identifier), encoding="utf-8")
    hits = {(e, v, s, val) for e, c, v, s, val in _hits(path, min_score=0.0)
            if c == "identifier[0].value"}
    assert hits == {expected}


# -- fault 3: 3-digit patient numbers where a field, header or cue names them ------------------

@pytest.mark.parametrize("name, content, column, value", [
    ("b.hl7", MSH + "PID|1||123^^^CHU^PI||DUPONT^JEAN||19850515|M\r", "PID-3", "123"),  # PID-3
    ("c.hpr", HPRIM_H + "P|1|123|||DUPONT^JEAN\r\nL|1|N\r\n", "P-3", "123"),          # HPRIM P-3
    ("e.csv", "ipp,nom\n123,DUPONT\n456,MARTIN\n", "ipp", "123"),                    # CSV header
    ("t.txt", "Patient DUPONT Jean, IPP : 123, vu le 12/03/2024.\n", None, "123"),   # the acronym
])
def test_three_digit_patient_numbers(tmp_path, name, content, column, value):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert ("MEDICAL_RECORD_NUMBER", column, value, 0.9, Validation.NONE) in _hits(path)


@pytest.mark.parametrize("name, content", [
    ("b.hl7", MSH + "PID|1||12^^^CHU^PI||DUPONT^JEAN||19850515|M\r"),   # 2 digits: a code
    ("e.csv", "ipp,nom\n12,DUPONT\n45,MARTIN\n"),
    ("t.txt", "n° patient : 123, vu le 12/03/2024.\n"),  # a cue that is not the acronym: 4 digits
    ("u.txt", "Son traitement : IPP 20, paracétamol.\n"),  # the drug class and a dose
])
def test_shorter_numbers_are_not_taken(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert not [h for h in _hits(path) if h[0] == "MEDICAL_RECORD_NUMBER"]
