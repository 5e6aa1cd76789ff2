"""HPRIM Santé written back, both flavours the reader knows (:mod:`sentinelle.readers.hprim`),
line by line: every line, its end (CR, LF or CRLF as written), the markers (``****LAB****``,
``****FIN****``, ``****FINFICHIER****``), the encoding (HPRIM files are usually ISO 8859-1) and
its byte-order mark are kept; only the characters of the findings are replaced.

**HPRIM Santé 2.x records** (``H|~^\\&|``...): as the HL7 v2 writer
(:mod:`sentinelle.redact.writers.hl7v2`, whose code this reuses): same field, repetition,
component, escape and sub-component positions (ASTM E1394 numbering: field 1 is the record
type, so ``P-6`` is the patient name), replaced text escaped so it never adds a delimiter, a
name ``DUPONT^JEAN`` replaced component by component. A record continued on ``A|`` lines (HPRIM
Santé cuts records at 220 characters) is redacted as the reader joins it, then each edit goes
back to the physical line it came from (an edit across a cut is written on the first line and
the rest of the value removed from the next). A value that goes on over plain lines (a ``C``
comment record written over several lines, no ``A|`` head; the reader joins them with a space,
:data:`~sentinelle.readers.hprim.WRAP_JOINER`) is redacted finding by finding, each replacement
on the line its finding lies on (one across the wrap: on its first line, the rest of it removed
from the next), so the line count and every line break stay. The country of an address (``P-11`` component 5,
ASTM E1394 8.1.7: street^city^state^zip^country) is kept when it is a 2- or 3-letter code, as
HL7's. The patient's identifiers ``P-3``/``P-4``/``P-5``, name, birth name, birth date,
address, phone and physician are replaced by the policy of their entity.

**HPRIM Net reports** (12-line header, free text, ``RES|``/``TEX|`` lines): each header value
is replaced where its line holds it (the sender's and recipient's code and name, split by the
reader at a run of 2+ spaces, the postcode and the town of line 6, each in place); the report text and the ``RES|``/``TEX|`` lines
by offset in the decoded file, as the text writer does. Every date of one report moves by the
same keyed shift, keyed by the report's header (its NIR, else the patient's name), else by the
report's own text (:func:`sentinelle.redact.engine.section_persons`). The reader knows a
header by its 7th line being a date, so the header's dates stay date-shaped: a birth date cut
to its year is written ``00/00/1957`` (day and month unknown, as INSEE writes an incomplete
birth date), a label or an emptied date ``00/00/0000``.
"""

from __future__ import annotations

import bisect
import re

from sentinelle.readers.encoding import DecodedStream
from sentinelle.readers.hl7v2 import Delimiters, unescape
from sentinelle.readers.hprim import (_MARKER, _RECORD_HEAD, _RECORD_ID, RECORD_FIELDS,
                                      WRAP_JOINER, _astm_cells, _header, _numbered,
                                      header_line)
from sentinelle.redact.engine import Unplaced, person_key, section_persons
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.writers.encoding import output_encoding
from sentinelle.redact.writers.hl7v2 import escape, segment_edits

_COUNTRY_CODE = re.compile(r"[A-Za-z]{2,3}")


def _astm_skip(rec: str, k: int) -> bool:
    """Part 0 is the record type; ``H-2`` is the delimiter definition."""
    return k == 0 or (rec == "H" and k == 1)


def _astm_field(rec: str, k: int) -> str:
    return f"{rec}-{k + 1}"


def _astm_country(field_name: str, component_no: int, text: str) -> bool:
    return (component_no == 5 and RECORD_FIELDS.get(field_name, (None,))[0] == "ASTM_AD"
            and _COUNTRY_CODE.fullmatch(text.strip()) is not None)


class HprimWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        found = feed.collect()
        with open(source.fs_path, "rb") as raw:
            lines = list(DecodedStream(raw, source.display).lines())
        first = next((t for t in lines if t.strip()), None)
        if first is None:
            out.write(enc.encode("".join(lines)))
            return
        if _RECORD_HEAD.match(first):
            edits, used = _records(lines, found, run, source.display)
        else:
            edits, used = _reports(lines, found, feed.texts, run, source.display, result)
        if found or feed.finish():
            raise Unplaced
        result.findings += used
        result.replaced += used
        text = "".join(lines)
        pieces = []
        pos = 0
        for a, b, new in sorted(edits):
            if a < pos:
                raise Unplaced  # two edits over one character: never guess
            pieces.append(text[pos:a])
            pieces.append(new)
            pos = b
        pieces.append(text[pos:])
        out.write(enc.encode("".join(pieces)))


