"""SARIF 2.1.0 output of a scan (OASIS Static Analysis Results Interchange Format 2.1.0,
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), for code-scanning UIs.

One rule per entity type (``ruleId`` = the label), one result per finding, streamed: results are
written as they come so a large scan does not hold them in memory. Text findings get a region
with ``charOffset``/``charLength`` (SARIF 3.30.5/3.30.6). A finding in a table cell has no
line of the file in the findings (the readers count data rows, not lines: a quoted cell may
hold line breaks, an HL7 row is a message), so its location is a *logical* location (SARIF
3.33): ``name`` = the column, ``fullyQualifiedName`` = ``sheet PID[1], row 0, column PID-5``
(the sheet only where the format has one), ``kind`` = ``value``, and ``row``/``column``/
``sheet`` stay in the result's ``properties``; a finding on a page of a document (PDF) gets
the logical location ``page 3`` (its offsets are in the page's text, not the file's bytes, so
no region). Messages carry the masked
value and keyed hash only (:func:`sentinelle.privacy.mask`: ``*****`` for data concerning
health, whatever the value, so ``HEALTH_CONDITION found: *****`` tells no status). The run's
``properties.findings_schema_version`` is the findings schema its results' properties follow
(:data:`sentinelle.finding.SCHEMA_VERSION`, docs/findings-schema.md).
"""

from __future__ import annotations

import json
from typing import IO, Iterable

from sentinelle.entities import ENTITIES
from sentinelle.finding import SCHEMA_VERSION

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _location(r: dict) -> dict:
    """The SARIF ``location`` of a findings record (module docstring)."""
    physical: dict = {"artifactLocation": {"uri": r["path"]}}
    location: dict = {"physicalLocation": physical}
    if r["row"] is not None:
        parts = ([f"sheet {r['sheet']}"] if r.get("sheet") is not None else []) + [
            f"row {r['row']}"] + ([f"column {r['column']}"] if r.get("column") is not None else [])
        location["logicalLocations"] = [{
            "name": r["column"] if r.get("column") is not None else f"row {r['row']}",
            "fullyQualifiedName": ", ".join(parts), "kind": "value"}]
    elif r.get("page") is not None:
        location["logicalLocations"] = [{"name": f"page {r['page']}",
                                         "fullyQualifiedName": f"page {r['page']}",
                                         "kind": "page"}]
    elif r["start"] is not None and r["end"] is not None:
        physical["region"] = {"charOffset": r["start"], "charLength": r["end"] - r["start"]}
    return location


class SarifWriter:
    """Write a SARIF log to ``out``: :meth:`add` records, then :meth:`close` with issues."""

    def __init__(self, out: IO[str], version: str):
        self.out = out
        self.version = version
        self.first = True
        self.rules_seen: set[str] = set()
        out.write('{"$schema": "%s", "version": "2.1.0", "runs": [{"results": [\n' % SARIF_SCHEMA)

    def add(self, records: Iterable[dict]) -> None:
        for r in records:
            self.rules_seen.add(r["entity_type"])
            result = {
                "ruleId": r["entity_type"],
                "level": "error" if r["score"] >= 0.8 else "warning",
                "message": {"text": f"{r['entity_type']} found: {r['masked']}"},
                "locations": [_location(r)],
                "partialFingerprints": {"valueHash/v1": r["value_hash"]},
                "properties": {"score": r["score"], "row": r["row"], "column": r["column"],
                               "sheet": r["sheet"], "page": r["page"], "start": r["start"], "end": r["end"],
                               "validation": r.get("validation")},
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
                          "locations": [{"physicalLocation": {"artifactLocation": {"uri": i.path}}}]}
                         for i in issues]
        tail = {
            "tool": {"driver": {"name": "sentinelle", "version": self.version,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            # the findings schema its results' properties follow (docs/findings-schema.md)
            "properties": {"findings_schema_version": SCHEMA_VERSION},
        }
        self.out.write("\n]," + json.dumps(tail, ensure_ascii=False)[1:-1] + "}]}\n")
