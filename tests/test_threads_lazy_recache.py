"""Thread safety of the start-up helpers, with real threads in a fresh interpreter each (both
helpers change process-wide state): :func:`sentinelle._lazy.lazy_import` (the standard
library's ``LazyLoader`` is not thread-safe before Python 3.12.3, CPython gh-114763) and the
compiled-regex cache :mod:`sentinelle.recache` (two threads meeting one damaged entry).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

#: a module whose code takes a while between two assignments: a thread reading ``LAST`` while
#: another runs the module's code must wait for it, not see a half-made module
SLOW_MODULE = textwrap.dedent("""
    import time
    FIRST = 1
    time.sleep(0.3)
    LAST = 2
""")

LAZY_CHILD = textwrap.dedent("""
    import json, sys, threading
    from sentinelle._lazy import lazy_import

    module = lazy_import("slow_module_r7")
    assert "slow_module_r7" not in sys.modules  # nothing run yet
    start = threading.Barrier(8)
    got = []

    def read():
        start.wait()
        try:
            got.append(module.LAST)
        except Exception as exc:  # the fault: AttributeError on a half-made module
            got.append(type(exc).__name__)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"got": got, "first": module.FIRST, "type": type(module).__name__,
                      "same": sys.modules["slow_module_r7"].LAST == module.LAST}))
""")


def _child(code: str, tmp_path: Path, env_extra: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(tmp_path), **(env_extra or {})})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_lazy_import_from_eight_threads_at_once(tmp_path: Path):
    (tmp_path / "slow_module_r7.py").write_text(SLOW_MODULE, encoding="utf-8")
    res = _child(LAZY_CHILD, tmp_path)
    # every thread waited for the module's code and read its value
    assert res == {"got": [2] * 8, "first": 1, "type": "module", "same": True}


def test_lazy_import_of_a_missing_module_fails_at_once():
    import pytest

    from sentinelle._lazy import lazy_import

    with pytest.raises(ModuleNotFoundError):
        lazy_import("no_such_module_r7")


RECACHE_CHILD = textwrap.dedent("""
    import hashlib, json, marshal, os, re, sys, threading
    from sentinelle import recache

    PATTERN = r"r7-(damaged|entry)+[0-9]{2}"
    path = recache._file()
    path.parent.mkdir(mode=0o700)
    # an entry of the right key whose value is not a compiled pattern's code (5 items expected)
    payload = marshal.dumps({(PATTERN, 0): marshal.dumps(("damaged",))})
    path.write_bytes(recache._MAGIC + hashlib.sha256(payload).digest() + payload)
    os.chmod(path, 0o600)
    assert recache.install()

    # both threads find the damaged entry, then both drop it: the barrier in the check makes
    # this interleaving certain (the fault: KeyError in the second thread)
    both = threading.Barrier(2)
    checked = recache._valid

    def valid(key, value):
        ok = checked(key, value)
        if key == (PATTERN, 0):
            both.wait(timeout=30)
        return ok

    recache._valid = valid
    got = []

    def compile_it():
        try:
            got.append(bool(re.compile(PATTERN).fullmatch("r7-damagedentry42")))
        except Exception as exc:
            got.append(type(exc).__name__)

    threads = [threading.Thread(target=compile_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"got": got, "left": (PATTERN, 0) in recache._state["store"]}))
""")


def test_recache_damaged_entry_from_two_threads(tmp_path: Path):
    res = _child(RECACHE_CHILD, tmp_path, {"SENTINELLE_CACHE_DIR": str(tmp_path / "cache")})
    # both threads compiled the pattern afresh; the damaged entry is gone
    assert res == {"got": [True, True], "left": False}
