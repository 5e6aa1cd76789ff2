"""Walk sources, pick readers, run the pipeline, collect issues.

:func:`iter_scan` is the streaming core: it walks the given paths (files and folders), opens each
file, picks a reader by content (then extension), feeds the units to the
:class:`~sentinelle.pipeline.Pipeline` and hands each batch of findings to ``sink`` as soon as it
is made, so memory stays bounded whatever the number of findings. It yields one
:class:`FileReport` per file (or per path that could not be walked).

:func:`scan` collects everything in a :class:`ScanResult` (convenient for the Python API);
:func:`scan_text` is the Presidio-``analyze``-like entry point for one string.

Errors never stop a scan: a file that cannot be read becomes an :class:`Issue` (path, reader,
one-line reason without any data value) and the walk goes on. Symbolic links are not followed by
default; when they are, directory loops are detected by (device, inode) and reported once.

Containers (archives, compressed files, mail attachments): a reader yields
:class:`~sentinelle.readers.base.MemberUnit` objects and the scanner owns the rest (DESIGN.md). Each
member is copied into a :class:`tempfile.SpooledTemporaryFile` (memory up to
``SPOOL_MEMORY_BYTES``, then an unnamed file in a private ``sentinelle-*`` temporary folder,
removed when the file on disk is done, on error and on KeyboardInterrupt too) while the bytes
actually produced are counted against ``Config.max_member_bytes``, ``max_archive_bytes``,
``max_archive_ratio`` and ``max_archive_members``; then a reader is picked for the member by its
content and the member is scanned as a seekable source named ``container!name``, recursively up
to ``Config.max_depth`` levels. Every member gets its own :class:`FileReport` (members first,
the container last). A limit gives one ``skipped`` issue: on the member when the others can
still be reached (ZIP), else on the container, naming the member, with the rest not scanned
(compressed TAR, 7z: one stream). An encrypted or corrupt member gives one ``error`` issue; a
member cut short (truncated archive) is scanned as far as it goes and carries the error.
"""

from __future__ import annotations

import fnmatch
import io
import os
import shutil
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import Detector
from sentinelle.errors import ReadError
from sentinelle.finding import Finding, Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers import pick_reader
from sentinelle.readers.base import MemberUnit, Source, TableUnit, TextUnit
from sentinelle.readers.encoding import read_head

