"""SQLite database files, read-only, with the standard library's :mod:`sqlite3`.

**Sniffing**: the 16-byte header string ``SQLite format 3\\0`` (SQLite file format, 1.3 "The
Database Header"), whatever the suffix.

**Opening** never modifies the input: the database is opened by URI with ``mode=ro`` (no write)
and ``immutable=1`` (no lock, no journal, no ``-wal``/``-shm`` file created; SQLite "URI
Filenames", query parameters). A consequence: transactions still held in a ``-wal`` file beside
the database are *not* seen (``immutable`` ignores the WAL); scan the ``-wal`` file's database
after a checkpoint if it matters. A source that is not a file on disk (an archive member) is
copied to a private temporary file first and removed afterwards
(:mod:`sentinelle.readers.localfile`).

**Reading.** Every ordinary table (in ``sqlite_master`` order, i.e. creation order) is one
:class:`TableUnit` located ``Location(path, sheet=<table name>)``; its header is the column
names; rows come from ``SELECT *`` (the table's b-tree order: rowid order for ordinary tables,
primary-key order for ``WITHOUT ROWID`` tables) ``batch_rows`` at a time with ``fetchmany``, so
memory stays bounded. ``row`` in a finding is the 0-based position in that order. SQLite's own
tables (``sqlite_sequence``, ``sqlite_stat*``) and views (their rows come from the tables) are
skipped; virtual tables (FTS, R*Tree) are skipped too since they may need a module this SQLite
lacks, and their content sits in their shadow tables, which are read as ordinary tables.
Cells: integers and reals as :func:`sentinelle.readers.cells.cell_text` writes them, text as
stored (bytes that are not UTF-8 replaced by U+FFFD), BLOBs decoded when they are UTF-8 text
and otherwise skipped (``None``, counted in ``stats["binary_cells"]``). A table with no rows
still gives a unit (its header).

Errors: ``ReadError("corrupt SQLite database: <SQLite's reason>")``, position ``table <name>``
when the error came while reading one.
"""

from __future__ import annotations

import sqlite3
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.cells import cell_text
from sentinelle.readers.localfile import local_path

SQLITE_MAGIC = b"SQLite format 3\x00"
_MESSAGE_CHARS = 160


def _quote(name: str) -> str:
    """An SQL identifier in double quotes (SQL standard; SQLite "SQL Keywords")."""
    return '"' + name.replace('"', '""') + '"'


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    if len(line) > _MESSAGE_CHARS:
        line = line[:_MESSAGE_CHARS - 3] + "..."
    return f"corrupt SQLite database: {line}"


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


class SqliteReader(Reader):
    """SQLite reader yielding one :class:`TableUnit` per table."""

    name: ClassVar[str] = "sqlite"
    suffixes: ClassVar[tuple[str, ...]] = (".sqlite", ".sqlite3", ".db", ".db3", ".s3db")

    def __init__(self, batch_rows: int = 5000):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows

    def sniff(self, head: bytes, path: str) -> bool:
        return head.startswith(SQLITE_MAGIC)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with local_path(source) as local:
            uri = local.absolute().as_uri() + "?mode=ro&immutable=1"
            table: str | None = None
            try:
                con = sqlite3.connect(uri, uri=True)
            except sqlite3.Error as exc:
                raise ReadError(path, _reason(exc)) from None
            try:
                con.text_factory = _text
                tables = [name for name, sql in con.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
                    if not name.startswith("sqlite_")
                    and not (sql or "").lstrip().upper().startswith("CREATE VIRTUAL")]
                for table in tables:
                    cursor = con.execute(f"SELECT * FROM {_quote(table)}")
                    header = tuple(d[0] or f"column_{i + 1}"
                                   for i, d in enumerate(cursor.description))
                    stats["columns"] = max(stats["columns"], len(header))
                    unit = TableUnit(Location(path, sheet=table), header,
                                     self._batches(cursor, len(header), stats, path, table))
                    yield unit
                    for _ in unit.batches:  # whatever the consumer left unread
                        pass
            except sqlite3.Error as exc:
                raise ReadError(path, _reason(exc),
                                f"table {table}" if table is not None else None) from None
            finally:
                con.close()

    def _batches(self, cursor: sqlite3.Cursor, width: int, stats: dict, path: str,
                 table: str) -> Iterator[TableBatch]:
        start = 0
        before = stats["rows"]
        while True:
            try:
                rows = cursor.fetchmany(self.batch_rows)
            except sqlite3.Error as exc:
                raise ReadError(path, _reason(exc), f"table {table}") from None
            if not rows:
                return
            columns: list[list[str | None]] = [[] for _ in range(width)]
            for row in rows:
                for j, value in enumerate(row):
                    text = cell_text(value)
                    if text is None and isinstance(value, bytes) and value:
                        stats["binary_cells"] = stats.get("binary_cells", 0) + 1
                    columns[j].append(text)
            stats["rows"] = before + start + len(rows)
            yield TableBatch(first_row=start, columns=columns)
            start += len(rows)
