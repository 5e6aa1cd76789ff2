"""Speed of the health detectors (issues 3 and 6): ``find`` on French free text and
``match_column`` (Polars) against the ``match_cell`` loop on table columns.

Usage (from the repo root)::

    .venv/bin/python bench/health_speed.py [--repeat 5]

Texts: the EDS-Pseudo dev notes (corpus/pii_fr_clinical_eds_pseudo, 697 short French clinical
notes, each ``find`` call on one note, as the pipeline does) and the QUAERO train split
(corpus/medical_ner_fr_quaero/train, MEDLINE titles and EMEA leaflets joined into one text:
dense medical vocabulary). The text is folded once before timing, as the pipeline does for all
detectors (:func:`sentinelle.detectors.base.fold_keep_length` memoises it). Columns: every
distinct cell of the FakeNameGenerator people table (corpus/people_tables, 40,455 values; the
lexicon detectors must reject almost all of them) with ``header_hit`` False and True.

Prints CPU seconds per MB of text and microseconds per distinct cell (best of ``--repeat``
runs; CPU time, since the machine may be shared), and the detector build time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

TEXT_DETECTORS = ("health_condition", "medication", "pregnancy", "lab_result", "blood_group",
                  "health_insurer")
COLUMN_DETECTORS = ("health_condition", "medication", "health_insurer", "blood_group")


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import polars as pl

    from sentinelle.detectors import build
    from sentinelle.detectors.base import Detector, fold_keep_length

    dets = {d.name: d for d in build()}
    notes = [json.loads(line)["note_text"] for line in
             (CORPUS / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl")
             .read_text(encoding="utf-8").splitlines() if line.strip()]
    quaero = "\n".join(p.read_text(encoding="utf-8") for p in
                       sorted((CORPUS / "medical_ner_fr_quaero" / "train").rglob("*.txt")))
    notes_mb = sum(len(n.encode()) for n in notes) / 1e6
    quaero_mb = len(quaero.encode()) / 1e6

    print(f"find: EDS notes {notes_mb:.2f} MB ({len(notes)} calls), QUAERO train {quaero_mb:.2f} MB"
          " (1 call); CPU s/MB, best of", args.repeat)
    print(f"{'detector':<18}{'build ms':>9}{'EDS s/MB':>10}{'QUAERO s/MB':>12}{'matches':>9}")
    for name in TEXT_DETECTORS:
        det = dets[name]
        t0 = time.process_time()
        type(det)()
        build_ms = (time.process_time() - t0) * 1e3

        def run_notes():  # a note under 256 characters is folded by each detector itself
            for n in notes:
                for _ in det.find(n):
                    pass

        fold_keep_length(quaero)
        t_notes = _best(run_notes, args.repeat)
        t_quaero = _best(lambda: list(det.find(quaero)), args.repeat)
        found = len(list(det.find(quaero)))
        print(f"{name:<18}{build_ms:>9.0f}{t_notes / notes_mb:>10.3f}{t_quaero / quaero_mb:>12.3f}"
              f"{found:>9}")

    path = CORPUS / "people_tables" / "FakeNameGenerator.com_3000.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = list(dict.fromkeys(c for row in list(csv.reader(fh))[1:] for c in row
                                   if c and not c.isspace()))
    series = pl.Series("v", cells, dtype=pl.Utf8)
    print(f"\nmatch_column on {len(cells)} distinct people-table cells: µs per cell, best of",
          args.repeat)
    print(f"{'detector':<18}{'header':>7}{'loop':>8}{'polars':>8}{'speed-up':>9}")
    for name in COLUMN_DETECTORS:
        det = dets[name]
        for header_hit in (False, True):
            loop = _best(lambda: Detector.match_column(det, series, header_hit), args.repeat)
            fast = _best(lambda: det.match_column(series, header_hit), args.repeat)
            print(f"{name:<18}{str(header_hit):>7}{loop * 1e6 / len(cells):>8.2f}"
                  f"{fast * 1e6 / len(cells):>8.2f}{loop / fast:>8.1f}x")


if __name__ == "__main__":
    main()
