"""CSV / TSV / PSV written back: same delimiter, quoting, encoding, BOM and line ends.

The file is read twice in step: once by the scan's CSV reader (through
:class:`~sentinelle.redact.feed.TableFeed`, for the findings) and once here, with the same
decoder, delimiter sniffing and :mod:`csv` settings, keeping the raw text of every record. A
record without findings is copied byte for byte (blank lines and the header too). In a record
with findings only the changed fields are rewritten: a field that was quoted stays quoted
(inner quotes doubled), a bare field stays bare unless its new value needs quotes (it holds the
delimiter, a quote or a line end; RFC 4180 section 2). A record the field tokenizer cannot
reproduce exactly (malformed quoting that the csv module tolerates) is written again whole by
:mod:`csv`'s writer with the same delimiter and line end.

A record whose unbalanced quote swallowed the following rows (the reader's rule,
:func:`~sentinelle.readers.delimited.swallowed_field`) stops the file with the reader's one-line
:class:`~sentinelle.errors.ReadError` naming the line where the quote opened: nothing of the
file is written (the swallowed rows would otherwise be copied in clear inside one cell).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterator

from sentinelle.readers.delimited import _SUFFIX_DELIMITER, FIELD_LIMIT, _suffix, \
    sniff_delimiter, swallowed_field, unbalanced_quote
from sentinelle.readers.encoding import DecodedStream
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.writers.encoding import output_encoding

_EOL = re.compile(r"(\r\n|\r|\n)\Z")


class _Capture:
    """Lines handed to :mod:`csv`, kept until the record they make is taken."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self.buf: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.buf.append(line)
        return line

    def take(self) -> str:
        text = "".join(self.buf)
        self.buf.clear()
        return text


def split_record(raw: str, delimiter: str) -> tuple[list[tuple[str, bool]], str] | None:
    """``raw`` (one record with its line end) as ``[(field text as written, quoted)]`` and the
    line end; None when the quoting is not the plain RFC 4180 kind."""
    m = _EOL.search(raw)
    eol = m.group(1) if m else ""
    body = raw[: len(raw) - len(eol)]
    fields: list[tuple[str, bool]] = []
    i, n = 0, len(body)
    while True:
        if i < n and body[i] == '"':
            j = i + 1
            while True:
                k = body.find('"', j)
                if k < 0:
                    return None
                if k + 1 < n and body[k + 1] == '"':
                    j = k + 2
                    continue
                break
            end = k + 1
            if end < n and body[end] != delimiter:
                return None  # text after the closing quote: not plain quoting
            fields.append((body[i:end], True))
            i = end
        else:
            k = body.find(delimiter, i)
            end = n if k < 0 else k
            field = body[i:end]
            if '"' in field or "\n" in field or "\r" in field:
                return None
            fields.append((field, False))
            i = end
        if i >= n:
            return fields, eol
        i += 1  # the delimiter
        if i == n:
            fields.append(("", False))
            return fields, eol


def _decoded(field: str, quoted: bool) -> str:
    return field[1:-1].replace('""', '"') if quoted else field


def _written(value: str, quoted: bool, delimiter: str) -> str:
    if quoted or any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


class DelimitedWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        path = source.display
        with open(source.fs_path, "rb") as raw:
            stream = DecodedStream(raw, path)
            delimiter = sniff_delimiter(stream.preview(), _SUFFIX_DELIMITER.get(_suffix(path), ","))
            csv.field_size_limit(FIELD_LIMIT)
            lines = _Capture(stream.lines())
            rows = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True,
                              skipinitialspace=False, strict=False)
            header: tuple[str, ...] | None = None
            index = 0
            pending: list[str] = []
            before = 0  # rows.line_num before the record
            for values in rows:
                text = lines.take()
                if values and rows.line_num - before > 1:  # a record of several lines
                    j = swallowed_field(values, len(header) if header else None, delimiter)
                    if j is not None:
                        raise unbalanced_quote(path, values, j, before, rows.line_num, False)
                before = rows.line_num
                if not values or header is None:
                    if values:
                        header = tuple(h.strip() or f"column_{i + 1}"
                                       for i, h in enumerate(values))
                    pending.append(text)
                    continue
                rf = feed.row(None, index)
                where = (path, None, index)
                index += 1
                cells = rf.cells if rf is not None else {}
                new = run.redact_row(path, rf.header if rf is not None else header, cells,
                                     _getter(values), where)
                if new:
                    n = sum(len(v) for v in cells.values())
                    result.findings += n
                    result.replaced += n
                    pending.append(_rewrite(text, values, new, delimiter))
                else:
                    pending.append(text)
                if len(pending) > 256:
                    out.write(enc.encode("".join(pending)))
                    pending.clear()
            out.write(enc.encode("".join(pending) + lines.take()))
        left = feed.finish()
        if left:
            from sentinelle.redact.engine import Unplaced
            raise Unplaced


def _getter(values: list[str]):
    return lambda j: values[j] if j < len(values) else None


def _rewrite(raw: str, values: list[str], new: dict[int, str], delimiter: str) -> str:
    parsed = split_record(raw, delimiter)
    if parsed is not None:
        fields, eol = parsed
        if [_decoded(f, q) for f, q in fields] == values:
            parts = [(_written(new[j], q, delimiter) if j in new else f)
                     for j, (f, q) in enumerate(fields)]
            return delimiter.join(parts) + eol
    m = _EOL.search(raw)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quotechar='"', lineterminator=m.group(1) if m else "",
               quoting=csv.QUOTE_MINIMAL).writerow([new.get(j, v) for j, v in enumerate(values)])
    return buf.getvalue()
