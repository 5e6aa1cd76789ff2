"""SqlDumpReader on dumps written by the real tools (tests/data/sql/README.md: mysqldump from
MariaDB 10.11, pg_dump 15), plus tokenising rules taken from the MySQL and PostgreSQL manuals.

Expected values are the rows loaded into the databases (tests/data/sql/rows.json), never the
reader's own output.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.sqldump import SqlDumpReader, dialect, looks_like_dump

SQL = Path(__file__).resolve().parents[1] / "data" / "sql"
ROWS = json.loads((SQL / "rows.json").read_text(encoding="utf-8"))


def expected(table: str) -> tuple[tuple[str, ...], list[list[str | None]]]:
    records = ROWS[table]
    header = tuple(records[0])
    return header, [[None if v is None else str(v) for v in r.values()] for r in records]


PATIENTS_HEADER, PATIENTS = expected("patients")
ANALYSES_HEADER, ANALYSES = expected("analyses")

DUMPS = [  # file, table name prefix as written in the dump
    ("mysqldump_extended.sql", ""),          # extended INSERT, one tuple per line, + routines
    ("mysqldump_complete_insert.sql", ""),   # one INSERT per row with its column list
    ("pg_dump_copy.sql", "public."),         # COPY ... FROM stdin blocks
    ("pg_dump_inserts.sql", "public."),      # --inserts --column-inserts
]


def fixture_text(name: str) -> str:
    """A fixture's text exactly (no newline translation: a CR inside a value stays)."""
    return (SQL / name).read_bytes().decode("utf-8")


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


# -- helpers reading units with their sheet -----------------------------------------------------
class Read:
    def __init__(self, path: Path, batch_rows: int = 5000):
        from sentinelle.readers.base import Source

        self.units: list[tuple[str, tuple[str, ...], list[int], list[list]]] = []
        self.stats: dict = {}
        self.error: ReadError | None = None
        source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
        try:
            for unit in SqlDumpReader(batch_rows=batch_rows).read(source, self.stats):
                firsts, rows = [], []
                self.units.append((unit.location.sheet, unit.header, firsts, rows))
                for batch in unit.batches:
                    firsts.append(batch.first_row)
                    rows.extend(map(list, zip(*batch.columns)))
        except ReadError as exc:
            self.error = exc

    def table(self, sheet: str) -> tuple[tuple[str, ...], list[list]]:
        headers = {u[1] for u in self.units if u[0] == sheet}
        assert len(headers) == 1, headers
        return headers.pop(), [r for u in self.units if u[0] == sheet for r in u[3]]


# -- dumps written by the tools -----------------------------------------------------------------
@pytest.mark.parametrize("name, prefix", DUMPS)
def test_tool_dumps_header_and_values(name, prefix):
    read = Read(SQL / name)
    assert read.error is None
    assert [u[0] for u in read.units] == [prefix + "analyses", prefix + "patients"]
    assert read.table(prefix + "patients") == (PATIENTS_HEADER, PATIENTS)
    # the INSERTs inside the trigger, function and procedure bodies are not data
    assert read.table(prefix + "analyses") == (ANALYSES_HEADER, ANALYSES)
    assert (read.stats["rows"], read.stats["columns"]) == (14, 9)


@pytest.mark.parametrize("name, prefix", DUMPS)
def test_tool_dumps_escapes_and_nulls(name, prefix):
    _, rows = Read(SQL / name).table(prefix + "patients")
    col = {h: i for i, h in enumerate(PATIENTS_HEADER)}
    assert rows[1][col["nom"]] == "O'Connor"                      # quote in a name
    assert rows[2][col["email"]] is None                          # NULL
    assert rows[2][col["poids"]] is None                          # NULL number
    assert rows[2][col["commentaire"]] == "Chemin C:\\dossiers\\nouveau\\"  # backslashes, last one too
    assert rows[3][col["commentaire"]] == "Ligne 1\nLigne 2\r\nLigne 3\ttabulée"
    assert rows[4][col["commentaire"]] is None
    assert rows[5][col["commentaire"]] == ""                      # empty string is not NULL
    assert rows[6][col["commentaire"]] == "Valeurs ),( et '); DROP TABLE patients; --"
    assert rows[7][col["commentaire"]] == "\\N"                   # the text \N, not NULL
    assert rows[8][col["commentaire"]] == "NULL"                  # the text NULL, not NULL
    assert rows[9][col["commentaire"]].startswith("Émoji 🙂 — naïve")
    assert rows[1][col["poids"]] == "82.0"                        # numbers as written


