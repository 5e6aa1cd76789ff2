"""sentinelle.identifiers.nir: NIR, NIA and INS matricule (one form, one key rule).

Every NIR row of ../shared/corpus/identifiers/python_stdnum_examples.csv (python-stdnum's
docstring, see SOURCE.md there) is classified as upstream expects. Other numbers are synthetic:
keys computed by hand as 97 - (13 digits mod 97), 2A read as 19.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from sentinelle.identifiers import nir
from tests.conftest import shared_dir


def _rows(scheme: str) -> list[tuple[str, bool]]:
    path = shared_dir() / "corpus" / "identifiers" / "python_stdnum_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["value"], r["expected"] == "valid") for r in csv.DictReader(fh) if r["scheme"] == scheme]
    assert rows, f"no {scheme} rows in {path}"
    return rows


@pytest.mark.parametrize("value, valid", _rows("nir"))
def test_stdnum_examples(value, valid):
    assert nir.is_valid(value) is valid


@pytest.mark.parametrize("value", [
    "2 95 10 99 126 111 93",      # stdnum docstring: born abroad (99 + country 126)
    "2 85 07 2A 004 123 38",      # ../shared/cases pb-016: Corsica 2A
    "2 60 07 20 114 062 34",      # pb-017: Corsica as 20 before 1976
    "7 85 05 99 350 123 20",      # NIA, man (7), born abroad (99 350)
    "8 92 30 99 126 045 35",      # NIA, woman (8), fictitious month 30
    "1 85 31 75 056 789 32",      # fictitious month 31 (20-42)
    "2 68 55 12 345 678 64",      # fictitious month 55 (50-99)
    "3 92 10 99 217 008 85",      # sex digit 3: foreign person being registered
])
def test_valid_nir_nia_ins(value):
    assert nir.is_valid(value)
    assert nir.validate(value) == value.replace(" ", "")


@pytest.mark.parametrize("value, error", [
    ("1 80 45 99 350 123 41", InvalidComponent),   # month 45: never used (key is right)
    ("1 80 15 99 350 123 46", InvalidComponent),   # month 15: never used (key is right)
    ("5 85 05 99 350 123 23", InvalidComponent),   # sex digit 5 (key is right)
    ("7 85 05 99 350 123 21", InvalidChecksum),    # NIA with a wrong key
    ("253072C07300443", InvalidFormat),            # stdnum docstring: department 2C
    ("6546546546546703", InvalidLength),           # stdnum docstring: 16 characters
])
def test_invalid(value, error):
    with pytest.raises(error):
        nir.validate(value)
    assert not nir.is_valid(value)


@pytest.mark.parametrize("number, valid", [
    # is_valid's compact fast path (no python-stdnum clean) must agree with validate()
    ("285072A00412338", True),     # cases pb-016, compact upper case: fast path
    ("285072a00412338", True),     # lower case: python-stdnum path (compact upper-cases it)
    ("2 85 07 2A 004 123 38", True),  # separators: python-stdnum path
    ("285072A00412339", False),    # wrong key
    ("285072C00412338", False),    # department 2C (stdnum docstring: invalid format)
    ("2850720041233AB", False),    # letters in the key
    ("285142A00412338", False),    # month 14
])
def test_is_valid_fast_path_agrees(number, valid):
    assert nir.is_valid(number) is valid
