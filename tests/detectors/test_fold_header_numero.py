"""Session 8, issue 3 fault 1: :func:`fold_header` writes "N°" (numéro) ``no`` so that the usual
French header "N° patient" (``no_patient``) and a count column ``n_patient`` (R / pandas naming:
"number of patients") fold apart. Every header rule that read the old ``n_`` form still reads
the new one (rows below, one per detector whose ``header_pattern`` has an ``n_?`` / ``no_?``
prefix: adeli, siren, siret, finess, rpps, cni, passport, credit card, NIR); "°" elsewhere is
the degree sign and still folds to ``_``. Expected values written by hand from the rule.
"""

import pytest

from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header

DETS = {d.name: d for d in build()}


@pytest.mark.parametrize("header, folded", [
    ("N° patient", "no_patient"),
    ("n° de séjour", "no_de_sejour"),
    ("N°patient", "no_patient"),           # glued: the number word is still apart
    ("N ° patient", "no_patient"),
    ("Nº patient", "no_patient"),          # U+00BA folds to "o" (NFKD), as before
    ("Dossier N°", "dossier_no"),
    ("T° (°C)", "t_c"),                    # degree signs: not after a lone "n"
    ("Temp. °C", "temp_c"),
    ("Nb patients", "nb_patients"),
    ("n_patient", "n_patient"),            # already folded: unchanged
    ("Sein°", "sein"),                     # "n" inside a word: not the abbreviation
])
def test_fold_header_numero(header, folded):
    assert fold_header(header) == folded


@pytest.mark.parametrize("header, detector", [
    ("N° ADELI", "fr.adeli"), ("N° SIREN", "fr.siren"), ("N° SIRET", "fr.siret"),
    ("N° FINESS", "fr.finess"), ("N° RPPS", "fr.rpps"), ("N° CNI", "fr.cni"),
    ("N° passeport", "fr.passport"), ("N° CB", "credit_card"), ("N° SS", "fr.nir"),
    ("N° sécu", "fr.nir"), ("N° INSEE", "fr.nir"), ("N° tél", "phone"),
    ("N° dossier", "medical_record_number"), ("N° IPP", "medical_record_number"),
    ("N° patient", "medical_record_number"), ("N° séjour", "medical_record_number"),
])
def test_numero_headers_keep_their_detector(header, detector):
    assert DETS[detector].header_matches(fold_header(header))


@pytest.mark.parametrize("header", [
    "n_patient", "n_sejour", "n_dossier",  # counts
    "Nb patients", "nombre de séjours",
])
def test_count_headers_are_not_patient_numbers(header):
    assert not DETS["medical_record_number"].header_matches(fold_header(header))


def test_numero_of_a_condition_is_not_its_status():
    # "N° VIH" was folded n_vih and read as an HIV status column; "no" is an id word
    assert not DETS["health_condition"].status_header(fold_header("N° VIH"))
    assert DETS["health_condition"].status_header(fold_header("statut VIH"))


@pytest.mark.parametrize("header, column, found", [
    # counts of a stay table (R / pandas naming): numbers, not patient numbers
    ("n_patient", ["1204", "3310", "1204", "2210"], []),
    ("n_sejour", ["4512", "1200", "9981", "4512"], []),
    ("Nb patients", ["1204", "3310", "1204", "2210"], []),
    # the French header "N° patient": patient numbers
    ("N° patient", ["000123", "000124", "P0000125"], ["000123", "000124", "P0000125"]),
    ("N° séjour", ["2024000871", "2024000872"], ["2024000871", "2024000872"]),
])
def test_count_columns_in_a_table(header, column, found):
    from sentinelle.config import Config
    from sentinelle.finding import Location
    from sentinelle.pipeline import Pipeline
    from sentinelle.readers.base import TableBatch, TableUnit

    p = Pipeline(build(), Config())
    unit = TableUnit(Location("sejours.csv"), (header,), iter([TableBatch(0, [column])]))
    got = [f.value for b in p.analyze_table(unit) for f in b
           if f.entity_type == "MEDICAL_RECORD_NUMBER"]
    assert got == found
