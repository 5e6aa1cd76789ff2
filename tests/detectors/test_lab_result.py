"""LabResultDetector: analyte + value + unit in prose, dot-leader reports, HPRIM RES and HL7 OBX
lines (shapes of ../shared/corpus/hprim/hprimtool/*.hpr and ../shared/corpus/hl7v2)."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors.lab_result import LabResultDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

DET = LabResultDetector()
ALONE = Pipeline([DET], Config())


def _spans(text: str) -> list[str]:
    return [f.value for f in ALONE.analyze_text(text, Location("t"))]


@pytest.mark.parametrize("text, spans", [
    ("Hémoglobine : 13,2 g/dL", ["Hémoglobine : 13,2 g/dL"]),
    ("Glycémie à jeun 1,05 g/L", ["Glycémie à jeun 1,05 g/L"]),            # qualifier in the span
    ("CRP 12 mg/L", ["CRP 12 mg/L"]),
    ("CRP < 5 mg/L", ["CRP < 5 mg/L"]),                                     # comparator
    ("HbA1c 7,2 %", ["HbA1c 7,2 %"]),
    ("Hémoglobine glyquée (HbA1c) : 7,2 %", ["Hémoglobine glyquée (HbA1c) : 7,2 %"]),
    ("Charge virale VIH : 45 copies/mL", ["Charge virale VIH : 45 copies/mL"]),
    ("charge virale VIH indétectable", ["charge virale VIH indétectable"]),
    ("TSH 2.1 mUI/L", ["TSH 2.1 mUI/L"]),
    ("Sérologie VIH : positive", ["Sérologie VIH : positive"]),
    ("Ag HBs négatif", ["Ag HBs négatif"]),
    ("Leucocytes : 7 800 /mm3", ["Leucocytes : 7 800 /mm3"]),               # thousands with a space
    ("Plaquettes 250 G/L", ["Plaquettes 250 G/L"]),
    ("DFG 85 mL/min/1,73 m²", ["DFG 85 mL/min/1,73 m²"]),
    ("La CRP est à 45 mg/L", ["CRP est à 45 mg/L"]),                       # prose separator
    ("Créatinine ........ 85 µmol/L", ["Créatinine ........ 85 µmol/L"]),   # dot leaders
    ("Hémoglobine :                            13.8 g/dL    (12,0-16,0)",   # hprimtool text.hpr layout
     ["Hémoglobine :                            13.8 g/dL"]),
    ("RES|HEMOGLOBINE|NF   030|N|14.8|g/dL|12.9|16.7|N|F",                  # hprimtool header-solabio.hpm
     ["HEMOGLOBINE|NF   030|N|14.8|g/dL"]),
    ("RES|CREATININE|CREA|N|85*|µmol/L|60|120|H|", ["CREATININE|CREA|N|85*|µmol/L"]),
    ("OBX|1|NM|718-7^Hémoglobine^LN||13.2|g/dL^g/dL^UCUM|12-16|N|||F", ["Hémoglobine^LN||13.2|g/dL"]),
    ("K+ : 4,2 mmol/L", ["K+ : 4,2 mmol/L"]),                               # ambiguous analyte + unit
    ("INR 2,5 sous AVK", ["INR 2,5"]),                                      # no unit: lower score
    ("test de grossesse négatif", ["test de grossesse négatif"]),
    # the rheumatoid factor and its tests, the malaria serology (session 13 review: they were
    # reported as the HEALTH_CONDITION "rhumatoïde", "palustre")
    ("Facteur rhumatoïde : négatif", ["Facteur rhumatoïde : négatif"]),
    ("Facteurs rhumatoïdes : 8 UI/mL", ["Facteurs rhumatoïdes : 8 UI/mL"]),  # the plural
    ("Test au latex : positif", ["Test au latex : positif"]),
    ("Latex : 12 UI/mL", ["Latex : 12 UI/mL"]),                             # ambiguous + unit
    ("Réaction de Waaler-Rose : négative", ["Réaction de Waaler-Rose : négative"]),
    ("Waaler-Rose : négatif", ["Waaler-Rose : négatif"]),
    ("Sérologie palustre négative", ["Sérologie palustre négative"]),
    ("Sérologie du paludisme : positive", ["Sérologie du paludisme : positive"]),
])
def test_found(text, spans):
    assert _spans(text) == spans


@pytest.mark.parametrize("text, spans", [
    # session-7 faults: the virus type after the virus (VIH-1, HIV-2, VIH1), viral loads with
    # thousands, logarithms, and serology confirmation assays with their qualitative result
    ("Charge virale VIH-1 : 45 000 copies/mL", ["Charge virale VIH-1 : 45 000 copies/mL"]),
    ("Western Blot : positif", ["Western Blot : positif"]),
    # the glued type on a virus the analysis names, and after an assay as a qualifier
    ("charge virale VIH1 : indétectable", ["charge virale VIH1 : indétectable"]),
    ("Charge virale HIV-2 < 20 copies/mL", ["Charge virale HIV-2 < 20 copies/mL"]),
    ("ARN VIH-1 plasmatique : 1 250 copies/ml", ["ARN VIH-1 plasmatique : 1 250 copies/ml"]),
    # decimal logarithm of the load (log, log10) in copies or IU per mL
    ("Charge virale VIH-1 : 4,65 log copies/mL", ["Charge virale VIH-1 : 4,65 log copies/mL"]),
    ("CV VIH : 3,2 log10 copies/mL", ["CV VIH : 3,2 log10 copies/mL"]),
    ("ADN VHB : 3,1 log UI/mL", ["ADN VHB : 3,1 log UI/mL"]),
    ("Charge virale HIV-1: 1.2 x 10^4 copies/mL", ["Charge virale HIV-1: 1.2 x 10^4 copies/mL"]),
    # confirmation assays: positive, negative, indeterminate, with the virus and its type
    ("Western-blot VIH : négatif", ["Western-blot VIH : négatif"]),
    ("Confirmation par Western Blot : indéterminé", ["Western Blot : indéterminé"]),
    ("Immunoblot VIH-2 : positif", ["Immunoblot VIH-2 : positif"]),
    ("Western Blot VIH-1 : positif", ["Western Blot VIH-1 : positif"]),
    ("test de confirmation VIH : négatif", ["test de confirmation VIH : négatif"]),
])
def test_viral_loads_and_confirmations(text, spans):
    assert _spans(text) == spans


@pytest.mark.parametrize("text", [
    "Western Blot à faire si le dépistage est positif",   # no result yet
    "Charge virale VIH-1 du 12/03/2024",                  # a date is no value
    "Immunoblot prévu",
])
def test_confirmation_without_result(text):
    assert _spans(text) == []


@pytest.mark.parametrize("text", [
    "CRP à contrôler",                       # no value
    "glycémie du 12/03/2024",                # a date is no value
    "Créatinine 12/03",
    "crp 12 mg/L",                           # abbreviation in lower case
    "K 2",                                   # ambiguous analyte without unit
    "TP 80",
    "bêta-hCG positifs",                     # a pregnancy (PREGNANCY)
    "Hémoglobine normale",                   # "normale" is an interpretation, not a value
    "RES|Cond. Rbt|MICR 030|N|Diabète||||N|F",  # a text field is no value
    "Gants en latex : 3 boîtes",             # "latex" (ambiguous) without a lab unit: a glove
    "Latex : positif",                       # idem without a unit
])
def test_not_found(text):
    assert _spans(text) == []


def test_scores():
    assert [m.score for m in DET.find("CRP 12 mg/L")] == [1.0]
    assert [m.score for m in DET.find("CRP 12")] == [0.6]
    assert [m.score for m in DET.find("Na 140 mmol/L")] == [0.8]


def test_result_wins_over_the_condition_inside(analyze):
    text = "Sérologie VIH : positive"
    assert analyze(text, "LAB_RESULT") == [(0, 24, text)]
    assert analyze(text, "HEALTH_CONDITION") == []


def test_cell():
    assert DET.match_cell("Hémoglobine : 13,2 g/dL", False).normalized == "hemoglobine : 13.2 g/dl"
    assert DET.match_cell("13,2", True) is None   # a bare number: the analyte is elsewhere


def test_list_checker_passes():
    # scripts/update_data/lab_analyses.py: no empty synonym, "=" terms hold a capital
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "update_data" / "lab_analyses.py"
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
