"""Archives and compressed files (readers/archive.py) scanned through the scanner.

Every archive is written at test time by the library that normally writes it (zipfile, tarfile,
gzip, bz2, lzma, py7zr, pyzipper for WinZip AES). The NIR is python-stdnum's docstring example
``2 95 10 99 126 111 93`` (key 93 = 97 - 2951099126111 mod 97), also used in tests/test_api.py.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
import tempfile
import threading
import zipfile
from pathlib import Path

import py7zr
import pytest
import pyzipper

import sentinelle.scanner as scanner_module
from sentinelle.config import Config
from sentinelle.readers import pick_reader
from sentinelle.readers.archive import ArchiveReader, display_name, single_member_name
from sentinelle.scanner import scan

NIR = "295109912611193"
CSV = f"nom;prenom;nir\nMARTIN;Claire;{NIR}\n".encode()
TEXT = f"Compte rendu.\r\nPatiente : NIR {NIR}\r\n".encode()
MiB = 1 << 20


# -- writers (real libraries) ---------------------------------------------------------------

def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def sevenzip_bytes(members: dict[str, bytes], **kwargs) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", **kwargs) as z:
        for name, data in members.items():
            z.writestr(data, name)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def nir_paths(result) -> list[tuple[str, int | None, str | None, int, int]]:
    return sorted((f.location.path, f.location.row, f.location.column, f.start, f.end)
                  for f in result.findings if f.entity_type == "FR_NIR")


def issues(result) -> list[tuple[str, str, str]]:
    return [(i.path, i.kind, i.reason) for i in result.issues]


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile's folder for this test, so the test can see what the scanner leaves there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# -- members are found, with the right display path ------------------------------------------

@pytest.mark.parametrize("name, data, path", [
    ("a.zip", zip_bytes({"b/c.csv": CSV}), "a.zip!b/c.csv"),
    ("a.zip", zip_bytes({"b/c.csv": CSV}, zipfile.ZIP_STORED), "a.zip!b/c.csv"),
    ("a.zip", zip_bytes({"b/c.csv": CSV}, zipfile.ZIP_BZIP2), "a.zip!b/c.csv"),
    ("a.zip", zip_bytes({"b/c.csv": CSV}, zipfile.ZIP_LZMA), "a.zip!b/c.csv"),
    # nested: a tar.gz inside a zip
    ("a.zip", zip_bytes({"b.tar.gz": tar_bytes({"c.csv": CSV})}), "a.zip!b.tar.gz!c.csv"),
    # three levels
    ("a.zip", zip_bytes({"b.zip": zip_bytes({"c.7z": sevenzip_bytes({"d.csv": CSV})})}),
     "a.zip!b.zip!c.7z!d.csv"),
    ("a.tar", tar_bytes({"x/c.csv": CSV}, "w"), "a.tar!x/c.csv"),
    ("a.tar.gz", tar_bytes({"c.csv": CSV}, "w:gz"), "a.tar.gz!c.csv"),
    ("a.tgz", tar_bytes({"c.csv": CSV}, "w:gz"), "a.tgz!c.csv"),
    ("a.tar.bz2", tar_bytes({"c.csv": CSV}, "w:bz2"), "a.tar.bz2!c.csv"),
    ("a.tar.xz", tar_bytes({"c.csv": CSV}, "w:xz"), "a.tar.xz!c.csv"),
    ("a.7z", sevenzip_bytes({"b/c.csv": CSV}), "a.7z!b/c.csv"),
    # single compressed files are scanned as the file gunzip would write
    ("c.csv.gz", gzip.compress(CSV), "c.csv.gz!c.csv"),
    ("c.csv.bz2", bz2.compress(CSV), "c.csv.bz2!c.csv"),
    ("c.csv.xz", lzma.compress(CSV), "c.csv.xz!c.csv"),
    # content beats extension: a gzip named .dat, a zip named .bin
    ("export.dat", gzip.compress(CSV), "export.dat!export.dat"),
    ("export.bin", zip_bytes({"c.csv": CSV}), "export.bin!c.csv"),
])
def test_member_paths(tmp_path, private_tmp, name, data, path):
    write(tmp_path, name, data)
    result = scan(tmp_path / name)
    assert nir_paths(result) == [(path, 0, "nir", 0, 15)]
    assert result.issues == []
    files = [f.path for f in result.files]
    assert files[-1] == name and path in files       # members first, the container last
    assert {f.reader for f in result.files if f.path == path} == {"csv"}
    assert os.listdir(private_tmp) == []             # spools and their folder are gone


def test_text_member_offsets_index_the_member(tmp_path):
    write(tmp_path, "a.zip", zip_bytes({"notes/cr.txt": TEXT}))
    [f] = [f for f in scan(tmp_path / "a.zip").findings if f.entity_type == "FR_NIR"]
    assert (f.location.path, f.start, f.end) == ("a.zip!notes/cr.txt", 30, 45)
    assert TEXT.decode()[30:45] == NIR                  # CRLF kept: offsets in the decoded member


def test_folder_of_archives_and_sizes(tmp_path):
    write(tmp_path, "a.zip", zip_bytes({"c.csv": CSV, "d/": b"", "e.txt": TEXT}))
    result = scan(tmp_path)
    reports = {f.path: f for f in result.files}
    assert set(reports) == {"a.zip!c.csv", "a.zip!e.txt", "a.zip"}   # folders are not members
    assert reports["a.zip!c.csv"].size == len(CSV)
    assert reports["a.zip!c.csv"].rows == 1 and reports["a.zip!c.csv"].columns == 3
    assert reports["a.zip"].reader == "archive"


# -- the names of members are display strings only ---------------------------------------------

@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "etc/passwd"),   # traversal: never used as a path, only shown
    ("/abs/x.csv", "abs/x.csv"),
    ("C:\\Users\\x.csv", "Users/x.csv"),  # Windows drive and separators
    ("a/./b//c.csv", "a/b/c.csv"),
    ("a/../b.csv", "b.csv"),
    ("bad\nname.csv", "bad?name.csv"),    # a newline would break one-line issues
    ("..", "_"),
])
def test_display_name(name, shown):
    assert display_name(name) == shown


def test_path_traversal_names_are_scanned_not_extracted(tmp_path):
    # we never extract to disk by name: the member is read from a spool and only its display
    # name is normalised; nothing appears outside the scanned folder
    inbox = tmp_path / "in" / "deep"
    inbox.mkdir(parents=True)
    write(inbox, "evil.zip", zip_bytes({"../../etc/passwd.csv": CSV}))
    write(inbox, "evil.tar", tar_bytes({"/abs/x.csv": CSV, "../up.csv": CSV}, "w"))
    before = sorted(p for p in tmp_path.rglob("*"))
    result = scan(inbox)
    assert nir_paths(result) == [("evil.tar!abs/x.csv", 0, "nir", 0, 15),
                                 ("evil.tar!up.csv", 0, "nir", 0, 15),
                                 ("evil.zip!etc/passwd.csv", 0, "nir", 0, 15)]
    assert sorted(p for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("display, member", [
    ("c.csv.gz", "c.csv"),
    ("dir/x.TXT.GZ", "x.TXT"),
    ("a.zip!b/c.json.xz", "c.json"),
    ("data.bz2", "data"),
    ("export", "export"),     # no compression suffix: the same name
])
def test_single_member_name(display, member):
    assert single_member_name(display) == member


# -- sniffing: archives by magic, office files left to their readers ----------------------------

def _office(first: str) -> bytes:
    return zip_bytes({first: b"application/vnd.oasis.opendocument.text" if first == "mimetype"
                      else b"<Types/>", "content.xml": b"<doc/>"}, zipfile.ZIP_STORED)


@pytest.mark.parametrize("head, path, claimed", [
    (zip_bytes({"a.csv": CSV}), "a.zip", True),
    (zip_bytes({}), "empty.zip", True),                 # end of central directory only
    (tar_bytes({"a.csv": CSV}, "w"), "a.tar", True),    # ustar header, checksum verified
    (tar_bytes({"a.csv": CSV}, "w:gz"), "x", True),
    (gzip.compress(CSV), "x", True),
    (bz2.compress(CSV), "x", True),
    (lzma.compress(CSV), "x", True),
    (sevenzip_bytes({"a.csv": CSV}), "x", True),
    (_office("[Content_Types].xml"), "x.zip", False),  # OOXML: the office readers' business
    (_office("mimetype"), "x.zip", False),             # ODF: first member "mimetype"
    # a leak archive that stores an Office file uncompressed holds the Office names inside a
    # member: it is still an archive (only the container's own entries count)
    (zip_bytes({"r.docx": _office("[Content_Types].xml")}, zipfile.ZIP_STORED), "x.zip", True),
    (zip_bytes({"r.odt": _office("mimetype")}, zipfile.ZIP_STORED), "x.bin", True),
    (zip_bytes({"a.csv": CSV}), "report.xlsx", False),  # office suffix
    (zip_bytes({"a.csv": CSV}), "report.odt", False),
    (CSV, "a.zip", False),                              # a suffix alone does not make a zip
    (b"BZh91AY&SY" [:3] + b"x plain text", "a.bz2", False),
    (b"\x1f\x8b" + b"\x00" * 20, "x.gz", False),        # gzip magic with a CM other than 8
    # a local-header magic followed by junk: compression method 256 is not in APPNOTE 4.4.5
    (b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)) * 4, "a.zip", False),
])
def test_sniff(head, path, claimed):
    assert ArchiveReader().sniff(head, path) is claimed


def _docx_bytes(text: str) -> bytes:
    import docx
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl
    out = io.BytesIO()
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_zip_of_office_files_is_opened(tmp_path, private_tmp, method):
    # a ZIP storing a DOCX and an XLSX uncompressed was once taken for an Office file itself
    # and skipped as "unsupported format": both members must be read by their own readers
    data = zip_bytes({"cr.docx": _docx_bytes(f"Patiente : NIR {NIR}"),
                      "liste.xlsx": _xlsx_bytes([["nom", "nir"], ["MARTIN", NIR]])}, method)
    write(tmp_path, "leak.zip", data)
    result = scan(tmp_path / "leak.zip")
    assert result.issues == []
    assert {(f.path, f.reader) for f in result.files} == {
        ("leak.zip!cr.docx", "docx"), ("leak.zip!liste.xlsx", "spreadsheet"),
        ("leak.zip", "archive")}
    assert [p for p, *_ in nir_paths(result)] == ["leak.zip!cr.docx", "leak.zip!liste.xlsx"]


def test_archive_sits_after_office_readers_in_builtin():
    from sentinelle.readers import BUILTIN
    from sentinelle.readers.jsondoc import JsonReader
    assert BUILTIN.index(ArchiveReader) < BUILTIN.index(JsonReader)
    assert pick_reader(zip_bytes({"a.csv": CSV}), "a.zip", Config()).name == "archive"


# -- limits: one issue each, and the scan goes on -------------------------------------------------

def zeros_zip(path: Path, mib: int, extra: dict[str, bytes] | None = None) -> None:
    """A ZIP whose member ``zeros.bin`` is ``mib`` MiB of zeros (deflate: about 1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.bin", "w") as member:
            for _ in range(mib):
                member.write(bytes(MiB))
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def test_zip_bomb_member_is_skipped_and_other_members_scanned(tmp_path, private_tmp):
    zeros_zip(tmp_path / "bomb.zip", 40, {"c.csv": CSV})
    write(tmp_path, "z_next.csv", CSV)
    result = scan(tmp_path)
    [(path, kind, reason)] = issues(result)
    assert (path, kind) == ("bomb.zip!zeros.bin", "skipped")
    assert reason.startswith("zip bomb suspected: member zeros.bin expands ")
    assert reason.endswith(":1 or more, limit 100:1")
    assert int(reason.split("expands ")[1].split(":")[0]) > 100
    assert [p for p, *_ in nir_paths(result)] == ["bomb.zip!c.csv", "z_next.csv"]
    assert os.listdir(private_tmp) == []


def tar_gz_bomb(path: Path) -> None:
    with tarfile.open(path, "w:gz") as t:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 40 * MiB
        t.addfile(info, io.BytesIO(bytes(40 * MiB)))
        info = tarfile.TarInfo("after.csv")
        info.size = len(CSV)
        t.addfile(info, io.BytesIO(CSV))


def sevenzip_bomb(path: Path) -> None:
    with py7zr.SevenZipFile(path, "w") as z:
        z.writestr(bytes(40 * MiB), "zeros.bin")
        z.writestr(CSV, "after.csv")


@pytest.mark.parametrize("name, make", [
    ("bomb.tar.gz", tar_gz_bomb),    # one gzip stream: no size per member
    ("bomb.7z", sevenzip_bomb),      # one solid LZMA2 folder
])
def test_solid_bomb_stops_the_archive_naming_the_member(tmp_path, private_tmp, name, make):
    make(tmp_path / name)
    write(tmp_path, "next.csv", CSV)
    result = scan(tmp_path)
    [(path, kind, reason)] = issues(result)
    assert (path, kind) == (name, "skipped")
    assert reason.startswith("zip bomb suspected: archive expands ")
    assert reason.endswith(":1 or more at member zeros.bin, limit 100:1; the rest not scanned")
    assert [p for p, *_ in nir_paths(result)] == ["next.csv"]   # the scan went on
    assert os.listdir(private_tmp) == []
    assert not [t for t in threading.enumerate() if t.name == "sentinelle-7z"]


def test_single_gzip_bomb(tmp_path):
    with gzip.open(tmp_path / "zeros.csv.gz", "wb") as g:
        for _ in range(40):
            g.write(bytes(MiB))
    [(path, kind, reason)] = issues(scan(tmp_path))
    assert (path, kind) == ("zeros.csv.gz", "skipped")
    assert reason.startswith("zip bomb suspected: member zeros.csv expands ")


def test_ratio_limit_can_be_switched_off(tmp_path):
    zeros_zip(tmp_path / "bomb.zip", 12)
    result = scan(tmp_path, Config(max_archive_ratio=0))
    # no bomb issue: the 12 MiB of zeros are read, and are binary content
    assert issues(result) == [("bomb.zip!zeros.bin", "skipped", "unsupported format")]


def test_nested_zips_total_bytes_limit(tmp_path):
    # 42.zip style: zips of zips. Stored (not compressed) so that sizes are known by hand: each
    # part is 2,000 lines of 24 bytes = 48,000 bytes; x.zip holds 4 parts (192,000 bytes plus
    # under 1 KB of headers). Produced in order: x.zip (~192.4 KB), part0 (~240.4 KB), part1
    # (~288.4 KB), part2 (~336.4 KB > 300,000): stop in x.zip at part2; nest.zip cannot open y.zip.
    blob = "".join(f"{i:08d};ligne de texte\n" for i in range(2_000)).encode()
    assert len(blob) == 48_000
    inner = zip_bytes({f"part{i}.txt": blob for i in range(4)}, zipfile.ZIP_STORED)
    write(tmp_path, "nest.zip", zip_bytes({"x.zip": inner, "y.zip": inner}, zipfile.ZIP_STORED))
    result = scan(tmp_path, Config(max_archive_bytes=300_000))
    assert issues(result) == [
        ("nest.zip!x.zip", "skipped", "archive expands beyond max_archive_bytes (300000 bytes) "
                                      "at member part2.txt; the rest not scanned"),
        ("nest.zip", "skipped", "max_archive_bytes (300000 bytes) reached: the rest not scanned"),
    ]
    assert [f.path for f in result.files if f.reader == "text"] == ["nest.zip!x.zip!part0.txt",
                                                                   "nest.zip!x.zip!part1.txt"]


def test_member_size_limit(tmp_path):
    big = b"ligne sans donnee\n" * 20_000   # 360 KB
    write(tmp_path, "a.zip", zip_bytes({"big.txt": big, "c.csv": CSV}))
    result = scan(tmp_path, Config(max_member_bytes=100_000))
    assert issues(result) == [("a.zip!big.txt", "skipped",
                               "member big.txt larger than max_member_bytes (100000 bytes)")]
    assert [p for p, *_ in nir_paths(result)] == ["a.zip!c.csv"]


def test_member_count_limit(tmp_path):
    write(tmp_path, "many.zip", zip_bytes({f"m{i}.csv": CSV for i in range(5)}))
    result = scan(tmp_path, Config(max_archive_members=3))
    assert issues(result) == [("many.zip", "skipped", "more than max_archive_members (3) members: "
                                                      "the rest not scanned")]
    assert [p for p, *_ in nir_paths(result)] == ["many.zip!m0.csv", "many.zip!m1.csv",
                                                  "many.zip!m2.csv"]


def nest(levels: int) -> bytes:
    data = zip_bytes({"c.csv": CSV})
    for i in range(levels - 1):
        data = zip_bytes({f"l{levels - 1 - i}.zip": data})
    return data


@pytest.mark.parametrize("levels, max_depth, found, issue_path", [
    (3, 5, "a.zip!l1.zip!l2.zip!c.csv", None),
    (5, 5, "a.zip!l1.zip!l2.zip!l3.zip!l4.zip!c.csv", None),      # exactly the limit
    (6, 5, None, "a.zip!l1.zip!l2.zip!l3.zip!l4.zip!l5.zip"),     # one level too deep
    (3, 2, None, "a.zip!l1.zip!l2.zip"),
    (1, 0, None, "a.zip"),                                        # 0: archives not opened
])
def test_depth_limit(tmp_path, levels, max_depth, found, issue_path):
    write(tmp_path, "a.zip", nest(levels))
    result = scan(tmp_path, Config(max_depth=max_depth))
    assert [p for p, *_ in nir_paths(result)] == ([found] if found else [])
    expected = [] if issue_path is None else [(
        issue_path, "skipped",
        f"archive nesting deeper than max_depth ({max_depth}): members not opened")]
    assert issues(result) == expected


def test_self_containing_zip_stops_at_depth(tmp_path):
    # a zip quine-like chain: the same zip nested again and again stops at max_depth
    write(tmp_path, "q.zip", nest(12))
    result = scan(tmp_path)
    [(path, kind, reason)] = issues(result)
    assert path.count("!") == 5 and "max_depth (5)" in reason


# -- encrypted, truncated, corrupt --------------------------------------------------------------

def test_encrypted_zip_members(tmp_path):
    out = tmp_path / "enc.zip"
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED) as z:
        z.writestr("clair.csv", CSV)
        z.setpassword(b"not-secret")
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        z.writestr("secret1.csv", CSV)
        z.writestr("d/secret2.csv", CSV)
    result = scan(tmp_path)
    assert issues(result) == [("enc.zip!secret1.csv", "error", "encrypted member, not scanned"),
                              ("enc.zip!d/secret2.csv", "error", "encrypted member, not scanned")]
    assert [p for p, *_ in nir_paths(result)] == ["enc.zip!clair.csv"]


