"""ParquetReader and ArrowReader: files written by pyarrow at test time (Parquet, Feather v2,
Arrow IPC file and stream); nested columns, typed values, batching, errors, the scan on them.

Test people are synthetic: NIRs with valid keys (key = 97 - first 13 digits mod 97, 2A read as
19, hand-checked), e-mail addresses under example.org (RFC 2606).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source
from sentinelle.readers.columnar import ParquetReader

NIR_A = "285072A00412338"      # ../shared/cases pb-016
NIR_B = 295109912611193        # python-stdnum's docstring NIR, as an integer column
EMAIL_A = "claire.martin@example.org"
EMAIL_B = "marc.petit@example.org"

PEOPLE = pa.table({
    "nom": ["MARTIN", "PETIT"],
    "nir": [NIR_A, None],
    "nir_num": pa.array([None, NIR_B], pa.int64()),
    "naissance": pa.array([dt.date(1985, 3, 12), dt.date(1995, 10, 1)], pa.date32()),
    "contact": pa.array([{"email": EMAIL_A, "tel": {"fixe": "04 65 71 12 34"}},
                         {"email": EMAIL_B, "tel": None}]),
})
HEADER = ("nom", "nir", "nir_num", "naissance", "contact.email", "contact.tel.fixe")
ROWS = [
    ["MARTIN", NIR_A, None, "1985-03-12", EMAIL_A, "04 65 71 12 34"],
    ["PETIT", None, "295109912611193", "1995-10-01", EMAIL_B, None],  # a null struct: None
]


def write_parquet(path: Path, table: pa.Table, **kw) -> Path:
    pq.write_table(table, path, **kw)
    return path


def write_feather(path: Path, table: pa.Table, **kw) -> Path:
    feather.write_feather(table, path, **kw)  # Feather v2 = Arrow IPC file format
    return path


def write_ipc_file(path: Path, table: pa.Table, max_chunksize: int | None = None) -> Path:
    with ipc.new_file(path, table.schema) as writer:
        writer.write_table(table, max_chunksize=max_chunksize)
    return path


def write_ipc_stream(path: Path, table: pa.Table, max_chunksize: int | None = None) -> Path:
    with ipc.new_stream(path, table.schema) as writer:
        writer.write_table(table, max_chunksize=max_chunksize)
    return path


FORMATS = [  # (writer, file name, reader name)
    (write_parquet, "people.parquet", "parquet"),
    (write_feather, "people.feather", "arrow"),
    (write_ipc_file, "people.arrow", "arrow"),
    (write_ipc_stream, "people.arrows", "arrow"),
]


@pytest.mark.parametrize("write, name, reader", FORMATS)
def test_header_rows_stats(read_path, tmp_path, write, name, reader):
    result = read_path(write(tmp_path / name, PEOPLE))
    assert result.reader == reader
    [table] = result.tables
    assert table.header == HEADER
    assert table.rows() == ROWS
    assert (result.stats["rows"], result.stats["columns"]) == (2, 6)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """One scan of the people table in the four formats (a scan builds every detector)."""
    folder = tmp_path_factory.mktemp("columnar")
    for write, name, _ in FORMATS:
        write(folder / name, PEOPLE)
    with pytest.MonkeyPatch.context() as mp:  # never the user's real key
        mp.setenv("SENTINELLE_KEY", "test-key-not-secret")
        mp.setenv("XDG_CONFIG_HOME", str(folder / "xdg"))
        return sentinelle.scan([folder])


@pytest.mark.parametrize("write, name, reader", FORMATS)
def test_scan_finds_people_at_their_cells(scanned, write, name, reader):
    assert scanned.issues == []
    found = {(f.entity_type, f.location.sheet, f.location.row, f.location.column)
             for f in scanned.findings if f.location.path == name}
    assert {
        ("FR_NIR", None, 0, "nir"),
        ("FR_NIR", None, 1, "nir_num"),            # an integer column
        ("EMAIL_ADDRESS", None, 0, "contact.email"),  # a nested struct field
        ("EMAIL_ADDRESS", None, 1, "contact.email"),
        ("PERSON", None, 0, "nom"),
    } <= found


@pytest.mark.parametrize("array, expected", [
    (pa.array([42, None], pa.int32()), ["42", None]),
    (pa.array([3.0, 3.5]), ["3", "3.5"]),                       # a whole float: no ".0"
    (pa.array([float("nan"), 75011.0]), [None, "75011"]),       # pandas' NaN is a missing cell
    (pa.array([True, False]), ["true", "false"]),
    (pa.array([Decimal("12.50"), None], pa.decimal128(5, 2)), ["12.50", None]),
    (pa.array([dt.datetime(2021, 3, 4, 10, 30), None], pa.timestamp("us")),
     ["2021-03-04 10:30:00", None]),
    (pa.array([dt.datetime(2021, 3, 4, 9, 30)], pa.timestamp("s", tz="UTC")),
     ["2021-03-04 09:30:00+00:00"]),
    (pa.array([dt.time(8, 15)], pa.time32("s")), ["08:15:00"]),
    (pa.array([["0465711234", "0465711235"], None]), ['["0465711234", "0465711235"]', None]),
    (pa.array([[("k", "v")]], pa.map_(pa.string(), pa.string())), ['[["k", "v"]]']),
    (pa.array([EMAIL_A.encode(), b"\xff\x00\xfe"], pa.binary()), [EMAIL_A, None]),  # not UTF-8
    (pa.array(["A", "B", "A"]).dictionary_encode(), ["A", "B", "A"]),
    (pa.array(["", "x"]), [None, "x"]),                          # an empty string is empty
])
def test_cell_text(read_path, tmp_path, array, expected):
    table = pa.table({"valeur": array})
    [parsed] = read_path(write_parquet(tmp_path / "v.parquet", table)).tables
    assert parsed.rows() == [[v] for v in expected]


@pytest.mark.parametrize("write, name, chunk", [
    (write_parquet, "b.parquet", {"row_group_size": 3}),   # row groups of 3
    (write_ipc_file, "b.arrow", {"max_chunksize": 3}),     # record batches of 3
    (write_ipc_stream, "b.arrows", {"max_chunksize": 1}),  # record batches of 1
])
def test_batches_regrouped_to_batch_rows(read_path, tmp_path, write, name, chunk):
    table = pa.table({"id": [f"id{i}" for i in range(10)], "n": list(range(10))})
    result = read_path(write(tmp_path / name, table, **chunk), Config(batch_rows=4))
    [parsed] = result.tables
    assert [(first, len(cols[0])) for first, cols in parsed.batches] == [(0, 4), (4, 4), (8, 2)]
    assert parsed.rows() == [[f"id{i}", str(i)] for i in range(10)]
    assert result.stats["rows"] == 10


def test_empty_table(read_path, tmp_path):
    table = pa.table({"nom": pa.array([], pa.string()), "nir": pa.array([], pa.string())})
    result = read_path(write_parquet(tmp_path / "e.parquet", table))
    [parsed] = result.tables
    assert parsed.header == ("nom", "nir") and parsed.rows() == []


@pytest.mark.parametrize("write, name, expected", [
    (write_parquet, "data.bin", "parquet"),     # magic bytes, whatever the suffix
    (write_parquet, "data.csv", "parquet"),
    (write_feather, "data", "arrow"),
    (write_ipc_stream, "data.bin", "arrow"),
])
def test_sniffing_by_content(tmp_path, write, name, expected):
    path = write(tmp_path / name, PEOPLE)
    reader = pick_reader(path.read_bytes()[:65536], name, Config())
    assert reader.name == expected


def test_member_source_is_copied_and_removed(tmp_path, monkeypatch):
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    data = write_parquet(tmp_path / "p.parquet", PEOPLE).read_bytes()
    source = Source("a.zip!p.parquet", len(data), lambda: io.BytesIO(data), None)
    units = []
    for unit in ParquetReader().read(source, {}):  # batches read before the next unit
        units.append((unit.header, [list(r) for b in unit.batches for r in zip(*b.columns)]))
    assert units == [(HEADER, ROWS)]
    assert list(spool.iterdir()) == []


def _cut(write, name):
    def build(tmp_path: Path) -> Path:
        big = pa.table({"texte": [f"ligne {i} " * 20 for i in range(2000)]})
        data = write(tmp_path / f"full_{name}", big).read_bytes()
        path = tmp_path / name
        path.write_bytes(data[: len(data) // 2])
        return path
    return build


def _encrypted_footer(tmp_path: Path) -> Path:
    # the PARE magic of Parquet modular encryption (pyarrow writes it only with a key service)
    data = write_parquet(tmp_path / "plain.parquet", PEOPLE).read_bytes()
    path = tmp_path / "enc.parquet"
    path.write_bytes(b"PARE" + data[4:-4] + b"PARE")
    return path


@pytest.mark.parametrize("build, reason", [
    (_cut(write_parquet, "cut.parquet"),
     "corrupt Parquet: Parquet magic bytes not found in footer. Either the file is corrupted or "
     "this is not a parquet file."),
    (_cut(write_feather, "cut.feather"), "corrupt Arrow IPC: Not an Arrow file"),
    (_encrypted_footer, "encrypted Parquet file"),
])
def test_read_errors(read_path, tmp_path, build, reason):
    with pytest.raises(ReadError) as info:
        read_path(build(tmp_path))
    assert info.value.reason == reason
    assert "\n" not in str(info.value)


def test_stream_cut_after_its_schema(read_path, tmp_path):
    # the schema and the first batches are good, the file stops in the middle of a batch
    table = pa.table({"texte": [f"ligne {i} " * 20 for i in range(2000)]})
    data = write_ipc_stream(tmp_path / "full.arrows", table, max_chunksize=100).read_bytes()
    path = tmp_path / "cut.arrows"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason.startswith("corrupt Arrow IPC: ")
    assert "\n" not in str(info.value)
