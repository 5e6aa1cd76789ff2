"""Session 13 speed work on LOCATION (issue 6) gives the answers of the code it replaces:
``location._code_before`` (the postcode search started 6 characters before the end of the
code instead of at each of the 40 positions of the window), ``LocationDetector._in_street_at_run``
(the letter runs read only after the last character a way name cannot hold) and
``location._int_array`` (the run offsets as an ``array.array``, not a list).

Texts: hand-made windows, the corpora of tests/detectors/test_names_places_paths.py
(EDS-Pseudo, QUAERO, Europeana, presidio-research, ../shared/cases, the shipped leak's
reports, hand-made edges) and random windows over the characters the postcode rule reads.
"""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

import pytest

from sentinelle.detectors import location
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.location import LocationDetector


def _paths_module():
    """tests/detectors/test_names_places_paths.py, loaded by path (its corpora)."""
    spec = importlib.util.spec_from_file_location(
        "_names_places_paths_for_speed13", Path(__file__).with_name("test_names_places_paths.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PATHS = _paths_module()


def _texts() -> list[str]:
    return [t for name in _PATHS.CORPORA for t in _PATHS.CORPORA[name]()]


def _code_before_reference(before: str) -> bool:
    """The session-12 code: the cheap test of the last character, then a search of the whole
    window."""
    last = before.rstrip(" \u00a0")[-1:]
    return (last in (",", "-") or last.isdecimal()) and location._CODE_BEFORE.search(before) is not None


@pytest.mark.parametrize("before, want", [
    ("domicilie au 75011 ", True),      # five digits and a space
    ("cedex 92 100, ", True),           # the "92 100" shape, then a comma
    ("ajaccio 2a 069 - ", True),        # a Corsican code (folded), then a hyphen
    ("2b784 ", True),                   # a Corsican code without space, at the window start
    ("75011 -\u00a0\u00a0", True),      # no-break spaces after the hyphen
    ("ref 1234567 ", False),            # seven digits: the code is glued to a digit
    ("3.75011 ", False),                # a dot right before the code
    ("75011,, ", False),                # two commas: no separator of the rule
    ("75011    ", False),               # four spaces: at most three without a comma
    ("75011 \n", False),                # a line break after the code
    ("tel 0612 ", False),               # four digits
    ("", False),
])
def test_code_before_hand_checked(before, want):
    assert location._code_before(before) is want
    assert _code_before_reference(before) is want


def test_code_before_equals_the_search():
    # the 40 characters before every capitalised token of the corpora, and random windows of
    # digits, separators, letters, a dot, a line break and an Arabic-Indic digit (a decimal
    # digit for \d and str.isdecimal)
    windows = set()
    for text in _texts():
        folded = fold_keep_length(text)
        for m in re.finditer(r"(?<![^\W\d_])[A-Z]", text):
            windows.add(folded[max(0, m.start() - 40):m.start()])
    rng = random.Random(13)
    alphabet = "0123456789 ,-\u00a0aA2Bb.\n\u0663"
    windows.update("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                   for _ in range(100_000))
    got = {w for w in windows if location._code_before(w)}
    assert got == {w for w in windows if _code_before_reference(w)}
    assert len(got) > 300


@pytest.mark.parametrize("before, want", [
    ("13 boulevard jean jaures, 62480 ", False),   # a comma and a digit after the type
    ("adresse : 54 rue ", True),                   # the type after the last digit
    ("6 chemin des ", True),
    ("rue de la paix (", False),                   # a parenthesis ends the way name
    ("12 rue\tde la ", False),                     # a tab is no separator of a way name
    ("rue; voir la ", False),                      # nor a semicolon
    ("vu rue des lilas; puis avenue de la ", True),  # a second type after the cut
])
def test_in_street_at_run_after_the_cut(before, want):
    det = LocationDetector()
    assert det._in_street_at_run(before) is want
    assert (det._in_street.search(before) is not None) is want


@pytest.mark.parametrize("values", [
    [],
    [0, 5, 17, 2 ** 40],   # offsets past 32 bits
])
def test_int_array(values):
    np = pytest.importorskip("numpy")
    arr = location._int_array(np.array(values, dtype=np.int64))
    assert list(arr) == values
    assert list(arr[1:3]) == values[1:3]
