"""Regenerate src/sentinelle/data/departments.txt: French departments and their regions.

Source: npm package @etalab/decoupage-administratif 6.0.0 (departements.json, regions.json;
GitHub datagouv/decoupage-administratif), data INSEE Code officiel géographique 2026, Licence
Ouverte / Etalab. Input: the copies in ``$SENTINELLE_SHARED/corpus/reference_fr/``
(SENTINELLE_SHARED defaults to ``<repo>/../shared``). Used by ``sentinelle redact`` to generalise
a postcode to its region (k-anonymity, level 2).

Usage: python scripts/update_data/departments.py [REFERENCE_DIR] [OUTPUT.txt]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
DEFAULT_IN = SHARED / "corpus" / "reference_fr"
DEFAULT_OUT = REPO / "src" / "sentinelle" / "data" / "departments.txt"
HEADER = ("# French departments: code<TAB>name<TAB>region code<TAB>region name (regions and "
          "departments of\n# metropolitan France and the DROM). Source: INSEE COG 2026 via npm "
          "@etalab/decoupage-administratif 6.0.0\n# (Licence Ouverte / Etalab 2.0). Regenerate "
          "with scripts/update_data/departments.py\n")


def build(folder: Path) -> list[str]:
    departments = json.loads((folder / "departements_2026.json").read_text(encoding="utf-8"))
    regions = {r["code"]: r["nom"]
               for r in json.loads((folder / "regions_2026.json").read_text(encoding="utf-8"))}
    rows = []
    for d in departments:
        if d["zone"] not in ("metro", "drom") or d["region"] not in regions:
            continue
        rows.append(f"{d['code']}\t{d['nom']}\t{d['region']}\t{regions[d['region']]}")
    return sorted(rows)


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_IN
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    rows = build(src)
    out.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(rows)} departments)")


if __name__ == "__main__":
    main(sys.argv)
