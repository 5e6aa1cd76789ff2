"""RtfReader: cp1252 and \\uN escapes, headers/footers/comments/info kept, damaged files.

No well-kept Python library writes RTF (PyRTF3's last release is from 2017), and striprtf only
reads it, so the RTF files here are small hand-written documents: RTF is plain ASCII text whose
syntax is given by Microsoft's RTF 1.9.1 specification. The ``\\uN?`` escapes of non-ASCII text
are made by the ``rtfunicode`` codec; the ``\\'hh`` escapes are written as Word writes them (one
cp1252 byte each).

Test data is synthetic: the NIR's key follows the NIR rule (97 - first 13 digits mod 97), the
phone number is in the ARCEP range reserved for fiction (04 65 71).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rtfunicode  # noqa: F401 - registers the "rtfunicode" codec

import sentinelle
from sentinelle.readers.rtf import RtfReader

NIR13 = "2840275111222"
NIR = f"2 84 02 75 111 222 {97 - int(NIR13) % 97:02d}"
EMAIL = "zoe.lefevre@example.fr"
PHONE = "04 65 71 12 34"
BIN = Path(sys.executable).with_name("sentinelle")


def cp1252_escaped(text: str) -> str:
    """Non-ASCII characters as Word writes them: \\'hh, the cp1252 byte in hexadecimal."""
    return "".join(c if c.isascii() else "".join(f"\\'{b:02x}" for b in c.encode("cp1252"))
                   for c in text)


def uni(text: str) -> str:
    return text.encode("rtfunicode").decode("ascii")


PROLOG = ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}"
          "{\\colortbl;\\red0\\green0\\blue0;}")
LETTER = (
    PROLOG
    + "{\\info{\\title Compte rendu}{\\author " + cp1252_escaped("Hélène Martin") + "}}"
    + "{\\header \\pard\\plain Laboratoire Biolab\\par}"
    + "{\\footer \\pard\\plain Dossier NIR " + NIR + "\\par}"
    + "\\pard\\plain\\f0 "
    + cp1252_escaped("Patiente : Mme Zoé Lefèvre, née le 01/02/1984") + "\\par\n"
    + "\\uc1 " + uni("Diagnostic : séropositif VIH — œdème") + "\\par\n"
    + "{\\*\\shppict{\\pict\\pngblip\\picw10\\pich10 89504e470d0a1a0a0000000d49484452}}"
    + "Courriel : {\\field{\\*\\fldinst{HYPERLINK \"mailto:" + EMAIL + "\"}}"
    + "{\\fldrslt{\\ul " + cp1252_escaped("écrire") + "}}}\\par\n"
    + "\\trowd\\cellx2000\\cellx4000 Nom\\cell " + cp1252_escaped("Lefèvre") + "\\cell\\row\n"
    + "Rappel{\\*\\atnid HM}{\\*\\atnauthor H. Martin}\\chatn{\\*\\annotation "
    + "\\pard\\plain appeler au " + PHONE + "}\\par\n"
    + "}"
)
# the rendered text, by the rules of sentinelle.readers.rtf (hand-written from its docstring)
LETTER_TEXT = (
    "\n\nCompte rendu\nHélène Martin"              # the \info group: title, author
    "\nLaboratoire Biolab\n"                       # header
    f"\nDossier NIR {NIR}\n"                       # footer
    "Patiente : Mme Zoé Lefèvre, née le 01/02/1984\n"   # \'hh escapes, cp1252
    "Diagnostic : séropositif VIH — œdème\n"       # \uN escapes, with \uc1 fallbacks skipped
    f'Courriel : écrire("mailto:{EMAIL}")\n'       # striprtf keeps a link's target
    "Nom|Lefèvre|\n"                               # \cell is "|", \row a line end
    f"Rappel\nappeler au {PHONE}\n"                # the comment (\annotation)
)


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rtf") / "courrier.rtf"
    path.write_bytes(LETTER.encode("ascii"))
    return path


