"""The findings-file contract's version (docs/findings-schema.md, DESIGN.md "Findings file"):
every line written carries ``schema_version`` 2; readers take a line without it as version 1,
accept 1 and 2, and refuse any other version in one line naming the file and the line.

Test data is synthetic: the NIR has a valid key computed by hand (97 - n mod 97,
../shared/cases pb-016), the phone number is in an ARCEP range reserved for fiction.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.errors import TruthError
from sentinelle.evaluate import evaluate
from sentinelle.finding import (RECORD_FIELDS, SCHEMA_VERSION, Finding, Location,
                                check_schema_version)
from sentinelle.privacy import KeyedHasher

BIN = Path(sys.executable).with_name("sentinelle")
NIR_COMPACT = "285072A00412338"        # valid key, ../shared/cases pb-016
PHONE = "04 65 71 12 34"               # ARCEP fiction range


def _run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    d = tmp_path / "leak"
    d.mkdir()
    (d / "patients.csv").write_text(
        "nom;prenom;nir;tel;statut_vih\n"
        f"MARTIN;Claire;{NIR_COMPACT};{PHONE};positif\n"
        f"DURAND;Paul;{NIR_COMPACT};{PHONE};négatif\n", encoding="utf-8")
    (d / "note.txt").write_text(f"Patiente MARTIN Claire, NIR {NIR_COMPACT}, tél {PHONE}.\n",
                                encoding="utf-8")
    return d


def test_version_is_2():
    # the version of this release's schema (docs/findings-schema.md, "Version 2")
    assert SCHEMA_VERSION == 2
    assert RECORD_FIELDS[0] == "schema_version"


@pytest.mark.parametrize("jobs", [
    1,  # everything in this process
    2,  # the records made in worker processes (RecordEncoder pickled)
])
def test_every_line_written_carries_2(leak: Path, tmp_path: Path, jobs: int):
    out = tmp_path / f"f{jobs}.jsonl"
    sarif = tmp_path / f"s{jobs}.sarif"
    r = _run("scan", leak, "--no-db", "-q", "--jobs", jobs, "--findings", out,
             "--format", "sarif", "--output", sarif, cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # personal data found
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 6  # 2 names x 2 rows, NIRs, phones, statuses, the note's
    for line in lines:
        assert line.startswith('{"schema_version": 2, "path": ')  # first, before the path
        assert json.loads(line)["schema_version"] == 2
    paths = {json.loads(line)["path"] for line in lines}
    assert paths == {"patients.csv", "note.txt"}  # table and text findings alike
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert run["properties"]["findings_schema_version"] == 2
    assert len(run["results"]) == len(lines)


def test_to_record_and_batch_records_carry_2():
    hasher = KeyedHasher(b"k")
    f = Finding("FR_NIR", 0, 15, 1.0, Location("a.csv", 0, "nir"))
    rec = f.to_record(hasher)
    assert list(rec)[0] == "schema_version" and rec["schema_version"] == 2
    from sentinelle.finding import FindingBatch, records_jsonl

    table = FindingBatch.from_findings([f, f]).records(hasher)
    assert table.column("schema_version").to_pylist() == [2, 2]
    assert records_jsonl(table) == (json.dumps(rec, ensure_ascii=False) + "\n") * 2


@pytest.mark.parametrize("version, expected", [
    (None, 1),   # no field: version 1 (files written before session 9)
    (1, 1),      # written as version 1
    (2, 2),      # this release
])
def test_readable_versions(version, expected):
    assert check_schema_version(version, "f.jsonl", 3) == expected


@pytest.mark.parametrize("version, newer", [
    (3, True),       # a newer release: upgrade
    (99, True),      # idem
    (0, False),      # never written
    ("2", False),    # a string is not a version
    (2.0, False),    # nor a float
    (True, False),   # nor a boolean (an int subclass in Python)
])
def test_other_versions_refused_in_one_line(version, newer):
    with pytest.raises(ValueError) as err:
        check_schema_version(version, "out/f.jsonl", 7)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("out/f.jsonl: line 7: findings schema_version ")
    assert ("upgrade sentinelle" in msg) is newer


def _lab(path, row, col, s, e, ent):
    return {"path": path, "row": row, "column": col, "start": s, "end": e, "entity_type": ent}


def test_v1_file_still_evaluates(tmp_path: Path):
    # a findings file of version 1 (no schema_version: the lines of a session 7 scan, keys in
    # their order of then), scored by hand: 2 TP, 1 FP, 1 FN
    labels = _jsonl(tmp_path / "labels.jsonl", [
        _lab("a.csv", 0, "nir", 0, 15, "FR_NIR"),
        _lab("a.csv", 1, "nir", 0, 15, "FR_NIR"),
        _lab("r.txt", None, None, 10, 24, "PHONE_NUMBER"),
    ])
    v1 = [dict(_lab("a.csv", 0, "nir", 0, 15, "FR_NIR"), score=1.0, sheet=None, page=None,
               masked="2**************8", value_hash="0" * 64, validation="valid",
               detector="fr.nir"),                                    # TP
          dict(_lab("r.txt", None, None, 10, 24, "PHONE_NUMBER")),   # TP
          dict(_lab("r.txt", None, None, 30, 44, "PHONE_NUMBER"))]   # FP; a.csv row 1 is FN
    findings = _jsonl(tmp_path / "v1.jsonl", v1)
    ev = evaluate(labels, findings)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == (2, 1, 1)
    # the same lines marked version 1, or mixed with version 2 lines: the same scores
    mixed = _jsonl(tmp_path / "mixed.jsonl", [{"schema_version": 1, **v1[0]},
                                              {"schema_version": 2, **v1[1]}, v1[2]])
    ev = evaluate(labels, mixed)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == (2, 1, 1)


def test_v3_line_refused_in_one_line(tmp_path: Path):
    labels = _jsonl(tmp_path / "labels.jsonl", [_lab("a.csv", 0, "nir", 0, 15, "FR_NIR")])
    findings = _jsonl(tmp_path / "f.jsonl", [
        {"schema_version": 2, **_lab("a.csv", 0, "nir", 0, 15, "FR_NIR")},
        {"schema_version": 3, **_lab("a.csv", 1, "nir", 0, 15, "FR_NIR")},  # line 2
    ])
    with pytest.raises(TruthError) as err:
        evaluate(labels, findings)
    assert str(err.value).startswith(f"{findings}: line 2: findings schema_version 3 ")
    # the command line: exit 2, one line on stderr naming the file and the line
    r = _run("evaluate", labels, findings, cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{findings}: line 2: findings schema_version 3" in lines[0]
    assert "upgrade sentinelle" in lines[0]
