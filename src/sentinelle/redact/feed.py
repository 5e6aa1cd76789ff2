"""Findings for the writers: the scanner's readers and pipeline, run unit by unit, keyed by where
each finding must be written back.

Redaction never re-implements detection: a :class:`TableFeed` runs the file's reader and the
same :class:`~sentinelle.pipeline.Pipeline` as ``sentinelle scan``, and hands a writer the
findings of one row at a time, pulling units from the reader only as far as the writer has got
(memory stays bounded by one batch for streamed formats), or all of them at once
(:meth:`TableFeed.collect`, for formats a writer loads whole anyway).

Table headers may repeat a name (``nom;nom``), which would make a finding's ``column``
ambiguous: before a table goes through the pipeline its header names are made unique
(``"<index>\\x1f<name>"``) and the original names are passed as the column hints the pipeline
classifies by (``TableUnit.hints``), so classification and findings are exactly those of a scan
and each finding carries its column index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

from sentinelle.finding import Finding
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableUnit, TextUnit, Unit

SEP = "\x1f"


@dataclass(slots=True)
class RowFindings:
    """The findings of one table row: ``cells[column index] -> findings`` and the header of the
    unit the row came in (original names)."""

    header: tuple[str, ...]
    cells: dict[int, list[Finding]]

    def by_name(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for j, fs in self.cells.items():
            out.setdefault(self.header[j], []).extend(fs)
        return out

    def all(self) -> list[Finding]:
        return [f for j in sorted(self.cells) for f in self.cells[j]]


def _wrap(unit: TableUnit) -> TableUnit:
    hints = tuple((unit.hints[j] if j < len(unit.hints) and unit.hints[j] else name)
                  for j, name in enumerate(unit.header))
    header = tuple(f"{j}{SEP}{name}" for j, name in enumerate(unit.header))
    return TableUnit(unit.location, header, unit.batches, hints)


def column_index(finding: Finding) -> int:
    """The column index a wrapped table's finding carries."""
    return int((finding.location.column or "0").split(SEP, 1)[0])


class TableFeed:
    """Findings of a table format, by ``(sheet, row)``.

    ``units`` is the reader's unit iterator (``reader.read(source, stats)``); ``sink`` receives
    every finding (the residual-risk report keeps their keyed hashes).
    """

    def __init__(self, units: Iterator[Unit], pipeline: Pipeline, sink=None):
        self._units = units
        self._pipeline = pipeline
        self._sink = sink
        self._batches: Iterator[tuple] | None = None
        self._pending: dict[tuple, RowFindings] = {}
        self._covered: dict[object, int] = defaultdict(int)
        self._done = False
        self.texts: list[TextUnit] = []  # text units met in a table format (kept in order)
        self.rows_seen = 0

    def _events(self) -> Iterator[tuple]:
        for unit in self._units:
            if isinstance(unit, TextUnit):
                self.texts.append(unit)
                continue
            if not isinstance(unit, TableUnit):
                continue
            wrapped = _wrap(unit)
            seen: list[tuple[int, int]] = []
            wrapped.batches = _recorded(wrapped.batches, seen)
            for found in self._pipeline.analyze_table(wrapped):
                # the pipeline reads one batch, then yields its findings
                yield unit.location.sheet, unit.header, seen[-1], found

    def _pull(self) -> bool:
        """Read one more batch; False when the reader is exhausted."""
        if self._done:
            return False
        if self._batches is None:
            self._batches = self._events()
        event = next(self._batches, None)
        if event is None:
            self._done = True
            return False
        sheet, header, (first, n), found = event
        if self._sink is not None and found:
            self._sink(found)
        for f in found:
            key = (sheet, f.location.row)
            rf = self._pending.get(key)
            if rf is None:
                rf = self._pending[key] = RowFindings(header, {})
            rf.cells.setdefault(column_index(f), []).append(f)
        self._covered[sheet] = max(self._covered[sheet], first + n)
        self.rows_seen += n
        return True

    def row(self, sheet, row: int) -> RowFindings | None:
        """The findings of ``row`` of ``sheet`` (None when it has none); reads ahead as needed.
        Each row's findings are handed out once."""
        while self._covered.get(sheet, 0) <= row and self._pull():
            pass
        return self._pending.pop((sheet, row), None)

    def collect(self) -> dict[tuple, RowFindings]:
        """Every remaining finding, ``(sheet, row) -> RowFindings``."""
        while self._pull():
            pass
        out, self._pending = self._pending, {}
        return out

    def finish(self) -> int:
        """Read to the end; the number of findings no writer asked for (0 when every finding
        was placed)."""
        while self._pull():
            pass
        left = sum(len(fs) for rf in self._pending.values() for fs in rf.cells.values())
        self._pending = {}
        return left


def _recorded(batches, seen: list) -> Iterator:
    """``batches`` unchanged, appending ``(first_row, n_rows)`` of each to ``seen``."""
    for batch in batches:
        seen.append((batch.first_row, batch.n_rows))
        yield batch
