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

Session 12: personal data in file and folder names (a lab export named after its patient) is
reported when the caller asks (``sentinelle scan`` and :func:`scan` do; :func:`iter_items`'s
``names``, :class:`FileNames`): findings at ``column="(file name)"`` with offsets in the
display path, each folder once, before the file's content findings, the same whatever ``jobs``;
and, unless ``--raw-paths``, the CLI shows every path with those findings masked, length kept
(``FileNames.mask``: the file is scanned under that path, so its findings, reports and issues
carry it).
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import gc
import io
import itertools
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections import Counter, deque
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
from sentinelle.readers.archive import printable_path
from sentinelle.readers.base import MemberUnit, Source, TableBatch, TableUnit, TextUnit
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


def _count_into(counts: Counter, batch) -> None:
    """Add the findings of ``batch`` (a list of findings or a ``FindingBatch``) to ``counts``
    by entity type."""
    by_entity = getattr(batch, "entity_counts", None)
    if by_entity is not None:
        counts.update(by_entity())
        return
    for f in batch:
        counts[f.entity_type] += 1


def _text_findings(pipeline, text: str, location: Location, offset: int):
    """The findings of a text unit: :meth:`Pipeline.analyze_text_batch` (a
    :class:`~sentinelle.finding.FindingBatch`, no :class:`Finding` objects: the encoder and
    the store read columns) for a :class:`Pipeline` whose ``analyze_text`` is its own, else
    ``pipeline.analyze_text`` (a wrapper or subclass: assess's ``TappedPipeline``, redact's
    ``ScopedPipeline``). Same findings, same order."""
    if isinstance(pipeline, Pipeline) and not pipeline._tapped:
        return pipeline.analyze_text_batch(text, location, offset)
    return pipeline.analyze_text(text, location, offset)


def _issue_of(exc: Exception, display: str, reader_name: str | None) -> Issue:
    """The one-line issue recorded for a source whose reading raised ``exc`` (no data value)."""
    if isinstance(exc, ReadError):
        return Issue(display, "error", exc.reason, reader_name, exc.position)
    if isinstance(exc, PermissionError):
        return Issue(display, "error", "permission denied", reader_name)
    if isinstance(exc, IsADirectoryError):
        return Issue(display, "skipped", "is a folder", reader_name)
    if isinstance(exc, OSError):
        return Issue(display, "error", f"cannot read ({exc.strerror or type(exc).__name__})",
                     reader_name)
    if isinstance(exc, UnicodeError):
        return Issue(display, "error", f"cannot decode text ({type(exc).__name__})", reader_name)
    if isinstance(exc, RecursionError):
        return Issue(display, "error", "structure nested too deeply", reader_name)
    if isinstance(exc, MemoryError):
        return Issue(display, "error", "out of memory while reading", reader_name)
    return Issue(display, "error", f"internal error in reader ({type(exc).__name__})", reader_name)


# -- personal data in file and folder names (session 12) ------------------------------------------

class FileNames:
    """Finds personal data in the names of the scanned files and folders (session 12: a lab
    export named ``CR_DUPONTEL_Mireille_2951099126111.txt`` or a folder ``patients/MARTIN
    Jean/`` names its patient whatever its content). Turned on by ``sentinelle scan`` and
    :func:`scan` (``names`` of :func:`iter_items`); off for the other callers (assess masks
    paths itself: :class:`~sentinelle.assess.paths.PathMasker`; redact renames:
    :mod:`sentinelle.redact.names`).

    Detection is redaction's and assessment's (:func:`sentinelle.redact.names.part_findings`
    under a :class:`~sentinelle.redact.scope.ScopedPipeline` of the run's detectors and
    config): each part of the display path (a folder name, the file name without its
    extension) is analysed as a short text, ``_ - .`` read as spaces; a PERSON finding takes
    in a word of capitals beside it; the run's ``entities`` and ``min_score`` choose the
    findings reported, except that a keyless NIR (13 characters of the NIR shape, no key) is
    kept from :data:`~sentinelle.detectors.base.INVALID_SCORE` (0.3) as redaction does in
    names. The *mask* of a path does not follow those filters (session 13: with ``--entities
    PHONE_NUMBER`` the summary printed ``CR_DUPONTEL_Mireille_2850775123456_78.txt`` raw): it is
    made from the findings of every detector at the default ``min_score`` or below
    (:func:`names_config`), as redaction renames output files.

    :meth:`findings` gives the findings of one display path: ``Location(path,
    column=FILE_NAME)`` (:data:`sentinelle.redact.names.FILE_NAME`, ``"(file name)"``),
    ``row`` None, ``start``/``end`` offsets in the display path string. Each folder is
    analysed once per ``seen`` set (the first file under it, in walk order, carries its
    findings). Picklable for workers that do not start with ``fork``: only ``config`` and
    ``mask`` go through the pipe; the worker binds its own pipeline's detectors (:meth:`bind`).

    ``mask`` (``sentinelle scan`` without ``--raw-paths``): the path the scan shows of each
    file (its findings' ``Location.path``, its :class:`FileReport` and issues, hence the
    findings file, SARIF, the store and the summaries) has the span of each finding of its
    names masked, length kept (:func:`mask_span`): ``fn/CR_DUPONTEL_Mireille_2951099126111.txt``
    is shown ``fn/CR_D*******_******le_2**********11.txt``, so the offsets of the name
    findings hold in it. The file is still opened by its real path."""

    def __init__(self, config: Config, detectors: Sequence[Detector] | None = None, *,
                 mask: bool = False) -> None:
        self.config = config
        self.mask = mask
        self._detectors = detectors
        self._pipeline = None
        self._names_config = names_config(config) if mask else config

    def __getstate__(self) -> dict:
        return {"config": self.config, "mask": self.mask}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["config"], mask=state["mask"])

    def bind(self, detectors: Sequence[Detector]) -> "FileNames":
        """Use ``detectors`` when none were given (a worker: its pipeline's); the modules the
        name analysis needs are imported now, before a worker's task (an import cut by the
        worker's SIGTERM handler prints a traceback)."""
        if self._detectors is None:
            self._detectors = detectors
        import sentinelle.redact.names  # noqa: F401
        import sentinelle.redact.scope  # noqa: F401
        return self

    def _scoped(self):
        """The pipeline names are analysed with: the run's detectors under its config, or,
        when the path is masked and the run filters (:func:`names_config`), every detector."""
        if self._pipeline is None:
            from sentinelle.redact.scope import ScopedPipeline

            if self._names_config is self.config:
                self._pipeline = ScopedPipeline(self._detectors, self.config)
            else:
                every = build(None, self._names_config)
                self._pipeline = ScopedPipeline(every, self._names_config)
        return self._pipeline

    def _reported(self, f: Finding) -> bool:
        """Whether a finding of the names passes the run's own filters (``entities``,
        ``min_score``); always true when names are analysed under the run's config."""
        if self._names_config is self.config:
            return True
        from sentinelle.detectors.base import INVALID_SCORE
        from sentinelle.redact.scope import in_scope, keyless_nir

        entities = self.config.entities
        if entities is not None and f.entity_type not in entities:
            return False
        return in_scope(f, self.config.min_score) \
            or (keyless_nir(f) and f.score >= INVALID_SCORE)

    def findings(self, display: str, start: int, seen: dict[str, str]) -> list[Finding]:
        """Findings of the parts of ``display[start:]`` (``start``: where a member's own name
        begins, after its container's ``!``; 0 for a file on disk): its folders not in
        ``seen`` (added to it; the key is the display path up to the folder) and its last part
        as a file name. Parts ``""``, ``.`` and ``..`` are skipped."""
        return self.shown(display, start, seen)[1]

    def shown(self, display: str, start: int,
              seen: dict[str, str]) -> tuple[str, list[Finding]]:
        """``(path shown, findings)`` of :meth:`findings`: the path shown is ``display`` with
        the findings of its parts after ``start`` masked (:func:`mask_span`; the folders
        met before, from ``seen``: folder key -> masked name) when :attr:`mask` is set, else
        ``display``; the findings are located at the path shown (same length, same offsets)."""
        from dataclasses import replace

        from sentinelle.redact.names import part_findings

        parts = display[start:].split("/")
        last = len(parts) - 1
        out: list[Finding] = []
        pieces = [display[:start]]
        at = start
        for i, part in enumerate(parts):
            end = at + len(part)
            shown = part
            if part not in ("", ".", ".."):
                is_file = i == last
                key = display[:end]
                if not is_file and key in seen:
                    shown = seen[key]
                else:
                    found = part_findings(self._scoped(), part, display, is_file)
                    if self.mask and found:
                        shown = _masked_part(part, found)
                    if not is_file:
                        seen[key] = shown
                    out.extend(replace(f, start=f.start + at, end=f.end + at)
                               for f in found if self._reported(f))
            pieces.append(shown)
            at = end + 1
        if not self.mask:
            return display, out
        path = pieces[0] + "/".join(pieces[1:])
        if path != display:
            loc = Location(path, column=out[0].location.column) if out else None
            out = [replace(f, location=loc) for f in out]
        return path, out

    def masked(self, path: str, seen: dict[str, str]) -> str:
        """``path`` (a walk issue's: a folder, or a file that could not be walked) as shown,
        its last part read as a file name; no finding is reported, ``seen`` is not changed."""
        if not self.mask:
            return path
        return self.shown(path, 0, dict(seen))[0]


