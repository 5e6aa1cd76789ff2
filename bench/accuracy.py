"""Per-entity precision / recall / F1 of sentinelle and Presidio on the same inputs, in one run.

Usage (from the repo root, after ``pip install -e '.[bench]'``)::

    .venv/bin/python bench/accuracy.py [--json bench/results/accuracy.json] [--no-presidio]
        [--datasets synth,eds,quaero,europeana,presidio_en,people,identifiers,cases]
        [--synth-patients 300] [--seed 7] [--people-rows 1000]

Datasets (the shared folder is ``$SENTINELLE_SHARED``, default ``../shared``):

* ``synth``: a synthetic leak written by ``sentinelle synth`` (seed and size above; persons
  repeated across labs, reports, CSV/JSON); truth = its ``labels.jsonl``.
* ``eds``: corpus/pii_fr_clinical_eds_pseudo (French clinical snippets, AP-HP EDS-Pseudo, dev
  split). NOM/PRENOM -> PERSON (adjacent ones merged into one name), TEL, MAIL, SECU -> FR_NIR,
  ADRESSE -> STREET_ADDRESS, ZIP -> FR_POSTAL_CODE, VILLE -> LOCATION, DATE_NAISSANCE ->
  DATE_OF_BIRTH, DATE -> DATE_TIME, IPP and NDA (the hospital's patient and stay numbers) ->
  MEDICAL_RECORD_NUMBER.
* ``quaero``: corpus/medical_ner_fr_quaero dev (MEDLINE titles, EMEA leaflets; BRAT).
  DISO -> HEALTH_CONDITION (its UMLS types are diseases, signs and symptoms, findings, injuries:
  all health data about a person). CHEM -> MEDICATION except the CHEM mentions that name no
  drug (:data:`QUAERO_CHEM_NOT_DRUG`: dosage forms and packaging, excipients, the body's own
  substances and lab analytes, generic words), because CHEM is all "Chemicals & Drugs" and
  MEDICATION is a medicinal product or substance; drug classes ("antirétroviraux") stay in.
* ``europeana``: corpus/ner_fr_europeana_bnf dev (1906 newspapers, OCR): I-PER -> PERSON,
  I-LOC -> LOCATION (LOC includes regions and countries, not only communes).
* ``presidio_en``: corpus/pii_en_presidio_synth (English sentences from Presidio's own
  evaluation set): PERSON, EMAIL, PHONE, IBAN, CREDIT_CARD, IP, STREET_ADDRESS, GPE -> LOCATION,
  DATE_TIME. Presidio runs with the French spaCy model (no English model ships on the index).
* ``people``: corpus/people_tables FakeNameGenerator CSV (first ``--people-rows`` rows): whole
  cells of GivenName/Surname/MothersMaiden -> PERSON, EmailAddress, TelephoneNumber,
  StreetAddress, City -> LOCATION, Birthday -> DATE_OF_BIRTH, Password -> CREDENTIAL.
* ``identifiers``: corpus/identifiers python-stdnum examples: each value alone as a text;
  the valid IBAN, SIREN, SIRET, BIC and NIR values are the truth (invalid ones are negatives).
* ``cases``: ../shared/cases with expected entity spans (the text cases of other tools' bugs).

Matching: ``exact`` (same span) and ``overlap`` (spans share a character; the CoNLL-style
relaxed match used by presidio-research), per entity, within the same document / row / column
(:func:`sentinelle.evaluate.evaluate`). Only entities annotated in a dataset are scored; a tool
is compared on an entity only when it emits that label at all. DATE_OF_BIRTH and DATE_TIME are
also scored merged as ``DATE`` so a tool that does not tell birth dates apart is not penalised
twice.

Prints one table per dataset and writes everything to ``--json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
SHARED = Path(os.environ.get("SENTINELLE_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

Rec = dict  # {"path", "row", "column", "start", "end", "entity_type"}


@dataclass
class TextDoc:
    doc_id: str
    text: str
    labels: list[tuple[int, int, str]]


@dataclass
class Dataset:
    name: str
    truth: list[Rec]
    ours: list[Rec] = field(default_factory=list)
    presidio: list[Rec] | None = None
    ours_seconds: float = 0.0
    presidio_seconds: float = 0.0
    note: str = ""


def _rec(path, row, column, start, end, label) -> Rec:
    return {"path": path, "row": row, "column": column, "start": start, "end": end,
            "entity_type": label}


# -- text corpora ------------------------------------------------------------------------------

def load_eds() -> list[TextDoc]:
    mapping = {"TEL": "PHONE_NUMBER", "MAIL": "EMAIL_ADDRESS", "SECU": "FR_NIR",
               "ADRESSE": "STREET_ADDRESS", "ZIP": "FR_POSTAL_CODE", "VILLE": "LOCATION",
               "DATE_NAISSANCE": "DATE_OF_BIRTH", "DATE": "DATE_TIME",
               "IPP": "MEDICAL_RECORD_NUMBER", "NDA": "MEDICAL_RECORD_NUMBER"}
    docs = []
    path = CORPUS / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        text = d["note_text"]
        labels = [(e["start"], e["end"], mapping[e["label"]]) for e in d["entities"]
                  if e["label"] in mapping]
        names = sorted((e for e in d["entities"] if e["label"] in ("NOM", "PRENOM")),
                       key=lambda e: e["start"])
        merged: list[list[int]] = []
        for e in names:  # "Jean Dupont" is one PERSON, annotated PRENOM + NOM
            if merged and e["start"] - merged[-1][1] <= 2 and not text[merged[-1][1]:e["start"]].strip():
                merged[-1][1] = e["end"]
            else:
                merged.append([e["start"], e["end"]])
        labels += [(s, e, "PERSON") for s, e in merged]
        docs.append(TextDoc(d["note_id"], text, labels))
    return docs


#: CHEM mentions that are not a medication (folded, whole mention): why CHEM != MEDICATION
QUAERO_CHEM_NOT_DRUG = (
    # dosage forms and packaging (EDQM standard terms), generic words
    r"comprime|gelule|capsule|solution|suspension|sirop|poudre|granule|pellicul|plaquette|flacon|"
    r"seringue|sachet|pvc|hdpe|polyethylene|aluminium|formes? pharmaceutiques?|"
    r"principes? actifs?|substances? actives?|excipient|composant|"
    r"composes? chimiques?|chimique|placebo|produit|"
    # excipients
    r"dioxyde|oxyde|titane|e1\d\d|saccharose|lactose|glucose|fructose|galactose|sucres?|talc|"
    r"cellulose|ethylcellulose|silice|colloidale|lanoline|polysorbate|propylene|glycol|triacetine|"
    r"laurylsulfate|citrate|acide citrique|eau|sodium|colorants?|"
    # the body's own substances, enzymes and lab analytes
    r"serotonine|hydroxytryptamine|catecholamines?|neurotransmetteurs?|hormones?|hormonaux|"
    r"enzymes?|enzymatique|proteines?|anticorps|antigenes?|immunoglobulines?|creatinine|"
    r"transaminases?|alat|asat|alanine|aspartate|phosphatase|transferase|cytochromes?|cyp\w*|"
    r"p450|comt|catechol|mao|cd4|dna|adn|lipides?|graisses?|grasse|marqueurs?|metabolites?|"
    r"glucuronide|triphosphate|phosphate|alcool|groupe methyle"
)
#: whole mentions: "acide" alone or an acid of the body or of the excipients (not "acide
#: valproïque", a drug); a generic word alone (not "médicaments antirétroviraux", a class)
QUAERO_CHEM_NOT_DRUG_ACIDS = (r"acide(?: lactique| citrique(?: anhydre)?| carboxylique)?|"
                              r"(?:medicaments?|medication|associations?)(?: veterinaires?)?")


def load_quaero() -> list[TextDoc]:
    import re
    import unicodedata

    def folded(s: str) -> str:
        d = unicodedata.normalize("NFKD", s)
        return " ".join("".join(c for c in d if not unicodedata.combining(c)).lower().split())

    # the head word of the mention starts with a listed stem ("comprimés pelliculés")
    not_drug = re.compile(rf"(?:{QUAERO_CHEM_NOT_DRUG})\w*(?:\W.*)?|{QUAERO_CHEM_NOT_DRUG_ACIDS}")
    mapping = {"DISO": "HEALTH_CONDITION", "CHEM": "MEDICATION"}
    docs = []
    root = CORPUS / "medical_ner_fr_quaero" / "dev"
    for txt in sorted(root.rglob("*.txt")):
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            continue
        text = txt.read_text(encoding="utf-8")
        labels = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if not line.startswith("T"):
                continue
            _tid, typ_off, surface = line.split("\t", 2)
            typ, offs = typ_off.split(" ", 1)
            if typ not in mapping or (typ == "CHEM" and not_drug.fullmatch(folded(surface))):
                continue
            pieces = [tuple(map(int, p.split())) for p in offs.split(";")]
            labels.append((min(p[0] for p in pieces), max(p[1] for p in pieces), mapping[typ]))
        docs.append(TextDoc(str(txt.relative_to(root)), text, labels))
    return docs


def load_europeana() -> list[TextDoc]:
    path = CORPUS / "ner_fr_europeana_bnf" / "enp_FR.bnf.dev.bio"
    docs: list[TextDoc] = []
    parts: list[str] = []
    labels: list[tuple[int, int, str]] = []
    pos = 0
    cur: list | None = None
    doc_id = None

    def flush():
        nonlocal parts, labels, pos, cur
        if doc_id is not None and parts:
            docs.append(TextDoc(doc_id, "".join(parts), labels))
        parts, labels, pos, cur = [], [], 0, None

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# chunk"):
            flush()
            doc_id = line[2:].strip()
            continue
        if not line.strip():
            continue
        token, _, tag = line.rpartition(" ")
        label = {"I-PER": "PERSON", "I-LOC": "LOCATION"}.get(tag)
        start = pos
        parts.append(token + " ")
        pos += len(token) + 1
        if label and cur is not None and cur[2] == label:
            cur[1] = start + len(token)
        else:
            if cur is not None:
                labels.append(tuple(cur))
            cur = [start, start + len(token), label] if label else None
    if cur is not None:
        labels.append(tuple(cur))
    flush()
    return docs


def load_presidio_en() -> list[TextDoc]:
    mapping = {"PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "PHONE_NUMBER",
               "IBAN_CODE": "IBAN_CODE", "CREDIT_CARD": "CREDIT_CARD", "IP_ADDRESS": "IP_ADDRESS",
               "STREET_ADDRESS": "STREET_ADDRESS", "GPE": "LOCATION", "DATE_TIME": "DATE_TIME"}
    data = json.loads((CORPUS / "pii_en_presidio_synth" / "synth_dataset_v2.dev.json").read_text())
    return [TextDoc(f"en-{i}", r["full_text"],
                    [(s["start_position"], s["end_position"], mapping[s["entity_type"]])
                     for s in r["spans"] if s["entity_type"] in mapping])
            for i, r in enumerate(data)]


def load_identifiers() -> list[TextDoc]:
    mapping = {"iban": "IBAN_CODE", "siren": "FR_SIREN", "siret": "FR_SIRET", "bic": "FR_BIC",
               "nir": "FR_NIR"}
    docs = []
    with open(CORPUS / "identifiers" / "python_stdnum_examples.csv", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            label = mapping.get(row["scheme"])
            if not label:
                continue
            value = row["value"]
            # the value in a sentence with its own cue, as a person would write it
            cue = {"FR_BIC": "BIC", "FR_SIREN": "SIREN", "FR_SIRET": "SIRET", "FR_NIR": "NIR",
                   "IBAN_CODE": "IBAN"}[label]
            text = f"{cue} : {value}"
            start = len(cue) + 3
            labels = [(start, start + len(value), label)] if row["expected"] == "valid" else []
            # the label set of this doc must still be "annotated" for its type: add the type via
            # an empty marker handled in build_truth (negatives count false positives)
            docs.append(TextDoc(f"id-{i}-{label}", text, labels))
    return docs


def load_cases() -> list[TextDoc]:
    docs = []
    for line in (SHARED / "cases" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        ents = c.get("expected", {}).get("entities")
        if not isinstance(c.get("input"), str) or not ents:
            continue
        docs.append(TextDoc(c["id"], c["input"], [(e["start"], e["end"], e["type"]) for e in ents]))
    return docs


# -- running the tools -------------------------------------------------------------------------

def ours_on_docs(docs: list[TextDoc]) -> list[Rec]:
    from sentinelle.config import Config
    from sentinelle.detectors import build
    from sentinelle.finding import Location
    from sentinelle.pipeline import Pipeline

    pipe = Pipeline(build(), Config())
    out = []
    for d in docs:
        for f in pipe.analyze_text(d.text, Location(d.doc_id)):
            out.append(_rec(d.doc_id, None, None, f.start, f.end, f.entity_type))
    return out


def presidio_on_docs(engine, docs: list[TextDoc]) -> list[Rec]:
    out = []
    for d in docs:
        for s, e, label in engine.analyze(d.text):
            out.append(_rec(d.doc_id, None, None, s, e, label))
    return out


def iter_units(root: Path, only: set[str] | None = None):
    """(display path, unit) for every file under ``root``, read by sentinelle's own readers, so
    both tools see the same cells and texts."""
    from sentinelle.config import Config
    from sentinelle.readers import pick_reader
    from sentinelle.readers.base import Source

    config = Config()
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        display = p.relative_to(root).as_posix()
        if only is not None and display not in only:
            continue
        with open(p, "rb") as fh:
            head = fh.read(65536)
        reader = pick_reader(head, str(p), config)
        if reader is None:
            continue
        src = Source(display, p.stat().st_size, lambda p=p: open(p, "rb"), p)
        yield from ((display, u) for u in reader.read(src, {}))


def presidio_on_files(engine, root: Path, only: set[str], max_row: int | None = None) -> list[Rec]:
    from sentinelle.readers.base import TableUnit

    out = []
    for display, unit in iter_units(root, only):
        if isinstance(unit, TableUnit):
            for batch in unit.batches:
                for j, col in enumerate(batch.columns):
                    header = unit.header[j] if j < len(unit.header) else f"col{j}"
                    for i, value in enumerate(col):
                        row = batch.first_row + i
                        if not value or not value.strip() or (max_row is not None and row >= max_row):
                            continue
                        for s, e, label in engine.analyze(value, context=header.split()):
                            out.append(_rec(display, row, header, s, e, label))
        else:
            for s, e, label in engine.analyze(unit.text):
                out.append(_rec(display, None, None, unit.offset + s, unit.offset + e, label))
    return out


def ours_on_files(root: Path, only: set[str], max_row: int | None = None) -> list[Rec]:
    from sentinelle.config import Config
    from sentinelle.scanner import iter_scan

    found = []
    for _ in iter_scan([root], Config(), sink=found.extend):
        pass
    out = []
    for f in found:
        loc = f.location
        path = loc.path
        if path not in only or (max_row is not None and loc.row is not None and loc.row >= max_row):
            continue
        out.append(_rec(path, loc.row, loc.column, f.start, f.end, f.entity_type))
    return out


# -- table datasets ----------------------------------------------------------------------------

PEOPLE_COLUMNS = {"GivenName": "PERSON", "Surname": "PERSON", "MothersMaiden": "PERSON",
                  "EmailAddress": "EMAIL_ADDRESS", "TelephoneNumber": "PHONE_NUMBER",
                  "StreetAddress": "STREET_ADDRESS", "City": "LOCATION",
                  "Birthday": "DATE_OF_BIRTH", "Password": "CREDENTIAL"}


def people_truth(path: Path, max_row: int) -> list[Rec]:
    out = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= max_row:
                break
            for col, label in PEOPLE_COLUMNS.items():
                v = row[col]
                if v and v.strip():
                    lead = len(v) - len(v.lstrip())
                    out.append(_rec(path.name, i, col, lead, lead + len(v.strip()), label))
    return out


# -- scoring -----------------------------------------------------------------------------------

def score(truth: list[Rec], pred: list[Rec], match: str, types: list[str]) -> dict[str, dict]:
    from sentinelle.evaluate import evaluate

    with tempfile.TemporaryDirectory() as tmp:
        t, f = Path(tmp) / "t.jsonl", Path(tmp) / "f.jsonl"
        # a marker label per type keeps every annotated type in the evaluation even when a
        # dataset slice has no positive of it (negatives then count false positives)
        marker = [_rec("\x00marker", None, None, 0, 0, ty) for ty in types]
        t.write_text("".join(json.dumps(r) + "\n" for r in truth + marker))
        f.write_text("".join(json.dumps(r) + "\n" for r in pred))
        ev = evaluate(t, f, match=match, entities=types)
    res = {}
    for s in ev.per_entity:
        # remove the markers: each is one unfound label
        res[s.entity_type] = {"tp": s.tp, "fp": s.fp, "fn": s.fn - 1}
    for r in res.values():
        p = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else 0.0
        rc = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 0.0
        r.update(precision=round(p, 4), recall=round(rc, 4),
                 f1=round(2 * p * rc / (p + rc), 4) if p + rc else 0.0)
    return res


def _with_merged_dates(recs: list[Rec]) -> list[Rec]:
    extra = [dict(r, entity_type="DATE") for r in recs
             if r["entity_type"] in ("DATE_OF_BIRTH", "DATE_TIME")]
    return recs + extra


def evaluate_dataset(ds: Dataset) -> dict:
    types = sorted({r["entity_type"] for r in ds.truth} | set(ds_types_extra.get(ds.name, ())))
    dated = {"DATE_OF_BIRTH", "DATE_TIME"} & set(types)
    truth, ours = ds.truth, ds.ours
    pres = ds.presidio
    if dated:
        types = types + ["DATE"]
        truth, ours = _with_merged_dates(truth), _with_merged_dates(ours)
        pres = _with_merged_dates(pres) if pres is not None else None
    out = {"dataset": ds.name, "note": ds.note, "seconds": {"sentinelle": round(ds.ours_seconds, 2)},
           "entities": {}}
    if pres is not None:
        out["seconds"]["presidio"] = round(ds.presidio_seconds, 2)
    from peers import PRESIDIO_LABELS
    presidio_emits = set(PRESIDIO_LABELS.values()) | {"DATE"}
    for match in ("exact", "overlap"):
        ours_s = score(truth, ours, match, types)
        pres_s = score(truth, pres, match, types) if pres is not None else {}
        for ty in types:
            row = out["entities"].setdefault(ty, {"labels": ours_s[ty]["tp"] + ours_s[ty]["fn"]})
            row[f"sentinelle_{match}"] = ours_s[ty]
            if pres is not None and ty in presidio_emits:
                row[f"presidio_{match}"] = pres_s[ty]
    return out


ds_types_extra: dict[str, tuple[str, ...]] = {
    "identifiers": ("IBAN_CODE", "FR_SIREN", "FR_SIRET", "FR_BIC", "FR_NIR"),
}


def print_table(res: dict) -> None:
    print(f"\n== {res['dataset']}  ({res['note']})  time: " +
          ", ".join(f"{k} {v:.1f}s" for k, v in res["seconds"].items()))
    print(f"{'entity':<18}{'labels':>7}  {'ours P':>7}{'R':>7}{'F1':>7}  {'presidio P':>10}{'R':>7}{'F1':>7}"
          f"   {'ours F1 exact':>13}{'presidio':>9}")
    for ty, row in res["entities"].items():
        o = row["sentinelle_overlap"]
        p = row.get("presidio_overlap")
        oe = row["sentinelle_exact"]["f1"]
        pe = row.get("presidio_exact", {}).get("f1")
        ptxt = f"{p['precision']:>10.3f}{p['recall']:>7.3f}{p['f1']:>7.3f}" if p else f"{'-':>10}{'':>7}{'':>7}"
        print(f"{ty:<18}{row['labels']:>7}  {o['precision']:>7.3f}{o['recall']:>7.3f}{o['f1']:>7.3f}  {ptxt}"
              f"   {oe:>13.3f}{(f'{pe:.3f}' if pe is not None else '-'):>9}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default="synth,eds,quaero,europeana,presidio_en,people,identifiers,cases")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--synth-patients", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--people-rows", type=int, default=1000)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    os.environ.setdefault("SENTINELLE_KEY", "bench-key-not-secret")
    wanted = args.datasets.split(",")
    engine = None
    if not args.no_presidio:
        from peers import PresidioFr
        t0 = time.perf_counter()
        engine = PresidioFr()
        print(f"presidio engine ready in {time.perf_counter() - t0:.1f}s")

    text_loaders: dict[str, tuple[Callable[[], list[TextDoc]], str]] = {
        "eds": (load_eds, "EDS-Pseudo dev, French clinical snippets"),
        "quaero": (load_quaero, "QUAERO dev, French MEDLINE/EMEA"),
        "europeana": (load_europeana, "Europeana 1906 OCR newspapers, dev"),
        "presidio_en": (load_presidio_en, "presidio-research synth v2, English"),
        "identifiers": (load_identifiers, "python-stdnum examples, valid = truth"),
        "cases": (load_cases, "../shared/cases with expected spans"),
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="sentinelle-bench-") as tmp:
        for name in wanted:
            if name in text_loaders:
                loader, note = text_loaders[name]
                docs = loader()
                truth = [_rec(d.doc_id, None, None, s, e, lab) for d in docs for s, e, lab in d.labels]
                ds = Dataset(name, truth, note=f"{note}; {len(docs)} docs")
                t0 = time.perf_counter()
                ds.ours = ours_on_docs(docs)
                ds.ours_seconds = time.perf_counter() - t0
                if engine is not None and name != "quaero":  # Presidio has no health entity
                    t0 = time.perf_counter()
                    ds.presidio = presidio_on_docs(engine, docs)
                    ds.presidio_seconds = time.perf_counter() - t0
            elif name == "synth":
                from sentinelle.synth import generate
                out = Path(tmp) / "synth"
                generate(out, patients=args.synth_patients, labs=3, copies=1, seed=args.seed)
                truth = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
                truth = [_rec(r["path"], r["row"], r["column"], r["start"], r["end"], r["entity_type"])
                         for r in truth]
                only = {r["path"] for r in truth}
                ds = Dataset(name, truth, note=f"sentinelle synth --patients {args.synth_patients} "
                                               f"--labs 3 --copies 1 --seed {args.seed}; {len(only)} files")
                t0 = time.perf_counter()
                ds.ours = ours_on_files(out / "leak", only)
                ds.ours_seconds = time.perf_counter() - t0
                if engine is not None:
                    t0 = time.perf_counter()
                    ds.presidio = presidio_on_files(engine, out / "leak", only)
                    ds.presidio_seconds = time.perf_counter() - t0
            elif name == "people":
                path = CORPUS / "people_tables" / "FakeNameGenerator.com_3000.csv"
                truth = people_truth(path, args.people_rows)
                ds = Dataset(name, truth, note=f"FakeNameGenerator CSV, first {args.people_rows} rows, whole cells")
                only = {path.name}
                t0 = time.perf_counter()
                ds.ours = ours_on_files(path.parent, only, args.people_rows)
                ds.ours_seconds = time.perf_counter() - t0
                if engine is not None:
                    t0 = time.perf_counter()
                    ds.presidio = presidio_on_files(engine, path.parent, only, args.people_rows)
                    ds.presidio_seconds = time.perf_counter() - t0
            else:
                ap.error(f"unknown dataset {name!r}")
            res = evaluate_dataset(ds)
            results.append(res)
            print_table(res)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"datasets": results}, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
