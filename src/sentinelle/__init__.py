"""sentinelle: find, measure and neutralise personal and health data.

Public API (Presidio-like)::

    import sentinelle
    findings = sentinelle.scan_text("Né le 12/03/1985, NIR 1 85 03 75 114 062 85")
    result = sentinelle.scan(["leak/"])          # ScanResult: findings, files, issues
    for f in result.findings:
        print(f.entity_type, f.location.path, f.location.row, f.start, f.end, f.score, f.masked)
"""

from sentinelle.config import Config, load_config
from sentinelle.errors import (ConfigError, KeyFileError, ReadError, SentinelleError, StoreError,
                               TruthError)
from sentinelle.finding import Evidence, Finding, Location, Validation

__version__ = "0.1.0"


def scan(paths, config=None, *, entities=None, min_score=None, jobs=1):
    """Scan files and folders; see :func:`sentinelle.scanner.scan`."""
    from sentinelle.scanner import scan as _scan
    return _scan(paths, config, entities=entities, min_score=min_score, jobs=jobs)


def scan_text(text, *, entities=None, min_score=None, config=None, language="fr"):
    """Findings in one string; see :func:`sentinelle.scanner.scan_text`."""
    from sentinelle.scanner import scan_text as _scan_text
    return _scan_text(text, entities=entities, min_score=min_score, config=config, language=language)


__all__ = sorted([
    "Config", "ConfigError", "Evidence", "Finding", "KeyFileError", "Location", "ReadError",
    "SentinelleError", "StoreError", "TruthError", "Validation", "load_config", "scan",
    "scan_text", "__version__",
])
