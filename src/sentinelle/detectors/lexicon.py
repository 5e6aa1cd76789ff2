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
* :class:`TermTrie` ``(terms)``: the matches of the :func:`trie_regex` regex of ``terms``
  without compiling it (Python's ``re`` takes 0.6 s for the 3,800 condition terms): a dict of
  prefixes walked from candidate starts found by a hyperscan literal database (issue 6).
* :class:`WordLexicon` ``(terms)``: a large term list matched word by word (the drug names).
* :func:`som_starts` ``(patterns, text) -> list[int] | None``: the starts of hyperscan byte
  patterns in ``text`` (one byte per character), the candidate starts of a Python regex that
  would otherwise enter its lookbehind at every character; :func:`finditer_at` ``(regex, text,
  starts)`` is ``regex.finditer(text)`` tried at those starts only, :func:`search_at`
  ``(regex, text, starts)`` a ``search(pos)`` for a loop that resumes after each match or one
  character after a rejected one, and :func:`finditer_resuming_at` ``(regex, text, starts,
  accept)`` :func:`~sentinelle.detectors.base.finditer_resuming` from those starts;
  :func:`latin1_class` writes a Python character class as a byte class and
  :func:`escape_latin1` a literal; :func:`som_database` loads or compiles a pattern set
  (issue 6; used by STREET_ADDRESS, FR_POSTAL_CODE, PHONE_NUMBER, LAB_RESULT and the dates).
  The bytes of the last two texts scanned are kept (several detectors scan one text).

Hyperscan databases built here are compiled once and kept with :func:`sentinelle.data.cached`
(their serialised form, keyed by the hyperscan version and the machine); without hyperscan a
Python ``re`` path gives the same matches (``tests/detectors/test_lexicon_engines.py``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
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
    return " ".join(_SEPARATORS.sub(" ", _fold(term)).split())


_SEPARATORS = re.compile(r"[\-'’]")
#: the combining marks of U+0300-U+036F (accents of Latin letters after NFKD); a character
#: class: ``re.sub`` drops them three times faster than ``str.translate`` with a dict
_LATIN_MARKS = re.compile("[" + "".join(chr(cp) for cp in range(0x300, 0x370)
                                        if unicodedata.combining(chr(cp))) + "]")


def _fold(text: str) -> str:
    """:func:`~sentinelle.detectors.base.fold` (the same result), without its loop over every
    character when the text is ASCII once its Latin accents are dropped (the usual case:
    ``canonical`` runs on every match of a lab report)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = _LATIN_MARKS.sub("", decomposed)
    if bare.isascii():  # only combining marks were dropped, as fold drops them
        return bare.lower()
    return fold(text)


#: :func:`~sentinelle.detectors.base.fold` (the same result), faster on Latin text: for the
#: detectors that fold short slices of text per candidate (issue 6)
fold_fast = _fold


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

    Speed: with hyperscan, one scan of a database of the first words (very short first words
    that are no term alone, such as "l" of "l thyroxine", together with their second word)
    gives the places of the first words (:func:`_hs_word_spans`); without it, the text's
    tokens are listed by the C regex engine (``findall``) and intersected with the set of first
    words. Only the places of first words are visited (:meth:`_scan_spans`, :meth:`_scan_many`).
    On the throughput bench's 3 MB of reports: 490 ms with the token path, 57 ms with hyperscan.
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
        # a very short first word that is no term alone ("l" of "l thyroxine", "un"): its
        # places are found with the second word (see _hs_words)
        pairs = set()
        for key in (*self._values, *self._prefixes):
            first, _, rest = key.partition(" ")
            if rest and len(first) <= _SHORT_PREFIX and first not in self._values:
                pairs.add((first, rest.split(" ", 1)[0]))
        self._short_pairs = tuple(sorted(pairs))
        self._hs = None  # hyperscan database of the first words, built on first use

    def __getstate__(self) -> dict:
        # the hyperscan objects do not pickle: built again (from the cache) on first use
        return {k: v for k, v in self.__dict__.items() if k != "_hs"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._hs = None

    def finditer(self, folded: str, accept=None):
        """Matches in ``folded`` (:func:`fold_keep_length` of the text: offsets are the text's).
        ``accept(start, end, value) -> bool``, when given, rejects a term; a shorter accepted
        term at the same position is then taken.

        With hyperscan, one scan of a literal database of the first words (compiled once, kept
        by :func:`sentinelle.data.cached`) gives their places (:func:`_hs_word_spans`);
        without it, the tokens are listed and intersected with the first words."""
        if self._hs is None:
            self._hs = _hs_words(self.first_words, self._short_pairs) or False
        if self._hs:
            yield from self._scan_spans(folded, _hs_word_spans(self._hs, folded), accept)
            return
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
        spans = (m.span() for m in _words_regex(frozenset(hits)).finditer(folded))
        return self._scan_spans(folded, spans, accept)

    def _scan_spans(self, folded: str, spans, accept):
        """The terms starting at ``spans`` (ascending ``(start, end)`` of whole tokens that are
        first words); the next words are read with :data:`_SOFT_GAP` and :data:`_TOKEN`."""
        values, prefixes = self._values, self._prefixes
        pos = 0
        for start, end in spans:
            if start < pos:  # inside the previous term
                continue
            key = folded[start:end]
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


# -- regex-free prefix tree (issue 6: start-up) ------------------------------------------------

_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
#: node flags of :class:`TermTrie`: a term ends here; a child of each flexible kind
_END, _SPACE, _APOS, _RQUOTE, _HYPHEN, _PLURAL = 1, 2, 4, 8, 16, 32
_FLEX_BITS = {" ": _SPACE, "'": _APOS, "’": _RQUOTE, "-": _HYPHEN, PLURAL: _PLURAL}
_FLEX_MASK = _SPACE | _APOS | _RQUOTE | _HYPHEN | _PLURAL


def _alt_order(ch: str) -> tuple[bool, str]:
    """:func:`trie_regex`'s order of the alternatives after a prefix: by character, the plural
    mark last."""
    return ch == PLURAL, ch


#: the flexible children of a node by its flags, in :func:`trie_regex`'s order
_FLEX_ALTS = tuple(tuple(ch for ch, bit in sorted(_FLEX_BITS.items(), key=lambda kv: _alt_order(kv[0]))
                         if flags & bit) for flags in range(_FLEX_MASK + 1))


def _escape_bytes(raw: bytes) -> bytes:
    """A byte string as a hyperscan (PCRE) literal: ASCII letters and digits as they are, every
    other byte as ``\\xHH``."""
    return b"".join(bytes((c,)) if c < 128 and chr(c).isalnum() else b"\\x%02x" % c for c in raw)


def escape_latin1(literal: str) -> bytes:
    """``literal`` as a hyperscan byte literal in the one-byte-per-character encoding of
    :func:`som_starts` (a character outside Latin-1 as ``?``, as the text is encoded)."""
    return _escape_bytes(literal.encode("latin-1", "replace"))


def _first_chars(term: str, i: int) -> tuple[frozenset[str], bool, bool]:
    """What the text may hold where :func:`term_regex` of ``term[i:]`` starts matching:
    ``(characters, boundary, space)``: one of the characters, or (``boundary``) a character
    outside ``[0-9a-z]`` or the end of the text (the term ends there), or (``space``) a white
    space character."""
    if i >= len(term):
        return frozenset(), True, False
    ch = term[i]
    if ch == " ":
        return frozenset(), False, True
    if ch not in _FLEX_BITS:
        return frozenset((ch,)), False, False
    # an optional piece: its own characters, or whatever follows it
    chars, boundary, space = _first_chars(term, i + 1)
    if ch == "-":
        return chars | {"-"}, boundary, True
    if ch == PLURAL:
        return chars | {"s", "x"}, boundary, space
    return chars | {"'", "’", " "}, boundary, space


class TermTrie:
    """The matches of ``re.compile(rf"(?<![0-9a-z])(?:{trie_regex(terms)})(?![0-9a-z])")``
    without compiling that regex (issue 6, start-up).

    Python's ``re`` takes about 0.6 s of CPU to parse and compile the prefix-tree regex of the
    3,800 condition terms, paid by every process. This class holds the same tree as a dict
    of prefixes (built in tens of milliseconds, plain data that pickles) and walks it from the
    candidate starts only, trying the alternatives in the regex's order with the regex's
    backtracking (:meth:`match_at`), so it yields exactly the regex's matches:

    * a candidate start is a position not preceded by ``[0-9a-z]`` where the text holds the
      literal run of a term (its characters up to the first space, hyphen, apostrophe or
      plural mark, all matched literally by :func:`term_regex`); they are found by one
      hyperscan literal database (when the package is installed; about 70 ms to compile,
      loaded from ``sentinelle.data.cached`` after the first run), else by a short Python regex
      of the runs' first 5 characters;
    * from there :meth:`match_at` follows the tree: a listed character literally, ``" "`` as
      ``[\\s\\u00a0]+`` (greedy, giving characters back), ``"-"`` as ``[\\-\\s\\u00a0]?``, an
      apostrophe as ``['’ ]?``, :data:`PLURAL` as ``[sx]?``, in :func:`trie_regex`'s order of
      alternatives (sorted characters, the plural mark last), the end of a term last, and a
      term end counts only before a character outside ``[0-9a-z]``.

    ``terms``: folded terms as given to :func:`trie_regex` (with :data:`PLURAL` marks or not);
    none may be empty or start with a space, hyphen, apostrophe or plural mark
    (``ValueError``). :meth:`finditer` ``(folded, pos=0)`` yields ``(start, end)`` like the
    regex's ``search`` called again from each ``end``; :meth:`candidates` and :meth:`match_at`
    let a caller resume elsewhere (after a rejected match).
    """

    #: bumped when the pickled form changes: callers put it in their ``cached`` version
    FORMAT = 1

    def __init__(self, terms: Iterable[str]) -> None:
        nodes: dict[str, int] = {"": 0}
        runs: dict[str, tuple[frozenset[str], bool, bool]] = {}
        for t in terms:
            if not t or t[0] in _FLEX_BITS:
                raise ValueError(f"term {t!r} is empty or starts with a separator")
            get = nodes.get
            for i, ch in enumerate(t):
                p = t[:i]
                nodes[p] = get(p, 0) | _FLEX_BITS.get(ch, 0)
            nodes[t] = nodes.get(t, 0) | _END
            run = re.split("[ \\-'’\x01]", t, maxsplit=1)[0]
            chars, boundary, space = _first_chars(t, len(run))
            prev = runs.get(run, (frozenset(), False, False))
            runs[run] = (prev[0] | chars, prev[1] or boundary, prev[2] or space)
        self._nodes = nodes
        #: the literal start of every term (see the class docstring)
        self.runs = tuple(sorted(runs))
        #: what may follow each run: (characters, a non-word character or the end, a space)
        self._follow = tuple(runs[r] for r in self.runs)
        self._hs = None  # (database, scratch, run lengths), built on first use
        self._re = None  # the fallback's regex, compiled on first use

    def __getstate__(self) -> dict:
        # the hyperscan objects do not pickle: built again on first use
        return {"_nodes": self._nodes, "runs": self.runs, "_follow": self._follow}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._hs = self._re = None

    # -- candidates ----------------------------------------------------------------------------
    def candidates(self, folded: str) -> list[int]:
        """Sorted positions of ``folded`` where a term's literal run starts a word (a superset
        of the match starts: :meth:`match_at` decides)."""
        if self._hs is None and self._re is None:
            self._hs = _hs_literals(self.runs, self._follow)
            if self._hs is None:
                heads = sorted({r[:5] for r in self.runs})
                self._re = re.compile(rf"(?<![0-9a-z])(?=(?:{trie_regex(heads)}))")
        if self._hs is not None:
            return _hs_starts(self._hs, folded)
        return [m.start() for m in self._re.finditer(folded)]

    # -- the walk --------------------------------------------------------------------------------
    def match_at(self, folded: str, start: int) -> int:
        """End of the match starting at ``start`` (the regex's, see the class docstring), or
        -1. The word boundary before ``start`` is the caller's (:meth:`candidates`)."""
        return self._walk(folded, len(folded), "", start)

    def _walk(self, f: str, n: int, prefix: str, pos: int) -> int:
        """End of the first match of the subtree ``prefix`` at ``pos`` (regex order), or -1."""
        nodes = self._nodes
        last = -1  # a term ending on the literal path so far (tried after everything deeper)
        while True:
            flags = nodes[prefix]
            if flags & _FLEX_MASK:
                break
            # a literal-only node: at most one child can match, a term end here comes last
            if flags & _END and (pos >= n or f[pos] not in _WORD):
                last = pos
            if pos >= n:
                return last
            nxt = prefix + f[pos]
            if nxt not in nodes:
                return last
            prefix, pos = nxt, pos + 1
        c = f[pos] if pos < n else ""
        alts = _FLEX_ALTS[flags & _FLEX_MASK]
        if c and c not in _FLEX_BITS and prefix + c in nodes:
            alts = tuple(sorted(alts + (c,), key=_alt_order))
        for ch in alts:
            child = prefix + ch
            if ch == " ":  # [\s\u00a0]+, greedy
                k = pos
                while k < n and f[k].isspace():
                    k += 1
                for p in range(k, pos, -1):
                    end = self._walk(f, n, child, p)
                    if end >= 0:
                        return end
                continue
            if ch not in _FLEX_BITS:  # the literal character c
                end = self._walk(f, n, child, pos + 1)
                if end >= 0:
                    return end
                continue
            if ch == "-":
                takes = c == "-" or c.isspace()
            elif ch == PLURAL:
                takes = c == "s" or c == "x"
            else:  # an apostrophe
                takes = c != "" and c in "'’ "
            if takes:
                end = self._walk(f, n, child, pos + 1)
                if end >= 0:
                    return end
            end = self._walk(f, n, child, pos)
            if end >= 0:
                return end
        if flags & _END and (pos >= n or f[pos] not in _WORD):
            return pos
        return last

    def finditer(self, folded: str, pos: int = 0):
        """``(start, end)`` of the matches at or after ``pos``, left to right, each search
        starting again at the previous end (``re.finditer`` of the regex)."""
        for start in self.candidates(folded):
            if start < pos:
                continue
            end = self.match_at(folded, start)
            if end >= 0:
                yield start, end
                pos = end


def _hs_literals(runs: tuple[str, ...], follow):
    """``(database, scratch, lengths)``: a hyperscan block database of the literals ``runs``
    (each character one byte, as :func:`_hs_starts` encodes the text; a character outside
    Latin-1 as ``?``, which only widens the candidates), kept by :func:`sentinelle.data.cached`;
    None without hyperscan or when it refuses the database."""
    try:
        import hyperscan as hs
    except ImportError:
        return None
    import hashlib
    import platform

    def build() -> bytes:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        # a short run would fire inside many words ("co", "y"): it asks for a non-word byte
        # before it (the scanned bytes start with a space, see _hs_starts)
        exprs = [(b"[^0-9a-z]" if len(r) <= _SHORT_RUN else b"")
                 + _escape_bytes(r.encode("latin-1", "replace")) for r in runs]
        db.compile(expressions=exprs, ids=list(range(len(runs))), flags=[0] * len(runs))
        return hs.dumpb(db)

    digest = hashlib.sha256("\n".join(runs).encode("utf-8")).hexdigest()[:24]
    name = f"hs-literals-{getattr(hs, '__version__', '?')}-{platform.machine()}-{digest}"
    try:
        try:
            db = hs.loadb(data.cached(name, build), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
        except Exception:  # noqa: BLE001 - a stored database hyperscan refuses: compile again
            db = hs.loadb(build(), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
    except Exception:  # noqa: BLE001 - hyperscan cannot take the literals: the re fallback
        return None
    return db, scratch, tuple(len(r) for r in runs), follow


def _hs_starts(compiled, folded: str) -> list[int]:
    """Sorted starts of :func:`_hs_literals`' runs in ``folded`` not preceded by ``[0-9a-z]``
    and followed by a character that can follow the run in one of its terms."""
    db, scratch, lengths, follow = compiled
    # one byte per character (offsets unchanged) after a leading space: byte ``i`` is the
    # character before position ``i`` of the text
    raw = b" " + folded.encode("latin-1", "replace")
    n = len(folded)
    starts: set[int] = set()
    word_bytes, word = _WORD_BYTES, _WORD

    def on_match(pid: int, _from: int, to: int, _flags: int, _ctx) -> None:
        to -= 1  # the leading space
        p = to - lengths[pid]
        if raw[p] in word_bytes:
            return
        chars, boundary, space = follow[pid]
        c = folded[to] if to < n else ""
        if c in chars or (boundary and c not in word) or (space and c.isspace()):
            starts.add(p)

    db.scan(raw, match_event_handler=on_match, scratch=scratch)
    return sorted(starts)


#: runs of this many characters or fewer are searched with a non-word character before them
_SHORT_RUN = 3
_WORD_BYTES = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz")



#: the characters of :data:`_TOKEN`, and those of them in Latin-1 (as bytes)
_TOKEN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzµμβ")
#: first words of this many characters or fewer are searched as whole tokens by hyperscan
#: (a short word fires inside many others: "l", "un"); longer ones as plain literals (their
#: places checked in Python), which compiles ten times faster than whole-token patterns
_SHORT_WORD = 4
#: a first word of this many characters or fewer that is no term alone is searched with
#: each second word it can take ("l" is frequent: "l'examen"; "l thyroxine" is rare)
_SHORT_PREFIX = 2
#: :data:`_SOFT_GAP`'s characters (and the white space of ``str.isspace``)
_SOFT_CHARS = "\u00a0-'’"


def _hs_words(words: frozenset[str], pairs: tuple[tuple[str, str], ...]):
    """``(database, scratch, patterns)`` for :func:`_hs_word_spans`: a hyperscan block
    database of the folded ``words`` (one byte per character, as Latin-1 with ``?`` for other
    characters), but for the first words of ``pairs`` (very short words that are no term
    alone), searched with their possible second words after a :data:`_SOFT_GAP`. Kept by
    :func:`sentinelle.data.cached` (about 0.8 s to compile 10,000 drug first words); None
    without hyperscan or when it refuses them. ``patterns[i]``: ``(first, second)`` of
    pattern ``i`` (``second`` None for a word alone)."""
    try:
        import hyperscan as hs
    except ImportError:
        return None
    import hashlib
    import platform

    paired = {a for a, _b in pairs}
    patterns = tuple([(w, None) for w in sorted(words) if w not in paired] + list(pairs))
    not_token = b"[^0-9a-z\\xb5]"  # "?" (a character outside Latin-1) may be a boundary
    gap = b"[\\s\\x1c-\\x1f\\x85\\xa0\\-'?]{1,3}"  # _SOFT_GAP ("?": other spaces, ’)

    def lit(w: str) -> bytes:
        return _escape_bytes(w.encode("latin-1", "replace"))

    def build() -> bytes:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        exprs = [not_token + lit(a) + gap + lit(b) + not_token if b is not None
                 else not_token + lit(a) + not_token if len(a) <= _SHORT_WORD else lit(a)
                 for a, b in patterns]
        db.compile(expressions=exprs, ids=list(range(len(exprs))), flags=[0] * len(exprs))
        return hs.dumpb(db)

    digest = hashlib.sha256(repr(patterns).encode("utf-8")).hexdigest()[:24]
    name = f"hs-words-{getattr(hs, '__version__', '?')}-{platform.machine()}-{digest}"
    try:
        try:
            db = hs.loadb(data.cached(name, build), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
        except Exception:  # noqa: BLE001 - a stored database hyperscan refuses: compile again
            db = hs.loadb(build(), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
    except Exception:  # noqa: BLE001 - hyperscan cannot take the words: the re path
        return None
    return db, scratch, patterns


def _hs_word_spans(compiled, folded: str) -> list[tuple[int, int]]:
    """Ascending ``(start, end)`` of the whole tokens of ``folded`` that are words of
    :func:`_hs_words` (the places ``_words_regex(words).finditer`` gives), but a paired first
    word only where its second word follows it (elsewhere it starts no term)."""
    db, scratch, patterns = compiled
    # one byte per character (offsets unchanged) between two spaces: byte ``i`` is the
    # character at position ``i - 1`` of the text
    raw = b" " + folded.encode("latin-1", "replace") + b" "
    n = len(folded)
    spans: set[tuple[int, int]] = set()
    tok, soft = _TOKEN_CHARS, _SOFT_CHARS

    def on_match(pid: int, _from: int, to: int, _flags: int, _ctx) -> None:
        first, second = patterns[pid]
        end = to - 2 if second is not None or len(first) <= _SHORT_WORD else to - 1
        if end < n and folded[end] in tok:
            return
        if second is not None:
            # back from the second word over the gap to the first word
            k = end - len(second)
            if folded[k:end] != second:
                return
            gap_end = k
            while k > 0 and (folded[k - 1] in soft or folded[k - 1].isspace()):
                k -= 1
            if not 1 <= gap_end - k <= 3:
                return
            end = k
        start = end - len(first)
        if start < 0 or (start and folded[start - 1] in tok) or folded[start:end] != first:
            return
        spans.add((start, end))

    db.scan(raw, match_event_handler=on_match, scratch=scratch)
    return sorted(spans)


# -- candidate starts found by hyperscan (issue 6) --------------------------------------------

@functools.lru_cache(maxsize=None)  # a dozen distinct classes, asked for 700 times (start-up)
def latin1_class(exclude: str, negate: bool = True) -> bytes:
    """A hyperscan byte class for the one-byte-per-character encoding of :func:`som_starts`:
    the Latin-1 characters that the Python ``re`` class ``exclude`` (source, such as
    ``[\\w'’]``) does not match (``negate``) or does match, always with ``?`` (a character
    outside Latin-1 may be anything)."""
    rx = re.compile(exclude)
    keep = [b for b in range(256) if (rx.fullmatch(chr(b)) is None) == negate or b == ord("?")]
    return b"[" + b"".join(b"\\x%02x" % b for b in keep) + b"]"


@functools.lru_cache(maxsize=16)
def som_database(patterns: tuple[bytes, ...]):
    """``(database, scratch)`` of ``patterns`` compiled with the start of match reported, kept
    by :func:`sentinelle.data.cached`; None without hyperscan or when it refuses them."""
    try:
        import hyperscan as hs
    except ImportError:
        return None
    import hashlib
    import platform

    def build() -> bytes:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=list(patterns), ids=list(range(len(patterns))),
                   flags=[hs.HS_FLAG_SOM_LEFTMOST] * len(patterns))
        return hs.dumpb(db)

    digest = hashlib.sha256(b"\0".join(patterns)).hexdigest()[:24]
    name = f"hs-som-{getattr(hs, '__version__', '?')}-{platform.machine()}-{digest}"
    try:
        try:
            db = hs.loadb(data.cached(name, build), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
        except Exception:  # noqa: BLE001 - a stored database hyperscan refuses: compile again
            db = hs.loadb(build(), hs.HS_MODE_BLOCK)
            scratch = hs.Scratch(db)
    except Exception:  # noqa: BLE001 - hyperscan cannot take them: the caller's regex alone
        return None
    return db, scratch


def som_starts(patterns: tuple[bytes, ...], text: str) -> list[int] | None:
    """Sorted starts of the matches of the hyperscan byte ``patterns`` in ``text`` encoded one
    byte per character (Latin-1, ``?`` for any other character) between two spaces: a pattern
    that starts with the character before a word (a lookbehind written as a class) gives that
    word's offset in ``text``. None without hyperscan.

    A caller uses them as the candidate starts of a Python regex (see :func:`finditer_at`):
    every position where the regex matches must be the start of a pattern match. Hyperscan
    reports the leftmost start per pattern and end offset, so no pattern may match from two
    starts to one end (fixed-length patterns, one per alternative)."""
    compiled = som_database(patterns)
    if compiled is None:
        return None
    db, scratch = compiled
    raw = _padded_latin1(text)
    got: set[int] = set()
    add = got.add

    def on_match(_pid: int, start: int, _end: int, _flags: int, _ctx) -> None:
        add(start)  # byte i + 1 is character i: the character before the word is byte start

    db.scan(raw, match_event_handler=on_match, scratch=scratch)
    return sorted(got)


#: the last texts encoded by :func:`_padded_latin1` and their bytes (several detectors scan
#: one text and its folded form in turn)
_PADDED: list[tuple[str, bytes]] = []


def _padded_latin1(text: str) -> bytes:
    """``text`` one byte per character (Latin-1, ``?`` for any other character) between two
    spaces: the bytes :func:`som_starts` scans; the last two texts' are kept (the same
    string object, not an equal one: no comparison of long texts)."""
    for t, raw in _PADDED:
        if t is text:
            return raw
    raw = b" " + text.encode("latin-1", "replace") + b" "
    _PADDED.insert(0, (text, raw))
    del _PADDED[2:]
    return raw


def finditer_at(regex: re.Pattern[str], text: str, starts: list[int]):
    """``regex.finditer(text)`` when ``starts`` (ascending) holds every position where
    ``regex`` can match and its matches are never empty: ``regex.search(text, pos)`` is its
    first ``match`` at a start >= pos."""
    pos = 0
    match = regex.match
    for p in starts:
        if p < pos:
            continue
        m = match(text, p)
        if m is not None:
            yield m
            pos = m.end()


#: the letters of a word up to a position (see :func:`words_back`)
_LETTERS_BEFORE = re.compile(r"[a-z]+$")


def words_back(regex: re.Pattern[str], folded: str, starts: list[int]):
    """The matches of ``regex`` (which starts a whole ``[a-z]+`` word) at the starts of the
    words holding the positions ``starts`` (ascending), each word once; a word is read back at
    most 40 letters. For :func:`som_starts` of patterns that end a word ("-statine" + a
    non-letter): such a start is one past the pattern's first character (no leading class),
    still inside the word. Speed (issue 6): literal suffixes scan much faster than
    ``[a-z]+suffix`` with its start of match."""
    last = -1
    for p in starts:
        b = _LETTERS_BEFORE.search(folded, max(0, p - 40), p)
        w = regex.match(folded, b.start() if b is not None else p)
        if w is not None and w.start() > last:
            last = w.start()
            yield w


def finditer_resuming_at(regex: re.Pattern[str], text: str, starts: list[int], accept):
    """:func:`sentinelle.detectors.base.finditer_resuming` (after a rejected match the search
    resumes one character after its start) tried at ``starts`` (ascending) only. ``starts``
    must hold every position where ``regex`` matches with a match ``accept`` keeps; a
    position left out is one whose match would be rejected, which only moves the search one
    character on, as the rejection would. Matches are never empty."""
    pos = 0
    match = regex.match
    for p in starts:
        if p < pos:
            continue
        m = match(text, p)
        if m is None:
            continue
        res = accept(m)
        if res:
            yield m, res
            pos = m.end()
        else:
            pos = p + 1


def search_at(regex: re.Pattern[str], text: str, starts: list[int] | None):
    """A function ``search(pos)`` that returns ``regex.search(text, pos)`` when each ``pos`` lies
    after the start of the match returned before (as a loop resuming at a match's end, or one
    character after its start, calls it): ``regex.match`` tried at the ``starts`` (ascending,
    every position where ``regex`` can match) from ``pos`` on; ``regex.search`` itself when
    ``starts`` is None."""
    if starts is None:
        return lambda pos: regex.search(text, pos)
    match = regex.match
    k = 0
    n = len(starts)

    def search(pos: int):
        nonlocal k
        while k < n:
            p = starts[k]
            k += 1
            if p < pos:
                continue
            m = match(text, p)
            if m is not None:
                return m
        return None

    return search
