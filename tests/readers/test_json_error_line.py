"""The one-line error of a cut or broken JSON / NDJSON file, as ``sentinelle scan`` prints it
(a real subprocess, real files): ``<file>:line L column C: invalid JSON: <problem> (...)``, the
position once and no dangling word. ``json.JSONDecodeError`` builds its text as ``msg + ": line
L column C (char N)"`` and some of its ``msg`` end with "at" ("Unterminated string starting
at", "Invalid control character at": CPython ``Modules/_json.c``); the reader gives the
position itself and drops those words.

Positions are hand-counted (1-based line and column, as the ``json`` module counts them; the
NDJSON column is on the named line). Synthetic data only (no real person's values).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")

CASES = [
    # (file name, bytes, the exact stderr line)
    # a document cut right after a comma between records: a value was expected
    ("value.json", b'[{"nom": "MARTIN"},\n',
     "value.json:line 2 column 1: invalid JSON: Expecting value "
     "(the records before it were read)"),
    # cut inside a string: the position is where the string starts (col 10 of line 2)
    ("string.json", b'[{"nom": "MARTIN"},\n {"nom": "DU',
     "string.json:line 2 column 10: invalid JSON: Unterminated string "
     "(the records before it were read)"),
    # a raw line break inside a string (a broken export): col 13 is the break itself
    ("control.json", b'[{"nom": "MARTIN"},\n {"nom": "DU\nRAND"}]',
     "control.json:line 2 column 13: invalid JSON: Invalid control character "
     "(the records before it were read)"),
    # two records without a comma: col 20 is the second "{"
    ("comma.json", b'[{"nom": "MARTIN"} {"nom": "PETIT"}]',
     "comma.json:line 1 column 20: invalid JSON: Expecting ',' delimiter "
     "(the records before it were read)"),
    # a key without its colon: col 7 of line 2 is the value's opening quote
    ("colon.json", b'[{"a": "x"},\n {"a" "y"}]',
     "colon.json:line 2 column 7: invalid JSON: Expecting ':' delimiter "
     "(the records before it were read)"),
    # cut right after the "{" of the second record (col 2): a key was expected at col 3
    ("key.json", b'[{"nom": "MARTIN"},\n {',
     "key.json:line 2 column 3: invalid JSON: Expecting property name enclosed in double "
     "quotes (the records before it were read)"),
    # an unknown escape: col 13 is the backslash
    ("escape.json", b'[{"nom": "MA\\qRTIN"}]',
     "escape.json:line 1 column 13: invalid JSON: Invalid \\escape"),
    # a stray bracket after a multi-line document: line 4 column 1
    ("extra.json", b'[\n{"nom": "MARTIN"}\n]\n]\n',
     "extra.json:line 4 column 1: invalid JSON: Extra data "
     "(the records before it were read)"),
    # NDJSON: line 2 cut inside a string starting at col 9
    ("cut.ndjson", b'{"nom": "MARTIN"}\n{"nom": "DUR\n{"nom": "PETIT"}\n',
     "cut.ndjson:line 2 column 9: invalid JSON: Unterminated string "
     "(the other lines were read)"),
    # NDJSON: a control character (U+0001) at col 12 of line 2
    ("control.jsonl", b'{"nom": "MARTIN"}\n{"nom": "DU\x01RAND"}\n',
     "control.jsonl:line 2 column 12: invalid JSON: Invalid control character "
     "(the other lines were read)"),
    # NDJSON: two values on line 1 (col 19 is the second "{"), a bad line 3 counted too
    ("extra.ndjson", b'{"nom": "MARTIN"} {"nom": "PETIT"}\n{"nom": "PETIT"}\n{"nom": "X\n',
     "extra.ndjson:line 1 column 19: invalid JSON: Extra data; 2 bad lines "
     "(the other lines were read)"),
]


@pytest.fixture(scope="module")
def stderr_lines(tmp_path_factory) -> list[str]:
    """One ``sentinelle scan`` over a folder holding every case's file (one process for all)."""
    folder = tmp_path_factory.mktemp("cut")
    for name, data, _ in CASES:
        (folder / name).write_bytes(data)
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", ".", "--no-db", "-q"], cwd=folder, env=env,
                       capture_output=True, timeout=300)
    assert r.returncode == 1, r.stderr  # files with errors (no crash: 3 would be)
    return [l for l in r.stderr.decode("utf-8").splitlines() if l.strip()]


@pytest.mark.parametrize("name, data, line", CASES, ids=[c[0] for c in CASES])
def test_scan_prints_one_line_with_the_position_once(stderr_lines, name, data, line):
    mine = [l for l in stderr_lines if l.startswith(f"sentinelle: error: {name}:")]
    assert mine == [f"sentinelle: error: {line}"]
    assert mine[0].count(" column ") == 1 and " at " not in mine[0] and "(char" not in mine[0]


def test_every_case_gives_exactly_one_line(stderr_lines):
    assert len(stderr_lines) == len(CASES)
