"""PhoneDetector: French written forms, + numbers, cases of ../shared/cases/cases.jsonl."""

from __future__ import annotations

import time

import pytest

from sentinelle.config import Config
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.phone import PhoneDetector
from sentinelle.finding import Location, Validation
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = PhoneDetector()


@pytest.mark.parametrize("case_id", [
    "pb-004",  # "numéros" is a cue; two numbers in one sentence
    "pb-019",  # dotted pairs, and +33 6 ...
    "pb-031",  # "Tél." then the ARCEP fiction range 04 65 71
    "pb-037",  # a rejected candidate "00 06 12 34 56" must not hide the mobile that overlaps it
])
def test_cases(case_id, expected, analyze):
    text, spans = expected(case_id, "PHONE_NUMBER")
    assert analyze(text, "PHONE_NUMBER") == spans


@pytest.mark.parametrize("text, span", [
    ("0612345678", "0612345678"),                           # compact
    ("tel 06 12 34 56 78.", "06 12 34 56 78"),              # spaces, sentence end
    ("06.12.34.56.78", "06.12.34.56.78"),                   # dots
    ("06-12-34-56-78", "06-12-34-56-78"),                   # dashes
    ("06\u00a012\u00a034\u00a056\u00a078", "06\u00a012\u00a034\u00a056\u00a078"),  # no-break spaces
    ("(+33 6 12 34 56 78)", "+33 6 12 34 56 78"),           # international, parenthesised
    ("+33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78"),       # trunk 0 in brackets
    ("+33612345678", "+33612345678"),                       # E.164
    ("0033612345678", "0033612345678"),                     # IDD 00
    ("00 33 6 12 34 56 78", "00 33 6 12 34 56 78"),         # IDD spaced
    ("+44 20 7946 0958 (London)", "+44 20 7946 0958"),      # foreign, UK drama range
    ("+1 650-253-0000", "+1 650-253-0000"),                 # foreign, NANP
    ("+33 6 12 34 56 78 12 avril", "+33 6 12 34 56 78"),    # a + number stops at the valid prefix
    ("Réf 06 12 34 56 78.example.org ok", "06 12 34 56 78"),  # pb-001: phone before a domain
])
def test_written_forms(text, span):
    found = [(text[m.start:m.end], m.validation) for m in DET.find(text)]
    assert found == [(span, Validation.VALID)]


@pytest.mark.parametrize("text", [
    "0000000000",                       # no such range
    "00 06 12 34 56",                   # same, after the rejected 00
    "+33 6 12 34",                      # too short
    "+999 1234 5678",                   # no such country code
    "n° 12345678901234",                # 14 digits, no leading 0
    "Total 612345678",                  # 9 digits in text: no leading 0, no +
    "ISBN 978-2-07-036822-8",
    "prélèvement 2024-11-05 08:42",     # a timestamp
])
def test_not_phones(text):
    assert list(DET.find(text)) == []


