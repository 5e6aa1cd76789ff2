"""Synthetic persons, doctors and their identifiers (NIR, RPPS, IBAN, phones), drawn one at a time
from a seeded ``random.Random``. Every identifier carries a valid key."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum import luhn

from sentinelle.identifiers import nir as _nir

from .lists import Commune, SynthLists

BLOOD_GROUPS = (("O", "+"), ("A", "+"), ("B", "+"), ("AB", "+"), ("O", "-"), ("A", "-"), ("B", "-"), ("AB", "-"))
BLOOD_WEIGHTS = (36, 73, 82, 85, 91, 98, 99, 100)  # cumulative, EFS frequencies in France (%)
# ARCEP numbers reserved for fiction (accepted as valid fixed lines by phonenumbers); mobiles have
# no fiction range accepted by phonenumbers (06 39 98 is rejected), so mobiles are random valid ones.
FICTION_FIXED = ("0199 00", "0261 91", "0353 01", "0465 71", "0536 49", "0999 00")
EMAIL_DOMAINS = ("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "sfr.fr", "yahoo.fr",
                 "outlook.fr", "wanadoo.fr", "icloud.com")
_FIRST_BIRTH = date(1930, 1, 1).toordinal()
_LAST_BIRTH = date(2023, 12, 31).toordinal()
REFERENCE_YEAR = 2025


@dataclass(frozen=True, slots=True)
class Insured:
    """The insured parent whose NIR a child (ayant droit) is recorded under."""

    pid: str
    sex: str
    first: str
    last: str
    nir: str


@dataclass(frozen=True, slots=True)
class Doctor:
    gid: str
    first: str
    last: str
    rpps: str


@dataclass(frozen=True, slots=True)
class Person:
    pid: str
    sex: str  # "M" | "F"
    first: str
    last: str
    birth: date
    birth_code: str  # INSEE place of birth as in the NIR (2A004, 20004, 97105, 99350 ...)
    nir: str  # compact, 15 chars: the person's own NIR
    street: str
    commune: Commune
    postcode: str
    phone: str  # national 10 digits
    email: str | None
    blood: tuple[str, str]
    gp: int
    conditions: tuple[int, ...]
    insured: Insured | None  # set when recorded under a parent's NIR (ayant droit)
    iban: str  # compact

    @property
    def record_nir(self) -> str:
        return self.insured.nir if self.insured else self.nir

    @property
    def nir_holder(self) -> str:
        return self.insured.pid if self.insured else self.pid


def valid_mobile_prefixes() -> tuple[str, ...]:
    """Four-digit 06/07 prefixes whose numbers phonenumbers accepts as valid French mobiles."""
    out = []
    for p in range(600, 800):
        prefix = f"0{p}"
        samples = (phonenumbers.parse(prefix + s, "FR") for s in ("000000", "555555", "999999"))
        if all(phonenumbers.is_valid_number(n) for n in samples):
            out.append(prefix)
    return tuple(out)


def make_nir(rng: random.Random, sex: str, birth: date, code: str) -> str:
    if code[:2] in ("2A", "2B") and birth.year < 1976:
        code = "20" + code[2:]
    body = f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{code}{rng.randint(1, 999):03d}"
    return body + _nir.calc_check_digits(body)


def birth_code(rng: random.Random, lists: SynthLists) -> str:
    r = rng.random()
    if r < 0.08:
        return rng.choices(lists.countries.items, cum_weights=lists.countries.cum)[0][0]
    if r < 0.11:
        return rng.choices(lists.overseas.items, cum_weights=lists.overseas.cum)[0].code
    if r < 0.125:
        return rng.choices(lists.corsica.items, cum_weights=lists.corsica.cum)[0].code
    return rng.choices(lists.metro.items, cum_weights=lists.metro.cum)[0].code


def home(rng: random.Random, lists: SynthLists) -> tuple[str, Commune, str]:
    if rng.random() < 0.03:
        c = rng.choices(lists.overseas.items, cum_weights=lists.overseas.cum)[0]
    else:
        c = rng.choices(lists.metro.items, cum_weights=lists.metro.cum)[0]
    n = rng.randint(1, 140)
    num = f"{n} bis" if rng.random() < 0.05 else str(n)
    return f"{num} {rng.choice(lists.streets)}", c, rng.choice(c.postcodes)


def phone(rng: random.Random, mobiles: tuple[str, ...]) -> str:
    if rng.random() < 0.75:
        return rng.choice(mobiles) + f"{rng.randrange(1_000_000):06d}"
    return rng.choice(FICTION_FIXED).replace(" ", "") + f"{rng.randrange(10_000):04d}"


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def email(rng: random.Random, first: str, last: str, birth: date) -> str:
    f = ascii_fold(first).lower().replace("'", "").replace(" ", "")
    l = ascii_fold(last).lower().replace("'", "").replace(" ", "")
    v = rng.randrange(6)
    local = (f"{f}.{l}", f"{f[0]}{l}", f"{f}{l}{birth.year % 100:02d}", f"{l}.{f}", f"{f}_{l}{rng.randint(1, 99)}",
             f"{f}.{l}{rng.randint(1, 9)}")[v]
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def first_name(rng: random.Random, lists: SynthLists, sex: str) -> str:
    w = lists.first_f if sex == "F" else lists.first_m
    return rng.choices(w.items, cum_weights=w.cum)[0]


def surname(rng: random.Random, lists: SynthLists) -> str:
    if rng.random() < 0.3:
        return rng.choice(lists.frequent_surnames)
    return rng.choice(lists.surnames)


def make_iban(rng: random.Random) -> str:
    if rng.random() < 0.06:  # a German account now and then
        bban = f"{rng.randrange(10**8):08d}{rng.randrange(10**10):010d}"
        return "DE" + _iban_check("DE", bban) + bban
    bank, branch, account = rng.randrange(10000, 99999), rng.randrange(100000), rng.randrange(10**11)
    key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    bban = f"{bank:05d}{branch:05d}{account:011d}{key:02d}"
    return "FR" + _iban_check("FR", bban) + bban


def _iban_check(country: str, bban: str) -> str:
    """ISO 13616 check digits (mod 97-10) for a numeric ``bban``; same as stdnum.iban, faster."""
    letters = "".join(str(ord(ch) - 55) for ch in country)
    return f"{98 - int(bban + letters + '00') % 97:02d}"


def make_rpps(rng: random.Random) -> str:
    body = f"10{rng.randrange(10**8):08d}"
    return body + luhn.calc_check_digit(body)


def doctor(rng: random.Random, lists: SynthLists, gid: str) -> Doctor:
    sex = "F" if rng.random() < 0.5 else "M"
    return Doctor(gid, first_name(rng, lists, sex), surname(rng, lists), make_rpps(rng))


def person(rng: random.Random, lists: SynthLists, index: int, mobiles: tuple[str, ...], n_gps: int) -> Person:
    pid = f"p{index:07d}"
    sex = "F" if rng.random() < 0.515 else "M"
    first = first_name(rng, lists, sex)
    last = surname(rng, lists)
    birth = date.fromordinal(rng.randint(_FIRST_BIRTH, _LAST_BIRTH))
    code = birth_code(rng, lists)
    nir = make_nir(rng, sex, birth, code)
    street, commune, postcode = home(rng, lists)
    age = REFERENCE_YEAR - birth.year
    conds = tuple(
        i for i, c in enumerate(lists.conditions) if rng.random() < (c.prevalence if age >= 15 else c.prevalence / 5)
    )
    insured = None
    if age < 18 and rng.random() < 0.5:
        psex = "F" if rng.random() < 0.5 else "M"
        pbirth = date(birth.year - rng.randint(22, 42), rng.randint(1, 12), rng.randint(1, 28))
        insured = Insured(f"{pid}-assure", psex, first_name(rng, lists, psex), last,
                          make_nir(rng, psex, pbirth, birth_code(rng, lists)))
    return Person(
        pid=pid, sex=sex, first=first, last=last, birth=birth, birth_code=code, nir=nir, street=street,
        commune=commune, postcode=postcode, phone=phone(rng, mobiles),
        email=email(rng, first, last, birth) if age >= 14 and rng.random() < 0.8 else None,
        blood=rng.choices(BLOOD_GROUPS, cum_weights=BLOOD_WEIGHTS)[0], gp=rng.randrange(n_gps),
        conditions=conds, insured=insured, iban=make_iban(rng),
    )
