"""Delimited text tables: CSV, TSV, semicolon and pipe separated files.

The delimiter is sniffed among ``, ; \\t |`` from the first lines of the decoded head
(:class:`csv.Sniffer`, checked, with a fallback that counts consistent field counts); the quote
character is ``"``. Session 12: the choice is then checked line by line, delimiters outside
quotes only (:func:`_quote_safe`), because one unbalanced quote made the csv module read the rest
of the sample as one cell and a wrong delimiter win (``;`` table with decimal commas read as ``,``
with no error line). The first non-empty row is the header (whitespace around names stripped; the
BOM is already gone; an empty name becomes ``column_N``). Cells are kept exactly as text
(``"01090"`` keeps its zero).

Ragged rows: a short row is padded with ``None``. Cells beyond the header in the *first batch*
widen the header with ``column_N`` names (N 1-based); the header is then fixed, and extra cells of
later rows are dropped and counted in ``stats["ragged_rows"]``.

A ``.txt``, ``.dat`` or extension-less file is a table when its first lines are consistently
delimited with at least 3 columns under a header-like first row.

Bad input (README, "Formats"; the project rule: one line naming the file and position, nothing
lost):

* an unbalanced quote (``"GARNIER;Paul;...`` never closed) makes :mod:`csv` swallow the
  following lines into one cell. A record is taken as swallowing rows (:func:`swallowed_field`)
  when one of its cells holds line breaks and the lines inside it look like rows: at least half
  of them hold as many delimiters as a row of the table (header width - 1, at least 1), and
  the cell runs to the end of the file (it ends with the file's last line end: the quote was
  never closed). A cell closed later is left as it is, even over lines holding delimiters: a
  valid multi-line cell looks the same (session 11 review), and a quote closed by a later stray
  quote is not caught. That record is read
  again without quote handling, one row per line (:func:`recovered_rows`; the opening quote
  is dropped, as quotes are), so its rows are scanned like the others; after the last batch a
  :class:`ReadError` names the line where the quote opened. The redact writer refuses such a
  file (same check) rather than copy the swallowed rows;
* a source cut in the middle of a character at its end (a truncated UTF-8 export): the rows
  before the cut are read (the cut one as far as it goes), then the "truncated ... sequence at
  end of file" :class:`ReadError` gives the byte position of the cut
  (:class:`~sentinelle.readers.encoding.DecodedStream` with ``cut_end=True``).
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from pathlib import PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.encoding import DecodedStream, head_text

#: longest field accepted by the csv module (its default is 128 KiB)
FIELD_LIMIT = 64 * 1024 * 1024
DELIMITERS = ",;\t|"
#: suffixes whose content is sniffed for a table (others are tables by their suffix)
CONTENT_SNIFFED = ("", ".txt", ".dat")
_SUFFIX_DELIMITER = {".tsv": "\t", ".tab": "\t", ".psv": "|"}
_SAMPLE_LINES = 50


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _sample(text: str, complete_only: bool) -> list[str]:
    """Up to 50 lines of the head, the last one dropped when it may be cut by the head's end."""
    lines = text.splitlines(keepends=True)[: _SAMPLE_LINES + 1]
    if complete_only and lines and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]
    return lines[:_SAMPLE_LINES]


