"""Operators, fakes and policies, one row per case.

Expected values come from the rules they cite: NIR key 97 - (13 digits mod 97) with 2A = 19
(INSEE), IBAN MOD 97-10 (ISO 13616) and French RIB key, Luhn (ISO/IEC 7812) for RPPS / SIREN /
SIRET, the ARCEP blocks reserved for fiction, RFC 2606 / RFC 5737 reserved names and addresses.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
import pytest
from stdnum import luhn

from sentinelle.errors import ConfigError
from sentinelle.identifiers import iban, nir, rpps, siren, siret
from sentinelle.redact import dates
from sentinelle.redact.operators import Operators, Target, mask_text, replace_spans
from sentinelle.redact.policy import load_policy

KEY = b"k" * 32


@pytest.fixture(scope="module")
def ops():
    """Every entity faked (the test-data preset keeps organisations' SIREN / SIRET)."""
    from sentinelle.redact.policy import parse_policy

    return Operators(parse_policy({"default": "fake"}, "all-fake"), KEY)


@pytest.mark.parametrize("value", [
    "2 85 07 2A 004 123 38",   # Corsica, spaced (pb-016)
    "190010112345616",         # compact; key 16 by hand
    "1 90 01 01 123 456 16",   # the same, spaced
    "1900101123456",           # written without its key (13 characters)
])
def test_fake_nir_valid_same_sex_year_month(ops, value):
    fake = ops.apply(Target("FR_NIR", value, value.replace(" ", "")))
    compact = fake.replace(" ", "")
    assert fake != value and len(fake) == len(value)
    assert [i for i, c in enumerate(fake) if c == " "] == [i for i, c in enumerate(value) if c == " "]
    # sex kept; year and month: the 15th of the NIR's month (January 1990) moved back by the
    # person's shift, 1 to 365 days (the policy's default range; session 12: not the
    # original's, tests/redact/test_faults12.py), so from 1989-01 to 1990-01; 85 07: 1984-07
    raw = value.replace(" ", "")
    assert compact[0] == raw[0]
    lo = f"{int(raw[1:3]) - 1:02d}{raw[3:5]}"
    assert lo <= compact[1:5] <= raw[1:5] and 1 <= int(compact[3:5]) <= 12
    if len(compact) == 15:
        assert nir.is_valid(compact)
    else:
        assert nir.is_valid_without_key(compact)


@pytest.mark.parametrize("value, block", [
    ("04 65 71 12 34", "04 65 71"),     # geographic zone 04 -> its own fiction block
    ("01 23 45 67 89", "01 99 00"),     # Paris / Île-de-France
    ("06 12 34 56 78", "06 39 98"),     # mobile
    ("07 12 34 56 78", "06 39 98"),     # 07 mobile: the mobile fiction block
    ("09 51 23 45 67", "09 77 40"),     # non-geographic 09
    ("+33 5 56 12 34 56", "+33 5 36 49"),  # international form kept
    ("0033 3 80 12 34 56", "0033 3 53 01"),
])
def test_fake_phone_in_arcep_fiction_blocks(ops, value, block):
    fake = ops.apply(Target("PHONE_NUMBER", value, value))
    assert fake.startswith(block) and fake != value
    assert re.sub(r"\d", "9", fake) == re.sub(r"\d", "9", value)     # same layout
    if not block.replace("+33 ", "0").startswith("06"):               # libphonenumber 9.0 lists
        assert phonenumbers.is_valid_number(phonenumbers.parse(fake, "FR"))  # no mobile block


@pytest.mark.parametrize("value", [
    "FR76 3000 4012 3400 0987 6543 272",   # pb-013
    "DE89370400440532013000",              # ISO 13616 example (German IBAN)
])
def test_fake_iban_valid_same_country_same_layout(ops, value):
    fake = ops.apply(Target("IBAN_CODE", value, value.replace(" ", "")))
    assert fake[:2] == value[:2] and fake != value and iban.is_valid(fake)
    assert [i for i, c in enumerate(fake) if c == " "] == [i for i, c in enumerate(value) if c == " "]
    if value.startswith("FR"):
        c = fake.replace(" ", "")
        bank, branch, account, key = c[4:9], c[9:14], c[14:25], c[25:27]
        assert (89 * int(bank) + 15 * int(branch) + 3 * int(account) + int(key)) % 97 == 0


@pytest.mark.parametrize("entity, value, valid", [
    ("FR_RPPS", "10003456789", rpps.is_valid),   # Luhn
    ("FR_SIREN", "732829320", siren.is_valid),    # Luhn
    ("FR_SIRET", "73282932000074", siret.is_valid),
])
def test_fake_luhn_identifiers(ops, entity, value, valid):
    fake = ops.apply(Target(entity, value, value))
    assert fake != value and len(fake) == len(value) and valid(fake) and luhn.is_valid(fake)


@pytest.mark.parametrize("entity, value, pattern", [
    ("EMAIL_ADDRESS", "claire.martin@gmail.com", r"[a-z]+\.[a-z]+\d*@example\.(org|com|net)"),
    ("IP_ADDRESS", "82.64.12.9", r"(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+"),
    ("IP_ADDRESS", "2a01:e0a:1::1", r"2001:db8::[0-9a-f]+"),
    ("URL", "https://dossier.chu-lyon.fr/p/123", r"https://www\.example\.org/[0-9a-f]{10}"),
])
def test_fakes_in_reserved_names(ops, entity, value, pattern):
    assert re.fullmatch(pattern, ops.apply(Target(entity, value, value)))


@pytest.mark.parametrize("value, same", [
    ("Claire MARTIN", "MARTIN Claire"),   # word by word: same words, same surrogates
    ("Dr Keller", "KELLER"),
])
def test_fake_person_word_by_word(ops, value, same):
    a = ops.apply(Target("PERSON", value, value))
    b = ops.apply(Target("PERSON", same, same))
    words_a = {w.lower() for w in re.findall(r"\w+", a)}
    words_b = {w.lower() for w in re.findall(r"\w+", b)}
    assert words_b - {"dr"} <= words_a
    assert not {w.lower() for w in re.findall(r"\w+", value)} - {"dr"} & words_a


def test_fakes_deterministic_under_the_key():
    a = Operators(load_policy("test-data"), KEY)
    b = Operators(load_policy("test-data"), KEY)
    c = Operators(load_policy("test-data"), b"another key")
    t = Target("PHONE_NUMBER", "04 65 71 12 34", "0465711234")
    assert a.apply(t) == b.apply(t) != c.apply(t)


def test_pseudonym_keys_the_normalised_value():
    ops = Operators(load_policy("share"), KEY)
    spaced = ops.apply(Target("FR_NIR", "2 85 07 2A 004 123 38", "285072A00412338"))
    compact = ops.apply(Target("FR_NIR", "285072A00412338", "285072A00412338"))
    other = Operators(load_policy("share"), b"other").apply(
        Target("FR_NIR", "285072A00412338", "285072A00412338"))
    assert spaced == compact != other and re.fullmatch(r"fr_nir_[a-z2-7]{12}", spaced)


@pytest.mark.parametrize("text, days, expected", [
    ("12/03/1985", 40, "21/04/1985"),          # day-first, zero padded
    ("1/3/85", 40, "10/4/85"),                 # unpadded, two-digit year
    ("1985-03-12 10:30", -365, "1984-03-12 10:30"),  # ISO, time kept
    ("19850712", 16, "19850728"),              # HL7 v2 DTM
    ("202411050830", 30, "202412050830"),      # HL7 v2 DTM with time
    ("12 mars 1985", 40, "21 avril 1985"),     # French month name
    ("1er MARS 1985", -1, "28 FÉVRIER 1985"),  # 1er, upper case
])
def test_date_shift_keeps_the_form(text, days, expected):
    assert dates.shift(text, days) == expected


def test_shift_same_person_same_offset_in_range():
    policy = load_policy("research")
    ops = Operators(policy, KEY)
    t1 = ops.apply(Target("DATE_TIME", "01/02/2021", person="FR_NIR\x1f285072A00412338"))
    t2 = ops.apply(Target("DATE_TIME", "11/02/2021", person="FR_NIR\x1f285072A00412338"))
    d1 = dt.datetime.strptime(t1, "%d/%m/%Y")
    d2 = dt.datetime.strptime(t2, "%d/%m/%Y")
    assert (d2 - d1).days == 10                             # interval kept for one person
    offset = (d1 - dt.datetime(2021, 2, 1)).days
    assert offset != 0 and -365 <= offset <= 365
    other = ops.shift_days("FR_NIR\x1f190010112345616", (-365, 365))
    assert ops.shift_days("FR_NIR\x1f285072A00412338", (-365, 365)) == offset != other


@pytest.mark.parametrize("entity, value, level, expected", [
    ("DATE_OF_BIRTH", "12/03/1985", 1, "1985"),
    ("DATE_OF_BIRTH", "19850712", 2, "1980-1989"),
    ("FR_POSTAL_CODE", "75011", 1, "75***"),
    ("FR_POSTAL_CODE", "97110", 1, "971**"),      # overseas: 3-digit department
    ("FR_POSTAL_CODE", "75011", 2, "Île-de-France"),
    ("FR_POSTAL_CODE", "20090", 2, "Corse"),      # 20xxx: Corsica (2A and 2B)
    ("AGE", "37", 1, "35-39"),
    ("AGE", "37 ans", 2, "30-39"),
    ("DATE_OF_BIRTH", "pas une date", 1, "<DATE_OF_BIRTH>"),  # never leaks: the label
])
def test_generalise(entity, value, level, expected):
    ops = Operators(load_policy("share"), KEY, levels={entity: level})
    assert ops.apply(Target(entity, value, value)) == expected


def test_mask_and_labels():
    assert mask_text("2 85 07 2A 004 123 38") == "* ** ** ** *** *** **"
    assert mask_text("04 65 71 12 34", keep_last=2) == "** ** ** ** 34"


def test_replace_spans_inner_span_dropped_no_nesting():
    text = "12 rue des Lilas 75011 Paris"
    out = replace_spans(text, [(0, 28, lambda s: "<ADDR>"), (17, 22, lambda s: "<CP>")])
    assert out == "<ADDR>"


@pytest.mark.parametrize("toml, problem", [
    ('default = "shred"', "unknown operator 'shred'"),
    ('[entities]\nNOT_A_TYPE = "drop"', "unknown entity type 'NOT_A_TYPE'"),
    ('[entities]\nPERSON = { operator = "mask", reversible = true }', "reversible applies"),
    ('[shift]\ndays = [10, -10]', "[shift] days must be"),
    ('colour = "blue"', "unknown key 'colour'"),
])
def test_policy_errors_listed(tmp_path, toml, problem):
    path = tmp_path / "p.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_policy(path)
    assert problem in str(exc.value) and str(exc.value).startswith(str(path))


def test_policy_yaml_and_presets(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: mine\ndefault: drop\nentities:\n  FR_NIR: {operator: pseudonym, "
                    "reversible: true}\n", encoding="utf-8")
    p = load_policy(path)
    assert p.default.operator == "drop" and p.spec("FR_NIR").reversible
    assert not load_policy("share").makes_fakes and load_policy("test-data").makes_fakes
    with pytest.raises(ConfigError, match="unknown policy preset|cannot read policy"):
        load_policy("sharing")
