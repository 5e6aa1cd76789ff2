"""PERSON and LOCATION in old French press (OCR): the rules of issue 3 measured on the Europeana
1906 newspapers (../shared/corpus/ner_fr_europeana_bnf), each row a synthetic sentence in that
style (names invented or public place names); the negatives are false positives the rules fixed."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.location import LocationDetector
from sentinelle.detectors.person import PersonDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

PERSON = Pipeline([PersonDetector()], Config())
PLACE = Pipeline([LocationDetector()], Config())


def spans(pipe: Pipeline, text: str) -> list[str]:
    return [text[f.start:f.end] for f in pipe.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("text, expected", [
    ("contre NI . Limon , député", ["Limon"]),               # "M." read "NI" by the OCR
    ("le rapport de Ni . Huerta fut lu", ["Huerta"]),        # "M." read "Ni"
    ("ETUDE de M- KERNEIS , notaire", ["KERNEIS"]),           # the dot read as a hyphen
    ("ETUDE de M* ANDRE , notaire", ["ANDRE"]),               # the dot read as a star
    ("la maison de M. V. et sa locataire", ["V."]),           # a person named by an initial
    ("une scène avec Mme L. hier soir", ["L."]),
    # "M." opens the next name: not the initial of "Mauroy M."
    ("chez Mauroy M. de Mauroy habitait", ["Mauroy", "de Mauroy"]),
    # a place after a name is the next article's dateline, not part of the name
    ("UN DISCOURS DE M. POINCARÉ Paris , 22 avril . Hier", ["POINCARÉ"]),
])
def test_press_persons(text, expected):
    assert spans(PERSON, text) == expected


@pytest.mark.parametrize("text", [
    "arrêté au village , en Renac , pour mendicité",   # a name after "en": a place (fixed FP)
    "prolongement de la ligne de Ploërmel à Plélan le mois prochain",  # after "à"
    "une espèce , comme on dit au Palais , hier",      # after "au": a thing
    "le fils d' un Allemand des bords du Rhin",        # after an article
    "Jean Robin , 37 ans . Dinan ETAT-CIVIL . Naissances",  # a town heading, not "Dinan ETAT-CIVIL"
    "il vivait à Paris Edouard Naulet , tourneur",     # a town, not a first name
])
def test_press_not_persons(text):
    found = spans(PERSON, text)
    assert not any(w in f for f in found for w in ("Renac", "Plélan", "Palais", "Allemand",
                                                   "Dinan", "Paris")), found


@pytest.mark.parametrize("text, expected", [
    ("dans toute la France . Dans le Nord , son", ["France", "Nord"]),  # an article before a country
    ("arrêté au village , en Renac , pour mendicité", ["Renac"]),       # "en" + commune
    ("il passera à Brest , Lorient et Vannes", ["Brest", "Lorient", "Vannes"]),  # a list of places
    ("les communes de Sceaux , Bagneux , Montrouge", ["Sceaux", "Bagneux", "Montrouge"]),
    ("commissaire de police . LONGJUMEAU . Les lampes", ["LONGJUMEAU"]),   # a local news heading
    ("Jean Robin , 37 ans . Dinan ETAT-CIVIL . Naissances", ["Dinan"]),
])
def test_press_places(text, expected):
    assert spans(PLACE, text) == expected


@pytest.mark.parametrize("text", [
    "at 636 1812 Rue De La Gare  Apt. 271  St Felicien",  # "Apt." abbreviates apartment (presidio_en)
    "BENAVENTE OSORIO Maria Concepcion 05215",             # upper-case names, not a heading (EDS)
    "Patient : M. Fleury BINCTIN\nNé le 27/12/1980",       # the dot of "M." ends no sentence
])
def test_press_places_negatives(text):
    found = spans(PLACE, text)
    assert not any(w in found for w in ("Apt", "BENAVENTE", "Fleury")), found
