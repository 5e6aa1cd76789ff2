"""Sections of long texts and their memo (issue 5, sentinelle.pipeline ``sections``,
``_SectionMemo``): a text of ``SECTION_MIN_CHARS`` or more is analysed section by section, cut
at separator lines and form feeds; the hits of a section are memoised by its digest, across
the texts of a scan. The memo must be a pure cache: the findings of a text never depend on what
the pipeline saw before, and a copy with its reports in another order gets the same findings,
shifted.

Texts: the synthetic leak's reports (examples/leak/*/comptes_rendus.txt and their copies in
examples/leak/archive_2022, written by ``sentinelle synth``: synthetic people, valid keys) and
hand-written rows.
"""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle.pipeline as pipeline_module
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import SECTION_MIN_CHARS, Pipeline, _SectionMemo, groups, sections

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).with_name("sentinelle")
DETECTORS = build(config=Config())
SEP = "-" * 72  # the synthetic reports' separator line
REPORTS = {p.parent.name: p.read_text(encoding="utf-8")
           for p in sorted((REPO / "examples" / "leak").glob("*/comptes_rendus.txt"))}


def _pipeline() -> Pipeline:
    return Pipeline(DETECTORS, Config())


def _fields(findings, shift: int = 0) -> list[tuple]:
    """The findings without their location, offsets moved by ``-shift``."""
    return [(f.entity_type, f.start - shift, f.end - shift, f.score, f.validation, f.evidence,
             f.value, f.normalized) for f in findings]


def _reports_of(text: str) -> list[str]:
    """The reports of a synthetic report file: the text between its separator lines."""
    return [r.strip("\n") + "\n" for r in text.split(SEP) if r.strip()]


# -- the cut rule --------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("a\n\n-----\n\nb", ["a\n", "b"]),                  # 5 dashes set apart: a cut line
    ("a\n\n----\n\nb", ["a\n\n----\n\nb"]),             # 4 dashes: Markdown rule, no cut
    ("a\n\n  =====\t \n\nb", ["a\n", "b"]),             # spaces and tabs around the run
    ("a\r\n\r\n__________\r\n\r\nb\r\n", ["a\r\n", "b\r\n"]),  # CRLF line ends
    ("a\n\n*****\n\nb\n\n~~~~~\n\nc\n\n#####\n\nd", ["a\n", "b\n", "c\n", "d"]),
    ("a\n\n\u2550\u2550\u2550\u2550\u2550\n\nb", ["a\n", "b"]),  # box-drawing double rule
    ("a\n\n--- x ---\n\nb", ["a\n\n--- x ---\n\nb"]),   # words on the line: no cut
    ("a\n\n-=-=-=-=\n\nb", ["a\n\n-=-=-=-=\n\nb"]),     # not one character repeated
    ("a\n\nx-----\n\nb", ["a\n\nx-----\n\nb"]),         # the run does not fill the line
    ("page 1\fpage 2", ["page 1", "page 2"]),           # a form feed, inside a line
    ("\n\n  a\n\n-----\n\n b  \n\n", ["  a\n", " b  \n"]),  # blank lines around dropped
    ("a\n\n-----\n\n-----\n\nb", ["a\n", "b"]),         # a blank section is dropped
    ("a\n\n-----\n\n-----\nb", ["a\n", "-----\nb"]),     # a rule right above a line: kept
    ("a\n\n-----\n=====\n\nb", ["a\n", "b"]),           # two rules in a row
    ("-----\n\na\n", ["a\n"]),                          # a cut line first
    ("no cut at all\n", ["no cut at all\n"]),           # the whole text, as is
    # review of session 5: a rule right under or above a label is part of the form, its cue
    # reads the value (a heading underlined, a form field drawn with underscores)
    ("T\u00e9l\u00e9phone\n-----\n06 12 34 56 78\n", ["T\u00e9l\u00e9phone\n-----\n06 12 34 56 78\n"]),
    ("Adresse\n=====\n\n12 rue de la Paix\n", ["Adresse\n=====\n\n12 rue de la Paix\n"]),
    ("N\u00b0 SS :\n\n______\n185\n", ["N\u00b0 SS :\n\n______\n185\n"]),
])
def test_cut_rule(monkeypatch, text, expected):
    monkeypatch.setattr(pipeline_module, "SECTION_MEAN_CHARS", 1)  # the rule alone
    assert [text[a:b] for a, b in sections(text)] == expected


def test_short_sections_leave_the_text_whole():
    # sections averaging under SECTION_MEAN_CHARS (400): a rule every few lines of a table
    text = "".join(f"ligne {i}\n\n-----\n\n" for i in range(200))
    assert sections(text) == [(0, len(text))]
    text = ("x" * 500 + "\n\n-----\n\n") * 3  # 509 a round: 500 x, blank line, rule, blank
    assert sections(text) == [(0, 501), (509, 1010), (1018, 1519)]


def test_reports_are_cut_into_their_reports():
    for name, text in REPORTS.items():
        got = [text[a:b] for a, b in sections(text)]
        assert got == _reports_of(text), name
        assert len(got) >= 20, name


