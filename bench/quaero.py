"""Overlap precision / recall / F1 of sentinelle's health detectors on the QUAERO French
medical corpus (../shared/corpus/medical_ner_fr_quaero, BRAT standoff; see its SOURCE.md).

QUAERO annotates UMLS semantic groups, not sentinelle's labels, so each entity is compared with
the nearest group: HEALTH_CONDITION with DISO, MEDICATION with CHEM (which also holds non-drug
chemicals and generic words such as "médicament" or "comprimés"), PREGNANCY with the PHYS
mentions of pregnancy, and the LIVB ("femme enceinte") and DISO ("grossesse extra-utérine")
spans that name one (gold text matching "grossesse", "gestation", "enceinte"...).

Overlap matching: a predicted span is correct when it overlaps a gold span of the compared
group; a gold span is found when a predicted span overlaps it. Precision = correct predictions /
predictions; recall = found gold spans / gold spans. Discontinuous gold spans ("12 20;25 30")
count as their fragments' union.

API for bench/accuracy.py::

    from quaero import score
    s = score("MEDICATION", ("CHEM",), split="dev")   # -> Score(p, r, f1, ...)

Command line (the train split is for tuning, dev for reporting)::

    python bench/quaero.py [--split dev] [--shared DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sentinelle.config import Config  # noqa: E402
from sentinelle.detectors import build  # noqa: E402
from sentinelle.finding import Location  # noqa: E402
from sentinelle.pipeline import Pipeline  # noqa: E402

PREGNANCY_GOLD = re.compile(r"grossesse|gestation|gravid|enceinte|pregnan|gestationnel", re.I)

#: (sentinelle entity, QUAERO groups, optional filter on the gold text)
COMPARISONS: tuple[tuple[str, tuple[str, ...], Callable[[str], bool] | None], ...] = (
    ("HEALTH_CONDITION", ("DISO",), None),
    ("MEDICATION", ("CHEM",), None),
    ("PREGNANCY", ("PHYS", "LIVB", "DISO"), lambda t: bool(PREGNANCY_GOLD.search(t))),
)


def shared_dir() -> Path:
    return Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))


@dataclass(frozen=True)
class Gold:
    label: str
    spans: tuple[tuple[int, int], ...]
    text: str


@dataclass(frozen=True)
class Score:
    entity: str
    labels: tuple[str, ...]
    split: str
    n_pred: int
    n_pred_correct: int
    n_gold: int
    n_gold_found: int
    precision: float
    recall: float
    f1: float
    seconds: float


def read_ann(path: Path) -> list[Gold]:
    """The ``T`` lines of a BRAT ``.ann`` file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        _tid, meta, text = line.split("\t", 2)
        label, offsets = meta.split(" ", 1)
        spans = tuple(tuple(int(x) for x in part.split()) for part in offsets.split(";"))
        out.append(Gold(label, spans, text))  # type: ignore[arg-type]
    return out


def documents(split: str = "dev", shared: Path | None = None) -> Iterable[tuple[Path, str, list[Gold]]]:
    root = (shared or shared_dir()) / "corpus" / "medical_ner_fr_quaero" / split
    if not root.is_dir():
        raise SystemExit(f"missing {root}: set SENTINELLE_SHARED")
    for txt in sorted(root.rglob("*.txt")):
        ann = txt.with_suffix(".ann")
        yield txt, txt.read_text(encoding="utf-8"), read_ann(ann) if ann.exists() else []


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def score(entity: str, labels: tuple[str, ...], split: str = "dev", shared: Path | None = None,
          gold_filter: Callable[[str], bool] | None = None, errors: list | None = None) -> Score:
    """Overlap P/R/F1 of ``entity`` against the QUAERO groups ``labels`` on ``split``.

    Runs the pipeline with the detectors emitting ``entity`` only (its own measure, not hidden
    by another label's overlap). ``errors``, when given, receives ``(kind, path, text)`` tuples
    (``"fp"`` or ``"fn"``) for error analysis.
    """
    pipeline = Pipeline(build((entity,)), Config(entities=(entity,)))
    n_pred = n_pred_ok = n_gold = n_gold_ok = 0
    t0 = time.perf_counter()
    for path, text, golds in documents(split, shared):
        gold_spans = [g for g in golds if g.label in labels and (gold_filter is None or gold_filter(g.text))]
        flat = [sp for g in gold_spans for sp in g.spans]
        preds = [(f.start, f.end) for f in pipeline.analyze_text(text, Location(str(path)))
                 if f.entity_type == entity]
        for p in preds:
            n_pred += 1
            if _overlaps(p, flat):
                n_pred_ok += 1
            elif errors is not None:
                errors.append(("fp", path.name, text[p[0]:p[1]]))
        for g in gold_spans:
            n_gold += 1
            if any(_overlaps(sp, preds) for sp in g.spans):
                n_gold_ok += 1
            elif errors is not None:
                errors.append(("fn", path.name, g.text))
    p = n_pred_ok / n_pred if n_pred else 0.0
    r = n_gold_ok / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Score(entity, labels, split, n_pred, n_pred_ok, n_gold, n_gold_ok,
                 round(p, 4), round(r, 4), round(f1, 4), round(time.perf_counter() - t0, 2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("train", "dev"))
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--errors", type=int, default=0, help="print the N most frequent FP/FN texts")
    args = ap.parse_args(argv)
    rows = []
    for entity, labels, filt in COMPARISONS:
        errs: list = []
        s = score(entity, labels, args.split, args.shared, filt, errs if args.errors else None)
        rows.append(s)
        if args.errors:
            from collections import Counter
            for kind in ("fp", "fn"):
                common = Counter(t for k, _p, t in errs if k == kind).most_common(args.errors)
                print(f"{entity} {kind}: {common}", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    print(f"QUAERO {args.split}: overlap matching")
    print(f"{'entity':18} {'vs':6} {'pred':>6} {'gold':>6} {'P':>6} {'R':>6} {'F1':>6} {'s':>6}")
    for r in rows:
        print(f"{r.entity:18} {'+'.join(r.labels):6} {r.n_pred:6} {r.n_gold:6} "
              f"{r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} {r.seconds:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
