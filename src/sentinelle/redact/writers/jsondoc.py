"""JSON, NDJSON and FHIR JSON written back: same structure, key order, spacing and escapes.

The text is tokenised here (RFC 8259 grammar: strings, numbers, literals, punctuation) and only
the scalar tokens that hold findings are rewritten, so everything else, whitespace included,
stays byte for byte. Each scalar's place is the reader's: row and flattened column name
(``patient.nom``, ``contacts.0.tel``; FHIR: ``sheet`` = resourceType, ``name[0].family``, the
Bundle's own elements as sheet ``Bundle`` row 0, entry elements ``entry.fullUrl``), as
:mod:`sentinelle.readers.jsondoc` and :mod:`sentinelle.readers.fhir` define them.

A replaced string is written as a JSON string (``\\uXXXX`` escapes kept when the original used
them for non-ASCII characters); a replaced number stays a number when the replacement is one,
else becomes a string; ``drop`` writes ``""`` for a string and ``null`` for a number or a
literal. NDJSON is streamed line by line (lines without findings are copied); a document is
loaded whole (the reader loads it whole too).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from sentinelle.readers.encoding import DecodedStream
from sentinelle.readers.jsondoc import NDJSON_SUFFIXES, _suffix, loads
from sentinelle.redact import dates, fakes
from sentinelle.redact.engine import RECORD_FAKES, Unplaced
from sentinelle.redact.fakes import Record
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.writers.encoding import output_encoding

_TOKEN = re.compile(
    r'[ \t\r\n]*+(?:("(?:[^"\\]++|\\.)*+")|(-?(?:0|[1-9]\d*+)(?:\.\d++)?(?:[eE][+\-]?\d++)?)'
    r'|(true|false|null)|([{}\[\]:,]))', re.S)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+\-]?\d+)?")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def scalars(text: str) -> Iterator[tuple[tuple, int, int, str, str | None]]:
    """``(path, start, end, kind, value)`` of every scalar of the JSON text: ``path`` the keys
    and indexes from the root, ``kind`` ``s`` (string), ``n`` (number) or ``l`` (literal),
    ``value`` the reader's cell text (None for null). Raises ValueError on malformed JSON."""
    stack: list[list] = []  # frames [is_object, key or index, expecting a key]
    pos = 0
    while True:
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip():
                raise ValueError("malformed JSON")
            return
        pos = m.end()
        s, num, lit, punct = m.groups()
        if punct:
            if punct == "{":
                stack.append([True, None, True])
            elif punct == "[":
                stack.append([False, 0, False])
            elif punct in "}]":
                if stack:
                    stack.pop()
            elif punct == "," and stack:
                if stack[-1][0]:
                    stack[-1][2] = True
                else:
                    stack[-1][1] += 1
            continue
        if stack and stack[-1][0] and stack[-1][2]:  # an object key (its ":" follows)
            stack[-1][1] = json.loads(s)
            stack[-1][2] = False
            continue
        path = tuple(f[1] for f in stack)
        if s:
            yield path, m.start(1), pos, "s", json.loads(s)
        elif num:
            yield path, m.start(2), pos, "n", num
        else:
            yield path, m.start(3), pos, "l", lit if lit != "null" else None


def name_of(parts, brackets: bool) -> str:
    """The reader's flattened column name of ``parts`` (keys and indexes)."""
    name = ""
    for p in parts:
        if brackets and isinstance(p, int):
            name = f"{name}[{p}]"
        else:
            name = f"{name}.{p}" if name else str(p)
    return name


def _literal(new: str, kind: str, original: str) -> str:
    if kind == "s":
        ascii_only = original.isascii() and "\\u" in original
        return json.dumps(new, ensure_ascii=ascii_only)
    if new == "":
        return "null"
    if _NUMBER.fullmatch(new):
        return new
    return json.dumps(new, ensure_ascii=False)


