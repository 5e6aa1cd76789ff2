"""FHIR ``uri`` / ``canonical`` elements that name a standard (code systems, profiles, extension
definitions) are not scanned; URLs that may be a person's (ContactPoint ``url``, Attachment.url,
the narrative, notes) and ``Identifier.value`` still are.

Rule source: HL7 FHIR R4 (4.0.1) datatypes: Coding.system, Identifier.system, Quantity.system
and Extension.url are ``uri``, Meta.profile ``canonical``, ContactPoint.system a ``code``,
Attachment.url a ``url``. Corpus: ../shared/corpus/fhir/cdc_trusted_intermediary (CDC
trusted-intermediary, CC0; see its SOURCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.fhir import FhirReader, names_a_standard
from sentinelle.readers.jsondoc import JsonReader
from sentinelle.readers.jsondoc import names_a_standard as json_names_a_standard
from tests.conftest import shared_dir

# synthetic INS-NIR 2 69 02 99 999 123, key 97 - (2690299999123 mod 97) = 63
NIR = "269029999912363"
PERSONAL_SITE = "https://zoe-lefevre.example.net/~zoe"
PHOTO_URL = "https://photos.example.org/patients/778120.jpg"
REPORT_URL = "https://labo.example.org/cr/99812345.pdf"
NOTE_URL = "https://cagnotte.example.com/p/zoe-lefevre-2024"
DIV_URL = "https://blog.example.org/zoe?id=4821"

#: a synthetic Patient + Observation + DiagnosticReport Bundle: an extension (birth place), an
#: INS-NIR identifier, a telecom of system url, coding systems, meta.profile, a narrative
BUNDLE = {
    "resourceType": "Bundle", "type": "collection",
    "meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/Bundle"]},
    "entry": [
        {"fullUrl": "urn:uuid:7f0c2a8e-1111-4c3b-9a51-0a4f2b7c9d01", "resource": {
            "resourceType": "Patient", "id": "p1",
            "meta": {"profile": ["https://interop.esante.gouv.fr/ig/fhir/ins/StructureDefinition/"
                                 "FrPatientINS"]},
            "text": {"status": "generated",
                     "div": f'<div xmlns="http://www.w3.org/1999/xhtml">Zoé Lefèvre, blog '
                            f'{DIV_URL}</div>'},
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                           "valueAddress": {"city": "Lyon"}}],
            "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": NIR,
                            "type": {"coding": [{
                                "system": "http://interopsante.org/CodeSystem/v2-0203",
                                "code": "INS-NIR"}]}}],
            "name": [{"family": "Lefèvre", "given": ["Zoé"]}],
            "telecom": [{"system": "phone", "value": "06 12 34 56 78"},
                        {"system": "url", "value": PERSONAL_SITE}],
            "photo": [{"contentType": "image/jpeg", "url": PHOTO_URL}],
            "birthDate": "1969-02-11"}},
        {"fullUrl": "urn:uuid:7f0c2a8e-2222-4c3b-9a51-0a4f2b7c9d02", "resource": {
            "resourceType": "Observation", "id": "o1", "status": "final",
            "meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/vitalsigns"]},
            "code": {"coding": [{"system": "http://loinc.org", "code": "718-7",
                                 "display": "Hemoglobin [Mass/volume] in Blood"}]},
            "subject": {"reference": "Patient/p1"},
            "valueQuantity": {"value": 13.2, "unit": "g/dL", "system": "http://unitsofmeasure.org",
                              "code": "g/dL"},
            "note": [{"text": f"Résultats partagés sur {NOTE_URL}"}]}},
        {"fullUrl": "urn:uuid:7f0c2a8e-3333-4c3b-9a51-0a4f2b7c9d03", "resource": {
            "resourceType": "DiagnosticReport", "id": "d1", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
            "presentedForm": [{"contentType": "application/pdf", "url": REPORT_URL}]}},
    ]}


@pytest.mark.parametrize("path, rtype, expected", [
    # Extension.url (uri): the extension's definition
    ("extension[0].url", "Patient", True),
    ("modifierExtension[0].url", "Patient", True),
    ("identifier[0].extension[0].extension[1].url", "ServiceRequest", True),
    ("_system.extension[0].url", "Patient", True),             # extension of a primitive
    # Coding / Identifier / Quantity system (uri); ContactPoint.system (a code)
    ("code.coding[0].system", "Observation", True),
    ("identifier[0].system", "Patient", True),
    ("identifier[0].type.coding[0].system", "Patient", True),
    ("valueQuantity.system", "Observation", True),
    ("meta.tag[0].system", "Observation", True),
    ("telecom[1].system", "Patient", True),
    # Meta.profile, ElementDefinition.type.profile / targetProfile, binding.valueSet (canonical)
    ("meta.profile[0]", "Patient", True),
    ("snapshot.element[3].type[0].targetProfile[0]", "StructureDefinition", True),
    ("snapshot.element[3].binding.valueSet", "StructureDefinition", True),
    ("implicitRules", "Patient", True),
    ("instantiatesCanonical[0]", "ServiceRequest", True),
    ("url", "StructureDefinition", True),                     # a canonical resource's own url
    ("contained[0].url", "Questionnaire", True),
    ("policy[0]", "Provenance", True),                        # Provenance.policy: uri
    ("eventUri", "MessageHeader", True),
    # may be a person's: kept
    ("telecom[1].value", "Patient", False),                   # ContactPoint value, system url
    ("photo[0].url", "Patient", False),                       # Attachment.url
    ("content[0].attachment.url", "DocumentReference", False),
    ("presentedForm[0].url", "DiagnosticReport", False),
    ("extension[0].valueUrl", "Patient", False),              # an extension's value
    ("extension[0].valueUri", "Patient", False),
    ("text.div", "Patient", False),
    ("note[0].text", "Observation", False),
    ("identifier[0].value", "Patient", False),                # INS / NIR sits here
    ("entry.request.url", None, False),                       # a search may hold a name
    ("entry.fullUrl", "Patient", False),
    ("link[0].url", "Bundle", False),
    ("meta.source", "Patient", False),
    ("policy[0]", "Consent", False),                          # Consent.policy is a BackboneElement
    ("url", None, False),                                     # not a FHIR resource
])
def test_names_a_standard(path, rtype, expected):
    assert names_a_standard(path, rtype) is expected


@pytest.mark.parametrize("name, expected", [
    ("extension.0.url", True),
    ("entry.0.resource.modifierExtension.0.url", True),
    ("code.coding.0.system", True),
    ("identifier.0.system", True),
    ("valueCoding.system", True),
    ("meta.tag.0.system", True),
    ("meta.profile.0", True),
    ("meta.profile", True),
    ("url", False),                                           # a record's own url
    ("photo.0.url", False),                                   # Attachment.url
    ("site.url", False),
    ("telecom.0.system", False),                              # not under coding/identifier
    ("system", False),
    ("identifier.0.value", False),
    ("profile", False),
    ("user.profile", False),                                  # a person's profile page
])
def test_json_names_a_standard(name, expected):
    assert json_names_a_standard(name) is expected


def _scan(path: Path) -> set[tuple[str, str | None, str | None, str]]:
    result = sentinelle.scan([path])
    assert not result.issues
    return {(f.entity_type, f.location.sheet, f.location.column, f.value)
            for f in result.findings}


def test_bundle_standards_not_scanned_personal_urls_kept(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(BUNDLE, ensure_ascii=False, indent=2), encoding="utf-8")
    found = _scan(path)
    columns = {(sheet, column) for _, sheet, column, _ in found}
    for sheet, column in columns:
        assert not names_a_standard(column, sheet), (sheet, column)
    urls = {(sheet, column, value) for entity, sheet, column, value in found if entity == "URL"}
    assert ("Patient", "telecom[1].value", PERSONAL_SITE) in urls
    assert ("Patient", "photo[0].url", PHOTO_URL) in urls
    assert ("DiagnosticReport", "presentedForm[0].url", REPORT_URL) in urls
    assert ("Observation", "note[0].text", NOTE_URL) in urls
    assert ("Patient", "text.div", DIV_URL) in urls
    assert not {v for _, _, v in urls if "hl7.org" in v or "loinc" in v or "unitsofmeasure" in v
                or "esante" in v or "interopsante" in v}
    assert ("FR_NIR", "Patient", "identifier[0].value", NIR) in found
    assert ("PHONE_NUMBER", "Patient", "telecom[0].value", "06 12 34 56 78") in found


def test_bundle_columns_left_out_of_units(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(BUNDLE), encoding="utf-8")
    stats: dict = {}
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    headers = {}
    for unit in FhirReader().read(source, stats):
        assert isinstance(unit, TableUnit)
        headers[unit.location.sheet] = unit.header
        list(unit.batches)
    assert "meta.profile[0]" not in headers["Bundle"]
    assert "extension[0].url" not in headers["Patient"]
    assert "identifier[0].system" not in headers["Patient"]
    assert "identifier[0].value" in headers["Patient"]
    assert "telecom[1].value" in headers["Patient"] and "photo[0].url" in headers["Patient"]
    assert "code.coding[0].system" not in headers["Observation"]
    assert "valueQuantity.system" not in headers["Observation"]
    assert "code.coding[0].code" in headers["Observation"]


def test_generic_json_fhir_shaped(tmp_path):
    # no resourceType: read by the JSON reader, the same elements are left out
    records = [{"id": 1, "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": NIR}],
                "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                               "valueString": "Lyon"}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                "site": PERSONAL_SITE}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    source = Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)
    [unit] = list(JsonReader().read(source, {}))
    assert unit.header == ("id", "identifier.0.value", "extension.0.valueString",
                           "code.coding.0.code", "site")
    found = _scan(path)
    assert {(e, c) for e, _, c, _ in found if e == "URL"} == {("URL", "site")}


# every "http..." value in these files, read by hand (grep '"[A-Za-z]*": *"https\?://', then the
# parent of each key): 2120 Extension.url, 264 Coding / Identifier system (coding, tag,
# eventCoding, identifier), 5 Provenance.policy; no URL is personal data there
CORPUS = sorted((shared_dir() / "corpus" / "fhir" / "cdc_trusted_intermediary").glob("*/*.fhir"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_no_url_findings(path):
    result = sentinelle.scan([path], entities=["URL"])
    assert not result.issues
    assert [f.location.column for f in result.findings] == []
