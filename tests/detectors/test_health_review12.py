"""Session 12 review: false positives of the session 12 recall rules of MEDICATION and
HEALTH_CONDITION (commit bebe5b0) on text they were not developed on. Every example is
hand-made French prose (chemistry, gardening, cooking, geology, news, HR, linguistics), written
after the kinds of false positives seen on ner_fr_europeana_bnf (1906 newspapers: "ACIDE
STÉARIQUE" in a market column), pii_fr_clinical_eds_pseudo dev ("ANTI THYROGLOBULINE", a lab
analysis) and hand-written prose; no corpus text is copied. The recall kept is checked on the
medical reading of the same words (with a strength or a context word, or a disorder's head).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    # salts of a metal or cation that are no listed name: chemistry, gardening, geology
    "Pulvérisez du sulfate de cuivre sur la vigne.",
    "Le nitrate d'ammonium est un engrais.",
    "Le calcaire est un carbonate de calcium.",
    "L'iodure d'argent ensemence les nuages.",
    "Le sulfate de fer détruit la mousse du gazon.",
    # acids of industry, of the laboratory and of food (mineral acids, E260-E338, fatty acids)
    "Le vinaigre contient de l'acide acétique.",
    "L'acide sulfurique des batteries.",
    "ACIDE STÉARIQUE, saponification et distillation.",
    "L'acide tartrique du vin et l'acide malique des pommes.",
    # the French name of a tumour marker, listed under its English name "thyroglobulin"
    "ANTI THYROGLOBULINE réalisée le 16/03/2020",
])
def test_chemistry_is_no_medication(text, analyze):
    assert analyze(text, "MEDICATION") == []


@pytest.mark.parametrize("text, spans", [
    # with a strength (0.35 + 0.25) or a context word (+ 0.3) the same names count
    ("carbonate de calcium 500 mg", ["carbonate de calcium 500 mg"]),
    ("sulfate de fer 80 mg par jour", ["sulfate de fer 80 mg"]),
    ("gel d'hydroxyde d'aluminium, 1 sachet après les repas", ["hydroxyde d'aluminium"]),
    ("acide acétique 2 % en solution", ["acide acétique 2 %"]),
    # a salt joined to a listed drug and an acid that is no common chemical keep 0.6
    ("chlorhydrate de tramadol", ["chlorhydrate de tramadol"]),
    ("l'acide gamma-hydroxybutyrique", ["acide gamma-hydroxybutyrique"]),
    # in a list of ingredients beside a listed drug (a leaflet's excipients), 0.6 again
    ("Les autres composants sont : mannitol, acide chlorhydrique et hydroxyde de sodium.",
     ["mannitol", "acide chlorhydrique", "hydroxyde de sodium"]),
])
def test_medical_chemistry_kept(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "MEDICATION")] == spans


@pytest.mark.parametrize("text, spans", [
    # the listed drug of another sentence does not count
    ("Le mannitol est un sucre. L'acide chlorhydrique est corrosif.", ["mannitol"]),
])
def test_weak_chemistry_in_another_sentence(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "MEDICATION")] == spans


@pytest.mark.parametrize("text, spans", [
    # a first name after a disease word names the patient, not an eponym (data/first_names.txt)
    ("La bronchite de Lucas s'est aggravée.", ["bronchite"]),
    ("l'arthrose de Jeanne et de Pierre", ["arthrose"]),
    # eponyms that are no first names are kept (CIM-10 FR titles)
    ("une ostéochondrose de Scheuermann", ["ostéochondrose de Scheuermann"]),
    ("la maladie de Wilson", ["maladie de Wilson"]),
    # "la pensée" after a disorder's head only
    ("la rupture de la pensée occidentale", []),
    ("une faiblesse de la pensée politique", []),
    ("des troubles de la pensée", ["troubles de la pensée"]),
    # "la langue" (a language) after a change of shape
    ("l'envahissement de la langue française par l'anglais", []),
    ("la déformation de la langue", []),
    # generic words near a condition, but about the markets, the stars, a volcano
    ("la chute des cours et la dépression économique", ["dépression"]),
    ("les signes astrologiques et la dépression saisonnière", ["dépression"]),
    ("une éruption volcanique et une paralysie du trafic", ["paralysie"]),
    # still a symptom in a list of symptoms
    ("fatigue, confusion et vertiges", ["fatigue", "confusion", "vertiges"]),
])
def test_condition_figures_of_speech(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "HEALTH_CONDITION")] == spans
