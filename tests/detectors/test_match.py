"""Match (detectors/base.py): a frozen dataclass built by a fast ``__new__`` (issue 6, scan
speed). The behaviours callers rely on are those of the plain frozen slots dataclass it was:
constructor arguments and defaults, equality, hash, immutability, ``dataclasses`` helpers,
pickling (``--jobs`` workers get detectors and their memos pickled) and copying."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from sentinelle.detectors.base import Match
from sentinelle.finding import Validation

FIELDS = ("start", "end", "score", "validation", "pattern", "normalized", "entity")


@pytest.mark.parametrize("made, expected", [
    # positional, defaults for the rest (the form most detectors use)
    (Match(3, 8, 0.9), (3, 8, 0.9, Validation.NONE, "", "", None)),
    # every field positional (dates, location)
    (Match(0, 10, 1.0, Validation.VALID, "nir", "value", "FR_NIR"),
     (0, 10, 1.0, Validation.VALID, "nir", "value", "FR_NIR")),
    # keywords, in any order (street_address, health_condition)
    (Match(score=0.3, end=5, start=1, entity="DATE_TIME", validation=Validation.INVALID),
     (1, 5, 0.3, Validation.INVALID, "", "", "DATE_TIME")),
    # positional then keywords
    (Match(2, 4, 0.6, pattern="title", normalized="dupont"),
     (2, 4, 0.6, Validation.NONE, "title", "dupont", None)),
])
def test_fields_as_given_with_defaults(made, expected):
    assert type(made) is Match
    assert tuple(getattr(made, f) for f in FIELDS) == expected


def test_new_defaults_are_the_fields_defaults():
    # __new__ repeats the defaults of the dataclass fields: they must agree
    params = inspect.signature(Match.__new__).parameters
    for f in dataclasses.fields(Match):
        assert params[f.name].default == (inspect.Parameter.empty
                                          if f.default is dataclasses.MISSING else f.default)
    assert tuple(f.name for f in dataclasses.fields(Match)) == FIELDS


@pytest.mark.parametrize("args", [
    (),          # no field
    (1, 2),      # no score
    (1, 2, 0.5, Validation.NONE, "", "", None, "extra"),  # one field too many
])
def test_wrong_arguments_raise_type_error(args):
    with pytest.raises(TypeError):
        Match(*args)


def test_unknown_keyword_raises_type_error():
    with pytest.raises(TypeError):
        Match(1, 2, 0.5, label="x")


@pytest.mark.parametrize("a, b, equal", [
    (Match(1, 2, 0.5), Match(1, 2, 0.5, Validation.NONE, "", "", None), True),  # defaults
    (Match(1, 2, 0.5), Match(1, 2, 0.6), False),                               # score
    (Match(1, 2, 0.5, entity="X"), Match(1, 2, 0.5), False),                   # entity
])
def test_equality_and_hash_by_value(a, b, equal):
    assert (a == b) is equal
    if equal:
        assert hash(a) == hash(b)
        assert len({a, b}) == 1


def test_not_equal_to_a_tuple_of_its_fields():
    # a dataclass compares with its own class only
    m = Match(1, 2, 0.5)
    assert m != (1, 2, 0.5, Validation.NONE, "", "", None)


@pytest.mark.parametrize("field", FIELDS)
def test_frozen(field):
    m = Match(1, 2, 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(m, field, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(m, field)
    # no other attribute either (slots); Python 3.11's frozen slots dataclass raises TypeError
    # there (its __setattr__ calls super() with the class before slots were added), as the
    # plain dataclass Match did
    with pytest.raises((AttributeError, TypeError)):
        m.other = 1


def test_dataclass_helpers():
    m = Match(1, 2, 0.5, Validation.VALID, "p", "n", "E")
    assert dataclasses.is_dataclass(m)
    assert dataclasses.replace(m, score=0.9) == Match(1, 2, 0.9, Validation.VALID, "p", "n", "E")
    assert dataclasses.asdict(m) == {"start": 1, "end": 2, "score": 0.5,
                                     "validation": Validation.VALID, "pattern": "p",
                                     "normalized": "n", "entity": "E"}
    assert dataclasses.astuple(m) == (1, 2, 0.5, Validation.VALID, "p", "n", "E")


def test_repr_names_the_fields():
    assert repr(Match(1, 2, 0.5)) == ("Match(start=1, end=2, score=0.5, "
                                      "validation=<Validation.NONE: 'none'>, pattern='', "
                                      "normalized='', entity=None)")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickles(protocol):
    m = Match(4, 9, 1.0, Validation.VALID, "iban", "value", "IBAN")
    again = pickle.loads(pickle.dumps(m, protocol))
    assert type(again) is Match and again == m


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_copies(copier):
    m = Match(1, 2, 0.5, pattern="p")
    assert copier(m) == m


def test_match_args_for_pattern_matching():
    match Match(1, 2, 0.5, entity="E"):
        case Match(s, e, score, entity=ent):
            assert (s, e, score, ent) == (1, 2, 0.5, "E")
        case _:  # pragma: no cover
            pytest.fail("no match")
