"""The fast paths of PERSON and LOCATION in text (issue 6, speed) find IDENTICAL matches to the
rules run at every token.

PERSON (``PersonDetector._candidates``) classes each distinct token once and runs the rules
(``_at``, ``_surname_alone``) only at the tokens whose class and surroundings may start a
name; the reference runs them at every token. LOCATION (``LocationDetector._may_start`` and the
hyperscan cue positions of ``_cue_positions``) runs its rules only at the capitalised tokens
that start a listed name or follow a cue shape; the reference runs them at every capitalised
token (no classes, ``_cue_before`` asked everywhere). Both read the tokens of a short text with
one ``re.split`` and a character class listing the text's letters (``location.word_chars``), of
a long one with NumPy (checked equal to the regex tokens); the reference texts include letters
outside Latin-1 (more than the 32 the class takes, too). The cheap test of short texts
(``_may_hold``: table cells on the text path) drops no match.

Texts: EDS-Pseudo notes, one by one and concatenated
(../shared/corpus/pii_fr_clinical_eds_pseudo/eds_pseudo_gen_dev.jsonl), QUAERO dev texts
(../shared/corpus/medical_ner_fr_quaero/dev), the Europeana 1906 newspapers
(../shared/corpus/ner_fr_europeana_bnf/enp_FR.bnf.dev.bio), presidio-research English
sentences (../shared/corpus/pii_en_presidio_synth/synth_dataset_v2.dev.json), the inputs of
../shared/cases/cases.jsonl, the shipped synthetic leak's reports
(examples/leak/*/comptes_rendus.txt) and hand-made lines for the edges of the fast paths.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from sentinelle.detectors import location
from sentinelle.detectors.location import LocationDetector, word_chars
from sentinelle.detectors.person import PersonDetector
from tests.conftest import shared_dir

REPO = Path(__file__).resolve().parents[2]


def _eds() -> list[str]:
    path = shared_dir() / "corpus" / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    notes = [json.loads(raw)["note_text"] for raw in path.read_text(encoding="utf-8").splitlines()
             if raw.strip()]
    return notes + ["\n\n".join(notes[i:i + 60]) for i in range(0, len(notes), 60)]


def _quaero() -> list[str]:
    root = shared_dir() / "corpus" / "medical_ner_fr_quaero" / "dev"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))]
    return ["\n".join(texts[i:i + 80]) for i in range(0, len(texts), 80)]


def _europeana() -> list[str]:
    """The dev chunks, tokens joined by a space (as bench/accuracy.py reads them)."""
    path = shared_dir() / "corpus" / "ner_fr_europeana_bnf" / "enp_FR.bnf.dev.bio"
    docs: list[str] = []
    parts: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# chunk"):
            if parts:
                docs.append("".join(parts))
            parts = []
        elif line.strip():
            parts.append(line.rpartition(" ")[0] + " ")
    if parts:
        docs.append("".join(parts))
    return docs


def _presidio_en() -> list[str]:
    path = shared_dir() / "corpus" / "pii_en_presidio_synth" / "synth_dataset_v2.dev.json"
    texts = [r["full_text"] for r in json.loads(path.read_text(encoding="utf-8"))]
    return texts + ["\n".join(texts[i:i + 100]) for i in range(0, len(texts), 100)]


def _cases() -> list[str]:
    rows = [json.loads(raw)["input"] for raw in
            (shared_dir() / "cases" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
            if raw.strip()]
    return [r if isinstance(r, str) else str(r.get("content", "")) for r in rows]


def _leak() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples" / "leak").rglob("comptes_rendus.txt"))]


EDGE = [
    # letters outside Latin-1 (Greek, Polish, a ligature, digraphs), superscript digits (letters
    # for [^\W\d_]), hyphenated and elided names, a naming verb, "NOM Prénom", initials
    "Ωmega Dr Ωlivier Łukasz Dupont à Łódź, né à Saint-Étienne ; 12 rue X 75001 PARIS ; "
    "Ǆ ǅ ǆ ² ³ ¹ ¼ M. ΣΑΣ Jean-ΣΑΣ ΜΑΡΤΙΝ, cœur de Bœuf, L'Haÿ-les-Roses",
    "je m'appelle Jean Durand ; my name is Rubija ; DUPONT Jean ; BARLET P. ; O. LEBERT ; "
    "Patient : DUPONT Marie ; NOM = MARTIN ; PROVENCE Jean ; LYON  Marie ; A. DUPONT-MARTIN",
    # more than 32 distinct letters outside Latin-1: the fallback class [^\W\d_]
    "".join(chr(c) for c in range(0x391, 0x3c9)) + " Dr Jean Dupont né à Lyon, au Havre "
    + "".join(chr(c) for c in range(0x410, 0x44f)) + " M. Ivan Petrov à Paris 75011",
    "MM. Colle, Fachart et Gurnaud ; les généraux Chômer et de Coisrouvray ; Mme L. ; "
    "M . Viollette ; NI . Limon ; M- KERNEIS ; M. POINCARÉ Paris , 22 avril",
    "né à Remniku ; grew up in Loeches ; 93000 THIELLES ; Brest, Lorient et Vannes ; "
    "DREUX . Les ouvriers ; Dinan ETAT-CIVIL ; hôpital Georges Pompidou ; maladie de Parkinson",
]

CORPORA = {"eds": _eds, "quaero": _quaero, "europeana": _europeana, "presidio_en": _presidio_en,
           "cases": _cases, "leak": _leak, "edge": lambda: EDGE + [" ".join(EDGE) * 30]}


def _person_reference(det: PersonDetector, monkeypatch) -> None:
    """Run the rules at every token: no class, no skip."""
    monkeypatch.setattr(det, "_candidates", lambda text, words, *_a: range(len(words)))
    monkeypatch.setattr(det, "_candidates_numpy", lambda text, words, *_a: range(len(words)))


def _location_reference(det: LocationDetector, monkeypatch) -> None:
    """Run the rules at every capitalised token: no class, _cue_before asked everywhere."""
    monkeypatch.setattr(det, "_may_start", lambda run: (1, "") if run[0].isupper() else (0, ""))
    monkeypatch.setattr(location, "_cue_positions", lambda folded: None)


@pytest.mark.parametrize("corpus", list(CORPORA))
@pytest.mark.parametrize("make, reference", [(PersonDetector, _person_reference),
                                             (LocationDetector, _location_reference)],
                         ids=["person", "location"])
def test_fast_paths_equal_the_rules_at_every_token(corpus, make, reference, monkeypatch):
    texts = CORPORA[corpus]()
    fast_det, ref_det = make(), make()
    fast = [list(fast_det.find(t)) for t in texts]
    reference(ref_det, monkeypatch)
    ref = [list(ref_det.find(t)) for t in texts]
    assert sum(map(len, ref)) > 0  # (the texts hold names and places)
    for text, got, want in zip(texts, fast, ref):
        assert got == want, text[:200]


@pytest.mark.parametrize("text, outside", [
    ("Dupont à Lyon", ""),                        # ASCII: the Latin-1 letters only
    ("cœur, Łódź, l’été – Ω", "ŁœźΩ"),            # letters outside Latin-1 (not ’ nor –), in
                                                  # code point order
    ("\u0300 \u200b 😀 ٣", ""),                   # a combining mark, a zero-width space, an
                                                  # emoji, an Arabic-Indic digit: no letters
])
def test_word_chars(text, outside):
    got = word_chars(text)
    assert got is not None and got.endswith(outside)
    assert "".join(c for c in got if ord(c) > 0xFF) == outside
    assert set("ª²³µ¹º¼½¾") <= set(got) and not set("0123456789_×÷") & set(got)


def test_word_chars_limit():
    greek = "".join(chr(c) for c in range(0x3B1, 0x3CA))  # 25 letters outside Latin-1: listed
    assert word_chars(greek).endswith(greek)
    cyrillic = "".join(chr(c) for c in range(0x410, 0x431))  # 33: the class [^\W\d_] instead
    assert word_chars(cyrillic) is None


@pytest.mark.parametrize("make", [PersonDetector, LocationDetector], ids=["person", "location"])
def test_pickled_detector_finds_the_same(make):
    # --jobs workers started clean get the pipeline pickled: the memos of the text path go
    # empty, the matches stay
    det = make()
    text = " ".join(EDGE)
    before = list(det.find(text))
    copy = pickle.loads(pickle.dumps(det))
    assert list(copy.find(text)) == before and before


def _long_texts() -> list[str]:
    """Texts of NUMPY_RUNS_CHARS characters or more (the NumPy path), from every corpus."""
    return [t for name in CORPORA for t in CORPORA[name]() if len(t) >= location.NUMPY_RUNS_CHARS]


def test_numpy_runs_equal_the_regex_runs():
    # LOCATION: the runs of letters and the capitalised ones, by NumPy (long texts) and by
    # re.split (letter_runs, the short-text path)
    texts = _long_texts()
    assert texts and any(not t.isascii() for t in texts)
    for text in texts:
        runs, starts = location.letter_runs(text)
        ends = [s + len(r) for r, s in zip(runs, starts)]
        ks = [k for k, r in enumerate(runs) if r[0].isupper()]
        assert location.capitalised_runs(text) == (starts, ends, ks, [runs[k] for k in ks])


def test_numpy_tokens_equal_the_regex_tokens():
    # PERSON: the tokens of _WORD (letters joined by an apostrophe or a hyphen), their offsets
    # and whether one or two spaces join each to the next one
    import re

    from sentinelle.detectors import person

    texts = _long_texts() + ["a-b--c d'’e f’g -h i- j  k \u00a0l\u202fm\tn" * 400,
                             "Jean-Pierre  DUPONT\u00a0\u00a0Marie" * 400]
    for text in texts:
        assert len(text) >= location.NUMPY_RUNS_CHARS
        found = list(re.finditer(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", text))
        words = [m.group() for m in found]
        joined = [text[a.end():b.start()] in person._GAP_SEPS for a, b in zip(found, found[1:])]
        assert person._tokens(text) == (words, [m.start() for m in found], [m.end() for m in found],
                                        joined + [False] * bool(found))


CELLS = [
    # table cells that go through the text path: identifiers, dates, codes, units, test names
    # (no name or place), and short values that hold one (names, towns, a postcode, a cue)
    "IPP 000001", "2019-03-04", "g/dL", "Hémoglobine", "HEMOGLOBINE", "mmol/L", "A", "A.", "B-",
    "RPPS", "Dr", "M.", "Mme L.", "Dupont", "DUPONT", "Jean", "Jean Dupont", "DUPONT Jean",
    "BARLET P.", "O. LEBERT", "NOM : MARTIN", "Nom=Durand", "Patient : DUPONT Marie", "Lyon",
    "PARIS", "75001 Paris", "2A 004 Ajaccio", "né à Remniku", "au Havre", "Saint-Étienne",
    "Le Havre", "Tel", "L'Haÿ-les-Roses", "my name is Rubija", "je m'appelle Jean", "cœur",
    "Łódź", "St Anne", "73 UI/L", "12 rue de la Paix", "Hôpital St Anne", "Ωmega",
]


@pytest.mark.parametrize("make", [PersonDetector, LocationDetector], ids=["person", "location"])
def test_short_text_test_drops_no_match(make, monkeypatch):
    # _may_hold (the cheap test of short texts, table cells) says "nothing" only where the
    # full path finds nothing: the cells above and the lines of the EDS notes and of EDGE
    lines = [line for t in _eds()[:300] + EDGE for line in t.splitlines() if 0 < len(line) < 256]
    cells = CELLS + lines
    fast_det, ref_det = make(), make()
    fast = [list(fast_det.find(c)) for c in cells]
    monkeypatch.setattr(ref_det, "_may_hold", lambda text: True)
    ref = [list(ref_det.find(c)) for c in cells]
    assert sum(map(len, ref)) > 50
    assert fast == ref
    skipped = sum(not fast_det._may_hold(c) for c in CELLS)
    assert skipped >= 8  # ("IPP 000001", "2019-03-04", "g/dL", "Hémoglobine", ...)


def test_ascii_code_equals_the_token_code():
    # PersonDetector._ascii_code (words of ASCII letters) gives the code of _token_code: on the
    # words of every corpus and of the cells above, titles, roles, towns, places, first names
    # and stopwords in every case
    from sentinelle.detectors import person

    words = {w for name in CORPORA for t in CORPORA[name]() for w in person._WORD.findall(t)}
    words |= {w for c in CELLS for w in person._WORD.findall(c)}
    for w in ("Dr", "DR", "dr", "M", "MM", "Mme", "madame", "Madame", "Monsieur", "Mgr", "NI",
              "Ni", "general", "General", "GENERAL", "abbe", "Paris", "PARIS", "Nancy", "Lyon",
              "Carnot", "Florence", "Marie", "MARIE", "marie", "le", "Le", "LE", "jo", "Jo",
              "named", "Named", "appelle", "Patient", "DES", "des", "mUI", "McDonald", "UI"):
        words.add(w)
    det = person.PersonDetector()
    checked = [w for w in words if len(w) >= 2 and w.isascii() and w.isalpha()]
    assert len(checked) > 5000
    assert [w for w in checked if det._ascii_code(w) != det._token_code(w)] == []