HEAD_BYTES = 64 * 1024
#: bytes copied per step from a member into its spool; the limits are checked at each step
COPY_BYTES = 1 << 20
#: a member's spool stays in memory up to this size, then moves to a private temporary file
SPOOL_MEMORY_BYTES = 16 << 20
#: the compression-ratio limit applies once a member (or a container) produced this many bytes
RATIO_MIN_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class Issue:
    """A source that could not be scanned (``kind="error"``) or was left out (``"skipped"``)."""

    path: str
    kind: str
    reason: str
    reader: str | None = None
    position: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.position}" if self.position else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FileReport:
    """What one file gave: reader, size in bytes, rows/columns (tables) or characters (text),
    encoding, findings per entity type, and the issue if it could not be read whole."""

    path: str
    reader: str | None
    size: int
    rows: int = 0
    columns: int = 0
    chars: int = 0
    encoding: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    issue: Issue | None = None

    @property
    def findings(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(slots=True)
class ScanResult:
    """Everything :func:`scan` found. ``findings`` keep raw values in memory only."""

    findings: list[Finding] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [f.issue for f in self.files if f.issue is not None]

    @property
    def counts(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for f in self.findings:
            c[f.entity_type] += 1
        return dict(sorted(c.items()))


class _CountingRaw(io.RawIOBase):
    """Raw file wrapper that reports bytes read to a callback (progress bars)."""

    def __init__(self, raw, on_bytes: Callable[[int], None]):
        self._raw = raw
        self._on = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b)
        if n:
            self._on(n)
        return n or 0

    def seekable(self) -> bool:  # ZIP and 7z need to seek
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _opener(path: Path, on_bytes: Callable[[int], None] | None):
    def open_() -> io.BufferedReader:
        raw = open(path, "rb", buffering=0)
        if on_bytes is None:
            return io.BufferedReader(raw)
        return io.BufferedReader(_CountingRaw(raw, on_bytes))
    return open_


def _display(root: Path, path: Path, multi: bool, root_arg: str) -> str:
    if root.is_dir():
        rel = path.relative_to(root).as_posix()
        return f"{root_arg.rstrip('/')}/{rel}" if multi else rel
    return root_arg if multi else path.name


def walk(paths: Sequence[str | Path], config: Config) -> Iterator[tuple[str, Path] | Issue]:
    """Yield ``(display_path, fs_path)`` for each regular file under ``paths``, or an
    :class:`Issue` for a path that cannot be walked (missing, unreadable folder, loop)."""
    multi = len(paths) > 1
    for arg in paths:
        root = Path(arg)
        arg_s = str(arg)
        try:
            st = root.stat() if config.follow_symlinks or not root.is_symlink() else root.lstat()
        except FileNotFoundError:
            yield Issue(arg_s, "error", "no such file or folder")
            continue
        except OSError as exc:
            yield Issue(arg_s, "error", f"cannot access ({exc.strerror})")
            continue
        if stat.S_ISREG(st.st_mode):
            yield _display(root, root, multi, arg_s), root
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield Issue(arg_s, "skipped", "not a regular file or folder")
            continue
        seen: set[tuple[int, int]] = set()
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                fst = folder.stat()
            except OSError as exc:
                yield Issue(_display(root, folder, multi, arg_s), "error", f"cannot access folder ({exc.strerror})")
                continue
            key = (fst.st_dev, fst.st_ino)
            if key in seen:
                yield Issue(_display(root, folder, multi, arg_s), "skipped",
                            "folder loop (a symbolic link leads back to a folder already walked)")
                continue
            seen.add(key)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                yield Issue(_display(root, folder, multi, arg_s) or ".", "error",
                            f"cannot list folder ({exc.strerror})")
                continue
            subdirs = []
            for e in entries:
                if not config.include_hidden and e.name.startswith("."):
                    continue
                if any(fnmatch.fnmatch(e.name, pat) for pat in config.exclude):
                    continue
                p = Path(e.path)
                try:
                    if e.is_symlink() and not config.follow_symlinks:
                        continue
                    if e.is_dir(follow_symlinks=config.follow_symlinks):
                        subdirs.append(p)
                    elif e.is_file(follow_symlinks=config.follow_symlinks):
                        yield _display(root, p, multi, arg_s), p
                except OSError as exc:
                    yield Issue(_display(root, p, multi, arg_s), "error", f"cannot access ({exc.strerror})")
            stack.extend(reversed(subdirs))


class _SpoolView(io.RawIOBase):
    """A read-only, seekable view of a spool with its own position (closing it keeps the spool)."""

    def __init__(self, spool, size: int):
        self._spool = spool
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        self._spool.seek(self._pos)
        n = self._spool.readinto(b) or 0
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos


class _Limit(Exception):
    """A container limit reached while spooling a member; ``container``: stop the container."""

    def __init__(self, reason: str, container: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.container = container


class _Tree:
    """Scans one file on disk and, recursively, the members of the containers it holds.

    Holds what is counted across the whole tree (bytes produced, members opened) and the
    private temporary folder, created on the first spooled member and removed by ``cleanup``.
    """

    def __init__(self, pipeline: Pipeline, config: Config, sink: Callable[[list[Finding]], None]):
        self.pipeline = pipeline
        self.config = config
        self.sink = sink
        self.total = 0
        self.members = 0
        self.exhausted = False
        self._tmpdir: str | None = None

    def tmpdir(self) -> str:
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix="sentinelle-")  # mode 0700
        return self._tmpdir

    def cleanup(self) -> None:
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def scan(self, source: Source, level: int,
             forced: Issue | None = None) -> Iterator[FileReport]:
        """Reports of ``source``'s members (if a container), then of ``source`` itself, whose
        issue is ``forced`` when given (a member cut short)."""
        display = source.display
        counts: Counter[str] = Counter()
        stats: dict = {}
        reader_name: str | None = None
        produced = [0]  # bytes produced by this container's members (ratio limit)

        def emit(batch: list[Finding]) -> None:
            if batch:
                for f in batch:
                    counts[f.entity_type] += 1
                self.sink(batch)

        def report(issue: Issue | None = None) -> FileReport:
            return FileReport(display, reader_name, source.size, int(stats.get("rows", 0)),
                              int(stats.get("columns", 0)), int(stats.get("chars", 0)),
                              stats.get("encoding"), tuple(sorted(counts.items())),
                              forced or issue)

        stop: Issue | None = None
        try:
            if source.fs_path is not None:  # not through the progress counter
                with open(source.fs_path, "rb") as fh:
                    head = fh.read(HEAD_BYTES)
            else:
                with source.open() as fh:
                    head = read_head(fh, HEAD_BYTES)
            if not head:
                yield report()  # empty file: nothing to read, not an error
                return
            reader = pick_reader(head, display, self.config)
            if reader is None:
                yield report(Issue(display, "skipped", "unsupported format"))
                return
            reader_name = reader.name
            units = reader.read(source, stats)
            try:
                for unit in units:
                    if isinstance(unit, TextUnit):
                        emit(self.pipeline.analyze_text(unit.text, unit.location, unit.offset))
                    elif isinstance(unit, TableUnit):
                        for batch in self.pipeline.analyze_table(unit):
                            emit(batch)
                    elif isinstance(unit, MemberUnit):
                        stop = yield from self._member(unit, source, reader_name, level, produced)
                        if stop is not None:
                            break
            finally:
                units.close()  # a container's reader closes its files and threads
        except ReadError as exc:
            yield report(Issue(display, "error", exc.reason, reader_name, exc.position))
            return
        except PermissionError:
            yield report(Issue(display, "error", "permission denied", reader_name))
            return
        except IsADirectoryError:
            yield report(Issue(display, "skipped", "is a folder", reader_name))
            return
        except OSError as exc:
            yield report(Issue(display, "error",
                               f"cannot read ({exc.strerror or type(exc).__name__})", reader_name))
            return
        except UnicodeError as exc:
            yield report(Issue(display, "error", f"cannot decode text ({type(exc).__name__})",
                               reader_name))
            return
        except RecursionError:
            yield report(Issue(display, "error", "structure nested too deeply", reader_name))
            return
        except MemoryError:
            yield report(Issue(display, "error", "out of memory while reading", reader_name))
            return
        except Exception as exc:  # noqa: BLE001 - a bad file must never stop the scan
            yield report(Issue(display, "error", f"internal error in reader ({type(exc).__name__})",
                               reader_name))
            return
        yield report(stop)

    def _member(self, unit: MemberUnit, container: Source, reader_name: str, level: int,
                produced: list[int]) -> Iterator[FileReport]:
        """Spool, check and scan one member; returns an :class:`Issue` that stops the container
        (``yield from`` value), or None to go on with the next member."""
        config = self.config
        display = f"{container.display}!{unit.name}"
        where = container.display
        if level >= config.max_depth:
            return Issue(where, "skipped", f"archive nesting deeper than max_depth "
                                           f"({config.max_depth}): members not opened", reader_name)
        if unit.problem is not None or unit.opener is None:
            yield FileReport(display, None, 0, issue=Issue(
                display, "error", unit.problem or "member cannot be read", reader_name))
            return None
        if self.exhausted:
            return Issue(where, "skipped", f"max_archive_bytes ({config.max_archive_bytes} bytes) "
                                           f"reached: the rest not scanned", reader_name)
        self.members += 1
        if config.max_archive_members and self.members > config.max_archive_members:
            return Issue(where, "skipped", f"more than max_archive_members "
                                           f"({config.max_archive_members}) members: the rest "
                                           f"not scanned", reader_name)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES, dir=self.tmpdir())
        try:
            forced = None
            try:
                size = self._copy(unit, spool, container, produced)
            except _Limit as hit:
                if hit.container or unit.solid:
                    return Issue(where, "skipped", f"{hit.reason}; the rest not scanned",
                                 reader_name)
                yield FileReport(display, None, spool.tell(),
                                 issue=Issue(display, "skipped", hit.reason, reader_name))
                return None
            except ReadError as exc:  # the member's data failed: scan what came out
                forced = Issue(display, "error", exc.reason, reader_name, exc.position)
                size = spool.tell()
            except Exception as exc:  # noqa: BLE001 - never stop the scan for one member
                forced = Issue(display, "error", f"cannot extract member ({type(exc).__name__})",
                               reader_name)
                size = spool.tell()
            if forced is not None and size == 0:
                yield FileReport(display, None, 0, issue=forced)
                return None
            child = Source(display, size,
                           lambda: io.BufferedReader(_SpoolView(spool, size), COPY_BYTES))
            yield from self.scan(child, level + 1, forced)
        finally:
            spool.close()
        return None

    def _copy(self, unit: MemberUnit, spool, container: Source, produced: list[int]) -> int:
        """Copy the member into ``spool`` counting bytes; raises :class:`_Limit`.

        Ratio: bytes produced by the member over its own compressed size when the format gives
        it (ZIP; capped at the archive's size, so an overlapping-member bomb is caught too);
        else bytes produced by all the container's members so far over the container's size
        (one compressed stream: TAR, 7z, gzip), a lower bound of the final ratio.
        """
        config = self.config
        ratio = config.max_archive_ratio
        name = unit.name
        size = 0
        with unit.opener() as stream:
            while True:
                chunk = stream.read(COPY_BYTES)
                if not chunk:
                    return size
                n = len(chunk)
                size += n
                produced[0] += n
                self.total += n
                if config.max_member_bytes and size > config.max_member_bytes:
                    raise _Limit(f"member {name} larger than max_member_bytes "
                                 f"({config.max_member_bytes} bytes)")
                if config.max_archive_bytes and self.total > config.max_archive_bytes:
                    self.exhausted = True
                    raise _Limit(f"archive expands beyond max_archive_bytes "
                                 f"({config.max_archive_bytes} bytes) at member {name}", True)
                if ratio and unit.packed is not None and size > RATIO_MIN_BYTES \
                        and size > ratio * max(unit.packed, 1):
                    raise _Limit(f"zip bomb suspected: member {name} expands "
                                 f"{size // max(unit.packed, 1)}:1 or more, limit {ratio}:1")
                if ratio and unit.packed is None and produced[0] > RATIO_MIN_BYTES \
                        and produced[0] > ratio * max(container.size, 1):
                    raise _Limit(f"zip bomb suspected: archive expands "
                                 f"{produced[0] // max(container.size, 1)}:1 or more at member "
                                 f"{name}, limit {ratio}:1", True)
                spool.write(chunk)


