"""Scan configuration: a frozen dataclass, passed in (never global), loadable from TOML.

Every field has a default; :func:`load_config` reads a TOML file whose keys are the field names
(``[scan]`` table or top level) and reports every problem at once in one :class:`ConfigError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from sentinelle.errors import ConfigError

#: values of ``Config.ner``
NER_MODES = ("never", "auto", "always")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one scan.

    * ``entities``: labels to report (None: all registered).
    * ``min_score``: findings below it are dropped (0-1). Checksum-invalid identifiers score 0.3.
    * ``sample_rows``: values sampled per column to classify it (from the first batch).
    * ``batch_rows``: rows per table batch read at once (bounds memory).
    * ``text_chunk_chars``: characters per text unit for big text files (cut at a line end).
    * ``follow_symlinks``: follow symbolic links while walking folders (loops are detected).
    * ``include_hidden``: also walk files and folders whose name starts with a dot.
    * ``max_file_bytes``: files larger than this are skipped with an issue (0: no limit).
    * ``chunk_bytes``: with several worker processes (``--jobs``), a plain-text, delimited or
      JSON file larger than this is read once by the main process and its units sent to the
      workers in pieces of about ``chunk_bytes // 8`` characters (0: never split a file; see
      :func:`sentinelle.scanner.iter_items`; plain text is split from 2 MiB, in pieces of
      1 MiB: ``scanner.SPLIT_TEXT_BYTES``). 64 MiB by default.
    * ``ner``: the spaCy second opinion on PERSON (detectors/person_ner.py): ``never``,
      ``auto`` (text units with a cue: a title, a name-like pair, a person context word) or
      ``always``; needs ``pip install 'sentinelle[ner]'``.

    Containers (archives, compressed files, mail attachments; see readers/archive.py). The limits
    count the bytes actually produced while decompressing, never the sizes an archive declares;
    a limit reached gives one ``skipped`` issue and the scan goes on with the next member or file:

    * ``max_depth``: nested container levels opened (``a.zip!b.tar.gz!c.csv`` is 2 levels); a
      container deeper than this is not opened. 0: containers are not opened at all. 5 by
      default: real exports nest 2 or 3 levels; a deeper nest is rather an archive quine.
    * ``max_archive_bytes``: bytes produced by all the members of one file on disk, nested ones
      included (0: no limit). 16 GiB by default, far above a lab's whole export.
    * ``max_member_bytes``: bytes produced by one member (0: no limit); also bounds the
      temporary disk used, at most ``max_depth`` such members at once. 4 GiB by default.
    * ``max_archive_ratio``: compression ratio (bytes produced / compressed bytes) above which a
      member, or a container as a whole, is a suspected bomb (0: no check). Checked once 8 MiB
      have been produced. 100 by default: deflate itself cannot exceed 1032:1; text and CSV
      exports compress far less, while zeros and repeated blocks go past 100:1.
    * ``max_archive_members``: members opened under one file on disk, nested ones included
      (0: no limit). 100,000 by default.
    """

    entities: tuple[str, ...] | None = None
    min_score: float = 0.5
    sample_rows: int = 200
    batch_rows: int = 5000
    text_chunk_chars: int = 1 << 20
    follow_symlinks: bool = False
    include_hidden: bool = False
    max_file_bytes: int = 0
    chunk_bytes: int = 64 << 20
    ner: str = "never"
    exclude: tuple[str, ...] = field(default=(".git", ".sentinelle", "__pycache__", ".venv"))
    max_depth: int = 5
    max_archive_bytes: int = 16 << 30
    max_member_bytes: int = 4 << 30
    max_archive_ratio: int = 100
    max_archive_members: int = 100_000

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)


def load_config(path: Path) -> Config:
    """The :class:`Config` of the TOML file ``path`` (its ``[scan]`` table, or the top level).

    Keys are the fields of :class:`Config` (``entities``, ``exclude``: lists of strings;
    ``min_score``: a number in [0, 1]; ``ner``: never, auto or always; ``include_hidden``,
    ``follow_symlinks``: booleans; the others non-negative integers); missing keys keep their
    defaults. Raises :class:`ConfigError` (one line, naming ``path``) when the file cannot be
    read, is not TOML, or lists every unknown key and invalid value. Entity labels are checked
    by their users (:func:`sentinelle.scan`, the CLI): an unknown one raises there.

    Example::

        >>> # sentinelle.toml: [scan] entities = ["FR_NIR"]  min_score = 0.8
        >>> sentinelle.load_config(Path("sentinelle.toml")).entities
        ('FR_NIR',)
    """
    import tomllib  # here: only a run with a config file pays for it (issue 6, start-up)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    data = data.get("scan", data)
    known = {f.name: f for f in fields(Config)}
    problems: list[str] = []
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(f"unknown key {key!r}")
            continue
        if key in ("entities", "exclude"):
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(f"{key} must be a list of strings")
                continue
            value = tuple(value)
        elif key == "min_score":
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                problems.append("min_score must be a number between 0 and 1")
                continue
            value = float(value)
        elif key == "ner":
            if value not in NER_MODES:
                problems.append("ner must be one of never, auto, always")
                continue
        elif key in ("follow_symlinks", "include_hidden"):
            if not isinstance(value, bool):
                problems.append(f"{key} must be true or false")
                continue
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a non-negative integer")
            continue
        values[key] = value
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return Config(**values)
