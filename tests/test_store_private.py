"""New-user report (session 6): the store was created world-readable (0644) while findings,
SARIF, reports and drafts are 0600, and ``assess`` of an empty folder raised a DuckDB traceback
(``executemany requires a non-empty list``). Synthetic data only."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sentinelle", *args], cwd=cwd,
                          capture_output=True, text=True)


@pytest.mark.parametrize("args", [
    ("scan", "a.csv", "--db", "s.duckdb", "-q"),            # the scan store
    ("assess", "a.csv", "--db", "s.duckdb", "-q", "-j", "1"),  # the assess store
])
def test_new_store_is_private(tmp_path: Path, args):
    (tmp_path / "a.csv").write_text("nom;email\nMARTIN;c.martin@example.org\n", encoding="utf-8")
    r = run(*args, cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert stat.S_IMODE((tmp_path / "s.duckdb").stat().st_mode) == 0o600


def test_assess_of_an_empty_folder_is_not_a_traceback(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    r = run("assess", "empty", "--db", "s.duckdb", "-q", "-j", "1", cwd=tmp_path)
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 2), r.stderr
