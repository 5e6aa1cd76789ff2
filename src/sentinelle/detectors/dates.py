"""DATE_OF_BIRTH and DATE_TIME detectors: calendar dates in French (and English) writing.

Rule sources: ISO 8601 (``2024-11-05``, ``2024-11-05 08:42:13.120000``, ``2024-12-02T09:15:00Z``,
compact ``20241105`` and HL7 v2 ``DTM`` ``YYYYMMDD[HHMM[SS]]``), the French numeric order
day/month/year of the Imprimerie nationale "Lexique des règles typographiques" (``14/02/1979`` is
14 February; ``dd/mm/yy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``22|8|1923``, spaced ``20 12 2003``,
one digit per form box ``1 2 0 5 1 9 5 0``, ``ddmmyyyy`` right after "le"/"du"/"au") and French
month names with the ordinal ``1er`` (``1er mars 1987``, ``janvier 2024``, ``15 août``, glued
``28nov``, ``dec1993``), month and year ``03/2024`` (see below); English month names too
(``March 1, 1987``, ``1 March 1987``, ``Sept 01,2026``) and the US order month/day/year
(``3/29/1982``) when the French reading is no calendar date (a column can be switched to month
first as a whole: :meth:`_DateColumns.for_column`).
Every candidate is checked as a real calendar date with :mod:`datetime` (month 13 and 31/02 are
not dates: ../shared/cases pb-023). A year alone is a date only after a word of time ("en 2003",
"in 1977", "depuis 2010", "since", "during", "until") or heading a history list item
("- 1954 Appendicectomie"); never after "né(e) en" (a birth year alone, ../shared/cases pb-017)
nor after "de"/"of" (quantities, titles). An 8-digit number in free text is a date only between
HL7 delimiters (``|``, ``^``), after "le"/"du"/"au" (``ddmmyyyy``) or in a table column whose
header names a date. A run of 16 or more boxed digits (two form fields written one after the
other) gives the dates that open or close it.

Month and year in digits (``mm/yyyy``, normalised to ISO 8601:2004 §4.1.2.3 a), reduced
accuracy "a specific month" ``YYYY-MM``): the French numeric order above with the day left out.
No file of ../shared/corpus writes a month so (searched in session 8: no form number or corpus
file can be cited for it); the rule comes from the session 7 review ("en 03/2024" was not
found) and is tested on synthetic sentences. Because the same shape numbers documents
("Arrêté n° 12/2019", "réf. 03/2021", "Page 11/2012"), a month/year is never read right after a
word that numbers (:data:`_NUMBER_CUE_BEFORE`: n°, no, réf, page, p., titre, lot, version,
dossier, arrêté, décret, loi, ...); a one-digit month or a ``.``/``-`` separator only right
after a word of time (``en 3/2024``, ``depuis 11.2019``, the year-alone rule's words); and
``mm/yyyy`` is reported at 0.6 only in a context of dates (:func:`_month_year_cued`: a word of
time or "du"/"au"/"entre" right before it, a word of a dated act earlier on its line, "date de
prélèvement : 03/2024", or a range of two month/years), else at
:data:`MONTH_YEAR_BARE_SCORE`, below the default ``--min-score`` (a table cell ``12/2019`` is a
date only under a date header).

Two labels, two detectors sharing one scanner: :class:`DateTimeDetector` yields every date at
0.6 (a month/year out of a context of dates at :data:`MONTH_YEAR_BARE_SCORE`);
:class:`DateOfBirthDetector` yields at 0.9, so overlap resolution in the pipeline keeps
DATE_OF_BIRTH, the full dates that are birth dates by their surroundings: a birth cue before
them on the same line (within 30 characters, no digit in between: "né le", "date de naissance",
"DDN", "DOB", "born", "mise au monde", the sex column ``| F |`` of a patient line), an age just
after them ("30-12-1974 (27 ans)"), or a date at least :data:`BIRTH_GAP_YEARS` years before the
latest full date of the same text and not preceded by a word of an event ("prélevé le", "du",
"depuis", ...): a patient's birth date beside the visit, sample and report dates; or a date
beside a NIR (the run of digits right before or after it, or on the line above) whose birth
year digits are the date's year: an identity line, name, NIR, birth date
(:func:`_nir_year_beside`). In tables, a
birth header (``date_naissance``, ``ddn``, ``dob``, ``Birthday``, HL7 ``PID-7``) gives
DATE_OF_BIRTH (header required); a date header or a column of date-looking values gives
DATE_TIME. ``match_column`` decides whole ISO and ``d/m/yyyy`` cells with Polars
(``str.to_date`` checks the calendar); the rest go through ``match_cell``.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so any valid
date is reported as DATE_TIME (0.6, above the default ``--min-score``; a month/year out of a
context of dates below it, see above); a birth date without cue
is reported as DATE_TIME rather than missed. The reverse error (an address number or a lot code
read as a date) is avoided by the calendar check and by never reading bare numbers as dates.
The relative-year rule can take an old event date of a text spanning 16 years or more for a birth
date when no event word precedes it (the label changes, the finding stays).
Speed (issue 6): on a text of :data:`CANDIDATE_MIN_CHARS` characters or more, one hyperscan pass
(:func:`_candidates`) gives the places where a date can start, and the date regexes are tried
there only (same matches: ``tests/detectors/test_candidate_starts.py``); the birth and event
cues read their first letter before their lookbehinds.
``normalize`` gives ISO ``yyyy-mm-dd`` (``yyyy-mm`` and ``--mm-dd`` for partial dates, a time
appended as ``Thh:mm[:ss]``) so one date written two ways hashes the same.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Iterator, NamedTuple

from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming, fold_keep_length
from sentinelle.detectors.email import COLUMN_MIN_VALUES
from sentinelle.finding import Validation



#: folded month names and abbreviations -> month number. Abbreviations (value > 100) need a day
#: and a year around them: "mar", "dec", "jan" alone are words or names.
_MONTHS: dict[str, int] = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "janv": 101, "fevr": 102, "fev": 102, "avr": 104, "juil": 107, "sept": 109, "oct": 110,
    "nov": 111, "dec": 112, "jan": 101, "feb": 102, "mar": 103, "apr": 104, "jun": 106,
    "jul": 107, "aug": 108, "sep": 109,
}


def _trie(words: list[str]) -> str:
    """A regex matching exactly what ``"|".join(sorted(words, key=len, reverse=True))`` does,
    written as a trie of its letters (``ma(?:i|r(?:ch|s)?|y)``): at one position the longer of
    two words one of which starts the other is tried first, as in the longest-first
    alternation, and two words that differ cannot both match, so the matches are the same;
    the engine reads each letter once instead of trying every word (speed, issue 6)."""
    def node(suffixes: list[str]) -> str:
        groups: dict[str, list[str]] = {}
        for w in suffixes:
            if w:
                groups.setdefault(w[0], []).append(w[1:])
        alts = [re.escape(ch) + node(rest) for ch, rest in sorted(groups.items())]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in suffixes else body

    return node(sorted(set(words)))


#: any month name or abbreviation of _MONTHS (longest first)
_MONTH_ALT = _trie(list(_MONTHS))
#: words before a year alone that make it a date ("en 2003", "in 1977"); "of" and "de" are
#: left out ("Act of 2001" is a title, "lot de 2000" a quantity)
_BORN_BEFORE = re.compile(r"(?<![a-z])nee?s?\s*(?:\(e\)\s*)?$")
_YEAR_CUE = r"en|in|depuis|since|during|annee|year|until|jusqu'en|courant|fin|debut"
_YEAR_CUE_BEFORE = re.compile(r"(?<![a-z'])(?:" + _YEAR_CUE + r")\s+$")
#: words that number a document or a part of one, right before a month/year (an optional
#: "n°" / "numéro" and ":" between): "Arrêté n° 12/2019", "réf. 03/2021", "Page 11/2012",
#: "Titre 10/2048", "dossier 05/2020", "version 02/2020", "lot 04/2023" are references,
#: never reported as dates (session 8 review)
_NUMBER_CUE_BEFORE = re.compile(
    r"(?<![a-z])(?:n[°o]s?|num(?:ero)?s?|ref(?:erence)?s?|pages?|pp?\.|titres?|lots?|versions?"
    r"|dossiers?|arretes?|decrets?|lois?|articles?|art\.|circulaires?|factures?)"
    r"\.?\s*(?:(?:n[°o]|num(?:ero)?)\.?\s*)?:?\s*$"
)
#: a month/year written mm/yyyy is reported at 0.6 only in a context of dates: right after a
#: word of time (_YEAR_CUE_BEFORE) or one of these words, ...
_MONTH_YEAR_WORD_BEFORE = re.compile(
    r"(?<![a-z'])(?:du|au|jusqu'au|jusqu'a|entre|avant|apres|vers|from|before|after)\s*:?\s*$")
#: ... or after one of these words of a dated act earlier on the same line (within 40
#: characters, no digit between: "date de prélèvement : 03/2024", "Vaccin fait 06/2021"),
#: or as an end of a range of two month/years (_MONTH_YEAR_RANGE); elsewhere it scores
#: MONTH_YEAR_BARE_SCORE
_MONTH_YEAR_CUE = re.compile(
    r"(?<![a-z])(?:dates?|dated|mois|months?|periode|period|prelev\w*|vaccin\w*|rappel"
    r"|regles|ddr|expir\w*|peremption|validite|valable|consult\w*|hospitalis\w*|admis\w*"
    r"|sortie|entree|opere\w*|operation|intervention|diagnosti\w*|naissance)(?![a-z])"
    r"[^0-9\n]{0,40}\Z")
#: what joins the two ends of a range of months ("de 01/1999 à 12/2001", "03/2020 - 06/2020")
_MONTH_YEAR_RANGE = re.compile(r"\s*(?:a|au|-|–|—|et|to|jusqu'a|jusqu'au)\s*")
#: score of a month/year mm/yyyy without any of these contexts: a candidate (a leak scanner
#: prefers a low score to a miss) that stays below the default ``--min-score`` 0.5 even with
#: the pipeline's context boost (+0.3 for any context word within 48 characters: "le",
#: "du", "au" are in most French sentences), so "Code 12/2019" is not reported by default
MONTH_YEAR_BARE_SCORE = 0.15
#: a year as the head of a list item of a history ("Chirurgies : - 1954 Appendicectomie")
_LIST_DASH_BEFORE = re.compile(r"(?:^|\s)-\s+$")
_WORD_AFTER = re.compile(r"\s+[a-z]")
#: "le 23022018": eight digits read as ddmmyyyy only right after these words
_DAY_CUE_BEFORE = re.compile(r"(?<![a-z])(?:le|du|au|depuis|nee?s?\s+le)\s+$")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_TIME = r"(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?"

#: all date forms, matched on folded text (fold_keep_length: offsets unchanged)
_PATTERN = re.compile(
    # every form starts with a digit or a month's first letter: the lookahead lets the engine
    # skip other characters fast (bench/phone_dates_speed.py)
    r"(?=[0-9adfjmnos])"
    r"(?<![0-9a-z/.\-:])(?:"
    # the forms that start with a digit, behind one test (speed: a letter skips them at once)
    r"(?=\d)(?:"
    # ISO date with optional time: 2024-11-05, 2024-11-05 08:42:13.120000, 2024-12-02T09:15:00Z
    r"(?P<iy>(?:1[89]|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)"
    r"(?:[t ](?P<it>\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?)(?:z|[+\-]\d\d:?\d\d)?)?"
    # year first with slashes: 2024/11/05
    r"|(?P<sy>(?:1[89]|20)\d\d)/(?P<sm>\d\d?)/(?P<sd>\d\d?)"
    # French numeric order: 14/02/1979, 14-02-1979, 14.02.1979, 14/02/79, 22|8|1923 (+ optional
    # time); US order 3/29/1982 when the French reading is not a date (see _accept)
    r"|(?P<nd>\d\d?)(?P<sep>[/.\-|])(?P<nm>\d\d?)(?P=sep)(?P<ny>\d{4}|\d\d)"
    r"(?:(?P<nt_sep>[ ,]+(?:a\s+)?)(?P<nt>" + _TIME + r"))?"
    # month and year: 03/2024, "en 3/2024", "depuis 11.2019" (a time word needed but for
    # mm/yyyy, see _accept)
    r"|(?P<mym>\d\d?)(?P<mysep>[/.\-])(?P<myy>(?:19|20)\d\d)"
    # spaced digits: 20 12 2003 (two, two, four digits; isolated, see _accept)
    r"|(?<!\d[ .\-])(?P<pd>\d\d) (?P<pm>\d\d) (?P<py>(?:19|20)\d\d)(?![ .\-]\d)"
    # one digit per form box: 2 9 0 2 1 9 9 5 (ddmmyyyy, isolated, see _accept)
    # (session 10: a date with separators or a number of several digits one space away is the
    # line's next field, not one more box: "26/05/12 3 1 0 7 1 9 7 5 2790731814868")
    r"|(?:(?<!\d[ .\-])|(?<=[/.\-]\d\d )|(?<=[/.\-]\d{4} ))(?P<bx>\d(?: \d){7})(?![.\-]\d| \d(?!\d))"
    # a year after a preposition of time: "en 2003", "in 1977", "depuis 2010", "since 1999"
    # (the word is checked in _accept: a digit-led alternative keeps the scan fast)
    r"|(?P<yy>(?:19|20)\d\d)"
    # eight digits ddmmyyyy right after "le", "du", "au" (checked in _accept): "le 23022018"
    r"|(?P<cd>\d\d)(?P<cm>\d\d)(?P<cy>(?:19|20)\d\d)"
    r")"
    # English: March 1, 1987 / March 1st 1987 / Sept 01,2026
    r"|(?P<em>" + _MONTH_ALT + r")(?:\.(?=\s+\d))?\s+(?P<ed>" + _DAY + r")(?:st|nd|rd|th)?,?\s*(?P<ey>(?:1[89]|20)\d\d)"
    # French / English day-month-year with names: 1er mars 1987, 12 août 2024, janvier 2024,
    # 15 août, glued forms 28nov, dec1993
    r"|(?:(?P<wd>" + _DAY + r")(?:er|e|st|nd|rd|th)?(?P<wsp>\s*)(?:,\s*)?)?(?P<wm>" + _MONTH_ALT + r")(?:\.(?=\s+\d))?"
    r"(?:\s*(?:de\s+|of\s+)?(?P<wy>(?:1[89]|20)\d\d)(?![0-9]))?"
    r")(?![0-9a-z]|[/.\-:][0-9])"
)

#: compact ISO / HL7 DTM: 19850712, 202411050830, 20241105083015
_COMPACT = re.compile(r"(?<![0-9])(?P<y>(?:1[89]|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?P<t>\d{4}(?:\d\d)?)?(?![0-9])")
#: the same after an HL7 delimiter (consumed: a leading character class lets the engine skip
#: fast to the "|" and "^" of a text)
_COMPACT_HL7 = re.compile(r"[|^]" + _COMPACT.pattern[len("(?<![0-9])"):])


def _word_start_branches(alts: tuple[str, ...]) -> str:
    """``(?<![a-z])(?:alts)`` (regex sources, each starting with a literal letter) written as one
    branch per first letter, the letter read before the lookbehind (``d(?<![a-z]d)(?:u|...)``):
    the same strings, and Python's ``re`` skips to the possible first letters in C instead of
    entering the lookbehind at every position (speed, issue 6: five times faster on the
    48 characters before each date). The cues below are only tested for a match, so the
    order of the branches does not matter."""
    groups: dict[str, list[str]] = {}
    for alt in alts:
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(f"{c}(?<![a-z]{c})(?:{'|'.join(rests)})" for c, rests in groups.items())


#: birth cues, folded, matched in the 30 characters before a date (same line, no digit between);
#: "| F | " is the sex column just before the date in a pipe-separated patient line
_BIRTH_CUE = re.compile(
    r"(?:" + _word_start_branches((r"nee?s?\s*(?:\(e\)\s*)?(?:le|en|au|a|:)", r"d\.?d\.?n(?![a-z])",
                                   r"dn\s*:", r"born(?:\s+on)?", r"dob(?![a-z])", r"d\.?o\.?b\.?"))
    + r"|date\s+de\s+naissance|naissance|mise?\s+au\s+monde|\|\s*[mfh]\s*\|"
    r"|date\s+of\s+birth|birth\s*date|birthday)[^0-9\n]{0,30}$"
)
#: an age just after a date ("30-12-1974 (27 ans)", "12/03/1980, 44 ans", "age 44"): a birth date
_AGE_AFTER = re.compile(r"[ ,;]*\(?\s*(?:age\s*:?\s*)?\d{1,3}\s*(?:ans|years?|yo|y\.o\.)(?![a-z])")
#: a full date this many years before the latest full date of the same text is read as a birth
#: date (a patient's birth date beside the visit, sample and report dates)
BIRTH_GAP_YEARS = 16
#: ... unless a word of an event comes just before it ("prélevé le", "du", "depuis"): an old
#: sample or stay in a report that spans years is not a birth date
_EVENT_CUE = re.compile(
    r"(?:" + _word_start_branches((
        "le", "du", "au", "depuis", "entre", r"prelev\w*", r"recu\w*", r"admis\w*", "arrivee",
        r"consult\w*", "visite", r"hospitalis\w*", "sortie", "entree", "since", "from", "until",
        "on", "dated?", "seen", r"visit\w*", "admitted")) + r")\s*:?\s*$"
)

#: a run of 13 to 31 digits, in groups or one per box, ending right before a date (spaces and
#: at most one line break between) or starting right after it: a NIR, alone or glued to another
#: field of an identity line (:func:`_nir_year_beside`)
_RUN_BEFORE = re.compile(r"(\d(?: ?\d){12,30})[ \t]*\n?[ \t]*$")
_RUN_AFTER = re.compile(r"[ \t]*\n?[ \t]*(\d(?: ?\d){12,30})")


def _nir_year_beside(folded: str, d: "_Date") -> bool:
    """True when a NIR written beside the full date ``d`` holds its year: the NIR (13 digits,
    15 with its key: sex 1 or 2, then the two last digits of the birth year, as INSEE's
    RNIPP writes it) is the last digits of a run ending right before the date or the first digits of
    a run starting right after it. An identity line (name, NIR, birth date: EDS-Pseudo
    prescriptions and forms) gives the birth date so; a visit date matches the NIR's year
    one time in a hundred."""
    yy = d.iso[2:4]
    # (issue 6) the run ends on a digit right before the date, blanks and one line break
    # apart (and a last line break before the end, where "$" also matches): checked on that
    # character before the regex search (40 ms on 3 MB of reports)
    lo = max(0, d.start - 80)
    k = d.start
    if k > lo and folded[k - 1] == "\n":
        k -= 1
    while k > lo and folded[k - 1] in " \t":
        k -= 1
    if k > lo and folded[k - 1] == "\n":
        k -= 1
        while k > lo and folded[k - 1] in " \t":
            k -= 1
    b = None
    if k > lo and folded[k - 1].isdecimal():  # what "\d" takes
        b = _RUN_BEFORE.search(folded, lo, d.start)
    if b is not None:
        digits = b.group(1).replace(" ", "")
        if any(len(digits) >= n and digits[-n] in "12" and digits[1 - n:3 - n] == yy for n in (13, 15)):
            return True
    a = _RUN_AFTER.match(folded, d.end, d.end + 80)
    if a is not None:
        digits = a.group(1).replace(" ", "")
        return digits[0] in "12" and digits[1:3] == yy
    return False


#: prefilter of both detectors (folded text): a digit, a date separator and a digit; eight
#: digits (compact); two-two-four spaced digits; eight boxed digits; a year after a word or a
#: list dash; or the
#: start of a month name or abbreviation of _MONTHS
PREFILTER = (r"\d[/.\-|]\d|\d{8}|\d\d \d\d [12]\d\d\d|\d \d \d \d \d \d \d \d"
             r"|[a-z\-]\s+(?:19|20)\d\d"
             r"|jan|fe[vb]|mar|avr|apr|ma[iy]|jui?n|jui?l|aou|aug|sep|oct|nov|dec")


class _Date(NamedTuple):  # a tuple: built twice as fast as a frozen dataclass (speed, issue 6)
    start: int
    end: int
    iso: str
    pattern: str


def _valid(y: int | None, m: int, d: int | None) -> bool:
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    try:
        _dt.date(y if y is not None else 2000, m, d)  # 2000 is a leap year: 29/02 allowed
    except ValueError:
        return False
    return True


def _year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 2:  # two-digit years: 00-30 -> 2000s, 31-99 -> 1900s
        y += 2000 if y <= 30 else 1900
    return y


def _iso(y: int | None, m: int, d: int | None, time: str | None = None) -> str:
    if y is None:
        out = f"--{m:02d}-{d:02d}"
    elif d is None:
        out = f"{y:04d}-{m:02d}"
    else:
        out = f"{y:04d}-{m:02d}-{d:02d}"
    if time:
        out += "T" + time.replace("h", ":").replace(",", ".")
    return out


def _valid_time(t: str) -> bool:
    parts = re.split(r"[:h]", t.split(".")[0].split(",")[0])
    try:
        h, mi = int(parts[0]), int(parts[1])
        s = int(parts[2]) if len(parts) > 2 else 0
    except (ValueError, IndexError):
        return False
    return h < 24 and mi < 60 and s < 60


def _in_run(text: str, start: int, end: int, boxes: bool = False) -> bool:
    """True when ``text[start:end]`` continues a run of digits: a digit and one space (or "-",
    ".") just before or just after it (two spaces separate two boxed fields). A date written
    with separators one space away ("0 7 1 1 1 9 8 3 18-03-2030", "26/05/12 3 1 0 7 1 9 7 5") is
    another field of the line, not more digits of the run (session 10, issue 3: EDS-Pseudo
    identity lines, birth date in boxes beside the visit date). With ``boxes`` (a date written
    one digit per box) a number of several digits after it is another field too ("0 1 0 5 1 9 7 9
    2790731814868": a birth date then a NIR)."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    if boxes and after[:1] == " " and text[end + 2:end + 3].isdigit():
        after = ""  # " 27...": a number, not one more box
    return ((len(before) == 2 and before[0].isdigit() and before[1] in " .-"
             and not (before[1] == " " and _DATE_TOKEN_BEFORE.search(text, max(0, start - 12), start - 1)))
            or (len(after) == 2 and after[0] in " .-" and after[1].isdigit()
                and not (after[0] == " " and _DATE_TOKEN_AFTER.match(text, end + 1))))


#: a numeric date with separators ending right there / starting right there (``_in_run``)
_DATE_TOKEN_BEFORE = re.compile(r"(?<![0-9])\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$")
_DATE_TOKEN_AFTER = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?![0-9])")


