"""The synthetic leak generator: determinism, exact labels, valid identifiers, parseable files."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import phonenumbers
import pytest
from stdnum import iban, luhn

from sentinelle.identifiers import nir
from sentinelle.synth import ENTITY_TYPES, SCHEMA, SynthSummary, generate
from sentinelle.synth.lists import load

PATIENTS = 2000

# dates as the labs write them; in reports a date with its time ("05/11/2024 à 08:42") is one span
DATE_RE = re.compile(
    r"\d{2}/\d{2}/\d{4}( à \d{2}[:h]\d{2})?|\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?|\d{2}-\d{2}-\d{2}|\d{8}"
    r"|\d{1,2} [a-zéû]+ \d{4}"
)
BLOOD_RE = re.compile(r"(A|B|AB|O)( Rh)?([+-]| positif| négatif| pos| neg)")
EMAIL_RE = re.compile(r"[a-z0-9._-]+@[a-z0-9-]+(\.[a-z]+)+")
TITLES = ("Dr ", "Dr. ", "Docteur ", "Pr ", "M. ", "Mme ", "Madame ", "Monsieur ")


@pytest.fixture(scope="module")
def lists():
    return load()


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> tuple[Path, SynthSummary, dict, list[dict]]:
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out, patients=PATIENTS, labs=6, copies=2, seed=11)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    with (out / "labels.jsonl").open(encoding="utf-8") as fh:
        labels = [json.loads(line) for line in fh]
    return out, summary, truth, labels


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _cells(out: Path, entry: dict) -> tuple[list[str] | None, list]:
    """(header, records) of a table file: CSV rows as dicts; JSON records as flattened dicts."""
    path = out / "leak" / entry["path"]
    if entry["format"] == "csv":
        with path.open(encoding=entry["encoding"], newline="") as fh:
            rows = list(csv.reader(fh, delimiter=entry["delimiter"]))
        header = rows[0]
        assert all(len(r) == len(header) for r in rows[1:]), entry["path"]
        return header, [dict(zip(header, r)) for r in rows[1:]]
    text = path.read_text(encoding=entry["encoding"])
    records = json.loads(text) if entry["format"] == "json" else [json.loads(l) for l in text.splitlines() if l]
    return None, [_flatten(r) for r in records]


def _flatten(obj, prefix="") -> dict[str, str]:
    out = {}
    items = obj.items() if isinstance(obj, dict) else enumerate(obj)
    for k, v in items:
        key = f"{prefix}{k}"
        if isinstance(v, (dict, list)):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def test_summary_and_truth(leak):
    out, summary, truth, labels = leak
    assert truth["schema"] == SCHEMA
    assert truth["entity_types"] == list(ENTITY_TYPES)
    assert 0 < truth["unique_persons"] <= truth["patients"] == PATIENTS
    assert summary.unique_persons == truth["unique_persons"]
    assert summary.labels == len(labels) == truth["label_count"]
    assert summary.files == len(truth["files"])
    tables = [f for f in truth["files"] if f["format"] != "text"]
    assert truth["records"] == sum(f["rows"] for f in tables)
    assert {f["copy"] for f in truth["files"]} == {0, 1, 2}
    assert {f["format"] for f in truth["files"]} == {"csv", "json", "ndjson", "text"}
    assert {f["delimiter"] for f in tables if f["format"] == "csv"} >= {",", ";", "\t", "|"}
    assert {f["encoding"] for f in truth["files"]} >= {"utf-8", "utf-8-sig", "cp1252"}
    for f in truth["files"]:
        assert (out / "leak" / f["path"]).is_file()
    # every entity type is present, and every person id looks like one of ours
    assert set(Counter(l["entity_type"] for l in labels)) == set(ENTITY_TYPES)
    assert all(l["person"] is None or re.fullmatch(r"p\d{7}(-assure)?|gp-\d+|bio-\d+-\d+", l["person"]) for l in labels)


def test_copies_have_fewer_rows_and_other_names(leak):
    _, _, truth, _ = leak
    by_lab = defaultdict(dict)
    for f in truth["files"]:
        if f["format"] != "text":
            by_lab[(f["lab"], f["path"].rsplit("/", 1)[-1].startswith("factur") or "facturation" in f["path"])][f["copy"]] = f
    for files in by_lab.values():
        original = files[0]
        for c in (1, 2):
            copy = files[c]
            assert 0.8 * original["rows"] <= copy["rows"] < original["rows"]
            assert copy["path"].split("/")[-1] != original["path"].split("/")[-1]


def test_tables_parse_and_row_counts_match(leak):
    out, _, truth, _ = leak
    for entry in truth["files"]:
        if entry["format"] == "text":
            continue
        _, records = _cells(out, entry)
        assert len(records) == entry["rows"], entry["path"]


def test_every_label_slices_a_value_of_its_shape(leak, lists):
    out, _, truth, labels = leak
    entries = {f["path"]: f for f in truth["files"]}
    cache: dict[str, object] = {}
    forms = {form for c in lists.conditions for form in c.forms}
    seen = Counter()
    for lab in labels:
        entry = entries[lab["path"]]
        if entry["format"] == "text":
            assert lab["row"] is None and lab["column"] is None
            if lab["path"] not in cache:
                cache[lab["path"]] = (out / "leak" / lab["path"]).read_text(encoding=entry["encoding"])
            source = cache[lab["path"]]
        else:
            if lab["path"] not in cache:
                cache[lab["path"]] = _cells(out, entry)[1]
            source = cache[lab["path"]][lab["row"]][lab["column"]]
        value = source[lab["start"] : lab["end"]]
        assert value and value == value.strip(), lab
        kind = lab["entity_type"]
        seen[kind] += 1
        if kind == "FR_NIR":
            compact = nir.compact(value)
            assert nir.is_valid(compact) and nir.check_key(compact), lab
        elif kind == "PHONE_NUMBER":
            assert phonenumbers.is_valid_number(phonenumbers.parse(value, "FR")), value
        elif kind == "IBAN_CODE":
            assert iban.is_valid(value), value
        elif kind == "FR_RPPS":
            assert len(value) == 11 and value.startswith("10") and luhn.is_valid(value), value
        elif kind == "FR_POSTAL_CODE":
            assert value in lists.postcodes, value
        elif kind == "EMAIL_ADDRESS":
            assert EMAIL_RE.fullmatch(value), value
        elif kind in ("DATE_OF_BIRTH", "DATE_TIME"):
            assert DATE_RE.fullmatch(value), value
        elif kind == "BLOOD_GROUP":
            assert BLOOD_RE.fullmatch(value), value
        elif kind == "HEALTH_CONDITION":
            assert value in forms, value
        elif kind == "MEDICAL_RECORD_NUMBER":
            # the lab's patient number (IPP 000123, P0000123, D-000123) or a report's file number
            assert re.fullmatch(r"IPP \d{6}|P\d{7}|D-\d{6}|A\d{6}", value), value
        elif kind == "PERSON":
            assert not value.startswith(TITLES) and not any(ch.isdigit() for ch in value), value
    assert set(seen) == set(ENTITY_TYPES)


def test_nir_birth_places_cover_corsica_overseas_and_abroad(leak):
    out, _, truth, labels = leak
    seen = set()
    entries = {f["path"]: f for f in truth["files"]}
    for lab in labels:
        if lab["entity_type"] != "FR_NIR" or entries[lab["path"]]["format"] != "csv":
            continue
        seen.add(lab["path"])
    nirs = set()
    for path in seen:
        header, records = _cells(out, entries[path])
        cols = {l["column"] for l in labels if l["path"] == path and l["entity_type"] == "FR_NIR"}
        for r in records:
            for c in cols:
                nirs.add(nir.compact(r[c]))
    deps = Counter(n[5:7] for n in nirs)
    assert deps["2A"] + deps["2B"] > 0, "Corsica after 1976"
    assert deps["20"] > 0, "Corsica before 1976"
    assert deps["97"] > 0, "overseas"
    assert deps["99"] > 0, "born abroad"


def test_ayant_droit_nir_holder(leak):
    _, _, _, labels = leak
    nir_labels = [l for l in labels if l["entity_type"] == "FR_NIR"]
    assert all("nir_holder" in l for l in nir_labels)
    assert any(l["nir_holder"].endswith("-assure") for l in nir_labels)
    assert all(l["nir_holder"] in (l["person"], f"{l['person']}-assure") for l in nir_labels)


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, patients=300, labs=4, copies=1, seed=5, workers=1)
    generate(b, patients=300, labs=4, copies=1, seed=5, workers=2)  # bytes do not depend on workers
    generate(c, patients=300, labs=4, copies=1, seed=6)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_rerun_replaces_previous_output_and_refuses_foreign_folder(tmp_path):
    generate(tmp_path, patients=50, labs=2, copies=1, seed=1)
    first = _digest(tmp_path)
    generate(tmp_path, patients=50, labs=2, copies=1, seed=1)
    assert _digest(tmp_path) == first
    foreign = tmp_path / "other"
    (foreign / "leak").mkdir(parents=True)
    (foreign / "leak" / "mine.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate(foreign, patients=10, labs=1, copies=0, seed=1)


def test_progress_is_reported(tmp_path):
    seen: list[int] = []
    generate(tmp_path, patients=2500, labs=1, copies=0, seed=2, progress=seen.append)
    assert seen == [1000, 2000, 2500]
