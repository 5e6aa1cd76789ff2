"""Units to findings: candidates ▶ validate ▶ context ▶ filters ▶ overlaps. The decision rules.

Text path (:meth:`Pipeline.analyze_text`): every detector's :meth:`find` yields validated
candidates; context words (found in a window around the candidate in folded text) add
:data:`CONTEXT_BOOST` to the score of a candidate that is not checksum-invalid; candidates below
``Config.min_score`` are dropped; overlapping candidates are resolved by keeping the higher score,
then the longer span, then the earlier one (so "maladie de Parkinson" as HEALTH_CONDITION beats
"Parkinson" as PERSON).

Sections (issue 5): a text of ``SECTION_MIN_CHARS`` (4096) characters or more is cut at its
separator lines and form feeds (:func:`sections` gives the rule and its reason) and each
group of about 8 consecutive sections, cut by their content (:func:`groups`), is analysed as
a text of its own, so a rule that reads "the text" (date_of_birth's latest date) reads a few
reports, not a 1 MB unit of many; the hits of each group are memoised across the texts of a
scan by a digest of its text (:class:`_SectionMemo`, bounded in bytes): reports copied into
another file in the same order cost one lookup per group. A pure cache: the findings never
depend on what was scanned before (``tests/test_text_sections.py``). The groups not in the
memo are analysed a batch at a time (:meth:`Pipeline._texts_hits`): each detector runs over
every group of the batch before the next detector starts (the same ``find`` calls, so the
same hits; its data stays in the processor's caches: about 12% less CPU on 3 MB of reports).
Session 8 (:meth:`Pipeline._groups_hits`): the span-local detectors (all but date_of_birth and
the windowed ones, :data:`SPAN_LOCAL`) run once per span of about 32 KB of groups joined
:data:`SPAN_GAP_LINES` blank lines apart, a promise each of them keeps
(``tests/test_span_groups.py``), and each hit goes back to its group: the hits of every group
are still those of the group alone.

Table path (:meth:`Pipeline.analyze_table`): each column is classified once from its header and a
sample of values (:meth:`Pipeline.classify`):

1. a detector whose ``header_pattern`` matches the folded header claims the column when at least
   ``header_value_threshold`` of the sampled values pass its ``match_cell`` (the first such
   detector in registry order wins);
2. otherwise the detector (with ``header_required`` False) with the largest share of passing
   values claims it, when that share reaches its ``value_threshold``: a column of 15-digit
   numbers that pass the NIR key is FR_NIR even under a header like ``col7``;
3. otherwise the column is free text: every cell goes through the text path.

Value-only classification (2.) needs at least ``MIN_VALUE_SAMPLE`` non-empty sampled values: one
Luhn-valid message id in a one-row HL7 table is no evidence that the column holds SIREN numbers
(its cells still go through the text path, where a cue is needed).

A classified column gives one finding per cell that passes ``match_cell``; a cell it does not
accept whole (a note in a phone column) goes through the text path.

Speed (issue 6): every detector's ``prefilter`` is compiled into one
:class:`~sentinelle.detectors.prefilter.PrefilterSet` (hyperscan when installed, else Python
``re``); a text or cell runs only the detectors whose prefilter fired (the prefilter contract in
:mod:`sentinelle.detectors.base` makes this lossless).

Classification scores the header hits first, in registry order, and stops at the first that
passes (value-only scores never beat a header hit); a detector stops counting its passing
sample values as soon as it can no longer reach its threshold or beat the best share so far.
The plan is the one of scoring every detector in full (``tests/test_table_memo.py``).

Columnar table path (issue 6, :meth:`Pipeline._analyze_columns`): the outcome of a cell depends
on its column plan and its value alone, so per batch and column

1. the distinct values of the batch (``dict.fromkeys``) not yet in the column's cache (at most
   ``VALUE_CACHE`` distinct values per column and table; emptied when full) are decided at once:
   the detector's outcome per value (:meth:`Pipeline._outcomes`: one
   :meth:`Detector.match_column` call when ``COLUMN_CALL_MIN`` values or more are new and the
   detector vectorises it, else ``match_cell`` per value), then the decision rules above per
   distinct value (:meth:`Pipeline._accept`); the values it does not accept, and every value of
   a free-text column, go through the text path, once per distinct value;
2. each cell takes the hits of its value (one dict lookup per cell);
3. one stable sort on the row puts the findings in row, column, offset order, and the hit
   fields are built once per distinct hit and taken to the rows (Arrow ``take``) into one
   :class:`~sentinelle.finding.FindingBatch` (raw values in memory only).

Session 12 (issue 6, speed only, same findings): for the first batch of a table, a header-hit
detector that vectorises decides all the distinct values of its column in one
:meth:`Detector.match_column` call before its sample is scored (:meth:`Pipeline._prefetch`:
the sample's ``match_cell`` loop and the column's cells then read the value memo), the distinct
values are listed once for classification and analysis, and :meth:`Pipeline._outcomes` builds
its outcome tuples without a Python loop per value.

Session 13 (issue 6, speed only): the objects a table batch leaves alive (memos,
column caches: some 100,000 tuples and lists per batch of a lab export) are frozen
(``gc.freeze``) when the collector resumes, instead of being walked by its next young passes
(8-10% of a table scan's CPU), and given back when the table is done if nothing was frozen
before it (the text path is unchanged: no clear gain measured there).

Detector outcomes and text-path hits of cell values are also remembered across the tables of
a scan (:class:`_ValueMemo`, at most ``MEMO_VALUES`` values, forgotten all at once when full):
a leak holds the same patients in many files and copies. They do not depend on the table (the
header evidence is added per column by :meth:`Pipeline._accept`), so the findings are those of
a fresh pipeline.

Lab exports repeat units, codes, insurers, doctors and patients on many rows, so the work is per
distinct value, not per cell. A subclass that overrides :meth:`Pipeline.analyze_text` (none in
sentinelle since assess's ``TappedPipeline`` wraps a pipeline instead) gets the cell-by-cell path
(:meth:`Pipeline._analyze_cells`: same findings, as ``list[Finding]``, its ``analyze_text`` called
on every free-text cell); ``tests/test_finding_batch.py`` checks that both paths agree.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from sentinelle.config import Config
from sentinelle.detectors.base import Detector, fold_header, fold_keep_length, remember_fold
from sentinelle.detectors.prefilter import WINDOWS, PrefilterSet
from sentinelle.finding import Evidence, Finding, FindingBatch, Location, Validation
from sentinelle.readers.base import TableBatch, TableUnit

#: added to the score of a candidate with context words around it (never creates a finding)
CONTEXT_BOOST = 0.3
#: added to the score of a cell whose column header names the entity
HEADER_BOOST = 0.2


#: non-empty sampled values needed before a column is classified from its values alone
MIN_VALUE_SAMPLE = 3

#: distinct values remembered per column of a table (bounds memory: a column of unique values
#: empties its cache each time this many are held)
VALUE_CACHE = 20_000

#: cell values whose detector outcome (or text-path hits) the pipeline remembers across the
#: tables of a scan (:class:`_ValueMemo`; a leak holds the same values in many files and
#: copies); a free-text value counts once per ``MEMO_TEXT_UNIT`` characters, so a column of
#: long notes cannot hold more than this many units either: a few tens of MB per process;
#: all forgotten at once when full
MEMO_VALUES = 200_000
#: folded headers whose header-rule hits a pipeline remembers (:meth:`Pipeline._header_hits`)
HEADER_HITS_MAX = 4096
MEMO_TEXT_UNIT = 128
#: cell values given to one :meth:`Pipeline._texts_hits` call (:meth:`_ValueMemo.texts_hits`)
TEXTS_PER_CALL = 4096

#: new distinct values of a column from which one vectorised :meth:`Detector.match_column`
#: call costs less than a loop of ``match_cell`` (Polars' fixed cost per call is 2-20 ms;
#: measured on the throughput bench's tables)
COLUMN_CALL_MIN = 256

_MISSING = object()
_VALIDATIONS = {v.value: v for v in Validation}
_INVALID = Validation.INVALID

#: a finding without its location: (entity, start, end, score, validation, evidence, value,
#: normalized), the order of :class:`Finding`'s fields after ``location``
_Hit = tuple


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one column is analysed: by one detector (``detector``), or as free text."""

    index: int
    name: str
    detector: Detector | None
    header_hit: bool
    share: float  # share of sampled non-empty values that passed the detector's cell check


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep a set of non-overlapping findings: higher score, then longer, then earlier wins.

    Returns them sorted by start offset. O(n log n).
    """
    if len(findings) < 2:
        return findings
    order = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for f in order:
        i = bisect.bisect_left(starts, f.start)
        if i > 0 and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


class Pipeline:
    """Runs a fixed list of detectors under a :class:`Config`. The findings of a unit do not
    depend on the units before it (the table path's value memo and the text path's section
    memo only save work)."""

    def __init__(self, detectors: Sequence[Detector], config: Config, *,
                 prefilter_engine: str = "auto", text_windows: bool = True):
        self.config = config
        wanted = set(config.entities) if config.entities else None
        self.detectors = tuple(detectors)
        self.wanted = wanted
        #: per detector, the reach of its candidate windows in characters, or None (whole
        #: text); all None when ``text_windows`` is False (see :meth:`_text_hits`)
        self.windows = tuple(_window_of(d) if text_windows else None for d in self.detectors)
        #: one compiled pass decides which detectors run on a text (``prefilter_engine``:
        #: "auto", "hyperscan" or "re"; see :mod:`sentinelle.detectors.prefilter`)
        self.prefilters = PrefilterSet([d.prefilter for d in self.detectors], prefilter_engine,
                                       [w is not None for w in self.windows])
        self._windowed = any(w is not None for w in self.windows)
        #: texts shorter than this run every detector on the whole text (a test sets it to 0)
        self.window_min_chars = WINDOW_MIN_CHARS
        # a subclass that overrides analyze_text sees every free-text cell through it, as
        # before the value cache (assess's TappedPipeline wraps a pipeline and does not)
        self._tapped = type(self).analyze_text is not Pipeline.analyze_text
        self._memo = _ValueMemo(MEMO_VALUES)  # table cell outcomes, across tables
        #: texts of this many characters or more are analysed by sections (a test sets it)
        self.section_min_chars = SECTION_MIN_CHARS
        self._sections = _SectionMemo(MEMO_SECTION_BYTES)  # section hits, across texts
        self._header_memo = None  # (wanted, detectors wanted, {folded header: hits})

    def _wanted(self, entity: str) -> bool:
        return self.wanted is None or entity in self.wanted

    # -- text ------------------------------------------------------------------------------
    def analyze_text(self, text: str, location: Location, offset: int = 0) -> list[Finding]:
        """Findings in ``text``; offsets are shifted by ``offset`` (position of ``text[0]``).

        A text of :attr:`section_min_chars` or more is analysed by groups of sections
        (:func:`groups`), each alone, through the section memo (:class:`_SectionMemo`): the
        hits of a group depend on its own text only, so reports seen before in the scan, in
        the same order, cost one digest and one lookup, plus the shift of their offsets.

        The cyclic garbage collector is paused while a text is analysed, as for a table batch
        (:meth:`analyze_table`): its passes over the candidates, hits and the section memo's
        long-lived entries cost 8-18% of the text path (session 6, 3 MB of lab reports);
        garbage is freed by reference counting meanwhile, and a cycle made meanwhile (if any)
        is collected once the collector is back on."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._analyze_text(text, location, offset)
        finally:
            if paused:
                gc.enable()

    def analyze_text_batch(self, text: str, location: Location,
                           offset: int = 0) -> FindingBatch:
        """:meth:`analyze_text` as one :class:`~sentinelle.finding.FindingBatch` (same
        findings, same order), built column by column from the hits (Arrow): the scanner's
        text path, which turns the findings into Arrow columns anyway (masks, keyed hashes,
        JSON Lines), so no :class:`Finding` object is made (session 9, speed: making 82,000
        of them and reading them back into columns cost 15% of a scan of 3 MB of reports).
        Only for a :class:`Pipeline` whose ``analyze_text`` is its own (the scanner checks)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return _text_batch(self._text_parts(text, offset), location)
        finally:
            if paused:
                gc.enable()

    def _analyze_text(self, text: str, location: Location, offset: int) -> list[Finding]:
        """:meth:`analyze_text` with the collector paused."""
        out: list[Finding] = []
        for shift, hits in self._text_parts(text, offset):
            out.extend([Finding(h[0], h[1] + shift, h[2] + shift, h[3], location, h[4], h[5],
                                h[6], h[7]) for h in hits])
        return out

    def _text_parts(self, text: str, offset: int) -> list[tuple[int, list[_Hit]]]:
        """The hits of ``text``, as ``[(shift, hits)]`` in text order: the findings are the
        hits with ``shift`` added to their offsets (one part per group of sections, or one).

        The groups not in the section memo are analysed together, up to
        :data:`BATCH_CHARS` characters at a time (:meth:`_texts_hits`: each detector runs on
        every group of the batch in turn, rather than every detector on one group; the same
        ``find`` calls, so the same hits). A group met twice in the text is analysed once."""
        if len(text) < self.section_min_chars:
            return [(offset, self._text_hits(text))]
        memo = self._sections
        spans = groups(text)
        keys = [_SectionMemo.key(text[a:b]) for a, b in spans]
        known: dict[bytes, list[_Hit]] = {}
        todo: dict[bytes, tuple[int, int]] = {}  # first place of each group not in the memo
        for key, span in zip(keys, spans):
            if key in known or key in todo:
                continue
            hits = memo.get(key)
            if hits is None:
                todo[key] = span
            else:
                known[key] = hits
        if todo:
            folded = fold_keep_length(text)  # one fold of the text (NumPy), sliced per group
            batch: list[bytes] = []
            size = 0
            last = next(reversed(todo))
            for key, (a, b) in todo.items():
                batch.append(key)
                size += b - a
                if size < BATCH_CHARS and key is not last:
                    continue
                places = [todo[k] for k in batch]
                found = self._groups_hits([text[a:b] for a, b in places],
                                          [folded[a:b] for a, b in places])
                for k, hits in zip(batch, found):
                    memo.put(k, hits)
                    known[k] = hits
                batch, size = [], 0
        return [(a + offset, known[key]) for key, (a, _b) in zip(keys, spans)]

    def _text_hits(self, text: str) -> list[_Hit]:
        """The findings of ``text`` (offsets in ``text``) without their location, resolved:
        :meth:`_texts_hits` of one text."""
        if not text or text.isspace():
            return []
        return self._texts_hits([text], [fold_keep_length(text)])[0]

    def _texts_hits(self, texts: list[str], folds: list[str]) -> list[list[_Hit]]:
        """``[self._text_hits(t) for t in texts]`` (``folds[i]``: :func:`fold_keep_length` of
        ``texts[i]``), each detector run on every text of the list in turn.

        Why in turn (issue 6): on 5 KB groups of sections a detector pays a fixed cost per
        call that is mostly its data (lexicon automata, tables, compiled regexes) coming back
        into the processor's caches after the other 25 detectors ran; running one detector
        over the groups of a batch one after the other kept the find time of 3 MB of lab
        reports 10-25% lower (session 7). Detectors that share work on the same text through
        small caches of its last few texts (:data:`SHARED_WORK`: digit runs, dates, letter
        codes) take each text in turn together. Each ``find`` call is the one the text alone
        would make, so the hits are the same.

        Candidate windows (issue 6): on a text of :data:`WINDOW_MIN_CHARS` or more, a detector
        with a window (:attr:`windows`) runs :meth:`Detector.find` only on the merged windows
        of :func:`_windows` around the matches of its prefilter (offsets shifted back); the
        others run on the whole text. Context words are looked up in the whole folded text
        and the hits are concatenated in detector order, as without windows: same findings."""
        plans, per = self._texts_found(texts, folds)
        out: list[list[_Hit]] = []
        for plan, got in zip(plans, per):
            if plan is None:
                out.append([])
            elif len(got) < 2:
                out.append(_resolve_hits(next(iter(got.values()))) if got else [])
            else:  # concatenated in detector order (``plan`` keeps the fired order)
                out.append(_resolve_hits([h for k in plan for h in got[k]]))
        return out

    def _texts_found(self, texts: list[str], folds: list[str], only=None):
        """``(plans, per)`` of :meth:`_texts_hits`, before overlaps are resolved: ``plans[i]``
        is None for a blank text, else ``{detector index: spans}`` in ascending index order;
        ``per[i]`` is ``{detector index: hits}`` (unresolved, in ``find`` order). ``only``: a
        set of detector indices, the others are not run."""
        dets = self.detectors
        prefilters = self.prefilters
        windowed = self._windowed
        min_chars = self.window_min_chars
        #: per text: {detector index: spans to run it on}, and the fired indices in order
        plans: list[dict[int, object] | None] = []
        for text, folded in zip(texts, folds):
            if not text or text.isspace():
                plans.append(None)
                continue
            n = len(text)
            if windowed and n >= min_chars:
                fired, lines = prefilters.hit_ends(folded)
            else:
                fired, lines = prefilters.fired(folded), None
            if only is not None:
                fired = [k for k in fired if k in only]
                if lines:
                    lines = {k: e for k, e in lines.items() if k in only}
            plan: dict[int, object] = dict.fromkeys(fired, _WHOLE)
            if lines:
                line_ends = _line_ends(text)
                line_array = None  # line_ends as a NumPy array, for the detectors with many ends
                for k, ends in lines.items():
                    if len(ends) >= _NUMPY_ENDS and line_array is None:
                        import numpy as np

                        line_array = np.asarray(line_ends, dtype=np.int64)
                    plan[k] = _windows(text, ends, self.windows[k],
                                       line_array if len(ends) >= _NUMPY_ENDS else line_ends)
            plans.append(plan)
        per: list[dict[int, list[_Hit]]] = [{} for _ in texts]
        #: per detector index, the texts it runs on (ascending)
        runs: dict[int, list[int]] = {}
        for i, plan in enumerate(plans):
            if plan is not None:
                for k in plan:
                    got = runs.get(k)
                    if got is None:
                        runs[k] = [i]
                    else:
                        got.append(i)
        for family in self._run_order():
            if len(family) == 1:
                on = runs.get(family[0])
                if on is None:
                    continue
            else:
                on = sorted(set().union(*(runs.get(k, ()) for k in family)))
            for i in on:
                plan = plans[i]
                text, folded = texts[i], folds[i]
                # the detectors that fold ``text`` find its fold in the memo (the windowed
                # ones fold their windows, which may have pushed it out)
                remember_fold(text, folded)
                for k in family:
                    spans = plan.get(k)
                    if spans is not None:
                        per[i][k] = self._detector_hits(dets[k], text, folded, spans)
        return plans, per

    def _groups_hits(self, texts: list[str], folds: list[str]) -> list[list[_Hit]]:
        """:meth:`_texts_hits` of the groups of sections ``texts`` (same hits), with the
        span-local detectors (:func:`_span_local`) run once per *span* of groups rather than
        once per group (session 8, speed: each ``find`` call has a fixed cost, and the
        detectors' fast paths pay on long texts).

        A span is up to :data:`SPAN_CHARS` characters of consecutive groups joined by
        :data:`SPAN_GAP` (``SPAN_GAP_LINES`` blank lines). A span-local detector promises that
        its matches, their scores and context words on such a join are those of each group
        alone, shifted (its reach in characters and lines is below the gap, and blank lines
        are an edge to it; ``tests/test_span_groups.py`` checks it detector by detector);
        context words are read at most 48 characters before a match and 16 after. The
        prefilter pass runs once per span: a detector that fired in the span but not in a
        group finds nothing in that group (the prefilter contract). Each hit goes back to the
        group holding it; the other detectors (date_of_birth: the latest date of *its* text)
        run per group as before; each group's hits are concatenated in detector order and
        resolved alone, as :meth:`_texts_hits` does. A hit that would lie in a gap or cross a
        group's end (a broken promise) makes the span's groups run the old way."""
        setup = self._span_setup()
        if setup is None or len(texts) < 2:
            return self._texts_hits(texts, folds)
        local, whole = setup
        out: list[list[_Hit] | None] = [None] * len(texts)
        per: list[dict[int, list[_Hit]]] = [{} for _ in texts]
        live = [i for i, t in enumerate(texts) if t and not t.isspace()]
        for i, t in enumerate(texts):
            if not t or t.isspace():
                out[i] = []
        # spans of consecutive groups
        # A group without a line break runs alone: a detector may read a one-line text as a
        # whole (fr.commune scores a bare place name lower when its whole text is one short
        # line, location.py's ``_BARE_PATTERNS`` rule), which a span never is (review of
        # session 8: "Portugal" as the last group of a text scored 0.65 in a span, 0.4 alone,
        # and the section memo then made it depend on --jobs).
        spans: list[list[int]] = []
        size = 0
        alone = False
        for i in live:
            one_line = "\n" not in texts[i]
            if spans and not alone and not one_line and size + len(texts[i]) <= SPAN_CHARS:
                spans[-1].append(i)
                size += len(texts[i]) + len(SPAN_GAP)
            else:
                spans.append([i])
                size = len(texts[i]) + len(SPAN_GAP)
            alone = one_line
        gap = SPAN_GAP
        for members in spans:
            if len(members) == 1:
                i = members[0]
                plans, got = self._texts_found([texts[i]], [folds[i]], local)
                per[i].update(got[0])
                continue
            starts: list[int] = []
            pos = 0
            for i in members:
                starts.append(pos)
                pos += len(texts[i]) + len(gap)
            span_text = gap.join(texts[i] for i in members)
            span_fold = gap.join(folds[i] for i in members)
            _plans, got = self._texts_found([span_text], [span_fold], local)
            split: list[dict[int, list[_Hit]]] = [{} for _ in members]
            limits = [a + len(texts[i]) for a, i in zip(starts, members)]  # each group's end
            broken = False
            for k, hits in got[0].items():
                lists: list[list[_Hit]] = [[] for _ in members]
                for d, lst in zip(split, lists):
                    d[k] = lst
                for h in hits:
                    hs = h[1]
                    j = bisect.bisect_right(starts, hs) - 1
                    if h[2] > limits[j]:
                        broken = True
                        break
                    a = starts[j]
                    lists[j].append((h[0], hs - a, h[2] - a, h[3], h[4], h[5], h[6], h[7]))
                if broken:
                    break
            if broken:
                for i in members:
                    _plans, got1 = self._texts_found([texts[i]], [folds[i]], local)
                    per[i].update(got1[0])
            else:
                for i, d in zip(members, split):
                    per[i].update(d)
        if whole:
            sub = [texts[i] for i in live]
            _plans, got = self._texts_found(sub, [folds[i] for i in live], whole)
            for i, d in zip(live, got):
                per[i].update(d)
        for i in live:
            got = per[i]
            if len(got) < 2:
                out[i] = _resolve_hits(next(iter(got.values()))) if got else []
            else:  # concatenated in detector order, as :meth:`_texts_hits`
                out[i] = _resolve_hits([h for k in sorted(got) for h in got[k]])
        return out

    def _span_setup(self):
        """``(local, whole)``: the indices of the detectors run on spans (span-local,
        :func:`_span_local`, and without candidate windows: a group shorter than
        :attr:`window_min_chars` runs a windowed detector on its whole text, a span on
        windows, and the two differ in rare cases, see :data:`SPAN_LOCAL`) and those of the
        others; None when none runs on spans or :data:`SPAN_CHARS` is 0."""
        if "_span" not in self.__dict__:
            local = frozenset(k for k, d in enumerate(self.detectors)
                              if _span_local(d) and self.windows[k] is None)
            whole = frozenset(range(len(self.detectors))) - local
            self._span = (local, whole) if local and SPAN_CHARS > 0 else None
        return self._span

    def _run_order(self) -> list[tuple[int, ...]]:
        """The detectors' indices in the order :meth:`_texts_hits` runs them: registry order,
        but the members of a :data:`SHARED_WORK` family together, at the place of the first."""
        order = self.__dict__.get("_order")
        if order is None:
            names = {d.name: k for k, d in enumerate(self.detectors)}
            family_of: dict[int, tuple[int, ...]] = {}
            for family in SHARED_WORK:
                ks = tuple(sorted(names[n] for n in family if n in names))
                for k in ks:
                    family_of[k] = ks
            order, seen = [], set()
            for k in range(len(self.detectors)):
                if k not in seen:
                    ks = family_of.get(k, (k,))
                    seen.update(ks)
                    order.append(ks)
            self._order = order
        return order

    def _detector_hits(self, det: Detector, text: str, folded: str, spans) -> list[_Hit]:
        """The hits of ``det`` in ``text`` (``spans``: :data:`_WHOLE`, or the windows to run
        its ``find`` on), scored with their context words, below ``min_score`` dropped."""
        n = len(text)
        wanted = self.wanted
        min_score = self.config.min_score
        found: list[_Hit] = []
        name, det_entity, normalize = det.name, det.entity, det.normalize
        # one Evidence per (detector, pattern, context words), shared by the hits of every
        # text (few distinct: fewer objects, and the scanner's Arrow batch builds the evidence
        # columns once per distinct object); emptied when large
        evidence = self.__dict__.get("_evidence")
        if evidence is None or len(evidence) > _EVIDENCE_MAX:
            evidence = self._evidence = {}
        rounded: dict[float, float] = {}  # round(score, 4) per distinct score
        for a, b in ((0, n),) if spans is _WHOLE else spans:
            got = list(det.find(text if b - a == n else text[a:b]))
            if not got:
                continue
            if wanted is not None:
                got = [m for m in got if (m.entity or det_entity) in wanted]
            if a:
                ctxs = det.context_hits_many(folded, [(m.start + a, m.end + a) for m in got])
            else:
                ctxs = det.context_hits_many(folded, [(m.start, m.end) for m in got])
            for m, ctx in zip(got, ctxs):
                score = m.score
                if ctx and m.validation is not _INVALID:
                    # rounded as reported: 0.7 + 0.2 is 0.8999999999999999 in binary,
                    # and --min-score 0.9 must keep a finding reported at 0.9
                    score = round(min(1.0, score + CONTEXT_BOOST), 4)
                if score < min_score:
                    continue
                start = m.start + a
                end = m.end + a
                value = text[start:end]
                key = (name, m.pattern, ctx)
                ev = evidence.get(key)
                if ev is None:
                    ev = evidence[key] = Evidence(name, m.pattern or None, ctx)
                r = rounded.get(score)
                if r is None:
                    r = rounded[score] = round(score, 4)
                found.append((m.entity or det_entity, start, end, r, m.validation, ev, value,
                              m.normalized or normalize(value)))
        return found

    # -- tables ----------------------------------------------------------------------------
    def classify(self, header: Sequence[str], sample: Sequence[Sequence[str | None]],
                 hints: Sequence[str | None] = (),
                 columns: Sequence[Sequence[str | None]] | None = None,
                 distincts: dict[int, list[str]] | None = None) -> list[ColumnPlan]:
        """One :class:`ColumnPlan` per column from the header and a column-major value sample.

        ``hints``: per column, an optional standard meaning read in place of the header for
        classification (an HL7 reader names column ``PID-7`` and hints ``date_of_birth``).
        ``columns``: the whole columns of the batch the sample was taken from (optional, speed
        only: a header-hit detector that vectorises decides all their distinct values in one
        :meth:`Detector.match_column` call, see :meth:`_prefetch`; the plans are the same).
        ``distincts``: filled with the distinct non-blank values of the columns prefetched, per
        column index (``_analyze_columns`` reuses them for the batch).
        """
        plans = []
        for j, name in enumerate(header):
            values = [v for v in (sample[j] if j < len(sample) else ()) if v and v.strip()]
            values = values[: self.config.sample_rows]
            hint = hints[j] if j < len(hints) else None
            column = columns[j] if columns is not None and j < len(columns) else None
            plans.append(self._plan(j, name, fold_header(hint or name), values, column,
                                    distincts))
        return plans

    def _prefetch(self, det: Detector, j: int, column: Sequence[str | None],
                  distincts: dict[int, list[str]] | None) -> None:
        """Put in the value memo the outcomes of ``det`` under a header hit for the distinct
        non-blank values of ``column`` (a whole batch column), in one :meth:`_outcomes` call,
        when ``det`` vectorises :meth:`Detector.match_column` and at least
        :data:`COLUMN_CALL_MIN` values are distinct (Session 12, issue 6: the sample's
        ``match_cell`` loop in :func:`_share`, 200 calls per column, then reads the memo, and
        the column's cells find every outcome there; the outcomes are equal by the
        ``match_column`` contract, so the plan and findings are unchanged). ``distincts[j]``
        keeps the distinct values for :meth:`_analyze_columns`."""
        if type(det).match_column is Detector.match_column:
            return
        distinct = distincts.get(j) if distincts is not None else None
        if distinct is None:
            distinct = [v for v in dict.fromkeys(column) if v and not v.isspace()]
            if distincts is not None:
                distincts[j] = distinct
        if len(distinct) >= COLUMN_CALL_MIN:
            self._outcomes(det, True, distinct)

    def _plan(self, j: int, name: str, fh: str, values: list[str],
              column: Sequence[str | None] | None = None,
              distincts: dict[int, list[str]] | None = None) -> ColumnPlan:
        """The rules of :meth:`classify` for one column (``fh``: folded header or hint,
        ``values``: the non-blank sampled values).

        Same outcome as scoring every detector in registry order, with less work: the header
        hits are tried first, in registry order, and the first that passes its threshold wins
        at once (value-only scores never beat a header hit, so they are not computed); a
        detector stops counting its passing values as soon as it can no longer reach its
        threshold (or, value-only, beat the best share so far). The share of the chosen
        detector is always exact. ``match_cell`` is called per sampled value: on a 200-value
        sample a loop of ``match_cell`` costs less than one :meth:`Detector.match_column` call
        for most detectors (Polars' fixed cost per call is 2-20 ms; measured on the
        throughput bench's tables)."""
        if not values:
            return ColumnPlan(j, name, None, False, 0.0)
        dets, hits = self._header_hits(fh)
        for det, hit in zip(dets, hits):
            if hit:
                if column is not None:
                    self._prefetch(det, j, column, distincts)
                thr = det.header_value_threshold
                share = _share(det, values, True, lambda s, t=thr: s >= t and s > 0,
                               self._memo)
                if share is not None:
                    return ColumnPlan(j, name, det, True, share)
        if len(values) < MIN_VALUE_SAMPLE:
            return ColumnPlan(j, name, None, False, 0.0)
        best: tuple[float, Detector] | None = None
        for det, hit in zip(dets, hits):
            if hit or det.header_required:
                continue  # this detector cannot claim the column from its values
            thr, floor = det.value_threshold, best[0] if best else None
            share = _share(det, values, False,
                           lambda s, t=thr, b=floor: s >= t and (b is None or s > b),
                           self._memo)
            if share is not None:
                best = (share, det)
        if best is None:
            return ColumnPlan(j, name, None, False, 0.0)
        return ColumnPlan(j, name, best[1], False, best[0])

    def _header_hits(self, fh: str) -> tuple[list[Detector], tuple[bool, ...]]:
        """``(detectors wanted, whether each one's header rule matches fh)``, remembered per
        folded header (session 13: the HL7 reader makes a one-row table per segment, and
        :meth:`_plan` called ``header_matches`` 176k times for two files of the corpus; the
        rules depend on the detectors and ``fh`` only). At most :data:`HEADER_HITS_MAX`
        headers are held (then forgotten together); the wanted set is read again when
        :attr:`wanted` is replaced."""
        held = self._header_memo
        if held is None or held[0] is not self.wanted:
            dets = [d for d in self.detectors
                    if any(self._wanted(e) for e in (d.entities or (d.entity,)))]
            held = self._header_memo = (self.wanted, dets, {})
        _, dets, memo = held
        hits = memo.get(fh)
        if hits is None:
            if len(memo) >= HEADER_HITS_MAX:
                memo.clear()
            hits = memo[fh] = tuple(bool(fh) and d.header_matches(fh) for d in dets)
        return dets, hits

    def analyze_table(self, unit: TableUnit) -> Iterator[FindingBatch | list[Finding]]:
        """Yield the findings of each batch of ``unit``: one :class:`FindingBatch` per batch
        (a ``list[Finding]`` when a subclass overrides :meth:`analyze_text`, see
        :meth:`_analyze_batch`)."""
        plans: list[ColumnPlan] | None = None
        loc = unit.location
        header = unit.header
        # column index -> cell value -> (findings without location, from the text path)
        caches: dict[int, dict[str, tuple[list[_Hit], bool]]] = {}
        distincts: dict[int, list[str]] | None = None  # of the first batch (classify's)
        # the objects a batch leaves alive (the value memo's outcomes and hits, the column
        # caches: some 100,000 tuples and lists per batch of a lab export) are moved out of
        # the collector's generations when the batch is done (``gc.freeze``, a constant-time
        # move) rather than walked by its next young passes (Session 13, issue 6: ~8% of a
        # table scan's CPU); acyclic, they are still freed by reference counting. When
        # nothing was frozen before the table, they go back to the oldest generation
        # (``gc.unfreeze``) when it is done; else (the CLI froze its detectors) they stay
        # frozen, as the others.
        thaw = gc.get_freeze_count() == 0
        try:
            for batch in unit.batches:
                # no reference cycle is made here: the collector's passes over the batch's
                # values, memos and hits are put off until the batch is done; whatever is
                # garbage is freed by reference counting meanwhile
                paused = gc.isenabled()
                gc.disable()
                try:
                    if plans is None:
                        sample = [col[: self.config.sample_rows * 2] for col in batch.columns]
                        distincts = {}
                        plans = self.classify(header, sample, unit.hints, batch.columns,
                                              distincts)
                    found = self._analyze_batch(batch, plans, loc, header, caches, distincts)
                    distincts = None
                finally:
                    if paused:
                        gc.freeze()
                        gc.enable()
                yield found
        finally:
            if thaw and gc.get_freeze_count():
                gc.unfreeze()

    def _analyze_batch(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                       header: Sequence[str],
                       caches: dict[int, dict[str, tuple[list[_Hit], bool]]] | None = None,
                       distincts: dict[int, list[str]] | None = None
                       ) -> FindingBatch | list[Finding]:
        """Findings of one batch, in row order, then column order, then offset in the cell.

        ``caches``: per column index, ``{cell value: (hits without location, via text path)}``,
        kept across the batches of one table (at most ``VALUE_CACHE`` values per column).
        Columnar (:meth:`_analyze_columns`, a :class:`FindingBatch`) unless a subclass overrides
        :meth:`analyze_text`: then :meth:`_analyze_cells` calls it on every free-text cell and
        returns its very :class:`Finding` objects. ``distincts``: per column index, the distinct
        non-blank values of ``batch``'s column in order, when known (:meth:`classify`'s).
        """
        if caches is None:
            caches = {}
        if self._tapped:
            return self._analyze_cells(batch, plans, loc, caches)
        return self._analyze_columns(batch, plans, loc, caches, distincts)

    def _distinct_hits(self, plan: ColumnPlan, new: list[str]) -> dict[str, tuple[list[_Hit], bool]]:
        """``{value: (hits, via text path)}`` for distinct non-blank cell values of one column:
        the detector's outcome per value (:meth:`_outcomes`: memoised across tables), then
        the decision rules of :meth:`_accept` (inlined here: one loop, no call per value);
        the values it does not accept whole go through the text path (memoised too), as in
        :meth:`_cell_hits`. The text path takes the values together
        (:meth:`_ValueMemo.texts_hits`: each detector over all of them in turn)."""
        det = plan.detector
        if det is None:
            return dict(zip(new, zip(self._memo.texts_hits(self, new), itertools.repeat(True))))
        outcomes = self._outcomes(det, plan.header_hit, new)  # in the order of ``new``
        texts: list[str] = []  # the values the detector does not accept: text path
        out: dict[str, tuple[list[_Hit], bool]] = {}
        # the rules of _accept, per value
        wanted = self.wanted
        min_score = self.config.min_score
        boost = plan.header_hit
        det_entity, normalize = det.entity, det.normalize
        evidence: dict[str, Evidence] = {}
        rounded: dict[float, float] = {}
        header = plan.name if boost else None
        none = ([], False)
        for value, o in zip(new, outcomes):
            if o is None:
                out[value] = none  # a place in the order; filled below
                texts.append(value)
                continue
            start, end, score, validation, pattern, normalized, entity = o
            if not entity:
                entity = det_entity
            if wanted is not None and entity not in wanted:
                out[value] = none
                continue
            if boost and validation is not _INVALID:
                score += HEADER_BOOST
                if score > 1.0:
                    score = 1.0
            r = rounded.get(score)
            if r is None:
                r = rounded[score] = round(score, 4)
            if r < min_score:  # the score as reported (0.7 + 0.2 must pass --min-score 0.9)
                out[value] = none
                continue
            ev = evidence.get(pattern)
            if ev is None:
                ev = evidence[pattern] = Evidence(det.name, pattern or None, (), header)
            raw = value[start:end]
            out[value] = ([(entity, start, end, r, validation, ev, raw,
                            normalized or normalize(raw))], False)
        if texts:
            for value, hits in zip(texts, self._memo.texts_hits(self, texts)):
                out[value] = (hits, True)
        return out

    def _outcomes(self, det: Detector, header_hit: bool, values: list[str]) -> list:
        """``[(start, end, score, validation, pattern, normalized, entity) or None]``, one per
        value of ``values`` (distinct): ``det.match_cell(value, header_hit)`` of each value
        (None: no match), from the pipeline's value memo (:class:`_ValueMemo`) or computed:
        one :meth:`Detector.match_column` call when at least :data:`COLUMN_CALL_MIN` values
        are new and the detector overrides it (vectorised), else a loop of ``match_cell``
        (cheaper than Polars' fixed cost per call on a few values; equal by the match_column
        contract). Session 12: a list in the order of ``values`` (memo lookups by ``map``, in
        C), not a dict."""
        memo = self._memo.of((det.name, header_hit))
        got = list(map(memo.get, values, itertools.repeat(_MISSING)))
        missing = got.count(_MISSING)
        if not missing:
            return got
        todo = values if missing == len(got) else [v for v, o in zip(values, got)
                                                   if o is _MISSING]
        fresh = {}
        if len(todo) >= COLUMN_CALL_MIN and type(det).match_column is not Detector.match_column:
            import polars as pl

            res = det.match_column(pl.Series("value", todo, dtype=pl.Utf8), header_hit)
            # the outcome tuples zipped in C from the result's columns (Session 12: no Python
            # loop per value); "" for a null pattern or normalized form, as ``or ""`` did
            start = res["start"]
            fresh = dict(zip(todo, zip(
                start.to_list(), res["end"].to_list(), res["score"].to_list(),
                map(_VALIDATIONS.get, res["validation"].to_list()),
                res["pattern"].fill_null("").to_list(), res["normalized"].fill_null("").to_list(),
                res["entity"].to_list())))
            if start.null_count():
                for i in start.is_null().arg_true().to_list():
                    fresh[todo[i]] = None  # no match
        else:
            match_cell = det.match_cell
            for value in todo:
                m = match_cell(value, header_hit)
                fresh[value] = None if m is None else (
                    m.start, m.end, m.score, m.validation, m.pattern or "", m.normalized or "",
                    m.entity)
        self._memo.add(memo, fresh)
        if len(todo) == len(got) and len(fresh) == len(got):
            return list(fresh.values())  # all new: ``fresh`` is in the order of ``values``
        return [fresh[v] if o is _MISSING else o for v, o in zip(values, got)]

    def _analyze_columns(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                         caches: dict[int, dict[str, tuple[list[_Hit], bool]]],
                         distincts: dict[int, list[str]] | None = None) -> FindingBatch:
        """The columnar path of :meth:`_analyze_batch` (issue 6).

        Per column: the distinct values of the batch (``dict.fromkeys``) not in the column's
        cache go through :meth:`_distinct_hits` at once; each value with hits gets hit ids
        (its hits' places in the batch's list of hits); each cell then takes its value's hit
        ids (``map`` of a dict lookup, in C); the rows are put in (row, column, place in the
        cell) order by one stable sort on the row and the hit fields gathered into one
        :class:`FindingBatch` (:func:`_gather`). Work is per distinct value; per cell, a dict
        lookup."""
        hits: list[_Hit] = []  # the hits of this batch, by hit id
        # per column with hits: (rank in ``names``, per row its hit id, tuple of hit ids or
        # None, whether some cell has several hits)
        parts: list[tuple[int, list, bool]] = []
        names: list[str] = []
        columns = batch.columns
        for plan in sorted(plans, key=lambda p: p.index):
            j = plan.index
            if j >= len(columns):
                continue
            cache = caches.get(j)
            if cache is None:
                cache = caches[j] = {}
            column = columns[j]
            known = distincts.get(j) if distincts else None
            if known is not None and not cache:
                # the distinct non-blank values, in order, from classify: all new
                distinct = new = known
            else:
                distinct = dict.fromkeys(column)
                new = [v for v in distinct if v and v not in cache and not v.isspace()]
            local = self._distinct_hits(plan, new) if new else {}
            # (value, (hits, via text path)) of the batch's values: the new ones, then those
            # the cache knows, read *before* the cache is updated (an update may empty it)
            if cache and len(new) < len(distinct):
                lget, cget = local.get, cache.get
                pairs = [(v, lget(v) or cget(v)) for v in distinct if v]
            else:
                pairs = local.items()
            # value -> hit id (one hit) or tuple of hit ids (several), for values with hits
            where: dict[str, int | tuple[int, ...]] = {}
            multi = False
            k = len(hits)
            append = hits.append
            for v, got in pairs:
                if not got:
                    continue
                found = got[0]
                if not found:
                    continue
                if len(found) == 1:
                    where[v] = k
                    append(found[0])
                    k += 1
                else:
                    where[v] = tuple(range(k, k + len(found)))
                    hits.extend(found)
                    k += len(found)
                    multi = True
            if local:
                if len(cache) + len(local) > VALUE_CACHE:
                    cache.clear()
                room = VALUE_CACHE - len(cache)
                if len(local) <= room:
                    cache.update(local)
                else:
                    cache.update(dict(zip(list(local)[:room], list(local.values())[:room])))
            if not where:
                continue
            parts.append((len(names), list(map(where.get, column)), multi))
            names.append(plan.name)
        return _gather(parts, names, hits, loc, batch.first_row)

    def _analyze_cells(self, batch: TableBatch, plans: list[ColumnPlan], loc: Location,
                       caches: dict[int, dict[str, tuple[list[_Hit], bool]]]) -> list[Finding]:
        """The cell-by-cell path of :meth:`_analyze_batch`: one dict lookup per cell, and a
        call of :meth:`analyze_text` per free-text cell (the subclass sees each one)."""
        path, sheet = loc.path, loc.sheet
        first = batch.first_row
        # per column, the hits of each row that has some: {row index in batch: hits}
        per_column: list[tuple[ColumnPlan, dict[int, list[_Hit]]]] = []
        for plan in sorted(plans, key=lambda p: p.index):
            j = plan.index
            if j >= len(batch.columns):
                continue
            cache = caches.get(j)
            if cache is None:
                cache = caches[j] = {}
            get = cache.get
            rows: dict[int, list[_Hit] | list[Finding]] = {}
            tapped = self._tapped
            for i, value in enumerate(batch.columns[j]):
                got = get(value)
                if got is None:
                    if not value:  # None (missing) or empty: nothing to analyse
                        continue
                    if len(cache) >= VALUE_CACHE:
                        cache.clear()
                    got = cache[value] = self._cell_hits(value, plan)
                if tapped and got[1]:
                    found = self.analyze_text(value, Location(path, first + i, plan.name, sheet))
                    if found:
                        rows[i] = found
                elif got[0]:
                    rows[i] = got[0]
            if rows:
                per_column.append((plan, rows))
        if not per_column:
            return []
        out: list[Finding] = []
        if len(per_column) == 1:
            order = sorted(per_column[0][1])
        else:
            order = sorted({i for _plan, rows in per_column for i in rows})
        for i in order:
            row = first + i
            for plan, rows in per_column:
                hits = rows.get(i)
                if hits is None:
                    continue
                if isinstance(hits[0], Finding):  # made by an overriding analyze_text
                    out.extend(hits)
                    continue
                cell_loc = Location(path, row, plan.name, sheet)
                for h in hits:
                    out.append(Finding(h[0], h[1], h[2], h[3], cell_loc, h[4], h[5], h[6], h[7]))
        return out

    def _cell_hits(self, value: str, plan: ColumnPlan) -> tuple[list[_Hit], bool]:
        """The findings of one cell of a column planned as ``plan``, without their location,
        and whether they come from the text path."""
        if value.isspace():
            return [], False
        det = plan.detector
        if det is None:
            return self._text_hits(value), True
        m = det.match_cell(value, plan.header_hit)
        if m is None:
            # a cell the column's detector does not accept whole (several conditions in
            # one cell, a note in a phone column) still goes through the text path
            return self._text_hits(value), True
        return self._accept(plan, value, m.start, m.end, m.score, m.validation, m.pattern,
                            m.normalized, m.entity, {})

    def _accept(self, plan: ColumnPlan, value: str, start: int, end: int, score: float,
                validation: Validation, pattern: str, normalized: str, entity: str | None,
                evidence: dict[str, Evidence]) -> tuple[list[_Hit], bool]:
        """The decision on a cell the column's detector accepted (a :class:`Match`'s fields):
        entity filter, :data:`HEADER_BOOST` under a header hit unless checksum-invalid,
        ``min_score``. ``evidence`` memoises the :class:`Evidence` per pattern."""
        det = plan.detector
        entity = entity or det.entity
        if self.wanted is not None and entity not in self.wanted:
            return [], False
        if plan.header_hit and validation is not _INVALID:
            score += HEADER_BOOST
            if score > 1.0:
                score = 1.0
        if round(score, 4) < self.config.min_score:  # as reported: 0.7 + 0.2 passes 0.9
            return [], False
        ev = evidence.get(pattern)
        if ev is None:
            ev = evidence[pattern] = Evidence(det.name, pattern or None, (),
                                              plan.name if plan.header_hit else None)
        raw = value[start:end]
        return [(entity, start, end, round(score, 4), validation, ev,
                 raw, normalized or det.normalize(raw))], False


#: texts shorter than this run every detector on the whole text (a table cell, a short note):
#: windows only pay on long texts, where a detector's regex pass costs more than the lines
WINDOW_MIN_CHARS = 4096
#: windows whose merged length reaches this share of the text: run on the whole text instead
#: (one ``find`` call instead of many; same findings)
WINDOW_MAX_SHARE = 0.8
def _text_batch(parts: list[tuple[int, list[_Hit]]], loc: Location) -> FindingBatch:
    """One :class:`FindingBatch` of the findings of :meth:`Pipeline._text_parts`' ``parts``
    at ``loc``: the columns of :meth:`FindingBatch.from_findings` of the same findings, each
    made by one Arrow call from the hits' fields (offsets shifted with NumPy), the evidence
    fields once per distinct :class:`Evidence` object (a few per detector) and taken."""
    import numpy as np
    import pyarrow as pa

    schema = FindingBatch.schema()
    parts = [(shift, hits) for shift, hits in parts if hits]
    if not parts:
        return FindingBatch(schema.empty_table())
    if len(parts) == 1:
        hits = parts[0][1]
        shifts = np.int64(parts[0][0])
    else:
        hits = list(itertools.chain.from_iterable(h for _s, h in parts))
        shifts = np.repeat(np.array([s for s, _h in parts], np.int64),
                           [len(h) for _s, h in parts])
    n = len(hits)
    ents, starts, ends, scores, vals, evs, values, norms = zip(*hits)
    uniq = list({id(e): e for e in evs}.values())
    index = {id(e): k for k, e in enumerate(uniq)}
    ev_take = pa.array(list(map(index.__getitem__, map(id, evs))), pa.int64())
    s, i64 = pa.large_string(), pa.int64()
    cols = {
        "path": pa.repeat(pa.scalar(loc.path, s), n),
        "row": pa.repeat(pa.scalar(loc.row, i64), n),
        "column": pa.repeat(pa.scalar(loc.column, s), n),
        "sheet": pa.repeat(pa.scalar(loc.sheet, s), n),
        "page": pa.repeat(pa.scalar(loc.page, i64), n),
        "entity_type": pa.array(ents, s),
        "start": pa.array(np.fromiter(starts, np.int64, n) + shifts),
        "end": pa.array(np.fromiter(ends, np.int64, n) + shifts),
        "score": pa.array(scores, pa.float64()),
        "validation": pa.array(vals, s),  # a str enum: its value
        "detector": pa.array([e.detector for e in uniq], s).take(ev_take),
        "pattern": pa.array([e.pattern or "" for e in uniq], s).take(ev_take),
        "context": pa.array([list(e.context) for e in uniq], pa.large_list(s)).take(ev_take),
        "header": pa.array([e.header or "" for e in uniq], s).take(ev_take),
        "value": pa.array(values, s),
        "normalized": pa.array(norms, s),
    }
    return FindingBatch(pa.table([cols[f.name] for f in schema], schema=schema))


def _window_of(det: Detector) -> int | None:
    """The reach of ``det``'s candidate windows: its :attr:`Detector.window`, else its entry
    in :data:`~sentinelle.detectors.prefilter.WINDOWS`; None without a prefilter."""
    if det.prefilter is None:
        return None
    return det.window if det.window is not None else WINDOWS.get(det.name)


def _line_ends(text: str) -> list[int]:
    """For each line of ``text``, the offset just after its ``\\n`` (``len(text) + 1`` for the
    last line): one ``split`` in C, then a bisection per hit line (``str.rfind`` and ``find``
    cost about 2 µs a call on a non-ASCII text of 1 MB)."""
    return list(itertools.accumulate(len(line) + 1 for line in text.split("\n")))


def _windows(text: str, ends: list[int], reach: int,
             line_ends: list[int] | None = None) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` windows of ``text`` around the prefilter matches ending at
    ``ends`` (ascending, from :meth:`PrefilterSet.hit_ends`): the whole line holding
    ``text[p - 1]`` (the match's last character; only its end is reported, and a prefilter
    match does not cross a line end), widened by ``reach`` characters on both sides. So the
    windows depend only on which lines hold a match (the same for both prefilter engines),
    and every window edge lies at least ``reach`` characters from any match. Windows that
    overlap or touch are merged; ``[(0, len(text))]`` when they would cover
    :data:`WINDOW_MAX_SHARE` of the text or more. ``line_ends``: :func:`_line_ends` of
    ``text`` when the caller has it."""
    n = len(text)
    nl = _line_ends(text) if line_ends is None else line_ends
    if len(ends) >= _NUMPY_ENDS:
        return _windows_numpy(n, ends, reach, nl)
    out: list[list[int]] = []
    line_end = -1
    for p in ends:
        if p <= line_end:
            continue  # on the line of the previous match
        i = bisect.bisect_right(nl, p - 1 if p > 0 else 0)
        line_end = min(nl[i] - 1, n)
        a = max(0, (nl[i - 1] if i else 0) - reach)
        b = min(n, line_end + reach)
        if out and a <= out[-1][1]:
            out[-1][1] = b
        else:
            out.append([a, b])
    if sum(b - a for a, b in out) >= WINDOW_MAX_SHARE * n:
        return [(0, n)]
    return [(a, b) for a, b in out]


#: from this many prefilter ends :func:`_windows` computes with NumPy
_NUMPY_ENDS = 256


def _windows_numpy(n: int, ends: list[int], reach: int, nl) -> list[tuple[int, int]]:
    """:func:`_windows` for many ``ends`` (same windows): the line of each end by one
    ``searchsorted``, its distinct lines widened by ``reach``, merged where a window starts
    at or before the end of the previous one (window ends grow with the line)."""
    import numpy as np

    nl = np.asarray(nl, dtype=np.int64)
    e = np.asarray(ends, dtype=np.int64)
    lines = np.unique(np.searchsorted(nl, np.maximum(e - 1, 0), side="right"))
    prev = np.where(lines > 0, nl[np.maximum(lines - 1, 0)], 0)
    a = np.maximum(prev - reach, 0)
    b = np.minimum(np.minimum(nl[lines] - 1, n) + reach, n)
    cut = np.flatnonzero(a[1:] > b[:-1]) + 1  # a window that does not touch the previous one
    starts = a[np.concatenate(([0], cut))]
    stops = b[np.concatenate((cut - 1, [len(b) - 1]))]
    if int((stops - starts).sum()) >= WINDOW_MAX_SHARE * n:
        return [(0, n)]
    return list(zip(starts.tolist(), stops.tolist()))


#: the spans of a detector that runs on the whole text (see :meth:`Pipeline._texts_hits`)
_WHOLE = object()

#: characters of text groups :meth:`Pipeline._analyze_text` hands to one
#: :meth:`Pipeline._texts_hits` call (bounds the hits and slices held at once)
BATCH_CHARS = 1 << 20

#: detectors that share work on a text through caches of its last few texts, by ``name``: the
#: digit runs (:mod:`~sentinelle.detectors.digit_runs`, the last 4 texts), the dates of a text
#: (``dates._all_dates_memo``, 2) and its letter codes (``location.text_letters``, 2);
#: :meth:`Pipeline._texts_hits` runs the members of a family in turn on each text
SHARED_WORK: tuple[tuple[str, ...], ...] = (
    ("fr.siren", "fr.finess", "fr.adeli", "iban", "fr.cni", "fr.passport"),
    ("date_of_birth", "date_time"),
    ("fr.commune", "person"),
)

#: characters of groups of sections joined into one span for the span-local detectors
#: (:meth:`Pipeline._groups_hits`); 0 turns spans off
SPAN_CHARS = 32768
#: blank lines between two groups of a span: more than any span-local detector reads around a
#: match (credential, the farthest: 420 characters after a label, see prefilter.WINDOWS)
SPAN_GAP_LINES = 1024
SPAN_GAP = "\n" * SPAN_GAP_LINES

#: the built-in detectors that keep their promise on spans (:meth:`Pipeline._groups_hits`):
#: every one but date_of_birth, whose rule reads the latest full date of its whole text.
#: PERSON reviewed by a NER model is not span-local either (the model reads its sentences'
#: neighbours). A detector class may declare :attr:`Detector.span_local` itself, which wins.
#: The detectors with candidate windows (``prefilter.WINDOWS``, ``Detector.window``) stay per
#: group: on a group under ``WINDOW_MIN_CHARS`` they run on its whole text, on a span on
#: windows, and windows and whole text differ in rare cases (session 8: fr.nir found one more
#: spaced 15-digit run on windows in 3 MB of lab reports).
SPAN_LOCAL = frozenset((
    "fr.nir", "fr.rpps", "iban", "fr.siret", "fr.siren", "fr.finess", "fr.adeli",
    "credit_card", "bic", "fr.cni", "fr.passport", "medical_record_number", "email",
    "credential", "url", "ip_address", "phone", "blood_group", "fr.postal_code",
    "street_address", "fr.commune", "date_time", "person", "health_condition", "medication",
    "pregnancy", "lab_result", "health_insurer",
))


def _span_local(det: Detector) -> bool:
    """Whether ``det`` may run on spans of groups (:data:`SPAN_LOCAL`, or the class's own
    :attr:`Detector.span_local`)."""
    flag = getattr(type(det), "span_local", None)
    if flag is not None:
        return bool(flag)
    if det.name not in SPAN_LOCAL:
        return False
    return not (det.name == "person" and getattr(det, "_ner", None) is not None)


#: from this many hits :func:`_resolve_hits` resolves cluster by cluster
_MARK_MIN_HITS = 64


def _resolve_hits(found: list[_Hit]) -> list[_Hit]:
    """:func:`resolve_overlaps` on location-less findings (same rule, same order).

    Many hits (a text unit of lab reports holds tens of thousands): sorted by start once (a C
    sort on one field), then cut into clusters, the runs of hits whose spans overlap one
    another (a hit starting at or after the furthest end so far opens a new one); the rule is
    applied within each cluster alone, since a hit can only lose to a hit it overlaps, and
    most clusters hold one hit. Same result: clusters come in start order and a cluster's
    kept hits are sorted by start; equal hits keep their order in ``found`` (stable sorts).
    A list holding an empty span takes the rule on the whole list."""
    if len(found) < 2:
        return found
    if len(found) < _MARK_MIN_HITS or not all(h[2] > h[1] for h in found):
        return _resolve_list(found)
    by_start = sorted(found, key=_START)
    out: list[_Hit] = []
    cluster = [by_start[0]]
    reach = by_start[0][2]
    for h in itertools.islice(by_start, 1, None):
        if h[1] < reach:
            cluster.append(h)
            if h[2] > reach:
                reach = h[2]
            continue
        if len(cluster) == 1:
            out.append(cluster[0])
        else:
            out += _resolve_list(cluster)
        cluster = [h]
        reach = h[2]
    if len(cluster) == 1:
        out.append(cluster[0])
    else:
        out += _resolve_list(cluster)
    return out


def _START(h: _Hit) -> int:
    return h[1]


def _resolve_list(found: list[_Hit]) -> list[_Hit]:
    """:func:`resolve_overlaps`'s rule and algorithm on location-less findings."""
    if len(found) < 2:
        return found
    order = sorted(found, key=lambda h: (-h[3], -(h[2] - h[1]), h[1]))
    starts: list[int] = []
    kept: list[_Hit] = []
    for h in order:
        i = bisect.bisect_left(starts, h[1])
        if i > 0 and kept[i - 1][2] > h[1]:
            continue
        if i < len(kept) and kept[i][1] < h[2]:
            continue
        starts.insert(i, h[1])
        kept.insert(i, h)
    return kept


#: distinct evidences the text path keeps to share (:meth:`Pipeline._detector_hits`)
_EVIDENCE_MAX = 4096

#: texts of this many characters or more are analysed by sections (:func:`sections`)
SECTION_MIN_CHARS = 4096
#: a text whose sections average fewer characters than this is analysed whole: each section
#: costs a fixed ~1 ms (a prefilter pass and ~20 detector calls), more than a short one saves
SECTION_MEAN_CHARS = 400
#: bytes of hits the section memo holds per process (:class:`_SectionMemo`); about 25 MB for
#: the 20,000-patient leak's 19 MB of reports
MEMO_SECTION_BYTES = 64 << 20
#: a cut line (:func:`sections`): one separator character repeated 5 times or more, alone on
#: its line but for spaces and tabs; or a form feed, wherever it stands
_CUT = re.compile(r"^[ \t]*([-=_*~#\u2500\u2501\u2550])\1{4,}[ \t]*\r?$|\f", re.M)
#: a line next to a cut line: blank, or a rule itself
_BLANK_OR_RULE = re.compile(r"[ \t\r]*(?:([-=_*~#\u2500\u2501\u2550])\1{4,}[ \t\r]*)?")


def _set_apart(text: str, start: int, end: int) -> bool:
    """Whether the rule line ``text[start:end]`` has a blank line (or a rule, or the start or
    end of the text) on each side (:func:`sections`)."""
    if start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        if not _BLANK_OR_RULE.fullmatch(text, prev, start - 1):
            return False
    if end < len(text):
        nxt = text.find("\n", end + 1)
        if not _BLANK_OR_RULE.fullmatch(text, end + 1, len(text) if nxt < 0 else nxt):
            return False
    return True
_NON_SPACE = re.compile(r"\S")


#: sections are analysed in content-defined groups of this many on average (:func:`groups`)
GROUP_MEAN_SECTIONS = 8
#: a group ends after this many characters whatever its sections' digests
GROUP_MAX_CHARS = 32768


def groups(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans that :meth:`Pipeline.analyze_text` analyses one by one:
    consecutive :func:`sections` of ``text``, grouped by their content.

    A group ends after a section whose BLAKE2b digest's first byte is a multiple of
    :data:`GROUP_MEAN_SECTIONS` (or once it holds :data:`GROUP_MAX_CHARS` characters): the
    content-defined chunking of rsync and backup tools (Muthitacharoen et al., "A
    low-bandwidth network file system", SOSP 2001), so the cut depends on the sections' text
    only, never on what was scanned before, and a copy that keeps the reports' order but drops
    some (as re-released leaks do) shares every group that lost none. Why groups and not single
    sections: each analysed span costs a fixed ~1 ms (a prefilter pass and ~20 detector calls),
    which made a file read once 36% slower by sections, and the detectors' fast paths
    (candidate starts, digit runs, windows) pay off on a few kilobytes or more. With groups of
    8 (about 5 KB of reports) a file read once costs about what the whole text costs, within
    this machine's noise, and 3 near-copies of a report file cost about 20% less than read
    whole (session 5, ``/usr/bin/time`` of ``sentinelle scan --jobs 1``). A group spans
    from its first section's start to its last section's end, cut lines between included."""
    secs = sections(text)
    if len(secs) == 1:
        return secs
    out: list[tuple[int, int]] = []
    start = -1
    for a, b in secs:
        if start < 0:
            start = a
        first = hashlib.blake2b(text[a:b].encode("utf-8", "surrogatepass"), digest_size=8).digest()[0]
        if first % GROUP_MEAN_SECTIONS == 0 or b - start >= GROUP_MAX_CHARS:
            out.append((start, b))
            start = -1
    if start >= 0:
        out.append((start, secs[-1][1]))
    return out


def sections(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` sections of ``text`` that the text path analyses one by one.

    Rule: ``text`` is cut at every *cut line*, a line made only of one separator character
    (``-``, ``=``, ``_``, ``*``, ``~``, ``#``, or the box-drawing ``─``, ``━``, ``═``)
    repeated 5 times or more (spaces and tabs around it allowed) with a blank line (or another
    rule, or the start or end of the text) on each side, and at every form feed (a page
    break, as ``pdftotext`` writes it). Why these: they are the hard document boundaries of
    text exports, put there by the program that joined the documents (a lab system's batch
    of reports, a printed page). A rule right under a label ("Téléphone" then ``-----``, a
    heading underlined with ``=====``, a form field drawn as ``______``) is not a cut: a cue
    above it reads the value below (review of session 5). So no finding and no cue crosses a
    cut, and the same report copied into
    another file keeps the same text between them. A run of 5 or more leaves out
    Markdown's ``---`` and ``***`` rules (which may part a note's own paragraphs). A
    section runs from the start of its first non-blank line to the end (``\\n`` included) of
    its last one: blank lines around a report do not change its key; blank sections are
    dropped. Cut lines hold no personal data; the text between sections is only white space
    and cut lines.

    ``[(0, len(text))]`` (the whole text, as is) when ``text`` has no cut, or when its
    sections average fewer than :data:`SECTION_MEAN_CHARS` characters (a table drawn with
    rules, a log with a rule every few lines: a section costs about 1 ms whatever its size)."""
    n = len(text)
    bounds = [0]  # start of a stretch, end of a stretch, start of the next...
    for cut in _CUT.finditer(text):
        if cut.group() == "\f" or _set_apart(text, *cut.span()):
            bounds += cut.span()
    if len(bounds) == 1:
        return [(0, n)]
    bounds.append(n)
    out: list[tuple[int, int]] = []
    for lo, hi in zip(bounds[::2], bounds[1::2]):
        first = _NON_SPACE.search(text, lo, hi)
        if first is None:
            continue
        f = first.start()
        a = text.rfind("\n", lo, f) + 1 or lo  # the start of its line (or of the stretch)
        last = f + len(text[f:hi].rstrip())  # just after its last non-blank character
        nl = text.find("\n", last, hi)
        out.append((a, nl + 1 if nl >= 0 else hi))
    if not out or n < SECTION_MEAN_CHARS * len(out):
        return [(0, n)]
    return out


#: the fixed cost of a memo entry in bytes (key, list, tuple of hits and cost) and of a hit
#: (its tuple, offsets, score, Evidence, the strings' headers): measured with tracemalloc
_SECTION_BYTES = 200
_HIT_BYTES = 400


class _SectionMemo:
    """The hits of the text sections seen by a pipeline, kept across the texts of a scan
    (issue 5: a leak holds the same reports in several files, in another order or subset).

    :meth:`hits` ``(pipeline, section)`` is ``pipeline._text_hits(section)`` (offsets in the
    section), memoised under a BLAKE2b-128 digest of the section's text (UTF-8, :meth:`key`;
    :meth:`get` and :meth:`put` for a caller that computes the hits itself): a pure
    cache, the hits of a section depend on its text alone, so the findings of a text never
    depend on what was scanned before. Memory: at most ``limit`` bytes of hits (an estimate:
    :data:`_SECTION_BYTES` per entry, :data:`_HIT_BYTES` per hit plus its value and normalised
    value), the least recently used sections forgotten first; a section whose hits alone
    exceed the limit is not kept. Raw values: memory only; a pickled memo (a ``--jobs``
    worker started clean) arrives empty, a forked worker keeps its parent's."""

    __slots__ = ("limit", "size", "entries")

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        #: digest -> (hits, cost in bytes), least recently used first
        self.entries: dict[bytes, tuple[list[_Hit], int]] = {}

    def __reduce__(self):
        return (_SectionMemo, (self.limit,))

    @staticmethod
    def key(section: str) -> bytes:
        """The memo key of ``section``: BLAKE2b-128 of its UTF-8 (lone surrogates kept)."""
        return hashlib.blake2b(section.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, key: bytes) -> list[_Hit] | None:
        """The hits remembered under ``key`` (a shared list: do not change it), or None."""
        got = self.entries.pop(key, None)
        if got is None:
            return None
        self.entries[key] = got  # now the most recently used
        return got[0]

    def put(self, key: bytes, hits: list[_Hit]) -> None:
        """Remember ``hits`` under ``key``, forgetting the least recently used to make room."""
        entries = self.entries
        cost = _SECTION_BYTES + sum(_HIT_BYTES + len(h[6]) + len(h[7] or "") for h in hits)
        if cost > self.limit or key in entries:
            return
        while entries and self.size + cost > self.limit:
            self.size -= entries.pop(next(iter(entries)))[1]
        entries[key] = (hits, cost)
        self.size += cost

    def hits(self, pipeline: "Pipeline", section: str) -> list[_Hit]:
        """``pipeline._text_hits(section)``, memoised (the list is shared: do not change it)."""
        key = self.key(section)
        got = self.get(key)
        if got is None:
            got = pipeline._text_hits(section)
            self.put(key, got)
        return got


class _ValueMemo:
    """What the table path learnt about cell values, kept across the tables of a scan.

    ``of((detector name, header hit))`` is ``{value: outcome of the detector's match_cell}``
    (see :meth:`Pipeline._outcomes`); :meth:`text_hits` memoises the text path of a cell
    value (its hits do not depend on the column). The outcomes are plain data and do not
    depend on the table, so reusing them gives the findings of computing them again. At most
    ``limit`` values in all: the whole memo is forgotten when an addition would pass it. Raw
    values: memory only; a pickled memo (``--jobs`` workers started clean) arrives empty."""

    __slots__ = ("limit", "size", "maps")

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.maps: dict[tuple, dict] = {}

    def __reduce__(self):
        return (_ValueMemo, (self.limit,))

    def of(self, key: tuple) -> dict:
        got = self.maps.get(key)
        if got is None:
            got = self.maps[key] = {}
        return got

    def add(self, memo: dict, fresh: dict) -> None:
        """Remember ``fresh`` in ``memo`` (a map from :meth:`of`), within the limit."""
        if self.size + len(fresh) > self.limit:
            for m in self.maps.values():
                m.clear()
            self.size = 0
            if len(fresh) > self.limit:
                fresh = dict(list(fresh.items())[: self.limit])
        memo.update(fresh)
        self.size += len(fresh)

    def texts_hits(self, pipeline: "Pipeline", values: list[str]) -> list[list[_Hit]]:
        """``[self.text_hits(pipeline, v) for v in values]``: the values not remembered go
        through :meth:`Pipeline._texts_hits` together, :data:`TEXTS_PER_CALL` at a time
        (each detector over all of them in turn: the same hits as one by one; session 7, a
        column's distinct values that no detector claims whole)."""
        memo = self.maps.get(_TEXT)
        if memo is None:
            memo = self.maps[_TEXT] = {}
        got = list(map(memo.get, values))
        todo = list(dict.fromkeys(v for v, h in zip(values, got) if h is None))
        if not todo:
            return got
        fresh: dict[str, list[_Hit]] = {}
        for k in range(0, len(todo), TEXTS_PER_CALL):
            part = todo[k:k + TEXTS_PER_CALL]
            fresh.update(zip(part, pipeline._texts_hits(part, list(map(fold_keep_length, part)))))
        for value, hits in fresh.items():
            cost = 1 + len(value) // MEMO_TEXT_UNIT  # as in text_hits
            if self.size + cost > self.limit:
                for m in self.maps.values():
                    m.clear()
                self.size = 0
            memo[value] = hits
            self.size += cost
        return [fresh[v] if h is None else h for v, h in zip(values, got)]

    def text_hits(self, pipeline: "Pipeline", value: str) -> list[_Hit]:
        """``pipeline._text_hits(value)``, memoised."""
        memo = self.maps.get(_TEXT)
        if memo is None:
            memo = self.maps[_TEXT] = {}
        got = memo.get(value)
        if got is None:
            got = pipeline._text_hits(value)
            cost = 1 + len(value) // MEMO_TEXT_UNIT  # a long note weighs its length
            if self.size + cost > self.limit:
                for m in self.maps.values():
                    m.clear()
                self.size = 0
            memo[value] = got
            self.size += cost
        return got


_TEXT = ("", False)  # the memo key of text-path hits


def _share(det: Detector, values: list[str], hit: bool, enough,
           memo: "_ValueMemo | None" = None) -> float | None:
    """Share of ``values`` that pass ``det.match_cell(value, hit)``, or None as soon as
    ``enough(share)`` (monotone in the share) cannot hold even if every value left passed.

    ``memo``: the pipeline's :class:`_ValueMemo`; the outcomes it knows for ``(det, hit)``
    are read from it and those computed here are added to it (:meth:`Pipeline._outcomes`
    reads them back for the column's cells; a copy of a table is classified from it)."""
    n = len(values)
    passed = 0
    left = n
    match_cell = det.match_cell
    known = memo.of((det.name, hit)) if memo is not None else {}
    fresh: dict = {}
    try:
        for v in values:
            left -= 1
            o = known.get(v, _MISSING)
            if o is _MISSING:
                o = fresh.get(v, _MISSING)
                if o is _MISSING:
                    o = fresh[v] = _outcome(match_cell(v, hit))
            if o is not None:
                passed += 1
            elif not enough((passed + left) / n):
                return None
    finally:
        if memo is not None and fresh:
            memo.add(known, fresh)
    share = passed / n
    return share if enough(share) else None


def _outcome(m) -> tuple | None:
    """The memo's form of a :class:`~sentinelle.detectors.base.Match` (None: no match):
    ``(start, end, score, validation, pattern, normalized, entity)``."""
    return None if m is None else (m.start, m.end, m.score, m.validation, m.pattern or "",
                                   m.normalized or "", m.entity)


def _gather(parts: list[tuple[int, list, bool]], names: list[str], hits: list[_Hit],
            loc: Location, first: int) -> FindingBatch:
    """One :class:`FindingBatch` from the findings of :meth:`Pipeline._analyze_columns`:
    ``parts``, column by column, ``(rank of the column in names, per row of the batch its hit
    id (index in ``hits``), a tuple of hit ids (a cell's hits in offset order) or None,
    whether some row has a tuple)``. The findings are listed column by column, rows in order
    (Arrow: the non-null ids and their row indices), then a stable sort on the row gives
    (row, column, offset) order; each field is built once per hit (or column) and taken per
    finding (Arrow ``take``). The batch keeps the hit-level columns and the hit of each
    finding (``FindingBatch(table, hits)``): its records are masked and hashed per hit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = FindingBatch.schema()
    i64 = pa.int64()
    row_parts, col_parts, id_parts = [], [], []
    for c, per_row, multi in parts:
        if multi:
            rows: list[int] = []
            ids: list[int] = []
            for i, hid in enumerate(per_row):
                if hid is None:
                    continue
                if hid.__class__ is int:
                    rows.append(i)
                    ids.append(hid)
                else:
                    rows.extend([i] * len(hid))
                    ids.extend(hid)
            r, h = pa.array(rows, i64), pa.array(ids, i64)
        else:
            a = pa.array(per_row, i64)  # None: no hit in that row
            r = pc.indices_nonzero(a.is_valid()).cast(i64)
            h = a.drop_null()
        row_parts.append(r)
        id_parts.append(h)
        col_parts.append(pa.repeat(pa.scalar(c, i64), len(r)))
    n = sum(len(r) for r in row_parts)
    if not n:
        return FindingBatch(schema.empty_table())
    r = pa.concat_arrays(row_parts)
    order = pc.sort_indices(r)  # a stable sort
    take = pa.concat_arrays(id_parts).take(order)
    s = pa.large_string()
    ents, starts, ends, scores, vals, evs, values, norms = zip(*hits)
    # evidence: a few distinct objects per batch, built once each
    uniq = list({id(e): e for e in evs}.values())
    index = {id(e): k for k, e in enumerate(uniq)}
    ev_hit = pa.array(list(map(index.__getitem__, map(id, evs))), i64)  # per hit
    ev_take = ev_hit.take(take)
    # the hit-level columns, also handed to the batch (FindingBatch.records: masked and
    # hashed once per hit)
    hit_cols = {"entity_type": pa.array(ents, s), "value": pa.array(values, s),
                "normalized": pa.array(norms, s),
                "pattern": pa.array([e.pattern or "" for e in uniq], s).take(ev_hit)}
    cols = {
        "path": pa.repeat(pa.scalar(loc.path, s), n),
        "row": pc.add(r.take(order), first),
        "column": pa.array(names, s).take(pa.concat_arrays(col_parts).take(order)),
        "sheet": pa.repeat(pa.scalar(loc.sheet, s), n),
        "page": pa.nulls(n, i64),
        "entity_type": hit_cols["entity_type"].take(take),
        "start": pa.array(starts, i64).take(take),
        "end": pa.array(ends, i64).take(take),
        "score": pa.array(scores, pa.float64()).take(take),
        "validation": pa.array(vals, s).take(take),  # a str enum: its value
        "detector": pa.array([e.detector for e in uniq], s).take(ev_take),
        "pattern": hit_cols["pattern"].take(take),
        "context": pa.array([list(e.context) for e in uniq], pa.large_list(s)).take(ev_take),
        "header": pa.array([e.header or "" for e in uniq], s).take(ev_take),
        "value": hit_cols["value"].take(take),
        "normalized": hit_cols["normalized"].take(take),
    }
    return FindingBatch(pa.table([cols[f.name] for f in schema], schema=schema),
                        (hit_cols, take))
