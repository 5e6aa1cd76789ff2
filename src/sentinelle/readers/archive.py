"""Archives and compressed files: containers whose members the scanner scans as sources.

Formats, all read with the standard library or py7zr (nothing is extracted to disk by name):

* ZIP (``zipfile``; PKWARE APPNOTE.TXT): members in central-directory order, random access, so a
  corrupt member does not stop the others. ``packed`` is the member's compressed size (capped at
  the archive's size), for the per-member compression-ratio limit. A ZIP cut before its
  central directory (a truncated dump) is walked from local header to local header instead
  (:func:`_local_members`: stored and deflated members), then the archive gets its one
  issue: :data:`LOCAL_HEADERS_READ` when members were read so (the archive is partly read),
  else :data:`NO_CENTRAL_DIRECTORY`.
* TAR, plain or compressed with gzip, bzip2 or xz (``tarfile`` in streaming mode ``r|*``: one
  pass, no seeking; POSIX.1-1988 ustar, pax and GNU headers). Only regular files are members:
  folders, links and devices hold no content. A member cut short is read up to the cut
  (:class:`_TarData`); a header cut short is "truncated archive after member X".
* A TAR or ZIP member cut short (a single gzip/bzip2/xz file: less its last piece of
  :data:`_PIECE` bytes at most) is given up to the cut, then raises ``ReadError``
  :data:`TRUNCATED` at position ``byte N``: the scanner scans those bytes and records the
  issue on the member (``a.tar!b.csv:byte N: truncated archive: member data ends early``).
* 7z (``py7zr``): py7zr extracts by pushing bytes into writer objects, so a worker thread runs
  the extraction into a small bounded queue and :meth:`ArchiveReader.read` pulls the members one
  by one (memory stays bounded; solid archives are decompressed once, not once per member). The
  thread is stopped and joined whatever happens (limits, errors, KeyboardInterrupt).
* single-file gzip / bzip2 / xz (RFC 1952, bzip2, the .xz format): one member named like the
  file without its compression suffix, as ``gunzip`` names it (``a.csv.gz`` gives
  ``a.csv.gz!a.csv``), scanned by the reader its content calls for. A compressed file whose first
  512 decompressed bytes are a valid tar header (checksum verified) is read as a TAR.

The reader only lists and decompresses; the scanner spools each member, counts the bytes actually
produced (declared sizes are never trusted), enforces the limits and recurses (readers/base.py).

Member names are display strings only: ``\\`` becomes ``/``; empty, ``.`` and ``..`` parts, a
leading ``/`` and a drive letter are dropped (``../../etc/passwd`` is shown ``etc/passwd``);
control characters become ``?``. Nothing is ever written under a member's name, so a path
traversal name is harmless here. (py7zr refuses ``..`` names itself: such 7z members get an
issue.)

Encryption: a ZIP member whose general-purpose flag has bit 0 set (APPNOTE.TXT 4.4.4; WinZip
AES sets it too) and a 7z member in a folder using the 7zAES coder (7zFormat.txt, method id
``06F10701``) give one ``encrypted member, not scanned`` issue each; a 7z whose header is
encrypted cannot even be listed: ``ReadError`` "encrypted archive". An encrypted file outside
an archive (``.gpg``) is just binary content.

Office documents are ZIPs too (OOXML, ODF): they are not claimed (an office suffix, or
``[Content_Types].xml`` or a first member named ``mimetype`` in the head): their own readers come
first in ``BUILTIN``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import queue
import re
import tarfile
import threading
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO, Callable, ClassVar, Generator, Iterator

from sentinelle.errors import ReadError
from sentinelle.readers.base import MemberUnit, Reader, Source, Unit

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # local file header; end of central dir (empty zip)
GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
#: 7zFormat.txt "06F10701 - 7zAES (AES-256 + SHA-256)"
SEVENZIP_AES = bytes.fromhex("06f10701")
#: suffixes of ZIP-based office formats read by their own readers, never claimed here
OFFICE_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm",
                   ".pptx", ".pptm", ".potx", ".ppsx", ".odt", ".ods", ".odp", ".odg", ".ott",
                   ".ots", ".otp")
#: compression suffixes dropped to name the single member of a compressed file
_COMPRESSION_SUFFIXES = (".gz", ".gzip", ".z", ".bz2", ".bz", ".xz", ".lzma")
#: ZIP compression methods zipfile can read (stored, deflate, bzip2, lzma)
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
#: every method APPNOTE.TXT 4.4.5 defines (99: WinZip AES), to recognise a ZIP by its first header
_ZIP_METHODS_KNOWN = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 14, 16, 18, 19, 20, 93, 94, 95, 96, 97,
                      98, 99}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:$")
#: bytes handed over per read from a 7z worker thread
_PIPE_CHUNK = 1 << 20
#: bytes read at most per call from a member (what a truncated member loses at its end)
_PIECE = 64 * 1024

TRUNCATED = "truncated archive: member data ends early"
NO_CENTRAL_DIRECTORY = ("not a readable ZIP: central directory missing (truncated or corrupt "
                        "archive)")
#: the issue of a ZIP without its central directory of which members were read from their
#: local headers (:func:`_local_members`): partly read, not unreadable
LOCAL_HEADERS_READ = "central directory missing: members read from their local headers"
ENCRYPTED = "encrypted member, not scanned"


def display_name(name: str) -> str:
    """A member name normalised for display (see the module docstring); never empty."""
    parts: list[str] = []
    for part in _CONTROL.sub("?", name).replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        if not parts and _DRIVE.match(part):
            continue
        parts.append(part)
    # last: a TAR member name that is not UTF-8 (surrogateescape) gets its \xNN escapes
    return printable_path("/".join(parts)) or "_"


#: the lone surrogates Python's file-system decoding (``surrogateescape``, PEP 383) makes of
#: bytes that are not UTF-8
_SURROGATE = re.compile("[\udc80-\udcff]")


def printable_path(name: str) -> str:
    """``name`` (a path as ``os.fsdecode`` gives it) in a printable, lossless form.

    A name that is valid UTF-8 is returned unchanged (but see below). In a name holding bytes
    that are not UTF-8 (``b"caf\\xe9.csv"`` on Linux, decoded with ``surrogateescape``), each such byte is
    written ``\\xNN`` (two lowercase hex digits) and each backslash is doubled, so the bytes
    can be recovered (``\\\\`` -> ``\\``, ``\\xNN`` -> byte NN): ``caf\\xe9.csv``. Findings,
    store, summaries and messages then carry a name that can be encoded as UTF-8 (a raw
    surrogate cannot: the findings file and the store lost such files). A valid UTF-8 name
    that itself holds the text ``\\xNN`` gets its backslashes doubled too, so it never shows
    like a name with an undecodable byte: an escaped name always holds an odd run of
    backslashes before an ``xNN``, the other names only even ones."""
    if not _SURROGATE.search(name):
        return name.replace("\\", "\\\\") if _ESCAPE_LIKE.search(name) else name
    raw = name.encode("utf-8", "surrogateescape").replace(b"\\", b"\\\\")
    return raw.decode("utf-8", "backslashreplace")


#: the text of a ``\\xNN`` escape inside a valid name (:func:`printable_path`)
_ESCAPE_LIKE = re.compile(r"\\x[0-9a-fA-F]{2}")


def _basename(display: str) -> str:
    return display.rsplit("!", 1)[-1].rsplit("/", 1)[-1]


def _suffix(display: str) -> str:
    return PurePosixPath(_basename(display)).suffix.lower()


def single_member_name(display: str) -> str:
    """The member name of a single compressed file: its name without the compression suffix."""
    name = _basename(display)
    for suffix in _COMPRESSION_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def is_tar_header(block: bytes) -> bool:
    """True when ``block`` (512 bytes) is a tar header whose checksum is right."""
    if len(block) < tarfile.BLOCKSIZE:
        return False
    try:
        tarfile.TarInfo.frombuf(block[: tarfile.BLOCKSIZE], "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def zip_head_entries(head: bytes) -> Iterator[tuple[str, int, bytes]]:
    """(name, compression method, the entry's bytes present in ``head``) of the top-level
    entries of a ZIP whose first ``len(head)`` bytes are given, walked from local header to
    local header (APPNOTE.TXT 4.3.7).

    Only the archive's own entries: the walk jumps over each entry's data (its compressed size,
    or, for a deflated entry whose sizes follow in a data descriptor, the end of its deflate
    stream, APPNOTE 4.3.9), so the headers of a ZIP stored *inside* a member (a DOCX kept
    uncompressed in a leak archive) are never taken for the container's. Stops at the end of
    ``head``, at the central directory, or at an entry whose end cannot be found (stored with
    a data descriptor). Names are UTF-8 when flag bit 11 is set, else CP437 (APPNOTE appendix D).
    """
    pos = 0
    n = len(head)
    while head.startswith(b"PK\x03\x04", pos) and pos + 30 <= n:
        flags, method = int.from_bytes(head[pos + 6:pos + 8], "little"), \
            int.from_bytes(head[pos + 8:pos + 10], "little")
        size = int.from_bytes(head[pos + 18:pos + 22], "little")
        name_len = int.from_bytes(head[pos + 26:pos + 28], "little")
        extra_len = int.from_bytes(head[pos + 28:pos + 30], "little")
        start = pos + 30 + name_len + extra_len
        if start > n:
            return
        name = head[pos + 30:pos + 30 + name_len].decode("utf-8" if flags & 0x800 else "cp437",
                                                         "replace")
        if not flags & 0x08:
            yield name, method, head[start:start + size]
            pos = start + size
            continue
        if method != zipfile.ZIP_DEFLATED:
            yield name, method, head[start:]
            return
        inflater = zlib.decompressobj(-15)
        try:
            inflater.decompress(head[start:], 0)
        except zlib.error:
            return
        if not inflater.eof:
            yield name, method, head[start:]
            return
        consumed = n - start - len(inflater.unused_data)
        yield name, method, head[start:start + consumed]
        pos = start + consumed
        if head.startswith(b"PK\x07\x08", pos):  # optional descriptor signature
            pos += 4
        # CRC-32, then compressed and uncompressed sizes (4 bytes each; 8 in ZIP64)
        pos += 12 if head.startswith(b"PK", pos + 12) or pos + 12 >= n else 20


def _office_zip(head: bytes) -> bool:
    """OOXML (a top-level ``[Content_Types].xml``, ECMA-376 part 2, 10.1.2.2) or ODF (first
    member ``mimetype``, ODF 1.2 part 3, 3.3): read by the office and spreadsheet readers.

    Only the container's own entries count (:func:`zip_head_entries`): a ZIP that stores an
    Office file uncompressed holds the same names inside a member and is still an archive."""
    for index, (name, _method, _data) in enumerate(zip_head_entries(head)):
        if name == "[Content_Types].xml" or (index == 0 and name == "mimetype"):
            return True
    return False


def _zip_header(head: bytes) -> bool:
    """A plausible ZIP start: an end-of-central-directory record (empty archive), or a local
    file header (APPNOTE.TXT 4.3.7) with a known compression method (4.4.5) and a name."""
    if head.startswith(b"PK\x05\x06"):
        return len(head) >= 22
    if len(head) < 30:
        return False
    method = int.from_bytes(head[8:10], "little")
    name_len = int.from_bytes(head[26:28], "little")
    return method in _ZIP_METHODS_KNOWN and name_len > 0


#: the scanner's head size (scanner.HEAD_BYTES): a shorter head is the whole file
_HEAD_BYTES = 64 * 1024


def _broken_zip(head: bytes) -> bool:
    """A truncated ZIP: a file that starts with the local file header signature (APPNOTE.TXT
    4.3.7) and whose first header is cut short (under 30 bytes), or whose first header is a
    plausible one (:func:`_zip_header`) while the whole file is in ``head`` and holds no
    end-of-central-directory record (4.3.16), which every ZIP ends with. Such a file is
    claimed, office suffix or not: reading it reports one "not a readable ZIP" error naming
    the file, instead of an "unsupported format" skip that ``--quiet`` would hide (and that
    exits 0). Binary junk after the signature (an unknown compression method) is not claimed:
    it is no ZIP that lost its end, and its suffix's reader (or "unsupported format") says so."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    return len(head) < 30 or (_zip_header(head) and len(head) < _HEAD_BYTES
                              and b"PK\x05\x06" not in head)


