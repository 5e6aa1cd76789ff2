"""Speed of the phone, date and e-mail detectors: ``find`` on French free text and
``match_column`` (Polars) against the ``match_cell`` loop on table columns (issue 6).

Usage (from the repo root)::

    .venv/bin/python bench/phone_dates_speed.py [--patients 200] [--repeat 3]

Texts: the EDS-Pseudo dev notes (corpus/pii_fr_clinical_eds_pseudo, French clinical snippets,
digit-dense) and the text reports of a synthetic leak (``sentinelle.synth.generate``, written to
a temporary folder removed after). Columns: the phone, e-mail and birthday columns of the
FakeNameGenerator people table (corpus/people_tables) and the CSV columns of the synthetic leak
that the detectors claim. Prints seconds per MB of text (best of ``--repeat`` runs: the
phonenumbers parse cache is warm, as in a scan where numbers repeat) and microseconds per
distinct cell value. Times are CPU seconds of this process (``time.process_time``): the
figures hold on a machine shared with other jobs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def eds_texts() -> list[str]:
    path = CORPUS / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out.append(rec["note_text"])
    return out


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import polars as pl

    from sentinelle.detectors.base import Detector, fold_header
    from sentinelle.detectors.dates import DateOfBirthDetector, DateTimeDetector
    from sentinelle.detectors.email import EmailDetector
    from sentinelle.detectors.phone import PhoneDetector
    from sentinelle.synth import generate

    dets = [PhoneDetector(), DateOfBirthDetector(), DateTimeDetector(), EmailDetector()]
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), patients=args.patients, labs=2, copies=0, seed=3, workers=1)
        synth_texts = [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).rglob("*.txt"))]
        synth_cols: dict[str, list[str]] = {}
        for p in sorted(Path(tmp).rglob("*.csv")):
            with p.open(encoding="utf-8", newline="") as fh:
                dialect = csv.Sniffer().sniff(fh.read(4096), delimiters=",;|\t")
                fh.seek(0)
                rows = list(csv.reader(fh, dialect))
            for j, name in enumerate(rows[0]):
                synth_cols.setdefault(name, []).extend(r[j] for r in rows[1:] if j < len(r))

    print("find() on free text, seconds per MB (best of %d)" % args.repeat)
    for label, texts in (("EDS-Pseudo notes", eds_texts()), ("synthetic reports", synth_texts)):
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        for det in dets:
            times = []
            for k in range(args.repeat):
                # a fresh copy of each text per run: the date grammar memoises its last texts
                fresh = [t + "\n" * (k + 1) for t in texts]
                t0 = time.process_time()
                for t in fresh:
                    for _m in det.find(t):
                        pass
                times.append(time.process_time() - t0)
            print(f"  {label:18} {det.name:14} {min(times) / mb:7.3f} s/MB  ({mb:.2f} MB)")

    with (CORPUS / "people_tables" / "FakeNameGenerator.com_3000.csv").open(
            encoding="utf-8-sig", newline="") as fh:
        people = list(csv.DictReader(fh))
    columns = [("people TelephoneNumber", dets[0], [r["TelephoneNumber"] for r in people]),
               ("people EmailAddress", dets[3], [r["EmailAddress"] for r in people]),
               ("people Birthday", dets[1], [r["Birthday"] for r in people])]
    for name, values in synth_cols.items():
        for det in dets:
            if det.header_matches(fold_header(name)):
                columns.append((f"synth {name}", det, values))
                break
    print("match_column vs match_cell loop, microseconds per distinct value (header hit)")
    for label, det, values in columns:
        distinct = pl.Series("v", list(dict.fromkeys(v for v in values if v and v.strip())),
                             dtype=pl.Utf8)
        fast = best(lambda: det.match_column(distinct, True), args.repeat)
        slow = best(lambda: Detector.match_column(det, distinct, True), args.repeat)
        print(f"  {label:32} {det.name:14} {len(distinct):6d} values  column {fast / len(distinct) * 1e6:7.2f} us"
              f"  loop {slow / len(distinct) * 1e6:7.2f} us  x{slow / fast:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
