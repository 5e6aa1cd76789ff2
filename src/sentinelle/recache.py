"""A per-user cache of compiled regular expressions (issue 6, start-up).

The detectors compile about 450 regexes (context words, lexicon tries of thousands of terms,
grammars), half of the command line's start-up CPU: Python's :mod:`re` parses and compiles each
pattern in pure Python, in every process, and a compiled pattern pickles as its source (it is
compiled again on load). What takes the time is making the pattern's *code* (a list of
integers run by the C engine ``_sre``); making the pattern object from that code is cheap.

:func:`install` wraps ``re._compiler.compile`` (called by :mod:`re` only when its own
in-process cache misses): a pattern whose code is in the per-user cache is made by
``_sre.compile`` from the stored code, the exact arguments ``re`` would pass (same pattern,
flags, groups, group names), so the pattern behaves identically; any other pattern is compiled
as :mod:`re` does and its code is recorded, and the cache file is rewritten at exit when the
run recorded new patterns. Only the command line installs it (:func:`sentinelle.cli.main`):
importing :mod:`sentinelle` leaves :mod:`re` untouched.

The file (``regex-<python>-<sre magic>-<install>.marshal`` in
:func:`sentinelle.detectors.prefilter.cache_dir`; ``SENTINELLE_CACHE_DIR=off`` disables it;
``<install>``: :func:`sentinelle.data.install_id`, so two installs on one machine with different
patterns do not rewrite one file in turn; the ``KEEP_FILES`` most recently used such files are
kept, the older ones removed when a file is written) holds
the magic ``SNTLRE02``, the SHA-256 of the payload and the payload, a :mod:`marshal` dump of
``{(pattern, flags): marshal.dumps((flags, code, groups, groupindex, indexgroup))}`` (an
entry is unmarshalled when its pattern is compiled, so loading the file costs little whatever
the number of patterns): patterns only, never scanned data. A pattern compiled inside a
detector's ``find``, a reader's ``read`` or another scan function (:func:`_set_up_time`) is not
recorded: the location detector builds a letter class from the letters of each text, the
health detector a regex of the abbreviations a text defines. The file is read only when it
and its folder belong to the user and nobody else may write them, and only entries of the expected types are used; ``_sre.compile`` validates the
code it is given. A missing, corrupt or foreign file only costs the compilation. At most
``MAX_ENTRIES`` patterns are kept: those of the run that writes the file first, then the
others in the order they were recorded.

Why our own: no library caches compiled ``re`` patterns across processes; this is a private
interface of CPython (``re._compiler``, ``_sre.compile``), so the cache is keyed by the Python
version and ``_sre.MAGIC`` and falls back to :mod:`re` on any surprise.
"""

from __future__ import annotations

import sys

_MAGIC = b"SNTLRE02"
#: patterns kept in the cache file
MAX_ENTRIES = 2048
#: ``regex-*.marshal`` files kept in the cache folder (the most recently used: one per install
#: and Python; a file read is touched)
KEEP_FILES = 4

_state: dict = {"installed": False, "store": {}, "used": set(), "new": 0, "path": None}


def cache_dir():
    """:func:`sentinelle.detectors.prefilter.cache_dir`, without importing the detectors (their
    modules compile regexes at import: this module must be installed first)."""
    import os
    from pathlib import Path

    env = os.environ.get("SENTINELLE_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("off", "") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sentinelle"


def _file():
    import _sre

    folder = cache_dir()
    if folder is None:
        return None
    from sentinelle.data import install_id

    ver = "".join(str(v) for v in sys.version_info[:2])
    impl = sys.implementation.name
    return folder / f"regex-py{ver}-{impl}-{_sre.MAGIC}-{install_id()}.marshal"


#: functions whose compilations are the detectors' own patterns: module code and set-up
_SET_UP_FRAMES = frozenset({"<module>", "set_up", "from_config", "build", "__init__"})
#: functions that may compile a pattern made from the data being read (a word of the text, a
#: dump's delimiter): such a pattern is never written to the cache file
_SCAN_FRAMES = frozenset({"find", "detect", "match_cell", "match_column", "context_hits",
                          "context_hits_many", "read", "analyze_text", "_analyze_text",
                          "analyze_table", "iter_file", "iter_items"})


def _set_up_time() -> bool:
    """True when the pattern being compiled is the package's own: the nearest frame that is a
    module being imported or a detector's set-up (``__init__``, ``set_up``, ``from_config``,
    ``build``) comes before any scan function (:data:`_SCAN_FRAMES`). Anything else (a reader,
    ``redact``, the script's own top level) is not recorded: the cache file holds patterns only,
    never anything derived from what was scanned."""
    frame = sys._getframe(2)
    for _ in range(200):
        if frame is None:
            return False  # no import and no set-up above: not recorded (redact, readers)
        name = frame.f_code.co_name
        if name in _SCAN_FRAMES:
            return False
        if name in _SET_UP_FRAMES and (name != "__init__" or type(
                frame.f_locals.get("self")).__name__.endswith("Detector")) and (
                name != "<module>" or frame.f_globals.get("__name__") != "__main__"):
            return True
        frame = frame.f_back
    return False


def _valid(key, value) -> bool:
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], (str, bytes))
            and isinstance(key[1], int)):
        return False
    if not (isinstance(value, tuple) and len(value) == 5):
        return False
    flags, code, groups, groupindex, indexgroup = value
    # the code's items are checked by _sre.compile (integers, then the code's validator)
    return (isinstance(flags, int) and isinstance(code, list) and isinstance(groups, int)
            and isinstance(groupindex, dict) and isinstance(indexgroup, tuple))


