"""JSON documents and NDJSON (JSON Lines) as tables of flattened records.

* ``.ndjson`` / ``.jsonl`` (and a ``.json`` file that turns out to hold one value per line) are
  streamed line by line; blank lines are skipped; a bad line (a cut last line) keeps its valid
  prefix, the other lines are read, and one ReadError names the first bad line and the count.
* Other JSON documents are loaded whole (up to ``max_document_bytes``, 256 MiB by default; beyond:
  ReadError, convert to NDJSON). ``ijson`` is not used. A cut or broken document (a truncated
  export) keeps its longest valid prefix (the records before the fault, the cut one as far as it
  goes), then raises one ReadError at the fault's line and column.
* A top-level array is a list of records (row = index in the array); a top-level object is one
  record (row 0); a scalar record (in an array, or a line) is a record with a single column
  ``value``.
* Records are flattened: nested keys joined with ``.`` (``patient.nom``), list items by index
  (``contacts.0.tel``). Values are text as written: numbers keep their JSON spelling (``1.50``),
  booleans are ``"true"``/``"false"``, null is ``None``; empty objects and lists give no column.
  Records of a repeated shape are flattened by a function compiled for that shape (``_shape``:
  the same output as ``flatten``; lab exports are read with 1.2-1.5 times less CPU); a shape
  is compiled once a second record shows it, never for a one-record document nor for a record
  of more than 512 leaves and containers.
* Not scanned: the keys that FHIR gives a ``uri`` naming a standard, not a person
  (:func:`names_a_standard`: ``extension.0.url``, ``code.coding.0.system``,
  ``identifier.0.system``, ``meta.profile.0``), for FHIR-shaped JSON that is not read as FHIR
  (no ``resourceType``); they are left out of the header, and a redacted copy keeps them as
  written.
* Header: the keys of the first batch in order of first appearance. A later batch bringing new
  keys starts a new :class:`TableUnit` (same location) whose header is the keys of that batch;
  ``TableBatch.first_row`` stays the global 0-based record index.

A :class:`TableUnit`'s batches must be consumed before the next unit is asked for (the reader
skips whatever was left unread).

Session 12 (issue 5, speed): long documents are decoded, and batches of records read and
flattened, with the cyclic garbage collector paused (:func:`loads`); the values are unchanged.
"""

from __future__ import annotations

import gc
import itertools
import json
import re
from pathlib import PurePosixPath
from typing import Any, ClassVar, Iterable, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.encoding import HEAD_BYTES, DecodedStream, head_text

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
_FIRST_CHARS = '{["-0123456789'
_LINE_END = re.compile(r"\r\n|\r|\n")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


#: a decoder keeping numbers as written (a constant: decoders hold no state between calls)
_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


#: texts at least this long are decoded with the cyclic garbage collector paused
_GC_PAUSE_CHARS = 65536


def loads(text: str) -> Any:
    """``json.loads`` keeping numbers as written (strings).

    A long text (:data:`_GC_PAUSE_CHARS`) is decoded with the cyclic garbage collector paused
    (Session 12, issue 5: the decoder makes no reference cycles, but the objects it makes set
    off collections that walk every live object of the scan: 2.4 s of collections while 0.1 s
    of decoding, assessing a 10,000-patient leak with 4 JSON documents of 2 MB)."""
    if len(text) < _GC_PAUSE_CHARS or not gc.isenabled():
        return _DECODER.decode(text)
    gc.disable()
    try:
        return _DECODER.decode(text)
    finally:
        gc.enable()


#: parents of a ``system`` key that FHIR types ``uri`` (Coding.system, Identifier.system; meta
#: ``tag`` and ``security`` are Codings); ``valueCoding``, ``eventCoding``, ``valueIdentifier``
#: end so too
_SYSTEM_PARENTS = frozenset({"coding", "identifier", "tag", "security"})
_EXTENSIONS = frozenset({"extension", "modifierExtension"})


def names_a_standard(name: str) -> bool:
    """True when the flattened key ``name`` (``extension.0.url``) is, in FHIR R4 (4.0.1), a
    ``uri`` / ``canonical`` naming a standard, not a person: an Extension's ``url``
    (under ``extension`` / ``modifierExtension``), the ``system`` of a Coding or an Identifier
    (under ``coding``, ``identifier``, ``tag``, ``security``, ``...Coding``,
    ``...Identifier``), ``meta.profile``. ``photo.0.url``, ``telecom.0.value``,
    ``identifier.0.value`` and a ``system`` elsewhere are False."""
    parts = [p for p in name.split(".") if not p.isdigit()]
    if len(parts) < 2:
        return False
    parent, leaf = parts[-2], parts[-1]
    if leaf == "url":
        return parent in _EXTENSIONS
    if leaf == "system":
        return parent in _SYSTEM_PARENTS or parent.endswith(("Coding", "Identifier"))
    return leaf == "profile" and parent == "meta"


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value if isinstance(value, str) else str(value)


