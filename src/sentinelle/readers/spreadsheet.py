"""Spreadsheets: XLSX / XLSM / XLTX / XLSB, XLS (BIFF, Excel 97-2003) and ODS, via python-calamine.

**Sniffing** (content beats extension; ZIP and OLE2 containers are shared with DOCX, ODT, PPTX,
DOC and plain archives, so only spreadsheets are claimed). From the first 64 KiB:

* ZIP (``PK\\x03\\x04``, ISO/IEC 21320-1 / PKWARE APPNOTE 4.3.7 local file headers): an ODF
  package whose first entry ``mimetype`` holds ``application/vnd.oasis.opendocument.spreadsheet``
  (OASIS ODF 1.2 part 3, 3.3) is ODS; an OOXML package (ECMA-376 part 2) is a spreadsheet when
  ``[Content_Types].xml`` declares a SpreadsheetML or ``ms-excel`` *main* part, or when an entry
  sits under ``xl/``; ``word/``, ``ppt/``, another main part or another ODF mimetype say no. A
  package whose head shows neither (its first entry is large) is decided by its suffix; a ZIP
  with no OOXML/ODF entry in its head is a plain archive: not ours.
* OLE2 / CFB (``D0 CF 11 E0 A1 B1 1A E1``, [MS-CFB] 2.2): the first directory sector, when it
  lies in the head, names the streams: ``Workbook`` / ``Book`` ([MS-XLS] 2.1.2) is XLS,
  ``EncryptedPackage`` ([MS-OFFCRYPTO] 2.3.4.4) an encrypted OOXML file (ours when its suffix is
  a spreadsheet's), ``WordDocument`` / ``PowerPoint Document`` not ours; else the suffix decides.
* Binary content that is neither ZIP nor OLE2 under a spreadsheet's suffix is claimed, and
  ``read`` reports it corrupt; *text* under such a suffix (CSV or HTML saved as ``.xls`` by web
  exports) is left to the text readers.

The ZIP and CFB heads are parsed here because :mod:`zipfile` and CFB libraries need the whole
file (the central directory is at its end) while ``sniff`` sees only the head.

**Reading.** Every worksheet (hidden ones too; chart, dialog and macro sheets have no cells) is
one :class:`TableUnit` located ``Location(path, sheet=<sheet name>)``. Leading empty rows are
skipped; the first non-empty row is the header, unless it looks like data: when one of its cells
is number-like (digits with ``. , : / + - ( ) %`` and spaces: numbers, dates, times, phone
numbers, identifiers; typed numbers and dates are number-like once written as text) or holds an
e-mail address, the columns are named ``column_1 .. column_N`` and that row is data row 0 (a
leak scanner prefers scanning a header as data to losing a row of data as a header). Empty
header cells are named ``column_N`` (N 1-based). ``row`` in a finding is the 0-based data row
counted from the row under the header, empty rows included, so the sheet row a person opens is
the header's row + 1 + ``row``. Cells are text as :func:`sentinelle.readers.cells.cell_text`
writes them (``42.0`` → ``"42"``, dates ``YYYY-MM-DD``, booleans ``true``/``false``); an empty
cell is ``None``. A sheet without any non-empty row gives no unit.

The workbook's format is the one its content shows (calamine picks its parser from the file
name, so a misnamed file is opened through a link with the right suffix).

**Memory and crashes.** calamine loads one whole sheet at a time into a dense rows x columns
grid (measured: about 70 bytes per short text cell) before ``iter_rows`` hands out rows, so memory follows the
sheet's bounding box, not the batch: a sheet with one cell in ``A1`` and one in ``XFD1048576``
asks for about 500 GB, and Rust then *aborts the process* (not an exception); a corrupt XLS
``DIMENSIONS`` record does the same. On Linux the workbook is therefore read in a forked child
process whose address space is capped (``RLIMIT_AS``) at ``max_sheet_bytes`` above what the
parent already maps (heap the parent freed but kept mapped can still be reused by the child, so
the cap is approximate); rows come back over a pipe in batches. A child that dies (abort, cap
reached) becomes a one-line :class:`ReadError`; the scan goes on. Cost: rows are pickled
through the pipe (``bench/tables_memory.py`` compares with reading in process).
Elsewhere (macOS, where forking a process that loaded system frameworks is unsafe, and
Windows, which has no ``fork``) calamine runs in process.

Errors: a password-protected workbook raises ``ReadError("encrypted workbook")``; a corrupt one
``ReadError("corrupt XLSX: <calamine's reason>")`` (first line, at most 160 characters, a
quoted fragment of the file longer than 24 characters replaced by ``…`` since it could hold
data; the position names the sheet when the error came while reading one).
"""

