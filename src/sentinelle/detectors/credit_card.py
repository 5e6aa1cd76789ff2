"""CREDIT_CARD detector: payment card numbers (PAN).

Rule source: ISO/IEC 7812-1 (12-19 digits, Luhn key) and the networks' IIN ranges and lengths,
via :mod:`sentinelle.identifiers.credit_card` (``stdnum.luhn``). Written forms accepted in text:

* grouped as printed on cards, one separator (space, no-break space or dash) used throughout:
  ``4970 1012 3456 7893`` (4-4-4-4, and 4-4-4-4-3 for 19 digits), ``3782 822463 10005``
  (American Express 4-6-5), ``3056 930902 5904`` (Diners 4-6-4);
* compact, 12 to 19 digits: ``4970101234567893``.

A candidate must be a whole token and not part of a longer run of digit groups: the groups of an
IBAN (``FR76 3000 4012 3400 0987 6543 272``) or a long reference are not read as a card; a phone
number (groups of two) never has the form. A 19-digit grouped candidate that fails is retried as
its first 16 digits (a CVV or a short number written after the card).

Scores: a grouped number that passes Luhn and fits a network's IIN range and length scores 0.8
(1.0 with a cue: "carte bancaire", "CB", "card number", "visa", "cryptogramme"...). A compact
valid number scores 0.45, below the default ``--min-score`` (one 16-digit number in twenty
passes both checks by chance; 14-digit SIRETs and 15-digit IMEIs are Luhn numbers too): a cue
lifts it (0.75). Under a column header naming the card a valid cell scores 1.0, and a column
whose values mostly pass is classified as cards without a header.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
grouped card-shaped number in a network's range whose key does not match is kept with
``Validation.INVALID`` and score 0.3 (below the default ``--min-score``).
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match
from sentinelle.finding import Validation
from sentinelle.identifiers import credit_card

_S = r"[ \-\u00a0\u202f]"
# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"\d(?<![0-9A-Za-z\u00b9\u00b2\u00b3\u00bc-\u00be]\d)"   # not inside a token or a digit run,
    r"(?<![0-9][ .,\-\u00a0\u202f]\d)"   # nor glued to a superscript digit or a fraction (¹²³¼½¾)
    r"(?:"   # the groups hold the candidate but its first digit (only their presence is read)
    rf"(?P<g16>\d{{3}}(?P<s>{_S})\d{{4}}(?P=s)\d{{4}}(?P=s)\d{{4}}(?:(?P=s)\d{{3}})?)"
    rf"|(?P<g46>\d{{3}}(?P<t>{_S})\d{{6}}(?P=t)\d{{4,5}})"
    r"|(?P<compact>\d{11,18})"
    r")"
    r"(?![0-9A-Za-z\u00b9\u00b2\u00b3\u00bc-\u00be])(?![.,/]\d)"
)
# a following group of 4+ digits means a longer run (an IBAN, a reference): not a card
_MORE_GROUPS = re.compile(r"[ \-\u00a0\u202f]\d{4}")
_STRIP = str.maketrans("", "", " -\u00a0\u202f")
#: characters around an anchor where a match and what its lookarounds read can lie (a match is
#: 23 characters at most, its lookarounds read 2 before and 2 after)
_MARGIN = 48


def _anchors(runs):
    """Every :data:`_PATTERN` match holds a run of 12 digits or more, or three runs of 4 or
    more separated by one separator (issue 6, :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.concat(digit_runs.long_runs(runs, 12),
                             digit_runs.groups(runs, (4, 4, 4), " -\u00a0\u202f"))


GROUPED_SCORE = 0.8
COMPACT_SCORE = 0.45
#: score of a valid cell; the header boost makes it 1.0 under a card header
CELL_SCORE = 0.8


def _judge(start: int, end: int, raw: str, grouped: bool) -> Match | None:
    digits = raw.translate(_STRIP)
    if credit_card.is_valid(digits):
        score = GROUPED_SCORE if grouped else COMPACT_SCORE
        return Match(start, end, score, Validation.VALID, "grouped" if grouped else "compact", digits)
    if grouped and credit_card.network(digits) is not None:
        return Match(start, end, INVALID_SCORE, Validation.INVALID, "grouped", digits)
    return None


def _accept(text: str, m: re.Match[str]) -> Match | None:
    start, end = m.start(), m.end()
    if m.group("compact") is not None:
        return _judge(start, end, m.group(0), False)
    if _MORE_GROUPS.match(text, end):
        return None
    raw = m.group(0)
    found = _judge(start, end, raw, True)
    if (found is None or found.validation is Validation.INVALID) and m.group("g16") and len(raw) > 19:
        # 4-4-4-4-3 that fails: the 16 digits and a trailing group (a CVV)
        shorter = _judge(start, start + 19, raw[:19], True)
        if shorter is not None and shorter.validation is Validation.VALID:
            return shorter
    return found


class CreditCardDetector(Detector):
    validation_rule = "Luhn and network IIN range/length, grouped form or context"
    rule_source = "ISO/IEC 7812-1; card networks' IIN ranges"
    #: the grouped forms' first three groups, or a compact run: 16 digits or more, or a whole
    #: run of 12 to 14, or of 15 in a 15-digit network's range (34/37, 30-39, 50-69, 1800,
    #: 2131; not a compact 15-digit NIR starting with 1 or 2: session 8, speed). Folding turns
    #: ¹²³¼½¾ into digits: ``_PATTERN`` refuses a run glued to them, so a whole run here is one.
    #: ASCII digits, or any non-ASCII digit (``digit_runs.OTHER_DIGIT``: a hyperscan-friendly
    #: form, 7 times cheaper, session 9)
    prefilter = (r"[0-9]{4}[ \-\u00a0\u202f][0-9]{4}[ \-\u00a0\u202f][0-9]{4}"
                 r"|[0-9]{4}[ \-\u00a0\u202f][0-9]{6}[ \-\u00a0\u202f][0-9]{4}|[0-9]{16}"
                 r"|(?:^|[^0-9])(?:[0-9]{12,14}|[3-6][0-9]{14}|1800[0-9]{11}|2131[0-9]{11})(?:[^0-9]|$)|"
                 + digit_runs.OTHER_DIGIT)
    name = "credit_card"
    entity = "CREDIT_CARD"
    context_words = (
        "carte", "carte bancaire", "carte de credit", "carte de paiement", "carte bleue", "cb",
        "numero de carte", "n carte", "no carte", "carte n", "paiement", "payment", "card",
        "card number", "card no", "credit card", "debit card", "visa", "mastercard", "master card",
        "maestro", "amex", "american express", "cvv", "cvc", "cryptogramme", "expiration",
        "date d'expiration", "expiry", "pan", "cc", "billing", "billed", "facturation",
    )
    header_pattern = (r"(^|_)(cc_?num(ber)?|cc|ccnumber|card_?num(ber)?|card_?no|credit_?card"
                      r"(_?num(ber)?)?|carte_?bancaire|carte_?de_?credit|num(ero)?_?carte"
                      r"(_?bancaire)?|n_?carte|no_?carte|cb|pan)(\d*)(_|$)")
    header_value_threshold = 0.2
    value_threshold = 0.8
    examples = Examples(
        positives=(
            ("Carte bancaire : 4970 1012 3456 7893, exp 12/27", "4970 1012 3456 7893"),  # synthetic Visa
            ("card 5500-0000-0000-0004", "5500-0000-0000-0004"),              # Mastercard test number
            ("Amex 3782 822463 10005.", "3782 822463 10005"),                 # Amex test number
            ("n° CB 4970101234567893 cryptogramme 123", "4970101234567893"),  # compact with a cue
        ),
        negatives=(
            "4970 1012 3456 7894",                        # Luhn fails: 0.3 only
            "IBAN FR76 3000 4012 3400 0987 6543 272",     # groups of an IBAN are not a card
            "réf 8944 1234 5678 9012",                    # industry digit 8 (telecom): no network
            "Tél. 06 12 34 56 78",                        # a phone number
            "lot 4970101234567893",                       # compact without a cue: 0.45
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        for _m, res in digit_runs.anchored(_PATTERN, text, lambda m: _accept(text, m), _anchors,
                                           _MARGIN):
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        digits = stripped.translate(_STRIP)
        if not 12 <= len(digits) <= 19 or not digits.isdigit() or not digits.isascii():
            return None
        if credit_card.is_valid(digits):
            return Match(lead, lead + len(stripped), CELL_SCORE, Validation.VALID, "cell", digits)
        if header_hit and credit_card.network(digits) is not None:
            return Match(lead, lead + len(stripped), INVALID_SCORE, Validation.INVALID, "cell", digits)
        return None

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells of digits and separators padded with
        spaces are decided with a vectorised Luhn and IIN range table; other cells go through
        :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, card_network_ok, fast_or_fallback, luhn_ok,
                                                   remove, result, valid_or_invalid)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.with_columns(c=remove(pl.col(BODY), " -\u00a0\u202f"))
            network = pl.col("c").str.len_chars().is_between(12, 19) & card_network_ok("c")
            frame = frame.with_columns(network=network)
            frame = frame.with_columns(valid=pl.col("network") & luhn_ok("c", 19))
            frame = frame.with_columns(hit=pl.col("valid") | (pl.col("network") & header_hit))
            return result(frame, pl.when(pl.col("valid")).then(CELL_SCORE).otherwise(INVALID_SCORE),
                          valid_or_invalid("valid"), pl.lit("cell"), "c", "hit")

        return fast_or_fallback(self, values, header_hit,
                                r"^(?P<lead> *)(?P<body>[0-9][0-9 \-\x{a0}\x{202f}]*[0-9]) *$", compute)

    def normalize(self, value: str) -> str:
        return value.translate(_STRIP).strip()
