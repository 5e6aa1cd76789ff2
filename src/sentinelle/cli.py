"""The command line: wiring only.

Exit codes (all commands):

* 0: success; for ``scan``, no personal data found;
* 1: ``scan`` found personal data (like secret scanners, so it can gate a pipeline or a commit);
* 2: error: bad usage, a path or file that could not be read (and nothing found elsewhere),
  an unreadable key, store or truth file.

Messages go to stderr, one line each, prefixed ``sentinelle:``; they never contain a raw value.

Built on Click: Typer (before) built a pydantic adapter per option at each run, about 0.3 CPU s
of every start-up (issue 6).
Output files (``--findings``, ``--output``, ``--json``, ``--html``, ``--report``, ...) are written
to a temporary file beside the target and renamed when complete, so an interrupted run never
leaves a half-written file; never over an input file. Every output option creates the missing
folders of its path, each with mode 0700 (:mod:`sentinelle.outputs`; team rule of session 7);
a path that cannot be written (under a file, in a folder where nothing can be created) is
refused before the run, before any folder or store is created; ``missing/..`` in an output path
is undone first (no empty ``stray/`` left by ``stray/../f.jsonl``), and the ``--out`` folders a
``redact`` run made are removed again when it wrote no file. ``scan --findings -`` writes the
JSONL to stdout (the table then goes to stderr); ``./-`` is a file named ``-``.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Iterator, Optional

import click
from click.exceptions import Exit

from sentinelle import __version__
from sentinelle.config import Config, load_config
from sentinelle.entities import parse_labels
from sentinelle.errors import SentinelleError


class OutputBroken(BaseException):
    """An output stream failed mid-way: a closed pipe (``sentinelle scan ... | head -1``), a full
    disk. ``exc``: the system's error; ``where``: the output as the user named it
    (``"stdout"``, ``f.jsonl``).

    A ``BaseException`` (as ``KeyboardInterrupt``) so the scanner's per-file ``except
    Exception`` ("a bad file must never stop the scan") does not report a failed *write* as a
    read error of the file being scanned. :func:`main` turns it into a quiet exit for a closed
    pipe (as ``rg``: no message, no traceback, the command's exit code so far,
    :data:`_epipe_code`) or into one line naming the output (exit 2); every temporary
    ``.part`` file is removed on the way out (:func:`atomic_output`)."""

    def __init__(self, exc: OSError, where: str):
        super().__init__(exc, where)
        self.exc = exc
        self.where = where

    @property
    def closed_pipe(self) -> bool:
        return self.exc.errno == errno.EPIPE


class _Guarded:
    """A stream (text or bytes) whose failed writes raise :class:`OutputBroken`."""

    def __init__(self, stream, where: str):
        self._stream = stream
        self.where = where

    def write(self, data):
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise OutputBroken(exc, self.where) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputBroken(exc, self.where) from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


#: the exit code of a command whose stdout was closed by its reader (``| head``): 0, or what
#: the command has established when it starts writing (``scan``: 1 once it writes a finding)
_epipe_code = [0]


class _App(click.Group):
    """The command group: a closed stdout (``EPIPE``) in any command becomes
    :class:`OutputBroken` (Click would print nothing but exit 1, an error code for every
    command but ``scan``)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise OutputBroken(exc, "stdout") from None
            raise


class _Command(click.Command):
    """A command whose usage errors name it: Click raises "Option '--exclude' requires an
    argument" without a context, so the one line of :func:`main` pointed at the top-level
    ``sentinelle --help`` (session 10 fault list); the context is attached here."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


_App.command_class = _Command
_App.group_class = type  # `key` is an _App too, its commands _Command


def _globs(ctx, param, values):
    """``--exclude`` values: an empty glob (``--exclude ''``, ``--exclude=``) or another option
    taken as the glob (``--exclude -q``: Click takes the next word whatever it is) is a usage
    error naming the option, not a glob that matches nothing."""
    names = {n for p in ctx.command.params for n in (*p.opts, *p.secondary_opts)}
    for v in values:
        if not v.strip():
            raise click.BadParameter("needs a glob of file or folder names (e.g. '*.bak')",
                                     ctx=ctx, param=param)
        if v in names:
            raise click.BadParameter(f"needs a glob of file or folder names, got the option {v}",
                                     ctx=ctx, param=param)
    return values


@click.group(cls=_App, no_args_is_help=True)
@click.version_option(__version__, "--version", "-V", prog_name="sentinelle",
                      message="%(prog)s %(version)s", help="Print the version and exit.")
def app() -> None:
    """Find, measure and neutralise personal and health data in files."""


#: an existing or new path, given to the command as a pathlib.Path
PATH = click.Path(path_type=Path)


class _InPath(click.Path):
    """An input PATH argument (``scan``, ``assess``, ``redact``, ``reidentify``): an empty
    argument (``sentinelle scan ""``, an unset ``$DIR``) is a usage error naming it, exit 2;
    ``pathlib.Path("")`` is ``.``, so it used to scan the current folder."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value == "":
            self.fail("an empty argument ('') is not a path; give . for the current folder",
                      param, ctx)
        return super().convert(value, param, ctx)


#: the input PATHs of scan, assess, redact and reidentify (never empty)
IN_PATH = _InPath(path_type=Path)


