"""HEALTH_CONDITION detector: diseases, disorders and infections named in text or in a column.

Rule source: the hand-curated lexicon ``data/health_conditions.txt`` (terms from the WHO ICD-10 /
ATIH CIM-10 FR chapter and block titles, the French list of "affections de longue durée" (ALD 30)
and common French clinical vocabulary, with English equivalents; see data/SOURCES.md). GDPR
art. 9 data: a health condition of a named person is a special category.

Matching: one regex alternation built from the lexicon, longest term first, compiled once per
detector instance (as a prefix tree) and run over length-preserving folded text (lower case, no accents, offsets
unchanged), on whole words, with an optional plural ``s``/``x``; so "maladie de Parkinson" and
"syndrome de Guillain-Barré" are one span each (../shared/cases pb-035) and "diabète de type 2"
beats "diabète". Abbreviations marked ``=`` in the lexicon (VIH, HTA, AVC) count only when
written in upper case; short ambiguous ones marked ``?`` (IST, MST) score 0.6, others 0.8.
Negated mentions ("pas de diabète") are still reported: the mention itself is health data.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so the
lexicon keeps broad terms ("cancer", "tumeur", "hépatite") next to the precise ones. Pregnancy
and drug names are left to their own labels.

Tables: a header such as ``diagnostic``, ``pathologie``, ``antecedents``, ``motif``, ``ald`` (or
a column whose values are condition terms) is classified; a cell that is exactly one condition
is one finding, a cell with several goes through the text path.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold
from sentinelle.detectors.base import fold_keep_length
from sentinelle.finding import Validation

#: score of an ordinary lexicon term, and of a short ambiguous one (prefix "?")
TERM_SCORE = 0.8
AMBIGUOUS_SCORE = 0.6


def _term_regex(term: str) -> str:
    """Regex source for a folded ``term``: flexible spaces, hyphens and apostrophes."""
    out = []
    for ch in term:
        if ch == " ":
            out.append(r"[\s\u00a0]+")
        elif ch == "-":
            out.append(r"[\-\s\u00a0]?")
        elif ch in "'’":
            out.append(r"['’ ]?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _trie_regex(terms) -> str:
    """One regex for all ``terms`` shaped as a prefix tree: each character is tried once per
    position instead of once per term, and a greedy optional tail makes the longest term win
    (the regex engine backtracks to a shorter term when the longer one fails its boundary)."""
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [_term_regex(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


class HealthConditionDetector(Detector):
    validation_rule = "lexicon, abbreviations with context"
    rule_source = "hand-built lexicon (data/health_conditions.txt, SOURCES.md)"
    name = "health_condition"
    entity = "HEALTH_CONDITION"
    context_words = (
        "antecedent", "antecedents", "atcd", "diagnostic", "diagnostique", "pathologie",
        "atteint de", "atteinte de", "suivi pour", "suivie pour", "traite pour", "traitee pour",
        "serologie", "depistage", "maladie", "souffre de", "porteur", "porteuse", "ald",
        "history of", "diagnosed", "diagnosis", "suffers from", "screening",
    )
    header_pattern = (
        r"diagnos|patholog|maladie|antecedent|affection|(^|_)(condition|conditions|motif|ald|"
        r"atcd|cim_?10|icd_?10|disease|comorbidites?)(_|$)|comorbid"
    )
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("Suivi pour une maladie de Parkinson, antécédent", "maladie de Parkinson"),       # pb-035
            ("antécédent de syndrome de Guillain-Barré ;", "syndrome de Guillain-Barré"),     # pb-035
            ("patient séropositif pour le VIH depuis 2010", "séropositif pour le VIH"),
            ("Diabète de type 2 équilibré", "Diabète de type 2"),
            ("ATCD : HTA, dyslipidémie", "HTA"),
            ("history of breast cancer", "breast cancer"),
        ),
        negatives=(
            "Bilan sanguin normal, pas d'anomalie relevée.",
            "une goutte de sang",             # "goutte" (drop) is not gout
            "vih",                             # abbreviation in lower case
            "la grossesse se déroule bien",   # pregnancy: separate label
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        terms: dict[str, tuple[float, bool]] = {}
        for line in data.lines("health_conditions.txt"):
            for raw in line.split("|"):
                raw = raw.strip()
                upper_only = ambiguous = False
                while raw[:1] in ("=", "?"):
                    upper_only |= raw[0] == "="
                    ambiguous |= raw[0] == "?"
                    raw = raw[1:]
                if not raw:
                    continue
                key = " ".join(fold(raw).split())
                score = AMBIGUOUS_SCORE if ambiguous else TERM_SCORE
                prev = terms.get(key)
                # the same folded term listed twice: keep the most permissive reading
                terms[key] = (max(score, prev[0]), upper_only and prev[1]) if prev else (score, upper_only)
        self._terms = terms
        self._regexes = {k: re.compile(_term_regex(k) + r"[sx]?") for k in terms}
        self._re = re.compile(rf"(?<![0-9a-z])(?:{_trie_regex(terms)})[sx]?(?![0-9a-z])")

    def _lookup(self, matched_folded: str) -> tuple[float, bool]:
        key = " ".join(re.sub(r"[\-'’]", " ", matched_folded).split())
        for k, v in self._terms.items():
            if self._regexes[k].fullmatch(matched_folded):
                return v
        return self._terms.get(key, (TERM_SCORE, False))

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        pos = 0
        while True:
            m = self._re.search(folded, pos)
            if m is None:
                return
            matched = m.group(0)
            info = self._terms.get(matched) or self._terms.get(matched[:-1]) or self._lookup(matched)
            score, upper_only = info
            raw = text[m.start():m.end()]
            if upper_only and not raw.rstrip("sx").isupper():
                # "vih" in lower case: not the abbreviation; a shorter term may still start here
                pos = m.start() + 1
                continue
            yield Match(m.start(), m.end(), score, Validation.NONE, "lexicon", self.normalize(raw))
            pos = m.end()

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip().rstrip(".;,")
        if not stripped:
            return None
        lead = len(value) - len(value.lstrip())
        end = lead + len(stripped)
        for m in self.find(value):
            if m.start <= lead and m.end >= end:
                return m
            break
        return None

    def normalize(self, value: str) -> str:
        return " ".join(re.sub(r"[\-'’]", " ", fold(value)).split())
