"""Dates as written in French files: parse one, move it by some days, generalise it, and write it
back in the form it came in.

Forms (the same grammar the DATE detectors accept; French day-first order, ISO 8601, HL7 v2
``TS``): ``12/03/1985``, ``12-03-1985``, ``12.03.1985``, ``12/03/85``, ``1985-03-12``,
``19850312`` (HL7 v2.5.1 2A.79 DTM), each optionally followed by a time, which is kept as is;
``12 mars 1985`` / ``1er mars 1985`` (month names in full or abbreviated, case kept), and
``mars 1985`` and ``03/1985`` / ``1985-03`` (month and year only). Two-digit years are read as 19xx when above the current
two-digit year, else 20xx, and written back with two digits.

We write this ourselves: moving a date *in place* while keeping its exact spelling (separators,
zero padding, case of the month name, the trailing time) is the core of the ``shift`` operator;
the calendar arithmetic comes from :mod:`datetime`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_MONTH_KEYS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "février": 2, "fevr": 2, "févr": 2,
    "fev": 2, "fév": 2, "mars": 3, "mar": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6,
    "juillet": 7, "juil": 7, "aout": 8, "août": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "décembre": 12,
    "dec": 12, "déc": 12,
}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTH_KEYS), key=len, reverse=True))

_DMY = re.compile(r"(\s*)(\d{1,2})([/.\-])(\d{1,2})\3(\d{4}|\d{2})(?!\d)(.*)", re.S)
_YMD = re.compile(r"(\s*)(\d{4})([\-/.])(\d{1,2})\3(\d{1,2})(?!\d)(.*)", re.S)
_COMPACT = re.compile(r"(\s*)(\d{4})(\d{2})(\d{2})((?:\d{2}){0,3}(?:\.\d{1,4})?(?:[+\-]\d{4})?\s*)")
_WORDS = re.compile(rf"(\s*)(\d{{1,2}})(er)?(\s+)({_MONTH_RE})(\.?)(\s+)(\d{{4}})(?!\d)(.*)",
                    re.S | re.I)
_MONTH_YEAR = re.compile(rf"(\s*)({_MONTH_RE})(\.?)(\s+)(\d{{4}})(?!\d)(.*)", re.S | re.I)
_MY_NUM = re.compile(r"(\s*)(\d{1,2})([/.\-])(\d{4})(?!\d)(\s*)")  # 03/1985: month/year
_YM_NUM = re.compile(r"(\s*)(\d{4})-(\d{2})(?!\d)(\s*)")  # 1985-03: ISO 8601 year-month
_YEAR = re.compile(r"(\s*)(\d{4})(\s*)")


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A parsed date and how to write another date the same way."""

    date: _dt.date
    kind: str  # dmy, ymd, compact, words, month_year, my_num, ym_num, year
    parts: tuple  # pieces of the original spelling needed to write it back

    def write(self, d: _dt.date) -> str:
        """``d`` in this date's form (same separators, padding, case, trailing time)."""
        p = self.parts
        if self.kind == "dmy":
            lead, dw, sep, mw, yw, rest = p
            year = f"{d.year % 100:02d}" if len(yw) == 2 else f"{d.year:04d}"
            return f"{lead}{_pad(d.day, dw)}{sep}{_pad(d.month, mw)}{sep}{year}{rest}"
        if self.kind == "ymd":
            lead, _, sep, mw, dw, rest = p
            return f"{lead}{d.year:04d}{sep}{_pad(d.month, mw)}{sep}{_pad(d.day, dw)}{rest}"
        if self.kind == "compact":
            lead, rest = p
            return f"{lead}{d.year:04d}{d.month:02d}{d.day:02d}{rest}"
        if self.kind == "words":
            lead, dw, er, sp1, mw, dot, sp2, rest = p
            day = "1" if d.day == 1 and er else _pad(d.day, dw)
            suffix = er if d.day == 1 and er else ""
            return f"{lead}{day}{suffix}{sp1}{_month_word(d.month, mw, dot)}{sp2}{d.year}{rest}"
        if self.kind == "month_year":
            lead, mw, dot, sp, rest = p
            return f"{lead}{_month_word(d.month, mw, dot)}{sp}{d.year}{rest}"
        if self.kind == "my_num":
            lead, mw, sep, trail = p
            return f"{lead}{_pad(d.month, mw)}{sep}{d.year:04d}{trail}"
        if self.kind == "ym_num":
            lead, trail = p
            return f"{lead}{d.year:04d}-{d.month:02d}{trail}"
        lead, trail = p
        return f"{lead}{d.year}{trail}"


def _pad(n: int, written: str) -> str:
    return f"{n:02d}" if len(written) == 2 else str(n)


