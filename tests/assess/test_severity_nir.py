"""Severity of names with NIRs (session 8 fault: a truncated file holding NIR + name + birth date
came out "low", SE = 1 x 1.0 + 0.5 = 1.5, and the CNIL draft said informing the persons was not
needed).

Rule (``assess/severity.py``): ENISA 2013 section 3.1, simple data +1 "when the volume of simple
data ... is such that certain profiling of the individual can be enabled": a NIR spells out sex,
birth year and month and place of birth (INSEE, décret n° 82-103) and keys the person's health
insurance records. Worked by hand: DPC 1 + 1 = 2, EI 1 (name + national identifier), so
SE = 2 x 1 + CB >= 2 (medium), whatever the file's read status.

Data are synthetic: NIRs with valid keys (key = 97 - (first 13 digits mod 97)), names of no
real person.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sentinelle.assess.severity import NIR_ADJUSTMENT, Circumstances, severity
from sentinelle.cli import app


def _nir(first13: str) -> str:
    return first13 + "%02d" % (97 - int(first13) % 97)


# 1 85 05 75 056 048 -> key 66; 2 90 01 75 123 456 -> key 05 (hand-checked: 97 - n mod 97)
NIR_A, NIR_B = _nir("1850575056048"), _nir("2900175123456")
assert (NIR_A, NIR_B) == ("185057505604866", "290017512345605")

_ROWS = [("LEBRUN", "Jean", NIR_A, "1985-05-12"), ("FAURE", "Marie", NIR_B, "1990-01-03")]
_WHOLE = "[" + ", ".join(
    f'{{"nom": "{a}", "prenom": "{b}", "nir": "{c}", "date_naissance": "{d}"}}'
    for a, b, c, d in _ROWS) + "]"
#: the same two records, then a third cut in the middle of its name (a truncated download)
_CUT = _WHOLE[:-1] + ', {"nom": "GAR'


def _assess(tmp_path, text: str, *extra: str) -> dict:
    leak = tmp_path / "leak.json"
    leak.write_text(text, encoding="utf-8")
    out = tmp_path / "a.json"
    res = CliRunner().invoke(app, ["assess", str(leak), "--no-db", "--json", str(out),
                                   "--jobs", "1", *extra])
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, partly", [
    (_CUT, 1),    # the reported fault: a truncated file, its 2 whole records read
    (_WHOLE, 0),  # the same records read whole: the same severity
])
@pytest.mark.parametrize("extra, cb_score, se, lvl", [
    ((), 0.5, 2.5, "medium"),                       # exposure not stated: published assumed
    (("--exposure", "none"), 0.0, 2.0, "medium"),   # even with no loss of confidentiality
])
def test_names_with_nir_never_low(tmp_path, text, partly, extra, cb_score, se, lvl):
    doc = _assess(tmp_path, text, *extra)
    assert doc["files"]["partly_read"] == partly
    assert doc["subjects"]["unique"] == 2
    sev = doc["severity"]
    assert (sev["dpc"]["score"], sev["ei"]["score"], sev["cb"]["score"]) == (2, 1.0, cb_score)
    assert sev["dpc"]["adjustments"] == [NIR_ADJUSTMENT]
    assert (sev["se"], sev["level"]) == (se, lvl)


@pytest.mark.parametrize("combos, minors, dpc_score, lvl", [
    # 2 of 2 subjects with name + NIR: simple data 1 + 1, SE 2 x 1 + 0.5
    ({frozenset({"PERSON", "FR_NIR"}): 2}, False, 2, "medium"),
    # minors too: 1 + 1 + 1 = 3, SE 3 x 1 + 0.5 = 3.5
    ({frozenset({"PERSON", "FR_NIR", "DATE_OF_BIRTH"}): 2}, True, 3, "high"),
    # a NIR without a name is no profile of a named person: 1, EI 1 (national id), SE 1.5
    ({frozenset({"FR_NIR", "DATE_OF_BIRTH"}): 2}, False, 1, "low"),
    # 1 subject in 200 (0.5 %, under the 1 % of EI) with name + NIR: no adjustment,
    # EI significant (name alone): 1 x 0.75 + 0.5 = 1.25
    ({frozenset({"PERSON"}): 199, frozenset({"PERSON", "FR_NIR"}): 1}, False, 1, "low"),
    # health data already scores 4: the NIR adjustment only shows under simple data
    ({frozenset({"PERSON", "FR_NIR", "HEALTH_CONDITION"}): 2}, False, 4, "very high"),
])
def test_nir_adjustment_table(combos, minors, dpc_score, lvl):
    entities = set().union(*combos)
    sev = severity(entities, combos, minors, Circumstances())
    assert sev["dpc"]["score"] == dpc_score
    assert sev["level"] == lvl


def test_adjustment_has_a_french_phrase():
    from sentinelle.report.assessment import phrase

    assert phrase(NIR_ADJUSTMENT, "fr").startswith("+1 : des NIR avec les noms")
