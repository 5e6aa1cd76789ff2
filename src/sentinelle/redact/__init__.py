"""Redaction: pseudonymise and anonymise files, format kept (``sentinelle redact``).

:func:`redact` writes, under an output folder, a redacted copy of every input file whose format
can be written back (CSV/TSV, JSON/NDJSON, FHIR JSON, text, XLSX, Parquet, SQL dumps, HL7 v2, HPRIM Santé),
then checks the result (:mod:`sentinelle.redact.risk`): a re-scan of the output compared by keyed
hash with the input's findings, and the k-anonymity / l-diversity of the quasi-identifiers.
With ``k``, quasi-identifiers are generalised further until every class holds ``k`` records
(or the report says why they cannot).

Redaction consumes the scan's findings (readers and pipeline); it never re-implements
detection. Operators and policies: :mod:`sentinelle.redact.operators`,
:mod:`sentinelle.redact.policy`; writers: :mod:`sentinelle.redact.writers`; reversal of
``reversible`` pseudonyms: :mod:`sentinelle.redact.reidentify`.

Session 13: k-anonymity is counted on the records of the files written only (a file that failed
half-way had its records counted and its table reported); the files not written are named in
the anonymity report with their status, position and reason (``Anonymity.not_counted``:
:class:`~sentinelle.redact.risk.NotCounted`, :func:`not_written_reason`).

Session 12: an output folder that already holds a path the run would write is refused before
anything is written (the first such path named, as the run names it), unless ``force``
(``--force``); outputs overwrote an earlier run's silently.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from sentinelle.config import Config
from sentinelle.redact.engine import FileResult, QiSink, RedactError, Run, plan, redact_file
from sentinelle.redact.policy import Policy, load_policy

__all__ = ["FileResult", "Policy", "RedactError", "RedactResult", "load_policy", "redact"]


@dataclass
class RedactResult:
    """The files written and the residual-risk report (:class:`sentinelle.redact.risk.Risk`)."""

    files: list[FileResult] = field(default_factory=list)
    risk: object | None = None
    policy: Policy | None = None
    levels: dict[str, int] = field(default_factory=dict)
    passes: int = 1

    @property
    def errors(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "error"]


def _build_run(config: Config, policy: Policy, key: bytes, levels=None, suppress=frozenset(),
               qi_folder: Path | None = None) -> Run:
    from sentinelle.detectors import build
    from sentinelle.privacy import KeyedHasher
    from sentinelle.redact.operators import Operators
    from sentinelle.redact.scope import ScopedPipeline

    detectors = build(config.entities, config)
    normalizers = {d.name: d.normalize for d in detectors}
    # findings of the scan, and identifiers whose checksum failed (redact.scope)
    run = Run(config, ScopedPipeline(detectors, config),
              Operators(policy, key, levels=levels, suppress=suppress), KeyedHasher(key),
              normalizers)
    names_config = _names_config(config)
    if names_config is not config:  # file names: every detector, whatever the filters
        every = build(None, names_config)
        for d in every:
            normalizers.setdefault(d.name, d.normalize)
        run.name_pipeline = ScopedPipeline(every, names_config)
    if qi_folder is not None:
        run.qi_sink = QiSink(qi_folder)
    return run


def _names_config(config: Config) -> Config:
    """The configuration file and folder names are analysed with: ``config`` without its
    ``entities`` filter and with ``min_score`` at most the default one (``config`` itself when
    it filters nothing).

    Why (Session 13 fault list): ``entities`` and ``min_score`` choose what is replaced in the
    *content* (the user keeps the rest on purpose), but an output name is not content: it is
    printed in the summary, the ``--report`` and every message about the file, where the
    project never prints a raw identifier, and it is seen by whoever lists the folder. With
    ``entities = ["FR_NIR"]`` the output ``CR_DUPONTEL_Mireille_fr_nir_xxx.txt`` carried the
    patient's name; with ``["PHONE_NUMBER"]`` the NIR itself. A name part replaced for nothing
    costs a file name only."""
    default = Config().min_score
    if config.entities is None and config.min_score <= default:
        return config
    return config.with_(entities=None, min_score=min(config.min_score, default))


#: readers whose files are records (rows with columns): the only ones k-anonymity is counted on
TABLE_READERS = frozenset({"csv", "json", "fhir", "spreadsheet", "parquet", "sql", "hl7v2"})


#: how messages name the files of a reader that is not a table (singular, plural), so a PDF is
#: not counted as a "text file" (session 8 fault list)
KIND_NAMES = {
    "text": ("text file", "text files"), "pdf": ("PDF", "PDFs"),
    "docx": ("Word document", "Word documents"), "odt": ("OpenDocument text", "OpenDocument texts"),
    "rtf": ("RTF document", "RTF documents"), "html": ("HTML page", "HTML pages"),
    "archive": ("archive", "archives"), "mail": ("mail file", "mail files"),
    "hprim": ("HPRIM Santé file", "HPRIM Santé files"), "arrow": ("Arrow file", "Arrow files"),
    "sqlite": ("SQLite database", "SQLite databases"),
}


def kinds_phrase(counts: dict[str, int]) -> str:
    """``{"text": 2, "pdf": 1}`` -> ``"2 text files, 1 PDF"`` (reader names of
    :data:`KIND_NAMES`, in that order; another name as ``"N <name> file(s)"``)."""
    order = {name: i for i, name in enumerate(KIND_NAMES)}
    parts = []
    for name, n in sorted(counts.items(), key=lambda t: (order.get(t[0], len(order)), t[0])):
        one, many = KIND_NAMES.get(name, (f"{name} file", f"{name} files"))
        parts.append(f"{n:,} {one if n == 1 else many}")
    return ", ".join(parts)


def _check_k_applies(planned, config: Config, k: int) -> None:
    """Raise :class:`RedactError` (before anything is written) when no input file is a table:
    k-anonymity counts records that share their quasi-identifiers, and a free text has no
    records; its birth dates and postcodes are generalised by the policy, never counted."""
    from sentinelle.readers import pick_reader
    from sentinelle.readers.encoding import read_head
    from sentinelle.redact.engine import HEAD_BYTES

    kinds: dict[str, int] = {}
    for item in planned:
        try:
            with open(item.src, "rb") as fh:
                head = read_head(fh, HEAD_BYTES)
        except OSError:
            continue  # reported as an error of its own by the run
        reader = pick_reader(head, item.display, config) if head else None
        if reader is not None and reader.name in TABLE_READERS:
            return
        if reader is not None:
            kinds[reader.name] = kinds.get(reader.name, 0) + 1
    if kinds:
        texts = kinds.get("text", 0)
        why = ("drop --k: the policy still generalises the dates and postcodes of the text "
               f"file{'' if texts == 1 else 's'}" if texts else "")
        others = [KIND_NAMES.get(n, (n, f"{n} files"))[1] for n in KIND_NAMES if n in kinds
                  and n != "text"] + sorted(f"{n} files" for n in kinds if n not in KIND_NAMES)
        if others:  # PDF, Office, HTML, archives, mail: not written back (redact/engine.py)
            why += ("; " if why else "") + "redact does not write back " + ", ".join(others)
        raise RedactError(f"--k {k}: k-anonymity is counted on tables (CSV, JSON records, XLSX, "
                          f"Parquet, SQL dumps, HL7 v2) and none of the inputs is one "
                          f"({kinds_phrase(kinds)}); nothing written ({why})")


def _masked_result(res: FileResult, run: Run) -> FileResult:
    """A file refused before redaction, named with the personal data of its path masked
    (:func:`sentinelle.redact.names.mask_path`): it has no output name to be listed by."""
    from sentinelle.redact.names import mask_path

    res.path = mask_path(run.names, res.path)
    if res.reason:  # "two inputs map to the same output path NAME"
        res.reason = mask_path(run.names, res.reason)
    return res


def redact(paths: Sequence[str | Path], out: str | Path, policy: Policy | str, key: bytes, *,
           config: Config | None = None, k: int | None = None, suppress: bool = False,
           check: bool = True, force: bool = False,
           on_file: Callable[[FileResult], None] | None = None) -> RedactResult:
    """Redact ``paths`` (files and folders) into the folder ``out``.

    ``policy``: a :class:`Policy` or a preset name / policy file; ``key``: the user's key
    (:func:`sentinelle.privacy.load_key`). ``k``: generalise quasi-identifiers until
    k-anonymity >= k (``suppress``: then blank the quasi-identifiers of the records still in
    smaller classes); k-anonymity is counted on the records of tables only (:data:`TABLE_READERS`):
    text files are redacted by the policy but not counted, and a ``k`` with no table among the
    inputs is refused before anything is written. ``check``: re-scan the output and compute the
    risk report. Personal data in file and folder names is replaced in the output names
    (:mod:`sentinelle.redact.names`; ``FileResult.path`` is the output name, a refused file's
    path is masked) and the risk report re-scans the output names too. ``force``: overwrite
    the files an earlier run left in ``out``; without it, an ``out`` that already holds a path
    this run would write is refused before anything is written (:func:`_refuse_overwrite`).
    Raises :class:`RedactError` (unsafe output folder, ``k`` with no table, an output that
    would be overwritten) and
    :class:`~sentinelle.errors.ConfigError`; a file that cannot be redacted is an error result.
    """
    from sentinelle.redact import names as _names
    from sentinelle.redact import risk as _risk

    config = config or Config()
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    paths = [Path(p) for p in paths]
    out = Path(out)
    planned, refused = plan(paths, out, config)
    if k:
        _check_k_applies(planned, config, k)
    from sentinelle.outputs import make_folders

    try:
        make_folders(out)  # mode 0700, its missing parents too
    except OSError as exc:
        raise RedactError(f"cannot write {out}: {exc.strerror or type(exc).__name__}") from None
    work = Path(tempfile.mkdtemp(prefix="sentinelle-redact-"))
    try:
        result = RedactResult(policy=policy)
        levels: dict[str, int] = {}
        suppressed: frozenset = frozenset()
        note = ""
        for attempt in range(2):
            qi_folder = work / f"pass{attempt}"
            qi_folder.mkdir()
            run = _build_run(config, policy, key, levels, suppressed, qi_folder)
            if attempt == 0:  # output names: personal data in a name replaced (redact.names)
                planned, name_found = _names.rename(planned, run)
                refused = [_masked_result(r, run) for r in refused]
                if not force:
                    _refuse_overwrite(planned, out)
                names_written = set(run.operators.written)
            else:  # the names' replacements, made once: the re-scan knows them as ours
                run.operators.written.update(names_written)
            for found in name_found:
                run.note(found)
            files = list(refused)
            try:
                for item in planned:
                    mark = run.qi_sink.mark()
                    res = redact_file(item, out, run)
                    if res.status != "written":  # its records are in no output file
                        run.qi_sink.rollback(mark)
                    files.append(res)
                    if on_file is not None and (attempt == 1 or not k):
                        on_file(res)
            finally:
                run.qi_sink.close()
            result.files = files
            result.passes = attempt + 1
            anonymity = _risk.anonymity(run.qi_sink.path, policy, k)
            if not k or anonymity.k_min is None or anonymity.k_min >= k or attempt == 1:
                break
            plan_k = _risk.plan_generalisation(run.qi_sink.path, policy, k, suppress)
            if not plan_k.levels and not plan_k.suppressed:
                break
            levels, suppressed = plan_k.levels, plan_k.suppressed
            result.levels = dict(levels)
            note = plan_k.reason
        anonymity.levels = dict(levels)
        anonymity.not_counted = [_risk.NotCounted(f.path, f.status, f.position or None,
                                                  not_written_reason(f.reason))
                                 for f in result.files if f.status != "written"]
        if note:
            anonymity.note = note
        if check:
            result.risk = _risk.assess(out, [f for f in result.files if f.status == "written"],
                                       run, anonymity, k)
        else:
            result.risk = None
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: endings of a file's reason that say it was not written: said once by ``not_counted``
_NOT_WRITTEN_TAILS = ("; file not written", ": file not written", ": not copied")
#: a reader's remark on the rest of a file it read on after a fault: true of a scan, not of a
#: file redact did not write (:mod:`sentinelle.readers.jsondoc`)
_READ_ON_REMARKS = (" (the other lines were read)", " (the records before it were read)")


def not_written_reason(reason: str) -> str:
    """``reason`` (a :class:`FileResult`'s) as ``Anonymity.not_counted`` gives it: without
    what the list already says (the file was not written: ``; file not written``, ``: not
    copied``) and without the reader's remark that the other lines of the file were read (the
    file is not written at all); Session 13 review."""
    for tail in _NOT_WRITTEN_TAILS:
        if reason.endswith(tail):
            reason = reason[: -len(tail)]
            break
    for remark in _READ_ON_REMARKS:
        reason = reason.replace(remark, "")
    return reason


def _refuse_overwrite(planned, out: Path) -> None:
    """Raise :class:`RedactError` naming the first output path (as this run names it: its
    redacted name, never the input's) that already exists under ``out``, or whose folder
    exists there as a file (session 12 fault list: an earlier run's outputs were overwritten
    silently). Called before any file is written; ``--force`` skips it."""
    from sentinelle.readers.archive import printable_path

    for item in planned:
        target = out / item.rel
        if os.path.lexists(target):
            raise RedactError(f"{out}: already holds {printable_path(item.rel)}, which this run "
                              f"would overwrite; nothing written (give an empty --out, or "
                              f"--force to overwrite)")
        parts = item.rel.split("/")
        for n in range(1, len(parts)):
            folder = out.joinpath(*parts[:n])
            if os.path.lexists(folder) and not folder.is_dir():
                raise RedactError(f"{out}: already holds {printable_path('/'.join(parts[:n]))} "
                                  f"as a file, where this run writes a folder; nothing "
                                  f"written (give an empty --out)")
