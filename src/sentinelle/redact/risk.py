"""Residual-risk report of a redaction: what a re-scan still finds, and how anonymous the records
are.

Re-scan (:func:`assess`): every written output file is scanned again with the same detectors.
Each output finding's keyed hash (HMAC-SHA256 of its normalised value, the findings-file
``value_hash``) is compared with the hashes of the input's findings:

* a common hash on an entity whose operator is not ``keep`` is a **leak**: an original value is
  still in the output (the report gives the file, row, column and masked value);
* for ``fake`` and ``shift`` (new values by design), a common hash is a **fake collision**: a
  surrogate that happens to equal some input value (a fake surname drawn from the same INSEE
  list as a real one, a shifted date that is another person's date); counted apart;
* a checksum-valid identifier whose entity is neither kept, faked nor shifted is a **validated
  identifier left**: with presets that make no format-preserving fakes there must be none.
  Place names (category ``location``: a region or department written by the generalise
  operator is "valid" only in the sense that it is a real place) are not identifiers and are
  not counted.

A finding of an entity the policy replaces (not ``keep``, ``fake`` nor ``shift``) whose value is
a replacement this run wrote (:meth:`sentinelle.redact.operators.Operators.wrote`: a
``medical_record_number_...`` pseudonym read as a record number under its ``NUM_DOSSIER``
header, a label, a fake of another entity) is **ours**: counted apart, never as personal data
left (Session 13 fault list: they were counted as ``other``). The leak test comes first, so an
original value left is a leak even when some replacement happens to equal it; what is neither
an input value, nor ours, nor a validated identifier is listed (masked) as found in the output
but not replaced by the run: a value the input scan did not find.

The output's file and folder names are re-scanned the same way
(:func:`sentinelle.redact.names.output_name_findings`): a value left in a name is reported with
the column ``(file name)``.

The re-scan reports what redaction replaces (:mod:`sentinelle.redact.scope`): the scan's
findings and identifiers whose checksum failed (a typo'd RPPS still in the output is an original
value left).

Anonymity (:func:`anonymity`): per output table, the equivalence classes of the
quasi-identifiers of each record (birth date or year, postcode or department, sex, age, as
written in the output) are counted with DuckDB: k-anonymity is the size of the smallest class
(Sweeney 2002, "k-anonymity: a model for protecting privacy"), l-diversity the smallest number of
distinct sensitive values (``HEALTH_CONDITION`` by default) in a class (Machanavajjhala et al.
2007, distinct l-diversity). The five smallest classes are shown.

Generalisation for ``--k N`` (:func:`plan_generalisation`): birth dates go up the hierarchy date
-> year -> decade, postcodes postcode -> department -> region, ages 5 -> 10-year bands; the
combination with the fewest steps whose smallest class holds N records is chosen (ties: the
postcode is generalised first). When even the top of every hierarchy leaves smaller classes,
the report says so and, with suppression asked, the quasi-identifiers of the records of those
classes are replaced by ``*``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Sequence

from sentinelle.entities import ENTITIES, Category
from sentinelle.finding import Validation
from sentinelle.redact.policy import AGE, Policy

#: how many smallest classes are shown per table
SHOWN_CLASSES = 5


@dataclass
class Leak:
    path: str
    entity: str
    row: int | None
    column: str | None
    masked: str


@dataclass
class TableAnonymity:
    table: str
    rows: int
    classes: int
    k: int
    l: int | None
    quasi_identifiers: tuple[str, ...]
    smallest: list[dict] = field(default_factory=list)
    suppressed: int = 0  # records whose quasi-identifiers were suppressed (not in any class)


class NotCounted(NamedTuple):
    """An input file not written (skipped, failed), whose records are not counted in the
    k-anonymity: its path (as the run names it), status (``skipped``, ``error``), the position
    of its fault (``line 62 column 351``, None when the fault has none) and the reason (what
    was wrong, without "file not written": :func:`sentinelle.redact.not_written_reason`)."""

    path: str
    status: str
    position: str | None
    reason: str


@dataclass
class Anonymity:
    tables: list[TableAnonymity] = field(default_factory=list)
    k_target: int | None = None
    levels: dict[str, int] = field(default_factory=dict)
    note: str = ""
    #: the input files not written (skipped, failed): their records are not counted
    #: (:func:`sentinelle.redact.redact`; Session 13)
    not_counted: list[NotCounted] = field(default_factory=list)

    @property
    def k_min(self) -> int | None:
        return min((t.k for t in self.tables), default=None)

    @property
    def l_min(self) -> int | None:
        ls = [t.l for t in self.tables if t.l is not None]
        return min(ls, default=None)


@dataclass
class Risk:
    files: int = 0
    output_findings: int = 0
    leaks: list[Leak] = field(default_factory=list)
    leak_count: int = 0
    fake_collisions: int = 0
    validated_left: list[Leak] = field(default_factory=list)
    validated_count: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    #: output findings whose entity the policy shifts (dates: new values by design)
    shifted: dict[str, int] = field(default_factory=dict)
    #: output findings whose entity the policy fakes (format-preserving surrogates)
    faked: dict[str, int] = field(default_factory=dict)
    by_entity: dict[str, int] = field(default_factory=dict)
    #: output findings that are replacements this run wrote (a pseudonym read as a record
    #: number under its header, a label, a fake of another entity): not personal data left
    ours: dict[str, int] = field(default_factory=dict)
    #: output findings of entities the policy replaces that are neither an input value nor a
    #: replacement of this run: values the input scan did not find, to look at (masked)
    unexplained: list[Leak] = field(default_factory=list)
    unexplained_count: int = 0
    makes_fakes: bool = False
    anonymity: Anonymity | None = None
    issues: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No original value left, no validated identifier left (when no fakes are made), and
        the k target met (when one was given)."""
        if self.leak_count or self.validated_count or self.issues:
            return False
        a = self.anonymity
        if a is not None and a.k_target and (a.k_min is not None and a.k_min < a.k_target):
            return False
        return True

    def to_dict(self) -> dict:
        a = self.anonymity
        return {
            "schema": "sentinelle-redact-report/1",
            "ok": self.ok,
            "files": self.files,
            "rescan": {
                "findings": self.output_findings,
                "by_entity": dict(sorted(self.by_entity.items())),
                "kept_by_policy": dict(sorted(self.kept.items())),
                "shifted_by_policy": dict(sorted(self.shifted.items())),
                "faked_by_policy": dict(sorted(self.faked.items())),
                "replacements_found": dict(sorted(self.ours.items())),
                "not_replaced_by_run": self.unexplained_count,
                "not_replaced": [vars(l) for l in self.unexplained[:100]],
                "original_values_left": self.leak_count,
                "leaks": [vars(l) for l in self.leaks[:100]],
                "fake_collisions": self.fake_collisions,
                "validated_identifiers_left": self.validated_count,
                "validated": [vars(l) for l in self.validated_left[:100]],
                "policy_makes_fakes": self.makes_fakes,
                "issues": self.issues,
            },
            "anonymity": None if a is None else {
                "k_target": a.k_target,
                "k": a.k_min,
                "l": a.l_min,
                "levels": a.levels,
                "note": a.note,
                "tables": [vars(t) | {"quasi_identifiers": list(t.quasi_identifiers)}
                           for t in a.tables],
                "not_counted": [{"path": n.path, "status": n.status, "position": n.position,
                                 "reason": n.reason or None} for n in a.not_counted],
            },
        }


