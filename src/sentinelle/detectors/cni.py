"""FR_CNI detector: French national identity card numbers, in a context that names the card.

Rule source: décret n° 55-1397 du 22 octobre 1955 instituant la carte nationale d'identité (and
décret n° 2021-279 for the card issued since 2021) for the document; the number's layout as
printed on the cards, via :mod:`sentinelle.identifiers.cni`: the 1995-2021 card has 12
characters (``YYMM`` of issue, 3-character issuing department and office, 5-digit order number:
``130775012345``), the 2021 card 9 letters and digits (``T7X3KP9Q2``). Neither prints a key.

The machine readable zone does carry one (ICAO Doc 9303 part 3 check digit, 7-3-1 weights, via
:mod:`sentinelle.identifiers.mrz`): a number read from an MRZ line whose check digit matches
(``IDFRA`` + 9 characters + digit on the 2021 card; 12 characters + digit + given names on the
1995-2021 card) scores 1.0 without any cue; a mismatch is kept at 0.3 with
``Validation.INVALID``.

Elsewhere the form alone is no evidence (a 12-digit number, a 9-character reference): a
candidate scores 0.25 and only a cue ("carte d'identité", "CNI", "pièce d'identité", "identity
card") lifts it (0.55); under a column header naming the card a cell scores 0.8. A column is
never classified as CNI from its values alone (``header_required``).

Error preference: a leak scanner prefers a false positive with a low score to a miss: every
number of the card's form next to a cue is reported.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match
from sentinelle.finding import Validation
from sentinelle.identifiers import cni, mrz

_OLD = r"\d{4}(?:\d{3}|2[AB]\d)\d{5}"
#: the matches of ``(?<![0-9A-Za-z<])(?:{_OLD}|[0-9A-Z]{9})(?![0-9A-Za-z<])``; (issue 6) its
#: first character comes before the lookbehind, so Python's ``re`` skips to it at C speed
_TEXT = re.compile(r"[\dA-Z](?<![0-9A-Za-z<][\dA-Z])"
                   r"(?:(?<=\d)\d{3}(?:\d{3}|2[AB]\d)\d{5}|(?<=[0-9A-Z])[0-9A-Z]{8})(?![0-9A-Za-z<])")
_MRZ_NEW = re.compile(r"IDFRA(?P<num>[0-9A-Z]{9})(?P<key>\d)")
# (issue 6) the first digit before the lookbehind, which includes it: ``re`` skips to digits
_MRZ_OLD = re.compile(r"(?P<num>\d(?<![0-9A-Za-z<]\d)\d{3}(?:\d{3}|2[AB]\d)\d{5})(?P<key>\d)(?=[A-Z]+<)")
#: score of a card-shaped number in free text: a cue is needed to report it
#: characters around an anchor where a :data:`_TEXT` match and what its lookarounds read can lie
#: (a match is 12 characters at most, its lookarounds read 1 before and 1 after)
_MARGIN = 32


def _anchors(runs):
    """Every *valid* :data:`_TEXT` match holds a run of 12 digits or more, or a run of digits
    next to an upper-case letter (a new-form number has both, somewhere side by side; the old
    form is 12 digits or has ``2A``/``2B``). Other matches (nine letters) are dropped, and no two
    matches overlap (the lookarounds refuse a start or an end inside a run of letters and
    digits), so the windows give the same valid matches (issue 6,
    :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.concat(digit_runs.long_runs(runs, 12), digit_runs.letter_adjacent(runs))


TEXT_SCORE = 0.25
#: score of a cell under a CNI header (the header boost makes it 0.8)
CELL_SCORE = 0.6


class CniDetector(Detector):
    validation_rule = "card number form; ICAO 9303 check digit in an MRZ; cue or header required"
    rule_source = "Décret n° 55-1397 (CNI); ICAO Doc 9303 (MRZ)"
    #: a valid number holds a letter next to a digit (the 2021 card has both, the 1995 card's
    #: 2A/2B department) or 12 digits in a row (every form, the MRZ ones included)
    prefilter = r"[a-z]\d|\d[a-z]|\d{12}"
    name = "fr.cni"
    entity = "FR_CNI"
    context_words = (
        "cni", "n cni", "numero cni", "carte d'identite", "carte nationale d'identite",
        "carte identite", "carte nationale identite", "piece d'identite", "numero de carte d'identite",
        "identity card", "id card", "national identity card", "national id card",
    )
    header_pattern = (r"(^|_)(num(ero)?_?|n_?|no_?)?(cni|carte_(nationale_)?d?_?identite|"
                      r"piece_d?_?identite|id_card|identity_card)(_?num(ero)?|_?no)?(\d*)(_|$)")
    header_required = True
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Carte d'identité n° 130775012345 délivrée le 20/07/2013", "130775012345"),
            ("CNI : T7X3KP9Q2", "T7X3KP9Q2"),
            ("IDFRAT7X3KP9Q26<<<<<<<<<<<<<<<", "T7X3KP9Q2"),      # TD1 MRZ, check digit 6
        ),
        negatives=(
            "Réf. 130775012345",                  # no cue: 0.25, below min score
            "CNI 131375012345",                   # month 13
            "CNI : NATIONALE",                    # nine letters: a word
            "IDFRAT7X3KP9Q25<<<<<<<<<<<<<<<",     # MRZ check digit does not match: 0.3
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        seen: list[tuple[int, int]] = []
        # the MRZ forms hold "IDFRA" or a "<" filler: skip their passes when the text has none
        for rx in (_MRZ_NEW if "IDFRA" in text else None, _MRZ_OLD if "<" in text else None):
            if rx is None:
                continue
            for m in rx.finditer(text):
                num = m.group("num")
                if not cni.is_valid(num):
                    continue
                ok = mrz.is_valid(num, m.group("key"))
                seen.append((m.start("num"), m.end("num")))
                yield Match(m.start("num"), m.end("num"), 1.0 if ok else INVALID_SCORE,
                            Validation.VALID if ok else Validation.INVALID, "mrz", num)
        for m, _res in digit_runs.anchored(_TEXT, text, None, _anchors, _MARGIN):
            if any(s < m.end() and m.start() < e for s, e in seen):
                continue
            if cni.is_valid(m.group(0)):
                yield Match(m.start(), m.end(), TEXT_SCORE, Validation.NONE, "cni", m.group(0))

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = cni.compact(stripped)
        if not cni.is_valid(compacted):
            return None
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.NONE, "cni", compacted)

    def normalize(self, value: str) -> str:
        return cni.compact(value)
