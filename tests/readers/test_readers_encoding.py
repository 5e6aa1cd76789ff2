"""Encoding detection and the streaming decoder (sentinelle.readers.encoding)."""

from __future__ import annotations

import codecs
import io

import pytest

from sentinelle.errors import ReadError
from sentinelle.readers.encoding import HEAD_BYTES, DecodedStream, detect

FRENCH = "nom;prénom;ville\nLefèvre;Zoé;Besançon\nGarçon;Hélène;Orléans\n"


@pytest.mark.parametrize("data, encoding, bom", [
    (FRENCH.encode("utf-8"), "utf-8", 0),
    (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8", 3),
    # cp1252 is preferred to latin-1: same letters, and the euro sign where latin-1 has a control
    (("Montant: 12 €, café\n" + FRENCH).encode("cp1252"), "cp1252", 0),
    (FRENCH.encode("latin-1"), "cp1252", 0),
    (b"\xff\xfe" + FRENCH.encode("utf-16-le"), "utf-16-le", 2),
    (b"\xfe\xff" + FRENCH.encode("utf-16-be"), "utf-16-be", 2),
    # no BOM, but the NULs of ASCII letters sit on odd bytes only
    (FRENCH.encode("utf-16-le"), "utf-16-le", 0),
    (b"plain ascii\n", "utf-8", 0),
    (b"", "utf-8", 0),  # empty: text, not an error
])
def test_detect(data, encoding, bom):
    found = detect(data)
    assert found is not None
    assert (found.encoding, found.bom) == (encoding, bom)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4,  # zip-like, NULs everywhere
    b"%PDF-1.4\n\x00\x01\x02\x03binary\x00\x00\x00stream",
    bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19]) * 20,  # control characters, no NUL
    b"\x00\xff" * 500,  # NULs on one parity, but not UTF-16 text ("\u00ff" * 500)
])
def test_detect_binary(data):
    assert detect(data) is None


def decode_all(data: bytes, chunk_bytes: int = 7) -> tuple[str, str]:
    stream = DecodedStream(io.BytesIO(data), "f.txt", chunk_bytes=chunk_bytes)
    return "".join(stream.chunks()), stream.encoding


@pytest.mark.parametrize("text, encoding, label", [
    (FRENCH * 3000, "utf-8", "utf-8"),  # beyond the head, multibyte chars cut between blocks
    (FRENCH * 3000, "utf-8-sig", "utf-8-sig"),
    (FRENCH * 3000, "cp1252", "cp1252"),
    (FRENCH * 3000, "utf-16", "utf-16-le"),  # Python writes a BOM, little endian here
])
def test_stream_round_trip(text, encoding, label):
    decoded, found = decode_all(text.encode(encoding), chunk_bytes=4099)
    assert decoded == text  # BOM dropped, nothing else changed
    assert found == label


def test_stream_keeps_crlf_and_cr():
    text = "a\r\nb\rc\n\r\n"
    assert decode_all(text.encode())[0] == text


def test_lines_keep_ends_even_when_crlf_is_cut_between_blocks():
    text = "un\r\ndeux\rtrois\nquatre\r\n" * 50 + "fin"
    stream = DecodedStream(io.BytesIO(text.encode()), "f.txt", chunk_bytes=3)
    lines = list(stream.lines())
    assert "".join(lines) == text
    assert lines[:4] == ["un\r\n", "deux\r", "trois\n", "quatre\r\n"]


