"""PdfReader: text layer page by page, Location.page, encrypted and damaged files.

PDFs are written at test time by fpdf2 (core font Helvetica, latin-1 text: French accents) and
encrypted or annotated by pypdf's writer. LibreOffice-made PDFs are not tested: LibreOffice is
not installed on the project's machines and tests are never skipped.

Test data is synthetic: the NIR's key is computed by the rule of the NIR (key = 97 - (first 13
digits mod 97), INSEE), the phone number is in the ARCEP range reserved for fiction (04 65 71).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from pypdf.annotations import FreeText, Text
from pypdf.generic import NameObject, NumberObject

import sentinelle
from sentinelle.readers.pdf import PdfReader

NIR13 = "2840275111222"
NIR = f"2 84 02 75 111 222 {97 - int(NIR13) % 97:02d}"
EMAIL = "zoe.lefevre@example.fr"
PHONE = "04 65 71 12 34"
PAGES = [
    "Laboratoire d'analyses - compte rendu\nPatiente : Mme Zoé Lefèvre, née le 01/02/1984",
    f"Identification\nNIR {NIR}\nPrélèvement du 03/03/2021",
    f"Contact : {EMAIL} Tél. {PHONE}\nDiagnostic : séropositif VIH",
]
BIN = Path(sys.executable).with_name("sentinelle")
ALGORITHMS = ["RC4-40", "RC4-128", "AES-128", "AES-256"]


def write_pdf(path: Path, pages: list[str], blank_pages: int = 0,
              author: str | None = None) -> Path:
    pdf = FPDF()
    if author:
        pdf.set_author(author)
    pdf.set_title("Compte rendu")
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, text)
    for _ in range(blank_pages):  # a scanned page: no text layer
        pdf.add_page()
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The report, its encrypted copies and damaged files, written once for the module."""
    base = tmp_path_factory.mktemp("pdf")
    report = write_pdf(base / "cr.pdf", PAGES, blank_pages=1, author="Hélène Martin")
    for algorithm in ALGORITHMS:
        for user_password in ("", "secret"):
            writer = pypdf.PdfWriter(clone_from=report)
            writer.encrypt(user_password=user_password, owner_password="proprietaire",
                           algorithm=algorithm)
            writer.write(base / f"{'locked' if user_password else 'restricted'}-{algorithm}.pdf")
    bad = base / "bad"
    bad.mkdir()
    for name, content in _damaged(report.read_bytes()).items():
        (bad / name).write_bytes(content)
    return base


