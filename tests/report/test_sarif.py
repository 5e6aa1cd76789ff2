"""SARIF 2.1.0 output (:mod:`sentinelle.report.sarif`): URIs, regions, nested artifacts.

Session 13 fault list: artifact ``uri``s were findings paths as they are (spaces, ``#``, ``%``,
non-ASCII, ``a.zip!inner/b.csv``), not URI references; no ``uriBaseId``; a text finding's
region had no ``startLine``. No copy of the SARIF 2.1.0 JSON schema ships in the venv, so the
shapes are checked by hand against the spec's sections (cited per check).

Expected values are worked out by hand in the comments: percent-encodings from RFC 3986 2.1
and the UTF-8 bytes of each character (é = C3 A9), lines and columns by counting characters.
Test data is synthetic: ``295109912611193`` is the README's synthetic NIR (sex 2, born
1995-10, department 99, commune 126, order 111, key 93); DUPONTEL Mireille is the project's
example name (src/sentinelle/redact/names.py).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from sentinelle.report.sarif import URI_BASE, SarifWriter, uri_reference
from tests.conftest import run_cli

NIR = "295109912611193"

#: RFC 3986 2.2/2.3: the characters of a URI reference outside percent-encodings
_URI_CHARS = re.compile(r"\A(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*\Z")


def record(path: str, start: int | None = 0, end: int | None = 15, *, row=None, column=None,
           sheet=None, page=None, entity="FR_NIR", masked="2************93") -> dict:
    """A findings record (docs/findings-schema.md) as the scan writes it: masked only."""
    return {"schema_version": 2, "path": path, "entity_type": entity, "score": 1.0, "row": row,
            "column": column, "sheet": sheet, "page": page, "start": start, "end": end,
            "masked": masked, "value_hash": "ab" * 32, "validation": "valid",
            "detector": "fr.nir"}


def write(records, sources=(), issues=()) -> dict:
    out = io.StringIO()
    w = SarifWriter(out, "0.0-test", sources=sources)
    w.add(records)
    w.close(issues)
    return json.loads(out.getvalue())


def locations(log: dict) -> list[dict]:
    return [res["locations"][0] for res in log["runs"][0]["results"]]


@pytest.mark.parametrize("path, uri", [
    ("a b.txt", "a%20b.txt"),                    # space: not a URI character (RFC 3986 2.1)
    ("cr#1.txt", "cr%231.txt"),                  # "#" would start a fragment
    ("100%.txt", "100%25.txt"),                  # "%" itself is encoded
    ("é.txt", "%C3%A9.txt"),                     # non-ASCII: its UTF-8 bytes (RFC 3986 2.5)
    ("a?b.txt", "a%3Fb.txt"),                    # "?" would start a query
    ("h:m.txt", "h%3Am.txt"),                    # ":" in a first segment reads as a scheme (4.2)
    ("dir/sub dir/x.csv", "dir/sub%20dir/x.csv"),  # "/" separates segments: kept
    ("CR_D*******_x.txt", "CR_D*******_x.txt"),  # "*" (a mask) is a sub-delim: kept
    ("/tmp/x y.txt", "file:///tmp/x%20y.txt"),   # an absolute path: a file URI
    # review fault 8: a name holding the byte E9 (Latin-1 "é", not UTF-8) is shown
    # "caf\xe9 note!1.txt" (readers.archive.printable_path); its URI encodes that byte, E9,
    # not the four characters of the escape ("%5Cxe9")
    ("caf\\xe9 note!1.txt", "caf%E9%20note!1.txt"),
    # in such a name a backslash is shown doubled: "\\" is one backslash (5C)
    ("a\\\\b\\xe9", "a%5Cb%E9"),
    # a valid name holding the text "\xe9" is shown with its backslash doubled: one 5C, then
    # the letters x, e, 9
    ("a\\\\xe9.txt", "a%5Cxe9.txt"),
    # a name as os.fsdecode gives it (surrogateescape, PEP 383): U+DCE9 is the byte E9
    ("caf\udce9.txt", "caf%E9.txt"),
])
def test_uri_reference(path, uri):
    assert uri_reference(path) == uri
    assert _URI_CHARS.match(uri)


@pytest.mark.parametrize("path, location", [
    # a walked file: relative to SCANROOT (3.4.4)
    ("dir/cr #1.txt", {"uri": "dir/cr%20%231.txt", "uriBaseId": "SCANROOT"}),
    # an absolute path (several absolute roots): no uriBaseId (3.4.4)
    ("/srv/a.txt", {"uri": "file:///srv/a.txt"}),
])
def test_top_level_artifact_location(path, location):
    log = write([record(path, start=None, end=None, row=0, column="nir")])
    assert locations(log)[0]["physicalLocation"]["artifactLocation"] == location
    run = log["runs"][0]
    assert set(run["originalUriBaseIds"]) == {URI_BASE}                # 3.14.14
    assert "uri" not in run["originalUriBaseIds"][URI_BASE]            # the root is not written
    assert "artifacts" not in run


def test_archive_members_are_nested_artifacts():
    # 3.24.3: a member's artifact has parentIndex = its container's; nested members chain
    log = write([record("a.zip!inner/b c.csv", row=0, column="nir"),
                 record("a.zip!x.tar!y.txt"),
                 record("a.zip!inner/b c.csv", row=1, column="nir")])
    run = log["runs"][0]
    assert run["artifacts"] == [
        {"location": {"uri": "a.zip", "uriBaseId": "SCANROOT"}},
        {"location": {"uri": "/inner/b%20c.csv"}, "parentIndex": 0},
        {"location": {"uri": "/x.tar"}, "parentIndex": 0},
        {"location": {"uri": "/y.txt"}, "parentIndex": 2},
    ]
    arts = [loc["physicalLocation"]["artifactLocation"] for loc in locations(log)]
    # 3.4.5: the result points at its artifact by index (the uri is the artifact's)
    assert arts == [{"uri": "/inner/b%20c.csv", "index": 1}, {"uri": "/y.txt", "index": 3},
                    {"uri": "/inner/b%20c.csv", "index": 1}]
    # a member's text is not read again: its region keeps the character offsets
    assert locations(log)[1]["physicalLocation"]["region"] == {"charOffset": 0, "charLength": 15}


@pytest.mark.parametrize("text, start, region", [
    # first character of the file: line 1, column 1
    (f"{NIR} fin\n", 0, {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 16}),
    # "ab\n" (3) + "N° SS : " (8): offset 11, line 2, column 9; end column 9 + 15
    (f"ab\nN° SS : {NIR}\n", 11, {"startLine": 2, "startColumn": 9, "endLine": 2,
                                   "endColumn": 24}),
    # CR LF is one line end: "ab\r\n" (4) + "x " (2): offset 6, line 2, column 3
    (f"ab\r\nx {NIR}\r\n", 6, {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 18}),
    # a lone CR ends a line too (old Mac): "a\rb\r" (4): offset 4, line 3, column 1
    (f"a\rb\r{NIR}", 4, {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 16}),
    # columns count code points (columnKind unicodeCodePoints): "éèà " is 4, not 8 bytes
    (f"x\néèà {NIR}", 6, {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 20}),
])
def test_text_region_has_lines(tmp_path, text, start, region):
    f = tmp_path / "note.txt"
    f.write_bytes(text.encode("utf-8"))
    assert text[start:start + 15] == NIR  # the hand-counted offset is the NIR's
    log = write([record("note.txt", start, start + 15)], sources=[("note.txt", f)])
    assert locations(log)[0]["physicalLocation"]["region"] == {
        **region, "charOffset": start, "charLength": 15}
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"          # 3.14.22


def test_masked_path_finds_its_file(tmp_path):
    # the scan masks a name holding personal data, length kept: the writer finds the file by it
    f = tmp_path / "CR_DUPONTEL_Mireille.txt"
    f.write_text(f"a\nb {NIR}\n", encoding="utf-8")
    log = write([record("CR_D*******_******le.txt", 4, 19)],
                sources=[("CR_DUPONTEL_Mireille.txt", f)])
    loc = locations(log)[0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "CR_D*******_******le.txt"
    assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] == 3


#: review fault 3: two NIR-shaped names (keys 97 - 1850578006048 mod 97 = 30 and
#: 97 - 1850578006145 mod 97 = 30) that the scan masks alike, "p_1************30.txt"
TWINS = ("p_185057800604830.txt", "p_185057800614530.txt")
TWIN_MASK = "p_1************30.txt"
MAIL = "mail jean.dupont@example.fr\n"  # the e-mail at offset 5 of its line, 22 characters


@pytest.mark.parametrize("texts, start, region", [
    # the reviewer's case: the first file's e-mail is on line 1, the second's on line 5 (offset
    # 4 + 5 = 9); the record does not say which file, so no line or column (the second file
    # was given the first one's lines: line 1, column 10, ending on line 2), the offsets stay
    ((MAIL, "\n\n\n\n" + MAIL), 9, {"charOffset": 9, "charLength": 22}),
    # the same line starts in both files: the lines hold whichever file it is (line 2, col 6)
    (("x\n" + MAIL, "y\n" + MAIL), 7, {"startLine": 2, "startColumn": 6, "endLine": 2,
                                       "endColumn": 28, "charOffset": 7, "charLength": 22}),
    # one of them is an HTML page (offsets in its extracted text): no region at all
    ((MAIL, "<html><body><p>" + MAIL + "</p></body></html>"), 5, None),
])
def test_coinciding_masked_paths_get_no_wrong_lines(tmp_path, texts, start, region):
    sources = []
    for name, text in zip(TWINS, texts):
        (tmp_path / name).write_text(text, encoding="utf-8")
        sources.append((name, tmp_path / name))
    log = write([record(TWIN_MASK, start, start + 22, entity="EMAIL_ADDRESS",
                        masked="j**********@example.fr")], sources=sources)
    assert locations(log)[0]["physicalLocation"].get("region") == region


@pytest.mark.parametrize("walked, path, artifacts, uri", [
    # review fault 4: a plain file whose masked name holds "!" is not an archive
    # "p_1************30" with a member "/x.txt": its own top-level artifact, its lines kept
    ("bang/p_185057800604830!x.txt", "bang/p_1************30!x.txt", None,
     {"uri": "bang/p_1************30!x.txt", "uriBaseId": "SCANROOT"}),
    # an archive whose masked name does not hold "!": its member is still nested
    ("a_185057800604830.zip", "a_1************30.zip!x.txt",
     [{"location": {"uri": "a_1************30.zip", "uriBaseId": "SCANROOT"}},
      {"location": {"uri": "/x.txt"}, "parentIndex": 0}],
     {"uri": "/x.txt", "index": 1}),
])
def test_masked_bang_name_is_a_file(tmp_path, walked, path, artifacts, uri):
    f = tmp_path / "f"
    f.write_text("\n\n" + MAIL, encoding="utf-8")
    log = write([record(path, 7, 29)], sources=[(walked, f)])
    loc = locations(log)[0]["physicalLocation"]
    assert loc["artifactLocation"] == uri
    assert log["runs"][0].get("artifacts") == artifacts
    if artifacts is None:  # "\n\n" + "mail ": line 3, column 6 (a member is not read again)
        assert (loc["region"]["startLine"], loc["region"]["startColumn"]) == (3, 6)


def test_extracted_text_has_no_region(tmp_path):
    # an HTML page: its offsets are in the extracted text, not in the file's characters
    f = tmp_path / "page.html"
    f.write_text(f"<html><body><p>N° SS : {NIR}</p></body></html>", encoding="utf-8")
    log = write([record("page.html", 8, 23)], sources=[("page.html", f)])
    loc = locations(log)[0]
    assert "region" not in loc["physicalLocation"]
    props = log["runs"][0]["results"][0]["properties"]
    assert (props["start"], props["end"]) == (8, 23)


@pytest.mark.parametrize("rec, logical", [
    # a CSV cell: data row 3, column nir; cell offsets stay in properties (3.8)
    (record("p.csv", 2, 17, row=3, column="nir"),
     {"name": "nir", "fullyQualifiedName": "row 3, column nir", "kind": "value"}),
    # a workbook cell: the sheet too
    (record("c.xlsx", 0, 15, row=0, column="nir", sheet="Patients"),
     {"name": "nir", "fullyQualifiedName": "sheet Patients, row 0, column nir", "kind": "value"}),
    # a finding in a file name: offsets in the path, no region
    (record("CR_2************93.txt", 3, 18, column="(file name)"),
     {"name": "(file name)", "fullyQualifiedName": "(file name)", "kind": "resource"}),
])
def test_logical_locations_and_cell_offsets(rec, logical):
    log = write([rec])
    loc = locations(log)[0]
    assert loc["logicalLocations"] == [logical]
    assert "region" not in loc["physicalLocation"]
    props = log["runs"][0]["results"][0]["properties"]
    assert (props["row"], props["start"], props["end"]) == (rec["row"], rec["start"], rec["end"])


def test_file_name_constant_is_redaction_s():
    from sentinelle.redact.names import FILE_NAME
    from sentinelle.report import sarif

    assert sarif.FILE_NAME == FILE_NAME


def test_issue_locations_are_uris():
    from sentinelle.scanner import Issue

    log = write([], issues=[Issue("a b.zip!c#.csv", "error", "truncated")])
    note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "/c%23.csv", "index": 1}
    assert log["runs"][0]["artifacts"][0]["location"]["uri"] == "a%20b.zip"


def _check_structure(log: dict) -> None:
    """SARIF 2.1.0 shapes used here, by hand (no schema in the venv)."""
    assert log["version"] == "2.1.0"                                             # 3.13.2
    run = log["runs"][0]
    bases = run.get("originalUriBaseIds", {})
    arts = run.get("artifacts", [])
    for i, art in enumerate(arts):
        assert _URI_CHARS.match(art["location"]["uri"])                          # 3.10.2
        assert art.get("parentIndex", -1) < i       # a container comes before its members
    for res in run["results"]:
        for loc in res["locations"]:
            al = loc["physicalLocation"]["artifactLocation"]
            assert _URI_CHARS.match(al["uri"])
            if "uriBaseId" in al:
                assert al["uriBaseId"] in bases                                  # 3.14.14
            if "index" in al:
                assert arts[al["index"]]["location"]["uri"] == al["uri"]          # 3.4.5
            region = loc["physicalLocation"].get("region", {})
            assert all(region[k] >= 1 for k in ("startLine", "startColumn", "endLine",
                                                "endColumn") if k in region)     # 3.30.5-8


def test_cli_sarif_has_no_raw_value(tmp_path):
    # a file named with a NIR (folder "dossier N°1 #", space, "#" and non-ASCII), the NIR and a
    # name in its content: the SARIF holds masks and hashes only, decoded URIs included
    d = tmp_path / "in" / "dossier N°1 #"
    d.mkdir(parents=True)
    (d / f"CR_DUPONTEL_Mireille_{NIR}.txt").write_text(
        f"Compte rendu\nPatiente : Mireille DUPONTEL, N° SS : {NIR}\n", encoding="utf-8")
    r = run_cli("scan", "in", "--no-db", "-q", "-j", "1", "-f", "sarif", "-o", "s.sarif",
                cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    text = (tmp_path / "s.sarif").read_text("utf-8")
    log = json.loads(text)
    _check_structure(log)
    for raw in (NIR, NIR[:13], "DUPONTEL", "Mireille"):
        assert raw not in text and raw not in unquote(text)
    results = log["runs"][0]["results"]
    content = [res for res in results if res["ruleId"] == "FR_NIR"
               and res["properties"]["column"] is None]
    # "Compte rendu\n" (13) + "Patiente : Mireille DUPONTEL, N° SS : " (38): line 2, column 39
    assert content[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 39, "endLine": 2, "endColumn": 54,
        "charOffset": 51, "charLength": 15}
    uri = content[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("dossier%20N%C2%B01%20%23/CR_D")                     # N° = N C2 B0


def _email_regions(log: dict) -> list[tuple[str, dict]]:
    return [(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             res["locations"][0]["physicalLocation"].get("region"))
            for res in log["runs"][0]["results"] if res["ruleId"] == "EMAIL_ADDRESS"]


def test_cli_sarif_masked_names_and_undecodable_bytes(tmp_path):
    # the reviewer's three cases through the scan (faults 3, 4, 8); the NIRs of the names
    # never appear, masked or in the URIs
    d = tmp_path / "in"
    d.mkdir()
    (d / TWINS[0]).write_text(MAIL, encoding="utf-8")
    (d / TWINS[1]).write_text("\n\n\n\n" + MAIL, encoding="utf-8")
    (d / "p_295109912611193!x.txt").write_text("\n\n" + MAIL, encoding="utf-8")
    (d / os.fsdecode(b"caf\xe9 note!1.txt")).write_text("\n" + MAIL, encoding="utf-8")
    r = run_cli("scan", "in", "--no-db", "-q", "-j", "1", "-f", "sarif", "-o", "s.sarif",
                cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    text = (tmp_path / "s.sarif").read_text("utf-8")
    log = json.loads(text)
    _check_structure(log)
    for raw in ("185057800604830", "185057800614530", NIR, "jean.dupont"):
        assert raw not in text and raw not in unquote(text)
    assert "artifacts" not in log["runs"][0]  # no file taken for an archive member
    line2 = {"startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 28,
             "charOffset": 6, "charLength": 22}     # "\n" + "mail "
    line3 = {"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 28,
             "charOffset": 7, "charLength": 22}     # "\n\n" + "mail "
    assert sorted(_email_regions(log), key=lambda x: (x[0], x[1]["charOffset"])) == [
        ("caf%E9%20note!1.txt", line2),
        ("p_1************30.txt", {"charOffset": 5, "charLength": 22}),
        ("p_1************30.txt", {"charOffset": 9, "charLength": 22}),
        ("p_2************93!x.txt", line3),
    ]