class _OutPath(click.Path):
    """An output path: ``missing/..`` pairs removed (:func:`sentinelle.outputs.normal_path`),
    so no folder the system would not reach is created. ``./-`` is a file named ``-``.

    Exactly ``-`` means stdout, as for ``rg``, ``curl -o -`` or ``tar -f -``: the string ``"-"``
    for a document written in one piece (``stdout``: ``scan --findings``, ``--output``,
    ``redact --report``, ``assess --json``, ``--html``); for an output that cannot be a stream
    (a folder, a store, a key file, an appended log: ``what`` names it) it is refused in one
    line, exit 2, before anything runs (it used to be a folder or file named ``-``, or a
    traceback for ``scan --db -``)."""

    def __init__(self, *args, what: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what

    def convert(self, value, param, ctx):
        from sentinelle.outputs import normal_path

        if value == "-":
            if self.what is None:
                return "-"
            name = (param.opts[0] if isinstance(param, click.Option) and param.opts
                    else param.human_readable_name if param is not None else "PATH")
            raise _fail(f"{name} -: {self.what} cannot be stdout; give a path (./- for one "
                        "named -)")
        path = normal_path(super().convert(value, param, ctx))
        return Path.cwd() / path if str(path) == "-" else path


#: an output file where ``-`` is stdout (``scan --findings``/``--output``, ``redact --report``,
#: ``assess --json``/``--html``)
OUT_PATH = _OutPath(path_type=Path)
#: outputs where ``-`` is refused: folders, stores, key files, logs
OUT_FOLDER = _OutPath(path_type=Path, what="a folder")
OUT_STORE = _OutPath(path_type=Path, what="the DuckDB store")
OUT_KEY = _OutPath(path_type=Path, what="a key file")
OUT_LOG = _OutPath(path_type=Path, what="the audit log (appended to)")


def _db_or_no_db(no_db: bool) -> None:
    """``--no-db`` with a ``--db`` given on the command line is a usage error (exit 2): the
    store named would be silently ignored (session 11 fault list)."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    if no_db and ctx.get_parameter_source("db") not in (None, ParameterSource.DEFAULT):
        raise click.UsageError("--no-db and --db cannot be used together (drop one)", ctx=ctx)


def _err(msg: str) -> None:
    click.echo(f"sentinelle: {msg}", err=True)


def _fail(msg: str, code: int = 2) -> Exit:
    _err(msg)
    return Exit(code)


#: console width when stdout is not a terminal: tables are never wrapped for a pipe or a file,
#: so ``sentinelle scan ... | grep`` sees whole lines (Rich's default there is 80 columns)
PIPE_WIDTH = 10_000


def _console(file=None, stderr: bool = False):
    """A Rich console on ``file`` (default stdout): the terminal's width on a terminal, else
    :data:`PIPE_WIDTH` (no wrapping)."""
    from rich.console import Console

    stream = file or (sys.stderr if stderr else sys.stdout)
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich's own exits 1: an error code for most commands
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    if tty:
        return _Console(file=file, stderr=stderr)
    return _Console(file=_RstripLines(stream), width=PIPE_WIDTH, soft_wrap=False)


class _RstripLines:
    """A text stream writing to ``stream`` without the spaces Rich pads lines with (a centred
    title, the last column): on a pipe or in a file a line ends with its last character."""

    def __init__(self, stream):
        self._stream = stream
        self._pending = ""  # text after the last newline: its end may still grow
        self.encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._stream.write("\n".join(line.rstrip(" ") for line in lines) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False


#: DuckDB database files carry this magic at byte 8 (the main header, after its checksum)
_DUCKDB_MAGIC = b"DUCK"


def _check_store_path(db: Path) -> None:
    """Refuse a ``--db`` path that exists and is not a DuckDB store (a CSV given by mistake):
    DuckDB would open it as a read-only view and the scan's findings would be lost. The file
    is only read (16 bytes), never written. Raises :class:`Exit` (code 2)."""
    if not db.exists():
        return
    if not db.is_file():
        raise _fail(f"--db {db}: not a DuckDB store (not a regular file); give a store or a new path")
    try:
        with open(db, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise _fail(f"--db {db}: cannot read the store ({exc.strerror})")
    if head and head[8:12] != _DUCKDB_MAGIC:
        raise _fail(f"--db {db}: not a DuckDB store; the file was left untouched "
                    "(give an existing store or a new path)")


def _store_folder(db: Path) -> None:
    """Create the missing folders of the ``--db`` store, mode 0700 like every output's
    (``.sentinelle/`` by default). Raises :class:`~sentinelle.errors.StoreError`."""
    from sentinelle.errors import StoreError
    from sentinelle.outputs import make_folders

    try:
        make_folders(db.parent if str(db.parent) else Path("."))
    except OSError as exc:
        raise StoreError(f"{db}: cannot create its folder ({exc.strerror or exc})") from None


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "w") -> Iterator:
    """Open a temporary file beside ``path``; rename it to ``path`` only on success. The missing
    folders of ``path`` are created, mode 0700 (:func:`sentinelle.outputs.make_folders`).

    A path that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe)
    is written to directly: renaming over it would replace a device with a file.

    Raises :class:`~sentinelle.errors.OutputError` (one line: the path and the system's
    reason) when ``path`` is a folder or cannot be created, written or renamed into place.
    """
    from sentinelle.errors import OutputError
    from sentinelle.outputs import make_folders, nearest_existing, normal_path

    path = normal_path(path)  # out/stray/../f.jsonl: no empty stray/ left behind
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    if path.exists() and not path.is_file():
        try:
            fh = open(path, mode, encoding=None if "b" in mode else "utf-8",
                      newline=None if "b" in mode else "\n")
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        yield from _written(fh, path)
        return
    folder = path.parent if str(path.parent) else Path(".")
    probe = nearest_existing(folder)
    if not probe.is_dir():
        raise OutputError(f"cannot write {path}: {probe} is not a folder")
    try:
        make_folders(folder)  # the missing folders, mode 0700 (team rule, session 7)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        yield from _written(os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8",
                                      newline=None if "b" in mode else "\n"), path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _written(fh, path: Path) -> Iterator:
    """Yield ``fh`` (the open file of ``path``), then flush and close it: a write that fails
    there (what was still buffered, on a full disk) raises :class:`OutputError` naming
    ``path``, not a bare ``OSError`` from ``close``; on an error in the caller the file is
    closed and the error kept."""
    from sentinelle.errors import OutputError

    try:
        yield fh
    except BaseException:
        with contextlib.suppress(OSError):
            fh.close()  # its buffer may fail again: the caller's error is the one to tell
        raise
    try:
        fh.close()
    except OSError as exc:
        with contextlib.suppress(OSError):
            fh.close()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _existing_key(key_file: Optional[Path]) -> Optional[Path]:
    """``key_file`` unless it was given and does not exist: a mistyped ``--key-file`` would
    otherwise get a fresh random key whose hashes match nothing already found (only the default
    key file is created when missing; ``sentinelle key new PATH`` creates another).
    Raises :class:`Exit` (code 2)."""
    if key_file is not None and not key_file.exists():
        raise _fail(f"--key-file {key_file}: no such key file (create one with "
                    f"`sentinelle key new {key_file}`, or drop --key-file for the default key)")
    return key_file


def _load_config(config_file: Optional[Path]) -> Config:
    """The ``--config`` file's settings (defaults without one). Raises
    :class:`~sentinelle.errors.ConfigError` (one line) for a bad file, and for an unknown label
    in its ``entities`` (by :func:`sentinelle.entities.parse_labels`, as ``--entities``): it
    would select no detector and find nothing, silently; its labels are normalised by that
    rule too (``fr_nir`` is ``FR_NIR``)."""
    from sentinelle.errors import ConfigError

    config = load_config(config_file) if config_file else Config()
    if config.entities:
        try:
            labels = parse_labels(config.entities)
        except ValueError as exc:
            raise ConfigError(f"{config_file}: entities: {exc}") from None
        if labels != config.entities:  # "fr_nir" as --entities takes it: FR_NIR
            config = config.with_(entities=labels)
    return config


def _parse_entities(value: Optional[str], option: str = "--entities") -> Optional[tuple[str, ...]]:
    """The labels of ``--entities`` (None: all), by the API's rule
    (:func:`sentinelle.entities.parse_labels`); an unknown label is refused in one line naming
    it and the valid ones (exit 2)."""
    try:
        return parse_labels(value)
    except ValueError as exc:
        raise _fail(f"{option}: {exc} (see `sentinelle entities`)")


@app.command()
@click.argument("paths", nargs=-1, required=True, type=IN_PATH)
@click.option("--format", "-f", "format", default="table", help="Output on stdout: table, json or sarif.")
@click.option("--output", "-o", type=OUT_PATH, default=None, help="Write the --format output to this file instead of stdout (-: stdout).")
@click.option("--findings", type=OUT_PATH, default=None, help="Write every finding to this JSONL file (masked values and keyed hashes only). -: JSONL on stdout (as rg --json), the table then goes to stderr; --format json or sarif then needs --output FILE.")
@click.option("--db", type=OUT_STORE, default=Path(".sentinelle/sentinelle.duckdb"), help="Embedded DuckDB store for findings.")
@click.option("--no-db", is_flag=True, help="Do not write to the store.")
@click.option("--entities", "-e", default=None, help="Comma-separated entity labels to report (default: all).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None, help="Drop findings scored below this (default 0.5; a NIR without its key in a file name is kept from 0.3).")
@click.option("--config", "config_file", type=PATH, default=None, help="TOML configuration file.")
@click.option("--key-file", type=PATH, default=None, help="HMAC key file; wins over $SENTINELLE_KEY (order: --key-file, then $SENTINELLE_KEY, then $SENTINELLE_KEY_FILE or ~/.config/sentinelle/key). It must exist, and so must a $SENTINELLE_KEY_FILE (create one with `sentinelle key new PATH`); only ~/.config/sentinelle/key is created when missing.")
@click.option("--hidden", is_flag=True, help="Also scan hidden files and folders.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links (loops are detected).")
@click.option("--exclude", multiple=True, callback=_globs, help="Glob of file or folder names to skip (repeatable).")
@click.option("--max-depth", type=click.IntRange(min=0), default=None, help="Nested archive levels to open (default 5; 0: do not open archives).")
@click.option("--quiet", "-q", is_flag=True, help="No table, no progress bar; only the exit code and errors.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option("--ner", default=None, help="spaCy second opinion on PERSON: never, auto or always (needs pip install 'sentinelle[ner]').")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes scanning files at once (default: all cores, at most one per file unless a file is split); 1: scan in this process. With N > 1 a big file is split among the workers: a CSV/TSV file over 16 MiB into byte ranges cut on record boundaries, a plain-text file over 2 MiB into pieces of about 1 M characters, a JSON file over the config's chunk_bytes (64 MiB) into pieces; a smaller chunk_bytes lowers these thresholds, 0 never splits. Same output whatever N.")
@click.option("--raw-paths", is_flag=True, help="Print file paths as they are. By default the personal data found in file and folder names is masked in every path scan writes (findings, SARIF, summaries, store, messages), length kept: CR_D*******_******le.txt.")
def scan(paths: tuple[Path, ...], format: str, output: Optional[Path], findings: Optional[Path],
         db: Path, no_db: bool, entities: Optional[str], min_score: Optional[float],
         config_file: Optional[Path], key_file: Optional[Path], hidden: bool,
         follow_symlinks: bool, exclude: tuple[str, ...], max_depth: Optional[int], quiet: bool,
         no_progress: bool, ner: Optional[str], jobs: Optional[int], raw_paths: bool) -> None:
    """Scan files and folders for personal and health data.

    Exit code 0: nothing found; 1: personal data found; 2: error.
    """
    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    from sentinelle.privacy import load_key
    from sentinelle.report.scan_summary import exit_code, summary
    from sentinelle.scanner import (FileNames, FileReport, Issue, RecordEncoder, default_jobs,
                                    iter_items, skipping, useful_jobs, walk)

    _db_or_no_db(no_db)
    if format not in ("table", "json", "sarif"):
        raise _fail(f"unknown --format {format!r} (table, json or sarif)")
    try:
        config = _load_config(config_file)
    except SentinelleError as exc:
        raise _fail(str(exc))
    changes: dict = {}
    labels = _parse_entities(entities)
    if labels:
        changes["entities"] = labels
    if min_score is not None:
        changes["min_score"] = min_score
    if hidden:
        changes["include_hidden"] = True
    if follow_symlinks:
        changes["follow_symlinks"] = True
    if exclude:
        changes["exclude"] = tuple(config.exclude) + tuple(exclude)
    if max_depth is not None:
        changes["max_depth"] = max_depth
    if ner is not None:
        from sentinelle.config import NER_MODES
        if ner not in NER_MODES:
            raise _fail(f"unknown --ner {ner!r} (never, auto or always)")
        changes["ner"] = ner
    config = config.with_(**changes)
    try:
        detectors = build(config.entities, config)
    except SentinelleError as exc:
        raise _fail(str(exc))
    try:
        key = load_key(_existing_key(key_file))
        RecordEncoder(key)  # an unusable key fails here, before anything is read
    except SentinelleError as exc:
        raise _fail(str(exc))

    roots = [str(p) for p in paths]
    file_names = FileNames(config, detectors, mask=not raw_paths)
    if not raw_paths:  # the arguments' own names may name a person (`scan "MARTIN Jean/"`):
        # masked as the paths of the files are, in the store and the JSON summary (review)
        roots = [file_names.masked(r.rstrip("/"), {}) + r[len(r.rstrip("/")):]
                 if r.rstrip("/") else r for r in roots]
    if output == "-":
        output = None  # stdout, the default
    findings_stdout = findings == "-"
    if findings_stdout:  # JSONL on stdout, as `rg --json`; a file named - is ./-
        findings = None
        if output is None and format != "table":
            raise _fail(f"--findings - and --format {format} would both write to stdout; "
                        f"give --output FILE for the {format} output")
    _refuse_input_overwrite(paths, (("--findings", findings), ("--output", output)))
    # every output is checked before anything is created (no store, no folder): a refused
    # scan leaves nothing behind
    outs = [("--findings", findings), ("--output", output)]
    if not no_db:
        _check_store_path(db)
        outs.append(("--db", db))
    seen: dict = {}
    for option, out in outs:
        if out is None:
            continue
        # an existing store is DuckDB's to open (it says why it cannot)
        why = None if option == "--db" and out.exists() else _check_output(out)
        if why is not None:
            raise _fail(f"cannot write {out}: {why}")
        real = os.path.realpath(out)
        if real in seen:
            raise _fail(f"cannot write {out}: given to both {seen[real]} and {option}")
        seen[real] = option
    store = None
    if not no_db:
        from sentinelle.store import Store
        try:
            _store_folder(db)
            store = Store(db)
            store.begin_scan(roots, __version__)
        except SentinelleError as exc:
            raise _fail(str(exc))

    own = [findings, output] + ([] if no_db else [db])
    with skipping(_own_outputs(paths, own, [] if no_db else [f"{db}.wal"], quiet)):
        left_out: Counter = Counter()
        items = list(walk(paths, config, left_out))
    if not items and not quiet:  # "0 of 0 files", exit 0, said once (gitleaks: exit 0 too)
        _err(f"warning: no file to scan under {', '.join(map(str, paths))} "
             f"({_why_no_file(paths, config)})")
    elif not quiet and (left_out["hidden"] or left_out["symlink"] or left_out["special"]):
        _err(f"note: {_left_out_line(left_out)}")  # nothing left out without a word
    total_bytes = 0
    for it in items:
        if not isinstance(it, Issue):
            with contextlib.suppress(OSError):
                total_bytes += it[1].stat().st_size

    pipeline = Pipeline(detectors, config)
    # the detectors' lexicons and indexes live until exit: out of the collector's sight, the
    # gen-2 collections of the scan do not walk them again (they were ~10% of a table scan's
    # CPU), and forked workers do not touch (copy) their pages
    gc.freeze()
    reports: list[FileReport] = []
    show_progress = (not quiet and not no_progress and sys.stderr.isatty() and total_bytes > 8 << 20)

    code = None
    try:
        with contextlib.ExitStack() as stack:
            fjson = (_Guarded(sys.stdout.buffer, "stdout") if findings_stdout else
                     _Guarded(stack.enter_context(atomic_output(findings, "wb")), str(findings))
                     if findings else None)
            out_fh = (_Guarded(stack.enter_context(atomic_output(output)), str(output)) if output
                      else _Guarded(sys.stdout, "stdout"))
            sarif = None
            if format == "sarif":  # results, file-name results and regions: report.sarif
                from sentinelle.report.sarif import SarifWriter
                sarif = SarifWriter(out_fh, __version__, sources=items, config=config)

            # one batch at a time, column-wise, in the process that made it (a worker with
            # --jobs > 1): masks and keyed hashes once per distinct value, JSONL bytes equal to
            # json.dumps(Finding.to_record(...), ensure_ascii=False); the sink only writes
            encoder = RecordEncoder(key, jsonl=fjson is not None,
                                    records=store is not None or sarif is not None)

            def sink(enc) -> None:
                if not enc:
                    return
                records = enc.records
                if fjson is not None:
                    fjson.write(enc.jsonl)
                if store is not None:
                    store.add_findings(records)
                if sarif is not None:
                    sarif.add(records.to_pylist())

            progress = None
            task = None
            on_bytes = None
            if show_progress:
                from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                           TimeRemainingColumn, TransferSpeedColumn)
                from rich.console import Console
                progress = Progress(TextColumn("scanning"), BarColumn(), DownloadColumn(),
                                    TransferSpeedColumn(), TimeRemainingColumn(),
                                    console=Console(stderr=True), transient=True)
                stack.enter_context(progress)
                task = progress.add_task("scan", total=total_bytes)
                on_bytes = lambda n: progress.advance(task, n)  # noqa: E731

            # SIGTERM and SIGHUP stop the scan as Ctrl-C does (KeyboardInterrupt below): the
            # store stamps the scan interrupted, the partial outputs are removed (session 12
            # review: a SIGTERM left a scan "never ended" and a 13 MB .part file)
            from sentinelle.scanner import stop_signals_interrupt

            try:
                # each file, then each member of an archive; in order whatever --jobs
                n_jobs = useful_jobs(items, config, jobs or default_jobs())
                # personal data in the file and folder names too (FileNames, session 12)
                with stop_signals_interrupt(), \
                        contextlib.closing(iter_items(items, pipeline, config, sink, on_bytes,
                                                      jobs=n_jobs, prepare=encoder,
                                                      names=file_names)) as reps:
                    for rep in reps:
                        reports.append(rep)
                        if store is not None:
                            store.add_source(rep)
                        if rep.issue is not None and rep.issue.kind == "error":
                            _err(f"error: {rep.issue}")
                        elif rep.issue is not None and not quiet:
                            _err(f"skipped: {rep.issue}")
            except KeyboardInterrupt:
                if store is not None:
                    store.close()
                raise _fail("interrupted; no output file was written", 130)
            code = exit_code(reports)
            _epipe_code[0] = code
            shown = Counter(r.path for r in reports)
            twice = [p for p, n in shown.items() if n > 1 and "*" in p]
            if twice and not quiet:  # masked names may coincide (MARTIN Jean, MOREAU Jean)
                _err(f"note: {len(twice):,} masked path{'s' if len(twice) > 1 else ''} "
                     f"stand{'' if len(twice) > 1 else 's'} for several files "
                     f"({twice[0]}): --raw-paths tells them apart")
            if sarif is not None:
                sarif.close([r.issue for r in reports if r.issue is not None])
            if store is not None:
                store.end_scan(sum(r.findings for r in reports), len(reports),
                               sum(1 for r in reports if r.issue and r.issue.kind == "error"))
                store.close()
            if format == "json":
                text = json.dumps(summary(reports, roots, __version__), ensure_ascii=False, indent=2)
                out_fh.write(text + "\n")
            elif format == "table" and not quiet and not (reports and all(
                    r.issue is not None and r.issue.kind == "error" and not r.findings
                    for r in reports)):
                # every path failed (`scan missing_dir`, `scan -`): its error line says it all,
                # no table of error rows and "0 findings" under it
                _print_table(reports, out_fh if output else
                             _Guarded(sys.stderr, "stderr") if findings_stdout else out_fh)
            if store is not None and not quiet:  # the id `assess --scan-id` asks for (new-user
                # trial, session 12: nothing told it); on stderr, the table being the output
                click.echo(f"stored as scan {store.scan_id} in {db}: "
                           f"sentinelle assess --scan-id {store.scan_id} --db {db}", err=True)
            if output is None:
                out_fh.flush()
            if findings_stdout:
                fjson.flush()
    except OutputBroken:
        # a closed pipe (`--findings - | head -1`) or a full disk: the scan stops there and
        # its temporary files are removed (atomic_output); the store is closed as on Ctrl-C
        if store is not None:
            with contextlib.suppress(Exception):  # already closed when the table failed
                store.close()
        # a finding was being written when the pipe closed: personal data found (exit 1)
        _epipe_code[0] = 1 if code is None else code
        raise
    raise Exit(code)


def _left_out_line(left_out: Counter) -> str:
    """One line naming the entries a walk left out that the user did not exclude by name
    (:func:`sentinelle.scanner.walk` ``skipped``): hidden entries, symbolic links, FIFOs and
    other special files, each with the option that reads them."""
    def n_(n: int, one: str, many: str) -> str:
        return f"{n:,} {one if n == 1 else many}"

    parts = []
    if left_out["hidden"]:
        parts.append(f"{n_(left_out['hidden'], 'hidden file or folder', 'hidden files or folders')}"
                     " skipped (--hidden to scan them)")
    if left_out["symlink"]:
        parts.append(f"{n_(left_out['symlink'], 'symbolic link', 'symbolic links')} not "
                     "followed (--follow-symlinks)")
    if left_out["special"]:
        parts.append(f"{n_(left_out['special'], 'special file', 'special files')} (FIFO, "
                     "socket, device) not read")
    return "; ".join(parts)


def _why_no_file(paths, config) -> str:
    """Why the walk of ``paths`` (folders, as :func:`sentinelle.scanner.walk` skipped them)
    met no file: what it left out, counted (hidden entries without ``--hidden``, names matched
    by ``--exclude`` or the config's ``exclude``, symbolic links without
    ``--follow-symlinks``), or that the folders hold no file. The skipped entries are not
    opened; this walk only runs when the scan has nothing to read."""
    import fnmatch

    hidden = excluded = links = 0
    stack = [Path(p) for p in paths if Path(p).is_dir()]
    seen: set = set()
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            if not config.include_hidden and e.name.startswith("."):
                hidden += 1
            elif any(fnmatch.fnmatch(e.name, pat) for pat in config.exclude):
                excluded += 1
            elif e.is_symlink() and not config.follow_symlinks:
                links += 1
            else:
                with contextlib.suppress(OSError):
                    if e.is_dir(follow_symlinks=config.follow_symlinks):
                        stack.append(Path(e.path))

    def n_(n: int, one: str, many: str) -> str:
        return f"{n:,} {one if n == 1 else many}"

    why = []
    if hidden:
        why.append(f"{n_(hidden, 'hidden file or folder', 'hidden files or folders')} "
                   "skipped without --hidden")
    if excluded:
        why.append(f"{n_(excluded, 'name', 'names')} excluded by --exclude or the config")
    if links:
        why.append(f"{n_(links, 'symbolic link', 'symbolic links')} not followed without "
                   "--follow-symlinks")
    if why:
        return "; ".join(why)
    roots = sum(1 for p in paths if Path(p).is_dir())
    return "only empty folders" if len(seen) > roots else "empty folder" if roots == 1 \
        else "empty folders"


def _print_table(reports, out_fh) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console(out_fh)
    # the title on the left: piped output is PIPE_WIDTH wide, a centred title drifted far right
    table = Table(title="sentinelle scan", title_justify="left", show_lines=False)
    for col, just in (("file", "left"), ("reader", "left"), ("rows", "right"),
                      ("cols / chars", "right"), ("findings", "right"), ("entity types", "left")):
        table.add_column(col, justify=just, overflow="fold")
    shown = 0
    by_entity: dict[str, int] = {}
    for r in reports:
        for ent, n in r.counts:
            by_entity[ent] = by_entity.get(ent, 0) + n
        if shown >= 500:
            continue
        shown += 1
        shape = f"{r.columns} cols" if r.columns else (f"{r.chars:,} chars" if r.chars else "")
        ents = ", ".join(f"{e} {n:,}" for e, n in sorted(r.counts, key=lambda t: -t[1]))
        if r.issue is not None:  # escaped: "[error]" and "[1]" in a name are not Rich markup
            ents = escape(f"[{r.issue.kind}] {r.issue.reason}")
        table.add_row(escape(r.path), r.reader or "-", f"{r.rows:,}" if r.rows else "", shape,
                      f"{r.findings:,}", ents)
    if len(reports) > shown:
        table.caption = f"... and {len(reports) - shown} more files (use --format json for all)"
    console.print(table)
    total = sum(by_entity.values())
    files_hit = sum(1 for r in reports if r.findings)
    # an archive's own row holds no finding (its members have their rows): counted apart, so
    # "3 of 4 files" does not read as one file with nothing found
    archives = sum(1 for r in reports if r.reader == "archive" and r.issue is None)
    n_files = len(reports) - archives
    also = f" (and {archives:,} archive{'' if archives == 1 else 's'} opened)" if archives else ""
    console.print(f"{total:,} findings in {files_hit:,} of {n_files:,} files{also}: "
                  + (", ".join(f"{e} {n:,}" for e, n in sorted(by_entity.items(), key=lambda t: -t[1])) or "none"))


@app.command()
@click.argument("paths", nargs=-1, type=IN_PATH)
@click.option("--json", "json_out", type=OUT_PATH, default=None, help="Write the assessment document (docs/assess-schema.md) to this file (-: stdout; the summary table then goes to stderr).")
@click.option("--html", type=OUT_PATH, default=None, help="Write the HTML report to this file (-: stdout; the summary table then goes to stderr).")
@click.option("--notification", type=OUT_FOLDER, default=None, help="Write the CNIL notification and art. 34 letter drafts into this folder.")
@click.option("--scan-id", type=int, default=None, help="Assess a previous scan from the store instead of scanning PATHs. A scan that did not finish (interrupted or killed: the store marks it) is refused (exit 2): scan again. A scan made by `sentinelle scan` links persons on exact keys only (no typo tolerance): they may be over-counted, and the summary says so.")
@click.option("--db", type=OUT_STORE, default=Path(".sentinelle/sentinelle.duckdb"), help="Embedded DuckDB store.")
@click.option("--no-db", is_flag=True, help="Do not use the store (no --scan-id, --register, known-leak check).")
@click.option("--register", default=None, help="Register this leak's subject fingerprints under NAME in the store, so later assessments report how many of their persons it holds. A NAME already registered is refused (nothing scanned) unless --replace is given.")
@click.option("--replace", is_flag=True, help="With --register: replace the leak already registered under NAME.")
@click.option("--exposure", default=None, help="ENISA loss of confidentiality: published (the data was found online, CB +0.5), limited or none. Not given: published is assumed (the worst case) and shown as an assumption to confirm in the report and the drafts.")
@click.option("--malicious", is_flag=True, help="ENISA: the breach is due to malicious intent (+0.5).")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=0.95, help="Match probability linking two records (Splink).")
@click.option("--lang", default=None, help="Language of the HTML report (fr, the default, or en) and of the notification drafts (both when not given).")
@click.option("--config", "config_file", type=PATH, default=None, help="TOML configuration file.")
@click.option("--key-file", type=PATH, default=None, help="HMAC key file; wins over $SENTINELLE_KEY (order: --key-file, then $SENTINELLE_KEY, then $SENTINELLE_KEY_FILE or ~/.config/sentinelle/key). It must exist, and so must a $SENTINELLE_KEY_FILE (create one with `sentinelle key new PATH`); only ~/.config/sentinelle/key is created when missing.")
@click.option("--hidden", is_flag=True, help="Also scan hidden files and folders.")
@click.option("--exclude", multiple=True, callback=_globs, help="Glob of file or folder names to skip (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="No summary table; only errors.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar (assess shows none: accepted as scan takes it).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes scanning files at once (default: all cores); 1: scan in this process. Same assessment whatever N.")
def assess(paths: tuple[Path, ...], json_out: Optional[Path], html: Optional[Path],
           notification: Optional[Path], scan_id: Optional[int], db: Path, no_db: bool,
           register: Optional[str], replace: bool, exposure: str, malicious: bool,
           threshold: float,
           lang: Optional[str], config_file: Optional[Path], key_file: Optional[Path],
           hidden: bool, exclude: tuple[str, ...], quiet: bool, no_progress: bool,
           jobs: Optional[int]) -> None:
    """Measure a leak: unique persons, data categories, sources, period, copies, ENISA severity.

    Exit code 0: assessment written; 2: error.
    """
    from sentinelle.assess import Circumstances, Options, assess_paths, assess_stored
    from sentinelle.assess.severity import EXPOSURE
    from sentinelle.privacy import load_key
    from sentinelle.scanner import default_jobs

    _db_or_no_db(no_db)
    if lang is not None and lang not in ("fr", "en"):
        raise _fail(f"unknown --lang {lang!r} (fr or en)")
    if exposure is not None and exposure not in EXPOSURE:
        raise _fail(f"unknown --exposure {exposure!r} (published, limited or none)")
    if not paths and scan_id is None:
        raise _fail("give PATHs to scan or --scan-id N")
    if paths and scan_id is not None:
        raise _fail("give PATHs or --scan-id, not both")
    if no_db and (scan_id is not None or register):
        raise _fail("--scan-id and --register need the store (drop --no-db)")
    if replace and not register:
        raise _fail("--replace needs --register NAME")
    if register is not None and not register.strip():
        raise _fail("--register needs a non-empty NAME")
    try:
        config = _load_config(config_file)
        changes: dict = {}
        if hidden:
            changes["include_hidden"] = True
        if exclude:
            changes["exclude"] = tuple(config.exclude) + tuple(exclude)
        config = config.with_(**changes)
        key = load_key(_existing_key(key_file))
    except SentinelleError as exc:
        raise _fail(str(exc))
    # the outputs are checked before the (long) assessment, not after it
    if json_out == "-" and html == "-":
        raise _fail("--json - and --html - would both write to stdout; give a file for one")
    files = [(o, f) for o, f in (("--json", json_out), ("--html", html)) if f not in (None, "-")]
    _refuse_input_overwrite(paths, files)
    if len(files) == 2 and os.path.realpath(json_out) == os.path.realpath(html):
        raise _fail(f"cannot write {html}: given to both --json and --html")
    for out, is_folder in ((json_out, False), (html, False), (notification, True)):
        why = _check_output(out, is_folder) if out not in (None, "-") else None
        if why is not None:
            raise _fail(f"cannot write {'the drafts into ' if is_folder else ''}{out}: {why}")
    options = Options(circumstances=Circumstances(exposure=exposure, malicious=malicious),
                      threshold=threshold, register=register)
    store = None
    if scan_id is not None and not db.exists():
        # nothing to read there: no empty store left behind by a mistyped --db
        raise _fail(f"--db {db}: no such store (give the store the scan {scan_id} was "
                    "written to)")
    if not no_db:
        from sentinelle.store import Store
        _check_store_path(db)
        try:
            _store_folder(db)
            store = Store(db)
        except SentinelleError as exc:
            raise _fail(str(exc))
        if register and not replace:
            taken = _registered(store, register)
            if taken is not None:
                store.close()
                raise _fail(f"--register {register}: a leak of that name is already registered "
                            f"({taken}); give another name, or add --replace to replace it")

    read = {"ok": 0, "error": 0}
    failed: list = []

    def on_file(rep) -> None:
        if rep.issue is not None and rep.issue.kind == "error":
            read["error"] += 1
            failed.append(rep)
            _err(f"error: {rep.issue}")
        elif rep.issue is not None and not quiet:
            _err(f"skipped: {rep.issue}")
        if rep.issue is None:
            read["ok"] += 1

    try:
        if scan_id is not None:
            doc = assess_stored(store, scan_id, key=key, options=options, tool_version=__version__,
                                config=config)
            unreadable = [{"path": p, "reason": r or "", "position": None}
                          for p, r in store.con.execute(
                              "SELECT path, issue_reason FROM sources WHERE scan_id = ? AND "
                              "issue_kind = 'error' ORDER BY path", [scan_id]).fetchall()]
        else:
            from sentinelle.report.notification import DRAFTS
            from sentinelle.scanner import skipping
            own = [json_out, html] + ([] if no_db else [db])
            also = [] if no_db else [f"{db}.wal"]
            if notification:
                own.append(notification)
                also += [Path(notification) / name for name in DRAFTS]
            with skipping(_own_outputs(paths, own, also, quiet)):
                doc = assess_paths(paths, key=key, config=config, store=store,
                                   options=options, tool_version=__version__, on_file=on_file,
                                   jobs=jobs or default_jobs())
            unreadable = _unreadable(failed)
        # named in the JSON document and the HTML report, not only counted; a file cut short
        # whose records before the error were read is listed as partly read, not unreadable
        partly = {fl["path"] for src in doc["sources"] for fl in src["file_list"]
                  if fl.get("partly_read")}
        # an archive cut short whose members were read (files.containers_partly_read)
        partly |= set(doc["files"].get("containers_partly_read", ()))
        doc["files"]["unreadable"] = [u for u in unreadable if u["path"] not in partly]
        doc["files"]["partly_read_files"] = [u for u in unreadable if u["path"] in partly]
    except SentinelleError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted; no output file was written", 130)
    finally:
        if store is not None:
            store.close()
    if scan_id is None and read["error"] and not read["ok"] and not doc["files"]["partly_read"]:
        # a mistyped path or a folder of unreadable files: no "0 persons, low severity"
        # report or notification draft that a DPO could forward
        raise _fail(f"nothing could be read ({read['error']} error(s) above); no report written")
    if scan_id is None and not read["ok"] and not read["error"] and not doc["files"]["partly_read"]:
        # an empty folder (or only hidden, excluded or unsupported files): the same, no
        # "0 persons, low severity" report of data that was never looked at
        raise _fail(f"nothing to assess: no file was read under {', '.join(map(str, paths))} "
                    "(empty, or only hidden, excluded or unsupported files); no report written")
    if json_out == "-":  # the summary table then goes to stderr
        _Guarded(sys.stdout, "stdout").write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif json_out:
        with atomic_output(json_out) as fh:
            fh.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    # an OSError names the path the user gave, never the temporary ``.part`` file beside it
    if html == "-":
        from sentinelle.report.assessment import html as html_text
        _Guarded(sys.stdout, "stdout").write(html_text(doc, lang or "fr"))
    elif html and html.exists() and not html.is_file():  # /dev/stdout: written, never replaced
        from sentinelle.report.assessment import html as html_text
        with atomic_output(html) as fh:
            fh.write(html_text(doc, lang or "fr"))
    elif html:
        from sentinelle.outputs import make_folders
        from sentinelle.report.assessment import render_html
        try:
            make_folders(html.parent if str(html.parent) else Path("."))  # mode 0700
            render_html(doc, html, lang=lang or "fr")
        except OSError as exc:
            raise _fail(f"cannot write {html}: {_os_reason(exc, html)}")
        except ValueError as exc:
            raise _fail(f"cannot write the report: {exc}")
    if notification and not doc["subjects"]["unique"]:
        # no data subject found: no regulator notification nor art. 34 letter to draft (a
        # "0 persons" letter to data subjects is nothing a DPO could send; new-user trial)
        click.echo(f"no data subject found: no notification drafted in {notification}",
                   err=True)
    elif notification:
        from sentinelle.report.notification import write_drafts
        try:
            write_drafts(doc, notification, langs=(lang,) if lang else None)
        except OSError as exc:
            raise _fail(f"cannot write the drafts into {notification}: {_os_reason(exc, notification)}")
        except ValueError as exc:
            raise _fail(f"cannot write the drafts: {exc}")
    if not quiet:
        _print_assessment(doc, stderr="-" in (json_out, html))


def _refuse_input_overwrite(paths, outputs) -> None:
    """Refuse (one line, exit 2) an output file that is one of the files to read: an existing
    regular file named as an input PATH (``scan f.jsonl --findings f.jsonl``), or inside an
    input folder unless it is an output this tool wrote (:func:`_written_by_us`: an earlier
    run's findings, summary, SARIF, table, assessment, HTML report or redaction report, so the
    same command can be run twice; :func:`_own_outputs` then leaves it out of the inputs).
    The input is never modified (a findings file or report written over a scanned file would
    replace it)."""
    roots = []
    for p in paths:
        try:
            roots.append(Path(p).resolve())
        except (OSError, RuntimeError):
            continue
    for option, out in outputs:
        if out is None or out == "-":
            continue
        try:
            target = Path(out).resolve()
            regular = target.is_file()
        except (OSError, RuntimeError):
            continue
        if not regular:
            continue
        if any(target == r for r in roots) or (
                any(r in target.parents for r in roots) and not _written_by_us(target)):
            raise _fail(f"cannot write {out}: it is one of the files to read ({option}); "
                        f"the input is never modified")


#: the first bytes of the JSON documents this tool writes (``scan --format json``, ``assess
#: --json``, ``redact --report``: their ``schema`` key comes first)
_OWN_JSON = re.compile(rb'\A\{\s*"schema": "sentinelle-[a-z-]+/\d+"')
#: a ``scan --findings`` JSONL line (findings contract: ``schema_version`` first)
_OWN_JSONL = re.compile(rb'\A\{"schema_version": \d+, "path": ')
#: a SARIF file whose tool is sentinelle (the driver is written after the results: the tail)
_OWN_SARIF = b'"driver": {"name": "sentinelle"'


def _written_by_us(path: Path) -> bool:
    """True when ``path`` (an existing regular file) is an output sentinelle writes: an empty
    file (nothing to lose), a findings JSONL, a JSON summary, assessment or redaction report, a
    SARIF file of sentinelle, a ``scan`` table, or an ``assess --html`` report (its
    ``generator`` meta). Only the first 4 KiB (and the last 1 MiB of a SARIF file) are read."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
            if size == 0:
                return True
            if head.startswith(b'{"$schema": "https://json.schemastore.org/sarif-2.1.0.json"'):
                fh.seek(max(0, size - (1 << 20)))
                return _OWN_SARIF in fh.read()
    except OSError:
        return False
    return bool(_OWN_JSON.match(head) or _OWN_JSONL.match(head)
                or head.startswith(b"sentinelle scan\n")
                or (head.startswith(b"<!DOCTYPE html>")
                    and b'<meta name="generator" content="sentinelle ' in head))


