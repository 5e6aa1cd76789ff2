"""Session 12 new-user trial faults: malformed HMAC keys, non-personal IP addresses and URLs,
entity types `evaluate` leaves out.

Keys: README "Privacy" section: the key is a `--key-file`'s content (``sentinelle key new``
writes 64 hexadecimal characters and a newline) or `$SENTINELLE_KEY`'s UTF-8 bytes; a key that
would give hashes matching nothing is an error (exit 2, one line naming where the key came
from, never the key).
"""

from __future__ import annotations

import pytest

from sentinelle.errors import KeyFileError
from sentinelle.privacy import load_key

#: a key as `sentinelle key new` writes it: 64 hexadecimal characters (hand-written here)
HEX64 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
CSV = "nom;email\nDurand;anne.durand@laposte.net\n"


def _key_file(tmp_path, text: str):
    path = tmp_path / "k"
    path.write_text(text)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("content", ["short\n", HEX64[:40] + "\n", "abc"])
def test_malformed_key_file_refused(monkeypatch, tmp_path, content):
    monkeypatch.delenv("SENTINELLE_KEY")
    path = _key_file(tmp_path, content)
    with pytest.raises(KeyFileError) as info:
        load_key(path)
    assert str(path) in str(info.value) and content.strip() not in str(info.value)


@pytest.mark.parametrize("content", [HEX64 + "\n", "file-key\n", HEX64.upper()])
def test_good_key_file_kept(monkeypatch, tmp_path, content):
    monkeypatch.delenv("SENTINELLE_KEY")
    assert load_key(_key_file(tmp_path, content)) == content.strip().encode()


@pytest.mark.parametrize("env", ["abc", "short", HEX64[:40]])
def test_malformed_env_key_refused(monkeypatch, env):
    monkeypatch.setenv("SENTINELLE_KEY", env)
    with pytest.raises(KeyFileError, match=r"^\$SENTINELLE_KEY: not a usable key") as info:
        load_key()
    assert env not in str(info.value)


@pytest.mark.parametrize("env", ["env-key", "test-key-not-secret", HEX64])
def test_passphrase_env_key_kept(monkeypatch, env):
    monkeypatch.setenv("SENTINELLE_KEY", env)
    assert load_key() == env.encode()


def test_generated_key_accepted_cut_key_refused_cli(cli, tmp_path):
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    key = tmp_path / "key"
    assert cli("key", "new", key, cwd=tmp_path).returncode == 0
    ok = cli("scan", "a.csv", "--no-db", "-q", "--key-file", key, cwd=tmp_path)
    assert ok.returncode == 1, ok.stderr
    full = key.read_text()
    key.write_text(full[:40] + "\n")  # the first 40 hex characters of a real key
    for args, env, where in (
            (("--key-file", key), {}, str(key)),
            ((), {"SENTINELLE_KEY": "abc"}, "$SENTINELLE_KEY")):
        r = cli("scan", "a.csv", "--no-db", "-q", *args, cwd=tmp_path, env_extra=env)
        err = r.stderr.decode()
        assert r.returncode == 2, err
        assert len(err.strip().splitlines()) == 1 and where in err
        assert full[:40] not in err and "abc" not in err.replace(where, "")


# --- addresses that identify no one (RFC 1122 3.2.1.3 loopback 127.0.0.0/8, RFC 4291 ::1,
# unspecified 0.0.0.0; RFC 6761 6.3 localhost): below the default --min-score 0.5 even after a
# cue ("host", "server", "url", "lien"), still shown at --min-score 0

@pytest.fixture(scope="module")
def pipeline():
    from sentinelle.config import Config
    from sentinelle.detectors import build
    from sentinelle.pipeline import Pipeline

    return Pipeline(build(), Config(min_score=0.0))  # to see the low scores


