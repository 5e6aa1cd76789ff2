"""Word-processing documents: DOCX (Office Open XML, with python-docx) and ODT (OpenDocument,
with odfpy).

Sniffing (content beats extension; ZIP is shared with XLSX/ODS and plain archives, so only these
two formats are claimed):

* DOCX: a ZIP (``PK\\x03\\x04``) whose first members (local headers walked from the start of the
  head) include ``word/document.xml`` or a ``[Content_Types].xml`` naming a WordprocessingML main
  part (ISO/IEC 29500-2 §10.1.2.2, the content-types stream); or
  a ``.docx``/``.docm``/``.dotx``/``.dotm`` suffix on a ZIP or an OLE2 file (a password-protected
  DOCX is an OLE2 container: ``read`` reports it). DOC (Word 97, OLE2) is not read.
* ODT: a ZIP whose first member is ``mimetype`` holding ``application/vnd.oasis.opendocument.text``
  (ODF 1.2 part 3 §3.3: first member, stored uncompressed, so its bytes are in the head); or an
  ``.odt``/``.ott`` suffix on a ZIP.

What is read, as one rendered *decoded text* (blocks each ending with ``\\n``, table cells
separated by ``\\t``; :mod:`sentinelle.readers.blocks`), in this order: the body (paragraphs,
headings, list items, tables, text boxes, tracked insertions **and deletions** — deleted text is
still in the file), then headers and footers, footnotes and endnotes, comments, the targets of
``mailto:``/``tel:`` links (one per line), then the document properties (title, subject,
author, last modified by, keywords, description; one ``Key: value`` line each). Offsets index
that text. Whitespace inside an ODT paragraph is collapsed as ODF 1.2 §6.1.2 says.

A body table whose first row is a header (:func:`sentinelle.readers.blocks.header_like`) is
yielded as a :class:`TableUnit` at ``Location(path, sheet="table N")`` (N: 1-based rank among the
document's tables) so its columns are classified from their header; it is then not part of the
text. Other tables are text.

DOCX text is taken from the XML (python-docx opens the package and its parts) because
python-docx's ``Paragraph.text`` leaves out tracked insertions and deletions, fields, content
controls and text boxes. ODT: odfpy loads the document (its parser is defusedxml's); odfpy prints
a part it cannot parse to standard output, so that output is captured and turned into a
:class:`ReadError` (it holds document text: it is dropped, never shown).

Errors (one-line :class:`ReadError`): not a ZIP or truncated (no central directory), not a
DOCX/ODT package, malformed XML, encrypted (ODF ``manifest:encryption-data``; OLE2-wrapped DOCX),
XML parts larger than ``MAX_XML_BYTES`` once uncompressed (a decompression bomb). The whole
package is loaded in memory (python-docx and odfpy both do).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO, ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.archive import zip_head_entries
from sentinelle.readers.base import Reader, Source, Unit
from sentinelle.readers.blocks import (CHUNK_CHARS, chunk_units, header_like, link_target,
                                       table_text, table_unit)

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: largest total uncompressed size of a package's XML parts
MAX_XML_BYTES = 512 * 1024 * 1024
#: repetitions of a non-empty ODT table cell or row expanded at most (empty ones: once)
MAX_REPEAT = 1000

DOCX_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm")
ODT_SUFFIXES = (".odt", ".ott")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


@dataclass(frozen=True, slots=True)
class _Table:
    """A table as rows of cell texts; ``explicit``: the format marks row 0 as a header."""

    rows: list[list[str]]
    explicit: bool


def _units(blocks: list, path: str, batch_rows: int, chunk_chars: int,
           stats: dict) -> Iterator[Unit]:
    """Text units of the rendered blocks, with header tables as :class:`TableUnit`\\ s."""
    pieces: list[str] = []
    offset = 0
    table_no = 0
    for block in blocks:
        if isinstance(block, _Table):
            table_no += 1
            if header_like(block.rows, block.explicit):
                for unit in chunk_units(pieces, Location(path), chunk_chars, stats, offset):
                    offset += len(unit.text)
                    yield unit
                pieces = []
                unit = table_unit(block.rows, Location(path, sheet=f"table {table_no}"),
                                  batch_rows, stats)
                yield unit
                for _ in unit.batches:  # skip whatever the consumer left unread
                    pass
            else:
                pieces.append(table_text(block.rows))
        elif block:
            pieces.append(block)
    yield from chunk_units(pieces, Location(path), chunk_chars, stats, offset)


def _properties(pairs: list[tuple[str, str | None]]) -> str:
    return "".join(f"{k}: {' '.join(v.split())}\n" for k, v in pairs if v and v.strip())


def _zip_checks(raw: BinaryIO, path: str, kind: str) -> zipfile.ZipFile:
    """Open the package as a ZIP; ReadError when it is not one or is a decompression bomb."""
    try:
        archive = zipfile.ZipFile(raw)
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise ReadError(path, f"corrupt or truncated {kind} (not a readable ZIP package)") from None
    except (OSError, ValueError, EOFError) as exc:
        raise ReadError(path, f"corrupt or truncated {kind} ({type(exc).__name__})") from None
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > MAX_XML_BYTES:
        raise ReadError(path, f"{kind} XML parts too large once uncompressed "
                              f"({xml >> 20} MiB > {MAX_XML_BYTES >> 20} MiB)")
    return archive


#: main-part content types of WordprocessingML documents and templates (ECMA-376 part 1, §11.3.10)
_WORD_MAIN = re.compile(rb"application/vnd\.(?:openxmlformats-officedocument\.wordprocessingml"
                        rb"\.(?:document|template)|ms-word\.(?:document|template)\.macroEnabled)"
                        rb"(?:\.main)?\+xml", re.IGNORECASE)


def _is_docx_head(head: bytes) -> bool:
    """A ZIP head whose local headers, walked from the start, hold ``word/document.xml`` or a
    ``[Content_Types].xml`` naming a Word main part."""
    import zlib

    for name, method, data in zip_head_entries(head):
        if name == "word/document.xml":
            return True
        if name == "[Content_Types].xml":
            try:
                types = zlib.decompressobj(-15).decompress(data) if method == 8 else data
            except zlib.error:
                types = b""
            if _WORD_MAIN.search(types):
                return True
    # (no plain byte search of the head: a ZIP storing a DOCX uncompressed holds the same names)
    return False


# -- DOCX ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_P, _W_TBL, _W_TR, _W_TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_W_TEXT = {_W + "t", _W + "delText"}
_W_TAB = {_W + "tab", _W + "ptab"}
_W_BREAK = {_W + "br", _W + "cr"}
_W_TXBX = _W + "txbxContent"
_W_INSTR = {_W + "instrText", _W + "delInstrText"}
#: property elements: no text inside, and w:tabs (tab stops) must not become tabs
_W_SKIP = {_MC + "Fallback", _W + "pPr", _W + "rPr", _W + "tblPr", _W + "trPr", _W + "tcPr",
           _W + "sectPr", _W + "tblGrid", _W + "sdtPr", _W + "sdtEndPr"}
_W_ROW_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "del"}
_INSTR_LINK = re.compile(r'HYPERLINK\s+"((?:mailto|tel):[^"]+)"', re.IGNORECASE)


class _Docx:
    """Renders WordprocessingML parts (ECMA-376 part 1, §17) as blocks."""

    def __init__(self) -> None:
        self.links: list[str] = []

    def blocks(self, container, out: list) -> None:
        for child in container:
            tag = child.tag
            if tag == _W_P:
                self.paragraph(child, out)
            elif tag == _W_TBL:
                out.append(self.table(child))
            elif tag in _W_SKIP or not isinstance(tag, str):
                continue
            else:  # body, sdt, customXml, comments, footnotes, mc:AlternateContent/Choice ...
                self.blocks(child, out)

    def paragraph(self, p, out: list) -> None:
        parts: list[str] = []
        deferred: list = []
        self.inline(p, parts, deferred)
        text = "".join(parts)
        if text.strip():
            out.append(text + "\n")
        for box in deferred:  # text boxes anchored in the paragraph come after it
            self.blocks(box, out)

    def inline(self, el, parts: list[str], deferred: list) -> None:
        for child in el:
            tag = child.tag
            if tag in _W_TEXT:
                parts.append(child.text or "")
            elif tag in _W_TAB:
                parts.append("\t")
            elif tag in _W_BREAK:
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W_TXBX:
                deferred.append(child)
            elif tag in _W_INSTR:
                targets = map(link_target, _INSTR_LINK.findall(child.text or ""))
                self.links.extend(t for t in targets if t)
            elif tag in _W_SKIP or not isinstance(tag, str):
                continue
            else:
                self.inline(child, parts, deferred)

    def _rows(self, el) -> Iterator:
        for child in el:
            if child.tag == _W_TR:
                yield child
            elif child.tag in _W_ROW_WRAPPERS:
                yield from self._rows(child)

    def _cells(self, el) -> Iterator:
        for child in el:
            if child.tag == _W_TC:
                yield child
            elif child.tag in _W_ROW_WRAPPERS:
                yield from self._cells(child)

    def table(self, tbl) -> _Table:
        rows: list[list[str]] = []
        explicit = False
        for i, tr in enumerate(self._rows(tbl)):
            if i == 0:
                mark = tr.find(f"{_W}trPr/{_W}tblHeader")
                explicit = mark is not None and mark.get(_W + "val") not in ("0", "false", "off")
            cells: list[str] = []
            for tc in self._cells(tr):
                sub: list = []
                self.blocks(tc, sub)
                text = "".join(b if isinstance(b, str) else table_text(b.rows) for b in sub)
                span = tc.find(f"{_W}tcPr/{_W}gridSpan")
                try:
                    width = max(1, min(int(span.get(_W + "val")), 64)) if span is not None else 1
                except (TypeError, ValueError):
                    width = 1
                cells.append(text.strip())
                cells.extend([""] * (width - 1))
            rows.append(cells)
        return _Table(rows, explicit)


def _docx_blocks(raw: BinaryIO, path: str) -> list:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml
    from docx.package import Package

    archive = _zip_checks(raw, path, "DOCX")
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise ReadError(path, "not a DOCX package (no [Content_Types].xml)")
    raw.seek(0)
    try:
        package = Package.open(raw)
        main = package.main_document_part
    except KeyError:
        raise ReadError(path, "not a DOCX package (no main document part)") from None

    def root(part):
        element = getattr(part, "element", None)
        return element if element is not None else parse_xml(part.blob)

    document = root(main)
    if document.tag != _W + "document":
        raise ReadError(path, "not a DOCX package (main part is not a WordprocessingML document)")
    render = _Docx()
    blocks: list = []
    render.blocks(document, blocks)
    order = {RT.HEADER: 0, RT.FOOTER: 1, RT.FOOTNOTES: 2, RT.ENDNOTES: 3, RT.COMMENTS: 4}
    related = sorted(((order[r.reltype], str(r.target_part.partname), r.target_part)
                      for r in main.rels.values()
                      if not r.is_external and r.reltype in order), key=lambda t: t[:2])
    seen: set[str] = set()
    for _, name, part in related:
        if name not in seen:
            seen.add(name)
            render.blocks(root(part), blocks)
    for part in [main] + [p for _, _, p in related]:
        for rel in part.rels.values():
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                target = link_target(rel.target_ref)
                if target:
                    render.links.append(target)
    blocks.extend(f"{t}\n" for t in dict.fromkeys(render.links))
    props = package.core_properties
    blocks.append(_properties([
        ("Title", props.title), ("Subject", props.subject), ("Author", props.author),
        ("Last modified by", props.last_modified_by), ("Keywords", props.keywords),
        ("Comments", props.comments)]))
    return blocks


class DocxReader(Reader):
    """Reader of DOCX documents (python-docx): text units, and header tables as table units."""

    name: ClassVar[str] = "docx"
    suffixes: ClassVar[tuple[str, ...]] = DOCX_SUFFIXES

    def __init__(self, batch_rows: int = 5000, text_chunk_chars: int = CHUNK_CHARS):
        if batch_rows < 1 or text_chunk_chars < 1:
            raise ValueError("batch_rows and text_chunk_chars must be at least 1")
        self.batch_rows = batch_rows
        self.text_chunk_chars = text_chunk_chars

    def sniff(self, head: bytes, path: str) -> bool:
        if head.startswith(ZIP_MAGIC) and _is_docx_head(head):
            return True
        return _suffix(path) in self.suffixes and head.startswith((ZIP_MAGIC, OLE2_MAGIC))

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        for key in ("rows", "columns", "chars"):
            stats.setdefault(key, 0)
        stats["encoding"] = None
        with source.open() as raw:
            if raw.read(8).startswith(OLE2_MAGIC):
                raise ReadError(path, "password-protected or legacy Word file (OLE2 container, "
                                      "not a DOCX package): not read")
            raw.seek(0)
            try:
                blocks = _docx_blocks(raw, path)
            except ReadError:
                raise
            except RecursionError:
                raise ReadError(path, "DOCX XML nested too deeply") from None
            except Exception as exc:  # noqa: BLE001 - a damaged package is a ReadError
                raise ReadError(path, f"corrupt DOCX ({type(exc).__name__})") from None
        yield from _units(blocks, path, self.batch_rows, self.text_chunk_chars, stats)


# -- ODT -------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\r\n]+")


class _Odt:
    """Renders an odfpy element tree (ODF 1.2 part 1, §5 text, §9 tables) as blocks."""

    def __init__(self) -> None:
        from odf.namespaces import DRAWNS, OFFICENS, TABLENS, TEXTNS, XLINKNS

        self.P = {(TEXTNS, "p"), (TEXTNS, "h")}
        self.TABLE = (TABLENS, "table")
        self.S, self.TAB, self.BR = (TEXTNS, "s"), (TEXTNS, "tab"), (TEXTNS, "line-break")
        self.A = (TEXTNS, "a")
        # containers of paragraphs met inside a paragraph: rendered after it
        self.DEFER = {(OFFICENS, "annotation"), (TEXTNS, "note"), (DRAWNS, "frame"),
                      (DRAWNS, "custom-shape"), (DRAWNS, "text-box")}
        self.SKIP = {(TEXTNS, "sequence-decls"), (TEXTNS, "variable-decls"),
                     (TABLENS, "table-columns"), (TABLENS, "table-column"),
                     (TABLENS, "table-header-columns"), (OFFICENS, "forms")}
        self.HEADER_ROWS = (TABLENS, "table-header-rows")
        self.ROW_GROUPS = {(TABLENS, "table-rows"), (TABLENS, "table-row-group")}
        self.ROW = (TABLENS, "table-row")
        self.CELLS = {(TABLENS, "table-cell"), (TABLENS, "covered-table-cell")}
        self.TEXTNS, self.TABLENS, self.XLINKNS = TEXTNS, TABLENS, XLINKNS
        self.links: list[str] = []

    def blocks(self, node, out: list) -> None:
        for child in node.childNodes:
            if child.nodeType != 1:
                continue
            q = child.qname
            if q in self.P:
                parts: list[str] = []
                deferred: list = []
                self.inline(child, parts, deferred)
                text = "".join(parts).strip(" ")
                if text.strip():
                    out.append(text + "\n")
                for box in deferred:
                    self.blocks(box, out)
            elif q == self.TABLE:
                out.append(self.table(child))
            elif q not in self.SKIP:
                self.blocks(child, out)

    def inline(self, node, parts: list[str], deferred: list) -> None:
        for child in node.childNodes:
            if child.nodeType == 3:
                parts.append(_WHITESPACE.sub(" ", child.data))
                continue
            if child.nodeType != 1:
                continue
            q = child.qname
            if q == self.S:
                parts.append(" " * _count(child.getAttrNS(self.TEXTNS, "c"), 1000))
            elif q == self.TAB:
                parts.append("\t")
            elif q == self.BR:
                parts.append("\n")
            elif q in self.DEFER:
                deferred.append(child)
            else:
                if q == self.A:
                    target = link_target(child.getAttrNS(self.XLINKNS, "href"))
                    if target:
                        self.links.append(target)
                self.inline(child, parts, deferred)

    def table(self, tbl) -> _Table:
        rows: list[list[str]] = []
        explicit = [False]

        def walk(node) -> None:
            for child in node.childNodes:
                if child.nodeType != 1:
                    continue
                q = child.qname
                if q == self.HEADER_ROWS:
                    explicit[0] = explicit[0] or not rows
                    walk(child)
                elif q in self.ROW_GROUPS:
                    walk(child)
                elif q == self.ROW:
                    cells: list[str] = []
                    for cell in child.childNodes:
                        if cell.nodeType != 1 or cell.qname not in self.CELLS:
                            continue
                        sub: list = []
                        self.blocks(cell, sub)
                        text = "".join(b if isinstance(b, str) else table_text(b.rows)
                                       for b in sub).strip()
                        repeat = _count(cell.getAttrNS(self.TABLENS, "number-columns-repeated"),
                                        MAX_REPEAT)
                        cells.extend([text] * (repeat if text else min(repeat, 64)))
                    while cells and not cells[-1]:
                        cells.pop()
                    repeat = _count(child.getAttrNS(self.TABLENS, "number-rows-repeated"),
                                    MAX_REPEAT)
                    rows.extend([cells] * (repeat if cells else 1))

        walk(tbl)
        while rows and not rows[-1]:
            rows.pop()
        return _Table(rows, explicit[0])


def _count(value: str | None, cap: int) -> int:
    try:
        return max(1, min(int(value), cap)) if value else 1
    except ValueError:
        return 1


def _odf_text(node) -> str:
    if node.nodeType == 3:
        return node.data
    return "".join(_odf_text(c) for c in node.childNodes)


def _odt_blocks(raw: BinaryIO, path: str) -> list:
    from odf.namespaces import DCNS, METANS
    from odf.opendocument import load

    archive = _zip_checks(raw, path, "ODT")
    names = set(archive.namelist())
    if "mimetype" not in names or not archive.read("mimetype").startswith(ODT_MIMETYPE):
        raise ReadError(path, "not an ODT package (no OpenDocument text mimetype)")
    manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise ReadError(path, "encrypted ODT (password required)")
    if "content.xml" not in names:
        raise ReadError(path, "not an ODT package (no content.xml)")
    raw.seek(0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # odfpy prints parts it cannot parse
        doc = load(raw)
    if printed.tell():
        printed.close()  # document text: dropped unread
        raise ReadError(path, "corrupt ODT (an XML part is not well-formed)")
    if getattr(doc, "text", None) is None:
        raise ReadError(path, "corrupt ODT (no text body)")
    render = _Odt()
    blocks: list = []
    render.blocks(doc.text, blocks)
    render.blocks(doc.masterstyles, blocks)  # headers and footers of the master pages
    blocks.extend(f"{t}\n" for t in dict.fromkeys(render.links))
    wanted = [((DCNS, "title"), "Title"), ((DCNS, "subject"), "Subject"),
              ((METANS, "initial-creator"), "Author"), ((DCNS, "creator"), "Last modified by"),
              ((METANS, "keyword"), "Keywords"), ((DCNS, "description"), "Comments")]
    found: dict[str, list[str]] = {}
    for child in doc.meta.childNodes:
        if child.nodeType == 1:
            for q, label in wanted:
                if child.qname == q:
                    found.setdefault(label, []).append(_odf_text(child))
    blocks.append(_properties([(label, ", ".join(found[label]))
                               for _, label in wanted if label in found]))
    return blocks


class OdtReader(Reader):
    """Reader of ODT documents (odfpy): text units, and header tables as table units."""

    name: ClassVar[str] = "odt"
    suffixes: ClassVar[tuple[str, ...]] = ODT_SUFFIXES

    def __init__(self, batch_rows: int = 5000, text_chunk_chars: int = CHUNK_CHARS):
        if batch_rows < 1 or text_chunk_chars < 1:
            raise ValueError("batch_rows and text_chunk_chars must be at least 1")
        self.batch_rows = batch_rows
        self.text_chunk_chars = text_chunk_chars

    def sniff(self, head: bytes, path: str) -> bool:
        if head.startswith(ZIP_MAGIC) and len(head) >= 30:
            name_len = int.from_bytes(head[26:28], "little")
            extra_len = int.from_bytes(head[28:30], "little")
            if head[30:30 + name_len] == b"mimetype":
                data = 30 + name_len + extra_len
                return head[data:data + len(ODT_MIMETYPE)] == ODT_MIMETYPE
        return _suffix(path) in self.suffixes and head.startswith(ZIP_MAGIC)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        for key in ("rows", "columns", "chars"):
            stats.setdefault(key, 0)
        stats["encoding"] = None
        with source.open() as raw:
            try:
                blocks = _odt_blocks(raw, path)
            except ReadError:
                raise
            except RecursionError:
                raise ReadError(path, "ODT XML nested too deeply") from None
            except Exception as exc:  # noqa: BLE001 - a damaged package is a ReadError
                raise ReadError(path, f"corrupt ODT ({type(exc).__name__})") from None
        yield from _units(blocks, path, self.batch_rows, self.text_chunk_chars, stats)
