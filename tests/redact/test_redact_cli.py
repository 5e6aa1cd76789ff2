"""``sentinelle redact`` and ``sentinelle reidentify`` run as a user would (a real subprocess):
exit codes, one-line refusals of unsafe output folders and bad input, nothing half written,
and the reversible round trip with its audit log.

Synthetic data: NIR key by hand (pb-016), phone in the ARCEP fiction block 04 65 71.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")
CSV = ("nom;prenom;nir;tel\n"
       "MARTIN;Claire;285072A00412338;04 65 71 12 34\n"
       "DUPUIS;Marc;190010112345616;04 65 71 98 76\n")


def run(*args, cwd: Path, env_extra: dict | None = None):
    env = {**os.environ, "SENTINELLE_KEY": "cli-test-key", **(env_extra or {})}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    d = tmp_path / "leak"
    (d / "lab").mkdir(parents=True)
    (d / "lab" / "patients.csv").write_text(CSV, encoding="utf-8")
    (d / "note.txt").write_text("NIR 2 85 07 2A 004 123 38, tél. 04 65 71 12 34\n", "utf-8")
    return d


def _one_line_error(stderr: str) -> str:
    lines = [l for l in stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("sentinelle: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_redact_writes_tree_and_report(leak, tmp_path):
    r = run("redact", leak, "--out", tmp_path / "out", "--policy", "research", "--report",
            tmp_path / "r.json", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "lab" / "patients.csv").exists()
    assert (tmp_path / "out" / "note.txt").read_text("utf-8").startswith("NIR fr_nir_")
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["schema"] == "sentinelle-redact-report/1" and report["ok"] is True
    assert report["rescan"]["original_values_left"] == 0
    assert report["rescan"]["validated_identifiers_left"] == 0
    assert "285072A00412338" not in json.dumps(report)            # no raw value in the report
    assert not list((tmp_path / "out").rglob("*.part"))


@pytest.mark.parametrize("make_out, reason", [
    (lambda leak, tmp: leak / "inside", "must not be an input or lie inside one"),
    (lambda leak, tmp: leak, "must not be an input"),
])
def test_output_inside_input_refused(leak, tmp_path, make_out, reason):
    r = run("redact", leak, "--out", make_out(leak, tmp_path), "--policy", "share", cwd=tmp_path)
    assert r.returncode == 2 and reason in _one_line_error(r.stderr)
    assert not (leak / "inside").exists()


def test_output_symlink_refused(leak, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    r = run("redact", leak, "--out", tmp_path / "link", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 2 and "symbolic link" in _one_line_error(r.stderr)
    assert not any((tmp_path / "elsewhere").iterdir())


def test_planted_symlink_in_output_tree_refused(leak, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "victim").mkdir()
    (out / "lab").symlink_to(tmp_path / "victim")            # out/lab -> outside
    r = run("redact", leak, "--out", out, "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 2
    assert "lab/patients.csv" in r.stderr and "outside" in r.stderr
    assert not any((tmp_path / "victim").iterdir())            # nothing written outside
    assert (out / "note.txt").exists()                         # the other file still written


def test_bad_input_one_line_nothing_half_written(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "broken.csv").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    (d / "good.csv").write_text(CSV, encoding="utf-8")
    r = run("redact", d, "--out", tmp_path / "out", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 2
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "broken.csv" in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "out" / "broken.csv").exists()
    assert (tmp_path / "out" / "good.csv").exists()
    assert not list((tmp_path / "out").rglob("*.part"))


@pytest.mark.parametrize("args, message", [
    (("--policy", "sharing"), "presets are share, research, test-data"),  # a typo
    (("--policy", "share", "--suppress"), "--suppress needs --k"),
])
def test_bad_usage_exit_2(leak, tmp_path, args, message):
    r = run("redact", leak, "--out", tmp_path / "out", *args, cwd=tmp_path)
    assert r.returncode == 2 and message in _one_line_error(r.stderr)


def test_unwritable_format_skipped_not_copied(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    (d / "p.csv").write_text(CSV, encoding="utf-8")
    r = run("redact", d, "--out", tmp_path / "out", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "skipped: scan.pdf" in r.stderr and "not copied" in r.stderr
    assert not (tmp_path / "out" / "scan.pdf").exists()


REVERSIBLE = """
name = "reversible"
default = "redact"
[entities]
FR_NIR = { operator = "pseudonym", reversible = true }
PERSON = { operator = "pseudonym", reversible = true }
PHONE_NUMBER = "keep"
"""


def test_reidentify_round_trip_and_log(leak, tmp_path):
    policy = tmp_path / "rev.toml"
    policy.write_text(REVERSIBLE, encoding="utf-8")
    r = run("redact", leak, "--out", tmp_path / "red", "--policy", policy, "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    red = (tmp_path / "red" / "lab" / "patients.csv").read_text("utf-8")
    assert "285072A00412338" not in red and "MARTIN" not in red and "PSN:FR_NIR:" in red
    log = tmp_path / "audit.log"
    r = run("reidentify", tmp_path / "red", "--out", tmp_path / "back", "--log", log,
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for name in ("lab/patients.csv", "note.txt"):
        assert (tmp_path / "back" / name).read_bytes() == (leak / name).read_bytes()
    (entry,) = [json.loads(l) for l in log.read_text("utf-8").splitlines()]
    assert entry["event"] == "reidentify" and entry["tokens_reversed"] == 7  # 2 NIR + 4 names + 1 NIR
    assert entry["files_written"] == 2 and entry["user"] and entry["time"]
    assert "285072A00412338" not in log.read_text("utf-8") and "MARTIN" not in log.read_text()
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    # another key cannot reverse the tokens: the file fails, nothing written
    r = run("reidentify", tmp_path / "red", "--out", tmp_path / "back2", "--log", log,
            cwd=tmp_path, env_extra={"SENTINELLE_KEY": "wrong-key"})
    assert r.returncode == 2 and "the key does not match" in r.stderr
    assert not (tmp_path / "back2" / "lab" / "patients.csv").exists()
    assert len(log.read_text("utf-8").splitlines()) == 2     # that run is logged too
