"""Every writable format, written by its well-known library (csv, json, openpyxl, pyarrow,
sqlite3's ``iterdump``), redacted, read back: same structure (rows, columns, header, types,
sheets, delimiter, encoding, BOM, line ends), no original identifier left (the output's own
re-scan, and the raw values searched in the output), and the same pseudonym for the same person
in two files.

Synthetic persons: NIR keys computed by hand (key = 97 - (13 digits mod 97); 2A read as 19),
phone numbers in the ARCEP fiction block 04 65 71, e-mail addresses at example.org (RFC 2606).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

PEOPLE = [
    # nom, prenom, nir, telephone, email, naissance, code postal
    ("MARTIN", "Claire", "285072A00412338", "04 65 71 12 34", "claire.martin@example.org",
     "12/03/1985", "75011"),   # NIR: ../shared/cases pb-016
    ("DUPUIS", "Marc", "190010112345616", "04 65 71 98 76", "marc.dupuis@example.org",
     "02/01/1990", "01090"),   # 1900101123456 mod 97 = 81, key 16
]
HEADER = ["nom", "prenom", "nir", "telephone", "email", "date_naissance", "code_postal"]
IDENTIFIERS = [v for p in PEOPLE for v in (p[2], p[3], p[4])]


def _left(text: str) -> list[str]:
    """The original identifiers still present in ``text``."""
    return [v for v in IDENTIFIERS if v in text]


def _csv_bytes(delimiter: str, encoding: str, eol: str, bom: bool) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=eol)
    w.writerow(HEADER)
    for p in PEOPLE:
        w.writerow(p)
    w.writerow(["O'Hara; \"Jo\"", "Anne", "", "", "", "", ""])  # quoting that must survive
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize("name, delimiter, encoding, eol, bom", [
    ("a.csv", ",", "utf-8", "\r\n", False),      # Excel-style CRLF
    ("b.csv", ";", "cp1252", "\n", False),       # French Windows export
    ("c.tsv", "\t", "utf-8", "\n", True),        # BOM (Excel "CSV UTF-8")
])
def test_delimited_structure_and_no_identifier(name, delimiter, encoding, eol, bom, do_redact):
    data = _csv_bytes(delimiter, encoding, eol, bom)
    out, result = do_redact({name: data}, "share")
    assert [f.status for f in result.files] == ["written"], result.files
    new = (out / name).read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") == bom
    text = new.decode("utf-8-sig" if bom else encoding)
    old_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig" if bom else encoding),
                                           newline=""), delimiter=delimiter))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert rows[0] == HEADER and len(rows) == len(old_rows)
    assert [len(r) for r in rows] == [len(r) for r in old_rows]
    assert text.count(eol) == data.decode("utf-8-sig" if bom else encoding).count(eol)
    assert text.splitlines()[3].startswith('"')  # a quoted field stays quoted
    assert rows[3][2:] == old_rows[3][2:] and rows[3][1] != "Anne"
    assert _left(text) == []
    assert rows[1][5] == "1985" and rows[1][6] == "75***"   # generalised quasi-identifiers
    assert result.risk.leak_count == 0 and result.risk.validated_count == 0


def test_same_person_same_pseudonym_across_files_and_formats(do_redact):
    files = {
        "one.csv": _csv_bytes(";", "utf-8", "\n", False),
        "two.json": json.dumps([dict(zip(HEADER, p)) for p in PEOPLE], indent=2).encode(),
    }
    out, _ = do_redact(files, "share")
    rows = list(csv.reader(io.StringIO((out / "one.csv").read_text("utf-8")), delimiter=";"))
    records = json.loads((out / "two.json").read_text("utf-8"))
    for row, rec in zip(rows[1:3], records):
        assert row[2] == rec["nir"] and row[2].startswith("fr_nir_")
        assert row[0] == rec["nom"] and row[1] == rec["prenom"]
    assert rows[1][2] != rows[2][2]
    # a second run with the same key gives the same pseudonyms
    out2, _ = do_redact(files, "share", out_name="again")
    assert (out2 / "one.csv").read_bytes() == (out / "one.csv").read_bytes()


def test_json_structure_key_order_and_spacing(do_redact):
    doc = [{"patient": {"nom": p[0], "prenom": p[1], "ids": {"nir": p[2]}},
            "contacts": [{"tel": p[3]}, {"email": p[4]}], "poids": 61.50, "actif": True,
            "note": None} for p in PEOPLE]
    text = json.dumps(doc, indent=4, ensure_ascii=False)
    text = text.replace("61.5,", "61.50,")  # a number as written, kept as written
    out, result = do_redact({"d.json": text}, "share")
    new = (out / "d.json").read_text("utf-8")
    got = json.loads(new)
    assert [list(r) for r in got] == [list(r) for r in doc]            # key order
    assert [list(r["patient"]) for r in got] == [list(r["patient"]) for r in doc]
    assert "61.50," in new and got[0]["actif"] is True and got[0]["note"] is None
    assert new.count("\n") == text.count("\n")                         # spacing kept
    assert _left(new) == [] and result.risk.leak_count == 0


def test_ndjson_lines_and_blank_lines_kept(do_redact):
    lines = [json.dumps(dict(zip(HEADER, p)), ensure_ascii=False) for p in PEOPLE]
    text = lines[0] + "\n\n" + lines[1] + "\n"
    out, _ = do_redact({"d.ndjson": text}, "test-data")
    new = (out / "d.ndjson").read_text("utf-8").split("\n")
    assert len(new) == 4 and new[1] == "" and new[3] == ""
    recs = [json.loads(l) for l in (new[0], new[2])]
    assert [list(r) for r in recs] == [HEADER, HEADER]
    assert _left("\n".join(new)) == []


def test_fhir_bundle_paths(do_redact):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:1", "resource": {
            "resourceType": "Patient",
            "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": p[2]}],
            "name": [{"family": p[0], "given": [p[1]]}],
            "telecom": [{"system": "phone", "value": p[3]}, {"system": "email", "value": p[4]}],
            "birthDate": "1985-03-12", "address": [{"postalCode": p[6], "city": "Paris"}]}}
        for p in PEOPLE]}
    text = json.dumps(bundle, indent=2)
    out, result = do_redact({"b.json": text}, "research")
    new = json.loads((out / "b.json").read_text("utf-8"))
    assert new["resourceType"] == "Bundle" and len(new["entry"]) == 2
    pat = new["entry"][0]["resource"]
    assert pat["identifier"][0]["system"] == "urn:oid:1.2.250.1.213.1.4.8"  # not personal data
    assert pat["identifier"][0]["value"].startswith("fr_nir_")
    assert pat["birthDate"] == "1985" and pat["address"][0]["postalCode"] == "75***"
    assert pat["telecom"][0] == {"system": "phone", "value": ""}        # research drops contacts
    assert _left(json.dumps(new)) == [] and result.risk.leak_count == 0


def test_text_encoding_and_line_ends(do_redact):
    text = ("Patiente : Mme Claire MARTIN, née le 12/03/1985\r\n"
            "NIR 2 85 07 2A 004 123 38, tél. 04 65 71 12 34\r\n"
            "Résultat : glycémie 1,05 g/L\r\n")
    out, result = do_redact({"cr.txt": text.encode("cp1252"),
                             "u16.txt": b"\xff\xfe" + text.encode("utf-16-le")}, "share")
    for name, codec in (("cr.txt", "cp1252"), ("u16.txt", "utf-16")):
        new = (out / name).read_bytes().decode(codec)
        assert new.count("\r\n") == 3 and "\n" not in new.replace("\r\n", "")
        assert "MARTIN" not in new and "04 65 71 12 34" not in new
        assert "2 85 07 2A 004 123 38" not in new
        assert new.endswith("Résultat : glycémie 1,05 g/L\r\n")
    assert (out / "u16.txt").read_bytes()[:2] == b"\xff\xfe"
    assert result.risk.leak_count == 0 and result.risk.validated_count == 0


def test_xlsx_sheets_rows_types(do_redact, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    ws["B2"] = "nom"  # a table that does not start at A1
    for j, h in enumerate(HEADER[1:], start=3):
        ws.cell(row=2, column=j, value=h)
    for i, p in enumerate(PEOPLE, start=3):
        ws.cell(row=i, column=2, value=p[0])
        for j, v in enumerate(p[1:], start=3):
            ws.cell(row=i, column=j, value=v)
        ws.cell(row=i, column=7, value=dt.datetime.strptime(p[5], "%d/%m/%Y"))
        ws.cell(row=i, column=7).number_format = "dd/mm/yyyy"
    ws2 = wb.create_sheet("Notes")
    ws2.append(["commentaire"])
    ws2.append(["RAS"])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    out, result = do_redact({"w.xlsx": path.read_bytes()}, "test-data")
    assert [f.status for f in result.files] == ["written"], result.files
    new = openpyxl.load_workbook(out / "w.xlsx")
    assert new.sheetnames == ["Patients", "Notes"]
    ns = new["Patients"]
    assert (ns.min_row, ns.max_row, ns.min_column, ns.max_column) == (2, 4, 2, 8)
    assert [c.value for c in ns[2]][1:] == HEADER
    assert isinstance(ns["G3"].value, dt.datetime)      # a shifted birth date stays a date
    assert ns["G3"].value != dt.datetime(1985, 3, 12)
    assert new["Notes"]["A2"].value == "RAS"
    values = " ".join(str(c.value) for row in ns.iter_rows() for c in row)
    assert _left(values) == [] and result.risk.leak_count == 0


def test_parquet_schema_kept(do_redact, tmp_path):
    table = pa.table({
        "nom": [p[0] for p in PEOPLE], "nir": [p[2] for p in PEOPLE],
        "telephone": pa.array([p[3] for p in PEOPLE]).dictionary_encode(),
        "age": pa.array([40, 35], pa.int32()),
        "date_naissance": pa.array([dt.date(1985, 3, 12), dt.date(1990, 1, 2)], pa.date32()),
    })
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, compression="zstd")
    out, result = do_redact({"t.parquet": path.read_bytes()}, "test-data")
    assert [f.status for f in result.files] == ["written"], result.files
    new = pq.read_table(out / "t.parquet")
    assert new.schema == table.schema and new.num_rows == 2
    assert pq.ParquetFile(out / "t.parquet").metadata.row_group(0).column(0).compression == "ZSTD"
    assert new.column("age").to_pylist() == [40, 35]
    assert new.column("date_naissance").to_pylist() != table.column("date_naissance").to_pylist()
    assert _left(str(new.to_pylist())) == [] and result.risk.leak_count == 0


def test_sqlite_iterdump_insert_literals_only(do_redact):
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE TABLE patients (id INTEGER, {', '.join(h + ' TEXT' for h in HEADER)})")
    for i, p in enumerate(PEOPLE, 1):
        con.execute("INSERT INTO patients VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (i, *p))
    con.execute("INSERT INTO patients (id, nom) VALUES (3, 'O''Hara')")
    dump = "\n".join(con.iterdump()) + "\n"
    out, result = do_redact({"dump.sql": dump}, "share")
    assert [f.status for f in result.files] == ["written"], result.files
    new = (out / "dump.sql").read_text("utf-8")
    old_lines, new_lines = dump.splitlines(), new.splitlines()
    assert len(new_lines) == len(old_lines)
    for a, b in zip(old_lines, new_lines):
        if not a.startswith("INSERT"):
            assert a == b                                   # everything else byte-identical
        else:
            assert b.split("VALUES")[0] == a.split("VALUES")[0]
    assert "O''Hara" not in new and _left(new) == []
    check = sqlite3.connect(":memory:")
    check.executescript(new)                                # still a valid script
    assert check.execute("SELECT count(*), count(nir) FROM patients").fetchone() == (3, 2)


def test_mysql_and_pg_copy(do_redact):
    mysql = ("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
             "CREATE TABLE `p` (\n  `id` int NOT NULL,\n  `nom` varchar(50),\n"
             "  `nir` varchar(20),\n  `email` varchar(80),\n  PRIMARY KEY (`id`)\n);\n"
             "INSERT INTO `p` VALUES (1,'O\\'Brien','" + PEOPLE[0][2] + "','" + PEOPLE[0][4]
             + "'),(2,'DUPUIS','" + PEOPLE[1][2] + "',NULL);\n")
    pg = ("--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n"
          "CREATE TABLE public.p (\n    id integer,\n    nom text,\n    nir text\n);\n"
          "COPY public.p (id, nom, nir) FROM stdin;\n"
          f"1\tMARTIN\t{PEOPLE[0][2]}\n2\tDUPUIS\t{PEOPLE[1][2]}\n\\.\n")
    out, result = do_redact({"my.sql": mysql, "pg.sql": pg}, "share")
    assert [f.status for f in result.files] == ["written", "written"], result.files
    my = (out / "my.sql").read_text("utf-8")
    assert my.split("INSERT")[0] == mysql.split("INSERT")[0]
    assert ",NULL);" in my and _left(my) == [] and "O\\'Brien" not in my
    new_pg = (out / "pg.sql").read_text("utf-8").splitlines()
    assert new_pg[:-3] == pg.splitlines()[:-3] and new_pg[-1] == "\\."
    assert [len(l.split("\t")) for l in new_pg[-3:-1]] == [3, 3]
    assert _left("\n".join(new_pg)) == [] and result.risk.leak_count == 0


def test_same_input_never_modified(do_redact, tmp_path):
    data = _csv_bytes(";", "utf-8", "\n", False)
    out, _ = do_redact({"p.csv": data}, "share")
    assert (tmp_path / "in" / "p.csv").read_bytes() == data


def test_xls_not_written_back_not_copied(do_redact, tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("p")
    for j, h in enumerate(HEADER):
        sheet.write(0, j, h)
    for j, v in enumerate(PEOPLE[0]):
        sheet.write(1, j, v)
    path = tmp_path / "old.xls"
    book.save(str(path))
    out, result = do_redact({"old.xls": path.read_bytes()}, "share")
    (res,) = result.files
    assert res.status == "skipped" and "XLSX only" in res.reason
    assert not (out / "old.xls").exists()
