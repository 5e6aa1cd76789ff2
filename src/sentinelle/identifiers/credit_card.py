"""Payment card number (PAN, primary account number).

Form (ISO/IEC 7812-1): 12 to 19 digits; the first 6 to 8 are the issuer identification number
(IIN, the first digit is the major industry identifier), the last one a Luhn key (ISO/IEC 7812-1
annex B) over the whole number. Printed in groups: ``4970 1012 3456 7893`` (16 digits),
``3782 822463 10005`` (American Express, 15).

Networks and their IIN ranges and lengths, as published by the networks (summarised in the
"Payment card number" article of Wikipedia): Visa ``4`` (13, 16, 19 digits); Mastercard
``51``-``55`` and ``2221``-``2720`` (16); American Express ``34``, ``37`` (15); Diners Club
``300``-``305``, ``3095``, ``36``, ``38``, ``39`` (14-19); Discover ``6011``, ``644``-``649``,
``65`` (16-19); JCB ``3528``-``3589`` (16-19), and ``1800``, ``2131`` (15, older cards);
UnionPay ``62`` (16-19); Maestro ``50``, ``56``-``69`` (12-19); Mir ``2200``-``2204`` (16-19).
French "CB" (Cartes Bancaires) cards are co-branded Visa or Mastercard and use their ranges. A
Luhn-valid number outside these ranges (industry digits 0, 7, 8, 9 and most of 1: airline,
health, telecom SIM numbers, national use) is not a payment card for us.

python-stdnum has no payment card module; the Luhn check comes from ``stdnum.luhn``, the range
table is ours (short, and a rule rather than a list).
"""

from __future__ import annotations

from sentinelle.identifiers import luhn  # python-stdnum's, with a fast path (issue 6)
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean

#: (network, first IIN, last IIN (same number of digits), lengths) from the module docstring
_RANGES: tuple[tuple[str, int, int, tuple[int, ...]], ...] = (
    ("visa", 4, 4, (13, 16, 19)),
    ("mastercard", 51, 55, (16,)),
    ("mastercard", 2221, 2720, (16,)),
    ("amex", 34, 34, (15,)),
    ("amex", 37, 37, (15,)),
    ("diners", 300, 305, tuple(range(14, 20))),
    ("diners", 3095, 3095, tuple(range(14, 20))),
    ("diners", 36, 36, tuple(range(14, 20))),
    ("diners", 38, 39, tuple(range(14, 20))),
    ("discover", 6011, 6011, tuple(range(16, 20))),
    ("discover", 644, 649, tuple(range(16, 20))),
    ("discover", 65, 65, tuple(range(16, 20))),
    ("jcb", 3528, 3589, tuple(range(16, 20))),
    ("jcb", 1800, 1800, (15,)),
    ("jcb", 2131, 2131, (15,)),
    ("unionpay", 62, 62, tuple(range(16, 20))),
    ("maestro", 50, 50, tuple(range(12, 20))),
    ("maestro", 56, 69, tuple(range(12, 20))),
    ("mir", 2200, 2204, tuple(range(16, 20))),
)


#: the table above, public for the vectorised check of ``detectors/columnar.py``
RANGES = _RANGES


def compact(number: str) -> str:
    """Strip spaces and dashes."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number
    return clean(number, " -").strip()


#: ``_RANGES`` by length: ``{length: ((name, width, lo, hi), ...)}`` with ``lo``/``hi`` as
#: digit strings of ``width`` characters (same order; issue 6: compared as strings of equal
#: width, which orders them as numbers, with no ``int`` per range)
_BY_LENGTH = {n: tuple((name, len(str(lo)), str(lo), str(hi))
                       for name, lo, hi, lengths in _RANGES if n in lengths)
              for n in range(1, 20)}


def network(number: str) -> str | None:
    """The network whose IIN range and length fit ``number`` (digits), or None."""
    number = compact(number)
    if not number.isdigit() or not number.isascii():
        return None
    for name, width, lo, hi in _BY_LENGTH.get(len(number), ()):
        if lo <= number[:width] <= hi:
            return name
    return None


def validate(number: str) -> str:
    """Return the compact number or raise ``ValidationError`` (digits, length, IIN range, Luhn)."""
    number = compact(number)
    if not number.isdigit() or not number.isascii():
        raise InvalidFormat()
    if not 12 <= len(number) <= 19:
        raise InvalidLength()
    if network(number) is None:
        raise InvalidComponent("no payment network uses this IIN and length")
    luhn.validate(number)
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips
    python-stdnum's per-character ``clean`` (the text path checks every candidate)."""
    if number.isascii() and number.isdigit():
        return 12 <= len(number) <= 19 and network(number) is not None and luhn.is_valid(number)
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """Groups of four digits (American Express: 4-6-5)."""
    number = compact(number)
    if len(number) == 15 and number[:2] in ("34", "37"):
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))
