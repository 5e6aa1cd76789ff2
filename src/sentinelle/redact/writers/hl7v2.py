"""HL7 v2 written back: segments, their order, terminators (CR, LF or CRLF as written), field
counts, MSH-1 / MSH-2 and every delimiter kept; only the content of the (sub-)components that
hold findings is replaced, and replaced text is escaped (HL7 v2.5.1 section 2.7: ``\\F\\ \\S\\
\\T\\ \\R\\ \\E\\``, ``\\X0D\\`` / ``\\X0A\\`` for line breaks) so it can never add a delimiter.

Messages and segment occurrences are counted as :mod:`sentinelle.readers.hl7v2` does (``row`` =
message index, ``sheet`` = ``PID[1]``, ``column`` = ``PID-5``, ``PID-11.5``, ``OBX-3/5/6``).
A cell of the reader is a *rendering* of a field (components joined by spaces, an address by
", "); to find which raw sub-component each character of a cell comes from, the segment is
rendered again by the reader's own code with every sub-component replaced by a unique marker,
and the markers are located in the result. A finding that spans several sub-components (a name
``MARTIN^CLAIRE`` read as ``MARTIN CLAIRE``) is replaced piece by piece: each sub-component gets
the operator's result for its own part (``<PERSON>^<PERSON>``; a fake family name and a fake
given name), so no component is emptied or merged and the field keeps its shape.

A value found and replaced in one field is replaced the same way wherever else its message
writes it, whatever its case and accents (:func:`replace_echoes`: a date of birth of IN1-18
repeated in an OBX-5 note, the PID-3 patient number in a comment, ``DUPONTEL`` in a note
beside a replaced ``Dupontel``), at least :data:`ECHO_MIN_CHARS` characters, in the data
fields only: a whole word in free text (NTE-3, a text OBX-5, an untyped or Z-segment field)
and in the texts of a coded value of a local coding system or none (``L123^Bilan Dupontel^L``
in OBR-4, OBX-3, a coded OBX-5, a code table field: the sender's own words), a whole field,
component or sub-component in a typed field and in a local code's codes, never in the code
and text of a standard coding system (LN, SCT, ICD, UCUM, HL7 tables) nor in a measurement
(:func:`echo_kind`; Session 13: the surname ``Pompe`` rewrote the test name ``Pompe Disease
newborn screening panel^LN`` of OBR-4; its review: every OBR-4 / OBX-3 / coded OBX-5 was then
skipped, local ones too, and only the exact case was looked for).

Records (session 12): a fake NIR is the one the same NIR gets in every other file and format (a
function of the NIR, the key and the policy: :mod:`sentinelle.redact.fakes`, "One NIR, one
fake"), its year and month those a shifted PID-7 of the person shows (up to a month end). Each
PID segment is still redacted in two steps (PID-7 and PID-8 first, then the rest) and a
:class:`~sentinelle.redact.fakes.Record` of the written PID-7 / PID-8 is still passed with the
PID's NIRs, as in session 11, but the operators ignore it (left for a later clean-up).

The country of an address (XAD component 6, HL7 v2.5.1 2.A.88: an ISO 3166 code from table
0399, such as ``FRA``) is kept as written: it is a whole country, not a place that narrows
down a person (HIPAA Safe Harbor keeps geography down to the state), and faking it made a town
of it (``FRA`` -> ``MOGNEVILLE``, session 9 fault list). A component 6 that is not a 2- or
3-letter code is replaced like the rest of the address, and so is a country that is all the
finding holds (an address field ``^^^^^USA``: found alone, it would be an original value left).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sentinelle.errors import ReadError
from sentinelle.readers.encoding import DecodedStream
from sentinelle.readers.hl7v2 import (_HEAD, _SEGMENT_ID, HEADER_SEGMENTS, Delimiters, Hl7v2Reader,
                                      unescape)
from sentinelle.redact import dates, fakes
from sentinelle.redact.engine import RECORD_FAKES, Unplaced, person_key
from sentinelle.redact.feed import TableFeed
from sentinelle.redact.operators import replace_spans
from sentinelle.redact.writers.encoding import output_encoding

_MARK = re.compile("\ue000([0-9a-f]+)\ue001")


@dataclass(slots=True)
class _Segment:
    seg: str
    d: Delimiters
    lines: list[int] = field(default_factory=list)  # indexes into the physical lines


@dataclass(slots=True)
class _Line:
    lead: str  # BOM / spaces dropped by the reader before the first segment
    text: str
    eol: str


def escape(text: str, d: Delimiters) -> str:
    """``text`` with every delimiter written as its HL7 escape sequence (v2.5.1 2.7.1)."""
    if not d.escape:
        return text
    out = []
    for ch in text:
        if ch == d.escape:
            out.append(f"{d.escape}E{d.escape}")
        elif ch == d.field:
            out.append(f"{d.escape}F{d.escape}")
        elif d.component and ch == d.component:
            out.append(f"{d.escape}S{d.escape}")
        elif d.subcomponent and ch == d.subcomponent:
            out.append(f"{d.escape}T{d.escape}")
        elif d.repetition and ch == d.repetition:
            out.append(f"{d.escape}R{d.escape}")
        elif ch == "\r":
            out.append(f"{d.escape}X0D{d.escape}")
        elif ch == "\n":
            out.append(f"{d.escape}X0A{d.escape}")
        else:
            out.append(ch)
    return "".join(out)


def _hl7_skip(seg: str, k: int) -> bool:
    """True for the parts of a segment split on its field separator that hold no data: the
    segment ID, MSH-1/MSH-2 (the delimiters), OBX-2 (the value type)."""
    return k == 0 or (seg in HEADER_SEGMENTS and k == 1) or (seg == "OBX" and k == 2)


def _hl7_field(seg: str, k: int) -> str:
    """The field name (``PID-11``) of part ``k`` of a segment split on its field separator
    (MSH-1 is the separator itself, so part 1 of an MSH is MSH-2)."""
    return f"{seg}-{k + 1 if seg in HEADER_SEGMENTS else k}"


#: an ISO 3166-1 alpha-2 or alpha-3 country code (HL7 table 0399)
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2,3}")


def _hl7_country(field_name: str, component_no: int, text: str) -> bool:
    """True for the country component of an address field (XAD component 6) holding a
    country code: kept as written (module docstring)."""
    from sentinelle.readers.hl7v2 import FIELDS

    return (component_no == 6 and FIELDS.get(field_name, (None,))[0] == "XAD"
            and _COUNTRY_CODE.fullmatch(text.strip()) is not None)


def _pieces(line: str, seg: str, d: Delimiters, skip=_hl7_skip,
            field_name=_hl7_field) -> list[tuple[int, int, str, int]]:
    """Raw ``(start, end, field name, component number)`` of every sub-component of ``line``
    that can hold data (``skip(seg, k)`` false for its field part ``k``)."""
    out: list[tuple[int, int, str, int]] = []
    pos = 0
    parts = line.split(d.field)
    for k, part in enumerate(parts):
        start = pos
        pos += len(part) + 1
        if skip(seg, k):
            continue
        name = field_name(seg, k)
        for a, b, comp in _subcomponents(part, start, d):
            out.append((a, b, name, comp))
    return out


def _split(text: str, base: int, seps: list[str], level: int = 0,
           comp: int = 1) -> list[tuple[int, int, int]]:
    """``(start, end, component number)`` of the sub-components of ``text``; ``level`` 1 is
    the component level (``seps`` are repetition, component, sub-component)."""
    if not seps:
        return [(base, base + len(text), comp)]
    sep, rest = seps[0], seps[1:]
    if not sep:
        return _split(text, base, rest, level + 1, comp)
    out = []
    pos = 0
    for n, chunk in enumerate(text.split(sep), 1):
        out.extend(_split(chunk, base + pos, rest, level + 1, n if level == 1 else comp))
        pos += len(chunk) + 1
    return out


def _subcomponents(text: str, base: int, d: Delimiters) -> list[tuple[int, int, int]]:
    """``_split(text, base, [d.repetition, d.component, d.subcomponent])`` without the
    recursion (the same list: ``(start, end, component number)`` of every sub-component of a
    field ``text`` that starts at ``base``); called for every field of every segment written."""
    rep, comp, sub = d.repetition, d.component, d.subcomponent
    out: list[tuple[int, int, int]] = []
    at = base
    for rchunk in (text.split(rep) if rep else (text,)):
        c_at = at
        for n, cchunk in enumerate(rchunk.split(comp) if comp else (rchunk,), 1):
            if sub:
                s_at = c_at
                for schunk in cchunk.split(sub):
                    out.append((s_at, s_at + len(schunk), n))
                    s_at += len(schunk) + 1
            else:
                out.append((c_at, c_at + len(cchunk), n))
            c_at += len(cchunk) + 1
        at += len(rchunk) + 1
    return out


def _redact_segment(line: str, seg: str, d: Delimiters, by_column: dict, person: str,
                    where: tuple, run, replaced: list | None = None,
                    records: dict | None = None) -> str:
    """``line`` with the findings of its cells (``column -> findings``) replaced; each
    ``(original, replacement)`` text is appended to ``replaced``. ``records``: normalised NIR
    -> :class:`fakes.Record` its fake follows (a PID segment adds its own: module docstring)."""
    if seg != "PID" or records is None:
        return apply_edits(line, segment_edits(line, seg, d, by_column, person, where, run,
                                               replaced=replaced, records=records))
    first = {c: fs for c, fs in by_column.items() if _field_of(c) in _RECORD_FIELDS}
    rest = {c: fs for c, fs in by_column.items() if c not in first}
    if first:
        line = apply_edits(line, segment_edits(line, seg, d, first, person, where, run,
                                               replaced=replaced, records=records))
    record = _pid_record(line, d)
    for found in rest.values():
        for f in found:
            if f.entity_type in RECORD_FAKES:
                records.setdefault(f.normalized or f.value, record)
    return apply_edits(line, segment_edits(line, seg, d, rest, person, where, run,
                                           replaced=replaced, records=records))


#: PID fields a fake NIR follows: date/time of birth, administrative sex (HL7 v2.5.1 3.4.2)
_RECORD_FIELDS = ("PID-7", "PID-8")


def _field_of(column: str) -> str:
    """``PID-3`` for a column ``PID-3[2]`` (a repetition of the reader's)."""
    return column.split("[", 1)[0]


def _pid_record(line: str, d: Delimiters) -> "fakes.Record":
    """What a PID segment ``line`` (as written) shows: the sex of PID-8 (table 0001: ``M``,
    ``F``; others give None) and the year and month of PID-7 (first component, a DTM
    ``YYYYMMDD...``; a year alone gives no month; anything that is no date gives neither)."""
    parts = line.split(d.field)

    def first_component(k: int) -> str:
        if k >= len(parts):
            return ""
        text = parts[k]
        for sep in (d.repetition, d.component, d.subcomponent):
            if sep:
                text = text.split(sep, 1)[0]
        return unescape(text, d).strip()

    year = month = None
    written = dates.parse(first_component(7)) if first_component(7) else None
    if written is not None:
        year = written.date.year
        month = None if written.kind == "year" else written.date.month
    return fakes.Record(fakes.sex_of(first_component(8)), year, month)


#: shortest original value replaced again wherever else it stands in its message: shorter ones
#: (``F``, ``MTH``, ``12``) are codes and counters as often as data
ECHO_MIN_CHARS = 4


def _fold_table() -> dict[int, str]:
    """Each Latin letter (U+0000-U+024F) that differs from its folded form -> that form: its
    base letter (first character of its canonical decomposition: ``é`` -> ``e``) in lower case,
    one character for one, so a folded text keeps the offsets of the text."""
    import unicodedata

    table = {}
    for cp in range(0x250):
        c = chr(cp)
        low = unicodedata.normalize("NFD", c)[0].lower()
        if len(low) == 1 and low != c:
            table[cp] = low
    return table


#: :func:`fold`'s translation table (read only)
_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` in lower case without accents on Latin letters (``DUPONTÉL`` -> ``dupontel``),
    character for character (same length, same offsets); other scripts as written."""
    return text.translate(_FOLD)


def echo_pattern(replaced: list[tuple[str, str]], d: Delimiters):
    """``(regex, {folded raw original: raw replacement})`` over the originals of ``replaced``
    (decoded ``(original, replacement)`` pairs of one message) of :data:`ECHO_MIN_CHARS`
    characters or more, written as they stand in a raw line (escaped) and :func:`fold`-ed, each
    one a whole token: not inside a longer word or number; None when there is none. The regex
    is run on a folded text: an echo is found whatever its case and accents (``Dupontel``
    replaced, ``DUPONTEL`` and ``dupontel`` in a note too: Session 13 review); it gets the
    replacement of the first original that folds alike. The longest original is tried first."""
    table: dict[str, str] = {}
    for old, new in replaced:
        if len(old.strip()) < ECHO_MIN_CHARS or old == new:
            continue
        table.setdefault(fold(escape(old, d)), escape(new, d))
    if not table:
        return None
    alts = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)"), table


#: fields that hold coded values (HL7 v2.5.1): OBR-4 universal service identifier (the ordered
#: test, 4.5.3.4), OBX-3 observation identifier and OBX-6 units (7.4.2), SPM-4 specimen type
#: (7.4.3), ORC-16 order control code reason, OBR-31 reason for study (CWE). An echo is looked
#: for there as in a coded OBX-5 (:func:`_code_edits`): never in a code of a standard coding
#: system and its text (the surname ``Pompe`` of PID-5 rewrote ``63414-7^Pompe Disease newborn
#: screening panel^LN`` in OBR-4), but in a local code's text (``L123^Bilan Dupontel^L``: the
#: sender's own words; Session 13 review)
ECHO_CODED_FIELDS = frozenset({"OBR-4", "OBX-3", "OBX-6", "SPM-4", "ORC-16", "OBR-31"})
#: OBX-2 value types of an OBX-5 that is free text (2.A.74 ST, 2.A.79 TX, 2.A.31 FT): an echo
#: is replaced there as a whole word
ECHO_TEXT_TYPES = frozenset({"", "ST", "TX", "FT"})
#: OBX-2 value types of an OBX-5 that is a coded value (CE 2.A.8, CWE 2.A.13, CNE 2.A.9, CF
#: 2.A.11): looked at by coding system (:func:`_code_edits`)
ECHO_CODE_TYPES = frozenset({"CE", "CWE", "CNE", "CF"})
#: OBX-2 value types of an OBX-5 never rewritten: a measurement (NM numeric, SN structured
#: numeric, NR numeric range: a glucose of ``1985`` is no echo of a birth year) or a value of
#: an HL7-defined table (ID). IS (a user-defined table: the sender's own) is an ordinary field
ECHO_CODED_TYPES = frozenset({"ID", "NM", "SN", "NR"})
#: the free-text fields of the standard segments: NTE-3 comment (FT, 2.5.3.3); OBX-5 by its
#: OBX-2 (:data:`ECHO_TEXT_TYPES`)
ECHO_TEXT_FIELDS = frozenset({"NTE-3"})
#: coded value (CWE 2.A.13) components that are texts: 2 text, 5 alternate text, 9 original
#: text (the reader's ``_CWE_TEXTS``)
_TEXT_COMPONENTS = (2, 5, 9)
#: the coding system component (3, 6) a component's code, text or version (1, 2, 7; 4, 5, 8)
#: belongs to
_SYSTEM_OF = {1: 3, 2: 3, 3: 3, 7: 3, 4: 6, 5: 6, 6: 6, 8: 6}
#: coded value components that name a coding system (table 0396, or a sender's local one:
#: ``MAYO``, ``99LDH``): not rewritten in a field HL7 types as coded (a name found elsewhere,
#: ``Mayo`` of ``Mayo Clinic``, is no echo there)
_SYSTEM_COMPONENTS = (3, 6)


def _standard(text: str) -> bool:
    """True when ``text`` names a standard coding system of HL7 table 0396: a clinical one
    (LN, SCT, I10, UCUM...: the reader's ``CLINICAL_SYSTEMS``) or an administrative table
    (``HL7nnnn``, ``ISOnnnn``, ``CDCREC``); a local one (``L``, ``99zzz``) or none is not."""
    from sentinelle.readers.hl7v2 import _system

    return _system(text) in ("clinical", "admin")


def _standard_systems(rep, implied_loinc: bool) -> set[int]:
    """The coding system components (3, 6) of one decoded repetition ``rep`` that name a
    standard system (:func:`_standard`); with ``implied_loinc`` (OBR-4), component 3 too when
    neither is written and the code is a LOINC code with its check digit (the reader's
    ``_implied_loinc``: ``63414-7^Pompe Disease newborn screening panel``)."""
    from sentinelle.readers.hl7v2 import _implied_loinc, component

    out = {c for c in (3, 6) if _standard(component(rep, c))}
    if implied_loinc and not out and _implied_loinc(rep):
        out.add(3)
    return out


def _has_standard_code(raw: str, d: Delimiters) -> bool:
    """True when a repetition of the field ``raw`` names a standard coding system."""
    from sentinelle.readers.hl7v2 import split_field

    return bool(d.component) and d.component in raw and any(
        _standard_systems(rep, False) for rep in split_field(raw, d))


def echo_kind(name: str, raw: str, d: Delimiters, obx_type: str = "") -> str:
    """How an echo of a replaced value is looked for in the field ``name`` written ``raw``:

    * ``"coded"``: never (a field the reader types as an HD, an OBX-5 of a numeric or HL7
      table :data:`ECHO_CODED_TYPES` type);
    * ``"code"``: a coded value, component by component (:func:`_code_edits`): never in the
      code, text and version of a standard coding system, else as ``"text"`` in its texts and
      as ``"field"`` in its codes (:data:`ECHO_CODED_FIELDS`, a field the reader types as a
      code table, an OBX-5 of a coded :data:`ECHO_CODE_TYPES` type, an untyped field with a
      repetition naming a standard coding system);
    * ``"text"``: as a whole word (:data:`ECHO_TEXT_FIELDS`, OBX-5 of a text type, a field
      of a Z-segment (locally defined) or one the reader has no type for: a note may repeat a
      name or a number inside a sentence);
    * ``"field"``: only where it is a whole field, component or sub-component (a typed field:
      a name, an address, an identifier, a date)."""
    from sentinelle.readers.hl7v2 import FIELDS

    if name in ECHO_CODED_FIELDS:
        return "code"
    if name == "OBX-5":
        t = obx_type.strip().upper()
        if t in ECHO_CODED_TYPES:
            return "coded"
        if t in ECHO_CODE_TYPES:
            return "code"
        return "text" if t in ECHO_TEXT_TYPES else "field"
    if name in ECHO_TEXT_FIELDS:
        return "text"
    typed = FIELDS.get(name, (None, None))[0]
    if typed == "HD":
        return "coded"
    if typed == "CODE" or (typed is None and _has_standard_code(raw, d)):
        return "code"
    return _plain_kind(name)


def _plain_kind(name: str) -> str:
    """``"text"`` or ``"field"`` for a field ``name`` that holds no coded value
    (:func:`echo_kind`)."""
    from sentinelle.readers.hl7v2 import FIELDS

    if name.startswith("Z") or name not in FIELDS:
        return "text"
    return "field"


def _codes_kind(name: str) -> str:
    """How echoes are looked for in the codes (not the texts) of a coded value field ``name``
    of no standard system: as whole (sub-)components (``"field"``) in a field HL7 types as
    coded, as in the field's :func:`_plain_kind` in a field the reader has no type for."""
    from sentinelle.readers.hl7v2 import FIELDS

    if name in ECHO_CODED_FIELDS or name == "OBX-5" or FIELDS.get(name, (None,))[0] == "CODE":
        return "field"
    return _plain_kind(name)


def _text_edits(text: str, base: int, regex, table) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of every echo in the raw ``text`` (whole words, whatever
    their case and accents: :func:`echo_pattern`), offsets from ``base``."""
    return [(base + m.start(), base + m.end(), table[m.group(0)])
            for m in regex.finditer(fold(text))]


def _piece_edits(text: str, base: int, d: Delimiters, table) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of every sub-component of the raw ``text`` (a field or a
    component) that is an echo as a whole (spaces aside), offsets from ``base``."""
    edits = []
    for a, b, _c in _subcomponents(text, base, d):
        piece = text[a - base:b - base]
        core = piece.strip()
        new = table.get(fold(core)) if core else None
        if new is not None:
            lead = len(piece) - len(piece.lstrip())
            edits.append((a + lead, a + lead + len(core), new))
    return edits


def _code_edits(part: str, d: Delimiters, regex, table, implied_loinc: bool,
                codes: str) -> list[tuple[int, int, str]]:
    """The echo edits of a coded value field written ``part`` (CWE 2.A.13, CE, CNE), one
    repetition at a time: the components of a standard coding system (:func:`_standard_systems`:
    component 3 for 1, 2, 3 and 7; 6 for 4, 5, 6 and 8) are left, and so are the coding systems
    (3, 6) of a field HL7 types as coded (``codes`` ``"field"``: a local system's name, ``MAYO``,
    is no echo of a ``Mayo`` found elsewhere); in the others, the texts (2, 5, 9) get whole-word
    echoes and the rest as ``codes`` says (``"field"``: a whole (sub-)component; ``"text"``:
    whole words). A local code (``L123^Bilan Dupontel Mireille^L``) or one of no system is the
    sender's own words (Session 13 review)."""
    from sentinelle.readers.hl7v2 import split_field

    edits: list[tuple[int, int, str]] = []
    at = 0
    for rchunk in (part.split(d.repetition) if d.repetition else (part,)):
        standard = _standard_systems(split_field(rchunk, d)[0], implied_loinc)
        c_at = at
        for n, cchunk in enumerate(rchunk.split(d.component) if d.component else (rchunk,), 1):
            if n in standard or (n in _SYSTEM_COMPONENTS and codes == "field"):
                pass  # a coding system: of the standard, or of a field HL7 types as coded
            elif _SYSTEM_OF.get(n) not in standard:
                if n in _TEXT_COMPONENTS or codes == "text":
                    edits.extend(_text_edits(cchunk, c_at, regex, table))
                else:
                    edits.extend(_piece_edits(cchunk, c_at, d, table))
            c_at += len(cchunk) + 1
        at += len(rchunk) + 1
    return edits


def replace_echoes(line: str, seg: str, d: Delimiters, replaced: list[tuple[str, str]],
                   skip=_hl7_skip, compiled=False, field_name=_hl7_field) -> tuple[str, int]:
    """``line`` with every other occurrence of a replaced value (:func:`echo_pattern`: whatever
    its case and accents) in its data fields replaced as the value was, and the number of them:
    a date of birth found in IN1-18 and written again in an OBX-5 note, a patient number of
    PID-3 repeated in a comment (session 11 fault list). The segment ID, MSH-1/MSH-2 and OBX-2
    are left as written, and each field as :func:`echo_kind` says: never in a standard code
    and its text (OBR-4 ``...^Pompe Disease...^LN``) nor in a measurement, free text and the
    texts of a local code as a whole word, the other fields only as a whole (sub-)component
    (Session 13). ``compiled``: ``echo_pattern(replaced, d)`` when already made."""
    from sentinelle.readers.hl7v2 import IMPLIED_LOINC_FIELDS

    if compiled is False:
        compiled = echo_pattern(replaced, d)
    if compiled is None:
        return line, 0
    regex, table = compiled
    parts = line.split(d.field)
    obx_type = parts[2] if seg == "OBX" and len(parts) > 2 else ""
    count = 0
    for k, part in enumerate(parts):
        # every echo is a whole token of the folded field: none, nothing to look at
        if skip(seg, k) or not part or regex.search(fold(part)) is None:
            continue
        name = field_name(seg, k)
        kind = echo_kind(name, part, d, obx_type)
        if kind == "coded":
            continue
        if kind == "text":
            edits = _text_edits(part, 0, regex, table)
        elif kind == "code":
            edits = _code_edits(part, d, regex, table, name in IMPLIED_LOINC_FIELDS,
                                _codes_kind(name))
        else:
            edits = _piece_edits(part, 0, d, table)
        if edits:
            parts[k] = apply_edits(part, edits)
            count += len(edits)
    return d.field.join(parts), count


def apply_edits(line: str, edits: list[tuple[int, int, str]]) -> str:
    """``line`` with each raw ``(start, end, new text)`` edit made (edits in order, apart)."""
    out = []
    pos = 0
    for a, b, new in edits:
        out.append(line[pos:a])
        out.append(new)
        pos = b
    out.append(line[pos:])
    return "".join(out)


def segment_edits(line: str, seg: str, d: Delimiters, by_column: dict, person: str,
                  where: tuple, run, cells=None, skip=_hl7_skip, field_name=_hl7_field,
                  kept=_hl7_country, replaced: list | None = None,
                  records: dict | None = None) -> list[tuple[int, int, str]]:
    """The raw ``(start, end, new text)`` edits of ``line`` (in order) that replace the
    findings of its cells (``column -> findings``). ``cells(seg, line, d)`` renders the cells
    as the reader does (default: HL7 v2's); ``skip``/``field_name`` tell the fields apart;
    ``kept(field, component, text)`` is true for a piece left as written (a country code).
    ``replaced``: a list each decoded ``(original, replacement)`` text is appended to.
    ``records``: normalised NIR -> the :class:`fakes.Record` its fake follows."""
    if cells is None:
        # the fields read as XTN by their codes (IN1-7 ^WPN^PH^...) and the parts not read (an
        # HD's OID, a coded value's codes) are told from the line as written: in the marked
        # line below, the codes are markers too
        layout = Hl7v2Reader.layout(seg, line, d)

        def cells_of(s, text, dd):
            return Hl7v2Reader._cells(s, text, dd, layout)
    else:
        cells_of = cells
    pieces = [p for p in _pieces(line, seg, d, skip, field_name) if line[p[0]:p[1]].strip()]
    marked_parts = []
    pos = 0
    for i, (a, b, _f, _c) in enumerate(pieces):
        marked_parts.append(line[pos:a])
        marked_parts.append(f"\ue000{i:x}\ue001")
        pos = b
    marked_parts.append(line[pos:])
    marked = "".join(marked_parts)
    decoded = [unescape(line[a:b], d) for a, b, _f, _c in pieces]
    keep = {i for i, (_a, _b, f, c) in enumerate(pieces) if kept(f, c, decoded[i])}
    cells = {c.column: c.text for c in cells_of(seg, marked, d)}
    edits: dict[int, list] = {}  # piece -> [(local start, local end, fn)]
    for column, found in by_column.items():
        rendered = cells.get(column)
        if rendered is None:
            raise Unplaced
        text_parts: list[str] = []
        ranges: list[tuple[int, int, int]] = []  # (start, end, piece) in the original cell
        at = 0
        last = 0
        for m in _MARK.finditer(rendered):
            lit = rendered[last:m.start()]
            text_parts.append(lit)
            at += len(lit)
            i = int(m.group(1), 16)
            text_parts.append(decoded[i])
            ranges.append((at, at + len(decoded[i]), i))
            at += len(decoded[i])
            last = m.end()
        text_parts.append(rendered[last:])
        cell = "".join(text_parts)
        for f in found:
            s, e = f.start, f.end
            if cell[s:e] != f.value:
                s = cell.find(f.value) if f.value else -1
                if s < 0:
                    raise Unplaced
                e = s + len(f.value)
            hit = [(a, b, i, max(a, s), min(b, e)) for a, b, i in ranges if max(a, s) < min(b, e)]
            if not hit:
                raise Unplaced
            # the country is kept beside the rest of an address; a finding that is the
            # country alone (an address field holding only ^^^^^USA) is replaced
            alone = all(i in keep for _a, _b, i, _lo, _hi in hit)
            for a, b, i, lo, hi in hit:
                if i in keep and not alone:
                    continue
                record = (records.get(f.normalized or f.value)
                          if records and f.entity_type in RECORD_FAKES else None)
                # a ``run`` of another writer (HPRIM's) may take no record
                fn = (run.op(f, person, where) if record is None
                      else run.op(f, person, where, record))
                if replaced is not None:
                    fn = _recorded(fn, replaced)
                edits.setdefault(i, []).append((lo - a, hi - a, fn))
    out: list[tuple[int, int, str]] = []
    for i, (a, b, _f, _c) in enumerate(pieces):
        if i not in edits:
            continue
        raw = line[a:b]
        if d.escape and d.escape in raw:  # escapes inside: rewrite the whole piece
            new = escape(replace_spans(decoded[i], edits[i]), d)
        else:
            new = replace_spans(raw, [(s, e, _escaped(fn, d)) for s, e, fn in edits[i]])
        out.append((a, b, new))
    return out


def _recorded(fn, replaced: list):
    def apply(text: str) -> str:
        new = fn(text)
        replaced.append((text, new))
        return new
    return apply


def _escaped(fn, d: Delimiters):
    return lambda text: escape(fn(text), d)


class Hl7v2Writer:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        feed = TableFeed(reader.read(source, stats), run.pipeline, run.note)
        found = feed.collect()
        with open(source.fs_path, "rb") as raw:
            stream = DecodedStream(raw, source.display)
            lines, messages = _parse(stream.lines(), source.display)
        used = 0
        coherent = any(run.operators.spec(e).operator == "fake" for e in RECORD_FAKES)
        for index, message in enumerate(messages):
            counts: dict[str, int] = {}
            keyed = []
            for segment in message:
                counts[segment.seg] = counts.get(segment.seg, 0) + 1
                rf = found.pop((f"{segment.seg}[{counts[segment.seg]}]", index), None)
                if rf is not None:
                    keyed.append((segment, rf))
            person = person_key(f for _, rf in keyed for f in rf.all())
            replaced: list[tuple[str, str]] = []
            # coherent records: the PID segments first, their NIRs' records for the others
            records = {} if coherent else None
            for segment, rf in sorted(keyed, key=lambda k: k[0].seg != "PID"):
                joined = "\n".join(lines[i].text for i in segment.lines)
                sheet = f"{segment.seg}"
                new = _redact_segment(joined, segment.seg, segment.d, rf.by_name(), person,
                                      (source.display, sheet, index), run, replaced, records)
                _put(lines, segment, new)
                used += sum(len(v) for v in rf.cells.values())
            if replaced:  # the same values written elsewhere in the message
                patterns: dict[Delimiters, object] = {}
                for segment in message:
                    if segment.d not in patterns:
                        patterns[segment.d] = echo_pattern(replaced, segment.d)
                    if patterns[segment.d] is None:
                        continue
                    joined = "\n".join(lines[i].text for i in segment.lines)
                    new, n = replace_echoes(joined, segment.seg, segment.d, replaced,
                                            compiled=patterns[segment.d])
                    if n:
                        _put(lines, segment, new)
        if found or feed.finish():
            raise Unplaced
        result.findings += used
        result.replaced += used
        out.write(enc.encode("".join(l.lead + l.text + l.eol for l in lines)))


def _put(lines: list[_Line], segment: _Segment, new: str) -> None:
    """Write the segment text ``new`` back on its physical lines."""
    texts = new.split("\n")
    if len(texts) != len(segment.lines):
        raise Unplaced
    for i, text in zip(segment.lines, texts):
        lines[i].text = text


def _parse(physical, path: str) -> tuple[list[_Line], list[list[_Segment]]]:
    """Physical lines and messages (lists of segments) as the reader groups them."""
    lines: list[_Line] = []
    messages: list[list[_Segment]] = []
    current: list[_Segment] | None = None
    envelope: list[_Segment] = []
    d: Delimiters | None = None
    started = False
    for number, full in enumerate(physical, 1):
        text = full.rstrip("\r\n")
        line = _Line("", text, full[len(text):])
        lines.append(line)
        at = len(lines) - 1
        if not started:
            stripped = text.lstrip("\ufeff \t")
            if not stripped:
                continue
            if not _HEAD.match(stripped):
                raise ReadError(path, "not an HL7 v2 message: the first segment is not MSH, FHS "
                                      "or BHS", f"line {number}")
            line.lead, line.text = text[: len(text) - len(stripped)], stripped
            text = stripped
            started = True
        if not text or text.isspace():
            continue
        seg = text[:3]
        if seg in HEADER_SEGMENTS and len(text) > 3 and not text[3].isalnum() \
                and not text[3].isspace():
            d = Delimiters.from_msh(text)
            segment = _Segment(seg, d, [at])
            if seg == "MSH":
                if current is not None:
                    messages.append(current)
                current = envelope + [segment]
                envelope = []
            else:
                envelope.append(segment)
            continue
        assert d is not None
        is_segment = _SEGMENT_ID.fullmatch(seg) is not None and (len(text) == 3 or text[3] == d.field)
        if current is None:
            if is_segment:
                envelope.append(_Segment(seg, d, [at]))
            elif envelope:
                envelope[-1].lines.append(at)
            continue
        if is_segment:
            current.append(_Segment(seg, d, [at]))
        else:
            current[-1].lines.append(at)
    if current is not None:
        current.extend(envelope)
        messages.append(current)
    elif envelope:
        messages.append(envelope)
    return lines, messages
