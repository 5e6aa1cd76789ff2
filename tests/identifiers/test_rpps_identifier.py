"""sentinelle.identifiers.rpps: 11 digits starting with 1, Luhn key over the 11 digits.

Numbers below are synthetic (a base plus its computed Luhn key), not real professionals.
(Named ``test_rpps_identifier.py`` so that it does not collide with tests/detectors/test_rpps.py.)
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import rpps


@pytest.mark.parametrize("value, compact", [
    ("10001234565", "10001234565"),     # synthetic: 1000123456 + Luhn key 5
    ("10012345673", "10012345673"),     # synthetic
    ("10000000017", "10000000017"),     # synthetic
    ("100 0123 4565", "10001234565"),   # spaces stripped
    ("10.00.12.34.565", "10001234565"),  # dots stripped
    ("１0001234565", "10001234565"),     # stdnum's clean() folds full-width digits
])
def test_valid(value, compact):
    assert rpps.compact(value) == compact
    assert rpps.validate(value) == compact
    assert rpps.is_valid(value)
    assert rpps.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("10001234566", InvalidChecksum),    # key off by one
    ("10001234556", InvalidChecksum),    # two digits swapped
    ("1000123456", InvalidLength),       # 10 digits
    ("100012345650", InvalidLength),     # 12 digits
    ("20001234564", InvalidComponent),   # Luhn-valid but does not start with 1
    ("1000123456A", InvalidFormat),      # a letter
    ("", InvalidFormat),
])
def test_invalid(value, error):
    with pytest.raises(error):
        rpps.validate(value)
    assert not rpps.is_valid(value)


@pytest.mark.parametrize("base, key", [("1000123456", "5"), ("1001234567", "3"), ("1098765432", "3")])
def test_calc_check_digit(base, key):
    assert rpps.calc_check_digit(base) == key
    assert rpps.is_valid(base + key)
