"""Synthetic French medical-lab leak generator with exact ground truth.

``generate(out, patients=..., labs=..., copies=..., seed=...)`` writes ``out/leak/`` (the folder to
scan), ``out/truth.json`` and ``out/labels.jsonl``; the schema is in docs/truth-schema.md.

The generator is imported on first use (PEP 562 module ``__getattr__``): the redaction imports the
small fake helpers of this package (``patient_numbers``, ``consistent``) without loading it.
"""

from __future__ import annotations

__all__ = ["ENTITY_TYPES", "SCHEMA", "SynthSummary", "generate"]


def __getattr__(name: str):
    if name in __all__:
        from . import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
