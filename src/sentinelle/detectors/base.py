"""The detector contract (see ../shared/DESIGN.md, "Contracts").

A detector is a class with a stable ``name`` ("fr.nir"), the ``entity`` label it emits,
``examples`` (positives and negatives, run by one generic test over every registered detector),
optional ``context_words`` (French and English, folded: lower case, no accents) and an optional
``header_pattern`` (a regex matched against the folded column header of a table).

Methods:

* :meth:`Detector.find` ``(text) -> Iterator[Match]``: candidates in free text, already validated
  (a checksum-invalid identifier is yielded with a low score and ``Validation.INVALID``).
* :meth:`Detector.match_cell` ``(value, header_hit) -> Match | None``: does this table cell hold
  the entity? Used to classify columns from a value sample and to make one finding per cell.
* :meth:`Detector.match_column` ``(values, header_hit) -> pl.DataFrame``: ``match_cell`` over a
  Polars Series of distinct cell values, one result row per value (issue 6, columnar fast path).
* :meth:`Detector.normalize` ``(value) -> str``: canonical form fed to the keyed hash, so the same
  value written two ways gets one fingerprint.

Prefilter (issue 6, "compiled matching"): ``prefilter`` is a cheap regex that holds wherever
:meth:`Detector.find` can match. The pipeline compiles the prefilters of all its detectors into
one database (:mod:`sentinelle.detectors.prefilter`: hyperscan when installed, Python ``re``
otherwise), runs it once over each text, and calls ``find`` only for the detectors whose
prefilter fired. The contract, checked by ``tests/detectors/test_prefilter_contract.py`` on every
positive example and on the corpus texts:

* it is searched in :func:`fold_keep_length` of the text (lower case, no accents, same offsets);
* if ``find(text)`` yields any match, the prefilter matches somewhere in the folded text (a
  prefilter may fire where ``find`` finds nothing; it must never miss);
* its syntax is the common part of Python ``re`` and hyperscan: no lookaround, no backreference,
  no named group; escapes such as ``\\u00a0`` and literal non-ASCII characters are allowed;
* ``None`` (the default) means "always run"; a detector may set it per instance in ``__init__``
  (lexicon detectors build it from their term lists).

Scores (DESIGN.md): a checksum-valid identifier scores 1.0; an invalid one is kept low; context
words raise a score (in the pipeline) but never create a finding.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterator

from sentinelle.finding import Validation

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

#: Score given to a checksum-invalid identifier: kept, so a typo in a leak is still reported,
#: but below the default ``--min-score``.
INVALID_SCORE = 0.3


#: joins the context windows of :meth:`Detector.context_hits_many` (a character no context word
#: holds, outside ``[0-9a-z]``)
_JOIN = "\x00"
#: joins the words found in the windows of :meth:`Detector.context_hits_many` (no context word
#: holds it either)
_WORDS = "\x01"


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents (NFKD, drop combining marks); length may change."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    return stripped[:1].lower() if stripped else ch.lower()


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in range(0x41, 0x250):  # Basic Latin to Latin Extended-B
        ch = chr(cp)
        f = _fold_char(ch)
        if len(f) == 1 and f != ch:
            table[cp] = f
    table[0x2019] = "'"  # typographic apostrophe, so d’Alzheimer folds like d'Alzheimer
    return table


_FOLD_TABLE = _fold_table()  # read-only after import


def fold_keep_length(text: str) -> str:
    """Lower-case and strip accents of Latin letters, one output character per input character
    (offsets stay valid); one ``str.translate`` call. Other scripts are left unchanged.

    Pure ASCII text takes ``str.lower`` (same result, about 30 times faster). Texts of
    ``_FOLD_MEMO_CHARS`` characters or more are memoised (the last 4): the pipeline and up to
    ten detectors fold the same text unit in turn, and a ``str`` caches its hash, so a hit costs
    no pass over the text. Short strings (tokens, windows, cells) are folded each time, so they
    never push a text unit out of the memo. Non-ASCII texts of ``_FOLD_NUMPY_CHARS`` characters
    or more are mapped with a NumPy lookup table over their code points (same result, about 10
    times faster than ``str.translate``'s dictionary lookup per character: 22 ms against 210 ms
    on 3 MB of French lab reports)."""
    if len(text) >= _FOLD_MEMO_CHARS:
        return _FOLDS.get(text)
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def remember_fold(text: str, folded: str) -> None:
    """Tell :func:`fold_keep_length` that ``folded`` is the fold of ``text`` (a slice of the
    fold of a longer text: folding is per character, so the fold of a slice is the slice of the
    fold). The pipeline folds a text unit once (NumPy path) and hands each of its sections to
    the detectors this way, instead of one ``str.translate`` per section (10 times slower per
    character). Texts shorter than ``_FOLD_MEMO_CHARS`` are not kept (never looked up)."""
    if len(text) >= _FOLD_MEMO_CHARS:
        _FOLDS.put(text, folded)


_FOLD_MEMO_CHARS = 256
_FOLD_NUMPY_CHARS = 1 << 16


class _FoldMemo:
    """The folds of the last ``size`` long texts (as ``functools.lru_cache(maxsize=size)`` on
    :func:`_fold_long`, plus :meth:`put` for a fold computed elsewhere)."""

    __slots__ = ("size", "folds")

    def __init__(self, size: int):
        self.size = size
        self.folds: dict[str, str] = {}  # least recently used first

    def get(self, text: str) -> str:
        got = self.folds.pop(text, None)
        if got is None:
            got = _fold_long(text)
        self.put(text, got)
        return got

    def put(self, text: str, folded: str) -> None:
        folds = self.folds
        folds.pop(text, None)
        folds[text] = folded
        if len(folds) > self.size:
            folds.pop(next(iter(folds)), None)


def _fold_long(text: str) -> str:
    if text.isascii():
        return text.lower()
    if len(text) >= _FOLD_NUMPY_CHARS:
        return _fold_numpy(text)
    return text.translate(_FOLD_TABLE)


#: the last 4 long texts folded: the pipeline and up to ten detectors fold the same text in
#: turn (a cache, as ``functools.lru_cache`` is; the same folds whatever it holds)
_FOLDS = _FoldMemo(4)


@functools.cache
def _fold_lut():
    """``_FOLD_TABLE`` as a NumPy array indexed by code point, up to its largest key."""
    import numpy as np

    lut = np.arange(max(_FOLD_TABLE) + 1, dtype=np.uint32)
    for cp, folded in _FOLD_TABLE.items():
        lut[cp] = ord(folded)
    lut.flags.writeable = False
    return lut


def _fold_numpy(text: str) -> str:
    """``text.translate(_FOLD_TABLE)`` through UTF-32 and a lookup table (code points beyond
    the table unchanged; lone surrogates pass through)."""
    import numpy as np

    lut = _fold_lut()
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    top = len(lut) - 1
    out = np.where(cps <= top, lut[np.minimum(cps, top)], cps)
    return out.tobytes().decode("utf-32-le", "surrogatepass")


#: "N°" / "n °" as a word (the abbreviation of "numéro"): written "no" like "Nº" (U+00BA folds to
#: "o"), so "N° patient" is ``no_patient`` and a count ``n_patient`` stays apart (session 8, issue
#: 3). Only after a lone "n": elsewhere "°" is the degree sign ("T° (°C)" stays ``t_c``).
_N_DEGREE = re.compile(r"(?<![0-9a-z])n ?°")


def fold_header(header: str) -> str:
    """Canonical header: folded, "N°" written ``no``, every run of non-alphanumerics as one
    ``_``, BOM removed."""
    h = _N_DEGREE.sub("no ", fold(header.replace("\ufeff", "").strip()))
    return re.sub(r"[^0-9a-z]+", "_", h).strip("_")


def compile_context(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that finds any of ``words`` as whole words in folded text.

    Raises ``ValueError`` on an empty or blank word: an empty alternative would match everywhere
    (the fault of ../shared/cases pb-004).

    The regex is ``(?<![0-9a-z])(?:w1|w2|...)(?![0-9a-z])`` (folded words, longest first),
    written with the alternatives grouped by their first character, each group's lookbehind
    after that character: ``c(?<![0-9a-z]c)(?:rest1|rest2)``. Same matches (at a position only
    the group of its character can match, and a group keeps the words' order), but the regex
    now starts with literals, so ``re`` skips the positions no word starts at with its
    first-character table instead of trying every word there: about 2.4 times faster on
    folded lab reports (session 8; :meth:`Detector.context_hits_many` costs 7% of the text
    path).
    """
    if not words:
        return None
    for w in words:
        if not w or not w.strip():
            raise ValueError("empty context word: an empty alternative matches everywhere")
    alts = [fold(w) for w in sorted(set(words), key=lambda w: (-len(w), w))]
    if not all(alts):  # a word that folds to nothing: the plain form
        plain = "|".join(re.escape(a) for a in alts)
        return re.compile(rf"(?<![0-9a-z])(?:{plain})(?![0-9a-z])")
    return re.compile(rf"(?:{'|'.join(_context_groups(alts))})(?![0-9a-z])")


