"""ADELI: number of a health professional in the ADELI directory (Automatisation DEs LIstes).

Form (Ministère de la santé, répertoire ADELI; ANS, "Identification des professionnels de
santé": the national identifier of a professional registered in ADELI is ``0`` + ADELI number):
9 characters:

* 2 characters: the department of registration (``01``-``95``, ``97``/``98`` overseas,
  ``2A``/``2B`` for Corsica);
* 1 digit: the profession category;
* 5 digits: the order number;
* 1 digit: a key.

The algorithm of the key is not published in any source we could read (decrees, ANS and
Ministry pages): it is **not** checked. Validation is the structure only, so detection relies
on a cue ("ADELI", a profession) or a column header; see :mod:`sentinelle.detectors.adeli`.
python-stdnum has no ADELI module.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean

_FORM = re.compile(r"(?:\d\d|2[AB])\d{7}")


def compact(number: str) -> str:
    """Strip spaces, dots and dashes; upper-case (``2a`` -> ``2A``)."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number.upper()
    return clean(number, " .-").strip().upper()


def validate(number: str) -> str:
    """Return the compact ADELI number or raise ``ValidationError`` (length, form, department).

    The key digit is not checked (no published rule).
    """
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if not number.isascii() or not _FORM.fullmatch(number):
        raise InvalidFormat()
    if number[:2] == "00":
        raise InvalidComponent("department 00")
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips the
    per-character ``clean`` (the text path checks every candidate)."""
    if number.isascii() and number.isdigit():
        return len(number) == 9 and number[:2] != "00"
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """The ADELI number is written compact (9 characters)."""
    return compact(number)