def _numeric(m: re.Match[str], order: str) -> _Date | None:
    """:func:`_accept` of a numeric date (the ``nd`` alternative: 14/02/1979, 3/29/1982)."""
    g = m
    sep = g["sep"]
    d, mo = int(g["nd"]), int(g["nm"])
    y = _year(g["ny"])
    if len(g["ny"]) == 4 and not 1800 <= y <= 2099:
        return None
    if len(g["ny"]) == 2 and sep != "/" and (len(g["nd"]) != 2 or len(g["nm"]) != 2):
        return None  # "3.4.12" is a version or a section number, not a date
    pattern = "dmy_numeric"
    if order == "mdy" or not _valid(y, mo, d):
        # US order (3/29/1982): read month first in an m/d/y column, or when the French
        # reading is no calendar date
        if _valid(y, d, mo):
            d, mo, pattern = mo, d, "mdy_numeric"
        elif order == "mdy" or not _valid(y, mo, d):
            return None
    end = m.end()
    t = g["nt"]
    if t and not _valid_time(t):
        end, t = m.start("nt_sep"), None
    return _Date(m.start(), end, _iso(y, mo, d, t), pattern)


#: :func:`_accept`'s readings of numeric dates, ``{(matched string, order): (length, iso,
#: pattern) or None}``; emptied when it reaches ``_NUMERIC_MEMO_SIZE`` entries
_NUMERIC_MEMO: dict[tuple[str, str], tuple[int, str, str] | None] = {}
_NUMERIC_MEMO_SIZE = 8192
_NO_MEMO = object()


