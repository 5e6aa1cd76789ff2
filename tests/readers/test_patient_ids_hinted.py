"""Session 8, issue 3 fault 2: the patient's own identifiers in health messages (HL7 v2 PID-2,
-3, -4, HPRIM Santé P-3, -4, -5, FHIR ``Patient.identifier`` outside the INS / RPPS / SSN
systems) are MEDICAL_RECORD_NUMBER (hint ``ipp``), so the scan reports them and redact replaces
them; a NIR in the same place stays FR_NIR (INS authority OID or type in HL7; a NIR with its
right key, ANS "Référentiel INS", anywhere).

Corpus files (../shared/corpus, test patients, CC0): hl7v2/cdc_trusted_intermediary/Ochsner/
001_Ochsner_OML_O21_0_initial_message.hl7 (by hand: ``PID|1|10453873^^^MRN^MRN|10453873^^^MRN^
MRN||PKUSS^GIRL BEAKER|...``), hl7v2/.../Test/Results/002_AL_ORU_R01_NBS_Fully_Populated_3_hl7_
translation_final.hl7 (``PID|1||1300974^^^Baptist East^MR|``), fhir/cdc_trusted_intermediary/CA/
005_CA_ORU_R01_CDPH_generated_1_hl7_translation.fhir (entry 7, a Patient: ``"identifier": [{...
"type": {"coding": [{"code": "MR"}]}, "value": "80008715"...}]``, no ``system``). Synthetic
NIRs: 1 85 05 78 006 084, key 97 - (1850578006084 mod 97) = 91; 2 85 07 2A 004 123, key 38
(2A read as 19: 97 - (2850719004123 mod 97) = 38).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sentinelle
from tests.conftest import shared_dir


CORPUS = shared_dir() / "corpus"
CDC = CORPUS / "hl7v2" / "cdc_trusted_intermediary"
OCHSNER = CDC / "Ochsner" / "001_Ochsner_OML_O21_0_initial_message.hl7"
ALABAMA = CDC / "Test" / "Results" / "002_AL_ORU_R01_NBS_Fully_Populated_3_hl7_translation_final.hl7"
FHIR_CA = (CORPUS / "fhir" / "cdc_trusted_intermediary" / "CA"
           / "005_CA_ORU_R01_CDPH_generated_1_hl7_translation.fhir")


def found(path: Path, entities=("MEDICAL_RECORD_NUMBER", "FR_NIR")) -> set[tuple]:
    result = sentinelle.scan([path], entities=list(entities))
    assert not [i for i in result.issues if i.kind == "error"]
    return {(f.entity_type, f.location.sheet, f.location.column, f.value) for f in result.findings}


@pytest.mark.parametrize("path, expected", [
    (OCHSNER, ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-2", "10453873")),   # PID-2 (v2.3)
    (OCHSNER, ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3", "10453873")),   # the MR list
    (ALABAMA, ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3", "1300974")),
    (FHIR_CA, ("MEDICAL_RECORD_NUMBER", "Patient", "identifier[0].value", "80008715")),
])
def test_corpus_patient_ids(path, expected):
    assert expected in found(path)


MSH = "MSH|^~\\&|LAB|LBM|||20240101||ADT^A01|1|P|2.5\r"


@pytest.mark.parametrize("pid, column, entity, value", [
    # an IPP of the hospital (CX-5 "PI": patient internal identifier)
    ("PID|1||00123456^^^HOPITAL^PI||MARTIN^ZOE||19850517|F\r", "PID-3",
     "MEDICAL_RECORD_NUMBER", "00123456"),
    ("PID|1|IPP778812||||MARTIN^ZOE\r", "PID-2", "MEDICAL_RECORD_NUMBER", "IPP778812"),
    ("PID|1|||A-004512^^^HOPITAL^PI|MARTIN^ZOE\r", "PID-4", "MEDICAL_RECORD_NUMBER", "A-004512"),
    # the account number: the stay's NDA in France (IHE PAM national extension)
    ("PID|1||||MARTIN^ZOE|||||||||||||2024000871^^^HOPITAL^AN\r", "PID-18",
     "MEDICAL_RECORD_NUMBER", "2024000871"),
    # an INS-NIR with its OID stays FR_NIR
    ("PID|1||185057800608491^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||MARTIN^ZOE\r",
     "PID-3", "FR_NIR", "185057800608491"),
    # a NIR (right key) without any INS authority or type: still FR_NIR, not a local number
    ("PID|1||185057800608491||MARTIN^ZOE\r", "PID-3", "FR_NIR", "185057800608491"),
    ("PID|1||285072A00412338||MARTIN^ZOE\r", "PID-3", "FR_NIR", "285072A00412338"),
])
def test_hl7_patient_ids(tmp_path, pid, column, entity, value):
    path = tmp_path / "adt.hl7"
    path.write_text(MSH + pid, encoding="utf-8")
    hits = found(path)
    assert (entity, "PID[1]", column, value) in hits
    other = "FR_NIR" if entity == "MEDICAL_RECORD_NUMBER" else "MEDICAL_RECORD_NUMBER"
    assert not [h for h in hits if h[0] == other and h[2] == column]


@pytest.mark.parametrize("record, column, entity, value", [
    ("P|1|IPP4200||185057800608491|DUPONT^JEAN\r\n", "P-3", "MEDICAL_RECORD_NUMBER", "IPP4200"),
    ("P|1||LAB-00981234||DUPONT^JEAN\r\n", "P-4", "MEDICAL_RECORD_NUMBER", "LAB-00981234"),
    ("P|1|||0045871236|DUPONT^JEAN\r\n", "P-5", "MEDICAL_RECORD_NUMBER", "0045871236"),
    ("P|1|IPP42||185057800608491|DUPONT^JEAN\r\n", "P-5", "FR_NIR", "185057800608491"),
])
def test_hprim_patient_ids(tmp_path, record, column, entity, value):
    path = tmp_path / "resultats.hpr"
    path.write_text("H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n" + record
                    + "L|1|N\r\n", encoding="utf-8")
    hits = found(path)
    assert (entity, "P[1]", column, value) in hits


def test_hprim_short_ipp_is_not_taken(tmp_path):
    # "IPP42" has 2 digits: below MIN_DIGITS (4), a count or a code, not reported
    path = tmp_path / "resultats.hpr"
    path.write_text("H|~^\\&|||LBM\r\nP|1|IPP42|||DUPONT^JEAN\r\nL|1|N\r\n", encoding="utf-8")
    assert not [h for h in found(path) if h[2] == "P-3"]


@pytest.mark.parametrize("identifier, entity", [
    ({"system": "http://hopital.example.fr/ipp", "value": "00784512"}, "MEDICAL_RECORD_NUMBER"),
    ({"type": {"coding": [{"code": "MR"}]}, "value": "P0000001"}, "MEDICAL_RECORD_NUMBER"),
    ({"system": "urn:oid:1.2.250.1.213.1.4.8", "value": "185057800608491"}, "FR_NIR"),  # INS-NIR
])
def test_fhir_patient_identifier(tmp_path, identifier, entity):
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"resourceType": "Patient", "id": "p1",
                                "identifier": [identifier],
                                "name": [{"family": "MARTIN", "given": ["Zoé"]}]}),
                    encoding="utf-8")
    assert (entity, "Patient", "identifier[0].value", identifier["value"]) in found(path)
