"""Readers, one module per format family. ``BUILTIN`` lists them in sniffing order.

:func:`pick_reader` asks each reader in turn whether it can read a source from its head (first
64 KiB) and path; content beats extension: JSON content (or a JSON suffix), then a delimited table
(CSV-family suffix, or a ``.txt`` / extension-less file that sniffs as one), then anything that
decodes as text. None means an unsupported (binary or unknown) format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelle.readers.base import Reader
from sentinelle.readers.delimited import DelimitedReader
from sentinelle.readers.jsondoc import JsonReader
from sentinelle.readers.text import TextReader

if TYPE_CHECKING:  # pragma: no cover
    from sentinelle.config import Config

BUILTIN: tuple[type[Reader], ...] = (
    JsonReader,
    DelimitedReader,
    TextReader,
)


def make_readers(config: "Config") -> tuple[Reader, ...]:
    """One instance of every builtin reader, configured from ``config``, in sniffing order."""
    made: list[Reader] = []
    for cls in BUILTIN:
        if cls is TextReader:
            made.append(TextReader(text_chunk_chars=config.text_chunk_chars))
        else:
            made.append(cls(batch_rows=config.batch_rows))
    return tuple(made)


def pick_reader(head: bytes, path: str, config: "Config") -> Reader | None:
    """The first builtin reader whose ``sniff`` accepts the source, or None (unsupported)."""
    for reader in make_readers(config):
        if reader.sniff(head, path):
            return reader
    return None


__all__ = ["BUILTIN", "DelimitedReader", "JsonReader", "TextReader", "make_readers",
           "pick_reader"]
