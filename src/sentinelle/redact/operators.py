"""The redaction operators and the span replacement every writer uses.

:class:`Operators` turns one :class:`Target` (an entity's original text, its normalised form, the
record's person key) into its replacement under a :class:`~sentinelle.redact.policy.Policy` and
the user's key:

* ``keep``: unchanged; ``drop``: the empty string; ``redact``: ``<ENTITY>``;
* ``mask``: every letter and digit becomes ``char`` (``*``), separators kept, the last
  ``keep_last`` letters/digits kept;
* ``pseudonym``: ``<entity>_<12 base32 characters>`` from HMAC-SHA256 of the *normalised* value
  (the detector's ``normalize``: ``2 85 07 2A 004 123 38`` and ``285072A00412338`` give one
  pseudonym) under a key derived from the user's key; ``reversible = true``: an AES-SIV
  ``PSN:`` token of the value as written (:mod:`sentinelle.redact.crypto`);
* ``fake``: a format-preserving surrogate (:mod:`sentinelle.redact.fakes`), seeded by HMAC of
  the normalised value; dates get the ``shift`` instead; an entity without a fake gets its label;
  a fake NIR depends on the normalised NIR, the key and the policy only (session 12: the same
  fake in every file, row and format); its birth year and month follow the policy's
  ``DATE_OF_BIRTH`` operator and the holder's keyed shift (:meth:`Operators.nir_fake`), so a
  row's NIR shows the month its shifted birth date shows (design in
  :mod:`sentinelle.redact.fakes`, "One NIR, one fake"); ``Target.record`` is not used;
* ``shift``: a date moved *back* by a number of days keyed on the record's person (HMAC of the
  person key: same person, same shift, in every file; a table row's key is
  :func:`~sentinelle.redact.engine.person_key`, a text report's
  :func:`~sentinelle.redact.engine.section_persons`, the same for every date of the report),
  never 0: the absolute value of a keyed
  draw within the policy's range ``days = [min, max]`` (:meth:`Operators.shift_days`). A
  shifted date is therefore never later than the original: a date of the past stays in the
  past (never after the day of the run) and no date moves after the latest date of the input
  (an export's or a leak's last day, which would show that it was moved), while the intervals
  between one person's dates are kept. The form of the date is kept
  (:mod:`sentinelle.redact.dates`);
* ``generalise``: birth dates and dates to the year (level 2: decade), postcodes to the
  department ``75***`` (level 2: the region's name), an age to a 5-year band ``35-39``
  (level 2: 10 years); other entities get their label.

A value an operator cannot handle (a date that does not parse, a phone number from abroad for
``fake``) gets the entity's label: a replacement never leaks the original.

:func:`replace_spans` applies replacements to a text by span; overlapping spans are resolved so
that every operator sees the original text of its own span and no character of the union of the
spans survives (../shared/cases pb-001).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from sentinelle.redact import dates, fakes
from sentinelle.redact.crypto import TokenCipher, subkey
from sentinelle.redact.policy import AGE, OperatorSpec, Policy

DATE_ENTITIES = frozenset({"DATE_OF_BIRTH", "DATE_TIME"})
#: most replacement values :attr:`Operators.written` remembers (beyond it, a value found again
#: is counted as not written by the run: the safe side)
WRITTEN_CAP = 2_000_000


def written_form(text: str) -> str:
    """``text`` as :attr:`Operators.written` holds it: stripped, whitespace runs one space."""
    return " ".join(text.split())
_ISO_PARTIAL = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Target:
    """What an operator is given: the entity label, the original text of its span, the
    detector's normalised form of it, and the person key of the record it sits in."""

    entity: str
    text: str
    normalized: str = ""
    person: str = ""
    where: tuple = ()  # (path, sheet, row): where the value sits (k-anonymity suppression)
    #: what the value's record shows once redacted (sex, birth year and month); not used since
    #: session 12 (a fake NIR depends on the NIR alone: :meth:`Operators.nir_fake`)
    record: "fakes.Record | None" = None


def label(entity: str) -> str:
    return f"<{entity}>"


def mask_text(text: str, char: str = "*", keep_last: int = 0) -> str:
    """Every letter and digit of ``text`` replaced by ``char`` except the last ``keep_last``."""
    positions = [i for i, c in enumerate(text) if c.isalnum()]
    keep = set(positions[len(positions) - keep_last:]) if keep_last else set()
    return "".join(c if (not c.isalnum() or i in keep) else char for i, c in enumerate(text))


def postcode_department(code: str) -> str | None:
    """``75011`` -> ``75``; ``20000`` -> ``20`` (Corsica); ``97110`` -> ``971``."""
    code = code.strip()
    if len(code) != 5 or not code.isdigit():
        return None
    return code[:3] if code.startswith("97") else code[:2]


