"""PERSON with the spaCy second opinion: precision / recall / F1 and time per MB, per ``ner`` mode.

Usage (from the repo root, after ``pip install -e '.[ner]'`` or ``'.[test]'``)::

    .venv/bin/python bench/ner_person.py [--modes never,auto,always] [--json out.json]

Data: ../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl (AP-HP EDS-Pseudo
synthetic French clinical notes, dev split; BSD-3). Gold PERSON spans are the NOM and PRENOM
labels, adjacent ones merged into one name (as tests/detectors/test_person.py). A hit is an
overlap (CoNLL-style relaxed match). The whole pipeline runs, so overlap resolution with the
other detectors counts. Time: ``PersonDetector.find`` alone over every note (best of one run,
model already loaded), divided by the UTF-8 size of the notes; the model load time is printed
apart.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
EDS = SHARED / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"


def gold_spans(text: str, entities: list[dict]) -> list[list[int]]:
    ents = sorted((e for e in entities if e["label"] in ("NOM", "PRENOM")), key=lambda e: e["start"])
    gold: list[list[int]] = []
    for e in ents:
        if gold and e["start"] - gold[-1][1] <= 2 and not text[gold[-1][1]:e["start"]].strip():
            gold[-1][1] = e["end"]
        else:
            gold.append([e["start"], e["end"]])
    return gold


def measure(mode: str, docs: list[dict]) -> dict:
    t0 = time.perf_counter()
    config = Config(ner=mode)
    pipeline = Pipeline(build(None, config), config)
    load = time.perf_counter() - t0
    person = next(d for d in pipeline.detectors if d.name == "person")
    n_gold = hit_gold = n_pred = hit_pred = 0
    find_s = 0.0
    size = 0
    for doc in docs:
        text = doc["note_text"]
        size += len(text.encode("utf-8"))
        t = time.perf_counter()
        for _m in person.find(text):
            pass
        find_s += time.perf_counter() - t
        gold = gold_spans(text, doc["entities"])
        pred = [(f.start, f.end) for f in pipeline.analyze_text(text, Location("t"))
                if f.entity_type == "PERSON"]
        n_gold += len(gold)
        n_pred += len(pred)
        hit_gold += sum(any(s < ge and gs < e for s, e in pred) for gs, ge in gold)
        hit_pred += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in pred)
    p = hit_pred / n_pred if n_pred else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"mode": mode, "gold": n_gold, "pred": n_pred, "precision": round(p, 3),
            "recall": round(r, 3), "f1": round(f1, 3), "load_s": round(load, 1),
            "person_find_s": round(find_s, 2), "s_per_mb": round(find_s / (size / 1e6), 1),
            "mb": round(size / 1e6, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default="never,auto,always")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    docs = [json.loads(line) for line in EDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    print(f"eds-pseudo dev: {len(docs)} notes; PERSON = NOM+PRENOM merged; overlap match")
    print(f"{'ner':8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'s/MB':>8} {'load s':>7}")
    for mode in args.modes.split(","):
        row = measure(mode.strip(), docs)
        rows.append(row)
        print(f"{row['mode']:8} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} "
              f"{row['pred']:6d} {row['s_per_mb']:8.1f} {row['load_s']:7.1f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
