"""Check (and with ``--fix`` normalise) src/sentinelle/data/health_insurers.txt.

The list is hand-built from public knowledge: the reference, the ACPR / Fonds CMU (Fonds de la
complémentaire santé solidaire) list of organismes complémentaires, cannot be fetched offline.
"Regenerating" it means editing it by hand and running this script, which checks that:

* every data line is ``category: synonym | synonym`` with a category among ``national``,
  ``complementary``, ``scheme``;
* no synonym is empty, none is listed twice (folded: lower case, no accents), and an
  upper-case-only term (``=`` prefix) is written in capitals (digits and hyphens allowed);
* ``--fix`` collapses inner whitespace, drops repeated synonyms (the first one stays) and keeps
  comments and line order.

A later version can merge the official list: a CSV export of the ACPR register (column with
the organisation name) given as ``--merge FILE.csv --column NAME`` is added as
``complementary:`` lines for the names not already listed.

Usage::

    python scripts/update_data/health_insurers.py [--fix] [--merge FILE.csv --column NAME]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "src" / "sentinelle" / "data" / "health_insurers.txt"
CATEGORIES = ("national", "complementary", "scheme")


def fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in d if not unicodedata.combining(c)).lower().split())


def check(lines: list[str], fix: bool) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    out: list[str] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
            continue
        m = re.match(r"^([a-z]+):\s*(.*)$", line)
        if not m or m.group(1) not in CATEGORIES:
            problems.append(f"health_insurers.txt:{n}: expected 'category: terms' with category in {CATEGORIES}")
            out.append(line)
            continue
        kept = []
        for raw in m.group(2).split("|"):
            term = " ".join(raw.split())
            bare = term.lstrip("=?")
            if not bare:
                problems.append(f"health_insurers.txt:{n}: empty synonym")
                continue
            if term.startswith("=") or term.startswith("?="):
                if not re.fullmatch(r"[A-Z0-9][A-Z0-9\- ]*", bare):
                    problems.append(f"health_insurers.txt:{n}: '=' term not in capitals: {term!r}")
            key = fold(bare)
            if key in seen:
                problems.append(f"health_insurers.txt:{n}: {bare!r} already on line {seen[key]}")
                continue
            seen[key] = n
            kept.append(term)
        out.append(f"{m.group(1)}: " + " | ".join(kept))
    print(f"health_insurers.txt: {len(seen)} distinct terms")
    return (out if fix else lines), problems


def merge(lines: list[str], csv_path: Path, column: str) -> list[str]:
    known = {fold(t.strip().lstrip("=?")) for l in lines if ":" in l and not l.startswith("#")
             for t in l.split(":", 1)[1].split("|")}
    with csv_path.open(encoding="utf-8", newline="") as fh:
        names = sorted({" ".join(r[column].split()) for r in csv.DictReader(fh) if r.get(column, "").strip()})
    new = [n for n in names if fold(n) not in known]
    return lines + [f"complementary: {n}" for n in new]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fix", action="store_true", help="normalise spacing, drop repeated synonyms")
    ap.add_argument("--merge", type=Path, help="CSV export of the ACPR register to merge")
    ap.add_argument("--column", default="name", help="column of --merge holding the names")
    args = ap.parse_args(argv)
    lines = PATH.read_text(encoding="utf-8").splitlines()
    if args.merge:
        lines = merge(lines, args.merge, args.column)
    lines, problems = check(lines, args.fix)
    for p in problems:
        print(p, file=sys.stderr)
    if args.fix or args.merge:
        PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if problems and not args.fix else 0


if __name__ == "__main__":
    sys.exit(main())
