"""FR_NIR detector: French social security numbers (NIR, also NIA and INS, which share its form).

Rule source: INSEE NIR structure and key (97 - n mod 97, 2A->19, 2B->18), via
:mod:`sentinelle.identifiers.nir` (python-stdnum). The NIA (temporary number: sex digit 7/8,
fictitious months 20-42/50-99, department 99 for births abroad) and the INS matricule (ANS
Référentiel INS: the NIR or NIA itself) are found by the same rule; "INS", "INS-NIR", "NIA" and
"matricule" are cues and column headers. Written forms accepted: compact
(``285072A00412338``), grouped with spaces or dots (``2 85 07 2A 004 123 38``,
``2.85.07.2A.004.123.38``) and with the key split off (``2850720041233 38``).

A compact 15-digit number that is both a valid NIR and a valid American Express card number
(sex digit 3, Luhn) scores 0.7, so that a card cue ("card number 346...") makes it a card.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
NIR-shaped number whose key does not match is kept with ``Validation.INVALID`` and score 0.3
(below the default ``--min-score``). A 13-digit NIR body written without its key
(``1 84 12 75 123 456``), structurally valid (sex, month, department, commune, order), scores
0.35: a cue ("n° SS", "assuré", "NIR"...) is needed to report it (EAN-13 barcodes have the same
length). Forms' text layers write one digit per box (``2 9 1 4 8 2 3 9 8 4 2 9 6 5 4``): read
too.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import INVALID_SCORE, Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation
from sentinelle.identifiers import credit_card, nir

_SEP = r"[ .\-\u00a0]?"
#: a compact NIR that is also a valid payment card number (sex digit 3 = Amex 34/37): reported,
#: but below a compact card with a card cue (0.45 + 0.3)
AMBIGUOUS_SCORE = 0.7
#: a 13-digit NIR body without its key: structurally valid, reported only with a cue
KEYLESS_SCORE = 0.35
_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    rf"[1-478]{_SEP}\d\d{_SEP}\d\d{_SEP}(?:\d\d|2[AaBb]){_SEP}\d\d\d{_SEP}\d\d\d(?:{_SEP}\d\d)?"
    r"(?![0-9A-Za-z])(?![/.\-]\d)"   # "2 85 07 2A 004 123 29/03/89": the "key" is a date
    # one character per box, as the text layer of a form (CERFA, feuille de soins) reads:
    # "2 9 1 4 8 2 3 9 8 4 2 9 6 5 4"; a following box on the same field would continue it
    r"|[1-478](?: [0-9AaBb]){12}(?:(?: [0-9]){2})?(?! [0-9])(?![0-9A-Za-z])"
    r")"
)


class NirDetector(Detector):
    validation_rule = "key = 97 - (13 digits mod 97), Corsica 2A/2B"
    rule_source = "INSEE NIR (décret 82-103); INS: ANS référentiel INS"
    #: the first three groups of either written form (grouped or one digit per box)
    prefilter = r"[1-478][ .\-\u00a0]?\d\d[ .\-\u00a0]?\d\d|[1-478] [0-9ab] [0-9ab]"
    name = "fr.nir"
    entity = "FR_NIR"
    context_words = (
        "nir", "numero de securite sociale", "securite sociale", "secu", "n ss", "no ss", "nss",
        "numero ss", "insee", "ins", "matricule ins", "immatriculation", "carte vitale", "vitale",
        "social security", "ssn",
        # NIA and INS share the NIR's form (identifiers/nir.py)
        "nia", "numero d'identification d'attente", "ins-nir", "ins-nia",
        "identifiant national de sante", "matricule", "numero d'assure", "assure social",
    )
    header_pattern = (r"(^|_)(nir|nss|secu|ins|insee|n_?ss|num_?ss|no_?ss|securite_sociale|social_security|"
                      r"matricule_ins|vitale|nia|ins_nir|ins_nia|matricule|identifiant_national_de_sante|"
                      r"num_?secu|numero_assure)(_|$)")
    header_value_threshold = 0.2
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("NIR 2 85 07 2A 004 123 38", "2 85 07 2A 004 123 38"),           # cases pb-016
            ("N° SS : 2 60 07 20 114 062 34 (née en 1960)", "2 60 07 20 114 062 34"),  # pb-017
            ("2 95 10 99 126 111 93", "2 95 10 99 126 111 93"),                 # stdnum docstring
            ("secu: 253072B07300470;", "253072B07300470"),                      # stdnum docstring
            # key left out, with a cue (EDS-Pseudo writes most SECU values this way)
            ("N° sécurité sociale : 1 84 12 75 123 456", "1 84 12 75 123 456"),
            # one digit per form box (key 52 = 97 - (2850720041233 mod 97), computed by hand)
            ("Assuré 2 8 5 0 7 2 0 0 4 1 2 3 3 5 2  ", "2 8 5 0 7 2 0 0 4 1 2 3 3 5 2"),
        ),
        negatives=(
            "Lot 0199001234 expédié",
            "n° 1234567890123456789",
            "253072C07300443",  # invalid department (stdnum docstring)
            "EAN 1841275123456",  # 13 digits without a NIR cue: 0.35 only
            "N° SS : 1 84 13 75 123 456",  # keyless, but month 13 does not exist
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        def accept(m: re.Match[str]):
            raw = m.group(0)
            compacted = re.sub(r"[ .\-\u00a0]", "", raw).upper()
            if len(compacted) == 13:
                if nir.is_valid_without_key(compacted):
                    return Match(m.start(), m.end(), KEYLESS_SCORE, Validation.NONE, "nir_keyless",
                                 compacted)
                return None
            if len(compacted) != 15:
                return None
            if nir.is_valid(compacted):
                if raw == compacted and credit_card.is_valid(compacted):
                    # also a valid American Express number (34/37, Luhn): ambiguous, a card cue
                    # decides (presidio-research synthetic set: 2 of 92 card numbers)
                    return Match(m.start(), m.end(), AMBIGUOUS_SCORE, Validation.VALID, "nir", compacted)
                return Match(m.start(), m.end(), 1.0, Validation.VALID, "nir", compacted)
            # NIR-shaped but rejected: keep low (typos in leaks matter)
            return Match(m.start(), m.end(), INVALID_SCORE, Validation.INVALID, "nir", compacted)

        for _m, res in finditer_resuming(_PATTERN, text, accept):
            yield res

    def normalize(self, value: str) -> str:
        return nir.compact(value.replace("-", "").replace("\u00a0", ""))