def _walk(prefix: str, node: Any, out: dict[str, str | None], brackets: bool = False) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    is_list = not isinstance(node, dict)
    for key, child in items:
        if brackets and is_list:
            name = f"{prefix}[{key}]"
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(child, (dict, list)):
            _walk(name, child, out, brackets)
        elif isinstance(child, str):
            out[name] = child
        else:
            out[name] = _cell(child)


def _walk_dotted(prefix: str, node: Any, out: dict[str, str | None]) -> None:
    """:func:`_walk` without ``brackets``, with exact-type tests first (a decoded document
    holds plain ``dict``, ``list`` and ``str``): the same keys and values in the same order,
    about a fifth faster on lab records."""
    for key, child in (node.items() if isinstance(node, dict) else enumerate(node)):
        name = f"{prefix}.{key}" if prefix else str(key)
        cls = child.__class__
        if cls is str:
            out[name] = child
        elif cls is dict or cls is list or isinstance(child, (dict, list)):
            _walk_dotted(name, child, out)
        elif isinstance(child, str):
            out[name] = child
        else:
            out[name] = _cell(child)


def flatten(value: Any, brackets: bool = False) -> dict[str, str | None]:
    """One record as ``{dotted key: text}``; a scalar becomes ``{"value": text}``.

    ``brackets``: list items as ``name[0].family`` (FHIRPath indexers) instead of
    ``name.0.family``.
    """
    if not isinstance(value, (dict, list)):
        return {"value": _cell(value)}
    out: dict[str, str | None] = {}
    if brackets:
        _walk("", value, out, True)
    else:
        _walk_dotted("", value, out)
    return out


#: the end of a decoder message that points at the position ``json`` appends after it
#: (``"Unterminated string starting at"``, ``"Invalid control character at"``; the pure-Python
#: scanner also names the character: ``"Invalid control character '\\n' at"``)
_DANGLING = re.compile(r"(?:\s+'[^']*'|\s+\"[^\"]*\")?(?:\s+starting)?\s+at$")


def _problem(msg: str) -> str:
    """The decoder's message without its position words: ``json.JSONDecodeError`` builds
    ``str(exc)`` as ``msg + ": line L column C (char N)"``, so some of its ``msg`` end with
    ``at`` (CPython ``Modules/_json.c``, ``Lib/json/decoder.py``); the position is given once,
    by :func:`_invalid`. ``"Unterminated string starting at"`` -> ``"Unterminated string"``."""
    return _DANGLING.sub("", msg.strip()) or "invalid"


def _invalid(path: str, exc: json.JSONDecodeError, line: int | None = None) -> ReadError:
    """``<path>:line L column C: invalid JSON: <problem>`` (``line``: the NDJSON line number,
    the column being on that line)."""
    return ReadError(path, f"invalid JSON: {_problem(exc.msg)}",
                     f"line {line if line is not None else exc.lineno} column {exc.colno}")


_WS = re.compile(r"[ \t\n\r]*")


def _prefix(text: str, idx: int) -> tuple[Any, int, bool]:
    """``(value, end, whole)``: the JSON value starting at ``text[idx]``, or, when it is cut
    short or broken, its longest valid prefix: an object or array keeps the members before the
    fault (a cut member is kept as far as it goes), a cut scalar is dropped (``None``).
    Whole values are decoded by the C decoder; only the path down to the fault is walked here.
    Raises RecursionError on very deep nesting."""
    try:
        value, end = _DECODER.raw_decode(text, idx)
        return value, end, True
    except json.JSONDecodeError:
        pass
    opener = text[idx:idx + 1]
    if opener not in ("[", "{"):
        return None, idx, False
    out: Any = [] if opener == "[" else {}
    i = _WS.match(text, idx + 1).end()
    while True:
        key = None
        if opener == "{":
            if not text.startswith('"', i):
                return out, i, False
            try:
                key, i = json.decoder.scanstring(text, i + 1)
            except (json.JSONDecodeError, ValueError):
                return out, i, False
            i = _WS.match(text, i).end()
            if not text.startswith(":", i):
                return out, i, False
            i = _WS.match(text, i + 1).end()
        value, i, whole = _prefix(text, i)
        if whole and i == len(text) and text[i - 1] not in '"]}':
            whole = False  # a number or literal ending the text may be cut ("4" of "42")
            value = None
        if whole or value:  # a cut member that kept something (an empty or cut scalar: no)
            if key is None:
                out.append(value)
            else:
                out[key] = value
        if not whole:
            return out, i, False
        i = _WS.match(text, i).end()
        if not text.startswith(",", i):
            return out, i, False  # the closing bracket would have made the value whole
        i = _WS.match(text, i + 1).end()


