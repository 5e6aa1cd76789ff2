"""SARIF 2.1.0 output of a scan (OASIS Static Analysis Results Interchange Format 2.1.0,
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), for code-scanning UIs.

One rule per entity type (``ruleId`` = the label), one result per finding, streamed: results are
written as they come so a large scan does not hold them in memory; the tail (tool, rules,
artifacts, notifications) is written by :meth:`SarifWriter.close`.

Rules of the spec applied here (section numbers of SARIF 2.1.0):

* **URIs** (3.10.2, 3.4.3, 3.4.4): ``artifactLocation.uri`` is a URI reference (RFC 3986), so
  a findings path (``dir/Compte rendu #2.txt``) is written percent-encoded, one path segment at
  a time, from its UTF-8 bytes (:func:`uri_reference`: ``dir/Compte%20rendu%20%232.txt``),
  or the file-system bytes of a name that is not UTF-8 (shown ``caf\\xe9.txt``:
  ``caf%E9.txt``, :func:`fs_bytes`); ``/`` separates segments and is kept. A relative path
  gets ``uriBaseId`` ``SCANROOT`` (3.4.4), declared in ``run.originalUriBaseIds`` (3.14.14)
  with a description and no ``uri``: the absolute folder scanned is not written (its name may
  name a person, as the masked paths do not). A path that is absolute (a scan of several
  absolute paths) becomes a ``file://`` URI and has no ``uriBaseId`` (3.4.4: only a relative
  reference has one).
* **Archive members** (3.24.2, 3.24.3, 3.4.5): a member ``a.zip!inner/b.csv`` is an artifact
  nested in its container: ``run.artifacts`` lists ``a.zip`` (relative to ``SCANROOT``) and
  ``/inner/b.csv`` with ``parentIndex`` = the index of ``a.zip`` (nested members chain), and
  the result's ``artifactLocation`` holds that member's ``uri`` and ``index`` (3.4.5).
* **Regions** (3.30): a finding of a plain-text file (the ``text`` reader: its offsets index
  the decoded file, CRLF kept) gets ``startLine``/``startColumn``/``endLine``/``endColumn``
  (1-based; ``endColumn`` is the column after the last character, 3.30.8) as well as
  ``charOffset``/``charLength`` (3.30.9, 3.30.10). Lines end at CR LF, LF or a lone CR
  (3.30.2's line terminators as the reader cuts lines). Columns and character offsets count
  Unicode code points (Python's ``str``), so the run says ``columnKind``
  ``unicodeCodePoints`` (3.14.22; the default of a consumer may be UTF-16 code units). The
  writer reads such a file again, once, to find its line starts (:class:`_Lines`); where it
  cannot (no ``sources`` given, an archive member, a masked path that stands for several
  files with different lines: :class:`_Lines`), the region keeps the character offsets
  only. A finding of a text extracted from another format (HTML, e-mail, RTF, office
  documents) has no region: its offsets are in the extracted text, not in the file's
  characters; they stay in the result's ``properties``.
* **Table cells** (3.33): the readers count data rows, not lines (a quoted cell may hold line
  breaks, an HL7 row is a message), so a cell gets no region but a *logical* location:
  ``name`` = the column, ``fullyQualifiedName`` = ``sheet PID[1], row 0, column PID-5`` (the
  sheet only where the format has one), ``kind`` = ``value``; ``row``/``column``/``sheet``
  and the cell offsets ``start``/``end`` stay in the result's ``properties`` (3.8, property
  bag). A finding on a page of a document (PDF) gets the logical location ``page 3``.
* **File names** (session 12): a finding in a file or folder name (``column`` =
  ``"(file name)"``) is a result on that file with no region (its offsets are in the path)
  and the logical location ``(file name)`` (kind ``resource``); its offsets stay in
  ``properties``.

No raw value leaves: messages carry the masked value (:func:`sentinelle.privacy.mask`:
``*****`` for data concerning health, whatever the value) and ``partialFingerprints`` the keyed
hash; URIs are the findings paths (masked where a name holds personal data, unless
``--raw-paths``). The run's ``properties.findings_schema_version`` is the findings schema its
results' properties follow (:data:`sentinelle.finding.SCHEMA_VERSION`,
docs/findings-schema.md).
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import IO, Iterable, Sequence
from urllib.parse import quote

from sentinelle.entities import ENTITIES
from sentinelle.finding import SCHEMA_VERSION

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: the ``uriBaseId`` of relative artifact URIs (SARIF 3.4.4, 3.14.14)
URI_BASE = "SCANROOT"
#: the logical location name of a finding in a file or folder name (redact.names.FILE_NAME)
FILE_NAME = "(file name)"
#: RFC 3986 ``pchar`` characters kept as they are besides unreserved ones (sub-delims and "@");
#: ":" is encoded (a first segment holding ":" would read as a scheme: RFC 3986 4.2)
_SAFE = "!$&'()*+,;=@"
_EOL = re.compile(r"\r\n|\r|\n")


def uri_reference(path: str) -> str:
    """``path`` (a ``/``-separated findings path, no ``!``) as a URI reference (RFC 3986):
    each segment percent-encoded from the name's file-system bytes (:func:`fs_bytes`: UTF-8,
    or the bytes a ``\\xNN`` escape stands for) (``%``, ``#``, ``?``, space, ``:``,
    non-ASCII...). An absolute path (``/tmp/x``) becomes a ``file://`` URI."""
    encoded = "/".join(quote(seg, safe=_SAFE) for seg in fs_bytes(path).split(b"/"))
    return "file://" + encoded if path.startswith("/") else encoded


