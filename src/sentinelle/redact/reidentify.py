"""Reverse reversible pseudonyms: ``sentinelle reidentify``.

Only values that a policy marked ``reversible = true`` can be given back: they were written as
``PSN:<ENTITY>:<token>`` tokens, deterministic AES-SIV encryption under the user's key
(:mod:`sentinelle.redact.crypto`). No lookup table of raw values exists anywhere; the key is the
only way back. The files are rewritten by the same writers as ``redact`` (format kept); tokens
are found in every cell and text of a file, whatever detectors would say about it.

Every run appends one line to a log (``$XDG_STATE_HOME/sentinelle/reidentify.log``, default
``~/.local/state/sentinelle/reidentify.log``, or ``--log FILE``): UTC time, user, host, the input
paths, the output folder, files written and tokens reversed. No value is ever logged.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from sentinelle.config import Config
from sentinelle.finding import Evidence, Finding, Location
from sentinelle.readers.base import TableUnit
from sentinelle.redact.crypto import TOKEN_RE, TokenCipher, TokenError
from sentinelle.redact.policy import OperatorSpec, Policy

LOG_ENV = "XDG_STATE_HOME"


def default_log() -> Path:
    base = os.environ.get(LOG_ENV) or str(Path.home() / ".local" / "state")
    return Path(base) / "sentinelle" / "reidentify.log"


class TokenPipeline:
    """Stands in for the scan pipeline: finds ``PSN:`` tokens in text and table cells."""

    def __init__(self, config: Config):
        self.config = config
        self.detectors = ()

    def analyze_text(self, text: str, location: Location, offset: int = 0) -> list[Finding]:
        return [Finding("PSN", m.start() + offset, m.end() + offset, 1.0, location,
                        evidence=Evidence("psn.token"), value=m.group(), normalized=m.group())
                for m in TOKEN_RE.finditer(text)]

    def analyze_table(self, unit: TableUnit) -> Iterator[list[Finding]]:
        loc = unit.location
        for batch in unit.batches:
            out = []
            for j, column in enumerate(batch.columns):
                name = unit.header[j]
                for i, value in enumerate(column):
                    if value and "PSN:" in value:
                        cell = Location(loc.path, batch.first_row + i, name, loc.sheet)
                        out.extend(self.analyze_text(value, cell))
            yield out


class Decryptor:
    """Stands in for the operators: every ``PSN`` finding is decrypted."""

    def __init__(self, key: bytes):
        self._cipher = TokenCipher(key)
        self.policy = Policy("reidentify", OperatorSpec("keep"))
        self.levels: dict = {}
        self.fallbacks = 0
        self.reversed = 0  # tokens decrypted
        self.undecryptable = 0  # tokens that do not decrypt with this key

    def spec(self, entity: str) -> OperatorSpec:
        return OperatorSpec("keep")

    def apply(self, target) -> str:
        try:
            value = self._cipher.decrypt(target.text)
        except TokenError:
            self.undecryptable += 1
            raise
        self.reversed += 1
        return value


@dataclass(frozen=True)
class Reversal:
    """What a :func:`reidentify` run did: ``files`` (one
    :class:`~sentinelle.redact.engine.FileResult` each), ``tokens`` reversed in the files
    written, and ``undecryptable``: tokens that did not decrypt with the key given."""

    files: list
    tokens: int
    undecryptable: int

    @property
    def key_mismatch(self) -> bool:
        """True when tokens were found and none decrypts: the key is not the one of ``redact``."""
        return self.undecryptable > 0 and self.tokens == 0

    def __iter__(self):  # ``files, tokens = reidentify(...)`` as before
        return iter((self.files, self.tokens))


def reidentify(paths: Sequence[str | Path], out: str | Path, key: bytes, *,
               config: Config | None = None, log: Path | None = None):
    """Write ``paths`` into ``out`` with every ``PSN:`` token decrypted; append the log line.

    Returns a :class:`Reversal` (unpacks as ``(files, tokens)``): the
    :class:`~sentinelle.redact.engine.FileResult` list, the number of tokens reversed in the
    files written (a file that fails counts none) and of tokens that did not decrypt. A token
    that does not decrypt with this key fails its file (nothing written for it)."""
    from sentinelle.privacy import KeyedHasher
    from sentinelle.redact.engine import RedactError, Run, plan, redact_file

    config = config or Config()
    paths = [Path(p) for p in paths]
    out = Path(out)
    planned, refused = plan(paths, out, config)
    from sentinelle.outputs import make_folders

    try:
        make_folders(out)  # mode 0700, its missing parents too
    except OSError as exc:
        raise RedactError(f"cannot write {out}: {exc.strerror or type(exc).__name__}") from None
    decryptor = Decryptor(key)
    run = Run(config, TokenPipeline(config), decryptor, KeyedHasher(key), {})
    files = list(refused)
    tokens = 0
    for item in planned:
        before = decryptor.reversed
        res = redact_file(item, out, run)
        files.append(res)
        if res.status == "written":
            tokens += decryptor.reversed - before
    _log(log or default_log(), paths, out, files, tokens)
    return Reversal(files, tokens, decryptor.undecryptable)


def _log(path: Path, paths, out: Path, files, tokens: int) -> None:
    from sentinelle.outputs import make_folders

    make_folders(path.parent)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    record = {
        "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "event": "reidentify", "user": user, "host": socket.gethostname(),
        "inputs": [str(p) for p in paths], "output": str(out),
        "files_written": sum(1 for f in files if f.status == "written"),
        "files_failed": sum(1 for f in files if f.status == "error"),
        "tokens_reversed": tokens,
    }
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