def _salvaged(text: str) -> Any:
    """The longest valid prefix of a broken JSON value (:func:`_prefix`); ``{}`` if none."""
    try:
        value = _prefix(text, _WS.match(text).end())[0]
    except RecursionError:
        return {}
    return value if isinstance(value, (dict, list)) and value else {}


def _ndjson(lines: Iterable[str], path: str) -> Iterator[Any]:
    """One record per non-blank line. A bad line (a cut export's last line, a stray log line)
    does not stop the file: its valid prefix is a record (``{}`` if none, so rows keep their
    line order), the other lines are read, and one :class:`ReadError` is raised at the end,
    at the first bad line, with the number of bad lines."""
    first: ReadError | None = None
    bad = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        text = line.rstrip("\r\n")  # so an error column stays on this line
        try:
            yield loads(text)
            continue
        except json.JSONDecodeError as exc:
            error = _invalid(path, exc, number)
        except RecursionError:
            error = ReadError(path, "JSON nested too deeply", f"line {number}")
        bad += 1
        first = first or error
        yield _salvaged(text)
    if first is not None:
        more = f"; {bad} bad lines" if bad > 1 else ""
        raise ReadError(path, f"{first.reason}{more} (the other lines were read)",
                        first.position)


def _then_raise(records: Iterable[Any], error: ReadError) -> Iterator[Any]:
    yield from records
    raise error


def _until_error(records: Iterable[Any], failed: list[ReadError]) -> Iterator[Any]:
    """``records`` up to a :class:`ReadError`, which is put in ``failed`` instead of raised: the
    batch under way is not lost (the caller raises it once the records are scanned)."""
    try:
        yield from records
    except ReadError as exc:
        failed.append(exc)


#: shapes compiled per file at most (a file whose records keep changing shape is flattened
#: by :func:`flatten` alone once this many were made)
MAX_SHAPES = 32
#: containers deeper than this are not compiled into a shape (:func:`flatten` takes them)
SHAPE_MAX_DEPTH = 16
#: records with more nodes (leaves and containers) than this are not compiled: the compiled
#: source holds one expression per leaf, so a one-object document of 500,000 leaves would
#: take 15 s and 2.5 GB to compile (session 8 review) for a single call
SHAPE_MAX_NODES = 512


