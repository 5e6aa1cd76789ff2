"""Columnar findings (issue 6): :class:`FindingBatch` and its public records.

The reference is the per-finding path that predates it: ``Finding.to_record(hasher)`` and
``json.dumps(record, ensure_ascii=False)``. A batch must give the same records, the same JSONL
bytes (key order included), iterate back to equal findings, and the columnar table path of the
pipeline must give the findings of the cell-by-cell path (``Pipeline._analyze_cells``, the one
kept for subclasses overriding ``analyze_text``) on a synthetic lab leak.

Values are synthetic: the NIR is the detector's own example (cases pb-016), the others are
made up (names, a phone number in a 06 mobile range, strings chosen for JSON escaping).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import (RECORD_FIELDS, Evidence, Finding, FindingBatch, Location,
                                Validation, records_jsonl)
from sentinelle.pipeline import Pipeline
from sentinelle.privacy import KeyedHasher
from sentinelle.readers.base import TableBatch, TableUnit
from sentinelle.store import Store

HASHER = KeyedHasher(b"test-key-not-secret")


def _f(value, entity="PERSON", row=0, column="nom", path="a/b.csv", sheet=None, page=None,
       start=0, score=0.8, validation=Validation.NONE, normalized="", ctx=(), pattern=None,
       header=None):
    return Finding(entity, start, start + len(value), score,
                   Location(path, row, column, sheet, page), validation,
                   Evidence("det", pattern, ctx, header), value, normalized)


FINDINGS = [
    # a table cell: header evidence, normalized value given
    _f("2 85 07 2A 004 123 38", "FR_NIR", row=3, column="NIR", score=1.0,
       validation=Validation.VALID, normalized="285072A00412338", pattern="nir", header="NIR"),
    # the same value again (hash and mask computed once, given to both rows)
    _f("2 85 07 2A 004 123 38", "FR_NIR", row=4, column="NIR", score=1.0,
       validation=Validation.VALID, normalized="285072A00412338", pattern="nir", header="NIR"),
    # same raw value under another entity: another hash (the label is in the MAC)
    _f("Dupont", "PERSON", row=4, column="nom"),
    _f("Dupont", "LOCATION", row=4, column="ville"),
    # text finding: no row/column, a page, context words, a score needing rounding to 3 places
    _f("06 12 34 56 78", "PHONE_NUMBER", row=None, column=None, path="r.pdf", page=2, start=17,
       score=0.81234, ctx=("tel", "portable")),
    # JSON escaping in path, column, sheet and masked value: quote, backslash, tab, non-ASCII
    _f('Zoé "la" D\\x\t', "PERSON", row=9, column='col "1"\\', path='dir\\é "x".xlsx',
       sheet="Feuil\t1"),
    # a control character and U+2028 (json.dumps keeps U+2028 as is with ensure_ascii=False)
    _f("a\x01b\u2028c", "PERSON", row=10, column="c"),
    # e-mail and credential masking rules, score exactly representable or not
    _f("marc.petit@example.org", "EMAIL_ADDRESS", row=11, column="mail", score=0.95),
    _f("hunter2", "CREDENTIAL", row=11, column="pwd", score=0.3, validation=Validation.INVALID),
]


def _reference_jsonl(findings) -> str:
    return "".join(json.dumps(f.to_record(HASHER), ensure_ascii=False) + "\n" for f in findings)


def test_records_equal_to_record():
    batch = FindingBatch.from_findings(FINDINGS)
    table = batch.records(HASHER)
    assert tuple(table.column_names) == RECORD_FIELDS
    assert table.to_pylist() == [f.to_record(HASHER) for f in FINDINGS]


def test_jsonl_bytes_equal_json_dumps():
    got = records_jsonl(FindingBatch.from_findings(FINDINGS).records(HASHER))
    assert got == _reference_jsonl(FINDINGS)
    assert list(json.loads(got.splitlines()[0])) == list(RECORD_FIELDS)   # key order


def test_empty_batch():
    batch = FindingBatch.from_findings([])
    assert len(batch) == 0 and not batch and list(batch) == []
    assert records_jsonl(batch.records(HASHER)) == ""


def test_iterates_back_to_equal_findings():
    batch = FindingBatch.from_findings(FINDINGS)
    back = list(batch)
    assert len(batch) == len(FINDINGS)
    assert back == FINDINGS                                   # dataclass equality
    assert [(f.value, f.normalized) for f in back] == [(f.value, f.normalized) for f in FINDINGS]
    assert batch.entity_counts() == {"FR_NIR": 2, "PERSON": 3, "LOCATION": 1, "PHONE_NUMBER": 1,
                                     "EMAIL_ADDRESS": 1, "CREDENTIAL": 1}


def test_no_raw_value_in_repr_or_records():
    batch = FindingBatch.from_findings(FINDINGS)
    assert "Dupont" not in repr(batch)
    text = records_jsonl(batch.records(HASHER))
    assert "Dupont" not in text and "285072A00412338" not in text and "hunter2" not in text


def test_store_takes_the_arrow_records(tmp_path):
    # the records table goes into DuckDB as is; a list of dicts still works beside it
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.begin_scan(["x"], "test")
        store.add_findings(FindingBatch.from_findings(FINDINGS[:5]).records(HASHER))
        store.add_findings([f.to_record(HASHER) for f in FINDINGS[5:]])
        store.end_scan(len(FINDINGS), 1, 0)
    con = duckdb.connect(str(db), read_only=True)
    # the store keeps the record fields but the file's schema_version (one per file)
    fields = [c for c in RECORD_FIELDS if c != "schema_version"]
    cols = ", ".join(f'"{c}"' for c in fields)
    rows = con.execute(f"SELECT {cols} FROM findings ORDER BY \"row\" NULLS FIRST, \"column\"").fetchall()
    con.close()
    row, column = fields.index("row"), fields.index("column")
    want = sorted((tuple(f.to_record(HASHER)[c] for c in fields) for f in FINDINGS),
                  key=lambda r: (r[row] is not None, r[row] or 0, r[column] or ""))
    assert rows == want


# -- the columnar table path against the cell-by-cell one ----------------------------------

class _CellByCell(Pipeline):
    """Overrides analyze_text (unchanged behaviour): the pipeline then takes the cell path."""

    def analyze_text(self, text, location, offset=0):
        return super().analyze_text(text, location, offset)


def _key(f):
    return (f.location, f.entity_type, f.start, f.end, f.score, f.validation, f.evidence,
            f.value, f.normalized)


@pytest.fixture(scope="module")
def lab_tables(tmp_path_factory) -> list[tuple[str, list[list[str]]]]:
    from sentinelle.synth import generate

    out = tmp_path_factory.mktemp("lab")
    generate(out, patients=60, labs=2, copies=0, seed=23, workers=1)
    tables = []
    for path in sorted((out / "leak").rglob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;|\t")
            rows = list(csv.reader(fh, dialect))
        tables.append((path.name, rows))
    assert tables
    return tables


def _unit(name, rows, batch_rows):
    header = tuple(rows[0])
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:]]

    def batches():
        for s in range(0, len(body), batch_rows):
            part = body[s:s + batch_rows]
            yield TableBatch(s, [list(c) for c in zip(*part)])
    return TableUnit(Location(name), header, batches())


@pytest.mark.parametrize("batch_rows", [7, 1000])   # small batches: the cache crosses batches
def test_columnar_equals_cell_by_cell(lab_tables, batch_rows):
    detectors = build()
    fast, slow = Pipeline(detectors, Config()), _CellByCell(detectors, Config())
    n = 0
    for name, rows in lab_tables:
        got = [f for b in fast.analyze_table(_unit(name, rows, batch_rows)) for f in b]
        want = [f for b in slow.analyze_table(_unit(name, rows, batch_rows)) for f in b]
        assert [_key(f) for f in got] == [_key(f) for f in want], name
        n += len(got)
    assert n > 100   # the leak holds many findings: the comparison is not vacuous


def test_table_batches_are_finding_batches(lab_tables):
    name, rows = lab_tables[0]
    batches = list(Pipeline(build(), Config()).analyze_table(_unit(name, rows, 1000)))
    assert batches and all(isinstance(b, FindingBatch) for b in batches)


def test_records_of_a_table_in_several_chunks():
    # a batch table made of several Arrow chunks (as pa.concat_tables gives) has the records
    # and JSONL bytes of its findings in order
    import pyarrow as pa

    from sentinelle.finding import records_jsonl_bytes

    parts = [FindingBatch.from_findings(FINDINGS[:4]).table,
             FindingBatch.from_findings(FINDINGS[4:]).table]
    batch = FindingBatch(pa.concat_tables(parts))
    assert batch.table.column("value").num_chunks == 2
    records = batch.records(HASHER)
    assert records.to_pylist() == [f.to_record(HASHER) for f in FINDINGS]
    assert records_jsonl_bytes(records) == _reference_jsonl(FINDINGS).encode("utf-8")
    assert records_jsonl(records.slice(1, 2)) == _reference_jsonl(FINDINGS[1:3])


@pytest.mark.parametrize("batch_rows", [7, 1000])
def test_table_batch_records_per_hit_equal_per_finding(lab_tables, batch_rows):
    # the table path hands its hits to the batch (masked and hashed once per hit, issue 6);
    # the records must be those of Finding.to_record, finding by finding, as without them
    from sentinelle.finding import records_jsonl_bytes

    pipeline = Pipeline(build(), Config())
    seen = 0
    for name, rows in lab_tables:
        for batch in pipeline.analyze_table(_unit(name, rows, batch_rows)):
            if not batch:
                continue
            assert batch._hits is not None   # the per-hit path is the one under test
            want = [f.to_record(HASHER) for f in batch]
            records = batch.records(HASHER)
            assert records.to_pylist() == want, name
            assert records_jsonl_bytes(records) == "".join(
                json.dumps(r, ensure_ascii=False) + "\n" for r in want).encode("utf-8")
            assert FindingBatch(batch.table).records(HASHER).equals(records)
            seen += len(batch)
    assert seen > 100
