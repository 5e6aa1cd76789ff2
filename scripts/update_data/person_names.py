"""Regenerate src/sentinelle/data/first_names.txt and surnames.txt.

Sources (see src/sentinelle/data/SOURCES.md and ../shared/corpus/reference_fr/SOURCE.md):

* first names: ``prenoms_sexe_insee_ofs.csv`` (INSEE "Fichier des prénoms" 1900-2025, Licence
  Ouverte / Etalab 2.0, merged with Swiss OFS first-name statistics 2024), columns
  ``prenom,n_f,n_m``; we keep names with at least ``--min-births`` births (default 20) so one-off
  spellings do not turn ordinary words into names;
* surnames: ``noms_famille_insee2008.txt`` (INSEE "Fichier des noms patronymiques", births
  1891-2000, Licence Ouverte), all 218,982 names kept.

Output: one name per line, upper case, accents removed, sorted, with a ``#`` header naming the
source. Usage::

    python scripts/update_data/person_names.py [--reference DIR] [--min-births 20]
"""

from __future__ import annotations

import argparse
import csv
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "sentinelle" / "data"
DEFAULT_REF = ROOT.parent / "shared" / "corpus" / "reference_fr"


def canon(name: str) -> str:
    d = unicodedata.normalize("NFKD", name.strip())
    return "".join(c for c in d if not unicodedata.combining(c)).upper()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REF)
    ap.add_argument("--min-births", type=int, default=20)
    args = ap.parse_args()

    firsts: set[str] = set()
    with open(args.reference / "prenoms_sexe_insee_ofs.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            total = int(row["n_f"] or 0) + int(row["n_m"] or 0)
            name = canon(row["prenom"])
            if total >= args.min_births and len(name) >= 2:
                firsts.add(name)
    (DATA / "first_names.txt").write_text(
        "# First names, INSEE Fichier des prenoms 1900-2025 + OFS 2024 (Licence Ouverte / Etalab 2.0)\n"
        f"# via prenoms_sexe_insee_ofs.csv; kept: >= {args.min_births} births. "
        "Regenerate: scripts/update_data/person_names.py\n"
        + "\n".join(sorted(firsts)) + "\n", encoding="utf-8")

    surnames: set[str] = set()
    with open(args.reference / "noms_famille_insee2008.txt", encoding="utf-8") as fh:
        for line in fh:
            name = canon(line)
            if len(name) >= 2:
                surnames.add(name)
    (DATA / "surnames.txt").write_text(
        "# Surnames, INSEE Fichier des noms patronymiques (noms2008nat, births 1891-2000), Licence Ouverte\n"
        "# Regenerate: scripts/update_data/person_names.py\n"
        + "\n".join(sorted(surnames)) + "\n", encoding="utf-8")
    print(f"first_names.txt: {len(firsts)} names; surnames.txt: {len(surnames)} names")


if __name__ == "__main__":
    main()
