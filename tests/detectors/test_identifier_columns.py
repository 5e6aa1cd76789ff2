"""Vectorised ``match_column`` of the identifier detectors against their ``match_cell``, on many
synthetic values built to reach every branch of the fast paths (``detectors/columnar.py``).

The generic contract test (tests/detectors/test_match_column.py) runs examples, junk and corpus
columns; this one adds, per detector, a few thousand generated cells: valid and wrong keys
(keys computed with python-stdnum's Luhn / ISO 7064 / NIR key functions), each written form
(compact, grouped, one digit per box, odd separators, padding, lower case), wrong lengths, and
the special rules (NIR that is also an Amex number, Corsica 2A/2B, La Poste SIRETs, timestamps,
postcodes that lost their leading zero). Synthetic values only: no real person's number.
"""

from __future__ import annotations

import random

import polars as pl
import pytest
from stdnum import luhn
from stdnum.iban import calc_check_digits as iban_check_digits

from sentinelle.detectors.credit_card import CreditCardDetector
from sentinelle.detectors.finess import FinessDetector
from sentinelle.detectors.iban import IbanDetector
from sentinelle.detectors.nir import NirDetector
from sentinelle.detectors.postal_code import PostalCodeDetector, postal_codes
from sentinelle.detectors.rpps import RppsDetector
from sentinelle.detectors.siren import SirenDetector
from sentinelle.detectors.siret import SiretDetector
from sentinelle.identifiers.nir import calc_check_digits as nir_key

SEPS = [" ", ".", "-", "\u00a0", "\u202f", "  ", "\t"]


def _digits(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice("0123456789") for _ in range(n))


def _luhn_number(rnd: random.Random, n: int, prefix: str = "") -> str:
    body = prefix + _digits(rnd, n - 1 - len(prefix))
    if not body.isdigit():  # Corsica 2A/2B (FINESS): no Luhn key to compute
        return body + _digits(rnd, 1)
    return body + luhn.calc_check_digit(body)


def _spell(rnd: random.Random, number: str) -> str:
    """``number`` written one of several ways: compact, grouped, boxed, odd separators, padded."""
    kind = rnd.randrange(6)
    if kind == 0:
        out = number
    elif kind == 1:  # groups of 3
        out = " ".join(number[i:i + 3] for i in range(0, len(number), 3))
    elif kind == 2:  # one character per box
        out = " ".join(number)
    elif kind == 3:  # random single separators
        out = "".join(ch + (rnd.choice(SEPS[:5]) if rnd.random() < 0.3 else "") for ch in number).rstrip(
            "".join(SEPS))
    elif kind == 4:  # a double separator or a tab somewhere: not a fast-path form
        i = rnd.randrange(1, len(number))
        out = number[:i] + rnd.choice(SEPS[5:]) + number[i:]
    else:  # letters around
        out = rnd.choice(["n° ", "x", ""]) + number + rnd.choice([" Paris", "a", ""])
    pad = rnd.choice(["", " ", "  ", "\t"])
    return pad + out + rnd.choice(["", " ", "   "])


def _mutate(rnd: random.Random, number: str) -> str:
    """One wrong digit (a typo), one digit more or one less."""
    kind = rnd.randrange(3)
    i = rnd.randrange(len(number))
    if kind == 0:
        return number[:i] + str((int(number[i]) + 1) % 10 if number[i].isdigit() else 0) + number[i + 1:]
    if kind == 1:
        return number + rnd.choice("0123456789")
    return number[:-1]


def _nir_values(rnd: random.Random) -> list[str]:
    out = []
    for _ in range(1500):
        dept = rnd.choice(["75", "2A", "2B", "99", "00", "97", "20", "13"])
        month = f"{rnd.choice([1, 5, 12, 13, 20, 42, 45, 50, 99, 0]):02d}"
        sex = rnd.choice("12345789")
        commune = rnd.choice(["000", "004", "123"])
        order = rnd.choice(["000", "456", "001"])
        body = sex + _digits(rnd, 2) + month + dept + commune + order
        key = nir_key(body + "00")
        number = rnd.choice([body + key, body, body + f"{(int(key) + 1) % 100:02d}"])
        if rnd.random() < 0.1:
            number = number.lower()
        out.append(_spell(rnd, number) if rnd.random() < 0.8 else _mutate(rnd, number))
    # a valid NIR that is also a valid American Express number (test_nir.py)
    out += ["372057505611749", " 372057505611749 ", "3 72 05 75 056 117 49"]
    return out


def _luhn_values(rnd: random.Random, length: int, prefixes: list[str]) -> list[str]:
    out = []
    for _ in range(1500):
        n = length + rnd.choice([0, 0, 0, -1, 1])
        number = _luhn_number(rnd, n, rnd.choice(prefixes))
        if rnd.random() < 0.3:
            number = _mutate(rnd, number)
        out.append(_spell(rnd, number))
    return out


