"""Peak memory of ``sentinelle scan`` on big files: a CSV and a SQL dump of synthetic patients.

Usage::

    .venv/bin/python bench/memory.py [--size-mb 2048] [--formats csv,sql,pgcopy]
                                     [--mode scan|read] [--json out.json] [--tmp DIR]

For each format, a file of about ``--size-mb`` MiB of synthetic patients (names, NIR with a valid
key, e-mail, phone, birth date, weight, a free-text comment) is generated, streaming, into a
temporary folder removed at the end (rows come from a pool of 20,000 synthetic patients repeated
with fresh ids):

* ``csv``: a ``;``-separated CSV with a header line;
* ``sql``: a mysqldump-style dump (``CREATE TABLE`` then extended ``INSERT`` statements of 1,000
  rows, about 130 KB, on one line each; backslash escapes);
* ``pgcopy``: a pg_dump-style dump (``COPY ... FROM stdin`` block).

Then each file is scanned in a subprocess of its own:

* ``--mode scan`` (default): ``sentinelle scan FILE --no-db -q`` (findings are made, turned into
  masked records and dropped; ``--findings`` is not used because a 2 GB input gives gigabytes of
  findings);
* ``--mode read``: the reader alone (units and batches consumed, no detection): the reader's own
  memory and speed.

Peak RSS is the child's ``ru_maxrss`` from ``os.wait4`` (kernel accounting of that process only);
RSS is also sampled from ``/proc/PID/status`` every 0.5 s, and the peak over each quarter of the
run is printed, so a flat profile (bounded memory) can be told from a growing one. Wall time,
CPU time and MiB/s (of input, per wall second and per CPU second of the child: on a shared machine
CPU seconds are the comparable figure) are printed as a table and written to ``--json``.

Target (issue 4): peak RSS under 500 MB for each file at 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MIB = 1 << 20
TARGET_RSS_MB = 500
#: distinct synthetic patients generated; bigger files repeat them with fresh ids (generation
#: speed: making every row anew would take longer than scanning it)
POOL = 20_000

SURNAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
            "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David",
            "Bertrand", "Morel", "Fournier", "Girard", "O'Connor", "Garçon", "Nguyễn", "Faure"]
FIRST_NAMES = ["Jean", "Marie", "Éloïse", "Hélène", "Zoé", "Noël", "Chloé", "Lucas", "Inès",
               "Théo", "Léa", "Hugo", "Camille", "Louis", "Jade", "Gabriel", "Manon", "Raphaël"]
COMMENTS = ["RAS", "Allergie pénicilline; \"à surveiller\"", "Patient dit : 'ça va', puis part",
            "Chemin C:\\dossiers\\nouveau\\", "Ligne 1\nLigne 2", "Diabète de type 2",
            "Rappel vaccin dans 6 mois", "", None]
COLUMNS = ["id", "nom", "prenom", "nir", "email", "telephone", "date_naissance", "poids",
           "commentaire"]


def nir(rng: random.Random) -> str:
    """A synthetic NIR with a valid key: key = 97 - (first 13 digits mod 97)."""
    body = (f"{rng.choice('12')}{rng.randint(30, 99):02d}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 95):02d}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}")
    return body + f"{97 - int(body) % 97:02d}"


def patient(rng: random.Random, i: int) -> list[str | None]:
    nom, prenom = rng.choice(SURNAMES), rng.choice(FIRST_NAMES)
    email = f"{prenom.lower()}.{nom.lower()}{i}@example.org".replace("'", "")
    phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} " \
            f"{rng.randint(10, 99)}"
    born = f"{rng.randint(1930, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return [str(i), nom, prenom, nir(rng), email if i % 17 else None, phone, born,
            f"{rng.randint(30, 120)}.{rng.randint(0, 9)}", rng.choice(COMMENTS)]


def _csv_cell(v: str | None) -> str:
    if v is None:
        return ""
    if any(c in v for c in ';"\n\r'):
        return '"' + v.replace('"', '""') + '"'
    return v


def _mysql_cell(v: str | None) -> str:
    if v is None:
        return "NULL"
    return "'" + (v.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
                  .replace("\r", "\\r")) + "'"


def _copy_cell(v: str | None) -> str:
    if v is None:
        return "\\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def generate(fmt: str, path: Path, size: int, seed: int = 20210223) -> int:
    """Write about ``size`` bytes of ``fmt``; return the number of data rows."""
    rng = random.Random(seed)
    rows = 0
    written = 0
    with path.open("wb") as fh:
        def put(text: str) -> None:
            nonlocal written
            data = text.encode("utf-8")
            fh.write(data)
            written += len(data)

        if fmt == "csv":
            put(";".join(COLUMNS) + "\n")
        elif fmt == "sql":
            put("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n\n"
                "CREATE TABLE `patients` (\n" +
                "".join(f"  `{c}` varchar(120) DEFAULT NULL,\n" for c in COLUMNS) +
                "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
                "LOCK TABLES `patients` WRITE;\n")
        else:
            put("--\n-- PostgreSQL database dump\n--\n\nSET standard_conforming_strings = on;\n\n"
                "CREATE TABLE public.patients (\n" +
                ",\n".join(f"    {c} text" for c in COLUMNS) + "\n);\n\n"
                f"COPY public.patients ({', '.join(COLUMNS)}) FROM stdin;\n")
        pool = [patient(rng, i) for i in range(POOL)]
        while written < size:
            block = []
            for r in pool[(rows % POOL):(rows % POOL) + 2000]:
                rows += 1
                block.append([str(rows)] + r[1:])
            if fmt == "csv":
                put("".join(";".join(map(_csv_cell, r)) + "\n" for r in block))
            elif fmt == "sql":
                tuples = ["(" + ",".join(map(_mysql_cell, r)) + ")" for r in block]
                for k in range(0, len(tuples), 1000):  # statements of 1,000 rows (~130 KB)
                    put("INSERT INTO `patients` VALUES " + ",".join(tuples[k:k + 1000]) + ";\n")
            else:
                put("".join("\t".join(map(_copy_cell, r)) + "\n" for r in block))
        if fmt == "sql":
            put("UNLOCK TABLES;\n-- Dump completed\n")
        elif fmt == "pgcopy":
            put("\\.\n\n-- PostgreSQL database dump complete\n")
    return rows


READ_ONLY = """\
import sys
from pathlib import Path
from sentinelle.config import Config
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.encoding import read_head
path = Path(sys.argv[1])
with path.open("rb") as fh:
    head = read_head(fh)
