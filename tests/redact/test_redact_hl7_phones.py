"""Session 11, new-user report on ``sentinelle redact`` of HL7 v2 messages:

1. a next of kin's phone written as the unformatted XTN component 12 (``^^^^^^^^^^^4235550142``)
   or beside components 5-8 survived ``--policy share`` and ``test-data``, and the re-scan
   said "original values left: 0" (exit 0): the reader read neither;
2. IN1-5 / IN1-6 / IN1-7 (insurance company address, contact person, phone) had no entry, and
   ``^WPN^PH^^33^1^...`` was read as a lab result ("PH 33");
3. a value found and replaced in one field stayed as written where the message repeats it (a
   date of birth of IN1-18 in an OBX-5 note, the PID-3 patient number in a comment).

Rule source: HL7 v2.5.1 chapter 2A (2.A.89 XTN: 1 number, 2 use code, 3 equipment type, 5-8
country, area, local number, extension, 12 unformatted number), chapter 3 (PID, NK1, IN1, GT1)
and 2.7 (escape sequences). The CLI is run as a user would (a real subprocess, files on disk).

Synthetic data: NANP 555-01xx numbers (reserved for fiction), ARCEP fiction blocks 01 99 00 and
06 39 98; names and numbers made up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.readers.hl7v2 import Delimiters
from sentinelle.redact.writers.hl7v2 import replace_echoes

BIN = Path(sys.executable).with_name("sentinelle")

MESSAGE = "\r".join([
    "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5",
    "PID|1||654321^^^LAB^PI||MARTIN^CLAIRE||19850312|F|||12 RUE DE LA PAIX^^PARIS^^75002^FRA"
    "||0639981234~^PRN^CP^^33^6^39984321",
    "NK1|1|DOE^JANE|MTH||^^^^^^^^^^^4235550142",
    "NK1|2|DOE^JOHN|FTH||(423)555-0143~^PRN^PH^^1^423^5550144^^^^^4235550144"
    "|^^PH^^^320^5550100^^^^^3205550100",
    "IN1|1|PLAN1|INS01|ACME INSURANCE|1 RUE DU PORT^^LYON^^69001|SMITH^ANNA"
    "|^WPN^PH^^33^1^99001234|||||||||MARTIN^CLAIRE|SEL|19630415",
    "GT1|1||MARTIN^CLAIRE||12 RUE DE LA PAIX^^PARIS^^75002|^^^^^^^^^^^0199004321|(423)555-0188",
    "ZPD|1|^ORN^FX^^33^4^65711234",
    "OBX|1|ST|NOTE^Note||born 19630415, id 654321, ref 6543210||||||F",
    "",
])

#: every phone number of MESSAGE, as its digits are written
PHONES = ["0639981234", "39984321", "4235550142", "5550143", "5550144", "4235550144",
          "5550100", "3205550100", "99001234", "0199004321", "5550188", "65711234"]
DATES = ["19850312", "19630415", "20240101"]
NAMES = ["MARTIN", "CLAIRE", "JANE", "JOHN", "SMITH", "ANNA"]


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "hl7-phones-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _segments(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for seg in filter(None, text.split("\r")):
        out.setdefault(seg[:3], []).append(seg.split("|"))
    return out


@pytest.mark.parametrize("policy", ["share", "test-data"])
def test_cli_redact_leaves_no_phone_date_or_name(tmp_path, policy):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "adt.hl7").write_bytes(MESSAGE.encode("utf-8"))
    r = run("redact", tmp_path / "in", "--out", tmp_path / "out", "--policy", policy,
            "--report", tmp_path / "r.json", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["rescan"]["original_values_left"] == 0
    text = (tmp_path / "out" / "adt.hl7").read_bytes().decode("utf-8")
    for value in PHONES + DATES:
        assert value not in text, value
    if policy == "share":  # pseudonyms; test-data's fake French names may meet one by chance
        for name in NAMES:
            assert name not in text, name
    # the message keeps its shape: segments, fields, the XTN codes
    before, after = _segments(MESSAGE), _segments(text)
    assert [(k, [len(s) for s in v]) for k, v in before.items()] == \
           [(k, [len(s) for s in v]) for k, v in after.items()]
    assert after["IN1"][0][7].split("^")[1:3] == ["WPN", "PH"]
    assert after["NK1"][1][6].split("^")[2] == "PH"
    # the longer number that holds the patient number is not cut (a whole token only)
    assert "ref 6543210" in text


def test_cli_report_counts_a_phone_left(tmp_path):
    """The re-scan reads component 12 too: a copy of the input given as the output of another
    run would be caught. Checked by scanning the input: every phone above is a finding."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "adt.hl7").write_bytes(MESSAGE.encode("utf-8"))
    r = run("scan", tmp_path / "in", "--findings", tmp_path / "f.jsonl", "-q", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    rows = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    phone_columns = {(d["sheet"], d["column"]) for d in rows if d["entity_type"] == "PHONE_NUMBER"}
    assert {("NK1[1]", "NK1-5"), ("NK1[2]", "NK1-5[2].12"), ("NK1[2]", "NK1-6.12"),
            ("IN1[1]", "IN1-7"), ("GT1[1]", "GT1-6"), ("ZPD[1]", "ZPD-2")} <= phone_columns


D = Delimiters("|", "^", "~", "\\", "&")


@pytest.mark.parametrize("line, replaced, expected", [
    # a date and a number replaced again where the message repeats them; a longer number
    # holding one is left; a value under 4 characters ("F") is not looked for
    ("OBX|1|ST|NOTE||born 19850312, id 654321, ref 6543210||||||F",
     [("19850312", "1985"), ("654321", "ID_X"), ("F", "X")],
     "OBX|1|ST|NOTE||born 1985, id ID_X, ref 6543210||||||F"),
    # a replacement holding a delimiter is escaped (2.7: \S\ for the component separator)
    ("NTE|1||called MARTIN today", [("MARTIN", "DU^PONT")], "NTE|1||called DU\\S\\PONT today"),
    # not inside a longer word
    ("NTE|1||MARTINEZ and MARTIN", [("MARTIN", "X")], "NTE|1||MARTINEZ and X"),
    # OBX-2, the value type, is left as written
    ("OBX|1|TEXT|NOTE||TEXT", [("TEXT", "Y")], "OBX|1|TEXT|NOTE||Y"),
])
def test_replace_echoes(line, replaced, expected):
    new, _n = replace_echoes(line, line[:3], D, replaced)
    assert new == expected
