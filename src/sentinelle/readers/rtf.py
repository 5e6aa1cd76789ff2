"""RTF: the text of a Rich Text Format document, with striprtf.

* Sniffing: the file starts with ``{\\rtf`` (RTF 1.9.1 specification: "an entire RTF file is a
  group" opened by ``{\\rtfN``), after an optional UTF-8 BOM and whitespace; or an ``.rtf`` suffix
  (``read`` reports what is wrong).
* Decoding: RTF is 7-bit ASCII by the specification; 8-bit bytes written raw by some tools are
  decoded with the document's ``\\ansicpgN`` code page (cp1252 when absent, as Word assumes).
  ``\\'hh`` escapes are decoded by striprtf with the code page of the current font's
  ``\\fcharset`` (else ``\\ansicpg``), ``\\uN`` escapes as UTF-16 code units (negative N is
  N + 65536; a surrogate pair becomes one character), skipping the ``\\ucN`` fallback characters.
  A byte undefined in its code page becomes U+FFFD instead of failing the document.
* Text kept beyond the body: headers and footers (``\\header``, ``\\footer`` and their l/r/f
  variants), footnotes, comments (``\\annotation``), and the ``\\info`` group's title, subject,
  author, operator (last editor), keywords and comments. striprtf drops these as
  "destinations"; this reader renames them to ``\\par`` before handing the text over, so they
  appear as paragraphs where they sit in the file. ``HYPERLINK "mailto:..."`` fields keep their
  target after the link text (striprtf's own rule).
* Binary blobs (``\\pict``, ``\\objdata``, ``\\datastore``, ``\\themedata``,
  ``\\colorschememapping``, ``\\fontemb``, ``\\fontfile`` groups: hexadecimal image and object
  data) are cut out before striprtf, which would otherwise walk them one character at a time.
* Offsets index the text striprtf renders (``\\par`` and ``\\line`` are ``\\n``, ``\\tab`` is
  ``\\t``, a table cell ends with ``|``), chunked like plain text.
* Errors: content that is not text (control bytes) is a :class:`ReadError`; a truncated file
  (groups left open at the end) is read, its text scanned, then reported as a ReadError
  ``truncated RTF`` so the loss is visible.
* The whole file is read in memory; files over ``MAX_RTF_BYTES`` are refused.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, Unit
from sentinelle.readers.blocks import CHUNK_CHARS, chunk_units

#: largest RTF file read (bytes)
MAX_RTF_BYTES = 512 * 1024 * 1024
#: share of control bytes above which the content is not RTF text
CONTROL_SHARE = 0.10

_BOM = codecs.BOM_UTF8
_ANSICPG = re.compile(rb"\\ansicpg(\d{1,5})")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# an unescaped control word (an even number of backslashes before it)
_PREFIX = r"(?<!\\)((?:\\\\)*)"
_KEPT_DESTINATIONS = re.compile(
    _PREFIX + r"\\(?:\*\\)?(?:header[lrf]?|footer[lrf]?|footnote|annotation|info|title|subject"
    r"|author|operator|keywords|doccomm)(?![a-zA-Z])")
_BLOB_START = re.compile(
    r"\{(?:\\\*)?\\(?:pict|objdata|datastore|themedata|colorschememapping|fontemb|fontfile)"
    r"(?![a-zA-Z])")
_BRACE = re.compile(r"\\[\\{}]|[{}]")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _group_end(text: str, start: int) -> int:
    """Index just after the group opened at ``text[start]`` (``len(text)`` when left open)."""
    depth = 0
    for match in _BRACE.finditer(text, start):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(text)


def drop_blobs(text: str) -> str:
    """``text`` without its picture, object and theme data groups (see the module docstring)."""
    if "\\bin" in text:
        return text  # raw binary may hold braces: leave those files to striprtf's own handling
    parts = []
    pos = 0
    for match in _BLOB_START.finditer(text):
        if match.start() < pos:
            continue  # inside a group already dropped
        parts.append(text[pos:match.start()])
        pos = _group_end(text, match.start())
    parts.append(text[pos:])
    return "".join(parts)


def open_groups(text: str) -> int:
    """Groups still open at the end of ``text`` (0 for a complete document)."""
    depth = 0
    for match in _BRACE.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                return 0  # the document group is closed; what follows is ignored
    return depth


def _code_page(data: bytes) -> str:
    match = _ANSICPG.search(data, 0, 64 * 1024)
    if match:
        name = f"cp{int(match.group(1))}"
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    return "cp1252"


def rtf_text(data: bytes) -> tuple[str, str]:
    """(rendered text, code page) of an RTF document given as bytes."""
    from striprtf.striprtf import rtf_to_text

    if data.startswith(_BOM):
        data = data[len(_BOM):]
    code_page = _code_page(data)
    source = data.decode(code_page, errors="replace")
    source = _KEPT_DESTINATIONS.sub(lambda m: m.group(1) + "\\par", drop_blobs(source))
    text = rtf_to_text(source, encoding=code_page, errors="replace")
    if any("\ud800" <= c <= "\udfff" for c in text):  # \uN pairs: one character each
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text, code_page


class RtfReader(Reader):
    """Reader of RTF documents (striprtf): the rendered text in :class:`TextUnit` chunks."""

    name: ClassVar[str] = "rtf"
    suffixes: ClassVar[tuple[str, ...]] = (".rtf",)

    def __init__(self, batch_rows: int = 5000, text_chunk_chars: int = CHUNK_CHARS):
        """``batch_rows`` is accepted because the registry builds every reader alike; RTF
        tables are read as text."""
        if text_chunk_chars < 1:
            raise ValueError("text_chunk_chars must be at least 1")
        self.batch_rows = batch_rows
        self.text_chunk_chars = text_chunk_chars

    def sniff(self, head: bytes, path: str) -> bool:
        if head.startswith(_BOM):
            head = head[len(_BOM):]
        return head.lstrip().startswith(b"{\\rtf") or _suffix(path) in self.suffixes

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        for key in ("rows", "columns", "chars"):
            stats.setdefault(key, 0)
        if source.size > MAX_RTF_BYTES:
            raise ReadError(path, f"RTF file too large ({source.size >> 20} MiB > "
                                  f"{MAX_RTF_BYTES >> 20} MiB)")
        parts: list[bytes] = []
        total = 0
        with source.open() as raw:
            while block := raw.read(1 << 20):  # (read(MAX + 1) would allocate MAX bytes at once)
                parts.append(block)
                total += len(block)
                if total > MAX_RTF_BYTES:
                    raise ReadError(path, f"RTF file too large (> {MAX_RTF_BYTES >> 20} MiB)")
        data = b"".join(parts)
        del parts
        body = data[len(_BOM):] if data.startswith(_BOM) else data
        if not body.lstrip().startswith(b"{\\rtf"):
            raise ReadError(path, "not an RTF document (no {\\rtf header)", "byte 0")
        head = body[:64 * 1024].decode("latin-1")
        if len(_CONTROL.findall(head)) > CONTROL_SHARE * len(head):
            raise ReadError(path, "binary content, not RTF text")
        try:
            text, code_page = rtf_text(data)
        except RecursionError:
            raise ReadError(path, "RTF nested too deeply") from None
        except Exception as exc:  # noqa: BLE001 - striprtf on a damaged file
            raise ReadError(path, f"corrupt RTF ({type(exc).__name__})") from None
        stats["encoding"] = code_page
        yield from chunk_units([text], Location(path), self.text_chunk_chars, stats)
        left_open = open_groups(body.decode("latin-1"))
        if left_open:
            raise ReadError(path, f"truncated RTF ({left_open} groups not closed at end of "
                                  "file); the text before the cut was scanned")
