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

Candidate windows (issue 6): :meth:`PrefilterSet.hit_ends` ``(folded) -> (fired, ends)`` also
says *where* the prefilters of the ``windowed`` detectors matched: for each of them that fired,
the ascending character offsets where one of its matches ends. Hyperscan reports end offsets
only (the start of a match needs ``HS_FLAG_SOM_LEFTMOST``, which costs), one per pattern and end
offset: a windowed prefilter is compiled without ``HS_FLAG_SINGLEMATCH``, and its reports are
turned from UTF-8 byte offsets into character offsets (a match ends on a character boundary)
by decoding the text between two reports. The ``re`` engine gives the ends of its
non-overlapping matches (fewer: every line holding a match still holds a reported end, which is
all the windows use). Reporting every line end instead (``(?:P)[^\\n]*(?:\\n|\\z)``: half the
reports) made the hyperscan pass twice as slow on 3 MB of lab reports (0.18 s against 0.08 s).
:data:`WINDOWS` says which detectors may be run on windows around those ends and how far their
matches reach (see :mod:`sentinelle.pipeline`, ``_text_hits``).

Long texts (issue 6, session 9): from :data:`SPLIT_MIN_BYTES` (4 KB) of UTF-8 the hyperscan
engine scans each prefilter in a single-match database of its own, then the windowed ones
together in a database reporting every end (:func:`_compile_split`), instead of the database
of them all. Hyperscan stops scanning a database once every pattern of it has reported its
single match; in the database of them all the broad prefilters (a letter, a digit: fired on
the first bytes) kept their automata running over the whole text beside the rare ones (iban,
passport, ip_address). On 3 MB of lab reports and notes: 122 ms for the whole set, 10 ms for
the broad ones alone plus 32 ms for the rare ones; over the calls of a scan of it (700 texts,
6 MB) 395 ms of CPU against 281. Same results (a pattern's matches do not depend on the other
patterns of its database; ``tests/detectors/test_prefilter_split.py``). Short texts (table
cells, short sections) keep the database of them all: one call instead of one per prefilter.

A text that cannot be encoded as UTF-8 (a lone surrogate) goes through the ``re`` path whatever
the engine. Hyperscan fires for every prefilter the ``re`` engine fires for, and for a few more
on non-ASCII text (``\\d`` is widened, see :func:`to_hyperscan`); both give the same findings
(``tests/detectors/test_prefilter_engines.py`` checks it on the corpus).

