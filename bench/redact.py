"""Redaction throughput vs scan throughput, in the same run, on the structured synthetic dump.

Usage::

    .venv/bin/python bench/redact.py [--size-mb 16] [--formats csv,sql,pgcopy]
                                     [--policy research] [--json out.json] [--tmp DIR]

For each format, ``bench/memory.py`` generates a file of about ``--size-mb`` MiB of synthetic
patients (names, NIR with a valid key, e-mail, phone, birth date, weight, a free-text comment:
a ``;`` CSV, a mysqldump-style dump with extended INSERTs, a pg_dump-style COPY block), then,
in this process, one after the other:

* ``scan``: the scanner on the file (reader + pipeline; each finding turned into its public
  record with a keyed hash, as ``sentinelle scan --findings`` does);
* ``redact``: :func:`sentinelle.redact.redact` with ``check=False`` (reader + pipeline +
  operators + writer, output written to disk);
* ``redact+check``: the same with the residual-risk report (a re-scan of the output, DuckDB
  k-anonymity), for information.

CPU seconds of this process (``time.process_time``) are the comparable figure on a shared
machine; wall seconds and MiB/s of input per CPU second are printed too. Target (issue 7):
redaction within 2x of scan (``ratio`` = redact CPU / scan CPU <= 2).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

MIB = 1 << 20
HERE = Path(__file__).resolve().parent


def _generator():
    spec = importlib.util.spec_from_file_location("bench_memory", HERE / "memory.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=16)
    ap.add_argument("--formats", default="csv,sql,pgcopy")
    ap.add_argument("--policy", default="research")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--tmp", type=Path)
    args = ap.parse_args(argv)

    from sentinelle.config import Config
    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    from sentinelle.privacy import KeyedHasher
    from sentinelle.redact import redact
    from sentinelle.scanner import iter_file

    key = b"bench-key-not-secret"
    config = Config()
    generate = _generator()
    work = Path(tempfile.mkdtemp(prefix="sentinelle-bench-redact-", dir=args.tmp))
    rows_out = []
    try:
        for fmt in args.formats.split(","):
            src = work / fmt
            src.mkdir()
            name = {"csv": "patients.csv", "sql": "dump.sql", "pgcopy": "dump_pg.sql"}[fmt]
            path = src / name
            rows = generate(fmt, path, int(args.size_mb * MIB))
            size = path.stat().st_size / MIB

            def scan():
                hasher = KeyedHasher(key)
                pipeline = Pipeline(build(config.entities, config), config)
                count = [0]

                def sink(batch):
                    for f in batch:
                        f.to_record(hasher)
                    count[0] += len(batch)
                for _ in iter_file(name, path, pipeline, config, sink):
                    pass
                return count[0]

            found, scan_wall, scan_cpu = _timed(scan)
            result, red_wall, red_cpu = _timed(lambda: redact(
                [src], work / f"{fmt}-out", args.policy, key, config=config, check=False))
            errors = [f.reason for f in result.files if f.status != "written"]
            replaced = sum(f.replaced for f in result.files)
            checked, chk_wall, chk_cpu = _timed(lambda: redact(
                [src], work / f"{fmt}-out2", args.policy, key, config=config, check=True))
            risk = checked.risk
            rows_out.append({
                "format": fmt, "mib": round(size, 1), "rows": rows, "findings": found,
                "replaced": replaced, "errors": errors,
                "scan_cpu_s": round(scan_cpu, 2), "scan_wall_s": round(scan_wall, 2),
                "redact_cpu_s": round(red_cpu, 2), "redact_wall_s": round(red_wall, 2),
                "redact_check_cpu_s": round(chk_cpu, 2),
                "scan_mib_per_cpu_s": round(size / scan_cpu, 2),
                "redact_mib_per_cpu_s": round(size / red_cpu, 2),
                "ratio": round(red_cpu / scan_cpu, 2),
                "leaks": risk.leak_count, "validated_left": risk.validated_count,
                "k": risk.anonymity.k_min if risk.anonymity else None,
            })
            shutil.rmtree(work / f"{fmt}-out", ignore_errors=True)
            shutil.rmtree(work / f"{fmt}-out2", ignore_errors=True)
            path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cols = ("format", "mib", "rows", "findings", "scan_cpu_s", "redact_cpu_s", "ratio",
            "scan_mib_per_cpu_s", "redact_mib_per_cpu_s", "redact_check_cpu_s", "leaks",
            "validated_left", "k")
    print(" | ".join(cols))
    for r in rows_out:
        print(" | ".join(str(r[c]) for c in cols))
        if r["errors"]:
            print(f"  errors: {r['errors']}")
    worst = max(r["ratio"] for r in rows_out)
    print(f"policy {args.policy}; worst redact/scan CPU ratio {worst} (target <= 2): "
          f"{'met' if worst <= 2 else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({"policy": args.policy, "results": rows_out}, indent=2)
                             + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
