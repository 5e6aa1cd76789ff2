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

import functools
import re
from itertools import accumulate, compress
from typing import Iterable

from sentinelle import data
from sentinelle.detectors.base import fold, fold_keep_length


#: in a term given to :func:`term_regex` / :func:`trie_regex`: an optional plural "s" or "x" here
PLURAL = "\x01"


def plural_marked(term: str) -> str:
    """``term`` with :data:`PLURAL` after each word of 3 characters or more ("tumeur benigne"
    -> "tumeur\x01 benigne\x01"): every word may be written in the plural, and
    :func:`singular` takes that letter off again when the match is looked up."""
    return re.sub(r"([0-9a-z]{3,})(?=$|[ \-'’])", "\\1" + PLURAL, term)


def term_regex(term: str) -> str:
    """Regex source for a folded ``term``: flexible spaces, hyphens and apostrophes; an optional
    plural letter where the term holds :data:`PLURAL`."""
    out = []
    for ch in term:
        if ch == PLURAL:
            out.append("[sx]?")
        elif ch == " ":
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
        # the optional plural last: a literal letter ("diabetes" of "diabetes mellitus")
        # is tried before the plural of a shorter word ("diabete" + "s")
        order = sorted(node.items(), key=lambda kv: (kv[0] == PLURAL, kv[0]))
        alts = [term_regex(ch) + emit(child) for ch, child in order if ch]
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
    kept = sorted(p for p in prefixes
                  if not any(p[i:j] in prefixes for i in range(len(p))
                             for j in range(i + 1, len(p) + 1) if j - i < len(p)))
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
_TOKEN_SPLIT = re.compile(r"([0-9a-zµμβ]+)")
_SOFT_GAP = re.compile(r"[\s\u00a0\-'’]{1,3}")


def singular(token: str) -> str:
    """A folded token without one final plural ``s``/``x`` when it is 4 characters or more
    ("infections" -> "infection", "maux" -> "mau"): applied to the terms and to the text alike,
    so only the comparison depends on it (the regular French and English plurals)."""
    return token[:-1] if len(token) > 3 and token[-1] in "sx" else token


class WordLexicon:
    """A large term list matched word by word: a dict of token prefixes instead of one regex.

    Python's regex compiler is slow on a 10,000-term alternation (seconds per detector
    instance); a set of token prefixes is built in milliseconds and matches in one linear pass.
    Terms and text are compared as folded tokens (``[0-9a-z]+`` after :func:`fold`), so spaces,
    hyphens and apostrophes between words are interchangeable ("lévodopa-carbidopa" matches
    "levodopa carbidopa"); words joined by other punctuation (",", ".", "/") are not one term.

    ``terms``: folded term -> value.
    :meth:`finditer` yields ``(start, end, value)`` for the longest accepted term at each
    position, left to right, without overlaps.

    Speed: the text's tokens are listed once by the C regex engine (``findall``) and intersected
    with the set of first words; a text without a first word costs nothing more, and only the
    tokens that are first words are visited (:meth:`_scan_few`, :meth:`_scan_many`).
    """

    def __init__(self, terms: dict[str, object]) -> None:
        self._values: dict[str, object] = {}
        self._prefixes: set[str] = set()
        firsts: set[str] = set()
        for term, value in terms.items():
            tokens = _TOKEN.findall(fold(term))
            if not tokens:
                continue
            key = " ".join(tokens)
            self._values.setdefault(key, value)
            firsts.add(tokens[0])
            for n in range(1, len(tokens)):
                self._prefixes.add(" ".join(tokens[:n]))
        #: the first words of the terms: a match starts with one of them
        self.first_words = frozenset(firsts)

    def finditer(self, folded: str, accept=None):
        """Matches in ``folded`` (:func:`fold_keep_length` of the text: offsets are the text's).
        ``accept(start, end, value) -> bool``, when given, rejects a term; a shorter accepted
        term at the same position is then taken."""
        hits = self.first_words.intersection(_TOKEN.findall(folded))
        if not hits:
            return
        if len(hits) <= _FEW_HITS:
            yield from self._scan_few(folded, hits, accept)
        else:
            yield from self._scan_many(folded, hits, accept)

    def _scan_few(self, folded: str, hits: set[str], accept):
        """A short regex of the few first words present finds their places; the next words
        are read with :data:`_SOFT_GAP` and :data:`_TOKEN` from there."""
        values, prefixes = self._values, self._prefixes
        pos = 0
        for m in _words_regex(frozenset(hits)).finditer(folded):
            start, end = m.span()
            if start < pos:  # inside the previous term
                continue
            key = m.group(0)
            best = None
            if key in values and (accept is None or accept(start, end, values[key])):
                best = (end, values[key])
            while key in prefixes:
                gap = _SOFT_GAP.match(folded, end)
                nxt = _TOKEN.match(folded, gap.end()) if gap is not None else None
                if nxt is None:
                    break
                end = nxt.end()
                key = f"{key} {nxt.group(0)}"
                if key in values and (accept is None or accept(start, end, values[key])):
                    best = (end, values[key])
            if best is not None:
                yield start, best[0], best[1]
                pos = best[0]

    def _scan_many(self, folded: str, hits: set[str], accept):
        """One ``re.split`` of the text into ``[gap, token, gap, ..., gap]``, offsets summed by
        ``itertools.accumulate``; only the tokens that are first words are visited."""
        parts = _TOKEN_SPLIT.split(folded)
        ends = list(accumulate(map(len, parts)))
        values, prefixes = self._values, self._prefixes
        soft = _SOFT_GAP.fullmatch
        last = len(parts) - 2  # index of the last token
        pos = 0
        for k in compress(range(len(parts)), map(hits.__contains__, parts)):
            start = ends[k] - len(parts[k])
            if start < pos:  # inside the previous term
                continue
            key = parts[k]
            best = None
            if key in values and (accept is None or accept(start, ends[k], values[key])):
                best = (ends[k], values[key])
            j = k
            while key in prefixes and j < last and soft(parts[j + 1]):
                j += 2
                key = f"{key} {parts[j]}"
                if key in values and (accept is None or accept(start, ends[j], values[key])):
                    best = (ends[j], values[key])
            if best is not None:
                yield start, best[0], best[1]
                pos = best[0]


