"""IbanDetector: spans that stop at the last IBAN character, keys, python-stdnum examples."""

from __future__ import annotations

import csv

import pytest

from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.iban import IbanDetector
from sentinelle.finding import Location, Validation

DET = IbanDetector()


@pytest.mark.parametrize("case_id", [
    "pb-010",  # grouped IBAN followed by "refusé": the word must not enter the checksum
    "pb-011",  # compact IBAN followed by an upper-case word "TITULAIRE"
    "pb-013",  # grouped IBAN right after "l'IBAN": the whole IBAN, not a part, is the span
])
def test_cases(case_id, expected, analyze):
    text, spans = expected(case_id, "IBAN_CODE")
    assert analyze(text, "IBAN_CODE") == spans


def test_pb010_following_word_not_swallowed(cases, analyze):
    case = cases["pb-010"]
    text = case["input"]
    for bad in case["expected"]["must_not_detect"]:
        for start, end, _ in analyze(text, "IBAN_CODE"):
            assert bad["text"] not in text[start:end]


@pytest.mark.parametrize("text, span, validation", [
    ("FR7630004012340009876543272", "FR7630004012340009876543272", Validation.VALID),   # compact
    ("FR76\u00a03000\u00a04012\u00a03400\u00a00987\u00a06543\u00a0272",
     "FR76\u00a03000\u00a04012\u00a03400\u00a00987\u00a06543\u00a0272", Validation.VALID),  # nbsp
    ("FR76-3000-4012-3400-0987-6543-272.", "FR76-3000-4012-3400-0987-6543-272", Validation.VALID),
    ("IBAN:FR7630004012340009876543272", "FR7630004012340009876543272", Validation.VALID),  # after ':'
    ("GB82 WEST 1234 5698 7654 32 Londres", "GB82 WEST 1234 5698 7654 32", Validation.VALID),  # letters
    ("FR76 3000 4012 3400 0987 6543 273 refusé", "FR76 3000 4012 3400 0987 6543 273",
     Validation.INVALID),                                                  # typo: key mismatch
    ("ES 58 0049 0290 3424 1352 8341", "ES 58 0049 0290 3424 1352 8341", Validation.VALID),  # stdnum
    ("NO 44 1850.05.14562 ok", "NO 44 1850.05.14562", Validation.VALID),   # stdnum, Norwegian groups
])
def test_found(text, span, validation):
    found = [(text[m.start:m.end], m.validation) for m in DET.find(text)]
    assert found[:1] == [(span, validation)]


@pytest.mark.parametrize("text", [
    "FR76 3000 4012 3400 0987 6543 27",      # one character short
    "FR76300040123400098765432721",          # one too many: inside a longer token
    "XFR7630004012340009876543272",          # starts inside a token
    "ZZ76 3000 4012 3400 0987 6543 272",     # no such country
    "fr76 3000 4012 3400 0987 6543 272",     # lower-case country code is not an IBAN start
    "Lot AB12 3456",
])
def test_not_found(text):
    assert list(DET.find(text)) == []


def test_invalid_scores_low(pipeline):
    text = "IBAN FR76 3000 4012 3400 0987 6543 273"
    m, = DET.find(text)
    assert (m.score, m.validation) == (INVALID_SCORE, Validation.INVALID)
    # not reported at the default min score, even with the cue "IBAN"
    assert [f for f in pipeline.analyze_text(text, Location("t")) if f.entity_type == "IBAN_CODE"] == []


def test_normalize():
    assert DET.normalize("fr76 3000\u00a04012 3400 0987 6543 272") == "FR7630004012340009876543272"


@pytest.mark.parametrize("header, hit", [
    ("iban", True), ("IBAN", True), ("rib", True), ("compte", True), ("BIC/IBAN", True),
    ("coordonnees_bancaires", True), ("Coordonnées bancaires", True), ("iban_patient", True),
    ("tribunal", False), ("nom", False), ("decompte", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def _stdnum_rows(shared):
    # ../shared/corpus/identifiers/python_stdnum_examples.csv: values and expectations extracted
    # from python-stdnum's tests/test_iban.doctest and stdnum/iban.py docstring (see SOURCE.md)
    path = shared / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    assert path.is_file(), f"missing {path}"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["scheme"] == "iban"]
    assert len(rows) > 200
    return rows


def test_stdnum_examples(shared):
    missed, wrongly_valid = [], []
    rows = _stdnum_rows(shared)
    for row in rows:
        value = row["value"]
        found = [m for m in DET.find(value) if m.validation is Validation.VALID]
        if row["expected"] == "valid":
            if [(m.start, m.end) for m in found] != [(0, len(value))]:
                missed.append(value)
        elif found:
            wrongly_valid.append(value)
    assert missed == []
    assert wrongly_valid == []
    assert sum(r["expected"] == "invalid" for r in rows) >= 20
