"""The compiled prefilter pass both ways: with hyperscan (installed as a runtime dependency) and
with the pure-Python ``re`` fallback used when the wheel is missing. Both must give the same
findings; hyperscan may fire for more detectors (``\\d`` widened), never for fewer.

Inputs: the shipped synthetic leak (examples/leak: CSV, TSV, JSON, NDJSON tables and text
reports) and the EDS-Pseudo notes (../shared/corpus/pii_fr_clinical_eds_pseudo).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import sentinelle.detectors.prefilter as prefilter
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.prefilter import PrefilterSet, hyperscan_available, to_hyperscan
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.scanner import iter_file, walk
from tests.conftest import shared_dir

REPO = Path(__file__).resolve().parents[2]
DETECTORS = build()
PATTERNS = [d.prefilter for d in DETECTORS]


def _eds_notes() -> list[str]:
    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    return [json.loads(ln)["note_text"] for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def test_hyperscan_is_installed():
    # a runtime dependency (pyproject): the fast path must be the one tested and shipped
    assert hyperscan_available()
    assert PrefilterSet(PATTERNS).engine == "hyperscan"


@pytest.mark.parametrize("python, pcre", [
    (r"a\u00a0b", r"a\x{00a0}b"),                                  # \u escape -> \x{...}
    (r"[ \u202f]", r"[ \x{202f}]"),
    (r"x\sy", r"x[\s\x{1c}-\x{1f}]y"),                            # Python's \s has U+001C-1F
    (r"[\s,]", r"[\s\x{1c}-\x{1f},]"),
    (r"\d{3}", r"[0-9\x{80}-\x{10ffff}]{3}"),                     # \d widened (fast compile)
    (r"[\da-z]", r"[0-9\x{80}-\x{10ffff}a-z]"),
    (r"\$|\{|\.", r"\$|\{|\."),                                    # other escapes unchanged
    (r"[^]x]", r"[^\]x]"),                                         # "]" first in a class
])
def test_to_hyperscan(python, pcre):
    assert to_hyperscan(python) == pcre.encode("utf-8")


@pytest.mark.parametrize("text", [
    "", "26", "D-000001", "µmol/L", "Appeler Dr Jean Mathieu si anomalie.", "06.36.46.03.75",
    "Groupe sanguin : A+", "N° SS 2 85 07 2A 004 123 38", "née le 3 août 1985 à Nîmes",
    "IBAN FR76 3000 4012 3400 0987 6543 272", "mdp: hunter2", "٣٤٥٦٧٨٩",  # Arabic-Indic digits
    "ééééééé", "\x1c\x1d", "x" * 5000,
])
def test_engines_agree_on_which_detectors_run(text):
    folded = fold_keep_length(text)
    by_re = set(PrefilterSet(PATTERNS, "re").fired(folded))
    by_hs = set(PrefilterSet(PATTERNS, "hyperscan").fired(folded))
    assert by_re <= by_hs
    if text.isascii():
        assert by_re == by_hs
    # the re engine answers exactly "does the prefilter match"
    assert by_re == {i for i, p in enumerate(PATTERNS) if re.search(p, folded)}


def test_lone_surrogate_goes_through_re():
    text = "tel 06 12 34 56 78 \udcff"
    hs = PrefilterSet(PATTERNS, "hyperscan")
    assert hs.fired(fold_keep_length(text)) == PrefilterSet(PATTERNS, "re").fired(fold_keep_length(text))


def _scan_leak(engine: str) -> list[tuple]:
    config = Config()
    pipeline = Pipeline(build(None, config), config, prefilter_engine=engine)
    assert pipeline.prefilters.engine == engine
    found: list = []
    for item in walk([REPO / "examples" / "leak"], config):
        display, path = item
        for _report in iter_file(display, path, pipeline, config, found.extend):
            pass
    return [(f.location, f.entity_type, f.start, f.end, f.score, f.normalized) for f in found]


def test_same_findings_on_the_synthetic_leak_both_ways():
    by_hs = _scan_leak("hyperscan")
    by_re = _scan_leak("re")
    assert len(by_hs) > 5000  # tables and reports of the shipped sample
    assert by_hs == by_re


def test_same_findings_on_eds_pseudo_notes_both_ways():
    config = Config()
    dets = build(None, config)
    p_hs = Pipeline(dets, config, prefilter_engine="hyperscan")
    p_re = Pipeline(dets, config, prefilter_engine="re")
    notes = _eds_notes()
    total = 0
    for note in notes:
        a = p_hs.analyze_text(note, Location("n"))
        b = p_re.analyze_text(note, Location("n"))
        assert [(f.entity_type, f.start, f.end, f.score) for f in a] == \
            [(f.entity_type, f.start, f.end, f.score) for f in b]
        total += len(a)
    assert total > 2000  # 697 notes


def test_without_the_wheel_auto_falls_back_to_re(monkeypatch):
    monkeypatch.setattr(prefilter, "_hs", None)
    assert not hyperscan_available()
    p = Pipeline(DETECTORS, Config())
    assert p.prefilters.engine == "re"
    found = p.analyze_text("Groupe sanguin : A+, tél. 06 12 34 56 78", Location("t"))
    assert {f.entity_type for f in found} == {"BLOOD_GROUP", "PHONE_NUMBER"}
    with pytest.raises(ValueError, match="not installed"):
        PrefilterSet(PATTERNS, "hyperscan")


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown prefilter engine"):
        PrefilterSet(PATTERNS, "pcre")


def test_skipping_is_lossless_against_running_every_detector():
    # a pipeline whose detectors have no prefilter runs all of them: same findings
    config = Config()

    class _NoPrefilter:
        def __init__(self, det):
            self._det = det

        def __getattr__(self, name):
            return getattr(self._det, name)

        prefilter = None

    plain = Pipeline([_NoPrefilter(d) for d in DETECTORS], config)
    fast = Pipeline(DETECTORS, config)
    for note in _eds_notes()[:200]:
        a = fast.analyze_text(note, Location("n"))
        b = plain.analyze_text(note, Location("n"))
        assert [(f.entity_type, f.start, f.end, f.score) for f in a] == \
            [(f.entity_type, f.start, f.end, f.score) for f in b]
