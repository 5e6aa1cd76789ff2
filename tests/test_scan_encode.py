"""Output records made where the findings are made (issue 6, "Parallelism"):
:class:`RecordEncoder` gives the findings-file bytes of DESIGN.md "Findings file" (one
``json.dumps(Finding.to_record(hasher), ensure_ascii=False)`` per line), in a worker as in the
main process; :func:`useful_jobs` starts no worker a scan cannot use.

Test data is synthetic: NIRs get their key by the rule of the NIR (key = 97 - number mod 97,
decree 82-103 / INSEE), e-mail addresses are at example.org (RFC 2606).
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.errors import KeyFileError
from sentinelle.finding import FindingBatch
from sentinelle.pipeline import Pipeline
from sentinelle.privacy import KeyedHasher
from sentinelle.scanner import EncodedBatch, Issue, RecordEncoder, iter_items, scan_text, \
    useful_jobs, walk

KEY = b"test-key-encoder"
ENTITIES = ("FR_NIR", "EMAIL_ADDRESS")


def nir(i: int) -> str:
    body = f"1850375114{i % 999 + 1:03d}"
    return body + f"{97 - int(body) % 97:02d}"


TEXT = f"Patiente, NIR {nir(3)}, écrire à claire.martin@example.org ou à c.m@example.org.\n"


def expected_jsonl(findings) -> str:
    """The findings-file contract, one finding at a time (DESIGN.md "Findings file")."""
    hasher = KeyedHasher(KEY)
    return "".join(json.dumps(f.to_record(hasher), ensure_ascii=False) + "\n" for f in findings)


@pytest.fixture(scope="module")
def findings():
    found = scan_text(TEXT, entities=ENTITIES)
    # the text holds one NIR and two addresses: the encoder has something to encode
    assert sorted(f.entity_type for f in found) == ["EMAIL_ADDRESS", "EMAIL_ADDRESS", "FR_NIR"]
    return found


@pytest.mark.parametrize("as_batch", [
    False,  # a text unit's findings: a list of Finding
    True,   # a table batch's findings: a FindingBatch (Arrow)
])
def test_encoder_gives_the_findings_file_bytes(findings, as_batch):
    batch = FindingBatch.from_findings(findings) if as_batch else findings
    enc = RecordEncoder(KEY)(batch)
    assert enc.count == 3 and bool(enc)
    assert enc.jsonl == expected_jsonl(findings).encode("utf-8")
    hasher = KeyedHasher(KEY)
    assert enc.records.to_pylist() == [f.to_record(hasher) for f in findings]
    assert nir(3).encode() not in enc.jsonl  # masked values and hashes only


@pytest.mark.parametrize("jsonl, records", [
    (True, False),   # --findings without store nor SARIF: no table to send back
    (False, True),   # store only: no JSON text to make
])
def test_encoder_makes_only_what_is_asked(findings, jsonl, records):
    enc = RecordEncoder(KEY, jsonl=jsonl, records=records)(findings)
    assert (enc.jsonl != b"") is jsonl
    assert (enc.records is not None) is records


def test_encoder_empty_batch_and_bad_key():
    assert not RecordEncoder(KEY)([])
    with pytest.raises(KeyFileError):
        RecordEncoder(b"")


def test_encoder_pickles_without_showing_its_key(findings):
    enc = RecordEncoder(KEY, records=False)
    copy = pickle.loads(pickle.dumps(enc))  # what a forkserver/spawn worker receives
    assert copy(findings).jsonl == expected_jsonl(findings).encode("utf-8")
    assert copy.records is False
    assert "test-key" not in repr(enc) and "test-key" not in repr(copy(findings))


def _files(tmp_path: Path, sizes: list[int]) -> list:
    out = []
    for k, n in enumerate(sizes):
        p = tmp_path / f"f{k}.txt"
        p.write_bytes(b"x" * n)
        out.append((p.name, p))
    return out


@pytest.mark.parametrize("sizes, issues, jobs, expected", [
    ([10], 0, 4, 1),               # one small file: scanned here, no worker started
    ([10], 3, 4, 1),               # issues (missing paths) are not work for a worker
    ([10, 10], 0, 4, 2),           # one worker per file at most
    ([10, 10, 10, 10, 10], 0, 4, 4),  # more files than jobs: every job
    ([100], 0, 4, 4),              # a file over chunk_bytes is split: every job
    ([10, 10], 0, 1, 1),           # --jobs 1 stays 1
    ([], 1, 2, 1),                 # nothing to scan
])
def test_useful_jobs(tmp_path, sizes, issues, jobs, expected):
    config = Config(chunk_bytes=50)
    items = [Issue(f"missing{k}", "error", "no such file or folder") for k in range(issues)]
    items += _files(tmp_path, sizes)
    assert useful_jobs(items, config, jobs) == expected


def test_prepare_runs_in_the_workers_same_bytes(tmp_path, monkeypatch):
    # workers started clean (forkserver): the encoder and the pipeline are pickled to them
    import sentinelle.scanner as scanner
    monkeypatch.setattr(scanner, "_start_method", lambda: "forkserver")
    d = tmp_path / "in"
    d.mkdir()
    for k in range(4):  # a quote and a backslash in a name: escaped in the JSON text
        (d / f"note\"{k}\\é.txt").write_text(TEXT, encoding="utf-8")
    (d / "table.csv").write_text("nir;email\n" + "".join(
        f"{nir(i)};p.{i}@example.org\n" for i in range(40)), encoding="utf-8")
    config = Config(entities=ENTITIES)
    pipeline = Pipeline(build(config.entities, config), config)
    out: dict[int, list] = {}
    for jobs in (1, 2):
        got: list = []
        reports = list(iter_items(walk([d], config), pipeline, config, got.append, jobs=jobs,
                                  prepare=RecordEncoder(KEY, records=False)))
        assert all(isinstance(e, EncodedBatch) for e in got)
        out[jobs] = (b"".join(e.jsonl for e in got).decode("utf-8"), [(r.path, r.counts) for r in reports])
    assert out[1] == out[2]
    lines = out[1][0].splitlines()
    assert len(lines) == 3 * 4 + 2 * 40  # 3 per TEXT, 2 per table row
    assert lines[0].startswith('{"schema_version": 2, "path": "note\\"0\\\\é.txt", ')  # RFC 8259


def test_long_text_is_split_among_workers_same_bytes(tmp_path, monkeypatch):
    # a plain text under chunk_bytes but over SPLIT_TEXT_BYTES goes to the workers in pieces
    import sentinelle.scanner as scanner
    from sentinelle.scanner import _Parallel
    monkeypatch.setattr(scanner, "SPLIT_TEXT_BYTES", 20_000)
    monkeypatch.setattr(scanner, "TEXT_PIECE_CHARS", 5_000)
    d = tmp_path / "in"
    d.mkdir()
    lines = [f"Compte rendu {i} : joindre p.{i}@example.org, NIR {nir(i)}.\n" if i % 7 == 0
             else f"Ligne {i} sans donnee particuliere, resultat normal.\n" for i in range(1200)]
    text = "".join(lines)
    (d / "long.txt").write_text(text, encoding="utf-8")  # about 65 KB
    (d / "short.txt").write_text(TEXT, encoding="utf-8")
    config = Config(entities=ENTITIES, text_chunk_chars=2_000)
    pipeline = Pipeline(build(config.entities, config), config)
    slots = list(_Parallel(pipeline, config, 2)._plan(walk([d], config), None))
    pieces = [s for s in slots if s.task is not None and s.task[0] == "piece"]
    assert len(pieces) >= 10 and {s.display for s in pieces} == {"long.txt"}
    out = {}
    for jobs in (1, 2):
        got: list = []
        reports = list(iter_items(walk([d], config), pipeline, config, got.append, jobs=jobs,
                                  prepare=RecordEncoder(KEY, records=False)))
        out[jobs] = (b"".join(e.jsonl for e in got).decode("utf-8"), reports)
    assert out[1] == out[2]
    recs = [json.loads(line) for line in out[1][0].splitlines() if '"long.txt"' in line]
    # offsets are those of the whole decoded file, whatever the piece
    starts = sorted(r["start"] for r in recs if r["entity_type"] == "EMAIL_ADDRESS")
    assert starts == [text.index(f"p.{i}@example.org") for i in range(0, 1200, 7)]
