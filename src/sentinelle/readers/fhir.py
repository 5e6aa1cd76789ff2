"""FHIR R4 JSON: Bundles, single resources and NDJSON bulk exports, one table per resource type.

Rule sources: HL7 FHIR R4 (4.0.1) JSON representation (``resourceType`` names the resource),
Bundle (``Bundle.entry[].resource``), the Bulk Data Access IG (one resource per NDJSON line),
the datatypes HumanName, Address, ContactPoint (``system`` phone | fax | email | pager | url |
sms | other) and Identifier (``system`` URI), FHIRPath indexers (``name[0].family``); French
identifier systems from the ANS: INS ``urn:oid:1.2.250.1.213.1.4.8`` (INS-NIR), ``.9``
(INS-NIA), ``.10`` / ``.11`` (test ranges), RPPS ``urn:oid:1.2.250.1.71.4.2.1`` (idNatPs) and
``http://rpps.fr``; US SSN ``http://hl7.org/fhir/sid/us-ssn``.

Shapes read (parsing, size limits and errors are :class:`~sentinelle.readers.jsondoc.JsonReader`'s,
which this reader extends):

* a single Bundle document: its entries are the resources. ``row`` = index of the entry in
  ``Bundle.entry`` (0-based); the elements of the entry beside ``resource`` (``fullUrl``,
  ``request``, ``response``, ``search``) are columns ``entry.request.url``... of that row; the
  Bundle's own elements (``identifier``, ``timestamp``, ``signature``...) are sheet ``Bundle``,
  row 0. Entries without a resource still give their ``entry.*`` columns.
* a single resource: row 0; a JSON array of resources: row = index in the array; NDJSON
  (``.ndjson`` / ``.jsonl``, or a ``.json`` holding one value per line): row = index of the
  resource among the non-blank lines. NDJSON is streamed; a bulk export of any size holds at
  most ``batch_rows`` resources in memory. A Bundle inside an array or NDJSON is one resource
  (its entries become columns ``entry[0].resource.name[0].family``).

Units: one :class:`TableUnit` per run of consecutive resources of one type (at most
``batch_rows``): ``sheet`` = ``resourceType``, ``column`` = FHIRPath of the element relative to
the resource with indexers (``name[0].family``, ``telecom[1].value``; so ``Patient`` +
``name[0].family`` reads ``Patient.name[0].family``), header = the union of the run's paths in
order of first appearance. Values are text as written (JSON numbers keep their spelling).

Hints (:attr:`TableUnit.hints`) from FHIR semantics, on the path without indexers: HumanName
``name.family`` / ``name.text`` -> ``nom``, ``name.given`` -> ``prenom`` (``contact.name`` ->
``nom_contact``), ``birthDate`` -> ``date_de_naissance``, ``deceasedDateTime`` ->
``date_deces``, Address ``line`` / ``text`` -> ``adresse``, ``postalCode`` -> ``code_postal``,
``city`` -> ``ville``, ContactPoint ``telecom[n].value`` -> ``telephone`` or ``email`` after its
``system``, Identifier ``identifier[n].value`` after its ``system`` (INS -> ``nir``, RPPS ->
``rpps``, US SSN -> ``social_security``; an unknown system with a NIR type code in
``type.coding`` -- ``NH``, ``SS``, ``NNFRA``, ``INS-NIR``... as in HL7 v2 CX-5,
:data:`~sentinelle.readers.hl7v2.NIR_TYPES` -> ``nir``; any other system of
``Patient.identifier`` -> ``ipp``, unless it holds the NIR's 15 characters with the NIR shape,
whatever the key, and neither its system nor its type names a local number (``nir``: FR_NIR
reports a wrong key ``Validation.INVALID`` as everywhere else):
MEDICAL_RECORD_NUMBER, the patient's number in a lab or hospital), Condition / AllergyIntolerance ``code.text`` and
``code.coding.display`` -> ``diagnostic``. A column's system is read from the first resource of
the unit that has it; a run of resources is cut into several units where their systems give one
column different hints (``identifier[0]`` an INS in one Patient, an IPP in the next). Other columns are classified from their values or read as free text
(``valueString``, ``note.text``, the XHTML narrative ``text.div``): they are hinted
:data:`NO_MEANING` (``-``, a header naming nothing) because FHIR element names are not column
headers chosen by a person (``MessageHeader.destination[0].name`` is an application name,
``name[0].use`` a code). The extension of a primitive (``_birthDate.extension[0].valueString``)
takes the hint of the primitive. Reference displays ``subject.display`` / ``patient.display``
are hinted ``nom_patient``, ``generalPractitioner.display`` ``medecin_traitant``.

Not scanned (:func:`names_a_standard`): the ``uri`` / ``canonical`` elements that name a
standard, not a person -- a code system, a profile, an extension's definition, a value set, a
policy. They are left out of the unit's header, so no detector reads them (a URL, a
"location" or a "name" in ``http://hl7.org/fhir/us/core/StructureDefinition/us-core-race`` is
none) and ``sentinelle redact`` writes them back byte for byte: ``Extension.url``
(``extension[n].url``, ``modifierExtension[n].url``, also on a primitive:
``_system.extension[0].url``), every ``system`` (Coding, Identifier, Quantity, ValueSet
``compose.include``; ContactPoint.system is a code: ``phone``... ``url``), ``meta.profile``,
ElementDefinition ``type.profile`` / ``type.targetProfile``, CapabilityStatement
``supportedProfile``, ``valueSet`` / ``answerValueSet``, ``implicitRules``,
``instantiatesCanonical`` / ``instantiatesUri``, ``baseDefinition``, the ``url`` of a canonical
resource (StructureDefinition, ValueSet... at the resource's root or in ``contained``),
Provenance / AuditEvent ``policy``, Consent ``policy.uri``, MessageHeader ``eventUri``,
QuestionnaireResponse ``questionnaire`` (datatypes: FHIR R4 4.0.1 resource and datatype
definitions). The elements of type ``url`` or ``uri`` that may point at a person's data stay
scanned: ContactPoint ``telecom[n].value`` (``system`` = ``url``), ``Attachment.url``
(``photo[0].url``, ``content[0].attachment.url``, ``presentedForm[0].url``), ``fullUrl``,
``entry.request.url`` (a search may hold a name), ``meta.source``, ``Bundle.link.url``,
extension values (``valueUri``, ``valueUrl``), and the narrative (``text.div``, ``note.text``);
``Identifier.value`` too (an INS is there).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Iterable, Iterator

from sentinelle.errors import ReadError
from sentinelle.finding import Location
from sentinelle.readers.base import TableBatch, TableUnit
from sentinelle.readers.encoding import DecodedStream, head_text
from sentinelle.readers.hl7v2 import NIR_TYPES
from sentinelle.readers.jsondoc import JsonReader, _suffix, flatten

_RESOURCE_TYPE = re.compile(r'"resourceType"\s*:\s*"[A-Z][A-Za-z]*"')
_INDEX = re.compile(r"\[\d+\]")

#: path without indexers (suffix after a "." boundary) -> hint; first match wins
PATH_HINTS: tuple[tuple[str, str], ...] = (
    ("contact.name.family", "nom_contact"),
    ("contact.name.text", "nom_contact"),
    ("contact.name.given", "prenom"),
    ("name.family", "nom"),
    ("name.text", "nom"),
    ("name.given", "prenom"),
    ("birthDate", "date_de_naissance"),
    ("deceasedDateTime", "date_deces"),
    ("address.line", "adresse"),
    ("address.text", "adresse"),
    ("address.postalCode", "code_postal"),
    ("address.city", "ville"),
    ("subject.display", "nom_patient"),
    ("patient.display", "nom_patient"),
    ("generalPractitioner.display", "medecin_traitant"),
)
#: resource types whose ``code`` is a diagnosis
DIAGNOSIS_TYPES = frozenset({"Condition", "AllergyIntolerance", "FamilyMemberHistory"})
#: ContactPoint.system -> hint
TELECOM_HINTS = {"phone": "telephone", "fax": "telephone", "sms": "telephone",
                 "pager": "telephone", "email": "email"}
#: Identifier.system -> hint
IDENTIFIER_HINTS = {
    "urn:oid:1.2.250.1.213.1.4.8": "nir",    # INS-NIR
    "urn:oid:1.2.250.1.213.1.4.9": "nir",    # INS-NIA
    "urn:oid:1.2.250.1.213.1.4.10": "nir",   # INS-NIR, test range
    "urn:oid:1.2.250.1.213.1.4.11": "nir",   # INS-NIA, test range
    "urn:oid:1.2.250.1.71.4.2.1": "rpps",    # idNatPs (RPPS / ADELI with a prefix digit)
    "http://rpps.fr": "rpps",
    "http://hl7.org/fhir/sid/us-ssn": "social_security",
}


#: leaf elements of type ``uri`` / ``canonical`` that name a standard wherever they sit (FHIR R4
#: 4.0.1): Coding / Identifier / Quantity ``system``, ``meta.profile``, ElementDefinition
#: ``type.profile`` / ``targetProfile``, CapabilityStatement ``supportedProfile``, bindings'
#: ``valueSet``, Questionnaire ``answerValueSet``, Resource ``implicitRules``, the definitions a
#: request or event follows (``instantiatesCanonical`` / ``instantiatesUri``),
#: StructureDefinition ``baseDefinition``
STANDARD_LEAVES = frozenset({
    "system", "profile", "targetProfile", "supportedProfile", "valueSet", "answerValueSet",
    "implicitRules", "instantiatesCanonical", "instantiatesUri", "baseDefinition",
})
#: (resource type, path without indexers, suffix after a "." boundary) of the ``uri`` elements
#: that name a standard in one resource type only
STANDARD_PATHS: tuple[tuple[str, str], ...] = (
    ("Provenance", "policy"),
    ("AuditEvent", "agent.policy"),
    ("Consent", "policy.uri"),
    ("MessageHeader", "eventUri"),
    ("QuestionnaireResponse", "questionnaire"),
)
#: the parents of an ``Extension.url``
_EXTENSIONS = frozenset({"extension", "modifierExtension"})
#: the parents of a canonical resource's own ``url``: the resource's root, a contained
#: resource, a resource inside a Bundle read as one resource
_RESOURCE_ROOTS = frozenset({"", "contained", "resource"})


def names_a_standard(path: str, rtype: str | None) -> bool:
    """True when column ``path`` (FHIRPath with indexers, relative to a resource of type
    ``rtype``) is a ``uri`` / ``canonical`` element naming a code system, a profile, an
    extension's definition, a value set or a policy: not scanned (see the module docstring).
    ``Attachment.url`` (``photo[0].url``), ``entry.request.url``, ``telecom[0].value`` and
    ``identifier[0].value`` are False."""
    generic = _INDEX.sub("", path)
    parent, _, leaf = generic.rpartition(".")
    if leaf in STANDARD_LEAVES:
        return True
    if leaf == "url":
        up = parent.rpartition(".")[2]
        return up in _EXTENSIONS or (rtype is not None and up in _RESOURCE_ROOTS)
    for owner, suffix in STANDARD_PATHS:
        if rtype == owner and (generic == suffix or generic.endswith("." + suffix)):
            return True
    return False


#: the hint of a column without a FHIR meaning: a header that names nothing, so that element
#: names such as ``name`` in ``MessageHeader.destination[0].name`` classify nothing
NO_MEANING = "-"


#: an identifier system that names a local number of the patient (a hospital's or a lab's:
#: "http://chu.example.fr/ipp"), folded
_LOCAL_SYSTEM = re.compile(r"ipp|nip|nda|mrn|patient|dossier|sejour|venue|visit|encounter|lab")
#: CX-5 / Identifier.type codes of a local number (HL7 table 0203: patient internal, medical
#: record, patient external, account, visit numbers)
_LOCAL_TYPES = frozenset({"PI", "MR", "PT", "PN", "AN", "VN", "PRN"})


def _nir_shaped(value: str | None, system: str, record: dict[str, str | None], path: str) -> bool:
    """True when a Patient identifier of no known system and no local type or system name holds
    15 characters whose 13-character body has the NIR shape (sex, month, department, commune,
    order: INSEE), whatever its key: the NIR itself (a right key) or a NIR with a wrong key,
    which FR_NIR reports ``Validation.INVALID`` as it does in an untyped column (session 9,
    issue 3: the ``ipp`` hint made it a patient number at 0.9)."""
    from sentinelle.identifiers import nir

    compacted = re.sub(r"[ .\-\u00a0]", "", (value or "")).upper()
    if len(compacted) != 15 or not compacted[13:].isdigit():
        return False
    if _LOCAL_SYSTEM.search(system.lower()):
        return False
    base = path[: -len("value")] + "type.coding"
    if any((record.get(f"{base}[{i}].code") or "").strip().upper() in _LOCAL_TYPES
           for i in range(3)):
        return False
    return nir.is_valid_without_key(compacted[:13])


def hint_for(path: str, record: dict[str, str | None], rtype: str | None) -> str:
    """The hint of column ``path`` of a flattened resource ``record`` of type ``rtype``."""
    generic = _INDEX.sub("", path)
    if generic.startswith("_") and ".extension" in generic:
        # extension of a primitive (``_birthDate.extension[1].valueDateTime``): its meaning
        base, leaf = generic[1:].split(".extension", 1)[0], generic.rsplit(".", 1)[-1]
        if leaf.startswith("value"):
            return hint_for(base, record, rtype)
        return NO_MEANING
    for suffix in ("telecom.value", "identifier.value"):
        if generic == suffix or generic.endswith("." + suffix):
            system = (record.get(path[: -len("value")] + "system") or "").strip()
            if suffix == "telecom.value":
                return TELECOM_HINTS.get(system.lower(), NO_MEANING)
            hint = IDENTIFIER_HINTS.get(system)
            if hint is None:  # no known system: a NIR by its type (HL7 table 0203, ANS INS)
                base = path[: -len("value")] + "type.coding"
                if any((record.get(f"{base}[{i}].code") or "").strip().upper() in NIR_TYPES
                       for i in range(3)):
                    hint = "nir"
            if (hint is None and rtype == "Patient" and generic == suffix
                    and _nir_shaped(record.get(path), system, record, path)):
                hint = "nir"  # an unknown system, the NIR's 15 characters: FR_NIR judges its key
            if hint is None:  # the Patient's own identifiers: its numbers in a lab or hospital
                hint = "ipp" if rtype == "Patient" and generic == suffix else "identifiant"
            return hint
    if rtype in DIAGNOSIS_TYPES and generic in ("code.text", "code.coding.display"):
        return "diagnostic"
    for suffix, hint in PATH_HINTS:
        if generic == suffix or generic.endswith("." + suffix):
            return hint
    return NO_MEANING


class FhirReader(JsonReader):
    """FHIR R4 JSON / NDJSON: one :class:`TableUnit` per run of resources of one type
    (``sheet`` = resourceType, ``row`` = resource index, ``column`` = ``name[0].family``)."""

    name: ClassVar[str] = "fhir"
    suffixes: ClassVar[tuple[str, ...]] = (".fhir",)

    def sniff(self, head: bytes, path: str) -> bool:
        if _suffix(path) in self.suffixes:
            return True  # read() reports a file that is not FHIR JSON
        text = head_text(head)
        if text is None or _RESOURCE_TYPE.search(text) is None:
            return False
        return JsonReader.sniff(self, head, path)

    def _units(self, records: Iterable[Any], path: str, stats: dict,
               stream: DecodedStream) -> Iterator[TableUnit]:
        run: list[tuple[int, dict[str, str | None]]] = []
        run_type: str | None = None
        run_hints: dict[str, str] = {}  # hints read from a system, the run's own
        for row, rtype, flat in self._resources(records, path):
            hints = _system_hints(flat, rtype)
            if run and (rtype != run_type or len(run) >= self.batch_rows
                        or row != run[-1][0] + 1
                        or any(run_hints.get(k, h) != h for k, h in hints.items())):
                yield self._unit(run, run_type, path, stats, stream)
                run = []
                run_hints = {}
            run_type = rtype
            run.append((row, flat))
            for k, h in hints.items():
                run_hints.setdefault(k, h)
        if run:
            yield self._unit(run, run_type, path, stats, stream)
        stats["chars"] = stream.chars
        stats["encoding"] = stream.encoding

    def _unit(self, run: list[tuple[int, dict[str, str | None]]], rtype: str | None, path: str,
              stats: dict, stream: DecodedStream) -> TableUnit:
        names: dict[str, None] = {}
        for _, rec in run:
            names.update(dict.fromkeys(rec))
        stats["columns"] = max(stats["columns"], len(names))
        # the elements naming a standard are not columns to scan: nothing reads them, the
        # redacted copy keeps them as written
        header = tuple(k for k in names if not names_a_standard(k, rtype))
        hints = []
        for column in header:
            record = next(rec for _, rec in run if column in rec)
            hints.append(hint_for(column, record, rtype))
        columns = [[rec.get(k) for _, rec in run] for k in header]
        stats["rows"] = max(stats["rows"], run[-1][0] + 1)
        stats["chars"] = stream.chars
        stats["encoding"] = stream.encoding
        return TableUnit(Location(path, sheet=rtype), header,
                         iter([TableBatch(run[0][0], columns)]), tuple(hints))

    @staticmethod
    def _resources(records: Iterable[Any],
                   path: str) -> Iterator[tuple[int, str | None, dict[str, str | None]]]:
        """``(row, resourceType, flattened resource)`` in file order."""
        it = iter(records)
        first = next(it, None)
        second = next(it, None)
        try:
            if second is None and _is_bundle(first):
                own = {k: v for k, v in first.items() if k != "entry"}
                yield 0, "Bundle", flatten(own, brackets=True)
                for i, entry in enumerate(first["entry"]):
                    if not isinstance(entry, dict):  # not FHIR, but read all the same
                        yield i, None, {f"entry.{k}": v
                                        for k, v in flatten(entry, brackets=True).items()}
                        continue
                    resource = entry.get("resource")
                    flat = flatten(resource, brackets=True) if isinstance(resource, dict) else {}
                    others = {k: v for k, v in entry.items() if k != "resource"}
                    if others:
                        flat.update({f"entry.{k}": v
                                     for k, v in flatten(others, brackets=True).items()})
                    yield i, _type_of(resource), flat
                return
            if first is None:
                return
            rows = (r for r in (first, second) if r is not None)
            for i, record in enumerate(_chain(rows, it)):
                yield i, _type_of(record), flatten(record, brackets=True)
        except RecursionError:
            raise ReadError(path, "JSON nested too deeply") from None


def _system_hints(flat: dict[str, str | None], rtype: str | None) -> dict[str, str]:
    """The hints of the ``identifier[n].value`` columns of one resource, which its own
    ``system`` decides: a unit holds resources that agree on them, so that
    ``identifier[0].value`` is an INS in one unit and a hospital's number in the next (one
    patient lists its INS first, the next its IPP) and each is claimed by its own detector (an
    IPP under a ``nir`` hint is found by nothing: no checksum, no cue). Telecom columns are
    not cut on: an e-mail under a ``telephone`` hint is still found from its value."""
    return {k: hint_for(k, flat, rtype) for k in flat
            if k.endswith(".value") and "identifier[" in k}


def _is_bundle(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("resourceType") == "Bundle"
            and isinstance(value.get("entry"), list))


def _type_of(value: Any) -> str | None:
    if isinstance(value, dict):
        rtype = value.get("resourceType")
        if isinstance(rtype, str) and rtype:
            return rtype
    return None


def _chain(*iterables: Iterable[Any]) -> Iterator[Any]:
    for it in iterables:
        yield from it
