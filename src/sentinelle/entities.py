"""Entity labels, their GDPR data category and whether GDPR art. 9 applies.

Labels follow Presidio's where one exists (PERSON, PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE,
DATE_TIME, ...) and use the ``FR_`` prefix for French identifiers. Health labels are the
special categories of personal data of GDPR art. 9(1) ("data concerning health").

Shapes: :data:`ENTITIES` maps a label (``str``) to an :class:`EntityInfo`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Category(str, enum.Enum):
    """GDPR-oriented data categories used by reports (assess) and the CNIL notification form."""

    IDENTIFICATION = "identification"
    CONTACT = "contact"
    NATIONAL_IDENTIFIER = "national_identifier"
    FINANCIAL = "financial"
    HEALTH = "health"  # special category, GDPR art. 9
    LOCATION = "location"
    ONLINE_IDENTIFIER = "online_identifier"  # IP addresses, URLs (GDPR recital 30)
    CREDENTIALS = "credentials"  # passwords and their hashes
    ORGANISATION = "organisation"  # identifiers of legal entities and health establishments
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class EntityInfo:
    label: str
    category: Category
    special_category: bool
    description: str


_TABLE: tuple[EntityInfo, ...] = (
    EntityInfo("PERSON", Category.IDENTIFICATION, False, "First and/or last name of a person"),
    EntityInfo("DATE_OF_BIRTH", Category.IDENTIFICATION, False, "A date of birth"),
    EntityInfo("DATE_TIME", Category.OTHER, False, "A date or timestamp that is not a birth date"),
    EntityInfo("FR_NIR", Category.NATIONAL_IDENTIFIER, False,
               "French social security number (NIR/NIA/INS), 13 digits + 2-digit key"),
    EntityInfo("FR_RPPS", Category.NATIONAL_IDENTIFIER, False,
               "Health professional RPPS number, 11 digits, Luhn"),
    EntityInfo("PHONE_NUMBER", Category.CONTACT, False, "Telephone number"),
    EntityInfo("EMAIL_ADDRESS", Category.CONTACT, False, "E-mail address"),
    EntityInfo("FR_POSTAL_CODE", Category.LOCATION, False, "French postal code (5 digits)"),
    EntityInfo("STREET_ADDRESS", Category.LOCATION, False, "Street address"),
    EntityInfo("FR_ADELI", Category.NATIONAL_IDENTIFIER, False,
               "Health professional ADELI number, 9 digits (department, profession, order, key)"),
    EntityInfo("FR_CNI", Category.NATIONAL_IDENTIFIER, False,
               "French national identity card number (12 characters, or 9 since 2021)"),
    EntityInfo("FR_PASSPORT", Category.NATIONAL_IDENTIFIER, False,
               "French passport number (2 digits, 2 letters, 5 digits)"),
    EntityInfo("MEDICAL_RECORD_NUMBER", Category.IDENTIFICATION, False,
               "A hospital's or lab's patient or stay number (IPP, NIP, NDA, N° dossier, MRN), "
               "next to its name or under its column header"),
    EntityInfo("FR_FINESS", Category.ORGANISATION, False,
               "FINESS number of a health or social establishment, 9 characters, Luhn"),
    EntityInfo("FR_SIREN", Category.ORGANISATION, False, "SIREN company number, 9 digits, Luhn"),
    EntityInfo("FR_SIRET", Category.ORGANISATION, False,
               "SIRET establishment number, 14 digits (SIREN + NIC), Luhn"),
    EntityInfo("LOCATION", Category.LOCATION, False, "A French commune (city, town or village)"),
    EntityInfo("IP_ADDRESS", Category.ONLINE_IDENTIFIER, False, "IPv4 or IPv6 address"),
    EntityInfo("URL", Category.ONLINE_IDENTIFIER, False, "A web address (URL)"),
    EntityInfo("IBAN_CODE", Category.FINANCIAL, False, "International bank account number (ISO 13616)"),
    EntityInfo("CREDIT_CARD", Category.FINANCIAL, False, "Payment card number (ISO/IEC 7812, Luhn)"),
    EntityInfo("FR_BIC", Category.FINANCIAL, False, "Bank identifier code (ISO 9362) in a bank context"),
    EntityInfo("CREDENTIAL", Category.CREDENTIALS, False, "A password or a password hash"),
    EntityInfo("HEALTH_INSURER", Category.HEALTH, False,
               "Health insurer of the data subject: a national fund (CPAM, MSA...) or a mutuelle"),
    EntityInfo("BLOOD_GROUP", Category.HEALTH, True, "ABO blood group with or without Rh factor"),
    EntityInfo("HEALTH_CONDITION", Category.HEALTH, True,
               "A disease, condition or diagnosis (lexicon, ICD-10/CIM-10 codes with context)"),
    EntityInfo("PREGNANCY", Category.HEALTH, True,
               "A pregnancy: 'enceinte', 'grossesse', weeks of amenorrhoea (SA), positive beta-hCG"),
    EntityInfo("MEDICATION", Category.HEALTH, True, "A medicinal product or active substance"),
    EntityInfo("LAB_RESULT", Category.HEALTH, True, "A laboratory analysis with its result value"),
)

ENTITIES: dict[str, EntityInfo] = {e.label: e for e in _TABLE}


def info(label: str) -> EntityInfo:
    """Return the :class:`EntityInfo` for ``label``; raises ``KeyError`` for an unknown label."""
    return ENTITIES[label]


def parse_labels(value) -> tuple[str, ...] | None:
    """The entity labels of ``value``, checked against :data:`ENTITIES`: the one rule of the CLI's
    ``--entities`` and of the API's ``entities=`` (:func:`sentinelle.scan_text`,
    :func:`sentinelle.scan`).

    ``value``: ``None``; a comma-separated string (``"fr_nir, PERSON"``, as ``--entities``); or
    an iterable of labels. Each label is stripped and upper-cased; empty ones are dropped; the
    order is kept. Returns a tuple of labels, or ``None`` (every label) when none is left, as
    Presidio's ``analyze(entities=None or [])``.

    Raises ``ValueError`` naming the unknown label(s) and listing the valid ones (a mistyped
    label used to select no detector and return nothing, silently), or for an item that is not
    a string.
    """
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise ValueError(f"entity labels must be strings, got {bad[0]!r}; valid labels: "
                         + ", ".join(ENTITIES))
    labels = tuple(v.strip().upper() for v in items if v.strip())
    unknown = [label for label in labels if label not in ENTITIES]
    if unknown:
        raise ValueError(f"unknown entity type{'s' if len(unknown) > 1 else ''}: "
                         f"{', '.join(unknown)}; valid labels: {', '.join(ENTITIES)}")
    return labels or None
