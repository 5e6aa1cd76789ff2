"""Redaction faults of the session-8 list: every date of one report moves by the same keyed
shift (the report's person: NIR, else the patient's name, as in tables), identifiers with a
failed checksum next to their cue are redacted (and counted when left), and the re-scan line
agrees in number.

Synthetic data: NIRs carry the key of the NIR specification (key = 97 - (the 13 digits mod
97)); the wrong-key RPPS, IBAN and card numbers are the detectors' own invalid examples or fail
Luhn (python-stdnum); names are invented. ``examples/leak`` is the shipped synthetic sample
(examples/README.md: ``sentinelle synth``, nothing from a real person).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stdnum import iban as std_iban
from stdnum import luhn

from sentinelle.config import Config
from sentinelle.redact.engine import report_sections
from sentinelle.redact.risk import Risk
from sentinelle.redact.summary import rescan_line

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "leak"
BIN = Path(sys.executable).with_name("sentinelle")
DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
CUT = "\n------------------------------------------------------------\n\n"


def nir(body: str) -> str:
    """``body`` (13 digits) followed by its key (NIR specification)."""
    return body + f"{97 - int(body) % 97:02d}"


NIR_F = nir("2840575112345")  # woman born May 1984 in Paris 12e
NIR_M = nir("1910169123456")  # man born January 1991 in Lyon (69123)


def dates_of(text: str) -> list[dt.date]:
    return [dt.date(int(y), int(m), int(d)) for d, m, y in DATE.findall(text)]


def days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


# -- 1. one shift per report, keyed by the report's person ----------------------------------

REPORTS = (
    "Patient : Mme Claire DUPONTEL\n"
    f"N° SS : {NIR_F}\n"
    "Prescripteur : Dr Paul LEFEVRE\n"
    "Prélèvement le 15/02/2024 à 08:10\n"
    "Validé le 16/02/2024 par Dr Anne MARTINEZ, biologiste\n"
    + CUT +
    # no NIR, and the prescriber's name comes before the patient's: the patient keys the shift
    "Prescripteur : Dr Paul LEFEVRE\n"
    "Patient : M. Jean ROBERTIN\n"
    "Prélèvement le 15/02/2024 à 09:00\n"
    "Validé le 17/02/2024 par Dr Anne MARTINEZ, biologiste\n"
)


def test_every_date_of_a_report_moves_by_its_persons_shift(do_redact):
    out, result = do_redact({
        "reports.txt": REPORTS,
        # the same two persons in tables: a row keys its dates by NIR, else by name
        "by_nir.csv": f"nir;date_prelevement\n{NIR_F};15/02/2024\n",
        "by_name.csv": "patient;date_prelevement\nJean ROBERTIN;15/02/2024\n",
    }, "research")
    assert not result.errors
    text = (out / "reports.txt").read_text("utf-8")
    first, second = text.split(CUT)
    (a1, a2), (b1, b2) = dates_of(first), dates_of(second)
    sample = dt.date(2024, 2, 15)
    # intervals inside each report kept: validated 1 and 2 days after the sample
    assert (days(a1, a2), days(b1, b2)) == (1, 2)
    shift_f, shift_m = days(sample, a1), days(sample, b1)
    assert -365 <= shift_f <= -1 and -365 <= shift_m <= -1
    # same person, same shift in another file: the NIR's row, the name's row
    (row_f,) = dates_of((out / "by_nir.csv").read_text("utf-8"))
    (row_m,) = dates_of((out / "by_name.csv").read_text("utf-8"))
    assert days(sample, row_f) == shift_f
    assert days(sample, row_m) == shift_m
    # the two patients share their prescriber and biologist, not their shift key
    assert "DUPONTEL" not in text and "ROBERTIN" not in text and NIR_F not in text


def test_a_report_naming_nobody_moves_as_one_and_alike_in_every_copy(do_redact):
    report = ("Compte rendu de biologie\nPrélèvement le 03/01/2024 à 07:30\n"
              "Reçu au laboratoire le 04/01/2024\nValidé le 10/01/2024\n")
    out, _ = do_redact({"a.txt": report, "b.txt": "En-tête du lot\n" + CUT + report},
                       "research")
    got_a = dates_of((out / "a.txt").read_text("utf-8"))
    got_b = dates_of((out / "b.txt").read_text("utf-8"))
    original = [dt.date(2024, 1, 3), dt.date(2024, 1, 4), dt.date(2024, 1, 10)]
    shifts = {days(o, g) for o, g in zip(original, got_a)}
    assert len(shifts) == 1 and -365 <= shifts.pop() <= -1   # one shift: intervals kept
    assert got_b == got_a                                     # the copy moves alike


def test_a_report_cut_by_the_readers_chunks_keeps_one_shift(do_redact):
    # 64-character chunks cut this report in six places; every date keeps its NIR's shift
    lines = [f"Patient : M. Jean ROBERTIN, NIR {NIR_M}"] + [
        f"Contrôle n°{i} le {d:02d}/03/2024" for i, d in enumerate((1, 5, 9, 14, 20, 27), 1)]
    report = "\n".join(lines) + "\n"
    out, result = do_redact({"long.txt": report,
                             "row.csv": f"nir;date\n{NIR_M};01/03/2024\n"},
                            "research", config=Config(text_chunk_chars=64))
    assert not result.errors
    got = dates_of((out / "long.txt").read_text("utf-8"))
    original = dates_of(report)
    (row,) = dates_of((out / "row.csv").read_text("utf-8"))
    assert {days(o, g) for o, g in zip(original, got)} == {days(dt.date(2024, 3, 1), row)}


def test_shipped_leak_reports_move_as_one_per_report(tmp_path, do_redact):
    # examples/leak/labo_biomed_lyon (synthetic): patient DAIKER's report is dated 02/12/2023,
    # his sample 29/11/2023 (3 days before); his invoice FAC-6142457 of 02/09/2022 is keyed
    # by the same NIR in facturation.csv. Before: 16 and 256 days back.
    src = EXAMPLES / "labo_biomed_lyon"
    files = {name: (src / name).read_bytes() for name in ("comptes_rendus.txt", "facturation.csv")}
    out, result = do_redact(files, "test-data")  # test-data shifts birth dates too
    assert not result.errors
    text = (src / "comptes_rendus.txt").read_text("utf-8")
    done = (out / "comptes_rendus.txt").read_text("utf-8")
    daiker = next(i for i, line in enumerate(text.splitlines()) if "DAIKER" in line)
    lines_in, lines_out = text.splitlines(), done.splitlines()
    assert dates_of(lines_in[daiker - 3]) == [dt.date(2023, 12, 2)]    # "Lyon, le 02/12/2023"
    assert dates_of(lines_in[daiker + 6])[0] == dt.date(2023, 11, 29)  # "Prélèvement le ..."
    report_date = dates_of(lines_out[daiker - 3])[0]
    sample = dates_of(lines_out[daiker + 6])[0]
    shift = days(dt.date(2023, 12, 2), report_date)
    assert days(sample, report_date) == 3 and -365 <= shift <= -1
    invoice = next(l for l in (out / "facturation.csv").read_text("utf-8").splitlines()
                   if l.startswith("FAC-6142457;"))
    assert days(dt.date(2022, 9, 2), dates_of(invoice)[0]) == shift
    # every report of the file: all its dates (birth date included) move by one shift
    multi = 0
    sections_in, sections_out = report_sections(text), report_sections(done)
    assert len(sections_in) == len(sections_out)
    for (a, b), (c, d) in zip(sections_in, sections_out):
        before, after = dates_of(text[a:b]), dates_of(done[c:d])
        assert len(before) == len(after)
        if len(before) >= 2:
            multi += 1
            assert len({days(x, y) for x, y in zip(before, after)}) == 1, text[a:b][:80]
    assert multi >= 30  # 33 reports, nearly all with 2 dates or more


# -- 2. identifiers with a failed checksum next to their cue -----------------------------------

@pytest.mark.parametrize("line, value", [
    # the user's report: a typo'd RPPS after its cue, left in clear with an "OK" before
    ("Prescripteur : Dr Paul LEFEVRE, RPPS 10003456781", "10003456781"),
    # a NIR with a wrong key (67 instead of 28) after "N° SS"
    ("N° SS : 2 84 05 75 112 345 67", "2 84 05 75 112 345 67"),
    # an IBAN with a wrong key (the iban detector's own invalid example)
    ("IBAN : FR76 3000 4012 3400 0987 6543 273", "FR76 3000 4012 3400 0987 6543 273"),
    # a card number that fails Luhn (the credit_card detector's own invalid example)
    ("Carte bancaire 4970 1012 3456 7894", "4970 1012 3456 7894"),
])
def test_invalid_identifier_by_its_cue_is_redacted(do_redact, line, value):
    compact = value.replace(" ", "")
    # the numbers really fail their checksum (python-stdnum)
    assert not (luhn.is_valid(compact) or std_iban.is_valid(compact)
                or (len(compact) == 15 and 97 - int(compact[:13]) % 97 == int(compact[13:])))
    out, result = do_redact({"note.txt": f"Patient : Mme Claire DUPONTEL\n{line}\n"}, "research")
    written = (out / "note.txt").read_text("utf-8")
    assert value not in written and compact not in written.replace(" ", "")
    assert result.risk.ok and result.risk.leak_count == 0


def test_invalid_identifier_without_a_cue_is_left(do_redact):
    # no RPPS cue: an 11-digit number with a wrong Luhn key is an order number (scope.py)
    out, _ = do_redact({"note.txt": "Commande 10003456781 expédiée\n"}, "research")
    assert (out / "note.txt").read_text("utf-8") == "Commande 10003456781 expédiée\n"


def test_invalid_identifier_under_its_column_header_is_redacted(do_redact):
    out, result = do_redact({"pros.csv": "nom;rpps\nLEFEVRE;10003456781\nMARTIN;10001234565\n"},
                            "research")
    lines = (out / "pros.csv").read_text("utf-8").splitlines()
    assert [l.split(";")[1].startswith("fr_rpps_") for l in lines[1:]] == [True, True]
    assert "10003456781" not in "\n".join(lines)


def test_invalid_identifier_left_is_residual_risk(do_redact, policy_from):
    # a policy that leaves every digit (mask keeping the last 11): the typo'd RPPS is still
    # there by its cue, so the re-scan counts it as an original value left
    policy = policy_from('name = "keep-rpps"\ndefault = "redact"\n[entities]\n'
                         'FR_RPPS = { operator = "mask", keep_last = 11 }\n')
    out, result = do_redact({"note.txt": "Dr Paul LEFEVRE, RPPS 10003456781\n"}, policy)
    assert "RPPS 10003456781" in (out / "note.txt").read_text("utf-8")
    assert result.risk.leak_count == 1 and not result.risk.ok
    assert [(l.entity, l.masked) for l in result.risk.leaks] == [("FR_RPPS", "1********81")]


def _cli(*args, cwd: Path):
    env = {**os.environ, "SENTINELLE_KEY": "cli-test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_redacts_the_typod_rpps_and_says_one_file(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cr.txt").write_text(
        "Patient : Mme Claire DUPONTEL\nPrescripteur : Dr Paul LEFEVRE, RPPS 10003456781\n"
        "Prélèvement le 15/02/2024\n", "utf-8")
    r = _cli("redact", "in", "--out", "out", "--policy", "research", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "out" / "cr.txt").read_text("utf-8")
    assert "10003456781" not in written and "RPPS fr_rpps_" in written
    lines = [l.strip() for l in r.stdout.splitlines()]
    assert "re-scan of 1 written file: 1 finding: DATE_TIME 1 shifted by policy" in lines
    assert lines[-1].startswith("OK: no original value or validated identifier left")


def test_cli_exit_1_when_a_typod_identifier_is_left(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cr.txt").write_text("Dr Paul LEFEVRE, RPPS 10003456781\n", "utf-8")
    (tmp_path / "p.toml").write_text('name = "keep-rpps"\ndefault = "redact"\n[entities]\n'
                                     'FR_RPPS = { operator = "mask", keep_last = 11 }\n', "utf-8")
    r = _cli("redact", "in", "--out", "out", "--policy", "p.toml", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "original values left: 1" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "RESIDUAL RISK: see above"


# -- 3. number agreement of the re-scan line --------------------------------------------------

@pytest.mark.parametrize("written, findings, expected", [
    (1, 1, "re-scan of 1 written file: 1 finding: DATE_TIME 1 shifted by policy"),
    (2, 2, "re-scan of 2 written files: 2 findings: DATE_TIME 2 shifted by policy"),
    (0, 0, "re-scan of 0 written files: 0 findings"),                 # English: zero is plural
    (1, 1234, "re-scan of 1 written file: 1,234 findings: DATE_TIME 1,234 shifted by policy"),
])
def test_rescan_line_agrees_in_number(written, findings, expected):
    risk = Risk(output_findings=findings,
                by_entity={"DATE_TIME": findings} if findings else {},
                shifted={"DATE_TIME": findings} if findings else {})
    assert rescan_line(risk, written) == expected


# -- report_sections: the cut rule of the scan's sections, without its size floor -----------

@pytest.mark.parametrize("text, n", [
    ("a\n" + CUT + "b\n", 2),                       # a rule set apart by blank lines cuts
    ("Téléphone\n----------\n0465711234\n", 1),     # a rule right under a label does not
    ("a\n\fb\n", 2),                                # a form feed (a page) cuts
    ("a\n---\n\nb\n", 1),                           # Markdown's --- is too short
    ("one short report\n", 1),
])
def test_report_sections(text, n):
    secs = report_sections(text)
    assert len(secs) == n
    assert "".join(text[a:b] for a, b in secs).replace("-", "").replace("\f", "").split() \
        == text.replace("-", "").replace("\f", "").split()
