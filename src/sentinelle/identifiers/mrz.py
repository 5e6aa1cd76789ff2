"""MRZ check digits of travel documents (ICAO Doc 9303, part 3, section 4.9).

The machine readable zone of a passport (TD3), of the French identity card issued since 2021
(TD1) and of the 1995-2021 card (a French 2 x 36 format using the same check digit) protects the
document number, the dates and the whole line with check digits computed as follows: each
character gets a value (digits ``0``-``9`` their value, letters ``A``-``Z`` 10-35, the filler
``<`` 0), values are multiplied by the weights 7, 3, 1, 7, 3, 1, ... and the check digit is the
sum modulo 10.

python-stdnum has no MRZ module; this is a dozen lines of ours.
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidFormat

_WEIGHTS = (7, 3, 1)


def _value(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    if ch == "<":
        return 0
    raise InvalidFormat(f"not an MRZ character: {ch!r}")


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit of ``data`` (MRZ characters ``0-9 A-Z <``).

    Raises ``InvalidFormat`` for any other character.
    """
    return str(sum(_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(data)) % 10)


def validate(data: str, digit: str) -> str:
    """Return ``data`` when ``digit`` is its check digit, else raise ``InvalidChecksum``."""
    if check_digit(data) != digit:
        raise InvalidChecksum()
    return data


def is_valid(data: str, digit: str) -> bool:
    """True when ``digit`` is the ICAO 9303 check digit of ``data``."""
    try:
        return check_digit(data) == digit
    except InvalidFormat:
        return False
