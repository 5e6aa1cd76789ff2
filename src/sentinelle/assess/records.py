"""Person records: findings grouped into the persons a row or a document section describes.

A **person record** is what one table row or one text section says about one person. It is
built in memory from :class:`~sentinelle.finding.Finding` objects (which hold raw values) and
leaves this module as a row of keyed hashes only (:data:`RECORD_SCHEMA`): raw values are
normalised, hashed with the user's key and dropped. Generalisations kept in clear: the postcode
department (``dept``), months of record dates (``months``), whether the NIR's birth year and month
agree with the birth date (``nir_own``), whether the person is a minor today (``minor``).

How records are cut:

* **Tables** (a finding with a ``row``): one record per ``(path, sheet, row)`` for the data
  subject of the row, plus one for the health professional of the row (columns whose header names
  a professional: ``medecin``, ``prescripteur``, ``rpps``, ``gp_name``...; RPPS and ADELI numbers
  always go there), plus one per person *mentioned* in a free-text cell (a comment: "Appeler Dr
  X", "Prévenir Y (conjoint)"). HL7 v2 and HPRIM messages use ``(path, row)`` (the sheet is the
  segment): ``PID`` fields are the subject, ``NK1``/``GT1``/``IN1`` fields a relative or insured
  person, the other segments' names professionals.
* **Text** (no ``row``): a document is cut into sections at separator lines (5 or more ``-``,
  ``=``, ``_``, ``*``, ``~`` or ``#``) and form feeds; PDF pages are separate units. In a section,
  the data subject's fields (name, birth date, NIR, phone, e-mail, postcode, IBAN) fill one
  record; a second *different* name, birth date or NIR starts the next record (a list of persons
  with no separator). A name right after a professional title or label (``Dr``, ``Docteur``,
  ``Pr``, ``Prescripteur :``, ``Médecin :``, "..., biologiste") is a health professional; after
  a relative's label (``Assuré(e) :``, ``fille``, ``conjoint``, ``Prévenir``) another person.
  In a section, a name with no other personal field (a signature, a mention) is a mention.
* Which record counts as a person: a data-subject record with a name or a direct identifier
  (NIR, e-mail, phone, IBAN, card, identity document) -- in text, a name alone is a mention; a
  professional with a name or an RPPS/ADELI number; a mentioned person with at least two name
  tokens (a lone first name in a comment is not countable).

Names: titles are dropped, the value is folded (lower case, no accents) and split into first and
last name by the column header (``prenom``/``first_name``, ``nom``/``last_name``), else by case
(an upper-case token is the surname: "DUPONT Jean", "Jean DUPONT"), else by the INSEE first-name
list, else French administrative order (surname first) in tables and usual order in text.
Per part we hash: the part, its SOUNDEX2 key (:mod:`sentinelle.assess.phonetic`) and its
*deletion neighbourhood* (the part and every string made by deleting one character): two parts
within one edit (insertion, deletion, substitution or swap of two neighbours) share an element, so
typos are tolerated although only hashes are compared.

When only stored findings are available (``assess --scan-id`` on a scan made by ``scan``), records
are built from their keyed hashes: no token, phonetic or deletion hashes, no text cues (a name
followed within 60 characters by an RPPS number is a professional), no dates.

How findings arrive (issue 5, speed): :class:`TappedPipeline` wraps the scanner's pipeline (a
wrapper, not a subclass, so tables keep the pipeline's columnar path and the whole thing pickles
to ``--jobs`` workers). It reads the words it needs next to the findings where the text is (in
the worker): the cue of each name (:func:`text_cue`), the section of each text finding
(separator lines), the laboratory names heading lines, the cue of a name in a comment cell.
These travel with the findings (:class:`TextFindings`, :class:`CuedBatch`), so nothing is keyed
by object identity. Table findings (a :class:`~sentinelle.finding.FindingBatch`) become records
column-wise with Polars (:meth:`RecordBuilder._add_tables`: keyed hashes, name splits and dates
computed once per distinct value and joined back, rows grouped by expressions); text findings
and HL7 messages (a record spans several segment tables) go finding by finding. Both give the
same records (``tests/assess/test_records_columnar.py`` checks it on hand-made tables).
:class:`RecordPrep`, the scanner's ``prepare``, builds the table records, and the text records
of every section of a unit but its first and last, where the findings are made (the ``--jobs``
workers), so that step scales with the workers; the main process's builder only numbers them
(:class:`TableRecords`, :class:`TextRecords`) and builds the records of the sections that may
span two units (a text split in pieces) and of HL7 messages.

Session 12 (issue 5, speed): :class:`RecordPrep` remembers the text sections it built (their
findings' entities, relative offsets, values and cues -> their records): a section met again
(the same report in a copy of the leak) is replayed, not rebuilt (:meth:`RecordBuilder.
_take_sections`); it runs with the cyclic garbage collector paused. Same records. Issue 5
(500,000 patients): the memo (:class:`_SectionMemo`) is keyed by a salted digest of the section,
holds its records pickled (no personal raw value) and is bounded in bytes with a segmented-LRU
eviction, instead of raw-value keys, live tuples and a findings cap cleared wholesale.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Sequence

import pyarrow as pa

from sentinelle import data
from sentinelle.entities import ENTITIES, Category
from sentinelle.finding import Finding, FindingBatch, Location
from sentinelle.privacy import mask
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

from .copies import _fmix
from .phonetic import soundex2

PATIENT = "patient"
PROFESSIONAL = "health_professional"
OTHER = "other"
ROLES = (PATIENT, PROFESSIONAL, OTHER)

#: entity labels in a fixed order: a record's entity types are a bit mask over it
ENTITY_ORDER: tuple[str, ...] = tuple(sorted(ENTITIES))
_BIT = {label: 1 << i for i, label in enumerate(ENTITY_ORDER)}

#: identifiers that make a data-subject record countable on their own
DIRECT_IDS = frozenset({"FR_NIR", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD",
                        "FR_CNI", "FR_PASSPORT"})
_PRO_IDS = frozenset({"FR_RPPS", "FR_ADELI"})
#: organisation identifiers are not personal data of the record's person
_NOT_PERSONAL = frozenset(label for label, e in ENTITIES.items()
                          if e.category is Category.ORGANISATION)

RECORD_SCHEMA = pa.schema([
    ("rid", pa.int64()), ("file_id", pa.int32()), ("kind", pa.string()), ("row", pa.int64()),
    ("section", pa.int32()), ("role", pa.string()),
    ("nk", pa.int64()), ("fn", pa.int64()), ("ln", pa.int64()), ("fn_ph", pa.int64()),
    ("ln_ph", pa.int64()), ("fn_d", pa.list_(pa.int64())), ("ln_d", pa.list_(pa.int64())),
    ("dob", pa.int64()), ("dob_sw", pa.int64()), ("dob_d", pa.list_(pa.int64())),
    ("nir", pa.int64()), ("nir_own", pa.bool_()), ("phone", pa.int64()), ("email", pa.int64()),
    ("postcode", pa.int64()), ("dept", pa.string()), ("iban", pa.int64()), ("pro_id", pa.int64()),
    ("ents", pa.int64()), ("months", pa.list_(pa.string())), ("minor", pa.bool_()),
    ("fp", pa.int64()),
])


class Keyed:
    """HMAC-SHA256 (RFC 2104) under the user's key, with the key pads computed once.

    :meth:`hex` equals :meth:`sentinelle.privacy.KeyedHasher.hash` (the findings' ``value_hash``);
    :meth:`h64` is its first 64 bits as a signed integer (linkage columns: BIGINT joins).
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes):
        if not key:
            raise ValueError("empty HMAC key")
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __repr__(self) -> str:
        return "Keyed(<key hidden>)"

    def digest(self, label: str, value: str) -> bytes:
        inner = self._inner.copy()
        inner.update(f"{label}\x1f{value}".encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def hex(self, label: str, value: str) -> str:
        return self.digest(label, value).hex()

    def h64(self, label: str, value: str) -> int:
        return int.from_bytes(self.digest(label, value)[:8], "big", signed=True)


def hex64(value_hash: str) -> int:
    """The signed 64-bit integer of the first 16 hex digits of a ``value_hash``."""
    return int.from_bytes(bytes.fromhex(value_hash[:16]), "big", signed=True)


def mix64(*parts: int) -> int:
    """A 64-bit combination of hashes (not keyed: its inputs already are)."""
    h = hashlib.blake2b(b"".join(p.to_bytes(8, "big", signed=True) for p in parts), digest_size=8)
    return int.from_bytes(h.digest(), "big", signed=True)


# ------------------------------------------------------------------ column and text rules

def fold_header(header: str | None) -> str:
    if not header:
        return ""
    s = unicodedata.normalize("NFKD", header)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", s)
    return " ".join(re.split(r"[^a-z0-9]+", s)).strip()


_PRO_HEADER = re.compile(
    r"\b(?:medecins?|docteur|dr|prescri\w*|praticien\w*|doctor|physician|practitioner|provider|"
    r"gp|biolog\w*|infirmi\w*|pharmacien\w*|kine\w*|sage femme|chirurgien|radiologue|"
    r"signataire|redacteur|author|performer|referent|attending|referring|rpps|adeli|"
    r"operateur|preleveur|technicien)\b")
_OTHER_HEADER = re.compile(
    r"\b(?:assure|assuree|titulaire|parent|mere|pere|conjoint|contact|urgence|proche|tuteur|"
    r"tutrice|guarantor|garant|kin|emergency|relative|responsable|ouvrant droit)\b")
_NAME_HEADER = re.compile(
    r"\b(?:nom|noms|prenom|prenoms|name|names|surname|firstname|lastname|forename|given|family|"
    r"patient|identite|usager|beneficiaire|naissance)\b|name$|^nom")
_FULL_HEADER = re.compile(r"\b(?:complet|full|identite)\b|nom\b.*\bprenom|prenom\b.*\bnom")
_FIRST_HEADER = re.compile(r"\b(?:prenom|prenoms|first|firstname|given|forename)\b")
_LAST_HEADER = re.compile(r"\b(?:nom|noms|surname|last|lastname|family)\b")
#: HL7 v2 / HPRIM field columns: segment and field number
_HL7_COLUMN = re.compile(r"^([A-Z][A-Z0-9]{0,2})-\d")
_HL7_SHEET = re.compile(r"^[A-Z][A-Z0-9]{0,2}(?:\[\d+\])?$")
_HL7_OTHER_SEGMENTS = frozenset({"NK1", "GT1", "IN1", "IN2"})
_HL7_SUBJECT_SEGMENTS = frozenset({"PID", "PD1", "P"})

_SEPARATOR = re.compile(r"^[ \t]*([-=_*~#])\1{4,}[ \t]*\r?$|\f", re.M)
_PRO_BEFORE = re.compile(
    r"(?:\b(?:dr|docteur|drs|pr|professeur|prof|prescripteur|prescrit par|medecin|"
    r"medecin traitant|biologiste|praticien|infirmiere?|pharmacien|chirurgien|sage-femme|"
    r"valide par|signe par|interne|doctor|physician)\b)[\s.:\-]*"
    r"(?:(?:dr|docteur|pr|professeur)\b[\s.]*)?$")
_PRO_AFTER = re.compile(r"^[\s,;(\-]*(?:biologiste|medecin|docteur|rpps|adeli|pharmacien|"
                        r"interne|praticien|infirmier|infirmiere)\b")
_OTHER_BEFORE = re.compile(
    r"(?:\b(?:assure|assuree|assure\(e\)|titulaire|mere|pere|conjoint|conjointe|epoux|epouse|"
    r"mari|femme|fils|fille|frere|soeur|tuteur|tutrice|parent|contact|prevenir|"
    r"personne de confiance|accompagnee? (?:de|par)(?: (?:sa|son|ses))?)\b|assure\(e\))"
    r"[\s().:\-]*(?:(?:m|mme|mr|mlle|madame|monsieur|mademoiselle)\b[\s.]*)?$")
_OTHER_AFTER = re.compile(r"^[\s,;(\-]*(?:\((?:conjoint|conjointe|mere|pere|fils|fille|"
                          r"epoux|epouse|tuteur|tutrice|contact)\)|conjoint|mere|pere)\b")
_LAST_LABEL = re.compile(r"\b(?:nom(?: de naissance| d'usage| patient)?|surname|last name)"
                         r"\s*[:=]\s*$")
_FIRST_LABEL = re.compile(r"\b(?:prenoms?|first name|given name)\s*[:=]\s*$")

_TITLE = re.compile(r"^(?:(?:m|mm|mr|mme|mmes|mlle|madame|monsieur|mademoiselle|dr|drs|docteur|"
                    r"pr|prof|professeur|me|maitre|mrs|ms|miss|doctor)\.?\s+)+")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def text_cue(text: str, start: int, end: int) -> str | None:
    """What the words around a name in ``text`` say about it: ``"pro"`` (a professional's title
    or label), ``"other"`` (a relative's or insured person's label), ``"first"``/``"last"`` (a
    form label ``Prénom :`` / ``Nom :``), or None. Looks at the same line only."""
    line_start = text.rfind("\n", 0, start) + 1
    before = _fold(text[max(line_start, start - 40):start])
    line_end = text.find("\n", end)
    after = _fold(text[end:min(end + 30, line_end if line_end >= 0 else len(text))])
    if _PRO_BEFORE.search(before) or _PRO_AFTER.search(after):
        return "pro"
    if _OTHER_BEFORE.search(before) or _OTHER_AFTER.search(after):
        return "other"
    if _FIRST_LABEL.search(before):
        return "first"
    if _LAST_LABEL.search(before):
        return "last"
    return None


#: a laboratory's name heading a line of a text document (a report's letterhead, "LABO BIOMED
#: LYON - FINESS 692248180", "Laboratoire de biologie médicale Bio-Santé Est, Nancy"): a lab word
#: (the French names of a *laboratoire de biologie médicale*, Code de la santé publique art.
#: L6212-1) and up to 7 more words, cut at punctuation, " - " or an identifier label
_LAB_NAME = re.compile(
    r"^[ \t=*#~_]*((?:laboratoire|labo|lbm|l\.b\.m\.|centre de biologie)"
    r"(?:[ \t]+[^\s,;:()=|/\d][^\s,;:()=|/]*){1,7}?)"
    r"(?=[ \t]*(?:[,;:()=|/]| - | – |\bfiness\b|\bsiret\b|\btel\b|\btél\b|$))",
    re.I | re.M)
_MAX_LAB_NAMES = 1000
#: distinct values remembered per kind by the column-wise record builder (bounds memory)
_MEMO_ROWS = 1_000_000
#: entries of :class:`RecordBuilder`'s cache of keyed hashes (values, name parts, birth dates)
_CACHE_ENTRIES = 200_000
#: bytes held by :class:`RecordBuilder`'s memo of text sections (:class:`_SectionMemo`: its
#: entries' compact records plus a fixed overhead each; bounds memory, per process)
_SECTION_MEMO_BYTES = 256 * 1024 * 1024
#: table findings turned into records at once (bounds the memory held for them)
_TABLE_CHUNK = 250_000


def folder_of(path: str) -> str:
    """The folder ``path`` is listed under in the document's ``sources``: the part before its
    last ``/`` (``labo_a/patients.csv`` -> ``labo_a``, ``a.zip!labo_a/x.csv`` -> ``a.zip!labo_a``);
    for an archive member at the root of its container, the container (``a.zip!x.csv`` ->
    ``a.zip``); ``.`` for a file at the root. Organisations and laboratory names are counted
    per folder with it, so they land in the folder of their file (issue 5: the laboratory
    names of an archive's members all went to the archive's own folder)."""
    slash = path.rfind("/")
    bang = path.rfind("!")
    if bang > slash:
        return path[:bang]
    return path[:slash] if slash >= 0 else "."


def lab_names(text: str) -> list[str]:
    """The laboratory names heading lines of ``text`` (see :data:`_LAB_NAME`), spaces folded,
    in order, at most :data:`_MAX_LAB_NAMES`."""
    out = []
    for m in _LAB_NAME.finditer(text):
        out.append(" ".join(m.group(1).split()))
        if len(out) >= _MAX_LAB_NAMES:
            break
    return out


class TextFindings(list):
    """The findings of one text unit (a ``list[Finding]``) with what assess reads in the text
    around them, computed where the text is (a worker process with ``--jobs``) and pickled
    with the findings (no personal text in them):

    ``cues``: per finding, :func:`text_cue` for a PERSON finding, else None; ``sections``: per
    finding, the number of separator lines (:data:`_SEPARATOR`) before it in the unit, or None
    for a table cell; ``separators``: separator lines in the unit; ``labs``: laboratory names
    heading its lines (only when an organisation identifier was found: a letterhead names the
    lab with its FINESS).
    """

    def __init__(self, found=(), cues=(), sections=None, separators: int = 0,
                 labs: Sequence[str] = ()):
        super().__init__(found)
        self.cues = list(cues)
        self.sections = sections
        self.separators = separators
        self.labs = list(labs)

    def entity_counts(self) -> dict[str, int]:
        """``{entity_type: number of findings}`` (the scanner's per-file counts: one C-level
        count instead of a Python loop over the findings)."""
        from collections import Counter
        from operator import attrgetter

        return dict(Counter(map(attrgetter("entity_type"), self)))


class CuedBatch(FindingBatch):
    """A :class:`~sentinelle.finding.FindingBatch` of table findings with ``cues``: per
    finding, :func:`text_cue` of a PERSON found in a free-text cell (a comment), else None
    (a Python list, or None when the batch has no such finding)."""

    __slots__ = ("cues",)

    def __init__(self, table, cues: list | None = None):
        super().__init__(table)
        self.cues = cues


@functools.lru_cache(maxsize=4096)
def column_role(column: str | None) -> tuple[str | None, bool, str | None]:
    """(role or None for the row's subject, is a name column, name part) of a table column
    from its folded header (:data:`_PRO_HEADER`, :data:`_OTHER_HEADER`, :data:`_NAME_HEADER`)."""
    h = fold_header(column)
    role = PROFESSIONAL if _PRO_HEADER.search(h) else OTHER if _OTHER_HEADER.search(h) else None
    is_name = bool(_NAME_HEADER.search(h)) or role is not None
    part = None
    if not _FULL_HEADER.search(h):
        part = "first" if _FIRST_HEADER.search(h) else "last" if _LAST_HEADER.search(h) else None
    return role, is_name, part


class TappedPipeline:
    """The scanner's :class:`~sentinelle.pipeline.Pipeline`, wrapped (not subclassed: tables
    keep the pipeline's columnar path, and the wrapper pickles to ``--jobs`` workers) so that
    the words around the findings of each text travel with them: :meth:`analyze_text` returns
    a :class:`TextFindings`, :meth:`analyze_table` :class:`CuedBatch` es. The scanner only
    calls these two methods and reads ``prefilters``."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    @property
    def prefilters(self):
        return self.pipeline.prefilters

    @property
    def config(self):
        return self.pipeline.config

    def analyze_text(self, text: str, location: Location, offset: int = 0) -> TextFindings:
        found = self.pipeline.analyze_text(text, location, offset)
        if not isinstance(found, list):  # a FindingBatch
            found = list(found)
        if not found:
            return TextFindings()
        from operator import attrgetter

        # Session 12 (speed): the findings' fields read by C-level maps, text_cue called for
        # the PERSON findings only, sections by one NumPy search (bisect_right's result)
        ents = list(map(attrgetter("entity_type"), found))
        cues: list = [None] * len(found)
        k = -1
        try:
            while True:
                k = ents.index("PERSON", k + 1)
                f = found[k]
                cues[k] = text_cue(text, f.start - offset, f.end - offset)
        except ValueError:
            pass
        if location.row is not None:  # a table cell: rows cut records
            return TextFindings(found, cues)
        labs = lab_names(text) if not _NOT_PERSONAL.isdisjoint(ents) else ()
        seps = [m.start() + offset for m in _SEPARATOR.finditer(text)]
        if seps:
            import numpy as np

            starts = np.fromiter(map(attrgetter("start"), found), np.int64, len(found))
            sections = np.searchsorted(np.asarray(seps, np.int64), starts, "right").tolist()
        else:
            sections = [0] * len(found)
        return TextFindings(found, cues, sections, len(seps), labs)

    def analyze_table(self, unit: TableUnit):
        current: list[TableBatch] = []

        def feed():
            for batch in unit.batches:
                current[:] = [batch]
                yield batch

        inner = TableUnit(unit.location, unit.header, feed(), unit.hints)
        for found in self.pipeline.analyze_table(inner):
            if isinstance(found, FindingBatch) and current:
                yield self._cue_cells(found, current[0], unit.header)
            else:
                yield found

    @staticmethod
    def _cue_cells(found: FindingBatch, batch: TableBatch, header: Sequence[str]) -> CuedBatch:
        """The cue of each PERSON found in a cell of a column that does not hold names (a
        comment: "Appeler Dr X", "Prévenir Y (conjoint)"), read in the cell's text."""
        import pyarrow.compute as pc

        t = found.table
        if not t.num_rows:
            return CuedBatch(t)
        person = pc.equal(t.column("entity_type"), "PERSON")
        idx = pc.indices_nonzero(person).to_pylist()
        if not idx:
            return CuedBatch(t)
        sub = t.take(idx)
        cues: list | None = None
        first = batch.first_row
        where: dict[str, list[int]] = {}
        for j, name in enumerate(header):
            where.setdefault(name, []).append(j)
        for k, row, column, start, end, value in zip(
                idx, sub.column("row").to_pylist(), sub.column("column").to_pylist(),
                sub.column("start").to_pylist(), sub.column("end").to_pylist(),
                sub.column("value").to_pylist()):
            if column_role(column)[1]:
                continue  # a name column: the row's own names
            for j in where.get(column, ()):
                col = batch.columns[j] if j < len(batch.columns) else None
                i = row - first
                cell = col[i] if col is not None and 0 <= i < len(col) else None
                if cell is not None and cell[start:end] == value:
                    if cues is None:
                        cues = [None] * t.num_rows
                    cues[k] = text_cue(cell, start, end)
                    break
        return CuedBatch(t, cues)


# ------------------------------------------------------------------ names

@dataclass(slots=True)
class _Name:
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not self.first and not self.last

    def tokens(self) -> list[str]:
        return self.first + self.last


@functools.cache
def _first_names() -> frozenset:
    """Folded INSEE first names (``data/first_names.txt``), loaded once per process."""
    return frozenset(_fold(n) for n in data.lines("first_names.txt"))


def split_name(raw: str, part: str | None, table: bool) -> _Name:
    """Split a raw name into first and last name tokens (folded); see the module docstring.

    ``part``: ``"first"``, ``"last"`` or None (a full name). ``table``: a table cell (surname
    first by default) or text (first name first by default).
    """
    value = " ".join(raw.split())
    folded_title = _TITLE.match(_fold(value))
    if folded_title:  # titles have no accents: the folded prefix has the raw prefix's length
        value = value[folded_title.end():]
    toks = _TOKEN.findall(value)
    if not toks:
        return _Name()
    keys = [_fold(t) for t in toks]
    if part == "first":
        return _Name(first=keys)
    if part == "last":
        return _Name(last=keys)
    if len(toks) == 1:
        return _Name(last=keys)
    firsts = _first_names()
    known = [k in firsts for k in keys]
    upper = [t.isupper() and len(t) > 1 for t in toks]

    def fits(first_idx: list[int]) -> bool:
        """Every first-name token is a known first name and the surname is not all of them."""
        rest = [i for i in range(len(keys)) if i not in first_idx]
        return bool(first_idx) and bool(rest) and all(known[i] for i in first_idx) \
            and not all(known[i] for i in rest)

    def make(first_idx: list[int]) -> _Name:
        return _Name(first=[keys[i] for i in first_idx],
                     last=[keys[i] for i in range(len(keys)) if i not in first_idx])

    if any(upper) and not all(upper):
        by_case = [i for i, u in enumerate(upper) if not u]  # lower/capitalised: first name
        swapped = [i for i, u in enumerate(upper) if u]
        if fits(by_case) or not fits(swapped):
            return make(by_case)
        return make(swapped)  # "Aggoun ANAÏS": the upper-case token is the known first name
    if fits([0]):
        return make([0])
    if fits([len(keys) - 1]):
        return make([len(keys) - 1])
    return make([len(keys) - 1] if table else [0])


def _join(tokens: Sequence[str]) -> str:
    return "".join(t.replace("-", "").replace("'", "").replace("’", "") for t in tokens)


def deletions(s: str) -> list[str]:
    """``s`` and every string made by deleting one of its characters (distinct)."""
    return list(dict.fromkeys([s] + [s[:i] + s[i + 1:] for i in range(len(s))]))


# ------------------------------------------------------------------ slots and records

@dataclass(slots=True)
class _Slot:
    role: str
    name: _Name = field(default_factory=_Name)
    name_hashes: list[int] = field(default_factory=list)  # store mode: PERSON value hashes
    first_hash: int | None = None  # store mode
    last_hash: int | None = None   # store mode
    dob: str | None = None
    dob_h: int | None = None
    nir: str | None = None
    nir_h: int | None = None
    phone: int | None = None
    email: int | None = None
    postcode: str | None = None
    postcode_h: int | None = None
    iban: int | None = None
    pro_id: int | None = None
    direct: bool = False
    ents: int = 0
    end: int = -1  # text: end offset of the last finding put here

    def has_name(self) -> bool:
        return not self.name.empty() or bool(self.name_hashes) \
            or self.first_hash is not None or self.last_hash is not None


@dataclass(slots=True)
class _Acc:
    """Findings of one table row or one text section, being sorted into slots."""

    file_id: int
    kind: str  # "row" | "text"
    row: int | None
    section: int | None
    subjects: list[_Slot]
    pro: _Slot | None = None
    mentions: list[_Slot] = field(default_factory=list)
    other_cols: _Slot | None = None
    values: list[str] = field(default_factory=list)  # fingerprint input (memory only)
    months: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Period:
    """Dates seen in records: ``first``/``last`` ISO dates, ``months`` counts, ``dated``."""

    first: str | None = None
    last: str | None = None
    dated_records: int = 0


class RecordBuilder:
    """Builds person records from findings and writes them as Arrow batches to ``out``.

    Use :meth:`add` as the scanner's ``sink`` (live findings, raw values in memory) or
    :meth:`add_stored` (rows of the store's ``findings`` table), call :meth:`end_file` when a
    file is done and :meth:`close` at the end. ``files`` maps display paths to file ids.
    """

    def __init__(self, key: bytes, out: Callable[[pa.RecordBatch], None], *,
                 today: date | None = None, batch_rows: int = 65536):
        self.keyed = Keyed(key)
        self._out = out
        self.today = today or date.today()
        self.files: dict[str, int] = {}
        #: (folder, entity, value_hash) -> (masked, findings[, compact value]) for organisation
        #: identifiers (the value when known: not from stored findings)
        self.organisations: dict[tuple[str, str, str], tuple] = {}
        #: (folder, laboratory name) -> lines naming it (:class:`TextFindings` ``labs``): an
        #: organisation's name, not personal data
        self.labs: dict[tuple[str, str], int] = {}
        self._lab_forms: dict[tuple[str, str], str] = {}
        self.period = Period()
        self.month_counts: dict[str, int] = {}
        self.records = 0
        self._acc: _Acc | None = None
        self._acc_key: tuple | None = None
        self._rows: list[tuple] = []  # records of the next batch, in RECORD_SCHEMA order
        self._batch_rows = batch_rows
        self._cache: dict[tuple[str, str], object] = {}
        #: raw name -> split tokens (memory only, bounded, dropped with the builder)
        self._split_cache: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        #: per-distinct-value results of :meth:`_map`, by kind (raw values: memory only)
        self._memo: dict[str, object] = {}
        #: table findings not yet turned into records (:meth:`_add_tables`)
        self._pending: list[tuple] = []
        self._pending_n = 0
        #: text sections: separators seen so far in the units of the current path
        self._text_path: str | None = None
        self._text_base = 0
        #: CPU seconds spent by :class:`RecordPrep` on the :class:`TableRecords` added
        self.prepared_cpu = 0.0
        #: text sections met -> their records and counts (:meth:`_take_sections`; keyed by a
        #: digest, hashes and generalisations in the entries: memory only, bounded in bytes,
        #: dropped by :meth:`close`)
        self._sections_memo = _SectionMemo(_SECTION_MEMO_BYTES)
        self._capture: list | None = None  # rows made, while a section is memoised

    # -- input -----------------------------------------------------------------------------
    def file_id(self, path: str) -> int:
        fid = self.files.get(path)
        if fid is None:
            fid = self.files[path] = len(self.files)
        return fid

    def add(self, batch: Iterable[Finding]) -> None:
        """Sink for live findings (the scanner's ``sink``): a :class:`FindingBatch` of table
        findings (:class:`CuedBatch` from :class:`TappedPipeline`) is turned into records
        column-wise (:meth:`_add_tables`); a list of findings (:class:`TextFindings` from
        :class:`TappedPipeline`) one finding at a time; :class:`TableRecords` (from
        :class:`RecordPrep`, records already built) get their record and file ids."""
        if isinstance(batch, TableRecords):
            self._add_prepared(batch)
            return
        if isinstance(batch, TextRecords):
            self._add_text_prepared(batch)
            return
        if isinstance(batch, FindingBatch):
            if not len(batch):
                return
            cues = getattr(batch, "cues", None)
            if not self._hl7_batch(batch.table):
                self._pending.append((batch.table, cues))
                self._pending_n += len(batch)
                if self._pending_n >= _TABLE_CHUNK:
                    self._add_tables()
                return
            batch = TextFindings(batch, cues or ())
        cues = getattr(batch, "cues", None) or ()
        sections = getattr(batch, "sections", None)
        base = 0
        if sections is not None and batch:
            base = self._text_unit(batch[0].location.path, batch.separators, batch.labs)
        self._take_found(batch, cues, sections, base)

    def _text_unit(self, path: str, separators: int, labs: Sequence[str]) -> int:
        """Start a text unit of ``path``: its section base (separators in the previous units
        of the path) and its laboratory names counted."""
        if path != self._text_path:
            self._text_path, self._text_base = path, 0
        base = self._text_base
        self._text_base += separators
        if labs:
            self._add_labs(path, labs)
        return base

    def _take_found(self, batch: Sequence[Finding], cues: Sequence, sections: Sequence | None,
                    base: int) -> None:
        """:meth:`_take` each finding of a text unit (``sections`` None: table cells)."""
        for k, f in enumerate(batch):
            cue = cues[k] if k < len(cues) else None
            section = base + sections[k] if sections is not None else None
            entity = f.entity_type
            self._take(entity, f.location, f.start, f.end, f.normalized or f.value, f.value,
                       None, cue, section, f.masked if entity in _NOT_PERSONAL else "")

    def _take_sections(self, batch: Sequence[Finding], cues: Sequence,
                       sections: Sequence[int]) -> None:
        """:meth:`_take_found` of a text unit's whole sections (:class:`RecordPrep`), with a
        memo of sections (Session 12, issue 5: speed): a section whose findings (entity,
        offsets from the section's first finding, values, cues) were seen before -- the same
        report in a copy of the leak -- gives the records it gave then (new record ids, this
        file and section), its dates and organisations counted again, without sorting its
        findings into slots and hashing them anew (a 3-copy leak repeats ~3 of 4 sections).
        Every rule of :meth:`_take` looks at a section's own findings only and at offsets
        relative to each other, so the records are the same. The memo (:class:`_SectionMemo`)
        is keyed by a salted 128-bit digest of the section's findings and holds their records
        compactly (no raw value), at most :data:`_SECTION_MEMO_BYTES`, least useful entries
        evicted first; dropped by :meth:`close`."""
        import numpy as np
        from operator import attrgetter, sub

        n = len(batch)
        if not n:
            return
        memo = self._sections_memo
        cues = list(cues[:n]) + [None] * (n - len(cues))
        # the columns of the findings, read once (C-level maps); runs of one section key
        locs = list(map(attrgetter("location"), batch))
        ents = list(map(attrgetter("entity_type"), batch))
        starts = list(map(attrgetter("start"), batch))
        ends = list(map(attrgetter("end"), batch))
        values = list(map(attrgetter("value"), batch))
        norms = [m or v for m, v in zip(map(attrgetter("normalized"), batch), values)]
        cut = np.flatnonzero(np.diff(np.asarray(sections, dtype=np.int64)))
        if len(set(map(id, locs))) > 1:  # not one Location object: compare them too
            cut = sorted(set(cut.tolist()) | {m for m in range(n - 1) if locs[m] != locs[m + 1]})
        else:
            cut = cut.tolist()
        for k, j in zip([0] + [c + 1 for c in cut], [c + 1 for c in cut] + [n]):
            loc = locs[k]
            sec = sections[k]
            s0 = starts[k]
            part = batch[k:j]
            cs = cues[k:j]
            key = (ents[k:j], list(map(sub, starts[k:j], itertools.repeat(s0))),
                   list(map(sub, ends[k:j], itertools.repeat(s0))), norms[k:j],
                   values[k:j], cs)
            digest = memo.digest(key)
            hit = memo.get(digest)
            if hit is None:
                self._flush_acc()
                got = self._capture = []
                try:
                    self._take_found(part, cs, sections[k:j], 0)
                    self._flush_acc()
                finally:
                    self._capture = None
                isos = [iso for e, norm in zip(key[0], key[3]) if e == "DATE_TIME"
                        for iso in (self._date_iso(norm),) if iso is not None]
                orgs = [(e, norm, g.masked) for e, norm, g in zip(key[0], key[3], part)
                        if e in _NOT_PERSONAL]
                # the rows without their record id, file id and section (set at replay)
                memo.put(digest, ([(r[2], r[3], *r[5:]) for r in got],
                                  min(isos) if isos else None, max(isos) if isos else None,
                                  sorted({iso[:7] for iso in isos}), orgs))
            else:
                self._replay(hit, loc, sec)

    def _replay(self, hit: tuple, loc: Location, section: int) -> None:
        """Add the records and counts of a section met before (:meth:`_take_sections`)."""
        self._flush_acc()
        rows_before, lo, hi, months, orgs = hit
        for entity, norm, masked in orgs:
            if len(self.organisations) < 100_000:
                self._org(entity, loc, norm, None, masked)
        p = self.period
        if lo is not None:
            if p.first is None or lo < p.first:
                p.first = lo
            if p.last is None or hi > p.last:
                p.last = hi
        if months:
            p.dated_records += 1
            for m in months:
                self.month_counts[m] = self.month_counts.get(m, 0) + 1
        if not rows_before:
            return
        fid = self.file_id(loc.path)
        rows = self._rows
        rid = self.records
        for r in rows_before:
            rid += 1
            rows.append((rid, fid, r[0], r[1], section, *r[2:]))
        self.records = rid
        if len(rows) >= self._batch_rows:
            self._emit_batch()

    def _add_text_prepared(self, got: "TextRecords") -> None:
        """A text unit cut by :class:`RecordPrep`: the findings of its first and last
        sections (which may continue a section of the previous unit or into the next one) are
        taken here, its whole sections in between came as records."""
        base = self._text_unit(got.path, got.separators, got.labs)
        self._take_found(got.head, got.head.cues, got.head.sections, base)
        self._flush_acc()
        self._add_prepared(got.middle, section_base=base)
        self._take_found(got.tail, got.tail.cues, got.tail.sections, base)

    def _add_prepared(self, got: "TableRecords", section_base: int = 0) -> None:
        """Records built by :class:`RecordPrep`: local record ids (1..n) and file indexes
        (into ``got.paths``) become this builder's (text sections numbered from
        ``section_base``); its dates and organisations are added."""
        import numpy as np
        import pyarrow.compute as pc

        self.prepared_cpu += got.cpu
        p = self.period
        if got.first is not None and (p.first is None or got.first < p.first):
            p.first = got.first
        if got.last is not None and (p.last is None or got.last > p.last):
            p.last = got.last
        p.dated_records += got.dated
        for m, c in got.months.items():
            self.month_counts[m] = self.month_counts.get(m, 0) + c
        for k, (masked, n, *clear) in got.organisations.items():
            if k in self.organisations or len(self.organisations) < 100_000:
                hit = self.organisations.get(k)
                self.organisations[k] = (masked, (hit[1] if hit else 0) + n, *clear)
        t = got.table
        if t is None or not t.num_rows:
            return
        fids = np.asarray([self.file_id(path) for path in got.paths], dtype=np.int32)
        t = t.set_column(0, RECORD_SCHEMA.field(0), pc.add(t.column(0), self.records)) \
            .set_column(1, RECORD_SCHEMA.field(1),
                        pa.array(fids[t.column(1).to_numpy()], type=pa.int32()))
        if section_base:
            t = t.set_column(4, RECORD_SCHEMA.field(4),
                             pc.add(t.column(4), pa.scalar(section_base, pa.int32())))
        self.records += t.num_rows
        self._emit_batch()
        for batch in t.to_batches(self._batch_rows):
            self._out(batch)

    def _add_labs(self, path: str, names: Sequence[str]) -> None:
        """Count laboratory names for the folder of ``path``; the first spelling seen is kept,
        case and spaces aside."""
        folder = folder_of(path)
        for name in names:
            key = (folder, name.casefold())
            form = self._lab_forms.get(key)
            if form is None:
                if len(self._lab_forms) >= _MAX_LAB_NAMES:
                    continue
                form = self._lab_forms[key] = name
            self.labs[(folder, form)] = self.labs.get((folder, form), 0) + 1

    def _hl7_batch(self, table) -> bool:
        """A batch of HL7 v2 / HPRIM fields: its records are messages across segment batches,
        built finding by finding."""
        sheet = table.column("sheet")[0].as_py()
        if not sheet:
            return False
        import pyarrow.compute as pc

        return any(self._is_hl7(sheet, c) for c in pc.unique(table.column("column")).to_pylist())

    def add_stored(self, rows: Iterable[tuple]) -> None:
        """Rows ``(path, entity_type, row, column, sheet, page, start, end, value_hash, masked)``
        of the store's findings table, in file and position order."""
        for path, entity, row, column, sheet, page, start, end, vhash, masked in rows:
            self._take(entity, Location(path, row, column, sheet, page), start, end, None, None,
                       vhash, None, None, masked)

    def end_file(self, path: str | None = None) -> None:
        self._flush_acc()

    def close(self) -> None:
        self._add_tables()
        self._flush_acc()
        self._emit_batch()
        self._split_cache.clear()  # raw names and values: not kept past the scan
        self._memo.clear()
        self._cache.clear()
        self._sections_memo.clear()

    # -- table batches, column-wise ------------------------------------------------------------
    def _add_tables(self) -> None:
        """Records of the table findings held back by :meth:`add` (:class:`FindingBatch` es,
        rows in order within each), built with Polars: the same records as :meth:`_take`
        finding by finding (one per row for its subject, one for its professional, one per
        person mentioned in a comment; see the module docstring), with the Python work done
        once per distinct value (keyed hashes, name splitting, dates), not per finding.
        Batches are taken together (:data:`_TABLE_CHUNK` findings) so that Polars' fixed
        cost per operation is paid per chunk, not per table batch."""
        import numpy as np
        import polars as pl

        pending, self._pending, self._pending_n = self._pending, [], 0
        if not pending:
            return
        t = pa.concat_tables([b[0] for b in pending])
        if any(b[1] is not None for b in pending):
            cues = []
            for b in pending:
                cues.extend(b[1] if b[1] is not None else [None] * b[0].num_rows)
        else:
            cues = None
        del pending
        E = pl.col("entity_type")
        df = pl.from_arrow(t.select(["path", "sheet", "row", "column", "entity_type", "value",
                                     "normalized"]))
        del t
        df = df.with_columns(
            pl.when(pl.col("normalized").is_null() | (pl.col("normalized") == ""))
            .then(pl.col("value")).otherwise(pl.col("normalized")).alias("norm"),
            (pl.Series("cue", cues, dtype=pl.Utf8) if cues is not None
             else pl.lit(None, pl.Utf8).alias("cue")),
            pl.col("column").fill_null(""),
        ).with_row_index("i")
        # runs of one row of one table: a record group (the Python path flushes on every
        # change of row)
        change = (pl.col("row").ne_missing(pl.col("row").shift())
                  | pl.col("path").ne_missing(pl.col("path").shift())
                  | pl.col("sheet").ne_missing(pl.col("sheet").shift()))
        df = df.with_columns(change.fill_null(True).alias("start"))
        df = df.with_columns((pl.col("start").cum_sum() - 1).cast(pl.Int64).alias("g"))
        starts = np.flatnonzero(df["start"].to_numpy())
        paths = df["path"].unique(maintain_order=True).to_list()
        df = df.join(pl.DataFrame({"path": paths, "fid": [self.file_id(p) for p in paths]},
                                  schema={"path": df.schema["path"], "fid": pl.Int32}),
                     on="path", how="left", maintain_order="left")
        # the keyed hash of every value (as the findings' value_hash), once per distinct value
        df = self._map(df, ["entity_type", "norm"], {"h": pl.Int64},
                       lambda e, v: (self._value_h(e, v, None),), "h")
        # record fingerprints: an order-free combination of the row's keyed value hashes
        with np.errstate(over="ignore"):
            u = _fmix(df["h"].to_numpy().astype(np.int64).view(np.uint64))
            fps = _fmix(np.add.reduceat(u, starts)).view(np.int64)
        # dates: months of the row, the period
        months = None
        dt = df.filter(E == "DATE_TIME").select("g", "norm")
        if dt.height:
            dt = self._map(dt, ["norm"], {"iso": pl.Utf8}, lambda v: (self._date_iso(v),),
                           "iso")
            dt = dt.filter(pl.col("iso").is_not_null())
        if dt.height:
            p = self.period
            lo, hi = dt["iso"].min(), dt["iso"].max()
            if p.first is None or lo < p.first:
                p.first = lo
            if p.last is None or hi > p.last:
                p.last = hi
            per = dt.select("g", pl.col("iso").str.slice(0, 7).alias("month")).unique()
            for m, c in per.group_by("month").len().iter_rows():
                self.month_counts[m] = self.month_counts.get(m, 0) + c
            months = per.group_by("g").agg(pl.col("month").sort().alias("months"))
            self.period.dated_records += months.height
        # organisation identifiers: sources, not persons
        org = df.filter(E.is_in(list(_NOT_PERSONAL)))
        if org.height and len(self.organisations) < 100_000:
            for path, e, norm, n, value in org.group_by(
                    ["path", "entity_type", "norm"], maintain_order=True) \
                    .agg(pl.len(), pl.col("value").last()).iter_rows():
                k = (folder_of(path), e, self.keyed.hex(e, norm))
                hit = self.organisations.get(k)
                # + the compact identifier: an organisation's, not personal (CNIL draft)
                self.organisations[k] = (mask(value, e), (hit[1] if hit else 0) + n, norm)
        p = df.filter(~E.is_in(list(_NOT_PERSONAL)))
        del df, org, dt
        if not p.height:
            return
        # the slot of each finding: 0 the row's subject, 1 its professional, 2 names in a
        # relative's columns, 3 a person mentioned in a comment (one slot per finding)
        cols = p["column"].unique().to_list()
        info = [column_role(c) for c in cols]
        p = p.join(pl.DataFrame({"column": cols, "crole": [r[0] for r in info],
                                 "cname": [r[1] for r in info], "cpart": [r[2] for r in info]},
                                schema={"column": pl.Utf8, "crole": pl.Utf8, "cname": pl.Boolean,
                                        "cpart": pl.Utf8}),
                   on="column", how="left", maintain_order="left")
        person = E == "PERSON"
        mention = person & ~pl.col("cname")
        p = p.with_columns(
            pl.when(mention).then(3)
            .when(E.is_in(list(_PRO_IDS)) | (pl.col("crole") == PROFESSIONAL)).then(1)
            .when((pl.col("crole") == OTHER) & person).then(2).otherwise(0).alias("slot"),
            pl.when(mention).then(pl.col("i")).otherwise(-1).alias("mid"),
            pl.when(mention).then(None).otherwise(pl.col("cpart")).alias("spart"),
            (~mention).alias("stable"),
        )
        names = p.filter(person)
        if names.height:
            names = self._map(names.select("i", "value", "spart", "stable"),
                              ["value", "spart", "stable"],
                              {"fj": pl.Utf8, "lj": pl.Utf8, "toks": pl.List(pl.Utf8)},
                              self._split_parts, "split")
            p = p.join(names.select("i", "fj", "lj", "toks"), on="i", how="left",
                       maintain_order="left")
        else:
            p = p.with_columns(pl.lit(None, pl.Utf8).alias("fj"), pl.lit(None, pl.Utf8).alias("lj"),
                               pl.lit(None, pl.List(pl.Utf8)).alias("toks"))
        h = pl.col("h")
        norm = pl.col("norm")
        fields = {"dob_h": ("DATE_OF_BIRTH", h), "dob": ("DATE_OF_BIRTH", norm),
                  "nir_h": ("FR_NIR", h), "nir": ("FR_NIR", norm), "phone": ("PHONE_NUMBER", h),
                  "email": ("EMAIL_ADDRESS", h), "postcode_h": ("FR_POSTAL_CODE", h),
                  "postcode": ("FR_POSTAL_CODE", norm), "iban": ("IBAN_CODE", h),
                  "pro_id": (_PRO_IDS, h)}
        p = p.with_columns(
            E.replace_strict(_BIT, default=0, return_dtype=pl.Int64).alias("bit"),
            E.is_in(list(DIRECT_IDS)).alias("direct"),
            (pl.col("cue") == "pro").fill_null(False).alias("mpro"),
            *(pl.when(E.is_in(list(e)) if isinstance(e, frozenset) else E == e).then(v)
              .alias(name) for name, (e, v) in fields.items()))
        g = p.group_by(["g", "slot", "mid"], maintain_order=True).agg(
            pl.col("row").first(), pl.col("fid").first(), pl.col("mpro").first(),
            pl.col("bit").bitwise_or().alias("ents"), pl.col("direct").any(),
            *(pl.col(name).first(ignore_nulls=True) for name in fields),
            "fj", "lj", pl.col("toks").list.explode(keep_nulls=False, empty_as_null=False),
        ).with_columns(pl.col("fj").list.join(""), pl.col("lj").list.join(""),
                       pl.col("toks").list.len().alias("ntok"),
                       pl.when(pl.col("mpro")).then(pl.lit(PROFESSIONAL))
                       .otherwise(pl.lit(OTHER)).alias("mrole"))
        del p
        g = self._relatives(g)
        named = pl.col("ntok") > 0
        slot = pl.col("slot")
        keep = (pl.when(slot == 0).then(named | pl.col("direct"))
                .when((slot == 1) | ((slot == 3) & (pl.col("mrole") == PROFESSIONAL)))
                .then(named | pl.col("pro_id").is_not_null())
                .otherwise(pl.col("ntok") >= 2))
        g = g.filter(keep).sort(["g", "slot", "mid"], maintain_order=True).with_columns(
            pl.when(slot == 0).then(pl.lit(PATIENT)).when(slot == 1).then(pl.lit(PROFESSIONAL))
            .when(slot == 3).then(pl.col("mrole")).otherwise(pl.lit(OTHER)).alias("role"))
        if not g.height:
            return
        if months is not None:
            g = g.join(months, on="g", how="left", maintain_order="left").with_columns(
                pl.when(slot == 0).then(pl.col("months")).alias("months"))
        else:
            g = g.with_columns(pl.lit(None, pl.List(pl.Utf8)).alias("months"))
        # hashed names and birth-date variants, once per distinct value
        g = g.with_columns(pl.when(named).then(pl.col("toks").list.sort().list.join(" "))
                           .alias("nkey"))
        g = self._map(g, ["nkey"], {"nk": pl.Int64}, lambda k: (self._nk(k),), "nk")
        for label, col in (("fn", "fj"), ("ln", "lj")):
            g = self._map(g, [col], {f"{label}{s}": t for s, t in
                                     (("", pl.Int64), ("_ph", pl.Int64), ("_d", pl.List(pl.Int64)))},
                          lambda v, label=label: self._part(label, v) if v else (None,) * 3,
                          label)
        g = self._map(g, ["dob"], {"dob_sw": pl.Int64, "dob_d": pl.List(pl.Int64),
                                    "minor": pl.Boolean}, self._dob_of, "dob")
        nir, dob, pc = pl.col("nir"), pl.col("dob"), pl.col("postcode")
        mm = nir.str.slice(3, 2)
        n = g.height
        out = g.select(
            pl.Series("rid", np.arange(self.records + 1, self.records + n + 1), dtype=pl.Int64),
            pl.col("fid").alias("file_id"), pl.lit("row").alias("kind"),
            pl.col("row").cast(pl.Int64), pl.lit(None, pl.Int32).alias("section"), "role",
            "nk", "fn", "ln", "fn_ph", "ln_ph", "fn_d", "ln_d", pl.col("dob_h").alias("dob"),
            "dob_sw", "dob_d", pl.col("nir_h").alias("nir"),
            pl.when((nir.str.len_chars() >= 5) & (dob.str.len_chars() >= 7))
            .then((nir.str.slice(1, 2) == dob.str.slice(2, 2))
                  & ((mm == dob.str.slice(5, 2)) | ~((mm >= "01") & (mm <= "12"))))
            .alias("nir_own"),
            "phone", "email", pl.col("postcode_h").alias("postcode"),
            pl.when(pc.str.contains(r"^\d{5}$"))
            .then(pl.when(pc.str.slice(0, 2).is_in(["97", "98"])).then(pc.str.slice(0, 3))
                  .otherwise(pc.str.slice(0, 2))).alias("dept"),
            "iban", "pro_id", "ents", "months", "minor",
            pl.Series("fp", fps, dtype=pl.Int64).gather(g["g"]),
        )
        self.records += n
        self._emit_batch()
        for batch in out.to_arrow().cast(RECORD_SCHEMA).to_batches(self._batch_rows):
            self._out(batch)

    @staticmethod
    def _relatives(g):
        """Names in a relative's columns (``assure``, ``contact``...; slot 2) are a mentioned
        person when the row's subject has a name, else the subject's name (as
        :meth:`_flush_acc`)."""
        import polars as pl

        rel = g.filter((pl.col("slot") == 2) & (pl.col("ntok") > 0))
        if not rel.height:
            return g
        s0 = g.filter(pl.col("slot") == 0).select(
            "g", (pl.col("ntok") > 0).alias("s0_named"),
            ((pl.col("ntok") > 0) | pl.col("direct") | pl.col("dob_h").is_not_null())
            .alias("s0_kept"))
        rel = rel.join(s0, on="g", how="left").with_columns(
            pl.col("s0_named").fill_null(False), pl.col("s0_kept").fill_null(False))
        as_mention = pl.col("s0_kept") & pl.col("s0_named")
        give = rel.filter(~as_mention)
        # the subject (kept) takes the relative's name; else a new subject with that name only
        named = give.filter(pl.col("s0_kept")).select(
            "g", pl.col("fj").alias("fj2"), pl.col("lj").alias("lj2"),
            pl.col("toks").alias("toks2"))
        g = g.join(named, on="g", how="left", maintain_order="left").with_columns(
            *(pl.when((pl.col("slot") == 0) & pl.col("toks2").is_not_null())
              .then(pl.col(f"{c}2")).otherwise(pl.col(c)).alias(c) for c in ("fj", "lj", "toks"))
        ).drop("fj2", "lj2", "toks2")
        fresh = give.filter(~pl.col("s0_kept")).select(
            "g", pl.lit(0, pl.Int32).alias("slot"), "mid", "row", "fid", "mrole",
            pl.lit(0, pl.Int64).alias("ents"), pl.lit(False).alias("direct"), "fj", "lj", "toks")
        # a relative's name next to a named subject: a mention, after the comment's mentions
        g = g.filter(~((pl.col("slot") == 2) & pl.col("g").is_in(give["g"].implode())))
        g = g.with_columns(pl.when(pl.col("slot") == 2).then(4).otherwise(pl.col("slot"))
                           .cast(pl.Int32).alias("slot"))
        return pl.concat([g, fresh], how="diagonal_relaxed").with_columns(
            pl.col("toks").list.len().alias("ntok"))

    def _map(self, df, keys: list[str], out: dict, fn, memo: str):
        """``df`` with the columns ``out`` (name -> Polars dtype) of ``fn(*key values)``,
        called once per distinct key (a tuple of the ``out`` values, or None for all null);
        a null first key gives nulls, without a call. Results are kept across batches in a
        :class:`_Memo` named ``memo`` (raw values: memory only, at most :data:`_MEMO_ROWS`
        rows, dropped by :meth:`close`), so a value seen before costs a look-up, not a Python
        call. The look-up costs what the batch's distinct keys cost, whatever the memo's size
        (issue 5: joining each batch with the whole memo made the records step grow with the
        square of the leak: 0.3 s per look-up with a memo of a million values)."""
        import polars as pl

        distinct = df.select(keys).unique(maintain_order=True).drop_nulls(keys[0])
        m = self._memo.get(memo)
        if m is None:
            m = self._memo[memo] = _Memo()
        hit, found = m.find(distinct, keys, list(out))
        new = distinct.filter(~hit) if found is not None else distinct
        results = [fn(*r) for r in new.iter_rows()]
        cols = {}
        for k, (name, dtype) in enumerate(out.items()):
            values = [None if r is None else r[k] for r in results]
            if isinstance(dtype, pl.List):  # lists: pyarrow builds them ~4x faster
                inner = pa.int64() if dtype.inner == pl.Int64 else pa.string()
                cols[name] = pl.from_arrow(pa.array(values, type=pa.large_list(inner))) \
                    .alias(name).cast(dtype)
            else:
                cols[name] = pl.Series(name, values, dtype=dtype)
        new = new.with_columns(**cols)
        lookup = new if found is None else pl.concat([found, new], how="vertical_relaxed")
        if new.height:
            m.add(new, keys)
        return df.join(lookup, on=keys, how="left", maintain_order="left", nulls_equal=True)

    def _split_parts(self, raw: str, part: str | None, table: bool) -> tuple:
        """(joined first name, joined last name, tokens) of a raw name (:func:`split_name`)."""
        first, last = self._split(raw, part, table)
        return _join(first), _join(last), list(first) + list(last)

    def _split(self, raw: str, part: str | None, table: bool) -> tuple:
        key = (raw, part, table)
        split = self._split_cache.get(key)
        if split is None:
            # a person's name recurs in their rows and in every copy: split it once
            n = split_name(raw, part, table)
            split = (tuple(n.first), tuple(n.last))
            if len(self._split_cache) >= 200_000:
                self._split_cache.clear()
            self._split_cache[key] = split
        return split

    def _remember(self, key: tuple, value):
        """Keep ``value`` in the builder's cache of keyed hashes (at most :data:`_CACHE_ENTRIES`:
        when full it starts again; issue 5: it held one entry per distinct value of the leak,
        with the deletion hashes of every name part, hundreds of MB per process at 100,000
        patients)."""
        if len(self._cache) >= _CACHE_ENTRIES:
            self._cache.clear()
        self._cache[key] = value
        return value

    def _nk(self, key: str) -> int:
        kk = ("nk", key)
        nk = self._cache.get(kk)
        if nk is None:
            nk = self._remember(kk, self.keyed.h64("assess/nk", key))
        return nk  # type: ignore[return-value]


    # -- sorting findings into accumulators --------------------------------------------------
    def _take(self, entity: str, loc: Location, start: int, end: int, norm: str | None,
              raw: str | None, vhash: str | None, cue: str | None, section: int | None,
              masked: str = "") -> None:
        path = loc.path
        hl7 = loc.row is not None and self._is_hl7(loc.sheet, loc.column)
        if loc.row is not None:
            key = (path, None if hl7 else loc.sheet, loc.row, None)
        else:
            if section is None:
                section = 0
            key = (path, loc.sheet, loc.page, section)
        if key != self._acc_key:
            self._flush_acc()
            self._acc_key = key
            kind = "row" if loc.row is not None else "text"
            self._acc = _Acc(self.file_id(path), kind, loc.row,
                             None if kind == "row" else section, [_Slot(PATIENT)])
        acc = self._acc
        assert acc is not None
        if norm is not None:
            acc.values.append(f"{entity}\x1f{norm}")
        else:
            acc.values.append(vhash or "")
        if entity == "DATE_TIME":
            if norm is not None:
                self._date(acc, norm)
        if entity in _NOT_PERSONAL:
            if len(self.organisations) < 100_000:
                self._org(entity, loc, norm, vhash, masked)
            return
        if acc.kind == "row":
            self._take_cell(acc, entity, loc, start, end, norm, raw, vhash, cue, hl7)
        else:
            self._take_text(acc, entity, start, end, norm, raw, vhash, cue)

    def _is_hl7(self, sheet: str | None, column: str | None) -> bool:
        """An HL7 v2 / HPRIM field (sheet ``OBX[3]``, column ``OBX-5``): records are messages."""
        if not sheet or not column:
            return False
        key = ("hl7", sheet, column)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._remember(key, bool(_HL7_SHEET.match(sheet) and _HL7_COLUMN.match(column)))
        return hit  # type: ignore[return-value]

    def _org(self, entity: str, loc: Location, norm: str | None, vhash: str | None,
             masked: str) -> None:
        folder = folder_of(loc.path)
        h = vhash or self.keyed.hex(entity, norm or "")
        k = (folder, entity, h)
        hit = self.organisations.get(k)
        self.organisations[k] = (masked, (hit[1] if hit else 0) + 1, *([norm] if norm else []))

    def _date(self, acc: _Acc, norm: str) -> None:
        iso = self._date_iso(norm)
        if iso is None:
            return
        acc.months.add(iso[:7])
        p = self.period
        if p.first is None or iso < p.first:
            p.first = iso
        if p.last is None or iso > p.last:
            p.last = iso

    def _date_iso(self, norm: str) -> str | None:
        """The ISO date of a DATE_TIME's normalised value when it is a real date from 1900 to
        today (a record date), else None."""
        iso = norm[:10]
        if len(iso) != 10 or iso[4] != "-" or iso[7] != "-":
            return None
        try:
            d = date(int(iso[:4]), int(iso[5:7]), int(iso[8:10]))
        except ValueError:
            return None
        if d.year < 1900 or d > self.today:
            return None
        return iso

    def _column_role(self, column: str | None, hl7: bool) -> tuple[str | None, bool, str | None]:
        """(role or None for the subject, is a name column, name part) of a table column."""
        if hl7 and column:
            m = _HL7_COLUMN.match(column)
            seg = m.group(1) if m else ""
            if seg in _HL7_SUBJECT_SEGMENTS:
                return None, True, None
            if seg in _HL7_OTHER_SEGMENTS:
                return OTHER, True, None
            return PROFESSIONAL, True, None
        return column_role(column)

    def _take_cell(self, acc: _Acc, entity: str, loc: Location, start: int, end: int,
                   norm: str | None, raw: str | None, vhash: str | None, cue: str | None,
                   hl7: bool) -> None:
        role, is_name, part = self._column_role(loc.column, hl7)
        if entity in _PRO_IDS:
            role = PROFESSIONAL
        if entity == "PERSON" and not is_name:
            # a name in a free-text cell (a comment): a mention, never the row's subject
            mrole = PROFESSIONAL if cue == "pro" else OTHER
            slot = _Slot(mrole)
            self._put(slot, entity, norm, raw, vhash, None, table=False)
            acc.mentions.append(slot)
            return
        if role == PROFESSIONAL:
            if acc.pro is None:
                acc.pro = _Slot(PROFESSIONAL)
            self._put(acc.pro, entity, norm, raw, vhash, part, table=True)
        elif role == OTHER and entity == "PERSON":
            if acc.other_cols is None:
                acc.other_cols = _Slot(OTHER)
            self._put(acc.other_cols, entity, norm, raw, vhash, part, table=True)
        else:
            self._put(acc.subjects[0], entity, norm, raw, vhash, part, table=True)

    def _take_text(self, acc: _Acc, entity: str, start: int, end: int, norm: str | None,
                   raw: str | None, vhash: str | None, cue: str | None) -> None:
        cur = acc.subjects[-1]
        if entity in _PRO_IDS:
            # an RPPS/ADELI number belongs to the professional named just before it
            last = acc.mentions[-1] if acc.mentions else None
            if last is not None and last.role == PROFESSIONAL and last.pro_id is None \
                    and start - last.end <= 60:
                self._put(last, entity, norm, raw, vhash, None, table=False)
                last.end = end
                return
            if norm is None and cur.has_name() and cur.end >= 0 and start - cur.end <= 60 \
                    and cur.dob_h is None and cur.nir_h is None:
                # store mode: the name just before was the professional's
                cur.role = PROFESSIONAL
            slot = _Slot(PROFESSIONAL)
            self._put(slot, entity, norm, raw, vhash, None, table=False)
            slot.end = end
            acc.mentions.append(slot)
            return
        if entity == "PERSON":
            if cue in ("pro", "other"):
                slot = _Slot(PROFESSIONAL if cue == "pro" else OTHER)
                self._put(slot, entity, norm, raw, vhash, None, table=False)
                slot.end = end
                acc.mentions.append(slot)
                return
            if cur.has_name():
                if self._completes(cur, raw, cue, start):
                    self._put(cur, entity, norm, raw, vhash, cue, table=False)
                    cur.end = end
                    return
                cur = self._next_subject(acc)
            self._put(cur, entity, norm, raw, vhash, cue if cue in ("first", "last") else None,
                      table=False)
            cur.end = end
            return
        if entity in ("DATE_OF_BIRTH", "FR_NIR"):
            filled = cur.dob_h is not None or cur.dob is not None if entity == "DATE_OF_BIRTH" \
                else cur.nir_h is not None or cur.nir is not None
            if filled:
                new_h = self._value_h(entity, norm, vhash)
                old_h = (cur.dob_h if entity == "DATE_OF_BIRTH" else cur.nir_h)
                if new_h != old_h:
                    cur = self._next_subject(acc)
        self._put(cur, entity, norm, raw, vhash, None, table=False)
        cur.end = end

    def _completes(self, cur: _Slot, raw: str | None, cue: str | None, start: int) -> bool:
        """A second name that completes the first (``NOM : X  PRENOM : Y``)."""
        name = cur.name
        if raw is None:  # store mode: two one-token names side by side
            return len(cur.name_hashes) == 1 and 0 <= start - cur.end <= 40
        if cue == "first" and not name.first:
            return True
        if cue == "last" and not name.last:
            return True
        return False

    @staticmethod
    def _next_subject(acc: _Acc) -> _Slot:
        slot = _Slot(PATIENT)
        acc.subjects.append(slot)
        return slot

    def _value_h(self, entity: str, norm: str | None, vhash: str | None) -> int:
        if vhash is not None:
            return hex64(vhash)
        assert norm is not None
        key = (entity, norm)
        h = self._cache.get(key)
        if h is None:
            h = self._remember(key, self.keyed.h64(entity, norm))
        return h  # type: ignore[return-value]

    def _put(self, slot: _Slot, entity: str, norm: str | None, raw: str | None,
             vhash: str | None, part: str | None, table: bool) -> None:
        slot.ents |= _BIT.get(entity, 0)
        if entity == "PERSON":
            if raw is not None:
                split = self._split(raw, part, table)
                slot.name.first.extend(split[0])
                slot.name.last.extend(split[1])
            else:
                h = self._value_h(entity, norm, vhash)
                if part == "first":
                    slot.first_hash = h
                elif part == "last":
                    slot.last_hash = h
                else:
                    slot.name_hashes.append(h)
            return
        if entity in DIRECT_IDS:
            slot.direct = True
        if entity == "DATE_OF_BIRTH":
            if slot.dob_h is None:
                slot.dob_h = self._value_h(entity, norm, vhash)
                slot.dob = norm
        elif entity == "FR_NIR":
            if slot.nir_h is None:
                slot.nir_h = self._value_h(entity, norm, vhash)
                slot.nir = norm
        elif entity == "PHONE_NUMBER":
            if slot.phone is None:
                slot.phone = self._value_h(entity, norm, vhash)
        elif entity == "EMAIL_ADDRESS":
            if slot.email is None:
                slot.email = self._value_h(entity, norm, vhash)
        elif entity == "FR_POSTAL_CODE":
            if slot.postcode_h is None:
                slot.postcode_h = self._value_h(entity, norm, vhash)
                slot.postcode = norm
        elif entity == "IBAN_CODE":
            if slot.iban is None:
                slot.iban = self._value_h(entity, norm, vhash)
        elif entity in _PRO_IDS:
            if slot.pro_id is None:
                slot.pro_id = self._value_h(entity, norm, vhash)

    # -- finishing records -------------------------------------------------------------------
    def _flush_acc(self) -> None:
        acc = self._acc
        if acc is None:
            return
        self._acc = None
        self._acc_key = None
        fp = self._fingerprint(acc.values)
        subjects = [s for s in acc.subjects if s.has_name() or s.direct or s.dob_h is not None]
        if acc.kind == "row" and acc.other_cols is not None and acc.other_cols.has_name():
            if subjects and subjects[0].has_name():
                acc.mentions.append(acc.other_cols)
            else:  # the only names of the row: they are the row's subject's
                base = subjects[0] if subjects else _Slot(PATIENT)
                base.name = acc.other_cols.name
                base.name_hashes = acc.other_cols.name_hashes
                base.first_hash, base.last_hash = acc.other_cols.first_hash, acc.other_cols.last_hash
                if not subjects:
                    subjects = [base]
        months = sorted(acc.months)
        if months:
            self.period.dated_records += 1
            for m in months:
                self.month_counts[m] = self.month_counts.get(m, 0) + 1
        for s in subjects:
            role = s.role
            if role == PATIENT and not (s.direct or (s.has_name() and acc.kind == "row")):
                if not s.has_name():
                    continue  # a birth date alone identifies nobody
                # text: a name without any other personal field is a mention
                if s.dob_h is None and s.postcode_h is None:
                    role = OTHER
                    if self._tokens(s) < 2:
                        continue
            self._emit(acc, s, role, fp, months)
        if acc.pro is not None and (acc.pro.has_name() or acc.pro.pro_id is not None):
            self._emit(acc, acc.pro, PROFESSIONAL, fp, [])
        for m in acc.mentions:
            if m.role == PROFESSIONAL and (m.has_name() or m.pro_id is not None):
                self._emit(acc, m, PROFESSIONAL, fp, [])
            elif m.role == OTHER and self._tokens(m) >= 2:
                self._emit(acc, m, OTHER, fp, [])

    @staticmethod
    def _tokens(s: _Slot) -> int:
        if s.name_hashes or s.first_hash is not None or s.last_hash is not None:
            return 2 * len(s.name_hashes) + (s.first_hash is not None) + (s.last_hash is not None)
        return len(s.name.tokens())

    def _fingerprint(self, values: list[str]) -> int:
        return self.keyed.h64("assess/record", "\x1e".join(sorted(values)))

    def _names(self, s: _Slot) -> tuple:
        """(nk, fn, ln, fn_ph, ln_ph, fn_d, ln_d)."""
        if s.name_hashes or s.first_hash is not None or s.last_hash is not None:
            hs = list(s.name_hashes)
            fn, ln = s.first_hash, s.last_hash
            if fn is not None and ln is not None:
                hs.append(mix64(*sorted((fn, ln))))
            nk = hs[0] if hs else (ln if ln is not None else fn)
            return nk, fn, ln, None, None, None, None
        name = s.name
        if name.empty():
            return (None,) * 7
        nk = self._nk(" ".join(sorted(name.tokens())))
        fn_h, fn_ph, fn_d = self._part("fn", _join(name.first))
        ln_h, ln_ph, ln_d = self._part("ln", _join(name.last))
        return nk, fn_h, ln_h, fn_ph, ln_ph, fn_d, ln_d

    def _part(self, label: str, s: str) -> tuple:
        """(hash, phonetic hash, deletion-neighbourhood hashes) of one name part."""
        if not s:
            return None, None, None
        key = (label, s)
        hit = self._cache.get(key)
        if hit is None:
            k = self.keyed
            ph = soundex2(s)
            hit = (k.h64(f"assess/{label}", s),
                   k.h64(f"assess/{label}_ph", ph) if ph else None,
                   [k.h64(f"assess/{label}_d", v) for v in deletions(s)] if len(s) > 1 else None)
            self._remember(key, hit)
        return hit  # type: ignore[return-value]

    def _dob(self, s: _Slot) -> tuple:
        """(dob_sw, dob_d, minor) from the ISO birth date in memory."""
        return self._dob_of(s.dob)

    def _dob_of(self, iso: str | None) -> tuple:
        """(dob_sw, dob_d, minor) of an ISO birth date (None for a value that is not one)."""
        if not iso or len(iso) < 10 or iso[4] != "-":
            return None, None, None
        key = ("dob", iso[:10])
        hit = self._cache.get(key)
        if hit is None:
            y, m, d = iso[:4], iso[5:7], iso[8:10]
            k = self.keyed
            digits = y + m + d
            try:
                born = date(int(y), int(m), int(d))
                t = self.today
                age = t.year - born.year - ((t.month, t.day) < (born.month, born.day))
                minor = 0 <= age < 18
            except ValueError:
                minor = None
            hit = (k.h64("assess/dob_sw", y + "".join(sorted((m, d)))),
                   [k.h64("assess/dob_d", v) for v in deletions(digits)], minor)
            self._remember(key, hit)
        return hit  # type: ignore[return-value]

    def _emit(self, acc: _Acc, s: _Slot, role: str, fp: int, months: list[str]) -> None:
        nk, fn, ln, fn_ph, ln_ph, fn_d, ln_d = self._names(s)
        dob_sw, dob_d, minor = self._dob(s)
        nir_own = None
        if s.nir and s.dob and len(s.nir) >= 5 and len(s.dob) >= 7:
            yy, mm = s.nir[1:3], s.nir[3:5]
            nir_own = yy == s.dob[2:4] and (mm == s.dob[5:7] or not ("01" <= mm <= "12"))
        dept = None
        if s.postcode and len(s.postcode) == 5 and s.postcode.isdigit():
            dept = s.postcode[:3] if s.postcode[:2] in ("97", "98") else s.postcode[:2]
        self.records += 1
        rows = self._rows
        row = (self.records, acc.file_id, acc.kind, acc.row, acc.section, role, nk, fn, ln,
               fn_ph, ln_ph, fn_d, ln_d, s.dob_h, dob_sw, dob_d, s.nir_h, nir_own, s.phone,
               s.email, s.postcode_h, dept, s.iban, s.pro_id, s.ents, months or None, minor, fp)
        rows.append(row)
        if self._capture is not None:
            self._capture.append(row)
        if len(rows) >= self._batch_rows:
            self._emit_batch()

    def _emit_batch(self) -> None:
        rows = self._rows
        if not rows:
            return
        cols = list(zip(*rows))
        batch = pa.RecordBatch.from_arrays([pa.array(cols[i], f.type)
                                            for i, f in enumerate(RECORD_SCHEMA)],
                                           schema=RECORD_SCHEMA)
        rows.clear()
        self._out(batch)


class _SectionMemo:
    """:class:`RecordBuilder`'s memo of text sections (:meth:`RecordBuilder._take_sections`),
    bounded in bytes (issue 5: a 3-copy leak of 500,000 patients repeats more sections than a
    memo counted in findings and cleared wholesale could hold, so copies far apart in the walk
    were no longer replayed).

    * Keys: a 128-bit BLAKE2b digest, salted with a random per-process key, of the section's
      findings (entities, relative offsets, values, cues serialised by :mod:`marshal` version 2,
      which has no back-references: equal findings, equal bytes). No raw value is kept; a
      collision (probability ~n**2 / 2**129) would replay another section's records.
    * Entries: the section's records (keyed hashes and generalisations, as in
      :data:`RECORD_SCHEMA`) and counts, pickled into one ``bytes`` (a 64-bit hash in 10 bytes:
      a section of two records, ~3.7 kB of live tuples, in 661 bytes; :mod:`marshal`: 900),
      decoded at replay. The
      organisation identifiers of the section (a FINESS: not personal data) are in it, as in
      :attr:`RecordBuilder.organisations`; no other value. Memory only, never written.
    * Eviction, segmented LRU: a new entry is *probationary*; replayed once, it is *protected*
      (at most 3/4 of the budget; beyond, its least recently replayed entries go back to
      probation). Above the budget, the oldest probationary entries go first, then the least
      recently replayed protected ones: a long run of sections met once (another leak's text)
      cannot push out the sections known to repeat. ``held`` (bytes counted: the entry plus
      :data:`_ENTRY_BYTES`) never exceeds ``budget``; an entry larger than it is not kept.
    """

    __slots__ = ("budget", "held", "_kept_bytes", "_salt", "_new", "_kept", "hits", "evicted")

    #: bytes counted per entry beyond its encoded records (about: the digest's ``bytes``
    #: object, the entry's header, the ordered dict's slot and link node; CPython, 64-bit)
    _ENTRY_BYTES = 192

    def __init__(self, budget: int) -> None:
        import os
        from collections import OrderedDict

        self.budget = budget
        self.held = 0
        self._kept_bytes = 0
        self._salt = os.urandom(16)
        self._new: OrderedDict[bytes, bytes] = OrderedDict()   # never replayed, oldest first
        self._kept: OrderedDict[bytes, bytes] = OrderedDict()  # replayed, least recent first
        self.hits = 0
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._new) + len(self._kept)

    def __repr__(self) -> str:  # digests only, but nothing to show
        return f"_SectionMemo({len(self)} sections, {self.held} bytes)"

    def digest(self, key: tuple) -> bytes:
        import marshal

        return hashlib.blake2b(marshal.dumps(key, 2), digest_size=16, key=self._salt).digest()

    def get(self, digest: bytes):
        """The decoded entry of ``digest`` or None; a hit is protected (see the class)."""
        import pickle

        kept = self._kept
        blob = kept.get(digest)
        if blob is not None:
            kept.move_to_end(digest)
        else:
            blob = self._new.pop(digest, None)
            if blob is None:
                return None
            kept[digest] = blob
            self._kept_bytes += len(blob) + self._ENTRY_BYTES
            limit = self.budget * 3 // 4
            while self._kept_bytes > limit and len(kept) > 1:
                d, b = kept.popitem(last=False)
                self._kept_bytes -= len(b) + self._ENTRY_BYTES
                self._new[d] = b  # back to probation, as its newest entry
        self.hits += 1
        return pickle.loads(blob)

    def put(self, digest: bytes, entry: tuple) -> None:
        import pickle

        blob = pickle.dumps(entry, 5)
        size = len(blob) + self._ENTRY_BYTES
        if size > self.budget:
            return
        self._new[digest] = blob
        self.held += size
        while self.held > self.budget:
            if self._new:
                _, b = self._new.popitem(last=False)
            else:
                _, b = self._kept.popitem(last=False)
                self._kept_bytes -= len(b) + self._ENTRY_BYTES
            self.held -= len(b) + self._ENTRY_BYTES
            self.evicted += 1

    def clear(self) -> None:
        self._new.clear()
        self._kept.clear()
        self.held = self._kept_bytes = 0


