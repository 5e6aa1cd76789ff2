"""A JSON / NDJSON file cut in the middle of a UTF-8 character (session 11 new-user fault: 0
findings and exit 2, while a CSV cut the same way and a JSON cut between characters are read up
to the cut): the records before the cut are scanned, one error line gives the file and the
position. Synthetic data; the NIR is python-stdnum's documented example (key 93)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = str(Path(sys.executable).with_name("sentinelle"))
RECORDS = [{"nom": "Hélène DURAND", "nir": "2 95 10 99 126 111 93"},
           {"nom": "Paul MARTIN", "note": "né à Orléans"}]


def _cut(data: bytes) -> bytes:
    at = data.index("Orl".encode()) + 3
    return data[:at] + "é".encode()[:1]  # the first byte of a two-byte character, then EOF


@pytest.mark.parametrize("name, data", [
    ("cut.json", json.dumps(RECORDS, ensure_ascii=False).encode()),
    ("cut.ndjson", b"\n".join(json.dumps(r, ensure_ascii=False).encode() for r in RECORDS)),
])
def test_json_cut_mid_character_is_read_up_to_the_cut(tmp_path, name, data):
    (tmp_path / name).write_bytes(_cut(data))
    env = {**os.environ, "SENTINELLE_KEY": "test-key-json-cut"}
    r = subprocess.run([BIN, "scan", name, "--no-db", "--findings", "f.jsonl", "-q"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1  # found: the cut costs the last record's tail only
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    # two names (rows 0 and 1) and the NIR of row 0, by hand from RECORDS
    assert sorted((f["row"], f["entity_type"]) for f in lines) == [
        (0, "FR_NIR"), (0, "PERSON"), (1, "PERSON")]
    err = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(err) == 1 and err[0].startswith(f"sentinelle: error: {name}:line ")
    assert "Hélène" not in r.stderr and "2 95 10" not in r.stderr


def test_text_cut_mid_character_is_read_up_to_the_cut(tmp_path):
    # the same fault for plain text: the text before the cut is scanned, one error line
    text = f"Patiente {RECORDS[0]['nom']}, NIR {RECORDS[0]['nir']}, née à Orl"
    (tmp_path / "cut.txt").write_bytes(text.encode() + "é".encode()[:1])
    env = {**os.environ, "SENTINELLE_KEY": "test-key-json-cut"}
    r = subprocess.run([BIN, "scan", "cut.txt", "--no-db", "--findings", "f.jsonl", "-q"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    found = {json.loads(x)["entity_type"] for x in (tmp_path / "f.jsonl").read_text().splitlines()}
    assert {"PERSON", "FR_NIR"} <= found
    # byte of the cut: the UTF-8 length of the text before it (by construction)
    assert r.stderr.strip() == (f"sentinelle: error: cut.txt:byte {len(text.encode())}: "
                                "truncated utf-8 sequence at end of file")
