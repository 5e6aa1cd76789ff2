"""Redaction faults of the session-7 list, on the library: shifted dates stay in the past
(never after the original date), the re-scan line counts every finding by what the policy
does to it, a file the writer cannot parse gets the reader's error, and ``k`` with no table
is refused before anything is written.

Synthetic data: NIRs are built with the key of the NIR specification (key = 97 - (the 13 digits
mod 97)); none belongs to a person.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from sentinelle.redact import RedactError, dates
from sentinelle.redact.operators import Operators, Target
from sentinelle.redact.policy import load_policy
from sentinelle.redact.risk import Risk
from sentinelle.redact.summary import print_summary, report_dict, rescan_line

KEY = b"redact-test-key-not-secret-0123456789"


def nir(order: int) -> str:
    """A synthetic NIR (man born March 1985 in Paris 12e, commune 75112, birth order ``order``,
    1-999) with a valid key (NIR specification)."""
    body = f"1850375112{order:03d}"
    return body + f"{97 - int(body) % 97:02d}"


# -- 2. shifted dates stay in the past --------------------------------------------------------

@pytest.mark.parametrize("days", [
    (-365, 365),   # the presets' range: it used to move about half the dates forward
    (-90, 90),
    (10, 30),      # a range of forward days only: still moved back, by 10 to 30 days
])
def test_shift_days_always_moves_back(days):
    ops = Operators(load_policy("research"), KEY)
    lo, hi = days
    widest = max(abs(lo), abs(hi))
    narrowest = 1 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    offsets = [ops.shift_days(f"FR_NIR\x1f{nir(i)}", days) for i in range(1, 301)]
    assert all(-widest <= o <= -narrowest for o in offsets)
    assert len(set(offsets)) > 20  # keyed per person, not one offset for all


def test_a_date_of_today_is_never_moved_into_the_future():
    today = dt.date.today()
    ops = Operators(load_policy("share"), KEY)
    for i in range(1, 201):
        out = ops.apply(Target("DATE_TIME", today.strftime("%d/%m/%Y"),
                               person=f"FR_NIR\x1f{nir(i)}"))
        moved = dt.datetime.strptime(out, "%d/%m/%Y").date()
        assert today - dt.timedelta(days=365) <= moved < today


@pytest.mark.parametrize("text, days, expected", [
    # a month and year moved by fewer days than it spans used to come back unchanged
    ("mars 1985", -3, "février 1985"),
    ("janvier 1985", -3, "décembre 1984"),    # the month before, in the year before
    ("Mars 1985", -40, "Février 1985"),       # capital kept (15 March - 40 days: 3 February)
    ("décembre 1985", 3, "janvier 1986"),     # forward still one month (dates.shift is general)
    ("1985", -3, "1984"),                     # a year alone: at least one year
])
def test_month_and_year_always_moves(text, days, expected):
    assert dates.shift(text, days) == expected


def test_redacted_table_dates_stay_before_the_latest_input_date(do_redact):
    # every record dated 15/06/2021, the latest date of the file: none may move after it
    rows = "".join(f"{nir(i)};15/06/2021\n" for i in range(1, 61))
    out, result = do_redact({"p.csv": "nir;date_prelevement\n" + rows}, "share")
    lines = (out / "p.csv").read_text("utf-8").splitlines()[1:]
    moved = [dt.datetime.strptime(l.split(";")[1], "%d/%m/%Y").date() for l in lines]
    assert len(moved) == 60
    latest = dt.date(2021, 6, 15)
    assert all(latest - dt.timedelta(days=365) <= d < latest for d in moved)
    assert len(set(moved)) > 20  # one keyed shift per person


# -- 3. the re-scan line counts the shifted dates ----------------------------------------------

def test_rescan_line_groups_add_up_to_the_total():
    risk = Risk(output_findings=6,
                by_entity={"DATE_TIME": 3, "HEALTH_CONDITION": 1, "PHONE_NUMBER": 1,
                           "FR_POSTAL_CODE": 1},
                shifted={"DATE_TIME": 3}, faked={"PHONE_NUMBER": 1},
                kept={"HEALTH_CONDITION": 1})
    assert rescan_line(risk, 2) == (
        "re-scan of 2 written files: 6 findings: DATE_TIME 3 shifted by policy; "
        "PHONE_NUMBER 1 faked by policy; HEALTH_CONDITION 1 kept by policy; "
        "FR_POSTAL_CODE 1 other")
    assert rescan_line(Risk(), 0) == "re-scan of 0 written files: 0 findings"


def test_shifted_dates_are_counted_in_the_summary_and_report(do_redact):
    # two shifted collection dates are found again in the output (they are still dates); the
    # birth dates become years and the towns labels: nothing else is found
    table = ("nom;nir;date_prelevement;date_naissance;ville\n"
             f"MARTIN;{nir(1)};12/03/2021;12/03/1985;Lyon\n"
             f"DURAND;{nir(2)};14/05/2021;01/01/1990;Paris\n")
    out, result = do_redact({"a.csv": table}, "share")
    assert result.risk.by_entity == {"DATE_TIME": 2}
    assert result.risk.shifted == {"DATE_TIME": 2}
    buf = io.StringIO()
    print_summary(result, Console(file=buf, width=10_000))
    assert "re-scan of 1 written file: 2 findings: DATE_TIME 2 shifted by policy" \
        in buf.getvalue().splitlines()
    rescan = report_dict(result)["rescan"]
    assert rescan["shifted_by_policy"] == {"DATE_TIME": 2} and rescan["faked_by_policy"] == {}


def test_faked_values_are_counted_as_faked(do_redact):
    # test-data fakes the NIR (a valid-looking NIR is found again) and shifts the date
    out, result = do_redact({"a.csv": f"nir;date_prelevement\n{nir(7)};12/03/2021\n"},
                            "test-data")
    assert result.risk.faked == {"FR_NIR": 1} and result.risk.shifted == {"DATE_TIME": 1}


# -- 1. a file the writer cannot parse: the reader's error -----------------------------------

@pytest.mark.parametrize("name, content, reason, position", [
    # a JSON export cut after its first record (RFC 8259: a value is expected at line 2)
    ("cut.json", '[{"nom": "MARTIN"},\n',
     "invalid JSON: Expecting value (the records before it were read); file not written",
     "line 2 column 1"),
    # a FHIR Bundle cut inside its entry list: a ',' or ']' is expected after the entry
    ("bundle.json", '{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": '
                    '"Patient", "name": [{"family": "MARTIN"}]}}',
     "invalid JSON: Expecting ',' delimiter (the records before it were read); "
     "file not written", "line 1 column 111"),
])
def test_cut_json_gets_the_readers_error(do_redact, name, content, reason, position):
    out, result = do_redact({name: content, "ok.csv": f"nom;nir\nMARTIN;{nir(3)}\n"}, "share")
    by_path = {f.path: f for f in result.files}
    bad = by_path[name]
    assert (bad.status, bad.reason, bad.position, bad.replaced) == ("error", reason, position, 0)
    assert by_path["ok.csv"].status == "written"          # the other file went on
    assert sorted(p.name for p in out.iterdir()) == ["ok.csv"]  # nothing half-written
    entry = next(o for o in report_dict(result)["outputs"] if o["path"] == name)
    assert (entry["reason"], entry["position"]) == (reason, position)


def test_cut_parquet_gets_the_readers_error(do_redact):
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"nom": ["MARTIN"], "nir": [nir(4)]}), buf)
    data = buf.getvalue()
    out, result = do_redact({"cut.parquet": data[: len(data) // 2]}, "share")
    (res,) = result.files
    assert res.status == "error" and res.reason.startswith("corrupt Parquet: ")
    assert res.reason.endswith("; file not written") and "internal error" not in res.reason
    assert list(out.iterdir()) == []


# -- 8. k with no table ----------------------------------------------------------------------

def test_k_with_text_only_is_refused_before_writing(do_redact, tmp_path):
    text = f"Patient : M. Jean MARTIN, né le 12/03/1985, 69003 Lyon. NIR {nir(5)}.\n"
    with pytest.raises(RedactError, match=r"^--k 5: k-anonymity is counted on tables .* "
                                          r"\(1 text file\); nothing written"):
        do_redact({"cr.txt": text}, "share", k=5)
    assert not (tmp_path / "out").exists()
