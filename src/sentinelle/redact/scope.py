"""Which findings ``sentinelle redact`` replaces: every finding a scan reports (score at or above
``Config.min_score``), and also every **identifier whose checksum failed next to its cue**
(``Validation.INVALID``, scored :data:`~sentinelle.detectors.base.INVALID_SCORE`, 0.3, by its
detector, with a context word of its detector around it in a text, or under a column header
that names it in a table), whatever ``min_score`` says.

Rule and why (session 8 fault list, "Dr Paul LEFEVRE, RPPS 10003456781" left in clear by
``--policy research`` with an "OK" verdict): a scan reports what is surely personal data, and
an identifier whose key does not match is kept below the default ``--min-score`` because it may
be any number of that shape. Redaction must err the other way: a typo'd NIR, RPPS or IBAN
written after its label still identifies its holder (the other digits are right, and the label
says what it is), and replacing it loses nothing. So a redaction run's pipeline reports down to
:data:`INVALID_SCORE`, and :func:`in_scope` keeps, of the findings below the user's
``min_score``, those of an identifier entity (:data:`IDENTIFIER_CATEGORIES`: national
identifiers, organisation numbers, bank and card numbers, record numbers, contact and online
identifiers, credentials) that its validator rejected and that stand by a cue
(``Evidence.context`` or ``Evidence.header``).

Why the cue is required: without one, a number of the right shape and a wrong key is mostly
not an identifier. Measured on ../shared/corpus (``sentinelle.scan(..., min_score=0)``,
session 8): of the 70 checksum-invalid FR_NIR findings of the hl7v2 folder, the 51 without a
cue are object identifiers (``2.16.840.1.113883...`` in MSH-21, ORC-21) that a pseudonym or a
fake NIR would corrupt; the hl7v2 and fhir folders also give 1,838 cue-less invalid
SIREN/SIRET findings (message ids, timestamps). Findings without a validator (names, places,
health data, dates) below ``min_score`` are left out, as in a scan: their low score is doubt
about the kind of value, not a typo in a known kind.

**Keyless NIRs** (session 8 fault list: "keyless 13-digit NIRs (0.35) are not redacted; only
failed-key identifiers are"): a 13-character NIR body written without its key
(``Validation.NONE``; the NIR detector reports it only when it has the NIR shape: sex digit,
month, department, order number, INSEE structure) is the same person's identifier with two
digits left out, so the rule above applies to it too (:func:`keyless_nir`). The detector
itself already scores it 0.65-0.85 when a NIR cue word is in its context window (48
characters before, 16 after); redaction also looks for a cue up to :data:`NIR_CUE_REACH`
characters before it (a form label "N° d'immatriculation de l'assuré(e) ... :" far from its
boxes, a "sécurité sociale" heading then a sentence), and a keyless NIR with one is
redacted whatever ``min_score`` says. Without a cue it is left (an EAN-13 or an order number
of the right shape, as for a failed key).

The re-scan of the output (:mod:`sentinelle.redact.risk`) uses the same scope, so an invalid
identifier (or keyless NIR) left by its cue in the output is an "original value left" (exit 1),
never an "OK".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator

from sentinelle.config import Config
from sentinelle.detectors.base import INVALID_SCORE, fold_keep_length
from sentinelle.entities import ENTITIES, Category
from sentinelle.finding import Finding, Validation

#: categories (:mod:`sentinelle.entities`) whose checksum-invalid findings are redacted anyway
IDENTIFIER_CATEGORIES = frozenset({
    Category.NATIONAL_IDENTIFIER, Category.FINANCIAL, Category.ORGANISATION,
    Category.IDENTIFICATION, Category.CONTACT, Category.ONLINE_IDENTIFIER, Category.CREDENTIALS,
})


#: characters before a keyless NIR searched for a NIR cue word by redaction: the NIR
#: detector's ``DATE_WINDOW``, the reach of its own birth-year evidence (detectors/nir.py)
NIR_CUE_REACH = 200


def redact_config(config: Config) -> Config:
    """``config`` with ``min_score`` lowered to :data:`INVALID_SCORE` (when above it): the
    configuration of a redaction run's pipelines (findings then filtered by :func:`in_scope`)."""
    if config.min_score <= INVALID_SCORE:
        return config
    return replace(config, min_score=INVALID_SCORE)