def _shape(record: Any) -> Any:
    """A flattener compiled for the shape of ``record``: ``shaped(value)`` is
    ``flatten(value)`` for every ``value`` of that shape (the same dicts and lists, with the
    same keys in the same order and the same list lengths, holding no dict or list where
    ``record`` holds a leaf), else None (the caller uses :func:`flatten`). None when
    ``record`` is not a non-empty dict, holds an empty dict or list (it makes no column:
    :func:`flatten` keeps that rule), nests deeper than :data:`SHAPE_MAX_DEPTH` or holds more
    than :data:`SHAPE_MAX_NODES` leaves and containers (the walk stops there: the cost of a
    refused shape is bounded, whatever the record's size).

    Why (issue 6): lab exports repeat one record shape on every line; :func:`flatten` walks
    each record recursively (a call, a key join and a type test per node), the compiled
    function reads the leaves by their keys and checks the shape with one ``tuple(keys)``
    comparison per container (reading the throughput bench's JSON files: 1.2-1.5 times less
    CPU, session 8, noisy machine). The
    names are made by the very rules of :func:`_walk_dotted` (run once on ``record``)."""
    if record.__class__ is not dict or not record:
        return None
    checks: list[str] = []  # source lines checking the containers
    consts: dict[str, Any] = {}
    leaves: list[tuple[str, str]] = []  # (flattened name, expression reading the leaf)

    nodes = [0]  # leaves and containers walked so far

    def walk(prefix: str, node: Any, var: str, depth: int) -> bool:
        nodes[0] += 1
        if depth > SHAPE_MAX_DEPTH or not node or nodes[0] > SHAPE_MAX_NODES:
            return False
        if node.__class__ is dict:
            k = f"k{len(consts)}"
            consts[k] = tuple(node)
            checks.append(f"    if {var}.__class__ is not dict or tuple({var}) != {k}: return None")
            items = node.items()
        elif node.__class__ is list:
            checks.append(f"    if {var}.__class__ is not list or len({var}) != {len(node)}: "
                          f"return None")
            items = enumerate(node)
        else:
            return False
        for key, child in items:
            name = f"{prefix}.{key}" if prefix else str(key)
            if node.__class__ is dict:
                c = f"c{len(consts)}"
                consts[c] = key
                access = f"{var}[{c}]"
            else:
                access = f"{var}[{key}]"
            if child.__class__ is dict or child.__class__ is list:
                sub = f"n{len(checks)}"
                checks.append(f"    {sub} = {access}")
                if not walk(name, child, sub, depth + 1):
                    return False
            elif isinstance(child, (dict, list)):
                return False  # a subclass: not from the decoder, flatten decides
            else:
                nodes[0] += 1
                if nodes[0] > SHAPE_MAX_NODES:
                    return False
                leaves.append((name, access))
        return True

    if not walk("", record, "r", 0):
        return None
    consts["names"] = tuple(name for name, _ in leaves)
    consts["_leaf"] = _leaf
    consts["_str"] = str
    src = ["def shaped(r):", *checks,
           "    v = (" + "".join(f"{a}, " for _, a in leaves) + ")",
           "    if all(x.__class__ is _str for x in v): return dict(zip(names, v))",
           "    v = tuple(map(_leaf, v))",
           "    if _leaf in v: return None",
           "    return dict(zip(names, v))"]
    exec("\n".join(src), consts)  # noqa: S102 - keys are passed as constants, never as code
    return consts["shaped"]


def _leaf(value: Any) -> Any:
    """A leaf's cell text (:func:`_cell`), or :func:`_leaf` itself for a dict or list (the
    record does not have the compiled shape)."""
    if isinstance(value, (dict, list)):
        return _leaf
    return value if value.__class__ is str else _cell(value)


def _flattened(records: Iterable[Any], path: str) -> Iterator[dict[str, str | None]]:
    """``flatten(record)`` of each record; records of the last compiled shape go through
    its compiled flattener (:func:`_shape`), the others through :func:`flatten`. A shape is
    compiled only when a record flattened by :func:`flatten` has the same top-level keys, in
    the same order, as the one before it (so a one-record document, such as a ``.json`` file
    holding one big object, is never compiled), at most :data:`MAX_SHAPES` times per file."""
    shaped = None
    made = 0
    last_keys: tuple | None = None  # top-level keys of the last record flatten() took
    for record in records:
        if shaped is not None:
            out = shaped(record)
            if out is not None:
                yield out
                continue
        try:
            out = flatten(record)
        except RecursionError:
            raise ReadError(path, "JSON nested too deeply") from None
        if made < MAX_SHAPES and record.__class__ is dict:
            keys = tuple(record)
            if keys == last_keys:  # a second record of these keys: worth compiling
                made += 1
                shaped = _shape(record)
                last_keys = None
            else:
                last_keys = keys
        yield out


