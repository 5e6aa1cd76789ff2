"""``is_valid`` of the Luhn-keyed identifiers skips python-stdnum's ``clean`` for compact ASCII
numbers (the text path checks every candidate); both paths must agree. Values: python-stdnum
docstrings and the synthetic numbers of the detectors' examples (keys hand-checked there)."""

from __future__ import annotations

import pytest

from sentinelle.identifiers import adeli, cni, credit_card, finess, rpps, siren, siret


@pytest.mark.parametrize("module, number, valid", [
    (siren, "404833048", True),            # stdnum docstring
    (siren, "404833047", False),           # stdnum docstring: wrong key
    (siren, "404 833 048", True),          # separators: python-stdnum path
    (siren, "4048330480", False),          # 10 digits
    (siret, "73282932000074", True),       # stdnum docstring
    (siret, "73282932000079", False),      # stdnum docstring: wrong key
    (siret, "35600000049837", True),       # La Poste: digit sum a multiple of 5 (stdnum tests)
    (siret, "35600000049838", False),      # La Poste, digit sum 49
    (siret, "35600000000048", True),       # La Poste head office: Luhn
    (siret, "732 829 320 00074", True),    # separators: python-stdnum path
    (rpps, "10001234565", True),           # detectors/rpps.py example
    (rpps, "10001234566", False),          # wrong key
    (rpps, "20001234565", False),          # RPPS numbers start with 1
    (finess, "750000010", True),           # detectors/finess.py example
    (finess, "750000011", False),          # wrong key
    (finess, "000000000", False),          # department 00 (Luhn-valid)
    (credit_card, "4970101234567893", True),   # detectors/credit_card.py example (Visa)
    (credit_card, "4970101234567894", False),  # wrong key
    (credit_card, "8944123456789012", False),  # industry digit 8: no payment network
    (credit_card, "4970 1012 3456 7893", True),  # separators: python-stdnum path
])
def test_fast_and_stdnum_paths_agree(module, number, valid):
    assert module.is_valid(number) is valid


@pytest.mark.parametrize("module, number, compacted", [
    # ``compact`` of an ASCII letters-and-digits number returns it as python-stdnum's ``clean``
    # would (nothing to strip), upper-cased where the module upper-cases
    (siren, "404833048", "404833048"),
    (siren, " 404 833.048 ", "404833048"),                # python-stdnum path: spaces and dots
    (siret, "73282932000074", "73282932000074"),
    (siret, "732.829.320 00074", "73282932000074"),
    (rpps, "10001234565", "10001234565"),
    (rpps, "100-0123-4565", "10001234565"),
    (finess, "2a0001234", "2A0001234"),                   # Corsica upper-cased
    (finess, "75 000 001-0", "750000010"),
    (credit_card, "4970101234567893", "4970101234567893"),
    (credit_card, "4970-1012 3456-7893", "4970101234567893"),
    (adeli, "2b4000125", "2B4000125"),
    (adeli, "75 1 23456 0", "751234560"),
    (cni, "t7x3kp9q2", "T7X3KP9Q2"),
    (cni, "T7X3 KP9Q2", "T7X3KP9Q2"),
    (siren, "404833048\u2013", "404833048-"),             # a non-ASCII dash: stdnum's clean maps it
])
def test_compact_fast_path(module, number, compacted):
    assert module.compact(number) == compacted


@pytest.mark.parametrize("number, valid", [
    ("751234560", True),      # detectors/adeli.py example: 9 digits, any key (not published)
    ("001234567", False),     # department 00
    ("75123456", False),      # 8 digits
    ("2A4000125", True),      # Corsica: python-stdnum path
])
def test_adeli_fast_path(number, valid):
    assert adeli.is_valid(number) is valid
