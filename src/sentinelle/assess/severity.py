"""Severity of a personal data breach by the ENISA method.

Source: ENISA, *Recommendations for a methodology of the assessment of severity of personal data
breaches*, working document v1.0, December 2013 (Clara Galan Manso, Sławomir Górniak; built on
the methodology of the Greek and German data protection authorities).

    SE = DPC x EI + CB

* **DPC**, data processing context (1-4), scored per type of data then adjusted; for a breach
  holding several types, the highest score counts (section 3.1). Basic scores: *simple data*
  (identity, contact details, birth date, national identifiers) 1; *behavioural data*
  (location, online identifiers) 2; *financial data* 3; *sensitive data* (health: GDPR art. 9) 4.
  Adjustments applied here from what the findings show:

  - simple data: +1 when minors are among the data subjects ("certain characteristics of the
    individuals, e.g. vulnerable groups, minors");
  - simple data: +1 when at least 1 % of the data subjects have a NIR with their name ("the
    volume of simple data ... such that certain profiling of the individual can be enabled"):
    the NIR spells out sex, birth year and month and place of birth (department and commune,
    or the country for a person born abroad: INSEE, décret n° 82-103), and it is the key of the
    person's health insurance records, a number whose use French law restricts (loi n° 78-17
    art. 30, décret n° 2019-341). So a published list of names with NIRs is never scored
    "low" (1 + 1 = 2, times EI 1: SE >= 2), whatever else the file holds or how much of it
    was read (session 8: a truncated file with NIR + name + birth date came out "low");
  - financial data: -1 for bank account numbers alone (IBAN, BIC: "some financial information
    but no significant insight into the financial status"), +1 for payment card numbers ("full
    financial information that could enable fraud");
  - sensitive data: no decrease when diagnoses, medication, pregnancy or laboratory results are
    present (they reveal health status); -2 for a blood group alone ("can lead to general
    assumptions"); -3 for a health insurer alone ("does not provide any substantial insight").
  - credentials (passwords, their hashes) are scored like financial data that enables fraud (4),
    a choice of this tool: the method has no row for them.

* **EI**, ease of identification (0.25 negligible, 0.5 limited, 0.75 significant, 1 maximum),
  section 3.2: *maximum* when a full name comes with a birth date, a postal address or a national
  identifier, or when a national identifier is present (it designates one person in a national
  register); *significant* for a full name alone or a direct contact identifier (e-mail, phone,
  bank account); *limited* for a birth date with a postcode; *negligible* otherwise. The breach's
  EI is the highest level reached by at least 1 % of its data subjects (a handful of odd rows
  does not make a whole dump identifying).

* **CB**, circumstances of the breach (section 3.3), added: loss of confidentiality 0 (none),
  +0.25 (data exposed to a known number of recipients), +0.5 (to an unknown number: data found
  published, which is how a leak usually reaches this tool); loss of integrity and of
  availability +0.25/+0.5 when stated; malicious intent +0.5. The findings cannot tell whether
  the data was published: when nobody stated it (``Circumstances.exposure`` None), publication
  is *assumed* (+0.5, the worst case, so the severity is never understated) and the document
  says so (``cb.assumed`` lists the factors taken without a statement; the basis and the
  rationale read "assumed ..., to be confirmed"), for the DPO to confirm or correct.

* **Level** (section 4): SE < 2 low; 2 <= SE < 3 medium; 3 <= SE < 4 high; SE >= 4 very high.
"""

from __future__ import annotations

from dataclasses import dataclass

METHOD = ("ENISA 2013, Recommendations for a methodology of the assessment of severity of "
          "personal data breaches: SE = DPC x EI + CB")
EXPOSURE = {"none": 0.0, "limited": 0.25, "published": 0.5}
#: the exposure scored when none was stated (the worst case), shown as an assumption
ASSUMED_EXPOSURE = "published"
LOSS = {"none": 0.0, "partial": 0.25, "full": 0.5}

