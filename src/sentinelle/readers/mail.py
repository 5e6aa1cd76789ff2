"""E-mail: single messages (``.eml``, RFC 5322 / MIME) and mailboxes (``mbox``, RFC 4155).

Each message is parsed with the standard library (``email``, ``policy.default``: RFC 2047
encoded words and RFC 2231 file names decoded). What is scanned, and where findings point:

* address and subject headers (From, Sender, Reply-To, To, Cc, Bcc, Delivered-To, Return-Path,
  Subject), and the mbox ``From_`` line: one :class:`TextUnit` per header with
  ``Location(sheet="msg-3/headers", column="Subject")``; offsets index the decoded header value;
* text bodies: each inline (not attached) ``text/plain`` part, transfer encoding
  (quoted-printable, base64) and charset decoded, ``sheet="msg-3/body"`` (``body-2``, ... for
  the next ones); each inline ``text/html`` part as the text a browser would show (tags dropped,
  entities decoded, scripts and styles skipped), ``sheet="msg-3/body.html"`` (``body-2.html``,
  ...); offsets index that decoded text. Both alternatives of a ``multipart/alternative`` are
  scanned: a leak scanner prefers a finding counted twice to a finding missed (the HTML may hold
  more than the text);
* attachments (and attached messages, ``message/rfc822``): :class:`MemberUnit` objects the scanner
  recurses into like archive members, named ``msg-3/<file name>`` (``attachment-N`` plus an
  extension from the MIME type when the part has no file name): ``mail.mbox!msg-3/cr.pdf``.

In a single ``.eml`` the ``msg-N/`` prefix is left out (``sheet="body"``, ``mail.eml!cr.pdf``).
Messages are numbered from 1 in file order.

The mbox is split here, streaming, rather than with ``mailbox.mbox``: the standard class needs a
file-system path (members are spooled streams), opens the file read-write (``'rb+'``), and
indexes the whole file before the first message. The rule is the one of ``mailbox.mbox`` (CPython
``Lib/mailbox.py``, ``mbox._generate_toc``): every line starting with ``From `` starts a message;
``>From `` lines are left as they are. One message is held in memory at a time; a message larger
than ``MAX_MESSAGE_BYTES`` is not parsed and gets an issue, and the mailbox goes on.
"""

from __future__ import annotations

import html.parser
import io
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, ClassVar, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.archive import display_name
from sentinelle.readers.base import MemberUnit, Reader, Source, TextUnit, Unit
from sentinelle.readers.encoding import detect

if TYPE_CHECKING:  # pragma: no cover - the email package is imported when a mail is read
    from email.message import EmailMessage

#: a message larger than this is not parsed (it would be held whole in memory)
MAX_MESSAGE_BYTES = 128 * 1024 * 1024
#: headers that carry names, addresses or free text, in this order
HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To", "Return-Path",
           "Subject")
#: header names that make a head look like a message (RFC 5322 section 3.6, RFC 2045, RFC 5321)
_KNOWN = {b"from", b"to", b"cc", b"bcc", b"subject", b"date", b"message-id", b"received",
          b"return-path", b"mime-version", b"content-type", b"content-transfer-encoding",
          b"delivered-to", b"reply-to", b"sender", b"in-reply-to", b"references", b"x-mailer",
          b"user-agent", b"dkim-signature", b"authentication-results", b"x-original-to"}
_STRONG = {b"from", b"date", b"message-id", b"received", b"return-path", b"mime-version"}
# RFC 5322 3.6.8: field-name = 1*ftext, printable US-ASCII except ":"
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:")
_LINE_CHUNK = 1 << 20
_BLOCK_TAGS = {"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
               "ul", "ol", "blockquote", "pre", "hr", "section", "article", "header", "footer"}


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def header_names(head: bytes, skip_first_line: bool = False) -> list[bytes]:
    """Lower-cased field names of the header block at the start of ``head`` (until a blank line
    or a line that is not a header); continuation lines are skipped."""
    lines = head.split(b"\n")
    if skip_first_line:
        lines = lines[1:]
    names: list[bytes] = []
    for i, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return []
            continue
        match = _FIELD.match(line)
        if match is None:
            if i == len(lines) - 1:
                break  # a line cut by the end of the head
            return names if len(names) >= 3 else []
        names.append(match.group(1).lower())
    return names


class _HtmlText(html.parser.HTMLParser):
    """The text of an HTML part as shown: tags dropped, entities decoded, scripts skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of ``markup`` (see :class:`_HtmlText`)."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _decode_text(part: EmailMessage) -> str:
    """A text part's payload, transfer-decoded then charset-decoded (detected when unknown)."""
    data = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass  # unknown charset name: detect it
    found = detect(data[:64 * 1024])
    encoding = found.encoding if found is not None else "cp1252"
    return data[found.bom if found else 0:].decode(encoding, errors="replace")


