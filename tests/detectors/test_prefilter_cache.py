"""The per-user cache of the compiled hyperscan database (issue 6, start-up cost) and the
pickling of a :class:`PrefilterSet` with its database serialised.

Patterns are small made-up prefilters (the registry's take 1-2 s to compile); the cache logic
does not depend on them.
"""

from __future__ import annotations

import os
import pickle

import pytest

import sentinelle.detectors.prefilter as prefilter
from sentinelle.detectors.prefilter import PrefilterSet, cache_dir

PATTERNS = [r"\d{5}", r"@", None, r"nir|secu"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(folder))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 0)  # these patterns compile at once
    prefilter._compile_hs.cache_clear()  # the in-memory cache would hide the disk
    yield folder
    prefilter._compile_hs.cache_clear()


def _no_compile(monkeypatch):
    """Make compiling impossible: only a database loaded from the cache can work."""
    class NoDatabase:
        def __init__(self, *a, **k):
            raise AssertionError("compiled instead of loaded from the cache")
    monkeypatch.setattr(prefilter._hs, "Database", NoDatabase)


def fired(text: str) -> tuple[int, ...]:
    return PrefilterSet(PATTERNS, "hyperscan").fired(text)


def test_compiled_once_then_loaded(cache, monkeypatch):
    assert fired("code 75014, ecrire a x@y") == (0, 1, 2)  # 2 always runs
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("hyperscan-")
    assert files[0].read_bytes()[:8] == b"SNTLHS01"
    assert (cache.stat().st_mode & 0o777) == 0o700
    prefilter._compile_hs.cache_clear()
    _no_compile(monkeypatch)
    assert fired("numero de secu") == (2, 3)


@pytest.mark.parametrize("damage", [
    lambda b: b[:100],                              # truncated (a writer killed mid-way)
    lambda b: b[:50] + bytes([b[50] ^ 0xFF]) + b[51:],  # one byte flipped in the payload
    lambda b: b"NOTMAGIC" + b[8:],                  # not our file
    lambda b: b"",                                  # empty
])
def test_corrupt_file_is_ignored_and_rewritten(cache, damage):
    assert fired("75014") == (0, 2)
    (path,) = cache.iterdir()
    good = path.read_bytes()
    path.write_bytes(damage(good))
    prefilter._compile_hs.cache_clear()
    assert fired("75014 secu") == (0, 2, 3)  # compiled again, same answer
    assert path.read_bytes()[:8] == b"SNTLHS01" and len(path.read_bytes()) == len(good)
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("value", ["off", "OFF", ""])
def test_disabled(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    prefilter._compile_hs.cache_clear()
    try:
        assert cache_dir() is None
        assert fired("x@y") == (1, 2)
        assert not (tmp_path / "xdg").exists()
    finally:
        prefilter._compile_hs.cache_clear()


def test_default_location_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("SENTINELLE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "sentinelle"


def test_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 0)
    prefilter._compile_hs.cache_clear()
    try:
        assert fired("75014") == (0, 2)
    finally:
        prefilter._compile_hs.cache_clear()


def test_pickled_set_keeps_its_database(cache, monkeypatch):
    pset = PrefilterSet(PATTERNS, "hyperscan")
    pset.prepare()
    blob = pickle.dumps(pset)
    prefilter._compile_hs.cache_clear()
    _no_compile(monkeypatch)
    copy = pickle.loads(blob)
    assert copy.engine == "hyperscan"
    for text in ("75014", "x@y secu", "rien", ""):
        assert copy.fired(text) == pset.fired(text)


def test_old_databases_are_pruned(cache):
    cache.mkdir(mode=0o700)
    for k in range(16):  # databases of other pattern lists, written earlier
        old = cache / f"hyperscan-old{k:02d}.db"
        old.write_bytes(b"SNTLHS01")
        os.utime(old, (1_000_000 + k, 1_000_000 + k))
    assert fired("75014") == (0, 2)
    left = sorted(p.name for p in cache.iterdir())
    assert len(left) == prefilter.CACHE_KEEP
    # the new one and the 11 most recent old ones stay (CACHE_KEEP 12)
    assert [n for n in left if n.startswith("hyperscan-old")] == [
        f"hyperscan-old{k:02d}.db" for k in range(5, 16)]


def test_quick_databases_are_not_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 3600)
    prefilter._compile_hs.cache_clear()
    try:
        assert fired("75014") == (0, 2)
        assert not (tmp_path / "cache").exists()
    finally:
        prefilter._compile_hs.cache_clear()
