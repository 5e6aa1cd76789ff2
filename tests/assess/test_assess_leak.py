"""`assess` end to end on a synthetic leak (persons repeated across labs and copies, typos,
moves, children under a parent's NIR: see docs/truth-schema.md), with a real DuckDB store."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import sentinelle
from sentinelle.assess import Options, assess_paths, assess_stored
from sentinelle.cli import app
from sentinelle.store import Store
from sentinelle.synth import generate

KEY = b"test-key-not-secret"
PATIENTS = 300


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(out, patients=PATIENTS, labs=3, copies=1, seed=7)
    return out


@pytest.fixture(scope="module")
def assessed(leak: Path, tmp_path_factory):
    """The leak assessed once with a store, registered as ``full``; returns (doc, store path)."""
    db = tmp_path_factory.mktemp("store") / "s.duckdb"
    with Store(db) as store:
        doc = assess_paths([leak / "leak"], key=KEY, store=store,
                           options=Options(register="full"), tool_version="test")
    return doc, db


def test_patient_count_within_one_percent_of_truth(leak: Path, assessed):
    doc, _db = assessed
    truth = json.loads((leak / "truth.json").read_text())
    patients = doc["subjects"]["by_role"]["patient"]["unique"]
    assert abs(patients - truth["unique_persons"]) <= 0.01 * truth["unique_persons"]
    assert doc["subjects"]["by_role"]["patient"]["records"] >= truth["records"]
    lo, hi = doc["subjects"]["interval"]
    assert lo <= doc["subjects"]["unique"] <= hi


def test_professionals_counted_apart(leak: Path, assessed):
    # synth: max(40, patients // 150) GPs, 2 biologists per lab (generator.py)
    doc, _db = assessed
    pros = doc["subjects"]["by_role"]["health_professional"]["unique"]
    assert 40 <= pros <= 40 + 2 * 3


def test_document_sections(assessed):
    doc, _db = assessed
    assert doc["schema"] == "sentinelle-assessment/1"
    cats = {c["category"]: c for c in doc["categories"]}
    assert cats["health"]["special_category"] is True
    assert cats["national_identifier"]["subjects"] > 0
    top = doc["combinations"][0]
    assert top["label"].startswith("name + birth date + NIR")
    assert doc["period"]["start"] >= "2019-01-01" and doc["period"]["end"] <= "2025-06-30"
    assert sum(m["records"] for m in doc["period"]["by_month"]) >= doc["period"]["dated_records"]
    assert {s["path"] for s in doc["sources"]} >= {"labo_biomed_lyon"}
    lyon = next(s for s in doc["sources"] if s["path"] == "labo_biomed_lyon")
    assert lyon["organisations"] and lyon["organisations"][0]["kind"] == "FR_FINESS"
    assert doc["severity"]["level"] == "very high"  # health data, full identity, published


def test_copies_found(assessed):
    doc, _db = assessed
    groups = doc["copies"]["groups"]
    # every original file has one perturbed copy (copies=1): 2 members, near duplicates
    assert groups and all(len(g["members"]) == 2 for g in groups)
    assert all(g["kind"] == "near" and g["similarity"] >= 0.5 for g in groups)


def test_exact_copy_and_register_overlap(leak: Path, assessed, tmp_path: Path):
    doc, db = assessed
    # a byte-for-byte copy of one lab folder, assessed against the registered leak
    sub = tmp_path / "dump"
    shutil.copytree(leak / "leak" / "labo_biomed_lyon", sub / "a")
    shutil.copytree(leak / "leak" / "labo_biomed_lyon", sub / "b")
    with Store(db) as store:
        doc2 = assess_paths([sub], key=KEY, store=store, tool_version="test")
    known = {k["name"]: k for k in doc2["copies"]["known_leaks"]}
    assert known["full"]["share_of_this"] == 1.0  # all its persons are in the full leak
    assert 0 < known["full"]["share_of_known"] < 1.0
    exact = [g for g in doc2["copies"]["groups"] if g["kind"] == "exact"]
    assert {tuple(g["members"]) for g in exact} >= {("a/patients.csv", "b/patients.csv")}
    assert all(g["similarity"] == 1.0 for g in exact)
    # another key: no overlap can be seen
    with Store(db) as store:
        doc3 = assess_paths([sub], key=b"another-key", store=store, tool_version="test")
    assert {k["name"]: k["overlap_subjects"] for k in doc3["copies"]["known_leaks"]}["full"] == 0


def test_scan_id_reuses_records(assessed):
    doc, db = assessed
    with Store(db) as store:
        again = assess_stored(store, doc["scan_id"], key=KEY, tool_version="test")
    assert again["subjects"]["by_role"] == doc["subjects"]["by_role"]
    assert again["period"]["start"] == doc["period"]["start"]


def test_scan_id_from_a_scan_made_by_scan(leak: Path, tmp_path: Path):
    db = tmp_path / "scan.duckdb"
    res = CliRunner().invoke(app, ["scan", str(leak / "leak"), "--db", str(db), "-q"])
    assert res.exit_code == 1, res.output
    with Store(db) as store:
        doc = assess_stored(store, 1, key=KEY, tool_version="test")
    truth = json.loads((leak / "truth.json").read_text())
    patients = doc["subjects"]["by_role"]["patient"]["unique"]
    # degraded mode (whole-value hashes, no text cues: an insured parent named in a report is
    # taken for a patient): within 10 %
    assert abs(patients - truth["unique_persons"]) <= 0.10 * truth["unique_persons"]
    assert any("stored findings" in n for n in doc["subjects"]["method"]["notes"])


def test_cli_writes_json_and_summary(leak: Path, tmp_path: Path):
    out = tmp_path / "a.json"
    res = CliRunner().invoke(app, ["assess", str(leak / "leak" / "labo_biomed_lyon"), "--json",
                                   str(out), "--no-db", "--malicious"])
    assert res.exit_code == 0, res.output
    assert "severity (ENISA)" in res.output
    doc = json.loads(out.read_text())
    assert doc["severity"]["cb"]["factors"]["malicious_intent"] == 0.5
    assert doc["scan_id"] is None


@pytest.mark.parametrize("args, message", [
    ([], "give PATHs to scan or --scan-id N"),
    (["x", "--scan-id", "1"], "not both"),
    (["x", "--exposure", "leaked"], "unknown --exposure"),
    (["--scan-id", "1", "--no-db"], "need the store"),
    (["x", "--lang", "de"], "unknown --lang"),  # reports exist in French and English only
])
def test_cli_usage_errors(args, message):
    res = CliRunner().invoke(app, ["assess", *args])
    assert res.exit_code == 2
    assert message in res.output


#: not identifiers: commune names are in folder names ("labo_biomed_lyon"), the leak's first and
#: last dates are its period (an aggregate), organisation numbers are not personal data
_NOT_IDENTIFIERS = {"LOCATION", "DATE_TIME", "FR_FINESS", "FR_SIRET", "FR_SIREN"}


def _raw_values(root: Path) -> set[str]:
    """Every raw identifier (as written and normalised) that the scanner finds in the leak."""
    values: set[str] = set()
    for f in sentinelle.scan([root]).findings:
        if f.entity_type in _NOT_IDENTIFIERS:
            continue
        # a name as written ("Côme"; its folded form "come" is an English word)
        forms = (f.value,) if f.entity_type == "PERSON" else (f.value, f.normalized)
        for v in forms:
            if v and len(v.strip()) >= 4:
                values.add(v.strip())
    return values


def _found(values: set[str], text: str) -> list[str]:
    """The values that appear in ``text`` as whole words (not inside a longer word or number)."""
    return sorted(v for v in values
                  if v in text and re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text))


_HEX = re.compile(r"^[0-9a-f]{32,}$")


def _strings(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k != "value_hash":
                yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)
    elif isinstance(obj, str) and not _HEX.match(obj):
        yield obj


def test_no_raw_identifier_in_any_artefact(leak: Path, assessed, tmp_path: Path):
    doc, db = assessed
    raw = _raw_values(leak / "leak")
    assert len(raw) > 1000
    # file and folder names are the user's own paths, shown as they are ("..._bordeaux/")
    names = " ".join(p.relative_to(leak / "leak").as_posix() for p in (leak / "leak").rglob("*"))
    raw = {v for v in raw if v not in names}
    # JSON document: every string (hashes aside) is free of raw values
    text = "\n".join(_strings(doc))
    assert _found(raw, text) == []
    # the HTML report and the notification drafts rendered from it
    from sentinelle.report.assessment import render_html
    from sentinelle.report.notification import write_drafts

    import sentinelle.report as report_pkg

    # words of the templates themselves ("Paris" in the regulator's address) are not leaks
    templates = " ".join(p.read_text(encoding="utf-8") for p in
                         (Path(report_pkg.__file__).parent / "templates").rglob("*") if p.is_file())
    render_html(doc, tmp_path / "report.html")
    drafts = write_drafts(doc, tmp_path / "drafts")
    for path in [tmp_path / "report.html", *drafts]:
        rendered = path.read_text(encoding="utf-8")
        # (short digit strings such as postcodes may be chart coordinates or counts)
        assert [v for v in _found(raw, rendered) if not (v.isdigit() and len(v) < 9)
                and v not in templates] == [], path.name
    # the store: every VARCHAR cell of every table, and the file's bytes
    con = duckdb.connect(str(db), read_only=True)
    cells: list[str] = []
    big_ints: set[int] = set()
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        cols = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = ?", [table]).fetchall()
        for col, dtype in cols:
            if dtype == "VARCHAR" or dtype.endswith("[]") and "VARCHAR" in dtype:
                for (v,) in con.execute(f'SELECT DISTINCT CAST("{col}" AS VARCHAR) FROM "{table}" '
                                        f'WHERE "{col}" IS NOT NULL').fetchall():
                    if table == "assess_runs" and col == "document":
                        cells.extend(_strings(json.loads(v)))
                    elif not _HEX.match(v):
                        cells.append(v)
            elif dtype == "BIGINT":
                big_ints.update(v for (v,) in con.execute(
                    f'SELECT DISTINCT "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL').fetchall())
    con.close()
    dump = "\n".join(cells)
    assert _found(raw, dump) == []
    assert [v for v in raw if v.isdigit() and len(v) >= 9 and int(v) in big_ints] == []
    data = db.read_bytes()
    assert [v for v in raw if len(v) >= 8 and v.encode("utf-8") in data] == []


def test_cli_assess_jobs_gives_the_same_document(leak: Path, tmp_path: Path):
    # `assess -j 2` scans in worker processes (scanner.iter_items): the document is the same as
    # in one process, apart from its creation time
    docs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"a{jobs}.json"
        res = CliRunner().invoke(app, ["assess", str(leak / "leak"), "--no-db", "-q", "-j", jobs,
                                       "--json", str(out)])
        assert res.exit_code == 0, res.output
        doc = json.loads(out.read_text(encoding="utf-8"))
        doc.pop("generated_at")
        docs.append(doc)
    assert docs[0] == docs[1]
    assert docs[0]["subjects"]["unique"] > 0
