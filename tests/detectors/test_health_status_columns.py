"""HEALTH_CONDITION in status columns: a column named for a condition ("statut_vih", "VIH",
"hepatite_c", "diabete") holding test results or yes/no ("positif", "négatif", "oui", "+", "1").

Each non-empty status cell is the health status of the data subject for that condition (GDPR
art. 9; a negative result is health data too): one finding per cell, score 0.6 + the header
boost 0.2 = 0.8, evidence = the header. A header of generic words alone ("statut", "resultat"),
a header of another thing ("actif") and a condition-named column of dates or ids give nothing.
Expected values are hand-checked against that rule. All data here is synthetic.
"""

from __future__ import annotations

import csv

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.health_condition import HealthConditionDetector
from sentinelle.pipeline import Pipeline
from sentinelle.finding import Location
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()

# (header, column values, expected HEALTH_CONDITION findings in that column)
CASES = [
    # the reported fault: a lab export's HIV status column, French words
    ("statut_vih", ["positif", "négatif", "positif"], 3),
    # serology header, lab abbreviations in upper case
    ("serologie_vih", ["POS", "NEG", "POS", "NEG"], 4),
    # English header and words
    ("hiv_status", ["positive", "negative", "negative"], 3),
    # camelCase header (folded to one word "hivstatus"), sign values
    ("hivStatus", ["+", "-", "+"], 3),
    # the condition alone as header, 1/0 flags
    ("VIH", ["1", "0", "0", "1"], 4),
    # a two-word condition in the header, yes/no
    ("hepatite_c", ["oui", "non", "non"], 3),
    # a chronic disease flag, mixed case
    ("diabete", ["Oui", "Non", "oui"], 3),
    # header with accents and a space; the empty cell gives nothing
    ("Sérologie VIH", ["Positif", "Négatif", ""], 2),
    # final dot after an abbreviation ("nég.")
    ("statut_hépatite_B", ["nég.", "pos."], 2),
    # pregnancy flag: the PREGNANCY detector does not claim yes/no cells
    ("grossesse", ["oui", "non", "oui"], 3),
    # a status cell, a free-text cell (text path finds "VIH") and an unknown word (nothing)
    ("statut_vih", ["positif", "VIH confirmé en 2019", "inconnu"], 2),
    # -- no finding
    # generic word alone: names no condition
    ("statut", ["positif", "négatif", "positif"], 0),
    # generic word alone (a lab-result header): names no condition
    ("resultat", ["positif", "négatif", "positif"], 0),
    # yes/no under a header that is not a condition
    ("actif", ["oui", "non", "oui"], 0),
    # a condition-named column of dates
    ("diabete", ["2021-03-04", "2020-01-02", "2019-05-06"], 0),
    # a date about the condition (deny word), even with 1/0 values
    ("vih_date", ["1", "0", "1"], 0),
    # a condition-named column of ids
    ("hepatite_c", ["10234", "10235", "10236"], 0),
    # an id about the condition (deny word)
    ("diabete_id", ["1", "0", "1"], 0),
]


def _cells(findings, header):
    return [f for f in findings if f.entity_type == "HEALTH_CONDITION" and f.location.column == header]


@pytest.mark.parametrize("header,values,expected", CASES)
def test_status_column_through_pipeline(header, values, expected):
    pipeline = Pipeline(DETECTORS, Config())
    unit = TableUnit(location=Location("t.csv"), header=(header,),
                     batches=iter([TableBatch(first_row=0, columns=[values])]))
    findings = []
    for batch in pipeline.analyze_table(unit):
        findings.extend(batch)
    found = _cells(findings, header)
    assert len(found) == expected
    for f in found:
        if f.evidence.pattern == "status_cell":
            assert f.score == pytest.approx(0.8)
            assert f.evidence.header == header


# rows of CASES also scanned end to end from a real CSV file
E2E = [CASES[0], CASES[4], CASES[7], CASES[11], CASES[14]]


@pytest.mark.parametrize("header,values,expected", E2E)
def test_status_column_scanned_from_csv(tmp_path, header, values, expected):
    path = tmp_path / "patients.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ligne", header])
        for k, v in enumerate(values):
            w.writerow([f"L{k}", v])
    result = sentinelle.scan(str(path))
    found = _cells(result.findings, header)
    assert len(found) == expected
    assert all(f.score == pytest.approx(0.8) and f.evidence.header == header
               for f in found if f.evidence.pattern == "status_cell")
    if expected:
        assert sorted(f.location.row for f in found) == [k for k, v in enumerate(values) if v]


@pytest.mark.parametrize("header,hit", [
    ("statut_vih", True), ("serologie_vih", True), ("hiv_status", True), ("hivStatus", True),
    ("VIH", True), ("hepatite_c", True), ("diabete", True), ("grossesse", True),
    ("statut", False),          # generic word alone
    ("resultat", False),        # generic word alone
    ("actif", False),           # not a condition
    ("garage_status", False),   # "rage" inside a word is not a condition
    ("statutaire", False),      # a word that starts with "statut"
    ("douleur", False),         # an ambiguous lexicon word ("?" marker) is not enough
    ("vih_date", False),        # a date about the condition
    ("nb_cancer", False),       # a count about the condition
])
def test_status_header(header, hit):
    assert HealthConditionDetector().status_header(fold_header(header)) is hit