def names_config(config: Config) -> Config:
    """The configuration file and folder names are masked with: ``config`` without its
    ``entities`` filter and with ``min_score`` at most the default one (``config`` itself when
    it filters nothing).

    Why (session 13 fault list): ``entities`` and ``min_score`` choose what a scan reports and
    what a redaction replaces in the *content*, but a path is printed in every summary,
    report, findings file and message about the file, where the project never prints a raw
    identifier. A name part masked for nothing costs a file name only."""
    default = Config().min_score
    if config.entities is None and config.min_score <= default:
        return config
    return config.with_(entities=None, min_score=min(config.min_score, default))


def mask_span(text: str, entity: str) -> str:
    """``text`` (a span of a name) masked as a finding's value is
    (:func:`sentinelle.privacy.mask`), length kept: a mask of another length (``*****`` for
    data concerning health) becomes one ``*`` per character."""
    from sentinelle.privacy import mask

    got = mask(text, entity)
    return got if len(got) == len(text) else "*" * len(text)


def _masked_part(part: str, found: Sequence[Finding]) -> str:
    """``part`` with the span of each finding (offsets in ``part``) masked (overlaps: the
    first), as :func:`sentinelle.assess.paths._masked` does, length kept."""
    out, at = [], 0
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if f.start < at or not 0 <= f.start < f.end <= len(part):
            continue
        out.append(part[at:f.start])
        out.append(mask_span(part[f.start:f.end], f.entity_type))
        at = f.end
    out.append(part[at:])
    return "".join(out)


def _named_counts(found: Sequence[Finding]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(f.entity_type for f in found).items()))


def _with_counts(rep: FileReport, found: Sequence[Finding]) -> FileReport:
    """``rep`` with the findings of its name (``found``) added to its counts."""
    if not found:
        return rep
    from dataclasses import replace

    counts = Counter(dict(rep.counts))
    counts.update(f.entity_type for f in found)
    return replace(rep, counts=tuple(sorted(counts.items())))


class _Named:
    """The name findings of the files on disk of one :func:`iter_items` run (main process):
    :meth:`take` analyses a file's display path before its content is scanned (its folders
    once: :attr:`seen`), :meth:`patch` adds them to the file's own report. Each walked file
    gives exactly one report with its display path (members' paths hold a ``!``), in walk
    order, so a queue in walk order pairs them."""

    def __init__(self, names: FileNames) -> None:
        self.names = names
        self.seen: dict[str, str] = {}
        self.queue: deque = deque()

    def take(self, display: str) -> tuple[str, list[Finding]]:
        """``(path shown, findings)`` of a walked file (:meth:`FileNames.shown`)."""
        shown, found = self.names.shown(display, 0, self.seen)
        self.queue.append((shown, found))
        return shown, found

    def issue(self, issue: Issue) -> Issue:
        """A walk issue with its path as shown (:meth:`FileNames.masked`)."""
        path = self.names.masked(issue.path, self.seen)
        if path == issue.path:
            return issue
        from dataclasses import replace

        return replace(issue, path=path)

    def patch(self, rep: FileReport) -> FileReport:
        if self.queue and rep.path == self.queue[0][0]:
            _, found = self.queue.popleft()
            return _with_counts(rep, found)
        return rep


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
        rel = printable_path(path.relative_to(root).as_posix())
        return f"{root_arg.rstrip('/')}/{rel}" if multi else rel
    return root_arg if multi else printable_path(path.name)


#: real paths of this run's own output files (``--findings``, ``--db``...): never read back by
#: :func:`walk` (set by the CLI with :func:`skipping`), as ripgrep/gitleaks skip their outputs
_SKIP: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("skip", default=frozenset())


@contextlib.contextmanager
def skipping(paths: Iterable[str | Path]) -> Iterator[None]:
    """Within the block, :func:`walk` yields none of ``paths`` (compared by real path)."""
    token = _SKIP.set(_SKIP.get() | {os.path.realpath(p) for p in paths})
    try:
        yield
    finally:
        _SKIP.reset(token)


