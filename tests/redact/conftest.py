"""Helpers of the redaction tests: run ``sentinelle.redact.redact`` on files written by the test
and read the results back. The key is a fixed test key (never a user's)."""

from __future__ import annotations

from pathlib import Path

import pytest

KEY = b"redact-test-key-not-secret-0123456789"


@pytest.fixture
def do_redact(tmp_path: Path):
    """``do_redact(files: {name: bytes|str}, policy, **kw) -> (out folder, result)``."""
    from sentinelle.redact import redact

    def run(files: dict, policy="share", key: bytes = KEY, out_name: str = "out", **kw):
        src = tmp_path / "in"
        src.mkdir(exist_ok=True)
        for name, content in files.items():
            path = src / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_bytes(content.encode("utf-8"))
            else:
                path.write_bytes(content)
        out = tmp_path / out_name
        result = redact([src], out, policy, key, **kw)
        return out, result

    return run


@pytest.fixture(scope="session")
def cases() -> dict:
    """../shared/cases/cases.jsonl by id (tests/conftest.py::load_cases)."""
    from tests.conftest import load_cases

    return load_cases()


@pytest.fixture(scope="session")
def shared() -> Path:
    from tests.conftest import shared_dir

    return shared_dir()


@pytest.fixture
def policy_from():
    """``policy_from(toml_text)`` -> Policy."""
    import tomllib

    from sentinelle.redact.policy import parse_policy

    return lambda text: parse_policy(tomllib.loads(text), "test")
