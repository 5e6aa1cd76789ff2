"""A cut or broken JSON export (closing5: "a truncated JSON export gives 0 findings"): the
records before the fault are read, the cut record as far as it goes, and one ReadError names
the file, line and column. JSON grammar: RFC 8259 (no resynchronisation point inside a
document, so nothing after a fault in a .json document can be read); NDJSON: one value per line
(ndjson-spec 1.0), so a bad line costs that line only. Positions are hand-counted (1-based
columns, as the ``json`` module reports them). Synthetic data only."""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.errors import ReadError
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.jsondoc import JsonReader

NIR = "285072A00412338"  # valid key, ../shared/cases pb-016


def _read(path: Path) -> tuple[list[dict], ReadError | None]:
    """The records a JsonReader yields (as {column: value}, None dropped) and its error."""
    rows: list[dict] = []
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    try:
        for unit in JsonReader().read(source, {}):
            assert isinstance(unit, TableUnit)
            for batch in unit.batches:
                for values in zip(*batch.columns):
                    rows.append({k: v for k, v in zip(unit.header, values) if v is not None})
    except ReadError as exc:
        return rows, exc
    return rows, None


@pytest.mark.parametrize("name, text, rows, reason, position", [
    # cut inside a string value of the 2nd record: record 1 whole, record 2 up to the cut
    ("cut.json", '[{"nom": "MARTIN", "tel": "0601020304"},\n {"nom": "DURAND", "tel": "06010',
     [{"nom": "MARTIN", "tel": "0601020304"}, {"nom": "DURAND"}],
     "invalid JSON: Unterminated string (the records before it were read)",
     "line 2 column 27"),
    # cut inside a key
    ("key.json", '[{"nom": "MARTIN"},\n {"nom": "DURAND", "te',
     [{"nom": "MARTIN"}, {"nom": "DURAND"}],
     "invalid JSON: Unterminated string (the records before it were read)",
     "line 2 column 20"),
    # cut right after a comma between records
    ("comma.json", '[{"nom": "MARTIN"},\n', [{"nom": "MARTIN"}],
     "invalid JSON: Expecting value (the records before it were read)", "line 2 column 1"),
    # a top-level object cut: its members before the cut are row 0
    ("obj.json", '{"patient": {"nom": "MARTIN", "nir": "2850',
     [{"patient.nom": "MARTIN"}],
     "invalid JSON: Unterminated string (the records before it were read)",
     "line 1 column 38"),
    # a number ending the text may be cut ("4" of "42"): dropped, not reported as 4
    ("num.json", '[{"nom": "MARTIN", "age": 4', [{"nom": "MARTIN"}],
     "invalid JSON: Expecting ',' delimiter (the records before it were read)",
     "line 1 column 28"),
    # a fault in the middle (not a cut): what follows cannot be resynchronised in a document
    ("mid.json", '[{"a": "x"},\n {"a" "y"},\n {"a": "z"}]', [{"a": "x"}],
     "invalid JSON: Expecting ':' delimiter (the records before it were read)",
     "line 2 column 7"),
    # cut before any record: nothing to read, the plain error
    ("none.json", '[{"nom": "MAR', [],
     "invalid JSON: Unterminated string", "line 1 column 10"),
    # NDJSON, the 2nd of 3 lines cut: lines 1 and 3 read, line 2 an empty row (rows keep
    # their line order), one error at line 2
    ("cut.ndjson", '{"nom": "MARTIN"}\n{"nom": "DUR\n{"nom": "PETIT"}\n',
     [{"nom": "MARTIN"}, {}, {"nom": "PETIT"}],
     "invalid JSON: Unterminated string (the other lines were read)",
     "line 2 column 9"),
    # NDJSON, two bad lines: the first named, both counted; a bad line keeps its valid prefix
    ("two.jsonl", '{"nom": "MARTIN", "x": 1\n{"nom": "PETIT"}\noops\n',
     [{"nom": "MARTIN"}, {"nom": "PETIT"}, {}],
     "invalid JSON: Expecting ',' delimiter; 2 bad lines (the other lines were read)",
     "line 1 column 25"),
    # a .json file holding NDJSON whose last line is cut (read as NDJSON)
    ("lines.json", '{"nom": "MARTIN"}\n{"nom": "PETIT", "tel": "06',
     [{"nom": "MARTIN"}, {"nom": "PETIT"}],
     "invalid JSON: Unterminated string (the other lines were read)",
     "line 2 column 25"),
])
def test_cut_json_keeps_the_records_before_the_fault(tmp_path, name, text, rows, reason,
                                                    position):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    got, error = _read(path)
    assert got == rows
    assert error is not None
    assert (error.path, error.reason, error.position) == (name, reason, position)
    assert "\n" not in str(error)


def test_cut_export_is_one_issue_and_its_values_are_found(tmp_path):
    # end to end: 3 whole records and a 4th cut inside its NIR; the 3 NIRs are found and the
    # file is one error naming its position (the 4th record starts on line 5)
    records = [f'  {{"nom": "MARTIN", "nir": "{NIR}"}}' for _ in range(3)]
    text = "[\n" + ",\n".join(records) + ',\n  {"nom": "MARTIN", "nir": "28507'
    (tmp_path / "export.json").write_text(text, encoding="utf-8")
    result = sentinelle.scan([str(tmp_path / "export.json")])
    assert [(f.entity_type, f.location.row) for f in result.findings
            if f.entity_type == "FR_NIR"] == [("FR_NIR", 0), ("FR_NIR", 1), ("FR_NIR", 2)]
    assert [(i.kind, i.position) for i in result.issues] == [("error", "line 5 column 28")]
