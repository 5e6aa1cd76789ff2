"""Copies: files that are the same leak re-released, and the catalogue of known leaks.

* **Exact copies**: files whose content has the same keyed hash (HMAC-SHA256 of the bytes, under
  the user's key, so the hash of a small file cannot be tested against guesses without the key).
* **Near duplicates**: files whose sets of *record fingerprints* (:mod:`.records`: keyed hash of
  the sorted normalised values found in a row or a section) overlap. Similarity is the Jaccard
  index ``|A ∩ B| / |A ∪ B|``; two files are near duplicates when it is at least
  :data:`NEAR_THRESHOLD` (0.5: most of their records are the same records, whatever the column
  order, delimiter, encoding or file name). ``containment`` is ``|A ∩ B| / min(|A|, |B|)`` (a
  subset re-released). Groups are connected components of such pairs.
* **Known leaks** (``--register NAME``): the subject keys of a leak (keyed hashes of ``NIR +
  birth date``, ``name + birth date``, ``e-mail``, and RPPS/ADELI for professionals, per
  subject: :func:`subject_keys`) are kept in the store (tables ``leaks`` and ``leak_keys``); a
  later assessment with the same key reports, for each registered leak, how many of its own
  subjects have a key in common with it (``share_of_this``, of all its persons) and which share
  of the registered leak's subjects they cover (``share_of_known``). Keys made under another HMAC
  key never match. A leak registers all the persons its assessment counts (``subjects.unique``):
  a person with none of those keys (a professional named without an RPPS number, a relative
  named) has a weak key (:func:`subject_keys`), so the same dump assessed again is found whole
  (issue 5: "registered 390" of 405 persons, the 15 without a strong key left out). Weak keys
  match only between persons without a strong key on both sides: ``leak_keys.unkeyed`` says
  that the registered person had none (a patient registered with NIR + birth date is never
  found by the name of a name-and-phone patient here). ``unkeyed`` was added in session 13
  (``ALTER TABLE ... ADD COLUMN IF NOT EXISTS`` when a store is opened); keys registered before
  it are NULL there, so their weak keys never match (re-register with ``--replace``).
"""

from __future__ import annotations

import hmac
import hashlib
from datetime import datetime, timezone
from pathlib import Path


NEAR_THRESHOLD = 0.5

LEAK_DDL = """
CREATE TABLE IF NOT EXISTS leaks (
    name VARCHAR PRIMARY KEY, registered_at TIMESTAMPTZ, scan_id BIGINT, subjects BIGINT,
    patients BIGINT, tool_version VARCHAR);
CREATE TABLE IF NOT EXISTS leak_keys (name VARCHAR, subject BIGINT, "key" BIGINT,
    unkeyed BOOLEAN);
ALTER TABLE leak_keys ADD COLUMN IF NOT EXISTS unkeyed BOOLEAN;
"""


def content_hash(path: Path, key: bytes, chunk: int = 1 << 20) -> str | None:
    """Keyed HMAC-SHA256 of the file's bytes (hex), None when it cannot be read."""
    mac = hmac.new(key, b"assess/file\x1f", hashlib.sha256)
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(chunk)
                if not block:
                    break
                mac.update(block)
    except OSError:
        return None
    return mac.hexdigest()


def find_copies(con, near: float = NEAR_THRESHOLD) -> list[dict]:
    """Groups of copies from tables ``files(file_id, path, content_hash)`` and ``records(file_id,
    fp)`` on ``con``; each group: members, kind (``exact`` when every member has the same
    content hash), similarity (the smallest Jaccard index between linked members), containment,
    records (distinct fingerprints of the largest member)."""
    pairs = con.execute("""
        WITH fps AS (SELECT DISTINCT file_id, fp FROM records),
             sizes AS (SELECT file_id, count(*) AS n FROM fps GROUP BY file_id),
             common AS (SELECT a.file_id AS fa, b.file_id AS fb, count(*) AS c
                        FROM fps a JOIN fps b ON a.fp = b.fp AND a.file_id < b.file_id
                        GROUP BY ALL)
        SELECT fa, fb, c, sa.n, sb.n FROM common
        JOIN sizes sa ON sa.file_id = fa JOIN sizes sb ON sb.file_id = fb""").fetchall()
    info = {fid: (path, ch) for fid, path, ch in
            con.execute("SELECT file_id, path, content_hash FROM files").fetchall()}
    sizes = dict(con.execute("SELECT file_id, count(DISTINCT fp) FROM records GROUP BY ALL")
                 .fetchall())
    edges: list[tuple[int, int, float, float]] = []
    for fa, fb, c, na, nb in pairs:
        jac = c / (na + nb - c)
        if jac >= near:
            edges.append((fa, fb, jac, c / min(na, nb)))
    # exact copies without records (no finding) still count: same content hash
    by_hash: dict[str, list[int]] = {}
    for fid, (_path, ch) in info.items():
        if ch:
            by_hash.setdefault(ch, []).append(fid)
    for fids in by_hash.values():
        for other in fids[1:]:
            edges.append((fids[0], other, 1.0, 1.0))
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for fa, fb, _j, _c in edges:
        ra, rb = find(fa), find(fb)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for fid in list(parent):
        groups.setdefault(find(fid), []).append(fid)
    out = []
    for members in groups.values():
        members.sort(key=lambda f: info[f][0])
        inside = [e for e in edges if find(e[0]) == find(members[0])]
        hashes = {info[f][1] for f in members}
        exact = len(hashes) == 1 and None not in hashes
        out.append({
            "members": [info[f][0] for f in members],
            "kind": "exact" if exact else "near",
            "similarity": round(min(e[2] for e in inside), 4),
            "containment": round(min(e[3] for e in inside), 4),
            "records": max(sizes.get(f, 0) for f in members),
        })
    out.sort(key=lambda g: (-len(g["members"]), g["members"][0]))
    return out


