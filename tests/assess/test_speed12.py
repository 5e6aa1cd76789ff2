"""Session 12 speed changes of assess (issue 5): the memo of text sections gives the records
the finding-by-finding path gives, the scanner's counts of a text unit, the collector paused
while JSON is decoded and its thresholds during the scan restored. Names, dates and numbers
are synthetic (made up for these tests)."""

from __future__ import annotations

import gc
import json
import pickle
from collections import Counter
from datetime import date

import pyarrow as pa

from sentinelle.assess import _fewer_collections
from sentinelle.assess.records import RECORD_SCHEMA, RecordBuilder, RecordPrep, TextFindings, \
    TextRecords
from sentinelle.finding import Finding, Location
from sentinelle.readers import jsondoc

KEY = b"speed12-test-key"
TODAY = date(2026, 12, 2)
#: a synthetic NIR (sex 1, born 1980-05, department 75): only its shape matters here
NIR = "180057511512345"


def _report(path: str, shift: int, org: bool = True) -> TextFindings:
    """One report of four sections (a header, two patients, a footer), its findings at
    ``shift`` plus the same offsets in every copy; sections 1 and 2 are whole sections."""
    loc = Location(path)

    def t(entity: str, start: int, value: str, normalized: str = "") -> Finding:
        return Finding(entity, shift + start, shift + start + len(value), 1.0, loc,
                       value=value, normalized=normalized)

    found = [t("PERSON", 5, "Jean DUPONT"),
             # section 1: a patient, her doctor (cue "pro"), a sample date, a lab's FINESS
             t("PERSON", 100, "Claire MARTIN"), t("DATE_OF_BIRTH", 130, "12/05/1980",
                                                  "1980-05-12"),
             t("FR_NIR", 160, NIR, NIR), t("PERSON", 200, "Paul BERNARD"),
             t("DATE_TIME", 240, "10/01/2023", "2023-01-10")]
    if org:
        found.append(t("FR_FINESS", 260, "690000880", "690000880"))
    found += [
        # section 2: two persons listed without separator (a second birth date)
        t("PERSON", 400, "Marie DURAND"), t("DATE_OF_BIRTH", 430, "01/02/1970", "1970-02-01"),
        t("PERSON", 460, "Luc PETIT"), t("DATE_OF_BIRTH", 490, "04/04/1944", "1944-04-04"),
        t("DATE_TIME", 520, "03/03/2024", "2024-03-03"),
        # section 3 (the unit's last): a signature
        t("PERSON", 700, "Anne LEROY")]
    n1 = 5 + org  # findings of section 1
    cues = [None, None, None, None, "pro"] + [None] * (len(found) - 5)
    sections = [0] + [1] * n1 + [2] * 5 + [3]
    assert len(sections) == len(found)
    return TextFindings(found, cues, sections, separators=3)


def _records(units: list[TextFindings], prepared: bool):
    out: list[pa.RecordBatch] = []
    b = RecordBuilder(KEY, out.append, today=TODAY)
    prep = RecordPrep(KEY, TODAY)
    for unit in units:
        if prepared:
            got = prep(unit)
            assert isinstance(got, TextRecords)
            b.add(pickle.loads(pickle.dumps(got)))
        else:
            b.add(unit)
        b.end_file(unit[0].location.path)
    b.close()
    return pa.Table.from_batches(out, schema=RECORD_SCHEMA).to_pylist(), b, prep


def test_repeated_sections_give_the_records_of_the_finding_path():
    # the same report in three files (a leak and its copies), at other offsets, then a
    # report whose section 1 differs (no FINESS): a section met before is replayed
    units = [_report("lab/cr.txt", 0), _report("copy/cr_v2.txt", 5000),
             _report("mirror/cr (1).txt", 123), _report("lab/other.txt", 0, org=False)]
    direct, bd, _ = _records(units, prepared=False)
    prepared, bp, prep = _records(units, prepared=True)
    assert prepared == direct  # same records, ids, files, sections, hashes, in order
    assert len(direct) > 0
    assert (bp.period.first, bp.period.last, bp.period.dated_records) == \
        (bd.period.first, bd.period.last, bd.period.dated_records)
    assert bp.month_counts == bd.month_counts
    assert bp.organisations == bd.organisations
    # the FINESS of three reports in two folders' files: counted per folder, 3 findings
    assert sum(v[1] for v in bp.organisations.values()) == 3
    # the worker's memo: sections 1 and 2 of the first report, section 1 of the last
    # (its section 2 was met before): 3 distinct sections kept, the copies replayed
    assert len(prep._builder._sections_memo) == 3


def test_memo_is_bounded_and_dropped_at_close(monkeypatch):
    import sentinelle.assess.records as R

    # a budget of 1,500 bytes: one or two sections' entries (192 bytes counted each, plus
    # their records), so entries are evicted as the sections of the copy come
    monkeypatch.setattr(R, "_SECTION_MEMO_BYTES", 1500)
    units = [_report("lab/cr.txt", 0), _report("copy/cr_v2.txt", 5000)]
    direct, _, _ = _records(units, prepared=False)
    prepared, _, prep = _records(units, prepared=True)
    assert prepared == direct
    assert prep._builder._sections_memo.held <= 1500
    prep._builder.close()
    assert not prep._builder._sections_memo


def test_text_findings_entity_counts():
    units = _report("lab/cr.txt", 0)
    # hand count of _report: 6 PERSON, 3 DATE_OF_BIRTH, 2 DATE_TIME, 1 FR_NIR, 1 FR_FINESS
    assert units.entity_counts() == {"PERSON": 6, "DATE_OF_BIRTH": 3, "DATE_TIME": 2,
                                     "FR_NIR": 1, "FR_FINESS": 1}
    assert Counter(f.entity_type for f in units) == units.entity_counts()


def test_long_json_decoded_with_numbers_as_written_and_collector_restored():
    records = [{"id": i, "dose": "1.50", "value": 1.50, "big": 12345678901234567890}
               for i in range(3000)]
    text = json.dumps(records).replace("1.5,", "1.50,")
    assert len(text) >= jsondoc._GC_PAUSE_CHARS
    assert gc.isenabled()
    doc = jsondoc.loads(text)
    assert gc.isenabled()
    assert doc[7] == {"id": "7", "dose": "1.50", "value": "1.50", "big": "12345678901234567890"}
    gc.disable()
    try:
        jsondoc.loads(text)
        assert not gc.isenabled()  # a caller's paused collector stays paused
    finally:
        gc.enable()


def test_scan_collection_threshold_restored():
    before = gc.get_threshold()
    with _fewer_collections():
        assert gc.get_threshold()[0] >= 50_000
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
