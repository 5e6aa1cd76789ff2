"""IBAN_CODE detector: international bank account numbers (ISO 13616).

Rule source: ISO 13616 structure and MOD 97-10 key, per-country length and BBAN structure from
the SWIFT IBAN registry, via :mod:`sentinelle.identifiers.iban` (python-stdnum ``stdnum.iban``).
Written forms accepted: compact (``FR7630004012340009876543272``) and grouped with spaces,
no-break spaces, dots or dashes, in groups of four or as national habits group them
(``FR76 3000 4012 3400 0987 6543 272``, ``ES 58 0049 0290 3424 1352 8341``,
``NO 44 1850.05.14562``).

Finding the end: the country code and check digits are matched, then the characters that follow
are read group by group, stopping as soon as the country's IBAN length is reached. The span ends
at the last IBAN character and must end a token: a following word (``refusé``, ``TITULAIRE``)
never enters the checksum (../shared/cases pb-010, pb-011). Scanning is bounded per start (34
characters at most), so the detector is linear in the text length.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so an
IBAN-shaped value of the right length for its country whose key does not match is kept with
``Validation.INVALID`` and score 0.3 (below the default ``--min-score``).
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation
from sentinelle.identifiers import iban

_START = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}[ \u00a0]?[0-9]{2}")
_SEPS = frozenset(" .-\u00a0\u202f")
_MAX = 34


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _scan(text: str, start: int) -> Match | None:
    """Read an IBAN starting at ``start`` (country code + check digits already matched)."""
    length = iban.country_length(text[start:start + 2])
    if length is None:
        return None
    n = len(text)
    i = start
    count = 0
    chars: list[str] = []
    while i < n and count < length:
        ch = text[i]
        if _alnum(ch):
            chars.append(ch)
            count += 1
            i += 1
        elif ch in _SEPS and (count == 2 or count >= 4) and i + 1 < n and _alnum(text[i + 1]):
            i += 1  # one separator between groups (or after the country code: "ES 58 0049")
        else:
            break
    if count != length or (i < n and _alnum(text[i])):
        # too short, or the last character is inside a longer token
        return None
    compacted = "".join(chars).upper()
    if iban.is_valid(compacted):
        return Match(start, i, 1.0, Validation.VALID, "iban", compacted)
    if iban.has_country_shape(compacted):
        return Match(start, i, INVALID_SCORE, Validation.INVALID, "iban", compacted)
    return None


class IbanDetector(Detector):
    validation_rule = "ISO 7064 mod 97-10 and country length (python-stdnum)"
    rule_source = "ISO 13616"
    #: country code and check digits (the start of every candidate)
    prefilter = r"[a-z]{2}[ \u00a0]?[0-9]{2}"
    name = "iban"
    entity = "IBAN_CODE"
    context_words = (
        "iban", "rib", "bic", "compte", "compte bancaire", "numero de compte", "coordonnees bancaires",
        "releve d'identite bancaire", "virement", "prelevement", "banque", "titulaire",
        "bank account", "account number", "bank", "transfer", "swift",
    )
    header_pattern = (r"(^|_)(iban|rib|compte|bic_iban|iban_bic|coordonnees_bancaires|"
                      r"num_?compte|numero_compte|bank_account|account_number)(_|\d|$)")
    header_value_threshold = 0.2
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("Virement vers FR76 1273 9000 7005 6789 1234 552 refusé par la banque.",
             "FR76 1273 9000 7005 6789 1234 552"),                                  # cases pb-010
            ("IBAN FR7630004012340009876543272 TITULAIRE MARC GIRAUD",
             "FR7630004012340009876543272"),                                        # pb-011
            ("versées sur l'IBAN FR76 3000 4012 3400 0987 6543 272 au nom de la SCI.",
             "FR76 3000 4012 3400 0987 6543 272"),                                  # pb-013
            ("GR16 0110 1050 0000 1054 7023 795", "GR16 0110 1050 0000 1054 7023 795"),  # stdnum
            ("rib: DE89370400440532013000.", "DE89370400440532013000"),            # stdnum bulk list
        ),
        negatives=(
            "FR76 3000 4012 3400 0987 6543 273",   # wrong key (kept at 0.3 only)
            "Réf AB12 3456 7890",                   # unknown country, too short
            "FR76 3000 4012 3400 0987 6543 2721",   # one digit too many: inside a longer token
            "XX431234",                             # stdnum test_iban: unknown country
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        for _m, res in finditer_resuming(_START, text, lambda m: _scan(text, m.start())):
            yield res

    def normalize(self, value: str) -> str:
        return iban.compact(value.replace("\u00a0", "").replace("\u202f", ""))