Start-up (issue 6): compiling the database for the whole registry takes 1-2 s of CPU, paid by
every process. So a compiled database is kept in a per-user cache, as hyperscan's own serialised
form (:func:`hyperscan.dumpb`): ``$SENTINELLE_CACHE_DIR``, else ``$XDG_CACHE_HOME/sentinelle``,
else ``~/.cache/sentinelle``, file ``hyperscan-<key>.db`` where the key is a SHA-256 of the
compiled expressions, their flags, the hyperscan package version and the machine architecture.
It holds patterns only, never scanned data. Set ``SENTINELLE_CACHE_DIR=off`` to disable it.
Concurrent writers are safe (each writes a private temporary file in the folder, then renames it
into place atomically); a file that does not start with the magic, whose SHA-256 of the payload
does not match, or that hyperscan refuses to load (other version, other platform) is ignored and
rewritten; writing one removes all but the ``CACHE_KEEP`` (12) most recently used databases
(a database loaded is touched). Only a
database that took at least ``CACHE_MIN_SECONDS`` of CPU to compile is stored (not the small
sets of a few detectors). Any
failure of the cache (read-only folder, full disk) only costs the compilation.
The databases of the long-text pass are cached together, in one file of the same folder.
A :class:`PrefilterSet` pickles with its compiled databases serialised (spawned worker processes
get the parent's database instead of compiling it again).

Written here, not taken from a library: choosing which detectors run is the core of the scan
speed; hyperscan is the library that does the matching.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import re
import tempfile
import time
from pathlib import Path
from typing import Sequence

try:  # optional at import time: the fallback keeps the scanner working without the wheel
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised by the engine tests through engine="re"
    _hs = None

ENGINES = ("auto", "hyperscan", "re")

#: Detectors run on candidate windows rather than the whole text (issue 6), by ``name``: the
#: number of characters a match *and everything* ``find`` *reads to decide it* (lookbehinds, cue
#: words before or after, overlap with its own other candidates) can lie from a match of the
#: detector's prefilter (or from the line holding it). ``Pipeline._text_hits`` runs ``find`` on
#: merged windows (the line holding a match of the prefilter, widened by that many characters
#: on both sides); the findings are the same as on the whole text
#: (``tests/test_text_windows.py`` checks it on synthetic, cases and corpus texts). Only
#: detectors whose ``find`` is local are listed: every rule below puts the prefilter hit inside
#: the match or within a bounded cue window, and no decision depends on text further away.
#: A detector class may also declare ``window`` itself (:attr:`Detector.window`), which wins.
#: Not listed: detectors with whole-text or far-reaching decisions (date_of_birth takes the
#: latest date of the text; person, fr.commune, street_address: address blocks over several
#: lines) and detectors whose prefilter holds on most lines of clinical text (phone,
#: fr.postal_code, fr.siren, fr.finess, fr.adeli, fr.rpps, email, bic, lexicons): there the
#: windows cover most of the text and the reports (one Python call each) cost more than they
#: save; pregnancy, which folds its input: folding each window costs more than the grammar
#: it saves; url and iban, whose whole-text pass already costs little (a literal scheme, a
#: cheap start pattern). ``bench/detectors.py`` and its ``--no-windows`` measure both.
#: fr.cni and fr.passport were taken off this list in session 6: with their digit-run anchors
#: (:mod:`~sentinelle.detectors.digit_runs`) ``find`` on a whole group of sections (about 5 KB,
#: see ``pipeline.groups``) costs about what it costs on the windows, and the CNI prefilter
#: reported 15,000 ends on 3 MB of lab reports, one Python callback each (prefilter pass plus
#: the two finds: about 6% less). fr.siret, credit_card and ip_address stay: on 5 KB groups
#: their windows cost 1.5-4 times less than the whole group (on a whole 3 MB text it is the
#: reverse, the digit runs' set-up being paid once).
WINDOWS: dict[str, int] = {
    "fr.siret": 128,        # 14 digits; "SIRET" named at most 24 chars before a loose grouping
    "credit_card": 96,      # 12-19 digits and separators, a trailing group looked at
    "credential": 1024,     # label window around a keyword (86 before, 420 after), hashes and
                            # URL user information on their line, hex runs up to 128
    "ip_address": 96,       # the hit is inside the address; "version" cue 16 chars before
    "blood_group": 128,     # the hit is inside the match or a cue within 40 chars before it
}

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


#: first bytes of a cache file; then the SHA-256 of the payload (32 bytes), then the payload
_CACHE_MAGIC = b"SNTLHS01"
#: value of ``$SENTINELLE_CACHE_DIR`` that disables the cache
CACHE_OFF = "off"
#: databases kept in the cache folder (the most recently used; about 1.2-2.3 MB each; a
#: detector set has up to three since session 13: all, windowed ends, long-text split)
CACHE_KEEP = 12
#: a database compiled faster than this is not worth a file (small detector subsets)
CACHE_MIN_SECONDS = 0.25


def cache_dir() -> Path | None:
    """The per-user cache folder (see the module docstring), or None when disabled."""
    env = os.environ.get("SENTINELLE_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in (CACHE_OFF, "") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sentinelle"


def _cache_key(expressions: Sequence[bytes], flags) -> str:
    h = hashlib.sha256()
    h.update(f"hyperscan {getattr(_hs, '__version__', '?')} {platform.machine()} "
             f"flags {flags} mode block\n".encode())
    for e in expressions:
        h.update(len(e).to_bytes(4, "big") + e)
    return h.hexdigest()[:40]


def _cache_read(path: Path) -> bytes | None:
    """The payload stored at ``path``, or None (missing, or not a whole file of ours)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_CACHE_MAGIC)
    payload = data[head + 32:]
    if data[:head] != _CACHE_MAGIC or hashlib.sha256(payload).digest() != data[head:head + 32]:
        return None
    return payload


def _cache_touch(path: Path) -> None:
    try:  # used: the last to be removed (CACHE_KEEP counts the most recently *used*, as
        os.utime(path)  # recache.KEEP_FILES and data.CACHED_KEEP do; session 8 fault list)
    except OSError:
        pass


def _cache_load(path: Path):
    """The database stored at ``path``, or None (missing, corrupt, or refused by hyperscan)."""
    payload = _cache_read(path)
    if payload is None:
        return None
    try:
        db = _hs.loadb(payload, _hs.HS_MODE_BLOCK)
        _hs.Scratch(db)  # fails on a database made for another platform
    except Exception:  # hyperscan.error: other version or platform
        return None
    _cache_touch(path)
    return db


def _cache_load_many(path: Path, count: int):
    """The ``count`` databases stored at ``path`` by :func:`_cache_store_many`, or None."""
    payload = _cache_read(path)
    if payload is None:
        return None
    dbs = []
    at = 0
    try:
        for _ in range(count):
            size = int.from_bytes(payload[at:at + 8], "big")
            blob = payload[at + 8:at + 8 + size]
            if len(blob) != size:
                return None
            db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
            _hs.Scratch(db)  # fails on a database made for another platform
            dbs.append(db)
            at += 8 + size
    except Exception:  # hyperscan.error: other version or platform
        return None
    if at != len(payload):
        return None
    _cache_touch(path)
    return dbs


def _cache_store(path: Path, db) -> None:
    """Write ``db`` to ``path`` atomically (temporary file, then rename); errors are ignored."""
    try:
        payload = _hs.dumpb(db)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        return
    _cache_write(path, payload)


def _cache_store_many(path: Path, dbs) -> None:
    """:func:`_cache_store` for a list of databases, in one file (one cache entry)."""
    try:
        blobs = [_hs.dumpb(db) for db in dbs]
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        return
    _cache_write(path, b"".join(len(b).to_bytes(8, "big") + b for b in blobs))


def _cache_write(path: Path, payload: bytes) -> None:
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_CACHE_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
        tmp = None
        # older databases (other pattern lists, other versions): keep the most recent few
        old = sorted(path.parent.glob("hyperscan-*.db"), key=lambda p: p.stat().st_mtime,
                     reverse=True)[CACHE_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


@functools.lru_cache(maxsize=64)
def _compile_hs(patterns: tuple[str, ...], windowed: tuple[bool, ...] = ()):
    """One hyperscan database for ``patterns``: from the per-user cache when it holds it, else
    compiled (1-2 s for the whole registry) and stored there; also cached in memory per list
    of patterns (detectors lists repeat across pipelines). ``windowed[i]``: pattern ``i`` reports
    every end offset of its matches (module docstring) instead of its first match only."""
    single = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP | _hs.HS_FLAG_SINGLEMATCH
    every = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP
    windowed = windowed or (False,) * len(patterns)
    expressions = [to_hyperscan(p) for p in patterns]
    flag_list = [every if w else single for w in windowed]
    flags = flag_list if any(windowed) else single  # the key of a plain set is unchanged
    folder = cache_dir()
    path = folder / f"hyperscan-{_cache_key(expressions, flags)}.db" if folder else None
    if path is not None:
        db = _cache_load(path)
        if db is not None:
            return db
    started = time.process_time()
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=list(range(len(patterns))), flags=flag_list)
    if path is not None and time.process_time() - started >= CACHE_MIN_SECONDS:
        _cache_store(path, db)
    return db


@functools.lru_cache(maxsize=16)
def _compile_split(patterns: tuple[str, ...], windowed: tuple[bool, ...]):
    """The databases of the long-text pass (:data:`SPLIT_MIN_BYTES`): one single-match
    database per pattern (``dbs[k]`` for pattern ``k``), then, when some pattern is windowed,
    one database of the windowed patterns reporting every end (ids: their indices in
    ``patterns``). Kept in the per-user cache as one file (one entry of ``CACHE_KEEP``), and in
    memory per list of patterns."""
    single = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP | _hs.HS_FLAG_SINGLEMATCH
    every = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP
    expressions = [to_hyperscan(p) for p in patterns]
    wanted = [k for k, w in enumerate(windowed) if w]
    count = len(patterns) + (1 if wanted else 0)
    folder = cache_dir()
    path = (folder / f"hyperscan-{_cache_key(expressions, ('split', tuple(windowed)))}.db"
            if folder else None)
    if path is not None:
        dbs = _cache_load_many(path, count)
        if dbs is not None:
            return tuple(dbs)
    started = time.process_time()
    dbs = []
    for e in expressions:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(expressions=[e], ids=[0], flags=[single])
        dbs.append(db)
    if wanted:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(expressions=[expressions[k] for k in wanted], ids=wanted,
                   flags=[every] * len(wanted))
        dbs.append(db)
    if path is not None and time.process_time() - started >= CACHE_MIN_SECONDS:
        _cache_store_many(path, dbs)
    return tuple(dbs)


#: from this many bytes of UTF-8 text :meth:`PrefilterSet.fired` and
#: :meth:`PrefilterSet.hit_ends` scan one database per prefilter (each stops at its first
#: match) instead of the database of them all (module docstring, "Long texts")
SPLIT_MIN_BYTES = 4096


#: :meth:`PrefilterSet.hit_ends` gives up on windows past one prefilter report per this many
#: bytes of text (at least ``DENSE_MIN_REPORTS``): windows would cover the text anyway
DENSE_CHARS = 64
DENSE_MIN_REPORTS = 1024


class PrefilterSet:
    """The compiled prefilters of a detector list; see the module docstring.

    ``windowed[i]`` (default all False): detector ``i`` wants where its prefilter matched
    (:meth:`hit_ends`), not only whether it fired.

    The hyperscan database is built on the first call of :meth:`fired` (1-2 s for the whole
    registry, unless the per-user cache holds it; cached in memory per list of patterns).
    Not thread-safe (one scratch space): one set per pipeline, one pipeline per process; a
    forked process may use its parent's copy (the scratch is copied with the memory).
    Raises ``ValueError`` for an unknown ``engine``, when ``windowed`` is not one flag per
    pattern, and when ``engine="hyperscan"`` is asked for but the package is missing or a
    pattern does not compile.
    """

    def __init__(self, patterns: Sequence[str | None], engine: str = "auto",
                 windowed: Sequence[bool] = ()) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown prefilter engine {engine!r}: one of {', '.join(ENGINES)}")
        if windowed and len(windowed) != len(patterns):
            raise ValueError(f"windowed: {len(windowed)} flags for {len(patterns)} patterns")
        self.size = len(patterns)
        self._always = tuple(i for i, p in enumerate(patterns) if p is None)
        self._ids = tuple(i for i, p in enumerate(patterns) if p is not None)
        self._patterns = tuple(patterns[i] for i in self._ids)
        #: the ``re`` form of the patterns, compiled on first use (:attr:`_res`): with
        #: hyperscan only a text holding a lone surrogate needs them (compiling them all cost
        #: about 0.15 CPU s per process)
        self._res_compiled: tuple[re.Pattern[str], ...] | None = None
        #: per compiled pattern: does it report where it matched
        self._windowed = tuple(bool(windowed[i]) if windowed else False for i in self._ids)
        self._db = self._scratch = None
        #: the database of :meth:`hit_ends` (windowed patterns report every end), built on its
        #: first use; :meth:`fired` keeps the single-match one, whose callbacks are one per
        #: pattern at most (a database shared by both made short texts and dense ones slow)
        self._db_ends = self._scratch_ends = None
        #: the databases of the long-text pass (:func:`_compile_split`), each with its scratch,
        #: built on first use; False when hyperscan refused them (the combined ones serve)
        self._split = None
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
        if self.engine == "re":
            self._res  # compiled now: a bad pattern fails here, as before

    def __getstate__(self) -> dict:
        """Pickled with the compiled database serialised (``hyperscan.dumpb``), not compiled
        again by the process that loads it; the scratch space is made anew there."""
        state = {k: getattr(self, k) for k in ("size", "_always", "_ids", "_patterns",
                                                 "_windowed", "_strict", "engine")}
        state["_res_compiled"] = None  # compiled again on first use
        state["_hs_bytes"] = _hs.dumpb(self._db) if self._db is not None else None
        state["_hs_ends_bytes"] = _hs.dumpb(self._db_ends) if self._db_ends is not None else None
        state["_hs_split_bytes"] = ([_hs.dumpb(db) for db, _scratch in self._split]
                                    if self._split else None)
        return state

    def __setstate__(self, state: dict) -> None:
        blob = state.pop("_hs_bytes")
        ends_blob = state.pop("_hs_ends_bytes", None)
        split_blobs = state.pop("_hs_split_bytes", None)
        self.__dict__.update(state)
        self._db = self._scratch = None
        self._db_ends = self._scratch_ends = None
        self._split = None
        if split_blobs is not None and _hs is not None:
            try:
                dbs = [_hs.loadb(b, _hs.HS_MODE_BLOCK) for b in split_blobs]
                self._split = tuple((db, _hs.Scratch(db)) for db in dbs)
            except Exception:  # another platform: compile again on first use
                self._split = None
        if ends_blob is not None and _hs is not None:
            try:
                self._db_ends = _hs.loadb(ends_blob, _hs.HS_MODE_BLOCK)
                self._scratch_ends = _hs.Scratch(self._db_ends)
            except Exception:  # another platform: compile again on first use
                self._db_ends = self._scratch_ends = None
        if blob is not None and _hs is not None:
            try:
                self._db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
                self._scratch = _hs.Scratch(self._db)
            except Exception:  # another platform: compile again on first use
                self._db = self._scratch = None

    @property
    def _res(self) -> tuple[re.Pattern[str], ...]:
        """The patterns compiled by ``re`` (the fallback engine), on first use."""
        got = self._res_compiled
        if got is None:
            got = self._res_compiled = tuple(re.compile(p) for p in self._patterns)
        return got

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

    def _build_split(self) -> bool:
        """Build (or load) the databases of the long-text pass; False if hyperscan refused."""
        if self._split is None:
            try:
                dbs = _compile_split(self._patterns, self._windowed)
                self._split = tuple((db, _hs.Scratch(db)) for db in dbs)
            except Exception:  # noqa: BLE001 - hyperscan refused: the combined databases
                self._split = False
        return bool(self._split)

    def _fired_split(self, data: bytes) -> list[int]:
        """Indices (into ``_patterns``) of the prefilters matching the UTF-8 ``data``, one
        single-match database each (each scan stops at its first match)."""
        got: list[int] = []
        split = self._split
        for k in range(len(self._patterns)):
            db, scratch = split[k]
            seen: list[int] = []
            db.scan(data, match_event_handler=_collect, context=seen, scratch=scratch)
            if seen:
                got.append(k)
        return got

    def prepare(self) -> None:
        """Build (or load) the hyperscan database now rather than on the first text: a parent
        process calls it before forking its workers, which then share it."""
        self._build()

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

    def hit_ends(self, folded: str) -> tuple[tuple[int, ...], dict[int, list[int]]]:
        """``(fired, ends)``: ``fired`` as :meth:`fired`; ``ends[i]`` for each windowed
        detector ``i`` that fired: ascending character offsets in ``folded`` where a match of
        its prefilter ends (hyperscan: every end offset; ``re``: the ends of its
        non-overlapping matches; either way every line holding a match holds one of them)."""
        if not self._ids:
            return self._always, {}
        got = None
        if self.engine == "hyperscan" and self._build():
            got = self._ends_hs(folded)
        if got is None:
            got = self._ends_re(folded)
        hits, ends = got
        if self._always:
            hits = tuple(sorted(hits + self._always))
        return hits, ends

    def _fired_re(self, folded: str) -> tuple[int, ...]:
        ids = self._ids
        return tuple(ids[k] for k, rx in enumerate(self._res) if rx.search(folded) is not None)

    def _ends_re(self, folded: str) -> tuple[tuple[int, ...], dict[int, list[int]]]:
        ids = self._ids
        fired: list[int] = []
        ends: dict[int, list[int]] = {}
        for k, rx in enumerate(self._res):
            if not self._windowed[k]:
                if rx.search(folded) is not None:
                    fired.append(ids[k])
                continue
            got = [m.end() for m in rx.finditer(folded)]
            if got:
                fired.append(ids[k])
                ends[ids[k]] = got
        return tuple(fired), ends

    def _fired_hs(self, folded: str) -> tuple[int, ...] | None:
        try:
            data = folded.encode("utf-8")
        except UnicodeEncodeError:
            return None  # a lone surrogate: hyperscan needs valid UTF-8
        ids = self._ids
        if len(data) >= SPLIT_MIN_BYTES and self._build_split():
            return tuple(ids[k] for k in self._fired_split(data))
        seen: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=seen, scratch=self._scratch)
        return tuple(ids[k] for k in sorted(set(seen)))

    def _ends_hs(self, folded: str) -> tuple[tuple[int, ...], dict[int, list[int]]] | None:
        try:
            data = folded.encode("utf-8")
        except UnicodeEncodeError:
            return None  # a lone surrogate: hyperscan needs valid UTF-8
        if not any(self._windowed):
            fired = self._fired_hs(folded)
            return (fired, {}) if fired is not None else None
        if len(data) >= SPLIT_MIN_BYTES and self._build_split():
            return self._ends_split(folded, data)
        if self._db_ends is None:
            try:
                self._db_ends = _compile_hs(self._patterns, self._windowed)
                self._scratch_ends = _hs.Scratch(self._db_ends)
            except Exception:  # noqa: BLE001 - hyperscan refused: the re engine's ends
                self._db_ends = None
                return None
        seen: list[tuple[int, int]] = []
        # a prefilter that matches nearly everywhere (digit runs in a table dump, hex) would
        # call back millions of times for windows that cover the text anyway: past one report
        # per ``DENSE_CHARS`` characters, stop and run the detectors on the whole text
        limit = max(DENSE_MIN_REPORTS, len(data) // DENSE_CHARS)

        def on_match(pid: int, _start: int, end: int, _flags: int, _ctx) -> bool:
            seen.append((pid, end))
            return len(seen) > limit

        try:
            self._db_ends.scan(data, match_event_handler=on_match, scratch=self._scratch_ends)
        except _hs.ScanTerminated:
            fired = self._fired_hs(folded)
            return (fired, {}) if fired is not None else None
        windowed = self._windowed
        fired = {pid for pid, _end in seen}
        return self._fired_ends(fired, [(pid, e) for pid, e in seen if windowed[pid]],
                                folded, data)

    def _fired_ends(self, fired: set[int], reports, folded: str,
                    data: bytes) -> tuple[tuple[int, ...], dict[int, list[int]]]:
        """``(ids fired, {id: sorted character ends})`` from the database's ``fired`` pattern
        numbers and the ``(pattern number, byte end)`` reports of the windowed ones."""
        by_pid: dict[int, list[int]] = {}
        for pid, end in reports:
            got = by_pid.get(pid)
            if got is None:
                by_pid[pid] = [end]
            else:
                got.append(end)
        if len(data) != len(folded) and by_pid:  # byte offsets to character offsets
            chars = _char_offsets(data, {e for ends in by_pid.values() for e in ends})
            by_pid = {pid: [chars[e] for e in ends] for pid, ends in by_pid.items()}
        ids = self._ids
        ends = {ids[pid]: sorted(got) for pid, got in by_pid.items()}
        return tuple(ids[k] for k in sorted(fired | set(by_pid))), ends

    def _ends_split(self, folded: str, data: bytes) -> tuple[tuple[int, ...], dict[int, list[int]]] | None:
        """:meth:`_ends_hs` on a long text: one single-match database per prefilter that is
        not windowed, then one database of the windowed ones reporting every end. Same
        result: a pattern's matches do not depend on the other patterns of its database, and
        the dense limit counts the same reports (the first match of each other prefilter,
        plus every end of the windowed ones)."""
        windowed = self._windowed
        split = self._split
        fired: list[int] = []
        for k in range(len(self._patterns)):
            if windowed[k]:
                continue
            db, scratch = split[k]
            seen_k: list[int] = []
            db.scan(data, match_event_handler=_collect, context=seen_k, scratch=scratch)
            if seen_k:
                fired.append(k)
        limit = max(DENSE_MIN_REPORTS, len(data) // DENSE_CHARS) - len(fired)
        starts: list[int] = []
        ends_at: list[int] = []
        add_pid, add_end = starts.append, ends_at.append

        def on_match(pid: int, _start: int, end: int, _flags: int, _ctx) -> bool:
            add_pid(pid)
            add_end(end)
            return len(starts) > limit

        db, scratch = split[-1]
        try:
            db.scan(data, match_event_handler=on_match, scratch=scratch)
        except _hs.ScanTerminated:
            got = self._fired_hs(folded)
            return (got, {}) if got is not None else None
        return self._fired_ends(set(fired), zip(starts, ends_at), folded, data)


def _char_offsets(data: bytes, offsets: set[int]) -> dict[int, int]:
    """``{byte offset: character offset}`` in the UTF-8 ``data`` for ``offsets`` that lie on
    character boundaries (ends of matches): by decoding the bytes between consecutive offsets,
    or, for many offsets, with NumPy: an offset less the continuation bytes (``10xxxxxx``)
    before it, counted by a binary search in their positions (few in French text: one pass in
    C over the bytes, no running count of them all: 10 ms instead of 45 on 3 MB)."""
    if len(offsets) >= _NUMPY_OFFSETS:
        import numpy as np

        cont = np.flatnonzero((np.frombuffer(data, dtype=np.uint8) & 0xC0) == 0x80)
        keys = sorted(offsets)
        at = np.asarray(keys, dtype=np.int64)
        chars = at - np.searchsorted(cont, at)  # continuation bytes at positions < offset
        return dict(zip(keys, chars.tolist()))
    out: dict[int, int] = {}
    prev_b = prev_c = 0
    for b in sorted(offsets):
        prev_c += len(data[prev_b:b].decode("utf-8"))
        prev_b = b
        out[b] = prev_c
    return out


#: from this many offsets :func:`_char_offsets` counts with NumPy
_NUMPY_OFFSETS = 256


def _collect(pid: int, _start: int, _end: int, _flags: int, seen: list[int]) -> None:
    seen.append(pid)


