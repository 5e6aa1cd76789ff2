"""Shared fixtures. Tests never touch the user's real key: SENTINELLE_KEY is set per test."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared (the team's corpus and cases), or $SENTINELLE_SHARED."""
    return Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))


def load_cases() -> dict[str, dict]:
    """../shared/cases/cases.jsonl by id; fails loudly when missing (never skipped)."""
    path = shared_dir() / "cases" / "cases.jsonl"
    assert path.exists(), f"missing {path}: set SENTINELLE_SHARED"
    return {c["id"]: c for c in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if c}


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The compiled-pattern cache of this test session, not the user's ~/.cache/sentinelle
    (a test for the cache itself sets its own folder)."""
    if "SENTINELLE_CACHE_DIR" in os.environ:
        yield
        return
    os.environ["SENTINELLE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    os.environ.pop("SENTINELLE_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _test_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SENTINELLE_KEY", "test-key-not-secret")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