from __future__ import annotations

import faulthandler
import itertools
import os
import re
import signal
import struct
import sys
import zlib
from pathlib import Path, PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.archive import zip_head_entries
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.cells import cell_text
from sentinelle.readers.encoding import head_text
from sentinelle.readers.localfile import local_path

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"  # -template too (prefix)
#: suffixes per calamine parser
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam")
XLSB_SUFFIXES = (".xlsb",)
XLS_SUFFIXES = (".xls", ".xlt", ".xla")
ODS_SUFFIXES = (".ods", ".ots")
#: default cap on the reading child's extra address space (bytes)
MAX_SHEET_BYTES = 4 << 30
_MESSAGE_CHARS = 160
_KIND_LABEL = {"xlsx": "XLSX", "xlsb": "XLSB", "xls": "XLS", "ods": "ODS"}
_KIND_SUFFIX = {"xlsx": ".xlsx", "xlsb": ".xlsb", "xls": ".xls", "ods": ".ods"}
# the main part of an OOXML package, [Content_Types].xml (ECMA-376 part 1, 11.3 / 12.3)
_MAIN_SPREADSHEET = re.compile(
    rb"(?:spreadsheetml\.(?:sheet|template)|ms-excel\.(?:sheet|template|addin)[\w.]*)\.main")
