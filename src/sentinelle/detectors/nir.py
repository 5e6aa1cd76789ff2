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
A run of one-digit boxes continuing a box run before it (two dates in boxes) is not cut, except
at boxed dates (below) or before a boxed date of birth with the candidate's birth year (then the
run before may be any box field: "9 0 3 2 0 1 5 1 7 7 0 9 4 2 6 7 9 4 9 0 0 7 0 5 1 9 7 7", a
form's code, NIR and date of birth side by side; session 8, from an EDS-Pseudo dev miss); the year of a date right before ("21/07/29 1 9 0 0 ...") does not start
a NIR.

Error preference: a leak scanner prefers a false positive with a low score to a miss, but a
number without a valid key is weak evidence (order numbers, barcodes and pseudonymised corpora
have the same length), so it stays below the default ``--min-score`` (0.5) unless two pieces of
evidence agree. The first is always required:

* the **NIR shape** of its 13-character body (INSEE NIR structure, :mod:`sentinelle.identifiers.nir`:
  sex digit, month 01-12 or the fictitious 20-42/50-99, department, commune and order number
  not 000);

and one of:

* a **NIR cue word** (``context_words``: "NIR", "n° SS", "sécurité sociale", "assuré(e)",
  "N° d'immatriculation", "identifiant national"...) around it;
* the **birth year** (INSEE, "Le numéro d'inscription au répertoire": characters 2-3 of the
  NIR are the last two digits of the year of birth) of a sex digit 1 or 2 written again in a date within ``DATE_WINDOW`` characters before
  or after it (``12/03/1984``, ``22|8|1923``, ``14/01/03``, ``1984-03-12``, ``12 mars 1984``,
  ``1 2 0 3 1 9 8 4`` in boxes): patient records and forms write the date of birth next to the
  NIR. A random 13-digit number with the NIR shape agrees with one nearby date's year about one
  time in a hundred per distinct year; an EAN-13 barcode of a French product (prefix 3) has no
  sex digit 1/2. The number's own digits are never read as a date. (EDS-Pseudo: the year agrees
  in 211 of its 247 SECU labels, the month in 18 only, so the month is not required.)

Scores, all below a valid NIR's 1.0 so ``--min-score`` separates them (``Validation`` tells
them apart too):

* valid key: 1.0 (0.7 when also an Amex number, see above);
* 13-digit body without its key (``Validation.NONE``): 0.35 when it has the NIR shape (else
  nothing); 0.55 with the birth year nearby (``nir_birth_year``) or with a NIR cue word in the
  ``CUE_WINDOW`` characters right before it (``nir_keyless_cue``: a label, "NIR 1 85 03 75 056
  123"); the pipeline's context boost (+0.3, a cue in its window) lifts them to 0.65 (a cue
  after it only) and 0.85. Why the cue before counts twice: a label before the number names
  it, and the number must outscore a phone candidate cut out of its digits ("NIR 1 85 03 75 056
  123, tel 06...": "85 03 75 056 123" is phone-shaped in a foreign grouping, 0.45, and the
  phone cue after it lifts it to 0.75); in a table cell under a NIR header or field
  (``nir_header``: a ``nir`` column, HL7 CX-5 ``NH``, an INS system) 0.55 too, 0.75 with the
  header boost: the header names the number as the cue word does;
* a form's NIR field in boxes (below): 0.55, 0.85 with a cue for 13 boxes;
* 15 characters with a wrong key (``Validation.INVALID``): 0.3; 0.55 (``nir_cue``) only when the
  NIR shape, a cue word in the ``CUE_WINDOW`` characters right before it *and* the birth year
  nearby all agree (the pipeline never boosts an invalid key, so the cue is checked here): a
  wrong key is evidence against, a cue alone does not outweigh it (python-stdnum's invalid
  example ``NIR : 295109912611199`` is not reported).