def iter_file(display: str, path: Path, pipeline: Pipeline, config: Config,
              sink: Callable[[list[Finding]], None],
              on_bytes: Callable[[int], None] | None = None) -> Iterator[FileReport]:
    """Scan one file on disk; findings go to ``sink``; never raises for bad input.

    Yields one :class:`FileReport` for the file, preceded, for a container, by one per member
    (``a.zip!b/c.csv``), nested members included. Temporary files are removed before it ends,
    also when it is interrupted or closed early.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield FileReport(display, None, 0,
                         issue=Issue(display, "error", f"cannot access ({exc.strerror})"))
        return
    if config.max_file_bytes and size > config.max_file_bytes:
        yield FileReport(display, None, size, issue=Issue(
            display, "skipped", f"larger than max_file_bytes ({size} bytes)"))
        return
    tree = _Tree(pipeline, config, sink)
    try:
        yield from tree.scan(Source(display, size, _opener(path, on_bytes), path), 0)
    finally:
        tree.cleanup()


def scan_file(display: str, path: Path, pipeline: Pipeline, config: Config,
              sink: Callable[[list[Finding]], None],
              on_bytes: Callable[[int], None] | None = None) -> FileReport:
    """The file's own report from :func:`iter_file` (members' reports are dropped, their
    findings still go to ``sink``); use :func:`iter_file` to get every report."""
    last = None
    for last in iter_file(display, path, pipeline, config, sink, on_bytes):
        pass
    assert last is not None
    return last


def iter_scan(paths: Sequence[str | Path], config: Config | None = None, *,
              detectors: Sequence[Detector] | None = None,
              sink: Callable[[list[Finding]], None] | None = None,
              on_bytes: Callable[[int], None] | None = None) -> Iterator[FileReport]:
    """Scan ``paths`` file by file, yielding a :class:`FileReport` for each (and for each
    member of an archive, before the archive's own).

    ``sink`` receives lists of findings as they are made (dropped when None). ``on_bytes`` is
    called with byte counts as files are read (progress).
    """
    config = config or Config()
    pipeline = Pipeline(detectors if detectors is not None else build(config.entities, config), config)
    sink = sink or (lambda _batch: None)
    for item in walk(paths, config):
        if isinstance(item, Issue):
            yield FileReport(item.path, None, 0, issue=item)
            continue
        display, path = item
        yield from iter_file(display, path, pipeline, config, sink, on_bytes)


def scan(paths: str | Path | Iterable[str | Path], config: Config | None = None, *,
         entities: Sequence[str] | None = None, min_score: float | None = None) -> ScanResult:
    """Scan files and folders; return every finding and a report per file.

    ``entities`` and ``min_score`` override the same fields of ``config``. Raw values stay in
    the returned :class:`Finding` objects (memory only); write them out with
    :meth:`Finding.to_record`.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    config = _override(config or Config(), entities, min_score)
    result = ScanResult()
    for report in iter_scan(list(paths), config, sink=result.findings.extend):
        result.files.append(report)
    return result


def scan_text(text: str, *, entities: Sequence[str] | None = None,
              min_score: float | None = None, config: Config | None = None,
              language: str = "fr") -> list[Finding]:
    """Findings in one string, like Presidio's ``AnalyzerEngine.analyze(text, language,
    entities, score_threshold)``: each has ``entity_type``, ``start``, ``end``, ``score``.

    ``language`` is accepted for Presidio compatibility; detectors cover French and English
    context words together.
    """
    config = _override(config or Config(), entities, min_score)
    pipeline = Pipeline(build(config.entities, config), config)
    return pipeline.analyze_text(text, Location("<text>"))


def _override(config: Config, entities, min_score) -> Config:
    changes = {}
    if entities is not None:
        changes["entities"] = tuple(entities)
    if min_score is not None:
        changes["min_score"] = float(min_score)
    return config.with_(**changes) if changes else config