class Operators:
    """Applies a policy's operators under the user's key. Caches results per run."""

    def __init__(self, policy: Policy, key: bytes, *, levels: dict[str, int] | None = None,
                 suppress: frozenset = frozenset()):
        """``levels``: generalisation level per entity overriding the policy (``--k``);
        ``suppress``: ``(path, sheet, row)`` of records whose quasi-identifiers become ``*``."""
        self.policy = policy
        self._pseudo_key = subkey(key, "pseudonym")
        self._fake_key = subkey(key, "fake")
        self._shift_key = subkey(key, "shift")
        self._cipher = TokenCipher(key) if policy.reversible else None
        self._lists: fakes.FakeLists | None = None
        self._cache: dict[tuple, str] = {}
        self.levels = dict(levels or {})
        self._specs: dict[str, OperatorSpec] = {}
        self.suppress = suppress
        self.fallbacks = 0  # values that got a label because their operator could not apply
        #: every replacement this run wrote (whitespace runs made one space), so the re-scan
        #: knows its own pseudonyms, labels and fakes (:func:`sentinelle.redact.risk.assess`;
        #: Session 13); at most :data:`WRITTEN_CAP` values, in memory only
        self.written: set[str] = set()

    def __repr__(self) -> str:
        return f"Operators(policy={self.policy.name!r}, <key hidden>)"

    def spec(self, entity: str) -> OperatorSpec:
        spec = self._specs.get(entity)
        if spec is None:
            level = self.levels.get(entity)
            spec = (OperatorSpec("generalise", level=level) if level is not None
                    else self.policy.spec(entity))
            self._specs[entity] = spec
        return spec

    def lists(self) -> fakes.FakeLists:
        if self._lists is None:
            self._lists = fakes.FakeLists.load()
        return self._lists

    # -- keyed randomness ------------------------------------------------------------------
    def _mac(self, key: bytes, *parts: str) -> bytes:
        return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()

    def rng(self, *parts: str) -> random.Random:
        return random.Random(int.from_bytes(self._mac(self._fake_key, *parts), "big"))

    def shift_days(self, person: str, days: tuple[int, int]) -> int:
        """The keyed offset of ``person``, in days, always negative: minus the absolute value
        of a keyed draw within ``days`` (inclusive, 0 excluded). With ``[-365, 365]`` the
        offset is -1 to -365 days, each equally likely.

        Rule (session 7 fault list): dates only move back, so a shifted date is never after
        the original one, hence never in the future nor after the input's latest date; the
        price is that the true date is known to lie *after* the shown one (within the
        range's width), not on either side of it."""
        lo, hi = days
        count = hi - lo + 1 - (1 if lo <= 0 <= hi else 0)
        n = int.from_bytes(self._mac(self._shift_key, person), "big") % max(count, 1)
        offset = lo + n
        if lo <= 0 <= hi and offset >= 0:
            offset += 1
        return -abs(offset)

    # -- the operators -----------------------------------------------------------------------
    def apply(self, t: Target) -> str:
        """The replacement of ``t`` (module docstring); a replacement that is not the original
        text is remembered in :attr:`written`."""
        out = self._apply(t)
        if out and out != t.text and len(self.written) < WRITTEN_CAP:
            self.written.add(written_form(out))
        return out

    def wrote(self, text: str) -> bool:
        """True when ``text`` (a value found in the output) is one replacement this run wrote,
        or several of them side by side (a fake family name and given name written in two
        HL7 components and read back as one name), whitespace aside."""
        form = written_form(text)
        if not form:
            return False
        if form in self.written:
            return True
        parts = form.split(" ")
        return len(parts) > 1 and all(p in self.written for p in parts)

    def _apply(self, t: Target) -> str:
        spec = self.spec(t.entity)
        op = spec.operator
        if op == "keep":
            return t.text
        if op == "drop":
            return ""
        if op == "redact":
            return label(t.entity)
        if op == "mask":
            return mask_text(t.text, spec.char, spec.keep_last)
        if op == "shift" or (op == "fake" and t.entity in DATE_ENTITIES):
            return self._shift(t, spec)
        if op == "generalise":
            if t.where and t.where in self.suppress:
                return "*"
            return self._generalise(t, spec)
        key = (t.entity, t.normalized or t.text,
               t.text if spec.reversible or op == "fake" else "")
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if op == "pseudonym":
            out = self._pseudonym(t, spec)
        else:
            out = self._fake(t)
        if len(self._cache) < 1_000_000:
            self._cache[key] = out
        return out

    def _pseudonym(self, t: Target, spec: OperatorSpec) -> str:
        if spec.reversible:
            assert self._cipher is not None
            return self._cipher.encrypt(t.entity, t.text)
        mac = self._mac(self._pseudo_key, t.entity, t.normalized or t.text)
        token = base64.b32encode(mac).decode("ascii").lower()[: spec.length]
        return f"{t.entity.lower()}_{token}"

    def nir_fake(self, norm: str) -> tuple[int | None, bool]:
        """How the fake of the normalised NIR ``norm`` gets its birth year and month
        (:func:`sentinelle.redact.fakes.nir_head`): ``(moved, year_shown)``. The policy's
        ``DATE_OF_BIRTH`` operator decides: ``keep`` shows the birth date, so the original's
        (None, False); ``generalise`` level 1 shows the year: (None, True); any other (shift,
        fake, a decade, a label...) moves them by the keyed shift of the person key
        ``FR_NIR\x1f<norm>`` (the key a table row holding this NIR is shifted with:
        :func:`sentinelle.redact.engine.person_key`) within the birth date's shift range."""
        spec = self.spec("DATE_OF_BIRTH")
        if spec.operator == "keep":
            return None, False
        if spec.operator == "generalise" and spec.level == 1:
            return None, True
        return self.shift_days("FR_NIR\x1f" + norm, self.policy.shift_days(spec)), False

    def _fake(self, t: Target) -> str:
        norm = t.normalized or t.text
        moved, year_shown = (self.nir_fake(norm) if t.entity == "FR_NIR" else (None, False))
        out = fakes.make(t.entity, t.text, self.rng(t.entity, norm),
                         lambda word: self.rng(t.entity, "word", word), self.lists(),
                         nir_moved=moved, nir_year_shown=year_shown)
        if out is None:
            self.fallbacks += 1
            return label(t.entity)
        return out

    def _shift(self, t: Target, spec: OperatorSpec) -> str:
        offset = self.shift_days(t.person or "\x00" + "\x1f".join(map(str, t.where[:1])),
                                 self.policy.shift_days(spec))
        out = dates.shift(t.text, offset)
        if out is None:
            self.fallbacks += 1
            return label(t.entity)
        return out

    def _generalise(self, t: Target, spec: OperatorSpec) -> str:
        level = spec.level
        if t.entity in DATE_ENTITIES:
            out = dates.generalise(t.text, level)
            if out is None and _ISO_PARTIAL.fullmatch(t.normalized):
                # a spelling dates.parse does not know, but the detector normalised it to
                # ISO 8601 ``yyyy``, ``yyyy-mm`` or ``yyyy-mm-dd``: its year is enough
                out = dates.year_level(int(t.normalized[:4]), level)
        elif t.entity == "FR_POSTAL_CODE":
            out = self.generalise_postcode(t.text, level)
        elif t.entity == AGE:
            out = age_band(t.text, level)
        else:
            out = None
        if out is None:
            self.fallbacks += 1
            return label(t.entity)
        return out

    def generalise_postcode(self, text: str, level: int) -> str | None:
        code = text.strip()
        dep = postcode_department(code)
        if dep is None:
            return None
        if level <= 1:
            return text.replace(code, dep + "*" * (5 - len(dep)), 1)
        return region_of(dep, self.regions())

    def regions(self) -> dict[str, str]:
        if not hasattr(self, "_regions"):
            from sentinelle import data

            table: dict[str, str] = {}
            for line in data.lines("departments.txt"):
                code, _name, _rcode, rname = line.split("\t")
                table[code] = rname
            self._regions = table
        return self._regions


