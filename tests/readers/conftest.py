"""Helpers for the reader tests: open a file as a Source and materialise what a reader yields."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Reader, Source, TableUnit, TextUnit
from sentinelle.readers.encoding import read_head


@dataclass
class Table:
    header: tuple[str, ...]
    batches: list  # (first_row, columns)

    def rows(self) -> list[list[str | None]]:
        out = []
        for _, columns in self.batches:
            out.extend(map(list, zip(*columns)))
        return out


@dataclass
class Result:
    reader: str
    tables: list[Table] = field(default_factory=list)
    texts: list[TextUnit] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def source_of(path: Path, display: str | None = None) -> Source:
    return Source(display or path.name, path.stat().st_size, lambda: path.open("rb"), path)


def _read_with(reader: Reader, path: Path) -> Result:
    stats = {"rows": 0, "columns": 0, "chars": 0, "encoding": None}
    result = Result(reader.name, stats=stats)
    for unit in reader.read(source_of(path), stats):
        if isinstance(unit, TableUnit):
            batches = [(b.first_row, b.columns) for b in unit.batches]
            result.tables.append(Table(unit.header, batches))
        else:
            result.texts.append(unit)
    return result


def _read_path(path: Path, config: Config | None = None) -> Result:
    """Pick the reader as the scanner would, then read everything."""
    with path.open("rb") as fh:
        head = read_head(fh)
    reader = pick_reader(head, path.name, config or Config())
    assert reader is not None, f"no reader for {path.name}"
    return _read_with(reader, path)


@pytest.fixture
def restore_csv_limit():
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


@pytest.fixture
def read_path():
    """``read_path(path, config=None) -> Result``: pick the reader as the scanner would, read."""
    return _read_path


@pytest.fixture
def read_with():
    """``read_with(reader, path) -> Result``: read everything with a given reader."""
    return _read_with
