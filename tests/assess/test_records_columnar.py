"""The column-wise record builder (table FindingBatches) gives the same person records as the
finding-by-finding one, and the cues read by TappedPipeline travel with the findings (also
through pickling, as to --jobs workers). Identifiers are synthetic with valid keys."""

from __future__ import annotations

import pickle
from datetime import date

import pyarrow as pa
import pytest

from sentinelle.assess.records import RECORD_SCHEMA, CuedBatch, RecordBuilder, RecordPrep, \
    TableRecords, TappedPipeline, TextFindings, TextRecords
from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.finding import Finding, FindingBatch, Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

KEY = b"test-key-not-secret"
# 1 80 05 75 123 456 | key 27 (97 - 1800575123456 mod 97): a man born in May 1980 in Paris
NIR = "180057512345627"
# 2 15 09 75 123 456 | key 25 (97 - 2150975123456 mod 97): a girl born in September 2015 (her own NIR)
CHILD_NIR = "215097512345625"
# 75000001 + Luhn check digit 0: a synthetic FINESS number
FINESS = "750000010"
TODAY = date(2026, 1, 1)


def _f(entity: str, row: int, column: str, value: str, normalized: str = "", start: int = 0,
       path: str = "labo/patients.csv") -> Finding:
    return Finding(entity, start, start + len(value), 1.0, Location(path, row, column),
                   value=value, normalized=normalized)


# one finding list per table; (findings, cues) in row, column, offset order
ROWS = [
    # row 0: subject from name columns, birth date, own NIR, phone, postcode; its GP (column
    # header names a professional) with an RPPS number; a sample date; the lab's FINESS
    ([_f("PERSON", 0, "nom", "DUPONT"), _f("PERSON", 0, "prenom", "Jean"),
      _f("DATE_OF_BIRTH", 0, "ddn", "12/05/1980", "1980-05-12"),
      _f("FR_NIR", 0, "nir", NIR, NIR), _f("PHONE_NUMBER", 0, "tel", "06 12 34 56 78", "+33612345678"),
      _f("FR_POSTAL_CODE", 0, "cp", "75012", "75012"),
      _f("PERSON", 0, "medecin", "Dr Sarah RABELLE"), _f("FR_RPPS", 0, "rpps_medecin", "10992101120", "10992101120"),
      _f("DATE_TIME", 0, "date_prel", "2023-01-10", "2023-01-10"),
      _f("FR_FINESS", 0, "finess", FINESS, FINESS)],
     None),
    # row 1: a comment naming the GP after a title (a professional) and a relative after a
    # label (another person); a future date is no record date
    ([_f("PERSON", 1, "nom", "DUPONT"), _f("PERSON", 1, "prenom", "Léa"),
      _f("DATE_OF_BIRTH", 1, "ddn", "03/09/2015", "2015-09-03"), _f("FR_NIR", 1, "nir", CHILD_NIR, CHILD_NIR),
      _f("PERSON", 1, "commentaire", "Jean Martin", start=8),
      _f("PERSON", 1, "commentaire", "Marie Durand", start=40),
      _f("DATE_TIME", 1, "date_prel", "2099-01-01", "2099-01-01")],
     [None, None, None, None, "pro", "other", None]),
    # row 2: names only in a relative's columns and no other name: they are the subject's
    ([_f("PERSON", 2, "nom_assure", "BERNARD Paul"), _f("EMAIL_ADDRESS", 2, "email", "p.b@example.org", "p.b@example.org")],
     None),
    # row 3: a named subject and a relative's name: the relative is a mentioned person
    ([_f("PERSON", 3, "nom", "Martin Claire"), _f("PERSON", 3, "contact urgence", "Paul MARTIN"),
      _f("DATE_TIME", 3, "date_prel", "2021-06-30", "2021-06-30")],
     None),
    # row 4: a birth date alone identifies nobody; a lone first name in a comment is not counted
    ([_f("DATE_OF_BIRTH", 4, "ddn", "01/01/1990", "1990-01-01"),
      _f("PERSON", 4, "commentaire", "Léa", start=5)],
     [None, "other"]),
    # row 5 in another file: an e-mail alone makes a countable subject
    ([_f("EMAIL_ADDRESS", 5, "mail", "x.y@example.org", "x.y@example.org", path="b/extract.csv")],
     None),
]


