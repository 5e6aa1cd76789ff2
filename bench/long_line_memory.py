"""Memory and time of the text reader on one very long line (issue 4: "a 200 MB single-line
file must not blow memory").

The line is generated on the fly by a raw stream (nothing is written to disk), so the figure is
the reader's own footprint: decoder blocks of 1 MiB, a buffer of at most 4 x text_chunk_chars
plus one block, and the unit handed out. Prints peak traced Python memory, peak RSS and speed.

    .venv/bin/python bench/long_line_memory.py            # 200 MB of words, no line end
    .venv/bin/python bench/long_line_memory.py --mb 50 --no-spaces
"""

from __future__ import annotations

import argparse
import io
import resource
import time
import tracemalloc

from sentinelle.readers.base import Source
from sentinelle.readers.text import TextReader


class LongLine(io.RawIOBase):
    """``total`` bytes of one line: repeated words (or one letter with --no-spaces)."""

    def __init__(self, total: int, spaces: bool):
        self._left = total
        word = "Lefèvre 2 95 10 99 126 111 93 née le 12/03/1985 " if spaces else "x"
        self._block = (word.encode() * (65536 // len(word.encode()) + 1))[:65536]
        if not spaces:
            self._block = b"x" * 65536

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), self._left)
        if n <= 0:
            return 0
        block = self._block
        done = 0
        while done < n:
            k = min(n - done, len(block))
            b[done:done + k] = block[:k]
            done += k
        self._left -= n
        return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--no-spaces", action="store_true")
    args = parser.parse_args()
    total = args.mb * 1_000_000
    source = Source("long.txt", total, lambda: io.BufferedReader(LongLine(total, not args.no_spaces)))
    tracemalloc.start()
    start = time.perf_counter()
    units = 0
    longest = 0
    chars = 0
    for unit in TextReader().read(source, {}):
        units += 1
        longest = max(longest, len(unit.text))
        chars += len(unit.text)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"input {args.mb} MB, one line, {'no spaces' if args.no_spaces else 'words'}")
    print(f"units {units}, longest unit {longest:,} chars, chars {chars:,}")
    print(f"peak traced Python memory {peak / 1e6:.1f} MB, peak RSS {rss:.1f} MB")
    print(f"time {elapsed:.1f} s ({args.mb / elapsed:.0f} MB/s)")


if __name__ == "__main__":
    main()
