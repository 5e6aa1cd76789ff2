"""Peak memory and speed of the table readers (XLSX, ODS, Parquet, SQLite) alone, no detection.

Usage::

    .venv/bin/python bench/tables_memory.py [--rows 200000] [--batch-rows 5000]
        [--formats xlsx,xlsx-in-process,parquet,sqlite] [--tmp DIR]

(``xlsx-in-process``: the same XLSX read without the forked child, to price the isolation.)

A table of ``--rows`` synthetic patients (8 columns: names, NIR with a valid key, e-mail, phone,
birth date, weight, a comment) is written with openpyxl (write-only mode), pyarrow (row groups of
64k rows) and sqlite3 into a temporary folder removed at the end. Each file is then read by its
reader in a subprocess of its own (units and batches consumed, nothing kept); the figures are:

* ``reader RSS``: the reading process's peak RSS (``VmHWM`` in ``/proc/self/status``; not
  ``ru_maxrss`` from ``wait4``, which keeps the high-water mark of the forking bench process);
* ``child RSS``: for spreadsheets, the peak RSS of the forked calamine child
  (``RUSAGE_CHILDREN`` of the reading process): calamine holds a whole sheet as a dense grid;
* wall time and rows per second.

The baseline (interpreter + sentinelle + pyarrow imported, nothing read) is printed first.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["nom", "prenom", "nir", "email", "tel", "naissance", "poids", "commentaire"]
_READ = r"""
import json, resource, sys, time
from pathlib import Path
from sentinelle.readers.base import Source
from sentinelle.readers.columnar import ParquetReader
from sentinelle.readers.spreadsheet import SpreadsheetReader
from sentinelle.readers.sqlite import SqliteReader
path, kind, batch_rows = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
reader = {"xlsx": SpreadsheetReader, "xlsx-in-process": SpreadsheetReader,
          "parquet": ParquetReader, "sqlite": SqliteReader, "none": None}[kind]
options = {"isolate": False} if kind == "xlsx-in-process" else {}
rows = 0
t0 = time.perf_counter()
import pyarrow, pyarrow.parquet  # in the baseline too
if reader is not None:
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    for unit in reader(batch_rows=batch_rows, **options).read(source, {}):
        for batch in unit.batches:
            rows += batch.n_rows
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - t0, "self_kib": hwm,
                  "child_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _nir(rng: random.Random) -> str:
    body = f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}" \
           f"{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return body + f"{97 - int(body) % 97:02d}"  # key = 97 - (13 digits mod 97)


def people(n: int, seed: int = 7):
    rng = random.Random(seed)
    names = ["MARTIN", "BERNARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON", "LAURENT"]
    first = ["Claire", "Marc", "Zoé", "Hélène", "Louis", "Inès", "Paul", "Chloé"]
    for i in range(n):
        nom, prenom = rng.choice(names), rng.choice(first)
        yield [nom, prenom, _nir(rng), f"{prenom.lower()}.{nom.lower()}{i}@example.org",
               f"04 65 71 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
               f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               round(rng.uniform(40, 110), 1), "RAS, revoir dans un mois"]


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Patients")
    sheet.append(HEADER)
    for row in people(n):
        sheet.append(row)
    book.save(path)


def write_parquet(path: Path, n: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(h, pa.float64() if h == "poids" else pa.string()) for h in HEADER])
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[list] = []
        for row in people(n):
            chunk.append(row)
            if len(chunk) == 65536:
                writer.write_table(pa.Table.from_pylist([dict(zip(HEADER, r)) for r in chunk],
                                                        schema))
                chunk = []
        if chunk:
            writer.write_table(pa.Table.from_pylist([dict(zip(HEADER, r)) for r in chunk], schema))


def write_sqlite(path: Path, n: int) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE patients ({', '.join(HEADER)})")
    con.executemany(f"INSERT INTO patients VALUES ({', '.join('?' * len(HEADER))})", people(n))
    con.commit()
    con.close()


WRITERS = {"xlsx": write_xlsx, "parquet": write_parquet, "sqlite": write_sqlite}


def measure(path: Path | None, kind: str, batch_rows: int) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", _READ, str(path or ""), kind,
                             str(batch_rows)], stdout=subprocess.PIPE, text=True)
    t0 = time.perf_counter()
    out = proc.stdout.read()
    proc.wait()
    figures = json.loads(out) if proc.returncode == 0 else {"rows": 0, "seconds": 0,
                                                             "self_kib": 0, "child_kib": 0}
    figures.update(wall=time.perf_counter() - t0, reader_mib=figures.pop("self_kib") / 1024,
                   child_mib=figures.pop("child_kib") / 1024, exit=proc.returncode)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch-rows", type=int, default=5000)
    parser.add_argument("--formats", default="xlsx,xlsx-in-process,parquet,sqlite")
    parser.add_argument("--tmp", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sentinelle-bench-", dir=args.tmp))
    try:
        base = measure(None, "none", args.batch_rows)
        print(f"baseline (imports only): {base['reader_mib']:.0f} MiB")
        print(f"{'format':16} {'rows':>9} {'file MiB':>9} {'reader RSS':>11} {'child RSS':>10} "
              f"{'seconds':>8} {'rows/s':>9}")
        for kind in args.formats.split(","):
            suffix = {"sqlite": "db", "xlsx-in-process": "xlsx"}.get(kind, kind)
            path = folder / f"people.{suffix}"
            WRITERS[suffix if suffix != "db" else "sqlite"](path, args.rows)
            fig = measure(path, kind, args.batch_rows)
            rate = fig["rows"] / fig["seconds"] if fig["seconds"] else 0
            print(f"{kind:16} {fig['rows']:>9} {path.stat().st_size / 2**20:>9.1f} "
                  f"{fig['reader_mib']:>8.0f} MiB {fig['child_mib']:>6.0f} MiB "
                  f"{fig['seconds']:>8.1f} {rate:>9.0f}"
                  + (f"  (exit {fig['exit']})" if fig["exit"] else ""))
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
