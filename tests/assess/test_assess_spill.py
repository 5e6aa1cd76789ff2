"""`assess` keeps its person records on disk, not in memory (issue 5: 500,000 patients under
4 GB): the records go, batch by batch as they arrive, into a DuckDB database file in a private
temporary folder under a small memory limit (``SPILL_MEMORY_LIMIT``), linkage reads them from
there, and the folder is removed at the end, also after an error. Real DuckDB, real Arrow."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

import sentinelle.assess as A
from sentinelle.assess import assess_paths, assess_stored
from sentinelle.assess.records import RECORD_SCHEMA
from sentinelle.store import Store
from sentinelle.synth import generate

KEY = b"test-key-not-secret"
MIB = 1 << 20


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth_spill")
    generate(out, patients=80, labs=2, copies=1, seed=11)
    return out / "leak"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile's folder for the run: what the assessment leaves behind is visible."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def _limit(con) -> str:
    """DuckDB's memory_limit setting as it reads back."""
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _as_set(limit: str) -> str:
    """How DuckDB reads back ``SET memory_limit = limit`` (``'256MB'`` -> ``'244.1 MiB'``)."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{limit}'")
        return _limit(con)
    finally:
        con.close()


def _records(n: int, start: int = 0) -> pa.RecordBatch:
    """``n`` person records of :data:`RECORD_SCHEMA` with random hashes (the size of real
    ones: deletion neighbourhoods of 8 hashes per name part)."""
    rng = np.random.default_rng(start)
    cols = []
    for f in RECORD_SCHEMA:
        t = f.type
        if f.name == "rid":
            cols.append(pa.array(np.arange(start + 1, start + n + 1), pa.int64()))
        elif pa.types.is_list(t) and t.value_type == pa.int64():
            offsets = pa.array(np.arange(0, 8 * n + 1, 8, dtype=np.int32))
            cols.append(pa.ListArray.from_arrays(offsets, pa.array(rng.integers(-2**62, 2**62, 8 * n))))
        elif t == pa.int64():
            cols.append(pa.array(rng.integers(-2**62, 2**62, n), pa.int64()))
        elif t == pa.int32():
            cols.append(pa.array(np.zeros(n, dtype=np.int32)))
        elif t == pa.bool_():
            cols.append(pa.array(np.zeros(n, dtype=bool)))
        elif f.name == "role":
            cols.append(pa.array(["patient"] * n))
        else:
            cols.append(pa.nulls(n, t))
    return pa.RecordBatch.from_arrays(cols, schema=RECORD_SCHEMA)


def test_records_are_appended_as_they_arrive_under_the_spill_limit(leak, private_tmp,
                                                                   monkeypatch):
    seen = []  # (memory limit, records table rows, the database file exists) at each batch
    limits = {}
    add = A._Work.add_batch
    linkage = A._Work.linkage

    def spy_add(self, batch):
        add(self, batch)
        rows = self.con.execute("SELECT count(*) FROM records").fetchall()[0][0]
        seen.append((_limit(self.con), rows, (Path(self.dir) / "work.duckdb").is_file()))
        mode = stat.S_IMODE(os.stat(self.dir).st_mode)
        limits["dir_mode"] = mode

    def spy_linkage(self):
        linkage(self)
        limits["linkage"] = _limit(self.con)

    monkeypatch.setattr(A._Work, "add_batch", spy_add)
    monkeypatch.setattr(A._Work, "linkage", spy_linkage)
    doc = assess_paths([leak], key=KEY)
    assert len(seen) >= 2                                   # several batches, not one at the end
    assert all(limit == _as_set("256MB") for limit, _, _ in seen)  # SPILL_MEMORY_LIMIT
    assert all(on_disk for _, _, on_disk in seen)
    counts = [rows for _, rows, _ in seen]
    assert counts == sorted(counts) and counts[0] < counts[-1]  # the table grows batch by batch
    assert counts[-1] == doc["subjects"]["records"]          # every record came through it
    assert limits["linkage"] == _as_set("2GB")               # WORK_MEMORY_LIMIT
    assert limits["dir_mode"] == 0o700                       # private folder (mkdtemp)
    assert list(private_tmp.iterdir()) == []                 # removed at the end


def test_records_leave_memory_for_the_database_file(private_tmp, monkeypatch):
    # 400,000 records (~140 MiB in Arrow) under a 32 MB limit: DuckDB's memory stays near the
    # limit, the records are in the folder's files, and they all read back
    monkeypatch.setattr(A, "SPILL_MEMORY_LIMIT", "32MB")
    work = A._Work()
    try:
        arrow = 0
        for k in range(8):
            batch = _records(50_000, start=k * 50_000)
            arrow += batch.nbytes
            work.add_batch(batch)
            used = work.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()") \
                .fetchall()[0][0]
            assert used <= 48 * MIB, used          # the limit, plus DuckDB's own slack
        assert arrow > 4 * 32 * MIB               # four times the limit
        on_disk = sum(p.stat().st_size for p in Path(work.dir).rglob("*") if p.is_file())
        assert on_disk > 50 * MIB                  # the records are in the files, compressed
        got = work.con.execute("SELECT count(*), count(DISTINCT rid), min(rid), max(rid), "
                               "sum(len(fn_d)) FROM records").fetchall()[0]
        assert got == (400_000, 400_000, 1, 400_000, 8 * 400_000)
        work.linkage()
        assert _limit(work.con) == _as_set("2GB")
    finally:
        work.close()
    assert not Path(work.dir).exists()


def test_a_record_stream_is_read_once_into_the_database(private_tmp):
    # assess --scan-id streams the stored records: the reader is consumed once, batch by batch,
    # and the records are then read from the database, not from Python objects
    pulled = []

    def batches():
        for k in range(5):
            pulled.append(k)
            yield _records(1_000, start=k * 1_000)

    reader = pa.RecordBatchReader.from_batches(RECORD_SCHEMA, batches())
    work = A._Work()
    try:
        work.add_reader(reader)
        assert pulled == [0, 1, 2, 3, 4]
        with pytest.raises(Exception):  # one-shot: nothing to read again
            reader.read_next_batch()
        assert work.con.execute("SELECT count(*), max(rid) FROM records").fetchall()[0] == \
            (5_000, 5_000)
    finally:
        work.close()
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("where", [
    "_document",  # linkage or a query fails after the records are in
    "add_batch",  # the scan fails while records arrive
])
def test_the_private_folder_goes_after_an_error(leak, private_tmp, monkeypatch, where):
    made = []
    init = A._Work.__init__

    def spy_init(self):
        init(self)
        made.append(self.dir)

    def boom(*_a, **_k):
        assert any(Path(made[0]).iterdir())  # the folder existed, with the database in it
        raise RuntimeError("boom")

    monkeypatch.setattr(A._Work, "__init__", spy_init)
    if where == "_document":
        monkeypatch.setattr(A, "_document", boom)
    else:
        monkeypatch.setattr(A._Work, "add_batch", boom)
    with pytest.raises(RuntimeError, match="boom"):
        assess_paths([leak], key=KEY)
    assert made and not Path(made[0]).exists()
    assert list(private_tmp.iterdir()) == []


def test_assess_from_the_store_spills_too_and_gives_the_same_persons(leak, private_tmp,
                                                                     tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        before = (_limit(store.con), store.con.execute(
            "SELECT current_setting('temp_directory')").fetchall()[0][0])
        first = assess_paths([leak], key=KEY, store=store, tool_version="test")
        # the store's records were written under the spill limit, then its settings restored
        after = (_limit(store.con), store.con.execute(
            "SELECT current_setting('temp_directory')").fetchall()[0][0])
        assert after[1] == before[1]
        assert after[0] != _as_set("256MB")
    assert not (tmp_path / "s.duckdb.tmp").exists()  # no spill folder left next to the store
    limits = []
    add_reader = A._Work.add_reader

    def spy(self, reader):
        limits.append(_limit(self.con))
        add_reader(self, reader)

    monkeypatch.setattr(A._Work, "add_reader", spy)
    with Store(db) as store:
        again = assess_stored(store, first["scan_id"], key=KEY, tool_version="test")
    assert limits == [_as_set("256MB")]
    assert again["subjects"] == first["subjects"]
    assert [p for p in private_tmp.iterdir() if p.name.startswith("sentinelle-assess-")] == []
    # nothing raw in the store's records: hashes (integers) and generalisations only
    con = duckdb.connect(str(db), read_only=True)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'assess_records'").fetchall())
    finally:
        con.close()
    assert {c for c, t in types.items() if t == "VARCHAR"} == {"kind", "role", "dept"}
    json.dumps(again)  # a plain document
