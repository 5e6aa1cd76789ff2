"""BicDetector: ISO 9362 codes only right after a BIC/SWIFT label or under a BIC header.

BICs are python-stdnum's examples (../shared/corpus/identifiers/python_stdnum_examples.csv).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.bic import BicDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit
from tests.conftest import shared_dir

DET = BicDetector()


def _stdnum_bic_rows() -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == "bic"]


def _found(pipeline, text):
    return [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_BIC"]


@pytest.mark.parametrize("text, span", [
    ("IBAN FR76 3000 4012 3400 0987 6543 272 BIC AGRIFRPP882", "AGRIFRPP882"),
    ("Code SWIFT : ABNA BE 2A.", "ABNA BE 2A"),               # stdnum docstring, spaced
    ("BIC/SWIFT: AGRIFRPP", "AGRIFRPP"),
    ("code BIC (SWIFT) : ABNCNL2AGIR", "ABNCNL2AGIR"),        # stdnum bulk list
    ("BIC AGRIFRPP882 CREDIT AGRICOLE", "AGRIFRPP882"),       # only the code after the label
])
def test_found_after_label(text, span, pipeline):
    assert _found(pipeline, text) == [(span, 0.55)]


@pytest.mark.parametrize("text", [
    "CREDIT AGRICOLE MUTUEL",                 # "AGRICOLE": country CO, but no label
    "BIC : voir le RIB joint. CREDIT AGRICOLE",
    "BIC AGRIFRPP8",                          # 9 characters (stdnum docstring)
    "BIC AGRIF2PP",                           # digit in the country code (stdnum docstring)
    "BIC MULTIPLE",                           # unknown country IP (stdnum tests)
    "BIC agrifrpp",                           # lower case in prose is a word
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


@pytest.mark.parametrize("value, valid", _stdnum_bic_rows())
def test_stdnum_rows_as_cells_under_header(value, valid):
    m = DET.match_cell(value, True)
    assert (m is not None) is valid
    if valid:
        assert (m.start, m.end, m.validation) == (0, len(value), Validation.VALID)


@pytest.mark.parametrize("header, hit", [
    ("bic", True), ("BIC", True), ("code_bic", True), ("swift", True), ("bic_swift", True),
    ("Code SWIFT", True), ("bicyclette", False), ("iban", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_table_needs_the_header():
    p = Pipeline([DET], Config())
    col = ["AGRIFRPP882", "BNPAFRPPXXX"]
    unit = TableUnit(Location("rib.csv"), ("BIC",), iter([TableBatch(0, [col])]))
    assert [(f.value, f.score) for b in p.analyze_table(unit) for f in b] == [
        ("AGRIFRPP882", 1.0), ("BNPAFRPPXXX", 1.0)]
    unit = TableUnit(Location("rib.csv"), ("col1",), iter([TableBatch(0, [col])]))
    assert [f for b in p.analyze_table(unit) for f in b] == []


def _long_texts() -> list[str]:
    """Long texts (past ``SOM_MIN_CHARS``): the EDS-Pseudo notes concatenated
    (../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl, upper-case headers
    and names), and hand-made lines around the candidate patterns' edges (a code glued to a
    letter, a digit or a non-Latin-1 character, spaced groups, 9 and 12 characters, accented
    capitals), repeated past the threshold."""
    import json

    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in path.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    edge = ("BIC AGRIFRPP882 ; xAGRIFRPP ; 1AGRIFRPP ; ΩAGRIFRPP882 ; éAGRIFRPP ; AGRIFRPP8 ; "
            "AGRIFRPP8823 ; Code SWIFT : ABNA BE 2A ; ABNA BE 2A 123 ; ABNA  BE 2A ; ÉAGRIFRPP ; "
            "CRÉDIT AGRICOLE HOPITAUX MULTIPLE\u00a0AGRIFRPP882\u2003ABNCNL2AGIR\n")
    return ["\n\n".join(notes[i:i + 60]) for i in range(0, len(notes), 60)] + [edge * 40]


def test_candidate_starts_give_the_regex_matches(monkeypatch):
    # issue 6: on a long text the regex runs only at hyperscan's candidate starts; the matches
    # must be IDENTICAL to the regex over the whole text (the threshold out of reach)
    from sentinelle.detectors import bic as bic_module

    texts = _long_texts()
    assert min(map(len, texts)) >= bic_module.SOM_MIN_CHARS
    key = lambda t: [(m.start, m.end, m.score, m.validation, m.pattern, m.normalized)  # noqa: E731
                     for m in DET.find(t)]
    fast = [key(t) for t in texts]
    monkeypatch.setattr(bic_module, "SOM_MIN_CHARS", 1 << 60)
    slow = [key(t) for t in texts]
    assert fast == slow
    assert sum(map(len, fast)) > 40
