"""Redaction faults found by the session-4 reviewers: the summary's last line agrees with the
k-anonymity figure; an insurer name partly known to the lexicon goes whole; a wrong key given
to ``reidentify`` is said to be the wrong key; a file name that is not UTF-8 is redacted and
re-scanned. Synthetic data: the table of test_redact_anonymity.py (classes by hand), NIR
285072A00412338 with a valid key (../shared/cases pb-016)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from sentinelle.redact.summary import print_summary, report_dict, verdict

BIN = Path(sys.executable).with_name("sentinelle")

# (1985, 75, F) x 2, (1990, 69, H) x 3 after "share": k = 2 over (dob, postcode, sex)
K2 = ("nom;sexe;date_naissance;code_postal\n"
      "ALBERT;F;12/03/1985;75011\n"
      "BERNARD;F;02/05/1985;75012\n"
      "COLIN;H;01/01/1990;69001\n"
      "DENIS;H;03/03/1990;69003\n"
      "ETIENNE;H;04/04/1990;69004\n")
# one more record alone in its class (1970, 13, F): k = 1
K1 = K2 + "FAURE;F;05/05/1970;13001\n"


def _last_line(result) -> str:
    buf = io.StringIO()
    print_summary(result, Console(file=buf, width=10_000))
    return buf.getvalue().splitlines()[-1]


@pytest.mark.parametrize("table, k, line", [
    # k = 1 without a target: never "no residual risk"
    (K1, None, "PSEUDONYMISED, NOT ANONYMOUS: no original value or validated identifier left, "
               "but k-anonymity is 1: some records are unique on (dob, postcode, sex) and can "
               "be re-identified by linkage (--k 5 generalises them)"),
    # every class holds 2 records: said with its figure
    (K2, None, "OK: no original value or validated identifier left; k-anonymity 2 "
               "(no --k target given)"),
    # a target met is said with the target
    (K2, 2, "OK: no original value or validated identifier left; k-anonymity 2 >= 2"),
])
def test_last_line_agrees_with_k(do_redact, table, k, line):
    out, result = do_redact({"p.csv": table}, "share", k=k)
    assert result.risk.anonymity.k_min == (1 if table is K1 else 2)
    assert _last_line(result) == line
    assert report_dict(result)["verdict"] == line
    assert "no residual risk" not in line


def test_failed_check_says_residual_risk(do_redact):
    out, result = do_redact({"p.csv": K1}, "share", k=5)   # 6 records cannot make k = 5 classes
    assert not result.risk.ok and verdict(result.risk) == "RESIDUAL RISK: see above"


INSURERS = ("nom;organisme;commentaire\n"
            "ALBERT;Santé Mutuelle Ouest;RAS\n"      # the lexicon finds "Mutuelle Ouest" only
            "BERNARD;CPAM;RAS\n"                     # whole cell already
            "COLIN;MSA;Affiliée à la Mutuelle Ouest depuis longtemps, dossier complet.\n")


def test_insurer_cell_goes_whole(do_redact):
    out, result = do_redact({"p.csv": INSURERS}, "research")
    rows = [l.split(";") for l in (out / "p.csv").read_text("utf-8").splitlines()]
    assert [r[1] for r in rows] == ["organisme", "", "", ""]   # research drops insurers
    assert "Santé" not in (out / "p.csv").read_text("utf-8")
    # free text keeps its words: only the insurer's span goes
    assert rows[3][2] == "Affiliée à la  depuis longtemps, dossier complet."


REVERSIBLE = """
name = "reversible"
default = "redact"
[entities]
FR_NIR = { operator = "pseudonym", reversible = true }
PERSON = { operator = "pseudonym", reversible = true }
"""


def _run(*args, cwd: Path, key: str):
    env = {**os.environ, "SENTINELLE_KEY": key}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_reidentify_with_wrong_key_says_so(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.csv").write_text("nom;nir\nMARTIN;285072A00412338\n", "utf-8")
    (tmp_path / "rev.toml").write_text(REVERSIBLE, "utf-8")
    r = _run("redact", "in", "--out", "red", "--policy", "rev.toml", "-q", cwd=tmp_path,
             key="right-key")
    assert r.returncode == 0, r.stderr
    log = tmp_path / "audit.log"
    r = _run("reidentify", "red", "--out", "back", "--log", log, cwd=tmp_path, key="wrong-key")
    assert r.returncode == 2
    assert r.stdout == ""                                      # no "N tokens reversed" line
    assert r.stderr == ("sentinelle: the key does not match: the PSN tokens of 1 file(s) do not "
                        "decrypt with $SENTINELLE_KEY (use the key they were redacted with); "
                        "nothing written for them\n")
    assert not (tmp_path / "back" / "p.csv").exists()
    entry = json.loads(log.read_text("utf-8"))
    assert (entry["tokens_reversed"], entry["files_failed"]) == (0, 1)
    r = _run("reidentify", "red", "--out", "back2", "--log", log, cwd=tmp_path, key="right-key")
    assert r.returncode == 0 and r.stdout.startswith("2 tokens reversed in 1 files")
    assert (tmp_path / "back2" / "p.csv").read_text("utf-8") == "nom;nir\nMARTIN;285072A00412338\n"


def test_non_utf8_name_is_redacted_and_rescanned(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with open(os.fsencode(src) + b"/caf\xe9.csv", "wb") as fh:
        fh.write(b"nom;nir\nMARTIN;285072A00412338\n")
    from sentinelle.redact import redact
    result = redact([src], tmp_path / "out", "research", b"redact-test-key-not-secret")
    (f,) = result.files
    assert (f.path, f.status) == ("caf\\xe9.csv", "written")
    assert result.risk.issues == [] and result.risk.leak_count == 0
    assert (tmp_path / "out" / os.fsdecode(b"caf\xe9.csv")).read_text("utf-8").startswith(
        "nom;nir\nperson_")


def test_reidentify_with_missing_key_file_creates_no_key(tmp_path: Path):
    # a mistyped --key-file used to be created with a fresh random key (useless for reversal)
    (tmp_path / "red").mkdir()
    (tmp_path / "red" / "p.csv").write_text("nom\nPSN:PERSON:AAAAAAAAAAAAAAAAAAAAAAAAAA\n", "utf-8")
    r = _run("reidentify", "red", "--out", "back", "--key-file", "typo/key", "--log",
             tmp_path / "audit.log", cwd=tmp_path, key="")
    assert r.returncode == 2
    assert r.stderr == ("sentinelle: --key-file typo/key: no such key file "
                        "(give the key used by redact)\n")
    assert not (tmp_path / "typo").exists() and not (tmp_path / "back").exists()