def _own_outputs(paths, outputs, also=(), quiet: bool = False) -> list[str]:
    """The output files of this run (``outputs``: paths, existing or not) that lie inside an
    input folder: the walk leaves them out (:func:`sentinelle.scanner.skipping`), as ripgrep
    and gitleaks never read their own output, and stderr says so once, naming them, on the
    first run as on the next ones (they are then overwritten). ``also``: companion files left
    out without being named (a store's ``.wal``, the drafts of a folder named in
    ``outputs``); ``quiet`` (``--quiet``): nothing said. Findings files of *earlier* runs at other paths are scanned as any file."""
    roots = []
    for p in paths:
        with contextlib.suppress(OSError, RuntimeError):
            roots.append(Path(p).resolve())

    def inside(outs) -> list[str]:
        found = []
        for out in outs:
            if out is None or out == "-":
                continue
            try:
                target = Path(out).resolve()
            except (OSError, RuntimeError):
                continue
            if any(r in target.parents for r in roots):
                found.append(str(out))
        return found

    named = inside(outputs)
    if named and not quiet:
        _err(f"not reading this run's own output{'s' if len(named) > 1 else ''} inside the "
             f"scanned folder: {', '.join(named)}")
    return named + inside(also)


def _check_output(path: Path, folder: bool = False) -> str | None:
    """Why ``path`` cannot be written, checked before a long run (None: it can). For a file
    (``folder=False``): not a folder; a device or pipe that exists (``/dev/stdout``) is written
    directly, so it must be writable. For a folder (``--notification``): not a file. Missing
    folders are created when the output is written (mode 0700, team rule of session 7), so the
    probe is made in the nearest existing folder of the path: it must be a folder where a file
    can be created. The probe is a private temporary file, removed at once; the path itself is
    not touched and no folder is created here."""
    from sentinelle.outputs import nearest_existing, normal_path

    path = normal_path(path)
    if folder:
        if path.exists() and not path.is_dir():
            return "it is not a folder"
        probe = nearest_existing(path)
    else:
        if path.is_dir():
            return "it is a folder"
        if path.exists() and not path.is_file():
            return None if os.access(path, os.W_OK) else "permission denied"
        probe = nearest_existing(path.parent if str(path.parent) else Path("."))
    if not probe.is_dir():
        return f"{probe} is not a folder"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sentinelle-check-", dir=probe)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return None