# -- re-scan ---------------------------------------------------------------------------------


def assess(out: Path, written: Sequence, run, anonymity: Anonymity | None,
           k: int | None) -> Risk:
    """Re-scan the written files under ``out`` and compare with the input findings of ``run``."""
    from sentinelle.redact.operators import DATE_ENTITIES
    from sentinelle.redact.scope import in_scope
    from sentinelle.scanner import iter_file

    policy = run.operators.policy
    risk = Risk(files=len(written), makes_fakes=policy.makes_fakes, anonymity=anonymity)
    if anonymity is not None:
        anonymity.k_target = k
    hasher = run.hasher
    inputs = run.input_hashes
    # the scope of the redaction (redact.scope): an invalid identifier (or a keyless NIR by a
    # cue) left is a value left. The run's own pipelines when they are scoped (they are, when
    # made by _build_run): their value and section memos already hold what the input's
    # unchanged cells and texts give (codes, units, test names: most of an HL7 v2 message),
    # and a memo only spares work, the findings are those of a fresh pipeline (issue 6:
    # a fresh pipeline here analysed every unchanged cell a second time)
    pipeline = _scoped(run.pipeline, run.config)
    names = getattr(run, "names", run.pipeline)  # every detector (redact.names)
    names = pipeline if names is run.pipeline else _scoped(names, names.config)
    min_score = run.config.min_score

    def ours(f) -> bool:
        return _ours(f.value, run.operators, pipeline)

    def sink(batch) -> None:
        for f in batch:
            if not in_scope(f, min_score):
                continue
            risk.output_findings += 1
            risk.by_entity[f.entity_type] = risk.by_entity.get(f.entity_type, 0) + 1
            op = run.operators.spec(f.entity_type).operator
            if op == "keep":
                risk.kept[f.entity_type] = risk.kept.get(f.entity_type, 0) + 1
                continue
            if op in ("fake", "shift"):  # a faked date is shifted (operators.Operators.apply)
                made = risk.shifted if op == "shift" or f.entity_type in DATE_ENTITIES \
                    else risk.faked
                made[f.entity_type] = made.get(f.entity_type, 0) + 1
            h = hasher.hash(f.entity_type, f.normalized or f.value)
            where = Leak(f.location.path, f.entity_type, f.location.row,
                         _column(f.location.column), f.masked)
            if h in inputs:
                if op in ("fake", "shift"):
                    risk.fake_collisions += 1
                else:
                    risk.leak_count += 1
                    if len(risk.leaks) < 100:
                        risk.leaks.append(where)
                continue
            if op in ("fake", "shift"):
                continue
            if ours(f):  # a pseudonym, label or fake this run wrote
                risk.ours[f.entity_type] = risk.ours.get(f.entity_type, 0) + 1
                continue
            if f.validation is Validation.VALID and _identifier(f.entity_type):
                risk.validated_count += 1
                if len(risk.validated_left) < 100:
                    risk.validated_left.append(where)
                continue
            risk.unexplained_count += 1
            if len(risk.unexplained) < 100:
                risk.unexplained.append(where)

    from sentinelle.redact.names import output_name_findings

    for res in written:
        # output names too: an original value or validated identifier left in a file or folder
        # name is a leak like one in the content (redact.names)
        sink(output_name_findings(names, res.rel or res.path, res.path))
        target = out / (res.rel or res.path)
        for rep in iter_file(res.path, target, pipeline, run.config, sink):
            if rep.issue is not None and rep.issue.kind == "error":
                risk.issues.append(f"re-scan: {rep.issue}")
    return risk