# -- HPRIM Santé 2.x records -------------------------------------------------------------------


class _Record:
    """One logical record as the reader joins it, and where each of its parts lies in the file:
    ``parts`` = (start in ``text``, end in ``text``, start in the decoded file); ``breaks``:
    the positions in ``text`` of the line breaks the reader put between two physical lines."""

    __slots__ = ("rec", "text", "parts", "breaks")

    def __init__(self, rec: str, text: str, at: int):
        self.rec = rec
        self.text = text
        self.parts = [(0, len(text), at)]
        self.breaks: list[int] = []

    def extend(self, joiner: str, body: str, at: int) -> None:
        if joiner:
            self.breaks.append(len(self.text))
        self.text += joiner
        self.parts.append((len(self.text), len(self.text) + len(body), at))
        self.text += body

    def crosses(self, a: int, b: int) -> bool:
        """True when ``text[a:b]`` holds a line break the reader put between two lines."""
        return any(a <= x < b for x in self.breaks)

    def place(self, a: int, b: int, new: str) -> list[tuple[int, int, str]]:
        """The edit ``text[a:b] -> new`` as edits of the decoded file: ``new`` on the first
        physical line the span touches, the rest of the span removed from the next lines
        (their line breaks and ``A|`` heads kept). ``new`` must hold no line break."""
        starts = [p[0] for p in self.parts]
        i = bisect.bisect_right(starts, a) - 1
        out = []
        while b > a:
            s, e, at = self.parts[i]
            hi = min(b, e)
            out.append((at + a - s, at + hi - s, new))
            new = ""
            a = hi
            i += 1
            if b > a and i >= len(self.parts):
                raise Unplaced
            if b > a:
                a = max(a, self.parts[i][0])
        return out


def _records(lines: list[str], found: dict, run, display: str):
    """Edits of a file of HPRIM Santé records, and the number of findings placed."""
    messages: list[list[_Record]] = []
    delims: list[Delimiters] = []
    offset = 0
    for line in lines:
        at = offset
        offset += len(line)
        text = line.rstrip("\r\n")
        body = text.lstrip("\ufeff")
        at += len(text) - len(body)
        if not body.strip():
            continue
        if body.startswith("H") and len(body) > 1 and body[1] == "|":
            messages.append([_Record("H", body, at)])
            delims.append(Delimiters.from_astm(body))
            continue
        if not messages:
            continue
        d = delims[-1]
        rec = body.split(d.field, 1)[0]
        message = messages[-1]
        if rec == "A" and message:
            message[-1].extend("", body[2:], at + 2)
        elif _RECORD_ID.fullmatch(rec):
            message.append(_Record(rec, body, at))
        elif message:
            message[-1].extend(WRAP_JOINER, body, at)
    edits: list[tuple[int, int, str]] = []
    used = 0
    for index, (message, d) in enumerate(zip(messages, delims)):
        counts: dict[str, int] = {}
        keyed = []
        for record in message:
            counts[record.rec] = counts.get(record.rec, 0) + 1
            rf = found.pop((f"{record.rec}[{counts[record.rec]}]", index), None)
            if rf is not None:
                keyed.append((record, rf))
        person = person_key(f for _, rf in keyed for f in rf.all())
        for record, rf in keyed:
            wrapped = bool(record.breaks)  # a value goes on over plain lines
            for a, b, new in segment_edits(record.text, record.rec, d, rf.by_name(), person,
                                           (display, record.rec, index),
                                           _Marking(run) if wrapped else run,
                                           cells=_astm_cells, skip=_astm_skip,
                                           field_name=_astm_field, kept=_astm_country):
                if not wrapped:
                    edits.extend(record.place(a, b, new))
                elif not record.crosses(a, b):
                    edits.extend(record.place(a, b, _unmarked(new)))
                else:  # one edit per finding, each placed on the lines it lies on
                    for lo, hi, sub in _replaced_spans(record.text[a:b], new, d):
                        edits.extend(record.place(a + lo, a + hi, sub))
            used += sum(len(v) for v in rf.cells.values())
    return edits, used


