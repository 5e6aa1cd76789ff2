"""Regenerate src/sentinelle/data/postal_codes.txt: every French postal code, one per line.

Source: npm package codes-postaux 4.1.2 (codes-postaux.json; GitHub BaseAdresseNationale/
codes-postaux), MIT package, data derived from INSEE Code officiel géographique and DGFiP FIMOCT
(Licence Ouverte / Etalab). Input: a CSV with a ``code_postal`` column, by default the copy in
``$SENTINELLE_SHARED/corpus/reference_fr/codes_postaux.csv`` (SENTINELLE_SHARED defaults to
``<repo>/../shared``).

Usage: python scripts/update_data/postal_codes.py [INPUT.csv] [OUTPUT.txt]
"""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
DEFAULT_IN = SHARED / "corpus" / "reference_fr" / "codes_postaux.csv"
DEFAULT_OUT = REPO / "src" / "sentinelle" / "data" / "postal_codes.txt"
HEADER = ("# French postal codes (La Poste), one per line, sorted, unique. Source: npm codes-postaux "
          "4.1.2 (BaseAdresseNationale/codes-postaux, MIT; data INSEE COG + DGFiP, Licence Ouverte). "
          "Regenerate with scripts/update_data/postal_codes.py")


def build(src: Path) -> list[str]:
    with src.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh)
        codes = {row["code_postal"].strip().zfill(5) for row in rows if row["code_postal"].strip()}
    bad = sorted(c for c in codes if not re.fullmatch(r"\d{5}", c))
    if bad:
        raise SystemExit(f"{src}: not 5-digit postal codes: {bad[:5]}")
    return sorted(codes)


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_IN
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    codes = build(src)
    out.write_text(HEADER + "\n" + "\n".join(codes) + "\n", encoding="utf-8")
    print(f"{out}: {len(codes)} postal codes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
