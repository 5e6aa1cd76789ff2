"""Session 9 speed work on LOCATION (issue 6) gives the matches of the code it replaces:
``LocationDetector._candidates_numpy`` (the capitalised runs where the rules run, picked with
NumPy on a long text) equals ``_candidates`` (the Python loops, kept for short texts), and the
line memo of ``_find`` (the places of a line seen before given back at once) changes no match.

Texts: the corpora of tests/detectors/test_names_places_paths.py (EDS-Pseudo, QUAERO,
Europeana, presidio-research, ../shared/cases, the shipped leak's reports, hand-made edges) and
hand-made lines (the same line after different lines, cues at a line end).
"""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import pytest

from sentinelle.detectors import location
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.location import LocationDetector


def _paths_module():
    """tests/detectors/test_names_places_paths.py, loaded by path (its corpora and EDGE)."""
    spec = importlib.util.spec_from_file_location(
        "_names_places_paths_for_line_memo", Path(__file__).with_name("test_names_places_paths.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PATHS = _paths_module()

#: hand-made lines: the same line after a line that ends with a cue ("né à", a postcode, "au",
#: a title, a type of way) and after a plain one; places coordinated on one line, a heading
#: town; no-break spaces and letters outside Latin-1
_LINES = (
    "Patient né à\nNantes, Lorient et Vannes\n"
    "Vu ce jour\nNantes, Lorient et Vannes\n"
    "12 rue X 75001\nPARIS CEDEX 01 ; Lyon 3e\n"
    "sans objet\nPARIS CEDEX 01 ; Lyon 3e\n"
    "transféré au\nHavre hier, domiciliée à Łódź\n"
    "rien\nHavre hier, domiciliée à Łódź\n"
    "Dr\nParis\u00a0: DREUX . Les ouvriers\n"
    "42 avenue de\nParis\u00a0: DREUX . Les ouvriers\n"
    "Brest, Lorient\net Vannes ; Chatenay, Antony, Sceaux\n"
    # a "$" matches before the line break that ends a cue window: a place that starts a line
    # sees a cue at the end of the line before ("dans la", "hôpital X", "rue de", "au ")
    "il vit dans la\nBretagne est belle\nrien\nBretagne est belle\n"
    "Hôpital de\nBeauvais, Lyon\nrien\nBeauvais, Lyon\n"
    "route de\nLyon ; Paris\nrien\nLyon ; Paris\n"
    "transféré au \nHavre ; au Havre\nrien\nHavre ; au Havre\n"
)


def _texts() -> list[str]:
    texts = [t for name in _PATHS.CORPORA for t in _PATHS.CORPORA[name]()]
    return texts + [_LINES, _LINES * 40, "x" * 41 + "\n" + _LINES * 3]


def test_candidates_numpy_equal_candidates():
    # on every long text (the only ones _find gives to the NumPy path), with the hyperscan cue
    # positions and without them (None: every capitalised run)
    det = LocationDetector()
    texts = [t for t in _texts() if len(t) >= location.NUMPY_RUNS_CHARS]
    assert len(texts) >= 5
    checked = 0
    for text in texts:
        folded = fold_keep_length(text)
        for cues in (location._cue_positions(folded), None):
            want = det._candidates(text, folded, cues)
            # (the NumPy path gives array.array offsets: the same ints, session 13)
            assert tuple(map(list, det._candidates_numpy(text, folded, cues))) == want
            checked += len(want[2])
    assert checked > 10_000


def test_line_memo_changes_no_match(monkeypatch):
    # the matches of one detector that keeps its memo over all the texts (lines come back from
    # earlier texts) equal those of a detector without the memo (no line short enough for it)
    texts = _texts()
    fast = LocationDetector()
    got = [list(fast.find(t)) for t in texts]
    assert fast._line_memo  # (the memo was used)
    monkeypatch.setattr(location, "_LINE_MEMO_CHARS", -1)
    ref = LocationDetector()
    want = [list(ref.find(t)) for t in texts]
    assert not ref._line_memo
    assert sum(map(len, want)) > 1_000
    for text, g, w in zip(texts, got, want):
        assert g == w, text[:200]


def test_line_memo_gives_offsets_in_the_text():
    # a line seen again gets its places back at its own offsets: "domicilié à Lyon" names Lyon
    # after a residence cue (rule b, 0.8, "cue_town"); the cue is 12 characters long
    line = "domicilié à Lyon\n"
    text = line * 600
    det = LocationDetector()
    found = list(det.find(text))
    assert [(m.start, m.end) for m in found] == [(17 * i + 12, 17 * i + 16) for i in range(600)]
    assert {(m.score, m.pattern, m.normalized) for m in found} == {(0.8, "cue_town", "lyon")}
    # (one key: the line; no candidate starts it, so the line before is no part of the key)
    assert list(det._line_memo) == [(None, "domicilié à Lyon")]


def test_pickled_detector_has_no_line_memo():
    # --jobs workers get the detector pickled: the memo (lines of the scanned texts) stays out
    det = LocationDetector()
    list(det.find(_LINES * 40))
    assert det._line_memo
    copy = pickle.loads(pickle.dumps(det))
    assert copy._line_memo == {}
    assert list(copy.find(_LINES * 40)) == list(det.find(_LINES * 40))


@pytest.mark.parametrize("text", [
    "Lyon",              # 40 characters or less: no memo (a bare place is lowered there)
    "Portugal\nPortugal",
])
def test_short_texts_skip_the_memo(text):
    det = LocationDetector()
    list(det.find(text))
    assert det._line_memo == {}


def test_line_memo_stays_bounded(monkeypatch):
    # a full memo takes no more lines during a text, and is emptied before the next text; the
    # matches stay those of a detector without the memo
    text = _LINES * 40
    monkeypatch.setattr(location, "_LINE_MEMO_SIZE", 3)
    det = LocationDetector()
    got = [list(det.find(text)), list(det.find(text))]
    assert len(det._line_memo) == 3
    monkeypatch.setattr(location, "_LINE_MEMO_CHARS", -1)
    want = list(LocationDetector().find(text))
    assert got == [want, want] and want