@pytest.mark.parametrize("name, prefix", DUMPS)
def test_scan_finds_nir_with_table_row_column(name, prefix):
    result = sentinelle.scan(SQL / name)
    [report] = result.files
    assert (report.reader, report.issue, report.rows) == ("sql", None, 14)
    nirs = {(f.location.sheet, f.location.row, f.location.column) for f in result.findings
            if f.entity_type == "FR_NIR"}
    assert nirs == {(prefix + "patients", i, "nir") for i in range(10)}
    emails = {f.location.row for f in result.findings if f.entity_type == "EMAIL_ADDRESS"}
    assert emails == set(range(10)) - {2}  # row 2 has a NULL e-mail


def test_batches_keep_row_numbers(tmp_path):
    read = Read(SQL / "mysqldump_extended.sql", batch_rows=3)
    patients = [u for u in read.units if u[0] == "patients"]
    assert [u[2] for u in patients] == [[0, 3, 6, 9]]
    assert read.table("patients")[1] == PATIENTS


# -- interleaved tables -------------------------------------------------------------------------
def interleaved(text: str) -> str:
    """pg_dump --inserts output with the INSERTs of the two tables alternated."""
    head, _, rest = text.partition("\nINSERT INTO ")
    statements = ["INSERT INTO " + s for s in ("\nINSERT INTO " + rest).split("\nINSERT INTO ")[1:]]
    tail_at = statements[-1].index(";\n") + 2
    statements[-1], tail = statements[-1][:tail_at], statements[-1][tail_at:]
    patients = [s for s in statements if s.startswith("INSERT INTO public.patients")]
    analyses = [s for s in statements if s.startswith("INSERT INTO public.analyses")]
    mixed = []
    for i in range(max(len(patients), len(analyses))):
        mixed += patients[i:i + 1] + analyses[i:i + 1]
    return head + "\n" + "\n".join(s.rstrip("\n") for s in mixed) + "\n" + tail


def test_two_tables_interleaved(tmp_path):
    text = interleaved(fixture_text("pg_dump_inserts.sql"))
    path = write(tmp_path, "mixed.sql", text)
    read = Read(path)
    assert read.error is None
    # one unit per contiguous run; first_row counts rows within each table
    assert [(u[0].split(".")[1], u[2]) for u in read.units] == [
        ("patients", [0]), ("analyses", [0]), ("patients", [1]), ("analyses", [1]),
        ("patients", [2]), ("analyses", [2]), ("patients", [3]), ("analyses", [3]),
        ("patients", [4])]  # the last six patients are one run: one unit, one batch
    assert read.table("public.patients") == (PATIENTS_HEADER, PATIENTS)
    assert read.table("public.analyses") == (ANALYSES_HEADER, ANALYSES)
    result = sentinelle.scan(path)
    assert {f.location.row for f in result.findings if f.entity_type == "FR_NIR"} == set(range(10))


# -- truncated and malformed dumps --------------------------------------------------------------
def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("name, statement, cut_before, kept, reason", [  # statement: cut one
    # cut inside the 4th tuple of the extended INSERT: 3 complete rows
    ("mysqldump_extended.sql", "INSERT INTO `patients`", "(4,'Nguy", 3, "truncated INSERT"),
    # cut inside a string that holds newlines (pg_dump --inserts: the 4th patient's INSERT)
    ("pg_dump_inserts.sql", "VALUES (4, 'Nguy", "Ligne 2", 3, "truncated INSERT"),
    # cut inside the COPY block of patients, in the middle of the 5th line
    ("pg_dump_copy.sql", "COPY public.patients", "5\tDubois", 4, "truncated COPY"),
])
def test_truncated_dump(tmp_path, name, statement, cut_before, kept, reason):
    text = fixture_text(name)
    cut = text.index(cut_before) + len(cut_before) // 2
    path = write(tmp_path, name, text[:cut])
    read = Read(path)
    prefix = "public." if name.startswith("pg") else ""
    assert read.table(prefix + "analyses")[1] == ANALYSES
    assert read.table(prefix + "patients")[1] == PATIENTS[:kept]
    assert read.error is not None and read.error.reason.startswith(reason)
    n = line_of(text, statement)
    assert read.error.position == f"line {n}"
    # the scanner keeps the findings of the complete rows and records a one-line issue
    result = sentinelle.scan(path)
    [report] = result.files
    assert report.issue.kind == "error" and report.issue.position == f"line {n}"
    assert reason in str(report.issue) and "\n" not in str(report.issue)
    assert {f.location.row for f in result.findings if f.entity_type == "FR_NIR"} == set(range(kept))


