"""Session 11 faults of the delimited reader (synthetic data written by the tests).

1. An unbalanced quote (``"GARNIER;Paul;...`` never closed) made the csv module swallow every
   following row into one cell: names there were missed and ``redact`` copied them in clear.
   Now the record is read again without quote handling, the rows are scanned, one error line
   names the line where the quote opened; ``redact`` refuses the file (nothing written).
2. A UTF-8 CSV cut in the middle of a character at its end gave 0 findings and exit 2. Now the
   rows before the cut are read, then one error line gives the byte of the cut (README, "Exit
   codes": 1 when personal data was found, the file's error line on stderr).

NIRs: 13 digits + key = 97 - (13 digits mod 97) (the NIR key rule, README detectors):
1850578006084 mod 97 = 6 -> key 91; 2901275112345 mod 97 = 57 -> key 40;
1600175123456 mod 97 = 27 -> key 70.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.errors import ReadError
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.delimited import DelimitedReader, recovered_rows, swallowed_field
from sentinelle.scanner import record_ranges

NIR_A = "185057800608491"
NIR_B = "290127511234540"
NIR_C = "160017512345670"

SWALLOWING = ("nom;prenom;nir;ville\n"
              f"DUPONT;Jean;{NIR_A};Paris\n"
              f'"GARNIER;Paul;{NIR_B};Lyon\n'          # line 3: the quote never closes
              f"MARTIN;Sophie;{NIR_C};Nantes\n"
              f"PETIT;Louise;{NIR_C};Rennes\n")


def source_of(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)


def read_all(path: Path) -> tuple[list[list], dict, ReadError | None]:
    """Rows of the one table of ``path`` and the error raised after them (None if none)."""
    stats: dict = {}
    rows: list[list] = []
    try:
        for unit in DelimitedReader().read(source_of(path), stats):
            assert isinstance(unit, TableUnit)
            for batch in unit.batches:
                rows.extend(map(list, zip(*batch.columns)))
    except ReadError as exc:
        return rows, stats, exc
    return rows, stats, None


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "sentinelle", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


# -- 1. unbalanced quote ---------------------------------------------------------------------

def test_unbalanced_quote_rows_after_it_are_read(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(SWALLOWING, encoding="utf-8")
    rows, stats, error = read_all(path)
    assert rows == [["DUPONT", "Jean", NIR_A, "Paris"],
                    ["GARNIER", "Paul", NIR_B, "Lyon"],
                    ["MARTIN", "Sophie", NIR_C, "Nantes"],
                    ["PETIT", "Louise", NIR_C, "Rennes"]]
    assert stats["rows"] == 4
    assert error is not None and error.position == "line 3"
    assert error.reason.startswith("unbalanced quote")
    assert "runs over 3 lines" in error.reason        # lines 3, 4, 5
    assert "\n" not in str(error) and NIR_B not in str(error)


def test_valid_multiline_cell_with_delimiters_is_not_a_swallowing_quote(tmp_path):
    # session 11 review: a quoted note over three lines, two of them holding commas, closed on
    # its last line, is one valid cell (Python's csv reads 2 rows); it was taken for an
    # unbalanced quote and redact refused the file
    path = tmp_path / "v.csv"
    path.write_text('id,nom,note\n1,MARTIN,"Appel du 12/03:\nrappeler au 06 12 34 56 78, '
                    'domicile, soir\nadresse 3, rue Victor Hugo, Paris"\n2,DURAND,ok\n',
                    encoding="utf-8")
    rows, _, error = read_all(path)
    assert [r[:2] for r in rows] == [["1", "MARTIN"], ["2", "DURAND"]]
    assert error is None


def test_quote_opened_after_a_multiline_cell_gives_its_own_line(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text('id;adresse;nom;prenom\n'
                    '1;"12 rue A\n75001 Paris";"GARNIER;Paul\n'     # quote opens on line 3
                    "2;x;MARTIN;Sophie\n3;y;PETIT;Louise\n", encoding="utf-8")
    rows, _, error = read_all(path)
    assert rows[0][:3] == ["1", "12 rue A\n75001 Paris", "GARNIER"]
    assert rows[1] == ["2", "x", "MARTIN", "Sophie"]
    assert error is not None and error.position == "line 3"


@pytest.mark.parametrize("text", [
    # an address over two lines and a note whose lines hold the delimiter: real quoted cells
    'id;adresse;note\n1;"12 rue A\n75001 Paris";"dose: 1; 2\nsuivi: 3; 4"\n2;x;y\n',
    # many notes of several lines, each line with fewer delimiters than a row
    "id;nom;prenom;note\n" + '1;A;B;"ligne 1; a\nligne 2; b\nligne 3; c"\n' * 3,
    # a cell ending with a line end before its closing quote, not at the end of the file
    'id;nom;note\n1;A;"x;y\nz;w\n"\n2;B;c\n',
])
def test_real_multiline_cells_are_kept(tmp_path, text):
    path = tmp_path / "notes.csv"
    path.write_text(text, encoding="utf-8")
    rows, _, error = read_all(path)
    assert error is None
    assert any("\n" in (c or "") for r in rows for c in r)


def test_swallowed_field_rule():
    # hand-made records (csv module's view of them)
    assert swallowed_field(["GARNIER;Paul;1;Lyon\nMARTIN;S;2;Nantes\n"], 4, ";") == 0
    assert swallowed_field(["1", "12 rue A\n75001 Paris"], 2, ";") is None
    # a cell closed before the end of the file is left as it is, even over row-like lines
    assert swallowed_field(["1", "a;b;c\nd;e;f", "x"], 3, ";") is None
    assert swallowed_field(["1", "a;b;c\nd;e;f\ng;h;i", "x"], 3, ";") is None
    assert swallowed_field(["1", "a;b;c\nd;e\ng;h", "x"], 3, ";") is None  # lines too short
    assert recovered_rows(["1", "a;b\nc;d\n\ne;f", "z"], 1, ";") == [
        ["1", "a", "b"], ["c", "d"], ["e", "f", "z"]]


def test_unbalanced_quote_cli_scan_and_redact(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "quote.csv").write_text(SWALLOWING, encoding="utf-8")
    found = tmp_path / "f.jsonl"
    r = cli("scan", src / "quote.csv", "--no-db", "--findings", found, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "quote.csv:line 3: unbalanced quote" in errors[0]
    assert "Traceback" not in r.stderr
    findings = [json.loads(line) for line in found.read_text().splitlines()]
    where = {(f["row"], f["column"], f["entity_type"]) for f in findings}
    for row in (1, 2, 3):  # the rows the quote swallowed
        assert (row, "nom", "PERSON") in where and (row, "nir", "FR_NIR") in where
    assert {f["masked"] for f in findings if f["row"] == 1 and f["column"] == "nir"} \
        == {"2************40"}
    for secret in (NIR_B, NIR_C, "GARNIER"):
        assert secret not in r.stdout + r.stderr

    key = tmp_path / "key"
    assert cli("key", "new", key, cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    r = cli("redact", src, "--out", out, "--policy", "share", "--key-file", key, cwd=tmp_path)
    assert r.returncode == 2
    errors = [line for line in r.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "quote.csv:line 3: unbalanced quote" in errors[0]
    assert "file not written" in errors[0]
    assert not (out / "quote.csv").exists()


def test_record_ranges_refuses_a_swallowing_quote(tmp_path):
    # the quote opens in the last column, so the swallowing record is as wide as the header
    good = "id;nom;note\n" + "".join(f"{i};N{i};ok\n" for i in range(200))
    bad = good + '200;N200;"oops\n' + "".join(f"{i};N{i};ok\n" for i in range(201, 260))
    for name, text, split in (("good.csv", good, True), ("bad.csv", bad, False)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        ranges = record_ranges(path, path.read_bytes()[:65536], name, 10, 100)
        assert (ranges is not None) is split


# -- 2. cut in the middle of a character ------------------------------------------------------

# a row with a NIR, then a row cut in the first byte of "é" (offset: test_prefix_length_by_hand)
CUT_PREFIX = f"nom;prenom;nir;ville\nDUPONT;Hélène;{NIR_A};Paris\nDURAND;H".encode()


def test_prefix_length_by_hand():
    # "nom;prenom;nir;ville\n" = 21; "DUPONT;" 7 + "Hélène" 8 + ";" 1 + 15 + ";Paris\n" 7 = 38;
    # "DURAND;H" = 8: 21 + 38 + 8 = 67, the 0-based offset of the cut byte
    assert len(CUT_PREFIX) == 67


def test_cut_utf8_rows_before_are_read(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(CUT_PREFIX + "é".encode()[:1])
    rows, stats, error = read_all(path)
    assert rows == [["DUPONT", "Hélène", NIR_A, "Paris"], ["DURAND", "H", None, None]]
    assert stats["encoding"] == "utf-8"
    assert error is not None
    assert (error.reason, error.position) == ("truncated utf-8 sequence at end of file",
                                              "byte 67")


def test_cut_utf8_after_the_head(tmp_path):
    # the cut comes in a later block than the 64 KiB head (streamed decode)
    body = "".join(f"{i};Zoé;{NIR_A}\n" for i in range(5000)).encode()
    data = b"id;prenom;nir\n" + body + "€".encode()[:2]   # 2 of the 3 bytes of "€"
    path = tmp_path / "long.csv"
    path.write_bytes(data)
    rows, _, error = read_all(path)
    assert len(rows) == 5000 and rows[-1] == ["4999", "Zoé", NIR_A]
    assert error is not None and error.position == f"byte {len(data) - 2}"


def test_cut_utf8_cli_scan(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(CUT_PREFIX + "é".encode()[:1])
    found = tmp_path / "f.jsonl"
    r = cli("scan", path, "--no-db", "--findings", found, cwd=tmp_path)
    assert r.returncode == 1, r.stderr                    # personal data found
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert errors == ["sentinelle: error: cut.csv:byte 67: truncated utf-8 sequence at end of file"]
    findings = [json.loads(line) for line in found.read_text().splitlines()]
    assert {"row": 0, "column": "nir", "masked": "1************91"} in [
        {k: f[k] for k in ("row", "column", "masked")} for f in findings]


@pytest.mark.parametrize("data, cell", [
    # cp1252 "Vitré" ending the file without a line end: 0xE9 alone is no cut UTF-8
    (b"nom;ville;cp\nDupont;Rennes;35000\nMartin;Vitr\xe9", "Vitré"),
    # cp1252 with an accent inside and at the end
    (b"nom;ville;cp\nL\xe9on;Rennes;35000\nMartin;Vitr\xe9", "Vitré"),
])
def test_cp1252_still_cp1252(tmp_path, data, cell):
    path = tmp_path / "cp.csv"
    path.write_bytes(data)
    rows, stats, error = read_all(path)
    assert error is None
    assert stats["encoding"] == "cp1252"
    assert rows[-1] == ["Martin", cell, None]