def _report_over_output(paths, out: Path, report: Path, config) -> str | None:
    """Why ``redact --report`` cannot be written (None: it can): it is the path of one of the
    redacted files in ``out``, or a folder one must be written into, or lies under one (the
    report would replace a redacted file, or the redaction would fail). Only computed when
    ``report`` lies inside ``out``; :class:`~sentinelle.errors.SentinelleError` as
    :func:`sentinelle.redact.engine.plan` raises it (an unsafe output folder)."""
    from sentinelle.redact.engine import plan

    try:
        rel = Path(os.path.realpath(report)).relative_to(os.path.realpath(out)).as_posix()
    except ValueError:
        return None
    if rel == ".":
        return "it is the --out folder"
    for item in plan([Path(p) for p in paths], Path(out), config)[0]:
        if item.rel == rel or item.rel.startswith(rel + "/") or rel.startswith(item.rel + "/"):
            return (f"the redacted {item.display} is written there (--out {out}); give a "
                    "--report path outside the redacted files")
    return None


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder`` (itself included) that do not exist yet, outermost first."""
    from sentinelle.outputs import normal_path

    missing: list[Path] = []
    probe = normal_path(folder)
    while not os.path.lexists(probe) and probe != probe.parent and str(probe) != ".":
        missing.append(probe)
        probe = probe.parent
    return missing[::-1]


def _empty_folder(folder: Path) -> None:
    """Remove everything inside ``folder`` (not ``folder`` itself); symbolic links are removed,
    never followed."""
    import shutil

    if not folder.is_dir() or folder.is_symlink():
        return
    for child in folder.iterdir():
        with contextlib.suppress(OSError):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _remove_folders(made: Optional[list[Path]]) -> None:
    """Remove the folders in ``made`` (outermost first, as :func:`_missing_folders` gives them)
    and the folders inside the last one, when empty: a file written meanwhile keeps them all
    (``os.rmdir`` removes only an empty folder; a symbolic link is never followed)."""
    if not made:
        return
    inner = made[-1]
    if inner.is_dir() and not inner.is_symlink():
        for root, dirs, _files in os.walk(inner, topdown=False):
            for name in dirs:
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(root, name))
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _registered(store, name: str) -> str | None:
    """``"on DATE, N persons"`` when leak ``name`` is registered in ``store``, else None (a
    store where no leak was ever registered has no ``leaks`` table)."""
    import duckdb

    try:
        row = store.con.execute("SELECT registered_at, subjects FROM leaks WHERE name = ?",
                                [name]).fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    when = row[0].date().isoformat() if row[0] is not None else "date unknown"
    n = row[1] or 0
    return f"on {when}, {n:,} person{'' if n == 1 else 's'}"


def _unreadable(reports) -> list[dict]:
    """The files that could not be read, for the assessment document: path as ``scan`` shows
    it (relative to the scanned folder, archive members as ``a.zip!b.csv``), the one-line
    reason (no data value) and the position when known."""
    return [{"path": r.issue.path, "reason": r.issue.reason, "position": r.issue.position}
            for r in reports if r.issue is not None and r.issue.kind == "error"]


def _os_reason(exc: OSError, path: Path) -> str:
    """The system's reason for ``exc``, said of the user's ``path`` (its folder when missing)."""
    if isinstance(exc, FileNotFoundError) and not Path(path).parent.exists():
        return f"no such folder {Path(path).parent}"
    return exc.strerror or type(exc).__name__


def _print_assessment(doc: dict, stderr: bool = False) -> None:
    from rich.table import Table

    from sentinelle.assess import STORED_NOTE
    from sentinelle.report.assessment import category_name, plural

    def n_(n: int, word: str) -> str:  # "1 person", "2 persons" (CLDR en)
        return plural(f"{n:,}", "en", word, word + "s")

    s = doc["subjects"]
    roles = s["by_role"]
    table = Table(title="sentinelle assess", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    lo, hi = s["interval"]
    table.add_row("persons", f"{s['unique']:,} (interval {lo:,}-{hi:,}) from {n_(s['records'], 'record')}")
    if STORED_NOTE in (s.get("method") or {}).get("notes", ()):  # a `scan`'s stored findings
        table.add_row("  note", "linked on exact keys only (a stored scan: no typo tolerance): "
                      "may be over-counted; assess the files for the best count")
    table.add_row("  patients", f"{roles['patient']['unique']:,}")
    table.add_row("  health professionals", f"{roles['health_professional']['unique']:,}")
    table.add_row("  other persons", f"{roles['other']['unique']:,}")
    for c in doc["combinations"][:3]:
        table.add_row("  " + c["label"], n_(c["subjects"], "person"))
    # named as in the HTML report; organisations are not persons (they are listed as sources)
    cats = ", ".join(f"{category_name(c['category'], 'en')}{' (art. 9)' if c['special_category'] else ''} "
                     f"{c['subjects']:,}" for c in doc["categories"]
                     if c["category"] != "organisation")
    table.add_row("categories", cats or "none")
    p = doc["period"]
    table.add_row("period", f"{p['start']} to {p['end']}" if p["start"] else
                  "unknown: a stored scan keeps no dates (assess the files themselves)"
                  if p.get("dated_records", 0) is None else "no dated record")
    fl = doc["files"]
    table.add_row("sources", f"{n_(len(doc['sources']), 'folder')}, {n_(fl['scanned'], 'file')}"
                  + (f" ({fl['partly_read']:,} partly read)" if fl.get("partly_read") else "")
                  + (f", {fl['errors']:,} unreadable" if fl.get("errors") else ""))
    groups = doc["copies"]["groups"]
    table.add_row("copies", f"{n_(len(groups), 'group')} of copies ({n_(sum(len(g['members']) for g in groups), 'file')})")
    for k in doc["copies"]["known_leaks"]:
        table.add_row("  known leak " + k["name"], f"{k['share_of_this']:.0%} of these persons ({k['overlap_subjects']:,})")
    sev = doc["severity"]
    table.add_row("severity (ENISA)", f"{sev['level']}: SE = {sev['dpc']['score']} x {sev['ei']['score']} + {sev['cb']['score']} = {sev['se']}"
                  + ("; CB assumes the data published: confirm with --exposure"
                     if sev["cb"].get("assumed") else ""))
    _console(stderr=stderr).print(table)


@app.command()
@click.argument("out", type=OUT_FOLDER)
@click.option("--patients", type=click.IntRange(min=1), default=2000, help="Number of synthetic patients.")
@click.option("--labs", type=click.IntRange(min=1), default=4, help="Number of laboratories exporting data.")
@click.option("--copies", type=click.IntRange(min=0), default=1, help="Re-released copies of the leak, with perturbations.")
@click.option("--seed", type=int, default=0, help="Random seed (same seed, same bytes).")
def synth(out: Path, patients: int, labs: int, copies: int, seed: int) -> None:
    """Write a realistic synthetic French medical-lab leak and its ground truth."""
    from sentinelle.synth import generate

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise _fail(f"{out}: exists and is not an empty folder")
    made = _missing_folders(out)
    t0 = time.perf_counter()
    try:
        result = generate(out, patients=patients, labs=labs, copies=copies, seed=seed)
    except BaseException as exc:
        # OUT was missing or empty: everything in it is this run's, so a run that fails or is
        # interrupted leaves no half-written leak without its truth (session 9, Ctrl-C)
        _empty_folder(out)
        _remove_folders(made)
        if isinstance(exc, KeyboardInterrupt):
            raise _fail("interrupted; nothing written", 130)
        if isinstance(exc, SentinelleError):
            raise _fail(str(exc))
        if isinstance(exc, OSError):
            raise _fail(f"cannot write {out}: {exc.strerror or type(exc).__name__}")
        raise
    click.echo(f"wrote {out}/leak ({result.files} files, {result.records:,} records, "
               f"{result.unique_persons:,} unique persons, {result.labels:,} labels) "
               f"and {out}/truth.json in {time.perf_counter() - t0:.1f} s")


@app.command()
@click.argument("truth", type=PATH)
@click.argument("findings", type=PATH)
@click.option("--match", default="exact", help="exact spans, or overlap.")
@click.option("--entities", "-e", default=None, help="Comma-separated labels to evaluate.")
@click.option("--strip-prefix", default=None, help="Remove this folder prefix from finding paths.")
@click.option("--format", "-f", "format", default="table", help="table or json.")
def evaluate(truth: Path, findings: Path, match: str, entities: Optional[str],
             strip_prefix: Optional[str], format: str) -> None:
    """Per-entity precision, recall and F1 of a findings file against a ground truth."""
    from sentinelle.evaluate import evaluate as run

    for name, path in (("TRUTH", truth), ("FINDINGS", findings)):
        why = _not_a_readable_file(path)
        if why is not None:  # `evaluate d d` named no file (session 9 fault list)
            what = "a truth.json or labels JSONL file" if name == "TRUTH" else "a findings JSONL file"
            raise _fail(f"{path}: {why} ({name} must be {what})")
    try:
        ev = run(truth, findings, match=match, entities=_parse_entities(entities), strip_prefix=strip_prefix)
    except SentinelleError as exc:
        raise _fail(str(exc))
    if format == "json":
        click.echo(json.dumps(ev.as_dict(), indent=2))
        return
    from rich.table import Table

    table = Table(title=f"evaluation ({ev.match} match)")
    for col in ("entity", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "entity" else "right")
    for e in (*ev.per_entity, ev.micro):
        table.add_row(e.entity_type, f"{e.tp:,}", f"{e.fp:,}", f"{e.fn:,}",
                      f"{e.precision:.4f}", f"{e.recall:.4f}", f"{e.f1:.4f}")
    _console().print(table)
    note = ev.left_out_note()  # finding types the truth does not cover (session 12)
    if note:
        click.echo(note)


def _not_a_readable_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file ("no such file", "is a folder", "cannot
    read (Permission denied)"), or None when it can."""
    if not path.exists():
        return "no such file"
    if path.is_dir():
        return "is a folder"
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        return f"cannot read ({exc.strerror or type(exc).__name__})"
    return None


