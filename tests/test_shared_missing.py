"""Without the team's shared folder (closing5: "tests fail with FileNotFoundError, not a hint,
when ../shared is missing"), the tests that read it fail, never skip, each with one line naming
SENTINELLE_SHARED instead of a traceback, and the other tests still run. Run as a user would: a
real pytest subprocess on real test modules of this suite (tests/conftest.py holds the hooks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("target, why", [
    # reads the corpus at import (its parameters): a collection error, one line
    ("tests/identifiers/test_nir_identifier.py", "import-time read"),
    # reads a corpus file inside the test: a failure, one line
    ("tests/readers/test_readers_hprim.py::test_solabio_structure", "run-time read"),
])
def test_missing_shared_folder_fails_with_one_line(tmp_path, target, why):
    env = {**os.environ, "SENTINELLE_SHARED": str(tmp_path / "no-shared")}
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                        "--tb=short", target, "tests/test_entity_table.py::test_every_label_"
                        "has_a_detector"], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=600)
    out = r.stdout
    assert r.returncode != 0, why                      # failed, not skipped
    assert "skipped" not in out, why
    assert f"shared corpus is missing: {tmp_path / 'no-shared'}/corpus/" in out, why
    assert "set SENTINELLE_SHARED=/path/to/shared" in out, why
    assert "Traceback" not in out and "FileNotFoundError" not in out, why
    assert " passed" in out, why                        # the tests not needing it still ran
