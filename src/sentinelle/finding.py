"""Typed, frozen value objects for what the pipeline finds.

A :class:`Finding` holds the raw value **in memory only**. Everything that leaves the process
(findings file, store, report, log, error message) is built with :meth:`Finding.to_record`, which
carries the masked value and a keyed fingerprint (HMAC-SHA256) instead of the value.

A :class:`FindingBatch` holds the findings of one table batch as Arrow arrays (issue 6, columnar
fast path): :meth:`FindingBatch.records` gives the same public records as ``to_record`` for a
whole batch, with the mask and the keyed hash computed once per distinct value, and
:func:`records_jsonl` their JSON Lines text (the bytes of ``json.dumps(record,
ensure_ascii=False)``). Iterating a batch yields :class:`Finding` objects.

The field names ``entity_type``, ``start``, ``end`` and ``score`` are those of Presidio's
``RecognizerResult`` so that code written against Presidio's ``analyze`` ports with few changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sentinelle.privacy import mask

if TYPE_CHECKING:  # pragma: no cover
    from sentinelle.privacy import KeyedHasher


class Validation(str, enum.Enum):
    """Outcome of the identifier validator (checksum, list lookup) for a candidate."""

    VALID = "valid"          # the validator accepted the value (e.g. NIR key matches)
    INVALID = "invalid"      # a validator exists and rejected it (kept at a low score: typos matter)
    NONE = "none"            # no validator applies to this entity (names, conditions, ...)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding sits, in a form a person can open again.

    ``path``: display path relative to the scanned root (archive members as ``a.zip!b/c.csv``);
    ``row``: 0-based data row for tables, else None; ``column``: header text for tables, else None;
    ``sheet``: sheet or table name where the format has one, else None; ``page``: 1-based page
    of a paginated document (PDF), else None.
    """

    path: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character interval ``[start, end)``."""

    start: int
    end: int

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was made: detector name, pattern name, validation, context words, header."""

    detector: str
    pattern: str | None = None
    context: tuple[str, ...] = ()
    header: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected piece of personal data.

    ``start``/``end`` are character offsets: inside the cell for tables, inside the decoded text
    for text sources. ``score`` is in [0, 1]. ``value`` and ``normalized`` are raw data and never
    serialised; ``repr`` shows the masked value only.
    """

    entity_type: str
    start: int
    end: int
    score: float
    location: Location
    validation: Validation = Validation.NONE
    evidence: Evidence = field(default_factory=lambda: Evidence("unknown"))
    value: str = field(default="", repr=False, compare=False)
    normalized: str = field(default="", repr=False, compare=False)

    @property
    def masked(self) -> str:
        """The value with most characters hidden (see :func:`sentinelle.privacy.mask`)."""
        return mask(self.value, self.entity_type)

    def __repr__(self) -> str:  # never show the raw value
        loc = self.location
        return (f"Finding({self.entity_type!s}, {loc.path}, row={loc.row}, column={loc.column!r}, "
                f"[{self.start}:{self.end}], score={self.score:.2f}, masked={self.masked!r})")

    __str__ = __repr__

    def to_record(self, hasher: "KeyedHasher") -> dict[str, object]:
        """The public findings-file record (README "Findings contract"): no raw value in it."""
        loc = self.location
        return {
            "path": loc.path,
            "entity_type": self.entity_type,
            "score": round(self.score, 3),
            "row": loc.row,
            "column": loc.column,
            "sheet": loc.sheet,
            "page": loc.page,
            "start": self.start,
            "end": self.end,
            "masked": self.masked,
            "value_hash": hasher.hash(self.entity_type, self.normalized or self.value),
            "validation": self.validation.value,
            "detector": self.evidence.detector,
        }


#: the public findings-file fields (DESIGN.md "Findings file"), in the order of
#: :meth:`Finding.to_record` and of each JSONL object
RECORD_FIELDS = ("path", "entity_type", "score", "row", "column", "sheet", "page", "start", "end",
                 "masked", "value_hash", "validation", "detector")


def _batch_schema():
    import pyarrow as pa

    s, i = pa.large_string(), pa.int64()
    return pa.schema([
        ("path", s), ("row", i), ("column", s), ("sheet", s), ("page", i),
        ("entity_type", s), ("start", i), ("end", i), ("score", pa.float64()),
        ("validation", s), ("detector", s), ("pattern", s), ("context", pa.large_list(s)),
        ("header", s), ("value", s), ("normalized", s)])


class FindingBatch:
    """The findings of one batch of a table (or of one text), held as Arrow arrays.

    ``table`` is a ``pyarrow.Table`` of :func:`FindingBatch.schema`, one row per finding in the
    order the pipeline made them (row, then column, then offset): location (``path``, ``row``,
    ``column``, ``sheet``, ``page``), ``entity_type``, ``start``/``end`` (character offsets),
    ``score``, ``validation`` (a :class:`Validation` value), evidence (``detector``,
    ``pattern``, ``context``, ``header``; "" / empty list where absent) and the raw ``value`` and
    ``normalized`` value (**memory only**: :meth:`records` replaces them by the masked value and
    the keyed hash).

    ``len()`` counts findings; iterating yields :class:`Finding` objects (for assess, redact,
    evaluate and the :func:`~sentinelle.scan` API: a new object each time); :meth:`records`
    gives the public fields of a whole batch at once.
    """

    __slots__ = ("table",)

    def __init__(self, table):
        self.table = table

    schema = staticmethod(_batch_schema)

    @classmethod
    def from_findings(cls, findings) -> "FindingBatch":
        """A batch holding ``findings`` (any iterable of :class:`Finding`), in order."""
        import pyarrow as pa

        fs = list(findings)
        cols = {
            "path": [f.location.path for f in fs], "row": [f.location.row for f in fs],
            "column": [f.location.column for f in fs], "sheet": [f.location.sheet for f in fs],
            "page": [f.location.page for f in fs], "entity_type": [f.entity_type for f in fs],
            "start": [f.start for f in fs], "end": [f.end for f in fs],
            "score": [f.score for f in fs], "validation": [f.validation.value for f in fs],
            "detector": [f.evidence.detector for f in fs],
            "pattern": [f.evidence.pattern or "" for f in fs],
            "context": [list(f.evidence.context) for f in fs],
            "header": [f.evidence.header or "" for f in fs],
            "value": [f.value for f in fs], "normalized": [f.normalized for f in fs],
        }
        return cls(pa.table(cols, schema=_batch_schema()))

    def __len__(self) -> int:
        return self.table.num_rows

    def __bool__(self) -> bool:
        return self.table.num_rows > 0

    def __iter__(self):
        t = self.table
        if t.num_rows == 0:
            return
        c = {name: t.column(name).to_pylist() for name in t.column_names}
        locs: dict[tuple, Location] = {}
        evs: dict[tuple, Evidence] = {}
        vals = {v.value: v for v in Validation}
        for (path, row, column, sheet, page, entity, start, end, score, validation, detector,
             pattern, context, header, value, normalized) in zip(
                c["path"], c["row"], c["column"], c["sheet"], c["page"], c["entity_type"],
                c["start"], c["end"], c["score"], c["validation"], c["detector"], c["pattern"],
                c["context"], c["header"], c["value"], c["normalized"]):
            lk = (path, row, column, sheet, page)
            loc = locs.get(lk)
            if loc is None:
                loc = locs[lk] = Location(path, row, column, sheet, page)
            ek = (detector, pattern, tuple(context), header)
            ev = evs.get(ek)
            if ev is None:
                ev = evs[ek] = Evidence(detector, pattern or None, ek[2], header or None)
            yield Finding(entity, start, end, score, loc, vals[validation], ev, value, normalized)

    def __repr__(self) -> str:  # never show raw values
        return f"FindingBatch({len(self)} findings)"

    def entity_counts(self) -> dict[str, int]:
        """``{entity_type: number of findings}`` of this batch."""
        import pyarrow.compute as pc

        counts = pc.value_counts(self.table.column("entity_type")).to_pylist()
        return {d["values"]: d["counts"] for d in counts}

    def records(self, hasher: "KeyedHasher"):
        """The public findings-file records of the batch, as a ``pyarrow.Table`` whose columns
        are :data:`RECORD_FIELDS` in order, one row per finding: the same values as
        :meth:`Finding.to_record` (``score`` rounded to 3 places, ``masked``, ``value_hash`` =
        keyed HMAC-SHA256 of ``entity_type`` and the normalised value, or of the raw value when
        none). No raw value in it. ``masked`` and ``value_hash`` are computed once per distinct
        (entity, value, normalized) triple, then joined back to the rows."""
        import polars as pl

        df = pl.from_arrow(self.table)
        if not isinstance(df, pl.DataFrame):  # pragma: no cover - from_arrow of a Table
            df = df.to_frame()
        keys = df.select("entity_type", "value", "normalized").unique(maintain_order=True)
        ents, vals, norms = (keys[c].to_list() for c in ("entity_type", "value", "normalized"))
        keys = keys.with_columns(
            pl.Series("masked", [mask(v, e) for e, v in zip(ents, vals)], dtype=pl.Utf8),
            pl.Series("value_hash", hasher.hash_many(ents, [n or v for v, n in zip(vals, norms)]),
                      dtype=pl.Utf8))
        df = df.join(keys, on=["entity_type", "value", "normalized"], how="left",
                     maintain_order="left")
        scores = df["score"].unique().to_list()
        df = df.with_columns(pl.col("score").replace_strict(
            scores, [round(s, 3) for s in scores], return_dtype=pl.Float64))
        return df.select(RECORD_FIELDS).to_arrow()


def _json_str(value: str | None) -> str:
    import json

    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def records_jsonl(records) -> str:
    """The JSON Lines text of a :meth:`FindingBatch.records` table: one object per record, keys
    in :data:`RECORD_FIELDS` order, the same bytes as ``json.dumps(record, ensure_ascii=False)``
    of :meth:`Finding.to_record` for each, each line ended by ``\\n``; "" for no record.

    Built column-wise: numbers and strings that need no escaping are formatted by Polars
    expressions; strings with a quote, a backslash or a control character, and scores (Python
    ``repr`` of a float), go through :func:`json.dumps` once per distinct value."""
    import polars as pl

    df = pl.from_arrow(records)
    if df.height == 0:
        return ""
    needs_escape = r'["\\\x00-\x1f]'
    parts: list = []
    for k, name in enumerate(RECORD_FIELDS):
        parts.append(pl.lit(("{" if k == 0 else ", ") + f'"{name}": '))
        col = pl.col(name)
        dtype = df.schema[name]
        if name == "score":
            scores = df["score"].unique().to_list()
            frag = col.replace_strict(scores, ["null" if s is None else repr(float(s)) for s in scores],
                                      return_dtype=pl.Utf8)
        elif dtype.is_integer():
            frag = col.cast(pl.Utf8).fill_null("null")
        else:
            plain = pl.lit('"') + col + pl.lit('"')
            odd = df.filter(col.str.contains(needs_escape))[name].unique().to_list()
            if odd:
                frag = (pl.when(col.str.contains(needs_escape))
                        .then(col.replace_strict(odd, [_json_str(s) for s in odd],
                                                 default=None, return_dtype=pl.Utf8))
                        .otherwise(plain))
            else:
                frag = plain
            frag = frag.fill_null("null")
        parts.append(frag)
    parts.append(pl.lit("}\n"))
    return df.select(pl.concat_str(parts).alias("line"))["line"].str.join("").item()
