"""AdeliDetector: no published key, so a cue or a header is always needed. Numbers are synthetic."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.adeli import AdeliDetector
from sentinelle.detectors.base import fold_header
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = AdeliDetector()


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_ADELI"]


@pytest.mark.parametrize("text, span", [
    ("Infirmière libérale, n° ADELI 751234560", "751234560"),
    ("kinésithérapeute (ADELI : 69 1 04567 3)", "69 1 04567 3"),    # grouped form
    ("Mme Roux, orthophoniste, 2A4000125", "2A4000125"),             # Corsica, profession cue
    ("Psychologue — 331234567", "331234567"),
])
def test_found_with_cue(text, span, pipeline):
    assert _found(pipeline, text) == [(span, 0.55, Validation.NONE)]


@pytest.mark.parametrize("text", [
    "Commande 751234560 expédiée",    # no cue: 0.25
    "ADELI 7512345601",               # 10 digits
    "ADELI 00 1 23456 7",             # department 00
    "ADELI 1 751234560",              # inside a run of digit groups
    "ADELI 751234560,5",              # a decimal number
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


@pytest.mark.parametrize("header, hit", [
    ("adeli", True), ("ADELI", True), ("n_adeli", True), ("num_adeli", True), ("N° ADELI", True),
    ("adeli_ps", True), ("rpps", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("751234560", True, (0, 9, 0.6, Validation.NONE)),     # + header boost 0.2: 0.8 (no key)
    (" 69 1 04567 3 ", True, (1, 13, 0.6, Validation.NONE)),
    ("751234560", False, None),                             # never from values alone
    ("7512345601", True, None),
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.score, m.validation)) == expected


def test_table_needs_the_header():
    p = Pipeline([DET], Config())
    col = ["751234560", "331234567"]
    with_header = TableUnit(Location("ps.csv"), ("n_adeli",), iter([TableBatch(0, [col])]))
    assert [(f.value, f.score) for b in p.analyze_table(with_header) for f in b] == [
        ("751234560", 0.8), ("331234567", 0.8)]
    without = TableUnit(Location("ps.csv"), ("col2",), iter([TableBatch(0, [col])]))
    assert [f for b in p.analyze_table(without) for f in b] == []
