"""LOCATION detector: French communes (cities, towns, villages) in text and in town columns.

Rule source: the official list of communes, INSEE Code officiel géographique 2026 with the INSEE
population légale (Licence Ouverte), shipped as ``data/communes.txt`` with two flags computed by
``scripts/update_data/communes.py`` (see data/SOURCES.md): ``w`` the name is mostly a common word
(its lower-case form is more frequent than the capitalised one in a web corpus: "Tours",
"Orange", "Sens", "Eu", "Y") and ``f`` it is a usual first name ("Nancy", "Albert"). Names are
matched folded (accents, case), with hyphens, spaces and apostrophes as one separator and the
La Poste abbreviations "St"/"Ste" for "Saint"/"Sainte": "ST-DENIS", "Nogent sur Marne",
"L'Hay-les-Roses" and "au Havre" (article contracted) are found. A "CEDEX" suffix with its
office number and a district number after Paris, Lyon and Marseille ("PARIS 11", "Lyon 3e")
belong to the span (the EDS-Pseudo VILLE convention); the postcode does not (FR_POSTAL_CODE).

Ambiguity is the problem: 35,000 names include "Y", "Eu", "Bar", "Mars", "Marie". So the
evidence around a listed name decides its score, strongest first:

a. a postcode right before or after ("75012 Paris", "33000, Bordeaux", "Paris 75015", also the
   shapes "92 100" and "2A 069"): 0.85; a capitalised name that is not on the list right after a
   *listed* postcode ("93000 THIELLES", a locality or a misspelt town) still is one: 0.6;
b. a residence or birth cue right before ("né à", "domicilié à", "habite", "résidant à",
   "originaire de", "ville de", "commune de", "lieu de naissance :", "born in"): 0.8, flagged
   names included ("Lieu de naissance : Tours"), one-letter names excluded ("né à Y", "né à X");
c. a place preposition right before ("à", "au", "dans", "in", "at", "from"): 0.7, or 0.55 for a
   flagged name of at least 10,000 inhabitants ("à Tours"), never for a smaller flagged one;
   after "de", "d'", "près de", "vers", "depuis" (also the particle of a surname): 0.6 for an
   unflagged name of at least 2,000 inhabitants, and never right after a type of way ("route de
   Lyon" is part of a street address);
d. otherwise an unflagged name of at least 20,000 inhabitants: 0.4, below the default
   ``min_score``: only context words (``ville``, ``domicile``, ``adresse``, ``city``...) make it
   a finding. Flagged or smaller names alone are never reported.

Tables: under a town header (``ville``, ``commune``, ``city``, ``lieu de naissance``... not
``code_commune``) a listed commune scores 0.8, any other name-shaped cell 0.6 (a foreign city,
a locality), before the header boost.

Error preference: a leak scanner prefers a false positive with a low score to a miss, but a town
alone identifies nobody and commune names collide with words and names everywhere: evidence
first, and a bare name stays below the default threshold.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold, fold_keep_length
from sentinelle.detectors.postal_code import postal_codes
from sentinelle.finding import Validation

_WORD = re.compile(r"[^\W\d_]+")
_SEP = re.compile(r"[ \u00a0]{0,2}[\-'’][ \u00a0]{0,2}|[ \u00a0]{1,2}")
_KEY_SPLIT = re.compile(r"[\s\-'’]+")
_ABBREV = {"st": "saint", "ste": "sainte"}
#: postcode shapes before a town: 75011, "92 100", "2A 069", "2B784", then ", " or " - "
_CODE_BEFORE = re.compile(
    r"(?<![\w.,])(?P<code>\d{5}|\d{2}[ \u00a0]\d{3}|2[ABab][ \u00a0]?\d{3})"
    r"(?:[ \u00a0]*[,\-][ \u00a0]*|[ \u00a0]{1,3})$")
_CODE_AFTER = re.compile(r"(?:[ \u00a0]*,)?[ \u00a0]{1,3}(?:\d{5}|\d{2}[ \u00a0]\d{3})(?![\w])")
_CODE_DIRECT = re.compile(r"[ \u00a0]{1,3}(?:\d{5}|\d{2}[ \u00a0]\d{3})(?![\w])")
_LINK_BEFORE = re.compile(r"(?<![a-z])(?:de|du|des|la|le|les|l'|d'|aux|sur|sous|en)[ \u00a0]*$")
_CEDEX = re.compile(r"[ \u00a0]{1,3}(?:cedex|CEDEX|Cedex)(?:[ \u00a0]{1,2}\d{1,3}(?![\w]))?")
_DISTRICT = re.compile(r"[ \u00a0]{1,2}\d{1,2}(?:e|er|eme|ème|ᵉ)?(?:[ \u00a0]+arrondissement)?(?![\w])",
                       re.IGNORECASE)
_DISTRICT_CITIES = frozenset({"paris", "lyon", "marseille"})
# cues before the name, matched on folded text ending right before it
_STRONG = re.compile(
    r"(?<![a-z])(?:nee?s?[ \u00a0]+(?:a|au)|domicilie(?:e|s|es)?[ \u00a0]+(?:a|au)|"
    r"demeurant[ \u00a0]+(?:a|au)|residant[ \u00a0]+(?:a|au)|reside[ \u00a0]+(?:a|au)|"
    r"habite(?:nt)?(?:[ \u00a0]+(?:a|au))?|habitant[ \u00a0]+(?:a|au)|vit[ \u00a0]+(?:a|au)|"
    r"vivant[ \u00a0]+(?:a|au)|originaire[ \u00a0]+(?:de|d'|du)|(?:ville|commune|mairie)"
    r"[ \u00a0]+(?:de|d'|du)|lieu[ \u00a0]+de[ \u00a0]+naissance[ \u00a0]*:?|"
    r"born[ \u00a0]+in|lives?[ \u00a0]+in|living[ \u00a0]+in|resides?[ \u00a0]+in)"
    r"[ \u00a0]*$")
_PREP = re.compile(r"(?<![a-z'])(?:a|au|aux|dans|in|at|from)[ \u00a0]+$")
_DE = re.compile(r"(?<![a-z'])(?:de|du|des|d'|pres[ \u00a0]+de|vers|depuis)[ \u00a0]*$")
_CONTRACTED = re.compile(r"(?<![a-z'])(?P<art>au|du|aux|des)[ \u00a0]+$")
_AFTER_WAY = re.compile(
    r"(?<![a-z])(?:rue|avenue|av|bd|boulevard|place|pl|allee|impasse|chemin|quai|cours|square|"
    r"route|rte|voie|passage|sentier|faubourg|fbg|residence|cite|lotissement|hameau|porte|gare|"
    r"pont|parc|stade|ecole|lycee|college|universite|hopital|clinique|centre|institut)"
    r"\.?[ \u00a0]+(?:de|du|des|d')[ \u00a0]*$")
_NOT_TOWN = frozenset({
    "eur", "euro", "euros", "usd", "chf", "gbp", "fcfa", "xpf", "ht", "ttc", "km", "kg", "mg",
    "ml", "mm", "cm", "ko", "mo", "go", "ui", "pts", "points", "habitants", "patients", "tel",
    "fax", "cedex", "bp", "cs", "france",
})
_CELL = re.compile(r"[^\W\d_][\w'’.\- \u00a0]*")


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune name of the list: ``name`` as written by INSEE, the largest ``population``
    among the communes of that name (0 for former communes only), its ``flags``."""

    name: str
    population: int
    flags: str

    @property
    def flagged(self) -> bool:
        """A common word or a usual first name."""
        return "w" in self.flags or "f" in self.flags