def _context_groups(alts: list[str]) -> list[str]:
    """The alternatives of :func:`compile_context`'s regex for the folded, non-empty words
    ``alts`` (in order), one per first character: ``c(?<![0-9a-z]c)(?:rest1|rest2)``."""
    by_first: dict[str, list[str]] = {}  # first character -> rests, in the words' order
    for a in alts:
        by_first.setdefault(a[0], []).append(a[1:])
    groups = []
    for first, rests in by_first.items():
        c = re.escape(first)
        groups.append(f"{c}(?<![0-9a-z]{c})(?:{'|'.join(re.escape(r) for r in rests)})")
    return groups


def _compile_context_split(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """The regex :meth:`Detector.context_hits_many` runs over its joined windows: a NUL (the
    window separator, :data:`_JOIN`) or a match of :func:`compile_context`'s regex, the same
    matches in the same order. Its ``(?:g1|g2)(?![0-9a-z])`` is written ``g1(?!..)|g2(?!..)``
    (same tries in the same order), so every alternative starts with a literal and ``re``
    keeps its first-character table (a NUL alternative in front of the plain form would lose
    it: 1.8 times slower). None when a word holds a NUL or :data:`_WORDS`, or folds to
    nothing."""
    if not words or any(_JOIN in w or _WORDS in w for w in words):
        return None
    alts = [fold(w) for w in sorted(set(words), key=lambda w: (-len(w), w))]
    if not all(alts):
        return None
    return re.compile("|".join([re.escape(_JOIN)] + [f"{g}(?![0-9a-z])"
                                                     for g in _context_groups(alts)]))


#: the columns of :meth:`Detector.match_column`'s result, in order, with their Polars types
_COLUMN_SCHEMA = ("start", "end", "score", "validation", "pattern", "normalized", "entity")


def column_schema() -> dict:
    """``{column: Polars dtype}`` of :meth:`Detector.match_column`'s result (Polars imported
    lazily: the text path does not need it)."""
    import polars as pl

    return {"start": pl.Int32, "end": pl.Int32, "score": pl.Float64, "validation": pl.Utf8,
            "pattern": pl.Utf8, "normalized": pl.Utf8, "entity": pl.Utf8}


#: the fields of :class:`Match`, in order
_MATCH_FIELDS = ("start", "end", "score", "validation", "pattern", "normalized", "entity")


class _MatchTwin:
    """A mutable twin of :class:`Match`: the same slots, no frozen ``__setattr__``.
    :meth:`Match.__new__` fills one and then makes it a ``Match`` (``__class__`` assignment:
    same slots, so the same memory layout)."""

    __slots__ = _MATCH_FIELDS


_new_twin = functools.partial(object.__new__, _MatchTwin)


@dataclass(frozen=True, slots=True, init=False)
class Match:
    """A candidate from one detector: offsets in the text it was given, score, validation.

    ``entity`` overrides the detector's label when one detector emits two (dates: DATE_OF_BIRTH
    or DATE_TIME). ``normalized`` is the canonical value for hashing (raw data: memory only).

    A frozen dataclass (equality, hash, repr, ``dataclasses.replace``/``fields``/``asdict``,
    assignment raising ``FrozenInstanceError``, as any), built by a fast :meth:`__new__`
    (issue 6, scan speed): detectors make about 100,000 of them per 3 MB of text, and the
    generated frozen ``__init__`` sets each field through ``object.__setattr__`` (a method
    lookup and a generic call per field: about 2.5 times the cost of this ``__new__``; reads
    unchanged). A subclass may add no slot (its instances must keep the twin's layout).
    """

    start: int
    end: int
    score: float
    validation: Validation = Validation.NONE
    pattern: str = ""
    normalized: str = ""
    entity: str | None = None

    def __new__(cls, start: int, end: int, score: float,
                validation: Validation = Validation.NONE, pattern: str = "",
                normalized: str = "", entity: str | None = None) -> "Match":
        # fields set on the mutable twin (plain slot stores), then the object made a Match;
        # the defaults are the fields' (tests/detectors/test_match.py checks they agree)
        self = _new_twin()
        self.start = start
        self.end = end
        self.score = score
        self.validation = validation
        self.pattern = pattern
        self.normalized = normalized
        self.entity = entity
        self.__class__ = cls
        return self

    def __reduce__(self):
        # pickled as a call (``copyreg.__newobj__`` would call ``__new__`` with no fields)
        return (type(self), (self.start, self.end, self.score, self.validation, self.pattern,
                             self.normalized, self.entity))


@dataclass(frozen=True, slots=True)
class Examples:
    """``positives``: (text, expected matched substring) pairs; ``negatives``: texts with no match."""

    positives: tuple[tuple[str, str], ...] = ()
    negatives: tuple[str, ...] = ()


class Detector:
    """Base class. Subclasses set the class attributes and override :meth:`find`."""

    name: ClassVar[str] = ""
    entity: ClassVar[str] = ""
    #: every label this detector can emit when it emits more than ``entity`` (dates: DOB and
    #: DATE_TIME); empty means just ``entity``
    entities: ClassVar[tuple[str, ...]] = ()
    context_words: ClassVar[tuple[str, ...]] = ()
    #: regex searched in :func:`fold_header` of a column header; a hit means "this column holds
    #: the entity" (values then confirm it for validated identifiers)
    header_pattern: ClassVar[str | None] = None
    #: True when a column can only be classified from its header (names, birth dates, postcodes):
    #: a sample of values alone is not enough evidence.
    header_required: ClassVar[bool] = False
    #: fraction of sampled values that must pass :meth:`match_cell` to classify a column from its
    #: values alone (when ``header_required`` is False)
    value_threshold: ClassVar[float] = 0.6
    #: a header hit still needs this fraction of sampled values to pass (validated identifiers)
    header_value_threshold: ClassVar[float] = 0.0
    examples: ClassVar[Examples] = Examples()
    #: cheap regex on the folded text that fires wherever :meth:`find` can match (see the
    #: module docstring for the contract); None: always run ``find``. A class attribute, or an
    #: instance attribute set in ``__init__`` when built from data files
    prefilter: str | None = None
    #: candidate windows (issue 6): when set, the pipeline may run :meth:`find` on the lines
    #: around each match of ``prefilter`` instead of the whole text: this many characters (at
    #: least, whole lines) on both sides of every line holding a hit. A promise that every match
    #: of ``find``, and every character ``find`` reads to decide it, lies within ``window``
    #: characters of a prefilter match, and that ``find`` decides nothing from text further
    #: away (no "latest date of the text"). None: the whole text, or the pipeline's table
    #: :data:`sentinelle.detectors.prefilter.WINDOWS`.
    window: ClassVar[int | None] = None
    #: spans of groups (issue 6, session 8): True promises that :meth:`find` on two texts
    #: joined by :data:`sentinelle.pipeline.SPAN_GAP_LINES` blank lines yields the matches of
    #: each text alone (shifted): it reads less than that many characters or lines around a
    #: match and takes blank lines as an edge, nothing "of the whole text". False: never on
    #: spans. None: the pipeline's table :data:`sentinelle.pipeline.SPAN_LOCAL` decides.
    span_local: ClassVar[bool | None] = None
    #: how a candidate is validated, one short phrase for ``sentinelle entities``
    #: ("mod-97 key", "Luhn", "real code list", "lexicon + context", ...)
    validation_rule: ClassVar[str] = ""
    #: where the rule comes from (the spec, decree, standard or public list), for ``sentinelle entities``
    rule_source: ClassVar[str] = ""

    def __init__(self) -> None:
        self._context_re = compile_context(self.context_words)
        #: the regex :meth:`context_hits_many` may run over joined windows (see there)
        self._context_joinable = self._context_re if not any(
            _JOIN in w for w in self.context_words) else None
        #: the words or the window separator, in order (:meth:`context_hits_many`)
        self._context_split = _compile_context_split(self.context_words) \
            if self._context_joinable is not None else None
        self._header_re = re.compile(self.header_pattern) if self.header_pattern else None

    @classmethod
    def from_config(cls, config) -> "Detector":
        """An instance set up from the scan :class:`~sentinelle.config.Config` (a detector with
        options, such as PERSON's ``ner``, reads them here); the default ignores it."""
        return cls()

    def __getattr__(self, name: str):
        """Only reached for an attribute the instance lacks. A detector made by
        :func:`sentinelle.detectors.build` with its set-up deferred (issue 6, start-up: its data
        files and regexes are loaded when it is first used, not at start-up) runs ``__init__``
        here, once, then answers; otherwise ``AttributeError`` as usual."""
        if name.startswith("__") or "_deferred" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        from sentinelle.detectors import set_up

        set_up((self,))  # under a lock: another thread waits for the set-up to finish
        return object.__getattribute__(self, name)

    # -- text path -------------------------------------------------------------------------
    def find(self, text: str) -> Iterator[Match]:
        raise NotImplementedError

    def context_hits(self, folded: str, start: int, end: int, window: int = 48) -> tuple[str, ...]:
        """Context words of this detector found in ``folded[start-window:end+16]``.

        ``folded`` must be :func:`fold_keep_length` of the text (offsets unchanged).
        """
        if self._context_re is None:
            return ()
        lo = max(0, start - window)
        hi = min(len(folded), end + 16)
        seg = folded[lo:start] + " " + folded[end:hi]
        if self._context_re.groups == 0:  # findall gives the whole matches, in C
            return tuple(dict.fromkeys(self._context_re.findall(seg)))
        return tuple(dict.fromkeys(m.group(0) for m in self._context_re.finditer(seg)))

    def context_hits_many(self, folded: str, spans: list[tuple[int, int]],
                          window: int = 48) -> list[tuple[str, ...]]:
        """``[self.context_hits(folded, start, end, window) for start, end in spans]``, with
        one regex pass (issue 6: one ``findall`` per candidate cost about 12 µs, a second of
        CPU on 3 MB of lab reports).

        How: the windows ``folded[start-window:start] + " " + folded[end:end+16]`` are joined
        with NUL and searched once, each match given to the window holding it. Same words:
        the regex of :func:`compile_context` only looks around for ``[0-9a-z]`` (the start and
        end of a window, or a NUL beside it, are neither) and no context word holds a NUL
        (checked in ``__init__``), so no match spans two windows and each window gets the
        matches a search of it alone gives. When no window holds a NUL, the search is a
        ``findall`` of the words or NUL (:func:`_compile_context_split`): the words between two
        NULs are those of one window (session 12: each distinct run of words between two NULs
        made into its tuple once, the windows then looked up). A subclass that overrides
        :meth:`context_hits` or replaces ``_context_re`` gets its own method called per span."""
        rx = self._context_re
        if rx is None or not spans:
            return [()] * len(spans)
        if rx is not getattr(self, "_context_joinable", None) \
                or type(self).context_hits is not Detector.context_hits:
            return [self.context_hits(folded, s, e, window) for s, e in spans]
        segs = [folded[s - window if s > window else 0:s] + " " + folded[e:e + 16]
                for s, e in spans]
        joined = _JOIN.join(segs)
        split = getattr(self, "_context_split", None)
        if split is not None and joined.count(_JOIN) == len(segs) - 1:
            # no NUL in the windows: one findall gives the words and the separators in order;
            # joined with _WORDS and cut at the separators, they fall into their windows
            # (session 9: no match object, no bisect per word; 1.15-1.2 times faster on
            # 3 MB of lab reports, the regex pass itself being most of what is left)
            found = split.findall(joined)
            if len(found) == len(segs) - 1:  # separators only
                return [()] * len(segs)
            # the words of each window, as one string; few distinct ones (the same cues come
            # back): each made into its tuple once, then looked up (session 12: 1.2-1.3 times
            # faster on 3 MB of lab reports)
            parts = _WORDS.join(found).split(_JOIN)
            table = {}
            for p in set(parts):
                q = p.strip(_WORDS)
                table[p] = () if not q else (q,) if _WORDS not in q \
                    else tuple(dict.fromkeys(q.split(_WORDS)))
            return list(map(table.__getitem__, parts))
        out: list[tuple[str, ...]] = [()] * len(segs)
        found = rx.finditer(joined)
        first = next(found, None)
        if first is None:
            return out
        # start offset of each window in ``joined``
        starts = list(itertools.accumulate((len(s) + 1 for s in segs[:-1]), initial=0))
        words: list[str] = []
        at = -1
        for m in itertools.chain((first,), found):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i != at:
                if words:
                    out[at] = tuple(dict.fromkeys(words))
                    words = []
                at = i
            words.append(m.group(0))
        out[at] = tuple(dict.fromkeys(words))
        return out

    # -- table path ------------------------------------------------------------------------
    def header_matches(self, folded_header: str) -> bool:
        return bool(self._header_re and self._header_re.search(folded_header))

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        """Return a match when the cell ``value`` (stripped) is this entity, else None.

        Default: a :meth:`find` match that covers the stripped cell. Offsets are in ``value``.
        """
        stripped = value.strip()
        if not stripped:
            return None
        lead = len(value) - len(value.lstrip())
        end = lead + len(stripped)
        for m in self.find(value):
            if m.start <= lead and m.end >= end:
                return m
        return None

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """match_cell over a whole column, vectorised (issue 6, columnar fast path).

        values: a Polars Utf8 Series of distinct, non-null, non-blank cell values (not stripped).
        Returns a Polars DataFrame with exactly len(values) rows, in the same order, columns:
          start Int32 (null: no match), end Int32, score Float64, validation Utf8 ("valid",
          "invalid", "none": Validation values), pattern Utf8, normalized Utf8,
          entity Utf8 (null: the detector's ``entity``).
        Row i must equal match_cell(values[i], header_hit) (None -> start null) exactly:
        a generic test (tests/detectors/test_match_column.py) checks it for every registered
        detector on its examples, on junk, and on corpus columns.

        This default loops :meth:`match_cell` (correct, not fast); a detector that claims table
        columns overrides it with Polars expressions and falls back to ``match_cell`` for the
        values its vectorised rule cannot decide. On a no-match row every column is null.
        """
        import polars as pl

        cols: dict[str, list] = {k: [] for k in _COLUMN_SCHEMA}
        for v in values.to_list():
            m = self.match_cell(v, header_hit)
            if m is None:
                for k in _COLUMN_SCHEMA:
                    cols[k].append(None)
                continue
            cols["start"].append(m.start)
            cols["end"].append(m.end)
            cols["score"].append(m.score)
            cols["validation"].append(m.validation.value)
            cols["pattern"].append(m.pattern)
            cols["normalized"].append(m.normalized)
            cols["entity"].append(m.entity)
        return pl.DataFrame(cols, schema=column_schema())

    def normalize(self, value: str) -> str:
        """Canonical form for the keyed hash: folded, whitespace collapsed."""
        return " ".join(fold(value).split())


def finditer_resuming(regex: re.Pattern[str], text: str, accept) -> Iterator[tuple[re.Match[str], object]]:
    """Search ``regex`` in ``text``; after a rejected match resume at its start + 1.

    ``accept(m)`` returns a truthy result to keep the match (then the search resumes at its end)
    or a falsy one to reject it (then the search resumes one character after its start, so an
    entity overlapping a rejected candidate is still found: ../shared/cases pb-037).
    Yields ``(match, accept_result)``.
    """
    pos = 0
    n = len(text)
    while pos <= n:
        m = regex.search(text, pos)
        if m is None:
            return
        res = accept(m)
        if res:
            yield m, res
            pos = m.end() if m.end() > m.start() else m.start() + 1
        else:
            pos = m.start() + 1