def _accept(m: re.Match[str], order: str = "dmy") -> _Date | None:
    g = m  # g[name] is m.group(name): no dict of the 28 groups per match (speed, issue 6)
    if g["iy"]:
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        if not _valid(y, mo, d):
            return None
        t = g["it"]
        if t and not _valid_time(t):
            return None
        return _Date(m.start(), m.end(), _iso(y, mo, d, t), "iso8601")
    if g["sy"]:
        y, mo, d = int(g["sy"]), int(g["sm"]), int(g["sd"])
        return _Date(m.start(), m.end(), _iso(y, mo, d), "ymd_slash") if _valid(y, mo, d) else None
    if g["nd"]:
        sep = g["sep"]
        if sep == "|":
            text = m.string
            if text[m.start() - 1:m.start()] == "|" or text[m.end():m.end() + 1] == "|":
                return None  # a run of HL7 / pipe-table fields, not one date
            return _numeric(m, order)
        # the same dates recur in a text (a report's dates, a column's): the reading of a
        # numeric date depends on its characters and ``order`` only (the groups of this
        # alternative split a given string one way), so it is kept per string (speed, issue 6)
        key = (g[0], order)
        got = _NUMERIC_MEMO.get(key, _NO_MEMO)
        if got is _NO_MEMO:
            start = m.start()
            got = _numeric(m, order)
            if got is not None:
                got = (got.end - start, got.iso, got.pattern)
            if len(_NUMERIC_MEMO) >= _NUMERIC_MEMO_SIZE:
                _NUMERIC_MEMO.clear()
            _NUMERIC_MEMO[key] = got
        if got is None:
            return None
        start = m.start()
        return _Date(start, start + got[0], got[1], got[2])
    if g["mym"]:
        # month/year (issue 3, "en 03/2024"): never after a word that numbers a document
        # ("Arrêté n° 12/2019", "réf. 03/2021", "Page 11/2012": a reference, not a month);
        # written mm/yyyy (two-digit month, slash) it is a candidate, scored by its context in
        # DateTimeDetector.find (_month_year_cued); any of the three separators and a
        # one-digit month only right after a word of time ("en 3/2024", "depuis 11.2019",
        # "since 3-2024"): "1/2000" is a dilution, "5-1999" a range
        mo, y = int(g["mym"]), int(g["myy"])
        if not 1 <= mo <= 12:
            return None
        text, start = m.string, m.start()
        if _NUMBER_CUE_BEFORE.search(text, max(0, start - 24), start):
            return None
        if not (len(g["mym"]) == 2 and g["mysep"] == "/") \
                and not _YEAR_CUE_BEFORE.search(text, max(0, start - 16), start):
            return None
        return _Date(start, m.end(), _iso(y, mo, None), "month_year")
    if g["cd"]:
        text, start = m.string, m.start()
        if not _DAY_CUE_BEFORE.search(text, max(0, start - 12), start):
            return None  # eight digits in prose are a number (a date only after "le", "du")
        d, mo, y = int(g["cd"]), int(g["cm"]), int(g["cy"])
        return _Date(start, m.end(), _iso(y, mo, d), "dmy_compact") if _valid(y, mo, d) else None
    if g["yy"]:
        text, start = m.string, m.start()
        cue = _YEAR_CUE_BEFORE.search(text, max(0, start - 16), start)
        if cue is None and _LIST_DASH_BEFORE.search(text, max(0, start - 4), start) \
                and _WORD_AFTER.match(text, m.end()):
            cue = _LIST_DASH_BEFORE.search(text, max(0, start - 4), start)
        if cue is None:
            return None  # a year alone, without a word of time before it, is not a date
        if _BORN_BEFORE.search(text, max(0, cue.start() - 10), cue.start()):
            return None  # "née en 1960": a birth year alone is not reported (../shared/cases pb-017)
        return _Date(start, m.end(), g["yy"], "year")
    if g["pd"] or g["bx"]:
        text = m.string
        if _in_run(text, m.start(), m.end(), bool(g["bx"])):
            return None  # a cut of a longer run of digits (a boxed NIR, a phone number)
        if g["bx"]:
            digits = g["bx"].replace(" ", "")
            d, mo, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])
            if not 1900 <= y <= 2099:
                return None
            pattern = "dmy_boxed"
        else:
            d, mo, y = int(g["pd"]), int(g["pm"]), int(g["py"])
            pattern = "dmy_spaced"
        if not _valid(y, mo, d):
            return None
        return _Date(m.start(), m.end(), _iso(y, mo, d), pattern)
    if g["em"]:
        mo = _MONTHS[g["em"]] % 100
        y, d = int(g["ey"]), int(g["ed"])
        return _Date(m.start(), m.end(), _iso(y, mo, d), "month_name") if _valid(y, mo, d) else None
    if g["wm"]:
        code = _MONTHS[g["wm"]]
        mo = code % 100
        d = int(g["wd"]) if g["wd"] else None
        y = int(g["wy"]) if g["wy"] else None
        if d is None and y is None:
            return None  # "mars" or "mai" alone is a word, not a date
        glued = (d is not None and not g["wsp"]) or (y is not None and m.start("wy") == m.end("wm"))
        if code > 100 and (d is None or y is None) and not glued:
            # abbreviations ("mar", "dec") only inside a full date, or glued to their day or
            # year ("28nov", "dec1993": tables and notes write them so)
            return None
        if not _valid(y, mo, d):
            return None
        return _Date(m.start(), m.end(), _iso(y, mo, d), "month_name")
    return None