@pytest.mark.parametrize("bad", [
    "INSERT INTO `patients` VALUES (11,,'x');",     # an empty cell
    "INSERT INTO `patients` VALUES 11,'x';",        # no tuple
    "INSERT INTO `patients` VALUES (11,'x'));",     # a parenthesis too many
])
def test_malformed_insert_is_skipped_and_reported(tmp_path, bad):
    text = fixture_text("mysqldump_extended.sql")
    at = text.index("INSERT INTO `patients`")
    path = write(tmp_path, "bad.sql", text[:at] + bad + "\n" + text[at:])
    read = Read(path)
    assert read.table("analyses")[1] == ANALYSES
    patients = [r for u in read.units if u[0] == "patients" and len(u[1]) == 9 for r in u[3]]
    assert patients == PATIENTS  # the statements after the bad one are read
    assert read.error.reason.startswith("1 statement(s) skipped: malformed INSERT")
    assert read.error.position == f"line {line_of(text, 'INSERT INTO `patients`')}"


def test_garbage_sql_files(tmp_path):
    rng = random.Random(7)
    binary = write(tmp_path, "dump.sql", bytes(rng.randrange(256) for _ in range(4096)))
    prose = write(tmp_path, "notes.sql", "Compte rendu de la réunion.\nÀ faire : relancer Dr Martin.\n")
    result = sentinelle.scan(tmp_path)
    by_path = {r.path: r for r in result.files}
    # a binary .sql is claimed by its suffix and reported, never a traceback
    assert by_path[binary.name].reader == "sql"
    assert by_path[binary.name].issue.reason == "binary content, not text"
    # prose named .sql is not a dump: content beats extension, it is read as text
    assert by_path[prose.name].reader == "text" and by_path[prose.name].issue is None


# -- sniffing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, source, reader", [
    ("dump.sql", "mysqldump_extended.sql", "sql"),
    ("dump.txt", "pg_dump_copy.sql", "sql"),            # a dump named .txt is a dump
    ("export", "mysqldump_complete_insert.sql", "sql"),  # no suffix
    ("dump.dat", "pg_dump_inserts.sql", "sql"),
])
def test_sniff_tool_dumps(tmp_path, name, source, reader):
    data = (SQL / source).read_bytes()
    assert pick_reader(data[:65536], name, Config()).name == reader


@pytest.mark.parametrize("name, text, reader", [
    # SQL without a tool header, starting with a statement and holding data statements
    ("a.txt", "BEGIN;\nINSERT INTO t VALUES (1,'a');\nCOMMIT;\n", "sql"),
    ("a", "CREATE TABLE t (a int);\n", "sql"),
    # prose that mentions a statement is not a dump
    ("notes.txt", "Pour charger : INSERT INTO t VALUES (1);\nMerci.\n", "text"),
    # a .sql script with no table or data statement is scanned as text: literals in queries
    # and updates can be personal data
    ("query.sql", "SELECT * FROM patients WHERE nir = '184017512345658';\n", "text"),
    ("fix.sql", "UPDATE patients SET email = 'a@example.org' WHERE id = 3;\n", "text"),
    # CSV named .txt stays a CSV
    ("a.txt", "id;nom;prenom\n1;Martin;Jean\n2;Petit;Léa\n", "csv"),
])
def test_sniff_text(name, text, reader):
    assert pick_reader(text.encode("utf-8"), name, Config()).name == reader


