"""Readers, one module per format family. ``BUILTIN`` lists them in sniffing order.

:func:`pick_reader` asks each reader in turn whether it can read a source from its head (first
64 KiB) and path; content beats extension: JSON content (or a JSON suffix), then a delimited table
(CSV-family suffix, or a ``.txt`` / extension-less file that sniffs as one), then anything that
decodes as text. None means an unsupported (binary or unknown) format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelle.readers.archive import ArchiveReader
from sentinelle.readers.base import Reader
from sentinelle.readers.columnar import ArrowReader, ParquetReader
from sentinelle.readers.delimited import DelimitedReader
from sentinelle.readers.fhir import FhirReader
from sentinelle.readers.hl7v2 import Hl7v2Reader
from sentinelle.readers.hprim import HprimReader
from sentinelle.readers.htmldoc import HtmlReader
from sentinelle.readers.jsondoc import JsonReader
from sentinelle.readers.mail import MailReader
from sentinelle.readers.office import DocxReader, OdtReader
from sentinelle.readers.pdf import PdfReader
from sentinelle.readers.rtf import RtfReader
from sentinelle.readers.spreadsheet import SpreadsheetReader
from sentinelle.readers.sqlite import SqliteReader
from sentinelle.readers.sqldump import SqlDumpReader
from sentinelle.readers.text import TextReader

if TYPE_CHECKING:  # pragma: no cover
    from sentinelle.config import Config

BUILTIN: tuple[type[Reader], ...] = (
    SpreadsheetReader, ParquetReader, ArrowReader, SqliteReader,  # binary magic first
    PdfReader, DocxReader, OdtReader, RtfReader,  # documents: binary magic too
    ArchiveReader,  # containers: after the ZIP-based office readers
    MailReader,
    FhirReader,  # before JsonReader: JSON with a resourceType
    JsonReader,
    SqlDumpReader,  # before Delimited/Text: a dump named .txt is a dump
    Hl7v2Reader,
    HprimReader,
    HtmlReader,  # before DelimitedReader: an HTML table saved as .csv/.xls is HTML
    DelimitedReader,
    TextReader,
)


def make_readers(config: "Config") -> tuple[Reader, ...]:
    """One instance of every builtin reader, configured from ``config``, in sniffing order."""
    made: list[Reader] = []
    for cls in BUILTIN:
        if cls is TextReader:
            made.append(TextReader(text_chunk_chars=config.text_chunk_chars))
        elif cls in (ArchiveReader, MailReader):  # limits are the scanner's
            made.append(cls())
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
