"""Session 8 (speed, helper A2): the tightened prefilters of credit_card, fr.siret, credential
and health_insurer still fire on valid identifiers in their written forms (and the detector
finds them), no longer fire on the unrelated text that made them run (a compact 15-digit NIR,
"impasse", the article "la"); phone's shortcut for the tails of a rejected candidate gives the
same matches as the plain search.

Identifiers are synthetic or published test numbers: python-stdnum's docstrings and tests
(SIRET, NIR), the card networks' published test numbers (American Express 378282246310005 and
371449635398431, Diners Club 30569309025904 and 38520000023237, Discover 6011111111111117),
and two JCB 15-digit numbers whose Luhn key is computed by hand in the comments.
"""

from __future__ import annotations

import re

import pytest

from sentinelle.detectors.base import finditer_resuming, fold_keep_length
from sentinelle.detectors import phone
from sentinelle.detectors.credential import CredentialDetector
from sentinelle.detectors.credit_card import CreditCardDetector
from sentinelle.detectors.health_insurer import HealthInsurerDetector
from sentinelle.detectors.siret import SiretDetector


def _fires(det, text: str) -> bool:
    return re.search(det.prefilter, fold_keep_length(text)) is not None


CARD = CreditCardDetector()


@pytest.mark.parametrize("text, value", [
    ("Carte bancaire : 4970 1012 3456 7893, exp 12/27", "4970 1012 3456 7893"),  # grouped 4-4-4-4
    ("card 5500-0000-0000-0004", "5500-0000-0000-0004"),             # dashes
    ("Amex 3782 822463 10005.", "3782 822463 10005"),                # Amex 4-6-5
    ("n° CB 4970101234567893 cryptogramme 123", "4970101234567893"),  # compact 16
    ("carte 6011111111111117", "6011111111111117"),                  # Discover, 16
    ("Amex n°378282246310005.", "378282246310005"),                  # compact 15 after a sign
    ("carte 371449635398431", "371449635398431"),                    # Amex 15, starts with 3
    ("Diners 30569309025904", "30569309025904"),                     # compact 14
    ("Diners:38520000023237\n", "38520000023237"),                   # 14, then a line end
    # JCB 2131, 15 digits (starts with 2 like a NIR): Luhn from the right, doubling every
    # second digit: 1 + (2*0...) + 2*1 + 3 + 2*1 + 2 -> 1 + 2 + 3 + 2 + 2 = 10, key 1
    ("CB 213100000000001", "213100000000001"),
    # JCB 1800: 2 + 2*8 (1+6) + 1 = 10, key 2
    ("CB 180000000000002", "180000000000002"),
    ("4970101234567893", "4970101234567893"),                        # the whole text
])
def test_credit_card_prefilter_fires_on_written_forms(text, value):
    assert _fires(CARD, text)
    assert value in [text[m.start:m.end] for m in CARD.find(text)]


@pytest.mark.parametrize("text", [
    "NIR : 295109912611193 né le",        # stdnum fr.nir docstring, compact (15 digits, "2")
    "N° SS 195109912611194",              # same body for a man (key not checked here)
])
def test_credit_card_prefilter_skips_compact_nir(text):
    assert not _fires(CARD, text)


@pytest.mark.parametrize("text", [
    "surface 12 m²30569309025904",        # a Diners-shaped run glued to a superscript 2
    "30569309025904½",                    # ... or followed by a fraction
])
def test_credit_card_run_glued_to_superscript_is_no_card(text):
    # folding reads ² and ½ as digits: such a run is part of a longer number for the prefilter,
    # and the detector agrees (its prefilter contract)
    assert list(CARD.find(text)) == []


SIRET = SiretDetector()


@pytest.mark.parametrize("text, value", [
    ("SIRET : 732 829 320 00074 - APE 8690B", "732 829 320 00074"),  # stdnum docstring
    ("horodatage 73282932000074 reçu", "73282932000074"),             # compact, no cue (0.45)
    ("n° SIRET 35600000049837", "35600000049837"),                    # La Poste (stdnum tests)
    ("établissement 775.563.232.00104.", "775.563.232.00104"),        # dots (stdnum bulk list)
    ("siège 732829320 00074", "732829320 00074"),                     # SIREN then NIC
    ("siège 732\u00a0829\u00a0320\u00a000074", "732\u00a0829\u00a0320\u00a000074"),  # no-break
    ("siège 732\u202f829\u202f320\u202f00074", "732\u202f829\u202f320\u202f00074"),  # narrow
    ("73282932000075", "73282932000075"),                             # key wrong: INVALID, kept
    ("réf.:73282932000074\nsuite", "73282932000074"),                 # then a line end
])
def test_siret_prefilter_fires_on_written_forms(text, value):
    assert _fires(SIRET, text)
    assert value in [text[m.start:m.end] for m in SIRET.find(text)]


