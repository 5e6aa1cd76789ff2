"""Test-data fakes agree within an HL7 v2 message and a FHIR Patient: the fake NIR carries the
sex of PID-8 (FHIR ``gender``) and the year and month of the redacted PID-7 (FHIR ``birthDate``).

Rules: INSEE NIR structure (décret 82-103): digit 1 sex (1 man, 2 woman), digits 2-3 year and
4-5 month of birth, key = 97 - (first 13 digits mod 97). HL7 v2.5.1: PID-7 date/time of birth
(DTM ``YYYYMMDD``), PID-8 administrative sex (table 0001: M, F, O, U, A, N), PID-3 an identifier
list (the INS repetition typed ``NH``, OID 1.2.250.1.213.1.4.8), PID-19 the social security
number. FHIR R4: Patient.gender (AdministrativeGender: male, female, other, unknown),
Patient.birthDate (``YYYY-MM-DD``).

Synthetic data, made up here; keys worked out by hand with the rule above:
1850169123456: 1850169123456 = 97 x 19073908489 + 23, key 97 - 23 = 74;
2910313055010: 2910313055010 = 97 x 30003227371 + 23, key 97 - 23 = 74.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")

MAN_NIR = "185016912345674"
WOMAN_NIR = "291031305501074"

MESSAGES = "".join([
    # a man born 20 January 1985; his NIR in PID-3 (INS, NH), PID-19 and an OBX note
    "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5\r",
    f"PID|1||654321^^^LAB^PI~{MAN_NIR}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^NH"
    f"||MARTIN^PAUL||19850120|M|||||||||||{MAN_NIR}\r",
    f"OBX|1|ST|NOTE^Note||INS {MAN_NIR} controle||||||F\r",
    # a woman: PID-8 F; her NIR in PID-3 only
    "MSH|^~\\&|LAB|FAC|APP|FAC|20240102||ADT^A01|2|P|2.5\r",
    f"PID|1||778899^^^LAB^PI~{WOMAN_NIR}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^NH"
    "||BERNARD^ALICE||19910312|F\r",
])

PATIENT = {
    "resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient",
                      "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8",
                                      "value": WOMAN_NIR}],
                      "name": [{"family": "BERNARD", "given": ["Alice"]}],
                      "gender": "female", "birthDate": "1991-03-12"}},
    ]}


def key_ok(nir: str) -> bool:
    """The INSEE key rule, written out here (not the package's validator)."""
    body = nir[:13].replace("2A", "19").replace("2B", "18")
    return len(nir) == 15 and body.isdigit() and int(nir[13:]) == 97 - int(body) % 97


def test_synthetic_nirs_are_valid():
    assert key_ok(MAN_NIR) and key_ok(WOMAN_NIR)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("hl7nir")
    (root / "in").mkdir()
    (root / "in" / "adt.hl7").write_bytes(MESSAGES.encode("utf-8"))
    (root / "in" / "patient.fhir.json").write_text(json.dumps(PATIENT, indent=1), "utf-8")
    env = {**os.environ, "SENTINELLE_KEY": "hl7-fake-nir-test-key"}
    texts = []
    for name in ("out1", "out2"):
        r = subprocess.run([str(BIN), "redact", str(root / "in"), "--out", str(root / name),
                            "--policy", "test-data", "-q"], env=env, capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        texts.append(((root / name / "adt.hl7").read_bytes().decode("utf-8"),
                      (root / name / "patient.fhir.json").read_text("utf-8")))
    return texts


def _pids(text: str) -> list[list[str]]:
    return [s.split("|") for s in text.split("\r") if s.startswith("PID|")]


def test_hl7_fake_nir_follows_pid7_and_pid8(outputs):
    text, _ = outputs[0]
    man, woman = _pids(text)
    for pid, sex_digit in ((man, "1"), (woman, "2")):
        nir = pid[3].split("~")[1].split("^")[0]
        assert pid[3].split("~")[1].split("^")[4] == "NH"
        born = pid[7]
        assert len(born) == 8 and born.isdigit()
        assert key_ok(nir), nir
        assert nir[0] == sex_digit
        assert nir[1:5] == born[2:4] + born[4:6]  # YYMM of the written PID-7
    # the man's birth date was shifted, and his NIR follows it
    assert man[7] != "19850120"
    # every copy of his NIR (PID-19, the OBX note) got the same fake
    fake = man[3].split("~")[1].split("^")[0]
    assert man[19] == fake
    assert f"INS {fake} controle" in text


def test_hl7_no_original_left_and_deterministic(outputs):
    text, _ = outputs[0]
    for value in (MAN_NIR, WOMAN_NIR, MAN_NIR[:13], WOMAN_NIR[:13], "19850120", "19910312",
                  "654321", "778899", "MARTIN", "BERNARD"):
        assert value not in text, value
    assert outputs[0] == outputs[1]


def test_fhir_patient_fake_nir_follows_birthdate_and_gender(outputs):
    _, fhir = outputs[0]
    patient = json.loads(fhir)["entry"][0]["resource"]
    nir = patient["identifier"][0]["value"]
    born = patient["birthDate"]
    assert patient["gender"] == "female"
    assert born != "1991-03-12" and len(born) == 10
    assert key_ok(nir), nir
    assert nir[0] == "2"
    assert nir[1:5] == born[2:4] + born[5:7]
    assert WOMAN_NIR not in fhir and WOMAN_NIR[:13] not in fhir
