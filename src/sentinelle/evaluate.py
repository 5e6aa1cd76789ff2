"""Precision, recall and F1 of a findings file against a ground truth.

Inputs:

* ``truth``: a ``truth.json`` written by ``sentinelle synth`` (schema in docs/truth-schema.md;
  its ``labels`` member names the labels file, relative to it, and ``entity_types`` the labels
  that are annotated exhaustively), or a labels JSONL file directly (then the entity types are
  those present in it). Label records: ``path, row, column, sheet, start, end, entity_type``
  (``sheet`` may be missing: null).
* ``findings``: a findings JSONL file (README, "Findings contract"; docs/findings-schema.md) of
  schema version 1 (no ``schema_version`` field) or 2; a line of another version (a file
  written by a newer release) is refused with one line naming the file and the line. Version 1
  files are read as they are: their HL7/HPRIM repeated identifier fields are one column
  (``PID-3``, offsets in the whole field) where a version 2 truth names each repetition
  (``PID-3[1]``), and their status cells have spans (matched as spans).

Matching (per entity type, within the same path, row and column, and the same sheet when both
name one):

* ``exact``: same ``start`` and ``end``;
* ``overlap``: the spans share at least one character (each truth label and each finding counts
  at most once: a truth label is found when some finding overlaps it, a finding is correct when
  it overlaps some label);
* in both modes, a table finding with a null ``end`` covers its whole cell and matches any label
  of its type in that cell: a status cell (``statut_vih`` = ``positif``) is written with
  ``start`` 0 and ``end`` null so that no span length reveals the status (README, "Findings
  contract"; ``finding.VALUELESS_PATTERNS``).

Findings whose entity type is not annotated in the truth are ignored (they are neither right nor
wrong); :attr:`Evaluation.left_out` counts them per type (session 12, new-user trial: 4,961 of
17,621 findings on examples/leak, LOCATION, STREET_ADDRESS..., were left out without a word;
``sentinelle evaluate`` now prints one note line, and ``left_out`` in its JSON). Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R); micro figures
sum TP/FP/FN over types (as in presidio-research's evaluator and the CoNLL convention).

The join runs in DuckDB so multi-million-label truths are evaluated without loading them into
Python objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from sentinelle.errors import TruthError
from sentinelle.finding import READABLE_SCHEMA_VERSIONS, check_schema_version


@dataclass(frozen=True, slots=True)
class EntityScore:
    entity_type: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"entity_type": self.entity_type, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Per-entity scores and the micro average (``micro.entity_type == "micro"``).

    ``left_out``: ``(entity_type, number of findings)`` of the finding types not in the figures
    (not annotated in the truth, or not in ``entities``), most findings first, then by name."""

    match: str
    per_entity: tuple[EntityScore, ...]
    micro: EntityScore
    left_out: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"match": self.match, "micro": self.micro.as_dict(),
                "per_entity": [e.as_dict() for e in self.per_entity],
                "left_out": {ent: n for ent, n in self.left_out}}

    def left_out_note(self) -> str | None:
        """One line naming the :attr:`left_out` types and their counts, or None when none:
        ``note: 3 findings left out of the figures, types the truth does not cover: LOCATION
        2, URL 1``."""
        if not self.left_out:
            return None
        total = sum(n for _, n in self.left_out)
        kinds = ", ".join(f"{ent} {n:,}" for ent, n in self.left_out)
        return (f"note: {total:,} finding{'s' * (total != 1)} left out of the figures, types "
                f"the truth does not cover: {kinds}")


#: what each argument must be, said when a file is not (session 11 fault list: swapped
#: arguments or a CSV printed DuckDB's "Malformed JSON ... Try auto-detecting")
EXPECTED = {
    "TRUTH": "TRUTH (the first argument) must be a truth.json written by `sentinelle synth` "
             "or a labels JSONL file",
    "FINDINGS": "FINDINGS (the second argument) must be a findings JSONL file written by "
                "`sentinelle scan --findings`",
}
_SWAPPED = " (arguments swapped? the order is TRUTH FINDINGS)"


