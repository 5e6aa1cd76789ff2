"""Command-line faults found by the session-5 reviewers and new user (closing5, "Noticed, not
done"), each run as a user would (a real subprocess, real files, a real DuckDB store):
``assess`` outputs checked before the assessment, unreadable files named in the assessment,
``--register`` of a name already taken, the period of a ``--scan-id`` assessment, piped tables
without trailing spaces, and an explicit ``--key-file`` that does not exist.

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import stat
from pathlib import Path

import duckdb
import pytest

NIR = "285072A00412338"
CSV = f"nom;nir\nMARTIN;{NIR}\n"
#: a JSON export cut after its first record: "Expecting value" at line 2 column 1 (RFC 8259)
CUT_JSON = '[{"nom": "MARTIN"},\n'
CUT_REASON = "invalid JSON: Expecting value (the records before it were read)"



def _lines(data: bytes) -> list[str]:
    return [l for l in data.decode("utf-8").splitlines() if l.strip()]


def _leak(tmp_path: Path) -> Path:
    leak = tmp_path / "leak"
    leak.mkdir()
    (leak / "a.csv").write_text(CSV, encoding="utf-8")
    (leak / "bad.json").write_text(CUT_JSON, encoding="utf-8")
    return leak


# -- 3. outputs checked before the assessment ------------------------------------------------

@pytest.mark.parametrize("option, target, message", [
    # a missing folder is created (session 7) unless it cannot be: found before the assessment
    ("--html", "/sys/nodir/r.html", "cannot write /sys/nodir/r.html: Permission denied"),
    ("--json", "leak/a.csv/deeper/r.json",
     "cannot write leak/a.csv/deeper/r.json: leak/a.csv is not a folder"),
    # a folder where a file is expected
    ("--html", "leak", "cannot write leak: it is a folder"),
    # a file where a folder is expected
    ("--json", "leak/a.csv/r.json", "cannot write leak/a.csv/r.json: leak/a.csv is not a folder"),
    ("--notification", "leak/a.csv", "cannot write the drafts into leak/a.csv: it is not a folder"),
    ("--notification", "leak/a.csv/drafts",
     "cannot write the drafts into leak/a.csv/drafts: leak/a.csv is not a folder"),
    # a folder where nothing can be created (sysfs refuses new files, also to root)
    ("--html", "/sys/r.html", "cannot write /sys/r.html: Permission denied"),
    ("--notification", "/sys/drafts", "cannot write the drafts into /sys/drafts: Permission denied"),
])
def test_assess_outputs_checked_before_scanning(cli, tmp_path: Path, option: str, target: str,
                                                message: str):
    _leak(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    r = cli("assess", "leak", "--no-db", "-j", "1", option, target, cwd=tmp_path)
    assert r.returncode == 2
    # one line: the scan did not start (it would report bad.json on stderr first)
    assert _lines(r.stderr) == [f"sentinelle: {message}"]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_device_html_output_is_written_not_replaced(cli, tmp_path: Path):
    # /dev/stdout exists and is not a regular file: written to, never renamed over
    _leak(tmp_path)
    r = cli("assess", "leak", "--no-db", "-j", "1", "-q", "--html", "/dev/stdout", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"<!DOCTYPE html>")


# -- 3. unreadable files named, and 6. the period of a --scan-id assessment ------------------

def test_unreadable_files_named_in_json_and_html(cli, tmp_path: Path):
    _leak(tmp_path)
    r = cli("assess", "leak", "--no-db", "-j", "1", "-q", "--json", "r.json", "--html", "r.html",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    files = json.loads((tmp_path / "r.json").read_text("utf-8"))["files"]
    # the path as `scan` shows it (relative to the scanned folder), reason and position; its
    # records before the cut were read: "partly read", not unreadable (session 8)
    assert files["unreadable"] == []
    assert files["partly_read_files"] == [{"path": "bad.json", "reason": CUT_REASON,
                                           "position": "line 2 column 1"}]
    # French puts a narrow no-break space before the colon
    page = (tmp_path / "r.html").read_text("utf-8").replace("\u202f", " ").replace("\xa0", " ")
    # the reason in French in the French report, English in the JSON (session 8 fault list)
    assert ("Fichiers lus en partie seulement (seuls les enregistrements précédant l&#39;erreur "
            'sont comptés) : <span class="mono">bad.json</span> (JSON non valide : valeur '
            "attendue (les enregistrements précédents ont été lus))") in page


def test_scan_id_names_unreadable_files_and_an_unknown_period(cli, tmp_path: Path):
    _leak(tmp_path)
    # exit 1: personal data found (a.csv), the error line for bad.json notwithstanding
    assert cli("scan", "leak", "--db", "s.duckdb", "-q", cwd=tmp_path).returncode == 1
    r = cli("assess", "--scan-id", "1", "--db", "s.duckdb", "--json", "r.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert doc["files"]["unreadable"] == []  # bad.json gave records: partly read (session 8)
    assert doc["files"]["partly_read_files"] == [{"path": "bad.json", "reason": CUT_REASON,
                                                  "position": None}]  # the store keeps none
    # stored findings hold no dates: the period is unknown, not "no dated record"
    assert doc["period"]["dated_records"] is None
    out = " ".join(r.stdout.decode().split())
    assert "unknown: a stored scan keeps no dates" in out and "no dated record" not in out


def test_assess_table_names_categories(cli, tmp_path: Path):
    _leak(tmp_path)
    (tmp_path / "leak" / "cr.txt").write_text(
        "LABO BIOSANTE PARIS - FINESS 750000010\n\nPrélèvement du 03/02/2021\n", encoding="utf-8")
    r = cli("assess", "leak", "--no-db", "-j", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    row = next(l for l in r.stdout.decode().splitlines() if "categories" in l)
    # named as in the report; DATE_TIME's "other" is dates; no "organisation 0"
    assert "Dates (sample, result, report…)" in row and "National identifier" in row
    assert "other" not in row and "rganisation" not in row


# -- 4. --register of a name already registered ----------------------------------------------

def test_register_twice_is_refused_unless_replace(cli, tmp_path: Path):
    _leak(tmp_path)
    common = ("assess", "leak", "--db", "s.duckdb", "-j", "1", "-q", "--register", "lab-2021")
    first = cli(*common, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = cli(*common, cwd=tmp_path)
    assert again.returncode == 2
    # refused before scanning (no "error: bad.json" line), saying how to replace it
    (line,) = _lines(again.stderr)
    assert re.fullmatch(r"sentinelle: --register lab-2021: a leak of that name is already "
                        r"registered \(on \d{4}-\d\d-\d\d, \d+ persons?\); give another name, "
                        r"or add --replace to replace it", line), line
    replaced = cli(*common, "--replace", "--json", "a.json", cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    # the leak being replaced is not reported as a known leak of itself (review, session 6)
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["copies"]["known_leaks"] == []
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT name FROM leaks").fetchall() == [("lab-2021",)]  # one, replaced


@pytest.mark.parametrize("args, message", [
    (("--replace",), "--replace needs --register NAME"),        # nothing to replace
    (("--register", " "), "--register needs a non-empty NAME"),  # a blank name
])
def test_register_usage_errors(cli, tmp_path: Path, args, message):
    _leak(tmp_path)
    r = cli("assess", "leak", "--db", "s.duckdb", *args, cwd=tmp_path)
    assert r.returncode == 2 and _lines(r.stderr) == [f"sentinelle: {message}"]


# -- 7. tables on a pipe end with their last character ---------------------------------------

@pytest.mark.parametrize("args", [
    ("scan", "leak", "--no-db"),        # the centred title was padded with spaces
    ("entities",),
])
def test_piped_tables_have_no_trailing_spaces(cli, tmp_path: Path, args):
    _leak(tmp_path)
    r = cli(*args, cwd=tmp_path)
    lines = r.stdout.decode().splitlines()
    assert lines and lines[0].strip() in ("sentinelle scan", "entity types")
    assert [l for l in lines if l != l.rstrip()] == []


# -- 9. an explicit --key-file that does not exist -------------------------------------------

@pytest.mark.parametrize("command", [
    ("scan", "leak", "--no-db", "-q"),
    ("assess", "leak", "--no-db", "-q"),
    ("redact", "leak", "--out", "red", "--policy", "share", "-q"),
])
def test_missing_key_file_is_an_error(cli, tmp_path: Path, command):
    # a mistyped path used to get a fresh random key: hashes matching nothing already found
    _leak(tmp_path)
    r = cli(*command, "--key-file", "typo/key", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [
        "sentinelle: --key-file typo/key: no such key file (create one with "
        "`sentinelle key new typo/key`, or drop --key-file for the default key)"]
    assert not (tmp_path / "typo").exists() and not (tmp_path / "red").exists()


def test_key_new_creates_a_key_once_and_scan_uses_it(cli, tmp_path: Path):
    _leak(tmp_path)
    r = cli("key", "new", "keys/k", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.decode() == "new key written to keys/k\n"
    path = tmp_path / "keys" / "k"
    key = path.read_bytes().strip()
    assert len(key) == 64 and int(key, 16) >= 0                 # 32 random bytes, hex
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = cli("key", "new", "keys/k", cwd=tmp_path)
    assert again.returncode == 2
    assert _lines(again.stderr) == ["sentinelle: keys/k: exists; a key file is never replaced "
                                    "(choose another path)"]
    assert path.read_bytes().strip() == key                     # left untouched
    scan = cli("scan", "leak/a.csv", "--no-db", "-q", "--key-file", "keys/k", "--findings",
               "f.jsonl", cwd=tmp_path)
    assert scan.returncode == 1, scan.stderr
    nir = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()
           if json.loads(l)["entity_type"] == "FR_NIR"]
    assert nir[0]["value_hash"] == hmac.new(key, f"FR_NIR\x1f{NIR}".encode(),
                                            hashlib.sha256).hexdigest()  # RFC 2104


def test_default_key_file_is_still_created(cli, tmp_path: Path):
    # no --key-file, no $SENTINELLE_KEY: the default location is created on first use
    _leak(tmp_path)
    r = cli("scan", "leak/a.csv", "--no-db", "-q", cwd=tmp_path,
            env_extra={"XDG_CONFIG_HOME": str(tmp_path / "xdg")},
            drop_env=("SENTINELLE_KEY", "SENTINELLE_KEY_FILE"))
    assert r.returncode == 1, r.stderr
    assert len((tmp_path / "xdg" / "sentinelle" / "key").read_bytes().strip()) == 64


@pytest.mark.parametrize("command", ["scan", "assess", "redact"])
def test_key_file_help_names_key_new(cli, tmp_path: Path, command: str):
    text = " ".join(cli(command, "--help", cwd=tmp_path).stdout.decode().split())
    assert ("It must exist, and so must a $SENTINELLE_KEY_FILE (create one with "
            "`sentinelle key new PATH`)") in text
