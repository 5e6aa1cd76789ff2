"""sentinelle.identifiers.siren: python-stdnum's SIREN (9 digits, Luhn).

Every SIREN row of ../shared/corpus/identifiers/python_stdnum_examples.csv (values from
python-stdnum's doctests and docstrings, see SOURCE.md there) is classified as upstream expects.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from sentinelle.identifiers import siren
from tests.conftest import shared_dir


def _rows(scheme: str) -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == scheme]
    assert rows, f"no {scheme} rows in {path}"
    return rows


@pytest.mark.parametrize("value, valid", _rows("siren"))
def test_stdnum_examples(value, valid):
    assert siren.is_valid(value) is valid


@pytest.mark.parametrize("value, compact", [
    ("404833048", "404833048"),          # stdnum docstring
    ("404 833 048", "404833048"),        # grouped
    ("404.833.048", "404833048"),        # dots
    ("691234561", "691234561"),          # synthetic: 69123456 + Luhn key 1
])
def test_valid(value, compact):
    assert siren.compact(value) == compact
    assert siren.validate(value) == compact
    assert siren.format(value) == f"{compact[:3]} {compact[3:6]} {compact[6:]}"


@pytest.mark.parametrize("value, error", [
    ("404833047", InvalidChecksum),      # stdnum docstring: wrong key
    ("40483304", InvalidLength),         # 8 digits
    ("4048330480", InvalidLength),       # 10 digits
    ("40483304A", InvalidFormat),        # a letter
])
def test_invalid(value, error):
    with pytest.raises(error):
        siren.validate(value)
    assert not siren.is_valid(value)
