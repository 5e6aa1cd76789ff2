"""``is_valid`` of the Luhn-keyed identifiers skips python-stdnum's ``clean`` for compact ASCII
numbers (the text path checks every candidate); both paths must agree. Values: python-stdnum
docstrings and the synthetic numbers of the detectors' examples (keys hand-checked there)."""

from __future__ import annotations

import pytest

from sentinelle.identifiers import credit_card, finess, rpps, siren, siret


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
