"""PHONE_NUMBER detector: French numbers in every written form, and international ``+`` numbers.

Rule source: the French numbering plan (ARCEP, 10 digits ``0Z AB PQ MC DU``, ``+33`` without the
trunk ``0``) and Google's libphonenumber metadata through the ``phonenumbers`` package
(``is_valid_number``, default region FR). Written forms accepted: ``0612345678``,
``06 12 34 56 78``, ``06.12.34.56.78``, ``06-12-34-56-78``, ``+33 6 12 34 56 78``,
``+33 (0)6 12 34 56 78``, ``0033612345678``, and any ``+`` number libphonenumber calls valid
(``+44 20 7946 0958``).

Candidates come from one bounded regex (each repetition consumes a digit, at most 17 of them, so
the scan is linear: ../shared/cases pb-029); after a rejected candidate the search resumes one
character later (pb-037: ``00 06 12 34 56 78`` still yields ``06 12 34 56 78``). A ``+``
candidate that runs into following digits is shortened, group by group, to the longest valid
number.

Error preference: phone numbers have no checksum, and libphonenumber's ranges are the closest
thing to one: a phone-shaped number that libphonenumber rejects is not reported (it is far more
often a reference, an amount or a date). A valid number scores 0.7 without context (above the
default ``--min-score``), 1.0 with a cue such as "tél." or "portable".
"""

from __future__ import annotations

import re
from typing import Iterator

import phonenumbers

from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation

_S = r"[ .\-\u00a0\u202f]"
_PATTERN = re.compile(
    r"(?<![0-9A-Za-z+])(?:"
    # +33 6 12 34 56 78, +33 (0)6 12 34 56 78, +44 20 7946 0958, +1 (650) 253-0000
    rf"(?P<intl>\+{_S}?[1-9](?:{_S}{{0,2}}(?:\(0\){_S}?)?\(?\d\)?){{6,16}})"
    # 0033 6 12 34 56 78
    rf"|(?P<idd>00{_S}?33{_S}?(?:\(0\){_S}?)?[1-9](?:{_S}?\d\d){{4}})"
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678
    rf"|(?P<national>0\d(?:{_S}?\d\d){{4}})"
    r")(?![0-9])"
)
_GROUP_END = re.compile(rf"(?<=[0-9)]){_S}")
_CELL_9 = re.compile(r"[1-9]\d{8}")
_CELL_E164_NO_PLUS = re.compile(r"(?:33|32|41|352)\d{8,9}")


def _parse_valid(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        num = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return None
    return num if phonenumbers.is_valid_number(num) else None


def _e164(num: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def _accept(m: re.Match[str]) -> Match | None:
    raw = m.group(0)
    start = m.start()
    if m.group("intl") is None:
        num = _parse_valid(raw)
        kind = "fr_idd" if m.group("idd") else "fr_national"
        return Match(start, m.end(), 0.7, Validation.VALID, kind, _e164(num)) if num else None
    # "+..." candidate: the longest valid prefix that ends a digit group
    ends = [len(raw.rstrip(")"))] + [g.start() for g in _GROUP_END.finditer(raw)][::-1]
    seen: set[int] = set()
    for end in ends:
        if end in seen:
            continue
        seen.add(end)
        cand = raw[:end]
        if sum(c.isdigit() for c in cand) < 7:
            break
        num = _parse_valid(cand)
        if num is not None:
            return Match(start, start + end, 0.7, Validation.VALID, "international", _e164(num))
    return None


class PhoneDetector(Detector):
    validation_rule = "numbering plan (phonenumbers)"
    rule_source = "ARCEP French numbering plan; ITU-T E.164"
    name = "phone"
    entity = "PHONE_NUMBER"
    context_words = (
        "numero", "numeros", "n de tel", "tel", "tels", "telephone", "telephones", "telephoner",
        "portable", "mobile", "fixe", "domicile", "standard", "fax", "gsm", "joindre", "appeler",
        "rappeler", "contact", "contacter", "sms", "phone", "cell", "cellphone", "call",
        "whatsapp",
    )
    header_pattern = (r"(^|_)(tel|tels|telephone|telephones|phone|phones|portable|mobile|gsm|"
                      r"fixe|fax|cellulaire|cell|numtel|teldom|telport|msisdn)(\d*)(_|$)")
    value_threshold = 0.6
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Les numéros sont 01 99 00 12 34 et 06 98 76 54 32.", "01 99 00 12 34"),  # pb-004
            ("Mon numéro : 04.65.71.12.34, ou", "04.65.71.12.34"),                      # pb-019
            ("ou +33 6 98 76 54 32.", "+33 6 98 76 54 32"),                              # pb-019
            ("Tél. 04 65 71 12 34", "04 65 71 12 34"),                                   # pb-031
            ("Réf. 00 06 12 34 56 78 (portable)", "06 12 34 56 78"),                     # pb-037
            ("appeler le +33 (0)6 12 34 56 78 demain", "+33 (0)6 12 34 56 78"),
            ("0033612345678", "0033612345678"),
            ("fax 06-12-34-56-78", "06-12-34-56-78"),
            ("London office +44 20 7946 0958", "+44 20 7946 0958"),
        ),
        negatives=(
            "Lot 0012345678 expédié",          # 00 is an international prefix: +12345678 is invalid
            "0000000000",                      # no such range
            "12-34-56-12-34-56-12-34-56-",    # pb-029 digit soup
            "Montant 00 06 12 34 56",         # 00 prefix, too short after it
            "n° 12345678901234",
            "ISBN 978-2-07-036822-8",
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        for _m, res in finditer_resuming(_PATTERN, text, _accept):
            yield res

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        m = super().match_cell(value, header_hit)
        if m is not None or not header_hit:
            return m
        # under a phone header, spreadsheets drop the leading 0 (612345678) or the "+" (33612345678)
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        if _CELL_9.fullmatch(stripped):
            num = _parse_valid("0" + stripped)
        elif _CELL_E164_NO_PLUS.fullmatch(stripped):
            num = _parse_valid("+" + stripped)
        else:
            return None
        if num is None:
            return None
        return Match(lead, lead + len(stripped), 0.7, Validation.VALID, "cell_digits", _e164(num))

    def normalize(self, value: str) -> str:
        num = _parse_valid(value)
        if num is not None:
            return _e164(num)
        return "".join(c for c in value if c.isdigit() or c == "+")
