"""Units to findings: candidates ▶ validate ▶ context ▶ filters ▶ overlaps. The decision rules.

Text path (:meth:`Pipeline.analyze_text`): every detector's :meth:`find` yields validated
candidates; context words (found in a window around the candidate in folded text) add
:data:`CONTEXT_BOOST` to the score of a candidate that is not checksum-invalid; candidates below
``Config.min_score`` are dropped; overlapping candidates are resolved by keeping the higher score,
then the longer span, then the earlier one (so "maladie de Parkinson" as HEALTH_CONDITION beats
"Parkinson" as PERSON).

Table path (:meth:`Pipeline.analyze_table`): each column is classified once from its header and a
sample of values (:meth:`Pipeline.classify`):

1. a detector whose ``header_pattern`` matches the folded header claims the column when at least
   ``header_value_threshold`` of the sampled values pass its ``match_cell`` (the first such
   detector in registry order wins);
2. otherwise the detector (with ``header_required`` False) with the largest share of passing
   values claims it, when that share reaches its ``value_threshold``: a column of 15-digit
   numbers that pass the NIR key is FR_NIR even under a header like ``col7``;
3. otherwise the column is free text: every cell goes through the text path.

Value-only classification (2.) needs at least ``MIN_VALUE_SAMPLE`` non-empty sampled values: one
Luhn-valid message id in a one-row HL7 table is no evidence that the column holds SIREN numbers
(its cells still go through the text path, where a cue is needed).

A classified column gives one finding per cell that passes ``match_cell``; a cell it does not
accept whole (a note in a phone column) goes through the text path.

Speed (issue 6): every detector's ``prefilter`` is compiled into one
:class:`~sentinelle.detectors.prefilter.PrefilterSet` (hyperscan when installed, else Python
``re``); a text or cell runs only the detectors whose prefilter fired (the prefilter contract in
:mod:`sentinelle.detectors.base` makes this lossless).

Columnar table path (issue 6, :meth:`Pipeline._analyze_columns`): the outcome of a cell depends
on its column plan and its value alone, so per batch and column

1. the distinct values of the batch (a Polars ``unique``) not yet in the column's cache (at most
   ``VALUE_CACHE`` distinct values per column and table; emptied when full) are decided at once:
   one :meth:`Detector.match_column` call on all of them for a classified column, then the
   decision rules above per distinct value (:meth:`Pipeline._accept`); the values it does not
   accept, and every value of a free-text column, go through the text path, once per distinct
   value;
2. the hits of each distinct value are joined back to the rows holding it (a Polars join on the
   value: no Python work per cell);
3. the columns are concatenated and sorted by row, column, then the hit's place in its cell
   (offset order), and the hit fields gathered into one :class:`~sentinelle.finding.FindingBatch`
   (Arrow arrays; raw values in memory only).

Lab exports repeat units, codes, insurers, doctors and patients on many rows, so the work is per
distinct value, not per cell. A subclass that overrides :meth:`Pipeline.analyze_text`
(``assess.records.TappedPipeline``) gets the cell-by-cell path instead
(:meth:`Pipeline._analyze_cells`: same findings, as ``list[Finding]``, its ``analyze_text`` called
on every free-text cell); ``tests/test_finding_batch.py`` checks that both paths agree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterator, Sequence

from sentinelle.config import Config
from sentinelle.detectors.base import Detector, fold_header, fold_keep_length
from sentinelle.detectors.prefilter import PrefilterSet
from sentinelle.finding import Evidence, Finding, FindingBatch, Location, Validation
from sentinelle.readers.base import TableBatch, TableUnit

#: added to the score of a candidate with context words around it (never creates a finding)
CONTEXT_BOOST = 0.3
#: added to the score of a cell whose column header names the entity
HEADER_BOOST = 0.2


#: non-empty sampled values needed before a column is classified from its values alone
MIN_VALUE_SAMPLE = 3

#: distinct values remembered per column of a table (bounds memory: a column of unique values
#: empties its cache each time this many are held)
VALUE_CACHE = 20_000

#: a finding without its location: (entity, start, end, score, validation, evidence, value,
#: normalized), the order of :class:`Finding`'s fields after ``location``
_Hit = tuple


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one column is analysed: by one detector (``detector``), or as free text."""

    index: int
    name: str
    detector: Detector | None
    header_hit: bool
    share: float  # share of sampled non-empty values that passed the detector's cell check


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep a set of non-overlapping findings: higher score, then longer, then earlier wins.

    Returns them sorted by start offset. O(n log n).
    """
    if len(findings) < 2:
        return findings
    order = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for f in order:
        i = bisect.bisect_left(starts, f.start)
        if i > 0 and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


class Pipeline:
    """Runs a fixed list of detectors under a :class:`Config`. Stateless between units."""

    def __init__(self, detectors: Sequence[Detector], config: Config, *,
                 prefilter_engine: str = "auto"):
        self.config = config
        wanted = set(config.entities) if config.entities else None
        self.detectors = tuple(detectors)
        self.wanted = wanted
        #: one compiled pass decides which detectors run on a text (``prefilter_engine``:
        #: "auto", "hyperscan" or "re"; see :mod:`sentinelle.detectors.prefilter`)
        self.prefilters = PrefilterSet([d.prefilter for d in self.detectors], prefilter_engine)
        # a subclass that overrides analyze_text (assess.records.TappedPipeline) sees every
        # free-text cell through it, as before the value cache
        self._tapped = type(self).analyze_text is not Pipeline.analyze_text

    def _wanted(self, entity: str) -> bool:
        return self.wanted is None or entity in self.wanted

    # -- text ------------------------------------------------------------------------------
    def analyze_text(self, text: str, location: Location, offset: int = 0) -> list[Finding]:
        """Findings in ``text``; offsets are shifted by ``offset`` (position of ``text[0]``)."""
        return [Finding(h[0], h[1] + offset, h[2] + offset, h[3], location, h[4], h[5], h[6], h[7])
                for h in self._text_hits(text)]

    def _text_hits(self, text: str) -> list[_Hit]:
        """The findings of ``text`` (offsets in ``text``) without their location, resolved."""
        if not text or text.isspace():
            return []
        folded = fold_keep_length(text)
        min_score = self.config.min_score
        wanted = self.wanted
        dets = self.detectors
        found: list[_Hit] = []
        for k in self.prefilters.fired(folded):
            det = dets[k]
            for m in det.find(text):
                entity = m.entity or det.entity
                if wanted is not None and entity not in wanted:
                    continue
                score = m.score
                ctx = det.context_hits(folded, m.start, m.end)
                if ctx and m.validation is not Validation.INVALID:
                    score = min(1.0, score + CONTEXT_BOOST)
                if score < min_score:
                    continue
                value = text[m.start:m.end]
                found.append((entity, m.start, m.end, round(score, 4), m.validation,
                              Evidence(det.name, m.pattern or None, ctx),
                              value, m.normalized or det.normalize(value)))
        return _resolve_hits(found)

    # -- tables ----------------------------------------------------------------------------
    def classify(self, header: Sequence[str], sample: Sequence[Sequence[str | None]],
                 hints: Sequence[str | None] = ()) -> list[ColumnPlan]:
        """One :class:`ColumnPlan` per column from the header and a column-major value sample.

        ``hints``: per column, an optional standard meaning read in place of the header for
        classification (an HL7 reader names column ``PID-7`` and hints ``date_of_birth``).
        """
        plans = []
        for j, name in enumerate(header):
            values = [v for v in (sample[j] if j < len(sample) else ()) if v and v.strip()]
            values = values[: self.config.sample_rows]
            hint = hints[j] if j < len(hints) else None
            fh = fold_header(hint or name)
            chosen: tuple[Detector, bool, float] | None = None
            best_value: tuple[float, Detector] | None = None
            for det in self.detectors:
                if not any(self._wanted(e) for e in (det.entities or (det.entity,))):
                    continue
                hit = det.header_matches(fh) if fh else False
                if not values:
                    continue
                if not hit and (det.header_required or len(values) < MIN_VALUE_SAMPLE):
                    continue  # this detector cannot claim the column: do not score it
                share = sum(1 for v in values if det.match_cell(v, hit) is not None) / len(values)
                if hit:
                    if share >= det.header_value_threshold and share > 0:
                        chosen = (det, True, share)
                        break  # the first header hit in registry order wins
                elif share >= det.value_threshold:
                    if best_value is None or share > best_value[0]:
                        best_value = (share, det)
            if chosen is None and best_value is not None:
                chosen = (best_value[1], False, best_value[0])
            if chosen is None:
                plans.append(ColumnPlan(j, name, None, False, 0.0))
            else:
                plans.append(ColumnPlan(j, name, chosen[0], chosen[1], chosen[2]))
        return plans

    def analyze_table(self, unit: TableUnit) -> Iterator[FindingBatch | list[Finding]]:
        """Yield the findings of each batch of ``unit``: one :class:`FindingBatch` per batch
        (a ``list[Finding]`` when a subclass overrides :meth:`analyze_text`, see
        :meth:`_analyze_batch`)."""
        plans: list[ColumnPlan] | None = None
        loc = unit.location
        header = unit.header
        # column index -> cell value -> (findings without location, from the text path)
        caches: dict[int, dict[str, tuple[list[_Hit], bool]]] = {}
        for batch in unit.batches:
            if plans is None:
                sample = [col[: self.config.sample_rows * 2] for col in batch.columns]
                plans = self.classify(header, sample, unit.hints)
            yield self._analyze_batch(batch, plans, loc, header, caches)

    def _analyze_batch(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                       header: Sequence[str],
                       caches: dict[int, dict[str, tuple[list[_Hit], bool]]] | None = None
                       ) -> FindingBatch | list[Finding]:
        """Findings of one batch, in row order, then column order, then offset in the cell.

        ``caches``: per column index, ``{cell value: (hits without location, via text path)}``,
        kept across the batches of one table (at most ``VALUE_CACHE`` values per column).
        Columnar (:meth:`_analyze_columns`, a :class:`FindingBatch`) unless a subclass overrides
        :meth:`analyze_text`: then :meth:`_analyze_cells` calls it on every free-text cell and
        returns its very :class:`Finding` objects (assess keys its text cues by them).
        """
        if caches is None:
            caches = {}
        if self._tapped:
            return self._analyze_cells(batch, plans, loc, caches)
        return self._analyze_columns(batch, plans, loc, caches)

    def _distinct_hits(self, plan: ColumnPlan, new: list[str]) -> dict[str, tuple[list[_Hit], bool]]:
        """``{value: (hits, via text path)}`` for distinct non-blank cell values of one column:
        one :meth:`Detector.match_column` call for all of them; the values it does not accept
        whole go through the text path, one by one (as :meth:`_cell_hits`)."""
        det = plan.detector
        if det is None:
            return {v: (self._text_hits(v), True) for v in new}
        import polars as pl

        res = det.match_column(pl.Series("value", new, dtype=pl.Utf8), plan.header_hit)
        out: dict[str, tuple[list[_Hit], bool]] = {}
        evidence: dict[str, Evidence] = {}
        for value, start, end, score, validation, pattern, normalized, entity in zip(
                new, *(res[c].to_list() for c in ("start", "end", "score", "validation",
                                                   "pattern", "normalized", "entity"))):
            if start is None:
                out[value] = (self._text_hits(value), True)
                continue
            out[value] = self._accept(plan, value, start, end, score, Validation(validation),
                                      pattern or "", normalized or "", entity, evidence)
        return out

    def _analyze_columns(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                         caches: dict[int, dict[str, tuple[list[_Hit], bool]]]) -> FindingBatch:
        """The columnar path of :meth:`_analyze_batch` (issue 6).

        Per column: the distinct values of the batch (Polars ``unique``) not in the column's
        cache go through :meth:`_distinct_hits` at once; the hits of every distinct value are
        then joined back to the rows holding it (a Polars join on the value); all columns are
        concatenated and sorted by (row, column, position of the hit in its cell) and the hit
        fields gathered into one :class:`FindingBatch`. Python work is per distinct value, not
        per cell."""
        import polars as pl

        first = batch.first_row
        hits: list[_Hit] = []          # the distinct hits of this batch, by hit id
        hit_ids: dict[int, int] = {}   # id(hit tuple) -> hit id
        parts: list = []
        for plan in sorted(plans, key=lambda p: p.index):
            j = plan.index
            if j >= len(batch.columns):
                continue
            cache = caches.get(j)
            if cache is None:
                cache = caches[j] = {}
            column = pl.Series("value", batch.columns[j], dtype=pl.Utf8)
            distinct = column.drop_nulls().unique(maintain_order=True).to_list()
            new = [v for v in distinct if v not in cache and v and not v.isspace()]
            local = self._distinct_hits(plan, new) if new else {}
            if local:
                if len(cache) + len(local) > VALUE_CACHE:
                    cache.clear()
                room = VALUE_CACHE - len(cache)
                if len(local) <= room:
                    cache.update(local)
                else:
                    cache.update(dict(zip(list(local)[:room], list(local.values())[:room])))
            key_values: list[str] = []
            key_ids: list[int] = []
            key_k: list[int] = []
            for v in distinct:
                got = local.get(v) or cache.get(v)
                if not got or not got[0]:
                    continue
                for k, h in enumerate(got[0]):
                    hid = hit_ids.get(id(h))
                    if hid is None:
                        hid = hit_ids[id(h)] = len(hits)
                        hits.append(h)
                    key_values.append(v)
                    key_ids.append(hid)
                    key_k.append(k)
            if not key_values:
                continue
            keys = pl.DataFrame({"value": key_values, "hit": key_ids, "k": key_k},
                                schema={"value": pl.Utf8, "hit": pl.Int64, "k": pl.Int32})
            rows = (column.to_frame().with_row_index("i")
                    .join(keys, on="value", how="inner")
                    .select(pl.col("i").cast(pl.Int64), pl.lit(j, pl.Int32).alias("j"),
                            "hit", "k", pl.lit(plan.name, pl.Utf8).alias("column")))
            parts.append(rows)
        return _gather(parts, hits, loc, first)

    def _analyze_cells(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                       caches: dict[int, dict[str, tuple[list[_Hit], bool]]]) -> list[Finding]:
        """The cell-by-cell path of :meth:`_analyze_batch`: one dict lookup per cell, and a
        call of :meth:`analyze_text` per free-text cell (the subclass sees each one)."""
        path, sheet = loc.path, loc.sheet
        first = batch.first_row
        # per column, the hits of each row that has some: {row index in batch: hits}
        per_column: list[tuple[ColumnPlan, dict[int, list[_Hit]]]] = []
        for plan in sorted(plans, key=lambda p: p.index):
            j = plan.index
            if j >= len(batch.columns):
                continue
            cache = caches.get(j)
            if cache is None:
                cache = caches[j] = {}
            get = cache.get
            rows: dict[int, list[_Hit] | list[Finding]] = {}
            tapped = self._tapped
            for i, value in enumerate(batch.columns[j]):
                got = get(value)
                if got is None:
                    if not value:  # None (missing) or empty: nothing to analyse
                        continue
                    if len(cache) >= VALUE_CACHE:
                        cache.clear()
                    got = cache[value] = self._cell_hits(value, plan)
                if tapped and got[1]:
                    found = self.analyze_text(value, Location(path, first + i, plan.name, sheet))
                    if found:
                        rows[i] = found
                elif got[0]:
                    rows[i] = got[0]
            if rows:
                per_column.append((plan, rows))
        if not per_column:
            return []
        out: list[Finding] = []
        if len(per_column) == 1:
            order = sorted(per_column[0][1])
        else:
            order = sorted({i for _plan, rows in per_column for i in rows})
        for i in order:
            row = first + i
            for plan, rows in per_column:
                hits = rows.get(i)
                if hits is None:
                    continue
                if isinstance(hits[0], Finding):  # made by an overriding analyze_text
                    out.extend(hits)
                    continue
                cell_loc = Location(path, row, plan.name, sheet)
                for h in hits:
                    out.append(Finding(h[0], h[1], h[2], h[3], cell_loc, h[4], h[5], h[6], h[7]))
        return out

    def _cell_hits(self, value: str, plan: ColumnPlan) -> tuple[list[_Hit], bool]:
        """The findings of one cell of a column planned as ``plan``, without their location,
        and whether they come from the text path."""
        if value.isspace():
            return [], False
        det = plan.detector
        if det is None:
            return self._text_hits(value), True
        m = det.match_cell(value, plan.header_hit)
        if m is None:
            # a cell the column's detector does not accept whole (several conditions in
            # one cell, a note in a phone column) still goes through the text path
            return self._text_hits(value), True
        return self._accept(plan, value, m.start, m.end, m.score, m.validation, m.pattern,
                            m.normalized, m.entity, {})

    def _accept(self, plan: ColumnPlan, value: str, start: int, end: int, score: float,
                validation: Validation, pattern: str, normalized: str, entity: str | None,
                evidence: dict[str, Evidence]) -> tuple[list[_Hit], bool]:
        """The decision on a cell the column's detector accepted (a :class:`Match`'s fields):
        entity filter, :data:`HEADER_BOOST` under a header hit unless checksum-invalid,
        ``min_score``. ``evidence`` memoises the :class:`Evidence` per pattern."""
        det = plan.detector
        entity = entity or det.entity
        if not self._wanted(entity):
            return [], False
        if plan.header_hit and validation is not Validation.INVALID:
            score = min(1.0, score + HEADER_BOOST)
        if score < self.config.min_score:
            return [], False
        ev = evidence.get(pattern)
        if ev is None:
            ev = evidence[pattern] = Evidence(det.name, pattern or None, (),
                                              plan.name if plan.header_hit else None)
        raw = value[start:end]
        return [(entity, start, end, round(score, 4), validation, ev,
                 raw, normalized or det.normalize(raw))], False


def _resolve_hits(found: list[_Hit]) -> list[_Hit]:
    """:func:`resolve_overlaps` on location-less findings (same rule, same order)."""
    if len(found) < 2:
        return found
    order = sorted(found, key=lambda h: (-h[3], -(h[2] - h[1]), h[1]))
    starts: list[int] = []
    kept: list[_Hit] = []
    for h in order:
        i = bisect.bisect_left(starts, h[1])
        if i > 0 and kept[i - 1][2] > h[1]:
            continue
        if i < len(kept) and kept[i][1] < h[2]:
            continue
        starts.insert(i, h[1])
        kept.insert(i, h)
    return kept


def _gather(parts: list, hits: list[_Hit], loc: Location, first: int) -> FindingBatch:
    """One :class:`FindingBatch` from the per-column ``(i, j, hit, k, column)`` row frames of
    :meth:`Pipeline._analyze_columns` and the distinct ``hits`` they point to: sorted by row
    ``i``, column ``j``, then ``k`` (the hit's place in its cell, already in offset order)."""
    import polars as pl
    import pyarrow as pa

    schema = FindingBatch.schema()
    if not parts:
        return FindingBatch(schema.empty_table())
    rows = pl.concat(parts).sort(["i", "j", "k"])
    ids = rows["hit"].to_arrow()
    n = rows.height
    fields = {
        "entity_type": [h[0] for h in hits], "start": [h[1] for h in hits],
        "end": [h[2] for h in hits], "score": [h[3] for h in hits],
        "validation": [h[4].value for h in hits], "detector": [h[5].detector for h in hits],
        "pattern": [h[5].pattern or "" for h in hits], "context": [list(h[5].context) for h in hits],
        "header": [h[5].header or "" for h in hits], "value": [h[6] for h in hits],
        "normalized": [h[7] for h in hits],
    }
    cols = {}
    for f in schema:
        name = f.name
        if name == "path":
            cols[name] = pa.repeat(pa.scalar(loc.path, f.type), n)
        elif name == "sheet":
            cols[name] = pa.repeat(pa.scalar(loc.sheet, f.type), n)
        elif name == "page":
            cols[name] = pa.nulls(n, f.type)
        elif name == "row":
            cols[name] = (rows["i"] + first).to_arrow().cast(f.type)
        elif name == "column":
            cols[name] = rows["column"].to_arrow().cast(f.type)
        else:
            cols[name] = pa.array(fields[name], f.type).take(ids)
    return FindingBatch(pa.table(cols, schema=schema))
