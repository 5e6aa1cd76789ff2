"""DocxReader and OdtReader: rendered text, header tables as table units, damaged packages.

DOCX files are written at test time by python-docx; elements it has no high-level call for (a
hyperlink, a tracked insertion and deletion, a repeated header row) are added with python-docx's
own ``OxmlElement`` (a text box and a content control with lxml, python-docx's XML library).
ODT files are written by odfpy. Damaged packages are made from those files
(cut in half, a part replaced with zipfile).

Test data is synthetic: the NIR's key follows the NIR rule (97 - first 13 digits mod 97), the
phone number is in the ARCEP range reserved for fiction (04 65 71).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from odf import teletype
from odf.meta import InitialCreator
from odf.opendocument import OpenDocumentText
from odf.style import Footer, Header, MasterPage, PageLayout
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import A, H, List, ListItem, P

import sentinelle
from sentinelle.readers.office import DocxReader, OdtReader

NIR13 = "2840275111222"
NIR = f"2 84 02 75 111 222 {97 - int(NIR13) % 97:02d}"
NIR_COMPACT = NIR.replace(" ", "")
EMAIL = "zoe.lefevre@example.fr"
PHONE = "04 65 71 12 34"
BIN = Path(sys.executable).with_name("sentinelle")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
VML = "urn:schemas-microsoft-com:vml"


# -- DOCX ------------------------------------------------------------------------------------

def _run(tag: str, text: str):
    run = OxmlElement("w:r")
    t = OxmlElement(tag)
    t.text = text
    run.append(t)
    return run


def _table(document, rows, header_mark: bool = False):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    if header_mark:  # "repeat as header row" (w:tblHeader)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def write_docx(path: Path) -> Path:
    d = docx.Document()
    props = d.core_properties
    props.title, props.author, props.comments = "Compte rendu", "Hélène Martin", ""
    d.sections[0].header.paragraphs[0].text = "Laboratoire Biolab - Dr Hélène Martin"
    d.sections[0].footer.paragraphs[0].text = f"Dossier NIR {NIR}"
    d.add_heading("Compte rendu", 1)
    patient = d.add_paragraph("Patiente : Mme Zoé Lefèvre, née le 01/02/1984.")
    d.add_comment(patient.runs, text=f"Rappeler au {PHONE}", author="HM")
    _table(d, [["Nom", "Prénom", "Téléphone"], ["Lefèvre", "Zoé", PHONE],
               ["Martin", "Paul", "04 65 71 56 78"]])
    _table(d, [["Nom", "Lefèvre"], ["Courriel", EMAIL]])  # label / value: stays text
    _table(d, [["Nom", "NIR"], ["Lefèvre", NIR_COMPACT]], header_mark=True)
    link = d.add_paragraph("Écrire : ")
    r_id = link.part.relate_to(f"mailto:{EMAIL}?subject=RDV", RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), r_id)
    hyperlink.append(_run("w:t", "la patiente"))
    link._p.append(hyperlink)
    deleted = d.add_paragraph("Ancien diagnostic : ")
    dele = OxmlElement("w:del", {qn("w:id"): "1", qn("w:author"): "HM"})
    dele.append(_run("w:delText", "séropositif VIH"))
    deleted._p.append(dele)
    inserted = d.add_paragraph("Prénom inséré : ")
    ins = OxmlElement("w:ins", {qn("w:id"): "2", qn("w:author"): "HM"})
    ins.append(_run("w:t", "Zoé"))
    inserted._p.append(ins)
    # a text box as Word writes it: the same box twice, a DrawingML choice and a VML fallback
    boxed = d.add_paragraph("Encadré : ")
    run = OxmlElement("w:r")
    alternate = etree.SubElement(run, f"{{{MC}}}AlternateContent")
    for branch, shape in (("Choice", f"{{{WPS}}}txbx"), ("Fallback", f"{{{VML}}}textbox")):
        holder = etree.SubElement(etree.SubElement(alternate, f"{{{MC}}}{branch}"), shape)
        box = etree.SubElement(holder, qn("w:txbxContent"))
        box_p = etree.SubElement(box, qn("w:p"))
        box_p.append(_run("w:t", "Allergie : pénicilline"))
    boxed._p.append(run)
    # a block content control (w:sdt) holding a paragraph
    sdt = OxmlElement("w:sdt")
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    sdt_p = etree.SubElement(content, qn("w:p"))
    sdt_p.append(_run("w:t", "Médecin traitant : Dr Paul Martin"))
    d.element.body.append(sdt)
    d.save(str(path))
    return path


# the rendered text by the rules of sentinelle.readers.office (hand-written from the docstring)
DOCX_TEXT = (
    "Compte rendu\n"
    "Patiente : Mme Zoé Lefèvre, née le 01/02/1984.\n"
    f"Nom\tLefèvre\nCourriel\t{EMAIL}\n"           # table 2 (tables 1 and 3 are table units)
    "Écrire : la patiente\n"
    "Ancien diagnostic : séropositif VIH\n"       # a tracked deletion is still in the file
    "Prénom inséré : Zoé\n"                       # a tracked insertion
    "Encadré : \n"
    "Allergie : pénicilline\n"                    # the text box, once (the fallback skipped)
    "Médecin traitant : Dr Paul Martin\n"         # the content control
    "Laboratoire Biolab - Dr Hélène Martin\n"     # header
    f"Dossier NIR {NIR}\n"                        # footer
    f"Rappeler au {PHONE}\n"                      # comment
    f"{EMAIL}\n"                                  # mailto: target, query dropped
    "Title: Compte rendu\nAuthor: Hélène Martin\n"
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The DOCX and ODT reports, written once for the module."""
    base = tmp_path_factory.mktemp("office")
    write_docx(base / "cr.docx")
    write_odt(base / "cr.odt")
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
def report_docx(folder) -> Path:
    return folder / "cr.docx"