#: suffixes whose content is a ZIP: a file of 1-3 bytes starting the ZIP signature is one cut
_ZIP_SUFFIXES = (".zip", ".jar", ".epub", *OFFICE_SUFFIXES)


def _kind(head: bytes, path: str) -> str | None:
    if _broken_zip(head):
        return "zip"  # truncated, office suffix or not: zipfile reports it (ReadError)
    if 0 < len(head) < 4 and b"PK\x03\x04".startswith(head) and _suffix(path) in _ZIP_SUFFIXES:
        return "zip"  # "PK" alone in a .xlsx: a ZIP cut within its signature, not 2 bytes of text
    if head.startswith(ZIP_MAGIC) and _zip_header(head):
        if _suffix(path) in OFFICE_SUFFIXES or _office_zip(head):
            return None
        return "zip"
    if head.startswith(SEVENZIP_MAGIC):
        return "7z"
    if head.startswith(GZIP_MAGIC) and head[2:3] == b"\x08":  # RFC 1952: CM 8 (deflate) only
        return "gz"
    if head.startswith(BZIP2_MAGIC) and head[3:4].isdigit() \
            and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):  # block magic, or end of stream
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    if is_tar_header(head):
        return "tar"
    return None


def _failure(exc: BaseException) -> str:
    """One fixed line for a low-level decompression failure (exception texts are not copied)."""
    text = str(exc).lower()
    if isinstance(exc, EOFError) or "end of data" in text or "ended before" in text \
            or "truncated" in text:
        return TRUNCATED
    if "crc" in text:
        return "corrupt member data (CRC mismatch)"
    return f"corrupt member data ({type(exc).__name__})"


