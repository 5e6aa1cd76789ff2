"""One compiled pass of every detector's prefilter over a text (issue 6, "compiled matching").

:class:`PrefilterSet` ``(patterns, engine="auto")`` holds the prefilters of a list of detectors
(``patterns[i]`` is detector ``i``'s :attr:`~sentinelle.detectors.base.Detector.prefilter`, or
None for "always run"); :meth:`PrefilterSet.fired` ``(folded) -> tuple[int, ...]`` gives the
indices of the detectors whose prefilter matches somewhere in ``folded`` (a
:func:`~sentinelle.detectors.base.fold_keep_length` text), in index order.

Engines (``PrefilterSet.engine``):

* ``"hyperscan"``: all prefilters compiled into one Hyperscan block-mode database (UTF-8,
  Unicode properties, one report per pattern per scan), run in one pass over the UTF-8 bytes.
  Used when the ``hyperscan`` package is installed (a runtime dependency on Linux x86-64, where
  the index has wheels).
* ``"re"``: the pure-Python fallback when hyperscan is missing (or its database cannot be built):
  one ``search`` per prefilter. Same findings, slower: about 4 times on table cells (4 µs a
  cell with hyperscan, 16 µs with ``re`` for the whole registry), far more on long texts.

A text that cannot be encoded as UTF-8 (a lone surrogate) goes through the ``re`` path whatever
the engine. Hyperscan fires for every prefilter the ``re`` engine fires for, and for a few more
on non-ASCII text (``\\d`` is widened, see :func:`to_hyperscan`); both give the same findings
(``tests/detectors/test_prefilter_engines.py`` checks it on the corpus).

Written here, not taken from a library: choosing which detectors run is the core of the scan
speed; hyperscan is the library that does the matching.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

try:  # optional at import time: the fallback keeps the scanner working without the wheel
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised by the engine tests through engine="re"
    _hs = None

ENGINES = ("auto", "hyperscan", "re")

#: characters Python's ``\s`` matches (``str.isspace``) that PCRE's ``\s`` does not
_PY_ONLY_SPACE = "\\x{1c}-\\x{1f}"
#: ``\d`` for hyperscan: ASCII digits or any non-ASCII character. Python's ``\d`` takes every
#: Unicode decimal digit; hyperscan's Unicode ``\d`` is correct but its UTF-8 automaton takes
#: seconds to compile for ``\d{10}``; "non-ASCII" is a superset that compiles at once (it may
#: fire on accented words where ``re`` does not, never the reverse)
_ANY_DIGIT = "0-9\\x{80}-\\x{10ffff}"


def hyperscan_available() -> bool:
    """True when the ``hyperscan`` package imports."""
    return _hs is not None


def to_hyperscan(pattern: str) -> bytes:
    """The prefilter ``pattern`` (Python ``re`` source) in Hyperscan's PCRE syntax, as UTF-8:
    ``\\u00a0`` becomes ``\\x{00a0}``, ``\\s`` also takes the four separators U+001C-U+001F
    that Python counts as white space, ``\\d`` becomes "an ASCII digit or any non-ASCII
    character" (see ``_ANY_DIGIT``); everything else is written the same."""
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                out.append("\\x{" + pattern[i + 2:i + 2 + width] + "}")
                i += 2 + width
                continue
            if nxt == "s":
                out.append("\\s" + _PY_ONLY_SPACE if in_class else "[\\s" + _PY_ONLY_SPACE + "]")
            elif nxt == "d":
                out.append(_ANY_DIGIT if in_class else "[" + _ANY_DIGIT + "]")
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":  # a "]" first in a class is a literal
                out.append("\\]")
                i += 1
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out).encode("utf-8")


@functools.lru_cache(maxsize=64)
def _compile_hs(patterns: tuple[str, ...]):
    """One hyperscan database and its scratch space for ``patterns`` (cached: building one
    takes about a second; detectors lists repeat across pipelines)."""
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    flags = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP | _hs.HS_FLAG_SINGLEMATCH
    db.compile(expressions=[to_hyperscan(p) for p in patterns],
               ids=list(range(len(patterns))), flags=[flags] * len(patterns))
    return db


class PrefilterSet:
    """The compiled prefilters of a detector list; see the module docstring.

    The hyperscan database is built on the first call of :meth:`fired` (about a second for
    the whole registry; cached per list of patterns). Not thread-safe (one scratch space): one set per pipeline, one pipeline per process.
    Raises ``ValueError`` for an unknown ``engine``, and when ``engine="hyperscan"`` is asked
    for but the package is missing or a pattern does not compile.
    """

    def __init__(self, patterns: Sequence[str | None], engine: str = "auto") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown prefilter engine {engine!r}: one of {', '.join(ENGINES)}")
        self.size = len(patterns)
        self._always = tuple(i for i, p in enumerate(patterns) if p is None)
        self._ids = tuple(i for i, p in enumerate(patterns) if p is not None)
        self._patterns = tuple(patterns[i] for i in self._ids)
        self._res = tuple(re.compile(p) for p in self._patterns)
        self._db = self._scratch = None
        self._strict = engine == "hyperscan"
        self.engine = "re"
        if engine != "re" and self._ids:
            if _hs is None:
                if self._strict:
                    raise ValueError("the hyperscan package is not installed: pip install hyperscan")
            else:
                self.engine = "hyperscan"
                if self._strict:
                    self._build()

    def _build(self) -> bool:
        if self._db is None and self.engine == "hyperscan":
            try:
                self._db = _compile_hs(self._patterns)
                self._scratch = _hs.Scratch(self._db)
            except Exception as exc:  # hyperscan.error: a pattern it cannot take
                if self._strict:
                    raise ValueError(f"hyperscan cannot compile the prefilters: {exc}") from None
                self.engine = "re"
        return self._db is not None

    def fired(self, folded: str) -> tuple[int, ...]:
        """Indices (into ``patterns``) of the detectors to run on ``folded``, ascending."""
        if not self._ids:
            return self._always
        hits = None
        if self.engine == "hyperscan" and self._build():
            hits = self._fired_hs(folded)
        if hits is None:
            hits = self._fired_re(folded)
        if not self._always:
            return hits
        return tuple(sorted(hits + self._always))

    def _fired_re(self, folded: str) -> tuple[int, ...]:
        ids = self._ids
        return tuple(ids[k] for k, rx in enumerate(self._res) if rx.search(folded) is not None)

    def _fired_hs(self, folded: str) -> tuple[int, ...] | None:
        try:
            data = folded.encode("utf-8")
        except UnicodeEncodeError:
            return None  # a lone surrogate: hyperscan needs valid UTF-8
        seen: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=seen, scratch=self._scratch)
        ids = self._ids
        return tuple(ids[k] for k in sorted(seen))


def _collect(pid: int, _start: int, _end: int, _flags: int, seen: list[int]) -> None:
    seen.append(pid)
