"""The embedded DuckDB store: scans, sources and findings, with masked values and keyed hashes
only (never a raw value).

Default location: ``.sentinelle/sentinelle.duckdb`` under the current folder (``--db`` to choose).
Tables (schema version in ``meta``):

* ``scans(scan_id, started_at, finished_at, roots, tool_version, findings, files, errors)``
* ``sources(scan_id, path, reader, size_bytes, rows, columns, chars, encoding, findings,
  issue_kind, issue_reason)``
* ``findings(scan_id, path, entity_type, score, row, column, sheet, start, end, masked,
  value_hash, validation, detector, page)``

Schema history: version 2 added ``findings.page`` (1-based PDF page); a version-1 store is
migrated in place when opened (``ALTER TABLE ... ADD COLUMN``).

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

SCHEMA_VERSION = 2
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
    roots VARCHAR, tool_version VARCHAR, findings BIGINT, files BIGINT, errors BIGINT);
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
            elif int(row[0]) == 1:  # v1 -> v2: findings.page
                self.con.execute("ALTER TABLE findings ADD COLUMN page BIGINT")
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                                 [str(SCHEMA_VERSION)])
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

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def begin_scan(self, roots: Sequence[str], tool_version: str) -> int:
        sid = self.con.execute("SELECT nextval('scan_ids')").fetchone()[0]
        self.con.execute("INSERT INTO scans VALUES (?, ?, NULL, ?, ?, 0, 0, 0)",
                         [sid, datetime.now(timezone.utc), json.dumps(list(roots)), tool_version])
        self.scan_id = int(sid)
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

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.con.close()
