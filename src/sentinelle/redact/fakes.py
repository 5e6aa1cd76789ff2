"""Format-preserving fakes: valid-looking surrogates, deterministic under the user's key.

Every generator takes a ``random.Random`` seeded by the caller from an HMAC of the original
(normalised) value under a key derived from the user's key, so the same input gives the same fake
in every file and run, and nobody without the key can tell which input gave which fake. A fake
keeps the layout of the original (its separators and spacing, its letter case) and is never equal
to it. ``None`` means "no fake for this value" (the caller falls back to a label).

Rules and their sources:

* ``FR_NIR``: same sex digit; birth year and month those of :func:`nir_head` (below);
  department of birth drawn among metropolitan
  departments, Corsica (``2A`` / ``2B``, so Corsican-born persons are not singled out:
  ../shared/cases pb-016), overseas (``97`` + commune ``1xx``..``6xx``) and abroad (``99``); key
  = 97 - (13 digits mod 97) with 2A read as 19 and 2B as 18 (INSEE; python-stdnum
  ``stdnum.fr.nir``).

One NIR, one fake (session 12 fault list). A NIR encodes its holder's sex (1st digit: 1 man,
2 woman), year and month of birth (digits 2-5) and place of birth (digits 6-10) (INSEE NIR
structure, décret 82-103; key = 97 - (first 13 digits mod 97)). Session 11 took the fake's sex,
year and month from what its table row showed once redacted (the shifted birth date, the sex
column), and kept the original's in a text report or an HPRIM file, which has no such row: the
same NIR got one fake in a patients table and another in the report about the same person, so
joins across files broke, and the fakes outside tables showed the real year and month of birth.
Now the fake is a function of the normalised NIR, the key and the policy only:

* sex digit: the original's (the record's sex column and the person's name show it anyway);
* year and month (:func:`nir_head`, chosen by
  :meth:`sentinelle.redact.operators.Operators.nir_fake`): the 15th of the NIR's month moved by
  the holder's keyed date shift (the shift of the person key ``FR_NIR\x1f<NIR>``, which is the
  one the birth date of the NIR's table row gets), i.e. what a shifted birth date of that
  person shows, except when the shift carries the true birth day and the 15th across different
  month ends (about one row in four: a cross-field check NIR / birth date then sees a one-month
  difference; exact agreement would need the birth day, which a text report does not give);
  the original year and a keyed month when the policy generalises the birth date to its year;
  the original year and month when the policy keeps the birth date;
* unlinkability: with a shifted birth date, nothing of the original NIR's head is kept but the
  sex; the birthplace and order number are keyed draws, so a fake says nothing of the original;
* a postcode is the holder's *residence*, not the place of birth the NIR encodes, so it puts no
  constraint on the fake NIR (validators cannot cross-check them).

* ``PHONE_NUMBER``: numbers from the blocks ARCEP reserves for audiovisual works and fiction
  (ARCEP, plan national de numérotation, "numéros réservés pour les œuvres audiovisuelles"):
  ``01 99 00``, ``02 61 91``, ``03 53 01``, ``04 65 71``, ``05 36 49`` (geographic, same zone as
  the original), ``06 39 98`` (mobile; also for ``07``) and ``09 77 40`` (also for ``08``),
  followed by 4 keyed digits: a fake never rings a real person. The country code and trunk
  prefix as written (``+33``, ``0033``, ``+33 (0)``) are kept; a number cell of a spreadsheet
  (``612345678``, ``33612345678``: the trunk ``0`` or the ``+`` lost to the number type) gets
  9 or 11 digits alike. A non-French number gets no fake.
  Note: libphonenumber 9.0 accepts the geographic and ``09`` blocks as valid numbers but not
  ``06 39 98`` (the scanner still reports it, with a lower score).
* ``IBAN_CODE``: same country and length; French BBAN with a valid RIB key (97 - (89 x bank +
  15 x branch + 3 x account) mod 97, Banque de France), check digits ISO 13616 (MOD 97-10);
  other countries: same character classes, checked with python-stdnum.
* ``PERSON``: word by word, so a family name keeps one surrogate across a family and a record
  (../shared/cases pb-020): a first name (INSEE "Fichier des prénoms", ``data/synth/prenoms.csv``)
  becomes a first name of the same sex, any other word a surname from
  ``data/synth/noms.txt`` (INSEE noms patronymiques); titles (``Dr``, ``Mme``...) and initials'
  dots are kept; case style kept (``MARTIN`` -> ``DURAND``).
* ``EMAIL_ADDRESS``: ``prenom.nom@example.org`` (``.com``/``.net``), domains reserved by
  RFC 2606.
* ``FR_POSTAL_CODE``: another real postcode (La Poste list, ``data/postal_codes.txt``) of the
  same department, 5 digits with its leading zero, departments 01-95 (Corsica 20xxx) and
  971-976 only (../shared/cases pb-032).
* Luhn-keyed numbers (``FR_RPPS``, ``FR_SIREN``, ``FR_SIRET``, ``FR_FINESS``, ``FR_ADELI``,
  ``CREDIT_CARD``) and ``FR_PASSPORT`` / ``FR_CNI``: same length, leading digits kept
  (RPPS ``1``, FINESS department, card network digit), the rest drawn until the identifier's
  validator (``sentinelle.identifiers``) accepts it.
* ``IP_ADDRESS``: documentation ranges, RFC 5737 (192.0.2.0/24, 198.51.100.0/24,
  203.0.113.0/24) and RFC 3849 (2001:db8::/32). ``URL``: ``https://www.example.org/...``.
* ``MEDICAL_RECORD_NUMBER``: same letters and separators, every digit redrawn, never the
  original and never a keyed NIR (``sentinelle.synth.patient_numbers``).
* ``LOCATION``: a commune name (INSEE COG, ``data/synth/communes.csv``); ``STREET_ADDRESS``: a
  number and a street name from ``data/synth/rues.txt``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import random
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Callable

from stdnum import luhn

from sentinelle.identifiers import adeli as _adeli
from sentinelle.identifiers import cni as _cni
from sentinelle.identifiers import credit_card as _card
from sentinelle.identifiers import finess as _finess
from sentinelle.identifiers import iban as _iban
from sentinelle.identifiers import nir as _nir
from sentinelle.identifiers import passport as _passport
from sentinelle.identifiers import rpps as _rpps
from sentinelle.identifiers import siren as _siren
from sentinelle.identifiers import siret as _siret
from sentinelle.synth.patient_numbers import fake as _patient_number

#: first five digits of the national significant number of the ARCEP fiction blocks, by the
#: first digit of the original's national number
FICTION_BLOCKS = {"1": "19900", "2": "26191", "3": "35301", "4": "46571", "5": "53649",
                  "6": "63998", "7": "63998", "8": "97740", "9": "97740"}
#: RFC 2606 second-level domains reserved for documentation and examples
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
#: RFC 5737 IPv4 documentation networks
DOC_NETS_V4 = ("192.0.2", "198.51.100", "203.0.113")
#: words kept as they are inside a PERSON value (titles, particles)
TITLES = frozenset({"dr", "docteur", "pr", "professeur", "m", "mr", "mme", "mlle", "me", "mm",
                    "monsieur", "madame", "mademoiselle", "de", "du", "des", "la", "le", "van",
                    "von", "d", "l", "epouse", "ep", "nee", "ne", "veuve", "vve"})
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def fold(text: str) -> str:
    """Upper-case ASCII letters of ``text`` (accents dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _package_lines(name: str) -> list[str]:
    text = resources.files("sentinelle.data").joinpath(name).read_text(encoding="utf-8")
    return [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]


@dataclass(frozen=True, slots=True)
class FakeLists:
    """The lists fakes are drawn from (loaded once per run by :meth:`load`)."""

    first_f: tuple[str, ...]
    first_m: tuple[str, ...]
    first_sex: dict  # folded first name -> "F" / "M" (not for the most frequent surnames)
    surnames: tuple[str, ...]
    postcodes: tuple[str, ...]
    by_department: dict  # department prefix -> postcodes
    communes: tuple[str, ...]
    streets: tuple[str, ...]

    @classmethod
    def load(cls) -> "FakeLists":
        first_f: list[str] = []
        first_m: list[str] = []
        sex: dict[str, str] = {}
        rows = csv.DictReader(io.StringIO("\n".join(_package_lines("synth/prenoms.csv"))))
        accents = {fold(n): n for n in _package_lines("synth/prenoms_accents.txt")}
        for r in rows:
            name = accents.get(fold(r["prenom"]), r["prenom"])
            nf, nm = int(r["n_f"]), int(r["n_m"])
            if nf >= 1000 and nf >= nm:
                first_f.append(name)
            if nm >= 1000 and nm > nf:
                first_m.append(name)
            sex[fold(name)] = "F" if nf >= nm else "M"
        for name in _package_lines("synth/noms_frequents.txt"):  # MARTIN, BERNARD, THOMAS...
            sex.pop(fold(name), None)
        postcodes = tuple(p for p in _package_lines("postal_codes.txt")
                          if len(p) == 5 and p.isdigit() and _department(p) is not None)
        by_dep: dict[str, list[str]] = {}
        for p in postcodes:
            by_dep.setdefault(_department(p), []).append(p)
        communes = []
        for r in csv.DictReader(io.StringIO("\n".join(_package_lines("synth/communes.csv")))):
            name = r["nom"]
            if not name.endswith("Arrondissement"):
                communes.append(name)
        return cls(tuple(first_f), tuple(first_m), sex,
                   tuple(n for n in _package_lines("synth/noms.txt") if n.isalpha()),
                   postcodes, {k: tuple(v) for k, v in by_dep.items()}, tuple(communes),
                   tuple(_package_lines("synth/rues.txt")))


def _department(postcode: str) -> str | None:
    """Department prefix of a postcode: ``75``, ``20`` (Corsica), ``971``..``976``; None for
    00, 96, 98 (Monaco, overseas collectivities) and 99."""
    head = postcode[:2]
    if head == "97":
        return postcode[:3] if postcode[2] in "123456" else None
    if head in ("00", "96", "98", "99") or not head.isdigit():
        return None
    return head


def fill_layout(original: str, chars: str) -> str:
    """Put ``chars`` in place of the letters and digits of ``original``, keeping its other
    characters (spaces, dots, dashes) where they were. ``chars`` must have as many characters
    as ``original`` has letters and digits."""
    out = []
    it = iter(chars)
    for ch in original:
        out.append(next(it) if ch.isalnum() else ch)
    return "".join(out)


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model.islower():
        return word.lower()
    return word[:1].upper() + word[1:].lower()


# -- identifiers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """What the record (table row) a value sits in shows once redacted: ``sex`` ``"M"`` /
    ``"F"`` (None: unknown), ``year`` and ``month`` of birth (None: unknown). Session 11 made
    the fake NIR from it; since session 12 no fake uses it (module docstring, "One NIR, one
    fake"): the HL7 v2 and FHIR writers still build it."""

    sex: str | None = None
    year: int | None = None
    month: int | None = None


#: values of a sex or civility column, and titles, that name a sex (folded, lower case, dots
#: dropped): INSEE codes 1/2, H/M/F, French and English words, French civilities
_SEX_WORDS = {
    "M": frozenset({"1", "h", "m", "homme", "masculin", "masc", "male", "man", "mr", "monsieur",
                    "mister"}),
    "F": frozenset({"2", "f", "femme", "feminin", "fem", "female", "woman", "mme", "mlle",
                    "madame", "mademoiselle", "mrs", "ms", "miss"}),
}


#: NIR sex digit -> (man's digit, woman's digit) of its kind
_SEX_PAIRS = {"1": "12", "2": "12", "3": "34", "4": "34", "7": "78", "8": "78"}


def sex_of(text: str | None) -> str | None:
    """``"M"`` / ``"F"`` for a sex or civility value (``H``, ``Femme``, ``Mme``, ``M.``, ``2``),
    else None (empty, ``X``, ``I``, anything else)."""
    if not text:
        return None
    word = fold(text).strip().rstrip(".").strip().lower()
    for sex, words in _SEX_WORDS.items():
        if word in words:
            return sex
    return None


def title_sex(name: str | None) -> str | None:
    """The sex the first word of a name says when it is a title (``Mme DURAND`` -> ``"F"``,
    ``M. Paul MARTIN`` -> ``"M"``); None otherwise (a first name is not a reliable cue)."""
    m = _WORD.search(name or "")
    if m is None or m.start() > 0 and name[:m.start()].strip():
        return None
    word = m.group()
    if fold(word).lower() not in TITLES:
        return None
    return sex_of(word)


def _nir_year(yy: str) -> int:
    """The four-digit year of a NIR's ``YY``: 19YY when above the current two-digit year, else
    20YY (the rule :mod:`sentinelle.redact.dates` reads two-digit years with)."""
    now = _dt.date.today().year % 100
    return 1900 + int(yy) if int(yy) > now else 2000 + int(yy)


def nir_head(raw: str, moved: int | None, month: int, *, year_shown: bool = False) -> str:
    """The first five digits (sex, year, month) of the fake of the compact NIR ``raw``, a
    function of ``raw`` and the key only (session 12: one NIR, one fake, in every file, row
    and format).

    * the sex digit is the original's (it is what the record's sex column and the name show;
      1/2, 3/4, 7/8 kinds kept);
    * ``moved`` (days, negative: the holder's keyed date shift,
      :meth:`sentinelle.redact.operators.Operators.shift_days` of the person key
      ``FR_NIR\x1f<NIR>``, the key a table row's birth date is shifted with): ``YYMM`` of the
      15th of the NIR's month moved by that many days, which is the month the holder's shifted
      birth date shows unless the shift crosses a month end between the 15th and the birth
      day; a month code that is no month (20-42, 50-99: month unknown, INSEE) is kept and the
      year moved from 1 July;
    * ``year_shown`` (the policy generalises the birth date to its year, which the output
      shows anyway): the original year and the keyed draw ``month`` (1-12), never the
      original's month (session 11 review);
    * neither: the original's ``YYMM`` (the policy keeps the birth date, which shows them)."""
    head = raw[:5]
    yy, mm = head[1:3], head[3:5]
    if year_shown:
        return head[0] + yy + f"{month:02d}"
    if moved is None:
        return head
    real_month = 1 <= int(mm) <= 12
    start = _dt.date(_nir_year(yy), int(mm) if real_month else 7, 15 if real_month else 1)
    at = start + _dt.timedelta(days=moved)  # a policy's shift is within 100 years
    return head[0] + f"{at.year % 100:02d}" + (f"{at.month:02d}" if real_month else mm)


def nir(value: str, rng: random.Random, moved: int | None = None, *,
        year_shown: bool = False) -> str | None:
    """A NIR with the same sex, the birth year and month of :func:`nir_head` (``moved``,
    ``year_shown``), another birthplace and order number, and a valid key; ``value``'s layout
    kept (13 characters when it was written without key). ``rng`` is seeded by the NIR alone,
    so the fake depends on nothing but the NIR, the key and the policy."""
    raw = _alnum(value).upper()
    if len(raw) not in (13, 15) or not raw[:5].isdigit():
        return None
    month = rng.randint(1, 12)  # drawn always: the draws below do not depend on the head
    head = nir_head(raw, moved, month, year_shown=year_shown)
    for _ in range(50):
        roll = rng.random()
        if roll < 0.85:
            dep = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"
            commune = f"{rng.randint(1, 899):03d}"
        elif roll < 0.90:
            dep = rng.choice(("2A", "2B"))
            commune = f"{rng.randint(1, 366):03d}"
        elif roll < 0.94:
            dep = "97"
            commune = f"{rng.choice('12346')}{rng.randint(1, 34):02d}"
        else:
            dep = "99"
            commune = f"{rng.randint(100, 499):03d}"
        body = head + dep + commune + f"{rng.randint(1, 999):03d}"
        full = body + _nir.calc_check_digits(body)
        if _nir.is_valid(full) and full[:13] != raw[:13]:
            return fill_layout(value, full if len(raw) == 15 else body)
    return None


def phone(value: str, rng: random.Random) -> str | None:
    """A number of the ARCEP fiction block matching the original's first digit, same layout."""
    digits = [c for c in value if c.isdigit()]
    n = len(digits)
    text = "".join(digits)
    if n == 10 and text[0] == "0":
        nsn_at = 1
    elif n == 9 and text[0] != "0" and len(value.strip()) == 9:
        # a spreadsheet number cell: 0612345678 stored as the number 612345678 lost its
        # trunk 0 (session 9 fault list: it was written as a label)
        nsn_at = 0
    elif n == 11 and text.startswith("33") and ("+" in value or len(value.strip()) == 11):
        # +33 6..., or the same stored as the number 33612345678 (no "+" in a number cell)
        nsn_at = 2
    elif n == 12 and text.startswith("330") and "+" in value:  # +33 (0)4 ...
        nsn_at = 3
    elif n == 13 and text.startswith("0033"):
        nsn_at = 4
    else:
        return None
    nsn = text[nsn_at:]
    block = FICTION_BLOCKS.get(nsn[0])
    if block is None:
        return None
    for _ in range(20):
        new = block + f"{rng.randrange(10_000):04d}"
        if new != nsn:
            break
    return fill_layout_digits(value, text[:nsn_at] + new)


def fill_layout_digits(original: str, digits: str) -> str:
    """Replace the digits of ``original`` by ``digits``, in order, keeping everything else."""
    it = iter(digits)
    return "".join(next(it) if c.isdigit() else c for c in original)


def _rib_key(bank: str, branch: str, account: str) -> str:
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def iban(value: str, rng: random.Random) -> str | None:
    """An IBAN of the same country and length with valid check digits (and RIB key for FR)."""
    raw = _alnum(value)
    country = raw[:2].upper()
    if len(raw) < 5 or not country.isalpha():
        return None
    for _ in range(100):
        if country == "FR" and len(raw) == 27:
            bank = f"{rng.randint(10000, 99999)}"
            branch = f"{rng.randrange(100000):05d}"
            account = f"{rng.randrange(10 ** 11):011d}"
            bban = bank + branch + account + _rib_key(bank, branch, account)
        else:
            bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if c.isalpha()
                           else str(rng.randrange(10)) for c in raw[4:].upper())
        check = _iban.calc_check_digits(country + "00" + bban)
        new = country + check + bban
        if new != raw.upper() and _iban.is_valid(new):
            if raw[:2].islower():
                new = new.lower()
            return fill_layout(value, new)
    return None


def _keyed_digits(value: str, rng: random.Random, keep: int,
                  valid: Callable[[str], bool], tries: int = 400) -> str | None:
    """Same layout and length, the first ``keep`` letters/digits kept, the others drawn (digits
    for digits, letters for letters) until ``valid`` accepts the compact result."""
    raw = _alnum(value)
    if not raw:
        return None
    for _ in range(tries):
        new = raw[:keep] + "".join(
            str(rng.randrange(10)) if c.isdigit() else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
            for c in raw[keep:])
        if new != raw and valid(new):
            return fill_layout(value, new)
    return None


def luhn_number(value: str, rng: random.Random, keep: int = 1) -> str | None:
    """Digits only: same length, first ``keep`` digits kept, last digit a Luhn check digit."""
    raw = _alnum(value)
    if not raw.isdigit() or len(raw) < 3:
        return None
    for _ in range(20):
        body = raw[:keep] + "".join(str(rng.randrange(10)) for _ in raw[keep:-1])
        new = body + luhn.calc_check_digit(body)
        if new != raw:
            return fill_layout(value, new)
    return None


def siret(value: str, rng: random.Random) -> str | None:
    raw = _alnum(value)
    if not raw.isdigit() or len(raw) != 14:
        return None
    for _ in range(200):
        siren_body = "".join(str(rng.randrange(10)) for _ in range(8))
        siren = siren_body + luhn.calc_check_digit(siren_body)
        body = siren + f"{rng.randrange(1000):04d}"
        new = body + luhn.calc_check_digit(body)
        if new != raw and _siret.is_valid(new):
            return fill_layout(value, new)
    return None


def ip_address(value: str, rng: random.Random) -> str | None:
    if ":" in value:
        return f"2001:db8::{rng.randrange(1, 0xffff):x}"
    if value.count(".") == 3:
        return f"{rng.choice(DOC_NETS_V4)}.{rng.randint(1, 254)}"
    return None


def url(value: str, rng: random.Random) -> str | None:
    scheme = "http://" if value.lower().startswith("http://") else "https://"
    return f"{scheme}www.example.org/{rng.getrandbits(40):010x}"


# -- names and places ----------------------------------------------------------------------


def person(value: str, rng_for: Callable[[str], random.Random], lists: FakeLists) -> str:
    """Each word of a name replaced by a surrogate keyed on the word alone (``rng_for(word)``):
    first names by first names of the same sex, other words by surnames; titles kept."""
    def repl(m: re.Match) -> str:
        word = m.group()
        key = fold(word)
        if key.lower().replace("’", "'") in TITLES or len(word) == 1:
            if len(word) == 1:  # an initial
                return _case_like(rng_for("initial:" + key).choice("ABCDEFGHIJLMNPRSTV"), word)
            return word
        rng = rng_for(key)
        sex = lists.first_sex.get(key)
        pool = (lists.first_f if sex == "F" else lists.first_m) if sex else lists.surnames
        for _ in range(10):
            new = rng.choice(pool)
            if fold(new) != key:
                break
        return _case_like(new, word)

    return _WORD.sub(repl, value)


def email(value: str, rng: random.Random, lists: FakeLists) -> str:
    first = fold(rng.choice(lists.first_f + lists.first_m)).lower()
    last = fold(rng.choice(lists.surnames)).lower()
    first = re.sub(r"[^a-z]", "", first) or "prenom"
    last = re.sub(r"[^a-z]", "", last) or "nom"
    number = f"{rng.randrange(100)}" if rng.random() < 0.5 else ""
    return f"{first}.{last}{number}@{rng.choice(EXAMPLE_DOMAINS)}"


def postcode(value: str, rng: random.Random, lists: FakeLists) -> str | None:
    raw = value.strip()
    if not (len(raw) == 5 and raw.isdigit()):
        return None
    pool = lists.by_department.get(_department(raw) or "", ()) or lists.postcodes
    choices = [p for p in pool if p != raw] or [p for p in lists.postcodes if p != raw]
    new = rng.choice(choices)
    return value.replace(raw, new, 1)


def location(value: str, rng: random.Random, lists: FakeLists) -> str:
    new = rng.choice(lists.communes)
    return new.upper() if value.isupper() else new


def street_address(value: str, rng: random.Random, lists: FakeLists) -> str:
    """A number and a street name; a part without any digit (the city of an HL7 XAD address
    replaced component by component) becomes a commune name."""
    if not any(c.isdigit() for c in value):
        return location(value, rng, lists)
    street = rng.choice(lists.streets)
    text = f"{rng.randint(1, 120)} {street}"
    return text.upper() if value.isupper() else text


#: entity -> generator(value, rng) for the identifiers with a validator
_IDENTIFIERS: dict[str, Callable[[str, random.Random], str | None]] = {
    "FR_NIR": nir,
    "PHONE_NUMBER": phone,
    "IBAN_CODE": iban,
    "FR_RPPS": lambda v, r: _keyed_digits(v, r, 1, _rpps.is_valid),
    "FR_SIREN": lambda v, r: _keyed_digits(v, r, 0, _siren.is_valid),
    "FR_SIRET": siret,
    "FR_FINESS": lambda v, r: _keyed_digits(v, r, 2, _finess.is_valid),
    "FR_ADELI": lambda v, r: _keyed_digits(v, r, 2, _adeli.is_valid),
    "CREDIT_CARD": lambda v, r: _keyed_digits(v, r, 1, _card.is_valid),
    "FR_PASSPORT": lambda v, r: _keyed_digits(v, r, 0, _passport.is_valid),
    "FR_CNI": lambda v, r: _keyed_digits(v, r, 0, _cni.is_valid),
    "IP_ADDRESS": ip_address,
    "URL": url,
    "MEDICAL_RECORD_NUMBER": _patient_number,
}


def make(entity: str, value: str, rng: random.Random, rng_for: Callable[[str], random.Random],
         lists: FakeLists, *, nir_moved: int | None = None,
         nir_year_shown: bool = False) -> str | None:
    """The fake of ``value`` (an ``entity``), or None when this entity has no fake;
    ``nir_moved`` / ``nir_year_shown``: the birth year and month of a fake ``FR_NIR``
    (:func:`nir_head`)."""
    if entity == "FR_NIR":
        return nir(value, rng, nir_moved, year_shown=nir_year_shown)
    gen = _IDENTIFIERS.get(entity)
    if gen is not None:
        return gen(value, rng)
    if entity == "PERSON":
        return person(value, rng_for, lists)
    if entity == "EMAIL_ADDRESS":
        return email(value, rng, lists)
    if entity == "FR_POSTAL_CODE":
        return postcode(value, rng, lists)
    if entity == "LOCATION":
        return location(value, rng, lists)
    if entity == "STREET_ADDRESS":
        return street_address(value, rng, lists)
    return None