def _month_word(month: int, written: str, dot: str) -> str:
    """Month ``month`` spelt like ``written``: full or abbreviated to the same length, case kept."""
    full = MONTHS[month - 1]
    folded_full = {_fold(m) for m in MONTHS}
    word = full if _fold(written) in folded_full else full[: len(written)]
    if written.isupper():
        word = word.upper()
    elif written[:1].isupper():
        word = word[:1].upper() + word[1:]
    return word + (dot if word != full else "")


def _fold(text: str) -> str:
    return text.lower().replace("é", "e").replace("û", "u")


def _year(written: str) -> int:
    if len(written) == 4:
        return int(written)
    yy = int(written)
    now = _dt.date.today().year % 100
    return 1900 + yy if yy > now else 2000 + yy


def parse(text: str) -> WrittenDate | None:
    """The date written in ``text`` (the whole value; trailing time allowed), or None."""
    try:
        m = _DMY.fullmatch(text)
        if m:
            lead, dw, sep, mw, yw, rest = m.groups()
            return WrittenDate(_dt.date(_year(yw), int(mw), int(dw)), "dmy", m.groups())
        m = _YMD.fullmatch(text)
        if m:
            lead, yw, sep, mw, dw, rest = m.groups()
            return WrittenDate(_dt.date(int(yw), int(mw), int(dw)), "ymd", m.groups())
        m = _COMPACT.fullmatch(text)
        if m:
            lead, yw, mw, dw, rest = m.groups()
            return WrittenDate(_dt.date(int(yw), int(mw), int(dw)), "compact", (lead, rest))
        m = _WORDS.fullmatch(text)
        if m:
            lead, dw, er, sp1, mw, dot, sp2, yw, rest = m.groups()
            month = _MONTH_KEYS[mw.lower()]
            return WrittenDate(_dt.date(int(yw), month, int(dw)), "words",
                               (lead, dw, er or "", sp1, mw, dot, sp2, rest))
        m = _MONTH_YEAR.fullmatch(text)
        if m:
            lead, mw, dot, sp, yw, rest = m.groups()
            return WrittenDate(_dt.date(int(yw), _MONTH_KEYS[mw.lower()], 15), "month_year",
                               (lead, mw, dot, sp, rest))
        m = _MY_NUM.fullmatch(text)
        if m and 1800 <= int(m.group(4)) <= 2200:
            lead, mw, sep, yw, trail = m.groups()
            return WrittenDate(_dt.date(int(yw), int(mw), 15), "my_num", (lead, mw, sep, trail))
        m = _YM_NUM.fullmatch(text)
        if m and 1800 <= int(m.group(2)) <= 2200:
            lead, yw, mw, trail = m.groups()
            return WrittenDate(_dt.date(int(yw), int(mw), 15), "ym_num", (lead, trail))
        m = _YEAR.fullmatch(text)
        if m and 1800 <= int(m.group(2)) <= 2200:
            return WrittenDate(_dt.date(int(m.group(2)), 7, 1), "year", (m.group(1), m.group(3)))
    except ValueError:  # not a calendar date (31/02)
        return None
    return None


_MONTH_KINDS = frozenset({"month_year", "my_num", "ym_num"})  # the day is unknown


def shift(text: str, days: int) -> str | None:
    """``text`` moved by ``days`` days in the same form; None when it is not a date.

    A month-and-year or a year alone (its day unknown, taken as the 15th / 1 July) moves by
    at least one month / year in the direction of ``days``, so it never comes back unchanged.
    The ``shift`` operator only passes negative ``days``
    (:meth:`sentinelle.redact.operators.Operators.shift_days`)."""
    w = parse(text)
    if w is None:
        return None
    try:
        moved = w.date + _dt.timedelta(days=days)
    except OverflowError:
        return None
    if w.kind == "year" and moved.year == w.date.year:
        moved = moved.replace(year=moved.year + (1 if days > 0 else -1))
    if w.kind in _MONTH_KINDS and (moved.year, moved.month) == (w.date.year, w.date.month):
        step = 1 if days > 0 else -1
        month = w.date.month - 1 + step  # 0-based, may leave the year
        moved = _dt.date(w.date.year + month // 12, month % 12 + 1, 15)
    if moved == w.date:
        moved = w.date + _dt.timedelta(days=1 if days >= 0 else -1)
    return w.write(moved)


def generalise(text: str, level: int = 1) -> str | None:
    """Level 1: the year (``1985``); level 2: the decade (``1980-1989``). None when not a date."""
    w = parse(text)
    if w is None:
        return None
    return year_level(w.date.year, level)


def year_level(year: int, level: int) -> str:
    if level <= 1:
        return f"{year:04d}"
    lo = year - year % 10
    return f"{lo:04d}-{lo + 9:04d}"
