"""Regenerate the generator's derived lists in ``sentinelle/data/synth/`` from the public French
reference lists (see ``data/synth/SOURCES.md``).

Usage: ``python -m sentinelle.synth.update_data /path/to/reference_fr``

Only ``prenoms.csv``, ``noms.txt`` and ``communes.csv`` are derived; the other files in
``data/synth/`` are hand-written and documented in SOURCES.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

MIN_BIRTHS = 1000  # first names given to at least this many children (INSEE 1900-2025 + OFS)
SURNAME_STEP = 4  # keep every 4th surname of the alphabetical INSEE list


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _cp1252_ok(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def build(ref: Path, out: Path) -> None:
    with (ref / "prenoms_sexe_insee_ofs.csv").open(encoding="utf-8") as fh, (
        out / "prenoms.csv"
    ).open("w", encoding="utf-8", newline="") as dst:
        dst.write("# derived from prenoms_sexe_insee_ofs.csv (INSEE Fichier des prenoms + OFS), see SOURCES.md\n")
        dst.write("prenom,n_f,n_m\n")
        for row in csv.DictReader(fh):
            name = row["prenom"]
            if not name.replace("-", "").isalpha() or len(name) < 2:
                continue
            f, m = int(row["n_f"]), int(row["n_m"])
            if f + m >= MIN_BIRTHS:
                dst.write(f"{_title(name)},{f},{m}\n")
    with (ref / "noms_famille_insee2008.txt").open(encoding="utf-8") as fh, (
        out / "noms.txt"
    ).open("w", encoding="utf-8") as dst:
        dst.write("# every 4th simple surname of noms_famille_insee2008.txt (INSEE noms2008nat), see SOURCES.md\n")
        kept = 0
        for line in fh:
            name = line.strip()
            if 3 <= len(name) <= 14 and name.isalpha() and name.isascii():
                if kept % SURNAME_STEP == 0:
                    dst.write(name + "\n")
                kept += 1
    with (ref / "communes_cog_2026.csv").open(encoding="utf-8") as fh, (
        out / "communes.csv"
    ).open("w", encoding="utf-8", newline="") as dst:
        dst.write("# derived from communes_cog_2026.csv (COG 2026, @etalab/decoupage-administratif), see SOURCES.md\n")
        dst.write("code_insee,nom,departement,codes_postaux,population\n")
        for row in csv.DictReader(fh):
            if row["type"] not in ("commune-actuelle", "arrondissement-municipal"):
                continue
            if row["code_insee"] in ("75056", "13055", "69123"):  # split into arrondissements
                continue
            if not row["codes_postaux"] or not _cp1252_ok(row["nom"]) or "," in row["nom"]:
                continue
            pop = int(row["population"] or 0)
            dst.write(f"{row['code_insee']},{row['nom']},{row['departement']},{row['codes_postaux']},{max(pop, 1)}\n")


if __name__ == "__main__":  # pragma: no cover
    build(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "data" / "synth")
