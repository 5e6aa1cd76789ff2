"""Command-line faults of the session-8 list (closing7 "Noticed, not done"), each run as a user
would: a real ``sentinelle`` subprocess (tests/conftest.py ``cli`` / ``SENTINELLE``), real
files, a real pipe closed by its reader.

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

NIR = "285072A00412338"
CSV = f"nom;nir\nMARTIN;{NIR}\n"


def _lines(data: bytes) -> list[str]:
    return [l for l in data.decode("utf-8").splitlines() if l.strip()]


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


# -- 1. a closed pipe (`| head -1`) ends the command quietly -----------------------------------

def _head_1(cli, args, cwd: Path) -> tuple[int, bytes, bytes]:
    """``sentinelle ARGS | head -1``: the first line of stdout is read, then the pipe is closed
    (as ``head`` does) while the command still has far more than a pipe buffer (64 KiB on
    Linux) to write; returns (exit code, first line, stderr)."""
    proc = cli.popen(*args, cwd=cwd)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=300), first, err


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A 20,000-row CSV (40,000 findings: about 9 MB of JSONL or SARIF) and 600 one-row CSVs with
    long names (a JSON summary and a table of more than 64 KiB)."""
    (tmp_path / "big.csv").write_text("nom;nir\n" + f"MARTIN;{NIR}\n" * 20_000, encoding="utf-8")
    many = tmp_path / "many"
    many.mkdir()
    for i in range(600):
        (many / f"{i:04d}-{'export-laboratoire-' * 6}.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args, code", [
    # findings as JSONL on stdout, written while scanning (in this process, then by workers)
    (("scan", "big.csv", "--no-db", "--findings", "-", "-j", "1"), 1),
    (("scan", "big.csv", "--no-db", "--findings", "-", "-j", "2", "-q"), 1),
    # SARIF results are written as they come
    (("scan", "big.csv", "--no-db", "-f", "sarif", "-j", "1"), 1),
    # the JSON summary and the table come at the end: the scan's own exit code (1: found)
    (("scan", "many", "--no-db", "-f", "json", "-j", "1"), 1),
    (("scan", "many", "--no-db", "-j", "1"), 1),
    # a store is written too: closed, and the next scan can open it
    (("scan", "big.csv", "--db", "s.duckdb", "--findings", "-", "-j", "1"), 1),
])
def test_closed_pipe_ends_quietly(cli, big: Path, args, code: int):
    before = _tree(big)
    rc, first, err = _head_1(cli, args, big)
    assert first.strip()  # the reader got its line
    # as rg: no "Broken pipe" line, no traceback, no file reported unreadable
    assert err == b""
    assert rc == code
    # nothing half-written left (no .part file), only the store when one was asked for
    assert _tree(big) == sorted(before + (["s.duckdb"] if "s.duckdb" in args else []))
    if "s.duckdb" in args:
        assert cli("scan", "many/" + os.listdir(big / "many")[0], "--db", "s.duckdb", "-q",
                   cwd=big).returncode == 1


@pytest.mark.parametrize("rows, args", [
    # written while scanning: it used to be reported as "big.csv: cannot read (No space left
    # on device)", a read error of the input, and the scan went on
    (5_000, ("scan", "big.csv", "--no-db", "-q", "-j", "1", "--findings", "/dev/full")),
    # a small output, still in the buffer when the file is closed ("No space left on device:
    # output" before: no path)
    (1, ("scan", "big.csv", "--no-db", "-q", "-j", "1", "--findings", "/dev/full")),
    (1, ("scan", "big.csv", "--no-db", "-q", "-j", "1", "-f", "json", "-o", "/dev/full")),
    (1, ("redact", "big.csv", "--out", "out", "--policy", "share", "-q", "--report",
         "/dev/full")),
])
def test_full_disk_names_the_output_not_the_input(cli, tmp_path: Path, rows: int, args):
    """An output that cannot be written (/dev/full: every write fails with ENOSPC, a full disk)
    stops the command with one line naming that output."""
    (tmp_path / "big.csv").write_text("nom;nir\n" + f"MARTIN;{NIR}\n" * rows, encoding="utf-8")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == ["sentinelle: cannot write /dev/full: No space left on device"]