def test_docx_text_and_tables(read_path, report_docx):
    result = read_path(report_docx)
    assert result.reader == "docx"
    assert "".join(u.text for u in result.texts) == DOCX_TEXT
    offsets = [u.offset for u in result.texts]
    assert offsets == [sum(len(u.text) for u in result.texts[:i]) for i in range(len(offsets))]
    assert [t.header for t in result.tables] == [("Nom", "Prénom", "Téléphone"), ("Nom", "NIR")]
    assert result.tables[0].rows() == [["Lefèvre", "Zoé", PHONE],
                                       ["Martin", "Paul", "04 65 71 56 78"]]
    assert result.tables[1].rows() == [["Lefèvre", NIR_COMPACT]]


@pytest.mark.parametrize("entity, value", [
    ("PERSON", "Zoé Lefèvre"),
    ("DATE_OF_BIRTH", "01/02/1984"),
    ("EMAIL_ADDRESS", EMAIL),
    ("FR_NIR", NIR),                 # in the footer
    ("PHONE_NUMBER", PHONE),         # in the comment
    ("HEALTH_CONDITION", "séropositif"),  # in deleted text
])
def test_docx_text_findings_span(scanned, entity, value):
    findings, issue = scanned["cr.docx"]
    assert issue is None
    hits = [f for f in findings if f.entity_type == entity and f.location.sheet is None
            and DOCX_TEXT[f.start:f.end] == value]
    assert hits, [(f.entity_type, f.start, f.end) for f in findings]


@pytest.mark.parametrize("entity, sheet, row, column, value", [
    ("PHONE_NUMBER", "table 1", 0, "Téléphone", PHONE),
    ("PHONE_NUMBER", "table 1", 1, "Téléphone", "04 65 71 56 78"),
    ("FR_NIR", "table 3", 0, "NIR", NIR_COMPACT),  # explicit header row, two columns
])
def test_docx_table_findings(scanned, entity, sheet, row, column, value):
    findings = [f for f in scanned["cr.docx"][0]
                if f.location.sheet == sheet and f.location.row == row
                and f.location.column == column and f.entity_type == entity]
    # offsets in the cell: the whole cell is the value
    assert [(f.start, f.end) for f in findings] == [(0, len(value))]


# -- ODT -------------------------------------------------------------------------------------

