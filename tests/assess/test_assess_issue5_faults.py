"""Issue 5 faults of ``sentinelle assess`` (session 13): a zip archive counted as one more source
(its compressed bytes added to its members'), and a registered leak whose person count was not
the assessment's (persons without a strong key left out of both "registered" and "found").

All data are synthetic: NIRs with valid keys (key = 97 - (first 13 digits mod 97), décret
n° 82-103 / INSEE), names from no real person. Expected figures are counted by hand from the
rows written below (see each test's comment)."""

from __future__ import annotations

import zipfile

import pytest

from sentinelle.assess import Options, _containers, _File, assess_paths
from sentinelle.assess.records import folder_of
from sentinelle.store import Store

KEY = b"test-key-not-secret"


def _nir(first13: str) -> str:
    return first13 + "%02d" % (97 - int(first13) % 97)


# 1 85 05 75 056 048 | key 66; 2 90 01 75 123 456 | key 05 (checked by hand: 97 - n mod 97)
NIR_A, NIR_B = _nir("1850575056048"), _nir("2900175123456")
assert (NIR_A, NIR_B) == ("185057505604866", "290017512345605")

#: two patients (NIR + birth date) and their prescriber named without an RPPS number: a
#: professional (header ``medecin``) with no strong key. Hand count: 3 persons (2 patients,
#: 1 health professional).
PATIENTS = ("nom;prenom;nir;date_naissance;medecin\n"
            f"MARTIN;Jean;{NIR_A};1985-05-12;Dr Paul LEROY\n"
            f"DURAND;Marie;{NIR_B};1990-01-23;Dr Paul LEROY\n")
#: a second file of the same lab: one of the patients again with a phone
CONTACTS = "nom;prenom;telephone\nMARTIN;Jean;0612345678\n"


# ------------------------------------------------------------- 1. an archive is a container

@pytest.mark.parametrize("path, folder", [
    ("labo_a/patients.csv", "labo_a"),               # a file in a folder
    ("patients.csv", "."),                           # a file at the root
    ("leak.zip!labo_a/patients.csv", "leak.zip!labo_a"),  # a member in a folder of the archive
    ("leak.zip!patients.csv", "leak.zip"),           # a member at the archive's root
    ("d/leak.zip!in.tar!x.csv", "d/leak.zip!in.tar"),  # nested: the innermost container
])
def test_folder_of(path, folder):
    assert folder_of(path) == folder


@pytest.mark.parametrize("paths, expected", [
    # members name their archive; the archive names none
    (["a.zip!x/p.csv", "a.zip!q.csv", "a.zip"], {"a.zip!x/p.csv": "a.zip", "a.zip!q.csv": "a.zip"}),
    # nested: the innermost container among the files
    (["a.zip!in.tar!d.csv", "a.zip!in.tar", "a.zip"],
     {"a.zip!in.tar!d.csv": "a.zip!in.tar", "a.zip!in.tar": "a.zip"}),
    # a "!" in a file's own name is not a member: no file "data" was read
    (["lab/data!2021.csv"], {}),
])
def test_containers_from_paths(paths, expected):
    assert _containers([_File(p, "csv", 1, {}, None) for p in paths]) == expected