#: a ``\\xNN`` escape of :func:`sentinelle.readers.archive.printable_path` (an odd run of
#: backslashes before ``xNN``: the name held a byte that is not UTF-8)
_BYTE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\x[0-9a-f]{2}")
#: a valid name holding the text ``\\xNN``: printable_path doubled all its backslashes
_DOUBLED = re.compile(r"(?<!\\)(?:\\\\)+x[0-9a-fA-F]{2}")
_UNESCAPE = re.compile(r"\\\\|\\x([0-9a-f]{2})")


def fs_bytes(name: str) -> bytes:
    """The file-system bytes (as :func:`os.fsencode` gives them) of a name shown by
    :func:`sentinelle.readers.archive.printable_path`: ``caf\\xe9.txt`` -> ``b"caf\\xe9.txt"``
    (the byte E9, not UTF-8), ``\\\\`` -> one backslash in such a name; a valid name whose
    backslashes were doubled (it holds the text ``\\xNN``) gets them back single. A lone
    surrogate (a name not shown that way, e.g. a scan root typed as is) is its byte
    (``surrogateescape``, PEP 383)."""
    if _BYTE_ESCAPE.search(name):
        out = bytearray()
        pos = 0
        for m in _UNESCAPE.finditer(name):
            out += _encode(name[pos:m.start()])
            out += bytes([int(m[1], 16)]) if m[1] else b"\\"
            pos = m.end()
        out += _encode(name[pos:])
        return bytes(out)
    if _DOUBLED.search(name):
        name = name.replace("\\\\", "\\")
    return _encode(name)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate outside U+DC80-U+DCFF: not a file-system byte
        return text.encode("utf-8", "surrogatepass")


class _Lines:
    """The walked files of the scan, and the line starts of its plain-text files (a file read
    again, once).

    ``sources``: the walk's ``(display, fs_path)`` items in walk order (others ignored). A
    findings path is matched to its items exactly, or as a masked form of them (the masked
    paths keep their length: :func:`sentinelle.scanner.mask_span`). Masked names may coincide
    (``p_185057800604830.txt`` and ``p_185057800614530.txt`` both show as
    ``p_1************30.txt``) and a findings record does not say which file it comes from:
    such a path gets lines only when all its files have the same line starts, the character
    offsets only when all are plain text, else no region (a review of session 13 found the
    second file given the first one's lines). Only the last path's answer is kept.
    """

    def __init__(self, sources: Sequence, config) -> None:
        self.items = [it for it in sources if isinstance(it, tuple) and len(it) == 2]
        self.exact: dict[str, tuple[int, ...]] = {}
        for i, (d, _) in enumerate(self.items):
            self.exact[d] = self.exact.get(d, ()) + (i,)
        self.by_len: dict[int, list[int]] | None = None
        self.masked: dict[str, tuple[int, ...]] = {}
        self.config = config
        self.path: str | None = None
        self.answer: tuple[bool, list[int] | None] = (True, None)

    def matches(self, path: str) -> tuple[int, ...]:
        """Indices of the walked files ``path`` shows: itself, or the files it is a masked
        form of (``*`` stands for any character)."""
        if "*" not in path or not self.items:
            return self.exact.get(path, ())
        hits = self.masked.get(path)
        if hits is None:
            if self.by_len is None:
                self.by_len = {}
                for i, (d, _) in enumerate(self.items):
                    self.by_len.setdefault(len(d), []).append(i)
            rx = re.compile(".".join(map(re.escape, path.split("*"))), re.S)
            hits = tuple(i for i in self.by_len.get(len(path), ())
                         if rx.fullmatch(self.items[i][0]))
            if len(self.masked) >= 4096:
                self.masked.clear()
            self.masked[path] = hits
        return hits

    def _starts(self, i: int) -> list[int] | None:
        display, fs_path = self.items[i]
        try:
            return _text_line_starts(Path(fs_path), display, self.config)
        except Exception:  # noqa: BLE001 - a file changed or gone since: no line, no failure
            return None

    def starts_of(self, path: str) -> tuple[bool, list[int] | None]:
        """``(offsets, starts)`` for ``path`` (a top-level findings path): ``offsets`` False
        when its character offsets are not its files' characters (a walked file not read as
        plain text, or unreadable now: no region); ``starts`` the offsets of its line starts
        when known (class docstring). A path that is no walked file: ``(True, None)``."""
        if path == self.path:
            return self.answer
        hits = self.matches(path)
        if not hits:
            answer: tuple[bool, list[int] | None] = (True, None)
        else:
            all_starts = [self._starts(i) for i in hits]
            if any(st is None for st in all_starts):
                answer = (False, None)
            elif all(st == all_starts[0] for st in all_starts[1:]):
                answer = (True, all_starts[0])
            else:
                answer = (True, None)
        self.path, self.answer = path, answer
        return answer