def scan_dates(text: str, folded: str | None = None, order: str = "dmy") -> Iterator[_Date]:
    """Every valid date in ``text`` (offsets in ``text``); compact ``yyyymmdd`` only between HL7
    delimiters. ``order``: ``"dmy"`` reads ``03/04/1985`` as 3 April (French), and ``3/29/1982``
    (no such French date) as US m/d/y; ``"mdy"`` reads every numeric date month first (a
    column known to be in US order, see :meth:`DateTimeDetector.for_column`).

    On a text of :data:`CANDIDATE_MIN_CHARS` or more the three regexes are tried only at the
    candidate starts of :func:`_candidates` (same matches, see there)."""
    folded = fold_keep_length(text) if folded is None else folded
    accept = _accept if order == "dmy" else functools.partial(_accept, order=order)
    cands = _candidates(folded) if len(folded) >= CANDIDATE_MIN_CHARS else None
    if cands is None:
        for _m, d in finditer_resuming(_PATTERN, folded, accept):
            yield d
        boxed = _BOXED_RUN.finditer(folded)
        hl7 = _COMPACT_HL7.finditer(folded)
    else:
        for _m, d in _resuming_at(_PATTERN, folded, cands[0], accept):
            yield d
        boxed = _matches_at(_BOXED_RUN, folded, cands[1])
        hl7 = _matches_at(_COMPACT_HL7, folded, cands[2])
    for m in boxed:
        yield from _boxed_ends(m)
    for m in hl7:
        after = folded[m.end()] if m.end() < len(folded) else ""
        if after in "|^\r\n" or not after:
            d = _compact(m)
            if d is not None:
                yield d


