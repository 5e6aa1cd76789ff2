"""sentinelle.identifiers.credit_card: Luhn (ISO/IEC 7812-1) and the networks' IIN ranges.

Numbers are the networks' and processors' public test numbers or synthetic (a base plus its
Luhn key computed by hand), never real cards.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import credit_card


@pytest.mark.parametrize("value, network", [
    ("4111 1111 1111 1111", "visa"),             # public test number
    ("4970-1012-3456-7893", "visa"),             # synthetic, key 3
    ("4000123456788", "visa"),                   # 13-digit Visa
    ("4532012345678901235", "visa"),             # 19-digit Visa
    ("5500 0000 0000 0004", "mastercard"),       # public test number
    ("2221000000000009", "mastercard"),          # 2-series lower bound
    ("2720999999999996", "mastercard"),          # 2-series upper bound
    ("3782 822463 10005", "amex"),               # public test number
    ("30569309025904", "diners"),                # public test number (14 digits)
    ("6011000012345678", "discover"),
    ("3560123456789011", "jcb"),
    ("6212345678901232", "unionpay"),
    ("5012345678908", "maestro"),                # 13-digit Maestro
    ("2200123456789019", "mir"),
    ("213100000000001", "jcb"),                  # older 15-digit JCB (2131)
    ("180000000000002", "jcb"),                  # older 15-digit JCB (1800)
])
def test_valid(value, network):
    digits = value.replace(" ", "").replace("-", "")
    assert credit_card.compact(value) == digits
    assert credit_card.validate(value) == digits
    assert credit_card.is_valid(value)
    assert credit_card.network(value) == network


@pytest.mark.parametrize("value, error", [
    ("4111 1111 1111 1112", InvalidChecksum),    # key off by one
    ("8944123456789017", InvalidComponent),      # Luhn-valid, industry digit 8 (telecom SIM)
    ("354178036859789", InvalidComponent),       # Luhn-valid 15-digit IMEI (stdnum): JCB needs 16+
    ("41111111111111111", InvalidComponent),     # 17-digit Visa: Visa uses 13, 16, 19
    ("51301234567899", InvalidComponent),        # 14-digit Mastercard
    ("41111111111", InvalidLength),              # 11 digits
    ("41111111111111111111", InvalidLength),     # 20 digits
    ("4111 1111 1111 111A", InvalidFormat),
])
def test_invalid(value, error):
    with pytest.raises(error):
        credit_card.validate(value)
    assert not credit_card.is_valid(value)


@pytest.mark.parametrize("value, formatted", [
    ("4111111111111111", "4111 1111 1111 1111"),
    ("378282246310005", "3782 822463 10005"),    # Amex 4-6-5
])
def test_format(value, formatted):
    assert credit_card.format(value) == formatted
