"""Issue 4, "done when": ``sentinelle scan`` on one folder holding a file of every format.

The folder is built at test time, each file by the well-known library that writes its format:
csv (CSV, TSV), json (JSON, NDJSON, FHIR), openpyxl (XLSX), xlwt (XLS), odfpy (ODS, ODT), sqlite3,
pyarrow (Parquet, Feather), fpdf2 (PDF), python-docx (DOCX), email / mailbox (EML, MBOX),
zipfile / tarfile / gzip / py7zr (archives). The MySQL and PostgreSQL dumps are the committed
fixtures of tests/data/sql/ (written by real mysqldump and pg_dump, see their README). Three
formats have no writer library on PyPI and are written here as text, following their
specification: HL7 v2.5.1 ORU^R01 (chapter 2 message construction, chapter 3 PID, chapter 7
OBX), HPRIM Santé 2.2 records (H, P, OBR, OBX, C, L; ASTM E1394 field layout), and RTF (RTF
1.9.1, non-ASCII text escaped with the ``rtfunicode`` codec, as tests/readers/test_readers_rtf.py
does). HTML is hand-written markup.

Each good file holds one synthetic person: a NIR with a valid key (INSEE rule: key = 97 - (first
13 digits mod 97)), a different NIR per file so a finding tells which file it came from, an
e-mail address under example.org (RFC 2606) and a name. The CLI runs once, in a subprocess, as a
user would (``sentinelle scan DIR --no-db --format json --findings F.jsonl``); the tests then
check that each NIR is found with its keyed fingerprint (HMAC-SHA256 under the key that
tests/conftest.py sets, computed here with :class:`sentinelle.privacy.KeyedHasher`) at the place
the format's reader documents (``row``/``column``/``sheet``/``page``, ``a.zip!b/c.csv`` member
paths, HL7 ``PID-3`` in sheet ``PID[1]``, FHIRPath columns, ``msg-N/body`` mail parts, character
offsets in the rendered text of documents), and that each bad file (truncated, binary, bomb,
encrypted member) gives exactly one issue naming it while the scan goes on (README "exit codes":
1 when personal data was found, even with errors elsewhere).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import mailbox
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
import py7zr
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pypdf
import pytest
import rtfunicode  # noqa: F401 - registers the "rtfunicode" codec
import xlwt
from fpdf import FPDF
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import H, P

from sentinelle.privacy import KeyedHasher

BIN = Path(sys.executable).with_name("sentinelle")
SQL_FIXTURES = Path(__file__).parent / "data" / "sql"
KEY = "test-key-not-secret"        # the key tests/conftest.py sets for every test
MiB = 1 << 20


def with_key(first13: str) -> str:
    """The NIR with its key (INSEE rule: 97 - (first 13 digits mod 97); 2A/2B read as 19/18)."""
    digits = first13.replace("2A", "19").replace("2B", "18")
    return f"{first13}{97 - int(digits) % 97:02d}"


def spaced(nir: str) -> str:
    """A NIR as printed on a document: ``2 95 10 99 126 111 93``."""
    return " ".join((nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]))


# The person of each file: (file key, NIR's first 13 digits, family name, given name). The NIR
# keys are computed by the INSEE rule above; `test_with_key` checks it on a published example.
PEOPLE = {
    "csv": ("1600175101201", "MARTIN", "Claire"),
    "tsv": ("2610275102202", "BERNARD", "Lucie"),
    "json": ("1620369103203", "THOMAS", "Julien"),
    "ndjson": ("2630413104204", "PETIT", "Manon"),
    "text": ("1640531105205", "ROBERT", "Hugo"),
    "xlsx": ("2650633106206", "RICHARD", "Chloé"),
    "xls": ("1660759107207", "DURAND", "Louis"),
    "ods": ("2670867108208", "DUBOIS", "Emma"),
    "sqlite": ("1680934109209", "MOREAU", "Lucas"),
    "parquet": ("2691006110210", "LAURENT", "Léa"),
    "feather": ("1701144111211", "SIMON", "Nathan"),
    "hl7": ("2711238112212", "MICHEL", "Camille"),
    "hprim": ("1720176113213", "LEFEBVRE", "Théo"),
    "fhir_bundle": ("2730269114214", "LEROY", "Inès"),
    "fhir_ndjson": ("1740313115215", "ROUX", "Gabriel"),
    "pdf": ("2750431116216", "DAVID", "Jade"),
    "docx": ("1760575117217", "BERTRAND", "Arthur"),
    "odt": ("2770633118218", "MOREL", "Louise"),
    "rtf": ("1780759119219", "FOURNIER", "Raphaël"),
    "html": ("2790867120220", "GIRARD", "Alice"),
    "eml": ("1800975121221", "BONNET", "Adam"),
    "eml_attachment": ("2811013122222", "DUPONT", "Rose"),
    "mbox": ("1821131123223", "LAMBERT", "Paul"),
}
NIRS = {key: with_key(first13) for key, (first13, _, _) in PEOPLE.items()}


def person(key: str) -> tuple[str, str, str, str]:
    """(NIR, family name, given name, e-mail) of a file's person."""
    _, nom, prenom = PEOPLE[key]
    ascii_prenom = unicodedata.normalize("NFKD", prenom).encode("ascii", "ignore").decode()
    email = f"{ascii_prenom.lower()}.{nom.lower()}@example.org"
    return NIRS[key], nom, prenom, email


