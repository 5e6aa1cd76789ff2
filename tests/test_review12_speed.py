"""Review of the session 12 speed commits (9699990 output, 3008714 text detectors, 8068ad8
table path): edge inputs the commits' own tests do not cover.

The review found no behaviour change (old and new findings files byte-identical on the
corpus, the cases, examples/leak, tests/data and synthetic edge tables); these tests keep the
edges it checked: JSON escaping of control characters, quotes, backslashes and non-BMP
characters in the grouped pieces of ``records_jsonl_bytes``, status cells (``end`` null) in
a short integer range, and keyed hashes of non-ASCII messages read from Arrow's UTF-8 buffer.

Expected values: ``json.dumps(record, ensure_ascii=False)`` of ``Finding.to_record`` (the
findings contract, README) and ``hmac.new(key, msg.encode("utf-8"), hashlib.sha256)``
(RFC 2104, Python standard library). Data: synthetic values written for this test.
"""

import hashlib
import hmac
import json

import pyarrow as pa

from sentinelle.finding import (Evidence, Finding, FindingBatch, Location, Validation,
                                records_jsonl_bytes)
from sentinelle.privacy import KeyedHasher

KEY = b"review12-key"

#: values a JSON writer must escape (RFC 8259 section 7) or must not (non-ASCII, kept as is
#: with ensure_ascii=False), and characters outside the BMP (two UTF-16 units, one code point)
ODD = ['quote " in', "back\\slash", "ctrl\x01\x1f", "tab\tnl\nx", "emoji 😀👍🏽",
       "ls\u2028ps\u2029", "del\x7f nel\u0085", "中文 张伟", "𝔘𝔫𝔦 e\u0301"]


def _findings(n: int) -> list[Finding]:
    """``n`` findings over few distinct paths, columns, sheets, scores and spans (so the
    grouped pieces are used), the odd strings in values and locations, every fifth a
    status cell."""
    out = []
    for i in range(n):
        v = ODD[i % len(ODD)]
        status = i % 5 == 0
        out.append(Finding(
            ("PERSON", "PHONE_NUMBER", 'X"Y')[i % 3], i % 3, i % 3 + len(v),
            (0.85, 0.6, 0.3333)[i % 3],
            Location(("a.csv", 'd/"x".csv', "é\\ü.csv")[i % 3], row=None if i % 7 == 0 else i % 4,
                     column=(None, "nom", 'c"q\x02', "ville 😀")[i % 4],
                     sheet=(None, "Feuil\"1")[i % 2]),
            (Validation.VALID, Validation.NONE)[i % 2],
            Evidence(("person", "phone")[i % 2], "status_cell" if status else None),
            v, v.lower()))
    return out


def test_jsonl_bytes_escapes_odd_strings_in_grouped_pieces():
    h = KeyedHasher(KEY)
    for n in (1, 16, 17, 64, 300):
        fs = _findings(n)
        got = records_jsonl_bytes(FindingBatch.from_findings(fs).records(h))
        want = "".join(json.dumps(f.to_record(h), ensure_ascii=False) + "\n" for f in fs)
        assert got == want.encode("utf-8"), n


def test_hash_array_non_ascii_messages():
    msgs = [f"PERSON\x1f{v}" for v in ODD] + ["PERSON\x1f", "NIR\x1f\x00nul", "PERSON\x1f😀"]
    msgs += msgs[::-1]
    out = KeyedHasher(KEY).hash_array(pa.array(msgs, pa.large_string()))
    assert out.to_pylist() == [hmac.new(KEY, m.encode("utf-8"), hashlib.sha256).hexdigest()
                               for m in msgs]
