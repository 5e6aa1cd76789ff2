"""Session 11 fault list (helper: CLI and API): empty PATH arguments, a scan with no file to read,
unknown entity labels in the API, the ``--jobs`` help, the store's DuckDB temporary folder
after an assessment, the key file's format in the help, the API docstrings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle

BIN = [str(Path(sys.executable).with_name("sentinelle"))]
#: a NIR with a valid key (python-stdnum's documentation): 97 - 2951099126111 mod 97 = 93
NIR = "2 95 10 99 126 111 93"


def _run(*args, cwd):
    env = {**os.environ, "SENTINELLE_KEY": "test-key-faults11"}
    return subprocess.run([*BIN, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


# -- 1. an empty PATH argument is a usage error, not the current folder ---------------------------

EMPTY = ("sentinelle: Invalid value for '{arg}': an empty argument ('') is not a path; give . "
         "for the current folder (see `sentinelle {cmd} --help`)\n")


@pytest.mark.parametrize("cmd, args, arg", [
    ("scan", ("scan", "", "--no-db"), "PATHS..."),
    ("scan", ("scan", "ok", "", "--no-db"), "PATHS..."),      # the second of two
    ("assess", ("assess", "", "--no-db"), "[PATHS]..."),
    ("redact", ("redact", "", "--out", "o", "--policy", "share"), "PATHS..."),
])
def test_empty_path_argument_is_a_usage_error(tmp_path, cmd, args, arg):
    (tmp_path / "ok").mkdir()
    (tmp_path / "a.txt").write_text(f"NIR {NIR}\n", "utf-8")  # what `scan .` would find
    r = _run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == EMPTY.format(arg=arg, cmd=cmd)
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "ok"]  # nothing created


# -- 2. a scan with no file to read: exit 0 and one warning naming what was skipped ---------------

def test_scan_empty_folder_warns(tmp_path):
    (tmp_path / "empty").mkdir()
    r = _run("scan", "empty", "--no-db", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stderr == "sentinelle: warning: no file to scan under empty (empty folder)\n"
    assert "0 findings in 0 of 0 files: none" in r.stdout


def test_scan_only_hidden_excluded_links_warns(tmp_path):
    d = tmp_path / "d"
    (d / "sub" / ".git").mkdir(parents=True)        # 1 hidden folder
    (d / ".env").write_text(f"NIR={NIR}\n")          # 1 hidden file
    (d / "old.bak").write_text(f"NIR {NIR}\n")       # excluded by --exclude
    (d / "link").symlink_to(tmp_path / "elsewhere")  # not followed
    r = _run("scan", "d", "--no-db", "--exclude", "*.bak", "-f", "json", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stderr == ("sentinelle: warning: no file to scan under d (2 hidden files or folders "
                        "skipped without --hidden; 1 name excluded by --exclude or the config; "
                        "1 symbolic link not followed without --follow-symlinks)\n")


def test_scan_only_empty_subfolders_and_quiet(tmp_path):
    (tmp_path / "e" / "a" / "b").mkdir(parents=True)
    r = _run("scan", "e", "--no-db", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (
        0, "sentinelle: warning: no file to scan under e (only empty folders)\n")
    r = _run("scan", "e", "--no-db", "-q", cwd=tmp_path)   # --quiet: errors only
    assert (r.returncode, r.stderr, r.stdout) == (0, "", "")


def test_scan_with_a_file_does_not_warn(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("rien ici\n")
    r = _run("scan", "d", "--no-db", cwd=tmp_path)
    assert r.returncode == 0
    assert "warning" not in r.stderr


@pytest.mark.parametrize("args, line", [
    (("assess", "empty", "--no-db"),
     "sentinelle: nothing to assess: no file was read under empty (empty, or only hidden, "
     "excluded or unsupported files); no report written\n"),
    (("redact", "empty", "--out", "o", "--policy", "share"),
     "sentinelle: nothing to redact: no file found under empty (empty, or only hidden or "
     "excluded files); nothing written\n"),
])
def test_assess_redact_empty_folder_exit_2(tmp_path, args, line):
    (tmp_path / "empty").mkdir()
    r = _run(*args, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, line)


# -- 3. unknown entity labels: the API raises as the CLI refuses ----------------------------------

def test_scan_text_unknown_label_raises():
    with pytest.raises(ValueError) as info:
        sentinelle.scan_text(f"NIR {NIR}", entities=["NOPE"])
    msg = str(info.value)
    assert msg.startswith("unknown entity type: NOPE; valid labels: ")
    for label in ("PERSON", "FR_NIR", "IBAN_CODE", "LAB_RESULT"):   # sentinelle entities
        assert label in msg.split("valid labels: ")[1].split(", ")


def test_scan_unknown_labels_raise(tmp_path):
    (tmp_path / "a.txt").write_text(f"NIR {NIR}\n")
    with pytest.raises(ValueError, match=r"^unknown entity types: NOPE, NIR; valid labels: "):
        sentinelle.scan(tmp_path, entities="FR_NIR,nope,nir")
    with pytest.raises(ValueError, match="unknown entity type: NOPE"):  # a config's labels too
        sentinelle.scan(tmp_path, sentinelle.Config(entities=("NOPE",)))
    with pytest.raises(ValueError, match="min_score"):
        sentinelle.scan_text("x", min_score=1.5)


def test_api_labels_follow_the_cli_rule(tmp_path):
    # any case, a comma-separated string, spaces: as `--entities " fr_nir ,"`
    [f] = sentinelle.scan_text(f"NIR : {NIR}", entities=" fr_nir ,")
    # "NIR : " is 6 characters; the NIR is 21 characters long
    assert (f.entity_type, f.start, f.end) == ("FR_NIR", 6, 27)
    assert [g.entity_type for g in sentinelle.scan_text(f"NIR : {NIR}", entities=["fr_nir"])] \
        == ["FR_NIR"]


def test_cli_unknown_label_names_it(tmp_path):
    r = _run("scan", ".", "--no-db", "-e", "FR_NIR,NOPE", cwd=tmp_path)
    assert r.returncode == 2
    [line] = r.stderr.splitlines()
    assert line.startswith("sentinelle: --entities: unknown entity type: NOPE; valid labels: PERSON, ")
    assert line.endswith(" (see `sentinelle entities`)")


def test_cli_config_file_unknown_label(tmp_path):
    (tmp_path / "c.toml").write_text('[scan]\nentities = ["FR_NIR", "NOPE"]\n')
    (tmp_path / "d").mkdir()
    r = _run("scan", "d", "--no-db", "--config", "c.toml", cwd=tmp_path)
    assert r.returncode == 2
    [line] = r.stderr.splitlines()
    assert line.startswith("sentinelle: c.toml: entities: unknown entity type: NOPE; valid labels: ")


# -- 4. the --jobs help says what is split --------------------------------------------------------

def test_jobs_help_names_the_split_thresholds(tmp_path):
    from sentinelle.config import Config
    from sentinelle.scanner import RANGE_SPLIT_BYTES, SPLIT_TEXT_BYTES, TEXT_PIECE_CHARS

    # the help states these values: it must change with them
    assert (RANGE_SPLIT_BYTES, SPLIT_TEXT_BYTES, Config().chunk_bytes) == (16 << 20, 2 << 20, 64 << 20)
    assert TEXT_PIECE_CHARS == 1 << 20
    r = _run("scan", "--help", cwd=tmp_path)
    text = " ".join(r.stdout.split())
    assert "a CSV/TSV file over 16 MiB into byte ranges cut on record boundaries" in text
    assert "a plain-text file over 2 MiB" in text
    assert "chunk_bytes (64 MiB)" in text
    assert "Files over chunk_bytes (64 MiB) are split." not in text


# -- 5. assessing twice with one store: DuckDB's temporary folder is never moved back -------------

def test_assess_twice_with_a_store_that_spilled(tmp_path, monkeypatch):
    """Before: the second `_bounded` exit raised DuckDB's "Cannot switch temporary directory
    after the current one has been used" once the store had spilled during the block."""
    import sentinelle.assess as assess_mod
    from sentinelle.store import Store

    d = tmp_path / "leak"
    d.mkdir()
    rows = ["nom;prenom;naissance"] + [f"Nom{i};Prenom{i};{1 + i % 28:02d}/03/1985"
                                       for i in range(50)]
    (d / "p.csv").write_text("\n".join(rows) + "\n", "utf-8")
    persist = assess_mod._persist_records

    def spilling(con, work, scan_id):
        persist(con, work, scan_id)
        # a big leak makes the store spill while the block runs; here a sort over its
        # memory limit does (3 million 32-character hashes, about 100 MB, over a 64 MB limit)
        con.execute("SET memory_limit = '64MB'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("CREATE TEMP TABLE big AS SELECT md5(range::VARCHAR) h FROM range(3000000)")
        con.execute("CREATE TEMP TABLE big2 AS SELECT * FROM big ORDER BY h")
        con.execute("DROP TABLE big2; DROP TABLE big")

    monkeypatch.setattr(assess_mod, "_persist_records", spilling)
    store = Store(tmp_path / "s.duckdb")
    try:
        docs = [assess_mod.assess_paths([d], key=b"k" * 64, store=store) for _ in range(2)]
        spill = store._sentinelle_spill
        assert os.path.isdir(spill) and oct(os.stat(spill).st_mode & 0o777) == "0o700"
        # the store still works after the work folders were removed: it spills again
        store.con.execute("CREATE TEMP TABLE again AS SELECT md5(range::VARCHAR) h "
                          "FROM range(3000000) ORDER BY h")
    finally:
        store.close()
    assert [doc["files"]["scanned"] for doc in docs] == [1, 1]         # p.csv, both times
    assert docs[0]["subjects"] == docs[1]["subjects"]


# -- 6. the key file's format ---------------------------------------------------------------------

def test_key_new_help_and_file(tmp_path):
    r = _run("key", "new", "k", cwd=tmp_path)
    assert r.returncode == 0
    data = (tmp_path / "k").read_bytes()
    assert len(data) == 65 and data.endswith(b"\n")          # 64 hex characters + newline
    assert all(c in b"0123456789abcdef" for c in data[:64])
    text = " ".join(_run("key", "new", "--help", cwd=tmp_path).stdout.split())
    assert "32 random bytes written as 64 hex characters and a newline (65 bytes)" in text
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert "(32 random bytes, mode 0600)" not in readme


# -- 7. the public API's docstrings ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["scan", "scan_text", "load_config"])
def test_public_functions_documented(name):
    doc = getattr(sentinelle, name).__doc__
    assert len(doc.splitlines()) > 10
    for part in ("Raises", "Example", "ConfigError" if name == "load_config" else "ValueError"):
        assert part in doc, (name, part)
    if name != "load_config":
        assert "Args:" in doc and "Returns:" in doc


def test_docstring_examples_hold(tmp_path, monkeypatch):
    """The examples in the docstrings of scan and scan_text, run."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leak").mkdir()
    Path("leak/a.txt").write_text(f"NIR {NIR}\n")
    result = sentinelle.scan("leak", entities=["FR_NIR"])
    assert (result.counts, result.issues) == ({"FR_NIR": 1}, [])
    assert [(f.location.path, f.start, f.end, f.masked) for f in result.findings] == [
        ("a.txt", 4, 25, "2 ** ** ** *** *** 93")]
    [f] = sentinelle.scan_text(f"NIR : {NIR}", entities=["FR_NIR"])
    assert (f.entity_type, f.start, f.end, f.score) == ("FR_NIR", 6, 27, 1.0)


# -- session 11 (new-user list): an archive's own row is not a file with nothing found ------------

def test_summary_counts_archives_apart(tmp_path):
    import zipfile

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(f"NIR {NIR}\n", "utf-8")
    with zipfile.ZipFile(d / "z.zip", "w") as z:
        z.writestr("b.txt", f"NIR {NIR}\n")
    r = _run("scan", "in", "--no-db", cwd=tmp_path)
    assert r.returncode == 1  # found
    lines = r.stdout.splitlines()
    # two files read (a.txt, z.zip!b.txt), one NIR each; the archive counted apart
    assert lines[-1] == "2 findings in 2 of 2 files (and 1 archive opened): FR_NIR 2"
    assert lines[0] == "sentinelle scan"  # piped: the title on the left, not centred in 400 columns
