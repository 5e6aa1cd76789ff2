"""Digit runs of a long text: the numeric detectors' cheap pre-check (issue 6).

The identifier detectors (SIREN, SIRET, FINESS, ADELI, payment cards, CNI, IPv4) search their
regex over the whole text, and Python's ``re`` pays a failed attempt at every digit: about
60 ms for ``\\d{9}`` alone on 3 MB of lab reports (430,000 digits), for a few thousand
candidates. Their matches all hold a rarer *shape of digit runs* (a run of 9 digits or more,
three runs of 3 separated by one character, a run next to an upper-case letter...): this module
finds the maximal runs of ``\\d`` once per text with NumPy (about 20 ms for 3 MB, memoised for
the next detector), each detector picks its anchors among them with a few vector operations, and
its regex runs only from ``margin`` characters before each anchor (:func:`search_windows`).

:func:`digit_runs` ``(text) -> DigitRuns | None``: ``None`` for a text under
:data:`MIN_CHARS` characters (the regex over the whole text costs less than the set-up) or
holding a non-ASCII decimal digit (``\\d`` takes them, the detectors' lookarounds do not: the
reasoning below is for ASCII digits; such texts take the whole-text path).

Why the matches are the same (``tests/detectors/test_digit_runs.py`` checks it on the corpus):
a detector's anchors are a *necessary* condition of every match of its regex, accepted or not
(every match contains an anchor); the windows are ``[anchor start - margin, anchor end +
margin)``, merged when they overlap or touch, with ``margin`` at least the longest match plus
the characters its lookarounds read (so only bounded patterns qualify). :func:`search_windows`
searches each window with its end as ``endpos``: every match of the whole-text search lies in
a window with what its lookarounds read; a match the end bound would create (a lookahead seeing
the end of the string) would hold an anchor farther than ``margin`` from the window's end,
which cannot be; and the search enters each window where the whole-text search would stand (no
match straddles two windows: it would hold an anchor, so their windows would have been
merged). Lookbehinds read the real text before a window's start. A window's end is moved out of
the digit run it would cut (:func:`whole_runs`): a match the end bound creates is then made of
the text's own runs, so an anchor may also be a run of an exact length (:func:`exact_runs`,
the 9-digit identifiers: on lab reports the longer runs, phone numbers and NIRs, are two
thirds of the runs of 9 digits or more, and hold no match).

Written here, not taken from a library: which characters a detector reads is the core of the
scan speed; NumPy does the counting.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterator

#: texts shorter than this take the detectors' whole-text regex (set-up cost of NumPy)
MIN_CHARS = 2048


@dataclass(frozen=True, slots=True)
class DigitRuns:
    """The maximal runs of ASCII digits of a text: ``start[i]``, ``end[i]`` (exclusive),
    ascending NumPy int64 arrays; ``code`` the text's code points (NumPy uint32), ``size`` its
    length."""

    start: object
    end: object
    code: object
    size: int


#: U+0660 (Arabic-Indic zero) is the first non-ASCII decimal digit
_FIRST_DIGIT = 0x660

#: a prefilter class (Python ``re`` syntax, taken as is by hyperscan) holding every non-ASCII
#: decimal digit ``\d`` takes: U+0660 and above, less U+2000-U+2FFF (punctuation, symbols,
#: arrows, box drawing: no digit there, and common in clinical text). A digit detector whose
#: prefilter spells its digits ``[0-9]`` adds ``|`` and this class, so that it still fires
#: wherever the ``\d`` form did (a match with a non-ASCII digit holds one): hyperscan
#: compiles ``\d`` as "ASCII digit or any non-ASCII character" (``prefilter._ANY_DIGIT``), and
#: counted repeats of that multi-byte class made the SIRET and card prefilters cost 20 and
#: 50 ms on 3 MB of lab reports, against 5 and 7 ms for ``[0-9]`` (session 9).
#: ``tests/detectors/test_digit_runs.py`` checks that it holds every ``\d`` of this Python.
OTHER_DIGIT = "[\\u0660-\\u1fff\\u3000-\\U0010ffff]"


@functools.lru_cache(maxsize=4)
def _runs(text: str) -> DigitRuns | None:
    import numpy as np

    code = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    digit = (code - 48) < 10  # wraps for code points under "0"
    if not text.isascii():
        high = code[code >= _FIRST_DIGIT]
        # few in a Latin text (typographic quotes, the euro sign); not np.unique, whose first
        # call costs 0.1-0.2 s of lazy imports
        if len(high) and any(chr(c).isdecimal() for c in set(high.tolist())):
            return None  # a non-ASCII decimal digit: the whole-text path
    edges = np.diff(digit.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return DigitRuns(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), code, len(text))


def digit_runs(text: str) -> DigitRuns | None:
    """The digit runs of ``text`` (see the module docstring), or None for the whole-text path."""
    if len(text) < MIN_CHARS:
        return None
    return _runs(text)


def long_runs(runs: DigitRuns, least: int):
    """Spans ``(starts, ends)`` (NumPy arrays) of the runs of at least ``least`` digits."""
    idx = (runs.end - runs.start >= least).nonzero()[0]
    return runs.start[idx], runs.end[idx]


def exact_runs(runs: DigitRuns, length: int):
    """Spans ``(starts, ends)`` (NumPy arrays) of the runs of exactly ``length`` digits: the
    anchor of a pattern whose digits cannot continue past ``length`` (``\\d{9}`` between
    lookarounds that refuse a digit around it: a longer run holds no match, and on lab reports
    runs of 10 to 15 digits, phone numbers and NIRs, outnumber the 9-digit ones two to one).
    Sound with :func:`anchored`'s windows only: they never end inside a run
    (:func:`whole_runs`)."""
    idx = (runs.end - runs.start == length).nonzero()[0]
    return runs.start[idx], runs.end[idx]


def groups(runs: DigitRuns, mins: tuple[int, ...], seps: str = ""):
    """Spans ``(starts, ends)`` (NumPy arrays) of every sequence of ``len(mins)`` consecutive
    runs, run ``j`` at least ``mins[j]`` digits long, each separated from the next by exactly
    one character, one of ``seps`` when given (``404 833 048``: ``mins=(3, 3, 3)``)."""
    import numpy as np

    s, e = runs.start, runs.end
    k = len(mins)
    n = len(s) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    length = e - s
    ok = length[:n] >= mins[0]
    for j in range(1, k):
        ok &= (length[j:j + n] >= mins[j]) & (s[j:j + n] == e[j - 1:j - 1 + n] + 1)
    first = ok.nonzero()[0]
    if seps and len(first):
        codes = [ord(c) for c in seps]
        for j in range(k - 1):
            # ``np.isin`` against a few code points, as comparisons (isin costs about 0.1 ms
            # a call whatever the size: most of this function on a 5 KB group of sections)
            sep = runs.code[e[first + j]]
            keep = sep == codes[0]
            for c in codes[1:]:
                keep |= sep == c
            first = first[keep]
    return s[first], e[first + (k - 1)]


def letter_adjacent(runs: DigitRuns):
    """Spans ``(starts, ends)`` (NumPy arrays) of the runs with an upper-case ASCII letter
    right before or right after them (``T7X3KP9Q2``, ``12AB34567``)."""
    import numpy as np

    s, e, code = runs.start, runs.end, runs.code
    before = code[np.maximum(s - 1, 0)]
    after = code[np.minimum(e, runs.size - 1)]
    ok = ((s > 0) & (before - 65 < 26)) | ((e < runs.size) & (after - 65 < 26))
    idx = ok.nonzero()[0]
    return s[idx], e[idx]


def concat(*spans):
    """One ``(starts, ends)`` pair from several (NumPy arrays)."""
    import numpy as np

    return (np.concatenate([a for a, _b in spans]).astype(np.int64),
            np.concatenate([b for _a, b in spans]).astype(np.int64))


def anchored(regex: re.Pattern[str], text: str, accept: Callable | None,
             anchors: Callable, margin: int) -> Iterator[tuple[re.Match[str], object]]:
    """The matches of ``regex`` in ``text`` as :func:`search_windows` gives them, in the windows
    of ``margin`` characters around ``anchors(runs)`` (``(starts, ends)`` spans that every match
    of ``regex`` contains); the whole-text search when :func:`digit_runs` is None."""
    runs = digit_runs(text)
    if runs is None:
        return search_windows(regex, text, [(0, len(text))], accept)
    starts, ends = anchors(runs)
    return search_windows(regex, text, whole_runs(windows(starts, ends, margin, runs.size), runs),
                          accept)


def whole_runs(wins: list[tuple[int, int]], runs: DigitRuns) -> list[tuple[int, int]]:
    """``wins`` (from :func:`windows`) with each end that falls inside a digit run moved to the
    run's end, merged again where they then touch. A window cut inside a run would show its
    search a shorter run than the text holds (a 9-digit match cut out of a 13-digit run, its
    lookahead seeing the end of the window): with whole runs, a match the end bound creates
    is made of the text's own runs, so it holds an anchor (:func:`exact_runs` included) and
    the module docstring's reasoning holds. Moving an end farther keeps it."""
    if not wins:
        return wins
    if len(wins) <= _FEW_WINDOWS:
        return _whole_runs_few(wins, runs)
    import numpy as np

    b = np.fromiter((w[1] for w in wins), dtype=np.int64, count=len(wins))
    k = np.maximum(np.searchsorted(runs.start, b, side="right") - 1, 0)
    cut = (runs.start[k] < b) & (runs.end[k] > b) if len(runs.start) else np.zeros(len(b), bool)
    ends = np.where(cut, runs.end[k] if len(runs.start) else b, b).tolist()
    out: list[tuple[int, int]] = []
    for (a, _b), e in zip(wins, ends):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((a, e))
    return out


