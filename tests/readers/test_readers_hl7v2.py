"""Hl7v2Reader: corpus messages located field by field, delimiters, escapes, line ends, batches,
errors, and hints that really classify.

Corpus files: ../shared/corpus/hl7v2/cdc_trusted_intermediary (CDC trusted-intermediary samples,
CC0; test patients). Expected values were read by hand in the files (quoted in comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.hl7v2 import (FIELDS, OBX_VALUE_TYPES, RENDERERS, Delimiters, Hl7v2Reader,
                                      unescape)
from tests.conftest import shared_dir


CDC = shared_dir() / "corpus" / "hl7v2" / "cdc_trusted_intermediary"
# CA/002_CA_ORU_R01.hl7, LF line ends; by hand:
#   PID|1||^^^NPI^MR||Smith^John^^^^^B||202202050000|||2106-3^White|...
#   NK1|1|Smith^Sarah|MTH^Mother|850 Marina Bay Parkway, APT 125^^Richmond^CA^94806-4000^USA|
#       ^^^^^916^3720117|^^^^^916^3729999||||||||||199107010000
#   ORC|RE|^FormNumber||^HospOrdNumber||||||||^CORTEZ^ALAN^^^^^^^NPI|...
#   OBR|1|^FormNumber||54089-8^NB Screen Panel Patient AHIC|||202202070000|||||||||^James^Smith|...
ORU = CDC / "CA" / "002_CA_ORU_R01.hl7"
# Other/001_ADT_A01.hl7 (the HL7 v2.8 standard's ADT example):
#   PID|1||PATID1234^5^M11^ADT1^MR^GOOD HEALTH HOSPITAL~123456789^^^USSSA^SS||DOGCOW^CLARUS^M^III||
#       19610615173619|M||2028-9^Asian^HL70005|2222 HOME STREET^^GREENSBORO^NC^27401-1020|GL|
#       (555) 555-2004|(555)555-2004||S||PATID12345001^2^M10^ADT1^AN^A|444333333|987654^NC|...
#   NK1|1|NUCLEAR^NELDA^W|SPO^SPOUSE||^^^^1^555^8675309||NK^NEXT OF KIN
#   PV1|1|I|2000^2012^01||||004777^ATTEND^AARON^A|||SUR||||ADM|A0|
ADT = CDC / "Other" / "001_ADT_A01.hl7"


def source_of(path: Path, display: str | None = None) -> Source:
    return Source(display or path.name, path.stat().st_size, lambda: path.open("rb"), path)


def units_of(path: Path, **kw) -> list[tuple[int, str, dict[str, str], dict[str, str | None]]]:
    """(row, sheet, {column: cell}, {column: hint}) for every unit of ``path``."""
    out = []
    for unit in Hl7v2Reader(**kw).read(source_of(path), {}):
        assert isinstance(unit, TableUnit)
        [batch] = list(unit.batches)
        assert batch.n_rows == 1
        cells = {h: col[0] for h, col in zip(unit.header, batch.columns)}
        out.append((batch.first_row, unit.location.sheet, cells, dict(zip(unit.header, unit.hints))))
    return out


def unit_at(units, row: int, sheet: str) -> dict[str, str]:
    [cells] = [c for r, s, c, _ in units if r == row and s == sheet]
    return cells


def write(tmp_path: Path, text: str, name: str = "msg.hl7", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- the corpus: who is where ---------------------------------------------------------------

@pytest.mark.parametrize("entity, row, sheet, column, value", [
    ("PERSON", 0, "PID[1]", "PID-5", "Smith John"),             # XPN components 1-3
    ("DATE_OF_BIRTH", 0, "PID[1]", "PID-7", "202202050000"),    # DTM, hinted date_de_naissance
    ("PERSON", 0, "NK1[1]", "NK1-2", "Smith Sarah"),            # next of kin (the mother)
    ("DATE_OF_BIRTH", 0, "NK1[1]", "NK1-16", "199107010000"),   # the mother's birth date
    ("PERSON", 0, "ORC[1]", "ORC-12", "CORTEZ ALAN"),           # ordering provider, XCN 2-4
    ("PERSON", 0, "OBR[1]", "OBR-16", "James Smith"),           # ordering provider on OBR
    ("STREET_ADDRESS", 0, "NK1[1]", "NK1-4",                     # XAD without its postcode
     "850 Marina Bay Parkway, APT 125, Richmond, CA, USA"),
])
def test_corpus_oru_people_located(entity, row, sheet, column, value):
    result = sentinelle.scan([ORU], entities=[entity])
    assert not result.issues
    hits = {(f.entity_type, f.location.row, f.location.sheet, f.location.column, f.value)
            for f in result.findings}
    assert (entity, row, sheet, column, value) in hits


def test_corpus_adt_cells_and_hints():
    units = units_of(ADT)
    pid = unit_at(units, 0, "PID[1]")
    # CX identifier list: one column per repetition (PATID1234 type MR, 123456789 type SS)
    assert (pid["PID-3[1]"], pid["PID-3[2]"]) == ("PATID1234", "123456789")
    assert "PID-3" not in pid
    assert pid["PID-5"] == "DOGCOW CLARUS M"         # suffix III and type code left out
    assert pid["PID-7"] == "19610615173619"
    assert pid["PID-11"] == "2222 HOME STREET, GREENSBORO, NC"
    assert pid["PID-11.5"] == "27401-1020"           # the postcode in its own column
    assert pid["PID-13"] == "(555) 555-2004"
    assert pid["PID-19"] == "444333333"
    hints = {s: h for r, s, _, h in units}["PID[1]"]
    assert (hints["PID-5"], hints["PID-7"], hints["PID-11"], hints["PID-11.5"], hints["PID-13"],
            hints["PID-19"]) == ("nom_patient", "date_de_naissance", "adresse", "code_postal",
                                 "telephone", "social_security")
    # each repetition after its own identifier type: MR the hospital's number, SS a NIR
    assert (hints["PID-3[1]"], hints["PID-3[2]"]) == ("ipp", "nir")
    nk1 = unit_at(units, 0, "NK1[1]")
    assert nk1["NK1-2"] == "NUCLEAR NELDA W"
    assert nk1["NK1-5"] == "+1 555 8675309"          # XTN built from components 5-7
    pv1 = unit_at(units, 0, "PV1[1]")
    assert (pv1["PV1-7"], pv1["PV1-7.1"]) == ("ATTEND AARON A", "004777")
    msh = unit_at(units, 0, "MSH[1]")
    assert "MSH-1" not in msh and "MSH-2" not in msh  # the delimiters are not data
    assert msh["MSH-7"] == "198808181126" and msh["MSH-9"] == "ADT A01 ADT_A01"


def test_corpus_scan_no_errors_and_reader():
    result = sentinelle.scan([CDC / "Test" / "Message"], entities=["PERSON"])
    assert not [i for i in result.issues if i.kind == "error"]
    readers = {Path(f.path).name: f.reader for f in result.files}
    assert readers["msh_present_but_missing_msh-2.hl7"] == "hl7v2"
    assert readers["msh_present_but_missing_all_fields.hl7"] == "hl7v2"


def test_corpus_missing_msh2_splits_nothing():
    # Test/Message/msh_present_but_missing_msh-2.hl7: "MSH||Sender Application^sender.test.com^DNS|"
    # no encoding characters declared: nothing is split further, nothing unescaped
    units = units_of(CDC / "Test" / "Message" / "msh_present_but_missing_msh-2.hl7")
    msh = unit_at(units, 0, "MSH[1]")
    assert msh["MSH-3"] == "Sender Application^sender.test.com^DNS"
    assert msh["MSH-10"] == "111111"


def test_corpus_bare_msh_gives_nothing():
    # Test/Message/msh_present_but_missing_all_fields.hl7 is "MSH|\n"
    assert units_of(CDC / "Test" / "Message" / "msh_present_but_missing_all_fields.hl7") == []


def test_corpus_batch_header_file():
    # Test/Results/005_AL_ORU_R01_NBS_Simplified_0_initial_message.hl7 starts with FHS and BHS:
    #   FHS|^~\&|||0.0.0.0.1|0.0.0.0.1|202106221314-0400
    #   PID|1||ty6vmz^^^...||Walker^Caleb^Elida^V^^^w9tdt9||19280828|...
    units = units_of(CDC / "Test" / "Results" / "005_AL_ORU_R01_NBS_Simplified_0_initial_message.hl7")
    sheets = [s for _, s, _, _ in units]
    assert sheets[:3] == ["FHS[1]", "BHS[1]", "MSH[1]"]
    assert {r for r, _, _, _ in units} == {0}
    assert unit_at(units, 0, "FHS[1]")["FHS-7"] == "202106221314-0400"
    pid = unit_at(units, 0, "PID[1]")
    assert (pid["PID-5"], pid["PID-7"]) == ("Walker Caleb Elida", "19280828")
    # PID-13: ^NET^Internet^gaylord.schumm@email.com~(235)8597464^PRN^PH^^1^235^8597464
    assert pid["PID-13.4"] == "gaylord.schumm@email.com"
    assert pid["PID-13"] == "(235)8597464"


# -- delimiters, escapes, line ends ---------------------------------------------------------

STANDARD = Delimiters("|", "^", "~", "\\", "&")


@pytest.mark.parametrize("raw, expected", [
    ("A\\F\\B", "A|B"),                   # field separator
    ("A\\S\\B", "A^B"),                   # component separator
    ("A\\T\\B", "A&B"),                   # sub-component separator
    ("A\\R\\B", "A~B"),                   # repetition separator
    ("A\\E\\B", "A\\B"),                # escape character itself
    ("\\X4A6F\\", "Jo"),                  # hexadecimal data (ASCII)
    ("\\XC3A9\\", "é"),                   # hexadecimal data, UTF-8 bytes
    ("\\XE9\\", "é"),                     # not UTF-8: Latin-1
    ("ligne 1\\.br\\ligne 2", "ligne 1\nligne 2"),  # formatted text line break
    ("\\H\\DUPONT\\N\\", "DUPONT"),   # highlighting dropped
    ("a\\Zxyz\\b", "ab"),                 # locally defined escape dropped
    ("\\C2842\\abc", "abc"),              # character set switch dropped
    ("fin \\ ouverte", "fin \\ ouverte"),  # no closing escape: kept as written
    ("\\Xzz\\", "\\Xzz\\"),           # malformed hex: kept
    ("sans escape", "sans escape"),
])
def test_unescape(raw, expected):
    assert unescape(raw, STANDARD) == expected


def test_escapes_decoded_after_splitting(tmp_path):
    # \S\ inside a component must not split it; \F\ must not split the field
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5.1\r"
                           "PID|1||||DUPONT\\S\\MARTIN^JEAN||19800101\r"
                           "NTE|1||a\\F\\b\\.br\\c\r")
    units = units_of(path)
    assert unit_at(units, 0, "PID[1]")["PID-5"] == "DUPONT^MARTIN JEAN"
    assert unit_at(units, 0, "NTE[1]")["NTE-3"] == "a|b\nc"


@pytest.mark.parametrize("eol", ["\r", "\n", "\r\n"])  # CR (standard), LF, CRLF
def test_line_ends(tmp_path, eol):
    text = eol.join(["MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5.1",
                     "PID|1||12345^^^H^PI||MARTIN^Zoe^Anne||19870301|F", ""])
    units = units_of(write(tmp_path, text))
    assert [s for _, s, _, _ in units] == ["MSH[1]", "PID[1]"]
    pid = unit_at(units, 0, "PID[1]")
    assert (pid["PID-3"], pid["PID-5"], pid["PID-7"]) == ("12345", "MARTIN Zoe Anne", "19870301")


def test_custom_delimiters_per_message(tmp_path):
    # message 0 declares |^~\&; message 1 declares # as field separator and *%$@ as component,
    # repetition, escape and sub-component characters
    text = ("MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5.1\n"
            "PID|1||111||DOE^JOHN^Q||19700101\n"
            "MSH#*%$@#A#B###20240102##ADT*A01#2#P#2.5.1\n"
            "PID#1##222##ROE*JANE*M%ROE*JEANNE##19710202##x$F$y\n")
    units = units_of(write(tmp_path, text))
    first, second = unit_at(units, 0, "PID[1]"), unit_at(units, 1, "PID[1]")
    assert first["PID-5"] == "DOE JOHN Q"
    assert second["PID-5"] == "ROE JANE M\nROE JEANNE"   # repetition % -> one line each
    assert second["PID-7"] == "19710202"
    assert second["PID-9"] == "x#y"                      # $F$ is the field separator #
    assert unit_at(units, 1, "MSH[1]")["MSH-9"] == "ADT A01"


def test_repetitions_and_subcomponents(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5.1\r"
                           "PID|1||||DE&LA&FONTAINE^JEAN~DUPONT^JEAN\r"
                           "ZPI|1|un^deux&trois~quatre\r")
    units = units_of(path)
    assert unit_at(units, 0, "PID[1]")["PID-5"] == "DE LA FONTAINE JEAN\nDUPONT JEAN"
    assert unit_at(units, 0, "ZPI[1]")["ZPI-2"] == "un deux trois\nquatre"  # Z segment: generic


def test_line_break_inside_a_value_continues_the_segment(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5.1\r\n"
                           "NTE|1||Patiente vue ce jour,\r\nrappeler sa fille\r\n"
                           "PID|1||9||MARTIN^ZOE\r\n")
    units = units_of(path)
    assert unit_at(units, 0, "NTE[1]")["NTE-3"] == "Patiente vue ce jour,\nrappeler sa fille"
    assert unit_at(units, 0, "PID[1]")["PID-5"] == "MARTIN ZOE"


def test_truncated_message_reads_what_is_there(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5.1\rPID|1||42||GARNIER^HEL")
    units = units_of(path)
    assert unit_at(units, 0, "PID[1]") == {"PID-1": "1", "PID-3": "42", "PID-5": "GARNIER HEL"}


def test_batch_rows_and_envelope(tmp_path):
    text = ("FHS|^~\\&|LAB\rBHS|^~\\&|LAB\r"
            "MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5.1\rPID|1||1||UN^A\r"
            "MSH|^~\\&|A|B|||20240101||ADT^A01|2|P|2.5.1\rPID|1||2||DEUX^B\r"
            "BTS|2\rFTS|1\r")
    units = units_of(write(tmp_path, text))
    assert [(r, s) for r, s, _, _ in units] == [
        (0, "FHS[1]"), (0, "BHS[1]"), (0, "MSH[1]"), (0, "PID[1]"),
        (1, "MSH[1]"), (1, "PID[1]"), (1, "BTS[1]"), (1, "FTS[1]")]
    assert unit_at(units, 1, "PID[1]")["PID-5"] == "DEUX B"


def test_obx_value_types(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5.1\r"
                           "OBX|1|NM|718-7^Hémoglobine^LN||13.2|g/dL^^UCUM|12-16|N|||F\r"
                           "OBX|2|XPN|1234^Contact||BERNARD^Luc||||||F\r")
    units = units_of(path)
    result = unit_at(units, 0, "OBX[1]")
    assert result["OBX-3/5/6"] == "Hémoglobine 13.2 g/dL"   # analyte, value and unit together
    assert "OBX-5" not in result and "OBX-3" not in result
    person = unit_at(units, 0, "OBX[2]")
    assert person["OBX-5"] == "BERNARD Luc"                  # OBX-2 says XPN
    hints = {s: h for _, s, _, h in units}
    assert hints["OBX[1]"]["OBX-3/5/6"] == "resultat" and hints["OBX[2]"]["OBX-5"] == "nom"


def test_scan_finds_lab_result_nir_and_email(tmp_path):
    # synthetic INS-NIR 1 85 05 78 006 084, key 97 - (1850578006084 mod 97) = 91
    path = write(tmp_path, "MSH|^~\\&|LAB|LBM|||20240101||ORU^R01|1|P|2.5.1\r"
                           "PID|1||185057800608491^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS"
                           "||MARTIN^Zoé||19850517|F|||||^NET^Internet^zoe.martin@example.org\r"
                           "OBX|1|NM|718-7^Hémoglobine^LN||13.2|g/dL|12-16|N|||F\r")
    found = {(f.entity_type, f.location.sheet, f.location.column, f.value)
             for f in sentinelle.scan([path]).findings}
    assert ("FR_NIR", "PID[1]", "PID-3", "185057800608491") in found
    assert ("EMAIL_ADDRESS", "PID[1]", "PID-13.4", "zoe.martin@example.org") in found
    assert ("LAB_RESULT", "OBX[1]", "OBX-3/5/6", "Hémoglobine 13.2 g/dL") in found
    assert ("PERSON", "PID[1]", "PID-5", "MARTIN Zoé") in found
    assert ("DATE_OF_BIRTH", "PID[1]", "PID-7", "19850517") in found


def test_latin1_message(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.3|||||FRA|8859/1\r"
                           "PID|1||7||LEFÈVRE^HÉLÈNE||19600101\r", encoding="latin-1")
    assert unit_at(units_of(path), 0, "PID[1]")["PID-5"] == "LEFÈVRE HÉLÈNE"


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [
    (b"this is not HL7\nat all\n", "not an HL7 v2 message: the first segment is not MSH, FHS or BHS"),
    (b"PID|1||x\r", "not an HL7 v2 message: the first segment is not MSH, FHS or BHS"),
    (bytes(range(256)) * 8, "binary content, not text"),
])
def test_garbage_with_hl7_suffix_is_one_read_error(tmp_path, content, reason):
    path = tmp_path / "garbage.hl7"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        list(Hl7v2Reader().read(source_of(path), {}))
    assert err.value.reason == reason
    assert "\n" not in str(err.value)
    result = sentinelle.scan([path])
    [issue] = result.issues
    assert (issue.kind, issue.reader, issue.reason) == ("error", "hl7v2", reason)


def test_message_size_limit(tmp_path):
    path = write(tmp_path, "MSH|^~\\&|A\r" + "NTE|1||" + "x" * 500 + "\r")
    with pytest.raises(ReadError, match="HL7 message too large"):
        list(Hl7v2Reader(max_message_chars=100).read(source_of(path), {}))


# -- sniffing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("head, name, picked", [
    (b"MSH|^~\\&|LAB|X\rPID|1\r", "export.txt", "hl7v2"),     # content beats the .txt suffix
    (b"MSH|^~\\&|LAB|X\nPID|1\n", "noext", "hl7v2"),
    (b"\xef\xbb\xbf\r\n  MSH|^~\\&|A\r", "a.dat", "hl7v2"),   # BOM and blank lines first
    (b"FHS|^~\\&|A\rBHS|^~\\&|A\rMSH|^~\\&|A\r", "batch.txt", "hl7v2"),
    (b"BHS|^~\\&|A\r", "b.txt", "hl7v2"),
    (b"not hl7 at all", "x.hl7", "hl7v2"),                     # the suffix: read() reports it
    (b"MSHX|nothing\n", "a.txt", "text"),
    (b"nom|prenom|ddn\nDUPONT|JEAN|01/01/1950\nMARTIN|ZOE|02/02/1960\n", "a.csv",
     "csv"),                                                    # a pipe CSV is not HL7
])
def test_pick_reader(head, name, picked):
    reader = pick_reader(head, name, Config())
    assert reader is not None and reader.name == picked


# -- hints really classify -----------------------------------------------------------------------

# hint -> the detector whose header_pattern must recognise it (None: deliberately no detector)
HINT_DETECTOR = {
    "nom_patient": "person", "nom_jeune_fille": "person", "nom_contact": "person", "nom": "person",
    "nom_assure": "person", "medecin": "person", "medecin_traitant": "person",
    "prescripteur": "person", "redacteur": "person", "signataire": "person",
    "preleveur": "person", "destinataire": "person", "biologiste": "person",
    "date_de_naissance": "date_of_birth", "date_deces": "date_time",
    "telephone": "phone", "email": "email", "code_postal": "fr.postal_code",
    "rpps": "fr.rpps", "nir": "fr.nir", "social_security": "fr.nir",
    "adresse": "street_address", "diagnostic": "health_condition",
    "pathologie": "health_condition", "resultat": "lab_result",
    "identifiant": None,  # identifiers of any kind: classified from their values
    "ipp": "medical_record_number", "nda": "medical_record_number",  # the patient's numbers
}


def _all_hints() -> set[str]:
    hints = {h for _, h in FIELDS.values() if h}
    hints |= {h for _, companions in RENDERERS.values() for h in companions.values()}
    hints |= {h for _, h in OBX_VALUE_TYPES.values() if h}
    return hints | {"nir", "resultat"}


def test_every_hint_is_in_the_table():
    assert _all_hints() <= set(HINT_DETECTOR)


@pytest.mark.parametrize("hint, detector", sorted(HINT_DETECTOR.items()))
def test_hint_matches_its_detector(hint, detector):
    matched = [d.name for d in build() if d.header_matches(fold_header(hint))]
    if detector is None:
        assert matched == []
    else:
        assert detector in matched
        # the first header hit in registry order is the detector asked for, or one that
        # cannot accept the values of this field (a date detector on a name column)
        assert matched[0] == detector or {matched[0], detector} <= {
            "date_of_birth", "date_time", "person"}