def invalid_identifier(f: Finding) -> bool:
    """Whether ``f`` is an identifier (:data:`IDENTIFIER_CATEGORIES`; an entity unknown to
    :data:`~sentinelle.entities.ENTITIES` counts as one) that its validator rejected."""
    if f.validation is not Validation.INVALID:
        return False
    info = ENTITIES.get(f.entity_type)
    return info is None or info.category in IDENTIFIER_CATEGORIES


def keyless_nir(f: Finding) -> bool:
    """Whether ``f`` is a NIR written without its key (``FR_NIR``, ``Validation.NONE``: a
    13-character body with the NIR shape, or a 13-box form field)."""
    return f.entity_type == "FR_NIR" and f.validation is Validation.NONE


def in_scope(f: Finding, min_score: float) -> bool:
    """Whether redaction replaces ``f``: scored at least ``min_score`` (the user's), or an
    :func:`invalid_identifier` or :func:`keyless_nir` scored at least :data:`INVALID_SCORE`
    with its cue (a context word of its detector around it, or a column header that names
    it; :meth:`ScopedPipeline.analyze_text` adds the NIR cue words up to
    :data:`NIR_CUE_REACH` characters before a keyless NIR)."""
    return f.score >= min_score or (
        f.score >= INVALID_SCORE and (invalid_identifier(f) or keyless_nir(f))
        and bool(f.evidence.context or f.evidence.header))


def with_far_cue(found: list[Finding], text: str, offset: int, nir) -> list[Finding]:
    """``found`` (findings of ``text``, offsets shifted by ``offset``) where each
    :func:`keyless_nir` without a cue gets, as its ``evidence.context``, the NIR cue words
    (``nir``: the NIR detector, its ``context_hits``) found in the :data:`NIR_CUE_REACH`
    characters before it (or 16 after)."""
    out = found
    for i, f in enumerate(found):
        if not keyless_nir(f) or f.evidence.context or f.evidence.header:
            continue
        start, end = f.start - offset, f.end - offset
        if not 0 <= start <= end <= len(text):
            continue
        lo = max(0, start - NIR_CUE_REACH)
        folded = fold_keep_length(text[lo:end + 16])
        hits = nir.context_hits(folded, start - lo, end - lo, window=NIR_CUE_REACH)
        if hits:
            if out is found:
                out = list(found)
            out[i] = replace(f, evidence=replace(f.evidence, context=hits))
    return out


def scoped(found: Iterable[Finding], min_score: float) -> list[Finding]:
    """The findings of ``found`` that are :func:`in_scope`, in order."""
    return [f for f in found if in_scope(f, min_score)]


class ScopedPipeline:
    """A :class:`~sentinelle.pipeline.Pipeline` under :func:`redact_config`, whose findings are
    those :func:`in_scope` of the user's ``config.min_score``. Exposes what the writers use:
    :meth:`analyze_text`, :meth:`analyze_table` (batches as lists of findings), ``detectors``,
    ``config`` (the user's)."""

    def __init__(self, detectors, config: Config):
        from sentinelle.pipeline import Pipeline

        self.config = config
        self.min_score = config.min_score
        self.inner = Pipeline(detectors, redact_config(config))
        self.detectors = self.inner.detectors
        self._nir = next((d for d in self.detectors if d.name == "fr.nir"), None)

    def analyze_text(self, text: str, location, offset: int = 0) -> list[Finding]:
        found = self.inner.analyze_text(text, location, offset)
        if self._nir is not None and found:
            found = with_far_cue(found, text, offset, self._nir)
        return scoped(found, self.min_score)

    def analyze_table(self, unit) -> Iterator[list[Finding]]:
        for found in self.inner.analyze_table(unit):
            yield scoped(found, self.min_score)
