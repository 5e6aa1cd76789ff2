"""Speed of the identifier detectors' vectorised ``match_column`` (issue 6, columnar fast path)
against the per-cell loop it replaces (``Detector.match_column`` of base.py, one ``match_cell``
per value), on synthetic columns of distinct values as a leak's table would hold them.

Usage (from the repo root)::

    .venv/bin/python bench/identifier_columns.py [--rows 50000] [--seed 3]

Prints, per detector: rows, seconds for the loop and for the override, rows per second, the
speed-up, and checks that both give the same frame. Values are synthetic (keys computed with
python-stdnum), never a real person's number.
"""

from __future__ import annotations

import argparse
import random
import time

import polars as pl
from stdnum import luhn
from stdnum.iban import calc_check_digits as iban_check_digits

from sentinelle.detectors.base import Detector
from sentinelle.detectors.credit_card import CreditCardDetector
from sentinelle.detectors.finess import FinessDetector
from sentinelle.detectors.iban import IbanDetector
from sentinelle.detectors.nir import NirDetector
from sentinelle.detectors.postal_code import PostalCodeDetector, postal_codes
from sentinelle.detectors.rpps import RppsDetector
from sentinelle.detectors.siren import SirenDetector
from sentinelle.detectors.siret import SiretDetector
from sentinelle.identifiers.nir import calc_check_digits as nir_key


def _d(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice("0123456789") for _ in range(n))


def _luhn(rnd: random.Random, n: int, prefix: str = "") -> str:
    body = prefix + _d(rnd, n - 1 - len(prefix))
    return body + luhn.calc_check_digit(body)


def _nir(rnd: random.Random) -> str:
    body = rnd.choice("12") + _d(rnd, 2) + f"{rnd.randint(1, 12):02d}" + f"{rnd.randint(1, 95):02d}" \
        + f"{rnd.randint(1, 999):03d}" + f"{rnd.randint(1, 999):03d}"
    number = body + nir_key(body + "00")
    return number if rnd.random() < 0.5 else " ".join(
        (number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]))


def _iban(rnd: random.Random) -> str:
    bban = _d(rnd, 23)
    number = "FR" + iban_check_digits("FR00" + bban) + bban
    return number if rnd.random() < 0.5 else " ".join(number[i:i + 4] for i in range(0, 27, 4))


def columns(rows: int, seed: int) -> dict[str, tuple[Detector, list[str], bool]]:
    rnd = random.Random(seed)
    listed = sorted(postal_codes())

    def distinct(make) -> list[str]:
        return list(dict.fromkeys(make() for _ in range(rows)))

    return {
        "fr.nir": (NirDetector(), distinct(lambda: _nir(rnd)), True),
        "iban": (IbanDetector(), distinct(lambda: _iban(rnd)), True),
        "fr.rpps": (RppsDetector(), distinct(lambda: _luhn(rnd, 11, "10")), True),
        "fr.finess": (FinessDetector(), distinct(lambda: _luhn(rnd, 9, f"{rnd.randint(1, 95):02d}")), True),
        "fr.siren": (SirenDetector(), distinct(lambda: _luhn(rnd, 9)), True),
        "fr.siret": (SiretDetector(), distinct(lambda: _luhn(rnd, 14, _luhn(rnd, 9))), True),
        "credit_card": (CreditCardDetector(), distinct(lambda: _luhn(rnd, 16, "4970")), True),
        "fr.postal_code": (PostalCodeDetector(), distinct(lambda: rnd.choice(listed)), True),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    print(f"{'detector':16}{'rows':>8}{'loop s':>9}{'vector s':>10}{'loop rows/s':>13}"
          f"{'vector rows/s':>15}{'speed-up':>10}")
    for name, (det, values, header) in columns(args.rows, args.seed).items():
        series = pl.Series("v", values, dtype=pl.Utf8)
        det.match_column(series.head(10), header)  # warm-up: imports, caches
        t0 = time.perf_counter()
        loop = Detector.match_column(det, series, header)
        t1 = time.perf_counter()
        fast = det.match_column(series, header)
        t2 = time.perf_counter()
        assert loop.equals(fast), f"{name}: vectorised result differs from the loop"
        n = len(values)
        print(f"{name:16}{n:>8}{t1 - t0:>9.3f}{t2 - t1:>10.3f}{n / (t1 - t0):>13,.0f}"
              f"{n / (t2 - t1):>15,.0f}{(t1 - t0) / (t2 - t1):>9.1f}x")


if __name__ == "__main__":
    main()
