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
