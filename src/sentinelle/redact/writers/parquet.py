"""Parquet written back with pyarrow: same schema (names, types, nullability, metadata), same
rows, the first column's compression codec; values replaced.

The file is streamed record batch by record batch (``ParquetFile.iter_batches`` into a
``ParquetWriter``), so memory follows one batch. A replaced value keeps its column's type when
it fits (a fake identifier in an integer column, a shifted date in a ``date32`` column); a
replacement that does not fit the type (a label in an integer column) becomes null, counted in
``stats["nulled"]``. Findings inside struct columns (flattened ``patient.nom`` by the reader) are
not written back: such a file is refused rather than left half redacted.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sentinelle.readers.columnar import _column_text
from sentinelle.redact.engine import RedactError, Unplaced
from sentinelle.redact.feed import TableFeed


def _fit(new: str, type_) -> tuple[Any, bool]:
    """``(value, fits)``: ``new`` converted to the Arrow ``type_``."""
    import pyarrow as pa

    if new == "":
        return None, True
    if pa.types.is_dictionary(type_):
        type_ = type_.value_type
    try:
        if pa.types.is_string(type_) or pa.types.is_large_string(type_):
            return new, True
        if pa.types.is_integer(type_):
            return int(new), True
        if pa.types.is_floating(type_):
            return float(new), True
        if pa.types.is_decimal(type_):
            from decimal import Decimal
            return Decimal(new), True
        if pa.types.is_date(type_):
            return _dt.date.fromisoformat(new), True
        if pa.types.is_timestamp(type_):
            return _dt.datetime.fromisoformat(new), True
        if pa.types.is_binary(type_) or pa.types.is_large_binary(type_):
            return new.encode("utf-8"), True
    except (ValueError, ArithmeticError):
        return None, False
    return None, False


class ParquetWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        parquet = pq.ParquetFile(source.fs_path)
        schema = parquet.schema_arrow
        flat = any(pa.types.is_struct(f.type) for f in schema)
        meta = parquet.metadata
        codec = "snappy"
        if meta.num_row_groups and meta.num_columns:
            codec = meta.row_group(0).column(0).compression.lower()
            if codec == "uncompressed":
                codec = "none"
        header = tuple(f.name or f"column_{i + 1}" for i, f in enumerate(schema))
        nulled = 0
        used = 0
        start = 0
        with pq.ParquetWriter(out, schema, compression=codec) as writer:
            for batch in parquet.iter_batches(batch_size=max(1, run.config.batch_rows)):
                n = batch.num_rows
                texts: dict[int, list] = {}
                changes: dict[int, dict[int, str]] = {}

                def value(j, i, batch=batch, texts=texts):
                    col = texts.get(j)
                    if col is None:
                        col = texts[j] = _column_text(batch.column(j))
                    return col[i]

                for i in range(n):
                    row = start + i
                    rf = feed.row(None, row)
                    cells = rf.cells if rf is not None else {}
                    if cells and flat:
                        raise RedactError("findings in a Parquet file with struct columns: "
                                          "nested columns are not written back")
                    new = run.redact_row(source.display, header, cells,
                                         lambda j, i=i: value(j, i), (source.display, None, row))
                    for j, text in new.items():
                        changes.setdefault(j, {})[i] = text
                    used += sum(len(v) for v in cells.values())
                if changes:
                    arrays = list(batch.columns)
                    for j, rows in changes.items():
                        field = schema.field(j)
                        values = arrays[j].to_pylist()
                        for i, text in rows.items():
                            fitted, ok = _fit(text, field.type)
                            if not ok:
                                nulled += 1
                            values[i] = fitted
                        arrays[j] = pa.array(values, type=field.type)
                    batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
                writer.write_batch(batch)
                start += n
        parquet.close()
        if feed.finish():
            raise Unplaced
        stats["nulled"] = nulled
        result.findings += used
        result.replaced += used

