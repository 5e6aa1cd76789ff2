"""SQL dumps as tables: MySQL / MariaDB (``mysqldump``, phpMyAdmin) and PostgreSQL (``pg_dump``
plain format), streamed.

What is read
------------
* ``CREATE TABLE name (...)`` gives the column names of ``name`` (items that are constraints,
  keys or indexes are left out: ``PRIMARY KEY``, ``KEY``, ``INDEX``, ``UNIQUE``, ``CONSTRAINT``,
  ``FOREIGN KEY``, ``CHECK``, ``FULLTEXT``, ``SPATIAL``, ``EXCLUDE``, ``LIKE``, ``PERIOD``).
* ``INSERT [IGNORE] INTO name [(col, ...)] VALUES (...), (...) [ON DUPLICATE KEY ... | ON CONFLICT
  ... | RETURNING ...];`` and ``REPLACE INTO`` (single- or multi-row, one line or many:
  MariaDB 10.11 writes one tuple per line) give rows. ``INSERT ... SELECT`` / ``INSERT ... SET``
  are not data and are skipped.
* ``COPY name [(col, ...)] FROM stdin;`` followed by its text-format data block (tab-separated,
  ``\\N`` for NULL, backslash escapes, ended by a ``\\.`` line) gives rows, as pg_dump writes them
  by default. A COPY with options (``WITH (FORMAT csv)``...) is not pg_dump's output: its block is
  skipped and reported (see *Errors*).
* Everything else (``SET``, ``DROP``, ``ALTER``, ``LOCK``, functions, procedures, triggers, psql
  ``\\`` meta-commands, mysql ``DELIMITER`` blocks, comments) is not data and is skipped, quote-
  and comment-aware, so an ``INSERT`` inside a function body (``$$ ... $$``), a trigger (``/*!50003
  ... */``) or a procedure (between ``DELIMITER ;;`` lines) is never read as data.

Each table becomes :class:`~sentinelle.readers.base.TableUnit`\\ s with ``Location(path,
sheet=<table>)``; ``<table>`` is the name as written, unquoted, parts joined by ``.``
(``patients`` in a mysqldump, ``public.patients`` in a pg_dump). The header is the ``CREATE
TABLE`` column list when the dump has one; an ``INSERT`` with a column list is mapped onto it (a
listed column the ``CREATE TABLE`` lacks is appended; unlisted columns are ``None``); without a
``CREATE TABLE`` the header is the INSERT/COPY column list, else ``column_1 .. column_N``. A run of
contiguous rows of one table (same header) is one unit; rows of one table spread over statements
interleaved with other tables give one unit per run, and ``TableBatch.first_row`` stays the
0-based row index *within the table* (a per-table counter). A tuple wider or narrower than the
statement's first tuple is padded with ``None`` or cut, and counted in ``stats["ragged_rows"]``.

Values
------
Cells are text as written, ``NULL`` (any case) and COPY's ``\\N`` are ``None``. Strings are
decoded exactly:

* MySQL / MariaDB: backslash escapes ``\\0 \\b \\n \\r \\t \\Z \\\\ \\' \\"``, ``\\%`` and
  ``\\_`` kept with their backslash, any other ``\\x`` is ``x``, and ``''`` is ``'`` (MySQL 8.0
  Reference Manual, 11.1.1 "String Literals", table 11.1); double-quoted strings alike;
  introducers (``_binary '...'``, ``_utf8mb4'...'``, ``N'...'``) are dropped.
* PostgreSQL: standard strings (only ``''`` is special) while ``standard_conforming_strings`` is
  ``on`` (pg_dump's default, followed when the dump ``SET``\\ s it ``off``); ``E'...'`` strings
  take ``\\b \\f \\n \\r \\t``, octal ``\\ooo``, ``\\xhh``, ``\\uXXXX``, ``\\UXXXXXXXX`` (PostgreSQL
  15 documentation, 4.1.2.2 "String Constants with C-Style Escapes"). COPY text format: ``\\b \\f
  \\n \\r \\t \\v``, octal and ``\\x`` escapes, any other escaped character stands for itself
  (PostgreSQL 15 documentation, COPY, "Text Format").
* Hexadecimal blobs (``0x4142``, ``X'4142'``) are decoded when they are UTF-8 text without
  control characters, else kept as written. A cell that is an expression (``now()``,
  ``CONCAT('a', 'b')``) is its SQL text; ``'x'::date`` is ``x``.

Dialect (:func:`dialect`, from the decoded head): the tool's header comment decides (``--
PostgreSQL database dump``: standard strings; ``-- MySQL dump``, ``-- MariaDB dump``, ``--
phpMyAdmin SQL Dump``: MySQL rules); without one, ``standard_conforming_strings``, ``\\connect``,
``COPY ... FROM stdin`` or an SQLite ``.dump`` head (``PRAGMA``, ``BEGIN TRANSACTION``) mean
standard strings, and anything else is read with MySQL rules (backticks, ``/*!`` comments; most
dumps found in leaks).

Sniffing (:func:`looks_like_dump`): a tool's header comment in the first 4 KiB, or a head whose
first statement is SQL (comments and psql ``\\`` lines skipped) and which holds a ``CREATE TABLE``
/ ``INSERT INTO`` / ``REPLACE INTO`` / ``COPY ... FROM stdin`` line, whatever the suffix (a dump
named ``.txt`` is a dump). A ``.sql`` script without such a line (queries, ``UPDATE``
migrations) is left to the text reader so that its literals are scanned; a binary ``.sql`` is
claimed and reported.

Not read: SQL Server scripts (``GO`` batches, ``[bracketed]`` names, no semicolons), ``INSERT ...
SET``, ``UPDATE`` statements, COPY blocks in CSV or binary format.

Errors
------
* A file that ends inside an ``INSERT`` or a COPY block: every complete row before the cut is
  yielded, then :class:`ReadError` ``"truncated INSERT"`` / ``"truncated COPY data"`` at the line
  where the statement starts.
* A malformed ``INSERT`` (a tuple that does not parse; the tuples before it are kept) or an
  unsupported COPY block is skipped up to the next line ending with ``;`` (or the block's ``\\.``)
  and the reading goes on; once the
  whole file is read, one :class:`ReadError` ``"N statement(s) skipped: malformed INSERT..."``
  names the line of the first one. So findings of the rest of the file are kept and the skip is
  never silent.
* A single row, quoted string or comment longer than 64 Mi characters raises ReadError (bounded
  memory).

Why not a library
-----------------
``sqlparse`` (0.6.1) and ``sqlglot`` (30.x) both need a whole statement in memory and build
Python objects per token: measured on one 1 MB mysqldump extended INSERT, ``sqlparse.split`` runs
at 0.25 MB/s and ``sqlglot.parse_one`` at 0.1 MB/s, and a single extended INSERT can be many MB.
No maintained library streams the *inside* of a statement with bounded memory, so tokenising SQL
literals is our core here. Speed comes from regular expressions over large buffers: a run of
tuples is validated by one possessive regex and split into cells by one ``findall``; columns
are cut out of the flat cell list by slicing; COPY blocks are split with ``str.split``. Python
code runs per cell only to convert escaped strings and NULLs. Memory: a buffer of about one
decoded chunk (1 MiB) plus one row.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.encoding import DecodedStream, head_text

#: longest row, quoted string or comment held in memory (characters)
MAX_PENDING = 64 * 1024 * 1024
#: characters available after a statement start before its head is matched
HEAD_CHARS = 64 * 1024

# -- lexical pieces -------------------------------------------------------------------------
_IDENT = r'(?:`[^`]*(?:``[^`]*)*`|"[^"]*(?:""[^"]*)*"|[\w$]+)'
_NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_IDENTS = rf"{_IDENT}(?:\s*,\s*{_IDENT})*"
_IDENT_RE = re.compile(_IDENT)
_WORD = re.compile(r"[A-Za-z_]+")

_INSERT_HEAD = re.compile(
    rf"(?:INSERT|REPLACE)(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*(?:\s+INTO)?\s+"
    rf"({_NAME})\s*(?:\(\s*({_IDENTS})\s*\)\s*)?(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?"
    r"VALUES?\b\s*", re.I)
_CREATE_HEAD = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?"
    rf"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_NAME})\s*\(", re.I)
_COPY_HEAD = re.compile(
    rf"COPY\s+({_NAME})\s*(?:\(\s*({_IDENTS})\s*\)\s*)?FROM\s+stdin\b([^;\n]*);[^\n]*\n", re.I)
_SET_SCS = re.compile(r"SET\s+standard_conforming_strings\s*(?:=|TO)\s*'?(on|off)\b", re.I)
_DELIMITER = re.compile(r"DELIMITER[ \t]+(\S+)[^\n]*(?:\n|\Z)", re.I)
_RESYNC = re.compile(r";[ \t]*\r?\n")
_FOLLOW = re.compile(r"\s*+(?:(,)|(;)|([A-Za-z]))?")

_NOT_COLUMNS = frozenset({"PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "CHECK",
                          "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE", "PERIOD"})
_NULLS = frozenset({a + b + c + d for a in "Nn" for b in "Uu" for c in "Ll" for d in "Ll"})
_HEX_PREFIXES = ("0x", "0X")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# MySQL string escapes (MySQL 8.0 Reference Manual, 11.1.1, table 11.1)
_MYSQL_ESC = re.compile(r"\\(.)|''|\"\"", re.S)
_MYSQL_MAP = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a",
              "%": "\\%", "_": "\\_"}
# PostgreSQL E'' escapes (PostgreSQL 15 docs, 4.1.2.2)
_E_ESC = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})"
                    r"|(.))|''", re.S)
_C_MAP = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
# COPY text format escapes (PostgreSQL 15 docs, COPY, "Text Format")
_COPY_ESC = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _unquote(ident: str) -> str:
    if ident[:1] == "`":
        return ident[1:-1].replace("``", "`")
    if ident[:1] == '"':
        return ident[1:-1].replace('""', '"')
    return ident


def _name(text: str) -> str:
    """``public."Patients"`` -> ``public.Patients``."""
    return ".".join(_unquote(p) for p in _IDENT_RE.findall(text))


def _idents(text: str) -> tuple[str, ...]:
    return tuple(_unquote(p) for p in _IDENT_RE.findall(text))


def _mysql_repl(m: re.Match) -> str:
    c = m.group(1)
    if c is None:
        return m.group()[0]  # '' or ""
    return _MYSQL_MAP.get(c, c)


def _mysql_unescape(s: str) -> str:
    return _MYSQL_ESC.sub(_mysql_repl, s)


def _std_unescape(s: str) -> str:
    return s.replace("''", "'")


def _dq_std_unescape(s: str) -> str:
    return s.replace('""', '"')


def _e_repl(m: re.Match) -> str:
    octal, hx, u4, u8, other = m.groups()
    if octal:
        return chr(int(octal, 8) & 0xFF)
    if hx:
        return chr(int(hx, 16))
    if u4 or u8:
        try:
            return chr(int(u4 or u8, 16))
        except ValueError:
            return m.group()
    if other is None:
        return "'"
    return _C_MAP.get(other, other)


def _e_unescape(s: str) -> str:
    return _E_ESC.sub(_e_repl, s)


def _copy_repl(m: re.Match) -> str:
    octal, hx, other = m.groups()
    if octal:
        return chr(int(octal, 8) & 0xFF)
    if hx:
        return chr(int(hx, 16))
    return _C_MAP.get(other, other)


def _copy_field(f: str) -> str | None:
    if f == "\\N":
        return None
    return _COPY_ESC.sub(_copy_repl, f) if "\\" in f else f


def _hex_text(digits: str, written: str) -> str:
    """Hex digits decoded as UTF-8 text when they are printable text, else ``written``."""
    try:
        text = bytes.fromhex(digits).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return written
    return written if _CONTROL.search(text) else text


def _bare(word: str) -> str | None:
    if word in _NULLS:
        return None
    if word[:2] in _HEX_PREFIXES and len(word) > 2:
        return _hex_text(word[2:], word)
    return word


def _prefixed(prefix: str, value: str, escaped: str) -> str:
    """A string with an introducer: ``X'..'`` hex, ``B'..'`` bits, ``_cs'..'``, ``N'..'``."""
    if prefix in ("X", "x"):
        return _hex_text(value, f"X'{escaped}'")
    return value


# -- dialect-dependent regular expressions ----------------------------------------------------
class _Lexicon:
    """Compiled regexes for one dialect: ``backslash`` (backslash escapes in '' strings) and
    ``pg`` (dollar quotes, E'' strings; no ``#`` comments)."""

    def __init__(self, backslash: bool, pg: bool, delimiter: str = ";"):
        self.backslash = backslash
        self.pg = pg
        self.delimiter = delimiter
        body = (r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+" if backslash else r"[^']*+(?:''[^']*+)*+")
        simple = r"[^'\\]*+" if backslash else r"[^']*+"
        bs_body = r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+"
        dq = (r'[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+' if backslash else r'[^"]*+(?:""[^"]*+)*+')
        pfx = r"_[A-Za-z0-9]++|[NnXxBb]"
        bare = r"""[^\s,()'"`;]++"""
        cell_v = rf"""(?:(?:{pfx})\s*+(?='))?'{body}'|"{dq}"|{bare}"""
        tup = rf"\(\s*+(?:{cell_v})(?:\s*+,\s*+(?:{cell_v}))*+\s*+\)"
        self.run = re.compile(rf"(?:\s*+{tup}\s*+,)*+", re.S)
        self.last = re.compile(rf"\s*+{tup}\s*+;", re.S)
        self.last_tail = re.compile(rf"\s*+{tup}(?=\s*+[A-Za-z])", re.S)
        # one match per cell of a validated run: prefix, simple, escaped, double-quoted, bare, ")"
        self.cell = re.compile(
            rf"""[\s,(]*+(?:({pfx})\s*+(?='))?(?:'({simple})'(?!')|'({body})'|"({dq})"|"""
            rf"""({bare}))\s*+(\))?""", re.S)
        self.unescape = _mysql_unescape if backslash else _std_unescape
        self.dq_unescape = _mysql_unescape if backslash else _dq_std_unescape
        estr = rf"|(?P<estr>[Ee]'(?P<ebody>{bs_body})')" if pg and not backslash else ""
        self.token = re.compile(
            rf"""(?P<ws>\s++|--[^\n]*+\n|/\*.*?\*/){estr}"""
            rf"""|(?P<pfx>{pfx})?(?P<sq>'(?P<body>{body})')|(?P<dq>"(?P<dqbody>{dq})")"""
            r"""|(?P<bq>`[^`]*+(?:``[^`]*+)*+`)|(?P<punct>[(),;])|(?P<word>[^\s(),;'"`]++)"""
            r"""|(?P<open>.)""", re.S)
        comments = r"|#[^\n]*+\n" if not pg else ""
        self.gap = re.compile(
            rf"(?:\s++|--[^\n]*+\n|/\*.*?\*/|\\[^\n]*+\n|;{comments})*+", re.S)
        self.skip = self._skip_re(body, dq, bs_body, delimiter)

    def _skip_re(self, body: str, dq: str, bs_body: str, delimiter: str) -> re.Pattern:
        excl = set(";'\"`/-") | {delimiter[0]}
        if self.pg:
            excl |= {"$"}
        else:
            excl |= {"#"}
        cls = "".join("\\" + c if c in "\\]^-[" else c for c in sorted(excl))
        run = rf"(?:[^{cls}Ee]++|[Ee](?!'))++" if self.pg else rf"[^{cls}]++"
        alts = [rf"(?P<run>{run})"]
        if self.pg:
            alts.append(rf"(?P<estr>[Ee]'{bs_body}')")
        alts += [rf"(?P<sq>'{body}')", rf'(?P<dq>"{dq}")', r"(?P<bq>`[^`]*+(?:``[^`]*+)*+`)",
                 r"(?P<lc>--[^\n]*+\n)", r"(?P<bc>/\*.*?\*/)"]
        opens = r"['\"`]|/\*|--"
        if self.pg:
            alts.append(r"(?P<dollar>\$(?P<tag>(?:[A-Za-z_]\w*+)?+)\$.*?\$(?P=tag)\$)")
            opens += r"|\$(?:[A-Za-z_]\w*+)?+\$"
        else:
            alts.append(r"(?P<hc>#[^\n]*+\n)")
            opens += "|#"
        alts += [rf"(?P<end>{re.escape(delimiter)})", rf"(?P<open>{opens})", r"(?P<other>.)"]
        return re.compile("|".join(alts), re.S)

    def values(self, toks: list[tuple[str, ...]]) -> list[str | None]:
        """Cell values of ``cell.findall`` tokens."""
        unescape, dq_unescape = self.unescape, self.dq_unescape
        return [s if not (p or e or d or b) else
                (_bare(b) if b else self._string(p, s, e, d, unescape, dq_unescape))
                for p, s, e, d, b, _ in toks]

    @staticmethod
    def _string(p: str, s: str, e: str, d: str, unescape, dq_unescape) -> str:
        if e:
            value = unescape(e)
        elif d:
            value = dq_unescape(d)
        else:
            value = s
        return _prefixed(p, value, e or s) if p else value


_PG_HEADER = re.compile(r"^-- PostgreSQL database dump", re.M)
_MY_HEADER = re.compile(r"^-- (?:MySQL|MariaDB) dump|^-- phpMyAdmin", re.M | re.I)
_PG_MARK = re.compile(r"standard_conforming_strings|^\\connect |^COPY \S+ .*FROM stdin;"
                      r"|^PRAGMA |^BEGIN TRANSACTION;", re.M | re.I)
_SCS_OFF = re.compile(r"standard_conforming_strings\s*(?:=|TO)\s*'?off", re.I)


def dialect(head: str) -> tuple[bool, bool]:
    """``(backslash, pg)`` read from the decoded head of a dump (rules in the module doc)."""
    if _PG_HEADER.search(head):
        return bool(_SCS_OFF.search(head)), True
    if _MY_HEADER.search(head):
        return True, False
    if _PG_MARK.search(head):
        return bool(_SCS_OFF.search(head)), True
    return True, False


# -- sniffing --------------------------------------------------------------------------------
_DUMP_HEADER = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|"
                          r"phpMyAdmin SQL Dump)", re.M)
