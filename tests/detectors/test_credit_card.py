"""CreditCardDetector: Luhn + network ranges, grouped form or a cue; never IBAN groups or phones.

Card numbers are public test numbers of the networks/processors or synthetic (a base plus its
Luhn key computed by hand), never real cards.
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.credit_card import CreditCardDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = CreditCardDetector()


def _found(pipeline, text):
    return [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "CREDIT_CARD"]


@pytest.mark.parametrize("text, span, score", [
    ("paiement 4970 1012 3456 7893", "4970 1012 3456 7893", 1.0),        # grouped + cue
    ("réf 4970 1012 3456 7893 ok", "4970 1012 3456 7893", 0.8),          # grouped, no cue
    ("5500-0000-0000-0004", "5500-0000-0000-0004", 0.8),                 # dashes
    ("4970\u00a01012\u00a03456\u00a07893", "4970\u00a01012\u00a03456\u00a07893", 0.8),
    ("Amex 3782 822463 10005.", "3782 822463 10005", 1.0),               # 4-6-5
    ("3056 930902 5904", "3056 930902 5904", 0.8),                       # Diners 4-6-4
    ("4532 0123 4567 8901 235", "4532 0123 4567 8901 235", 0.8),         # 19-digit Visa 4-4-4-4-3
    ("CB 4970 1012 3456 7893 123", "4970 1012 3456 7893", 1.0),          # then a CVV
    ("carte 4970 1012 3456 7893 12/27", "4970 1012 3456 7893", 1.0),     # then the expiry
    ("n° CB 4970101234567893", "4970101234567893", 0.75),                # compact + cue
    ("card number: 2221000000000009", "2221000000000009", 0.75),         # Mastercard 2-series
    ("last billed amount for cc 4970101234567893", "4970101234567893", 0.75),  # presidio-research style
    ("carte 213100000000001", "213100000000001", 0.75),                   # older 15-digit JCB
    # a 15-digit number that is a valid NIR (sex 3) and a valid Amex: the card cue decides
    ("credit card number is 372057505611749?", "372057505611749", 0.75),
])
def test_found(text, span, score, pipeline):
    assert _found(pipeline, text) == [(span, score)]


@pytest.mark.parametrize("text", [
    "lot 4970101234567893",                           # compact without a cue: 0.45
    "4970 1012 3456 7894",                            # Luhn fails: INVALID 0.3
    "IBAN FR76 3000 4012 3400 0987 6543 272",         # groups of an IBAN
    "4970 1012 3456 7893 1234",                       # followed by a 4-digit group: longer run
    "1 4970 1012 3456 7893",                          # preceded by a digit group
    "carte 8944 1234 5678 9017",                      # Luhn-valid, industry 8 (SIM): no network
    "Tél. 06 12 34 56 78",                            # a phone number
    "carte 4970-1012 3456-7893",                      # mixed separators
    "IMEI 354178036859789",                           # Luhn-valid IMEI (stdnum): no network
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_iban_stays_an_iban(pipeline):
    # ../shared/cases pb-013: the IBAN is one finding, none of its groups becomes a card
    text = "Les sommes seront versées sur l'IBAN FR76 3000 4012 3400 0987 6543 272 au nom de la SCI."
    assert [(f.entity_type, f.value) for f in pipeline.analyze_text(text, Location("t"))] == [
        ("IBAN_CODE", "FR76 3000 4012 3400 0987 6543 272")]


@pytest.mark.parametrize("text, expected", [
    ("4970 1012 3456 7893", (0, 19, 0.8, Validation.VALID)),
    ("4970 1012 3456 7894", (0, 19, INVALID_SCORE, Validation.INVALID)),
    ("4970101234567893", (0, 16, 0.45, Validation.VALID)),
])
def test_find_scores(text, expected):
    m, = DET.find(text)
    assert (m.start, m.end, m.score, m.validation) == expected


@pytest.mark.parametrize("header, hit", [
    ("CCNumber", True), ("cc_number", True), ("card_number", True), ("carte_bancaire", True),
    ("numero_carte", True), ("num_carte_bancaire", True), ("credit_card", True), ("CB", True),
    ("pan", True), ("CCType", False), ("CVV2", False), ("carte_vitale", False), ("panier", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("4970 1012 3456 7893", True, (0, 19, 0.8, Validation.VALID)),
    ("4970101234567893", False, (0, 16, 0.8, Validation.VALID)),
    ("4970101234567894", True, (0, 16, INVALID_SCORE, Validation.INVALID)),
    ("4970101234567894", False, None),
    ("5.54563E+15", True, None),          # a card number destroyed by a spreadsheet (FakeNameGenerator)
    ("Visa", True, None),
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.score, m.validation)) == expected


def test_column_of_cards_without_header():
    p = Pipeline(build(), Config())
    col = ["4970101234567893", "5500000000000004", "4111111111111111", "378282246310005"]
    unit = TableUnit(Location("t.csv"), ("col4",), iter([TableBatch(0, [col])]))
    found = [f for b in p.analyze_table(unit) for f in b]
    assert [(f.entity_type, f.value, f.score) for f in found] == [
        ("CREDIT_CARD", v, 0.8) for v in col]
