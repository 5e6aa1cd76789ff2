"""The scanner's text path as one Arrow batch (session 9, speed: ``Pipeline.analyze_text_batch``).

``analyze_text_batch(text, location, offset)`` must hold exactly the findings of
``analyze_text`` in the same order: the same table as ``FindingBatch.from_findings`` of them
(every column, evidence and raw values included), so the same records and JSONL bytes. The
scanner takes it for a plain :class:`Pipeline` only; a subclass that overrides
``analyze_text`` (redact's ``ScopedPipeline``) and a wrapper (assess's ``TappedPipeline``) keep
their own ``analyze_text``.

Texts: the synthetic leak's reports (examples/leak/*/comptes_rendus.txt, written by
``sentinelle synth``: synthetic people, valid keys), long enough to be cut in groups of
sections, some groups seen twice (section memo), and hand-written short texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import FindingBatch, Location, records_jsonl_bytes
from sentinelle.pipeline import Pipeline
from sentinelle.privacy import KeyedHasher
from sentinelle.scanner import _text_findings

REPO = Path(__file__).resolve().parents[1]
DETECTORS = build(config=Config())
HASHER = KeyedHasher(b"test-key-not-secret")
REPORTS = "\n".join(p.read_text(encoding="utf-8")
                    for p in sorted((REPO / "examples" / "leak").glob("*/comptes_rendus.txt")))


def _same(text: str, location: Location, offset: int) -> int:
    """Checks batch == from_findings(list) on a fresh pipeline each; returns the count."""
    listed = Pipeline(DETECTORS, Config()).analyze_text(text, location, offset)
    batch = Pipeline(DETECTORS, Config()).analyze_text_batch(text, location, offset)
    assert isinstance(batch, FindingBatch)
    expected = FindingBatch.from_findings(listed)
    assert batch.table.schema == expected.table.schema
    assert batch.table.to_pylist() == expected.table.to_pylist()
    assert list(batch) == listed
    assert records_jsonl_bytes(batch.records(HASHER)) == \
        records_jsonl_bytes(expected.records(HASHER))
    return len(listed)


@pytest.mark.parametrize("text, location, offset", [
    # the synthetic reports: many groups of sections, thousands of findings
    (REPORTS, Location("leak/comptes_rendus.txt"), 0),
    # the same text twice in one unit: the second copy's groups come from the section memo
    (REPORTS + "\n" + "-" * 72 + "\n" + REPORTS, Location("twice.txt"), 0),
    # a piece of a split file: offsets shifted, a page and a sheet carried to every row
    (REPORTS[:20_000], Location("r.pdf", None, None, "s1", 3), 1_000_000),
    # a short text (one part, below SECTION_MIN_CHARS)
    ("Patient : Jean Dupont, tél. 06 12 34 56 78, né le 03/04/1961 à Lyon.", Location("a.txt"),
     7),
])
def test_batch_equals_the_findings(text, location, offset):
    assert _same(text, location, offset) > 0


@pytest.mark.parametrize("text", ["", "   \n\n  ", "rien a signaler"])
def test_no_findings_gives_an_empty_batch(text):
    batch = Pipeline(DETECTORS, Config()).analyze_text_batch(text, Location("x.txt"))
    assert len(batch) == 0
    assert batch.table.schema == FindingBatch.schema()


class _Override(Pipeline):
    """A subclass with its own ``analyze_text``: the scanner must call it."""

    def analyze_text(self, text, location, offset=0):
        return super().analyze_text(text, location, offset)[:1]


class _Wrapper:
    """A wrapper, not a Pipeline: the scanner must call its ``analyze_text``."""

    def __init__(self, inner):
        self.inner = inner

    def analyze_text(self, text, location, offset=0):
        return ["wrapped"]


def test_scanner_takes_the_batch_for_a_plain_pipeline_only():
    text = "Patient : Jean Dupont, tél. 06 12 34 56 78."
    loc = Location("a.txt")
    plain = Pipeline(DETECTORS, Config())
    assert isinstance(_text_findings(plain, text, loc, 0), FindingBatch)
    got = _text_findings(_Override(DETECTORS, Config()), text, loc, 0)
    assert isinstance(got, list) and len(got) == 1
    assert _text_findings(_Wrapper(plain), text, loc, 0) == ["wrapped"]
