"""The entity catalogue as rows: label, what it finds, detectors, validation and rule source.

Presentation only: the facts come from :data:`sentinelle.entities.ENTITIES` and the class
attributes of the registered detectors (``validation_rule``, ``rule_source``). Used by
``sentinelle entities`` (table, JSON, Markdown) and by the generated table in docs/entities.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sentinelle.detectors import BUILTIN
from sentinelle.entities import ENTITIES


@dataclass(frozen=True, slots=True)
class EntityRow:
    label: str
    category: str
    special_category: bool
    description: str
    detectors: str
    validation: str
    source: str

    def to_record(self) -> dict:
        return asdict(self)


def entity_rows() -> list[EntityRow]:
    """One row per label of ENTITIES, in table order; detectors joined with ``; ``."""
    rows = []
    for label, info in ENTITIES.items():
        classes = [c for c in BUILTIN if label in (c.entities or (c.entity,))]
        rows.append(EntityRow(
            label=label,
            category=info.category.value,
            special_category=info.special_category,
            description=info.description,
            detectors="; ".join(c.name for c in classes) or "-",
            validation="; ".join(dict.fromkeys(c.validation_rule for c in classes if c.validation_rule)) or "-",
            source="; ".join(dict.fromkeys(c.rule_source for c in classes if c.rule_source)) or "-",
        ))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(rows: list[EntityRow]) -> str:
    """A GitHub-flavoured Markdown table of ``rows``, ending with a newline."""
    out = ["| label | category | art. 9 | what it finds | detector | validation | source |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append("| " + " | ".join(_cell(x) for x in (
            r.label, r.category, "yes" if r.special_category else "", r.description,
            r.detectors, r.validation, r.source)) + " |")
    return "\n".join(out) + "\n"
