"""The exception tree of sentinelle.

::

    SentinelleError              base class; never raised itself
    ├── ConfigError              a configuration value or file is invalid (all problems listed)
    ├── KeyFileError             the HMAC key cannot be read or created safely
    ├── ReadError                a source cannot be decoded by its reader (corrupt, binary,
    │                            truncated, unreadable); the scanner records it as an issue and
    │                            goes on with the next source
    ├── StoreError               the embedded DuckDB store cannot be opened or written
    └── TruthError               a ground-truth or findings file given to ``evaluate`` is malformed

Every message is one line and names the file (and position when known). No message carries a raw
value found in the data.
"""

from __future__ import annotations


class SentinelleError(Exception):
    """Base class of every error raised on purpose by sentinelle."""


class ConfigError(SentinelleError):
    """Raised when a configuration value or file is invalid; the message lists every problem."""


class KeyFileError(SentinelleError):
    """Raised when the HMAC key file cannot be read, has unsafe permissions or cannot be created."""


class ReadError(SentinelleError):
    """Raised by a reader when a source cannot be decoded.

    ``path`` is the display path of the source, ``position`` an optional human-readable position
    (``"byte 1024"``, ``"line 12"``), ``reason`` one line without any data value.
    """

    def __init__(self, path: str, reason: str, position: str | None = None):
        self.path = path
        self.reason = reason
        self.position = position
        where = f"{path}:{position}" if position else path
        super().__init__(f"{where}: {reason}")


class StoreError(SentinelleError):
    """Raised when the embedded DuckDB store cannot be opened, migrated or written."""


class TruthError(SentinelleError):
    """Raised when a ground-truth or findings file given to ``evaluate`` is malformed."""


class OutputError(SentinelleError):
    """Raised when an output file (``--findings``, ``--output``, ``--json``, ...) cannot be
    written: a folder in its place, a missing permission, a full disk. One line, the path and
    the system's reason; nothing half-written is left."""
