"""Digit-run pre-check of the numeric detectors (issue 6, sentinelle.detectors.digit_runs):
``find`` on a long text searches its regex only in windows around anchors (runs of digits of
the right shape); the matches must be IDENTICAL (same offsets, scores, validations, values, same
order) to the whole-text search, which ``MIN_CHARS`` set past the text's length forces.

Texts: the synthetic leak's reports (examples/leak/*/comptes_rendus.txt, written by
``sentinelle synth``), ../shared/cases inputs, the EDS-Pseudo notes
(../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl), the Presidio synthetic
English texts (../shared/corpus/pii_en_presidio_synth/synth_dataset_v2.dev.json) and
python-stdnum's examples (../shared/corpus/identifiers/python_stdnum_examples.csv), each set
concatenated into one long text; and seeded random texts built from synthetic identifiers
(the detectors' own examples: keys hand-checked there) glued with separators, letters and
digits, which put candidates at every distance from each other and from window edges.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

from sentinelle.detectors import BUILTIN, digit_runs

REPO = Path(__file__).resolve().parents[2]
#: the detectors whose ``find`` goes through :func:`digit_runs.anchored`
ANCHORED = ("fr.siren", "fr.siret", "fr.finess", "fr.adeli", "credit_card", "fr.cni",
            "fr.passport", "ip_address", "iban")

PIECES = (
    "404 833 048", "404.833.048", "404833048", "732829320", "73282932000074", "732 829 320 00074",
    "732829320 00074", "2A0001234", "2b1234567", "750000010", "69 1 04567 3", "2A 4 00012 5",
    "4970101234567893", "4970 1012 3456 7893", "4970-1012-3456-7893 123", "3782 822463 10005",
    "130775012345", "T7X3KP9Q2", "IDFRAT7X3KP9Q26<<<<<<", "1307752A12345", "12AB34567",
    "203.0.113.42", "2001:db8::8a2e:370:7334", "::1", "08:42:13", "1.2.3.4.5", "10001234565",
    "SIREN", "SIRET :", "n° ", "RPPS", "0612345678", "2 05 02 42 215 767 66", "12/04/2021",
    "FR76 3000 4012 3400 0987 6543 272", "FR7630004012340009876543272", "FR 76 3000 4012",
    "GB82 WEST 1234 5698 7654 32", "DE89\u00a03704 0044 0532 0130 00",
)
GLUE = (" ", "", "\n", ".", "-", "x", "A", "1", ",", "/", ":", "\u00a0", "é", " " * 40, "<")


def _texts() -> dict[str, str]:
    shared = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
    corpus = shared / "corpus"
    eds = [json.loads(line)["note_text"] for line in
           (corpus / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl")
           .read_text(encoding="utf-8").splitlines() if line.strip()]
    presidio = [d["full_text"] for d in json.loads(
        (corpus / "pii_en_presidio_synth" / "synth_dataset_v2.dev.json").read_text(encoding="utf-8"))]
    lines = (shared / "cases" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line).get("input") for line in lines if line.strip()]
    texts = {
        "eds": "\n\n".join(eds),
        "presidio": "\n\n".join(presidio),
        # short: written three times over to make a long text
        "cases": "\n\n".join(c for c in cases if isinstance(c, str)) * 3,
        "stdnum": (corpus / "identifiers" / "python_stdnum_examples.csv").read_text(encoding="utf-8"),
    }
    for path in sorted((REPO / "examples" / "leak").glob("*/comptes_rendus.txt")):
        texts[path.parent.name] = path.read_text(encoding="utf-8")
    rnd = random.Random(6)
    for k in range(3):
        texts[f"random{k}"] = "".join(rnd.choice(PIECES) + rnd.choice(GLUE) for _ in range(3000))
    return texts


TEXTS = _texts()


def _key(matches):
    return [(m.start, m.end, m.score, m.validation, m.pattern, m.normalized, m.entity) for m in matches]


@pytest.mark.parametrize("name", ANCHORED)
def test_windows_give_the_whole_text_matches(name, monkeypatch):
    det = next(cls for cls in BUILTIN if cls.name == name)()
    found = 0
    for label, text in TEXTS.items():
        assert len(text) >= digit_runs.MIN_CHARS, label
        assert digit_runs.digit_runs(text) is not None, label  # the windowed path runs
        windowed = _key(det.find(text))
        with monkeypatch.context() as patch:
            patch.setattr(digit_runs, "MIN_CHARS", len(text) + 1)
            assert digit_runs.digit_runs(text) is None
            whole = _key(det.find(text))
        assert windowed == whole, (name, label)
        found += len(whole)
    assert found > 0, name  # the texts hold candidates of every detector


def test_non_ascii_digit_takes_the_whole_text_path():
    # "\u0663" (Arabic-Indic three) is a \d for Python's re, not for the detectors' lookarounds
    assert digit_runs.digit_runs("x" * digit_runs.MIN_CHARS + "\u0663") is None
    assert digit_runs.digit_runs("x" * digit_runs.MIN_CHARS + "\U0001fbf5") is None  # outlined digit
    assert digit_runs.digit_runs("é’€" * digit_runs.MIN_CHARS) is not None        # no digit at all
    assert digit_runs.digit_runs("404833048") is None                             # short text


def test_other_digit_holds_every_non_ascii_digit():
    # the [0-9] prefilters (siret, credit_card, ip_address) add OTHER_DIGIT to keep firing
    # wherever their \d form did: it must take every \d of this Python that is not 0-9
    import re

    other = re.compile(digit_runs.OTHER_DIGIT)
    digits = [chr(c) for c in range(0x80, 0x110000) if re.match(r"\d", chr(c))]
    assert len(digits) > 600  # Unicode 14 has 650 (Nd less the ASCII ten)
    assert [d for d in digits if not other.match(d)] == []
    # and stays off the non-digits common in French clinical text
    assert [c for c in "éèàçœ’“”…€°µ±≥≤→•─\u00a0\u202f" if other.match(c)] == []


def test_runs_and_anchors():
    pad = "x" * digit_runs.MIN_CHARS
    # 0         1         2         3
    # 0123456789012345678901234567890123456789
    text = "SIREN 404 833 048; 2A0001234 T7X3 12.5.6.7 1234567890123" + pad
    runs = digit_runs.digit_runs(text)
    assert list(zip(runs.start.tolist(), runs.end.tolist())) == [
        (6, 9), (10, 13), (14, 17), (19, 20), (21, 28), (30, 31), (32, 33), (34, 36), (37, 38),
        (39, 40), (41, 42), (43, 56)]
    as_list = lambda spans: list(zip(spans[0].tolist(), spans[1].tolist()))  # noqa: E731
    assert as_list(digit_runs.long_runs(runs, 9)) == [(43, 56)]
    assert as_list(digit_runs.groups(runs, (3, 3, 3), " ")) == [(6, 17)]
    assert as_list(digit_runs.groups(runs, (3, 3, 3), ".")) == []           # separators are spaces
    assert as_list(digit_runs.groups(runs, (1, 1, 1, 1), ".")) == [(34, 42)]  # 12.5.6.7
    # "2A" then "0001234"; "T7X3": 7 between two letters, 3 after X
    assert as_list(digit_runs.letter_adjacent(runs)) == [(19, 20), (21, 28), (30, 31), (32, 33)]


@pytest.mark.parametrize("starts, ends, margin, size, expected", [
    ([10, 50], [20, 60], 5, 100, [(5, 25), (45, 65)]),     # apart
    ([10, 50], [20, 60], 15, 100, [(0, 75)]),              # touching (35 = 35): merged
    ([50, 10], [60, 20], 20, 100, [(0, 80)]),              # overlapping, given out of order
    ([10, 12], [90, 14], 20, 100, [(0, 100)]),             # one inside another; clipped to the text
    ([], [], 20, 100, []),                                 # no anchor
])
def test_windows_merge(starts, ends, margin, size, expected):
    got = digit_runs.windows(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64),
                             margin, size)
    assert got == expected


@pytest.mark.parametrize("wins, expected", [
    # 0         1         2
    # 0123456789012345678901234567
    # "ab 1234567890123 cd 45 6789"
    ([(0, 8)], [(0, 16)]),               # ends inside "1234567890123": moved to its end
    ([(0, 3)], [(0, 3)]),                # ends before a run: kept
    ([(0, 16)], [(0, 16)]),              # ends at a run's end: kept
    ([(0, 20)], [(0, 20)]),              # ends right before "45": kept
    ([(0, 21)], [(0, 22)]),              # ends inside "45"
    ([(0, 8), (14, 20)], [(0, 20)]),     # the moved end reaches the next window: merged
    ([(0, 8), (17, 20)], [(0, 16), (17, 20)]),
    ([(20, 26)], [(20, 27)]),            # the last run, up to the end of the text
    ([], []),
])
def test_window_ends_never_cut_a_run(wins, expected):
    # an exact-length anchor (exact_runs) is sound only when no window ends inside a longer run
    text = "ab 1234567890123 cd 45 6789"
    runs = digit_runs._runs(text)
    assert digit_runs.whole_runs(wins, runs) == expected
