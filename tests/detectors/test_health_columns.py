"""Columnar fast path of the health detectors (issue 6) and the lexicon machinery behind the
larger health lexicons (issue 3): WordLexicon, plural marks, the CIM-10 FR name extraction of
scripts/update_data/health_conditions_cim10.py.

The generic tests/detectors/test_match_column.py checks ``match_column`` on short columns, which
take the plain ``match_cell`` loop (below ``lexicon.SMALL_COLUMN`` values); here the columns are
longer, so the Polars expressions are what is checked.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import polars as pl
import pytest

from sentinelle.detectors import build, lexicon
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.lexicon import WordLexicon, plural_marked, singular

DETECTORS = {d.name: d for d in build()}
CLAIMING = ["medication", "health_condition", "health_insurer", "blood_group"]

#: cells the fast path must decide like match_cell: accents, case, blanks, other scripts
HEALTH_CELLS = [
    "Doliprane 1000 mg", "  Lévothyrox 100 µg", "LÉVODOPA", "lévodopa", "fer", "Fer 80 mg",
    "diabète de type 2", "ŒDÈME", "œdème aigu du poumon", "vih", "VIH", " HTA ", "C50.9",
    "E11.9", "Assurance maladie", "Caisse primaire d'assurance maladie de Paris", "MGEN",
    "Harmonie Mutuelle", "Mutuelle des Motards", "AME", "ame", "A+", "o pos", "ab", "AB Rh+",
    "0+", "β-bloquant", "µg", "\u0130stanbul", "\x1cVIH", "\u00a0HTA", "(Doliprane)", "-asthme",
    "asthme.", "Asthme, HTA", "ǅ", "ﬁèvre", "Ωmega", "12", "hépatite C chronique", "sida",
]


def _people(shared: Path) -> list[str]:
    path = shared / "corpus" / "people_tables" / "FakeNameGenerator.com_3000.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:200]
    return [c for r in rows for c in r]


@pytest.mark.parametrize("header_hit", [True, False], ids=["header", "no_header"])
@pytest.mark.parametrize("name", CLAIMING)
def test_polars_path_equals_match_cell(name, header_hit, shared):
    det = DETECTORS[name]
    values = list(dict.fromkeys(v for v in HEALTH_CELLS + _people(shared) if v and not v.isspace()))
    assert len(values) >= lexicon.SMALL_COLUMN  # long enough for the Polars expressions
    got = det.match_column(pl.Series("v", values, dtype=pl.Utf8), header_hit)
    assert got.height == len(values)
    bad = []
    for value, row in zip(values, got.iter_rows(named=True)):
        m = det.match_cell(value, header_hit)
        want = None if m is None else (m.start, m.end, m.score, m.validation.value, m.pattern,
                                       m.normalized, m.entity)
        have = None if row["start"] is None else tuple(row[k] for k in (
            "start", "end", "score", "validation", "pattern", "normalized", "entity"))
        if have != want:
            bad.append((value, want, have))
    assert bad == []


def test_polars_path_finds_the_health_cells():
    # hand-checked: which of the health cells each detector claims as a whole cell
    values = HEALTH_CELLS + [f"ligne {i}" for i in range(lexicon.SMALL_COLUMN)]
    series = pl.Series("v", values, dtype=pl.Utf8)
    found = {}
    for name in CLAIMING:
        got = DETECTORS[name].match_column(series, True)
        found[name] = [v for v, s in zip(values, got["start"].to_list()) if s is not None]
    assert found["medication"] == ["Doliprane 1000 mg", "  Lévothyrox 100 µg", "LÉVODOPA",
                                   "lévodopa", "fer", "Fer 80 mg"]
    assert "diabète de type 2" in found["health_condition"]
    assert "C50.9" in found["health_condition"]             # a bare code in a diagnosis column
    assert "vih" not in found["health_condition"]           # abbreviation in lower case
    assert "Assurance maladie" not in found["health_condition"]
    assert "A+" in found["blood_group"] and "AB Rh+" in found["blood_group"]
    assert "MGEN" in found["health_insurer"] and "Harmonie Mutuelle" in found["health_insurer"]


# -- WordLexicon --------------------------------------------------------------------------------

LEX = WordLexicon({"levodopa": 1, "levodopa carbidopa": 2, "fer": 3, "acide valproique": 4})


@pytest.mark.parametrize("text, found", [
    ("levodopa carbidopa 100 mg", [(0, 18, 2)]),           # the longest name wins
    ("levodopa-carbidopa", [(0, 18, 2)]),                  # hyphen as a space
    ("levodopa,carbidopa", [(0, 8, 1)]),                   # a comma ends a name
    ("levodopa    carbidopa", [(0, 8, 1)]),                # more than 3 blanks end it too
    ("acide  valproique", [(0, 17, 4)]),
    ("transfert de fer", [(13, 16, 3)]),                   # whole words only
    ("acide", []),                                         # a first word alone is no name
])
def test_word_lexicon(text, found):
    assert list(LEX.finditer(text)) == found


def test_word_lexicon_accept_takes_a_shorter_term():
    # a rejected longest term leaves the shorter one at the same place
    got = list(LEX.finditer("levodopa carbidopa", lambda s, e, v: v != 2))
    assert got == [(0, 8, 1)]


def test_word_lexicon_many_first_words():
    # more than 32 distinct first words in a text take the re.split path: same matches
    terms = {f"mot{i}": i for i in range(40)}
    lex = WordLexicon(terms)
    text = " ".join(f"x mot{i} y" for i in range(40))
    few = " ".join(f"x mot{i} y" for i in range(3))
    got = list(lex.finditer(text))
    assert len(got) == 40 and got[0] == (2, 6, 0) and got[-1][2] == 39
    assert list(lex.finditer(few)) == [(2, 6, 0), (11, 15, 1), (20, 24, 2)]


# -- plurals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("token, expected", [
    ("infections", "infection"), ("maux", "mau"), ("sida", "sida"), ("des", "des"),
    ("vih", "vih"), ("abces", "abce"),
])
def test_singular(token, expected):
    assert singular(token) == expected


def test_plural_marked():
    assert plural_marked("tumeur benigne") == "tumeur\x01 benigne\x01"
    assert plural_marked("cancer du sein") == "cancer\x01 du sein\x01"   # "du": 2 letters
    assert plural_marked("diabete de type 2") == "diabete\x01 de type\x01 2"


# -- CIM-10 FR names (scripts/update_data/health_conditions_cim10.py) ---------------------------

def _script():
    path = Path(__file__).parents[2] / "scripts" / "update_data" / "health_conditions_cim10.py"
    spec = importlib.util.spec_from_file_location("_hc_cim10_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("title, names", [
    # CIM-10 FR titles (ATIH), hand-checked against the rules of the script's docstring
    ("Tuberculose miliaire aiguë, localisation unique et précisée", ["tuberculose miliaire aiguë"]),
    ("Nausées et vomissements", ["nausées", "vomissements"]),                  # R11
    ("Giardiase [lambliase]", ["giardiase", "lambliase"]),                    # A07.1
    ("Autres salmonelloses", []),                                             # residual category
    ("Troubles de l'humeur et du comportement", []),                          # 6 words
    ("Rage", []),                                                             # a common word
    ("Tuberculose des surrénales (E35.1*)", ["tuberculose des surrénales"]),  # dual code dropped
    ("Entérite à rotavirus", ["entérite à rotavirus"]),
    ("Hépatomégalie, non classée ailleurs", ["hépatomégalie"]),
    # K07: a bracket that states the scope ("including ...") is not a synonym
    ("Anomalies dento-faciales [y compris les malocclusions]", ["anomalies dento-faciales"]),
])
def test_cim10_names(title, names):
    assert _script().names_of(title) == names


def test_fold_of_a_cell_matches_python():
    # column_first_run lower-cases in Polars: on ASCII runs it equals fold_keep_length
    values = ["  Doliprane 1000", "LÉVODOPA", "\u00a0HTA", "(x)", "Ωmega"]
    runs = lexicon.column_first_run(pl.Series(values, dtype=pl.Utf8)).to_list()
    assert runs == ["doliprane", "lévodopa", "hta", None, "ωmega"]
    assert [fold_keep_length(r) for r in runs[:3]] == ["doliprane", "levodopa", "hta"]
