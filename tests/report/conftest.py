"""Hand-built assessment documents (docs/assess-schema.md, ``sentinelle-assessment/1``).

The figures are those of a synthetic lab leak (6 labs, a full copy and a partial copy of the dump,
records dated 2015-2020), written by hand, not produced by the engine: the report tests check
that what is in the document is what the reader sees. Values are masked only (no raw value is
ever in an assessment document); organisation names are fictional.
"""

from __future__ import annotations

import copy

import pytest

#: records per month, 2015-01 .. 2020-12, with March 2017 missing (a gap the chart keeps)
_MONTHLY = [900 + 14 * i + (150 if i % 12 in (0, 9, 10) else 0) for i in range(72)]
_BY_MONTH = [{"month": f"{2015 + i // 12}-{i % 12 + 1:02d}", "records": n}
             for i, n in enumerate(_MONTHLY) if (2015 + i // 12, i % 12 + 1) != (2017, 3)]

LEAK = {
    "schema": "sentinelle-assessment/1",
    "tool_version": "0.1.0",
    "generated_at": "2026-11-30T14:05:00+00:00",
    "roots": ["leak/"],
    "scan_id": 3,
    "files": {"scanned": 39, "with_findings": 37, "errors": 1, "bytes": 46123456},
    "subjects": {
        "unique": 19874,
        "interval": [19790, 19960],
        "records": 107695,
        "by_role": {
            "patient": {"unique": 19650, "records": 106000},
            "health_professional": {"unique": 224, "records": 1695},
            "other": {"unique": 0, "records": 0},
        },
        "method": {
            "exact_key": {"rule": "NIR + birth date + first name", "links": 80000},
            "probabilistic": {"engine": "splink 4 (duckdb)", "links": 6000, "match_threshold": 0.9,
                              "comparisons": ["name", "dob", "postcode", "phone"]},
            "notes": ["a NIR alone is not a person key: children may be recorded under a "
                      "parent's NIR"],
        },
    },
    "categories": [
        {"category": "identification", "special_category": False,
         "entities": ["PERSON", "DATE_OF_BIRTH"], "subjects": 19874, "findings": 215390},
        {"category": "national_identifier", "special_category": False,
         "entities": ["FR_NIR", "FR_RPPS"], "subjects": 19800, "findings": 121695},
        {"category": "location", "special_category": False,
         "entities": ["FR_POSTAL_CODE", "STREET_ADDRESS"], "subjects": 18500, "findings": 180000},
        {"category": "contact", "special_category": False,
         "entities": ["PHONE_NUMBER", "EMAIL_ADDRESS"], "subjects": 17020, "findings": 90100},
        {"category": "health", "special_category": True,
         "entities": ["HEALTH_CONDITION", "LAB_RESULT", "BLOOD_GROUP"], "subjects": 15000,
         "findings": 40000},
        {"category": "financial", "special_category": False, "entities": ["IBAN_CODE"],
         "subjects": 2310, "findings": 2400},
        {"category": "organisation", "special_category": False, "entities": ["FR_FINESS"],
         "subjects": 0, "findings": 7800},
    ],
    "combinations": [
        {"categories": ["identification", "national_identifier", "contact", "location", "health"],
         "subjects": 12345, "label": "name + birth date + NIR + contact details + address + health data"},
        {"categories": ["identification", "national_identifier", "location"], "subjects": 4100,
         "label": "name + birth date + NIR + address"},
        {"categories": ["identification", "national_identifier", "financial", "health"],
         "subjects": 1980, "label": "name + NIR + bank or card data + health data"},
        {"categories": ["identification"], "subjects": 74, "label": "name"},
    ],
    "entities": [
        {"entity_type": "FR_NIR", "category": "national_identifier", "findings": 120000,
         "distinct_values": 19800, "subjects": 19700},
        {"entity_type": "PERSON", "category": "identification", "findings": 130000,
         "distinct_values": 21500, "subjects": 19874},
        {"entity_type": "DATE_OF_BIRTH", "category": "identification", "findings": 85390,
         "distinct_values": 15420, "subjects": 19650},
        {"entity_type": "HEALTH_CONDITION", "category": "health", "findings": 21000,
         "distinct_values": 310, "subjects": 11000},
        {"entity_type": "IBAN_CODE", "category": "financial", "findings": 2400,
         "distinct_values": 2310, "subjects": 2310},
        {"entity_type": "FR_FINESS", "category": "organisation", "findings": 7800,
         "distinct_values": 6, "subjects": 0},
    ],
    "period": {"start": "2015-01-03", "end": "2020-12-28",
               "dated_records": sum(r["records"] for r in _BY_MONTH),
               "source": "DATE_TIME findings in record rows (sample, result or report dates)",
               "by_month": _BY_MONTH},
    "sources": [
        {"path": "labo_a/", "files": 7, "records": 20000, "subjects": 9000,
         "organisations": [{"kind": "FR_FINESS", "masked": "75*****12", "value_hash": "9f1c0a"},
                           {"kind": "name", "value": "Laboratoire Bio-Santé Est"}]},
        {"path": "labo_b/", "files": 6, "records": 16500, "subjects": 7400, "organisations": []},
        {"path": "labo_c/", "files": 5, "records": 14000, "subjects": 6100, "organisations": []},
        {"path": "labo_d/", "files": 4, "records": 9000, "subjects": 4300, "organisations": []},
        {"path": "labo_e/", "files": 4, "records": 7000, "subjects": 3900, "organisations": []},
        {"path": "labo_f/", "files": 3, "records": 4195, "subjects": 2050, "organisations": []},
        {"path": "dump_2021_copy/", "files": 7, "records": 20000, "subjects": 9000,
         "organisations": []},
        {"path": "partial_copy/", "files": 3, "records": 17000, "subjects": 7650,
         "organisations": []},
    ],
    "copies": {
        "groups": [
            {"members": ["labo_a/patients.csv", "dump_2021_copy/labo_a/patients.csv"],
             "kind": "exact", "similarity": 1.0, "records": 2000},
            {"members": ["labo_b/export_2020.xlsx", "partial_copy/labo_b.csv"], "kind": "near",
             "similarity": 0.97, "records": 16500},
        ],
        "known_leaks": [
            {"name": "lab-leak-2021", "registered_at": "2026-10-02T09:00:00+00:00",
             "subjects": 491840, "overlap_subjects": 17290, "share_of_this": 0.87},
        ],
    },
    "severity": {
        "method": "ENISA 2013: SE = DPC x EI + CB",
        "dpc": {"score": 4, "basis": "sensitive data (health: diagnoses, results, medication)",
                "adjustments": []},
        "ei": {"score": 1.0, "basis": "full names with a national identifier, birth date or address"},
        "cb": {"score": 0.5, "factors": {"loss_of_confidentiality": 0.5, "loss_of_integrity": 0,
                                         "loss_of_availability": 0, "malicious_intent": 0},
               "basis": "data found published: unknown number of recipients"},
        "se": 4.5,
        "level": "very high",
        "rationale": [
            "DPC 4: sensitive data (health: diagnoses, results, medication)",
            "EI 1.0 (maximum): full names with a national identifier, birth date or address",
            "CB 0.5: data found published: unknown number of recipients",
            "SE = 4 x 1.0 + 0.5 = 4.5 (very high)",
        ],
    },
}

#: an assessment of files where nothing personal was found
EMPTY = {
    "schema": "sentinelle-assessment/1", "tool_version": "0.1.0",
    "generated_at": "2026-11-30T14:05:00+00:00", "roots": ["docs/"], "scan_id": None,
    "files": {"scanned": 2, "with_findings": 0, "errors": 0, "bytes": 2048},
    "subjects": {"unique": 0, "interval": [0, 0], "records": 0,
                 "by_role": {"patient": {"unique": 0, "records": 0},
                             "health_professional": {"unique": 0, "records": 0},
                             "other": {"unique": 0, "records": 0}},
                 "method": {"exact_key": {"rule": "NIR + birth date + first name", "links": 0},
                            "notes": []}},
    "categories": [], "combinations": [], "entities": [],
    "period": {"start": None, "end": None, "dated_records": 0, "source": None, "by_month": []},
    "sources": [], "copies": {"groups": [], "known_leaks": []},
    "severity": {"method": "ENISA 2013: SE = DPC x EI + CB",
                 "dpc": {"score": 1, "basis": "no personal data type recognised", "adjustments": []},
                 "ei": {"score": 0.25, "basis": "no direct identifier"},
                 "cb": {"score": 0.5, "factors": {"loss_of_confidentiality": 0.5}},
                 "se": 0.75, "level": "low", "rationale": []},
}


@pytest.fixture
def leak_doc() -> dict:
    return copy.deepcopy(LEAK)


@pytest.fixture
def empty_doc() -> dict:
    return copy.deepcopy(EMPTY)
