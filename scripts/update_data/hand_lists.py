"""Check (and with ``--fix`` tidy) the hand-curated lists of src/sentinelle/data/.

These lists have no upstream file to download: ``person_stopwords.txt`` (common words that are
also names, written for sentinelle) and ``health_conditions.txt`` (condition terms curated from
the WHO ICD-10 / ATIH CIM-10 FR chapter titles, the ALD 30 list and French clinical vocabulary)
and ``drug_classes.txt`` (French names of the ATC therapeutic classes).
"Regenerating" them means editing them by hand and running this script, which checks that:

* every stopword is in folded form (upper case, no accents) and listed once (``--fix``
  folds them and drops duplicates, keeping comments and section order);
* every condition (and drug class) line has non-empty synonyms, no term is listed twice with
  different markers, and no pregnancy term sits in the list (PREGNANCY is a separate label).

Usage::

    python scripts/update_data/hand_lists.py [--fix]
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "sentinelle" / "data"
PREGNANCY = ("grossesse", "enceinte", "pregnan", "gestation ")


def fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).lower()


def check_stopwords(fix: bool) -> list[str]:
    path = DATA / "person_stopwords.txt"
    problems, out, seen = [], [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        w = line.strip()
        if not w or w.startswith("#"):
            out.append(line)
            continue
        canon = fold(w).upper()
        if canon != w:
            problems.append(f"person_stopwords.txt:{n}: {w!r} should be {canon!r}")
        if canon in seen:
            problems.append(f"person_stopwords.txt:{n}: {w!r} listed twice")
            continue
        seen.add(canon)
        out.append(canon)
    if fix:
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return problems


def check_conditions(name: str = "health_conditions.txt") -> list[str]:
    path = DATA / name
    problems, markers = [], {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for raw in line.split("|"):
            term = raw.strip()
            if not term.lstrip("=?"):
                problems.append(f"{name}:{n}: empty synonym")
                continue
            mark = term[: len(term) - len(term.lstrip("=?"))]
            key = " ".join(fold(term.lstrip("=?")).split())
            if any(p in key for p in PREGNANCY):
                problems.append(f"{name}:{n}: pregnancy term {term!r}")
            if key in markers and markers[key] != mark:
                problems.append(f"{name}:{n}: {term!r} listed with other markers")
            markers[key] = mark
    print(f"{name}: {len(markers)} distinct terms")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fix", action="store_true", help="fold and deduplicate the stopwords")
    args = ap.parse_args()
    problems = (check_stopwords(args.fix) + check_conditions()
                + check_conditions("drug_classes.txt"))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems and not args.fix else 0


if __name__ == "__main__":
    sys.exit(main())