_SQL_START = re.compile(
    r"(?:\s++|--[^\n]*+|#[^\n]*+|/\*.*?\*/|\\[^\n]*+)*+"
    r"(?:CREATE|INSERT|REPLACE|COPY|SET|DROP|LOCK|BEGIN|START|USE|PRAGMA|ALTER|SELECT|DELIMITER"
    r"|COMMIT|TRUNCATE|GRANT|COMMENT)\b", re.I | re.S)
_DATA_STMT = re.compile(r"^[ \t]*(?:CREATE\s+TABLE|INSERT\s+INTO|REPLACE\s+INTO|COPY\s+\S+.*FROM\s+"
                        r"stdin)\b", re.I | re.M)


def looks_like_dump(text: str) -> bool:
    """A dump header comment, or SQL from the first statement on with a table or data statement."""
    if _DUMP_HEADER.search(text, 0, 4096):
        return True
    return _SQL_START.match(text) is not None and _DATA_STMT.search(text) is not None


# -- the parser ------------------------------------------------------------------------------
class _Malformed(Exception):
    """A statement that does not parse (internal: the parser skips it and records the line)."""


class _Target:
    """Where the tuples of one INSERT / COPY go: the table's header and the column order."""

    __slots__ = ("table", "declared", "listed", "setups", "stats", "width", "header", "index")

    def __init__(self, table: str, declared: tuple[str, ...] | None,
                 listed: tuple[str, ...] | None, setups: dict, stats: dict):
        self.table = table
        self.declared = declared
        self.listed = listed
        self.setups = setups  # width -> (header, index), shared by statements with this head
        self.stats = stats
        self.width: int | None = None
        self.header: tuple[str, ...] = ()
        self.index: list[int | None] | None = None

    def _setup(self, width: int) -> None:
        known = self.setups.get(width)
        if known is None:
            self._compute(width)
            self.setups[width] = (self.header, self.index)
        else:
            self.header, self.index = known
        self.width = width

    def _compute(self, width: int) -> None:
        names = list(self.listed or self.declared or ())
        names += [f"column_{i + 1}" for i in range(len(names), width)]
        names = names[:width]
        self.width = width
        if self.listed and self.declared and names != list(self.declared):
            header = list(self.declared) + [n for n in names if n not in self.declared]
            where: dict[str, int] = {}
            for i, n in enumerate(names):
                where.setdefault(n, i)
            self.header = tuple(header)
            self.index = [where.get(h) for h in header]
        else:
            self.header = tuple(names)
            self.index = None

    def _ordered(self, cols: list[list], n: int) -> list[list]:
        if self.index is None:
            return cols
        return [cols[i] if i is not None else [None] * n for i in self.index]

    def from_tokens(self, lex: _Lexicon, toks: list[tuple[str, ...]]):
        """One event from the ``findall`` tokens of a run of tuples."""
        vals = lex.values(toks)
        flags = [t[5] for t in toks]
        if self.width is None:
            self._setup(flags.index(")") + 1)
        w = self.width
        nrows = flags.count(")")
        if nrows * w == len(vals) and flags[w - 1::w].count(")") == nrows:
            cols = [vals[j::w] for j in range(w)]
            return self.table, self.header, self._ordered(cols, nrows)
        rows, start = [], 0
        for i, f in enumerate(flags):
            if f:
                rows.append(vals[start:i + 1])
                start = i + 1
        return self.from_rows(rows)

    def from_rows(self, rows: list[list]):
        """One event from row lists (ragged rows padded with None or cut)."""
        if self.width is None:
            self._setup(len(rows[0]))
        w = self.width
        if any(len(r) != w for r in rows):
            fixed = []
            for r in rows:
                if len(r) != w:
                    self.stats["ragged_rows"] = self.stats.get("ragged_rows", 0) + 1
                    r = r[:w] if len(r) > w else r + [None] * (w - len(r))
                fixed.append(r)
            rows = fixed
        cols = [list(c) for c in zip(*rows)]
        return self.table, self.header, self._ordered(cols, len(rows))