def _records(builder_add) -> list[dict]:
    out: list[pa.RecordBatch] = []
    b = RecordBuilder(KEY, out.append, today=TODAY)
    builder_add(b)
    b.close()
    rows = pa.Table.from_batches(out, schema=RECORD_SCHEMA).to_pylist()
    paths = {v: k for k, v in b.files.items()}
    for r in rows:  # rid order and file ids depend on the order of work; fp on the method
        r.pop("rid")
        r.pop("fp")
        r["file_id"] = paths[r["file_id"]]
    return sorted(rows, key=repr), b


def _by_finding(b: RecordBuilder) -> None:
    for found, cues in ROWS:
        b.add(TextFindings(found, cues or ()))


def _by_column(b: RecordBuilder) -> None:
    for found, cues in ROWS:
        b.add(CuedBatch(FindingBatch.from_findings(found).table, cues))


def test_column_wise_records_equal_finding_by_finding():
    slow, bs = _records(_by_finding)
    fast, bf = _records(_by_column)
    assert fast == slow
    assert (bf.period.first, bf.period.last, bf.period.dated_records) == \
        (bs.period.first, bs.period.last, bs.period.dated_records) == ("2021-06-30", "2023-01-10", 2)
    assert bf.month_counts == bs.month_counts == {"2021-06": 1, "2023-01": 1}
    assert bf.organisations == bs.organisations


def test_column_wise_records_by_hand():
    fast, _b = _records(_by_column)
    roles = sorted((r["file_id"], r["row"], r["role"]) for r in fast)
    assert roles == [
        ("b/extract.csv", 5, "patient"),
        ("labo/patients.csv", 0, "health_professional"),   # the GP column
        ("labo/patients.csv", 0, "patient"),
        ("labo/patients.csv", 1, "health_professional"),   # "Dr" before the name in a comment
        ("labo/patients.csv", 1, "other"),                 # a relative's label before it
        ("labo/patients.csv", 1, "patient"),
        ("labo/patients.csv", 2, "patient"),               # the insured's name is the subject's
        ("labo/patients.csv", 3, "other"),                 # emergency contact next to a subject
        ("labo/patients.csv", 3, "patient"),
    ]
    row0 = next(r for r in fast if r["row"] == 0 and r["role"] == "patient")
    assert (row0["dept"], row0["nir_own"], row0["minor"], row0["months"]) == \
        ("75", True, False, ["2023-01"])
    row1 = next(r for r in fast if r["row"] == 1 and r["role"] == "patient")
    # her own NIR (2015-09) agrees with her birth date; a minor on 2026-01-01
    assert (row1["nir_own"], row1["minor"], row1["months"]) == (True, True, None)



@pytest.fixture(scope="module")
def tapped() -> TappedPipeline:
    config = Config()
    return TappedPipeline(Pipeline(build(config.entities, config), config))


def test_tapped_pipeline_cues_comment_cells(tapped):
    header = ("nom", "prenom", "commentaire")
    batch = TableBatch(0, [["DUPONT", "MARTIN"], ["Jean", "Claire"],
                           ["Appeler Dr Sarah Rabelle si anomalie.", "RAS"]])
    unit = TableUnit(Location("t.csv"), header, iter([batch]))
    (found,) = list(tapped.analyze_table(unit))
    assert isinstance(found, CuedBatch)
    cues = {(f.location.row, f.location.column, f.value): c for f, c in zip(found, found.cues)}
    assert cues[(0, "commentaire", "Sarah Rabelle")] == "pro"
    assert cues[(0, "nom", "DUPONT")] is None  # a name column: no cue needed
    again = pickle.loads(pickle.dumps(found))  # as sent back by a --jobs worker
    assert again.cues == found.cues and again.table.equals(found.table)


def test_tapped_pipeline_text_sections_and_labs(tapped):
    text = (f"LABO BIOSANTE PARIS - FINESS {FINESS}\n"
            "Patient : DUPONT Jean  DDN : 12/05/1980\n"
            "Prescripteur : Dr Sarah Rabelle\n"
            "----------\n"
            "Patient : MARTIN Claire  DDN : 01/02/1970\n")
    found = tapped.analyze_text(text, Location("cr.txt"))
    assert isinstance(found, TextFindings)
    by_value = {f.value: (c, s) for f, c, s in zip(found, found.cues, found.sections)}
    assert by_value["Sarah Rabelle"] == ("pro", 0)
    assert by_value["MARTIN Claire"][1] == 1  # after the separator line
    assert found.separators == 1 and found.labs == ["LABO BIOSANTE PARIS"]
    again = pickle.loads(pickle.dumps(found))
    assert (again.cues, again.sections, again.labs) == (found.cues, found.sections, found.labs)


