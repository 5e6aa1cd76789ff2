"""Measure a leak the way a DPO must report it: persons, data, sources, period, copies, severity.

:func:`assess_paths` scans files and folders (the scanner's findings, never a detection of its
own) and :func:`assess_stored` reads a previous scan from the store; both return the
assessment document described in ``docs/assess-schema.md`` (schema ``sentinelle-assessment/1``).

Rooms: :mod:`.records` (findings -> person records of keyed hashes), :mod:`.subjects` (record
linkage: exact keys, then Splink), :mod:`.categories` (GDPR categories per person),
:mod:`.copies` (exact and near-duplicate files, registered leaks), :mod:`.severity` (ENISA 2013).
Every path written (document, store, ``on_file`` reports) has the personal data of its file
and folder names masked (:mod:`.paths`); grouping is done on the paths as read.

Working tables live in a private temporary DuckDB file (hashes only), removed at the end (also
after an error, Ctrl-C, SIGTERM or SIGHUP). Person records are appended to it as they arrive,
under a small memory limit (:data:`SPILL_MEMORY_LIMIT`), so they are on disk, not in the main
process's memory, during the scan; linkage, categories, period and copies are queries on it
(:class:`_Work`). With a
store, the scan (``scans``, ``sources``) and the assessment's tables are kept:
``assess_records`` (one row per person record: keyed hashes and generalisations only, plus its
``subject``), ``assess_files`` (path, reader, size, keyed content hash, findings per entity
type), ``assess_runs`` (the document of each run) and, with ``register``, ``leaks`` and
``leak_keys`` (:mod:`.copies`). Findings are not stored by ``assess`` (``sentinelle scan`` does
that); ``assess --scan-id N`` reuses ``assess_records`` when run N was made by ``assess``, else
builds records from the stored findings (hashes only: see :mod:`.records`).

Session 12: ``assess_stored`` refuses a scan that did not finish (:func:`sentinelle.store.
check_finished`: an interrupted scan was assessed as a real, empty one), and ``assess_paths``
ends its scan only after its records are persisted; a document built from stored findings
says its persons are linked on exact keys only and may be over-counted (:data:`STORED_NOTE`).

Session 13 (issue 5): an archive opened whole is the container of its members, not one more
source (:func:`_containers`, :func:`_opened`): ``files.scanned``, ``files.bytes`` and
``sources`` count its members (``file_list[].container`` names it), so ``leak.zip`` and the
folder it was made from give the same counts; a member at the archive's root is listed in the
archive's folder (:func:`.records.folder_of`). A registered leak holds, and a known-leak
match counts, all the persons of the assessment (:mod:`.copies`).
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from sentinelle.config import Config

from . import copies as _copies
from .categories import summarise
from .records import PATIENT, PROFESSIONAL, OTHER, RECORD_SCHEMA, RecordBuilder, RecordPrep, \
    TappedPipeline, folder_of
from .severity import Circumstances, severity
from .subjects import THRESHOLD, THRESHOLD_HIGH, THRESHOLD_LOW, link

SCHEMA = "sentinelle-assessment/1"

__all__ = ["Circumstances", "Options", "SCHEMA", "assess_paths", "assess_stored"]

_STORE_DDL = """
CREATE TABLE IF NOT EXISTS assess_runs (scan_id BIGINT, generated_at TIMESTAMPTZ,
    period_first VARCHAR, period_last VARCHAR, dated_records BIGINT, document VARCHAR);
CREATE TABLE IF NOT EXISTS assess_files (scan_id BIGINT, file_id INTEGER, path VARCHAR,
    reader VARCHAR, size_bytes BIGINT, content_hash VARCHAR, counts VARCHAR, issue_kind VARCHAR);
