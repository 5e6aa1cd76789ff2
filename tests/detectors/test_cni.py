"""CniDetector: card numbers only with a cue, a header, or a matching MRZ check digit.

Card numbers are synthetic; MRZ check digits computed by hand (see
tests/identifiers/test_mrz_identifier.py).
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.cni import CniDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = CniDetector()


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_CNI"]


@pytest.mark.parametrize("text, span, score, validation", [
    ("Carte d'identité n° 130775012345 délivrée le 20/07/2013", "130775012345", 0.55, Validation.NONE),
    ("CNI : T7X3KP9Q2", "T7X3KP9Q2", 0.55, Validation.NONE),                      # 2021 card
    ("pièce d’identité 06122A100042", "06122A100042", 0.55, Validation.NONE),     # Corsica office
    ("identity card no. T7X3KP9Q2", "T7X3KP9Q2", 0.55, Validation.NONE),
    ("IDFRAT7X3KP9Q26<<<<<<<<<<<<<<<", "T7X3KP9Q2", 1.0, Validation.VALID),       # TD1 MRZ, digit 6
    # 1995-2021 card MRZ line 2: number, check digit, given names. 130775012345 -> 4:
    # 1*7+3*3+0+7*7+7*3+5+0+1*3+2+3*7+4*3+5 = 134
    ("1307750123454CAMILLE<<<<<<<8507125F6", "130775012345", 1.0, Validation.VALID),
])
def test_found(text, span, score, validation, pipeline):
    assert _found(pipeline, text) == [(span, score, validation)]


@pytest.mark.parametrize("text", [
    "Réf. 130775012345",                       # no cue: 0.25
    "CNI 131375012345",                        # month 13
    "CARTE NATIONALE D'IDENTITE",              # nine letters: a word
    "CNI 123456789",                           # nine digits: not the 2021 form
    "IDFRAT7X3KP9Q25<<<<<<<<<<<<<<<",          # MRZ check digit does not match: 0.3
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_mrz_mismatch_is_kept_low():
    m, = DET.find("IDFRAT7X3KP9Q25<<<<<<<<<<<<<<<")
    assert (m.start, m.end, m.score, m.validation) == (5, 14, INVALID_SCORE, Validation.INVALID)


@pytest.mark.parametrize("header, hit", [
    ("cni", True), ("num_cni", True), ("carte_identite", True), ("carte_d_identite", True),
    ("Carte nationale d'identité", True), ("numero_cni", True), ("piece_identite", True),
    ("id_card", True), ("carte_vitale", False), ("nationalid", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_table_needs_the_header():
    p = Pipeline([DET], Config())
    col = ["130775012345", "T7X3KP9Q2", "inconnue"]
    unit = TableUnit(Location("id.csv"), ("n_cni",), iter([TableBatch(0, [col])]))
    assert [(f.location.row, f.value, f.score) for b in p.analyze_table(unit) for f in b] == [
        (0, "130775012345", 0.8), (1, "T7X3KP9Q2", 0.8)]
    unit = TableUnit(Location("id.csv"), ("ref",), iter([TableBatch(0, [col])]))
    assert [f for b in p.analyze_table(unit) for f in b] == []
