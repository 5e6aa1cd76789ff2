"""Time `scan` + `assess` on a synthetic leak; print wall time, the scan/assess split, peak
memory and the patient-count error against the ground truth.

    .venv/bin/python bench/assess.py --patients 20000            # 4 labs, 3 copies
    .venv/bin/python bench/assess.py --patients 20000 --jobs 2   # scan in 2 worker processes
    .venv/bin/python bench/assess.py --patients 500000 --out /tmp/leak500k --keep

Target (issue 5): under 120 s and 4 GB at 500,000 patients with 3 copies on the 2-core machine.
The leak is written by ``sentinelle synth`` in a child process (its memory is not counted), then
assessed in this process with a temporary store, and the HTML report rendered.

Figures per phase (``<phase>_s`` wall, ``<phase>_cpu_s`` CPU of this process with its threads,
``<phase>_peak_rss_mib`` this process's peak resident set size during the phase; each phase
leaves out the phases inside it):

* ``scan``: reading and detection (the scanner's work, issue 6) and what assess_paths does
  around it (file content hashes, sources); with ``--jobs N`` the workers' CPU is
  ``worker_cpu_s`` and their largest peak ``worker_peak_rss_mib``;
* ``records``: findings -> hashed person records in this process (the scanner's sink,
  :class:`~sentinelle.assess.records.RecordBuilder`, and with ``--jobs 1`` the
  :class:`~sentinelle.assess.records.RecordPrep` work that ``--jobs N`` does in the workers);
* ``linkage`` (exact keys, Splink, clusters), ``categories`` (GDPR categories per person),
  ``copies`` (exact and near-duplicate files, known leaks, registering), ``document`` (the rest
  of the document: sources, severity, period), ``store`` (writing the assessment's tables),
  ``render`` (the HTML report and the JSON text);
* with ``--stored``, ``stored``: ``assess --scan-id`` on the scan just made (all of it;
  ``stored_read``: reading the records back from the store, ``stored_linkage`` the linkage).

``wall_s``/``cpu_s`` cover scan to render (``cpu_s`` with the workers');
``wall_500k_projected_s`` is ``wall_s`` scaled linearly to 500,000 patients (issue 5's size). On a shared machine
wall times follow the load: compare CPU figures, and runs made in the same minute. An existing
leak of the same size, labs, copies and seed in ``--out`` is reused
(``--out /tmp/leak20k`` for the 20,000-patient one).

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
    ap.add_argument("--doc", type=Path, default=None,
                    help="write the assessment document (JSON) to this file")
    ap.add_argument("--stored", action="store_true",
                    help="also time assess from the store (assess_stored) of the scan just made")
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

    ph = _Phases()
    # the records step: the scanner's sink, the end of the builder's work and, with --jobs 1,
    # RecordPrep (with --jobs N it runs in the workers: their CPU is in cpu_s, inside "scan")
    for cls, name in ((R.RecordBuilder, "add"), (R.RecordBuilder, "close"),
                      (R.RecordPrep, "__call__")):
        setattr(cls, name, ph.wrap(getattr(cls, name), "records"))
    for mod, name, label in ((A, "link", "linkage"), (A, "_categories", "categories"),
                             (A._copies, "find_copies", "copies"),
                             (A._copies, "known_leaks", "copies"),
                             (A._copies, "register", "copies"),
                             (A, "_document", "document"), (A, "_persist", "store")):
        setattr(mod, name, ph.wrap(getattr(mod, name), label))
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-bench-store-"))
    try:
        t0 = time.perf_counter()
        c0, k0 = _cpu(), _cpu(children=True)
        ph.start("scan")
        with Store(tmp / "s.duckdb") as store:
            doc = A.assess_paths([out / "leak"], key=b"bench-key", store=store,
                                 options=A.Options(register="bench"), tool_version="bench",
                                 jobs=args.jobs)
        ph.enter("render")
        from sentinelle.report.assessment import html

        html(doc)
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
        ph.exit()
        if args.doc:
            args.doc.write_text(text)
        ph.stop()
        wall = time.perf_counter() - t0
        cpu = _cpu() - c0
        worker_cpu = _cpu(children=True) - k0
        # KiB on Linux; resetting VmHWM per phase lowers ru_maxrss too: the phases' largest
        rss = max([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   *(v for v in ph.peak.values() if v is not None)])
        worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stored = {}
        if args.stored:
            ph.prefix = "stored_"
            ph.start("stored_read")
            with Store(tmp / "s.duckdb") as store:
                again = A.assess_stored(store, doc["scan_id"], key=b"bench-key",
                                        tool_version="bench")
            ph.stop()
            mine = [k for k in ph.wall if k.startswith("stored_")]
            stored = {"stored_s": round(sum(ph.wall[k] for k in mine), 1),
                      "stored_cpu_s": round(sum(ph.cpu[k] for k in mine), 1),
                      "stored_peak_rss_mib": max((ph.peak[k] or 0 for k in mine if k in ph.peak),
                                                 default=None),
                      "stored_patients": again["subjects"]["by_role"]["patient"]["unique"]}
            for k in ("stored_read", "stored_linkage"):
                stored[f"{k}_s"], stored[f"{k}_cpu_s"] = round(ph.wall[k], 1), round(ph.cpu[k], 1)
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
    patients = doc["subjects"]["by_role"]["patient"]["unique"]
    true = truth["unique_persons"]
    figures = {
        "patients_generated": truth["patients"], "labs": truth["labs"], "copies": truth["copies"],
        "files": doc["files"]["scanned"], "bytes": doc["files"]["bytes"],
        "records": doc["subjects"]["records"], "profiles": doc["subjects"]["method"]["profiles"],
        "jobs": args.jobs, "load_average_1min": round(os.getloadavg()[0], 1),
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
        # issue 5's target is 500,000 patients: scan and records grow with the bytes, linkage
        # is timed at that size with --link-copies; a linear projection of this run's wall
        "wall_500k_projected_s": round(wall * 500_000 / truth["patients"]),
        "worker_cpu_s": round(worker_cpu, 1),
        "peak_rss_mib": round(rss), "worker_peak_rss_mib": round(worker_rss),
        "patients_found": patients, "patients_truth": true,
        "patient_error_pct": round(100 * (patients - true) / true, 3),
        "interval": doc["subjects"]["interval"],
        "probabilistic_links": doc["subjects"]["method"]["probabilistic"]["links"],
    }
    for label in ("scan", "records", "linkage", "categories", "copies", "document", "store",
                  "render"):
        if label in ph.wall:
            figures[f"{label}_s"] = round(ph.wall[label], 1)
            figures[f"{label}_cpu_s"] = round(ph.cpu[label], 1)
            figures[f"{label}_peak_rss_mib"] = ph.peak.get(label)
    figures.update(stored)
    figures.update(link)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for k, v in figures.items():
        print(f"{k:28} {v}")


class _Phases:
    """Exclusive wall time, CPU time (this process, its threads included) and peak resident
    set size of each labelled phase of this process: a phase's figures leave out the phases
    called inside it. Peak RSS per phase: Linux's ``VmHWM`` (/proc/self/status), reset at each
    phase change by writing 5 to /proc/self/clear_refs (proc(5)); None where that is not
    available. Worker processes (``--jobs``) are not timed here (their CPU is ``worker_cpu_s``,
    their peak ``worker_peak_rss_mib``)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak: dict[str, int | None] = {}
        self.stack: list[str] = []
        self.prefix = ""  # of the labels of the phases entered
        self._t = self._c = 0.0

    def wrap(self, fn, label: str):
        def run(*a, **k):
            if os.getpid() != self.pid or not self.stack:  # a worker, or outside the run
                return fn(*a, **k)
            self.enter(self.prefix + label)
            try:
                return fn(*a, **k)
            finally:
                self.exit()
        return run

    def start(self, label: str) -> None:
        self.stack = []
        self._t, self._c = time.perf_counter(), time.process_time()
        _reset_peak()
        self.stack.append(label)

    def stop(self) -> None:
        self._close()
        self.stack = []

    def enter(self, label: str) -> None:
        self._close()
        self.stack.append(label)

    def exit(self) -> None:
        self._close()
        self.stack.pop()

    def _close(self) -> None:
        """Charge the time and peak since the last change to the phase on top of the stack."""
        t, c = time.perf_counter(), time.process_time()
        label = self.stack[-1]
        self.wall[label] = self.wall.get(label, 0.0) + t - self._t
        self.cpu[label] = self.cpu.get(label, 0.0) + c - self._c
        hwm = _peak_mib()
        if hwm is not None:
            self.peak[label] = max(self.peak.get(label) or 0, hwm)
        _reset_peak()
        self._t, self._c = time.perf_counter(), time.process_time()


def _peak_mib() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


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


def _cpu(children: bool = False) -> float:
    """CPU seconds (user + system) of this process and of its waited-for children (of the
    children only with ``children``)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = 0.0 if children else me.ru_utime + me.ru_stime
    return own + kids.ru_utime + kids.ru_stime


def _synth(out: Path, args) -> None:
    subprocess.run([sys.executable, "-c", "from sentinelle.cli import main; main()", "synth",
                    str(out), "--patients", str(args.patients), "--labs", str(args.labs),
                    "--copies", str(args.copies), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
