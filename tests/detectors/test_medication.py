"""MedicationDetector: the public drug list (BDPM brands and DCI), strengths in the span,
ambiguous names, drug columns, and the MEDICATION case of ../shared/cases/cases.jsonl."""

from __future__ import annotations

import pytest

from sentinelle import data
from sentinelle.config import Config
from sentinelle.detectors.base import fold, fold_header
from sentinelle.detectors.medication import MedicationDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

DET = MedicationDetector()
ALONE = Pipeline([DET], Config())


def _spans(text: str) -> list[str]:
    return [f.value for f in ALONE.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("case_id", [
    "pb-035",  # "lévodopa" is a MEDICATION next to two eponymous diseases
])
def test_cases(case_id, expected, analyze):
    text, spans = expected(case_id, "MEDICATION")
    assert analyze(text, "MEDICATION") == spans


@pytest.mark.parametrize("text, spans", [
    ("Doliprane 1000 mg, 1 cp matin et soir", ["Doliprane 1000 mg"]),     # strength in, posology out
    ("DOLIPRANE", ["DOLIPRANE"]),                                           # brand in capitals
    ("paracétamol 500 mg", ["paracétamol 500 mg"]),                        # DCI with accent
    ("paracetamol", ["paracetamol"]),                                       # without accent
    ("Lévothyrox 100 µg", ["Lévothyrox 100 µg"]),
    ("Kardegic 75 mg/j", ["Kardegic 75 mg"]),                              # "/j" is posology
    ("Amoxicilline 1 g x 3/j", ["Amoxicilline 1 g"]),
    ("Ventoline 100 µg/dose", ["Ventoline 100 µg/dose"]),                  # strength per dose
    ("acide valproïque 500 mg", ["acide valproïque 500 mg"]),              # ANSM DCI, French order
    ("LEVODOPA CARBIDOPA ENTACAPONE", ["LEVODOPA CARBIDOPA ENTACAPONE"]),  # longest name wins
    ("lévodopa-carbidopa", ["lévodopa", "carbidopa"]),                     # two listed names
    ("ténofovir et emtricitabine", ["ténofovir", "emtricitabine"]),
    ("bensérazide", ["bensérazide"]),                                       # DrugBank INN, same spelling folded
    ("lithium 400 mg", ["lithium 400 mg"]),                                # ambiguous + strength
    ("posologie du lithium à adapter", ["lithium"]),                       # ambiguous + context word
    ("Zinc 15 mg", ["Zinc 15 mg"]),
    ("Protéine C humaine 500 UI", ["Protéine C humaine 500 UI"]),        # the drug (a longer name)
    ("potassium 600 mg", ["potassium 600 mg"]),                            # a drug and an analysis: the drug
])
def test_found(text, spans):
    assert _spans(text) == spans


@pytest.mark.parametrize("text", [
    "le fer à repasser",                     # ambiguous word, no strength, no context
    "Diane viendra demain",                  # brand that is a French first name
    "un médicament prescrit",                # generic word (a class such as "antiviral" is found)
    "l'ipp du patient",                      # a class abbreviation (IPP) counts in upper case only
    "2 comprimés par jour",                  # a form is not a product
    "le zinc du toit",
    "Bilan sanguin normal.",
    # a longer lab analysis name is read first (the throughput bench's lab reports, issue 3)
    "Protéine C réactive : 12 mg/L",         # CRP, not the drug "protéine C"
    "PROTEINE C REACTIVE 4 mg/L",
    "Fer sérique : 15 µmol/L",               # an analysis, not iron
    # "IPP" is also the patient's permanent identifier in French hospitals (the shipped
    # sample's NUM_DOSSIER column: "IPP 000001"): a number after it is an identifier
    "IPP 000001",
    "IPP : 4521",
    "IPP n° 77812",
])
def test_not_found(text):
    assert _spans(text) == []


def test_scores():
    (plain,) = DET.find("Doliprane")
    (dosed,) = DET.find("Doliprane 500 mg")
    (amb,) = DET.find("fer")
    assert (plain.score, dosed.score, amb.score) == (0.7, 0.95, 0.35)


@pytest.mark.parametrize("header, hit", [
    ("traitement", True), ("Médicament", True), ("molecule", True), ("DCI", True),
    ("specialite", True), ("drug", True), ("nom", False), ("date_traitement_fin", True),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_drug_column():
    pipeline = Pipeline([DET], Config())
    plan = pipeline.classify(["traitement"], [["Doliprane 1000 mg", "KARDEGIC", "lévodopa"]])[0]
    assert plan.detector is DET and plan.header_hit
    assert [DET.match_cell(v, True).normalized for v in ("Doliprane 1000 mg", "KARDEGIC")] == [
        "doliprane 1000mg", "kardegic"]


def test_normalize_same_product_same_key():
    assert DET.normalize("Doliprane 1000 mg") == DET.normalize("DOLIPRANE 1000mg")


def test_list_shape():
    # data/medications.txt (scripts/update_data/medications.py): names, "?" marks, no class words
    lines = data.lines("medications.txt")
    assert len(lines) > 10_000
    names = {fold(l.lstrip("?")) for l in lines}
    assert {"doliprane", "kardegic", "levodopa", "metformine", "levothyrox"} <= names
    assert "?FER" in lines and "?DIANE" in lines          # ambiguous names are marked
    assert not names & {"laxatifs", "vitamines", "gel", "sirop", "medicaments"}


@pytest.mark.parametrize("text, spans", [
    # issue 3: drug classes reveal a treatment (data/drug_classes.txt), scored below a product
    ("sous antirétroviraux depuis 2015", ["antirétroviraux"]),
    ("un médicament antiviral", ["antiviral"]),
    ("arrêt des AINS", ["AINS"]),                                    # abbreviation, upper case
    ("IPP au long cours", ["IPP"]),
    ("IPP 20 mg le soir", ["IPP"]),          # a strength, not an identifier number
    ("inhibiteurs de la pompe à protons", ["inhibiteurs de la pompe à protons"]),  # longest
    ("Kardegic et anticoagulants", ["Kardegic", "anticoagulants"]),  # product and class
])
def test_drug_classes(text, spans):
    assert [text[m.start:m.end] for m in DET.find(text)] == spans


def test_drug_class_score():
    (cls,) = DET.find("antidépresseurs")
    (drug,) = DET.find("fluoxétine")
    assert (cls.score, cls.pattern) == (0.55, "drug_class")
    assert drug.score == 0.7


@pytest.mark.parametrize("text, spans", [
    # issue 3: a substance named by its WHO INN stem, unlisted spelling
    ("Erythromicine depuis 06-03-02", ["Erythromicine"]),   # EDS-Pseudo dev note, "-micine"
    ("sous ritozumab 20 mg", ["ritozumab 20 mg"]),          # "-mab", with its strength
    # class adjectives in every gender and number, "anti-" with a hyphen
    ("un traitement antithrombotique", ["antithrombotique"]),
    ("une substance anticoagulante", ["anticoagulante"]),
    ("une chimiothérapie anti-cancéreuse", ["anti-cancéreuse"]),
])
def test_stems_and_class_forms(text, spans):
    assert [text[m.start:m.end] for m in DET.find(text)] == spans


@pytest.mark.parametrize("text", [
    "un concept nouveau",      # "-cept" of a common word
    "In April we met",         # "-pril" needs 3 letters before it
    "la cuisine africaine",    # "-caïne" only after the anaesthetics' syllables
    "servir chaud",            # "-vir" only in the antiviral stems
])
def test_stems_not_found(text):
    assert list(DET.find(text)) == []


def test_stem_score():
    (m,) = DET.find("ritozumab")
    assert (m.pattern, m.score) == ("inn_stem", 0.6)


#: lab analyses beside drug names and INN words (hand-made): the analyses left out of the
#: lexicon (``_silent_analyses``) and the ones kept (a drug starts with the same word)
_ANALYSES_LINE = (
    "Cholestérol total 5,2 mmol/L ; cholestérol LDL 3,1 ; Hémoglobine glyquée 6,1 % ; TSH 2,1 ; "
    "Protéine C réactive 12 mg/L ; protéine C 50 UI ; Fer sérique 15 µmol/L ; fer 80 mg ; "
    "Potassium 4,1 mmol/L ; potassium 600 mg ; Sodium 140 ; vitamine D 30 ng/mL ; "
    "Gamma GT 40 UI/L ; gamma OH ; Prélèvement vaginal ; examen cytobactériologique des urines ; "
    "hémoglobine trastuzumab ; cholestérol-rosuvastatine 10 mg ; Doliprane 1000 mg ; IPP 20 mg\n"
)


def _medication_texts() -> list[str]:
    """The synthetic leak's lab reports (examples/leak/*/comptes_rendus.txt, written by
    ``sentinelle synth``: an analysis on every line), the EDS-Pseudo notes
    (../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl) and the line above
    repeated."""
    import json
    from pathlib import Path

    from tests.conftest import shared_dir

    eds = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in eds.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    repo = Path(__file__).resolve().parents[2]
    reports = [p.read_text(encoding="utf-8")
               for p in sorted((repo / "examples" / "leak").glob("*/comptes_rendus.txt"))]
    return reports + ["\n\n".join(notes), _ANALYSES_LINE * 50, _ANALYSES_LINE.upper() * 5]


def test_left_out_analyses_change_no_match(monkeypatch):
    # issue 6: the analyses that start no drug and hold no INN word are left out of the
    # lexicon; the matches must be IDENTICAL to the lexicon holding every analysis
    from sentinelle.detectors import medication as med

    with monkeypatch.context() as patch:
        patch.setattr(med, "_silent_analyses", lambda terms: [])
        full = med._prepare()
    pruned = med._prepare()
    assert len(pruned._values) < len(full._values)  # some were left out
    left_out = set(full._values) - set(pruned._values)
    assert {"cholesterol total", "tsh", "prelevement vaginal"} <= left_out
    # kept: a drug starts with the same word ("proteine c", "fer", "gamma oh")
    assert {"proteine c reactive", "fer serique", "gamma gt"}.isdisjoint(left_out)
    with_all = MedicationDetector()
    with_all._lexicon = full
    key = lambda det, t: [(m.start, m.end, m.score, m.pattern, m.normalized)  # noqa: E731
                          for m in det.find(t)]
    found = 0
    for text in _medication_texts():
        got = key(DET, text)
        assert got == key(with_all, text)
        found += len(got)
    assert found > 100


@pytest.mark.parametrize("text, spans", [
    # session 10 (issue 3): more ATC group names (data/drug_classes.txt), hand-written examples
    ("un inhibiteur non nucléosidique de la transcriptase inverse",
     ["inhibiteur non nucléosidique de la transcriptase inverse"]),                  # J05AG
    ("deux analogues nucléosidiques", ["analogues nucléosidiques"]),                # J05AF
    ("un nouveau vaso-dilatateur", ["vaso-dilatateur"]),                            # C04A
    ("utilisé comme vasoconstricteur", ["vasoconstricteur"]),                       # R01AA
    ("les stéroïdes anabolisants", ["stéroïdes anabolisants"]),                     # A14A
    ("des substances antitumorales", ["antitumorales"]),                            # L01, -al forms
    ("traitements anti-angiogéniques", ["anti-angiogéniques"]),
])
def test_session10_classes(text, spans):
    assert [text[m.start:m.end] for m in DET.find(text)] == spans


@pytest.mark.parametrize("text, spans", [
    # the class wins over a condition word inside it in the whole pipeline (HEALTH_CONDITION
    # no longer reports "cancéreux" of "anti-cancéreux", nor "antalgiques" as "-algie")
    ("chimiothérapie ( anti-cancéreux injectés )", ["anti-cancéreux"]),
    ("Les antalgiques de niveau II", ["antalgiques"]),
])
def test_session10_class_over_condition(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "MEDICATION")] == spans


@pytest.mark.parametrize("text, spans", [
    # session 11 (issue 3), hand-written examples: the WHO INN stem "-irudin" after one letter
    ("sous hirudine recombinante", ["hirudine"]),
    ("la bivalirudine", ["bivalirudine"]),
    # the French "-mère" of the polymers' English "-mer" INN in the list ("GLATIRAMER")
    # (session 12: the salt joins the name, "acétate de glatiramère" is the French INN)
    ("acétate de glatiramère 20 mg", ["acétate de glatiramère 20 mg"]),
    # ATC group V names and the radionuclides of V09/V10 (data/drug_classes.txt)
    ("après injection de gadolinium", ["gadolinium"]),
    ("les produits de contraste iodés", ["produits de contraste iodés"]),
    ("un traitement par iode 131", ["iode 131"]),
])
def test_session11_kinds(text, spans, analyze):
    assert [t for _s, _e, t in analyze(text, "MEDICATION")] == spans


def test_galenic_form_is_context(analyze):
    # "EMLA" is a short ambiguous name (0.35): a galenic form before it is context
    assert [t for _s, _e, t in analyze("appliquer la crème EMLA", "MEDICATION")] == ["EMLA"]
    assert analyze("EMLA", "MEDICATION") == []