class JsonReader(Reader):
    """JSON / NDJSON / GeoJSON reader yielding :class:`TableUnit`\\ s of flattened records."""

    name: ClassVar[str] = "json"
    suffixes: ClassVar[tuple[str, ...]] = (".json", ".ndjson", ".jsonl", ".geojson")

    def __init__(self, batch_rows: int = 5000, max_document_bytes: int = MAX_DOCUMENT_BYTES):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows
        self.max_document_bytes = max_document_bytes

    def sniff(self, head: bytes, path: str) -> bool:
        text = head_text(head)
        if text is None:
            return _suffix(path) in self.suffixes  # read() reports the binary content
        body = text.lstrip()
        if _suffix(path) in self.suffixes:
            return not body or body[0] in _FIRST_CHARS or body.startswith(("true", "false", "null"))
        if not body or body[0] not in "{[":
            return False
        return _parses(body, len(head))

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            # cut_end: a file cut in the middle of a UTF-8 character is read up to the cut (the
            # records before it scanned), then the cut is said (session 11 new-user fault)
            stream = DecodedStream(raw, path, cut_end=True)
            stats["encoding"] = stream.encoding
            if _suffix(path) in NDJSON_SUFFIXES:
                records: Iterable[Any] = _ndjson(stream.lines(), path)
            else:
                records = self._document(stream, source, path)
            failed: list[ReadError] = []
            yield from self._units(_until_error(records, failed), path, stats, stream)
            if failed:  # raised once the records before the fault are scanned
                raise failed[0]
            cut = stream.cut_error()
            if cut is not None:
                raise cut

    def _too_large(self, path: str, size: int) -> ReadError:
        return ReadError(path, f"JSON document too large to load ({size >> 20} MiB); use NDJSON")

    def _document(self, stream: DecodedStream, source: Source, path: str) -> Iterable[Any]:
        if source.size > self.max_document_bytes:
            raise self._too_large(path, source.size)
        parts: list[str] = []
        for chunk in stream.chunks():
            parts.append(chunk)
            if stream.chars > self.max_document_bytes:
                raise self._too_large(path, max(source.size, stream.chars))
        text = "".join(parts)
        if not text.strip():
            return ()
        try:
            doc = loads(text)
        except RecursionError:
            raise ReadError(path, "JSON nested too deeply") from None
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and "\n" not in text[: exc.pos].strip():
                return _ndjson(_LINE_END.split(text), path)  # one value per line in a .json file
            # a cut or broken document: the records before the fault are read (the cut one as
            # far as it goes), then the error is raised
            part = _salvaged(text)
            error = _invalid(path, exc)
            if part:
                error = ReadError(path, f"{error.reason} (the records before it were read)",
                                  error.position)
            return _then_raise(part if isinstance(part, list) else (part,), error)
        return doc if isinstance(doc, list) else (doc,)

    def _units(self, records: Iterable[Any], path: str, stats: dict,
               stream: DecodedStream) -> Iterator[TableUnit]:
        indexed = enumerate(_flattened(records, path))

        def take() -> list:
            # a batch of records read, decoded and flattened with the cyclic garbage collector
            # paused (as :func:`loads`; the consumer runs with it as it was)
            paused = gc.isenabled()
            gc.disable()
            try:
                return list(itertools.islice(indexed, self.batch_rows))
            finally:
                if paused:
                    gc.enable()

        batches = iter(take, [])
        pending = next(batches, None)
        while pending:
            # keys in order of first appearance (one C-level pass over the records' keys)
            keys = tuple(dict.fromkeys(itertools.chain.from_iterable(rec for _, rec in pending)))
            carry: list[list[tuple[int, dict]]] = []
            stats["columns"] = max(stats["columns"], len(keys))
            # the keys naming a standard are not columns to scan (their records stay in the unit)
            names = tuple(k for k in keys if not names_a_standard(k))

            def produce(first: list[tuple[int, dict]], names: tuple[str, ...] = names,
                        known: frozenset = frozenset(keys),
                        carry: list = carry) -> Iterator[TableBatch]:
                batch = first
                while True:
                    recs = [rec for _, rec in batch]
                    # one C-level map per column (dict.get of each record)
                    columns = [list(map(dict.get, recs, itertools.repeat(k, len(recs))))
                               for k in names]
                    stats["rows"] = batch[-1][0] + 1
                    stats["chars"] = stream.chars
                    stats["encoding"] = stream.encoding
                    yield TableBatch(first_row=batch[0][0], columns=columns)
                    batch = next(batches, None)
                    if not batch:
                        return
                    if not all(map(known.issuperset, [rec for _, rec in batch])):
                        carry.append(batch)
                        return

            unit = TableUnit(Location(path), names, produce(pending))
            yield unit
            for _ in unit.batches:  # skip whatever the consumer left unread
                pass
            pending = carry[0] if carry else None
        stats["chars"] = stream.chars
        stats["encoding"] = stream.encoding


def _parses(body: str, head_len: int) -> bool:
    """True when a head starting with { or [ is JSON: the whole head, its first line, or a
    document cut by the end of a full 64 KiB head."""
    try:
        loads(body)
        return True
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return True
        first_error = exc
    first_line = body.split("\n", 1)[0]
    try:
        return isinstance(loads(first_line), (dict, list))
    except json.JSONDecodeError:
        pass
    return head_len >= HEAD_BYTES and first_error.pos > len(body) - 4096
