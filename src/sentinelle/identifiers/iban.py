"""IBAN: International Bank Account Number (ISO 13616).

Form (ISO 13616-1, SWIFT IBAN registry, via python-stdnum ``stdnum.iban``): two-letter country
code, two check digits, then the BBAN whose length and structure depend on the country (France:
``FRkk BBBBB GGGGG CCCCCCCCCCC KK``, 27 characters). The check digits make the whole number
``== 1 mod 97`` (ISO 7064 MOD 97-10) once the first four characters are moved to the end and
letters are read as 10..35. Usually printed in groups of four separated by spaces.

The checksum, the registry of BBAN structures and the country-specific checks come from
python-stdnum; :func:`country_length` is ours (read from the same registry).
"""

from __future__ import annotations

import functools
import re

from stdnum import iban as _iban
from stdnum import numdb
from stdnum.exceptions import ValidationError

compact = _iban.compact
format = _iban.format  # noqa: A001 - python-stdnum naming
calc_check_digits = _iban.calc_check_digits

_STRUCT = re.compile(r"([1-9][0-9]*)!([nac])")


@functools.cache
def country_length(country: str) -> int | None:
    """Length of a compact IBAN of ``country`` (two letters), or None for an unknown country."""
    country = country.upper()
    if len(country) != 2 or not country.isalpha() or not country.isascii():
        return None
    info = numdb.get("iban").info(country)
    props = info[0][1] if info else {}
    bban = props.get("bban") if props else None
    if not bban:
        return None
    return 4 + sum(int(n) for n, _kind in _STRUCT.findall(bban))


def validate(number: str) -> str:
    """Return the compact IBAN or raise ``ValidationError`` (country, length, structure, key)."""
    return _iban.validate(number)


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def has_country_shape(number: str) -> bool:
    """True when ``number`` (any separators) has a known country code, two check digits and the
    length of that country's IBAN: an IBAN-shaped value, valid or not."""
    number = compact(number)
    length = country_length(number[:2])
    return (length is not None and len(number) == length and number[2:4].isdigit()
            and number.isascii() and number.isalnum())


@functools.cache
def bban_structures() -> dict[str, tuple[int, str]]:
    """``{country: (IBAN length, BBAN regex)}`` for every country of python-stdnum's IBAN
    registry; the regex is anchored, ASCII, in the common syntax of Python ``re`` and Rust
    ``regex`` (python-stdnum ``_struct_to_re``: ``n`` digits, ``a`` upper-case letters, ``c``
    letters or digits)."""
    chars = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}
    out = {}
    for a in range(26):
        for b in range(26):
            cc = chr(65 + a) + chr(65 + b)
            length = country_length(cc)
            if length is None:
                continue
            info = numdb.get("iban").info(cc)
            bban = info[0][1]["bban"]
            regex = "".join(f"{chars[k]}{{{n}}}" for n, k in _STRUCT.findall(bban))
            out[cc] = (length, f"^{regex}$")
    return out


#: countries whose IBAN python-stdnum checks further with a national module (``stdnum.be.iban``,
#: ``stdnum.es.iban``, ``stdnum.me.iban``, ``stdnum.no.iban``): not decidable by
#: :func:`bban_structures` alone
NATIONAL_CHECKS = frozenset({"BE", "ES", "ME", "NO"})
