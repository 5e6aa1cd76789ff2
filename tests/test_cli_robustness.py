"""Error paths and output forms of the command line found by the session-4 reviewers, each run
as a user would (a real subprocess, real files, a real DuckDB store): ``--version``, key
precedence, a ``--db`` that is not a store, reports into missing folders (created, mode 0700,
since session 7), file names that are not UTF-8, tables on a pipe, and Rich markup in names and reasons.

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import duckdb
import pytest

from sentinelle import __version__

NIR = "285072A00412338"
CSV = f"nom;nir\nMARTIN;{NIR}\n"



def _lines(data: bytes) -> list[str]:
    return [l for l in data.decode("utf-8").splitlines() if l.strip()]


def _one_line_error(stderr: bytes) -> str:
    lines = _lines(stderr)
    assert len(lines) == 1 and lines[0].startswith("sentinelle: "), stderr
    return lines[0]


@pytest.mark.parametrize("flag", ["--version", "-V"])  # both spellings, as most CLIs
def test_version_flag(cli, tmp_path: Path, flag: str):
    r = cli(flag, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == f"sentinelle {__version__}\n"


def _hashes(findings: Path) -> list[str]:
    return [json.loads(l)["value_hash"] for l in findings.read_text("utf-8").splitlines()]


def test_key_file_wins_over_environment(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    key = tmp_path / "k"
    key.write_bytes(b"file-key\n")
    key.chmod(0o600)
    common = ("scan", "a.csv", "--no-db", "-q")
    r1 = cli(*common, "--key-file", key, "--findings", "f1.jsonl", cwd=tmp_path,
             env_extra={"SENTINELLE_KEY": "env-key"})
    r2 = cli(*common, "--key-file", key, "--findings", "f2.jsonl", cwd=tmp_path,
             drop_env=("SENTINELLE_KEY",))
    r3 = cli(*common, "--findings", "f3.jsonl", cwd=tmp_path,
             env_extra={"SENTINELLE_KEY": "env-key"})
    assert (r1.returncode, r2.returncode, r3.returncode) == (1, 1, 1), r1.stderr
    with_flag, flag_only, env_only = (_hashes(tmp_path / f"f{i}.jsonl") for i in (1, 2, 3))
    assert with_flag == flag_only            # the explicit --key-file was used
    assert with_flag != env_only             # not the environment's key
    # the key file's stripped bytes are the HMAC key (RFC 2104): the NIR finding's hash
    nir = [json.loads(l) for l in (tmp_path / "f1.jsonl").read_text("utf-8").splitlines()
           if json.loads(l)["entity_type"] == "FR_NIR"]
    assert nir[0]["value_hash"] == hmac.new(b"file-key", f"FR_NIR\x1f{NIR}".encode(),
                                            hashlib.sha256).hexdigest()


@pytest.mark.parametrize("command", ["scan", "redact", "reidentify", "assess"])
def test_key_precedence_in_help(cli, tmp_path: Path, command: str):
    r = cli(command, "--help", cwd=tmp_path)
    text = " ".join(r.stdout.decode().split())
    assert "wins over $SENTINELLE_KEY" in text


@pytest.mark.parametrize("command, content", [
    ("scan", CSV.encode()),                 # a CSV given as --db by mistake
    ("assess", CSV.encode()),               # assess opens the store too
    ("scan", b"SQLite format 3\x00" + bytes(84)),   # another database's file
])
def test_db_that_is_not_a_store_is_refused_untouched(cli, tmp_path: Path, command: str,
                                                     content: bytes):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    db = tmp_path / "existing.csv"
    db.write_bytes(content)
    before = db.stat()
    r = cli(command, "a.csv", "--db", db, cwd=tmp_path)
    assert r.returncode == 2
    line = _one_line_error(r.stderr)
    assert "not a DuckDB store" in line and "existing.csv" in line
    assert db.read_bytes() == content and db.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "existing.csv"]  # no .wal


def test_db_that_is_a_store_is_reused(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    for _ in range(2):
        r = cli("scan", "a.csv", "--db", "s.duckdb", "-q", cwd=tmp_path)
        assert r.returncode == 1, r.stderr
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM scans").fetchone()[0] == 2


def test_assess_outputs_into_missing_folders_create_them(cli, tmp_path: Path):
    # team rule (session 7): every output option creates its missing folders, mode 0700
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("assess", "a.csv", "--no-db", "--html", "nodir/report.html", "--json",
            "new/deeper/a.json", "-q", "-j", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    assert (tmp_path / "nodir" / "report.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert json.loads((tmp_path / "new" / "deeper" / "a.json").read_text("utf-8"))["schema"] \
        == "sentinelle-assessment/1"
    assert [oct(os.stat(tmp_path / p).st_mode & 0o777) for p in ("nodir", "new", "new/deeper")] \
        == ["0o700"] * 3


def test_assess_html_where_no_folder_can_be_made_names_the_path(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    # sysfs refuses new folders and files, also to root
    r = cli("assess", "a.csv", "--no-db", "--html", "/sys/nodir/report.html", "-q", "-j", "1",
            cwd=tmp_path)
    assert r.returncode == 2
    line = _one_line_error(r.stderr)
    assert line == "sentinelle: cannot write /sys/nodir/report.html: Permission denied"
    assert ".part" not in line and not Path("/sys/nodir").exists()


def test_non_utf8_file_name_keeps_its_findings(cli, tmp_path: Path):
    leak = tmp_path / "leak"
    leak.mkdir()
    # b"caf\xe9.csv": Latin-1 bytes, not UTF-8 (os.fsencode/fsdecode use surrogateescape)
    with open(os.fsencode(leak) + b"/caf\xe9.csv", "wb") as fh:
        fh.write(CSV.encode())
    with open(os.fsencode(leak) + b"/a\\b\xff.txt", "wb") as fh:   # a backslash too
        fh.write(f"NIR {NIR}\n".encode())
    r = cli("scan", "leak", "--db", "s.duckdb", "--findings", "f.jsonl", "--format", "json",
            cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert b"Traceback" not in r.stderr
    rows = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    # each undecodable byte as \xNN, each backslash doubled: lossless and printable
    assert sorted({(f["path"], f["entity_type"]) for f in rows}) == [
        ("a\\\\b\\xff.txt", "FR_NIR"), ("caf\\xe9.csv", "FR_NIR"), ("caf\\xe9.csv", "PERSON")]
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert sorted(con.execute("SELECT DISTINCT path FROM findings").fetchall()) == [
        ("a\\\\b\\xff.txt",), ("caf\\xe9.csv",)]
    summary = json.loads(r.stdout)
    assert sorted(f["path"] for f in summary["files"]) == ["a\\\\b\\xff.txt", "caf\\xe9.csv"]


def test_a_valid_name_that_looks_escaped_stays_apart(cli, tmp_path: Path):
    # review of session 5: the UTF-8 name "caf\xe9.csv" (a backslash, an x, e9) and the
    # Latin-1 bytes b"caf\xe9.csv" showed the same path; now the valid one doubles its
    # backslash, so every displayed name maps back to one file
    leak = tmp_path / "leak"
    leak.mkdir()
    with open(os.fsencode(leak) + b"/caf\xe9.csv", "wb") as fh:
        fh.write(CSV.encode())
    (leak / "caf\\xe9.csv").write_text(CSV, encoding="utf-8")
    r = cli("scan", "leak", "--no-db", "--findings", "f.jsonl", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    rows = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    assert sorted({f["path"] for f in rows}) == ["caf\\\\xe9.csv", "caf\\xe9.csv"]


def test_table_on_a_pipe_is_not_wrapped(cli, tmp_path: Path):
    name = "un_nom_de_fichier_tres_long_pour_depasser_quatre_vingts_colonnes_" + "x" * 40
    (tmp_path / f"{name}.csv").write_text(CSV, encoding="utf-8")
    r = cli("scan", f"{name}.csv", "--no-db", cwd=tmp_path, env_extra={"COLUMNS": "80"})
    assert r.returncode == 1, r.stderr
    rows = [l for l in _lines(r.stdout) if name in l]
    assert len(rows) == 1 and "FR_NIR 1" in rows[0]     # one line: grep sees the whole row
    assert max(map(len, _lines(r.stdout))) > 80


def test_issue_kind_and_bracketed_names_are_printed(cli, tmp_path: Path):
    # "[error]" and "[1]" are Rich markup tags: they must be printed, not swallowed
    (tmp_path / "rapport[1].csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"nom": ', encoding="utf-8")
    r = cli("scan", ".", "--no-db", cwd=tmp_path)
    out = r.stdout.decode()
    assert "rapport[1].csv" in out
    assert "[error]" in out
