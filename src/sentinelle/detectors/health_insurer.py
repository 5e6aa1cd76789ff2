"""HEALTH_INSURER detector: the data subject's health insurer or coverage scheme.

Rule source: the hand-built list ``data/health_insurers.txt`` (compulsory schemes and funds of
the Code de la sécurité sociale: CPAM, CGSS, MSA, CNMSS, ENIM, CRPCEN, CAMIEG, SSI/RSI...;
complementary insurers: mutuelles, instituts de prévoyance and insurance companies selling
health cover; the public schemes C2S, CMU-C, ACS, AME). The reference list of organismes
complémentaires (ACPR / Fonds CMU) could not be fetched offline: see data/SOURCES.md and
scripts/update_data/health_insurers.py. Not an art. 9 category on its own, but it sits in the
health category of a report: C2S/CMU-C/AME reveal a low income or an irregular stay, and an
insurer name links a record to a person's cover.

Matching: the matches of one prefix-tree regex over length-preserving folded text, whole
words, longest term first, found by a :class:`~sentinelle.detectors.lexicon.TermTrie` (no regex
to compile; ten times faster on the throughput bench's 3 MB of reports than the regex search). Abbreviations marked ``=`` (CPAM, MSA, AME) count only in capitals; names marked ``?``
("April", "Alan", "régime général", three-letter abbreviations such as "ACS") score 0.4 and need
a context word ("mutuelle", "caisse", "affilié", "tiers payant"...).

Span conventions: a local fund keeps its place, which reveals where the person lives: "CPAM de
Paris", "CPAM du Val-de-Marne", "CPAM 75", "Caisse primaire d'assurance maladie de la
Gironde", "MSA Île-de-France", "CGSS de la Martinique" are one span each. An unlisted mutuelle
or institution de prévoyance is found from its name: "Mutuelle des Motards", "Mutuelle de
France Plus", "Prévoyance Santé Plus" (capitalised words after the generic word "Mutuelle",
"Mutualité" or "Prévoyance"), "Solimut Mutuelle" (one or two capitalised words before it, not
an article or a possessive: "Votre Mutuelle" is none); score 0.6. The bare common noun "mutuelle" ("a une mutuelle") names no
insurer and is not reported. Speed (issue 6): both name patterns are tried only around the
places of the generic word, found with ``str.find`` in the folded text (same matches:
``tests/detectors/test_health_insurer.py``).

Scores: a listed name 0.7, a fund with its place 0.85, an unlisted "Mutuelle X" 0.6,
ambiguous names 0.4.

Error preference: a leak scanner prefers a false positive with a low score to a miss, but
insurer names that are common words are kept below the default threshold without context.

Tables: a header such as ``mutuelle``, ``organisme``, ``caisse``, ``assurance``, ``assureur``,
``amc``, ``amo``, ``regime`` is classified; cells are matched as text.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold, fold_keep_length
from sentinelle.detectors.lexicon import (SMALL_COLUMN, canonical, column_first_run,
                                          finditer_at, keep_longest, load_terms,
                                          match_column_where,
                                          prefix_prefilter, run_may_start, TermTrie)
from sentinelle.finding import Validation

TERM_SCORE = 0.7
AMBIGUOUS_SCORE = 0.4
PLACE_SCORE = 0.85
MUTUELLE_SCORE = 0.6

#: funds whose name is followed by a place ("CPAM de Paris") - folded keys of the list
_LOCAL = frozenset(canonical(k) for k in {"cpam", "caisse primaire d'assurance maladie", "cpcam",
                    "caisse primaire centrale d'assurance maladie", "cgss",
                    "caisse generale de securite sociale", "msa", "mutualite sociale agricole"})
_CAP = r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][\w'’\-]*"
_LINK = r"(?:[ \u00a0\-](?:sur|sous|en|de|du|des|la|le|les|et|d'|l')[ \u00a0\-]?|[ \u00a0\-])"
#: the place after a local fund (original text): "de Paris", "du Val-de-Marne", "75", "Île-de-France"
_PLACE = re.compile(
    rf"(?:[ \u00a0]+(?:de|du|des|d['’])(?:[ \u00a0]+(?:la|l['’]))?[ \u00a0]*|[ \u00a0]+)"
    rf"(?:(?:{_CAP})(?:{_LINK}{_CAP}){{0,3}}|\d{{2,3}}|2[AB])(?![\w])")
#: the capitalised generic words of complementary insurers' names (Code de la mutualité: a
#: "mutuelle"; Code de la sécurité sociale art. L931-1: an "institution de prévoyance"; the
#: "Mutualité" unions), as written in a name ("Mutuelle", "MUTUELLE", "Prévoyance")
_GENERIC = (r"(?:M(?<![\w]M)(?:utuelle|UTUELLE|utualit[ée]|UTUALIT[ÉE])"
            r"|P(?<![\w]P)(?:r[ée]voyance|R[ÉE]VOYANCE))")
#: an unlisted insurer named by a generic word and capitalised words after it: "Mutuelle des
#: Motards", "Mutuelle de France Plus", "Prévoyance Santé Plus" (the lookbehind after the first
#: letter: ``re`` skips ahead to the capitals instead of trying it at every position)
_MUTUELLE = re.compile(
    rf"{_GENERIC}(?:[ \u00a0]+(?:de|du|des|d['’])(?:[ \u00a0]+(?:la|l['’]))?[ \u00a0]*|[ \u00a0]+)"
    rf"{_CAP}(?:{_LINK}{_CAP}){{0,2}}(?![\w])")
#: the same with the capitalised words before the generic word: "Solimut Mutuelle", "Groupe
#: Ouest Prévoyance" (one or two words, not an article or a possessive: "Votre Mutuelle")
_NAMED_BEFORE = re.compile(rf"(?<![\w'’])({_CAP})(?:[ \u00a0]+({_CAP}))?[ \u00a0]+{_GENERIC}(?![\w])")
#: the generic word alone, and its folded literal starts (length-preserving fold: "Prévoyance",
#: "PRÉVOYANCE" -> "prevoyance"): ``str.find`` over the folded text gives the few places where
#: :data:`_MUTUELLE` and :data:`_NAMED_BEFORE` can match (issue 6: searched over the whole text,
#: ``_NAMED_BEFORE`` tried every capital letter: 340 ms on 3 MB of lab reports)
_GENERIC_AT = re.compile(_GENERIC)
_GENERIC_FOLDED = ("mutuel", "mutualit", "prevoyance")
#: the characters a :data:`_NAMED_BEFORE` match is made of (capitalised words and blanks)
_NAME_CHAR = re.compile(r"[\w'’\- \u00a0]").match
_NAME_RUN = re.compile(r"[\w'’\- \u00a0]*")


def _generic_starts(text: str, folded: str) -> list[int]:
    """Ascending starts of :data:`_GENERIC` in ``text`` (``folded``: its length-preserving
    fold): every match of :data:`_MUTUELLE` starts at one, every match of
    :data:`_NAMED_BEFORE` ends with one."""
    starts = set()
    for lit in _GENERIC_FOLDED:
        i = folded.find(lit)
        while i >= 0:
            if _GENERIC_AT.match(text, i) is not None:
                starts.add(i)
            i = folded.find(lit, i + 1)
    return sorted(starts)


def _named_before(text: str, generic: list[int]):
    """``_NAMED_BEFORE.finditer(text)``: a match lies inside one maximal run of
    :data:`_NAME_CHAR` characters holding a generic word (``generic``, ascending), and the
    whole-text search enters each run at its start; each such run is searched alone (its
    bounds are no word characters, so the lookarounds read the same)."""
    done = 0  # end of the last run searched
    n = len(text)
    for g in generic:
        if g < done:
            continue
        a = g
        while a > done and _NAME_CHAR(text, a - 1) is not None:
            a -= 1
        b = _NAME_RUN.match(text, g).end()
        yield from _NAMED_BEFORE.finditer(text, a, b)
        done = min(b + 1, n)
_NOT_A_NAME = frozenset({"sa", "son", "ses", "ma", "mon", "mes", "ta", "ton", "votre", "vos",
                         "notre", "nos", "leur", "leurs", "la", "le", "les", "une", "un", "de",
                         "du", "des", "cette", "ce", "et", "ou", "par", "pour", "avec", "sans",
                         "nouvelle", "ancienne", "caisse", "institution", "institut", "contrat",
                         "garantie", "assurance", "regime"})
#: capitalised words that end a place or a name ("CPAM de Paris Le 12 mars": "Le" stops)
_STOP_WORDS = frozenset({"le", "la", "les", "un", "une", "depuis", "pour", "avec", "et", "ou",
                         "n", "no", "numero", "tel", "adresse", "assure", "assuree", "date"})


def _trim_place(text: str, start: int, end: int) -> int:
    """Cut a matched place before a stop word ("Paris Le 12" -> "Paris")."""
    words = list(re.finditer(r"[\w'’\-]+", text[start:end]))
    cut = end
    for w in words[1:]:
        if fold(w.group(0)) in _STOP_WORDS and w.group(0)[:1].isupper():
            cut = start + w.start()
            break
    return len(text[:cut].rstrip(" \u00a0-"))


def _prefilter_terms(terms):
    """The terms as the prefilter reads them: a name whose first word has two letters or fewer
    by the rest of it ("la mondiale" by "mondiale"). Every match of a term holds each of its
    words as written (:func:`~sentinelle.detectors.lexicon.term_regex`), so the prefilter still
    fires wherever a name can match (session 8, speed: the article "la" fired on every line of
    a report)."""
    for k in terms:
        first, _, rest = k.partition(" ")
        yield rest if rest and len(first) <= 2 else k


class HealthInsurerDetector(Detector):
    validation_rule = "insurer list, place of local funds, context for ambiguous names"
    rule_source = "Code de la sécurité sociale schemes; hand-built list (data/health_insurers.txt)"
    name = "health_insurer"
    entity = "HEALTH_INSURER"
    context_words = (
        "mutuelle", "complementaire", "complementaire sante", "organisme", "caisse", "affiliation",
        "affilie", "affiliee", "adherent", "regime", "amo", "amc", "tiers payant", "carte vitale",
        "attestation", "droits", "couverture", "assure", "assuree", "prise en charge",
        "remboursement", "insurer", "insurance", "health plan",
    )
    header_pattern = (r"mutuelle|organisme|caisse|assurance|assureur|complementaire|(^|_)(amc|amo|"
                      r"regime|insurer|payer|couverture|cpam|org_amo|org_amc)(_|$)")
    examples = Examples(
        positives=(
            ("Assuré CPAM de Paris, tiers payant", "CPAM de Paris"),
            ("Caisse primaire d'assurance maladie du Val-de-Marne", "Caisse primaire d'assurance maladie du Val-de-Marne"),
            ("Mutuelle : Harmonie Mutuelle", "Harmonie Mutuelle"),
            ("bénéficiaire de l'AME depuis 2022", "AME"),
            ("Complémentaire : MGEN", "MGEN"),
            ("adhérent Mutuelle des Motards", "Mutuelle des Motards"),
            ("Complémentaire : Prévoyance Santé Plus", "Prévoyance Santé Plus"),
        ),
        negatives=(
            "Il a une mutuelle.",            # the common noun names no insurer
            "En April, we met.",             # English month, no context
            "l'âme du projet",               # AME only in capitals
            "Alan est venu",                 # first name
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._terms = {canonical(k): v for k, v in load_terms("health_insurers.txt").items()}
        # the matches of the prefix-tree regex of the names, without compiling it (issue 6)
        self._trie = TermTrie(sorted(load_terms("health_insurers.txt")))
        # a listed insurer, or an unlisted "Mutuelle X"; a name after an article ("La Mondiale")
        # by the start of its next word: "la" alone fired on every line (session 8, speed)
        self.prefilter = (prefix_prefilter(_prefilter_terms(load_terms("health_insurers.txt")))
                          + "|mutuelle|mutualite|prevoyance")
        # the literal start of every name (its first word, 5 characters at most), and of an
        # unlisted "Mutuelle X"
        self._heads = frozenset(
            re.match(r"[0-9a-z]*", re.split(r"[ \-'’]", k, maxsplit=1)[0][:5]).group(0)
            for k in load_terms("health_insurers.txt")) | {"mutue", "mutua", "prevo"}

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        found: list[tuple[int, int, float, str]] = []
        trie = self._trie
        pos = 0
        for start in trie.candidates(folded):
            if start < pos:
                continue
            end = trie.match_at(folded, start)
            if end < 0:
                continue
            key = canonical(folded[start:end])
            upper_only, ambiguous = self._terms.get(key, (False, False))
            raw = text[start:end]
            if upper_only and not raw.isupper():
                pos = start + 1
                continue
            score = AMBIGUOUS_SCORE if ambiguous else TERM_SCORE
            pattern = "insurer_list"
            if key in _LOCAL:
                p = _PLACE.match(text, end)
                if p is not None:
                    cut = _trim_place(text, end, p.end())
                    if cut > end and re.search(r"\w", text[end:cut]):
                        end, score, pattern = cut, PLACE_SCORE, "fund_with_place"
            found.append((start, end, score, pattern))
            pos = end
        generic = _generic_starts(text, folded)
        for m in finditer_at(_MUTUELLE, text, generic):
            end = _trim_place(text, m.start(), m.end())
            found.append((m.start(), end, MUTUELLE_SCORE, "mutuelle_name"))
        for m in _named_before(text, generic):
            first, second = (fold(g) if g else None for g in m.group(1, 2))
            if first in _NOT_A_NAME or first in _STOP_WORDS:
                if second is None or second in _NOT_A_NAME or second in _STOP_WORDS:
                    continue
                start = m.start(2)  # "Votre Solimut Mutuelle": the name starts after "Votre"
            else:
                start = m.start()
            found.append((start, m.end(), MUTUELLE_SCORE, "mutuelle_name"))
        for start, end, score, pattern in keep_longest(found):
            yield Match(start, end, score, Validation.NONE, pattern, self.normalize(text[start:end]))

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6). A match covering the cell starts right
        after its leading blanks with the literal start of a listed name's first word (or of
        "Mutuelle"), checked once per distinct 5-character start
        (:func:`~sentinelle.detectors.lexicon.column_first_run`); those cells go through
        :meth:`match_cell`."""
        if len(values) < SMALL_COLUMN:  # the loop is faster on a short column
            return super().match_column(values, header_hit)
        import polars as pl

        heads = self._heads
        if "" in heads:  # a name starting with another character: no cheap rule
            maybe = pl.Series([True] * len(values), dtype=pl.Boolean)
        else:
            maybe = run_may_start(column_first_run(values, 5),
                                  lambda r: any(r[:n] in heads for n in range(1, len(r) + 1)))
            # a name with the generic word after other words ("Solimut Mutuelle")
            maybe = maybe | values.str.contains(r"(?i)mutuel|mutualit|pr[ée]voyance").fill_null(False)
        return match_column_where(self, values, header_hit, maybe)

    def normalize(self, value: str) -> str:
        return canonical(value)
