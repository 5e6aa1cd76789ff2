"""Session 13 (issue 6, speed only): what the pipeline does with the cyclic garbage collector.

A table batch is analysed with the collector paused; the objects it leaves alive (the value
memo, the column caches) are then frozen (``gc.freeze``) rather
than walked by the next young collections. The promises checked here:

* the collector is on again after each batch (off if the caller had paused it);
* a table whose scan froze nothing before it gives its objects back (``gc.unfreeze``) when it
  is done or closed early; when objects were frozen before it (the CLI freezes its detectors),
  the table's survivors stay frozen with them;
* the findings are those of a pipeline whose collector is left alone.

Cell values are synthetic (those of ``tests/test_table_memo.py``: the NIR is the nir
detector's own example, case pb-016; 06 numbers are mobiles).
"""

from __future__ import annotations

import gc

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()
HEADER = ("nom", "nir", "tel", "commentaire")
ROWS = [
    ("DUPONT", "2 85 07 2A 004 123 38", "06 12 34 56 78", "RAS"),
    ("MARTIN", "2 85 07 2A 004 123 38", "appeler le 06 98 76 54 32", "Appeler Dr Jean Martin."),
    ("LEROY", "", " ", "patient à jeun, tél. 06 11 22 33 44"),
]
TEXT = "Patient : Jean MARTIN, NIR 2 85 07 2A 004 123 38, tél. 06 12 34 56 78."


def _unit(batch_rows: int = 1) -> TableUnit:
    def batches():
        for start in range(0, len(ROWS), batch_rows):
            part = ROWS[start:start + batch_rows]
            yield TableBatch(start, [list(col) for col in zip(*part)])
    return TableUnit(Location("t.csv"), HEADER, batches())


def _key(f):
    return (f.location, f.entity_type, f.start, f.end, f.score, f.validation, f.evidence,
            f.value, f.normalized)


@pytest.fixture
def collector():
    """The collector on, nothing frozen, before and after the test."""
    gc.unfreeze()
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.parametrize("frozen_before, enabled, frozen_after", [
    # nothing frozen before the table: its survivors are given back when it is done
    (False, True, False),
    # the CLI froze its detectors: the table's survivors stay frozen with them
    (True, True, True),
    # a caller that paused the collector: it stays paused, nothing is frozen by the table
    (False, False, False),
])
def test_table_collector_state(collector, frozen_before, enabled, frozen_after):
    if frozen_before:
        gc.freeze()
    before = gc.get_freeze_count()
    if not enabled:
        gc.disable()
    pipeline = Pipeline(DETECTORS, Config())
    for _batch in pipeline.analyze_table(_unit()):
        assert gc.isenabled() is enabled  # on again after each batch (as the caller had it)
    assert gc.isenabled() is enabled
    if frozen_after:
        assert gc.get_freeze_count() > before  # the survivors joined the frozen objects
    else:
        assert gc.get_freeze_count() == 0


def test_table_closed_early_gives_its_objects_back(collector):
    # a consumer that stops after the first batch (the scanner on an error, a closed scan)
    batches = Pipeline(DETECTORS, Config()).analyze_table(_unit())
    next(batches)
    assert gc.get_freeze_count() > 0  # the first batch's survivors are frozen meanwhile
    batches.close()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


@pytest.mark.parametrize("frozen_before", [False, True])
def test_findings_do_not_depend_on_the_collector(collector, frozen_before):
    plain = Pipeline(DETECTORS, Config())
    gc.disable()  # the reference: the collector never touched by the pipeline
    try:
        want = [_key(f) for b in plain.analyze_table(_unit(2)) for f in b]
        want_text = [_key(f) for f in plain.analyze_text_batch(TEXT, Location("r.txt"))]
    finally:
        gc.enable()
    if frozen_before:
        gc.freeze()
    fresh = Pipeline(DETECTORS, Config())
    assert [_key(f) for b in fresh.analyze_table(_unit(2)) for f in b] == want
    assert [_key(f) for f in fresh.analyze_text_batch(TEXT, Location("r.txt"))] == want_text
    assert want  # the table has findings (names, NIR, phones)
