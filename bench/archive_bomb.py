"""How fast and how light a zip bomb is stopped (issue 4, limits of readers/archive.py).

Builds in a temporary folder a ZIP whose one member is N MiB of zeros (deflate: about 1000:1),
then scans it with the default limits and prints: the issue, the bytes produced before the stop
(the ratio limit stops once the member produced 100 x its compressed size), time, peak RSS,
and that the temporary folder is left empty.

    .venv/bin/python bench/archive_bomb.py            # 1024 MiB of zeros
    .venv/bin/python bench/archive_bomb.py --mib 4096
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import sentinelle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bomb-"))
    try:
        bomb = work / "in" / "bomb.zip"
        bomb.parent.mkdir()
        zero = bytes(1 << 20)
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open("zeros.bin", "w") as m:
            for _ in range(args.mib):
                m.write(zero)
        spools = work / "tmp"
        spools.mkdir()
        tempfile.tempdir = str(spools)
        packed = zipfile.ZipFile(bomb).infolist()[0].compress_size
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        result = sentinelle.scan(bomb)
        elapsed = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        [issue] = result.issues
        print(f"bomb: {args.mib} MiB of zeros in {bomb.stat().st_size:,} bytes "
              f"(member compressed {packed:,} bytes)")
        print(f"issue: {issue}")
        print(f"stopped in {elapsed:.2f} s; peak RSS {rss:.0f} MB (before the scan {rss_before:.0f} MB)")
        print(f"temporary folder left empty: {os.listdir(spools) == []}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
