"""The detector registry. ``BUILTIN`` lists every detector class, one per line, in priority order
(the first header hit wins when classifying a column; see :mod:`sentinelle.pipeline`).

A test fails when a module of this package defines a detector that is not listed here.
"""

from __future__ import annotations

from sentinelle.config import Config
from sentinelle.detectors.base import Detector
from sentinelle.detectors.nir import NirDetector
from sentinelle.detectors.rpps import RppsDetector
from sentinelle.detectors.iban import IbanDetector
from sentinelle.detectors.siret import SiretDetector
from sentinelle.detectors.siren import SirenDetector
from sentinelle.detectors.finess import FinessDetector
from sentinelle.detectors.adeli import AdeliDetector
from sentinelle.detectors.credit_card import CreditCardDetector
from sentinelle.detectors.bic import BicDetector
from sentinelle.detectors.cni import CniDetector
from sentinelle.detectors.passport import PassportDetector
from sentinelle.detectors.email import EmailDetector
from sentinelle.detectors.credential import CredentialDetector
from sentinelle.detectors.url import UrlDetector
from sentinelle.detectors.ip_address import IpAddressDetector
from sentinelle.detectors.phone import PhoneDetector
from sentinelle.detectors.blood_group import BloodGroupDetector
from sentinelle.detectors.postal_code import PostalCodeDetector
from sentinelle.detectors.street_address import StreetAddressDetector
from sentinelle.detectors.location import LocationDetector
from sentinelle.detectors.dates import DateOfBirthDetector, DateTimeDetector
from sentinelle.detectors.person import PersonDetector
from sentinelle.detectors.health_condition import HealthConditionDetector
from sentinelle.detectors.medication import MedicationDetector
from sentinelle.detectors.pregnancy import PregnancyDetector
from sentinelle.detectors.lab_result import LabResultDetector
from sentinelle.detectors.health_insurer import HealthInsurerDetector

BUILTIN: tuple[type[Detector], ...] = (
    NirDetector,
    RppsDetector,
    IbanDetector,
    SiretDetector,
    SirenDetector,
    FinessDetector,
    AdeliDetector,
    CreditCardDetector,
    BicDetector,
    CniDetector,
    PassportDetector,
    EmailDetector,
    CredentialDetector,
    UrlDetector,
    IpAddressDetector,
    PhoneDetector,
    BloodGroupDetector,
    PostalCodeDetector,
    StreetAddressDetector,
    LocationDetector,
    DateOfBirthDetector,
    DateTimeDetector,
    PersonDetector,
    HealthConditionDetector,
    MedicationDetector,
    PregnancyDetector,
    LabResultDetector,
    HealthInsurerDetector,
)


def build(entities: tuple[str, ...] | None = None, config: Config | None = None) -> list[Detector]:
    """Instantiate the registered detectors (all, or those emitting one of ``entities``), each
    set up from ``config`` when given (:meth:`Detector.from_config`: ``Config.ner`` for PERSON).

    Raises :class:`~sentinelle.errors.ConfigError` when a detector option cannot be honoured
    (``ner`` without spaCy installed)."""
    out = []
    for cls in BUILTIN:
        emits = set(cls.entities or (cls.entity,))
        if entities is None or emits & set(entities):
            out.append(cls() if config is None else cls.from_config(config))
    return out