def commune_key(name: str) -> str:
    """Matching key of a commune name: folded, separators as one space, "st" -> "saint"."""
    words = _KEY_SPLIT.split(fold(name).replace("œ", "oe").replace("æ", "ae").strip(" -'’"))
    return " ".join(_ABBREV.get(w, w) for w in words if w)


@dataclass(frozen=True, slots=True)
class CommuneIndex:
    """The commune list by key; ``prefixes`` holds every word-prefix of every key."""

    by_key: dict[str, Commune]
    prefixes: frozenset[str]
    max_words: int

    def get(self, key: str) -> Commune | None:
        return self.by_key.get(key)


@functools.cache
def communes() -> CommuneIndex:
    """The commune list of ``data/communes.txt`` (loaded once per process, read-only)."""
    by_key: dict[str, Commune] = {}
    prefixes: set[str] = set()
    max_words = 1
    for line in data.lines("communes.txt"):
        name, pop, *rest = line.split("\t")
        c = Commune(name, int(pop or 0), rest[0] if rest else "")
        key = commune_key(name)
        old = by_key.get(key)
        if old is None or c.population > old.population:
            by_key[key] = c
        words = key.split(" ")
        max_words = max(max_words, len(words))
        for i in range(1, len(words)):
            prefixes.add(" ".join(words[:i]))
    return CommuneIndex(by_key, frozenset(prefixes), max_words)