@pytest.mark.parametrize("head, expected", [
    ("-- MySQL dump 10.13\n", (True, False)),
    ("-- MariaDB dump 10.19\n", (True, False)),
    ("-- phpMyAdmin SQL Dump\n", (True, False)),
    ("--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n", (False, True)),
    ("--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = off;\n", (True, True)),
    ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n", (False, True)),  # sqlite3 .dump
    ("INSERT INTO `t` VALUES (1);\n", (True, False)),                   # backtick: MySQL
    ("INSERT INTO t VALUES (1);\n", (True, False)),                     # unknown: MySQL rules
])
def test_dialect(head, expected):
    assert dialect(head) == expected


def test_looks_like_dump_needs_sql_first():
    assert looks_like_dump("SET NAMES utf8;\nINSERT INTO t VALUES (1);\n")
    assert not looks_like_dump("Bonjour,\nINSERT INTO t VALUES (1);\n")


# -- tokenising rules (MySQL 8.0 manual 11.1.1; PostgreSQL 15 manual 4.1.2 and COPY) --------------
MYSQL = "-- MySQL dump 10.13\n"
PG = "--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n"


@pytest.mark.parametrize("sql, rows", [
    # MySQL escapes: \0 \b \n \r \t \Z \\ \' \", \% and \_ keep their backslash, \x is x
    (MYSQL + r"INSERT INTO t VALUES ('a\0b\bc\nd\re\tf\Zg\\h\'i\"j\%k\_l\xm');",
     [["a\0b\bc\nd\re\tf\x1ag\\h'i\"j\\%k\\_lxm"]]),
    # doubled quotes, double-quoted strings, NULL in any case, numbers as written
    (MYSQL + "INSERT INTO t VALUES ('it''s', \"say \"\"hi\"\"\", null, NuLl, -1.50e3, 0);",
     [["it's", 'say "hi"', None, None, "-1.50e3", "0"]]),
    # introducers and hexadecimal literals (decoded when they are text)
    (MYSQL + "INSERT INTO t VALUES (_binary 'bin', _utf8mb4'u', N'n', 0x4A65616E, X'4A6F', 0x00FF);",
     [["bin", "u", "n", "Jean", "Jo", "0x00FF"]]),
    # INSERT IGNORE, REPLACE, a column list, ON DUPLICATE KEY UPDATE tail
    (MYSQL + "INSERT IGNORE INTO t (b, a) VALUES ('1','2'),('3','4') ON DUPLICATE KEY UPDATE a=a;\n"
     "REPLACE INTO t (b, a) VALUES ('5','6');",
     [["1", "2"], ["3", "4"], ["5", "6"]]),
    # expressions are kept as SQL text
    (MYSQL + "INSERT INTO t VALUES (now(), CONCAT('a', 'b'), 1 + 2);",
     [["now()", "CONCAT('a', 'b')", "1 + 2"]]),
    # PostgreSQL standard strings: a backslash is a character
    (PG + "INSERT INTO t VALUES ('C:\\new\\', 'it''s');", [["C:\\new\\", "it's"]]),
    # E'' strings: C-style escapes, octal, hex, Unicode
    (PG + r"INSERT INTO t VALUES (E'a\nb\'c\\d\101\x42\u00e9\U0001F642', e'x');",
     [["a\nb'c\\dAB\u00e9\U0001F642", "x"]]),
    # casts, ON CONFLICT, OVERRIDING SYSTEM VALUE (pg_dump --inserts on identity columns)
    (PG + "INSERT INTO t OVERRIDING SYSTEM VALUE VALUES ('2021-01-01'::date, 1) ON CONFLICT DO NOTHING;",
     [["2021-01-01", "1"]]),
    # COPY text format escapes; \N is NULL; a CRLF line end is not data
    (PG + "COPY t (a, b, c) FROM stdin;\nx\\ty\\\\z\\101\\x41\t\\N\t\\\\N\r\n\\.\r\n",
     [["x\ty\\zAA", None, "\\N"]]),
])
def test_literal_rules(tmp_path, sql, rows):
    read = Read(write(tmp_path, "t.sql", sql))
    assert read.error is None
    assert [r for u in read.units for r in u[3]] == rows


