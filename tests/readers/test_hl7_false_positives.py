"""Session 11, user report: HL7 v2 false positives on the CDC trusted-intermediary samples
(/work/shared/corpus/hl7v2, see its SOURCE.md). Four kinds of values that are not personal data
were reported or replaced as such:

1. coded demographics, PID-10 race (HL7 table 0005, CDC code set CDCREC) and PID-22 ethnic group
   (table 0189): ``2106-3^White^CDCREC`` reported as PERSON;
2. HD fields (2.A.36: an application or facility, its OID and the OID's type), MSH-3..6, and
   the assigning authority of EI order numbers (2.A.24, ORC-3 / OBR-3 components 2-4) reported
   as PERSON / LOCATION;
3. the universal ID of an assigning authority (HD-2, written as CX-4 sub-components:
   ``ssn&2.16.840.1.113883.4.1&ISO``, the OID of the US Social Security Administration) replaced
   with an FR_NIR pseudonym by ``redact --policy share``;
4. coded values of HL7 tables (CWE 2.A.13: code, text, coding system of table 0396 such as
   ``HL70063``): ``MTH^Mother^HL70063`` (NK1-3 relationship, table 0063) or
   ``N^Next of Kin^HL70131`` (NK1-7 contact role, table 0131) partly replaced as PERSON.

Rule sources: HL7 v2.5.1 chapter 2A (HD, EI, EIP, CX, CWE), tables 0005, 0063, 0131, 0189, 0301
(universal ID type), 0396 (coding system); chapter 3 (PID, NK1), chapter 4 (ORC, OBR).
Messages below are synthetic (made-up names and numbers; the OIDs are the real public ones:
2.16.840.1.113883.4.1 is the SSA's, HL7 OID registry).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.readers.hl7v2 import Delimiters, Hl7v2Reader, rep_blanks, split_field

BIN = Path(sys.executable).with_name("sentinelle")
D = Delimiters("|", "^", "~", "\\", "&")

MSH = ("MSH|^~\\&|Lab Martin^lab.martin.example.org^DNS|Lyon Sud^2.16.840.1.113883.3.999^ISO|"
       "Roubaix Receiver|Hopital Nantes^2.16.840.1.113883.3.998^ISO|20240101120000||"
       "ORU^R01^ORU_R01|MSG0001|P|2.5.1\r")
PID = ("PID|1||987654^^^CHU^MR~000-00-0000^^^ssn&2.16.840.1.113883.4.1&ISO^SS||"
       "DUPONT^JEAN||19850515|M||2106-3^White^CDCREC|12 rue de la Paix^^Paris^^75002||"
       "^PRN^PH^^33^1^42345678|||||||||2186-5^Not Hispanic or Latino^CDCREC\r")
NK1 = ("NK1|1|MARTIN^CLAIRE|MTH^Mother^HL70063||||N^Next of Kin^HL70131" + "|" * 30
       + "000-00-0000^^^ssn&2.16.840.1.113883.4.1&ISO^SS\r")
ORC = "ORC|RE|A123^Lyon Sud^2.16.840.1.113883.3.999^ISO|F456^Roubaix^2.16.840.1.113883.3.997^ISO\r"
OBR = ("OBR|1|A123^Lyon Sud^2.16.840.1.113883.3.999^ISO|F456^Roubaix^2.16.840.1.113883.3.997^ISO|"
       "54078-1^Cystic fibrosis newborn screening panel^LN\r")
ZPI = "ZPI|1|MTH^Mother^HL70063|77^^^Lyon&2.16.840.1.113883.3.999&ISO^PI\r"
MESSAGE = MSH + PID + NK1 + ORC + OBR + ZPI

OIDS = ("2.16.840.1.113883.4.1", "2.16.840.1.113883.3.999", "2.16.840.1.113883.3.998",
        "2.16.840.1.113883.3.997")


def cells(line: str) -> dict[str, str]:
    return {c.column: c.text for c in Hl7v2Reader._cells(line[:3], line.rstrip("\r"), D)}


# -- the reader: what each field gives to the detectors ------------------------------------


def test_coded_demographics_are_not_read():
    got = cells(PID)
    assert "PID-10" not in got and "PID-22" not in got      # race, ethnic group: codes
    assert got["PID-5"] == "DUPONT JEAN"                      # the name is still read
    assert got["PID-7"] == "19850515"


def test_hd_fields_and_order_authorities_are_not_read():
    got = cells(MSH)
    assert not {"MSH-3", "MSH-4", "MSH-5", "MSH-6"} & set(got)
    assert got["MSH-10"] == "MSG0001"
    # EI: the order number (component 1) stays, its assigning authority (2-4) goes
    assert cells(ORC)["ORC-2"] == "A123" and cells(ORC)["ORC-3"] == "F456"
    assert cells(OBR)["OBR-2"] == "A123" and cells(OBR)["OBR-3"] == "F456"


def test_eip_gives_both_entity_identifiers():
    line = ("OBR|1||||||||||||||||||||||||||||A123&Lyon Sud&2.16.840.1.113883.3.999&ISO^"
            "F456&Roubaix&2.16.840.1.113883.3.997&ISO\r")
    assert cells(line)["OBR-29"] == "A123 F456"               # EIP: placer then filler EI-1


def test_assigning_authority_oids_are_not_read():
    for line in (PID, NK1, ZPI, MSH, ORC, OBR):
        for text in cells(line).values():
            assert not any(oid in text for oid in OIDS), (line[:3], text)
    assert cells(NK1)["NK1-37"] == "000-00-0000"              # the SSN itself is still read
    assert cells(ZPI)["ZPI-3"] == "77 PI"                    # untyped CX: ID and type code


def test_table_codes_and_clinical_codes():
    assert "NK1-3" not in cells(NK1) and "NK1-7" not in cells(NK1)
    assert "ZPI-2" not in cells(ZPI)                         # untyped field, table 0063
    # a clinical code (LOINC): its text may be health data, its code and system are not read
    assert cells(OBR)["OBR-4"] == "Cystic fibrosis newborn screening panel"


@pytest.mark.parametrize("field, places", [
    ("MTH^Mother^HL70063", {(1, 0), (2, 0), (3, 0)}),                      # table: all of it
    ("2106-3^White^CDCREC", {(1, 0), (2, 0), (3, 0)}),
    # a local code (table 0396 "L") is read whole: its code and text are the sender's own
    # (review 11: "BERTHELOT^Augustin^L", a name with a middle initial L, lost its family name)
    ("^^^99717-29^Adrenoleukodystrophy panel^L", set()),
    ("E11.9^Diabete de type 2^I10", {(1, 0), (3, 0)}),                  # text 2 kept
    ("9^^^ssn&2.16.840.1.113883.4.1&ISO^SS", {(4, 1), (4, 2), (4, 3)}),  # CX-4 as an HD
    ("F456^Roubaix^2.16.840.1.113883.3.997^ISO", {(2, 0), (3, 0), (4, 0)}),  # EI-2..4
    ("DUPONT^JEAN^Q", set()),              # a name: Q is no coding system
    ("12 rue X^^Paris^^75002", set()),
    ("A^B^1.2.3^L", set()),                # type L (local) is no universal ID: kept
])
def test_rep_blanks(field, places):
    # (component, sub-component) places left unread, 0: the whole component (HL7 2.A.13 CWE,
    # 2.A.36 HD, 2.A.24 EI)
    assert rep_blanks(split_field(field, D)[0]) == places


# -- the CLI, as a user runs it --------------------------------------------------------------


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "hl7-false-positives-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hl7fp")
    (root / "in").mkdir()
    (root / "in" / "m.hl7").write_bytes(MESSAGE.encode("utf-8"))
    return root


def test_scan_reports_no_false_positive(folder):
    r = run("scan", "in", "--no-db", "--findings", "-", "--no-progress", cwd=folder)
    assert r.returncode == 1, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    got = {(f["column"], f["entity_type"]) for f in rows}
    assert ("PID-5", "PERSON") in got and ("NK1-2", "PERSON") in got
    fields = {"MSH-3", "MSH-4", "MSH-5", "MSH-6", "PID-10", "PID-22", "NK1-3", "NK1-7",
              "ORC-2", "ORC-3", "OBR-2", "OBR-3", "OBR-4", "ZPI-2", "ZPI-3"}
    wrong = {(c, e) for c, e in got if c.split(".")[0] in fields and e in ("PERSON", "LOCATION")}
    assert not wrong
    assert not any(f["entity_type"] == "FR_NIR" for f in rows)


def test_redact_keeps_codes_and_oids(folder):
    r = run("redact", "in", "--out", "out", "--policy", "share", cwd=folder)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "original values left: 0" in r.stdout + r.stderr
    out = (folder / "out" / "m.hl7").read_text(encoding="utf-8")
    for kept in ("2106-3^White^CDCREC", "2186-5^Not Hispanic or Latino^CDCREC",
                 "MTH^Mother^HL70063", "N^Next of Kin^HL70131",
                 "ssn&2.16.840.1.113883.4.1&ISO^SS", "Lyon Sud^2.16.840.1.113883.3.999^ISO",
                 "54078-1^Cystic fibrosis newborn screening panel^LN"):
        assert kept in out, kept
    assert "fr_nir" not in out.lower()
    assert "DUPONT" not in out and "MARTIN^CLAIRE" not in out
