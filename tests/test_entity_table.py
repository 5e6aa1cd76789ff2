"""The entity catalogue (issue 3): `sentinelle entities` lists every label with a detector, how
it validates and where its rule comes from; docs/entities.md is the same table, generated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.detectors import BUILTIN
from sentinelle.entities import ENTITIES
from sentinelle.report.entity_table import entity_rows, render_markdown

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cls", BUILTIN, ids=[c.name for c in BUILTIN])
def test_every_detector_states_its_validation_and_source(cls):
    assert cls.validation_rule.strip(), f"{cls.name}: validation_rule is empty"
    assert cls.rule_source.strip(), f"{cls.name}: rule_source is empty"


@pytest.mark.parametrize("label", list(ENTITIES))
def test_every_label_has_a_detector(label):
    assert any(label in (c.entities or (c.entity,)) for c in BUILTIN), f"no detector emits {label}"


def test_docs_table_is_generated_from_the_registry():
    # the whole file, header included (closing5: the committed header was one the generator
    # did not write), and through the command its header names
    committed = (REPO / "docs" / "entities.md").read_text(encoding="utf-8")
    assert committed == render_markdown(entity_rows()), \
        "docs/entities.md is stale: sentinelle entities --format markdown (see its header)"
    out = subprocess.run([sys.executable, "-m", "sentinelle", "entities", "--format",
                          "markdown"], capture_output=True, text=True, check=True).stdout
    assert out == committed


def test_cli_entities_json_lists_every_label():
    out = subprocess.run([sys.executable, "-m", "sentinelle", "entities", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    assert [r["label"] for r in rows] == list(ENTITIES)
    nir = next(r for r in rows if r["label"] == "FR_NIR")
    assert nir["detectors"] == "fr.nir" and "97" in nir["validation"]


def test_cli_entities_rejects_unknown_format():
    proc = subprocess.run([sys.executable, "-m", "sentinelle", "entities", "--format", "xml"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown format" in proc.stderr
    assert "Traceback" not in proc.stderr