@pytest.mark.parametrize("sql, header", [
    # INSERT column list mapped onto the CREATE TABLE order; unlisted columns are None
    ("CREATE TABLE t (a int, `b` text, \"c\" text, PRIMARY KEY (a), KEY k (b));\n"
     "INSERT INTO t (c, a) VALUES ('3', '1');", ("a", "b", "c")),
    # no CREATE TABLE, no column list: column_N names
    ("INSERT INTO t VALUES ('1', '2');", ("column_1", "column_2")),
    # a wider tuple than the CREATE TABLE: extra columns named column_N
    ("CREATE TABLE t (a int);\nINSERT INTO t VALUES ('1', '2');", ("a", "column_2")),
    # PostgreSQL constraints in the column list are not columns
    ("CREATE TABLE s.t (id integer, nom text DEFAULT 'a,b', CONSTRAINT pk PRIMARY KEY (id),"
     " CHECK (id > 0));\nINSERT INTO s.t VALUES (1, 'x');", ("id", "nom")),
])
def test_header_recovery(tmp_path, sql, header):
    read = Read(write(tmp_path, "t.sql", sql))
    assert read.error is None
    assert [u[1] for u in read.units] == [header]


def test_mapped_columns_values(tmp_path):
    sql = "CREATE TABLE t (a int, b text, c text);\nINSERT INTO t (c, a) VALUES ('3', '1'),('6','4');"
    read = Read(write(tmp_path, "t.sql", sql))
    assert read.units[0][3] == [["1", None, "3"], ["4", None, "6"]]


def test_ragged_tuples_padded(tmp_path):
    read = Read(write(tmp_path, "t.sql", "INSERT INTO t VALUES ('1','2'),('3'),('4','5','6');"))
    assert read.units[0][3] == [["1", "2"], ["3", None], ["4", "5"]]
    assert read.stats["ragged_rows"] == 2


def test_not_data_is_ignored(tmp_path):
    sql = ("--\n-- PostgreSQL database dump\n--\n"
           "CREATE FUNCTION f() RETURNS void AS $body$ INSERT INTO t VALUES ('no'); $body$ "
           "LANGUAGE sql;\nCOMMENT ON TABLE t IS 'INSERT INTO t VALUES (''no'');';\n"
           "\\connect other\nINSERT INTO t VALUES ('yes');\n")
    read = Read(write(tmp_path, "t.sql", sql))
    assert [r for u in read.units for r in u[3]] == [["yes"]]


# -- streaming: chunk boundaries anywhere give the same rows ----------------------------------------
@pytest.mark.parametrize("chunk_bytes", [1, 7, 4096])
@pytest.mark.parametrize("name, prefix", DUMPS)
def test_chunk_boundaries(monkeypatch, name, prefix, chunk_bytes):
    from sentinelle.readers import sqldump

    class SmallChunks(sqldump.DecodedStream):
        def _blocks(self):  # the decoded head too comes in small pieces
            for block in super()._blocks():
                for i in range(0, len(block), chunk_bytes):
                    yield block[i:i + chunk_bytes]

    monkeypatch.setattr(sqldump, "DecodedStream", SmallChunks)
    monkeypatch.setattr(sqldump, "HEAD_CHARS", 200)  # longer than any statement head here
    read = Read(SQL / name)
    assert read.error is None
    assert read.table(prefix + "patients") == (PATIENTS_HEADER, PATIENTS)
    assert read.table(prefix + "analyses") == (ANALYSES_HEADER, ANALYSES)


def test_copy_with_options_is_skipped_and_reported(tmp_path):
    sql = (PG + "COPY t (a) FROM stdin WITH (FORMAT csv);\n\"1,2\"\n\\.\n"
           "INSERT INTO t VALUES ('after');\n")
    read = Read(write(tmp_path, "t.sql", sql))
    assert [r for u in read.units for r in u[3]] == [["after"]]
    assert read.error.reason == "1 statement(s) skipped: COPY with options not read"
    assert read.error.position == "line 5"
