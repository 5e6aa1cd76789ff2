"""Dates written one digit per box beside other fields of an identity line (session 10, issue 3).

EDS-Pseudo prescriptions and forms (../shared/corpus/pii_fr_clinical_eds_pseudo) write a line
"name, NIR in boxes, birth date in boxes, visit date": "2 8 3 0 6 8 1 8 4 0 0 6 6 0 7 1 1 1 9 8 3
18-03-2030". A date with separators, or a number of several digits, one space after (or a
date one space before) a run of boxes is the line's next field, not more boxes of the run; a
single digit one space away still continues the run. The lines below are synthetic (NIR
1 97 07 75 116 005, key 81 = 97 - 1970775116005 mod 97, as in test_dob_nir_year.py).
"""

from __future__ import annotations

import pytest

from sentinelle.detectors.dates import DateOfBirthDetector, DateTimeDetector, scan_dates


@pytest.mark.parametrize("text, births", [
    # boxed NIR then boxed birth date (one run of 21 boxes), then the visit date
    ("LEROY Jean 1 9 7 0 7 7 5 1 1 6 0 0 5 0 2 0 7 1 9 9 7 18-03-2030", ["0 2 0 7 1 9 9 7"]),
    # boxed birth date alone before a date with separators
    ("LEROY Jean\n1 9 7 0 7 7 5 1 1 6 0 0 5\n0 2 0 7 1 9 9 7 18/03/2030", ["0 2 0 7 1 9 9 7"]),
    # a visit date before, the compact NIR after
    ("29/06/11 0 2 0 7 1 9 9 7 1970775116005\nPr. MARTIN", ["0 2 0 7 1 9 9 7"]),
])
def test_boxed_birth_date_beside_fields(text, births):
    assert [text[m.start:m.end] for m in DateOfBirthDetector().find(text)] == births


@pytest.mark.parametrize("text, dates", [
    ("0 2 0 7 1 9 9 7 18-03-2030", ["0 2 0 7 1 9 9 7", "18-03-2030"]),
    ("vu le 26/05/12 3 1 0 7 1 9 7 5", ["26/05/12", "3 1 0 7 1 9 7 5"]),
    # more boxes one space away: one longer run (a NIR, a phone), no date cut out of it
    ("0 2 0 7 1 9 9 7 5", []),
    ("1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6", []),
    ("tel 0 6 1 2 3 4 5 6 7 8", []),
])
def test_boxed_date_run_boundaries(text, dates):
    assert [text[d.start:d.end] for d in scan_dates(text)] == dates


def test_both_fields_are_dates():
    # DATE_TIME reports every date; the boxed one is a birth date by the 16-year gap to the
    # latest date of the text (dates.py, BIRTH_GAP_YEARS), the visit date is not
    text = "0 2 0 7 1 9 9 7 18-03-2030"
    assert [(text[m.start:m.end], m.normalized) for m in DateTimeDetector().find(text)] == [
        ("0 2 0 7 1 9 9 7", "1997-07-02"), ("18-03-2030", "2030-03-18")]
    assert [text[m.start:m.end] for m in DateOfBirthDetector().find(text)] == ["0 2 0 7 1 9 9 7"]


def test_same_dates_on_long_text():
    # a long text takes hyperscan's candidate starts (dates.py _candidates): the same dates
    unit = "LEROY Jean 1 9 7 0 7 7 5 1 1 6 0 0 5 0 2 0 7 1 9 9 7 18-03-2030\n29/06/11 0 2 0 7 1 9 9 7 1970775116005\n"
    short = sorted((d.start, d.end) for d in scan_dates(unit))
    text = unit * 40
    assert len(text) > 2048 and len(short) == 4
    assert sorted((d.start, d.end) for d in scan_dates(text)) == [
        (s + k * len(unit), e + k * len(unit)) for k in range(40) for s, e in short]