# -- the memo is a pure cache --------------------------------------------------------------
def test_findings_do_not_depend_on_what_was_scanned_before():
    texts = list(REPORTS.values())
    fresh = [_fields(_pipeline().analyze_text(t, Location("x"))) for t in texts]
    warm = _pipeline()
    for _round in range(2):  # the second round is served by the memo
        assert [_fields(warm.analyze_text(t, Location("x"))) for t in texts] == fresh
    assert len(warm._sections.entries) == sum(len(groups(t)) for t in texts)
    # a memo too small for most sections (evictions at every text) gives the same findings
    tiny = _pipeline()
    tiny._sections = _SectionMemo(20_000)
    for t, expected in zip(texts * 2, fresh * 2):
        assert _fields(tiny.analyze_text(t, Location("x"))) == expected
        assert tiny._sections.size <= 20_000


def test_groups_are_analysed_alone():
    # each group's findings are those of the group as a text of its own
    p = _pipeline()
    text = REPORTS["lbm_bioaxe_nantes"]
    got = _fields(p.analyze_text(text, Location("x"), offset=100))
    expected = []
    for a, b in groups(text):
        expected += [(h[0], h[1] + a + 100, h[2] + a + 100, *h[3:]) for h in p._text_hits(text[a:b])]
    assert got == expected and len(got) > 100


def test_groups_are_runs_of_whole_sections_cut_by_content():
    for name, text in REPORTS.items():
        secs, grs = sections(text), groups(text)
        starts, ends = {a for a, _b in secs}, {b for _a, b in secs}
        assert grs[0][0] == secs[0][0] and grs[-1][1] == secs[-1][1], name
        assert all(a in starts and b in ends for a, b in grs), name
        assert len(secs) / len(grs) > 2, name  # about 8 sections a group on average
        # the cut after a section depends on that section's text only: the same report
        # ends a group wherever it stands (reports here are far below GROUP_MAX_CHARS)
        group_ends = {b for _a, b in grs}
        ends_group: dict[str, bool] = {}
        for a, b in secs[:-1]:
            assert ends_group.setdefault(text[a:b], b in group_ends) == (b in group_ends), name


def test_a_copy_with_reports_dropped_reuses_the_groups_it_kept():
    # re-released copies keep the reports' order and drop some (the synthetic leak's copies
    # drop 5-10%): every group that lost no report comes from the memo; in any order, the
    # findings are those of a fresh reading
    text = REPORTS["labo_biomed_lyon"]
    reports = _reports_of(text)
    rng = random.Random(5)
    kept = [r for r in reports if rng.random() > 0.08]
    copy = ("\n" + SEP + "\n\n").join(kept)
    p = _pipeline()
    p.analyze_text(text, Location("a.txt"))
    calls = []
    real = p._groups_hits  # the groups not in the memo, analysed a batch at a time
    p._groups_hits = lambda ts, fs: calls.extend(len(t) for t in ts) or real(ts, fs)
    copied = p.analyze_text(copy, Location("b.txt"))
    seen = {copy[a:b] for a, b in groups(copy)} & {text[a:b] for a, b in groups(text)}
    assert seen and len(calls) == len(groups(copy)) - len(seen)
    assert _fields(_pipeline().analyze_text(copy, Location("b.txt"))) == _fields(copied)
    shuffled = kept[:]
    rng.shuffle(shuffled)
    other = ("\n" + SEP + "\n\n").join(shuffled)
    assert _fields(p.analyze_text(other, Location("c.txt"))) == \
        _fields(_pipeline().analyze_text(other, Location("c.txt")))


def test_a_report_timestamp_is_not_read_as_a_birth_date_from_another_document(monkeypatch):
    # the measured fault sections fix: in one 1 MB unit of bench_inputs/text/reports.txt the
    # report timestamps "[2023-03-22 10:52:47]" were DATE_OF_BIRTH because a pseudonymised
    # note 800 KB further on was dated 2051 ("the latest full date of the text" rule of
    # dates.py); each report is now its own text for that rule
    report = ("[2023-03-22 10:52:47] RESULTATS LABORATOIRE\n"
              "Conclusion : bilan biologique sans particularite.\n" + "Resultat normal.\n" * 30)
    note = "Compte rendu de consultation.\n" + "Suivi sans particularite.\n" * 30 + \
           "La visite du 05 juin 2051 a eu lieu.\n"
    text = report + "\n" + SEP + "\n\n" + note
    p = _pipeline()
    p.section_min_chars = 0
    monkeypatch.setattr(pipeline_module, "GROUP_MEAN_SECTIONS", 1)  # each report its own group
    stamp = [f for f in p.analyze_text(text, Location("x")) if f.start == 1]
    assert [(f.entity_type, f.value) for f in stamp] == [("DATE_TIME", "2023-03-22 10:52:47")]
    whole = [h for h in p._text_hits(text) if h[1] == 1]
    assert [h[0] for h in whole] == ["DATE_OF_BIRTH"]  # the old whole-text reading


