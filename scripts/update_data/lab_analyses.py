"""Check src/sentinelle/data/lab_analyses.txt, the hand-curated list of laboratory analyses.

The list has no upstream file (LOINC French names are not freely redistributable; the NABM
chapter titles and French lab report vocabulary were used as a guide). "Regenerating" it means
editing it by hand and running this script, which checks that every line has non-empty
synonyms, that a ``=`` term (counted only when written with a capital) holds a capital, and that
no term is listed twice with different markers.

Usage::

    python scripts/update_data/lab_analyses.py
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "src" / "sentinelle" / "data" / "lab_analyses.txt"


def fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in d if not unicodedata.combining(c)).lower().split())


def check() -> list[str]:
    problems: list[str] = []
    markers: dict[str, str] = {}
    for n, line in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for raw in line.split("|"):
            term = raw.strip()
            bare = term.lstrip("=?")
            mark = term[: len(term) - len(bare)]
            if not bare:
                problems.append(f"lab_analyses.txt:{n}: empty synonym")
                continue
            if "=" in mark and bare == bare.lower():
                problems.append(f"lab_analyses.txt:{n}: '=' term without a capital: {term!r}")
            key = fold(bare)
            if key in markers and markers[key] != mark:
                problems.append(f"lab_analyses.txt:{n}: {term!r} listed with other markers")
            markers[key] = mark
    print(f"lab_analyses.txt: {len(markers)} distinct terms")
    return problems


def main() -> int:
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
