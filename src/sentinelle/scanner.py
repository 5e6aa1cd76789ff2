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
"""

from __future__ import annotations

import fnmatch
import io
import os
import stat
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
from sentinelle.readers.base import Source, TableUnit, TextUnit

HEAD_BYTES = 64 * 1024


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


def scan_file(display: str, path: Path, pipeline: Pipeline, config: Config,
              sink: Callable[[list[Finding]], None],
              on_bytes: Callable[[int], None] | None = None) -> FileReport:
    """Scan one file; findings go to ``sink``; never raises for bad input."""
    counts: Counter[str] = Counter()
    stats: dict = {}
    reader_name: str | None = None
    try:
        size = path.stat().st_size
    except OSError as exc:
        return FileReport(display, None, 0, issue=Issue(display, "error", f"cannot access ({exc.strerror})"))

    def emit(batch: list[Finding]) -> None:
        if batch:
            for f in batch:
                counts[f.entity_type] += 1
            sink(batch)

    def report(issue: Issue | None = None) -> FileReport:
        return FileReport(display, reader_name, size, int(stats.get("rows", 0)),
                          int(stats.get("columns", 0)), int(stats.get("chars", 0)),
                          stats.get("encoding"), tuple(sorted(counts.items())), issue)

    if config.max_file_bytes and size > config.max_file_bytes:
        return report(Issue(display, "skipped", f"larger than max_file_bytes ({size} bytes)"))
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head:
            return report()  # empty file: nothing to read, not an error
        reader = pick_reader(head, display, config)
        if reader is None:
            return report(Issue(display, "skipped", "unsupported format"))
        reader_name = reader.name
        source = Source(display, size, _opener(path, on_bytes), path)
        for unit in reader.read(source, stats):
            if isinstance(unit, TextUnit):
                emit(pipeline.analyze_text(unit.text, unit.location, unit.offset))
            elif isinstance(unit, TableUnit):
                for batch in pipeline.analyze_table(unit):
                    emit(batch)
    except ReadError as exc:
        return report(Issue(display, "error", exc.reason, reader_name, exc.position))
    except PermissionError:
        return report(Issue(display, "error", "permission denied", reader_name))
    except IsADirectoryError:
        return report(Issue(display, "skipped", "is a folder", reader_name))
    except OSError as exc:
        return report(Issue(display, "error", f"cannot read ({exc.strerror or type(exc).__name__})", reader_name))
    except UnicodeError as exc:
        return report(Issue(display, "error", f"cannot decode text ({type(exc).__name__})", reader_name))
    except RecursionError:
        return report(Issue(display, "error", "structure nested too deeply", reader_name))
    except MemoryError:
        return report(Issue(display, "error", "out of memory while reading", reader_name))
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the scan
        return report(Issue(display, "error", f"internal error in reader ({type(exc).__name__})", reader_name))
    return report()


def iter_scan(paths: Sequence[str | Path], config: Config | None = None, *,
              detectors: Sequence[Detector] | None = None,
              sink: Callable[[list[Finding]], None] | None = None,
              on_bytes: Callable[[int], None] | None = None) -> Iterator[FileReport]:
    """Scan ``paths`` file by file, yielding a :class:`FileReport` for each.

    ``sink`` receives lists of findings as they are made (dropped when None). ``on_bytes`` is
    called with byte counts as files are read (progress).
    """
    config = config or Config()
    pipeline = Pipeline(detectors if detectors is not None else build(config.entities), config)
    sink = sink or (lambda _batch: None)
    for item in walk(paths, config):
        if isinstance(item, Issue):
            yield FileReport(item.path, None, 0, issue=item)
            continue
        display, path = item
        yield scan_file(display, path, pipeline, config, sink, on_bytes)


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
    pipeline = Pipeline(build(config.entities), config)
    return pipeline.analyze_text(text, Location("<text>"))


def _override(config: Config, entities, min_score) -> Config:
    changes = {}
    if entities is not None:
        changes["entities"] = tuple(entities)
    if min_score is not None:
        changes["min_score"] = float(min_score)
    return config.with_(**changes) if changes else config