class _MemberStream(io.RawIOBase):
    """A member's bytes; any low-level failure becomes one ReadError naming the member.

    ``on_fail`` is called first, so a streaming container knows it cannot go on.
    """

    def __init__(self, raw: BinaryIO, display: str, on_fail: Callable[[], None] | None = None):
        self._raw = raw
        self._display = display
        self._on_fail = on_fail

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:  # small reads: a truncated member loses only its last piece
            data = self._raw.read(min(len(b), _PIECE))
        except ReadError:
            if self._on_fail is not None:
                self._on_fail()
            raise
        except Exception as exc:  # noqa: BLE001 - zlib, lzma, bz2, tarfile, zipfile, py7zr errors
            if self._on_fail is not None:
                self._on_fail()
            raise ReadError(self._display, _failure(exc)) from None
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class _TarData(io.RawIOBase):
    """The data of a (non-sparse) TAR member read straight from the archive's stream: the
    bytes up to a cut are returned, then :class:`ReadError` says where the data ends.

    ``tarfile``'s own member stream raises "unexpected end of data" on a short read and drops
    the bytes it got (a dump cut inside a member gave nothing of it); here a short read returns
    what came, and the next read raises :data:`TRUNCATED` at position ``byte N`` (N = the
    member's bytes read: the issue reads ``a.tar!b.csv:byte N: truncated archive: member data
    ends early``; the reason stays the one :mod:`sentinelle.report.reasons` translates).
    ``fileobj`` is the ``tarfile`` stream (mode ``r|*``:
    forward seeks only, the decompression of a .tar.gz/.tar.bz2/.tar.xz inside)."""

    def __init__(self, fileobj, info: tarfile.TarInfo, display: str):
        self._fileobj = fileobj
        self._start = info.offset_data
        self._size = info.size
        self._display = display
        self._pos = 0
        self._cut = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._pos >= self._size:
            return b""
        if self._cut:
            raise ReadError(self._display, TRUNCATED, f"byte {self._pos}")
        want = self._size - self._pos if size is None or size < 0 else \
            min(size, self._size - self._pos)
        self._fileobj.seek(self._start + self._pos)
        data = self._fileobj.read(want)
        self._pos += len(data)
        if len(data) < want:
            self._cut = True
            if not data:
                return self.read(size)  # nothing more: raise now
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class ArchiveReader(Reader):
    """ZIP, TAR (plain or compressed), 7z and single gzip/bzip2/xz files: yields MemberUnits."""

    name: ClassVar[str] = "archive"
    suffixes: ClassVar[tuple[str, ...]] = (".zip", ".tar", ".tgz", ".taz", ".tbz", ".tbz2",
                                           ".txz", ".7z", ".gz", ".bz2", ".xz")

    def sniff(self, head: bytes, path: str) -> bool:
        return _kind(head, path) is not None

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        with source.open() as raw:
            head = raw.read(tarfile.BLOCKSIZE)
        kind = _kind(head, source.display)
        if kind == "zip":
            yield from self._zip(source)
        elif kind == "7z":
            yield from self._7z(source)
        elif kind == "tar":
            yield from self._tar(source, compressed=False)
        elif kind in ("gz", "bz2", "xz"):
            if self._holds_tar(source, kind):
                yield from self._tar(source, compressed=True)
            else:
                yield from self._single(source, kind)
        else:
            raise ReadError(source.display, "not an archive")

    # -- ZIP -------------------------------------------------------------------------------

    def _zip(self, source: Source) -> Iterator[Unit]:
        display = source.display
        with source.open() as raw:
            try:
                archive = zipfile.ZipFile(raw)
            except (zipfile.BadZipFile, EOFError, ValueError, OSError):
                archive = None
            if archive is None:
                # a dump cut before its central directory: its members from their local
                # headers, then the one issue of the archive
                whole = 0  # members whose data is all in the file
                if _suffix(display) not in OFFICE_SUFFIXES:
                    whole = yield from _local_members(source)
                raise ReadError(display, LOCAL_HEADERS_READ if whole else NO_CENTRAL_DIRECTORY)
            with archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    name = display_name(info.filename)
                    if info.flag_bits & 0x1:
                        yield MemberUnit(name, problem=ENCRYPTED)
                        continue
                    if info.compress_type not in _ZIP_METHODS:
                        yield MemberUnit(name, problem=f"unsupported ZIP compression method "
                                                      f"{info.compress_type}, not scanned")
                        continue

                    def opener(info=info, name=name) -> BinaryIO:
                        try:
                            stream = archive.open(info)
                        except (zipfile.BadZipFile, EOFError, OSError, ValueError,
                                NotImplementedError, RuntimeError) as exc:
                            raise ReadError(f"{display}!{name}", _failure(exc)) from None
                        return _MemberStream(stream, f"{display}!{name}")

                    yield MemberUnit(name, opener, packed=min(info.compress_size, source.size))

    # -- TAR -------------------------------------------------------------------------------

    def _holds_tar(self, source: Source, kind: str) -> bool:
        with source.open() as raw:
            try:
                with _decompressor(kind, raw) as stream:
                    block = stream.read(tarfile.BLOCKSIZE)
            except Exception:  # noqa: BLE001 - a bad stream is reported while reading it
                return False
        return is_tar_header(block)

    def _tar(self, source: Source, compressed: bool) -> Iterator[Unit]:
        display = source.display
        failed = False
        last: str | None = None

        def fail() -> None:
            nonlocal failed
            failed = True

        with source.open() as raw:
            try:
                archive = tarfile.open(fileobj=raw, mode="r|*")
            except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError):
                raise ReadError(display, "not a readable TAR archive") from None
            with archive:
                while True:
                    try:
                        info = archive.next()
                    except Exception as exc:  # noqa: BLE001 - tarfile, zlib, lzma, bz2 errors
                        if failed:
                            return  # the member that failed already carries the issue
                        after = f" after member {last}" if last else ""
                        reason = "truncated archive" if _failure(exc) == TRUNCATED else \
                            "corrupt archive"
                        raise ReadError(display, f"{reason}{after}") from None
                    if failed:
                        return
                    if info is None:
                        # tarfile ends quietly at a header cut short (a dump cut between two
                        # members): a whole archive ends with zero blocks, 512 bytes at least
                        got = getattr(archive.fileobj, "pos", None)
                        if got is not None and archive.offset > 0 \
                                and got - archive.offset < tarfile.BLOCKSIZE:
                            after = f" after member {last}" if last else ""
                            raise ReadError(display, f"truncated archive{after}")
                        return
                    if not info.isreg():
                        continue
                    name = last = display_name(info.name)

                    def opener(info=info, name=name) -> BinaryIO:
                        if not info.issparse():  # its bytes up to a cut (_TarData)
                            return _MemberStream(_TarData(archive.fileobj, info,
                                                          f"{display}!{name}"),
                                                 f"{display}!{name}", fail)
                        stream = archive.extractfile(info)
                        if stream is None:  # not a regular file: cannot happen after isreg()
                            raise ReadError(f"{display}!{name}", "member has no data")
                        return _MemberStream(stream, f"{display}!{name}", fail)

                    yield MemberUnit(name, opener, solid=compressed)

    # -- single compressed file ------------------------------------------------------------

    def _single(self, source: Source, kind: str) -> Iterator[Unit]:
        name = single_member_name(source.display)
        with source.open() as raw:
            def opener() -> BinaryIO:
                return _MemberStream(_decompressor(kind, raw), f"{source.display}!{name}")

            yield MemberUnit(name, opener, packed=source.size, solid=True)

    # -- 7z --------------------------------------------------------------------------------

    def _7z(self, source: Source) -> Iterator[Unit]:
        import py7zr
        from py7zr.exceptions import PasswordRequired

        display = source.display
        with source.open() as raw:
            try:
                archive = py7zr.SevenZipFile(raw, mode="r")
            except PasswordRequired:
                raise ReadError(display, "encrypted archive (7z header encryption), "
                                         "not scanned") from None
            except Exception:  # noqa: BLE001 - py7zr raises many types for a bad header
                raise ReadError(display, "not a readable 7z archive (truncated or corrupt)") \
                    from None
            with archive:
                targets: list[str] = []
                for f in archive.files:
                    if f.is_directory or f.is_symlink or not f.is_file:
                        continue
                    name = display_name(f.filename)
                    folder = f.folder
                    if folder is not None and any(c.get("method") == SEVENZIP_AES
                                                  for c in folder.coders):
                        yield MemberUnit(name, problem=ENCRYPTED)
                    elif ".." in f.filename.replace("\\", "/").split("/"):
                        yield MemberUnit(name, problem="member name with '..' refused by "
                                                       "py7zr, not scanned")
                    else:
                        targets.append(f.filename)
                if targets:
                    yield from _SevenZipPump(archive, targets, display).members()


