"""Command-line faults of the session-9 list, each run as a user would: a real ``sentinelle``
subprocess (tests/conftest.py ``cli`` / ``SENTINELLE``), real files.

* SARIF results of table findings had no location but the file: they get a logical location
  (SARIF 2.1.0 section 3.33) naming sheet, row and column;
* ``sentinelle entities > /dev/full`` said "output" instead of naming stdout;
* ``sentinelle evaluate d d`` (folders) named no file;
* ``sentinelle reidentify`` of an empty folder exited 0 (``redact`` of one exits 2);
* the loader of tests/conftest.py was copied into 20 test files.

Test data is synthetic: the NIR 285072A00412338 has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SENTINELLE

NIR = "285072A00412338"

# -- SARIF 2.1.0 shapes (OASIS SARIF 2.1.0, sections 3.13-3.33) --------------------------------

_LOCATION_KEYS = {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                  "relationships", "properties"}                               # 3.28
_PHYSICAL_KEYS = {"address", "artifactLocation", "region", "contextRegion", "properties"}  # 3.29
_REGION_KEYS = {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength",
                "byteOffset", "byteLength", "snippet", "sourceLanguage", "message",
                "properties"}                                                   # 3.30
_LOGICAL_KEYS = {"name", "index", "fullyQualifiedName", "decoratedName", "parentIndex", "kind",
                 "properties"}                                                  # 3.33


def _check_sarif(log: dict) -> None:
    """The shapes of SARIF 2.1.0 a code-scanning UI relies on, result by result."""
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list)
    for run in log["runs"]:
        assert isinstance(run["tool"]["driver"]["name"], str)
        for result in run["results"]:
            assert result["level"] in ("none", "note", "warning", "error")      # 3.27.10
            assert isinstance(result["message"]["text"], str)                   # 3.11
            for loc in result["locations"]:
                assert set(loc) <= _LOCATION_KEYS
                phys = loc["physicalLocation"]
                assert set(phys) <= _PHYSICAL_KEYS and "artifactLocation" in phys
                assert isinstance(phys["artifactLocation"]["uri"], str)
                if "region" in phys:
                    region = phys["region"]
                    assert set(region) <= _REGION_KEYS
                    # 3.30.2: a region has a start: a line, a character or a byte offset
                    assert {"startLine", "charOffset", "byteOffset"} & set(region)
                    assert all(isinstance(v, int) and v >= 0 for k, v in region.items()
                               if k in ("charOffset", "charLength", "byteOffset", "byteLength"))
                for logical in loc.get("logicalLocations", ()):
                    assert set(logical) <= _LOGICAL_KEYS
                    assert all(isinstance(logical[k], str) for k in
                               ("name", "fullyQualifiedName", "kind") if k in logical)


@pytest.fixture
def sarif_log(cli, tmp_path: Path) -> dict:
    (tmp_path / "patients.csv").write_text(f"nom;nir\nMARTIN;{NIR}\n", encoding="utf-8")
    (tmp_path / "note.txt").write_text(f"N° SS : {NIR}\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.active.title = "Patients"
    wb.active.append(["nom", "nir"])
    wb.active.append(["DURAND", NIR])
    wb.save(tmp_path / "classeur.xlsx")
    r = cli("scan", "patients.csv", "note.txt", "classeur.xlsx", "--no-db", "-q", "-j", "1",
            "-f", "sarif", "-o", "scan.sarif", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    return json.loads((tmp_path / "scan.sarif").read_text("utf-8"))


def _nir_location(log: dict, uri: str) -> dict:
    return next(res["locations"][0] for res in log["runs"][0]["results"]
                if res["ruleId"] == "FR_NIR"
                and res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)


@pytest.mark.parametrize("uri, logical", [
    # a CSV cell: data row 0 (the row after the header), column "nir"; no sheet
    ("patients.csv", {"name": "nir", "fullyQualifiedName": "row 0, column nir", "kind": "value"}),
    # a workbook cell: the sheet too
    ("classeur.xlsx", {"name": "nir", "fullyQualifiedName": "sheet Patients, row 0, column nir",
                       "kind": "value"}),
])
def test_sarif_table_findings_have_a_logical_location(sarif_log, uri, logical):
    _check_sarif(sarif_log)
    loc = _nir_location(sarif_log, uri)
    assert loc["logicalLocations"] == [logical]
    assert "region" not in loc["physicalLocation"]   # a cell has no line of the file here


def test_sarif_text_findings_keep_their_region(sarif_log):
    loc = _nir_location(sarif_log, "note.txt")
    # "N° SS : " is 8 characters; the NIR is 15: line 1, columns 9..23 (endColumn 24, SARIF 3.30)
    assert loc["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 9, "endLine": 1,
                                                 "endColumn": 24, "charOffset": 8,
                                                 "charLength": 15}
    assert "logicalLocations" not in loc


# -- stdout that cannot be written -------------------------------------------------------------

@pytest.mark.parametrize("args", [("entities",), ("entities", "--format", "json"),
                                  ("scan", "a.csv", "--no-db", "-j", "1")])
def test_full_stdout_is_named(tmp_path: Path, args):
    (tmp_path / "a.csv").write_text(f"nom;nir\nMARTIN;{NIR}\n", encoding="utf-8")
    with open("/dev/full", "w") as full:
        r = subprocess.run([str(SENTINELLE), *args], cwd=tmp_path, stdout=full,
                           stderr=subprocess.PIPE, timeout=300)
    assert r.returncode == 2
    assert r.stderr.decode().splitlines() == [
        "sentinelle: cannot write stdout: No space left on device"]


# -- evaluate names the file it cannot read ----------------------------------------------------

def test_evaluate_folders_named(cli, tmp_path: Path):
    (tmp_path / "d").mkdir()
    (tmp_path / "labels.jsonl").write_text(
        '{"path": "a.txt", "row": null, "column": null, "start": 0, "end": 6, '
        '"entity_type": "PERSON"}\n', encoding="utf-8")
    r = cli("evaluate", "d", "d", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.decode().splitlines() == [
        "sentinelle: d: is a folder (TRUTH must be a truth.json or labels JSONL file)"]
    r = cli("evaluate", "labels.jsonl", "d", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.decode().splitlines() == [
        "sentinelle: d: is a folder (FINDINGS must be a findings JSONL file)"]


# -- an empty folder: redact and reidentify agree ----------------------------------------------

@pytest.mark.parametrize("command", [("redact", "--policy", "share"), ("reidentify",)])
def test_empty_folder_is_an_error(cli, tmp_path: Path, command):
    (tmp_path / "empty").mkdir()
    verb = command[0]
    r = cli(*command, "empty", "--out", "out/sub", cwd=tmp_path,
            env_extra={"XDG_STATE_HOME": str(tmp_path / "state")})
    assert r.returncode == 2
    assert re.fullmatch(rf"sentinelle: nothing to {verb}: no file found under empty \(empty, or "
                        r"only hidden or excluded files\); nothing written\n",
                        r.stderr.decode()), r.stderr
    assert not (tmp_path / "out").exists()      # no empty output folder left


# -- tests/conftest.py is imported, not copied -------------------------------------------------

def test_no_test_loads_the_root_conftest_by_path():
    tests = Path(__file__).parent
    copies = [p.relative_to(tests).as_posix() for p in sorted(tests.rglob("*.py"))
              if p.name != "test_cli_faults9.py"
              and re.search(r"def _shared_dir\(|spec_from_file_location\([^)]*\n?[^)]*conftest",
                            p.read_text("utf-8"))]
    assert copies == []
