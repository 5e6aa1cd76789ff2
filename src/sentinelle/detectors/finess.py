"""FR_FINESS detector: numbers of French health and social establishments (FINESS, 9 characters).

Rule source: FINESS nomenclature (DREES, Ministère de la santé): a 2-character department
(``2A``/``2B`` for Corsica), 6 digits and a Luhn key, via :mod:`sentinelle.identifiers.finess`
(``stdnum.luhn``). Written form accepted: compact (``750000010``, ``2A0001234``), as the FINESS
directory and invoices print it; not inside a longer token or run of digit groups.

A 9-digit number passes a Luhn check one time in ten, so in free text the number alone is weak
evidence: a Luhn-valid candidate scores 0.45, below the default ``--min-score``, and only a cue
("FINESS", "établissement", "clinique", "hôpital", ...) lifts it (0.75). The key of a Corsican
number cannot be checked (no published rule for the letters), so it scores 0.25 and needs a cue
(0.55). Under a column header naming FINESS a valid cell scores 1.0. A column of 9-digit numbers
with no header is classified by value, and SIREN (listed before FINESS) wins that tie.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
FINESS-shaped number whose key does not match is kept with ``Validation.INVALID`` and score 0.3
(below the default ``--min-score``).
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match
from sentinelle.finding import Validation
from sentinelle.identifiers import finess

# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?<![0-9][ .,\-\u00a0\u202f]\d)"
    r"(?:\d|(?<=2)[AaBb])\d{7}"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
#: characters around an anchor where a match and what its lookarounds read can lie (a match is
#: 9 characters, its lookarounds read 2 before and 2 after)
_MARGIN = 32


def corsica(runs):
    """Spans of ``2A``/``2B`` (either case) followed by a run of 7 digits or more."""
    import numpy as np

    s, e = runs.start, runs.end
    idx = ((e - s >= 7) & (s >= 2)).nonzero()[0]
    before = runs.code[np.maximum(s[idx] - 1, 0)]
    two = runs.code[np.maximum(s[idx] - 2, 0)]
    # "A", "B", "a" or "b" (``| 32`` lower-cases exactly those four to 97-98; the unsigned
    # difference wraps below 97)
    idx = idx[((before | 32) - 97 < 2) & (two == 50)]
    return s[idx] - 2, e[idx]


def _anchors(runs):
    """Every :data:`_PATTERN` match holds a run of exactly 9 digits (its lookarounds refuse a
    digit around the 9), or ``2A``/``2B`` and a run of 7 or more (issue 6,
    :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.concat(digit_runs.exact_runs(runs, 9), corsica(runs))


#: score of a Luhn-valid FINESS in free text: a cue is needed to report it
TEXT_SCORE = 0.45
#: score of a Corsican FINESS (key not checkable) in free text
UNCHECKED_SCORE = 0.25
#: score of a valid cell; the header boost of the pipeline makes it 1.0 under a FINESS header
CELL_SCORE = 0.8


def _match(start: int, end: int, raw: str, score: float) -> Match | None:
    compacted = finess.compact(raw)
    if not finess.is_valid(compacted):
        if finess.key_checked(compacted) and compacted[:2] != "00":
            return Match(start, end, INVALID_SCORE, Validation.INVALID, "finess", compacted)
        return None
    if not finess.key_checked(compacted):
        return Match(start, end, min(score, UNCHECKED_SCORE), Validation.NONE, "finess", compacted)
    return Match(start, end, score, Validation.VALID, "finess", compacted)


class FinessDetector(Detector):
    validation_rule = "Luhn over 9 characters (not checkable for 2A/2B), context in text"
    rule_source = "DREES, nomenclature FINESS"
    #: the 9 characters (folded: 2A/2B as 2a/2b)
    prefilter = r"(?:\d\d|2[ab])\d{7}"
    name = "fr.finess"
    entity = "FR_FINESS"
    context_words = (
        "finess", "n finess", "numero finess", "finess ej", "finess et", "etablissement",
        "etablissement de sante", "hopital", "clinique", "centre hospitalier", "chu", "chr",
        "ehpad", "laboratoire", "pharmacie", "centre de sante", "maternite",
        "health facility", "hospital",
    )
    header_pattern = (r"(^|_)(num_?|no_?|n_?|numero_?|code_?)?finess(_?ej|_?et|_?geo|_?juridique|"
                      r"_?etablissement)?(\d*)(_|$)")
    header_value_threshold = 0.2
    #: a column of 9-character numbers is FINESS without a header only when nearly all pass
    value_threshold = 0.9
    examples = Examples(
        positives=(
            ("Clinique des Lilas, FINESS 750000010", "750000010"),          # synthetic, Luhn key 0
            ("n° FINESS : 130001233.", "130001233"),                         # synthetic, Luhn key 3
            ("établissement FINESS 2A0001234 (Ajaccio)", "2A0001234"),       # Corsica: key not checked
        ),
        negatives=(
            "Commande 750000010 expédiée",      # Luhn-valid but no cue: 0.45, below min score
            "FINESS 750000011",                 # wrong Luhn key: 0.3 only
            "FINESS 7500000100",                # 10 digits
            "2A0001234",                        # Corsica without a cue: 0.25
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        # (issue 6) a number repeats (a lab's own number in every report): each distinct one is
        # checked once per call
        known: dict[str, Match | None] = {}

        def accept(m: re.Match[str]) -> Match | None:
            raw = m.group(0)
            if raw in known:
                first = known[raw]
            else:
                first = known[raw] = _match(0, 0, raw, TEXT_SCORE)
            if first is None:
                return None
            return Match(m.start(), m.end(), first.score, first.validation, first.pattern,
                         first.normalized)

        for _m, res in digit_runs.anchored(_PATTERN, text, accept, _anchors, _MARGIN):
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        # separators only under a FINESS header: "70503-2621" (a US ZIP+4) is not a FINESS
        compacted = finess.compact(stripped) if header_hit else stripped.upper()
        if len(compacted) != 9:
            return None
        m = _match(lead, lead + len(stripped), compacted, CELL_SCORE)
        if m is None:
            return None
        if m.validation is Validation.VALID or header_hit:
            return m
        return None  # without a header, an invalid or unchecked number is no evidence

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells of digits (and separators, under a
        header) padded with spaces are decided with a vectorised Luhn; other cells (Corsica
        2A/2B, text) go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, fast_or_fallback, luhn_ok, remove, result,
                                                   valid_or_invalid)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            body = pl.col(BODY)
            frame = frame.with_columns(c=remove(body, " .-") if header_hit else body)
            c = pl.col("c")
            shaped = (c.str.len_chars() == 9) & c.str.contains(r"^[0-9]+$") & (c.str.slice(0, 2) != "00")
            frame = frame.with_columns(valid=shaped & luhn_ok("c", 9), shaped=shaped)
            frame = frame.with_columns(hit=pl.col("valid") | (pl.col("shaped") & header_hit))
            return result(frame, pl.when(pl.col("valid")).then(CELL_SCORE).otherwise(INVALID_SCORE),
                          valid_or_invalid("valid"), pl.lit("finess"), "c", "hit")

        return fast_or_fallback(self, values, header_hit,
                                r"^(?P<lead> *)(?P<body>[0-9][0-9 .\-]*[0-9]) *$", compute)

    def normalize(self, value: str) -> str:
        return finess.compact(value)
