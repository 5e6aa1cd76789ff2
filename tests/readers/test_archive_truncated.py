"""A file that starts like a ZIP (``PK\\x03\\x04``) but is cut short is one error naming the file,
never an "unsupported format" skip (which ``--quiet`` hides and which exits 0), and the scan
goes on. ZIP layout: PKWARE APPNOTE.TXT 4.3.7 (local file header, 30 bytes before the name) and
4.3.16 (the end-of-central-directory record every ZIP ends with). Synthetic data only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.archive import printable_path

NIR = "285072A00412338"  # valid key, ../shared/cases pb-016
CSV = f"nom;nir\nMARTIN;{NIR}\n"


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("patients.csv", CSV * 20)
    return buf.getvalue()


ZIP = _zip_bytes()
READ = "not a readable ZIP: central directory missing (truncated or corrupt archive)"


@pytest.mark.parametrize("name, cut", [
    ("t.zip", 4),        # the signature alone
    ("t.zip", 10),       # inside the 30-byte local header: no method, no name length yet
    ("t.zip", 29),       # one byte short of a whole local header
    ("t.xlsx", 40),      # an office suffix does not hide a truncated ZIP
    ("noext", 40),       # no suffix at all: content decides
    ("t.xlsx", 2),       # "PK" alone: a ZIP-based suffix makes it a ZIP cut within its signature
    ("t.docx", 1),       # "P" alone, same (closing5: a truncated .xlsx/.docx/.odt passed silently)
    ("t.odt", 3),        # "PK\x03": one byte short of the signature
    ("t.zip", 2),        # the plain .zip suffix too
])
def test_truncated_zip_is_one_error_naming_the_file(tmp_path: Path, name: str, cut: int):
    (tmp_path / name).write_bytes(ZIP[:cut])
    (tmp_path / "ok.csv").write_text(CSV, encoding="utf-8")
    result = sentinelle.scan([str(tmp_path)])
    issues = [(i.path, i.kind, i.reason) for i in result.issues]
    assert issues == [(name, "error", READ)]
    # the scan went on: the other file's NIR is found
    assert [f.entity_type for f in result.findings if f.location.path == "ok.csv"
            and f.entity_type == "FR_NIR"] == ["FR_NIR"]


def test_zip_cut_in_its_first_member_reads_that_member(tmp_path: Path):
    # header and part of the data, no central directory: the member, read from its local
    # header up to the cut, carries the truncation; the archive, its missing directory
    (tmp_path / "t.zip").write_bytes(ZIP[:60])
    result = sentinelle.scan([str(tmp_path)])
    assert [(i.path, i.kind, i.reason) for i in result.issues] == [
        ("t.zip!patients.csv", "error", "truncated archive: member data ends early"),
        ("t.zip", "error", READ)]


@pytest.mark.parametrize("data, why", [
    (ZIP, "a whole ZIP is an archive, its member scanned"),
    (b"PK\x05\x06" + bytes(18), "an empty ZIP (end record only) is a valid archive"),
])
def test_whole_zips_are_not_errors(tmp_path: Path, data: bytes, why: str):
    (tmp_path / "a.zip").write_bytes(data)
    result = sentinelle.scan([str(tmp_path)])
    assert result.issues == [] or all(i.kind != "error" for i in result.issues), why


@pytest.mark.parametrize("raw, shown", [
    ("caf\udce9.csv", "caf\\xe9.csv"),           # b"caf\xe9.csv" through os.fsdecode
    ("a\\b\udcff", "a\\\\b\\xff"),                 # backslash doubled so \xNN stays unambiguous
    ("café.csv", "café.csv"),                    # valid UTF-8: unchanged
    ("a\\b.csv", "a\\b.csv"),                      # valid UTF-8 with a backslash: unchanged
])
def test_printable_path(raw: str, shown: str):
    assert printable_path(raw) == shown
    shown.encode("utf-8")  # always encodable



@pytest.mark.parametrize("name, data, why", [
    ("notes.txt", b"PK", "two letters in a text file are text: only a ZIP suffix claims them"),
    ("t.xlsx", b"PA", "not a prefix of the ZIP signature: the suffix alone does not claim it"),
])
def test_short_non_zip_is_not_an_error(tmp_path: Path, name: str, data: bytes, why: str):
    (tmp_path / name).write_bytes(data)
    result = sentinelle.scan([str(tmp_path)])
    assert [i for i in result.issues if i.kind == "error"] == [], why
