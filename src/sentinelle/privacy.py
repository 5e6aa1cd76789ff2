"""Masking and keyed fingerprints: how raw values are kept from ever leaving the process.

* :func:`mask` hides most characters of a value, keeping separators and a few characters so a
  person can recognise a value they already hold (``2 ** ** ** *** *** 38``, ``m***@e******.org``).
* :class:`KeyedHasher` computes HMAC-SHA256 (RFC 2104, FIPS 198-1) of the *normalised* value under
  a key the user holds, so equal values in two files give equal fingerprints while a dictionary
  attack on the fingerprints needs the key. The entity label is part of the MAC input so that the
  same digits as a phone and as an identifier do not collide.
* :func:`load_key` reads the key from ``SENTINELLE_KEY`` or a key file; a missing key file is
  created with mode 0600 from 32 random bytes (``secrets.token_bytes``).

We write this ourselves because it is the core of the product's promise (the tool holds the data
it protects); the primitives come from the standard library (``hmac``, ``hashlib``, ``secrets``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path

from sentinelle.errors import KeyFileError

KEY_ENV = "SENTINELLE_KEY"
KEY_FILE_ENV = "SENTINELLE_KEY_FILE"


def default_key_file() -> Path:
    """``$SENTINELLE_KEY_FILE``, else ``$XDG_CONFIG_HOME/sentinelle/key`` (``~/.config`` default)."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sentinelle" / "key"


def load_key(key_file: Path | None = None) -> bytes:
    """Return the HMAC key.

    Order: ``key_file`` when given (``--key-file``), else ``$SENTINELLE_KEY`` (its UTF-8 bytes),
    else :func:`default_key_file`.
    A missing key file is created with 32 random bytes, hex-encoded, mode 0600, its folder 0700.
    Raises :class:`KeyFileError` when the file is group/world readable, empty or cannot be
    created.
    """
    env = os.environ.get(KEY_ENV)
    if env and key_file is None:  # an explicit key file wins over the environment
        return env.encode("utf-8")
    path = key_file or default_key_file()
    try:
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise KeyFileError(f"{path}: key file permissions are {oct(mode)}, expected 0600 "
                                   f"(run: chmod 600 {path})")
            data = path.read_bytes().strip()
            if not data:
                raise KeyFileError(f"{path}: key file is empty")
            return data
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            key = secrets.token_hex(32).encode("ascii")
            fh.write(key + b"\n")
        return key
    except KeyFileError:
        raise
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read or create key file ({exc.strerror})") from None


class KeyedHasher:
    """HMAC-SHA256 fingerprints of normalised values, hex encoded (64 characters).

    The message is ``entity_type + "\\x1f" + normalized`` in UTF-8. HMAC (RFC 2104, section 2)
    is ``H(K xor opad || H(K xor ipad || m))`` with ``K`` the key zero-padded to the 64-byte
    SHA-256 block (a longer key is first replaced by its SHA-256 digest). The two keyed states,
    ``H`` after ``K xor ipad`` and after ``K xor opad``, are computed once here; :meth:`hash`
    copies them (``hashlib`` object ``copy``), about 3 times faster than ``hmac.new`` per short
    message. The values are those of ``hmac.new(key, msg, hashlib.sha256).hexdigest()``
    (checked in tests/test_privacy.py).
    """

    __slots__ = ("_key", "_inner", "_outer")

    def __init__(self, key: bytes):
        if not key:
            raise KeyFileError("empty HMAC key")
        self._key = key
        block = hashlib.sha256().block_size  # 64
        k = hashlib.sha256(key).digest() if len(key) > block else key
        k = k.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(x ^ 0x36 for x in k))
        self._outer = hashlib.sha256(bytes(x ^ 0x5C for x in k))

    def __repr__(self) -> str:
        return "KeyedHasher(<key hidden>)"

    def hash(self, entity_type: str, normalized: str) -> str:
        inner = self._inner.copy()
        inner.update(f"{entity_type}\x1f{normalized}".encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def hash_many(self, entity_types: list[str], normalized: list[str]) -> list[str]:
        """:meth:`hash` of each pair ``(entity_types[i], normalized[i])``, in order.

        The inner state after ``entity_type + "\\x1f"`` is made once per entity label and
        copied per value (SHA-256 is a stream: the same digest as hashing the whole message)."""
        ocopy = self._outer.copy
        prefixed: dict[str, object] = {}
        out = []
        append = out.append
        for e, n in zip(entity_types, normalized):
            pre = prefixed.get(e)
            if pre is None:
                pre = prefixed[e] = self._inner.copy()
                pre.update(f"{e}\x1f".encode("utf-8"))
            inner = pre.copy()
            inner.update(n.encode("utf-8"))
            outer = ocopy()
            outer.update(inner.digest())
            append(outer.hexdigest())
        return out


#: labels whose masked value shows no character of the value (:func:`mask`)
_MASK_ALL = frozenset({"CREDENTIAL", "BLOOD_GROUP"})


def mask(value: str, entity_type: str = "") -> str:
    """Hide most characters of ``value``.

    Rules: separators (anything not alphanumeric) are kept; e-mail addresses keep the first
    character of the local part and the top-level domain; other values keep their first
    alphanumeric character and, when they have 10 or more, their last two; everything else
    becomes ``*``. A CREDENTIAL (a password or its hash) keeps nothing: every character is
    ``*``. A BLOOD_GROUP keeps nothing either: its first letter and its Rh sign are the
    whole value ("A+"), and it is special category data (GDPR art. 9). The output has the
    length of the input.
    """
    if not value:
        return ""
    if entity_type in _MASK_ALL:
        return "*" * len(value)
    if entity_type == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        head, dot, tld = domain.rpartition(".")
        masked_local = local[:1] + "*" * max(0, len(local) - 1)
        masked_domain = ("*" * len(head) + dot + tld) if dot else "*" * len(domain)
        return f"{masked_local}@{masked_domain}"
    # every alphanumeric character starred in one pass (str.translate for ASCII, one regex
    # otherwise), then the (at most three) kept ones put back: 2-3 times faster than a
    # Python loop per character, same output
    if "*" not in value:  # then the stars of ``starred`` are exactly the alphanumerics
        starred = value.translate(_ASCII_STARS) if value.isascii() else _ALNUM.sub("*", value)
        first = starred.find("*")
        if first < 0:
            return value
        count = starred.count("*")
        if count < 10:
            return starred[:first] + value[first] + starred[first + 1:]
        last = starred.rfind("*")
        k = starred.rfind("*", 0, last)
    else:
        starred, count = _ALNUM.subn("*", value)
        if not count:
            return value
        first = _ALNUM.search(value).start()
        if count < 10:
            return starred[:first] + value[first] + starred[first + 1:]
        last = len(value) - 1
        while not value[last].isalnum():
            last -= 1
        k = last - 1
        while not value[k].isalnum():
            k -= 1
    return (starred[:first] + value[first] + starred[first + 1:k] + value[k]
            + starred[k + 1:last] + value[last] + starred[last + 1:])


#: one alphanumeric character: ``re``'s Unicode ``\w`` is ``str.isalnum()`` or ``_`` (CPython
#: ``_PyUnicode_IsAlpha``/``IsDecimalDigit``/``IsDigit``/``IsNumeric``), so this is exactly
#: ``str.isalnum()`` (tests/test_privacy.py checks every code point)
_ALNUM = re.compile(r"[^\W_]")
#: ``str.translate`` table starring the ASCII alphanumerics
_ASCII_STARS = {c: "*" for c in range(128) if chr(c).isalnum()}