def _siret_values(rnd: random.Random) -> list[str]:
    out = _luhn_values(rnd, 14, ["", "7", "4"])
    for _ in range(300):
        siren = _luhn_number(rnd, 9)
        number = siren + _luhn_number(rnd, 14, siren)[9:] if rnd.random() < 0.5 else siren + _digits(rnd, 5)
        out.append(_spell(rnd, number))
    # La Poste (digit sum, python-stdnum), its head office, and HL7 timestamps
    out += ["35600000049837", "35600000049838", "35600000000048", "356000000 00048",
            "20241106200005", "20241105083012", " 20241106200005 "]
    return out


def _card_values(rnd: random.Random) -> list[str]:
    out = []
    for _ in range(1500):
        prefix = rnd.choice(["4", "51", "2221", "34", "37", "36", "300", "3095", "6011", "65", "62",
                             "50", "56", "2200", "1800", "2131", "3528", "8", "9"])
        n = rnd.choice([12, 13, 14, 15, 16, 17, 19, 20])
        number = _luhn_number(rnd, n, prefix)
        if rnd.random() < 0.3:
            number = _mutate(rnd, number)
        out.append(_spell(rnd, number) if rnd.random() < 0.7 else " ".join(
            number[i:i + 4] for i in range(0, len(number), 4)))
    return out


def _iban_values(rnd: random.Random) -> list[str]:
    bbans = {"FR": lambda: _digits(rnd, 10) + rnd.choice(["", "AB"]) + _digits(rnd, 11),
             "DE": lambda: _digits(rnd, 18), "GB": lambda: "NWBK" + _digits(rnd, 14),
             "BE": lambda: _digits(rnd, 12), "ES": lambda: _digits(rnd, 20),
             "IT": lambda: "X" + _digits(rnd, 22), "NL": lambda: "ABNA" + _digits(rnd, 10)}
    out = []
    for _ in range(1500):
        cc = rnd.choice(list(bbans))
        bban = bbans[cc]()[:30]
        number = cc + iban_check_digits(cc + "00" + bban) + bban
        if rnd.random() < 0.3:
            number = _mutate(rnd, number)
        if rnd.random() < 0.1:
            number = number.lower()
        if rnd.random() < 0.5:
            number = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
        out.append(rnd.choice(["", " ", "\t"]) + number + rnd.choice(["", "  ", "x"]))
    return out


def _postal_values(rnd: random.Random) -> list[str]:
    listed = sorted(postal_codes())
    out = []
    for _ in range(1500):
        code = rnd.choice(listed) if rnd.random() < 0.6 else _digits(rnd, 5)
        kind = rnd.randrange(6)
        if kind == 0:
            out.append(code)
        elif kind == 1:
            out.append(code.lstrip("0") or "0")   # a spreadsheet dropped the leading zero
        elif kind == 2:
            out.append(code[:2] + " " + code[2:])
        elif kind == 3:
            out.append(f" {code} ")
        elif kind == 4:
            out.append(code + rnd.choice([" Paris", ", LYON", "-Marseille", " CEDEX 14"]))
        else:
            out.append(rnd.choice(["\t", "CP "]) + code)
    return out


CASES = [
    ("nir", NirDetector(), _nir_values),
    ("rpps", RppsDetector(), lambda r: _luhn_values(r, 11, ["1", "10", "2", ""])),
    ("finess", FinessDetector(), lambda r: _luhn_values(r, 9, ["75", "13", "00", "2A", ""])),
    ("siren", SirenDetector(), lambda r: _luhn_values(r, 9, ["", "4", "7"])),
    ("siret", SiretDetector(), _siret_values),
    ("credit_card", CreditCardDetector(), _card_values),
    ("iban", IbanDetector(), _iban_values),
    ("postal_code", PostalCodeDetector(), _postal_values),
]


@pytest.mark.parametrize("header_hit", [True, False], ids=["header", "no_header"])
@pytest.mark.parametrize("name, det, make", CASES, ids=[c[0] for c in CASES])
def test_match_column_equals_match_cell(name, det, make, header_hit):
    values = list(dict.fromkeys(v for v in make(random.Random(name)) if v and not v.isspace()))
    got = det.match_column(pl.Series("v", values, dtype=pl.Utf8), header_hit)
    assert got.height == len(values)
    bad = []
    hits = 0
    for value, row in zip(values, got.iter_rows(named=True)):
        m = det.match_cell(value, header_hit)
        want = None if m is None else {
            "start": m.start, "end": m.end, "score": m.score, "validation": m.validation.value,
            "pattern": m.pattern, "normalized": m.normalized, "entity": m.entity}
        have = None if row["start"] is None else row
        hits += want is not None
        if have != want:
            bad.append((value, want, have))
    assert bad == [], f"{name}: {len(bad)} of {len(values)} rows differ, first {bad[:3]}"
    # the generated values reach the matching branches, not only the no-match one
    assert hits >= 50 or (name == "postal_code" and not header_hit)