# -- 2. `-` is stdout for a document, refused for a folder, a store, a key, a log --------------

def test_redact_report_dash_is_stdout(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("redact", "a.csv", "--out", "out", "--policy", "share", "--report", "-",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # the whole of stdout is the report
    assert doc["schema"] == "sentinelle-redact-report/1"
    assert [o["path"] for o in doc["outputs"]] == ["a.csv"]
    assert "sentinelle redact (policy share)" in r.stderr.decode()  # the summary: stderr
    assert not (tmp_path / "-").exists()  # it used to be a file named "-"
    assert _tree(tmp_path) == ["a.csv", "out", "out/a.csv"]


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_assess_document_dash_is_stdout(cli, tmp_path: Path, option: str):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("assess", "a.csv", "--no-db", "-j", "1", option, "-", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    if option == "--json":
        assert json.loads(r.stdout)["subjects"]["unique"] == 1
    else:
        assert r.stdout.startswith(b"<!DOCTYPE html>")
    assert "sentinelle assess" in r.stderr.decode()  # the summary table: stderr
    assert _tree(tmp_path) == ["a.csv"]  # no file named "-"


@pytest.mark.parametrize("args, message", [
    # a traceback ('str' object has no attribute 'exists') before
    (("scan", "a.csv", "--db", "-"), "--db -: the DuckDB store cannot be stdout"),
    (("assess", "a.csv", "--db", "-"), "--db -: the DuckDB store cannot be stdout"),
    # a folder named "-" before
    (("redact", "a.csv", "--out", "-", "--policy", "share"), "--out -: a folder cannot be stdout"),
    (("assess", "a.csv", "--no-db", "--notification", "-"),
     "--notification -: a folder cannot be stdout"),
    (("reidentify", "a.csv", "--out", "-"), "--out -: a folder cannot be stdout"),
    (("reidentify", "a.csv", "--out", "r", "--log", "-"),
     "--log -: the audit log (appended to) cannot be stdout"),
    (("key", "new", "-"), "PATH -: a key file cannot be stdout"),
    (("synth", "-"), "OUT -: a folder cannot be stdout"),
    # one stdout for two documents
    (("assess", "a.csv", "--no-db", "--json", "-", "--html", "-"),
     "--json - and --html - would both write to stdout; give a file for one"),
    # one file for two documents (the HTML was written over the JSON)
    (("assess", "a.csv", "--no-db", "--json", "r.out", "--html", "./r.out"),
     "cannot write r.out: given to both --json and --html"),
])
def test_dash_refused_where_it_cannot_be_stdout(cli, tmp_path: Path, args, message: str):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    suffix = "" if "both" in message else "; give a path (./- for one named -)"
    assert _lines(r.stderr) == [f"sentinelle: {message}{suffix}"]
    assert _tree(tmp_path) == ["a.csv"]  # nothing made, no folder or file named "-"


def test_dot_slash_dash_is_a_path_named_dash(cli, tmp_path: Path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("redact", "a.csv", "--out", "./-", "--policy", "share", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "-" / "a.csv").is_file()


# -- 3. redact says what failed -----------------------------------------------------------------

#: a JSON export cut after its first record: a value is expected at line 2 column 1 (RFC 8259)
CUT_JSON = '[{"nom": "MARTIN"},\n'


def test_redact_summary_when_every_file_failed(cli, tmp_path: Path):
    (tmp_path / "cut.json").write_text(CUT_JSON, encoding="utf-8")
    r = cli("redact", "cut.json", "--out", "out", "--policy", "share", "--report", "r.json",
            cwd=tmp_path)
    assert r.returncode == 2
    out = _lines(r.stdout)
    assert not any(l.startswith("OK") for l in out)  # "OK: no original value ..." before
    assert out[-1] == "FAILED: no file written; 1 file could not be redacted (see the errors above)"
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert (doc["ok"], doc["exit_code"], doc["files_failed"], doc["files_written"]) == (False, 2, 1, 0)
    assert doc["verdict"] == out[-1]


def test_redact_summary_when_some_files_failed(cli, tmp_path: Path):
    (tmp_path / "cut.json").write_text(CUT_JSON, encoding="utf-8")
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli("redact", "cut.json", "a.csv", "--out", "out", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stdout)[-1] == (
        "INCOMPLETE: 1 file could not be redacted and was not written (see the errors above); "
        "the 1 written file: OK: no original value or validated identifier left (no "
        "quasi-identifier to measure k-anonymity on)")


# -- 4. --k names what the inputs are ---------------------------------------------------------

def test_k_refusal_names_pdf_html_and_archives(cli, tmp_path: Path):
    import zipfile

    from pypdf import PdfWriter

    for name in ("a.pdf", "b.pdf"):  # real PDFs (pypdf), one blank page each
        w = PdfWriter()
        w.add_blank_page(width=200, height=200)
        w.write(tmp_path / name)
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as z:
        z.writestr("cr.txt", "M. Jean MARTIN\n")
    (tmp_path / "d.html").write_text("<html><body><p>M. Jean MARTIN</p></body></html>\n",
                                     encoding="utf-8")
    (tmp_path / "e.txt").write_text("M. Jean MARTIN, né le 12/03/1985\n", encoding="utf-8")
    r = cli("redact", "a.pdf", "b.pdf", "c.zip", "d.html", "e.txt", "--out", "out",
            "--policy", "share", "--k", "5", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [
        "sentinelle: --k 5: k-anonymity is counted on tables (CSV, JSON records, XLSX, Parquet, "
        "SQL dumps, HL7 v2) and none of the inputs is one (1 text file, 2 PDFs, 1 HTML page, "
        "1 archive); nothing written (drop --k: the policy still generalises the dates and "
        "postcodes of the text file; redact does not write back PDFs, HTML pages, archives)"]
    assert not (tmp_path / "out").exists()


# -- 6. a keyless NIR by a NIR cue is redacted -------------------------------------------------

#: 1 85 03 75 056 123: sex 1, born 1985-03, Paris (75), commune 056, order 123: the NIR shape
#: (INSEE), written without its 2-digit key; synthetic
KEYLESS = "1850375056123"
#: a NIR cue far from the number (beyond the detector's 48-character window, within 200)
FAR = ("N° de sécurité sociale de l'assuré(e), à reporter sans la clé sur la feuille de soins "
       f"et sur le bon d'examen : {KEYLESS}\n")
#: the same number with no cue in reach: a product code of the right shape, left as it is
NO_CUE = f"Code article du réactif commandé au fournisseur : {KEYLESS}\n"


@pytest.mark.parametrize("policy", ["share", "research"])
def test_keyless_nir_by_a_far_cue_is_redacted(cli, tmp_path: Path, policy: str):
    (tmp_path / "far.txt").write_text(FAR, encoding="utf-8")
    (tmp_path / "none.txt").write_text(NO_CUE, encoding="utf-8")
    r = cli("redact", "far.txt", "none.txt", "--out", "out", "--policy", policy, "-q",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    far = (tmp_path / "out" / "far.txt").read_text("utf-8")
    assert KEYLESS not in far and far.startswith(FAR[:FAR.index(KEYLESS)])
    assert "fr_nir_" in far  # both presets pseudonymise FR_NIR
    assert (tmp_path / "out" / "none.txt").read_text("utf-8") == NO_CUE


def test_keyless_nir_scope_rule():
    """The rule itself (redact.scope), on the findings of the pipeline: the far cue is added as
    the finding's context; without a cue the finding stays out of scope."""
    from sentinelle.config import Config
    from sentinelle.detectors import build
    from sentinelle.finding import Location
    from sentinelle.redact.scope import ScopedPipeline

    config = Config()
    pipe = ScopedPipeline(build(("FR_NIR",), config), config)
    far = pipe.analyze_text(FAR, Location("far.txt"))
    assert [(f.entity_type, FAR[f.start:f.end], f.score < config.min_score) for f in far] == [
        ("FR_NIR", KEYLESS, True)]  # below min_score: redacted for its cue
    assert far[0].evidence.context == ("securite sociale", "assure(e)")
    assert pipe.analyze_text(NO_CUE, Location("none.txt")) == []


# -- 8. a status cell's span does not tell its value ------------------------------------------

#: (statut_vih, vih, hiv_status, hepatite_c): yes/no, oui/non, +/-, positif/négatif
STATUS_ROWS = [("yes", "oui", "+", "positif"), ("no", "non", "-", "négatif")]
STATUS_HEADER = ("statut_vih", "vih", "hiv_status", "hepatite_c")


def test_status_cell_span_has_no_length(cli, tmp_path: Path):
    import csv

    import duckdb

    with open(tmp_path / "s.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(("nom", *STATUS_HEADER))
        w.writerows([("MARTIN", *STATUS_ROWS[0]), ("DURAND", *STATUS_ROWS[1])])
    r = cli("scan", "s.csv", "--findings", "f.jsonl", "--db", "s.duckdb", "-f", "sarif",
            "-o", "f.sarif", "-q", "-j", "1", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    records = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    status = [r for r in records if r["column"] in STATUS_HEADER]
    assert sorted((r["row"], r["column"]) for r in status) == sorted(
        (k, c) for k in range(2) for c in STATUS_HEADER)
    # "yes" [0:3] and "no" [0:2] before: the length told the status
    assert {(r["start"], r["end"]) for r in status} == {(0, None)}
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    spans = con.execute('SELECT DISTINCT start, "end" FROM findings WHERE "column" IN '
                        "('statut_vih', 'vih', 'hiv_status', 'hepatite_c')").fetchall()
    con.close()
    assert spans == [(0, None)]
    sarif = json.loads((tmp_path / "f.sarif").read_text("utf-8"))
    props = [res["properties"] for res in sarif["runs"][0]["results"]
             if res["properties"]["column"] in STATUS_HEADER]
    assert len(props) == 8 and {(p["start"], p["end"]) for p in props} == {(0, None)}
    # the name cells keep their spans
    assert {(r["start"], r["end"]) for r in records if r["column"] == "nom"} == {(0, 6)}


def test_status_cells_still_redacted(cli, tmp_path: Path):
    """Redaction uses the in-memory findings (their spans): a policy that redacts health data
    replaces every status cell whole."""
    import csv

    with open(tmp_path / "s.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(("nom", *STATUS_HEADER))
        w.writerows([("MARTIN", *STATUS_ROWS[0]), ("DURAND", *STATUS_ROWS[1])])
    (tmp_path / "p.toml").write_text('name = "all"\ndefault = "redact"\n', encoding="utf-8")
    r = cli("redact", "s.csv", "--out", "out", "--policy", "p.toml", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader((tmp_path / "out" / "s.csv").read_text("utf-8").splitlines(),
                           delimiter=";"))
    assert rows[0] == ["nom", *STATUS_HEADER]
    assert rows[1][1:] == rows[2][1:] == ["<HEALTH_CONDITION>"] * 4


# -- 7. the hyperscan databases of the cache: the most recently *used* are kept ----------------

def test_hyperscan_databases_kept_by_last_use(tmp_path: Path, monkeypatch):
    """A database loaded by every run but written long ago must not be evicted by newer
    databases of other pattern lists (it used to be: ``CACHE_KEEP`` counted writes only, so
    the registry's database was compiled again, 1-2 s, after 8 bench or test subsets)."""
    import sentinelle.detectors.prefilter as prefilter
    from sentinelle.detectors.prefilter import PrefilterSet

    folder = tmp_path / "cache"
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(folder))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 0)  # these small sets compile at once
    prefilter._compile_hs.cache_clear()
    try:
        used = [r"\d{5}", r"nir|secu"]
        assert PrefilterSet(used, "hyperscan").fired("nir 75014") == (0, 1)
        (kept,) = folder.glob("hyperscan-*.db")
        os.utime(kept, (1_000_000, 1_000_000))  # written long ago ...
        for k in range(prefilter.CACHE_KEEP - 1):  # ... then 7 other databases
            other = folder / f"hyperscan-other{k}.db"
            other.write_bytes(b"SNTLHS01")
            os.utime(other, (2_000_000 + k, 2_000_000 + k))
        prefilter._compile_hs.cache_clear()
        assert PrefilterSet(used, "hyperscan").fired("secu") == (1,)  # ... used again now
        prefilter._compile_hs.cache_clear()
        assert PrefilterSet([r"@"], "hyperscan").fired("x@y") == (0,)  # a 9th is written
        names = {p.name for p in folder.glob("hyperscan-*.db")}
        assert len(names) == prefilter.CACHE_KEEP
        assert kept.name in names  # the least recently *used* (other0) went instead
        assert "hyperscan-other0.db" not in names
    finally:
        prefilter._compile_hs.cache_clear()


# -- 5. read-error reasons in French in the French report -------------------------------------

def test_unreadable_reasons_in_the_report_language(cli, tmp_path: Path):
    import html as html_lib

    leak = tmp_path / "leak"
    leak.mkdir()
    (leak / "a.csv").write_text(CSV, encoding="utf-8")
    (leak / "cut.json").write_text(CUT_JSON, encoding="utf-8")  # partly read
    (leak / "bin.csv").write_bytes(b"nom;nir\x00\x01\x02\x03" * 200)  # unreadable
    r = cli("assess", "leak", "--no-db", "-q", "-j", "1", "--html", "fr.html", "--json", "r.json",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert cli("assess", "leak", "--no-db", "-q", "-j", "1", "--html", "en.html", "--lang", "en",
               cwd=tmp_path).returncode == 0
    fr = html_lib.unescape((tmp_path / "fr.html").read_text("utf-8"))
    en = html_lib.unescape((tmp_path / "en.html").read_text("utf-8"))
    assert ("cut.json (JSON non valide : valeur attendue (les enregistrements précédents ont "
            "été lus))") in fr.replace('<span class="mono">', "").replace("</span>", "")
    assert "(contenu binaire, pas du texte)" in fr
    assert "invalid JSON" not in fr and "binary content" not in fr  # English before
    assert "(invalid JSON: Expecting value (the records before it were read))" in en
    assert "(binary content, not text)" in en
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))  # the document stays English
    assert [(f["path"], f["reason"]) for f in doc["files"]["unreadable"]] == [
        ("bin.csv", "binary content, not text")]


# -- trying the command line as a DPO would ----------------------------------------------------

@pytest.mark.parametrize("args, line", [
    # Click printed three lines ("Usage: ...", "Try ...", "Error: ...")
    (("scan", "a.csv", "--no-db", "--min-score", "2"),
     "Invalid value for '--min-score': 2.0 is not in the range 0.0<=x<=1.0 "
     "(see `sentinelle scan --help`)"),
    (("scan", "--no-db"), "Missing argument 'PATHS...' (see `sentinelle scan --help`)"),
    (("redact", "a.csv", "--out", "o", "--policy", "share", "--k", "1"),
     "Invalid value for '--k': 1 is not in the range x>=2 (see `sentinelle redact --help`)"),
    (("asess", "a.csv"), "No such command 'asess'. Did you mean 'assess'? (see `sentinelle --help`)"),
])
def test_usage_errors_are_one_line(cli, tmp_path: Path, args, line: str):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == [f"sentinelle: {line}"]
    assert _tree(tmp_path) == ["a.csv"]


def test_help_and_version_still_work(cli, tmp_path: Path):
    assert cli("scan", "--help", cwd=tmp_path).stdout.startswith(b"Usage: sentinelle scan")
    assert cli("--version", cwd=tmp_path).returncode == 0
    bare = cli(cwd=tmp_path)  # no command: the help, as before
    assert b"Commands:" in bare.stdout + bare.stderr


def test_assess_of_an_empty_folder_writes_no_report(cli, tmp_path: Path):
    """A "0 persons, low severity" report (and drafts) of a folder where nothing was read is a
    document a DPO could forward: refused, as for a folder of unreadable files."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    r = cli("assess", "empty", "--no-db", "-j", "1", "--json", "r.json", "--notification", "dr",
            cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr)[-1] == (
        "sentinelle: nothing to assess: no file was read under empty (empty, or only hidden, "
        "excluded or unsupported files); no report written")
    assert _tree(tmp_path) == ["empty", "empty/scan.jpg"]


def test_assess_scan_id_of_a_missing_store_creates_none(cli, tmp_path: Path):
    r = cli("assess", "--scan-id", "5", "--db", "typo.duckdb", cwd=tmp_path)
    assert r.returncode == 2
    assert _lines(r.stderr) == ["sentinelle: --db typo.duckdb: no such store (give the store "
                                "the scan 5 was written to)"]
    assert _tree(tmp_path) == []  # an empty store was created before
