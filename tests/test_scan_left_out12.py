"""Session 12 (new-user trial): a scan that leaves entries out says so in one line.

A folder whose hidden sub-folder held a lab's billing table (NIRs, IBANs) was scanned as
"9 findings in 1 of 1 files" with nothing on stderr; FIFOs and symbolic links were dropped
without a word too. The data below is synthetic (the shipped sample's billing table).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "leak" / "labo_biomed_lyon" / "facturation.csv"


def _scan(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SENTINELLE_KEY="test-key-left-out")
    return subprocess.run([sys.executable, "-m", "sentinelle", "scan", *args, "--no-db"],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_hidden_links_and_fifos_are_named(tmp_path):
    (tmp_path / "d" / ".hid").mkdir(parents=True)
    shutil.copyfile(SAMPLE, tmp_path / "d" / ".hid" / "facturation.csv")
    (tmp_path / "d" / "a.txt").write_text("bonjour\n", encoding="utf-8")
    os.mkfifo(tmp_path / "d" / "pipe")
    os.symlink(tmp_path / "d" / "a.txt", tmp_path / "d" / "lien.txt")
    r = _scan("d", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    notes = [ln for ln in r.stderr.splitlines() if "note:" in ln]
    assert len(notes) == 1
    assert ("1 hidden file or folder skipped (--hidden to scan them); 1 symbolic link not "
            "followed (--follow-symlinks); 1 special file (FIFO, socket, device) not read") in notes[0]
    # -q: nothing said; --hidden: the table is read and nothing is left to say about hidden
    assert "note:" not in _scan("d", "-q", cwd=tmp_path).stderr
    r = _scan("d", "--hidden", "--follow-symlinks", cwd=tmp_path)
    assert r.returncode == 1  # the billing table's NIRs and IBANs
    assert "hidden" not in r.stderr and "symbolic" not in r.stderr


def test_nothing_left_out_says_nothing(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("bonjour\n", encoding="utf-8")
    r = _scan("d", cwd=tmp_path)
    assert r.returncode == 0 and "note:" not in r.stderr
