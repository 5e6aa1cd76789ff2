"""Session 12 fault list of ``sentinelle redact``: one NIR, one fake; HPRIM fake NIRs that showed
the real birth month; an ``--out`` that already holds outputs; a file and a folder with the same
output name.

Rules: INSEE NIR structure (décret 82-103): digit 1 sex (1 man, 2 woman), digits 2-3 year and
4-5 month of birth (20-42, 50-99: month unknown), key = 97 - (first 13 digits mod 97). The
fake's year and month are those of the 15th of the NIR's month moved by the holder's keyed date
shift (:func:`sentinelle.redact.fakes.nir_head`, design in the fakes module docstring).

Synthetic data, made up here; keys worked out by hand with the rule above (the first two as in
tests/redact/test_redact_hprim.py and tests/redact/test_fakes_coherent.py):
1850578006084: 1850578006084 mod 97 = 6, key 91;
2850375112345: 2850375112345 mod 97 = 53, key 44.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.redact import fakes
from sentinelle.redact.names import distinct

BIN = Path(sys.executable).with_name("sentinelle")
MAN = "185057800608491"      # a man born May 1985
WOMAN = "285037511234544"    # a woman born March 1985


def key_ok(nir: str) -> bool:
    """The INSEE key rule, written out here (not the package's validator)."""
    body = nir[:13].replace("2A", "19").replace("2B", "18")
    return len(nir) == 15 and body.isdigit() and int(nir[13:]) == 97 - int(body) % 97


def test_synthetic_nirs_are_valid():
    assert key_ok(MAN) and key_ok(WOMAN)


def run(*args, env_key: str = "faults12-test-key"):
    env = {**os.environ, "SENTINELLE_KEY": env_key}
    return subprocess.run([str(BIN), *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=600)


def _one_line_error(stderr: str) -> str:
    lines = [l for l in stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("sentinelle: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- 1 and 2: one NIR, one fake, in every file, row and format -------------------------------

FILES = {
    # a table with birth date and sex: the man's NIR written with spaces
    "patients.csv": "nom;prenom;sexe;date_naissance;nir\n"
                    "DUPONT;Jean;M;28/05/1985;1 85 05 78 006 084 91\n"
                    f"MARTIN;Claire;F;12/03/1985;{WOMAN}\n",
    # a table of visits: the same NIRs, no birth date nor sex
    "visites.csv": f"nir;date_visite;examen\n{MAN};15/02/2024;glycemie\n"
                   f"{WOMAN};16/02/2024;TSH\n",
    # a text report
    "cr.txt": f"Compte rendu\nPatient DUPONT Jean, NIR {MAN}, vu le 15/02/2024.\n",
    # HPRIM Santé 2.2 records (P-5 the NIR, P-8 the birth date, as in test_redact_hprim.py)
    "rapport.hpr": "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
                   f"P|1|IPP42|NDA7781|{MAN}|DUPONT^JEAN|MOREAU|19850528|M\r\n"
                   "OBR|1|D42||GLU^Glycemie\r\nL|1|N\r\n",
    # HL7 v2: the woman's NIR in PID-19, PID-7 her birth date
    "adt.hl7": "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5\r"
               "PID|1||654321^^^LAB^PI||MARTIN^CLAIRE||19850312|F|||||||||||"
               f"{WOMAN}\r",
}
NIR_SHAPE = re.compile(r"(?<!\d)[1-8] ?\d\d ?\d\d ?(?:\d\d|2A|2B) ?\d{3} ?\d{3} ?\d\d(?!\d)")


@pytest.fixture(scope="module")
def fake_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults12")
    src = root / "in"
    src.mkdir()
    for name, text in FILES.items():
        (src / name).write_bytes(text.encode("utf-8"))
    outs = []
    for name in ("out1", "out2"):
        r = run("redact", src, "--out", root / name, "--policy", "test-data", "-q")
        assert r.returncode == 0, r.stdout + r.stderr
        outs.append({p.name: p.read_bytes().decode("utf-8") for p in (root / name).iterdir()})
    return outs


def _nirs(text: str) -> list[str]:
    return [m.group().replace(" ", "") for m in NIR_SHAPE.finditer(text)]


def test_same_nir_same_fake_everywhere(fake_runs):
    out = fake_runs[0]
    pat = out["patients.csv"].splitlines()
    man_fake = pat[1].split(";")[4]
    woman_fake = pat[2].split(";")[4]
    # the spaced layout is kept
    assert [i for i, c in enumerate(man_fake) if c == " "] == [1, 4, 7, 10, 14, 18]
    man, woman = man_fake.replace(" ", ""), woman_fake.replace(" ", "")
    assert key_ok(man) and key_ok(woman) and man != MAN and woman != WOMAN
    # the same fake in the table without birth date, the text report, HPRIM and HL7 v2
    vis = out["visites.csv"].splitlines()
    assert vis[1].split(";")[0] == man and vis[2].split(";")[0] == woman
    assert _nirs(out["cr.txt"]) == [man]
    assert _nirs(out["rapport.hpr"]) == [man]
    assert out["adt.hl7"].split("\r")[1].split("|")[19] == woman
    for text in out.values():
        assert MAN not in text and WOMAN not in text and MAN[:13] not in text


def test_same_fake_in_every_run(fake_runs):
    assert fake_runs[0] == fake_runs[1]


def _shift(before: str, after: str) -> int:
    d0 = dt.datetime.strptime(before, "%d/%m/%Y").date()
    d1 = dt.datetime.strptime(after, "%d/%m/%Y").date()
    return (d1 - d0).days


def test_fake_nir_month_follows_the_persons_shift(fake_runs):
    """Sex digit kept; year and month: the 15th of the NIR's month moved by the person's shift,
    read here from the output's own shifted dates (the visit of 15/02/2024)."""
    out = fake_runs[0]
    vis = out["visites.csv"].splitlines()
    for line, born in ((vis[1], dt.date(1985, 5, 15)), (vis[2], dt.date(1985, 3, 15))):
        fake, shown, _ = line.split(";")
        days = _shift("15/02/2024" if fake[0] == "1" else "16/02/2024", shown)
        assert days < 0
        moved = born + dt.timedelta(days=days)
        assert fake[1:5] == f"{moved.year % 100:02d}{moved.month:02d}", (fake, days)
    # the table row's birth date moved by the same shift as the person's visits
    pat = out["patients.csv"].splitlines()[1].split(";")
    assert _shift("28/05/1985", pat[3]) == _shift("15/02/2024", vis[1].split(";")[1])


def test_hprim_fake_nir_does_not_show_the_real_month(fake_runs):
    """Session 12, item 2: HPRIM passed no record, so its fake NIR kept 1 85 05 (the real sex,
    year and month). Its fake is now the other formats' one; under this test key the man's
    shift is more than 14 days (28/05/1985 -> 29/04/1985 in the table, read from the output),
    so the 15th of May moves into April and the real month is not shown."""
    out = fake_runs[0]
    fake = _nirs(out["rapport.hpr"])[0]
    pat = out["patients.csv"].splitlines()[1].split(";")
    assert _shift("28/05/1985", pat[3]) < -14
    assert fake[:5] != MAN[:5]
    assert fake[0] == "1"


@pytest.mark.parametrize("raw, moved, month, year_shown, head", [
    (MAN, -29, 3, False, "18504"),      # 15/05/1985 - 29 days = 16/04/1985
    (MAN, -14, 3, False, "18505"),      # 15/05/1985 - 14 days = 01/05/1985
    (MAN, -15, 3, False, "18504"),      # 30/04/1985
    ("285017500212345", -20, 3, False, "28412"),   # 15/01/1985 - 20 = 26/12/1984
    ("185427800608491", -200, 3, False, "18442"),  # month code 42 kept; 01/07/1985 - 200 days
    (MAN, None, 3, True, "18503"),      # birth date generalised to its year: the drawn month
    (MAN, None, 3, False, "18505"),     # birth date kept: the original's
])
def test_nir_head_rule(raw, moved, month, year_shown, head):
    assert fakes.nir_head(raw, moved, month, year_shown=year_shown) == head


# -- 3: an --out that already holds outputs -----------------------------------------------------


def test_existing_output_refused_then_forced(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "CR_DUPONT_Jean.txt").write_text(f"Patient DUPONT Jean, NIR {MAN}.\n", "utf-8")
    out = tmp_path / "out"
    r = run("redact", src, "--out", out, "--policy", "share", "-q")
    assert r.returncode == 0, r.stderr
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 1 and "DUPONT" not in written[0]
    before = (out / written[0]).read_bytes()
    (out / written[0]).write_bytes(b"kept\n")  # the user's copy, to be kept
    (src / "autre.txt").write_text("Rien.\n", "utf-8")
    r = run("redact", src, "--out", out, "--policy", "share", "-q")
    assert r.returncode == 2
    line = _one_line_error(r.stderr)
    assert written[0] in line and "--force" in line
    assert "DUPONT" not in line and "Jean" not in line and MAN not in line
    assert (out / written[0]).read_bytes() == b"kept\n"          # nothing overwritten
    assert not (out / "autre.txt").exists()                       # nothing written at all
    r = run("redact", src, "--out", out, "--policy", "share", "-q", "--force")
    assert r.returncode == 0, r.stderr
    assert (out / written[0]).read_bytes() == before
    assert (out / "autre.txt").exists()


def test_force_in_help():
    r = run("redact", "--help")
    assert r.returncode == 0 and "--force" in r.stdout


# -- 4: a file and a folder with the same output name ---------------------------------------------


def test_file_and_folder_same_redacted_name(tmp_path):
    src = tmp_path / "in"
    (src / "DUPONT_Jean").mkdir(parents=True)
    (src / "DUPONT_Jean" / "cr.txt").write_text("Compte rendu de M. Jean DUPONT.\n", "utf-8")
    (src / "MARTIN_Claire").write_text("Note sur Claire MARTIN.\n", "utf-8")
    policy = tmp_path / "p.toml"
    policy.write_text('name = "labels"\ndefault = "redact"\n', "utf-8")
    out = tmp_path / "out"
    r = run("redact", src, "--out", out, "--policy", policy, "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Not a directory" not in r.stderr and "Traceback" not in r.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    # both written, under distinct names: the file <PERSON>, the folder <PERSON>_2
    assert files == ["<PERSON>", "<PERSON>_2/cr.txt"]


def test_file_argument_and_folder_argument_of_one_name(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "data").write_text("Rien.\n", "utf-8")
    (tmp_path / "b" / "data").mkdir(parents=True)
    (tmp_path / "b" / "data" / "x.txt").write_text("Rien.\n", "utf-8")
    out = tmp_path / "out"
    r = run("redact", tmp_path / "a" / "data", tmp_path / "b" / "data", "--out", out,
            "--policy", "share", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["data", "data_2/x.txt"]


def test_existing_file_where_a_folder_goes_one_line(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "x.txt").write_text("Rien.\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").write_text("a file\n", "utf-8")
    r = run("redact", src, "--out", out, "--policy", "share", "-q")
    assert r.returncode == 2
    line = _one_line_error(r.stderr)
    assert "sub" in line and "Not a directory" not in line
    r = run("redact", src, "--out", out, "--policy", "share", "-q", "--force")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "Not a directory" not in r.stderr and "sub" in r.stderr


@pytest.mark.parametrize("olds, news, final", [
    (["F", "D/a", "D/b"], ["P", "P/a", "P/b"], ["P", "P_2/a", "P_2/b"]),   # file first
    (["D/a", "F"], ["P/a", "P"], ["P/a", "P_2"]),                          # folder first
    (["a/x.csv", "b/x.csv"], ["P/x.csv", "P/x.csv"], ["P/x.csv", "P/x_2.csv"]),  # merged
    (["data", "data/x"], ["data", "data/x"], ["data", "data_2/x"]),        # unchanged names
    (["k.csv", "F.csv"], ["k.csv", "k.csv"], ["k.csv", "k_2.csv"]),        # kept name first
])
def test_distinct(olds, news, final):
    assert distinct(olds, news) == final
