"""Fakes that agree with each other: a NIR that agrees with a birth date, a postcode and a commune
that belong together (session 8, issue 3 fault 4: test data whose fields contradict each other
are easy to tell from real data, and a fake NIR that keeps the real birth year and month gives
them back beside a shifted birth date).

Rules and sources:

* NIR and birth date (INSEE, "Le numéro d'inscription au répertoire"; décret n° 82-103 du 22
  janvier 1982): character 1 is the sex (1 man, 2 woman; 3/4/7/8 for the temporary NIA, same
  form), characters 2-3 the last two digits of the year of birth, 4-5 the month of birth (01-12;
  20-42 or 50-99 only when the civil status gives no month, which a known birth date rules
  out). :func:`birth_agrees` checks that; :func:`nir_for_birth` makes a NIR with the original's
  sex digit and the year and month of a given (fake) birth date, department, commune and order
  number drawn (metropolitan departments 01-95 but 20, commune 001-899, order 001-999), the key
  97 - (13 digits mod 97), the original's layout (spaces, dots) kept.
* Postcode and commune: the shipped commune list ``data/synth/communes.csv`` (INSEE COG 2026
  with La Poste postcodes, ``codes_postaux``; see data/SOURCES.md): a postcode agrees with a town
  when a commune of that name lists it (:func:`town_agrees`; Paris, Lyon and Marseille are
  listed by arrondissement, "Paris 11e Arrondissement", and agree under the city's name).
  :func:`place` draws a commune of the original postcode's department and one of its own
  postcodes, so the pair written in place of the original agrees.

The caller seeds ``rng`` (the redaction: from a keyed HMAC of the person or the value), as for
``sentinelle.redact.fakes``.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import unicodedata
from datetime import date
from importlib import resources

from sentinelle.identifiers import nir as _nir


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.replace("-", " ").replace("'", " ").replace("’", " ").split())


@functools.lru_cache(maxsize=1)
def _communes() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(name, department, postcodes) of every commune of ``data/synth/communes.csv``; an
    arrondissement of Paris, Lyon or Marseille under its city's name."""
    text = resources.files("sentinelle.data").joinpath("synth", "communes.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO("\n".join(l for l in text.splitlines()
                                                 if l.strip() and not l.startswith("#"))))
    out = []
    for r in rows:
        name = r["nom"].split(" ")[0] if r["nom"].endswith(" Arrondissement") else r["nom"]
        out.append((name, r["departement"], tuple(r["codes_postaux"].split())))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _towns_of_postcode() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for name, _dep, postcodes in _communes():
        for pc in postcodes:
            index.setdefault(pc, set()).add(_fold(name))
    return {pc: frozenset(v) for pc, v in index.items()}


def town_agrees(postcode: str, town: str) -> bool:
    """True when a commune named ``town`` (case, accents, hyphens ignored) lists ``postcode``."""
    return _fold(town) in _towns_of_postcode().get(postcode.strip(), frozenset())


def _department(postcode: str) -> str:
    """The department a postcode's commune lists (2A/2B for 20xxx), else its first 2 digits
    (3 overseas)."""
    for name, dep, postcodes in _communes():
        if postcode in postcodes:
            return dep
    return postcode[:3] if postcode.startswith("97") else postcode[:2]


def place(postcode: str, rng: random.Random) -> tuple[str, str] | None:
    """(postcode, commune name) of another commune of ``postcode``'s department, the postcode
    one of that commune's own; None when the department has no other commune."""
    dep = _department(postcode.strip())
    pool = [(name, pcs) for name, d, pcs in _communes()
            if d == dep and pcs and postcode.strip() not in pcs]
    if not pool:
        return None
    name, pcs = rng.choice(pool)
    return rng.choice(pcs), name


def birth_agrees(nir_value: str, birth: date) -> bool:
    """True when the NIR's year (characters 2-3) and month (4-5) are those of ``birth``."""
    raw = "".join(c for c in nir_value if c.isalnum())
    return (len(raw) in (13, 15) and raw[:5].isdigit() and raw[0] in "123478"
            and raw[1:3] == f"{birth.year % 100:02d}" and raw[3:5] == f"{birth.month:02d}")


def nir_for_birth(nir_value: str, birth: date, rng: random.Random) -> str | None:
    """A NIR with ``nir_value``'s sex digit and the year and month of ``birth``, other
    characters drawn, a valid key, ``nir_value``'s layout kept (13 characters when it was
    written without its key); None when ``nir_value`` is no NIR-shaped value."""
    raw = "".join(c for c in nir_value if c.isalnum()).upper()
    if len(raw) not in (13, 15) or raw[0] not in "123478":
        return None
    for _ in range(50):
        dep = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"
        body = (f"{raw[0]}{birth.year % 100:02d}{birth.month:02d}{dep}"
                f"{rng.randint(1, 899):03d}{rng.randint(1, 999):03d}")
        full = body + _nir.calc_check_digits(body)
        if _nir.is_valid(full) and body != raw[:13]:
            chars = iter(full if len(raw) == 15 else body)
            return "".join(next(chars) if c.isalnum() else c for c in nir_value)
    return None