def _load(path) -> dict:
    import hashlib
    import marshal
    import os

    if path is None or not (_private(path.parent) and _private(path)):
        return {}
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    head = len(_MAGIC)
    payload = raw[head + 32:]
    if raw[:head] != _MAGIC or hashlib.sha256(payload).digest() != raw[head:head + 32]:
        return {}
    try:
        store = marshal.loads(payload)
    except Exception:  # noqa: BLE001 - another format: start afresh
        return {}
    if not isinstance(store, dict):
        return {}
    try:
        os.utime(path)  # used: the last to be removed (KEEP_FILES)
    except OSError:
        pass
    return {k: v for k, v in store.items() if isinstance(v, bytes)}


def _prune(folder, keep: str) -> None:
    """Remove the ``regex-*.marshal`` files beyond the :data:`KEEP_FILES` most recently used
    (``keep``, the file just written, stays), and the file of versions before the install was
    part of the name (``regex-<python>-<sre magic>.marshal``, never read since)."""
    import _sre

    ver = "".join(str(v) for v in sys.version_info[:2])
    legacy = f"regex-py{ver}-{sys.implementation.name}-{_sre.MAGIC}.marshal"
    dated = []
    for p in folder.glob("regex-*.marshal"):
        try:
            dated.append((p.stat().st_mtime, p.name == keep, p))
        except OSError:
            continue
    dated.sort(reverse=True)
    for rank, (_, _, p) in enumerate(dated):
        if p.name != keep and (rank >= KEEP_FILES or p.name == legacy):
            try:
                p.unlink()
            except OSError:
                pass


def _save() -> None:
    """Write the store (at exit) when this run recorded new patterns; errors are ignored."""
    import hashlib
    import marshal
    import os
    import tempfile

    path = _state["path"]
    if not _state["new"] or path is None:
        return
    # copies made in one C call each: another thread may still compile (and record) meanwhile
    used = set(_state["used"])
    recorded = dict(_state["store"])
    store = {k: v for k, v in recorded.items() if k in used}
    for k, v in recorded.items():
        if len(store) >= MAX_ENTRIES:
            break
        store.setdefault(k, v)
    tmp = None
    try:
        payload = marshal.dumps(store)
        folder = path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
        tmp = None
        _prune(folder, path.name)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _private(path) -> bool:
    from sentinelle.data import _private as private

    return private(path)


def install() -> bool:
    """Serve ``re`` compilations from (and record them into) the per-user cache, for the rest
    of this process; True when installed (False: cache disabled, or an unexpected Python)."""
    if _state["installed"]:
        return True
    try:
        import _sre
        import marshal
        from re import _compiler, _parser

        original = _compiler.compile
        code_of = _compiler._code
        debug = _compiler.SRE_FLAG_DEBUG
        path = _file()
    except Exception:  # noqa: BLE001 - another implementation: leave re alone
        return False
    if path is None:
        return False
    store = _load(path)
    used = _state["used"]

    def compile(p, flags=0):
        """``re._compiler.compile``, from the cache when it holds ``(p, flags)``."""
        if not isinstance(p, (str, bytes)) or flags & debug:
            return original(p, flags)
        key = (p, flags)
        blob = store.get(key)
        if blob is not None:
            try:
                hit = marshal.loads(blob)
            except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
                hit = None
            if _valid(key, hit):
                f, code, groups, groupindex, indexgroup = hit
                try:
                    pattern = _sre.compile(p, f, code, groups, groupindex, indexgroup)
                except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
                    pattern = None
                if pattern is not None:
                    used.add(key)
                    return pattern
            # pop, not del: two threads meeting one damaged entry both drop it
            store.pop(key, None)
        parsed = _parser.parse(p, flags)
        code = code_of(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        entry = (flags | parsed.state.flags, [int(c) for c in code], parsed.state.groups - 1,
                 groupindex, tuple(indexgroup))
        pattern = _sre.compile(p, *entry)
        if _set_up_time():
            store[key] = marshal.dumps(entry)
            used.add(key)
            _state["new"] += 1
        return pattern

    import atexit

    _state.update(installed=True, store=store, path=path, original=original)
    _compiler.compile = compile
    atexit.register(_save)
    return True


def uninstall() -> None:
    """Give ``re`` back its own compiler (tests); the store is written as at exit."""
    if not _state["installed"]:
        return
    from re import _compiler

    import atexit

    _save()
    atexit.unregister(_save)
    _compiler.compile = _state["original"]
    _state.update(installed=False, store={}, used=set(), new=0, path=None)


__all__ = ["KEEP_FILES", "MAX_ENTRIES", "install", "uninstall"]