A **form's NIR field** is evidence by itself: 13 or 15 digits written one per box
(``2 0 4 1 9 3 3 0 6 2 1 8 4``), standing alone (no box glued before or after it), first digit a
sex digit, at least ``BOXES_MIN_DISTINCT`` (4) distinct digits, score ``FORM_BOXES_SCORE`` (0.55; ``nir_boxes``; ``Validation.NONE`` for 13,
``INVALID`` for 15 with a wrong key) whatever its key or month say. Source: the CERFA forms of
the Assurance Maladie (feuille de soins, arrêt de travail, déclaration de médecin traitant)
print the "N° d'immatriculation" as a field of 13 boxes and 2 key boxes; no other number of a
person on a French form has 13 or 15 boxes (dates 8, phones 10, RPPS 11, ADELI/FINESS/SIREN 9,
SIRET 14). A reader takes the field for the NIR even when the digits written in it are wrong
(EDS-Pseudo: 19 of the 32 SECU values missed before this rule were such fields, made-up digits
with no valid key, month or birth year). A cue adds the context boost to a 13-box field (0.85),
never to a wrong key; every weaker form stays below 0.9. A row of questionnaire answers
written in boxes (``1 0 1 1 0 0 1 0 1 1 0 1 0``: yes/no items; a 1-3 scale) is not such a field:
it takes 2 or 3 values, while the 13 characters of a NIR (sex, year, month, department, commune,
order) take 3 or fewer about once in 50,000 random bodies (C(10,3) 3^13 / 10^13), and a made-up
field's digits as often; such a row is judged like any number (a keyless body: 0.35).

Forms' text layers write one digit per box (``2 9 1 4 8 2 3 9 8 4 2 9 6 5 4``): read too. A
run of boxes that continues into another run is cut only at **boxed dates** (8, 16... boxes
``d d m m y y y y``, each a valid day and month, year 1900-2099) right before or right after the
candidate (forms print "date de naissance" and "N° SS" box fields side by side), and only when
the candidate's birth year is written near it (in such a date or another); otherwise the run is
not a NIR (two dates in boxes, a date and an order number).

Speed (issue 6): the pattern's first character comes before its lookbehinds, so ``re`` skips to
candidate characters at C speed; the prefilter is the whole 13-character body, so the
pipeline's candidate windows open around NIR-shaped numbers only (``window``: the dates read
around a candidate).
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
#: a 13-digit body (sex 1/2) without its key whose birth year is written again in a nearby date
BIRTH_YEAR_SCORE = 0.55
#: a 13-digit body with the NIR shape and a NIR cue word in the ``CUE_WINDOW`` characters right
#: before it ("NIR 1 85 03 75 056 123"): the label names the number, so it outscores a phone
#: candidate cut out of it with a phone cue after it (0.45 + 0.3); 0.85 with the context boost
KEYLESS_CUE_SCORE = 0.55
#: a form's NIR field: 13 or 15 digits one per box, standing alone (no other box glued to it),
#: whatever the key or the month says
FORM_BOXES_SCORE = 0.55
#: distinct characters a form's NIR field holds at least: a row of questionnaire answers in boxes
#: (yes/no ``1 0 1 1 0 0 1 0 1 1 0 1 0``, a 1-3 scale) takes 2 or 3 values (session 8, issue 3)
BOXES_MIN_DISTINCT = 4
#: characters before and after a candidate searched for a date with its birth year (EDS-Pseudo:
#: the date of birth is within 200 characters of the SECU value in 229 of the 238 notes that
#: have both with the same year)
DATE_WINDOW = 200
# Any grouping of the 13 (or 15) characters: one optional separator between any two of them
# ("2 85 07 2A 004 123 38", "2850720041233 38", "2 9106 52714 303", one digit per form box
# "2 8 5 0 7 2 ..."); Corsica 2A/2B only in the department position. Not followed by more
# digits of the same run, except a date ("1 84 12 75 123 456 14/01/03": the date is not a key).
# (issue 6) the first character comes before the lookbehinds, which then include it: Python's
# ``re`` skips to that character class at C speed instead of trying every position (same matches)
_PATTERN = re.compile(
    r"[1-478](?<![0-9A-Za-z][1-478])(?<![0-9]/[1-478])"   # not the year of a date "21/07/29 1 9 0 0 ..."
    rf"(?:{_SEP}[0-9]){{4}}{_SEP}(?:[0-9]{_SEP}[0-9]|2{_SEP}[AaBb])(?:{_SEP}[0-9]){{6}}"
    rf"(?:{_SEP}[0-9]{_SEP}[0-9])?"
    r"(?![0-9A-Za-z])(?![/.\-]\d)"
    # nor by a separator and a digit, unless a date starts there or a run of 8, 16... one-digit
    # boxes (dates in boxes, checked in ``find``) that ends there
    r"(?![ .\-\u00a0]\d(?!\d?[/.\-]\d)"
    r"(?!(?<= \d)(?!\d)(?: \d(?!\d)){7}(?:(?: \d(?!\d)){8})*(?! \d(?!\d))))"
)
_MONTHS = ("janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|"
           "novembre|decembre|décembre|janv|fevr|févr|avr|juil|sept|oct|nov|dec|déc")