def test_short_texts_are_not_cut():
    p = _pipeline()
    text = "Patient : Mme Claire MARTIN\n" + SEP + "\nTel : 06 12 34 56 78\n"
    assert len(text) < SECTION_MIN_CHARS
    assert _fields(p.analyze_text(text, Location("x"))) == \
        [(h[0], h[1], h[2], *h[3:]) for h in p._text_hits(text)]
    assert p._sections.entries == {}


def test_the_memo_is_bounded_and_forgets_the_least_recently_used():
    p = _pipeline()
    memo = _SectionMemo(10**9)
    texts = [r for r in _reports_of(REPORTS["lbm_bioaxe_nantes"])][:6]
    for t in texts:
        memo.hits(p, t)
    costs = [cost for _hits, cost in memo.entries.values()]
    assert memo.size == sum(costs)
    # room for the three most expensive entries: the oldest go first, a used one stays
    small = _SectionMemo(sum(sorted(costs)[-3:]))
    for t in texts[:3]:
        small.hits(p, t)
    small.hits(p, texts[0])  # texts[0] is now the most recently used
    small.hits(p, texts[3])
    kept = set(small.entries)
    keys = [next(k for k, v in memo.entries.items() if v[1] == c) for c in costs]
    assert keys[0] in kept and keys[3] in kept and keys[1] not in kept
    assert small.size <= small.limit
    # an entry larger than the whole memo is not kept
    none = _SectionMemo(10)
    assert none.hits(p, texts[0]) == p._text_hits(texts[0]) and none.entries == {}


def test_a_pickled_pipeline_arrives_with_an_empty_memo():
    p = _pipeline()
    p.analyze_text(REPORTS["lbm_bioaxe_nantes"], Location("x"))
    assert p._sections.entries
    q = pickle.loads(pickle.dumps(p))
    assert q._sections.entries == {} and q._sections.limit == p._sections.limit


def test_jobs_give_byte_identical_findings_on_report_copies(tmp_path):
    # the synthetic leak's report files and their copies (archive_2022): one or two workers
    root = tmp_path / "leak"
    for path in sorted((REPO / "examples" / "leak").rglob("comptes_rendus*.txt")):
        dest = root / path.relative_to(REPO / "examples" / "leak")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(path.read_bytes())
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    out = {}
    for jobs in (1, 2):
        f = tmp_path / f"f{jobs}.jsonl"
        r = subprocess.run([str(BIN), "scan", str(root), "--no-db", "-q", "--findings", str(f),
                            "--jobs", str(jobs)], env=env, capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 1, r.stderr
        out[jobs] = f.read_bytes()
    assert out[1] == out[2] and out[1].count(b"\n") > 1000


# -- groups analysed a batch at a time (session 7) -------------------------------------------
@pytest.mark.parametrize("batch_chars", [
    1,         # one group per batch: as the groups were analysed one after the other
    20_000,    # a few groups per batch, the last batch shorter
    1 << 30,   # every group of the text in one batch
])
def test_batched_groups_give_the_findings_of_each_group_alone(monkeypatch, batch_chars):
    # each detector runs on every group of a batch in turn: the same find calls, so the
    # findings are those of each group analysed alone (concatenated, shifted)
    monkeypatch.setattr(pipeline_module, "BATCH_CHARS", batch_chars)
    text = REPORTS["labo_biomed_lyon"]
    p = _pipeline()
    expected = []
    for a, b in groups(text):
        expected += [(h[0], h[1] + a, h[2] + a, *h[3:]) for h in _pipeline()._text_hits(text[a:b])]
    assert _fields(p.analyze_text(text, Location("a.txt"))) == expected


def test_texts_hits_equals_text_hits_one_by_one():
    # the batch method on texts of every kind: blank, short (no windows), long (windows)
    texts = ["", "   \n", "Patient : Jean Martin, né le 03/04/1961, tél. 06 12 34 56 78.",
             *_reports_of(REPORTS["labo_biomed_lyon"])[:6], REPORTS["labo_biomed_lyon"][:9000]]
    p = _pipeline()
    folds = [pipeline_module.fold_keep_length(t) for t in texts]
    assert p._texts_hits(texts, folds) == [_pipeline()._text_hits(t) for t in texts]


def test_a_group_repeated_in_a_text_is_analysed_once():
    reports = _reports_of(REPORTS["labo_biomed_lyon"])
    text = ("\n" + SEP + "\n\n").join(reports + reports)  # the same reports twice, same order
    p = _pipeline()
    calls = []
    real = p._groups_hits
    p._groups_hits = lambda ts, fs: calls.extend(ts) or real(ts, fs)
    got = p.analyze_text(text, Location("twice.txt"))
    spans = [text[a:b] for a, b in groups(text)]
    assert len(set(spans)) < len(spans)  # some groups come twice
    assert len(calls) == len(set(calls)) == len(set(spans))  # each analysed once
    assert _fields(got) == _fields(_pipeline().analyze_text(text, Location("twice.txt")))