# -- ZIP without its central directory: members from their local headers -----------------------

def _u16(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 2], "little")


def _u32(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 4], "little")


def _local_members(source: Source) -> Generator[Unit, None, int]:
    """The members of a ZIP whose central directory is missing (a dump cut short), walked
    from local file header to local file header (APPNOTE.TXT 4.3.7, as ``zip -FF`` does),
    stored and deflated members only. A member cut short gives its bytes up to the cut, then
    :data:`TRUNCATED` (:class:`_LocalData`). The walk stops at the first thing that is not a
    whole local header, or at a member whose end cannot be found (stored, with its sizes in a
    data descriptor, 4.3.9); the caller then records the archive's own issue. Returns the
    number of members given whose data is all in the file (read whole, unless damaged)."""
    display = source.display
    total = source.size
    whole = 0
    with source.open() as raw:
        pos = 0
        while pos + 30 <= total:
            raw.seek(pos)
            header = raw.read(30)
            if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
                return whole
            flags, method = _u16(header, 6), _u16(header, 8)
            csize = _u32(header, 18)
            name_len, extra_len = _u16(header, 26), _u16(header, 28)
            raw_name = raw.read(name_len)
            extra = raw.read(extra_len)
            if len(raw_name) < name_len or len(extra) < extra_len or not name_len:
                return whole
            start = pos + 30 + name_len + extra_len
            if csize == 0xFFFFFFFF:  # ZIP64: sizes in the extra field 0x0001 (4.5.3)
                at = 0
                while at + 4 <= len(extra):
                    tag, length = _u16(extra, at), _u16(extra, at + 2)
                    if tag == 1 and length >= 16:
                        csize = int.from_bytes(extra[at + 12:at + 20], "little")
                        break
                    at += 4 + length
            text = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
            name = display_name(text)
            if flags & 0x08:  # sizes after the data (4.3.9): a deflate stream tells its end
                if method != zipfile.ZIP_DEFLATED:
                    yield MemberUnit(name, problem="member of unknown length in a ZIP without "
                                                   "central directory, not scanned")
                    return whole
                end = _deflate_end(raw, start, total)
            else:
                end = start + csize
            if text.endswith("/"):
                pass  # a folder
            elif flags & 0x1:
                yield MemberUnit(name, problem=ENCRYPTED)
            elif method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                yield MemberUnit(name, problem=f"unsupported ZIP compression method {method} "
                                               f"in a ZIP without central directory, not "
                                               f"scanned")
            else:
                def opener(start=start, end=end, method=method, name=name) -> BinaryIO:
                    member = f"{display}!{name}"
                    return _MemberStream(_LocalData(source, start, end, method, member), member)

                packed = (end if end is not None else total) - start
                yield MemberUnit(name, opener, packed=max(0, min(packed, total)))
                whole += end is not None and end <= total
            if end is None or end > total:
                return whole
            pos = end
            if flags & 0x08:  # the data descriptor: signature optional, 12 or 20 bytes
                raw.seek(pos)
                desc = raw.read(24)
                skip = 4 if desc.startswith(b"PK\x07\x08") else 0
                pos += skip + (12 if desc[skip + 12:skip + 14] == b"PK"
                               or len(desc) <= skip + 12 else 20)
    return whole


