"""Session 8, issue 3 fault 3: a fake for MEDICAL_RECORD_NUMBER (``synth/patient_numbers.py``)
so the ``test-data`` preset writes a patient number, not a label, and the word "IPP" left before
it is not then read as the drug class (MEDICATION). Values synthetic; expected shapes written by
hand from the rule (letters, separators and digit count kept, digits drawn again)."""

from __future__ import annotations

import random
import re

import pytest

from sentinelle.detectors.medication import MedicationDetector
from sentinelle.synth.patient_numbers import _nir_keyed, fake


@pytest.mark.parametrize("value, shape", [
    ("IPP 000123", r"IPP \d{6}"),          # the synth generator's three lab styles
    ("P0000123", r"P\d{7}"),
    ("D-000123", r"D-\d{6}"),
    ("NDA-2024-0012", r"NDA-\d{4}-\d{4}"),  # a stay number: letters and dashes kept
    ("  45871236 ", r"  \d{8} "),           # padding kept
    ("42BG98765", r"\d{2}BG\d{5}"),
])
def test_fake_keeps_the_format(value, shape):
    for seed in range(20):
        got = fake(value, random.Random(seed))
        assert re.fullmatch(shape, got) and got != value


def test_fake_is_deterministic_for_one_seed():
    assert fake("IPP 000123", random.Random(7)) == fake("IPP 000123", random.Random(7))


@pytest.mark.parametrize("value", ["IPP", "", "dossier A"])
def test_no_digit_no_fake(value):
    assert fake(value, random.Random(1)) is None


def test_fake_of_a_long_number_is_never_a_keyed_nir():
    # 185057800608491: NIR 1 85 05 78 006 084, key 91 = 97 - (1850578006084 mod 97), by hand
    assert _nir_keyed("185057800608491") and not _nir_keyed("185057800608492")
    for seed in range(300):
        assert not _nir_keyed(fake("185057800608492", random.Random(seed)))


MED = MedicationDetector()


@pytest.mark.parametrize("text, found", [
    ("Patiente IPP : 45871236 vue le 12/03/2024", []),        # a number after the label
    ("IPP 000123", []),
    ("IPP: P0004512", []),                                     # letters then digits
    ("IPP A-004512", []),
    ("Patient : Zoé MARTIN, IPP : <MEDICAL_RECORD_NUMBER>.", []),  # redact's label in its place
    ("IPP n° 45871236", []),
    # the drug class stays a drug class
    ("sous IPP 20 mg/j", ["IPP"]),                             # a strength
    ("Traitement : IPP et AINS", ["IPP", "AINS"]),
    ("sous IPP x2/j", ["IPP"]),                                 # "x2": no number of 3 digits
])
def test_ipp_labelling_a_number_is_not_the_drug_class(text, found):
    assert [text[m.start:m.end] for m in MED.find(text)] == found


def test_test_data_preset_writes_fake_patient_numbers(tmp_path, monkeypatch):
    """End to end: with the fake registered for MEDICAL_RECORD_NUMBER (the one line proposed for
    redact/fakes.py ``_IDENTIFIERS``; set here so the test holds before and after it lands), the
    test-data preset leaves no label and the re-scan finds no "IPP" as MEDICATION but the dose."""
    import sentinelle
    from sentinelle.redact import fakes, redact

    monkeypatch.setitem(fakes._IDENTIFIERS, "MEDICAL_RECORD_NUMBER", fake)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("nom;ipp;commentaire\nMARTIN Zoé;IPP 000123;Patiente IPP : "
                               "45871236 vue le 12/03/2024\nDURAND Luc;P0004512;sous IPP 20 mg/j\n",
                               encoding="utf-8")
    (src / "cr.txt").write_text("Patient : MARTIN Zoé, IPP : 45871236, née le 12/03/1960.\n"
                                "Traitement : IPP 20 mg le soir.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = redact([src], out, "test-data", b"patient-number-test-key-0123456789")
    assert all(f.status == "written" for f in result.files)
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert "<MEDICAL_RECORD_NUMBER>" not in texts["a.csv"] + texts["cr.txt"]
    assert "45871236" not in texts["cr.txt"] and "000123" not in texts["a.csv"]
    assert re.search(r"IPP : \d{8}, née", texts["cr.txt"])      # a fake of 8 digits in place
    meds = [(f.location.path, f.value) for f in sentinelle.scan([out], entities=["MEDICATION"]).findings]
    assert sorted(v for _, v in meds) == ["IPP", "IPP"]          # the two doses only