#: a date and its year, for the birth-year evidence: d/m/y with ``/ . - |`` (optional spaces
#: around), the year 2 or 4 digits; ISO y-m-d; d month-name y; or a run of one-digit boxes
#: (cut into dates of 8 boxes d d m m y y y y by :func:`_date_years`)
_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?:0?[1-9]|[12][0-9]|3[01]) ?[/.\-|] ?(?:0?[1-9]|1[0-2]) ?[/.\-|] ?(?P<dmy>(?:19|20)?[0-9]{2})"
    r"|(?P<iso>(?:19|20)[0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    rf"|(?:0?[1-9]|[12][0-9]|3[01])(?:er)? (?i:{_MONTHS})\.? (?P<named>(?:19|20)[0-9]{{2}})"
    r"|(?<!(?<![0-9])[0-9] )(?P<boxes>[0-9](?![0-9])(?: [0-9](?![0-9])){7,})"
    r")(?![0-9])"
)
#: a cell that is one candidate padded with spaces (Rust regex for ``match_column``)
_S = r"[ .\-\x{a0}]?"
_COLUMN_FAST = (rf"^(?P<lead> *)(?P<body>[1-478](?:{_S}[0-9]){{4}}{_S}(?:[0-9]{_S}[0-9]|2{_S}[AaBb])"
                rf"(?:{_S}[0-9]){{6}}(?:{_S}[0-9]{_S}[0-9])?) *$")
_SEPS = frozenset(" .-\u00a0")
#: the first two digits of the 15-digit card numbers a NIR can be (identifiers/credit_card.py
#: ranges: JCB 1800 and 2131, Diners 300-305/36/38/39, Amex 34/37; sex digits 1-4, 7, 8)
_CARD_PREFIXES = frozenset({"18", "21", "30", "34", "36", "37", "38", "39"})
_STRIP = str.maketrans("", "", " .-\u00a0")


def _boxed_year(digits: tuple[str, ...]) -> str | None:
    """The 4-digit year of 8 boxed digits ``d d m m y y y y`` when they are a valid date (day
    01-31, month 01-12, year 1900-2099), else None."""
    day, month, year = int("".join(digits[:2])), int("".join(digits[2:4])), "".join(digits[4:])
    if 1 <= day <= 31 and 1 <= month <= 12 and year[:2] in ("19", "20"):
        return year
    return None


def _run_years(digits: str) -> list[str] | None:
    """The years of a run of boxed digits that is one or more dates of 8 boxes (every one
    valid), else None."""
    if not digits or len(digits) % 8:
        return None
    years = [_boxed_year(tuple(digits[i:i + 8])) for i in range(0, len(digits), 8)]
    return None if None in years else years


def _box_run_after(text: str, end: int) -> str:
    """The digits of the one-digit boxes (a digit between non-digits, one space apart) written
    right after ``end`` (" 0 4 1 2 1 9 7 2"), or ""."""
    digits = []
    n = len(text)
    i = end
    while (i + 1 < n and text[i] == " " and text[i + 1].isdigit()
           and (i + 2 >= n or not text[i + 2].isdigit())):
        digits.append(text[i + 1])
        i += 2
    return "".join(digits)


def _box_run_before(text: str, start: int) -> str:
    """The digits of the one-digit boxes written right before ``start`` ("0 5 0 8 2 0 1 4 "),
    or ""."""
    digits = []
    i = start
    while i >= 2 and text[i - 1] == " " and text[i - 2].isdigit() and (i < 3 or not text[i - 3].isdigit()):
        digits.append(text[i - 2])
        i -= 2
    return "".join(reversed(digits))


def _born_in(compacted: str, years: list[str] | None) -> bool:
    """True when the candidate has a sex digit 1 or 2 and ``years`` (of a boxed date) hold its
    birth year (characters 2-3)."""
    return bool(years) and compacted[0] in "12" and any(y[-2:] == compacted[1:3] for y in years)


def _date_years(piece: str) -> Iterator[str]:
    """The years (2 or 4 digits) of the dates written in ``piece``; a run of one-digit boxes
    counts when its length is a multiple of 8 and every 8 of them are a valid date (two box
    fields side by side, "1 4 0 5 1 9 8 0 1 3 0 5 2 0 2 2")."""
    for m in _DATE.finditer(piece):
        boxes = m.group("boxes")
        if boxes is None:
            yield m.group("dmy") or m.group("iso") or m.group("named")
            continue
        yield from _run_years(boxes[::2]) or ()