def _deflate_end(raw: BinaryIO, start: int, total: int) -> int | None:
    """Offset just after the raw deflate stream starting at ``start``, or None (cut)."""
    raw.seek(start)
    inflater = zlib.decompressobj(-15)
    pos = start
    try:
        while not inflater.eof:
            chunk = raw.read(_PIECE)
            if not chunk:
                return None
            inflater.decompress(chunk, 0)
            pos += len(chunk)
    except zlib.error:
        return None
    return pos - len(inflater.unused_data)


class _LocalData(io.RawIOBase):
    """A member's bytes from its local entry (``start``.. ``end``, None: to the end of the
    file), stored or deflated; where the compressed data is cut, the bytes up to the cut, then
    :class:`ReadError` :data:`TRUNCATED` at ``byte N`` (N = the member's bytes given)."""

    def __init__(self, source: Source, start: int, end: int | None, method: int, display: str):
        self._raw = source.open()
        self._raw.seek(start)
        self._left = (end if end is not None else source.size) - start
        self._cut = end is None or end > source.size
        self._inflater = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
        self._display = display
        self._given = 0
        self._done = False
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = _PIECE if size is None or size < 0 else size
        while not self._done:
            if self._pending:  # input the inflater left for lack of output room
                chunk, self._pending = self._pending, b""
            else:
                chunk = self._raw.read(min(_PIECE, self._left)) if self._left > 0 else b""
                self._left -= len(chunk)
            if self._inflater is None:
                data = chunk
            else:
                try:
                    data = self._inflater.decompress(chunk, size) if chunk else \
                        self._inflater.flush()
                except zlib.error as exc:
                    raise ReadError(self._display, _failure(exc), f"byte {self._given}") \
                        from None
                self._pending = self._inflater.unconsumed_tail if chunk else b""
            if not chunk:
                self._done = True
                if self._inflater is not None and not self._inflater.eof:
                    self._cut = True
            if data:
                self._given += len(data)
                return data
        if self._cut:
            self._cut = False
            raise ReadError(self._display, TRUNCATED, f"byte {self._given}")
        return b""

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _decompressor(kind: str, raw: BinaryIO) -> BinaryIO:
    if kind == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


