"""sentinelle.identifiers.iban: python-stdnum wrapper plus per-country lengths.

(Named ``test_iban_identifier.py``, not ``test_iban.py``: the test folders have no ``__init__``
files, so two test modules with the same base name would collide under pytest's default import
mode.)
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from sentinelle.identifiers import iban


@pytest.mark.parametrize("value, compact", [
    ("FR76 3000 4012 3400 0987 6543 272", "FR7630004012340009876543272"),  # cases pb-013
    ("fr76-1273-9000-7005-6789-1234-552", "FR7612739000700567891234552"),  # cases pb-010, dashes
    ("GR16 0110 1050 0000 1054 7023 795", "GR1601101050000010547023795"),  # stdnum docstring
    ("BE31435411161155", "BE31435411161155"),                              # stdnum docstring
])
def test_valid(value, compact):
    assert iban.compact(value) == compact
    assert iban.validate(value) == compact
    assert iban.is_valid(value)
    assert iban.has_country_shape(value)


@pytest.mark.parametrize("value, error", [
    ("FR76 3000 4012 3400 0987 6543 273", InvalidChecksum),   # last digit changed
    ("XX431234", InvalidComponent),                           # stdnum test_iban: unknown country
    ("AT611804300234573201", InvalidChecksum),                # stdnum test_iban bulk list
])
def test_invalid(value, error):
    with pytest.raises(error):
        iban.validate(value)
    assert not iban.is_valid(value)


@pytest.mark.parametrize("country, length", [
    ("FR", 27), ("fr", 27), ("DE", 22), ("GB", 22), ("BE", 16), ("NO", 15), ("MT", 31),
    ("XX", None), ("", None), ("F1", None), ("ÉÉ", None),
])
def test_country_length(country, length):
    assert iban.country_length(country) == length


@pytest.mark.parametrize("value, shaped", [
    ("FR76 3000 4012 3400 0987 6543 273", True),    # right length, wrong key: still IBAN-shaped
    ("FR76 3000 4012 3400 0987 6543 27", False),    # one short
    ("FRxx 3000 4012 3400 0987 6543 272", False),   # no check digits
    ("QQ93 1234 5678", False),                      # stdnum test_iban: unknown country
])
def test_has_country_shape(value, shaped):
    assert iban.has_country_shape(value) is shaped


def test_format_and_check_digits():
    assert iban.format("FR7630004012340009876543272") == "FR76 3000 4012 3400 0987 6543 272"
    assert iban.calc_check_digits("FRxx30004012340009876543272") == "76"
    assert issubclass(InvalidChecksum, ValidationError)