class JsonWriter:
    """JSON documents and NDJSON (``.ndjson`` / ``.jsonl``, or a ``.json`` holding one value per
    line)."""

    brackets = False

    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        with open(source.fs_path, "rb") as raw:
            stream = DecodedStream(raw, source.display)
            if _suffix(source.display) in NDJSON_SUFFIXES:
                self._lines(stream.lines(), feed, out, enc, run, result, source.display)
            else:
                text = "".join(stream.chunks())
                try:
                    doc = loads(text) if text.strip() else None
                except json.JSONDecodeError as exc:
                    if exc.msg == "Extra data" and "\n" not in text[: exc.pos].strip():
                        self._lines(iter(_LINE.findall(text)), feed, out, enc, run, result,
                                    source.display)
                        return self._finish(feed)
                    raise
                out.write(enc.encode(self._document(text, doc, feed, run, result,
                                                    source.display)))
        self._finish(feed)

    @staticmethod
    def _finish(feed: TableFeed) -> None:
        if feed.finish():
            raise Unplaced

    # -- mapping a scalar's path to the reader's (sheet, row, column) --------------------------
    def records(self, doc: Any) -> list:
        return doc if isinstance(doc, list) else [doc]

    def locate(self, path: tuple, doc: Any, row: int | None) -> tuple | None:
        """``(sheet, row, column)`` of the scalar at ``path`` in ``doc`` (one line's value when
        ``row`` is given)."""
        if row is not None:
            return None, row, name_of(path, self.brackets) or "value"
        if isinstance(doc, list):
            if not path:
                return None
            return None, path[0], name_of(path[1:], self.brackets) or "value"
        return None, 0, name_of(path, self.brackets) or "value"

    # -- writing -------------------------------------------------------------------------------
    def _document(self, text: str, doc: Any, feed: TableFeed, run, result, display: str) -> str:
        found = feed.collect()
        if not found:
            return text
        return self._rewrite(text, doc, None, found, run, result, display)

    def _rewrite(self, text: str, doc: Any, row: int | None, found: dict, run, result,
                 display: str) -> str:
        by_place: dict[tuple, list] = {}
        for (sheet, r), rf in found.items():
            for j, fs in rf.cells.items():
                by_place[(sheet, r, rf.header[j])] = fs
        persons: dict[tuple, str] = {}
        from sentinelle.redact.engine import person_key

        for (sheet, r), rf in found.items():
            persons[(sheet, r)] = person_key(rf.all())
        edits = []
        used = 0
        later = []  # coherent records: the NIRs go last (FhirWriter docstring)
        facts: dict[tuple, dict[str, str]] = {}  # (sheet, row) -> birth date / sex as written
        coherent = self.record_columns and any(
            run.operators.spec(e).operator == "fake" for e in RECORD_FAKES)
        for path, start, end, kind, value in scalars(text):
            place = self.locate(path, doc, row)
            if place is None:
                continue
            sheet, r, column = place
            fact = self.record_columns.get((sheet, column)) if coherent else None
            if fact is not None and isinstance(value, str):
                facts.setdefault((sheet, r), {}).setdefault(fact, value)
            fs = by_place.get(place)
            if not fs or value is None:
                continue
            if coherent and any(f.entity_type in RECORD_FAKES for f in fs):
                later.append((start, end, kind, value, place, fs))
                continue
            new = run.redact_value(value, fs, persons.get((sheet, r), ""), (display, sheet, r))
            if fact is not None:
                facts.setdefault((sheet, r), {})[fact] = new
            edits.append((start, end, _literal(new, kind, text[start:end])))
            used += len(fs)
        if later:
            records: dict[str, Record] = {}
            for start, end, kind, value, (sheet, r, _c), fs in later:
                if (sheet, r) in facts:
                    record = _record(facts[(sheet, r)])
                    for f in fs:
                        if f.entity_type in RECORD_FAKES:
                            records.setdefault(f.normalized or f.value, record)
            for start, end, kind, value, (sheet, r, _c), fs in later:
                record = next((records[f.normalized or f.value] for f in fs
                               if f.entity_type in RECORD_FAKES
                               and (f.normalized or f.value) in records), None)
                new = run.redact_value(value, fs, persons.get((sheet, r), ""),
                                       (display, sheet, r), record)
                edits.append((start, end, _literal(new, kind, text[start:end])))
                used += len(fs)
            edits.sort(key=lambda e: e[0])
        total = sum(len(fs) for fs in by_place.values())
        if used < total:
            raise Unplaced
        result.findings += total
        result.replaced += total
        out = []
        pos = 0
        for start, end, lit in edits:
            out.append(text[pos:start])
            out.append(lit)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _lines(self, lines: Iterator[str], feed: TableFeed, out, enc, run, result,
               display: str) -> None:
        index = 0
        pending: list[str] = []
        for line in lines:
            if not line.strip():
                pending.append(line)
                continue
            body = line.rstrip("\r\n")
            doc = None
            sheet = self.line_sheet(body)
            rf = feed.row(sheet, index)
            if rf is not None:
                doc = loads(body) if self.needs_doc else None
                new = self._rewrite(body, doc, index, {(sheet, index): rf}, run, result, display)
                line = new + line[len(body):]
            index += 1
            pending.append(line)
            if len(pending) > 256:
                out.write(enc.encode("".join(pending)))
                pending.clear()
        out.write(enc.encode("".join(pending)))

    needs_doc = False
    #: ``(sheet, column) -> "birth" / "sex"``: the scalars a fake NIR of the same row follows
    record_columns: dict[tuple, str] = {}

    def line_sheet(self, body: str):
        return None


