"""RppsDetector: weak in free text without a cue, strong under an RPPS column header.

RPPS numbers here are synthetic (base + computed Luhn key), never real professionals.
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.rpps import RppsDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = RppsDetector()


@pytest.mark.parametrize("text, span, score", [
    ("RPPS 10001234565", "10001234565", 0.75),                       # cue "rpps": 0.45 + 0.3
    ("n° RPPS : 10012345673.", "10012345673", 0.75),
    ("identifiant RPPS 10000000017", "10000000017", 0.75),
    ("Dr Caradec, médecin, 10987654323", "10987654323", 0.75),        # cue "médecin"
    ("prescripteur 10001234565", "10001234565", 0.75),
    ("Biologiste responsable (10001234565)", "10001234565", 0.75),
])
def test_found_with_cue(text, span, score, pipeline):
    found = [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
             if f.entity_type == "FR_RPPS"]
    assert found == [(span, score, Validation.VALID)]


@pytest.mark.parametrize("text", [
    "Commande 10001234565 expédiée",      # Luhn-valid, no cue: 0.45 < min score
    "RPPS 10001234566",                   # wrong key: INVALID, 0.3, not boosted
    "RPPS 20001234564",                   # does not start with 1
    "RPPS 100012345650",                  # 12 digits
    "RPPS A10001234565",                  # inside a token
])
def test_not_reported(text, pipeline):
    assert [f for f in pipeline.analyze_text(text, Location("t")) if f.entity_type == "FR_RPPS"] == []


@pytest.mark.parametrize("text, score, validation", [
    ("10001234565", 0.45, Validation.VALID),
    ("10001234566", INVALID_SCORE, Validation.INVALID),   # kept low: typos in leaks matter
])
def test_find_scores(text, score, validation):
    m, = DET.find(text)
    assert (m.start, m.end, m.score, m.validation) == (0, 11, score, validation)


@pytest.mark.parametrize("header, hit", [
    ("rpps", True), ("RPPS", True), ("n_rpps", True), ("num_rpps", True), ("N° RPPS", True),
    ("identifiant_rpps", True), ("rpps_prescripteur", True), ("id_rpps", True),
    ("rppsx", False), ("nom", False), ("siret", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("10001234565", True, (0, 11, 0.8, Validation.VALID)),          # pipeline adds 0.2: 1.0
    (" 10001234565 ", True, (1, 12, 0.8, Validation.VALID)),
    ("10001234566", True, (0, 11, INVALID_SCORE, Validation.INVALID)),  # invalid under header: low
    ("10001234565", False, (0, 11, 0.8, Validation.VALID)),          # value classification
    ("10001234566", False, None),                                    # no header: no evidence
    ("20001234564", True, None),
    ("Dr Caradec", True, None),
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.score, m.validation)) == expected


def test_table_with_header_scores_one():
    p = Pipeline([DET], Config())
    col = ["10001234565", "10012345673", "10001234566"]
    unit = TableUnit(Location("t.csv"), ("N° RPPS",), iter([TableBatch(0, [col])]))
    found = [f for b in p.analyze_table(unit) for f in b]
    assert [(f.location.row, f.score, f.validation) for f in found] == [
        (0, 1.0, Validation.VALID), (1, 1.0, Validation.VALID)]


def test_table_without_header_needs_most_values_valid():
    p = Pipeline([DET], Config())
    ids = ["10001234565", "10012345673", "10000000017", "10987654323", "10001234566"]
    unit = TableUnit(Location("t.csv"), ("col3",), iter([TableBatch(0, [ids])]))
    # 4/5 valid < value_threshold 0.9: the column is free text; no cue, so nothing reported
    assert [f for b in p.analyze_table(unit) for f in b] == []
