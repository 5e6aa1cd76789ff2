"""Decoding helpers shared by the readers: encoding detection and a streaming decoder.

Detection (:func:`detect`) looks at the head of a source (its first 64 KiB):

1. a byte-order mark decides (UTF-8, UTF-32 LE/BE, UTF-16 LE/BE); the BOM is not part of the text;
2. NUL bytes without a BOM: UTF-16 when the NULs sit on one parity only and the decoded head is
   mostly printable ASCII (UTF-16 without BOM), else binary;
3. a strict UTF-8 decode of the head (a character cut by the end of the head is allowed);
4. else ``charset_normalizer`` restricted to Western single-byte code pages; cp1252 is preferred
   to latin-1 / ISO 8859-15 (it is what Windows exports write; latin-1 when a byte undefined in
   cp1252 is present), and to cp850 / mac-roman unless the head holds bytes 0x80-0x9F (where
   those code pages put their accented letters) and more of them than bytes 0xC0-0xFF (where
   latin-1 and cp1252 put theirs);
5. a decoded head with a high share of control characters is binary.

:class:`DecodedStream` then streams the whole source as text with an incremental decoder. Nothing is
normalised (no newline translation); only a leading BOM is dropped, so offsets index the decoded
text after the BOM exactly. Invalid bytes raise :class:`ReadError` with their byte position.
One tolerance: a UTF-8 guess made on a pure-ASCII head switches to cp1252 when the first non-ASCII
byte found later is not UTF-8 (everything decoded so far was ASCII, identical in both), because
a French export that is ASCII for 64 KiB and cp1252 afterwards is common; by the same rule a
whole file (shorter than the head) that is ASCII but for an incomplete UTF-8 sequence at its very
end is single-byte text (``Vitr\xe9`` with no line end is cp1252 ``Vitré``), not cut UTF-8. And
cp1252 is streamed as the WHATWG Encoding Standard's windows-1252, which decodes every byte (the
five bytes Python's codec leaves undefined become the C1 control of the same value).

A source cut in the middle of a character (a truncated UTF-8 export) raises "truncated ...
sequence at end of file" with the byte position of the cut sequence; a reader that keeps what
was read before the cut opens the stream with ``cut_end=True``: the stream then ends normally
before the cut bytes and ``cut_at`` holds their position, for the reader to raise
:meth:`DecodedStream.cut_error` once the text before it has been used.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from sentinelle.errors import ReadError

#: bytes looked at to detect the encoding and sniff the format
HEAD_BYTES = 64 * 1024
#: bytes read from the source per decode step
CHUNK_BYTES = 1 << 20
#: share of control characters in the decoded head above which a source is binary
CONTROL_SHARE = 0.10

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: code pages charset_normalizer may choose among when the head is not UTF-8
_SINGLE_BYTE = ["cp1252", "latin_1", "iso8859_15", "cp850", "mac_roman"]
_LATIN = {"latin_1", "iso8859_1", "iso8859_15", "cp1252"}
_LABELS = {"utf-8": "utf-8", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
           "utf-32-le": "UTF-32", "utf-32-be": "UTF-32"}
# control characters that make text look binary (tab, newlines, form feed, ESC, SUB allowed)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


#: cp1252 as the WHATWG Encoding Standard defines windows-1252 (index-windows-1252): the five
#: bytes Python's codec leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to the C1 code
#: point of the same value, as browsers and Windows do, so one stray byte far beyond the head
#: does not fail a whole cp1252 file (detection on the head stays strict: latin-1 there)
_CP1252_TABLE = "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                        else bytes([b]).decode("cp1252") for b in range(256))


class _Cp1252Decoder(codecs.IncrementalDecoder):
    """Incremental WHATWG windows-1252 decoder (single-byte: no state between calls)."""

    def decode(self, input, final=False):  # noqa: A002 - codecs' signature
        return codecs.charmap_decode(input, self.errors, _CP1252_TABLE)[0]


def _stream_decoder(encoding: str) -> codecs.IncrementalDecoder:
    if encoding == "cp1252":
        return _Cp1252Decoder("strict")
    return codecs.getincrementaldecoder(encoding)("strict")


@dataclass(frozen=True, slots=True)
class Detection:
    """Python codec name, BOM length in bytes, and whether the head held only ASCII bytes."""

    encoding: str
    bom: int = 0
    ascii_head: bool = False

    @property
    def label(self) -> str:
        """The name reported in stats: ``utf-8-sig`` for UTF-8 with a BOM."""
        if self.encoding == "utf-8" and self.bom:
            return "utf-8-sig"
        return self.encoding


def _decodes(data: bytes, encoding: str) -> str | None:
    """Strict decode of a head, allowing a character cut at its end; None when invalid."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(head: bytes) -> str | None:
    pairs = len(head) // 2
    if pairs == 0:
        return None
    even = head[0::2].count(0) / pairs
    odd = head[1::2].count(0) / pairs
    if odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def _single_byte(head: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=_SINGLE_BYTE).best()
    name = best.encoding if best is not None else "cp1252"
    c1 = sum(0x80 <= b <= 0x9F for b in head)
    # Latin letters À-ÿ (0xC0-0xFF in latin-1 / cp1252) outnumbering the bytes 0x80-0x9F: a
    # Western Windows or ISO text with a few stray bytes, not cp850 / mac-roman, which put their
    # accented letters in 0x80-0x9F and rarely use 0xC0-0xFF (box drawing, Greek)
    latin_letters = sum(b >= 0xC0 for b in head)
    if name in _LATIN or not c1 or latin_letters > c1:
        # cp1252 == latin-1 on 0xA0-0xFF; it only differs (in its favour) on 0x80-0x9F
        if _decodes(head, "cp1252") is not None:
            return "cp1252"
        return "latin-1"
    return codecs.lookup(name).name


