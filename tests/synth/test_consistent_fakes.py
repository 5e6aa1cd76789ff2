"""Session 8, issue 3 fault 4: fakes that agree with each other (``synth/consistent.py``) and the
synthetic generator's persons, which must agree too. NIR rule: INSEE / décret n° 82-103
(character 1 sex, 2-3 year of birth, 4-5 month); postcode and commune: the shipped
``data/synth/communes.csv`` (COG 2026, La Poste postcodes). Expected values written by hand
from the rule (the birth-date checks read characters 1-5 only; keys are not checked there); the
pair (75006, Comberouger) is what ``redact --policy test-data`` wrote for (75002, Paris) this
session (Comberouger, INSEE 82043, lists postcode 82600 only), and 12/12/1984 the birth date it
wrote beside the fake NIR "2 85 05 ...", which kept the real year and month.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from sentinelle.identifiers import nir
from sentinelle.synth import lists as synth_lists
from sentinelle.synth import persons as P
from sentinelle.synth.consistent import (_department, birth_agrees, nir_for_birth, place,
                                         town_agrees)


@pytest.mark.parametrize("value, birth, agrees", [
    ("2 85 05 78 006 084 91", date(1985, 5, 17), True),
    ("2 85 05 78 006 084 91", date(1984, 12, 12), False),   # a birth date shifted alone
    ("285057800608491", date(1985, 5, 1), True),             # compact
    ("2850578006084", date(1985, 5, 1), True),               # without its key
    ("1 50 01 69 123 456 43", date(1950, 1, 3), True),
    ("1 50 01 69 123 456 43", date(2050, 1, 3), True),       # the NIR holds 2 digits of the year
    ("1 50 01 69 123 456 43", date(1950, 2, 3), False),      # another month
    ("5 50 01 69 123 456 43", date(1950, 1, 3), False),      # no sex digit
])
def test_birth_agrees(value, birth, agrees):
    assert birth_agrees(value, birth) is agrees


@pytest.mark.parametrize("value, birth", [
    ("2 85 05 78 006 084 91", date(1984, 12, 12)),
    ("1.50.01.69.123.456.43", date(1949, 10, 7)),
    ("2850578006084", date(2001, 2, 28)),                    # 13 characters stay 13
    ("185057800608491", date(1985, 5, 17)),                  # same year and month: still another NIR
])
def test_nir_for_birth(value, birth):
    for seed in range(30):
        got = nir_for_birth(value, birth, random.Random(seed))
        assert got is not None and got != value
        assert birth_agrees(got, birth)
        assert got[0] == value[0]                             # the sex digit kept
        assert [c for c in got if not c.isalnum()] == [c for c in value if not c.isalnum()]
        compact = "".join(c for c in got if c.isalnum())
        assert nir.is_valid(compact) if len(compact) == 15 else nir.is_valid_without_key(compact)


@pytest.mark.parametrize("postcode, town, agrees", [
    ("75002", "Paris", True),              # Paris 2e Arrondissement
    ("69002", "Lyon", True),
    ("69002", "LYON", True),               # case
    ("82600", "Comberouger", True),
    ("75006", "Comberouger", False),       # the mismatch test-data wrote
    ("01400", "L'Abergement-Clémenciat", True),
    ("01400", "l abergement clemenciat", True),   # accents, apostrophe, hyphen
    ("99999", "Paris", False),
])
def test_town_agrees(postcode, town, agrees):
    assert town_agrees(postcode, town) is agrees


@pytest.mark.parametrize("postcode, department", [
    ("75002", "75"), ("69002", "69"), ("20000", "2A"), ("20200", "2B"), ("97100", "971"),
])
def test_place_same_department_and_agreeing(postcode, department):
    assert _department(postcode) == department
    for seed in range(20):
        new_postcode, town = place(postcode, random.Random(seed))
        assert new_postcode != postcode and town_agrees(new_postcode, town)
        assert _department(new_postcode) == department


@pytest.fixture(scope="module")
def lists():
    return synth_lists.load()


def test_synth_persons_agree(lists):
    # the synthetic leak generator: a person's own NIR agrees with the birth date, the home
    # postcode with the commune (an ayant droit's record NIR is the insured parent's: by design)
    mobiles = ("0612",)
    rng = random.Random(8)
    for i in range(300):
        p = P.person(rng, lists, i, mobiles, 3)
        assert birth_agrees(p.nir, p.birth), (p.nir, p.birth)
        assert town_agrees(p.postcode, p.commune.name), (p.postcode, p.commune.name)