def sentence(key: str) -> str:
    """The sentence documents hold: name, spaced NIR, e-mail."""
    nir, nom, prenom, email = person(key)
    return f"Patient(e) : {prenom} {nom.title()}, NIR {spaced(nir)}, courriel {email}."


# -- writers: one per format -----------------------------------------------------------------

HEADER = ["nom", "prenom", "nir", "email"]


def row_of(key: str) -> list[str]:
    nir, nom, prenom, email = person(key)
    return [nom, prenom, nir, email]


def delimited_bytes(key: str, delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([HEADER, row_of(key)])
    return out.getvalue().encode("utf-8")


def write_xlsx(path: Path, key: str) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sommaire"
    book.active.append(["Export du laboratoire"])
    sheet = book.create_sheet("Patients")
    sheet.append(HEADER)
    sheet.append(row_of(key))
    book.save(path)


def write_xls(path: Path, key: str) -> None:
    book = xlwt.Workbook()
    book.add_sheet("Sommaire").write(0, 0, "Export du laboratoire")
    sheet = book.add_sheet("Patients")
    for i, row in enumerate([HEADER, row_of(key)]):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.save(str(path))


def write_ods(path: Path, key: str) -> None:
    doc = OpenDocumentSpreadsheet()
    for name, rows in (("Sommaire", [["Export du laboratoire"]]),
                       ("Patients", [HEADER, row_of(key)])):
        table = Table(name=name)
        for values in rows:
            tr = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_sqlite(path: Path, key: str) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE laboratoire (libelle TEXT)")
    con.execute("INSERT INTO laboratoire VALUES ('Biolab')")
    con.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, nom TEXT, prenom TEXT, "
                "nir TEXT, email TEXT)")
    con.execute("INSERT INTO patients (nom, prenom, nir, email) VALUES (?, ?, ?, ?)", row_of(key))
    con.commit()
    con.close()


def arrow_table(key: str) -> pa.Table:
    nom, prenom, nir, email = row_of(key)
    return pa.table({"nom": [nom], "prenom": [prenom], "nir": [nir], "email": [email]})


# HL7 v2.5.1 ORU^R01, written following the standard: segments end with CR (2.6), MSH-2 holds
# the component, repetition, escape and sub-component characters (2.5.4, table 2-1). PID-3 is a
# CX whose assigning authority is the INS-NIR OID (ANS, "Référentiel INS"); PID-5 an XPN;
# PID-13 an XTN whose 4th component is the e-mail address (chapter 2A).
def hl7_bytes(key: str) -> bytes:
    nir, nom, prenom, email = person(key)
    segments = [
        "MSH|^~\\&|SIL|BIOLAB|DPI|CHU|20240102083000||ORU^R01^ORU_R01|MSG0001|P|2.5.1",
        f"PID|1||{nir}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||{nom}^{prenom}||"
        f"19710812|F|||||^NET^Internet^{email}",
        "PV1|1|O",
        "OBR|1|CMD42||GLU^Glycémie^L",
        "OBX|1|NM|GLU^Glycémie^L||1.05|g/L|0.74-1.06|N|||F",
    ]
    return ("\r".join(segments) + "\r").encode("utf-8")


