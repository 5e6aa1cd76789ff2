"""SpreadsheetReader: XLSX (openpyxl), XLS (xlwt), ODS (odfpy) written at test time; sniffing
against DOCX (python-docx), ODT (odfpy) and plain ZIP (zipfile); encrypted XLSX (msoffcrypto-tool);
corrupt and pathological files; the scan and the CLI on them.

Test people are synthetic: NIRs with valid keys (key = 97 - first 13 digits mod 97, 2A read as
19, hand-checked), e-mail addresses under example.org (RFC 2606).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import P

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source
from sentinelle.readers.spreadsheet import SpreadsheetReader

NIR_A = "285072A00412338"      # ../shared/cases pb-016 (Corsica: 2A)
NIR_B = 295109912611193        # python-stdnum's docstring NIR, stored as a number
NIR_C = "1 84 01 75 123 456 58"  # 1840175123456 mod 97 = 39, key 58
EMAIL_A = "claire.martin@example.org"
EMAIL_B = "marc.petit@example.org"
HEADER = ["nom", "prénom", "nir", "email", "naissance"]
PEOPLE = [
    ["MARTIN", "Claire", NIR_A, EMAIL_A, dt.date(1985, 3, 12)],
    ["PETIT", "Marc", NIR_B, EMAIL_B, dt.date(1995, 10, 1)],
]
# what a person reads in those cells
PEOPLE_TEXT = [
    ["MARTIN", "Claire", NIR_A, EMAIL_A, "1985-03-12"],
    ["PETIT", "Marc", "295109912611193", EMAIL_B, "1995-10-01"],
]
NOTES = [["commentaire"], [f"Rappeler Mme Claire Martin, NIR {NIR_C}"]]
BIN = Path(sys.executable).with_name("sentinelle")


# -- writers (well-known libraries) -------------------------------------------------------------

def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(i, j, value, date_style)
                elif value is not None:
                    sheet.write(i, j, value)
    book.save(str(path))
    return path


def _ods_cell(value) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=str(value))
    elif isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                tr.addElement(_ods_cell(value))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


WRITERS = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods}


def workbook(tmp_path: Path, suffix: str, sheets: dict, name: str = "book") -> Path:
    return WRITERS[suffix](tmp_path / f"{name}{suffix}", sheets)


# -- reading -----------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_sheets_header_rows(read_path, tmp_path, suffix):
    # "Vide" is empty: no unit; a workbook is read sheet by sheet, in workbook order
    path = workbook(tmp_path, suffix, {"Patients": [HEADER] + PEOPLE, "Vide": [],
                                       "Notes": NOTES})
    result = read_path(path)
    assert result.reader == "spreadsheet"
    assert [t.header for t in result.tables] == [tuple(HEADER), ("commentaire",)]
    assert result.tables[0].rows() == PEOPLE_TEXT
    assert result.tables[1].rows() == [NOTES[1]]
    assert (result.stats["rows"], result.stats["columns"]) == (3, 5)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_units_carry_sheet_names(tmp_path, suffix):
    path = workbook(tmp_path, suffix, {"Patients": [HEADER] + PEOPLE, "Notes": NOTES})
    reader = SpreadsheetReader()
    units = []
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    for unit in reader.read(source, {}):
        units.append(unit.location)
        list(unit.batches)
    assert [(u.path, u.sheet, u.row, u.column) for u in units] == [
        (path.name, "Patients", None, None), (path.name, "Notes", None, None)]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """One scan of the same workbook in the three formats (a scan builds every detector)."""
    folder = tmp_path_factory.mktemp("workbooks")
    for suffix in WRITERS:
        workbook(folder, suffix, {"Patients": [HEADER] + PEOPLE, "Vide": [], "Notes": NOTES})
    with pytest.MonkeyPatch.context() as mp:  # never the user's real key
        mp.setenv("SENTINELLE_KEY", "test-key-not-secret")
        mp.setenv("XDG_CONFIG_HOME", str(folder / "xdg"))
        return sentinelle.scan([folder])


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_scan_finds_people_at_their_cells(scanned, suffix):
    assert scanned.issues == []
    findings = [f for f in scanned.findings if f.location.path == f"book{suffix}"]
    found = {(f.entity_type, f.location.sheet, f.location.row, f.location.column)
             for f in findings}
    assert {
        ("FR_NIR", "Patients", 0, "nir"),
        ("FR_NIR", "Patients", 1, "nir"),         # a NIR stored as a number cell
        ("EMAIL_ADDRESS", "Patients", 0, "email"),
        ("EMAIL_ADDRESS", "Patients", 1, "email"),
        ("PERSON", "Patients", 0, "nom"),
        ("FR_NIR", "Notes", 0, "commentaire"),    # free text in a cell: the text path
        ("PERSON", "Notes", 0, "commentaire"),
    } <= found
    nir = next(f for f in findings if f.entity_type == "FR_NIR" and f.location.row == 1)
    assert (nir.start, nir.end, nir.score) == (0, 15, 1.0)
    notes = next(f for f in findings
                 if f.entity_type == "FR_NIR" and f.location.sheet == "Notes")
    assert NOTES[1][0][notes.start:notes.end] == NIR_C


@pytest.mark.parametrize("value, expected", [
    (42, "42"),
    (42.0, "42"),                                  # a whole float: no ".0"
    (3.5, "3.5"),
    (0.1 + 0.2, "0.3"),                            # 15 significant digits, as Excel shows
    (184017512345658, "184017512345658"),          # a NIR typed as a number
    (True, "true"),
    (False, "false"),
    (dt.date(1985, 3, 12), "1985-03-12"),
    (dt.datetime(2021, 3, 4, 10, 30, 5), "2021-03-04 10:30:05"),
    (dt.datetime(1985, 3, 12), "1985-03-12"),      # midnight: calamine gives the date
    (dt.time(10, 30), "10:30:00"),
    (dt.timedelta(hours=26, minutes=5), "26:05:00"),  # Excel's [h]:mm:ss
    ("  texte  ", "  texte  "),                    # text kept as typed
])
def test_xlsx_cell_text(read_path, tmp_path, value, expected):
    path = write_xlsx(tmp_path / "v.xlsx", {"S": [["valeur"], [value]]})
    [table] = read_path(path).tables
    assert table.rows() == [[expected]]


@pytest.mark.parametrize("rows, header, data", [
    # leading empty rows are skipped; the first non-empty row is the header
    ([[], [], ["nom", "email"], ["A", EMAIL_A]], ("nom", "email"), [["A", EMAIL_A]]),
    # an empty header cell is named by its 1-based position
    ([["nom", None, "ville"], ["A", "B", "C"]], ("nom", "column_2", "ville"), [["A", "B", "C"]]),
    # a number in the first row: it is data, the columns get positional names
    ([["MARTIN", NIR_B], ["PETIT", 1]], ("column_1", "column_2"),
     [["MARTIN", "295109912611193"], ["PETIT", "1"]]),
    # a date in the first row: data too
    ([["MARTIN", dt.date(1985, 3, 12)]], ("column_1", "column_2"), [["MARTIN", "1985-03-12"]]),
    # an e-mail address in the first row: data
    ([["MARTIN", EMAIL_A]], ("column_1", "column_2"), [["MARTIN", EMAIL_A]]),
    # a phone number written as text: number-like, data
    ([["MARTIN", "04 65 71 12 34"]], ("column_1", "column_2"), [["MARTIN", "04 65 71 12 34"]]),
    # only words: a header, even when they are names (documented limit)
    ([["MARTIN", "Claire"], ["PETIT", "Marc"]], ("MARTIN", "Claire"), [["PETIT", "Marc"]]),
    # empty rows inside the data stay rows, so row numbers match the sheet
    ([["nom"], ["A"], [], ["B"]], ("nom",), [["A"], [None], ["B"]]),
    # header only: a table without rows
    ([["nom", "email"]], ("nom", "email"), []),
])
def test_header_detection(read_path, tmp_path, rows, header, data):
    path = write_xlsx(tmp_path / "h.xlsx", {"S": rows})
    [table] = read_path(path).tables
    assert table.header == header
    assert table.rows() == data


def test_row_numbers_follow_the_sheet(tmp_path):
    # header on sheet row 3, an empty row 5: the NIR on sheet row 6 is data row 2
    rows = [[], [], ["id", "nir"], ["1", "x"], [], ["3", NIR_A]]
    path = write_xlsx(tmp_path / "r.xlsx", {"S": rows})
    [f] = sentinelle.scan([path], entities=["FR_NIR"]).findings
    assert (f.location.sheet, f.location.row, f.location.column) == ("S", 2, "nir")


@pytest.mark.parametrize("n_rows, batch_rows, expected", [
    (5, 2, [(0, 2), (2, 2), (4, 1)]),
    (4, 2, [(0, 2), (2, 2)]),
    (3, 5000, [(0, 3)]),
])
def test_batches(read_path, tmp_path, n_rows, batch_rows, expected):
    rows = [["id", "nom"]] + [[f"id{i}", f"nom{i}"] for i in range(n_rows)]
    path = write_xlsx(tmp_path / "b.xlsx", {"S": rows, "T": rows})
    result = read_path(path, Config(batch_rows=batch_rows))
    for table in result.tables:
        assert [(first, len(cols[0])) for first, cols in table.batches] == expected
        assert table.rows() == [r for r in rows[1:]]
    assert result.stats["rows"] == 2 * n_rows


def test_hidden_sheet_is_read(read_path, tmp_path):
    path = tmp_path / "hidden.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a"])
    secret = book.create_sheet("Cachée")
    secret.sheet_state = "hidden"
    secret.append(["email"])
    secret.append([EMAIL_A])
    book.save(path)
    result = read_path(path)
    assert [t.rows() for t in result.tables] == [[], [[EMAIL_A]]]


@pytest.mark.parametrize("isolate", [True, False])
def test_in_process_and_isolated_read_alike(read_with, tmp_path, isolate):
    path = workbook(tmp_path, ".xlsx", {"Patients": [HEADER] + PEOPLE})
    [table] = read_with(SpreadsheetReader(isolate=isolate), path).tables
    assert table.rows() == PEOPLE_TEXT


def test_member_source_is_copied_and_removed(tmp_path, monkeypatch):
    # a source without a file on disk (an archive member): a private temporary copy, removed
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    data = workbook(tmp_path, ".ods", {"Patients": [HEADER] + PEOPLE}).read_bytes()
    source = Source("a.zip!inner/book.ods", len(data), lambda: io.BytesIO(data), None)
    units = []
    for unit in SpreadsheetReader().read(source, {}):
        units.append((unit.location.sheet, unit.header, [b.columns for b in unit.batches]))
    assert units[0][0] == "Patients" and units[0][1] == tuple(HEADER)
    assert list(spool.iterdir()) == []


# -- sniffing ----------------------------------------------------------------------------------

def _docx(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph(f"Patiente Claire Martin, {EMAIL_A}")
    doc.save(str(path))
    return path


def _odt(path: Path) -> Path:
    doc = OpenDocumentText()
    doc.text.addElement(P(text="Patiente Claire Martin"))
    doc.save(str(path))
    return path


def _plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("patients.csv", "nom;email\nMARTIN;" + EMAIL_A + "\n")
    return path


def _renamed(make, name):
    def build(tmp_path: Path) -> Path:
        made = make(tmp_path)
        return made.rename(tmp_path / name)
    return build


@pytest.mark.parametrize("build, claimed", [
    (lambda d: workbook(d, ".xlsx", {"S": [["a"]]}), True),
    (lambda d: workbook(d, ".xls", {"S": [["a"]]}), True),
    (lambda d: workbook(d, ".ods", {"S": [["a"]]}), True),
    (_renamed(lambda d: workbook(d, ".xlsx", {"S": [["a"]]}), "export"), True),   # no suffix
    (_renamed(lambda d: workbook(d, ".xlsx", {"S": [["a"]]}), "x.zip"), True),    # content wins
    (_renamed(lambda d: workbook(d, ".xls", {"S": [["a"]]}), "x.xlsx"), True),    # XLS named .xlsx
    (_renamed(lambda d: workbook(d, ".ods", {"S": [["a"]]}), "x.xlsx"), True),
    (lambda d: _docx(d / "lettre.docx"), False),             # OOXML, but a word document
    (_renamed(lambda d: _docx(d / "l.docx"), "l.xlsx"), False),  # even under a sheet's name
    (lambda d: _odt(d / "lettre.odt"), False),               # ODF, but text
    (_renamed(lambda d: _odt(d / "l.odt"), "l.ods"), False),
    (lambda d: _plain_zip(d / "a.zip"), False),              # a plain archive
    (_renamed(lambda d: _plain_zip(d / "a.zip"), "a.xlsx"), False),
])
def test_sniff_claims_only_spreadsheets(tmp_path, build, claimed):
    path = build(tmp_path)
    head = path.read_bytes()[:65536]
    reader = pick_reader(head, path.name, Config())
    assert (reader is not None and reader.name == "spreadsheet") is claimed


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek: zipfile then writes data descriptors (flag bit 3)."""

    def __init__(self, target):
        self.target = target

    def writable(self):
        return True

    def write(self, b):
        return self.target.write(b)