_SIMPLE = frozenset({"PERSON", "DATE_OF_BIRTH", "FR_NIR", "FR_CNI", "FR_PASSPORT", "PHONE_NUMBER",
                     "EMAIL_ADDRESS", "FR_POSTAL_CODE", "STREET_ADDRESS", "LOCATION", "FR_RPPS",
                     "FR_ADELI"})
_BEHAVIOURAL = frozenset({"IP_ADDRESS", "URL"})
_BANK = frozenset({"IBAN_CODE", "FR_BIC"})
_CARD = frozenset({"CREDIT_CARD"})
_HEALTH_STRONG = frozenset({"HEALTH_CONDITION", "MEDICATION", "PREGNANCY", "LAB_RESULT"})
_NATIONAL_IDS = frozenset({"FR_NIR", "FR_CNI", "FR_PASSPORT"})
_CONTACT_IDS = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD"})
EI_LEVELS = ((1.0, "maximum"), (0.75, "significant"), (0.5, "limited"), (0.25, "negligible"))


@dataclass(frozen=True, slots=True)
class Circumstances:
    """What is known of the breach: ``exposure`` (none | limited | published; None: not stated,
    :data:`ASSUMED_EXPOSURE` is assumed and flagged), ``integrity`` and ``availability`` losses
    (none | partial | full), ``malicious`` intent."""

    exposure: str | None = None
    integrity: str = "none"
    availability: str = "none"
    malicious: bool = False


#: the simple-data adjustment for names with NIRs (see the module docstring)
NIR_ADJUSTMENT = ("+1: NIRs with names: the number gives sex, birth month and place of birth "
                  "and keys health insurance records")


def dpc(entities: set[str], minors: bool, named_nir: bool = False) -> dict:
    """Data processing context: ``{"score", "basis", "adjustments", "per_type"}``.
    ``named_nir``: at least 1 % of the data subjects have a NIR with their name (+1 to simple
    data)."""
    per_type = []
    if entities & _SIMPLE:
        adj = ["+1: minors among the data subjects"] if minors else []
        if named_nir:
            adj.append(NIR_ADJUSTMENT)
        per_type.append(("simple data", 1, adj))
    if entities & _BEHAVIOURAL:
        per_type.append(("behavioural data (online identifiers)", 2, []))
    if entities & _CARD:
        per_type.append(("financial data (payment cards)", 3,
                         ["+1: card numbers could enable fraud"]))
    elif entities & _BANK:
        per_type.append(("financial data (bank accounts)", 3,
                         ["-1: bank account numbers alone give no insight into the financial "
                          "situation"]))
    if "CREDENTIAL" in entities:
        per_type.append(("credentials", 4, []))
    health = {e for e in entities if e in _HEALTH_STRONG or e in ("BLOOD_GROUP", "HEALTH_INSURER")}
    if health & _HEALTH_STRONG:
        per_type.append(("sensitive data (health: diagnoses, results, medication)", 4, []))
    elif "BLOOD_GROUP" in health:
        per_type.append(("sensitive data (health: blood group only)", 4,
                         ["-2: a blood group alone leads to general assumptions only"]))
    elif "HEALTH_INSURER" in health:
        per_type.append(("sensitive data (health: insurer only)", 4,
                         ["-3: the insurer alone gives no substantial insight into health"]))
    if not per_type:
        return {"score": 1, "basis": "no personal data type recognised", "adjustments": [],
                "per_type": []}
    scored = []
    for label, base, adj in per_type:
        delta = sum(int(a.split(":")[0]) for a in adj)
        scored.append({"type": label, "basic": base, "adjustments": adj,
                       "score": max(1, min(4, base + delta))})
    top = max(scored, key=lambda s: s["score"])
    return {"score": top["score"], "basis": top["type"], "adjustments": top["adjustments"],
            "per_type": scored}


