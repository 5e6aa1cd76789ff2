"""sentinelle.identifiers.mrz: ICAO Doc 9303 part 3 check digits (weights 7, 3, 1).

Expected digits come from the specimen passport of ICAO Doc 9303 part 4 (document number
``L898902C3`` check digit 6, birth date ``740812`` check digit 2, expiry ``120415`` check digit
9), and from hand computations written out below.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidFormat

from sentinelle.identifiers import mrz


@pytest.mark.parametrize("data, digit", [
    ("L898902C3", "6"),     # ICAO 9303 specimen document number
    ("740812", "2"),        # ICAO 9303 specimen birth date
    ("120415", "9"),        # ICAO 9303 specimen expiry date
    ("L898902C<", "3"),     # older ICAO specimen: filler "<" counts 0
    # 0*7 + 9*3 + A(10)*1 + A(10)*7 + 1*3 + 2*1 + 3*7 + 4*3 + 5*1 = 150 -> 0
    ("09AA12345", "0"),
    # T(29)*7 + 7*3 + X(33)*1 + 3*7 + K(20)*3 + P(25)*1 + 9*7 + Q(26)*3 + 2*1 = 506 -> 6
    ("T7X3KP9Q2", "6"),
    ("", "0"),
])
def test_check_digit(data, digit):
    assert mrz.check_digit(data) == digit
    assert mrz.validate(data, digit) == data
    assert mrz.is_valid(data, digit)


@pytest.mark.parametrize("data, digit", [("L898902C3", "7"), ("740812", "3")])
def test_wrong_digit(data, digit):
    with pytest.raises(InvalidChecksum):
        mrz.validate(data, digit)
    assert not mrz.is_valid(data, digit)


@pytest.mark.parametrize("data", ["l898902c3", "AB-12", "É1"])   # lower case, dash, accent
def test_not_mrz_characters(data):
    with pytest.raises(InvalidFormat):
        mrz.check_digit(data)
    assert not mrz.is_valid(data, "0")
