"""Columnar files: Apache Parquet and Apache Arrow IPC (file format, Feather v2, stream format).

**Sniffing** on magic bytes, content before suffix:

* Parquet: the file starts with ``PAR1`` (Apache Parquet format, "File format"); ``PARE`` marks a
  Parquet file with an encrypted footer (Parquet modular encryption), claimed and reported as
  ``ReadError("encrypted Parquet file")``.
* Arrow IPC file format and Feather v2 (the same format): ``ARROW1`` (Arrow columnar format,
  "IPC File Format"). Arrow IPC stream format (``.arrows``): a first message that starts with the
  continuation marker ``FF FF FF FF`` and decodes as a schema. Feather v1 (``FEA1``), deprecated
  by pyarrow 25, is not read (unsupported format).

**Reading** (pyarrow). One :class:`TableUnit` per file, ``Location(path)``. Column names are the
schema's field names; struct columns are flattened to dotted names (``patient.nom``) with the
parent's nulls carried to its children (``StructArray.flatten``); an empty field name becomes
``column_N``. Cells are text as :func:`sentinelle.readers.cells.cell_text` writes them (whole
floats without ``.0``, ISO dates, lists / maps / nested values as JSON, binary cells decoded
when UTF-8 else ``None``). A column whose values Python cannot hold (timestamps out of Python's
range) falls back to Arrow's own cast to text.

Record batches of any size are regrouped into :class:`TableBatch`\\ es of ``batch_rows`` rows
(the pipeline classifies columns from the first one). Memory: Parquet is read one row group at
a time through a 1 MiB buffered stream (``iter_batches``, no pre-buffering), Arrow IPC files are
memory-mapped and read one record batch at a time, the stream format is read message by message.
Parquet and IPC files need random access: an archive member is copied to a private temporary
file first (:mod:`sentinelle.readers.localfile`); a stream is read straight from the source.

Errors: a corrupt file raises ``ReadError("corrupt Parquet: <pyarrow's reason>")`` (or
``corrupt Arrow IPC``), first line only, at most 160 characters.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, ClassVar, Iterable, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.cells import cell_text
from sentinelle.readers.localfile import local_path

PARQUET_MAGIC = b"PAR1"
PARQUET_ENCRYPTED_MAGIC = b"PARE"
ARROW_FILE_MAGIC = b"ARROW1"
ARROW_CONTINUATION = b"\xff\xff\xff\xff"
#: bytes buffered per Parquet column read (bounds memory on wide files)
PARQUET_BUFFER = 1 << 20
_MESSAGE_CHARS = 160


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= _MESSAGE_CHARS else line[:_MESSAGE_CHARS - 3] + "..."


def _flatten(name: str, array: Any) -> Iterator[tuple[str, Any]]:
    """(dotted name, array) for each leaf of a possibly nested struct array."""
    import pyarrow as pa

    if pa.types.is_struct(array.type):
        for field, child in zip(array.type, array.flatten()):
            yield from _flatten(f"{name}.{field.name}" if name else field.name, child)
    else:
        yield name, array


def _flat_names(schema: Any) -> list[str]:
    import pyarrow as pa

    def walk(name: str, type_: Any) -> Iterator[str]:
        if pa.types.is_struct(type_):
            for field in type_:
                yield from walk(f"{name}.{field.name}", field.type)
        else:
            yield name

    names = [n for field in schema for n in walk(field.name, field.type)]
    return [n or f"column_{i + 1}" for i, n in enumerate(names)]


def _column_text(array: Any) -> list[str | None]:
    import pyarrow as pa

    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return [v or None for v in array.to_pylist()]
    try:
        return [cell_text(v) for v in array.to_pylist()]
    except (ValueError, OverflowError, pa.ArrowException):
        try:
            return array.cast(pa.string()).to_pylist()
        except pa.ArrowException:
            return [None] * len(array)


def _columns(batch: Any) -> list[list[str | None]]:
    return [_column_text(array) for column, name in zip(batch.columns, batch.schema.names)
            for _, array in _flatten(name, column)]


def _regroup(batches: Iterable[Any], batch_rows: int) -> Iterator[list[list[str | None]]]:
    """Column-major text of exactly ``batch_rows`` rows (the last group may be shorter)."""
    pending: list[list[str | None]] | None = None
    filled = 0
    for batch in batches:
        offset = 0
        while offset < batch.num_rows:
            take = min(batch_rows - filled, batch.num_rows - offset)
            part = _columns(batch.slice(offset, take))
            if pending is None:
                pending = part
            else:
                for column, more in zip(pending, part):
                    column.extend(more)
            filled += take
            offset += take
            if filled == batch_rows:
                yield pending
                pending, filled = None, 0
    if pending is not None and filled:
        yield pending


class _ColumnarReader(Reader):
    """Shared reading loop: ``_open`` gives (schema, record batches) inside a context."""

    label: ClassVar[str] = ""

    def __init__(self, batch_rows: int = 5000):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows

    def _corrupt(self, path: str, exc: BaseException) -> ReadError:
        return ReadError(path, f"corrupt {self.label}: {_first_line(exc)}")

    def _table(self, path: str, schema: Any, batches: Iterable[Any],
               stats: dict) -> TableUnit:
        import pyarrow as pa

        header = tuple(_flat_names(schema))
        stats["columns"] = len(header)

        def produce() -> Iterator[TableBatch]:
            start = 0
            groups = _regroup(batches, self.batch_rows)
            while True:
                try:
                    columns = next(groups, None)
                except (pa.ArrowException, OSError) as exc:
                    raise self._corrupt(path, exc) from None
                if columns is None:
                    return
                n = len(columns[0]) if columns else 0
                stats["rows"] = start + n
                yield TableBatch(first_row=start, columns=columns)
                start += n

        return TableUnit(Location(path), header, produce())


class ParquetReader(_ColumnarReader):
    """Apache Parquet reader yielding one :class:`TableUnit` per file."""

    name: ClassVar[str] = "parquet"
    suffixes: ClassVar[tuple[str, ...]] = (".parquet", ".pq", ".parq")
    label: ClassVar[str] = "Parquet"

    def sniff(self, head: bytes, path: str) -> bool:
        return head.startswith((PARQUET_MAGIC, PARQUET_ENCRYPTED_MAGIC))

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as fh:
            magic = fh.read(4)
        if magic == PARQUET_ENCRYPTED_MAGIC:
            raise ReadError(path, "encrypted Parquet file")
        with local_path(source) as local:
            try:
                parquet = pq.ParquetFile(local, buffer_size=PARQUET_BUFFER, pre_buffer=False)
                schema = parquet.schema_arrow
            except (pa.ArrowException, OSError) as exc:
                raise self._corrupt(path, exc) from None
            try:
                yield self._table(path, schema,
                                  parquet.iter_batches(batch_size=self.batch_rows), stats)
            finally:
                parquet.close()


class ArrowReader(_ColumnarReader):
    """Apache Arrow IPC reader (file format, Feather v2, stream format): one unit per file."""

    name: ClassVar[str] = "arrow"
    suffixes: ClassVar[tuple[str, ...]] = (".arrow", ".feather", ".arrows", ".ipc")
    label: ClassVar[str] = "Arrow IPC"

    def sniff(self, head: bytes, path: str) -> bool:
        if head.startswith(ARROW_FILE_MAGIC):
            return True
        return head.startswith(ARROW_CONTINUATION) and _stream_schema(head) is not None

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as fh:
            magic = fh.read(len(ARROW_FILE_MAGIC))
        if magic != ARROW_FILE_MAGIC:  # the stream format: read straight from the source
            with source.open() as fh:
                try:
                    stream = ipc.open_stream(fh)
                except (pa.ArrowException, OSError) as exc:
                    raise self._corrupt(path, exc) from None
                yield self._table(path, stream.schema, stream, stats)
            return
        with local_path(source) as local:
            try:
                mapped = pa.memory_map(str(local), "r")
            except (pa.ArrowException, OSError) as exc:
                raise self._corrupt(path, exc) from None
            try:
                try:
                    reader = ipc.open_file(mapped)
                except (pa.ArrowException, OSError) as exc:
                    raise self._corrupt(path, exc) from None
                batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
                yield self._table(path, reader.schema, batches, stats)
            finally:
                mapped.close()


def _stream_schema(head: bytes) -> Any:
    """The schema of an Arrow IPC stream whose first message is in ``head``, else None."""
    try:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        return ipc.open_stream(pa.BufferReader(head)).schema
    except Exception:  # noqa: BLE001 - any failure means "not an Arrow stream"
        return None