def _check_first_line(path: Path, role: str) -> None:
    """Raise :class:`TruthError` (one line: the file, what is wrong, what ``role`` --
    ``"TRUTH"`` for a labels file, ``"FINDINGS"`` -- must be) when the first non-blank line of
    ``path`` is not a JSON object with an ``entity_type``: a CSV, a JSON document (a
    ``truth.json`` given as FINDINGS), or a findings file given as TRUTH (its records carry
    ``masked``). Only the first line is read (at most 1 MiB); a later bad line is DuckDB's to
    find (:func:`_duckdb_error`)."""
    line = b""
    n = 0
    try:
        with open(path, "rb") as fh:
            while not line.strip():
                line = fh.readline(1 << 20)
                n += 1
                if not line:
                    return  # empty: no label, no finding
    except OSError as exc:
        raise TruthError(f"{path}: cannot read ({exc.strerror}); {EXPECTED[role]}") from None
    try:
        record = json.loads(line)
    except ValueError:
        if line.strip() in (b"{", b"["):
            raise TruthError(f"{path}: a JSON document, not JSON lines; {EXPECTED[role]}"
                             + _SWAPPED) from None
        raise TruthError(f"{path}: line {n} is not JSON; {EXPECTED[role]}") from None
    if not isinstance(record, dict) or "entity_type" not in record:
        raise TruthError(f"{path}: line {n} is not a {'label' if role == 'TRUTH' else 'finding'}"
                         f" (no entity_type); {EXPECTED[role]}")
    if role == "TRUTH" and "masked" in record:
        raise TruthError(f"{path}: a findings file given as TRUTH; {EXPECTED['TRUTH']}"
                         + _SWAPPED)


def _duckdb_error(exc: Exception, files: dict[str, str]) -> TruthError:
    """One line for a DuckDB read error: ``FILE: line N: malformed JSON; what it must be``
    when DuckDB names the file (``files``: path as given -> role), else its first line. The
    line is found here, by reading the file line by line (DuckDB 1.x counts one too many)."""
    import re

    first = str(exc).strip().splitlines()[0]
    m = re.search(r'in file "([^"]*)"', first)
    if m and m.group(1) in files:
        path = m.group(1)
        try:
            with open(path, "rb") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        json.loads(line)
                    except ValueError:
                        return TruthError(f"{path}: line {n}: malformed JSON; "
                                          f"{EXPECTED[files[path]]}")
        except OSError:
            pass
    return TruthError(f"cannot read labels or findings ({first})")