#: texts shorter than this are scanned by the regexes alone (hyperscan's fixed cost per call)
CANDIDATE_MIN_CHARS = 2048

#: hyperscan patterns (bytes) whose match starts are a superset of the match starts of
#: ``_PATTERN``, ``_BOXED_RUN`` and ``_COMPACT_HL7`` in :func:`_candidates`' bytes (one byte per
#: character of the folded text after a leading space; a character outside Latin-1 is "?").
#: Python's ``\d`` is an ASCII digit or a character outside Latin-1 (Latin-1 holds no other
#: decimal digit): ``[0-9?]``; its ``\s`` likewise. ``_PATTERN``: a character outside
#: ``[0-9a-z/.\-:]`` (its lookbehind), then the first characters of one of its forms: four
#: digits (ISO, year first, year alone, ``ddmmyyyy``), a numeric date's first separator, a
#: spaced date, boxed digits, a day before a month name, or a month name's first letters (every
#: key of ``_MONTHS`` starts with one of ``_MONTH_HEADS``).
_D = rb"[0-9?]"
_SP = rb"[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0?]"
_MONTH_HEADS = ("jan", "fev", "feb", "mar", "avr", "apr", "mai", "may", "juin", "jun", "juil",
                "jul", "aou", "aug", "sep", "oct", "nov", "dec")
_MONTH_HEAD = rb"(?:" + "|".join(_MONTH_HEADS).encode() + rb")"
_DATE_START = rb"[^0-9a-z/.\-:]"
#: any key of ``_MONTHS`` (its ``_MONTH_ALT`` reads the whole name, then ``_PATTERN`` asks for a
#: character that is not a letter after it)
_MONTH_NAME = rb"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)).encode() + rb")"
_CANDIDATE_PATTERNS = tuple(_DATE_START + p for p in (
    rb"(?:1[89]|20)" + _D * 2,                          # ISO, year first, a year alone
    _D * 4 + rb"(?:19|20)" + _D * 2,                    # ddmmyyyy
    _D + rb"[/.\-|]" + _D,                               # a numeric date's first separator
    _D * 2 + rb"[/.\-|]" + _D,
    _D * 2 + rb" " + _D * 2 + rb" (?:19|20)" + _D * 2,   # spaced digits
    _D + rb"(?: " + _D + rb"){7}",                        # boxed digits
    # a day (its first digit is ASCII) before a month name
    rb"[0-9]" + _D + rb"?(?:er|e|st|nd|rd|th)?" + _SP + rb"*(?:," + _SP + rb"*)?" + _MONTH_HEAD,
    # a month name first: a year or a day follows it (after a dot, a space, "de", "of" or
    # nothing)
    _MONTH_NAME + rb"[." + _SP[1:-1] + rb"0-9do]",
)) + (
    # _BOXED_RUN: sixteen boxed digits (its lookbehinds are checked by the regex)
    _D + rb"(?: " + _D + rb"){15}",
    # _COMPACT_HL7: a delimiter, then a year's first two digits and six more
    rb"[|^](?:1[89]|20)" + _D * 6,
)
#: which list of :func:`_candidates` each pattern feeds. Hyperscan gives the leftmost start per
#: pattern and end offset, so no pattern may match from two starts to one end: each is of fixed
#: length, or (day and month) variable only where no start can lie ("?" is both a digit and a
#: character before a date, so "?1/0" read from "?" would hide the start at "1")
_CANDIDATE_LIST = (0, 0, 0, 0, 0, 0, 0, 0, 1, 2)


