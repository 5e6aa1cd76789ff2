"""FR_SIREN detector: French company numbers (SIREN, 9 digits).

Rule source: INSEE répertoire SIRENE: 9 digits, Luhn key over the 9 digits, via
:mod:`sentinelle.identifiers.siren` (python-stdnum ``stdnum.fr.siren``). Written forms accepted in
text: compact (``404833048``) and in groups of three separated by one space, no-break space or
dot (``404 833 048``, ``404.833.048``). A candidate inside a longer token or a longer run of digit
groups (``1 404 833 048``, an amount) is not a SIREN; a SIRET's first 9 digits are not a SIREN
of their own (the SIRET detector reports the whole number).
Any other grouping of the 9 digits (``217601 145``, ``3 1 0 1 8 8 4 2 0``: python-stdnum's test
list) is taken only right after the word "SIREN", and only when its key is valid.

A 9-digit number passes a Luhn check one time in ten, so in free text the number alone is weak
evidence: a Luhn-valid candidate scores 0.45, below the default ``--min-score``, and only a cue
("SIREN", "RCS", "société", ...) lifts it (0.75). Under a column header naming the SIREN a
Luhn-valid cell scores 1.0; a column of 9-digit numbers is SIREN without a header only when
nearly all of them pass Luhn (then a FINESS column with no header is reported as SIREN: both are
organisation identifiers of the same form).

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
SIREN-shaped number whose key does not match is kept with ``Validation.INVALID`` and score 0.3
(below the default ``--min-score``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match, fold_keep_length
from sentinelle.finding import Validation
from sentinelle.identifiers import siren

# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?<![0-9][ .,\-\u00a0\u202f]\d)"      # not inside a token or a digit run
    r"(?:\d{8}|\d{2}(?P<s>[ .\u00a0\u202f])\d{3}(?P=s)\d{3})"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
#: any other grouping of the 9 digits ("217601 145", "3 1 0 1 8 8 4 2 0": python-stdnum's test
#: lists): taken only when "SIREN" is written right before it (``_NAMED_BEFORE``)
_LOOSE = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?<![0-9][ .,\-\u00a0\u202f]\d)"
    r"(?:[ .\u00a0\u202f]?\d){8}"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
#: the identifier's own name at the end of the 24 characters before a loosely grouped candidate
_NAMED_BEFORE = re.compile(r"(?<![a-z])siren\b[^0-9a-z]*(?:(?:n|no|num|numero)\b[^0-9a-z]*)?$")
#: the separators of the grouped form
_SEPS = " .\u00a0\u202f"
#: characters around an anchor where a match and what its lookarounds read can lie (a match is
#: 11 characters at most, its lookarounds read 2 before and 2 after)
_MARGIN = 32


def _anchors(runs):
    """Every :data:`_PATTERN` match holds a run of exactly 9 digits (its lookarounds refuse a
    digit around the 9), or three runs of 3 or more separated by one of :data:`_SEPS` (issue 6,
    :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.concat(digit_runs.exact_runs(runs, 9), digit_runs.groups(runs, (3, 3, 3), _SEPS))


#: score of a Luhn-valid SIREN in free text: a cue is needed to report it
TEXT_SCORE = 0.45
#: score of a Luhn-valid cell; the header boost of the pipeline makes it 1.0 under a SIREN header
CELL_SCORE = 0.8


def _match(start: int, end: int, compacted: str, score: float) -> Match:
    if siren.is_valid(compacted):
        return Match(start, end, score, Validation.VALID, "siren", compacted)
    return Match(start, end, INVALID_SCORE, Validation.INVALID, "siren", compacted)


#: the identifier's name, searched in :func:`fold_keep_length` of the text ("SIREN", "Siren",
#: "SIRÈN")
_NAME = "siren"
#: the longest :data:`_LOOSE` candidate and the two characters its lookaheads read after it
_LOOSE_REACH = 9 + 8 + 2


def loose(text: str, spans: list[tuple[int, int]], is_valid, pattern: str, *, name: str,
          loose_re: re.Pattern[str], named_before: re.Pattern[str], reach: int,
          score: float) -> Iterator[Match]:
    """Valid candidates of ``loose_re`` that overlap no regular candidate (``spans``, in text
    order) and follow the identifier's name (``named_before`` in the 24 folded characters before
    them): an unusual grouping needs the name as evidence (invalid ones dropped). ``name`` is
    the folded name, found with ``str.find`` in :func:`fold_keep_length` of the text (same
    offsets; memoised for a long text, which the pipeline has folded already): any character
    that folds to its letters ("SIREN", "Siren", "SIRÈN").

    Speed (issue 6), same matches as one ``loose_re.finditer`` over the whole text: a candidate
    starts 0-24 characters after an occurrence of ``name``, so ``loose_re`` runs only from there, up to
    ``reach`` characters past the last such start (a candidate, digits and separators only,
    never runs across the name's letters); overlaps are found by bisection."""
    n = len(text)
    windows: list[list[int]] = []
    folded = fold_keep_length(text)
    q = folded.find(name)
    while q >= 0:
        lo, hi = q + len(name), q + 24
        if windows and lo <= windows[-1][1] + reach:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
        q = folded.find(name, lo)
    ends = [e for _s, e in spans]
    for lo, hi in windows:
        for m in loose_re.finditer(text, lo, min(n, hi + reach)):
            start, end = m.start(), m.end()
            if start > hi:
                break
            i = bisect_right(ends, start)
            if i < len(spans) and spans[i][0] < end:
                continue
            if not named_before.search(fold_keep_length(text[max(0, start - 24):start])):
                continue
            compacted = re.sub(r"[ .\u00a0\u202f]", "", m.group(0))
            if is_valid(compacted):
                yield Match(start, end, score, Validation.VALID, pattern, compacted)


def _loose(text: str, spans: list[tuple[int, int]], is_valid, pattern: str) -> Iterator[Match]:
    """:func:`loose` for the SIREN."""
    if "iren" not in text and "IREN" not in text:  # cheap gate: "SIREN", "Siren"...
        return
    yield from loose(text, spans, is_valid, pattern, name=_NAME, loose_re=_LOOSE,
                     named_before=_NAMED_BEFORE, reach=_LOOSE_REACH, score=TEXT_SCORE)


class SirenDetector(Detector):
    validation_rule = "Luhn over 9 digits (python-stdnum), context in text"
    rule_source = "INSEE, répertoire SIRENE"
    #: the regular forms, or the name that a loosely grouped number needs
    prefilter = r"\d{3}[ .\u00a0\u202f]?\d{3}[ .\u00a0\u202f]?\d{3}|siren"
    name = "fr.siren"
    entity = "FR_SIREN"
    context_words = (
        "siren", "n siren", "numero siren", "siret", "rcs", "registre du commerce", "societe",
        "entreprise", "raison sociale", "immatriculee", "immatriculation", "sas", "sarl",
        "eurl", "tva intracommunautaire", "company", "company number", "registration number",
    )
    header_pattern = r"(^|_)(num_?|no_?|n_?|numero_?|code_?)?siren(_?num|_?entreprise)?(\d*)(_|$)"
    header_value_threshold = 0.2
    #: a column of 9-digit numbers is SIREN without a header only when nearly all pass Luhn
    value_threshold = 0.9
    examples = Examples(
        positives=(
            ("Société Exemple SAS, SIREN 404 833 048, RCS Paris", "404 833 048"),    # stdnum docstring
            ("siren: 732829320.", "732829320"),                                      # stdnum siret docstring
            ("immatriculée sous le numéro 775 699 309", "775 699 309"),             # stdnum bulk list
        ),
        negatives=(
            "Commande 404833048 expédiée",      # Luhn-valid but no cue: 0.45, below min score
            "SIREN 404833047",                  # wrong Luhn key (stdnum docstring): 0.3 only
            "SIREN 1 404 833 048",              # inside a longer run of digit groups (an amount)
            "SIREN 4048330480",                 # 10 digits
            "SIRET 73282932000074",             # a SIRET is not a SIREN
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        # (issue 6) a number repeats (a lab's own number in every report): each distinct one is
        # checked once per call
        known: dict[str, Match | None] = {}

        def accept(m: re.Match[str]) -> Match:
            raw = m.group(0)
            first = known.get(raw)
            if first is None:
                first = known[raw] = _match(0, 0, siren.compact(raw.replace("\u00a0", "")
                                                                .replace("\u202f", "")), TEXT_SCORE)
            return Match(m.start(), m.end(), first.score, first.validation, first.pattern,
                         first.normalized)

        spans = []
        for m, res in digit_runs.anchored(_PATTERN, text, accept, _anchors, _MARGIN):
            spans.append((m.start(), m.end()))
            yield res
        yield from _loose(text, spans, siren.is_valid, "siren_spaced")

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = self.normalize(stripped)
        if len(compacted) != 9 or not compacted.isdigit() or not compacted.isascii():
            return None
        m = _match(lead, lead + len(stripped), compacted, CELL_SCORE)
        if m.validation is Validation.VALID or header_hit:
            return m
        return None  # without a header, an invalid 9-digit number is no evidence

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells of digits and separators padded with
        spaces are decided with a vectorised Luhn; other cells go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, fast_or_fallback, luhn_ok, remove, result,
                                                   valid_or_invalid)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.with_columns(c=remove(pl.col(BODY), " .\u00a0\u202f"))
            shaped = pl.col("c").str.len_chars() == 9
            frame = frame.with_columns(valid=shaped & luhn_ok("c", 9), shaped=shaped)
            frame = frame.with_columns(hit=pl.col("valid") | (pl.col("shaped") & header_hit))
            return result(frame, pl.when(pl.col("valid")).then(CELL_SCORE).otherwise(INVALID_SCORE),
                          valid_or_invalid("valid"), pl.lit("siren"), "c", "hit")

        return fast_or_fallback(self, values, header_hit,
                                r"^(?P<lead> *)(?P<body>[0-9][0-9 .\x{a0}\x{202f}]*[0-9]) *$", compute)

    def normalize(self, value: str) -> str:
        return siren.compact(value.replace("\u00a0", "").replace("\u202f", ""))
