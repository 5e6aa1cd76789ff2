"""sentinelle.identifiers.adeli: 9 characters, structure only (the key's rule is not published).

Numbers are synthetic.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import adeli


@pytest.mark.parametrize("value, compact", [
    ("751234560", "751234560"),           # Paris, category 1, order 23456, key 0
    ("751234569", "751234569"),           # any key digit: the key is not checked
    ("69 1 04567 3", "691045673"),        # grouped department-category-order-key
    ("2a4000125", "2A4000125"),           # Corsica, upper-cased
])
def test_valid(value, compact):
    assert adeli.compact(value) == compact
    assert adeli.validate(value) == compact
    assert adeli.is_valid(value)
    assert adeli.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("75123456", InvalidLength),          # 8 characters
    ("7512345601", InvalidLength),        # 10 characters
    ("75123456A", InvalidFormat),         # a letter at the end
    ("2C4000125", InvalidFormat),         # no department 2C
    ("001234567", InvalidComponent),      # department 00
])
def test_invalid(value, error):
    with pytest.raises(error):
        adeli.validate(value)
    assert not adeli.is_valid(value)
