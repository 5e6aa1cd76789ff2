"""EMAIL_ADDRESS detector: e-mail addresses as people write them.

Rule source: RFC 5322 section 3.4.1 ``addr-spec`` (dot-atom local part, at most 64 characters
per RFC 5321 section 4.5.3.1.1) restricted to the practical subset seen in documents (letters,
including accented ones for RFC 6531 addresses, digits, ``. _ % + -``), and a domain of
dot-separated labels (RFC 1035: 1-63 characters, no leading or trailing hyphen) ending with an
alphabetic top-level domain of 2-24 letters. ``a@b`` without a dotted domain is not an address.

Linear time (../shared/cases pb-029): the scan starts at each ``@`` and reads the local part
leftwards and the domain rightwards, each bounded; no regex ever starts on the digit soup around.
Addresses separated by whitespace are separate findings (pb-002), except the spaced form
``jean.dupont @ medimail . com`` (one space on each side of the ``@``), which text layers and
anti-spam habits produce: it is read as one address (0.8).

Error preference: a leak scanner prefers a false positive to a miss, so any address-shaped
value is reported (score 0.9, 1.0 with a cue such as "courriel"); only image names such as
``logo@2x.png`` are excluded, since their "domain" is a file extension.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match
from sentinelle.finding import Validation

_LOCAL_MAX = 64
_DOMAIN_MAX = 255
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?P<tld>[^\W\d_]{2,24})(?![\w-]|\.[^\W_])")
#: "jean.dupont @ medimail . com": an address written with spaces around "@" and the dots, as
#: text layers of PDFs and anti-spam habits leave them (bounded, anchored at the "@")
_SPACED_DOMAIN = re.compile(r"(?:[^\W_][\w-]{0,62} ?\. ?){1,4}(?P<tld>[^\W\d_]{2,24})(?![\w-])")
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "ico",
                        "css", "js"})


def _local_char(ch: str) -> bool:
    return ch.isalnum() or ch in "._%+-"


class EmailDetector(Detector):
    validation_rule = "RFC 5322 addr-spec shape, known TLD"
    rule_source = "RFC 5322, IANA TLD list"
    prefilter = r"@"
    name = "email"
    entity = "EMAIL_ADDRESS"
    context_words = (
        "email", "e-mail", "mail", "mails", "courriel", "courriels", "adresse electronique",
        "adresse mail", "mel", "contact", "ecrire", "envoyer", "messagerie", "address",
    )
    header_pattern = (r"(^|_)(e_?mails?|mails?|courriels?|adresse_mail|adresse_electronique|"
                      r"mel|e_?mail_address)(\d*)(_|$)")
    value_threshold = 0.6
    header_value_threshold = 0.2
    examples = Examples(
        positives=(
            ("Contacts : anne.leroy@example.org paul.henry@example.org", "anne.leroy@example.org"),
            ("Contacts : anne.leroy@example.org paul.henry@example.org", "paul.henry@example.org"),
            ("courriel: Marc.Petit+labo@chu-exemple.fr.", "Marc.Petit+labo@chu-exemple.fr"),
            ("<secretariat@labo.example.com>", "secretariat@labo.example.com"),
            ("écrire à hélène.dupont@exemple.fr", "hélène.dupont@exemple.fr"),
            # spaced form seen in EDS-Pseudo snippets (corpus/pii_fr_clinical_eds_pseudo)
            ("Dr A. LABELLE tlabelle @ medimail . com", "tlabelle @ medimail . com"),
        ),
        negatives=(
            "a@b",                                 # no dotted domain
            "rendez-vous @ 10 h . ok",             # spaced "@" without a domain
            "user@localhost",                      # no top-level domain
            "voir logo@2x.png",                    # an image name
            "12-34-56-12-34-56@12-34",             # no alphabetic TLD
            "rendez-vous @ 10.30 demain",
            "x@.org and x@-bad-.org",
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        n = len(text)
        at = text.find("@")
        while at != -1:
            nxt = text.find("@", at + 1)
            m = self._at(text, at, n)
            if m is not None:
                yield m
            at = nxt

    def _at(self, text: str, at: int, n: int) -> Match | None:
        if at > 1 and text[at - 1] == " " and text[at + 1:at + 2] == " ":
            return self._spaced(text, at, n)
        # local part, read leftwards, bounded
        i = at
        while i > 0 and at - i < _LOCAL_MAX and _local_char(text[i - 1]):
            i -= 1
        if i > 0 and _local_char(text[i - 1]):
            return None  # longer than RFC 5321 allows
        while i < at and text[i] in ".-":
            i += 1  # an address does not start with a dot or a hyphen
        local = text[i:at]
        if not local or local.endswith(".") or ".." in local or not any(c.isalnum() for c in local):
            return None
        d = _DOMAIN.match(text, at + 1, min(n, at + 1 + _DOMAIN_MAX))
        if d is None or d.group("tld").lower() in _FILE_TLDS:
            return None
        return Match(i, d.end(), 0.9, Validation.NONE, "email", self.normalize(text[i:d.end()]))

    def _spaced(self, text: str, at: int, n: int) -> Match | None:
        """``local @ domain . tld`` (one space each side of "@"; spaces around dots allowed)."""
        i = at - 1
        while i > 0 and at - 1 - i < _LOCAL_MAX and _local_char(text[i - 1]):
            i -= 1
        local = text[i:at - 1]
        if not local or not any(c.isalnum() for c in local) or local.startswith((".", "-")):
            return None
        d = _SPACED_DOMAIN.match(text, at + 2, min(n, at + 2 + _DOMAIN_MAX))
        if d is None or d.group("tld").lower() in _FILE_TLDS:
            return None
        compact = (local + "@" + text[at + 2:d.end()]).replace(" ", "")
        # written apart on purpose: a little weaker than a plain address
        return Match(i, d.end(), 0.8, Validation.NONE, "email_spaced", self.normalize(compact))

    def normalize(self, value: str) -> str:
        return value.strip().lower()
