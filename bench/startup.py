"""Start-up CPU time of sentinelle (issue 6: "a CLI that reads like rg").

One command::

    python bench/startup.py            # --repeat 5

Prints, each the median of ``--repeat`` child processes (CPU = user + system seconds of the
child, from ``os.wait4``; the Python interpreter's own start-up included where it says so):

* ``python -c pass``: the interpreter alone (the floor);
* ``import sentinelle``: the public API module (whole child process);
* ``import sentinelle.cli``: what every command pays before it runs (whole child process);
* ``detectors.build()``: building every registered detector, measured inside the child around
  the call (``time.process_time``), the imports excluded, with the compiled-regex cache of
  the command line (:mod:`sentinelle.recache`); the set-up of most detectors is deferred to
  their first use (:func:`sentinelle.detectors.build`), so this is what every scan pays;
* ``Pipeline(detectors)``: the prefilter database (hyperscan, from the per-user cache), inside
  the child;
* ``scan tiny``: ``sentinelle scan FILE --no-db -q`` on a one-line file that fires a few
  detectors (a name, a date of birth), whole child process; and on a one-word file
  (``bonjour``: no detector fires);
* ``scan --jobs 2``: the same command on a folder of two one-line files with two workers (the
  workers' CPU included: they are reaped by the parent).

Bytecode is written once to a private folder and reused (as for an installed package), whatever
``PYTHONDONTWRITEBYTECODE`` says; the per-user data and hyperscan caches are warmed by a first,
unmeasured run (``SENTINELLE_CACHE_DIR`` a private temporary folder). Figures depend on the
machine's load: compare figures taken in the same minute.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PY = sys.executable
CLI = [PY, "-c", "from sentinelle.cli import main; main()"]

#: a child that prints the CPU seconds of ``detectors.build`` and of ``Pipeline(...)``
_BUILD = """
import json, time
try:  # as the command line does (sentinelle.cli.main)
    from sentinelle import recache
    recache.install()
except ImportError:  # a version without the compiled-regex cache
    pass
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.pipeline import Pipeline
t0 = time.process_time()
dets = build(None, Config())
t1 = time.process_time()
Pipeline(dets, Config())
t2 = time.process_time()
print(json.dumps({"build": t1 - t0, "pipeline": t2 - t1}))
"""


def run(argv: list[str], env: dict) -> tuple[float, str]:
    """(CPU seconds of the child and of the children it reaped, its stdout)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read().decode()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tmp", type=Path, default=None)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-bench-startup-", dir=a.tmp))
    try:
        env = {**os.environ, "SENTINELLE_KEY": "bench-key",
               "SENTINELLE_CACHE_DIR": str(tmp / "cache"), "PYTHONPYCACHEPREFIX": str(tmp / "pyc")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        tiny = tmp / "tiny.txt"
        tiny.write_text("Patient : Jean Dupont, né le 12/03/1985\n", encoding="utf-8")
        word = tmp / "word.txt"
        word.write_text("bonjour\n", encoding="utf-8")
        two = tmp / "two"
        two.mkdir()
        (two / "a.txt").write_text("Patient : Jean Dupont, né le 12/03/1985\n", encoding="utf-8")
        (two / "b.txt").write_text("Tél. 06 12 34 56 78\n", encoding="utf-8")
        rows = {
            "python -c pass": [PY, "-c", "pass"],
            "import sentinelle": [PY, "-c", "import sentinelle"],
            "import sentinelle.cli": [PY, "-c", "import sentinelle.cli"],
            "scan tiny (name, date)": CLI + ["scan", str(tiny), "--no-db", "-q"],
            "scan one word": CLI + ["scan", str(word), "--no-db", "-q"],
            "scan 2 files --jobs 2": CLI + ["scan", str(two), "--no-db", "-q", "--jobs", "2"],
        }
        # warm-up, not measured: bytecode (of the workers too), data and hyperscan caches
        for argv in rows.values():
            run(argv, env)
        run([PY, "-c", _BUILD], env)
        cpu: dict[str, list[float]] = {k: [] for k in rows}
        inner: dict[str, list[float]] = {"detectors.build()": [], "Pipeline(detectors)": []}
        for _ in range(a.repeat):  # interleaved: load changes hit every row alike
            for name, argv in rows.items():
                cpu[name].append(run(argv, env)[0])
            _, out = run([PY, "-c", _BUILD], env)
            got = json.loads(out.strip().splitlines()[-1])
            inner["detectors.build()"].append(got["build"])
            inner["Pipeline(detectors)"].append(got["pipeline"])
        print(f"start-up CPU seconds, median of {a.repeat} (min-max)")
        for name, vals in {**cpu, **inner}.items():
            print(f"  {name:<26} {statistics.median(vals):6.3f}   "
                  f"({min(vals):.3f}-{max(vals):.3f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
