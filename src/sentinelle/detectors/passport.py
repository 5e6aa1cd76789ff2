"""FR_PASSPORT detector: French passport numbers, in a context that names the passport.

Rule source: the number's layout as printed on French passports (2 digits, 2 letters, 5 digits:
``09AA12345``), via :mod:`sentinelle.identifiers.passport`; no key is printed. The machine
readable zone (ICAO Doc 9303 part 4, TD3) follows the number with a check digit (7-3-1 weights,
:mod:`sentinelle.identifiers.mrz`): a number read from a French passport's MRZ line 2 (number,
check digit, ``FRA``, birth date) whose check digit matches scores 1.0 without a cue; a mismatch
is kept at 0.3 with ``Validation.INVALID``.

Elsewhere the form alone is weak evidence: a candidate scores 0.3 and only a cue ("passeport",
"passport no", "titre de voyage") lifts it (0.6); under a column header naming the passport a
cell scores 0.8. A column is never classified as passports from its values alone
(``header_required``).

Error preference: a leak scanner prefers a false positive with a low score to a miss: every
number of the passport's form next to a cue is reported.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match
from sentinelle.finding import Validation
from sentinelle.identifiers import mrz, passport

# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_TEXT = re.compile(r"\d(?<![0-9A-Za-z<]\d)\d[A-Z]{2}\d{5}(?![0-9A-Za-z<])")
_MRZ = re.compile(r"(?<![0-9A-Za-z<])(?P<num>\d\d[A-Z]{2}\d{5})(?P<key>\d)FRA\d{7}[MF<]")
#: characters around an anchor where a :data:`_TEXT` match and what its lookarounds read can lie
#: (a match is 9 characters, its lookarounds read 2 before and 1 after)
_MARGIN = 32
#: every :data:`_TEXT` match holds a run of digits followed by an upper-case letter (issue 6,
#: :mod:`sentinelle.detectors.digit_runs`)
_anchors = digit_runs.letter_adjacent
#: score of a passport-shaped number in free text: a cue is needed to report it
TEXT_SCORE = 0.3


def _mrz_matches(text: str) -> Iterator[re.Match[str]]:
    """``_MRZ.finditer(text)``, faster (issue 6): an MRZ match holds "FRA" 10 characters after its
    start, so it is tried only there (matches cannot overlap: the lookbehind refuses a start right
    after a letter, digit or "<")."""
    p = text.find("FRA", 10)
    while p >= 0:
        m = _MRZ.match(text, p - 10)
        if m is not None:
            yield m
        p = text.find("FRA", p + 1)

#: score of a cell under a passport header (the header boost makes it 0.8)
CELL_SCORE = 0.6


class PassportDetector(Detector):
    validation_rule = "passport number form; ICAO 9303 check digit in an MRZ; cue or header required"
    rule_source = "French passport layout; ICAO Doc 9303 (MRZ)"
    prefilter = r"\d\d[a-z]{2}\d{5}"
    name = "fr.passport"
    entity = "FR_PASSPORT"
    context_words = (
        "passeport", "passeports", "n passeport", "numero de passeport", "passport",
        "passport no", "passport number", "titre de voyage", "travel document",
    )
    header_pattern = (r"(^|_)(num(ero)?_?|n_?|no_?)?(de_)?(passeport|passport)(_?num(ero|ber)?|_?no)?"
                      r"(\d*)(_|$)")
    header_required = True
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Passeport n° 09AA12345, expire en 2031", "09AA12345"),
            ("passport no: 18FD40271.", "18FD40271"),
            ("09AA123450FRA8501019F3101012<<<<<<<<<<<<<<02", "09AA12345"),   # TD3 MRZ, check digit 0
        ),
        negatives=(
            "Réf. 09AA12345",                     # no cue: 0.3, below min score
            "passeport 9AA12345",                 # 1 digit
            "passeport 09A123456",                # 1 letter
            "09AA123451FRA8501019F3101012<<<<<<<<<<<<<<02",   # MRZ check digit does not match
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        seen: list[tuple[int, int]] = []
        for m in _mrz_matches(text):
            num = m.group("num")
            ok = mrz.is_valid(num, m.group("key"))
            seen.append((m.start("num"), m.end("num")))
            yield Match(m.start("num"), m.end("num"), 1.0 if ok else INVALID_SCORE,
                        Validation.VALID if ok else Validation.INVALID, "mrz", num)
        for m, _res in digit_runs.anchored(_TEXT, text, None, _anchors, _MARGIN):
            if any(s < m.end() and m.start() < e for s, e in seen):
                continue
            yield Match(m.start(), m.end(), TEXT_SCORE, Validation.NONE, "passport", m.group(0))

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = passport.compact(stripped)
        if not passport.is_valid(compacted):
            return None
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.NONE, "passport", compacted)

    def normalize(self, value: str) -> str:
        return passport.compact(value)
