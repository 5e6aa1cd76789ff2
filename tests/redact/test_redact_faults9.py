"""Redaction faults of the session-9 list (item 5), each checked on a file written by a
well-known library or by the standard's own layout:

* an HL7 v2 address's country (PID-11 component 6, an ISO 3166 code from HL7 table 0399) was
  faked as a town (``FRA`` -> a commune name) by ``test-data`` and labelled by ``research``;
* a phone number stored as a number in an XLSX cell (``612345678``: the number type dropped
  the trunk 0; ``33612345678``: no ``+``) got no fake: ``test-data`` wrote the label
  ``<PHONE_NUMBER>`` into the number column.

Synthetic data; fake phone numbers come from the ARCEP fiction blocks (redact/fakes.py:
``06 39 98`` for mobiles, ``01 99 00`` for the Paris zone).
"""

from __future__ import annotations

import re

import openpyxl
import pytest

# HL7 v2.5.1 ADT: segments end with CR (2.6); PID-11 is XAD: street^other^city^state^zip^country
HL7 = ("MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5\r"
       "PID|1||123456^^^LAB^PI||MARTIN^CLAIRE||19850312|F|||"
       "12 RUE DE LA PAIX^^PARIS^^75002^FRA||0612345678\r")


def _pid11(text: str) -> list[str]:
    pid = next(s for s in text.split("\r") if s.startswith("PID|"))
    return pid.split("|")[11].split("^")


@pytest.mark.parametrize("policy", ["test-data", "research", "share"])
def test_hl7_country_code_kept(do_redact, policy):
    out, result = do_redact({"adt.hl7": HL7}, policy)
    assert [f.status for f in result.files] == ["written"]
    xad = _pid11((out / "adt.hl7").read_bytes().decode("utf-8"))
    assert len(xad) == 6 and xad[5] == "FRA"      # the country as written, not a town
    assert xad[0] != "12 RUE DE LA PAIX" and xad[2] != "PARIS"  # street and city replaced


def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nom", "telephone", "portable"])
    ws.append(["MARTIN", 612345678, 33612345678])   # 06 12 34 56 78 and +33 6 12 34 56 78
    ws.append(["DURAND", 145678901, 33145678901])   # 01 45 67 89 01 (Paris zone)
    wb.save(path)


def _rows(path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_xlsx_number_phone_faked_as_a_number(do_redact, tmp_path):
    _workbook(tmp_path / "p.xlsx")
    out, result = do_redact({"p.xlsx": (tmp_path / "p.xlsx").read_bytes()}, "test-data")
    assert [f.status for f in result.files] == ["written"]
    rows = _rows(out / "p.xlsx")
    assert rows[0] == ("nom", "telephone", "portable")
    (m1, p1), (m2, p2) = rows[1][1:], rows[2][1:]
    for cell in (m1, p1, m2, p2):
        assert isinstance(cell, int)               # still a number, not a label
    # the fiction block of the original's zone, the digits layout kept (9 or 11 digits)
    assert re.fullmatch(r"63998\d{4}", str(m1)) and re.fullmatch(r"3363998\d{4}", str(p1))
    assert re.fullmatch(r"19900\d{4}", str(m2)) and re.fullmatch(r"3319900\d{4}", str(p2))
    # the same number gets the same fake in both forms (keyed on the normalised number)
    assert str(p1)[2:] == str(m1)


def test_xlsx_number_phone_labelled_by_share(do_redact, tmp_path):
    _workbook(tmp_path / "p.xlsx")
    out, _ = do_redact({"p.xlsx": (tmp_path / "p.xlsx").read_bytes()}, "share")
    rows = _rows(out / "p.xlsx")
    assert [r[1:] for r in rows[1:]] == [("<PHONE_NUMBER>", "<PHONE_NUMBER>")] * 2


def test_hl7_country_alone_is_replaced(do_redact):
    """An address field holding only its country (``^^^^^USA``, as NK1-4 in the CDC corpus
    ../shared/corpus/hl7v2/cdc_trusted_intermediary/LA/001_LA_ORM_O01_NBS.hl7) is a finding of
    that country alone: kept, it would be an original value left in the re-scan."""
    message = ("MSH|^~\\&|LAB|FAC|APP|FAC|20240101||ADT^A01|1|P|2.5\r"
               "PID|1||123456^^^LAB^PI||MARTIN^CLAIRE||19850312|F\r"
               "NK1|1|MARTIN^PAUL^^^^^L|FTH^Father^HL70063|^^^^^USA^H^^\r")
    out, result = do_redact({"adt.hl7": message}, "research")
    assert [f.status for f in result.files] == ["written"]
    assert result.risk.leak_count == 0
    text = (out / "adt.hl7").read_bytes().decode("utf-8")
    nk1 = next(s for s in text.split("\r") if s.startswith("NK1|"))
    assert "USA" not in nk1 and nk1.split("|")[4].count("^") == 8