# A comment (C record) or any value may go on over plain lines (no ``A|`` head); the reader
# joins them with WRAP_JOINER. The HL7 writer's edits rewrite a whole field piece, so a piece
# over several lines is taken apart again: each replacement is marked as it is made, with the
# length of the text it replaces, and placed alone, on the line(s) it came from.
_OPEN, _LEN, _CLOSE = "\ue010", "\ue012", "\ue011"
_MARKED = re.compile(f"{_OPEN}([0-9a-f]+){_LEN}([^{_CLOSE}]*){_CLOSE}")


class _Marking:
    """``run`` whose replacements come marked: ``OPEN len(original, hex) LEN new CLOSE``."""

    def __init__(self, run):
        self._run = run

    def op(self, f, person, where):
        fn = self._run.op(f, person, where)
        return lambda text: f"{_OPEN}{len(text):x}{_LEN}{fn(text)}{_CLOSE}"

    def __getattr__(self, name):
        return getattr(self._run, name)


def _unmarked(new: str) -> str:
    return _MARKED.sub(lambda m: m.group(2), new)


def _decoded_map(raw: str, d: Delimiters) -> tuple[str, list[tuple[int, int]]]:
    """``raw`` unescaped, and for each decoded character the ``(start, end)`` in ``raw`` of
    what it was written as (a whole escape sequence for the characters it gives)."""
    if not d.escape or d.escape not in raw:
        return raw, [(i, i + 1) for i in range(len(raw))]
    out: list[str] = []
    where: list[tuple[int, int]] = []
    i = 0
    while i < len(raw):
        if raw[i] == d.escape:
            k = raw.find(d.escape, i + 1)
            if k > 0:
                s = unescape(raw[i:k + 1], d)
                out.append(s)
                where.extend([(i, k + 1)] * len(s))
                i = k + 1
                continue
        out.append(raw[i])
        where.append((i, i + 1))
        i += 1
    return "".join(out), where


def _replaced_spans(raw: str, new: str, d: Delimiters) -> list[tuple[int, int, str]]:
    """The ``(start, end, new text)`` spans of ``raw`` that the marked rewrite ``new`` of it
    replaces (the text between the marks is ``raw``'s, unescaped alike). Replacements that
    follow each other with nothing between (overlapping findings, written as one) are one
    span, whose end is where the text after them is found again; more than one such place,
    or none, raises :class:`Unplaced` (never guess)."""
    old, where = _decoded_map(raw, d)
    # the marks hold no delimiter and escape() leaves them; unescape the text between them
    pieces: list[tuple[str, object]] = []  # ("lit", text) | ("rep", [(length, new)])
    pos = 0
    for m in _MARKED.finditer(new):
        if m.start() > pos:
            pieces.append(("lit", unescape(new[pos:m.start()], d)))
        rep = (int(m.group(1), 16), escape(unescape(m.group(2), d), d))
        if pieces and pieces[-1][0] == "rep":
            pieces[-1][1].append(rep)  # type: ignore[union-attr]
        else:
            pieces.append(("rep", [rep]))
        pos = m.end()
    if pos < len(new):
        pieces.append(("lit", unescape(new[pos:], d)))
    spans: list[tuple[int, int, str]] = []
    p = 0
    for k, (kind, value) in enumerate(pieces):
        if kind == "lit":
            if old[p:p + len(value)] != value:  # type: ignore[arg-type]
                raise Unplaced
            p += len(value)  # type: ignore[arg-type]
            continue
        reps = value  # type: ignore[assignment]
        lengths = [n for n, _ in reps]
        after = pieces[k + 1][1] if k + 1 < len(pieces) else ""
        last = k + 1 >= len(pieces) - 1
        ends = [e for e in range(p + max(lengths), p + sum(lengths) + 1)
                if (old[e:] == after if last else old[e:e + len(after)] == after)]
        if len(ends) != 1:
            raise Unplaced
        e = ends[0]
        if e > p:
            spans.append((where[p][0], where[e - 1][1], "".join(t for _, t in reps)))
        p = e
    if p != len(old):
        raise Unplaced
    return spans


