"""FhirReader: corpus Bundles located by resource and FHIRPath, NDJSON bulk exports streamed,
single resources, hints, sniffing and errors.

Corpus: ../shared/corpus/fhir/cdc_trusted_intermediary (CDC trusted-intermediary, CC0; test
patients). Expected values were read by hand in the files (quoted in comments).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.errors import ReadError
from sentinelle.readers import pick_reader
from sentinelle.readers.base import Source, TableUnit
from sentinelle.readers.fhir import NO_MEANING, FhirReader, hint_for
from tests.conftest import shared_dir


# CA/002_CA_ORU_R01_initial_translation.fhir, by hand: a Bundle whose entries 0-10 are
# MessageHeader, Organization, Organization, Provenance, Organization, Provenance, Organization,
# Patient (entry 7: "family": "Smith", "given": ["John"], "birthDate": "2022-02-05"),
# Organization, Provenance, RelatedPerson (entry 10: "family": "Smith", "given": ["Sarah"],
# "birthDate": "1991-07-01", "line": ["850 Marina Bay Parkway, APT 125"])
BUNDLE = (shared_dir() / "corpus" / "fhir" / "cdc_trusted_intermediary" / "CA"
          / "002_CA_ORU_R01_initial_translation.fhir")


def source_of(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)


def read(path: Path, **kw) -> tuple[list[tuple[str | None, int, list[dict], dict]], dict]:
    """([(sheet, first_row, rows as dicts, {column: hint})], stats)."""
    units, stats = [], {}
    for unit in FhirReader(**kw).read(source_of(path), stats):
        assert isinstance(unit, TableUnit)
        for batch in unit.batches:
            rows = [dict(zip(unit.header, values)) for values in zip(*batch.columns)]
            rows = [{k: v for k, v in r.items() if v is not None} for r in rows]
            units.append((unit.location.sheet, batch.first_row, rows,
                          dict(zip(unit.header, unit.hints))))
    return units, stats


# -- the corpus -----------------------------------------------------------------------------

@pytest.mark.parametrize("entity, row, sheet, column, value", [
    ("PERSON", 7, "Patient", "name[0].family", "Smith"),
    ("PERSON", 7, "Patient", "name[0].given[0]", "John"),
    ("DATE_OF_BIRTH", 7, "Patient", "birthDate", "2022-02-05"),
    ("PERSON", 7, "Patient", "contact[0].name.given[0]", "Sarah"),
    ("PERSON", 10, "RelatedPerson", "name[0].family", "Smith"),
    ("DATE_OF_BIRTH", 10, "RelatedPerson", "birthDate", "1991-07-01"),
    ("STREET_ADDRESS", 10, "RelatedPerson", "address[0].line[0]",
     "850 Marina Bay Parkway, APT 125"),
])
def test_corpus_bundle_located(entity, row, sheet, column, value):
    result = sentinelle.scan([BUNDLE], entities=[entity])
    assert not result.issues
    found = {(f.entity_type, f.location.row, f.location.sheet, f.location.column, f.value)
             for f in result.findings}
    assert (entity, row, sheet, column, value) in found


def test_corpus_bundle_structure():
    units, stats = read(BUNDLE)
    assert units[0][:2] == ("Bundle", 0)                   # the Bundle's own elements
    assert units[0][2][0]["identifier.value"] == "220220550"
    assert "entry" not in " ".join(units[0][2][0])
    sheets = [(s, r) for s, r, _, _ in units]
    assert ("Patient", 7) in sheets and ("RelatedPerson", 10) in sheets
    [patient] = [rows[0] for s, r, rows, _ in units if s == "Patient"]
    assert patient["resourceType"] == "Patient"
    assert patient["entry.fullUrl"].startswith("Patient/")
    [hints] = [h for s, _, _, h in units if s == "Patient"]
    assert hints["name[0].family"] == "nom" and hints["birthDate"] == "date_de_naissance"
    assert hints["name[0].use"] == NO_MEANING              # a code, not a name
    assert stats["rows"] == 73                             # entries in Bundle.entry


def test_corpus_no_element_name_false_positive():
    # MessageHeader.destination[0].name is "SISHIERECEIVER", an application: the word "name" in
    # the path must not make it a PERSON column
    result = sentinelle.scan([BUNDLE], entities=["PERSON"])
    assert not [f for f in result.findings if f.location.sheet == "MessageHeader"]


# -- NDJSON bulk export ---------------------------------------------------------------------

# synthetic INS-NIR 2 69 02 99 999 123, key 97 - (2690299999123 mod 97) = 63
PATIENTS = [
    {"resourceType": "Patient", "id": "p1",
     "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": "269029999912363"}],
     "name": [{"family": "Lefèvre", "given": ["Zoé"]}],
     "telecom": [{"system": "phone", "value": "06 12 34 56 78"},
                 {"system": "email", "value": "zoe.lefevre@example.org"}],
     "birthDate": "1969-02-11",
     "address": [{"line": ["12 rue des Lilas"], "postalCode": "75011", "city": "Paris"}]},
    {"resourceType": "Patient", "id": "p2", "name": [{"family": "Garnier", "given": ["Hélène"]}],
     "birthDate": "1987-03-01"},
]
OBSERVATIONS = [
    {"resourceType": "Observation", "id": "o1", "status": "final",
     "subject": {"reference": "Patient/p1", "display": "Zoé Lefèvre"},
     "valueString": "Appeler sa fille au 06 98 76 54 32"},
    {"resourceType": "Observation", "id": "o2", "status": "final",
     "valueQuantity": {"value": 13.2, "unit": "g/dL"}},
]


def write_ndjson(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("entity, row, sheet, column, value", [
    ("FR_NIR", 0, "Patient", "identifier[0].value", "269029999912363"),   # INS-NIR system
    ("PERSON", 0, "Patient", "name[0].family", "Lefèvre"),
    ("PHONE_NUMBER", 0, "Patient", "telecom[0].value", "06 12 34 56 78"),
    ("EMAIL_ADDRESS", 0, "Patient", "telecom[1].value", "zoe.lefevre@example.org"),
    ("FR_POSTAL_CODE", 0, "Patient", "address[0].postalCode", "75011"),
    ("DATE_OF_BIRTH", 1, "Patient", "birthDate", "1987-03-01"),
    ("PERSON", 2, "Observation", "subject.display", "Zoé Lefèvre"),
    ("PHONE_NUMBER", 2, "Observation", "valueString", "06 98 76 54 32"),  # free text
])
def test_ndjson_export_located(tmp_path, entity, row, sheet, column, value):
    path = write_ndjson(tmp_path / "export.ndjson", PATIENTS + OBSERVATIONS)
    found = {(f.entity_type, f.location.row, f.location.sheet, f.location.column, f.value)
             for f in sentinelle.scan([path]).findings}
    assert (entity, row, sheet, column, value) in found


def test_ndjson_runs_and_rows(tmp_path):
    # interleaved types and a batch of 1: rows stay the index of the resource in the file
    records = [PATIENTS[0], OBSERVATIONS[0], PATIENTS[1], OBSERVATIONS[1], OBSERVATIONS[0]]
    path = write_ndjson(tmp_path / "mixed.ndjson", records)
    units, stats = read(path)
    assert [(s, r, len(rows)) for s, r, rows, _ in units] == [
        ("Patient", 0, 1), ("Observation", 1, 1), ("Patient", 2, 1), ("Observation", 3, 2)]
    assert units[3][2][0]["valueQuantity.value"] == "13.2"       # number as written
    assert stats["rows"] == 5
    units, _ = read(path, batch_rows=1)
    assert [(s, r) for s, r, _, _ in units] == [
        ("Patient", 0), ("Observation", 1), ("Patient", 2), ("Observation", 3), ("Observation", 4)]


def test_ndjson_is_streamed(tmp_path):
    # 3 MiB of resources: the first unit comes before the reader has read the whole file
    path = tmp_path / "big.ndjson"
    line = json.dumps({"resourceType": "Observation", "status": "final",
                       "valueString": "x" * 1000}) + "\n"
    path.write_text(line * 3000, encoding="utf-8")
    size = path.stat().st_size
    handle = path.open("rb")
    source = Source(path.name, size, lambda: handle, path)
    units = FhirReader(batch_rows=10).read(source, {})
    first = next(units)
    assert len(list(first.batches)[0].columns[0]) == 10
    assert handle.tell() < size
    units.close()


def test_single_resource_and_array(tmp_path):
    one = tmp_path / "patient.json"
    one.write_text(json.dumps(PATIENTS[1]), encoding="utf-8")
    units, _ = read(one)
    assert [(s, r) for s, r, _, _ in units] == [("Patient", 0)]
    many = tmp_path / "resources.json"
    many.write_text(json.dumps(OBSERVATIONS + PATIENTS), encoding="utf-8")
    units, _ = read(many)
    assert [(s, r, len(rows)) for s, r, rows, _ in units] == [("Observation", 0, 2),
                                                             ("Patient", 2, 2)]


def test_bundle_entry_without_resource(tmp_path):
    path = tmp_path / "tx.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"request": {"method": "DELETE", "url": "Patient?name=Garnier"}},
        {"resource": PATIENTS[1], "request": {"method": "POST", "url": "Patient"}}]}),
        encoding="utf-8")
    units, _ = read(path)
    assert [(s, r) for s, r, _, _ in units] == [("Bundle", 0), (None, 0), ("Patient", 1)]
    assert units[1][2][0] == {"entry.request.method": "DELETE",
                              "entry.request.url": "Patient?name=Garnier"}


# -- hints ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, record, rtype, hint", [
    ("name[0].family", {}, "Patient", "nom"),
    ("name[1].given[0]", {}, "Practitioner", "prenom"),
    ("contact[0].name.family", {}, "Patient", "nom_contact"),
    ("birthDate", {}, "Patient", "date_de_naissance"),
    ("_birthDate.extension[1].valueDateTime", {}, "Patient", "date_de_naissance"),  # primitive ext.
    ("_birthDate.extension[1].url", {}, "Patient", NO_MEANING),
    ("address[0].postalCode", {}, "Organization", "code_postal"),
    ("address[0].line[1]", {}, "Patient", "adresse"),
    ("telecom[0].value", {"telecom[0].system": "phone"}, "Patient", "telephone"),
    ("telecom[2].value", {"telecom[2].system": "email"}, "Patient", "email"),
    ("telecom[0].value", {"telecom[0].system": "url"}, "Patient", NO_MEANING),
    ("identifier[0].value", {"identifier[0].system": "urn:oid:1.2.250.1.213.1.4.8"}, "Patient",
     "nir"),                                                   # INS-NIR
    ("identifier[0].value", {"identifier[0].system": "urn:oid:1.2.250.1.71.4.2.1"},
     "Practitioner", "rpps"),                                  # idNatPs
    ("identifier[0].value", {}, "Patient", "ipp"),            # the patient's number (session 8)
    ("identifier[1].value", {"identifier[1].system": "http://hopital.example/ipp"}, "Patient",
     "ipp"),
    ("identifier[0].value", {}, "Organization", "identifiant"),  # not a patient's number
    ("generalPractitioner[0].identifier.value", {}, "Patient", "identifiant"),
    ("code.coding[0].display", {}, "Condition", "diagnostic"),
    ("code.coding[0].display", {}, "Observation", NO_MEANING),  # a test name, not a diagnosis
    ("destination[0].name", {}, "MessageHeader", NO_MEANING),
    ("valueString", {}, "Observation", NO_MEANING),
])
def test_hint_for(path, record, rtype, hint):
    assert hint_for(path, record, rtype) == hint


# -- sniffing and errors -------------------------------------------------------------------------

@pytest.mark.parametrize("head, name, picked", [
    (b'{"resourceType": "Patient", "id": "1"}', "p.json", "fhir"),
    (b'{\n  "resourceType" : "Bundle", "entry": []}', "noext", "fhir"),
    (b'{"resourceType":"Observation"}\n{"resourceType":"Observation"}\n', "o.ndjson", "fhir"),
    (b'[{"resourceType": "Patient"}]', "a.json", "fhir"),
    (b'{"nom": "Dupont", "type": "Patient"}', "a.json", "json"),   # no resourceType
    (b"not json", "broken.fhir", "fhir"),                            # the suffix decides
])
def test_pick_reader(head, name, picked):
    reader = pick_reader(head, name, Config())
    assert reader is not None and reader.name == picked


def test_malformed_bundle_is_one_read_error(tmp_path):
    path = tmp_path / "broken.fhir"
    path.write_text('{"resourceType": "Bundle", "entry": [\n  {"resource": {"resourceType": '
                    '"Patient", "name": [{"family": "Dupont"}\n]}', encoding="utf-8")
    with pytest.raises(ReadError) as err:
        list(FhirReader().read(source_of(path), {}))
    assert err.value.reason.startswith("invalid JSON")
    assert err.value.position.startswith("line 3")
    [issue] = sentinelle.scan([path]).issues
    assert (issue.kind, issue.reader) == ("error", "fhir")
    assert "Dupont" not in str(issue)
