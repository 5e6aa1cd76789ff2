"""Output options of ``scan`` and ``redact`` refused or normalised before anything is created
(session-7 review), each run as a user would (a real ``sentinelle`` subprocess, real files, a
real DuckDB store): a refused ``scan`` creates no store and no folder; a refused ``redact``
leaves no empty ``--out`` tree; ``stray/../f.jsonl`` makes no ``stray/``; ``redact --report``
may not replace a redacted file; ``--findings -`` is JSONL on stdout (as ``rg --json``).

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016);
06 12 34 56 78 is a French mobile number by its form (ARCEP plan: 06 prefix, 10 digits).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

NIR = "285072A00412338"
CSV = f"nom;nir\nMARTIN;{NIR}\n"
TEXT = "Patient: Jean Dupont, tel 06 12 34 56 78\n"



def _lines(data: bytes) -> list[str]:
    return [l for l in data.decode("utf-8").splitlines() if l.strip()]


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# -- 1. a refused scan creates nothing ---------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    # the reviewer's case: --findings under a file, --db in missing folders
    (("--findings", "m.txt/f.jsonl", "--db", "dbq/x/s.duckdb"),
     "sentinelle: cannot write m.txt/f.jsonl: m.txt is not a folder"),
    # --output under a file: checked with the others, before the store
    (("--output", "m.txt/o.txt", "--db", "dbq/x/s.duckdb"),
     "sentinelle: cannot write m.txt/o.txt: m.txt is not a folder"),
    # the store itself under a file
    (("--findings", "f/f.jsonl", "--db", "m.txt/s.duckdb"),
     "sentinelle: cannot write m.txt/s.duckdb: m.txt is not a folder"),
    # two options naming one file: one would replace the other
    (("--findings", "o/a.jsonl", "--output", "o/a.jsonl", "--db", "dbq/x/s.duckdb"),
     "sentinelle: cannot write o/a.jsonl: given to both --findings and --output"),
    # both on stdout
    (("--findings", "-", "--format", "json", "--db", "dbq/x/s.duckdb"),
     "sentinelle: --findings - and --format json would both write to stdout; give --output "
     "FILE for the json output"),
])
def test_refused_scan_creates_nothing(cli, tmp_path: Path, args, message):
    (tmp_path / "m.txt").write_text(TEXT, encoding="utf-8")
    r = cli("scan", "m.txt", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [message]
    assert r.stdout == b""
    assert _tree(tmp_path) == {"m.txt"}  # no store, no folder, no file named -


def test_refused_scan_adds_no_scan_row_to_an_existing_store(cli, tmp_path: Path):
    (tmp_path / "m.txt").write_text(TEXT, encoding="utf-8")
    assert cli("scan", "m.txt", "-q", "--db", "s.duckdb", cwd=tmp_path).returncode == 1
    r = cli("scan", "m.txt", "--findings", "m.txt/f.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 2
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:  # only the first scan, finished
        assert con.execute("SELECT count(*), count(finished_at) FROM scans").fetchone() == (1, 1)
    finally:
        con.close()


# -- 2. no folder left behind ------------------------------------------------------------------

def test_redact_of_nothing_leaves_no_out_tree(cli, tmp_path: Path):
    r = cli("redact", tmp_path / "nothere", "--out", tmp_path / "r2/a/out", "--policy", "share",
            "-q", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [f"sentinelle: error: {tmp_path}/nothere: no such file or folder"]
    assert _tree(tmp_path) == set()


def test_redact_of_nothing_keeps_an_existing_out(cli, tmp_path: Path):
    (tmp_path / "out").mkdir()
    r = cli("redact", "nothere", "--out", "out/a/b", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 2
    assert _tree(tmp_path) == {"out"}  # out/a/b made by the run are gone, out was there


@pytest.mark.parametrize("findings, written", [
    ("stray/../f.jsonl", "f.jsonl"),        # the reviewer's case
    ("a/b/../../c/f.jsonl", "c/f.jsonl"),   # two missing levels undone, c/ is needed
    ("./d/./f.jsonl", "d/f.jsonl"),         # . parts
])
def test_findings_path_with_dotdot_makes_no_stray_folder(cli, tmp_path: Path, findings, written):
    (tmp_path / "m.txt").write_text(TEXT, encoding="utf-8")
    r = cli("scan", "m.txt", "--findings", findings, "--no-db", "-q", cwd=tmp_path)
    assert r.returncode == 1
    folders = {str(Path(written).parent)} - {"."}
    assert _tree(tmp_path) == {"m.txt", written} | folders
    types = {json.loads(l)["entity_type"] for l in _lines((tmp_path / written).read_bytes())}
    assert "PHONE_NUMBER" in types


def test_dotdot_after_an_existing_folder_is_the_system_s(cli, tmp_path: Path):
    # real/.. is resolved by the system (real exists): nothing to undo, f.jsonl beside m.txt
    (tmp_path / "m.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "real").mkdir()
    r = cli("scan", "m.txt", "--findings", "real/../f.jsonl", "--no-db", "-q", cwd=tmp_path)
    assert r.returncode == 1
    assert _tree(tmp_path) == {"m.txt", "real", "f.jsonl"}


def test_redact_out_with_dotdot_makes_no_stray_folder(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("redact", "a.csv", "--out", "o/stray/../out", "--policy", "share", "-q",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert _tree(tmp_path) == {"a.csv", "o", "o/out", "o/out/a.csv"}
    assert NIR not in (tmp_path / "o/out/a.csv").read_text(encoding="utf-8")


# -- 3. redact --report never replaces a redacted file -----------------------------------------

@pytest.mark.parametrize("report, why", [
    # the reviewer's case: the report at the place of the redacted n.txt
    ("rr/n.txt", "the redacted n.txt is written there (--out rr); give a --report path "
                 "outside the redacted files"),
    # under it (n.txt would have to be a folder)
    ("rr/n.txt/r.json", "the redacted n.txt is written there (--out rr); give a --report path "
                        "outside the redacted files"),
    # the same place spelt with ..
    ("rr/x/../n.txt", "the redacted n.txt is written there (--out rr); give a --report path "
                      "outside the redacted files"),
    # the output folder itself
    ("rr", "it is the --out folder"),
])
def test_report_over_a_redacted_file_is_refused(cli, tmp_path: Path, report, why):
    (tmp_path / "n.txt").write_text(TEXT, encoding="utf-8")
    r = cli("redact", "n.txt", "--out", "rr", "--policy", "share", "--report", report, "-q",
            cwd=tmp_path)
    assert r.returncode == 2
    shown = str(Path(report)) if ".." not in report else "rr/n.txt"
    assert _lines(r.stderr) == [f"sentinelle: cannot write {shown}: {why}"]
    assert _tree(tmp_path) == {"n.txt"}  # nothing written, no rr/


def test_report_beside_the_redacted_files_is_written(cli, tmp_path: Path):
    (tmp_path / "n.txt").write_text(TEXT, encoding="utf-8")
    r = cli("redact", "n.txt", "--out", "rr", "--policy", "share", "--report", "rr/risk.json",
            "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert _tree(tmp_path) == {"n.txt", "rr", "rr/n.txt", "rr/risk.json"}
    assert json.loads((tmp_path / "rr/risk.json").read_text())["files"] == 1
    assert "06 12 34 56 78" not in (tmp_path / "rr/n.txt").read_text(encoding="utf-8")


# -- 4. --findings - is stdout -----------------------------------------------------------------

def test_findings_dash_is_jsonl_on_stdout_and_table_on_stderr(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("scan", "a.csv", "--findings", "-", "--no-db", cwd=tmp_path)
    assert r.returncode == 1
    records = [json.loads(l) for l in _lines(r.stdout)]  # every stdout line is a JSON finding
    # row: the 0-based data row (Finding docstring)
    assert [(f["path"], f["entity_type"], f["row"]) for f in records
            if f["entity_type"] == "FR_NIR"] == [("a.csv", "FR_NIR", 0)]
    assert NIR.encode() not in r.stdout  # masked and hashed only
    assert "1 of 1 files" in r.stderr.decode()  # the table's last line, on stderr
    assert _tree(tmp_path) == {"a.csv"}  # no file named -


def test_findings_dash_with_json_output_file(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("scan", "a.csv", "--findings", "-", "-f", "json", "-o", "s.json", "--no-db",
            cwd=tmp_path)
    assert r.returncode == 1
    assert any(json.loads(l)["entity_type"] == "FR_NIR" for l in _lines(r.stdout))
    assert json.loads((tmp_path / "s.json").read_text())["files"][0]["path"] == "a.csv"
    assert _tree(tmp_path) == {"a.csv", "s.json"}


def test_a_file_named_dash_is_dot_slash_dash(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("scan", "a.csv", "--findings", "./-", "--no-db", "-q", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout == b""
    assert any(json.loads(l)["entity_type"] == "FR_NIR"
               for l in _lines((tmp_path / "-").read_bytes()))
