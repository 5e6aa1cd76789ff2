"""The compiled record shapes of the JSON reader (readers/jsondoc.py ``_shape``,
``_flattened``): a record of a known shape is flattened by its compiled function, every other
one by ``flatten``, and the output (keys, their order, values) is that of ``flatten`` alone.
Records are synthetic (no real person)."""

import pytest

from sentinelle.readers.jsondoc import _flattened, _shape, flatten, loads

BASE = '{"patient": {"nom": "Durand", "nir": "1 84 12 75 123 456 78"}, "tel": ["0612345678"]}'


@pytest.mark.parametrize("line, expected", [
    # the base shape: dotted keys, list items by index, in document order
    (BASE, {"patient.nom": "Durand", "patient.nir": "1 84 12 75 123 456 78",
            "tel.0": "0612345678"}),
    # same keys, numbers kept as written, true and null as the reader writes them
    ('{"patient": {"nom": 1.50, "nir": null}, "tel": [true]}',
     {"patient.nom": "1.50", "patient.nir": None, "tel.0": "true"}),
    # keys in another order: another shape, flatten's order
    ('{"patient": {"nir": "x", "nom": "y"}, "tel": ["z"]}',
     {"patient.nir": "x", "patient.nom": "y", "tel.0": "z"}),
    # a longer list: another shape
    ('{"patient": {"nom": "a", "nir": "b"}, "tel": ["1", "2"]}',
     {"patient.nom": "a", "patient.nir": "b", "tel.0": "1", "tel.1": "2"}),
    # a dict where the shape has a leaf: not this shape
    ('{"patient": {"nom": {"usage": "u", "naissance": "n"}, "nir": "b"}, "tel": ["1"]}',
     {"patient.nom.usage": "u", "patient.nom.naissance": "n", "patient.nir": "b",
      "tel.0": "1"}),
    # an empty object makes no column
    ('{"patient": {"nom": "a", "nir": {}}, "tel": ["1"]}',
     {"patient.nom": "a", "tel.0": "1"}),
    # a key holding a dot and an empty key (flatten's rules: "" prefix adds no dot)
    ('{"": {"a": "1"}, "b.c": "2", "b": {"c": "3"}}', {"a": "1", "b.c": "3"}),
])
def test_shape_after_base_equals_flatten(line, expected):
    base, record = loads(BASE), loads(line)
    assert flatten(record) == expected
    got = list(_flattened([base, record, record], "x.json"))
    assert got[1:] == [expected, expected]
    assert [list(d) for d in got[1:]] == [list(expected)] * 2  # key order too


@pytest.mark.parametrize("record", [
    "a scalar", ["a", "list"], {}, {"a": []}, {"a": {"b": {}}},
])
def test_no_shape_for_scalars_lists_and_empty_containers(record):
    assert _shape(record) is None


def test_compiled_shape_reads_its_own_record():
    record = loads(BASE)
    shaped = _shape(record)
    assert shaped(record) == flatten(record)
    assert shaped(loads('{"patient": {"nom": "b"}, "tel": ["1"]}')) is None  # a key less
    assert shaped(["not", "a", "dict"]) is None


def test_many_shapes_in_turn_equal_flatten():
    lines = [BASE,
             '{"patient": {"nom": "b", "nir": "c"}, "tel": ["1", "2"]}',
             '{"patient": {"nom": "d", "nir": "e"}, "tel": ["3"]}',
             '{"x": 1}', '"scalar"', '[1, {"a": 2}]',
             '{"patient": {"nom": "f", "nir": "g"}, "tel": ["4"]}'] * 20
    records = [loads(s) for s in lines]
    got = list(_flattened(records, "x.ndjson"))
    want = [flatten(r) for r in records]
    assert got == want
    assert [list(d) for d in got] == [list(d) for d in want]
