"""Test-data fakes agree within a record: a fake NIR carries the sex of its NIR and the year and
month of the 15th of the NIR's month moved by the person's shift, the shift the row's birth date
gets, with a valid key (session 12: the fake depends on the NIR alone, so it is the same in
every file; before, it followed the row's sex column and redacted birth date, and the same NIR
got another fake in a file without them; the rule itself: tests/redact/test_faults12.py).

Rule (INSEE NIR structure, décret 82-103): digit 1 sex (1 man, 2 woman; 3/4, 7/8 temporary
numbers, odd for a man), digits 2-3 year, 4-5 month of birth, 6-10 place of birth, 11-13 order
number, key = 97 - (first 13 digits mod 97) with 2A read as 19 and 2B as 18.

Synthetic data: every NIR below is made up, its key worked out by hand with that rule
(2850375112345 -> 44, 1910169123456 -> 71, 1721133063021 -> 04, 160062A004123 -> 36,
2010213055010 -> 06).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.redact import fakes

BIN = Path(sys.executable).with_name("sentinelle")

ROWS = [
    # nom, prenom, sexe, date_naissance, nir, code_postal
    ("MARTIN", "Claire", "F", "12/03/1985", "285037511234544", "75012"),
    ("DURAND", "Marc", "H", "01/01/1991", "1 91 01 69 123 456 71", "69003"),
    # the sex column says F, the NIR a man's 1: the fake keeps the NIR's (one NIR, one fake)
    ("PETIT", "Alice", "F", "30/11/1972", "172113306302104", "33000"),
    ("ROBERT", "Jean", "M", "15/06/1960", "160062A00412336", "20000"),
    ("LEFEBVRE", "Anne", "F", "05/02/2001", "201021305501006", "13005"),
]
CIVILITY_ROWS = [
    # civilite, nom, date_naissance, nir
    ("Mme", "BERNARD", "12/03/1985", "285037511234544"),
    ("M.", "GARNIER", "01/01/1991", "191016912345671"),
]


def key_ok(nir: str) -> bool:
    """The INSEE key rule, written out here (not the package's validator)."""
    compact = nir.replace(" ", "")
    body = compact[:13].replace("2A", "19").replace("2B", "18")
    return len(compact) == 15 and body.isdigit() and int(compact[13:]) == 97 - int(body) % 97


def sex_digit(sexe: str) -> str:
    return {"F": "2", "Mme": "2", "H": "1", "M": "1", "M.": "1"}[sexe]


def yymm(date_ddmmyyyy: str) -> str:
    d, m, y = date_ddmmyyyy.split("/")
    return y[2:] + m


# -- unit: the draws do not depend on the head ----------------------------------------------


def test_nir_draws_do_not_depend_on_the_head():
    value = "2 85 03 75 112 345 44"
    kept = fakes.nir(value, random.Random(7))
    moved = fakes.nir(value, random.Random(7), -60)   # 15/03/1985 - 60 days = 14/01/1985
    assert moved.replace(" ", "")[:5] == "28501" and key_ok(moved)
    assert kept.replace(" ", "")[:5] == "28503" and key_ok(kept)
    # same layout; birthplace and order number are the same keyed draws
    assert [i for i, c in enumerate(moved) if c == " "] == [i for i, c in enumerate(value)
                                                            if c == " "]
    assert moved.replace(" ", "")[5:13] == kept.replace(" ", "")[5:13]


@pytest.mark.parametrize("text, sex", [
    ("F", "F"), ("H", "M"), ("M", "M"), ("Femme", "F"), ("féminin", "F"), ("Masculin", "M"),
    ("2", "F"), ("1", "M"), ("Mme", "F"), ("Mlle", "F"), ("M.", "M"), ("Monsieur", "M"),
    ("X", None), ("", None), (None, None), ("Inconnu", None),
])
def test_sex_of(text, sex):
    assert fakes.sex_of(text) == sex


@pytest.mark.parametrize("name, sex", [
    ("Mme Jeanne DURAND", "F"), ("M. Paul MARTIN", "M"), ("Dr Paul MARTIN", None),
    ("Paul MARTIN", None), ("MARTIN", None),
])
def test_title_sex(name, sex):
    assert fakes.title_sex(name) == sex


# -- the real CLI on a synthetic table -------------------------------------------------------


def _csv(header, rows) -> str:
    return "\n".join(";".join(r) for r in [header, *rows]) + "\n"


@pytest.fixture(scope="module")
def redacted(tmp_path_factory):
    root = tmp_path_factory.mktemp("coherent")
    src = root / "in"
    src.mkdir()
    (src / "patients.csv").write_text(
        _csv(("nom", "prenom", "sexe", "date_naissance", "nir", "code_postal"), ROWS), "utf-8")
    (src / "civilites.csv").write_text(
        _csv(("civilite", "nom", "date_naissance", "nir"), CIVILITY_ROWS), "utf-8")
    env = {**os.environ, "SENTINELLE_KEY": "coherent-test-key"}
    outs = []
    for name in ("out1", "out2"):
        proc = subprocess.run([str(BIN), "redact", str(src), "--out", str(root / name),
                               "--policy", "test-data", "-q"], env=env, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        outs.append(root / name)
    return outs


def _read(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8")), delimiter=";"))


def _moved_yymm(nir: str, dob_before: str, dob_after: str) -> str:
    """YYMM of the 15th of ``nir``'s month moved by the row's shift (its birth date's)."""
    d0 = dt.datetime.strptime(dob_before, "%d/%m/%Y").date()
    d1 = dt.datetime.strptime(dob_after, "%d/%m/%Y").date()
    compact = nir.replace(" ", "")
    mid = dt.date(d0.year, int(compact[3:5]), 15) + (d1 - d0)  # the NIR shows d0's month
    return f"{mid.year % 100:02d}{mid.month:02d}"


def test_cli_fake_nir_agrees_with_row(redacted):
    out = _read(redacted[0] / "patients.csv")
    assert len(out) == len(ROWS)
    agree = 0
    for row, orig in zip(out, ROWS):
        nir = row["nir"]
        assert key_ok(nir), nir
        compact = nir.replace(" ", "")
        assert row["sexe"] == orig[2]                       # the sex column is not redacted
        assert compact[0] == orig[4][0]                     # the NIR's own sex digit
        assert compact[1:5] == _moved_yymm(orig[4], orig[3], row["date_naissance"])
        assert row["date_naissance"] != orig[3]             # the birth date was shifted
        agree += compact[1:5] == yymm(row["date_naissance"])
    # the month of the row's shifted birth date, unless the shift carries the birth day and
    # the 15th across different month ends
    assert agree >= 3, agree
    # layout of a spaced NIR kept
    assert [i for i, c in enumerate(out[1]["nir"]) if c == " "] == [1, 4, 7, 10, 14, 18]


def test_cli_civility_gives_the_sex(redacted):
    out = _read(redacted[0] / "civilites.csv")
    for row, orig in zip(out, CIVILITY_ROWS):
        compact = row["nir"].replace(" ", "")
        assert row["civilite"] == orig[0]
        assert key_ok(compact) and compact[0] == sex_digit(orig[0]) == orig[3][0]
        assert compact[1:5] == _moved_yymm(orig[3], orig[2], row["date_naissance"])


def test_cli_no_original_value_left(redacted):
    text = "".join(p.read_text("utf-8") for p in redacted[0].glob("*.csv"))
    for nom, prenom, _sexe, dob, nir, cp in ROWS:
        for value in (nom, prenom, dob, nir, nir.replace(" ", ""), cp):
            assert value not in text, "an original value is left"
    for _civ, nom, dob, nir in CIVILITY_ROWS:
        for value in (nom, dob, nir):
            assert value not in text, "an original value is left"


def test_cli_deterministic(redacted):
    for name in ("patients.csv", "civilites.csv"):
        assert (redacted[0] / name).read_bytes() == (redacted[1] / name).read_bytes()
