"""Review of session 12 (commits 1325798: personal data in file and folder names, paths masked;
b4a79e1: store v3, interrupted scans stamped ``interrupted_at``): one test per defect found,
each failing before its fix.

Test data is synthetic, the names of the project's own examples (tests/test_scan_names12.py,
src/sentinelle/redact/names.py: DUPONTEL Mireille; MARTIN Jean); ``MOREAU Jean`` is a made-up
name of the same shape as ``MARTIN Jean`` (6 capitals, space, 4 letters ending in ``an``) so
that both are masked alike (:func:`sentinelle.privacy.mask` of a PERSON keeps the first and
the last two characters and the separators: ``M***** **an``, docs/findings-schema.md example
``fn/CR_D*******_******le``). ``2951099126111`` is the 13-character body of the README's
synthetic NIR ``2 95 10 99 126 111 93`` without its key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")

DUPONTEL = "CR_DUPONTEL_Mireille_2951099126111.txt"


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_store_roots_of_a_scanned_file_keep_no_name(tmp_path):
    """docs/findings-schema.md: "Every ``path`` scan writes (... the store ...) has the span of
    each finding of its names replaced by its mask". Scanning the file of the session-11
    new-user fault by its own name (``sentinelle scan fn/CR_DUPONTEL_...txt``) stored the
    argument as given in ``scans.roots``: the patient's name and NIR in clear in the store,
    while every finding and source path of the same scan is masked."""
    duckdb = pytest.importorskip("duckdb")
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / DUPONTEL).write_text("ok\n", encoding="utf-8")
    got = run("scan", f"fn/{DUPONTEL}", "--db", "s.duckdb", "--no-progress", cwd=tmp_path)
    assert got.returncode == 1, got.stderr
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT roots FROM scans").fetchall()
        paths = con.execute("SELECT DISTINCT path FROM findings").fetchall()
    finally:
        con.close()
    assert paths and all("DUPONTEL" not in p for (p,) in paths)  # masked, as documented
    roots = json.loads(rows[0][0])
    assert not any("DUPONTEL" in r or "Mireille" in r or "2951099126111" in r for r in roots), roots


def test_two_files_shown_by_the_same_masked_path_are_told_apart(tmp_path):
    """``MARTIN Jean/bilan.txt`` and ``MOREAU Jean/bilan.txt`` are both shown
    ``M***** **an/bilan.txt``: two rows, two findings lines and two store sources with the same
    path and no word to the user, who cannot find which file is which. Either the shown paths
    differ, or the scan says on stderr that this path stands for several files (and that
    ``--raw-paths`` tells them apart)."""
    for name in ("MARTIN Jean", "MOREAU Jean"):
        (tmp_path / "c" / name).mkdir(parents=True)
        (tmp_path / "c" / name / "bilan.txt").write_text("rien\n", encoding="utf-8")
    got = run("scan", "c", "--no-db", "--format", "json", "-o", "out.json", "--no-progress",
              cwd=tmp_path)
    assert got.returncode == 1, got.stderr
    files = [f["path"] for f in json.loads((tmp_path / "out.json").read_text())["files"]]
    assert len(files) == 2
    assert all("MARTIN" not in p and "MOREAU" not in p for p in files)  # masked
    same = files[0] == files[1]
    assert not same or (files[0] in got.stderr and "--raw-paths" in got.stderr), (files, got.stderr)


def test_scan_stopped_by_sigterm_is_stamped_interrupted(tmp_path):
    """b4a79e1, store docstring and docs/assess-schema.md: a scan "stopped by Ctrl-C or
    SIGTERM" has ``scans.interrupted_at`` set (and its findings so far kept). Ctrl-C does it;
    SIGTERM killed ``sentinelle scan`` at once (exit -15, no handler): ``interrupted_at``
    NULL, ``assess --scan-id`` says "never ended" as for a killed process, and a partial
    ``.<findings>.XXXX.part`` file is left next to ``--findings``."""
    duckdb = pytest.importorskip("duckdb")
    data = tmp_path / "big"
    data.mkdir()
    line = "patient Mme Lucie BERNARD tel 06 12 34 56 78\n"
    for i in range(4):
        (data / f"cr_{i}.txt").write_text(line * 60000, encoding="utf-8")
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    p = subprocess.Popen([str(BIN), "scan", "big", "--db", "s.duckdb", "--jobs", "1",
                          "--no-progress", "--findings", "f.jsonl"], cwd=tmp_path, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # under load the start-up alone may take seconds: the
    while time.monotonic() < deadline and p.poll() is None:  # signal once findings are written
        if (tmp_path / "s.duckdb").exists() and list(tmp_path.glob(".f.jsonl.*.part")):
            break
        time.sleep(0.2)
    time.sleep(0.5)
    if p.poll() is not None:
        pytest.skip("the scan ended before the signal: machine too fast for this test")
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=120)
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:
        finished, interrupted = con.execute(
            "SELECT finished_at, interrupted_at FROM scans").fetchall()[0]
    finally:
        con.close()
    assert finished is None
    assert interrupted is not None
    assert not list(tmp_path.glob(".f.jsonl.*.part"))


def test_store_half_migrated_to_v3_still_opens(tmp_path):
    """b4a79e1, ``Store.__init__``: v2 -> v3 is two autocommitted statements (``ALTER TABLE
    scans ADD COLUMN interrupted_at``, then ``UPDATE meta`` to 3) outside any transaction. A
    process killed between them leaves a store whose meta says 2 and whose ``scans`` already
    has ``interrupted_at``; every later open fails ("cannot open store (Catalog Error: Column
    with name "interrupted_at" already exists!)") and the store's scans are lost to the user.
    The state is made here directly (the v2 schema of b4a79e1^:src/sentinelle/store, plus the
    column); a fix runs the migration in one transaction and/or adds the column ``IF NOT
    EXISTS``."""
    duckdb = pytest.importorskip("duckdb")
    from sentinelle.store import Store

    db = tmp_path / "half.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute("CREATE SEQUENCE scan_ids START 1")
    con.execute("CREATE TABLE scans (scan_id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ, "
                "finished_at TIMESTAMPTZ, roots VARCHAR, tool_version VARCHAR, findings BIGINT, "
                "files BIGINT, errors BIGINT)")
    con.execute("ALTER TABLE scans ADD COLUMN interrupted_at TIMESTAMPTZ")  # the first step only
    con.close()
    store = Store(db)
    try:
        version = store.con.execute(
            "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    finally:
        store.close()
    assert version == "3"
