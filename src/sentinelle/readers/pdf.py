"""PDF: the text layer, page by page, with pypdf.

* Sniffing: the file starts with ``%PDF-`` (ISO 32000-1 §7.5.2), or has a ``.pdf`` suffix; then
  ``read`` accepts the header anywhere in the first 1024 bytes, after junk, as Acrobat does.
* One :class:`TextUnit` per page that has text, ``Location(path, page=N)`` with N 1-based, and
  ``offset`` 0: **a finding's start/end are offsets in the text of its page**, as pypdf's
  ``PageObject.extract_text()`` renders it, followed (after a ``\\n``) by the page's form-field
  values and annotation texts (sticky notes, free text), one per line, because filled forms and
  reviewers' notes hold personal data that is not in the text layer.
* The document information dictionary (``/Title``, ``/Author``, ``/Subject``, ``/Keywords``)
  comes last as one unit at ``Location(path)`` (page None), one ``Key: value`` line
  each, offsets in that text: report titles and authors often name a person.
* A page without text (a scanned page with no OCR layer) is not an error: it is counted in
  ``stats["pages_without_text"]`` (``stats["pages"]`` counts all pages). OCR is out of scope.
* Encrypted PDFs: pypdf tries the empty user password (many PDFs are encrypted only to restrict
  printing or copying, with an empty user password); AES needs the ``cryptography`` package (a
  runtime dependency). When the empty password does not open the file: one-line
  :class:`ReadError` ``encrypted PDF (password required)``.
* Corrupt or truncated files: :class:`ReadError`. A page whose text cannot be extracted does not
  stop the others: they are read and scanned, then one ReadError names the first bad page and
  counts the rest. pypdf reads in non-strict mode, so a damaged file whose pages can still be
  found is read.
  pypdf's log messages and warnings about a damaged file are counted in ``stats["warnings"]``
  instead of being printed.
* Memory: pypdf reads the cross-reference table, then one page at a time from the (seekable)
  stream; the cache of parsed objects is emptied after each page, so memory stays bounded by the
  largest page whatever the number of pages (``bench/bench_readers_documents.py`` measures it).
"""

from __future__ import annotations

import logging
import re
import warnings
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TextUnit, Unit
from sentinelle.readers.encoding import read_head

#: bytes in which the ``%PDF-`` header is looked for
HEADER_WINDOW = 1024
#: document information keys read, in this order (ISO 32000-1 §14.3.3, table 317)
INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords")
#: a pypdf message is quoted in a ReadError only when it is plain words (no data, no numbers)
_PLAIN_MESSAGE = re.compile(r"[A-Za-z][A-Za-z /'-]{0,79}")
_NEEDS_CRYPTOGRAPHY = "encrypted PDF (AES): install the cryptography package"
_MARKUP_SUBTYPES = {"/Text", "/FreeText", "/Highlight", "/Underline", "/Squiggly", "/StrikeOut",
                    "/Square", "/Circle", "/Polygon", "/PolyLine", "/Ink", "/Stamp", "/Caret",
                    "/FileAttachment", "/Sound", "/Popup"}


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.count += 1


@contextmanager
def _quiet(stats: dict) -> Iterator[None]:
    """Count pypdf's log warnings and Python warnings instead of printing them."""
    logger = logging.getLogger("pypdf")
    handler = _Counter()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        stats["warnings"] = stats.get("warnings", 0) + handler.count + len(caught)


def _why(exc: BaseException) -> str:
    """A one-line reason without data: pypdf's message when it is plain words, else the class."""
    message = str(exc).strip()
    if _PLAIN_MESSAGE.fullmatch(message):
        return f"{type(exc).__name__}: {message}"
    return type(exc).__name__


def _text_of(value) -> str | None:
    """A PDF text string as ``str`` (names, numbers, arrays are not text)."""
    from pypdf.generic import ByteStringObject, TextStringObject

    value = value.get_object() if value is not None else None
    if isinstance(value, TextStringObject):
        return str(value)
    if isinstance(value, ByteStringObject):
        return bytes(value).decode("latin-1")
    return None


def _annotation_texts(page) -> list[str]:
    """Form-field values (``/V`` of text widgets, inherited from the field's parents) and the
    ``/Contents`` of markup annotations on ``page``, one string each (ISO 32000-1 §12.5, §12.7)."""
    out: list[str] = []
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else None
    if not annots:
        return out
    for ref in annots:
        annot = ref.get_object()
        if not hasattr(annot, "get"):
            continue
        subtype = annot.get("/Subtype")
        if subtype == "/Widget":
            node, depth = annot, 0
            while node is not None and depth < 32:
                value = _text_of(node.get("/V"))
                if value is not None:
                    out.append(value)
                    break
                node = node.get("/Parent")
                node = node.get_object() if node is not None else None
                depth += 1
        elif subtype in _MARKUP_SUBTYPES:
            value = _text_of(annot.get("/Contents"))
            if value:
                out.append(value)
    return [" ".join(v.split()) for v in out if v and v.strip()]


