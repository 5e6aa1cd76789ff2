"""CredentialDetector: labelled passwords, hash formats, hex digests only with a cue or header,
and a masked value that shows nothing of the secret.

Passwords are invented; hashes have the published formats but are not hashes of any real
password (their characters are arbitrary).
"""

from __future__ import annotations

import csv
import json

import pytest

import sentinelle
from sentinelle.config import Config
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.credential import CredentialDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.privacy import KeyedHasher
from sentinelle.readers.base import TableBatch, TableUnit

DET = CredentialDetector()
BCRYPT = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuyV6fsaFAuCMOhI.T/wQT6zBR28YiPDa"          # $2b$ + cost + 53
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxMjM$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
MD5CRYPT = "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"                                   # 8 + 22
SHA512CRYPT = "$6$rounds=5000$saltsalt$" + "Ab1./" * 17 + "x"                    # 86 characters
YESCRYPT = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7"
DJANGO = "pbkdf2_sha256$260000$c2FsdHNhbHQ$uDzHd4xK6d3Gm2qkqgT0pSx1r2p3mGm3l8P+6bNfV0E="
LDAP = "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g9aWnM"
MD5_HEX = "5f4dcc3b5aa765d61d8327deb882cf99"


def _found(pipeline, text):
    return [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
            if f.entity_type == "CREDENTIAL"]


@pytest.mark.parametrize("text, secret", [
    ("Identifiant : jdupont / mot de passe : Soleil2024!", "Soleil2024!"),
    ("MDP=Lyon_69(bis).", "Lyon_69(bis)"),                       # balanced bracket kept, dot out
    ('{"login": "jdupont", "password": "s3cr3t pass"}', "s3cr3t pass"),   # JSON, quoted, space
    ("DB_PASSWORD='Xk9#pL2q' ./run.sh", "Xk9#pL2q"),              # shell, prefixed key
    ("le mot de passe est Azerty123.", "Azerty123"),              # prose with a digit
    ("Your password is: hunter2", "hunter2"),
    ("Mot de passe (provisoire) : Tmp-4421", "Tmp-4421"),
    ("mot de passe provisoire : Tmp-4421", "Tmp-4421"),
    ("pwd=abc123&user=jdupont", "abc123"),                       # query string
    ("passwd => 'x y z'", "x y z"),
    ("mdp: azerty, login: jdupont", "azerty"),
    ("Password:\tW1nter", "W1nter"),
])
def test_labelled(text, secret, pipeline):
    assert _found(pipeline, text) == [(secret, 1.0)]


@pytest.mark.parametrize("text, found", [
    ("smtp_pass: Mail2024", [("Mail2024", 0.9)]),              # a label that is not a cue word
    # RFC 3986 user information: the password alone; it beats the e-mail-shaped
    # "Pg5ecret@db.example.org" and the URL around it
    ("postgres://app:Pg5ecret@db.example.org:5432/lab", [("Pg5ecret", 0.95)]),
    ("https://admin:S3cret@intranet.example.org/", [("S3cret", 0.95)]),
])
def test_labelled_without_cue_word(text, found, pipeline):
    assert _found(pipeline, text) == found
    assert [f.entity_type for f in pipeline.analyze_text(text, Location("t"))] == ["CREDENTIAL"]


@pytest.mark.parametrize("value", [BCRYPT, ARGON2, MD5CRYPT, SHA512CRYPT, YESCRYPT, DJANGO, LDAP,
                                   "$apr1$abcdefgh$qjXMvbEw8oaL.CzflDugX/"])
@pytest.mark.parametrize("template", ["{}", "jdupont:{}:1001:1001::/home/jdupont:/bin/sh",
                                      "INSERT INTO users VALUES (1,'jdupont','{}');"])
def test_hash_formats_without_cue(value, template, pipeline):
    text = template.format(value)
    assert _found(pipeline, text) == [(value, 0.9)]