def detect(head: bytes) -> Detection | None:
    """The encoding of a source starting with ``head``, or None when the head looks binary."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            found = Detection(encoding, len(bom))
            break
    else:
        if b"\x00" in head:
            encoding = _utf16_without_bom(head)
            if encoding is None:
                return None
            text = _decodes(head, encoding)
            # the NUL pattern alone is not enough (b"\x00\xff" * n): most characters of text
            # written in UTF-16 without BOM by Western tools are printable ASCII
            if not text or sum(c.isascii() and (c.isprintable() or c.isspace())
                               for c in text) < 0.5 * len(text):
                return None
            found = Detection(encoding)
        elif _decodes(head, "utf-8") is not None:
            found = Detection("utf-8", ascii_head=head.isascii())
        else:
            found = Detection(_single_byte(head))
    text = _decodes(head[found.bom:], found.encoding)
    if text is None:
        return None
    if text and len(_CONTROL.findall(text)) > CONTROL_SHARE * len(text):
        return None
    return found


def _ascii_then_cut(data: bytes) -> bool:
    """``data`` is ASCII but for an incomplete UTF-8 sequence ending it (b"Vitr\xe9")."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # the incremental decode allows the tail: the only fault is the sequence it starts
        return data[:exc.start].isascii() and _decodes(data, "utf-8") is not None
    return False


def head_text(head: bytes) -> str | None:
    """The decoded head without BOM (a character cut at the end dropped), None if binary."""
    found = detect(head)
    if found is None:
        return None
    return _decodes(head[found.bom:], found.encoding)


def read_head(raw: BinaryIO, size: int = HEAD_BYTES) -> bytes:
    """Read up to ``size`` bytes (looping: archive members may return short reads)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        data = raw.read(size - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


class DecodedStream:
    """A binary source streamed as text. ``encoding`` (stats label) and ``chars`` (characters
    decoded so far) are public. Raises :class:`ReadError` on binary content or invalid bytes."""

    def __init__(self, raw: BinaryIO, path: str, chunk_bytes: int = CHUNK_BYTES,
                 cut_end: bool = False):
        self.path = path
        self._raw = raw
        self._chunk_bytes = chunk_bytes
        self._cut_end = cut_end
        #: byte position of an incomplete sequence ending the source (``cut_end=True`` only)
        self.cut_at: int | None = None
        self._head = read_head(raw)
        found = detect(self._head)
        if found is None:
            raise ReadError(path, "binary content, not text")
        if (found.encoding == "utf-8" and not found.bom and len(self._head) < HEAD_BYTES
                and _ascii_then_cut(self._head)):
            # the whole file is ASCII but for an incomplete sequence at its end: no UTF-8
            # evidence, single-byte text (as the switch in chunks() decides for longer files)
            found = Detection(_single_byte(self._head))
        self._found = found
        self.encoding = found.label
        self.chars = 0

    def preview(self) -> str:
        """The decoded head (first 64 KiB, BOM dropped), for sniffing; call before streaming."""
        return _decodes(self._head[self._found.bom:], self._found.encoding) or ""

    def _blocks(self) -> Iterator[bytes]:
        if len(self._head) > self._found.bom:
            yield self._head[self._found.bom:]
        self._head = b""
        while True:
            data = self._raw.read(self._chunk_bytes)
            if not data:
                return
            yield data

    def cut_error(self) -> ReadError | None:
        """The "truncated ... at end of file" error of a source cut mid-character (``cut_at``
        set), else None."""
        if self.cut_at is None:
            return None
        return self._error(self._found.encoding, self.cut_at, True)

    def _error(self, encoding: str, position: int, at_end: bool) -> ReadError:
        label = _LABELS.get(encoding, encoding)
        if at_end:
            return ReadError(self.path, f"truncated {label} sequence at end of file",
                             f"byte {position}")
        return ReadError(self.path, f"invalid {label}", f"byte {position}")

    def chunks(self) -> Iterator[str]:
        """Decoded text, chunk by chunk (one chunk per block of bytes read)."""
        encoding = self._found.encoding
        decoder = _stream_decoder(encoding)
        may_switch = self._found.ascii_head  # utf-8 guessed on ASCII only: cp1252 still possible
        position = self._found.bom  # absolute offset of the next byte fed to the decoder
        blocks = self._blocks()
        while True:
            data = next(blocks, None)
            final = data is None
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(b"" if final else data, final=final)
            except UnicodeDecodeError as exc:
                start = position - pending
                if may_switch and exc.object[:exc.start].isascii():
                    encoding = "cp1252"
                    self.encoding = encoding
                    decoder = _stream_decoder(encoding)
                    may_switch = False
                    try:
                        text = decoder.decode(exc.object, final=final)
                    except UnicodeDecodeError as exc2:
                        raise self._error(encoding, start + exc2.start, False) from None
                elif final and self._cut_end:
                    self.cut_at = start + exc.start  # the text before the cut was yielded
                    return
                else:
                    raise self._error(encoding, start + exc.start, final) from None
            if not final:
                position += len(data)
            if may_switch and not text.isascii():
                may_switch = False  # real UTF-8 was decoded: no switching any more
            if text:
                self.chars += len(text)
                yield text
            if final:
                return

    def lines(self) -> Iterator[str]:
        """Decoded lines with their line ends kept (``\\r\\n``, ``\\r`` or ``\\n``)."""
        rest = ""
        for chunk in self.chunks():
            buf = rest + chunk
            end = 0
            for match in _LINE.finditer(buf):
                if match.end() == len(buf) and buf.endswith("\r"):
                    break  # a "\r" at the end of a chunk may be the first half of "\r\n"
                yield match.group()
                end = match.end()
            rest = buf[end:]
        if rest:
            yield rest
