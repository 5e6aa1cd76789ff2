"""sentinelle.identifiers.bic: python-stdnum's ISO 9362 BIC (8 or 11 characters, country code).

Every BIC row of ../shared/corpus/identifiers/python_stdnum_examples.csv (python-stdnum doctests,
see SOURCE.md there; 400+ real bank codes from its bulk list) is classified as upstream expects.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import bic
from tests.conftest import shared_dir


def _rows(scheme: str) -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == scheme]
    assert rows, f"no {scheme} rows in {path}"
    return rows


BIC_ROWS = _rows("bic")


def test_stdnum_examples_count():
    # SOURCE.md: "bic 403" rows (and a few from the module docstring)
    assert len(BIC_ROWS) >= 403


@pytest.mark.parametrize("value, valid", BIC_ROWS)
def test_stdnum_examples(value, valid):
    assert bic.is_valid(value) is valid


@pytest.mark.parametrize("value, compact", [
    ("AGRIFRPP882", "AGRIFRPP882"),     # stdnum docstring
    ("ABNA BE 2A", "ABNABE2A"),          # stdnum docstring: spaces
    ("agriFRPP", "AGRIFRPP"),            # stdnum docstring: upper-cased
])
def test_valid(value, compact):
    assert bic.validate(value) == compact
    assert bic.format(value) == compact


@pytest.mark.parametrize("value, error", [
    ("AGRIFRPP8", InvalidLength),        # stdnum docstring
    ("AGRIF2PP", InvalidFormat),         # stdnum docstring: digit in the country code
    ("MULTIPLE", InvalidComponent),      # stdnum tests: "IP" is no country
])
def test_invalid(value, error):
    with pytest.raises(error):
        bic.validate(value)
    assert not bic.is_valid(value)
