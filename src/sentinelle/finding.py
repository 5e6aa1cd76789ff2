"""Typed, frozen value objects for what the pipeline finds.

A :class:`Finding` holds the raw value **in memory only**. Everything that leaves the process
(findings file, store, report, log, error message) is built with :meth:`Finding.to_record`, which
carries the masked value and a keyed fingerprint (HMAC-SHA256) instead of the value.

A :class:`FindingBatch` holds the findings of one table batch as Arrow arrays (issue 6, columnar
fast path): :meth:`FindingBatch.records` gives the same public records as ``to_record`` for a
whole batch, with the mask and the keyed hash computed once per distinct value, and
:func:`records_jsonl` their JSON Lines text (the bytes of ``json.dumps(record,
ensure_ascii=False)``). Iterating a batch yields :class:`Finding` objects.

Session 12 (issue 6, output speed): the keyed hashes of a batch are made by
:meth:`KeyedHasher.hash_array` (once per distinct message, no ``str`` per message) and
:func:`records_jsonl_bytes` writes neighbouring fields with few distinct values as one piece;
same bytes.

The field names ``entity_type``, ``start``, ``end`` and ``score`` are those of Presidio's
``RecognizerResult`` so that code written against Presidio's ``analyze`` ports with few changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sentinelle.privacy import mask, mask_many

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
        """The public findings-file record (README "Findings contract"; docs/findings-schema.md),
        first field ``schema_version`` (:data:`SCHEMA_VERSION`): no raw value in it."""
        loc = self.location
        valueless = self.evidence.pattern in VALUELESS_PATTERNS
        return {
            "schema_version": SCHEMA_VERSION,
            "path": loc.path,
            "entity_type": self.entity_type,
            "score": round(self.score, 3),
            "row": loc.row,
            "column": loc.column,
            "sheet": loc.sheet,
            "page": loc.page,
            "start": 0 if valueless else self.start,  # no span: its length is the value's
            "end": None if valueless else self.end,
            "masked": self.masked,
            "value_hash": hasher.hash(self.entity_type, hashed_value(
                self.evidence.pattern, self.value, self.normalized)),
            "validation": self.validation.value,
            "detector": self.evidence.detector,
        }


#: evidence patterns of findings whose value is a status, not something that tells people
#: apart: a cell of a column named for a condition ("statut_vih", "hepatite_c") holding
#: "positif", "négatif", "oui", "non", "+", "-", "1", "0" (detector ``health_condition``,
#: pattern ``status_cell``). A keyed hash of such a value is the same on every row with that
#: status, so one row whose status is known (or just "most rows are negative") gives away the
#: status of every row with its hash; and it links nobody across files. Their ``value_hash``
#: is the hash of the empty value: the same for every status cell of a label, positive or
#: negative (new-user fault report, session 8). Their public record (:meth:`Finding.to_record`,
#: :meth:`FindingBatch.records`) gives no span either: ``start`` 0 and ``end`` null (the
#: cell), since a span's length tells the value ("yes" 3, "no" 2; "+"/"-" 1 but "positif" 7):
#: session 8 fault list. The in-memory ``Finding`` keeps its span, which redaction replaces.
VALUELESS_PATTERNS = frozenset({"status_cell"})


def hashed_value(pattern: str | None, value: str, normalized: str) -> str:
    """The text whose keyed hash is a finding's ``value_hash``: the normalised value, else
    the raw value, else ""; "" for a finding of a :data:`VALUELESS_PATTERNS` pattern."""
    if pattern in VALUELESS_PATTERNS:
        return ""
    return normalized or value or ""


#: the version of the public findings-file schema (DESIGN.md "Findings file";
#: docs/findings-schema.md): every record carries it as ``schema_version``. A file whose
#: records have no ``schema_version`` is version 1. Version 2 (session 9): an HL7/HPRIM
#: identifier field with several repetitions is reported one column per repetition
#: (``PID-3[1]``, ``PID-3[2]``; ``P-3[k]`` in HPRIM) and a status cell has ``start`` 0 and
#: ``end`` null (see :data:`VALUELESS_PATTERNS`).
SCHEMA_VERSION = 2
#: the versions a reader of findings files in sentinelle accepts (:func:`check_schema_version`)
READABLE_SCHEMA_VERSIONS = (1, 2)


def check_schema_version(version, path, line: int) -> int:
    """The schema version of one findings record: ``version`` (its ``schema_version``; None
    or missing: 1). Raises ``ValueError`` with one line naming ``path`` and ``line`` (1-based)
    for a version this sentinelle does not read (not in :data:`READABLE_SCHEMA_VERSIONS`: a
    file written by a newer release, or not a findings file)."""
    if version is None:
        return 1
    if isinstance(version, bool) or not isinstance(version, int) \
            or version not in READABLE_SCHEMA_VERSIONS:
        newer = isinstance(version, int) and not isinstance(version, bool) \
            and version > SCHEMA_VERSION
        raise ValueError(
            f"{path}: line {line}: findings schema_version {version!r} is not readable by this "
            f"sentinelle (it reads versions {READABLE_SCHEMA_VERSIONS[0]} to "
            f"{READABLE_SCHEMA_VERSIONS[-1]}" + ("; written by a newer release: upgrade "
                                                 "sentinelle" if newer else "") + ")")
    return version


#: the public findings-file fields (DESIGN.md "Findings file"), in the order of
#: :meth:`Finding.to_record` and of each JSONL object
RECORD_FIELDS = ("schema_version", "path", "entity_type", "score", "row", "column", "sheet", "page", "start", "end",
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

    __slots__ = ("table", "_hits")

    def __init__(self, table, hits=None):
        """``hits`` (optional, from the table path: :func:`sentinelle.pipeline._gather`):
        ``(columns, take)``, the findings' distinct hits as a dict of equally long Arrow
        ``large_string`` arrays ``entity_type``, ``value``, ``normalized`` and ``pattern`` (one
        row per hit: a distinct value of one column), and ``take``, an int64 array giving each
        row of ``table`` its hit. Those fields of ``table`` must be ``hit column.take(take)``.
        :meth:`records` then masks and hashes once per hit instead of finding the distinct
        values again; ignored once ``table`` is replaced."""
        self.table = table
        self._hits = None if hits is None else (table, hits[0], hits[1])

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
        :meth:`Finding.to_record` (``schema_version`` :data:`SCHEMA_VERSION` on every row,
        ``score`` rounded to 3 places, ``masked``, ``value_hash`` =
        keyed HMAC-SHA256 of ``entity_type`` and :func:`hashed_value`: the normalised value,
        or the raw value when none, or "" for a status cell). No raw value in it. ``masked``
        and ``value_hash`` are computed once per distinct (entity, value, hashed text) triple
        (:func:`_distinct_rows`: Arrow dictionary codes; the MAC'd messages joined by Arrow and
        hashed by :meth:`KeyedHasher.hash_array`, once per distinct message), or once per hit of a batch made with
        ``hits`` (the table path: its hits are already distinct per column), then taken back
        to the rows;
        ``score`` is rounded once per distinct score."""
        import pyarrow as pa
        import pyarrow.compute as pc

        t = self.table
        s = pa.large_string()
        valueless_set = pa.array(sorted(VALUELESS_PATTERNS), s)
        valueless = pc.is_in(t.column("pattern"), value_set=valueless_set)
        hint = getattr(self, "_hits", None)
        if hint is not None and hint[0] is t:
            # the table path's distinct hits: masked and hashed once per hit (issue 6: no
            # dictionary encoding of the rows' values), then taken back to the rows
            per_hit, back = hint[1], hint[2]
            vals = per_hit["value"].fill_null("")
            norm = per_hit["normalized"].fill_null("")
            key = pc.if_else(pc.equal(norm, ""), vals, norm)
            odd = pc.is_in(per_hit["pattern"], value_set=valueless_set)
            ents = per_hit["entity_type"].fill_null("")
            keys = pc.if_else(odd.fill_null(False), pa.scalar("", s), key.cast(s))
        else:
            # the text hashed (hashed_value), one column: the normalised value, else the
            # value, else ""; "" on the rows of a valueless pattern
            value = t.column("value").fill_null("")
            norm = t.column("normalized").fill_null("")
            key = pc.if_else(pc.equal(norm, ""), value, norm)
            key = pc.if_else(valueless.fill_null(False), pa.scalar("", s), key.cast(s))
            (ents, vals, keys), back = _distinct_rows(
                [t.column("entity_type").fill_null(""), value, key])
        masked = mask_many(vals, ents).take(back)
        # the MAC'd messages (entity + "\x1f" + text) made by Arrow, each distinct one hashed
        # once (KeyedHasher.hash_array), taken back to the rows
        messages = pc.binary_join_element_wise(ents.cast(s), keys.cast(s), pa.scalar("\x1f", s))
        hashes = hasher.hash_array(messages, back)
        scores, codes = _dictionary(t.column("score"))
        score = pa.array([None if x is None else round(x, 3) for x in scores.to_pylist()],
                         pa.float64()).take(codes)
        cols = {"score": score, "masked": masked, "value_hash": hashes,
                "schema_version": pa.repeat(pa.scalar(SCHEMA_VERSION, pa.int64()), t.num_rows)}
        valueless = valueless.fill_null(False)
        if pc.any(valueless).as_py():  # a status cell: start 0, end null (no length)
            i = pa.int64()
            cols["start"] = pc.if_else(valueless, pa.scalar(0, i), t.column("start").cast(i))
            cols["end"] = pc.if_else(valueless, pa.scalar(None, i), t.column("end").cast(i))
        return pa.table([cols[name] if name in cols else t.column(name)
                         for name in RECORD_FIELDS], names=list(RECORD_FIELDS))


