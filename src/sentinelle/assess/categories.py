"""GDPR data categories per data subject, and their combinations.

Each entity label maps to a category through :mod:`sentinelle.entities` (``identification``,
``contact``, ``national_identifier``, ``financial``, ``health`` -- special category of GDPR art.
9 --, ``location``, ...). A subject's entity types are those found in their records (the row or
section fields that are theirs: a professional's RPPS number is the professional's, not the
patient's). Dates that are not birth dates (category ``other``) and organisation identifiers are
left out of the combinations.
"""

from __future__ import annotations

from collections import Counter

from sentinelle.entities import ENTITIES, Category

from .records import ENTITY_ORDER

#: how a category reads in a combination label
LABELS = {
    "identification": "identity", "contact": "contact details",
    "national_identifier": "national identifier", "financial": "bank or card data",
    "health": "health data", "location": "address", "online_identifier": "online identifiers",
    "credentials": "credentials", "organisation": "organisation", "other": "other",
}
#: label of an entity inside a combination, finer than its category where it matters
ENTITY_LABELS = {"PERSON": "name", "DATE_OF_BIRTH": "birth date", "FR_NIR": "NIR"}
_SKIP = {Category.OTHER.value, Category.ORGANISATION.value}
#: order of categories in a combination
CAT_ORDER = ("identification", "national_identifier", "contact", "location", "financial",
             "online_identifier", "credentials", "health", "organisation", "other")


def _cat_rank(cat: str) -> int:
    return CAT_ORDER.index(cat) if cat in CAT_ORDER else len(CAT_ORDER)


def entities_of(mask: int) -> frozenset[str]:
    return frozenset(label for i, label in enumerate(ENTITY_ORDER) if mask >> i & 1)


def combination_label(cats: tuple[str, ...], ents: frozenset[str]) -> str:
    """"name + birth date + NIR + health data" style label (``cats`` in :data:`CAT_ORDER`)."""
    parts = []
    for cat in cats:
        fine = [ENTITY_LABELS[e] for e in ENTITY_LABELS
                if e in ents and ENTITIES[e].category.value == cat]
        parts.extend(fine or [LABELS.get(cat, cat)])
    return " + ".join(parts)


def summarise(subject_masks: list[tuple[str, int]], entity_counts: dict[str, int],
              top: int = 12) -> dict:
    """``categories``, ``combinations`` and ``entities`` sections from ``(role, mask)`` per
    subject, or ``(role, mask, subjects)`` per distinct mask (what SQL's ``GROUP BY`` gives: a
    few hundred rows for millions of subjects), and findings per entity label."""
    cat_subjects: Counter[str] = Counter()
    ent_subjects: Counter[str] = Counter()
    combos: Counter[tuple] = Counter()
    ent_combos: Counter[frozenset] = Counter()
    for row in subject_masks:
        mask, n = row[1], (row[2] if len(row) > 2 else 1)
        ents = entities_of(mask)
        ent_combos[ents] += n
        for e in ents:
            ent_subjects[e] += n
        cats = {ENTITIES[e].category.value for e in ents}
        for c in cats:
            cat_subjects[c] += n
        shown = tuple(sorted((c for c in cats if c not in _SKIP), key=_cat_rank))
        fine = frozenset(e for e in ents if e in ENTITY_LABELS)
        if shown:
            combos[(shown, fine)] += n
    by_cat: dict[str, dict] = {}
    for label, n in entity_counts.items():
        info = ENTITIES.get(label)
        if info is None:
            continue
        c = by_cat.setdefault(info.category.value, {
            "category": info.category.value, "special_category": False, "entities": [],
            "subjects": cat_subjects.get(info.category.value, 0), "findings": 0})
        c["entities"].append(label)
        c["findings"] += n
        c["special_category"] = c["special_category"] or info.special_category
    categories = sorted(by_cat.values(), key=lambda c: (-c["subjects"], c["category"]))
    for c in categories:
        c["entities"].sort()
    merged: Counter[tuple] = Counter()
    for (cats, fine), n in combos.items():
        merged[(cats, combination_label(cats, fine))] += n
    combinations = [{"categories": list(cats), "label": label, "subjects": n}
                    for (cats, label), n in merged.most_common(top)]
    entities = [{"entity_type": label, "category": ENTITIES[label].category.value,
                 "special_category": ENTITIES[label].special_category, "findings": n,
                 "subjects": ent_subjects.get(label, 0)}
                for label, n in sorted(entity_counts.items(), key=lambda t: -t[1])
                if label in ENTITIES]
    return {"categories": categories, "combinations": combinations, "entities": entities,
            "entity_combinations": ent_combos}
