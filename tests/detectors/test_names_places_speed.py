"""The helpers of the session-8 speed work on PERSON and LOCATION (issue 6) give the answers of
the code they replace: ``location.mask_strings`` (the text of each run of a mask, one split),
``PersonDetector._candidates_numpy`` (``_candidates`` with NumPy over the token arrays),
``LocationDetector._in_street_at_run`` (the way-name regex tried at letter runs only) and the
cheap rejections ``_commune_may_score`` / ``_world_may_score`` (false only where ``_score`` /
``_score_world`` give nothing). Texts: hand-made lines and the corpora of
tests/detectors/test_names_places_paths.py (EDS-Pseudo, QUAERO, Europeana, presidio-research,
../shared/cases, the shipped leak's reports).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sentinelle.detectors import location, person
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.location import LocationDetector
from sentinelle.detectors.person import PersonDetector


def _paths_module():
    """tests/detectors/test_names_places_paths.py, loaded by path (its corpora and EDGE)."""
    spec = importlib.util.spec_from_file_location(
        "_names_places_paths_for_speed", Path(__file__).with_name("test_names_places_paths.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PATHS = _paths_module()


def _texts() -> list[str]:
    return [t for name in _PATHS.CORPORA for t in _PATHS.CORPORA[name]()]


@pytest.mark.parametrize("text, want", [
    # a hyphen, an elision and a comma end runs; digits are no letters; letters outside
    # Latin-1 (Ł, ó, ź) and ÿ are letters (the uint32 path)
    ("Jean-Pierre à l'Haÿ, 12 Łódź", ["Jean", "Pierre", "à", "l", "Haÿ", "Łódź"]),
    # ASCII (the uint8 path), a run at the very end (no separator after it)
    ("ab 12 cd", ["ab", "cd"]),
    ("x", ["x"]),
    # no letter at all
    ("12 / 34", []),
])
def test_mask_strings(text, want):
    code, letter = location.text_letters(text)
    count = len(location.mask_edges(letter)[0])
    assert location.mask_strings(code, letter, count) == want


def test_capitalised_runs_hand_checked():
    # the NumPy path (a text of NUMPY_RUNS_CHARS characters or more): the runs that start with
    # a capital and their offsets, counted by hand on the repeated line
    line = "vu à Lyon par Dr Ωlivier ; "  # 27 characters: Lyon at 5, Dr at 14, Ωlivier at 17
    text = line * (location.NUMPY_RUNS_CHARS // len(line) + 1)
    starts, ends, ks, caps = location.capitalised_runs(text)
    assert caps[:4] == ["Lyon", "Dr", "Ωlivier", "Lyon"]
    assert [starts[k] for k in ks[:4]] == [5, 14, 17, 32]
    assert [ends[k] for k in ks[:4]] == [9, 16, 24, 36]
    assert len(caps) == 3 * (len(text) // len(line))


def test_candidates_numpy_equal_candidates():
    # on every long text of the corpora (the only ones _find_lists gives to the NumPy path)
    # and on hand-made lines at its edges: a label before a token with spaces and no-break
    # spaces, "=", a naming verb, a label at the start of the text, an initial then a dot or
    # a hyphen at the very end of the text
    edge = ("NOM :\u00a0 DUPONT ; Nom=Durand ; my name is Rubija ; je m'appelle Jean ; "
            "DUPONT Jean ; BARLET P. ; O. LEBERT ; C-L. BERTHE ; Patient : \u00a0HEMOGLOBINE ; "
            "RPPS Jean ; PARIS Jean ; Carnot ; Lyon Marie ; ")
    texts = [t for t in _texts() if len(t) >= location.NUMPY_RUNS_CHARS]
    texts += ["Nom : MARTIN " + edge * 80 + "A.", "Hémoglobine " + edge * 80 + " X-"]
    det = PersonDetector()
    checked = 0
    for text in texts:
        words, starts, ends, joined, *arrays = person._token_arrays(text)
        want = det._candidates(text, words, starts, ends, joined)
        assert det._candidates_numpy(text, words, starts, ends, arrays) == want
        checked += len(want)
    assert checked > 10_000


@pytest.mark.parametrize("before, want", [
    ("12 rue de la paix ", True),       # a type of way, then three words and a space
    ("17 avenue gabriel peri ", True),
    ("12 rue de la paix, ", False),     # a comma ends the way name
    ("42 rue de belleville 75020 ", False),  # a digit too
    ("habite avenue a ", False),        # "a" (a place preposition) is no word of a way name
    ("la ruelle des ", True),           # "ruelle" is a type; "rue" inside it starts no run
    ("grue des ", False),               # "rue" inside a word is no type of way
    ("", False),
])
def test_in_street_at_run_hand_checked(before, want):
    det = LocationDetector()
    assert det._in_street_at_run(before) is want
    assert (det._in_street.search(before) is not None) is want


def test_in_street_at_run_equals_the_search():
    # the 40 characters before every capitalised token of the corpora that end with a space
    det = LocationDetector()
    windows = set()
    for text in _texts():
        folded = fold_keep_length(text)
        for m in re.finditer(r"(?<![^\W\d_])[A-Z]", text):
            before = folded[max(0, m.start() - 40):m.start()]
            if before.endswith((" ", "\u00a0")):
                windows.add(before)
    assert len(windows) > 5_000
    got = {w for w in windows if det._in_street_at_run(w)}
    assert got == {w for w in windows if det._in_street.search(w) is not None}
    assert len(got) > 100


def test_cheap_rejections_drop_no_match(monkeypatch):
    # _commune_may_score / _world_may_score false => _score / _score_world without them (the
    # reference: both always true) give nothing, at every capitalised token of the corpora
    # that is a listed commune or place (one word)
    det, ref = LocationDetector(), LocationDetector()
    monkeypatch.setattr(ref, "_commune_may_score", lambda *_a: True)
    monkeypatch.setattr(ref, "_world_may_score", lambda *_a: True)
    rejected = 0
    for text in _texts():
        folded = fold_keep_length(text)
        for m in re.finditer(r"(?<![^\W\d_])[A-Z][^\W\d_]+", text):
            s, e = m.span()
            key = location.commune_key(m.group())
            before = folded[max(0, s - 40):s]
            c = det._index.get(key)
            if c is not None and len(key) >= 2:
                end2 = det._suffix_end(text, e, key)
                if not det._commune_may_score(text, folded, before, end2, key, c):
                    rejected += 1
                    assert ref._score(text, folded, s, e, c) is None, text[s - 40:e + 40]
            p = det._world.get(key)
            if p is not None and len(key) >= 3:
                if not det._world_may_score(folded, before, e, key, p):
                    rejected += 1
                    assert ref._score_world(text, folded, s, e, p) is None, text[s - 40:e + 40]
    assert rejected > 1_000


@pytest.mark.parametrize("line, want", [
    # session 14: the tokens of a long text are glued from the shared letter runs. One
    # apostrophe or hyphen between two letters glues ("Jean-Pierre", "d'Alzheimer", "N’Diaye"
    # with the typographic apostrophe: the uint32 path); two, or one at a token's edge, do not
    ("Jean-Pierre d'Alzheimer N’Diaye ; ", ["Jean-Pierre", "d'Alzheimer", "N’Diaye"]),
    ("a--b 'c d- e ; ", ["a", "b", "c", "d", "e"]),
    # a chain of joins is one token; a digit is no letter
    ("Saint-Jean-d'Angély x2y ; ", ["Saint-Jean-d'Angély", "x", "y"]),
])
def test_token_arrays_glue_hand_checked(line, want):
    text = line * (location.NUMPY_RUNS_CHARS // len(line) + 1)
    words, starts, ends, _joined, *_arrays = person._token_arrays(text)
    assert words[:len(want)] == want
    assert [text[a:b] for a, b in zip(starts, ends)] == words
    assert len(words) == len(want) * (len(text) // len(line))


def test_token_arrays_equal_word_matches():
    # the tokens of a long text (session 14: glued from location.letter_run_arrays) are the
    # matches of person._WORD, their spec, on the long texts of the corpora
    texts = [t for t in _texts() if len(t) >= location.NUMPY_RUNS_CHARS]
    assert texts
    for text in texts:
        words, starts, ends, _joined, *_arrays = person._token_arrays(text)
        want = [(m.group(), m.start(), m.end()) for m in person._WORD.finditer(text)]
        assert list(zip(words, starts, ends)) == want
