"""SQL dumps written back: literal values inside ``INSERT`` / ``REPLACE`` tuples and ``COPY ...
FROM stdin`` data blocks are rewritten; every other byte (statements, comments, spacing,
``SET``, ``CREATE``, procedures, the tuples' punctuation) stays as it was.

Statements, tables, rows and columns are found with the SQL dump reader's own lexicon and rules
(:mod:`sentinelle.readers.sqldump`: dialect from the head, quote- and comment-aware statement
ends, ``DELIMITER`` blocks skipped, ``CREATE TABLE`` column lists, INSERT column lists mapped onto
them, a per-table row counter), so each literal is matched with the finding the reader's cell
gave. Literals are written back in the dump's dialect:

* MySQL / MariaDB strings: backslash escapes (``\\\\ \\' \\n \\r \\0``; MySQL 8.0 Reference Manual
  11.1.1 table 11.1); PostgreSQL standard strings: ``''`` only; ``E''`` strings: backslashes
  doubled too (PostgreSQL 15 documentation 4.1.2.2); an ``N'..'`` / ``_utf8mb4'..'`` introducer is
  kept, an ``X'..'`` hex literal becomes a plain string;
* a bare number stays bare when its replacement is a number, else becomes a quoted string;
  ``drop`` writes ``''`` (an empty string, not NULL, so NOT NULL columns still load);
* COPY text format: backslash, tab, line feed and carriage return escaped (PostgreSQL 15
  documentation, COPY, "Text Format").

The dump is streamed statement by statement (one INSERT statement in memory at a time).
"""

from __future__ import annotations

import re

from sentinelle.readers.encoding import DecodedStream
from sentinelle.readers.sqldump import (_COPY_HEAD, _CREATE_HEAD, _DELIMITER, _INSERT_HEAD,
                                        _SET_SCS, _WORD, HEAD_CHARS, _copy_field, _idents,
                                        _Lexicon, _name, _Parser, dialect)
from sentinelle.redact.engine import RedactError, Unplaced
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.writers.encoding import output_encoding

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
CHUNK_FLUSH = 1 << 20


class _Columns:
    """Shim so the reader's CREATE TABLE column parser can run here."""

    _column = staticmethod(_Parser._column)

    def __init__(self, lex):
        self.lex = lex


class _Cell:
    __slots__ = ("start", "end", "kind", "prefix", "value")

    def __init__(self, start, end, kind, prefix, value):
        self.start, self.end, self.kind, self.prefix, self.value = start, end, kind, prefix, value


def _cells_fast(m: re.Match, lex: _Lexicon) -> _Cell:
    """One cell of ``lex.cell``: its literal's span (the quotes included, the introducer not),
    kind (``sq`` single-quoted, ``dq`` double-quoted, ``bare``) and reader value."""
    p, s, e, d, b = m.group(1, 2, 3, 4, 5)
    value = lex.values([m.groups()])[0]
    if b is not None:
        return _Cell(m.start(5), m.end(5), "bare", "", value)
    if d is not None:
        return _Cell(m.start(4) - 1, m.end(4) + 1, "dq", p or "", value)
    g = 2 if s is not None else 3
    start = m.start(g) - 1
    if p:
        start = m.start(1)
    return _Cell(start, m.end(g) + 1, "sq", p or "", value)


class SqlDumpWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        self.feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        self.run = run
        self.result = result
        self.display = source.display
        self.counters: dict[str, int] = {}
        self.tables: dict[str, tuple[str, ...]] = {}
        self.short: dict[str, tuple[str, ...]] = {}
        with open(source.fs_path, "rb") as raw:
            stream = DecodedStream(raw, source.display)
            backslash, pg = dialect(stream.preview())
            self.lex = _Lexicon(backslash, pg)
            self._chunks = stream.chunks()
            self.buf = ""
            self.pos = 0
            self.eof = False
            self.out_parts: list[str] = []
            self.out_size = 0
            self.enc = enc
            self.out = out
            self._loop()
            self._emit_to(len(self.buf))
            self._flush(force=True)
        if self.feed.finish():
            raise Unplaced

    # -- buffer --------------------------------------------------------------------------------
    def _fill(self) -> bool:
        if self.eof:
            return False
        if self.pos:
            self.buf = self.buf[self.pos:]
            self.pos = 0
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _emit_to(self, end: int) -> None:
        """Copy the input from ``pos`` to ``end`` unchanged."""
        if end > self.pos:
            self._put(self.buf[self.pos:end])
            self.pos = end

    def _put(self, text: str) -> None:
        self.out_parts.append(text)
        self.out_size += len(text)
        self._flush()

    def _flush(self, force: bool = False) -> None:
        if self.out_parts and (force or self.out_size > CHUNK_FLUSH):
            self.out.write(self.enc.encode("".join(self.out_parts)))
            self.out_parts.clear()
            self.out_size = 0

    def _statement_end(self, p: int) -> int:
        """Index just after the statement starting at ``p``, reading more as needed (the part
        before ``p`` is kept)."""
        while True:
            rx = self.lex.skip
            buf, n = self.buf, len(self.buf)
            q = p
            while True:
                m = rx.match(buf, q)
                if m is None:
                    break
                if m.end() == n and not self.eof:
                    break
                kind = m.lastgroup
                if kind == "end":
                    return m.end()
                if kind == "open":
                    if self.eof:
                        return n
                    break
                q = m.end()
            if self.eof:
                return n
            offset = self.pos
            self._fill()
            p -= offset - self.pos

    # -- statements ----------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            gap = self.lex.gap.match(self.buf, self.pos).end()
            if not self.eof and len(self.buf) - gap < HEAD_CHARS:
                self._emit_to(gap)
                self._fill()
                continue
            self._emit_to(gap)
            if self.pos >= len(self.buf):
                return
            self._statement()

    def _statement(self) -> None:
        buf, p, lex = self.buf, self.pos, self.lex
        d = _DELIMITER.match(buf, p)
        if d:
            self._emit_to(d.end())
            if d.group(1) != lex.delimiter:
                self.lex = _Lexicon(lex.backslash, lex.pg, d.group(1))
            return
        if lex.delimiter != ";":
            self._emit_to(self._statement_end(p))
            return
        w = _WORD.match(buf, p)
        word = w.group().upper() if w else ""
        if word in ("INSERT", "REPLACE"):
            h = _INSERT_HEAD.match(buf, p)
            if h:
                table = _name(h.group(1))
                listed = _idents(h.group(2)) if h.group(2) else None
                head_end = h.end() - p
                end = self._statement_end(p)
                p = self.pos
                self._insert(table, listed, p, p + head_end, end)
                return
        elif word == "CREATE":
            h = _CREATE_HEAD.match(buf, p)
            if h:
                table = _name(h.group(1))
                head_len = h.end() - p
                end = self._statement_end(p)
                p = self.pos
                columns = _Parser._columns(_Columns(self.lex), self.buf[p + head_len:end])
                if columns:
                    self.tables[table] = columns
                    self.short[table.rsplit(".", 1)[-1].lower()] = columns
                self._emit_to(end)
                return
        elif word == "COPY":
            h = _COPY_HEAD.match(buf, p)
            if h:
                self._emit_to(h.end())
                if h.group(3).strip():
                    self._copy(None, None)
                else:
                    self._copy(_name(h.group(1)), _idents(h.group(2)) if h.group(2) else None)
                return
        elif word == "SET":
            s = _SET_SCS.match(buf, p)
            if s and lex.pg:
                self.lex = _Lexicon(s.group(1).lower() == "off", True, lex.delimiter)
        self._emit_to(self._statement_end(p))

    def _declared(self, table: str) -> tuple[str, ...] | None:
        found = self.tables.get(table)
        if found is None:
            found = self.short.get(table.rsplit(".", 1)[-1].lower())
        return found

    def _mapping(self, table: str, listed, width: int) -> tuple[tuple[str, ...], list]:
        """(reader header, header index of each tuple position) like the reader's _Target."""
        declared = self._declared(table)
        names = list(listed or declared or ())
        names += [f"column_{i + 1}" for i in range(len(names), width)]
        names = names[:width]
        if listed and declared and names != list(declared):
            header = list(declared) + [n for n in names if n not in declared]
            first: dict[str, int] = {}
            for i, n in enumerate(names):
                first.setdefault(n, i)
            at = [header.index(n) if first.get(n) == i else None for i, n in enumerate(names)]
            return tuple(header), at
        return tuple(names), list(range(width))

    # -- INSERT ----------------------------------------------------------------------------------
    def _tuples(self, start: int, end: int) -> list[list[_Cell]]:
        """The tuples of an INSERT between ``start`` (after VALUES) and ``end`` (statement end),
        each a list of cells."""
        buf, lex = self.buf, self.lex
        rows: list[list] = []
        p = start
        cells: list = []

        def take(a: int, b: int) -> None:
            # match objects: a _Cell is made only for the cells that hold findings
            for m in lex.cell.finditer(buf, a, b):
                cells.append(m)
                if m.group(6):
                    rows.append(list(cells))
                    cells.clear()

        e = lex.run.match(buf, p, end).end()
        if e > p:
            take(p, e)
            p = e
        m = lex.last.match(buf, p, end)
        if m:
            take(p, m.end() - 1)
            return rows
        m = lex.last_tail.match(buf, p, end)
        if m:
            take(p, m.end())
            return rows
        rows.extend(self._slow(p, end))
        return rows

    def _slow(self, p: int, end: int) -> list[list[_Cell]]:
        """Tuples with expressions (``now()``, ``CONCAT(...)``), token by token."""
        buf, rx = self.buf, self.lex.token
        rows: list[list[_Cell]] = []
        while True:
            cells: list[_Cell] = []
            depth = 0
            parts: list[re.Match] = []
            start = p
            while p < end:
                m = rx.match(buf, p, end)
                if m is None:
                    return rows
                kind = m.lastgroup
                p = m.end()
                if kind == "ws":
                    continue
                if depth == 0:
                    if kind == "punct" and m.group() == "(":
                        depth = 1
                        start = p
                        continue
                    return rows  # "," between tuples is consumed below; anything else ends
                if kind == "punct" and m.group() in "(),":
                    c = m.group()
                    if c == "(":
                        depth += 1
                    elif c == ")" and depth > 1:
                        depth -= 1
                    elif depth == 1:
                        if parts:
                            cells.append(self._slow_cell(parts, start, m.start()))
                        parts = []
                        start = p
                        if c == ")":
                            break
                        continue
                parts.append(m)
            else:
                return rows
            rows.append(cells)
            m = re.compile(r"\s*,").match(buf, p, end)
            if m is None:
                return rows
            p = m.end()

    def _slow_cell(self, parts: list[re.Match], a: int, b: int) -> _Cell:
        from sentinelle.readers.sqldump import _bare, _e_unescape, _prefixed

        first = parts[0]
        single = len(parts) == 1 or (parts[1].lastgroup == "word"
                                     and parts[1].group().startswith("::"))
        if single:
            kind = first.lastgroup
            if kind == "sq":
                pfx = first.group("pfx") or ""
                body = first.group("body")
                if pfx in ("E", "e"):
                    value = _e_unescape(body)
                else:
                    value = self.lex.unescape(body)
                    value = _prefixed(pfx, value, body) if pfx else value
                return _Cell(first.start() if pfx else first.start("sq"), first.end(), "esq"
                             if pfx in ("E", "e") else "sq", pfx, value)
            if kind == "estr":
                return _Cell(first.start(), first.end(), "esq", "E",
                             _e_unescape(first.group("ebody")))
            if kind == "dq":
                return _Cell(first.start(), first.end(), "dq", "",
                             self.lex.dq_unescape(first.group("dqbody")))
            if kind == "word":
                return _Cell(first.start(), first.end(), "bare", "", _bare(first.group()))
        text = self.buf[a:b]
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        return _Cell(a + lead, a + lead + len(stripped), "expr", "", stripped)

    def _insert(self, table: str, listed, stmt: int, values_at: int, end: int) -> None:
        rows = self._tuples(values_at, end)
        if not rows:
            self._emit_to(end)
            return
        width = len(rows[0])
        header, at = self._mapping(table, listed, width)
        pos_of = {j: i for i, j in enumerate(at) if j is not None}
        edits: list[tuple[int, int, str]] = []
        for cells in rows:
            index = self.counters.get(table, 0)
            self.counters[table] = index + 1
            rf = self.feed.row(table, index)
            if rf is None:
                continue
            by_pos = {}
            for i, j in enumerate(at):
                if j is not None and j in rf.cells and i < len(cells):
                    by_pos[i] = j
            if len(by_pos) != len(rf.cells):
                raise Unplaced
            made: dict[int, _Cell] = {}

            def cell_at(i: int, cells=cells, made=made) -> _Cell:
                cell = made.get(i)
                if cell is None:
                    cell = cells[i]
                    if isinstance(cell, re.Match):
                        cell = _cells_fast(cell, self.lex)
                    made[i] = cell
                return cell

            def value(j: int, cells=cells, cell_at=cell_at) -> str | None:
                i = pos_of.get(j)
                return cell_at(i).value if i is not None and i < len(cells) else None

            where = (self.display, table, index)
            new = self.run.redact_row(f"{self.display}!{table}", header, rf.cells, value, where)
            for j, text in new.items():
                cell = cell_at(pos_of[j])
                edits.append((cell.start, cell.end, self._literal(text, cell)))
            n = sum(len(v) for v in rf.cells.values())
            self.result.findings += n
            self.result.replaced += n
        for a, b, lit in edits:
            self._emit_to(a)
            self._put(lit)
            self.pos = b
        self._emit_to(end)

    def _literal(self, new: str, cell: _Cell) -> str:
        lex = self.lex
        if cell.kind == "bare" and _NUMBER.fullmatch(new):
            return new
        if cell.kind == "dq" and lex.backslash:
            return '"' + _mysql_escape(new).replace('"', '\\"') + '"'
        if cell.kind == "dq":
            return '"' + new.replace('"', '""') + '"'
        prefix = cell.prefix if cell.prefix and cell.prefix not in ("X", "x", "B", "b") else ""
        if cell.kind == "esq" or prefix in ("E", "e"):
            return (prefix or "E") + "'" + new.replace("\\", "\\\\").replace("'", "''") + "'"
        if lex.backslash:
            return prefix + "'" + _mysql_escape(new) + "'"
        return prefix + "'" + new.replace("'", "''") + "'"

    # -- COPY ------------------------------------------------------------------------------------
    def _copy(self, table: str | None, listed) -> None:
        header = at = None
        while True:
            buf, p = self.buf, self.pos
            nl = buf.find("\n", p)
            if nl < 0:
                if self.eof:
                    raise RedactError("truncated COPY data (no \\. line before the end)")
                self._fill()
                continue
            line = buf[p:nl + 1]
            body = line.rstrip("\r\n")
            if body == "\\.":
                self._emit_to(nl + 1)
                return
            if table is None:
                self._emit_to(nl + 1)
                continue
            fields = body.split("\t")
            if header is None:
                header, at = self._mapping(table, listed, len(fields))
            index = self.counters.get(table, 0)
            self.counters[table] = index + 1
            rf = self.feed.row(table, index)
            if rf is None:
                self._emit_to(nl + 1)
                continue
            where = (self.display, table, index)
            inverse = {j: i for i, j in enumerate(at) if j is not None}
            if any(inverse.get(j) is None or inverse[j] >= len(fields) for j in rf.cells):
                raise Unplaced
            new = self.run.redact_row(
                f"{self.display}!{table}", header, rf.cells,
                lambda j: _copy_field(fields[inverse[j]]) if inverse.get(j, len(fields)) <
                len(fields) else None, where)
            for j, text in new.items():
                fields[inverse[j]] = _copy_escape(text)
            n = sum(len(v) for v in rf.cells.values())
            self.result.findings += n
            self.result.replaced += n
            self._put("\t".join(fields) + line[len(body):])
            self.pos = nl + 1


def _mysql_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\x00", "\\0").replace("\x1a", "\\Z"))


def _copy_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))
