"""SirenDetector: weak in free text without a cue, strong under a SIREN column header.

SIRENs are python-stdnum's examples (../shared/corpus/identifiers/python_stdnum_examples.csv)
or synthetic (a base plus its Luhn key computed by hand).
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.siren import SirenDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = SirenDetector()


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_SIREN"]


@pytest.mark.parametrize("text, span", [
    ("SIREN 404 833 048", "404 833 048"),                     # stdnum docstring, grouped
    ("SIREN : 404833048.", "404833048"),                      # compact, sentence end
    ("Société X, RCS Lyon 691 234 561", "691 234 561"),       # cue "rcs", "societe"
    ("immatriculée sous le n° 775.699.309", "775.699.309"),  # stdnum bulk list, dots
    ("SIREN\u00a0404\u00a0833\u00a0048", "404\u00a0833\u00a0048"),  # no-break spaces
])
def test_found_with_cue(text, span, pipeline):
    assert _found(pipeline, text) == [(span, 0.75, Validation.VALID)]


@pytest.mark.parametrize("text", [
    "Commande 404833048 expédiée",   # Luhn-valid, no cue: 0.45 < min score
    "SIREN 404833047",               # wrong key (stdnum docstring): INVALID, 0.3, not boosted
    "SIREN 1 404 833 048",           # inside a longer run of digit groups (an amount)
    "SIREN 404 833 048 123",         # followed by another group
    "SIREN 4048330480",              # 10 digits
    "SIREN 404833048,5",             # a decimal number
    "SIREN A404833048",              # inside a token
    "société 404 833048",            # mixed grouping without the name SIREN right before it
    "SIREN 404 833 04 7",            # mixed grouping after the name, but the key is wrong
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_siret_is_not_a_siren(pipeline):
    # stdnum siret docstring: the whole SIRET is reported, never its first 9 digits alone
    found = pipeline.analyze_text("SIRET 732 829 320 00074 et SIREN", Location("t"))
    assert [(f.entity_type, f.value) for f in found] == [("FR_SIRET", "732 829 320 00074")]


@pytest.mark.parametrize("text, score, validation", [
    ("404833048", 0.45, Validation.VALID),
    ("404833047", INVALID_SCORE, Validation.INVALID),   # kept low: typos in leaks matter
])
def test_find_scores(text, score, validation):
    m, = DET.find(text)
    assert (m.start, m.end, m.score, m.validation, m.normalized) == (0, 9, score, validation, text)


@pytest.mark.parametrize("header, hit", [
    ("siren", True), ("SIREN", True), ("n_siren", True), ("num_siren", True), ("N° SIREN", True),
    ("siren_entreprise", True), ("code_siren", True),
    ("siret", False), ("sirene", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("404833048", True, (0, 9, 0.8, Validation.VALID)),         # pipeline adds 0.2: 1.0
    ("404 833 048", True, (0, 11, 0.8, Validation.VALID)),
    ("3 1 0 1 8 8 4 2 0", True, (0, 17, 0.8, Validation.VALID)),  # stdnum bulk list spacing
    ("404833047", True, (0, 9, INVALID_SCORE, Validation.INVALID)),
    ("404833048", False, (0, 9, 0.8, Validation.VALID)),        # value classification
    ("404833047", False, None),                                 # no header: no evidence
    ("40483304", True, None),
    ("Exemple SAS", True, None),
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.score, m.validation)) == expected


def test_table_with_header_scores_one():
    p = Pipeline([DET], Config())
    col = ["404 833 048", "691234561", "404833047"]
    unit = TableUnit(Location("t.csv"), ("Siren",), iter([TableBatch(0, [col])]))
    found = [f for b in p.analyze_table(unit) for f in b]
    assert [(f.location.row, f.value, f.score, f.evidence.header) for f in found] == [
        (0, "404 833 048", 1.0, "Siren"), (1, "691234561", 1.0, "Siren")]


@pytest.mark.parametrize("text, span", [
    # unusual groupings from python-stdnum's test list (corpus/identifiers), after the name
    ("SIREN : 217601 145", "217601 145"),
    ("SIREN : 3 1 0 1 8 8 4 2 0", "3 1 0 1 8 8 4 2 0"),
    ("n° SIREN 404 833048.", "404 833048"),       # stdnum docstring number, mixed grouping
])
def test_unusual_grouping_after_the_name(text, span, pipeline):
    # 0.45 (valid) + context 0.3: the name right before is the evidence such a grouping needs
    assert _found(pipeline, text) == [(span, 0.75, Validation.VALID)]


@pytest.mark.parametrize("text, spans", [
    # the loose pass runs only from the name to 24 characters after it (issue 6): a candidate
    # starting at the 24th character is still read, one further is not
    ("SIREN" + " " * 19 + "217601 145", ["217601 145"]),
    ("SIREN" + " " * 20 + "217601 145", []),
    # several names: each opens its own stretch; accented and mixed-case names fold to "siren"
    ("Siren 217601 145 ; SIRÈN 3 1 0 1 8 8 4 2 0", ["217601 145", "3 1 0 1 8 8 4 2 0"]),
    # a name far before does not reach; the second one does
    ("SIREN" + " x" * 20 + " SIREN 217601 145", ["217601 145"]),
])
def test_loose_candidates_only_after_the_name(text, spans):
    got = [text[m.start:m.end] for m in DET.find(text) if m.pattern == "siren_spaced"]
    assert got == spans
