"""Session 13 fault list of ``sentinelle redact``:

1. the residual-risk report gave the k-anonymity of a file that was not written (it failed
   half-way: its records had been counted), and did not say which files were left out;
2. the re-scan of the output counted the run's own replacements (a ``medical_record_number_...``
   pseudonym read again as a record number under its ``NUM_DOSSIER`` header) as ``other``;
3. HL7 v2: the echo replacement (a replaced value replaced again where the message repeats it)
   rewrote the surname ``Pompe`` inside the OBR-4 test name ``Pompe Disease newborn screening
   panel`` (LOINC 63414-7, as written in the CDC trusted-intermediary samples of
   ../shared/corpus/hl7v2/cdc_trusted_intermediary/CA/002_CA_ORU_R01.hl7);
4. with ``entities`` / ``min_score`` filters, the output file names kept the personal data of
   the other entities (``CR_DUPONTEL_Mireille_<NIR>.txt`` with ``entities = ["FR_NIR"]``).

Review of the session 13 changes:

* HL7 v2 echoes were skipped in OBR-4, OBX-3 and coded OBX-5 whatever their coding system: the
  name and patient number stayed in a local test name ``L123^Bilan Dupontel Mireille
  654321^L``; only a standard system (LN, SCT, ICD, UCUM, HL7 tables) makes a code left now;
* an echo was replaced in its exact case only (``DUPONTEL``, ``dupontel`` were left beside a
  replaced ``Dupontel``): now whatever its case and accents, whole words;
* ``anonymity.not_counted`` had the position inside the reason and repeated "file not written".

Synthetic data only: made-up names, a NIR body with its key computed by the INSEE rule
(key = 97 - body mod 97), ARCEP fiction phone block 06 39 98.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.readers.hl7v2 import Delimiters
from sentinelle.redact.writers.hl7v2 import replace_echoes
from tests.redact.conftest import KEY

# -- 1. k-anonymity of the files written only -------------------------------------------------

#: six records, one per birth year (1950-1955), postcodes 69001-69006 (Lyon), all women
GOOD = "nom;date_naissance;code_postal;sexe\n" + "".join(
    f"MARTIN;12/03/19{50 + i};6900{i + 1};F\n" for i in range(6))
#: the same six records, then a cell whose quote never closes (the reader's ReadError comes
#: after the six records were redacted: the file is not written)
BAD = GOOD + 'DURAND;"01/01/1960;75001;H\nLEROY;02/02/1961;75002;H\n'


def test_k_anonymity_counts_written_files_only(do_redact):
    from rich.console import Console

    from sentinelle.redact.summary import print_summary, report_dict

    out, result = do_redact({"good.csv": GOOD, "bad.csv": BAD,
                             "notes.bin": b"\x00\x01\x02binary" * 10})
    status = {f.path: f.status for f in result.files}
    assert status == {"good.csv": "written", "bad.csv": "error", "notes.bin": "skipped"}
    a = result.risk.anonymity
    # only the written table, with its six records (the failed file's six are not counted)
    assert [(t.table, t.rows) for t in a.tables] == [("good.csv", 6)]
    # the position apart from the reason, as outputs[] gives them (review item 9)
    assert [(n.path, n.status, n.position) for n in a.not_counted] == [
        ("bad.csv", "error", "line 8"), ("notes.bin", "skipped", None)]
    why = {n.path: n.reason for n in a.not_counted}
    assert why["bad.csv"].startswith("unbalanced quote")
    # "not written" is said once, by the list itself
    assert "not written" not in why["bad.csv"]
    assert why["notes.bin"] == "unsupported format"
    doc = report_dict(result)["anonymity"]
    assert [t["table"] for t in doc["tables"]] == ["good.csv"]
    assert [(n["path"], n["status"], n["position"]) for n in doc["not_counted"]] == [
        ("bad.csv", "error", "line 8"), ("notes.bin", "skipped", None)]
    assert doc["not_counted"][1]["reason"] == "unsupported format"
    # outputs[] is unchanged: its own position and the full reason
    bad = next(o for o in report_dict(result)["outputs"] if o["path"] == "bad.csv")
    assert bad["position"] == "line 8" and bad["reason"].endswith("; file not written")
    buf = io.StringIO()
    print_summary(result, Console(file=buf, width=400))
    text = buf.getvalue()
    assert "bad.csv: k-anonymity" not in text
    assert ("k-anonymity counted on the written files only; not counted, 2 files not written: "
            "bad.csv (error at line 8: unbalanced quote") in text
    assert "notes.bin (skipped: unsupported format)" in text
    line = next(l for l in text.splitlines() if "k-anonymity counted on the written" in l)
    assert "file not written" not in line


#: three pairs of records that share birth year (1950, 1951, 1952) and department (69) once
#: ``share`` has written them (year, ``69***``): k-anonymity 2 as written
PAIRS = "nom;date_naissance;code_postal;sexe\n" + "".join(
    f"MARTIN;12/03/19{50 + i // 2};6900{i + 1};F\n" for i in range(6))


def test_k_target_is_planned_on_written_files_only(do_redact):
    # --k 2: the written table already has k=2, so nothing is generalised further; the six
    # records of the failed file (one per year) would have made the plan go to decades
    out, result = do_redact({"pairs.csv": PAIRS, "bad.csv": BAD}, k=2)
    a = result.risk.anonymity
    assert [(t.table, t.rows, t.k) for t in a.tables] == [("pairs.csv", 6, 2)]
    assert result.levels == {} and result.passes == 1


def test_qi_sink_rollback(tmp_path: Path):
    from sentinelle.redact.engine import QiSink

    sink = QiSink(tmp_path)
    row = {"dob": "1950", "postcode": "69***", "sex": "F", "age": None, "sensitive": None}
    sink.add("a.csv", ("a.csv", None, 0), row)
    mark = sink.mark()
    sink.add("b.csv", ("b.csv", None, 0), row)
    sink.add("b.csv", ("b.csv", None, 1), row)
    sink.rollback(mark)
    sink.add("c.csv", ("c.csv", None, 0), row)
    sink.close()
    lines = sink.path.read_text("utf-8").splitlines()
    assert [l.split("\t")[0] for l in lines] == ["tbl", "a.csv", "c.csv"]
    assert sink.rows == 2


# -- 2. the run's own replacements found again -------------------------------------------------

#: a table as the synthetic leak writes it (``sentinelle synth``: NUM_DOSSIER D-000001...)
RECORDS = ("NUM_DOSSIER;NOM_PATIENT;PRENOM\n"
           "D-000001;Daucourt;Joseph\nD-000002;Chebeaux;Alain\nD-000003;Lemarchal;Irène\n")


def test_own_pseudonyms_are_not_other(do_redact):
    from sentinelle.redact.summary import rescan_line

    out, result = do_redact({"dossiers.csv": RECORDS}, policy="research")
    written = (out / "dossiers.csv").read_text("utf-8")
    assert "D-00000" not in written and "medical_record_number_" in written
    risk = result.risk
    # the pseudonyms sit under NUM_DOSSIER: those read again as record numbers (how many
    # depends on the detector's view of a token) are all ours, none "other"
    n = risk.by_entity.get("MEDICAL_RECORD_NUMBER", 0)
    assert n >= 1 and risk.ours == {"MEDICAL_RECORD_NUMBER": n}
    assert risk.unexplained_count == 0 and risk.leak_count == 0
    line = rescan_line(risk, 1)
    assert f"MEDICAL_RECORD_NUMBER {n} replacements written by this run" in line
    assert " other" not in line


def test_an_original_left_is_still_a_leak(tmp_path: Path):
    """The leak test comes before the "ours" test: an original value written back into the
    output (as a bad writer would leave it) is a leak, beside the pseudonyms that are ours."""
    from sentinelle.redact import _build_run
    from sentinelle.redact.engine import plan, redact_file
    from sentinelle.redact.policy import load_policy
    from sentinelle.redact.risk import assess

    src = tmp_path / "in"
    src.mkdir()
    (src / "dossiers.csv").write_text(RECORDS, encoding="utf-8")
    out = tmp_path / "out"
    config = Config()
    run = _build_run(config, load_policy("research"), KEY)
    planned, _ = plan([src], out, config)
    res = redact_file(planned[0], out, run)
    assert res.status == "written"
    target = out / "dossiers.csv"
    target.write_text(target.read_text("utf-8") + "D-000002;;\n", encoding="utf-8")
    risk = assess(out, [res], run, None, None)
    assert risk.leak_count == 1 and risk.leaks[0].entity == "MEDICAL_RECORD_NUMBER"
    assert risk.ours.get("MEDICAL_RECORD_NUMBER", 0) >= 1 and risk.unexplained_count == 0


@pytest.mark.parametrize("written, text, expected", [
    # a value written as it is, whitespace aside
    (["person_abc"], "person_abc", True),
    (["person_abc"], "  person_abc\n", True),
    # two replacements side by side (an HL7 family and given name read back as one name)
    (["PERONNARD", "Christa"], "PERONNARD Christa", True),
    # one word of ours beside one that is not: not ours
    (["person_abc"], "person_abc MARTIN", False),
    # a part of a replacement is not the replacement
    (["medical_record_number_abc"], "abc", False),
    (["person_abc"], "MARTIN", False),
    (["person_abc"], "", False),
])
def test_operators_wrote(written, text, expected):
    from sentinelle.redact.operators import Operators, written_form
    from sentinelle.redact.policy import load_policy

    ops = Operators(load_policy("share"), KEY)
    ops.written.update(written_form(w) for w in written)
    assert ops.wrote(text) is expected


@pytest.fixture(scope="module")
def research_run():
    from sentinelle.redact import _build_run
    from sentinelle.redact.policy import load_policy

    return _build_run(Config(), load_policy("research"), KEY)


@pytest.mark.parametrize("value, expected", [
    # an HL7 v2 address read back as the reader renders it (components joined by ", "): our
    # labels and the country code XAD-6, kept as written (writers/hl7v2.py)
    ("<STREET_ADDRESS>, <STREET_ADDRESS>, <STREET_ADDRESS>, USA", True),
    # the same with a real street left beside a label: not ours
    ("<STREET_ADDRESS>, 12 rue de la Paix", False),
    # nothing of ours in it
    ("12 rue de la Paix, Lyon", False),
])
def test_ours_with_kept_parts(research_run, value, expected):
    from sentinelle.redact.risk import _ours
    from sentinelle.redact.scope import ScopedPipeline

    ops = research_run.operators
    ops.written.add("<STREET_ADDRESS>")
    assert _ours(value, ops, ScopedPipeline(research_run.pipeline.detectors, Config())) \
        is expected


def test_apply_records_replacements_not_kept_values():
    from sentinelle.redact.operators import Operators, Target
    from sentinelle.redact.policy import load_policy

    ops = Operators(load_policy("research"), KEY)
    token = ops.apply(Target("PERSON", "Daucourt", "Daucourt"))
    kept = ops.apply(Target("HEALTH_CONDITION", "asthme", "asthme"))  # research keeps it
    assert kept == "asthme" and ops.wrote(token) and not ops.wrote("asthme")


# -- 3. HL7 v2 echoes: never in coded fields ---------------------------------------------------

D = Delimiters("|", "^", "~", "\\", "&")
POMPE = [("Pompe", "person_x")]


@pytest.mark.parametrize("line, replaced, expected", [
    # OBR-4, universal service identifier: a code and its text (CDC sample 002_CA_ORU_R01)
    ("OBR|16|^FormNumber||63414-7^Pompe Disease newborn screening panel^LN", POMPE,
     "OBR|16|^FormNumber||63414-7^Pompe Disease newborn screening panel^LN"),
    # the same written without its coding system (LOINC implied): still coded
    ("OBR|16|^FormNumber||63414-7^Pompe Disease newborn screening panel", POMPE,
     "OBR|16|^FormNumber||63414-7^Pompe Disease newborn screening panel"),
    # OBX-3 (observation identifier) and OBX-6 (units) of a standard system (LN, UCUM): left
    ("OBX|1|NM|2345-7^Pompe^LN|1|12|mg/dL^Pompe^UCUM", POMPE,
     "OBX|1|NM|2345-7^Pompe^LN|1|12|mg/dL^Pompe^UCUM"),
    # the same with a local code (L) and units of no system: the sender's own words, replaced
    # (review: they were left whatever the system; the units' code as a whole component)
    ("OBX|1|NM|GAA^Pompe^L|1|12|Pompe", POMPE, "OBX|1|NM|GAA^person_x^L|1|12|person_x"),
    # a coded OBX-5 (OBX-2 CE) is a code and its text: left
    ("OBX|1|CE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN", POMPE,
     "OBX|1|CE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN"),
    # a numeric OBX-5 (OBX-2 NM) is a measurement: left
    ("OBX|1|NM|GLU^Glucose^L|1|1985|mg/dL", [("1985", "1980")],
     "OBX|1|NM|GLU^Glucose^L|1|1985|mg/dL"),
    # a text OBX-5 (TX): the whole word is replaced, not a longer word holding it
    ("OBX|2|TX|57724-7^Narrative^LN|1|Mme Pompe, Pompeii exclu", POMPE,
     "OBX|2|TX|57724-7^Narrative^LN|1|Mme person_x, Pompeii exclu"),
    # NTE-3, a comment (FT): whole word
    ("NTE|1||Appel de Mme Pompe", POMPE, "NTE|1||Appel de Mme person_x"),
    # a typed field (NK1-2, XPN): only a whole component
    ("NK1|1|Pompe^Jean|MTH^Mother^HL70063", POMPE, "NK1|1|person_x^Jean|MTH^Mother^HL70063"),
    # a typed field (PID-11, XAD): a word inside a component is left
    ("PID|1||||||||||12 rue Pompe^^Lyon", POMPE, "PID|1||||||||||12 rue Pompe^^Lyon"),
    # a code table field (NK1-3, relationship, HL7 table 0063): left
    ("NK1|1||MTH^Mother^HL70063", [("Mother", "X")], "NK1|1||MTH^Mother^HL70063"),
    # a patient number (PID-3, already replaced) repeated as a whole field (PID-18) is
    # replaced; inside a longer component (PID-4) it is not
    ("PID|1||ID_X^^^LAB^PI|654321-B||||||||||||||654321", [("654321", "ID_X")],
     "PID|1||ID_X^^^LAB^PI|654321-B||||||||||||||ID_X"),
])
def test_echoes_skip_coded_fields(line, replaced, expected):
    new, _n = replace_echoes(line, line[:3], D, replaced)
    assert new == expected


def test_hl7_redaction_keeps_the_test_name(do_redact):
    message = "\r".join([
        "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ORU^R01|1|P|2.5.1",
        "PID|1||654321^^^LAB^PI||Pompe^Jeanne||19850312|F",
        "OBR|1|ABC888^FormNumber||63414-7^Pompe Disease newborn screening panel^LN",
        "OBX|1|CE|57719-7^Conditions tested^LN|1|LA14037-8^Pompe^LN|||N|||F",
        "NTE|1||Appel de Mme Pompe",
        "",
    ])
    out, result = do_redact({"oru.hl7": message}, policy="research")
    assert [f.status for f in result.files] == ["written"]
    lines = (out / "oru.hl7").read_bytes().decode("utf-8").split("\r")
    assert lines[2] == "OBR|1|ABC888^FormNumber||63414-7^Pompe Disease newborn screening panel^LN"
    assert lines[3] == "OBX|1|CE|57719-7^Conditions tested^LN|1|LA14037-8^Pompe^LN|||N|||F"
    assert "Pompe" not in lines[1] and "Pompe" not in lines[4]
    assert lines[4].startswith("NTE|1||Appel de Mme person_")


# -- review of session 13: echoes in local codes, whatever the case -------------------------

#: what the brief's message replaced (PID-5 family and given name, PID-3 patient number)
DUPONTEL = [("Dupontel", "person_a"), ("Mireille", "person_b"), ("654321", "mrn_c")]


@pytest.mark.parametrize("line, replaced, expected", [
    # OBR-4 of a local code (L): its text is the sender's own words, every word replaced
    ("OBR|1|ABC888^FormNumber||L123^Bilan Dupontel Mireille 654321^L", DUPONTEL,
     "OBR|1|ABC888^FormNumber||L123^Bilan person_a person_b mrn_c^L"),
    # OBR-4 of no coding system, its code no LOINC code: the same
    ("OBR|1|ABC888^FormNumber||L123^Bilan Dupontel", DUPONTEL,
     "OBR|1|ABC888^FormNumber||L123^Bilan person_a"),
    # a LOINC-shaped code whose check digit is wrong (63414-7 is right) is no implied LOINC
    ("OBR|16|^FormNumber||63414-8^Pompe Disease newborn screening panel", POMPE,
     "OBR|16|^FormNumber||63414-8^person_x Disease newborn screening panel"),
    # OBX-3 local code
    ("OBX|1|ST|X1^Dupontel^L|1|Normal", DUPONTEL, "OBX|1|ST|X1^person_a^L|1|Normal"),
    # a coded OBX-5 (CWE) of a local code, and of a 99zzz local system (table 0396)
    ("OBX|3|CWE|57719-7^Conditions^LN|1|LA1^Dupontel^L", DUPONTEL,
     "OBX|3|CWE|57719-7^Conditions^LN|1|LA1^person_a^L"),
    ("OBX|3|CWE|57719-7^Conditions^LN|1|C1^Vu par Dupontel^99LAB", DUPONTEL,
     "OBX|3|CWE|57719-7^Conditions^LN|1|C1^Vu par person_a^99LAB"),
    # a standard code (LN) with a local alternate (L): the LOINC text left, the local one not
    ("OBX|3|CWE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN^P1^Pompe^L", POMPE,
     "OBX|3|CWE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN^P1^person_x^L"),
    # CWE-9, the original text (as the sender wrote it before coding): free text
    ("OBX|3|CWE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN^^^^^^Pompe vu", POMPE,
     "OBX|3|CWE|57719-7^Conditions^LN|1|LA14037-8^Pompe^LN^^^^^^person_x vu"),
    # a local code's code written as the patient number: a whole component, replaced
    ("OBX|3|CWE|57719-7^Conditions^LN|1|654321^Dossier^L", DUPONTEL,
     "OBX|3|CWE|57719-7^Conditions^LN|1|mrn_c^Dossier^L"),
    # NK1-3, a code table field: the HL7 table repetition left, the local one's text replaced
    ("NK1|1||MTH^Mother^HL70063~SPO^Gerard Dupontel^L", DUPONTEL,
     "NK1|1||MTH^Mother^HL70063~SPO^Gerard person_a^L"),
    # an OBX-5 of a user-defined table (IS) is the sender's own: a whole field
    ("OBX|1|IS|X^Y^L|1|Dupontel", DUPONTEL, "OBX|1|IS|X^Y^L|1|person_a"),
    # an HL7-defined table value (ID) is a code: left
    ("OBX|1|ID|X^Y^L|1|Dupontel", DUPONTEL, "OBX|1|ID|X^Y^L|1|Dupontel"),
    # case: every spelling of the name in a text OBX-5, whole words only
    ("OBX|4|ST|N1^Note^L|1|Dupontel-Martin vue, DUPONTEL vue, dupontel vue, Dupontelle", DUPONTEL,
     "OBX|4|ST|N1^Note^L|1|person_a-Martin vue, person_a vue, person_a vue, Dupontelle"),
    # accents: an accent added or dropped, in either the original or the echo
    ("NTE|1||Mme DUPONTÉL et Mme Dupontèl", DUPONTEL, "NTE|1||Mme person_a et Mme person_a"),
    ("NTE|1||HELENE, Helene, hélène, Hélènette", [("Hélène", "person_h")],
     "NTE|1||person_h, person_h, person_h, Hélènette"),
    # a typed field (XPN): the whole component, whatever its case
    ("NK1|1|DUPONTEL^Jean", DUPONTEL, "NK1|1|person_a^Jean"),
    # a local coding system's name (OBX-3 component 3, as in the CDC sample
    # ../shared/corpus/hl7v2/cdc_trusted_intermediary/Epic/002_Epic_ORU_R01.hl7) is no echo of
    # a "Mayo" found in a note ("Mayo Clinic"); the local text beside it is
    ("OBX|1|ST|21838^Factor V Leiden^MAYO||Negative", [("Mayo", "person_m")],
     "OBX|1|ST|21838^Factor V Leiden^MAYO||Negative"),
    ("OBX|1|ST|21838^Avis Mayo^MAYO||Negative", [("Mayo", "person_m")],
     "OBX|1|ST|21838^Avis person_m^MAYO||Negative"),
    # a local code's text in an untyped field (ZBE-2 of a Z-segment): whole words
    ("ZBE|1|C9^Bilan dupontel^L", DUPONTEL, "ZBE|1|C9^Bilan person_a^L"),
])
def test_echoes_in_local_codes_any_case(line, replaced, expected):
    new, _n = replace_echoes(line, line[:3], D, replaced)
    assert new == expected


@pytest.mark.parametrize("text, expected", [
    ("Dupontel", "dupontel"),
    ("DUPONTÉL", "dupontel"),
    ("Hélène Œdipe", "helene œdipe"),   # Œ lowered, kept one letter (same length)
    ("İstanbul", "istanbul"),           # dotted capital I: its base letter, one character
    ("Straße", "straße"),               # ß kept: casefold would make it two letters
    ("ДЮПОН", "ДЮПОН"),                 # other scripts as written
])
def test_fold(text, expected):
    from sentinelle.redact.writers.hl7v2 import fold

    assert fold(text) == expected and len(fold(text)) == len(text)


def test_hl7_redaction_replaces_echoes_in_local_codes(do_redact):
    """The review's message: the name and patient number of PID written again in a local
    OBR-4 test name, a local OBX-3, a local coded OBX-5 and a note in three cases; beside a
    standard code whose text holds the surname of another patient (Pompe), left."""
    message = "\r".join([
        "MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ORU^R01|1|P|2.5.1",
        "PID|1||654321^^^LAB^PI||Dupontel^Mireille||19850312|F",
        "OBR|1|ABC888^FormNumber||L123^Bilan Dupontel Mireille 654321^L",
        "OBX|1|ST|X1^Dupontel^L|1|Normal||||||F",
        "OBX|2|CWE|63414-7^Pompe Disease^LN|1|LA14037-8^Pompe^LN||||||F",
        "OBX|3|CWE|57719-7^Conditions^LN|1|LA1^Dupontel^L||||||F",
        "OBX|4|ST|N1^Note^L|1|Dupontel-Martin vue, DUPONTEL vue, dupontel vue||||||F",
        "",
    ])
    out, result = do_redact({"oru.hl7": message}, policy="share")
    assert [f.status for f in result.files] == ["written"]
    lines = (out / "oru.hl7").read_bytes().decode("utf-8").split("\r")
    pid = lines[1].split("|")
    number = pid[3].split("^")[0]
    family, given = pid[5].split("^")[:2]
    assert number.startswith("medical_record_number_") and family.startswith("person_")
    assert lines[2] == f"OBR|1|ABC888^FormNumber||L123^Bilan {family} {given} {number}^L"
    assert lines[3] == f"OBX|1|ST|X1^{family}^L|1|Normal||||||F"
    assert lines[4] == "OBX|2|CWE|63414-7^Pompe Disease^LN|1|LA14037-8^Pompe^LN||||||F"
    assert lines[5] == f"OBX|3|CWE|57719-7^Conditions^LN|1|LA1^{family}^L||||||F"
    assert lines[6] == (f"OBX|4|ST|N1^Note^L|1|{family}-Martin vue, {family} vue, {family} vue"
                        "||||||F")
    written = "\n".join(lines).lower()
    assert "dupontel" not in written and "mireille" not in written and "654321" not in written
    assert result.risk.leak_count == 0


@pytest.mark.parametrize("reason, expected", [
    # the writer's and the reader's endings: "not written" is what the list says already
    ("a finding could not be placed back in the output: file not written",
     "a finding could not be placed back in the output"),
    ("unbalanced quote in a cell; file not written", "unbalanced quote in a cell"),
    ("PDF files cannot be written back: not copied", "PDF files cannot be written back"),
    # the JSON reader's remark on the rest of the file: not so for a file not written
    ("invalid JSON: Expecting value (the other lines were read); file not written",
     "invalid JSON: Expecting value"),
    ("invalid JSON: Expecting ',' delimiter; 2 bad lines (the other lines were read); "
     "file not written", "invalid JSON: Expecting ',' delimiter; 2 bad lines"),
    ("invalid JSON: Expecting value (the records before it were read); file not written",
     "invalid JSON: Expecting value"),
    ("permission denied", "permission denied"),
])
def test_not_written_reason(reason, expected):
    from sentinelle.redact import not_written_reason

    assert not_written_reason(reason) == expected


def test_not_counted_of_a_cut_json_file(do_redact):
    from sentinelle.redact.summary import report_dict

    # the second line of an NDJSON file cut after its key (column 26: where the value is due)
    cut = ('{"nom": "MARTIN", "ddn": "12/03/1950"}\n{"nom": "DURAND", "ddn": \n'
           '{"nom": "LEROY", "ddn": "01/01/1960"}\n')
    out, result = do_redact({"a.jsonl": cut})
    [n] = report_dict(result)["anonymity"]["not_counted"]
    assert n == {"path": "a.jsonl", "status": "error", "position": "line 2 column 26",
                 "reason": "invalid JSON: Expecting value"}


# -- 4. file names whatever the filters ---------------------------------------------------------

BODY = "2951099126111"
NIR = BODY + f"{97 - int(BODY) % 97:02d}"  # INSEE key rule


@pytest.mark.parametrize("config", [
    Config(),  # no filter: the reference
    Config(entities=("FR_NIR",)),  # the name's person was left (PERSON not chosen)
    Config(entities=("PHONE_NUMBER",)),  # the NIR itself was left
    Config(min_score=0.95),  # names score below 0.95
])
def test_output_names_never_carry_identifiers(do_redact, config):
    from sentinelle.redact.summary import report_dict

    name = f"CR_DUPONTEL_Mireille_{NIR}.txt"
    out, result = do_redact({name: f"Compte rendu. NIR {NIR}. Tel 06 39 98 12 34.\n"},
                            policy="research", config=config)
    [f] = result.files
    assert f.status == "written"
    for raw in ("DUPONTEL", "Mireille", BODY):
        assert raw not in f.path
        assert all(raw not in p.name for p in out.rglob("*"))
        assert all(raw not in o["path"] for o in report_dict(result)["outputs"])
    assert f.path.startswith("CR_person_") and f.path.endswith(".txt")
    assert result.risk.leak_count == 0
