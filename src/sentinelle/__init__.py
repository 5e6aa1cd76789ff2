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
    """Scan files and folders; return every finding and a report per file.

    Args:
        paths: a path (``str`` or :class:`pathlib.Path`) or an iterable of paths: files and
            folders (walked recursively; hidden entries and symbolic links skipped unless
            ``config`` says otherwise, archives opened up to ``config.max_depth`` levels).
        config: a :class:`Config` (default ``Config()``); ``entities`` and ``min_score``
            override its fields of the same name.
        entities: labels to report (``None``: those of ``config``, every label by default):
            an iterable of labels (``["FR_NIR", "PERSON"]``) or a comma-separated string
            (``"fr_nir,person"``), any case, the rule of the CLI's ``--entities``
            (:func:`sentinelle.entities.parse_labels`; ``sentinelle entities`` lists them).
        min_score: drop findings scored below this, in [0, 1] (``None``: ``config.min_score``,
            0.5 by default).
        jobs: worker processes (1: everything in this process); same result whatever ``jobs``.

    Returns:
        A :class:`~sentinelle.scanner.ScanResult`: ``findings`` (list of :class:`Finding`:
        ``entity_type``, ``location`` (``path``, ``row``, ``column``), ``start``/``end``
        character offsets in the cell or text, ``score`` in [0, 1], ``validation``,
        ``masked``; the raw ``value`` is kept in memory only, :meth:`Finding.to_record` gives
        the masked record), ``files`` (one :class:`~sentinelle.scanner.FileReport` per file:
        reader, size, rows, columns, counts, ``issue``), ``issues`` (files not read whole) and
        ``counts`` (findings per label). As ``sentinelle scan``, personal data in file and
        folder names is reported too: findings with ``location.column == "(file name)"`` and
        offsets in ``location.path`` (each folder once; docs/findings-schema.md).

    Raises:
        ValueError: an unknown entity label (the message names it and lists the valid ones),
            ``min_score`` outside [0, 1], or an empty path ``""`` (not the current folder).
        ConfigError: a detector option that cannot be honoured (``config.ner = "always"``
            without spaCy).
        A path that is missing or cannot be read is not raised: it is an ``error`` issue in
        ``result.files`` (a bad file never stops the scan).

    Example::

        >>> _ = Path("leak/a.txt").write_text("NIR 2 95 10 99 126 111 93\n")  # in leak/
        >>> result = sentinelle.scan("leak", entities=["FR_NIR"])
        >>> result.counts, result.issues
        ({'FR_NIR': 1}, [])
        >>> [(f.location.path, f.start, f.end, f.masked) for f in result.findings]
        [('a.txt', 4, 25, '2 ** ** ** *** *** 93')]
    """
    from sentinelle.scanner import scan as _scan
    return _scan(paths, config, entities=entities, min_score=min_score, jobs=jobs)


def scan_text(text, *, entities=None, min_score=None, config=None, language="fr"):
    """Findings in one string, like Presidio's ``AnalyzerEngine.analyze(text, language,
    entities, score_threshold)``.

    Args:
        text: the string to analyse.
        entities: labels to report (``None``: those of ``config``, every label by default):
            an iterable of labels (``["FR_NIR"]``) or a comma-separated string
            (``"fr_nir,person"``), any case, the rule of the CLI's ``--entities``
            (:func:`sentinelle.entities.parse_labels`; ``sentinelle entities`` lists them).
        min_score: drop findings scored below this, in [0, 1] (``None``: ``config.min_score``,
            0.5 by default).
        config: a :class:`Config` (default ``Config()``).
        language: accepted for Presidio compatibility; the detectors read French and English
            context words together, whatever its value.

    Returns:
        A list of :class:`Finding`, in text order: ``entity_type`` (label), ``start`` and
        ``end`` (character offsets in ``text``, end exclusive), ``score`` (in [0, 1]),
        ``validation`` (e.g. a checksum passed), ``masked`` (the value masked); the raw
        ``value`` is kept in memory only and never shown by ``repr``. Empty when nothing is
        found.

    Raises:
        ValueError: an unknown entity label (the message names it and lists the valid
            ones; it used to select no detector and return ``[]`` silently), or
            ``min_score`` outside [0, 1].
        TypeError: ``text`` is not a ``str`` (bytes: decode them first).
        ConfigError: a detector option that cannot be honoured (``config.ner = "always"``
            without spaCy).

    Example (the NIR of python-stdnum's documentation; its key 93 = 97 - 2951099126111
    mod 97)::

        >>> [f] = sentinelle.scan_text("NIR : 2 95 10 99 126 111 93", entities=["FR_NIR"])
        >>> f.entity_type, f.start, f.end, f.score
        ('FR_NIR', 6, 27, 1.0)
        >>> sentinelle.scan_text("x", entities=["NOPE"])
        Traceback (most recent call last):
        ValueError: unknown entity type: NOPE; valid labels: PERSON, DATE_OF_BIRTH, ...
    """
    from sentinelle.scanner import scan_text as _scan_text
    return _scan_text(text, entities=entities, min_score=min_score, config=config, language=language)


__all__ = sorted([
    "Config", "ConfigError", "Evidence", "Finding", "KeyFileError", "Location", "ReadError",
    "SentinelleError", "StoreError", "TruthError", "Validation", "load_config", "scan",
    "scan_text", "__version__",
])
