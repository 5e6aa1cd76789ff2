"""Start-up stays cheap (issue 6): what ``import sentinelle`` and the scanner import, the
detectors' deferred set-up (same attributes and matches as a detector built at once), and the
per-user cache of compiled regexes (:mod:`sentinelle.recache`: same patterns as ``re``'s).

Timings are in ``bench/startup.py``; these tests check the mechanisms, not seconds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import BUILTIN, build, set_up
from sentinelle.detectors.base import fold_keep_length
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline


def _modules_after(code: str, env: dict | None = None) -> set[str]:
    """Names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})})
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


#: heavy modules ``import sentinelle`` (the public API module) must not import: the detectors
#: and readers (their data and regexes), the command line, and the optional libraries
HEAVY_FOR_API = (
    "sentinelle.detectors",   # every detector module: regexes, lexicon helpers
    "sentinelle.readers",     # every reader module
    "sentinelle.pipeline",
    "sentinelle.scanner",
    "click",                  # the command line's library
    "rich",
    "phonenumbers",           # 0.04 CPU s
    "stdnum",                 # 0.06 CPU s (stdnum.util imports ssl and pydoc)
    "hyperscan",
    "polars",
    "pyarrow",
    "duckdb",
    "email.parser",           # the mail reader's: 0.04 CPU s with email.policy
    "email.policy",
)


@pytest.mark.parametrize("module", HEAVY_FOR_API)
def test_import_sentinelle_stays_light(module):
    loaded = _modules_after("import sentinelle")
    assert module not in loaded


#: imported by the scanner (every ``sentinelle scan``) only when a file needs them
LAZY_FOR_SCAN = (
    "email.policy",   # a mail is read: readers/mail.py imports the email package then
    "email.parser",
    "mimetypes",      # a mail attachment without a file name
    "polars",         # a table's columnar path
    "pyarrow",
    "duckdb",         # --db
)


@pytest.mark.parametrize("module", LAZY_FOR_SCAN)
def test_scanner_import_leaves_lazy_modules(module):
    loaded = _modules_after("import sentinelle.scanner, sentinelle.cli")
    assert module not in loaded


# -- deferred set-up ---------------------------------------------------------------------------
def _deferred_detectors():
    """A build whose deferrable detectors are pending (the first build of a process may hand
    back the detectors it made to record the set-ups: built again, they are deferred)."""
    build(None, Config())
    return build(None, Config())


def _class_attrs(cls) -> list[str]:
    return [k for k in dir(cls) if not k.startswith("__") and not callable(getattr(cls, k))]


def test_build_defers_every_config_free_detector():
    dets = _deferred_detectors()
    pending = {d.name for d in dets if d.__dict__.get("_deferred")}
    # PERSON reads Config.ner in from_config: built at once (a spaCy error is raised by build)
    expected = {c.name for c in BUILTIN if c.name != "person"}
    assert pending == expected


@pytest.mark.parametrize("cls", BUILTIN, ids=lambda c: c.name)
def test_deferred_detector_reads_like_a_built_one(cls):
    ready = cls.from_config(Config())
    det = next(d for d in _deferred_detectors() if type(d) is cls)
    # before its set-up, every class-level attribute (prefilter, window, header_pattern, ...)
    # reads as on a built detector: the lexicon prefilters come from the set-up record
    for k in _class_attrs(cls):
        assert getattr(det, k) == getattr(ready, k), k
    set_up([det])
    assert "_deferred" not in vars(det)
    assert sorted(vars(det)) == sorted(vars(ready))


@pytest.mark.parametrize("cls", BUILTIN, ids=lambda c: c.name)
def test_deferred_detector_finds_the_same(cls):
    ready = cls.from_config(Config())
    det = next(d for d in _deferred_detectors() if type(d) is cls)
    for text, _ in cls.examples.positives:
        got = [(m.start, m.end, m.score, m.entity) for m in det.find(text)]
        assert got == [(m.start, m.end, m.score, m.entity) for m in ready.find(text)], text


def test_unfired_detectors_stay_pending():
    dets = _deferred_detectors()
    pipe = Pipeline(dets, Config())
    findings = pipe.analyze_text("Jean Dupont", Location(path="x.txt"))
    assert [f.entity_type for f in findings] == ["PERSON"]
    fired = {dets[i].name for i in pipe.prefilters.fired(fold_keep_length("Jean Dupont"))}
    pending = {d.name for d in dets if d.__dict__.get("_deferred")}
    # no digit, no "@", no insurer or condition word: these detectors were never set up
    for name in ("fr.nir", "iban", "email", "health_insurer", "health_condition"):
        assert name not in fired and name in pending