def test_encrypted_7z(tmp_path):
    write(tmp_path, "data.7z", sevenzip_bytes({"a.csv": CSV, "b.txt": TEXT},
                                              password="not-secret"))
    write(tmp_path, "headers.7z", sevenzip_bytes({"a.csv": CSV}, password="not-secret",
                                                 header_encryption=True))
    write(tmp_path, "z.csv", CSV)
    result = scan(tmp_path)
    assert issues(result) == [
        ("data.7z!a.csv", "error", "encrypted member, not scanned"),
        ("data.7z!b.txt", "error", "encrypted member, not scanned"),
        ("headers.7z", "error", "encrypted archive (7z header encryption), not scanned"),
    ]
    assert [p for p, *_ in nir_paths(result)] == ["z.csv"]


def test_truncated_tar_gz_names_the_member_and_keeps_what_was_read(tmp_path, private_tmp):
    rows = "".join(f"{i:06d};{NIR}\n" for i in range(10_000))     # 230 KB, 10,000 NIRs
    data = tar_bytes({"first.csv": CSV, "big.csv": ("id;nir\n" + rows).encode()})
    write(tmp_path, "cut.tar.gz", data[: len(data) * 2 // 3])
    result = scan(tmp_path)
    assert issues(result) == [("cut.tar.gz!big.csv", "error",
                               "truncated archive: member data ends early")]
    found = nir_paths(result)
    assert ("cut.tar.gz!first.csv", 0, "nir", 0, 15) in found
    # rows decompressed before the cut are still scanned
    assert 1000 < sum(1 for p, *_ in found if p == "cut.tar.gz!big.csv") < 10_000
    assert os.listdir(private_tmp) == []


@pytest.mark.parametrize("name, data, cut, expected", [
    # the central directory is at the end of a ZIP: without it the members are read from their
    # local headers (APPNOTE.TXT 4.3.7), the one cut short up to the cut
    ("cut.zip", zip_bytes({"a.csv": CSV * 50}), 0.5,
     [("cut.zip!a.csv", "error", "truncated archive: member data ends early"),
      ("cut.zip", "error", "not a readable ZIP: central directory missing (truncated or "
                           "corrupt archive)")]),
    ("cut.csv.gz", gzip.compress(CSV * 2000), 0.5,
     [("cut.csv.gz!cut.csv", "error", "truncated archive: member data ends early")]),
    ("cut.7z", sevenzip_bytes({"a.csv": CSV * 50}), 0.5,
     [("cut.7z", "error", "not a readable 7z archive (truncated or corrupt)")]),
    # cut between two members: tarfile finds no next header
    ("cut.tar", tar_bytes({"a.csv": CSV, "b.csv": CSV}, "w"), 700 / 10240,
     [("cut.tar", "error", "truncated archive after member a.csv")]),
])
def test_truncated(tmp_path, name, data, cut, expected):
    write(tmp_path, name, data[: int(len(data) * cut)])
    write(tmp_path, "zz.csv", CSV)
    result = scan(tmp_path)
    assert issues(result) == expected
    assert "zz.csv" in [p for p, *_ in nir_paths(result)]


def test_corrupt_zip_member_crc(tmp_path):
    data = bytearray(zip_bytes({"a.csv": CSV, "b.csv": CSV}, zipfile.ZIP_STORED))
    at = bytes(data).index(NIR.encode())    # first member's stored data: flip one digit
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    write(tmp_path, "crc.zip", bytes(data))
    result = scan(tmp_path)
    assert issues(result) == [("crc.zip!a.csv", "error", "corrupt member data (CRC mismatch)")]
    assert ("crc.zip!b.csv", 0, "nir", 0, 15) in nir_paths(result)


# -- temporary files: gone after a scan, an error, or an interrupt --------------------------------

def test_spool_moves_to_disk_and_is_removed(tmp_path, private_tmp, monkeypatch):
    monkeypatch.setattr(scanner_module, "SPOOL_MEMORY_BYTES", 1024)
    write(tmp_path, "a.zip", zip_bytes({"b.zip": zip_bytes({"c.csv": CSV + b"x;y;z\n" * 400})}))
    seen: list[list[str]] = []

    def sink(batch):
        seen.append(os.listdir(private_tmp))

    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    config = Config()
    reports = list(scanner_module.iter_file("a.zip", tmp_path / "a.zip",
                                            Pipeline(build(None), config), config, sink))
    assert [r.path for r in reports] == ["a.zip!b.zip!c.csv", "a.zip!b.zip", "a.zip"]
    assert seen and all(len(names) == 1 and names[0].startswith("sentinelle-") for names in seen)
    assert os.listdir(private_tmp) == []


@pytest.mark.parametrize("name, data", [
    ("a.zip", zip_bytes({"b/c.csv": CSV, "d.csv": CSV})),
    ("a.7z", sevenzip_bytes({"b/c.csv": CSV, "d.csv": CSV})),   # a worker thread to stop too
    ("a.tar.gz", tar_bytes({"b/c.csv": CSV, "d.csv": CSV})),
])
def test_keyboard_interrupt_leaves_nothing(tmp_path, private_tmp, name, data):
    write(tmp_path, name, data)

    def sink(batch):
        raise KeyboardInterrupt

    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    config = Config()
    with pytest.raises(KeyboardInterrupt):
        list(scanner_module.iter_file(name, tmp_path / name, Pipeline(build(None), config),
                                      config, sink))
    assert os.listdir(private_tmp) == []
    assert not [t for t in threading.enumerate() if t.name == "sentinelle-7z"]


def test_early_close_leaves_nothing(tmp_path, private_tmp):
    write(tmp_path, "a.7z", sevenzip_bytes({f"m{i}.csv": CSV for i in range(6)}))
    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline
    config = Config()
    reports = scanner_module.iter_file("a.7z", tmp_path / "a.7z", Pipeline(build(None), config),
                                       config, lambda batch: None)
    assert next(reports).path == "a.7z!m0.csv"
    reports.close()                  # the consumer stops after the first member
    assert os.listdir(private_tmp) == []
    assert not [t for t in threading.enumerate() if t.name == "sentinelle-7z"]


# -- configuration ------------------------------------------------------------------------------

def test_limits_from_toml_and_all_errors_together(tmp_path):
    from sentinelle.config import load_config
    from sentinelle.errors import ConfigError
    good = tmp_path / "ok.toml"
    good.write_text("[scan]\nmax_depth = 2\nmax_archive_bytes = 1000000\nmax_member_bytes = 0\n"
                    "max_archive_ratio = 50\nmax_archive_members = 10\n")
    config = load_config(good)
    assert (config.max_depth, config.max_archive_bytes, config.max_member_bytes,
            config.max_archive_ratio, config.max_archive_members) == (2, 1_000_000, 0, 50, 10)
    bad = tmp_path / "bad.toml"
    bad.write_text("max_depth = -1\nmax_archive_ratio = \"100:1\"\n")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert str(info.value) == (f"{bad}: max_depth must be a non-negative integer; "
                               f"max_archive_ratio must be a non-negative integer")


def test_defaults():
    # the documented defaults (config.py docstring)
    config = Config()
    assert (config.max_depth, config.max_archive_bytes, config.max_member_bytes,
            config.max_archive_ratio, config.max_archive_members) == (
        5, 16 * 1024 ** 3, 4 * 1024 ** 3, 100, 100_000)


def test_zip_head_entries_walks_past_data_descriptors():
    # a ZIP written to an unseekable stream puts its sizes in data descriptors after each
    # member (APPNOTE.TXT 4.3.9, flag bit 3): the walk must still reach every top-level entry
    from sentinelle.readers.archive import zip_head_entries

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.csv", CSV * 50)
        z.writestr("inner.docx", zip_bytes({"[Content_Types].xml": b"<Types/>"},
                                           zipfile.ZIP_STORED))
        z.writestr("c.txt", TEXT)
    head = bytes(out.data)
    assert int.from_bytes(head[6:8], "little") & 0x08
    assert [name for name, _method, _data in zip_head_entries(head)] == [
        "a.csv", "inner.docx", "c.txt"]
    assert ArchiveReader().sniff(head, "x.zip") is True
