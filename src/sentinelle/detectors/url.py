"""URL detector: web addresses with a scheme (``http``, ``https``, ``ftp``, ``ftps``) or a
``www.`` host.

Rule source: RFC 3986 (URI generic syntax: scheme, authority, path, query, fragment) for the
form, and the WHATWG URL Standard's practice for where a URL written in prose ends: at
whitespace, ``<``, ``>`` or a quote; trailing punctuation of the sentence (``.`` ``,`` ``;``
``:`` ``!`` ``?`` and closing brackets without an opening one in the URL) is not part of it
(``voir https://example.org/page.`` ends before the dot; ``https://fr.wikipedia.org/wiki/A_(B)``
keeps its parenthesis).

An XML namespace name (``<div xmlns="http://www.w3.org/1999/xhtml">``, ``xmlns:x="..."``; W3C
Namespaces in XML 1.0, section 3) names a vocabulary, not a resource or a person: not reported
(a FHIR narrative ``text.div`` must keep it to stay valid XHTML once redacted).

E-mail addresses are not URLs: a ``www.`` right after ``@`` is the domain of an address, and the
``mailto:`` scheme is left to the e-mail detector. Bare domain names (``example.org``) are not
reported: they name organisations far more often than people.

Scores: a URL is an online identifier (GDPR recital 30) when it carries a person's data, and the
detector can only see where such data sits: a URL with a query string, a fragment, user
information, or a path segment holding an id (5 digits or more, ``~user``) scores 0.7; a plain
site address scores 0.5 in free text and 0.25 in a table cell (a column of FHIR ``system``
URIs or of company sites is not personal data; 0.45 under a URL header). A cue ("lien", "site",
"URL", "link") adds the pipeline's context boost.

Session 12 (new-user trial): a URL whose host is this machine, ``localhost`` or a name under
``.localhost`` (RFC 6761 section 6.3), a loopback address (``127.0.0.0/8``, ``[::1]``) or the
unspecified ``0.0.0.0``, scores 0.2 with no context boost (:meth:`UrlDetector.context_hits_many`):
a README's ``http://localhost:8000`` is no one's address; ``--min-score 0`` still shows it.
The example domains (RFC 2606, RFC 6761) keep their scores: the tests and this detector's
examples use them as stand-ins for a person's URL.

Error preference: a leak scanner prefers a false positive with a low score to a miss: every
URL-shaped string is reported.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.finding import Validation

_PATTERN = re.compile(
    r"(?<![\w@.\-+])"
    r"(?:(?P<scheme>(?:https?|ftps?)://)|(?P<www>www\.))"
    r"[^\s<>\"'`\u00a0\u00ab\u00bb\u201c\u201d]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\")]}*"
_PAIRS = {")": "(", "]": "[", "}": "{"}
#: a URL that carries data (query, fragment, user information, an id in its path)
DATA_SCORE = 0.7
#: a plain site address in free text
PLAIN_SCORE = 0.5
#: a plain site address in a table cell
PLAIN_CELL_SCORE = 0.25
_ID_SEGMENT = re.compile(r"/[^/?#]*(?:\d{5}|~)")
#: the text just before an XML namespace name: ``xmlns="`` or ``xmlns:prefix="``
_XMLNS = re.compile(r"xmlns(?::[\w.\-]+)?\s*=\s*[\"']\Z", re.IGNORECASE)


#: every match of ``_PATTERN`` starts with one of these, in folded text
_STARTS = ("http", "ftp", "www.")


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """``_PATTERN.finditer(text)``, faster (issue 6): a case-insensitive pattern is tried at every
    position of a text; here it is tried only where ``str.find`` sees one of ``_STARTS`` in
    :func:`fold_keep_length` of the text (same offsets; "ſ" folds to "s" as the case-insensitive
    pattern reads it), the next search starting at the end of a match as ``finditer`` does."""
    folded = fold_keep_length(text)
    starts: set[int] = set()
    for key in _STARTS:
        i = folded.find(key)
        while i >= 0:
            starts.add(i)
            i = folded.find(key, i + 1)
    pos = 0
    for start in sorted(starts):
        if start < pos:
            continue
        m = _PATTERN.match(text, start)
        if m is not None:
            yield m
            pos = m.end()


def _trim(raw: str) -> str:
    """Drop trailing sentence punctuation and unbalanced closing brackets."""
    while raw and raw[-1] in _TRAILING:
        ch = raw[-1]
        if ch in _PAIRS and raw.count(_PAIRS[ch]) >= raw.count(ch):
            break  # balanced: "wiki/A_(B)"
        raw = raw[:-1]
    return raw


#: the score of a URL on this machine (:func:`_local`): below the default ``--min-score``
LOCAL_SCORE = 0.2


def _local(url: str, scheme: bool) -> bool:
    """True when the host of ``url`` is this machine: ``localhost`` or ``*.localhost`` (RFC
    6761 section 6.3), a loopback address (RFC 1122 3.2.1.3 ``127.0.0.0/8``, RFC 4291 ``::1``)
    or the unspecified ``0.0.0.0``/``::``, port and user information aside."""
    import ipaddress

    rest = url.split("://", 1)[1] if scheme else url
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    else:
        host = host.split(":", 1)[0].rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


def _carries_data(url: str, scheme: bool) -> bool:
    """True when ``url`` has a query, a fragment, user information or an id-like path segment."""
    rest = url.split("://", 1)[1] if scheme else url
    authority, _, tail = rest.partition("/")
    if "@" in authority or re.search(r"[?#].", rest):
        return True
    return bool(_ID_SEGMENT.search("/" + tail.split("?", 1)[0].split("#", 1)[0]))


def _has_host(url: str, scheme: bool) -> bool:
    rest = url.split("://", 1)[1] if scheme else url
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.endswith("]") or "]:" in host  # IPv6 literal
    host = host.split(":", 1)[0]
    labels = host.split(".")
    return bool(host) and all(labels) and any(ch.isalnum() for ch in host) and (
        scheme or len(labels) >= 3)


class UrlDetector(Detector):
    validation_rule = "RFC 3986 scheme and host; trailing punctuation trimmed"
    rule_source = "RFC 3986; WHATWG URL Standard"
    prefilter = r"https?://|ftps?://|www\."
    name = "url"
    entity = "URL"
    context_words = (
        "url", "urls", "lien", "liens", "site", "site web", "site internet", "page", "adresse web",
        "web", "internet", "link", "website", "web page", "href", "uri", "telecharger", "download",
    )
    header_pattern = (r"(^|_)(url|urls|uri|lien|liens|link|links|href|site|site_web|site_internet|"
                      r"website|web|page|referer|referrer|profil_url|profile_url)(\d*)(_|$)")
    header_value_threshold = 0.2
    value_threshold = 0.8
    examples = Examples(
        positives=(
            ("Résultats sur https://labo.example.org/r?id=8842&nom=Durand.",
             "https://labo.example.org/r?id=8842&nom=Durand"),                 # trailing dot dropped
            ("(voir www.example.fr/patients/durand)", "www.example.fr/patients/durand"),
            ("lien : ftp://files.example.com/export.csv", "ftp://files.example.com/export.csv"),
            ("https://fr.wikipedia.org/wiki/A_(B), cité", "https://fr.wikipedia.org/wiki/A_(B)"),
        ),
        negatives=(
            "écrire à contact@www.example.org",        # an e-mail address
            "mailto:anne@example.org",                  # left to the e-mail detector
            "le site example.org",                      # bare domain
            "http:// rien",                             # no host
            "version www.2",                            # no host labels
            '<div xmlns="http://www.w3.org/1999/xhtml">',  # an XML namespace name
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        for m in _candidates(text):
            raw = _trim(m.group(0))
            scheme = m.group("scheme") is not None
            if not _has_host(raw, scheme):
                continue
            if _XMLNS.search(text, max(0, m.start() - 64), m.start()):
                continue  # an XML namespace name
            end = m.start() + len(raw)
            score = (LOCAL_SCORE if _local(raw, scheme)
                     else DATA_SCORE if _carries_data(raw, scheme) else PLAIN_SCORE)
            yield Match(m.start(), end, score, Validation.NONE, "scheme" if scheme else "www",
                        self.normalize(raw))

    def context_hits_many(self, folded: str, spans: list[tuple[int, int]],
                          window: int = 48) -> list[tuple[str, ...]]:
        """The base method's context words, none for a URL on this machine (:func:`_local`):
        ``url: http://localhost:8000`` stays at 0.2 (session 12)."""
        hits = super().context_hits_many(folded, spans, window)
        return [() if h and _local(folded[s:e], "://" in folded[s:e]) else h
                for h, (s, e) in zip(hits, spans)]

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        for m in self.find(stripped):
            if m.start == 0 and m.end == len(stripped):
                score = (m.score if m.score in (DATA_SCORE, LOCAL_SCORE)
                         else PLAIN_CELL_SCORE)
                return Match(lead, lead + len(stripped), score, m.validation, m.pattern, m.normalized)
        return None

    def normalize(self, value: str) -> str:
        """Scheme and host lower-cased, the rest as written (paths are case-sensitive)."""
        value = value.strip()
        m = re.match(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://)?[^/?#]*", value)
        head = m.group(0) if m else ""
        return head.lower() + value[len(head):]
