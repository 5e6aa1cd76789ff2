"""A leak dump cut in the middle of a member's data: the member is read up to the cut and
scanned, and one issue names the archive and the member with the byte where its data ends
(``a.tar!b.txt``, position ``byte N``, reason ``truncated archive: member data ends early``);
never a traceback, and the scan goes on with the other files.

Session 13 fault: a TAR member cut short gave nothing of its data (``tarfile`` drops the bytes
of a short read); a ZIP without its central directory gave nothing at all.

Layouts used for the hand-computed offsets: TAR (POSIX.1-1988 ustar) is a 512-byte header
per member, then its data padded to a multiple of 512; a ZIP written by ``zipfile`` starts
each member with a 30-byte local file header, then its name (no extra field for small
members), then its data (PKWARE APPNOTE.TXT 4.3.7). Synthetic data only: NIR
``285072A00412338`` has a valid key (../shared/cases pb-016).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.archive import LOCAL_HEADERS_READ, NO_CENTRAL_DIRECTORY, TRUNCATED

NIR = "285072A00412338"
LINES = 400
#: 41 bytes a line: 20 hex digits, " NIR " (5), the NIR (15), "\n": the NIR of line i at
#: [41i + 25, 41i + 40). The hex digits (a SHA-256 of the member and line) make each member
#: compress on its own, so a cut at 3/4 of a compressed archive falls in b.txt's data
W, AT = 41, 25


def _text(member: str) -> bytes:
    return "".join(f"{hashlib.sha256(f'{member}{i}'.encode()).hexdigest()[:20]} NIR {NIR}\n"
                   for i in range(LINES)).encode("ascii")


L = W * LINES  # 16,400 bytes
assert len(_text("a.txt")) == L


def _tar(mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name in ("a.txt", "b.txt"):
            info = tarfile.TarInfo(name)
            info.size = L
            t.addfile(info, io.BytesIO(_text(name)))
    return out.getvalue()


def _zip(method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name in ("a.txt", "b.txt"):
            z.writestr(name, _text(name))
    return out.getvalue()


class _Unseekable(io.RawIOBase):
    """A write-only stream: ``zipfile`` then writes data descriptors (APPNOTE 4.3.9)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


def _zip_descriptors() -> bytes:
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("a.txt", "b.txt"):
            with z.open(name, "w") as w:
                w.write(_text(name))
    assert out.data[6] & 0x08  # general purpose flag bit 3: sizes after the data
    return bytes(out.data)


#: b.txt's data starts at: TAR: 512 (a's header) + 16,896 (a's 16,400 bytes padded to 33 blocks)
#: + 512 (b's header)
TAR_B = 512 + 16_896 + 512
#: ZIP stored: 30 + 5 ("a.txt") + 16,400 + 30 + 5 ("b.txt")
ZIP_B = 30 + 5 + L + 30 + 5


def _scan(tmp_path: Path, name: str, data: bytes):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "zz.txt").write_text(f"autre {NIR}\n", encoding="ascii")
    return sentinelle.scan([str(tmp_path)])


def _nirs(result, path: str) -> list[int]:
    return sorted(f.start for f in result.findings
                  if f.location.path == path and f.entity_type == "FR_NIR" and f.score == 1.0)


@pytest.mark.parametrize("name, data, cut, issues", [
    # a plain TAR cut 1,640 bytes (40 lines) into b.txt's data: b.txt is read to byte 1640
    ("cut.tar", _tar(), TAR_B + 1640,
     [("cut.tar!b.txt", "error", TRUNCATED, "byte 1640")]),
    # a stored ZIP cut 1,640 bytes into b.txt's data, so before its central directory: a.txt
    # was read whole from its local header, so the archive is partly read, not unreadable
    ("cut.zip", _zip(zipfile.ZIP_STORED), ZIP_B + 1640,
     [("cut.zip!b.txt", "error", TRUNCATED, "byte 1640"),
      ("cut.zip", "error", LOCAL_HEADERS_READ, None)]),
])
def test_member_cut_is_read_to_the_byte(tmp_path, name, data, cut, issues):
    result = _scan(tmp_path, name, data[:cut])
    assert [(i.path, i.kind, i.reason, i.position) for i in result.issues] == issues
    # a.txt whole: its 400 NIRs; b.txt: lines 0-39 are whole in its first 1,640 bytes
    assert len(_nirs(result, f"{name}!a.txt")) == LINES
    assert _nirs(result, f"{name}!b.txt") == [W * i + AT for i in range(40)]
    assert _nirs(result, "zz.txt") == [6]  # the scan went on