def _p(text: str, cls=P, **attributes) -> P:
    element = cls(**attributes)
    teletype.addTextToElement(element, text)  # spaces as text:s, tabs as text:tab
    return element


def write_odt(path: Path) -> Path:
    doc = OpenDocumentText()
    doc.meta.addElement(InitialCreator(text="Hélène Martin"))
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(_p("Laboratoire Biolab"))
    footer.addElement(_p(f"Dossier NIR {NIR}"))
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    doc.text.addElement(_p("Compte rendu", H, outlinelevel=1))
    doc.text.addElement(_p("Patiente :  Mme Zoé Lefèvre,\tnée le 01/02/1984"))
    items = List()
    for text in ("séropositif VIH", "Hémoglobine glyquée 6,5 %"):
        item = ListItem()
        item.addElement(_p(text))
        items.addElement(item)
    doc.text.addElement(items)
    with_header = Table(name="Patients")
    with_header.addElement(TableColumn(numbercolumnsrepeated=2))
    head_rows = TableHeaderRows()
    with_header.addElement(head_rows)
    for i, row in enumerate([["Nom", "Téléphone"], ["Lefèvre", PHONE]]):
        tr = TableRow()
        (head_rows if i == 0 else with_header).addElement(tr)
        for value in row:
            cell = TableCell()
            cell.addElement(_p(value))
            tr.addElement(cell)
    doc.text.addElement(with_header)
    plain = Table(name="Fiche")
    plain.addElement(TableColumn(numbercolumnsrepeated=2))
    for row in [["Courriel", EMAIL], ["Médecin", "Dr Martin"]]:
        tr = TableRow()
        plain.addElement(tr)
        for value in row:
            cell = TableCell()
            cell.addElement(_p(value))
            tr.addElement(cell)
    doc.text.addElement(plain)
    link = P(text="Écrire à ")
    link.addElement(A(href=f"mailto:{EMAIL}", text="la patiente"))
    doc.text.addElement(link)
    doc.save(str(path))
    return path


ODT_TEXT = (
    "Compte rendu\n"
    "Patiente :  Mme Zoé Lefèvre,\tnée le 01/02/1984\n"  # text:s and text:tab rendered
    "séropositif VIH\n"
    "Hémoglobine glyquée 6,5 %\n"
    f"Courriel\t{EMAIL}\nMédecin\tDr Martin\n"           # the table without header row
    "Écrire à la patiente\n"
    "Laboratoire Biolab\n"                               # master page header
    f"Dossier NIR {NIR}\n"                               # and footer
    f"{EMAIL}\n"                                         # mailto: target
    "Author: Hélène Martin\n"
)


@pytest.fixture
def report_odt(folder) -> Path:
    return folder / "cr.odt"


def test_odt_text_and_tables(read_path, report_odt):
    result = read_path(report_odt)
    assert result.reader == "odt"
    assert "".join(u.text for u in result.texts) == ODT_TEXT
    [table] = result.tables
    assert table.header == ("Nom", "Téléphone") and table.rows() == [["Lefèvre", PHONE]]


@pytest.mark.parametrize("entity, value", [
    ("PERSON", "Zoé Lefèvre"),
    ("DATE_OF_BIRTH", "01/02/1984"),
    ("HEALTH_CONDITION", "séropositif"),
    ("EMAIL_ADDRESS", EMAIL),
    ("FR_NIR", NIR),
])
def test_odt_text_findings_span(scanned, entity, value):
    findings, issue = scanned["cr.odt"]
    assert issue is None
    assert any(f.entity_type == entity and f.location.sheet is None
               and ODT_TEXT[f.start:f.end] == value for f in findings)


def test_odt_table_finding(scanned):
    hits = [f for f in scanned["cr.odt"][0] if f.location.sheet == "table 1"]
    assert [(f.entity_type, f.location.row, f.location.column, f.start, f.end) for f in hits
            if f.entity_type == "PHONE_NUMBER"] == [("PHONE_NUMBER", 0, "Téléphone", 0, len(PHONE))]


# -- sniffing --------------------------------------------------------------------------------

