"""Shared fixtures. Tests never touch the user's real key: SENTINELLE_KEY is set per test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared (the team's corpus and cases), or $SENTINELLE_SHARED."""
    return Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))


def _missing_shared(exc: BaseException | None) -> str | None:
    """The one-line message for ``exc`` when it is a file of the shared folder not found, else
    None. A missing corpus fails its tests (never skips them), with this line instead of a
    traceback."""
    name = getattr(exc, "filename", None)
    if not isinstance(exc, FileNotFoundError) or name is None:
        return None
    shared = shared_dir()
    try:
        Path(os.fsdecode(name)).resolve().relative_to(shared.resolve())
    except ValueError:
        return None
    where = "is missing" if not shared.is_dir() else "has no such file"
    return (f"shared corpus {where}: {os.fsdecode(name)} (the team's shared folder, default "
            f"../shared; set SENTINELLE_SHARED=/path/to/shared)")


def pytest_configure(config):
    # without the shared folder the modules that read it at import cannot be collected: they
    # are reported as errors (one line each, below) and the other tests still run
    if not shared_dir().is_dir():
        config.option.continue_on_collection_errors = True


def pytest_report_header(config):
    if not shared_dir().is_dir():
        return [f"shared corpus MISSING at {shared_dir()}: the tests that read it fail "
                f"(set SENTINELLE_SHARED=/path/to/shared)"]
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # a module that reads the corpus at import: pytest keeps only the import error's text
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        found = re.search(r"FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'",
                          str(report.longrepr))
        message = found and _missing_shared(FileNotFoundError(2, "", found.group(1)))
        if message:
            report.longrepr = message


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    message = _missing_shared(call.excinfo.value if call.excinfo else None)
    if message is not None:
        report.longrepr = message
    elif report.failed and not shared_dir().is_dir():  # e.g. a scan of a missing corpus file
        report.sections.append(("shared corpus", f"missing at {shared_dir()}: if this test reads "
                                                 f"it, set SENTINELLE_SHARED=/path/to/shared"))


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


#: the ``sentinelle`` command of this virtual environment (the console script beside python)
SENTINELLE = Path(sys.executable).with_name("sentinelle")


def _cli_env(env_extra: dict | None, drop_env: tuple[str, ...]) -> dict:
    env = {**os.environ, "SENTINELLE_KEY": "test-key", **(env_extra or {})}
    for name in drop_env:
        env.pop(name, None)
    return env


def run_cli(*args, cwd: Path, env_extra: dict | None = None, drop_env: tuple[str, ...] = (),
            stdin=None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``sentinelle ARGS`` as a user would: a real subprocess in ``cwd``, the key
    ``SENTINELLE_KEY=test-key`` (tests compute expected hashes with it), ``env_extra`` added
    and ``drop_env`` removed from the environment; stdout and stderr captured as bytes."""
    return subprocess.run([str(SENTINELLE), *map(str, args)], cwd=cwd,
                          env=_cli_env(env_extra, drop_env), capture_output=True, stdin=stdin,
                          timeout=timeout)


class Cli:
    """The ``cli`` fixture: ``cli("scan", "a.csv", "--no-db", cwd=tmp_path)`` is
    :func:`run_cli`; ``cli.popen(...)`` starts it with stdout and stderr on pipes (to read a
    line and close the pipe, as ``| head -1`` does)."""

    bin = SENTINELLE

    def __call__(self, *args, **kwargs) -> subprocess.CompletedProcess:
        return run_cli(*args, **kwargs)

    def popen(self, *args, cwd: Path, env_extra: dict | None = None,
              drop_env: tuple[str, ...] = ()) -> subprocess.Popen:
        return subprocess.Popen([str(SENTINELLE), *map(str, args)], cwd=cwd,
                                env=_cli_env(env_extra, drop_env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)


@pytest.fixture
def cli() -> Cli:
    """:class:`Cli` (:func:`run_cli` and ``popen``)."""
    return Cli()
