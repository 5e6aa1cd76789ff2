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

Tables: :meth:`EmailDetector.match_column` decides with Polars the cells without an "@" and the
cells that are one plain ASCII address (the common case in a mail column, about 4 times faster
than the ``match_cell`` loop: bench/phone_dates_speed.py); the other cells go through
``match_cell``. :func:`sentinelle.detectors.columnar.decide` (shared with the phone and date
detectors) joins both.
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

    def match_column(self, values, header_hit: bool):
        if len(values) < COLUMN_MIN_VALUES:  # Polars' fixed cost (~1 ms per expression) loses
            return super().match_column(values, header_hit)
        return _match_column(self, values, header_hit)

    def normalize(self, value: str) -> str:
        return value.strip().lower()


#: below this many distinct values, ``match_column`` loops ``match_cell`` (the Polars path has a
#: fixed cost of about 1 ms per expression; bench/phone_dates_speed.py); shared by the phone,
#: date and e-mail detectors
COLUMN_MIN_VALUES = 64

#: a whole cell that is a plain ASCII address (no blank, one "@"): decided by Polars alone
_COLUMN_EMAIL = (r"^[A-Za-z0-9_%+][A-Za-z0-9._%+-]{0,63}@"
                 r"(?:[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})$")


def _match_column(det: EmailDetector, values, header_hit: bool):
    """:meth:`EmailDetector.match_column`: Polars string expressions decide the cells without
    an "@" (no address) and the plain ASCII addresses filling the cell (the common case in a
    mail column); every other cell (blanks around it, non-ASCII letters, the spaced form, odd
    dots) goes through :meth:`EmailDetector.match_cell`."""
    import polars as pl

    from sentinelle.detectors.columnar import decide

    tld = pl.col("v").str.extract(_COLUMN_EMAIL, 1).str.to_lowercase()
    local = pl.col("v").str.extract(r"^([^@]*)@", 1)
    plain = (pl.col("v").str.contains(_COLUMN_EMAIL) & ~tld.is_in(sorted(_FILE_TLDS))
             & local.str.contains(r"[A-Za-z0-9]") & ~local.str.contains(r"\.\.")
             & ~local.str.ends_with("."))
    columns = dict(
        start=pl.lit(0, pl.Int32),
        end=pl.col("v").str.len_chars().cast(pl.Int32),
        score=pl.lit(0.9, pl.Float64),
        validation=pl.lit("none", pl.Utf8),
        pattern=pl.lit("email", pl.Utf8),
        normalized=pl.col("v").str.to_lowercase(),
        entity=pl.lit(None, pl.Utf8),
    )
    no_at = ~pl.col("v").str.contains("@", literal=True)
    return decide(det, values, header_hit, columns, no_at | plain, plain)


def merge_column(det: Detector, values, res, decided, hit, header_hit: bool):
    """The :meth:`Detector.match_column` frame from a vectorised result ``res`` (the schema
    columns, one row per value), the rows it ``decided`` and, among them, the ``hit`` rows:
    undecided rows are computed by :meth:`Detector.match_cell` (the base default loop), decided
    non-hit rows are null. Used by the street address detector (the others use
    :func:`sentinelle.detectors.columnar.decide`)."""
    import polars as pl

    from sentinelle.detectors.base import column_schema

    schema = column_schema()
    cols = list(schema)
    out = res.select([pl.when(hit).then(pl.col(c)).otherwise(None).cast(t).alias(c)
                      for c, t in schema.items()])
    undecided = (~decided).arg_true()
    if undecided.len() == 0:
        return out
    fb = Detector.match_column(det, values.gather(undecided), header_hit)
    idx = pl.Series("i", range(len(values)), dtype=pl.UInt32)
    keep = out.with_columns(i=idx).filter(decided)
    return pl.concat([keep, fb.with_columns(i=undecided.cast(pl.UInt32))]).sort("i").select(cols)
