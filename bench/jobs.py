"""Wall time of ``sentinelle scan --jobs N`` and the start-up CPU time (issue 6, parallelism).

One command::

    python bench/jobs.py                       # --patients 10000 --jobs 1,2 --repeat 1

It writes a synthetic leak (``sentinelle synth DIR --patients N --labs 4 --copies 1 --seed 5``,
about 10 MB of CSV, JSON, NDJSON and text for 10,000 patients) into a temporary folder, then
runs, each in a child process:

* ``sentinelle scan DIR --no-db -q --findings F --jobs N`` for each N: wall time, CPU time of
  the process and its workers (``os.wait4`` of the parent only counts reaped children: the
  workers are reaped by the parent, so their CPU is included), and checks the findings files
  are byte-identical across N;
* start-up: ``sentinelle scan ONE_WORD_FILE --no-db -q --jobs 1`` CPU time, with the hyperscan
  database cache cold (``SENTINELLE_CACHE_DIR`` an empty folder, first run) and warm (second
  run), and with the cache disabled (``SENTINELLE_CACHE_DIR=off``); Python bytecode is written
  once and reused (as for an installed package), whatever ``PYTHONDONTWRITEBYTECODE`` says.

Figures depend on the machine's load: on a shared machine, run it when quiet.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).with_name("sentinelle")


def run(args: list[str], env: dict) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process tree, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(BIN), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tmp", type=Path, default=None)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-bench-jobs-", dir=a.tmp))
    try:
        # bytecode written (to a private folder) and warmed up below, as for an installed
        # package: with PYTHONDONTWRITEBYTECODE every run compiled sentinelle's sources again
        # (0.4 to 0.9 CPU s of the start-up figure)
        env = {**os.environ, "SENTINELLE_KEY": "bench-key",
               "SENTINELLE_CACHE_DIR": str(tmp / "cache"), "PYTHONPYCACHEPREFIX": str(tmp / "pyc")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        leak = tmp / "synth"
        subprocess.run([str(BIN), "synth", str(leak), "--patients", str(a.patients), "--labs",
                        "4", "--copies", "1", "--seed", "5"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        size = sum(p.stat().st_size for p in (leak / "leak").rglob("*") if p.is_file())
        print(f"input: {leak / 'leak'} ({size / 1e6:.1f} MB)")
        one = tmp / "one.txt"
        one.write_text("bonjour\n")
        run(["version"], env)  # writes the bytecode of the command line's modules
        run(["scan", str(one), "--no-db", "-q", "--jobs", "1"],
            {**env, "SENTINELLE_CACHE_DIR": "off"})  # and of the scanner's (cache untouched)
        cold = run(["scan", str(one), "--no-db", "-q", "--jobs", "1"], env)
        warm = run(["scan", str(one), "--no-db", "-q", "--jobs", "1"], env)
        off = run(["scan", str(one), "--no-db", "-q", "--jobs", "1"],
                  {**env, "SENTINELLE_CACHE_DIR": "off"})
        print(f"start-up CPU: cache cold {cold[1]:.2f} s, warm {warm[1]:.2f} s, "
              f"disabled {off[1]:.2f} s")
        outputs = {}
        for jobs in (int(j) for j in a.jobs.split(",")):
            for r in range(a.repeat):
                out = tmp / f"f{jobs}.jsonl"
                wall, cpu, code = run(["scan", str(leak / "leak"), "--no-db", "-q", "--findings",
                                       str(out), "--jobs", str(jobs)], env)
                outputs[jobs] = out.read_bytes()
                print(f"--jobs {jobs}: wall {wall:.2f} s, CPU {cpu:.2f} s, "
                      f"{size / 1e6 / wall:.2f} MB/s wall, exit {code}")
        same = len(set(outputs.values())) == 1
        print(f"findings byte-identical across --jobs: {same}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
