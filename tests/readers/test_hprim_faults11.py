"""HprimReader, session 11 faults: the town of an HPRIM Net header's line 6 ("75012 PARIS",
postcode + town) was never found (the line was one cell hinted ``cp_ville``, claimed by
FR_POSTAL_CODE alone: the postcode was found, the town not); the patient identifier of a P
record (``P-3``) and of header line 1 must be MEDICAL_RECORD_NUMBER.

Synthetic data written here (made-up names); the corpus file text.hpr is
../shared/corpus/hprim/hprimtool (MIT, fictitious persons, see its SOURCE.md), whose line 6 is
"76600 LE HAVRE" (read by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.hprim import HprimReader, header_line
from tests.conftest import shared_dir

TEXT = shared_dir() / "corpus" / "hprim" / "hprimtool" / "text.hpr"

# HPRIM Net: 1 file number, 2 NOM, 3 PRENOM, 4-5 address, 6 postcode + town, 7 birth date
NET = (
    "IPP4242\r\n"
    "DUPONT\r\n"
    "JEANNE\r\n"
    "12 rue de la Paix\r\n"
    "\r\n"
    "75012 PARIS\r\n"
    "12/03/1985\r\n"
    "Texte du compte rendu.\r\n"
    "****FIN****\r\n"
    "D2024-0043\r\n"
    "MARTIN\r\n"
    "LUC\r\n"
    "3 place du Marche\r\n"
    "\r\n"
    "MARSEILLE 13001\r\n"       # town first: some software writes it so
    "01/02/1970\r\n"
    "****FIN****\r\n"
)

# HPRIM Santé 2.2 (ASTM E1394: field 1 is the record type, P-3 the practice-assigned patient
# ID, P-4 the laboratory-assigned one)
RECORDS = (
    "H|~^\\&|||LBM\r\n"
    "P|1|IPP4242|NDA7781||DUPONT^JEAN||19500101|M\r\n"
    "L|1|N\r\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


def _located(path: Path) -> set[tuple]:
    result = sentinelle.scan([path])
    assert not result.issues
    return {(f.entity_type, f.location.row, f.location.column, f.value) for f in result.findings}


@pytest.mark.parametrize("line, cells", [
    ("75012 PARIS", [("HPRIM-header-CP_VILLE", 0, "75012", "cp_ville"),
                     ("HPRIM-header-VILLE", 6, "PARIS", "ville")]),
    ("  75012   PARIS CEDEX 12 ", [("HPRIM-header-CP_VILLE", 2, "75012", "cp_ville"),
                                   ("HPRIM-header-VILLE", 10, "PARIS CEDEX 12", "ville")]),
    ("MARSEILLE 13001", [("HPRIM-header-VILLE", 0, "MARSEILLE", "ville"),
                         ("HPRIM-header-CP_VILLE", 10, "13001", "cp_ville")]),
    ("L'HAY-LES-ROSES 94240", [("HPRIM-header-VILLE", 0, "L'HAY-LES-ROSES", "ville"),
                               ("HPRIM-header-CP_VILLE", 16, "94240", "cp_ville")]),
    ("76600", [("HPRIM-header-CP_VILLE", 0, "76600", "cp_ville")]),
    ("SAINT-ETIENNE", [("HPRIM-header-VILLE", 0, "SAINT-ETIENNE", "ville")]),
])
def test_line_6_cut_into_postcode_and_town(line, cells):
    assert header_line(5, line) == cells


def test_other_header_lines_unchanged():
    assert header_line(1, "DUPONT") == [("HPRIM-header-NOM", 0, "DUPONT", "nom")]
    assert header_line(10, "LBM001     Laboratoire Biomed") == [
        ("HPRIM-header-EMETTEUR", 11, "Laboratoire Biomed", None),
        ("HPRIM-header-EMETTEUR-CODE", 0, "LBM001", None)]


def test_net_header_town_and_postcode_found(tmp_path):
    """Before: only ``FR_POSTAL_CODE 75012`` in ``HPRIM-header-CP_VILLE``; PARIS never found."""
    found = _located(_write(tmp_path, "cr.hpr", NET))
    for entity, row, column, value in [
        ("FR_POSTAL_CODE", 0, "HPRIM-header-CP_VILLE", "75012"),
        ("LOCATION", 0, "HPRIM-header-VILLE", "PARIS"),
        ("FR_POSTAL_CODE", 1, "HPRIM-header-CP_VILLE", "13001"),
        ("LOCATION", 1, "HPRIM-header-VILLE", "MARSEILLE"),
        ("MEDICAL_RECORD_NUMBER", 0, "HPRIM-header-DOSSIER", "IPP4242"),
        ("MEDICAL_RECORD_NUMBER", 1, "HPRIM-header-DOSSIER", "D2024-0043"),
    ]:
        assert (entity, row, column, value) in found


def test_corpus_text_hpr_town_found():
    # line 6 of text.hpr, by hand: "76600 LE HAVRE"
    found = _located(TEXT)
    assert ("FR_POSTAL_CODE", 0, "HPRIM-header-CP_VILLE", "76600") in found
    assert ("LOCATION", 0, "HPRIM-header-VILLE", "LE HAVRE") in found


def test_record_patient_ids_are_ipp(tmp_path):
    path = _write(tmp_path, "r.hpr", RECORDS)
    src = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    [p] = [u for u in HprimReader().read(src, {})
           if isinstance(u, TableUnit) and u.location.sheet == "P[1]"]
    hints = dict(zip(p.header, p.hints))
    assert (hints["P-3"], hints["P-4"]) == ("ipp", "ipp")
    found = _located(path)
    assert ("MEDICAL_RECORD_NUMBER", 0, "P-3", "IPP4242") in found
    assert ("MEDICAL_RECORD_NUMBER", 0, "P-4", "NDA7781") in found


