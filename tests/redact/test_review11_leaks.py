"""Review 11 (fresh-eyes review of the session 11 HL7 v2 / HPRIM changes): personal data left in
clear by ``sentinelle redact --policy share``.

1. HL7 v2, a name in a field the reader does not type (a Z-segment) whose third component is
   ``L``, a middle initial (XPN, HL7 v2.5.1 2.A.86: family^given^second name or initials):
   ``ZPD|1|BERTHELOT^Augustin^L`` was taken for a local code (CWE 2.A.13, coding system ``L`` of
   table 0396 in component 3) and its "code", the family name, was not read. A local code is the
   sender's own: read whole now.
2. HL7 v2, a typed coded field (NK1-3 relationship, table 0063) holding a local code whose text
   is a name: ``SPO^Gerard Lemoine^L`` was not read at all (only HL7 tables' labels are not
   personal data).
3. HL7 v2, an INS written ``NIR^OID^ISO`` (no namespace component) in a Z-segment: the NIR was
   taken for the namespace of an HD (2.A.36) and not read; a validated NIR was left in clear and
   the residual check said OK. A namespace with digits that is not an OID is read now.
4. HPRIM Santé, a comment (``C`` record) written over several plain lines: the reader joined
   the lines with a line break, so a name or a phone number cut by the wrap was cut in two for
   the detectors ("Dr Octave" / "BRANDOLINI", "06 12 34" / "56 78") and its second part left in
   clear. The wrap is joined with a space now.

Synthetic data written here (made-up names and numbers; the NIR 1 85 01 75 123 456, key
97 - (1850175123456 mod 97) = 97 - 88 = 09, checked by hand; 1.2.250.1.213.1.4.8 is the ANS
INS-NIR OID, Référentiel INS).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.readers.hl7v2 import Delimiters, Hl7v2Reader, rep_blanks, split_field

BIN = Path(sys.executable).with_name("sentinelle")
D = Delimiters("|", "^", "~", "\\", "&")

HL7 = (
    "MSH|^~\\&|APP|HOPITAL|RCV|FAC|20230101120000||ADT^A01|MSG0001|P|2.5\r"
    "PID|1||111222333^^^HOSP^PI||MARCHAND^Solange||19670412|F\r"
    "NK1|1|DURAND^Paul|MTH^Mother^HL70063~SPO^Gerard Lemoine^L||||N^Next of Kin^HL70131\r"
    "ZPD|1|BERTHELOT^Augustin^L\r"
    "ZFI|185017512345609^1.2.250.1.213.1.4.8^ISO\r"
)
HL7_VALUES = ("BERTHELOT", "Augustin", "Gerard", "Lemoine", "185017512345609", "MARCHAND",
              "Solange", "DURAND")

HPRIM = (
    "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
    "P|1|IPP4242|||DUPONT^JEAN||19500101|M\r\n"
    "OBR|1|D42||GLU^Glycemie\r\n"
    "C|1|L|Vu par le Dr Octave\r\n"
    "BRANDOLINI le 12/01/2024, patiente Albertine\r\n"
    "ROUSSEAU-VIGNAL tel 06 12 34\r\n"
    "56 78, rappeler Mme ROUSSEAU-VIGNAL.|G\r\n"
    "L|1|N\r\n"
)
HPRIM_VALUES = ("Octave", "BRANDOLINI", "Albertine", "ROUSSEAU", "VIGNAL", "06 12 34", "56 78",
                "DUPONT")


def cells(line: str) -> dict[str, str]:
    return {c.column: c.text for c in Hl7v2Reader._cells(line[:3], line.rstrip("\r"), D)}


# -- the reader ------------------------------------------------------------------------------


def test_name_with_middle_initial_l_is_read():
    assert cells("ZPD|1|BERTHELOT^Augustin^L")["ZPD-2"] == "BERTHELOT Augustin L"


def test_local_code_of_a_typed_coded_field_is_read():
    got = cells("NK1|1|DURAND^Paul|MTH^Mother^HL70063~SPO^Gerard Lemoine^L")
    # the HL7 table's repetition is still not read, the local one is
    assert got["NK1-3"] == "SPO Gerard Lemoine L"
    assert "NK1-3" not in cells("NK1|1|DURAND^Paul|MTH^Mother^HL70063")


def test_number_before_an_oid_is_read():
    assert cells("ZFI|185017512345609^1.2.250.1.213.1.4.8^ISO")["ZFI-1"] == "185017512345609"


@pytest.mark.parametrize("field, places", [
    ("BERTHELOT^Augustin^L", set()),                                   # XPN, initial L
    ("10003456789^GARNIER Theophile^L", set()),                        # local code: whole
    ("185017512345609^1.2.250.1.213.1.4.8^ISO", {(2, 0), (3, 0)}),     # ID^OID^ISO: ID read
    ("HOSP^1.2.250.1.71.4.2.2^ISO", {(1, 0), (2, 0), (3, 0)}),         # an HD field: none
    ("9^^^458712369&1.2.3&ISO^PI", {(4, 2), (4, 3)}),                  # sub-components alike
])
def test_rep_blanks(field, places):
    assert rep_blanks(split_field(field, D)[0]) == places


# -- the CLI, as a user runs it --------------------------------------------------------------


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "review11-leaks-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_redact_hl7_leaves_no_value(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "m.hl7").write_bytes(HL7.encode("ascii"))
    r = run("redact", "in", "--out", "out", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    out = (tmp_path / "out" / "m.hl7").read_bytes().decode("ascii")
    for value in HL7_VALUES:
        assert value not in out, value
    # the structure and the codes are kept
    assert out.count("\r") == HL7.count("\r")
    assert "MTH^Mother^HL70063~SPO^" in out and "^1.2.250.1.213.1.4.8^ISO" in out
    assert "N^Next of Kin^HL70131" in out


def test_redact_hprim_wrapped_comment_leaves_no_value(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.hpr").write_bytes(HPRIM.encode("latin-1"))
    r = run("redact", "in", "--out", "out", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    out = (tmp_path / "out" / "r.hpr").read_bytes().decode("latin-1")
    for value in HPRIM_VALUES:
        assert value not in out, value
    lines = out.split("\r\n")
    assert len(lines) == len(HPRIM.split("\r\n"))            # line count and CRLF kept
    assert lines[3].startswith("C|1|L|Vu par le Dr ") and lines[6].endswith(".|G")
    assert lines[7] == "L|1|N"
