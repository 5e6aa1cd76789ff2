"""Lexicon matching shared by the term-list detectors (conditions, drugs, insurers, analyses).

Written here rather than taken from a library: a term list compiled to one prefix-tree regex
over length-preserving folded text is the core of detection (offsets must stay valid for
redaction, and Aho-Corasick packages give no whole-word, flexible-space matching).

* :func:`term_regex` ``(folded_term) -> str``: regex source of one folded term, with flexible
  spaces, hyphens and apostrophes.
* :func:`trie_regex` ``(terms) -> str``: one regex for all terms, shaped as a prefix tree; a
  greedy optional tail makes the longest term win.
* :func:`prefix_prefilter` ``(terms) -> str``: a detector prefilter (see
  :mod:`sentinelle.detectors.base`) for a term list: the literal start of each term's first word.
* :func:`load_terms` ``(name) -> dict[str, tuple[bool, bool]]``: a data file of terms with the
  ``=`` (upper case only) and ``?`` (ambiguous) markers, keyed by folded term.
"""

from __future__ import annotations

import re
from typing import Iterable

from sentinelle import data
from sentinelle.detectors.base import fold


def term_regex(term: str) -> str:
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


def trie_regex(terms: Iterable[str]) -> str:
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
        alts = [term_regex(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


def prefix_prefilter(terms: Iterable[str], width: int = 5) -> str:
    """Prefilter source for folded ``terms`` matched by :func:`term_regex`: an alternation of the
    first ``width`` characters of each term's first word (cut at a space, hyphen or apostrophe,
    the only characters :func:`term_regex` does not take literally). Every match of a term
    holds its prefix as written, so the prefilter fires wherever a term can match; a list of
    short literals compiles in milliseconds where the whole term trie takes seconds in
    hyperscan. Raises ``ValueError`` for a term that starts with a separator."""
    prefixes = set()
    for t in terms:
        head = re.split(r"[ \-'’]", t, maxsplit=1)[0][:width]
        if not head:
            raise ValueError(f"term {t!r} starts with a separator: no literal prefix")
        prefixes.add(head)
    # a prefix that holds a shorter one is redundant: the shorter one fires wherever it does
    kept = sorted(p for p in prefixes if not any(q != p and q in p for q in prefixes))
    return trie_regex(kept)  # a prefix tree: Python's re tries each character once per position


def canonical(term: str) -> str:
    """The key of a term or of matched folded text: folded, hyphens/apostrophes as spaces."""
    return " ".join(re.sub(r"[\-'’]", " ", fold(term)).split())


def load_terms(name: str) -> dict[str, tuple[bool, bool]]:
    """Terms of data file ``name`` (``|``-separated synonyms, ``#`` comments) by folded form:
    ``(upper_only, ambiguous)`` from the ``=`` and ``?`` prefixes. A term listed twice keeps the
    most permissive reading. A ``category:`` prefix before the synonyms is ignored here."""
    terms: dict[str, tuple[bool, bool]] = {}
    for line in data.lines(name):
        if re.match(r"^[a-z_]+:\s", line):
            line = line.split(":", 1)[1]
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
            prev = terms.get(key)
            terms[key] = (upper_only and prev[0], ambiguous and prev[1]) if prev else (upper_only, ambiguous)
    return terms


_TOKEN = re.compile(r"[0-9a-zµμβ]+")
_SOFT_GAP = re.compile(r"[\s\u00a0\-'’]{1,3}")


class WordLexicon:
    """A large term list matched word by word: a dict of token prefixes instead of one regex.

    Python's regex compiler is slow on a 10,000-term alternation (seconds per detector
    instance); a set of token prefixes is built in milliseconds and matches in one linear pass.
    Terms and text are compared as folded tokens (``[0-9a-z]+`` after :func:`fold`), so spaces,
    hyphens and apostrophes between words are interchangeable ("lévodopa-carbidopa" matches
    "levodopa carbidopa"); words joined by other punctuation (",", ".", "/") are not one term.

    ``terms``: folded term -> value. :meth:`finditer` yields ``(start, end, value)`` for the
    longest term at each position, left to right, without overlaps.
    """

    def __init__(self, terms: dict[str, object]) -> None:
        self._values: dict[str, object] = {}
        self._prefixes: set[str] = set()
        for term, value in terms.items():
            tokens = _TOKEN.findall(fold(term))
            if not tokens:
                continue
            key = " ".join(tokens)
            self._values.setdefault(key, value)
            for n in range(1, len(tokens)):
                self._prefixes.add(" ".join(tokens[:n]))

    def finditer(self, folded: str):
        """Matches in ``folded`` (:func:`fold_keep_length` of the text: offsets are the text's)."""
        words = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(folded)]
        values, prefixes = self._values, self._prefixes
        i, n = 0, len(words)
        while i < n:
            key = words[i][2]
            best = (i, values[key]) if key in values else None
            j = i
            while key in prefixes and j + 1 < n:
                gap = folded[words[j][1]:words[j + 1][0]]
                if not _SOFT_GAP.fullmatch(gap):
                    break
                j += 1
                key = f"{key} {words[j][2]}"
                if key in values:
                    best = (j, values[key])
            if best is None:
                i += 1
                continue
            yield words[i][0], words[best[0]][1], best[1]
            i = best[0] + 1


def keep_longest(cands: list[tuple[int, int, float, str]]) -> list[tuple[int, int, float, str]]:
    """Non-overlapping ``(start, end, score, pattern)`` candidates, the longest first (then the
    higher score, then the earlier); returned sorted by start. O(n log n)."""
    import bisect

    order = sorted(cands, key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, float, str]] = []
    for c in order:
        i = bisect.bisect_left(starts, c[0])
        if i > 0 and kept[i - 1][1] > c[0]:
            continue
        if i < len(kept) and kept[i][0] < c[1]:
            continue
        starts.insert(i, c[0])
        kept.insert(i, c)
    return kept