@pytest.mark.parametrize("make, streamed, claimed", [
    (lambda d: workbook(d, ".xlsx", {"S": [HEADER] + PEOPLE}), False, True),
    (lambda d: workbook(d, ".xlsx", {"S": [HEADER] + PEOPLE}), True, True),
    (lambda d: _docx(d / "l.docx"), False, False),
    (lambda d: _docx(d / "l.docx"), True, False),
])
def test_content_types_decide_when_parts_lie_beyond_the_head(read_path, tmp_path, make,
                                                             streamed, claimed):
    # Excel's order: [Content_Types].xml first; a 96 KiB thumbnail then pushes every xl/ or
    # word/ part beyond the 64 KiB head, so only the (deflated) content types can tell
    original = zipfile.ZipFile(make(tmp_path))
    path = tmp_path / "repacked.bin"
    with path.open("wb") as raw:
        out = _Unseekable(raw) if streamed else raw
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repacked:
            repacked.writestr("[Content_Types].xml", original.read("[Content_Types].xml"))
            repacked.writestr(zipfile.ZipInfo("docProps/thumbnail.jpeg"),
                              bytes(range(256)) * 384)  # stored, 96 KiB
            for name in original.namelist():
                if name != "[Content_Types].xml":
                    repacked.writestr(name, original.read(name))
    head = path.read_bytes()[:65536]
    assert b"xl/" not in head and b"word/" not in head
    reader = pick_reader(head, path.name, Config())
    assert (reader is not None and reader.name == "spreadsheet") is claimed
    if claimed:
        [table] = read_path(path).tables
        assert table.rows() == PEOPLE_TEXT


