"""MedicalRecordNumberDetector: a lab's or hospital's patient or stay number (IPP, NIP, NDA,
"N° dossier", "n° patient", MRN), found after its name in text or under its column header.

Session-7 fault: ``sentinelle redact --policy research`` left a lab export's patient numbers
(``IPP 000001`` in a ``NUM_DOSSIER`` column, ``P0000001`` in an ``ipp`` column: the layouts of
``sentinelle synth``'s lab exports) in place and reported nothing left. All numbers here are
made up.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.medical_record_number import MedicalRecordNumberDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = MedicalRecordNumberDetector()
ALL = Pipeline(build(), Config())


def _found(text: str) -> list[tuple[str, float]]:
    return [(f.value, f.score) for f in ALL.analyze_text(text, Location("t"))
            if f.entity_type == "MEDICAL_RECORD_NUMBER"]


@pytest.mark.parametrize("text, value", [
    ("IPP : 8012939402", "8012939402"),
    ("IPP 000001", "000001"),                                   # the synth lab export's form
    ("NIP: 1234567", "1234567"),                                # numéro d'identification permanent
    ("NDA 98765431256", "98765431256"),                         # numéro de dossier administratif
    ("N° dossier 2024-00123, prélevé le 12/03/2024", "2024-00123"),
    ("Numéro de dossier patient : P0000001.", "P0000001"),
    ("n° patient : 45872", "45872"),
    ("Identifiant patient : 20240045", "20240045"),
    ("numéro de séjour 2023118877", "2023118877"),
    ("numéro d'hospitalisation : H2024001234", "H2024001234"),
    ("Dossier n° 778812", "778812"),
    ("Dossier : 1407561893", "1407561893"),                     # "dossier" as a label
    ("l'IPP étant le 3456721983", "3456721983"),                # linking words
    ("Son IPP est 8392.", "8392"),                              # 4 digits: the least taken
    ("séjour (NDA : 1098765432) en cardiologie", "1098765432"),
    ("numéro d'identification (IPP): 3902478069", "3902478069"),
    ("IPPN11232344 visité le 3 mars", "N11232344"),             # glued to the acronym
    ("Patient 105257992, compte rendu", "105257992"),           # 6 digits or more after "patient"
    ("MRN: 00456789", "00456789"),
    ("Patient ID: 42BG98765", "42BG98765"),
    ("IPP : 123 456 789", "123 456 789"),                       # digit groups of 3
    ("IPP 000001 (1995-2004)", "000001"),                      # a year range later on the line
    ("N° dossier 2024-00123 du 12/2024", "2024-00123"),         # a year then 5 digits: not a year
    ("dossier : 75015 MOREAU Jean", "75015"),                   # a listed postcode, no commune after
    ("dossier : 12345 Paris", "12345"),                         # a commune, but 12345 is no postcode
    ("NIP : 8000123456", "8000123456"),                         # AP-HP's 10-digit NIP
    ("NDA 2345678901 du séjour en cardiologie", "2345678901"),   # NDA with a hospital stay
    # session 9, issue 3, kind "short number after the acronym": IPP / NDA / MRN name the
    # number, 3 digits are a small lab's patient number
    ("IPP : 123", "123"),
    ("NDA 456 (séjour de jour)", "456"),
    # session 9, issue 3, kind "IP for identifiant patient" (EDS-Pseudo dev writes "IP: <n>")
    ("Monsieur Paul DURAND, IP: 67475839483, nous a contacté", "67475839483"),
    ("Mme Claire MOREL ayant comme IP 9849332821.", "9849332821"),
    # session 11: "IP" before any gap character (_GAP: "=", "(IP)", "-"), not only " " or ":";
    # the prefilter was silent on these, so the pipeline never ran the detector on them
    ("IP=1234567", "1234567"),
    ("(IP) 1234567", "1234567"),
    ("IP-1234567", "1234567"),
    ("Mme Claire MOREL, IP#9849332821, revue ce jour", "9849332821"),
])
def test_found_in_text(text, value):
    # TEXT_SCORE 0.6 + the cue's context boost 0.3
    assert _found(text) == [(value, 0.9)]


@pytest.mark.parametrize("text", [
    "Réf. 8012939402",                          # a number with no cue
    "Commande 45872 livrée",
    "Le dossier 2023 a été transmis.",          # "dossier" in prose: a year
    "dossier de 12 pages, patient de 45 ans",   # counts and ages
    "Le patient 3 a reçu 1200 mg",
    "IPP : 12/03/2024",                         # a date
    "N° dossier 2024-03-12",                    # an ISO date
    "sous IPP 40 mg/j",                         # the drug class (inhibiteur de la pompe à protons)
    "IPP 1200 mg",                              # a dose after the drug class
    "sous ipp 123456",                          # the acronym in lower case: the drug class
    "Tél. du patient : 06 12 34 56 78",         # a phone number after "patient"
    "n° de téléphone du patient 0612345678",
    "code NIP 4821",                            # a PIN code
    "IPP : 12,5",                               # a decimal
    "Philippe 123456",                          # "ippe" inside a name
    "patient n° 3",                             # fewer than 4 digits
    "patient n° 123",                           # 3 digits after a cue that is not an acronym
    "IPP 20",                                   # 2 digits after the acronym: a dose or a count
    # session 9 "IP" cue: not an IP address, not a short number, not lower case
    "adresse IP : 10.0.0.12",
    "IP 192.168.1.20",
    "IP : 4521",                                # fewer than 6 digits
    "ip: 67475839483",                          # lower case: a word, not the label
    "IP: A67475839",                            # letters: not the patient's number
    # reviewer's false positives (session after MEDICAL_RECORD_NUMBER was added)
    "Approved under NDA 021436",                # FDA new drug application
    "FDA approval (NDA 021436) in 2003",
    "Organisme de formation, NDA : 11755512375",  # training body's déclaration d'activité
    "Déclaration d'activité enregistrée, NDA 11755512375",
    "NDA 11755512375 auprès du préfet de région Île-de-France",
    "Votre NIP : 4821",                         # a PIN (Canadian French)
    "PIN/NIP 1234",
    "NIP/PIN 482193",                           # a 6-digit PIN, named so
    "votre NIP : 482193",                       # "votre NIP": a PIN, whatever its length
    "NIP : 48219",                              # 5 digits: fewer than a hospital NIP has
    "Dossier : 2024",                           # a year after the label
    "N° dossier : 12/2024",                     # a month and year
    "le dossier 2019-2020 de la HAS",           # a year range after the weak cue
    "Patient 2023-2024 : bilan",
    "Numéro de patient : 01/2024",
    "MRN 2019 cohort",                          # a year after the English acronym
    "dossier : 75015 Paris",                    # a postcode and its town
    "dossier : 75679 PARIS CEDEX 14",
])
def test_not_found_in_text(text):
    assert _found(text) == []


# session 9, issue 3, kind "patient identity banner" (bandeau patient: name | sex | date of birth
# | IPP | NDA on one line; EDS-Pseudo dev writes 42 of its IPP/NDA values so). Made-up numbers.
@pytest.mark.parametrize("text, values", [
    ("Patient : Marie DURAND | F | 10/05/1986 | 9056297478 | 1298947650",
     ["9056297478", "1298947650"]),
    ("Récapitulatif chirurgie MARTIN PAUL | H | 30-12-1974 (27 ans) | 9010572683 | 10294875403 ",
     ["9010572683", "10294875403"]),                                     # no cue word at all
    ("Patiente : A. LEROY | Femme | 1 0 0 3 1 9 9 8 | 87765390 | Dossier 1267830945.",
     ["87765390", "1267830945"]),                                       # boxed date; cue after
    ("Patient 2: Gabriel BLANC | M | 03/06/2005 | 2549384958 | 59884865\n- Avis", ["2549384958",
                                                                       "59884865"]),
    # session 11: the banner as a table row, next to the lab row that is not one
    ("| Marie DURAND | F | 15/02/1986 | 4500001 |", ["4500001"]),
    # session 11 review: the date of birth with its label is still the field after the sex
    ("DURAND Marie | Femme | née le 10/05/1986 | 905629747 | 129894765",
     ["905629747", "129894765"]),
    ("DURAND Marie | F | DDN : 10/05/1986 | 905629747 |", ["905629747"]),
    ("DURAND Paul | M | Né(e) le 10/05/1986 | 905629747 |", ["905629747"]),
    ("Patient : Marie DURAND | F | 10/05/1986 | 9056297478\n"
     "| Plaquettes | H | 15/02/2024 | 450000 |", ["9056297478"]),
    ("| K. Martin | F | 15/02/1986 | 4500001 |", ["4500001"]),           # an initial, not "K"
    # a first sex-like field that is no banner ("M" is a size there), a banner later on the line
    ("Taille | M | 1,75 m | Patient : Marie DURAND | F | 10/05/1986 | 9056297478",
     ["9056297478"]),
])
def test_identity_banner(text, values):
    assert [v for v, _ in _found(text)] == values


@pytest.mark.parametrize("text", [
    # the fields of a banner that are not a patient number
    "Patient : Marie DURAND | F | 10/05/1986 | 0612345678",            # a French phone number
    "Patient : Marie DURAND | F | 10/05/1986 | 75015 | Paris",          # a postcode (5 digits)
    "Patient : Marie DURAND | F | 10/05/1986 | 285072A00412338",        # a NIR: FR_NIR's
    "Patient : Marie DURAND | F | 10/05/1986 | 1850575123456",          # 13 digits: a NIR body
    # a table of results: no sex field, so a count after a date is not a number of a patient
    "| 12/03/2024 | Plaquettes | 250000 |",
    "| M | 12/03/2024 |\n| 250000 |",                                   # the next line is apart
    "| Taille | M | 123456 | 42 € |",                                   # a size and a code: no date
    "Patient : Marie DURAND | F | 9056297478 | 10/05/1986",              # a number before the date
    # session 11: a lab table's row (analysis | flag H "high" | date | result) is no banner:
    # the field before the flag names an analysis of data/lab_analyses.txt, not a person
    "| Plaquettes | H | 15/02/2024 | 450000 |",
    "| Hémoglobine | H | 15/02/2024 | 4500000 |",
    "| Leucocytes | H | 15/02/2024 | 450000 |",
    "| Leucocytes totaux | H | 15/02/2024 | 450000 |",                  # the analysis, then a word
    "| CRP (mg/L) | H | 15/02/2024 | 450000 |",                         # a unit in brackets
    "| 12 | H | 15/02/2024 | 450000 |",                                 # no letters: no name
    "| F | 15/02/2024 | 450000 |",                                      # nothing before the sex
    # the field after the sex is not the date of birth alone: a date inside words
    "Patient : Marie DURAND | F | prélevé le 15/02/2024 | 450000 |",
    "Patient : Marie DURAND | F | Paris | 10/05/1986 | 9056297478",     # the date not right after
])
def test_identity_banner_other_fields(text):
    assert _found(text) == []


@pytest.mark.parametrize("header, hit", [
    ("ipp", True), ("IPP", True), ("NIP", True), ("nda", True), ("id_patient", True),
    ("num_patient", True), ("numero_dossier", True), ("NUM_DOSSIER", True), ("no_dossier", True),
    ("N° dossier", True), ("patient_id", True), ("PatientID", True), ("mrn", True),
    ("patient.ipp", True), ("numero_sejour", True), ("N° patient", True),
    ("Identifiant patient", True), ("medical_record_number", True),
    # not a patient number
    ("nom_patient", False), ("dossier_diagnostic", False), ("date_sejour", False),
    ("id", False), ("patient", False), ("num_facture", False), ("ippe", False),
    # "n" glued to the word is a count
    ("npatient", False), ("nsejour", False),
    # session 8, issue 3 fault 1: fold_header writes "N°" "no" ("N° patient" -> no_patient), so
    # "n_" + word is the R / pandas name of a count ("n_patient": number of patients)
    ("n_patient", False), ("n_sejour", False), ("n_dossier", False),
    ("Nb patients", False), ("nombre de séjours", False), ("nb_sejours", False),
    ("N° séjour", True), ("n° de séjour", True), ("N°patient", True), ("N ° patient", True),
    ("Nº patient", True),                      # U+00BA ordinal indicator, folds to "o" (NFKD)
    ("Dossier n°", True), ("Patient N°", True),  # the number after the word
    ("code_sejour", False),                    # a stay's type ("HC", "HDJ"), not its number
    ("code_admission", False), ("code_patient", True),
    ("ipp_dose", False),                       # the drug class (inhibiteur de la pompe à protons)
    ("ipp_posologie", False), ("ipp_patient", True), ("nda_sejour", True),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("value, hit, normalized", [
    ("P0000001", True, "p0000001"),
    ("IPP 000001", True, "000001"),      # the cue word in the cell is not part of the number
    ("  000123 ", True, "000123"),
    ("NDA-2024-0012", True, "20240012"),
    ("2024/00123", True, "202400123"),
    ("12/03/2024", False, None),         # a date
    ("inconnu", False, None),            # no digit
    # session 9, issue 3: the header names the number, so a small lab's patient 123 is one
    ("123", True, "123"),
    ("IPP 123", True, "123"),            # the cue word in the cell, then 3 digits
    ("12", False, None),                 # fewer than 3 digits: a count or a code
    ("12,5", False, None),               # a decimal
    ("HC2024", False, None),             # letters glued to a year (a stay type and year)
    ("2024", False, None),               # a year
    ("2019-2020", False, None),          # a year range
    ("12/2024", False, None),            # a month and year
    ("esoméprazole 40mg 2x/j 2024", False, None),  # a run of words: a prescription
    ("IPP 2024-00123", True, "202400123"),  # a prefix word, then a number with a year in it
    ("P 0000001", True, "p0000001"),     # one word first, then the number
    ("123 456 789", True, "123456789"),  # digit groups
])
def test_cell_under_a_header(value, hit, normalized):
    m = DET.match_cell(value, True)
    assert (m is not None) is hit
    if hit:
        assert (m.score, m.normalized) == (0.7, normalized)
    assert DET.match_cell(value, False) is None   # never from the values alone


def _scan_table(header: list[str], rows: list[list[str]]) -> list:
    columns = [[r[j] for r in rows] for j in range(len(header))]
    unit = TableUnit(Location("t.csv"), tuple(header), iter([TableBatch(0, columns)]))
    return [f for b in ALL.analyze_table(unit) for f in b]


def test_lab_export_columns_are_claimed():
    # the two layouts of the fault: ``ipp`` with P-numbers, ``NUM_DOSSIER`` with "IPP 000001"
    header = ["ipp", "NUM_DOSSIER", "nom", "resultat"]
    rows = [[f"P{i:07d}", f"IPP {i:06d}", "MOREAU", "3,3"] for i in range(1, 21)]
    got = [(f.location.column, f.value, f.score, f.evidence.header)
           for f in _scan_table(header, rows) if f.entity_type == "MEDICAL_RECORD_NUMBER"]
    assert ("ipp", "P0000001", 0.9, "ipp") in got
    assert ("NUM_DOSSIER", "IPP 000020", 0.9, "NUM_DOSSIER") in got
    assert len(got) == 40


def test_stats_table_counts_are_not_claimed():
    # reviewer's table: counts glued to "n", a drug and dose under ipp_dose, a stay code
    header = ["service", "npatient", "ipp_dose", "code_sejour", "duree_moyenne"]
    rows = [["Cardiologie", "1234", "esoméprazole 40mg 2x/j 2024", "HC2024", "5,2"],
            ["Pneumologie", "2345", "oméprazole 20mg 1x/j 2023", "HDJ2023", "3,1"]]
    assert [f for f in _scan_table(header, rows) if f.entity_type == "MEDICAL_RECORD_NUMBER"] == []


def test_a_column_of_numbers_without_its_header_is_not_claimed():
    header = ["ref", "nom"]
    rows = [[f"{i:08d}", "MOREAU"] for i in range(1, 21)]
    assert [f for f in _scan_table(header, rows) if f.entity_type == "MEDICAL_RECORD_NUMBER"] == []


def test_same_number_hashes_alike_in_a_cell_and_in_text():
    cell = DET.match_cell("IPP 000001", True)
    text = next(iter(DET.find("IPP : 000001")))
    assert cell.normalized == text.normalized == "000001"


def test_entities_command_lists_it():
    out = subprocess.run([sys.executable, "-m", "sentinelle", "entities", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    row = next(r for r in json.loads(out) if r["label"] == "MEDICAL_RECORD_NUMBER")
    assert (row["category"], row["detectors"]) == ("identification", "medical_record_number")


CSV = ("ipp,NUM_DOSSIER,nom,ddn,resultat\n"
       "P0000001,IPP 000001,MOREAU,1988-03-15,CRP 3 mg/L\n"
       "P0000002,IPP 000002,GRIVEY,1970-11-17,\n"
       "P0000001,IPP 000001,MOREAU,1988-03-15,\n"
       "P0000003,IPP 000003,DUPONT,1955-01-02,\n")


@pytest.mark.parametrize("preset", ["research", "share", "test-data"])
def test_redact_removes_the_patient_numbers(preset, tmp_path):
    from sentinelle.redact import redact

    src = tmp_path / "in"
    src.mkdir()
    (src / "export.csv").write_text(CSV, encoding="utf-8")
    result = redact([src], tmp_path / "out", preset, b"k" * 32)
    assert not result.errors
    out = (tmp_path / "out" / "export.csv").read_text(encoding="utf-8")
    for number in ("P0000001", "P0000002", "P0000003", "000001", "000002", "000003"):
        assert number not in out, (preset, number)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["ipp", "NUM_DOSSIER", "nom", "ddn", "resultat"]
    if preset in ("research", "share"):
        # a keyed pseudonym: the same patient keeps one token, so the records still link
        assert rows[1][0] == rows[3][0] and rows[1][0] != rows[2][0]
        assert rows[1][1] == rows[3][1] and rows[1][1].startswith("medical_record_number_")


def _eds_documents() -> list[str]:
    """EDS-Pseudo notes (../shared/corpus/pii_fr_clinical_eds_pseudo, IPP and NDA labelled
    there) concatenated into long documents."""
    from tests.conftest import shared_dir

    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in path.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    return ["\n\n".join(notes[i:i + 60]) for i in range(0, len(notes), 60)]


#: every cue form, and near misses ("no" without a space, "numération", "idée"), past the
#: candidate path's length threshold; characters outside Latin-1 become "?" in its encoding
EDGE = ("IPP : 8012939402 ; NIP: 1234567 ; NDA 98765431256 ; MRN: 00456789 ; IPPN11232344\n"
        "N° dossier 2024-00123 ; Nº dossier 778812 ; no. patient 45872 ; no patient 45873 ;"
        " nodossier 1234567 ; num. dossier 556677 ; numéro de séjour 2023118877\n"
        "Identifiant patient : 20240045 ; ident. patient 4455667 ; id patient 99887766 ;"
        " identification permanente 1234 ; code patient 887766 ; référence interne de la"
        " patiente : 9750409278 ; ref dossier 12345678\n"
        "Patient ID: 42BG98765 ; medical record number 445566 ; hospital no. 7788 ; chart number"
        " 6655 ; record number 9911 ; Dossier : 1407561893 ; Patient 105257992 ; patiente 1234567\n"
        "numération 12345 ; idée 12345 ; Ωdossier n° 5566778 ; \u2603IPP 4433221 ; 日NDA 99887766\n")


def test_candidate_path_equals_regex_path(monkeypatch):
    from sentinelle.detectors import medical_record_number as mod

    docs = _eds_documents() + [EDGE * 12, EDGE.replace("\n", " ") * 12]
    assert min(len(d) for d in docs) >= mod.SOM_MIN_CHARS
    key = lambda d: [(m.start, m.end, m.score, m.pattern, m.normalized) for m in DET.find(d)]
    fast = [key(d) for d in docs]
    monkeypatch.setattr(mod, "SOM_MIN_CHARS", 1 << 60)
    slow = [key(d) for d in docs]
    assert fast == slow
    assert sum(map(len, fast)) > 100
