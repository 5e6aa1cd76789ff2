"""The long-text pass of :class:`PrefilterSet` (issue 6, scan speed): from ``SPLIT_MIN_BYTES``
bytes of UTF-8 each prefilter is scanned in a database of its own (each stops at its first
match) and the windowed ones in one database reporting every end. Same results as the database
of them all: hand-checked fired sets and end offsets on synthetic texts, the dense limit
counting the same reports, pickling and the per-user cache.
"""

from __future__ import annotations

import pickle

import pytest

import sentinelle.detectors.prefilter as prefilter
from sentinelle.detectors.prefilter import SPLIT_MIN_BYTES, PrefilterSet

pytestmark = pytest.mark.skipif(not prefilter.hyperscan_available(), reason="hyperscan missing")

PATTERNS = [r"\d{5}", r"@", None, r"nir|secu"]
WINDOWED = [True, False, False, True]
PAD = "x" * SPLIT_MIN_BYTES  # no prefilter matches it: the texts below are long ones


def _both(text: str):
    """hit_ends of the long-text pass and of the combined database (short texts' path)."""
    split = PrefilterSet(PATTERNS, "hyperscan", WINDOWED)
    combined = PrefilterSet(PATTERNS, "hyperscan", WINDOWED)
    combined._split = False  # refused: the combined databases serve, as for a short text
    return split.hit_ends(text), combined.hit_ends(text)


@pytest.mark.parametrize("text, fired, ends", [
    # nothing but the detector that always runs
    (PAD, (2,), {}),
    # "75014" ends at len(PAD) + 6 ("code " is 5 characters); "@" fires (not windowed)
    (PAD + "code 75014 a@b", (0, 1, 2), {0: [len(PAD) + 10]}),
    # accented characters before the matches: ends are character offsets, not byte offsets
    # ("é" is 2 bytes; one in two characters, as hyperscan's \d takes any non-ASCII one):
    # "secu" ends 4 characters after "né " (3), "12345" at +3+4+1+5
    ("é " * 1500 + "né secu 12345", (0, 2, 3), {0: [3000 + 13], 3: [3000 + 7]}),
    # every end of a windowed prefilter: "123456" holds two ends of \d{5}, "nir" twice
    (PAD + "nir 123456 nir", (0, 2, 3), {0: [len(PAD) + 9, len(PAD) + 10],
                                        3: [len(PAD) + 3, len(PAD) + 14]}),
])
def test_long_text(text, fired, ends):
    assert len(text.encode("utf-8")) >= SPLIT_MIN_BYTES
    split, combined = _both(text)
    assert split == (fired, ends)
    assert combined == split
    assert PrefilterSet(PATTERNS, "hyperscan", WINDOWED).fired(text) == fired


@pytest.mark.parametrize("windowed_reports, singles, kept", [
    # limit = max(DENSE_MIN_REPORTS, bytes // DENSE_CHARS) = 1024 for these texts; the combined
    # database stops past 1024 reports, counting the first match of "@" and of "nir|secu" (not
    # windowed here) with every end of \d{5}: the long-text pass must stop on the same count
    (1023, 1, True),    # 1024 reports: not past the limit, windows kept
    (1023, 2, False),   # 1025: past it, the detectors run on the whole text (no ends)
    (1025, 0, False),
])
def test_dense_limit_counts_the_same_reports(windowed_reports, singles, kept):
    text = "12345 " * windowed_reports + " ".join(["@", "nir"][:singles]) + " " + PAD
    ps = PrefilterSet(PATTERNS, "hyperscan", [True, False, False, False])
    assert max(prefilter.DENSE_MIN_REPORTS, len(text) // prefilter.DENSE_CHARS) == 1024
    fired, ends = ps.hit_ends(text)
    assert fired == tuple(sorted([0, 2] + [1, 3][:singles]))
    assert (0 in ends) is kept
    if kept:
        assert len(ends[0]) == windowed_reports
    combined = PrefilterSet(PATTERNS, "hyperscan", [True, False, False, False])
    combined._split = False
    assert combined.hit_ends(text) == (fired, ends)


def test_pickled_with_its_long_text_databases(monkeypatch):
    ps = PrefilterSet(PATTERNS, "hyperscan", WINDOWED)
    text = PAD + "code 75014 a@b"
    expected = ps.hit_ends(text)
    clone = pickle.loads(pickle.dumps(ps))

    def no_compile(*_a, **_k):
        raise AssertionError("compiled again instead of loaded from the pickle")
    monkeypatch.setattr(prefilter, "_compile_split", no_compile)
    assert clone.hit_ends(text) == expected
    assert clone.fired(text) == (0, 1, 2)


def test_cached_as_one_file(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(folder))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 0)  # these patterns compile at once
    prefilter._compile_split.cache_clear()
    try:
        text = PAD + "code 75014 a@b"
        expected = PrefilterSet(PATTERNS, "hyperscan", WINDOWED).hit_ends(text)
        files = sorted(p.name for p in folder.iterdir())
        # the combined database of fired("") is not built: only the long-text set, one file
        assert len(files) == 1 and files[0].startswith("hyperscan-")
        prefilter._compile_split.cache_clear()

        class NoDatabase:
            def __init__(self, *a, **k):
                raise AssertionError("compiled instead of loaded from the cache")
        monkeypatch.setattr(prefilter._hs, "Database", NoDatabase)
        assert PrefilterSet(PATTERNS, "hyperscan", WINDOWED).hit_ends(text) == expected
    finally:
        prefilter._compile_split.cache_clear()


def test_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(folder))
    monkeypatch.setattr(prefilter, "CACHE_MIN_SECONDS", 0)
    prefilter._compile_split.cache_clear()
    try:
        text = PAD + "code 75014 a@b"
        expected = PrefilterSet(PATTERNS, "hyperscan", WINDOWED).hit_ends(text)
        (path,) = folder.iterdir()
        path.write_bytes(path.read_bytes()[:200])  # truncated: a writer killed mid-way
        prefilter._compile_split.cache_clear()
        assert PrefilterSet(PATTERNS, "hyperscan", WINDOWED).hit_ends(text) == expected
        assert len(path.read_bytes()) > 200  # rewritten
    finally:
        prefilter._compile_split.cache_clear()
