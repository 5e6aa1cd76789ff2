"""Generic checks over every registered detector (DESIGN.md, "Contracts").

(a) each detector's own ``examples``: positives found with exactly the expected substring,
negatives give nothing at or above the default min score (run through the pipeline with that
detector alone, so another detector's finding cannot hide or fake one); (b) junk input never
raises; (c) every Detector subclass defined in sentinelle.detectors is listed in BUILTIN;
(d) compile_context rejects an empty word (../shared/cases pb-004).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import random
import time

import pytest

import sentinelle.detectors as registry
from sentinelle.config import Config
from sentinelle.detectors import BUILTIN, build
from sentinelle.detectors.base import Detector, compile_context
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

DETECTORS = build()
IDS = [d.name for d in DETECTORS]


def _alone(det: Detector) -> Pipeline:
    return Pipeline([det], Config())


def _positive_cases():
    for det in DETECTORS:
        for i, (text, expected) in enumerate(det.examples.positives):
            yield pytest.param(det, text, expected, id=f"{det.name}-pos{i}")


def _negative_cases():
    for det in DETECTORS:
        for i, text in enumerate(det.examples.negatives):
            yield pytest.param(det, text, id=f"{det.name}-neg{i}")


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_has_examples_and_identity(det):
    assert det.name and det.entity
    assert det.examples.positives, f"{det.name}: no positive examples"
    assert det.examples.negatives, f"{det.name}: no negative examples"
    assert (type(det).__doc__ or inspect.getmodule(det).__doc__), f"{det.name}: no docstring"


@pytest.mark.parametrize("det, text, expected", list(_positive_cases()))
def test_positive_examples(det, text, expected):
    assert expected in text, "the expected substring must be in the example text"
    found = _alone(det).analyze_text(text, Location("t"))
    values = [text[f.start:f.end] for f in found]
    assert expected in values, f"{det.name}: {text!r} gave {values!r}"
    f = found[values.index(expected)]
    assert f.entity_type in (det.entities or (det.entity,))
    assert f.score >= Config().min_score


@pytest.mark.parametrize("det, text", list(_negative_cases()))
def test_negative_examples(det, text):
    found = _alone(det).analyze_text(text, Location("t"))
    assert [(text[f.start:f.end], f.score) for f in found if f.score >= 0.5] == []


def _junk() -> list[tuple[str, str]]:
    rnd = random.Random(20241105)
    raw = bytes(rnd.randrange(256) for _ in range(20_000)).decode("latin-1")
    digits = "".join(rnd.choice("0123456789") for _ in range(100_000))
    # valid Unicode without lone surrogates: letters of many scripts, marks, emoji, controls
    pool = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c <= 0xDFFF] + ["\U0001F600", "\x00", "\n", "\u00a0"]
    uni = "".join(rnd.choice(pool) for _ in range(20_000))
    seps = "".join(rnd.choice("0123456789 .-+@()/:;,AaBbOoRh") for _ in range(50_000))
    return [("empty", ""), ("blank", " \n\t "), ("latin1", raw), ("digits", digits),
            ("unicode", uni), ("separators", seps), ("one_char", "+"), ("at", "@" * 1000)]


JUNK = _junk()


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
@pytest.mark.parametrize("label, text", JUNK, ids=[j[0] for j in JUNK])
def test_junk_never_raises(det, label, text):
    for m in det.find(text):
        assert 0 <= m.start <= m.end <= len(text)
        assert 0.0 <= m.score <= 1.0
    _alone(det).analyze_text(text, Location("t"))
    for cell in (text[:40], text[:200]):
        for hit in (True, False):
            det.match_cell(cell, hit)
    det.normalize(text[:200])


def test_every_detector_is_registered():
    listed = set(BUILTIN)
    missing = []
    for info in pkgutil.iter_modules(registry.__path__):
        module = importlib.import_module(f"{registry.__name__}.{info.name}")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, Detector) and obj is not Detector
                    and obj.__module__ == module.__name__ and obj not in listed):
                missing.append(f"{module.__name__}.{obj.__name__}")
    assert missing == [], f"add to BUILTIN in sentinelle/detectors/__init__.py: {missing}"


def test_names_are_unique():
    names = [cls.name for cls in BUILTIN]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("words", [("",), ("tel", ""), (" ",), ("tel", "\t")])
def test_compile_context_rejects_empty_word(words):
    with pytest.raises(ValueError):
        compile_context(words)


def test_context_words_compile_and_do_not_match_everywhere():
    for det in DETECTORS:
        rx = compile_context(det.context_words)
        if rx is not None:
            assert rx.search("zzz qqq 0000") is None, det.name


def _best_time(det: Detector, text: str, runs: int = 3) -> float:
    # CPU time of this process, not wall time: other processes on a loaded machine (CI runs
    # beside other jobs) must not make a linear detector look slow
    best = float("inf")
    for _ in range(runs):
        t = time.process_time()
        for _m in det.find(text):
            pass
        best = min(best, time.process_time() - t)
    return best


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_pb029_digit_soup_linear(det):
    # ../shared/cases pb-029: 72 KB of "12-34-56-" in well under 1 s, and linear growth
    # (x4 input: ~4x time if linear, ~16x if quadratic; the margin absorbs a loaded machine)
    soup = "12-34-56-" * 8000
    t1 = _best_time(det, soup)
    t4 = _best_time(det, soup * 4)
    assert t1 < 1.0
    assert t4 < 8 * t1 + 0.05
