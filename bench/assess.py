"""Time `scan` + `assess` on a synthetic leak; print wall time, the scan/assess split, peak
memory and the patient-count error against the ground truth.

    .venv/bin/python bench/assess.py --patients 20000            # 4 labs, 3 copies
    .venv/bin/python bench/assess.py --patients 20000 --jobs 2   # scan in 2 worker processes
    .venv/bin/python bench/assess.py --patients 500000 --out /tmp/leak500k --keep

Target (issue 5): under 120 s and 4 GB at 500,000 patients with 3 copies on the 2-core machine.
The leak is written by ``sentinelle synth`` in a child process (its memory is not counted), then
assessed in this process with a temporary store. "scan" is the reading and detection time (the
scanner's work, issue 6); "assess" the rest, split into "records" (turning findings into hashed
person records, during the scan), "linkage" (exact keys, Splink, clusters), "copies", "document
other" (categories, sources, severity, known leaks, registering) and "store" (writing the
assessment's tables). Each figure is wall time (``_s``); ``cpu_s`` is the CPU time of this
process and its worker processes, ``assess_records_cpu_s`` the records step's in this process
(threads included) and ``assess_records_tables_cpu_s`` the part of it done where the table
findings are made (:class:`~sentinelle.assess.records.RecordPrep`: the workers with
``--jobs``, else this process, inside the scan's wall time; ``assess_records_s`` then includes
it). Peak RSS is this process's maximum resident set size (``getrusage``), and
``worker_peak_rss_mib`` the largest worker's with ``--jobs``. On a shared machine wall times
follow the load: compare CPU figures, and runs made in the same minute.

``--synth-only`` times the generator alone (its wall time is printed on stderr).

``--link-copies K`` then times the linkage alone at K times the size: the assessment's person
records (``assess_records`` of the store) copied K times, every keyed hash of copy ``c > 0``
re-hashed with ``c`` (new, distinct persons with the same structure: typos, copies, moves),
linked in a child process under the working database's memory limit (its own peak RSS):

    .venv/bin/python bench/assess.py --patients 1000 --link-copies 500   # linkage at 500k
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patients", type=int, default=500_000)
    ap.add_argument("--labs", type=int, default=4)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--out", type=Path, default=None, help="synth folder (reused if it holds a leak of the same size)")
    ap.add_argument("--keep", action="store_true", help="keep the synth folder")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--synth-only", action="store_true", help="time the generator and stop")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes scanning (assess_paths jobs)")
    ap.add_argument("--link-copies", type=int, default=0,
                    help="also time linkage of the records copied K times with new person keys")
    ap.add_argument("--link-only", nargs=2, metavar=("STORE", "K"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.link_only:
        _link_copies(Path(args.link_only[0]), int(args.link_only[1]))
        return

    out = args.out or Path(tempfile.mkdtemp(prefix="sentinelle-bench-assess-"))
    truth_file = out / "truth.json"
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else None
    if not truth or (truth["patients"], truth["labs"], truth["copies"], truth["seed"]) != \
            (args.patients, args.labs, args.copies, args.seed):
        t = time.perf_counter()
        _synth(out, args)
        print(f"synth: {time.perf_counter() - t:.1f} s", file=sys.stderr)
        truth = json.loads(truth_file.read_text())
    if args.synth_only:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
        return

    import sentinelle.assess as A
    from sentinelle.assess import records as R
    from sentinelle.store import Store

    spent = {"records": 0.0, "records_cpu": 0.0, "after_scan": 0.0, "prepare_cpu": 0.0}

    def timed(fn):
        def run(self, *a):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(self, *a)
            finally:
                spent["records"] += time.perf_counter() - t0
                spent["records_cpu"] += time.process_time() - c0
                spent["prepare_cpu"] = self.prepared_cpu
        return run

    # the records step: the scanner's sink, and the end of the builder's work
    for name in ("add", "close"):
        setattr(R.RecordBuilder, name, timed(getattr(R.RecordBuilder, name)))
    document = A._document

    def timed_document(*a, **k):
        t0 = time.perf_counter()
        try:
            return document(*a, **k)
        finally:
            spent["after_scan"] += time.perf_counter() - t0

    A._document = timed_document
    # finer split of the assess part: linkage (inside _document), copies, the store
    for mod, name, label in ((A, "link", "linkage"), (A._copies, "find_copies", "copies"),
                             (A, "_persist", "store")):
        spent[label] = 0.0
        setattr(mod, name, _timer(getattr(mod, name), spent, label))
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-bench-store-"))
    try:
        t0 = time.perf_counter()
        c0 = _cpu()
        with Store(tmp / "s.duckdb") as store:
            doc = A.assess_paths([out / "leak"], key=b"bench-key", store=store,
                                 options=A.Options(register="bench"), tool_version="bench",
                                 jobs=args.jobs)
        wall = time.perf_counter() - t0
        cpu = _cpu() - c0
        link = {}
        if args.link_copies:
            got = subprocess.run([sys.executable, __file__, "--link-only", str(tmp / "s.duckdb"),
                                  str(args.link_copies)], check=True, capture_output=True,
                                 text=True)
            link = json.loads(got.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    patients = doc["subjects"]["by_role"]["patient"]["unique"]
    true = truth["unique_persons"]
    # with --jobs 1 the table records are built in this process, in the scanner's sink
    inline = spent["prepare_cpu"] if args.jobs <= 1 else 0.0
    scan = wall - spent["records"] - inline - spent["after_scan"] - spent["store"]
    assess = wall - scan
    figures = {
        "patients_generated": truth["patients"], "labs": truth["labs"], "copies": truth["copies"],
        "files": doc["files"]["scanned"], "bytes": doc["files"]["bytes"],
        "records": doc["subjects"]["records"], "profiles": doc["subjects"]["method"]["profiles"],
        "jobs": args.jobs, "load_average_1min": round(os.getloadavg()[0], 1),
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
        "scan_s": round(scan, 1), "assess_s": round(assess, 1),
        "assess_records_s": round(spent["records"] + inline, 1),
        "assess_records_cpu_s": round(spent["records_cpu"], 1),
        "assess_records_tables_cpu_s": round(spent["prepare_cpu"], 1),
        "assess_linkage_s": round(spent["linkage"], 1),
        "assess_copies_s": round(spent["copies"], 1),
        "assess_document_other_s": round(spent["after_scan"] - spent["linkage"]
                                         - spent["copies"], 1),
        "assess_store_s": round(spent["store"], 1),
        "peak_rss_mib": round(rss), "worker_peak_rss_mib": round(worker_rss),
        "patients_found": patients, "patients_truth": true,
        "patient_error_pct": round(100 * (patients - true) / true, 3),
        "interval": doc["subjects"]["interval"],
        "probabilistic_links": doc["subjects"]["method"]["probabilistic"]["links"],
    }
    figures.update(link)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for k, v in figures.items():
        print(f"{k:28} {v}")


def _link_copies(store: Path, k: int) -> None:
    """Print (JSON) the figures of :func:`sentinelle.assess.subjects.link` on the records of
    ``store`` copied ``k`` times (see the module docstring), in a fresh working database."""
    import duckdb

    from sentinelle.assess import WORK_MEMORY_LIMIT
    from sentinelle.assess.records import RECORD_SCHEMA
    from sentinelle.assess.subjects import link

    hashes = {"nk", "fn", "ln", "fn_ph", "ln_ph", "dob", "dob_sw", "nir", "phone", "email",
              "postcode", "iban", "pro_id", "fp"}
    lists = {"fn_d", "ln_d", "dob_d"}
    cols = []
    for f in RECORD_SCHEMA:
        n = f'"{f.name}"'
        if f.name == "rid":
            cols.append("rid + c * 100000000 AS rid")
        elif f.name == "file_id":
            cols.append("file_id + c * 100000 AS file_id")
        elif f.name in hashes:  # DuckDB's hash(NULL) is not NULL: keep nulls
            cols.append(f"CASE WHEN c = 0 OR {n} IS NULL THEN {n} "
                        f"ELSE (hash({n}, c) >> 1)::BIGINT END AS {n}")
        elif f.name in lists:
            cols.append(f"CASE WHEN c = 0 OR {n} IS NULL THEN {n} "
                        f"ELSE list_transform({n}, lambda x: (hash(x, c) >> 1)::BIGINT) END AS {n}")
        else:
            cols.append(n)
    work = Path(tempfile.mkdtemp(prefix="sentinelle-bench-link-"))
    try:
        con = duckdb.connect(str(work / "w.duckdb"))
        con.execute(f"SET temp_directory = '{work}'")
        con.execute(f"SET memory_limit = '{WORK_MEMORY_LIMIT}'")
        con.execute(f"ATTACH '{store}' AS s (READ_ONLY)")
        con.execute(f"CREATE TABLE records AS SELECT {', '.join(cols)} "
                    f"FROM s.assess_records, range({k}) t(c)")
        con.execute("DETACH s")
        n = con.execute("SELECT count(*) FROM records").fetchall()[0][0]
        t0, c0 = time.perf_counter(), _cpu()
        got = link(con)
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"link_copies": k, "link_records": n,
                      "link_patients_found": got.unique.get("patient", 0),
                      "link_wall_s": round(wall, 1), "link_cpu_s": round(cpu, 1),
                      "link_pairs_scored": got.pairs_scored,
                      "link_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF)
                                                 .ru_maxrss / 1024)}))


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its waited-for children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timer(fn, spent: dict, label: str):
    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent[label] += time.perf_counter() - t0
    return timed


def _synth(out: Path, args) -> None:
    subprocess.run([sys.executable, "-c", "from sentinelle.cli import main; main()", "synth",
                    str(out), "--patients", str(args.patients), "--labs", str(args.labs),
                    "--copies", str(args.copies), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
