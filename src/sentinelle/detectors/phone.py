"""PHONE_NUMBER detector: French numbers in every written form, and international ``+`` numbers.

Rule source: the French numbering plan (ARCEP, 10 digits ``0Z AB PQ MC DU``, ``+33`` without the
trunk ``0``) and Google's libphonenumber metadata through the ``phonenumbers`` package
(``is_valid_number``, default region FR). Written forms accepted: ``0612345678``,
``06 12 34 56 78``, ``06.12.34.56.78``, ``06-12-34-56-78``, ``+33 6 12 34 56 78``,
``+33 (0)6 12 34 56 78``, ``(33) 1 45 56 78 90``, ``06/12/34/56/78``, ``0033612345678``, and any ``+`` number libphonenumber calls valid
(``+44 20 7946 0958``).

Candidates come from one bounded regex (each repetition consumes a digit, at most 17 of them, so
the scan is linear: ../shared/cases pb-029); after a rejected candidate the search resumes one
character later (pb-037: ``00 06 12 34 56 78`` still yields ``06 12 34 56 78``). A ``+``
candidate that runs into following digits is shortened, group by group, to the longest valid
number.

Error preference: phone numbers have no checksum, and libphonenumber's ranges are the closest
thing to one. A valid number scores 0.7 without context (above the default ``--min-score``),
1.0 with a cue such as "tél." or "portable". A number in the French national format
(``0`` + 9 digits) that libphonenumber finds in no assigned range is still phone-shaped (ranges
get reassigned, forms hold made-up or old numbers): 0.5 when written in two-digit groups with
one separator (``07 17 67 43 30``), 0.4 otherwise, so a cue is needed to report a bare
``0716202677``. International candidates libphonenumber rejects are not reported (far more
often a reference or an amount). A national number may follow letters without a space
("le0534526547", common in exports); digits written one per box (``0 5 0 7 1 1 0 7 7 7``, a
CERFA form's text layer) are read too.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

import phonenumbers

from sentinelle.detectors.base import Detector, Examples, Match, finditer_resuming
from sentinelle.finding import Validation

_S = r"[ .\-\u00a0\u202f]"
_PATTERN = re.compile(
    r"(?:(?<![0-9A-Za-z+])(?:"
    # +33 6 12 34 56 78, +33 (0)6 12 34 56 78, +44 20 7946 0958, +1 (650) 253-0000
    rf"(?P<intl>\+{_S}?[1-9](?:{_S}{{0,2}}(?:\(0\){_S}?)?\(?\d\)?){{6,16}})"
    # 0033 6 12 34 56 78
    rf"|(?P<idd>00{_S}?33{_S}?(?:\(0\){_S}?)?[1-9](?:{_S}?\d\d){{4}})"
    # (33) 1 45 56 78 90, (33) 0 1 45 56 78 90: the country code in brackets, as French
    # letterheads write it
    rf"|(?P<paren>\(33\){_S}?(?:\(?0\)?{_S}?)?[1-9](?:{_S}?\d\d){{4}})"
    # a national number may follow a word without a space ("Accueil04-52-07-62-44", OCR and
    # form exports glue them); not a digit or a "+"
    r")|(?<![0-9+])(?:"
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678
    rf"(?P<national>0[1-9](?:{_S}?\d\d){{4}})"
    # 06/28/42/50/36
    r"|(?P<slash>0[1-9](?:/\d\d){4})"
    # 0 6 1 2 3 4 5 6 7 8: one digit per box, as a form (CERFA) reads once its text is extracted
    # (not a run cut out of a longer one: a boxed NIR holds ten boxes starting with 0)
    r"|(?<!\d[ .\-])(?P<boxed>0(?: ?[ .\-] ?[1-9])(?: ?[ .\-] ?\d){8})(?! ?[ .\-] ?\d)"
    r"))(?![0-9])"
)
#: a national number in 2-digit groups with one repeated separator ("07 17 67 43 30")
_GROUPED = re.compile(r"0\d([ .\-])\d\d(?:\1\d\d){3}")
#: score of a French-format number that libphonenumber finds in no assigned range: reported when
#: grouped like a phone number, otherwise only with a cue (context boost)
UNASSIGNED_GROUPED_SCORE = 0.5
UNASSIGNED_SCORE = 0.4
_GROUP_END = re.compile(rf"(?<=[0-9)]){_S}")
_CELL_9 = re.compile(r"[1-9]\d{8}")
_CELL_E164_NO_PLUS = re.compile(r"(?:33|32|41|352)\d{8,9}")


@functools.lru_cache(maxsize=1 << 14)  # numbers repeat across rows and files; callers only read it
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
        digits = "".join(c for c in raw if c.isdigit())
        if m.group("paren"):
            digits = "33" + digits[2:].lstrip("0")
            num = _parse_valid("+" + digits)
        else:
            num = _parse_valid(digits)
        kind = next(k for k in ("idd", "paren", "national", "slash", "boxed") if m.group(k))
        if num is not None:
            return Match(start, m.end(), 0.7, Validation.VALID, f"fr_{kind}", _e164(num))
        if kind in ("idd", "paren"):
            return None
        # a French-format number in no assigned range (unassigned today, reassigned, or made
        # up for a form): phone-shaped, so kept with a lower score
        score = UNASSIGNED_GROUPED_SCORE if _GROUPED.fullmatch(raw) else UNASSIGNED_SCORE
        return Match(start, m.end(), score, Validation.NONE, f"fr_{kind}_unassigned",
                     "+33" + digits[1:])
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
    #: "+", "(33)", or a 0 followed by a digit 1-9 (national, slash, boxed and 00 33 forms)
    prefilter = r"\+|\(33\)|0 ?[ .\-\u00a0\u202f]? ?[1-9]"
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
            # French letterhead form, seen in EDS-Pseudo snippets (corpus/pii_fr_clinical_eds_pseudo)
            ("Téléphone : (33) 1 45 56 78 90 - Fax", "(33) 1 45 56 78 90"),
            ("Dr A. Anan 06/28/42/50/36", "06/28/42/50/36"),
            # the forms below are also from EDS-Pseudo snippets (hand-checked)
            ("Tel: 0 1 5 6 3 1 5 2 5 6", "0 1 5 6 3 1 5 2 5 6"),      # one digit per form box
            ("Accueil04-52-07-62-44", "04-52-07-62-44"),              # glued to the word before
            ("Dr VUARNESSON 07 17 67 43 30", "07 17 67 43 30"),       # unassigned range, grouped
            ("appeler notre ligne au 0711326756", "0711326756"),      # unassigned, with a cue
        ),
        negatives=(
            "Lot 0012345678 expédié",          # 00 is an international prefix: +12345678 is invalid
            "0000000000",                      # no such range
            "le 06/12/1984 à 10h",             # a date with slashes is not a phone number
            "Commande 0716202677 expédiée",    # unassigned range, not grouped, no cue: 0.4
            "Tel 2 7 3 0 3 8 1 8 2 3 5 3 8",   # ten boxes inside a boxed NIR body (EDS-Pseudo)
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
