"""JsonReader: flattening, NDJSON, top-level shapes, key changes between batches, errors."""

from __future__ import annotations

import json

import pytest

from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers.jsondoc import JsonReader, flatten

PATIENTS = [
    {"id": 1, "patient": {"nom": "Lefèvre", "prenom": "Zoé", "cp": "01090"},
     "contacts": [{"tel": "0601020304"}, {"tel": "0102030405"}],
     "hba1c": 6.50, "a_jeun": True, "remarque": None},
    {"id": 2, "patient": {"nom": "Garçon", "prenom": "Hélène", "cp": "75011"},
     "contacts": [], "hba1c": 5.9, "a_jeun": False, "remarque": "RAS"},
]


@pytest.mark.parametrize("value, expected", [
    ({"patient": {"nom": "X"}}, {"patient.nom": "X"}),
    ({"contacts": [{"tel": "01"}, {"tel": "02"}]},
     {"contacts.0.tel": "01", "contacts.1.tel": "02"}),
    ({"a": {"b": {"c": [1, [2, 3]]}}}, {"a.b.c.0": "1", "a.b.c.1.0": "2", "a.b.c.1.1": "3"}),
    ({"vide": {}, "liste": [], "x": None}, {"x": None}),  # empty containers give no column
    ({"t": True, "f": False}, {"t": "true", "f": "false"}),
    ("texte", {"value": "texte"}),  # a scalar record
    (None, {"value": None}),
])
def test_flatten(value, expected):
    assert flatten(value) == expected


def test_array_of_nested_objects(read_path, tmp_path):
    path = tmp_path / "patients.json"
    path.write_text(json.dumps(PATIENTS, ensure_ascii=False, indent=2), encoding="utf-8")
    result = read_path(path)
    assert result.reader == "json"
    [table] = result.tables
    assert table.header == ("id", "patient.nom", "patient.prenom", "patient.cp", "contacts.0.tel",
                            "contacts.1.tel", "hba1c", "a_jeun", "remarque")
    assert table.rows() == [
        ["1", "Lefèvre", "Zoé", "01090", "0601020304", "0102030405", "6.5", "true", None],
        ["2", "Garçon", "Hélène", "75011", None, None, "5.9", "false", "RAS"],
    ]
    assert (result.stats["rows"], result.stats["columns"]) == (2, 9)


def test_numbers_kept_as_written(read_path, tmp_path):
    # json.dumps writes 6.5 for 6.50: hand-written here because the spelling is the point
    path = tmp_path / "n.json"
    path.write_text('[{"a": 1.50, "b": 1e3, "c": "01090", "d": -0, "e": 12345678901234567890}]',
                    encoding="utf-8")
    [table] = read_path(path).tables
    assert table.rows() == [["1.50", "1e3", "01090", "-0", "12345678901234567890"]]


@pytest.mark.parametrize("name", ["patients.ndjson", "patients.jsonl", "patients.json"])
def test_ndjson(read_path, tmp_path, name):
    path = tmp_path / name
    lines = [json.dumps(p, ensure_ascii=False) for p in PATIENTS]
    path.write_text(lines[0] + "\n\n" + lines[1] + "\n", encoding="utf-8")  # blank line skipped
    result = read_path(path)
    rows = [r for t in result.tables for r in t.rows()]
    assert [r[0] for r in rows] == ["1", "2"]
    assert result.stats["rows"] == 2


def test_top_level_object_is_row_0(read_path, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"patient": {"nom": "Lefèvre", "ipp": "000123"}}), encoding="utf-8")
    [table] = read_path(path).tables
    assert table.header == ("patient.nom", "patient.ipp")
    assert table.batches[0][0] == 0
    assert table.rows() == [["Lefèvre", "000123"]]


def test_array_of_scalars(read_path, tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(["a@example.org", 12, None]), encoding="utf-8")
    [table] = read_path(path).tables
    assert table.header == ("value",)
    assert table.rows() == [["a@example.org"], ["12"], [None]]


def test_new_keys_after_first_batch_start_a_new_unit(read_with, tmp_path):
    records = [{"a": str(i)} for i in range(3)] + [{"a": "3", "b": "x"}, {"a": "4"}]
    path = tmp_path / "k.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = read_with(JsonReader(batch_rows=2), path)
    # batch 2 brings key "b": a second unit (same location) from row 2 on; row numbers stay global
    assert [(t.header, t.batches) for t in result.tables] == [
        (("a",), [(0, [["0", "1"]])]),
        (("a", "b"), [(2, [["2", "3"], [None, "x"]]), (4, [["4"], [None]])]),
    ]
    assert result.stats["rows"] == 5
    assert result.stats["columns"] == 2


@pytest.mark.parametrize("name, text, position", [
    ("bad.json", '[\n  {"a": 1},\n  {"a" 2}\n]\n', "line 3 column 8"),
    ("bad.json", '{"a": 1,\n "b": }', "line 2 column 7"),
    ("bad.ndjson", '{"a": 1}\n{"a": 2}\n{"a": 3,}\n', "line 3 column 9"),
    ("bad.jsonl", '{"a": 1}\n\n{"a": \n', "line 3 column 7"),
    # a .json file holding NDJSON: the bad line is named too
    ("lines.json", '{"a": 1}\n{"a": 2}\n{oops}\n', "line 3 column 2"),
])
def test_malformed_json_names_the_line(read_path, tmp_path, name, text, position):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason.startswith("invalid JSON: ")
    assert info.value.position == position
    assert "\n" not in str(info.value)


def test_document_too_large(read_with, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"a": "x" * 100}] * 50), encoding="utf-8")
    with pytest.raises(ReadError, match=r"too large to load \(0 MiB\); use NDJSON"):
        read_with(JsonReader(max_document_bytes=1000), path)


@pytest.mark.parametrize("name, data", [("e.json", b""), ("e.ndjson", b""), ("w.json", b" \n\t")])
def test_empty(read_path, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    result = read_path(path)
    assert result.tables == [] and result.texts == []
    assert (result.stats["rows"], result.stats["chars"]) == (0, len(data))


def test_utf8_bom_and_batches(read_path, tmp_path):
    path = tmp_path / "bom.json"
    path.write_text(json.dumps([{"n": str(i)} for i in range(5)]), encoding="utf-8-sig")
    result = read_path(path, Config(batch_rows=2))
    [table] = result.tables
    assert [first for first, _ in table.batches] == [0, 2, 4]
    assert result.stats["encoding"] == "utf-8-sig"
