"""HTML and XHTML: the visible text of a page, with the standard library's ``html.parser``.

* Sniffing: the decoded head starts (after whitespace, an XML declaration and comments) with
  ``<!DOCTYPE html`` or ``<html``; or the suffix is ``.html``/``.htm``/``.xhtml``/``.xht``
  (``read`` reports binary content). Web applications often export "Excel" files that are HTML
  tables: content beats extension, so those are read here.
* Encoding, in the order of the HTML Standard's encoding sniffing algorithm (§13.2.3.2): a
  byte-order mark; else a charset declared in the head (``<meta charset>``, ``<meta
  http-equiv="Content-Type" content="...; charset=...">``, or the XML declaration of an XHTML
  file), with the Encoding Standard's label rules (``iso-8859-1``, ``latin1`` and ``us-ascii``
  mean windows-1252; a declared UTF-16 means UTF-8); else detection by
  :func:`sentinelle.readers.encoding.detect` (UTF-8, else cp1252 and kin). One departure: a page
  declaring UTF-8 whose head is not valid UTF-8 (an old page saved in cp1252 under a copied
  template) is decoded with the detected encoding, so accented names survive. Bytes invalid in
  the chosen encoding become U+FFFD, as browsers do, instead of failing the page.
* What is kept: text a browser shows, with entities decoded (``&eacute;`` is é); not the content
  of ``script``, ``style`` and ``template`` (the ``title`` is read: browsers show it). Runs of
  ASCII whitespace collapse to one space (kept as is inside ``pre``/``textarea``; a no-break
  space stays); block elements (``p``, ``div``, ``li``, ``tr``, headings, ``br``...) end a line
  so words of two blocks never glue; table cells are separated by a tab. Values of text
  ``input`` fields are kept (a saved form holds personal data). The target of a ``mailto:`` or
  ``tel:`` link is personal data too: it is written after the link text as `` <target>`` unless
  the link text already shows it (same address, or the same last 9 digits).
* Offsets index that rendered text, chunked like plain text. The parser is fed in chunks of 1 MiB
  of bytes, so memory stays bounded on large pages.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import BinaryIO, ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, Unit
from sentinelle.readers.blocks import CHUNK_CHARS, chunk_units, link_target
from sentinelle.readers.encoding import CHUNK_BYTES, CONTROL_SHARE, detect, head_text, read_head

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_PROLOG = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
                     re.IGNORECASE | re.DOTALL)
_META = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.IGNORECASE)
#: Encoding Standard labels that Python's codec names do not map the same way
_WHATWG = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252",
           "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
           "iso-8859-9": "cp1254", "latin5": "cp1254", "x-user-defined": "cp1252",
           "tis-620": "cp874", "iso-8859-11": "cp874"}
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")

#: elements whose content is not shown
SKIPPED = frozenset({"script", "style", "template"})
#: elements without content (HTML Standard §13.1.2)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
#: elements that start and end a line (HTML Standard §15.3, "display: block" and kin)
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "listing", "main", "menu", "nav", "ol", "optgroup", "option", "p", "plaintext", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "title", "tr", "ul", "xmp",
})
CELLS = frozenset({"td", "th"})
PREFORMATTED = frozenset({"pre", "textarea", "listing", "xmp", "plaintext"})
#: input types whose ``value`` is text a person typed or a page filled in
TEXT_INPUTS = frozenset({"", "text", "email", "tel", "search", "hidden", "date", "number",
                         "url"})
_NOT_DIGIT = re.compile(r"\D")
#: ASCII whitespace (HTML Standard, Infra §4.6): what collapses; U+00A0 does not
_ASCII_SPACE = frozenset(" \t\n\f\r")
_ASCII_WHITESPACE = re.compile(r"[ \t\n\f\r]+")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def looks_html(head: bytes) -> bool:
    """True when the head starts like an HTML or XHTML document."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:256]:
        text = head_text(head) or ""
    else:
        text = head[:8192].decode("latin-1")
        if text.startswith("\xef\xbb\xbf"):
            text = text[3:]
    return _PROLOG.match(text[:8192]) is not None


