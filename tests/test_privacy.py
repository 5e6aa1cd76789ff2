"""Masking, keyed hashes and the key file (RFC 2104 HMAC; key file created 0600)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pytest

from sentinelle.errors import KeyFileError
from sentinelle.privacy import KeyedHasher, load_key, mask


@pytest.mark.parametrize("value,entity,expected", [
    ("2 85 07 2A 004 123 38", "FR_NIR", "2 ** ** ** *** *** 38"),   # separators kept, first + last 2
    ("marc.petit@example.org", "EMAIL_ADDRESS", "m*********@*******.org"),
    ("06 12 34 56 78", "PHONE_NUMBER", "0* ** ** ** 78"),
    ("Dupont", "PERSON", "D*****"),                                 # short: first char only
    ("", "PERSON", ""),
    ("AB*CD*EF*GH*IJ", "", "A***********IJ"),  # a "*" in the value is a separator: kept
    ("Élodie Ŀ", "PERSON", "É***** *"),             # non-ASCII letters are alphanumeric
    ("٣٤٥٦٧٨٩٠١٢", "", "٣*******١٢"),               # 10 Arabic-Indic digits: last two kept
    ("a_b x²", "", "a_* **"),                       # "_" is no letter; "²" is a digit
    ("-- / --", "", "-- / --"),                     # no alphanumeric: nothing hidden
    ("Li", "PERSON", "**"),                         # 1-3 characters: nothing kept
    ("+33", "", "***"),                             # short: separators starred too
    ("Dupo", "PERSON", "D***"),                     # 4 characters: general rule
    ("pass:word", "CREDENTIAL", "*********"),       # every character, length kept
])
def test_mask(value, entity, expected):
    assert mask(value, entity) == expected
    assert len(mask(value, entity)) == len(value)


#: new-user fault report (session 8): an HIV status column's masks were ``P******``,
#: ``N******``, ``+``, ``-``, ``o**``, ``n**``, ``1``. Data concerning health (GDPR art. 9;
#: the ``health`` category of entities.py) is masked by the fixed "*****": no character, no
#: length. (value, entity) rows, each masked to "*****".
HEALTH_ROWS = [
    ("POSITIF", "HEALTH_CONDITION"),           # first letter told positive from negative
    ("Négatif", "HEALTH_CONDITION"),           # non-ASCII: mask() in mask_many too
    ("pos", "HEALTH_CONDITION"),
    ("+", "HEALTH_CONDITION"),                 # a separator was kept: the whole value
    ("-", "HEALTH_CONDITION"),
    ("oui", "HEALTH_CONDITION"),
    ("no", "HEALTH_CONDITION"),                # "yes"/"no": lengths differ
    ("1", "HEALTH_CONDITION"),
    ("non détecté", "HEALTH_CONDITION"),       # vs "détecté": lengths differ
    ("A+", "BLOOD_GROUP"),                     # session 5: "A+" vs "AB+" lengths differ
    ("groupe O Rh négatif", "BLOOD_GROUP"),
    ("enceinte de 12 SA", "PREGNANCY"),
    ("HbA1c 7,2 %", "LAB_RESULT"),             # the digits of a result are health data
    ("Truvada 200 mg", "MEDICATION"),          # an HIV drug names the condition
    ("MSA", "HEALTH_INSURER"),                 # category health (entities.py), not art. 9 flag
    ("diabète de type 2", "HEALTH_CONDITION"),
]


@pytest.mark.parametrize("value,entity", HEALTH_ROWS)
def test_mask_health_is_fixed(value, entity):
    assert mask(value, entity) == "*****"


def test_mask_health_labels_are_the_health_category():
    # every label of category health in entities.py, and only those, get the fixed mask
    from sentinelle.entities import ENTITIES, Category

    fixed = {label for label in ENTITIES if mask("positif", label) == "*****"}
    assert fixed == {"HEALTH_CONDITION", "PREGNANCY", "LAB_RESULT", "MEDICATION",
                     "BLOOD_GROUP", "HEALTH_INSURER"}
    assert fixed == {e.label for e in ENTITIES.values() if e.category is Category.HEALTH}
    assert mask("", "HEALTH_CONDITION") == ""  # nothing to hide


@pytest.mark.parametrize("value", ["a", "1", "+", "ab", "A-1", "oui", "é", "éé", "a@b"])
@pytest.mark.parametrize("entity", ["PERSON", "EMAIL_ADDRESS", "FR_NIR", ""])
def test_mask_short_values_show_nothing(value, entity):
    # any value of 1-3 characters: every character starred, separators included
    assert mask(value, entity) == "*" * len(value)


def test_mask_many_health_and_short():
    import pyarrow as pa

    from sentinelle.privacy import mask_many

    values = [v for v, _ in HEALTH_ROWS] + ["a", "+", "é-1", "a@b", "Dupo"]
    entities = [e for _, e in HEALTH_ROWS] + ["PERSON", "", "PERSON", "EMAIL_ADDRESS", "PERSON"]
    got = mask_many(pa.array(values), pa.array(entities)).to_pylist()
    assert got == ["*****"] * len(HEALTH_ROWS) + ["*", "*", "***", "***", "D***"]
    # an empty health value stays empty
    assert mask_many(pa.array([""]), pa.array(["LAB_RESULT"])).to_pylist() == [""]



#: (value, entity, masked) rows for mask_many, each checked by hand against mask's rule
MASK_MANY_ROWS = [
    ("2 85 07 2A 004 123 38", "FR_NIR", "2 ** ** ** *** *** 38"),  # ASCII, >= 10: last 2 kept
    ("Dupont", "PERSON", "D*****"),                                # ASCII, < 10: first only
    ("", "PERSON", ""),                                            # empty value
    ("AB*CD*EF*GH*IJ", "", "A***********IJ"),                      # "*" is a separator
    ("A+", "BLOOD_GROUP", "*****"),                                # health: fixed mask
    ("pass:word", "CREDENTIAL", "*********"),                      # _MASK_ALL: every character
    ("marc.petit@example.org", "EMAIL_ADDRESS", "m*********@*******.org"),  # e-mail: mask()
    ("Élodie Ŀ", "PERSON", "É***** *"),                            # non-ASCII: mask()
    ('O"Brien\\x', "PERSON", 'O"*****\\*'),                        # quote, backslash kept
    ("-- / --", "", "-- / --"),                                    # no alphanumeric
    ("0612345678", "PHONE_NUMBER", "0*******78"),                  # exactly 10 alphanumerics
    ("061234567", "PHONE_NUMBER", "0********"),                    # 9: first only
    ("@example.org", "EMAIL_ADDRESS", "@*******.org"),             # empty local part
    ("a@b@c.fr", "EMAIL_ADDRESS", "a**@*.fr"),                     # the last "@" splits
    ("jean.dupont@localhost", "EMAIL_ADDRESS", "j**********@*********"),  # no "." after "@"
    ("no-at-sign.fr", "EMAIL_ADDRESS", "n*-**-****.fr"),           # no "@": general rule
    ("x.y@dom.", "EMAIL_ADDRESS", "x**@***."),                     # empty top-level domain
    ("c@d", "EMAIL_ADDRESS", "***"),                               # 3 characters: all
    ("ab@c", "EMAIL_ADDRESS", "a*@*"),                             # "." of a row before
    ("oui", "HEALTH_CONDITION", "*****"),                          # health: fixed mask
]


def test_mask_many_rows():
    import pyarrow as pa

    from sentinelle.privacy import mask_many

    values = pa.array([r[0] for r in MASK_MANY_ROWS])
    entities = pa.array([r[1] for r in MASK_MANY_ROWS])
    assert mask_many(values, entities).to_pylist() == [r[2] for r in MASK_MANY_ROWS]
    # a slice of an array (non-zero offset) gives the rows of that slice
    assert mask_many(values.slice(3, 5), entities.slice(3, 5)).to_pylist() == [
        r[2] for r in MASK_MANY_ROWS[3:8]]
    assert mask_many(pa.array([], pa.string()), pa.array([], pa.string())).to_pylist() == []


@pytest.mark.parametrize("cuts", [
    (0, 4, 12, len(MASK_MANY_ROWS)),        # a table's column in chunks, rows in order
    (0, len(MASK_MANY_ROWS)),               # one chunk
    (0, 0, 5, 5, len(MASK_MANY_ROWS)),      # empty chunks among them
])
def test_mask_many_chunked(cuts):
    # a pyarrow Table's column is a ChunkedArray (pa.concat_tables, a store read)
    import pyarrow as pa

    from sentinelle.privacy import mask_many

    rows = MASK_MANY_ROWS
    values = pa.chunked_array([pa.array([r[0] for r in rows[a:b]], pa.string())
                               for a, b in zip(cuts, cuts[1:])], pa.string())
    entities = pa.chunked_array([pa.array([r[1] for r in rows[a:b]], pa.string())
                                 for a, b in zip(cuts, cuts[1:])], pa.string())
    assert mask_many(values, entities).to_pylist() == [r[2] for r in rows]
    # one side chunked, the other a plain array
    assert mask_many(values, pa.array([r[1] for r in rows])).to_pylist() == [r[2] for r in rows]
    assert mask_many(pa.chunked_array([], pa.string()),
                     pa.chunked_array([], pa.string())).to_pylist() == []


def test_mask_many_agrees_with_mask():
    # synthetic strings over separators, ASCII and accented letters, digits, "@" and quotes
    import random

    import pyarrow as pa

    from sentinelle.privacy import mask_many

    rnd = random.Random(7)
    alphabet = "abXY09 -./_*@\"\\\té²"
    labels = ["PERSON", "EMAIL_ADDRESS", "CREDENTIAL", "BLOOD_GROUP", "FR_NIR", "",
              "HEALTH_CONDITION", "LAB_RESULT"]
    values = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
              for _ in range(3000)]
    entities = [rnd.choice(labels) for _ in values]
    got = mask_many(pa.array(values), pa.array(entities)).to_pylist()
    assert got == [mask(v, e) for v, e in zip(values, entities)]

def test_mask_many_ascii_agrees_with_mask():
    # ASCII only (the vectorised path), dense in "@" and ".", most rows e-mail addresses
    import random

    import pyarrow as pa

    from sentinelle.privacy import mask_many

    rnd = random.Random(11)
    alphabet = "ab09@@..-_*+ "
    labels = ["EMAIL_ADDRESS"] * 4 + ["PERSON", "BLOOD_GROUP", "", "HEALTH_CONDITION"]
    values = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))
              for _ in range(5000)]
    entities = [rnd.choice(labels) for _ in values]
    got = mask_many(pa.array(values), pa.array(entities)).to_pylist()
    assert got == [mask(v, e) for v, e in zip(values, entities)]


def test_mask_pattern_is_isalnum():
    # mask stars what privacy._ALNUM matches: it must be str.isalnum on every code point
    from sentinelle.privacy import _ALNUM

    assert [cp for cp in range(0x110000)
            if bool(_ALNUM.match(chr(cp))) != chr(cp).isalnum()] == []


def test_hmac_matches_rfc2104_reference():
    # reference computed with the standard library's hmac over the documented message layout
    h = KeyedHasher(b"s3cr3t")
    expected = hmac.new(b"s3cr3t", b"FR_NIR\x1f285072A00412338", hashlib.sha256).hexdigest()
    assert h.hash("FR_NIR", "285072A00412338") == expected
    assert h.hash("PHONE_NUMBER", "285072A00412338") != expected   # label is part of the MAC
    assert "s3cr3t" not in repr(h)


@pytest.mark.parametrize("key", [
    b"k",                       # shorter than the 64-byte block: zero-padded
    b"x" * 64,                  # exactly one block
    b"0123456789abcdef" * 8,    # 128 bytes: longer than a block, hashed first (RFC 2104 s. 2)
    "clé".encode("utf-8"),      # non-ASCII key bytes
])
@pytest.mark.parametrize("entity, value", [("FR_NIR", "285072A00412338"), ("PERSON", "élodie"),
                                           ("EMAIL_ADDRESS", "")])
def test_precomputed_states_match_hmac_new(key, entity, value):
    # the precomputed inner/outer states give the standard library's HMAC-SHA256, one by one
    # and in bulk
    expected = hmac.new(key, f"{entity}\x1f{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    h = KeyedHasher(key)
    assert h.hash(entity, value) == expected
    assert h.hash_many([entity, entity], [value, value]) == [expected, expected]


@pytest.mark.parametrize("memo", [
    1,      # smaller than one call: nothing kept, every value hashed
    3,      # full after the first call: forgotten, then filled again
    100,    # everything kept: the second call hashes nothing
])
def test_hash_many_memo_gives_hmac(memo):
    # batch after batch with repeats (the scanner's RecordEncoder): the same fingerprints as
    # hmac.new, whatever the memo holds
    def ref(e, v):
        return hmac.new(b"k", f"{e}\x1f{v}".encode("utf-8"), hashlib.sha256).hexdigest()

    h = KeyedHasher(b"k", memo=memo)
    calls = [
        (["FR_NIR", "PERSON", "FR_NIR"], ["285072A00412338", "élodie", "285072A00412338"]),
        (["PERSON", "PHONE_NUMBER", "FR_NIR"], ["élodie", "285072A00412338", "1"]),
        (["PERSON"], ["élodie"]),
    ]
    for ents, vals in calls:
        assert h.hash_many(ents, vals) == [ref(e, v) for e, v in zip(ents, vals)]
    assert len(h._memo) <= memo


def test_key_file_created_0600(monkeypatch, tmp_path):
    monkeypatch.delenv("SENTINELLE_KEY")
    path = tmp_path / "cfg" / "key"
    key = load_key(path)
    assert len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == key                                     # stable across runs


def test_key_file_world_readable_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("SENTINELLE_KEY")
    path = tmp_path / "key"
    path.write_text("abc\n")
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="permissions"):
        load_key(path)
