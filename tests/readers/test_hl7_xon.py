"""Session 11: HL7 v2 organisation names (XON) were read as free text and reported as PERSON
(on /work/shared/corpus/hl7v2, the CDC trusted-intermediary samples: OBX-23 ~348 findings,
ORC-21 ~153, IN1-4 5), then replaced as a person wherever the message repeated them.

Rule source: HL7 v2.5.1 chapter 2A, 2.A.87 XON (1 organization name, 2 name type code, 3 ID
number (deprecated), 4 check digit, 5 check digit scheme, 6 assigning authority (HD), 7
identifier type code, 8 assigning facility (HD), 9 name representation code, 10 organization
identifier); fields typed XON: PD1-3, NK1-13 (chapter 3), ORC-21 (chapter 4), OBX-23 (chapter
7), IN1-4, IN1-11, GT1-21, GT1-51 (chapter 6). XCN (2.A.90) stays a person: ORC-12 ordering
provider, OBX-16 responsible observer.

Messages are synthetic (made-up names and numbers). ``BLUE CROSS BLUE SHIELD`` in IN1-4 is as
written in the corpus (cdc_trusted_intermediary, an IN1 segment; an insurer's public name).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.readers.hl7v2 import FIELDS, Delimiters, Hl7v2Reader

BIN = Path(sys.executable).with_name("sentinelle")
D = Delimiters("|", "^", "~", "\\", "&")

ORG_FR = "CENTRE HOSPITALIER DE LYON^^^^^^^^^750712184"
ORG_LAB = "LABO BIOMED^L^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^12D4567890"
DOCTOR = "1234^MARTIN^PAUL^^^DR"


def segment(seg: str, fields: dict[int, str]) -> str:
    """``SEG|f1|f2|...`` with ``fields`` (field number -> raw value) in place."""
    return "|".join([seg] + [fields.get(n, "") for n in range(1, max(fields) + 1)])


MSH = ("MSH|^~\\&|LAB|CENTRE HOSPITALIER DE LYON^1.2.250.1.71.4.2.2^ISO|RCV|LABO BIOMED|"
       "20240101120000||ORU^R01^ORU_R01|MSG0001|P|2.5.1")
PID = segment("PID", {1: "1", 3: "987654^^^CHLY^PI", 5: "DUPONT^JEAN", 7: "19850515", 8: "M"})
ORC = segment("ORC", {1: "RE", 12: DOCTOR, 21: ORG_FR})
OBX = segment("OBX", {1: "1", 2: "ST", 3: "2345-7^Glucose^LN", 5: "5.4", 6: "mmol/L",
                      11: "F", 16: "5678^DURAND^SOPHIE", 23: ORG_LAB})
IN1 = segment("IN1", {1: "1", 4: "BLUE CROSS BLUE SHIELD"})
MESSAGE = "\r".join([MSH, PID, ORC, OBX, IN1]) + "\r"


def cells(line: str, d: Delimiters = D) -> dict[str, tuple[str, str | None]]:
    return {c.column: (c.text, c.hint) for c in Hl7v2Reader._cells(line[:3], line, d)}


# -- the reader ------------------------------------------------------------------------------


def test_xon_fields_typed_as_in_the_standard():
    for name in ("PD1-3", "NK1-13", "ORC-21", "OBX-23", "IN1-4", "IN1-11", "GT1-21", "GT1-51"):
        assert FIELDS[name][0] == "XON", name
    for name in ("ORC-12", "OBR-16", "OBX-16", "PV1-7", "PV1-8", "PV1-9"):
        assert FIELDS[name][0] == "XCN", name


def test_ordering_facility_gives_its_identifier_only():
    got = cells(ORC)
    assert got["ORC-21.10"] == ("750712184", "identifiant")   # XON-10
    assert not {"ORC-21", "ORC-21.3"} & set(got)              # the name is not read
    assert got["ORC-12"] == ("MARTIN PAUL", "prescripteur")   # XCN 2-3: still a person
    assert got["ORC-12.1"] == ("1234", "rpps")


def test_performing_organization_name_authority_and_codes_not_read():
    got = cells(OBX)
    assert got["OBX-23.10"] == ("12D4567890", "identifiant")
    assert [c for c in got if c.startswith("OBX-23")] == ["OBX-23.10"]
    assert not any("BIOMED" in t or "2.16.840" in t or "CLIA" in t for t, _ in got.values())
    assert got["OBX-16"] == ("DURAND SOPHIE", "biologiste")


def test_deprecated_id_number_component_3():
    got = cells(segment("IN1", {1: "1", 4: "MUTUELLE DU RHONE^L^4471"}))
    assert got["IN1-4.3"] == ("4471", "identifiant")
    assert [c for c in got if c.startswith("IN1-4")] == ["IN1-4.3"]


def test_xon_observation_value():
    line = segment("OBX", {1: "1", 2: "XON", 3: "X^Lab^L", 5: ORG_FR, 11: "F"})
    got = cells(line)
    assert got["OBX-5.10"] == ("750712184", "identifiant")
    assert not any("CENTRE" in t for t, _ in got.values())


def test_without_component_delimiter_read_as_text():
    # MSH-2 declares no component delimiter: the parts cannot be told apart (as an HD)
    got = cells(ORC, Delimiters("|"))
    assert got["ORC-21"] == (ORG_FR, None)


# -- the CLI, as a user runs it --------------------------------------------------------------


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "hl7-xon-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hl7xon")
    (root / "in").mkdir()
    (root / "in" / "m.hl7").write_bytes(MESSAGE.encode("utf-8"))
    return root


def test_scan_organisations_are_no_person(folder):
    r = run("scan", "in", "--no-db", "--findings", "-", "--no-progress", cwd=folder)
    assert r.returncode == 1, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    person = {f["column"] for f in rows if f["entity_type"] == "PERSON"}
    assert {"PID-5", "ORC-12", "OBX-16"} <= person
    assert not {c for c in person if c.split(".")[0] in ("ORC-21", "OBX-23", "IN1-4", "MSH-4")}


def test_redact_keeps_organisations_as_written(folder):
    r = run("redact", "in", "--out", "out", "--policy", "share", cwd=folder)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "original values left: 0" in r.stdout + r.stderr
    out = (folder / "out" / "m.hl7").read_bytes().decode("utf-8")  # CR kept as written
    assert "|CENTRE HOSPITALIER DE LYON^1.2.250.1.71.4.2.2^ISO|" in out   # MSH-4
    assert "|" + ORG_FR + "\r" in out                                    # ORC-21
    assert "|" + ORG_LAB + "\r" in out                                   # OBX-23
    assert "|BLUE CROSS BLUE SHIELD\r" in out                            # IN1-4
    assert "MARTIN" not in out and "DURAND" not in out and "DUPONT" not in out
