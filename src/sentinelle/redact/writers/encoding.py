"""The encoding a text output is written in: the input's own, with its byte-order mark.

Detection is the readers' (:func:`sentinelle.readers.encoding.detect` on the first 64 KiB); a
UTF-8 guess made on a pure-ASCII head is confirmed on the whole file (the readers switch to
cp1252 when a later byte is not UTF-8, and so does the output). cp1252 is written as the WHATWG
windows-1252 the readers decode (the five undefined bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D
round-trip). A replacement character the encoding cannot hold (a fake name with ``Œ`` in
ISO 8859-1) is written without its accent, else as ``?``.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sentinelle.readers.encoding import _CP1252_TABLE, detect  # noqa: PLC2701 - one table
from sentinelle.readers.encoding import HEAD_BYTES

_CP1252_ENCODE = codecs.charmap_build(_CP1252_TABLE)


@dataclass(frozen=True, slots=True)
class OutputEncoding:
    """Codec and byte-order mark of an output text file."""

    codec: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        try:
            return self._encode(text)
        except UnicodeEncodeError:
            return b"".join(self._encode_char(c) for c in text)

    def _encode(self, text: str) -> bytes:
        if self.codec == "cp1252":
            return codecs.charmap_encode(text, "strict", _CP1252_ENCODE)[0]
        return text.encode(self.codec)

    def _encode_char(self, ch: str) -> bytes:
        try:
            return self._encode(ch)
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", ch)
                            if not unicodedata.combining(c))
            try:
                return self._encode(plain) if plain else self._encode("?")
            except UnicodeEncodeError:
                return self._encode("?")


def output_encoding(path: Path) -> OutputEncoding:
    """The encoding of the text file at ``path`` (raises nothing; binary heads give UTF-8)."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        found = detect(head)
        if found is None:
            return OutputEncoding("utf-8")
        codec = found.encoding
        if codec == "utf-8" and found.ascii_head:
            fh.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")("strict")
            try:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                codec = "cp1252"
    return OutputEncoding(codec, head[: found.bom])
