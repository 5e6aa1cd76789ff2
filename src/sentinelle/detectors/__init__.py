"""The detector registry. ``BUILTIN`` lists every detector class, one per line, in priority order
(the first header hit wins when classifying a column; see :mod:`sentinelle.pipeline`).

A test fails when a module of this package defines a detector that is not listed here.
"""

from __future__ import annotations

import threading

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
from sentinelle.detectors.medical_record_number import MedicalRecordNumberDetector
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
    MedicalRecordNumberDetector,
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
    (``ner`` without spaCy installed).

    Deferred set-up (issue 6, start-up): a detector built without options (the default
    :meth:`~sentinelle.detectors.base.Detector.from_config`) is returned with its ``__init__``
    not run yet when the per-user cache holds its record (:func:`_setup_records`); it runs on
    the first read of an attribute the instance lacks (``Detector.__getattr__``: its first
    ``find``, ``match_cell``, context or header test), so a scan pays only for the detectors
    its texts fire. The record holds what ``__init__`` sets over a class attribute (the
    ``prefilter`` lexicon detectors build from their term lists), so the pipeline reads the
    same ``prefilter``, ``window``, ... before the set-up as after. :func:`set_up` runs the
    pending set-ups now (before forking workers, which then share them)."""
    wanted = [cls for cls in BUILTIN
              if entities is None or set(cls.entities or (cls.entity,)) & set(entities)]
    records = _setup_records(len(wanted) == len(BUILTIN)) \
        if any(_deferrable(cls) for cls in wanted) else {}
    out = []
    for cls in wanted:
        record = records.get(_class_key(cls)) if _deferrable(cls) else None
        made = _MADE.pop(cls, None)
        if made is not None:  # built by this process to make the records: ready, keep it
            out.append(made)
        elif record is not None:
            det = cls.__new__(cls)
            det.__dict__.update(record)
            det._deferred = True
            out.append(det)
        else:
            out.append(cls() if config is None else cls.from_config(config))
    return out


def set_up(detectors) -> None:
    """Run the deferred set-up (``__init__``) of every detector of ``detectors`` still pending
    (one thread at a time; an ``AttributeError`` raised by a set-up becomes a ``RuntimeError``,
    not to be taken for a missing attribute by ``Detector.__getattr__``'s caller)."""
    with _SETUP_LOCK:
        for det in detectors:
            if det.__dict__.get("_deferred") is not True:
                continue  # ready, or being set up by this thread (an attribute read in __init__)
            det.__dict__["_deferred"] = "running"
            try:
                type(det).__init__(det)
            except AttributeError as exc:
                det.__dict__["_deferred"] = True  # still pending: the next use fails the same way
                raise RuntimeError(f"set-up of detector {type(det).__name__} failed: "
                                   f"{exc}") from exc
            except BaseException:
                det.__dict__["_deferred"] = True  # not a half-built detector: set up again next use
                raise
            det.__dict__.pop("_deferred", None)


#: held while a deferred set-up runs (re-entrant: a set-up may read another detector)
_SETUP_LOCK = threading.RLock()


#: detectors built while making the set-up records, handed to the next :func:`build` of this
#: process instead of being built twice (a cache miss costs one full build, as before)
_MADE: dict[type, Detector] = {}


def _class_key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _deferrable(cls: type) -> bool:
    """Built the same whatever the config (the default ``from_config``: ``cls()``)."""
    return getattr(cls.from_config, "__func__", None) is Detector.from_config.__func__


def _plain(value) -> bool:
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return True
    return isinstance(value, (tuple, frozenset)) and all(_plain(v) for v in value)


def _make_records() -> dict[str, dict | None]:
    """Per deferrable registered class: the instance attributes its ``__init__`` sets over a
    class attribute (``prefilter`` of the lexicon detectors), or None when one of them is not
    plain data (that class is then always built at once)."""
    records: dict[str, dict | None] = {}
    for cls in BUILTIN:
        if not _deferrable(cls):
            continue
        det = cls()
        _MADE[cls] = det
        shadow = {k: v for k, v in vars(det).items() if hasattr(cls, k)}
        records[_class_key(cls)] = shadow if all(_plain(v) for v in shadow.values()) else None
    return records


class _NotAll(Exception):
    """:func:`_setup_records` asked to make the records for a build of some detectors only."""


def _setup_records(every: bool = True) -> dict[str, dict | None]:
    """:func:`_make_records`, kept by :func:`sentinelle.data.cached` (keyed by the package's
    sources, and here by the names, sizes and modification times of the data files the
    detectors read their lists from). Making them builds every registered detector (1-2 s,
    about 90 MB): done only for a build of them all (``every``); a build of a few (``-e
    PHONE_NUMBER``) with the records not in the cache, or the cache off, gets ``{}`` and
    builds its own detectors at once."""
    import os

    from sentinelle import data

    stamp = []
    root = os.path.dirname(data.__file__)
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            st = os.stat(os.path.join(folder, name))
            stamp.append(f"{os.path.relpath(os.path.join(folder, name), root)}:{st.st_size}:"
                         f"{st.st_mtime_ns}")
    def make() -> dict[str, dict | None]:
        if not every:
            raise _NotAll
        return _make_records()

    try:
        return data.cached("detector-setup", make, version="1\n" + "\n".join(stamp))
    except _NotAll:
        return {}
