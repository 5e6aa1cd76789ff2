"""Masking and keyed fingerprints: how raw values are kept from ever leaving the process.

* :func:`mask` hides most characters of a value, keeping separators and a few characters so a
  person can recognise a value they already hold (``2 ** ** ** *** *** 38``, ``m***@e******.org``);
  data concerning health (GDPR art. 9) and values of 1-3 characters keep none.
* :class:`KeyedHasher` computes HMAC-SHA256 (RFC 2104, FIPS 198-1) of the *normalised* value under
  a key the user holds, so equal values in two files give equal fingerprints while a dictionary
  attack on the fingerprints needs the key. The entity label is part of the MAC input so that the
  same digits as a phone and as an identifier do not collide.
  Session 12: :meth:`KeyedHasher.hash_array` hashes an Arrow array of messages (each distinct
  one once, digests hex-encoded in one call) for the scanner's output (issue 6, speed).
* :func:`load_key` reads the key from ``SENTINELLE_KEY`` or a key file; a missing key file is
  created with mode 0600 from 32 random bytes (``secrets.token_hex(32)``), written as 64
  hexadecimal characters and a newline (65 bytes); the key is the file's content, stripped.
  Session 12 (new-user trial): a malformed key is refused (:func:`check_key`) rather than
  used: ``short`` in a key file, the first 40 hex characters of a generated key, or
  ``SENTINELLE_KEY=abc`` gave hashes that silently matched nothing.

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

from sentinelle.entities import ENTITIES, Category
from sentinelle.errors import KeyFileError

KEY_ENV = "SENTINELLE_KEY"
KEY_FILE_ENV = "SENTINELLE_KEY_FILE"


def default_key_file() -> Path:
    """``$SENTINELLE_KEY_FILE``, else ``$XDG_CONFIG_HOME/sentinelle/key`` (``~/.config`` default)."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sentinelle" / "key"


#: the fewest characters a key may hold: NIST SP 800-63B section 5.1.1.2, the least length of
#: a memorized secret (6 when chosen at random; 8 when chosen by the user, section 5.1.1.1:
#: the tests' ``SENTINELLE_KEY=env-key`` has 7). ``SENTINELLE_KEY=abc`` and a key file holding
#: ``short`` are refused.
MIN_KEY_CHARS = 6
#: the length of a key written by :func:`load_key` or ``sentinelle key new``: 32 random bytes
#: as hexadecimal characters (``secrets.token_hex(32)``)
HEX_KEY_CHARS = 64
_HEX = re.compile(rb"[0-9A-Fa-f]+")


def check_key(key: bytes, where: str) -> bytes:
    """``key`` when usable, else :class:`KeyFileError` naming ``where`` (a key file's path or
    ``$SENTINELLE_KEY``), never the key itself.

    Refused: fewer than :data:`MIN_KEY_CHARS` (6) characters; only hexadecimal digits but not
    :data:`HEX_KEY_CHARS` (64) of them, the form of a key ``sentinelle key new`` wrote, cut
    short or run into (the first 40 characters of such a key). Other texts of 6 characters or
    more are passphrases, used as they are (README: the key is the file's content, stripped,
    or the UTF-8 bytes of ``$SENTINELLE_KEY``)."""
    n = len(key.decode("utf-8", "replace"))
    if n < MIN_KEY_CHARS:
        raise KeyFileError(f"{where}: not a usable key: {n} character{'s' * (n != 1)}, at least "
                           f"{MIN_KEY_CHARS} needed (create one with `sentinelle key new PATH`)")
    if _HEX.fullmatch(key) and n != HEX_KEY_CHARS:
        raise KeyFileError(f"{where}: not a usable key: {n} hexadecimal characters where "
                           f"`sentinelle key new` writes {HEX_KEY_CHARS} (a key cut short or "
                           "damaged?)")
    return key


