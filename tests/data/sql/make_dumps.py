"""Regenerate the SQL dump fixtures of this folder with the real dump tools (see README.md).

Run as root on Debian 12 with ``mariadb-server`` and ``postgresql`` installed::

    python3 tests/data/sql/make_dumps.py

It loads ``rows.json`` (the synthetic rows, the tests' expected values) into a throw-away
MariaDB server and a throw-away PostgreSQL cluster, both in a temporary folder and reachable
through a Unix socket only (no TCP port), dumps them with ``mysqldump`` and ``pg_dump``, then stops
the servers and removes the folder. The load script uses standard SQL string literals only
(quotes doubled, no backslash escapes: MariaDB runs it with ``NO_BACKSLASH_ESCAPES``), so the
escaping found in the dumps is the tools' own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")

SCHEMA = """\
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  nom VARCHAR(80) NOT NULL,
  prénom VARCHAR(80),
  nir CHAR(15),
  email VARCHAR(120),
  telephone VARCHAR(20),
  date_naissance DATE,
  poids NUMERIC(5,1),
  commentaire TEXT
);
CREATE TABLE analyses (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER,
  date_prelevement DATE,
  examen VARCHAR(80),
  resultat TEXT,
  FOREIGN KEY (patient_id) REFERENCES patients (id)
);
"""

#: SQL that is not data: the reader must ignore the INSERTs inside these bodies
PG_CODE = """\
CREATE FUNCTION journaliser() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analyses (id, patient_id, examen) VALUES (NEW.id + 1000, NEW.id, 'créé; ''auto''');
  RETURN NEW;
END
$$;
CREATE TRIGGER patients_journal AFTER INSERT ON patients
  FOR EACH ROW EXECUTE FUNCTION journaliser();
"""
MARIADB_CODE = """\
DELIMITER //
CREATE TRIGGER patients_journal AFTER INSERT ON patients FOR EACH ROW BEGIN
  INSERT INTO analyses (id, patient_id, examen) VALUES (NEW.id + 1000, NEW.id, 'créé; ''auto''');
END//
CREATE PROCEDURE purger() BEGIN
  DELETE FROM analyses WHERE examen = 'x;y';
  INSERT INTO analyses VALUES (9999, 1, '2000-01-01', 'proc', 'p');
END//
DELIMITER ;
"""


def literal(value, cr: str) -> str:
    """A standard SQL literal: NULL, a number, or a string with its quotes doubled.

    A carriage return is written as ``cr`` (a function call joined to the string) because the
    ``mariadb`` client drops a CR before LF in its input.
    """
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    parts = ["'" + part.replace("'", "''") + "'" for part in str(value).split("\r")]
    return parts[0] if len(parts) == 1 else "CONCAT(" + f", {cr}, ".join(parts) + ")"


def load_sql(rows: dict, cr: str) -> str:
    out = [SCHEMA]
    for table, records in rows.items():
        for rec in records:
            cols = ", ".join(rec)
            vals = ", ".join(literal(v, cr) for v in rec.values())
            out.append(f"INSERT INTO {table} ({cols}) VALUES ({vals});\n")
    return "".join(out)


def run(cmd: list[str], out: Path | None = None, stdin: str | None = None, **kw) -> None:
    print("+", " ".join(cmd) + (f" > {out.name}" if out else ""))
    if out is None:
        subprocess.run(cmd, input=stdin, text=True, check=True, **kw)
    else:
        with out.open("wb") as fh:
            subprocess.run(cmd, stdout=fh, check=True, **kw)


def wait_for(path: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {path}")
        time.sleep(0.2)


def mariadb(tmp: Path, sql: str) -> None:
    data, sock = tmp / "mariadb", tmp / "mariadb.sock"
    run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root",
         "--auth-root-authentication-method=normal"], stdout=subprocess.DEVNULL)
    server = subprocess.Popen(["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={sock}",
                               "--skip-networking", "--user=root", f"--pid-file={tmp}/mariadb.pid",
                               f"--log-error={tmp}/mariadb.log"])
    try:
        wait_for(sock)
        client = ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot"]
        run(client, stdin="CREATE DATABASE labo CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;")
        run(client + ["--default-character-set=utf8mb4", "labo"],
            stdin="SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n" + sql + MARIADB_CODE)
        dump = ["mysqldump", "--no-defaults", f"--socket={sock}", "-uroot", "--skip-dump-date"]
        run(dump + ["--routines", "labo"], HERE / "mysqldump_extended.sql")
        run(dump + ["--complete-insert", "--skip-extended-insert", "labo"],
            HERE / "mysqldump_complete_insert.sql")
    finally:
        server.terminate()
        server.wait(60)


def postgres(tmp: Path, sql: str) -> None:
    data = tmp / "pg"
    shutil.chown(tmp, "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"]
    run(as_pg + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--encoding=UTF8",
                 "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
    run(as_pg + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(tmp / "pg.log"), "-w",
                 "-o", f"-k {tmp} -c listen_addresses=''", "start"])
    try:
        client = as_pg + [str(PG_BIN / "psql"), "-h", str(tmp), "-q", "-v", "ON_ERROR_STOP=1"]
        run(client + ["-c", "CREATE DATABASE labo"])
        run(client + ["-d", "labo"], stdin=sql + PG_CODE)
        dump = as_pg + [str(PG_BIN / "pg_dump"), "-h", str(tmp), "labo"]
        run(dump, HERE / "pg_dump_copy.sql")
        run(dump[:-1] + ["--inserts", "--column-inserts", "labo"], HERE / "pg_dump_inserts.sql")
    finally:
        run(as_pg + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "stop"])


def main() -> None:
    rows = json.loads((HERE / "rows.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-sqlfx-"))
    os.chmod(tmp, 0o755)
    try:
        mariadb(tmp, load_sql(rows, "CHAR(13)"))
        postgres(tmp, load_sql(rows, "chr(13)"))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
