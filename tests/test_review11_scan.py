"""Session 11 review of the byte-range split of big delimited files (scanner.record_ranges,
_run_range) and of the entity labels of a config: regressions.

1. A range is read as the header record then its own bytes, and its reader sniffs the delimiter
   again from that head: a file whose head sniffs ``,`` but whose later rows look like
   ``1,x|"a"|y`` (``|`` consistent over them) was read with ``|`` there, its NIRs put in the
   column ``id`` instead of ``note`` with ``--jobs 2`` only. Such a file is no longer cut.
2. A file rewritten between the plan (main process) and a worker's read had its ranges start
   inside records: rows mislabelled, silently. The range now reports an issue.
3. The ranges' sizes (progress bar) add up to the file's size.
4. ``entities = ["fr_nir"]`` in a config passed the check (labels are upper-cased by
   ``parse_labels``) but was kept lowercase and selected no detector: nothing found.

Test data is synthetic: NIRs get their key by the rule of the NIR (key = 97 - number mod 97,
decree 82-103 / INSEE); the NIR 2 95 10 99 126 111 93 is python-stdnum's documentation's
(97 - 2951099126111 mod 97 = 93).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle
import sentinelle.scanner as scanner
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.pipeline import Pipeline
from sentinelle.scanner import record_ranges, scan


def nir(i: int) -> str:
    body = f"2900175056{i % 999 + 1:03d}"
    return body + f"{97 - int(body) % 97:02d}"


@pytest.fixture()
def forkserver(monkeypatch):
    # this test process has used Polars: workers must start clean (see _start_method)
    monkeypatch.setattr(scanner, "_start_method", lambda: "forkserver")


def _pipe_rows(path: Path) -> None:
    # rows 0-99 "i,ras"; rows 100-299 "i,<nir>|"a"|y": the file's head sniffs ",", a range of
    # the later rows (with the header line) sniffs "|"
    rows = ["id,note\n"] + [f"{i},ras\n" for i in range(100)]
    rows += [f'{i},{nir(i)}|"a"|y\n' for i in range(100, 300)]
    path.write_text("".join(rows), encoding="utf-8")


def test_range_that_would_sniff_another_delimiter_is_not_cut(tmp_path: Path):
    p = tmp_path / "big.csv"
    _pipe_rows(p)
    assert record_ranges(p, p.read_bytes()[:65536], "big.csv", batch_rows=10,
                         target=1500) is None


def test_range_delimiter_same_findings_as_one_process(tmp_path: Path, forkserver):
    d = tmp_path / "leak"
    d.mkdir()
    _pipe_rows(d / "big.csv")
    config = Config(chunk_bytes=3000, batch_rows=10)
    for jobs in (1, 2):
        got = scan(d, config, jobs=jobs)
        nirs = [(f.location.row, f.location.column, f.start, f.end) for f in got.findings
                if f.entity_type == "FR_NIR"]
        # the cell 'note' of row i >= 100 is '<15-digit NIR>|"a"|y': the NIR at [0, 15)
        assert nirs == [(i, "note", 0, 15) for i in range(100, 300)], jobs
        assert got.files[0].rows == 300 and got.files[0].issue is None


def _plan(p: Path, config: Config) -> list:
    par = scanner._Parallel.__new__(scanner._Parallel)
    par.config = config
    return par._ranges(p.name, p, p.stat().st_size)


def test_file_changed_after_the_plan_is_an_issue(tmp_path: Path):
    p = tmp_path / "big.csv"
    p.write_text("id,nir\n" + "".join(f"{i},{nir(i)}\n" for i in range(100)), encoding="utf-8")
    config = Config(chunk_bytes=1000, batch_rows=10)
    slots = _plan(p, config)
    assert slots is not None and len(slots) >= 3
    # rewritten with a longer row: every range after the first would start inside a record
    p.write_text("id,nir\n" + "".join(f"{i},x,{nir(i)}\n" for i in range(100)), encoding="utf-8")
    pipeline = Pipeline(build(config.entities, config), config)
    for slot in slots[:-1]:
        events = scanner._run_task(slot.task, pipeline, config)
        assert [e for e in events if e[0] == "f"] == []
        issues = [e[1] for e in events if e[0] == "i"]
        assert [(i.kind, i.reason) for i in issues] == [
            ("error", "changed while it was scanned: scan it again")]


def test_range_sizes_add_up_to_the_file(tmp_path: Path):
    p = tmp_path / "big.csv"
    # a blank line before the header and after the last record, no final newline
    p.write_text("\nid,nir\n" + "".join(f"{i},{nir(i)}\n" for i in range(100)) + "\n\n",
                 encoding="utf-8")
    slots = _plan(p, Config(chunk_bytes=1000, batch_rows=10))
    assert slots is not None
    assert sum(s.size for s in slots[:-1]) == p.stat().st_size


NIR = "2 95 10 99 126 111 93"


def test_lowercase_config_entities_select_their_detector(tmp_path: Path):
    text = f"NIR {NIR}\n"
    got = sentinelle.scan_text(text, config=Config(entities=("fr_nir",)))
    assert [(f.entity_type, f.start, f.end) for f in got] == [("FR_NIR", 4, 25)]
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    assert sentinelle.scan(tmp_path / "a.txt", Config(entities=(" fr_nir ",))).counts == \
        {"FR_NIR": 1}


def test_lowercase_config_file_entities_cli(tmp_path: Path):
    (tmp_path / "a.txt").write_text(f"NIR {NIR}\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text('[scan]\nentities = ["fr_nir"]\n', encoding="utf-8")
    env = {**os.environ, "SENTINELLE_KEY": "test-key-review11"}
    out = subprocess.run([str(Path(sys.executable).with_name("sentinelle")), "scan", "a.txt",
                          "--no-db", "--config", "c.toml", "--format", "json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, out.stderr  # 1: findings
    assert '"FR_NIR"' in out.stdout
