"""SqliteReader: databases written by the standard library's sqlite3 at test time; tables,
typed cells, BLOBs, batching, read-only opening (the input never changes), errors, the scan.

Test people are synthetic: NIRs with valid keys (key = 97 - first 13 digits mod 97, 2A read as
19, hand-checked), e-mail addresses under example.org (RFC 2606).
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from pathlib import Path

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source
from sentinelle.readers.sqlite import SqliteReader

NIR_A = "285072A00412338"      # ../shared/cases pb-016
NIR_B = 295109912611193        # python-stdnum's docstring NIR, stored as an INTEGER
EMAIL_A = "claire.martin@example.org"
EMAIL_B = "marc.petit@example.org"


def make_db(path: Path, *, wal: bool = False) -> Path:
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    notes = '"notes ""x"""'  # a table name with a space and a quote in it
    con.executescript(
        "CREATE TABLE patients (id INTEGER PRIMARY KEY AUTOINCREMENT, nom TEXT, prenom TEXT,"
        " nir, email TEXT, naissance TEXT, poids REAL);"
        "INSERT INTO patients (nom, prenom, nir, email, naissance, poids) VALUES"
        f" ('MARTIN', 'Claire', '{NIR_A}', '{EMAIL_A}', '1985-03-12', 61.5),"
        f" ('PETIT', 'Marc', {NIR_B}, '{EMAIL_B}', '1995-10-01', 80.0);"
        f"CREATE TABLE {notes} (patient INTEGER, texte TEXT, piece BLOB);"
        f"INSERT INTO {notes} VALUES"
        f" (1, NULL, CAST('Rappeler Claire Martin au {EMAIL_A}' AS BLOB)),"
        " (2, 'RAS', x'89504e470d0a1a0a00ff');"
        "CREATE TABLE vide (a TEXT, b TEXT);"
        "CREATE VIEW adultes AS SELECT nom FROM patients;")
    con.commit()
    con.close()
    return path


def test_tables_header_rows(read_path, tmp_path):
    result = read_path(make_db(tmp_path / "lab.db"))
    assert result.reader == "sqlite"
    # sqlite_sequence (AUTOINCREMENT) and the view are not tables of data
    assert [t.header for t in result.tables] == [
        ("id", "nom", "prenom", "nir", "email", "naissance", "poids"),
        ("patient", "texte", "piece"),
        ("a", "b"),
    ]
    assert result.tables[0].rows() == [
        ["1", "MARTIN", "Claire", NIR_A, EMAIL_A, "1985-03-12", "61.5"],
        ["2", "PETIT", "Marc", "295109912611193", EMAIL_B, "1995-10-01", "80"],
    ]
    # a BLOB holding UTF-8 text is read; a binary one (a PNG signature) is skipped and counted
    assert result.tables[1].rows() == [
        ["1", None, f"Rappeler Claire Martin au {EMAIL_A}"],
        ["2", "RAS", None],
    ]
    assert result.tables[2].rows() == []
    assert result.stats["rows"] == 4
    assert result.stats["columns"] == 7
    assert result.stats["binary_cells"] == 1


def test_units_carry_table_names(tmp_path):
    path = make_db(tmp_path / "lab.sqlite")
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    sheets = []
    for unit in SqliteReader().read(source, {}):
        sheets.append(unit.location.sheet)
        list(unit.batches)
    assert sheets == ["patients", 'notes "x"', "vide"]


def test_scan_finds_people_at_their_cells(tmp_path):
    path = make_db(tmp_path / "lab.db")
    result = sentinelle.scan([path])
    assert result.issues == []
    found = {(f.entity_type, f.location.sheet, f.location.row, f.location.column)
             for f in result.findings}
    assert {
        ("FR_NIR", "patients", 0, "nir"),
        ("FR_NIR", "patients", 1, "nir"),        # an INTEGER cell
        ("EMAIL_ADDRESS", "patients", 0, "email"),
        ("EMAIL_ADDRESS", "patients", 1, "email"),
        ("PERSON", "patients", 0, "nom"),
        ("EMAIL_ADDRESS", 'notes "x"', 0, "piece"),  # text in a BLOB
    } <= found


@pytest.mark.parametrize("n_rows, batch_rows, expected", [
    (5, 2, [(0, 2), (2, 2), (4, 1)]),
    (4, 2, [(0, 2), (2, 2)]),
    (3, 5000, [(0, 3)]),
])
def test_batches(read_path, tmp_path, n_rows, batch_rows, expected):
    path = tmp_path / "b.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id TEXT, n INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(f"id{i}", i) for i in range(n_rows)])
    con.commit()
    con.close()
    result = read_path(path, Config(batch_rows=batch_rows))
    [table] = result.tables
    assert [(first, len(cols[0])) for first, cols in table.batches] == expected
    assert table.rows() == [[f"id{i}", str(i)] for i in range(n_rows)]


def test_invalid_utf8_text_is_replaced(read_path, tmp_path):
    path = tmp_path / "bad.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (nom TEXT)")
    con.execute("INSERT INTO t VALUES (CAST(x'4dc3a9e96c' AS TEXT))")  # "Mé" then a cp1252 é
    con.commit()
    con.close()
    [table] = read_path(path).tables
    assert table.rows() == [["Mé\ufffdl"]]


@pytest.mark.parametrize("wal", [False, True])
def test_input_never_modified(read_path, tmp_path, wal):
    folder = tmp_path / "db"
    folder.mkdir()
    path = make_db(folder / "lab.db", wal=wal)
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
              for p in folder.iterdir()}
    read_path(path)
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
             for p in folder.iterdir()}
    assert after == before  # no journal, -wal or -shm file created, nothing written


def test_member_source_is_copied_and_removed(tmp_path, monkeypatch):
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    data = make_db(tmp_path / "lab.db").read_bytes()
    source = Source("a.zip!lab.db", len(data), lambda: io.BytesIO(data), None)
    names = []
    for unit in SqliteReader().read(source, {}):
        names.append((unit.location.path, unit.location.sheet))
        list(unit.batches)
    assert names == [("a.zip!lab.db", "patients"), ("a.zip!lab.db", 'notes "x"'),
                     ("a.zip!lab.db", "vide")]
    assert list(spool.iterdir()) == []


@pytest.mark.parametrize("name", ["lab.db", "lab.bin", "lab"])
def test_sniffing_by_content(tmp_path, name):
    path = make_db(tmp_path / name)
    assert pick_reader(path.read_bytes()[:65536], name, Config()).name == "sqlite"


def _big_db(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (texte TEXT)")
    con.executemany("INSERT INTO t VALUES (?)", [(f"ligne {i} " * 30,) for i in range(3000)])
    con.commit()
    con.close()
    return path.read_bytes()


def test_truncated_database(read_path, tmp_path):
    data = _big_db(tmp_path / "full.db")
    path = tmp_path / "cut.db"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason == "corrupt SQLite database: database disk image is malformed"
    # the header's page count is beyond the end of the file: found before any table is read
    assert info.value.position is None


def test_garbage_after_header(read_path, tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason.startswith("corrupt SQLite database: ")
    assert "\n" not in str(info.value)


def test_corrupt_page_inside_a_table(read_path, tmp_path):
    # one 4 KiB page of the table's b-tree overwritten: the schema reads, the table does not
    data = bytearray(_big_db(tmp_path / "full.db"))
    data[20 * 4096:21 * 4096] = b"\xab" * 4096
    path = tmp_path / "page.db"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason == "corrupt SQLite database: database disk image is malformed"
    assert info.value.position == "table t"