#: signals that stop a scan or an assessment as SIGINT (Ctrl-C) does: ``kill``'s default and a closed
#: terminal or SSH session
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when a :data:`STOP_SIGNALS` signal arrives during a
    scan or an assessment; ``signum`` is the signal's number. A :class:`KeyboardInterrupt`, so callers
    (the CLI) handle it as a Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def stop_signals_interrupt():
    """While the block runs, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread,
    as SIGINT raises KeyboardInterrupt: the ``finally`` blocks run, so the working database's
    temporary folder (``sentinelle-assess-*``), the scanner's spools and its worker processes
    are removed (POSIX's default action for both signals ends the process at once and leaves
    them behind). Only a signal whose handler is the default (``SIG_DFL``) is taken over, and
    only in the main thread (where Python runs signal handlers); the handlers are restored at
    the end. Source: Python ``signal`` module documentation (handlers run in the main thread,
    between bytecodes), signal(7) (default actions)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise Interrupted(signum)

    previous = {}
    try:
        for sig in STOP_SIGNALS:
            if signal.getsignal(sig) is signal.SIG_DFL:  # keep an application's own handler
                previous[sig] = signal.signal(sig, stop)
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def walk(paths: Sequence[str | Path], config: Config,
         skipped: Counter | None = None) -> Iterator[tuple[str, Path] | Issue]:
    """Yield ``(display_path, fs_path)`` for each regular file under ``paths``, or an
    :class:`Issue` for a path that cannot be walked (missing, unreadable folder, loop). The
    output files of the run (:func:`skipping`) are left out.

    ``skipped``, when given, counts the entries of the folders walked that are left out
    without an issue: ``"hidden"`` (a name starting with a dot, without ``--hidden``),
    ``"excluded"`` (``--exclude``), ``"symlink"`` (without ``--follow-symlinks``) and
    ``"special"`` (a FIFO, socket or device: not a regular file); so the command line can say
    so (session 12, new-user trial: a hidden folder of NIRs was skipped without a word)."""
    count = skipped if skipped is not None else Counter()
    skip = _SKIP.get()
    skip_names = {os.path.basename(p) for p in skip}
    multi = len(paths) > 1
    for arg in paths:
        root = Path(arg)
        arg_s = printable_path(str(arg))
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
                    count["hidden"] += 1
                    continue
                if any(fnmatch.fnmatch(e.name, pat) for pat in config.exclude):
                    count["excluded"] += 1
                    continue
                p = Path(e.path)
                try:
                    if e.is_symlink() and not config.follow_symlinks:
                        count["symlink"] += 1
                        continue
                    if e.is_dir(follow_symlinks=config.follow_symlinks):
                        subdirs.append(p)
                    elif e.is_file(follow_symlinks=config.follow_symlinks):
                        if e.name in skip_names and os.path.realpath(p) in skip:
                            continue  # an output of this run
                        yield _display(root, p, multi, arg_s), p
                    else:
                        count["special"] += 1
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

    def __init__(self, pipeline: Pipeline, config: Config, sink: Callable[[list[Finding]], None],
                 names: FileNames | None = None):
        self.pipeline = pipeline
        self.config = config
        self.sink = sink
        #: members' names analysed (:class:`FileNames`), their folders once per tree
        self.names = names
        self.seen: dict[str, str] = {}
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

    def scan(self, source: Source, level: int, forced: Issue | None = None,
             named: Sequence[Finding] = ()) -> Iterator[FileReport]:
        """Reports of ``source``'s members (if a container), then of ``source`` itself, whose
        issue is ``forced`` when given (a member cut short). ``named``: the findings of its
        name (a member's), handed to the sink first and counted in its report."""
        display = source.display
        counts: Counter[str] = Counter(f.entity_type for f in named)
        if named:
            self.sink(list(named))
        stats: dict = {}
        reader_name: str | None = None
        produced = [0]  # bytes produced by this container's members (ratio limit)

        def emit(batch: list[Finding]) -> None:
            if batch:
                _count_into(counts, batch)
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
                        emit(_text_findings(self.pipeline, unit.text, unit.location,
                                            unit.offset))
                    elif isinstance(unit, TableUnit):
                        for batch in self.pipeline.analyze_table(unit):
                            emit(batch)
                    elif isinstance(unit, MemberUnit):
                        stop = yield from self._member(unit, source, reader_name, level, produced)
                        if stop is not None:
                            break
            finally:
                units.close()  # a container's reader closes its files and threads
        except Exception as exc:  # noqa: BLE001 - a bad file must never stop the scan
            yield report(_issue_of(exc, display, reader_name))
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

        found: list[Finding] = []
        if self.names is not None:  # the member's name: findings, path shown
            display, found = self.names.shown(display, len(container.display) + 1, self.seen)
        name = display[len(container.display) + 1:]  # in issues: as shown

        def named() -> list[Finding]:  # the member's name findings, when it gets a report
            if found:
                self.sink(found)
            return found

        if unit.problem is not None or unit.opener is None:
            yield FileReport(display, None, 0, counts=_named_counts(named()), issue=Issue(
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
                size = self._copy(unit, spool, container, produced, name)
            except _Limit as hit:
                if hit.container or unit.solid:
                    return Issue(where, "skipped", f"{hit.reason}; the rest not scanned",
                                 reader_name)
                yield FileReport(display, None, spool.tell(), counts=_named_counts(named()),
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
                yield FileReport(display, None, 0, counts=_named_counts(named()), issue=forced)
                return None
            child = Source(display, size,
                           lambda: io.BufferedReader(_SpoolView(spool, size), COPY_BYTES))
            yield from self.scan(child, level + 1, forced, found)
        finally:
            spool.close()
        return None

    def _copy(self, unit: MemberUnit, spool, container: Source, produced: list[int],
              name: str | None = None) -> int:
        """Copy the member into ``spool`` counting bytes; raises :class:`_Limit`.

        Ratio: bytes produced by the member over its own compressed size when the format gives
        it (ZIP; capped at the archive's size, so an overlapping-member bomb is caught too);
        else bytes produced by all the container's members so far over the container's size
        (one compressed stream: TAR, 7z, gzip), a lower bound of the final ratio.
        """
        config = self.config
        ratio = config.max_archive_ratio
        name = unit.name if name is None else name  # as shown (FileNames.mask)
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
              on_bytes: Callable[[int], None] | None = None,
              names: FileNames | None = None) -> Iterator[FileReport]:
    """Scan one file on disk; findings go to ``sink``; never raises for bad input.

    Yields one :class:`FileReport` for the file, preceded, for a container, by one per member
    (``a.zip!b/c.csv``), nested members included. Temporary files are removed before it ends,
    also when it is interrupted or closed early. ``names``: the members' names are analysed
    too (:class:`FileNames`; the file's own name is the caller's: :func:`iter_items`).
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
    tree = _Tree(pipeline, config, sink, names)
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


# -- output records, made where the findings are made ---------------------------------------------

class EncodedBatch:
    """One batch of findings as it leaves the process that made it: ``records``, the
    findings-file records (a ``pyarrow.Table`` of :data:`~sentinelle.finding.RECORD_FIELDS`:
    masked values and keyed hashes, no raw value; None when not asked for), ``jsonl``, their
    JSON Lines as UTF-8 bytes (b"" when not asked for; written as is, never decoded), and
    ``count``, the number of findings."""

    __slots__ = ("records", "jsonl", "count")

    def __init__(self, records, jsonl: bytes, count: int) -> None:
        self.records = records
        self.jsonl = jsonl
        self.count = count

    def __bool__(self) -> bool:
        return self.count > 0

    def __repr__(self) -> str:
        return f"EncodedBatch({self.count} findings)"


class RecordEncoder:
    """``prepare`` of :func:`iter_items` for the command line: a batch of findings (list or
    :class:`~sentinelle.finding.FindingBatch`) to an :class:`EncodedBatch`, with
    :meth:`FindingBatch.records <sentinelle.finding.FindingBatch.records>` (keyed hashes with
    ``key``) and :func:`~sentinelle.finding.records_jsonl_bytes`; the same bytes as doing it in the
    main process, batch by batch.

    ``jsonl``: make the JSON Lines text; ``records``: keep the records table (for the store or
    SARIF). Raises :class:`~sentinelle.errors.KeyFileError` for an empty key. Picklable for
    workers that do not start with ``fork``: the key goes through the worker's pipe (memory,
    never disk) and the hasher is made again on the other side.
    """

    __slots__ = ("_key", "jsonl", "records", "_hasher")

    def __init__(self, key: bytes, *, jsonl: bool = True, records: bool = True) -> None:
        from sentinelle.privacy import KeyedHasher

        # raises KeyFileError for an empty key. No memo across batches (session 12): each
        # batch hashes its distinct messages once (KeyedHasher.hash_array), and remembering
        # them cost more than the third of the structured bench's hashes it saved
        self._hasher = KeyedHasher(key)
        self._key = key
        self.jsonl = jsonl
        self.records = records

    def __repr__(self) -> str:  # never show the key
        return f"RecordEncoder(jsonl={self.jsonl}, records={self.records})"

    def __getstate__(self) -> dict:
        return {"key": self._key, "jsonl": self.jsonl, "records": self.records}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["key"], jsonl=state["jsonl"], records=state["records"])

    def __call__(self, batch) -> EncodedBatch:
        from sentinelle.finding import FindingBatch, records_jsonl_bytes

        if not self.jsonl and not self.records:  # only counted (no findings file, no store)
            return EncodedBatch(None, b"", len(batch))
        if not isinstance(batch, FindingBatch):
            batch = FindingBatch.from_findings(batch)
        if not batch:
            return EncodedBatch(None, b"", 0)
        paused = gc.isenabled()
        gc.disable()  # no reference cycle made here (see Pipeline.analyze_table)
        try:
            records = batch.records(self._hasher)
            out = EncodedBatch(records if self.records else None,
                               records_jsonl_bytes(records) if self.jsonl else b"", len(batch))
        finally:
            if paused:
                gc.enable()
        return out


# -- several processes (issue 6, "Parallelism") ---------------------------------------------------

#: readers whose units the main process may read and hand to the workers piece by piece
SPLIT_READERS = ("text", "csv", "json")
#: with several jobs, a plain-text file larger than this is split too (the text path is the
#: slow one: one long text would keep one worker busy while the others wait); its pieces are of
#: about ``TEXT_PIECE_CHARS`` characters (no table to classify again per piece, unlike a table)
SPLIT_TEXT_BYTES = 2 << 20
TEXT_PIECE_CHARS = 1 << 20
#: with several jobs, a delimited file (CSV, TSV) larger than this (or than ``chunk_bytes`` when
#: smaller) is cut into byte ranges on record boundaries that the workers read themselves
#: (issue 6: "large files split into chunks on record boundaries"), each range of about half
#: that size and a whole number of ``batch_rows`` batches: the main process only finds the
#: boundaries (no cells, no pickled batches), a worker holds one batch at a time
RANGE_SPLIT_BYTES = 16 << 20
#: tasks (files or pieces) sent to the workers and not yet consumed, per worker
WINDOW_PER_JOB = 2


def default_jobs() -> int:
    """Worker processes by default: every core (``os.cpu_count()``)."""
    return os.cpu_count() or 1


def useful_jobs(items: Sequence[tuple[str, Path] | Issue], config: Config, jobs: int) -> int:
    """``jobs`` capped to what the walked ``items`` can use: at most one worker per file,
    unless a file may be split (over ``Config.chunk_bytes``, or :data:`SPLIT_TEXT_BYTES` for
    plain text); so a single small file is scanned in this process, without starting a worker
    (its start-up and the pipe)."""
    if jobs <= 1:
        return 1
    files = 0
    for item in items:
        if isinstance(item, Issue):
            continue
        files += 1
        if config.chunk_bytes:
            try:
                if item[1].stat().st_size > min(config.chunk_bytes, SPLIT_TEXT_BYTES):
                    return jobs
            except OSError:
                pass
        if files >= jobs:
            return jobs
    return max(1, files)


def _start_method() -> str:
    """How a worker process starts: ``fork`` on Linux while this process has not imported
    Polars (the worker shares the parent's built detectors and compiled database: no start-up
    cost); else ``forkserver`` (Linux, macOS) or ``spawn`` (Windows): a clean process that
    gets the pipeline pickled, with its hyperscan database serialised (about a second).
    Polars is not fork-safe: a child forked after the parent used its thread pool deadlocks
    on its first Polars call (the CLI forks its workers before its first results arrive; a
    program calling :func:`scan` twice would not)."""
    if sys.platform.startswith("linux") and "polars" not in sys.modules:
        return "fork"
    return "spawn" if sys.platform.startswith("win") else "forkserver"


def iter_items(items: Iterable[tuple[str, Path] | Issue], pipeline: Pipeline, config: Config,
               sink: Callable[[list[Finding]], None],
               on_bytes: Callable[[int], None] | None = None, *,
               jobs: int = 1, prepare: Callable | None = None,
               names: FileNames | None = None) -> Iterator[FileReport]:
    """Scan walked ``items`` (from :func:`walk`) and yield their :class:`FileReport`\\ s, in the
    walk's order, handing findings to ``sink`` in order; the same findings, batches and
    reports whatever ``jobs``.

    ``jobs=1``: everything in this process (:func:`iter_file` per file). ``jobs > 1``: up to
    ``jobs`` worker processes (started on demand, see :func:`_start_method`; SIGINT ignored:
    the main process stops them; they never touch the store) each scan a whole file (an
    archive and its members included) and send its findings and reports back through a pipe
    (pickled in memory, never written to disk). A worker that dies (killed, a crash in a
    native library) gives its file an ``error`` issue and is replaced. A
    plain-text, delimited or JSON file larger than ``Config.chunk_bytes`` is read here, by the
    main process, with its own reader; its text units and table batches go to the workers in
    pieces of about ``chunk_bytes // 8`` characters; a table's header and first batch go with
    every piece of that table, so its columns are classified from the file's first batch
    (``analyze_table`` is fed the first batch again and its findings for it are dropped: it
    yields one result per batch). Row numbers and text offsets stay those of the file, since
    the reader made them. A delimited file (CSV, TSV) over :data:`RANGE_SPLIT_BYTES` (or
    ``chunk_bytes`` when smaller) is instead cut into byte ranges on record boundaries
    (:func:`record_ranges`: whole batches, quoted line ends respected) that the workers read
    themselves, each with the file's header and first batch (read again from the file's start);
    row numbers are moved to the file's. A plain-text file over :data:`SPLIT_TEXT_BYTES` is split the same
    way, in pieces of about :data:`TEXT_PIECE_CHARS` characters (free text is the slow path:
    one long report would keep one worker busy while the others wait). Results are consumed in
    order: at most ``2 * jobs`` tasks are in flight, so memory holds the findings of that many
    files or pieces, never of the whole scan.

    ``prepare``: when given, each batch of findings is turned into ``prepare(batch)`` by the
    process that made it (a worker with ``jobs > 1``) and ``sink`` receives that instead; so the
    per-finding work of output (masks, keyed hashes, JSON Lines: :class:`RecordEncoder`) runs
    in the workers, and the main process only writes, in walk order. With ``jobs > 1`` it must
    be picklable when the workers do not start with ``fork`` (see :func:`_start_method`).

    ``on_bytes`` is called as files are read (with ``jobs > 1``: with a file's size when its
    results are consumed). On KeyboardInterrupt, or when the generator is closed early, the
    workers are stopped with SIGTERM (each removes its temporary files) and waited for.

    ``names`` (:class:`FileNames`; None: off, the default): personal data in the display
    path of each walked file is reported too, as findings at ``column="(file name)"``: the
    file's folders (each once, with the first file under it) and its name are analysed here,
    in the main process, in walk order, and handed to ``sink`` (through ``prepare``) before
    the file's content findings; an archive member's name, by whichever process scans the
    archive, before the member's content. They are counted in the report of the file whose
    path they are in. Same findings, same order whatever ``jobs``. With ``names.mask``, each
    file (and member) is scanned under its path as shown (:meth:`FileNames.shown`: the
    findings of its names masked, length kept), so its findings, reports and issues carry
    that path; the walk's issues too.
    """
    named = _Named(names) if names is not None else None
    if jobs <= 1:
        out = sink if prepare is None else (lambda batch: sink(prepare(batch)))
        for item in items:
            if isinstance(item, Issue):
                if named is not None:
                    item = named.issue(item)
                yield FileReport(item.path, None, 0, issue=item)
                continue
            if named is None:
                yield from iter_file(item[0], item[1], pipeline, config, out, on_bytes)
                continue
            shown, found = named.take(item[0])
            if found:
                out(found)
            for rep in iter_file(shown, item[1], pipeline, config, out, on_bytes, names):
                yield named.patch(rep)
        return
    parallel = _Parallel(pipeline, config, jobs, prepare, named)
    if named is None:
        yield from parallel.run(items, sink, on_bytes)
        return
    for rep in parallel.run(items, sink, on_bytes):
        yield named.patch(rep)


class _Group:
    """What the pieces of one split file add up to: counts by entity, a forced issue."""

    __slots__ = ("counts", "issue", "stats")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.issue: Issue | None = None
        self.stats: dict = {}


class _Slot:
    """One place in the output order: a task for a worker (``task``; ``events`` set when its
    result came back) or events ready at once; ``final`` builds a split file's report when
    consumed."""

    __slots__ = ("task", "events", "size", "display", "group", "final", "bin")

    def __init__(self, task=None, events=None, size: int = 0, display: str = "",
                 group: _Group | None = None, final=None) -> None:
        self.task = task
        self.events = events
        self.size = size
        self.display = display
        self.group = group
        self.final = final
        self.bin = 0  # the worker (index) it goes to: _Bins


def _run_task(task, pipeline: Pipeline, config: Config, prepare: Callable | None = None,
              names: FileNames | None = None) -> list:
    """A worker's job: ``("file", display, path)`` or ``("piece", works)``; returns the events
    ``("f", findings)`` (``("f", prepare(findings))`` when ``prepare`` is given),
    ``("r", FileReport)`` and, for a piece, ``("c", counts)``, in order."""
    events: list = []
    if prepare is None:
        def add(batch) -> None:
            events.append(("f", batch))
    else:
        def add(batch) -> None:
            events.append(("f", prepare(batch)))
    if task[0] == "file":
        for rep in iter_file(task[1], Path(task[2]), pipeline, config, add, names=names):
            events.append(("r", rep))
        return events
    counts: Counter[str] = Counter()

    def emit(batch) -> None:
        if batch:
            _count_into(counts, batch)
            add(batch)

    if task[0] == "range":
        try:
            events.append(("s", _run_range(task, pipeline, config, emit)))
        except Exception as exc:  # noqa: BLE001 - as in _Tree.scan: the scan goes on
            events.append(("i", _issue_of(exc, task[1], "csv")))
        events.append(("c", dict(counts)))
        return events
    for work in task[1]:
        if work[0] == "text":
            emit(_text_findings(pipeline, work[1], work[2], work[3]))
            continue
        _, location, header, hints, first, batches = work
        feed = batches if first is None else [first, *batches]
        results = pipeline.analyze_table(TableUnit(location, header, iter(feed), hints))
        if first is not None:
            next(results, None)  # the table's first batch, here to classify the columns only
        for batch in results:
            emit(batch)
    events.append(("c", dict(counts)))
    return events


def _worker_main(conn, pipeline: Pipeline, config: Config, prepare: Callable | None = None,
                 names: FileNames | None = None) -> None:
    """Body of a worker process: run tasks from ``conn`` until None; SIGTERM unwinds the task
    (its ``finally`` blocks remove temporary files) and ends the process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):  # a closed terminal hangs up the whole group: as for SIGINT,
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the main process stops the workers

    def stop(_signum, _frame):
        raise SystemExit(128 + signal.SIGTERM)

    # bound before the handler: binding imports modules, and a SystemExit raised inside an
    # import's callback is printed as "Exception ignored ... Traceback" (a SIGTERM here has
    # nothing to clean up: the default action ends the worker)
    if names is not None:  # pickled (not forked): members' names use this worker's detectors
        names.bind(pipeline.detectors)
    signal.signal(signal.SIGTERM, stop)
    _die_with_parent()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            reply = ("ok", _run_task(task, pipeline, config, prepare, names))
        except Exception as exc:  # noqa: BLE001 - reported to the main process, which raises
            reply = ("err", f"{type(exc).__name__} in a worker process")
        conn.send(reply)