def _dictionary(column):
    """``(distinct values, code per row)`` of an Arrow array or chunked array
    (``dictionary_encode``; distinct values in order of first appearance)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    enc = pc.dictionary_encode(column)
    return enc.dictionary, enc.indices


def _distinct_rows(columns):
    """``([distinct values of each column, one per distinct combination], rank of each row's
    combination)`` of equally long Arrow columns: the dictionary codes of the columns combined
    into one integer, dictionary-encoded again, then split back into codes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = [_dictionary(column) for column in columns]
    key = None
    for values, codes in encoded:
        codes = codes.cast(pa.int64())
        key = codes if key is None else pc.add(pc.multiply(key, max(1, len(values))), codes)
    keys, back = _dictionary(key)
    out = []
    rest = keys.cast(pa.int64())
    for values, _codes in reversed(encoded):
        size = max(1, len(values))
        above = pc.divide(rest, size)  # integer division: every term is >= 0
        out.append(values.take(pc.subtract(rest, pc.multiply(above, size))))
        rest = above
    return out[::-1], back


def _json_str(value: str | None) -> str:
    import json

    return "null" if value is None else json.dumps(value, ensure_ascii=False)


#: a string that ``json.dumps`` escapes (quote, backslash, control character) rather than
#: writing as is between quotes (RFC 8259 section 7; ``ensure_ascii=False``)
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def _may_need_escape(col) -> bool:
    """False when no string of the Arrow ``large_string`` array ``col`` holds a quote, a
    backslash or a control character (:data:`_NEEDS_ESCAPE`): one NumPy pass over its UTF-8
    data buffer (those are ASCII bytes, never part of a multi-byte character)."""
    import numpy as np

    _validity, offsets, data = col.buffers()
    if data is None:
        return False
    ends = np.frombuffer(offsets, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)[ends[col.offset]:ends[col.offset + len(col)]]
    return bool(((raw < 0x20) | (raw == 0x22) | (raw == 0x5C)).any())


