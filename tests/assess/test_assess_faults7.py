"""Faults of the assessment found by session 6's new user (session 7): a file with a read error
counted as a file "with findings"; the circumstances of the breach (ENISA CB) taken as known
when nobody stated them; temporary folders left behind by a run killed with SIGTERM or SIGHUP.
Identifiers are synthetic with valid keys (NIR key = 97 - n mod 97)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sentinelle.assess import Options, assess_paths
from sentinelle.assess.severity import Circumstances, cb, severity

KEY = b"test-key-not-secret"
# 1 80 05 75 123 456 | key 27 (97 - 1800575123456 mod 97 = 27)
NIR = "180057512345627"
# 2 91 12 69 123 789 | key 58 (97 - 2911269123789 mod 97 = 58)
NIR_B = "291126912378958"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# -- (a) a file with a read error after some records is "partly read" (session 8) -----------

def test_file_with_read_error_counts_as_partly_read(tmp_path):
    # an NDJSON export cut in its last line: the first line is read (findings), then the
    # reader raises a ReadError for the bad line (readers/jsondoc.py, _ndjson)
    _write(tmp_path / "cut.ndjson",
           f'{{"nom": "DUPONT", "prenom": "Jean", "nir": "{NIR}"}}\n'
           '{"nom": "MARTIN", "prenom": "Lé\n')
    _write(tmp_path / "ok.csv", f"nom;prenom;nir\nMARTIN;Léa;{NIR_B}\n")
    doc = assess_paths([tmp_path], key=KEY)
    files = doc["files"]
    # session 8: a file cut short that gave records counts as read ("partly read"), so that
    # the counts agree with its records, bytes and sources row; errors = files of which nothing
    # was read
    assert files["errors"] == 0
    assert files["partly_read"] == 1     # cut.ndjson
    assert files["scanned"] == 2         # ok.csv and cut.ndjson
    assert files["with_findings"] == 2
    by_path = {f["path"]: f for s in doc["sources"] for f in s["file_list"]}
    assert by_path["cut.ndjson"]["issue"] == "error"
    assert by_path["cut.ndjson"]["partly_read"] is True
    assert by_path["cut.ndjson"]["findings"] > 0  # its findings before the error are kept


# -- (d) SIGTERM and SIGHUP stop `assess` as Ctrl-C does: no temporary folder left behind ----

@pytest.fixture(scope="module")
def small_leak(tmp_path_factory) -> Path:
    from sentinelle.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(out, patients=400, labs=2, copies=1, seed=3)
    return out / "leak"


def _wait_for(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("sig, jobs, delay", [
    (signal.SIGTERM, "1", 0.0),  # `kill PID` as the working database is being created
    (signal.SIGTERM, "1", 1.0),  # `kill PID` while scanning, everything in one process
    (signal.SIGTERM, "2", 1.0),  # ... with worker processes: they are stopped too
    (signal.SIGHUP, "1", 1.0),   # the terminal or SSH session closed
    (-signal.SIGHUP, "2", 1.0),  # ... as a terminal does it: to the whole process group,
                                 # workers included (they leave the stopping to the main one)
])
def test_killed_assess_removes_its_temporary_folders(small_leak, tmp_path, sig, jobs, delay):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "SENTINELLE_KEY": "test-key"}
    out = tmp_path / "a.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sentinelle", "assess", str(small_leak), "--no-db",
         "--jobs", jobs, "--json", str(out), "-q"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)  # its own process group (for the group signal)
    try:
        # the working database's folder exists from the start of the assessment to its end
        assert _wait_for(lambda: any(tmp.glob("sentinelle-assess-*")), 120), \
            "the assessment did not start"
        if delay:  # the working database made, files being scanned (a run takes ~10 s here)
            assert _wait_for(lambda: any(tmp.glob("sentinelle-assess-*/work.duckdb")), 60)
            time.sleep(delay)
        assert proc.poll() is None, "the assessment ended before the signal"
        if sig < 0:
            os.killpg(proc.pid, -sig)
        else:
            proc.send_signal(sig)
        _stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr   # the CLI's exit code for an interrupted run
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert list(tmp.iterdir()) == []        # no sentinelle-assess-*, no spool, nothing
    assert not out.exists()                 # no half-made assessment


# -- (b) the exposure is asked for, not assumed silently; (c) "1 person" in the CLI summary ----

@pytest.mark.parametrize("extra, assumed, basis", [
    # no --exposure: the findings cannot tell whether the data was published
    ([], ["loss_of_confidentiality"],
     "assumed: data published, unknown number of recipients (not stated; to be confirmed)"),
    (["--exposure", "published"], [], "data found published: unknown number of recipients"),
])
def test_cli_exposure_not_stated_is_an_assumption(tmp_path, monkeypatch, extra, assumed, basis):
    from click.testing import CliRunner

    from sentinelle.cli import app

    monkeypatch.setenv("SENTINELLE_KEY", "test-key")
    leak = tmp_path / "leak"
    leak.mkdir()
    _write(leak / "patients.csv", f"nom;prenom;date_naissance;nir\nDUPONT;Jean;12/05/1980;{NIR}\n")
    out, drafts = tmp_path / "a.json", tmp_path / "drafts"
    res = CliRunner().invoke(app, ["assess", str(leak), "--no-db", "--json", str(out),
                                   "--notification", str(drafts), "--jobs", "1", *extra])
    assert res.exit_code == 0, res.output
    cb_ = json.loads(out.read_text())["severity"]["cb"]
    assert cb_["assumed"] == assumed
    assert cb_["basis"] == basis
    assert cb_["factors"]["loss_of_confidentiality"] == 0.5  # the worst case either way
    letter = (drafts / "lettre-personnes.fr.md").read_text("utf-8")
    assert ("qui a été [À COMPLÉTER] (rendu public" in letter) is bool(assumed)
    assert ("CB assumes the data published: confirm with --exposure" in res.output) is bool(assumed)
    # one person, one record, one file: the summary agrees with its counts
    assert "from 1 record" in res.output and "from 1 records" not in res.output
    assert "1 folder, 1 file" in res.output