class FhirWriter(JsonWriter):
    """FHIR R4 JSON and NDJSON bulk exports (rows and sheets as :mod:`readers.fhir`).

    Records (session 12): a Patient's fake NIR is the one the same NIR gets in every other file
    and format (a function of the NIR, the key and the policy: :mod:`sentinelle.redact.fakes`,
    "One NIR, one fake"), its year and month those a shifted ``birthDate`` of the person shows
    (up to a month end). The NIRs are still redacted after the other scalars of the document
    and a :class:`~sentinelle.redact.fakes.Record` of ``birthDate`` / ``gender`` is still
    passed, as in session 11, but the operators ignore it (left for a later clean-up)."""

    brackets = True
    needs_doc = True
    record_columns = {("Patient", "birthDate"): "birth", ("Patient", "gender"): "sex"}

    def line_sheet(self, body: str):
        try:
            return _type_of(loads(body))
        except (json.JSONDecodeError, RecursionError):
            return None

    def _document(self, text, doc, feed, run, result, display):
        found = feed.collect()
        if not found:
            return text
        return self._rewrite(text, doc, None, found, run, result, display)

    def locate(self, path: tuple, doc: Any, row: int | None) -> tuple | None:
        if row is not None:  # one NDJSON line: one resource
            return _type_of(doc), row, name_of(path, True)
        records = doc if isinstance(doc, list) else [doc]
        prefix: tuple = (0,) if isinstance(doc, list) else ()
        if len(records) == 1 and _is_bundle(records[0]):
            bundle = records[0]
            rel = path[len(prefix):] if path[: len(prefix)] == prefix else None
            if rel is None:
                return None
            if rel and rel[0] == "entry" and len(rel) >= 2 and isinstance(rel[1], int):
                i = rel[1]
                entry = bundle["entry"][i]
                if not isinstance(entry, dict):
                    return None, i, "entry." + name_of(rel[2:], True)
                resource = entry.get("resource")
                rtype = _type_of(resource)
                if len(rel) >= 3 and rel[2] == "resource" and isinstance(resource, dict):
                    return rtype, i, name_of(rel[3:], True)
                return rtype, i, "entry." + name_of(rel[2:], True)
            return "Bundle", 0, name_of(rel, True)
        if isinstance(doc, list):
            if not path:
                return None
            return _type_of(doc[path[0]]), path[0], name_of(path[1:], True)
        return _type_of(doc), 0, name_of(path, True)


def _record(facts: dict[str, str]) -> Record:
    """The :class:`Record` of a resource's written ``birth`` date (FHIR ``date``: ``YYYY``,
    ``YYYY-MM``, ``YYYY-MM-DD``) and ``sex`` (AdministrativeGender)."""
    year = month = None
    written = dates.parse(facts.get("birth", "").strip()) if facts.get("birth") else None
    if written is not None:
        year = written.date.year
        month = None if written.kind == "year" else written.date.month
    return Record(fakes.sex_of(facts.get("sex")), year, month)


def _is_bundle(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("resourceType") == "Bundle"
            and isinstance(value.get("entry"), list))


def _type_of(value: Any) -> str | None:
    if isinstance(value, dict):
        rtype = value.get("resourceType")
        if isinstance(rtype, str) and rtype:
            return rtype
    return None
