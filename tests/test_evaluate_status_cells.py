"""evaluate: a status-cell finding (start 0, end null: the whole cell, no span length that
would reveal the status) matches the labels of its cell, in both match modes. Run as a user
would: ``sentinelle scan`` then ``sentinelle evaluate``, real subprocesses. Data is synthetic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.evaluate import evaluate

BIN = Path(sys.executable).with_name("sentinelle")


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _label(row, column, start, end, entity="HEALTH_CONDITION", path="a.csv", sheet=None):
    return {"path": path, "row": row, "column": column, "sheet": sheet, "start": start,
            "end": end, "entity_type": entity}


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("match", ["exact", "overlap"])
def test_scan_then_evaluate_status_cells(tmp_path, match):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("nom,prenom,statut_vih\nDurand,Zoé,positif\n"
                                "Martin,Paul,negatif\nPetit,Léa,+\n", encoding="utf-8")
    r = run("scan", data, "--findings", tmp_path / "f.jsonl", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    status = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    status = [f for f in status if f["column"] == "statut_vih"]
    # the contract under test: one finding per status cell, start 0, end null
    assert [(f["row"], f["entity_type"], f["start"], f["end"]) for f in status] == [
        (0, "HEALTH_CONDITION", 0, None), (1, "HEALTH_CONDITION", 0, None),
        (2, "HEALTH_CONDITION", 0, None)]
    truth = _jsonl(tmp_path / "truth.jsonl", [
        _label(0, "statut_vih", 0, 7),   # "positif": found (TP)
        _label(1, "statut_vih", 0, 7),   # "negatif": found (TP)
        _label(3, "statut_vih", 0, 1),   # a row the file does not have: not found (FN)
        # row 2 ("+") has no label: its finding is FP
    ])
    r = run("evaluate", truth, tmp_path / "f.jsonl", "--match", match, "--format", "json",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    (health,) = out["per_entity"]  # a labels file: only its own types are scored
    assert (health["entity_type"], health["tp"], health["fp"], health["fn"]) == (
        "HEALTH_CONDITION", 2, 1, 1)
    assert (out["micro"]["tp"], out["micro"]["fp"], out["micro"]["fn"]) == (2, 1, 1)


@pytest.mark.parametrize("finding, label, tp_fp_fn", [
    # whole-cell finding, label spanning the cell: a match
    (_label(0, "statut_vih", 0, None), _label(0, "statut_vih", 0, 7), (1, 0, 0)),
    # whole-cell finding, label on part of the cell: still inside it, a match
    (_label(0, "statut_vih", 0, None), _label(0, "statut_vih", 3, 5), (1, 0, 0)),
    # another row: no match
    (_label(1, "statut_vih", 0, None), _label(0, "statut_vih", 0, 7), (0, 1, 1)),
    # another column: no match
    (_label(0, "statut_vhc", 0, None), _label(0, "statut_vih", 0, 7), (0, 1, 1)),
    # another entity type: the finding is not scored (type not in the truth), label missed
    (_label(0, "statut_vih", 0, None, "PERSON"), _label(0, "statut_vih", 0, 7), (0, 0, 1)),
    # a text finding (no column) with a null end is not a whole cell: no match
    (_label(None, None, 0, None, path="r.txt"), _label(None, None, 0, 7, path="r.txt"),
     (0, 1, 1)),
    # two sheets of one workbook: different cells
    (_label(0, "statut_vih", 0, None, path="a.xlsx", sheet="Feuil2"),
     _label(0, "statut_vih", 0, 7, path="a.xlsx", sheet="Feuil1"), (0, 1, 1)),
    # a truth that names no sheet matches the finding's sheet
    (_label(0, "statut_vih", 0, None, path="a.xlsx", sheet="Feuil1"),
     _label(0, "statut_vih", 0, 7, path="a.xlsx"), (1, 0, 0)),
])
@pytest.mark.parametrize("match", ["exact", "overlap"])
def test_whole_cell_matching(tmp_path, finding, label, tp_fp_fn, match):
    truth = _jsonl(tmp_path / "t.jsonl", [label])
    findings = _jsonl(tmp_path / "f.jsonl", [finding])
    ev = evaluate(truth, findings, match=match)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == tp_fp_fn


def test_truth_without_sheet_member(tmp_path):
    # labels files written before the sheet member existed: sheet is null, spans still match
    row = _label(0, "nom", 0, 6, "PERSON")
    del row["sheet"]
    truth = _jsonl(tmp_path / "t.jsonl", [row])
    findings = _jsonl(tmp_path / "f.jsonl", [_label(0, "nom", 0, 6, "PERSON")])
    ev = evaluate(truth, findings)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == (1, 0, 0)