def test_misnamed_workbooks_read_by_content(read_path, tmp_path):
    for suffix in (".xls", ".ods"):
        path = workbook(tmp_path, suffix, {"S": [HEADER] + PEOPLE}, name=f"b{suffix[1:]}")
        misnamed = path.rename(tmp_path / f"{path.stem}.xlsx")
        [table] = read_path(misnamed).tables
        assert table.rows() == PEOPLE_TEXT


def test_text_under_a_sheet_name_goes_to_text_readers(read_path, tmp_path):
    # web exports often save CSV as .xls
    path = tmp_path / "export.xls"
    path.write_text("nom;prénom;email\nMARTIN;Claire;" + EMAIL_A + "\n", encoding="utf-8")
    assert read_path(path).reader != "spreadsheet"  # (the text reader today)


# -- errors ------------------------------------------------------------------------------------

def _encrypted(path: Path) -> Path:
    plain = workbook(path.parent, ".xlsx", {"S": [HEADER] + PEOPLE}, name="plain")
    with plain.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        with path.open("wb") as out:
            office.encrypt("mot de passe", out)
    return path


def _truncated(path: Path) -> Path:
    data = workbook(path.parent, ".xlsx", {"S": [HEADER] + PEOPLE}, name="full").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)  # binary, no container
    return path


