"""Likely copies of a file go to the same ``--jobs`` worker (``scanner._Bins``, issue 5: a leak
holds near-copies of each lab's files, and the text-section and cell-value memos are per worker
process), with the same findings, in the same order, whatever ``--jobs``.

Test data is synthetic: NIRs get their key by the rule of the NIR (key = 97 - number mod 97,
décret n° 82-103 / INSEE), e-mail addresses are at example.org (RFC 2606), names of no real
person.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.pipeline import Pipeline
from sentinelle.scanner import _Bins, _Parallel, _Slot, copy_key, walk

BIN = Path(sys.executable).with_name("sentinelle")


def nir(i: int) -> str:
    body = f"2900175123{i % 999 + 1:03d}"
    return body + f"{97 - int(body) % 97:02d}"


@pytest.mark.parametrize("display, key", [
    # the original and its copies in the 20,000-patient bench leak (sentinelle synth)
    ("lab_a/patients.csv", "lab_a/patients"),
    ("archive_2022/lab_a/old_patients.csv", "lab_a/patients"),     # prefix old_
    ("dump_2021_copy/lab_a/patients_copy.tsv", "lab_a/patients"),  # re-delimited, _copy
    ("leak_part2/lab_a/patients_v2.csv", "lab_a/patients"),        # _v2
    ("part2/lab_a/extraction_sil (1).csv", "lab_a/extraction_sil"),  # a browser's " (1)"
    ("x/lab_a/comptes_rendus - Copie.txt", "lab_a/comptes_rendus"),  # Windows Explorer copy
    ("lab_a/dossiers_bak.json", "lab_a/dossiers"),
    ("lab_b/patients.csv", "lab_b/patients"),     # another lab's file: another key
    ("patients_2021.csv", "/patients_2021"),      # a year is part of the name (4 digits)
    ("a.zip!export/old_table.csv", "a.zip!export/table"),  # an archive member
    ("lab_a/.hidden", "lab_a/.hidden"),           # a dot file has no extension to drop
])
def test_copy_key(display, key):
    assert copy_key(display) == key


def test_bins_first_seen_key_goes_to_least_loaded_worker():
    bins = _Bins(2)
    plan = [("a/x.csv", 100), ("a/y.txt", 60), ("b/a/old_x.tsv", 90), ("a/z.csv", 10),
            ("c/a/y_copy.txt", 50)]
    got = []
    for display, size in plan:
        slot = _Slot(task=("file", display, display), size=size, display=display)
        bins.assign(slot, copy_key(display))
        got.append(slot.bin)
    # x -> 0 (loads 0, 0: the lowest index); y -> 1 (100 vs 0); the copy of x -> 0;
    # z -> 1 (190 vs 60); the copy of y -> 1
    assert got == [0, 1, 0, 1, 1]
    assert bins.load == [190, 120]
    # pieces of a split file: piece n goes to the worker n after its key's
    pieces = []
    for n in range(3):
        slot = _Slot(task=("piece", []), size=5)
        bins.assign(slot, "a/x", n)
        pieces.append(slot.bin)
    assert pieces == [0, 1, 0]


def _report(i0: int, n: int) -> str:
    out = []
    for i in range(i0, i0 + n):
        out.append(f"Compte rendu n° {i}\nPatiente : Mme LEBRUN Claire, NIR {nir(i)}\n"
                   f"Contact : patient.{i}@example.org\nGlycémie : 1,02 g/L\n"
                   + "-" * 20 + "\n")
    return "".join(out)


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("copies") / "leak"
    rows = [("nom", "prenom", "nir", "email")] + [
        (f"NOM{i}", "Claire", nir(i), f"patient.{i}@example.org") for i in range(300)]
    for folder, name, sep, changed in [("lab_a", "patients.csv", ";", None),
                                       ("lab_b", "patients.csv", ";", None),
                                       ("archive/lab_a", "old_patients.tsv", "\t", 7),
                                       ("dump/lab_a", "patients_copy.csv", ",", 11)]:
        p = d / folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        body = [list(r) for r in rows]
        if changed is not None:  # a near-copy: one row changed
            body[changed][3] = f"autre.{changed}@example.org"
        p.write_text("".join(sep.join(r) + "\n" for r in body), encoding="utf-8")
    (d / "lab_a" / "comptes_rendus.txt").write_text(_report(0, 150), encoding="utf-8")
    (d / "archive" / "lab_a" / "comptes_rendus_v2.txt").write_text(
        _report(0, 140) + _report(500, 10), encoding="utf-8")
    (d / "dump" / "lab_a" / "old_comptes_rendus.txt").write_text(_report(0, 150),
                                                                 encoding="utf-8")
    return d


def test_copies_share_a_bin(leak: Path):
    config = Config()
    par = _Parallel(Pipeline(build(None, config), config), config, 2)
    bins = {s.display: s.bin for s in par._plan(walk([leak], config), None)
            if s.task is not None}
    assert len(bins) == 7
    assert bins["lab_a/patients.csv"] == bins["archive/lab_a/old_patients.tsv"] \
        == bins["dump/lab_a/patients_copy.csv"]
    assert bins["lab_a/comptes_rendus.txt"] == bins["archive/lab_a/comptes_rendus_v2.txt"] \
        == bins["dump/lab_a/old_comptes_rendus.txt"]
    # three keys over two workers: both get work
    assert set(bins.values()) == {0, 1}


def test_findings_identical_whatever_jobs(leak: Path, tmp_path: Path):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    outs = {}
    for jobs in (1, 2, 3):
        f = tmp_path / f"f{jobs}.jsonl"
        r = subprocess.run([str(BIN), "scan", str(leak), "--no-db", "-q", "--findings", str(f),
                            "--jobs", str(jobs)], env=env, capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 1, r.stderr  # personal data found
        outs[jobs] = f.read_bytes()
    assert outs[1] == outs[2] == outs[3]
    # 4 tables x 300 NIRs + 150 + 150 + 150 reports' NIRs
    assert outs[1].count(b'"FR_NIR"') == 4 * 300 + 3 * 150
