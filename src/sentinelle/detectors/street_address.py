"""STREET_ADDRESS detector: the street line of a postal address, French first, then English
and international address blocks.

Rule source: the French addressing norm of La Poste, AFNOR NF Z10-011 (address line 4: number,
repetition index, type of way, name of the way; complements of lines 2-3 and 5), with its list
of types of way and their abbreviations (``data/street_types.txt``, see data/SOURCES.md):

    [number [index]] [,] type-of-way name [, complement]*
    12 bis, rue du Faubourg Saint-Jacques, Bât. B, Apt 12

* number: 1-4 digits or a range ("47-83"), a spelt number ("deux") only before an unambiguous
  type; index: bis, ter, quater, quinquies or one letter (B, T, Q...);
* type of way: "rue", "avenue"/"av.", "boulevard"/"bd", "allée", "impasse"/"imp", "quai",
  "place"/"pl.", "chemin"/"ch.", "route"/"rte", "faubourg"/"fbg", "lieu-dit", "ZA", "ZI"...;
* name: to the end of the way name: capitalised words with their particles ("du Général de
  Lourde sur Cher", "Jean Jaurès", "de l'église"), a date ("du 8 Mai 1945"), or lower-case words
  in a lower-case address ("des roses"); it stops at a comma, a line break, a postcode, a
  lower-case word after a capitalised name ("au nord de Paris"), a town right before a postcode
  ("255 Rue Pierre Charlot Paris 75015": the town is LOCATION);
* complements after the way: "Bât. B", "Apt 12", "appartement 4", "studio 25", "escalier C",
  "étage 3", "BP 123", "CS 30001" (a complement written before the number, "Appartement 68,
  200 avenue Jean Jaurès", stays outside: ../shared/cases pb-025).

Span convention: the postcode and the town are not part of the span (the EDS-Pseudo ADRESSE
label and Presidio's STREET_ADDRESS exclude them); FR_POSTAL_CODE and LOCATION report them.

English and international addresses (the whole block: the presidio-research STREET_ADDRESS
labels span street line, unit, town, region code, ZIP and country):

* USPS Publication 28 order: number, 1-4 capitalised words, a street suffix of
  ``data/street_types_en.txt`` (USPS appendix C1: Street/St, Avenue/Ave, Drive, Crescent...),
  an optional direction, units ("Apt. 4B", "Suite 697", "#12"), then on the same line
  ", Town[, Town] [ST] ZIP" or on the next lines a unit, a town, a region code, a ZIP, a
  country; 0.6 for the street line alone, 0.85 with the rest of its block; a suffix that is
  also a word ("Way", "Park", "Point") needs that rest or an address cue;
* USPS military addresses (Pub. 28 section 237): "PSC 1234, Box 5678 / APO AE 09204", "Unit
  1009 Box 0219 / DPO AP 51065", "USS Name / FPO AP 96678": 0.85;
* UPU S42 "name number" order (Germany, Italy, Nordic and Slavic countries: "Koskikatu 25",
  "Via Franscini 71", "ul. Północna 73"), optionally after a building number, only after an
  address cue ("address:", "lives at", "located at", "sent to"...) or when it opens a numbered
  block (a unit or town lines follow): 0.6, 0.85 with the rest of its block.

Scores: number + type + name 0.8 (0.9 when a postcode follows); a type that is also a common
word ("place", "cours", "voie", "passage", "domaine"...) followed by a lower-case name 0.45; no
number 0.35 (0.7 when a postcode follows): only context words ("domicilié", "adresse",
"habite") lift those over the default threshold. A French form without number gives way to
an English or international line over it ("3911 Fourth Avenue Suite 697").

Tables: under an address header (``adresse``, ``address``, ``rue``, ``voie``, ``street``... not
``adresse_mail`` or ``ip_address``, nor the town or country of an address block such as
``adresse.ville``: LOCATION's) the whole cell is the address (an HL7 PID-11 field "12 RUE
DES LILAS^^PARIS^^75011" included: ../shared/cases pb-028). ``match_column`` decides with
Polars the cells that surely hold a street line and the ASCII cells without digit nor type of
way (see :func:`_match_column`); the rest go through ``match_cell``.

Speed (issue 6): the patterns read their first character before their lookbehinds, so that
Python's ``re`` skips to the next candidate character in C; the address cues are looked for
only where ``str.find`` sees one of their first words; the commune keys of ``_cut_town`` are
prepared once and kept on disk (:func:`sentinelle.data.cached`); on a text of
:data:`SOM_MIN_CHARS` or more the types of way, the English street lines, the building numbers
of the international lines and the address cues are tried only where one hyperscan pass puts
them
(:func:`~sentinelle.detectors.lexicon.som_starts`, same matches).

Error preference: a leak scanner prefers a false positive with a low score to a miss: any
number + type + name is reported, and the ambiguous forms are kept below the threshold so that
context can raise them.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.detectors.email import COLUMN_MIN_VALUES
from sentinelle.detectors.lexicon import (finditer_at, fold_fast, latin1_class, som_database,
                                          som_starts)
from sentinelle.finding import Validation


@dataclass(frozen=True, slots=True)
class StreetTypes:
    """The types of way of ``data/street_types.txt``: folded form -> canonical full form, and
    the set of types that are also common words."""

    canonical: dict[str, str]
    ambiguous: frozenset[str]
    regex: str  # alternation matching any form in folded text (longest first)
    alts: tuple[str, ...] = ()  # the alternatives of ``regex``, in its order


def _word_start_alternation(alts: tuple[str, ...], before: str) -> str:
    """``(?<!before)(?:alts)`` rewritten so that every branch starts with a literal character
    (speed, issue 6): ``c(?<!beforec)(?:rest|...)`` per first character ``c``, the branches of
    one first character in their order. Python's ``re`` then skips to the next possible first
    character in C instead of trying the lookbehind at every position; the matches are the
    same (at one position only the branches of its character can match, in the same order)."""
    groups: dict[str, list[str]] = {}
    for alt in alts:
        head = alt[:2] if alt.startswith("\\") else alt[:1]
        groups.setdefault(head, []).append(alt[len(head):])
    return "|".join(f"{head}(?<!{before}{head})(?:{'|'.join(rests)})"
                    for head, rests in groups.items())


#: texts shorter than this are scanned by the regexes alone (hyperscan's fixed cost per call)
SOM_MIN_CHARS = 2048


def _type_start_patterns(alts: tuple[str, ...]) -> tuple[bytes, ...]:
    r"""One hyperscan byte pattern per type of way (for :func:`som_starts`): a character that
    is not ``[\w'’]`` (the lookbehind of ``_type_re``), the type's regex source (ASCII but for
    the no-break space and the typographic apostrophe, "?" in the encoding), a character that
    is not ``\w`` (its lookahead; the encoding ends with a space). Each is of fixed length but
    for an optional final dot, and no type starts inside another's match after a non-word
    character with the same end: one start per end."""
    before = latin1_class(r"[\w'’]")
    after = latin1_class(r"\w")
    return tuple(before + a.replace("\\u00a0", "\\xa0").replace("’", "?").encode("latin-1") + after
                 for a in alts)


@functools.cache
def street_types() -> StreetTypes:
    """Parse ``data/street_types.txt`` once per process."""
    canonical: dict[str, str] = {}
    ambiguous: set[str] = set()
    alts: list[str] = []
    for line in data.lines("street_types.txt"):
        amb = line.startswith("?")
        forms = [f.strip() for f in line.lstrip("?").split("|")]
        full = forms[0]
        for f in forms:
            base = f.rstrip(".")
            canonical[base] = full
            if amb:
                ambiguous.add(base)
            esc = re.escape(base).replace(r"\ ", r"[ \u00a0]").replace("'", "['’]")
            # a required dot is written in the file; other abbreviations take an optional one
            alts.append(esc + (r"\." if f.endswith(".") else (r"\.?" if f != full else "")))
    alts.sort(key=len, reverse=True)
    return StreetTypes(canonical, frozenset(ambiguous), "|".join(alts), tuple(alts))


_NUM_WORDS = "un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix"
_INDEX = r"(?:bis|ter|quater|quinquies|[a-d]|t|q)"
_MONTHS = frozenset({"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
                     "septembre", "octobre", "novembre", "decembre"})
#: lower-case linking words inside a way name
_LINKS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "aux", "sur", "sous", "en",
                    "les", "lez", "et"})
#: lower-case words that end a lower-case way name (the sentence goes on)
_STOP = frozenset({
    "a", "au", "dans", "pour", "chez", "avec", "est", "sont", "qui", "que", "ou", "depuis", "vers",
    "puis", "jusqu", "jusque", "ne", "nee", "tel", "tél", "fax", "prevu", "prevue", "se", "son",
    "sa", "ses", "il", "elle", "ils", "elles", "nous", "vous", "on", "mais", "donc", "car", "avait",
    "avaient", "a", "ont", "etait", "sera", "le", "pres", "apres", "avant", "entre", "par", "sans",
    "cedex", "bp", "cs", "tsa", "appartement", "appt", "apt", "bat", "batiment", "escalier",
    "etage", "porte", "studio", "france", "email", "mail", "courriel", "portable", "mobile",
    "and", "the", "in", "at", "for", "on", "is", "was",
})
_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’\-][^\W\d_]+)*|\d{1,4}(?:er|e)?(?![\w])")
_WORDS = re.compile(r"[^\W\d_]+(?:[.'’\-][^\W\d_]+)*")
#: between two words of a way name: spaces on one line
_GAP = re.compile(r"[ \u00a0]{1,3}(?=\S)")
#: between the type and the name: "rue Victor", "av. Jean", "rue d'Estienne"
_FIRST_GAP = re.compile(r"\.?[ \u00a0]{1,3}(?=\S)")
#: abbreviations inside a way name that keep their dot
_DOT_ABBREV = frozenset({"st", "ste", "gal", "mal", "pdt", "cdt", "lt", "dr", "pr", "prof", "mgr"})
_POSTCODE_AFTER = re.compile(r"[ \u00a0]*,?[ \u00a0]*(?:\d{5}|\d{2}[ \u00a0]\d{3}|2[AB][ \u00a0]?\d{3})(?![\w])")
_COMPLEMENT = re.compile(
    r"(?:[ \u00a0]*,[ \u00a0]*|[ \u00a0]{1,3}|[ \u00a0]*-[ \u00a0]*)"
    r"(?:appartement|appart\.?|appt\.?|apt\.?|app\.?|studio|batiment|bat\.?|bt\.?|escalier|esc\.?|"
    r"etage|etg\.?|porte|logement|log\.?|chambre|residence|res\.?|bp|b\.p\.|cs|tsa|boite postale|"
    r"suite|unit|floor)"
    r"[ \u00a0]*(?:n[o°]\.?|#)?[ \u00a0]*(?:[0-9]{1,6}|[a-z](?![a-z])|[a-z][0-9]{1,3})(?![\w])"
    r"|[ \u00a0]*,?[ \u00a0]*(?:\d{1,2}(?:e|er|eme|ème)[ \u00a0]+etage)")


@dataclass(frozen=True, slots=True)
class EnglishSuffixes:
    """The street suffixes of ``data/street_types_en.txt``: ``regex`` matches any form (as
    written, or in capitals), ``ambiguous`` the primary names that are also common words."""

    regex: str
    ambiguous: frozenset[str]


@functools.cache
def english_suffixes() -> EnglishSuffixes:
    """Parse ``data/street_types_en.txt`` once per process (USPS Publication 28, appendix C1)."""
    forms: set[str] = set()
    ambiguous: set[str] = set()
    for line in data.lines("street_types_en.txt"):
        amb = line.startswith("?")
        parts = [f.strip() for f in line.lstrip("?").split("|")]
        for f in parts:
            forms.update((f, f.upper()))
            if amb:
                ambiguous.update((f.lower(),))
    alts = sorted((re.escape(f) for f in forms), key=len, reverse=True)
    return EnglishSuffixes("|".join(alts), frozenset(ambiguous))


_UNIT = (r"(?:Apt|APT|apt|Apartment|APARTMENT|Suite|SUITE|suite|Ste|STE|Unit|UNIT|unit|Floor|FLOOR|"
         r"Fl|Room|Rm|Flat|FLAT|Bldg|Building|Lot|#)\.?[ \u00a0]*#?[ \u00a0]*[0-9][0-9A-Za-z\-]{0,5}"
         r"(?![\w])")
#: a capitalised word of a town or street name ("Porto Alegre", "Mora de Rubielos",
#: "Ostrov nad Ohrí", "ΑΓΙΟΣ"): capitalised words, short lower-case particles between them
_CAPW = r"[^\W\d_a-zß-ÿ][\w'’.\-]*"
_TOWN = rf"{_CAPW}(?:[ \u00a0]+(?:[a-zß-ÿ]{{1,3}}[ \u00a0]+)?(?:{_CAPW}|\([^()\n]{{1,30}}\))){{0,3}}"
_ZIP = r"(?:\d{4,6}(?:-\d{3,4})?|[A-Z]\d[A-Z][ \u00a0]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ \u00a0]\d[A-Z]{2})"
#: the rest of an address block after its street line, on the same line or on the next lines
#: (unit, town, state or region code, ZIP, country): USPS Pub. 28 and UPU S42 address lines
_TAIL_SAME = re.compile(
    rf"(?:[ \u00a0]*,?[ \u00a0]*{_UNIT})+"
    rf"|[ \u00a0]*,[ \u00a0]*{_TOWN}(?:[ \u00a0]*,[ \u00a0]*{_TOWN})?(?:[ \u00a0]*,?[ \u00a0]+[A-Z]{{2}})?"
    rf"[ \u00a0]*,?[ \u00a0]+{_ZIP}(?![\w])"
    rf"|[ \u00a0]*,?[ \u00a0]+[A-Z]{{2}}[ \u00a0]+{_ZIP}(?![\w])")
_TAIL_LINE = re.compile(
    rf"[ \t\u00a0]*(?:\n[ \t\u00a0>?]*){{1,2}}"
    rf"(?:{_UNIT}|,?[ \u00a0]*(?:{_TOWN}|[A-Z]{{2}}|nan)(?:[ \u00a0]*,?[ \u00a0]+(?:[A-Z]{{2}}|nan))?"
    rf"(?:[ \u00a0]+{_ZIP})?|{_ZIP})[ \t\u00a0]*(?=\n|$|[.,?!][ \u00a0]|[.?!]$|[ \u00a0]+[a-z])")
#: a military address of the U.S. postal service (USPS Pub. 28, section 237)
_MILITARY = re.compile(
    r"(?i)(?<![\w])(?:(?:PSC|CMR|Unit)[ \u00a0]+\d{3,5},?[ \u00a0]+Box[ \u00a0]+\d{1,5}|"
    r"USS[ \u00a0]+[A-Z][\w ]{2,30}?)[ \u00a0]*\n?[ \u00a0]*(?:APO|FPO|DPO)[ \u00a0]+(?:AA|AE|AP)"
    r"[ \u00a0]+\d{5}(?![\w])")
#: the street line of an international address in "name number" order (UPU S42: Germany,
#: Italy, Spain, Nordic and Slavic countries): "Koskikatu 25", "Via Franscini 71",
#: "ul. Północna 73", "Rua do Arenque 1634", optionally after a building number
_INTL_LINE = re.compile(
    rf"(?:\d{{1,6}}[ \u00a0]+)?(?:(?:ul|al|pl|str|Str|UL)\.[ \u00a0]*)?{_TOWN}[ \u00a0]+\d{{1,5}}[a-zA-Z]?\.?"
    rf"(?![\w])")
#: cues that announce an address in prose
_ADDRESS_CUE = re.compile(
    r"(?i)(?:address(?:es)?(?:[ \u00a0]+(?:is|was|of[ \u00a0]+[\w ]{1,30}?[ \u00a0]+is|with|here|:)"
    r"|[ \u00a0]*:)|adresse[ \u00a0]*:|lives?[ \u00a0]+(?:at|on)|living[ \u00a0]+at|located[ \u00a0]+(?:at|on)|"
    r"(?:sent|send[ \u00a0]+it|deliver(?:ed)?|return(?:ed)?|ship(?:ped)?|mail(?:ed)?)[ \u00a0]+to|"
    r"drops?[ \u00a0]+you[ \u00a0]+off[ \u00a0]+at|enter[ \u00a0]+on|lived[ \u00a0]+in|"
    r"(?:office|offices|store|shop)[ \u00a0]+(?:is|are)[ \u00a0]+(?:located[ \u00a0]+)?at|"
    r"here[ \u00a0]+they[ \u00a0]+are[ \u00a0]*:|is[ \u00a0]+at)[ \u00a0:\n>]*$")
#: a building number and a capitalised word: where a numbered international line may start
_NUM_CAP = re.compile(r"\d(?<![\w.,/-]\d)\d{0,5}[ \u00a0]+(?=[^\W\d_a-z])")
#: hyperscan patterns (:func:`~sentinelle.detectors.lexicon.som_starts`) whose starts hold every
#: start of ``_NUM_CAP``: a character that is not ``[\w.,/-]``, a run of exactly 1 to 6 digits
#: (``\d`` is an ASCII digit or a character outside Latin-1, "?"), spaces, a character of
#: ``[^\W\d_a-z]``; one pattern per run length, so that no pattern matches from two starts to
#: one end (a start inside the run would need a non-digit before it)
_NUM_CAP_STARTS = tuple(
    latin1_class(r"[\w.,/-]") + b"[0-9?]" * n + rb"[ \xa0]+" + latin1_class(r"[^\W\d_a-z]", negate=False)
    for n in range(1, 7))
#: hyperscan patterns whose starts hold every start of the English street line regex
#: (``StreetAddressDetector._en_re``): a character that is not ``[\w.,/-]``, a run of exactly 1
#: to 6 digits, then an optional letter and either spaces and what can open the street's words
#: (a capital letter, or the 1 to 3 digits and first letter of "42nd") or a dash and the first
#: digit of a range; one pattern per run length and form, so that no pattern matches from two
#: starts to one end (the same argument as ``_NUM_CAP_STARTS``)
_EN_STARTS = tuple(
    latin1_class(r"[\w.,/-]") + b"[0-9?]" * n + letter + tail
    for n in range(1, 7) for letter in (b"", b"[A-Za-z]")
    for tail in (rb"[ \xa0]+[A-Z]", rb"-[0-9?]")
    + tuple(rb"[ \xa0]+" + b"[0-9?]" * k + b"[snrt]" for k in (1, 2, 3)))
#: both sets in one database (:meth:`StreetAddressDetector._find_english` scans once)
_EN_NUM_STARTS = _EN_STARTS + _NUM_CAP_STARTS
#: the address cues, unanchored (their end is where a line may start), and literal keys one of
#: which every cue holds (a text without any is not scanned for cues)
_ADDRESS_CUE_SCAN = re.compile(_ADDRESS_CUE.pattern[:-1])
#: where an address cue can start, in folded text, case-sensitive: every branch of
#: ``_ADDRESS_CUE`` begins with one of these words or with ``_CUE_IS_AT`` (speed, issue 6: a
#: case-insensitive pattern of words is tried at every position of a text, ``str.find``
#: jumps from one occurrence of a word to the next)
_CUE_WORDS = ("address", "adresse", "live", "living", "located", "sent", "send", "deliver",
              "return", "ship", "mail", "drop", "enter", "office", "store", "shop", "here")
_CUE_IS_AT = re.compile(r"is[ \u00a0]+at")
#: hyperscan patterns (:func:`som_starts`) whose starts are the places of ``_CUE_WORDS`` and
#: ``_CUE_IS_AT`` (any character before them; ASCII words: a character outside Latin-1, "?"
#: in the encoding, is none of their letters)
_CUE_STARTS = tuple(rb"[\x00-\xff]" + w.encode() for w in _CUE_WORDS) + (rb"[\x00-\xff]is[ \xa0]+at",)
#: a military address (``_MILITARY``) holds one of these, in folded text
_MILITARY_KEYS = tuple(re.compile(rf"{k}[ \u00a0]+a[aep][ \u00a0]+\d{{5}}") for k in ("apo", "fpo", "dpo"))


def _cue_ends(text: str, folded: str) -> list[int]:
    """The ends of ``_ADDRESS_CUE_SCAN.finditer(text)``, found faster: the cue is only tried
    where one of ``_CUE_WORDS`` or ``_CUE_IS_AT`` is found in ``folded``
    (:func:`fold_keep_length` of ``text``, same offsets; "ı" read as "i" as the
    case-insensitive pattern does); after a cue the search goes on at its end, as ``finditer``
    does."""
    if "\u0131" in folded:
        folded = folded.replace("\u0131", "i")
    # (speed) on a long text, one hyperscan pass finds the same places
    found = som_starts(_CUE_STARTS, folded) if len(folded) >= SOM_MIN_CHARS else None
    if found is not None:
        starts = set(found)
    else:
        starts = {m.start() for m in _CUE_IS_AT.finditer(folded)}
        for word in _CUE_WORDS:
            i = folded.find(word)
            while i >= 0:
                starts.add(i)
                i = folded.find(word, i + 1)
    ends: list[int] = []
    pos = 0
    for start in sorted(starts):
        if start < pos:
            continue
        m = _ADDRESS_CUE_SCAN.match(text, start)
        if m is not None:
            ends.append(m.end())
            pos = m.end()
    return ends


_ALNUM_RUNS = re.compile(r"[0-9a-z]+")
_DIGIT = re.compile(r"\d")
_UNIT_AHEAD = re.compile(rf"[ \u00a0]*,?[ \u00a0]*{_UNIT}")
#: cells an address header does not make an address: an email, a URL, digits alone, and a
#: redaction placeholder (``<STREET_ADDRESS>``: sentinelle redact's and Presidio's anonymizer's
#: default replacement), so a redacted copy scans clean
_CELL_REJECT = re.compile(r"^[^@\s]+@[^@\s]+$|^(?:https?://|www\.)|^[\d\s.:/-]*$|^<[A-Z][A-Z0-9_]*>$")


def _cut_towns() -> frozenset[str]:
    """The :func:`~sentinelle.detectors.location.commune_key` of every commune of
    ``data/communes.txt`` with 1,000 inhabitants or more that is not a common word or first
    name: the towns cut off before a postcode (``_cut_town``). Kept prepared on disk with
    :func:`sentinelle.data.cached` (issue 6: reading the commune list costs ~0.4 s of CPU);
    the key covers the list and the code of location.py that builds the keys."""
    import hashlib

    from sentinelle.detectors import location

    with open(location.__file__, "rb") as fh:
        version = "1-" + hashlib.sha256(fh.read()).hexdigest()[:16]
    return data.cached("street_address_towns", _build_cut_towns, files=("communes.txt",),
                       version=version)


def _build_cut_towns() -> frozenset[str]:
    from sentinelle.detectors.location import communes

    return frozenset(k for k, c in communes().by_key.items()
                     if not c.flagged and c.population >= 1000)


class StreetAddressDetector(Detector):
    """The street line of French (and English) postal addresses (see the module docstring)."""

    validation_rule = "AFNOR NF Z10-011 address grammar"
    rule_source = "La Poste addressing norm (AFNOR NF Z10-011), types of way"
    name = "street_address"
    entity = "STREET_ADDRESS"
    context_words = (
        "adresse", "domicile", "domicilie", "domiciliee", "demeurant", "residant", "residente",
        "habite", "habitant", "reside", "vit au", "sis", "sise", "coordonnees", "courrier",
        "address", "lives at", "living at", "resides at", "mailing address", "home address",
    )
    header_pattern = (
        r"^(?!.*(?:mail|courriel|electronique|_ip|ip_|mac|web|url|site|internet))"
        # the town or country of an address block ("adresse.ville", "address_city"): LOCATION
        r"(?!.*(?:^|_)(?:ville|villes|commune|communes|city|cities|town|localite|locality|pays|"
        r"country)(?:_|$))"
        r"(?!(?:.*_)?(?:id|ids|code|num|numero|nb|type|cp)(?:_|$))"
        r"(?:.*_)?(?:adresse|adresses|adr|addr|address|addresses|streetaddress|street|rue|voie|"
        r"libelle_voie|nom_voie|adresse_postale|ligne_adresse|adresse_ligne|domicile|"
        r"street_address|address_line|addressline|adresse_1|adresse1|adresse_2|adresse2)"
        r"(?:_?\d*)(?:_|$)"
    )
    header_required = False
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("Appartement 68, 200 avenue Jean Jaurès, 69007 Lyon", "200 avenue Jean Jaurès"),  # pb-025
            ("résidant au 45 rue des Glycines, 75013 Paris.", "45 rue des Glycines"),
            ("Hôpital COCHIN 27, rue du Faubourg Saint-Jacques 75679 PARIS CEDEX 14",
             "27, rue du Faubourg Saint-Jacques"),
            ("19 AVENUE DE LA REPUBLIQUE, STUDIO 25, 92100 BOULOGNE", "19 AVENUE DE LA REPUBLIQUE, STUDIO 25"),
            ("domicilié rue de la Paix à Paris", "rue de la Paix"),
            ("Adresse pour la correspondance : 123 av. Jean Jaurès Tel. 05 45 93 18 01.", "123 av. Jean Jaurès"),
            ("Please send it to 1668 Glyn Street, Highveld", "1668 Glyn Street"),
        ),
        negatives=(
            "Le patient est en cours de traitement.",             # common words, no number
            "1 voie veineuse périphérique posée",                 # ambiguous type, lower-case name
            "Horodatage 2024-11-05 08:42:13.120000 ; prélèvement effectué.",  # pb-022
            "Il habite rue",                                      # no name after the type
            "la rue de la Paix est fermée",                       # no number and no context
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        st = street_types()
        self._types = st
        # the type of way is searched first (letters: cheap on digit soups), the number looked
        # for right before it
        self._type_re = re.compile(
            "(?:" + _word_start_alternation(st.alts, r"[\w'’]") + r")(?![\w])")
        #: hyperscan patterns whose starts hold every start of ``_type_re`` (speed, issue 6:
        #: one pass instead of ``re`` entering a lookbehind at each letter that starts a type)
        self._type_starts = _type_start_patterns(st.alts)
        # the hyperscan databases are loaded with the detector, not on its first text
        for patterns in (self._type_starts, _EN_NUM_STARTS, _CUE_STARTS):
            som_database(patterns)
        # a type of way, or the "<number> <Word>" start of an English street line
        # (and the "name number" international order, a military "PSC 1234"/"USS Name")
        self.prefilter = (rf"{st.regex}|\d[a-z]?[ \u00a0]+[a-z]|[a-z]\.?[ \u00a0]+\d"
                          r"|(?:psc|cmr|unit|uss)[ \u00a0]")
        self._num_re = re.compile(
            rf"(?<![\w'’])(?:(?P<num>\d{{1,4}}(?:[ \u00a0]?[-/][ \u00a0]?\d{{1,4}})?"
            rf"(?:[ \u00a0]?{_INDEX}(?![\w]))?)|(?P<spelt>{_NUM_WORDS}))[ \u00a0]*,?[ \u00a0]*$")
        self._en = english_suffixes()
        self._en_re = re.compile(
            # "\d(?<![\w.,/-]\d)\d{0,5}" is "(?<![\w.,/-])\d{1,6}" starting with a digit
            # (speed: the engine skips to the next digit in C)
            r"\d(?<![\w.,/-]\d)\d{0,5}[A-Za-z]?(?:-\d{1,5})?[ \u00a0]+"
            r"(?:(?:N|S|E|W|North|South|East|West)\.?[ \u00a0]+)?"
            r"(?:(?:[A-Z][\w'’.\-]*|\d{1,3}(?:st|nd|rd|th))[ \u00a0]+){1,4}?"
            rf"(?P<suffix>{self._en.regex})\.?(?![\w])"
            r"(?:[ \u00a0]+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\w]))?")
        from sentinelle.detectors.location import commune_key  # shared commune key

        self._towns = _cut_towns()
        self._commune_key = commune_key

    # -- text path -------------------------------------------------------------------------
    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        french = self._french(text, folded)
        # a French form without number (below 0.5, "Avenue Suite" inside "3911 Fourth Avenue
        # Suite 697") gives way to an English or international line over it
        english = list(self._find_english(
            text, [(f.start, f.end) for f in french if f.score >= 0.5], folded))
        for f in french:
            if f.score >= 0.5 or not any(e.start < f.end and f.start < e.end for e in english):
                yield f
        yield from english

    def _french(self, text: str, folded: str) -> list[Match]:
        """The French street lines of ``text`` (``folded``: :func:`fold_keep_length` of it)."""
        spans: list[tuple[int, int]] = []
        french: list[Match] = []
        starts = som_starts(self._type_starts, folded) if len(folded) >= SOM_MIN_CHARS else None
        found = (self._type_re.finditer(folded) if starts is None
                 else finditer_at(self._type_re, folded, starts))
        for m in found:
            if spans and m.start() < spans[-1][1]:
                continue
            found = self._at(text, folded, m.start(), m.end())
            if found is not None:
                spans.append((found.start, found.end))
                french.append(found)
        return french

    def _find_english(self, text: str, spans: list[tuple[int, int]],
                      folded: str | None = None) -> Iterator[Match]:
        """English and international street lines (rules of the module docstring), each with
        the rest of its address block. ``folded``: :func:`fold_keep_length` of ``text``."""
        if _DIGIT.search(text) is None:
            return  # every English or international form holds a digit
        folded = fold_keep_length(text) if folded is None else folded
        found: list[Match] = []
        # overlap with ``spans`` by bisection (issue 6: one test per candidate, not one per span)
        spans = sorted(spans)
        span_starts = [s for s, _ in spans]
        reach = list(itertools.accumulate((e for _, e in spans), max))

        def free(a: int, b: int) -> bool:
            k = bisect.bisect_left(span_starts, b)
            if k and reach[k - 1] > a:
                return False
            return not any(f.start < b and a < f.end for f in found)

        # a military address needs "APO", "FPO" or "DPO" (a literal test first: speed)
        if any(k.search(folded) for k in _MILITARY_KEYS):
            for m in _MILITARY.finditer(text):
                if free(m.start(), m.end()):
                    found.append(Match(m.start(), m.end(), 0.85, Validation.NONE,
                                       "military_address", self.normalize(m.group(0))))
        long_text = len(text) >= SOM_MIN_CHARS
        # one hyperscan pass for both kinds of line start (a superset of the starts of each,
        # checked by each regex: a third faster than two passes, issue 6)
        en_starts = som_starts(_EN_NUM_STARTS, text) if long_text else None
        for m in (self._en_re.finditer(text) if en_starts is None
                  else finditer_at(self._en_re, text, en_starts)):
            if not free(m.start(), m.end()):
                continue
            amb = m.group("suffix").lower().rstrip(".") in self._en.ambiguous
            end = self._tail(text, m.end())
            if amb and end == m.end() and not _ADDRESS_CUE.search(text, max(0, m.start() - 60), m.start()):
                continue  # "3 Green Park" alone: a number before a park is not enough
            score = 0.85 if end > m.end() else 0.6
            found.append(Match(m.start(), end, score, Validation.NONE, "en_street",
                               self.normalize(text[m.start():end])))
        # speed (issue 6): the "name number" line is only tried where it can be kept, right
        # after an address cue or at a building number followed by a capitalised word
        nums = en_starts
        if nums is None:
            starts = {n.start() for n in _NUM_CAP.finditer(text)}
        else:  # the matches never overlap: finditer's starts are the places where one matches
            match = _NUM_CAP.match
            starts = {p for p in nums if match(text, p) is not None}
        starts.update(_cue_ends(text, folded))
        for pos in sorted(starts):
            m = _INTL_LINE.match(text, pos)
            if m is None:
                continue
            a = m.start()
            if a > 0 and (text[a - 1].isalnum() or text[a - 1] in ".,/-"):
                continue
            if not free(a, m.end()):
                continue
            end = self._tail(text, m.end())
            cue = _ADDRESS_CUE.search(text, max(0, a - 60), a) is not None
            numbered = text[a].isdigit()
            block = text.count("\n", m.end(), end) >= 1 or _UNIT_AHEAD.match(text, m.end())
            if not (cue or (numbered and block)):
                continue
            # a whole block (street line, unit, town, ZIP) outranks the town or country in it
            found.append(Match(a, end, 0.85 if end > m.end() else 0.6, Validation.NONE,
                               "intl_street", self.normalize(text[a:end])))
        found.sort(key=lambda f: f.start)
        yield from found

    @staticmethod
    def _tail(text: str, end: int) -> int:
        """End of the address block whose street line ends at ``end``: units, town, region
        code, ZIP and country on the same line or on up to four next lines."""
        for _ in range(6):
            t = _TAIL_SAME.match(text, end) or _TAIL_LINE.match(text, end)
            if t is None or t.end() <= end:
                break
            end = t.end()
        return end

    def _at(self, text: str, folded: str, ts: int, te: int) -> Match | None:
        """The address whose type of way is ``folded[ts:te]``, or None."""
        st = self._types
        tfold = folded[ts:te]
        base = tfold.rstrip(".").replace("\u00a0", " ").replace("’", "'")
        n = self._num_re.search(folded, max(0, ts - 24), ts)
        numbered = n is not None and n.group("num") is not None
        spelt = n is not None and n.group("spelt") is not None
        amb = base in st.ambiguous
        if spelt and amb:
            return None
        start = n.start() if n is not None else ts
        if n is None:
            if st.canonical.get(base, base) != base or tfold.endswith("."):
                return None  # "av." or "bd" without a number: too weak
            tw = text[ts:te]
            if tw.isupper() and len(tw) > 1 and not self._upper_line(text, ts):
                return None
        named = self._name(text, folded, te)
        if named is None:
            return None
        end, shape = named
        end = self._cut_town(text, folded, te, end)
        if end <= te:
            return None
        while (c := _COMPLEMENT.match(folded, end)) is not None:
            end = c.end()
        code_after = _POSTCODE_AFTER.match(text, end) is not None
        if numbered or spelt:
            if amb and shape == "lower":
                score, pattern = (0.7 if code_after else 0.45), "number_type_lower"
            else:
                score, pattern = (0.9 if code_after else 0.8), "number_type_name"
        else:
            if amb and shape == "lower":
                return None
            score, pattern = (0.7 if code_after else 0.35), "type_name"
        return Match(start, end, score, Validation.NONE, pattern, self.normalize(text[start:end]))

    @staticmethod
    def _upper_line(text: str, pos: int) -> bool:
        """The line around ``pos`` is written in capitals (so "RUE" is just the case of the line)."""
        lo = text.rfind("\n", 0, pos) + 1
        hi = text.find("\n", pos)
        line = text[lo:hi if hi >= 0 else len(text)]
        letters = [c for c in line if c.isalpha()]
        return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)

    def _name(self, text: str, folded: str, pos: int) -> tuple[int, str] | None:
        """``(end, shape)`` of the way name after the type ending at ``pos``; shape is "cap",
        "upper" or "lower" (the case of its first word); None when no name follows."""
        g = _FIRST_GAP.match(text, pos)
        if g is None:
            return None
        p = g.end()
        end = None
        mode = ""
        words = 0
        prev = ""
        for _ in range(12):
            t = _TOKEN.match(text, p)
            if t is None:
                break
            tok = t.group(0)
            ftok = folded[t.start():t.end()]
            if tok[:1].isdigit():
                # a date in a way name: "rue du 8 Mai 1945", "avenue du 11 Novembre 1918"
                nxt = _TOKEN.match(text, t.end() + 1)
                if prev in ("du", "des") and nxt and folded[nxt.start():nxt.end()] in _MONTHS:
                    end = t.end()
                elif prev in _MONTHS and len(tok) == 4:
                    end = t.end()
                else:
                    break
            elif ftok in _LINKS:
                pass  # a link word never ends a name
            else:
                core = tok[2:] if ftok[:2] in ("l'", "d'", "l’", "d’") and len(tok) > 2 else tok
                fcore = ftok[len(ftok) - len(core):]
                sh = "upper" if core.isupper() and len(core) > 1 else ("cap" if core[:1].isupper() else "lower")
                if fcore in _STOP and (sh == "lower" or words > 0):
                    break
                if sh == "lower" and mode in ("cap", "upper"):
                    break  # "22 rue de la Jonquière au nord de Paris"
                if sh != "lower" and mode == "lower":
                    break
                mode = mode or sh
                end = t.end()
                if ftok in _DOT_ABBREV and text.startswith(".", end):
                    end += 1  # "St.", "Gal."
                words += 1
                if words >= 7:
                    break
            prev = ftok
            gap = _GAP.match(text, t.end())
            if gap is None:
                break
            p = gap.end()
        if end is None:
            return None
        return end, mode

    def _cut_town(self, text: str, folded: str, name_start: int, end: int) -> int:
        """Drop a town written between the way name and its postcode: "Rue Pierre Charlot Paris
        75015" -> "Rue Pierre Charlot" (the town is LOCATION)."""
        if not _POSTCODE_AFTER.match(text, end):
            return end
        starts = [w.start() for w in _WORDS.finditer(text, name_start, end)]
        for ws in starts[1:][-4:]:
            if self._commune_key(text[ws:end]) not in self._towns:
                continue
            cut = ws
            while cut > name_start and text[cut - 1] in " ,\u00a0":
                cut -= 1
            last = _WORDS.findall(folded, name_start, cut)
            if last and last[-1] not in _LINKS:
                return cut
        return end

    # -- table path ------------------------------------------------------------------------
    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return super().match_cell(value, header_hit)
        stripped = value.strip()
        if len(stripped) < 3 or not any(c.isalpha() for c in stripped) or _CELL_REJECT.match(stripped):
            return None
        lead = len(value) - len(value.lstrip())
        # any(self.find(stripped)), without the English forms when a French one is found
        folded = fold_keep_length(stripped)
        grammar = bool(self._french(stripped, folded)) or \
            any(True for _ in self._find_english(stripped, [], folded))
        score = 0.8 if grammar else 0.6
        return Match(lead, lead + len(stripped), score, Validation.NONE,
                     "address_cell" if grammar else "cell", self.normalize(stripped))

    def match_column(self, values, header_hit: bool):
        if not header_hit or len(values) < COLUMN_MIN_VALUES:  # Polars' fixed cost loses
            return super().match_column(values, header_hit)
        return _match_column(self, values)

    def normalize(self, value: str) -> str:
        """Folded, punctuation as spaces, types of way and "st" spelt out ("av." -> "avenue")."""
        canon = self._types.canonical
        # fold(value), faster on Latin text (lower() alone for ASCII: the common case)
        folded = fold_fast(value)
        words = _ALNUM_RUNS.findall(folded.replace("’", "'"))
        out = []
        for w in words:
            if w in ("st",):
                out.append("saint")
            elif w in canon and canon[w] != w and len(w) > 1:
                out.append(canon[w])
            else:
                out.append(w)
        return " ".join(out)


#: linking words of a way name (``_LINKS`` of two letters or more), any case, for Polars
_COLUMN_LINKS = "|".join("".join(f"[{c}{c.upper()}]" for c in w)
                         for w in sorted(_LINKS, key=len, reverse=True) if len(w) > 1)


@functools.cache
def _column_rules() -> tuple[str, str, dict[str, str]]:
    """Polars regexes of :func:`_match_column` and the word mapping of ``normalize``.

    * a street line for sure: a number (with its index "bis", "ter", ...), a type of way
      written in full, any case and accents (a single word that no other form extends with a space, a dash or an
      apostrophe: the type found at that place is that word), linking words, a word of two
      letters or more starting with a capital and ending there, maybe after "l'" or "d'" (not
      a linking word: checked apart), then any letters, digits and punctuation: the grammar of
      :meth:`StreetAddressDetector._at` finds a street line in it;
    * the type-of-way test of a cell in printable ASCII without digits: any form of
      ``street_types`` between two non-word characters (a superset of ``_type_re``);
    * ``normalize``'s word mapping ("av" -> "avenue", "st" -> "saint")."""
    st = street_types()
    bases = [f for f in st.canonical]
    full = sorted({w for w in st.canonical.values()
                   if w.isascii() and w.isalpha()
                   and not any(b != w and b.startswith(w) and not b[len(w)].isalpha() for b in bases)},
                  key=lambda w: (-len(w), w))  # ties by name: the same regex source every run
    # each letter in any case and Latin-1 accent that folds to it ("allée", "RÉSIDENCE": the
    # grammar reads the folded cell)
    letters: dict[str, list[str]] = {}
    for ch in map(chr, [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x100)]):
        f = fold_keep_length(ch)
        if len(f) == 1 and "a" <= f <= "z":
            letters.setdefault(f, []).append(ch)
    types = "|".join("".join(f"[{''.join(sorted(letters[c]))}]" for c in w) for w in full)
    sure = (rf"^ *(?:[0-9]{{1,4}} (?:(?:bis|ter|quater|quinquies) )?(?:{types}) "
            rf"(?:(?:{_COLUMN_LINKS}) ){{0,3}}"
            r"(?:[lLdD]['’])?(?P<word>\p{Lu}\p{L}+)(?:[ ,0-9.'’\-][\p{L}\p{N} '’.,\-]*[\p{L}\p{N}.])?) *$")
    any_type = rf"(?:^|[^A-Za-z0-9_])(?:{st.regex})(?:[^A-Za-z0-9_]|$)"
    mapping = {k: v for k, v in st.canonical.items()
               if v != k and len(k) > 1 and re.fullmatch("[0-9a-z]+", k)}
    mapping["st"] = "saint"
    return sure, any_type, mapping


