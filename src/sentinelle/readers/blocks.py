"""Helpers shared by the document readers (PDF, DOCX, ODT, RTF, HTML).

A document reader renders its source as one *decoded text* (the rendered text: paragraphs and
table rows each end with ``\\n``, table cells are separated by ``\\t``) and hands it out in
:class:`~sentinelle.readers.base.TextUnit` chunks. :func:`chunk_units` cuts that text exactly as
:class:`~sentinelle.readers.text.TextReader` cuts a plain-text file (about ``chunk_chars``
characters, at a line end, a CRLF never split), so ``unit.offset + i`` indexes the rendered text
of the whole document and the chunks concatenated give it back.

:func:`header_like` is the rule deciding whether a document table becomes a
:class:`~sentinelle.readers.base.TableUnit` (its columns classified from their header) or stays
text. :func:`table_unit` builds that unit.
"""

from __future__ import annotations

import itertools
import re
from typing import Iterable, Iterator, Sequence
from urllib.parse import unquote

from sentinelle.finding import Location
from sentinelle.readers.base import TableBatch, TableUnit, TextUnit
from sentinelle.readers.text import cut_point

#: characters per text unit, as TextReader's default
CHUNK_CHARS = 1 << 20
#: longest header cell still taken for a column name
MAX_HEADER_CHARS = 60
_DIGIT = re.compile(r"\d")


def chunk_units(pieces: Iterable[str], location: Location, chunk_chars: int = CHUNK_CHARS,
                stats: dict | None = None, start: int = 0) -> Iterator[TextUnit]:
    """:class:`TextUnit` chunks of the text made by concatenating ``pieces``; the first unit's
    offset is ``start`` (the length of the document's text handed out before).

    ``stats["chars"]`` (when given) counts the characters handed out. Empty pieces are fine; a
    text that is only whitespace still gives its units (the pipeline skips them).
    """
    buf = ""
    pending: list[str] = []  # pieces not yet joined into buf (joining once is linear)
    size = 0
    offset = start
    eof = False
    pieces = iter(pieces)
    while not eof or buf or pending:
        if not eof and len(buf) + size <= 4 * chunk_chars:
            piece = next(pieces, None)
            if piece is None:
                eof = True
            elif piece:
                pending.append(piece)
                size += len(piece)
            continue
        if pending:
            buf += "".join(pending)
            pending, size = [], 0
        if not buf:
            continue
        cut = cut_point(buf, chunk_chars, eof)
        unit = TextUnit(buf[:cut], location, offset)
        offset += cut
        buf = buf[cut:]
        if stats is not None:
            stats["chars"] = stats.get("chars", 0) + cut
        yield unit


def table_text(rows: Sequence[Sequence[str]]) -> str:
    """A table as text: cells separated by a tab (line breaks inside a cell become spaces so
    a row stays on one line), each row ending with ``\\n``; empty rows dropped."""
    out = []
    for row in rows:
        cells = [" ".join(c.split()) for c in row]
        if any(cells):
            out.append("\t".join(cells).rstrip("\t") + "\n")
    return "".join(out)


def header_like(rows: Sequence[Sequence[str]], explicit: bool) -> bool:
    """True when ``rows[0]`` is a header and the table is read as a :class:`TableUnit`.

    ``explicit``: the format marks the first row as a header (DOCX ``w:tblHeader``, ODT
    ``table:table-header-rows``). Without that mark the rule is stricter, because two-column
    "label / value" tables (``Nom | Dupont``) are common in medical letters and read better as
    text, where the label is a context word: at least three columns, and every first-row cell
    non-empty, at most 60 characters and without digits. In both cases at least one data row
    and two columns are needed.
    """
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    head = [" ".join(c.split()) for c in rows[0]]
    if explicit:
        return any(head)
    return len(head) >= 3 and all(h and len(h) <= MAX_HEADER_CHARS and not _DIGIT.search(h)
                                  for h in head)


def table_unit(rows: Sequence[Sequence[str]], location: Location, batch_rows: int,
               stats: dict) -> TableUnit:
    """A :class:`TableUnit` of ``rows`` (``rows[0]`` the header; an empty header cell becomes
    ``column_N``, N 1-based). Data rows are padded with ``None`` or cut to the header's width."""
    header = tuple(" ".join(h.split()) or f"column_{i + 1}" for i, h in enumerate(rows[0]))
    width = len(header)
    data = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
    stats["columns"] = max(stats.get("columns", 0), width)

    def batches() -> Iterator[TableBatch]:
        it = iter(enumerate(data))
        while True:
            batch = list(itertools.islice(it, batch_rows))
            if not batch:
                return
            columns = [[row[j] for _, row in batch] for j in range(width)]
            stats["rows"] = stats.get("rows", 0) + len(batch)
            yield TableBatch(first_row=batch[0][0], columns=columns)

    return TableUnit(location, header, batches())


def link_target(href: str | None) -> str | None:
    """The personal part of a ``mailto:`` or ``tel:`` link (RFC 6068, RFC 3966): the address or
    number, percent-decoded, without the scheme and without ``?subject=...`` headers or
    ``;ext=`` parameters; None for other links."""
    if not href:
        return None
    href = href.strip()
    scheme, _, rest = href.partition(":")
    scheme = scheme.lower()
    if scheme == "mailto":
        value = rest.split("?", 1)[0]
    elif scheme == "tel":
        value = rest.split(";", 1)[0]
    else:
        return None
    value = " ".join(unquote(value).split())
    return value or None