@pytest.mark.parametrize("text, entity, value", [
    ("host = 127.0.0.1", "IP_ADDRESS", "127.0.0.1"),
    ("The server listens on 127.0.0.1 port 8080", "IP_ADDRESS", "127.0.0.1"),
    ("adresse IP : ::1", "IP_ADDRESS", "::1"),
    ("server 0.0.0.0", "IP_ADDRESS", "0.0.0.0"),
    ("url: http://localhost:8000/docs", "URL", "http://localhost:8000/docs"),
    ("lien http://127.0.0.1:5000/?a=1", "URL", "http://127.0.0.1:5000/?a=1"),
    ("site https://[::1]/", "URL", "https://[::1]/"),
    ("lien http://api.localhost/x", "URL", "http://api.localhost/x"),
])
def test_this_machine_scores_low_with_a_cue(pipeline, text, entity, value):
    from sentinelle.finding import Location

    got = [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
           if f.entity_type == entity]
    assert got == [(value, 0.2)]


@pytest.mark.parametrize("text, entity, value, score", [
    ("adresse IP 81.250.3.4", "IP_ADDRESS", "81.250.3.4", 1.0),     # 0.7 + cue 0.3
    ("lien : https://www.ameli.fr", "URL", "https://www.ameli.fr", 0.8),  # 0.5 + cue 0.3
])
def test_other_addresses_keep_their_cue(pipeline, text, entity, value, score):
    from sentinelle.finding import Location

    got = [(f.value, f.score) for f in pipeline.analyze_text(text, Location("t"))
           if f.entity_type == entity]
    assert got == [(value, score)]


def test_readme_loopback_passes_the_gate(cli, tmp_path):
    (tmp_path / "README.md").write_text(
        "Run it, then open http://localhost:8000/ (the server listens on host 127.0.0.1).\n",
        encoding="utf-8")
    r = cli("scan", "README.md", "--no-db", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("scan", "README.md", "--no-db", "--min-score", "0", "--findings", "f.jsonl",
            cwd=tmp_path)
    assert r.returncode == 1
    import json
    rows = [json.loads(l) for l in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    assert sorted((d["entity_type"], d["score"]) for d in rows) == [
        ("IP_ADDRESS", 0.2), ("URL", 0.2)]


# --- evaluate: finding types the truth does not cover are named, with their counts

def _jsonl(path, records):
    import json
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _finding(entity, start, end):
    return {"schema_version": 2, "path": "a.txt", "entity_type": entity, "score": 0.9,
            "row": None, "column": None, "sheet": None, "page": None, "start": start,
            "end": end, "masked": "*", "value_hash": "0" * 64, "validation": "none",
            "detector": "x"}


def test_evaluate_names_the_types_left_out(cli, tmp_path):
    import json

    from sentinelle.evaluate import evaluate

    label = {"path": "a.txt", "row": None, "column": None, "sheet": None, "start": 0, "end": 5,
             "entity_type": "PERSON"}
    truth = _jsonl(tmp_path / "labels.jsonl", [label])  # a labels file: PERSON only
    found = _jsonl(tmp_path / "f.jsonl", [
        _finding("PERSON", 0, 5), _finding("LOCATION", 10, 15), _finding("LOCATION", 20, 25),
        _finding("URL", 30, 40)])
    ev = evaluate(truth, found)
    assert (ev.micro.tp, ev.micro.fp, ev.micro.fn) == (1, 0, 0)
    assert ev.left_out == (("LOCATION", 2), ("URL", 1))
    r = cli("evaluate", truth, found, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    notes = [l for l in r.stdout.decode().splitlines() if l.startswith("note:")]
    assert notes == ["note: 3 findings left out of the figures, types the truth does not "
                     "cover: LOCATION 2, URL 1"]
    r = cli("evaluate", truth, found, "--format", "json", cwd=tmp_path)
    assert json.loads(r.stdout)["left_out"] == {"LOCATION": 2, "URL": 1}
    # nothing left out: no note, an empty object
    only = _jsonl(tmp_path / "g.jsonl", [_finding("PERSON", 0, 5)])
    assert "note:" not in cli("evaluate", truth, only, cwd=tmp_path).stdout.decode()
    assert json.loads(cli("evaluate", truth, only, "--format", "json",
                          cwd=tmp_path).stdout)["left_out"] == {}
