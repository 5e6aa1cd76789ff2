"""HL7 v2.x messages (ORU^R01, ADT^A01, OML^O21, ORM^O01, ACK, ...) as small tables.

Rule source: HL7 Version 2.5.1, chapter 2 "Control" (message construction rules 2.6, delimiters
2.5.4 / table 2-1, escape sequences 2.7, batch protocol 2.10.3), chapter 3 (PID, NK1, PV1, PD1,
EVN, MRG, DG1, AL1, IN1, GT1 field definitions), chapter 4 (ORC, OBR), chapter 7 (OBX, SPM),
chapter 2A (data types XPN, XCN, XAD, XTN, CX, CNN/NDL, XON).

Reading
-------
* Segments end at CR, LF or CRLF (the standard says CR; files on disk often use LF). Blank lines
  are skipped. A line that does not start with a segment ID (three upper-case letters or digits
  followed by the field separator) continues the previous segment: a line break inside a text
  value, kept as ``\\n`` in the cell.
* A message starts at each ``MSH`` segment. ``FHS``/``BHS``/``BTS``/``FTS`` batch envelope
  segments are reported with the message they precede (``FHS``, ``BHS``) or follow (``BTS``,
  ``FTS``). The first non-blank line must be ``MSH``, ``FHS`` or ``BHS`` (after an optional BOM
  and whitespace), else :class:`ReadError` ("not an HL7 v2 message", line 1).
* Delimiters are read from each ``MSH``/``FHS``/``BHS``: the character after the segment ID is
  the field separator (MSH-1); MSH-2 gives, in order, the component, repetition, escape and
  sub-component characters (a 5th, v2.7 truncation character, is ignored). Nothing is assumed:
  when MSH-2 is empty or short, the missing levels are not split and escapes are not decoded.
* Escape sequences (2.7) are decoded after splitting: ``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\`` give the
  delimiter back, ``\\Xhh..\\`` hexadecimal bytes (UTF-8 when valid, else Latin-1),
  ``\\.br\\``/``\\.sp\\``/``\\.ce\\`` a line break, ``\\.in\\``/``\\.ti\\``/``\\.sk\\`` a space;
  highlighting (``\\H\\ \\N\\``), character-set switches (``\\C..\\ \\M..\\``), formatting
  without text (``\\.fi\\ \\.nf\\``) and locally defined ``\\Z..\\`` sequences are dropped. An
  escape character without its closing partner is kept as written.
* A message is buffered whole (up to ``max_message_chars``, 256 Mi characters; beyond:
  ReadError); the file itself is streamed line by line. A truncated last segment is read as far
  as it goes.

Units and locations (what a finding carries)
--------------------------------------------
One :class:`TableUnit` per segment occurrence, holding one row:

* ``row`` = 0-based index of the message in the file (the n-th ``MSH``);
* ``sheet`` = segment ID and its 1-based occurrence in that message, ``OBX[3]`` for the third
  OBX (``PID[1]`` for the patient segment), so message + segment + field open the place again;
* ``column`` = the field, ``PID-5``, numbered as in the standard (MSH-1 is the field separator,
  so ``MSH-7`` is the message date); empty fields give no column. Some fields of a composite
  type get a companion column for one component, ``SEG-n.c`` (below); the repetitions of a
  patient's identifier list get one column each, ``SEG-n[r]`` (below, CX).
* ``start``/``end`` are offsets in the cell text, which is the *decoded* field: sub-components
  and components joined with a space (empty ones dropped), repetitions with a line break.

Why one column per field with components joined (not one column per component): a name
``DOE^JOHN^Q`` stays one PERSON finding ``DOE JOHN Q``, as a person reads it, and the field is
what HL7 tools and people cite. Where a composite type mixes a name with an identifier or a
postcode, the reader uses the data type's layout so that each part lands in a column the
detectors can classify:

* XPN (person name): components 1-3 (family, given, further given names or initials); suffix,
  prefix, degree and name-type codes are left out of the cell.
* XCN (person with an identifier; NDL/CNN likewise from component 1's sub-components): the cell
  is the name (components 2-4); the ID number (component 1: an RPPS / ADELI number in France, an
  NPI in the US) goes to companion column ``SEG-n.1``, hinted ``rpps``.
* XAD (address): street, other designation, city, state, country, other geographic designation,
  county joined with ", "; the postcode (component 5) goes to ``SEG-n.5``, hinted
  ``code_postal``.
* XTN (telecom, 2.A.89): every number form written is read, hinted ``telephone``: the cell is
  the first of component 1, +country code, area code, local number and extension (components
  5-8, ``+33 1 42345678 12``), the unformatted component 12; the others written beside it go to
  ``SEG-n.5`` (components 5-8) and ``SEG-n.12``; components 10, 11 and 13 on (extension
  prefix, speed dial code, v2.6+ dates and codes) to ``SEG-n.10``... hinted ``telephone`` too
  (a number written a component too far is still a number). The e-mail (component 4) goes to
  ``SEG-n.4``, hinted ``email``; the free text (component 9) to ``SEG-n.9``. A field with several
  repetitions holding a number gives one column per repetition, ``PID-13[1]``,
  ``PID-13[2].12`` (a phone column holds one number per cell: ``4235551212`` on a line of its
  own in a text cell is nothing to the phone detector); e-mails and free text stay one column.
  A field the table below does not type is an XTN when a repetition carries a
  telecommunication use code (component 2, HL7 table 0201: ``PRN``, ``WPN``, ``ORN``,
  ``NET``...) or equipment type (component 3, table 0202: ``PH``, ``CP``, ``FX``, ``BP``,
  ``Internet``...) and a number or an e-mail (:func:`coded_xtn_fields`; a Z-segment's phone).
* XON (extended composite name and identification number for organizations, 2.A.87: PD1-3,
  NK1-13, ORC-21, OBX-23, IN1-4, IN1-11, GT1-21, GT1-51; OBX-5 when OBX-2 is ``XON``): the
  organisation identifier (component 10, ``750712184``, a FINESS in France, an NPI or CLIA
  number in the US) goes to ``SEG-n.10`` and the deprecated ID number (component 3) to
  ``SEG-n.3``, hinted ``identifiant`` (classified from their values); the organisation's name
  (component 1) is not read, nor its codes (2, 7, 9), check digit (4, 5) and assigning
  authority and facility (6, 8, HDs). An organisation's name is not a person's, and no entity
  of the registry is about it; read as text it was reported as PERSON (``Tennessee Department
  of Health``: 348 PERSON findings in OBX-23, 153 in ORC-21 on the CDC samples, session 11)
  and then replaced wherever the message repeats it (MSH-4). A hint does not help: a cell no
  hinted detector claims is read as free text. Left unread as well: an organisation named
  after a person (a private practice, ``Cabinet du Dr X``) in these fields; the physician's own
  fields (XCN: ORC-12, OBR-16, OBX-16, PV1-7...) are read. Without a declared component
  delimiter the field is read as text, as an HD.
* CX (identifier): the ID number (component 1) of each repetition. The patient's identifiers
  (PID-2, -3, -4, -21 and MRG-1, hinted ``ipp``; PID-18, the account number, which French
  systems fill with the stay's NDA, IHE PAM national extension France, ``nda``) are
  MEDICAL_RECORD_NUMBER; a repetition is hinted ``nir`` instead when it is a French INS
  (assigning authority CX-4 with OID 1.2.250.1.213.1.4.8 INS-NIR, .9 INS-NIA, .10 / .11 their
  test ranges: ANS "Référentiel INS") or has an identifier type CX-5 of a NIR (:data:`NIR_TYPES`:
  ``NH``, ``SS``, ``NNFRA``, HL7 table 0203; ``INS``, ``INS-NIR``, ``INS-NIA``, ``INS-C``).
  Such an identifier list with several repetitions (the French ``IPP~INS``) gives **one column
  per repetition**, ``PID-3[1]``, ``PID-3[2]`` (1-based, as written, empty ones skipped), each
  hinted after its own type: one cell, one identifier, one detector (a table column has one
  detector; an IPP in a cell hinted ``nir`` has no checksum nor cue and would be found by
  nothing). A list with one repetition stays ``PID-3``. The other repeated fields keep their
  repetitions in one cell.
* Fields that hold no personal data give no cell, or only their identifier: an HD (2.A.36:
  MSH-3 to MSH-6, the sending and receiving applications and facilities, organisations and
  their OIDs) and a code from an HL7 or user table (PID-10 race, table 0005; PID-22 ethnic
  group, 0189; PID-15 language, PID-16 marital status, PID-17 religion, PID-26 citizenship,
  PID-28 nationality; NK1-3 relationship, 0063; NK1-7 contact role, 0131) give none; an EI
  (2.A.24: ORC-2/3/4, OBR-2/3, order numbers) its entity identifier (component 1) without its
  assigning authority (components 2-4, an HD); an EIP (2.A.26: ORC-8, OBR-29, SPM-2, SPM-3)
  the placer's and filler's entity identifiers; an XON (above) its identifiers. (Race, ethnic
  origin and religion are GDPR art. 9 data, but no entity of the registry is about them: read
  as text they were only ever reported as PERSON.) When MSH-2 declares no component delimiter
  these fields are read as text, their parts not being told apart.
* In the fields the table below does not type, some parts are not read (:func:`rep_blanks`,
  told from the line as written, :class:`Layout`): an HD written as sub-components (CX-4
  ``ssn&2.16.840.1.113883.4.1&ISO``, the US SSN authority's OID, no NIR) or as three components
  (EI-2..4) when its universal ID type is one of table 0301 (``ISO`` with an OID, ``DNS``...);
  a coded value (CWE/CE) whose coding system (component 3, or 6 with an alternate code) is one
  of table 0396: its codes, coding systems and versions, and, for an administrative table
  (``HL7nnnn``, ``ISOnnnn``, ``CDCREC``), its texts too (``MTH^Mother^HL70063`` is no name);
  the texts of a clinical code (``LN``, ``SCT``, ``I10``...) are read: ``Cystic fibrosis newborn
  screening panel`` may be health data; a local code (``L``, ``LB``, ``99zzz``) is read whole,
  code and text being the sender's own (``L`` is also an XPN's middle initial:
  ``BERTHELOT^Augustin^L``). An HD's namespace with a digit that is no OID is read
  (``185017512345609^1.2.250.1.213.1.4.8^ISO``: an INS, not an organisation). A field typed as
  a code (NK1-3...) with a local-code repetition is read as text, the table codes beside it not
  (``SPO^Gerard Lemoine^L``: :func:`local_code_fields`).
* Session 12, texts of clinical codes: an untyped field whose every repetition is a clinical
  code (:func:`clinical_code_fields`; OBR-4 ``54078-1^Cystic fibrosis newborn screening
  panel^LN``, SPM-4 ``119297000^Blood specimen^SCT``) is hinted :data:`CODE_TEXT_HINT`: its
  cell is the terminology's wording, health data maybe, never a person's name nor a place
  (``Pompe`` of ``Pompe Disease newborn screening panel`` was reported as PERSON: 15 findings
  in OBR-4 on the CDC samples). In OBR-4 (universal service identifier) a LOINC code written
  without its coding system (``63414-7^Pompe Disease newborn screening panel``, the Minnesota
  samples) is a clinical code when it has LOINC's form and check digit (:func:`is_loinc`); its
  code is then not read either. The OBX-3/5/6 result cell is unchanged (the LAB_RESULT
  detector needs the analyte with its value).
* OBX-5 takes the data type named in OBX-2 (XPN, XCN, XAD, XTN, CX, XON; TN as XTN). For the
  other value types (NM, SN, ST, TX, FT, CE, CWE...) OBX-3, OBX-5 and OBX-6 are one column
  ``OBX-3/5/6``: observation name (OBX-3 text, else its code), value and unit (OBX-6 identifier)
  in one cell, hinted ``resultat``. A lab result is an analyte *with* its value; apart, the
  LAB_RESULT detector sees neither, and the test name would be reported twice.

Hints (:attr:`TableUnit.hints`) give each known field its standard meaning in words the
detectors' header patterns know (``PID-5`` -> ``nom_patient``, ``PID-7`` -> ``date_de_naissance``,
``PID-13`` -> ``telephone``...; table :data:`FIELDS`). Fields without a hint are classified from
their values or read as free text (OBX-5, NTE-3).

Library: python-hl7 (``hl7`` on PyPI, 0.4.5) was tried on the corpus and not used: it splits
segments on CR only (86 of the 130 non-empty CDC sample files use LF and parse as one segment),
raises ``IndexError`` on a bare ``MSH|``, substitutes default delimiters when MSH-2 is short,
and its ``unescape`` logs the raw field value through :mod:`logging` on an unknown escape (a
privacy leak for a tool whose logs must never hold personal data). The tokenising needed here
is small: splitting on the declared delimiters plus the escape table above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, ClassVar, Iterable, Iterator, Sequence

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import Reader, Source, TableBatch, TableUnit, Unit
from sentinelle.readers.encoding import DecodedStream, head_text

#: largest message buffered, in characters
MAX_MESSAGE_CHARS = 256 * 1024 * 1024
#: segments carrying their own delimiter definition in field 2 (MSH-2, FHS-2, BHS-2)
HEADER_SEGMENTS = frozenset({"MSH", "FHS", "BHS"})
_HEAD = re.compile(r"\A[\s\ufeff]*(?:MSH|FHS|BHS)[^\w\s]")
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{2}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_FIELD_NUMBER = re.compile(r"\d+")


def _suffix(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower()


# -- delimiters and escapes ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The delimiters of one message; an empty string is a level that is not declared."""

    field: str
    component: str = ""
    repetition: str = ""
    escape: str = ""
    subcomponent: str = ""

    @classmethod
    def from_msh(cls, line: str) -> "Delimiters":
        """From an ``MSH``/``FHS``/``BHS`` line: MSH-1 and MSH-2 (component, repetition, escape,
        sub-component; HL7 v2.5.1 table 2-1)."""
        sep = line[3]
        enc = line[4:].split(sep, 1)[0]
        return cls(sep, *(enc[i] if len(enc) > i else "" for i in range(4)))

    @classmethod
    def from_astm(cls, line: str) -> "Delimiters":
        """From an ASTM E1394 / HPRIM Santé ``H`` record: field separator after ``H``, then
        repetition, component, escape and sub-component characters (ASTM E1394 7.1.2)."""
        sep = line[1]
        enc = line[2:].split(sep, 1)[0]
        rep, comp, esc, sub = (enc[i] if len(enc) > i else "" for i in range(4))
        return cls(sep, comp, rep, esc, sub)


