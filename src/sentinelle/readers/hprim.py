"""HPRIM Santé files: HPRIM Net / "HPRIM Médecin" reports and HPRIM Santé 2.x records.

Rule sources: the HPRIM Net (HPRIM Médecin) format as French GPs receive lab results through
Apicrypt / MSSanté (association HPRIM, "HPRIM Médecin" 12-line header, ``****LAB****``
structured section, ``RES|`` / ``TEX|`` lines, ``****FIN****`` / ``****FINFICHIER****``
markers), seen in the fixtures of ../shared/corpus/hprim (hprimtool); HPRIM Santé 2.2 for the
record files (``H|``, ``P|``, ``OBR|``, ``OBX|``, ``C|``, ``L|``), whose records and delimiter
definition follow ASTM E1394-97.

Two flavours, told apart by the first non-blank line:

**HPRIM Santé 2.x records** (first line ``H`` + field separator + delimiters): read like HL7 v2
(:mod:`sentinelle.readers.hl7v2`: same splitting, escapes and units). ``H-2`` gives the
repetition, component, escape and sub-component characters in that order (ASTM E1394 7.1.2:
``H|~^\\&|``). A message runs from ``H`` to the next ``H``; a line starting ``A|`` continues the
previous record (HPRIM Santé cuts records at 220 characters); a plain line that starts no record
(a comment written over several lines) goes on with the previous record's last value, joined by
:data:`WRAP_JOINER`, a space: a name or a phone number cut by the wrap is read whole
(``Dr Octave`` / ``BRANDOLINI``, ``06 12 34`` / ``56 78``). One one-row :class:`TableUnit` per
record: ``row`` = 0-based message index, ``sheet`` = record type and its 1-based occurrence in
the message (``OBX[2]``), ``column`` = ``P-6``, fields numbered as in ASTM E1394 (field 1 is the
record type, so ``P-6`` is the patient name, ``P-8`` the birth date). Hinted: ``P-3``/``P-4``/
``P-5`` the patient's identifiers (``ipp``: MEDICAL_RECORD_NUMBER; several repetitions give one
column each, ``P-3[1]``, ``P-3[2]``, as HL7's PID-3, so that an IPP next to a NIR is claimed by
its own detector), ``P-6`` patient name, ``P-7`` birth name, ``P-8`` birth date, ``P-11``
address (postcode, component 4, in ``P-11.4``), ``P-13`` phone, ``P-14`` attending physician.

**HPRIM Net reports** (anything else): a file holds one or more reports, each ending at
``****FIN****``; ``****FINFICHIER****`` ends the file. A report is

1. the 12-line header, when its 7th line is a date: 1 patient file number, 2 NOM, 3 PRENOM,
   4-5 address lines, 6 postcode + town, 7 birth date, 8 NIR, 9 request number, 10 request /
   sampling date, 11 sender code + name, 12 recipient code + name. Lines 8-12 are taken while
   they have the shape of their slot (8: digits, spaces, 2A/2B; 10: a date; 9, 11, 12: one line
   without a ``|``); a header cut short ends where a line does not fit, the rest is the report
   text. The header is one one-row :class:`TableUnit` (``sheet`` ``HPRIM-header``, ``row`` =
   0-based report index) with columns ``HPRIM-header-NOM``, ``-PRENOM``, ``-ADRESSE1``,
   ``-ADRESSE2``, ``-CP_VILLE``, ``-VILLE``, ``-DDN``, ``-NIR``, ``-DEMANDE``, ``-DATE``,
   ``-EMETTEUR``, ``-DESTINATAIRE`` (the code before a run of 2+ spaces of lines 11-12 goes to
   ``-EMETTEUR-CODE`` / ``-DESTINATAIRE-CODE``; line 6 is cut into its postcode, ``-CP_VILLE``,
   and its town, ``-VILLE``: :func:`header_line`), ``-DOSSIER``; hints make PERSON,
   STREET_ADDRESS, LOCATION (``-VILLE``), DATE_OF_BIRTH, FR_NIR, FR_POSTAL_CODE and
   MEDICAL_RECORD_NUMBER (``-DOSSIER``) classify;
2. the free-text report: :class:`TextUnit`\\ s, offsets in the decoded file;
3. after ``****LAB****``, ``RES|`` lines (label, code, type, value, unit, low, high, flag,
   status...) and ``TEX|`` comment lines. They are read as text too, like the report: the
   LAB_RESULT detector's grammar knows the ``RES|HEMOGLOBINE|NF 030|N|14.8|g/dL`` layout, and
   an analyte with its value spans several fields, so splitting the line would hide it.

Nothing is dropped: every line lands in a unit. Markers (``****LAB****``...) give no unit.
HPRIM files are usually ISO-8859-1; decoding is :mod:`sentinelle.readers.encoding`'s.

No library reads HPRIM on PyPI; the format is line-oriented and small, so it is parsed here.
"""

