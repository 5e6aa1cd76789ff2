"""The command line, run as a user would: a real subprocess, real files, a real DuckDB store.

Test data is synthetic: NIRs have valid keys computed by hand (97 - n mod 97), phone numbers
are in ARCEP ranges reserved for fiction where libphonenumber accepts them (04 65 71: see
../shared/cases pb-019).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

BIN = Path(sys.executable).with_name("sentinelle")
NIR = "2 85 07 2A 004 123 38"          # valid key, ../shared/cases pb-016
NIR_COMPACT = "285072A00412338"
PHONE = "04 65 71 12 34"               # ARCEP fiction range
EMAIL = "claire.martin@example.org"


def run(*args, cwd: Path, env_extra: dict | None = None, prefix: tuple[str, ...] = ()):
    env = {**os.environ, "SENTINELLE_KEY": "test-key", **(env_extra or {})}
    return subprocess.run([*prefix, str(BIN), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    d = tmp_path / "leak"
    (d / "lab").mkdir(parents=True)
    (d / "lab" / "patients.csv").write_text(
        "nom;prenom;nir;tel;email\n"
        f"MARTIN;Claire;{NIR_COMPACT};{PHONE};{EMAIL}\n", encoding="utf-8")
    (d / "note.txt").write_text(f"Patiente née le 12/03/1985, NIR {NIR}.\n", encoding="utf-8")
    (d / "clean.txt").write_text("Rien à signaler ici.\n", encoding="utf-8")
    return d


def test_scan_findings_contract_and_store(leak: Path, tmp_path: Path):
    out = tmp_path / "f.jsonl"
    db = tmp_path / "db" / "s.duckdb"
    r = run("scan", leak, "--findings", out, "--db", db, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr                    # personal data found
    summary = json.loads(r.stdout)
    assert summary["schema"] == "sentinelle-scan-summary/1" and summary["exit_code"] == 1
    files = {f["path"]: f for f in summary["files"]}
    assert set(files) == {"clean.txt", "lab/patients.csv", "note.txt"}
    assert files["clean.txt"]["findings"] == 0
    assert files["lab/patients.csv"]["rows"] == 1 and files["lab/patients.csv"]["columns"] == 5
    recs = [json.loads(l) for l in out.read_text().splitlines()]
    keys = {"path", "entity_type", "score", "row", "column", "sheet", "start", "end", "masked", "value_hash"}
    assert all(keys <= set(r) for r in recs)
    nir_cell = [x for x in recs if x["path"] == "lab/patients.csv" and x["column"] == "nir"]
    assert nir_cell and nir_cell[0]["entity_type"] == "FR_NIR" and nir_cell[0]["row"] == 0
    assert (nir_cell[0]["start"], nir_cell[0]["end"]) == (0, 15)
    nir_text = [x for x in recs if x["path"] == "note.txt" and x["entity_type"] == "FR_NIR"]
    assert len(nir_text) == 1
    text = (leak / "note.txt").read_text()
    assert (nir_text[0]["start"], nir_text[0]["end"]) == (text.index(NIR), text.index(NIR) + len(NIR))
    assert nir_text[0]["row"] is None and nir_text[0]["column"] is None
    # same NIR written two ways: one fingerprint
    assert nir_cell[0]["value_hash"] == nir_text[0]["value_hash"]
    # no raw value anywhere that leaves the process
    for blob in (out.read_bytes(), r.stdout.encode(), r.stderr.encode(), db.read_bytes()):
        for raw in (NIR, NIR_COMPACT, PHONE, EMAIL, "MARTIN"):
            assert raw.encode() not in blob
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM findings").fetchone()[0] == len(recs)
    con.close()


def test_exit_code_zero_when_clean(tmp_path: Path):
    (tmp_path / "ok.txt").write_text("Bonjour, rien ici.\n")
    r = run("scan", tmp_path / "ok.txt", "--no-db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_sarif(leak: Path, tmp_path: Path):
    r = run("scan", leak, "--no-db", "--format", "sarif", "--output", tmp_path / "out.sarif", cwd=tmp_path)
    assert r.returncode == 1
    log = json.loads((tmp_path / "out.sarif").read_text())
    assert log["version"] == "2.1.0"
    run0 = log["runs"][0]
    assert run0["tool"]["driver"]["name"] == "sentinelle"
    rule_ids = {x["id"] for x in run0["tool"]["driver"]["rules"]}
    assert "FR_NIR" in rule_ids
    assert {res["ruleId"] for res in run0["results"]} <= rule_ids
    text_nir = [res for res in run0["results"] if res["ruleId"] == "FR_NIR"
                and res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "note.txt"]
    region = text_nir[0]["locations"][0]["physicalLocation"]["region"]
    assert region["charLength"] == len(NIR)


@pytest.mark.parametrize("name,content,reason", [
    ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 200, "binary"),            # binary named .csv
    ("trunc.txt", "Patiente née le 12/03/1985 ".encode() + b"\xc3", "truncated"),  # cut mid-character
    ("bad.json", b'{"nom": "X",, }', "line 1"),                             # malformed JSON
])
def test_bad_input_one_line_and_scan_goes_on(tmp_path: Path, name, content, reason):
    d = tmp_path / "in"
    d.mkdir()
    (d / name).write_bytes(content)
    (d / "empty.csv").write_bytes(b"")
    (d / "z_good.txt").write_text(f"NIR {NIR}\n")
    r = run("scan", d, "--no-db", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1                              # the good file was still scanned
    err_lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(err_lines) == 1 and name in err_lines[0] and reason in err_lines[0].lower()
    assert "Traceback" not in r.stderr
    s = json.loads(r.stdout)
    assert {f["path"] for f in s["files"]} == {name, "empty.csv", "z_good.txt"}
    assert [i["path"] for i in s["issues"]] == [name]     # an empty file is not an error


def test_error_only_gives_exit_2(tmp_path: Path):
    (tmp_path / "b.csv").write_bytes(b"\x00\xff" * 500)
    r = run("scan", tmp_path / "b.csv", "--no-db", cwd=tmp_path)
    assert r.returncode == 2
    r = run("scan", tmp_path / "missing", "--no-db", cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr


def test_directory_loop(tmp_path: Path):
    d = tmp_path / "loop"
    (d / "a").mkdir(parents=True)
    (d / "a" / "n.txt").write_text(f"NIR {NIR}\n")
    os.symlink(d, d / "a" / "back")
    r = run("scan", d, "--no-db", "--follow-symlinks", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    s = json.loads(r.stdout)
    assert [f["path"] for f in s["files"] if f["findings"]] == ["a/n.txt"]   # scanned once
    assert any("loop" in i["reason"] for i in s["issues"])
    r = run("scan", d, "--no-db", "--format", "json", cwd=tmp_path)       # default: links not followed
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == ["a/n.txt"]


def test_unreadable_file(tmp_path: Path):
    # root reads any file whatever its mode (CAP_DAC_OVERRIDE), so as root the scan runs with
    # those capabilities dropped (util-linux setpriv), which makes the mode bits apply again
    base = Path(tempfile.mkdtemp(prefix="sentinelle-perm-"))
    try:
        (base / "secret.txt").write_text(f"NIR {NIR}\n")
        os.chmod(base / "secret.txt", 0o000)
        (base / "ok.txt").write_text(f"NIR {NIR}\n")
        prefix: tuple[str, ...] = ()
        if os.geteuid() == 0:
            caps = "-dac_override,-dac_read_search"
            prefix = ("setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}")
        r = run("scan", base, "--no-db", "--format", "json", cwd=base, prefix=prefix)
        assert r.returncode == 1, r.stderr
        s = json.loads(r.stdout)
        assert [(i["path"], i["reason"]) for i in s["issues"]] == [("secret.txt", "permission denied")]
        assert "secret.txt" in r.stderr and "permission denied" in r.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_findings_file_not_left_half_written(tmp_path: Path):
    (tmp_path / "x.txt").write_text(f"NIR {NIR}\n")
    r = run("scan", tmp_path / "x.txt", "--no-db", "--findings", tmp_path / "out" / "f.jsonl",
            "--entities", "NOPE", cwd=tmp_path)
    assert r.returncode == 2 and "unknown entity" in r.stderr
    assert not (tmp_path / "out" / "f.jsonl").exists()
    assert not list(tmp_path.glob("**/*.part"))


def test_input_never_modified(leak: Path, tmp_path: Path):
    before = {p: p.read_bytes() for p in leak.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    run("scan", leak, "--db", tmp_path / "s.duckdb", "--findings", tmp_path / "f.jsonl", cwd=tmp_path)
    assert {p: p.read_bytes() for p in before} == before
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes
    assert not (leak / ".sentinelle").exists()


def test_shipped_sample_readme_command(tmp_path: Path):
    # README, first command: `sentinelle scan examples/leak` (synthetic sample, see examples/README.md)
    repo = Path(__file__).resolve().parents[1]
    r = run("scan", repo / "examples" / "leak", "--no-db", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    s = json.loads(r.stdout)
    assert s["totals"]["errors"] == 0 and s["totals"]["files"] == 14
    assert {"FR_NIR", "PERSON", "HEALTH_CONDITION", "IBAN_CODE"} <= set(s["totals"]["by_entity"])


def test_synth_scan_evaluate_end_to_end(tmp_path: Path):
    # the measurement loop on a small leak with a seed nobody tuned on; the floor is the
    # issue's target (micro F1 >= 0.97), not a figure read off a run
    r = run("synth", tmp_path / "s", "--patients", "300", "--labs", "4", "--copies", "1",
            "--seed", "424242", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run("scan", tmp_path / "s" / "leak", "--no-db", "-q", "--findings", tmp_path / "f.jsonl", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    r = run("evaluate", tmp_path / "s" / "truth.json", tmp_path / "f.jsonl", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ev = json.loads(r.stdout)
    assert ev["micro"]["f1"] >= 0.97, ev
    r = run("synth", tmp_path / "s", "--patients", "10", cwd=tmp_path)   # never overwrite
    assert r.returncode == 2 and "not an empty folder" in r.stderr


def test_findings_to_a_device_is_written_not_replaced(leak: Path, tmp_path: Path):
    """`--findings /dev/null` must write to the device, never rename a file over it (as root
    the rename would succeed and replace /dev/null with a regular file)."""
    import stat

    r = run("scan", leak, "--no-db", "--findings", "/dev/null", "-q", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("args", [
    ("scan", "{leak}", "--no-db", "--findings", "{folder}"),       # a folder in the file's place
    ("scan", "{leak}", "--no-db", "-o", "{folder}"),
    ("scan", "{leak}", "--no-db", "--findings", "{file}/f.jsonl"),  # a file in a folder's place
    ("assess", "{leak}", "--no-db", "-q", "--json", "{folder}"),
])
def test_unwritable_output_is_one_line_and_exit_2(leak: Path, tmp_path: Path, args):
    # exit 1 would read as "personal data found" to a pipeline gate: a failed output is an error
    folder = tmp_path / "out"
    folder.mkdir()
    (tmp_path / "plain.txt").write_text("x\n", encoding="utf-8")
    argv = [a.format(leak=leak, folder=folder, file=tmp_path / "plain.txt") for a in args]
    r = run(*argv, cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sentinelle: cannot write ")
    assert "Traceback" not in r.stderr
    assert not list(folder.iterdir()) and not list(tmp_path.glob(".*.part"))


def test_assess_of_nothing_readable_writes_no_report(tmp_path: Path):
    # a mistyped path must not give a "0 persons, low severity" notification draft
    r = run("assess", tmp_path / "missing", "--no-db", "--json", tmp_path / "a.json",
            "--notification", tmp_path / "drafts", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1] == \
        "sentinelle: nothing could be read (1 error(s) above); no report written"
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "drafts").exists()
