"""Streaming writers: one per output file, each writing its own labels as it goes.

A *cell* is ``(text, labels)`` where each label is ``(start, end, entity_type, person, nir_holder)``
with offsets inside ``text``. A :class:`Doc` builds a text (cell or report) and its labels.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path
from typing import IO

Label = tuple[int, int, str, "str | None", "str | None"]
Cell = tuple[str, tuple[Label, ...]]
EMPTY: Cell = ("", ())

BUFFER = 1 << 18  # bytes per open file: fewer write calls, bounded memory
_SLOT = re.compile(r"\{(\w+)\}")


class Doc:
    """Accumulates text pieces and labels with offsets relative to the start of the doc."""

    __slots__ = ("parts", "labels", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[Label] = []
        self.pos = 0

    def t(self, text: str) -> Doc:
        self.parts.append(text)
        self.pos += len(text)
        return self

    def s(self, text: str, entity: str, person: str | None, holder: str | None = None) -> Doc:
        self.labels.append((self.pos, self.pos + len(text), entity, person, holder))
        return self.t(text)

    def fill(self, template: str, values: dict[str, tuple[str, str, str | None]]) -> Doc:
        """Write ``template`` with ``{slot}`` replaced by labelled values ``(text, entity, person)``."""
        last = 0
        for m in _SLOT.finditer(template):
            self.t(template[last : m.start()])
            text, entity, person = values[m.group(1)]
            self.s(text, entity, person)
            last = m.end()
        return self.t(template[last:])

    def cell(self) -> Cell:
        return "".join(self.parts), tuple(self.labels)


def label_cell(text: str, entity: str, person: str | None, holder: str | None = None) -> Cell:
    return text, ((0, len(text), entity, person, holder),)


def _tail(start: int, end: int, entity: str, person: str | None, holder: str | None) -> str:
    pj = f'"{person}"' if person else "null"
    extra = f', "nir_holder": "{holder}"' if holder else ""
    return f'{start}, "end": {end}, "entity_type": "{entity}", "person": {pj}{extra}}}\n'


def label_tails(cells: dict[str, Cell]) -> dict[str, list[str]]:
    """The end of each label line of a row (from ``start`` on), per field with labels."""
    return {f: [_tail(*l) for l in c[1]] for f, c in cells.items() if c[1]}


class LabelWriter:
    """Writes ``labels.jsonl`` one line per labelled occurrence, formatted by hand for speed."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.count = 0

    def emit(self, prefix: str, row: str, column: str, base: int, labels) -> None:
        head = f'{prefix}"row": {row}, "column": {column}, "sheet": null, "start": '
        out = [head + _tail(base + start, base + end, entity, person, holder)
               for start, end, entity, person, holder in labels]
        self.count += len(out)
        self.fh.write("".join(out))


class FileSink:
    """Common part: path relative to the leak root, encoding, row count, drop rate for copies."""

    fmt = ""

    def __init__(self, root: Path, rel: str, encoding: str, labels: LabelWriter, drop: float, lab: str, copy: int):
        self.rel = rel
        self.encoding = encoding
        self.labels = labels
        self.drop = drop
        self.lab = lab
        self.copy = copy
        self.rows = 0
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = path.open("w", encoding=encoding, newline="", buffering=BUFFER)
        self.prefix = '{"path": ' + json.dumps(rel, ensure_ascii=False) + ", "

    def keep(self, rng: random.Random) -> bool:
        return not (self.drop and rng.random() < self.drop)

    def close(self) -> None:
        self.fh.close()

    def entry(self) -> dict:
        return {"path": self.rel, "lab": self.lab, "copy": self.copy, "format": self.fmt,
                "encoding": self.encoding, "delimiter": None, "rows": self.rows}


class TableSink(FileSink):
    """CSV/TSV (``fmt="csv"``), JSON array or NDJSON of records; ``fields`` in file order."""

    def __init__(self, root, rel, encoding, labels, drop, lab, copy, *, fmt: str, fields: tuple[str, ...],
                 headers: dict[str, str], delimiter: str | None = None, newline: str = "\n"):
        super().__init__(root, rel, encoding, labels, drop, lab, copy)
        self.fmt = fmt
        self.fields = fields
        self.headers = headers
        self.delimiter = delimiter
        self.mids = {f: ', "column": ' + json.dumps(headers[f], ensure_ascii=False) + ', "sheet": null, "start": '
                     for f in fields}
        if fmt == "csv":
            self.writer = csv.writer(self.fh, delimiter=delimiter, lineterminator=newline)
            self.writer.writerow([headers[f] for f in fields])
        else:
            self.paths = {f: headers[f].split(".") for f in fields}
            if fmt == "json":
                self.fh.write("[")

    def write(self, cells: dict[str, Cell], rng: random.Random, tails: dict[str, list[str]] | None = None) -> bool:
        """Write one row unless dropped; ``tails`` (from :func:`label_tails`) may be shared by sinks."""
        if not self.keep(rng):
            return False
        if tails is None:
            tails = label_tails(cells)
        row = str(self.rows)
        if self.fmt == "csv":
            self.writer.writerow([cells[f][0] for f in self.fields])
        else:
            record: dict = {}
            for f in self.fields:
                *parents, leaf = self.paths[f]
                node = record
                if leaf.isdigit():
                    parents, leaf = parents[:-1], parents[-1]
                    for k in parents:
                        node = node.setdefault(k, {})
                    node.setdefault(leaf, []).append(cells[f][0])
                else:
                    for k in parents:
                        node = node.setdefault(k, {})
                    node[leaf] = cells[f][0]
            text = json.dumps(record, ensure_ascii=False)
            if self.fmt == "json":
                self.fh.write(("\n  " if self.rows == 0 else ",\n  ") + text)
            else:
                self.fh.write(text + "\n")
        out = []
        head = self.prefix + '"row": ' + row
        mids = self.mids
        for f, ts in tails.items():
            if f in mids:
                mid = head + mids[f]
                out += [mid + t for t in ts]
        if out:
            self.labels.count += len(out)
            self.labels.fh.write("".join(out))
        self.rows += 1
        return True

    def close(self) -> None:
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.rows else "]\n")
        super().close()

    def entry(self) -> dict:
        e = super().entry()
        e["delimiter"] = self.delimiter
        return e


class TextSink(FileSink):
    """Free text reports separated by a line of dashes; label offsets in the decoded file."""

    fmt = "text"
    SEPARATOR = "\n" + "-" * 72 + "\n\n"

    def __init__(self, root, rel, encoding, labels, drop, lab, copy, *, header: str):
        super().__init__(root, rel, encoding, labels, drop, lab, copy)
        self.fh.write(header)
        self.pos = len(header)

    def write(self, doc: Doc, rng: random.Random) -> bool:
        if not self.keep(rng):
            return False
        if self.rows:
            self.fh.write(self.SEPARATOR)
            self.pos += len(self.SEPARATOR)
        text = "".join(doc.parts)
        self.fh.write(text)
        if doc.labels:
            self.labels.emit(self.prefix, "null", "null", self.pos, doc.labels)
        self.pos += len(text)
        self.rows += 1
        return True

    def close(self) -> None:
        self.fh.write("\n")
        super().close()

    def entry(self) -> dict:
        e = super().entry()
        e["rows"] = None
        e["reports"] = self.rows
        return e
