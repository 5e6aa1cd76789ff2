"""The HTML assessment report a DPO can forward (``sentinelle assess --html FILE``).

Input: the assessment document ``sentinelle-assessment/1`` (docs/assess-schema.md), and nothing
else, so the report can show only what the document holds: counts, masked values, keyed hashes
(hashes are not shown). Output: one self-contained HTML5 file, French by default (``lang="en"``
for English): summary first (unique persons and their interval, persons by role, the most
sensitive categories, the period, the ENISA severity level with its DPC, EI and CB factors), then
three charts (persons per category, persons per source, records per month), then the tables
(data types, categories and combinations, sources, copies, known-leak overlaps, severity
rationale, how persons were counted).

Offline by construction: CSS and a small script are inlined, the charts are inline SVG drawn here
(server side), and a Content-Security-Policy ``default-src 'none'`` with the SHA-256 of the inline
style and script forbids the browser any other load. The script only measures the drawn bars and
sets ``data-drawn`` on each chart and ``data-ready`` on ``<html>`` (the headless-browser tests read
them); the report reads the same without it. Print CSS lays it out on A4.

Templates are Jinja2 (``report/templates/``); the words of both languages are in
``templates/strings.json``; the document's own English phrases (severity bases and adjustments,
linkage rules and notes) are shown in French from ``templates/phrases.fr.json``, and the severity
rationale is rebuilt from its parts. Numbers follow CLDR's ``fr`` and ``en`` number patterns (grouping
with U+202F narrow no-break space and decimal comma in French; comma grouping and decimal point in
English; ``87 %`` / ``87%``). They are formatted here rather than with Babel: two locales and three
patterns do not justify Babel's locale data as a runtime dependency.

Errors: :class:`ValueError` for a document of another schema or an unsupported ``lang``;
:class:`OSError` when the file cannot be written (nothing is left behind: the report is written
to a temporary file in the target folder, then renamed over ``path``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import re
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

SCHEMA = "sentinelle-assessment/1"
LANGS = ("fr", "en")

#: categories from most to least sensitive (ENISA DPC basic scores: sensitive data 4, credentials
#: scored 4 by this tool, financial 3, behavioural 2, simple data 1); order of the summary list
SENSITIVITY = ("health", "credentials", "financial", "national_identifier", "identification",
               "location", "contact", "online_identifier", "organisation", "other")

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_NNBSP = "\u202f"  # CLDR fr grouping separator and the space before % in French


# --------------------------------------------------------------------------- words and numbers

@jinja2.pass_context
def _pl_filter(ctx, n: Any, one: str, other: str) -> str:
    """Jinja filter ``{{ n|pl("personne", "personnes") }}`` (:func:`plural`, in the language of
    the template's view ``v``)."""
    return plural(n, ctx["v"]["lang"], one, other)


@jinja2.pass_context
def _one_test(ctx, n: Any) -> bool:
    """Jinja test ``{% if n is one %}`` (:func:`plural_one`, in the language of ``v``)."""
    return plural_one(n, ctx["v"]["lang"])


def add_plurals(env: jinja2.Environment) -> jinja2.Environment:
    """Give ``env`` the ``pl`` filter and the ``one`` test (agreement of words with counts)."""
    env.filters["pl"] = _pl_filter
    env.tests["one"] = _one_test
    return env


@lru_cache(maxsize=None)
def strings(lang: str) -> dict[str, str]:
    """The words of ``lang`` (``templates/strings.json``); :class:`ValueError` if unsupported."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r} (expected one of: {', '.join(LANGS)})")
    table = json.loads(_template_text("strings.json"))
    return table[lang]


@lru_cache(maxsize=1)
def _phrases_fr() -> dict[str, str]:
    table = json.loads(_template_text("phrases.fr.json"))
    table.pop("_comment", None)
    return table


def phrase(text: Any, lang: str) -> Any:
    """An English phrase of the document (severity bases and adjustments, linkage rules and
    notes, the period's source) in ``lang`` (``templates/phrases.fr.json``); a phrase with a
    parenthesised detail (``EM skipped for one blocking rule (KeyError)``) is translated by its
    head; unknown text and non-strings are returned unchanged."""
    if lang == "en" or not isinstance(text, str):
        return text
    table = _phrases_fr()
    hit = table.get(text)
    if hit is not None:
        return hit
    head, sep, tail = text.partition(" (")
    if sep and head in table:
        return f"{table[head]} ({tail}"
    return text


def _reasons_in(files: Any, lang: str) -> list[dict]:
    """The files of the document's ``files.unreadable`` / ``partly_read_files`` with their
    reason in ``lang`` (:func:`sentinelle.report.reasons.reason_text`)."""
    from sentinelle.report.reasons import reason_text

    return [dict(f, reason=reason_text(f.get("reason"), lang)) for f in files or []]


def _note(text: Any, t: dict, lang: str) -> Any:
    """A linkage note of the document in ``lang``, worded for a DPO: the fallback of the
    probabilistic model (``EM skipped for one blocking rule (EMTrainingException)`` in the
    document, which keeps the exception's name) says what it means, without the jargon."""
    if isinstance(text, str) and text.startswith("EM skipped for one blocking rule"):
        return t["note_em_default"]
    return phrase(text, lang)


def _reconcile(subjects: dict, t: dict, lang: str) -> list[str]:
    """How the records became persons, in numbers that add up: patient records, minus the exact
    duplicates grouped without a link (profiles), minus one per link (a link joins two groups)
    = patients; then the health professionals and other persons, counted apart. A line whose
    numbers do not add up (an older document) is left out rather than shown wrong."""
    method = subjects.get("method") or {}
    roles = subjects.get("by_role") or {}
    pat = roles.get("patient") or {}
    records, persons = pat.get("records"), pat.get("unique")
    profiles = method.get("profiles")
    exact = method.get("exact_key") or []
    exact = [exact] if isinstance(exact, dict) else exact
    links = (sum(int(r.get("links") or 0) for r in exact)
             + int((method.get("probabilistic") or {}).get("links") or 0))

    def w(n: int, key: str) -> str:
        one, other = t[key]
        return plural(fmt_int(n, lang), lang, one, other)

    out = []
    if (isinstance(records, int) and isinstance(persons, int) and isinstance(profiles, int)
            and records and profiles - links == persons and records >= profiles):
        out.append(t["reconcile_patients"].format(
            records=w(records, "w_patient_records"), same=w(records - profiles, "w_identical"),
            profiles=w(profiles, "w_profiles"), profiles_n=fmt_int(profiles, lang),
            links=w(links, "w_links"), persons=w(persons, "w_patients")))
    o_rec = sum(int((roles.get(r) or {}).get("records") or 0)
                for r in ("health_professional", "other"))
    o_uni = sum(int((roles.get(r) or {}).get("unique") or 0)
                for r in ("health_professional", "other"))
    if o_rec:
        out.append(t["reconcile_others"].format(records=w(o_rec, "w_records"),
                                                persons=w(o_uni, "w_persons")))
    return out


def _rationale(sev: dict, t: dict, lang: str) -> list[str]:
    """The severity rationale in ``lang``: the document's own lines in English, rebuilt from its
    structured parts (scores, bases, adjustments) otherwise."""
    if lang == "en" or not sev.get("rationale"):
        return list(sev.get("rationale") or [])
    dpc, ei, cb = sev.get("dpc") or {}, sev.get("ei") or {}, sev.get("cb") or {}
    c = t["colon"]
    adj = [phrase(a, lang) for a in dpc.get("adjustments") or []]
    ei_level = t.get(f"ei_{ei.get('level')}", "") if ei.get("level") else ""
    malicious = (cb.get("factors") or {}).get("malicious_intent")
    level = sev.get("level") or ""
    return [
        f"DPC {fmt_num(dpc.get('score'), lang)}{c} {phrase(dpc.get('basis', ''), lang)}"
        + (f" ({' ; '.join(adj)})" if adj else ""),
        f"EI {fmt_num(ei.get('score'), lang)}" + (f" ({ei_level})" if ei_level else "")
        + f"{c} {phrase(ei.get('basis', ''), lang)}",
        f"CB {fmt_num(cb.get('score'), lang)}{c} {phrase(cb.get('basis', ''), lang)}"
        + (f" ; {phrase('malicious intent', lang)}" if malicious else ""),
        f"SE = {fmt_num(dpc.get('score'), lang)} × {fmt_num(ei.get('score'), lang)} + "
        f"{fmt_num(cb.get('score'), lang)} = {fmt_num(sev.get('se'), lang)} "
        f"({t.get(f'level_{level}', level).lower()})",
    ]


def fmt_int(n: Any, lang: str) -> str:
    """``19874`` -> ``19 874`` (fr, U+202F) or ``19,874`` (en); ``None`` -> ``—``."""
    if n is None:
        return "—"
    s = f"{int(n):,}"
    return s.replace(",", _NNBSP) if lang == "fr" else s


def plural_one(n: Any, lang: str) -> bool:
    """Whether the count ``n`` takes the singular in ``lang``: CLDR plural rules (Unicode CLDR
    ``plurals.xml``, cardinal category *one*): French ``i = 0,1`` (« 0 personne »,
    « 1 personne », « 2 personnes »); English ``i = 1 and v = 0`` (« 0 persons », « 1 person »).
    ``n``: an integer, or a count formatted by :func:`fmt_int` (``19 874``, ``19,874``); None
    and ``—`` (unknown) take the plural."""
    if isinstance(n, bool):
        n = int(n)
    if not isinstance(n, int):
        digits = re.sub(r"\D", "", str(n)) if n is not None else ""
        if not digits:
            return False
        n = int(digits)
    return n in (0, 1) if lang == "fr" else n == 1


def plural(n: Any, lang: str, one: str, other: str) -> str:
    """``n`` (as given: an int or a formatted count) and the word that agrees with it:
    ``plural(1, "fr", "personne", "personnes")`` -> ``1 personne`` (:func:`plural_one`)."""
    return f"{n} {one if plural_one(n, lang) else other}"


def fmt_num(x: Any, lang: str, digits: int = 2) -> str:
    """A score: at most ``digits`` decimals, trailing zeros dropped; ``4.5`` -> ``4,5`` (fr)."""
    if x is None:
        return "—"
    s = f"{float(x):.{digits}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s == "-0":
        s = "0"
    return s.replace(".", ",") if lang == "fr" else s


def fmt_pct(ratio: Any, lang: str) -> str:
    """A ratio in [0, 1] as a percentage: ``0.87`` -> ``87 %`` (fr) / ``87%`` (en); one decimal
    below 10 %; a part is never shown as 100 % (99.97 % -> ``99.9 %``) nor as 0 % (``<0.1 %``)."""
    if ratio is None:
        return "—"
    p = float(ratio) * 100
    s = fmt_num(p, lang, 1 if p < 10 else 0)
    if s == "100" and p < 100:  # never round a part up to all...
        s = fmt_num(math.floor(p * 10) / 10, lang, 1)
    elif s == "0" and p > 0:    # ... nor down to none
        s = "<" + fmt_num(0.1, lang, 1)
    return f"{s}{_NNBSP}%" if lang == "fr" else f"{s}%"


def fmt_date(iso: Any, lang: str) -> str:
    """``2015-01-03`` -> ``3 janvier 2015`` / ``3 January 2015``; unparsable text is returned
    as is, ``None`` as ``—``."""
    if not iso:
        return "—"
    try:
        d = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    month = _MONTHS[lang][d.month - 1]
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
    return f"{d.day} {month} {d.year}"


def fmt_datetime(iso: Any, lang: str) -> str:
    """``2026-11-30T14:00:00+00:00`` -> ``30 novembre 2026, 14:00 UTC``."""
    if not iso:
        return "—"
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    zone = ""
    if t.utcoffset() is not None:
        off = t.utcoffset()
        zone = " UTC" if not off else " UTC" + t.strftime("%z")[:3] + ":" + t.strftime("%z")[3:]
    return f"{fmt_date(t.date().isoformat(), lang)}, {t:%H:%M}{zone}"


def fmt_month(ym: str, lang: str) -> str:
    """``2015-01`` -> ``janvier 2015``."""
    try:
        y, m = (int(p) for p in ym.split("-")[:2])
        return f"{_MONTHS[lang][m - 1]} {y}"
    except (ValueError, IndexError):
        return ym


def fmt_bytes(n: Any, lang: str) -> str:
    """Bytes in megabytes (10^6; kilobytes below), one decimal: ``46123456`` -> ``46,1 Mo``."""
    if n is None:
        return "—"
    sep = _NNBSP if lang == "fr" else " "
    if n < 1e6:
        return f"{fmt_num(n / 1e3, lang, 1)}{sep}{strings(lang)['kb']}"
    return f"{fmt_num(n / 1e6, lang, 1)}{sep}{strings(lang)['mb']}"


def category_name(cat: str, lang: str) -> str:
    return strings(lang).get(f"cat_{cat}", cat)


def combination_label(label: str, lang: str) -> str:
    """Translate an engine label such as ``name + NIR + health data`` part by part (unknown parts
    are kept as they are)."""
    t = strings(lang)
    return " + ".join(t.get(f"part_{p.strip()}", p.strip()) for p in label.split("+"))


# --------------------------------------------------------------------------- files

def _template_text(name: str) -> str:
    return resources.files("sentinelle.report").joinpath("templates", name).read_text("utf-8")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder renamed
    over it: a reader never sees a half-written file, and a failure leaves no file behind. The
    file gets mode 0600 (it describes a breach)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_schema(doc: dict) -> None:
    """:class:`ValueError` unless ``doc`` is a ``sentinelle-assessment/1`` document."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise ValueError(f"unsupported assessment document {got!r} (expected {SCHEMA!r})")


# --------------------------------------------------------------------------- charts (SVG geometry)

def nice_ticks(vmax: float, count: int = 4) -> list[float]:
    """Axis ticks 0, s, 2s, ... reaching ``vmax``, with step s = 1, 2 or 5 x 10^k (the usual
    "nice numbers" rule) and about ``count`` intervals."""
    if vmax <= 0:
        return [0, 1]
    raw = vmax / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    if step < 1:
        step = 1
    n = math.ceil(vmax / step)
    return [i * step for i in range(n + 1)]


def hbar_chart(items: list[tuple[str, int, bool]], lang: str, unit: str,
               unit_one: str | None = None) -> dict:
    """Horizontal bar chart geometry from ``(label, value, highlighted)``; items with value 0 are
    left out; ``unit`` (``unit_one`` for a count in the singular, :func:`plural_one`) follows
    the values in the bars' titles. Returns ``{"width", "height", "bars": [...]}`` in SVG user
    units."""
    items = [it for it in items if it[1] and it[1] > 0]
    width, label_w, value_w, row_h, bar_h, pad = 1000, 300, 110, 32, 20, 8
    area = width - label_w - value_w - 12
    vmax = max((v for _, v, _ in items), default=1)
    bars = []
    for i, (label, value, hl) in enumerate(items):
        w = max(2.0, value / vmax * area)
        y = pad + i * row_h
        short = label if len(label) <= 40 else label[:38] + "…"
        bars.append({"label": short, "full": label, "value": value,
                     "text": fmt_int(value, lang), "title": f"{label}: {plural(fmt_int(value, lang), lang, unit_one or unit, unit)}",
                     "x": label_w, "y": y, "w": round(w, 2), "h": bar_h, "hl": hl,
                     "lx": label_w - 8, "ty": y + bar_h / 2, "tx": round(label_w + w + 6, 2)})
    return {"width": width, "height": pad * 2 + max(1, len(items)) * row_h, "bars": bars}


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive."""
    y, m = (int(p) for p in first.split("-")[:2])
    ly, lm = (int(p) for p in last.split("-")[:2])
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def month_chart(by_month: list[dict], lang: str) -> dict:
    """Column chart geometry, one slot per month from the first to the last month with records
    (gaps stay empty, so time runs evenly); a bar for each month with records. Entries whose
    ``month`` is not ``YYYY-MM`` are left out."""
    counts: dict[str, int] = {}
    for row in by_month or []:
        month, n = str(row.get("month", "")), int(row.get("records") or 0)
        if _MONTH.fullmatch(month) and n > 0:
            counts[month] = counts.get(month, 0) + n
    width, left, right, top, plot_h, bottom = 1000, 70, 12, 12, 190, 40
    if not counts:
        return {"width": width, "height": top + plot_h + bottom, "bars": [], "ticks": [],
                "years": [], "left": left, "right": width - right, "base": top + plot_h}
    months = month_range(min(counts), max(counts))
    plot_w = width - left - right
    slot = plot_w / len(months)
    ticks = nice_ticks(max(counts.values()))
    ymax = ticks[-1]
    bars, years = [], []
    unit, unit_one = strings(lang)["records_unit"], strings(lang)["records_unit_one"]
    every = max(1, math.ceil(len(months) / 12 / 14))  # at most ~14 year labels
    for i, month in enumerate(months):
        x = left + i * slot
        n = counts.get(month, 0)
        if n:
            h = max(1.0, n / ymax * plot_h)
            bars.append({"x": round(x + slot * 0.1, 2), "w": round(max(slot * 0.8, 0.8), 2),
                         "y": round(top + plot_h - h, 2), "h": round(h, 2), "value": n,
                         "title": f"{fmt_month(month, lang)}: "
                                  f"{plural(fmt_int(n, lang), lang, unit_one, unit)}"})
        if (month.endswith("-01") or i == 0) and int(month[:4]) % every == 0:
            years.append({"x": round(x, 2), "text": month[:4]})
    ytick = [{"y": round(top + plot_h - t / ymax * plot_h, 2), "text": fmt_int(t, lang)}
             for t in ticks]
    return {"width": width, "height": top + plot_h + bottom, "bars": bars, "ticks": ytick,
            "years": years, "left": left, "right": width - right, "base": top + plot_h,
            "months": len(months)}


# --------------------------------------------------------------------------- view model

def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def view(doc: dict, lang: str = "fr") -> dict:
    """What the template shows, formatted for ``lang``, from the assessment document."""
    check_schema(doc)
    t = strings(lang)
    subjects = doc.get("subjects") or {}
    unique = int(subjects.get("unique") or 0)
    files = doc.get("files") or {}
    roles = []
    for role in ("patient", "health_professional", "other"):
        r = (subjects.get("by_role") or {}).get(role) or {}
        if r.get("unique") or r.get("records") or role != "other":
            roles.append({"name": t[f"role_{role}"], "unique": fmt_int(r.get("unique", 0), lang),
                          "records": fmt_int(r.get("records", 0), lang)})
    interval = subjects.get("interval")
    interval_text = (f"{fmt_int(interval[0], lang)} – {fmt_int(interval[1], lang)}"
                     if interval and len(interval) == 2 else None)

    categories = sorted(doc.get("categories") or [],
                        key=lambda c: (not c.get("special_category"),
                                       SENSITIVITY.index(c["category"])
                                       if c.get("category") in SENSITIVITY else len(SENSITIVITY)))
    cat_rows = [{"code": c.get("category", ""), "n": int(c.get("subjects") or 0),
                 "name": category_name(c.get("category", ""), lang),
                 "special": bool(c.get("special_category")),
                 "entities": ", ".join(c.get("entities") or []),
                 "subjects": fmt_int(c.get("subjects"), lang),
                 "share": fmt_pct(c["subjects"] / unique, lang) if unique and c.get("subjects")
                 is not None else "—",
                 "findings": fmt_int(c.get("findings"), lang)} for c in categories
                if c.get("category") != "organisation"]  # not persons: listed under sources
    sensitive = [r for r in cat_rows if r["n"] > 0 and r["code"] not in ("organisation", "other")][:4]

    combos = [{"label": combination_label(c.get("label") or " + ".join(c.get("categories") or []),
                                          lang),
               "categories": ", ".join(category_name(x, lang) for x in c.get("categories") or []),
               "subjects": fmt_int(c.get("subjects"), lang),
               "share": fmt_pct(c["subjects"] / unique, lang) if unique and c.get("subjects")
               is not None else "—"} for c in doc.get("combinations") or []]

    entities = [{"type": e.get("entity_type", ""), "category": category_name(e.get("category", ""), lang),
                 "findings": fmt_int(e.get("findings"), lang),
                 "distinct": fmt_int(e.get("distinct_values"), lang),
                 "subjects": fmt_int(e.get("subjects"), lang)}
                for e in sorted(doc.get("entities") or [], key=lambda e: -(e.get("findings") or 0))]

    period = doc.get("period") or {}
    sources_all = sorted(doc.get("sources") or [], key=lambda s: -(s.get("subjects") or 0))
    max_rows = 500
    sources = [{"path": t["top_folder"] if s.get("path") == "." else s.get("path", ""), "files": fmt_int(s.get("files"), lang),
                "records": fmt_int(s.get("records"), lang), "subjects": fmt_int(s.get("subjects"), lang),
                "orgs": [{"kind": "" if o.get("kind") == "name" else o.get("kind", ""),
                          "shown": o.get("masked") or o.get("value") or ""}
                         for o in s.get("organisations") or []]}
               for s in sources_all[:max_rows]]

    copies = doc.get("copies") or {}
    groups = [{"kind": t.get(f"kind_{g.get('kind')}", g.get("kind", "")),
               "similarity": fmt_pct(g.get("similarity"), lang),
               "records": fmt_int(g.get("records"), lang), "members": list(g.get("members") or [])}
              for g in copies.get("groups") or []]
    exact = sum(1 for g in copies.get("groups") or [] if g.get("kind") == "exact")
    known = sorted(copies.get("known_leaks") or [], key=lambda k: -(k.get("share_of_this") or 0))
    known_rows = [{"name": k.get("name", ""), "registered": fmt_date(k.get("registered_at"), lang),
                   "subjects": fmt_int(k.get("subjects"), lang),
                   "overlap": fmt_int(k.get("overlap_subjects"), lang),
                   # raw count: no "already circulated" conclusion when nobody is in common
                   "overlap_n": int(k.get("overlap_subjects") or 0),
                   "share": fmt_pct(k.get("share_of_this"), lang)} for k in known]
    headline_known = (t["known_leak_headline"].format(share=fmt_pct(known[0].get("share_of_this"), lang),
                                                      name=known[0].get("name", ""))
                      if known and known[0].get("share_of_this") else None)
    n_groups = len(groups)
    def counted(n: int, key: str) -> str:  # "1 groupe de copies", "2 exactes"
        return t[f"{key}_one" if plural_one(n, lang) else key].format(n=fmt_int(n, lang))

    headline_copies = (t["copies_headline"].format(
        groups=counted(n_groups, "copies_groups"), exact=counted(exact, "copies_exact"),
        near=counted(n_groups - exact, "copies_near")) if n_groups else t["no_copies"])

    sev = doc.get("severity") or {}
    level = sev.get("level") or ""
    dpc, ei, cb = sev.get("dpc") or {}, sev.get("ei") or {}, sev.get("cb") or {}
    assumed = set(cb.get("assumed") or [])  # factors scored without a statement: flagged
    factors = [(t[k], fmt_num(v, lang) + (f" ({t['assumed_mark']})" if k in assumed else ""))
               for k, v in (cb.get("factors") or {}).items() if k in t]
    se_formula = (f"SE = DPC × EI + CB = {fmt_num(dpc.get('score'), lang)} × "
                  f"{fmt_num(ei.get('score'), lang)} + {fmt_num(cb.get('score'), lang)} = "
                  f"{fmt_num(sev.get('se'), lang)}") if sev else ""

    method = subjects.get("method") or {}
    exact = method.get("exact_key") or []
    exact_rules = [{"rule": phrase(r.get("rule", ""), lang), "links": fmt_int(r.get("links"), lang)}
                   for r in ([exact] if isinstance(exact, dict) else exact)]
    cat_chart = hbar_chart([(category_name(c.get("category", ""), lang), int(c.get("subjects") or 0),
                             bool(c.get("special_category"))) for c in categories],
                           lang, t["persons"], t["persons_one"])
    top_sources = 15
    src_chart = hbar_chart([(t["top_folder"] if s.get("path") == "." else s.get("path", ""), int(s.get("subjects") or 0), False)
                            for s in sources_all[:top_sources]], lang, t["persons"],
                           t["persons_one"])
    return {
        "t": t, "lang": lang,
        "generated": fmt_datetime(doc.get("generated_at"), lang),
        "version": doc.get("tool_version", ""), "schema": doc.get("schema"),
        "roots": doc.get("roots") or [], "scan_id": doc.get("scan_id"),
        "files": {"scanned": fmt_int(files.get("scanned"), lang),
                  "with_findings": fmt_int(files.get("with_findings"), lang),
                  "errors": files.get("errors") or 0, "errors_text": fmt_int(files.get("errors"), lang),
                  # {path, reason, position}; the reason in the report's language (the JSON
                  # document keeps the English one): report/reasons.py
                  "unreadable": _reasons_in(files.get("unreadable"), lang),
                  # read up to an error (truncated JSON...): counted in "scanned", named apart
                  "partly_read": files.get("partly_read") or 0,
                  "partly_read_text": fmt_int(files.get("partly_read"), lang),
                  "partly_read_files": _reasons_in(files.get("partly_read_files"), lang),
                  "bytes": fmt_bytes(files.get("bytes"), lang) if files.get("bytes") else None},
        "unique": fmt_int(unique, lang), "interval": interval_text,
        "records": fmt_int(subjects.get("records"), lang), "roles": roles,
        "sensitive": sensitive,
        "period": {"start": fmt_date(period.get("start"), lang) if period.get("start") else None,
                   "end": fmt_date(period.get("end"), lang) if period.get("end") else None,
                   "dated": fmt_int(period.get("dated_records"), lang), "unknown": period.get("dated_records", 0) is None,
                   "source": phrase(period.get("source"), lang)},
        "severity": {"level": level, "level_text": t.get(f"level_{level}", level),
                     "css": level.replace(" ", "-") or "none",
                     "se": fmt_num(sev.get("se"), lang), "formula": se_formula,
                     "method": phrase(sev.get("method", ""), lang),
                     "dpc": {"score": fmt_num(dpc.get("score"), lang),
                             "basis": phrase(dpc.get("basis", ""), lang),
                             "adjustments": [phrase(a, lang) for a in dpc.get("adjustments") or []]},
                     "ei": {"score": fmt_num(ei.get("score"), lang),
                            "basis": phrase(ei.get("basis", ""), lang),
                            "level": t.get(f"ei_{ei.get('level')}", "") if ei.get("level") else ""},
                     "minors": (fmt_int(sev["minors"], lang)
                                if isinstance(sev.get("minors"), int) else None),
                     # raw count for the drafts' "yes, N minors" / "no minor found" choice
                     "minors_n": (sev["minors"] if isinstance(sev.get("minors"), int) else None),
                     "cb": {"score": fmt_num(cb.get("score"), lang),
                            "basis": phrase(cb.get("basis", ""), lang), "factors": factors,
                            "assumed": bool(assumed)},
                     "rationale": _rationale(sev, t, lang)},
        "headline_known": headline_known, "headline_copies": headline_copies,
        "method": {"exact": exact_rules, "prob": method.get("probabilistic"),
                   "compared": [t["field_names"].get(c, c) for c in
                                (method.get("probabilistic") or {}).get("comparisons") or []],
                   "reconcile": _reconcile(subjects, t, lang),
                   "notes": [_note(n, t, lang) for n in method.get("notes") or []],
                   "prob_links": fmt_int((method.get("probabilistic") or {}).get("links"), lang),
                   "threshold": fmt_num((method.get("probabilistic") or {}).get("match_threshold"),
                                        lang, 3)},
        "categories": cat_rows, "combinations": combos, "entities": entities,
        "sources": sources, "sources_total": len(sources_all),
        "sources_count": fmt_int(len(sources_all), lang),
        "sources_rows_note": (t["rows_shown"].format(shown=fmt_int(max_rows, lang),
                                                     total=fmt_int(len(sources_all), lang))
                              if len(sources_all) > max_rows else None),
        "groups": groups, "known": known_rows,
        "charts": {"categories": cat_chart, "sources": src_chart,
                   "sources_note": (t["chart_top"].format(shown=top_sources, total=len(sources_all))
                                    if len(sources_all) > top_sources else None),
                   "months": month_chart(period.get("by_month") or [], lang)},
    }


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return add_plurals(jinja2.Environment(
        loader=jinja2.PackageLoader("sentinelle.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True))


def html(doc: dict, lang: str = "fr") -> str:
    """The report as an HTML string (see the module docstring)."""
    v = view(doc, lang)
    css, js = _template_text("assessment.css"), _template_text("assessment.js")
    csp = (f"default-src 'none'; style-src {_sha256_source(css)}; "
           f"script-src {_sha256_source(js)}; img-src data:; base-uri 'none'; form-action 'none'")
    return _env().get_template("assessment.html.j2").render(v=v, t=v["t"], css=css, js=js, csp=csp)


def render_html(doc: dict, path: Path, lang: str = "fr") -> None:
    """Render the assessment document ``doc`` to the HTML file ``path`` (written atomically).

    Raises :class:`ValueError` for another schema or an unsupported ``lang`` (``fr``, ``en``),
    :class:`OSError` when ``path`` cannot be written."""
    text = html(doc, lang)
    write_atomic(Path(path), text)
