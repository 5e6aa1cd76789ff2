"""The lists the generator draws from, loaded from ``sentinelle/data/synth/`` (sources in
``data/synth/SOURCES.md``). Loaded once per :func:`sentinelle.synth.generate` call into frozen
objects; nothing is cached at module level."""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

_PACKAGE = "sentinelle.data"


@dataclass(frozen=True, slots=True)
class Commune:
    code: str  # INSEE code (2A004, 97105, 75111 ...)
    name: str
    dep: str
    postcodes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    prevalence: float  # probability per person
    forms: tuple[str, ...]  # written variants


@dataclass(frozen=True, slots=True)
class Analysis:
    code: str
    label: str
    unit: str
    low: float
    high: float
    decimals: int


@dataclass(frozen=True, slots=True)
class LabName:
    folder: str
    name: str
    dep: str
    city: str


@dataclass(frozen=True, slots=True)
class Weighted:
    """Items with cumulative weights, for ``random.choices(items, cum_weights=cum)``."""

    items: tuple
    cum: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SynthLists:
    first_f: Weighted
    first_m: Weighted
    surnames: tuple[str, ...]
    frequent_surnames: tuple[str, ...]
    metro: Weighted  # communes of metropolitan France incl. Corsica, by population
    corsica: Weighted
    overseas: Weighted
    countries: Weighted  # (code, name)
    postcodes: frozenset[str]
    conditions: tuple[Condition, ...]
    streets: tuple[str, ...]
    insurers: tuple[str, ...]
    analyses: tuple[Analysis, ...]
    copy_names: tuple[str, ...]
    labs: tuple[LabName, ...]
    headers: Mapping[str, Mapping[str, str]]  # style -> field -> header
    phrases: Mapping[str, tuple[str, ...]]  # kind -> templates


def _text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath("synth", name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    return [l.strip() for l in _text(name).splitlines() if l.strip() and not l.startswith("#")]


def _rows(name: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("\n".join(_lines(name))), delimiter=delimiter))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _weighted(pairs) -> Weighted:
    pairs = [(item, w) for item, w in pairs if w > 0]
    return Weighted(tuple(p[0] for p in pairs), tuple(itertools.accumulate(float(p[1]) for p in pairs)))


def load() -> SynthLists:
    """Read every list of ``data/synth/`` (about 0.3 s)."""
    accents = {_fold(n): n for n in _lines("prenoms_accents.txt")}
    first = _rows("prenoms.csv")
    for r in first:
        r["prenom"] = accents.get(r["prenom"], r["prenom"])
    communes = []
    for r in _rows("communes.csv"):
        name = r["nom"].split(" ")[0] if r["nom"].endswith(" Arrondissement") else r["nom"]  # "Paris 11e ..."
        c = Commune(r["code_insee"], name, r["departement"], tuple(r["codes_postaux"].split()))
        communes.append((c, int(r["population"])))
    metro = [(c, p) for c, p in communes if not c.dep.startswith("97")]
    corsica = [(c, p) for c, p in communes if c.dep in ("2A", "2B")]
    overseas = [(c, p) for c, p in communes if c.dep.startswith("97")]
    conditions = []
    for line in _lines("conditions.txt"):
        prev, *forms = [x.strip() for x in line.split("|")]
        conditions.append(Condition(float(prev) / 100, tuple(forms)))
    headers: dict[str, dict[str, str]] = {}
    for r in _rows("headers.csv", ";"):
        for style, value in r.items():
            if style != "field":
                headers.setdefault(style, {})[r["field"]] = value
    phrases: dict[str, list[str]] = {}
    for line in _lines("phrases.txt"):
        kind, template = line.split("|", 1)
        phrases.setdefault(kind, []).append(template)
    return SynthLists(
        first_f=_weighted((r["prenom"], int(r["n_f"])) for r in first),
        first_m=_weighted((r["prenom"], int(r["n_m"])) for r in first),
        surnames=tuple(_lines("noms.txt")),
        frequent_surnames=tuple(_lines("noms_frequents.txt")),
        metro=_weighted(metro),
        corsica=_weighted(corsica),
        overseas=_weighted(overseas),
        countries=_weighted(((r["code"], r["nom"]), int(r["poids"])) for r in _rows("pays.csv")),
        postcodes=frozenset(pc for c, _ in communes for pc in c.postcodes),
        conditions=tuple(conditions),
        streets=tuple(_lines("rues.txt")),
        insurers=tuple(_lines("mutuelles.txt")),
        analyses=tuple(
            Analysis(r["code"], r["libelle"], r["unite"], float(r["bas"]), float(r["haut"]), int(r["decimales"]))
            for r in _rows("analyses.csv", ";")
        ),
        copy_names=tuple(_lines("copies.txt")),
        labs=tuple(LabName(r["folder"], r["nom"], r["departement"], r["ville"]) for r in _rows("labs.csv", ";")),
        headers=MappingProxyType({k: MappingProxyType(v) for k, v in headers.items()}),
        phrases=MappingProxyType({k: tuple(v) for k, v in phrases.items()}),
    )