def _zip(members: dict[str, bytes], first_stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(members.items()):
            z.writestr(name, data, zipfile.ZIP_STORED if first_stored and i == 0 else None)
    return out.getvalue()


def _head(path: Path) -> bytes:
    return path.read_bytes()[:65536]


def test_sniff_content_beats_extension(report_docx, report_odt):
    docx_head, odt_head = _head(report_docx), _head(report_odt)
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<x/>"}, first_stored=True)
    plain = _zip({"notes.txt": b"bonjour"})
    cases = [  # (head, path, docx?, odt?)
        (docx_head, "export", True, False),      # no suffix: content decides
        (docx_head, "cr.zip", True, False),      # wrong suffix
        (odt_head, "cr.bin", False, True),
        (ods, "x.odt", False, False),            # an ODS named .odt is not ours
        (plain, "a.zip", False, False),          # a plain archive
        (plain, "a.docx", True, False),          # docx suffix on a ZIP: read() reports it
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "a.docx", True, False),  # OLE2
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "a.doc", False, False),  # Word 97
        (b"Bonjour", "a.docx", False, False),    # text named .docx: the text reader's
    ]
    for head, path, is_docx, is_odt in cases:
        assert DocxReader().sniff(head, path) is is_docx, path
        assert OdtReader().sniff(head, path) is is_odt, path


# -- damaged packages ------------------------------------------------------------------------

def _replace(src: Path, dst: Path, name: str, data: bytes | None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info))
        if data is not None:
            zout.writestr(name, data)
    return dst


def damaged(base: Path, report_docx: Path, report_odt: Path) -> dict[str, str]:
    """name -> expected reason; the files are written in base / "bad"."""
    bad = base / "bad"
    bad.mkdir(exist_ok=True)
    for good in (report_docx, report_odt):  # cut in half: no ZIP central directory
        data = good.read_bytes()
        (bad / f"half{good.suffix}").write_bytes(data[: len(data) // 2])
    _replace(report_docx, bad / "badxml.docx", "word/document.xml", b"<w:document><w:body>")
    _replace(report_odt, bad / "badxml.odt", "content.xml", b"<office:document-content>")
    manifest = zipfile.ZipFile(report_odt).read("META-INF/manifest.xml").replace(
        b'manifest:full-path="content.xml"',
        b'manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry'
        b'><manifest:file-entry manifest:media-type="" manifest:full-path="x"')
    _replace(report_odt, bad / "locked.odt", "META-INF/manifest.xml", manifest)
    (bad / "zipped.docx").write_bytes(_zip({"notes.txt": b"bonjour"}))
    (bad / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    return {
        "half.docx": "corrupt or truncated DOCX (not a readable ZIP package)",
        "half.odt": "corrupt or truncated ODT (not a readable ZIP package)",
        "badxml.docx": "corrupt DOCX (XMLSyntaxError)",
        "badxml.odt": "corrupt ODT (an XML part is not well-formed)",
        "locked.odt": "encrypted ODT (password required)",
        "zipped.docx": "not a DOCX package (no [Content_Types].xml)",
        "locked.docx": "password-protected or legacy Word file (OLE2 container, not a DOCX "
                       "package): not read",
    }


def test_damaged_packages_are_one_line_read_errors(tmp_path, report_docx, report_odt, capsys):
    expected = damaged(tmp_path, report_docx, report_odt)
    result = sentinelle.scan(tmp_path / "bad")
    got = {i.path: (i.reader, i.reason) for i in result.issues}
    assert got == {name: (name.rsplit(".", 1)[1], reason) for name, reason in expected.items()}
    assert result.findings == []
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""  # odfpy's dump of a broken part is not printed


def test_damaged_packages_cli_exit_2(tmp_path, report_docx, report_odt):
    expected = damaged(tmp_path, report_docx, report_odt)
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", str(tmp_path / "bad"), "--no-db", "--format", "json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    assert sorted(i["path"] for i in json.loads(r.stdout)["issues"]) == sorted(expected)
    assert len([line for line in r.stderr.splitlines() if line.strip()]) == len(expected)
    assert "Traceback" not in r.stderr
