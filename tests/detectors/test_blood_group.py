"""BloodGroupDetector: ABO + RhD in every written form; no lone French "A" as a finding."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.blood_group import BloodGroupDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = BloodGroupDetector()
ALONE = Pipeline([DET], Config())


def _found(text: str) -> list[tuple[str, float, str]]:
    return [(f.value, f.score, f.normalized) for f in ALONE.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("text, span, score, canonical", [
    ("Patient A+, allergie pénicilline", "A+", 0.6, "A+"),            # sign, no cue
    ("résultat : O-.", "O-", 0.6, "O-"),
    ("AB+", "AB+", 0.6, "AB+"),
    ("O\u2212 (signe moins)", "O\u2212", 0.6, "O-"),                  # Unicode minus
    ("donneur O pos", "O pos", 0.6, "O+"),
    ("O positif", "O positif", 0.6, "O+"),
    ("patiente B négatif", "B négatif", 0.6, "B-"),
    ("A Rh+", "A Rh+", 0.6, "A+"),                   # "Rh" inside the span is no context boost
    ("A Rh-", "A Rh-", 0.6, "A-"),
    ("A RH +", "A RH +", 0.6, "A+"),
    ("AB rhésus positif", "AB rhésus positif", 0.6, "AB+"),
    ("groupe A rhésus négatif", "A rhésus négatif", 0.9, "A-"),        # cue "groupe", not in span
    ("O Rh(D) positif", "O Rh(D) positif", 0.6, "O+"),
    ("Groupe sanguin : AB", "AB", 1.0, "AB"),                          # bare letter after cue
    ("Groupe sanguin AB, Rh positif", "AB", 1.0, "AB"),
    ("Groupe : O", "O", 1.0, "O"),
    ("groupage : B", "B", 1.0, "B"),
    ("groupe O- confirmé", "O-", 0.9, "O-"),                           # cue boosts
    ("groupe sanguin 0+", "0+", 0.9, "O+"),                            # zero for O, with a cue
    ("Blood type: A negative", "A negative", 0.9, "A-"),               # English
    ("blood group AB pos.", "AB pos.", 0.9, "AB+"),
])
def test_found(text, span, score, canonical):
    assert _found(text) == [(span, score, canonical)]


@pytest.mark.parametrize("text", [
    "A demain, à bientôt.",                 # French word
    "Question A : oui",
    "Il est allé voir le Dr A.",
    "vitamine B+ et magnésium",             # vitamin
    "vit. B+",
    "Sérologie hépatite B négative",        # hepatitis B
    "hépatite B",
    "diabète de type A+",                   # type
    "A-t-il pris son traitement ?",         # verb inversion
    "Streptocoque du groupe B négatif",     # strep group B
    "note A+",
    "Le groupe A de patients",              # study arm: no Rh, no colon
    "calcul A+B = C",
    "score 0+",                             # zero with a sign needs a cue
    "O positionné",                         # "pos" inside a word
    "Catégorie B+",
    "Bâtiment A- 2e étage",
])
def test_not_found(text):
    assert _found(text) == []


@pytest.mark.parametrize("header, hit", [
    ("groupe_sanguin", True), ("Groupe sanguin", True), ("groupe", True), ("gs", True),
    ("ABO", True), ("blood_group", True), ("groupe_rh", True), ("Groupe Rh", True),
    ("groupage", True), ("gsm", False), ("abonnement", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, canonical", [
    ("A", True, "A"), ("ab", True, "AB"), ("O", True, "O"), ("0", True, "O"), ("B", True, "B"),
    ("A+", True, "A+"), ("o neg", True, "O-"), ("AB Rh+", True, "AB+"),
    ("A+", False, "A+"),                       # a sign is evidence enough
    ("A", False, None),                        # a letter without header is not
    ("C", True, None),
    ("inconnu", True, None),
])
def test_match_cell(cell, header_hit, canonical):
    m = DET.match_cell(cell, header_hit)
    assert (None if m is None else m.normalized) == canonical


def test_table_with_header():
    unit = TableUnit(Location("t.csv"), ("groupe_sanguin",),
                     iter([TableBatch(0, [["A", "O+", "AB", "B négatif"]])]))
    found = [f for b in ALONE.analyze_table(unit) for f in b]
    assert [(f.value, f.score) for f in found] == [("A", 1.0), ("O+", 1.0), ("AB", 1.0), ("B négatif", 1.0)]


def test_letters_without_header_are_not_blood_groups():
    # header_required: a column of letters under an opaque header is free text; lone letters
    # are not findings, but a value with an RhD sign still is
    unit = TableUnit(Location("t.csv"), ("classe",), iter([TableBatch(0, [["A", "B", "A", "AB+"]])]))
    found = [f for b in ALONE.analyze_table(unit) for f in b]
    assert [(f.location.row, f.value) for f in found] == [(3, "AB+")]


def test_study_groups_are_not_claimed_by_header():
    # header "groupe" with values that are not blood groups: header_value_threshold 0.8 fails
    unit = TableUnit(Location("t.csv"), ("groupe",), iter([TableBatch(0, [["A", "C", "D", "E"]])]))
    assert [f for b in ALONE.analyze_table(unit) for f in b] == []


@pytest.mark.parametrize("value, canonical", [
    ("A Rh+", "A+"), ("0 négatif", "O-"), ("AB", "AB"), ("o", "O"), ("B rhésus positif", "B+"),
])
def test_normalize(value, canonical):
    assert DET.normalize(value) == canonical


@pytest.mark.parametrize("text, span, canonical", [
    # every written form listed in issue 3
    ("O+", "O+", "O+"),
    ("O pos", "O pos", "O+"),
    ("groupe A rhésus négatif", "A rhésus négatif", "A-"),
    ("AB Rh-", "AB Rh-", "AB-"),
    ("A positif", "A positif", "A+"),
    ("groupe sanguin B", "B", "B"),
    ("O Rh+ (D+)", "O Rh+ (D+)", "O+"),                 # D antigen confirmation in the span
    ("A Rh- D-", "A Rh- D-", "A-"),
    ("A RhD+", "A RhD+", "A+"),                         # "RhD" written as one word
    ("O RhD négatif", "O RhD négatif", "O-"),
])
def test_issue_forms(text, span, canonical):
    assert [(v, c) for v, _s, c in _found(text)] == [(span, canonical)]