@pytest.mark.parametrize("text, found", [
    (f"password hash: {MD5_HEX}", [(MD5_HEX, 1.0)]),                 # labelled ("password hash:")
    (f"login jdupont {MD5_HEX}", [(MD5_HEX, 0.5)]),                  # hex + cue "login": 0.2 + 0.3
    (f"md5 {MD5_HEX}", []),                                          # a checksum: no password cue
    ("commit da39a3ee5e6b4b0d3255bfef95601890afd80709", []),        # SHA-1 commit id
])
def test_hex_digests_need_a_cue(text, found, pipeline):
    assert _found(pipeline, text) == found


@pytest.mark.parametrize("text", [
    "Mot de passe : oublié ?",           # a word after the label
    "password: ********",                # already masked
    "mot de passe : ••••••",
    "PASSWORD=${DB_PASSWORD}",           # a template
    "password = %(pwd)s",
    "password: <your password>",
    "le mot de passe est long",          # prose: no digit or symbol
    "password: null",
    'password: ""',
    "Pass sanitaire : valide",           # not a password label
    "passage : 12",
    "$2b$12$tooShort",                   # not the bcrypt length
])
def test_not_reported(text, pipeline):
    assert _found(pipeline, text) == []


def test_masked_value_shows_nothing(pipeline):
    text = "mot de passe : Soleil2024!"
    f, = [f for f in pipeline.analyze_text(text, Location("t")) if f.entity_type == "CREDENTIAL"]
    assert f.masked == "*" * len("Soleil2024!")
    assert "Soleil" not in repr(f) and "2024" not in repr(f)
    record = json.dumps(f.to_record(KeyedHasher(b"test-key-not-secret")))
    assert "Soleil" not in record and "2024" not in record and "!" not in record


def test_normalize_keeps_case():
    assert DET.normalize(" Soleil2024! ") == "Soleil2024!"
    assert DET.normalize(MD5_HEX.upper()) == MD5_HEX


@pytest.mark.parametrize("header, hit", [
    ("password", True), ("Password", True), ("mdp", True), ("mot_de_passe", True),
    ("Mot de passe", True), ("passwd", True), ("pwd", True), ("password_hash", True),
    ("hashed_password", True), ("user.password", True), ("pass", True), ("pass2", True),
    ("hash", False), ("md5", False), ("pass_sanitaire", False), ("passage", False),
    ("passeport", False), ("Username", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, matched", [
    ("eiZookooB7", True, True),          # FakeNameGenerator-style password
    ("eiZookooB7", False, False),        # no header: a word is no evidence
    (BCRYPT, False, True),               # a hash is evidence alone
    (MD5_HEX, True, True),               # hex under a password header
    (MD5_HEX, False, False),             # hex alone: a checksum
    ("NULL", True, False),
    ("********", True, False),
])
def test_match_cell(cell, header_hit, matched):
    assert (DET.match_cell(cell, header_hit) is not None) is matched


def test_column_of_hashes_without_header():
    p = Pipeline([DET], Config())
    col = [BCRYPT, ARGON2, MD5CRYPT]
    unit = TableUnit(Location("users.csv"), ("col3",), iter([TableBatch(0, [col])]))
    assert [(f.value, f.score) for b in p.analyze_table(unit) for f in b] == [(v, 0.9) for v in col]


def test_scan_csv_with_password_column(tmp_path):
    # a CSV written by Python's csv module, FakeNameGenerator-like columns
    path = tmp_path / "users.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Username", "Password", "Comment"])
        w.writerow(["jdupont", "eiZookooB7", "ok"])
        w.writerow(["amartin", "Soleil2024!", "mot de passe : Tmp-4421"])
        w.writerow(["bnoel", "", "ras"])
    res = sentinelle.scan(tmp_path, entities=["CREDENTIAL"])
    assert res.issues == []
    got = [(f.location.row, f.location.column, f.start, f.end, f.score, f.masked) for f in res.findings]
    assert got == [
        (0, "Password", 0, 10, 1.0, "*" * 10),
        (1, "Password", 0, 11, 1.0, "*" * 11),
        (1, "Comment", 15, 23, 1.0, "*" * 8),     # free text cell: labelled secret
    ]