@pytest.fixture(scope="module")
def zipped_and_plain(tmp_path_factory):
    root = tmp_path_factory.mktemp("zip")
    plain = root / "leak"
    (plain / "labo_a").mkdir(parents=True)
    (plain / "labo_a" / "patients.csv").write_text(PATIENTS, encoding="utf-8")
    (plain / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    archive = root / "leak.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(plain / "labo_a" / "patients.csv", "labo_a/patients.csv")
        z.write(plain / "contacts.csv", "contacts.csv")
    return (assess_paths([plain], key=KEY, tool_version="test"),
            assess_paths([archive], key=KEY, tool_version="test"))


def test_zip_counts_its_members_not_itself(zipped_and_plain):
    plain, zipped = zipped_and_plain
    size = len(PATIENTS.encode()) + len(CONTACTS.encode())
    # before: scanned 3 (the archive too) and bytes = members + the archive's compressed size
    for doc, containers in ((plain, 0), (zipped, 1)):
        assert doc["files"]["scanned"] == 2
        assert doc["files"]["with_findings"] == 2
        assert doc["files"]["bytes"] == size
        assert doc["files"]["containers"] == containers
    assert zipped["subjects"] == plain["subjects"]  # same persons, same records


def test_zip_members_are_the_sources(zipped_and_plain):
    plain, zipped = zipped_and_plain
    # before: a "." source listing leak.zip (0 records) besides its members' folders
    listed = {s["path"]: [(f["path"], f["container"]) for f in s["file_list"]]
              for s in zipped["sources"]}
    assert listed == {"leak.zip": [("leak.zip!contacts.csv", "leak.zip")],
                      "leak.zip!labo_a": [("leak.zip!labo_a/patients.csv", "leak.zip")]}
    assert {s["path"]: [(f["path"], f["container"]) for f in s["file_list"]]
            for s in plain["sources"]} == {".": [("contacts.csv", None)],
                                           "labo_a": [("labo_a/patients.csv", None)]}
    # the same records per file (2 patients + the prescriber's 2 rows: 4; 1 contact row)
    assert sorted(f["records"] for s in zipped["sources"] for f in s["file_list"]) == [1, 4]


# ------------------------------------------------------------- 2. a registered leak's persons

def test_registered_leak_found_whole(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.csv").write_text(PATIENTS, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        first = assess_paths([tmp_path / "a"], key=KEY, store=store,
                             options=Options(register="L1"))
        again = assess_paths([tmp_path / "a"], key=KEY, store=store)
        registered = store.con.execute("SELECT subjects, patients FROM leaks WHERE name = 'L1'"
                                       ).fetchall()
    # 3 persons (hand count above); before: 2 registered and found (the prescriber, without an
    # RPPS number, had no key), "100 % of these persons (2)" for a run that counted 3
    assert first["subjects"]["unique"] == 3
    assert registered == [(3, 2)]
    assert [(k["name"], k["subjects"], k["overlap_subjects"], k["share_of_this"],
             k["share_of_known"]) for k in again["copies"]["known_leaks"]] == \
        [("L1", 3, 3, 1.0, 1.0)]


@pytest.mark.parametrize("registered, later, overlap", [
    # the same name-only patient in both: found by its name key (as linkage links name-only
    # records by the name)
    ("nom;prenom\nMARTIN;Jean\n", "nom;prenom\nMARTIN;Jean\n", 1),
    # a patient with NIR + birth date here is looked up by those keys only: a name-only
    # homonym in the registered leak is not taken for it
    ("nom;prenom\nMARTIN;Jean\n", f"nom;prenom;nir;date_naissance\nMARTIN;Jean;{NIR_A};1985-05-12\n", 0),
    # a name-only patient here is not taken for a registered patient who had strong keys:
    # weak keys match only between persons unkeyed on both sides (review of session 13: the
    # name alone matched a registered patient with NIR + birth date)
    (f"nom;prenom;nir;date_naissance\nMARTIN;Jean;{NIR_A};1985-05-12\n", "nom;prenom\nMARTIN;Jean\n", 0),
    # a prescriber named without an RPPS number, in a file about another patient
    ("nom;prenom;nir;date_naissance;medecin\n"
     f"MARTIN;Jean;{NIR_A};1985-05-12;Dr Paul LEROY\n",
     "nom;prenom;nir;date_naissance;medecin\n"
     f"DURAND;Marie;{NIR_B};1990-01-23;Dr Paul LEROY\n", 1),
])
def test_weak_keys_overlap(tmp_path, registered, later, overlap):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    (tmp_path / "a" / "p.csv").write_text(registered, encoding="utf-8")
    (tmp_path / "b" / "p.csv").write_text(later, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        assess_paths([tmp_path / "a"], key=KEY, store=store, options=Options(register="L1"))
        doc = assess_paths([tmp_path / "b"], key=KEY, store=store)
    assert doc["copies"]["known_leaks"][0]["overlap_subjects"] == overlap


# ------------------------------------------------------------- 3. the sections memo's cap

def _section(name: str, nir: str, born: str) -> str:
    return (f"Patient : {name}\nNé(e) le {born}\nNIR : {nir}\n"
            "Prescripteur : Dr Paul LEROY\nGlycémie à jeun : 1,32 g/L\n")


#: six report sections, two distinct ones repeated (a leak re-released in one file): the
#: memo replays the repeats. Hand count: 3 persons (MARTIN Jean, DURAND Marie, Dr LEROY).
REPORTS = "\n----------\n".join([_section("MARTIN Jean", NIR_A, "12/05/1985"),
                                 _section("DURAND Marie", NIR_B, "23/01/1990")] * 3)


@pytest.mark.parametrize("cap", [
    1,                  # bytes: every section's entry is larger, none is kept or replayed
    256 * 1024 * 1024,  # the default: the repeats are replayed
    10 ** 12,           # never evicted
])
def test_sections_memo_cap_keeps_records(tmp_path, monkeypatch, cap):
    from sentinelle.assess import records as R

    (tmp_path / "cr.txt").write_text(REPORTS, encoding="utf-8")
    replayed = []
    real = R.RecordBuilder._replay
    monkeypatch.setattr(R.RecordBuilder, "_replay",
                        lambda self, *a: (replayed.append(1), real(self, *a))[1])
    monkeypatch.setattr(R, "_SECTION_MEMO_BYTES", cap)
    doc = assess_paths([tmp_path], key=KEY, jobs=1)
    assert (doc["subjects"]["unique"], doc["subjects"]["by_role"]["patient"]["unique"]) == (3, 2)
    # replayed or rebuilt, the same records: one patient and one prescriber per section
    assert (doc["subjects"]["by_role"]["patient"]["records"],
            doc["subjects"]["by_role"]["health_professional"]["records"]) == (6, 6)
    assert (len(replayed) > 0) == (cap > 1)


# ------------------------------------------------------------- 4. review of the session 13 commit

#: a NIR in a file name: the reviewer's ``leak_185057800604830.zip`` (a 15-digit number whose
#: key 30 = 97 - (1850578006048 mod 97) checked by hand)
NAMED_ZIP = "leak_185057800604830.zip"


def test_archive_with_findings_in_its_name_only_is_a_container(tmp_path):
    # fault 5 (`sentinelle scan named --db st.duckdb; sentinelle assess --scan-id 1`): the
    # stored scan gives the archive a finding in its own name (column "(file name)"); before,
    # the archive was a source (scanned 3, its compressed bytes added, containers 0) instead
    # of the container of its 2 members
    import json

    from click.testing import CliRunner

    from sentinelle.cli import app

    root = tmp_path / "named"
    root.mkdir()
    with zipfile.ZipFile(root / NAMED_ZIP, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("labo_a/patients.csv", PATIENTS)
        z.writestr("contacts.csv", CONTACTS)
    db, out = tmp_path / "st.duckdb", tmp_path / "x.json"
    res = CliRunner().invoke(app, ["scan", str(root), "--db", str(db), "-q"])
    assert res.exit_code == 1, res.output
    with Store(db) as store:  # the premise: the archive's name holds a finding
        # (its path masked there: leak_1************30.zip)
        assert store.con.execute("SELECT count(*) FROM findings WHERE path NOT LIKE '%!%' "
                                 "AND \"column\" = '(file name)'").fetchall()[0][0] == 1
    res = CliRunner().invoke(app, ["assess", "--scan-id", "1", "--db", str(db), "--json",
                                   str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    size = len(PATIENTS.encode()) + len(CONTACTS.encode())
    assert (doc["files"]["scanned"], doc["files"]["bytes"], doc["files"]["containers"]) == \
        (2, size, 1)
    assert all(f["container"] is not None for s in doc["sources"] for f in s["file_list"])


@pytest.mark.parametrize("registered, later, overlap", [
    # fault 6, the reviewer's case: a name-and-phone patient (no strong key) is not the
    # registered patient with NIR + birth date of the same name (homonyms)
    (f"nom;prenom;date_naissance;nir\nMARTIN;Marie;12/03/1985;{NIR_B}\n",
     "nom;prenom;telephone\nMARTIN;Marie;0611223344\n", 0),
    # unkeyed on both sides: found by the name, as before
    ("nom;prenom;telephone\nMARTIN;Marie;0699887766\n",
     "nom;prenom;telephone\nMARTIN;Marie;0611223344\n", 1),
    # keyed on both sides: found by NIR + birth date
    (f"nom;prenom;date_naissance;nir\nMARTIN;Marie;12/03/1985;{NIR_B}\n",
     f"nom;prenom;date_naissance;nir\nMARTIN;Marie;12/03/1985;{NIR_B}\n", 1),
])
def test_weak_keys_only_between_unkeyed_persons(tmp_path, registered, later, overlap):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    (tmp_path / "a" / "p.csv").write_text(registered, encoding="utf-8")
    (tmp_path / "b" / "p.csv").write_text(later, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        assess_paths([tmp_path / "a"], key=KEY, store=store, options=Options(register="L1"))
        doc = assess_paths([tmp_path / "b"], key=KEY, store=store)
    k = doc["copies"]["known_leaks"][0]
    assert (k["overlap_subjects"], k["share_of_this"]) == (overlap, float(overlap))


def test_leak_keys_of_an_older_store_get_the_unkeyed_column(tmp_path):
    # a store registered before ``leak_keys.unkeyed``: the column is added, its old weak keys
    # (NULL) never match, its strong keys still do
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.csv").write_text(PATIENTS, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        assess_paths([tmp_path / "a"], key=KEY, store=store, options=Options(register="L1"))
        # back to the old table: no unkeyed column
        store.con.execute("CREATE TABLE old AS SELECT name, subject, \"key\" FROM leak_keys")
        store.con.execute("DROP TABLE leak_keys")
        store.con.execute("ALTER TABLE old RENAME TO leak_keys")
    with Store(tmp_path / "s.duckdb") as store:
        doc = assess_paths([tmp_path / "a"], key=KEY, store=store)
        cols = [r[0] for r in store.con.execute("DESCRIBE leak_keys").fetchall()]
    assert "unkeyed" in cols
    # the 2 patients (NIR + birth date) found; the prescriber (weak key only, NULL) not
    assert doc["copies"]["known_leaks"][0]["overlap_subjects"] == 2


# ------------------------------------------------------------- 7. a zip cut short

def _zip_of(members: dict[str, str]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return out.getvalue()


def test_zip_cut_before_its_central_directory_is_a_partly_read_container(tmp_path):
    # stored: each member is a 30-byte local header, its name, its bytes (APPNOTE 4.3.7); cut
    # after both members' data, so before the central directory: both read whole
    data = _zip_of({"labo_a/patients.csv": PATIENTS, "contacts.csv": CONTACTS})
    cut = (30 + len("labo_a/patients.csv") + len(PATIENTS.encode())
           + 30 + len("contacts.csv") + len(CONTACTS.encode()))
    (tmp_path / "half.zip").write_bytes(data[:cut])
    doc = assess_paths([tmp_path], key=KEY)
    size = len(PATIENTS.encode()) + len(CONTACTS.encode())
    # before: scanned 2, errors 1 ("not a readable ZIP"), the archive a source with issue error
    assert (doc["files"]["scanned"], doc["files"]["errors"], doc["files"]["bytes"],
            doc["files"]["containers"], doc["files"]["containers_partly_read"]) == \
        (2, 0, size, 1, ["half.zip"])
    assert [f["path"] for s in doc["sources"] for f in s["file_list"]] == \
        ["half.zip!contacts.csv", "half.zip!labo_a/patients.csv"]
    assert doc["subjects"]["unique"] == 3  # as the whole archive (hand count above)


def test_zip_with_nothing_read_stays_unreadable(tmp_path):
    # cut inside the first local header: no member; the archive is an unreadable file
    (tmp_path / "cut.zip").write_bytes(_zip_of({"contacts.csv": CONTACTS})[:20])
    (tmp_path / "ok.csv").write_text(CONTACTS, encoding="utf-8")
    doc = assess_paths([tmp_path], key=KEY)
    assert (doc["files"]["errors"], doc["files"]["containers"],
            doc["files"]["containers_partly_read"]) == (1, 0, [])