def _leaves(part: EmailMessage) -> Iterator[EmailMessage]:
    """Leaf parts in order; an attached message (message/rfc822) is a leaf, not descended."""
    if part.get_content_type() == "message/rfc822":
        yield part
    elif part.is_multipart():
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


class MailReader(Reader):
    """``.eml`` messages and ``mbox`` mailboxes: headers and bodies as text, attachments as
    members."""

    name: ClassVar[str] = "mail"
    suffixes: ClassVar[tuple[str, ...]] = (".eml", ".mbox", ".mbx")

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES):
        self.max_message_bytes = max_message_bytes

    def sniff(self, head: bytes, path: str) -> bool:
        if head.startswith(b"From "):
            names = header_names(head, skip_first_line=True)
            return len(set(names) & _KNOWN) >= (1 if _suffix(path) in self.suffixes else 2)
        names = header_names(head)
        known = set(names) & _KNOWN
        if _suffix(path) in self.suffixes:
            return bool(known)
        return len(known) >= 3 and bool(known & _STRONG)

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("chars", 0)
        with source.open() as raw:
            head = raw.read(5)
            raw.seek(0)
            if head == b"From ":
                for number, data, from_line in self._split(raw, path):
                    prefix = f"msg-{number}/"
                    if data is None:
                        yield MemberUnit(f"msg-{number}", problem=(
                            f"message larger than {self.max_message_bytes} bytes, not scanned"))
                        continue
                    yield from self._message(data, path, prefix, stats, from_line)
            else:
                data = raw.read(self.max_message_bytes + 1)
                if len(data) > self.max_message_bytes:
                    raise ReadError(path, f"message larger than {self.max_message_bytes} "
                                          f"bytes, not scanned")
                yield from self._message(data, path, "", stats, None)

    def _split(self, raw: BinaryIO, path: str) -> Iterator[tuple[int, bytes | None, str]]:
        """(number, message bytes or None when too large, From_ line) for each message."""
        number = 0
        parts: list[bytes] = []
        size = 0
        from_line = ""
        too_large = False
        at_line_start = True
        while True:
            line = raw.readline(_LINE_CHUNK)
            if not line or (at_line_start and line.startswith(b"From ")):
                if number:
                    yield number, None if too_large else b"".join(parts), from_line
                if not line:
                    return
                number += 1
                parts, size, too_large = [], 0, False
                from_line = line.rstrip(b"\r\n").decode("latin-1")
            elif not too_large:
                size += len(line)
                if size > self.max_message_bytes:
                    too_large, parts = True, []
                else:
                    parts.append(line)
            at_line_start = line.endswith(b"\n")

    def _message(self, data: bytes, path: str, prefix: str, stats: dict,
                 from_line: str | None) -> Iterator[Unit]:
        from email import policy  # here, not at import: 0.04 CPU s of every start-up (issue 6)
        from email.parser import BytesParser

        msg = BytesParser(policy=policy.default).parsebytes(data)
        headers = f"{prefix}headers"
        if from_line:
            yield self._text(from_line[5:], Location(path, sheet=headers, column="From_"), stats)
        for name in HEADERS:
            try:
                values = [str(v) for v in msg.get_all(name) or ()]
            except Exception:  # noqa: BLE001 - a header the parser cannot decode: as written
                values = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
            for text in values:
                if text:
                    yield self._text(text, Location(path, sheet=headers, column=name), stats)
        bodies = {"plain": 0, "html": 0}
        attachments = 0
        for part in _leaves(msg):
            content_type = part.get_content_type()
            attached = part.get_content_disposition() == "attachment" or (
                part.get_filename() is not None and part.get_content_maintype() != "text")
            if part.get_content_maintype() == "text" and not attached and \
                    part.get_content_subtype() in ("plain", "html"):
                subtype = part.get_content_subtype()
                bodies[subtype] += 1
                text = _decode_text(part)
                sheet = f"{prefix}body" + (f"-{bodies[subtype]}" if bodies[subtype] > 1 else "")
                if subtype == "html":
                    text = html_text(text)
                    sheet += ".html"
                if text:
                    yield self._text(text, Location(path, sheet=sheet), stats)
                continue
            attachments += 1
            name = part.get_filename()
            if name:
                name = display_name(name).rsplit("/", 1)[-1]
            else:
                import mimetypes

                ext = ".eml" if content_type == "message/rfc822" else (
                    mimetypes.guess_extension(content_type) or ".bin")
                name = f"attachment-{attachments}{ext}"
            if content_type == "message/rfc822":
                inner = part.get_payload()
                payload = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            else:
                payload = part.get_payload(decode=True) or b""
            yield MemberUnit(f"{prefix}{name}", lambda payload=payload: io.BytesIO(payload))

    @staticmethod
    def _text(text: str, location: Location, stats: dict) -> TextUnit:
        stats["chars"] = stats.get("chars", 0) + len(text)
        return TextUnit(text, location, 0)

