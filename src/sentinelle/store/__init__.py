"""The embedded DuckDB store: scans, sources and findings, with masked values and keyed hashes
only (never a raw value).

Default location: ``.sentinelle/sentinelle.duckdb`` under the current folder (``--db`` to choose).
Tables (schema version in ``meta``):

* ``scans(scan_id, started_at, finished_at, roots, tool_version, findings, files, errors,
  interrupted_at)``
* ``sources(scan_id, path, reader, size_bytes, rows, columns, chars, encoding, findings,
  issue_kind, issue_reason)``
* ``findings(scan_id, path, entity_type, score, row, column, sheet, start, end, masked,
  value_hash, validation, detector, page)``

Schema history: version 2 added ``findings.page`` (1-based PDF page); version 3 added
``scans.interrupted_at``; an older store is migrated in place when opened (``ALTER TABLE ... ADD
COLUMN``).

A scan is complete when ``finished_at`` is set (:meth:`Store.end_scan`). Session 12: a store
closed with a scan begun but not ended (the ``scan`` and ``assess`` commands close it on Ctrl-C,
SIGTERM or an error) stamps ``interrupted_at``; a killed process leaves both NULL.
:func:`check_finished` refuses either, so an interrupted scan is never read as a real, empty
one (``assess --scan-id``: "persons 0 ... low" before).

Writes are batched through Arrow tables. Raises :class:`StoreError` (one line) when the file
cannot be opened (locked by another process, not a DuckDB file, no permission).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
import os
from pathlib import Path
from typing import Sequence

import pyarrow as pa

from sentinelle.errors import StoreError

SCHEMA_VERSION = 3
DEFAULT_DB = Path(".sentinelle") / "sentinelle.duckdb"

FINDING_FIELDS = ("path", "entity_type", "score", "row", "column", "sheet", "start", "end",
                  "masked", "value_hash", "validation", "detector", "page")
_ARROW_SCHEMA = pa.schema([
    ("scan_id", pa.int64()), ("path", pa.string()), ("entity_type", pa.string()),
    ("score", pa.float64()), ("row", pa.int64()), ("column", pa.string()), ("sheet", pa.string()),
    ("start", pa.int64()), ("end", pa.int64()), ("masked", pa.string()),
    ("value_hash", pa.string()), ("validation", pa.string()), ("detector", pa.string()),
    ("page", pa.int64()),
])

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS scan_ids START 1;
CREATE TABLE IF NOT EXISTS scans (
    scan_id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
    roots VARCHAR, tool_version VARCHAR, findings BIGINT, files BIGINT, errors BIGINT,
    interrupted_at TIMESTAMPTZ);
CREATE TABLE IF NOT EXISTS sources (
    scan_id BIGINT, path VARCHAR, reader VARCHAR, size_bytes BIGINT, "rows" BIGINT,
    "columns" BIGINT, chars BIGINT, encoding VARCHAR, findings BIGINT,
    issue_kind VARCHAR, issue_reason VARCHAR);
CREATE TABLE IF NOT EXISTS findings (
    scan_id BIGINT, path VARCHAR, entity_type VARCHAR, score DOUBLE, "row" BIGINT,
    "column" VARCHAR, sheet VARCHAR, start BIGINT, "end" BIGINT, masked VARCHAR,
    value_hash VARCHAR, validation VARCHAR, detector VARCHAR, page BIGINT);
"""


