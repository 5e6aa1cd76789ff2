"""DATE_OF_BIRTH and DATE_TIME detectors: calendar dates in French (and English) writing.

Rule sources: ISO 8601 (``2024-11-05``, ``2024-11-05 08:42:13.120000``, ``2024-12-02T09:15:00Z``,
compact ``20241105`` and HL7 v2 ``DTM`` ``YYYYMMDD[HHMM[SS]]``), the French numeric order
day/month/year of the Imprimerie nationale "Lexique des règles typographiques" (``14/02/1979`` is
14 February; ``dd/mm/yy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``) and French month names with the
ordinal ``1er`` (``1er mars 1987``, ``janvier 2024``, ``15 août``); English month names too
(``March 1, 1987``, ``1 March 1987``). Every candidate is checked as a real calendar date with
:mod:`datetime` (month 13 and 31/02 are not dates: ../shared/cases pb-023); a year alone is not a
date, and an 8-digit number in free text is a date only between HL7 delimiters (``|``, ``^``) or
in a table column whose header names a date.

Two labels, two detectors sharing one scanner: :class:`DateTimeDetector` yields every date at
0.6; :class:`DateOfBirthDetector` yields the dates preceded on the same line (within 30
characters, no digit in between) by a birth cue ("né le", "date de naissance", "DDN", "DOB",
"born"...) at 0.9, so overlap resolution in the pipeline keeps DATE_OF_BIRTH. In tables, a birth
header (``date_naissance``, ``ddn``, ``dob``, HL7 ``PID-7``) gives DATE_OF_BIRTH (header
required); a date header or a column of date-looking values gives DATE_TIME.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so any valid
date is reported as DATE_TIME (0.6, above the default ``--min-score``); a birth date without cue
is reported as DATE_TIME rather than missed. The reverse error (an address number or a lot code
read as a date) is avoided by the calendar check and by never reading bare numbers as dates.
``normalize`` gives ISO ``yyyy-mm-dd`` (``yyyy-mm`` and ``--mm-dd`` for partial dates, a time
appended as ``Thh:mm[:ss]``) so one date written two ways hashes the same.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming, fold_keep_length
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
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_TIME = r"(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?"

#: all date forms, matched on folded text (fold_keep_length: offsets unchanged)
_PATTERN = re.compile(
    r"(?<![0-9a-z/.\-:])(?:"
    # ISO date with optional time: 2024-11-05, 2024-11-05 08:42:13.120000, 2024-12-02T09:15:00Z
    r"(?P<iy>(?:1[89]|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)"
    r"(?:[t ](?P<it>\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?)(?:z|[+\-]\d\d:?\d\d)?)?"
    # year first with slashes: 2024/11/05
    r"|(?P<sy>(?:1[89]|20)\d\d)/(?P<sm>\d\d?)/(?P<sd>\d\d?)"
    # French numeric order: 14/02/1979, 14-02-1979, 14.02.1979, 14/02/79 (+ optional time)
    r"|(?P<nd>\d\d?)(?P<sep>[/.\-])(?P<nm>\d\d?)(?P=sep)(?P<ny>\d{4}|\d\d)"
    r"(?:(?P<nt_sep>[ ,]+(?:a\s+)?)(?P<nt>" + _TIME + r"))?"
    # English: March 1, 1987 / March 1st 1987
    r"|(?P<em>" + _MONTH_ALT + r")(?:\.(?=\s+\d))?\s+(?P<ed>" + _DAY + r")(?:st|nd|rd|th)?,?\s+(?P<ey>(?:1[89]|20)\d\d)"
    # French / English day-month-year with names: 1er mars 1987, 12 août 2024, janvier 2024, 15 août
    r"|(?:(?P<wd>" + _DAY + r")(?:er|e|st|nd|rd|th)?\s+)?(?P<wm>" + _MONTH_ALT + r")(?:\.(?=\s+\d))?"
    r"(?:\s+(?:de\s+|of\s+)?(?P<wy>(?:1[89]|20)\d\d)(?![0-9]))?"
    r")(?![0-9a-z]|[/.\-:][0-9])"
)

#: compact ISO / HL7 DTM: 19850712, 202411050830, 20241105083015
_COMPACT = re.compile(r"(?<![0-9])(?P<y>(?:1[89]|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?P<t>\d{4}(?:\d\d)?)?(?![0-9])")

#: birth cues, folded, matched in the 30 characters before a date (same line, no digit between)
_BIRTH_CUE = re.compile(
    r"(?:(?<![a-z])nee?s?\s*(?:\(e\)\s*)?(?:le|en|au|a|:)"
    r"|date\s+de\s+naissance|naissance|(?<![a-z])d\.?d\.?n(?![a-z])|(?<![a-z])dn\s*:"
    r"|(?<![a-z])born(?:\s+on)?|date\s+of\s+birth|birth\s*date|birthday|(?<![a-z])dob(?![a-z])"
    r"|(?<![a-z])d\.?o\.?b\.?)[^0-9\n]{0,30}$"
)


#: prefilter of both detectors (folded text): a digit, a date separator and a digit; eight
#: digits (compact); or the start of a month name or abbreviation of _MONTHS
PREFILTER = (r"\d[/.\-]\d|\d{8}|jan|fe[vb]|mar|avr|apr|ma[iy]|jui?n|jui?l|aou|aug|sep|oct|nov"
             r"|dec")


@dataclass(frozen=True, slots=True)
class _Date:
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


def _accept(m: re.Match[str]) -> _Date | None:
    g = m.groupdict()
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
        d, mo = int(g["nd"]), int(g["nm"])
        y = _year(g["ny"])
        if len(g["ny"]) == 4 and not 1800 <= y <= 2099:
            return None
        if len(g["ny"]) == 2 and (len(g["nd"]) != 2 or len(g["nm"]) != 2):
            return None  # "3.4.12" is a version or a section number, not a date
        if not _valid(y, mo, d):
            return None
        end = m.end()
        t = g["nt"]
        if t and not _valid_time(t):
            end, t = m.start("nt_sep"), None
        return _Date(m.start(), end, _iso(y, mo, d, t), "dmy_numeric")
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
        if code > 100 and (d is None or y is None):
            return None  # abbreviations ("mar", "dec") only inside a full date
        if not _valid(y, mo, d):
            return None
        return _Date(m.start(), m.end(), _iso(y, mo, d), "month_name")
    return None


def scan_dates(text: str, folded: str | None = None) -> Iterator[_Date]:
    """Every valid date in ``text`` (offsets in ``text``); compact ``yyyymmdd`` only between HL7
    delimiters."""
    folded = fold_keep_length(text) if folded is None else folded
    for _m, d in finditer_resuming(_PATTERN, folded, _accept):
        yield d
    for m in _COMPACT.finditer(folded):
        before = folded[m.start() - 1] if m.start() else ""
        after = folded[m.end()] if m.end() < len(folded) else ""
        if before in "|^" and before and (after in "|^\r\n" or not after):
            d = _compact(m)
            if d is not None:
                yield d


def _all_dates(text: str) -> tuple[_Date, ...]:
    """``scan_dates(text)`` as a tuple; memoised for text units (both detectors of this module
    scan the same text one after the other: the grammar runs once)."""
    if len(text) >= 256:
        return _all_dates_memo(text)
    return tuple(scan_dates(text))


@functools.lru_cache(maxsize=2)
def _all_dates_memo(text: str) -> tuple[_Date, ...]:
    return tuple(scan_dates(text))


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
    return _Date(m.start(), m.end(), _iso(y, mo, d, time), "compact")


def parse_date(value: str) -> _Date | None:
    """The date that makes up the whole of ``value`` (stripped), any accepted form incl.
    compact ``yyyymmdd[hhmm[ss]]``; offsets in ``value``."""
    stripped = value.strip()
    if not stripped:
        return None
    lead = len(value) - len(value.lstrip())
    end = lead + len(stripped)
    m = _COMPACT.fullmatch(stripped)
    if m is not None:
        d = _compact(m)
        return _Date(lead, end, d.iso, d.pattern) if d else None
    for d in scan_dates(value):
        if d.start <= lead and d.end >= end:
            return d
    return None


def _normalize(value: str) -> str:
    d = parse_date(value)
    return d.iso if d else " ".join(value.split())


class DateTimeDetector(Detector):
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
        for d in _all_dates(text):
            yield Match(d.start, d.end, 0.6, Validation.VALID, d.pattern, d.iso)

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        d = parse_date(value)
        if d is None or (d.pattern == "compact" and not header_hit):
            return None
        return Match(d.start, d.end, 0.6, Validation.VALID, d.pattern, d.iso)

    def normalize(self, value: str) -> str:
        return _normalize(value)


class DateOfBirthDetector(Detector):
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
        for d in _all_dates(text):
            lo = max(0, d.start - 48)
            before = folded[lo:d.start]
            if _BIRTH_CUE.search(before):
                yield Match(d.start, d.end, 0.9, Validation.VALID, d.pattern, d.iso, "DATE_OF_BIRTH")

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        d = parse_date(value)
        if d is None:
            return None
        return Match(d.start, d.end, 0.9, Validation.VALID, d.pattern, d.iso, "DATE_OF_BIRTH")

    def normalize(self, value: str) -> str:
        return _normalize(value)
