"""SiretDetector: free text (cue needed), table cells under a SIRET header, scan() of a CSV.

SIRETs are python-stdnum's examples (../shared/corpus/identifiers/python_stdnum_examples.csv,
values from python-stdnum's doctests) or synthetic.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import sentinelle
from sentinelle.detectors.base import INVALID_SCORE, fold_header
from sentinelle.detectors.siret import SiretDetector
from sentinelle.finding import Location, Validation
from tests.conftest import shared_dir

DET = SiretDetector()


def _stdnum_siret_rows() -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == "siret"]


def _found(pipeline, text):
    return [(f.value, f.score, f.validation) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "FR_SIRET"]


@pytest.mark.parametrize("text, span", [
    ("SIRET : 732 829 320 00074 - APE 8690B", "732 829 320 00074"),   # stdnum docstring
    ("n° SIRET 73282932000074.", "73282932000074"),                   # compact
    ("SIRET 732829320 00074", "732829320 00074"),                     # SIREN + NIC
    ("établissement 775.563.232.00104", "775.563.232.00104"),        # stdnum bulk list, dots
    ("SIRET La Poste 35600000049837", "35600000049837"),              # La Poste rule (stdnum)
    ("siret=35600000000048;", "35600000000048"),                      # La Poste head office: Luhn
])
def test_found_with_cue(text, span, pipeline):
    assert _found(pipeline, text) == [(span, 0.75, Validation.VALID)]


@pytest.mark.parametrize("text", [
    "horodatage 73282932000074 reçu",   # valid but no cue: 0.45
    "SIRET 73282932000079",             # wrong key (stdnum docstring): 0.3, not boosted
    "SIRET 35600000049838",             # La Poste, digit sum not a multiple of 5 (stdnum tests)
    "SIRET 732829320000740",            # 15 digits
    "SIRET 1 732 829 320 00074",        # inside a longer run of digit groups
    "SIRET 732 829 320 00074 12",       # followed by another group
    "SIRET 7328293200007",              # 13 digits
    "société 732 8293 2000 074",        # unusual grouping without the name SIRET right before
    "SIRET 732 8293 2000 079",          # unusual grouping after the name, wrong key
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_hl7_timestamp_is_not_reported(pipeline):
    # 14-digit timestamps are common in HL7 (../shared/cases pb-028): no cue, no finding, even
    # for one that passes both Luhn checks (20241106200005 and its 202411062: checked by hand)
    assert [m.validation for m in DET.find("20241106200005")] == [Validation.VALID]
    assert _found(pipeline, "MSH|^~\\&|LAB|HOPITAL|||20241106200005||ADT^A01") == []


@pytest.mark.parametrize("text, score, validation", [
    ("73282932000074", 0.45, Validation.VALID),
    ("73282932000079", INVALID_SCORE, Validation.INVALID),
])
def test_find_scores(text, score, validation):
    m, = DET.find(text)
    assert (m.start, m.end, m.score, m.validation, m.normalized) == (0, 14, score, validation, text)


@pytest.mark.parametrize("value, valid", _stdnum_siret_rows())
def test_stdnum_rows_as_cells_under_header(value, valid):
    # every written form of upstream's list, in a column named SIRET: valid ones are VALID cells
    m = DET.match_cell(value, True)
    assert m is not None and m.validation is (Validation.VALID if valid else Validation.INVALID)
    assert (m.start, m.end) == (0, len(value))


@pytest.mark.parametrize("header, hit", [
    ("siret", True), ("SIRET", True), ("n_siret", True), ("num_siret", True), ("N° SIRET", True),
    ("siret_etablissement", True), ("numero_siret", True),
    ("siren", False), ("sirets_list", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_scan_csv_with_siret_column(tmp_path):
    # a CSV written by Python's csv module; the siret column is classified from its header
    path = tmp_path / "fournisseurs.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["raison_sociale", "siret", "ville"])
        w.writerow(["Exemple SAS", "732 829 320 00074", "Paris"])
        w.writerow(["La Poste Lyon", "35600000049837", "Lyon"])
        w.writerow(["Typo SARL", "73282932000079", "Nantes"])
    res = sentinelle.scan(tmp_path, entities=["FR_SIRET"])
    assert res.issues == []
    assert [(f.location.row, f.location.column, f.start, f.end, f.score) for f in res.findings] == [
        (0, "siret", 0, 17, 1.0), (1, "siret", 0, 14, 1.0)]   # the typo stays below min score


@pytest.mark.parametrize("text, span", [
    # unusual groupings from python-stdnum's test list (corpus/identifiers), after the name
    ("SIRET : 3 1 0 1 8 8 4 2 0 00 0 8 0", "3 1 0 1 8 8 4 2 0 00 0 8 0"),
    ("SIRET : 542 097 324 0006 6", "542 097 324 0006 6"),
    ("n° SIRET 7 7821 0526 00019.", "7 7821 0526 00019"),
])
def test_unusual_grouping_after_the_name(text, span, pipeline):
    # 0.45 (valid) + context 0.3: the name right before is the evidence such a grouping needs
    assert _found(pipeline, text) == [(span, 0.75, Validation.VALID)]