@pytest.mark.parametrize("name, data, whole_a", [
    # compressed: where the cut falls in b.txt is the decompressor's; the issue says it
    ("cut.tar.gz", _tar("w:gz"), True),
    ("cut.tar.xz", _tar("w:xz"), True),
    ("cut.zip", _zip(zipfile.ZIP_DEFLATED), True),
    # deflated with data descriptors: b.txt's start found from the end of a.txt's stream
    ("desc.zip", _zip_descriptors(), True),
])
def test_compressed_member_cut_reads_what_decompresses(tmp_path, name, data, whole_a):
    # cut in the middle of b.txt's compressed data: a.txt's compressed data is the first half
    # (both members compress alike), b.txt's the second, less its end
    result = _scan(tmp_path, name, data[:len(data) * 3 // 4])
    got = [(i.path, i.kind, i.reason) for i in result.issues]
    assert got[0] == (f"{name}!b.txt", "error", TRUNCATED)
    # a.txt whole from its local header: "members read from their local headers"
    assert got[1:] == ([(name, "error", LOCAL_HEADERS_READ)] if name.endswith(".zip") else [])
    n = int(result.issues[0].position.removeprefix("byte "))
    assert 0 < n < L
    # every line whole in the bytes read is scanned, and only those
    assert _nirs(result, f"{name}!b.txt") == [W * i + AT for i in range(LINES)
                                              if W * i + AT + 15 <= n]
    assert len(_nirs(result, f"{name}!a.txt")) == LINES
    assert _nirs(result, "zz.txt") == [6]


@pytest.mark.parametrize("name, cut, compress", [
    # cut 100 bytes into b.txt's header: tarfile took the short header for the end
    ("h.tar", TAR_B - 412, False),
    ("h.tar.gz", TAR_B - 412, True),
    # cut right after a.txt's padded data, on a block boundary: no end-of-archive blocks
    ("b.tar", TAR_B - 512, False),
])
def test_tar_cut_in_a_header_is_the_archive_s_issue(tmp_path, name, cut, compress):
    # no member to name: the archive's issue says after which member
    data = _tar()[:cut]
    result = _scan(tmp_path, name, gzip.compress(data) if compress else data)
    assert [(i.path, i.kind, i.reason) for i in result.issues] == [
        (name, "error", "truncated archive after member a.txt")]
    assert len(_nirs(result, f"{name}!a.txt")) == LINES


@pytest.mark.parametrize("cut", [
    TAR_B - 512 + 1024,   # both end-of-archive blocks
    TAR_B - 512 + 512,    # one of them (tarfile reads one zero block as the end): not a cut
])
def test_whole_tar_is_not_truncated(tmp_path, cut):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo("a.txt")
        info.size = L
        t.addfile(info, io.BytesIO(_text("a.txt")))
    data = out.getvalue()
    assert len(data) >= cut and data[TAR_B - 512:] == bytes(len(data) - TAR_B + 512)
    result = _scan(tmp_path, "w.tar", data[:cut])
    assert result.issues == []
    assert len(_nirs(result, "w.tar!a.txt")) == LINES


@pytest.mark.parametrize("cut, reason", [
    # cut in a.txt's data: no member whole, the archive's reason is the missing directory
    (30 + 5 + 1640, NO_CENTRAL_DIRECTORY),
    # cut just after a.txt's data (ZIP_B - 35: its 30-byte header, name, 16,400 bytes):
    # a.txt whole, read from its local header (session 13 review: the zip was "not a
    # readable ZIP" though its members were read)
    (ZIP_B - 35, LOCAL_HEADERS_READ),
    # cut just before the central directory: both members whole
    (ZIP_B + L, LOCAL_HEADERS_READ),
])
def test_zip_without_directory_says_whether_members_were_read(tmp_path, cut, reason):
    result = _scan(tmp_path, "cut.zip", _zip(zipfile.ZIP_STORED)[:cut])
    assert [(i.path, i.reason) for i in result.issues if i.path == "cut.zip"] == \
        [("cut.zip", reason)]


@pytest.mark.parametrize("reason, fr", [
    # the French report names the reason in French (report/reasons.py, fixed wording)
    (LOCAL_HEADERS_READ, "répertoire central absent : membres lus depuis leurs en-têtes locaux"),
    (NO_CENTRAL_DIRECTORY,
     "ZIP illisible : répertoire central absent (archive tronquée ou corrompue)"),
])
def test_zip_reasons_in_french(reason, fr):
    from sentinelle.report.reasons import reason_text

    assert reason_text(reason, "fr") == fr
