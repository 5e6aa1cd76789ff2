"""French passport number.

Form (as printed on French passports, electronic and biometric; the machine readable
zone follows ICAO Doc 9303 part 4, TD3): 9 characters, 2 digits, 2 letters, 5 digits
(``09AA12345``). No key is printed; in the MRZ the number is followed by an ICAO 9303 check
digit (:mod:`sentinelle.identifiers.mrz`). Validation is the structure only.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean

_FORM = re.compile(r"\d\d[A-Z]{2}\d{5}")


def compact(number: str) -> str:
    """Strip spaces; upper-case."""
    return clean(number, " ").strip().upper()


def validate(number: str) -> str:
    """Return the compact passport number or raise ``ValidationError`` (length, form)."""
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if not number.isascii() or not _FORM.fullmatch(number):
        raise InvalidFormat()
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """The passport number is written compact."""
    return compact(number)
