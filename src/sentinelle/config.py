"""Scan configuration: a frozen dataclass, passed in (never global), loadable from TOML.

Every field has a default; :func:`load_config` reads a TOML file whose keys are the field names
(``[scan]`` table or top level) and reports every problem at once in one :class:`ConfigError`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from sentinelle.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one scan.

    * ``entities``: labels to report (None: all registered).
    * ``min_score``: findings below it are dropped (0-1). Checksum-invalid identifiers score 0.3.
    * ``sample_rows``: values sampled per column to classify it (from the first batch).
    * ``batch_rows``: rows per table batch read at once (bounds memory).
    * ``text_chunk_chars``: characters per text unit for big text files (cut at a line end).
    * ``follow_symlinks``: follow symbolic links while walking folders (loops are detected).
    * ``include_hidden``: also walk files and folders whose name starts with a dot.
    * ``max_file_bytes``: files larger than this are skipped with an issue (0: no limit).
    """

    entities: tuple[str, ...] | None = None
    min_score: float = 0.5
    sample_rows: int = 200
    batch_rows: int = 5000
    text_chunk_chars: int = 1 << 20
    follow_symlinks: bool = False
    include_hidden: bool = False
    max_file_bytes: int = 0
    exclude: tuple[str, ...] = field(default=(".git", ".sentinelle", "__pycache__", ".venv"))

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)


def load_config(path: Path) -> Config:
    """Read ``path`` (TOML). Raises :class:`ConfigError` listing every invalid key or value."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    data = data.get("scan", data)
    known = {f.name: f for f in fields(Config)}
    problems: list[str] = []
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(f"unknown key {key!r}")
            continue
        if key in ("entities", "exclude"):
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(f"{key} must be a list of strings")
                continue
            value = tuple(value)
        elif key == "min_score":
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                problems.append("min_score must be a number between 0 and 1")
                continue
            value = float(value)
        elif key in ("follow_symlinks", "include_hidden"):
            if not isinstance(value, bool):
                problems.append(f"{key} must be true or false")
                continue
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a non-negative integer")
            continue
        values[key] = value
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return Config(**values)
