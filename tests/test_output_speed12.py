"""Session 12 (issue 6, output speed): ``KeyedHasher.hash_array`` and the grouped pieces of
``records_jsonl_bytes`` give the same values as the per-record reference.

Expected values: the HMAC reference is ``hmac.new(key, msg, hashlib.sha256).hexdigest()``
(RFC 2104, Python standard library); the JSON Lines reference is ``json.dumps(record,
ensure_ascii=False)`` of ``Finding.to_record`` per finding (the findings contract, README).
Data: synthetic values written for this test (no corpus data).
"""

import hashlib
import hmac
import json

import pyarrow as pa
import pytest

from sentinelle.finding import (Evidence, Finding, FindingBatch, Location, Validation,
                                records_jsonl_bytes)
from sentinelle.privacy import KeyedHasher

KEY = b"0123456789abcdef0123456789abcdef"


def _ref(msg: str) -> str:
    return hmac.new(KEY, msg.encode("utf-8"), hashlib.sha256).hexdigest()


def test_hash_array_matches_hmac_repeats_and_take():
    msgs = ["PERSON\x1fdupont", "PHONE\x1f0612345678", "PERSON\x1fdupont", "PERSON\x1fé\"\\x",
            "EMAIL_ADDRESS\x1f", "PERSON\x1fdupont"]
    h = KeyedHasher(KEY)
    out = h.hash_array(pa.array(msgs, pa.string()))
    assert out.type == pa.large_string()
    assert out.to_pylist() == [_ref(m) for m in msgs]
    take = pa.array([3, 0, 0, 5], pa.int64())
    assert h.hash_array(pa.chunked_array([pa.array(msgs, pa.large_string())]),
                        take).to_pylist() == [_ref(msgs[i]) for i in (3, 0, 0, 5)]
    assert h.hash_array(pa.array([], pa.large_string())).to_pylist() == []
    # the same values as the per-message method
    assert out.to_pylist() == h.hash_messages(msgs)


def test_hash_array_refuses_null():
    with pytest.raises(ValueError):
        KeyedHasher(KEY).hash_array(pa.array(["A\x1fb", None]))


def _findings(n: int):
    """``n`` synthetic findings over few distinct columns, spans, labels and detectors (the
    grouped pieces), with a null row/column, a quote and a backslash in a value."""
    out = []
    cols = ["nom", "tel", None, 'col"q']
    for i in range(n):
        c = cols[i % 4]
        ent = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "NIR")[i % 4]
        value = (f"Jean-{i % 7}", f"06 12 34 5{i % 10} 78", f"a{i % 5}@ex.org",
                 f'x"\\{i % 3}')[i % 4]
        out.append(Finding(ent, i % 3, i % 3 + len(value), (0.85, 0.6, 1.0, 0.3333)[i % 4],
                           Location("d/f.csv", row=None if c is None else i // 3, column=c,
                                    sheet=None if i % 2 else "S1"),
                           (Validation.VALID, Validation.NONE)[i % 2],
                           Evidence(("regex", "names", "email")[i % 3]), value, value.lower()))
    return out


@pytest.mark.parametrize("n", [1, 5, 40, 400])
def test_jsonl_bytes_equal_json_dumps_per_record(n):
    fs = _findings(n)
    h = KeyedHasher(KEY)
    got = records_jsonl_bytes(FindingBatch.from_findings(fs).records(h))
    want = "".join(json.dumps(f.to_record(h), ensure_ascii=False) + "\n" for f in fs)
    assert got == want.encode("utf-8")
