"""HtmlReader: visible text, entities, line breaks between blocks, mailto/tel targets, encodings.

HTML is text: the pages here are small hand-written documents (HTML Living Standard syntax),
encoded with Python's codecs. No library is needed to write them.

Test data is synthetic: the NIR's key follows the NIR rule (97 - first 13 digits mod 97), the
phone number is in the ARCEP range reserved for fiction (04 65 71).
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers.htmldoc import HtmlReader, choose_encoding

NIR13 = "2840275111222"
NIR = f"2 84 02 75 111 222 {97 - int(NIR13) % 97:02d}"
EMAIL = "zoe.lefevre@example.fr"
PHONE = "04 65 71 12 34"
PHONE_E164 = "+33465711234"
BIN = Path(sys.executable).with_name("sentinelle")

PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="{{charset}}">
<title>Dossier de Mme Lef&egrave;vre</title>
<style>p {{{{ color: red }}}}</style>
<script>var secret = "{NIR}";</script></head>
<body><h1>Compte rendu</h1><p>Patiente&nbsp;: Mme Zo&eacute; Lef&#232;vre,
      n&eacute;e le 01/02/1984</p><div>Diagnostic : séropositif VIH</div><div>NIR {NIR}</div>
<p>Écrire à <a href="mailto:{EMAIL}?subject=RDV">la patiente</a> ou
<a href="tel:{PHONE_E164}">l'appeler</a> ; <a href="mailto:{EMAIL}">{EMAIL}</a></p>
<table><tr><th>Nom</th><th>Prénom</th></tr><tr><td>Lefèvre</td><td>Zoé</td></tr></table>
<form><input type="text" name="nom" value="Lefèvre"><input type="submit" value="Envoyer"></form>
<pre>ligne 1
  ligne 2</pre>fin<br>suite</body></html>
"""
# the rendered text by the rules of sentinelle.readers.htmldoc (hand-written from its docstring)
PAGE_TEXT = (
    "Dossier de Mme Lefèvre\n"                    # the title is shown; style/script are not
    "Compte rendu\n"
    "Patiente\xa0: Mme Zoé Lefèvre, née le 01/02/1984\n"  # entities decoded, spaces collapsed
    "Diagnostic : séropositif VIH\n"
    f"NIR {NIR}\n"
    f"Écrire à la patiente <{EMAIL}> ou l'appeler <{PHONE_E164}> ; {EMAIL}\n"  # targets added once
    "Nom\tPrénom\nLefèvre\tZoé\n"                 # cells separated by a tab, rows by a line end
    "Lefèvre\n"                                   # a filled text input (not the submit button)
    "ligne 1\n  ligne 2\n"                        # pre keeps its whitespace
    "fin\nsuite\n"
)


def page(charset: str = "utf-8") -> str:
    return PAGE.format(charset=charset)


@pytest.mark.parametrize("encoding, charset, bom", [
    ("utf-8", "utf-8", b""),
    ("cp1252", "windows-1252", b""),
    ("cp1252", "iso-8859-1", b""),      # Encoding Standard: the latin-1 label means windows-1252
    ("cp1252", "utf-8", b""),           # declared UTF-8 but saved in cp1252: detection decides
    ("utf-16-le", "utf-8", codecs.BOM_UTF16_LE),  # a BOM beats the meta charset
    ("utf-8", "windows-1252", codecs.BOM_UTF8),
])
def test_rendered_text(tmp_path, read_path, encoding, charset, bom):
    path = tmp_path / "dossier.html"
    path.write_bytes(bom + page(charset).encode(encoding))
    result = read_path(path)
    assert result.reader == "html"
    assert "".join(u.text for u in result.texts) == PAGE_TEXT


