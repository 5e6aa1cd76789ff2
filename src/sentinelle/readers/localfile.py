"""A path on disk for readers whose library needs one (calamine, Parquet/Arrow files, SQLite).

:func:`local_path` gives the source's own file when it has one (``Source.fs_path``) and, when
the library picks the format from the file name, the name ends with the wanted suffix. Otherwise
it makes a private temporary folder (``tempfile.mkdtemp``: mode 0700, under ``$TMPDIR``) holding
a symbolic link to the file (when a suffix is needed) or a copy of the source's bytes (an archive
member, 0600), and removes the folder when the ``with`` block ends, whatever happens inside.
The input is never modified.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sentinelle.readers.base import Source

COPY_CHUNK = 1 << 20


@contextmanager
def local_path(source: Source, suffix: str = "") -> Iterator[Path]:
    """Yield a readable path holding ``source``'s bytes, named ``*{suffix}`` when given."""
    own = source.fs_path
    if own is not None and (not suffix or own.suffix.lower() == suffix):
        yield own
        return
    folder = Path(tempfile.mkdtemp(prefix="sentinelle-"))
    try:
        target = folder / f"source{suffix}"
        linked = False
        if own is not None:
            try:
                target.symlink_to(os.path.abspath(own))
                linked = True
            except OSError:  # no symbolic links here (some Windows setups): copy instead
                pass
        if not linked:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out, source.open() as src:
                shutil.copyfileobj(src, out, COPY_CHUNK)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)
