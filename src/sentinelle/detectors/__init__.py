"""The detector registry. ``BUILTIN`` lists every detector class, one per line, in priority order
(the first header hit wins when classifying a column; see :mod:`sentinelle.pipeline`).

A test fails when a module of this package defines a detector that is not listed here.
"""

from __future__ import annotations

from sentinelle.detectors.base import Detector
from sentinelle.detectors.nir import NirDetector
from sentinelle.detectors.rpps import RppsDetector
from sentinelle.detectors.iban import IbanDetector
from sentinelle.detectors.email import EmailDetector
from sentinelle.detectors.phone import PhoneDetector
from sentinelle.detectors.blood_group import BloodGroupDetector
from sentinelle.detectors.postal_code import PostalCodeDetector
from sentinelle.detectors.dates import DateOfBirthDetector, DateTimeDetector
from sentinelle.detectors.person import PersonDetector
from sentinelle.detectors.health_condition import HealthConditionDetector

BUILTIN: tuple[type[Detector], ...] = (
    NirDetector,
    RppsDetector,
    IbanDetector,
    EmailDetector,
    PhoneDetector,
    BloodGroupDetector,
    PostalCodeDetector,
    DateOfBirthDetector,
    DateTimeDetector,
    PersonDetector,
    HealthConditionDetector,
)


def build(entities: tuple[str, ...] | None = None) -> list[Detector]:
    """Instantiate the registered detectors (all, or those emitting one of ``entities``)."""
    out = []
    for cls in BUILTIN:
        emits = set(cls.entities or (cls.entity,))
        if entities is None or emits & set(entities):
            out.append(cls())
    return out
