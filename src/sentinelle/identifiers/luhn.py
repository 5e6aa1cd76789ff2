"""Luhn check (ISO/IEC 7812-1 annex B), python-stdnum's ``stdnum.luhn`` with a fast path.

``is_valid(number) -> bool``: for a string of ASCII digits, the Luhn sum computed over its
bytes with a translation table (every second digit from the right doubled, 9 subtracted past 9); for anything
else, ``stdnum.luhn.is_valid``. Same answers (``tests/identifiers/test_luhn.py`` compares them).

Written here, not taken from python-stdnum alone (issue 6): ``stdnum.luhn`` handles any alphabet
and reports through exceptions, about 15 µs a call; the text path checks every 9- to 19-digit
candidate (thousands in a text of lab reports: SIREN, FINESS, RPPS, SIRET, cards), and this path
takes about 2 µs.
"""

from __future__ import annotations

from stdnum import luhn as _luhn

#: an ASCII digit doubled, 9 subtracted past 9
_DOUBLE = bytes.maketrans(b"0123456789", b"0246813579")


def is_valid(number: str) -> bool:
    """True when ``number`` passes the Luhn check (python-stdnum's rule)."""
    if number and number.isascii() and number.isdigit():
        b = number.encode("ascii")  # sums of byte values, in C; 48 is b"0"
        return (sum(b[::-2]) + sum(b[-2::-2].translate(_DOUBLE)) - 48 * len(b)) % 10 == 0
    return _luhn.is_valid(number)


calc_check_digit = _luhn.calc_check_digit
validate = _luhn.validate
checksum = _luhn.checksum