class Store:
    """An open store. Use as a context manager; :meth:`close` commits."""

    def __init__(self, path: Path | str):
        import duckdb

        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            # private like every other output (masks, keyed hashes, fingerprints of
            # registered leaks): DuckDB would create the file (and its WAL) 0644
            old_umask = os.umask(0o077)
            try:
                self.con = duckdb.connect(str(self.path))
            finally:
                os.umask(old_umask)
            if created:
                os.chmod(self.path, 0o600)
            self.con.execute(_DDL)
            row = self.con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            elif int(row[0]) in (1, 2):
                # one transaction, and columns added only when missing: a process killed in
                # the middle leaves a store that opens again (session 12 review)
                self.con.execute("BEGIN TRANSACTION")
                if int(row[0]) == 1:  # v1 -> v2: findings.page
                    self.con.execute("ALTER TABLE findings ADD COLUMN IF NOT EXISTS page BIGINT")
                # v2 -> v3: scans.interrupted_at
                self.con.execute(
                    "ALTER TABLE scans ADD COLUMN IF NOT EXISTS interrupted_at TIMESTAMPTZ")
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                                 [str(SCHEMA_VERSION)])
                self.con.execute("COMMIT")
            elif int(row[0]) != SCHEMA_VERSION:
                raise StoreError(f"{self.path}: store schema version {row[0]} is not supported "
                                 f"(expected {SCHEMA_VERSION})")
        except StoreError:
            raise
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open store ({exc.strerror})") from None
        except Exception as exc:  # duckdb.IOException and friends
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{self.path}: cannot open store ({first})") from None
        self._pending: list[dict] = []
        self._tables: list[pa.Table] = []
        self._queued = 0
        self.scan_id: int | None = None
        self._ended = False

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def begin_scan(self, roots: Sequence[str], tool_version: str) -> int:
        sid = self.con.execute("SELECT nextval('scan_ids')").fetchone()[0]
        self.con.execute("INSERT INTO scans (scan_id, started_at, finished_at, roots, tool_version, "
                         "findings, files, errors) VALUES (?, ?, NULL, ?, ?, 0, 0, 0)",
                         [sid, datetime.now(timezone.utc), json.dumps(list(roots)), tool_version])
        self.scan_id = int(sid)
        self._ended = False
        return self.scan_id

    def add_findings(self, records, flush_at: int = 50_000) -> None:
        """Queue public finding records, flushed into DuckDB in batches of ``flush_at``.

        ``records``: a ``pyarrow.Table`` with the :data:`FINDING_FIELDS` columns (as made by
        :meth:`FindingBatch.records <sentinelle.finding.FindingBatch.records>`: taken as is,
        cast to the store's types), or a sequence of dicts of :meth:`Finding.to_record`."""
        if isinstance(records, pa.Table):
            if records.num_rows:
                self._tables.append(records.select(list(FINDING_FIELDS)))
                self._queued += records.num_rows
        elif records:
            self._pending.extend(records)
            self._queued += len(records)
        if self._queued >= flush_at:
            self.flush()

    def flush(self) -> None:
        tables = self._tables
        if self._pending:
            cols = {name: [r[name] for r in self._pending] for name in FINDING_FIELDS}
            tables.append(pa.table({f.name: pa.array(cols[f.name], f.type)
                                    for f in _ARROW_SCHEMA if f.name != "scan_id"}))
        if not tables:
            return
        n = sum(t.num_rows for t in tables)
        fields = [f for f in _ARROW_SCHEMA if f.name != "scan_id"]
        parts = [pa.table([t.column(f.name).cast(f.type) for f in fields], schema=pa.schema(fields))
                 for t in tables]
        table = pa.concat_tables(parts)
        table = table.add_column(0, _ARROW_SCHEMA.field("scan_id"),
                                 pa.array([self.scan_id] * n, pa.int64()))
        self.con.register("_batch", table)
        try:
            names = ", ".join(f'"{f.name}"' for f in _ARROW_SCHEMA)
            self.con.execute(f"INSERT INTO findings ({names}) SELECT {names} FROM _batch")
        finally:
            self.con.unregister("_batch")
        self._pending.clear()
        self._tables = []
        self._queued = 0

    def add_source(self, report) -> None:
        issue = report.issue
        self.con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.scan_id, report.path, report.reader, report.size, report.rows, report.columns,
             report.chars, report.encoding, report.findings,
             issue.kind if issue else None, issue.reason if issue else None])

    def end_scan(self, findings: int, files: int, errors: int) -> None:
        self.flush()
        self.con.execute("UPDATE scans SET finished_at=?, findings=?, files=?, errors=? WHERE scan_id=?",
                         [datetime.now(timezone.utc), findings, files, errors, self.scan_id])
        self._ended = True

    def close(self) -> None:
        """Flush and close. A scan begun and not ended (:meth:`end_scan`) is stamped
        ``interrupted_at`` (now): it is kept (its findings so far) but never read as complete
        (:func:`check_finished`)."""
        try:
            if self.scan_id is not None and not self._ended:
                self._ended = True  # once: close() may be called twice on an error path
                self.con.execute("UPDATE scans SET interrupted_at = ? WHERE scan_id = ?",
                                 [datetime.now(timezone.utc), self.scan_id])
            self.flush()
        finally:
            self.con.close()


def check_finished(con, path, scan_id: int) -> None:
    """Raise :class:`StoreError` (one line) when scan ``scan_id`` is missing from the store at
    ``path`` (open connection ``con``) or did not finish (no ``finished_at``: interrupted, or
    its process killed): nothing it holds can be read as a complete scan."""
    found = con.execute("SELECT started_at, finished_at, interrupted_at FROM scans "
                        "WHERE scan_id = ?", [scan_id]).fetchall()
    if not found:
        raise StoreError(f"{path}: no scan with id {scan_id}")
    started, finished, interrupted = found[0]
    if finished is None:
        when = (f"interrupted at {_utc(interrupted)}" if interrupted is not None
                else f"started at {_utc(started)}, never ended")
        raise StoreError(f"scan {scan_id} did not finish ({when}): nothing to assess; scan again")


def _utc(t) -> str:
    """``2026-12-02 10:07:31 UTC`` (seconds; a TIMESTAMPTZ read back in the local zone)."""
    try:
        return t.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (AttributeError, ValueError):
        return str(t)
