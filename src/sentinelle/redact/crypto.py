"""Keys of the redaction operators, and the reversible pseudonym tokens.

* :func:`subkey` derives one key per purpose (pseudonyms, fakes, date shifts, encryption) from
  the user's key with HMAC-SHA256 (RFC 2104) over a purpose label, so that knowing a fake's seed
  says nothing about a pseudonym, and the user keeps a single key file.
* :class:`TokenCipher` is deterministic authenticated encryption, AES-SIV (RFC 5297) from the
  ``cryptography`` package, with a 512-bit key derived by HKDF-SHA256 (RFC 5869) from the user's
  key. The same value gives the same token (so records still link), the token hides the value
  from anyone without the key, and tampering is detected. The entity label is authenticated as
  associated data. A token is written ``PSN:<ENTITY>:<base64url>`` (RFC 4648 section 5, no
  padding). Nothing is stored: no lookup table of raw values exists anywhere.

We write the token format ourselves (it is the product's reversal contract); the cryptography
comes from the ``cryptography`` package.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sentinelle.errors import SentinelleError

#: a reversible pseudonym token in any text
TOKEN_RE = re.compile(r"PSN:([A-Z][A-Z0-9_]*):([A-Za-z0-9_\-]{22,})")


class TokenError(SentinelleError):
    """Raised when a ``PSN:`` token cannot be decrypted (wrong key, altered token)."""


def subkey(key: bytes, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` derived from the user's ``key`` (HMAC-SHA256)."""
    return hmac.new(key, b"sentinelle/redact/" + purpose.encode("ascii"), hashlib.sha256).digest()


class TokenCipher:
    """Deterministic AES-SIV encryption of values into ``PSN:`` tokens and back."""

    __slots__ = ("_siv",)

    def __init__(self, key: bytes):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESSIV
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"sentinelle-psn-v1",
                        info=b"sentinelle/redact/aes-siv").derive(key)
        self._siv = AESSIV(material)

    def __repr__(self) -> str:
        return "TokenCipher(<key hidden>)"

    def encrypt(self, entity: str, value: str) -> str:
        data = self._siv.encrypt(value.encode("utf-8"), [entity.encode("ascii")])
        return f"PSN:{entity}:{base64.urlsafe_b64encode(data).decode('ascii').rstrip('=')}"

    def decrypt(self, token: str) -> str:
        """The value of one token; raises :class:`TokenError` (never shows the token)."""
        from cryptography.exceptions import InvalidTag

        m = TOKEN_RE.fullmatch(token)
        if m is None:
            raise TokenError("not a PSN token")
        entity, body = m.groups()
        try:
            data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return self._siv.decrypt(data, [entity.encode("ascii")]).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeDecodeError):
            raise TokenError("a PSN token does not decrypt with this key") from None