def test_ascii_head_then_cp1252_switches_encoding():
    # a French export that is pure ASCII for more than the head, then cp1252
    data = b"x;y\n" * (HEAD_BYTES // 4 + 10) + "Zoé;€\n".encode("cp1252")
    decoded, found = decode_all(data, chunk_bytes=4096)
    assert decoded.endswith("Zoé;€\n")
    assert found == "cp1252"


@pytest.mark.parametrize("data, reason, position", [
    # UTF-8 (decided on the head) with a bad byte beyond the head: the absolute byte is reported
    ("é\n".encode() + b"a" * HEAD_BYTES + b"\xc3(" + b"b" * 10, "invalid utf-8",
     f"byte {3 + HEAD_BYTES}"),
    ("é\n".encode() + b"a" * HEAD_BYTES + b"\xff", "invalid utf-8", f"byte {3 + HEAD_BYTES}"),
    # cut in the middle of "é" (2 bytes) at the very end
    ("Zoé\n".encode() + "é".encode()[:1], "truncated utf-8 sequence at end of file", "byte 5"),
    # UTF-16 with an odd number of bytes
    (b"\xff\xfe" + "ab".encode("utf-16-le") + b"c", "truncated UTF-16 sequence at end of file",
     "byte 6"),
])
def test_stream_errors(data, reason, position):
    with pytest.raises(ReadError) as info:
        decode_all(data)
    assert info.value.reason.lower() == reason.lower()
    assert info.value.position == position
    assert "\n" not in str(info.value)


def test_binary_stream_is_one_line_error():
    with pytest.raises(ReadError) as info:
        DecodedStream(io.BytesIO(b"\x00\x01\x02\x03" * 100), "x.csv")
    assert info.value.reason == "binary content, not text"
    assert str(info.value) == "x.csv: binary content, not text"


# -- more encodings (issue 4): UTF-32 BOM, UTF-16 BE without BOM, DOS and Mac code pages, latin-1

@pytest.mark.parametrize("data, encoding, bom", [
    (codecs.BOM_UTF32_LE + FRENCH.encode("utf-32-le"), "utf-32-le", 4),
    (codecs.BOM_UTF32_BE + FRENCH.encode("utf-32-be"), "utf-32-be", 4),
    # no BOM, big endian: the NULs of ASCII letters sit on even bytes only
    (FRENCH.encode("utf-16-be"), "utf-16-be", 0),
    # a DOS export: cp850 puts é, è, ç in 0x80-0x9F
    (FRENCH.encode("cp850"), "cp850", 0),
    (FRENCH.encode("mac_roman"), "mac-roman", 0),
    # ISO 8859-1 text with a byte cp1252 leaves undefined (0x90): latin-1, not cp1252
    ((FRENCH * 20).encode("latin-1") + b"\x90", "latin-1", 0),
    # a short ISO 8859-1 head with one undefined byte (0x8D): its letters in 0xC0-0xFF outnumber
    # the 0x80-0x9F bytes, so it is Latin, not cp850 (where they would read as box drawing)
    (("Réf. \x8d " + FRENCH * 3).encode("latin-1"), "latin-1", 0),
])
def test_detect_more_encodings(data, encoding, bom):
    found = detect(data)
    assert found is not None
    assert (found.encoding, found.bom) == (encoding, bom)


@pytest.mark.parametrize("text, encoding, label", [
    (FRENCH * 3000, "utf-32", "utf-32-le"),            # Python writes a BOM, little endian here
    (FRENCH * 3000, "utf-16-be", "utf-16-be"),          # no BOM
    ("ligne\r\nautre\rfin\n" * 5000, "utf-16-le", "utf-16-le"),   # line ends kept, no BOM
    # cp1252 decided on the head; a byte cp1252 leaves undefined 120 KB later decodes as in the
    # WHATWG Encoding Standard (0x90 -> U+0090), the whole file is not failed for it
    ((FRENCH * 2000) + "\x90", "latin-1", "cp1252"),
])
def test_stream_round_trip_more(text, encoding, label):
    decoded, found = decode_all(text.encode(encoding), chunk_bytes=4097)  # odd: cuts characters
    assert decoded == text
    assert found == label


def test_utf32_truncated_is_one_line_error():
    data = codecs.BOM_UTF32_LE + "Zoé".encode("utf-32-le") + b"\x00\x00"
    with pytest.raises(ReadError) as info:
        decode_all(data)
    assert (info.value.reason, info.value.position) == (
        "truncated UTF-32 sequence at end of file", "byte 16")