def _rows(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return [r for r in csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False) if r]
    except csv.Error:
        return []


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    """(share of rows having the most common field count, that count)."""
    rows = _rows(lines, delimiter)
    if not rows:
        return 0.0, 0
    width, n = Counter(len(r) for r in rows).most_common(1)[0]
    return n / len(rows), width


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter of a table whose decoded head is ``text``."""
    lines = _sample(text, complete_only=True) or _sample(text, complete_only=False)
    if not lines:
        return default
    scores = {d: _consistency(lines, d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff("".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed][1] > 1 and scores[sniffed][0] >= 0.9:
        return _quote_safe(lines, sniffed)
    # fallback: the most consistent delimiter giving more than one column, then the widest
    best = max(DELIMITERS, key=lambda d: (scores[d][1] > 1, scores[d][0], scores[d][1]))
    return _quote_safe(lines, best) if scores[best][1] > 1 else default


def _outside_quotes(line: str, delimiter: str) -> int | None:
    """Number of ``delimiter`` outside ``"..."`` sections of one line; None when the line holds
    an odd number of quotes (an unbalanced quote, or one line of a multi-line cell)."""
    if line.count('"') % 2:
        return None
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def _quote_safe(lines: list[str], chosen: str) -> str:
    """``chosen``, unless a line holds an odd number of ``"`` and the lines read one at a
    time disagree with ``chosen`` (Session 12).

    One unbalanced quote makes :mod:`csv` read the rest of the sample as one cell under the
    right delimiter, so a wrong one can win (``FAC-1;"Nom;...;121,27;...`` read with ``,``:
    two constant fields, ``;`` then looks ragged). Each line with an even number of ``"`` is
    counted on its own, delimiters outside quotes only; a delimiter is *steady* when at least 2
    lines are counted, 90 % of them hold the same count m >= 1, and the first line (the header)
    holds m too when it is counted. ``chosen`` is kept when it is steady or when no delimiter is
    (a multi-line cell, a ragged table), and when every line holds an even number of ``"``
    (nothing for a quote to swallow: a later ``1,x|"a"|y`` keeps its ``|``, session 11 review
    of the byte ranges); otherwise the steady one with the largest share, then
    the largest m, replaces it."""
    text = [line for line in lines if line.strip()]
    if not any(line.count('"') % 2 for line in text):
        return chosen  # no line opens a quote it does not close: the csv reading stands
    steady: dict[str, tuple[float, int]] = {}
    for d in DELIMITERS:
        counts = [_outside_quotes(line, d) for line in text]
        kept = [c for c in counts if c is not None]
        if len(kept) < 2:
            continue
        m, n = Counter(kept).most_common(1)[0]
        if m >= 1 and n >= 0.9 * len(kept) and (counts[0] is None or counts[0] == m):
            steady[d] = (n / len(kept), m)
    if not steady or chosen in steady:
        return chosen
    return max(steady, key=lambda d: steady[d])


def looks_delimited(text: str) -> bool:
    """Consistently delimited first lines, >= 3 columns, and a header-like first row."""
    lines = _sample(text, complete_only=True) or _sample(text, complete_only=False)
    if len(lines) < 2:
        return False
    delimiter = sniff_delimiter(text)
    share, width = _consistency(lines, delimiter)
    if width < 3 or share < 0.8:
        return False
    rows = _rows(lines, delimiter)
    header = [c.strip() for c in rows[0]]
    if len(rows) < 2 or len(header) != width:
        return False
    return all(h and not h.replace(".", "").replace(",", "").replace("-", "").isdigit()
               for h in header)


def swallowed_field(row: list[str], width: int | None, delimiter: str) -> int | None:
    """Index of the cell of ``row`` (a record of several lines) that swallowed the following
    rows after an unclosed quote, or None; ``width``: the header's field count (None for the
    header itself). Rule in the module docstring."""
    need = max((width or 2) - 1, 1)
    for j, cell in enumerate(row):
        if "\n" not in cell and "\r" not in cell:
            continue
        inner = [line for line in cell.splitlines()[1:] if line.strip()]
        rowlike = sum(line.count(delimiter) >= need for line in inner)
        if not rowlike or 2 * rowlike < len(inner):
            continue
        # only a cell that runs to the end of the file (never closed): a quoted cell closed
        # later, even over several lines holding delimiters, may be a valid multi-line cell
        # ("Appel du 12/03:\nrappeler au 06..., domicile, soir\n...": session 11 review)
        to_end = j == len(row) - 1 and cell.endswith(("\n", "\r"))
        if to_end:
            return j
    return None


def recovered_rows(row: list[str], j: int, delimiter: str) -> list[list[str]]:
    """The rows of a record whose cell ``j`` swallowed the following lines, read without quote
    handling: one row per non-blank line (the opening quote stays dropped, as a quote is)."""
    lines = row[j].splitlines() or [""]
    out: list[list[str]] = []
    current = row[:j] + lines[0].split(delimiter)
    for line in lines[1:]:
        if not line.strip():
            continue
        out.append(current)
        current = line.split(delimiter)
    out.append(current + row[j + 1:])
    return out


def unbalanced_quote(path: str, row: list[str], j: int, before: int, after: int,
                     reread: bool) -> ReadError:
    """The one-line error of the cell ``j`` of ``row``, a record read from the lines
    ``before + 1`` to ``after`` (the csv reader's ``line_num`` around it), whose unbalanced
    quote swallowed the following rows; the position is the line where the quote opened."""
    line = before + 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in row[:j])
    what = f"unbalanced quote: the cell opened here runs over {after - line + 1} lines"
    return ReadError(path, what + (" (read again without quotes)" if reread else ""),
                     f"line {line}")


class DelimitedReader(Reader):
    """CSV / TSV / PSV reader yielding one :class:`TableUnit` per file."""

    name: ClassVar[str] = "csv"
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".tsv", ".tab", ".psv", ".dsv")

    def __init__(self, batch_rows: int = 5000):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows

    def sniff(self, head: bytes, path: str) -> bool:
        suffix = _suffix(path)
        if suffix in self.suffixes:
            return True  # a binary .csv is still ours: read() reports "binary content"
        if suffix not in CONTENT_SNIFFED:
            return False
        text = head_text(head)
        return bool(text) and looks_delimited(text)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            stream = DecodedStream(raw, path, cut_end=True)
            stats["encoding"] = stream.encoding
            text = stream.preview()
            delimiter = sniff_delimiter(text, _SUFFIX_DELIMITER.get(_suffix(path), ","))
            csv.field_size_limit(FIELD_LIMIT)  # process-wide setting of the csv module
            reader = csv.reader(stream.lines(), delimiter=delimiter, quotechar='"',
                                doublequote=True, skipinitialspace=False, strict=False)

            row_width: int | None = None  # the header's field count, once read
            faults: list[ReadError] = []  # the first unbalanced quote met

            def rows() -> Iterator[list[str]]:
                nonlocal row_width
                while True:
                    before = reader.line_num
                    try:
                        row = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        reason = str(exc)
                        if "field limit" in reason:
                            reason = f"field larger than {FIELD_LIMIT} characters"
                        raise ReadError(path, f"malformed delimited text: {reason}",
                                        f"line {reader.line_num}") from None
                    finally:
                        stats["chars"] = stream.chars
                        stats["encoding"] = stream.encoding
                    if not row:  # blank lines are not rows
                        continue
                    if reader.line_num - before > 1:  # a record of several lines
                        j = swallowed_field(row, row_width, delimiter)
                        if j is not None:
                            if not faults:
                                faults.append(unbalanced_quote(path, row, j, before,
                                                               reader.line_num, True))
                            recovered = recovered_rows(row, j, delimiter)
                            if row_width is None:
                                row_width = len(recovered[0])
                            yield from recovered
                            continue
                    if row_width is None:
                        row_width = len(row)
                    yield row

            def fault() -> ReadError | None:
                return faults[0] if faults else stream.cut_error()

            data = rows()
            first = next(data, None)
            if first is None:
                error = fault()
                if error is not None:
                    raise error
                return
            header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(first)]
            first_batch = list(itertools.islice(data, self.batch_rows))
            widest = max((len(r) for r in first_batch), default=0)
            header += [f"column_{i + 1}" for i in range(len(header), widest)]
            width = len(header)
            stats["columns"] = width

            def batches() -> Iterator[TableBatch]:
                start = 0
                batch = first_batch
                while batch:
                    if set(map(len, batch)) != {width}:  # ragged rows: pad or cut them
                        longer = sum(1 for row in batch if len(row) > width)
                        if longer:
                            stats["ragged_rows"] = stats.get("ragged_rows", 0) + longer
                        batch = [row if len(row) == width else
                                 row[:width] if len(row) > width else
                                 row + [None] * (width - len(row)) for row in batch]
                    # column-major in C (zip), one list per column
                    columns: list[list[str | None]] = [list(col) for col in zip(*batch)]
                    stats["rows"] = start + len(batch)
                    yield TableBatch(first_row=start, columns=columns)
                    start += len(batch)
                    batch = list(itertools.islice(data, self.batch_rows))
                # the rows were all read: now the fault met on the way, if any
                error = fault()
                if error is not None:
                    raise error

            yield TableUnit(Location(path), tuple(header), batches())