@pytest.fixture(scope="module")
def page_findings(tmp_path_factory):
    """``sentinelle.scan`` of the page (UTF-8), once."""
    path = tmp_path_factory.mktemp("html") / "dossier.html"
    path.write_text(page(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SENTINELLE_KEY", "test-key-not-secret")
        mp.setenv("XDG_CONFIG_HOME", str(path.parent / "xdg"))
        result = sentinelle.scan(path)
    assert result.issues == []
    return result.findings


@pytest.mark.parametrize("entity, value", [
    ("PERSON", "Zoé Lefèvre"),
    ("DATE_OF_BIRTH", "01/02/1984"),
    ("HEALTH_CONDITION", "séropositif"),
    ("FR_NIR", NIR),
    ("EMAIL_ADDRESS", EMAIL),
    ("PHONE_NUMBER", PHONE_E164),    # the tel: link's target
])
def test_findings_span(page_findings, entity, value):
    assert any(f.entity_type == entity and PAGE_TEXT[f.start:f.end] == value
               for f in page_findings), [(f.entity_type, f.start, f.end) for f in page_findings]


def test_script_content_is_not_scanned(page_findings):
    nirs = [f for f in page_findings if f.entity_type == "FR_NIR"]
    assert len(nirs) == 1  # the one in the body, not the one in <script>


def test_xhtml_and_chunks(tmp_path, read_with):
    # XHTML: XML declaration with its encoding, self-closing tags; chunks cut at line ends
    rows = "".join(f"<p>Ligne {i} : Mme Zo&#233; Lef&#xE8;vre</p><br/>\n" for i in range(300))
    text = ('<?xml version="1.0" encoding="ISO-8859-15"?>\n'
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body>' + rows + "<div/>€</body></html>")
    path = tmp_path / "page.xhtml"
    path.write_bytes(text.encode("iso8859_15"))
    result = read_with(HtmlReader(text_chunk_chars=500), path)
    expected = "".join(f"Ligne {i} : Mme Zoé Lefèvre\n\n" for i in range(300)) + "€\n"
    assert "".join(u.text for u in result.texts) == expected
    assert len(result.texts) > 10
    assert all(u.text.endswith("\n") and len(u.text) <= 500 for u in result.texts)
    assert [u.offset for u in result.texts] == [
        sum(len(v.text) for v in result.texts[:i]) for i in range(len(result.texts))]
    assert result.stats["encoding"] == "iso8859-15"


@pytest.mark.parametrize("head, expected", [
    (b'<meta charset="utf-8">', ("utf-8", 0)),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', ("cp1252", 0)),
    (b'<meta charset="utf-16">', ("utf-8", 0)),     # Encoding Standard: meta UTF-16 is UTF-8
    (b'<meta charset="nonsense">caf\xe9 cr\xe8me', ("cp1252", 0)),  # unknown label: detection
    (codecs.BOM_UTF8 + b'<meta charset="windows-1252">', ("utf-8", 3)),  # BOM first
    (b"\x00\x01\x02\x03" * 200, None),              # binary
])
def test_choose_encoding(head, expected):
    assert choose_encoding(head) == expected


@pytest.mark.parametrize("head, path, expected", [
    (b"<!DOCTYPE html><html><body>x", "export", True),
    (b"\n  <!-- saved page -->\n<HTML>\n<BODY>x", "export.xls", True),  # an "Excel" export
    (b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html>', "a.xml", True),
    (codecs.BOM_UTF16_LE + "<html><body>x".encode("utf-16-le"), "a", True),
    (b"<p>fragment</p>", "fragment.htm", True),    # suffix
    (b"<p>fragment</p>", "fragment.txt", False),   # a fragment in a .txt stays text
    (b"nom;prenom\nA;B\n", "a.csv", False),
])
def test_sniff(head, path, expected):
    assert HtmlReader().sniff(head, path) is expected


def test_html_named_csv_is_read_as_html(tmp_path, read_path):
    path = tmp_path / "export.csv"
    path.write_text("<html><body><table><tr><th>Nom</th><th>NIR</th></tr>"
                    f"<tr><td>Lefèvre</td><td>{NIR}</td></tr></table></body></html>",
                    encoding="utf-8")
    result = read_path(path)
    assert result.reader == "html"
    assert "".join(u.text for u in result.texts) == f"Nom\tNIR\nLefèvre\t{NIR}\n"


def test_binary_named_html(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(bytes(range(32)) * 100)
    result = sentinelle.scan(path)
    assert [(i.reader, i.reason) for i in result.issues] == [("html", "binary content, not HTML")]
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    r = subprocess.run([str(BIN), "scan", str(path), "--no-db", "--format", "json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    assert [i["path"] for i in json.loads(r.stdout)["issues"]] == ["page.html"]
    assert len([line for line in r.stderr.splitlines() if line.strip()]) == 1
