"""Per-detector CPU time: where a scan's detection time goes, detector by detector (issue 6).

    .venv/bin/python bench/detectors.py TEXT_FILE_OR_FOLDER [--tables FOLDER] [--top N]

For each registered detector it prints, in CPU milliseconds (``time.process_time``):

* ``build``: its construction (``Detector.from_config``: data files, lexicons, regex compilation);
* ``text``: on the free text (every file given, read as UTF-8, cut in paragraphs as the text
  reader would not: the whole file is one text, the worst case for a detector), the time of
  ``find`` plus ``context_hits_many`` on its matches, as ``Pipeline._detector_hits`` calls them
  (detectors whose prefilter does not fire on the text are skipped, as there; a detector with
  candidate windows runs on its windows only, and the time includes computing them; with
  ``--no-windows`` every detector runs on the whole text); a last row ``(prefilter pass)`` times
  the compiled prefilter pass itself (with the line reports of the windowed detectors);
* ``column``: with ``--tables``, the time of ``match_column`` over the distinct values of every
  column the pipeline's ``classify`` gives to the detector (the first ``batch_rows`` rows of each
  table);
* the number of matches.

The figures are for comparing a detector before and after a change on the same machine in the
same minute; the end-to-end figures are ``bench/throughput.py``'s. The inputs of
``bench/throughput.py`` (``make_inputs``) are the usual ones: ``--make DIR`` writes them
(10,000 patients: about 6 MB of tables and 3 MB of reports) and stops.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _cpu() -> float:
    return time.process_time()


def _table_units(folder: Path, config):
    """The table units of every file under ``folder``, read by the scanner's readers."""
    from sentinelle.readers import pick_reader
    from sentinelle.readers.base import Source, TableUnit

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        head = path.read_bytes()[:65536]
        reader = pick_reader(head, str(path), config)
        if reader is None:
            continue
        source = Source(str(path), path.stat().st_size, lambda path=path: open(path, "rb"), path)
        for unit in reader.read(source, {}):
            if isinstance(unit, TableUnit):
                yield unit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("text", type=Path, nargs="?", help="a text file or a folder of text files")
    ap.add_argument("--tables", type=Path, default=None, help="a folder of tables (CSV, JSON, ...)")
    ap.add_argument("--make", type=Path, default=None, help="write bench/throughput.py's inputs here and stop")
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--only", default="", help="comma-separated detector names")
    ap.add_argument("--top", type=int, default=0, help="print only the N slowest detectors")
    ap.add_argument("--no-windows", action="store_true",
                    help="run every detector on the whole text (no candidate windows)")
    args = ap.parse_args()

    if args.make:
        sys.path.insert(0, str(REPO / "bench"))
        import throughput

        args.make.mkdir(parents=True, exist_ok=True)
        print(throughput.make_inputs(args.make, args.patients))
        return

    from sentinelle.config import Config
    from sentinelle.detectors import BUILTIN
    from sentinelle.detectors.base import fold_keep_length
    from sentinelle.pipeline import Pipeline, _windows

    config = Config()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    rows: dict[str, dict] = {}
    detectors = []
    t_all = _cpu()
    for cls in BUILTIN:
        t = _cpu()
        det = cls.from_config(config)
        name = det.name
        if only and name not in only:
            continue
        rows[name] = {"build": (_cpu() - t) * 1000, "text": 0.0, "column": 0.0, "matches": 0}
        detectors.append(det)
    build_all = (_cpu() - t_all) * 1000

    if args.text:
        files = [args.text] if args.text.is_file() else sorted(p for p in args.text.rglob("*") if p.is_file())
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
        pipe = Pipeline(detectors, config, text_windows=not args.no_windows)
        pipe.prefilters.fired("")
        rows["(prefilter pass)"] = {"build": 0.0, "text": 0.0, "column": 0.0, "matches": 0}
        for text in texts:
            t = _cpu()
            folded = fold_keep_length(text)
            if pipe._windowed and len(text) >= pipe.window_min_chars:
                fired, lines = pipe.prefilters.hit_ends(folded)
            else:
                fired, lines = pipe.prefilters.fired(folded), {}
            rows["(prefilter pass)"]["text"] += (_cpu() - t) * 1000
            for k in sorted(fired, key=lambda k: k in lines):  # whole-text ones first, as there
                det = detectors[k]
                t = _cpu()
                n = 0
                spans = _windows(text, lines[k], pipe.windows[k]) if k in lines else [(0, len(text))]
                for a, b in spans:
                    got = list(det.find(text if b - a == len(text) else text[a:b]))
                    det.context_hits_many(folded, [(m.start + a, m.end + a) for m in got])
                    n += len(got)
                rows[det.name]["text"] += (_cpu() - t) * 1000
                rows[det.name]["matches"] += n

    if args.tables:
        import polars as pl

        pipe = Pipeline(detectors, config)
        for unit in _table_units(args.tables, config):
            batch = next(iter(unit.batches), None)
            if batch is None:
                continue
            sample = [col[: config.sample_rows * 2] for col in batch.columns]
            for plan in pipe.classify(unit.header, sample, unit.hints):
                if plan.detector is None or plan.index >= len(batch.columns):
                    continue
                values = pl.Series("value", batch.columns[plan.index], dtype=pl.Utf8)
                distinct = values.drop_nulls().unique(maintain_order=True)
                distinct = distinct.filter(distinct.str.strip_chars() != "")
                t = _cpu()
                res = plan.detector.match_column(distinct, plan.header_hit)
                rows[plan.detector.name]["column"] += (_cpu() - t) * 1000
                rows[plan.detector.name]["matches"] += int(res["start"].is_not_null().sum())

    order = sorted(rows.items(), key=lambda kv: -(kv[1]["build"] + kv[1]["text"] + kv[1]["column"]))
    if args.top:
        order = order[: args.top]
    print(f"{'detector':<22}{'build ms':>10}{'text ms':>10}{'column ms':>11}{'matches':>9}")
    for name, r in order:
        print(f"{name:<22}{r['build']:>10.1f}{r['text']:>10.1f}{r['column']:>11.1f}{r['matches']:>9}")
    tot = {k: sum(r[k] for r in rows.values()) for k in ("build", "text", "column")}
    print(f"{'total':<22}{tot['build']:>10.1f}{tot['text']:>10.1f}{tot['column']:>11.1f}")
    print(f"build of every detector, wall of the loop: {build_all:.0f} ms CPU")


if __name__ == "__main__":
    main()
