"""SIRET: French establishment number (Système d'Identification du Répertoire des ETablissements).

Form (INSEE, répertoire SIRENE; python-stdnum ``stdnum.fr.siret``): 14 digits, the SIREN of the
company (9 digits) followed by the NIC of the establishment (5 digits). The 14 digits pass the
Luhn check, and so do the first 9 (the SIREN). Exception: La Poste's establishments (SIREN
356000000) other than its head office do not use Luhn; their digits add up to a multiple of 5.
Usually written compact (``73282932000074``) or ``732 829 320 00074``.

Everything comes from python-stdnum (including the La Poste exception); this module only
re-exports it in our house style.
"""

from __future__ import annotations

from sentinelle.identifiers import luhn  # python-stdnum's, with a fast path (issue 6)
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as _siret


def compact(number: str) -> str:
    """python-stdnum's ``compact`` (strip spaces and dots), without its per-character ``clean``
    for a number that has nothing to clean (issue 6: the text path's candidates)."""
    if number.isascii() and number.isalnum():  # nothing to clean (issue 6: text path candidates)
        return number
    return _siret.compact(number)


format = _siret.format  # noqa: A001 - python-stdnum naming
to_siren = _siret.to_siren


def validate(number: str) -> str:
    """Return the compact SIRET or raise ``ValidationError`` (digits, length, Luhn key or the
    La Poste digit sum, and the Luhn key of its SIREN)."""
    return _siret.validate(number)


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``. A compact ASCII number skips
    python-stdnum's per-character ``clean`` (same rules as ``stdnum.fr.siret.validate``)."""
    if number.isascii() and number.isdigit():
        if len(number) != 14:
            return False
        if number.startswith("356000000") and number != "35600000000048":
            key_ok = sum(map(int, number)) % 5 == 0
        else:
            key_ok = luhn.is_valid(number)
        return key_ok and luhn.is_valid(number[:9])
    try:
        return bool(validate(number))
    except ValidationError:
        return False
