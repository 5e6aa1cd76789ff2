"""Synthetic French medical-lab leak generator with exact ground truth.

``generate(out, patients=..., labs=..., copies=..., seed=...)`` writes ``out/leak/`` (the folder to
scan), ``out/truth.json`` and ``out/labels.jsonl``; the schema is in docs/truth-schema.md.
"""

from __future__ import annotations

from .generator import ENTITY_TYPES, SCHEMA, SynthSummary, generate

__all__ = ["ENTITY_TYPES", "SCHEMA", "SynthSummary", "generate"]
