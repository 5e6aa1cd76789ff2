"""assess parts on hand-made inputs: linkage keys, names, phonetic key, categories, ENISA
severity, copies. Identifiers are synthetic with valid keys (NIR key = 97 - n mod 97)."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from sentinelle.assess import assess_paths
from sentinelle.assess.categories import entities_of, summarise
from sentinelle.assess.copies import find_copies
from sentinelle.assess.phonetic import soundex2
from sentinelle.assess.records import ENTITY_ORDER, Keyed, deletions, split_name, text_cue
from sentinelle.assess.severity import Circumstances, dpc, ei, ei_of, level, severity
from sentinelle.privacy import KeyedHasher

KEY = b"test-key-not-secret"
# 1 80 05 75 123 456 | key 27: a man born in May 1980 in Paris; the same NIR recorded for his
# daughter born in 2015 (ayant droit: her birth date does not match the NIR's year and month)
PARENT_NIR = "180057512345627"


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_child_under_parent_nir_is_two_persons(tmp_path):
    _write(tmp_path / "labo_a.csv",
           "nom;prenom;date_naissance;nir;telephone\n"
           f"DUPONT;Jean;12/05/1980;{PARENT_NIR};06 12 34 56 78\n"
           f"DUPONT;Léa;03/09/2015;{PARENT_NIR};06 12 34 56 78\n"
           f"DUPONT;Léa;03/09/2015;{PARENT_NIR};06 12 34 56 78\n")
    _write(tmp_path / "labo_b.csv",
           "Nom complet,DDN,N° SS\n"
           f"Léa DUPONT,2015-09-03,{PARENT_NIR}\n"
           f"Jean DUPONT,1980-05-12,{PARENT_NIR}\n")
    doc = assess_paths([tmp_path], key=KEY)
    assert doc["subjects"]["by_role"]["patient"] == {"unique": 2, "records": 5}


@pytest.mark.parametrize("raw, part, table, first, last", [
    ("DUPONT Jean", None, True, ["jean"], ["dupont"]),          # upper-case token: surname
    ("Jean DUPONT", None, False, ["jean"], ["dupont"]),
    ("Aggoun ANAÏS", None, True, ["anais"], ["aggoun"]),         # the upper token is a first name
    ("MARIE GOGNET", None, True, ["marie"], ["gognet"]),         # same case: first-name list
    ("Dr Jean-Pierre Martin", None, False, ["jean-pierre"], ["martin"]),  # title dropped
    ("Léa", "first", True, ["lea"], []),                          # a prenom column
    ("de la Fontaine", "last", True, [], ["de", "la", "fontaine"]),
])
def test_split_name(raw, part, table, first, last):
    n = split_name(raw, part, table)
    assert (n.first, n.last) == (first, last)


@pytest.mark.parametrize("a, b, close", [
    ("durand", "duarnd", True),   # neighbours swapped (the synthetic typo)
    ("durand", "durnd", True),    # one letter dropped
    ("durand", "durant", True),   # one letter changed
    ("durand", "dupont", False),  # three edits
])
def test_deletion_neighbourhoods_meet_within_one_edit(a, b, close):
    assert bool(set(deletions(a)) & set(deletions(b))) is close


@pytest.mark.parametrize("name, key", [
    # hand-run through the ten steps of Brouard's SOUNDEX2 (module docstring)
    ("Gauthier", "KTR"),   # GA->KA, vowels->A, H after T dropped, A dropped
    ("Gautier", "KTR"),
    ("Martin", "MRTN"),
    ("Dupont", "DPN"),     # final T dropped
    ("Phillipe", "FLP"),   # PH->FF prefix, final A (from E) dropped, doubles collapsed
    ("Filipe", "FLP"),
    ("", ""),
])
def test_soundex2(name, key):
    assert soundex2(name) == key


def test_keyed_equals_findings_value_hash():
    # record hashes of identifiers are the findings' value_hash (so stored scans link too)
    k = Keyed(KEY)
    assert k.hex("FR_NIR", PARENT_NIR) == KeyedHasher(KEY).hash("FR_NIR", PARENT_NIR)
    assert k.hex("x", "y") == hmac.new(KEY, b"x\x1fy", hashlib.sha256).hexdigest()
    long_key = b"k" * 100  # RFC 2104: a key longer than the block is hashed first
    assert Keyed(long_key).hex("x", "y") == hmac.new(long_key, b"x\x1fy", hashlib.sha256).hexdigest()


@pytest.mark.parametrize("text, cue", [
    ("Prescripteur : Dr Jean Martin (RPPS 10100000009)", "pro"),
    ("Validé par Dr Marc Petit, biologiste", "pro"),
    ("Assuré(e) : Mme Claire Durand - patiente ayant droit", "other"),
    ("Prévenir Paul Girard (conjoint) en cas d'urgence.", "other"),
    ("Patient : M. André Fournier", None),
    ("NOM : BEZELY   PRENOM : Yvonne", "first"),
])
def test_text_cue(text, cue):
    # the cue of the last name in the line (positions of the span, as the detector gives them)
    names = {"Jean Martin", "Marc Petit", "Claire Durand", "Paul Girard", "André Fournier",
             "Yvonne"}
    name = next(n for n in names if n in text)
    start = text.index(name)
    assert text_cue(text, start, start + len(name)) == cue


def _mask(*labels: str) -> int:
    return sum(1 << ENTITY_ORDER.index(l) for l in labels)


def test_categories_and_combinations():
    masks = [
        ("patient", _mask("PERSON", "DATE_OF_BIRTH", "FR_NIR", "HEALTH_CONDITION", "DATE_TIME")),
        ("patient", _mask("PERSON", "DATE_OF_BIRTH", "FR_NIR", "HEALTH_CONDITION")),
        ("patient", _mask("PERSON", "FR_NIR", "IBAN_CODE")),
        ("health_professional", _mask("PERSON", "FR_RPPS")),
    ]
    counts = {"PERSON": 9, "DATE_OF_BIRTH": 4, "FR_NIR": 5, "HEALTH_CONDITION": 2,
              "IBAN_CODE": 1, "FR_RPPS": 3, "DATE_TIME": 6}
    out = summarise(masks, counts)
    cats = {c["category"]: (c["subjects"], c["findings"], c["special_category"])
            for c in out["categories"]}
    assert cats == {"identification": (4, 13, False), "national_identifier": (4, 8, False),
                    "health": (2, 2, True), "financial": (1, 1, False), "other": (1, 6, False)}
    combos = [(c["label"], c["subjects"]) for c in out["combinations"]]
    assert combos == [("name + birth date + NIR + health data", 2),
                      ("name + NIR + bank or card data", 1),
                      ("name + national identifier", 1)]
    ents = {e["entity_type"]: e["subjects"] for e in out["entities"]}
    assert ents["FR_NIR"] == 3 and ents["FR_RPPS"] == 1
    assert entities_of(_mask("PERSON", "FR_NIR")) == {"PERSON", "FR_NIR"}


# ENISA 2013 worked through by hand: SE = DPC x EI + CB, levels <2 low, <3 medium, <4 high
@pytest.mark.parametrize("entities, minors, circ, dpc_score, ei_score, cb_score, se, lvl", [
    # lab leak: diagnoses (sensitive, basic 4), name + NIR (EI maximum 1), published (+0.5)
    ({"PERSON", "FR_NIR", "HEALTH_CONDITION"}, False, Circumstances(), 4, 1.0, 0.5, 4.5,
     "very high"),
    # contact list: simple data (1), name + e-mail (EI significant... name + e-mail: 0.75),
    # disclosed to known recipients (+0.25)
    ({"PERSON", "EMAIL_ADDRESS"}, False, Circumstances(exposure="limited"), 1, 0.75, 0.25, 1.0,
     "low"),
    # simple data about minors (1 + 1), name + birth date (1), published and malicious
    ({"PERSON", "DATE_OF_BIRTH"}, True, Circumstances(malicious=True), 2, 1.0, 1.0, 3.0, "high"),
    # bank account numbers alone with names (3 - 1), name + NIR (1), published
    ({"PERSON", "FR_NIR", "IBAN_CODE"}, False, Circumstances(), 2, 1.0, 0.5, 2.5, "medium"),
    # card numbers (3 + 1), card alone (EI significant 0.75), none exposed
    ({"CREDIT_CARD"}, False, Circumstances(exposure="none"), 4, 0.75, 0.0, 3.0, "high"),
    # blood group only (4 - 2) with full identity, published
    ({"PERSON", "FR_NIR", "BLOOD_GROUP"}, False, Circumstances(), 2, 1.0, 0.5, 2.5, "medium"),
    # insurer only (4 - 3 = 1), name alone (0.75), published: 1 x 0.75 + 0.5
    ({"PERSON", "HEALTH_INSURER"}, False, Circumstances(), 1, 0.75, 0.5, 1.25, "low"),
])
def test_enisa_severity(entities, minors, circ, dpc_score, ei_score, cb_score, se, lvl):
    out = severity(entities, {frozenset(entities): 10}, minors, circ)
    assert (out["dpc"]["score"], out["ei"]["score"], out["cb"]["score"]) == \
        (dpc_score, ei_score, cb_score)
    assert out["se"] == se and out["level"] == lvl


@pytest.mark.parametrize("se, lvl", [(1.99, "low"), (2.0, "medium"), (3.0, "high"), (4.0, "very high")])
def test_enisa_thresholds(se, lvl):
    assert level(se) == lvl


def test_ei_needs_one_percent_of_subjects():
    # 1 subject in 200 (0.5 %) with a NIR does not make the breach "maximum"
    combos = {frozenset({"PERSON"}): 199, frozenset({"PERSON", "FR_NIR"}): 1}
    assert ei(combos)["score"] == 0.75
    combos = {frozenset({"PERSON"}): 99, frozenset({"PERSON", "FR_NIR"}): 1}
    assert ei(combos)["score"] == 1.0
    assert ei_of({"DATE_OF_BIRTH", "FR_POSTAL_CODE"}) == 0.5
    assert dpc(set(), False)["score"] == 1


def test_find_copies_on_hand_made_fingerprints():
    con = duckdb.connect()
    con.execute("CREATE TABLE files (file_id INTEGER, path VARCHAR, content_hash VARCHAR)")
    con.execute("INSERT INTO files VALUES (0, 'a.csv', 'h1'), (1, 'copy/a.csv', 'h1'), "
                "(2, 'b.csv', 'h2'), (3, 'b_v2.tsv', 'h3'), (4, 'c.csv', 'h4')")
    con.execute("CREATE TABLE records (file_id INTEGER, fp BIGINT)")
    rows = [(0, i) for i in range(10)] + [(1, i) for i in range(10)] \
        + [(2, i) for i in range(100, 120)] + [(3, i) for i in range(102, 120)] \
        + [(4, i) for i in range(100, 108)] + [(4, i) for i in range(200, 220)]
    con.executemany("INSERT INTO records VALUES (?, ?)", rows)
    groups = find_copies(con, near=0.5)
    assert groups == [
        # same bytes
        {"members": ["a.csv", "copy/a.csv"], "kind": "exact", "similarity": 1.0,
         "containment": 1.0, "records": 10},
        # 18 of 20 records in common: Jaccard 18/20, containment 18/18; c.csv shares 8 of 28 only
        {"members": ["b.csv", "b_v2.tsv"], "kind": "near", "similarity": 0.9,
         "containment": 1.0, "records": 20},
    ]


# 75000001 + Luhn check digit 0: a synthetic FINESS number of a Paris establishment
LAB_FINESS = "750000010"


def test_lab_names_from_letterheads_are_sources(tmp_path):
    (tmp_path / "labo_x").mkdir()
    _write(tmp_path / "labo_x" / "comptes_rendus.txt",
           f"LABO BIOSANTE PARIS - FINESS {LAB_FINESS} - comptes rendus d'analyses\n\n"
           f"=== LABO BIOSANTE PARIS (FINESS {LAB_FINESS}) ===\n"
           "NOM : DUPONT   PRENOM : Jean   DDN : 12/05/1980\n"
           f"INS/NIR : {PARENT_NIR}\n"
           "------------------------------------------------------------\n"
           f"Laboratoire de biologie médicale Bio-Santé Est, Nancy - FINESS {LAB_FINESS}\n"
           "Laboratoire : résultats du jour\n")  # a label, not a name: no word after the lab word
    doc = assess_paths([tmp_path], key=KEY)
    (src,) = [s for s in doc["sources"] if s["path"] == "labo_x"]
    names = [(o["value"], o["lines"]) for o in src["organisations"] if o["kind"] == "name"]
    # ordered by lines naming the lab, most first
    assert names == [("LABO BIOSANTE PARIS", 2), ("Laboratoire de biologie médicale Bio-Santé Est", 1)]
    assert any(o["kind"] == "FR_FINESS" for o in src["organisations"])
