"""Folders of the files sentinelle writes (``--findings``, ``--output``, ``--json``, ``--html``,
``--notification``, ``redact --out`` and ``--report``, key files).

Team rule (session 7): every output option creates the missing folders of its path, each with
mode 0700 (owner only: what is written there describes personal data, or is a key). Folders
that already exist are left as they are. ``Path.mkdir(parents=True, mode=...)`` is not enough:
it gives ``mode`` to the last folder only, the parents get the default 0777 minus the umask
(0755 with the usual umask; Python documentation of ``pathlib.Path.mkdir``).

Folders are made only for the path the system would reach: ``out/stray/../f.jsonl`` is
``out/f.jsonl`` (:func:`normal_path`), no empty ``stray/`` is left behind (session 7 review).
"""

from __future__ import annotations

import os
from pathlib import Path

#: mode of every folder sentinelle creates (the umask may remove more bits, never add any)
FOLDER_MODE = 0o700


def normal_path(path: str | os.PathLike) -> Path:
    """``path`` with ``.`` parts dropped and each ``missing/..`` pair removed, where ``missing``
    does not exist (so it is no symbolic link and the lexical ``..`` is the system's ``..``);
    a ``..`` after an existing part is kept, the system resolves it (POSIX.1-2017, 4.13
    Pathname Resolution: ``..`` is taken from the folder actually reached, which a lexical
    :func:`os.path.normpath` gets wrong after a symbolic link). Nothing is created.

    ``Path("out/stray/../f.jsonl")`` -> ``Path("out/f.jsonl")`` when ``out/stray`` is missing."""
    path = Path(path)
    anchor = path.anchor
    parts: list[str] = []
    missing = 0  # how many of the last parts do not exist
    for part in path.parts[1:] if anchor else path.parts:
        if part == ".":
            continue
        if part == ".." and missing:
            parts.pop()
            missing -= 1
            continue
        parts.append(part)
        if missing or not os.path.lexists(os.path.join(anchor, *parts)):
            missing += 1
    return Path(anchor, *parts) if (anchor or parts) else Path(".")


def make_folders(folder: str | os.PathLike) -> list[Path]:
    """Create ``folder`` (taken as :func:`normal_path` gives it) and its missing parents, each
    with mode :data:`FOLDER_MODE`; return the folders created, outermost first (an existing
    folder: ``[]``). A caller then writes to the :func:`normal_path` of its path: the system
    cannot reach ``missing/..`` (``missing`` is not created).

    Raises :class:`OSError` as :func:`os.mkdir` does: ``NotADirectoryError`` when a part of the
    path is a file, ``PermissionError`` when a parent may not be written."""
    folder = normal_path(folder)
    missing: list[Path] = []
    probe = folder
    while not os.path.lexists(probe):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    made: list[Path] = []
    for path in reversed(missing):
        try:
            os.mkdir(path, FOLDER_MODE)
        except FileExistsError:  # made by another process meanwhile
            if not path.is_dir():
                raise
            continue
        made.append(path)
    if not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))
    return made


def nearest_existing(path: str | os.PathLike) -> Path:
    """``path`` (as :func:`normal_path` gives it) when it exists, else its nearest existing
    parent (``.`` for a relative path whose first part is missing)."""
    probe = normal_path(path)
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    return probe if str(probe) else Path(".")


__all__ = ["FOLDER_MODE", "make_folders", "nearest_existing", "normal_path"]
