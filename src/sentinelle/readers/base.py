"""The reader contract (../shared/DESIGN.md, "Contracts").

A reader owns one format and nothing else. It declares ``name`` and ``suffixes``, answers
``sniff(head, path)`` (content beats extension) and ``read(source)`` yields units:

* :class:`TextUnit`: decoded text with the offset of its first character in the decoded source,
  so findings carry offsets in the whole decoded file even when a big file comes in chunks.
* :class:`TableUnit`: one table (a CSV file, a JSON array of records, a sheet): its header and an
  iterator of :class:`TableBatch` (column-major lists of cell strings, ``None`` for a missing
  cell). The pipeline classifies the columns once, from the first batch, then validates whole
  columns. (DESIGN.md plans Arrow record batches; plain lists are used until issue 6 brings the
  vectorised path. The map says so.)

* :class:`MemberUnit`: a member of a container (archive member, mail attachment) to be scanned as
  a source of its own. Containers are readers like any other: the reader owns the format only
  (listing members, decompressing), the scanner owns everything around it (DESIGN.md): it copies
  the member's bytes into a seekable spool (memory, then a private temp file, always removed),
  counts the bytes actually produced against the size, ratio, count and depth limits of
  :class:`~sentinelle.config.Config`, then picks a reader for the spooled member by its content
  and recurses. The member's display path is ``container!name`` (``a.zip!b.tar.gz!c.csv``).

A corrupt input raises :class:`sentinelle.errors.ReadError` with a one-line reason and, when known,
a position; the scanner records it as an issue and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, ClassVar, Iterator, Union

from sentinelle.finding import Location


@dataclass(frozen=True, slots=True)
class Source:
    """Something that can be opened: a file on disk, or a container member spooled by the scanner.

    ``display``: path relative to the scanned root, as written in findings (``a.zip!b/c.csv`` for
    a member). ``size`` in bytes. ``open()`` returns a new binary stream at position 0 each time;
    it is seekable for files and members alike. ``fs_path`` is None for members (a reader that
    needs a path must copy the stream to a temporary file of its own and remove it).
    """

    display: str
    size: int
    opener: Callable[[], BinaryIO] = field(repr=False, compare=False)
    fs_path: Path | None = None

    def open(self) -> BinaryIO:
        return self.opener()


@dataclass(frozen=True, slots=True)
class TextUnit:
    """Decoded text. ``offset``: index of ``text[0]`` in the whole decoded source."""

    text: str
    location: Location
    offset: int = 0


@dataclass(frozen=True, slots=True)
class TableBatch:
    """Rows ``first_row .. first_row + n_rows - 1`` (0-based data rows) in column-major order."""

    first_row: int
    columns: list[list[str | None]]

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


@dataclass(slots=True)
class TableUnit:
    """A table: ``header`` (column names, BOM stripped), optional ``hints``, and its batches,
    read lazily once.

    The batches must be consumed before the next unit is requested from the reader: readers
    keep the file open inside their ``read`` generator.
    """

    location: Location
    header: tuple[str, ...]
    batches: Iterator[TableBatch]
    #: per column, an optional standard meaning used instead of the header to classify it
    #: (``PID-7`` hinted ``date_of_birth``); the header stays the finding's ``column``
    hints: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberUnit:
    """A member of a container, scanned by the scanner as a source named ``container!name``.

    ``name``: the member's path inside the container, normalised for display only (never used as
    a file-system path). ``opener``: returns a readable binary stream of the member's bytes (it
    may be read only until the next unit is requested: streaming containers); a low-level failure
    while reading it raises :class:`~sentinelle.errors.ReadError`. ``packed``: compressed bytes of
    this member alone when the format says so (ZIP), for the compression-ratio limit; None when
    members share one compressed stream. ``solid``: True when members share one compressed
    stream (compressed TAR, 7z, a single gzip file), so abandoning a member means the rest of the
    container cannot be reached cheaply: the scanner then stops the container. ``problem``: when
    set, the member is not read and this one-line reason is recorded as an error issue
    (``"encrypted member, not scanned"``); ``opener`` is then None.
    """

    name: str
    opener: Callable[[], BinaryIO] | None = field(default=None, repr=False, compare=False)
    packed: int | None = None
    solid: bool = False
    problem: str | None = None


Unit = Union[TextUnit, TableUnit, MemberUnit]


@dataclass(frozen=True, slots=True)
class ReadStats:
    """What a reader saw, for the summary table: data rows, columns, decoded characters."""

    rows: int = 0
    columns: int = 0
    chars: int = 0
    encoding: str | None = None


class Reader:
    """Base class of readers. ``read`` is a generator; ``stats`` is filled as it goes."""

    name: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()

    def sniff(self, head: bytes, path: str) -> bool:
        """True when this reader can read a source starting with ``head`` (first 64 KiB)."""
        raise NotImplementedError

    def read(self, source: Source, stats: dict) -> Iterator[Unit]:
        """Yield units of ``source``; update ``stats`` keys ``rows``, ``columns``, ``chars``,
        ``encoding`` as the source is read. Raises :class:`ReadError` on corrupt input."""
        raise NotImplementedError