class PdfReader(Reader):
    """Reader of PDF files: one :class:`TextUnit` per page (``Location.page`` 1-based), offsets
    within the page's text."""

    name: ClassVar[str] = "pdf"
    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)

    def __init__(self, batch_rows: int = 5000):
        """``batch_rows`` is accepted because the registry builds every reader alike
        (:func:`sentinelle.readers.make_readers`); a PDF gives no tables."""
        self.batch_rows = batch_rows

    def sniff(self, head: bytes, path: str) -> bool:
        # a header after junk bytes is accepted for a .pdf only: a ZIP or TAR storing a PDF
        # uncompressed also holds "%PDF-" in its first 1024 bytes
        return head.startswith(b"%PDF-") or _suffix(path) in self.suffixes

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        for key in ("rows", "columns", "chars", "pages", "pages_without_text"):
            stats.setdefault(key, 0)
        stats["encoding"] = None
        with source.open() as raw:
            head = read_head(raw, HEADER_WINDOW)
            if b"%PDF-" not in head:
                raise ReadError(path, "not a PDF (no %PDF- header in the first 1024 bytes)")
            raw.seek(0)
            with _quiet(stats):
                reader = self._open(raw, path)
            try:
                with _quiet(stats):
                    n_pages = len(reader.pages)
            except Exception as exc:  # noqa: BLE001 - any failure of pypdf is a corrupt file
                raise ReadError(path, f"corrupt PDF, page tree unreadable ({_why(exc)})") from None
            failed: list[tuple[int, str]] = []  # (page, reason): reported once, at the end
            for index in range(n_pages):
                number = index + 1
                try:
                    with _quiet(stats):
                        page = reader.pages[index]
                        text = page.extract_text() or ""
                        extra = _annotation_texts(page)
                except Exception as exc:  # noqa: BLE001 - the other pages are still read
                    failed.append((number, _why(exc)))
                    continue
                finally:
                    reader.resolved_objects.clear()  # bounded memory: re-read objects if needed
                stats["pages"] = number
                if extra:
                    text = (text + "\n" if text and not text.endswith("\n") else text)
                    text += "\n".join(extra) + "\n"
                if not text.strip():
                    stats["pages_without_text"] += 1
                    continue
                stats["chars"] += len(text)
                yield TextUnit(text, Location(path, page=number), 0)
            info = self._info(reader, stats)
            if info:
                stats["chars"] += len(info)
                yield TextUnit(info, Location(path), 0)
            if failed:
                number, why = failed[0]
                more = f"; {len(failed) - 1} more pages unreadable" if len(failed) > 1 else ""
                raise ReadError(path, f"corrupt PDF page ({why}){more}; the other pages were "
                                      "read", f"page {number}")

    @staticmethod
    def _open(raw, path: str):
        import pypdf
        from pypdf import PasswordType
        from pypdf.errors import DependencyError

        try:
            reader = pypdf.PdfReader(raw, strict=False)
        except DependencyError:
            raise ReadError(path, _NEEDS_CRYPTOGRAPHY) from None
        except Exception as exc:  # noqa: BLE001
            raise ReadError(path, f"corrupt or truncated PDF ({_why(exc)})") from None
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                raise ReadError(path, _NEEDS_CRYPTOGRAPHY) from None
            except Exception as exc:  # noqa: BLE001
                raise ReadError(path, f"encrypted PDF, encryption unreadable ({_why(exc)})") \
                    from None
            if opened == PasswordType.NOT_DECRYPTED:
                raise ReadError(path, "encrypted PDF (password required)")
        return reader

    @staticmethod
    def _info(reader, stats: dict) -> str:
        try:
            with _quiet(stats):
                info = reader.trailer.get("/Info")
                info = info.get_object() if info is not None else None
                if not hasattr(info, "get"):
                    return ""
                lines = []
                for key in INFO_KEYS:
                    value = _text_of(info.get(key))
                    if value and value.strip():
                        lines.append(f"{key[1:]}: {' '.join(value.split())}\n")
                return "".join(lines)
        except Exception:  # noqa: BLE001 - a damaged info dictionary loses the metadata only
            stats["warnings"] = stats.get("warnings", 0) + 1
            return ""