# -- 7z: push-style extraction pulled through a bounded queue ---------------------------------

class _Cancelled(Exception):
    """Raised inside the worker thread when the consumer stopped."""


class _PipeWriter:
    """py7zr's ``Py7zIO`` interface: each write goes to the queue (1 MiB pieces)."""

    def __init__(self, pump: "_SevenZipPump", filename: str):
        self._pump = pump
        self._size = 0
        pump.put(("begin", filename))

    def write(self, s) -> int:
        view = memoryview(s)
        for i in range(0, len(view), _PIPE_CHUNK):
            self._pump.put(("data", bytes(view[i:i + _PIPE_CHUNK])))
        self._size += len(view)
        return len(view)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def seekable(self) -> bool:
        return False  # py7zr then does not rewind before close

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self._size

    def close(self) -> None:
        self._pump.put(("end", None))


class _PipeFactory:
    """py7zr's ``WriterFactory`` interface."""

    def __init__(self, pump: "_SevenZipPump"):
        self._pump = pump

    def create(self, filename: str) -> _PipeWriter:
        return _PipeWriter(self._pump, filename)


class _PipeStream(io.RawIOBase):
    """Reads the ``data`` items of one member from the queue until its ``end``."""

    def __init__(self, pump: "_SevenZipPump", display: str):
        self._pump = pump
        self._display = display
        self._buf = b""
        self.at_end = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf and not self.at_end:
            kind, value = self._pump.get()
            if kind == "data":
                self._buf = value
            elif kind == "end":
                self.at_end = True
            else:  # "error" (or "done"/"begin", which cannot come before "end")
                self._pump.failed = True
                self.at_end = True
                raise ReadError(self._display, _failure(value) if isinstance(value, BaseException)
                                else TRUNCATED)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class _SevenZipPump:
    """Runs ``SevenZipFile.extract(factory=...)`` in a worker thread; ``members()`` pulls."""

    def __init__(self, archive, targets: list[str], display: str):
        self._archive = archive
        self._targets = targets
        self._display = display
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sentinelle-7z", daemon=True)
        self.failed = False

    def put(self, item) -> None:
        while True:
            if self._cancel.is_set():
                raise _Cancelled()
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def get(self):
        return self._queue.get()

    def _run(self) -> None:
        try:
            self._archive.extract(targets=self._targets, factory=_PipeFactory(self))
        except _Cancelled:
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
            try:
                self.put(("error", exc))
            except _Cancelled:
                return
            return
        try:
            self.put(("done", None))
        except _Cancelled:
            return

    def members(self) -> Iterator[MemberUnit]:
        self._thread.start()
        done = 0
        try:
            while True:
                kind, value = self.get()
                if kind == "done":
                    return
                if kind == "error":
                    if done:
                        raise ReadError(self._display, f"corrupt archive after {done} members "
                                                       f"({_failure(value)})")
                    raise ReadError(self._display, f"not a readable 7z archive "
                                                   f"({_failure(value)})")
                if kind != "begin":
                    continue
                name = display_name(value)
                stream = _PipeStream(self, f"{self._display}!{name}")
                yield MemberUnit(name, lambda stream=stream: stream, solid=True)
                done += 1
                if self.failed:
                    return  # the member that failed already carries the issue
                if not stream.at_end:
                    # the consumer left this member (a limit): a solid stream cannot skip it
                    # cheaply; the scanner stops the container and says so
                    return
        finally:
            self._cancel.set()
            while self._thread.is_alive():
                try:
                    self._queue.get(timeout=0.05)
                except queue.Empty:
                    pass
            self._thread.join()
