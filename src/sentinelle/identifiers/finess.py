"""FINESS: number of a French health or social establishment (Fichier National des
Établissements Sanitaires et Sociaux).

Form (FINESS nomenclature, DREES / Ministère de la santé): 9 characters, the same layout for a
legal entity (entité juridique) and for each of its establishments (établissement
géographique):

* 2 characters: the department, ``01``-``95`` and ``97``/``98`` overseas, or ``2A``/``2B`` for
  Corsica;
* 6 digits: the registration number in the department;
* 1 digit: a key, computed with the Luhn algorithm (ISO/IEC 7812-1 annex B) so that the 9 digits
  pass the Luhn check.

python-stdnum has no FINESS module; the Luhn check comes from ``stdnum.luhn``. For Corsican
numbers (``2A``/``2B``) we found no published rule for reading the letters in the key, so the key
of those numbers is not checked (:func:`key_checked` is False): validation is the structure only.
"""

from __future__ import annotations

import re

from sentinelle.identifiers import luhn  # python-stdnum's, with a fast path (issue 6)
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean

_FORM = re.compile(r"(?:\d\d|2[AB])\d{7}")


def compact(number: str) -> str:
    """Strip spaces, dots and dashes; upper-case (``2a`` -> ``2A``)."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number.upper()
    return clean(number, " .-").strip().upper()


def key_checked(number: str) -> bool:
    """True when the key of ``number`` can be checked (numeric department, not Corsica)."""
    number = compact(number)
    return number[:2].isdigit()


def calc_check_digit(number: str) -> str:
    """The Luhn key for the first 8 digits of a numeric-department ``number``."""
    return luhn.calc_check_digit(compact(number)[:8])


def validate(number: str) -> str:
    """Return the compact FINESS or raise ``ValidationError`` (length, form, department, key).

    The key of a Corsican number (``2A``/``2B``) is not checked (see the module docstring).
    """
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if not number.isascii() or not _FORM.fullmatch(number):
        raise InvalidFormat()
    if number[:2] == "00":
        raise InvalidComponent("department 00")
    if key_checked(number):
        luhn.validate(number)
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips
    python-stdnum's per-character ``clean`` (the text path checks every candidate)."""
    if number.isascii() and number.isdigit():
        return len(number) == 9 and number[:2] != "00" and luhn.is_valid(number)
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """The FINESS number is written compact (9 characters)."""
    return compact(number)
