"""sentinelle.identifiers.finess: 2-character department, 6 digits, Luhn key (not for 2A/2B).

Numbers are synthetic (a base plus its Luhn key computed by hand), not real establishments.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import finess


@pytest.mark.parametrize("value, compact, checked", [
    ("750000010", "750000010", True),     # 75000001 + Luhn key 0
    ("130001233", "130001233", True),     # 13000123 + Luhn key 3
    ("971000120", "971000120", True),     # overseas (Guadeloupe) 97100012 + key 0
    ("69 000 1235", "690001235", True),   # separators stripped
    ("2A0001234", "2A0001234", False),    # Corsica: key not checkable
    ("2b0001234", "2B0001234", False),    # upper-cased
])
def test_valid(value, compact, checked):
    assert finess.compact(value) == compact
    assert finess.validate(value) == compact
    assert finess.is_valid(value)
    assert finess.key_checked(value) is checked
    assert finess.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("750000011", InvalidChecksum),       # key off by one
    ("750000100", InvalidChecksum),       # two digits swapped
    ("75000001", InvalidLength),          # 8 characters
    ("7500000100", InvalidLength),        # 10 characters
    ("2C0001234", InvalidFormat),         # no department 2C
    ("7A0001234", InvalidFormat),         # letters only for Corsica
    ("000000000", InvalidComponent),      # department 00 (Luhn-valid)
    ("", InvalidLength),
])
def test_invalid(value, error):
    with pytest.raises(error):
        finess.validate(value)
    assert not finess.is_valid(value)


@pytest.mark.parametrize("base, key", [("75000001", "0"), ("13000123", "3"), ("97100012", "0")])
def test_calc_check_digit(base, key):
    assert finess.calc_check_digit(base) == key