from __future__ import annotations

import itertools
import re
from pathlib import PurePosixPath
from typing import ClassVar, Iterable, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TextUnit, Unit
from sentinelle.readers.encoding import DecodedStream, head_text
from sentinelle.readers.hl7v2 import (RENDERERS, Cell, Delimiters, Rep, component,
                                      segment_cells, table_unit, words)

_MARKER = re.compile(r"^\*{4}(LAB|FIN|FINFICHIER)\*{4}\s*$")
_RECORD_HEAD = re.compile(r"\A[\s\ufeff]*H\|[^\w\s|]{1,4}\|")
_NET_LINE = re.compile(r"^(RES|TEX)\|")
_NET_HEAD = re.compile(r"\A[\s\ufeff]*(?:RES|TEX)\||^\*{4}(?:LAB|FIN|FINFICHIER)\*{4}[ \t]*\r?$",
                       re.M)
_DATE = re.compile(r"^\s*(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{8}|\d{6})\s*$")
_NIR_SHAPE = re.compile(r"^[\dABab ]*$")
_CODE_NAME = re.compile(r"^\s*(\S+)\s{2,}(\S.*?)\s*$")
_RECORD_ID = re.compile(r"[A-Z][A-Z0-9]{0,3}")
#: what joins a plain line that goes on with a record (a wrapped comment) to the record: a space,
#: as the wrap stands for one (a line break in the cell cut the name or number it fell in two
#: for the detectors, and the part after it was left in clear: review 11)
WRAP_JOINER = " "
#: header line 6: a French postcode (5 digits; Corsica 2A/2B + 3 digits, as some software
#: writes it) and the town, a run of words with a letter, around it (La Poste, "ligne 6" of an
#: address, NF Z10-011: postcode, a space, the town in capitals, maybe "CEDEX nn")
_POSTCODE = re.compile(r"(?<![\w])(?:\d{5}|2[AaBb]\d{3})(?![\w])")
_TOWN = re.compile(r"[^\W\d_][\w'’.\-]*(?:[ \t]+(?:[^\W\d_][\w'’.\-]*|\d{1,3}(?!\d)))*")

#: the 12 header slots: (column suffix, hint)
HEADER_SLOTS: tuple[tuple[str, str | None], ...] = (
    ("DOSSIER", "no_dossier"),  # the patient's file number: MEDICAL_RECORD_NUMBER
    ("NOM", "nom"),
    ("PRENOM", "prenom"),
    ("ADRESSE1", "adresse"),
    ("ADRESSE2", "adresse"),
    ("CP_VILLE", "cp_ville"),
    ("DDN", "date_de_naissance"),
    ("NIR", "nir"),
    ("DEMANDE", None),
    ("DATE", "date_prelevement"),
    ("EMETTEUR", None),
    ("DESTINATAIRE", "destinataire"),
)

#: HPRIM Santé 2.x / ASTM E1394 patient record fields: ``P-n`` -> (data type, hint)
RECORD_FIELDS: dict[str, tuple[str | None, str | None]] = {
    "P-3": (None, "ipp"),                      # practice-assigned patient ID
    "P-4": (None, "ipp"),                      # laboratory-assigned patient ID
    "P-5": (None, "ipp"),                      # patient ID no. 3
    "P-6": ("XPN", "nom_patient"),             # patient name (last^first^middle...)
    "P-7": ("XPN", "nom_jeune_fille"),         # mother's maiden / birth name
    "P-8": (None, "date_de_naissance"),        # birthdate
    "P-11": ("ASTM_AD", "adresse"),            # address (street^city^state^zip^country)
    "P-13": (None, "telephone"),               # patient telephone number
    "P-14": ("XCN", "medecin"),                # attending physician (ID^last^first...)
}


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