def _candidate_db():
    """``(database, scratch)`` of :data:`_CANDIDATE_PATTERNS` (start of match reported), kept
    by :func:`sentinelle.data.cached` (:func:`~sentinelle.detectors.lexicon.som_database`);
    None without hyperscan or when it refuses them."""
    from sentinelle.detectors.lexicon import som_database

    return som_database(tuple(_CANDIDATE_PATTERNS))


def _candidates(folded: str) -> tuple[list[int], list[int], list[int]] | None:
    """Sorted candidate starts in ``folded`` for ``_PATTERN``, ``_BOXED_RUN`` and
    ``_COMPACT_HL7``: every position where the regex can match is among them (issue 6, speed:
    one hyperscan pass instead of three regex scans of the whole text, about 80 ns a character
    in Python's ``re`` since ``_PATTERN`` cannot start with a character class). None without
    hyperscan."""
    compiled = _candidate_db()
    if compiled is None:
        return None
    from sentinelle.detectors.lexicon import _padded_latin1

    db, scratch = compiled
    # (one more space at the end: a candidate more at most, the regexes decide)
    raw = _padded_latin1(folded)
    got: tuple[set[int], set[int], set[int]] = (set(), set(), set())
    which = _CANDIDATE_LIST

    def on_match(pid: int, start: int, _end: int, _flags: int, _ctx) -> None:
        # byte i is character i - 1; a date pattern starts with the character before the date
        k = which[pid]
        got[k].add(start if k == 0 else start - 1)

    db.scan(raw, match_event_handler=on_match, scratch=scratch)
    return sorted(got[0]), sorted(got[1]), sorted(got[2])


def _resuming_at(regex: re.Pattern[str], text: str, starts: list[int], accept):
    """:func:`finditer_resuming` of ``regex`` in ``text`` when ``starts`` (ascending) holds
    every position where ``regex`` can match: ``regex.search(text, pos)`` is the first
    ``regex.match(text, p)`` for ``p >= pos``, so the same matches in the same order."""
    pos = 0
    match = regex.match
    for p in starts:
        if p < pos:
            continue
        m = match(text, p)
        if m is None:
            continue
        res = accept(m)
        if res:
            yield m, res
            pos = m.end() if m.end() > m.start() else m.start() + 1


