"""The decision rules of the pipeline: overlaps, context, column classification."""

from __future__ import annotations

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.nir import NirDetector
from sentinelle.finding import Evidence, Finding, Location
from sentinelle.pipeline import Pipeline, resolve_overlaps

# synthetic NIRs with valid keys (key = 97 - n mod 97, 2A read as 19): hand-checked
NIR_A = "285072A00412338"     # ../shared/cases pb-016
NIR_B = "295109912611193"     # python-stdnum docstring


def _f(ent, s, e, score):
    return Finding(ent, s, e, score, Location("t"), evidence=Evidence("x"))


def test_resolve_overlaps_prefers_score_then_length():
    a = _f("PERSON", 11, 20, 0.7)
    b = _f("HEALTH_CONDITION", 0, 20, 0.8)
    c = _f("PHONE_NUMBER", 25, 30, 0.9)
    assert resolve_overlaps([a, b, c]) == [b, c]
    d = _f("X", 0, 5, 0.5)
    e = _f("Y", 0, 9, 0.5)
    assert resolve_overlaps([d, e]) == [e]


def test_column_of_valid_nirs_is_nir_even_with_generic_header():
    p = Pipeline([NirDetector()], Config())
    plans = p.classify(["col7", "ref"], [[NIR_A, NIR_B, NIR_A], ["A12", "B77", "C01"]])
    assert plans[0].detector is not None and plans[0].detector.entity == "FR_NIR"
    assert plans[0].header_hit is False and plans[0].share == 1.0
    assert plans[1].detector is None


def test_invalid_nir_kept_low_and_filtered_by_default():
    p0 = Pipeline([NirDetector()], Config(min_score=0.0))
    bad = "285072A00412339"  # key off by one
    # the cue after the number: the pipeline's context never lifts an invalid key (a NIR cue
    # right before it is the detector's own rule, 0.55: tests/detectors/test_nir.py)
    [f] = p0.analyze_text(f"{bad} (NIR)", Location("t"))
    assert f.validation.value == "invalid" and f.score == 0.3
    assert Pipeline([NirDetector()], Config()).analyze_text(f"{bad} (NIR)", Location("t")) == []


def test_entities_filter():
    p = Pipeline(build(("FR_NIR",)), Config(entities=("FR_NIR",)))
    fs = p.analyze_text(f"nir {NIR_B} mail a.b@example.org", Location("t"))
    assert [f.entity_type for f in fs] == ["FR_NIR"]
