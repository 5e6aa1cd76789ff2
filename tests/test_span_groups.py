"""Spans of groups (session 8, speed: sentinelle.pipeline ``_groups_hits``, ``SPAN_LOCAL``,
``Detector.span_local``): the groups of sections of a long text are joined, ``SPAN_GAP_LINES``
blank lines apart, into spans of about ``SPAN_CHARS`` characters; the span-local detectors run
once per span, the others (date_of_birth: the latest date of its text) once per group. The hits
of every group must be those of the group analysed alone.

Texts: the synthetic leak's reports (examples/leak/*/comptes_rendus.txt, written by
``sentinelle synth``: synthetic people, valid keys), the EDS pseudonymised notes
(../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl), ../shared/cases and
hand-written rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import Detector, Match, fold_keep_length
from sentinelle.finding import Location
from sentinelle.pipeline import (SPAN_GAP, SPAN_GAP_LINES, SPAN_LOCAL, Pipeline, _WHOLE,
                                 _span_local, groups)
from tests.conftest import shared_dir

REPO = Path(__file__).resolve().parents[1]


DETECTORS = build(config=Config())
REPORTS = {p.parent.name: p.read_text(encoding="utf-8")
           for p in sorted((REPO / "examples" / "leak").glob("*/comptes_rendus.txt"))}


def _eds_notes(n: int) -> list[str]:
    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    lines = [raw for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
    return [json.loads(raw)["note_text"] for raw in lines[:n]]


def _cases() -> list[str]:
    path = shared_dir() / "cases" / "cases.jsonl"
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            text = json.loads(raw).get("input")
            if isinstance(text, str) and text.strip():
                out.append(text)
    return out


def _groups_of_reports() -> list[str]:
    out = []
    for text in REPORTS.values():
        out += [text[a:b] for a, b in groups(text)]
    return out


def test_the_registry_is_span_local_but_for_date_of_birth():
    names = {d.name for d in DETECTORS}
    assert names - SPAN_LOCAL == {"date_of_birth"}
    assert [d.name for d in DETECTORS if not _span_local(d)] == ["date_of_birth"]


def test_groups_hits_equal_texts_hits():
    # groups of the synthetic reports in their order (spans of several groups), with blank,
    # short and single texts among them
    texts = _groups_of_reports()
    texts[3:3] = ["", "   \n", "Patient : Jean Martin, né le 03/04/1961, tél. 06 12 34 56 78."]
    folds = [fold_keep_length(t) for t in texts]
    p = Pipeline(DETECTORS, Config())
    assert p._span_setup() is not None
    got = p._groups_hits(texts, folds)
    assert got == Pipeline(DETECTORS, Config())._texts_hits(texts, folds)
    assert sum(map(len, got)) > 1000


@pytest.mark.parametrize("line", [
    # review of session 8: a one-line group of a bare place name scored 0.4 alone (location's
    # whole-text rule: one short line without lower-case words) and 0.55-0.65 inside a span
    "Portugal", "Brest", "BREST", "Upper Austria",
    # a one-line group that is not a place name, and one with a place inside a sentence
    "Dossier X18", "Patiente adressée par le centre de Brest pour bilan",
])
def test_one_line_groups_score_as_alone(line):
    texts = _groups_of_reports()[:6]
    texts[2:2] = [line]
    texts.append(line)
    folds = [fold_keep_length(t) for t in texts]
    got = Pipeline(DETECTORS, Config())._groups_hits(texts, folds)
    assert got == Pipeline(DETECTORS, Config())._texts_hits(texts, folds)


def test_long_texts_findings_unchanged_by_spans(monkeypatch):
    # a whole report file (analyze_text: groups, batches, spans) against the same with spans off
    text = "\n".join(REPORTS.values())
    on = Pipeline(DETECTORS, Config()).analyze_text(text, Location("a.txt"))
    monkeypatch.setattr("sentinelle.pipeline.SPAN_CHARS", 0)
    off_pipe = Pipeline(DETECTORS, Config())
    assert off_pipe._span_setup() is None
    assert off_pipe.analyze_text(text, Location("a.txt")) == on


def _promise_texts() -> list[str]:
    return _groups_of_reports()[:40] + _eds_notes(60) + _cases()


@pytest.mark.parametrize("det", [d for d in DETECTORS if _span_local(d)], ids=lambda d: d.name)
def test_span_local_promise(det):
    # find + context scoring on texts joined SPAN_GAP_LINES blank lines apart gives each
    # text's own hits, shifted (what _groups_hits relies on)
    p = Pipeline([det], Config())
    texts = _promise_texts()
    for i in range(0, len(texts) - 1, 2):
        a, b = texts[i], texts[i + 1]
        joined = a + SPAN_GAP + b
        fa, fb, fj = fold_keep_length(a), fold_keep_length(b), fold_keep_length(joined)
        shift = len(a) + SPAN_GAP_LINES
        expected = p._detector_hits(det, a, fa, _WHOLE) + \
            [(h[0], h[1] + shift, h[2] + shift) + h[3:] for h in p._detector_hits(det, b, fb, _WHOLE)]
        got = p._detector_hits(det, joined, fj, _WHOLE)
        assert sorted(got, key=lambda h: (h[1], h[2], h[0])) == \
            sorted(expected, key=lambda h: (h[1], h[2], h[0])), (det.name, i)


def test_date_of_birth_reads_its_whole_text():
    # why date_of_birth stays per group: a full date 16 years or more before the latest full
    # date of the same text is a birth date (detectors/dates.py, BIRTH_GAP_YEARS); alone,
    # "12/03/1961" is its text's latest date, so not one
    dob = next(d for d in DETECTORS if d.name == "date_of_birth")
    a = "Référence : 12/03/1961\n"
    b = "Compte rendu du 05/06/2024\n"
    assert [a[m.start:m.end] for m in dob.find(a)] == []
    joined = a + SPAN_GAP + b
    assert "12/03/1961" in [joined[m.start:m.end] for m in dob.find(joined)]


class _WholeSpan(Detector):
    """A detector that breaks the promise: one match over its whole text."""

    name = "test.whole_span"
    entity = "TEST"
    span_local = True

    def find(self, text):
        yield Match(0, len(text.rstrip()), 0.9)


def test_a_broken_promise_falls_back_to_groups():
    # a hit across the gap between two groups: the span's groups run one by one instead
    texts = ["premier texte\n", "second texte un peu plus long\n", "troisième\n"]
    folds = [fold_keep_length(t) for t in texts]
    p = Pipeline([_WholeSpan()], Config())
    assert p._span_setup() is not None
    got = p._groups_hits(texts, folds)
    assert [[(h[1], h[2]) for h in hits] for hits in got] == [[(0, 13)], [(0, 29)], [(0, 9)]]
