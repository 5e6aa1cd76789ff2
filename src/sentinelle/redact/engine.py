"""Redact files: pick the reader, run the scan pipeline, hand findings to the format's writer,
write the result atomically under the output folder.

Safety rules (each enforced here, for every writer):

* the input is opened read-only and never written; the output folder may not be an input, lie
  inside an input folder, or hold an input;
* an output path is the input's path relative to its root (a folder argument), or its name (a
  file argument); with several arguments it is prefixed by the argument's name. A path with a
  ``..`` part, or whose folder resolves (symbolic links followed) outside the output folder, is
  refused; an existing output folder that is a symbolic link is refused; personal data in
  the path's names is then replaced by :func:`sentinelle.redact.names.rename` (called by
  :func:`sentinelle.redact.redact` once the run's pipeline exists);
* each file is written to a private temporary file beside its target and renamed when complete:
  a failure (corrupt input, a finding that cannot be placed back, disk full, Ctrl-C) leaves no
  partial output; the temporary file is removed;
* a finding that the writer cannot place back where the reader saw it fails the file ("N
  findings could not be placed"): a value is never left in clear silently;
* formats that cannot be written back (PDF, Office documents, archives, mail) are not copied.

Records (session 12): a fake NIR no longer follows its record. Session 11 made it from what the
table row (:meth:`Run.redact_row`), the HL7 v2 PID segment or the FHIR Patient showed once
redacted, and kept the original's sex, year and month elsewhere (text, HPRIM, plain JSON), so
one NIR got two fakes and the fakes outside tables showed the real month of birth. The fake is
now a function of the NIR, the key and the policy alone
(:meth:`~sentinelle.redact.operators.Operators.nir_fake`; design in
:mod:`sentinelle.redact.fakes`, "One NIR, one fake"); ``record`` arguments are still accepted
(the HL7 v2 and FHIR writers pass them) and ignored. Output paths: an ``--out`` that already
holds a path this run would write is refused unless ``force``
(:func:`sentinelle.redact.redact`), and :func:`output_path` refuses in one line a folder of the
path that exists as a file.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from sentinelle.config import Config
from sentinelle.errors import ReadError, SentinelleError
from sentinelle.finding import Finding, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.privacy import KeyedHasher
from sentinelle.readers import pick_reader
from sentinelle.readers.archive import printable_path
from sentinelle.readers.base import Source
from sentinelle.readers.encoding import read_head
from sentinelle.finding import Location
from sentinelle.redact.fakes import Record
from sentinelle.redact.operators import Operators, Target, replace_spans
from sentinelle.redact.policy import AGE

_AGE_LOCATION = Location("<age column>")

HEAD_BYTES = 64 * 1024
#: entities whose value in a table cell is the whole cell (one name): a finding on a part of a
#: short cell stands for all of it, so a multi-word insurer name the lexicon knows only in part
#: ("Santé Mutuelle Ouest", found as "Mutuelle Ouest") leaves no fragment ("Santé ") behind
WHOLE_CELL = frozenset({"HEALTH_INSURER"})
#: a cell counts as one name when at most this many words lie outside the finding and it has
#: no sentence punctuation; a longer cell is free text and only the span is replaced
WHOLE_CELL_WORDS = 3
#: entity types that name a person, in the order they are preferred as a record's person key
PERSON_KEYS = ("FR_NIR", "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE")
#: entity types whose fake session 11 made from its record (the HL7 v2 writer still redacts
#: their PID fields after PID-7 / PID-8; the record is ignored since session 12)
RECORD_FAKES = frozenset({"FR_NIR"})


class RedactError(SentinelleError):
    """Raised when a file cannot be redacted or written (one line: the path and the reason)."""


class Unplaced(Exception):
    """A finding that a writer could not place back in the value it came from."""


@dataclass(slots=True)
class FileResult:
    """What happened to one input file."""

    path: str  # relative output path
    reader: str | None = None
    status: str = "written"  # written, skipped, error
    reason: str = ""
    findings: int = 0
    replaced: int = 0
    rows: int = 0
    columns: int = 0
    encoding: str | None = None
    #: the output path relative to the output folder, as written (``path`` is its printable
    #: form: a name that is not UTF-8 shows its bytes as ``\xNN``)
    rel: str = ""
    #: where in the input the error lies (``line 2 column 1``), as the reader says it
    position: str | None = None


class QiSink:
    """Quasi-identifier values of the output records (k-anonymity report), spooled to a private
    temporary TSV file (they are generalised values, but still kept off memory and removed at
    the end): table, path, sheet, row, birth date, postcode, sex, age, sensitive value."""

    COLUMNS = ("tbl", "path", "sheet", "row", "dob", "postcode", "sex", "age", "sensitive")

    def __init__(self, folder: Path):
        self.path = folder / "qi.tsv"
        self._fh = open(self.path, "w", encoding="utf-8", newline="")
        self._fh.write("\t".join(self.COLUMNS) + "\n")
        self.rows = 0

    def add(self, table: str, where: tuple, row: dict) -> None:
        path, sheet, index = (tuple(where) + (None, None, None))[:3]
        cells = [table, path, sheet, index, row["dob"], row["postcode"], row["sex"], row["age"],
                 row["sensitive"]]
        self._fh.write("\t".join(_tsv(c) for c in cells) + "\n")
        self.rows += 1

    def mark(self) -> tuple[int, int]:
        """Where the rows of the next file begin (for :meth:`rollback`)."""
        self._fh.flush()
        return self._fh.tell(), self.rows

    def rollback(self, mark: tuple[int, int]) -> None:
        """Forget the rows added since ``mark``: those of a file that was not written (an
        error after some rows, a variant that cannot be written), so the k-anonymity report
        and the ``--k`` plan count the written files only (Session 13 fault list: a file that
        failed half-way was reported with its k-anonymity)."""
        pos, rows = mark
        self._fh.flush()
        self._fh.seek(pos)
        self._fh.truncate()
        self.rows = rows

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _columns_named(header: Sequence[str], words: Sequence[str]) -> tuple[int, ...]:
    from sentinelle.detectors.base import fold_header

    wanted = {fold_header(w) for w in words}
    return tuple(j for j, h in enumerate(header)
                 if fold_header(h) in wanted or wanted & set(fold_header(h).split("_")))


@dataclass
class Run:
    """Everything shared by the files of one redaction run."""

    config: Config
    pipeline: Pipeline  # a redact.scope.ScopedPipeline: the scan's findings and invalid identifiers
    operators: Operators
    hasher: KeyedHasher
    normalizers: dict[str, Callable[[str], str]]
    input_hashes: dict[str, str] = field(default_factory=dict)  # value hash -> entity
    qi_sink: "QiSink | None" = None
    #: the pipeline file and folder names are analysed with (:mod:`sentinelle.redact.names`):
    #: every detector at the default ``min_score`` or below, whatever ``entities`` and
    #: ``min_score`` filter in the content (None: :attr:`pipeline`)
    name_pipeline: "Pipeline | None" = None
    _qi_columns: dict = field(default_factory=dict)

    @property
    def names(self):
        """The pipeline of file and folder names (:attr:`name_pipeline`)."""
        return self.name_pipeline if self.name_pipeline is not None else self.pipeline

    def note(self, batch: Iterable[Finding]) -> None:
        """Record the keyed hashes of input findings (residual-risk report)."""
        h = self.hasher
        for f in batch:
            self.input_hashes[h.hash(f.entity_type, f.normalized or f.value)] = f.entity_type

    def normalize(self, finding: Finding, text: str) -> str:
        """The detector's normal form of ``text`` (a part of ``finding``'s value)."""
        norm = self.normalizers.get(finding.evidence.detector)
        try:
            return norm(text) if norm else text
        except Exception:  # noqa: BLE001 - a normaliser must never stop a redaction
            return text

    # -- replacing ---------------------------------------------------------------------------
    def target(self, f: Finding, text: str, person: str, where: tuple,
               record: Record | None = None) -> Target:
        whole = text == f.value
        return Target(f.entity_type, text, f.normalized if whole else self.normalize(f, text),
                      person, where, record)

    def redact_value(self, value: str, found: Sequence[Finding], person: str,
                     where: tuple = (), record: Record | None = None) -> str:
        """``value`` with each finding's span replaced (the findings are of this value);
        ``record``: accepted and ignored (session 12: module docstring).

        A finding whose span does not hold its value is looked for in ``value``; not found:
        :class:`Unplaced`. A :data:`WHOLE_CELL` finding on part of a short value is widened to
        the whole value."""
        if len(found) == 1:
            found = self._whole_cell(value, found[0])
        if len(found) == 1:  # the common case: one finding, often the whole cell
            f = found[0]
            if value[f.start:f.end] == f.value and (f.start, f.end) == (0, len(value)):
                return self.operators.apply(Target(f.entity_type, value, f.normalized, person,
                                                   where, record))
        spans = []
        for f in found:
            s, e = f.start, f.end
            if value[s:e] != f.value:
                at = value.find(f.value) if f.value else -1
                if at < 0:
                    raise Unplaced
                s, e = at, at + len(f.value)
            spans.append((s, e, self.op(f, person, where, record)))
        return replace_spans(value, spans)

    def _whole_cell(self, value: str, f: Finding) -> list[Finding]:
        if f.entity_type not in WHOLE_CELL or (f.start, f.end) == (0, len(value)) \
                or value[f.start:f.end] != f.value:
            return [f]
        rest = (value[:f.start] + " " + value[f.end:]).split()
        if len(rest) > WHOLE_CELL_WORDS or any(c in value for c in ".;:!?\n"):
            return [f]
        return [replace(f, start=0, end=len(value), value=value,
                        normalized=self.normalize(f, value))]

    def redact_row(self, table: str, header: Sequence[str], cells: dict[int, list[Finding]],
                   value: Callable[[int], str | None], where: tuple) -> dict[int, str]:
        """The new text of each cell of one table row that holds findings.

        ``cells``: findings by column index; ``value(j)``: the cell's text as the reader saw it.
        An age column (header in the policy's ``age`` words) gets an ``AGE`` finding when the
        policy (or ``--k``) generalises ages. Records the row's quasi-identifiers for the
        k-anonymity report. Raises :class:`Unplaced`."""
        ages = self._age_columns(header)
        if ages and self.operators.spec(AGE).operator != "keep" and (
                AGE in self.operators.policy.entities or AGE in self.operators.levels):
            cells = dict(cells)
            for j in ages:
                text = value(j)
                if text and text.strip() and j not in cells:
                    cells[j] = [Finding(AGE, 0, len(text), 1.0, _AGE_LOCATION, value=text,
                                        normalized=text.strip())]
        found = [f for j in sorted(cells) for f in cells[j]]
        person = person_key(found)
        out: dict[int, str] = {}
        # a fake NIR depends on the NIR alone (session 12; fakes module docstring), so the
        # cells need no order and no record
        for j in cells:
            text = value(j)
            if text is None:
                raise Unplaced
            out[j] = self.redact_value(text, cells[j], person, where)
        if self.qi_sink is not None:
            self._record_qi(table, header, cells, out, value, where)
        return out

    def _age_columns(self, header: Sequence[str]) -> tuple[int, ...]:
        key = tuple(header)
        hit = self._qi_columns.get(key)
        if hit is None:
            hit = self._qi_columns[key] = (
                _columns_named(header, self.operators.policy.sex_headers),
                _columns_named(header, self.operators.policy.age_headers))
        return hit[1]

    def _record_qi(self, table, header, cells, out, value, where) -> None:
        sex_cols, age_cols = self._qi_columns[tuple(header)]
        row: dict[str, str | None] = {"dob": None, "postcode": None, "sex": None, "age": None,
                                      "sensitive": None}
        sensitive = self.operators.policy.sensitive
        for j, fs in cells.items():
            for f in fs:
                key = ("dob" if f.entity_type == "DATE_OF_BIRTH" else
                       "postcode" if f.entity_type == "FR_POSTAL_CODE" else
                       "sensitive" if f.entity_type in sensitive else None)
                if key and row[key] is None:
                    row[key] = out.get(j, value(j))
        if sex_cols:
            row["sex"] = value(sex_cols[0])
        if age_cols:
            row["age"] = out.get(age_cols[0], value(age_cols[0]))
        if row["dob"] is None and row["postcode"] is None and row["age"] is None:
            return  # no quasi-identifier in this row
        self.qi_sink.add(table, where, row)

    def op(self, f: Finding, person: str, where: tuple,
           record: Record | None = None) -> Callable[[str], str]:
        """The replacement function of ``f``'s span (or a part of it)."""
        ops = self.operators

        def apply(text: str) -> str:
            return ops.apply(self.target(f, text, person, where, record))
        return apply


def person_key(found: Iterable[Finding]) -> str:
    """The person a record is about: its NIR, else its name(s), else e-mail, phone, IBAN
    (normalised values joined); empty when the record names nobody."""
    by_type: dict[str, list[str]] = {}
    for f in found:
        if f.entity_type in PERSON_KEYS:
            by_type.setdefault(f.entity_type, []).append(f.normalized or f.value)
    for entity in PERSON_KEYS:
        if entity in by_type:
            return entity + "\x1f" + "\x1f".join(sorted(set(by_type[entity])))
    return ""


#: words before a name, on its line and after any other finding there, that make it a health
#: professional's name (prescriber, biologist, signatory) rather than the name of the person the
#: report is about; folded to lower case, accents optional
_PRO_CUE = re.compile(
    r"\b(?:dr|docteur|pr|prof|professeur|m[eé]decins?|prescri(?:pteur|ptrice|t)|"
    r"biologistes?|praticien(?:ne)?|pharmacien(?:ne)?|interne|infirmi[eè]re?|sage-femme|"
    r"valid[eé]e?|sign[eé]e?|adress[eé]e?)\b", re.I)


def report_sections(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` stretches of ``text`` between its cut lines, in order: the reports
    of a file of reports, each the unit that describes one person.

    Rule: the cut lines of :func:`sentinelle.pipeline.sections` (a separator character repeated
    5 times or more, alone on its line and set apart by blank lines, or a form feed: the hard
    document boundaries a lab system's batch export or a printed page puts between reports),
    without its size floor (that floor is about analysis cost; a short report is still one
    report). The cut lines themselves belong to no stretch. ``[(0, len(text))]`` when there is
    no cut."""
    from sentinelle.pipeline import _CUT, _set_apart

    out: list[tuple[int, int]] = []
    pos = 0
    for cut in _CUT.finditer(text):
        if cut.group() == "\f" or _set_apart(text, *cut.span()):
            out.append((pos, cut.start()))
            pos = cut.end()
    out.append((pos, len(text)))
    return out


def section_persons(text: str, found: Sequence[Finding], carry: str = "") -> tuple[list[str], str]:
    """Per finding of ``text`` (offsets in ``text``), the person key its dates are shifted by,
    and the key to carry into the next chunk of the same file.

    Every finding of one :func:`report_sections` stretch gets the stretch's key, so all the
    dates of a report move by the same number of days (intervals and order kept). The key is
    the stretch's person, as for a table row (:func:`person_key`), so the same person gets the
    same shift in every file: its first NIR (a checksum-valid one first), else the first name
    that is not a health professional's (no :data:`_PRO_CUE` word before it on its line: "Dr",
    "Prescripteur :", "biologiste"...), else, when it names nobody, a digest of the stretch's
    own text (a copy of the report elsewhere gets the same shift). ``carry`` is the key of the
    last stretch of the previous chunk (a report cut by the reader's chunking): the first
    stretch, which continues it, takes it. The returned carry is the key of the last stretch
    when no cut line ends the text, else ""."""
    secs = report_sections(text)
    starts = [a for a, _ in secs]
    members: list[list[int]] = [[] for _ in secs]
    for i, f in enumerate(found):
        members[max(bisect.bisect_right(starts, f.start) - 1, 0)].append(i)
    keys: list[str] = []
    for s, ((a, b), idx) in enumerate(zip(secs, members)):
        if s == 0 and carry:
            keys.append(carry)
            continue
        keys.append(_section_identity(text, [found[i] for i in idx], a)
                    or "SECTION\x1f" + hashlib.blake2b(
                        text[a:b].strip().encode("utf-8", "surrogatepass"),
                        digest_size=16).hexdigest())
    persons = [""] * len(found)
    for key, idx in zip(keys, members):
        for i in idx:
            persons[i] = key
    a, b = secs[-1]
    out_carry = keys[-1] if text[a:b].strip() else ""
    return persons, out_carry


def _section_identity(text: str, found: Sequence[Finding], start: int) -> str:
    """The person key of one report (see :func:`section_persons`); "" when it names nobody."""
    nirs = [f for f in found if f.entity_type == "FR_NIR"]
    if nirs:
        best = next((f for f in nirs if f.validation is Validation.VALID), nirs[0])
        return "FR_NIR\x1f" + (best.normalized or best.value)
    prev_end = start
    for f in found:
        if f.entity_type == "PERSON":
            line = text.rfind("\n", 0, f.start) + 1
            if not _PRO_CUE.search(text, max(line, prev_end), f.start):
                return "PERSON\x1f" + (f.normalized or f.value)
        prev_end = max(prev_end, f.end)
    return ""


# -- paths -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planned:
    """One input file and where its output goes."""

    src: Path
    rel: str  # output path relative to the output folder (POSIX)
    display: str  # the path findings carry (as ``sentinelle scan`` shows it)


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def plan(paths: Sequence[Path], out: Path, config: Config) -> tuple[list[Planned], list[FileResult]]:
    """The files to redact and their output paths; refusals as error results. Raises
    :class:`RedactError` for an output folder that is unsafe as a whole."""
    from sentinelle.scanner import Issue, walk

    if out.is_symlink():
        raise RedactError(f"{out}: the output folder is a symbolic link; give a real folder")
    if out.exists() and not out.is_dir():
        raise RedactError(f"{out}: exists and is not a folder")
    out_real = Path(os.path.realpath(out))
    for p in paths:
        real = Path(os.path.realpath(p))
        if real == out_real or (real.is_dir() and _within(out_real, real)):
            raise RedactError(f"{out}: the output folder must not be an input or lie inside one "
                              f"({p})")
        if _within(real, out_real):
            raise RedactError(f"{p}: an input must not lie inside the output folder {out}")
    multi = len(paths) > 1
    planned: list[Planned] = []
    refused: list[FileResult] = []
    seen: dict[str, str] = {}
    for item in walk(list(paths), config):
        if isinstance(item, Issue):
            refused.append(FileResult(item.path, None, "error" if item.kind == "error" else "skipped",
                                      item.reason))
            continue
        display, src = item
        rel = _relative(src, paths, multi)
        if rel is None or any(part in ("", ".", "..") for part in rel.split("/")) \
                or rel.startswith("/"):
            refused.append(FileResult(display, None, "error",
                                      "output path would leave the output folder"))
            continue
        if rel in seen:
            refused.append(FileResult(display, None, "error",
                                      f"two inputs map to the same output path {rel}"))
            continue
        seen[rel] = display
        planned.append(Planned(src, rel, display))
    return planned, refused


def _relative(src: Path, roots: Sequence[Path], multi: bool) -> str | None:
    for root in roots:
        if root.is_dir() and not root.is_symlink():
            try:
                inner = src.relative_to(root).as_posix()
            except ValueError:
                continue
            name = Path(os.path.abspath(root)).name or "input"
            return f"{name}/{inner}" if multi else inner
        if src == root:
            return src.name
    return None


def output_path(out: Path, rel: str) -> Path:
    """The absolute output path of ``rel`` under ``out``; raises :class:`RedactError` when its
    folder resolves outside ``out`` (a symbolic link planted in the output tree)."""
    target = out / rel
    parts = rel.split("/")
    for n in range(1, len(parts)):  # a file where a folder goes: one line, not "Not a directory"
        folder = out.joinpath(*parts[:n])
        if os.path.lexists(folder) and not folder.is_dir():
            raise RedactError(f"{rel}: {'/'.join(parts[:n])} exists in the output folder as a "
                              f"file, not a folder; refused")
    out_real = Path(os.path.realpath(out))
    parent_real = Path(os.path.realpath(target.parent))
    if not _within(parent_real, out_real):
        raise RedactError(f"{rel}: output folder resolves outside {out} (symbolic link); refused")
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise RedactError(f"{rel}: output path exists and is not a regular file; refused")
    return target


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator:
    """A private temporary binary file beside ``target``, renamed to it on success; missing
    folders are created with mode 0700 (:func:`sentinelle.outputs.make_folders`)."""
    from sentinelle.outputs import make_folders

    make_folders(target.parent)
    # the temporary name fits a 255-byte name limit whatever the target's length
    short = os.fsdecode(os.fsencode(target.name)[:200])  # a non-UTF-8 name stays as it is
    fd, tmp = tempfile.mkstemp(prefix=f".{short}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- one file ----------------------------------------------------------------------------------


def redact_file(item: Planned, out: Path, run: Run) -> FileResult:
    """Redact one file into ``out``; never raises for bad input (the result says why)."""
    from sentinelle.redact.writers import writer_for

    result = FileResult(printable_path(item.rel), rel=item.rel)  # output: the name's own bytes
    try:
        size = item.src.stat().st_size
        with open(item.src, "rb") as fh:
            head = read_head(fh, HEAD_BYTES)
    except OSError as exc:
        result.status, result.reason = "error", f"cannot read ({exc.strerror})"
        return result
    if run.config.max_file_bytes and size > run.config.max_file_bytes:
        result.status, result.reason = "skipped", f"larger than max_file_bytes ({size} bytes)"
        return result
    reader = pick_reader(head, item.display, run.config) if head else None
    if head and reader is None:
        result.status, result.reason = "skipped", "unsupported format: not copied"
        return result
    writer = writer_for(reader) if reader is not None else None
    if head and writer is None:
        result.reader = reader.name
        result.status = "skipped"
        result.reason = f"{reader.name} files cannot be written back: not copied"
        return result
    source = Source(item.display, size, lambda: open(item.src, "rb"), item.src)
    try:
        target = output_path(out, item.rel)
        with atomic_file(target) as (fh, tmp):
            if not head:  # an empty file stays empty
                return result
            result.reader = reader.name
            stats: dict = {}
            writer.write(source, reader, stats, fh, tmp, run, result)
            result.rows = int(stats.get("rows", 0))
            result.columns = int(stats.get("columns", 0))
            result.encoding = stats.get("encoding")
    except Unplaced:
        result.status = "error"
        result.reason = "a finding could not be placed back in the output: file not written"
    except ReadError as exc:
        _read_error(result, exc)
    except RedactError as exc:
        from sentinelle.redact.writers import NotWritable

        result.status = "skipped" if isinstance(exc, NotWritable) else "error"
        result.reason = str(exc)
    except SentinelleError as exc:
        result.status, result.reason = "error", str(exc)
    except UnicodeError as exc:
        result.status, result.reason = "error", f"cannot decode or encode text ({type(exc).__name__})"
    except PermissionError:
        result.status, result.reason = "error", "permission denied"
    except OSError as exc:
        result.status, result.reason = "error", f"cannot write ({exc.strerror or type(exc).__name__})"
    except RecursionError:
        result.status, result.reason = "error", "structure nested too deeply"
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the run
        # a writer that parses the file itself (JSON, Parquet) may meet a fault before the
        # reader does: the reader's own error names the file and the position
        error = _reader_error(reader, source)
        if error is not None:
            _read_error(result, error)
        else:
            result.status = "error"
            result.reason = f"internal error in writer ({type(exc).__name__})"
    if result.status != "written":
        result.replaced = 0  # nothing of this file was written
    return result


def _read_error(result: FileResult, exc: ReadError) -> None:
    result.status = "error"
    result.reason = f"{exc.reason.rstrip('. ')}; file not written"
    result.position = exc.position


def _reader_error(reader, source: Source) -> ReadError | None:
    """The :class:`ReadError` ``reader`` raises on ``source`` when read to the end, else None
    (the file reads well: the fault was the writer's). Only called when a writer failed."""
    from sentinelle.readers.base import TableUnit

    try:
        for unit in reader.read(source, {}):
            if isinstance(unit, TableUnit):
                for _ in unit.batches:
                    pass
    except ReadError as exc:
        return exc
    except Exception:  # noqa: BLE001 - the reader fails otherwise: the writer's error stands
        return None
    return None

