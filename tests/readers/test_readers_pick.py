"""pick_reader: content beats extension; None for binary or unknown formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sentinelle.config import Config
from sentinelle.readers import BUILTIN, pick_reader
from sentinelle.readers.delimited import DelimitedReader
from sentinelle.readers.jsondoc import JsonReader
from sentinelle.readers.text import TextReader


def csv_bytes(delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["nom", "prenom", "cp"], ["A", "B", "01090"]])
    return out.getvalue().encode()


JSON_ARRAY = json.dumps([{"nom": "A"}, {"nom": "B"}]).encode()
NDJSON = b"".join(json.dumps({"nom": n}).encode() + b"\n" for n in "AB")
BINARY = b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)) * 4


@pytest.mark.parametrize("head, path, expected", [
    (JSON_ARRAY, "a.json", "json"),
    (NDJSON, "a.jsonl", "json"),
    (JSON_ARRAY, "export", "json"),        # no suffix: it parses, so JSON
    (NDJSON, "export.txt", "json"),        # content beats extension
    (JSON_ARRAY, "a.csv", "json"),
    (b"not json at all", "a.json", "text"),  # a .json suffix on plain text
    (b"{broken", "a.json", "json"),        # JSON suffix and JSON-looking: read() reports the error
    (b"[id];nom;cp\n1;A;01090\n", "a.csv", "csv"),  # starts with "[" but is not JSON
    (csv_bytes(";"), "a.csv", "csv"),
    (csv_bytes("\t"), "a.tsv", "csv"),
    (csv_bytes(";"), "export", "csv"),
    (csv_bytes(";"), "export.txt", "csv"),
    (BINARY, "a.csv", "csv"),              # read() raises "binary content, not text"
    (b"", "a.csv", "csv"),
    (b"Compte rendu.\nRAS.\n", "cr.txt", "text"),
    (b"MSH|^~\\&|LAB|\rPID|1||123\r", "msg.hl7", "hl7v2"),  # HL7 v2 content (MSH segment)
    (b"", "empty", "text"),
    (BINARY, "a.bin", None),               # unsupported format
    (BINARY, "archive", None),
    (BINARY, "a.txt", "text"),             # suffix claims it: read() reports binary content
])
def test_pick_reader(head, path, expected):
    reader = pick_reader(head, path, Config())
    assert (reader.name if reader else None) == expected


def test_builtin_order_and_config():
    # content sniffers before the permissive ones: JSON, then delimited tables, then any text last
    order = list(BUILTIN)
    assert order.index(JsonReader) < order.index(DelimitedReader) < order.index(TextReader)
    assert order[-1] is TextReader
    assert len(set(order)) == len(order)
    config = Config(batch_rows=7, text_chunk_chars=99)
    assert pick_reader(csv_bytes(), "a.csv", config).batch_rows == 7
    assert pick_reader(JSON_ARRAY, "a.json", config).batch_rows == 7
    assert pick_reader(b"texte", "a.txt", config).text_chunk_chars == 99
