"""The per-value memo of the column-wise record builder (issue 5, speed at 500,000 patients):
a look-up costs the batch's distinct keys, not the memo's size; hash collisions are misses;
the memo and the keyed-hash cache are bounded. Values are synthetic."""

from __future__ import annotations

import numpy as np
import polars as pl

import sentinelle.assess.records as R
from sentinelle.assess.records import RecordBuilder


def _builder() -> RecordBuilder:
    return RecordBuilder(b"test-key", lambda _batch: None)


def _lengths(calls: list):
    def fn(entity, value):
        calls.append(value)
        return (len(value) * 10 + (entity == "PERSON"),)
    return fn


def _df(values, entity="PERSON"):
    return pl.DataFrame({"entity_type": [entity] * len(values), "norm": values})


def test_each_distinct_value_computed_once_across_batches():
    b = _builder()
    calls: list = []
    df = _df(["ab", "abc", "ab", "zz"]).with_columns(
        pl.Series("entity_type", ["PERSON", "PERSON", "PERSON", None]))
    out1 = b._map(df, ["entity_type", "norm"], {"h": pl.Int64}, _lengths(calls), "h")
    # len("ab") * 10 + 1 = 21, len("abc") * 10 + 1 = 31; a null first key: null, no call
    assert out1["h"].to_list() == [21, 31, 21, None]
    out2 = b._map(_df(["abc", "wxyz", "ab"]), ["entity_type", "norm"], {"h": pl.Int64},
                  _lengths(calls), "h")
    assert out2["h"].to_list() == [31, 41, 21]
    out3 = b._map(_df(["abc"], entity="EMAIL_ADDRESS"), ["entity_type", "norm"],
                  {"h": pl.Int64}, _lengths(calls), "h")
    assert out3["h"].to_list() == [30]  # another entity: another key
    assert calls == ["ab", "abc", "wxyz", "abc"]


def test_row_order_and_other_columns_kept():
    b = _builder()
    df = _df(["c", "a", "b", "a"]).with_columns(pl.Series("i", [7, 8, 9, 10]))
    b._map(df.head(2), ["entity_type", "norm"], {"h": pl.Int64}, _lengths([]), "h")
    out = b._map(df, ["entity_type", "norm"], {"h": pl.Int64}, _lengths([]), "h")
    assert out["i"].to_list() == [7, 8, 9, 10]
    assert out["norm"].to_list() == ["c", "a", "b", "a"]
    assert out["h"].to_list() == [11, 11, 11, 11]


def test_hash_collision_is_a_miss():
    b = _builder()
    calls: list = []
    b._map(_df(["aaaa"]), ["entity_type", "norm"], {"h": pl.Int64}, _lengths(calls), "h")
    memo = b._memo["h"]
    # pretend "bb" has the 64-bit row hash of "aaaa": the stored key differs, so no hit
    h_bb = _df(["bb"]).hash_rows(seed=0).to_numpy()
    memo.hashes = h_bb.astype(np.uint64)
    out = b._map(_df(["bb"]), ["entity_type", "norm"], {"h": pl.Int64}, _lengths(calls), "h")
    assert out["h"].to_list() == [21]
    assert calls == ["aaaa", "bb"]


def test_memo_bounded(monkeypatch):
    monkeypatch.setattr(R, "_MEMO_ROWS", 3)
    b = _builder()
    calls: list = []
    fn = _lengths(calls)
    b._map(_df(["a", "bb"]), ["entity_type", "norm"], {"h": pl.Int64}, fn, "h")
    out = b._map(_df(["a", "ccc", "dddd"]), ["entity_type", "norm"], {"h": pl.Int64}, fn, "h")
    assert out["h"].to_list() == [11, 31, 41]
    memo = b._memo["h"]
    assert memo.table.height <= 3 and memo.hashes.size == memo.table.height
    out = b._map(_df(["dddd", "a"]), ["entity_type", "norm"], {"h": pl.Int64}, fn, "h")
    assert out["h"].to_list() == [41, 11]
    # 2 + 2 new; then the memo (2 rows + 2 new > 3) restarted from "ccc", "dddd": "a" again
    assert calls == ["a", "bb", "ccc", "dddd", "a"]


def test_list_results_through_the_memo():
    b = _builder()
    fn = lambda v: ([len(v), len(v) + 1],)  # noqa: E731
    df = pl.DataFrame({"v": ["ab", "c"]})
    b._map(df, ["v"], {"d": pl.List(pl.Int64)}, fn, "d")
    out = b._map(pl.DataFrame({"v": ["c", "xyz", "ab"]}), ["v"], {"d": pl.List(pl.Int64)}, fn,
                 "d")
    assert out["d"].to_list() == [[1, 2], [3, 4], [2, 3]]


def test_keyed_hash_cache_bounded(monkeypatch):
    monkeypatch.setattr(R, "_CACHE_ENTRIES", 2)
    b = _builder()
    hashes = [b._value_h("PERSON", v, None) for v in ("a", "b", "c", "d")]
    assert len(b._cache) <= 2
    assert hashes == [b.keyed.h64("PERSON", v) for v in ("a", "b", "c", "d")]
