"""PregnancyDetector: gestational age, G/P notation, positive tests, negation, enclosures."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.pregnancy import PregnancyDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

DET = PregnancyDetector()
ALONE = Pipeline([DET], Config())


def _spans(text: str) -> list[str]:
    return [f.value for f in ALONE.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("text, spans", [
    ("Patiente enceinte.", ["enceinte"]),
    ("enceinte de 3 mois", ["enceinte de 3 mois"]),                         # duration in the span
    ("femmes enceintes", ["enceintes"]),
    ("grossesse de 12 SA", ["grossesse de 12 SA"]),                         # one span
    ("grossesse (de 12 SA)", ["grossesse (de 12 SA)"]),
    ("grossesse à 12 SA + 3 j", ["grossesse à 12 SA + 3 j"]),
    ("Grossesse : 12 SA", ["Grossesse : 12 SA"]),
    ("grossesse gémellaire", ["grossesse gémellaire"]),
    ("grossesses extra-utérines", ["grossesses extra-utérines"]),           # plural qualifier
    ("interruption volontaire de grossesse", ["interruption volontaire de grossesse"]),
    ("à 22 SA", ["22 SA"]),                                                 # "SA" in capitals
    ("32 SA et 4 jours", ["32 SA et 4 jours"]),
    ("12 semaines d'aménorrhée", ["12 semaines d'aménorrhée"]),
    ("terme : 32 SA", ["terme : 32 SA"]),
    ("âge gestationnel 28 SA", ["âge gestationnel 28 SA"]),
    ("G2P1", ["G2P1"]),
    ("G3 P2", ["G3 P2"]),
    ("G3P2A1", ["G3P2A1"]),                                                 # with abortions
    ("2G1P", ["2G1P"]),                                                     # French order
    ("bêta-hCG positifs", ["bêta-hCG positifs"]),
    ("β-hCG : positif", ["β-hCG : positif"]),
    ("hCG positive", ["hCG positive"]),
    ("test de grossesse urinaire positif", ["test de grossesse urinaire positif"]),
    ("terme prévu le 12/03/2025", ["terme prévu"]),                         # the date is not in the span
    ("date prévue d'accouchement : 3 mai", ["date prévue d'accouchement"]),
    ("DDR : 01/02/2024, terme", ["DDR"]),                                   # DDR with a context word
    ("IVG en 2019", ["IVG"]),
    ("primipare", ["primipare"]),
    ("She is pregnant.", ["pregnant"]),
    ("12 weeks pregnant", ["12 weeks pregnant"]),
    ("positive pregnancy test", ["positive pregnancy test"]),
])
def test_found(text, spans):
    assert _spans(text) == spans


@pytest.mark.parametrize("text", [
    "pas enceinte",                           # negation: no pregnancy (documented decision)
    "n'est pas enceinte",
    "non enceinte",
    "absence de grossesse",
    "pas de grossesse en cours",
    "grossesse exclue",
    "test de grossesse négatif",              # a LAB_RESULT, not a pregnancy
    "bêta-hCG négatifs",
    "not pregnant",
    "dans l'enceinte de l'hôpital",           # enclosure
    "une enceinte Bluetooth",                 # loudspeaker
    "les enceintes du stade",
    "sa mère et sa sœur",                     # "sa" in lower case
    "il y a 3 mois",                          # a duration alone
    "g2p1",                                   # lower case is no notation
    "diabète gestationnel",                   # a HEALTH_CONDITION
    "ddr",                                    # abbreviations in capitals only
    "DDR4 memory",                            # glued to a digit
    "désir de grossesse",                     # a wish, not a pregnancy
])
def test_not_found(text):
    assert _spans(text) == []


def test_negative_test_is_a_lab_result(analyze):
    text = "test de grossesse négatif"
    assert analyze(text, "PREGNANCY") == []
    assert analyze(text, "LAB_RESULT") == [(0, 25, text)]


def test_positive_test_is_a_pregnancy_not_a_lab_result(analyze):
    text = "bêta-hCG positifs"
    assert analyze(text, "LAB_RESULT") == []
    assert analyze(text, "PREGNANCY") == [(0, 17, text)]


def test_date_after_expected_term_stays_a_date(analyze):
    text = "terme prévu le 12/03/2025"
    assert analyze(text, "PREGNANCY") == [(0, 11, "terme prévu")]
    assert [s[2] for s in analyze(text, "DATE_TIME")] == ["12/03/2025"]


@pytest.mark.parametrize("header, hit", [
    ("grossesse", True), ("terme_SA", True), ("DDR", True), ("enceinte", True), ("sa", True),
    ("salaire", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit
