"""FinessDetector: Luhn-valid 9-character numbers with a cue or under a FINESS header.

FINESS numbers here are synthetic (a base plus its Luhn key computed by hand).
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.finess import FinessDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = FinessDetector()


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_FINESS"]


@pytest.mark.parametrize("text, span, score, validation", [
    ("Clinique des Lilas, FINESS 750000010", "750000010", 0.75, Validation.VALID),
    ("n° FINESS : 130001233.", "130001233", 0.75, Validation.VALID),
    ("Centre hospitalier (971000120)", "971000120", 0.75, Validation.VALID),     # overseas
    ("établissement FINESS 2A0001234", "2A0001234", 0.55, Validation.NONE),     # Corsica: unchecked
])
def test_found_with_cue(text, span, score, validation, pipeline):
    assert _found(pipeline, text) == [(span, score, validation)]


@pytest.mark.parametrize("text", [
    "Commande 750000010 expédiée",   # Luhn-valid, no cue: 0.45
    "FINESS 750000011",              # wrong key: INVALID 0.3
    "FINESS 7500000100",             # 10 digits
    "FINESS 1 750000010",            # inside a run of digit groups
    "2A0001234",                     # Corsica without a cue: 0.25
    "FINESS 2C0001234",              # no department 2C
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_cue_decides_between_siren_and_finess(pipeline):
    # 750000010 is a Luhn-valid 9-digit number: a FINESS cue makes it FINESS, a SIREN cue SIREN
    assert [(f.entity_type, f.value) for f in pipeline.analyze_text("FINESS 750000010", Location("t"))] == [
        ("FR_FINESS", "750000010")]
    assert [(f.entity_type, f.value) for f in pipeline.analyze_text("SIREN 750000010", Location("t"))] == [
        ("FR_SIREN", "750000010")]


@pytest.mark.parametrize("header, hit", [
    ("finess", True), ("FINESS", True), ("n_finess", True), ("num_finess", True),
    ("finess_ej", True), ("finess_et", True), ("N° FINESS", True), ("code_finess_geo", True),
    ("finesse", False), ("siret", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("750000010", True, (0, 9, 0.8, Validation.VALID)),
    ("750000011", True, (0, 9, INVALID_SCORE, Validation.INVALID)),
    ("2A0001234", True, (0, 9, 0.25, Validation.NONE)),      # +0.2 under the header: 0.45
    ("2A0001234", False, None),
    ("750000011", False, None),
    ("Clinique", True, None),
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.score, m.validation)) == expected


def test_table_with_header():
    p = Pipeline(build(), Config())
    unit = TableUnit(Location("etab.csv"), ("nom", "finess_et"),
                     iter([TableBatch(0, [["Clinique A", "Centre B"], ["750000010", "130001233"]])]))
    found = [f for b in p.analyze_table(unit) for f in b if f.entity_type == "FR_FINESS"]
    assert [(f.location.row, f.value, f.score) for f in found] == [(0, "750000010", 1.0),
                                                                  (1, "130001233", 1.0)]