"""


@dataclass(frozen=True, slots=True)
class Options:
    """Assessment options: breach ``circumstances`` (ENISA CB), linkage ``threshold`` (match
    probability), copies ``near`` threshold (Jaccard), ``register`` the leak under this name."""

    circumstances: Circumstances = field(default_factory=Circumstances)
    threshold: float = THRESHOLD
    near: float = _copies.NEAR_THRESHOLD
    register: str | None = None


#: the column of findings in a file's or folder's name (:data:`sentinelle.redact.names.FILE_NAME`,
#: not imported: the redact package is not needed here)
_FILE_NAME = "(file name)"


@dataclass(slots=True)
class _File:
    path: str
    reader: str | None
    size: int
    counts: dict[str, int]
    issue: str | None  # "error" | "skipped" | None
    content_hash: str | None = None
    #: of ``counts``, the findings in the file's own name (column ``(file name)``: a scan's
    #: stored findings); not findings of its content
    in_name: int = 0


#: DuckDB memory limit of the working database: beyond it, joins and aggregations spill to its
#: temporary folder (issue 5 asks for under 4 GB at 500,000 patients; with this limit linkage of
#: 8.9 million records peaked at 2.4 GB resident, see bench/assess.py --link-copies)
WORK_MEMORY_LIMIT = "2GB"
#: DuckDB memory limit of the working database while records are appended (the scan): the
#: records' blocks beyond it leave memory for the database file in the private folder, so
#: the main process does not hold the records while the workers need the memory (issue 5:
#: at 100,000 patients the buffer pool held them all, growing with the leak)
SPILL_MEMORY_LIMIT = "256MB"
#: records per Arrow batch streamed from the working database to the store
_PERSIST_ROWS = 100_000


class _Work:
    """A private temporary DuckDB database holding the records (hashes only).

    Records are appended batch by batch as they arrive (:meth:`add_batch`, :meth:`add_reader`)
    under :data:`SPILL_MEMORY_LIMIT`: DuckDB writes them to ``work.duckdb`` (checkpoints) and
    its temporary files, all in the private folder ``dir`` (``sentinelle-assess-*``, mode 0700
    from :func:`tempfile.mkdtemp`), so resident memory does not grow with the leak.
    :meth:`linkage` raises the limit to :data:`WORK_MEMORY_LIMIT` for the joins of linkage,
    categories and copies; :meth:`close` removes the folder (also after an error or Ctrl-C:
    callers close it in a ``finally``).
    """

    def __init__(self) -> None:
        import duckdb

        self.dir = tempfile.mkdtemp(prefix="sentinelle-assess-")
        try:  # interrupted here (Ctrl-C, SIGTERM): the folder goes too
            self.con = duckdb.connect(str(Path(self.dir) / "work.duckdb"))
            self.con.execute(f"SET temp_directory = '{self.dir}'")
            self.con.execute(f"SET memory_limit = '{SPILL_MEMORY_LIMIT}'")
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self._created = False

    def linkage(self) -> None:
        """Records are all in: checkpoint them to the database file and give the joins
        :data:`WORK_MEMORY_LIMIT`."""
        self.con.execute("CHECKPOINT")
        self.con.execute(f"SET memory_limit = '{WORK_MEMORY_LIMIT}'")

    def add_batch(self, batch) -> None:
        import pyarrow as pa

        self.con.register("_batch", pa.Table.from_batches([batch], schema=RECORD_SCHEMA))
        try:
            if not self._created:
                self.con.execute("CREATE TABLE records AS SELECT * FROM _batch")
                self._created = True
            else:
                self.con.execute("INSERT INTO records SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")

    def add_reader(self, reader) -> None:
        """Append the records of a pyarrow ``RecordBatchReader`` (:data:`RECORD_SCHEMA`),
        streamed batch by batch."""
        self.con.register("_reader", reader)
        try:
            if not self._created:
                self.con.execute("CREATE TABLE records AS SELECT * FROM _reader")
                self._created = True
            else:
                self.con.execute("INSERT INTO records SELECT * FROM _reader")
        finally:
            self.con.unregister("_reader")

    def ensure(self) -> None:
        if not self._created:
            import pyarrow as pa

            self.add_batch(pa.RecordBatch.from_pylist([], schema=RECORD_SCHEMA))

    def set_files(self, files: list[_File], ids: dict[str, int]) -> None:
        self.con.execute("CREATE OR REPLACE TABLE files (file_id INTEGER, path VARCHAR, "
                         "content_hash VARCHAR)")
        rows = []
        next_id = max(ids.values(), default=-1) + 1
        for f in files:
            fid = ids.get(f.path)
            if fid is None:
                fid = ids[f.path] = next_id
                next_id += 1
            rows.append((fid, f.path, f.content_hash))
        if rows:
            self.con.executemany("INSERT INTO files VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# SIGTERM/SIGHUP stop an assessment as Ctrl-C does: the scanner's (:mod:`sentinelle.scanner`),
# shared with `sentinelle scan`, which must not import this package to get it (~0.3 s)
from sentinelle.scanner import STOP_SIGNALS, Interrupted, stop_signals_interrupt  # noqa: E402,F401


def _interruptible(fn):
    """Run ``fn`` under :func:`stop_signals_interrupt`."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with stop_signals_interrupt():
            return fn(*args, **kwargs)
    return run