def _scoped(pipeline, config):
    """``pipeline`` itself when it is a :class:`~sentinelle.redact.scope.ScopedPipeline` of
    ``config``, else a new one on its detectors."""
    from sentinelle.redact.scope import ScopedPipeline

    if isinstance(pipeline, ScopedPipeline) and pipeline.config == config:
        return pipeline
    return ScopedPipeline(pipeline.detectors, config)


#: what separates the parts of a value read back from the output: spaces, and the ", " / "; "
#: a reader joins the components of a field with (an HL7 v2 address)
_PARTS = re.compile(r"[\s,;]+")


def _ours(value: str, operators, pipeline) -> bool:
    """True when ``value`` (an output finding's) is made of replacements this run wrote: one
    (:meth:`~sentinelle.redact.operators.Operators.wrote`), or several side by side, joined
    by separators with text that holds no finding once they are taken out (an HL7 v2 address
    rendered ``<STREET_ADDRESS>, <STREET_ADDRESS>, USA``: the country code is kept as written,
    and ``USA`` alone is no address). A value with no replacement of ours in it, or whose
    remainder the detectors still find something in, is not ours."""
    if operators.wrote(value):
        return True
    from sentinelle.finding import Location
    from sentinelle.redact.operators import written_form

    parts = [p for p in _PARTS.split(value) if p]
    mine = [operators.wrote(p) for p in parts]
    if not any(mine):
        return False
    rest = " ".join(p for p, m in zip(parts, mine) if not m and any(c.isalnum() for c in p))
    if not written_form(rest):
        return True
    return not pipeline.analyze_text(rest, Location("<re-scan>"), 0)


def _column(column: str | None) -> str | None:
    if column and "\x1f" in column:
        return column.split("\x1f", 1)[1]
    return column