def _resolve_truth(truth: Path) -> tuple[Path, list[str] | None]:
    if not truth.exists():
        raise TruthError(f"{truth}: no such file")
    if truth.suffix == ".json":
        try:
            meta = json.loads(truth.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TruthError(f"{truth}: not a readable truth.json ({type(exc).__name__}); "
                             f"{EXPECTED['TRUTH']}") from None
        if not isinstance(meta, dict) or "labels" not in meta:
            raise TruthError(f"{truth}: truth.json has no 'labels' member; {EXPECTED['TRUTH']}"
                             + _SWAPPED)
        labels = (truth.parent / meta["labels"]).resolve()
        if not labels.exists():
            raise TruthError(f"{labels}: labels file named by {truth} does not exist")
        types = meta.get("entity_types")
        return labels, list(types) if types else None
    return truth, None


def evaluate(truth: Path, findings: Path, *, match: str = "exact",
             entities: Sequence[str] | None = None, strip_prefix: str | None = None) -> Evaluation:
    """Score ``findings`` against ``truth`` (see the module docstring).

    ``entities`` restricts the evaluation to these labels; ``strip_prefix`` is removed from the
    start of finding paths (when the scan root was a parent of the truth's root).
    Raises :class:`TruthError` on a missing or malformed file, naming it and what it must be
    (:data:`EXPECTED`: TRUTH a truth.json or labels JSONL, FINDINGS a findings JSONL).
    """
    import duckdb

    if match not in ("exact", "overlap"):
        raise TruthError(f"unknown match mode {match!r} (exact or overlap)")
    labels, types = _resolve_truth(Path(truth))
    findings = Path(findings)
    if not findings.exists():
        raise TruthError(f"{findings}: no such file")
    _check_first_line(labels, "TRUTH")
    _check_first_line(findings, "FINDINGS")
    con = duckdb.connect()
    cols = ("{'path': 'VARCHAR', 'row': 'BIGINT', 'column': 'VARCHAR', 'sheet': 'VARCHAR', "
            "'start': 'BIGINT', 'end': 'BIGINT', 'entity_type': 'VARCHAR'}")
    fields = 'path, "row", "column", sheet, start, "end", entity_type'
    try:
        con.execute(f"CREATE TABLE t AS SELECT {fields} "
                    f"FROM read_json(?, format='newline_delimited', columns={cols})", [str(labels)])
        if findings.stat().st_size == 0:
            con.execute("CREATE TABLE f AS SELECT * FROM t WHERE false")
        else:
            fcols = cols[:-1] + ", 'schema_version': 'JSON'}"
            con.execute(f"CREATE TABLE f AS SELECT {fields}, schema_version "
                        f"FROM read_json(?, format='newline_delimited', columns={fcols})",
                        [str(findings)])
            unread = con.execute(
                "SELECT count(*) FROM f WHERE schema_version IS NOT NULL AND "
                "schema_version::VARCHAR NOT IN (" + ", ".join(
                    f"'{v}'" for v in READABLE_SCHEMA_VERSIONS) + ")").fetchone()[0]
            if unread:
                _refuse_version(findings)
            con.execute("ALTER TABLE f DROP COLUMN schema_version")
    except duckdb.Error as exc:
        raise _duckdb_error(exc, {str(labels): "TRUTH", str(findings): "FINDINGS"}) from None
    if strip_prefix:
        pre = strip_prefix.rstrip("/") + "/"
        con.execute("UPDATE f SET path = substr(path, ?) WHERE starts_with(path, ?)", [len(pre) + 1, pre])
    if types is None:
        types = [r[0] for r in con.execute("SELECT DISTINCT entity_type FROM t ORDER BY 1").fetchall()]
    if entities:
        types = [t for t in types if t in set(entities)]
    con.execute("CREATE TABLE types AS SELECT unnest(?::VARCHAR[]) AS entity_type", [types])
    left_out = tuple((str(ent), int(n)) for ent, n in con.execute(
        "SELECT coalesce(entity_type, '(none)') AS e, count(*) AS n FROM f "
        "WHERE entity_type IS NULL OR entity_type NOT IN (SELECT entity_type FROM types) "
        "GROUP BY e ORDER BY n DESC, e").fetchall())
    con.execute("DELETE FROM t WHERE entity_type NOT IN (SELECT entity_type FROM types)")
    con.execute("DELETE FROM f WHERE entity_type NOT IN (SELECT entity_type FROM types)")
    con.execute("ALTER TABLE t ADD COLUMN tid BIGINT; UPDATE t SET tid = rowid")
    con.execute("ALTER TABLE f ADD COLUMN fid BIGINT; UPDATE f SET fid = rowid")
    same = ("t.path = f.path AND t.entity_type = f.entity_type "
            "AND t.\"row\" IS NOT DISTINCT FROM f.\"row\" AND t.\"column\" IS NOT DISTINCT FROM f.\"column\" "
            "AND (t.sheet IS NULL OR f.sheet IS NULL OR t.sheet = f.sheet)")
    span = ("t.start = f.start AND t.\"end\" = f.\"end\"" if match == "exact"
            else "t.start < f.\"end\" AND f.start < t.\"end\"")
    # a status cell's finding (end null, start 0) covers the whole cell: any label in it
    span = f"(({span}) OR (f.\"end\" IS NULL AND f.\"column\" IS NOT NULL))"
    con.execute(f"CREATE TABLE m AS SELECT t.tid, f.fid, t.entity_type FROM t JOIN f ON {same} AND {span}")
    rows = con.execute("""
        SELECT ty.entity_type,
               (SELECT count(DISTINCT tid) FROM m WHERE m.entity_type = ty.entity_type) AS tp_t,
               (SELECT count(DISTINCT fid) FROM m WHERE m.entity_type = ty.entity_type) AS tp_f,
               (SELECT count(*) FROM t WHERE t.entity_type = ty.entity_type) AS n_t,
               (SELECT count(*) FROM f WHERE f.entity_type = ty.entity_type) AS n_f
        FROM types ty ORDER BY ty.entity_type""").fetchall()
    con.close()
    per = []
    for ent, tp_t, tp_f, n_t, n_f in rows:
        # recall counts truth labels found; precision counts findings that are right
        per.append(_score(ent, tp_t, tp_f, n_t, n_f))
    micro = _score("micro", sum(r[1] for r in rows), sum(r[2] for r in rows),
                   sum(r[3] for r in rows), sum(r[4] for r in rows))
    return Evaluation(match, tuple(per), micro, left_out)


def _refuse_version(findings: Path) -> None:
    """Raise :class:`TruthError` naming the first line of ``findings`` whose
    ``schema_version`` this release does not read (:func:`~sentinelle.finding.check_schema_version`);
    only called once DuckDB has counted such lines."""
    with open(findings, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if "schema_version" not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                try:
                    check_schema_version(record.get("schema_version"), findings, n)
                except ValueError as exc:
                    raise TruthError(str(exc)) from None
    raise TruthError(f"{findings}: a findings schema_version this sentinelle does not read")


def _score(ent: str, tp_t: int, tp_f: int, n_t: int, n_f: int) -> EntityScore:
    # With one-to-one matches tp_t == tp_f. With overlap matching they may differ; we keep
    # FN = labels not found and FP = findings matching nothing, and TP = labels found.
    return EntityScore(ent, tp_t, n_f - tp_f, n_t - tp_t)