class _Memo:
    """Results of :meth:`RecordBuilder._map` by key (raw values: memory only): a table of the
    keys and their results (``table``, appended in chunks) and a sorted index of the keys'
    64-bit row hashes (``hashes``, NumPy) with their rows (``rows``). A look-up is a binary
    search per distinct key of the batch, checked against the stored keys (a hash collision
    is a miss: the value is computed again), so it does not grow with the memo. Holds at most
    :data:`_MEMO_ROWS` rows: beyond, it starts again from the batch's new values."""

    __slots__ = ("table", "hashes", "rows", "_chunks")

    def __init__(self) -> None:
        import numpy as np

        self.table = None
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)
        self._chunks = 0

    def find(self, distinct, keys: list[str], outs: list[str]):
        """(mask of the rows of ``distinct`` found, those rows with their results) or
        (None, None) when none is known."""
        import numpy as np
        import polars as pl

        if self.table is None or not distinct.height or not self.hashes.size:
            return None, None
        h = distinct.hash_rows(seed=0).to_numpy()
        at = np.searchsorted(self.hashes, h)
        at[at >= self.hashes.size] = 0
        maybe = self.hashes[at] == h
        if not maybe.any():
            return None, None
        idx = np.where(maybe, self.rows[at], 0)
        got = self.table[idx]
        same = pl.Series(maybe)
        for k in keys:
            same = same & got[k].eq_missing(distinct[k].cast(got.schema[k]))
        if not same.any():
            return None, None
        found = distinct.filter(same).hstack(got.filter(same).select(outs))
        return same, found

    def add(self, new, keys: list[str]) -> None:
        import numpy as np
        import polars as pl

        table = self.table
        if table is not None and table.height + new.height > _MEMO_ROWS:
            self.__init__()
            table = None
        base = 0 if table is None else table.height
        if table is None:
            self.table = new
        else:
            self.table = pl.concat([table, new], how="vertical_relaxed", rechunk=False)
            self._chunks += 1
            if self._chunks >= 32:  # a gather walks the chunks: keep them few (amortised)
                self.table = self.table.rechunk()
                self._chunks = 0
        h = new.select(keys).hash_rows(seed=0).to_numpy()
        order = np.argsort(h, kind="stable")
        h = h[order]
        rows = base + order.astype(np.int64)
        at = np.searchsorted(self.hashes, h)
        self.hashes = np.insert(self.hashes, at, h)
        self.rows = np.insert(self.rows, at, rows)


