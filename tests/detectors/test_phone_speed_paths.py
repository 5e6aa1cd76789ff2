"""The fast paths of PHONE_NUMBER give libphonenumber's answers (issue 6, speed).

``phone._valid_e164`` decides the plain French forms (trunk 0 or +33, nine digits) with the
regexes of libphonenumber's own French metadata instead of ``phonenumbers.parse``: the answer
must be the one of ``parse`` + ``is_valid_number`` + E.164 formatting, for every range of the
numbering plan. The numbers are synthetic: every 4-digit start of a national number (the
French patterns decide on at most 5 digits: all 5-digit starts of the 8 ranges, where they do)
with fixed endings. The candidate starts of the text path are checked against the regex alone
in ``tests/detectors/test_candidate_starts.py``.
"""

from __future__ import annotations

import re

import phonenumbers
import pytest

from sentinelle.detectors import lexicon, phone


def _reference(raw: str) -> str | None:
    try:
        num = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def _national_numbers() -> list[str]:
    """Nine-digit national numbers: every 4-digit start with two endings, every 5-digit start
    of the 8 ranges (premium rate, shared cost, toll free: patterns on 5 digits)."""
    out = [f"{p}{e}" for p in range(1000, 10000) for e in ("00000", "98765")]
    out += [f"{p}{e}" for p in range(80000, 90000) for e in ("4321",)]
    return out


def test_plain_french_forms_match_libphonenumber():
    wrong = []
    for k, nsn in enumerate(_national_numbers()):
        # the forms a candidate reaches _valid_e164 with: digits only (national, slash, boxed
        # forms; "+33" and digits from a bracketed code), and an international candidate
        # as written, in groups (one written form per number, in turn)
        groups = f"{nsn[0]} {nsn[1:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:9]}"
        forms = ("0" + nsn, "+33" + nsn,
                 ("+33 " + groups, "+33-" + groups.replace(" ", "-"), "+33." + groups.replace(" ", "."))[k % 3])
        for raw in forms:
            if phone._valid_e164(raw) != _reference(raw):
                wrong.append(raw)
    assert wrong == []


@pytest.mark.parametrize("raw, expected", [
    ("0612345678", "+33612345678"),        # mobile (ARCEP: 06)
    ("0145678901", "+33145678901"),        # Paris fixed line (01)
    ("0999999999", "+33999999999"),        # 09: VoIP range, all valid
    ("0800123456", "+33800123456"),        # toll free (080 0-5)
    ("0716202677", None),                  # 07 16: not in the mobile range (73-79)
    ("+33 6 12 34 56 78", "+33612345678"),  # international form in groups
    ("+330612345678", "+33612345678"),      # trunk 0 kept: not a plain form, parse decides
    ("+44 20 7946 0958", "+442079460958"),  # another country: parse decides
])
def test_valid_e164_examples(raw, expected):
    # hand-checked against the ARCEP plan and the libphonenumber demo
    assert phone._valid_e164(raw) == expected


def test_search_at_is_search_from_starts():
    # "ab" at 0 and 5, "abc" at 9: a search resuming one character after each match start
    rx = re.compile(r"ab(?:c)?")
    text = "ab...ab..abc"
    search = lexicon.search_at(rx, text, [0, 5, 9])
    assert [search(0).span(), search(1).span(), search(6).span(), search(10)] == \
        [(0, 2), (5, 7), (9, 12), None]


def test_finditer_resuming_at_skips_rejected_starts():
    # accept only matches that start with "x": "xa" at 4 is kept, "ya" at 0 rejected
    rx = re.compile(r"[xy]a")
    got = [m.span() for m, _ in lexicon.finditer_resuming_at(
        rx, "ya..xa", [0, 4], lambda m: m.group(0).startswith("x"))]
    assert got == [(4, 6)]


def test_padded_encoding_is_per_text_object():
    # two equal texts built apart, and a text with a character outside Latin-1 ("?")
    a = "né le 3 mai " * 3
    b = "".join(["né le 3 mai "] * 3)
    assert lexicon._padded_latin1(a) == lexicon._padded_latin1(b) == b" " + a.encode("latin-1") + b" "
    assert lexicon._padded_latin1("tél. ☎ 06") == b" t\xe9l. ? 06 "
