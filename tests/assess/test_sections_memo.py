"""The memo of text sections (issue 5, 500,000 patients): keyed by a salted digest, entries
without raw personal values, bounded in bytes with a segmented-LRU eviction; a replayed section
gives the records the finding-by-finding path gives, whatever the budget. Names, dates and
numbers are synthetic (made up for these tests)."""

from __future__ import annotations

import pickle
from datetime import date

import pyarrow as pa
import pytest

import sentinelle.assess.records as R
from sentinelle.assess.records import RECORD_SCHEMA, RecordBuilder, RecordPrep, TextFindings, \
    _SectionMemo
from sentinelle.finding import Finding, Location

KEY = b"sections-memo-test-key"
TODAY = date(2026, 12, 2)
#: synthetic NIRs (only their shape matters here)
NIRS = ["180057511512345", "270023812398765", "155129900112233"]
NAMES = ["Claire MARTIN", "Paul BERNARD", "Marie DURAND", "Luc PETIT", "Anne LEROY"]


def _unit(path: str, shift: int, people: list[int]) -> TextFindings:
    """A report: a header section, one section per entry of ``people`` (a patient with her
    birth date, NIR and doctor, cue "pro"), a footer; every section at ``shift``."""
    loc = Location(path)
    found, cues, sections = [], [], []

    def t(section: int, entity: str, start: int, value: str, normalized: str = "",
          cue=None) -> None:
        found.append(Finding(entity, shift + start, shift + start + len(value), 1.0, loc,
                             value=value, normalized=normalized))
        cues.append(cue)
        sections.append(section)

    t(0, "PERSON", 5, "Jean DUPONT")
    for s, p in enumerate(people, start=1):
        base = 100 * s
        t(s, "PERSON", base, NAMES[p % len(NAMES)])
        t(s, "DATE_OF_BIRTH", base + 30, f"{1 + p % 28:02d}/05/1980", f"1980-05-{1 + p % 28:02d}")
        t(s, "FR_NIR", base + 50, NIRS[p % len(NIRS)], NIRS[p % len(NIRS)])
        t(s, "PERSON", base + 70, NAMES[(p + 1) % len(NAMES)], cue="pro")
        t(s, "DATE_TIME", base + 90, "10/01/2023", "2023-01-10")
    t(len(people) + 1, "PERSON", 100 * (len(people) + 1) + 5, "Anne LEROY")
    return TextFindings(found, cues, sections, separators=len(people) + 1)


def _records(units: list[TextFindings], prepared: bool):
    out: list[pa.RecordBatch] = []
    b = RecordBuilder(KEY, out.append, today=TODAY)
    prep = RecordPrep(KEY, TODAY)
    for unit in units:
        b.add(pickle.loads(pickle.dumps(prep(unit))) if prepared else unit)
        b.end_file(unit[0].location.path)
    b.close()
    return pa.Table.from_batches(out, schema=RECORD_SCHEMA).to_pylist(), b, prep


#: a leak and two copies at other offsets (sections repeat), then a file of other sections
UNITS = [_unit("lab/cr.txt", 0, [0, 1, 2, 3]), _unit("copy/cr_v2.txt", 7000, [0, 1, 2, 3]),
         _unit("mirror/cr (1).txt", 31, [3, 2, 1, 0]), _unit("lab/autre.txt", 0, [5, 6, 0])]