def _astm_address(rep: Rep) -> dict[str, str]:
    """ASTM E1394 address: street^city^state^zip^country; the zip goes to ``.4``."""
    return {"": words((component(rep, i) for i in (1, 2, 3, 5)), ", "), ".4": component(rep, 4)}


_RENDERERS = {**RENDERERS, "ASTM_AD": (_astm_address, {".4": "code_postal"})}


def _astm_cells(rec: str, line: str, d: Delimiters) -> list[Cell]:
    """Cells of one record; field 1 is the record type (ASTM numbering)."""
    fields = line.split(d.field)
    if rec == "H":  # H-2 is the delimiter definition
        return segment_cells(rec, fields[2:], d, spec=RECORD_FIELDS, first=3,
                             renderers=_RENDERERS)
    return segment_cells(rec, fields[1:], d, spec=RECORD_FIELDS, first=2, renderers=_RENDERERS)


class HprimReader(Reader):
    """HPRIM Net reports (12-line header, text, ``RES|``/``TEX|``) and HPRIM Santé 2.x records."""

    name: ClassVar[str] = "hprim"
    suffixes: ClassVar[tuple[str, ...]] = (".hpr", ".hpm", ".hpm2", ".hprim", ".hpe")

    def __init__(self, batch_rows: int = 5000):
        self.batch_rows = batch_rows  # accepted for make_readers; units hold one row

    def sniff(self, head: bytes, path: str) -> bool:
        if _suffix(path) in self.suffixes:
            return True  # read() reports a file that is not text
        text = head_text(head)
        if text is None:
            return False
        return _RECORD_HEAD.match(text) is not None or _NET_HEAD.search(text) is not None

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            stream = DecodedStream(raw, path)
            stats["encoding"] = stream.encoding
            lines = _numbered(stream.lines())
            leading = []  # blank lines before the first line that tells the flavour
            first = next(lines, None)
            while first is not None and not first[2].strip():
                leading.append(first)
                first = next(lines, None)
            if first is None:
                return
            lines = itertools.chain(leading, [first], lines)
            if _RECORD_HEAD.match(first[2]):
                units = self._records(lines, path, stats)
            else:
                units = self._reports(lines, path, stats)
            for unit in units:
                stats["chars"] = stream.chars
                yield unit
            stats["chars"] = stream.chars
            stats["encoding"] = stream.encoding

    # -- HPRIM Santé 2.x -----------------------------------------------------------------
    def _records(self, lines: Iterable[tuple[int, int, str]], path: str,
                 stats: dict) -> Iterator[Unit]:
        message: list[tuple[str, str]] = []
        index = -1
        d: Delimiters | None = None

        def flush() -> Iterator[Unit]:
            counts: dict[str, int] = {}
            for rec, line in message:
                counts[rec] = counts.get(rec, 0) + 1
                assert d is not None
                cells = _astm_cells(rec, line, d)
                if cells:
                    stats["columns"] = max(stats["columns"], len(cells))
                    yield table_unit(path, f"{rec}[{counts[rec]}]", index, cells)

        for number, _offset, line in lines:
            body = line.rstrip("\r\n").lstrip("\ufeff")
            if not body.strip():
                continue
            if body.startswith("H") and len(body) > 1 and body[1] == "|":
                yield from flush()
                message = []
                index += 1
                stats["rows"] = index + 1
                d = Delimiters.from_astm(body)
                message.append(("H", body))
                continue
            if d is None:  # cannot happen: the first line is an H record
                raise ReadError(path, "HPRIM Santé record before the H record", f"line {number}")
            rec = body.split(d.field, 1)[0]
            if rec == "A" and message:  # continuation of the previous record
                r, prev = message[-1]
                message[-1] = (r, prev + body[2:])
            elif _RECORD_ID.fullmatch(rec):
                message.append((rec, body))
            elif message:  # a line break inside a value
                r, prev = message[-1]
                message[-1] = (r, prev + WRAP_JOINER + body)
        yield from flush()

    # -- HPRIM Net -----------------------------------------------------------------------
    def _reports(self, lines: Iterable[tuple[int, int, str]], path: str,
                 stats: dict) -> Iterator[Unit]:
        index = 0
        report: list[tuple[int, int, str]] = []  # (line number, char offset, line with end)
        for item in lines:
            m = _MARKER.match(item[2].rstrip("\r\n"))
            if m and m.group(1) in ("FIN", "FINFICHIER"):
                if any(t.strip() for _, _, t in report):
                    yield from self._report(report, index, path, stats)
                    index += 1
                report = []
                continue
            report.append(item)
        if any(t.strip() for _, _, t in report):
            yield from self._report(report, index, path, stats)

    def _report(self, report: list[tuple[int, int, str]], index: int, path: str,
                stats: dict) -> Iterator[Unit]:
        stats["rows"] = index + 1
        body_start = 0
        header = _header(report)
        if header:
            stats["columns"] = max(stats["columns"], len(header[1]))
            body_start = header[0]
            cells = header[1]
            if cells:
                yield table_unit(path, "HPRIM-header", index, cells)
        text: list[str] = []
        text_offset = 0
        for _number, offset, line in report[body_start:]:
            if _MARKER.match(line.rstrip("\r\n")):  # ****LAB****: a block ends
                if text:
                    yield TextUnit("".join(text), Location(path), text_offset)
                    text = []
                continue
            if not text:
                text_offset = offset
            text.append(line)
        if text:
            yield TextUnit("".join(text), Location(path), text_offset)


