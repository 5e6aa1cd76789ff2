"""Regenerate src/sentinelle/data/communes.txt: French commune names with population and flags.

Sources (see src/sentinelle/data/SOURCES.md):

* ``communes_cog_2026.csv`` in ``$SENTINELLE_SHARED/corpus/reference_fr/`` (SENTINELLE_SHARED
  defaults to ``<repo>/../shared``): npm package @etalab/decoupage-administratif 6.0.0, INSEE
  Code officiel géographique 2026 with the INSEE population légale, Licence Ouverte / Etalab.
  Columns used: ``nom``, ``type``, ``population``. Kept: ``commune-actuelle`` (current communes),
  ``commune-deleguee`` and ``commune-associee`` (former communes merged into another, still
  written in addresses). ``arrondissement-municipal`` entries ("Paris 1er Arrondissement") are
  left out: the detector reads "Paris 11", "Lyon 3e" as the commune plus a district number.
* the "common word" flag: the rank of a word in the frequency-ordered key table of the Explosion
  fastText French vectors (OSCAR Common Crawl + Wikipedia, CC0) shipped in the spaCy package
  ``fr_core_news_md`` (a test dependency, needed only to run this script). A name whose lower-case
  form is more frequent than its capitalised form and ranks among the 200,000 most frequent
  keys ("bar", "sens", "tours", "orange", "mars", "eu", "y", "oui") is mostly a common word.
* the "first name" flag: ``prenoms_sexe_insee_ofs.csv`` in the same folder (INSEE Fichier des
  prénoms 1900-2025 + Swiss OFS, Licence Ouverte): the name was given to at least
  ``FIRST_NAME_BIRTHS`` children ("Marie", "Albert", "Nancy", "Florence"; not "Paris", 838).

Output, one commune name per line (several communes with one name give one line)::

    name<TAB>population<TAB>flags

``population`` is the largest population among the current communes of that name (0 when only a
former commune has it); ``flags`` is a string of: ``w`` common word, ``f`` first name,
``d`` only former communes (déléguée / associée) have this name.

Usage: python scripts/update_data/communes.py [INPUT.csv] [OUTPUT.txt]
"""

from __future__ import annotations

import csv
import os
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
DEFAULT_IN = SHARED / "corpus" / "reference_fr" / "communes_cog_2026.csv"
DATA = REPO / "src" / "sentinelle" / "data"
DEFAULT_OUT = DATA / "communes.txt"
KEPT = {"commune-actuelle", "commune-deleguee", "commune-associee"}
#: a lower-case form ranked beyond this is too rare to call the name a common word
COMMON_RANK = 200_000
#: births from which a commune name is also a usual first name
FIRST_NAME_BIRTHS = 2000
HEADER = """\
# French communes: name<TAB>largest population<TAB>flags (w common word, f first name,
# d only former communes). Source: INSEE Code officiel geographique 2026 + population legale,
# via @etalab/decoupage-administratif 6.0.0 (Licence Ouverte / Etalab 2.0); w from the key
# frequency order of the Explosion fastText French vectors (CC0, in spaCy fr_core_news_md);
# f: given to >= 2000 children (INSEE Fichier des prenoms). Regenerate with scripts/update_data/communes.py"""


def _canon(name: str) -> str:
    d = unicodedata.normalize("NFKD", name)
    return "".join(c for c in d if not unicodedata.combining(c)).upper()


def _vector_ranks() -> tuple[dict[str, int], object]:
    try:
        import spacy
    except ImportError:  # pragma: no cover - build-time tool
        raise SystemExit("this script needs spaCy and fr_core_news_md: pip install -e '.[test]'")
    nlp = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser",
                                                  "attribute_ruler", "lemmatizer", "ner"])
    strings = nlp.vocab.strings
    return {strings[k]: i for i, k in enumerate(nlp.vocab.vectors.keys())}, strings


def _is_common_word(name: str, ranks: dict[str, int]) -> bool:
    """One-word names only: the lower-case form outranks (is more frequent than) the name."""
    if any(c in name for c in " -'’"):
        return False
    low = ranks.get(name.lower())
    if low is None or low > COMMON_RANK:
        return False
    cap = ranks.get(name)
    return cap is None or low < cap


def _first_names(path: Path) -> set[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {_canon(r["prenom"]) for r in csv.DictReader(fh)
                if int(r["n_f"] or 0) + int(r["n_m"] or 0) >= FIRST_NAME_BIRTHS}


def build(src: Path) -> list[str]:
    firsts = _first_names(src.parent / "prenoms_sexe_insee_ofs.csv")
    ranks, _strings = _vector_ranks()
    pop: dict[str, int] = {}
    current: set[str] = set()
    with src.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] not in KEPT:
                continue
            name = row["nom"].strip()
            p = int(row["population"]) if row["population"].strip() else 0
            if row["type"] == "commune-actuelle":
                current.add(name)
                pop[name] = max(pop.get(name, 0), p)
            else:
                pop.setdefault(name, 0)
    out = []
    for name in sorted(pop):
        flags = ""
        if _is_common_word(name, ranks):
            flags += "w"
        if _canon(name) in firsts:
            flags += "f"
        if name not in current:
            flags += "d"
        out.append(f"{name}\t{pop[name]}\t{flags}")
    return out


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_IN
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    rows = build(src)
    out.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{out}: {len(rows)} commune names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
