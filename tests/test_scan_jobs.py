"""``scan --jobs N`` (issue 6, "Parallelism"): the same findings, in the same order, with the
same reports, whatever N; big files split into pieces; Ctrl-C stops the workers cleanly.

Test data is synthetic: NIRs get their key by the rule of the NIR (key = 97 - number mod 97,
decree 82-103 / INSEE), e-mail addresses are at example.org (RFC 2606).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.pipeline import Pipeline
from sentinelle.scanner import _Parallel, iter_items, scan, walk

BIN = Path(sys.executable).with_name("sentinelle")
#: small limits so that a few hundred kilobytes make "big" files, split in many pieces
CONFIG_TOML = "chunk_bytes = 30000\ntext_chunk_chars = 1000\nbatch_rows = 100\n"


def nir(i: int) -> str:
    """A synthetic NIR with a valid key: sex 1, born 1985-03 in dept 75, commune 114, birth
    order 001-999 (000 is not a valid order number)."""
    body = f"1850375114{i % 999 + 1:03d}"
    return body + f"{97 - int(body) % 97:02d}"


def email(i: int) -> str:
    return f"patient.{i}@example.org"


def big_text(n: int) -> str:
    lines = []
    for i in range(n):
        if i % 5 == 0:
            lines.append(f"Compte rendu {i} : joindre {email(i)} pour le suivi.\n")
        else:
            lines.append(f"Ligne {i} sans donnee particuliere, resultat normal.\n")
    return "".join(lines)


def big_csv(n: int) -> str:
    rows = ["id;nir;email;commentaire\n"]
    for i in range(n):
        note = '"ligne 1\nligne 2 ; suite"' if i % 50 == 3 else "ras"  # a quoted line end
        rows.append(f"{i};{nir(i)};{email(i)};{note}\n")
    return "".join(rows)


def big_ndjson(n: int, bad_at: int | None = None) -> str:
    out = []
    for i in range(n):
        if i == bad_at:
            out.append('{"id": "broken\n')
            continue
        out.append(json.dumps({"id": str(i), "nir": nir(i), "contact": {"email": email(i)}}) + "\n")
    return "".join(out)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("jobs")
    d = root / "leak"
    (d / "lab").mkdir(parents=True)
    (d / "notes").mkdir()
    (d / "lab" / "patients.csv").write_text(
        "nom;prenom;nir;email\nMARTIN;Claire;" + nir(7) + ";" + email(7) + "\n", encoding="utf-8")
    (d / "lab" / "results.tsv").write_text(
        "id\tnir\n" + "".join(f"{i}\t{nir(i)}\n" for i in range(30)), encoding="utf-8")
    (d / "notes" / "note.txt").write_text(f"Patiente, NIR {nir(3)}, ecrire a {email(3)}.\n",
                                          encoding="utf-8")
    (d / "notes" / "empty.txt").write_bytes(b"")
    (d / "bad.json").write_text('{"nir": "' + nir(1) + '", ', encoding="utf-8")  # cut short
    (d / "blob.bin").write_bytes(bytes(range(256)) * 4)  # unsupported format
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export/a.csv", "nir;email\n" + "".join(f"{nir(i)};{email(i)}\n" for i in range(20)))
        z.writestr("export/b.txt", f"Contact {email(99)} NIR {nir(99)}\n")
    (d / "archive.zip").write_bytes(buf.getvalue())
    (d / "truncated.zip").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    # big files (above chunk_bytes = 30000): split into pieces with --jobs > 1
    (d / "big").mkdir()
    (d / "big" / "report.txt").write_text(big_text(4000), encoding="utf-8")
    (d / "big" / "table.csv").write_text(big_csv(1500), encoding="utf-8")
    (d / "big" / "records.ndjson").write_text(big_ndjson(900), encoding="utf-8")
    (d / "big" / "records_bad.ndjson").write_text(big_ndjson(900, bad_at=700), encoding="utf-8")
    (root / "sentinelle.toml").write_text(CONFIG_TOML, encoding="utf-8")
    return d


def run(*args, cwd: Path, **kw):
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, **kw)


def test_jobs_give_byte_identical_output(mixed: Path):
    root = mixed.parent
    outputs = {}
    for jobs in (1, 2, 4):
        f, s = root / f"f{jobs}.jsonl", root / f"s{jobs}.json"
        r = run("scan", mixed, "--no-db", "--config", root / "sentinelle.toml", "--findings", f,
                "--format", "json", "-o", s, "--jobs", jobs, cwd=root)
        assert r.returncode == 1, r.stderr  # personal data found
        outputs[jobs] = (f.read_bytes(), s.read_bytes(), sorted(r.stderr.splitlines()))
    assert outputs[1] == outputs[2] == outputs[4]
    recs = [json.loads(line) for line in outputs[1][0].decode().splitlines()]
    summary = json.loads(outputs[1][1])
    files = {f["path"]: f for f in summary["files"]}
    # the bad files are reported, the scan went on
    assert files["bad.json"]["issue"]["kind"] == "error"
    assert files["truncated.zip"]["issue"]["kind"] == "error"
    assert files["blob.bin"]["issue"]["kind"] == "skipped"
    assert files["big/records_bad.ndjson"]["issue"]["kind"] == "error"
    assert "line 701" in files["big/records_bad.ndjson"]["issue"]["position"]
    assert "archive.zip!export/a.csv" in files
    # big CSV: one NIR per data row, rows are the file's 0-based data rows (quoted line ends
    # inside cells do not shift them)
    nir_rows = sorted(r["row"] for r in recs if r["path"] == "big/table.csv"
                      and r["entity_type"] == "FR_NIR")
    assert nir_rows == list(range(1500))
    assert files["big/table.csv"]["rows"] == 1500
    # a bad NDJSON line costs only that line: the rows before and after it are kept (each line
    # keeps its own row number), split across workers as in one process
    bad_rows = {r["row"] for r in recs if r["path"] == "big/records_bad.ndjson"
                and r["entity_type"] == "FR_NIR"}
    assert bad_rows == set(range(900)) - {700}
    # big text: offsets are offsets in the whole decoded file
    text = (mixed / "big" / "report.txt").read_text(encoding="utf-8")
    starts = sorted(r["start"] for r in recs if r["path"] == "big/report.txt"
                    and r["entity_type"] == "EMAIL_ADDRESS")
    assert starts == [text.index(email(i)) for i in range(0, 4000, 5)]


def test_big_files_are_split_into_pieces(mixed: Path):
    config = Config(chunk_bytes=30000, text_chunk_chars=1000, batch_rows=100)
    par = _Parallel(Pipeline(build(None, config), config), config, 2)
    slots = list(par._plan(walk([mixed], config), None))
    pieces: dict[str, int] = {}
    ranges: dict[str, list] = {}
    for s in slots:
        if s.task is not None and s.task[0] == "piece":
            pieces[s.display] = pieces.get(s.display, 0) + 1
        if s.task is not None and s.task[0] == "range":
            ranges.setdefault(s.display, []).append(s.task[4:7])  # (start, end, first row)
    # 200 KB of text / 3750 characters a piece; NDJSON pieces by cell characters
    assert set(pieces) == {"big/report.txt", "big/records.ndjson", "big/records_bad.ndjson"}
    assert all(n >= 5 for n in pieces.values()), pieces
    # the CSV (73 KB) in byte ranges the workers read: at least 15,000 bytes (chunk_bytes / 2)
    # and whole batches of 100 rows each, end to end
    table = ranges.pop("big/table.csv")
    assert not ranges
    assert len(table) >= 4
    assert all(r[2] % 100 == 0 for r in table) and table[0][2] == 0
    assert all(a[1] == b[0] for a, b in zip(table, table[1:]))
    assert table[-1][1] == (mixed / "big" / "table.csv").stat().st_size
    assert all(end - start >= 15000 for start, end, _ in table[:-1])
    # the small files and the archive go whole to a worker
    whole = {s.task[1] for s in slots if s.task is not None and s.task[0] == "file"}
    assert {"archive.zip", "lab/patients.csv", "notes/note.txt"} <= whole


def test_api_jobs_same_result(mixed: Path, monkeypatch):
    # a test process has used Polars: workers must start clean ("forkserver", the pipeline
    # pickled); the CLI tests above cover "fork"
    import sentinelle.scanner as scanner
    monkeypatch.setattr(scanner, "_start_method", lambda: "forkserver")
    config = Config(chunk_bytes=30000, text_chunk_chars=1000, batch_rows=100)

    def key(result):
        return ([(f.location.path, f.location.row, f.location.column, f.start, f.end,
                  f.entity_type, f.score) for f in result.findings], result.files)

    one = scan(mixed / "big", config, jobs=1)
    two = scan(mixed / "big", config, jobs=2)
    assert key(one) == key(two)
    assert len(one.findings) > 3000


def test_closing_early_stops_the_workers(mixed: Path, monkeypatch):
    import sentinelle.scanner as scanner
    monkeypatch.setattr(scanner, "_start_method", lambda: "forkserver")
    config = Config()
    pipeline = Pipeline(build(None, config), config)
    gen = iter_items(walk([mixed], config), pipeline, config, lambda b: None, jobs=2)
    first = next(gen)
    assert first.path == "archive.zip!export/a.csv"  # walk order: members before the archive
    import multiprocessing
    assert multiprocessing.active_children()
    gen.close()
    assert not [p for p in multiprocessing.active_children() if p.name == "sentinelle-worker"]


def test_ctrl_c_stops_workers_and_leaves_nothing(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(300):
            z.writestr(f"m{k}.txt", "".join(f"Patient {i}: {email(i)}, NIR {nir(i)}\n"
                                           for i in range(400)))
    for k in range(3):
        (d / f"a{k}.zip").write_bytes(buf.getvalue())
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "f.jsonl"
    env = {**os.environ, "SENTINELLE_KEY": "test-key", "TMPDIR": str(tmp)}
    proc = subprocess.Popen([str(BIN), "scan", str(d), "--no-db", "-q", "--findings", str(out),
                             "--jobs", "2"], env=env, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith("sentinelle-") for p in tmp.iterdir()):
            break  # a worker is inside an archive, with its private temporary folder
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be interrupted"
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted; no output file was written" in err
    assert "Traceback" not in err
    assert not out.exists() and not list(out.parent.glob("*.part"))
    assert list(tmp.iterdir()) == []  # every worker removed its temporary folder
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no worker left behind
