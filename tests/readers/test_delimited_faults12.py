"""Session 12 fault of the delimited reader (synthetic data written by the tests).

A French semicolon CSV with decimal commas (``FAC-1;NOM;...;121,27;01/09/2023``, the shape of
``sentinelle synth``'s ``facturation.csv``) where one cell is opened by a ``"`` never closed:
the csv module read the rest of the sniffing sample as one cell under ``;``, so ``,`` (two
constant fields: ``...;121`` and ``27;...``) won the sniffing. ``scan`` then read a 2-column
table with no error line, and ``redact`` wrote mangled rows. Now each line is also counted on
its own (delimiters outside quotes): ``;`` is steady, ``,`` is not (the header holds none), so
``;`` is kept, and the unbalanced quote gives the session 11 error and refusal.

NIRs: 13 digits + key = 97 - (13 digits mod 97) (the NIR key rule, README detectors), the
hand-checked values of test_delimited_faults11: 1850578006084 -> key 91;
2901275112345 -> key 40; 1600175123456 -> key 70.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.errors import ReadError
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.delimited import DelimitedReader, _outside_quotes, sniff_delimiter

NIRS = ("185057800608491", "290127511234540", "160017512345670")
HEADER = ["num_facture", "nom", "nir", "montant", "date_facture"]


def invoice_rows(n: int = 6) -> list[list[str]]:
    """``n`` invoice rows, amounts with a decimal comma (``10,27``, ``11,27``...)."""
    return [[f"FAC-{1000 + i}", f"NOM{i}", NIRS[i % 3], f"{10 + i},27", f"0{i + 1}/09/2023"]
            for i in range(n)]


def invoice_csv(quote_line: int | None, quote_col: int, n: int = 6) -> str:
    """The header and ``n`` rows joined by ``;``; a ``"`` opens (never closed) the cell
    ``quote_col`` of the 1-based file line ``quote_line`` (the header is line 1)."""
    lines = [";".join(HEADER)]
    for i, cells in enumerate(invoice_rows(n)):
        cells = list(cells)
        if i + 2 == quote_line:
            cells[quote_col] = '"' + cells[quote_col]
        lines.append(";".join(cells))
    return "\n".join(lines) + "\n"


def source_of(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)


def read_all(path: Path) -> tuple[tuple, list[list], ReadError | None]:
    """(header, rows) of the one table of ``path`` and the error raised after them."""
    stats: dict = {}
    rows: list[list] = []
    header: tuple = ()
    try:
        for unit in DelimitedReader().read(source_of(path), stats):
            assert isinstance(unit, TableUnit)
            header = unit.header
            for batch in unit.batches:
                rows.extend(map(list, zip(*batch.columns)))
    except ReadError as exc:
        return header, rows, exc
    return header, rows, None


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "sentinelle", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("quote_line", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("quote_col", [0, 1, 2, 3])
def test_decimal_commas_and_unbalanced_quote_sniff_semicolon(quote_line, quote_col):
    # before session 12: "," for every quote_col but 0 (a quote opening the line's first cell
    # is also a quote under ",")
    assert sniff_delimiter(invoice_csv(quote_line, quote_col)) == ";"


def test_decimal_commas_and_unbalanced_quote_error_and_rows(tmp_path):
    path = tmp_path / "facturation.csv"
    path.write_text(invoice_csv(3, 1), encoding="utf-8")      # line 3: ...;"NOM1;...
    header, rows, error = read_all(path)
    assert header == tuple(HEADER)
    assert rows == invoice_rows()            # the opening quote dropped, as quotes are
    assert error is not None and error.position == "line 3"
    assert error.reason == ("unbalanced quote: the cell opened here runs over 5 lines "
                            "(read again without quotes)")      # lines 3 to 7


def test_decimal_commas_without_quote_unchanged(tmp_path):
    path = tmp_path / "facturation.csv"
    path.write_text(invoice_csv(None, 0), encoding="utf-8")
    header, rows, error = read_all(path)
    assert (header, rows, error) == (tuple(HEADER), invoice_rows(), None)


@pytest.mark.parametrize("text, delimiter", [
    # quoted cells holding the other delimiter on every row
    ('id,nom,note\n1,A,"x; y; z"\n2,B,"u; v"\n3,C,"w; t; s"\n', ","),
    # every cell quoted, decimal commas inside the quotes
    ('"id";"montant";"date"\n"1";"10,5";"01/09/2023"\n"2";"11,25";"02/09/2023"\n', ";"),
    # tabs, a comma in one cell of every row
    ("id\tnom\tville\n1\tA, B\tParis\n2\tC, D\tLyon\n", "\t"),
])
def test_other_tables_keep_their_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_outside_quotes_counts():
    assert _outside_quotes("a;b;c\n", ";") == 2
    assert _outside_quotes('a;"b;c";d\n', ";") == 2       # the ";" inside quotes not counted
    assert _outside_quotes('a;"b ""x"" c";d\n', ";") == 2  # doubled quotes: still balanced
    assert _outside_quotes('a;"b;c;d\n', ";") is None      # odd number of quotes
    assert _outside_quotes("FAC-1;N;121,27;01/09/2023\n", ",") == 1


def test_decimal_commas_unbalanced_quote_cli_scan_and_redact(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "facturation.csv").write_text(invoice_csv(3, 1), encoding="utf-8")
    r = cli("scan", src / "facturation.csv", "--no-db", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "facturation.csv:line 3: unbalanced quote" in errors[0]

    key = tmp_path / "key"
    assert cli("key", "new", key, cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    r = cli("redact", src, "--out", out, "--policy", "share", "--key-file", key, cwd=tmp_path)
    assert r.returncode == 2
    errors = [line for line in r.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "facturation.csv:line 3: unbalanced quote" in errors[0]
    assert not (out / "facturation.csv").exists()
