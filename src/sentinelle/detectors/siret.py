"""FR_SIRET detector: French establishment numbers (SIRET, 14 digits: SIREN + NIC).

Rule source: INSEE répertoire SIRENE: 14 digits, Luhn key over the 14 digits (La Poste's
establishments: digit sum a multiple of 5) and a Luhn-valid SIREN, via
:mod:`sentinelle.identifiers.siret` (python-stdnum ``stdnum.fr.siret``). Written forms accepted
in text: compact (``73282932000074``), ``732 829 320 00074`` (groups of three and the 5-digit NIC,
separated by spaces, no-break spaces or dots) and ``732829320 00074``. A candidate inside a
longer token or a longer run of digit groups is not a SIRET. In a table cell under a SIRET
header, any spacing is accepted (``3 1 0 1 8 8 4 2 0 00 0 8 0``).

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

from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation
from sentinelle.identifiers import siret

_S = r"[ .\u00a0\u202f]"
_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ .,\-\u00a0\u202f])"      # not inside a token or a digit run
    rf"(?:\d{{14}}|\d{{3}}(?P<s>{_S})\d{{3}}(?P=s)\d{{3}}{_S}\d{{5}}|\d{{9}}{_S}\d{{5}})"
    r"(?![0-9A-Za-z])(?![ .,/\-\u00a0\u202f]\d)"
)
_STRIP = str.maketrans("", "", " .\u00a0\u202f")
#: YYYYMMDDHHMMSS (HL7 DTM, ISO 8601 basic): a column of these is timestamps, not SIRETs
_TIMESTAMP = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d")
#: score of a valid SIRET in free text: a cue is needed to report it
TEXT_SCORE = 0.45
#: score of a valid cell; the header boost of the pipeline makes it 1.0 under a SIRET header
CELL_SCORE = 0.8


def _match(start: int, end: int, compacted: str, score: float) -> Match:
    if siret.is_valid(compacted):
        return Match(start, end, score, Validation.VALID, "siret", compacted)
    return Match(start, end, INVALID_SCORE, Validation.INVALID, "siret", compacted)


class SiretDetector(Detector):
    validation_rule = "Luhn over 14 digits, La Poste exception (python-stdnum), context in text"
    rule_source = "INSEE, répertoire SIRENE"
    prefilter = r"\d{3}[ .\u00a0\u202f]?\d{3}"
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

        for _m, res in finditer_resuming(_PATTERN, text, accept):
            yield res

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

    def normalize(self, value: str) -> str:
        return value.translate(_STRIP).strip()
