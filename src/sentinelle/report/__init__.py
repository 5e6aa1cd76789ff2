"""Renderers: JSON summary and SARIF for ``scan`` (presentation only; no detection here)."""
