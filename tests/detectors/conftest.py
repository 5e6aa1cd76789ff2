"""Fixtures for detector tests: the team's cases file and an end-to-end pipeline.

The shared folder is ``$SENTINELLE_SHARED``, defaulting to ``<repo>/../shared`` (repo = pytest's
rootdir). A missing cases file fails the tests that need it; nothing is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Finding, Location
from sentinelle.pipeline import Pipeline


@pytest.fixture(scope="session")
def shared(pytestconfig) -> Path:
    return Path(os.environ.get("SENTINELLE_SHARED", pytestconfig.rootpath.parent / "shared"))


@pytest.fixture(scope="session")
def cases(shared) -> dict[str, dict]:
    path = shared / "cases" / "cases.jsonl"
    assert path.is_file(), f"missing {path}: set SENTINELLE_SHARED to the shared folder"
    lines = path.read_text(encoding="utf-8").splitlines()
    return {c["id"]: c for c in (json.loads(l) for l in lines if l.strip())}


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline(build(), Config())


@pytest.fixture(scope="session")
def analyze(pipeline):
    """``analyze(text, entity)``: (start, end, text) of the pipeline's findings of one entity."""

    def run(text: str, entity: str) -> list[tuple[int, int, str]]:
        found: list[Finding] = pipeline.analyze_text(text, Location("t"))
        return [(f.start, f.end, text[f.start:f.end]) for f in found if f.entity_type == entity]

    return run


@pytest.fixture(scope="session")
def expected(cases):
    """``expected(case_id, entity)``: the (start, end, text) a case expects for ``entity``
    (from ``entities`` and ``entities_must_cover``), and the case's input text."""

    def get(case_id: str, entity: str) -> tuple[str, list[tuple[int, int, str]]]:
        case = cases[case_id]
        exp = case["expected"]
        rows = exp.get("entities", []) + exp.get("entities_must_cover", [])
        spans = [(e["start"], e["end"], e["text"]) for e in rows if e["type"] == entity]
        assert spans, f"{case_id} expects no {entity}: wrong case id in the table"
        return case["input"], spans

    return get
