"""The regex sources the detectors compile are the same in every process (session 7: context
words were sorted by length only, out of a set, so words of equal length came in hash order, a
new source each run: the per-user regex cache grew and was rewritten on every start)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import hashlib
from sentinelle import detectors
from sentinelle.detectors.base import compile_context
out = []
for det in detectors.build():
    words = det.context_words or ()
    pat = compile_context(tuple(words)) if words else None
    out.append(f"{det.name}:{pat.pattern if pat else ''}")
print(hashlib.sha256("\n".join(out).encode()).hexdigest())
"""


def _digest(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SENTINELLE_CACHE_DIR": "off"}
    r = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                       check=True, timeout=300)
    return r.stdout.strip()


def test_context_regex_sources_do_not_depend_on_hash_seed():
    assert _digest("1") == _digest("2") == _digest("3")


def test_equal_length_words_sorted_by_name():
    # "cpam" and "msa1" have the same length: the source orders them by name (grouped by
    # first character since session 8: "m" first for "mutuelle", the longest)
    pat = compile_context(("msa1", "cpam", "mutuelle"))
    assert pat.pattern == (r"(?:m(?<![0-9a-z]m)(?:utuelle|sa1)|c(?<![0-9a-z]c)(?:pam))"
                           r"(?![0-9a-z])")
    pat = compile_context(("mgen", "msa1", "mutuelle"))
    assert pat.pattern == r"(?:m(?<![0-9a-z]m)(?:utuelle|gen|sa1))(?![0-9a-z])"


from sentinelle.detectors.base import compile_context  # noqa: E402
