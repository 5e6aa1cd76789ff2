"""The public Python API stays small and Presidio-like."""

from __future__ import annotations

import sentinelle


def test_all_is_sorted_and_resolvable():
    assert sentinelle.__all__ == sorted(sentinelle.__all__)
    for name in sentinelle.__all__:
        assert hasattr(sentinelle, name), name


def test_scan_text_presidio_fields():
    # NIR from python-stdnum's docstring (valid key)
    [f] = sentinelle.scan_text("Numéro de sécurité sociale : 2 95 10 99 126 111 93", entities=["FR_NIR"])
    assert (f.entity_type, f.start, f.end, f.score) == ("FR_NIR", 29, 50, 1.0)
    assert "95 10" not in repr(f)                       # repr is masked


def test_scan_paths(tmp_path):
    (tmp_path / "a.txt").write_text("NIR 2 95 10 99 126 111 93\n")
    res = sentinelle.scan(tmp_path, entities=["FR_NIR"])
    assert [(f.location.path, f.start, f.end) for f in res.findings] == [("a.txt", 4, 25)]
    assert res.issues == [] and res.counts == {"FR_NIR": 1}