def region_of(dep: str, regions: dict[str, str]) -> str | None:
    """Region name of a postcode department prefix (``20`` is Corsica: 2A and 2B)."""
    if dep == "20":
        return regions.get("2A")
    return regions.get(dep)


def age_band(text: str, level: int = 1) -> str | None:
    """``37`` -> ``35-39`` (level 1), ``30-39`` (level 2); None when not an age in years."""
    m = _DIGITS.search(text)
    if m is None or len(m.group()) > 3:
        return None
    age = int(m.group())
    width = 5 if level <= 1 else 10
    lo = age - age % width
    return f"{lo}-{lo + width - 1}"


# -- span replacement --------------------------------------------------------------------------


def replace_spans(text: str, spans: Sequence[tuple[int, int, Callable[[str], str]]]) -> str:
    """``text`` with each ``(start, end, fn)`` span replaced by ``fn(text[start:end])``.

    Overlaps: spans are grouped into clusters of overlapping spans; a span lying inside an
    earlier kept span of its cluster is dropped (the outer one covers it); the kept spans of a
    cluster are replaced by the concatenation of their replacements, each computed from the
    original text of its own span; the whole union of the cluster is replaced, so nothing of it
    leaks and no replacement is nested in another (../shared/cases pb-001).
    """
    if not spans:
        return text
    order = sorted(spans, key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    pos = 0
    i = 0
    n = len(order)
    while i < n:
        start, end, fn = order[i]
        start = max(start, 0)
        cluster = [(start, end, fn)]
        cluster_end = end
        i += 1
        while i < n and order[i][0] < cluster_end:
            s, e, f = order[i]
            if e > cluster[-1][1]:  # not inside the last kept span
                cluster.append((s, e, f))
            cluster_end = max(cluster_end, e)
            i += 1
        out.append(text[pos:start])
        out.append("".join(f(text[s:e]) for s, e, f in cluster))
        pos = max(pos, cluster_end)
    out.append(text[pos:])
    return "".join(out)
