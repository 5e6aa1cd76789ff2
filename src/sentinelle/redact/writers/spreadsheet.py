"""XLSX / XLSM written back with openpyxl: same sheets, rows, columns and header; values replaced.

Rows and columns are located as the spreadsheet reader sees them (python-calamine: the sheet's
used range, the first non-empty row as header unless it looks like data), then each changed cell
is set through openpyxl, which keeps the rest of the workbook (other cells, styles, number
formats, merged cells, hidden sheets; macros with ``keep_vba`` for ``.xlsm``). A cell keeps its
type when its replacement fits it: a date stays a date (a shifted birth date), a number stays a
number (a fake identifier stored as a number); otherwise it becomes text, and ``drop`` empties
it. Formula cells holding findings are refused (the file is not written): their cached value
cannot be replaced without the formula. XLS, XLSB and ODS are not written back (no maintained
writer keeps those formats); they are reported as skipped.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import PurePosixPath

from sentinelle.readers.cells import cell_text
from sentinelle.readers.spreadsheet import _looks_like_data, spreadsheet_kind
from sentinelle.redact.engine import Unplaced
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.writers import NotWritable

_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def _texts(value) -> tuple[str | None, ...]:
    """The texts calamine may give for an openpyxl value (a midnight datetime may be a date)."""
    text = cell_text(value)
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return text, value.date().isoformat()
    return (text,)


def _typed(new: str, old):
    """``new`` in the type of ``old`` when it fits, else text (None for an empty value)."""
    if new == "":
        return None
    if isinstance(old, bool):
        return new
    if isinstance(old, int):
        return int(new) if new.isdigit() and len(new) < 16 else new
    if isinstance(old, float):
        try:
            return float(new)
        except ValueError:
            return new
    if isinstance(old, _dt.datetime):
        try:
            return _dt.datetime.fromisoformat(new)
        except ValueError:
            return new
    if isinstance(old, _dt.date):
        try:
            return _dt.date.fromisoformat(new)
        except ValueError:
            return new
    return new


class XlsxWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        import openpyxl
        import python_calamine as calamine

        with open(source.fs_path, "rb") as fh:
            head = fh.read(64 * 1024)
        kind = spreadsheet_kind(head, source.display)
        suffix = PurePosixPath(source.display).suffix.lower()
        if kind != "xlsx":
            raise NotWritable(f"{(kind or suffix).upper().lstrip('.')} workbooks cannot be "
                              f"written back (XLSX only): not copied")
        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        found = feed.collect()
        book = openpyxl.load_workbook(source.fs_path, keep_vba=suffix in (".xlsm", ".xltm"),
                                      keep_links=True)
        cal = calamine.CalamineWorkbook.from_path(str(source.fs_path))
        used = 0
        try:
            for meta in cal.sheets_metadata:
                if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                    continue
                name = meta.name
                sheet = cal.get_sheet_by_name(name)
                rows = [[cell_text(v) for v in row] for row in sheet.iter_rows()]
                first = next((i for i, r in enumerate(rows) if any(c is not None for c in r)),
                             None)
                if first is None:
                    continue
                if _looks_like_data(rows[first]):
                    header = tuple(f"column_{i + 1}" for i in range(len(rows[first])))
                    data_at = first
                else:
                    header = tuple((c.strip() if c else "") or f"column_{i + 1}"
                                   for i, c in enumerate(rows[first]))
                    data_at = first + 1
                end = sheet.end
                row0 = (end[0] + 1 - len(rows)) if end else 0
                col0 = sheet.start[1] if sheet.start else 0
                ws = book[name]
                for r in range(len(rows) - data_at):
                    values = rows[data_at + r]
                    rf = found.pop((name, r), None)
                    cells = rf.cells if rf is not None else {}
                    where = (source.display, name, r)
                    new = run.redact_row(f"{source.display}!{name}", header, cells,
                                         lambda j, v=values: v[j] if j < len(v) else None, where)
                    for j, text in new.items():
                        cell = ws.cell(row=row0 + data_at + r + 1, column=col0 + j + 1)
                        if values[j] not in _texts(cell.value) or cell.data_type == "f":
                            raise Unplaced
                        cell.value = _typed(text, cell.value)
                    n = sum(len(v) for v in cells.values())
                    used += n
        finally:
            cal.close()
        if found or feed.finish():
            raise Unplaced
        result.findings += used
        result.replaced += used
        book.save(out)