class _Parser:
    """Statement loop over a decoded stream; :meth:`events` yields ``(table, header, columns)``."""

    def __init__(self, stream: DecodedStream, path: str, stats: dict):
        self.path = path
        self.stats = stats
        self._chunks = stream.chunks()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._lp = 0  # buffer position up to which lines are counted
        self._ln = 1  # line number at self._lp
        backslash, pg = dialect(stream.preview())
        self.lex = _Lexicon(backslash, pg)
        self.tables: dict[str, tuple[str, ...]] = {}
        self.short: dict[str, tuple[str, ...]] = {}
        self.problems: list[tuple[int, str]] = []
        #: INSERT head (name, column list) as written -> (table, declared, listed, setups),
        #: until the next CREATE TABLE
        self._heads: dict[tuple[str, str | None], tuple] = {}

    # -- buffer ------------------------------------------------------------------------------
    def line_at(self, p: int) -> int:
        """1-based line number of buffer position ``p`` (positions asked in increasing order)."""
        if p > self._lp:
            self._ln += self.buf.count("\n", self._lp, p)
            self._lp = p
        return self._ln

    def fill(self) -> bool:
        """Drop the consumed text before ``pos`` and append one decoded chunk; False at EOF."""
        if self.eof:
            return False
        if self.pos:
            self.line_at(self.pos)
            self.buf = self.buf[self.pos:]
            self._lp -= self.pos
            self.pos = 0
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buf = self.buf + chunk if self.buf else chunk
        return True

    def _need(self, line: int, what: str) -> None:
        """More text is needed from ``pos``: fill, or fail when it would exceed the bound."""
        if len(self.buf) - self.pos > MAX_PENDING:
            raise ReadError(self.path, f"{what} longer than {MAX_PENDING >> 20} Mi characters",
                            f"line {line}")
        pending = len(self.buf) - self.pos
        self.fill()
        # a long row is parsed again after each fill: doubling what is pending keeps it linear
        while not self.eof and len(self.buf) - self.pos < 2 * pending:
            self.fill()

    # -- statements --------------------------------------------------------------------------
    def events(self) -> Iterator[tuple[str, tuple[str, ...], list[list]]]:
        while True:
            self.pos = self.lex.gap.match(self.buf, self.pos).end()
            if not self.eof and len(self.buf) - self.pos < HEAD_CHARS:
                self.fill()  # a statement head, or the gap, may go on in the next chunk
                continue
            if self.pos >= len(self.buf):
                break
            yield from self._statement()
        if self.problems:
            line, what = self.problems[0]
            more = len(self.problems) - 1
            reason = f"{len(self.problems)} statement(s) skipped: {what}"
            raise ReadError(self.path, reason + (f" (and {more} more)" if more else ""),
                            f"line {line}")

    def _statement(self) -> Iterator[tuple[str, tuple[str, ...], list[list]]]:
        buf, p, lex = self.buf, self.pos, self.lex
        d = _DELIMITER.match(buf, p)
        if d:
            self.pos = d.end()
            delimiter = d.group(1)
            if delimiter != lex.delimiter:
                self.lex = _Lexicon(lex.backslash, lex.pg, delimiter)
            return
        if lex.delimiter != ";":  # routines and triggers between DELIMITER lines: not data
            self._skip()
            return
        w = _WORD.match(buf, p)
        word = w.group().upper() if w else ""
        if word in ("INSERT", "REPLACE"):
            h = _INSERT_HEAD.match(buf, p)
            if h:
                line = self.line_at(p)
                self.pos = h.end()
                key = h.group(1, 2)
                known = self._heads.get(key)
                if known is None:  # (pg_dump --inserts repeats one head per row)
                    if len(self._heads) > 10_000:
                        self._heads.clear()
                    table = _name(h.group(1))
                    listed = _idents(h.group(2)) if h.group(2) else None
                    known = self._heads[key] = (table, self._declared(table), listed, {})
                target = _Target(*known, self.stats)
                try:
                    yield from self._insert(target, line)
                except _Malformed:
                    self.problems.append((line, "malformed INSERT"))
                    self._resync()
                return
        elif word == "CREATE":
            h = _CREATE_HEAD.match(buf, p)
            if h:
                self._create(_name(h.group(1)), h.end() - p)
                return
        elif word == "COPY":
            h = _COPY_HEAD.match(buf, p)
            if h:
                line = self.line_at(p)
                self.pos = h.end()
                table = _name(h.group(1))
                listed = _idents(h.group(2)) if h.group(2) else None
                if h.group(3).strip():
                    self.problems.append((line, "COPY with options not read"))
                    for _ in self._copy(None, line):
                        pass
                else:
                    yield from self._copy(_Target(table, self._declared(table), listed, {},
                                                  self.stats), line)
                return
        elif word == "SET":
            s = _SET_SCS.match(buf, p)
            if s and lex.pg:
                self.lex = _Lexicon(s.group(1).lower() == "off", True, lex.delimiter)
        self._skip()

    def _declared(self, table: str) -> tuple[str, ...] | None:
        found = self.tables.get(table)
        if found is None:
            found = self.short.get(table.rsplit(".", 1)[-1].lower())
        return found

    def _skip(self) -> None:
        """Consume one statement that is not data, up to its delimiter (quote-aware)."""
        line = None
        while True:
            buf, p, n = self.buf, self.pos, len(self.buf)
            rx = self.lex.skip
            while True:
                m = rx.match(buf, p)
                if m is None:
                    break
                if m.end() == n and not self.eof:
                    break
                kind = m.lastgroup
                if kind == "end":
                    self.pos = m.end()
                    return
                if kind == "open":
                    if self.eof:
                        self.pos = n
                        return
                    break
                p = m.end()
            self.pos = p
            if self.eof:
                self.pos = n
                return
            if line is None:
                line = self.line_at(p)
            self._need(line, "quoted text or comment")

    def _statement_end(self, p: int) -> int:
        """Index just after the statement starting at ``p`` (in the current buffer), or -1."""
        rx = self.lex.skip
        buf, n = self.buf, len(self.buf)
        while True:
            m = rx.match(buf, p)
            if m is None:
                return n if self.eof else -1
            if m.end() == n and not self.eof:
                return -1
            kind = m.lastgroup
            if kind == "end":
                return m.end()
            if kind == "open":
                return n if self.eof else -1
            p = m.end()

    def _create(self, table: str, head_len: int) -> None:
        line = self.line_at(self.pos)
        while True:
            end = self._statement_end(self.pos)
            if end >= 0:
                break
            if len(self.buf) - self.pos > MAX_PENDING:
                self._skip()
                return
            self._need(line, "CREATE TABLE")
        body = self.buf[self.pos + head_len:end]
        self.pos = end
        columns = self._columns(body)
        if columns:
            self._heads.clear()
            self.tables[table] = columns
            self.short[table.rsplit(".", 1)[-1].lower()] = columns

    def _columns(self, body: str) -> tuple[str, ...]:
        """Column names of a CREATE TABLE column list (text after its opening parenthesis)."""
        names: list[str] = []
        depth = 0
        first: tuple[str, str] | None = None  # (kind, text) of the item's first token
        for m in self.lex.token.finditer(body):
            kind = m.lastgroup
            if kind == "ws":
                continue
            if kind == "punct":
                c = m.group()
                if c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif c == "," and depth == 0:
                    self._column(first, names)
                    first = None
                    continue
                elif c == ";":
                    break
            if first is None and depth == 0:
                first = (kind, m.group())
        self._column(first, names)
        return tuple(names)

    @staticmethod
    def _column(first: tuple[str, str] | None, names: list[str]) -> None:
        if first is None:
            return
        kind, text = first
        if kind in ("bq", "dq"):
            names.append(_unquote(text))
        elif kind == "word" and text.upper() not in _NOT_COLUMNS:
            names.append(text)

    # -- INSERT ------------------------------------------------------------------------------
    def _insert(self, target: _Target, line: int):
        lex = self.lex
        expect_tuple = True
        while True:
            buf, p = self.buf, self.pos
            if not expect_tuple:
                f = _FOLLOW.match(buf, p)
                if f.end() >= len(buf) and not self.eof:
                    self._need(line, "INSERT statement")
                    continue
                if f.group(1):
                    self.pos = f.end()
                    expect_tuple = True
                    continue
                if f.group(2):
                    self.pos = f.end()
                    return
                if f.group(3):
                    self.pos = f.start(3)
                    self._skip()
                    return
                if f.end() >= len(buf):  # a complete last tuple without ";" at end of file
                    self.pos = f.end()
                    return
                raise _Malformed
            e = lex.run.match(buf, p).end()
            if e > p:
                yield target.from_tokens(lex, lex.cell.findall(buf, p, e))
                self.pos = p = e
            m = lex.last.match(buf, p)
            if m:
                yield target.from_tokens(lex, lex.cell.findall(buf, p, m.end() - 1))
                self.pos = m.end()
                return
            m = lex.last_tail.match(buf, p)
            if m:
                yield target.from_tokens(lex, lex.cell.findall(buf, p, m.end()))
                self.pos = m.end()
                self._skip()
                return
            res = self._slow_tuple(p)
            if res is None:
                if self.eof:
                    raise ReadError(self.path, "truncated INSERT (the file ends inside it)",
                                    f"line {line}")
                self._need(line, "INSERT row")
                continue
            values, q = res
            if values:
                yield target.from_rows([values])
            self.pos = q
            expect_tuple = False

    def _slow_tuple(self, p: int) -> tuple[list, int] | None:
        """Parse one tuple at ``p`` token by token: (values, end) or None when cut by the buffer."""
        buf, n, lex = self.buf, len(self.buf), self.lex
        rx = lex.token
        cells: list = []
        parts: list[re.Match] = []
        depth = 0
        start = 0
        while True:
            m = rx.match(buf, p)
            if m is None or (m.end() == n and not self.eof):
                return None
            kind = m.lastgroup
            p = m.end()
            if kind == "ws":
                continue
            if kind == "open":
                if m.group() in "'\"`":
                    return None
                raise _Malformed
            if depth == 0:
                if kind != "punct" or m.group() != "(":
                    raise _Malformed
                depth = 1
                start = p
                continue
            if kind == "punct":
                c = m.group()
                if c == ";":
                    raise _Malformed
                if c == "(":
                    depth += 1
                elif c == ")" and depth > 1:
                    depth -= 1
                elif depth == 1:  # "," or the closing ")"
                    if parts:
                        cells.append(self._cell(parts, buf, start, m.start()))
                    elif c == "," or cells:
                        raise _Malformed  # an empty cell
                    parts = []
                    start = p
                    if c == ")":
                        return cells, p
                    continue
            parts.append(m)

    def _cell(self, parts: list[re.Match], buf: str, a: int, b: int) -> str | None:
        first = parts[0]
        if len(parts) == 1 or (parts[1].lastgroup == "word" and parts[1].group().startswith("::")):
            kind = first.lastgroup
            if kind == "sq":
                value = first.group("body")
                value = self.lex.unescape(value)
                prefix = first.group("pfx")
                if prefix in ("E", "e"):
                    return _e_unescape(first.group("body"))
                return _prefixed(prefix, value, first.group("body")) if prefix else value
            if kind == "estr":
                return _e_unescape(first.group("ebody"))
            if kind == "dq":
                return self.lex.dq_unescape(first.group("dqbody"))
            if kind == "word":
                return _bare(first.group())
        return buf[a:b].strip()

    def _resync(self) -> None:
        """After a malformed statement: go to the next line ending with ``;``."""
        while True:
            m = _RESYNC.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return
            if self.eof:
                self.pos = len(self.buf)
                return
            self.pos = max(self.pos, len(self.buf) - 4)
            self.fill()

    # -- COPY --------------------------------------------------------------------------------
    def _copy(self, target: _Target | None, line: int):
        while True:
            buf, p = self.buf, self.pos
            if buf.startswith("\\.", p):
                t = p
            else:
                t = buf.find("\n\\.", p)
                t = t + 1 if t >= 0 else -1
            if t >= 0:
                if t > p and target is not None:
                    yield target.from_rows(_copy_rows(buf[p:t - 1]))
                nl = buf.find("\n", t)
                self.pos = nl + 1 if nl >= 0 else t + 2
                return
            nl = buf.rfind("\n", p)
            if nl >= p:
                if target is not None:
                    yield target.from_rows(_copy_rows(buf[p:nl]))
                self.pos = nl + 1
            if self.eof:
                self.pos = len(self.buf)
                raise ReadError(self.path, "truncated COPY data (no \\. line before the end)",
                                f"line {line}")
            self._need(line, "COPY row")


