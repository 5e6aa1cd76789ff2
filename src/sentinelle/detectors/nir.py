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

Written forms: any grouping of the 13 or 15 characters with at most one separator (space, dot,
hyphen, no-break space) between two of them, Corsica 2A/2B in the department position only;
EDS-Pseudo (corpus/pii_fr_clinical_eds_pseudo) writes ``2 9106 52714 303``, ``1 900456604411``.
A run of one-digit boxes continuing a box run before it (two dates in boxes) is not cut.

Error preference: a leak scanner prefers a false positive with a low score to a miss, but a
number without a valid key is weak evidence (order numbers, barcodes and pseudonymised corpora
have the same length), so it stays below the default ``--min-score`` (0.5) unless two pieces of
evidence agree:

* the **NIR shape** of its 13-character body (INSEE NIR structure, :mod:`sentinelle.identifiers.nir`:
  sex digit, month 01-12 or the fictitious 20-42/50-99, department, commune and order number
  not 000), and
* a **NIR cue word** (``context_words``: "NIR", "n° SS", "sécurité sociale", "assuré(e)",
  "N° d'immatriculation", "identifiant national"...) in the 48 characters right before it.

Scores: a 15-character number with a wrong key scores 0.3 (``Validation.INVALID``), or 0.55 with
both pieces of evidence (the pipeline never boosts an invalid key, so the cue is checked here,
before the number only); a 13-digit body without its key scores 0.35 (``Validation.NONE``) when it
has the NIR shape (else nothing) and the pipeline's context boost (+0.3, a cue in its window)
lifts it to 0.65. Forms' text layers write one digit per box (``2 9 1 4 8 2 3 9 8 4 2 9 6 5 4``):
read too.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import (INVALID_SCORE, Detector, Examples, Match, finditer_resuming,
                                       fold_keep_length)
from sentinelle.finding import Validation
from sentinelle.identifiers import credit_card, nir

_SEP = r"[ .\-\u00a0]?"
#: a compact NIR that is also a valid payment card number (sex digit 3 = Amex 34/37): reported,
#: but below a compact card with a card cue (0.45 + 0.3)
AMBIGUOUS_SCORE = 0.7
#: a 13-digit NIR body without its key: structurally valid, reported only with a cue
KEYLESS_SCORE = 0.35
#: a NIR-shaped number (sex, month, department, commune, order valid) whose key is wrong, with a
#: NIR cue word in the ``CUE_WINDOW`` characters right before it: reported (a typo in a leak, or a
#: pseudonymised corpus), below a valid one; the pipeline never boosts an invalid key further
INVALID_CUE_SCORE = 0.55
#: characters before a candidate searched for a NIR cue word (the pipeline's context window)
CUE_WINDOW = 48
# Any grouping of the 13 (or 15) characters: one optional separator between any two of them
# ("2 85 07 2A 004 123 38", "2850720041233 38", "2 9106 52714 303", one digit per form box
# "2 8 5 0 7 2 ..."); Corsica 2A/2B only in the department position. Not followed by more
# digits of the same run, except a date ("1 84 12 75 123 456 14/01/03": the date is not a key).
_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])"
    rf"[1-478](?:{_SEP}[0-9]){{4}}{_SEP}(?:[0-9]{_SEP}[0-9]|2{_SEP}[AaBb])(?:{_SEP}[0-9]){{6}}"
    rf"(?:{_SEP}[0-9]{_SEP}[0-9])?"
    r"(?![0-9A-Za-z])(?![/.\-]\d)(?![ .\-\u00a0]\d(?!\d?[/.\-]\d))"
)
#: a cell that is one candidate padded with spaces (Rust regex for ``match_column``)
_S = r"[ .\-\x{a0}]?"
_COLUMN_FAST = (rf"^(?P<lead> *)(?P<body>[1-478](?:{_S}[0-9]){{4}}{_S}(?:[0-9]{_S}[0-9]|2{_S}[AaBb])"
                rf"(?:{_S}[0-9]){{6}}(?:{_S}[0-9]{_S}[0-9])?) *$")
