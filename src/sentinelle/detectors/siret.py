"""FR_SIRET detector: French establishment numbers (SIRET, 14 digits: SIREN + NIC).

Rule source: INSEE répertoire SIRENE: 14 digits, Luhn key over the 14 digits (La Poste's
establishments: digit sum a multiple of 5) and a Luhn-valid SIREN, via
:mod:`sentinelle.identifiers.siret` (python-stdnum ``stdnum.fr.siret``). Written forms accepted
in text: compact (``73282932000074``), ``732 829 320 00074`` (groups of three and the 5-digit NIC,
separated by spaces, no-break spaces or dots) and ``732829320 00074``. A candidate inside a
longer token or a longer run of digit groups is not a SIRET. In a table cell under a SIRET
header, any spacing is accepted (``3 1 0 1 8 8 4 2 0 00 0 8 0``); in text, such an unusual grouping
(python-stdnum's test list) is taken only right after the word "SIRET" and only when its key
is valid.

A 14-digit number passes a Luhn check one time in ten and 14-digit numbers are common (HL7
timestamps ``20241105083012``, order numbers), so in free text a Luhn-valid candidate scores
0.45, below the default ``--min-score``, and only a cue ("SIRET", "établissement", ...) lifts it
(0.75). Under a column header naming the SIRET a valid cell scores 1.0; without such a header a
timestamp-shaped cell (``YYYYMMDDHHMMSS``) is never taken for a SIRET.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
SIRET-shaped number whose key does not match is kept with ``Validation.INVALID`` and score 0.3
(below the default ``--min-score``).
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match
from sentinelle.detectors.siren import loose
from sentinelle.finding import Validation
from sentinelle.identifiers import siret

_S = r"[ .\u00a0\u202f]"
# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (2-4x
# faster on long texts, same matches)
_PATTERN = re.compile(
    r"\d(?<![0-9A-Za-z\u00b9\u00b2\u00b3\u00bc-\u00be]\d)"      # not inside a token or a digit run,
    r"(?<![0-9][ .,\-\u00a0\u202f]\d)"      # nor glued to a superscript digit or a fraction (¹²³¼½¾)
    rf"(?:\d{{13}}|\d{{2}}(?P<s>{_S})\d{{3}}(?P=s)\d{{3}}{_S}\d{{5}}|\d{{8}}{_S}\d{{5}})"
    r"(?![0-9A-Za-z\u00b9\u00b2\u00b3\u00bc-\u00be])(?![ .,/\-\u00a0\u202f]\d)"
)
#: any other grouping of the 14 digits ("3 1 0 1 8 8 4 2 0 00 0 8 0", "542 097 324 0006 6":
#: python-stdnum's test lists): taken only when "SIRET" is written right before it (``_NAMED_BEFORE``)
_LOOSE = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?<![0-9][ .,\-\u00a0\u202f]\d)"
    r"(?:[ .\u00a0\u202f]?\d){13}"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
#: the identifier's own name at the end of the 24 characters before a loosely grouped candidate
_NAMED_BEFORE = re.compile(r"(?<![a-z])siret\b[^0-9a-z]*(?:(?:n|no|num|numero)\b[^0-9a-z]*)?$")
_STRIP = str.maketrans("", "", " .\u00a0\u202f")
#: YYYYMMDDHHMMSS (HL7 DTM, ISO 8601 basic): a column of these is timestamps, not SIRETs
_TIMESTAMP = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d")
#: the same, anchored, in Rust regex syntax (``match_column``)
_TIMESTAMP_RUST = ("^(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:[01][0-9]|2[0-3])"
                   "[0-5][0-9][0-5][0-9]$")
#: characters around an anchor where a match and what its lookarounds read can lie (a match is
#: 17 characters at most, its lookarounds read 2 before and 2 after)
_MARGIN = 32


def _anchors(runs):
    """Every :data:`_PATTERN` match holds a run of exactly 14 digits (its lookarounds refuse a
    digit around the 14: the 15-digit NIRs of a report are no anchor), runs of 3, 3, 3 and 5 or
    9 and 5 digits or more separated by one separator (issue 6,
    :mod:`sentinelle.detectors.digit_runs`)."""
    seps = " .\u00a0\u202f"
    return digit_runs.concat(digit_runs.exact_runs(runs, 14), digit_runs.groups(runs, (3, 3, 3, 5), seps),
                             digit_runs.groups(runs, (9, 5), seps))


#: score of a valid SIRET in free text: a cue is needed to report it
TEXT_SCORE = 0.45
#: score of a valid cell; the header boost of the pipeline makes it 1.0 under a SIRET header
CELL_SCORE = 0.8


def _match(start: int, end: int, compacted: str, score: float) -> Match:
    if siret.is_valid(compacted):
        return Match(start, end, score, Validation.VALID, "siret", compacted)
    return Match(start, end, INVALID_SCORE, Validation.INVALID, "siret", compacted)


#: the identifier's name, searched in the folded text (:func:`~sentinelle.detectors.siren.loose`)
_NAME = "siret"
#: the longest :data:`_LOOSE` candidate and the two characters its lookaheads read after it
_LOOSE_REACH = 14 + 13 + 2


def _loose(text: str, spans: list[tuple[int, int]], is_valid, pattern: str) -> Iterator[Match]:
    """Valid candidates of :data:`_LOOSE` that overlap no regular candidate (``spans``) and follow
    the identifier's name: an unusual grouping needs the name as evidence (invalid ones dropped);
    :func:`sentinelle.detectors.siren.loose`."""
    if "iret" not in text and "IRET" not in text:  # cheap gate: "SIRET", "Siret"...
        return
    yield from loose(text, spans, is_valid, pattern, name=_NAME, loose_re=_LOOSE,
                     named_before=_NAMED_BEFORE, reach=_LOOSE_REACH, score=TEXT_SCORE)


class SiretDetector(Detector):
    validation_rule = "Luhn over 14 digits, La Poste exception (python-stdnum), context in text"
    rule_source = "INSEE, répertoire SIRENE"
    #: the regular forms (a whole run of 14 digits: not inside a compact 15-digit NIR, session
    #: 8, speed; folding turns ¹²³¼½¾ into digits: ``_PATTERN`` refuses a run glued to them),
    #: or the name that a loosely grouped number needs; ASCII digits, or any non-ASCII digit
    #: (``digit_runs.OTHER_DIGIT``: a hyperscan-friendly form, 4 times cheaper, session 9)
    prefilter = (r"(?:^|[^0-9])[0-9]{14}(?:[^0-9]|$)"
                 r"|[0-9]{3}[ .\u00a0\u202f][0-9]{3}[ .\u00a0\u202f][0-9]{3}[ .\u00a0\u202f][0-9]{5}"
                 r"|[0-9]{9}[ .\u00a0\u202f][0-9]{5}|siret|" + digit_runs.OTHER_DIGIT)
    name = "fr.siret"
    entity = "FR_SIRET"
    context_words = (
        "siret", "n siret", "numero siret", "nic", "etablissement", "siege", "siege social",
        "societe", "entreprise", "raison sociale", "rcs", "ape", "naf", "code ape", "urssaf",
        "employeur", "facture", "company", "establishment", "registration number",
    )
    header_pattern = r"(^|_)(num_?|no_?|n_?|numero_?|code_?)?siret(_?num|_?etablissement)?(\d*)(_|$)"
    header_value_threshold = 0.2
    #: a column of 14-digit numbers is SIRET without a header only when nearly all pass the key
    value_threshold = 0.9
    examples = Examples(
        positives=(
            ("SIRET : 732 829 320 00074 - APE 8690B", "732 829 320 00074"),        # stdnum docstring
            ("n° SIRET 35600000049837", "35600000049837"),                         # La Poste (stdnum tests)
            ("établissement 775.563.232.00104.", "775.563.232.00104"),             # stdnum bulk list
        ),
        negatives=(
            "horodatage 73282932000074 reçu",   # valid but no cue: 0.45, below min score
            "SIRET 73282932000079",             # wrong key (stdnum docstring): 0.3 only
            "SIRET 35600000049838",             # La Poste, digit sum not a multiple of 5 (stdnum)
            "SIRET 732829320000740",            # 15 digits
            "SIRET 1 732 829 320 00074",        # inside a longer run of digit groups
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        def accept(m: re.Match[str]) -> Match:
            return _match(m.start(), m.end(), m.group(0).translate(_STRIP), TEXT_SCORE)

        spans = []
        for m, res in digit_runs.anchored(_PATTERN, text, accept, _anchors, _MARGIN):
            spans.append((m.start(), m.end()))
            yield res
        yield from _loose(text, spans, siret.is_valid, "siret_spaced")

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        compacted = self.normalize(stripped)
        if len(compacted) != 14 or not compacted.isdigit() or not compacted.isascii():
            return None
        if not header_hit and _TIMESTAMP.fullmatch(compacted):
            return None  # a timestamp (HL7 OBR-7 20240122034000): no evidence without a header
        m = _match(lead, lead + len(stripped), compacted, CELL_SCORE)
        if m.validation is Validation.VALID or header_hit:
            return m
        return None  # without a header, an invalid 14-digit number is no evidence

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells of digits and separators padded with
        spaces are decided with vectorised Luhn checks (14 digits and the SIREN; La Poste's
        digit sum, python-stdnum ``stdnum.fr.siret``); other cells go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, digit_sum, fast_or_fallback, luhn_ok,
                                                   remove, result, valid_or_invalid)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.with_columns(c=remove(pl.col(BODY), " .\u00a0\u202f"))
            c = pl.col("c")
            shaped = c.str.len_chars() == 14
            if not header_hit:
                shaped = shaped & ~c.str.contains(_TIMESTAMP_RUST)
            frame = frame.with_columns(shaped=shaped, siren=c.str.slice(0, 9),
                                       la_poste=c.str.starts_with("356000000") & (c != "35600000000048"))
            key = (pl.when(pl.col("la_poste")).then(digit_sum("c", 14) % 5 == 0)
                   .otherwise(luhn_ok("c", 14)))
            frame = frame.with_columns(valid=pl.col("shaped") & key & luhn_ok("siren", 9))
            frame = frame.with_columns(hit=pl.col("valid") | (pl.col("shaped") & header_hit))
            return result(frame, pl.when(pl.col("valid")).then(CELL_SCORE).otherwise(INVALID_SCORE),
                          valid_or_invalid("valid"), pl.lit("siret"), "c", "hit")

        return fast_or_fallback(self, values, header_hit,
                                r"^(?P<lead> *)(?P<body>[0-9][0-9 .\x{a0}\x{202f}]*[0-9]) *$", compute)

    def normalize(self, value: str) -> str:
        return value.translate(_STRIP).strip()
