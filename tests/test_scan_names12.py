"""``sentinelle scan`` reports personal data in file and folder names (session 12).

A lab export named after its patient (``CR_DUPONTEL_Mireille_2951099126111.txt``, the
session 11 new-user fault report; ``patients/MARTIN Jean/bilan.txt``) is a finding of the
scan, at ``column="(file name)"`` with offsets in the record's ``path`` (docs/findings-schema.md).

Test data is synthetic: the names are those of the project's own examples
(src/sentinelle/redact/names.py, src/sentinelle/assess/paths.py: DUPONTEL Mireille; redact/scope.py:
Paul LEFEVRE); ``2951099126111`` is the 13-character body of the README's synthetic NIR
``2 95 10 99 126 111 93`` (sex 2, born 1995-10, department 99, commune 126, order 111), written
without its key. Expected offsets are counted by hand in the comments; expected masks follow
:func:`sentinelle.privacy.mask` as documented in assess/paths.py
(``fn/CR_DUPONTEL_Mireille_2951099126111.txt`` -> ``fn/CR_D*******_******le_2**********11.txt``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("sentinelle")

DUPONTEL = "CR_DUPONTEL_Mireille_2951099126111.txt"


def run(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def names_of(recs: list[dict]) -> list[tuple]:
    return [(r["path"], r["entity_type"], r["start"], r["end"], r["masked"])
            for r in recs if r["column"] == "(file name)"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("names") / "leak"
    (root / "fn").mkdir(parents=True)
    (root / "fn" / DUPONTEL).write_text("ok\n", encoding="utf-8")
    folder = root / "patients" / "MARTIN Jean"
    folder.mkdir(parents=True)
    (folder / "bilan.txt").write_text("bilan normal\n", encoding="utf-8")
    (folder / "suivi.txt").write_text("rien\n", encoding="utf-8")
    (root / "labo_lyon").mkdir()
    (root / "labo_lyon" / "export.csv").write_text("id;resultat\n1;normal\n", encoding="utf-8")
    with zipfile.ZipFile(root / "a.zip", "w") as z:
        z.writestr("LEFEVRE_Paul/CR_LEFEVRE_Paul.txt", "texte\n")
        z.writestr("LEFEVRE_Paul/x.txt", "texte\n")
    return root


#: the name findings of ``tree``, in walk order (sorted names: a.zip, fn, labo_lyon, patients;
#: archive members in archive order)
EXPECTED = [
    # "a.zip!" is 6 characters; "LEFEVRE_Paul" 6..18 (the folder, once, with its first member)
    ("a.zip!LEFEVRE_Paul/CR_LEFEVRE_Paul.txt", "PERSON", 6, 18, "L****** **ul"),
    # "a.zip!LEFEVRE_Paul/CR_" is 22 characters; "LEFEVRE_Paul" 22..34
    ("a.zip!LEFEVRE_Paul/CR_LEFEVRE_Paul.txt", "PERSON", 22, 34, "L****** **ul"),
    # "fn/CR_" 6; "DUPONTEL_Mireille" (17) 6..23; "_" then 13 digits 24..37
    ("fn/" + DUPONTEL, "PERSON", 6, 23, "D******* ******le"),
    ("fn/" + DUPONTEL, "FR_NIR", 24, 37, "2**********11"),
    # "patients/" 9; "MARTIN Jean" (11) 9..20; reported with bilan.txt only
    ("patients/MARTIN Jean/bilan.txt", "PERSON", 9, 20, "M***** **an"),
]


@pytest.fixture(scope="module")
def scanned(tree, tmp_path_factory):
    """One scan with --jobs 1 and one with --jobs 2, paths as they are (--raw-paths): (findings
    paths, summaries, exit codes)."""
    out = tmp_path_factory.mktemp("out")
    got = {}
    for jobs in (1, 2):
        f = out / f"f{jobs}.jsonl"
        s = out / f"s{jobs}.json"
        p = run("scan", tree, "--no-db", "--raw-paths", "--jobs", jobs, "--findings", f,
                "--format", "json", "--output", s, cwd=out)
        got[jobs] = (f, json.loads(s.read_text(encoding="utf-8")), p.returncode, p.stderr)
    return got


def test_name_findings_exact(scanned):
    f, _summary, code, err = scanned[1]
    assert code == 1, err  # personal data found (in names only: every content is clean)
    recs = records(f)
    assert names_of(recs) == EXPECTED
    for r in recs:
        assert r["column"] == "(file name)" and r["row"] is None and r["sheet"] is None
    # the keyless NIR of a name is kept from 0.3 (redaction's rule for names), at its score
    nir = [r for r in recs if r["entity_type"] == "FR_NIR"]
    assert [r["validation"] for r in nir] == ["none"]
    assert 0.3 <= nir[0]["score"] < 0.5


def test_offsets_point_at_the_name(scanned):
    recs = records(scanned[1][0])
    spans = [r["path"][r["start"]:r["end"]] for r in recs]
    assert spans == ["LEFEVRE_Paul", "LEFEVRE_Paul", "DUPONTEL_Mireille", "2951099126111",
                     "MARTIN Jean"]


def test_same_findings_whatever_jobs(scanned):
    assert scanned[1][0].read_bytes() == scanned[2][0].read_bytes()
    s1, s2 = scanned[1][1], scanned[2][1]
    assert s1["totals"] == s2["totals"] and s1["files"] == s2["files"]


def test_counted_in_summary_per_file_and_entity(scanned):
    summary = scanned[1][1]
    assert summary["totals"]["by_entity"] == {"FR_NIR": 1, "PERSON": 4}
    assert summary["totals"]["findings"] == 5
    by_path = {f["path"]: f["by_entity"] for f in summary["files"]}
    assert by_path["fn/" + DUPONTEL] == {"FR_NIR": 1, "PERSON": 1}
    assert by_path["patients/MARTIN Jean/bilan.txt"] == {"PERSON": 1}
    assert by_path["patients/MARTIN Jean/suivi.txt"] == {}  # the folder is reported once
    assert by_path["a.zip!LEFEVRE_Paul/CR_LEFEVRE_Paul.txt"] == {"PERSON": 2}
    assert by_path["a.zip!LEFEVRE_Paul/x.txt"] == {}
    assert by_path["labo_lyon/export.csv"] == {}
    assert by_path["a.zip"] == {}


def test_entities_and_min_score_apply(tree, tmp_path):
    f = tmp_path / "f.jsonl"
    p = run("scan", tree, "--no-db", "-q", "--raw-paths", "--jobs", "1", "--entities", "FR_NIR",
            "--findings", f, cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert names_of(records(f)) == [EXPECTED[3]]
    # --min-score 0.7: PERSON "DUPONTEL Mireille" (0.6) dropped, "MARTIN Jean" and
    # "LEFEVRE Paul" (0.75) kept; the keyless NIR stays (kept from 0.3 in names)
    p = run("scan", tree, "--no-db", "-q", "--raw-paths", "--jobs", "1", "--min-score", "0.7",
            "--findings", f, cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert names_of(records(f)) == [EXPECTED[0], EXPECTED[1], EXPECTED[3], EXPECTED[4]]


def test_sarif_result_without_region(tree, tmp_path):
    out = tmp_path / "r.sarif"
    p = run("scan", tree, "--no-db", "-q", "--raw-paths", "--jobs", "1", "--format", "sarif",
            "--output", out, cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    results = json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert len(results) == 5
    r = results[2]
    assert r["ruleId"] == "PERSON"
    assert r["locations"] == [{
        "physicalLocation": {"artifactLocation": {"uri": "fn/" + DUPONTEL,
                                                  "uriBaseId": "SCANROOT"}},
        "logicalLocations": [{"name": "(file name)", "fullyQualifiedName": "(file name)",
                              "kind": "resource"}]}]
    assert (r["properties"]["start"], r["properties"]["end"]) == (6, 23)
    assert r["message"]["text"].endswith("D******* ******le")


def test_api_scan_reports_names_iter_scan_does_not(tree):
    import sentinelle
    from sentinelle.scanner import iter_scan

    result = sentinelle.scan(tree / "fn")
    got = [(f.location.path, f.entity_type, f.start, f.end, f.masked) for f in result.findings
           if f.location.column == "(file name)"]
    # a single folder argument: paths relative to it ("CR_" 3, "DUPONTEL_Mireille" 3..20)
    assert got == [(DUPONTEL, "PERSON", 3, 20, "D******* ******le"),
                   (DUPONTEL, "FR_NIR", 21, 34, "2**********11")]
    assert result.counts == {"FR_NIR": 1, "PERSON": 1}
    seen: list = []
    reports = list(iter_scan([tree / "fn"], sink=seen.extend))  # other callers: off
    assert seen == [] and reports[0].counts == ()


def test_clean_names_nothing(tmp_path):
    (tmp_path / "labo_lyon").mkdir()
    (tmp_path / "labo_lyon" / "export_2024.csv").write_text("id;resultat\n1;normal\n",
                                                          encoding="utf-8")
    p = run("scan", tmp_path / "labo_lyon", "--no-db", "-q", "--jobs", "1", cwd=tmp_path)
    assert p.returncode == 0, p.stderr


# -- paths shown masked (session 12, step 3) ------------------------------------------------------

#: the paths of ``tree`` as scan shows them: each span of a name finding masked, length kept
#: (:func:`sentinelle.privacy.mask`: first letter and last two of a name, first digit and last
#: two of a NIR; separators kept), so the offsets of EXPECTED hold in them
SHOWN = {
    "a.zip!LEFEVRE_Paul/CR_LEFEVRE_Paul.txt": "a.zip!L******_**ul/CR_L******_**ul.txt",
    "a.zip!LEFEVRE_Paul/x.txt": "a.zip!L******_**ul/x.txt",
    "fn/" + DUPONTEL: "fn/CR_D*******_******le_2**********11.txt",
    "patients/MARTIN Jean/bilan.txt": "patients/M***** **an/bilan.txt",
    "patients/MARTIN Jean/suivi.txt": "patients/M***** **an/suivi.txt",
}


@pytest.fixture(scope="module")
def masked(tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("masked")
    got = {}
    for jobs in (1, 2):
        f = out / f"f{jobs}.jsonl"
        s = out / f"s{jobs}.json"
        p = run("scan", tree, "--no-db", "--jobs", jobs, "--findings", f, "--format", "json",
                "--output", s, cwd=out)
        got[jobs] = (f, json.loads(s.read_text(encoding="utf-8")), p.returncode, p.stderr)
    return got


def test_paths_masked_in_findings_and_summary(masked):
    f, summary, code, err = masked[1]
    assert code == 1, err
    recs = records(f)
    shown = [(SHOWN.get(p, p), e, a, b, m) for p, e, a, b, m in EXPECTED]
    assert names_of(recs) == shown
    text = f.read_text(encoding="utf-8")
    for raw in ("DUPONTEL", "Mireille", "2951099126111", "MARTIN", "LEFEVRE"):
        assert raw not in text
    paths = [x["path"] for x in summary["files"]]
    assert paths == ["a.zip!L******_**ul/CR_L******_**ul.txt", "a.zip!L******_**ul/x.txt",
                     "a.zip", "fn/CR_D*******_******le_2**********11.txt",
                     "labo_lyon/export.csv", "patients/M***** **an/bilan.txt",
                     "patients/M***** **an/suivi.txt"]
    assert summary["totals"]["by_entity"] == {"FR_NIR": 1, "PERSON": 4}


def test_paths_masked_same_whatever_jobs(masked):
    assert masked[1][0].read_bytes() == masked[2][0].read_bytes()
    assert masked[1][1]["files"] == masked[2][1]["files"]


def test_paths_masked_in_table_and_sarif(tree, tmp_path):
    out = tmp_path / "r.sarif"
    p = run("scan", tree, "--no-db", "--jobs", "1", "--format", "sarif", "--output", out,
            cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    sarif = out.read_text(encoding="utf-8")
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif)["runs"][0]["results"]]
    assert uris[2:4] == ["fn/CR_D*******_******le_2**********11.txt"] * 2
    p = run("scan", tree, "--no-db", "--jobs", "1", cwd=tmp_path)
    assert "patients/M***** **an/bilan.txt" in p.stdout
    for raw in ("DUPONTEL", "MARTIN", "LEFEVRE"):
        assert raw not in sarif and raw not in p.stdout and raw not in p.stderr


def test_raw_paths_opt_out(tree, tmp_path):
    f = tmp_path / "f.jsonl"
    p = run("scan", tree, "--no-db", "-q", "--jobs", "1", "--raw-paths", "--findings", f,
            cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert names_of(records(f)) == EXPECTED


@pytest.mark.parametrize("filters, reported", [
    # the filters choose the findings reported; the path is masked whatever they are
    # (session 13: with --entities PHONE_NUMBER the summary printed the name and NIR raw)
    (["--entities", "PHONE_NUMBER"], []),
    (["--entities", "PERSON"], ["PERSON"]),
    # the name scores below 0.99; a keyless NIR in a name is kept from 0.3 whatever
    # --min-score (FileNames docstring: as redaction does in names)
    (["--min-score", "0.99"], ["FR_NIR"]),
])
def test_filtered_scan_still_masks_names(tmp_path, filters, reported):
    root = tmp_path / "leak"
    root.mkdir()
    (root / DUPONTEL).write_text("ok\n", encoding="utf-8")
    res = run("scan", root, "--no-db", "--format", "json", "--findings", tmp_path / "f.jsonl",
              *filters, cwd=tmp_path)
    assert DUPONTEL not in res.stdout + res.stderr
    assert "DUPONTEL" not in res.stdout + res.stderr
    summary = json.loads(res.stdout)
    assert [f["path"] for f in summary["files"]] == ["CR_D*******_******le_2**********11.txt"]
    recs = records(tmp_path / "f.jsonl")
    assert sorted(r["entity_type"] for r in recs) == reported
    assert all(r["path"] == "CR_D*******_******le_2**********11.txt" for r in recs)
