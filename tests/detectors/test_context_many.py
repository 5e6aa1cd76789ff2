"""Context words of many candidates in one pass (issue 6, ``Detector.context_hits_many``).

The pipeline scores every candidate of a detector with ``context_hits_many(folded, spans)``:
the result must be IDENTICAL to ``[context_hits(folded, start, end) for start, end in spans]``
(the rule: context words in ``folded[start-48:start] + " " + folded[end:end+16]``, whole words,
see ``sentinelle.detectors.base``). Checked on hand-made cases at the edges of the windows (the
junction, a NUL in the text, a window cut at the start of the text or inside a word) and, for
every registered detector, on its own candidates in real texts: the synthetic leak's reports
(examples/leak/*/comptes_rendus.txt, written by ``sentinelle synth``) and the EDS-Pseudo notes
(../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import Detector, fold_keep_length
from tests.conftest import shared_dir

REPO = Path(__file__).resolve().parents[2]


class _Cue(Detector):
    name = "test.cue"
    entity = "TEST"
    context_words = ("numero de telephone", "tel", "patient")


class _Own(_Cue):
    """Replaces its context regex after ``__init__``: the per-span method must be used."""

    def __init__(self):
        super().__init__()
        import re

        self._context_re = re.compile(r"^tel")  # anchored: a joined search would differ


# (folded text, spans, expected context words per span), hand-checked against the rule
CASES = [
    # the cue before the candidate, the window clipped at the start of the text
    ("tel 0612345678", [(4, 14)], [("tel",)]),
    # the window joins "numero de" and "telephone" with its one space: the phrase is read
    ("numero dexxtelephone", [(9, 11)], [("numero de telephone",)]),
    # a NUL in the text is not a letter: "tel" before it is a whole word
    ("tel\x00x", [(4, 5)], [("tel",)]),
    # the window starts inside "hotel" (50 - 48 = 2): its "tel" reads as a word
    ("hotel" + " " * 45 + "x", [(50, 51)], [("tel",)]),
    # words in window order, each once; the second span has none (window after "x" only)
    ("patient tel patient x" + " " * 60 + "y", [(20, 21), (81, 82)], [("patient", "tel"), ()]),
    # the candidate itself is not read; "tel" right after it is (16 characters after)
    ("x" * 60 + "tel", [(0, 60)], [("tel",)]),
    # nothing at all
    ("rien a signaler", [(0, 4)], [()]),
]


@pytest.mark.parametrize("folded, spans, expected", CASES)
def test_hand_cases(folded, spans, expected):
    det = _Cue()
    assert det.context_hits_many(folded, spans) == expected
    assert [det.context_hits(folded, s, e) for s, e in spans] == expected


def test_replaced_regex_takes_the_per_span_method():
    det = _Own()
    folded = "tel x tel y"
    spans = [(4, 5), (10, 11)]
    # "^tel" alone on each window: the first window starts at the text's "tel", the second
    # window also starts at 0 (10 - 48 < 0), so both read "tel"
    assert det.context_hits_many(folded, spans) == [("tel",), ("tel",)]


def test_no_context_words():
    class _Bare(Detector):
        name = "test.bare"
        entity = "TEST"

    assert _Bare().context_hits_many("tel x", [(4, 5), (0, 1)]) == [(), ()]
    assert _Cue().context_hits_many("tel x", []) == []


def _texts() -> list[str]:
    reports = sorted((REPO / "examples" / "leak").rglob("comptes_rendus.txt"))
    eds = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in eds.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    return ["\n".join(p.read_text(encoding="utf-8") for p in reports), "\n\n".join(notes[:200])]


@pytest.fixture(scope="module")
def texts():
    return _texts()


@pytest.fixture(scope="module")
def detectors():
    return build(None, Config())


def test_every_detector_on_real_texts(texts, detectors):
    checked = 0
    for text in texts:
        folded = fold_keep_length(text)
        for det in detectors:
            spans = [(m.start, m.end) for m in det.find(text)]
            many = det.context_hits_many(folded, spans)
            assert many == [det.context_hits(folded, s, e) for s, e in spans], det.name
            checked += sum(1 for c in many if c)
    assert checked > 1000  # the texts give many candidates with context words
