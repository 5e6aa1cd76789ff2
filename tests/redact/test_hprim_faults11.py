"""``sentinelle redact`` of HPRIM files, session 11 faults.

1. A comment record (``C``) written over several plain lines (no ``A|`` head; the reader joins
   them with a line break) made the whole file refused ("a finding could not be placed back in
   the output: file not written"): the HL7 writer's edits rewrite a whole field piece, and the
   piece held the line break. Now each replacement goes on the line its finding lies on; the
   line count, line ends and the text between the findings are kept.
2. The town of an HPRIM Net header's line 6 ("75012 PARIS") was kept while its postcode was
   replaced.

Synthetic data written here (made-up names, address and phone number; ISO 8859-1 as HPRIM
files usually are).
"""

from __future__ import annotations

import re

import pytest

from sentinelle.readers.hl7v2 import Delimiters
from sentinelle.redact.engine import Unplaced
from sentinelle.redact.writers.hprim import _Record, _replaced_spans

# the C record's comment (C-4) goes on over two plain lines; %s: what joins the physician's name
# to "cabinet" (an escaped field separator \F\, or the word "et": the escaped and the plain way
# of rewriting a piece)
WRAPPED = (
    "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
    "P|1|IPP4242|||DUPONT^JEAN||19500101|M\r\n"
    "OBR|1|D42||GLU^Glycémie\r\n"
    "C|1|L|Compte rendu transmis au Dr Paul LEFEVRE %s cabinet\r\n"
    "Patiente Jeanne MARTIN, domiciliée 12 rue de la Paix 75002 PARIS,\r\n"
    "joignable au 06 12 34 56 78.|G\r\n"
    "L|1|N\r\n"
)
# every finding of the comment is after the first line break but LEFEVRE
WRAPPED_VALUES = ["LEFEVRE", "Jeanne", "MARTIN", "12 rue de la Paix", "75002", "PARIS",
                  "06 12 34 56 78", "DUPONT", "JEAN", "19500101"]

NET = (
    "IPP4242\r\n"
    "DUPONT\r\n"
    "JEANNE\r\n"
    "12 rue de la Paix\r\n"
    "\r\n"
    "75012 PARIS CEDEX 12\r\n"
    "12/03/1985\r\n"
    "Texte du compte rendu.\r\n"
    "****FIN****\r\n"
    "D2024-0043\r\n"
    "MARTIN\r\n"
    "LUC\r\n"
    "3 place du Marche\r\n"
    "\r\n"
    "MARSEILLE 13001\r\n"
    "01/02/1970\r\n"
    "****FIN****\r\n"
    "****FINFICHIER****\r\n"
)
NET_VALUES = ["IPP4242", "DUPONT", "JEANNE", "12 rue de la Paix", "75012", "PARIS",
              "12/03/1985", "D2024-0043", "MARTIN", "3 place du Marche", "13001", "MARSEILLE"]


def _left(values: list[str], text: str) -> list[str]:
    return [v for v in values if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text)]


def _eols(data: bytes) -> list[bytes]:
    return [line[len(line.rstrip(b"\r\n")):] for line in data.splitlines(keepends=True)]


@pytest.mark.parametrize("join", ["\\F\\", "et"])
@pytest.mark.parametrize("policy", ["research", "share", "test-data"])
def test_wrapped_comment_redacted_lines_kept(do_redact, policy, join):
    """Before: status "error: a finding could not be placed back in the output", no file."""
    original = (WRAPPED % join).encode("latin-1")
    out, result = do_redact({"wrapped.hpr": original}, policy)
    assert [(f.status, f.reader) for f in result.files] == [("written", "hprim")]
    data = (out / "wrapped.hpr").read_bytes()
    assert _eols(data) == _eols(original) == [b"\r\n"] * 7          # 7 lines, CRLF each
    text = data.decode("latin-1")                                    # ISO 8859-1 kept
    assert _left(WRAPPED_VALUES, text) == []
    lines = text.split("\r\n")
    # the text between the findings stays on its own line
    assert lines[3].startswith("C|1|L|Compte rendu transmis au Dr ")
    assert lines[3].endswith(f" {join} cabinet")
    assert lines[4].startswith("Patiente ") and ", domiciliée " in lines[4]
    assert lines[4].endswith(",")
    assert lines[5].startswith("joignable au ") and lines[5].endswith(".|G")
    assert [l.split("|")[0] for l in lines[:7]] == ["H", "P", "OBR", "C", lines[4].split("|")[0],
                                                    lines[5].split("|")[0], "L"]
    assert lines[4].count("|") == 0 and lines[5].count("|") == 1     # still no new field
    assert (result.risk.leak_count, result.risk.validated_count) == (0, 0)