@app.command("entities")
@click.option("--format", "fmt", default="table", help="table | json | markdown")
def entities_cmd(fmt: str) -> None:
    """List every entity label: what it finds, its detectors, how they validate, the rule's source."""
    from sentinelle.report.entity_table import entity_rows, render_markdown

    rows = entity_rows()
    if fmt == "json":
        click.echo(json.dumps([r.to_record() for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "markdown":
        click.echo(render_markdown(rows), nl=False)
        return
    if fmt != "table":
        _err(f"--format: unknown format {fmt!r} (table, json, markdown)")
        raise Exit(2)
    from rich.table import Table

    table = Table(title="entity types")
    for col in ("label", "category", "art. 9", "what it finds", "detector", "validation", "source"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.label, r.category, "yes" if r.special_category else "", r.description,
                      r.detectors, r.validation, r.source)
    _console().print(table)


@app.command()
@click.argument("paths", nargs=-1, required=True, type=IN_PATH)
@click.option("--out", type=OUT_FOLDER, required=True, help="Folder to write the redacted files into (same relative paths); its missing folders are removed again when no file was written.")
@click.option("--policy", required=True, help="Policy file (TOML/YAML) or preset: share, research, test-data.")
@click.option("--key-file", type=PATH, default=None, help="Key file; wins over $SENTINELLE_KEY (order: --key-file, then $SENTINELLE_KEY, then $SENTINELLE_KEY_FILE or ~/.config/sentinelle/key). It must exist, and so must a $SENTINELLE_KEY_FILE (create one with `sentinelle key new PATH`); only ~/.config/sentinelle/key is created when missing.")
@click.option("--k", "k", type=click.IntRange(min=2), default=None, help="Generalise quasi-identifiers until k-anonymity >= K. Counted on the records of tables only (CSV, JSON records, XLSX, Parquet, SQL dumps, HL7 v2): text files are redacted by the policy but not counted, and --k is refused (nothing written) when no input is a table.")
@click.option("--suppress", is_flag=True, help="With --k: blank the quasi-identifiers of records still in smaller classes.")
@click.option("--report", type=OUT_PATH, default=None, help="Write the residual-risk report (JSON) to this file (-: stdout; the summary then goes to stderr); not an input, nor one of the redacted files in --out.")
@click.option("--force", is_flag=True, help="Overwrite the files an earlier run left in --out. Without it, an --out that already holds a file this run would write is refused (exit 2, the file named, nothing written).")
@click.option("--config", "config_file", type=PATH, default=None, help="TOML configuration file (scan settings).")
@click.option("--hidden", is_flag=True, help="Also redact hidden files and folders.")
@click.option("--exclude", multiple=True, callback=_globs, help="Glob of file or folder names to skip (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="No summary; only errors and the exit code.")
def redact(paths: tuple[Path, ...], out: Path, policy: str, key_file: Optional[Path],
           k: Optional[int], suppress: bool, force: bool, report: Optional[Path],
           config_file: Optional[Path], hidden: bool, exclude: tuple[str, ...],
           quiet: bool) -> None:
    """Pseudonymise / anonymise files into --out, format kept, then re-scan the output.

    Exit code 0: written, no original value or validated identifier left, and the --k target
    met when one is given (without --k a k-anonymity of 1 is reported, "pseudonymised, not
    anonymous", not a failure); 1: the residual-risk check failed (an original value or a
    validated identifier left, or k not reached); 2: error (bad usage, unsafe output folder,
    a file that could not be redacted, or no file written: every input skipped as unsupported
    or not writable back, or --out already holding a file this run would write: see --force).
    """
    from sentinelle.privacy import load_key
    from sentinelle.redact import redact as run_redact
    from sentinelle.redact.policy import load_policy
    from sentinelle.redact.summary import exit_code, print_summary, report_dict

    if suppress and not k:
        raise _fail("--suppress needs --k N")
    try:
        config = _load_config(config_file)
        changes: dict = {}
        if hidden:
            changes["include_hidden"] = True
        if exclude:
            changes["exclude"] = tuple(config.exclude) + tuple(exclude)
        config = config.with_(**changes)
        pol = load_policy(policy)
        key = load_key(_existing_key(key_file))
        to_stdout = report == "-"  # the summary then goes to stderr
        if to_stdout:
            report = None
        _refuse_input_overwrite(paths, (("--report", report),))
        why = _check_output(report) if report is not None else None
        if why is None and report is not None:
            why = _report_over_output(paths, out, report, config)
        if why is not None:  # before the (long) redaction, not after it
            raise _fail(f"cannot write {report}: {why}")
        made = _missing_folders(out)  # removed again when no file is written
        from sentinelle.scanner import skipping
        with skipping(_own_outputs(paths, [report], quiet=quiet)):  # an earlier run's report: not redacted
            result = run_redact(paths, out, pol, key, config=config, k=k, suppress=suppress,
                                force=force)
    except SentinelleError as exc:
        _remove_folders(locals().get("made"))
        raise _fail(str(exc))
    except KeyboardInterrupt:
        _remove_folders(locals().get("made"))
        raise _fail("interrupted; files not yet renamed into place were not written", 130)
    if not any(f.status == "written" for f in result.files):
        _remove_folders(made)  # a refused run leaves no empty --out tree behind
    if not result.files:  # as `assess`: an empty folder is an error, not "nothing written"
        raise _fail(f"nothing to redact: no file found under {', '.join(map(str, paths))} "
                    "(empty, or only hidden or excluded files); nothing written")
    for f in result.files:  # as `scan` says it: path:position: reason
        if f.status != "written":
            _err(f"{f.status}: {f.path}{':' + f.position if f.position else ''}: {f.reason}")
    if result.files and all(f.status == "skipped" for f in result.files):  # exit 2, as errors
        n = len(result.files)
        _err(f"nothing written: none of the {n} input file{'' if n == 1 else 's'} could be "
             "redacted (see above)")
    code = exit_code(result)
    _epipe_code[0] = code
    if to_stdout:
        _Guarded(sys.stdout, "stdout").write(
            json.dumps(report_dict(result), ensure_ascii=False, indent=2) + "\n")
    elif report:
        with atomic_output(report) as fh:
            fh.write(json.dumps(report_dict(result), ensure_ascii=False, indent=2) + "\n")
    if not quiet:
        print_summary(result, _console(stderr=to_stdout))
    raise Exit(code)


@app.command()
@click.argument("paths", nargs=-1, required=True, type=IN_PATH)
@click.option("--out", type=OUT_FOLDER, required=True, help="Folder to write the re-identified files into.")
@click.option("--key-file", type=PATH, default=None, help="Key file used by redact; wins over $SENTINELLE_KEY (order: --key-file, then $SENTINELLE_KEY, then $SENTINELLE_KEY_FILE or ~/.config/sentinelle/key).")
@click.option("--log", type=OUT_LOG, default=None, help="Append the audit line here (default ~/.local/state/sentinelle/reidentify.log).")
def reidentify(paths: tuple[Path, ...], out: Path, key_file: Optional[Path],
               log: Optional[Path]) -> None:
    """Reverse the reversible pseudonyms (PSN: tokens) of redacted files; the run is logged.

    Exit code 0: written; 2: error (a token that does not decrypt with this key fails its file).
    """
    from sentinelle.privacy import load_key
    from sentinelle.redact.reidentify import reidentify as run_reidentify

    if key_file is not None and not key_file.exists():
        # load_key would create a fresh random key there, which can never reverse a token
        raise _fail(f"--key-file {key_file}: no such key file (give the key used by redact)")
    made = _missing_folders(out)  # removed again when no file is written, as `redact`
    try:
        key = load_key(key_file)
        rev = run_reidentify(paths, out, key, log=log)
    except SentinelleError as exc:
        _remove_folders(made)
        raise _fail(str(exc))
    except KeyboardInterrupt:
        _remove_folders(made)
        raise _fail("interrupted; files not yet renamed into place were not written", 130)
    files, tokens = rev.files, rev.tokens
    if not any(f.status == "written" for f in files):
        _remove_folders(made)
    if not files:  # as `redact` (and `assess`): an empty folder is an error, exit 2
        raise _fail(f"nothing to reidentify: no file found under {', '.join(map(str, paths))} "
                    "(empty, or only hidden or excluded files); nothing written")
    failed = [f for f in files if f.status == "error"]
    written = sum(1 for f in files if f.status == "written")
    if rev.key_mismatch:
        # not "0 tokens reversed in 0 files": the one thing the user must hear
        from sentinelle.privacy import KEY_ENV, default_key_file
        source = (f"--key-file {key_file}" if key_file else f"${KEY_ENV}"
                  if os.environ.get(KEY_ENV) else f"the key file {default_key_file()}")
        raise _fail(f"the key does not match: the PSN tokens of {len(failed):,} file(s) do not "
                    f"decrypt with {source} (use the key they were redacted with); "
                    "nothing written for them")
    for f in files:
        if f.status != "written":
            _err(f"{f.status}: {f.path}: {f.reason}")
    if not tokens and not rev.undecryptable:
        click.echo(f"no PSN token found (only values redacted with reversible = true can be "
                   f"reversed); {written:,} files copied into {out}")
    else:
        click.echo(f"{tokens:,} tokens reversed in {written:,} files into {out}")
    raise Exit(2 if failed else 0)


@app.group()
def key() -> None:
    """Manage HMAC key files (the key of every keyed hash and pseudonym)."""


@key.command("new")
@click.argument("path", type=OUT_KEY, required=False)
def key_new(path: Optional[Path]) -> None:
    """Create a new random key file at PATH (default: $SENTINELLE_KEY_FILE or
    ~/.config/sentinelle/key): 32 random bytes written as 64 hex characters and a newline
    (65 bytes), mode 0600 (missing folders 0700). An
    existing file is never replaced. Hashes made with one key match nothing made with another:
    keep it. Without PATH while $SENTINELLE_KEY is set, nothing is created: the scans would
    keep using $SENTINELLE_KEY and ignore the new file (give PATH and use --key-file PATH).

    Exit code 0: created; 2: PATH exists or cannot be created, or no PATH while
    $SENTINELLE_KEY is set.
    """
    from sentinelle.privacy import KEY_ENV, default_key_file, load_key

    if path is None and os.environ.get(KEY_ENV):
        raise _fail(f"${KEY_ENV} is set, so scans use it and would ignore a new default key "
                    f"file {default_key_file()}; nothing created (unset ${KEY_ENV}, or give a "
                    "PATH and pass --key-file PATH)")
    target = path or default_key_file()
    if target.exists() or target.is_symlink():
        raise _fail(f"{target}: exists; a key file is never replaced (choose another path)")
    try:
        load_key(target)  # creates it: O_CREAT | O_EXCL, mode 0600
    except SentinelleError as exc:
        raise _fail(str(exc))
    click.echo(f"new key written to {target}")


@app.command()
def version() -> None:
    """Print the version."""
    click.echo(f"sentinelle {__version__}")


def _quiet_exit(code: int) -> None:
    """Exit with ``code`` and no message: stdout and stderr are pointed at ``/dev/null`` first,
    so the interpreter's last flush of a closed pipe writes nowhere and says nothing (Python
    documentation, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    sys.exit(code)


def main() -> None:
    from sentinelle import recache
    recache.install()  # compiled regexes from the per-user cache (issue 6, start-up)
    # every write to stdout (Click's echo, Rich's tables) fails as OutputBroken naming
    # "stdout": `sentinelle entities > /dev/full` said "output" (session 9 fault list)
    if sys.stdout is not None and not isinstance(sys.stdout, _Guarded):
        sys.stdout = _Guarded(sys.stdout, "stdout")
    try:
        code = app.main(standalone_mode=False)
        sys.stdout.flush()  # a full disk is met here, not at the interpreter's exit
    except click.exceptions.NoArgsIsHelpError as exc:  # `sentinelle`, `sentinelle key`: help
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        # one line (house rule), not Click's three ("Usage: ...", "Try ...", "Error: ...")
        where = exc.ctx.command_path if exc.ctx is not None else "sentinelle"
        _err(f"{exc.format_message().rstrip('.')} (see `{where} --help`)")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _err(exc.format_message())
        sys.exit(exc.exit_code)
    except click.Abort:  # Ctrl-C outside the commands' own handling
        _err("interrupted")
        sys.exit(130)
    except OutputBroken as exc:
        if exc.closed_pipe:  # `| head -1`: the reader has what it wanted, as rg
            _quiet_exit(_epipe_code[0])
        _err(f"cannot write {exc.where}: {exc.exc.strerror or type(exc.exc).__name__}")
        sys.exit(2)
    except SentinelleError as exc:  # last resort: one line, no traceback
        _err(str(exc))
        sys.exit(2)
    except OSError as exc:  # an output that failed mid-way (a full disk): one line, exit 2
        _err(f"{exc.strerror or type(exc).__name__}: {exc.filename or 'output'}")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
