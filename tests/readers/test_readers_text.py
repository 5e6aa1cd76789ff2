"""TextReader: chunks cut at line ends, offsets into the whole decoded file, CRLF kept."""

from __future__ import annotations

import codecs
import re

import pytest

from sentinelle.errors import ReadError
from sentinelle.readers.text import TextReader

LINES = [
    "Compte rendu du laboratoire",
    "Patient : Mme Zoé Lefèvre, née le 01/02/1984",
    "NIR 2 84 02 75 111 222 33",
    "Hémoglobine glyquée : 6,5 %",
    "",
    "Conclusion : revoir dans trois mois.",
]


def make_text(n: int, newline: str) -> str:
    return "".join(f"{i:04d} {line}{newline}" for i in range(n) for line in LINES)


@pytest.mark.parametrize("newline, chunk, encoding", [
    ("\n", 100, "utf-8"),
    ("\r\n", 100, "utf-8"),     # CRLF kept, never split between two chunks
    ("\r", 100, "utf-8"),       # old Mac line ends
    ("\r\n", 37, "cp1252"),     # chunk shorter than most lines: one line per chunk
    ("\n", 1000, "utf-8-sig"),  # offsets count from after the BOM
    ("\r\n", 64, "utf-16"),
    ("\n", 1 << 20, "utf-8"),   # default size: one chunk
])
def test_chunks_and_offsets(read_with, tmp_path, newline, chunk, encoding):
    text = make_text(40, newline)
    path = tmp_path / "cr.txt"
    path.write_bytes(text.encode(encoding))
    result = read_with(TextReader(text_chunk_chars=chunk), path)
    units = result.texts
    assert "".join(u.text for u in units) == text  # nothing lost, nothing normalised
    assert [u.offset for u in units] == [sum(len(v.text) for v in units[:i])
                                         for i in range(len(units))]
    for unit in units[:-1]:
        assert unit.text.endswith(newline)  # cut at a line end (CRLF whole)
        assert len(unit.text) <= max(chunk, max(map(len, text.splitlines(True))))
    # a word's offset in its chunk + chunk.offset is its index in the whole decoded text
    for unit in units:
        for match in re.finditer(r"NIR|Lefèvre|\d{4}", unit.text):
            start = unit.offset + match.start()
            assert text[start:match.end() + unit.offset] == match.group()
    assert result.stats["chars"] == len(text)


def test_crlf_offsets_index_raw_text(read_with, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"ligne un\r\nligne deux\r\nNIR ici\r\n")
    [unit] = read_with(TextReader(), path).texts
    assert unit.text == "ligne un\r\nligne deux\r\nNIR ici\r\n"
    assert unit.offset + unit.text.index("NIR") == 22


def test_bom_not_in_text(read_with, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Zoé".encode())
    result = read_with(TextReader(), path)
    assert [(u.text, u.offset) for u in result.texts] == [("Zoé", 0)]
    assert result.stats["encoding"] == "utf-8-sig"


@pytest.mark.parametrize("line, chunk, max_len", [
    # a single line over 4 x the chunk: cut at whitespace, chunks never longer than 4 x
    (" ".join(f"mot{i}" for i in range(400)), 50, 200),
    ("x" * 1000, 50, 200),  # no whitespace at all: hard cut at 4 x the chunk
    ("y" * 180 + "\nfin\n", 50, 200),  # a line between 1 and 4 x the chunk: kept whole
])
def test_long_lines(read_with, tmp_path, line, chunk, max_len):
    path = tmp_path / "long.txt"
    path.write_text(line, encoding="utf-8", newline="")
    units = read_with(TextReader(text_chunk_chars=chunk), path).texts
    assert "".join(u.text for u in units) == line
    assert all(len(u.text) <= max_len for u in units)
    if " " in line:
        assert all(u.text.endswith(" ") for u in units[:-1])


@pytest.mark.parametrize("name, data, reason", [
    ("binary.txt", b"\x00\x01\x02\x03\xff" * 200, "binary content, not text"),
    ("cut.log", "Zoé\n".encode() + b"." * 70000 + b"\xe9t\xe9\n", "invalid utf-8"),
])
def test_errors(read_with, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_with(TextReader(), path)
    assert info.value.reason == reason


def test_empty(read_with, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = read_with(TextReader(), path)
    assert result.texts == []
    assert result.stats["chars"] == 0
