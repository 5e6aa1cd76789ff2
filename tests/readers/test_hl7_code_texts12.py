"""Session 12: the texts of clinical codes in HL7 v2 are the terminology's wording, not names.

User report on the CDC trusted-intermediary samples (/work/shared/corpus/hl7v2, SOURCE.md):
``Pompe`` of OBR-4 ``63414-7^Pompe Disease newborn screening panel`` (Minnesota ORU files, the
LOINC code written without its coding system) was reported as PERSON (15 findings). The display
name of a LOINC / SNOMED CT code is the terminology's, never a person's name, but it may be
health data (``Cystic fibrosis newborn screening panel``).

Rules (src/sentinelle/readers/hl7v2.py):

* a LOINC code is 1-7 digits, ``-`` and a mod 10 check digit (LOINC Users' Guide, appendix
  "Calculating mod 10 check digits", worked example ``12345-5``); in OBR-4 (HL7 v2.5.1 4.5.3.4,
  universal service identifier) a LOINC code written without its coding system is read as a
  clinical code: its code is not read, its text is;
* an untyped field whose every repetition is a clinical code (coding system of table 0396 in
  ``CLINICAL_SYSTEMS``) is hinted ``CODE_TEXT_HINT``: a cell of the terminology's wording (the
  pipeline may keep only the health entities found in it, a hook the lead owns);
* a local code (``L``, ``99zzz``) and a code-shaped value in another field are read whole, as
  before (a Z-segment's ``12345-5^DUPONT`` may be a patient number and a name).

Messages below are synthetic, in the layout of the CDC samples (made-up names and numbers; the
LOINC codes and names are the real public ones those samples carry).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.hl7v2 import (CODE_TEXT_HINT, Delimiters, Hl7v2Reader, is_loinc,
                                      rep_blanks, split_field)

D = Delimiters("|", "^", "~", "\\", "&")

MSH = ("MSH|^~\\&|SENDER|MN Public Health Lab^2.16.840.1.114222.4.1.10080^ISO|RECEIVER|"
       "Receiving Facility|20240226034304||ORU^R01^ORU_R01|MSG00012|P|2.5.1\r")
PID = "PID|1||7181233072^^^MDH^MR||LEFEBVRE^ROSALIE||20240213|F\r"
OBR_POMPE = ("OBR|16|7181233072^FormNumber||63414-7^Pompe Disease newborn screening panel|||"
             "202402131546|||||||||^GARNIER^ODILE||||||20240226034304|||F\r")
OBR_CF = ("OBR|17|7181233072^FormNumber||54078-1^Cystic fibrosis newborn screening panel^LN|||"
          "202402131546|||||||||^GARNIER^ODILE||||||20240226034304|||F\r")


def cells(line: str) -> dict[str, tuple[str, str | None]]:
    return {c.column: (c.text, c.hint)
            for c in Hl7v2Reader._cells(line[:3], line.rstrip("\r"), D)}


@pytest.mark.parametrize("code, valid", [
    ("12345-5", True),     # LOINC Users' Guide worked example
    ("63414-7", True),     # Pompe disease newborn screening panel (CDC samples)
    ("54089-8", True),     # newborn screening panel (CDC samples, OBR-4)
    ("57718-9", True),     # sample quality of dried blood spot (CDC samples, OBX-3)
    ("718-7", True),       # hemoglobin [mass/volume] in blood
    ("63414-8", False),    # wrong check digit
    ("12345", False),      # no check digit
    ("LA12432-3", False),  # a LOINC answer code is no LOINC term code
    ("99717-29", False),   # a local code of the samples (two digits after the dash)
])
def test_is_loinc(code, valid):
    assert is_loinc(code) is valid


def test_obr4_loinc_without_system_is_a_clinical_code():
    assert cells(OBR_POMPE)["OBR-4"] == ("Pompe Disease newborn screening panel", CODE_TEXT_HINT)
    # (component, sub-component) places not read: the code (1); text 2 kept (HL7 2.A.13 CWE)
    rep = split_field("63414-7^Pompe Disease newborn screening panel", D)[0]
    assert rep_blanks(rep, implied_loinc=True) == {(1, 0)}
    assert rep_blanks(rep) == set()  # elsewhere, a code without a system is read whole


def test_clinical_code_fields_are_hinted():
    assert cells(OBR_CF)["OBR-4"] == ("Cystic fibrosis newborn screening panel", CODE_TEXT_HINT)
    spm = "SPM|1|||119297000^Blood specimen^SCT\r"  # SPM-4 specimen type, SNOMED CT
    assert cells(spm)["SPM-4"] == ("Blood specimen", CODE_TEXT_HINT)
    # the ordering provider beside it keeps its own hint
    assert cells(OBR_CF)["OBR-16"] == ("GARNIER ODILE", "prescripteur")


@pytest.mark.parametrize("line, column, cell", [
    # a local code is read whole (code, text and system), with no hint (session 11 rule)
    ("OBR|1|||^^^99717-29^Adrenoleukodystrophy newborn screening panel^L\r", "OBR-4",
     ("99717-29 Adrenoleukodystrophy newborn screening panel L", None)),
    # a local repetition beside a clinical one: not all clinical, no hint
    ("OBR|1|||54078-1^Cystic fibrosis newborn screening panel^LN~CF1^Panel CF^L\r", "OBR-4",
     ("Cystic fibrosis newborn screening panel\nCF1 Panel CF L", None)),
    # a wrong check digit is no LOINC code: read whole
    ("OBR|1|||63414-8^Pompe Disease newborn screening panel\r", "OBR-4",
     ("63414-8 Pompe Disease newborn screening panel", None)),
    # a LOINC-shaped code outside OBR-4, without a system: read whole (an ID and a name?)
    ("ZPI|1|12345-5^DUPONT\r", "ZPI-2", ("12345-5 DUPONT", None)),
    # an administrative table: nothing read (session 11)
    ("ZPI|1|MTH^Mother^HL70063|x\r", "ZPI-3", ("x", None)),
])
def test_other_codes_are_read_as_before(line, column, cell):
    got = cells(line)
    assert got[column] == cell
    assert "ZPI-2" not in got or column == "ZPI-2"


def test_obx_result_cell_is_unchanged():
    obx = ("OBX|2|CWE|57718-9^Sample quality of Dried blood spot^LN|^2^1|"
           "LA12432-3^Acceptable^LN||||||P\r")
    got = cells(obx)
    assert got["OBX-3/5/6"] == ("Sample quality of Dried blood spot LA12432-3 Acceptable LN",
                                "resultat")


def test_scan_keeps_health_data_and_reports_no_person_in_code_texts(tmp_path: Path):
    (tmp_path / "m.hl7").write_text(MSH + PID + OBR_POMPE + OBR_CF, encoding="utf-8")
    result = sentinelle.scan([tmp_path / "m.hl7"],
                             entities=["PERSON", "LOCATION", "HEALTH_CONDITION"])
    found = {(f.entity_type, f.location.sheet, f.location.column, f.value)
             for f in result.findings}
    # the code's wording: its health data only ("cystic fibrosis", data/health_conditions.txt)
    code_texts = {x for x in found if x[2] == "OBR-4"}
    assert code_texts == {("HEALTH_CONDITION", "OBR[2]", "OBR-4", "Cystic fibrosis")}
    # the persons of the message are still found (PID-5 patient, OBR-16 ordering provider)
    assert ("PERSON", "PID[1]", "PID-5", "LEFEBVRE ROSALIE") in found
    assert ("PERSON", "OBR[1]", "OBR-16", "GARNIER ODILE") in found
    assert ("PERSON", "OBR[2]", "OBR-16", "GARNIER ODILE") in found
