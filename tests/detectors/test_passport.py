"""PassportDetector: 2 digits, 2 letters, 5 digits, with a cue, a header or a matching MRZ.

Passport numbers are synthetic; MRZ check digits computed by hand.
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.passport import PassportDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = PassportDetector()


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_PASSPORT"]


@pytest.mark.parametrize("text, span, score, validation", [
    ("Passeport n° 09AA12345, expire en 2031", "09AA12345", 0.6, Validation.NONE),
    ("passport no: 18FD40271.", "18FD40271", 0.6, Validation.NONE),
    ("titre de voyage 18FD40271", "18FD40271", 0.6, Validation.NONE),
    # TD3 MRZ line 2: number, check digit 0 (09AA12345 -> 150), FRA, birth date 850101 + 9, sex
    ("09AA123450FRA8501019F3101012<<<<<<<<<<<<<<02", "09AA12345", 1.0, Validation.VALID),
])
def test_found(text, span, score, validation, pipeline):
    assert _found(pipeline, text) == [(span, score, validation)]


@pytest.mark.parametrize("text", [
    "Réf. 09AA12345",                 # no cue: 0.3
    "passeport 9AA12345",             # one digit first
    "passeport 09A123456",            # one letter
    "passeport 09AA123456",           # 10 characters
    "09AA123451FRA8501019F3101012<<<<<<<<<<<<<<02",   # MRZ check digit does not match
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_passport_cue_beats_cni_form(pipeline):
    # a passport number also has the 2021 CNI form; the cue decides
    found = pipeline.analyze_text("CNI ou passeport : 09AA12345", Location("t"))
    assert [(f.entity_type, f.value) for f in found] == [("FR_PASSPORT", "09AA12345")]
    found = pipeline.analyze_text("CNI : 09AA12345", Location("t"))
    assert [(f.entity_type, f.value) for f in found] == [("FR_CNI", "09AA12345")]


@pytest.mark.parametrize("header, hit", [
    ("passeport", True), ("passport", True), ("num_passeport", True), ("passport_number", True),
    ("N° de passeport", True), ("passport_no", True), ("passage", False), ("pass", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_table_with_header():
    p = Pipeline(build(), Config())
    unit = TableUnit(Location("voyageurs.csv"), ("nom", "passeport"),
                     iter([TableBatch(0, [["Durand", "Martin"], ["09AA12345", "18FD40271"]])]))
    found = [f for b in p.analyze_table(unit) for f in b if f.entity_type == "FR_PASSPORT"]
    assert [(f.location.row, f.value, f.score) for f in found] == [(0, "09AA12345", 0.8),
                                                                  (1, "18FD40271", 0.8)]
