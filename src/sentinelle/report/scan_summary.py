"""The machine summary of a scan (``sentinelle scan --format json``).

Schema (``sentinelle-scan-summary/1``)::

    {"schema": "sentinelle-scan-summary/1", "version": str, "roots": [str],
     "totals": {"files": int, "files_with_findings": int, "findings": int,
                "by_entity": {LABEL: int}, "errors": int, "skipped": int},
     "files": [{"path", "reader", "size", "rows", "columns", "chars", "encoding",
                "findings", "by_entity": {LABEL: int}, "issue": null | {"kind", "reason",
                "position"}}],
     "issues": [{"path", "kind", "reason", "position", "reader"}],
     "exit_code": 0 | 1 | 2}

``size`` is the file's size in bytes; ``rows`` and ``columns`` those of its tables;
``chars`` the characters of text read from it: the decoded text of text, delimited, JSON, SQL,
HL7 v2 and HPRIM files (equal to ``size`` for a single-byte encoding such as cp1252, fewer than
``size`` for UTF-8 with accents), the text extracted from PDF, Word/ODT, RTF, HTML and mail;
0 for formats read as typed cells (XLSX, Parquet, SQLite) and for an archive itself (its
members have their own entries); ``encoding`` the text encoding used (None for binary formats).

No value found in the data appears in it: counts and paths only.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from sentinelle.scanner import FileReport

SCHEMA = "sentinelle-scan-summary/1"


def exit_code(files: Sequence[FileReport]) -> int:
    """1 when personal data was found; else 2 when a file could not be read; else 0."""
    if any(f.findings for f in files):
        return 1
    if any(f.issue is not None and f.issue.kind == "error" for f in files):
        return 2
    return 0


def summary(files: Sequence[FileReport], roots: Sequence[str], version: str) -> dict:
    by_entity: Counter[str] = Counter()
    for f in files:
        for ent, n in f.counts:
            by_entity[ent] += n
    issues = [f.issue for f in files if f.issue is not None]
    return {
        "schema": SCHEMA,
        "version": version,
        "roots": list(roots),
        "totals": {
            "files": len(files),
            "files_with_findings": sum(1 for f in files if f.findings),
            "findings": sum(by_entity.values()),
            "by_entity": dict(sorted(by_entity.items())),
            "errors": sum(1 for i in issues if i.kind == "error"),
            "skipped": sum(1 for i in issues if i.kind == "skipped"),
        },
        "files": [{
            "path": f.path, "reader": f.reader, "size": f.size, "rows": f.rows,
            "columns": f.columns, "chars": f.chars, "encoding": f.encoding,
            "findings": f.findings, "by_entity": dict(f.counts),
            "issue": ({"kind": f.issue.kind, "reason": f.issue.reason, "position": f.issue.position}
                      if f.issue else None),
        } for f in files],
        "issues": [{"path": i.path, "kind": i.kind, "reason": i.reason, "position": i.position,
                    "reader": i.reader} for i in issues],
        "exit_code": exit_code(files),
    }
