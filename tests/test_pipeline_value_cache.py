"""The table fast path of sentinelle.pipeline (issue 6): each distinct value of a column is
analysed once per table and its findings copied to every cell holding it. The findings must be
exactly those of analysing every cell on its own, in row, column, offset order; the cache is
bounded; a subclass overriding ``analyze_text`` still sees every free-text cell.

Cell values are synthetic: the first NIR is the detector's own example (cases pb-016), the
second's key is 97 - (1841275123456 mod 97) = 40; phone numbers are 06 mobiles (valid ranges).
"""

from __future__ import annotations

import pytest

import sentinelle.pipeline as P
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()

HEADER = ("nom", "nir", "tel", "commentaire", "unite")
ROWS = [
    # a patient on several rows (lab exports repeat them), free text that repeats ("RAS"),
    # a note in a phone column (falls back to the text path), empty and blank cells
    ("DUPONT", "2 85 07 2A 004 123 38", "06 12 34 56 78", "RAS", "mmol/L"),
    ("DUPONT", "2 85 07 2A 004 123 38", "06 12 34 56 78", "Appeler Dr Jean Martin si anomalie.", "g/L"),
    ("MARTIN", "1 84 12 75 123 456 40", "appeler le 06 98 76 54 32", "RAS", ""),
    ("DUPONT", "2 85 07 2A 004 123 38", "06 12 34 56 78", "Appeler Dr Jean Martin si anomalie.", " "),
    ("LEROY", "", "", "patient à jeun, tél. 06 11 22 33 44", "mmol/L"),
]


def _unit(rows, batch_rows=2) -> TableUnit:
    def batches():
        for start in range(0, len(rows), batch_rows):
            part = rows[start:start + batch_rows]
            yield TableBatch(start, [list(col) for col in zip(*part)])
    return TableUnit(Location("t.csv"), HEADER, batches())


def _key(f):
    return (f.location, f.entity_type, f.start, f.end, f.score, f.validation, f.evidence,
            f.value, f.normalized)


def _cell_by_cell(pipeline: Pipeline, rows) -> list:
    """The reference: every cell analysed on its own, no cache (the pre-issue-6 loop)."""
    sample = [list(col) for col in zip(*rows)]
    plans = pipeline.classify(HEADER, sample)
    out = []
    for i, row in enumerate(rows):
        for plan in plans:
            value = row[plan.index]
            if not value or value.isspace():
                continue
            loc = Location("t.csv", i, plan.name, None)
            hits, _via_text = pipeline._cell_hits(value, plan)
            out.extend(P.Finding(h[0], h[1], h[2], h[3], loc, *h[4:]) for h in hits)
    return out


def test_cached_findings_equal_cell_by_cell():
    p = Pipeline(DETECTORS, Config())
    got = [f for batch in p.analyze_table(_unit(ROWS)) for f in batch]
    want = _cell_by_cell(p, ROWS)
    assert [_key(f) for f in got] == [_key(f) for f in want]
    types = [f.entity_type for f in got]
    assert types.count("FR_NIR") == 4 and types.count("PHONE_NUMBER") == 5
    # row order, then column order
    assert [(f.location.row, HEADER.index(f.location.column)) for f in got] == sorted(
        (f.location.row, HEADER.index(f.location.column)) for f in got)


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(P, "VALUE_CACHE", 2)
    p = Pipeline(DETECTORS, Config())
    caches: dict = {}
    rows = [(f"NOM{i}", "", f"06 12 34 56 {i:02d}", "", "") for i in range(10)]
    plans = p.classify(HEADER, [list(c) for c in zip(*rows)])
    found = p._analyze_batch(TableBatch(0, [list(c) for c in zip(*rows)]), plans,
                             Location("t.csv"), HEADER, caches)
    assert all(len(c) <= 2 for c in caches.values())
    assert sum(f.entity_type == "PHONE_NUMBER" for f in found) == 10


class _Tapped(Pipeline):
    def __init__(self, detectors, config):
        super().__init__(detectors, config)
        self.seen: list[tuple[str, int | None]] = []

    def analyze_text(self, text, location, offset=0):
        self.seen.append((text, location.row))
        return super().analyze_text(text, location, offset)


def test_overriding_analyze_text_sees_every_free_text_cell():
    p = _Tapped(DETECTORS, Config())
    got = [f for batch in p.analyze_table(_unit(ROWS)) for f in batch]
    ref = Pipeline(DETECTORS, Config())
    want = [f for batch in ref.analyze_table(_unit(ROWS)) for f in batch]
    assert [_key(f) for f in got] == [_key(f) for f in want]
    # "RAS" twice and the repeated comment twice: one call per cell, not per distinct value
    texts = [t for t, _row in p.seen]
    assert texts.count("RAS") == 2
    assert texts.count("Appeler Dr Jean Martin si anomalie.") == 2


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_engines_give_the_same_table_findings(engine):
    p = Pipeline(DETECTORS, Config(), prefilter_engine=engine)
    got = [f for batch in p.analyze_table(_unit(ROWS)) for f in batch]
    ref = Pipeline(DETECTORS, Config(), prefilter_engine="re")
    assert [_key(f) for f in got] == [_key(f) for f in _cell_by_cell(ref, ROWS)]
