"""FR_ADELI detector: ADELI numbers of health professionals (9 characters).

Rule source: répertoire ADELI (Ministère de la santé; ANS, identification of health
professionals): 2-character department, 1-digit profession category, 5-digit order number and a
key digit, via :mod:`sentinelle.identifiers.adeli`. **The key's algorithm is not published**, so
it is not checked: any 9-digit number (or ``2A``/``2B`` + 7 digits) has the form. Written forms
accepted: compact (``751234560``) and grouped department-category-order-key
(``75 1 23456 0``).

With no checksum the form alone is no evidence: a candidate scores 0.25 in free text and only an
ADELI cue ("ADELI", a profession registered in ADELI: "infirmière", "kinésithérapeute",
"orthophoniste", "psychologue", ...) lifts it (0.55); under a column header naming ADELI a cell
scores 0.8 (no 1.0 without a key). A column is never classified as ADELI from its values alone
(``header_required``).

Error preference: a leak scanner prefers a false positive with a low score to a miss: every
9-digit number near a cue is reported, also when it is in fact another number.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import Detector, Examples, Match
from sentinelle.detectors.finess import corsica
from sentinelle.finding import Validation
from sentinelle.identifiers import adeli

# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?<![0-9][ .,\-\u00a0\u202f]\d)"
    r"(?:(?:\d|(?<=2)[AaBb])\d{7}|(?:\d|(?<=2)[AaBb]) \d \d{5} \d)"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
#: characters around an anchor where a match and what its lookarounds read can lie (a match is
#: 12 characters at most, its lookarounds read 2 before and 2 after)
_MARGIN = 32


def _anchors(runs):
    """Every :data:`_PATTERN` match holds a run of exactly 9 digits (its lookarounds refuse a
    digit around the 9), ``2A``/``2B`` and a run of 7 or more, or runs of 1, 5 and 1 digits or
    more separated by one space (issue 6, :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.concat(digit_runs.exact_runs(runs, 9), corsica(runs),
                             digit_runs.groups(runs, (1, 5, 1), " "))


#: score of an ADELI-shaped number in free text (no key): a cue is needed to report it
TEXT_SCORE = 0.25
#: score of a cell; the header boost makes it 0.8 under an ADELI header
CELL_SCORE = 0.6


class AdeliDetector(Detector):
    validation_rule = "form only (key algorithm not published), context or header required"
    rule_source = "Ministère de la santé, répertoire ADELI"
    #: the 9 characters, compact or grouped (folded: 2A/2B as 2a/2b)
    prefilter = r"(?:\d\d|2[ab])(?:\d{7}| \d \d{5} \d)"
    name = "fr.adeli"
    entity = "FR_ADELI"
    context_words = (
        "adeli", "n adeli", "numero adeli", "no adeli",
        "infirmier", "infirmiere", "infirmiers", "infirmieres", "ide", "idel",
        "kinesitherapeute", "masseur-kinesitherapeute", "kine", "orthophoniste", "orthoptiste",
        "psychologue", "psychotherapeute", "pedicure-podologue", "podologue", "ergotherapeute",
        "psychomotricien", "psychomotricienne", "dieteticien", "dieteticienne",
        "audioprothesiste", "opticien", "opticienne", "osteopathe", "chiropracteur",
        "manipulateur", "manipulatrice", "nurse", "physiotherapist", "psychologist",
    )
    header_pattern = r"(^|_)(num_?|no_?|n_?|numero_?|code_?|id_?)?adeli(_?num|_?ps)?(\d*)(_|$)"
    header_required = True
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Infirmière libérale, n° ADELI 751234560", "751234560"),
            ("kinésithérapeute (ADELI : 69 1 04567 3)", "69 1 04567 3"),
            ("Mme Roux, orthophoniste, 2A4000125", "2A4000125"),
        ),
        negatives=(
            "Commande 751234560 expédiée",      # no cue: 0.25, below min score
            "ADELI 7512345601",                 # 10 digits
            "ADELI 00 1 23456 7",               # department 00
            "ADELI 1 751234560",                # inside a longer run of digit groups
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        # (issue 6) a number repeats: each distinct one is checked once per call
        known: dict[str, str | None] = {}

        def accept(m: re.Match[str]) -> Match | None:
            raw = m.group(0)
            if raw in known:
                compacted = known[raw]
            else:
                compacted = adeli.compact(raw)
                compacted = known[raw] = compacted if adeli.is_valid(compacted) else None
            if compacted is None:
                return None
            return Match(m.start(), m.end(), TEXT_SCORE, Validation.NONE, "adeli", compacted)

        for _m, res in digit_runs.anchored(_PATTERN, text, accept, _anchors, _MARGIN):
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None  # the form alone is no evidence
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = adeli.compact(stripped)
        if not adeli.is_valid(compacted):
            return None
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.NONE, "adeli", compacted)

    def normalize(self, value: str) -> str:
        return adeli.compact(value)