class TableRecords:
    """The person records of one batch of table findings, built by :class:`RecordPrep` where
    the findings were made: ``table`` (:data:`RECORD_SCHEMA`; ``rid`` numbered from 1 in the
    batch, ``file_id`` an index into ``paths``), what its dates add to the period (``first``,
    ``last``, ``dated`` records, records per month ``months``), its ``organisations`` (as
    :attr:`RecordBuilder.organisations`) and the ``cpu`` seconds it took. Hashes and
    generalisations only, plus masked organisation identifiers: no raw value crosses the pipe."""

    __slots__ = ("table", "paths", "first", "last", "dated", "months", "organisations", "cpu",
                 "count")

    def __init__(self, table, paths: list[str], first: str | None, last: str | None,
                 dated: int, months: dict[str, int], organisations: dict, cpu: float,
                 count: int) -> None:
        self.table = table
        self.paths = paths
        self.first, self.last, self.dated = first, last, dated
        self.months = months
        self.organisations = organisations
        self.cpu = cpu
        self.count = count  # findings it was built from

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __repr__(self) -> str:
        return f"TableRecords({self.count} findings)"


class TextRecords:
    """A text unit's findings cut by :class:`RecordPrep`: ``middle``, the records of its whole
    sections (:class:`TableRecords`, ``section`` numbered from 0 in the unit), built where the
    findings were made; ``head`` and ``tail``, the findings (:class:`TextFindings`) of its first
    and last sections, which may continue a section of the previous unit of ``path`` or go on
    in the next one (a text split in pieces), left to the main process's builder; plus the
    unit's ``separators`` and laboratory names ``labs`` (as :class:`TextFindings`)."""

    __slots__ = ("path", "head", "middle", "tail", "separators", "labs", "count")

    def __init__(self, path: str, head: "TextFindings", middle: TableRecords,
                 tail: "TextFindings", separators: int, labs: list[str], count: int) -> None:
        self.path = path
        self.head, self.middle, self.tail = head, middle, tail
        self.separators = separators
        self.labs = labs
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __repr__(self) -> str:
        return f"TextRecords({self.count} findings)"


