"""Session 12 (issue 3): the recall rules of MEDICATION and HEALTH_CONDITION written from the
kinds of QUAERO train misses. Every example is hand-made (no text from QUAERO, which is GFDL);
the expected spans follow the rules' sources cited in the detectors' docstrings.

MEDICATION: spelling variants of a listed substance ("ph"/"f", "th"/"t", "y"/"i", the English
INN without the final "e"), salts ("chlorhydrate de X", "hydroxyde d'aluminium" with a dose or a cue: session 12 review) and
acids ("acide X-ique"; mineral, food and fatty acids only with a dose or a cue). HEALTH_CONDITION: new head nouns and organs of the organ phrases, "-oma",
"-dermie", "-philie" and "-lyse" words, an apostrophe followed by a space, an eponym after a
disease word, a coordinated second eponym, and a Greek prefix before a listed condition; and
the false positives found on the way (each one a negative below).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, spans", [
    # spelling variants: the French INN is "ibuprofène", "kétoprofène", "paroxétine" (listed)
    ("ibuprophène 400 mg le soir", ["ibuprophène 400 mg"]),            # "ph" for "f"
    ("sous kétoprophène", ["kétoprophène"]),
    ("paroxéthine 20 mg", ["paroxéthine 20 mg"]),                      # "th" for "t"
    ("indometacin 25 mg", ["indometacin 25 mg"]),                      # English INN (no "e")
    # salts: the salt joins a found name; a salt of a cation is a substance by itself
    ("chlorhydrate de tramadol 50 mg", ["chlorhydrate de tramadol 50 mg"]),
    ("gel d'hydroxyde d'aluminium, 1 sachet après les repas", ["hydroxyde d'aluminium"]),
    ("carbonate de calcium 500 mg", ["carbonate de calcium 500 mg"]),
    ("sulfate de fer 80 mg", ["sulfate de fer 80 mg"]),   # a cation's salt needs a dose or cue
    # acids: "acide" + an "-ique" adjective
    ("l'acide gamma-hydroxybutyrique", ["acide gamma-hydroxybutyrique"]),
])
def test_medication_rules(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "MEDICATION")] == spans


@pytest.mark.parametrize("text", [
    "une grande témérité",                 # "-ité" noun: its final "e" is kept ("Temerit")
    "tampon phosphate de sodium",          # a buffer (EMA excipient), not a medicine
    "citrate de sodium pour ajuster le pH",
    "l'acide désoxyribonucléique",         # a nucleic acid, no drug
    "acide urique 420 µmol/L",             # a lab analysis (data/lab_analyses.txt)
])
def test_medication_negatives(text, analyze):
    assert analyze(text, "MEDICATION") == []


@pytest.mark.parametrize("text, spans", [
    # organ phrases: new head nouns (shape and wall of an organ) and organs
    ("dilatation des bronches", ["dilatation des bronches"]),
    ("rupture des ligaments croisés du genou", ["rupture des ligaments croisés"]),
    ("déformation de la colonne vertébrale", ["déformation de la colonne vertébrale"]),
    ("calcifications aortiques", ["calcifications aortiques"]),
    ("troubles de la pensée", ["troubles de la pensée"]),
    # suffixes: Latin "-oma", "-dermie" nouns, "-philie" and "-lyse" after their heads
    ("un melanoma", ["melanoma"]),
    ("une leucodermie", ["leucodermie"]),
    ("une basophilie", ["basophilie"]),
    ("une ostéolyse", ["ostéolyse"]),
    ("une image ostéolytique", ["ostéolytique"]),
    # an apostrophe followed by a space (tokenised or OCR text)
    ("maladie d' Alzheimer", ["maladie d' Alzheimer"]),
    # an eponym after a disease word, and a coordinated second one
    ("une ostéochondrose de Scheuermann", ["ostéochondrose de Scheuermann"]),
    ("maladies de Crohn et de Whipple", ["maladies de Crohn", "Whipple"]),
    # a Greek prefix before a listed condition
    ("des microkystes", ["microkystes"]),
    ("une pseudo-tumeur", ["pseudo-tumeur"]),
])
def test_condition_rules(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "HEALTH_CONDITION")] == spans


@pytest.mark.parametrize("text", [
    "Prélèvement difficile, hémolyse légère.",   # a flawed sample (synth lab comments)
    "une analyse de sang",                        # "-lyse" of a technique
    "patch transdermique",                        # "-dermique": a route, not "-dermie"
    "injection intradermique",
    "la cinéphilie",                              # "-philie" without a medical head
    "le système parasympathique",                 # anatomy, not "-pathie"
    "activité orthosympathique",
    "sérum hypertonique",                         # tonicity of a solution
    "tomographie monophotonique",                 # physics
    "des microgreffes",                           # a prefixed procedure is a technique
    "éviter les changements de température",      # no organ after the head noun
    "la cirrhose de Mme Durand",                  # a civil title is no eponym ...
    "une hépatite de Jean Martin",                # ... nor a first and last name
])
def test_condition_negatives(text, analyze):
    found = [t for _s, _e, t in analyze(text, "HEALTH_CONDITION")]
    assert all(t.lower() not in ("hémolyse", "analyse", "transdermique", "intradermique",
                                 "cinéphilie", "parasympathique", "orthosympathique",
                                 "hypertonique", "monophotonique", "microgreffes")
               for t in found)
    assert not any(" de Mme" in t or "Jean" in t for t in found)
    assert not any("température" in t for t in found)


@pytest.mark.parametrize("text, spans", [
    # a generic symptom word counts in a list with another condition of the same sentence
    ("fièvre, agitation et vomissements", ["fièvre", "agitation", "vomissements"]),
    ("séquelles d'un AVC", ["séquelles", "AVC"]),
    # ... not alone, not in another sentence, not in a fixed phrase
    ("une chute des prix. Diabète équilibré.", ["Diabète"]),
    ("stress oxydatif et diabète", ["diabète"]),
    ("les signes vitaux sont stables, pas de fièvre", ["fièvre"]),
    ("aggravation de la maladie de Crohn", ["maladie de Crohn"]),
])
def test_weak_signs_near_a_condition(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "HEALTH_CONDITION")] == spans