def test_set_up_from_two_threads_at_once():
    """A thread reading a detector another thread is setting up waits for the set-up (the
    detectors' ``find`` is not thread-safe: one hyperscan scratch; reading one is)."""
    import threading

    from sentinelle.detectors.location import LocationDetector

    ready = LocationDetector()
    folded = fold_keep_length("domicile : 3 rue des Lilas, Lyon")
    expected = ready.context_hits(folded, 28, 32)
    assert expected  # "domicile" is a context word of LOCATION
    for _ in range(3):
        det = next(d for d in _deferred_detectors() if type(d) is LocationDetector)
        assert det.__dict__.get("_deferred") is True
        got: list = []
        threads = [threading.Thread(target=lambda: got.append(det.context_hits(folded, 28, 32)))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert got == [expected] * 4


def test_missing_attribute_still_raises():
    det = _deferred_detectors()[0]
    with pytest.raises(AttributeError):
        det.no_such_attribute  # noqa: B018 - runs the set-up, then fails as usual
    assert "_deferred" not in vars(det)
    with pytest.raises(AttributeError):
        det.no_such_attribute  # noqa: B018


# -- compiled regex cache ----------------------------------------------------------------------
#: patterns of every shape the detectors use: flags, named and numbered groups, lookarounds,
#: a large alternation, bytes
PATTERNS = [
    (r"(?<![0-9a-z])(?:nir|secu|securite sociale)(?![0-9a-z])", 0),
    (r"(?P<day>\d\d)/(?P<month>\d\d)/(?P<year>\d{4})", 0),
    (r"(?i)\bM(?:me|r|\.)\s+([A-Z][a-z]+)", 0),
    (r"^\s*#.*$", re.MULTILINE),
    (r"[^\W\d_]+", re.UNICODE),
    ("|".join(f"terme{i}" for i in range(2000)), re.IGNORECASE),
    (rb"\x00\xff[\x80-\xff]+", 0),
]
SAMPLES = ["Né le 12/03/1985, NIR 1 85", "mme Dupont\n# rem\nx", "TERME1999 terme7", "éléphant_2"]

_RECACHE_CHILD = """
import json, re, sys
from sentinelle import recache
installed = recache.install()
out = {"installed": installed}
pats = [(p.encode("latin-1") if b else p, f) for p, f, b in json.loads(sys.argv[1])]
got = []

def set_up(p, f):  # a detector's set-up: the only place (with imports) the cache records
    return re.compile(p, f)

for p, f in pats:
    c = set_up(p, f)
    row = [c.pattern.decode("latin-1") if isinstance(c.pattern, bytes) else c.pattern, c.flags,
           c.groups, sorted(c.groupindex.items())]
    for s in json.loads(sys.argv[2]):
        subject = s.encode("utf-8") if isinstance(p, bytes) else s
        row.append([[m.span(), m.groups() if not isinstance(p, bytes) else None]
                    for m in c.finditer(subject)])
    got.append(row)
out["results"] = got
out["new"] = recache._state["new"]
print(json.dumps(out))
"""


def _recache_run(cache: str) -> dict:
    pats = [(p.decode("latin-1") if isinstance(p, bytes) else p, int(f), isinstance(p, bytes))
            for p, f in PATTERNS]
    out = subprocess.run([sys.executable, "-c", _RECACHE_CHILD, json.dumps(pats),
                          json.dumps(SAMPLES)], capture_output=True, text=True, check=True,
                         env={**os.environ, "SENTINELLE_CACHE_DIR": cache})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_recache_patterns_equal_re(tmp_path):
    plain = _recache_run("off")  # re's own compiler
    assert plain["installed"] is False
    first = _recache_run(str(tmp_path / "c"))  # compiles and records
    assert first["installed"] is True and first["new"] == len(PATTERNS)
    files = list((tmp_path / "c").glob("regex-*.marshal"))
    assert len(files) == 1
    second = _recache_run(str(tmp_path / "c"))  # every pattern from the cache
    assert second["new"] == 0
    assert first["results"] == plain["results"]
    assert second["results"] == plain["results"]


def test_recache_ignores_a_corrupt_file(tmp_path):
    first = _recache_run(str(tmp_path))
    path = next(tmp_path.glob("regex-*.marshal"))
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF  # payload no longer matches its SHA-256
    path.write_bytes(bytes(raw))
    again = _recache_run(str(tmp_path))
    assert again["new"] == len(PATTERNS)  # compiled afresh, file rewritten
    assert again["results"] == first["results"]
    assert _recache_run(str(tmp_path))["new"] == 0


def test_recache_ignores_a_file_others_may_write(tmp_path):
    _recache_run(str(tmp_path))
    path = next(tmp_path.glob("regex-*.marshal"))
    path.chmod(0o666)
    assert _recache_run(str(tmp_path))["new"] == len(PATTERNS)


@pytest.mark.parametrize("env", [
    {"SENTINELLE_CACHE_DIR": "/tmp/x-cache"},
    {"SENTINELLE_CACHE_DIR": "OFF"},
    {"SENTINELLE_CACHE_DIR": ""},
    {"XDG_CACHE_HOME": "/tmp/xdg"},
    {},
])
def test_recache_folder_is_the_prefilter_cache(monkeypatch, env):
    from sentinelle import recache
    from sentinelle.detectors.prefilter import cache_dir

    monkeypatch.delenv("SENTINELLE_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert recache.cache_dir() == cache_dir()


def test_cli_runs_with_the_regex_cache(tmp_path):
    """``sentinelle scan`` twice: the second run compiles nothing anew and finds the same."""
    src = tmp_path / "a.txt"
    src.write_text("Patient : Jean Dupont, né le 12/03/1985\n", encoding="utf-8")
    env = {**os.environ, "SENTINELLE_CACHE_DIR": str(tmp_path / "cache")}
    outs = []
    for i in range(2):
        out = tmp_path / f"f{i}.jsonl"
        proc = subprocess.run([sys.executable, "-c", "from sentinelle.cli import main; main()",
                               "scan", str(src), "--no-db", "-q", "--findings", str(out)],
                              env=env, capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr  # personal data found
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert [json.loads(l)["entity_type"] for l in outs[0].splitlines()] == [
        "PERSON", "DATE_OF_BIRTH"]
    assert list((tmp_path / "cache").glob("regex-*.marshal"))


_RECACHE_SCAN_CHILD = """
import json, re
from sentinelle import recache
recache.install()

def find(text):  # a detector's find: a pattern made from the text is never recorded
    word = text.split()[-1]
    return re.compile(re.escape(word) + r"\\b(?:secret-from-find)").pattern

def set_up():  # a detector's set-up: its patterns are recorded
    return re.compile(r"(?:from-set-up)\\d+").pattern

def write_copy(text):  # neither a scan function nor a set-up (redact, a reader): not recorded
    return re.compile(re.escape(text.split()[0]) + r"(?:from-redact)").pattern

find("Patient DUPONTEL")
set_up()
write_copy("~secret~ rest")
re.compile(r"(?:from-top-level)")  # the script's own top level: not an import, not recorded
print(json.dumps({"new": recache._state["new"]}))
"""


def test_recache_never_records_a_pattern_compiled_while_scanning(tmp_path):
    # the cache file must hold the package's own patterns only: a pattern built from a
    # scanned text (a word, an abbreviation the text defines) stays in memory
    cache = tmp_path / "c"
    out = subprocess.run([sys.executable, "-c", _RECACHE_SCAN_CHILD], capture_output=True,
                         text=True, check=True, env={**os.environ, "SENTINELLE_CACHE_DIR": str(cache)})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"new": 1}
    raw = next(cache.glob("regex-*.marshal")).read_bytes()
    assert b"from-set-up" in raw
    assert b"DUPONTEL" not in raw and b"secret-from-find" not in raw
    assert b"secret" not in raw and b"from-top-level" not in raw


def test_a_failed_set_up_fails_again_then_recovers(monkeypatch):
    # review: a set-up that raised left a half-built detector ("no attribute '_type_re'" on
    # every later file); it stays pending instead, so each use raises the real error until a
    # set-up succeeds
    from sentinelle.detectors.street_address import StreetAddressDetector

    det = next(d for d in _deferred_detectors() if type(d) is StreetAddressDetector)
    real = StreetAddressDetector.__init__
    calls = []

    def flaky(self):
        calls.append(1)
        if len(calls) <= 2:
            raise OSError("data file unreadable")
        real(self)

    monkeypatch.setattr(StreetAddressDetector, "__init__", flaky)
    for _ in range(2):
        with pytest.raises(OSError, match="data file unreadable"):
            list(det.find("12 rue de la Paix, 75002 Paris"))
    assert det.__dict__.get("_deferred") is True
    assert [m.entity or det.entity for m in det.find("12 rue de la Paix, 75002 Paris")] == [
        "STREET_ADDRESS"]
    assert "_deferred" not in vars(det)


_PARTIAL_BUILD_CHILD = """
import json, sys
from sentinelle import detectors
from sentinelle.detectors.base import Detector
made = []
real = Detector.__init__
def counting(self):  # every detector's __init__ calls Detector.__init__
    made.append(type(self).__name__)
    real(self)
Detector.__init__ = counting
dets = detectors.build(tuple(sys.argv[1].split(",")))
print(json.dumps({"built": sorted(made), "got": [type(d).__name__ for d in dets],
                  "ready": [d.__dict__.get("_deferred") is None for d in dets]}))
"""


@pytest.mark.parametrize("cache", [
    "off",    # the cache disabled: the records would not be kept
    "cold",   # an empty cache folder: the records are made by the first build of them all
])
def test_a_build_of_a_few_detectors_sets_up_only_those(tmp_path, cache):
    # -e PHONE_NUMBER without the set-up records: before session 7 every registered detector
    # was built to make the records (1-2 s, about 90 MB); now only the phone detector is
    env = {**os.environ, "SENTINELLE_CACHE_DIR": "off" if cache == "off" else str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", _PARTIAL_BUILD_CHILD, "PHONE_NUMBER"],
                         capture_output=True, text=True, check=True, env=env)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"built": ["PhoneDetector"], "got": ["PhoneDetector"], "ready": [True]}
    assert not list(tmp_path.glob("data-detector-setup-*"))  # no records made for a few
