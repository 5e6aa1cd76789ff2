"""Personal data in file and folder names (session 11 new-user fault: ``redact`` wrote
``CR_DUPONTEL_Mireille_2951099126111.txt`` under its own name and said "OK").

Synthetic data. NIR 2 95 10 99 126 111: woman (2), born 1995 (95), October (10), abroad (99),
commune 126, order 111; key by hand: 2951099126111 mod 97 = 4, 97 - 4 = 93
(2951099126111 = 97 x 30423702331 + 4), so ``295109912611193`` is the checksum-valid form.
The rule tested (``src/sentinelle/redact/names.py``): each name part is analysed with ``_ - .``
read as spaces, each finding replaced as the policy replaces it in content, the extension kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")
NOTE = ("Compte rendu\nPatient : Mme Mireille DUPONTEL\nNée le 12/10/1995\n"
        "N° SS : 2 95 10 99 126 111 93\n")
RAW_PARTS = ("dupontel", "mireille", "2951099126111")
CSV = "code;resultat\nA1;12\nA2;13\n"


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "file-names-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _listing(folder: Path) -> str:
    return "\n".join(p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*")))


def test_cli_name_with_person_and_nir_is_redacted(tmp_path):
    fn = tmp_path / "fn"
    fn.mkdir()
    (fn / "CR_DUPONTEL_Mireille_2951099126111.txt").write_text(NOTE, encoding="utf-8")
    r = run("redact", fn, "--out", tmp_path / "red_fn", "--policy", "research", "--report",
            tmp_path / "r.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr  # README: 0 written, nothing left
    listing = _listing(tmp_path / "red_fn")
    for raw in RAW_PARTS:
        assert raw not in listing.lower(), listing
        assert raw not in (r.stdout + r.stderr).lower()
        assert raw not in (tmp_path / "r.json").read_text("utf-8").lower()
    (out,) = list((tmp_path / "red_fn").iterdir())
    # the non-personal parts and the extension are kept; research pseudonymises PERSON and
    # FR_NIR (tokens person_... and fr_nir_..., as in content)
    assert out.name.startswith("CR_person_") and "_fr_nir_" in out.name, out.name
    assert out.name.endswith(".txt")
    text = out.read_text("utf-8")
    assert "DUPONTEL" not in text and "126 111" not in text and "Compte rendu" in text
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [o["path"] for o in report["outputs"]] == [out.name]
    assert report["ok"] is True


def test_cli_clean_names_are_kept(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "patients_2024.csv").write_text(CSV, encoding="utf-8")
    (src / "export-lab.csv").write_text(CSV, encoding="utf-8")
    r = run("redact", src, "--out", tmp_path / "out", "--policy", "research", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert _listing(tmp_path / "out") == "export-lab.csv\npatients_2024.csv"


def test_folder_name_is_redacted(do_redact):
    out, result = do_redact({"DUPONTEL_Mireille/bilan.txt": NOTE}, policy="research")
    listing = _listing(out)
    assert not any(raw in listing.lower() for raw in RAW_PARTS), listing
    assert listing.endswith("/bilan.txt") and listing.startswith("person_")
    assert result.risk.ok


def test_same_redacted_name_gets_a_suffix(do_redact, policy_from):
    pol = policy_from('name = "lab"\ndefault = "redact"\n')
    out, result = do_redact({"CR_DUPONTEL_Mireille.txt": "un\n", "CR_MARTIN_Jean.txt": "deux\n"},
                            policy=pol)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["CR_<PERSON>.txt", "CR_<PERSON>_2.txt"]
    assert sorted(p.read_text("utf-8") for p in out.iterdir()) == ["deux\n", "un\n"]
    assert sorted(f.path for f in result.files) == names


def test_clean_input_name_is_not_overwritten_by_a_redacted_one(do_redact, policy_from):
    pol = policy_from('name = "lab"\ndefault = "redact"\n')
    out, _ = do_redact({"CR_<PERSON>.txt": "propre\n", "CR_DUPONTEL_Mireille.txt": "un\n"},
                       policy=pol)
    assert (out / "CR_<PERSON>.txt").read_text("utf-8") == "propre\n"
    assert (out / "CR_<PERSON>_2.txt").read_text("utf-8") == "un\n"


def test_residual_check_reads_output_names(do_redact, monkeypatch):
    """A name left in clear (renaming disabled) fails the residual-risk check."""
    from sentinelle.redact import names

    monkeypatch.setattr(names, "rename", lambda planned, run: (list(planned),
                                                               [[] for _ in planned]))
    # the name's findings are not noted either: the check must still see the checksum-valid
    # NIR left in the name (a validated identifier left)
    out, result = do_redact({"CR_DUPONTEL_Mireille_295109912611193.txt": "rien\n"},
                            policy="research")
    assert not result.risk.ok
    left = result.risk.validated_left + result.risk.leaks
    assert any(l.column == names.FILE_NAME and l.entity == "FR_NIR" for l in left)


@pytest.mark.parametrize("name, expected", [
    ("CR_X.txt", ("CR_X", ".txt")), ("archive", ("archive", "")), (".bashrc", (".bashrc", "")),
    ("a.b.csv", ("a.b", ".csv")),
    # session 11 review: a capitalised word after the last dot is a name part, not an extension
    ("DUPONTEL.Mireille", ("DUPONTEL.Mireille", "")), ("EXPORT.CSV", ("EXPORT", ".CSV")),
])
def test_split_extension(name, expected):
    from sentinelle.redact.names import split_extension

    assert split_extension(name) == expected


def test_table_is_named_by_its_output_name(do_redact):
    """The k-anonymity tables and every file result name the output, not the input."""
    csv = ("nom;prenom;ddn;cp;sexe\nDUPONTEL;Mireille;12/10/1995;69003;F\n"
           "MARTIN;Jean;01/02/1960;69003;M\n")
    out, result = do_redact({"export_DUPONTEL_Mireille.csv": csv}, policy="research")
    (written,) = [p.name for p in out.iterdir()]
    assert written.startswith("export_person_") and written.endswith(".csv")
    tables = [t.table for t in result.risk.anonymity.tables]
    assert tables == [written]
    assert [f.path for f in result.files] == [written]


def test_fake_name_in_a_file_name_has_no_space(do_redact):
    out, result = do_redact({"CR_DUPONTEL_Mireille.txt": "rien\n"}, policy="test-data")
    (written,) = [p.name for p in out.iterdir()]
    assert " " not in written and "DUPONTEL" not in written and written.startswith("CR_")


def test_refused_file_is_named_masked(tmp_path):
    """Two file arguments with the same name: the second is refused, named masked."""
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "CR_DUPONTEL_Mireille.txt").write_text("rien\n", encoding="utf-8")
    r = run("redact", "a/CR_DUPONTEL_Mireille.txt", "b/CR_DUPONTEL_Mireille.txt", "--out",
            tmp_path / "o", "--policy", "research", "-q", cwd=tmp_path)
    assert r.returncode == 2  # README: a file that could not be redacted
    assert "DUPONTEL" not in r.stdout + r.stderr and "two inputs map" in r.stderr


@pytest.mark.parametrize("name", [
    "DUPONTEL_Mireille_CR.txt",   # the surname first: the detector alone found "Mireille CR"
    "DUPONTEL.Mireille",          # the first name after the last dot (no extension)
])
def test_surname_in_capitals_beside_a_first_name_is_replaced(do_redact, name):
    # session 11 review: both names kept "DUPONTEL" in the output name while the check said OK
    out, result = do_redact({name: NOTE}, policy="research")
    listing = _listing(out)
    assert "dupontel" not in listing.lower() and "mireille" not in listing.lower(), listing
    assert result.risk.ok


def test_long_redacted_name_fits_the_file_system(do_redact):
    # session 11 review: pseudonyms are longer than the names they replace; a 237-character
    # name of repeated names grew past 255 bytes ("File name too long", file not written)
    name = "_".join(["DUPONTEL_Mireille"] * 13) + ".txt"
    assert len(name) <= 255
    out, result = do_redact({name: NOTE}, policy="research")
    (written,) = [p for p in out.iterdir()]
    assert len(written.name.encode("utf-8")) <= 255 and written.name.endswith(".txt")
    assert "dupontel" not in written.name.lower()
    assert result.risk.ok