_SEPS = frozenset(" .-\u00a0")
_STRIP = str.maketrans("", "", " .-\u00a0")


def _continues_run(text: str, start: int) -> bool:
    """True when the candidate at ``start`` continues a digit run written before it: right after
    a digit and ``.``/``-``, or after a one-digit box and a space when the candidate is itself one
    digit per box ("2 3 0 7 1 9 7 6 2 8 0 ...": two dates in boxes are not a NIR)."""
    if start < 2 or not text[start - 2].isdigit() or text[start - 1] not in _SEPS:
        return False
    if text[start - 1] != " ":
        return True
    # a space: the run continues when both the candidate and the token before it are boxes
    return text[start + 1:start + 2] == " " and (start < 3 or not text[start - 3].isalnum())


class NirDetector(Detector):
    validation_rule = "key = 97 - (13 digits mod 97), Corsica 2A/2B"
    rule_source = "INSEE NIR (décret 82-103); INS: ANS référentiel INS"
    #: the first five characters, any grouping (the pattern's)
    prefilter = r"[1-478](?:[ .\-\u00a0]?[0-9]){4}"
    name = "fr.nir"
    entity = "FR_NIR"
    context_words = (
        "nir", "numero de securite sociale", "securite sociale", "secu", "n ss", "no ss", "nss",
        "numero ss", "insee", "ins", "matricule ins", "immatriculation", "carte vitale", "vitale",
        "social security", "ssn",
        # NIA and INS share the NIR's form (identifiers/nir.py)
        "nia", "numero d'identification d'attente", "ins-nir", "ins-nia",
        "identifiant national de sante", "matricule", "numero d'assure", "assure social",
        # form labels of EDS-Pseudo snippets (corpus/pii_fr_clinical_eds_pseudo): "N° SS",
        # "N° d'immatriculation (à compléter par l'assuré(e))", "N° d'id national",
        # "N° d'identification", "Code de l'Assurance Maladie"
        "n° ss", "n°ss", "n° secu", "assure", "assuree", "assure(e)", "numero d'immatriculation",
        "id national", "identifiant national", "n° d'identification", "no d'identification",
        "numero d'identification", "assurance maladie",
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
            start = m.start()
            if _continues_run(text, start):
                return None
            raw = m.group(0)
            compacted = raw.translate(_STRIP).upper()
            return self._judge(compacted, raw == compacted, text, start, m.end())

        for _m, res in finditer_resuming(_PATTERN, text, accept):
            yield res

    def _judge(self, compacted: str, compact: bool, text: str, start: int, end: int) -> Match | None:
        """The match for a candidate of 13 or 15 characters (separators removed, upper case)."""
        if len(compacted) == 13:
            if nir.is_valid_without_key(compacted):
                return Match(start, end, KEYLESS_SCORE, Validation.NONE, "nir_keyless", compacted)
            return None
        if nir.is_valid(compacted):
            if compact and credit_card.is_valid(compacted):
                # also a valid American Express number (34/37, Luhn): ambiguous, a card cue
                # decides (presidio-research synthetic set: 2 of 92 card numbers)
                return Match(start, end, AMBIGUOUS_SCORE, Validation.VALID, "nir", compacted)
            return Match(start, end, 1.0, Validation.VALID, "nir", compacted)
        # NIR-shaped but rejected: kept low (typos in leaks matter); reported only with the
        # NIR shape and a cue word right before it
        if self._cue_before(text, start) and nir.is_valid_without_key(compacted[:13]):
            return Match(start, end, INVALID_CUE_SCORE, Validation.INVALID, "nir_cue", compacted)
        return Match(start, end, INVALID_SCORE, Validation.INVALID, "nir", compacted)

    def _cue_before(self, text: str, start: int) -> bool:
        """True when a NIR context word ends in the ``CUE_WINDOW`` characters before ``start``."""
        if start == 0:
            return False
        window = fold_keep_length(text[max(0, start - CUE_WINDOW):start])
        return self._context_re.search(window) is not None

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells that are one NIR-shaped candidate
        padded with spaces are decided with Polars expressions (the mod-97 key in Int64 over the
        13-digit body, 2A->19, 2B->18; the INSEE shape; the Amex ambiguity with a vectorised
        Luhn); other cells (tabs, text around the number) go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import (BODY, card_network_ok, fast_or_fallback, luhn_ok,
                                                   remove, result)

        def compute(frame: pl.DataFrame) -> pl.DataFrame:
            body = pl.col(BODY)
            # the fast regex lets letters through only as the department (2A/2B, 2a/2b)
            c = remove(body, " .-\u00a0").str.replace_all("a", "A", literal=True)
            frame = frame.with_columns(c=c.str.replace_all("b", "B", literal=True))
            c = pl.col("c")
            frame = frame.with_columns(dept=c.str.slice(5, 2))
            dept = pl.col("dept")
            corsica = dept.is_in(["2A", "2B"])
            frame = frame.with_columns(
                n=c.str.len_chars(), month=c.str.slice(3, 2).cast(pl.Int64, strict=False),
                num13=pl.concat_str(c.str.slice(0, 5),
                                    pl.when(dept == "2A").then(pl.lit("19"))
                                    .when(dept == "2B").then(pl.lit("18")).otherwise(dept),
                                    c.str.slice(7, 6)).cast(pl.Int64, strict=False),
                key=c.str.slice(13, 2).cast(pl.Int64, strict=False),
                compact=(body == c) & ~corsica)
            month, dept, n = pl.col("month"), pl.col("dept"), pl.col("n")
            # identifiers/nir.py validate(): month, commune/order, department (INSEE)
            shape = ((month != 0) & ~month.is_between(13, 19) & ~month.is_between(43, 49)
                     & ~((c.str.slice(7, 3) == "000") & (dept != "99"))
                     & (c.str.slice(10, 3) != "000") & (dept != "00"))
            frame = frame.with_columns(shape=shape.fill_null(False))
            frame = frame.with_columns(
                valid=(n == 15) & pl.col("shape")
                & (pl.col("key") == 97 - pl.col("num13") % 97).fill_null(False),
                keyless=(n == 13) & pl.col("shape"))
            # the Amex ambiguity (a card number too) only for the few compact valid NIRs with a
            # card prefix (sex digit 1/2 only for JCB 1800/2131, 3 for the others)
            maybe = (pl.col("valid") & pl.col("compact")
                     & c.str.slice(0, 2).is_in(["18", "21", "30", "34", "36", "37", "38", "39"]))
            frame = frame.with_row_index("_r").with_columns(maybe=maybe, hit=(n == 15) | pl.col("keyless"))
            cards = frame.filter(pl.col("maybe"))
            cards = cards.filter(luhn_ok("c", 15) & card_network_ok("c"))["_r"]
            frame = frame.with_columns(amex=pl.col("_r").is_in(cards.implode()))
            valid, keyless = pl.col("valid"), pl.col("keyless")
            score = (pl.when(pl.col("amex")).then(AMBIGUOUS_SCORE).when(valid).then(1.0)
                     .when(keyless).then(KEYLESS_SCORE).otherwise(INVALID_SCORE))
            validation = (pl.when(valid).then(pl.lit(Validation.VALID.value))
                          .when(keyless).then(pl.lit(Validation.NONE.value))
                          .otherwise(pl.lit(Validation.INVALID.value)))
            pattern = pl.when(keyless).then(pl.lit("nir_keyless")).otherwise(pl.lit("nir"))
            return result(frame, score, validation, pattern, "c", "hit")

        return fast_or_fallback(self, values, header_hit, _COLUMN_FAST, compute)

    def normalize(self, value: str) -> str:
        return nir.compact(value.replace("-", "").replace("\u00a0", ""))
