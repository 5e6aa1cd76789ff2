"""``sentinelle.data.cached``: prepared data kept in the per-user cache folder (issue 6,
start-up). Each test points ``SENTINELLE_CACHE_DIR`` at its own folder and clears the
per-process memo, so a second call must come from the file."""

from __future__ import annotations

import pytest

from sentinelle import data


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "_MEMO", {})
    return tmp_path / "cache"


def _builder(calls: list):
    def build():
        calls.append(1)
        return {"key": ("a", frozenset({"b"})), "n": 3}
    return build


def test_built_once_then_read_from_the_file(folder):
    calls: list = []
    first = data.cached("t", _builder(calls), files=("departments.txt",), version="1")
    assert first == {"key": ("a", frozenset({"b"})), "n": 3}
    (entry,) = folder.glob("data-t-*.pickle")
    data._MEMO.clear()  # a new process: only the file remains
    again = data.cached("t", _builder(calls), files=("departments.txt",), version="1")
    assert again == first and calls == [1]
    assert entry.stat().st_mode & 0o077 == 0  # mkstemp makes it 0600: the user's own
    assert (folder.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("change", [
    {"version": "2"},                            # the caller bumped its version
    {"files": ("departments.txt", "cim10_codes.txt")},  # other data files
])
def test_a_new_key_rebuilds_and_replaces_the_old_entry(folder, change):
    calls: list = []
    data.cached("t", _builder(calls), files=("departments.txt",), version="1")
    data._MEMO.clear()
    args = {"files": ("departments.txt",), "version": "1", **change}
    data.cached("t", _builder(calls), **args)
    assert calls == [1, 1]
    assert len(list(folder.glob("data-t-*.pickle"))) == 1  # the stale entry is gone


def test_a_corrupt_entry_is_rebuilt(folder):
    calls: list = []
    data.cached("t", _builder(calls), version="1")
    (entry,) = folder.glob("data-t-*.pickle")
    raw = bytearray(entry.read_bytes())
    raw[-1] ^= 0xFF  # one flipped bit: the checksum no longer matches
    entry.write_bytes(bytes(raw))
    data._MEMO.clear()
    assert data.cached("t", _builder(calls), version="1")["n"] == 3
    assert calls == [1, 1]


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", "off")
    monkeypatch.setattr(data, "_MEMO", {})
    calls: list = []
    data.cached("t", _builder(calls))
    data.cached("t", _builder(calls))  # memoised in the process
    assert calls == [1]
    assert not any(tmp_path.iterdir())


def test_unwritable_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(data, "_MEMO", {})
    assert data.cached("t", _builder([]))["n"] == 3


def test_a_folder_others_may_write_is_neither_read_nor_fed(tmp_path, monkeypatch):
    # a pickle is code: an entry in a group-writable folder could be anybody's
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("SENTINELLE_CACHE_DIR", str(shared))
    monkeypatch.setattr(data, "_MEMO", {})
    calls: list = []
    data.cached("t", _builder(calls))
    data._MEMO.clear()
    data.cached("t", _builder(calls))
    assert calls == [1, 1] and not list(shared.iterdir())


def test_the_folder_keeps_the_most_recent_entries(folder, monkeypatch):
    monkeypatch.setattr(data, "CACHED_KEEP", 3)
    for k in range(5):
        data.cached(f"n{k}", _builder([]))
    assert len(list(folder.glob("data-*.pickle"))) == 3
