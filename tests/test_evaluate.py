"""evaluate: P/R/F1 against a hand-checked example."""

from __future__ import annotations

import json

import pytest

from sentinelle.errors import TruthError
from sentinelle.evaluate import evaluate


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _lab(path, row, col, s, e, ent):
    return {"path": path, "row": row, "column": col, "start": s, "end": e, "entity_type": ent}


def test_hand_checked(tmp_path):
    labels = _jsonl(tmp_path / "labels.jsonl", [
        _lab("a.csv", 0, "nom", 0, 6, "PERSON"),
        _lab("a.csv", 1, "nom", 0, 5, "PERSON"),
        _lab("r.txt", None, None, 10, 25, "FR_NIR"),
        _lab("r.txt", None, None, 40, 50, "PHONE_NUMBER"),
    ])
    (tmp_path / "truth.json").write_text(json.dumps(
        {"labels": "labels.jsonl", "entity_types": ["PERSON", "FR_NIR", "PHONE_NUMBER"]}))
    findings = _jsonl(tmp_path / "f.jsonl", [
        _lab("a.csv", 0, "nom", 0, 6, "PERSON"),          # TP
        _lab("a.csv", 1, "nom", 0, 4, "PERSON"),          # exact: FP + FN; overlap: TP
        _lab("r.txt", None, None, 10, 25, "FR_NIR"),      # TP
        _lab("r.txt", None, None, 60, 70, "PHONE_NUMBER"),  # FP (and the phone label is FN)
        _lab("r.txt", None, None, 0, 3, "URL"),           # type not annotated: ignored
    ])
    ev = evaluate(tmp_path / "truth.json", findings)
    per = {e.entity_type: e for e in ev.per_entity}
    assert (per["PERSON"].tp, per["PERSON"].fp, per["PERSON"].fn) == (1, 1, 1)
    assert (per["FR_NIR"].tp, per["FR_NIR"].fp, per["FR_NIR"].fn) == (1, 0, 0)
    assert (per["PHONE_NUMBER"].tp, per["PHONE_NUMBER"].fp, per["PHONE_NUMBER"].fn) == (0, 1, 1)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == (2, 2, 2)
    assert ev.micro.f1 == pytest.approx(0.5)
    ov = evaluate(tmp_path / "truth.json", findings, match="overlap")
    assert {e.entity_type: e.tp for e in ov.per_entity}["PERSON"] == 2


def test_strip_prefix_and_errors(tmp_path):
    labels = _jsonl(tmp_path / "l.jsonl", [_lab("a.csv", 0, "nom", 0, 6, "PERSON")])
    f = _jsonl(tmp_path / "f.jsonl", [_lab("leak/a.csv", 0, "nom", 0, 6, "PERSON")])
    assert evaluate(labels, f, strip_prefix="leak").micro.f1 == 1.0
    with pytest.raises(TruthError):
        evaluate(tmp_path / "missing.json", f)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(TruthError):
        evaluate(tmp_path / "bad.json", f)