class RecordPrep:
    """``prepare`` of :func:`sentinelle.scanner.iter_items` for assess (issue 5, speed): turns
    a batch of table findings into :class:`TableRecords` in the process that made it (a worker
    with ``--jobs``), with :meth:`RecordBuilder._add_tables`, so the records step of tables
    scales with the workers and the main process only numbers the records. A text unit's
    findings become :class:`TextRecords`: its whole sections are built there too, finding by
    finding (:meth:`RecordBuilder._take`); the findings of its first and last sections (which
    may span units) pass to the main process's builder, as do HL7 messages (records that span
    batches). The records are the same, in the same order, as building them all in the main
    process, batch by batch.

    Picklable for workers that do not start with ``fork``: the key goes through the worker's
    pipe (memory, never disk), as :class:`sentinelle.scanner.RecordEncoder`'s.
    """

    __slots__ = ("_key", "today", "_builder", "_got")

    def __init__(self, key: bytes, today: date | None = None) -> None:
        self._key = key
        self.today = today or date.today()
        self._got: list[pa.RecordBatch] = []
        self._builder = RecordBuilder(key, self._got.append, today=self.today)

    def __repr__(self) -> str:  # never show the key
        return "RecordPrep(<key hidden>)"

    def __getstate__(self) -> dict:
        return {"key": self._key, "today": self.today}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["key"], state["today"])

    def __call__(self, batch):
        """The batch's records (see the class docstring), with the cyclic garbage collector
        paused as :meth:`sentinelle.pipeline.Pipeline.analyze_text` pauses it (Session 12,
        issue 5: its passes over the live caches cost ~2.9 s of a 27 s assessment of 10,000
        patients, about as much as building the records; nothing here makes reference
        cycles, and garbage is freed by reference counting meanwhile)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._prepare(batch)
        finally:
            if paused:
                gc.enable()

    def _prepare(self, batch):
        import time

        if isinstance(batch, TextFindings) and batch.sections is not None:
            return self._text(batch)
        if not isinstance(batch, FindingBatch) or not len(batch):
            return batch
        b = self._builder
        if b._hl7_batch(batch.table):
            return batch
        c0 = time.process_time()
        self._reset()
        b._pending, b._pending_n = [(batch.table, getattr(batch, "cues", None))], len(batch)
        b._add_tables()
        return self._records(c0, len(batch))

    def _reset(self) -> None:
        b = self._builder
        b.files, b.records, b.period, b.month_counts, b.organisations = {}, 0, Period(), {}, {}
        b._acc, b._acc_key, b._rows = None, None, []

    def _records(self, c0: float, count: int) -> TableRecords:
        import time

        b = self._builder
        b._emit_batch()
        got, self._got[:] = list(self._got), []
        table = pa.Table.from_batches(got, schema=RECORD_SCHEMA) if got else None
        paths = sorted(b.files, key=b.files.__getitem__)
        p = b.period
        return TableRecords(table, paths, p.first, p.last, p.dated_records, b.month_counts,
                            b.organisations, time.process_time() - c0, count)

    def _text(self, batch: "TextFindings"):
        """A text unit: the records of its sections but the first and the last (runs of
        findings of one section key, as :meth:`RecordBuilder._take` cuts them)."""
        import time

        from operator import attrgetter

        n = len(batch)
        if n < 3:
            return batch
        # the distinct Location objects (a text unit's findings share one): a table cell's
        # findings (row set) stay with the main process's builder
        locs = list(map(attrgetter("location"), batch))
        if any(loc.row is not None for loc in dict(zip(map(id, locs), locs)).values()):
            return batch
        c0 = time.process_time()
        sections = batch.sections

        def key(k: int) -> tuple:
            loc = batch[k].location
            return (loc.path, loc.sheet, loc.page, sections[k])

        first, last = key(0), key(n - 1)
        i = 1
        while i < n and key(i) == first:
            i += 1
        j = n - 1
        while j > i and key(j - 1) == last:
            j -= 1
        if i >= j:
            return batch
        self._reset()
        b = self._builder
        cues = batch.cues
        b._take_sections(batch[i:j], cues[i:j], sections[i:j])
        b._flush_acc()
        middle = self._records(c0, j - i)
        return TextRecords(
            batch[0].location.path,
            TextFindings(batch[:i], cues[:i], sections[:i]), middle,
            TextFindings(batch[j:], cues[j:], sections[j:]), batch.separators, batch.labs, n)