@pytest.fixture(scope="module")
def letter_findings(letter):
    """``sentinelle.scan`` of the letter, once: (findings, issues)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SENTINELLE_KEY", "test-key-not-secret")
        mp.setenv("XDG_CONFIG_HOME", str(letter.parent / "xdg"))
        result = sentinelle.scan(letter)
    return result.findings, result.issues


def test_rendered_text(read_path, letter):
    result = read_path(letter)
    assert result.reader == "rtf"
    assert [(u.text, u.offset) for u in result.texts] == [(LETTER_TEXT, 0)]
    assert result.stats["encoding"] == "cp1252"


@pytest.mark.parametrize("entity, value", [
    ("PERSON", "Zoé Lefèvre"),
    ("DATE_OF_BIRTH", "01/02/1984"),
    ("HEALTH_CONDITION", "séropositif"),
    ("FR_NIR", NIR),                 # in the footer
    ("EMAIL_ADDRESS", EMAIL),        # a mailto: field
    ("PHONE_NUMBER", PHONE),         # in a comment
])
def test_findings_span(letter_findings, entity, value):
    findings, issues = letter_findings
    assert issues == []
    assert any(f.entity_type == entity and LETTER_TEXT[f.start:f.end] == value
               for f in findings), [(f.entity_type, f.start, f.end) for f in findings]


@pytest.mark.parametrize("body, expected", [
    ("{\\rtf1\\ansi Z\\'f6e \\'80}", "Zöe €"),                   # cp1252 by default (0x80: €)
    ("{\\rtf1\\ansi\\ansicpg1250 \\'8a\\'e8}", "Šč"),            # the declared code page
    ("{\\rtf1\\ansi\\uc0\\u233\\u8364 }", "é€"),                  # \uc0: no fallback characters
    ("{\\rtf1\\ansi\\uc1\\u-10179?\\u-8704?}", "😀"),              # a surrogate pair: one character
    ("{\\rtf1\\ansi\\uc2\\u233\\'e9\\'e9!}", "é!"),               # \uc2: two fallback bytes skipped
])
def test_escapes(tmp_path, read_path, body, expected):
    path = tmp_path / "e.rtf"
    path.write_bytes(body.encode("ascii"))
    assert "".join(u.text for u in read_path(path).texts) == expected


def test_raw_8bit_bytes_use_the_code_page(tmp_path, read_path):
    # some tools write accented letters as raw cp1252 bytes instead of \'hh escapes
    path = tmp_path / "raw.rtf"
    path.write_bytes("{\\rtf1\\ansi\\ansicpg1252 Zoé Lefèvre œ\\par}".encode("cp1252"))
    assert "".join(u.text for u in read_path(path).texts) == "Zoé Lefèvre œ\n"


def test_truncated_is_scanned_then_reported(tmp_path):
    path = tmp_path / "cut.rtf"
    path.write_bytes((PROLOG + "\\pard Courriel : " + EMAIL + "\\par {\\b NIR").encode("ascii"))
    result = sentinelle.scan(path)
    assert [f.entity_type for f in result.findings] == ["EMAIL_ADDRESS"]  # text before the cut
    [issue] = result.issues
    assert issue.reader == "rtf" and issue.reason.startswith("truncated RTF (2 groups not closed")


DAMAGED = {  # name -> (content, reason)
    "binary.rtf": (b"{\\rtf1\\ansi " + bytes(range(32)) * 100, "binary content, not RTF text"),
    "notrtf.rtf": (b"Bonjour, ceci n'est pas du RTF.", "not an RTF document (no {\\rtf header)"),
}


def test_damaged_one_line_read_error(tmp_path):
    for name, (content, _) in DAMAGED.items():
        (tmp_path / name).write_bytes(content)
    result = sentinelle.scan(tmp_path)
    assert {i.path: (i.reader, i.reason) for i in result.issues} == {
        name: ("rtf", reason) for name, (_, reason) in DAMAGED.items()}


def test_damaged_cli_exit_2(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (content, _) in DAMAGED.items():
        (folder / name).write_bytes(content)
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", str(folder), "--no-db", "--format", "json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    assert sorted(i["path"] for i in json.loads(r.stdout)["issues"]) == sorted(DAMAGED)
    assert len([line for line in r.stderr.splitlines() if line.strip()]) == len(DAMAGED)


@pytest.mark.parametrize("head, path, expected", [
    (b"{\\rtf1\\ansi hello}", "lettre", True),            # magic without suffix
    (b"\xef\xbb\xbf  {\\rtf1 x}", "lettre.txt", True),    # UTF-8 BOM and spaces first
    (b"{\"rtf\": 1}", "a.json", False),                   # JSON is not RTF
    (b"anything", "lettre.RTF", True),                    # suffix: read() reports the problem
])
def test_sniff(head, path, expected):
    assert RtfReader().sniff(head, path) is expected