def _birth_year_near(text: str, start: int, end: int, yy: str) -> bool:
    """True when a date within ``DATE_WINDOW`` characters before ``start`` or after ``end`` has
    the 2-digit year ``yy`` (the candidate's own characters are not searched)."""
    before = text[max(0, start - DATE_WINDOW):start]
    after = text[end:end + DATE_WINDOW]
    return any(y[-2:] == yy for piece in (before, after) for y in _date_years(piece))


def _boxed(raw: str) -> bool:
    """True when ``raw`` is written one digit per box: digits one space apart."""
    return raw[1::2].strip(" ") == "" and " " not in raw[::2] and len(raw) % 2 == 1


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
    #: the 13-character body, any grouping (the pattern's; issue 6: a whole body rather than its
    #: first five characters, so candidate windows open around NIR-shaped numbers only)
    prefilter = r"[1-478](?:[ .\-\u00a0]?[0-9]){4}[ .\-\u00a0]?(?:[0-9][ .\-\u00a0]?[0-9]|2[ .\-\u00a0]?[ab])(?:[ .\-\u00a0]?[0-9]){6}"
    name = "fr.nir"
    entity = "FR_NIR"
    #: candidate windows (:attr:`Detector.window`): ``find`` reads up to ``DATE_WINDOW``
    #: characters before and after a candidate (the birth-year dates), and a candidate (at most
    #: 29 characters) starts at a prefilter match
    window = DATE_WINDOW + 32 + 24
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
            # a form's NIR field of 13 boxes, month 19 (no NIR shape): the field is the evidence
            ("Lefèvre Anne\n2 0 4 1 9 3 3 0 6 2 1 8 4\n", "2 0 4 1 9 3 3 0 6 2 1 8 4"),
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
            start, end = m.start(), m.end()
            raw = m.group(0)
            compacted = raw.translate(_STRIP).upper()
            # one-digit boxes glued to the candidate: only dates in boxes, and the candidate's
            # birth year written near it (the dates of birth beside the NIR on a form)
            glued = []
            if _continues_run(text, start):
                glued.append(_box_run_before(text, start))  # "" after a "." or "-": a run
            after = _box_run_after(text, end)
            if len(after) >= 8:  # the pattern let boxes follow (fewer: a date "1 84 ... 1/03")
                glued.append(after)
                if _born_in(compacted, _run_years(after)):
                    # the boxed date of birth right after it, with its birth year: the NIR and
                    # date of birth fields of a form, whatever box field comes before
                    glued = [after]
            if glued and (any(_run_years(g) is None for g in glued)
                          or not self._birth_year(compacted, text, start, end)):
                return None
            res = self._judge(compacted, raw == compacted, text, start, end)
            if (not glued and (res is None or res.score < FORM_BOXES_SCORE) and _boxed(raw)
                    and len(set(compacted)) >= BOXES_MIN_DISTINCT):
                # a form's NIR field, one digit per box, alone: the field is the evidence
                validation = Validation.NONE if len(compacted) == 13 else Validation.INVALID
                return Match(start, end, FORM_BOXES_SCORE, validation, "nir_boxes", compacted)
            return res

        for _m, res in finditer_resuming(_PATTERN, text, accept):
            yield res

    def _judge(self, compacted: str, compact: bool, text: str, start: int, end: int) -> Match | None:
        """The match for a candidate of 13 or 15 characters (separators removed, upper case)."""
        if len(compacted) == 13:
            if not nir.is_valid_without_key(compacted):
                return None
            if self._birth_year(compacted, text, start, end):
                return Match(start, end, BIRTH_YEAR_SCORE, Validation.NONE, "nir_birth_year", compacted)
            if self._cue_before(text, start):
                return Match(start, end, KEYLESS_CUE_SCORE, Validation.NONE, "nir_keyless_cue",
                             compacted)
            return Match(start, end, KEYLESS_SCORE, Validation.NONE, "nir_keyless", compacted)
        if nir.is_valid(compacted):
            if compact and compacted[:2] in _CARD_PREFIXES and credit_card.is_valid(compacted):
                # also a valid American Express number (34/37, Luhn): ambiguous, a card cue
                # decides (presidio-research synthetic set: 2 of 92 card numbers)
                return Match(start, end, AMBIGUOUS_SCORE, Validation.VALID, "nir", compacted)
            return Match(start, end, 1.0, Validation.VALID, "nir", compacted)
        # NIR-shaped but rejected: kept low (typos in leaks matter); reported only with the
        # NIR shape, a cue word right before it and the birth year nearby
        if (self._cue_before(text, start) and nir.is_valid_without_key(compacted[:13])
                and self._birth_year(compacted, text, start, end)):
            return Match(start, end, INVALID_CUE_SCORE, Validation.INVALID, "nir_cue", compacted)
        return Match(start, end, INVALID_SCORE, Validation.INVALID, "nir", compacted)

    @staticmethod
    def _birth_year(compacted: str, text: str, start: int, end: int) -> bool:
        """True when the candidate's sex digit is 1 or 2 and a date near it has its birth year."""
        return compacted[0] in "12" and _birth_year_near(text, start, end, compacted[1:3])

    def _cue_before(self, text: str, start: int) -> bool:
        """True when a NIR context word ends in the ``CUE_WINDOW`` characters before ``start``."""
        if start == 0:
            return False
        window = fold_keep_length(text[max(0, start - CUE_WINDOW):start])
        return self._context_re.search(window) is not None

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        """The default (a :meth:`find` match covering the stripped cell), and under a header hit
        a 13-character body with the NIR shape scores ``KEYLESS_CUE_SCORE`` (``nir_header``): the
        header or field names the number as a cue word before it does in text (a CSV's ``nir``
        column, HL7 ``PID-3`` of type ``NH``, a FHIR identifier of an INS system; the header
        boost makes it 0.75; session 9, issue 3: it was 0.35 + 0.2, barely above 0.5)."""
        m = super().match_cell(value, header_hit)
        if header_hit and m is not None and m.pattern == "nir_keyless":
            return Match(m.start, m.end, KEYLESS_CUE_SCORE, m.validation, "nir_header",
                         m.normalized)
        return m

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): cells that are one NIR-shaped candidate
        padded with spaces are decided with Polars expressions (the mod-97 key in Int64 over the
        13-digit body, 2A->19, 2B->18; the INSEE shape; the Amex ambiguity of the few candidates
        with :func:`credit_card.is_valid`); other cells (tabs, text around the number) go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.columnar import BODY, collect, fast_or_fallback, remove, result

        def compute(frame: pl.LazyFrame) -> pl.DataFrame:
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
            # a form's NIR field: 13 or 15 characters one per box (``find``: the cell is the field)
            boxed = body.str.contains(r"^[0-9A-Za-z](?: [0-9A-Za-z]){12}(?:(?: [0-9A-Za-z]){2})?$")
            # ... holding BOXES_MIN_DISTINCT characters or more (not questionnaire answers;
            # counted on the boxed cells only: Polars' cost is per row there)
            few = pl.when(boxed).then(c).otherwise(pl.lit("")).str.split("").list.n_unique()
            frame = frame.with_columns(maybe=maybe, boxed=boxed & (few >= BOXES_MIN_DISTINCT))
            frame = collect(frame.with_columns(hit=(n == 15) | pl.col("keyless") | pl.col("boxed")))
            # the few maybe-cards checked one by one as match_cell does (speed: a vectorised Luhn
            # and IIN table cost more in Polars expressions than in Python on a few values)
            flags = [False] * frame.height
            rows = frame["maybe"].arg_true()
            for r, v in zip(rows.to_list(), frame["c"].gather(rows).to_list()):
                flags[r] = credit_card.is_valid(v)
            frame = frame.with_columns(amex=pl.Series("amex", flags, dtype=pl.Boolean))
            valid, keyless, boxed = pl.col("valid"), pl.col("keyless"), pl.col("boxed")
            keyless_score = KEYLESS_CUE_SCORE if header_hit else KEYLESS_SCORE
            score = (pl.when(pl.col("amex")).then(AMBIGUOUS_SCORE).when(valid).then(1.0)
                     .when(boxed).then(FORM_BOXES_SCORE)
                     .when(keyless).then(keyless_score).otherwise(INVALID_SCORE))
            validation = (pl.when(valid).then(pl.lit(Validation.VALID.value))
                          .when(n == 13).then(pl.lit(Validation.NONE.value))
                          .otherwise(pl.lit(Validation.INVALID.value)))
            pattern = (pl.when(valid).then(pl.lit("nir")).when(boxed).then(pl.lit("nir_boxes"))
                       .when(keyless).then(pl.lit("nir_header" if header_hit else "nir_keyless"))
                       .otherwise(pl.lit("nir")))
            return result(frame, score, validation, pattern, "c", "hit")

        return fast_or_fallback(self, values, header_hit, _COLUMN_FAST, compute)

    def normalize(self, value: str) -> str:
        return nir.compact(value.replace("-", "").replace("\u00a0", ""))
