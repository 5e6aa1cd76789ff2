"""``sentinelle redact`` of HPRIM Santé files (session 9 fault list, item 1: they were scanned but
"hprim files cannot be written back: not copied"). The redacted copy keeps the format: lines,
line ends, record types, field counts, markers, encoding (ISO 8859-1); the identifiers are
replaced per policy and the copy reads back with the same reader.

Synthetic data: the NIR 1 85 05 78 006 084 91 has a valid key (97 - (1850578006084 mod 97) =
91, as in tests/readers/test_readers_hprim.py); phone numbers and names are made up. Corpus:
../shared/corpus/hprim/hprimtool (MIT, fictitious persons, see its SOURCE.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sentinelle.readers.base import Source, TableUnit, TextUnit
from sentinelle.readers.hprim import HprimReader
from tests.conftest import shared_dir

CORPUS = shared_dir() / "corpus" / "hprim" / "hprimtool"

# HPRIM Santé 2.2 records (ASTM E1394 numbering: field 1 is the record type). The C record is
# cut at "06 98 76" and continued on an A| line (HPRIM Santé cuts records at 220 characters):
# the phone number spans the cut. P-11 is street^city^state^zip^country (ASTM E1394 8.1.7).
RECORDS = (
    "H|~^\\&|||LBM^Laboratoire|||||DEST^Cabinet||P|H2.2|20240102\r\n"
    "P|1|IPP42|NDA7781|185057800608491|DUPONT^JEAN^PIERRE|MOREAU|19500101|M||"
    "12 rue de la Paix^PARIS^^75002^FRA||06 12 34 56 78|1234^MARTIN^PAUL\r\n"
    "OBR|1|D42||GLU^Glycémie\r\n"
    "OBX|1|NM|GLU^Glycémie||1.05|g/L|0.74-1.06|N\r\n"
    "C|1|L|Patiente à rappeler, sa fille Chloé \\F\\ au 06 98 76\r\n"
    "A| 54 32, le soir|G\r\n"
    "L|1|N\r\n"
    "H|~^\\&|||LBM\r\n"
    "P|1|IPP43|||BERNARD^LUC||19700201|M\r\n"
    "L|1|N\r\n"
)
RECORD_VALUES = ["DUPONT", "JEAN", "PIERRE", "MOREAU", "185057800608491", "19500101",
                 "12 rue de la Paix", "06 12 34 56 78", "06 98 76", "54 32", "BERNARD",
                 "19700201", "MARTIN", "Chloé"]

# HPRIM Net: the 12-line header (1 file number, 2 NOM, 3 PRENOM, 4-5 address, 6 postcode and
# town, 7 birth date, 8 NIR, 9 request number, 10 sampling date, 11 sender, 12 recipient),
# the report, ****LAB****, RES| lines, ****FIN****; a second report; ****FINFICHIER****.
NET = (
    "D2024-0042\r\n"
    "DUPONT\r\n"
    "JEANNE\r\n"
    "12 rue de la Paix\r\n"
    "\r\n"
    "75002 PARIS\r\n"
    "12/03/1985\r\n"
    "2 85 03 75 002 123 74\r\n"
    "260624HE0103\r\n"
    "15/02/2024\r\n"
    "LBM001     Laboratoire Biomed\r\n"
    "MEDDR      Dr Paul LEFEVRE\r\n"
    "Mme Jeanne DUPONT, prélevée le 15/02/2024, joignable au 06 12 34 56 78.\r\n"
    "****LAB****\r\n"
    "RES|HEMOGLOBINE|NF 030|N|14.8|g/dL|12.9|16.7|N|F\r\n"
    "TEX|Contrôle conseillé à distance.\r\n"
    "****FIN****\r\n"
    "Résultats de M. Luc BERNARD, né le 01/02/1970 : normaux.\r\n"
    "****FIN****\r\n"
    "****FINFICHIER****\r\n"
)
# NIR 2 85 03 75 002 123: key 97 - (2850375002123 mod 97) = 74
NET_VALUES = ["D2024-0042", "DUPONT", "JEANNE", "12 rue de la Paix", "12/03/1985",
              "2 85 03 75 002 123 74", "06 12 34 56 78", "LEFEVRE", "BERNARD", "01/02/1970"]


def _left(values: list[str], text: str) -> list[str]:
    """The ``values`` still in ``text`` as whole words (a fake name may hold another name:
    ``JEANNE`` or ``JEAN-BENOIT`` is not ``JEAN`` left)."""
    return [v for v in values if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text)]


def _source(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: open(path, "rb"), path)


def _units(path: Path) -> list:
    out = []
    for unit in HprimReader().read(_source(path), {}):
        if isinstance(unit, TableUnit):
            batches = list(unit.batches)
            cells = dict(zip(unit.header, (c[0] for c in batches[0].columns)))
            out.append(("table", unit.location.sheet, batches[0].first_row, cells))
        else:
            assert isinstance(unit, TextUnit)
            out.append(("text", unit.offset, unit.text))
    return out


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _eol(line: bytes) -> bytes:
    return line[len(line.rstrip(b"\r\n")):]


@pytest.mark.parametrize("policy", ["research", "share", "test-data"])
def test_records_redacted_format_kept(do_redact, policy):
    original = RECORDS.encode("latin-1")
    out, result = do_redact({"resultats.hpr": original}, policy)
    assert [(f.status, f.reader) for f in result.files] == [("written", "hprim")]
    data = (out / "resultats.hpr").read_bytes()
    before, after = _lines(original), _lines(data)
    assert len(after) == len(before)
    assert [_eol(l) for l in after] == [b"\r\n"] * len(before)           # CRLF kept
    # record types and field counts, line by line (the A| line stays a continuation)
    assert [(l.split(b"|")[0], l.count(b"|")) for l in after] == \
           [(l.split(b"|")[0], l.count(b"|")) for l in before]
    assert b"Glyc\xe9mie" in data                                           # ISO 8859-1 kept
    text = data.decode("latin-1")
    assert _left(RECORD_VALUES, text) == []
    p = text.splitlines()[1].split("|")
    assert p[10].split("^")[4] == "FRA"                   # the country code is kept
    assert p[10].count("^") == 4 and p[5].count("^") == 2  # address and name keep their shape
    # the copy reads back as the same messages and records
    units = _units(out / "resultats.hpr")
    assert [(u[1], u[2]) for u in units] == [
        ("H[1]", 0), ("P[1]", 0), ("OBR[1]", 0), ("OBX[1]", 0), ("C[1]", 0), ("L[1]", 0),
        ("H[1]", 1), ("P[1]", 1), ("L[1]", 1)]
    assert units[4][3]["C-4"].endswith(", le soir")  # the text after the cut is kept


def test_records_fake_phone_across_the_cut(do_redact):
    """The phone number cut by the A| line is replaced whole: the fake (ARCEP fiction block
    06 39 98, redact/fakes.py) on the first line, the rest of the number removed from the
    A| line, so the joined record holds one fake number."""
    out, _ = do_redact({"r.hpr": RECORDS.encode("latin-1")}, "test-data")
    c4 = _units(out / "r.hpr")[4][3]["C-4"]
    assert re.fullmatch(r"Patiente à rappeler, sa fille \S+ \| au 06 39 98 \d\d \d\d, le soir",
                        c4), c4


def test_net_reports_redacted_in_place(do_redact):
    original = NET.encode("latin-1")
    out, result = do_redact({"cr.hpm": original}, "research")
    assert [(f.status, f.reader) for f in result.files] == [("written", "hprim")]
    data = (out / "cr.hpm").read_bytes()
    before, after = _lines(original), _lines(data)
    assert len(after) == len(before) and [_eol(l) for l in after] == [_eol(l) for l in before]
    text = data.decode("latin-1")
    assert _left(NET_VALUES, text) == []
    assert (result.risk.leak_count, result.risk.validated_count) == (0, 0)
    lines = text.split("\r\n")
    for k in (13, 16, 18, 19):  # ****LAB****, ****FIN****, ****FIN****, ****FINFICHIER****
        assert lines[k] == NET.split("\r\n")[k]
    assert lines[14] == "RES|HEMOGLOBINE|NF 030|N|14.8|g/dL|12.9|16.7|N|F"  # kept by research
    # research cuts the birth date to the year; the header's 7th line stays date-shaped (the
    # reader knows a header by it): day and month written 00, as INSEE for an incomplete date
    assert lines[6] == "00/00/1985"
    assert lines[5].startswith("75***")           # postcode cut to the department
    # the sender's and recipient's code stay where they were, names replaced in place
    assert lines[10].startswith("LBM001     ") and lines[11].startswith("MEDDR      ")
    # one report, one shift: the header's sampling date and the same date in its text move
    # together (keyed by the report's NIR)
    shifted = lines[9]
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", shifted) and shifted != "15/02/2024"
    assert f"le {shifted}," in lines[12]
    # the copy reads back: header table, report text, RES lines, second report
    kinds = [(u[0], u[1] if u[0] == "table" else None) for u in _units(out / "cr.hpm")]
    assert kinds == [(k, s) for k, s in ((u[0], u[1] if u[0] == "table" else None)
                                         for u in _units_of(original))]


def _units_of(data: bytes) -> list:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.hpm"
        path.write_bytes(data)
        return _units(path)


# by hand, from the files (see SOURCE.md): the identifying values of each fixture
CORPUS_VALUES = {
    "header-solabio.hpm": ["DUPONT", "JEAN", "1 rue de la Test", "01/01/1950",
                           "1500176000000 00", "MARTIN PAUL"],
    "text.hpr": ["A250513068", "MARTIN", "DENISE", "12 RUE DU TEST", "14/03/1957"],
    "pipes.hpr": [],      # RES|/TEX| lines only: lab results, kept by the research policy
    "tags.hpr": [],
    "test-file.hpr": [],
}


@pytest.mark.parametrize("name", sorted(CORPUS_VALUES))
def test_corpus_hprim_redacted(do_redact, name):
    original = (CORPUS / name).read_bytes()
    out, result = do_redact({name: original}, "research")
    assert [(f.status, f.reader) for f in result.files] == [("written", "hprim")]
    data = (out / name).read_bytes()
    before, after = _lines(original), _lines(data)
    assert len(after) == len(before) and [_eol(l) for l in after] == [_eol(l) for l in before]
    text = data.decode("utf-8")
    assert _left(CORPUS_VALUES[name], text) == []
    for a, b in zip(before, after):  # markers and RES|/TEX| lines as they were
        if a.startswith((b"****", b"RES|", b"TEX|")):
            assert a == b
    assert len(_units(out / name)) == len(_units(CORPUS / name))
    assert (result.risk.leak_count, result.risk.validated_count) == (0, 0)


def test_cli_redacts_an_hprim_file(cli, tmp_path):
    """Before session 9: "skipped: text.hpr: hprim files cannot be written back: not copied"
    and no file."""
    (tmp_path / "text.hpr").write_bytes((CORPUS / "text.hpr").read_bytes())
    r = cli("redact", "text.hpr", "--out", "o", "--policy", "research", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"cannot be written back" not in r.stderr + r.stdout
    out = (tmp_path / "o" / "text.hpr").read_bytes()
    assert b"DENISE" not in out and out.count(b"\n") == (tmp_path / "text.hpr").read_bytes().count(b"\n")
