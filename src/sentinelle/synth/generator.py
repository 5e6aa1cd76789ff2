"""Write a synthetic French medical-lab leak and its exact ground truth (see docs/truth-schema.md).

Persons are drawn one at a time from a seeded RNG and written straight to open file handles, so
memory stays bounded whatever the number of patients. Everything is deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from stdnum import luhn

from . import persons as P
from .lists import Commune, LabName, SynthLists, load
from .sinks import BUFFER, EMPTY, Cell, Doc, LabelWriter, TableSink, TextSink, label_cell, label_tails

SCHEMA = "sentinelle-synth-truth/1"
PARTS = ".synth-parts"  # per-lab label files while workers run, merged into labels.jsonl
ENTITY_TYPES = ("PERSON", "DATE_OF_BIRTH", "DATE_TIME", "FR_NIR", "FR_RPPS", "PHONE_NUMBER", "EMAIL_ADDRESS",
                "FR_POSTAL_CODE", "IBAN_CODE", "BLOOD_GROUP", "HEALTH_CONDITION", "MEDICAL_RECORD_NUMBER")
ORDER = ("ipp", "nom", "prenom", "nom_prenom", "sexe", "ddn", "nir", "adresse", "cp", "ville", "tel", "email",
         "groupe", "medecin", "rpps", "mutuelle", "date_prel", "analyse", "resultat", "unite", "diagnostic",
         "commentaire", "finess")
BILLING = ("facture", "nom_prenom", "nir", "iban", "montant", "date_facture")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t", "|")
HEADER_STYLES = ("court", "long", "francais", "anglais")
NAME_MODES = ("split", "last_first", "first_last")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_SAMPLE_FIRST = date(2019, 1, 1).toordinal()
_SAMPLE_LAST = date(2025, 6, 30).toordinal()


@dataclass(frozen=True, slots=True)
class SynthSummary:
    out: Path
    patients: int
    unique_persons: int
    records: int
    files: int
    labels: int
    seconds: float


@dataclass(frozen=True, slots=True)
class LabStyle:
    """How one invented lab writes its exports."""

    index: int
    lab: LabName
    folder: str
    finess: str
    fmt: str  # csv | json | ndjson
    table_name: str
    encoding: str
    delimiter: str | None
    newline: str
    headers: Mapping[str, str]  # field -> header text (or JSON key path)
    fields: tuple[str, ...]
    name_mode: str  # split (two columns) | last_first ("DUPONT Jean") | first_last ("Jean DUPONT")
    last_case: str  # upper | title
    first_case: str  # title | upper
    date_fmt: str  # dmy | iso | dmy2 | compact
    nir_fmt: str  # compact | spaced | dotted | key
    phone_fmt: str  # compact | spaced | dotted | intl | intl_compact
    blood_style: str  # short | rh | word | abbr
    sex_style: str
    gp_style: str  # dr | docteur | plain | upper
    ipp_style: str
    billing: bool
    iban_grouped: bool
    layouts: tuple[int, ...]
    bios: tuple[P.Doctor, ...]


@dataclass(frozen=True, slots=True)
class Variant:
    """A person as one lab recorded them (typos, moves, new phone)."""

    first: str
    last: str
    street: str
    commune: Commune
    postcode: str
    phone: str


# ---------------------------------------------------------------- formats

def fmt_date(d: date, style: str) -> str:
    if style == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if style == "dmy2":
        return f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"
    if style == "compact":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def fmt_nir(n: str, style: str) -> str:
    if style == "compact":
        return n
    parts = (n[0], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:])
    if style == "spaced":
        return " ".join(parts)
    if style == "dotted":
        return ".".join(parts)
    return n[:13] + " " + n[13:]


def fmt_phone(n: str, style: str) -> str:
    if style == "compact":
        return n
    pairs = [n[i : i + 2] for i in range(0, 10, 2)]
    if style == "spaced":
        return " ".join(pairs)
    if style == "dotted":
        return ".".join(pairs)
    if style == "intl":
        return "+33 " + n[1] + " " + " ".join(pairs[1:])
    return "+33" + n[1:]


def fmt_blood(bg: tuple[str, str], style: str) -> str:
    abo, rh = bg
    if style == "rh":
        return f"{abo} Rh{rh}"
    if style == "word":
        return f"{abo} {'positif' if rh == '+' else 'négatif'}"
    if style == "abbr":
        return f"{abo} {'pos' if rh == '+' else 'neg'}"
    return abo + rh


def fmt_iban(i: str, grouped: bool) -> str:
    return " ".join(i[k : k + 4] for k in range(0, len(i), 4)) if grouped else i


def _title(name: str) -> str:
    return "-".join(p.capitalize() for p in name.split("-"))


# ---------------------------------------------------------------- labs

def _cycle(rng: random.Random, options: tuple[str, ...], i: int, first: int) -> str:
    """The first ``first`` labs take the options in turn (so small runs show every style)."""
    return options[i % len(options)] if i < first else rng.choice(options)


def _lab_style(rng: random.Random, lists: SynthLists, i: int) -> LabStyle:
    base = lists.labs[i % len(lists.labs)]
    folder = base.folder if i < len(lists.labs) else f"{base.folder}_{i // len(lists.labs) + 1}"
    if i == 1:
        fmt = "json"
    elif i == 2:
        fmt = "ndjson"
    elif i < 6:
        fmt = "csv"
    else:
        fmt = rng.choices(("csv", "json", "ndjson"), (70, 15, 15))[0]
    if fmt == "csv":
        delimiter = {0: ";", 3: ",", 4: "\t", 5: "|"}.get(i) or rng.choice(DELIMITERS)
        encoding = _cycle(rng, ENCODINGS, i, 6)
        # the first CSV labs (0, 3, 4, 5) show every header style and name layout
        style = {0: "long", 3: "court", 4: "francais", 5: "anglais"}.get(i) or rng.choice(HEADER_STYLES)
        name_mode = {0: "split", 3: "split", 4: "last_first", 5: "first_last"}.get(i) or rng.choice(NAME_MODES)
        stem = rng.choice(("patients", "export_resultats", "extraction_sil", "base_patients", "resultats"))
        table_name = stem + (".tsv" if delimiter == "\t" else ".csv")
    else:
        delimiter, encoding, style, name_mode = None, "utf-8", "json", "split"
        table_name = rng.choice(("dossiers", "export_api", "patients")) + (".json" if fmt == "json" else ".ndjson")
    headers = dict(lists.headers[style])
    fields = ["nom", "prenom"] if name_mode == "split" else ["nom_prenom"]
    fields += ["ddn", "date_prel"]
    optional = {"ipp": .7, "sexe": .6, "nir": .9, "adresse": .7, "tel": .8, "email": .5, "groupe": .6,
                "medecin": .6, "mutuelle": .5, "analyse": .9, "diagnostic": .6, "commentaire": .7, "finess": .3}
    for f, p in optional.items():
        if i == 0 or rng.random() < p:
            fields.append(f)
            fields += {"adresse": ["cp", "ville"], "medecin": ["rpps"], "analyse": ["resultat", "unite"]}.get(f, [])
    fields = sorted(set(fields), key=ORDER.index)
    if fmt == "csv" and (i == 3 or (i > 0 and rng.random() < 0.3)):
        generic = [f for f in ("nir", "tel", "ddn", "cp") if f in fields][: 1 + (i % 2)]
        for f in generic:
            headers[f] = f"col{fields.index(f) + 1}"
    date_fmt = _cycle(rng, ("dmy", "iso", "dmy2", "compact"), i, 4)
    finess_body = f"{base.dep.replace('A', '0').replace('B', '0'):0>2}"[:2] + f"{rng.randrange(10**6):06d}"
    bios = tuple(P.doctor(rng, lists, f"bio-{i}-{k}") for k in range(2))
    return LabStyle(
        index=i, lab=base, folder=folder, finess=finess_body + luhn.calc_check_digit(finess_body), fmt=fmt,
        table_name=table_name, encoding=encoding, delimiter=delimiter, name_mode=name_mode,
        newline="\r\n" if encoding == "cp1252" else "\n", headers=MappingProxyType(headers), fields=tuple(fields),
        last_case="upper" if rng.random() < 0.7 else "title", first_case="title" if rng.random() < 0.8 else "upper",
        date_fmt=date_fmt, nir_fmt=_cycle(rng, ("compact", "spaced", "dotted", "key"), i, 4),
        phone_fmt=_cycle(rng, ("spaced", "compact", "intl", "dotted", "intl_compact"), i, 5),
        blood_style=_cycle(rng, ("short", "rh", "word", "abbr"), i, 4),
        sex_style=rng.choice(("MF", "HF", "12", "mot")), gp_style=rng.choice(("dr", "docteur", "plain", "upper")),
        ipp_style=rng.choice(("IPP {:06d}", "P{:07d}", "D-{:06d}")),
        billing=(i % 7 == 0 and fmt == "csv"), iban_grouped=rng.random() < 0.5,
        layouts=tuple(sorted(rng.sample(range(4), rng.randint(2, 3)))), bios=bios,
    )


# ---------------------------------------------------------------- cells

def _variant(rng: random.Random, p: P.Person, lists: SynthLists, mobiles, again: bool) -> Variant:
    first, last, street, commune, postcode, phone = p.first, p.last, p.street, p.commune, p.postcode, p.phone
    if again:
        if rng.random() < 0.06:
            last = _typo(rng, last)
        elif rng.random() < 0.03:
            first = _typo(rng, first)
        if rng.random() < 0.15:
            street, commune, postcode = P.home(rng, lists)
        if rng.random() < 0.1:
            phone = P.phone(rng, mobiles)
    return Variant(first, last, street, commune, postcode, phone)


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    k = rng.randrange(1, len(s) - 2)
    if rng.random() < 0.5:
        return s[:k] + s[k + 1] + s[k] + s[k + 2 :]
    return s[:k] + s[k + 1 :]


def _names(L: LabStyle, v: Variant) -> tuple[str, str]:
    last = v.last if L.last_case == "upper" else _title(v.last)
    first = v.first if L.first_case == "title" else v.first.upper()
    return first, last


def _gp_cell(L: LabStyle, gp: P.Doctor) -> Cell:
    if L.gp_style == "docteur":
        title, name = "Docteur ", f"{gp.first} {gp.last}"
    elif L.gp_style == "plain":
        title, name = "", f"{gp.last} {gp.first}"
    elif L.gp_style == "upper":
        title, name = "Dr ", f"{gp.first} {gp.last}"
    else:
        title, name = "Dr ", f"{gp.first} {_title(gp.last)}"
    return title + name, ((len(title), len(title) + len(name), "PERSON", gp.gid, None),)


def _cond_form(rng: random.Random, lists: SynthLists, p: P.Person) -> str:
    return rng.choice(lists.conditions[rng.choice(p.conditions)].forms)


def _comment(rng: random.Random, lists: SynthLists, p: P.Person, gp: P.Doctor) -> Cell:
    r = rng.random()
    if r < 0.5:
        return EMPTY
    doc = Doc()
    if p.conditions and r < 0.75:
        cond = (_cond_form(rng, lists, p), "HEALTH_CONDITION", p.pid)
        doc.fill(rng.choice(lists.phrases["comment_cond"]), {"cond": cond})
    elif r > 0.9:
        doc.fill(rng.choice(lists.phrases["comment_name"]), {
            "gp": (f"{gp.first} {_title(gp.last)}", "PERSON", gp.gid),
            "first": (P.first_name(rng, lists, "F"), "PERSON", None)})
    else:
        doc.t(rng.choice(lists.phrases["comment_plain"]))
    return doc.cell()


def _identity(L: LabStyle, p: P.Person, v: Variant, gp: P.Doctor, ipp: int, lists, rng) -> dict[str, Cell]:
    f = L.fields
    first, last = _names(L, v)
    pid = p.pid
    c: dict[str, Cell] = {}
    if "nom" in f:
        c["nom"] = label_cell(last, "PERSON", pid)
        c["prenom"] = label_cell(first, "PERSON", pid)
    else:
        name = f"{first} {last}" if L.name_mode == "first_last" else f"{last} {first}"
        c["nom_prenom"] = label_cell(name, "PERSON", pid)
    c["ddn"] = label_cell(fmt_date(p.birth, L.date_fmt), "DATE_OF_BIRTH", pid)
    if "ipp" in f:
        c["ipp"] = label_cell(L.ipp_style.format(ipp), "MEDICAL_RECORD_NUMBER", pid)
    if "sexe" in f:
        c["sexe"] = ({"MF": "MF", "HF": "HF", "12": "12", "mot": ("Homme", "Femme")}[L.sex_style][p.sex == "F"], ())
    if "nir" in f:
        c["nir"] = label_cell(fmt_nir(p.record_nir, L.nir_fmt), "FR_NIR", pid, p.nir_holder)
    if "adresse" in f:
        c["adresse"] = (v.street, ())
        c["cp"] = label_cell(v.postcode, "FR_POSTAL_CODE", pid)
        city = v.commune.name
        c["ville"] = (city.upper() if L.last_case == "upper" else city, ())
    if "tel" in f:
        c["tel"] = label_cell(fmt_phone(v.phone, L.phone_fmt), "PHONE_NUMBER", pid)
    if "email" in f:
        c["email"] = label_cell(p.email, "EMAIL_ADDRESS", pid) if p.email else EMPTY
    if "groupe" in f:
        c["groupe"] = label_cell(fmt_blood(p.blood, L.blood_style), "BLOOD_GROUP", pid) if rng.random() < 0.6 else EMPTY
    if "medecin" in f:
        c["medecin"] = _gp_cell(L, gp)
        c["rpps"] = label_cell(gp.rpps, "FR_RPPS", gp.gid)
    if "mutuelle" in f:
        c["mutuelle"] = (rng.choice(lists.insurers), ())
    if "finess" in f:
        c["finess"] = (L.finess, ())
    return c


def _result(rng: random.Random, a) -> str:
    span = a.high - a.low
    value = rng.uniform(max(0.0, a.low - span * 0.3), a.high + span * 0.5)
    return f"{value:.{a.decimals}f}".replace(".", ",")


def _sample_time(rng: random.Random) -> tuple[date, int, int, int]:
    day = date.fromordinal(rng.randint(_SAMPLE_FIRST, _SAMPLE_LAST))
    return day, rng.randint(7, 11), rng.randrange(60), rng.randrange(60)


def _timestamp_cell(L: LabStyle, st, pid: str) -> Cell:
    d, h, m, s = st
    if L.date_fmt == "iso":
        return label_cell(f"{fmt_date(d, 'iso')} {h:02d}:{m:02d}:{s:02d}", "DATE_TIME", pid)
    return label_cell(fmt_date(d, L.date_fmt), "DATE_TIME", pid)


# ---------------------------------------------------------------- reports

def _text_date(d: date, long: bool) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if long else fmt_date(d, "dmy")


def _report(rng: random.Random, lists: SynthLists, L: LabStyle, p: P.Person, v: Variant, gp: P.Doctor, st) -> Doc:
    layout = rng.choice(L.layouts)
    doc = Doc()
    pid = p.pid
    first, last = v.first, v.last
    fem = p.sex == "F"
    civ = "Mme" if fem else "M."
    ne = "Née" if fem else "Né"
    dob = fmt_date(p.birth, "dmy")
    nir = fmt_nir(p.record_nir, rng.choice(("spaced", "spaced", "compact")))
    phone = fmt_phone(v.phone, rng.choice(("spaced", "dotted", "compact", "intl")))
    d, h, mi, se = st
    rdate = d + timedelta(days=rng.randint(0, 3))
    bio = rng.choice(L.bios)
    gpname = f"{gp.first} {_title(gp.last)}"
    city = v.commune.name
    T = Doc.t
    if layout == 0:
        T(doc, f"{L.lab.name} - Laboratoire de biologie médicale - FINESS {L.finess}\n{L.lab.city}, le ")
        doc.s(fmt_date(rdate, "dmy"), "DATE_TIME", pid)
        T(doc, "\nDossier n° ").s(f"A{rng.randrange(10**6):06d}", "MEDICAL_RECORD_NUMBER", pid)
        T(doc, f"\n\nPatient : {civ} ").s(f"{first} {last}", "PERSON", pid)
        T(doc, f"\n{ne} le ").s(dob, "DATE_OF_BIRTH", pid)
        T(doc, "\nN° SS : ").s(nir, "FR_NIR", pid, p.nir_holder)
        if p.insured:
            ins = p.insured
            T(doc, f"\nAssuré(e) : {'Mme' if ins.sex == 'F' else 'M.'} ")
            doc.s(f"{ins.first} {ins.last}", "PERSON", ins.pid)
            T(doc, f" - {'patiente' if fem else 'patient'} ayant droit")
        T(doc, f"\nAdresse : {v.street}, ").s(v.postcode, "FR_POSTAL_CODE", pid)
        T(doc, f" {city}\nTél : ").s(phone, "PHONE_NUMBER", pid)
        T(doc, "\nPrescripteur : Dr ").s(gpname, "PERSON", gp.gid)
        T(doc, " (RPPS ").s(gp.rpps, "FR_RPPS", gp.gid)
        # a date with its time is one DATE_TIME span, like an ISO timestamp
        T(doc, ")\nPrélèvement le ").s(f"{fmt_date(d, 'dmy')} à {h:02d}:{mi:02d}", "DATE_TIME", pid)
        T(doc, f"\n\n{rng.choice(lists.phrases['intro'])}\n")
    elif layout == 1:
        T(doc, f"=== {L.lab.name} (FINESS {L.finess}) ===\nNOM : ").s(last.upper(), "PERSON", pid)
        T(doc, "   PRENOM : ").s(first, "PERSON", pid)
        T(doc, "   DDN : ").s(dob, "DATE_OF_BIRTH", pid)
        T(doc, "\nINS/NIR : ").s(nir, "FR_NIR", pid, p.nir_holder)
        T(doc, "\nTel. ").s(phone, "PHONE_NUMBER", pid)
        if p.email:
            T(doc, " - ").s(p.email, "EMAIL_ADDRESS", pid)
        T(doc, f"\nAdresse postale : {v.street}, ").s(v.postcode, "FR_POSTAL_CODE", pid)
        T(doc, f" {city.upper()}\nMédecin : Docteur ").s(gpname, "PERSON", gp.gid)
        T(doc, "  RPPS ").s(gp.rpps, "FR_RPPS", gp.gid)
        T(doc, "\nDate de prélèvement : ").s(fmt_date(d, "dmy"), "DATE_TIME", pid)
        T(doc, "\nAnalyses :\n")
    elif layout == 2:
        T(doc, f"{L.lab.name}, {L.lab.city}, le ").s(_text_date(rdate, True), "DATE_TIME", pid)
        T(doc, "\n\nCher confrère,\n\nVeuillez trouver les résultats de ")
        T(doc, f"{'Madame' if fem else 'Monsieur'} ").s(f"{first} {last.upper()}", "PERSON", pid)
        T(doc, f", {ne.lower()} le ").s(dob, "DATE_OF_BIRTH", pid)
        T(doc, " (N° SS ").s(nir, "FR_NIR", pid, p.nir_holder)
        T(doc, f"), demeurant {v.street}, ").s(v.postcode, "FR_POSTAL_CODE", pid)
        T(doc, f" {city}, {'prélevée' if fem else 'prélevé'} le ").s(f"{fmt_date(d, 'dmy')} à {h:02d}h{mi:02d}", "DATE_TIME", pid)
        T(doc, ".\n\n")
    else:
        T(doc, "[").s(f"{fmt_date(d, 'iso')} {h:02d}:{mi:02d}:{se:02d}", "DATE_TIME", pid)
        T(doc, f"] RESULTATS {L.lab.name}\nPatient: ").s(f"{last.upper()} {first}", "PERSON", pid)
        T(doc, " | DDN : ").s(dob, "DATE_OF_BIRTH", pid)
        T(doc, " | NIR : ").s(nir, "FR_NIR", pid, p.nir_holder)
        T(doc, " | Tél : ").s(phone, "PHONE_NUMBER", pid)
        T(doc, "\nPrescripteur : Dr ").s(gpname, "PERSON", gp.gid)
        T(doc, " (RPPS ").s(gp.rpps, "FR_RPPS", gp.gid)
        T(doc, ")\n\n")
    for a in rng.sample(lists.analyses, rng.randint(2, 5)):
        low = f"{a.low:.{a.decimals}f}".replace(".", ",")
        high = f"{a.high:.{a.decimals}f}".replace(".", ",")
        if layout == 1:
            T(doc, f" - {a.code} {a.label} : {_result(rng, a)} {a.unit}\n")
        else:
            T(doc, f"{a.label} {'.' * max(2, 28 - len(a.label))} {_result(rng, a)} {a.unit}   ({low} - {high})\n")
    T(doc, "\nConclusion : " if layout in (0, 3) else "\n")
    sentences = []
    if p.conditions and rng.random() < 0.8:
        sentences.append(("concl_cond", {"cond": (_cond_form(rng, lists, p), "HEALTH_CONDITION", pid)}))
    if rng.random() < 0.35:
        bg = fmt_blood(p.blood, rng.choice(("short", "rh", "rh", "word")))
        sentences.append(("concl_bg", {"bg": (bg, "BLOOD_GROUP", pid)}))
    if rng.random() < 0.2:
        sentences.append(("concl_gp", {"gp": (gpname, "PERSON", gp.gid),
                                       "date": (fmt_date(rdate, "dmy"), "DATE_TIME", pid)}))
    if not sentences:
        sentences.append(("concl_plain", {}))
    for k, (kind, values) in enumerate(sentences):
        doc.fill(("" if k == 0 else " ") + rng.choice(lists.phrases[kind]), values)
    T(doc, "\n\n")
    if layout == 2:
        T(doc, "Bien confraternellement,\n")
    T(doc, "Validé par Dr " if layout == 1 else "Dr ").s(f"{bio.first} {_title(bio.last)}", "PERSON", bio.gid)
    T(doc, ", biologiste\n")
    return doc


# ---------------------------------------------------------------- main

def _copy_names(rng: random.Random, lists: SynthLists, copies: int) -> list[str]:
    names = list(lists.copy_names)
    rng.shuffle(names)
    return [names[k % len(names)] + ("" if k < len(names) else f"_{k // len(names) + 1}") for k in range(copies)]


def _rename(rng: random.Random, name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return rng.choice((f"{stem}_copy.{ext}", f"{stem} (1).{ext}", f"old_{stem}.{ext}", f"{stem}_bak.{ext}",
                       f"{stem}_v2.{ext}"))


def _open_lab(root: Path, rng: random.Random, L: LabStyle, copy_dirs: list[str], labels: LabelWriter | None, lists):
    """Open the original and copy sinks of one lab: (tables, billing, texts). With ``labels=None``
    only draw the same random choices (so every worker's setup RNG stays in step) and open nothing."""
    specs = []
    header = f"{L.lab.name} - FINESS {L.finess} - comptes rendus d'analyses\n\n"
    bill_headers = dict(lists.headers["long" if L.headers.get("nom") == "NOM_PATIENT" else "court"])
    for copy, cdir in enumerate([""] + copy_dirs):
        prefix = f"{cdir}/{L.folder}/" if cdir else f"{L.folder}/"
        if copy == 0:
            enc, delim, fields, drop = L.encoding, L.delimiter, L.fields, 0.0
            tname, bname, xname = L.table_name, "facturation.csv", "comptes_rendus.txt"
            benc, bdelim, bfields = L.encoding, L.delimiter or ";", BILLING
        else:
            drop = rng.uniform(0.05, 0.10)
            enc = "utf-8" if L.fmt != "csv" else rng.choice([e for e in ENCODINGS if e != L.encoding])
            delim = None if L.fmt != "csv" else rng.choice([d for d in DELIMITERS if d != L.delimiter])
            fields = list(L.fields)
            rng.shuffle(fields)
            fields = tuple(fields)
            tname = _rename(rng, L.table_name)
            if delim == "\t" and tname.endswith(".csv"):
                tname = tname[:-4] + ".tsv"
            elif delim != "\t" and tname.endswith(".tsv"):
                tname = tname[:-4] + ".csv"
            bname, xname = _rename(rng, "facturation.csv"), _rename(rng, "comptes_rendus.txt")
            benc = rng.choice(ENCODINGS)
            bdelim = rng.choice((",", ";", "|"))
            bfields = list(BILLING)
            rng.shuffle(bfields)
            bfields = tuple(bfields)
        newline = "\r\n" if enc == "cp1252" else "\n"
        specs.append(("t", TableSink, (root, prefix + tname, enc, labels, drop, L.folder, copy),
                      dict(fmt=L.fmt, fields=fields, headers=L.headers, delimiter=delim, newline=newline)))
        if L.billing:
            specs.append(("b", TableSink, (root, prefix + bname, benc, labels, drop, L.folder, copy),
                          dict(fmt="csv", fields=bfields, headers=bill_headers, delimiter=bdelim, newline="\n")))
        xenc = L.encoding if copy == 0 else rng.choice(ENCODINGS)
        specs.append(("x", TextSink, (root, prefix + xname, xenc, labels, drop, L.folder, copy), dict(header=header)))
    if labels is None:
        return None
    sinks = {"t": [], "b": [], "x": []}
    for kind, cls, args, kwargs in specs:
        sinks[kind].append(cls(*args, **kwargs))
    return sinks["t"], sinks["b"], sinks["x"]


def _base(seed: int, stream: str) -> int:
    """A 128-bit integer to seed per-person RNGs (``Random(base + i)``) of one stream."""
    return int.from_bytes(hashlib.sha256(f"sentinelle-synth/{seed}/{stream}".encode()).digest()[:16], "big")


@dataclass(frozen=True, slots=True)
class _Part:
    """What one worker wrote for its labs."""

    files: tuple[dict, ...]
    records: int
    unique: int
    labels: tuple[int, ...]  # label count per lab of the worker, in lab order


def _run(out: Path, seed: int, patients: int, labs: int, copies: int, mine: tuple[int, ...],
         progress: Callable[[int], None] | None = None) -> _Part:
    """Generate every person (cheap, identical in every worker) and write the files of labs ``mine``."""
    leak = out / "leak"
    lists = load()
    mobiles = P.valid_mobile_prefixes()
    setup = random.Random(f"sentinelle-synth/{seed}/setup")
    gps = tuple(P.doctor(setup, lists, f"gp-{k}") for k in range(max(40, min(3000, patients // 150))))
    styles = [_lab_style(setup, lists, i) for i in range(labs)]
    copy_dirs = _copy_names(setup, lists, copies)
    pbase, lbase = _base(seed, "persons"), _base(seed, "rows")
    handles, writers, opened = {}, {}, {}
    try:
        for li, L in enumerate(styles):
            if li in mine:
                part = out / PARTS / f"labels-{li:05d}.jsonl"
                handles[li] = part.open("w", encoding="utf-8", newline="\n", buffering=BUFFER)
                writers[li] = LabelWriter(handles[li])
            opened[li] = _open_lab(leak, setup, L, copy_dirs, writers.get(li), lists)
        ipp = [0] * labs
        unique = 0
        for i in range(patients):
            prng = random.Random(pbase + i)
            p = P.person(prng, lists, i, mobiles, len(gps))
            gp = gps[p.gp]
            r = prng.random()
            k = min(labs, 1 if r < 0.70 else 2 if r < 0.95 else 3)
            chosen = prng.sample(range(labs), k)
            variants = [_variant(prng, p, lists, mobiles, j > 0) for j in range(k)]
            if chosen[0] in mine:
                unique += 1  # the first lab's original table always has this person's row(s)
            for li, v in zip(chosen, variants):
                if li not in mine:
                    continue
                rng = random.Random(lbase + i * labs + li)
                L = styles[li]
                tables, billing, texts = opened[li]
                ipp[li] += 1
                _write_person(rng, lists, L, p, v, gp, ipp[li], tables, billing, texts)
            if progress and (i + 1) % 1000 == 0:
                progress(i + 1)
        files = []
        records = 0
        for li in mine:
            for sink in (s for group in opened[li] for s in group):
                sink.close()
                files.append(sink.entry())
                if sink.fmt != "text":
                    records += sink.rows
    finally:
        for fh in handles.values():
            fh.close()
    return _Part(tuple(files), records, unique, tuple(writers[li].count for li in mine))


def _write_person(rng, lists, L: LabStyle, p: P.Person, v: Variant, gp: P.Doctor, ipp: int, tables, billing, texts):
    ident = _identity(L, p, v, gp, ipp, lists, rng)
    fields = L.fields
    for _ in range(1 if rng.random() < 0.7 else 2):
        st = _sample_time(rng)
        cells = dict(ident)
        cells["date_prel"] = _timestamp_cell(L, st, p.pid)
        if "analyse" in fields:
            a = rng.choice(lists.analyses)
            cells["analyse"], cells["resultat"], cells["unite"] = (a.code, ()), (_result(rng, a), ()), (a.unit, ())
        if "diagnostic" in fields:
            cells["diagnostic"] = (label_cell(_cond_form(rng, lists, p), "HEALTH_CONDITION", p.pid)
                                   if p.conditions and rng.random() < 0.7 else EMPTY)
        if "commentaire" in fields:
            cells["commentaire"] = _comment(rng, lists, p, gp)
        tails = label_tails(cells)
        for sink in tables:
            sink.write(cells, rng, tails)
    if billing and rng.random() < 0.6:
        first, last = _names(L, v)
        d = date.fromordinal(rng.randint(_SAMPLE_FIRST, _SAMPLE_LAST))
        bcells = {
            "facture": (f"FAC-{rng.randrange(10**7):07d}", ()),
            "nom_prenom": label_cell(f"{last} {first}", "PERSON", p.pid),
            "nir": label_cell(fmt_nir(p.record_nir, L.nir_fmt), "FR_NIR", p.pid, p.nir_holder),
            "iban": label_cell(fmt_iban(p.iban, L.iban_grouped), "IBAN_CODE", p.pid),
            "montant": (f"{rng.randint(5, 180)},{rng.randrange(100):02d}", ()),
            "date_facture": label_cell(fmt_date(d, L.date_fmt), "DATE_TIME", p.pid),
        }
        tails = label_tails(bcells)
        for sink in billing:
            sink.write(bcells, rng, tails)
    if rng.random() < 1 / 3:
        doc = _report(rng, lists, L, p, v, gp, _sample_time(rng))
        for sink in texts:
            sink.write(doc, rng)


def generate(out: Path, *, patients: int, labs: int, copies: int, seed: int,
             progress: Callable[[int], None] | None = None, workers: int | None = None) -> SynthSummary:
    """Write ``out/leak/``, ``out/truth.json`` and ``out/labels.jsonl``; see docs/truth-schema.md.

    Labs are split over ``workers`` processes (default: one per CPU, at most one per lab; one for
    small runs); the output bytes do not depend on the number of workers.
    """
    if patients < 1 or labs < 1 or copies < 0:
        raise ValueError("patients and labs must be >= 1, copies >= 0")
    t0 = time.perf_counter()
    out = Path(out)
    leak = out / "leak"
    if (out / "truth.json").exists() and leak.exists():
        shutil.rmtree(leak)  # a previous synth output: replaced
    elif leak.exists() and any(leak.iterdir()):
        raise FileExistsError(f"{leak} exists and is not a synth output")
    leak.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / PARTS, ignore_errors=True)
    (out / PARTS).mkdir()
    if workers is None:
        workers = 1 if patients < 5000 else (os.cpu_count() or 1)
    workers = max(1, min(workers, labs))
    groups = [tuple(range(w, labs, workers)) for w in range(workers)]
    if workers == 1:
        parts = [_run(out, seed, patients, labs, copies, groups[0], progress)]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers - 1, mp_context=ctx) as pool:
            futures = [pool.submit(_run, out, seed, patients, labs, copies, g) for g in groups[1:]]
            parts = [_run(out, seed, patients, labs, copies, groups[0], progress)]
            parts += [f.result() for f in futures]
    if progress and patients % 1000:
        progress(patients)
    with (out / "labels.jsonl").open("wb") as dst:
        for li in range(labs):
            src = out / PARTS / f"labels-{li:05d}.jsonl"
            with src.open("rb") as fh:
                shutil.copyfileobj(fh, dst, 1 << 20)
            src.unlink()
    (out / PARTS).rmdir()
    files = sorted((f for part in parts for f in part.files), key=lambda e: (e["copy"], e["path"]))
    records = sum(part.records for part in parts)
    unique = sum(part.unique for part in parts)
    n_labels = sum(sum(part.labels) for part in parts)
    truth = {"schema": SCHEMA, "seed": seed, "patients": patients, "labs": labs, "copies": copies,
             "unique_persons": unique, "records": records, "entity_types": list(ENTITY_TYPES),
             "files": files, "labels": "labels.jsonl", "label_count": n_labels}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return SynthSummary(out=out, patients=patients, unique_persons=unique, records=records, files=len(files),
                        labels=n_labels, seconds=time.perf_counter() - t0)