def _fmix(x):
    """The 64-bit finaliser of SplitMix64 (Steele, Lea and Flood, *Fast splittable
    pseudorandom number generators*, OOPSLA 2014), on a numpy uint64 array."""
    import numpy as np

    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


#: key kinds of :func:`subject_keys` from this value up: the weak keys of persons with no strong
#: key, ``WEAK_KEY_BASE + 8 * role + column`` (role: patient 0, professional 1, other 2;
#: column: name key 0, NIR 1, phone 2, IBAN 3, record fingerprint 4)
WEAK_KEY_BASE = 16


def subject_keys(con):
    """``(subject, key)`` pairs from tables ``records`` and ``subjects`` on ``con``, distinct, as
    a pyarrow Table: combinations that identify a person across leaks (NIR + birth date, name
    key + birth date, e-mail; RPPS/ADELI for professionals), and weak keys: per record, the
    first of its name key, NIR, phone, IBAN and record fingerprint, with its role
    (:data:`WEAK_KEY_BASE`; column ``weak``). A leak is registered with all its keys; a later
    assessment looks up the strong keys of its persons, and the weak keys of its persons that
    have no strong key (column ``unkeyed``: a professional named without an RPPS number, a
    relative named, a patient with a name only), as linkage links records with a name only
    by the name. So every person counted has a key, and the same dump assessed again is found
    whole (issue 5: 390 persons registered of the 405 the run counted, the 15 without a
    strong key left out of both figures), while a patient with a strong key is never matched
    on a name alone (homonyms), here or in the registered leak (``leak_keys.unkeyed``:
    weak keys match only between persons unkeyed on both sides). Their parts are keyed hashes
    already; they are combined with :func:`_fmix` in numpy (stable across DuckDB versions,
    unlike its ``hash``; vectorised: millions of keys in a second)."""
    import numpy as np
    import pyarrow as pa

    # distinct (subject, kind, values) first, in SQL: copies and repeated rows hash once.
    # Weak keys: each record's first value of name key, NIR, phone, IBAN, row fingerprint,
    # tagged with its role and the column (:data:`WEAK_KEY_BASE`), for every person;
    # ``unkeyed``: the person has no strong key (see :func:`subject_keys`)
    got = con.execute(f"""
        WITH r AS (SELECT s.subject, s.role, r.nir, r.dob, r.nk, r.email, r.pro_id, r.phone,
                          r.iban, r.fp
                   FROM records r JOIN subjects s USING (rid)),
        strong AS (
            SELECT DISTINCT subject, 4 AS kind, pro_id AS a, 0::BIGINT AS b FROM r
                WHERE pro_id IS NOT NULL
            UNION SELECT DISTINCT subject, 1, nir, dob FROM r
                WHERE nir IS NOT NULL AND dob IS NOT NULL
            UNION SELECT DISTINCT subject, 2, nk, dob FROM r WHERE nk IS NOT NULL AND dob IS NOT NULL
            UNION SELECT DISTINCT subject, 3, email, 0 FROM r WHERE email IS NOT NULL)
        SELECT *, false AS unkeyed FROM strong
        UNION ALL
        SELECT DISTINCT subject,
               {WEAK_KEY_BASE} + 8 * (CASE role WHEN 'patient' THEN 0
                                      WHEN 'health_professional' THEN 1 ELSE 2 END)
                 + (CASE WHEN nk IS NOT NULL THEN 0 WHEN nir IS NOT NULL THEN 1
                         WHEN phone IS NOT NULL THEN 2 WHEN iban IS NOT NULL THEN 3 ELSE 4 END),
               coalesce(nk, nir, phone, iban, fp), 0::BIGINT,
               subject NOT IN (SELECT subject FROM strong)
        FROM r
        WHERE coalesce(nk, nir, phone, iban, fp) IS NOT NULL""").fetchnumpy()
    kind = np.asarray(got["kind"], dtype=np.uint64)
    a = np.asarray(got["a"], dtype=np.int64).view(np.uint64)
    b = np.asarray(got["b"], dtype=np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        key = _fmix(_fmix(_fmix(kind * np.uint64(0x9E3779B97F4A7C15)) ^ a) ^ b)
    return pa.table({"subject": pa.array(np.asarray(got["subject"], dtype=np.int64)),
                     "key": pa.array(key.view(np.int64)),
                     "weak": pa.array(np.asarray(got["kind"]) >= WEAK_KEY_BASE),
                     "unkeyed": pa.array(np.asarray(got["unkeyed"], dtype=bool))})


def known_leaks(store_con, work_con, replacing: str | None = None) -> list[dict]:
    """Overlap of this assessment's subjects (``work_con``) with each registered leak, but the
    leak named ``replacing`` (``--register NAME --replace``: this assessment is about to
    replace it, so it is not "a known leak" of itself)."""
    store_con.execute(LEAK_DDL)
    leaks = store_con.execute("SELECT name, registered_at, subjects, patients FROM leaks "
                              "WHERE name IS DISTINCT FROM ? ORDER BY registered_at",
                              [replacing]).fetchall()
    if not leaks:
        return []
    t = subject_keys(work_con)
    # this assessment's persons, all of them (as ``subjects.unique`` counts them): a person
    # without a key cannot be found in a known leak, so it counts as not found
    total = _persons(work_con)
    # strong keys, and the weak keys of persons without a strong key (:func:`subject_keys`),
    # the weak ones matched only to registered persons without a strong key either
    # (``k.unkeyed``: NULL, registered before it was kept, never matches a weak key)
    import pyarrow.compute as pc

    t = t.filter(pc.or_(pc.invert(t.column("weak")), t.column("unkeyed"))) \
        .select(["subject", "key", "weak"])
    store_con.register("_my_keys", t)
    out = []
    try:
        for name, at, subjects, patients in leaks:
            ours, theirs = store_con.execute("""
                SELECT count(DISTINCT m.subject), count(DISTINCT k.subject)
                FROM _my_keys m JOIN leak_keys k ON k."key" = m."key"
                WHERE k.name = ? AND (NOT m.weak OR k.unkeyed)""",
                [name]).fetchall()[0]
            out.append({
                "name": name,
                "registered_at": at.astimezone(timezone.utc).isoformat(timespec="seconds"),
                "subjects": int(subjects), "overlap_subjects": int(ours),
                "share_of_this": round(ours / total, 4) if total else 0.0,
                "share_of_known": round(theirs / subjects, 4) if subjects else 0.0,
            })
    finally:
        store_con.unregister("_my_keys")
    return out


def _persons(work_con) -> int:
    """Distinct persons (all roles) of the linkage on ``work_con`` (``subjects.unique``)."""
    return int(work_con.execute("SELECT count(DISTINCT subject) FROM subjects").fetchall()[0][0])


def register(store_con, work_con, name: str, scan_id: int | None, patients: int,
             tool_version: str) -> int:
    """Store this assessment's subject keys as leak ``name`` (replacing a leak of that name);
    returns the number of subjects registered."""
    store_con.execute(LEAK_DDL)
    t = subject_keys(work_con)
    store_con.register("_leak_keys", t)
    # one transaction: an interrupted --replace keeps the old registration whole
    store_con.execute("BEGIN TRANSACTION")
    try:
        store_con.execute("DELETE FROM leak_keys WHERE name = ?", [name])
        store_con.execute("DELETE FROM leaks WHERE name = ?", [name])
        store_con.execute("INSERT INTO leak_keys (name, subject, \"key\", unkeyed) "
                          "SELECT DISTINCT ?, subject, \"key\", unkeyed FROM _leak_keys",
                          [name])
        # the persons this assessment counts (``subjects.unique``), so that "registered N
        # persons" and a later "found M of N" name the same persons
        subjects = _persons(work_con)
        store_con.execute("INSERT INTO leaks VALUES (?, ?, ?, ?, ?, ?)",
                          [name, datetime.now(timezone.utc), scan_id, subjects, patients,
                           tool_version])
        store_con.execute("COMMIT")
    except BaseException:
        store_con.execute("ROLLBACK")
        raise
    finally:
        store_con.unregister("_leak_keys")
    return subjects
