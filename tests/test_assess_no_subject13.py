"""``sentinelle assess --notification`` drafts nothing when no data subject is found (session 13
new-user trial: a folder of number tables gave a CNIL notification draft and art. 34 letters
"to the 0 persons concerned"). Synthetic input: two digits, no personal data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).with_name("sentinelle")


def test_no_subject_no_drafts(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "nums.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    res = subprocess.run([str(BIN), "assess", "in", "--no-db", "--notification", "drafts",
                          "--json", "a.json"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "no data subject found: no notification drafted in drafts" in res.stderr
    assert not (tmp_path / "drafts").exists()
    assert (tmp_path / "a.json").exists()  # the assessment itself is written
