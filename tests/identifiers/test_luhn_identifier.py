"""The Luhn check's fast path (sentinelle.identifiers.luhn, issue 6) gives python-stdnum's
answers. Values: the worked example of ISO/IEC 7812-1 annex B as printed in the Wikipedia
article "Luhn algorithm" (79927398713), the detectors' synthetic numbers (keys hand-checked in
their modules), and a seeded random sweep against ``stdnum.luhn.is_valid``."""

from __future__ import annotations

import random

import pytest
from stdnum import luhn as stdnum_luhn

from sentinelle.identifiers import luhn


@pytest.mark.parametrize("number, valid", [
    ("79927398713", True),          # the worked example: sum 70
    ("79927398710", False),         # same payload, wrong key
    ("404833048", True),            # SIREN, stdnum docstring
    ("404833047", False),           # stdnum docstring: wrong key
    ("4970101234567893", True),     # detectors/credit_card.py example (Visa)
    ("10001234565", True),          # detectors/rpps.py example
    ("0", True),                    # one digit: the key of nothing is 0
    ("1", False),
    ("404 833 048", False),         # not digits: python-stdnum's path (it refuses the space)
    ("12a", False),                 # not digits: python-stdnum's path
    ("\u0663\u0663", stdnum_luhn.is_valid("\u0663\u0663")),  # non-ASCII digits: stdnum decides
    ("", False),                    # empty: python-stdnum's path
])
def test_known_numbers(number, valid):
    assert luhn.is_valid(number) is valid
    assert stdnum_luhn.is_valid(number) is valid


def test_random_numbers_agree_with_stdnum():
    rnd = random.Random(7812)
    for _ in range(20000):
        number = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 19)))
        assert luhn.is_valid(number) == stdnum_luhn.is_valid(number), number