_MAIN_OTHER = re.compile(rb"(?:wordprocessingml|presentationml|ms-word|ms-powerpoint)[\w.]*\.main")
_OOXML_HINTS = ("[Content_Types].xml", "_rels/", "docProps/")
_ODF_HINTS = ("META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml")
_NUMBER_LIKE = re.compile(r"[\d\s.,:/+\-()%]*\d[\d\s.,:/+\-()%]*")
_EMAIL_LIKE = re.compile(r"\S@\S+\.\S")
#: a fragment of the file quoted in a parser's message (XML text could be cell content)
_QUOTED = re.compile(r"`[^`]{25,}`?")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _suffix_kind(suffix: str) -> str | None:
    for kind, suffixes in (("xlsx", XLSX_SUFFIXES), ("xlsb", XLSB_SUFFIXES),
                           ("xls", XLS_SUFFIXES), ("ods", ODS_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return None


def _inflate(method: int, data: bytes) -> bytes:
    if method == 0:
        return data
    if method != 8:
        return b""
    try:
        return zlib.decompressobj(-15).decompress(data, 1 << 16)
    except zlib.error:
        return b""


def _zip_kind(head: bytes, suffix: str) -> str | None:
    """``"xlsx"``, ``"xlsb"``, ``"ods"`` or None (not a spreadsheet) for a ZIP head."""
    names: list[str] = []
    for index, (name, method, data) in enumerate(zip_head_entries(head)):
        if index == 0 and name == "mimetype":
            if method == 0 and data.startswith(ODS_MIMETYPE):
                return "ods"
            if method == 0 and data.startswith(b"application/"):
                return None  # another ODF document (text, presentation, ...)
        if name == "[Content_Types].xml":
            types = _inflate(method, data)
            main = _MAIN_SPREADSHEET.search(types)
            if main:
                return "xlsb" if b"binary" in main.group(0) else "xlsx"
            if _MAIN_OTHER.search(types):
                return None
        names.append(name)
    if any(n.startswith("xl/") for n in names):
        return "xlsb" if "xl/workbook.bin" in names else "xlsx"
    if any(n.startswith(("word/", "ppt/")) for n in names):
        return None
    suffix_kind = _suffix_kind(suffix)
    if suffix_kind in ("xlsx", "xlsb") and any(n.startswith(_OOXML_HINTS) for n in names):
        return suffix_kind
    if suffix_kind == "ods" and any(n in _ODF_HINTS for n in names):
        return suffix_kind
    return None


def _ole2_streams(head: bytes) -> set[str] | None:
    """Stream names in the first CFB directory sector when it lies in the head, else None."""
    if len(head) < 512:
        return None
    shift, = struct.unpack_from("<H", head, 0x1E)
    first_dir, = struct.unpack_from("<I", head, 0x30)
    if shift not in (9, 12) or first_dir >= 0xFFFFFFFA:
        return None
    size = 1 << shift
    offset = (first_dir + 1) * size
    if offset + size > len(head):
        return None
    names: set[str] = set()
    for entry in range(offset, offset + size, 128):
        name_len, = struct.unpack_from("<H", head, entry + 64)
        if 2 <= name_len <= 64 and name_len % 2 == 0:
            names.add(head[entry:entry + name_len - 2].decode("utf-16-le", "replace"))
    return names


def _ole2_kind(head: bytes, suffix: str) -> str | None:
    streams = _ole2_streams(head)
    suffix_kind = _suffix_kind(suffix)
    if streams is not None:
        if streams & {"Workbook", "Book"}:
            return "xls"
        if "EncryptedPackage" in streams:
            return "encrypted" if suffix_kind in ("xlsx", "xlsb") else None
        if streams & {"WordDocument", "PowerPoint Document"}:
            return None
    if suffix_kind == "xls":
        return "xls"
    if suffix_kind in ("xlsx", "xlsb"):
        return "encrypted"  # an OOXML name on a CFB file: Office's encrypted package
    return None


def spreadsheet_kind(head: bytes, path: str) -> str | None:
    """``"xlsx"``, ``"xlsb"``, ``"xls"``, ``"ods"``, ``"encrypted"`` or None from a head."""
    try:
        if head.startswith(ZIP_MAGIC):
            return _zip_kind(head, _suffix(path))
        if head.startswith(OLE2_MAGIC):
            return _ole2_kind(head, _suffix(path))
    except struct.error:
        return None
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = _QUOTED.sub("`…`", text[0]) if text else type(exc).__name__
    return line if len(line) <= _MESSAGE_CHARS else line[:_MESSAGE_CHARS - 3] + "..."


def _reason(exc: BaseException, kind: str) -> str:
    if type(exc).__name__ == "PasswordError":
        return "encrypted workbook"
    if isinstance(exc, MemoryError):
        return "sheet too large for memory"
    return f"corrupt {_KIND_LABEL[kind]}: {_first_line(exc)}"


# -- events: ("sheet", name) then ("rows", [row, ...]) per batch; ("error", reason, position)


def _events(path: str, kind: str, batch_rows: int) -> Iterator[tuple]:
    """Read the workbook at ``path`` (its suffix names the parser) as a flat event stream."""
    import python_calamine as calamine

    sheet: str | None = None
    try:
        with calamine.CalamineWorkbook.from_path(path) as book:
            for meta in book.sheets_metadata:
                if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                    continue
                sheet = meta.name
                yield ("sheet", sheet)
                rows = book.get_sheet_by_name(sheet).iter_rows()
                while chunk := [[cell_text(v) for v in row]
                                for row in itertools.islice(rows, batch_rows)]:
                    yield ("rows", chunk)
                sheet = None
    except BaseException as exc:  # calamine's errors, and pyo3's PanicException (BaseException)
        if isinstance(exc, (GeneratorExit, KeyboardInterrupt, SystemExit)):
            raise
        yield ("error", _reason(exc, kind), f"sheet {sheet}" if sheet is not None else None)


def _limit_memory(extra: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = mapped + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, ImportError):
        pass  # no /proc or no RLIMIT_AS: read without a cap


def _child(conn, path: str, kind: str, batch_rows: int, extra: int) -> None:
    _limit_memory(extra)
    faulthandler.disable()  # an abort here is reported by the parent, in one line
    try:  # a Rust abort prints a backtrace: the parent reports one line instead
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    try:
        for event in _events(path, kind, batch_rows):
            conn.send(event)
        conn.send(("done",))
    except OSError:
        pass  # the parent stopped listening (the scan moved on)
    finally:
        conn.close()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _isolated_events(path: str, kind: str, batch_rows: int, extra: int,
                     display: str) -> Iterator[tuple]:
    """:func:`_events` run in a forked child; a dead child becomes a ReadError.

    ``os.fork`` rather than ``multiprocessing.Process``: no bookkeeping of children at exit, and
    it works inside daemonic pool workers too. The child leaves with ``os._exit`` (no cleanup of
    the parent's state, no second flush of its buffers).
    """
    from multiprocessing.connection import Pipe

    receiver, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            receiver.close()
            _child(sender, path, kind, batch_rows, extra)
        except BaseException:  # noqa: BLE001 - the parent reports the exit code
            code = 1
        finally:
            os._exit(code)
    sender.close()
    sheet: str | None = None
    reaped = False
    try:
        while True:
            try:
                event = receiver.recv()
            except (EOFError, OSError):
                _, status = os.waitpid(pid, 0)
                reaped = True
                code = os.waitstatus_to_exitcode(status)
                how = f"signal {_signal_name(-code)}" if code < 0 else f"exit {code}"
                raise ReadError(display, f"corrupt {_KIND_LABEL[kind]} or sheet too large for "
                                f"memory (reader process ended by {how})",
                                f"sheet {sheet}" if sheet is not None else None) from None
            if event[0] == "done":
                return
            if event[0] == "sheet":
                sheet = event[1]
            yield event
    finally:
        receiver.close()
        if not reaped:
            try:
                os.kill(pid, signal.SIGTERM)  # still reading a sheet nobody wants any more
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _looks_like_data(row: list[str | None]) -> bool:
    return any(c is not None and (_NUMBER_LIKE.fullmatch(c.strip()) or _EMAIL_LIKE.search(c))
               for c in row)


class _Events:
    """The event stream with one event of look-ahead; ``error`` events raise ReadError."""

    def __init__(self, events: Iterator[tuple], path: str):
        self._events = events
        self._path = path
        self._next: tuple | None = None

    def peek(self) -> tuple | None:
        if self._next is None:
            event = next(self._events, None)
            if event is not None and event[0] == "error":
                raise ReadError(self._path, event[1], event[2])
            self._next = event
        return self._next

    def pop(self) -> tuple | None:
        event = self.peek()
        self._next = None
        return event

    def rows(self) -> Iterator[list[str | None]]:
        """Rows of the current sheet, up to the next sheet event."""
        while (event := self.peek()) is not None and event[0] == "rows":
            self.pop()
            yield from event[1]


class SpreadsheetReader(Reader):
    """XLSX / XLSM / XLSB / XLS / ODS reader yielding one :class:`TableUnit` per worksheet."""

    name: ClassVar[str] = "spreadsheet"
    suffixes: ClassVar[tuple[str, ...]] = (XLSX_SUFFIXES + XLSB_SUFFIXES + XLS_SUFFIXES
                                            + ODS_SUFFIXES)

    def __init__(self, batch_rows: int = 5000, isolate: bool | None = None,
                 max_sheet_bytes: int = MAX_SHEET_BYTES):
        """``isolate``: read in a forked child (default: on Linux); ``max_sheet_bytes``: the
        child's address-space cap above the parent's."""
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows
        self.isolate = sys.platform.startswith("linux") if isolate is None else isolate
        self.max_sheet_bytes = max_sheet_bytes

    def sniff(self, head: bytes, path: str) -> bool:
        if spreadsheet_kind(head, path) is not None:
            return True
        # binary content that is no container at all under a spreadsheet's name: read() reports
        # it as corrupt (text under that name goes to the text readers: CSV or HTML saved as .xls)
        return (_suffix_kind(_suffix(path)) is not None
                and not head.startswith((ZIP_MAGIC, OLE2_MAGIC)) and head_text(head) is None)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as fh:
            head = fh.read(64 * 1024)
        kind = spreadsheet_kind(head, path) or _suffix_kind(_suffix(path))
        if kind == "encrypted":
            raise ReadError(path, "encrypted workbook")
        if kind is None:
            raise ReadError(path, "not a spreadsheet (no workbook found in the file)")
        if not head.startswith((ZIP_MAGIC, OLE2_MAGIC)):
            raise ReadError(path, f"corrupt {_KIND_LABEL[kind]}: neither a ZIP package nor an "
                            "OLE2 compound file")
        import python_calamine  # noqa: F401 - imported before a fork, not in the child

        with local_path(source, _KIND_SUFFIX[kind]) as local:
            if kind == "ods":
                _check_ods_encryption(local, path)
            if self.isolate:
                raw = _isolated_events(str(local), kind, self.batch_rows, self.max_sheet_bytes,
                                       path)
            else:
                raw = _events(str(local), kind, self.batch_rows)
            try:
                yield from self._units(_Events(raw, path), path, stats)
            finally:
                close = getattr(raw, "close", None)
                if close is not None:
                    close()

    def _units(self, events: _Events, path: str, stats: dict) -> Iterator[TableUnit]:
        while (event := events.pop()) is not None:
            if event[0] != "sheet":
                continue
            sheet = event[1]
            rows = events.rows()
            first = next((r for r in rows if any(c is not None for c in r)), None)
            if first is None:
                continue  # an empty sheet
            if _looks_like_data(first):
                header = tuple(f"column_{i + 1}" for i in range(len(first)))
                data: Iterator[list[str | None]] = itertools.chain([first], rows)
            else:
                header = tuple((c.strip() if c else "") or f"column_{i + 1}"
                               for i, c in enumerate(first))
                data = rows
            stats["columns"] = max(stats["columns"], len(header))
            unit = TableUnit(Location(path, sheet=sheet), header,
                             self._batches(data, len(header), stats))
            yield unit
            for _ in unit.batches:  # whatever the consumer left unread
                pass
            for _ in rows:
                pass

    def _batches(self, rows: Iterator[list[str | None]], width: int,
                 stats: dict) -> Iterator[TableBatch]:
        start = 0
        before = stats["rows"]
        while batch := list(itertools.islice(rows, self.batch_rows)):
            columns: list[list[str | None]] = [[] for _ in range(width)]
            for row in batch:
                for j in range(width):
                    columns[j].append(row[j] if j < len(row) else None)
            stats["rows"] = before + start + len(batch)
            yield TableBatch(first_row=start, columns=columns)
            start += len(batch)


def _check_ods_encryption(local: Path, path: str) -> None:
    """An ODF package encrypts its entries and says so in its manifest (ODF 1.2 part 3, 4.8)."""
    import zipfile

    try:
        with zipfile.ZipFile(local) as package:
            manifest = package.read("META-INF/manifest.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, NotImplementedError):
        return  # calamine reports what is wrong
    if b"encryption-data" in manifest:
        raise ReadError(path, "encrypted workbook")