def _header(report: list[tuple[int, int, str]]) -> tuple[int, list[Cell]] | None:
    """``(number of header lines, cells)`` when the report starts with the 12-line header."""
    lines = [t.rstrip("\r\n") for _, _, t in report[:12]]
    if len(lines) < 7 or not _DATE.match(lines[6]):
        return None
    if any(_MARKER.match(x) or _NET_LINE.match(x) for x in lines[:7]):
        return None
    n = 7
    shapes = {7: lambda s: bool(_NIR_SHAPE.match(s)), 8: lambda s: "|" not in s and len(s) <= 40,
              9: lambda s: not s.strip() or bool(_DATE.match(s)),
              10: lambda s: "|" not in s, 11: lambda s: "|" not in s}
    while n < len(lines) and n < 12:
        s = lines[n]
        if _MARKER.match(s) or _NET_LINE.match(s) or not shapes[n](s):
            break
        n += 1
    cells: list[Cell] = []
    for k in range(n):
        value = lines[k]
        if not value.strip():
            continue
        cells.extend(Cell(column, text, hint) for column, _at, text, hint in header_line(k, value))
    return n, cells


def header_line(k: int, value: str) -> list[tuple[str, int, str, str | None]]:
    """The cells of header line ``k`` (0-based) holding ``value`` (line end stripped):
    ``(column, start of the text in value, text, hint)``. Lines 11-12: the code before a run of
    2+ spaces apart from the name. Line 6: the postcode (``-CP_VILLE``, hinted ``cp_ville``)
    apart from the town (``-VILLE``, hinted ``ville``), so that each is claimed by its own
    detector (a table column has one): ``75012 PARIS``, ``PARIS CEDEX 12``, ``PARIS 75012``;
    a line without a postcode is the town alone."""
    slot, hint = HEADER_SLOTS[k]
    column = f"HPRIM-header-{slot}"
    if slot in ("EMETTEUR", "DESTINATAIRE"):
        m = _CODE_NAME.match(value)
        if m:
            return [(column, m.start(2), m.group(2), hint),
                    (column + "-CODE", m.start(1), m.group(1), None)]
    if slot == "CP_VILLE":
        out: list[tuple[str, int, str, str | None]] = []
        m = _POSTCODE.search(value)
        if m:
            out.append((column, m.start(), m.group(), hint))
        # the town after the postcode, else before it
        for lo, hi in ((m.end(), len(value)), (0, m.start())) if m else ((0, len(value)),):
            t = _TOWN.search(value, lo, hi)
            if t:
                out.append(("HPRIM-header-VILLE", t.start(), t.group(), "ville"))
                break
        if out:
            return sorted(out, key=lambda c: c[1])
    return [(column, 0, value, hint)]


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """``(1-based line number, char offset of the line in the decoded file, line)``."""
    offset = 0
    for number, line in enumerate(lines, 1):
        yield number, offset, line
        offset += len(line)
