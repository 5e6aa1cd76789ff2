"""compile_context (detectors/base.py): the regex grouped by first character (session 8, speed)
finds exactly the whole words the plain ``(?<![0-9a-z])(?:w1|w2)(?![0-9a-z])`` finds.

Expected matches are hand-checked: a word counts only with no ``[0-9a-z]`` right before or
after it; at one place the longest listed word that fits wins (words are tried longest first).
"""

from __future__ import annotations

import re

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import compile_context, fold


def _plain(words):
    alts = "|".join(re.escape(fold(w)) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![0-9a-z])(?:{alts})(?![0-9a-z])")


CASES = [
    # a word alone, and glued to a letter or digit on either side (not a word there)
    (("nir",), "nir: 1 ; xnir ; nir2 ; (nir)", ["nir", "nir"]),
    # longest first: "ne le" beats "ne" at the same place
    (("ne", "ne le"), "ne le 12", ["ne le"]),
    # "ne le" rejected after "x" (letter before it), "le" still found inside it
    (("ne le", "le"), "xne le 3", ["le"]),
    # words sharing their first character are all found; accents folded in the word list
    (("né", "nom", "naissance"), "nom ne le, date de naissance", ["nom", "ne", "naissance"]),
    # a one-letter word after longer words of its group; "_" is not [0-9a-z]
    (("tel", "t"), "t_tel t", ["t", "tel", "t"]),
    # a first character that is a regex metacharacter; "a(tel)": "a" right before the word
    (("n°", "(tel)"), "n° 3 (tel) a(tel)", ["n°", "(tel)"]),
    # non-ASCII letters are not [0-9a-z]: a word right after one still counts
    (("dr",), "ßdr dr", ["dr", "dr"]),
]


@pytest.mark.parametrize("words,text,expected", CASES)
def test_grouped_context_regex(words, text, expected):
    rx = compile_context(words)
    assert rx.findall(text) == expected
    assert _plain(words).findall(text) == expected


def test_every_detector_context_regex_equals_the_plain_form():
    # the registry's own word lists, on a folded text that holds each word in several settings
    for det in build(None, Config()):
        words = det.context_words
        if not words:
            continue
        folded = [fold(w) for w in words]
        text = " ".join(f"{w} x{w} {w}1 ({w}) {w}{w}" for w in folded) + " " + "".join(folded)
        rx = compile_context(words)
        assert [m.span() for m in rx.finditer(text)] == \
            [m.span() for m in _plain(words).finditer(text)], det.name
