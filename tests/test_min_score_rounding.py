"""``--min-score`` compares the score as reported (rounded to 4 places), not its binary sum.

New-user report (session 6): a table phone scores 0.7 + 0.2 (the header bonus), which is
0.8999999999999999 in binary floating point; the findings file shows 0.9, yet ``--min-score 0.9``
dropped every such phone. Synthetic data: ARCEP numbers, invented."""

from __future__ import annotations

import pytest

import sentinelle


@pytest.mark.parametrize("min_score, kept", [
    (0.5, 2),
    (0.9, 2),   # reported at 0.9: kept (the fault dropped both)
    (0.95, 0),  # above the reported score: dropped
])
def test_table_phone_kept_at_its_reported_score(tmp_path, min_score, kept):
    path = tmp_path / "p.csv"
    path.write_text("id;telephone\n1;06 12 34 56 78\n2;01 45 67 89 10\n", encoding="utf-8")
    found = [f for f in sentinelle.scan([path], min_score=min_score).findings
             if f.entity_type == "PHONE_NUMBER"]
    assert len(found) == kept
    assert all(f.score == 0.9 for f in found)


def test_reported_score_passes_its_own_threshold(tmp_path):
    # every finding survives a threshold equal to its own reported score
    path = tmp_path / "r.csv"
    path.write_text("nom;telephone;email\nMARTIN;06 12 34 56 78;c.martin@example.org\n",
                    encoding="utf-8")
    for f in sentinelle.scan([path], min_score=0.0).findings:
        again = sentinelle.scan([path], min_score=f.score)
        assert any(g.entity_type == f.entity_type and g.score == f.score for g in again.findings)
