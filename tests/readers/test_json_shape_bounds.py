"""Bounds on the compiled record shapes of the JSON reader (readers/jsondoc.py ``_shape``,
``_flattened``; session 8 review): a shape is compiled only once a second record shows it (a
``.json`` file holding one big object is flattened by ``flatten`` alone, in time linear in its
leaves), a record of more than ``SHAPE_MAX_NODES`` leaves and containers is never compiled, and
at most ``MAX_SHAPES`` shapes are compiled per file. The output is always that of ``flatten``.
Records are synthetic (no real person)."""

from __future__ import annotations

import json

import pytest

from sentinelle.readers import jsondoc
from sentinelle.readers.jsondoc import (MAX_SHAPES, SHAPE_MAX_NODES, _flattened, _shape,
                                        flatten)

PATIENT = {"nom": "DUPONT", "prenom": "Jean", "ddn": "1985-03-12", "ville": "Brest",
           "tel": "0612345678"}


@pytest.fixture
def shape_calls(monkeypatch):
    """The records ``_flattened`` asked ``_shape`` to compile (the real ``_shape`` runs)."""
    calls: list = []

    def counted(record):
        calls.append(record)
        return _shape(record)

    monkeypatch.setattr(jsondoc, "_shape", counted)
    return calls


def test_one_big_object_document_is_never_compiled(read_path, tmp_path, shape_calls):
    # the review's reproduction, smaller: one object of 1 + 2000 * 5 leaves, written by json
    doc = {"export": "lab", "patients": [PATIENT] * 2000}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = read_path(path)
    assert shape_calls == []  # a one-record document: no shape compiled at all
    (table,) = result.tables
    assert len(table.header) == 1 + 2000 * 5
    assert table.header[:3] == ("export", "patients.0.nom", "patients.0.prenom")
    assert table.rows() == [list(flatten(doc).values())]


@pytest.mark.parametrize("records, compiled", [
    # one record: nothing to gain from a compiled shape
    ([PATIENT], 0),
    # a second record of the same top-level keys: compiled once, then used for the third
    ([PATIENT, PATIENT, PATIENT], 1),
    # two shapes in turn: no record follows one of its own keys, nothing compiled
    ([PATIENT, {"x": "1"}, PATIENT, {"x": "2"}], 0),
    # same top-level keys, the list length differs: a second compile for the new shape
    ([{"t": ["1"]}, {"t": ["1"]}, {"t": ["1", "2"]}, {"t": ["3", "4"]}, {"t": ["5", "6"]}], 2),
])
def test_compiled_on_second_record_of_a_shape(records, compiled, shape_calls):
    got = list(_flattened(iter(records), "x.ndjson"))
    assert len(shape_calls) == compiled
    assert got == [flatten(r) for r in records]
    assert [list(d) for d in got] == [list(flatten(r)) for r in records]


@pytest.mark.parametrize("leaves, compiled", [
    # 1 container + 511 leaves = 512 nodes: at the bound, compiled
    (SHAPE_MAX_NODES - 1, True),
    # 1 container + 512 leaves = 513 nodes: past the bound, flatten takes it
    (SHAPE_MAX_NODES, False),
])
def test_node_bound(leaves, compiled):
    record = {f"k{i}": str(i) for i in range(leaves)}
    shaped = _shape(record)
    assert (shaped is not None) is compiled
    if shaped is not None:
        assert shaped(record) == flatten(record)


def test_node_bound_counts_nested_containers():
    # root + list + 170 * (1 object + 2 leaves) = 512 nodes: compiled; 171 items = 515: not
    assert _shape({"items": [{"a": "1", "b": "2"}] * 170}) is not None
    assert _shape({"items": [{"a": "1", "b": "2"}] * 171}) is None


def test_big_records_repeated_are_flattened_not_compiled(shape_calls):
    big = {f"k{i}": str(i) for i in range(5000)}
    records = [big] * 4
    got = list(_flattened(iter(records), "x.ndjson"))
    assert got == [flatten(big)] * 4
    # asked twice (records 2 and 4: each pair of equal keys), refused both times
    assert len(shape_calls) == 2
    assert _shape(big) is None


def test_at_most_max_shapes_per_file(shape_calls):
    # 40 shapes, each on three records in a row: the first 32 shapes are compiled once each
    # (on their second record), the last 8 are left to flatten
    records = [{f"c{n}": str(i)} for n in range(MAX_SHAPES + 8) for i in range(3)]
    got = list(_flattened(iter(records), "x.ndjson"))
    assert got == [flatten(r) for r in records]
    assert len(shape_calls) == MAX_SHAPES == 32
    assert [list(r) for r in shape_calls] == [[f"c{n}"] for n in range(32)]
