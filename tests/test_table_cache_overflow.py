"""The per-column value cache of the table path (pipeline ``_analyze_columns``) when it
overflows: a batch repeating values of earlier batches and bringing enough new ones to fill
the cache must still give the repeated values their findings (session 8: the cache was
emptied before those values were read back from it, so their cells got no finding on tables
of more than ``VALUE_CACHE`` distinct values per column).

Values are synthetic 06 mobile numbers (valid ranges) and made-up names.
"""

from __future__ import annotations

import sentinelle.pipeline as P
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()
HEADER = ("nom", "tel")


def _unit(batches) -> TableUnit:
    def gen():
        first = 0
        for rows in batches:
            yield TableBatch(first, [list(col) for col in zip(*rows)])
            first += len(rows)
    return TableUnit(Location("t.csv"), HEADER, gen())


def _rows(numbers):
    return [(f"NOM{k}", f"06 12 34 56 {k:02d}") for k in numbers]


def test_repeated_values_keep_their_findings_when_the_cache_overflows(monkeypatch):
    monkeypatch.setattr(P, "VALUE_CACHE", 4)
    # batch 1 fills the cache with 4 numbers; batch 2 repeats two of them and brings 3 new
    # ones (4 + 3 > 4: the cache is emptied); batch 3 repeats numbers of both
    batches = [_rows([0, 1, 2, 3]), _rows([0, 1, 10, 11, 12]), _rows([1, 12, 20])]
    p = Pipeline(DETECTORS, Config())
    got = [f for batch in p.analyze_table(_unit(batches)) for f in batch]
    phones = [(f.location.row, f.value) for f in got if f.entity_type == "PHONE_NUMBER"]
    want = [(row, tel) for row, (_nom, tel) in enumerate(r for b in batches for r in b)]
    assert phones == want  # one finding per cell, rows 0..11, in order


def test_small_cache_gives_the_findings_of_a_large_one(monkeypatch):
    batches = [_rows(range(k, k + 6)) for k in (0, 3, 1, 8, 0)]
    ref = [(f.location, f.entity_type, f.start, f.end, f.score, f.value)
           for b in Pipeline(DETECTORS, Config()).analyze_table(_unit(batches)) for f in b]
    monkeypatch.setattr(P, "VALUE_CACHE", 5)
    got = [(f.location, f.entity_type, f.start, f.end, f.score, f.value)
           for b in Pipeline(DETECTORS, Config()).analyze_table(_unit(batches)) for f in b]
    assert got == ref
    assert sum(1 for g in got if g[1] == "PHONE_NUMBER") == 30