def windows(starts, ends, margin: int, size: int) -> list[tuple[int, int]]:
    """Merged ``[start - margin, end + margin)`` windows (clipped to ``[0, size)``) of the
    anchor spans (NumPy arrays, any order)."""
    if len(starts) == 0:
        return []
    if len(starts) <= _FEW:
        return _windows_few(starts.tolist(), ends.tolist(), margin, size)
    import numpy as np

    order = np.argsort(starts, kind="stable")
    a = np.maximum(starts[order] - margin, 0)
    b = np.minimum(ends[order] + margin, size)
    reach = np.maximum.accumulate(b)
    new = np.ones(len(a), dtype=bool)
    new[1:] = a[1:] > reach[:-1]
    heads = np.flatnonzero(new)
    tails = np.append(heads[1:], len(a)) - 1
    return list(zip(a[heads].tolist(), reach[tails].tolist()))


#: up to this many anchors (:func:`windows`) or windows (:func:`whole_runs`) the two loop in
#: Python: on a group of sections (``pipeline.groups``) a detector has a few anchors, and the
#: ten NumPy calls of the vector path cost more than the loop (same windows; the loop of
#: :func:`whole_runs` bisects a NumPy array, slower per step, hence its lower bound)
_FEW = 24
_FEW_WINDOWS = 8


