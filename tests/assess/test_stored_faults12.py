"""Session 12, new-user trial faults on stored scans (`assess --scan-id`):

1. a scan that did not finish (interrupted: Ctrl-C, SIGTERM) is marked so in the store
   (``scans.interrupted_at``) and refused by ``assess --scan-id`` (one line, exit 2) instead of
   being assessed as a real, empty scan ("persons 0 ... low");
2. a scan made by ``sentinelle scan`` is linked on exact keys only (no typo tolerance:
   docs/assess-schema.md): the summary table, the JSON notes and the HTML report say that its
   persons may be over-counted.

Data: synthetic rows written here (names and numbers invented; the NIR keys computed).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from sentinelle.assess import assess_stored
from sentinelle.cli import app
from sentinelle.errors import StoreError
from sentinelle.store import SCHEMA_VERSION, Store

KEY = b"test-key-not-secret"


def _nir(body: str) -> str:  # 13 digits + key 97 - (n mod 97) (INSEE)
    return body + f"{97 - int(body) % 97:02d}"


#: the same person twice, the second time with a typo in the surname (MARTINN)
CSV = "nom;prenom;nir;date_naissance;telephone\n" + "".join(
    f"{a};{b};{_nir(c)};{d};{e}\n" for a, b, c, d, e in [
        ("MARTIN", "Jean", "1850575056048", "1985-05-12", "0612345678"),
        ("MARTINN", "Jean", "1850575056048", "1985-05-12", "0612345678"),
        ("BERNARD", "Alice", "2920313055123", "1992-03-04", "0698765432")])


def _interrupted_store(db: Path) -> None:
    """What `scan --db` / `assess PATH --db` leave when stopped: a scan begun, the store
    closed (their KeyboardInterrupt handler) without end_scan."""
    s = Store(db)
    s.begin_scan(["big/leak"], "test")
    s.close()


# ----------------------------------------------------------------- 1. unfinished scan


def test_close_without_end_marks_the_scan_interrupted(tmp_path):
    db = tmp_path / "s.duckdb"
    _interrupted_store(db)
    with Store(db) as s:
        s.begin_scan(["x"], "test")
        s.end_scan(0, 0, 0)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT scan_id, finished_at IS NULL, interrupted_at IS NULL FROM scans "
                       "ORDER BY scan_id").fetchall()
    con.close()
    assert rows == [(1, True, False), (2, False, True)]


def test_assess_stored_refuses_an_unfinished_scan(tmp_path):
    db = tmp_path / "s.duckdb"
    _interrupted_store(db)
    with Store(db) as s, pytest.raises(StoreError,
                                       match=r"scan 1 did not finish \(interrupted at .+\): "
                                             r"nothing to assess; scan again"):
        assess_stored(s, 1, key=KEY, tool_version="test")


def test_cli_assess_scan_id_of_an_unfinished_scan_exits_2(tmp_path):
    db = tmp_path / "s.duckdb"
    _interrupted_store(db)
    out = tmp_path / "a.json"
    res = CliRunner().invoke(app, ["assess", "--db", str(db), "--scan-id", "1",
                                   "--json", str(out)])
    assert res.exit_code == 2, res.output
    assert "scan 1 did not finish (interrupted at " in res.output
    assert "persons" not in res.output and "severity" not in res.output
    assert not out.exists()


def test_unfinished_scan_killed_without_close_is_refused_too(tmp_path):
    # a scan whose process was killed (SIGKILL, power cut): no end, no interruption recorded
    db = tmp_path / "s.duckdb"
    s = Store(db)
    s.begin_scan(["x"], "test")
    s.con.close()  # not Store.close(): nothing marked
    with Store(db) as s2, pytest.raises(StoreError, match=r"scan 1 did not finish \(started at "):
        assess_stored(s2, 1, key=KEY, tool_version="test")


def test_version_2_store_is_migrated(tmp_path):
    db = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute("CREATE SEQUENCE scan_ids START 1")
    con.execute("CREATE TABLE scans (scan_id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ, "
                "finished_at TIMESTAMPTZ, roots VARCHAR, tool_version VARCHAR, findings BIGINT, "
                "files BIGINT, errors BIGINT)")
    con.close()
    with Store(db) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key='schema_version'"
                             ).fetchone()[0] == str(SCHEMA_VERSION) == "3"
        sid = s.begin_scan(["x"], "test")
        s.end_scan(0, 0, 0)
        assert s.con.execute("SELECT interrupted_at FROM scans WHERE scan_id = ?",
                             [sid]).fetchone() == (None,)


# ----------------------------------------------------------------- 2. exact keys only


def test_stored_scan_summary_says_persons_may_be_over_counted(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "patients.csv").write_text(CSV, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    res = CliRunner().invoke(app, ["scan", str(data), "--db", str(db), "-q"])
    assert res.exit_code == 1, res.output
    live = CliRunner().invoke(app, ["assess", str(data), "--no-db", "--json",
                                    str(tmp_path / "live.json")])
    assert live.exit_code == 0, live.output
    assert "over-counted" not in live.output
    out, html = tmp_path / "a.json", tmp_path / "a.html"
    res = CliRunner().invoke(app, ["assess", "--db", str(db), "--scan-id", "1", "--json",
                                   str(out), "--html", str(html), "--lang", "en"])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    live_doc = json.loads((tmp_path / "live.json").read_text())
    # MARTIN / MARTINN are one patient (same NIR, birth date, phone): 2 patients in all
    assert live_doc["subjects"]["by_role"]["patient"]["unique"] == 2
    assert "exact keys only" in res.output and "over-counted" in res.output
    assert any("exact keys only" in n and "over-counted" in n
               for n in doc["subjects"]["method"]["notes"])
    assert "over-counted" in html.read_text(encoding="utf-8")