def _text_line_starts(fs_path: Path, display: str, config) -> list[int] | None:
    """The line starts of ``fs_path`` decoded as the scan decoded it, when the scanner reads
    it with the plain-text reader (whose offsets index the decoded file); else None."""
    from sentinelle.config import Config
    from sentinelle.readers import pick_reader
    from sentinelle.readers.base import Source
    from sentinelle.scanner import HEAD_BYTES

    config = config if config is not None else Config()
    with open(fs_path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    reader = pick_reader(head, display, config) if head else None
    if reader is None or reader.name != "text":
        return None
    starts = [0]
    for unit in reader.read(Source(display, fs_path.stat().st_size,
                                   lambda: open(fs_path, "rb"), fs_path), {}):
        text = getattr(unit, "text", None)
        if text is None:
            return None
        base = unit.offset
        starts.extend(base + m.end() for m in _EOL.finditer(text))
    # a CR LF cut between two units gives a line start after the CR and one after the LF
    return sorted(set(starts))


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of the character at ``offset``."""
    i = bisect.bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1


class SarifWriter:
    """Write a SARIF log to ``out``: :meth:`add` records, then :meth:`close` with issues.

    ``sources`` (the walk's ``(display, fs_path)`` items) and ``config`` let the writer read
    a plain-text file again for the lines of its findings (module docstring); without them the
    regions of text findings hold character offsets only."""

    def __init__(self, out: IO[str], version: str, *, sources: Sequence = (), config=None):
        self.out = out
        self.version = version
        self.first = True
        self.rules_seen: set[str] = set()
        self.lines = _Lines(sources, config)
        #: run.artifacts (3.24) of the archive members and their containers
        self.artifacts: list[dict] = []
        self.artifact_index: dict[str, int] = {}
        out.write('{"$schema": "%s", "version": "2.1.0", "runs": [{"results": [\n' % SARIF_SCHEMA)

    # -- locations ----------------------------------------------------------------------------

    def _split(self, path: str) -> list[str]:
        """``path`` cut into its container chain: ``a.zip!in/b.zip!c.txt`` -> ``[a.zip,
        in/b.zip, c.txt]``. A walked file whose own name holds ``!`` stays whole; a walked
        file is the shortest prefix before a ``!`` that is one, else the part before the
        first ``!``. Masked paths are compared with the walked files they may show
        (``p_1************30!x.txt`` is a plain file ``p_185057800604830!x.txt``, not a member
        ``x.txt`` of an archive ``p_1************30``)."""
        if "!" not in path or self.lines.matches(path):
            return [path]
        cut = path.index("!")
        at = cut
        while at >= 0:
            if self.lines.matches(path[:at]):
                cut = at
                break
            at = path.find("!", at + 1)
        return [path[:cut]] + path[cut + 1:].split("!")

    def _artifact(self, chain: list[str]) -> int:
        """Index in ``run.artifacts`` of the member ``chain`` (its containers added first)."""
        key = "!".join(chain)
        if key in self.artifact_index:
            return self.artifact_index[key]
        if len(chain) == 1:
            entry: dict = {"location": self._top_location(chain[0])}
        else:
            entry = {"location": {"uri": "/" + uri_reference(chain[-1].lstrip("/"))},
                     "parentIndex": self._artifact(chain[:-1])}
        self.artifacts.append(entry)
        self.artifact_index[key] = len(self.artifacts) - 1
        return self.artifact_index[key]

    @staticmethod
    def _top_location(path: str) -> dict:
        uri = uri_reference(path)
        return {"uri": uri} if path.startswith("/") else {"uri": uri, "uriBaseId": URI_BASE}

    def artifact_location(self, path: str) -> dict:
        """The ``artifactLocation`` (3.4) of a findings path."""
        chain = self._split(path)
        if len(chain) == 1:
            return self._top_location(path)
        index = self._artifact(chain)
        return {"uri": self.artifacts[index]["location"]["uri"], "index": index}

    def _location(self, r: dict) -> dict:
        """The SARIF ``location`` of a findings record (module docstring)."""
        physical: dict = {"artifactLocation": self.artifact_location(r["path"])}
        location: dict = {"physicalLocation": physical}
        if r.get("column") == FILE_NAME and r["row"] is None:
            location["logicalLocations"] = [{"name": FILE_NAME, "fullyQualifiedName": FILE_NAME,
                                             "kind": "resource"}]
        elif r["row"] is not None:
            parts = ([f"sheet {r['sheet']}"] if r.get("sheet") is not None else []) + [
                f"row {r['row']}"] + ([f"column {r['column']}"] if r.get("column") is not None
                                      else [])
            location["logicalLocations"] = [{
                "name": r["column"] if r.get("column") is not None else f"row {r['row']}",
                "fullyQualifiedName": ", ".join(parts), "kind": "value"}]
        elif r.get("page") is not None:
            location["logicalLocations"] = [{"name": f"page {r['page']}",
                                             "fullyQualifiedName": f"page {r['page']}",
                                             "kind": "page"}]
        elif r["start"] is not None:
            region = self._region(r)
            if region is not None:
                physical["region"] = region
        return location

    def _region(self, r: dict) -> dict | None:
        start, end = r["start"], r["end"]
        region: dict = {}
        top = len(self._split(r["path"])) == 1
        offsets, starts = self.lines.starts_of(r["path"]) if top else (True, None)
        if starts is not None:
            region["startLine"], region["startColumn"] = _line_col(starts, start)
            if end is not None and end > start:
                # endColumn: the column after the last character (3.30.8), on its line
                last_line, last_col = _line_col(starts, end - 1)
                region["endLine"], region["endColumn"] = last_line, last_col + 1
        elif not offsets:
            # a walked file not read as plain text: its offsets are not the file's characters
            return None
        region["charOffset"] = start
        if end is not None:
            region["charLength"] = end - start
        return region

    # -- results ------------------------------------------------------------------------------

    def add(self, records: Iterable[dict]) -> None:
        for r in records:
            self.rules_seen.add(r["entity_type"])
            in_name = r.get("column") == FILE_NAME and r["row"] is None
            where = " in a file or folder name" if in_name else ""
            result = {
                "ruleId": r["entity_type"],
                "level": "error" if r["score"] >= 0.8 else "warning",
                "message": {"text": f"{r['entity_type']} found{where}: {r['masked']}"},
                "locations": [self._location(r)],
                "partialFingerprints": {"valueHash/v1": r["value_hash"]},
                # the cell (or name) offsets stay here, where no region holds them (3.8)
                "properties": {"score": r["score"], "row": r["row"], "column": r["column"],
                               "sheet": r["sheet"], "page": r["page"], "start": r["start"],
                               "end": r["end"], "validation": r.get("validation")},
            }
            self.out.write(("" if self.first else ",\n") + json.dumps(result, ensure_ascii=False))
            self.first = False

    def close(self, issues: Iterable = ()) -> None:
        rules = [{"id": label, "name": label,
                  "shortDescription": {"text": ENTITIES[label].description if label in ENTITIES else label},
                  "properties": {"category": ENTITIES[label].category.value if label in ENTITIES else "other",
                                 "special_category": ENTITIES[label].special_category if label in ENTITIES else False}}
                 for label in sorted(self.rules_seen)]
        notifications = [{"level": "error" if i.kind == "error" else "note",
                          "message": {"text": str(i)},
                          "locations": [{"physicalLocation": {
                              "artifactLocation": self.artifact_location(i.path)}}]}
                         for i in issues]
        tail = {
            "tool": {"driver": {"name": "sentinelle", "version": self.version,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {URI_BASE: {"description": {
                "text": "The folder scanned (with several paths scanned: the working "
                        "directory); not written out, as its name may name a person."}}},
            "columnKind": "unicodeCodePoints",
        }
        if self.artifacts:
            tail["artifacts"] = self.artifacts
        # the findings schema its results' properties follow (docs/findings-schema.md)
        tail["properties"] = {"findings_schema_version": SCHEMA_VERSION}
        self.out.write("\n]," + json.dumps(tail, ensure_ascii=False)[1:-1] + "}]}\n")