#: the cyclic garbage collector's first threshold during the scan of :func:`assess_paths`
#: (Python's default: 700 allocations)
SCAN_GC_THRESHOLD = 50_000


@contextmanager
def _fewer_collections():
    """While the block runs, the cyclic garbage collector runs about 70 times less often
    (first threshold :data:`SCAN_GC_THRESHOLD` instead of 700; the other two kept); the
    thresholds are restored after. Session 12, issue 5: during a scan the live objects are
    many (the scanner's and the records' caches) and every third-generation collection walks
    them all: collections took 7.4 s of a 27 s assessment of 10,000 patients with ``--jobs
    1``. Cycles are still collected, at most :data:`SCAN_GC_THRESHOLD` allocations late.
    Source: Python ``gc`` module documentation (``set_threshold``)."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(max(before[0], SCAN_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@_interruptible
def assess_paths(paths: Sequence[str | Path], *, key: bytes, config: Config | None = None,
                 store=None, options: Options | None = None, tool_version: str = "",
                 on_file: Callable[[object], None] | None = None, jobs: int = 1) -> dict:
    """Scan ``paths`` and assess what they hold; returns the assessment document.

    ``key``: the HMAC key (:func:`sentinelle.privacy.load_key`). ``store``: an open
    :class:`sentinelle.store.Store` to keep the scan and the assessment in (and to check or
    register known leaks), or None. ``on_file`` receives each
    :class:`~sentinelle.scanner.FileReport` (progress, error lines). ``jobs``: worker processes
    scanning files (:func:`sentinelle.scanner.iter_items`; 1: in this process); the document is
    the same whatever ``jobs``.
    """
    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    from sentinelle.scanner import Issue, iter_items, walk

    from .copies import content_hash

    from .paths import PathMasker

    config = config or Config()
    options = options or Options()
    roots = [str(p) for p in paths]
    detectors = build(config.entities, config)
    masker = PathMasker(detectors, config)  # personal data in the names written (.paths)
    scan_id = (store.begin_scan([masker.folder(r) for r in roots], tool_version)
               if store is not None else None)
    work = _Work()
    try:
        builder = RecordBuilder(key, work.add_batch)
        pipeline = TappedPipeline(Pipeline(detectors, config))
        files: list[_File] = []
        on_disk: dict[str, Path] = {}  # display path -> file (content hashes of whole files)

        def items():
            for item in walk(list(paths), config):
                if not isinstance(item, Issue):
                    on_disk[item[0]] = item[1]
                yield item

        # table records are built where the findings are made (a worker with jobs > 1)
        prepare = RecordPrep(key, builder.today)
        with _fewer_collections():
            for rep in iter_items(items(), pipeline, config, builder.add, jobs=jobs,
                                  prepare=prepare):
                builder.end_file(rep.path)
                f = _File(rep.path, rep.reader, rep.size, dict(rep.counts),
                          rep.issue.kind if rep.issue else None)
                fs_path = on_disk.pop(rep.path, None)
                if fs_path is not None and rep.issue is None:
                    f.content_hash = content_hash(fs_path, key)
                files.append(f)
                shown = _masked_report(rep, masker)
                if store is not None:
                    store.add_source(shown)
                if on_file is not None:
                    on_file(shown)
            builder.close()
        # the scanner's caches (the pipeline's memos, the records' memos) are not needed by
        # linkage: freed now, neither held nor walked by the collector during the queries
        pipeline = prepare = None
        work.ensure()
        work.set_files(files, builder.files)
        work.linkage()
        doc = _document(work, files, builder, roots, scan_id, options, store, tool_version,
                        masker=masker)
        if store is not None:
            _persist(store, work, files, builder, scan_id, doc, masker)
            # ended once its records are stored: a run stopped while persisting them is
            # marked interrupted (Store.close), never read back as complete (Session 12)
            store.end_scan(sum(sum(f.counts.values()) for f in files), len(files),
                           sum(1 for f in files if f.issue == "error"))
        return doc
    finally:
        work.close()


#: the note of a document built from a ``scan``'s stored findings (docs/assess-schema.md)
STORED_NOTE = ("built from stored findings: persons linked on exact keys only (whole-value "
               "hashes: no typo tolerance on names, no text cues, no dates), so they may be "
               "over-counted; assess the files themselves for the best count")


@_interruptible
def assess_stored(store, scan_id: int, *, key: bytes, options: Options | None = None,
                  tool_version: str = "", config: Config | None = None) -> dict:
    """Assess scan ``scan_id`` of ``store`` (made by ``sentinelle scan`` or by ``assess``).
    ``config``: the configuration whose detectors find personal data in the file names the
    document shows (:mod:`.paths`; default :class:`~sentinelle.config.Config`)."""
    from sentinelle.detectors import build
    from sentinelle.store import check_finished

    from .paths import PathMasker

    options = options or Options()
    config = config or Config()
    con = store.con
    con.execute(_STORE_DDL)
    _ensure_records_table(con)
    # a scan that did not finish (interrupted, killed) is refused, never assessed as a real,
    # possibly empty one (Session 12: "persons 0 ... low" of an interrupted scan before)
    check_finished(con, store.path, scan_id)
    row = con.execute("SELECT roots FROM scans WHERE scan_id = ?", [scan_id]).fetchall()[0]
    roots = json.loads(row[0]) if row[0] else []
    work = _Work()
    try:
        builder = RecordBuilder(key, work.add_batch)
        have = con.execute("SELECT count(*) FROM assess_records WHERE scan_id = ?",
                           [scan_id]).fetchall()[0][0]
        files: list[_File] = []
        if have:
            # streamed from the store in Arrow batches (not one table of every record: peak
            # memory does not grow with the leak; issue 5)
            fcols = ", ".join(f'"{f.name}"' for f in RECORD_SCHEMA)
            rel = con.sql(f"SELECT {fcols} FROM assess_records WHERE scan_id = {int(scan_id)} "
                          f"ORDER BY rid")
            work.add_reader((getattr(rel, "to_arrow_reader", None)
                             or rel.fetch_arrow_reader)(_PERSIST_ROWS))
            for fid, path, reader, size, ch, counts, issue in con.execute(
                    "SELECT file_id, path, reader, size_bytes, content_hash, counts, issue_kind "
                    "FROM assess_files WHERE scan_id = ? ORDER BY file_id", [scan_id]).fetchall():
                builder.files[path] = fid
                files.append(_File(path, reader, size, json.loads(counts or "{}"), issue, ch))
            run = con.execute("SELECT period_first, period_last, dated_records FROM assess_runs "
                              "WHERE scan_id = ? ORDER BY generated_at DESC LIMIT 1",
                              [scan_id]).fetchall()
            if run:
                run = run[0]
                builder.period.first, builder.period.last, builder.period.dated_records = run
            for m, n in con.execute("SELECT m, count(*) FROM (SELECT unnest(months) AS m "
                                    "FROM assess_records WHERE scan_id = ? AND months IS NOT "
                                    "NULL) GROUP BY m", [scan_id]).fetchall():
                builder.month_counts[m] = n
        else:
            counts: dict[str, Counter] = {}
            in_name: Counter = Counter()  # path -> findings in its own name
            cur = con.execute(
                'SELECT path, entity_type, "row", "column", sheet, page, start, "end", value_hash, '
                'masked FROM findings WHERE scan_id = ? ORDER BY path, sheet, page, "row", start',
                [scan_id])
            last = None
            while True:
                chunk = cur.fetchmany(50_000)
                if not chunk:
                    break
                for r in chunk:
                    if r[0] != last:
                        builder.end_file(last)
                        last = r[0]
                    counts.setdefault(r[0], Counter())[r[1]] += 1
                    if r[3] == _FILE_NAME:
                        in_name[r[0]] += 1
                builder.add_stored(chunk)
            for path, reader, size, issue in con.execute(
                    "SELECT path, reader, size_bytes, issue_kind FROM sources WHERE scan_id = ? "
                    "ORDER BY path", [scan_id]).fetchall():
                files.append(_File(path, reader, size or 0, dict(counts.get(path, {})), issue,
                                   in_name=in_name[path]))
        builder.close()
        work.ensure()
        work.set_files(files, builder.files)
        work.linkage()
        masker = PathMasker(build(config.entities, config), config)
        return _document(work, files, builder, roots, scan_id, options, store, tool_version,
                         from_findings=not have, masker=masker)
    finally:
        work.close()


# ---------------------------------------------------------------------------- the document

def _document(work: _Work, files: list[_File], builder: RecordBuilder, roots: list[str],
              scan_id: int | None, options: Options, store, tool_version: str,
              from_findings: bool = False, masker=None) -> dict:
    """The assessment document; every path in it (roots, sources, copies) is written through
    ``masker`` (:class:`.paths.PathMasker`: personal data in file names masked; None: as is).
    Grouping (folders, copies) is made on the paths as read."""
    con = work.con
    linkage = link(con, threshold=options.threshold)
    entity_counts: Counter[str] = Counter()
    for f in files:
        entity_counts.update(f.counts)
    cats = _categories(con, entity_counts)
    patients = linkage.unique.get(PATIENT, 0)
    unique = sum(linkage.unique.values())
    lo, hi = linkage.interval
    others = unique - patients
    by_role = {role: {"unique": linkage.unique.get(role, 0),
                      "records": linkage.records.get(role, 0)}
               for role in (PATIENT, PROFESSIONAL, OTHER)}
    notes = ["a NIR alone is not a person key: children may be recorded under a parent's NIR",
             "a person who is both a patient and a health professional is counted in both roles"]
    if from_findings:
        # Session 12: said in the summary table too (a stored scan counted 400 persons
        # where the files themselves gave 350, with no warning)
        notes.append(STORED_NOTE)
    notes.extend(linkage.notes)
    subjects = {
        "unique": unique,
        "interval": [lo + others, hi + others],
        "records": sum(linkage.records.values()),
        "by_role": by_role,
        "method": {
            "profiles": linkage.profiles,
            "exact_key": [{"rule": r, "links": n} for r, n in linkage.exact_links.items()],
            "probabilistic": {
                "engine": linkage.engine, "links": linkage.probabilistic_links,
                "pairs_scored": linkage.pairs_scored, "match_threshold": options.threshold,
                "interval_thresholds": [THRESHOLD_LOW, THRESHOLD_HIGH],
                "comparisons": ["name", "dob", "nir", "phone", "email", "postcode", "iban"],
            },
            "professionals": "RPPS/ADELI number or name", "others": "name",
            "notes": notes,
        },
    }
    minors = con.execute("SELECT count(DISTINCT s.subject) FROM records r JOIN subjects s "
                         "USING (rid) WHERE r.minor AND s.role = ?", [PATIENT]).fetchall()[0][0]
    present = {e for e in entity_counts if entity_counts[e] > 0}
    sev = severity(present, {k: v for k, v in cats["entity_combinations"].items()}, minors > 0,
                   options.circumstances)
    sev["minors"] = int(minors)
    period = builder.period
    by_month = [{"month": m, "records": n} for m, n in sorted(builder.month_counts.items())]
    copies = {"groups": _copies.find_copies(con, options.near), "known_leaks": [],
              "near_threshold": options.near}
    if store is not None:
        copies["known_leaks"] = _copies.known_leaks(store.con, con, options.register)
        if options.register:
            _copies.register(store.con, con, options.register, scan_id, patients, tool_version)
            copies["registered_as"] = options.register
    # an archive opened whole is the container of its members, not one more source: its
    # members are the files (their bytes uncompressed), each naming it as its ``container``
    # (issue 5: a zipped leak counted one file and its compressed bytes more than the folder)
    inside = _containers(files)
    opened = _opened(files, inside)
    # a container cut short whose members were read (a ZIP without its central directory,
    # its members read from their local headers): a container, partly read, not unreadable
    partly_opened = _partly_opened(files, inside)
    listed = [f for f in files if f.path not in opened]
    # a file cut short (truncated JSON, damaged archive member...) whose records before the
    # error were read counts as read ("partly read"), not as unreadable: its records are in
    # the persons, its bytes in the total and its row in the sources, so every count agrees
    partly = [f for f in listed if _partly_read(f)]
    scanned = [f for f in listed if f.issue is None] + partly
    doc = {
        "schema": SCHEMA,
        "tool_version": tool_version,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "roots": roots,
        "scan_id": scan_id,
        "files": {"scanned": len(scanned),  # read whole or partly (partly_read of them)
                  "partly_read": len(partly),
                  "with_findings": sum(1 for f in scanned if sum(f.counts.values())),
                  # files of which nothing was read; skipped files are not counted as scanned
                  "errors": sum(1 for f in listed if f.issue == "error" and not _partly_read(f)),
                  "skipped": sum(1 for f in files if f.issue == "skipped"),
                  "bytes": sum(f.size for f in scanned),
                  # archives opened: not in "scanned", their members are
                  "containers": len(opened),
                  # of them, the paths of those cut short after some of their members were
                  # read (partly read: not in "errors")
                  "containers_partly_read": sorted(partly_opened)},
        "subjects": subjects,
        "categories": cats["categories"],
        "combinations": cats["combinations"],
        "entities": cats["entities"],
        "period": {"start": period.first, "end": period.last,
                   "dated_records": None if from_findings else period.dated_records,  # unknown
                   "source": "DATE_TIME findings in person records (sample, result, report and "
                             "invoice dates)",
                   "by_month": by_month},
        "sources": _sources(con, listed, builder, inside),
        "copies": copies,
        "severity": sev,
    }
    if masker is not None:
        _mask_document(doc, masker)
    return doc


def _mask_document(doc: dict, masker) -> None:
    """Mask, in place, the paths of ``doc`` (roots, sources, copies' members)."""
    doc["roots"] = [masker.folder(r) for r in doc["roots"]]
    doc["files"]["containers_partly_read"] = [masker(p) for p in
                                              doc["files"]["containers_partly_read"]]
    for src in doc["sources"]:
        if src["path"] != ".":
            src["path"] = masker.folder(src["path"])
        for fl in src["file_list"]:
            fl["path"] = masker(fl["path"])
            if fl["container"] is not None:
                fl["container"] = masker(fl["container"])
    for group in doc["copies"]["groups"]:
        group["members"] = [masker(m) for m in group["members"]]


def _masked_report(rep, masker):
    """The scanner's report ``rep`` with its path (and its issue's path and reason) masked
    (:class:`.paths.PathMasker`): what is stored in ``sources`` and given to ``on_file``."""
    from dataclasses import replace

    path = masker(rep.path)
    issue = rep.issue
    if issue is not None:
        issue = replace(issue, path=masker(issue.path),
                        reason=masker.in_text(masker.in_text(issue.reason, issue.path),
                                              rep.path))
    if path == rep.path and issue == rep.issue:
        return rep
    return replace(rep, path=path, issue=issue)


def _containers(files: list[_File]) -> dict[str, str]:
    """Member path -> the path of its innermost container among ``files`` (``a.zip!b/c.csv``
    -> ``a.zip``; ``a.zip!in.tar!d.csv`` -> ``a.zip!in.tar``): the longest path of ``files``
    that, followed by ``!``, begins it. Derived from the paths, so it holds for a live scan, a
    stored assessment (``assess_files``) and a ``scan``'s ``sources`` alike."""
    paths = {f.path for f in files}
    out: dict[str, str] = {}
    for f in files:
        p = f.path
        i = p.rfind("!")
        while i > 0:
            if p[:i] in paths:
                out[p] = p[:i]
                break
            i = p.rfind("!", 0, i)
    return out


def _opened(files: list[_File], inside: dict[str, str]) -> set[str]:
    """The containers opened: files with members (``inside``) and no findings of their own
    (an archive; a mail message with attachments has its body: it stays a file), read
    without an issue, or partly read (:func:`_partly_opened`). Findings in the container's
    own name (``leak_185057800604830.zip``, column ``(file name)``) are not of its content.
    A container with an issue of which no member was read (damaged, a limit reached) stays
    listed with it, as any file that could not be read."""
    having = set(inside.values())
    read = _read_containers(files, inside)
    return {f.path for f in files
            if f.path in having and _own_findings(f) == 0
            and (f.issue is None or (f.issue == "error" and f.path in read))}


def _partly_opened(files: list[_File], inside: dict[str, str]) -> set[str]:
    """The containers opened with a read error after some of their members were read (a ZIP
    cut short, its members read from their local headers): partly read, as a file cut short
    whose first records were read (:func:`_partly_read`), not unreadable."""
    opened = _opened(files, inside)
    return {f.path for f in files if f.path in opened and f.issue == "error"}


def _read_containers(files: list[_File], inside: dict[str, str]) -> set[str]:
    """The containers (``inside``) of which a member was read, whole or partly (a member
    that is itself a container with members counts as read)."""
    having = set(inside.values())
    return {inside[f.path] for f in files
            if f.path in inside and (f.issue is None or _partly_read(f) or f.path in having)}


def _own_findings(f: _File) -> int:
    """Findings of ``f``'s content: its findings but those in its own name."""
    return sum(f.counts.values()) - f.in_name


def _partly_read(f: _File) -> bool:
    """A file with a read error that still gave findings before it (records were read)."""
    return f.issue == "error" and sum(f.counts.values()) > 0


def _categories(con, entity_counts: Counter) -> dict:
    """:func:`.categories.summarise` of the entity types of each linked person."""
    masks = con.execute("SELECT role, mask, count(*) FROM (SELECT s.role, bit_or(r.ents) AS mask "
                        "FROM records r JOIN subjects s USING (rid) GROUP BY s.subject, s.role) "
                        "GROUP BY ALL").fetchall()
    return summarise(masks, dict(entity_counts))


def _sources(con, files: list[_File], builder: RecordBuilder,
             inside: dict[str, str] | None = None) -> list[dict]:
    """One entry per folder (:func:`.records.folder_of`: a member at the root of an archive is
    in the archive's folder) of ``files``; ``inside``: member path -> container
    (:func:`_containers`)."""
    import pyarrow as pa

    inside = inside or {}
    per_file = {path: (records, subjects) for path, records, subjects in con.execute("""
        SELECT f.path, count(*), count(DISTINCT s.subject) FILTER (WHERE s.role = 'patient')
        FROM records r JOIN subjects s USING (rid) JOIN files f USING (file_id) GROUP BY f.path
        """).fetchall()}
    paths = sorted({f.path for f in files})
    con.register("_folders", pa.table({"path": pa.array(paths, pa.string()),
                                       "folder": pa.array([folder_of(p) for p in paths],
                                                          pa.string())}))
    try:
        per_folder_subjects = dict(con.execute("""
            SELECT d.folder, count(DISTINCT s.subject) FILTER (WHERE s.role = 'patient')
            FROM records r JOIN subjects s USING (rid) JOIN files f USING (file_id)
            JOIN _folders d USING (path) GROUP BY d.folder
            """).fetchall())
    finally:
        con.unregister("_folders")
    folders: dict[str, dict] = {}
    for f in files:
        folder = folder_of(f.path)
        d = folders.setdefault(folder, {"path": folder, "files": 0, "records": 0,
                                        "subjects": per_folder_subjects.get(folder, 0),
                                        "findings": 0, "organisations": [], "file_list": []})
        records, subjects = per_file.get(f.path, (0, 0))
        # counted as in files.scanned (read whole or partly); every file stays in file_list
        d["files"] += f.issue is None or _partly_read(f)
        d["records"] += records
        d["findings"] += sum(f.counts.values())
        d["file_list"].append({"path": f.path, "reader": f.reader, "bytes": f.size,
                               "records": records, "subjects": subjects,
                               "findings": sum(f.counts.values()), "issue": f.issue,
                               "partly_read": _partly_read(f),
                               "container": inside.get(f.path)})
    for (folder, entity, vhash), (masked, n, *clear) in sorted(builder.organisations.items()):
        if folder in folders:  # masked only: no identifier in clear in the document (issue 5)
            folders[folder]["organisations"].append(
                {"kind": entity, "masked": masked,
                 "value_hash": vhash, "findings": n})
    labs = builder.labs
    for (folder, name), n in sorted(labs.items(), key=lambda t: (t[0][0], -t[1], t[0][1])):
        if folder in folders:  # an organisation's name, not personal data: shown in clear
            folders[folder]["organisations"].append({"kind": "name", "value": name, "lines": n})
    return sorted(folders.values(), key=lambda d: d["path"])


# ---------------------------------------------------------------------------- the store

def _ensure_records_table(con) -> None:
    cols = ", ".join(f'"{f.name}" {_duck_type(f.type)}' for f in RECORD_SCHEMA)
    con.execute(f"CREATE TABLE IF NOT EXISTS assess_records (scan_id BIGINT, {cols}, "
                f"subject BIGINT)")


def _duck_type(t) -> str:
    import pyarrow as pa

    if pa.types.is_list(t):
        return _duck_type(t.value_type) + "[]"
    return {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.string(): "VARCHAR",
            pa.bool_(): "BOOLEAN"}[t]


def _persist(store, work: _Work, files: list[_File], builder: RecordBuilder,
             scan_id: int | None, doc: dict, masker=lambda p: p) -> None:
    con = store.con
    con.execute(_STORE_DDL)
    _ensure_records_table(con)
    with _bounded(work.con), _bounded(con), _store_spill(store):
        _persist_records(con, work, scan_id)
    ids = builder.files
    rows = [(scan_id, ids.get(f.path), masker(f.path), f.reader, f.size, f.content_hash,
             json.dumps(f.counts, sort_keys=True), f.issue) for f in files]
    if rows:  # an empty folder: DuckDB's executemany refuses an empty list
        con.executemany("INSERT INTO assess_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    p = builder.period
    con.execute("INSERT INTO assess_runs VALUES (?, ?, ?, ?, ?, ?)",
                [scan_id, datetime.now(timezone.utc), p.first, p.last, p.dated_records,
                 json.dumps(doc, ensure_ascii=False)])


@contextmanager
def _store_spill(store):
    """While the block runs, the store's DuckDB temporary folder (where its sorts and inserts
    spill: hashes only) is a private folder (``sentinelle-spill-*``, mode 0700 from
    :func:`tempfile.mkdtemp`), not DuckDB's default ``<store>.tmp`` beside the store; after
    the block it is moved back and the folder removed.

    DuckDB refuses to move it back once it has been used ("Cannot switch temporary directory
    after the current one has been used": the reset of session 10 then failed the assessment
    after a store spill). The folder is then kept as the store's for as long as the store
    object lives (removed when it is garbage-collected or at exit, :func:`weakref.finalize`;
    DuckDB removes its own files there when the store is closed), and later blocks on the
    same store use it as it is. It used to be the working database's folder, removed at the
    end of the assessment under the live connection: its next spill failed. When the store's
    temporary folder is already in use, it is kept."""
    import os
    import weakref

    if getattr(store, "_sentinelle_spill", None) is not None:  # moved for good earlier
        yield
        return
    con = store.con
    before = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    folder = tempfile.mkdtemp(prefix="sentinelle-spill-")
    try:
        con.execute("SET temp_directory = ?", [folder])
    except Exception:  # noqa: BLE001 - DuckDB refuses once its temporary folder is in use
        os.rmdir(folder)
        folder = None
    try:
        yield
    finally:
        if folder is not None:
            try:
                con.execute("SET temp_directory = ?", [before])
            except Exception:  # noqa: BLE001 - used: DuckDB keeps it, so do we (see above)
                try:
                    store._sentinelle_spill = folder
                    weakref.finalize(store, shutil.rmtree, folder, True)
                except (AttributeError, TypeError):  # no attributes, no weak reference
                    import atexit
                    atexit.register(shutil.rmtree, folder, True)
            else:
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _bounded(con):
    """While the block runs, DuckDB connection ``con`` works under :data:`SPILL_MEMORY_LIMIT`
    (its sorts and inserts spill to disk: see :func:`_store_spill` for where the store
    spills); the memory limit is restored after. Issue 5: writing 1.8 million records
    (100,000 patients) to the store held them all in the two databases' memory (the store's
    default limit is 80% of RAM), the run's peak."""
    limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute(f"SET memory_limit = '{SPILL_MEMORY_LIMIT}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{limit}'")


def _persist_records(con, work: _Work, scan_id: int | None) -> None:
    """Stream the working database's records with their subject into ``assess_records``."""
    cols = ", ".join(f'r."{f.name}"' for f in RECORD_SCHEMA)
    # streamed from the working database in Arrow batches (not one table of every record:
    # peak memory does not grow with the leak; issue 5)
    rel = work.con.sql(f"SELECT {cols}, s.subject FROM records r "
                       f"JOIN subjects s USING (rid) ORDER BY r.rid")
    # a relation streams (a cursor's Arrow output is copied whole first); DuckDB 2
    # ``to_arrow_reader``, 1.x ``fetch_arrow_reader``
    reader = (getattr(rel, "to_arrow_reader", None) or rel.fetch_arrow_reader)(_PERSIST_ROWS)
    con.register("_assess_records", reader)
    try:
        con.execute("INSERT INTO assess_records SELECT ?, * FROM _assess_records", [scan_id])
    finally:
        con.unregister("_assess_records")