def test_span_across_the_break_split_by_line():
    """Hand-worked: line 1 ``C|1|L|tel 06 98 76`` (18 characters, then CRLF), line 2
    ``54 32 soir``; the phone number ``06 98 76\\n54 32`` (14 characters in the joined record,
    hex e) replaced by ``<PHONE>``: written on line 1 over ``06 98 76`` (file offsets 10-18),
    ``54 32`` removed from line 2 (offsets 20-25); the line break stays."""
    d = Delimiters.from_astm("H|~^\\&|")
    line1, line2 = "C|1|L|tel 06 98 76", "54 32 soir"
    record = _Record("C", line1, 0)
    record.extend("\n", line2, len(line1) + 2)
    piece = "tel 06 98 76\n54 32 soir"
    a = record.text.index(piece)
    assert a == 6 and record.crosses(a, a + len(piece))
    marked = "tel \ue010e\ue012<PHONE>\ue011 soir"
    spans = _replaced_spans(piece, marked, d)
    assert spans == [(4, 18, "<PHONE>")]
    edits = [e for lo, hi, new in spans for e in record.place(a + lo, a + hi, new)]
    assert edits == [(10, 18, "<PHONE>"), (20, 25, "")]
    file_text = line1 + "\r\n" + line2 + "\r\n"
    for lo, hi, new in sorted(edits, reverse=True):
        file_text = file_text[:lo] + new + file_text[hi:]
    assert file_text == "C|1|L|tel <PHONE>\r\n soir\r\n"


def test_escaped_piece_spans_map_to_raw():
    """In a piece with an escape (``\\F\\`` is one decoded ``|``), a replacement after it
    lands on the raw characters: ``a \\F\\ Jean\\nDUPONT`` -> ``Jean`` is raw 6-10 (``a`` 0,
    space 1, ``\\F\\`` 2-4, space 5)."""
    d = Delimiters.from_astm("H|~^\\&|")
    raw = "a \\F\\ Jean\nDUPONT"
    # decoded: "a | Jean\nDUPONT", Jean at 4-8; the rewrite is escaped again as a whole
    marked = "a \\F\\ \ue0104\ue012P\\S\\X\ue011\nDUPONT"
    assert _replaced_spans(raw, marked, d) == [(6, 10, "P\\S\\X")]


def test_text_that_does_not_match_is_refused():
    d = Delimiters.from_astm("H|~^\\&|")
    with pytest.raises(Unplaced):
        _replaced_spans("tel 06\n54 soir", "tel \ue0102\ue012X\ue011\n54 matin", d)


@pytest.mark.parametrize("policy", ["research", "test-data"])
def test_net_header_town_replaced_with_postcode(do_redact, policy):
    """Before: line 6 ``75012 PARIS CEDEX 12`` came out ``75*** PARIS CEDEX 12`` (research)."""
    original = NET.encode("latin-1")
    out, result = do_redact({"cr.hpr": original}, policy)
    assert [(f.status, f.reader) for f in result.files] == [("written", "hprim")]
    data = (out / "cr.hpr").read_bytes()
    assert _eols(data) == _eols(original)
    text = data.decode("latin-1")
    assert _left(NET_VALUES, text) == []
    lines = text.split("\r\n")
    for k in (8, 16, 17):
        assert lines[k] == NET.split("\r\n")[k]                        # markers kept
    # line 6 of each report keeps a postcode and a town, in their order
    assert re.fullmatch(r"\d\d(\d{3}|\*\*\*) \S.*", lines[5]), lines[5]
    assert re.fullmatch(r"\S.* \d\d(\d{3}|\*\*\*)", lines[14]), lines[14]
    assert (result.risk.leak_count, result.risk.validated_count) == (0, 0)