# HPRIM Santé 2.2 records (ASTM E1394 numbering: field 1 is the record type, so P-5 is the
# third patient identifier, P-6 the name); the comment record C carries the e-mail address.
def hprim_bytes(key: str) -> bytes:
    nir, nom, prenom, email = person(key)
    records = [
        "H|~^\\&|||LBM^Biolab|||||DEST^Cabinet||P|H2.2|20240102",
        f"P|1|IPP42||{nir}|{nom}^{prenom}||19720101|M",
        "OBR|1|D42||GLU^Glycémie",
        "OBX|1|NM|GLU^Glycémie||1.05|g/L|0.74-1.06|N",
        f"C|1|L|Contact du patient : {email}|G",
        "L|1|N",
    ]
    return ("\r\n".join(records) + "\r\n").encode("utf-8")


# FHIR R4 (4.0.1): the INS-NIR identifier system urn:oid:1.2.250.1.213.1.4.8, HumanName and a
# ContactPoint of system email.
def fhir_patient(key: str) -> dict:
    nir, nom, prenom, email = person(key)
    return {"resourceType": "Patient", "id": key,
            "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": nir}],
            "name": [{"family": nom, "given": [prenom]}],
            "telecom": [{"system": "email", "value": email}],
            "birthDate": "1973-02-01"}


ORGANIZATION = {"resourceType": "Organization", "id": "lab", "name": "Laboratoire Biolab"}


def fhir_bundle_bytes(key: str) -> bytes:
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": "urn:uuid:lab", "resource": ORGANIZATION},
                        {"fullUrl": f"urn:uuid:{key}", "resource": fhir_patient(key)}]}
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")


def fhir_ndjson_bytes(key: str) -> bytes:
    lines = [ORGANIZATION, fhir_patient(key)]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode("utf-8")


PDF_PAGES = ["Laboratoire Biolab - compte rendu d'analyses", sentence("pdf")]


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.set_title("Compte rendu")
    for text in PDF_PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def write_docx(path: Path) -> None:
    d = docx.Document()
    d.core_properties.title = "Compte rendu"
    d.core_properties.author = "Laboratoire"
    d.add_heading("Compte rendu", 1)
    d.add_paragraph(sentence("docx"))
    d.save(path)


def write_odt(path: Path) -> None:
    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="Compte rendu"))
    doc.text.addElement(P(text=sentence("odt")))
    doc.save(str(path))


def rtf_bytes() -> bytes:
    body = sentence("rtf").encode("rtfunicode").decode("ascii")     # "\u235?" for "ë"
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}"
            "\\pard\\plain\\f0 Compte rendu\\par\n"
            "\\pard\\plain\\f0\\uc1 " + body + "\\par\n}").encode("ascii")


def html_bytes() -> bytes:
    _, _, _, email = person("html")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Compte rendu</title>"
            "<style>p { color: black; }</style></head>\n<body><h1>Résultats</h1>\n"
            f"<p>{sentence('html')}</p>\n<p><a href=\"mailto:{email}\">écrire</a></p>\n"
            "</body></html>\n").encode("utf-8")


EML_BODY = f"Bonjour,\n{sentence('eml')}\nRésultats en pièce jointe.\n"


def eml_bytes() -> bytes:
    _, nom, prenom, email = person("eml")
    msg = EmailMessage()
    msg["From"] = f"{prenom} {nom.title()} <{email}>"
    msg["To"] = "Laboratoire <secretariat@example.org>"
    msg["Subject"] = "Résultats"
    msg.set_content(EML_BODY)
    msg.add_attachment(delimited_bytes("eml_attachment", ";"), maintype="text", subtype="csv",
                       filename="patients.csv")
    return bytes(msg)


MBOX_BODY = f"Bonjour,\n{sentence('mbox')}\n"


def write_mbox(path: Path) -> None:
    _, nom, prenom, email = person("mbox")
    box = mailbox.mbox(path)
    first = EmailMessage()                     # msg-1: no person in it
    first["From"] = "Serveur <noreply@example.org>"
    first["Subject"] = "Maintenance"
    first.set_content("Le serveur sera arrêté samedi.\n")
    second = EmailMessage()                    # msg-2: the person
    second["From"] = f"{prenom} {nom.title()} <{email}>"
    second["Subject"] = "Mon dossier"
    second.set_content(MBOX_BODY)
    box.add(first)
    box.add(second)
    box.flush()
    box.close()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def tar_gz_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def sevenzip_bytes(members: dict[str, bytes], **kwargs) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", **kwargs) as z:
        for name, data in members.items():
            z.writestr(data, name)
    return out.getvalue()


