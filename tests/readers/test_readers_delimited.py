"""DelimitedReader: delimiter sniffing, encodings, quoting, ragged rows, batches, errors."""

from __future__ import annotations

import csv

import pytest

from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import delimited
from sentinelle.readers.delimited import DelimitedReader

HEADER = ["email", "nom", "prénom", "code_postal"]
ROWS = [
    ["zoe.lefevre@example.org", "Lefèvre", "Zoé", "01090"],
    ["h.garcon@example.org", "Garçon", "Hélène", "75011"],
    ["", "Martin", "", "97400"],
]


def write_csv(path, rows, *, delimiter=",", encoding="utf-8", **fmt):
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, **fmt).writerows(rows)
    return path


@pytest.mark.parametrize("delimiter, name", [
    (",", "patients.csv"),
    (";", "patients.csv"),   # French Excel exports
    ("\t", "patients.csv"),  # tab in a .csv: content decides, not the suffix
    ("|", "patients.csv"),
    ("\t", "patients.tsv"),
    ("|", "patients.psv"),
    (";", "export"),         # no suffix: sniffed as a table from its content
    (";", "export.txt"),
])
def test_delimiter_sniffing(read_path, tmp_path, delimiter, name):
    path = write_csv(tmp_path / name, [HEADER] + ROWS, delimiter=delimiter)
    result = read_path(path)
    assert result.reader == "csv"
    [table] = result.tables
    assert table.header == tuple(HEADER)
    assert table.rows() == ROWS
    assert (result.stats["rows"], result.stats["columns"]) == (3, 4)


@pytest.mark.parametrize("encoding, label", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),  # BOM stripped: first header is "email", not "\ufeffemail"
    ("cp1252", "cp1252"),
    ("latin-1", "cp1252"),       # same bytes for these letters; cp1252 is preferred
    ("utf-16", "utf-16-le"),     # Python writes a BOM (little endian on this platform)
])
def test_encodings(read_path, tmp_path, encoding, label):
    rows = [HEADER] + ROWS + [["e@example.org", "Cœur" if encoding != "latin-1" else "Cour",
                               "Noël", "13001"]]
    if encoding == "cp1252":
        rows.append(["x@example.org", "Prix", "12 €", "06000"])
    path = write_csv(tmp_path / "p.csv", rows, delimiter=";", encoding=encoding)
    result = read_path(path)
    [table] = result.tables
    assert table.header[0] == "email"
    assert table.rows() == rows[1:]
    assert result.stats["encoding"] == label


def test_quoted_fields_with_newline_and_delimiter(read_path, tmp_path):
    rows = [["id", "commentaire", "cp"],
            ["1", "ligne un\nligne deux; avec ; et , dedans", "01090"],
            ["2", 'il a dit "bonjour"\r\nfin', "02100"],
            ["3", "simple", "03000"]]
    path = write_csv(tmp_path / "q.csv", rows, delimiter=";")
    [table] = read_path(path).tables
    assert table.rows() == rows[1:]


def test_values_kept_as_text(read_path, tmp_path):
    rows = [["nir", "cp", "montant", "vide"], ["1840175123456", "01090", " 007 ", ""]]
    path = write_csv(tmp_path / "v.csv", rows)
    [table] = read_path(path).tables
    assert table.rows() == [["1840175123456", "01090", " 007 ", ""]]


def test_header_whitespace_stripped_and_empty_names(read_path, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(" nom , ,prenom\nA,B,C\n", encoding="utf-8")
    [table] = read_path(path).tables
    assert table.header == ("nom", "column_2", "prenom")


def test_ragged_rows(read_with, tmp_path):
    # hand-written: rows of the wrong width are what this test is about
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n3\n4,5,6\n7,8\n9,10,11,12\n", encoding="utf-8")
    result = read_with(DelimitedReader(batch_rows=4), path)
    [table] = result.tables
    # the first batch (4 rows) widens the header to 3 columns; the later 4-cell row is cut
    assert table.header == ("a", "b", "column_3")
    assert table.rows() == [["1", "2", None], ["3", None, None], ["4", "5", "6"],
                            ["7", "8", None], ["9", "10", "11"]]
    assert result.stats["ragged_rows"] == 1
    assert result.stats["columns"] == 3


@pytest.mark.parametrize("n_rows, batch_rows, expected", [
    (10, 3, [(0, 3), (3, 3), (6, 3), (9, 1)]),
    (9, 3, [(0, 3), (3, 3), (6, 3)]),
    (2, 5000, [(0, 2)]),
    (0, 3, []),  # header only: a table without rows
])
def test_batches(read_path, tmp_path, n_rows, batch_rows, expected):
    rows = [["id", "nom", "cp"]] + [[str(i), f"nom{i}", f"{i:05d}"] for i in range(n_rows)]
    path = write_csv(tmp_path / "b.csv", rows)
    result = read_path(path, Config(batch_rows=batch_rows))
    [table] = result.tables
    assert [(first, len(cols[0])) for first, cols in table.batches] == expected
    assert table.rows() == rows[1:]
    assert result.stats["rows"] == n_rows


def test_blank_lines_are_not_rows(read_path, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\nid,nom\n\n1,A\n\n2,B\n", encoding="utf-8")
    [table] = read_path(path).tables
    assert table.header == ("id", "nom")
    assert table.rows() == [["1", "A"], ["2", "B"]]


@pytest.mark.parametrize("name, data, reason", [
    ("binary.csv", b"PK\x03\x04\x00\x00" + bytes(range(256)) * 8, "binary content, not text"),
    # UTF-8 head (a "é" in it), then a cut multibyte sequence in the middle of a later block
    ("cut.csv", "nom,cp\nZoé,01090\n".encode() + b"a,b\n" * 20000 + b"\xc3,x\n",
     "invalid utf-8"),
    ("end.csv", "nom,cp\nZoé,01090\n".encode() + "é".encode()[:1],
     "truncated utf-8 sequence at end of file"),
])
def test_read_errors(read_path, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason == reason
    assert "\n" not in str(info.value)


def test_field_over_limit(read_path, tmp_path, monkeypatch, restore_csv_limit):
    monkeypatch.setattr(delimited, "FIELD_LIMIT", 1000)
    path = write_csv(tmp_path / "long.csv", [["id", "texte"], ["1", "court"], ["2", "x" * 5000]])
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert "field larger than 1000" in info.value.reason
    assert info.value.position == "line 3"


def test_empty_file(read_path, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = read_path(path)
    assert result.tables == [] and result.texts == []
    assert (result.stats["rows"], result.stats["chars"]) == (0, 0)


@pytest.mark.parametrize("name, text, expected", [
    ("notes.txt", "Le patient va bien.\nRevoir dans un mois, avec bilan.\n", "text"),
    ("two_cols.txt", "a;b\n1;2\n3;4\n", "text"),  # fewer than 3 columns: not claimed as a table
    ("nums.txt", "1;2;3\n4;5;6\n7;8;9\n", "text"),  # numeric first row: not a header
    ("table.txt", "nom;prenom;ville\nA;B;C\nD;E;F\n", "csv"),
    ("table", "nom\tprenom\tville\nA\tB\tC\n", "csv"),
])
def test_content_sniffing(read_path, tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert read_path(path).reader == expected