@pytest.mark.parametrize("text", [
    "NIR : 295109912611193 né le",        # stdnum fr.nir docstring, compact
    "2 95 10 99 126 111 93",              # the same, spaced
])
def test_siret_prefilter_skips_nir(text):
    assert not _fires(SIRET, text)


def test_siret_run_glued_to_superscript_is_no_siret():
    assert list(SIRET.find("surface 3 m²73282932000074")) == []


CREDENTIAL = CredentialDetector()


@pytest.mark.parametrize("text, value", [
    ("Identifiant : jdupont / mot de passe : Soleil2024!", "Soleil2024!"),
    ("MOT-DE-PASSE: Lyon_69", "Lyon_69"),
    ("motdepasse=Azerty123", "Azerty123"),
    ("DB_PASSWORD='Xk9#pL2q' ./run.sh", "Xk9#pL2q"),
    ('{"login": "jdupont", "password": "s3cr3t pass"}', "s3cr3t pass"),
    ("Passwd: h4ck3r", "h4ck3r"),
    ("passwort = Geheim99", "Geheim99"),
    ("Passphrase : cheval-agrafe", "cheval-agrafe"),
    ("smtp.pass=Mail2024", "Mail2024"),                       # "." before "pass"
    ("wifi-pass: Box12345", "Box12345"),                      # "-" before "pass"
    ("admin_pass (temporaire) = Tmp_2024", "Tmp_2024"),       # "_" before, a bracket after
    ("PWD=Xy12", "Xy12"),
    ("MDP=Lyon_69(bis).", "Lyon_69(bis)"),
])
def test_credential_prefilter_fires_on_labels(text, value):
    assert _fires(CREDENTIAL, text)
    assert value in [text[m.start:m.end] for m in CREDENTIAL.find(text)]


@pytest.mark.parametrize("text", [
    "12 impasse des Lilas, 69003 Lyon",   # the "pass" of an address
    "passage aux urgences, passé à 10 h",
])
def test_credential_prefilter_skips_words_holding_pass(text):
    assert not _fires(CREDENTIAL, text)


INSURER = HealthInsurerDetector()


@pytest.mark.parametrize("text, value", [
    ("Complémentaire : La Mondiale", "La Mondiale"),
    ("adhérent LA  MONDIALE depuis 2019", "LA  MONDIALE"),       # two spaces
    ("La France Mutualiste", "La France Mutualiste"),
    ("mutuelle : la Mutuelle Générale", "la Mutuelle Générale"),
    ("La Mutuelle des Étudiants", "La Mutuelle des Étudiants"),
    ("AG2R La Mondiale", "AG2R La Mondiale"),
    ("Complémentaire : MGEN", "MGEN"),
])
def test_health_insurer_prefilter_fires_on_names(text, value):
    assert _fires(INSURER, text)
    assert value in [text[m.start:m.end] for m in INSURER.find(text)]


def test_health_insurer_prefilter_skips_the_article():
    assert not _fires(INSURER, "la glycémie est à la limite")


def _plain_phone(text: str):
    """phone's matches by the plain search (no start positions, no shortcut)."""
    return [r for _m, r in finditer_resuming(phone._PATTERN, text, phone._accept)]


def _phone_texts():
    nir = "1 15 06 74 012 675 61"
    stamp = "[2021-10-10 08:51:35]"
    out = [
        f"N° SS : {nir}\nAdresse",
        f"Tél : {nir}\n",                      # a cue: the tails are taken
        f"{nir} tel",                           # a cue after
        f"{stamp} Tél",
        f"{stamp} connexion\n",
        f"Standard00 02 46 61 63\n",
        f"tel\n\n{nir}",                        # the cue in another paragraph
    ]
    # the left edge of a tail's window inside a word ("hotel" read as "tel"), at every offset
    for k in range(0, 48):
        out.append("Hotel" + "x" * k + " : " + nir + "\n")
        out.append("Hotel" + " " * k + nir + "\n")
        out.append("Ahotel" + "-" * k + stamp + "\n")
    return out


@pytest.mark.parametrize("text", _phone_texts())
def test_phone_tail_shortcut_same_matches(text):
    assert list(phone.PhoneDetector().find(text)) == _plain_phone(text)


def test_phone_tail_shortcut_on_a_long_text():
    # the start-position path (texts of SOM_MIN_CHARS or more) with the same shortcut
    text = "\n".join(_phone_texts()) * 3
    assert len(text) >= phone.SOM_MIN_CHARS
    assert list(phone.PhoneDetector().find(text)) == _plain_phone(text)
