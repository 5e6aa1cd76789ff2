"""HprimReader: HPRIM Net reports (12-line header, text, ****LAB**** RES|/TEX| lines) from the
corpus, HPRIM Santé 2.x records written here, sniffing and errors.

Corpus: ../shared/corpus/hprim/hprimtool (yokoinc/hprimtool fixtures, MIT; fictitious names).
Expected values were read by hand in the files (quoted in comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source, TableUnit, TextUnit
from sentinelle.readers.hprim import HprimReader
from tests.conftest import shared_dir


FIXTURES = shared_dir() / "corpus" / "hprim" / "hprimtool"
# header-solabio.hpm, by hand (line 1 is the lab's fixed-width file-number line):
#   2 DUPONT / 3 JEAN / 4 1 rue de la Test / 5 (empty) / 6 76000 VILLE TEST / 7 01/01/1950 /
#   8 1500176000000 00 / 9 260624HE0103 / 10 24/06/2026 / 11 SOLABIO    SOLABIO /
#   12 MARTPA     MARTIN PAUL; then the report, ****LAB****, two RES| lines, ****FIN****,
#   ****FINFICHIER****
SOLABIO = FIXTURES / "header-solabio.hpm"
# text.hpr: A250513068 / MARTIN / DENISE / 12 RUE DU TEST / (empty) / 76600 LE HAVRE /
#   14/03/1957, then "Hémoglobine :   13.8 g/dL ..." (a header cut after line 7)
TEXT = FIXTURES / "text.hpr"


def source_of(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)


def read(path: Path) -> tuple[list, list[TextUnit], dict]:
    """(tables as (row, sheet, {column: cell}, {column: hint}), text units, stats)."""
    tables, texts, stats = [], [], {}
    for unit in HprimReader().read(source_of(path), stats):
        if isinstance(unit, TableUnit):
            [batch] = list(unit.batches)
            tables.append((batch.first_row, unit.location.sheet,
                           {h: c[0] for h, c in zip(unit.header, batch.columns)},
                           dict(zip(unit.header, unit.hints))))
        else:
            texts.append(unit)
    return tables, texts, stats


def located(path: Path, **kw) -> set[tuple]:
    result = sentinelle.scan([path], **kw)
    assert not result.issues
    return {(f.entity_type, f.location.row, f.location.column, f.value) for f in result.findings}


# -- the corpus -----------------------------------------------------------------------------

@pytest.mark.parametrize("entity, column, value", [
    ("PERSON", "HPRIM-header-NOM", "DUPONT"),
    ("PERSON", "HPRIM-header-PRENOM", "JEAN"),
    ("STREET_ADDRESS", "HPRIM-header-ADRESSE1", "1 rue de la Test"),
    ("FR_POSTAL_CODE", "HPRIM-header-CP_VILLE", "76000"),      # the code, not the town
    ("DATE_OF_BIRTH", "HPRIM-header-DDN", "01/01/1950"),
    ("FR_NIR", "HPRIM-header-NIR", "1500176000000 00"),        # located; its key 00 is invalid
    ("PERSON", "HPRIM-header-DESTINATAIRE", "MARTIN PAUL"),    # the code MARTPA split off
])
def test_solabio_header_located(entity, column, value):
    assert (entity, 0, column, value) in located(SOLABIO, min_score=0.0)


def test_solabio_invalid_nir_is_kept_low():
    result = sentinelle.scan([SOLABIO], entities=["FR_NIR"], min_score=0.0)
    [nir] = [f for f in result.findings if f.location.column == "HPRIM-header-NIR"]
    assert (nir.validation.value, nir.score) == ("invalid", 0.3)
    assert not [f for f in sentinelle.scan([SOLABIO], entities=["FR_NIR"]).findings
                if f.location.column == "HPRIM-header-NIR"]  # below the default min_score


def test_solabio_structure():
    tables, texts, stats = read(SOLABIO)
    [(row, sheet, cells, hints)] = tables
    assert (row, sheet) == (0, "HPRIM-header")
    assert cells["HPRIM-header-NOM"] == "DUPONT"
    assert cells["HPRIM-header-DEMANDE"] == "260624HE0103"
    assert cells["HPRIM-header-DATE"] == "24/06/2026"
    assert (cells["HPRIM-header-EMETTEUR"], cells["HPRIM-header-EMETTEUR-CODE"]) == (
        "SOLABIO", "SOLABIO")
    assert cells["HPRIM-header-DESTINATAIRE-CODE"] == "MARTPA"
    assert "HPRIM-header-ADRESSE2" not in cells                 # line 5 is empty
    assert (hints["HPRIM-header-NOM"], hints["HPRIM-header-DDN"], hints["HPRIM-header-NIR"],
            hints["HPRIM-header-CP_VILLE"]) == ("nom", "date_de_naissance", "nir", "cp_ville")
    decoded = SOLABIO.read_text(encoding="utf-8")
    body = "".join(t.text for t in texts)
    assert "Compte-rendu d'examens biologiques de :Mr DUPONT JEAN" in body
    assert "RES|HEMOGLOBINE|NF   030|N|14.8|g/dL|12.9|16.7|N|F" in body
    assert "****" not in body                                   # markers give no unit
    for t in texts:                                             # offsets index the file
        assert decoded[t.offset:t.offset + len(t.text)] == t.text
    assert stats["rows"] == 1


def test_text_hpr_short_header_and_lab_lines():
    found = located(TEXT)
    for entity, column, value in [("PERSON", "HPRIM-header-NOM", "MARTIN"),
                                  ("PERSON", "HPRIM-header-PRENOM", "DENISE"),
                                  ("DATE_OF_BIRTH", "HPRIM-header-DDN", "14/03/1957"),
                                  ("FR_POSTAL_CODE", "HPRIM-header-CP_VILLE", "76600")]:
        assert (entity, 0, column, value) in found
    tables, texts, _ = read(TEXT)
    [(_, _, cells, _)] = tables
    assert "HPRIM-header-NIR" not in cells      # line 8 is a lab line: the header stops at 7
    assert texts[0].text.startswith("Hémoglobine :")
    result = sentinelle.scan([TEXT], entities=["LAB_RESULT"])
    decoded = TEXT.read_text(encoding="utf-8")
    values = {decoded[f.start:f.end] for f in result.findings}
    assert any(v.startswith("Hémoglobine") and "13.8 g/dL" in v for v in values)


@pytest.mark.parametrize("name, first_line", [
    ("pipes.hpr", "RES|GLUCOSE A JEUN|GLU|N|1.42|g/L|0.74|1.06||"),   # no header, no marker
    ("tags.hpr", "RES|GLYCEMIE|GLU|N|1.30|g/L|0.74|1.06||"),         # after ****LAB****
    ("test-file.hpr", "RES|GLUCOSE|GLU|N|5.2|mmol/L|3.5|6.5|N|"),   # CRLF line ends
])
def test_res_lines_are_text_with_file_offsets(name, first_line):
    path = FIXTURES / name
    tables, texts, _ = read(path)
    assert tables == []
    assert texts[0].text.splitlines()[0] == first_line
    decoded = path.read_bytes().decode("utf-8")
    for t in texts:
        assert decoded[t.offset:t.offset + len(t.text)] == t.text


def test_corpus_sniffed_as_hprim():
    result = sentinelle.scan([FIXTURES], entities=["PERSON"])
    assert {f.reader for f in result.files} == {"hprim"}
    assert not result.issues


# -- synthetic files ------------------------------------------------------------------------

HEADER = ["X123", "GARNIER", "Hélène", "4 place Bellecour", "Bât. B", "69002 LYON",
          "17/05/1985", "2 85 05 69 123 456 ", "D42", "02/01/2024", "LABO1     LBM DU RHONE",
          "DRMAR     MARTIN Paul"]


def test_two_reports_latin1(tmp_path):
    text = ("\r\n".join(HEADER) + "\r\nRésultats normaux.\r\n****LAB****\r\n"
            "RES|GLYCEMIE|GLU|N|1.05|g/L|0.74|1.06||\r\n****FIN****\r\n"
            + "\r\n".join(["X124", "BERNARD", "Luc", "", "", "75011 PARIS", "01/02/1970"])
            + "\r\nRAS\r\n****FIN****\r\n****FINFICHIER****\r\n")
    path = tmp_path / "deux.hpr"
    path.write_bytes(text.encode("latin-1"))
    tables, texts, stats = read(path)
    assert [(r, s) for r, s, _, _ in tables] == [(0, "HPRIM-header"), (1, "HPRIM-header")]
    first, second = tables[0][2], tables[1][2]
    assert first["HPRIM-header-PRENOM"] == "Hélène"
    assert first["HPRIM-header-ADRESSE2"] == "Bât. B"
    assert first["HPRIM-header-NIR"] == "2 85 05 69 123 456 "
    assert (first["HPRIM-header-DESTINATAIRE"], first["HPRIM-header-DESTINATAIRE-CODE"]) == (
        "MARTIN Paul", "DRMAR")
    assert second["HPRIM-header-NOM"] == "BERNARD"
    assert "HPRIM-header-NIR" not in second                     # "RAS" is report text
    assert [t.text for t in texts] == [
        "Résultats normaux.\r\n", "RES|GLYCEMIE|GLU|N|1.05|g/L|0.74|1.06||\r\n", "RAS\r\n"]
    assert stats["encoding"] == "cp1252" and stats["rows"] == 2


# HPRIM Santé 2.x records (ASTM E1394 numbering: field 1 is the record type);
# synthetic NIR 1 85 05 78 006 084, key 97 - (1850578006084 mod 97) = 91
RECORDS = (
    "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
    "P|1|IPP42||185057800608491|DUPONT^JEAN^PIERRE|MOREAU|19500101|M||"
    "12 rue de la Paix^PARIS^^75002^FR||06 12 34 56 78|1234^MARTIN^PAUL\r\n"
    "OBR|1|D42||GLU^Glycémie\r\n"
    "OBX|1|NM|GLU^Glycémie||1.05|g/L|0.74-1.06|N\r\n"
    "C|1|L|Patiente à rappeler, sa fille Chloé \\F\\ au 06 98 76 54 32\r\n"
    "A|, le soir|G\r\n"
    "L|1|N\r\n"
    "H|~^\\&|||LBM\r\n"
    "P|1|IPP43|||BERNARD^LUC||19700201|M\r\n"
    "L|1|N\r\n"
)


def test_records_cells(tmp_path):
    path = tmp_path / "resultats.hpr"
    path.write_text(RECORDS, encoding="utf-8")
    tables, texts, stats = read(path)
    assert texts == []
    assert [(r, s) for r, s, _, _ in tables] == [
        (0, "H[1]"), (0, "P[1]"), (0, "OBR[1]"), (0, "OBX[1]"), (0, "C[1]"), (0, "L[1]"),
        (1, "H[1]"), (1, "P[1]"), (1, "L[1]")]
    p = tables[1][2]
    assert p["P-6"] == "DUPONT JEAN PIERRE"
    assert p["P-8"] == "19500101"
    assert (p["P-11"], p["P-11.4"]) == ("12 rue de la Paix, PARIS, FR", "75002")
    assert (p["P-14"], p["P-14.1"]) == ("MARTIN PAUL", "1234")
    assert tables[0][2]["H-5"] == "LBM Laboratoire"
    # escape \F\ decoded; the A| line continues the C record where the line was cut
    c = tables[4][2]
    assert c["C-4"] == "Patiente à rappeler, sa fille Chloé | au 06 98 76 54 32, le soir"
    assert c["C-5"] == "G"
    assert tables[7][2]["P-6"] == "BERNARD LUC"
    assert stats["rows"] == 2


def test_records_located(tmp_path):
    path = tmp_path / "resultats.hpr"
    path.write_text(RECORDS, encoding="utf-8")
    found = located(path)
    for item in [("PERSON", 0, "P-6", "DUPONT JEAN PIERRE"),
                 ("DATE_OF_BIRTH", 0, "P-8", "19500101"),
                 ("FR_POSTAL_CODE", 0, "P-11.4", "75002"),
                 ("PHONE_NUMBER", 0, "P-13", "06 12 34 56 78"),
                 ("FR_NIR", 0, "P-5", "185057800608491"),      # classified from its value
                 ("PERSON", 0, "P-14", "MARTIN PAUL"),
                 ("PHONE_NUMBER", 0, "C-4", "06 98 76 54 32"),   # free text
                 ("PERSON", 1, "P-6", "BERNARD LUC")]:
        assert item in found


# -- sniffing and errors -------------------------------------------------------------------------

@pytest.mark.parametrize("head, name, picked", [
    (b"****LAB****\nRES|GLU|GLU|N|1|g/L\n****FIN****\n", "resultat.txt", "hprim"),
    (b"RES|GLUCOSE|GLU|N|5.2|mmol/L|3.5|6.5|N|\n", "r.txt", "hprim"),
    (b"H|~^\\&|||LBM\rP|1\rL|1\r", "noext", "hprim"),               # HPRIM Santé 2.x
    (b"X1\nDUPONT\nJEAN\n\n\n75001 PARIS\n01/01/1950\nTexte\n****FIN****\n", "a.txt", "hprim"),
    (b"just a note\n", "compte_rendu.hpr", "hprim"),                 # suffix
    (b"just a note\n", "compte_rendu.hpm2", "hprim"),
    (b"just a note\n", "a.txt", "text"),
    (b"MSH|^~\\&|A\r", "a.hpr", "hl7v2"),                            # HL7 content wins
])
def test_pick_reader(head, name, picked):
    reader = pick_reader(head, name, Config())
    assert reader is not None and reader.name == picked


def test_binary_with_hprim_suffix(tmp_path):
    path = tmp_path / "x.hpr"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ReadError, match="binary content, not text"):
        list(HprimReader().read(source_of(path), {}))
    [issue] = sentinelle.scan([path]).issues
    assert (issue.kind, issue.reader) == ("error", "hprim")


def test_records_after_blank_lines(tmp_path):
    # the flavour is told by the first non-blank line
    path = tmp_path / "r.hpr"
    path.write_text("\r\n\r\nH|~^\\&|||LBM\r\nP|1|IPP1|||DUPONT^JEAN||19500101\r\nL|1\r\n",
                    encoding="utf-8")
    tables, texts, _ = read(path)
    assert texts == []
    assert tables[1][2] == {"P-2": "1", "P-3": "IPP1", "P-6": "DUPONT JEAN", "P-8": "19500101"}
