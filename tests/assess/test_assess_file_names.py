"""Personal data in file names never reaches an ``assess`` artefact (session 11 new-user fault:
the JSON ``files``/``sources``/``copies``, the HTML report, the notification drafts and the
store carried ``CR_DUPONTEL_Mireille_2951099126111.txt`` as it is; README: no raw identifier in
any assess artefact).

Synthetic data. NIR 2 95 10 99 126 111: woman (2), born 1995 (95), October (10), abroad (99),
commune 126, order 111; key by hand: 2951099126111 mod 97 = 4, 97 - 4 = 93
(2951099126111 = 97 x 30423702331 + 4), so ``295109912611193`` is the checksum-valid form; the
13-digit body is what a file name holds (redact's name rule, src/sentinelle/redact/names.py).

Expected masks, by hand from the rules of :func:`sentinelle.privacy.mask` (the ``masked``
field of findings): separators kept, the first alphanumeric kept, and the last two as well
when there are 10 or more: "DUPONTEL_Mireille" (16 letters) -> "D*******_******le",
"2951099126111" (13 digits) -> "2**********11".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

BIN = Path(sys.executable).with_name("sentinelle")
NAME = "CR_DUPONTEL_Mireille_2951099126111.txt"
MASKED = "CR_D*******_******le_2**********11.txt"
NOTE = ("Compte rendu\nPatient : Mme Mireille DUPONTEL\nNée le 12/10/1995\n"
        "N° SS : 2 95 10 99 126 111 93\n")
CSV = "code;resultat\nA1;12\nA2;13\n"
RAW = ("DUPONTEL", "Mireille", "2951099126111")


def _run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "file-names-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _no_raw(text: str, where: str) -> None:
    for raw in RAW:
        assert raw.lower() not in text.lower(), f"{raw} in {where}"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fnames")
    leak = tmp / "leak"
    for folder in ("fn", "copie"):  # an exact copy in another folder: a copies group
        (leak / folder).mkdir(parents=True)
        (leak / folder / NAME).write_text(NOTE, encoding="utf-8")
    (leak / "labo_lyon").mkdir()
    (leak / "labo_lyon" / "export.csv").write_text(CSV, encoding="utf-8")
    (leak / "patients_2024.csv").write_text(CSV, encoding="utf-8")
    out = tmp / "out"
    r = _run("assess", leak, "--json", out / "a.json", "--html", out / "a.html",
             "--notification", out / "drafts", "--db", out / "s.duckdb", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return out, r


def test_json_paths_masked_and_clean_names_kept(assessed):
    out, _r = assessed
    doc = json.loads((out / "a.json").read_text("utf-8"))
    files = sorted(fl["path"] for s in doc["sources"] for fl in s["file_list"])
    assert files == sorted([f"copie/{MASKED}", f"fn/{MASKED}", "labo_lyon/export.csv",
                            "patients_2024.csv"])
    assert sorted(s["path"] for s in doc["sources"]) == [".", "copie", "fn", "labo_lyon"]
    groups = [g["members"] for g in doc["copies"]["groups"]]
    assert [f"copie/{MASKED}", f"fn/{MASKED}"] in groups


def test_no_raw_name_in_any_artefact(assessed):
    out, r = assessed
    _no_raw(r.stdout + r.stderr, "the command's output")
    artefacts = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in artefacts} >= {"a.json", "a.html", "s.duckdb"}
    assert any(p.parent.name == "drafts" for p in artefacts)
    for p in artefacts:  # the store's file bytes too
        _no_raw(p.read_bytes().decode("utf-8", "replace"), str(p))


def test_no_raw_name_in_store_tables(assessed):
    out, _r = assessed
    con = duckdb.connect(str(out / "s.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_type = 'BASE TABLE'").fetchall()]
        assert {"scans", "sources", "assess_files", "assess_runs"} <= set(tables)
        for t in tables:
            rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
            _no_raw(repr(rows), f"store table {t}")
        paths = sorted(p for (p,) in con.execute("SELECT path FROM assess_files").fetchall())
        assert f"fn/{MASKED}" in paths and "labo_lyon/export.csv" in paths
    finally:
        con.close()
