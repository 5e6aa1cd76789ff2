"""The DuckDB store: a real database file, hashes and masks only."""

from __future__ import annotations

import duckdb
import pytest

from sentinelle.errors import StoreError
from sentinelle.finding import Evidence, Finding, Location, Validation
from sentinelle.privacy import KeyedHasher
from sentinelle.scanner import FileReport
from sentinelle.store import Store

NIR = "2 85 07 2A 004 123 38"  # synthetic, valid key (../shared/cases pb-016)


def test_roundtrip_no_raw_value(tmp_path):
    db = tmp_path / "s.duckdb"
    h = KeyedHasher(b"k")
    f = Finding("FR_NIR", 4, 25, 1.0, Location("r.txt"), Validation.VALID, Evidence("fr.nir"),
                value=NIR, normalized="285072A00412338")
    with Store(db) as s:
        s.begin_scan(["x"], "0.1.0")
        s.add_findings([f.to_record(h)])
        s.add_source(FileReport("r.txt", "text", 30, chars=30, counts=(("FR_NIR", 1),)))
        s.end_scan(1, 1, 0)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute('SELECT path, entity_type, start, "end", masked, value_hash FROM findings').fetchall()
    assert rows == [("r.txt", "FR_NIR", 4, 25, "2 ** ** ** *** *** 38", h.hash("FR_NIR", "285072A00412338"))]
    assert con.execute("SELECT findings, files FROM scans").fetchall() == [(1, 1)]
    con.close()
    raw = db.read_bytes()
    assert b"285072A00412338" not in raw and NIR.encode() not in raw


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a duckdb file" * 100)
    with pytest.raises(StoreError, match="bad.duckdb"):
        Store(bad)
