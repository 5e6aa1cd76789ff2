"""PHONE_NUMBER detector: French numbers in every written form, international ``+`` numbers,
and foreign national forms next to a phone cue.

Rule source: the French numbering plan (ARCEP, 10 digits ``0Z AB PQ MC DU``, ``+33`` without the
trunk ``0``), ITU-T E.164 country codes, the North American Numbering Plan (``NXX-NXX-XXXX``) and
Google's libphonenumber metadata through the ``phonenumbers`` package (``is_valid_number``,
default region FR; region US for NANP-grouped numbers). Written forms accepted: ``0612345678``,
``06 12 34 56 78``, ``06.12.34.56.78``, ``06-12-34-56-78``, ``+33 6 12 34 56 78``,
``+33 (0)6 12 34 56 78``, ``+330612345678`` (trunk 0 kept), ``(33) 1 45 56 78 90``,
``06/12/34/56/78``, ``0033612345678``, any ``+`` number libphonenumber calls valid
(``+44 20 7946 0958``), NANP numbers (``905-674-3793``, ``(579)888-3058``, 0.6 without cue),
and any country's national grouping (``0688 872 49 99``, ``(08) 8747 6301``, ``99 668472``,
``345-899-3560x4587``) when a strong phone cue ("tel", "phone", "mobile", "fax", "office",
"messages", "joignable"...) stands within 40 characters before it or 14 after it on the same
paragraph (0.45, the cue's context boost reports it). Dates (``12-03-2024``) and Danish CPR
numbers (``090499-3255``, ddmmyy-nnnn) are not phones.

Tables: under a phone header (``tel``, ``TelephoneNumber``, ``phone_no``...), spreadsheets drop
the leading 0 or the ``+`` (``612345678``, ``33612345678``), and a people table holds numbers in
each country's own national format (``84 23 30``, ``21 259 903 5696``): a phone-shaped cell (6 to
15 digits in groups) is then accepted at 0.5 (+ header boost); no single country's plan applies.
:meth:`PhoneDetector.match_column` decides cells without digits and whole French national
numbers with Polars (validity from libphonenumber's French patterns); the rest go through
``match_cell``.

Candidates come from one bounded regex (each repetition consumes a digit, at most 17 of them, so
the scan is linear: ../shared/cases pb-029); after a rejected candidate the search resumes one
character later (pb-037: ``00 06 12 34 56 78`` still yields ``06 12 34 56 78``). Speed (issue
6): on a text of :data:`SOM_MIN_CHARS` or more the regex is tried only at the starts one
hyperscan pass gives (:data:`_START_PATTERNS`), and a plain French number (trunk 0 or +33, nine
digits) is checked with libphonenumber's French patterns as one regex, not a ``parse``
(:func:`_valid_e164`; same matches: ``tests/detectors/test_candidate_starts.py``,
``tests/detectors/test_phone_speed_paths.py``). A ``+``
candidate that runs into following digits is shortened, group by group, to the longest valid
number.

Error preference: phone numbers have no checksum, and libphonenumber's ranges are the closest
thing to one. A valid number scores 0.7 without context (above the default ``--min-score``),
1.0 with a cue such as "tél." or "portable". A number in the French national format
(``0`` + 9 digits, or ``00`` + four pairs as pseudonymised notes write made-up numbers) that
libphonenumber finds in no assigned range is still phone-shaped (ranges get reassigned, forms
hold made-up or old numbers): 0.5 when written in two-digit groups with one separator
(``07 17 67 43 30``) or after a bracketed country code (``(66)0457053315``), 0.4 otherwise, so a
cue is needed to report a bare ``0716202677``. An international candidate libphonenumber
rejects is kept only with a known country code and 10 to 13 digits: 0.5 when grouped the French
way (``+71 5 12 21 50 01``), else 0.4 (a cue needed); far more often a reference or an amount
otherwise. A national number may follow letters without a space ("le0534526547", common in
exports), and so may a ``+`` number ("Accueil+330463566525"); digits written one per box
(``0 5 0 7 1 1 0 7 7 7``, a CERFA form's text layer, ``( 3 3 ) 6 4 2 0 4 5 6 5 7``) are read
too. The ``00`` form of made-up numbers glued or in boxes (``0057262222``,
``0 0 5 1 7 0 2 6 0 6``) is kept at 0.4 (a cue needed), ``+33`` then the national form with
its trunk 0 (``+330025071274``) at 0.5. A valid national number that continues a run of digit
groups without being grouped as a phone number (``208 04 82 195636``: a NIR written in odd
groups) scores 0.15, and one that starts with a dd-mm-yyyy date (``01-11-1994 29``) is no
phone. Cues: the words of ``context_words``, a person's title too ("Dr", "Pr", "Madame"...: a
letterhead or a list of doctors gives each one's number after the name, as EDS-Pseudo notes
do); a foreign-style number's strong cue is looked for on its own paragraph (the 40
characters before it after the last blank line, the 14 after it up to the next one).

Slips a reader still takes for a phone number (EDS-Pseudo, corpus/pii_fr_clinical_eds_pseudo:
the kinds of its misses, each rule general):

* the letter O typed for a zero in a national number in two-digit groups (``O1.42.15.93.30``,
  ``01.42.16.10.O2``): 0.4 (``fr_national_o_typo``), so a cue is needed (a title counts);
* a 0 and 8 or 9 more digits in no French form, compact or one per box (``031478923``, one
  digit short; ``0 0 0 7 6 3 3 5 3 3``) right after a strong phone cue ("téléphone",
  "téléphonique", "appeler"...: ``_STRONG_CUE``, on the paragraph as for foreign forms): 0.45
  (``cued``) plus the cue's boost;
* a bracketed country code (ITU-T E.164, libphonenumber's table), the trunk 0 and eight digits,
  one short of a French number (``(33) 0 23 25 43 13``, ``( 2 7 ) 0 3 6 6 4 4 2 4 5``): the
  bracketed code is a phone's own mark, 0.5 (``paren_short``);
* a ``+`` number libphonenumber rejects, with a known country code and 10 to 13 digits, written
  in the ITU-T E.123 international notation (compact ``+32103289483``, groups of 2 to 4 digits
  one space apart ``+33 20 19 39 00``, one digit per box ``+ 9 2 1 5 5 7 0 6 2 5 4``): as
  phone-shaped as the French grouping, 0.5; other groupings stay at 0.4.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from sentinelle._lazy import lazy_import
from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming
from sentinelle.detectors.email import COLUMN_MIN_VALUES
from sentinelle.detectors.lexicon import finditer_resuming_at, som_database, som_starts
from sentinelle.finding import Validation

#: imported on its first use (a phone candidate to validate), not at start-up (issue 6)
phonenumbers = lazy_import("phonenumbers")

_S = r"[ .\-\u00a0\u202f]"
_PATTERN = re.compile(
    # every form starts with "+", "(" or a digit: this lookahead lets the engine skip other
    # characters fast (about 4 times faster on French clinical notes, bench/phone_dates_speed.py;
    # put before both alternatives below, another 30% on lab reports: issue 6)
    # every form below needs a non-digit (ASCII) before it: tested once here, so the inside of
    # a long digit run fails at once instead of in each alternative (issue 6)
    r"(?=[+(\d])(?<![0-9])(?:"
    r"(?=[+(0-9])"
    # +33 6 12 34 56 78, +33 (0)6 12 34 56 78, +44 20 7946 0958, +1 (650) 253-0000; glued to
    # the word before as a national number may be ("Accueil+330463566525", EDS-Pseudo)
    rf"(?:(?<![0-9+])(?P<intl>\+{_S}?[1-9](?:{_S}{{0,2}}(?:\(0\){_S}?)?\(?\d\)?){{6,16}})"
    r"|(?<![0-9A-Za-z+])(?:"
    # 0033 6 12 34 56 78
    rf"(?P<idd>00{_S}?33{_S}?(?:\(0\){_S}?)?[1-9](?:{_S}?\d\d){{4}})"
    # (33) 1 45 56 78 90, (33) 0 1 45 56 78 90: the country code in brackets, as French
    # letterheads write it; (48) 1 54 47 33 44 with another code in brackets
    # ... and in boxes, one digit per box: ( 3 3 ) 6 2 3 6 7 1 7 7 7 (EDS-Pseudo)
    rf"|(?P<paren>\( ?\d ?\d ?\){_S}?(?:\(?0\)?{_S}?)?[1-9](?:{_S}?\d ?\d){{4}}"
    # ... or the trunk 0 written and one digit fewer: (33) 0 23 25 43 13, ( 2 7 ) 0 3 6 6 4 4 2 4 5
    rf"|\( ?\d ?\d ?\){_S}?\(?0\)?{_S}?[1-9](?:{_S}?\d ?\d){{3}} ?\d)"
    # a national number may follow a word without a space ("Accueil04-52-07-62-44", OCR and
    # form exports glue them); not a digit or a "+"
    r")|(?<![0-9+])(?:"
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678
    rf"(?P<national>0[1-9](?:{_S}?\d\d){{4}})"
    # 00 24 01 27 61: French-shaped but outside the plan (made-up numbers in
    # pseudonymised notes); not 00 + a national number (that is the 0033 form or a cut)
    # ... or glued, "0057262222" (a national number's ten digits; never valid: 0.4, cue needed)
    r"|(?<!\d[ .\-])(?P<zero>00(?:(?P<zsep>[ .\-])[1-9]\d(?:(?P=zsep)\d\d){3}|[1-9]\d{7}))"
    r"(?! ?[ .\-]?\d)"
    # 06/28/42/50/36
    r"|(?P<slash>0[1-9](?:/\d\d){4})"
    # 0 6 1 2 3 4 5 6 7 8: one digit per box, as a form (CERFA) reads once its text is extracted
    # (not a run cut out of a longer one: a boxed NIR holds ten boxes starting with 0)
    # (0 0 2 4 7 2 5 7 4 4: the 00 form in boxes, as the zero form)
    r"|(?<!\d[ .\-])(?P<boxed>0(?: ?[ .\-] ?[1-9](?: ?[ .\-] ?\d){8}"
    r"|(?: ?[ .\-] ?0)(?: ?[ .\-] ?[1-9])(?: ?[ .\-] ?\d){7}))(?! ?[ .\-] ?\d)"
    # a 0 and 8 or 9 more digits that no form above took, compact or one per box ("031478923",
    # "0 0 0 7 6 3 3 5 3 3"): a phone only right after a strong phone cue (_accept_cued)
    r"|(?P<cued>0(?<!\d[ .\-]0)(?:\d{8}|(?: \d){8,9}(?! \d)))"
    r"))(?![0-9])"
    # phone-shaped digit groups in any country's style: 905-674-3793, (579)888-3058,
    # 0688 872 49 99, (08) 8747 6301, 345-899-3560x4587 (a cue or a valid US number needed;
    # tried last, after every French form)
    r"|(?<![0-9A-Za-z+(])(?P<loose>(?:\(\d{1,4}\) ?|\d{2,5}[ .\-])(?:\d{2,5}[ .\-]){0,3}\d{2,8}"
    r"(?: ?(?:x|ext\.?) ?\d{1,5})?)(?! ?[.\-]?\d)"
    r")"
)
#: on a text of this many characters or more, :data:`_PATTERN` is tried only at the starts
#: :data:`_START_PATTERNS` gives (one hyperscan pass instead of the regex entering its
#: lookbehinds at each digit: issue 6, about half the detector's time on lab reports)
SOM_MIN_CHARS = 2048


def _start_patterns() -> tuple[bytes, ...]:
    """Hyperscan byte patterns (:func:`~sentinelle.detectors.lexicon.som_starts`: a class for
    the character before the candidate, then fixed-length prefixes; ``?`` stands for any
    character outside Latin-1) whose starts hold every start of a :data:`_PATTERN` match that
    :func:`_accept` may keep: the first characters each form needs. A ``loose`` run of at
    most 4 digits, a separator and 2 digits that ends there holds at most 6 digits, which
    :func:`_accept_loose` rejects (a position left out is one whose match would be rejected:
    :func:`~sentinelle.detectors.lexicon.finditer_resuming_at`). Checked against the regex alone
    (``tests/detectors/test_phone_speed_paths.py``)."""
    d, n, s, b = b"[0-9?]", b"[^0-9]", b"[ .\\-\\xa0?]", b"[ .\\-]"
    pats = [
        n + b"\\+[1-9]", n + b"\\+" + s + b"[1-9]",            # intl
        n + b"0" + d * 3,                                        # national, zero, idd, cued
        n + b"0[1-9]" + s + d + d,                               # national in groups
        n + b"00" + s + b"[1-9]",                                # zero, idd in groups
        n + b"0[1-9]/" + d + d + b"/" + d + d + b"/",            # slash
        n + b"0 " + d + b" " + d,                                # cued, one digit per box
    ]
    # paren: \( ?\d ?\d ?\); loose: \(\d{1,4}\)
    pats += [n + b"\\(" + (b" " if gaps & 1 else b"") + d + (b" " if gaps & 2 else b"") + d
             + (b" " if gaps & 4 else b"") + b"\\)" for gaps in range(8)]
    pats += [n + b"\\(" + d * k + b"\\)" for k in (1, 3, 4)]
    for gaps in range(16):  # boxed: 0 ?[ .-] ?[0-9] ?[ .-] ?\d
        sp = [b" " if gaps >> k & 1 else b"" for k in range(4)]
        pats.append(n + b"0" + sp[0] + b + sp[1] + b"[0-9]" + sp[2] + b + sp[3] + d)
    # loose: \d{2,5}[ .-] then a second group of 3 digits or more, or of 2 and a third group
    # (with 4 digits or fewer in the first group, fewer digits are below the 7 needed)
    for k in (2, 3, 4):
        pats += [n + d * k + b + d * 3, n + d * k + b + d * 2 + b + d]
    pats += [n + d * 5 + b + d + d]
    return tuple(pats)


_START_PATTERNS = _start_patterns()
#: a French national number in two-digit groups with the letter O typed for a zero
#: ("O1.42.15.93.30", "01.42.16.10.O2"); one separator repeated, an O somewhere (checked in
#: _o_typos); a phone only with a cue (context boost)
_O_TYPO = re.compile(r"(?<![0-9A-Za-z])[0O][1-9]([ .\-])[0-9O]{2}(?:\1[0-9O]{2}){3}(?![0-9A-Za-z])")
#: an O next to a digit: where :data:`_O_TYPO` is tried
_O_NEAR_DIGIT = re.compile(r"O(?:(?=\d)|(?<=\dO))")
#: score of a national number with an O for a 0: reported only with a cue (context boost)
O_TYPO_SCORE = 0.4
#: a digit and one separator: what comes before a candidate that continues a run of digits
_IN_RUN = re.compile(r"\d[ .\-]$")
#: score of a valid national number that continues a run of digit groups without being
#: grouped as a phone number ("208 04 82 195636"): kept low, a cue does not lift it over 0.5
IN_RUN_SCORE = 0.15
#: a date at the start of a national candidate ("01-11-1994 29": dd-mm-yyyy, then a number)
_DATE_START = re.compile(r"\d\d([./\-])\d\d\1(?:19|20)\d\d")
#: a national number in 2-digit groups with one repeated separator ("07 17 67 43 30")
_GROUPED = re.compile(r"0\d([ .\-])\d\d(?:\1\d\d){3}")
#: score of a French-format number that libphonenumber finds in no assigned range: reported when
#: grouped like a phone number, otherwise only with a cue (context boost)
UNASSIGNED_GROUPED_SCORE = 0.5
UNASSIGNED_SCORE = 0.4
#: six digits, a dash, four digits: the Danish CPR number form (ddmmyy-nnnn, CPR-loven), seen
#: in the NationalID column of corpus/people_tables; no French number is written so
_ID_SHAPE = re.compile(r"\d{6}-\d{4}")
#: "+71 5 12 21 50 01": a country code, one digit, four pairs, one repeated separator
_GROUPED_INTL = re.compile(r"\+\d{1,3}([ .\-])\d(?:\1\d\d){4}")
#: the E.123 international notation (ITU-T E.123 7.1: "+", the country code, digit groups one
#: space apart) of a + number libphonenumber rejects: compact, groups of 2 to 4 digits, or one
#: digit per form box
_E123_INTL = re.compile(r"\+\d+|\+\d{1,3}(?: \d{2,4})+|\+ ?\d(?: \d)+")
#: score of a foreign-style number next to a strong phone cue (the cue adds the context boost)
LOOSE_SCORE = 0.45
_EXTENSION = re.compile(r" ?(?:x|ext\.?) ?\d{1,5}$")
#: dates and times written with the separators of phone numbers ("12-03-2024", "2024.03.12")
_DATE_SHAPE = re.compile(r"\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d\d)|\d{4}[./\-]\d\d[./\-]\d\d")
#: NANP grouping: (579)888-3058, 905-674-3793, 930.167.3943, 905 674 3793
_NANP_SHAPE = re.compile(r"(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}")
#: cues that make a foreign-style digit run a phone number (folded); the generic French
#: "numero" or "contact" are not enough for a run of digits that could be anything
_STRONG_CUE = re.compile(
    r"(?<![a-z])(?:t[eé]l|tel\.|t[eé]l[eé]phone|phone|mobile|portable|fax|gsm|cell|office|desk"
    r"|call|calling|messages?|sms|text me|answering|whatsapp|joignables?|standard|secr[eé]tariat"
    r"|landline|dial|t[eé]l[eé]phoniques?|appel(?:er|ez))(?![a-z])"
)
_NON_DIGIT = re.compile(r"\D")
_GROUP_END = re.compile(rf"(?<=[0-9)]){_S}")
#: a phone-shaped cell: digit groups with spaces, dots, dashes, brackets, an optional "+"
_CELL_SHAPE = re.compile(r"\+?\d{6,15}|\+?(?:\(\d{1,5}\) ?)?\d{1,8}(?:[ .\-/]\(?\d{1,8}\)?){0,6}")
_CELL_9 = re.compile(r"[1-9]\d{8}")
_CELL_E164_NO_PLUS = re.compile(r"(?:33|32|41|352)\d{8,9}")


@functools.lru_cache(maxsize=1 << 14)  # numbers repeat across rows and files; callers only read it
def _parse_valid(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        num = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return None
    return num if phonenumbers.is_valid_number(num) else None


@functools.lru_cache(maxsize=1 << 12)
def _parse_valid_in(digits: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    return num if phonenumbers.is_valid_number(num) else None


def _e164(num: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


#: a French number that libphonenumber reads without any choice to make: the trunk 0 or +33,
#: then the nine digits of the national number (ASCII digits, ASCII separators)
_FR_PLAIN = re.compile(r"(?:\+33[ .\-]{0,2}|0)([1-9](?:[ .\-]{0,2}[0-9]){8})", re.ASCII)


@functools.lru_cache(maxsize=1)
def _fr_nsn_valid():
    """``nsn -> bool`` for a 9-digit French national number: libphonenumber's validity (its
    general pattern and one number type's pattern, :func:`_fr_valid_regex`), as one regex
    test instead of a ``parse`` (issue 6: most of the detector's time on clinical notes)."""
    types_re, general_re = _fr_valid_regex()
    types, general = re.compile(types_re).match, re.compile(general_re).match
    return lambda nsn: general(nsn) is not None and types(nsn) is not None


def _valid_e164(raw: str) -> str | None:
    """The E.164 form of ``raw`` when libphonenumber calls it a valid number (default region
    FR), else None: :func:`_parse_valid` then :func:`_e164`, with the plain French forms
    (:data:`_FR_PLAIN`) decided by :func:`_fr_nsn_valid` (the same answer:
    ``tests/detectors/test_phone_speed_paths.py``)."""
    m = _FR_PLAIN.fullmatch(raw)
    if m is not None:
        nsn = m.group(1)
        if len(nsn) != 9:
            nsn = _NON_DIGIT.sub("", nsn)
        return "+33" + nsn if _fr_nsn_valid()(nsn) else None
    num = _parse_valid(raw)
    return None if num is None else _e164(num)


def _accept(m: re.Match[str], memo: list[int] | None = None) -> Match | None:
    raw = m.group(0)
    start = m.start()
    # the named group that closed last is the form: "loose", "intl", "idd", "paren",
    # "national", "zero" (around its "zsep"), "slash" or "boxed"
    kind = m.lastgroup
    if kind == "loose":
        return _accept_loose(m, memo)
    if kind == "cued":
        return _accept_cued(m)
    if kind != "intl":
        digits = _NON_DIGIT.sub("", raw)
        if kind == "national" and _ID_SHAPE.fullmatch(raw):
            return None  # "090499-3255": a Danish CPR number (ddmmyy-nnnn), not a phone
        if kind == "national" and _DATE_START.match(raw):
            return None  # "01-11-1994 29": a date (dd-mm-yyyy) and the next number, not a phone
        e164 = None
        if kind == "paren" and digits[2] == "0" and len(digits) == 11:
            # the trunk 0 and eight digits after a bracketed country code: one digit short of
            # a French number, kept as phone-shaped when the code is a country's (ITU-T E.164)
            if int(digits[:2]) not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                return None
            return Match(start, m.end(), UNASSIGNED_GROUPED_SCORE, Validation.NONE,
                         "paren_short", "+" + digits[:2] + digits[3:])
        if kind == "paren":
            if digits.startswith("33"):
                digits = "33" + digits[2:].lstrip("0")
                e164 = _valid_e164("+" + digits)
            else:
                digits = "+" + digits
        elif kind != "zero" and not (kind == "boxed" and digits.startswith("00")):
            # (the 00 form in boxes is no French number either)
            e164 = _valid_e164(digits)
        if e164 is not None:
            if kind == "national" and _IN_RUN.search(m.string, max(0, start - 2), start) \
                    and not _GROUPED.fullmatch(raw):
                # "208 04 82 195636", "280 0765152590": the tail of a longer run of digit
                # groups (a NIR written in odd groups, EDS-Pseudo), not written as a phone
                # number is: kept, below the threshold even with a cue
                return Match(start, m.end(), IN_RUN_SCORE, Validation.VALID, "fr_national_in_run",
                             e164)
            return Match(start, m.end(), 0.7, Validation.VALID, f"fr_{kind}", e164)
        if kind == "idd":
            return None
        # a French-format number in no assigned range (unassigned today, reassigned, or made
        # up for a form): phone-shaped, so kept with a lower score
        # a bracketed country code is a phone's own mark: as strong as grouping
        grouped = _GROUPED.fullmatch(raw) or kind == "paren"
        score = UNASSIGNED_GROUPED_SCORE if grouped else UNASSIGNED_SCORE
        norm = digits if digits.startswith("+") else "+33" + digits[1:]
        return Match(start, m.end(), score, Validation.NONE, f"fr_{kind}_unassigned", norm)
    # "+..." candidate: the longest valid prefix that ends a digit group
    ends = [len(raw.rstrip(")"))] + [g.start() for g in _GROUP_END.finditer(raw)][::-1]
    seen: set[int] = set()
    for end in ends:
        if end in seen:
            continue
        seen.add(end)
        cand = raw[:end]
        if sum(c.isdigit() for c in cand) < 7:
            break
        e164 = _valid_e164(cand)
        if e164 is not None:
            return Match(start, start + end, 0.7, Validation.VALID, "international", e164)
    # "+33 0463566525": the trunk 0 kept after the country code (a common slip)
    digits = "".join(c for c in raw[:ends[0]] if c.isdigit())
    if digits.startswith("330") and len(digits) == 12:
        e164 = _valid_e164("+33" + digits[3:])
        if e164 is not None:
            return Match(start, start + ends[0], 0.7, Validation.VALID, "international_trunk0",
                         e164)
    # no valid prefix: a "+", a known country code and 10 to 13 digits is still phone-shaped (a made-up or foreign
    # number libphonenumber does not know); kept low, so a cue is needed
    cand = raw[:ends[0]]
    digits = "".join(c for c in cand if c.isdigit())
    if 10 <= len(digits) <= 13 and _known_country_code(digits):
        # written in the French way (+CC d dd dd dd dd): as phone-shaped as a grouped number
        # ... and so is the French national form after +33 (+33 0 and nine digits, the trunk 0
        # kept: "+330025071274")
        # ... and so is the E.123 international form: compact, in groups of 2 to 4 digits one
        # space apart, or one digit per box (+32103289483, +33 20 19 39 00, + 9 2 1 5 5 7 ...)
        score = UNASSIGNED_GROUPED_SCORE if _GROUPED_INTL.fullmatch(cand) \
            or _E123_INTL.fullmatch(cand) \
            or (digits.startswith("330") and len(digits) == 12) else UNASSIGNED_SCORE
        return Match(start, start + len(cand), score, Validation.NONE,
                     "international_unassigned", "+" + digits)
    return None


def _known_country_code(digits: str) -> bool:
    """True when ``digits`` starts with an ITU-T E.164 country code (libphonenumber's table)."""
    table = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
    return any(int(digits[:k]) in table for k in (1, 2, 3))


def _o_typos(text: str) -> Iterator[Match]:
    """French national numbers in two-digit groups with the letter O typed for a zero (a
    keyboard slip: "Dr I. POLTAO O1.42.15.93.30"): the digits with every O read as 0 are
    phone-shaped; kept at ``O_TYPO_SCORE``, so a cue (context boost) is needed."""
    # (speed) only around an O next to a digit: a literal first character, searched fast
    last = 0
    n = len(text)
    for hit in _O_NEAR_DIGIT.finditer(text):
        p = hit.start()
        if p < last:
            continue
        for m in _O_TYPO.finditer(text, max(last, p - 13), min(n, p + 15)):
            if m.start() <= p < m.end():
                digits = _NON_DIGIT.sub("", m.group(0).replace("O", "0"))
                yield Match(m.start(), m.end(), O_TYPO_SCORE, Validation.NONE,
                            "fr_national_o_typo", "+33" + digits[1:])
                last = m.end()
                break


def _strong_cue_before(text: str, start: int, end: int) -> bool:
    """True when a strong phone cue (:data:`_STRONG_CUE`) stands on the candidate's paragraph:
    in the part of the 40 characters before it that follows a blank line, or the part of the
    14 after it that precedes one."""
    before = text[max(0, start - 40):start]
    after = text[end:end + 14]
    if "\n\n" in before:
        before = before[before.rindex("\n\n"):]
    if "\n\n" in after:
        after = after[:after.index("\n\n")]
    # one lower() of the whole (the same letters: only a Greek final sigma depends on what
    # follows it, and no sigma is a cue letter)
    return _STRONG_CUE.search((before + " " + after).lower()) is not None


def _accept_cued(m: re.Match[str]) -> Match | None:
    """A 0 and 8 or 9 more digits in no French form (one digit short, "031478923", or the 00
    form with a third 0 in boxes, "0 0 0 7 6 3 3 5 3 3"): a phone number only next to a strong
    phone cue ("appeler notre ligne téléphonique 031478923"), as a reader takes it; scored as a
    foreign-style number (``LOOSE_SCORE``, the cue's context boost reports it)."""
    if not _strong_cue_before(m.string, m.start(), m.end()):
        return None
    digits = _NON_DIGIT.sub("", m.group(0))
    return Match(m.start(), m.end(), LOOSE_SCORE, Validation.NONE, "cued", "+33" + digits[1:])


#: what lies between the starts of two ``loose`` candidates with the same end (digit groups)
_GROUP_CHARS = frozenset("0123456789 .-()")
#: the first letters of the words :data:`_STRONG_CUE` matches (lower case)
_CUE_FIRST = "acdfgjlmopstw"


def _no_cue_as_before(text: str, memo: list[int] | None, start: int, end: int) -> bool:
    """True when the candidate ``start:end`` has no strong cue because the candidate ``memo``
    (``[start, end]``, one :func:`_strong_cue_before` found none for) has none (session 8,
    speed: the tails of a spaced NIR, "06 74 012 675 61", "74 012 675 61", "012 675 61", and
    of a timestamp, "2021-10-10 08", "10-10 08", were each checked). Same end, a later start
    and only digit groups between the starts: the 14 characters after are the same and the
    40 before lie inside the earlier candidate's 40 (the digits between hold no cue letter, a
    paragraph break before cuts both at the same place), except where a word is cut at the
    left edge of the later window: so not where a letter is followed by the first letter of
    a cue (the window would start inside a word, "hôtel" read as "tel")."""
    if not memo or memo[1] != end or not memo[0] < start:
        return False
    if start > 40 and text[start - 41].isalpha() and text[start - 40].lower()[:1] in _CUE_FIRST:
        return False
    return _GROUP_CHARS.issuperset(text[memo[0]:start])


def _accept_loose(m: re.Match[str], memo: list[int] | None = None) -> Match | None:
    """A phone-shaped run of digit groups in a foreign style: a valid US/Canada number
    (NANP, 10 digits) is reported, anything else only next to a strong phone cue.
    ``memo``: ``[start, end]`` of the last candidate found without a cue, kept up to date
    (:func:`_no_cue_as_before`), or None."""
    raw = m.group(0)
    start, end = m.start(), m.end()
    main = _EXTENSION.sub("", raw) if "x" in raw else raw  # "x" or "ext" before an extension
    digits = _NON_DIGIT.sub("", main)
    if not 7 <= len(digits) <= 15 or _DATE_SHAPE.fullmatch(main):
        return None
    num = _parse_valid_in(digits, "US") if len(digits) == 10 and _NANP_SHAPE.fullmatch(main) else None
    if num is not None:
        return Match(start, end, 0.6, Validation.VALID, "nanp", _e164(num))
    # the cue is looked for on the candidate's paragraph only
    if _no_cue_as_before(m.string, memo, start, end):
        return None
    if not _strong_cue_before(m.string, start, end):
        if memo is not None:
            memo[:] = (start, end)
        return None
    return Match(start, end, LOOSE_SCORE, Validation.NONE, "loose", digits)


class PhoneDetector(Detector):
    validation_rule = "numbering plan (phonenumbers)"
    rule_source = "ARCEP French numbering plan; ITU-T E.164"
    #: "+", "(33)", or a 0 followed by a digit 1-9 (national, slash, boxed and 00 33 forms)
    #: ... or, for foreign-style numbers (see _accept_loose), a NANP shape, a bracketed code or
    #: a strong phone cue (on folded text: "tél" is "tel")
    #: ... or an O typed for the first 0 (folded "o1.42.15.93.30", :data:`_O_TYPO`)
    prefilter = (r"\+|\( ?\d|0 ?[ .\-\u00a0\u202f]? ?[1-9]|\d\d\d[ .\-]\d\d\d[ .\-]\d\d\d\d|o[1-9][ .\-]\d"
                 r"|tel|phone|mobile|portable|fax|gsm|cell|office|desk|call|message|sms|text me"
                 r"|answering|whatsapp|joignable|standard|secretariat|landline|dial")
    name = "phone"
    entity = "PHONE_NUMBER"
    context_words = (
        "numero", "numeros", "n de tel", "tel", "tels", "telephone", "telephones", "telephoner",
        "portable", "mobile", "fixe", "domicile", "standard", "fax", "gsm", "joindre", "appeler",
        "rappeler", "contact", "contacter", "sms", "phone", "cell", "cellphone", "call",
        "whatsapp", "office", "desk", "message", "messages", "answering", "joignable",
        "joignables", "secretariat", "landline", "dial", "faxer", "telephonique",
        # a person's title: a letterhead or a list of doctors gives a number after the name
        # ("Dr A. DAGENS 0716202677", "Pr CORREA Louise\n0 0 5 1 7 0 2 6 0 6": EDS-Pseudo)
        "dr", "docteur", "pr", "professeur", "interne", "madame", "monsieur", "mme",
        "mademoiselle", "mlle",
    )
    header_pattern = (r"(^|_)(tel|tels|telephone|telephones|phone|phones|portable|mobile|gsm|"
                      r"fixe|fax|cellulaire|cell|numtel|teldom|telport|msisdn)"
                      r"(_?(?:number|numbers|num|no|nr))?(\d*)(_|$)"
                      # a column named "contact" of a patient file holds the number (session 10
                      # new-user fault: 9-digit numbers, the 0 dropped by a spreadsheet, missed);
                      # "nom_contact", "contact_email" name other things
                      r"|^contacts?(_(?:urgence|patient|famille|proche|principal))?\d*$")
    value_threshold = 0.6
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Les numéros sont 01 99 00 12 34 et 06 98 76 54 32.", "01 99 00 12 34"),  # pb-004
            ("Mon numéro : 04.65.71.12.34, ou", "04.65.71.12.34"),                      # pb-019
            ("ou +33 6 98 76 54 32.", "+33 6 98 76 54 32"),                              # pb-019
            ("Tél. 04 65 71 12 34", "04 65 71 12 34"),                                   # pb-031
            ("Réf. 00 06 12 34 56 78 (portable)", "06 12 34 56 78"),                     # pb-037
            ("appeler le +33 (0)6 12 34 56 78 demain", "+33 (0)6 12 34 56 78"),
            ("0033612345678", "0033612345678"),
            ("fax 06-12-34-56-78", "06-12-34-56-78"),
            ("London office +44 20 7946 0958", "+44 20 7946 0958"),
            # French letterhead form, seen in EDS-Pseudo snippets (corpus/pii_fr_clinical_eds_pseudo)
            ("Téléphone : (33) 1 45 56 78 90 - Fax", "(33) 1 45 56 78 90"),
            ("Dr A. Anan 06/28/42/50/36", "06/28/42/50/36"),
            # the forms below are also from EDS-Pseudo snippets (hand-checked)
            ("Tel: 0 1 5 6 3 1 5 2 5 6", "0 1 5 6 3 1 5 2 5 6"),      # one digit per form box
            ("Accueil04-52-07-62-44", "04-52-07-62-44"),              # glued to the word before
            ("Dr VUARNESSON 07 17 67 43 30", "07 17 67 43 30"),       # unassigned range, grouped
            ("appeler notre ligne au 0711326756", "0711326756"),      # unassigned, with a cue
            ("Dr B. Lenoir O1.45.67.23.89 Dr", "O1.45.67.23.89"),     # O for 0, title cue
        ),
        negatives=(
            "Lot 0012345678 expédié",          # 00 is an international prefix: +12345678 is invalid
            "0000000000",                      # no such range
            "le 06/12/1984 à 10h",             # a date with slashes is not a phone number
            "Commande 0716202677 expédiée",    # unassigned range, not grouped, no cue: 0.4
            "Tel 2 7 3 0 3 8 1 8 2 3 5 3 8",   # ten boxes inside a boxed NIR body (EDS-Pseudo)
            "12-34-56-12-34-56-12-34-56-",    # pb-029 digit soup
            "Montant 00 06 12 34 56",         # 00 prefix, too short after it
            "n° 12345678901234",
            "ISBN 978-2-07-036822-8",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        som_database(_START_PATTERNS)  # loaded (or compiled) with the detector, not on its first text

    def find(self, text: str) -> Iterator[Match]:
        starts = som_starts(_START_PATTERNS, text) if len(text) >= SOM_MIN_CHARS else None
        memo: list[int] = []  # the last loose candidate without a cue (_no_cue_as_before)

        def accept(m: re.Match[str]) -> Match | None:
            return _accept(m, memo)

        hits = finditer_resuming(_PATTERN, text, accept) if starts is None \
            else finditer_resuming_at(_PATTERN, text, starts, accept)
        found = [res for _m, res in hits]
        if "O" in text:
            typos = list(_o_typos(text))
            if typos:
                # a number read up to the typo ("04.72.11.30" of "04.72.11.30.O6") is its part
                found = [r for r in found
                         if not any(t.start <= r.start and r.end <= t.end for t in typos)]
                found = sorted(found + typos, key=lambda r: r.start)
        yield from found

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        m = super().match_cell(value, header_hit)
        if m is not None or not header_hit:
            return m
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        end = lead + len(stripped)
        # under a phone header, spreadsheets drop the leading 0 (612345678) or the "+" (33612345678)
        num = None
        if _CELL_9.fullmatch(stripped):
            num = _parse_valid("0" + stripped)
        elif _CELL_E164_NO_PLUS.fullmatch(stripped):
            num = _parse_valid("+" + stripped)
        if num is not None:
            return Match(lead, end, 0.7, Validation.VALID, "cell_digits", _e164(num))
        # ... and a people table holds numbers in each country's own national format
        # ("84 23 30", "21 259 903 5696", "082 490 1693"): under the header, the shape is the
        # evidence (6 to 15 digits in groups), no numbering plan of a single country applies
        if _CELL_SHAPE.fullmatch(stripped) and not _DATE_SHAPE.fullmatch(stripped):
            digits = "".join(c for c in stripped if c.isdigit())
            if 6 <= len(digits) <= 15:
                return Match(lead, end, UNASSIGNED_GROUPED_SCORE, Validation.NONE, "cell_shape",
                             ("+" if stripped.startswith("+") else "") + digits)
        return None

    def match_column(self, values, header_hit: bool):
        if len(values) < COLUMN_MIN_VALUES:  # Polars' fixed cost (~1 ms per expression) loses
            return super().match_column(values, header_hit)
        return _match_column(self, values, header_hit)

    def normalize(self, value: str) -> str:
        num = _parse_valid(value)
        if num is not None:
            return _e164(num)
        return "".join(c for c in value if c.isdigit() or c == "+")


@functools.lru_cache(maxsize=1)
def _fr_valid_regex() -> tuple[str, str]:
    """One regex over the 9-digit French national number (without the trunk 0) that holds
    exactly when libphonenumber calls it valid: its general pattern and one number type's
    pattern (read from the ``phonenumbers`` metadata, not copied)."""
    md = phonenumbers.PhoneMetadata.metadata_for_region("FR")
    types = [getattr(md, k) for k in ("fixed_line", "mobile", "toll_free", "premium_rate",
                                      "shared_cost", "personal_number", "voip", "pager", "uan",
                                      "voicemail")]
    pats = [d.national_number_pattern for d in types if d is not None and d.national_number_pattern]
    return "^(?:" + "|".join(f"(?:{p})" for p in pats) + ")$", f"^(?:{md.general_desc.national_number_pattern})$"


_SEP_CLASS = "[ .\\-\u00a0\u202f]"
#: a whole cell in the French national form (no blank around it): decided by Polars alone
_COLUMN_NATIONAL = rf"^0[1-9](?:{_SEP_CLASS}?\d\d){{4}}$"
#: _GROUPED without a backreference (Polars regex has none): one separator repeated
_COLUMN_GROUPED = "^0\\d(?:" + "|".join(
    rf"{re.escape(c)}\d\d(?:{re.escape(c)}\d\d){{3}}" for c in " .-") + ")$"


#: a whole cell in the French international form, spaces or none: ``+33 6 12 34 56 78``
_COLUMN_INTL_FR = r"^\+33 ?[1-9](?: ?[0-9]{2}){4}$"


def _match_column(det: "PhoneDetector", values, header_hit: bool,
                  min_decided: int = COLUMN_MIN_VALUES):
    """:meth:`PhoneDetector.match_column`: Polars decides the cells without any digit (no
    number), the cells that are a French national number filling the cell (``0612345678``,
    ``06 12 34 56 78``; valid per libphonenumber's French patterns, else unassigned at 0.5 /
    0.4 like :func:`_accept`) and the valid French numbers in international form filling the
    cell (``+33 6 12 34 56 78``: 0.7, ``international``, as the whole candidate is valid);
    every other cell goes through :meth:`PhoneDetector.match_cell`."""
    import polars as pl

    from sentinelle.detectors.columnar import decide

    types_re, general_re = _fr_valid_regex()
    v = pl.col("v")
    intl = v.str.contains(_COLUMN_INTL_FR)
    national_shape = v.str.contains(_COLUMN_NATIONAL)
    # "\d" as the text pattern's (any decimal digit, ASCII or not)
    no_digit = ~v.str.contains(r"\d")
    # the national number: after the trunk 0, or after "+33"
    digits = v.str.replace_all(r"\D", "")
    nn = pl.when(intl).then(digits.str.slice(2)).otherwise(digits.str.slice(1))
    valid = nn.str.contains(general_re) & nn.str.contains(types_re)
    grouped = v.str.contains(_COLUMN_GROUPED)
    national = (national_shape & ~v.str.contains(r"^\d{6}-\d{4}$")) | (intl & valid)
    columns = dict(
        start=pl.lit(0, pl.Int32),
        end=v.str.len_chars().cast(pl.Int32),
        score=pl.when(valid).then(0.7).when(grouped).then(UNASSIGNED_GROUPED_SCORE)
        .otherwise(UNASSIGNED_SCORE),
        validation=pl.when(valid).then(pl.lit("valid")).otherwise(pl.lit("none")),
        pattern=pl.when(intl).then(pl.lit("international")).when(valid).then(pl.lit("fr_national"))
        .otherwise(pl.lit("fr_national_unassigned")),
        normalized=pl.lit("+33") + nn,
        entity=pl.lit(None, pl.Utf8),
    )
    # a column of foreign or odd forms (a people table, fewer than ``min_decided`` cells of
    # the French forms or without digits): nothing for Polars to decide, all through match_cell
    return decide(det, values, header_hit, columns, no_digit | national, national,
                  enough=national_shape | intl | no_digit, min_rows=min_decided)
