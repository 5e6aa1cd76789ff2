"""Session 11, new-user report: HL7 v2 phone numbers (XTN) that no detector saw.

Rule source: HL7 v2.5.1 chapter 2A, 2.A.89 XTN: 1 telephone number (deprecated), 2 use code
(table 0201: PRN, WPN, ORN, NET...), 3 equipment type (table 0202: PH, CP, FX, BP, Internet...),
4 e-mail, 5 country code, 6 area code, 7 local number, 8 extension, 9 any text, 12 unformatted
number; chapter 3: NK1-4 address, NK1-5 / NK1-6 phones, IN1-5 insurance company address, IN1-6
contact person, IN1-7 phone, GT1-5 address, GT1-6 / GT1-7 phones.

Before the fix a cell held one number form per repetition (component 1, else 5-8, else 12): the
unformatted component 12 beside components 5-8 (``^^PH^^^320^5550100^^^^^3205550100``, the
layout of the CDC NBS samples, corpus/hl7v2/cdc_trusted_intermediary) was never read, IN1-7 had
no entry (``^WPN^PH^^33^1^99001234`` read as the generic ``WPN PH 33 1 99001234``), and several
repetitions in one cell were read as text, where a bare ``4235550142`` is nothing.

Synthetic numbers: NANP 555-01xx (reserved for fiction), ARCEP fiction blocks 01 99 00, 06 39 98.
Expected cells worked by hand from the XTN layout above.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.hl7v2 import Delimiters, Hl7v2Reader

D = Delimiters("|", "^", "~", "\\", "&")
MSH = "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5\r"


def cells(line: str) -> dict[str, tuple[str, str | None]]:
    return {c.column: (c.text, c.hint) for c in Hl7v2Reader._cells(line[:3], line, D)}


@pytest.mark.parametrize("line, expected", [
    # component 12 alone: the unformatted number is the number
    ("NK1|1|DOE^JANE|MTH||^^^^^^^^^^^4235550142",
     {"NK1-5": ("4235550142", "telephone")}),
    # component 1 alone, NANP brackets
    ("NK1|1|DOE^JANE|MTH||(423)555-0142", {"NK1-5": ("(423)555-0142", "telephone")}),
    # components 6-7 and 12 both written: both read (12 in its own column)
    ("NK1|1|DOE^JANE|MTH||^^PH^^^320^5550100^^^^^3205550100",
     {"NK1-5": ("320 5550100", "telephone"), "NK1-5.12": ("3205550100", "telephone")}),
    # component 1 and components 5-7 both written
    ("NK1|1|DOE^JANE|MTH||(423)555-0142^PRN^PH^^1^423^5550142",
     {"NK1-5": ("(423)555-0142", "telephone"), "NK1-5.5": ("+1 423 5550142", "telephone")}),
    # the extension (component 8) is one more digit group of the number
    ("NK1|1|DOE^JANE|MTH|||^WPN^PH^^33^1^99001234^56",
     {"NK1-6": ("+33 1 99001234 56", "telephone")}),
    # two repetitions with a number: one column each, as an identifier list
    ("PID|1||X1||DOE^JOHN||||||||0639981234~^PRN^CP^^33^6^39984321",
     {"PID-13[1]": ("0639981234", "telephone"), "PID-13[2]": ("+33 6 39984321", "telephone")}),
    # one repetition is an e-mail only: the number keeps the plain column, the e-mail ".4"
    ("PID|1||X1||DOE^JOHN||||||||^NET^Internet^jd@example.org~^PRN^PH^^33^1^99001234",
     {"PID-13": ("+33 1 99001234", "telephone"), "PID-13.4": ("jd@example.org", "email")}),
    # IN1-5 address, IN1-6 contact person, IN1-7 phone (chapter 3, IN1)
    ("IN1|1|P1|INS01|ACME|1 RUE A^^LYON^^69001|SMITH^ANNA|^WPN^PH^^33^1^99001234",
     {"IN1-5": ("1 RUE A, LYON", "adresse"), "IN1-5.5": ("69001", "code_postal"),
      "IN1-6": ("SMITH ANNA", "nom_contact"), "IN1-7": ("+33 1 99001234", "telephone")}),
    # GT1-5 address, GT1-6 / GT1-7 phones
    ("GT1|1||DOE^JOHN||2 RUE B^^NICE^^06000|^^^^^^^^^^^0199001234|(423)555-0199",
     {"GT1-5": ("2 RUE B, NICE", "adresse"), "GT1-5.5": ("06000", "code_postal"),
      "GT1-6": ("0199001234", "telephone"), "GT1-7": ("(423)555-0199", "telephone")}),
    # a number written one component too far (13, a v2.6+ date's place) is still read
    ("NK1|1|DOE^JANE|MTH||(423)555-0142^WPN^PH^^^^^^^^^^4235550143",
     {"NK1-5": ("(423)555-0142", "telephone"), "NK1-5.13": ("4235550143", "telephone")}),
    # a field of no known type is a phone by its codes: use code ORN, equipment type FX
    ("ZPD|1|^ORN^FX^^33^4^65711234", {"ZPD-2": ("+33 4 65711234", "telephone")}),
    ("ZPD|1|^^CP^^^^^^^^^0639981234", {"ZPD-2": ("0639981234", "telephone")}),
])
def test_xtn_cells(line, expected):
    got = cells(line)
    for column, value in expected.items():
        assert got[column] == value, column
    # no other phone column: every number form is where the table says
    phones = {c for c, (_t, h) in got.items() if h == "telephone"}
    assert phones == {c for c, (_t, h) in expected.items() if h == "telephone"}


@pytest.mark.parametrize("line, column", [
    ("ZPD|1|GLU^Glucose^PH", "ZPD-2"),        # a code "PH" but no number: not a phone
    ("ZPD|1|^PRN^PH", "ZPD-2"),               # codes only
    ("ZPD|1|1234^Lot^LN", "ZPD-2"),           # digits, no telecom code
])
def test_not_a_coded_phone(line, column):
    got = cells(line)
    assert got.get(column, ("", None))[1] != "telephone"


MESSAGE = (MSH
           + "PID|1||X1||DOE^JOHN||19850312|M\r"
           + "NK1|1|DOE^JANE|MTH||^^^^^^^^^^^4235550142~^^PH^^^320^5550100^^^^^3205550100\r"
           + "IN1|1|P1|INS01|ACME|1 RUE A^^LYON^^69001|SMITH^ANNA|^WPN^PH^^33^1^99001234\r"
           + "ZPD|1|^ORN^FX^^33^4^65711234\r")


def test_every_number_is_a_phone_finding(tmp_path: Path):
    (tmp_path / "a.hl7").write_text(MESSAGE, encoding="utf-8")
    result = sentinelle.scan([tmp_path / "a.hl7"], entities=["PHONE_NUMBER", "LAB_RESULT"])
    found = {(f.location.sheet, f.location.column, f.value) for f in result.findings
             if f.entity_type == "PHONE_NUMBER"}
    assert found == {
        ("NK1[1]", "NK1-5[1]", "4235550142"),
        ("NK1[1]", "NK1-5[2]", "320 5550100"),
        ("NK1[1]", "NK1-5[2].12", "3205550100"),
        ("IN1[1]", "IN1-7", "+33 1 99001234"),
        ("ZPD[1]", "ZPD-2", "+33 4 65711234"),
    }
    # "PH 33" of IN1-7 was read as a lab result before the fix
    assert not [f for f in result.findings if f.entity_type == "LAB_RESULT"]