reader = pick_reader(head, path.name, Config())
stats = {}
rows = 0
for unit in reader.read(Source(path.name, path.stat().st_size, lambda: path.open("rb"), path), stats):
    if isinstance(unit, TableUnit):
        for batch in unit.batches:
            rows += batch.n_rows
print(reader.name, rows, file=sys.stderr)
"""


def _rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(cmd: list[str], size: int) -> dict:
    """Run ``cmd``; return wall time, peak RSS (os.wait4) and RSS peaks per quarter of the run."""
    samples: list[tuple[float, int]] = []
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            kb = _rss_kb(proc.pid)
            if kb is not None:
                samples.append((time.monotonic() - start, kb))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    quarters = []
    for q in range(4):
        part = [kb for t, kb in samples if q * wall / 4 <= t < (q + 1) * wall / 4]
        quarters.append(round(max(part) / 1024, 1) if part else None)
    cpu = usage.ru_utime + usage.ru_stime
    return {"exit": proc.returncode, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "rss_quarters_mb": quarters, "mib_per_s": round(size / MIB / wall, 2),
            "mib_per_cpu_s": round(size / MIB / cpu, 2) if cpu else None,
            "stderr": stderr.strip()[-500:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=2048, help="size of each file (MiB)")
    parser.add_argument("--formats", default="csv,sql", help="csv, sql, pgcopy (comma-separated)")
    parser.add_argument("--mode", choices=("scan", "read"), default="scan")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument("--tmp", type=Path, help="folder for the temporary files (default: /tmp)")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for f in formats:
        if f not in ("csv", "sql", "pgcopy"):
            parser.error(f"unknown format {f!r}")
    scanner = Path(sys.executable).with_name("sentinelle")
    results = []
    work = Path(tempfile.mkdtemp(prefix="sentinelle-bench-memory-", dir=args.tmp))
    try:
        env = dict(os.environ)
        env.setdefault("SENTINELLE_KEY", "bench-key-not-secret")
        for fmt in formats:
            path = work / f"patients.{'csv' if fmt == 'csv' else 'sql'}"
            t0 = time.monotonic()
            rows = generate(fmt, path, int(args.size_mb * MIB))
            size = path.stat().st_size
            gen = time.monotonic() - t0
            print(f"generated {fmt}: {size / MIB:,.0f} MiB, {rows:,} rows in {gen:.0f} s",
                  file=sys.stderr, flush=True)
            if args.mode == "scan":
                cmd = [str(scanner), "scan", str(path), "--no-db", "-q"]
            else:
                cmd = [sys.executable, "-c", READ_ONLY, str(path)]
            res = measure(cmd, size)
            res.update(format=fmt, mode=args.mode, size_mib=round(size / MIB, 1), rows=rows,
                       under_target=res["peak_rss_mb"] < TARGET_RSS_MB)
            results.append(res)
            path.unlink()
            print(f"  {fmt}: peak RSS {res['peak_rss_mb']} MB, {res['wall_s']} s, "
                  f"{res['mib_per_s']} MiB/s, exit {res['exit']}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = ("format", "mode", "MiB", "rows", "wall s", "MiB/s", "CPU s", "MiB/CPU s",
              "peak RSS MB", "RSS by quarter MB", f"< {TARGET_RSS_MB} MB")
    lines = [header] + [(r["format"], r["mode"], f"{r['size_mib']:,.0f}", f"{r['rows']:,}",
                         f"{r['wall_s']:,.1f}", f"{r['mib_per_s']:.2f}", f"{r['cpu_s']:,.1f}",
                         f"{r['mib_per_cpu_s']:.2f}", f"{r['peak_rss_mb']:.0f}",
                         " ".join("-" if q is None else f"{q:.0f}" for q in r["rss_quarters_mb"]),
                         "yes" if r["under_target"] else "NO") for r in results]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(c).rjust(w) for c, w in zip(line, widths)))
    for r in results:
        if r["exit"] not in (0, 1):
            print(f"{r['format']}: exit {r['exit']}: {r['stderr']}", file=sys.stderr)
    if args.json:
        meta = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                "command": "scan FILE --no-db -q" if args.mode == "scan" else "reader only"}
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    return 0 if all(r["under_target"] and r["exit"] in (0, 1) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