def _windows_few(starts: list[int], ends: list[int], margin: int,
                 size: int) -> list[tuple[int, int]]:
    """:func:`windows` of a few anchors (Python lists), by a loop."""
    out: list[list[int]] = []
    for s, e in sorted(zip(starts, ends), key=lambda p: p[0]):
        a = s - margin if s > margin else 0
        b = e + margin if e + margin < size else size
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _whole_runs_few(wins: list[tuple[int, int]], runs: DigitRuns) -> list[tuple[int, int]]:
    """:func:`whole_runs` of a few windows, by a loop (``bisect`` over the runs' starts)."""
    starts, ends = runs.start, runs.end
    n = len(starts)
    out: list[tuple[int, int]] = []
    for a, b in wins:
        e = b
        if n:
            k = bisect_right(starts, b) - 1
            if k >= 0 and starts[k] < b < ends[k]:
                e = int(ends[k])
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((a, e))
    return out


def search_windows(regex: re.Pattern[str], text: str, wins: list[tuple[int, int]],
                   accept: Callable | None = None) -> Iterator[tuple[re.Match[str], object]]:
    """The matches of ``regex`` in ``wins`` (from :func:`windows`), as the whole-text search
    makes them: with ``accept`` as :func:`~sentinelle.detectors.base.finditer_resuming`
    (resume at a rejected match's start + 1, yield ``(match, accept(match))`` for the accepted
    ones); without, as ``finditer`` (every match, ``(match, None)``). Each window is searched
    with its end as ``endpos``: a lookahead there sees the end of the string, which is why the
    margin exceeds the longest match plus what its lookarounds read."""
    for a, b in wins:
        pos = a
        while pos < b:
            m = regex.search(text, pos, b)
            if m is None:
                break
            if accept is None:
                yield m, None
                pos = m.end() if m.end() > m.start() else m.start() + 1
                continue
            res = accept(m)
            if res:
                yield m, res
                pos = m.end() if m.end() > m.start() else m.start() + 1
            else:
                pos = m.start() + 1
