"""DATE_OF_BIRTH from a NIR written beside the date (issue 3, birth-date recall).

An identity line gives the name, the NIR and the birth date one after the other, as the
prescriptions and forms of ../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl
do ("JACQ Louise 277 03 53 708 209 19/09/77 ADALIMUMAB ..."; NIRs one digit per box, in odd
groups, compact, on the line above the date). The NIR holds the two last digits of the birth
year after its sex digit (INSEE), so a date beside a NIR with the same year is a birth date; a
visit date beside it has another year. The lines below are synthetic in that shape (NIR
1 97 07 75 116 005, key 81, and 2 85 03 75 112 034, key 64: 97 - NIR mod 97).
"""

from __future__ import annotations

import pytest

from sentinelle.detectors.dates import DateOfBirthDetector


@pytest.mark.parametrize("text, births", [
    # boxed NIR before the date, two spaces between the fields
    ("LEROY Jean  1 9 7 0 7 7 5 1 1 6 0 0 5  02/07/97  ADALIMUMAB 40mg", ["02/07/97"]),
    # NIR in groups before, four-digit year
    ("DUPONT Marie 2 85 03 75 112 034 19/03/1985 ETANERCEPT", ["19/03/1985"]),
    # NIR with its key (15 digits), compact, after the date
    ("Patient LEROY 03/10/1985 285037511203464", ["03/10/1985"]),
    ("03-10-1985 2850375112034 Paris", ["03-10-1985"]),
    # NIR on the line above the date
    ("Madame DUPONT\n2 8 5 0 3 7 5 1 1 2 0 3 4\n20/04/85\n", ["20/04/85"]),
    # a visit date and a birth date around one NIR: only the one of the NIR's year
    ("05-11-2010 1 9 7 0 7 7 5 1 1 6 0 0 5 02/07/97", ["02/07/97"]),
    # the date's year is not the NIR's: a sample date, no birth date
    ("prélevé 12/03/2024 1 9 7 0 7 7 5 1 1 6 0 0 5", []),
    # a run of 12 digits is no NIR
    ("ref 1 9 7 0 7 7 5 1 1 6 0 0 02/07/97", []),
])
def test_nir_year_beside_a_date(text, births):
    assert [text[m.start:m.end] for m in DateOfBirthDetector().find(text)] == births


def _nir_year_beside_by_regex(folded, d):
    """The rule as the regexes alone state it (no pre-check of the character before the
    date): the reference of the speed path (issue 6)."""
    from sentinelle.detectors import dates

    yy = d.iso[2:4]
    b = dates._RUN_BEFORE.search(folded, max(0, d.start - 80), d.start)
    if b is not None:
        digits = b.group(1).replace(" ", "")
        if any(len(digits) >= n and digits[-n] in "12" and digits[1 - n:3 - n] == yy
               for n in (13, 15)):
            return True
    a = dates._RUN_AFTER.match(folded, d.end, d.end + 80)
    if a is not None:
        digits = a.group(1).replace(" ", "")
        return digits[0] in "12" and digits[1:3] == yy
    return False


@pytest.mark.parametrize("gap", [
    " ", "  ", "\t", "\n", " \n ", "\n\n", " \n \n", "\n \n", "\n\n\n", " \t\n\t ", "",
    " " * 70, " " * 90, "x", " x ", "\u00a0", "\u2003", "\r\n", "\n\r",
])
@pytest.mark.parametrize("nir", ["1 9 7 0 7 7 5 1 1 6 0 0 5", "2850375112034", "١٩٧٠٧٧٥١١٦٠٠٥"])
def test_pre_check_gives_the_regex_answer(gap, nir):
    # the character check before the regex search keeps every answer of the regex alone,
    # blanks, line breaks ("$" also matches before a last line break) and Unicode digits
    # ("\d" takes them) between the NIR and the date
    from sentinelle.detectors import dates
    from sentinelle.detectors.base import fold_keep_length

    for date in ("02/07/97", "19/03/1985"):
        text = "Patient " + nir + gap + date + " fin"
        folded = fold_keep_length(text)
        # (a date glued to the NIR, "2850375112034x02/07/97", may be no date at all)
        for d in dates.scan_dates(text):
            assert dates._nir_year_beside(folded, d) == _nir_year_beside_by_regex(folded, d)
