"""Folders of the files sentinelle writes (``--findings``, ``--output``, ``--json``, ``--html``,
``--notification``, ``redact --out`` and ``--report``, key files).

Team rule (session 7): every output option creates the missing folders of its path, each with
mode 0700 (owner only: what is written there describes personal data, or is a key). Folders
that already exist are left as they are. ``Path.mkdir(parents=True, mode=...)`` is not enough:
it gives ``mode`` to the last folder only, the parents get the default 0777 minus the umask
(0755 with the usual umask; Python documentation of ``pathlib.Path.mkdir``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: mode of every folder sentinelle creates (the umask may remove more bits, never add any)
FOLDER_MODE = 0o700


def make_folders(folder: str | os.PathLike) -> list[Path]:
    """Create ``folder`` and its missing parents, each with mode :data:`FOLDER_MODE`; return the
    folders created, outermost first (an existing folder: ``[]``).

    Raises :class:`OSError` as :func:`os.mkdir` does: ``NotADirectoryError`` when a part of the
    path is a file, ``PermissionError`` when a parent may not be written."""
    folder = Path(folder)
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
    """``path`` itself when it exists, else its nearest existing parent (``.`` for a relative
    path whose first part is missing)."""
    probe = Path(path)
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    return probe if str(probe) else Path(".")


__all__ = ["FOLDER_MODE", "make_folders", "nearest_existing"]
