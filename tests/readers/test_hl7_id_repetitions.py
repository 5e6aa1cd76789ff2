"""Session 8, user report: an HL7 v2 identifier list with repetitions (PID-3 ``IPP~INS``, the
usual French layout) must have *each* repetition claimed by its own detector, after its own
identifier type (CX-5) or assigning authority (CX-4): the IPP (type PI) is
MEDICAL_RECORD_NUMBER, the NIR (type NH, or an INS OID) FR_NIR, even without its key. Before
the fix the whole PID-3 cell was hinted ``nir`` as soon as one repetition was an INS, so the IPP
was found by nothing and ``redact`` wrote it unchanged with "original values left: 0".

Rule sources: HL7 v2.5.1 chapter 2A (CX: CX-4 assigning authority, CX-5 identifier type code),
table 0203 (``PI`` patient internal identifier, ``NH`` national health plan number, ``NNFRA``);
ANS "Référentiel INS" (INS-NIR OID 1.2.250.1.213.1.4.8); INSEE / décret n° 82-103 (NIR key).

Synthetic NIRs, keys by hand (key = 97 - (first 13 digits mod 97)):
2 92 04 75 112 233 -> 2920475112233 mod 97 = 74, key 23; 1 85 05 78 006 084 -> key 91;
1 85 05 75 123 456 written without its key (13 digits). IPPs are made up.
The CLI is run as a user would (a real subprocess, files on disk).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle
from tests.conftest import shared_dir

BIN = Path(sys.executable).with_name("sentinelle")

MSH = "MSH|^~\\&|LAB|{app}|||20240101120000||ADT^A01|{id}|P|2.5\r"
PID_A = ("PID|1||987654^^^CHU_LYON^PI~292047511223323^^^ASIP-SANTE-NIR^NH||DUPONT^JEAN||"
         "19920415|M\r")
PID_B = "PID|1||00045678^^^CHU^PI~1850575123456^^^INS^NH||DUPONT^JEAN||19850515|M\r"
PID_C = "PID|1||00045678^^^CHU^PI||DUPONT^JEAN||19850515|M\r"
MESSAGES = {
    "a.hl7": MSH.format(app="CHU_LYON", id="MSG0001") + PID_A,
    "b.hl7": MSH.format(app="CHU", id="MSG0002") + PID_B,
    "c.hl7": MSH.format(app="CHU", id="MSG0003") + PID_C,
}

# file -> (entity, column, raw value) that must be found, one row per identifier
EXPECTED = [
    ("a.hl7", "MEDICAL_RECORD_NUMBER", "PID-3[1]", "987654"),        # CX-5 PI: the IPP
    ("a.hl7", "FR_NIR", "PID-3[2]", "292047511223323"),              # CX-5 NH, valid key
    ("b.hl7", "MEDICAL_RECORD_NUMBER", "PID-3[1]", "00045678"),      # CX-5 PI
    ("b.hl7", "FR_NIR", "PID-3[2]", "1850575123456"),                # NH: a NIR without key
    ("c.hl7", "MEDICAL_RECORD_NUMBER", "PID-3", "00045678"),         # one repetition: PID-3
]


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "hl7-repetitions-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def messages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hl7") / "in"
    folder.mkdir()
    for name, text in MESSAGES.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


def test_scan_cli_finds_each_repetition(messages):
    r = run("scan", messages, "--no-db", "--findings", "-", "--no-progress", cwd=messages.parent)
    assert r.returncode == 1, r.stderr  # 1: personal data found
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    got = {(Path(f["path"]).name, f["entity_type"], f["sheet"], f["column"]) for f in rows}
    for name, entity, column, _ in EXPECTED:
        assert (name, entity, "PID[1]", column) in got
    # nothing claims a PID-3 repetition twice, and no raw identifier in the findings file
    pid3 = [(Path(f["path"]).name, f["column"]) for f in rows if f["column"].startswith("PID-3")]
    assert len(pid3) == len(set(pid3)) == len(EXPECTED)
    for *_, value in EXPECTED:
        assert value not in r.stdout


@pytest.mark.parametrize("name, entity, column, value", EXPECTED)
def test_scan_api_values(messages, name, entity, column, value):
    result = sentinelle.scan([messages / name], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.sheet, f.location.column, f.value)
            for f in result.findings}
    assert (entity, "PID[1]", column, value) in hits


def _pid3(text: str) -> list[list[str]]:
    """PID-3 of the message ``text``: repetitions -> components."""
    [pid] = [s for s in text.split("\r") if s.startswith("PID|")]
    return [rep.split("^") for rep in pid.split("|")[3].split("~")]


@pytest.mark.parametrize("preset", ["share", "research", "test-data"])
def test_redact_cli_replaces_each_repetition(messages, tmp_path, preset):
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    r = run("redact", messages, "--out", out, "--policy", preset, "--report", report, "-q",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rep = json.loads(report.read_text("utf-8"))
    assert rep["ok"] is True and rep["rescan"]["original_values_left"] == 0
    for name, original in MESSAGES.items():
        written = (out / name).read_bytes().decode("utf-8")
        for file, _, _, value in EXPECTED:
            if file == name:
                assert value not in written, (preset, name, value)
        # structure kept: segments, field counts, repetitions and components as written;
        # only the ID numbers (CX-1) changed, assigning authority and type code kept
        assert [s.count("|") for s in written.split("\r")] == \
               [s.count("|") for s in original.split("\r")]
        before, after = _pid3(original), _pid3(written)
        assert [len(c) for c in after] == [len(c) for c in before]
        assert [c[1:] for c in after] == [c[1:] for c in before]
        assert all(a[0] and a[0] != b[0] for a, b in zip(after, before))


# -- the same kind elsewhere: other CX lists, HPRIM Santé, FHIR ---------------------------------

MSH_PLAIN = "MSH|^~\\&|LAB|CHU|||20240101||ADT^A40|1|P|2.5\r"


@pytest.mark.parametrize("segments, expected", [
    # MRG-1 (prior patient identifier list), INS by its OID in CX-4 and type INS
    ("PID|1||00011111^^^CHU^PI||DUPONT^JEAN\r"
     "MRG|00022222^^^CHU^PI~185057800608491^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS\r",
     {("MEDICAL_RECORD_NUMBER", "MRG[1]", "MRG-1[1]", "00022222"),
      ("FR_NIR", "MRG[1]", "MRG-1[2]", "185057800608491")}),
    # the INS first, the IPP second (type NNFRA, HL7 table 0203): order does not matter
    ("PID|1||185057800608491^^^X^NNFRA~A-004512^^^CHU^PI||DUPONT^JEAN\r",
     {("FR_NIR", "PID[1]", "PID-3[1]", "185057800608491"),
      ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[2]", "A-004512")}),
    # two local numbers (PI and MR): each its own column, both patient numbers
    ("PID|1||00045678^^^CHU^PI~MR-778812^^^LABO^MR||DUPONT^JEAN\r",
     {("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[1]", "00045678"),
      ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[2]", "MR-778812")}),
    # an empty first repetition: numbered as written
    ("PID|1||~00045678^^^CHU^PI||DUPONT^JEAN\r",
     {("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[2]", "00045678")}),
])
def test_other_identifier_lists(tmp_path, segments, expected):
    path = tmp_path / "adt.hl7"
    path.write_text(MSH_PLAIN + segments, encoding="utf-8")
    result = sentinelle.scan([path], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.sheet, f.location.column, f.value)
            for f in result.findings}
    assert expected <= hits


def test_hprim_repeated_patient_ids(tmp_path):
    # HPRIM Santé P-3 with an IPP and a NIR (key 91) as repetitions (ASTM E1394 "~")
    path = tmp_path / "resultats.hpr"
    path.write_text("H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
                    "P|1|00045678~185057800608491|||DUPONT^JEAN\r\nL|1|N\r\n", encoding="utf-8")
    result = sentinelle.scan([path], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.column, f.value) for f in result.findings}
    assert {("MEDICAL_RECORD_NUMBER", "P-3[1]", "00045678"),
            ("FR_NIR", "P-3[2]", "185057800608491")} <= hits


def _patient(pid: str, identifiers: list[dict]) -> dict:
    return {"resource": {"resourceType": "Patient", "id": pid, "identifier": identifiers,
                         "name": [{"family": "MARTIN", "given": ["Zoé"]}]}}


INS = "urn:oid:1.2.250.1.213.1.4.8"
IPP = "http://chu.example.fr/ipp"


def test_fhir_identifier_order_differs_between_patients(tmp_path):
    # identifier[0] is the INS of the first Patient and the IPP of the second: each row's own
    # system decides (before, the first Patient's system hinted the column for both)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        _patient("p1", [{"system": INS, "value": "185057800608491"},
                        {"system": IPP, "value": "00784512"}]),
        _patient("p2", [{"system": IPP, "value": "00045678"},
                        {"system": INS, "value": "1850575123456"}]),
    ]}
    path = tmp_path / "patients.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = sentinelle.scan([path], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.row, f.location.column, f.value) for f in result.findings}
    assert hits == {("FR_NIR", 0, "identifier[0].value", "185057800608491"),
                    ("MEDICAL_RECORD_NUMBER", 0, "identifier[1].value", "00784512"),
                    ("MEDICAL_RECORD_NUMBER", 1, "identifier[0].value", "00045678"),
                    ("FR_NIR", 1, "identifier[1].value", "1850575123456")}


def test_fhir_nir_by_type_code(tmp_path):
    # no INS system, but the identifier type says NIR (HL7 table 0203 "NH"): a keyless NIR
    patient = {"resourceType": "Patient", "id": "p1", "identifier": [
        {"type": {"coding": [{"code": "NH"}]}, "system": "urn:oid:1.2.3.4", "value": "1850575123456"},
        {"type": {"coding": [{"code": "PI"}]}, "system": "urn:oid:1.2.3.5", "value": "00045678"}]}
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(patient), encoding="utf-8")
    result = sentinelle.scan([path], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.column, f.value) for f in result.findings}
    assert hits == {("FR_NIR", "identifier[0].value", "1850575123456"),
                    ("MEDICAL_RECORD_NUMBER", "identifier[1].value", "00045678")}


# ../shared/corpus/hl7v2/cdc_trusted_intermediary/Oracle/005_Oracle_ORM_O01_2_3_non_NBS.hl7
# (CDC samples, CC0, test patients), by hand:
#   PID|1|994952^^^ST1B^^HBOC STAR NEW|994952^^^ST1B^MRN^HBOC STAR NEW~2126675^^^CMRN Pool^^...
ORACLE = (shared_dir() / "corpus" / "hl7v2" / "cdc_trusted_intermediary" / "Oracle"
          / "005_Oracle_ORM_O01_2_3_non_NBS.hl7")


def test_corpus_two_local_numbers():
    result = sentinelle.scan([ORACLE], entities=["MEDICAL_RECORD_NUMBER", "FR_NIR"])
    hits = {(f.entity_type, f.location.sheet, f.location.column, f.value)
            for f in result.findings}
    assert {("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[1]", "994952"),
            ("MEDICAL_RECORD_NUMBER", "PID[1]", "PID-3[2]", "2126675")} <= hits
