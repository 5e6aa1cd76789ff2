"""Time `scan` + `assess` on a synthetic leak; print wall time, the scan/assess split, peak
memory and the patient-count error against the ground truth.

    .venv/bin/python bench/assess.py --patients 20000            # 4 labs, 3 copies
    .venv/bin/python bench/assess.py --patients 500000 --out /tmp/leak500k --keep

Target (issue 5): under 120 s and 4 GB at 500,000 patients with 3 copies on the 2-core machine.
The leak is written by ``sentinelle synth`` in a child process (its memory is not counted), then
assessed in this process with a temporary store. "scan" is the reading and detection time (the
scanner's work, issue 6); "assess" the rest, split into "records" (turning findings into hashed
person records, during the scan), "linkage" (exact keys, Splink, clusters), "copies", "document
other" (categories, sources, severity, known leaks, registering) and "store" (writing the
assessment's tables). Peak RSS is this process's maximum resident set size (``getrusage``).

``--synth-only`` times the generator alone (its wall time is printed on stderr).
"""

from __future__ import annotations

import argparse
import json
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
    args = ap.parse_args()

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

    spent = {"records": 0.0, "after_scan": 0.0}
    add = R.RecordBuilder.add

    def timed_add(self, batch):
        t0 = time.perf_counter()
        add(self, batch)
        spent["records"] += time.perf_counter() - t0

    R.RecordBuilder.add = timed_add
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
        with Store(tmp / "s.duckdb") as store:
            doc = A.assess_paths([out / "leak"], key=b"bench-key", store=store,
                                 options=A.Options(register="bench"), tool_version="bench")
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    patients = doc["subjects"]["by_role"]["patient"]["unique"]
    true = truth["unique_persons"]
    scan = wall - spent["records"] - spent["after_scan"] - spent["store"]
    assess = wall - scan
    figures = {
        "patients_generated": truth["patients"], "labs": truth["labs"], "copies": truth["copies"],
        "files": doc["files"]["scanned"], "bytes": doc["files"]["bytes"],
        "records": doc["subjects"]["records"], "profiles": doc["subjects"]["method"]["profiles"],
        "wall_s": round(wall, 1), "scan_s": round(scan, 1), "assess_s": round(assess, 1),
        "assess_records_s": round(spent["records"], 1),
        "assess_linkage_s": round(spent["linkage"], 1),
        "assess_copies_s": round(spent["copies"], 1),
        "assess_document_other_s": round(spent["after_scan"] - spent["linkage"]
                                         - spent["copies"], 1),
        "assess_store_s": round(spent["store"], 1),
        "peak_rss_mib": round(rss), "patients_found": patients, "patients_truth": true,
        "patient_error_pct": round(100 * (patients - true) / true, 3),
        "interval": doc["subjects"]["interval"],
        "probabilistic_links": doc["subjects"]["method"]["probabilistic"]["links"],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for k, v in figures.items():
        print(f"{k:28} {v}")


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