# -- k-anonymity -----------------------------------------------------------------------------


def _connect(qi_path: Path):
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE qi AS SELECT * FROM read_csv(?, delim='\t', header=true, quote='', "
        "escape='', nullstr='\\N', all_varchar=true)", [str(qi_path)])
    from sentinelle import data

    rows = [line.split("\t") for line in data.lines("departments.txt")]
    con.execute("CREATE TABLE dep (code VARCHAR, region VARCHAR)")
    con.executemany("INSERT INTO dep VALUES (?, ?)", [(r[0], r[3]) for r in rows]
                    + [("20", next(r[3] for r in rows if r[0] == "2A"))])
    return con


def _expr(column: str, level: int) -> str:
    """SQL of a quasi-identifier at a generalisation level (0: as written in the output)."""
    if column == "dob":
        year = "regexp_extract(dob, '(1[89][0-9]{2}|2[01][0-9]{2})', 1)"
        if level == 0:
            return "dob"
        if level == 1:
            return f"nullif({year}, '')"
        return f"CASE WHEN {year} = '' THEN NULL ELSE substr({year}, 1, 3) || '0s' END"
    if column == "postcode":
        dep = ("CASE WHEN postcode ~ '^97[0-9].*' THEN substr(postcode, 1, 3) "
               "WHEN postcode ~ '^[0-9]{2}.*' THEN substr(postcode, 1, 2) ELSE NULL END")
        if level == 0:
            return "postcode"
        if level == 1:
            return dep
        return f"coalesce((SELECT region FROM dep WHERE dep.code = {dep}), postcode)"
    if column == "age":
        num = "try_cast(regexp_extract(age, '([0-9]{1,3})', 1) AS INTEGER)"
        if level == 0:
            return "age"
        width = 5 if level == 1 else 10
        return f"CASE WHEN {num} IS NULL THEN age ELSE ({num} // {width}) * {width} END"
    return column


def _present(con) -> list[str]:
    """The quasi-identifier columns that hold any value."""
    cols = []
    for c in ("dob", "postcode", "sex", "age"):
        n = con.execute(f"SELECT count({c}) FROM qi").fetchone()[0]
        if n:
            cols.append(c)
    return cols


#: records whose quasi-identifiers were suppressed (``*``) are left out of the classes
_KEPT = ("WHERE coalesce(dob, '') <> '*' AND coalesce(postcode, '') <> '*' "
         "AND coalesce(age, '') <> '*'")


def _classes_sql(cols: Sequence[str], levels: dict[str, int]) -> str:
    exprs = ", ".join(f"{_expr(c, levels.get(c, 0))} AS {c}" for c in cols)
    keys = ", ".join(cols)
    return (f"WITH g AS (SELECT tbl, path, sheet, row, sensitive, {exprs} FROM qi {_KEPT}) "
            f"SELECT tbl, {keys}, count(*) AS n, count(DISTINCT sensitive) AS l, "
            f"count(sensitive) AS s FROM g GROUP BY tbl, {keys}")


def anonymity(qi_path: Path, policy: Policy, k: int | None = None,
              levels: dict[str, int] | None = None) -> Anonymity:
    """k-anonymity and l-diversity per table of the quasi-identifiers recorded in ``qi_path``."""
    levels = levels or {}
    result = Anonymity(k_target=k)
    con = _connect(qi_path)
    try:
        cols = _present(con)
        if not cols:
            result.note = "no quasi-identifier (birth date, postcode, sex, age) in any table"
            return result
        con.execute(f"CREATE TABLE classes AS {_classes_sql(cols, levels)}")
        for table, rows, classes, kmin, lmin, svals in con.execute(
                "SELECT tbl, sum(n), count(*), min(n), min(l), sum(s) FROM classes "
                "GROUP BY tbl ORDER BY tbl").fetchall():
            smallest = con.execute(
                f"SELECT {', '.join(cols)}, n FROM classes WHERE tbl = ? "
                f"ORDER BY n, {', '.join(cols)} LIMIT {SHOWN_CLASSES}", [table]).fetchall()
            gone = con.execute(f"SELECT count(*) FROM qi WHERE tbl = ? AND NOT "
                               f"({_KEPT.removeprefix('WHERE ')})", [table]).fetchone()[0]
            result.tables.append(TableAnonymity(
                table, int(rows), int(classes), int(kmin), int(lmin) if svals else None,
                tuple(cols), [_masked_class(dict(zip((*cols, "records"), r)), policy, levels)
                              for r in smallest], int(gone)))
    finally:
        con.close()
    return result


