"""Writers: one per format family that can be written back, named after the reader whose
findings it places (``readers/``). Each keeps the file's structure and bytes outside the
replaced values: same sheets, rows, columns, header, delimiter, quoting, encoding, BOM and line
ends.

Contract: ``write(source, reader, stats, out, tmp, run, result)`` reads ``source`` with
``reader`` through :class:`~sentinelle.redact.feed.TableFeed` (or the text units), writes the
redacted bytes to the binary file ``out`` (``tmp`` is its path, for libraries that write by
path), fills ``stats`` like the reader does and counts ``result.findings`` /
``result.replaced``; raises :class:`~sentinelle.redact.engine.Unplaced` when a finding cannot
be placed back, :class:`NotWritable` for a variant of the format it cannot write (XLS, ODS).
"""

from __future__ import annotations

from sentinelle.readers.base import Reader
from sentinelle.redact.engine import RedactError


class NotWritable(RedactError):
    """A file of a format family this writer knows, in a variant it cannot write back."""


def writer_for(reader: Reader):
    """The writer of ``reader``'s format, or None when it cannot be written back."""
    from sentinelle.redact.writers.delimited import DelimitedWriter
    from sentinelle.redact.writers.hl7v2 import Hl7v2Writer
    from sentinelle.redact.writers.hprim import HprimWriter
    from sentinelle.redact.writers.jsondoc import FhirWriter, JsonWriter
    from sentinelle.redact.writers.parquet import ParquetWriter
    from sentinelle.redact.writers.spreadsheet import XlsxWriter
    from sentinelle.redact.writers.sqldump import SqlDumpWriter
    from sentinelle.redact.writers.text import TextWriter

    writers = {"text": TextWriter, "csv": DelimitedWriter, "json": JsonWriter,
               "fhir": FhirWriter, "spreadsheet": XlsxWriter, "parquet": ParquetWriter,
               "sql": SqlDumpWriter, "hl7v2": Hl7v2Writer, "hprim": HprimWriter}
    cls = writers.get(reader.name)
    return cls() if cls is not None else None
