"""CREDENTIAL detector: passwords written next to their label, and password hashes by their form.

Rule sources:

* labelled secrets: the ways dumps, configuration files and messages write them,
  ``mot de passe : X``, ``MDP = X``, ``password=X``, ``"password": "X"``, ``DB_PASSWORD='X'``,
  ``pwd: X``, ``le mot de passe est X``, and the password of a URL's user information
  (RFC 3986 section 3.2.1, ``https://user:X@host``). The span is the secret alone, never the
  label or the quotes. Empty and masked values (``****``, ``<password>``, ``${DB_PASS}``,
  ``null``) and a few words that follow the label in prose (``oublié``, ``incorrect``) are not
  secrets.
* password hashes, recognised by their published formats, with no cue: bcrypt
  (``$2a$``/``$2b$``/``$2y$`` + 2-digit cost + 53 characters, OpenBSD bcrypt), Argon2 PHC strings
  (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``, RFC 9106 and the PHC string format),
  crypt(3) MD5/SHA-256/SHA-512/yescrypt (``$1$``, ``$5$``, ``$6$``, ``$y$``; Apache ``$apr1$``),
  Django's ``pbkdf2_sha256$iterations$salt$hash`` and LDAP ``{SSHA}...`` (RFC 2307 schemes).
* bare hexadecimal digests (32, 40, 64 or 128 hex digits: MD5, SHA-1, SHA-256, SHA-512) only
  under a password column header or next to a password cue: alone they are file checksums,
  commit ids and keys far more often than password hashes. They score 0.2 and a cue lifts them
  to 0.5.

Scores: a labelled secret 0.9 (1.0 with a cue such as "mot de passe" around it), the password
of a URL 0.95 (it beats the e-mail-shaped ``secret@host`` that overlaps it), a hash of a known
format 0.9 (1.0 with a cue). In a table, a column whose header names a password (``password``, ``mdp``,
``passwd``, ``pwd``, ``mot_de_passe``, ``password_hash``...) makes every non-empty, unmasked cell
a finding (1.0); without such a header, a column is classified from hash formats only.

Privacy: the masked form of a CREDENTIAL shows none of its characters (``privacy.mask``); the
keyed fingerprint is computed on the secret as written (passwords are case-sensitive).

Error preference: a leak scanner prefers a false positive with a low score to a miss: any token
after a password label is reported, also when it is a word of the sentence.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.finding import Validation

_KEY = (
    r"(?:mot[ _\-]de[ _\-]passe|motdepasse|mdp|passwords?|passwd|passwort|passphrase|pwd"
    r"|(?:[a-z0-9]{1,20}[_.\-]){1,4}pass)"
)
_QUALIFIER = (r"(?:[ \t]+(?:provisoire|temporaire|initial|actuel|nouveau|par[ \t]defaut|"
              r"par[ \t]d\u00e9faut|wifi|wi-fi|admin|root|utilisateur|hash|hashe|hach\u00e9|"
              r"chiffr\u00e9|crypt\u00e9))?")
_LABELLED = re.compile(
    r"(?<![0-9A-Za-z])"
    r"[\"']?(?:[a-z0-9]{1,20}[_.\-]){0,4}" + _KEY + r"(?:[_.\-][a-z0-9]{1,20}){0,4}[\"']?" + _QUALIFIER +
    r"(?:[ \t]*\([^()\n]{0,30}\))?"
    r"(?P<sep>[ \t]*(?::=|=>|->|[:=])[ \t]*|[ \t]+(?:est|is)[ \t]*:?[ \t]+)"
    r"(?:\"(?P<dq>[^\"\n]{1,200})\"|'(?P<sq>[^'\n]{1,200})'|(?P<bare>[^\s\"'<>&]{1,200}))",
    re.IGNORECASE,
)
#: cheap prefilter: the labelled pattern runs only in a window around one of these
#: (searched in the lower-cased text: several times faster than ``re.IGNORECASE``)
#: "pass" only where a label can hold it ("passw", "passp", "_pass"; session 8, speed:
#: not the "pass" of "impasse", "passage", "passé"), at the same offsets as before
_KEYWORD = re.compile(r"pass(?=[wp])|(?<=[_.\-])pass|pwd|mdp|mot[ _\-]de[ _\-]passe|motdepasse")
_BEFORE = 4 * 21 + 2   # longest label prefix (4 segments of 20 + separator, a quote)
_AFTER = 420           # longest label suffix, qualifier, bracket, separator and value
_URL_USERINFO = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,15}://[^\s:/@]{1,64}:"
                           r"(?P<secret>[^\s/@]{1,128})@[A-Za-z0-9\[]")
_B64 = r"[./A-Za-z0-9]"
_HASHES = re.compile(
    r"(?<![^\s\"'=:,;(\[{])(?:"
    rf"(?P<bcrypt>\$2[abxy]?\$\d\d\${_B64}{{53}})"
    r"|(?P<argon2>\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,})"
    rf"|(?P<md5crypt>\$(?:1|apr1)\${_B64}{{1,8}}\${_B64}{{22}})"
    rf"|(?P<shacrypt>\$[56]\$(?:rounds=\d+\$)?{_B64}{{1,16}}\${_B64}{{43}}(?:{_B64}{{43}})?)"
    rf"|(?P<yescrypt>\$y\${_B64}{{1,16}}\${_B64}{{1,64}}\${_B64}{{43}})"
    r"|(?P<django>(?:pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256)\$[^\s$]{1,100}\$[^\s$]{1,100}"
    r"(?:\$[A-Za-z0-9+/=]{20,})?)"
    r"|(?P<ldap>\{(?:SSHA|SHA|SSHA256|SSHA512|SHA256|SHA512|SMD5|MD5|CRYPT)\}[A-Za-z0-9+/=$.]{12,})"
    r")(?![A-Za-z0-9+/=$.])"
)
#: a run of 32 to 128 hex digits; only the digest lengths (:data:`_HEX_LENGTHS`) are kept (one
#: repeat instead of four alternatives: faster, same matches; the first digit before the
#: lookbehind, so ``re`` skips to hex digits at C speed)
_HEX = re.compile(r"[0-9a-fA-F](?<![0-9A-Za-z][0-9a-fA-F])[0-9a-fA-F]{31,127}(?![0-9A-Za-z])")
_HEX_LENGTHS = frozenset({32, 40, 64, 128})
_NOT_SECRET = frozenset({
    "", "null", "none", "nil", "undefined", "n/a", "na", "nan", "vide", "empty", "aucun",
    "aucune", "oublie", "oublié", "perdu", "incorrect", "invalide", "invalid", "expire", "expiré",
    "requis", "obligatoire", "required", "hidden", "masque", "masqué", "redacted", "true",
    "false", "?", "le", "la", "les", "un", "une", "votre", "vos", "your", "the", "a", "must",
    "doit", "should", "de", "du", "et", "ou", "pour", "sur", "is", "est",
})
_MASKED = re.compile(r"[*•·xX#_.\-]+|\$\{[^}]*\}|\{\{.*\}\}|%\(?\w*\)?s|<[^>]*>|\[[^\]]*\]|\$\d+|:\w+")
LABELLED_SCORE = 0.9
#: the password of a URL's user information: above an e-mail-shaped "secret@host" (0.9)
USERINFO_SCORE = 0.95
HASH_SCORE = 0.9
HEX_SCORE = 0.2
#: score of a cell under a password header (the header boost makes it 1.0)
CELL_SCORE = 0.8

_HEADER_HASH_OK = re.compile(r"\$|\{[A-Z0-9]+\}|[0-9a-fA-F]{32,}")


def _trim(value: str) -> str:
    """Drop sentence punctuation after an unquoted value: ``.,;:`` and unbalanced closers."""
    while value and value[-1] in ".,;:)]}":
        ch = value[-1]
        if ch in ")]}" and value.count("([{"[")]}".index(ch)]) >= value.count(ch):
            break
        value = value[:-1]
    return value


def _is_secret(value: str, prose: bool) -> bool:
    v = value.strip()
    if v.lower() in _NOT_SECRET or _MASKED.fullmatch(v):
        return False
    if prose:  # "le mot de passe est X": X must not look like a word of the sentence
        return any(not ch.isalpha() for ch in v)
    return True


#: characters from the start of a user-information match to its "://" (the scheme: 2-16)
_SCHEME_MAX = 16
#: characters from the "://" to the end of a match: "://", user (64), ":", secret (128), "@",
#: one host character
_USERINFO_AFTER = 3 + 64 + 1 + 128 + 1 + 1
#: characters from the start of a hash match to its first "$" or "{" (Django's
#: ``bcrypt_sha256$``: 13); the other formats start with it
_HASH_LEAD = 13
_MARK = re.compile(r"[${]")


def _userinfo_matches(text: str) -> Iterator[re.Match[str]]:
    """``_URL_USERINFO.finditer(text)``, searched only around each "://" (issue 6): a match holds
    exactly one "://" (user and secret exclude "/" and ":"), at most ``_SCHEME_MAX`` characters
    after its start, and ends within ``_USERINFO_AFTER`` characters of it; windows that overlap
    are merged, so the matches are the whole-text ones."""
    p = text.find("://")
    windows: list[list[int]] = []
    while p >= 0:
        lo, hi = max(0, p - _SCHEME_MAX), min(len(text), p + _USERINFO_AFTER)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
        p = text.find("://", p + 3)
    for lo, hi in windows:
        yield from _URL_USERINFO.finditer(text, lo, hi)


def _hash_matches(text: str) -> Iterator[re.Match[str]]:
    """``_HASHES.finditer(text)``, tried only where a match can start (issue 6): at most
    ``_HASH_LEAD`` characters before a "$" or a "{" (every format holds one there), in text
    order, resuming after each match as ``finditer`` does."""
    if "$" not in text and "{" not in text:
        return
    pos = 0  # every position before it is tried or inside a match
    for mark in _MARK.finditer(text):
        p = mark.start()
        start = max(pos, p - _HASH_LEAD)
        while start <= p:
            m = _HASHES.match(text, start)
            if m is None:
                start += 1
                continue
            yield m
            start = m.end() if m.end() > start else start + 1
        pos = max(pos, start)


def _hash_kind(m: re.Match[str]) -> str:
    return next(k for k, v in m.groupdict().items() if v is not None)


class CredentialDetector(Detector):
    validation_rule = "password label + value; hash formats (bcrypt, argon2, crypt, PBKDF2)"
    rule_source = "OpenBSD bcrypt, PHC string format/RFC 9106, crypt(3), Django hashers, RFC 3986"
    #: URL user information, hash formats ($, {SCHEME}), password labels, hex digests
    #: (a label's "pass" is followed by w or p, or follows "_", "." or "-", see ``_KEY``)
    prefilter = (r"://|\$|\{|pass[wp]|[_.\-]pass|pwd|mdp|mot[ _\-]de[ _\-]passe|motdepasse"
                 r"|[0-9a-f]{32}")
    name = "credential"
    entity = "CREDENTIAL"
    context_words = (
        "password", "passwords", "passwd", "mot de passe", "mots de passe", "mdp", "pwd",
        "passphrase", "password hash", "hash du mot de passe", "password_hash", "hashed_password",
        "identifiants", "credentials", "login", "shadow", "htpasswd", "ntlm",
    )
    header_pattern = (r"(^|_)(password|passwords|passwd|passwort|passphrase|pwd|mdp|"
                      r"mot_de_passe|motdepasse|pass(?!_(sanitaire|vaccinal|navigo|culture))|"
                      r"user_?pass|password_?hash|hashed_?password|hash_?(mdp|password|pwd)|"
                      r"(mdp|pwd)_?hash|encrypted_?password|crypted_?password)(\d*)(_|$)")
    header_value_threshold = 0.2
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("Identifiant : jdupont / mot de passe : Soleil2024!", "Soleil2024!"),
            ("MDP=Lyon_69(bis).", "Lyon_69(bis)"),                      # balanced bracket kept
            ('{"login": "jdupont", "password": "s3cr3t pass"}', "s3cr3t pass"),
            ("DB_PASSWORD='Xk9#pL2q' ./run.sh", "Xk9#pL2q"),
            ("le mot de passe est Azerty123.", "Azerty123"),
            ("jdupont:$2b$12$C6UzMDM.H6dfI/f/IKxGhuyV6fsaFAuCMOhI.T/wQT6zBR28YiPDa:1001",
             "$2b$12$C6UzMDM.H6dfI/f/IKxGhuyV6fsaFAuCMOhI.T/wQT6zBR28YiPDa"),          # bcrypt form
            ("pbkdf2_sha256$260000$c2FsdHNhbHQ$uDzHd4xK6d3Gm2qkqgT0pSx1r2p3mGm3l8P+6bNfV0E=",
             "pbkdf2_sha256$260000$c2FsdHNhbHQ$uDzHd4xK6d3Gm2qkqgT0pSx1r2p3mGm3l8P+6bNfV0E="),
            ("postgres://app:Pg5ecret@db.example.org:5432/lab", "Pg5ecret"),
        ),
        negatives=(
            "Mot de passe : oublié ?",                                   # a word after the label
            "password: ********",                                        # already masked
            "PASSWORD=${DB_PASSWORD}",                                   # a template
            "sha256 d2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26",  # a checksum
            "le mot de passe est long",                                  # prose, not a secret
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        spans: list[tuple[int, int]] = []

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in spans)

        # cheap gates: user information needs "://", every hash format a "$" or a "{"
        for m in _userinfo_matches(text):
            s, e = m.span("secret")
            if _is_secret(m.group("secret"), False):
                spans.append((s, e))
                yield Match(s, e, USERINFO_SCORE, Validation.NONE, "url_userinfo", m.group("secret"))
        for m in _hash_matches(text):
            if free(*m.span()):
                spans.append(m.span())
                yield Match(m.start(), m.end(), HASH_SCORE, Validation.NONE, _hash_kind(m), m.group(0))
        for m in self._labelled(text):
            group = "dq" if m.group("dq") is not None else "sq" if m.group("sq") is not None else "bare"
            s, e = m.span(group)
            value = text[s:e]
            prose = m.group("sep").strip(" \t:").lower() in ("est", "is")
            if not _is_secret(value, prose):
                continue  # a template or a masked value, checked before trimming: ${DB_PASS}
            if group == "bare":
                value = _trim(value)
                e = s + len(value)
            if not value or not _is_secret(value, prose) or not free(s, e):
                continue
            spans.append((s, e))
            yield Match(s, e, LABELLED_SCORE, Validation.NONE, "labelled", value)
        for m in _HEX.finditer(text):
            if m.end() - m.start() in _HEX_LENGTHS and free(*m.span()):
                yield Match(m.start(), m.end(), HEX_SCORE, Validation.NONE, "hex_digest", m.group(0).lower())

    @staticmethod
    def _labelled(text: str) -> Iterator[re.Match[str]]:
        """Matches of the labelled pattern, searched only in windows around a password keyword
        (linear time on text without any: ../shared/cases pb-029)."""
        windows: list[list[int]] = []
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two: keep offsets
            low = fold_keep_length(text)
        for k in _KEYWORD.finditer(low):
            lo, hi = max(0, k.start() - _BEFORE), min(len(text), k.end() + _AFTER)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        last_end = -1
        for lo, hi in windows:
            for m in _LABELLED.finditer(text, lo, hi):
                if m.start() >= last_end:
                    last_end = m.end()
                    yield m

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        if not stripped:
            return None
        h = _HASHES.fullmatch(stripped)
        if h is not None:
            return Match(lead, lead + len(stripped), HASH_SCORE if not header_hit else CELL_SCORE,
                         Validation.NONE, _hash_kind(h), stripped)
        if not header_hit or not _is_secret(stripped, False):
            return None
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.NONE, "cell", stripped)

    def normalize(self, value: str) -> str:
        """The secret as written (case-sensitive), surrounding whitespace removed; hex digests
        lower-cased."""
        v = value.strip()
        return v.lower() if len(v) in _HEX_LENGTHS and _HEX.fullmatch(v) else v
