"""The table path's work savers (issue 6) must not change a finding:

* the value memo kept across the tables of a scan (``pipeline._ValueMemo``): a second table,
  a bounded memo that is emptied when full, and a pickled pipeline (``--jobs`` workers) that
  arrives with an empty memo;
* the choice between one ``match_column`` call and a loop of ``match_cell``
  (``COLUMN_CALL_MIN``);
* ``Pipeline.classify`` (header hits first, counting stopped once a detector cannot win)
  against the rules of the pipeline's docstring applied plainly to every detector.

Cell values are synthetic: the first NIR is the detector's own example (cases pb-016), the
second's key is 97 - (1841275123456 mod 97) = 40; phone numbers are 06 mobiles.
"""

from __future__ import annotations

import pickle

import pytest

import sentinelle.pipeline as P
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DETECTORS = build()

NIR_A = "2 85 07 2A 004 123 38"
NIR_B = "1 84 12 75 123 456 40"
ROWS = [
    ("DUPONT", NIR_A, "06 12 34 56 78", "RAS", "P0000001"),
    ("MARTIN", NIR_B, "appeler le 06 98 76 54 32", "Appeler Dr Jean Martin si anomalie.", "P0000002"),
    ("DUPONT", NIR_A, "06 12 34 56 78", "patient à jeun, tél. 06 11 22 33 44", "P0000001"),
    ("LEROY", "", " ", "RAS", "P0000003"),
]


def _unit(header, rows, path="t.csv", batch_rows=2) -> TableUnit:
    def batches():
        for start in range(0, len(rows), batch_rows):
            part = rows[start:start + batch_rows]
            yield TableBatch(start, [list(col) for col in zip(*part)])
    return TableUnit(Location(path), tuple(header), batches())


def _key(f):
    return (f.location, f.entity_type, f.start, f.end, f.score, f.validation, f.evidence,
            f.value, f.normalized)


def _findings(pipeline, header, rows, path="t.csv"):
    return [_key(f) for batch in pipeline.analyze_table(_unit(header, rows, path)) for f in batch]


HEADER_A = ("nom", "nir", "tel", "commentaire", "ipp")
HEADER_B = ("patient", "num_secu", "telephone_portable", "note", "dossier")


def test_second_table_same_findings_as_a_fresh_pipeline():
    # the memo holds detector outcomes, not findings: the second table's findings carry its
    # own path, column names and header evidence
    shared = Pipeline(DETECTORS, Config())
    assert _findings(shared, HEADER_A, ROWS, "a.csv") == \
        _findings(Pipeline(DETECTORS, Config()), HEADER_A, ROWS, "a.csv")
    got = _findings(shared, HEADER_B, ROWS, "b.csv")
    assert got == _findings(Pipeline(DETECTORS, Config()), HEADER_B, ROWS, "b.csv")
    assert shared._memo.size > 0
    headers = {(k[0].column, k[6].header) for k in got if k[6].header}
    assert ("num_secu", "num_secu") in headers and ("nir", "nir") not in headers


def test_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(P, "MEMO_VALUES", 3)
    small = Pipeline(DETECTORS, Config())
    assert small._memo.limit == 3
    rows = [(f"NOM{i}", "", f"06 12 34 56 {i:02d}", f"note {i}", f"P{i:07d}") for i in range(12)]
    got = _findings(small, HEADER_A, rows)
    assert small._memo.size <= 3
    assert sum(len(m) for m in small._memo.maps.values()) <= 3
    assert got == _findings(Pipeline(DETECTORS, Config()), HEADER_A, rows)
    assert sum(k[1] == "PHONE_NUMBER" for k in got) == 12


def test_pickled_pipeline_has_an_empty_memo():
    p = Pipeline(DETECTORS, Config())
    _findings(p, HEADER_A, ROWS)
    assert p._memo.size > 0
    clone = pickle.loads(pickle.dumps(p._memo))
    assert clone.size == 0 and clone.maps == {} and clone.limit == p._memo.limit


@pytest.mark.parametrize("call_min", [
    1,          # every new value list goes through match_column (vectorised overrides)
    10 ** 9,    # never: match_cell value by value
])
def test_match_column_or_match_cell_same_findings(monkeypatch, call_min):
    rows = ROWS * 3 + [(f"NOM{i}", NIR_B, f"06 12 34 56 {i:02d}", "", "") for i in range(20)]
    want = _findings(Pipeline(DETECTORS, Config()), HEADER_A, rows)
    monkeypatch.setattr(P, "COLUMN_CALL_MIN", call_min)
    assert _findings(Pipeline(DETECTORS, Config()), HEADER_A, rows) == want


# -- classify against the plain rules ----------------------------------------------------------

def _plain_classify(p: Pipeline, header, sample):
    """The rules of sentinelle.pipeline's docstring, every detector scored in registry order."""
    from sentinelle.detectors.base import fold_header

    out = []
    for j, name in enumerate(header):
        values = [v for v in sample[j] if v and v.strip()][: p.config.sample_rows]
        fh = fold_header(name)
        chosen, best = None, None
        for det in p.detectors:
            hit = det.header_matches(fh) if fh else False
            if not values or (not hit and (det.header_required
                                           or len(values) < P.MIN_VALUE_SAMPLE)):
                continue
            share = sum(det.match_cell(v, hit) is not None for v in values) / len(values)
            if hit and share >= det.header_value_threshold and share > 0:
                chosen = (det.name, True, share)
                break
            if not hit and share >= det.value_threshold and (best is None or share > best[2]):
                best = (det.name, False, share)
        out.append(chosen or best or (None, False, 0.0))
    return out


COLUMNS = [
    # (header, values, why)
    ("col7", [NIR_A, NIR_B, NIR_A, "x"], "NIR from values alone: 3 of 4 pass the key"),
    ("nir", [NIR_A, "", "  ", NIR_B], "header hit with blank cells"),
    ("tel", ["06 12 34 56 78", "appeler le 06 98 76 54 32", "RAS"], "header hit, one value passes"),
    ("ref", ["A12", "B77", "C01"], "nothing: free text"),
    ("nom", ["DUPONT", "MARTIN", "LEROY"], "a name header"),
    ("x", ["06 12 34 56 78", "06 98 76 54 32"], "two values only: too few to classify by value"),
    ("montant", ["12,50", "7,00", "130,20", "8"], "amounts: no detector reaches its threshold"),
    ("date", ["12/03/1985", "01/01/2001", "31/12/1999", "rien"], "dates under a date header"),
]


@pytest.mark.parametrize("header,values,why", COLUMNS, ids=[c[0] for c in COLUMNS])
def test_classify_equals_plain_rules(header, values, why):
    p = Pipeline(DETECTORS, Config())
    plan = p.classify([header], [values])[0]
    want = _plain_classify(p, [header], [values])[0]
    assert (plan.detector.name if plan.detector else None, plan.header_hit, plan.share) == want