def _matches_at(regex: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` when ``starts`` (ascending) holds every position where
    ``regex`` can match (its matches are never empty)."""
    pos = 0
    match = regex.match
    for p in starts:
        if p < pos:
            continue
        m = match(text, p)
        if m is not None:
            yield m
            pos = m.end()


def _all_dates(text: str) -> tuple[_Date, ...]:
    """``scan_dates(text)`` as a tuple; memoised (the last 2 texts): both detectors of this
    module scan the same text one after the other, a text unit or a short free-text cell alike,
    so the grammar runs once per text."""
    return _all_dates_memo(text)


@functools.lru_cache(maxsize=2)
def _all_dates_memo(text: str) -> tuple[_Date, ...]:
    return tuple(scan_dates(text))


def _month_year_cued(text: str, d: _Date, month_years: list[_Date]) -> bool:
    """True when the month/year ``d`` (in ``text``; ``month_years``: every month/year of the
    text, in order) stands in a context of dates: right after a word of time
    (:data:`_YEAR_CUE_BEFORE`: "en 03/2024", "depuis 11/2019") or
    :data:`_MONTH_YEAR_WORD_BEFORE` ("du 12/2019"), a word of a dated act earlier on its line
    (:data:`_MONTH_YEAR_CUE`: "date de prélèvement : 03/2024"), or as an end of a range of
    two month/years ("de 01/1999 à 12/2001"). Only the 64 characters before it are folded."""
    lo = max(0, d.start - 64)
    before = fold_keep_length(text[lo:d.start])
    if (_YEAR_CUE_BEFORE.search(before) or _MONTH_YEAR_WORD_BEFORE.search(before)
            or _MONTH_YEAR_CUE.search(before)):
        return True
    for o in month_years:
        if o.end <= d.start and d.start - o.end <= 12:
            gap = text[o.end:d.start]
        elif o.start >= d.end and o.start - d.end <= 12:
            gap = text[d.end:o.start]
        else:
            continue
        if _MONTH_YEAR_RANGE.fullmatch(fold_keep_length(gap)):
            return True
    return False


#: a run of 16 to 31 digits written one per box: two fields or more written one after the other
#: ("1 4 0 5 1 9 8 0 1 3 0 5 2 0 2 2": two dates; "2 8 4 0 1 2 6 2 2 3 3 4 6 2 9 1 1 1 9 8 4": a
#: NIR then a date). A shorter run is one field (a boxed NIR holds 13 or 15): never cut.
#: (the first digit read before the lookbehinds: the engine skips to the next digit fast)
_BOXED_RUN = re.compile(r"\d(?<![0-9]\d)(?<![0-9][ .\-]\d)(?: \d){15,30}"
                        # not followed by more digits of the run; a date with separators one
                        # space away is the line's next field (``_in_run``; session 10)
                        r"(?![.\-]?\d| \d(?!\d?[/.\-]\d{1,2}[/.\-]\d{2,4}(?![0-9])))")


def _boxed_ends(m: re.Match[str]) -> Iterator[_Date]:
    """The ddmmyyyy dates that open or close a run of boxed digits (form fields written one
    after the other); two ends that overlap give the first only."""
    run, start = m.group(0), m.start()
    found = []
    for lo in (0, len(run) - 15):
        digits = run[lo:lo + 15:2]
        d, mo, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if 1900 <= y <= 2099 and _valid(y, mo, d):
            if found and lo < found[-1].end - start:
                continue
            found.append(_Date(start + lo, start + lo + 15, _iso(y, mo, d), "dmy_boxed"))
    yield from found


def _full(d: _Date) -> bool:
    """A date with day, month and year (``yyyy-mm-dd``, time or not)."""
    return len(d.iso) >= 10 and d.iso[0] != "-"


def _compact(m: re.Match[str]) -> _Date | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not _valid(y, mo, d):
        return None
    t = m.group("t")
    time = None
    if t:
        time = f"{t[0:2]}:{t[2:4]}" + (f":{t[4:6]}" if len(t) == 6 else "")
        if not _valid_time(time):
            return None
    return _Date(m.start("y"), m.end(), _iso(y, mo, d, time), "compact")


def parse_date(value: str, order: str = "dmy") -> _Date | None:
    """The date that makes up the whole of ``value`` (stripped), any accepted form incl.
    compact ``yyyymmdd[hhmm[ss]]``; offsets in ``value``; ``order`` as in :func:`scan_dates`."""
    stripped = value.strip()
    if not stripped:
        return None
    lead = len(value) - len(value.lstrip())
    end = lead + len(stripped)
    m = _COMPACT.fullmatch(stripped)
    if m is not None:
        d = _compact(m)
        return _Date(lead, end, d.iso, d.pattern) if d else None
    for d in scan_dates(value, order=order):
        if d.start <= lead and d.end >= end:
            return d
    return None


def _normalize(value: str) -> str:
    d = parse_date(value)
    return d.iso if d else " ".join(value.split())


class _DateColumns:
    """Numeric order of a table column (mixin of both date detectors).

    ``order`` is ``"dmy"`` (French, the default: ``03/04/1985`` is 3 April, and a date that is
    only valid month first, ``3/29/1982``, is read so) or ``"mdy"`` (every numeric date month
    first). :meth:`for_column` picks it from a column's values: a numeric date whose second
    field is above 12 and none whose first field is (``3/29/1982``, ``6/11/1957``: a
    FakeNameGenerator ``Birthday`` column) makes the whole column month first, so ``6/11/1957``
    is 11 June there, not 6 November. The pipeline does not call it yet (proposed column hook);
    ``match_cell`` without it still reads every unambiguous US date right."""

    order: str = "dmy"

    def __init__(self) -> None:
        super().__init__()
        _candidate_db()  # loaded (or compiled) with the detector, not on its first text

    def for_column(self, values, header_hit: bool):
        """This detector, or a copy reading numeric dates month first when ``values`` (cell
        strings of one column) are in US order."""
        firsts = seconds = False
        for v in values:
            m = _NUMERIC_CELL.fullmatch(v.strip()) if v else None
            if m is None:
                continue
            firsts |= int(m.group(1)) > 12
            seconds |= int(m.group(2)) > 12
        if seconds and not firsts:
            other = type(self)()
            other.order = "mdy"
            return other
        return self


class DateTimeDetector(_DateColumns, Detector):
    validation_rule = "calendar-valid date or timestamp"
    rule_source = "ISO 8601 and French date forms"
    prefilter = PREFILTER
    name = "date_time"
    entity = "DATE_TIME"
    context_words = (
        "date", "le", "du", "au", "depuis", "jusqu'au", "prelevement", "preleve", "horodatage",
        "heure", "jour", "rendez-vous", "rdv", "consultation", "hospitalisation", "admission",
        "sortie", "on", "since", "until", "dated", "timestamp", "collected",
    )
    header_pattern = (
        r"date|jour|heure|time|horodatage|prelevement|preleve|created|updated|modified|"
        r"sampled|sampling|collected|received|recu_le|valide_le|(^|_)(at|on|le)$|(^|_)dt(_|$)|^dt_|_dt$"
        r"|(^|_)(msh_7|evn_2|evn_6|obr_7|obr_8|obr_14|obr_22|obx_14|pv1_44|pv1_45|spm_17)(_|$)"
    )
    value_threshold = 0.8
    examples = Examples(
        positives=(
            ("Horodatage 2024-11-05 08:42:13.120000 ; prélèvement", "2024-11-05 08:42:13.120000"),  # pb-022
            ("prélèvement du 2024-12-02T09:15:00Z.", "2024-12-02T09:15:00Z"),                  # pb-023
            ("hospitalisée en janvier 2024, revue", "janvier 2024"),                            # pb-007
            ("revue le 15 août.", "15 août"),                                                    # pb-007
            ("RDV le 05/11/2024 à 08h30", "05/11/2024 à 08h30"),
            ("seen on March 3, 2021", "March 3, 2021"),
        ),
        negatives=(
            "Lot 2024-13-15T14:30:00Z",                          # month 13: pb-023
            "Appartement 68, 200 avenue Jean Jaurès, 69007 Lyon",  # address numbers: pb-025
            "le 31/02/2024 n'existe pas",                        # 31 February
            "né en 1987",                                        # a year alone is not a date
            "commande 20241105 expédiée",                        # 8 digits in prose
            "au mois de mars",                                   # a month alone
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        dates = _all_dates(text)
        month_years = [d for d in dates if d.pattern == "month_year"]
        for d in dates:
            score = 0.6
            if month_years and d.pattern == "month_year" \
                    and not _month_year_cued(text, d, month_years):
                score = MONTH_YEAR_BARE_SCORE  # "Code 12/2019": below the default --min-score
            yield Match(d.start, d.end, score, Validation.VALID, d.pattern, d.iso)

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        d = parse_date(value, self.order)
        if d is None or (d.pattern in ("compact", "month_year") and not header_hit):
            # a cell "12/2019" is a month only under a date header (else the text path scores
            # it: MONTH_YEAR_BARE_SCORE); a column of them without one claims nothing
            return None
        return Match(d.start, d.end, 0.6, Validation.VALID, d.pattern, d.iso)

    def match_column(self, values, header_hit: bool):
        if len(values) < COLUMN_MIN_VALUES:  # Polars' fixed cost (~1 ms per expression) loses
            return super().match_column(values, header_hit)
        return _match_column(self, values, header_hit, 0.6, None)

    def normalize(self, value: str) -> str:
        return _normalize(value)


class DateOfBirthDetector(_DateColumns, Detector):
    validation_rule = "calendar-valid date + birth cue"
    rule_source = "ISO 8601 and French date forms"
    prefilter = PREFILTER
    name = "date_of_birth"
    entity = "DATE_OF_BIRTH"
    entities = ("DATE_OF_BIRTH",)
    context_words = (
        "ne le", "nee le", "ne(e) le", "ne en", "nee en", "date de naissance", "naissance", "ddn",
        "dn", "born", "date of birth", "birth", "dob",
    )
    header_pattern = (
        r"naiss|birth|(^|_)(ddn|dob|dn|pid_7|nee?_le|ne_e_le|date_de_naissance)(_|$)"
    )
    header_required = True
    examples = Examples(
        positives=(
            ("Née le 1er mars 1987, hospitalisée", "1er mars 1987"),         # pb-007
            ("Date de naissance : 14/02/1979", "14/02/1979"),                # pb-026 (text form)
            ("DDN 12.03.1980", "12.03.1980"),
            ("DOB: 1975-06-30", "1975-06-30"),
        ),
        negatives=(
            "revue le 15 août.",                       # no birth cue: DATE_TIME
            "Né le 31/02/1980",                        # not a calendar date
            "vu le 12/03/1980 puis le 05/11/2024",     # no cue at all
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        dates = _all_dates(text)
        latest = max((int(d.iso[:4]) for d in dates if _full(d)), default=None)
        for d in dates:
            lo = max(0, d.start - 48)
            birth = (_BIRTH_CUE.search(folded, lo, d.start) or _AGE_AFTER.match(folded, d.end)
                     or (latest is not None and _full(d)
                         and latest - int(d.iso[:4]) >= BIRTH_GAP_YEARS
                         and not _EVENT_CUE.search(folded, max(0, d.start - 24), d.start))
                     or (_full(d) and _nir_year_beside(folded, d)))
            if birth:
                yield Match(d.start, d.end, 0.9, Validation.VALID, d.pattern, d.iso, "DATE_OF_BIRTH")

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        d = parse_date(value, self.order)
        if d is None:
            return None
        return Match(d.start, d.end, 0.9, Validation.VALID, d.pattern, d.iso, "DATE_OF_BIRTH")

    def match_column(self, values, header_hit: bool):
        if not header_hit:  # a birth date needs its header (match_cell says None)
            return _empty_frame(len(values))
        if len(values) < COLUMN_MIN_VALUES:  # Polars' fixed cost (~1 ms per expression) loses
            return super().match_column(values, header_hit)
        return _match_column(self, values, header_hit, 0.9, "DATE_OF_BIRTH")

    def normalize(self, value: str) -> str:
        return _normalize(value)


#: a numeric d/m/y or m/d/y cell (for :meth:`_DateColumns.for_column`)
_NUMERIC_CELL = re.compile(r"(\d\d?)[/.\-](\d\d?)[/.\-](?:\d{4}|\d\d)")


def _empty_frame(n: int):
    import polars as pl

    from sentinelle.detectors.base import column_schema

    return pl.DataFrame({c: pl.Series([None] * n, dtype=t) for c, t in column_schema().items()})


def _match_column(det, values, header_hit: bool, score: float, entity: str | None):
    """``match_column`` of both date detectors: Polars decides the cells that are a whole ISO
    date (``2024-11-05``), an ISO date and time to the second (``2021-02-08 11:41:16``: when
    both are valid), a numeric date with a four-digit year (``05/11/2024``, ``3/29/1982``,
    ``05-11-2024``; French order, US order when the French reading is no date or the column is
    month first), a ``dd-mm-yy`` date (``08-06-02``, two-digit years: 00-30 are 2000s) or a
    compact ``yyyymmdd`` (``19880315``: a date only under a header), checking the calendar
    with ``str.to_date``; every other cell (other times, month names, blanks around) goes
    through ``match_cell``. ASCII digits only (``\\d`` of the text patterns is any decimal
    digit: such cells go through ``match_cell`` too)."""
    import polars as pl

    from sentinelle.detectors.columnar import decide

    v = pl.col("v")
    iso = v.str.contains(r"^(?:1[89]|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$")
    num = v.str.contains(r"^[0-9]{1,2}(?:/[0-9]{1,2}/|-[0-9]{1,2}-|\.[0-9]{1,2}\.)(?:1[89]|20)[0-9]{2}$")
    short = v.str.contains(r"^[0-9]{2}(?:/[0-9]{2}/|-[0-9]{2}-|\.[0-9]{2}\.)[0-9]{2}$")
    compact = v.str.contains(r"^(?:1[89]|20)[0-9]{6}$")
    iso_time = v.str.contains(r"^(?:1[89]|20)[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
    # numeric dates: day, month, year read apart ("/" for any separator)
    slashed = v.str.replace_all(r"[.\-]", "/")
    md = slashed.str.to_date("%m/%d/%Y", strict=False)
    dm = slashed.str.to_date("%d/%m/%Y", strict=False)
    yy = v.str.slice(6, 2).cast(pl.Int32, strict=False)
    year = pl.when(yy <= 30).then(yy + 2000).otherwise(yy + 1900).cast(pl.Utf8)
    short_dm = pl.concat_str(year, pl.lit("-"), v.str.slice(3, 2), pl.lit("-"), v.str.slice(0, 2)) \
        .str.to_date("%Y-%m-%d", strict=False)
    short_md = pl.concat_str(year, pl.lit("-"), v.str.slice(0, 2), pl.lit("-"), v.str.slice(3, 2)) \
        .str.to_date("%Y-%m-%d", strict=False)
    if det.order == "mdy":
        num_date, num_pat = md, pl.lit("mdy_numeric")
        short_date, short_pat = short_md, pl.lit("mdy_numeric")
    else:
        num_date = pl.coalesce(dm, md)
        num_pat = pl.when(dm.is_not_null()).then(pl.lit("dmy_numeric")).otherwise(pl.lit("mdy_numeric"))
        short_date = pl.coalesce(short_dm, short_md)
        short_pat = pl.when(short_dm.is_not_null()).then(pl.lit("dmy_numeric")) \
            .otherwise(pl.lit("mdy_numeric"))
    day = v.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    compact_date = pl.concat_str(v.str.slice(0, 4), pl.lit("-"), v.str.slice(4, 2), pl.lit("-"),
                                 v.str.slice(6, 2)).str.to_date("%Y-%m-%d", strict=False)
    clock_ok = ((v.str.slice(11, 2).cast(pl.Int32, strict=False) < 24)
                & (v.str.slice(14, 2).cast(pl.Int32, strict=False) < 60)
                & (v.str.slice(17, 2).cast(pl.Int32, strict=False) < 60))
    # an ISO time that is no time of day makes the cell no date (match_cell): left to it
    iso_time_ok = iso_time & day.is_not_null() & clock_ok
    decided = iso | num | short | compact | iso_time_ok
    hit = (pl.when(iso).then(day.is_not_null()).when(num).then(num_date.is_not_null())
           .when(short).then(short_date.is_not_null())
           # a compact yyyymmdd is a date only under a header (DateTimeDetector.match_cell)
           .when(compact).then(compact_date.is_not_null() & pl.lit(header_hit))
           .when(iso_time_ok).then(True).otherwise(False))
    columns = dict(
        start=pl.lit(0, pl.Int32),
        end=v.str.len_chars().cast(pl.Int32),
        score=pl.lit(score, pl.Float64),
        validation=pl.lit("valid"),
        pattern=pl.when(iso | iso_time).then(pl.lit("iso8601")).when(num).then(num_pat)
        .when(short).then(short_pat).otherwise(pl.lit("compact")),
        normalized=pl.when(iso).then(v)
        .when(iso_time).then(pl.concat_str(v.str.slice(0, 10), pl.lit("T"), v.str.slice(11, 8)))
        .when(num).then(num_date.dt.to_string("%Y-%m-%d"))
        .when(short).then(short_date.dt.to_string("%Y-%m-%d"))
        .otherwise(compact_date.dt.to_string("%Y-%m-%d")),
        entity=pl.lit(entity, pl.Utf8),
    )
    return decide(det, values, header_hit, columns, decided, hit, cse=False)