def _sparse(path: Path) -> Path:
    # two cells 17 billion cells apart: calamine's dense grid would abort the process
    book = openpyxl.Workbook()
    book.active["A1"] = "nom"
    book.active["XFD1048576"] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize("build, name, reason, position", [
    (_encrypted, "secret.xlsx", "encrypted workbook", None),
    (_truncated, "cut.xlsx", "corrupt XLSX: invalid Zip archive: Could not find EOCD", None),
    (_garbage, "garbage.xlsx", "corrupt XLSX: neither a ZIP package nor an OLE2 compound file",
     None),
    (_sparse, "sparse.xlsx", "corrupt XLSX or sheet too large for memory (reader process ended "
     "by signal SIGABRT)", "sheet Sheet"),
])
def test_read_errors(read_path, tmp_path, build, name, reason, position):
    path = build(tmp_path / name)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert (info.value.reason, info.value.position) == (reason, position)
    assert "\n" not in str(info.value)


def test_bad_workbooks_do_not_stop_the_scan(tmp_path):
    leak = tmp_path / "leak"
    leak.mkdir()
    _sparse(leak / "a_sparse.xlsx")
    _encrypted(leak / "b_secret.xlsx")
    workbook(leak, ".xlsx", {"Patients": [HEADER] + PEOPLE}, name="c_good")
    (leak / "plain.xlsx").unlink()
    result = sentinelle.scan([leak], entities=["FR_NIR"])
    assert [(f.path, f.reader, f.issue.reason if f.issue else None) for f in result.files] == [
        ("a_sparse.xlsx", "spreadsheet", "corrupt XLSX or sheet too large for memory "
         "(reader process ended by signal SIGABRT)"),
        ("b_secret.xlsx", "spreadsheet", "encrypted workbook"),
        ("c_good.xlsx", "spreadsheet", None),
    ]
    assert len(result.findings) == 2


