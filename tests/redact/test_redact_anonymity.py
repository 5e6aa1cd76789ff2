"""k-anonymity, l-diversity and ``--k`` generalisation on a table computed by hand.

The table (7 synthetic patients): after the ``share`` preset (birth date -> year, postcode ->
department) the classes of (birth year, department, sex) are (1985, 75, F) x 2,
(1990, 69, H) x 3, (1970, 13, F) x 1 and (1975, 84, F) x 1, so k = 1 with 4 classes; distinct
diagnoses per class: 2, 2, 0, 1, so l = 0. For k >= 2 no single step is enough: 1970 and 1975
meet only as the decade 1970-1979, and 13 (Bouches-du-Rhône) and 84 (Vaucluse) only as their
region, Provence-Alpes-Côte d'Azur (INSEE COG); with decade and region the classes are
(1980s, Île-de-France, F) x 2, (1990s, Auvergne-Rhône-Alpes, H) x 3 and
(1970s, Provence-Alpes-Côte d'Azur, F) x 2: k = 2, l = 1 (only "asthme" in the last one).
"""

from __future__ import annotations

TABLE = ("nom;sexe;date_naissance;code_postal;diagnostic\n"
         "ALBERT;F;12/03/1985;75011;diabète\n"
         "BERNARD;F;02/05/1985;75012;asthme\n"
         "COLIN;H;01/01/1990;69001;diabète\n"
         "DENIS;H;03/03/1990;69003;diabète\n"
         "ETIENNE;H;04/04/1990;69004;asthme\n"
         "FAURE;F;05/05/1970;13001;\n"
         "GIRARD;F;06/06/1975;84000;asthme\n")


def test_k_and_l_of_the_share_output(do_redact):
    out, result = do_redact({"p.csv": TABLE}, "share")
    a = result.risk.anonymity
    (t,) = a.tables
    assert (t.table, t.rows, t.classes, t.k, t.l) == ("p.csv", 7, 4, 1, 0)
    assert set(t.quasi_identifiers) == {"dob", "postcode", "sex"}
    assert [c["records"] for c in t.smallest] == [1, 1, 2, 3]
    assert {(c["dob"], c["postcode"], c["sex"]) for c in t.smallest[:2]} == {
        ("1970", "13***", "F"), ("1975", "84***", "F")}
    assert result.risk.ok  # no k target: k = 1 is reported, not a failure


def test_k2_generalises_to_decade_and_region(do_redact):
    out, result = do_redact({"p.csv": TABLE}, "share", k=2)
    a = result.risk.anonymity
    assert result.levels == {"FR_POSTAL_CODE": 2, "DATE_OF_BIRTH": 2}
    (t,) = a.tables
    assert (t.classes, t.k, t.l) == (3, 2, 1)
    rows = [l.split(";") for l in (out / "p.csv").read_text("utf-8").splitlines()[1:]]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("F", "1980-1989", "Île-de-France"), ("F", "1980-1989", "Île-de-France"),
        ("H", "1990-1999", "Auvergne-Rhône-Alpes"), ("H", "1990-1999", "Auvergne-Rhône-Alpes"),
        ("H", "1990-1999", "Auvergne-Rhône-Alpes"),
        ("F", "1970-1979", "Provence-Alpes-Côte d'Azur"),
        ("F", "1970-1979", "Provence-Alpes-Côte d'Azur")]
    assert [r[4] for r in rows] == ["diabète", "asthme", "diabète", "diabète", "asthme", "",
                                    "asthme"]  # the sensitive attribute is kept
    assert result.risk.ok


def test_k_unreachable_says_why_then_suppresses(do_redact):
    # k = 3: the two F classes of 2 cannot grow by generalisation alone
    out, result = do_redact({"p.csv": TABLE}, "share", k=3)
    a = result.risk.anonymity
    assert a.k_min == 2 and "k=2 at the top of every hierarchy" in a.note
    assert not result.risk.ok  # the target was not reached: exit code 1
    out2, result2 = do_redact({"p.csv": TABLE}, "share", k=3, suppress=True, out_name="s")
    (t,) = result2.risk.anonymity.tables
    assert (t.k, t.suppressed, t.rows) == (3, 4, 3)
    rows = [l.split(";") for l in (out2 / "p.csv").read_text("utf-8").splitlines()[1:]]
    assert [r[2] for r in rows].count("*") == 4 and [r[3] for r in rows].count("*") == 4
    assert result2.risk.ok
