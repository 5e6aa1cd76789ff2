"""RPPS: Répertoire Partagé des Professionnels intervenant dans le système de Santé number.

Form (Agence du Numérique en Santé, "Identification des professionnels de santé", RPPS
identifier): 11 digits, issued from the range starting with ``10``; the last digit is a Luhn key
computed over the 11 digits (the whole number passes the Luhn check). It is the ``8`` + RPPS
part of the national health professional identifier (IdNat_PS ``8`` + RPPS).

python-stdnum has no RPPS module; the Luhn check comes from ``stdnum.luhn``. We accept any
leading ``1`` (not only ``10``) so that future ranges are not missed.
"""

from __future__ import annotations

from sentinelle.identifiers import luhn  # python-stdnum's, with a fast path (issue 6)
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean


def compact(number: str) -> str:
    """Strip spaces, dots and dashes."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number
    return clean(number, " .-").strip()


def calc_check_digit(number: str) -> str:
    """The Luhn key for the first 10 digits of ``number``."""
    return luhn.calc_check_digit(compact(number)[:10])


def validate(number: str) -> str:
    """Return the compact RPPS or raise ``ValidationError`` (digits, length, prefix, Luhn key)."""
    number = compact(number)
    if not number.isdigit() or not number.isascii():
        raise InvalidFormat()
    if len(number) != 11:
        raise InvalidLength()
    if number[0] != "1":
        raise InvalidComponent("RPPS numbers start with 1")
    luhn.validate(number)
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips
    python-stdnum's per-character ``clean`` (the text path checks every candidate)."""
    if number.isascii() and number.isdigit():
        return len(number) == 11 and number[0] == "1" and luhn.is_valid(number)
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:  # noqa: A001 - python-stdnum naming
    """The RPPS is written compact (11 digits)."""
    return compact(number)
