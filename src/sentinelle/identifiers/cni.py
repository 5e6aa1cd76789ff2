"""CNI: number of the French national identity card (carte nationale d'identité).

Two forms are in circulation (rule sources: décret n° 55-1397 du 22 octobre 1955 instituant la
carte nationale d'identité, as amended by décret n° 2021-279 for the card issued since 2021; the
layouts below are those printed on the cards and in their machine readable zone):

* **1995-2021 card** (plastic, 12 characters): ``YYMM`` year and month of issue (4 digits),
  3 characters for the issuing department and office (``750``, ``923``, Corsica ``2A1``), then a
  5-digit order number: ``130775012345``. The MRZ follows the number with a check digit computed
  as in ICAO Doc 9303 (:mod:`sentinelle.identifiers.mrz`); the printed number has no key.
* **card issued since August 2021** (ICAO TD1 card): 9 letters and digits, chosen by the
  issuing system (``T7X3KP9Q2``); no key is printed, the MRZ protects it with a check digit.

Without a key, validation is the structure only: month 01-12 for the old form; 9 upper-case
letters and digits with at least one of each for the new form (nine digits alone are far more
often another number, nine letters a word).
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean

_OLD = re.compile(r"\d{2}(?P<month>\d\d)(?:\d{3}|2[AB]\d)\d{5}")
_NEW = re.compile(r"(?=[0-9A-Z]*[0-9])(?=[0-9A-Z]*[A-Z])[0-9A-Z]{9}")


def compact(number: str) -> str:
    """Strip spaces; upper-case."""
    if number.isascii() and number.isalnum():  # nothing to clean: the text path's candidates
        return number.upper()
    return clean(number, " ").strip().upper()


def is_old_form(number: str) -> bool:
    """True for a structurally valid 12-character (1995-2021) card number."""
    m = _OLD.fullmatch(compact(number))
    return bool(m and number.isascii() and 1 <= int(m.group("month")) <= 12)


def is_new_form(number: str) -> bool:
    """True for a structurally valid 9-character (2021) card number."""
    number = compact(number)
    return bool(number.isascii() and _NEW.fullmatch(number))


def validate(number: str) -> str:
    """Return the compact number or raise ``ValidationError`` (length, characters, month)."""
    number = compact(number)
    if len(number) not in (9, 12):
        raise InvalidLength()
    if len(number) == 12:
        m = _OLD.fullmatch(number)
        if not m or not number.isascii():
            raise InvalidFormat()
        if not 1 <= int(m.group("month")) <= 12:
            raise InvalidComponent("month of issue")
        return number
    if not is_new_form(number):
        raise InvalidFormat()
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """The card number is written compact."""
    return compact(number)
