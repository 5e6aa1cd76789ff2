"""FR_BIC detector: bank identifier codes (BIC / SWIFT code) in a bank context.

Rule source: ISO 9362 (4 letters institution, 2 letters ISO 3166-1 country, 2 letters or digits
location, optional 3-character branch), via :mod:`sentinelle.identifiers.bic` (python-stdnum
``stdnum.bic``). Written forms accepted: compact upper case (``AGRIFRPP882``) and grouped with
single spaces (``AGRI FR PP 882``); a whole token.

A BIC has no check digit, and a third of the 8-letter upper-case words of a text (``AGRICOLE``,
``HOPITAUX``) have a known country code in fifth and sixth position: the form alone is no
evidence. A candidate right after a "BIC" or "SWIFT" label (``BIC : X``, ``code SWIFT X``,
``BIC/SWIFT: X``: only punctuation between) scores 0.25 and the label lifts it to 0.55; any other
candidate scores 0.15 and stays below the default ``--min-score`` even with a cue nearby (the
bank's name after a BIC, ``BIC AGRIFRPP882 CREDIT AGRICOLE``, is not a second BIC). Under a
column header naming the BIC a cell scores 1.0. A column is never classified as BIC from its
values alone (``header_required``).

Error preference: a leak scanner prefers a false positive with a low score to a miss; here the
low score is the rule for every candidate without a cue, and an 8- or 11-character code with an
unknown country is not reported at all (it is a word, not a mistyped BIC).

Speed (issue 6): on a text of :data:`SOM_MIN_CHARS` or more the regex is tried only at the
starts one hyperscan pass gives (:data:`_START_PATTERNS`); same matches
(``tests/detectors/test_bic.py``).
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming, fold_keep_length
from sentinelle.detectors.lexicon import (finditer_resuming_at, latin1_class, som_database,
                                          som_starts)
from sentinelle.finding import Validation
from sentinelle.identifiers import bic

# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"[A-Z](?<![0-9A-Za-z][A-Z])"
    r"(?:[A-Z]{5}[0-9A-Z]{2}(?:[0-9A-Z]{3})?|[A-Z]{3} [A-Z]{2} [0-9A-Z]{2}(?: [0-9A-Z]{3})?)"
    r"(?![0-9A-Za-z])"
)
#: on a text of this many characters or more, :data:`_PATTERN` is tried only at the starts
#: :data:`_START_PATTERNS` gives (issue 6: one hyperscan pass instead of the regex entering its
#: lookbehind at every capital letter, 130 ms on 3 MB of lab reports written in capitals)
SOM_MIN_CHARS = 2048
#: hyperscan byte patterns (:func:`~sentinelle.detectors.lexicon.som_starts`: the character
#: before the code, then the fixed-length start of each form) whose starts hold every start of a
#: :data:`_PATTERN` match
_START_PATTERNS = tuple(latin1_class(r"[0-9A-Za-z]") + p for p in (
    b"[A-Z]{6}[0-9A-Z]{2}", b"[A-Z]{4} [A-Z]{2} [0-9A-Z]{2}"))
#: a "BIC"/"SWIFT" label ending right before the candidate (folded text)
_LABEL_BEFORE = re.compile(r"(?:bic|swift)(?:[ /\-]?(?:swift|bic|code))?[^0-9a-z\n]{0,6}$")
#: score of a BIC-shaped code right after a label (the label's context boost makes it 0.55)
TEXT_SCORE = 0.25
#: score of any other BIC-shaped code: not reported, even with a cue in the window
UNLABELLED_SCORE = 0.15
#: score of a cell under a BIC header (the header boost makes it 1.0)
CELL_SCORE = 0.8


class BicDetector(Detector):
    validation_rule = "ISO 9362 form and country code (python-stdnum), cue or header required"
    rule_source = "ISO 9362"
    prefilter = r"[a-z]{4} ?[a-z]{2}"
    name = "bic"
    entity = "FR_BIC"
    context_words = (
        "bic", "swift", "code bic", "code swift", "bic/swift", "swift/bic", "bic swift",
        "bank identifier code", "swift code",
    )
    header_pattern = r"(^|_)(code_?)?(bic|swift|bic_?swift|swift_?bic|bic_?code|swift_?code)(\d*)(_|$)"
    header_required = True
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("IBAN FR76 3000 4012 3400 0987 6543 272 BIC AGRIFRPP882", "AGRIFRPP882"),  # stdnum docstring
            ("Code SWIFT : ABNA BE 2A.", "ABNA BE 2A"),                                 # stdnum docstring
            ("BIC/SWIFT: AGRIFRPP", "AGRIFRPP"),                                        # stdnum docstring
        ),
        negatives=(
            "CREDIT AGRICOLE MUTUEL",    # upper-case words with a country code: no bank cue
            "BIC : voir le RIB joint. CREDIT AGRICOLE",  # only a code right after the label counts
            "BIC AGRIFRPP8",             # 9 characters (stdnum docstring)
            "BIC AGRIF2PP",              # digit in the country code (stdnum docstring)
            "BIC MULTIPLE",              # unknown country "IP" (stdnum tests)
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        som_database(_START_PATTERNS)  # loaded (or compiled) with the detector, not on its first text

    def find(self, text: str) -> Iterator[Match]:
        # upper-case words repeat (names, headers): each distinct candidate is checked once per
        # call (issue 6; python-stdnum's ``clean`` is per character)
        known: dict[str, str | None] = {}

        def accept(m: re.Match[str]) -> Match | None:
            raw = m.group(0)
            if raw in known:
                compacted = known[raw]
            else:
                compacted = bic.compact(raw)
                compacted = known[raw] = compacted if bic.is_valid(compacted) else None
            if compacted is None:
                return None
            before = fold_keep_length(text[max(0, m.start() - 24):m.start()])
            score = TEXT_SCORE if _LABEL_BEFORE.search(before) else UNLABELLED_SCORE
            return Match(m.start(), m.end(), score, Validation.VALID, "bic", compacted)

        starts = som_starts(_START_PATTERNS, text) if len(text) >= SOM_MIN_CHARS else None
        hits = finditer_resuming(_PATTERN, text, accept) if starts is None \
            else finditer_resuming_at(_PATTERN, text, starts, accept)
        for _m, res in hits:
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = bic.compact(stripped)
        if not bic.is_valid(compacted):
            return None
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.VALID, "bic", compacted)

    def normalize(self, value: str) -> str:
        return bic.compact(value)
