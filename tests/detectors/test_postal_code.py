"""PostalCodeDetector: listed codes with evidence in text; header-driven in tables."""

from __future__ import annotations

import pytest

from sentinelle import data
from sentinelle.config import Config
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.postal_code import PostalCodeDetector, postal_codes
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = PostalCodeDetector()
ALONE = Pipeline([DET], Config())


@pytest.mark.parametrize("case_id", [
    "pb-025",  # "..., 69007 Lyon" after a street with a person's name
    "pb-032",  # "Code postal : 01090": leading zero kept
])
def test_cases(case_id, expected, analyze):
    text, spans = expected(case_id, "FR_POSTAL_CODE")
    assert analyze(text, "FR_POSTAL_CODE") == spans


def test_pb026_table_column_with_spaces(pipeline, cases):
    # pb-026: header "Code postal" (with a space) classifies the column; "01090" keeps its zero
    header, row = cases["pb-026"]["input"]["content"].splitlines()
    cols = [[v] for v in row.split(",")]
    unit = TableUnit(Location("patients.csv"), tuple(header.split(",")), iter([TableBatch(0, cols)]))
    found = [f for b in pipeline.analyze_table(unit) for f in b if f.entity_type == "FR_POSTAL_CODE"]
    assert [(f.location.column, f.value, f.normalized, f.score) for f in found] == [
        ("Code postal", "01090", "01090", 1.0)]


@pytest.mark.parametrize("text, span, pattern", [
    ("12 rue Oberkampf 75011 Paris", "75011", "code_town"),
    ("13001 MARSEILLE", "13001", "code_town"),
    ("97110 Pointe-à-Pitre", "97110", "code_town"),              # overseas, hyphenated town
    ("20090 Ajaccio", "20090", "code_town"),                     # Corsica: numeric 20xxx
    ("F-75011 Paris", "75011", "code_town"),                     # country prefix
    ("69007\u00a0Lyon", "69007", "code_town"),                   # no-break space
    ("CP 01090", "01090", "cue_code"),
    ("cp:69007", "69007", "cue_code"),
    ("C.P. : 75011", "75011", "cue_code"),
    ("postal code 13001", "13001", "cue_code"),
    ("code postal n° 69007", "69007", "cue_code"),
    ("12 rue des Lilas, 75011\nTél.", "75011", "address_line_end"),
    ("Résidence Les Pins, 13001.", "13001", "address_line_end"),
])
def test_found(text, span, pattern):
    found = [(text[m.start:m.end], m.pattern, m.score, m.validation) for m in DET.find(text)]
    assert found == [(span, pattern, 0.8, Validation.VALID)]


@pytest.mark.parametrize("text", [
    "Lot 12345 expédié",                 # not a code
    "montant 75011 euros",               # real code, no evidence
    "montant 75011 Euros",               # a unit is not a town
    "75011",                             # bare
    "75011 patients inclus",             # lower-case word after
    "CP 99999",                          # cue, but not a listed code
    "12 rue des Lilas, 99999\n",         # address line end, not a listed code
    "n° 750112 Paris",                   # six digits
    "1.75011 Paris",                     # decimal
    "Réf 75011-2",
    "Total, 75011 ; reste 13001",        # comma then a code mid-line, no town
])
def test_not_found(text):
    assert list(DET.find(text)) == []


@pytest.mark.parametrize("header, hit", [
    ("cp", True), ("CP", True), ("Code postal", True), ("code_postal", True),
    ("codepostal", True), ("postal", True), ("zip", True), ("zipcode", True),
    ("code_post", True), ("cp_patient", True), ("ZIP Code", True),
    ("cpam", False), ("nom", False), ("capital", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, expected", [
    ("01090", True, (0, 5, "01090")),
    (" 75011 ", True, (1, 6, "75011")),
    ("75011 Paris", True, (0, 5, "75011")),          # code then town: span the code
    ("1090", True, (0, 4, "01090")),                 # leading zero lost by a spreadsheet
    ("99999", True, None),
    ("Paris", True, None),
    ("75011", False, None),                          # header_required: no header, no evidence
    ("75011 Paris", False, (0, 5, "75011")),         # text evidence still works in a cell
])
def test_match_cell(cell, header_hit, expected):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else (m.start, m.end, m.normalized)) == expected


def test_column_without_header_is_not_postal():
    unit = TableUnit(Location("t.csv"), ("montant",), iter([TableBatch(0, [["75011", "13001", "69007"]])]))
    assert [f for b in ALONE.analyze_table(unit) for f in b] == []


def test_data_file():
    codes = postal_codes()
    assert isinstance(codes, frozenset)
    assert postal_codes() is codes                   # cached
    assert len(codes) > 6000
    assert all(len(c) == 5 and c.isdigit() for c in codes)
    assert {"01090", "75011", "69007", "13001", "97110", "20090"} <= codes
    assert not any(c.startswith(("00", "96")) for c in codes)
    lines = data.lines("postal_codes.txt")
    assert list(lines) == sorted(set(lines))          # sorted, unique


@pytest.mark.parametrize("value, norm", [("01090", "01090"), ("1090", "01090"), (" 75 011", "75011")])
def test_normalize(value, norm):
    assert DET.normalize(value) == norm


# Addresses of EDS-Pseudo snippets (corpus/pii_fr_clinical_eds_pseudo): codes that are not on
# the La Poste list (made up by the corpus) where only a postcode can stand: after a street
# line. 0.6 (UNLISTED_SCORE): above the default --min-score.
@pytest.mark.parametrize("text, span", [
    # a complement after the street name ("APPT 283", "STUDIO 25")
    ("170 RUE DU CALVAIRE, APPT 283, 29372 NANTES", "29372"),
    ("19 AVENUE DE LA REPUBLIQUE, STUDIO 25, 46 403 BOULOGNE-BILLANCOURT", "46 403"),
    # Corsica's 2A/2B written in place of 20
    ("12 Rue du Docteur Gachet 2B784 Levallois-Perret", "2B784"),
    ("42 rue de Belleville, 2B363 Paris", "2B363"),
    # the street on the line before, the code starting its line
    ("321 rue d'Estienne d'Orves\n95 523 Colombes", "95 523"),
])
def test_unlisted_after_street(text, span):
    found = [(text[m.start:m.end], m.pattern, m.score) for m in DET.find(text)]
    assert found == [(span, "after_street_unlisted", 0.6)]


@pytest.mark.parametrize("text", [
    "réf 2B784 Levallois-Perret",           # 2B without a street line: a reference
    "Lot 2A123 expédié",                    # same
    "Patient 95 523 Colombes",              # unlisted, a town but no street line
    "321 rue d'Estienne d'Orves\n\n95523",  # a blank line between: not the line before
])
def test_unlisted_without_street(text):
    assert list(DET.find(text)) == []