def _masked_class(cls: dict, policy: Policy, levels: dict[str, int]) -> dict:
    """A smallest class as shown in the summary and the report: a birth date, postcode or age
    that the policy keeps as written (operator ``keep``, not generalised here) is the input's
    own value, so it is shown masked (:func:`sentinelle.privacy.mask`, as every value of a
    summary or report: project rule); values the policy replaced or generalised (``1995``,
    ``69***``) and the sex (a column no policy rewrites) are shown as written. Session 11
    fault: ``DATE_OF_BIRTH = "keep"`` printed ``dob=14/10/1995, postcode=69003``."""
    from sentinelle.privacy import mask

    for col, entity in _ENTITY.items():
        value = cls.get(col)
        if (isinstance(value, str) and value and levels.get(col, 0) == 0
                and policy is not None and policy.spec(entity).operator == "keep"):
            cls[col] = mask(value, entity)
    return cls


@dataclass
class GeneralisationPlan:
    levels: dict[str, int] = field(default_factory=dict)  # entity -> generalise level
    suppressed: frozenset = frozenset()  # (path, sheet, row) of records to suppress
    k: int | None = None
    reason: str = ""


_ENTITY = {"dob": "DATE_OF_BIRTH", "postcode": "FR_POSTAL_CODE", "age": AGE}


def plan_generalisation(qi_path: Path, policy: Policy, k: int,
                        suppress: bool = False) -> GeneralisationPlan:
    """The least generalisation reaching k-anonymity >= ``k`` in every table (see the module
    docstring); with ``suppress``, the records still in smaller classes at the top levels."""
    con = _connect(qi_path)
    try:
        cols = _present(con)
        movable = [c for c in ("postcode", "dob", "age") if c in cols]
        if not movable:
            return GeneralisationPlan(reason="no birth date, postcode or age to generalise")
        combos = sorted(itertools.product(range(3), repeat=len(movable)),
                        key=lambda lv: (sum(lv), [-x for x in lv]))
        for combo in combos:
            levels = dict(zip(movable, combo))
            kmin = con.execute(f"SELECT min(n) FROM ({_classes_sql(cols, levels)})").fetchone()[0]
            if kmin is not None and kmin >= k:
                return GeneralisationPlan(_to_entities(levels), k=int(kmin))
        top = {c: 2 for c in movable}
        kmin = con.execute(f"SELECT min(n) FROM ({_classes_sql(cols, top)})").fetchone()[0]
        reason = (f"k={kmin} at the top of every hierarchy (decade, region, 10-year band): "
                  f"some combinations of quasi-identifiers are rarer than {k}")
        suppressed: frozenset = frozenset()
        if suppress:
            exprs = ", ".join(f"{_expr(c, top.get(c, 0))} AS {c}" for c in cols)
            keys = ", ".join(cols)
            rows = con.execute(
                f"WITH g AS (SELECT tbl, path, sheet, row, {exprs} FROM qi), "
                f"c AS (SELECT tbl, {keys}, count(*) AS n FROM g GROUP BY tbl, {keys}) "
                f"SELECT g.path, g.sheet, g.row FROM g JOIN c ON g.tbl = c.tbl AND "
                + " AND ".join(f"g.{c} IS NOT DISTINCT FROM c.{c}" for c in cols)
                + " WHERE c.n < ?", [k]).fetchall()
            suppressed = frozenset((p, s, int(r) if r is not None else None) for p, s, r in rows)
            reason += f"; {len(suppressed)} records suppressed (quasi-identifiers set to *)"
        return GeneralisationPlan(_to_entities(top), suppressed, int(kmin) if kmin else None,
                                  reason)
    finally:
        con.close()


def _to_entities(levels: dict[str, int]) -> dict[str, int]:
    return {_ENTITY[c]: lv for c, lv in levels.items() if lv > 0}


def _identifier(entity: str) -> bool:
    """True for entities whose "valid" means a checked identifier, not a known place name."""
    info = ENTITIES.get(entity)
    return info is None or info.category is not Category.LOCATION
