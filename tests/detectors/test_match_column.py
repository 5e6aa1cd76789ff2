"""Generic contract of :meth:`Detector.match_column` (issue 6, columnar fast path).

For every registered detector and both ``header_hit`` values, row ``i`` of
``match_column(Series(values), header_hit)`` must equal ``match_cell(values[i], header_hit)``
field by field (``None`` -> ``start`` null). Detector owners override ``match_column`` with Polars
expressions; this test is what keeps the override honest. Values checked:

* the detector's own examples: each positive text, its expected substring (and the substring with
  surrounding blanks, since cells are not stripped), each negative text;
* junk strings (digits, separators, latin-1 bytes, control characters, long runs);
* real columns: the first 120 rows of every column of
  ../shared/corpus/people_tables/FakeNameGenerator.com_3000.csv (names, addresses, e-mails,
  phone numbers, dates, card numbers in Excel float notation, ...);
* the cells of a small synthetic lab leak (``sentinelle.synth.generate``, 30 patients, seed 11):
  the French table columns the fast path is built for (NIR, phones, dates, doctors, insurers).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import polars as pl
import pytest

from sentinelle.detectors import build
from sentinelle.detectors.base import Detector, column_schema
from tests.conftest import shared_dir

DETECTORS = build()
IDS = [d.name for d in DETECTORS]


PEOPLE_CSV = shared_dir() / "corpus" / "people_tables" / "FakeNameGenerator.com_3000.csv"


def _junk() -> list[str]:
    rnd = random.Random(6)
    digits = ["".join(rnd.choice("0123456789") for _ in range(n)) for n in (1, 5, 9, 10, 13, 14, 15, 20, 40)]
    seps = ["".join(rnd.choice("0123456789 .-+@()/:;,AaBbOoRh") for _ in range(n)) for n in (3, 12, 30, 80)]
    latin = bytes(rnd.randrange(32, 256) for _ in range(60)).decode("latin-1")
    return [*digits, *seps, latin, "+", "@", "@@@@", "-", "0", "00 00 00 00 00", "\x00abc", "é",
            "\u00a0", " x ", "N/A", "NULL", "--", "1.5", "12,3 g/L", "A+", "O-", "a" * 300,
            "Dr", "M.", "\u0130stanbul", "ǅ", "ﬁn", "\U0001F600", "1" * 100, "2024-13-45",
            "31/02/2020", "https://", "x@y", "75", "750", "75001", "FR76", "   75001   "]


def _example_values(det: Detector) -> list[str]:
    out: list[str] = []
    for text, expected in det.examples.positives:
        out += [text, expected, f" {expected} ", f"{expected}\t"]
    out += list(det.examples.negatives)
    return out


def _people_values() -> list[str]:
    with PEOPLE_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:121]
    return [cell for row in rows for cell in row]


def _synth_values(tmp: Path) -> list[str]:
    from sentinelle.synth import generate

    generate(tmp, patients=30, labs=2, copies=0, seed=11, workers=1)
    out: list[str] = []
    for path in sorted((tmp / "leak").rglob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;|\t")
            except csv.Error:
                dialect = csv.excel
            for k, row in enumerate(csv.reader(fh, dialect)):
                if k > 80:
                    break
                out += row
    assert out, "the synthetic leak has no CSV table"
    return out


def _distinct_cells(values) -> list[str]:
    """What the pipeline gives match_column: distinct, non-blank, not stripped, first-seen order."""
    return list(dict.fromkeys(v for v in values if v and not v.isspace()))


@pytest.fixture(scope="module")
def corpus_values(tmp_path_factory) -> list[str]:
    return _distinct_cells(_people_values() + _synth_values(tmp_path_factory.mktemp("synth")))


def _expected(det: Detector, value: str, header_hit: bool) -> dict:
    m = det.match_cell(value, header_hit)
    if m is None:
        return {"start": None}
    return {"start": m.start, "end": m.end, "score": m.score, "validation": m.validation.value,
            "pattern": m.pattern, "normalized": m.normalized, "entity": m.entity}


def _check(det: Detector, values: list[str], header_hit: bool) -> None:
    values = _distinct_cells(values)
    got = det.match_column(pl.Series("v", values, dtype=pl.Utf8), header_hit)
    assert isinstance(got, pl.DataFrame)
    assert dict(got.schema) == column_schema(), f"{det.name}: schema {got.schema}"
    assert got.height == len(values), f"{det.name}: {got.height} rows for {len(values)} values"
    bad = []
    for value, row in zip(values, got.iter_rows(named=True)):
        want = _expected(det, value, header_hit)
        have = row if row["start"] is not None else {"start": None}
        if have != want:
            bad.append((value, want, have))
    assert bad == [], f"{det.name} (header_hit={header_hit}): {len(bad)} rows differ, first {bad[:3]}"


@pytest.mark.parametrize("header_hit", [True, False], ids=["header", "no_header"])
@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_examples_and_junk(det, header_hit):
    # the detector's own positives/negatives, then strings no column should hold
    _check(det, _example_values(det) + _junk(), header_hit)


@pytest.mark.parametrize("header_hit", [True, False], ids=["header", "no_header"])
@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_corpus_columns(det, header_hit, corpus_values):
    # real table cells: FakeNameGenerator people table and a synthetic French lab leak
    _check(det, corpus_values, header_hit)


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_empty_series(det):
    # a batch whose values are all cached gives an empty call: zero rows, same schema
    got = det.match_column(pl.Series("v", [], dtype=pl.Utf8), True)
    assert got.height == 0
    assert dict(got.schema) == column_schema()
