"""sentinelle.identifiers.siret: python-stdnum's SIRET (14 digits, Luhn, La Poste exception).

Every SIRET row of ../shared/corpus/identifiers/python_stdnum_examples.csv (python-stdnum
doctests, see SOURCE.md there) is classified as upstream expects.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from sentinelle.identifiers import siret
from tests.conftest import shared_dir


def _rows(scheme: str) -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == scheme]
    assert rows, f"no {scheme} rows in {path}"
    return rows


@pytest.mark.parametrize("value, valid", _rows("siret"))
def test_stdnum_examples(value, valid):
    assert siret.is_valid(value) is valid


@pytest.mark.parametrize("value, compact, siren", [
    ("73282932000074", "73282932000074", "732829320"),        # stdnum docstring
    ("732 829 320 00074", "73282932000074", "732 829 320"),   # grouped
    ("35600000049837", "35600000049837", "356000000"),        # La Poste: digit sum 50, not Luhn
    ("35600000000048", "35600000000048", "356000000"),        # La Poste head office: Luhn
])
def test_valid(value, compact, siren):
    assert siret.compact(value) == compact
    assert siret.validate(value) == compact
    assert siret.to_siren(value) == siren
    assert siret.format(value) == f"{compact[:3]} {compact[3:6]} {compact[6:9]} {compact[9:]}"


@pytest.mark.parametrize("value, error", [
    ("73282932000079", InvalidChecksum),      # stdnum docstring: wrong key
    ("35600000049838", InvalidChecksum),      # La Poste, digit sum 51
    ("7328293200007", InvalidLength),         # 13 digits
    ("732829320000740", InvalidLength),       # 15 digits
    ("7328293200007A", InvalidFormat),
])
def test_invalid(value, error):
    with pytest.raises(error):
        siret.validate(value)
    assert not siret.is_valid(value)
