"""Session 10 fault list (helper R): `redact` with nothing written exits 2 with one line;
`--exclude` without a value names the command in its one-line error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

BIN = [str(__import__("pathlib").Path(sys.executable).with_name("sentinelle"))]


def _run(*args, cwd):
    env = {**os.environ, "SENTINELLE_KEY": "test-key-faults10"}
    return subprocess.run([*BIN, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_redact_every_input_skipped_exits_2(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.bin").write_bytes(b"\x00\x01\x02binary")                  # unsupported format
    (d / "c.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")  # not written back
    r = _run("redact", "in", "--out", "out", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == (
        "sentinelle: nothing written: none of the 2 input files could be redacted (see above)")
    assert not (tmp_path / "out").exists()


def test_redact_one_written_one_skipped_still_0(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.bin").write_bytes(b"\x00\x01\x02binary")
    (d / "p.csv").write_text("ville;quantite\nparis;3\n", "utf-8")
    r = _run("redact", "in", "--out", "out", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr                              # not an error
    assert "nothing written" not in r.stderr


@pytest.mark.parametrize("args, line", [
    (("scan", ".", "--exclude"),
     "sentinelle: Option '--exclude' requires an argument (see `sentinelle scan --help`)"),
    (("redact", ".", "--out", "o", "--policy", "share", "--exclude"),
     "sentinelle: Option '--exclude' requires an argument (see `sentinelle redact --help`)"),
    # an empty glob matches nothing: refused, not ignored
    (("scan", ".", "--exclude="),
     "sentinelle: Invalid value for '--exclude': needs a glob of file or folder names "
     "(e.g. '*.bak') (see `sentinelle scan --help`)"),
    # Click takes the next word as the value: another option of the command is a mistake
    (("scan", ".", "--exclude", "-q"),
     "sentinelle: Invalid value for '--exclude': needs a glob of file or folder names, got the "
     "option -q (see `sentinelle scan --help`)"),
])
def test_exclude_without_value_one_line(tmp_path, args, line):
    r = _run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == line + "\n"
    assert r.stdout == ""