def _copy_rows(block: str) -> list[list]:
    """Rows of a COPY text-format block (complete lines, the last newline dropped)."""
    if "\r" in block:  # CRLF line ends (a CR in data is written \r)
        block = block.replace("\r\n", "\n")
        if block.endswith("\r"):
            block = block[:-1]
    lines = block.split("\n")
    rows: list[list] = [line.split("\t") for line in lines]
    if "\\" in block:
        rows = [[_copy_field(f) for f in r] if "\\" in line else r
                for line, r in zip(lines, rows)]
    return rows


# -- the reader ------------------------------------------------------------------------------
class SqlDumpReader(Reader):
    """MySQL / MariaDB / PostgreSQL plain-text dumps, one :class:`TableUnit` per run of rows."""

    name: ClassVar[str] = "sql"
    suffixes: ClassVar[tuple[str, ...]] = (".sql",)

    def __init__(self, batch_rows: int = 5000):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows

    def sniff(self, head: bytes, path: str) -> bool:
        """Any file that :func:`looks_like_dump` (content beats extension), or a binary ``.sql``
        (read() reports it). A ``.sql`` script without a table or data statement in its head
        (queries, ``UPDATE`` migrations) is left to the text reader: its literals are scanned."""
        text = head_text(head)
        if text is None:
            return _suffix(path) in self.suffixes
        return looks_like_dump(text)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            stream = DecodedStream(raw, path)
            stats["encoding"] = stream.encoding
            events = _Parser(stream, path, stats).events()
            counters: dict[str, int] = {}
            carry: list = []
            event = next(events, None)
            while event is not None:
                table, header, _ = event
                stats["columns"] = max(stats["columns"], len(header))
                batches = self._batches(event, events, counters, carry, stats, stream)
                yield TableUnit(Location(path, sheet=table), header, batches)
                for _ in batches:  # whatever the consumer left unread
                    pass
                event = carry.pop() if carry else None
            stats["chars"] = stream.chars

    def _batches(self, event, events, counters: dict[str, int], carry: list, stats: dict,
                 stream: DecodedStream) -> Iterator[TableBatch]:
        table, header, columns = event
        size = self.batch_rows
        width = len(header)
        acc: list[list] = [[] for _ in range(width)]
        filled = 0

        def flush() -> TableBatch:
            nonlocal acc, filled
            first = counters.get(table, 0)
            counters[table] = first + filled
            stats["rows"] += filled
            stats["chars"] = stream.chars
            batch = TableBatch(first_row=first, columns=acc)
            acc = [[] for _ in range(width)]
            filled = 0
            return batch

        while True:
            n = len(columns[0])
            i = 0
            while i < n:
                take = min(size - filled, n - i)
                if i == 0 and take == n:
                    for j in range(width):
                        acc[j].extend(columns[j])
                else:
                    for j in range(width):
                        acc[j].extend(columns[j][i:i + take])
                filled += take
                i += take
                if filled == size:
                    yield flush()
            try:
                event = next(events, None)
            except ReadError:
                if filled:
                    yield flush()
                raise
            if event is None or event[0] != table or event[1] != header:
                if filled:
                    yield flush()
                if event is not None:
                    carry.append(event)
                return
            columns = event[2]


__all__ = ["SqlDumpReader", "dialect", "looks_like_dump"]
