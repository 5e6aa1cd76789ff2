"""sentinelle.identifiers.passport: 2 digits, 2 letters, 5 digits. Numbers are synthetic."""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidFormat, InvalidLength

from sentinelle.identifiers import passport


@pytest.mark.parametrize("value, compact", [
    ("09AA12345", "09AA12345"),
    ("18fd40271", "18FD40271"),       # upper-cased
    ("09 AA 12345", "09AA12345"),     # spaces stripped
])
def test_valid(value, compact):
    assert passport.validate(value) == compact
    assert passport.is_valid(value)
    assert passport.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("9AA123456", InvalidFormat),     # 1 digit first
    ("09A123456", InvalidFormat),     # 1 letter
    ("09AA1234", InvalidLength),      # 8 characters
    ("09AA123456", InvalidLength),    # 10 characters
    ("09ÄA12345", InvalidFormat),     # not ASCII
])
def test_invalid(value, error):
    with pytest.raises(error):
        passport.validate(value)
    assert not passport.is_valid(value)