def _die_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
    prctl(2)), so a main process killed with SIGKILL leaves no worker behind; elsewhere, or
    when libc cannot be loaded, nothing is done (the pipe's EOF still ends an idle worker)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG = 1 (linux/prctl.h)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        raise SystemExit(128 + signal.SIGTERM)


def _preload() -> None:
    """Import NumPy and pyarrow (not Polars: see :func:`_start_method`) before the first
    worker forks: every worker imports them for its findings (``FindingBatch``, masks, JSON
    Lines), about 0.4 CPU s each, and forked workers share the parent's imported modules
    (session 7: that import, paid once per worker, was part of why ``--jobs 2`` cost more CPU
    than ``--jobs 1``). Importing starts no pyarrow thread; OpenBLAS's threads (NumPy) are
    re-made in a forked child by its own ``pthread_atfork`` handlers."""
    import numpy  # noqa: F401
    import pyarrow  # noqa: F401
    import pyarrow.compute  # noqa: F401


class _Worker:
    __slots__ = ("process", "conn", "index")

    def __init__(self, process, conn, index: int = 0) -> None:
        self.process = process
        self.conn = conn
        self.index = index  # its bin (see _Bins); a replacement takes the dead one's


#: file-name marks of a copy, stripped to find the original's name: ``old_``/``copy_`` before,
#: ``_copy``, ``_bak``, ``_v2``, `` (1)``, `` - Copie`` after (what people and tools add)
_COPY_MARKS = re.compile(
    r"^(?:(?:old|copy|copie|bak|backup|save|sauvegarde|ancien)[_\- ])+"
    r"|(?:[_\- ]+(?:old|copy|copie|bak|backup|save|orig|v\d+|\d{1,3})|\s*\(\d+\)"
    r"|\s+-\s+cop(?:y|ie)(?:\s*\(\d+\))?)+$", re.IGNORECASE)


def copy_key(display: str) -> str:
    """What the copies of one file likely share: its folder's name and its name without the
    extension (a copy may be re-delimited: ``.csv`` -> ``.tsv``) and without copy marks
    (:data:`_COPY_MARKS`). ``archive_2022/lab_a/old_patients.csv`` and
    ``dump/lab_a/patients_copy (1).tsv`` give ``lab_a/patients``."""
    parts = display.replace("\\", "/").rsplit("/", 2)
    name = parts[-1].split("!")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
    stem = _COPY_MARKS.sub("", stem.lower()) or stem.lower()
    folder = parts[-2].lower() if len(parts) > 1 else ""
    return f"{folder}/{stem}"


class _Bins:
    """Which worker scans each file or piece (``--jobs`` > 1): the likely copies of a file
    (same :func:`copy_key`) go to the same worker, so its text-section and cell-value memos
    (``pipeline._SectionMemo``, ``_ValueMemo``: per process) serve the copy; the n-th piece
    of a split file goes to the n-th worker after its key's (pieces of copies keep their
    order). A key seen first goes to the worker with the fewest bytes so far (sizes in walk
    order: the same bins every run, whatever the timing). The findings and their order do not
    depend on it (results are consumed in walk order; the memos only save work)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.load = [0] * jobs
        self.base: dict[str, int] = {}

    def assign(self, slot: _Slot, key: str, piece: int = 0) -> None:
        base = self.base.get(key)
        if base is None:
            base = self.base[key] = min(range(self.jobs), key=self.load.__getitem__)
        slot.bin = (base + piece) % self.jobs
        self.load[slot.bin] += max(1, slot.size)


class _Parallel:
    """The worker pool of :func:`iter_items` (``jobs > 1``)."""

    def __init__(self, pipeline: Pipeline, config: Config, jobs: int,
                 prepare: Callable | None = None, named: _Named | None = None) -> None:
        import multiprocessing

        self.pipeline = pipeline
        self.config = config
        self.jobs = jobs
        self.prepare = prepare
        self.named = named  # names of the files on disk: analysed here, in _plan
        self.window = WINDOW_PER_JOB * jobs
        self.mp = multiprocessing
        self.workers: list[_Worker] = []
        prepare = getattr(getattr(pipeline, "prefilters", None), "prepare", None)
        if prepare is not None:
            prepare()  # compiled (or loaded) once, here, before the workers fork
        # the detectors' deferred set-ups too: done once here, shared by the forked workers
        from sentinelle.detectors import set_up
        set_up(getattr(pipeline, "detectors", ()))
        if named is not None:  # the names' pipeline too (members' names, in the workers)
            scoped = named.names._scoped()
            prepare = getattr(getattr(scoped.inner, "prefilters", None), "prepare", None)
            if prepare is not None:
                prepare()

    # -- workers ---------------------------------------------------------------------------
    def _pick(self, unsent: deque, idle: list) -> tuple[_Slot, _Worker] | None:
        """The next task and its worker: the first waiting task whose bin's worker is idle (or
        not started yet); else, so that no worker waits while tasks wait, the first task for
        any idle worker (its memos miss, the findings are the same); None when every worker
        is busy."""
        free = {w.index: w for w in idle}
        started = {w.index for w in self.workers}
        for i, slot in enumerate(unsent):
            b = slot.bin % self.jobs
            if b in free or b not in started:
                del unsent[i]
                if b in free:
                    idle.remove(free[b])
                    return slot, free[b]
                return slot, self._start(b)
        if idle:
            return unsent.popleft(), idle.pop()
        if len(self.workers) < self.jobs:
            return unsent.popleft(), self._start(min(set(range(self.jobs)) - started))
        return None

    def _start(self, index: int = 0) -> _Worker:
        method = _start_method()  # per worker: a replacement may start after Polars was used
        if method == "fork" and not self.workers:
            _preload()
        ctx = self.mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["sentinelle.scanner"])
        mine, theirs = ctx.Pipe()
        try:  # the child starts with SIGINT ignored (a Ctrl-C reaches the whole process group)
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: the worker ignores it from its first line
            previous = None
        try:
            process = ctx.Process(target=_worker_main,
                                  args=(theirs, self.pipeline, self.config, self.prepare,
                                        None if self.named is None else self.named.names),
                                  name="sentinelle-worker", daemon=True)
            process.start()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            theirs.close()
        worker = _Worker(process, mine, index)
        self.workers.append(worker)
        return worker

    def _stop(self, graceful: bool) -> None:
        for w in self.workers:
            if graceful:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            elif w.process.is_alive():
                w.process.terminate()  # SIGTERM: the worker's finally blocks clean up
        for w in self.workers:
            w.process.join(timeout=30)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.workers.clear()

    # -- plan ------------------------------------------------------------------------------
    def _plan(self, items: Iterable[tuple[str, Path] | Issue], on_bytes) -> Iterator[_Slot]:
        config = self.config
        bins = _Bins(self.jobs)
        for item in items:
            if isinstance(item, Issue):
                if self.named is not None:
                    item = self.named.issue(item)
                yield _Slot(events=[("r", FileReport(item.path, None, 0, issue=item))])
                continue
            display, path = item
            if self.named is not None:  # the file's path, before its content (walk order)
                display, found = self.named.take(display)
                if found:
                    yield _Slot(events=[("f", found if self.prepare is None
                                         else self.prepare(found))])
            try:
                size = path.stat().st_size
            except OSError:
                size = None
            readers = ()
            if size is not None and config.chunk_bytes \
                    and not (config.max_file_bytes and size > config.max_file_bytes):
                if size > config.chunk_bytes:
                    readers = SPLIT_READERS
                elif size > SPLIT_TEXT_BYTES:
                    readers = ("text",)
            key = copy_key(display)
            if size is not None and config.chunk_bytes \
                    and size > min(config.chunk_bytes, RANGE_SPLIT_BYTES) \
                    and not (config.max_file_bytes and size > config.max_file_bytes):
                ranged = self._ranges(display, path, size)
                if ranged is not None:
                    for piece, slot in enumerate(ranged[:-1]):
                        bins.assign(slot, key, piece)
                        yield slot
                    yield ranged[-1]
                    continue
            if readers:
                piece = 0
                for slot in self._split(display, path, size, on_bytes, readers):
                    if slot.task is not None:
                        bins.assign(slot, key, piece)
                        piece += 1
                    yield slot
            else:
                slot = _Slot(task=("file", display, str(path)), size=size or 0, display=display)
                bins.assign(slot, key)
                yield slot

    def _ranges(self, display: str, path: Path, size: int) -> list[_Slot] | None:
        """Slots for a big delimited file cut into byte ranges (:data:`RANGE_SPLIT_BYTES`), then
        its report; None when the file is not one the ranges read the same as the whole file
        (see :func:`record_ranges`): it is then planned as before."""
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
            reader = pick_reader(head, display, self.config) if head else None
        except Exception:  # noqa: BLE001 - the worker will report it, as for any file
            return None
        if reader is None or reader.name != "csv":
            return None
        batch_rows = getattr(reader, "batch_rows", self.config.batch_rows)
        target = max(1, min(self.config.chunk_bytes, RANGE_SPLIT_BYTES) // 2)
        try:
            found = record_ranges(path, head, display, batch_rows, target)
        except OSError:
            return None
        if found is None or len(found.ranges) < 2:
            return None
        size = found.stamp[0]  # the size of the file the ranges were cut from
        group = _Group()
        # sizes add up to the file's (the progress bar's total): the header and blank lines
        # before the first range count with it, bytes after the last record with the last
        cuts = [0] + [start for start, _, _ in found.ranges[1:]] + [size]
        slots = [_Slot(task=("range", display, str(path), found.header_end, start, end, row0,
                             found.stamp),
                       size=max(0, cuts[i + 1] - cuts[i]), display=display, group=group)
                 for i, (start, end, row0) in enumerate(found.ranges)]

        def final() -> list:
            st = group.stats
            return [("r", FileReport(display, reader.name, size, found.rows,
                                     int(st.get("columns", 0)), found.chars, st.get("encoding"),
                                     tuple(sorted(group.counts.items())), group.issue))]

        slots.append(_Slot(final=final, display=display, group=group))
        return slots

    def _split(self, display: str, path: Path, size: int, on_bytes,
               readers: Sequence[str] = SPLIT_READERS) -> Iterator[_Slot]:
        """Slots for a big file: pieces of its units read here, then its report; or one file
        task when its reader is not one of ``readers``."""
        whole = _Slot(task=("file", display, str(path)), size=size, display=display)
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            head = b""
        try:
            reader = pick_reader(head, display, self.config) if head else None
        except Exception:  # noqa: BLE001 - the worker will report it, as for any file
            reader = None
        if reader is None or reader.name not in readers:
            yield whole
            return
        group = _Group()
        stats: dict = {}
        limit = max(1, self.config.chunk_bytes // 8)
        if reader.name == "text":
            limit = min(limit, TEXT_PIECE_CHARS)
        works: list = []
        filled = 0
        table = None  # [location, header, hints, first batch, batches not yet sent, first sent]

        def close_table() -> None:
            nonlocal table
            if table is not None and table[4]:
                works.append(("table", table[0], table[1], table[2],
                              table[3] if table[5] else None, table[4]))
                table[4] = []
                table[5] = True

        def piece() -> _Slot:
            nonlocal works, filled
            close_table()
            slot = _Slot(task=("piece", works), size=filled, display=display, group=group)
            works, filled = [], 0
            return slot

        issue: Issue | None = None
        source = Source(display, size, _opener(path, on_bytes), path)
        try:
            units = reader.read(source, stats)
            try:
                for unit in units:
                    if isinstance(unit, TextUnit):
                        works.append(("text", unit.text, unit.location, unit.offset))
                        filled += len(unit.text)
                        if filled >= limit:
                            yield piece()
                    elif isinstance(unit, TableUnit):
                        close_table()
                        table = [unit.location, unit.header, unit.hints, None, [], False]
                        for batch in unit.batches:
                            if table[3] is None:
                                table[3] = batch
                            table[4].append(batch)
                            filled += _cells_size(batch)
                            if filled >= limit:
                                yield piece()
                        close_table()
                        table = None
                    else:  # a container unit: not expected from these readers
                        raise ReadError(display, "unexpected member in a split file")
            finally:
                units.close()
        except Exception as exc:  # noqa: BLE001 - as in _Tree.scan: the scan goes on
            issue = _issue_of(exc, display, reader.name)
        if works or table is not None and table[4]:
            yield piece()
        reader_name = reader.name

        def final() -> list:
            return [("r", FileReport(display, reader_name, size, int(stats.get("rows", 0)),
                                     int(stats.get("columns", 0)), int(stats.get("chars", 0)),
                                     stats.get("encoding"), tuple(sorted(group.counts.items())),
                                     group.issue or issue))]

        yield _Slot(final=final, display=display, group=group)

    # -- run -------------------------------------------------------------------------------
    def run(self, items, sink, on_bytes) -> Iterator[FileReport]:
        planner = self._plan(items, on_bytes)
        order: deque[_Slot] = deque()    # output order
        unsent: deque[_Slot] = deque()   # tasks waiting for a free worker
        busy: dict = {}                  # connection -> (slot, worker)
        idle: list[_Worker] = []
        in_flight = 0
        planned = False
        graceful = False
        try:
            while True:
                while not planned and in_flight < self.window:
                    slot = next(planner, None)
                    if slot is None:
                        planned = True
                        break
                    order.append(slot)
                    if slot.task is not None:
                        in_flight += 1
                        unsent.append(slot)
                while unsent:
                    pick = self._pick(unsent, idle)
                    if pick is None:
                        break
                    slot, worker = pick
                    worker.conn.send(slot.task)
                    busy[worker.conn] = (slot, worker)
                while order and (order[0].events is not None or order[0].final is not None):
                    slot = order.popleft()
                    if slot.task is not None:
                        in_flight -= 1
                    yield from self._consume(slot, sink, on_bytes)
                if not order:
                    if planned:
                        break
                    continue
                if not busy:
                    continue
                for conn in _wait(list(busy)):
                    slot, worker = busy.pop(conn)
                    try:
                        kind, payload = conn.recv()
                    except (EOFError, OSError):
                        self._dead(worker, slot)
                        continue
                    if kind != "ok":
                        raise RuntimeError(f"{slot.display}: {payload}")
                    slot.events = payload
                    idle.append(worker)
            graceful = True
        finally:
            planner.close()
            self._stop(graceful)

    def _dead(self, worker: _Worker, slot: _Slot) -> None:
        """A worker died (killed, out of memory, a crash in a native library): its file gets an
        error issue, the scan goes on with a new worker."""
        worker.process.join(timeout=30)
        code = worker.process.exitcode
        worker.conn.close()
        self.workers.remove(worker)
        issue = Issue(slot.display, "error",
                      f"the worker process scanning it died (exit code {code})")
        if slot.group is not None:
            slot.group.issue = slot.group.issue or issue
            slot.events = []
        else:
            slot.events = [("r", FileReport(slot.display, None, slot.size, issue=issue))]

    def _consume(self, slot: _Slot, sink, on_bytes) -> Iterator[FileReport]:
        events = slot.final() if slot.final is not None else slot.events
        slot.events = None
        for kind, payload in events:
            if kind == "f":
                sink(payload)
            elif kind == "r":
                yield payload
            elif slot.group is None:
                continue
            elif kind == "c":  # a piece's counts
                slot.group.counts.update(payload)
            elif kind == "s":  # a range's reader stats (columns, encoding)
                slot.group.stats.update(payload)
            elif kind == "i":  # a range that could not be read
                slot.group.issue = slot.group.issue or payload
        if on_bytes is not None and slot.task is not None and slot.task[0] in ("file", "range"):
            on_bytes(slot.size)


def _cells_size(batch: TableBatch) -> int:
    """Characters in the cells of ``batch`` (the measure of a piece of a split table)."""
    return sum(len(v) for col in batch.columns for v in col if v)


class Ranges:
    """Record boundaries of a delimited file (:func:`record_ranges`): ``header_end``, the byte
    offset where the header record ends; ``ranges``, ``(start, end, first_row)`` byte ranges of
    whole batches with the 0-based data row of their first record; ``rows`` and ``chars``, the
    file's data rows and decoded characters (as the reader counts them); ``stamp``, the file's
    (size, modification time in ns) when it was parsed."""

    __slots__ = ("header_end", "ranges", "rows", "chars", "stamp")

    def __init__(self, header_end: int, ranges: list, rows: int, chars: int,
                 stamp: tuple[int, int] = (0, 0)) -> None:
        self.header_end, self.ranges, self.rows, self.chars = header_end, ranges, rows, chars
        self.stamp = stamp


def record_ranges(path: Path, head: bytes, display: str, batch_rows: int,
                  target: int) -> Ranges | None:
    """Cut the delimited file ``path`` into byte ranges of at least ``target`` bytes, each a
    whole number of ``batch_rows`` records (so its batches are the whole file's), cutting only
    between records: the file is parsed here with the :mod:`csv` module and the delimiter the
    reader (:class:`~sentinelle.readers.delimited.DelimitedReader`) sniffs, so a line end inside
    a quoted cell is not a boundary.

    None (read the file whole) unless a range reads exactly as that part of the whole file:
    UTF-8 (a BOM allowed) with no invalid byte (the reader's encoding guess never switches),
    no parse error, no unbalanced quote swallowing rows (the reader re-reads those, see
    :func:`~sentinelle.readers.delimited.swallowed_field`), every record as wide as the header (ragged rows widen or cut the reader's
    header from its first batch), lines ending in ``\n`` (a lone ``\r`` ends a line for the
    reader, not here), and the head a range's reader sees (the header record, then the range's
    first bytes: 64 KiB) detected as the same UTF-8 and sniffed to the same delimiter as the
    file's head (a range re-sniffs it: ``,`` for the file but ``|`` for rows like
    ``1,x|"a"|y`` would put its cells in other columns); nor when the file's size or
    modification time changed while it was parsed (``stamp``: both, checked by
    :func:`_run_range` again)."""
    import codecs
    import csv

    from sentinelle.readers.delimited import _SUFFIX_DELIMITER, FIELD_LIMIT, _suffix, \
        sniff_delimiter, swallowed_field
    from sentinelle.readers.encoding import HEAD_BYTES as READ_HEAD
    from sentinelle.readers.encoding import detect, head_text

    found = detect(head)
    if found is None or found.encoding != "utf-8" or b"\0" in head:
        return None
    text = head_text(head)
    if text is None:
        return None
    delimiter = sniff_delimiter(text, _SUFFIX_DELIMITER.get(_suffix(display), ","))
    csv.field_size_limit(FIELD_LIMIT)
    offset = 0
    chars = 0
    with open(path, "rb") as fh:
        stamp = _stamp(os.fstat(fh.fileno()))

        def lines() -> Iterator[str]:
            nonlocal offset, chars
            first = True
            for raw in fh:
                line = raw.decode("utf-8")  # a UnicodeDecodeError: not split
                if first:
                    first = False
                    if raw.startswith(codecs.BOM_UTF8):
                        line = line[1:]
                offset += len(raw)
                chars += len(line)
                yield line

        rows = 0
        width = -1
        header_end = start = row0 = 0
        ranges = []
        before = 0
        try:
            records = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True,
                                 skipinitialspace=False, strict=False)
            for row in records:
                several, before = records.line_num - before > 1, records.line_num
                if not row:
                    continue
                if several and swallowed_field(row, width if width >= 0 else None,
                                               delimiter) is not None:
                    return None  # an unbalanced quote: the reader re-reads it (more rows)
                if width < 0:
                    width = len(row)
                    header_end = start = offset
                    continue
                if len(row) != width:
                    return None
                rows += 1
                if rows % batch_rows == 0 and offset - start >= target:
                    ranges.append((start, offset, row0))
                    start, row0 = offset, rows
        except (csv.Error, UnicodeDecodeError):
            return None
        if "\r" in text.replace("\r\n", ""):
            return None
        if rows > row0 or not ranges:
            ranges.append((start, offset, row0))
        # each range is read as the header record then its bytes: that head must decode and
        # sniff as the file's does (see _run_range, DelimitedReader.read)
        fh.seek(0)
        top = fh.read(min(header_end, READ_HEAD))
        for lo, hi, _ in ranges:
            fh.seek(lo)
            part = top + fh.read(min(hi - lo, READ_HEAD - len(top)))
            seen = detect(part)
            if seen is None or seen.encoding != found.encoding or seen.bom != found.bom:
                return None
            if sniff_delimiter(head_text(part) or "",
                               _SUFFIX_DELIMITER.get(_suffix(display), ",")) != delimiter:
                return None
        if _stamp(os.fstat(fh.fileno())) != stamp:
            return None  # written to while parsed
    return Ranges(header_end, ranges, rows, chars, stamp)


def _stamp(st: os.stat_result) -> tuple[int, int]:
    """(size, modification time in ns) of a file: what tells that it changed."""
    return st.st_size, st.st_mtime_ns


class _RangeRaw(io.RawIOBase):
    """The bytes ``[0, head_end)`` of a file (its header record) then ``[start, end)``."""

    def __init__(self, path: Path, head_end: int, start: int, end: int) -> None:
        self._fh = open(path, "rb", buffering=0)
        self._parts = [(0, head_end), (start, end)]
        self._pos = None

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self._parts:
            lo, hi = self._parts[0]
            if self._pos is None:
                self._fh.seek(lo)
                self._pos = lo
            want = min(len(b), hi - self._pos)
            if want <= 0:
                self._parts.pop(0)
                self._pos = None
                continue
            n = self._fh.readinto(memoryview(b)[:want]) or 0
            if not n:
                self._parts.pop(0)
                self._pos = None
                continue
            self._pos += n
            return n
        return 0

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()


def _run_range(task, pipeline, config: Config, emit) -> dict:
    """A worker's range of a delimited file (:func:`record_ranges`): the table's header and
    first batch read from the file's start (its columns are classified from that batch, as
    when the file is read whole), then the range's records read as a table of their own (the
    header record before them) with their row numbers moved to the file's; returns the
    reader's ``columns`` and ``encoding``. Raises :class:`ReadError` when the file's size or
    modification time is no longer those it had when it was cut (its ranges would start inside
    records: rows and columns out of place), checked before and after the range is read."""
    _, display, fs_path, header_end, start, end, row0, stamp = task
    path = Path(fs_path)

    def unchanged() -> int:
        st = path.stat()
        if _stamp(st) != stamp:
            raise ReadError(display, "changed while it was scanned: scan it again")
        return st.st_size

    size = unchanged()
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    reader = pick_reader(head, display, config)
    if reader is None:
        raise ReadError(display, "unsupported format")
    stats: dict = {}
    units = reader.read(Source(display, size, _opener(path, None), path), stats)
    try:
        unit = next(units, None)
        if unit is None:
            return {}
        header, hints, location = unit.header, unit.hints, unit.location
        first = next(unit.batches, None) if row0 else None
    finally:
        units.close()
    width = len(header)

    def ranged() -> Iterator[TableBatch]:
        source = Source(display, size,
                        lambda: io.BufferedReader(_RangeRaw(path, header_end, start, end)), path)
        inner = reader.read(source, {})
        try:
            for u in inner:
                for b in u.batches:
                    n = b.n_rows
                    cols = b.columns[:width]
                    cols += [[None] * n for _ in range(width - len(cols))]
                    yield TableBatch(first_row=b.first_row + row0, columns=cols)
        finally:
            inner.close()

    feed = ranged() if first is None else itertools.chain([first], ranged())
    results = pipeline.analyze_table(TableUnit(location, header, feed, hints))
    if first is not None:
        next(results, None)  # the table's first batch, here to classify the columns only
    for batch in results:
        emit(batch)
    unchanged()
    return {"columns": stats.get("columns", width), "encoding": stats.get("encoding")}


def _wait(conns: list) -> list:
    from multiprocessing.connection import wait

    return wait(conns)


def iter_scan(paths: Sequence[str | Path], config: Config | None = None, *,
              detectors: Sequence[Detector] | None = None,
              sink: Callable[[list[Finding]], None] | None = None,
              on_bytes: Callable[[int], None] | None = None,
              jobs: int = 1, names: bool = False) -> Iterator[FileReport]:
    """Scan ``paths`` file by file, yielding a :class:`FileReport` for each (and for each
    member of an archive, before the archive's own).

    ``sink`` receives lists of findings as they are made (dropped when None). ``on_bytes`` is
    called with byte counts as files are read (progress). ``jobs``: worker processes (see
    :func:`iter_items`; 1: in this process); the output is the same whatever ``jobs``.
    ``names``: also report personal data in the file and folder names (:class:`FileNames`;
    off by default). Raises ``ValueError`` at the call for an empty path
    (:func:`_no_empty_path`).
    """
    _no_empty_path(paths)
    config = config or Config()
    built = detectors if detectors is not None else build(config.entities, config)
    pipeline = Pipeline(built, config)
    sink = sink or (lambda _batch: None)
    return iter_items(walk(paths, config), pipeline, config, sink, on_bytes, jobs=jobs,
                      names=FileNames(config, pipeline.detectors) if names else None)


def _no_empty_path(paths) -> None:
    """Raise ``ValueError`` for an empty path (``""``): ``Path("")`` is ``.``, so
    ``scan([""])`` (an unset variable) scanned the current folder; the CLI refuses it too
    (session 11 fault list)."""
    for p in [paths] if isinstance(paths, (str, bytes)) else paths:
        if isinstance(p, (str, bytes)) and not p:
            raise ValueError("an empty path ('') is not a path; give '.' for the current folder")


def scan(paths: str | Path | Iterable[str | Path], config: Config | None = None, *,
         entities: Sequence[str] | None = None, min_score: float | None = None,
         jobs: int = 1, file_names: bool = True) -> ScanResult:
    """Scan files and folders; return every finding and a report per file.

    ``entities`` and ``min_score`` override the same fields of ``config``. Raw values stay in
    the returned :class:`Finding` objects (memory only); write them out with
    :meth:`Finding.to_record`. ``jobs``: worker processes (1 by default: everything in the
    calling process; :func:`default_jobs` for every core); same result whatever ``jobs``
    (see :func:`iter_items`). ``file_names``: also report personal data in the file and
    folder names, at ``column="(file name)"`` (:class:`FileNames`; on, as in ``sentinelle
    scan``). Raises ``ValueError`` for an unknown entity label or a ``min_score`` outside
    [0, 1] (:func:`_override`); see :func:`sentinelle.scan`.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    _no_empty_path(paths)
    config = _override(config or Config(), entities, min_score)
    result = ScanResult()
    for report in iter_scan(paths, config, sink=result.findings.extend, jobs=jobs,
                            names=file_names):
        result.files.append(report)
    return result


def scan_text(text: str, *, entities: Sequence[str] | None = None,
              min_score: float | None = None, config: Config | None = None,
              language: str = "fr") -> list[Finding]:
    """Findings in one string, like Presidio's ``AnalyzerEngine.analyze(text, language,
    entities, score_threshold)``: each has ``entity_type``, ``start``, ``end``, ``score``.

    ``language`` is accepted for Presidio compatibility; detectors cover French and English
    context words together. Raises ``ValueError`` for an unknown entity label or a
    ``min_score`` outside [0, 1] (:func:`_override`), ``TypeError`` when ``text`` is not a
    ``str`` (decode bytes first); see :func:`sentinelle.scan_text`.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__} (decode bytes first, "
                        "e.g. data.decode('utf-8'))")
    config = _override(config or Config(), entities, min_score)
    pipeline = Pipeline(build(config.entities, config), config)
    return pipeline.analyze_text(text, Location("<text>"))


def _override(config: Config, entities, min_score) -> Config:
    """``config`` with the API's ``entities`` and ``min_score`` (None: kept). Labels follow the
    CLI's ``--entities`` rule (:func:`sentinelle.entities.parse_labels`: a comma-separated
    string or labels, any case; none given: those of ``config``, every label by default).
    Raises ``ValueError`` for an unknown label (in ``entities`` or ``config.entities``) or a
    ``min_score`` outside [0, 1]."""
    from sentinelle.entities import parse_labels

    changes = {}
    labels = parse_labels(entities)
    if labels is not None:
        changes["entities"] = labels
    elif config.entities:
        # checked (a label mistyped in a config file selects nothing) and normalised as
        # entities= is ("fr_nir" selected nothing: the detectors know "FR_NIR")
        normal = parse_labels(config.entities)
        if normal != config.entities:
            changes["entities"] = normal
    if min_score is not None and not 0.0 <= float(min_score) <= 1.0:
        raise ValueError(f"min_score must be between 0 and 1, got {min_score!r}")
    if min_score is not None:
        changes["min_score"] = float(min_score)
    return config.with_(**changes) if changes else config
