"""EmailDetector: practical RFC 5322 addresses, linear time, cases of ../shared/cases."""

from __future__ import annotations

import time

import polars as pl
import pytest

from sentinelle.detectors.base import fold_header
from sentinelle.detectors.email import EmailDetector
from sentinelle.finding import Location
from sentinelle.readers.base import TableBatch, TableUnit

DET = EmailDetector()


def test_pb002_three_addresses(expected, analyze):
    # pb-002: whitespace-separated addresses are three findings, none merged or dropped
    text, spans = expected("pb-002", "EMAIL_ADDRESS")
    assert analyze(text, "EMAIL_ADDRESS") == spans


@pytest.mark.parametrize("text, span", [
    ("jean.dupont@example.org", "jean.dupont@example.org"),              # plain
    ("Mail: <Jean.Dupont@Example.ORG>.", "Jean.Dupont@Example.ORG"),     # brackets, sentence end
    ("secretariat+labo@chu.exemple.fr,", "secretariat+labo@chu.exemple.fr"),  # plus tag, subdomain
    ("(m_martin-2@mail.example.co.uk)", "m_martin-2@mail.example.co.uk"),
    ("mailto:anne@example.org", "anne@example.org"),                     # scheme not in the span
    ("écrire à hélène.dupont@exemple.fr", "hélène.dupont@exemple.fr"),   # RFC 6531 local part
    ("...anne@example.org", "anne@example.org"),                         # leading dots dropped
    ("contact@xn--exemple-9ua.fr", "contact@xn--exemple-9ua.fr"),        # punycode domain
])
def test_found(text, span):
    assert [text[m.start:m.end] for m in DET.find(text)] == [span]


@pytest.mark.parametrize("text", [
    "a@b",                               # no dotted domain
    "user@localhost",                    # no TLD
    "icon@2x.png",                       # image name
    "rendez-vous @ 10h30",
    "jean..dupont@example.org",          # empty atom
    "jean.@example.org",                 # local part ends with a dot
    "x@-bad.org",                        # label starts with a hyphen
    "x@example.c",                       # one-letter TLD
    "12-34-56-@12-34-56",                # digit soup
    "@example.org",                      # no local part
])
def test_not_found(text):
    assert list(DET.find(text)) == []


def test_local_part_too_long():
    text = "a" * 65 + "@example.org"
    assert list(DET.find(text)) == []
    text = "a" * 64 + "@example.org"
    assert [(m.start, m.end) for m in DET.find(text)] == [(0, len(text))]


def test_normalize_lowercase():
    assert DET.normalize(" Jean.Dupont@Example.ORG ") == "jean.dupont@example.org"
    assert [m.normalized for m in DET.find("Jean.Dupont@Example.ORG")] == ["jean.dupont@example.org"]


def test_scores(pipeline):
    no_cue = pipeline.analyze_text("voir anne@example.org", Location("t"))
    cue = pipeline.analyze_text("courriel : anne@example.org", Location("t"))
    assert [f.score for f in no_cue if f.entity_type == "EMAIL_ADDRESS"] == [0.9]
    assert [f.score for f in cue if f.entity_type == "EMAIL_ADDRESS"] == [1.0]


@pytest.mark.parametrize("header, hit", [
    ("email", True), ("E-mail", True), ("mail", True), ("courriel", True), ("e_mail", True),
    ("adresse_mail", True), ("Adresse mail", True), ("email2", True), ("\ufeffemail", True),
    ("mailing", False), ("nom", False), ("domaine", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_pb034_bom_header(pipeline, cases):
    # pb-034: the reader strips the BOM; the header "email" still classifies the column
    content = cases["pb-034"]["input"]["content"]
    header, row = content.lstrip("\ufeff").splitlines()
    unit = TableUnit(Location("contacts_bom.csv"), tuple(header.split(",")),
                     iter([TableBatch(0, [[v] for v in row.split(",")])]))
    found = [f for batch in pipeline.analyze_table(unit) for f in batch if f.entity_type == "EMAIL_ADDRESS"]
    assert [(f.location.column, f.value, f.evidence.header) for f in found] == [
        ("email", "marc.petit@example.org", "email")]


def _best_time(text: str) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.process_time()
        list(DET.find(text))
        best = min(best, time.process_time() - t)
    return best


@pytest.mark.parametrize("unit", [
    "12-34-56-",          # pb-029 soup, no "@"
    "ab.cd-12@",          # one "@" per unit: every scan is bounded
    "a.b.c.d.e.f.g.h.",   # dots only
])
def test_linear_time(unit, cases):
    n = cases["pb-029"]["expected"]["repeat_content"]
    text = unit * n
    t1 = _best_time(text)
    t4 = _best_time(text * 4)
    assert t1 < 0.5
    # linear: x4 input takes ~4x; quadratic would take ~16x (margin for a loaded machine)
    assert t4 < 8 * t1 + 0.02


def _column_rows(frame):
    return [row if row["start"] is not None else {"start": None} for row in frame.iter_rows(named=True)]


def _cell_rows(det, values, header_hit):
    out = []
    for v in values:
        m = det.match_cell(v, header_hit)
        out.append({"start": None} if m is None else {
            "start": m.start, "end": m.end, "score": m.score, "validation": m.validation.value,
            "pattern": m.pattern, "normalized": m.normalized, "entity": m.entity})
    return out


# the Polars paths of match_column run from COLUMN_MIN_VALUES distinct values on; these rows
# call them directly on a few values each (the generic test covers the corpus columns)
@pytest.mark.parametrize("module, cls, values", [
    ("email", "EmailDetector", ["anne.leroy@example.org", "Marc.Petit+labo@chu-exemple.fr",
                                "a@b", ".x@y.org", "x..y@z.org", "logo@2x.png", "%%%@a.org",
                                "hélène@exemple.fr", " a@b.org", "Lyon", "a@b.org."]),
    ("phone", "PhoneDetector", ["06 12 34 56 78", "0612345678", "07 17 67 43 30", "0716202677",
                                "06.12.34.56.78", "06-12 34.56 78", "090499-3255", "Lyon",
                                "+33 6 12 34 56 78", "84 23 30", " 0612345678"]),
    ("dates", "DateTimeDetector", ["2024-11-05", "2024-02-30", "05/11/2024", "3/29/1982",
                                   "31/02/2020", "13/13/2000", "1799-01-01", "05/11/24",
                                   "12 mars 2024", "x", " 2024-11-05"]),
    ("dates", "DateOfBirthDetector", ["2024-11-05", "3/29/1982", "6/11/1957", "31/02/2020"]),
])
@pytest.mark.parametrize("header_hit", [True, False])
def test_polars_paths_equal_match_cell(module, cls, values, header_hit):
    import importlib

    mod = importlib.import_module(f"sentinelle.detectors.{module}")
    det = getattr(mod, cls)()
    series = pl.Series("v", values, dtype=pl.Utf8)
    if module == "dates":
        if cls == "DateOfBirthDetector" and not header_hit:
            got = det.match_column(series, header_hit)
        else:
            got = mod._match_column(det, series, header_hit, 0.9 if cls == "DateOfBirthDetector"
                                    else 0.6, "DATE_OF_BIRTH" if cls == "DateOfBirthDetector"
                                    else None)
    elif module == "phone":
        got = mod._match_column(det, series, header_hit, min_decided=0)
    else:
        got = mod._match_column(det, series, header_hit)
    assert _column_rows(got) == _cell_rows(det, values, header_hit)
