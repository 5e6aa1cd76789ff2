"""Session 13 (speed only): :meth:`Pipeline._header_hits` remembers, per folded header, which
detectors' header rules match it, so that the many small tables of an HL7 message (one per
segment occurrence) do not ask every detector again for every column.

The promises: the same hits as asking each detector; the memo is bounded
(``HEADER_HITS_MAX``); replacing :attr:`Pipeline.wanted` is seen; the column plans, hence the
findings, are those of a pipeline without the memo. Headers and cells are synthetic (the NIR is
the nir detector's own example, case pb-016; 06 numbers are mobiles).
"""

from __future__ import annotations

import pytest

import sentinelle.pipeline as pipeline_mod
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()


@pytest.mark.parametrize("header, detector", [
    ("nir", "fr.nir"),            # the NIR column's usual header
    ("tel", "phone"),             # a phone column
    ("email", "email"),
])
def test_hits_are_the_detectors_own(header, detector):
    pipe = Pipeline(DETECTORS, Config())
    dets, hits = pipe._header_hits(header)
    assert hits == tuple(d.header_matches(header) for d in dets)
    assert dict(zip((d.name for d in dets), hits))[detector] is True
    assert pipe._header_hits(header)[1] is hits  # remembered


def test_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(pipeline_mod, "HEADER_HITS_MAX", 3)
    pipe = Pipeline(DETECTORS, Config())
    for h in ("a", "b", "c", "d", "e"):
        pipe._header_hits(h)
    assert len(pipe._header_memo[2]) <= 3


def test_wanted_replaced_is_seen():
    pipe = Pipeline(DETECTORS, Config())
    assert any(d.name == "phone" for d in pipe._header_hits("tel")[0])
    pipe.wanted = {"FR_NIR"}
    assert [d.name for d in pipe._header_hits("tel")[0]] == ["fr.nir"]


def _unit():
    header = ("nom", "nir", "tel")
    rows = [("DUPONT", "2 85 07 2A 004 123 38", "06 12 34 56 78")] * 30
    return TableUnit(Location("t.csv"), header,
                     iter([TableBatch(0, [list(c) for c in zip(*rows)])]))


def test_same_findings_as_without_the_memo(monkeypatch):
    def flat(pipe):
        return [(f.entity_type, f.location.column, f.start, f.end, f.score)
                for b in pipe.analyze_table(_unit()) for f in b]

    with_memo = flat(Pipeline(DETECTORS, Config()))
    monkeypatch.setattr(pipeline_mod, "HEADER_HITS_MAX", 0)  # forgotten at every header
    assert flat(Pipeline(DETECTORS, Config())) == with_memo
    assert ("FR_NIR", "nir", 0, 21, 1.0) in with_memo
