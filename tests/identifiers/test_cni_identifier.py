"""sentinelle.identifiers.cni: 12-character (1995-2021) and 9-character (2021) card numbers.

Numbers are synthetic.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import cni


@pytest.mark.parametrize("value, compact, old", [
    ("130775012345", "130775012345", True),    # issued 2013-07, department 75 office 0
    ("0612 2A1 00042", "06122A100042", True),  # Corsica office, spaces stripped
    ("T7X3KP9Q2", "T7X3KP9Q2", False),         # 2021 card
    ("t7x3kp9q2", "T7X3KP9Q2", False),         # upper-cased
    ("09AA12345", "09AA12345", False),         # a passport-shaped value has the 2021 form too
])
def test_valid(value, compact, old):
    assert cni.compact(value) == compact
    assert cni.validate(value) == compact
    assert cni.is_valid(value)
    assert cni.is_old_form(value) is old
    assert cni.is_new_form(value) is (not old)
    assert cni.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("131375012345", InvalidComponent),     # month 13
    ("130075012345", InvalidComponent),     # month 00
    ("1307750123A5", InvalidFormat),        # letter in the order number
    ("NATIONALE", InvalidFormat),           # nine letters: a word
    ("123456789", InvalidFormat),           # nine digits
    ("T7X3KP9Q", InvalidLength),            # 8 characters
    ("1307750123456", InvalidLength),       # 13 characters
])
def test_invalid(value, error):
    with pytest.raises(error):
        cni.validate(value)
    assert not cni.is_valid(value)
