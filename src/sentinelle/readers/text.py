"""Plain text: any source that decodes as text, in :class:`TextUnit` chunks.

Chunks hold about ``text_chunk_chars`` characters and end at a line end (``\\n``, or a ``\\r`` not
followed by ``\\n``; a ``\\r\\n`` is never split). Only a line longer than 4 x the chunk size is cut
inside, at its last whitespace before 4 x the chunk size (or hard there when it has none).
Nothing is normalised: CRLF stays, so ``unit.offset + i`` indexes the decoded file (BOM dropped)
and the chunks concatenated give the decoded file back.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TextUnit, Unit
from sentinelle.readers.encoding import DecodedStream, head_text

#: the last whitespace before the end of the searched range (one pass in C: a loop over every
#: whitespace of a 4-million-character line took seconds per chunk)
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_EOL = re.compile(r"\r\n|\r(?!\n)|\n")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _line_cut(buf: str, limit: int) -> int:
    """Index just after the last line end in ``buf[:limit]`` that does not split a CRLF, or 0."""
    cut = buf.rfind("\n", 0, limit) + 1
    cr = buf.rfind("\r", cut, limit)
    while cr >= 0:  # a lone "\r" (old Mac line end) after the last "\n"
        if cr + 1 < len(buf) and buf[cr + 1] != "\n":
            return cr + 1
        cr = buf.rfind("\r", cut, cr)
    return cut


def _next_line_end(buf: str, start: int, limit: int) -> int:
    """Index just after the first line end in ``buf[start:limit]`` (CRLF whole), or 0."""
    match = _EOL.search(buf, start)
    if match is None or match.end() > limit or match.end() == len(buf) and match.group() == "\r":
        return 0  # (a "\r" ending the buffer may be half of a CRLF)
    return match.end()


def cut_point(buf: str, size: int, eof: bool) -> int:
    """Where the next chunk of ``buf`` ends; 0 when more text is needed to decide."""
    if eof and len(buf) <= size:
        return len(buf)
    if not eof and len(buf) <= 4 * size:
        return 0
    cut = _line_cut(buf, size) or _next_line_end(buf, size, 4 * size)
    if cut:
        return cut
    if len(buf) <= 4 * size:  # end of file: the rest is one line, short enough
        return len(buf)
    space = _LAST_SPACE.search(buf, max(size // 2, 4 * size - 4096), 4 * size) \
        or _LAST_SPACE.search(buf, size // 2, 4 * size)  # look near the end first
    if space is not None and not (buf[space.start()] == "\r"
                                  and buf[space.end():space.end() + 1] == "\n"):
        return space.end()
    return 4 * size


class TextReader(Reader):
    """Reader of anything that decodes as text (logs, notes, HL7, exports)."""

    name: ClassVar[str] = "text"
    suffixes: ClassVar[tuple[str, ...]] = (".txt", ".text", ".log", ".md")

    def __init__(self, text_chunk_chars: int = 1 << 20):
        if text_chunk_chars < 1:
            raise ValueError("text_chunk_chars must be at least 1")
        self.text_chunk_chars = text_chunk_chars

    def sniff(self, head: bytes, path: str) -> bool:
        return _suffix(path) in self.suffixes or head_text(head) is not None

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        size = self.text_chunk_chars
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            # cut_end: a text cut in the middle of a UTF-8 character is read up to the cut, then
            # the cut is said (as CSV and JSON; session 11)
            stream = DecodedStream(raw, path, cut_end=True)
            stats["encoding"] = stream.encoding
            buf = ""
            offset = 0
            chunks = stream.chunks()
            eof = False
            while not eof or buf:
                if not eof and len(buf) <= 4 * size:
                    chunk = next(chunks, None)
                    if chunk is None:
                        eof = True
                    else:
                        buf += chunk
                    continue
                cut = cut_point(buf, size, eof)
                unit = TextUnit(buf[:cut], Location(path), offset)
                offset += cut
                buf = buf[cut:]
                stats["chars"] = stream.chars
                stats["encoding"] = stream.encoding
                yield unit
            stats["chars"] = stream.chars
            stats["encoding"] = stream.encoding
            cut = stream.cut_error()
            if cut is not None:
                raise cut