#: up to this many distinct first words in a text, a regex of them finds their places
_FEW_HITS = 32


@functools.lru_cache(maxsize=512)
def _words_regex(words: frozenset[str]) -> re.Pattern[str]:
    """Whole-token regex of ``words`` (a pure function of its argument, so cached)."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![0-9a-zµμβ])(?:{alts})(?![0-9a-zµμβ])")


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


# -- columnar fast path (issue 6) ------------------------------------------------------------

#: every character Python's ``str.strip`` removes (Rust's whitespace set lacks \x1c-\x1f)
PY_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


#: below this many values a column goes through the plain ``match_cell`` loop: the Polars
#: expressions cost about 2 ms per call whatever the length, the loop 4-9 µs a cell
#: (bench figures in the module docstrings of the detectors that use it)
SMALL_COLUMN = 512


def column_first_run(values: "pl.Series", width: int | None = None) -> "pl.Series":
    """The leading run of ASCII letters and digits and non-ASCII characters of every value
    after its leading blanks (those of ``str.lstrip``), lower-cased, cut to ``width``; null
    when the value starts with another character. An ASCII run equals the first folded token
    of the cell (:func:`~sentinelle.detectors.base.fold_keep_length` lower-cases ASCII); a run
    with a non-ASCII character is undecided (see :func:`run_may_start`)."""
    run = values.str.strip_chars_start(PY_WHITESPACE).str.extract(
        r"^([0-9A-Za-z\x{80}-\x{10FFFF}]+)", 1)
    if width is not None:
        run = run.str.slice(0, width)
    return run.str.to_lowercase()


def run_may_start(run: "pl.Series", accept) -> "pl.Series":
    """Boolean Series: ``accept(r)`` for each ASCII run ``r`` of :func:`column_first_run`, True
    for a non-ASCII one (undecided: Polars and Python lower-case other scripts differently),
    False for null. ``accept`` is called once per distinct run, in Python: a column holds far
    fewer distinct first words than cells."""
    import polars as pl

    kept = [r for r in run.drop_nulls().unique().to_list() if not r.isascii() or accept(r)]
    return run.is_in(kept).fill_null(False)


def match_column_where(detector, values: "pl.Series", header_hit: bool,
                       maybe: "pl.Series") -> "pl.DataFrame":
    """:meth:`~sentinelle.detectors.base.Detector.match_column` for a detector whose vectorised
    rule ``maybe`` (a Boolean Series, null = False) is a necessary condition of a match: rows
    where it is False are no match; the others (a few in most columns) go through
    :meth:`match_cell`, so every row equals ``match_cell`` by construction."""
    import polars as pl

    from sentinelle.detectors.base import column_schema

    n = len(values)
    cols: dict[str, list] = {k: [None] * n for k in column_schema()}
    if n:
        vals = values.to_list()
        for i in maybe.fill_null(False).arg_true().to_list():
            m = detector.match_cell(vals[i], header_hit)
            if m is None:
                continue
            cols["start"][i], cols["end"][i], cols["score"][i] = m.start, m.end, m.score
            cols["validation"][i], cols["pattern"][i] = m.validation.value, m.pattern
            cols["normalized"][i], cols["entity"][i] = m.normalized, m.entity
    return pl.DataFrame(cols, schema=column_schema())
