"""IpAddressDetector: IPv4/IPv6 parsed by ipaddress; versions, OIDs, times, MACs are not addresses.

Addresses are from the documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24; RFC 3849: 2001:db8::/32) or private/special ranges.
"""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.ip_address import IpAddressDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = IpAddressDetector()


def _found(pipeline, text):
    return [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "IP_ADDRESS"]


@pytest.mark.parametrize("text, span, score", [
    ("Connexion depuis l'adresse IP 203.0.113.42 à 08:42", "203.0.113.42", 1.0),   # cue
    ("le poste 198.51.100.7 a imprimé", "198.51.100.7", 0.7),                        # no cue
    ("client=198.51.100.7:51234", "198.51.100.7", 1.0),                              # port not in span
    ("IP:203.0.113.42.", "203.0.113.42", 1.0),                                       # sentence end
    ("IPv6 : 2001:db8::8a2e:370:7334.", "2001:db8::8a2e:370:7334", 1.0),
    ("hôte 2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:0db8:0000:0000:0000:ff00:0042:8329", 1.0),
    ("[2001:db8::1]:443", "2001:db8::1", 0.7),                                       # bracketed with port
    ("lien fe80::1%eth0", "fe80::1", 0.7),                                           # link-local, zone
    ("::ffff:192.0.2.1", "::ffff:192.0.2.1", 0.7),                                  # IPv4-mapped: one span
    ("réseau 10.1.2.3", "10.1.2.3", 0.7),                                            # private: still a device
    # not yet allocated by IANA ("reserved" for ipaddress) but a valid address (presidio-research)
    ("address 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked",
     "6e40:4041:c617:e898:c11:40d2:c669:2eb4", 0.7),
])
def test_found(text, span, score, pipeline):
    assert _found(pipeline, text) == [(span, score)]


@pytest.mark.parametrize("text", [
    "version 1.2.3.4",                            # a version number: 0.2
    "v1.2.3.4",                                   # inside a token
    "article 1.2.3.4 du règlement",              # a section number
    "OID INS-NIR 1.2.250.1.213.1.4.8",            # a longer dotted number (ANS INS OID)
    "1.2.3.4.5",
    "Horodatage 2024-11-05 08:42:13.120000 ; prélèvement effectué.",   # ../shared/cases pb-022
    "Lot 2024-13-15T14:30:00Z, prélèvement du 2024-12-02T09:15:00Z.",   # pb-023
    "le 12.05.2024 à 10.30",                      # a date
    "01.02.03.04",                                # leading zeros: not an address form
    "MAC 00:1a:2b:3c:4d:5e",                      # a MAC address
    "999.1.1.1",                                  # octet above 255
    "écoute sur 0.0.0.0 et 127.0.0.1",            # unspecified and loopback: 0.2
    "masque 255.255.255.0",                       # netmask-like
    "std::vector<int>",                           # C++
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


@pytest.mark.parametrize("text, score", [
    ("0.0.0.0", 0.2), ("127.0.0.1", 0.2), ("224.0.0.1", 0.2), ("::1", 0.2), ("ff02::1", 0.2),
    ("a::b", 0.2), ("240.0.0.1", 0.2),
    ("version 203.0.113.42", 0.2), ("203.0.113.42", 0.7),
])
def test_low_scores_are_kept(text, score):
    assert [m.score for m in DET.find(text)] == [score]
    assert all(m.validation is Validation.VALID for m in DET.find(text))


def test_normalized_form():
    m, = DET.find("2001:0DB8:0000:0000:0000:0000:0000:0001")
    assert m.normalized == "2001:db8::1"


@pytest.mark.parametrize("header, hit", [
    ("ip", True), ("IP", True), ("adresse_ip", True), ("Adresse IP", True), ("ip_address", True),
    ("remote_addr", True), ("client_ip", True), ("ipv6", True), ("last_ip", True),
    ("ipp", False), ("zip", False), ("description", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_log_table():
    p = Pipeline(build(), Config())
    unit = TableUnit(Location("acces.csv"), ("date", "ip"),
                     iter([TableBatch(0, [["2024-11-05", "2024-11-06"], ["203.0.113.42", "2001:db8::1"]])]))
    found = [f for b in p.analyze_table(unit) for f in b if f.entity_type == "IP_ADDRESS"]
    assert [(f.location.row, f.value, f.score, f.evidence.header) for f in found] == [
        (0, "203.0.113.42", 0.9, "ip"), (1, "2001:db8::1", 0.9, "ip")]
