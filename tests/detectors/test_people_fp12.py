"""Session 12, issue 3: false positives of health data in a people table become tests.

The kind of fault comes from the review of the FakeNameGenerator.com people table
(../shared/corpus/people_tables/FakeNameGenerator.com_3000.csv, see its SOURCE.md): a table with
no health column at all, where BLOOD_GROUP was reported on business names starting with a grade
("A+ <Word>" in its ``Company`` column), HEALTH_CONDITION on job titles qualified by a condition
(its ``Occupation`` column: a nurse "for" a disease) and on a disease-shaped word inside a domain
name (its ``Domain`` column). The rows below are hand-made, not copied from the table.

Expected values come from the rules in the detectors' docstrings: a business name after a group
with its sign scores ``NAME_PREFIX_SCORE`` (0.3) and a condition that qualifies a job scores
``JOB_SCORE`` (0.3), both below the default ``min_score`` (0.5); the true positives keep their
ordinary scores (0.6 for a group with its sign, 0.8 for a listed condition).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import sentinelle
from sentinelle.detectors.blood_group import NAME_PREFIX_SCORE, BloodGroupDetector
from sentinelle.detectors.health_condition import JOB_SCORE, HealthConditionDetector

BLOOD = BloodGroupDetector()
HEALTH = HealthConditionDetector()
HEALTH_LABELS = {"BLOOD_GROUP", "HEALTH_CONDITION", "PREGNANCY", "LAB_RESULT", "HEALTH_INSURER"}


def _found(det, text: str) -> list[tuple[str, float]]:
    return [(text[m.start:m.end], m.score) for m in det.find(text)]


@pytest.mark.parametrize("text, want", [
    # a grade or brand before a business name: not the blood of a person
    ("A+ Electronics", [("A+", NAME_PREFIX_SCORE)]),
    ("A+ Plomberie Dupuis", [("A+", NAME_PREFIX_SCORE)]),
    ("AB+ Conseil", [("AB+", NAME_PREFIX_SCORE)]),
    # the previous attempt lost these: Kell is an ISBT blood group system, Rh D the antigen,
    # CMV the serology of a blood product; all-capitals words are abbreviations, kept
    ("A+ Kell négatif", [("A+", 0.6)]),
    ("O+ Rh D", [("O+", 0.6)]),
    ("AB+ CMV négatif", [("AB+", 0.6)]),
    ("B- Duffy positif", [("B-", 0.6)]),
    ("O- Phénotype RH1", [("O-", 0.6)]),
    # a cue before the group: a blood group, whatever word follows
    ("groupe sanguin A+ Electronique", [("A+", 0.6)]),
    ("Patient A+, allergie", [("A+", 0.6)]),
])
def test_blood_group_before_a_name(text, want):
    assert _found(BLOOD, text) == want


@pytest.mark.parametrize("text, want", [
    # a condition qualifying a job title names the job (English noun adjunct)
    ("HIV/AIDS nurse", [("HIV", JOB_SCORE), ("AIDS", JOB_SCORE)]),
    ("Diabetes management nurse", [("Diabetes", JOB_SCORE)]),
    ("Tumor registrar", [("Tumor", JOB_SCORE)]),
    ("cancer care coordinator", [("cancer", JOB_SCORE)]),
    # French: a job noun, then "en/de" and the condition, or the condition in apposition
    ("éducatrice en diabète", [("diabète", JOB_SCORE)]),
    ("infirmière VIH", [("VIH", JOB_SCORE)]),
    ("infirmière de prévention du VIH", [("VIH", JOB_SCORE)]),
    # the worker's own condition, or the patient's: ordinary scores
    ("HIV positive nurse", [("HIV positive", 0.8)]),
    ("nurse with diabetes", [("diabetes", 0.8)]),
    ("dans le cadre du diabète", [("diabète", 0.8)]),
    ("prise en charge du VIH", [("VIH", 0.8)]),
])
def test_condition_qualifying_a_job(text, want):
    assert _found(HEALTH, text) == want


@pytest.mark.parametrize("text, want", [
    ("OMesothelioma.fr", []),                       # a domain name (camel case and ".fr")
    ("voir lymphopenia.com", []),                   # a domain name
    ("lymphopénie sévère", [("lymphopénie", 0.6)]),  # the morphology rule still works
])
def test_disorder_word_in_a_domain(text, want):
    assert _found(HEALTH, text) == want


@pytest.mark.parametrize("text, entity, want", [
    # through the pipeline: no context word, nothing reported at the default min score
    ("HIV/AIDS nurse", "HEALTH_CONDITION", []),
    ("A+ Electronics", "BLOOD_GROUP", []),
    # a context word of the detector near a job qualifier lifts it back (0.3 + 0.3): in a
    # patient's record the nurse's speciality still tells the patient's status
    ("Vue par l'infirmière VIH, sérologie de contrôle.", "HEALTH_CONDITION", [(21, 24, "VIH")]),
    # a cue before the group: a blood group whatever the word after it
    ("Groupe sanguin : A+ Electronique", "BLOOD_GROUP", [(17, 19, "A+")]),
    ("Carte de groupe : A+ Kell négatif", "BLOOD_GROUP", [(18, 20, "A+")]),
])
def test_pipeline_scores(analyze, text, entity, want):
    assert analyze(text, entity) == want


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_people_table_without_health_column(tmp_path):
    # hand-made rows shaped like the FakeNameGenerator table's: job, company, domain
    _write(tmp_path / "people.csv", ["Occupation", "Company", "Domain"], [
        ["HIV/AIDS nurse", "A+ Electronics", "OLymphopenia.fr"],
        ["Diabetes management nurse", "A+ Investissements", "exemple.fr"],
        ["Tumor registrar", "AB+ Conseil", "exemple.com"],
        ["Infection control nurse", "Durand SARL", "exemple.net"],
        ["éducatrice en diabète", "Martin & Fils", "exemple.org"],
    ])
    result = sentinelle.scan(tmp_path)
    assert [(f.entity_type, f.location.row, f.location.column) for f in result.findings
            if f.entity_type in HEALTH_LABELS] == []


def test_blood_group_column_still_found(tmp_path):
    # a transfusion table: the group cells, with a blood group system after the group
    _write(tmp_path / "transfusion.csv", ["id", "groupe_sanguin", "remarque"], [
        ["1", "A+ Kell négatif", "RAS"],
        ["2", "O+ Rh D", "RAS"],
        ["3", "AB+ CMV négatif", "RAS"],
    ])
    result = sentinelle.scan(tmp_path)
    got = [(f.location.row, f.location.column) for f in result.findings
           if f.entity_type == "BLOOD_GROUP"]
    assert got == [(0, "groupe_sanguin"), (1, "groupe_sanguin"), (2, "groupe_sanguin")]


@pytest.mark.parametrize("text, want", [
    # a CIM-10 bracketed eponym alone ("Kyste synovial poplité [Baker]", "[Wells]", "[Sweet]")
    # is a surname: scripts/update_data/health_conditions_cim10.py no longer keeps it alone
    ("Wells & Wade", []),
    ("Sweet Home Immobilier", []),
    ("Forestier et fils", []),
    # the named diseases are still found with their head word (eponym rule)
    ("Antécédent de maladie de Kawasaki.", ["maladie de Kawasaki"]),
    ("Syndrome de Lyell sous traitement.", ["Syndrome de Lyell"]),
    ("Maladie de Dupuytren opérée.", ["Maladie de Dupuytren"]),
    # "Pouce(s) surnuméraire(s)": the condition, not the thumb
    ("un pouce surnuméraire", ["pouce surnuméraire"]),
    ("fracture du pouce", ["fracture"]),  # the injury; "pouce" alone is a body part
])
def test_cim10_eponyms_alone_not_conditions(text, want):
    got = [text[f.start:f.end] for f in sentinelle.scan_text(text)
           if f.entity_type == "HEALTH_CONDITION"]
    assert got == want
