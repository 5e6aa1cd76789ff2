"""Typed, frozen value objects for what the pipeline finds.

A :class:`Finding` holds the raw value **in memory only**. Everything that leaves the process
(findings file, store, report, log, error message) is built with :meth:`Finding.to_record`, which
carries the masked value and a keyed fingerprint (HMAC-SHA256) instead of the value.

The field names ``entity_type``, ``start``, ``end`` and ``score`` are those of Presidio's
``RecognizerResult`` so that code written against Presidio's ``analyze`` ports with few changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sentinelle.privacy import mask

if TYPE_CHECKING:  # pragma: no cover
    from sentinelle.privacy import KeyedHasher


class Validation(str, enum.Enum):
    """Outcome of the identifier validator (checksum, list lookup) for a candidate."""

    VALID = "valid"          # the validator accepted the value (e.g. NIR key matches)
    INVALID = "invalid"      # a validator exists and rejected it (kept at a low score: typos matter)
    NONE = "none"            # no validator applies to this entity (names, conditions, ...)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding sits, in a form a person can open again.

    ``path``: display path relative to the scanned root (archive members as ``a.zip!b/c.csv``);
    ``row``: 0-based data row for tables, else None; ``column``: header text for tables, else None;
    ``sheet``: sheet or table name where the format has one, else None; ``page``: 1-based page
    of a paginated document (PDF), else None.
    """

    path: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character interval ``[start, end)``."""

    start: int
    end: int

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was made: detector name, pattern name, validation, context words, header."""

    detector: str
    pattern: str | None = None
    context: tuple[str, ...] = ()
    header: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected piece of personal data.

    ``start``/``end`` are character offsets: inside the cell for tables, inside the decoded text
    for text sources. ``score`` is in [0, 1]. ``value`` and ``normalized`` are raw data and never
    serialised; ``repr`` shows the masked value only.
    """

    entity_type: str
    start: int
    end: int
    score: float
    location: Location
    validation: Validation = Validation.NONE
    evidence: Evidence = field(default_factory=lambda: Evidence("unknown"))
    value: str = field(default="", repr=False, compare=False)
    normalized: str = field(default="", repr=False, compare=False)

    @property
    def masked(self) -> str:
        """The value with most characters hidden (see :func:`sentinelle.privacy.mask`)."""
        return mask(self.value, self.entity_type)

    def __repr__(self) -> str:  # never show the raw value
        loc = self.location
        return (f"Finding({self.entity_type!s}, {loc.path}, row={loc.row}, column={loc.column!r}, "
                f"[{self.start}:{self.end}], score={self.score:.2f}, masked={self.masked!r})")

    __str__ = __repr__

    def to_record(self, hasher: "KeyedHasher") -> dict[str, object]:
        """The public findings-file record (README "Findings contract"): no raw value in it."""
        loc = self.location
        return {
            "path": loc.path,
            "entity_type": self.entity_type,
            "score": round(self.score, 3),
            "row": loc.row,
            "column": loc.column,
            "sheet": loc.sheet,
            "page": loc.page,
            "start": self.start,
            "end": self.end,
            "masked": self.masked,
            "value_hash": hasher.hash(self.entity_type, self.normalized or self.value),
            "validation": self.validation.value,
            "detector": self.evidence.detector,
        }