def load_key(key_file: Path | None = None) -> bytes:
    """Return the HMAC key.

    Order: ``key_file`` when given (``--key-file``), else ``$SENTINELLE_KEY`` (its UTF-8 bytes),
    else :func:`default_key_file`.
    A missing key file is created with 32 random bytes (``secrets.token_hex(32)``) written as
    64 hexadecimal characters and a newline (65 bytes), mode 0600, its missing
    folders 0700 (:func:`sentinelle.outputs.make_folders`), except a ``$SENTINELLE_KEY_FILE``
    that does not exist: a mistyped path must not get a fresh key whose hashes match nothing
    (create it with ``sentinelle key new PATH``).
    Returns the key's bytes: the file's content with surrounding white space stripped (the 64
    ASCII hex characters of a file this function or ``sentinelle key new`` wrote, used as they
    are, not decoded), or the UTF-8 bytes of ``$SENTINELLE_KEY``.
    Raises :class:`KeyFileError` when the file is group/world readable, empty, cannot be
    created, or is a missing ``$SENTINELLE_KEY_FILE``, and for a malformed key in the file or
    in ``$SENTINELLE_KEY`` (:func:`check_key`: fewer than 6 characters, or hexadecimal but not
    64 characters; session 12).
    """
    env = os.environ.get(KEY_ENV)
    if env and key_file is None:  # an explicit key file wins over the environment
        return check_key(env.encode("utf-8"), f"${KEY_ENV}")
    path = key_file or default_key_file()
    if key_file is None and os.environ.get(KEY_FILE_ENV) and not os.path.lexists(path):
        raise KeyFileError(f"${KEY_FILE_ENV} {path}: no such key file (create one with "
                           f"`sentinelle key new {path}`, or unset ${KEY_FILE_ENV} for the "
                           "default key)")
    try:
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise KeyFileError(f"{path}: key file permissions are {oct(mode)}, expected 0600 "
                                   f"(run: chmod 600 {path})")
            data = path.read_bytes().strip()
            if not data:
                raise KeyFileError(f"{path}: key file is empty")
            return check_key(data, str(path))
        from sentinelle.outputs import make_folders

        make_folders(path.parent)
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

    ``memo``: remember up to that many fingerprints made by :meth:`hash_many` (by message:
    entity label and value; all forgotten when full), for a caller that hashes batch after batch
    of the same values (the scanner's findings: the same patients in several exports; raw
    values in memory only). 0: none.
    """

    __slots__ = ("_key", "_inner", "_outer", "_memo", "_memo_limit")

    def __init__(self, key: bytes, memo: int = 0):
        if not key:
            raise KeyFileError("empty HMAC key")
        self._key = key
        self._memo: dict[str, str] | None = {} if memo > 0 else None
        self._memo_limit = memo
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
        """:meth:`hash` of each pair ``(entity_types[i], normalized[i])``, in order: the
        messages ``entity_type + "\\x1f" + normalized`` through :meth:`hash_messages`."""
        return self.hash_messages(list(map("{}\x1f{}".format, entity_types, normalized)))

    def hash_messages(self, messages: list[str]) -> list[str]:
        """The fingerprint of each whole message ``entity_type + "\\x1f" + normalized`` (the
        text :meth:`hash` MACs), in order: the same values as :meth:`hash`.

        With a memo (``memo`` of the constructor), a message remembered is not hashed again;
        the memo is keyed by the message itself (one string: no tuple per value; session 9,
        the memo's tuples cost more than the hashes they saved). One loop, the keyed states
        copied per message (:meth:`hash`)."""
        memo = self._memo
        icopy, ocopy = self._inner.copy, self._outer.copy
        out: list[str] = []
        append = out.append
        if memo is None:
            for m in messages:
                inner = icopy()
                inner.update(m.encode("utf-8"))
                outer = ocopy()
                outer.update(inner.digest())
                append(outer.hexdigest())
            return out
        get = memo.get
        limit = self._memo_limit
        for m in messages:
            h = get(m)
            if h is None:
                inner = icopy()
                inner.update(m.encode("utf-8"))
                outer = ocopy()
                outer.update(inner.digest())
                h = outer.hexdigest()
                if len(memo) >= limit:  # full: all forgotten
                    memo.clear()
                memo[m] = h
            append(h)
        return out

    def hash_array(self, messages, take=None):
        """:meth:`hash_messages` for an Arrow array of messages (``string`` or
        ``large_string``, no null; each ``entity_type + "\\x1f" + normalized``): a
        ``large_string`` array of the hex fingerprints, one per message, taken by ``take``
        (an Arrow integer array of indices into ``messages``) when given. The same values as
        :meth:`hash`.

        Session 12 (issue 6, output speed): each distinct message is hashed once (Arrow
        ``dictionary_encode``), read as a ``bytes`` slice of the UTF-8 data buffer (no
        ``str`` per message, no ``encode``), its raw digest kept, and all digests hex-encoded
        at once (``bytes.hex`` of their join) into the data buffer of the result: about 2.3
        times faster than :meth:`hash_messages` on ``to_pylist()`` for 113,000 messages of
        which 75,000 distinct. The memo (``memo`` of the constructor) is not used: looking
        up and storing 112,000 messages cost more than the 37,000 MACs it saved over the five
        batches of the structured bench (116 ms against 96 ms without; session 12)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        s = pa.large_string()
        if isinstance(messages, pa.ChunkedArray):
            messages = (messages.combine_chunks() if messages.num_chunks
                        else pa.array([], messages.type))
        if messages.null_count:
            raise ValueError("hash_array: null message")
        enc = pc.dictionary_encode(messages.cast(s))
        distinct, codes = enc.dictionary, enc.indices
        if take is not None:
            codes = codes.take(take)
        k = len(distinct)
        if k == 0:
            return pa.array([], s).take(codes)
        _validity, offsets, data = distinct.buffers()
        off = np.frombuffer(offsets, dtype=np.int64)[distinct.offset:distinct.offset + k + 1]
        raw = bytes(memoryview(data)[int(off[0]):int(off[-1])]) if data is not None else b""
        bounds = (off - off[0]).tolist()
        icopy, ocopy = self._inner.copy, self._outer.copy
        digests: list[bytes] = []
        append = digests.append
        for a, b in zip(bounds, bounds[1:]):
            inner = icopy()
            inner.update(raw[a:b])
            outer = ocopy()
            outer.update(inner.digest())
            append(outer.digest())
        hexes = b"".join(digests).hex().encode("ascii")
        size = 2 * hashlib.sha256().digest_size  # 64 hex digits
        out = pa.Array.from_buffers(s, k, [
            None, pa.py_buffer((np.arange(k + 1, dtype=np.int64) * size).tobytes()),
            pa.py_buffer(hexes)])
        return out.take(codes)


#: labels whose masked value shows no character of the value but keeps its length
#: (:func:`mask`): a password or its hash (its length is no secret worth a special rule)
_MASK_ALL = frozenset({"CREDENTIAL"})
#: labels of data concerning health (GDPR art. 9(1) and 4(15)): category ``health`` of
#: :data:`sentinelle.entities.ENTITIES` (HEALTH_CONDITION, PREGNANCY, LAB_RESULT, MEDICATION,
#: BLOOD_GROUP, HEALTH_INSURER); their masked value is :data:`HEALTH_MASK`
_MASK_HEALTH = frozenset(e.label for e in ENTITIES.values() if e.category is Category.HEALTH)
#: the masked value of every non-empty value of a :data:`_MASK_HEALTH` label: a fixed text,
#: so that neither a character nor the length of the value is shown ("positif"/"négatif" have
#: equal lengths, but "oui"/"non" vs "yes"/"no", "A+"/"AB+", "détecté"/"non détecté" do not)
HEALTH_MASK = "*****"
#: a value of at most this many characters is starred whole, whatever its label: one kept
#: character of a 1-3 character value is most of it ("+", "1", "oui" -> "o**")
SHORT_VALUE = 3


def mask(value: str, entity_type: str = "") -> str:
    """Hide most characters of ``value``.

    Rules, in order:

    * "" stays "".
    * Data concerning health (GDPR art. 9(1): the ``health`` category of
      :data:`sentinelle.entities.ENTITIES`, see :data:`_MASK_HEALTH`) becomes the fixed
      :data:`HEALTH_MASK` ``*****``, whatever the value: no character and no length. A kept
      first letter tells "positif" from "négatif" (``P******``/``N******``), "oui" from "non",
      and a sign or a 1/0 flag *is* the status; a kept length tells "yes" from "no", "A+"
      from "AB+", "détecté" from "non détecté". A fixed text rather than the value's length
      because no length-keeping mask hides the second kind (new-user fault report, session 8:
      an HIV status column).
    * A CREDENTIAL (a password or its hash) keeps nothing: every character is ``*``.
    * A value of :data:`SHORT_VALUE` (3) characters or fewer, any label, keeps nothing:
      every character, separators included, is ``*`` ("+" -> "*", "A-1" -> "***").
    * E-mail addresses keep the first character of the local part and the top-level domain.
    * Other values keep separators (anything not alphanumeric), their first alphanumeric
      character and, when they have 10 or more, their last two; everything else becomes ``*``.

    The output has the length of the input, except for health data.
    """
    if not value:
        return ""
    if entity_type in _MASK_HEALTH:
        return HEALTH_MASK
    if entity_type in _MASK_ALL or len(value) <= SHORT_VALUE:
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



def mask_many(values, entity_types):
    """:func:`mask` of each ``values[i]`` under ``entity_types[i]``: Arrow string arrays or
    chunked arrays (a table's column) of equal length (no nulls) in, a ``large_string`` array
    out, equal to ``[mask(v, e) for v, e in zip(values, entity_types)]``. Raises
    ``ValueError`` for a null value or label.

    Vectorised (issue 6) for every value of ASCII characters only: one NumPy pass over the
    UTF-8 bytes of all values (an ASCII value has one byte per character), the same rules as
    :func:`mask`: every alphanumeric byte becomes ``*`` but the first alphanumeric of its
    value and, in a value of 10 or more, the last two (found from the sorted positions of the
    alphanumeric bytes, one ``searchsorted`` per value); every byte of a :data:`_MASK_ALL`
    value and of a value of at most :data:`SHORT_VALUE` bytes; an ``EMAIL_ADDRESS`` holding ``@`` keeps its first character, its last ``@`` and,
    when the domain after it holds a ``.``, its last ``.`` and what follows (session 7: the
    e-mail addresses were the bulk of the values masked one by one). Non-ASCII values go
    through :func:`mask` one by one. Last, every non-empty value of a health label
    (:data:`_MASK_HEALTH`) is replaced by :data:`HEALTH_MASK` (``if_else``). ``tests/test_privacy.py`` checks both agree."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pa.large_string()
    values, entity_types = _one_chunk(values, s), _one_chunk(entity_types, s)
    n = len(values)
    if n == 0:
        return pa.array([], s)
    if values.null_count or entity_types.null_count:
        raise ValueError("mask_many: null value or entity label")
    ents = entity_types
    slow = pc.invert(pc.string_is_ascii(values))
    _validity, offsets, data = values.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)[values.offset:values.offset + n + 1]
    base = int(off[0])
    raw = (np.frombuffer(data, dtype=np.uint8)[base:int(off[-1])] if data is not None
           else np.zeros(0, np.uint8))
    starts, ends = off[:-1] - base, off[1:] - base
    alnum = _ASCII_ALNUM[raw]
    out = np.where(alnum, np.uint8(ord("*")), raw)
    # the alphanumerics kept: the first of each value, the last two of a value of 10 or more
    pos = np.flatnonzero(alnum)
    lo, hi = np.searchsorted(pos, starts), np.searchsorted(pos, ends)
    count = hi - lo
    for keep in (pos[lo[count > 0]], pos[hi[count >= 10] - 1], pos[hi[count >= 10] - 2]):
        out[keep] = raw[keep]
    labels = ents.unique().to_pylist()
    hidden = [e for e in labels if e in _MASK_ALL]
    # every byte of the short values (an ASCII value: one byte per character; the others
    # are masked again by mask() below) and of the _MASK_ALL ones
    short = (ends - starts) <= SHORT_VALUE
    rows = short.copy()
    if hidden:
        rows |= pc.is_in(ents, value_set=pa.array(hidden, s)).to_numpy(zero_copy_only=False)
    out[np.repeat(rows, ends - starts)] = ord("*")
    if "EMAIL_ADDRESS" in labels:
        _mask_emails(raw, out, starts, ends,
                     pc.and_(pc.equal(ents, "EMAIL_ADDRESS"), pc.invert(slow))
                     .to_numpy(zero_copy_only=False) & ~short)
    masked = pa.Array.from_buffers(
        s, n, [None, pa.py_buffer((off - base).astype(np.int64).tobytes()),
               pa.py_buffer(out.tobytes())])
    if pc.any(slow).as_py():
        where = np.flatnonzero(slow.to_numpy(zero_copy_only=False))
        vs = values.take(pa.array(where)).to_pylist()
        es = ents.take(pa.array(where)).to_pylist()
        fixed = pa.array([mask(v, e) for v, e in zip(vs, es)], s)
        spot = np.full(n, -1, dtype=np.int64)
        spot[where] = np.arange(len(where))
        idx = pa.array(spot, mask=spot < 0)
        masked = pc.coalesce(fixed.take(idx), masked)
    health = [e for e in labels if e in _MASK_HEALTH]
    if health:  # the fixed mask, for every non-empty value
        rows = pc.and_(pc.is_in(ents, value_set=pa.array(health, s)),
                       pc.greater(pc.binary_length(values), 0))
        masked = pc.if_else(rows, pa.scalar(HEALTH_MASK, s), masked)
    return masked


def _mask_emails(raw, out, starts, ends, email) -> None:
    """The e-mail rule of :func:`mask` on the bytes ``out`` (masked by the general rule) of
    the ASCII values ``raw[starts[i]:ends[i]]`` where ``email[i]`` and the value holds
    ``@``: every byte ``*`` but the first (when the ``@`` is not it), the last ``@``, and,
    when the domain holds a ``.``, its last ``.`` and the bytes after it."""
    import numpy as np

    ats = np.flatnonzero(raw == ord("@"))
    k = np.searchsorted(ats, ends) - 1  # the last "@" before each value's end
    at = ats[np.maximum(k, 0)] if len(ats) else np.zeros(len(ends), np.int64)
    rows = email & (k >= 0) & (at >= starts)
    if not rows.any():
        return
    starts, ends, at = starts[rows], ends[rows], at[rows]
    span = np.zeros(len(raw) + 1, np.int8)  # +1 at each such value's start, -1 at its end
    span[starts] += 1
    span[ends] -= 1
    out[np.cumsum(span[:-1], dtype=np.int8) > 0] = ord("*")
    local = starts[at > starts]
    out[local] = raw[local]
    out[at] = ord("@")
    dots = np.flatnonzero(raw == ord("."))
    if not len(dots):
        return
    d = np.searchsorted(dots, ends) - 1  # the last "." before each value's end
    dot = dots[np.maximum(d, 0)]
    has = (d >= 0) & (dot > at)
    if has.any():
        tail = np.zeros(len(raw) + 1, np.int8)  # the last "." and what follows
        tail[dot[has]] += 1
        tail[ends[has]] -= 1
        keep = np.cumsum(tail[:-1], dtype=np.int8) > 0
        out[keep] = raw[keep]


def _one_chunk(column, typ):
    """``column`` (an Arrow array or chunked array) as one contiguous array of ``typ``: the
    byte pass of :func:`mask_many` reads a single data buffer."""
    import pyarrow as pa

    column = column.cast(typ)  # before joining: large offsets hold any total length
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], typ)
    return column

#: one alphanumeric character: ``re``'s Unicode ``\w`` is ``str.isalnum()`` or ``_`` (CPython
#: ``_PyUnicode_IsAlpha``/``IsDecimalDigit``/``IsDigit``/``IsNumeric``), so this is exactly
#: ``str.isalnum()`` (tests/test_privacy.py checks every code point)
_ALNUM = re.compile(r"[^\W_]")
#: ``str.translate`` table starring the ASCII alphanumerics
_ASCII_STARS = {c: "*" for c in range(128) if chr(c).isalnum()}

#: per byte value, whether it is an ASCII alphanumeric (``str.isalnum`` of that character)
def _ascii_alnum_table():
    import numpy as np

    return np.array([c < 128 and chr(c).isalnum() for c in range(256)], dtype=bool)


class _LazyTable:
    """:data:`_ASCII_ALNUM` built on first use (NumPy is not imported at start-up)."""

    table = None

    def __getitem__(self, key):
        if _LazyTable.table is None:
            _LazyTable.table = _ascii_alnum_table()
        return _LazyTable.table[key]


_ASCII_ALNUM = _LazyTable()