def ei_of(entities: set[str]) -> float:
    """Ease of identification of one data subject from the entity types known about them."""
    full_name = "PERSON" in entities
    if entities & _NATIONAL_IDS:
        return 1.0
    if full_name and entities & {"DATE_OF_BIRTH", "STREET_ADDRESS", "FR_POSTAL_CODE"}:
        return 1.0
    if full_name or entities & _CONTACT_IDS:
        return 0.75
    if "DATE_OF_BIRTH" in entities and entities & {"FR_POSTAL_CODE", "LOCATION"}:
        return 0.5
    return 0.25


def ei(combos: dict[frozenset, int], share: float = 0.01) -> dict:
    """The breach's EI from subjects per combination of entity types: the highest level reached
    by at least ``share`` of the subjects."""
    total = sum(combos.values())
    by_level = {lvl: 0 for lvl, _ in EI_LEVELS}
    for ents, n in combos.items():
        by_level[ei_of(set(ents))] += n
    score = 0.25
    for lvl, _name in EI_LEVELS:
        if total and by_level[lvl] / total >= share:
            score = lvl
            break
    name = dict(EI_LEVELS)[score]
    bases = {1.0: "full names with a national identifier, birth date or address",
             0.75: "full names or direct contact identifiers",
             0.5: "birth dates with postcodes", 0.25: "no direct identifier"}
    return {"score": score, "level": name, "basis": bases[score],
            "subjects_by_level": {dict(EI_LEVELS)[k]: v for k, v in by_level.items()}}


def cb(c: Circumstances) -> dict:
    """Circumstances of the breach: ``{"score", "factors", "basis", "assumed"}``; ``assumed``
    names the factors scored without a statement (``["loss_of_confidentiality"]`` when
    ``c.exposure`` is None), empty when everything was stated."""
    assumed = [] if c.exposure is not None else ["loss_of_confidentiality"]
    exposure = c.exposure if c.exposure is not None else ASSUMED_EXPOSURE
    factors = {"loss_of_confidentiality": EXPOSURE[exposure],
               "loss_of_integrity": LOSS[c.integrity],
               "loss_of_availability": LOSS[c.availability],
               "malicious_intent": 0.5 if c.malicious else 0.0}
    basis = {"none": "no loss of confidentiality stated",
             "limited": "data disclosed to a known number of recipients",
             "published": "data found published: unknown number of recipients"}[exposure]
    if assumed:
        basis = ("assumed: data published, unknown number of recipients (not stated; "
                 "to be confirmed)")
    return {"score": sum(factors.values()), "factors": factors, "basis": basis,
            "assumed": assumed}


def level(se: float) -> str:
    if se < 2:
        return "low"
    if se < 3:
        return "medium"
    if se < 4:
        return "high"
    return "very high"


def severity(entities: set[str], combos: dict[frozenset, int], minors: bool,
             circumstances: Circumstances, share: float = 0.01) -> dict:
    """The ``severity`` section of the assessment document; ``combos``: data subjects per
    combination of entity types; ``share``: the part of the subjects a level or an adjustment
    needs (see :func:`ei`)."""
    total = sum(combos.values())
    named = sum(n for ents, n in combos.items() if "PERSON" in ents and "FR_NIR" in ents)
    d = dpc(entities, minors, named_nir=bool(total) and named / total >= share)
    e = ei(combos, share)
    c = cb(circumstances)
    se = round(d["score"] * e["score"] + c["score"], 4)
    return {
        "method": METHOD, "dpc": d, "ei": e, "cb": c, "se": se, "level": level(se),
        "rationale": [
            f"DPC {d['score']}: {d['basis']}" + (f" ({'; '.join(d['adjustments'])})"
                                                   if d["adjustments"] else ""),
            f"EI {e['score']} ({e['level']}): {e['basis']}",
            f"CB {c['score']}: {c['basis']}" + ("; malicious intent" if circumstances.malicious
                                                 else ""),
            f"SE = {d['score']} x {e['score']} + {c['score']} = {se} ({level(se)})",
        ],
    }
