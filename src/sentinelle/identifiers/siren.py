"""SIREN: French company number (Système d'Identification du Répertoire des ENtreprises).

Form (INSEE, répertoire SIRENE; python-stdnum ``stdnum.fr.siren``): 9 digits, the last one a
Luhn key over the 9 digits (the whole number passes the Luhn check). Usually written compact
(``404833048``) or in groups of three (``404 833 048``).

Everything comes from python-stdnum; this module only re-exports it in our house style.
"""

from __future__ import annotations

from sentinelle.identifiers import luhn  # python-stdnum's, with a fast path (issue 6)
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as _siren


def compact(number: str) -> str:
    """python-stdnum's ``compact`` (strip spaces and dots), without its per-character ``clean``
    for a number that has nothing to clean (issue 6: the text path's candidates)."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number
    return _siren.compact(number)


format = _siren.format  # noqa: A001 - python-stdnum naming


def validate(number: str) -> str:
    """Return the compact SIREN or raise ``ValidationError`` (digits, length, Luhn key)."""
    return _siren.validate(number)


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips
    python-stdnum's per-character ``clean`` (the text path checks every candidate)."""
    if number.isascii() and number.isdigit():
        return len(number) == 9 and luhn.is_valid(number)
    try:
        return bool(validate(number))
    except ValidationError:
        return False
