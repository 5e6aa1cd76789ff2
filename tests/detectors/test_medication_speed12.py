"""Session 12 speed (issue 6): spelling variants and salt words of a long text found by one
hyperscan pass (MedicationDetector._variant_places) give the findings of the word-by-word path.

Synthetic texts. The variants are the module docstring's hand-checked examples of the WHO INN
transliteration rules ("ibuprophène", "indometacin", "flurbiprophène": "ph"/"f", English INN
without the final "e"); "levothyroxin" is the listed "lévothyroxine" without its final "e"
("th" kept), "metilfenidate" the listed "méthylphénidate" written with "t", "i", "f"."""

import pytest

from sentinelle.detectors import medication as med

pytest.importorskip("hyperscan")

FILLER = "Le patient est revu en consultation ce jour, examen clinique sans particularité. "


def _spans(det, text):
    return [(text[m.start:m.end], m.pattern) for m in det.find(text)]


def _slow_path(det, text):
    """The findings of the path of short texts (every long word listed in Python)."""
    keep = det._variant_places
    det._variant_places = lambda folded: None
    try:
        return _spans(det, text)
    finally:
        det._variant_places = keep


@pytest.fixture(scope="module")
def det():
    return med.MedicationDetector()


def test_long_text_takes_the_hyperscan_path(det):
    text = FILLER * 40 + "Traitement : indometacin."
    assert len(text) >= med._SOM_MIN_CHARS
    assert det._variant_places(text) is not None


@pytest.mark.parametrize("variant, pattern", [
    ("ibuprophène 400 mg", "drug_spelling+strength"),
    ("indometacin", "drug_spelling"),
    ("flurbiprophène", "drug_spelling"),
    ("levothyroxin", "drug_spelling"),
    ("metilfenidate", "drug_spelling"),
])
def test_variant_in_a_long_text(det, variant, pattern):
    text = FILLER * 40 + f"Traitement : {variant}, à poursuivre. " + FILLER * 5
    assert (variant, pattern) in _spans(det, text)


def test_not_a_variant_inside_a_token(det):
    # a variant glued to a digit is no whole token (the word-by-word rule): not reported
    text = FILLER * 40 + "Réf. 12indometacin et indometacin3. "
    assert not [s for s in _spans(det, text) if s[1].startswith("drug_spelling")]


def test_listed_spelling_is_no_variant(det):
    # the listed spelling is a listed drug, not a variant
    text = FILLER * 40 + "Sous méthylphénidate depuis 2019. "
    assert ("méthylphénidate", "drug_list") in _spans(det, text)


def test_same_findings_as_word_by_word(det):
    body = ("Traitement : ibuprophène 400 mg, indometacin, Indométacine, flurbiprophène, "
            "lévothyroxine 75 µg, levothyroxin, méthylphénidate, metilfenidate, "
            "chlorhydrate de tramadol, sulfates de fer, bicarbonate de sodium 1 g, "
            "hydroxyde d'aluminium, acide nitrique, 12indometacin, μmetilfenidate. ")
    text = (FILLER * 30 + body) * 4
    fast = _spans(det, text)
    assert fast == _slow_path(det, text)
    assert ("sulfates de fer", "salt_name") in fast  # the salt words still open chemistry


def test_salts_of_a_long_text(det):
    # a salt glued to a digit starts no chemical name; the others are found as on a short text
    body = "Bilan : 12sulfate de fer. Perfusion de bicarbonates de sodium 1 g. "
    text = FILLER * 30 + body
    fast = _spans(det, text)
    assert fast == _slow_path(det, text)
    # a salt of a cation (module docstring: "bicarbonates", an analysis, inside it is dropped)
    assert ("bicarbonates de sodium 1 g", "salt_name+strength") in fast
    assert not [s for s in fast if s[0].startswith("sulfate")]
