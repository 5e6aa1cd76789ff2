"""Speed work on ``sentinelle redact`` of HL7 v2 (issue 6, "speed is a feature"; measured on
../shared/corpus/hl7v2/cdc_trusted_intermediary): the changes must not change what is written.

1. :func:`~sentinelle.redact.writers.hl7v2._subcomponents` lists the sub-components of a field
   without recursion: the same ``(start, end, component number)`` triples as the recursive
   ``_split`` it replaces in the writer's hot loop (every field of every segment written);
2. the re-scan of the output (:func:`sentinelle.redact.risk.assess`) uses the run's own scoped
   pipeline (its memos already hold the unchanged cells' outcomes) instead of a new one, and
   still reports an original value left.

Synthetic values only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.readers.hl7v2 import Delimiters
from sentinelle.redact.writers.hl7v2 import _split, _subcomponents
from tests.redact.conftest import KEY

# HL7 v2.5.1 2.5.4: the usual encoding characters ^~\& (component, repetition, escape,
# sub-component); MSH-2 may stop after three of them (no sub-component separator)
STANDARD = Delimiters(field="|", component="^", repetition="~", escape="\\", subcomponent="&")
NO_SUB = Delimiters(field="|", component="^", repetition="~", escape="\\", subcomponent="")
NO_REP = Delimiters(field="|", component="^", repetition="", escape="\\", subcomponent="&")


@pytest.mark.parametrize("text, base, d, expected", [
    # offsets counted by hand: A0 &1 B2 ^3 C4 ~5 D6, shifted by base 10; D starts repetition 2
    # at component 1 again
    ("A&B^C~D", 10, STANDARD, [(10, 11, 1), (12, 13, 1), (14, 15, 2), (16, 17, 1)]),
    # an empty field is one empty sub-component of component 1
    ("", 4, STANDARD, [(4, 4, 1)]),
    # empty components keep their numbers: ^^^^^USA is component 6 (XAD country)
    ("^^^^^USA", 0, STANDARD,
     [(0, 0, 1), (1, 1, 2), (2, 2, 3), (3, 3, 4), (4, 4, 5), (5, 8, 6)]),
    # no sub-component separator declared: & is data
    ("A&B^C", 0, NO_SUB, [(0, 3, 1), (4, 5, 2)]),
    # no repetition separator declared: ~ is data
    ("A~B^C", 0, NO_REP, [(0, 3, 1), (4, 5, 2)]),
])
def test_subcomponents(text, base, d, expected):
    assert _subcomponents(text, base, d) == expected
    # and the recursive form the writer used before gives the same list
    assert _split(text, base, [d.repetition, d.component, d.subcomponent]) == expected


def test_subcomponents_same_as_split_on_every_shape():
    """Every string of up to 5 characters over a letter and the four separators (plus the
    escape), under the three delimiter sets: the same list as ``_split``."""
    import itertools

    for d in (STANDARD, NO_SUB, NO_REP):
        for n in range(6):
            for chars in itertools.product("a^~&\\", repeat=n):
                text = "".join(chars)
                assert _subcomponents(text, 3, d) == _split(
                    text, 3, [d.repetition, d.component, d.subcomponent]), (text, d)


def test_rescan_uses_the_runs_pipeline():
    from sentinelle.pipeline import Pipeline
    from sentinelle.redact import _build_run
    from sentinelle.redact.policy import load_policy
    from sentinelle.redact.risk import _scoped
    from sentinelle.redact.scope import ScopedPipeline

    config = Config()
    run = _build_run(config, load_policy("share"), KEY)
    assert _scoped(run.pipeline, run.config) is run.pipeline
    # another configuration, or a plain pipeline: a scoped one of its own
    other = config.with_(min_score=0.9)
    made = _scoped(run.pipeline, other)
    assert isinstance(made, ScopedPipeline) and made is not run.pipeline
    assert made.min_score == 0.9
    plain = Pipeline(run.pipeline.detectors, config)
    assert isinstance(_scoped(plain, config), ScopedPipeline)


HL7 = ("MSH|^~\\&|LAB|FAC|||20240102030405||ORU^R01|MSG0001|P|2.5.1\r"
       "PID|1||PAT778812^^^FAC^MR||DUPONTEL^MIREILLE||19710203|F\r"
       "OBX|1|ST|1234-5^NOTE^L||Dossier de DUPONTEL MIREILLE||||||F\r")


def test_rescan_still_finds_an_original_left(tmp_path: Path):
    """The run's pipeline has seen the input: an original value written back into the output
    (as a bad writer would leave it) is still found by the re-scan and reported as left."""
    from sentinelle.redact import _build_run
    from sentinelle.redact.engine import plan, redact_file
    from sentinelle.redact.policy import load_policy
    from sentinelle.redact.risk import assess

    src = tmp_path / "in"
    src.mkdir()
    (src / "msg.hl7").write_bytes(HL7.encode("ascii"))
    out = tmp_path / "out"
    config = Config()
    run = _build_run(config, load_policy("share"), KEY)
    planned, _ = plan([src], out, config)
    res = redact_file(planned[0], out, run)
    assert res.status == "written"
    target = out / "msg.hl7"
    written = target.read_bytes().decode("ascii")
    assert "DUPONTEL" not in written
    clean = assess(out, [res], run, None, None)
    assert clean.leak_count == 0
    # the PID-5 as written in the input put back
    lines = written.split("\r")
    pid = lines[1].split("|")
    pid[5] = "DUPONTEL^MIREILLE"
    lines[1] = "|".join(pid)
    target.write_bytes("\r".join(lines).encode("ascii"))
    leaked = assess(out, [res], run, None, None)
    assert leaked.leak_count >= 1
    assert {leak.entity for leak in leaked.leaks} >= {"PERSON"}
