"""Big delimited files cut into byte ranges on record boundaries for the ``--jobs`` workers
(issue 6, "large files split into chunks on record boundaries; results merged
deterministically"): same findings, same order, same report as one process; row numbers stay
the file's; files a range would read differently are not cut.

Test data is synthetic: NIRs get their key by the rule of the NIR (key = 97 - number mod 97,
decree 82-103 / INSEE), e-mail addresses are at example.org (RFC 2606).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import sentinelle.scanner as scanner
from sentinelle.config import Config
from sentinelle.scanner import record_ranges, scan


def nir(i: int) -> str:
    body = f"2900175056{i % 999 + 1:03d}"
    return body + f"{97 - int(body) % 97:02d}"


def table(n: int, bom: bool = False) -> str:
    rows = ["\ufeff" if bom else "", "id,nir,email,note\n"]
    for i in range(n):
        # every 7th row a quoted cell with line ends (one right after a batch's last row too)
        note = '"suivi\nrappel, ligne 2\n"' if i % 7 == 0 or i % 10 == 9 else "ras"
        rows.append(f"{i},{nir(i)},p{i}@example.org,{note}\n")
    return "".join(rows)


CONFIG = Config(chunk_bytes=4000, batch_rows=10)


def _key(result):
    return ([(f.location.path, f.location.row, f.location.column, f.start, f.end,
              f.entity_type, f.score, f.value) for f in result.findings], result.files)


@pytest.fixture()
def forkserver(monkeypatch):
    # this test process has used Polars: workers must start clean (see _start_method)
    monkeypatch.setattr(scanner, "_start_method", lambda: "forkserver")


def _head(p: Path) -> bytes:
    return p.read_bytes()[:65536]


def test_ranges_on_record_boundaries(tmp_path: Path):
    p = tmp_path / "t.csv"
    p.write_text(table(95), encoding="utf-8")
    got = record_ranges(p, _head(p), "t.csv", batch_rows=10, target=1000)
    data = p.read_bytes()
    assert got is not None and got.rows == 95
    assert got.header_end == len(b"id,nir,email,note\n")
    assert got.chars == len(data.decode("utf-8"))
    assert got.ranges[0][0] == got.header_end and got.ranges[-1][1] == len(data)
    total = 0
    for (start, end, row0), nxt in zip(got.ranges, got.ranges[1:] + [None]):
        assert row0 == total and row0 % 10 == 0
        if nxt is not None:
            assert end == nxt[0] and end - start >= 1000
        rows = list(csv.reader(io.StringIO(data[start:end].decode("utf-8"))))
        # whole records only: the first cell of each is its data row number
        assert [int(r[0]) for r in rows] == list(range(row0, row0 + len(rows)))
        total += len(rows)
    assert total == 95 and len(got.ranges) >= 3


@pytest.mark.parametrize("content", [
    "a,b,c\n1,2,3\n4,5\n" * 200,                      # ragged rows
    "a,b,c\n1,2,3\n".replace("\n", "\r") * 300,       # lone CR line ends
])
def test_not_cut_when_a_range_would_read_otherwise(tmp_path: Path, content: str):
    p = tmp_path / "t.csv"
    p.write_text(content, encoding="utf-8")
    assert record_ranges(p, _head(p), "t.csv", batch_rows=10, target=100) is None


def test_not_cut_invalid_utf8(tmp_path: Path):
    p = tmp_path / "t.csv"
    # an ASCII head, then a cp1252 byte (0xE9, "é"): the reader switches encoding there
    p.write_bytes(("a,b\n" + "1,2\n" * 20000).encode() + b"3,caf\xe9\n")
    assert record_ranges(p, _head(p), "t.csv", batch_rows=10, target=100) is None


@pytest.mark.parametrize("bom", [False, True])
def test_jobs_same_findings_and_rows(tmp_path: Path, forkserver, bom: bool):
    d = tmp_path / "leak"
    d.mkdir()
    (d / "big.csv").write_text(table(120, bom=bom), encoding="utf-8")
    (d / "small.csv").write_text("nir\n" + nir(5) + "\n", encoding="utf-8")
    planned = scanner._Parallel.__new__(scanner._Parallel)
    planned.config = CONFIG
    slots = planned._ranges("big.csv", d / "big.csv", (d / "big.csv").stat().st_size)
    assert slots is not None and len(slots) >= 4  # 3 ranges or more, then the report
    one = scan(d, CONFIG, jobs=1)
    two = scan(d, CONFIG, jobs=2)
    assert _key(one) == _key(two)
    rows = sorted(f.location.row for f in two.findings
                  if f.location.path == "big.csv" and f.entity_type == "FR_NIR")
    assert rows == list(range(120))  # data row i holds nir(i), in every range
    by_row = {f.location.row: f.value for f in two.findings
              if f.location.path == "big.csv" and f.entity_type == "FR_NIR"}
    assert by_row[57] == nir(57) and by_row[119] == nir(119)
    report = next(f for f in two.files if f.path == "big.csv")
    assert report.rows == 120 and report.columns == 4
    assert report.encoding == ("utf-8-sig" if bom else "utf-8")
    assert report.issue is None