def records_jsonl(records) -> str:
    """The JSON Lines text of a :meth:`FindingBatch.records` table: one object per record, keys
    in :data:`RECORD_FIELDS` order, the same bytes as ``json.dumps(record, ensure_ascii=False)``
    of :meth:`Finding.to_record` for each, each line ended by ``\\n``; "" for no record.
    :func:`records_jsonl_bytes` gives its UTF-8 bytes without decoding them."""
    return records_jsonl_bytes(records).decode("utf-8")


#: record fields with about one distinct value per row: not worth a dictionary
_MANY_VALUES = frozenset({"masked", "value_hash"})


def records_jsonl_bytes(records) -> bytes:
    """The UTF-8 bytes of :func:`records_jsonl` (what a findings file holds).

    Built column-wise with Arrow compute: integers are cast to text; a string column with few
    distinct values is written once per distinct value (:func:`json.dumps`); in the others,
    strings that need no escaping are written as they are (their quotes go with the constant
    text around them) and those with a quote, a backslash or a control character go through
    :func:`json.dumps` once per distinct value; scores (Python ``repr`` of a float) once per
    distinct score. A column that holds one JSON text on every row (the path of a table
    batch, a null sheet or page) joins the constant text around it. One element-wise join of
    the pieces makes the lines, whose bytes are the joined array's data buffer.

    Session 12 (issue 6, output speed): the join costs about the same per row for each piece
    it is given, so neighbouring fields with few distinct values (a few distinct texts each:
    strings, scores, integers over a short range such as a table cell's ``start``/``end``)
    and the constant text between them are written as one piece, once per distinct
    combination found in the batch (:func:`_coded`, Arrow ``dictionary_encode`` of the
    combined codes), when those combinations are at most one row in :data:`_FEW` (a table
    batch: ``entity_type`` and ``score``; ``column`` to ``end``; ``validation`` and
    ``detector``): about half the pieces. Same bytes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = records.num_rows
    if n == 0:
        return b""
    s = pa.large_string()
    null = pa.scalar("null", s)
    pieces: list = []
    text = ""  # constant text waiting for the next piece
    group = None  # [texts, codes (int64, no null), number of texts]: fields written as one
    tail = ""  # constant text after the group's last field

    def flush() -> None:
        nonlocal group, text, tail
        texts, codes, _size = group
        pieces.append(pa.scalar(text, s))
        pieces.append(pa.array(texts, s).take(codes))
        text, tail, group = tail, "", None

    for k, name in enumerate(RECORD_FIELDS):
        head = ("{" if k == 0 else ", ") + f'"{name}": '
        col = records.column(name)
        col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
        coded = const = frag = None
        bare = False
        if col.null_count == n:
            const = "null"
        else:
            typ = col.type
            if name == "score":
                values, codes = _dictionary(col)
                texts = ["null" if x is None else repr(float(x)) for x in values.to_pylist()]
                if len(texts) == 1 and not col.null_count:
                    const = texts[0]
                else:
                    coded = _coded(texts, codes, col.null_count)
            elif pa.types.is_integer(typ):
                lo_hi = pc.min_max(col)
                lo, hi = lo_hi["min"].as_py(), lo_hi["max"].as_py()
                if lo == hi and not col.null_count:  # one number on every row (schema_version)
                    const = str(lo)
                elif hi - lo < min(n // _FEW, _INT_RANGE):  # a short range: one text per number
                    i = pa.int64()
                    coded = _coded([str(x) for x in range(lo, hi + 1)],
                                   pc.subtract(col.cast(i), pa.scalar(lo, i)), col.null_count)
                else:
                    frag = pc.cast(col, s)
            else:
                col = col.cast(s)
                values, codes = (None, None) if name in _MANY_VALUES else _dictionary(col)
                if values is not None and len(values) == 1 and not col.null_count:
                    const = _json_str(values[0].as_py())
                elif values is not None and len(values) * 4 <= n:
                    coded = _coded([_json_str(x) for x in values.to_pylist()], codes,
                                   col.null_count)
                else:
                    bare = not col.null_count  # the quotes go with the constant text around
                    frag = col
                    # a value_hash is 64 hex digits: never escaped
                    if name != "value_hash" and _may_need_escape(col):
                        odd = pc.match_substring_regex(col, _NEEDS_ESCAPE)
                        weird = pc.unique(col.filter(odd))
                    else:
                        weird = None
                    if weird is not None and len(weird):
                        escaped = [_json_str(x) for x in weird.to_pylist()]
                        if bare:  # json.dumps of a str is always "..."
                            escaped = [e[1:-1] for e in escaped]
                        escaped = pa.array(escaped, s)
                        if not bare:
                            quote = pa.scalar('"', s)
                            frag = pc.binary_join_element_wise(quote, col, quote,
                                                               pa.scalar("", s))
                        frag = pc.coalesce(escaped.take(pc.index_in(col, value_set=weird)),
                                           frag)
                    elif not bare:
                        quote = pa.scalar('"', s)
                        frag = pc.binary_join_element_wise(quote, col, quote, pa.scalar("", s))
        if const is not None:
            if group is not None:
                tail += head + const
            else:
                text += head + const
            continue
        if coded is not None:
            if group is not None:
                texts, codes, size = coded
                gtexts, gcodes, gsize = group
                key = pc.add(pc.multiply(gcodes, pa.scalar(size, pa.int64())), codes)
                combos, back = _dictionary(key)
                if len(combos) * _FEW <= n:  # few combinations: one piece for the group
                    sep = tail + head
                    group = [[gtexts[c // size] + sep + texts[c % size]
                              for c in combos.to_pylist()],
                             back.cast(pa.int64()), len(combos)]
                    tail = ""
                    continue
                flush()
            text += head
            group = list(coded)
            continue
        if group is not None:
            flush()
        if bare:
            pieces.append(pa.scalar(text + head + '"', s))
            pieces.append(frag)
            text = '"'
            continue
        if frag.null_count:
            frag = frag.fill_null(null)
        pieces.append(pa.scalar(text + head, s))
        pieces.append(frag)
        text = ""
    if group is not None:
        flush()
    pieces.append(pa.scalar(text + "}\n", s))
    if len(pieces) == 1:  # every field constant
        return (pieces[0].as_py() * n).encode("utf-8")
    lines = pc.binary_join_element_wise(*pieces, pa.scalar("", s))
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    _validity, offsets, data = lines.buffers()
    ends = memoryview(offsets).cast("q")  # int64 offsets of a large_string array
    lo, hi = ends[lines.offset], ends[lines.offset + n]
    return memoryview(data)[lo:hi].tobytes()


#: neighbouring fields are written as one piece when their distinct combinations are at most
#: one row in this many (:func:`records_jsonl_bytes`); an integer field gets one text per
#: number of its range when that range is as short
_FEW = 16
#: ... and at most this long (texts made in Python)
_INT_RANGE = 1024


def _coded(texts: list, codes, nulls: int):
    """``[texts, codes, len(texts)]`` of a field written once per distinct text: ``codes``
    (Arrow integers, one per row, null for a null value) as int64 without null, a null
    pointing at a "null" text added at the end of ``texts``."""
    import pyarrow as pa

    codes = codes.cast(pa.int64())
    if nulls:
        codes = codes.fill_null(len(texts))
        texts = texts + ["null"]
    return [texts, codes, len(texts)]
