"""Faults a new user found (session 8, helper R2): partial birth dates under ``generalise``, the
run's own outputs inside the scanned folder, ``redact`` of an empty folder, and the wording of a
period of a single day or month. Real CLI runs (``cli`` fixture); synthetic data only."""

from __future__ import annotations

import json

import pytest

from sentinelle.redact import dates
from sentinelle.redact.operators import Operators, Target
from sentinelle.redact.policy import load_policy

KEY = b"k" * 32


# -- 1. generalise: partial birth dates go to the year (README: "birth dates ... to the year") --
@pytest.mark.parametrize("text, level, expected", [
    ("03/1960", 1, "1960"),       # month/year, French order: the user's "Née en 03/1960"
    ("3/1960", 1, "1960"),        # month not zero-padded
    ("1960-03", 1, "1960"),       # ISO 8601 year-month (the detector's normalised form)
    ("mars 1960", 1, "1960"),     # month in words
    ("03/1960", 2, "1960-1969"),  # level 2: the decade
    ("13/1960", 1, None),         # no 13th month: not a date
])
def test_partial_dates_generalise_to_the_year(text, level, expected):
    assert dates.generalise(text, level) == expected


@pytest.mark.parametrize("text, days, expected", [
    ("03/1960", -3, "02/1960"),   # day unknown: moves at least one month, same spelling
    ("1960-03", -40, "1960-02"),  # 15 March - 40 days = 4 February
    ("01/1960", -3, "12/1959"),   # leaves the year
])
def test_partial_dates_shift_in_their_form(text, days, expected):
    assert dates.shift(text, days) == expected


@pytest.mark.parametrize("text, normalized, expected", [
    ("03/1960", "1960-03", "1960"),
    ("mars 1960", "1960-03", "1960"),
    ("1960-03", "1960-03", "1960"),
    # a spelling the date parser does not know: the detector's ISO normal form gives the year
    ("III/1960", "1960-03", "1960"),
])
def test_share_policy_generalises_partial_birth_dates(text, normalized, expected):
    ops = Operators(load_policy("share"), KEY)
    assert ops.apply(Target("DATE_OF_BIRTH", text, normalized)) == expected
    assert ops.fallbacks == 0


def test_redact_share_month_year_birth_date_in_text(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cr.txt").write_text(
        "Patiente : Jeanne Durand\nNée en 03/1960, suivie pour diabète.\n", encoding="utf-8")
    res = cli("redact", "in", "--out", "out", "--policy", "share", "-q", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    text = (tmp_path / "out" / "cr.txt").read_text("utf-8")
    assert "Née en 1960, suivie" in text
    assert "<DATE_OF_BIRTH>" not in text and "03/1960" not in text


# -- 2. the run's own outputs inside the scanned folder are not read ----------------------------
def test_scan_does_not_read_its_own_store_inside_the_folder(cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("nom,tel\nDupont,06 12 34 56 78\n", encoding="utf-8")
    res = cli("scan", "data", "--db", "data/s.duckdb", "--findings", "data/f.jsonl",
              "--format", "json", "-o", "data/out.json", cwd=tmp_path)
    assert res.returncode == 1, res.stderr.decode()
    doc = json.loads((data / "out.json").read_text("utf-8"))
    assert [f["path"] for f in doc["files"]] == ["a.csv"]
    records = [json.loads(line) for line in (data / "f.jsonl").read_text("utf-8").splitlines()]
    assert {r["path"] for r in records} == {"a.csv"}
    said = [line for line in res.stderr.decode().splitlines() if "own output" in line]
    assert len(said) == 1 and "data/s.duckdb" in said[0]


def test_earlier_findings_file_is_still_scanned(cli, tmp_path):
    # a findings file of an earlier run is a file like any other (not skipped silently)
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("nom,tel\nDupont,06 12 34 56 78\n", encoding="utf-8")
    first = cli("scan", "data", "--no-db", "--findings", "old.jsonl", "-q", cwd=tmp_path)
    assert first.returncode == 1
    (tmp_path / "old.jsonl").rename(data / "old.jsonl")
    res = cli("scan", "data", "--no-db", "--format", "json", cwd=tmp_path)
    paths = [f["path"] for f in json.loads(res.stdout)["files"]]
    assert paths == ["a.csv", "old.jsonl"]
    assert "own output" not in res.stderr.decode()


def test_assess_does_not_read_its_own_store_inside_the_folder(cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("nom,prenom,tel\nDupont,Jean,06 12 34 56 78\n", encoding="utf-8")
    res = cli("assess", "data", "--db", "data/s.duckdb", "--json", "data/r.json",
              "--notification", "data/drafts", "-q", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    doc = json.loads((data / "r.json").read_text("utf-8"))
    listed = [fl["path"] for src in doc["sources"] for fl in src["file_list"]]
    assert listed == ["a.csv"]
    assert doc["files"]["scanned"] == 1


# -- 3. redact of an empty folder is an error, as assess --------------------------------------
def test_redact_empty_folder_says_why_and_exits_2(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    res = cli("redact", "empty", "--out", "out", "--policy", "share", cwd=tmp_path)
    assert res.returncode == 2
    err = res.stderr.decode()
    assert "nothing to redact: no file found under empty" in err
    assert "NOTHING WRITTEN" not in err + res.stdout.decode()
    assert not (tmp_path / "out").exists()


# -- 4. a period of one day / one month --------------------------------------------------------
@pytest.fixture
def one_day(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lab.csv").write_text(
        "nom,prenom,date_naissance,date_prelevement,resultat\n"
        "Dupont,Jean,12/03/1960,15/01/2024,glycemie 1.2\n"
        "Martin,Claire,05/07/1975,15/01/2024,glycemie 0.9\n", encoding="utf-8")
    res = cli("assess", "in", "--no-db", "--json", "r.json", "--html", "r.html",
              "--notification", "d", "-q", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["period"]["start"] == "2024-01-15"
    return tmp_path


@pytest.mark.parametrize("name, said, not_said", [
    ("r.html", "le 15 janvier 2024", "15 janvier 2024 au 15 janvier 2024"),
    ("d/notification-cnil.fr.md", "datés du même jour, le 15 janvier 2024",
     "du 15 janvier 2024 au 15 janvier 2024"),
    ("d/notification-cnil.en.md", "The records all bear the same date, 15 January 2024",
     "from 15 January 2024 to 15 January 2024"),
    ("d/lettre-personnes.fr.md", "enregistrées en janvier 2024", "de janvier 2024 à janvier 2024"),
    ("d/letter-data-subjects.en.md", "recorded in January 2024",
     "from January 2024 to January 2024"),
])
def test_single_date_period_wording(one_day, name, said, not_said):
    text = (one_day / name).read_text("utf-8")
    assert said in text
    assert not_said not in text


def test_single_date_period_wording_html_english(cli, one_day):
    res = cli("assess", "in", "--no-db", "--html", "en.html", "--lang", "en", "-q", cwd=one_day)
    assert res.returncode == 0, res.stderr.decode()
    assert "on 15 January 2024" in (one_day / "en.html").read_text("utf-8")