def _cap(tok: str) -> bool:
    return tok[:1].isupper()


class LocationDetector(Detector):
    """French communes with evidence (see the module docstring)."""

    validation_rule = "commune list + postcode or cue"
    rule_source = "INSEE Code officiel géographique 2026"
    #: a letter (every match starts on a capitalised word; case is gone once folded)
    prefilter = r"[A-Za-z\u0080-\U0010ffff]"
    name = "fr.commune"
    entity = "LOCATION"
    context_words = (
        "ville", "commune", "domicile", "domicilie", "domiciliee", "demeurant", "residant",
        "residente", "habite", "lieu de naissance", "ne a", "nee a", "adresse", "cedex",
        "localite", "city", "town", "born in", "lives in", "address", "hometown",
    )
    header_pattern = (
        r"^(?!(?:.*_)?(?:code|cod|insee|num|numero|id|nb|pop|population|cp)_)"
        r".*(?:^|_)(?:ville|villes|commune|communes|city|cities|town|localite|locality|"
        r"municipality|lieu_de_naissance|lieu_naissance|ville_naissance|ville_de_naissance|"
        r"commune_naissance|commune_de_naissance|birthplace|place_of_birth|agglomeration)(?:_|$)"
    )
    header_required = True
    header_value_threshold = 0.3
    examples = Examples(
        positives=(
            ("Appartement 68, 200 avenue Jean Jaurès, 69007 Lyon", "Lyon"),      # cases pb-025
            ("12 rue de Rivoli 75001 PARIS CEDEX 01", "PARIS CEDEX 01"),
            ("Patient né à Bordeaux le 3 mars", "Bordeaux"),
            ("domiciliée à Saint-Étienne-du-Rouvray depuis 2010", "Saint-Étienne-du-Rouvray"),
            ("il habite L'Haÿ-les-Roses", "L'Haÿ-les-Roses"),
            ("transféré au Havre hier", "Havre"),
            ("Consultation à Nogent sur Marne prévue", "Nogent sur Marne"),
        ),
        negatives=(
            "Oui, le patient a bu un verre au Bar.",      # common words that are communes
            "Revu en Mars pour bilan.",
            "Appeler Marie demain.",                     # a first name that is a commune
            "Horodatage 2024-11-05 08:42:13.120000 ; prélèvement effectué.",  # pb-022
            "Le Havre",                                  # a bare name: below the threshold
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._index = communes()
        self._codes = postal_codes()
        from sentinelle.detectors.street_address import street_types  # one list of types of way
        # a name inside a way name ("42 rue de Belleville", "17 AVENUE GABRIEL PERI"): up to
        # five words after a type of way on the same line, no comma or digit in between
        self._in_street = re.compile(
            rf"(?<![a-z])(?:{street_types().regex})(?![a-z])\.?[ \u00a0]+"
            r"(?:(?!(?:a|au|aux|dans|en|pres|vers|nord|sud|est|ouest|pour|chez)[ \u00a0])"
            r"[^\s,;:()\d]+[ \u00a0]+){0,5}$")

    # -- text path -------------------------------------------------------------------------
    def find(self, text: str) -> Iterator[Match]:
        index = self._index
        prefixes = index.prefixes
        folded = fold_keep_length(text)
        toks = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        n = len(toks)
        i = 0
        while i < n:
            s, e = toks[i]
            if not _cap(text[s]):
                i += 1
                continue
            # longest listed name from token i: words joined by a space, hyphen or apostrophe
            best: tuple[int, Commune] | None = None
            key = ""
            j = i
            while j < n:
                word = folded[toks[j][0]:toks[j][1]].replace("œ", "oe").replace("æ", "ae")
                word = _ABBREV.get(word, word)
                key = f"{key} {word}" if key else word
                c = index.by_key.get(key)
                if c is not None:
                    best = (j, c)
                if key not in prefixes or j + 1 >= n or j - i + 1 >= index.max_words:
                    break
                if _SEP.fullmatch(text, toks[j][1], toks[j + 1][0]) is None:
                    break
                j += 1
            found = None
            if best is not None:
                found = self._score(text, folded, s, toks[best[0]][1], best[1])
            if found is None and best is None:
                found = self._contracted(text, folded, toks, i)
            if found is None:
                found = self._unlisted_after_code(text, folded, toks, i)
            if found is not None:
                yield found
                end = found.end
                while i < n and toks[i][0] < end:
                    i += 1
                continue
            i += 1

    def _suffix_end(self, text: str, end: int, key: str) -> int:
        m = _CEDEX.match(text, end)
        if m:
            return m.end()
        if key in _DISTRICT_CITIES:
            m = _DISTRICT.match(text, end)
            if m and not _CODE_AFTER.match(text, end):
                return m.end()
        return end

    def _score(self, text: str, folded: str, start: int, end: int, c: Commune) -> Match | None:
        key = commune_key(text[start:end])
        if len(key) < 2:
            return None  # "Y": a letter, even after "né à" (an anonymised "né à X")
        end2 = self._suffix_end(text, end, key)
        before = folded[max(0, start - 40):start]
        if self._in_street.search(before) and not self._town_ends_street(text, folded, start, end2, c):
            return None
        norm = fold(c.name)
        if _CODE_BEFORE.search(before) or _CODE_AFTER.match(text, end2):
            return Match(start, end2, 0.85, Validation.VALID, "code_town", norm)
        if _STRONG.search(before):
            return Match(start, end2, 0.8, Validation.VALID, "cue_town", norm)
        if _PREP.search(before):
            if not c.flagged:
                return Match(start, end2, 0.7, Validation.VALID, "prep_town", norm)
            if c.population >= 10_000:
                return Match(start, end2, 0.55, Validation.VALID, "prep_town_ambiguous", norm)
            return None
        if _DE.search(before):
            if not c.flagged and c.population >= 2_000 and not _AFTER_WAY.search(before):
                return Match(start, end2, 0.6, Validation.VALID, "de_town", norm)
            return None
        if not c.flagged and c.population >= 20_000 and len(key) >= 3:
            return Match(start, end2, 0.4, Validation.VALID, "town", norm)
        return None

    @staticmethod
    def _town_ends_street(text: str, folded: str, start: int, end: int, c: Commune) -> bool:
        """"255 Rue Pierre Charlot Paris 75015": a town between a way name and its postcode
        (the rule of StreetAddressDetector._cut_town: unflagged, 1,000 inhabitants or more,
        not right after a link word as in "rue de Belleville 75020")."""
        if c.flagged or c.population < 1000 or not _CODE_DIRECT.match(text, end):
            return False
        return _LINK_BEFORE.search(folded, max(0, start - 6), start) is None

    def _contracted(self, text, folded, toks, i) -> Match | None:
        """'au Havre', 'du Touquet': the article of 'Le Havre' merged with à/de."""
        s, e = toks[i]
        m = _CONTRACTED.search(folded, max(0, s - 6), s)
        if not m:
            return None
        art = "les" if m.group("art") in ("aux", "des") else "le"
        best = None
        key = art
        j = i
        while j < len(toks) and j - i < self._index.max_words:
            key = f"{key} {folded[toks[j][0]:toks[j][1]]}"
            c = self._index.get(key)
            if c is not None:
                best = (j, c)
            if key not in self._index.prefixes or j + 1 >= len(toks) \
                    or _SEP.fullmatch(text, toks[j][1], toks[j + 1][0]) is None:
                break
            j += 1
        if best is None:
            return None
        c = best[1]
        end = self._suffix_end(text, toks[best[0]][1], key)
        if _CODE_AFTER.match(text, end):
            score = 0.85
        elif _STRONG.search(folded[max(0, s - 40):m.end()] + " ") is not None:
            score = 0.8
        elif c.flagged:
            return None
        elif m.group("art") in ("au", "aux") and c.population >= 5_000:
            score = 0.7  # "transféré au Havre"
        elif c.population >= 10_000:
            score = 0.6  # "la ville du Havre", "le port du Havre"
        else:
            return None  # "au Palais", "du Parc": words first
        return Match(s, end, score, Validation.VALID, "contracted_town", fold(c.name))

    def _unlisted_after_code(self, text, folded, toks, i) -> Match | None:
        """A capitalised name right after a listed postcode: a town missing from the list."""
        s, e = toks[i]
        m = _CODE_BEFORE.search(text, max(0, s - 12), s)
        if m is None or m.group("code").replace(" ", "").replace("\u00a0", "") not in self._codes:
            return None
        if fold(text[s:e]) in _NOT_TOWN or not (text[s:e].istitle() or text[s:e].isupper()):
            return None
        j = i
        while (j + 1 < len(toks) and j - i < 3 and _SEP.fullmatch(text, toks[j][1], toks[j + 1][0])
               and (_cap(text[toks[j + 1][0]]) or folded[toks[j + 1][0]:toks[j + 1][1]]
                    in ("sur", "sous", "en", "les", "le", "la", "de", "du", "des", "d", "l", "aux"))
               and fold(text[toks[j + 1][0]:toks[j + 1][1]]) not in _NOT_TOWN):
            j += 1
        while j > i and not _cap(text[toks[j][0]]):
            j -= 1
        end = self._suffix_end(text, toks[j][1], "")
        return Match(s, end, 0.6, Validation.NONE, "code_unlisted_town", fold(text[s:toks[j][1]]))

    # -- table path ------------------------------------------------------------------------
    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return super().match_cell(value, header_hit)
        stripped = value.strip()
        if not stripped or not _CELL.fullmatch(stripped):
            return None
        lead = len(value) - len(value.lstrip())
        body = stripped
        m = re.search(r"[ \u00a0]+(?:cedex|CEDEX|Cedex)(?:[ \u00a0]+\d{1,3})?$", body)
        key = commune_key(body[:m.start()] if m else body)
        if fold(body) in _NOT_TOWN or not key:
            return None
        c = self._index.get(key)
        if c is not None:
            return Match(lead, lead + len(body), 0.8, Validation.VALID, "town_cell", fold(c.name))
        return Match(lead, lead + len(body), 0.6, Validation.NONE, "name_cell", self.normalize(body))

    def normalize(self, value: str) -> str:
        """The commune key ("ST-DENIS" and "Saint Denis" hash alike)."""
        return commune_key(value)
