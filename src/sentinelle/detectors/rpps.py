"""FR_RPPS detector: RPPS numbers of health professionals (doctors, biologists, pharmacists...).

Rule source: Agence du Numérique en Santé, RPPS identifier: 11 digits starting with ``10``, the
last one a Luhn key over the 11 digits, via :mod:`sentinelle.identifiers.rpps` (``stdnum.luhn``).
Written form accepted: compact (``10001234565``), as the RPPS directory and prescriptions print it.

An 11-digit number passes a Luhn check one time in ten, so in free text the number alone is weak
evidence: a Luhn-valid candidate scores 0.45, below the default ``--min-score``, and only a cue
("RPPS", "médecin", "prescripteur", "biologiste", ...) lifts it (0.75). In a table, a column
header naming the RPPS makes a Luhn-valid cell a 1.0 finding.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so an
RPPS-shaped number whose key does not match is kept with ``Validation.INVALID`` and score 0.3
(below the default ``--min-score``), also under an RPPS header.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation
from sentinelle.identifiers import rpps

# (issue 6) the literal "1" comes before the lookbehind: Python's ``re`` then searches for it at C
# speed instead of trying every position (same matches)
_PATTERN = re.compile(r"1(?<![0-9A-Za-z]1)\d{10}(?![0-9A-Za-z])")
#: score of a Luhn-valid RPPS in free text: a cue is needed to report it
TEXT_SCORE = 0.45
#: score of a Luhn-valid cell; the header boost of the pipeline makes it 1.0 under an RPPS header
CELL_SCORE = 0.8


def _match(raw: str, start: int, score: float) -> Match:
    if rpps.is_valid(raw):
        return Match(start, start + len(raw), score, Validation.VALID, "rpps", raw)
    return Match(start, start + len(raw), INVALID_SCORE, Validation.INVALID, "rpps", raw)


class RppsDetector(Detector):
    validation_rule = "Luhn over 11 digits, context in text"
    rule_source = "ANS, RPPS identifier (annuaire santé)"
    prefilter = r"1\d{10}"
    name = "fr.rpps"
    entity = "FR_RPPS"
    context_words = (
        "rpps", "n rpps", "no rpps", "numero rpps", "identifiant rpps", "id rpps", "idnat",
        "medecin", "medecins", "prescripteur", "prescriptrice", "biologiste", "praticien",
        "praticienne", "pharmacien", "pharmacienne", "docteur", "professionnel de sante",
        "physician", "prescriber", "practitioner",
    )
    header_pattern = r"(^|_)(num_?|no_?|n_?|id_?|identifiant_?|code_?)?rpps(_?id|_?num)?(\d*)(_|$)"
    header_value_threshold = 0.2
    #: a column of 11-digit numbers is RPPS without a header only when nearly all pass Luhn
    value_threshold = 0.9
    examples = Examples(
        positives=(
            ("Prescripteur : Dr Caradec, RPPS 10001234565", "10001234565"),
            ("médecin biologiste n° 10987654323.", "10987654323"),
            ("identifiant RPPS: 10012345673", "10012345673"),
        ),
        negatives=(
            "Commande 10001234565 expédiée",   # Luhn-valid but no cue: 0.45, below min score
            "RPPS 10001234566",                 # wrong Luhn key: kept at 0.3 only
            "RPPS 20001234565",                 # RPPS numbers start with 1
            "RPPS 100012345650",                # 12 digits
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        # (issue 6) a number repeats (a prescriber in every report of a lab): each distinct one is
        # checked once per call
        known: dict[str, Match | None] = {}

        def accept(m: re.Match[str]) -> Match:
            raw = m.group(0)
            first = known.get(raw)
            if first is None:
                first = known[raw] = _match(raw, 0, TEXT_SCORE)
            return Match(m.start(), m.end(), first.score, first.validation, first.pattern,
                         first.normalized)

        for _m, res in finditer_resuming(_PATTERN, text, accept):
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = rpps.compact(stripped)
        if len(compacted) != 11 or not compacted.isdigit() or not compacted.isascii():
            return None
        if compacted[0] != "1":
            return None
        m = _match(compacted, lead, CELL_SCORE)
        if m.validation is Validation.VALID or header_hit:
            # keep offsets on the written value
            return Match(lead, lead + len(stripped), m.score, m.validation, "rpps", compacted)
        return None  # without a header, an invalid 11-digit number is no evidence

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells of digits and separators padded with
        spaces are decided with a vectorised Luhn; other cells go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, fast_or_fallback, luhn_ok, remove, result,
                                                   valid_or_invalid)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.with_columns(c=remove(pl.col(BODY), " .-"))
            shaped = (pl.col("c").str.len_chars() == 11) & pl.col("c").str.starts_with("1")
            frame = frame.with_columns(valid=shaped & luhn_ok("c", 11), shaped=shaped)
            frame = frame.with_columns(hit=pl.col("valid") | (pl.col("shaped") & header_hit))
            return result(frame, pl.when(pl.col("valid")).then(CELL_SCORE).otherwise(INVALID_SCORE),
                          valid_or_invalid("valid"), pl.lit("rpps"), "c", "hit")

        return fast_or_fallback(self, values, header_hit,
                                r"^(?P<lead> *)(?P<body>[0-9][0-9 .\-]*[0-9]) *$", compute)

    def normalize(self, value: str) -> str:
        return rpps.compact(value)