def _by_prep(b: RecordBuilder) -> None:
    # what `assess --jobs N` does: the table records are built by RecordPrep in a worker (here a
    # pickled copy, as a worker that does not fork receives it), the builder only numbers them
    prep = pickle.loads(pickle.dumps(RecordPrep(KEY, TODAY)))
    for found, cues in ROWS:
        got = prep(CuedBatch(FindingBatch.from_findings(found).table, cues))
        assert isinstance(got, TableRecords)
        b.add(pickle.loads(pickle.dumps(got)))


def test_records_prepared_in_workers_equal_finding_by_finding():
    slow, bs = _records(_by_finding)
    prepared, bp = _records(_by_prep)
    assert prepared == slow
    assert (bp.period.first, bp.period.last, bp.period.dated_records) == \
        ("2021-06-30", "2023-01-10", 2)
    assert bp.month_counts == bs.month_counts
    assert bp.organisations == bs.organisations
    assert sorted(bp.files) == ["b/extract.csv", "labo/patients.csv"]


def test_record_prep_passes_text_and_hides_its_key():
    prep = RecordPrep(KEY, TODAY)
    text = TextFindings([_f("PERSON", 0, "nom", "Jean DUPONT")])
    assert prep(text) is text  # text records span units: built by the main process
    assert KEY.decode() not in repr(prep)


def _text_units() -> list[TextFindings]:
    """Two units of one report (a text split in pieces, as with --jobs): the first has
    sections 0-2 and its last section goes on in the second unit (local sections 0-2 again,
    file sections 2-4). Offsets are the file's."""
    loc = Location("labo/cr.txt")

    def t(entity: str, start: int, value: str, normalized: str = "") -> Finding:
        return Finding(entity, start, start + len(value), 1.0, loc, value=value,
                       normalized=normalized)

    first = TextFindings(
        [t("PERSON", 10, "Jean DUPONT"), t("DATE_OF_BIRTH", 30, "12/05/1980", "1980-05-12"),
         t("PERSON", 100, "Claire MARTIN"), t("FR_NIR", 130, NIR, NIR),
         t("PERSON", 160, "Sarah RABELLE"), t("DATE_TIME", 190, "10/01/2023", "2023-01-10"),
         t("PERSON", 300, "Paul BERNARD"), t("DATE_OF_BIRTH", 330, "03/09/2015", "2015-09-03")],
        cues=[None, None, None, None, "pro", None, None, None],
        sections=[0, 0, 1, 1, 1, 1, 2, 2], separators=2)
    second = TextFindings(
        [t("FR_NIR", 1010, CHILD_NIR, CHILD_NIR),
         t("PERSON", 1100, "Marie DURAND"), t("DATE_OF_BIRTH", 1130, "01/02/1970", "1970-02-01"),
         t("PERSON", 1200, "Luc PETIT"), t("DATE_OF_BIRTH", 1230, "04/04/1944", "1944-04-04")],
        cues=[None] * 5, sections=[0, 1, 1, 2, 2], separators=2)
    return [first, second]


def _text_records(prepared: bool) -> tuple[list[dict], RecordBuilder]:
    out: list[pa.RecordBatch] = []
    b = RecordBuilder(KEY, out.append, today=TODAY)
    prep = pickle.loads(pickle.dumps(RecordPrep(KEY, TODAY)))
    for unit in _text_units():
        if prepared:
            got = prep(unit)
            assert isinstance(got, TextRecords)  # its middle section built by the worker
            b.add(pickle.loads(pickle.dumps(got)))
        else:
            b.add(unit)
    b.close()
    return pa.Table.from_batches(out, schema=RECORD_SCHEMA).to_pylist(), b


def test_text_records_prepared_in_workers_equal_main_process():
    direct, bd = _text_records(prepared=False)
    prepared, bp = _text_records(prepared=True)
    assert prepared == direct  # same records, same ids, same order
    assert (bp.period.first, bp.period.last, bp.period.dated_records) == \
        (bd.period.first, bd.period.last, bd.period.dated_records) == \
        ("2023-01-10", "2023-01-10", 1)
    assert bp.month_counts == bd.month_counts == {"2023-01": 1}
    # one record per person of each section; Paul's section spans both units: his birth date
    # (first unit) and NIR (second unit) are one record
    assert [(r["section"], r["role"]) for r in prepared] == [
        (0, "patient"), (1, "patient"), (1, "health_professional"), (2, "patient"),
        (3, "patient"), (4, "patient")]
    paul = prepared[3]
    assert paul["dob"] is not None and paul["nir"] is not None