def unescape(text: str, d: Delimiters) -> str:
    """Decode HL7 escape sequences (v2.5.1 section 2.7) in one already split value."""
    esc = d.escape
    if not esc or esc not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find(esc, i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        k = text.find(esc, j + 1)
        if k < 0:  # no closing escape: keep as written
            out.append(text[j:])
            break
        out.append(_escape_value(text[j + 1:k], d, text[j:k + 1]))
        i = k + 1
    return "".join(out)


def _escape_value(seq: str, d: Delimiters, raw: str) -> str:
    simple = {"F": d.field, "S": d.component, "T": d.subcomponent, "R": d.repetition,
              "E": d.escape, "H": "", "N": ""}
    if seq in simple:
        return simple[seq]
    if not seq:
        return raw
    head = seq[0]
    if head == "X":
        digits = seq[1:]
        if not _HEX.fullmatch(digits):
            return raw
        data = bytes.fromhex(digits)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    if head in "CMZ":
        return ""
    if head == ".":
        cmd = seq[1:3].lower()
        if cmd in ("br", "sp", "ce"):
            return "\n"
        if cmd in ("in", "ti", "sk"):
            return " "
        if cmd in ("fi", "nf"):
            return ""
    return raw


def split_field(raw: str, d: Delimiters) -> list[list[list[str]]]:
    """A raw field as repetitions -> components -> decoded sub-components."""
    reps = raw.split(d.repetition) if d.repetition else [raw]
    out = []
    for rep in reps:
        comps = rep.split(d.component) if d.component else [rep]
        out.append([[unescape(s, d) for s in (c.split(d.subcomponent) if d.subcomponent else [c])]
                    for c in comps])
    return out


# -- rendering by data type ----------------------------------------------------------------

Rep = list[list[str]]  # one repetition: components -> sub-components


def words(parts: Iterable[str], sep: str = " ") -> str:
    """The non-blank ``parts`` joined by ``sep``."""
    return sep.join(p for p in parts if p and not p.isspace())


def component(rep: Rep, i: int) -> str:
    """Component ``i`` (1-based) with its sub-components joined by a space."""
    return words(rep[i - 1]) if len(rep) >= i else ""


def _sub(rep: Rep, i: int, j: int) -> str:
    return rep[i - 1][j - 1] if len(rep) >= i and len(rep[i - 1]) >= j else ""


def _generic(rep: Rep) -> dict[str, str]:
    return {"": words(words(c) for c in rep)}


def _xpn(rep: Rep) -> dict[str, str]:
    return {"": words(component(rep, i) for i in (1, 2, 3))}


def _xcn(rep: Rep) -> dict[str, str]:
    return {"": words(component(rep, i) for i in (2, 3, 4)), ".1": component(rep, 1)}


def _ndl(rep: Rep) -> dict[str, str]:
    return {"": words(_sub(rep, 1, j) for j in (2, 3, 4)), ".1": _sub(rep, 1, 1)}


def _xad(rep: Rep) -> dict[str, str]:
    return {"": words((component(rep, i) for i in (1, 2, 3, 4, 6, 8, 9)), ", "),
            ".5": component(rep, 5)}


#: XTN components past the number, e-mail and text ones (2.A.89 and v2.6+ additions)
_XTN_OTHER = (10, 11, *range(13, 21))


def _xtn_local(rep: Rep) -> str:
    """The number of components 5-8 (country code, area code, local number, extension) of one
    XTN repetition, ``+33 1 42345678``; the extension is one more digit group (a cell of digit
    groups is phone-shaped, an ``x12`` after it is not), empty when 5-8 are."""
    country, area, local, ext = (component(rep, i) for i in (5, 6, 7, 8))
    if not (area or local or ext):
        return ""
    return words([f"+{country.lstrip('+')}" if country else "", area, local, ext])


def _xtn(rep: Rep) -> dict[str, str]:
    """One XTN repetition (HL7 v2.5.1 2.A.89): the number in the main column (component 1, else
    components 5-8, else the unformatted component 12); the other number forms written beside it
    in companion columns ``.5`` (components 5-8) and ``.12``, components 10, 11, 13-20 in
    ``.10``..., so that every digit of the field is read; the e-mail (component 4) in ``.4``;
    the free text (component 9) in ``.9``. The use code (2) and equipment type (3) are codes,
    not data."""
    forms = [(".1", component(rep, 1)), (".5", _xtn_local(rep)), (".12", component(rep, 12))]
    present = [(suffix, text) for suffix, text in forms if text and not text.isspace()]
    out = {"": present[0][1] if present else ""}
    for suffix, text in present[1:]:
        out[suffix] = text
    out[".4"] = component(rep, 4)
    out[".9"] = component(rep, 9)
    # components 10, 11, 13-20 (extension prefix, speed dial, v2.6+ dates and codes): a number
    # written one place too far is still a number (read as a phone, a date in 13 too)
    for i in _XTN_OTHER:
        out[f".{i}"] = component(rep, i)
    return out


def _cx(rep: Rep) -> dict[str, str]:
    return {"": component(rep, 1)}


def _ei(rep: Rep) -> dict[str, str]:
    """EI (2.A.24): the entity identifier (component 1); the assigning authority's namespace,
    universal ID (an OID) and its type (components 2-4, an HD) name an organisation."""
    return {"": component(rep, 1)}


def _eip(rep: Rep) -> dict[str, str]:
    """EIP (2.A.26): the placer's and the filler's entity identifiers (sub-component 1 of
    components 1 and 2, each an EI written with sub-components)."""
    return {"": words([_sub(rep, 1, 1), _sub(rep, 2, 1)])}


def _xon(rep: Rep) -> dict[str, str]:
    """XON (2.A.87, organisation name and identifier): the organization identifier (component
    10) in ``.10``, the ID number (component 3, kept for backward compatibility since v2.5) in
    ``.3``; the name (component 1) and the codes, check digit and HDs (2, 4-9) give no cell:
    an organisation, not a person (module docstring)."""
    return {"": "", ".3": component(rep, 3), ".10": component(rep, 10)}


def _none(rep: Rep) -> dict[str, str]:
    """A field that holds no personal data to scan: an HD (2.A.36, an application or facility
    and its OID) or a code from an HL7 / user table (race, relationship...): no cell."""
    return {"": ""}


#: hints of an XTN's companion columns: the other number forms are phone numbers too
#: (component 9, free text, has no hint: read as text)
XTN_HINTS = {".4": "email", ".5": "telephone", ".12": "telephone",
             **{f".{i}": "telephone" for i in _XTN_OTHER}}

#: data types whose fields are not read (:func:`_none`) when their components can be told apart
_UNREAD_TYPES = frozenset({"HD", "CODE"})
#: data types rendered by component only when a component delimiter is declared (read as text
#: otherwise: their parts cannot be told apart)
_COMPONENT_TYPES = _UNREAD_TYPES | {"XON"}

#: data type -> (renderer, hints of its companion columns)
RENDERERS: dict[str, tuple[Callable[[Rep], dict[str, str]], dict[str, str]]] = {
    "XPN": (_xpn, {}),
    "XCN": (_xcn, {".1": "rpps"}),
    "NDL": (_ndl, {".1": "rpps"}),
    "XAD": (_xad, {".5": "code_postal"}),
    "XTN": (_xtn, XTN_HINTS),
    "TN": (_xtn, XTN_HINTS),
    "CX": (_cx, {}),
    "EI": (_ei, {}),
    "EIP": (_eip, {}),
    "XON": (_xon, {".3": "identifiant", ".10": "identifiant"}),
    "HD": (_none, {}),
    "CODE": (_none, {}),
}

#: Standard meaning of the fields that hold personal data: ``SEG-n`` -> (data type, hint).
#: Sources: HL7 v2.5.1 chapters 3 (PID, NK1, PV1, PD1, EVN, MRG, DG1, AL1, IN1, GT1, PRB,
#: ROL, PRD, CTD, STF), 4 (ORC, OBR), 7 (OBX, SPM) and 2 (NTE). A hint is a header text the
#: detectors' ``header_pattern`` recognise (see tests/readers/test_readers_hl7v2.py).
FIELDS: dict[str, tuple[str | None, str | None]] = {
    "MSH-3": ("HD", None),                     # sending application (an organisation's)
    "MSH-4": ("HD", None),                     # sending facility (an organisation)
    "MSH-5": ("HD", None),                     # receiving application
    "MSH-6": ("HD", None),                     # receiving facility
    "EVN-5": ("XCN", "redacteur"),             # operator ID
    "PID-2": ("CX", "ipp"),                    # patient ID (v2.3)
    "PID-3": ("CX", "ipp"),                    # patient identifier list (IPP; INS: "nir")
    "PID-4": ("CX", "ipp"),                    # alternate patient ID
    "PID-5": ("XPN", "nom_patient"),           # patient name
    "PID-6": ("XPN", "nom_jeune_fille"),       # mother's maiden name
    "PID-7": (None, "date_de_naissance"),      # date/time of birth
    "PID-9": ("XPN", "nom_patient"),           # patient alias
    "PID-10": ("CODE", None),                  # race (table 0005; CDC race codes CDCREC)
    "PID-11": ("XAD", "adresse"),              # patient address
    "PID-13": ("XTN", "telephone"),            # phone number - home
    "PID-14": ("XTN", "telephone"),            # phone number - business
    "PID-15": ("CODE", None),                  # primary language (table 0296)
    "PID-16": ("CODE", None),                  # marital status (table 0002)
    "PID-17": ("CODE", None),                  # religion (table 0006)
    "PID-18": ("CX", "nda"),                   # patient account number (France: the NDA)
    "PID-19": ("CX", "social_security"),       # SSN number - patient (ST; senders write a CX)
    "PID-21": ("CX", "ipp"),                   # mother's identifier (her patient number)
    "PID-22": ("CODE", None),                  # ethnic group (table 0189; CDCREC)
    "PID-26": ("CODE", None),                  # citizenship (table 0171)
    "PID-28": ("CODE", None),                  # nationality (table 0212)
    "PID-29": (None, "date_deces"),            # patient death date and time
    "PD1-3": ("XON", None),                    # patient primary facility
    "PD1-4": ("XCN", "medecin_traitant"),      # patient primary care provider
    "MRG-1": ("CX", "ipp"),                    # prior patient identifier list
    "MRG-7": ("XPN", "nom_patient"),           # prior patient name
    "NK1-2": ("XPN", "nom_contact"),           # name
    "NK1-3": ("CODE", None),                   # relationship (table 0063)
    "NK1-4": ("XAD", "adresse"),               # address
    "NK1-5": ("XTN", "telephone"),             # phone number
    "NK1-6": ("XTN", "telephone"),             # business phone number
    "NK1-7": ("CODE", None),                   # contact role (table 0131)
    "NK1-13": ("XON", None),                   # organization name - NK1
    "NK1-16": (None, "date_de_naissance"),     # date/time of birth
    "NK1-30": ("XPN", "nom_contact"),          # contact person's name
    "NK1-31": ("XTN", "telephone"),            # contact person's telephone number
    "NK1-32": ("XAD", "adresse"),              # contact person's address
    "NK1-33": ("CX", "identifiant"),           # next of kin/associated party's identifiers
    "NK1-37": ("CX", "social_security"),       # contact person SSN (ST; senders write a CX)
    "PV1-7": ("XCN", "medecin"),               # attending doctor
    "PV1-8": ("XCN", "medecin"),               # referring doctor
    "PV1-9": ("XCN", "medecin"),               # consulting doctor
    "PV1-17": ("XCN", "medecin"),              # admitting doctor
    "PV1-52": ("XCN", "medecin"),              # other healthcare provider
    "ORC-2": ("EI", None),                     # placer order number
    "ORC-3": ("EI", None),                     # filler order number
    "ORC-4": ("EI", None),                     # placer group number
    "ORC-8": ("EIP", None),                    # parent order
    "ORC-10": ("XCN", "redacteur"),            # entered by
    "ORC-11": ("XCN", "signataire"),           # verified by
    "ORC-12": ("XCN", "prescripteur"),         # ordering provider
    "ORC-14": ("XTN", "telephone"),            # call back phone number
    "ORC-19": ("XCN", "redacteur"),            # action by
    "ORC-21": ("XON", None),                   # ordering facility name
    "ORC-22": ("XAD", "adresse"),              # ordering facility address
    "ORC-23": ("XTN", "telephone"),            # ordering facility phone number
    "ORC-24": ("XAD", "adresse"),              # ordering provider address
    "OBR-2": ("EI", None),                     # placer order number
    "OBR-3": ("EI", None),                     # filler order number
    "OBR-10": ("XCN", "preleveur"),            # collector identifier
    "OBR-16": ("XCN", "prescripteur"),         # ordering provider
    "OBR-17": ("XTN", "telephone"),            # order callback phone number
    "OBR-28": ("XCN", "destinataire"),         # result copies to
    "OBR-29": ("EIP", None),                   # parent (order numbers)
    "OBR-32": ("NDL", "biologiste"),           # principal result interpreter
    "OBR-33": ("NDL", "biologiste"),           # assistant result interpreter
    "OBR-34": ("NDL", "redacteur"),            # technician
    "OBR-35": ("NDL", "redacteur"),            # transcriptionist
    "OBX-16": ("XCN", "biologiste"),           # responsible observer
    "OBX-23": ("XON", None),                   # performing organization name
    "OBX-24": ("XAD", "adresse"),              # performing organization address
    "OBX-25": ("XCN", "biologiste"),           # performing organization medical director
    "NTE-5": ("XCN", "redacteur"),             # entered by
    "DG1-3": (None, "diagnostic"),             # diagnosis code
    "DG1-4": (None, "diagnostic"),             # diagnosis description
    "PRB-3": (None, "pathologie"),             # problem ID
    "IN1-4": ("XON", None),                    # insurance company name
    "IN1-5": ("XAD", "adresse"),               # insurance company address
    "IN1-6": ("XPN", "nom_contact"),           # insurance company contact person
    "IN1-7": ("XTN", "telephone"),             # insurance company phone number
    "IN1-11": ("XON", None),                   # insured's group emp(loyer) name
    "IN1-16": ("XPN", "nom_assure"),           # name of insured
    "IN1-18": (None, "date_de_naissance"),     # insured's date of birth
    "IN1-19": ("XAD", "adresse"),              # insured's address
    "GT1-3": ("XPN", "nom"),                   # guarantor name
    "GT1-4": ("XPN", "nom"),                   # guarantor spouse name
    "GT1-5": ("XAD", "adresse"),               # guarantor address
    "GT1-6": ("XTN", "telephone"),             # guarantor ph num - home
    "GT1-7": ("XTN", "telephone"),             # guarantor ph num - business
    "GT1-8": (None, "date_de_naissance"),      # guarantor date/time of birth
    "GT1-12": ("CX", "social_security"),       # guarantor SSN (ST; senders write a CX)
    "GT1-16": ("XPN", "nom"),                  # guarantor employer name (a person's name)
    "GT1-17": ("XAD", "adresse"),              # guarantor employer address
    "GT1-18": ("XTN", "telephone"),            # guarantor employer phone number
    "GT1-21": ("XON", None),                   # guarantor organization name
    "GT1-45": ("XPN", "nom_contact"),          # contact person's name
    "GT1-46": ("XTN", "telephone"),            # contact person's telephone number
    "GT1-51": ("XON", None),                   # guarantor employer's organization name
    "ROL-4": ("XCN", "nom"),                   # role person
    "PRD-2": ("XPN", "medecin"),               # provider name
    "PRD-3": ("XAD", "adresse"),               # provider address
    "PRD-5": ("XTN", "telephone"),             # provider communication information
    "CTD-2": ("XPN", "nom_contact"),           # contact name
    "CTD-3": ("XAD", "adresse"),               # contact address
    "CTD-5": ("XTN", "telephone"),             # contact communication information
    "STF-3": ("XPN", "nom"),                   # staff name
    "SPM-2": ("EIP", None),                    # specimen ID
    "SPM-3": ("EIP", None),                    # specimen parent IDs
}

#: OBX-2 value type -> (data type used to render OBX-5, hint)
OBX_VALUE_TYPES: dict[str, tuple[str, str | None]] = {
    "XPN": ("XPN", "nom"), "XCN": ("XCN", "nom"), "PN": ("XPN", "nom"),
    "XAD": ("XAD", "adresse"), "AD": ("XAD", "adresse"),
    "XTN": ("XTN", "telephone"), "TN": ("TN", "telephone"), "CX": ("CX", None),
    "XON": ("XON", None),
}

#: HL7 table 0201, telecommunication use code (XTN-2; v2.5.1, PRS from v2.6)
XTN_USE_CODES = frozenset({"ASN", "BPN", "EMR", "NET", "ORN", "PRN", "PRS", "VHN", "WPN"})
#: HL7 table 0202, telecommunication equipment type (XTN-3; v2.5.1, SAT from v2.6)
XTN_EQUIPMENT_TYPES = frozenset({"BP", "CP", "FX", "INTERNET", "MD", "PH", "SAT", "TDD", "TTY",
                                 "X.400"})
_DIGIT = re.compile(r"\d")
#: fields whose type another rule gives: OBX-5 (OBX-2), OBX-3/5/6 (one result column)
_NOT_CODED = frozenset({"OBX-3", "OBX-5", "OBX-6"})


def is_coded_xtn(reps: Sequence[Rep]) -> bool:
    """True when a field of no known type is an XTN by its codes: a repetition with a
    telecommunication use code (component 2, table 0201) or equipment type (component 3, table
    0202) and a number (a digit in component 1, 5-8 or 12) or an e-mail (component 4)."""
    for rep in reps:
        if component(rep, 2).upper() in XTN_USE_CODES \
                or component(rep, 3).upper() in XTN_EQUIPMENT_TYPES:
            if "@" in component(rep, 4) or any(
                    _DIGIT.search(component(rep, i)) for i in (1, 5, 6, 7, 8, 12)):
                return True
    return False


def coded_xtn_fields(seg: str, fields: Sequence[str], d: Delimiters, first: int = 1,
                     spec: dict[str, tuple[str | None, str | None]] = FIELDS) -> frozenset[str]:
    """The names (``IN1-7``) of the fields of one segment that ``spec`` does not type and that
    are an XTN by their codes (:func:`is_coded_xtn`): read as ``("XTN", "telephone")``."""
    if not d.component:
        return frozenset()
    out = set()
    for k, raw in enumerate(fields):
        name = f"{seg}-{k + first}"
        if not raw or name in spec or name in _NOT_CODED or d.component not in raw:
            continue
        if is_coded_xtn(split_field(raw, d)):
            out.add(name)
    return frozenset(out)


# -- parts of untyped fields that are not personal data -------------------------------------

#: HL7 table 0301, universal ID type (HD-3, EI-4) of a universal ID that is not a local name
UNIVERSAL_ID_TYPES = frozenset({"ISO", "DNS", "GUID", "UUID", "URI", "HCD", "HL7", "CLIA",
                                "CLIP", "X400", "X500"})
_OID = re.compile(r"[0-2](?:\.\d+)+")
#: HL7 table 0396 coding systems (CWE-3, CWE-6) of administrative tables: ``HL7nnnn`` (an HL7
#: table: 0005 race, 0063 relationship, 0131 contact role...), ``ISOnnnn`` (ISO 3166 countries,
#: ISO 639 languages), ``CDCREC`` (CDC race and ethnicity code set): their texts are the
#: table's labels, never a person's data
_ADMIN_SYSTEM = re.compile(r"HL7\d{4}|ISO\d{3,5}(?:[-_]\d)?|CDCREC", re.IGNORECASE)
#: table 0396 (v2.5.1, with v2.6+ and PHIN additions) coding systems of clinical codes: their
#: text may be health data (kept for the health detectors), their codes are not read
CLINICAL_SYSTEMS = frozenset({
    "LN", "LOINC", "SCT", "SNM", "SNM3", "SNT", "SNOMED", "SNOMEDCT", "I9", "I9C", "I9CDX",
    "I9CP", "I10", "I10C", "I10P", "ICD9CM", "ICD10CM", "ICD10PCS", "CIM10", "CCAM", "CPT4", "C4",
    "C5", "HCPCS", "HCPT", "CVX", "MVX", "NDC", "RXNORM", "RXN", "ATC", "UCUM", "UMLS"})
#: table 0396 local coding systems (``L``, ``LB`` local billing, ``99zzz``): a local code's
#: code and text are the sender's own (a physician's RPPS, a name), and ``L`` is as well the
#: middle initial of an XPN (``BERTHELOT^Augustin^L``, a Z-segment's name): read whole
LOCAL_SYSTEMS = frozenset({"L", "LOCAL", "LB"})
_LOCAL_SYSTEM = re.compile(r"99[A-Z0-9]{3}", re.IGNORECASE)
#: CWE components that hold a code, a coding system or its version (1, 3, 4, 6, 7, 8; v2.7
#: 10-22: second alternate code and value-set OIDs); 2, 5 and 9 are texts
_CWE_TEXTS = (2, 5, 9)
#: hint of a cell that holds only the texts of clinical codes (:func:`clinical_code_fields`,
#: Session 12): the terminology's wording (a LOINC or SNOMED CT display name, ``Pompe Disease
#: newborn screening panel``), never a person's name nor a place, though it may be health data.
#: No detector's ``header_pattern`` knows it, so the cell is read as free text; the pipeline
#: may keep only the health entities (:data:`CODE_TEXT_ENTITIES`) found in it (a hook of
#: ``Pipeline``, not in this module)
CODE_TEXT_HINT = "libelle_code_clinique"
#: the entities a code's display text may hold (health data of GDPR art. 9)
CODE_TEXT_ENTITIES = frozenset({"HEALTH_CONDITION", "MEDICATION", "LAB_RESULT", "PREGNANCY",
                                "BLOOD_GROUP"})
#: fields whose code written without a coding system is a LOINC code when it has LOINC's form
#: and check digit (:func:`is_loinc`): OBR-4, universal service identifier (HL7 v2.5.1
#: 4.5.3.4, the ordered test; ``63414-7^Pompe Disease newborn screening panel`` in the CDC
#: samples, Minnesota ORU files)
IMPLIED_LOINC_FIELDS = frozenset({"OBR-4"})
_LOINC = re.compile(r"(\d{1,7})-(\d)")


def is_loinc(code: str) -> bool:
    """True when ``code`` is a LOINC code: 1 to 7 digits, ``-``, and the mod 10 check digit of
    the LOINC Users' Guide (appendix "Calculating mod 10 check digits": the digits in odd
    places counting from the right, doubled as one number, the even-place digits put in front,
    the digit sum's complement to the next multiple of 10; ``12345-5``, ``63414-7``)."""
    m = _LOINC.fullmatch(code.strip())
    if m is None:
        return False
    digits = m.group(1)[::-1]
    odd = str(int(digits[0::2][::-1]) * 2)
    even = digits[1::2][::-1]
    total = sum(int(ch) for ch in even + odd)
    return (10 - total % 10) % 10 == int(m.group(2))


def _is_hd(universal_id: str, id_type: str) -> bool:
    """True when ``universal_id`` / ``id_type`` are HD-2 / HD-3 (2.A.36): a type of table 0301
    and an ID of its form (an ISO OID for ``ISO``)."""
    t = id_type.strip().upper()
    u = universal_id.strip()
    if not u or t not in UNIVERSAL_ID_TYPES:
        return False
    return _OID.fullmatch(u) is not None if t == "ISO" else True


def _system(text: str) -> str:
    """``"admin"`` / ``"clinical"`` / ``"local"`` for a coding system name of table 0396, else
    ``""``."""
    t = text.strip()
    if _ADMIN_SYSTEM.fullmatch(t):
        return "admin"
    if t.upper() in CLINICAL_SYSTEMS:
        return "clinical"
    if t.upper() in LOCAL_SYSTEMS or _LOCAL_SYSTEM.fullmatch(t):
        return "local"
    return ""


def _is_local(rep: Rep) -> bool:
    """True when one repetition is a local code (:data:`LOCAL_SYSTEMS`, component 3, or 6 with
    an alternate code or text)."""
    return _system(component(rep, 3)) == "local" or (
        _system(component(rep, 6)) == "local" and bool(component(rep, 4) or component(rep, 5)))


def _namespace_blank(text: str) -> bool:
    """True when ``text``, in the namespace place of an HD, is not read: a name without a digit
    or an OID. One with digits may be an identifier written before an authority's OID without
    the namespace (``185017512345609^1.2.250.1.213.1.4.8^ISO``, an INS): read."""
    t = text.strip()
    return _DIGIT.search(t) is None or _OID.fullmatch(t) is not None


def _implied_loinc(rep: Rep) -> bool:
    """True when one repetition names no coding system (components 3 and 6 empty) and its code
    (component 1) is a LOINC code (:func:`is_loinc`) with a text (component 2)."""
    return (not component(rep, 3) and not component(rep, 6) and bool(component(rep, 2))
            and is_loinc(component(rep, 1)))


def is_clinical(rep: Rep, implied_loinc: bool = False) -> bool:
    """True when one repetition is a clinical code: its coding system (component 3, or 6 with
    an alternate code or text) is one of :data:`CLINICAL_SYSTEMS` and none is an
    administrative or local one; with ``implied_loinc``, a LOINC code written without its
    system (:func:`_implied_loinc`) too."""
    if _is_local(rep):
        return False
    primary, alternate = _system(component(rep, 3)), _system(component(rep, 6))
    if alternate and not (component(rep, 4) or component(rep, 5)):
        alternate = ""
    if implied_loinc and not primary and not alternate and _implied_loinc(rep):
        return True
    return "clinical" in (primary, alternate) and "admin" not in (primary, alternate)


def rep_blanks(rep: Rep, implied_loinc: bool = False) -> set[tuple[int, int]]:
    """The ``(component, sub-component)`` places (1-based; sub-component 0: the whole component)
    of one repetition of an untyped field that are not read:

    * an HD (2.A.36: namespace, universal ID, universal ID type), written as the sub-components
      of one component (CX-4 ``ssn&2.16.840.1.113883.4.1&ISO``) or as three components (EI-2..4,
      ``^TN.SPHL^2.16.840.1.114222.4.1.175791^ISO``): it names an assigning authority or a
      facility, an organisation (the OID of the US SSN authority is no NIR); its namespace only
      when it holds no digit or is an OID (:func:`_namespace_blank`: a patient number written
      ``NUMBER^OID^ISO`` is read);
    * a coded value (CWE/CE, 2.A.13 / 2.A.8) whose coding system (component 3, or 6 with an
      alternate code) is a table 0396 name: its codes, coding systems and versions; with an
      administrative table (``HL7nnnn``, ``ISOnnnn``, ``CDCREC``) its texts too (``MTH^Mother^
      HL70063``: a relationship, not a name); a clinical code keeps its texts (2, 5, 9),
      which may be health data; a local code (:data:`LOCAL_SYSTEMS`) is read whole; with
      ``implied_loinc`` (:data:`IMPLIED_LOINC_FIELDS`), a LOINC code written without its
      coding system is a clinical code (Session 12)."""
    out: set[tuple[int, int]] = set()
    for c, subs in enumerate(rep, 1):
        if len(subs) >= 3 and _is_hd(subs[1], subs[2]):
            out.update((c, j) for j in (2, 3))
            if _namespace_blank(subs[0]):
                out.add((c, 1))
    for c in range(2, len(rep)):  # universal ID in component c, its type in c + 1
        if _is_hd(component(rep, c), component(rep, c + 1)):
            out.update((k, 0) for k in (c, c + 1))
            if _namespace_blank(component(rep, c - 1)):
                out.add((c - 1, 0))
    if _is_local(rep):
        return out
    primary, alternate = _system(component(rep, 3)), _system(component(rep, 6))
    if alternate and not (component(rep, 4) or component(rep, 5)):
        alternate = ""
    if implied_loinc and not primary and not alternate and _implied_loinc(rep):
        primary = "clinical"
    if primary or alternate:
        admin = "admin" in (primary, alternate)
        out.update((k, 0) for k in range(1, len(rep) + 1) if admin or k not in _CWE_TEXTS)
    return out


def _untyped_fields(seg: str, fields: Sequence[str], d: Delimiters, first: int,
                    spec: dict[str, tuple[str | None, str | None]], xtn: frozenset[str]
                    ) -> Iterator[tuple[str, str]]:
    """``(name, raw)`` of the written fields of one segment that ``spec`` does not type (nor
    ``xtn``, nor OBX-3/5/6) and that hold a component delimiter: the fields whose parts
    :func:`blanked_fields` and :func:`clinical_code_fields` tell apart."""
    for k, raw in enumerate(fields):
        name = f"{seg}-{k + first}"
        if raw and name not in spec and name not in xtn and name not in _NOT_CODED \
                and d.component in raw:
            yield name, raw


def blanked_fields(seg: str, fields: Sequence[str], d: Delimiters, first: int = 1,
                   spec: dict[str, tuple[str | None, str | None]] = FIELDS,
                   xtn: frozenset[str] = frozenset()
                   ) -> frozenset[tuple[str, int, int, int]]:
    """``(field, repetition, component, sub-component)`` places (1-based, sub-component 0: the
    whole component) of the fields of one segment that ``spec`` does not type (nor ``xtn``,
    nor OBX-3/5/6) that are not read (:func:`rep_blanks`). Told from the line as written (a
    writer renders a line whose values are markers)."""
    if not d.component:
        return frozenset()
    out = set()
    for name, raw in _untyped_fields(seg, fields, d, first, spec, xtn):
        implied = name in IMPLIED_LOINC_FIELDS
        for r, rep in enumerate(split_field(raw, d), 1):
            out.update((name, r, c, j) for c, j in rep_blanks(rep, implied))
    return frozenset(out)


def clinical_code_fields(seg: str, fields: Sequence[str], d: Delimiters, first: int = 1,
                         spec: dict[str, tuple[str | None, str | None]] = FIELDS,
                         xtn: frozenset[str] = frozenset()) -> frozenset[str]:
    """The names of the fields of one segment, of those :func:`blanked_fields` reads (not typed
    by ``spec`` nor ``xtn``, not OBX-3/5/6), whose every repetition written is a clinical code
    (:func:`is_clinical`; a LOINC code without its system in :data:`IMPLIED_LOINC_FIELDS`):
    their cell holds only the texts of clinical codes, the terminology's wording, and is
    hinted :data:`CODE_TEXT_HINT` (Session 12: ``Pompe`` of ``Pompe Disease newborn screening
    panel`` in OBR-4 was reported as PERSON, 15 findings on the CDC samples). Told from the
    line as written."""
    if not d.component:
        return frozenset()
    out = set()
    for name, raw in _untyped_fields(seg, fields, d, first, spec, xtn):
        implied = name in IMPLIED_LOINC_FIELDS
        reps = [rep for rep in split_field(raw, d) if any(words(c) for c in rep)]
        if reps and all(is_clinical(rep, implied) for rep in reps):
            out.add(name)
    return frozenset(out)


def local_code_fields(seg: str, fields: Sequence[str], d: Delimiters, first: int = 1,
                      spec: dict[str, tuple[str | None, str | None]] = FIELDS
                      ) -> tuple[frozenset[str], frozenset[tuple[str, int, int, int]]]:
    """The fields of one segment that ``spec`` types ``CODE`` (an HL7 / user table: NK1-3
    relationship...) with a repetition that is a local code (:func:`_is_local`:
    ``SPO^Gerard Lemoine^L``, the sender's own words, may name a person): read as text, and
    the places of their other repetitions (table codes) not read, as :func:`blanked_fields`."""
    if not d.component:
        return frozenset(), frozenset()
    names, blanks = set(), set()
    for k, raw in enumerate(fields):
        name = f"{seg}-{k + first}"
        if not raw or spec.get(name, (None,))[0] != "CODE" or d.component not in raw:
            continue
        reps = split_field(raw, d)
        if not any(_is_local(rep) for rep in reps):
            continue
        names.add(name)
        for r, rep in enumerate(reps, 1):
            if not _is_local(rep):
                blanks.update((name, r, c, 0) for c in range(1, len(rep) + 1))
    return frozenset(names), frozenset(blanks)


@dataclass(frozen=True, slots=True)
class Layout:
    """What a segment line as written tells about its fields, kept when a writer renders the
    line again with its values replaced by markers: the fields read as XTN by their codes
    (:func:`coded_xtn_fields`), the places not read (:func:`blanked_fields`), the coded
    fields read as text, holding a local code (:func:`local_code_fields`) and the fields
    holding only clinical codes, hinted :data:`CODE_TEXT_HINT` (:func:`clinical_code_fields`)."""

    xtn: frozenset[str] = frozenset()
    blanks: frozenset[tuple[str, int, int, int]] = frozenset()
    read: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()


def _blank(reps: list[Rep], name: str, blanks: frozenset[tuple[str, int, int, int]]) -> None:
    for f, r, c, j in blanks:
        if f != name or r > len(reps) or c > len(reps[r - 1]):
            continue
        subs = reps[r - 1][c - 1]
        if j == 0:
            reps[r - 1][c - 1] = [""] * len(subs)
        elif j <= len(subs):
            subs[j - 1] = ""


#: INS OIDs (ANS, Référentiel INS): INS-NIR, INS-NIA and their test ranges
INS_OIDS = ("1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10",
            "1.2.250.1.213.1.4.11")
_NOT_OID = re.compile(r"[^0-9.]+")
#: CX-5 identifier type codes of a NIR (HL7 table 0203: ``NH`` national health plan number,
#: ``SS`` social security number, ``NNFRA`` national person identifier of France; IHE PAM
#: France / ANS "Référentiel INS": ``INS``, ``INS-NIR``, ``INS-NIA``, ``INS-C``)
NIR_TYPES = frozenset({"NH", "SS", "NNFRA", "INS", "INS-NIR", "INS-NIA", "INS-C"})
#: hints of the fields that list the patient's own numbers (one identifier per repetition)
ID_HINTS = frozenset({"ipp", "nda"})


def is_ins(rep: Rep) -> bool:
    """True when one CX repetition is a NIR by its assigning authority (CX-4, an INS OID) or its
    identifier type code (CX-5, :data:`NIR_TYPES`)."""
    authority = " ".join(rep[3]) if len(rep) >= 4 else ""
    if any(oid in INS_OIDS for oid in _NOT_OID.split(authority)):
        return True
    return component(rep, 5).upper() in NIR_TYPES


def id_hint(rep: Rep, hint: str | None) -> str | None:
    """The hint of one repetition of an identifier field hinted ``hint``: ``nir`` when it is a
    NIR (:func:`is_ins`), else the field's own hint (a patient or stay number: types PI, PT,
    MR, PN, AN, VN...)."""
    return "nir" if is_ins(rep) else hint


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of a segment unit: its name, decoded text and hint."""

    column: str
    text: str
    hint: str | None


def segment_cells(seg: str, fields: Sequence[str], d: Delimiters,
                  spec: dict[str, tuple[str | None, str | None]] = FIELDS,
                  first: int = 1,
                  renderers: dict[str, tuple[Callable[[Rep], dict[str, str]], dict[str, str]]]
                  = RENDERERS, xtn: frozenset[str] = frozenset(),
                  blanks: frozenset[tuple[str, int, int, int]] = frozenset(),
                  read: frozenset[str] = frozenset(),
                  codes: frozenset[str] = frozenset()) -> list[Cell]:
    """The non-empty columns of one segment whose field number ``first`` is ``fields[0]``:
    each field rendered by the data type ``spec`` gives it (generic otherwise); the fields
    named in ``xtn`` (:func:`coded_xtn_fields`) as XTN phone fields; the places in ``blanks``
    (:func:`blanked_fields`) left out; the fields named in ``read`` (:func:`local_code_fields`)
    read as text; those named in ``codes`` (:func:`clinical_code_fields`) hinted
    :data:`CODE_TEXT_HINT` when ``spec`` gives them no type nor hint."""
    value_type = ""
    if seg == "OBX" and first == 1 and len(fields) > 1:  # OBX-2 names the type of OBX-5
        value_type = (fields[1].split(d.component)[0] if d.component else fields[1]).strip().upper()
    cells: list[Cell] = []
    for k, raw in enumerate(fields):
        if not raw or raw.isspace():
            continue
        n = k + first
        name = f"{seg}-{n}"
        dtype, hint = spec.get(name, (None, None))
        if name in xtn:
            dtype, hint = "XTN", "telephone"
        if name in read:
            dtype, hint = None, None
        if name in codes and dtype is None and hint is None:
            hint = CODE_TEXT_HINT
        if name == "OBX-5" and value_type in OBX_VALUE_TYPES:
            dtype, hint = OBX_VALUE_TYPES[value_type]
        if dtype in _COMPONENT_TYPES and not d.component:
            dtype = None  # no component delimiter declared: its parts cannot be told apart
        reps = split_field(raw, d)
        if blanks:
            _blank(reps, name, blanks)
        render, companion_hints = renderers.get(dtype or "", (_generic, {}))
        if len(reps) > 1 and (hint in ID_HINTS or (dtype == "CX" and hint)):
            # an identifier list (PID-3: IPP~INS): one column per repetition, each hinted
            # after its own identifier type, so that each is claimed by its own detector
            for r, rep in enumerate(reps, 1):
                text = render(rep).get("", "")
                if text and not text.isspace():
                    cells.append(Cell(f"{name}[{r}]", text, id_hint(rep, hint)))
            continue
        if dtype in ("XTN", "TN") and len(reps) > 1:
            # several numbers: one column per repetition holding one (``PID-13[2]``, its other
            # forms in ``PID-13[2].12``...), as a phone column holds one number per cell;
            # e-mails and free text stay one column each (``PID-13.4``)
            rendered = [render(rep) for rep in reps]
            # (told by the components written, not by their text: a writer renders the line
            # with markers in place of the values)
            numbered = [r for r, x in enumerate(rendered, 1)
                        if any(t.strip() for sfx, t in x.items() if sfx not in (".4", ".9"))]
            if len(numbered) > 1:
                joined: dict[str, list[str]] = {}
                for r, x in enumerate(rendered, 1):
                    for suffix, text in x.items():
                        if not text or text.isspace():
                            continue
                        if suffix in (".4", ".9"):
                            joined.setdefault(suffix, []).append(text)
                        else:
                            h = hint if suffix == "" else companion_hints.get(suffix)
                            cells.append(Cell(f"{name}[{r}]{suffix}", text, h))
                for suffix in sorted(joined):
                    cells.append(Cell(name + suffix, "\n".join(joined[suffix]),
                                      companion_hints.get(suffix)))
                continue
        parts: dict[str, list[str]] = {}
        for rep in reps:
            for suffix, text in render(rep).items():
                if text and not text.isspace():
                    parts.setdefault(suffix, []).append(text)
        if dtype == "CX" and hint and reps:
            hint = id_hint(reps[0], hint)
        for suffix in sorted(parts, key=lambda s: (s != "", s)):
            h = hint if suffix == "" else companion_hints.get(suffix)
            cells.append(Cell(name + suffix, "\n".join(parts[suffix]), h))
    return cells


def table_unit(path: str, sheet: str, row: int, cells: Sequence[Cell]) -> TableUnit:
    """A one-row :class:`TableUnit` for ``cells`` at ``row``."""
    return TableUnit(Location(path, sheet=sheet), tuple(c.column for c in cells),
                     iter([TableBatch(row, [[c.text] for c in cells])]),
                     tuple(c.hint for c in cells))


# -- the reader ----------------------------------------------------------------------------


_OBX_RESULT_FIELDS = frozenset({"OBX-3", "OBX-5", "OBX-6"})


def _obx_result(parts: list[str], d: Delimiters) -> Cell:
    """Column ``OBX-3/5/6``: the observation's name (OBX-3 text, else code), value (OBX-5) and
    unit (OBX-6 identifier), hinted ``resultat``: a lab result is an analyte *with* its value,
    which live in three fields (the LAB_RESULT detector needs them together)."""
    def first_rep(k: int) -> Rep:
        if len(parts) <= k or not parts[k]:
            return []
        return split_field(parts[k], d)[0]

    name_rep, unit_rep = first_rep(3), first_rep(6)
    name = component(name_rep, 2) or component(name_rep, 1)
    value = "\n".join(words(words(c) for c in rep) for rep in split_field(parts[5], d))
    return Cell("OBX-3/5/6", words([name, value, component(unit_rep, 1)]), "resultat")


@dataclass(slots=True)
class _Message:
    segments: list[tuple[str, str, Delimiters]]  # (segment ID, raw line, delimiters)
    chars: int = 0


class Hl7v2Reader(Reader):
    """HL7 v2.x pipe-delimited messages: one one-row :class:`TableUnit` per segment occurrence
    (``row`` = message index, ``sheet`` = ``SEG[k]``, ``column`` = ``SEG-n``)."""

    name: ClassVar[str] = "hl7v2"
    suffixes: ClassVar[tuple[str, ...]] = (".hl7", ".hl7v2")

    def __init__(self, batch_rows: int = 5000, max_message_chars: int = MAX_MESSAGE_CHARS):
        self.batch_rows = batch_rows  # accepted for make_readers; a unit holds one row
        self.max_message_chars = max_message_chars

    def sniff(self, head: bytes, path: str) -> bool:
        if _suffix(path) in self.suffixes:
            return True  # read() reports a file that is not HL7
        text = head_text(head)
        return text is not None and _HEAD.match(text) is not None

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        path = source.display
        stats.setdefault("rows", 0)
        stats.setdefault("columns", 0)
        stats.setdefault("chars", 0)
        with source.open() as raw:
            stream = DecodedStream(raw, path)
            stats["encoding"] = stream.encoding
            for index, message in enumerate(self._messages(stream.lines(), path)):
                stats["rows"] = index + 1
                counts: dict[str, int] = {}
                for seg, line, d in message.segments:
                    counts[seg] = counts.get(seg, 0) + 1
                    cells = self._cells(seg, line, d)
                    if not cells:
                        continue
                    stats["columns"] = max(stats["columns"], len(cells))
                    stats["chars"] = stream.chars
                    yield table_unit(path, f"{seg}[{counts[seg]}]", index, cells)
            stats["chars"] = stream.chars
            stats["encoding"] = stream.encoding

    @staticmethod
    def coded_xtn(seg: str, line: str, d: Delimiters) -> frozenset[str]:
        """The fields of one segment line read as XTN by their codes (:func:`coded_xtn_fields`)."""
        parts = line.split(d.field)
        if seg in HEADER_SEGMENTS:
            return coded_xtn_fields(seg, parts[2:], d, 3)
        return coded_xtn_fields(seg, parts[1:], d)

    @staticmethod
    def layout(seg: str, line: str, d: Delimiters) -> Layout:
        """The :class:`Layout` of one segment line as written."""
        parts = line.split(d.field)
        fields, first = (parts[2:], 3) if seg in HEADER_SEGMENTS else (parts[1:], 1)
        xtn = coded_xtn_fields(seg, fields, d, first)
        read, code_blanks = local_code_fields(seg, fields, d, first)
        return Layout(xtn, blanked_fields(seg, fields, d, first, xtn=xtn) | code_blanks, read,
                      clinical_code_fields(seg, fields, d, first, xtn=xtn))

    @staticmethod
    def _cells(seg: str, line: str, d: Delimiters,
               layout: Layout | None = None) -> list[Cell]:
        """The cells of one segment line; ``layout``: what the line as written tells (default:
        :meth:`layout` of this line; a writer that rendered the line with its values replaced
        by markers gives that of the original line)."""
        if layout is None:
            layout = Hl7v2Reader.layout(seg, line, d)
        parts = line.split(d.field)
        if seg in HEADER_SEGMENTS:  # field 1 is the separator itself, field 2 the encoding
            return segment_cells(seg, parts[2:], d, first=3, xtn=layout.xtn,
                                 blanks=layout.blanks, read=layout.read, codes=layout.codes)
        cells = segment_cells(seg, parts[1:], d, first=1, xtn=layout.xtn, blanks=layout.blanks,
                              read=layout.read, codes=layout.codes)
        if seg == "OBX" and len(parts) > 5 and parts[5].strip():
            value_type = (parts[2].split(d.component)[0] if d.component else parts[2]).strip()
            if value_type.upper() not in OBX_VALUE_TYPES:
                keep = [c for c in cells if c.column.split(".")[0] not in _OBX_RESULT_FIELDS]
                at = next((i for i, c in enumerate(keep)
                           if int(_FIELD_NUMBER.match(c.column.split("-")[1]).group()) > 3),
                          len(keep))
                keep.insert(at, _obx_result(parts, d))
                cells = keep
        return cells


    def _messages(self, lines: Iterable[str], path: str) -> Iterator[_Message]:
        current: _Message | None = None
        envelope: list[tuple[str, str, Delimiters]] = []  # FHS/BHS waiting for their message
        d: Delimiters | None = None
        started = False
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not started:
                line = line.lstrip("\ufeff \t")
                if not line:
                    continue
                if not _HEAD.match(line):
                    raise ReadError(path, "not an HL7 v2 message: the first segment is not "
                                          "MSH, FHS or BHS", f"line {number}")
                started = True
            if not line or line.isspace():
                continue
            seg = line[:3]
            if seg in HEADER_SEGMENTS and len(line) > 3 and not line[3].isalnum() \
                    and not line[3].isspace():
                d = Delimiters.from_msh(line)
                if seg == "MSH":
                    if current is not None:
                        yield current
                    current = _Message(envelope + [(seg, line, d)], len(line))
                    envelope = []
                else:
                    envelope.append((seg, line, d))
                continue
            assert d is not None
            is_segment = _SEGMENT_ID.fullmatch(seg) is not None and (
                len(line) == 3 or line[3] == d.field)
            if current is None:
                if is_segment:
                    envelope.append((seg, line, d))
                elif envelope:
                    s, prev, pd = envelope[-1]
                    envelope[-1] = (s, prev + "\n" + line, pd)
                continue
            if is_segment:
                current.segments.append((seg, line, d))
            else:  # a line break inside a value
                s, prev, pd = current.segments[-1]
                current.segments[-1] = (s, prev + "\n" + line, pd)
            current.chars += len(line) + 1
            if current.chars > self.max_message_chars:
                raise ReadError(path, f"HL7 message too large ({current.chars >> 20} MiB)",
                                f"line {number}")
        if current is not None:
            current.segments.extend(envelope)  # BTS/FTS after the last message
            yield current
        elif envelope:
            yield _Message(envelope)