@pytest.mark.parametrize("text, e164", [
    ("06 12 34 56 78", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("04.65.71.12.34", "+33465711234"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_normalize_e164(text, e164):
    assert DET.normalize(text) == e164
    assert [m.normalized for m in DET.find(text)] == [e164]


def test_scores_without_and_with_context(analyze, pipeline):
    # 0.7 without cue (above the default min score 0.5), 1.0 with "portable"
    f1 = pipeline.analyze_text("rdv 06 12 34 56 78", Location("t"))
    f2 = pipeline.analyze_text("portable 06 12 34 56 78", Location("t"))
    assert [f.score for f in f1 if f.entity_type == "PHONE_NUMBER"] == [0.7]
    assert [f.score for f in f2 if f.entity_type == "PHONE_NUMBER"] == [1.0]


@pytest.mark.parametrize("word", ["numéro", "numéros", "tél", "tel", "téléphone", "portable",
                                  "mobile", "fixe", "phone", "contact", "appeler"])
def test_context_words(word):
    text = f"{word} : 06 12 34 56 78"
    start = text.index("06")
    assert DET.context_hits(fold_keep_length(text), start, start + 14)


def test_no_context_without_cue():
    # pb-004: a context regex with an empty alternative matched everywhere
    text = "Lot 0199001234 expédié"
    assert DET.context_hits(fold_keep_length(text), 4, 14) == ()


@pytest.mark.parametrize("header, hit", [
    ("tel", True), ("Téléphone", True), ("phone", True), ("portable", True), ("mobile", True),
    ("gsm", True), ("fixe", True), ("num_tel", True), ("tel_domicile", True),
    ("contact_tel", True), ("Tél. 2", True), ("telephone_portable", True),
    ("hotel", False), ("telomerase", False), ("nom", False), ("code_postal", False),
    ("contact", True), ("Contact urgence", True), ("contacter", False), ("nom_contact", False),
    ("contact_email", False),
])
def test_header_pattern(header, hit):
    from sentinelle.detectors.base import fold_header
    assert DET.header_matches(fold_header(header)) is hit


@pytest.mark.parametrize("cell, header_hit, span, e164", [
    ("0612345678", False, (0, 10), "+33612345678"),       # pb-028: HL7 PID-13 value
    (" 06 11 22 33 44 ", False, (1, 15), "+33611223344"),  # pb-014 cell, padded
    ("612345678", True, (0, 9), "+33612345678"),          # leading 0 lost by a spreadsheet
    ("33612345678", True, (0, 11), "+33612345678"),       # "+" lost
])
def test_match_cell(cell, header_hit, span, e164):
    m = DET.match_cell(cell, header_hit)
    assert m is not None and (m.start, m.end) == span and m.normalized == e164


@pytest.mark.parametrize("cell", ["612345678", "RAS", "06 12 34 56 78 (soir)"])
def test_match_cell_rejects_without_header(cell):
    assert DET.match_cell(cell, False) is None


def test_column_without_header_is_found():
    # value_threshold 0.6: a column of numbers under an opaque header is classified PHONE
    p = Pipeline([DET], Config())
    col = ["06 11 22 33 44", "0612345678", "+33 6 98 76 54 32", "inconnu", "04 65 71 12 34"]
    unit = TableUnit(Location("t.csv"), ("col7",), iter([TableBatch(0, [col])]))
    found = [f for batch in p.analyze_table(unit) for f in batch]
    assert [(f.location.row, f.value) for f in found] == [
        (0, "06 11 22 33 44"), (1, "0612345678"), (2, "+33 6 98 76 54 32"), (4, "04 65 71 12 34")]


def test_pb014_phone_column(pipeline, cases):
    # pb-014: "tel" column of a call log; one PHONE finding per row, span = the cell
    content = cases["pb-014"]["input"]["content"]
    header, line = content.splitlines()
    cols = list(zip(*[line.split(";")] * 50))
    unit = TableUnit(Location("journal_appels.csv"), tuple(header.split(";")),
                     iter([TableBatch(0, [list(c) for c in cols])]))
    found = [f for batch in pipeline.analyze_table(unit) for f in batch if f.entity_type == "PHONE_NUMBER"]
    assert len(found) == 50
    assert {(f.location.column, f.start, f.end, f.score) for f in found} == {("tel", 0, 14, 0.9)}


def _best_time(text: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.process_time()
        list(DET.find(text))
        best = min(best, time.process_time() - t)
    return best


def test_pb029_linear_time(cases):
    # pb-029: 72 KB of digit soup in under 1 s (the case's bound), here half of it in CPU
    # seconds (process_time: a loaded CI machine stretches wall time, not the work); time
    # grows linearly with the input
    case = cases["pb-029"]
    soup = case["input"]["content"] * case["expected"]["repeat_content"]
    t1 = _best_time(soup)
    t4 = _best_time(soup * 4)
    assert t1 < 0.5
    # linear: x4 input takes ~4x; quadratic would take ~16x (margin for a loaded machine)
    assert t4 < 8 * t1 + 0.02


@pytest.mark.parametrize("text, span", [
    # English and foreign forms from corpus/pii_en_presidio_synth (presidio-research)
    ("on my registered 905-674-3793. Could", "905-674-3793"),       # valid NANP, no cue needed
    ("(579)888-3058 fax", "(579)888-3058"),                         # NANP with brackets
    ("Phone:\n60-56-85-91\n\nE-mail:", "60-56-85-91"),               # foreign pairs, cue before
    ("They're not answering at 0680 298 70 63", "0680 298 70 63"),  # foreign grouping, cue
    ("Fax: 345-899-3560x4587", "345-899-3560x4587"),                # extension
    # EDS-Pseudo made-up numbers (corpus/pii_fr_clinical_eds_pseudo)
    ("Tel : 00 24 01 27 61", "00 24 01 27 61"),                     # 00 + pairs
    ("T (48) 1 54 47 33 44", "(48) 1 54 47 33 44"),                 # another code in brackets
    ("Tel : +44437402115", "+44437402115"),                         # known code, not a valid number
    ("Dr A. Caldonazzo (66)0457053315 Dr", "(66)0457053315"),       # bracketed code, no cue
    ("Dr Ruggieri +67 7 51 40 10 51, Dr", "+67 7 51 40 10 51"),     # French grouping after +CC
    ("Dr D. PETIT +330463566525", "+330463566525"),                 # trunk 0 kept after +33
])
def test_foreign_forms(text, span, analyze):
    assert [t for _s, _e, t in analyze(text, "PHONE_NUMBER")] == [span]


@pytest.mark.parametrize("text", [
    "Total 12 345 678 patients",       # thousands separators, no phone cue
    "le 12-03-2024 par tel",           # a date next to a cue
    "dossier 2024 11 05",              # digit groups without a cue
    "Montant 00 06 12 34 56",          # 00 + a national prefix: not the 00-pairs form
    "Tel +999 1234 5678 9",            # no such country code
])
def test_foreign_negatives(text, analyze):
    assert analyze(text, "PHONE_NUMBER") == []


@pytest.mark.parametrize("header, cell", [
    # FakeNameGenerator TelephoneNumber column (corpus/people_tables): national formats
    ("TelephoneNumber", "84 23 30"),           # Greenland, 6 digits
    ("TelephoneNumber", "21 259 903 5696"),    # Portugal
    ("TelephoneNumber", "0312 0828589"),       # 7-digit group
    ("phone_no", "082 490 1693"),
])
def test_people_phone_column(header, cell, pipeline):
    plan = pipeline.classify([header], [[cell, "06 12 34 56 78"]])[0]
    assert plan.detector is not None and plan.detector.name == "phone" and plan.header_hit
    m = plan.detector.match_cell(cell, True)
    assert m is not None and (m.start, m.end) == (0, len(cell))


@pytest.mark.parametrize("text", [
    # Danish CPR numbers (ddmmyy-nnnn) from the NationalID column of corpus/people_tables
    # (FakeNameGenerator): ten digits starting with 0, but no French number is written 6-dash-4
    "090499-3255",
    "CPR 010455-6811",
])
def test_national_id_shapes_are_not_phones(text):
    assert list(DET.find(text)) == []
    assert DET.match_cell(text, False) is None


@pytest.mark.parametrize("text, span, score", [
    # 00 + eight digits glued: never a valid number, phone-shaped (made-up numbers of
    # EDS-Pseudo): kept at 0.4, reported only with a cue
    ("Lot 0012345678 expédié", "0012345678", 0.4),
    # the 00 form in boxes, as the zero form
    ("0 0 5 1 7 0 2 6 0 6", "0 0 5 1 7 0 2 6 0 6", 0.4),
    # a bracketed country code in boxes: as phone-shaped as the bracketed form
    ("( 3 3 ) 6 4 2 0 4 5 6 5 7", "( 3 3 ) 6 4 2 0 4 5 6 5 7", 0.7),
    # +33 then the French national form, trunk 0 kept (+33 0 and nine digits)
    ("+330025071274", "+330025071274", 0.5),
    # a valid ten-digit tail of a longer run of digit groups (a NIR in odd groups)
    ("Code de l'Assurance Maladie : 208 04 82 195636.", "04 82 195636", 0.15),
])
def test_candidate_scores(text, span, score):
    assert [(text[m.start:m.end], m.score) for m in DET.find(text)] == [(span, score)]


@pytest.mark.parametrize("text, span", [
    # a person's title before the number is a cue (EDS-Pseudo doctor lists and letterheads)
    ("Professeur JACQUELINE GARDETTE 0057262222 Dr Louis", "0057262222"),
    ("Dr A. DAGENS 0716202677 Dr J. SRNKA", "0716202677"),
    ("Pr CORREA Louise\n0 0 5 1 7 0 2 6 0 6\n", "0 0 5 1 7 0 2 6 0 6"),
    ("Monsieur Villeneuve Odette Edith\n( 3 3 ) 6 4 2 0 4 5 6 5 7\n", "( 3 3 ) 6 4 2 0 4 5 6 5 7"),
    ("Professeur Bousquet G.B.\n+330025071274\n", "+330025071274"),
    # a "+" number glued to the word before, as a national number may be
    ("Monsieur D. PETIT\nAccueil+330463566525", "+330463566525"),
    # "faxer", "téléphonique": cues
    ("veuillez faxer ces résultats importants au 0056345761 et", "0056345761"),
    # the cue of a foreign-style number is read on its own paragraph: "Phone:" on the line
    # before counts even when the next paragraph follows (presidio-research synth v2)
    ("Personal Info:\nPhone:\n60-56-85-91\n\nE-mail:\nSzaszJanka@example.com", "60-56-85-91"),
    ("Personal Info:\nPhone:\n(08) 8747 6301\n\nE-mail:\nAlbert@example.com", "(08) 8747 6301"),
])
def test_accuracy_forms(text, span, analyze):
    assert [t for _s, _e, t in analyze(text, "PHONE_NUMBER")] == [span]


@pytest.mark.parametrize("text", [
    # NIR written in odd digit groups: the valid ten-digit tail is not reported, even with a cue
    "Mme X, Code de l'Assurance Maladie : 208 04 82 195636.",
    "Interne TICKELL JOHN\n275 02 01245688\n",
    # a date then a number: "01-11-1994 29" is no phone number
    "Monsieur RIOTTE R.\n01-11-1994 29-04-2015",
])
def test_accuracy_negatives(text, analyze):
    assert analyze(text, "PHONE_NUMBER") == []


#: cells for the columnar path (64 values or more): each row must equal match_cell; the
#: edges of the Polars rules of _match_column (French national and +33 forms)
_COLUMN_CELLS = [
    "+33 7 43 36 82 53", "+33743368253", "+33 0 43 36 82 53", "+33 7 43 36 82 5",
    "+33 1 99 00 12 34", "+33  7 43 36 82 53", " +33 7 43 36 82 53", "+33.7.43.36.82.53",
    "07 34 44 54 12", "0734445412", "06.36.46.03.75", "090499-3255", "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
    "N/A", "+44 20 7946 0958", "(33) 1 45 56 78 90",
] + [f"+33 6 12 34 56 {n:02d}" for n in range(60)]


@pytest.mark.parametrize("header_hit", [True, False])
def test_match_column_edges(header_hit):
    import polars as pl

    got = DET.match_column(pl.Series("v", _COLUMN_CELLS, dtype=pl.Utf8), header_hit)
    for value, row in zip(_COLUMN_CELLS, got.iter_rows(named=True)):
        m = DET.match_cell(value, header_hit)
        want = None if m is None else (m.start, m.end, m.score, m.pattern, m.normalized)
        have = None if row["start"] is None else (row["start"], row["end"], row["score"],
                                                  row["pattern"], row["normalized"])
        assert have == want, value


# Miss kinds of EDS-Pseudo (corpus/pii_fr_clinical_eds_pseudo) fixed by general rules (phone.py
# docstring); every number below is synthetic (made up, checked by hand against the form).
@pytest.mark.parametrize("text, span, score, pattern", [
    # the letter O typed for a zero in a grouped national number, after a cue (a title, "Tél.")
    ("Dr B. Lenoir O1.45.67.23.89 Dr C. Petit", "O1.45.67.23.89", 0.7, "fr_national_o_typo"),
    ("Tél. O4.72.11.30.O6", "O4.72.11.30.O6", 0.7, "fr_national_o_typo"),
    # ... at the end: the number is read whole, not up to the typo
    ("Tél. 04.72.11.30.O6", "04.72.11.30.O6", 0.7, "fr_national_o_typo"),
    ("Dr Girard 04 72 11 3O 16 ", "04 72 11 3O 16", 0.7, "fr_national_o_typo"),
    # a 0 and 8 digits (one short) or the 00 form with a third 0 in boxes, right after a strong
    # phone cue ("téléphone", "téléphonique"): 0.45 + the cue's boost
    ("merci de joindre par téléphone au 014523678 svp", "014523678", 0.75, "cued"),
    ("appelez notre ligne téléphonique 0 0 0 4 5 2 7 8 1 9 ou", "0 0 0 4 5 2 7 8 1 9", 0.75, "cued"),
    # a bracketed country code, the trunk 0 and eight digits (one short of a French number):
    # 0.5, plus the title's boost
    ("Mme Girard\n(33) 0 45 67 89 12\n", "(33) 0 45 67 89 12", 0.8, "paren_short"),
    ("Dossier\n(33) 0 45 67 89 12\n", "(33) 0 45 67 89 12", 0.5, "paren_short"),
    ("Dossier\n( 4 4 ) 0 2 0 7 9 4 6 0 9\n", "( 4 4 ) 0 2 0 7 9 4 6 0 9", 0.5, "paren_short"),
    # a + number libphonenumber rejects, in the E.123 notation (compact, groups of 2-4 digits
    # one space apart, boxes) with a known country code: 0.5 without a cue
    ("Laboratoire, 1000 Bruxelles, +32109876543 www.labo.be", "+32109876543", 0.5,
     "international_unassigned"),
    ("les jours fériés au +33 21 45 67 80\n", "+33 21 45 67 80", 0.5, "international_unassigned"),
    ("Dossier\n+ 3 3 2 1 4 5 6 7 8 0\n", "+ 3 3 2 1 4 5 6 7 8 0", 0.5, "international_unassigned"),
])
def test_eds_miss_kinds(text, span, score, pattern, pipeline):
    got = [(text[f.start:f.end], f.score, f.evidence.pattern)
           for f in pipeline.analyze_text(text, Location("t")) if f.entity_type == "PHONE_NUMBER"]
    assert got == [(span, score, pattern)]


@pytest.mark.parametrize("text", [
    "lot O1.45.67.23.89 reçu",            # an O typo without any cue: 0.4, dropped
    "ROOM O1.45.67.23.89B",               # glued to a letter: no number
    "Commande 014523678",                 # one digit short, no strong phone cue
    "dossier 0 0 0 4 5 2 7 8 1 9 clos",   # ten boxes in no French form, no cue
    "Dossier\n(12) 0 45 67 89 12\n",      # 12 is no country code
    "Dossier\n(33) 0 45 67 89 1\n",       # two digits short
    "Dossier\n+33 21 45 6 78 0\n",        # a + number in odd groups: 0.4, a cue needed
    "total +999123456789",                # no such country code
])
def test_eds_miss_kinds_negatives(text, analyze):
    assert analyze(text, "PHONE_NUMBER") == []


def test_contact_column_of_nine_digit_numbers(tmp_path):
    # session 10 new-user fault: a "contact" column whose numbers lost their leading 0 in a
    # spreadsheet (612345678 is 06 12 34 56 78) was not found; an e-mail there stays an e-mail
    from sentinelle.scanner import scan

    p = tmp_path / "patients.csv"
    p.write_text("nom,contact\nDUPONT,612345678\nMARTIN,145678910\nLEROY,jean.l@free.fr\n",
                 "utf-8")
    got = sorted((f.location.row, f.entity_type) for f in scan(p).findings
                 if f.location.column == "contact")
    assert got == [(0, "PHONE_NUMBER"), (1, "PHONE_NUMBER"), (2, "EMAIL_ADDRESS")]
