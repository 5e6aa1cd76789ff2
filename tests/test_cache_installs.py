"""Several installs of sentinelle on one machine share the per-user cache folder without
overwriting each other's files (a clone in /tmp and the main tree used in turn rebuilt the data
and rewrote the one regex file on every run: 4-5 s of CPU instead of about 1 s): the regex
cache (:mod:`sentinelle.recache`) and the prepared data (:func:`sentinelle.data.cached`) are
named by :func:`sentinelle.data.install_id`, and the number of files kept is bounded."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle
from sentinelle import data, recache

SRC = Path(sentinelle.__file__).resolve().parent.parent

#: a child process: installs the regex cache (optionally under a made-up install id, argv[2]),
#: compiles the patterns of argv[1] in a detector's set-up, prints how many were new and where
#: the package was imported from
_CHILD = """
import json, re, sys
import sentinelle, sentinelle.data
if len(sys.argv) > 2:
    sentinelle.data.install_id = lambda: sys.argv[2]
from sentinelle import recache
assert recache.install()

def set_up(p):  # a detector's set-up: patterns compiled here are recorded
    return re.compile(p)

for p in json.loads(sys.argv[1]):
    set_up(p)
print(json.dumps({"new": recache._state["new"], "package": sentinelle.__file__}))
"""


def _run(cache: Path, patterns: list[str], root: Path | None = None,
         install: str | None = None) -> dict:
    env = {**os.environ, "SENTINELLE_CACHE_DIR": str(cache)}
    if root is not None:
        env["PYTHONPATH"] = str(root)
    args = [sys.executable, "-c", _CHILD, json.dumps(patterns)] + ([install] if install else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_package_roots_keep_their_own_regex_files(tmp_path):
    # two real installs: this package and a copy of it elsewhere, each with its own patterns
    other = tmp_path / "clone" / "src"
    shutil.copytree(SRC / "sentinelle", other / "sentinelle",
                    ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    mine, theirs = ["motif-a-(?P<x>\\d+)", "[a-c]+z"], ["motif-b-\\w+", "(?i)nir"]
    runs = []
    for _ in range(2):  # used in turn, as two trees on one machine
        runs.append(_run(cache, mine))
        runs.append(_run(cache, theirs, root=other))
    assert [Path(r["package"]).parent.parent for r in runs[:2]] == [SRC, other]
    # each compiles its patterns once; the second round is served from its own file
    assert [r["new"] for r in runs] == [2, 2, 0, 0]
    files = sorted(cache.glob("regex-*.marshal"))
    assert len(files) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_the_number_of_regex_files_is_bounded(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    # a file of the versions before the install was in the name: removed at the next write
    legacy = next(iter(_legacy_names(cache)))
    legacy.write_bytes(b"old")
    legacy.chmod(0o600)
    ids = [f"{k:012x}" for k in range(recache.KEEP_FILES + 2)]
    for k, install in enumerate(ids):
        _run(cache, [f"motif-{k}"], install=install)
        # distinct modification times, oldest first (a coarse clock must not tie them)
        for i, f in enumerate(sorted(cache.glob("regex-*.marshal"),
                                     key=lambda p: ids.index(p.stem.rsplit("-", 1)[1]))):
            os.utime(f, (1_000_000 + i, 1_000_000 + i))
    kept = sorted(p.stem.rsplit("-", 1)[1] for p in cache.glob("regex-*.marshal"))
    assert kept == ids[-recache.KEEP_FILES:]  # the most recently used, this run's included
    assert not legacy.exists()


def _legacy_names(folder: Path):
    import _sre

    ver = "".join(str(v) for v in sys.version_info[:2])
    yield folder / f"regex-py{ver}-{sys.implementation.name}-{_sre.MAGIC}.marshal"


def test_install_id_names_the_package_folder_and_version():
    import hashlib

    expected = hashlib.sha256(f"{SRC / 'sentinelle'}\0{sentinelle.__version__}".encode())
    assert data.install_id() == expected.hexdigest()[:12]


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "_MEMO", {})
    return tmp_path / "cache"


def test_two_installs_keep_their_own_data_entries(folder, monkeypatch):
    # two trees: each its own install id and its own package sources (another key)
    calls: list = []

    def build():
        calls.append(1)
        return {"n": 3}

    def as_install(name: str):
        monkeypatch.setattr(data, "install_id", lambda: name * 12)
        monkeypatch.setattr(data, "_package_digest", lambda: name.encode())
        data._MEMO.clear()  # a new process
        return data.cached("t", build, version="1")

    for name in ("a", "b", "a", "b"):
        assert as_install(name) == {"n": 3}
    assert calls == [1, 1]  # each tree built once, then read its own entry
    assert sorted(p.name.split("-")[2] for p in folder.glob("data-t-*.pickle")) == \
        ["a" * 12, "b" * 12]
    # a code change in tree a replaces a's entry only
    monkeypatch.setattr(data, "_package_digest", lambda: b"a2")
    data._MEMO.clear()
    data.cached("t", build, version="1")
    assert calls == [1, 1, 1]
    assert sorted(p.name.split("-")[2] for p in folder.glob("data-t-*.pickle")) == \
        ["a" * 12, "b" * 12]


def test_data_eviction_spares_the_entries_in_use(folder, monkeypatch):
    # CACHED_KEEP evicts the least recently used: an entry read is touched
    monkeypatch.setattr(data, "CACHED_KEEP", 3)
    data.cached("old", lambda: 1)
    entry = next(folder.glob("data-old-*.pickle"))
    for k in range(2):
        data.cached(f"n{k}", lambda: 2)
    for f in folder.glob("data-*.pickle"):
        os.utime(f, (1_000_000, 1_000_000))  # all written long ago
    data._MEMO.clear()
    assert data.cached("old", lambda: 9) == 1  # read from its file: touched
    data.cached("n2", lambda: 3)  # a fourth entry: one must go, not "old"
    assert entry.exists()
    assert len(list(folder.glob("data-*.pickle"))) == 3


def test_cached_keep_holds_three_installs():
    # about 20 entries per install of this version (6 data sets, the lexicons' databases)
    assert data.CACHED_KEEP >= 3 * 20