def build(root: Path) -> None:
    """Write the folder: one file per format, nested copies, bad files."""
    (root / "tables").mkdir(parents=True)
    (root / "tables" / "patients.csv").write_bytes(delimited_bytes("csv", ","))
    (root / "tables" / "patients.tsv").write_bytes(delimited_bytes("tsv", "\t"))
    nir, nom, prenom, email = person("json")
    (root / "tables" / "dossiers.json").write_text(json.dumps(
        [{"dossier": "D1", "patient": {"nom": nom, "prenom": prenom, "nir": nir,
                                       "email": email}}], ensure_ascii=False), encoding="utf-8")
    nir, nom, prenom, email = person("ndjson")
    (root / "tables" / "dossiers.ndjson").write_text(
        json.dumps({"dossier": "D0", "statut": "clos"}) + "\n"
        + json.dumps({"dossier": "D1", "nom": nom, "prenom": prenom, "nir": nir, "email": email},
                     ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "note.txt").write_text(f"Compte rendu\n\n{sentence('text')}\n", encoding="utf-8")
    (root / "sheets").mkdir()
    write_xlsx(root / "sheets" / "export.xlsx", "xlsx")
    write_xls(root / "sheets" / "export.xls", "xls")
    write_ods(root / "sheets" / "export.ods", "ods")
    (root / "db").mkdir()
    write_sqlite(root / "db" / "labo.sqlite", "sqlite")
    pq.write_table(arrow_table("parquet"), root / "db" / "patients.parquet")
    feather.write_feather(arrow_table("feather"), root / "db" / "patients.feather")
    shutil.copy(SQL_FIXTURES / "mysqldump_extended.sql", root / "db" / "mysql.sql")
    shutil.copy(SQL_FIXTURES / "pg_dump_copy.sql", root / "db" / "postgres.sql")
    (root / "health").mkdir()
    (root / "health" / "oru.hl7").write_bytes(hl7_bytes("hl7"))
    (root / "health" / "resultats.hpr").write_bytes(hprim_bytes("hprim"))
    (root / "health" / "bundle.json").write_bytes(fhir_bundle_bytes("fhir_bundle"))
    (root / "health" / "export.ndjson").write_bytes(fhir_ndjson_bytes("fhir_ndjson"))
    (root / "docs").mkdir()
    (root / "docs" / "cr.pdf").write_bytes(pdf_bytes())
    write_docx(root / "docs" / "cr.docx")
    write_odt(root / "docs" / "cr.odt")
    (root / "docs" / "cr.rtf").write_bytes(rtf_bytes())
    (root / "docs" / "cr.html").write_bytes(html_bytes())
    (root / "mail").mkdir()
    (root / "mail" / "message.eml").write_bytes(eml_bytes())
    write_mbox(root / "mail" / "boite.mbox")
    # nested copies: a ZIP holding a tar.gz holding the CSV (and the PDF beside it), a 7z
    # holding the XLSX and the HL7 message, a gzip-compressed CSV
    csv_bytes = (root / "tables" / "patients.csv").read_bytes()
    (root / "archives").mkdir()
    (root / "archives" / "envoi.zip").write_bytes(zip_bytes({
        "lot/export.tar.gz": tar_gz_bytes({"export/patients.csv": csv_bytes}),
        "lot/cr.pdf": (root / "docs" / "cr.pdf").read_bytes()}))
    (root / "archives" / "sauvegarde.7z").write_bytes(sevenzip_bytes({
        "sheets/export.xlsx": (root / "sheets" / "export.xlsx").read_bytes(),
        "oru.hl7": (root / "health" / "oru.hl7").read_bytes()}))
    (root / "archives" / "patients.csv.gz").write_bytes(gzip.compress(csv_bytes))
    # bad files: each must give one issue and leave the rest of the scan alone
    (root / "bad").mkdir()
    xlsx = (root / "sheets" / "export.xlsx").read_bytes()
    (root / "bad" / "cut.xlsx").write_bytes(xlsx[: len(xlsx) // 2])
    (root / "bad" / "binary.csv").write_bytes(bytes(range(256)) * 16)
    archive = (root / "archives" / "envoi.zip").read_bytes()
    (root / "bad" / "cut.zip").write_bytes(archive[: len(archive) // 2])
    with zipfile.ZipFile(root / "bad" / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.bin", "w") as member:   # 9 MiB of zeros: about 9 KiB deflated
            for _ in range(9):
                member.write(bytes(MiB))
    (root / "bad" / "locked.7z").write_bytes(sevenzip_bytes(
        {"secret.csv": delimited_bytes("csv", ";")}, password="not-secret"))


# -- the scan, once ----------------------------------------------------------------------------

# the bomb's ratio limit comes from a TOML config, as a user would set it (config.py): the limit
# applies once 8 MiB were produced, so the 9 MiB bomb stops at about 8 MiB
CONFIG_TOML = "[scan]\nmax_archive_ratio = 50\n"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    root = base / "leak"
    build(root)
    (base / "sentinelle.toml").write_text(CONFIG_TOML)
    findings = base / "findings.jsonl"
    env = {**os.environ, "SENTINELLE_KEY": KEY, "XDG_CONFIG_HOME": str(base / "xdg")}
    proc = subprocess.run([str(BIN), "scan", str(root), "--no-db", "--format", "json",
                           "--findings", str(findings), "--config", str(base / "sentinelle.toml")],
                          cwd=base, env=env, capture_output=True, text=True, timeout=600)
    records = [json.loads(line) for line in findings.read_text(encoding="utf-8").splitlines()]
    return {"root": root, "proc": proc, "summary": json.loads(proc.stdout),
            "records": records}


HASHER = KeyedHasher(KEY.encode("utf-8"))


def test_with_key():
    # python-stdnum's docstring NIR 2 95 10 99 126 111 93: 97 - (2951099126111 mod 97) = 93
    assert with_key("2951099126111") == "295109912611193"
    # ../shared/cases pb-016, Corsica: 2A read as 19, key 38
    assert with_key("285072A004123") == "285072A00412338"


def rendered_offset(rendered: str, key: str) -> tuple[int, int]:
    start = rendered.index(spaced(NIRS[key]))
    return start, start + len(spaced(NIRS[key]))


def pdf_page_text(page: int) -> str:
    """pypdf's own rendering of a page: the PDF reader's offsets index it (readers/pdf.py)."""
    return pypdf.PdfReader(io.BytesIO(pdf_bytes())).pages[page - 1].extract_text()


TEXT_FILE = f"Compte rendu\n\n{sentence('text')}\n"
# HTML (readers/htmldoc.py): the title, then each block on its own line
HTML_TEXT = f"Compte rendu\nRésultats\n{sentence('html')}\n"
SQL_NIR = "269054958815780"        # tests/data/sql/rows.json, patients row 0 (id 1)

# (file key, the NIR's value, path, sheet, row, column, page, (start, end))
EXPECTED = [
    # tables: row = 0-based data row under the header, column = header, offsets in the cell
    ("csv", NIRS["csv"], "tables/patients.csv", None, 0, "nir", None, (0, 15)),
    ("tsv", NIRS["tsv"], "tables/patients.tsv", None, 0, "nir", None, (0, 15)),
    # nested JSON keys are flattened with dots (readers/jsondoc.py)
    ("json", NIRS["json"], "tables/dossiers.json", None, 0, "patient.nir", None, (0, 15)),
    # the person is the second line: row 1
    ("ndjson", NIRS["ndjson"], "tables/dossiers.ndjson", None, 1, "nir", None, (0, 15)),
    # plain text: offsets in the decoded file
    ("text", NIRS["text"], "note.txt", None, None, None, None, rendered_offset(TEXT_FILE, "text")),
    # spreadsheets: sheet name, row under the header row (readers/spreadsheet.py)
    ("xlsx", NIRS["xlsx"], "sheets/export.xlsx", "Patients", 0, "nir", None, (0, 15)),
    ("xls", NIRS["xls"], "sheets/export.xls", "Patients", 0, "nir", None, (0, 15)),
    ("ods", NIRS["ods"], "sheets/export.ods", "Patients", 0, "nir", None, (0, 15)),
    # databases: sheet = table (readers/sqlite.py, readers/sqldump.py: schema-qualified in pg)
    ("sqlite", NIRS["sqlite"], "db/labo.sqlite", "patients", 0, "nir", None, (0, 15)),
    ("mysql", SQL_NIR, "db/mysql.sql", "patients", 0, "nir", None, (0, 15)),
    ("postgres", SQL_NIR, "db/postgres.sql", "public.patients", 0, "nir", None, (0, 15)),
    # columnar (readers/columnar.py)
    ("parquet", NIRS["parquet"], "db/patients.parquet", None, 0, "nir", None, (0, 15)),
    ("feather", NIRS["feather"], "db/patients.feather", None, 0, "nir", None, (0, 15)),
    # HL7 v2: row = message index, sheet = segment[occurrence], column = field (readers/hl7v2.py)
    ("hl7", NIRS["hl7"], "health/oru.hl7", "PID[1]", 0, "PID-3", None, (0, 15)),
    # HPRIM Santé records: ASTM numbering, P-5 (readers/hprim.py)
    ("hprim", NIRS["hprim"], "health/resultats.hpr", "P[1]", 0, "P-5", None, (0, 15)),
    # FHIR: row = entry / line index, sheet = resourceType, column = FHIRPath (readers/fhir.py)
    ("fhir_bundle", NIRS["fhir_bundle"], "health/bundle.json", "Patient", 1,
     "identifier[0].value", None, (0, 15)),
    ("fhir_ndjson", NIRS["fhir_ndjson"], "health/export.ndjson", "Patient", 1,
     "identifier[0].value", None, (0, 15)),
    # PDF: page 2, offsets in that page's text (readers/pdf.py)
    ("pdf", NIRS["pdf"], "docs/cr.pdf", None, None, None, 2, None),
    # documents: offsets in the rendered text (readers/blocks.py: a paragraph ends with "\n")
    ("docx", NIRS["docx"], "docs/cr.docx", None, None, None, None,
     rendered_offset(f"Compte rendu\n{sentence('docx')}\n", "docx")),
    ("odt", NIRS["odt"], "docs/cr.odt", None, None, None, None,
     rendered_offset(f"Compte rendu\n{sentence('odt')}\n", "odt")),
    ("rtf", NIRS["rtf"], "docs/cr.rtf", None, None, None, None,
     rendered_offset(f"Compte rendu\n{sentence('rtf')}\n", "rtf")),
    ("html", NIRS["html"], "docs/cr.html", None, None, None, None,
     rendered_offset(HTML_TEXT, "html")),
    # mail: a single message's body is sheet "body"; its attachment is a member
    ("eml", NIRS["eml"], "mail/message.eml", "body", None, None, None,
     rendered_offset(EML_BODY, "eml")),
    ("eml_attachment", NIRS["eml_attachment"], "mail/message.eml!patients.csv", None, 0, "nir",
     None, (0, 15)),
    ("mbox", NIRS["mbox"], "mail/boite.mbox", "msg-2/body", None, None, None,
     rendered_offset(MBOX_BODY, "mbox")),
    # nested copies: member paths joined with "!"
    ("zip>tar.gz>csv", NIRS["csv"], "archives/envoi.zip!lot/export.tar.gz!export/patients.csv",
     None, 0, "nir", None, (0, 15)),
    ("zip>pdf", NIRS["pdf"], "archives/envoi.zip!lot/cr.pdf", None, None, None, 2, None),
    ("7z>xlsx", NIRS["xlsx"], "archives/sauvegarde.7z!sheets/export.xlsx", "Patients", 0, "nir",
     None, (0, 15)),
    ("7z>hl7", NIRS["hl7"], "archives/sauvegarde.7z!oru.hl7", "PID[1]", 0, "PID-3", None,
     (0, 15)),
    ("csv.gz", NIRS["csv"], "archives/patients.csv.gz!patients.csv", None, 0, "nir", None,
     (0, 15)),
]


@pytest.mark.parametrize("key, nir, path, sheet, row, column, page, span", EXPECTED,
                         ids=[e[0] for e in EXPECTED])
def test_nir_found_at_its_place(scanned, key, nir, path, sheet, row, column, page, span):
    value_hash = HASHER.hash("FR_NIR", nir)
    hits = [r for r in scanned["records"] if r["value_hash"] == value_hash and r["path"] == path]
    assert len(hits) == 1, (path, hits)
    [hit] = hits
    if span is None:    # PDF: the offsets index pypdf's text of the page
        span = rendered_offset(pdf_page_text(page), "pdf")
    assert (hit["entity_type"], hit["validation"], hit["score"]) == ("FR_NIR", "valid", 1.0)
    assert (hit["sheet"], hit["row"], hit["column"], hit["page"]) == (sheet, row, column, page)
    assert (hit["start"], hit["end"]) == span


def test_email_found_in_every_file_with_a_person(scanned):
    # each file's person's e-mail is found in that file (its location is format-specific)
    for key, nir, path, *_ in EXPECTED:
        if key not in PEOPLE:
            continue
        email = person(key)[3]
        value_hash = HASHER.hash("EMAIL_ADDRESS", email)
        assert any(r["value_hash"] == value_hash and r["path"] == path
                   for r in scanned["records"]), (key, path)


def folded(text: str) -> str:
    """PERSON values are fingerprinted lower-cased without accents (detectors/base.py ``fold``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def test_name_found_in_every_file_with_a_person(scanned):
    # a table gives the family name alone (column nom, name[0].family); a document, a message
    # or an HL7 / HPRIM name field gives "given family" or "family given"
    for key, nir, path, *_ in EXPECTED:
        if key not in PEOPLE:
            continue
        _, nom, prenom, _ = person(key)
        forms = {folded(nom), folded(f"{prenom} {nom}"), folded(f"{nom} {prenom}")}
        hashes = {HASHER.hash("PERSON", form) for form in forms}
        assert any(r["value_hash"] in hashes and r["path"] == path
                   for r in scanned["records"]), (key, path)


BAD = [
    # (path, kind, start of the reason)
    ("bad/binary.csv", "error", "binary content"),
    ("bad/cut.xlsx", "error", "corrupt XLSX"),
    # a zip cut in half: no central directory, its whole members read from their local
    # headers (session 13; "not a readable ZIP" when no member is whole)
    ("bad/cut.zip", "error", "central directory missing: members read from their local headers"),
    # its members read from their local headers (no central directory): the one cut short
    ("bad/cut.zip!lot/cr.pdf", "error", "truncated archive: member data ends early"),
    ("bad/bomb.zip!zeros.bin", "skipped", "zip bomb suspected: member zeros.bin expands "),
    ("bad/locked.7z!secret.csv", "error", "encrypted member, not scanned"),
]


def test_bad_files_one_issue_each(scanned):
    issues = scanned["summary"]["issues"]
    assert sorted((i["path"], i["kind"]) for i in issues) == sorted((p, k) for p, k, _ in BAD)
    reasons = {i["path"]: i["reason"] for i in issues}
    for path, _, reason in BAD:
        assert reasons[path].startswith(reason), (path, reasons[path])
    assert reasons["bad/bomb.zip!zeros.bin"].endswith("limit 50:1")   # from the TOML config
    stderr = [line for line in scanned["proc"].stderr.splitlines() if line.strip()]
    assert len(stderr) == len(BAD), stderr
    for path, kind, _ in BAD:
        # "path:" (then the reason, or "byte N:"): bad/cut.zip is a prefix of its members
        assert sum(f"{kind}: {path}:" in line for line in stderr) == 1, (path, stderr)
    assert "Traceback" not in scanned["proc"].stderr


def test_summary_and_exit_code(scanned):
    proc, summary = scanned["proc"], scanned["summary"]
    assert proc.returncode == 1 and summary["exit_code"] == 1   # personal data found
    files = {f["path"]: f for f in summary["files"]}
    for _, _, path, *_ in EXPECTED:
        assert files[path]["issue"] is None and files[path]["findings"] > 0, files[path]
    assert summary["totals"]["errors"] == sum(1 for _, kind, _ in BAD if kind == "error")
    assert summary["totals"]["skipped"] == sum(1 for _, kind, _ in BAD if kind == "skipped")
    # nothing raw leaves the process: no NIR in the findings file, the summary or stderr
    blob = json.dumps(scanned["records"]) + proc.stdout + proc.stderr
    for nir in [*NIRS.values(), SQL_NIR]:
        assert nir not in blob and spaced(nir) not in blob