@pytest.fixture(scope="module")
def scanned(folder):
    """``sentinelle.scan`` of the folder, once: {path: (findings, issue)}."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SENTINELLE_KEY", "test-key-not-secret")
        mp.setenv("XDG_CONFIG_HOME", str(folder / "xdg"))
        result = sentinelle.scan(folder)
    return {f.path: ([x for x in result.findings if x.location.path == f.path], f.issue)
            for f in result.files}


@pytest.fixture
def report_pdf(folder) -> Path:
    return folder / "cr.pdf"


def test_pages_and_locations(read_path, report_pdf):
    result = read_path(report_pdf)
    assert result.reader == "pdf"
    units = result.texts
    # one unit per page with text, then the document information; the blank page gives none
    assert [u.location.page for u in units] == [1, 2, 3, None]
    assert all(u.offset == 0 for u in units)  # offsets are within each page's text
    for unit, expected in zip(units, PAGES):
        assert unit.text.split() == expected.split()  # accents kept (WinAnsi core font)
    assert units[3].text == "Title: Compte rendu\nAuthor: Hélène Martin\n"
    assert result.stats["pages"] == 4 and result.stats["pages_without_text"] == 1


@pytest.mark.parametrize("entity, value, page", [
    ("PERSON", "Zoé Lefèvre", 1),
    ("DATE_OF_BIRTH", "01/02/1984", 1),
    ("FR_NIR", NIR, 2),
    ("EMAIL_ADDRESS", EMAIL, 3),
    ("PHONE_NUMBER", PHONE, 3),
    ("HEALTH_CONDITION", "séropositif", 3),
    ("PERSON", "Hélène Martin", None),  # the /Author of the document information
])
def test_findings_page_and_span(read_path, report_pdf, scanned, entity, value, page):
    texts = {u.location.page: u.text for u in read_path(report_pdf).texts}
    findings, issue = scanned["cr.pdf"]
    assert issue is None
    hits = [f for f in findings if f.entity_type == entity and f.location.page == page
            and texts[page][f.start:f.end] == value]
    assert len(hits) == 1, [(f.entity_type, f.location.page) for f in findings]


def test_annotations_are_read(tmp_path, read_path):
    # a sticky note and a free-text annotation: reviewers' notes are not in the text layer
    plain = write_pdf(tmp_path / "plain.pdf", PAGES[:2])
    writer = pypdf.PdfWriter(clone_from=plain)
    writer.add_annotation(page_number=0, annotation=Text(
        rect=(50, 550, 200, 650), text=f"Rappeler la patiente au {PHONE}"))
    writer.add_annotation(page_number=1, annotation=FreeText(
        text=f"Vérifier {EMAIL}", rect=(50, 550, 200, 650)))
    path = tmp_path / "annotated.pdf"
    writer.write(path)
    units = read_path(path).texts
    assert units[0].text.endswith(f"\nRappeler la patiente au {PHONE}\n")
    assert units[1].text.endswith(f"\nVérifier {EMAIL}\n")
    found = {(f.entity_type, f.location.page) for f in sentinelle.scan(path).findings}
    assert {("PHONE_NUMBER", 1), ("EMAIL_ADDRESS", 2)} <= found


def test_damaged_page_does_not_stop_the_others(tmp_path, report_pdf, read_path):
    # page 2's /Contents is a number, not a content stream: pypdf reads it as a page without
    # text; pages 1 and 3 are still read
    writer = pypdf.PdfWriter(clone_from=report_pdf)
    writer.pages[1][NameObject("/Contents")] = NumberObject(5)
    path = tmp_path / "damaged_page.pdf"
    writer.write(path)
    result = read_path(path)
    assert [u.location.page for u in result.texts] == [1, 3, None]
    assert result.stats["pages"] == 4 and result.stats["pages_without_text"] == 2


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_encrypted_with_empty_user_password_is_read(scanned, algorithm):
    # "encrypted" only to restrict printing/copying: the empty user password opens it
    findings, issue = scanned[f"restricted-{algorithm}.pdf"]
    assert issue is None
    assert {(f.entity_type, f.location.page) for f in findings} >= {
        ("FR_NIR", 2), ("EMAIL_ADDRESS", 3)}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_encrypted_with_password_is_one_read_error(scanned, algorithm):
    name = f"locked-{algorithm}.pdf"
    findings, issue = scanned[name]
    assert (issue.path, issue.reader, issue.reason) == (
        name, "pdf", "encrypted PDF (password required)")
    assert findings == []


def _damaged(good: bytes) -> dict[str, bytes]:
    return {
        "truncated.pdf": good[: len(good) // 2],          # cut in the middle of the objects
        "no_trailer.pdf": good[:-40],                     # startxref and %%EOF cut off
        "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,  # a header, then noise
        "not_a_pdf.pdf": b"Bonjour, ceci n'est pas un PDF.\n",  # suffix only
    }


@pytest.mark.parametrize("name", ["truncated.pdf", "no_trailer.pdf", "garbage.pdf",
                                  "not_a_pdf.pdf"])
def test_damaged_pdf_is_one_line_read_error(scanned, name):
    findings, issue = scanned[f"bad/{name}"]
    assert issue.kind == "error" and issue.reader == "pdf"
    assert "PDF" in issue.reason and "\n" not in str(issue)
    assert findings == []


def test_damaged_pdf_cli_exit_2_and_quiet(tmp_path, folder):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", str(folder / "bad"), "--no-db", "--format", "json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    summary = json.loads(r.stdout)
    assert sorted(i["path"] for i in summary["issues"]) == sorted(_damaged(b"x" * 100))
    # one line per damaged file on stderr; pypdf's own warnings are not printed
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 4 and "Traceback" not in r.stderr


@pytest.mark.parametrize("head, path, expected", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "scan", True),      # magic without suffix
    (b"\x00\x01junk\n%PDF-1.4\n" + bytes(range(256)), "x.bin", False),  # junk first: not ours
    (b"PK\x03\x04" + bytes(26) + b"a.pdf%PDF-1.4\n", "a.zip", False),  # a PDF stored in a ZIP
    (b"Le fichier %PDF-1.4 est joint.\n", "note.txt", False),  # text that mentions %PDF-
    (b"anything", "scan.PDF", True),                      # suffix: read() reports the problem
])
def test_sniff(head, path, expected):
    assert PdfReader().sniff(head, path) is expected
