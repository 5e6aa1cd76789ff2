"""LAB_RESULT units (issue 6, scan speed): the unit alternation is written grouped by first
character (:func:`sentinelle.detectors.lab_result._unit_pattern`); a longer unit still wins,
and a unit followed by a word character or ``/`` is still no unit. Spans hand-checked against
the rule in the module docstring (the unit list is ``_UNITS``)."""

from __future__ import annotations

import re

import pytest

from sentinelle.config import Config
from sentinelle.detectors import lab_result
from sentinelle.detectors.lab_result import LabResultDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

ALONE = Pipeline([LabResultDetector()], Config())


def _found(text: str) -> list[tuple[str, float]]:
    return [(f.value, f.score) for f in ALONE.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("text, found", [
    ("Ferritine 45 µg/L", [("Ferritine 45 µg/L", 1.0)]),          # micro sign U+00B5
    ("Ferritine 45 μg/L", [("Ferritine 45 μg/L", 1.0)]),          # Greek mu U+03BC
    ("Ferritine 45 µg/dL", [("Ferritine 45 µg/dL", 1.0)]),        # µg/dl: only with the micro sign
    # viral loads: the longest unit, not "log" alone
    ("Charge virale VIH : 3,2 log10 copies/mL", [("Charge virale VIH : 3,2 log10 copies/mL", 1.0)]),
    ("Charge virale VIH : 4,65 log copies/mL", [("Charge virale VIH : 4,65 log copies/mL", 1.0)]),
    ("Charge virale VIH : 3,1 Log UI/mL", [("Charge virale VIH : 3,1 Log UI/mL", 1.0)]),
    ("Charge virale VIH : 3,1 log", [("Charge virale VIH : 3,1 log", 1.0)]),
    # a space inside a unit is optional: "g/24 h" and "g/24h"
    ("Protéinurie 0,3 g/24 h", [("Protéinurie 0,3 g/24 h", 1.0)]),
    ("Protéinurie 0,3 g/24h", [("Protéinurie 0,3 g/24h", 1.0)]),
    # "secondes", "sec" and "s" share their first letter: the longest that ends a word
    ("TCA 32 secondes", [("TCA 32 secondes", 1.0)]),
    ("TCA 32 sec", [("TCA 32 sec", 1.0)]),
    ("TCA 32 s", [("TCA 32 s", 1.0)]),
    # "g/l" followed by "/": no unit at all (no shorter unit starts there), number alone
    ("Glycémie 1,05 g/l/j", [("Glycémie 1,05", 0.6)]),
    ("Hémoglobine 13,2 G/DL", [("Hémoglobine 13,2 G/DL", 1.0)]),  # case does not matter
])
def test_units(text, found):
    assert _found(text) == found


def _flat(units) -> re.Pattern[str]:
    """The unit pattern as written before the grouping: one alternative per unit, longest
    first."""
    return re.compile("(?i:" + "|".join(re.escape(u).replace(r"\ ", lab_result._S + "?") for u in
                                        sorted(units, key=len, reverse=True)) + r")(?![\w/])")


def _spellings():
    for unit in lab_result._UNITS:
        for form in {unit, unit.upper(), unit.replace(" ", ""), unit.replace(" ", "\u00a0")}:
            for after in ("", " ", "x", "/", "1", ")", ".", "é"):
                yield form + after


def test_grouped_units_match_as_the_flat_alternation():
    flat = _flat(lab_result._UNITS)
    grouped = re.compile(lab_result._UNIT)
    for text in _spellings():
        a, b = flat.match(text), grouped.match(text)
        assert (a and a.span()) == (b and b.span()), text