def test_cli_one_line_error_and_exit_code_2(tmp_path):
    path = _truncated(tmp_path / "cut.xlsx")
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", str(path), "--format", "json", "--no-db"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines == ["sentinelle: error: cut.xlsx: corrupt XLSX: invalid Zip archive: "
                     "Could not find EOCD"]
    assert "Traceback" not in r.stderr


def test_parser_messages_do_not_carry_file_fragments():
    # quick-xml quotes the offending markup, which could be cell text: long quotes are dropped
    from sentinelle.readers.spreadsheet import _reason

    exc = Exception(f"ill-formed document: close tag `</{EMAIL_A}-{NIR_A}>` does not match any "
                    "open tag\nsecond line")
    assert _reason(exc, "ods") == ("corrupt ODS: ill-formed document: close tag `…` does not "
                                   "match any open tag")
    assert _reason(Exception("close tag `</row>` does not match"), "xlsx") == \
        "corrupt XLSX: close tag `</row>` does not match"   # short markup names stay


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def test_abandoned_read_ends_its_child(tmp_path, monkeypatch):
    # the scan stops reading a workbook half way (an error elsewhere): the reading child is
    # ended and reaped, the temporary link removed
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    rows = [HEADER] + [["MARTIN", "Claire", NIR_A, EMAIL_A, f"ligne {i}"] for i in range(3000)]
    path = write_xlsx(tmp_path / "big.xlsx", {"A": rows, "B": rows, "C": rows})
    renamed = path.rename(tmp_path / "big.bin")  # read through a link named .xlsx
    before = _children()
    source = Source(renamed.name, renamed.stat().st_size, lambda: renamed.open("rb"), renamed)
    units = SpreadsheetReader(batch_rows=100).read(source, {})
    first = next(units)
    next(first.batches)
    assert len(_children() - before) == 1 and len(list(spool.iterdir())) == 1
    units.close()
    assert _children() - before == set()
    assert list(spool.iterdir()) == []


def test_memory_cap_of_the_reading_child(read_with, tmp_path):
    # A1 and CV300000: calamine's dense grid is 30 million cells (about 1 GB, one mapping, more
    # than a parent has freed and kept mapped); 1 MiB of address space above the parent's cannot
    # hold it. Whether Rust aborts or Python raises MemoryError first, the scan gets one line
    book = openpyxl.Workbook()
    book.active.title = "Patients"
    book.active["A1"] = "nom"
    book.active["CV300000"] = EMAIL_A
    path = tmp_path / "wide.xlsx"
    book.save(path)
    with pytest.raises(ReadError) as info:
        read_with(SpreadsheetReader(max_sheet_bytes=1 << 20), path)
    assert "too large for memory" in info.value.reason
    assert info.value.position == "sheet Patients"
