"""NIR: French social security number (numéro d'inscription au répertoire, "numéro de sécu").

Form (INSEE, "Le numéro d'inscription au répertoire", and python-stdnum ``stdnum.fr.nir``):
``S YY MM DD CCC OOO KK``, 15 characters:

* S: sex, 1 (male) or 2 (female); 3/4 and 7/8 for temporary numbers (NIA, numéro
  d'identification d'attente, given by the CNAV's SANDIA service to persons born abroad while
  they are being registered): same form, same key rule.
* YY: year of birth; MM: month 01-12, or a fictitious month 20-42 or 50-99 when the civil status
  document gives no month (INSEE); 13-19 and 43-49 are never used;
* DD CCC: department and commune of birth: 2A/2B for Corsica (20 before 1976: ../shared/cases
  pb-017), 97x + 2-digit commune overseas, 99 + country code for persons born abroad;
* OOO: order number 001-999; KK: key = 97 - (first 13 digits mod 97), with 2A read as 19 and
  2B as 18 (python-stdnum ``calc_check_digits``).

The INS (identifiant national de santé, ANS "Référentiel INS") is not a new number: its
matricule is the person's NIR, or NIA while no NIR exists (OIDs 1.2.250.1.213.1.4.8 and
1.2.250.1.213.1.4.9), so it is validated here too.

The checksum comes from python-stdnum; the structural checks on sex and month are ours.
"""

from __future__ import annotations

from stdnum.exceptions import InvalidComponent, InvalidFormat, ValidationError
from stdnum.fr import nir as _nir

compact = _nir.compact
format = _nir.format  # noqa: A001 - python-stdnum naming
calc_check_digits = _nir.calc_check_digits

_SEX = frozenset("123478")


def _structure_problem(number: str) -> ValidationError | None:
    """Our structural checks (sex, month, commune/order, department) on a compact NIR whose
    format python-stdnum accepted; None when they pass."""
    if number[0] not in _SEX:
        return InvalidComponent("sex digit")
    month = int(number[3:5])
    if month == 0 or 13 <= month <= 19 or 43 <= month <= 49:
        return InvalidComponent("month")
    if number[7:10] == "000" and number[5:7] not in ("99",) or number[10:13] == "000":
        return InvalidComponent("commune or order number")
    if number[5:7] == "00":
        return InvalidFormat("department")
    return None


def validate(number: str) -> str:
    """Return the compact NIR or raise ``ValidationError`` (length, format, sex, month, key)."""
    number = _nir.validate(number)
    problem = _structure_problem(number)
    if problem is not None:
        raise problem
    return number


def _compact_valid(number: str) -> bool:
    """:func:`is_valid` of an already compact 15-character ASCII number (digits, 2A/2B): the
    same checks as python-stdnum's ``validate`` without its per-character ``clean`` (the text
    path calls this on every candidate)."""
    if not (number[:5].isdigit() and number[7:].isdigit()
            and (number[5:7].isdigit() or number[5:7] in ("2A", "2B"))):
        return False
    return calc_check_digits(number) == number[13:] and _structure_problem(number) is None


def _is_compact(number: str) -> bool:
    return len(number) == 15 and number.isascii() and number.isalnum() \
        and number == number.upper()


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    if _is_compact(number):
        return _compact_valid(number)
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def check_key(number: str) -> bool:
    """True when the 2-digit key of a structurally NIR-shaped 15-char ``number`` matches."""
    number = compact(number)
    try:
        return len(number) == 15 and calc_check_digits(number) == number[13:]
    except ValueError:
        return False


def is_valid_without_key(number: str) -> bool:
    """True when a 13-character NIR body written without its key (``1841275123456``) passes every
    structural check of :func:`validate` (sex, month, department, commune, order number).

    The key is often printed apart or left out; 13 digits alone are weak evidence (an EAN-13
    barcode has the same length), so callers need a cue.
    """
    if not (len(number) == 13 and number.isascii() and number.isalnum() and number == number.upper()):
        number = compact(number)
    if len(number) != 13:
        return False
    try:
        return is_valid(number + calc_check_digits(number))
    except ValueError:
        return False
