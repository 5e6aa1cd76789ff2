"""Review (session 6): ``scan dir --findings dir/a.txt`` and ``assess dir --json dir/a.txt``
replaced the scanned file a.txt with their output. The input is never modified: an output that
is one of the files to read is refused before anything runs, and the file is left as it was.
Synthetic data only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NOTE = "Patiente MARTIN Claire, ecrire a c.martin@example.org\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sentinelle", *args], cwd=cwd,
                          capture_output=True, text=True)


@pytest.mark.parametrize("args, option, target", [
    (("scan", "leak", "--no-db", "-q", "--findings", "leak/a.txt"), "--findings", "leak/a.txt"),
    (("scan", "leak/a.txt", "--no-db", "-q", "-o", "leak/a.txt"), "--output", "leak/a.txt"),
    (("assess", "leak", "--no-db", "-q", "-j", "1", "--json", "leak/a.txt"), "--json", "leak/a.txt"),
    (("assess", "leak", "--no-db", "-q", "-j", "1", "--html", "leak/a.txt"), "--html", "leak/a.txt"),
])
def test_output_over_an_input_is_refused(tmp_path: Path, args, option, target):
    (tmp_path / "leak").mkdir()
    (tmp_path / "leak" / "a.txt").write_text(NOTE, encoding="utf-8")
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"sentinelle: cannot write {target}: it is one of the files to read ({option}); "
        f"the input is never modified"]
    assert (tmp_path / "leak" / "a.txt").read_text(encoding="utf-8") == NOTE


def test_new_output_inside_the_scanned_folder_is_allowed(tmp_path: Path):
    # a file that does not exist yet is not an input: written as before
    (tmp_path / "leak").mkdir()
    (tmp_path / "leak" / "a.txt").write_text(NOTE, encoding="utf-8")
    r = run("scan", "leak", "--no-db", "-q", "--findings", "leak/findings.jsonl", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert (tmp_path / "leak" / "findings.jsonl").read_text(encoding="utf-8").count("\n") >= 1
