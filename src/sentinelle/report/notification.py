"""Notification drafts from an assessment (``sentinelle assess --notification DIR``).

Input: the assessment document ``sentinelle-assessment/1`` (docs/assess-schema.md) and nothing
else. Output: four Markdown drafts, pre-filled from the document, for the DPO to review and
complete; what the data cannot tell is left as ``[À COMPLÉTER]`` / ``[TO BE COMPLETED]``:

* ``notification-cnil.fr.md``, ``notification-cnil.en.md``: the notification to the supervisory
  authority. Sources: GDPR (Regulation (EU) 2016/679) art. 33(1) (notify without undue delay and,
  where feasible, within 72 hours of becoming aware; reasons for any delay), art. 33(3) a)-d)
  (nature of the breach with the categories and approximate numbers of data subjects and of
  records; DPO or contact point; likely consequences; measures taken or proposed), art. 33(4)
  (information in phases), art. 33(5) (breach register); sections in the order of the CNIL online
  notification form (téléservice « Notifier une violation de données personnelles »).
* ``lettre-personnes.fr.md``, ``letter-data-subjects.en.md``: the communication to the persons
  concerned, GDPR art. 34(1)-(2) (clear and plain language; the nature of the breach and at least
  the information of art. 33(3) b), c), d)), with practical advice (phishing that uses health
  data, health-insurance and bank statements).

What is pre-filled is chosen from the document: which data categories and entity types are
present (the letter lists them in plain words, the likely consequences follow them), the numbers
of persons (by role) and records, the period, the sources and organisations found, copies and
known-leak overlaps, the ENISA severity and whether art. 34 communication is required (severity
level ``high`` or ``very high``, i.e. a likely high risk).

Errors: :class:`ValueError` for a document of another schema; :class:`OSError` when the folder
cannot be created or written. Each file is written atomically (temporary file in the folder,
then rename); nothing is written outside ``directory``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from sentinelle.report.assessment import (add_plurals, check_schema, fmt_date, fmt_int,
                                          fmt_month, view, write_atomic)

#: draft -> (template, language), in the order :func:`write_drafts` returns them
DRAFTS = {
    "notification-cnil.fr.md": ("notification-cnil.fr.md.j2", "fr"),
    "notification-cnil.en.md": ("notification-cnil.en.md.j2", "en"),
    "lettre-personnes.fr.md": ("lettre-personnes.fr.md.j2", "fr"),
    "letter-data-subjects.en.md": ("letter-data-subjects.en.md.j2", "en"),
}

#: entity type -> what the letter says was exposed (keys of the templates' phrases)
DATA_GROUPS = {
    "PERSON": "name", "DATE_OF_BIRTH": "birth_date", "FR_NIR": "nir",
    "FR_CNI": "id_document", "FR_PASSPORT": "id_document",
    "PHONE_NUMBER": "phone", "EMAIL_ADDRESS": "email",
    "FR_POSTAL_CODE": "address", "STREET_ADDRESS": "address", "LOCATION": "address",
    "IBAN_CODE": "bank", "FR_BIC": "bank", "CREDIT_CARD": "card",
    "HEALTH_CONDITION": "health", "LAB_RESULT": "lab_results", "MEDICATION": "medication",
    "PREGNANCY": "pregnancy", "BLOOD_GROUP": "blood_group", "HEALTH_INSURER": "insurer",
    "CREDENTIAL": "credentials", "IP_ADDRESS": "online", "URL": "online",
}
_HEALTH = frozenset({"health", "lab_results", "medication", "pregnancy", "blood_group"})
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_MD_LINE_START = re.compile(r"^(\d*)([#+\-=.)])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def md(text: object) -> str:
    """Text from the document as inline Markdown: control characters and line breaks become a
    space; the characters that open emphasis, code, links, HTML or table cells are
    backslash-escaped (CommonMark 2.4), and so is a leading one that would open a heading, a
    list or a quote (a value cannot change the draft's structure)."""
    s = _MD_SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", str(text)).strip())
    return _MD_LINE_START.sub(r"\1\\\2", s)


def code(text: object) -> str:
    """Text from the document as a Markdown code span (paths, masked values such as
    ``75*****12``), fenced with more backticks than it holds (CommonMark 6.1)."""
    s = _CONTROL.sub(" ", str(text))
    runs = [len(r) for r in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sentinelle.report", "templates"),
        autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = md
    env.filters["code"] = code
    return add_plurals(env)


def draft_view(doc: dict, lang: str) -> dict:
    """The report's view (:func:`sentinelle.report.assessment.view`) plus what the drafts need:
    ``data`` (groups of exposed data, :data:`DATA_GROUPS`), ``consequences`` (keys), ``orgs``,
    ``high_risk``, ``latest``, ``period_months``, ``exposure``..."""
    v = view(doc, lang)
    present = {e.get("entity_type") for e in doc.get("entities") or []
               if (e.get("findings") or 0) > 0}
    for c in doc.get("categories") or []:
        if (c.get("findings") or 0) > 0:
            present.update(c.get("entities") or [])
    data = {DATA_GROUPS[e] for e in present if e in DATA_GROUPS}
    cats = {c.get("category") for c in doc.get("categories") or []
            if (c.get("subjects") or c.get("findings") or 0) > 0}
    special = any(c.get("special_category") for c in doc.get("categories") or [])
    consequences = ["loss_of_control"]
    if data & _HEALTH or special:
        consequences += ["health_disclosure", "discrimination", "phishing_health"]
    if "nir" in data or "id_document" in data or {"name", "birth_date"} <= data:
        consequences.append("identity_theft")
    if "nir" in data or "insurer" in data:
        consequences.append("social_security_fraud")
    if "bank" in data:
        consequences.append("bank_debit_fraud")
    if "card" in data:
        consequences.append("card_fraud")
    if "credentials" in data:
        consequences.append("account_takeover")
    if data & {"phone", "email", "address"} and "phishing_health" not in consequences:
        consequences.append("phishing")
    if data & {"phone", "email", "address"}:
        consequences.append("spam")

    orgs = []
    for s in doc.get("sources") or []:
        for o in s.get("organisations") or []:
            # masked like every identifier in an artefact (issue 5: no raw identifier in any
            # output; a sole trader's SIREN is personal data): the controller fills in its own
            # FINESS / SIRET, the draft gives the mask to recognise it
            shown = o.get("masked") or o.get("value")
            if shown:
                orgs.append({"source": v["t"]["top_folder"] if s.get("path") == "." else
                             s.get("path", ""), "kind": o.get("kind", ""),
                             "shown": shown})
    sev = doc.get("severity") or {}
    cb = (sev.get("cb") or {}).get("factors") or {}
    period = doc.get("period") or {}
    v.update({
        "data": data, "categories_present": cats,
        "person_categories": [r for r in v["categories"] if r["code"] != "organisation"], "special": special,
        "consequences": consequences, "orgs": orgs,
        "high_risk": sev.get("level") in ("high", "very high"),
        "latest": fmt_date(period.get("end"), lang) if period.get("end") else None,
        "period_months": (fmt_month(str(period.get("start"))[:7], lang),
                          fmt_month(str(period.get("end"))[:7], lang))
        if period.get("start") and period.get("end") else None,
        "exposure": cb.get("loss_of_confidentiality"),
        # publication assumed, not stated (severity.cb): the drafts ask, never assert it
        "exposure_assumed": "loss_of_confidentiality" in ((sev.get("cb") or {}).get("assumed")
                                                          or ()),
        "integrity": cb.get("loss_of_integrity"), "availability": cb.get("loss_of_availability"),
        "malicious": cb.get("malicious_intent"),
        "n_professionals": int(((doc.get("subjects") or {}).get("by_role") or {})
                               .get("health_professional", {}).get("unique") or 0),
        "professionals": fmt_int(((doc.get("subjects") or {}).get("by_role") or {})
                                 .get("health_professional", {}).get("unique") or 0, lang),
        "patients": fmt_int(((doc.get("subjects") or {}).get("by_role") or {})
                            .get("patient", {}).get("unique") or 0, lang),
        "others": fmt_int(((doc.get("subjects") or {}).get("by_role") or {})
                          .get("other", {}).get("unique") or 0, lang),
    })
    return v


def render(doc: dict, name: str) -> str:
    """The draft ``name`` (a key of :data:`DRAFTS`) as Markdown text."""
    template, lang = DRAFTS[name]
    v = draft_view(doc, lang)
    return _env().get_template(template).render(v=v, t=v["t"])


def write_drafts(doc: dict, directory: Path, langs=None) -> list[Path]:
    """Write the drafts of :data:`DRAFTS` into ``directory`` (created if needed, with its missing
    parents, mode 0700) and return
    their paths in that order; ``langs`` (e.g. ``("en",)``) keeps the drafts in those languages
    only, None writes all four. Raises :class:`ValueError` for another schema or an unsupported
    language, :class:`OSError` when the folder cannot be created or written."""
    check_schema(doc)
    if langs is not None:
        bad = [x for x in langs if x not in {lg for _t, lg in DRAFTS.values()}]
        if bad or not langs:
            raise ValueError(f"unsupported language {bad[0] if bad else ''!r} (expected fr or en)")
    from sentinelle.outputs import make_folders

    directory = Path(directory)
    make_folders(directory)  # mode 0700, its missing parents too
    texts = {name: render(doc, name) for name, (_t, lg) in DRAFTS.items()
             if langs is None or lg in langs}  # render all before writing any
    out = []
    for name, text in texts.items():
        path = directory / name
        write_atomic(path, text)
        out.append(path)
    return out


__all__ = ["DRAFTS", "render", "write_drafts"]
