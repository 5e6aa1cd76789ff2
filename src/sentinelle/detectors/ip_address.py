"""IP_ADDRESS detector: IPv4 and IPv6 addresses (online identifiers, GDPR recital 30).

Rule source: RFC 791 IPv4 addresses in dotted-decimal form (four octets 0-255; leading zeros
refused, as some parsers read them as octal: RFC 6943 section 3.1.1) and RFC 4291 section 2.2 /
RFC 5952 IPv6 text forms (eight hexadecimal groups, ``::`` for a run of zero groups, an embedded
IPv4 tail), validated by the standard library's :mod:`ipaddress`.
Special ranges from the IANA special-purpose address registries (RFC 6890) as
:mod:`ipaddress` knows them.

Candidates are whole tokens: an IPv4 address is not part of a longer dotted number (an OID such as
``1.2.250.1.213.1.4.8``, a version ``1.2.3.4.5``); an IPv6 candidate needs at least two colons
and a valid parse, so times (``08:42:13``) and MAC addresses (``00:1a:2b:3c:4d:5e``) are not
addresses. A port after the address (``192.0.2.10:8080``) is not part of the span.

Scores: an address that can point to a device or a person (global or private unicast, link-local,
shared) scores 0.7, 1.0 with a cue ("adresse IP", "IP", "connexion depuis", "client"...).
Addresses that identify no one (unspecified ``0.0.0.0``/``::``, loopback, multicast, IPv4
reserved, broadcast and netmask-like ``255.255.255.0``, IPv6 ``::/8``) and a dotted quad right after a version or section
word (``version 1.2.3.4``, ``article 1.2.3.4``) score 0.2: kept, below the default
``--min-score``.
Session 12 (new-user trial: ``host = 127.0.0.1`` in a config failed the CI gate at 0.5): these
kinds get no context boost (:meth:`IpAddressDetector.context_hits_many`), so a cue ("host",
"server", "IP") no longer lifts them to the default ``--min-score``; ``--min-score 0`` still
shows them. The documentation ranges (RFC 5737, RFC 3849) keep 0.7: the tests and the
detector's examples use them as stand-ins for a person's address.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so nothing
address-shaped that parses is dropped; the non-personal kinds are only scored low.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from sentinelle.detectors import digit_runs
from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.finding import Validation

#: speed (issue 6): both patterns read their first character before the lookbehinds (the
#: engine then skips to the next candidate character fast); the matches are those of
#: ``(?<![0-9A-Za-z.])(?:\d{1,3}\.){3}\d{1,3}...`` and of
#: ``(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}...`` (at least two
#: colons ahead: after a first colon, one more; after a first hex digit, two)
_V4 = re.compile(r"\d(?<![0-9A-Za-z.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![0-9A-Za-z]|\.\d)")
_V6 = re.compile(
    r"[0-9A-Fa-f:](?<![0-9A-Za-z:.][0-9A-Fa-f:])"
    r"(?:(?<=:)(?=[0-9A-Fa-f]*:)|(?<=[0-9A-Fa-f])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:))"
    r"[0-9A-Fa-f:]{1,38}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?![0-9A-Za-z:]|\.\d)"
)
_VERSION_BEFORE = re.compile(
    r"(?:version|vers|ver|release|build|rev|revision|v|firmware|article|art|section|chapitre|"
    r"chapter|paragraphe|norme|iso|oid)\.?[ \u00a0:]*$"
)
#: two colons with only hex digits between them: every :data:`_V6` match holds one (its
#: lookahead asks for two colons in its run of hex digits and colons, and the match runs to the
#: end of that run), found first in the run by a search led by the literal ":"
_V6_ANCHOR = re.compile(r":[0-9A-Fa-f]*:")
#: characters around an anchor where a match and what its lookarounds read can lie (IPv6: 39
#: characters and a 15-character IPv4 tail at most; IPv4: 15; lookarounds: 2 before, 2 after)
_V6_MARGIN = 64
_V4_MARGIN = 32


def _v4_anchors(runs):
    """Every :data:`_V4` match holds four runs of digits separated by single dots (issue 6,
    :mod:`sentinelle.detectors.digit_runs`)."""
    return digit_runs.groups(runs, (1, 1, 1, 1), ".")


def _v6_matches(text: str):
    """``_V6.finditer(text)``, on windows around :data:`_V6_ANCHOR` for a long text."""
    if digit_runs.digit_runs(text) is None:
        return _V6.finditer(text)
    import numpy as np

    spans = [(m.start(), m.end()) for m in _V6_ANCHOR.finditer(text)]
    if not spans:
        return iter(())
    starts, ends = np.array(spans, dtype=np.int64).T
    wins = digit_runs.windows(starts, ends, _V6_MARGIN, len(text))
    return (m for m, _res in digit_runs.search_windows(_V6, text, wins))


SCORE = 0.7
LOW_SCORE = 0.2


def _score(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> float:
    if addr.is_unspecified or addr.is_loopback or addr.is_multicast:
        return LOW_SCORE
    if addr.version == 4:
        # 240.0.0.0/4 reserved (class E), broadcast, and netmask-like 255.x.x.x
        return LOW_SCORE if addr.is_reserved or int(addr) >> 24 == 255 else SCORE
    # IPv6 "reserved" in ipaddress means not yet allocated by IANA (most of the space): only
    # the ::/8 block (code-like "a::b", "12:34::") is scored low
    return LOW_SCORE if int(addr) >> 120 == 0 else SCORE


def _identifies_no_one(span: str) -> bool:
    """True when ``span`` (a candidate's folded text) is an address :func:`_score` scores low
    for what it is (unspecified, loopback, multicast, reserved, netmask-like, IPv6 ``::/8``)."""
    try:
        addr = ipaddress.ip_address(span)
    except ValueError:
        return False
    mapped = addr.ipv4_mapped if addr.version == 6 else None
    return _score(mapped or addr) == LOW_SCORE


class IpAddressDetector(Detector):
    validation_rule = "IPv4/IPv6 text forms parsed by Python's ipaddress; special ranges low"
    rule_source = "RFC 791, RFC 4291, RFC 5952, RFC 6890"
    #: (issue 6) an IPv4 dotted quad that is not part of a longer dotted number, or the "::"
    #: or six "h:" groups every valid IPv6 text form holds (RFC 4291 2.2: eight groups, or six
    #: and an IPv4 tail, or "::"). The quad's runs of digits are whole (not after or before a
    #: digit or a dot, but a dot followed by a non-digit): times ("08:51:35") and dotted phone
    #: numbers ("06.75.38.62.52", five groups), which fired the former ``\d\.\d{1,3}\.\d|
    #: :[0-9a-f]*:`` on every lab report, do not. The first and last groups take any number of
    #: digits: "¹²³¼½¾" fold to digits, so a footnote mark glued to an address ("10.0.0.1²")
    #: still fires (the one case left out, a mark between a dot and the address, ".²10.0.0.1",
    #: is not text anyone writes). The characters read around the quad may be a line end: the
    #: window of its line (see ``prefilter.WINDOWS``) then starts right after the address,
    #: which lies within the window's reach (an address is 15 characters at most). ASCII
    #: digits, or any non-ASCII digit (``digit_runs.OTHER_DIGIT``, hyperscan-friendly, session 9)
    prefilter = (r"(?:^|[^.0-9])[0-9]+\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]+(?:[^.0-9]|\.[^0-9]|\.?$)"
                 r"|::|(?:[0-9a-f]{1,4}:){6}|" + digit_runs.OTHER_DIGIT)
    name = "ip_address"
    entity = "IP_ADDRESS"
    context_words = (
        "ip", "adresse ip", "ip address", "ipv4", "ipv6", "addr", "remote_addr", "remote addr",
        "x-forwarded-for", "client", "client ip", "connexion", "connecte", "connected", "login",
        "from", "depuis", "source", "src", "host", "hote", "serveur", "server", "routeur", "router",
    )
    header_pattern = (r"(^|_)(ip|ips|ipv4|ipv6|adresse_ip|ip_address|ip_addr|ip_adress|addr_ip|"
                      r"remote_addr|remote_ip|client_ip|src_ip|dst_ip|source_ip|last_ip|ip_connexion|"
                      r"derniere_ip|host|hote)(\d*)(_|$)")
    header_value_threshold = 0.2
    value_threshold = 0.8
    examples = Examples(
        positives=(
            ("Connexion depuis l'adresse IP 203.0.113.42 à 08:42", "203.0.113.42"),  # RFC 5737
            ("client=198.51.100.7:51234", "198.51.100.7"),                           # port not in span
            ("IPv6 : 2001:db8::8a2e:370:7334.", "2001:db8::8a2e:370:7334"),          # RFC 3849
            ("from 192.168.1.20", "192.168.1.20"),                                   # private, still a device
        ),
        negatives=(
            "version 1.2.3.4",                          # a version number
            "OID INS-NIR 1.2.250.1.213.1.4.8",          # a longer dotted number
            "Horodatage 2024-11-05 08:42:13.120000",   # ../shared/cases pb-022: a time
            "le 12.05.2024 à 10.30",                    # a date
            "masque 255.255.255.0",                     # a netmask
            "MAC 00:1a:2b:3c:4d:5e",                    # a MAC address, not IPv6
            "999.1.1.1",                                # octet above 255
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        v6_spans: list[tuple[int, int]] = []
        if ":" in text:
            for m in _v6_matches(text):
                raw = m.group(0)
                try:
                    addr6 = ipaddress.IPv6Address(raw)
                except ValueError:
                    continue
                if sum(1 for g in raw.split(":") if g) < 2 and raw != "::1":
                    continue  # "a::", "::f": too little to be an address in text
                v6_spans.append((m.start(), m.end()))
                yield Match(m.start(), m.end(), _score(addr6.ipv4_mapped or addr6), Validation.VALID,
                            "ipv6", addr6.compressed)
        for m, _res in digit_runs.anchored(_V4, text, None, _v4_anchors, _V4_MARGIN):
            if any(s <= m.start() < e for s, e in v6_spans):
                continue  # the IPv4 tail of an IPv6 address (::ffff:192.0.2.1)
            try:
                addr = ipaddress.IPv4Address(m.group(0))
            except ValueError:
                continue
            score = _score(addr)
            before = fold_keep_length(text[max(0, m.start() - 16):m.start()])
            if _VERSION_BEFORE.search(before):
                score = LOW_SCORE
            yield Match(m.start(), m.end(), score, Validation.VALID, "ipv4", str(addr))

    def context_hits_many(self, folded: str, spans: list[tuple[int, int]],
                          window: int = 48) -> list[tuple[str, ...]]:
        """The base method's context words, none for an address that identifies no one
        (:func:`_identifies_no_one`): ``host = 127.0.0.1`` stays at 0.2, below the default
        ``--min-score`` (session 12)."""
        hits = super().context_hits_many(folded, spans, window)
        return [() if h and _identifies_no_one(folded[s:e]) else h
                for h, (s, e) in zip(hits, spans)]

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        try:
            addr = ipaddress.ip_address(stripped)
        except ValueError:
            return None
        mapped = addr.ipv4_mapped if addr.version == 6 else None
        return Match(lead, lead + len(stripped), _score(mapped or addr), Validation.VALID, "cell",
                     addr.compressed)

    def normalize(self, value: str) -> str:
        try:
            return ipaddress.ip_address(value.strip()).compressed
        except ValueError:
            return value.strip().lower()
