"""Command-line faults of the session-7 list, each run as a user would (a real subprocess of
``sentinelle``, real files): a cut JSON export given to ``redact``, the re-scan line of
``redact``, key files (``$SENTINELLE_KEY_FILE`` mistyped, ``key new`` while ``$SENTINELLE_KEY``
is set, folder modes), output options creating their missing folders (mode 0700), ``redact
--k`` on text only, and the ``chars`` of a delimited file in ``--format json``.

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from pathlib import Path

import pytest

NIR = "285072A00412338"
CSV = f"nom;nir\nMARTIN;{NIR}\n"
#: a JSON export cut after its first record: a value is expected at line 2 column 1 (RFC 8259)
CUT_JSON = '[{"nom": "MARTIN"},\n'



def _lines(data: bytes) -> list[str]:
    return [l for l in data.decode("utf-8").splitlines() if l.strip()]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- 1. a cut JSON export given to redact -------------------------------------------------------

def test_redact_cut_json_says_where_and_goes_on(cli, tmp_path: Path):
    leak = tmp_path / "leak"
    leak.mkdir()
    (leak / "a.csv").write_text(CSV, encoding="utf-8")
    (leak / "bad.json").write_text(CUT_JSON, encoding="utf-8")
    r = cli("redact", "leak", "--out", "out", "--policy", "share", "--report", "r.json", "-q",
            cwd=tmp_path)
    assert r.returncode == 2  # a file could not be redacted
    # the line `scan` gives for the same file, path:position: reason, then what redact did
    assert _lines(r.stderr) == [
        "sentinelle: error: bad.json:line 2 column 1: invalid JSON: Expecting value "
        "(the records before it were read); file not written"]
    # no half-written bad.json, no temporary file; a.csv was redacted all the same
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv"]
    redacted = (tmp_path / "out" / "a.csv").read_text("utf-8")
    assert NIR not in redacted and redacted.startswith("nom;nir\nperson_")
    bad = next(o for o in json.loads((tmp_path / "r.json").read_text("utf-8"))["outputs"]
               if o["path"] == "bad.json")
    assert (bad["status"], bad["position"], bad["findings_replaced"]) == \
        ("error", "line 2 column 1", 0)


# -- 3. the re-scan line counts the shifted dates ----------------------------------------------

def test_redact_rescan_line_counts_shifted_dates(cli, tmp_path: Path):
    # share shifts the collection dates (found again: they are still dates), makes the birth
    # dates years and the towns labels (not found again)
    (tmp_path / "a.csv").write_text(
        "nom;nir;date_prelevement;date_naissance;ville\n"
        f"MARTIN;{NIR};12/03/2021;12/03/1985;Lyon\n", encoding="utf-8")
    r = cli("redact", "a.csv", "--out", "out", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "re-scan of 1 written file: 1 finding: DATE_TIME 1 shifted by policy" \
        in _lines(r.stdout)


# -- 4. key files ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ("scan", "a.csv", "--no-db", "-q"),
    ("assess", "a.csv", "--no-db", "-q", "-j", "1"),
    ("redact", "a.csv", "--out", "out", "--policy", "share", "-q"),
])
def test_mistyped_key_file_variable_is_an_error(cli, tmp_path: Path, command):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli(*command, cwd=tmp_path, env_extra={"SENTINELLE_KEY_FILE": "typo/key"},
            drop_env=("SENTINELLE_KEY",))
    assert r.returncode == 2
    assert _lines(r.stderr) == [
        "sentinelle: $SENTINELLE_KEY_FILE typo/key: no such key file (create one with "
        "`sentinelle key new typo/key`, or unset $SENTINELLE_KEY_FILE for the default key)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no new key, no output


def test_key_file_variable_naming_a_key_is_used(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    env = {"SENTINELLE_KEY_FILE": "keys/k"}
    made = cli("key", "new", cwd=tmp_path, env_extra=env, drop_env=("SENTINELLE_KEY",))
    assert made.returncode == 0 and made.stdout.decode() == "new key written to keys/k\n"
    r = cli("scan", "a.csv", "--no-db", "-q", "--findings", "f.jsonl", cwd=tmp_path,
            env_extra=env, drop_env=("SENTINELLE_KEY",))
    assert r.returncode == 1, r.stderr
    key = (tmp_path / "keys" / "k").read_bytes().strip()
    hashes = {json.loads(l)["value_hash"] for l in
              (tmp_path / "f.jsonl").read_text("utf-8").splitlines()
              if json.loads(l)["entity_type"] == "FR_NIR"}
    # the key file's stripped bytes are the HMAC key (RFC 2104)
    assert hashes == {hmac.new(key, f"FR_NIR\x1f{NIR}".encode(), hashlib.sha256).hexdigest()}


def test_key_new_without_path_refused_while_key_variable_is_set(cli, tmp_path: Path):
    config = tmp_path / "config"
    r = cli("key", "new", cwd=tmp_path, env_extra={"XDG_CONFIG_HOME": str(config)},
            drop_env=("SENTINELLE_KEY_FILE",))
    assert r.returncode == 2
    (line,) = _lines(r.stderr)
    assert line.startswith("sentinelle: $SENTINELLE_KEY is set, so scans use it and would "
                           f"ignore a new default key file {config}/sentinelle/key; "
                           "nothing created")
    assert not config.exists()
    # with a PATH it is made (used through --key-file PATH, which wins over the variable)
    assert cli("key", "new", "k", cwd=tmp_path).returncode == 0
    assert _mode(tmp_path / "k") == 0o600


def test_key_new_makes_private_folders(cli, tmp_path: Path):
    r = cli("key", "new", "a/b/c", cwd=tmp_path, drop_env=("SENTINELLE_KEY",))
    assert r.returncode == 0, r.stderr
    modes = [_mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")]
    assert modes == [0o700, 0o700, 0o600]


def test_default_key_still_created_on_first_use(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    config = tmp_path / "config"
    r = cli("scan", "a.csv", "--no-db", "-q", cwd=tmp_path,
            env_extra={"XDG_CONFIG_HOME": str(config)},
            drop_env=("SENTINELLE_KEY", "SENTINELLE_KEY_FILE"))
    assert r.returncode == 1, r.stderr
    key = config / "sentinelle" / "key"
    assert [_mode(config), _mode(key.parent), _mode(key)] == [0o700, 0o700, 0o600]
    assert len(key.read_bytes().strip()) == 64  # 32 random bytes, hex


# -- 5. every output option creates its missing folders, mode 0700 -----------------------------

@pytest.mark.parametrize("args, made, check", [
    (("scan", "a.csv", "--no-db", "-q", "--findings", "n/m/f.jsonl"), "n/m/f.jsonl", "jsonl"),
    (("scan", "a.csv", "--no-db", "--format", "json", "--output", "n/m/s.json"), "n/m/s.json",
     "json"),
    (("scan", "a.csv", "-q", "--db", "n/m/s.duckdb"), "n/m/s.duckdb", "file"),
    (("assess", "a.csv", "--no-db", "-q", "-j", "1", "--json", "n/m/a.json"), "n/m/a.json",
     "json"),
    (("assess", "a.csv", "--no-db", "-q", "-j", "1", "--html", "n/m/r.html"), "n/m/r.html",
     "html"),
    (("assess", "a.csv", "--no-db", "-q", "-j", "1", "--notification", "n/m/d"),
     "n/m/d/notification-cnil.fr.md", "file"),
    (("redact", "a.csv", "--out", "n/m/o", "--policy", "share", "-q"), "n/m/o/a.csv", "file"),
    (("redact", "a.csv", "--out", "o", "--policy", "share", "-q", "--report", "n/m/r.json"),
     "n/m/r.json", "json"),
])
def test_outputs_create_missing_folders(cli, tmp_path: Path, args, made, check):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr  # 1: scan found personal data
    target = tmp_path / made
    assert _mode(tmp_path / "n") == 0o700 and _mode(tmp_path / "n" / "m") == 0o700
    assert _mode(target.parent) == 0o700  # n/m, or the --out / --notification folder in it
    assert target.is_file() and _mode(target) == 0o600
    text = target.read_bytes()
    if check == "json":
        assert isinstance(json.loads(text), dict)
    elif check == "jsonl":
        assert {json.loads(l)["entity_type"] for l in text.splitlines()} >= {"FR_NIR"}
    elif check == "html":
        assert text.startswith(b"<!DOCTYPE html>")
    assert not [p for p in tmp_path.rglob("*.part")]


@pytest.mark.parametrize("args, message", [
    # a path under a file: refused before the redaction (nothing written)
    (("redact", "a.csv", "--out", "o", "--policy", "share", "--report", "a.csv/r.json"),
     "cannot write a.csv/r.json: a.csv is not a folder"),
    (("scan", "a.csv", "--no-db", "-q", "--findings", "a.csv/f.jsonl"),
     "cannot write a.csv/f.jsonl: a.csv is not a folder"),
    (("assess", "a.csv", "--no-db", "-q", "-j", "1", "--json", "a.csv/n/r.json"),
     "cannot write a.csv/n/r.json: a.csv is not a folder"),
    # a folder that cannot be made (sysfs refuses new folders, also to root): the system's
    # reason, for the path the user gave
    (("redact", "a.csv", "--out", "/sys/sentinelle-r7", "--policy", "share"),
     "cannot write /sys/sentinelle-r7: Operation not permitted"),
])
def test_outputs_that_cannot_be_made_are_refused_in_one_line(cli, tmp_path: Path, args, message):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [f"sentinelle: {message}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    assert (tmp_path / "a.csv").read_text("utf-8") == CSV  # the input is never modified


# -- 8. redact --k on text only ----------------------------------------------------------------

def test_k_on_text_only_refused_in_one_line(cli, tmp_path: Path):
    (tmp_path / "cr.txt").write_text(f"M. Jean MARTIN, né le 12/03/1985, 69003 Lyon. NIR {NIR}.\n",
                                     encoding="utf-8")
    r = cli("redact", "cr.txt", "--out", "out", "--policy", "share", "--k", "5", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [
        "sentinelle: --k 5: k-anonymity is counted on tables (CSV, JSON records, XLSX, Parquet, "
        "SQL dumps, HL7 v2) and none of the inputs is one (1 text file); nothing written "
        "(drop --k: the policy still generalises the dates and postcodes of the text file)"]
    assert not (tmp_path / "out").exists()
    help_text = " ".join(cli("redact", "--help", cwd=tmp_path).stdout.decode().split())
    assert "text files are redacted by the policy but not counted" in help_text


def test_k_with_a_table_and_a_text_says_what_is_counted(cli, tmp_path: Path):
    leak = tmp_path / "leak"
    leak.mkdir()
    (leak / "cr.txt").write_text(f"M. Jean MARTIN, NIR {NIR}.\n", encoding="utf-8")
    (leak / "a.csv").write_text("nom;date_naissance\nMARTIN;12/03/1985\nDURAND;01/01/1985\n",
                                encoding="utf-8")
    r = cli("redact", "leak", "--out", "out", "--policy", "share", "--k", "2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = _lines(r.stdout)
    assert ("k-anonymity counted on tables only: 1 text file redacted by the policy, "
            "not counted") in lines


# -- 7. chars of a delimited file --------------------------------------------------------------

def test_json_summary_chars_of_a_csv(cli, tmp_path: Path):
    # "É" is 2 bytes in UTF-8: 22 characters, 23 bytes
    (tmp_path / "a.csv").write_text("nom;ville\nDURAND;Évry\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("nom;ville\nDURAND;Évry\n", encoding="cp1252")
    r = cli("scan", "a.csv", "b.csv", "--no-db", "--format", "json", "-j", "1", cwd=tmp_path)
    files = {f["path"]: f for f in json.loads(r.stdout)["files"]}
    assert [(files[n]["size"], files[n]["chars"], files[n]["encoding"]) for n in ("a.csv", "b.csv")] \
        == [(23, 22, "utf-8"), (22, 22, "cp1252")]