def _label(name: bytes | str) -> str | None:
    """A Python codec name for a declared charset label, None when unknown."""
    label = (name.decode("ascii", "replace") if isinstance(name, bytes) else name).strip().lower()
    if label in _WHATWG:
        return _WHATWG[label]
    if label.startswith(("utf-16", "utf16", "ucs-2")):
        return "utf-8"  # Encoding Standard: a meta-declared UTF-16 means UTF-8
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def choose_encoding(head: bytes) -> tuple[str, int] | None:
    """(Python codec name, BOM length) for a page starting with ``head``; None when binary."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    declared = None
    match = _XML_DECL.match(head) or _META.search(head, 0, 64 * 1024)
    if match:
        declared = _label(match.group(1))
    found = detect(head)
    if declared is None:
        if found is None:
            return None
        return found.encoding, found.bom
    if declared == "utf-8" and found is not None and found.encoding != "utf-8":
        return found.encoding, 0  # declared UTF-8 but written in a single-byte code page
    return declared, 0


class _Renderer(HTMLParser):
    """Turns HTML into the rendered text described in the module docstring, piece by piece."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skip: list[str] = []
        self.pre = 0
        self.line_start = True
        self.space = False
        self.anchors: list[tuple[str | None, list[str]]] = []  # (link target, text shown)

    def take(self) -> list[str]:
        out, self.pieces = self.pieces, []
        return out

    def _write(self, text: str) -> None:
        if text:
            self.pieces.append(text)
            self.line_start = text.endswith("\n")
            for _, shown in self.anchors:
                if len(shown) < 64:
                    shown.append(text)

    def _newline(self) -> None:
        if not self.line_start:
            self._write("\n")
        self.space = False

    def _inline(self, text: str) -> None:
        """Collapsed text: one space between words, none at a line start (only ASCII whitespace
        collapses, as in CSS ``white-space: normal``; a no-break space stays)."""
        if text[:1] in _ASCII_SPACE:
            self.space = True
        words = " ".join(w for w in _ASCII_WHITESPACE.split(text) if w)
        if words:
            if self.space and not self.line_start:
                self._write(" ")
            self._write(words)
            self.space = text[-1:] in _ASCII_SPACE

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIPPED:
            self.skip.append(tag)
            return
        if self.skip:
            return
        if tag in BLOCKS:
            self._newline()
        if tag in PREFORMATTED:
            self.pre += 1
        if tag == "br":
            self._write("\n")
            self.space = False
        elif tag in CELLS:
            if not self.line_start:
                self._write("\t")
            self.space = False
        elif tag == "input":
            values = dict(attrs)
            if (values.get("type") or "").lower() in TEXT_INPUTS and values.get("value"):
                self.space = True
                self._inline(values["value"])
                self.space = True
        elif tag == "a":
            self.anchors.append((link_target(dict(attrs).get("href")), []))

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:  # XHTML <div/>, <script/>: an element opened and closed
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag in PREFORMATTED and self.pre:
            self.pre -= 1
        if tag == "a" and self.anchors:
            target, shown = self.anchors.pop()
            if target and not _shows("".join(shown), target):
                self.space = True
                self._inline(f"<{target}>")
        if tag in BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self._write(data)
            self.space = False
        else:
            self._inline(data)


def _shows(shown: str, target: str) -> bool:
    """True when a link's text already shows its target (same address, or same digits)."""
    if target.lower() in shown.lower():
        return True
    digits = _NOT_DIGIT.sub("", target)
    return len(digits) >= 6 and digits[-9:] in _NOT_DIGIT.sub("", shown)


class HtmlReader(Reader):
    """Reader of HTML/XHTML pages: the visible text in :class:`TextUnit` chunks."""

    name: ClassVar[str] = "html"
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm", ".xhtml", ".xht")

    def __init__(self, batch_rows: int = 5000, text_chunk_chars: int = CHUNK_CHARS):
        """``batch_rows`` is accepted because the registry builds every reader alike; HTML
        tables are read as text (cells separated by tabs)."""
        if text_chunk_chars < 1:
            raise ValueError("text_chunk_chars must be at least 1")
        self.batch_rows = batch_rows
        self.text_chunk_chars = text_chunk_chars

    def sniff(self, head: bytes, path: str) -> bool:
        return _suffix(path) in self.suffixes or looks_html(head)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        for key in ("rows", "columns", "chars"):
            stats.setdefault(key, 0)
        with source.open() as raw:
            head = read_head(raw)
            chosen = choose_encoding(head)
            if chosen is None:
                raise ReadError(path, "binary content, not HTML")
            encoding, bom = chosen
            stats["encoding"] = encoding
            decoder = codecs.getincrementaldecoder(encoding)("replace")
            preview = decoder.decode(head[bom:bom + 65536], final=False)
            if preview and len(_CONTROL.findall(preview)) > CONTROL_SHARE * len(preview):
                raise ReadError(path, "binary content, not HTML")
            decoder.reset()
            yield from chunk_units(self._pieces(raw, head[bom:], decoder, path), Location(path),
                                   self.text_chunk_chars, stats)

    @staticmethod
    def _pieces(raw: BinaryIO, first: bytes, decoder, path: str) -> Iterator[str]:
        parser = _Renderer()
        data = first
        try:
            while True:
                final = not data
                parser.feed(decoder.decode(data, final=final))
                yield from parser.take()
                if final:
                    break
                data = raw.read(CHUNK_BYTES)
            parser.close()
            yield from parser.take()
        except (ReadError, OSError):
            raise
        except Exception as exc:  # noqa: BLE001 - html.parser on a damaged page
            raise ReadError(path, f"malformed HTML ({type(exc).__name__})") from None