@pytest.mark.parametrize("budget", [
    1,             # no entry fits: nothing kept, every section rebuilt
    2_000,         # about two entries (~900 bytes counted each): evictions as copies come
    1 << 30,       # everything kept: every repeat replayed
])
def test_replay_gives_the_records_of_the_finding_path(monkeypatch, budget):
    monkeypatch.setattr(R, "_SECTION_MEMO_BYTES", budget)
    replayed = []
    real = RecordBuilder._replay
    monkeypatch.setattr(RecordBuilder, "_replay",
                        lambda self, *a: (replayed.append(1), real(self, *a))[1])
    direct, bd, _ = _records(UNITS, prepared=False)
    assert not replayed  # the finding-by-finding path has no memo
    prepared, bp, prep = _records(UNITS, prepared=True)
    assert prepared == direct  # same records, ids, files, sections, hashes, in order
    assert len(direct) > 0
    assert (bp.period.first, bp.period.last, bp.period.dated_records) == \
        (bd.period.first, bd.period.last, bd.period.dated_records)
    assert bp.month_counts == bd.month_counts
    if budget == 1 << 30:
        # whole sections are all but a unit's first and last: 4 + 4 + 4 + 3 patients'
        # sections, 5 distinct (people 0-3, 5, 6 -> 0..3 met first, then 5 and 6 new;
        # person 0 of the last file is a repeat): 15 - 6 distinct = 9 replayed
        assert len(replayed) == 9
        assert len(prep._builder._sections_memo) == 6
    elif budget == 1:
        assert not replayed and len(prep._builder._sections_memo) == 0
    else:
        memo = prep._builder._sections_memo
        assert memo.evicted > 0 and memo.held <= budget


def test_bound_held_at_every_step():
    # 2,000 distinct sections in a memo of 20 kB: the bytes counted never pass the budget,
    # old entries are evicted, the newest kept
    m = _SectionMemo(20_000)
    for i in range(2000):
        m.put(m.digest((["PERSON"], [0], [10], [f"n{i}"], [f"N{i}"], [None])),
              ([("text", None, "patient", i, [i, i + 1])], None, None, [], []))
        assert m.held <= 20_000
    assert m.evicted > 0 and 0 < len(m) < 2000
    newest = m.digest((["PERSON"], [0], [10], ["n1999"], ["N1999"], [None]))
    assert m.get(newest) == ([("text", None, "patient", 1999, [1999, 2000])], None, None, [],
                             [])
    m.clear()
    assert len(m) == 0 and m.held == 0


def test_replayed_entries_survive_a_run_of_sections_met_once():
    # segmented LRU: an entry replayed once is protected; a long run of new sections (each
    # met once) evicts probationary entries, not it
    m = _SectionMemo(10_000)
    keep = m.digest((["FR_NIR"], [0], [15], [NIRS[0]], [NIRS[0]], [None]))
    m.put(keep, ([("text", None, "patient", 1)], None, None, [], []))
    assert m.get(keep) is not None
    for i in range(1000):
        m.put(m.digest((["PERSON"], [0], [9], [f"x{i}"], [f"X{i}"], [None])), ([], None, None, [],
                                                                             []))
    assert m.get(keep) == ([("text", None, "patient", 1)], None, None, [], [])
    assert m.held <= 10_000


def test_digest_is_of_the_content_and_entries_hold_no_raw_value():
    m = _SectionMemo(1 << 20)
    a = "Claire" + " MARTIN"  # a different object than the literal below
    k1 = (["PERSON", "PERSON"], [0, 40], [13, 53], [a, a], [a, "Claire MARTIN"], [None, "pro"])
    k2 = (["PERSON", "PERSON"], [0, 40], [13, 53], ["Claire MARTIN"] * 2,
          ["Claire MARTIN"] * 2, [None, "pro"])
    assert m.digest(k1) == m.digest(k2) and len(m.digest(k1)) == 16
    # another cue or offset: another section
    assert m.digest(k1) != m.digest(k1[:5] + ([None, None],))
    assert m.digest(k1) != m.digest((k1[0], [0, 41]) + k1[2:])
    # another process (another salt): other digests, so they mean nothing outside it
    assert _SectionMemo(1).digest(k1) != m.digest(k1)
    # the memo of a prepared leak: no name, NIR or birth date in its keys or entries
    _, _, prep = _records(UNITS, prepared=True)
    memo = prep._builder._sections_memo
    blobs = b"".join(k + v for od in (memo._new, memo._kept) for k, v in od.items())
    assert blobs
    for raw in NAMES + NIRS + ["1980-05-01", "MARTIN", "martin"]:
        assert raw.encode() not in blobs