def _match_column(det: StreetAddressDetector, values):
    """:meth:`StreetAddressDetector.match_column` under an address header (issue 6): Polars
    decides the cells that are surely a street line (0.8, ``address_cell``: see
    :func:`_column_rules`) and the cells in printable ASCII without any digit nor type of way
    (every form of the grammar needs one or the other: 0.6, ``cell``); the normalised value is
    computed with Polars for ASCII cells (``fold`` is then ``lower``); every other cell goes
    through :meth:`StreetAddressDetector.match_cell`."""
    import polars as pl

    from sentinelle.detectors.columnar import collect
    from sentinelle.detectors.email import merge_column

    sure_re, any_type_re, mapping = _column_rules()
    v = pl.col("v")
    body = v.str.strip_chars(" ")
    frame = pl.DataFrame({"v": values}).lazy().with_columns(
        word=v.str.extract(sure_re, 1).str.to_lowercase())
    # a word beyond ASCII is a name only from 5 letters (its fold may be a linking word:
    # "lès"; every linking word has 4 letters or less and folding keeps the length)
    sure = (pl.col("word").is_not_null() & ~pl.col("word").is_in(sorted(_LINKS))
            & (pl.col("word").str.contains("^[a-z]+$") | (pl.col("word").str.len_chars() >= 5)))
    plain = (v.str.contains(r"^[ -/:-~]*$") & v.str.contains("[A-Za-z]")
             & (body.str.len_chars() >= 3) & ~v.str.contains("@", literal=True)
             & ~body.str.contains(r"^(?:https?://|www\.)") & ~body.str.contains(r"^<[A-Z][A-Z0-9_]*>$")
             & ~body.str.to_lowercase().str.contains(any_type_re))
    ascii_ = v.str.contains(r"^[ -~]*$")
    norm = (body.str.to_lowercase().str.extract_all("[0-9a-z]+")
            .list.eval(pl.element().replace(mapping)).list.join(" "))
    res = frame.select(
        decided=sure | plain,
        ascii=ascii_,
        start=(v.str.len_chars() - v.str.strip_chars_start(" ").str.len_chars()).cast(pl.Int32),
        end=v.str.strip_chars_end(" ").str.len_chars().cast(pl.Int32),
        score=pl.when(sure).then(0.8).otherwise(0.6),
        validation=pl.lit(Validation.NONE.value),
        pattern=pl.when(sure).then(pl.lit("address_cell")).otherwise(pl.lit("cell")),
        normalized=pl.when(ascii_).then(norm).otherwise(pl.lit(None, pl.Utf8)),
        entity=pl.lit(None, pl.Utf8),
        body=body,
    )
    res = collect(res)  # one query (issue 6)
    # the normalised value of the decided cells with letters beyond ASCII: in Python
    todo = res["decided"] & ~res["ascii"]
    if todo.any():
        idx = todo.arg_true()
        fixed = [det.normalize(b) for b in res["body"].gather(idx).to_list()]
        res = res.with_columns(normalized=res["normalized"].scatter(idx, fixed))
    return merge_column(det, values, res, res["decided"], res["decided"], True)
