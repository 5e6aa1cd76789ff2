"""New-user fault report (session 8): the outputs of a scan gave away HIV status.

On a CSV with columns ``vih`` (POSITIF/Négatif/pos), ``hiv_status`` (+/-) and ``hepatite_c``
(oui/non/1/0), the findings file's ``masked`` was ``P******``, ``N******``, ``p**``, ``+``,
``-``, ``o**``, ``n**``, ``1``: a 1-character value shown whole, a first letter telling positive
from negative; SARIF messages read ``HEALTH_CONDITION found: +`` and the DuckDB store held the
same masks. And the ``value_hash`` of a status cell was one hash per status, so knowing one
row's status gave the status of every row with its hash.

Fixed rules checked here (privacy.mask, finding.hashed_value): data concerning health is masked
by the fixed ``*****``; a status cell's value hash is the keyed hash of the empty value, the
same for positive and negative. The command runs as a user would: a real subprocess, a real
CSV, a real SARIF file and a real DuckDB store. All data is synthetic.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.finding import Evidence, Finding, FindingBatch, Location, records_jsonl
from sentinelle.privacy import KeyedHasher

KEY = "k" * 64

# (id, nom, vih, hiv_status, hepatite_c): the values of the fault report
ROWS = [
    ("1", "Martin", "POSITIF", "+", "oui"),
    ("2", "Bernard", "Négatif", "-", "non"),
    ("3", "Petit", "pos", "+", "1"),
    ("4", "Durand", "Négatif", "-", "0"),
]
STATUS_COLUMNS = ("vih", "hiv_status", "hepatite_c")


def _hmac(label: str, value: str) -> str:
    # the documented message of privacy.KeyedHasher: label, U+001F, value (RFC 2104 HMAC)
    return hmac.new(KEY.encode(), f"{label}\x1f{value}".encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    d = tmp_path_factory.mktemp("hiv")
    with open(d / "hiv.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "nom", *STATUS_COLUMNS])
        w.writerows(ROWS)
    env = {**os.environ, "SENTINELLE_KEY": KEY}
    env.pop("SENTINELLE_KEY_FILE", None)
    r = subprocess.run([sys.executable, "-m", "sentinelle", "scan", "hiv.csv", "--findings",
                        "f.jsonl", "--format", "sarif", "--output", "f.sarif", "--db",
                        "s.duckdb", "-q"], cwd=d, env=env, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr  # 1: findings
    records = [json.loads(line) for line in (d / "f.jsonl").read_text("utf-8").splitlines()]
    return d, records


def test_every_status_cell_is_found_and_masked_whole(scanned):
    _d, records = scanned
    status = [r for r in records if r["column"] in STATUS_COLUMNS]
    # every cell of the three columns is a HEALTH_CONDITION (a negative status included)
    assert sorted((r["row"], r["column"]) for r in status) == sorted(
        (k, c) for k in range(len(ROWS)) for c in STATUS_COLUMNS)
    assert {r["entity_type"] for r in status} == {"HEALTH_CONDITION"}
    # no P/N/p/o/n/+/-/1/0: the fixed mask, the same whatever the value and its length
    assert [r["masked"] for r in status] == ["*****"] * len(status)


def test_status_cells_share_one_value_hash(scanned):
    _d, records = scanned
    status = [r for r in records if r["column"] in STATUS_COLUMNS]
    # the keyed hash of the empty value: positive and negative rows are not told apart
    assert {r["value_hash"] for r in status} == {_hmac("HEALTH_CONDITION", "")}
    # names keep a per-value hash (they tell people apart): 4 different names, 4 hashes
    names = [r for r in records if r["entity_type"] == "PERSON"]
    assert len({r["value_hash"] for r in names}) == len(names) == 4


def test_sarif_messages_show_no_character_of_a_status(scanned):
    d, _records = scanned
    sarif = json.loads((d / "f.sarif").read_text("utf-8"))
    results = sarif["runs"][0]["results"]
    health = [x for x in results if x["ruleId"] == "HEALTH_CONDITION"]
    assert len(health) == len(ROWS) * len(STATUS_COLUMNS)
    assert {x["message"]["text"] for x in health} == {"HEALTH_CONDITION found: *****"}
    assert {x["partialFingerprints"]["valueHash/v1"] for x in health} == {
        _hmac("HEALTH_CONDITION", "")}


def test_store_holds_the_same_masks_and_hashes(scanned):
    import duckdb

    d, _records = scanned
    con = duckdb.connect(str(d / "s.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT masked, value_hash FROM findings "
                           "WHERE entity_type = 'HEALTH_CONDITION'").fetchall()
    finally:
        con.close()
    assert rows == [("*****", _hmac("HEALTH_CONDITION", ""))]


def _finding(entity, value, normalized, pattern, row):
    return Finding(entity, 0, len(value), 0.8, Location("t.csv", row, "statut_vih"),
                   evidence=Evidence("health_condition", pattern, (), "statut_vih"),
                   value=value, normalized=normalized)


# (entity, value, normalized, pattern, hashed text): one row per rule of finding.hashed_value
HASH_CASES = [
    ("HEALTH_CONDITION", "POSITIF", "positif", "status_cell", ""),   # status: no value
    ("HEALTH_CONDITION", "Négatif", "negatif", "status_cell", ""),   # the same hash
    ("HEALTH_CONDITION", "+", "+", "status_cell", ""),
    ("HEALTH_CONDITION", "VIH", "vih", "term", "vih"),               # a term: normalised value
    ("PERSON", "Martin", "", None, "Martin"),                        # no normalised: the value
]


def test_value_hash_of_records_and_batches():
    hasher = KeyedHasher(KEY.encode())
    findings = [_finding(e, v, n, p, k) for k, (e, v, n, p, _h) in enumerate(HASH_CASES)]
    expected = [_hmac(e, h) for e, _v, _n, _p, h in HASH_CASES]
    assert [f.to_record(hasher)["value_hash"] for f in findings] == expected
    # the columnar path gives the same records, the same JSON Lines bytes
    batch = FindingBatch.from_findings(findings)
    table = batch.records(hasher)
    assert table.column("value_hash").to_pylist() == expected
    assert table.column("masked").to_pylist() == ["*****"] * 4 + ["M*****"]
    assert records_jsonl(table) == "".join(
        json.dumps(f.to_record(hasher), ensure_ascii=False) + "\n" for f in findings)