# -- HPRIM Net reports -------------------------------------------------------------------------


def _reports(lines: list[str], found: dict, texts: list, run, display: str, result):
    """Edits of a file of HPRIM Net reports, and the number of findings placed."""
    reports: list[list[tuple[int, int, str]]] = []  # as the reader cuts them
    current: list[tuple[int, int, str]] = []
    for item in _numbered(lines):
        m = _MARKER.match(item[2].rstrip("\r\n"))
        if m and m.group(1) in ("FIN", "FINFICHIER"):
            if any(t.strip() for _, _, t in current):
                reports.append(current)
            current = []
            continue
        current.append(item)
    if any(t.strip() for _, _, t in current):
        reports.append(current)
    edits: list[tuple[int, int, str]] = []
    used = 0
    persons: list[str] = []  # per report: the header's person key ("" when none)
    for index, report in enumerate(reports):
        header = _header(report)
        rf = found.pop(("HPRIM-header", index), None)
        person = person_key(rf.all()) if rf is not None else ""
        persons.append(person)
        if rf is None:
            continue
        if header is None:
            raise Unplaced
        places = _header_places(report, header[0])
        for j, fs in rf.cells.items():
            column = rf.header[j]
            if column not in places:
                raise Unplaced
            at, value = places[column]
            new = run.redact_value(value, fs, person, (display, "HPRIM-header", index))
            if column in _DATE_SLOTS:
                new = _date_shaped(value, new)
            edits.append((at, at + len(value), new))
            used += len(fs)
    starts = [r[0][1] for r in reports]
    for unit in texts:
        hits = run.pipeline.analyze_text(unit.text, unit.location, unit.offset)
        if not hits:
            continue
        run.note(hits)
        report = max(bisect.bisect_right(starts, unit.offset) - 1, 0)
        person = persons[report] if report < len(persons) else ""
        keys = [person] * len(hits)
        if not person:
            local = [_shifted(f, unit.offset) for f in hits]
            keys, _carry = section_persons(unit.text, local)
        for f, key in zip(hits, keys):
            s, e = f.start, f.end
            if unit.text[s - unit.offset:e - unit.offset] != f.value:
                raise Unplaced
            edits.append((s, e, run.op(f, key, (display, None, None))(f.value)))
        used += len(hits)
    return edits, used


#: the header lines the reader knows by their date shape (7: birth date, 10: sampling date)
_DATE_SLOTS = ("HPRIM-header-DDN", "HPRIM-header-DATE")
_DAY_FIRST = re.compile(r"(\s*)\d{1,2}([/.\-])\d{1,2}[/.\-]\d{2,4}(\s*)")


def _date_shaped(original: str, new: str) -> str:
    """``new`` for a header date line, still shaped as a date: the reader tells a header by
    its 7th line being a date, so a birth date cut to its year (``1957``), a label or an
    emptied value is written ``00/00/1957`` / ``00/00/0000`` (day and month unknown, as INSEE
    writes an incomplete birth date), in the original's separators and spacing."""
    from sentinelle.readers.hprim import _DATE

    if _DATE.match(new):
        return new
    year = re.search(r"(?<!\d)\d{4}(?!\d)", new)
    y = year.group() if year else "0000"
    m = _DAY_FIRST.fullmatch(original)
    if m:
        return f"{m.group(1)}00{m.group(2)}00{m.group(2)}{y}{m.group(3)}"
    if original.strip().isdigit() and len(original.strip()) == 8:
        return original.replace(original.strip(), "0000" + y)
    return f"00/00/{y}"


def _shifted(f, offset: int):
    from dataclasses import replace

    return replace(f, start=f.start - offset, end=f.end - offset)


def _header_places(report: list[tuple[int, int, str]], n: int) -> dict[str, tuple[int, str]]:
    """Column of the header -> (offset of its value in the decoded file, value), as
    :func:`sentinelle.readers.hprim._header` cuts the first ``n`` lines."""
    places: dict[str, tuple[int, str]] = {}
    for k in range(n):
        _number, offset, line = report[k]
        value = line.rstrip("\r\n")
        if not value.strip():
            continue
        for column, at, text, _hint in header_line(k, value):
            places[column] = (offset + at, text)
    return places
