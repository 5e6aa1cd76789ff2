"""Session 11 fault list (new-user test of the CLI, second helper): the same command run twice
with its output inside the scanned folder, unmasked quasi-identifiers in the redaction summary
when a policy keeps them, an empty path and bytes in the Python API, a raw DuckDB error from
``evaluate``, ``--no-db --db``, ``assess --no-progress``, a table printed before the error of
a missing path, and "1 classes of 1 records". Synthetic data only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle

BIN = [str(Path(sys.executable).with_name("sentinelle"))]
#: a NIR with a valid key (python-stdnum's documentation): 97 - 2951099126111 mod 97 = 93
NIR = "2 95 10 99 126 111 93"
NOTE = f"Patiente MARTIN Claire, N° SS : {NIR}\n"


def _run(*args, cwd):
    env = {**os.environ, "SENTINELLE_KEY": "test-key-faults11b"}
    return subprocess.run([*BIN, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _said(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "own output" in line]


# -- 1. the run's own outputs inside the scanned folder: excluded, overwritten, said once -------

@pytest.mark.parametrize("args, out, code", [
    (("scan", "ex3", "--no-db", "--findings", "ex3/f.jsonl"), "ex3/f.jsonl", 1),
    (("scan", "ex3", "--no-db", "-f", "sarif", "-o", "ex3/s.sarif"), "ex3/s.sarif", 1),
    (("scan", "ex3", "--no-db", "-f", "json", "-o", "ex3/s.json"), "ex3/s.json", 1),
    (("scan", "ex3", "--no-db", "-o", "ex3/t.txt"), "ex3/t.txt", 1),
    (("assess", "ex3", "--no-db", "-j", "1", "--html", "ex3/r.html"), "ex3/r.html", 0),
    (("assess", "ex3", "--no-db", "-j", "1", "--json", "ex3/r.json"), "ex3/r.json", 0),
    # --force: the second run overwrites the first one's output (session 12: refused without it)
    (("redact", "ex3", "--out", "o", "--policy", "share", "--report", "ex3/rep.json",
      "--force"), "ex3/rep.json", 0),
])
def test_same_command_twice_with_output_inside_the_folder(tmp_path, args, out, code):
    (tmp_path / "ex3").mkdir()
    (tmp_path / "ex3" / "a.txt").write_text(NOTE, "utf-8")
    line = f"sentinelle: not reading this run's own output inside the scanned folder: {out}"
    for run in (1, 2):
        r = _run(*args, cwd=tmp_path)
        assert r.returncode == code, (run, r.stderr)
        assert _said(r.stderr) == [line], run      # said once, on the first run too
        assert (tmp_path / out).stat().st_size > 0
        assert not list((tmp_path / "ex3").glob(".*.part"))
    if args[0] == "redact":  # the earlier report was not redacted into --out
        assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["a.txt"]


def test_rerun_reads_only_the_data_file(tmp_path):
    (tmp_path / "ex3").mkdir()
    (tmp_path / "ex3" / "a.txt").write_text(NOTE, "utf-8")
    for _ in range(2):
        r = _run("scan", "ex3", "--no-db", "--findings", "ex3/f.jsonl", "-f", "json",
                 "-o", "ex3/s.json", "-q", cwd=tmp_path)
        assert r.returncode == 1, r.stderr
        assert r.stderr == ""  # --quiet: not said
        doc = json.loads((tmp_path / "ex3" / "s.json").read_text("utf-8"))
        assert [f["path"] for f in doc["files"]] == ["a.txt"]
        records = (tmp_path / "ex3" / "f.jsonl").read_text("utf-8").splitlines()
        assert {json.loads(x)["path"] for x in records} == {"a.txt"}


def test_output_named_as_an_input_path_is_still_refused(tmp_path):
    (tmp_path / "ex3").mkdir()
    (tmp_path / "ex3" / "a.txt").write_text(NOTE, "utf-8")
    assert _run("scan", "ex3", "--no-db", "--findings", "f.jsonl", "-q",
                cwd=tmp_path).returncode == 1
    before = (tmp_path / "f.jsonl").read_bytes()
    r = _run("scan", "f.jsonl", "--no-db", "--findings", "f.jsonl", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == ("sentinelle: cannot write f.jsonl: it is one of the files to read "
                        "(--findings); the input is never modified\n")
    assert (tmp_path / "f.jsonl").read_bytes() == before


# -- 2. a policy that keeps quasi-identifiers: masked in the summary and the report ------------

POLICY = '[entities]\nDATE_OF_BIRTH = "keep"\nFR_POSTAL_CODE = "keep"\n'


def test_kept_quasi_identifiers_are_masked(tmp_path):
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "p.csv").write_text(
        "nom;sexe;date_naissance;code_postal\n"
        "DUPONT;F;14/10/1995;69003\n"
        "MARTIN;H;01/02/1980;75011\n", "utf-8")
    (tmp_path / "keep.toml").write_text(POLICY, "utf-8")
    r = _run("redact", "k", "--out", "o", "--policy", "keep.toml", "--report", "rep.json",
             cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # privacy.mask: fewer than 10 letters/digits -> the first kept, separators kept
    assert ("p.csv: k-anonymity 1 over (dob, postcode, sex), 2 classes of 2 records; smallest:\n"
            "  1 x dob=0*/**/****, postcode=7****, sex=H\n"
            "  1 x dob=1*/**/****, postcode=6****, sex=F\n") in r.stdout
    doc = json.loads((tmp_path / "rep.json").read_text("utf-8"))
    assert doc["anonymity"]["tables"][0]["smallest"] == [
        {"dob": "0*/**/****", "postcode": "7****", "sex": "H", "records": 1},
        {"dob": "1*/**/****", "postcode": "6****", "sex": "F", "records": 1}]
    for raw in ("14/10/1995", "01/02/1980", "69003", "75011"):
        assert raw not in r.stdout + r.stderr and raw not in json.dumps(doc)
    # the output file keeps them, as the policy says
    assert "14/10/1995;69003" in (tmp_path / "o" / "p.csv").read_text("utf-8")


def test_one_class_of_one_record(tmp_path):
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "p.csv").write_text(
        "nom;sexe;date_naissance;code_postal\nDUPONT;F;14/10/1995;69003\n", "utf-8")
    r = _run("redact", "k", "--out", "o", "--policy", "share", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert ("p.csv: k-anonymity 1 over (dob, postcode, sex), 1 class of 1 record; smallest:\n"
            in r.stdout)


# -- 3. the Python API: an empty path, bytes --------------------------------------------------

@pytest.mark.parametrize("paths", [[""], "", ["ok", ""]])
def test_api_empty_path_raises(tmp_path, monkeypatch, paths):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok").mkdir()
    (tmp_path / "a.txt").write_text(NOTE, "utf-8")  # what scanning "." would find
    with pytest.raises(ValueError, match=r"an empty path \(''\) is not a path"):
        sentinelle.scan(paths)


def test_iter_scan_empty_path_raises_at_the_call():
    from sentinelle.scanner import iter_scan

    with pytest.raises(ValueError, match="empty path"):
        iter_scan([""])


def test_scan_text_bytes_is_a_type_error():
    with pytest.raises(TypeError, match=r"^text must be str, not bytes"):
        sentinelle.scan_text(NOTE.encode("utf-8"))


# -- 4. evaluate: which argument must be what ------------------------------------------------

TRUTH_MSG = ("TRUTH (the first argument) must be a truth.json written by `sentinelle synth` or "
             "a labels JSONL file")
FINDINGS_MSG = ("FINDINGS (the second argument) must be a findings JSONL file written by "
                "`sentinelle scan --findings`")
SWAPPED = " (arguments swapped? the order is TRUTH FINDINGS)"


@pytest.fixture
def eval_files(tmp_path):
    # one label, one finding on it (hand-written records of the findings contract)
    label = {"path": "a.txt", "row": None, "column": None, "sheet": None, "start": 32,
             "end": 53, "entity_type": "FR_NIR"}
    (tmp_path / "labels.jsonl").write_text(json.dumps(label) + "\n", "utf-8")
    (tmp_path / "truth.json").write_text(
        json.dumps({"labels": "labels.jsonl", "entity_types": ["FR_NIR"]}, indent=2), "utf-8")
    finding = {"schema_version": 2, **label, "score": 1.0, "masked": "2 ** ** ** *** *** 93"}
    (tmp_path / "f.jsonl").write_text(json.dumps(finding) + "\n", "utf-8")
    (tmp_path / "a.csv").write_text("nom;nir\nMARTIN;x\n", "utf-8")
    return tmp_path


def test_evaluate_right_order_works(eval_files):
    r = _run("evaluate", "truth.json", "f.jsonl", "-f", "json", cwd=eval_files)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["micro"]["tp"] == 1


@pytest.mark.parametrize("args, line", [
    (("f.jsonl", "truth.json"), f"f.jsonl: a findings file given as TRUTH; {TRUTH_MSG}{SWAPPED}"),
    (("labels.jsonl", "truth.json"),
     f"truth.json: a JSON document, not JSON lines; {FINDINGS_MSG}{SWAPPED}"),
    (("truth.json", "a.csv"), f"a.csv: line 1 is not JSON; {FINDINGS_MSG}"),
    (("a.csv", "f.jsonl"), f"a.csv: line 1 is not JSON; {TRUTH_MSG}"),
])
def test_evaluate_wrong_files_say_what_is_expected(eval_files, args, line):
    r = _run("evaluate", *args, cwd=eval_files)
    assert r.returncode == 2
    assert r.stderr == f"sentinelle: {line}\n"
    assert "DuckDB" not in r.stderr and "Invalid Input" not in r.stderr


def test_evaluate_bad_later_line_is_named(eval_files):
    good = (eval_files / "f.jsonl").read_text("utf-8")
    (eval_files / "bad.jsonl").write_text(good + good + '{"path": broken\n', "utf-8")
    r = _run("evaluate", "truth.json", "bad.jsonl", cwd=eval_files)
    assert (r.returncode, r.stderr) == (2, f"sentinelle: bad.jsonl: line 3: malformed JSON; "
                                           f"{FINDINGS_MSG}\n")


# -- 5. usage and wording ----------------------------------------------------------------------

@pytest.mark.parametrize("cmd", ["scan", "assess"])
def test_no_db_with_db_is_a_usage_error(tmp_path, cmd):
    (tmp_path / "a.txt").write_text(NOTE, "utf-8")
    r = _run(cmd, "a.txt", "--no-db", "--db", "x.duckdb", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == (f"sentinelle: --no-db and --db cannot be used together (drop one) "
                        f"(see `sentinelle {cmd} --help`)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_assess_accepts_no_progress(tmp_path):
    (tmp_path / "a.txt").write_text(NOTE, "utf-8")
    r = _run("assess", "a.txt", "--no-db", "--no-progress", "-q", "-j", "1",
             "--json", "r.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.json").exists()


@pytest.mark.parametrize("path", ["missing_dir", "-"])
def test_missing_path_prints_the_error_only(tmp_path, path):
    r = _run("scan", path, "--no-db", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == f"sentinelle: error: {path}: no such file or folder\n"
