"""Fake patient numbers (MEDICAL_RECORD_NUMBER: IPP, NIP, NDA, "N° dossier"), format kept.

A hospital's or a lab's patient number has no checksum and no national format (each
establishment numbers as it likes: ANS "Référentiel d'identification des patients"), so a
fake only has to keep what the establishment's format shows: the letters (a prefix such as
``IPP``, ``P``, ``D-``, ``NDA``), the separators and the number of digits; every digit is drawn
again from ``rng`` (the caller seeds it, e.g. from a keyed HMAC of the original, so one
original gives one fake everywhere). A fake is never equal to the original, and never a NIR
with a right key (15 digits, sex digit, key = 97 - (13 digits mod 97): INSEE, décret n° 82-103),
which a re-scan would report as FR_NIR.

Used by ``sentinelle.redact.fakes`` (policy operator ``fake``, preset ``test-data``) for
MEDICAL_RECORD_NUMBER, and by the synthetic leak generator's tests.
"""

from __future__ import annotations

import random
import re

#: a NIR with its key once separators are removed (sex digit 1-4, 7, 8; 2A/2B not drawn here:
#: only digits are redrawn, letters are kept)
_NIR_BODY = re.compile(r"[123478][0-9]{14}")
#: draws before giving up (a number of one digit has 9 other values)
TRIES = 50


def _nir_keyed(digits: str) -> bool:
    return bool(_NIR_BODY.fullmatch(digits)) and int(digits[13:]) == 97 - int(digits[:13]) % 97


def fake(value: str, rng: random.Random) -> str | None:
    """A fake of the patient number ``value``: same letters, separators and spacing, every
    ASCII digit redrawn; None when ``value`` holds no digit (nothing to draw: the caller falls
    back to its label).

    >>> fake("IPP 000123", random.Random(1))[:4]
    'IPP '
    """
    positions = [i for i, ch in enumerate(value) if "0" <= ch <= "9"]
    if not positions:
        return None
    original = "".join(value[i] for i in positions)
    chars = list(value)
    for _ in range(TRIES):
        digits = "".join(str(rng.randrange(10)) for _ in positions)
        if digits == original or _nir_keyed(digits):
            continue
        for i, d in zip(positions, digits):
            chars[i] = d
        return "".join(chars)
    return None
