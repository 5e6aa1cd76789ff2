"""BIC: Business Identifier Code (ISO 9362, also called SWIFT code).

Form (ISO 9362; python-stdnum ``stdnum.bic``): 8 or 11 characters: 4 letters (institution),
2 letters (ISO 3166-1 alpha-2 country code, plus ``XK``), 2 letters or digits (location),
optionally 3 letters or digits (branch; ``XXX`` is the head office). There is no check digit:
validation is the structure and a known country code.

Everything comes from python-stdnum; this module only re-exports it in our house style.
"""

from __future__ import annotations

from stdnum import bic as _bic
from stdnum.exceptions import ValidationError

compact = _bic.compact
format = _bic.format  # noqa: A001 - python-stdnum naming


def validate(number: str) -> str:
    """Return the compact, upper-case BIC or raise ``ValidationError`` (length, format, country)."""
    return _bic.validate(number)


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False
