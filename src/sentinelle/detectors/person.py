"""PERSON detector: people's names in French (and English) text and in name columns of tables.

Rule sources: the INSEE "Fichier des prénoms" 1900-2025 with the Swiss OFS first-name statistics
(``data/first_names.txt``, names given to at least 20 children) and the INSEE "Fichier des noms
patronymiques" (``data/surnames.txt``, all 218,982 surnames), both Licence Ouverte (see
data/SOURCES.md); the civility titles of the French "Guide de rédaction administrative" (M.,
Mme, Mlle, Dr, Pr, Me) and French naming conventions (hyphenated first names "Jean-Pierre",
particles "de", "du", "Le", "van", elided prefixes "N'Diaye", "D'Almeida", the administrative
"NOM Prénom" order with the surname in capitals).

Rules, in order of strength:

a. after a title, one to three capitalised or upper-case name tokens (particles allowed inside)
   are a PERSON at 0.85; the title is a cue, not part of the span (../shared/cases pb-008);
b. a known first name followed by a capitalised or upper-case surname ("Hélène Garnier",
   "Jean DUPONT", "MARC GIRAUD"), or an upper-case known surname followed by a capitalised known
   first name ("DUPONT Jean"), at 0.75 (0.65 when the surname is not in the INSEE list);
c. in lower case, a known first name followed by a known surname ("sarah lemaire", pb-005) at
   0.45: below the default threshold, so a context word ("rappeler", "patient"...) is needed (the
   lists hold "can", "you", "lui", "aura": "can you", "aura lieu" are no names);
d. (press, letters, minutes) a role or rank before 1-3 name tokens ("le général Chomer",
   "l'abbé Urseau", "la veuve Andrieux", "le citoyen Besset", "captain Smith"): 0.7; after a
   plural title or role ("MM. Sarrien et Clemenceau", "les généraux X et de Y") the coordinated
   names too (0.05 lower); "M . X", "MM : X" (dot or colon set apart, old print and OCR) are
   titles;
e. a middle initial between a first name and a surname ("John F. Kennedy", "Ravil G Yefimov")
   keeps rule b; a self-introduction or naming verb ("my name is", "je m'appelle", "nommé",
   "dénommée") before capitalised name tokens is a form label (0.8);
h. a capitalised surname of the INSEE list alone inside a sentence (not after a sentence end,
   a capitalised word, a particle, an article or a place preposition: "à Plélan", "au Palais",
   "l'Ecole", "un Allemand"; not a first name, a stopword or a place): 0.5
   (:data:`SURNAME_ALONE_SCORE`, "Pendant ce temps, Kaufmann était mort");
i. (old print, OCR) the usual OCR readings of "M." are titles: "NI .", "Ni .", "NI-NI ." and
   "M" followed by "*", "-", "'" or '"' and a space ("M- KERNEIS", "M* ANDRE"); a title
   followed by a single initial names a person by that initial ("Mme L.", "M. V."): 0.7; a
   place followed by a newspaper dateline ends a name ("M. POINCARÉ Paris , 22 avril").
   Measured on the Europeana 1906 newspapers (bench/accuracy.py).

Never a PERSON: a word of ``data/person_stopwords.txt`` ("Bonjour", "Merci", "Rue", month
names...), a name right after a type of way or an institution ("rue Victor Hugo", "avenue Jean
Jaurès", "hôpital Georges Pompidou": pb-025), a name right after "maladie de", "syndrome de",
"signe de" (eponymous diseases: pb-035; HEALTH_CONDITION also wins the overlap), a first name
alone or opening a "Prénom NOM" pair that is also a town of 10,000 inhabitants or more and not a
usual first name ("au nord de Paris", "Dinan ETAT-CIVIL"; INSEE COG,
``data/communes.txt``) or follows "St"/"Saint" ("Hôpital St Anne"), a first name + surname pair
that is a place of 2,000 inhabitants or more, a hyphenated "Saint-X" ("Saint-Vincent": a
place or a church) or of the world list ("Vila Real", "São Paulo";
``data/world_places.txt``), a word of a company name ("Sun Foods", "Wealth Management": in the
stopword list).

A capitalised known first name alone, not opening a sentence, scores 0.5 (just over the default
threshold: in prose a capitalised first name is nearly always a person; measured on EDS-Pseudo,
Europeana and presidio-research).

Second opinion (optional, ``Config.ner`` = ``auto`` or ``always``): spaCy's French NER confirms
low-scored candidates and adds names the lists missed (:mod:`sentinelle.detectors.person_ner`).

Tables: a name header (``nom``, ``prenom``, ``medecin``, ``titulaire``... but not ``nom_commune``,
``nom_examen``, ``code_postal``...) is required; a cell of 1-5 letter tokens (no digits) is a
PERSON, a leading title stripped from the span ("Dr Keller" -> "Keller": pb-020).

Speed (issue 6): the name lists and the lower-case start set are kept by
:func:`sentinelle.data.cached`; in text, capitalised words of no list that are no title, role
or hyphenated name and follow no form label are skipped before the rules. The tokens of a
short text are read with one ``re.split`` (a character class listing the text's letters,
:func:`.location.word_chars`, instead of the Unicode letter class), their offsets from a running
sum of the part lengths; from 8,192 characters on, with NumPy (the letter mask of
:func:`.location.text_letters`, shared with LOCATION, an apostrophe or hyphen between letters
glued, the runs of the mask, and whether two spaces at most join each token to the next: about
130 ms on 3 MB against 270 ms); they are kept as lists (no match object nor tuple per token).
Each distinct token is coded once (:meth:`PersonDetector._token_code`, a word of ASCII letters
by :meth:`PersonDetector._ascii_code`: the fast paths below as far as the token decides, and
its flags as a neighbour), so the rules run only at candidate tokens
(:meth:`PersonDetector._candidates`, about 50,000 of 270,000 tokens on 3 MB of lab reports) with
the same matches as at every token (tests/detectors/test_names_places_paths.py); a town or a
place that is no first name ("Lyon", "Carnot") is a candidate only after a form label or before
a first name or an initial (the only rules that take it). A text under 256 characters (a table
cell on the text path: "IPP 000001", "Hémoglobine") is first tested by
:meth:`PersonDetector._may_hold` (no candidate token: nothing to find).

Session 8: in a long text the candidates are picked with NumPy over the token arrays
(:meth:`PersonDetector._candidates_numpy`: the form-label, initial and next-token tests of the
conditional classes for all tokens at once), the token strings come from one ``str.split``
(:func:`.location.mask_strings`) and :meth:`PersonDetector._blocked` is remembered per window
(the same matches: tests/detectors/test_names_places_speed.py). Session 12:
:meth:`PersonDetector._is_place` and :meth:`PersonDetector._is_town` are remembered per
string (each made a :class:`.location.Commune` and a :class:`.location.Place` per call, and
most names ask), and the town test of rule g is :meth:`PersonDetector._is_town` itself.
Session 12 (fault of a ``sentinelle synth`` lab report, "Patient: CARDINAL Yves" gave "Yves"):
a role noun in capitals joined before a capitalised known first name is the surname of "NOM
Prénom" (rules f, b'), not a role; after a title or a form label, a stopword in capitals
(2+ letters) joined before a capitalised known first name or right after the one that opens
the name is the surname ("Patient : ROUGE Jean-Pierre", "Mme BLANC Marie", "Nom : Yves
ROUGE"; :meth:`PersonDetector._caps_surname`); without a cue the stopword list still wins
("COMPTE RENDU Marie", "NEGATIF Marie"). Upper-case stopwords are therefore of class
:data:`_IF_LABEL` (tests/detectors/test_person_faults12.py).

Session 13 (issue 6, the same matches): :meth:`PersonDetector._blocked` keys its memo on the
window from its last line break (the line before a name repeats more than its 40 characters),
the form-label test is remembered per window (:meth:`PersonDetector._label_before`), a token's
code holds the flag :data:`_ALONE` (the token tests of rule h, so
:meth:`PersonDetector._surname_alone` runs only where it may match), and the token codes of a
long text are read with one dictionary lookup per token (the tokens not coded yet coded
after). Measured on 3 MB of lab reports and notes (``find``, a fresh detector, paired in-process
runs on a loaded machine): between 0 and 10% less CPU, within the noise. What is left, by a
profile of the pipeline's spans: ``_at`` about 31% (63% of its calls are on a line seen before
in the scan: a line memo as LOCATION's is the next lever, once every rule that reads before a
line start is checked), choosing the tokens to check about 17%, the :class:`.base.Match`
objects about 5% (made 2.5 times cheaper this session).

Session 13 (issue 6), later: the tokens of a long text are glued from the runs of letters that
LOCATION reads too (:func:`.location.letter_run_arrays`, made once per text for both), not from
a mask and strings of their own: the same tokens.

Columnar fast path (issue 6): :meth:`PersonDetector.match_column` applies the cell rule with
Polars expressions to cells of Latin-1 letters, spaces and name punctuation; other cells go
through ``match_cell``. In text, lower-case tokens that start no name (not a title, a role or a
first name of 3+ letters) are skipped with one set lookup; upper-case words of no list not
followed by a first name and words of no name shape are skipped before the rules, and the
street/institution/eponym exclusion regex runs only when one of its words is among the last
letter runs before the name. A listed stopword of two letters or more ("Patient", "DES") starts
no rule (rules f and h exclude it, rule d wants an initial); an upper-case listed surname that
is no first name ("NANTES") starts one only after a form label or before a first name or a
capital (rules b', e).

Error preference: a leak scanner prefers a false positive with a low score to a miss, so a
capitalised token after a known first name counts as a surname even when it is not in the INSEE
list (score 0.65), and lower-case names are reported at 0.6. Single tokens without title
("Dupont") are not reported in free text: too many common words are also surnames.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.location import (_DATELINE, NUMPY_RUNS_CHARS, char_class,
                                           commune_key, communes, letter_run_arrays,
                                           text_letters, word_chars, world_places)
from sentinelle.finding import Validation

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: titles, as written (case matters for the short ones); those in _DOT_REQUIRED need their dot
_TITLES = frozenset({
    "M", "MM", "Mr", "MR", "Mme", "MME", "Mmes", "Mlle", "MLLE", "Mlles", "Madame", "MADAME",
    "Monsieur", "MONSIEUR", "Mademoiselle", "MADEMOISELLE", "Dr", "DR", "Docteur", "DOCTEUR",
    "Drs", "Pr", "PR", "Professeur", "PROFESSEUR", "Prof", "Me", "Maître", "Maitre", "Mrs", "Ms",
    "Miss", "Doctor", "madame", "monsieur", "docteur", "professeur",
})
_DOT_REQUIRED = frozenset({"M", "MM"})
#: the usual OCR readings of "M." and "MM." in old print ("NI . Limon", "Ni . Huerta", "NI-NI .")
_OCR_TITLES = {"NI": "M", "Ni": "M", "Nl": "M", "NI-NI": "MM", "Ni-Ni": "MM"}
#: the dot of "M." read as another mark by the OCR, a space after: "M- KERNEIS", "M* ANDRE"
_OCR_DOTS = frozenset("*-'’\"»")
#: a single initial after a title: "Mme L.", "M. V."
_INITIAL_ALONE = re.compile(r"[A-Z]\.")
#: after "M." a name or a particle follows: then "M." is a title, not an initial
_TITLE_NEXT = re.compile(r"[ \u00a0]+[^\W\d_]")
#: a capitalised word alone right after these (an article, a place preposition, lower case) is
#: a place or a thing, not a person: "à Plélan", "en Léhon", "au Palais", "l'Ecole", "un
#: Allemand" (measured on the Europeana press: 2 persons for 90 non-persons)
_NOT_BEFORE_ALONE = frozenset({"à", "a", "au", "aux", "en", "l", "le", "la", "les", "un", "une",
                               "d", "du", "des", "sur", "ce", "cet", "cette", "ces"})
#: before a first name, these make it a saint's name (a place, a church, a hospital)
_SAINTS = frozenset({"st", "ste", "saint", "sainte", "san", "santa", "sankt", "são", "sao"})
#: score of a listed surname alone inside a sentence (rule h)
SURNAME_ALONE_SCORE = 0.5
_SAINT_PREFIXES = ("SAINT-", "SAINTE-", "ST-", "STE-")
#: plural titles: the names after them may be coordinated ("MM. Sarrien et Clemenceau")
_PLURAL_TITLES = frozenset({"MM", "Mmes", "Mlles", "Drs", "Messieurs", "MESSIEURS", "Mesdames",
                            "MESDAMES", "messieurs", "mesdames"})
#: a role or rank written before a surname in French prose (the press, letters, minutes): civil,
#: military, religious and nobility titles, kinship words of reports ("le général Chomer",
#: "Mgr Labouré", "l'abbé Urseau", "la veuve Buin", "le citoyen Besset", "le père Kaufmann"),
#: after the usage of the Académie française ("Dictionnaire", titles and forms of address);
#: ``Mgr``/``Monseigneur`` are titles of rule (a), the others score lower (a role noun may also
#: name a ship, a street or a brand)
_ROLE_TITLES = frozenset({"Mgr", "MGR", "Monseigneur", "monseigneur", "Mgrs"})
_ROLES = frozenset({
    "general", "generaux", "colonel", "colonels", "lieutenant-colonel", "capitaine", "commandant",
    "lieutenant", "sous-lieutenant", "sergent", "adjudant", "brigadier", "sous-brigadier",
    "caporal", "soldat", "amiral", "marechal", "cardinal", "cardinaux", "abbe", "abbes",
    "chanoine", "cure", "vicaire", "pasteur", "rabbin", "pere", "frere", "soeur", "veuve",
    "citoyen", "citoyens", "citoyenne", "president", "ministre", "senateur", "depute", "prefet",
    "sous-prefet", "juge", "baron", "baronne", "comte", "comtesse", "duc", "duchesse", "marquis",
    "marquise", "vicomte", "vicomtesse", "prince", "princesse", "roi", "reine", "empereur",
    "imperatrice", "notaire", "inspecteur", "commissaire", "conseiller", "gendarme", "docteurs",
    "professeurs", "maitre", "maire", "adjoint", "directeur", "directrice", "patron",
    "sir", "lord", "lady", "captain", "colonel", "sergeant", "general", "senator", "governor",
    "reverend", "father", "sister", "brother", "uncle", "aunt", "judge", "officer", "detective",
})
#: the roles as written (accents or not, lower case) for a lookup without folding
_ROLE_FORMS = _ROLES | frozenset({
    "général", "généraux", "lieutenant-colonel", "abbé", "abbés", "curé", "père", "frère",
    "sœur", "président", "député", "préfet", "sous-préfet", "impératrice", "maître", "sénateur",
    "maréchal", "cardinal", "comtesse", "duchesse", "vicomtesse", "marquise",
})
#: every token that may open rule (a): titles, their OCR readings, role titles
_TITLE_FORMS = frozenset(_TITLES | _ROLE_TITLES | set(_OCR_TITLES))
#: plural roles: coordinated names follow ("les généraux Chômer et de Coisrouvray")
_PLURAL_ROLES = frozenset({"generaux", "colonels", "cardinaux", "abbes", "citoyens", "docteurs",
                           "professeurs"})
#: between coordinated names after a plural title: ", ", " et ", " and "
_COORD = re.compile(r"[ \u00a0]*(?:,|et|and|&)[ \u00a0]*(?:,[ \u00a0]*)?")
_PARTICLES = frozenset({
    "de", "du", "des", "la", "le", "van", "von", "der", "den", "di", "da", "del", "della", "dos",
    "ben", "bin", "el", "al", "ter", "ten", "mac", "st",
})
#: between two tokens of one name: one or two spaces; a tab or a wider gap separates fields
_GAP = re.compile(r"[ \u00a0\u202f]{1,2}")
#: every separator _GAP matches in full
_GAP_SEPS = frozenset(a + b for a in " \u00a0\u202f" for b in ("", " ", "\u00a0", "\u202f"))
_GAP0 = re.compile(r"[ \t\u00a0\u202f]{0,3}")
#: initials: "A.", "H", "P-A.", "J.-J", "E.R.", "Ph.", "C.C." (then a space and a name)
_INITIALS = re.compile(r"(?:[A-Z](?:[.\-]{1,2}[A-Z])*\.?|Ph\.|Ch\.)(?=[ \t\u00a0\u202f])")
_INITIALS_DOT = re.compile(r"[A-Z](?:[.\-]{1,2}[A-Z])*\.")
#: trailing initials after a surname: "MORIGGI J-P.", "PEREZ L"
_TRAILING_INITIALS = re.compile(r"[ \t\u00a0\u202f]{1,2}[A-Z](?:[.\-]{1,2}[A-Z])*\.?(?![^\W\d_])")
#: a name right after these (folded) is a street, an institution or an eponymous disease
_NOT_AFTER = re.compile(
    r"(?<![a-z])(?:rue|avenue|av|bd|boulevard|place|pl|allee|impasse|chemin|quai|cours|square|"
    r"route|voie|passage|sentier|rond-point|parvis|esplanade|promenade|residence|cite|hameau|"
    r"lotissement|hopital|hopitaux|chu|ch|clinique|institut|centre|fondation|lycee|college|ecole|"
    r"universite|faculte|ehpad|stade|pont|parc|gare|station|metro|"
    r"labo|laboratoire|laboratoires|lbm|cabinet|pharmacie|mutuelle|caisse|cpam|societe|groupe|"
    r"maladie|maladies|syndrome|syndromes|signe|signes|test|score|classification|methode|"
    r"technique|loi|manoeuvre|reflexe|bacille|virus|disease|syndrome|sign|prix|salle|hop|"
    r"centre[ \u00a0]+hospitalier|hopital[ \u00a0]+europeen|anneau|valve|prothese|echelle|"
    r"critere|criteres|formule|clearance|impasse|faubourg|fbg|chaussee|ruelle|venelle|"
    r"lieu-dit|imp|rte|sq)"
    r"\.?[ \u00a0]+(?:(?:du|des|de[ \u00a0]+la|de|d'|d’|l'|l’|of|the)[ \u00a0]*)?$"
)
#: the first letter run of every word of _NOT_AFTER
_NOT_AFTER_RUNS = frozenset((
    "allee anneau av avenue bacille bd boulevard cabinet caisse centre ch chaussee chemin chu "
    "cite classification clearance clinique college cours cpam critere criteres disease echelle "
    "ecole ehpad esplanade faculte faubourg fbg fondation formule gare groupe hameau hop "
    "hopital hopitaux imp impasse institut labo laboratoire laboratoires lbm lieu loi "
    "lotissement lycee maladie maladies manoeuvre methode metro mutuelle parc parvis passage "
    "pharmacie pl place pont prix promenade prothese quai reflexe residence rond route rte rue "
    "ruelle salle score sentier sign signe signes societe sq square stade station syndrome "
    "syndromes technique test universite valve venelle virus voie").split())
_LETTER_RUN = re.compile(r"[a-z]+")
#: a form label right before a name: "NOM : DUPONT", "Prénom : Jean", "Patient : X Y" (folded)
_LABEL_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:nom|noms|prenom|prenoms|nom de naissance|nom d'usage|nom de jeune fille|"
    r"nom marital|patient|patiente|conjoint|conjointe|contact|prescripteur|medecin|"
    r"medecin traitant|biologiste|titulaire|assure|assuree|beneficiaire|name|surname|"
    r"first name|last name)[ \u00a0]*[:=][ \u00a0]*$"
    # a self-introduction or a naming verb right before: "my name is Rubija", "je m'appelle X"
    r"|(?<![a-z])(?:my name is|name is|named|je m'appelle|je m’appelle|je me nomme|nommee?|"
    r"denommee?|prenommee?|surnommee?)[ \u00a0]+$"
)
_CELL = re.compile(r"[^\W\d_]+(?:[\s.'’\-]+[^\W\d_]+)*\.?")
_CELL_TITLE = re.compile(
    r"^(?:M\.|MM\.|Mr\.?|MR\.?|Mme\.?|MME\.?|Mlle\.?|MLLE\.?|Madame|MADAME|Monsieur|MONSIEUR|"
    r"Dr\.?|DR\.?|Docteur|DOCTEUR|Pr\.?|PR\.?|Professeur|PROFESSEUR|Me\.?|Mrs\.?|Ms\.?)\s+"
)


# _key and _shape are pure functions of one token, called for most tokens of a text; words
# repeat (Zipf), so a bounded memo answers most calls (speed, issue 6)
@functools.lru_cache(maxsize=1 << 16)
def _key(token: str) -> str:
    return fold_keep_length(token).upper()


@functools.lru_cache(maxsize=1 << 16)
def _shape(token: str) -> str:
    """'cap' (Dupont, Jean-Pierre, N'Diaye), 'upper' (DUPONT), 'lower' (dupont) or ''."""
    t = token.replace("’", "'")
    if len(t) > 2 and t[1] == "'" and t[0] in "DNOLdlo":  # elided prefix: N'Diaye, d'Almeida
        t = t[2:]
    parts = t.split("-")
    if all(len(p) >= 2 and p.isupper() for p in parts) and "'" not in t:
        return "upper"
    if all(len(p) >= 2 and p[0].isupper() and (p[1:].islower() or p[1:].isupper()) for p in parts):
        return "cap" if any(p[1:].islower() for p in parts) else "upper"
    if t.islower() and len(t) >= 2:
        return "lower"
    return ""


@functools.cache
def _latin1_upper_fold() -> tuple[list[str], list[str]]:
    """Accented Latin-1 letters and their :func:`_key` form before upper-casing
    (``fold_keep_length``: one base letter each), for the columnar path."""
    src, dst = [], []
    for cp in list(range(0xC0, 0xD7)) + list(range(0xD8, 0xF7)) + list(range(0xF8, 0x100)):
        ch = chr(cp)
        f = fold_keep_length(ch)
        if f != ch.lower():
            src.append(ch)
            dst.append(f)
    return src, dst


def _label_may_end(text: str, s: int) -> bool:
    """Whether :data:`_LABEL_BEFORE` may match right before ``s``: a colon or an equals sign,
    or a naming verb and a space, then spaces (a cheap test before the regex: speed, issue 6)."""
    p = s - 1
    while p >= 0 and text[p] in " \u00a0":
        p -= 1
    if p < 0:
        return False
    c = text[p]
    if c == ":" or c == "=":
        return True
    return p < s - 1 and c.isalpha() and fold_keep_length(text[max(0, p - 7):p + 1]).endswith(
        ("is", "named", "appelle", "nomme", "nommee"))


#: the endings of the naming verbs :func:`_label_may_end` looks for
_VERB_ENDS = ("is", "named", "appelle", "nomme", "nommee")


@functools.lru_cache(maxsize=64)
def _token_splitter(chars: str | None) -> re.Pattern:
    """``re.split`` pattern of the tokens of :data:`_WORD` (captured), with the character class
    of :func:`.location.word_chars` for the letters."""
    c = char_class(chars)
    return re.compile(f"({c}+(?:['’\\-]{c}+)*)")


def _tokens(text: str) -> tuple[list[str], list[int], list[int], list[bool]]:
    """The tokens of ``text`` (the matches of :data:`_WORD`), their start and end offsets and
    whether each is joined to the next one (one or two spaces between them: :data:`_GAP_SEPS`;
    false for the last). A short text: one ``re.split`` and a running sum of the part lengths;
    from :data:`.location.NUMPY_RUNS_CHARS` characters on, NumPy: the letters of
    :func:`.location.text_letters`, an apostrophe or hyphen between two letters glued to them,
    the runs of that mask (the same tokens: :data:`_WORD` reads a run of letters and each
    apostrophe or hyphen followed by letters), a string made per token only (speed, issue 6)."""
    if len(text) < NUMPY_RUNS_CHARS:
        parts = _token_splitter(word_chars(text)).split(text)
        acc = list(itertools.accumulate(map(len, parts)))
        words = parts[1::2]
        joined = [sep in _GAP_SEPS for sep in parts[2::2]]
        if joined:
            joined[-1] = False
        return words, acc[0:-1:2], acc[1::2], joined
    return _token_arrays(text)[:4]


def _token_arrays(text: str):
    """:func:`_tokens` of a text of :data:`.location.NUMPY_RUNS_CHARS` characters or more
    (NumPy), followed by the same offsets and joins as NumPy arrays (``starts``, ``ends``:
    int64, ``joined``: bool) for :meth:`PersonDetector._candidates_numpy`."""
    import numpy as np

    # the runs of letters and their text, shared with LOCATION (the last text's, memoised);
    # a token is a run, or runs joined by one apostrophe or hyphen: a run that ends one
    # character before the next one starts, that character ' - or ’ (exactly the characters
    # glued between two letters before; session 13)
    code, _letter, rstarts, rends, runs = letter_run_arrays(text)
    nr = len(rstarts)
    if nr > 1:
        after = code[rends[:-1]]  # (the character right after each run but the last)
        join = (after == 39) | (after == 45)  # ' and -
        if code.dtype != np.uint8:
            join |= after == 0x2019  # ’
        merge = join & (rstarts[1:] - rends[:-1] == 1)  # run k glued to run k + 1
        first = np.concatenate(([True], ~merge))  # the runs that start a token
        firsts = np.flatnonzero(first)
        starts = rstarts[firsts]
        ends = rends[np.concatenate((~merge, [True]))]
        multi = np.flatnonzero(np.append(merge, False)[firsts])  # tokens of several runs
    else:
        firsts, starts, ends, multi = np.arange(nr), rstarts, rends, np.arange(0)
    if len(starts) > 1:
        e = ends[:-1]
        gap = starts[1:] - e
        # (the characters right after each token only, not a space mask of the whole text)
        c0, c1 = code[e], code[np.minimum(e + 1, len(code) - 1)]
        sp0 = (c0 == 32) | (c0 == 0xA0)
        sp1 = (c1 == 32) | (c1 == 0xA0)
        if code.dtype != np.uint8:
            sp0 |= c0 == 0x202F
            sp1 |= c1 == 0x202F
        joined_a = np.append(sp0 & ((gap == 1) | ((gap == 2) & sp1)), False)
    else:
        joined_a = np.zeros(len(starts), dtype=bool)
    # the text of a token of one run is that run's; a glued token ("Jean-Pierre", "d'Alzheimer")
    # is sliced from the text
    words = list(map(runs.__getitem__, firsts.tolist()))
    starts_l, ends_l = starts.tolist(), ends.tolist()
    for j in multi.tolist():
        words[j] = text[starts_l[j]:ends_l[j]]
    return words, starts_l, ends_l, joined_a.tolist(), starts, ends, joined_a


#: classes of a token for the fast paths of :meth:`PersonDetector._find_lists`
_SKIP, _GO, _IF_LABEL, _IF_LABEL_OR_FIRST, _IF_LABEL_OR_NEXT, _IF_DOT = range(6)
_ASCII_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: flags of a token code (:meth:`PersonDetector._token_code`), above the class
_FIRST, _CAPITAL, _VERB, _ALONE = 8, 16, 32, 64
#: texts shorter than this (table cells) are tested by :meth:`PersonDetector._may_hold` first
_SHORT_CHARS = 256
#: code -> whether its class is not :data:`_SKIP`
_CLASS_OF = tuple(bool(c & 7) for c in range(128))


def _sentence_word(text: str, s: int, e: int) -> bool:
    """True when ``text[s:e]`` stands as a word of a sentence: white space before it, and no
    letter, digit or URL/path joiner right after it. A name alone (no cue, no second name)
    inside "hl7v2Field", "export/Martin/2021.csv" or "Field.example.org" is part of an
    identifier, not a person."""
    if s > 0 and not text[s - 1].isspace():
        return False
    if e < len(text):
        after = text[e]
        if after.isalnum() or after in "/\\_@=&#":
            return False
        if after == "." and e + 1 < len(text) and text[e + 1].isalnum():
            return False
    return True


def _build_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """First names, surnames, stopwords (folded upper case) and the lower-case tokens that may
    start a name: titles, roles, first names of 3+ letters (a non-ASCII token is looked up
    folded). Kept by :func:`sentinelle.data.cached` (speed, issue 6)."""
    first = frozenset(data.lines("first_names.txt"))
    lower_start = frozenset({t for t in _TITLES if t.islower()} | _ROLE_FORMS
                            | {f.lower() for f in first if len(f) >= 3})
    return (first, frozenset(data.lines("surnames.txt")), frozenset(data.lines("person_stopwords.txt")),
            lower_start)


class PersonDetector(Detector):
    validation_rule = "title or name lists + context, exclusions"
    rule_source = "INSEE Fichier des prénoms and noms patronymiques"
    #: a letter (names, titles and initials are words; case is gone once folded)
    prefilter = r"[A-Za-z\u0080-\U0010ffff]"
    name = "person"
    entity = "PERSON"
    context_words = (
        "patient", "patiente", "madame", "monsieur", "mademoiselle", "docteur", "dr", "mme", "mr",
        "nom", "prenom", "nom de naissance", "nom d'usage", "epouse", "epoux", "ne le", "nee le",
        "medecin traitant", "prescripteur", "biologiste", "titulaire", "assure", "beneficiaire",
        "signe", "contact", "rappeler", "name", "surname", "first name", "mrs", "miss", "called",
        "prevenir", "fille", "fils", "mere", "pere", "conjoint", "conjointe", "mari", "frere",
        "soeur", "accompagne", "accompagnee", "enfant", "compagne", "compagnon", "tuteur",
        "tutrice", "daughter", "son", "wife", "husband", "mother", "father",
    )
    header_pattern = (
        r"^(?!(?:.*_)?(?:id|ids|num|numero|no|n|nb|code|codes|tel|telephone|phone|mail|email|"
        r"e_mail|adresse|address|date|ddn|dob|rpps|adeli|finess|siret|iban|type|lieu|age|sexe)(?:_|$))"
        r"(?!.*(?:commune|ville|city|analyse|examen|exam|labo|etablissement|mutuelle|postal|"
        r"produit|medicament|fichier|file|service|hopital|societe|entreprise|company|organisme|"
        r"caisse|banque|bank|pays|country|departement|region|test|germe|molecule|rue|voie|street|"
        r"site|structure|unite|usager_type|user_?name|username|login|host|domain|column|champ|"
        r"table|field|variable|parametre|antibiotique|bacterie|specialite|profession))"
        r".*(?:(?:^|_)(?:nom|noms|prenom|prenoms|name|names|surname|surnames|first_?name|"
        r"last_?name|given_?name|family_?name|full_?name|nom_?prenom|nom_?complet|patient|"
        r"patiente|patient_?name|nom_?patient|medecin|medecins|medecin_?traitant|prescripteur|"
        r"biologiste|nom_?naissance|nom_?usage|nom_?de_?famille|titulaire|contact|epoux|epouse|"
        r"conjoint|redacteur|preleveur|signataire|destinataire|demandeur|assure|beneficiaire|"
        r"maiden|maiden_?name|mothers?_?maiden(?:_?name)?|nom_?de_?jeune_?fille|jeune_?fille)"
        r"(?:_|$))"
    )
    header_required = True
    examples = Examples(
        positives=(
            ("Mme Brigitte Lemoine a été reçue", "Brigitte Lemoine"),                   # pb-008
            ("reçue par le Dr Olivier Caradec, médecin traitant.", "Olivier Caradec"),  # pb-008
            ("Merci de rappeler sarah lemaire demain.", "sarah lemaire"),               # pb-005
            ("IBAN FR76 TITULAIRE MARC GIRAUD", "MARC GIRAUD"),                          # pb-011
            ("», a déclaré Hélène Garnier à l'accueil.", "Hélène Garnier"),            # pb-038
            ("Patient : DUPONT Jean-Pierre, 54 ans", "DUPONT Jean-Pierre"),
            ("vu par M. N'Diaye ce matin", "N'Diaye"),
        ),
        negatives=(
            "Bonjour. Merci de rappeler demain.",                  # pb-005
            "Appartement 68, 200 avenue Jean Jaurès, 69007 Lyon",  # pb-025
            "Suivi pour une maladie de Parkinson.",                # pb-035
            "Résultat du Laboratoire le 12 mars",
            "hospitalisé à l'hôpital Georges Pompidou",
        ),
    )

    def __init__(self, ner: str = "never") -> None:
        """``ner``: ``never``, ``auto`` or ``always`` (see :mod:`.person_ner`); raises
        :class:`~sentinelle.errors.ConfigError` when spaCy is needed but not installed."""
        super().__init__()
        self._first, self._last, self._stop, self._lower_start = data.cached(
            "person-lists", _build_lists, version="1",
            files=("first_names.txt", "surnames.txt", "person_stopwords.txt"))
        self._communes = communes()
        self._places = world_places()
        #: token -> its code for the fast paths of the text path (:meth:`_token_code`)
        self._token_codes: dict[str, int] = {}
        self._norms: dict[str, str] = {}  # span -> normalize(span) (:meth:`_normalized`)
        self._blocked_memo: dict[str, bool] = {}  # folded window -> :meth:`_blocked`
        self._label_memo: dict[str, bool] = {}  # window -> :meth:`_label_before`
        # token -> _name_token(token), _is_first(token): pure functions of a token, asked
        # several times per name (speed, issue 6)
        self._name_shapes: dict[str, str] = {}
        self._firsts: dict[str, bool] = {}
        # span -> _is_place(span), token -> _is_town(token): pure functions of a string, each
        # a commune and a place made and looked up (session 12: asked for most names)
        self._place_memo: dict[str, bool] = {}
        self._town_memo: dict[str, bool] = {}
        self._ner = None
        if ner != "never":
            from sentinelle.detectors.person_ner import PersonNer
            self._ner = PersonNer(ner)

    def __getstate__(self) -> dict:
        """Pickled (``--jobs`` workers started clean) without the memos of the text path."""
        state = self.__dict__.copy()
        for name in ("_token_codes", "_norms", "_name_shapes", "_firsts", "_blocked_memo",
                     "_label_memo", "_place_memo", "_town_memo"):
            state[name] = {}
        return state

    @classmethod
    def from_config(cls, config) -> "PersonDetector":
        return cls(ner=config.ner)

    # -- helpers ---------------------------------------------------------------------------
    def _name_token(self, tok: str) -> str:
        """Shape of ``tok`` when it may be part of a name after a title, else ''."""
        got = self._name_shapes.get(tok)
        if got is None:
            if len(self._name_shapes) > 200_000:
                self._name_shapes.clear()
            shape = _shape(tok)
            got = shape if shape in ("cap", "upper") and _key(tok) not in self._stop else ""
            self._name_shapes[tok] = got
        return got

    def _blocked(self, text: str, start: int, folded: str | None = None) -> bool:
        """A type of way, an institution or an eponym cue ends right before ``start``
        (``folded``: the fold of ``text``, when the caller has it)."""
        lo = max(0, start - 40)
        if folded is None:
            folded, start, lo = fold_keep_length(text[lo:start]), start - lo, 0
        # the window from its last line break (one at its very end aside): _NOT_AFTER holds
        # no line break and its lookbehind takes one as no letter, so the part of the window
        # before it decides nothing; the line repeats more than the 40 characters ("Dr ",
        # "Prescripteur : ") and the memo hits (speed, issue 6)
        nl = folded.rfind("\n", lo, start - 1) if start - 1 > lo else -1  # (an end of -1
        # would search the whole text)
        window = folded[nl + 1 if nl >= 0 else lo:start]
        memo = self._blocked_memo  # (a pure function of the window; windows repeat: "NOM : ")
        got = memo.get(window)
        if got is None:
            if len(memo) > 50_000:
                memo.clear()
            # a cheap test first (speed, issue 6): a word of _NOT_AFTER is one of the last
            # four letter runs ("rond-point de la", "centre hospitalier de la")
            got = memo[window] = not _NOT_AFTER_RUNS.isdisjoint(_LETTER_RUN.findall(window)[-4:]) \
                and _NOT_AFTER.search(window) is not None
        return got

    def _label_before(self, window: str) -> bool:
        """A form label (:data:`_LABEL_BEFORE`) ends ``window``, the line before a name (40
        characters at most), memoised: a pure function of the window, and windows repeat
        ("Patient : ", "Conclusion : "; speed, issue 6)."""
        memo = self._label_memo
        got = memo.get(window)
        if got is None:
            if len(memo) > 50_000:
                memo.clear()
            got = memo[window] = _LABEL_BEFORE.search(fold_keep_length(window)) is not None
        return got

    # -- text path -------------------------------------------------------------------------
    def find(self, text: str) -> Iterator[Match]:
        if self._ner is None:
            if len(text) < _SHORT_CHARS and not self._may_hold(text):
                return iter(())
            return self._find_lists(text)
        return self._find_reviewed(text)

    def _may_hold(self, text: str) -> bool:
        """False when no token of the short ``text`` is a candidate of :meth:`_candidates`
        (then :meth:`_find_lists` finds nothing): every token of class :data:`_SKIP`, or one
        token alone whose class needs a form label before it and no colon nor equals sign in
        the text (no token before it, none after it). A cheap test for table cells ("IPP
        000001", "Hémoglobine", "g/dL") that go through the text path (speed, issue 6)."""
        words = _WORD.findall(text)
        codes_of = self._token_codes
        if len(codes_of) > 200_000:
            codes_of.clear()
        cls = 0
        for w in words:
            c = codes_of.get(w)
            if c is None:
                self._code_new((w,))
                c = codes_of[w]
            if c & 7:
                if cls or len(words) > 1:
                    return True
                cls = c & 7
        if not cls:
            return False  # (no token, or every token of class _SKIP)
        # one token alone: a class that needs a form label wants a colon or an equals sign
        return cls not in (_IF_LABEL, _IF_LABEL_OR_FIRST, _IF_LABEL_OR_NEXT) or ":" in text or "=" in text

    def _find_reviewed(self, text: str) -> Iterator[Match]:
        """The list candidates reviewed by the NER model (:mod:`.person_ner`)."""
        folded = fold_keep_length(text)
        ctx = self._context_re

        def cue_words(s: int, e: int) -> bool:
            return ctx is not None and ctx.search(folded, s, e) is not None

        yield from self._ner.review(text, list(self._find_lists(text)),
                                    lambda s, e: self._looks_like_name(text, s, e), cue_words)

    def _looks_like_name(self, text: str, start: int, end: int) -> bool:
        """A model span that may be a name: 1-4 word tokens, one of them a capitalised listed
        first name or surname that is not a stopword, not right after a type of way, an
        institution or an eponym cue."""
        words = _WORD.findall(text, start, end)
        if not 1 <= len(words) <= 4 or not text[start:start + 1].isalpha():
            return False
        for w in words:  # every token a name token, a particle or an initial
            if not (self._name_token(w) or w.lower() in _PARTICLES or len(w) == 1):
                return False
        if not any(self._is_first(w) or _key(w) in self._last for w in words if self._name_token(w)):
            return False  # the model alone is not enough: one token must be a listed name
        if _NOT_AFTER.search(fold_keep_length(words[0]) + " "):
            return False  # "Hôpital Avicenne", "CH Henri Mondor": the span opens on a cue
        return not self._blocked(text, start)

    def _token_class(self, tok: str) -> int:
        """The fast paths of :meth:`_find_lists` for a token, as far as the token alone decides:
        :data:`_SKIP` (no rule starts there), :data:`_GO` (the rules run), or the test of its
        surroundings that decides: a form label before it (:data:`_IF_LABEL`), or also a first
        name joined after it (:data:`_IF_LABEL_OR_FIRST`), or a first name or an initial
        joined after it (:data:`_IF_LABEL_OR_NEXT`), or a dot or hyphen right after it
        (:data:`_IF_DOT`)."""
        # most tokens of prose are lower-case common words that start no name: not a title, a
        # role, nor a first name of three letters or more
        if tok.islower() and (tok not in self._lower_start if tok.isascii()
                              else not (_key(tok).lower() in self._lower_start
                                        or tok in self._lower_start)):
            return _SKIP
        # titles, roles and hyphenated names: the rules run (rules a, d, hyphenated first names)
        if "-" in tok or tok in _TITLE_FORMS:
            return _GO
        shape = _shape(tok)
        if shape == "cap" or shape == "upper":
            if tok.lower() in _ROLE_FORMS:
                return _GO
            key = _key(tok)
            if key in self._stop:
                # "Patient", "Dossier", "DES": no rule takes a stopword of two letters or more
                # (rules f and h exclude it, rule d wants one letter or "X-"), but an upper-case
                # one after a form label beside a first name ("Nom : ROUGE Marie", session 12)
                return _IF_LABEL if shape == "upper" else _SKIP
            if key not in self._first and key not in self._last:
                # a capitalised word of no list ("Hémoglobine") starts a rule only after a form
                # label; an upper-case one ("RPPS") also before a first name (rule b')
                return _IF_LABEL if shape == "cap" or len(tok) < 3 else _IF_LABEL_OR_FIRST
            if key not in self._first and not (shape == "cap" and len(tok) >= 4):
                # a listed surname, no first name, that cannot stand alone (rule h wants a
                # capitalised word of four letters or more): only rules f, b' ("DUPONT Jean")
                # and e ("BARLET P.": an initial joined after it)
                return _IF_LABEL_OR_NEXT
            if self._only_labelled_or_next(tok):
                return _IF_LABEL_OR_NEXT
            return _GO
        if not shape and tok.lower() not in _ROLE_FORMS:
            # a word of no shape ("mUI", "dL") starts a rule only when it is one initial with
            # its dot or hyphen (rule d)
            return _SKIP if len(tok) > 1 else _IF_DOT
        return _GO

    def _token_code(self, tok: str) -> int:
        """:meth:`_token_class` and the flags of ``tok`` as the next or previous token:
        :data:`_FIRST` (a first name: :meth:`_is_first`), :data:`_CAPITAL` (starts with an
        ASCII capital, as an initial does), :data:`_VERB` (ends like a naming verb of
        :func:`_label_may_end`)."""
        code = self._token_class(tok)
        if self._is_first(tok):
            code |= _FIRST
        if tok[0] in _ASCII_UPPER:
            code |= _CAPITAL
        if len(tok) >= 256 or fold_keep_length(tok).endswith(_VERB_ENDS):
            code |= _VERB  # (a long token is not folded here: it would leave the fold memo)
        return code

    def _candidates(self, text, words, starts, ends, joined) -> list[int]:
        """Indexes of the tokens where :meth:`_at` runs, in order: the tokens of class
        :data:`_GO` and those of the other classes whose surroundings pass. Each distinct token
        is coded once (:meth:`_token_code`); the loop over the tokens reads one code per token
        and looks at the surroundings of the conditional classes only (speed, issue 6)."""
        codes_of = self._token_codes
        if len(codes_of) > 200_000:
            codes_of.clear()
        new = set(words).difference(codes_of)
        if new:
            self._code_new(new)
        codes = list(map(codes_of.__getitem__, words))
        n = len(words)
        picked: list[int] = []
        add = picked.append
        for i in itertools.compress(range(n), map(_CLASS_OF.__getitem__, codes)):
            cls = codes[i] & 7
            if cls == _GO:
                add(i)
            elif cls == _IF_DOT:
                if text[ends[i]:ends[i] + 1] in (".", "-"):  # one letter, then a dot or a hyphen
                    add(i)
            else:
                # a form label may end before token i: a colon or an equals sign then spaces
                # in its separator (exactly _label_may_end's first test), or a naming verb
                # right before (_label_may_end decides)
                sp = text[ends[i - 1] if i else 0:starts[i]]
                if (":" in sp or "=" in sp) and sp.rstrip(" \u00a0")[-1:] in (":", "="):
                    add(i)
                elif i and codes[i - 1] & _VERB and _label_may_end(text, starts[i]):
                    add(i)
                elif cls != _IF_LABEL and joined[i]:
                    # joined to the next token: a first name ("DUPONT Jean", rule b') or,
                    # after a surname, a capital (an initial, "BARLET P.", rule e)
                    nc = codes[i + 1]
                    if nc & _FIRST or (cls == _IF_LABEL_OR_NEXT and nc & _CAPITAL):
                        add(i)
        return picked

    def _candidates_numpy(self, text, words, starts, ends, arrays) -> list[int]:
        """:meth:`_candidates` of a long text with NumPy over the token arrays of
        :func:`_token_arrays` (``arrays``: starts, ends, joined): the same indexes, the tests of
        the conditional classes made for all tokens at once (the naming-verb test, rare, one
        by one). Speed, issue 6: no Python loop over the 100,000 conditional tokens of 3 MB."""
        import numpy as np

        starts_a, ends_a, joined_a = arrays
        codes_of = self._token_codes
        if len(codes_of) > 200_000:
            codes_of.clear()
        n = len(words)
        # one lookup per token, the tokens not coded yet (code 255: no code is) coded after
        # (no set of the tokens made first: most are coded already once the memo is warm)
        codes = np.fromiter(map(codes_of.get, words, itertools.repeat(255)), dtype=np.uint8,
                            count=n)
        missing = np.flatnonzero(codes == 255)
        if len(missing):
            missed = list(map(words.__getitem__, missing.tolist()))
            self._code_new(set(missed))
            codes[missing] = np.fromiter(map(codes_of.__getitem__, missed), dtype=np.uint8,
                                         count=len(missed))
        code, _letter = text_letters(text)
        size = len(code)
        cls = codes & 7
        pick = cls == _GO
        # _IF_DOT: one letter, then a dot or a hyphen
        after = code[np.minimum(ends_a, size - 1)]
        pick |= (cls == _IF_DOT) & (ends_a < size) & ((after == 46) | (after == 45))
        idx = np.flatnonzero((cls == _IF_LABEL) | (cls == _IF_LABEL_OR_FIRST) | (cls == _IF_LABEL_OR_NEXT))
        if len(idx):
            # a form label: the last character of the separator before the token that is no
            # space (" ", no-break space) is a colon or an equals sign
            lo = np.where(idx > 0, ends_a[np.maximum(idx - 1, 0)], 0)
            p = starts_a[idx] - 1
            while True:
                at = code[np.maximum(p, 0)]
                more = (p >= lo) & ((at == 32) | (at == 0xA0))
                if not more.any():
                    break
                p = p - more
            label = (p >= lo) & ((at == 58) | (at == 61))
            # joined to the next token: a first name (rule b') or, after a surname, a capital
            nxt = codes[np.minimum(idx + 1, n - 1)]
            c = cls[idx]
            nextok = joined_a[idx] & (c != _IF_LABEL) & (
                ((nxt & _FIRST) != 0) | ((c == _IF_LABEL_OR_NEXT) & ((nxt & _CAPITAL) != 0)))
            ok = label | nextok
            # a naming verb right before ("my name is X"): _label_may_end decides
            verb = ~ok & (idx > 0) & ((codes[np.maximum(idx - 1, 0)] & _VERB) != 0)
            for j in np.flatnonzero(verb).tolist():
                if _label_may_end(text, starts[idx[j]]):
                    ok[j] = True
            pick[idx[ok]] = True
        return np.flatnonzero(pick).tolist()

    def _code_new(self, new) -> None:
        """:meth:`_token_code` of each token of ``new`` into the memo; a word of two ASCII
        letters or more (most tokens of French and English text) by :meth:`_ascii_code`, the
        same code without the general tests (speed, issue 6)."""
        codes_of = self._token_codes
        ascii_code, token_code, alone = self._ascii_code, self._token_code, self._may_stand_alone
        for w in new:
            code = ascii_code(w) if len(w) >= 2 and w.isascii() and w.isalpha() else token_code(w)
            if code & 7 and alone(w):  # (a token of class _SKIP is never a candidate)
                code |= _ALONE
            codes_of[w] = code

    def _ascii_code(self, tok: str) -> int:
        """:meth:`_token_code` of a word of two ASCII letters or more: its key is ``str.upper``
        (``fold_keep_length`` is ``str.lower`` on ASCII), its shape ``upper``, ``cap``,
        ``lower`` or none by ``str.isupper``/``str.islower`` (:func:`_shape` without hyphen nor
        apostrophe), a first name when its key is listed and no stopword (:meth:`_is_first`
        without hyphen)."""
        low = tok.lower()
        code = _VERB if len(tok) >= 256 or low.endswith(_VERB_ENDS) else 0
        if tok.islower():
            # (a lower-case first name of 3+ letters is in the start set; a shorter one is a
            # first name by its key)
            if tok not in self._lower_start:
                if len(tok) == 2 and self._is_first(tok):
                    code |= _FIRST
                return code  # _SKIP
            if self._is_first(tok):
                code |= _FIRST
            return code | _GO  # (a title, a role or a first name, shape "lower")
        key = tok.upper()
        stop = key in self._stop
        listed_first = key in self._first
        if listed_first and not stop:
            code |= _FIRST
        if tok[0] in _ASCII_UPPER:
            code |= _CAPITAL
        if tok in _TITLE_FORMS:
            return code | _GO
        if tok.isupper():
            cap = False
        elif tok[0].isupper() and tok[1:].islower():
            cap = True
        else:  # no shape ("mUI", "dL", "McDonald")
            return code | (_GO if low in _ROLE_FORMS else _SKIP)
        if low in _ROLE_FORMS:
            return code | _GO
        if stop:  # (an upper-case stopword: rule f only, "Nom : ROUGE Marie"; session 12)
            return code | (0 if cap else _IF_LABEL)  # (_SKIP when capitalised)
        if not listed_first and key not in self._last:
            return code | (_IF_LABEL if cap or len(tok) < 3 else _IF_LABEL_OR_FIRST)
        if not listed_first and not (cap and len(tok) >= 4):
            return code | _IF_LABEL_OR_NEXT
        return code | (_IF_LABEL_OR_NEXT if self._only_labelled_or_next(tok) else _GO)

    def _only_labelled_or_next(self, tok: str) -> bool:
        """A capitalised or upper-case token (no title, role nor hyphen, no stopword) that
        starts a name only after a form label (rule f) or before a first name or an initial
        (rules b', e): a town of 10,000 inhabitants or more that is no usual first name
        ("Lyon", "NANTES": rules b and g refuse it, :meth:`_is_town`) or a place that is no
        first name ("Carnot": rules b and g want a first name); rule h refuses both (a
        place). :data:`_IF_LABEL_OR_NEXT` then, not :data:`_GO` (speed, issue 6)."""
        return self._is_town(tok) or (not self._is_first(tok) and self._is_place(tok))

    def _find_lists(self, text: str) -> Iterator[Match]:
        """Candidates from the name lists and titles (rules a-g of the module docstring)."""
        if len(text) < NUMPY_RUNS_CHARS:
            words, starts, ends, joined = _tokens(text)
            arrays = None
        else:
            words, starts, ends, joined, *arrays = _token_arrays(text)
        if not words:
            return
        n = len(words)
        toks = (starts, ends, words)  # (three lists: no tuple per token; speed, issue 6)
        # joined[i]: token i and i+1 are separated by one or two spaces only (no punctuation,
        # no line break; a list, not a function: speed, issue 6)

        # the tokens the fast paths skip are never visited (the loop below ran over every
        # token and skipped them one by one): the candidates in order, from where the last
        # name ended
        i = 0
        folded = None
        if arrays is None:
            candidates = self._candidates(text, words, starts, ends, joined)
        else:
            candidates = self._candidates_numpy(text, words, starts, ends, arrays)
        codes_of = self._token_codes
        for k in candidates:
            if k < i:
                continue
            i = k
            res = self._at(text, toks, i, joined, starts)
            if res is None and SURNAME_ALONE_SCORE and codes_of.get(words[i], _ALONE) & _ALONE:
                # (rule h, only at a token whose code allows it: a token the text path has not
                # coded, a test's reference, is asked)
                res = self._surname_alone(text, toks, i)
            if res is None:
                continue
            j_end, start, end, score, pattern, cue_start = res
            if pattern in ("first_last", "surname_first", "lower_first_last") \
                    and self._is_place(text[start:end]):
                pass  # "Vila Real", "São Paulo", "Santa Cruz": a place written like a name
            else:
                if folded is None:
                    # (per character: a slice of it is the fold of the slice; memoised for long
                    # texts, which the pipeline has folded already)
                    folded = fold_keep_length(text)
                if not self._blocked(text, cue_start, folded):
                    yield Match(start, end, score, Validation.NONE, pattern,
                                self._normalized(text[start:end]))
                    if pattern.endswith("_plural"):
                        for m in self._coordinated(text, toks, j_end, joined, starts, score):
                            yield m
                            end = m.end
                            j_end = bisect.bisect_left(starts, m.start)
            i = max(j_end + 1, i + 1)
            while i < n and starts[i] < end:
                i += 1

    def _coordinated(self, text, toks, last, joined, starts, score) -> Iterator[Match]:
        """Names coordinated after a plural title: "MM. Colle, Fachart et Gurnaud"."""
        starts, ends, words = toks
        n = len(words)
        while True:
            c = _COORD.match(text, ends[last])
            if c is None or c.end() == ends[last] or "\n" in text[ends[last]:c.end()]:
                return
            k = bisect.bisect_left(starts, c.end())
            if k >= n or starts[k] != c.end():
                return
            if words[k].lower() in _PARTICLES and joined[k]:
                k2 = k + 1  # "et de Coisrouvray"
            else:
                k2 = k
            if not self._name_token(words[k2]) or self._is_place(words[k2]):
                return
            nxt = self._names_from(text, toks, k2, joined)
            if nxt is None:
                return
            yield Match(starts[k], ends[nxt], round(score - 0.05, 2), Validation.NONE, "coordinated",
                        self.normalize(text[starts[k]:ends[nxt]]))
            last = nxt

    def _is_place(self, span: str) -> bool:
        """A French commune of 2,000 inhabitants or more or a place of the world list
        (country, region, city of 15,000 inhabitants or more) that is not a usual first name
        (memoised)."""
        memo = self._place_memo
        got = memo.get(span)
        if got is None:
            if len(memo) > 50_000:
                memo.clear()
            got = memo[span] = self._is_place_uncached(span)
        return got

    def _is_place_uncached(self, span: str) -> bool:
        key = commune_key(span)
        c = self._communes.get(key)
        if c is not None and c.population >= 2000 and "f" not in c.flags:
            return True
        p = self._places.get(key)
        return p is not None and "f" not in p.flags and "w" not in p.flags

    def _is_town(self, token: str) -> bool:
        """A commune of 10,000 inhabitants or more that is not a usual first name ("Paris",
        "Dinan"): such a token does not open a "Prénom NOM" pair (memoised)."""
        memo = self._town_memo
        got = memo.get(token)
        if got is None:
            if len(memo) > 50_000:
                memo.clear()
            c = self._communes.get(commune_key(token))
            got = memo[token] = c is not None and c.population >= 10_000 and "f" not in c.flags
        return got

    def _dateline_place(self, text, toks, j) -> bool:
        """Token ``j`` is a place followed by a newspaper dateline ("Paris , 22 avril")."""
        e = toks[1][j]
        return text[e:e + 3].lstrip(" \u00a0")[:1] == "," and self._is_place(toks[2][j]) \
            and _DATELINE.match(fold_keep_length(text[e:e + 40])) is not None

    def _is_first(self, token: str) -> bool:
        """A known first name, hyphenated ones ("Jean-José", "M-Antonin") part by part."""
        got = self._firsts.get(token)
        if got is None:
            if len(self._firsts) > 200_000:
                self._firsts.clear()
            got = self._firsts[token] = self._is_first_uncached(token)
        return got

    def _is_first_uncached(self, token: str) -> bool:
        key = _key(token)
        if key in self._stop or key.startswith(_SAINT_PREFIXES):
            return False  # "Saint-Vincent", "Sainte-Marie": a place or a church, not a person
        if key in self._first:
            return True
        parts = key.split("-")
        return len(parts) > 1 and all(p in self._first or len(p) == 1 for p in parts) \
            and any(len(p) > 1 for p in parts)

    def _caps_surname(self, words, joined, j, last) -> bool:
        """Token ``j`` is an upper-case stopword of two letters or more ("ROUGE", "BLANC") that
        is the surname of the administrative "NOM Prénom" order: joined before a capitalised
        known first name ("ROUGE Jean-Pierre", ``last`` None) or right after one that opens
        the name (``last`` = ``j - 1``: "Yves ROUGE"). Asked only after a title or a form
        label (rules a, f): there the capitals beside a first name are the surname even when
        the word is common in lower case (session 12, a ``sentinelle synth`` lab report:
        "Patient: ROUGE Yves"); without a cue ("COMPTE RENDU Marie", "NEGATIF Marie") the
        stopword list still wins."""
        t = words[j]
        if _shape(t) != "upper" or _key(t) not in self._stop:
            return False
        if last is None:
            nxt = words[j + 1] if joined[j] else ""
            return _shape(nxt) == "cap" and self._is_first(nxt)
        return last == j - 1 and _shape(words[last]) == "cap" and self._is_first(words[last])

    def _names_from(self, text, toks, j, joined, limit=3, cue=False):
        """Index of the last of up to ``limit`` name tokens from ``j`` (particles inside), or
        None; ``cue``: after a title or a form label (:meth:`_caps_surname` then applies)."""
        starts, ends, words = toks
        n = len(words)
        last = None
        count = 0
        shapes = self._name_shapes  # (the memo of _name_token, read first: speed, issue 6)
        while j < n and count < limit:
            t = words[j]
            shape = shapes.get(t)
            if shape is None:
                shape = self._name_token(t)
            if not shape and cue and count < 2 and self._caps_surname(words, joined, j, last):
                shape = "upper"  # "Mme ROUGE Marie", "Nom : Yves ROUGE"
            if shape:
                if count and "," in text[ends[j]:ends[j] + 3] and self._dateline_place(text, toks, j):
                    break  # "M. POINCARÉ Paris , 22 avril": the dateline of the next article
                last = j
                count += 1
            elif not (t.lower() in _PARTICLES and joined[j] and (
                    self._name_token(words[j + 1])
                    or (words[j + 1].lower() in _PARTICLES and joined[j + 1]
                        and self._name_token(words[j + 2])))):
                break  # one or two particles between names: "de La Fontaine", "van der Berg"
            if not joined[j]:
                break
            j += 1
        return last

    def _at(self, text, toks, i, joined, starts):
        """The person starting at token ``i``: (last token, start, end, score, pattern, cue start)."""
        starts, ends, words = toks
        s, e, tok = starts[i], ends[i], words[i]
        n = len(words)
        # (a) title [initials] + 1-3 name tokens: "Dr Olivier Caradec", "Dr A. DELCOURT"
        if tok in _TITLE_FORMS:  # (every title, its OCR readings, the role titles)
            ttl = _OCR_TITLES.get(tok, tok)  # "NI . Limon": "M." read by the OCR
            if ttl in _DOT_REQUIRED:
                spaced = text[e:e + 2] in (" .", " :") and (ttl == "MM" or text[e:e + 2] == " .")
                if spaced:
                    e += 1  # "M . Viollette", "MM : Azard": the dot or colon set apart (OCR, old print)
                ocr_dot = ttl == "M" and text[e:e + 1] in _OCR_DOTS and text[e + 1:e + 2] == " "
                titled = ocr_dot or text[e:e + 1] in (".", ":") and (spaced or text[e] == ".")
            else:
                # (Dr, Mme...: every other form of _TITLE_FORMS is a title of _TITLES or
                # _ROLE_TITLES, the OCR readings being read as M or MM)
                ocr_dot = False
                titled = True
            if titled:
                dot = ocr_dot or text[e:e + 1] in (".", ":")
                g = _GAP0.match(text, e + 1 if dot else e)
                pos = g.end()
                if pos == (e + 1 if dot else e) and not dot:
                    return None  # "Dr" glued to the next word without a dot
                span_start = pos
                im = _INITIALS.match(text, pos)
                if im:
                    g2 = _GAP0.match(text, im.end())
                    if g2.end() > im.end() or im.group(0).endswith("."):
                        pos = g2.end()
                # (bisect_left(starts, pos): pos is past token i, mostly the next token's start)
                k = i + 1 if i + 1 >= n or starts[i + 1] >= pos else bisect.bisect_left(starts, pos, i + 2)
                if k < n and starts[k] == pos:
                    last = self._names_from(text, toks, k, joined, cue=True)
                    if last is not None:
                        end = ends[last]
                        if _shape(words[last]) == "upper":
                            ti = _TRAILING_INITIALS.match(text, end)
                            if ti:
                                end = ti.end()
                        plural = ttl in _PLURAL_TITLES
                        return last, span_start, end, 0.85, "title_plural" if plural else "title", s
                if im and _INITIAL_ALONE.fullmatch(im.group(0)) and (k >= n or starts[k] != pos or not self._name_token(words[k])):
                    # "Mme L.", "M. V." (the press names a person by an initial): the initial alone
                    return k - 1, span_start, im.end(), 0.7, "title_initial", s
                return None
        low = tok.lower()
        if low in _ROLE_FORMS and (i == 0 or words[i - 1].lower() not in ("de", "du", "des", "d")) \
                and not (joined[i] and _shape(tok) == "upper" and _shape(words[i + 1]) == "cap"
                         and self._is_first(words[i + 1])):
            # ("CARDINAL Yves", "Patient: CARDINAL Yves": capitals before a capitalised first
            # name are the surname of "NOM Prénom", rules f and b'; session 12)
            # a role noun + a name: "le général Chomer", "l'abbé Urseau", "la veuve Buin"
            g = _GAP.match(text, e)
            if g:
                k = bisect.bisect_left(starts, g.end())
                if k < n and starts[k] == g.end() and _shape(words[k]) in ("cap", "upper") \
                        and not self._is_place(words[k]):
                    last = self._names_from(text, toks, k, joined)
                    if last is not None:
                        pattern = "role_plural" if fold(low) in _PLURAL_ROLES else "role"
                        return last, starts[k], ends[last], 0.7, pattern, s
        if tok.islower() and (len(tok) < 3 or _key(tok) not in self._first):
            return None  # fast path: most tokens of prose are lower-case common words
        shape = _shape(tok)
        key = _key(tok)
        # (f) a form label right before: "NOM : DUPONT", "Prénom : Jean" (one token is enough)
        if shape in ("cap", "upper") and (key not in self._stop or shape == "upper"
                                          and self._caps_surname(words, joined, i, None)) \
                and _label_may_end(text, s):
            line_start = text.rfind("\n", max(0, s - 40), s) + 1
            if self._label_before(text[max(line_start, s - 40):s]):
                last = self._names_from(text, toks, i, joined, cue=True)
                if last is not None:
                    return last, s, ends[last], 0.8, "label", s
        if not shape or key in self._stop:
            # (d) initials + upper-case known surname: "O. LEBERT", "C-L. BERTHE"
            return self._initials_surname(text, toks, i, starts)
        # (e) Surname + initials: "BARLET P.", "Rossignol M."
        if shape in ("cap", "upper") and key in self._last and not self._is_first(tok):
            g = _GAP.match(text, e)
            if g:
                im = _INITIALS_DOT.match(text, g.end())
                if im and (im.end() == len(text) or not text[im.end()].isalnum()) \
                        and not (im.group(0) == "M." and _TITLE_NEXT.match(text, im.end())):
                    # ("Mauroy M. de Mauroy": "M." opens the next name)
                    return i, s, im.end(), 0.6, "surname_initials", s
        if not joined[i]:
            return self._first_name_alone(text, toks, i, shape, key)
        t2 = words[i + 1]  # (joined: token i + 1 exists)
        shape2 = _shape(t2)
        if shape in ("cap", "upper") and not self._is_first(tok) \
                and (key in self._last or (shape == "upper" and len(tok) >= 3)) \
                and shape2 in ("cap", "upper") and self._is_first(t2) \
                and not (joined[i + 1] and self._name_token(words[i + 2])):
            # (b') NOM Prénom / Nom Prénom / NOM PRENOM: "DUPONT Jean", "Dupont Jeanne"; an
            # upper-case surname outside the INSEE list still counts, lower
            score = (0.75 if shape == "upper" else 0.65) if key in self._last else 0.6
            return i + 1, s, ends[i + 1], score, "surname_first", s
        if not self._is_first(tok) or self._is_town(tok):
            return None  # ("Dinan ETAT-CIVIL", "à Paris Edouard Naulet": a town, not a first name)
        if shape in ("cap", "upper"):
            # (b) Prénom [Prénom2] [particles] NOM
            j = i + 1
            if (self._name_token(words[j]) and self._is_first(words[j]) and joined[j]
                    and self._name_token(words[j + 1])):
                j += 1  # second first name: "Marie Claire Dupont"
            while words[j].lower() in _PARTICLES and joined[j]:
                j += 1
            t2 = words[j]
            if len(t2) == 1 and t2.isupper() and j + 1 < n \
                    and text[ends[j]:starts[j + 1]] in (" ", ". ", ".") \
                    and self._name_token(words[j + 1]):
                j += 1  # a middle initial: "Ravil G Yefimov", "John F. Kennedy"
                t2 = words[j]
            shape2 = self._name_token(t2)
            if not shape2:
                return None
            known = _key(t2) in self._last
            if shape == "upper" and shape2 == "upper" and not known:
                return None  # upper-case text: only known surnames
            last = j
            if joined[j] and _shape(words[j + 1]) == "upper" and shape2 == "upper" \
                    and _key(words[j + 1]) in self._last and _key(words[j + 1]) not in self._stop:
                last = j + 1  # compound surname "Marie DUPONT MARTIN"
            return last, s, ends[last], 0.75 if known else 0.65, "first_last", s
        # (c) lower case: known first name + known surname, neither a common word
        k2 = _key(t2)
        if (shape2 == "lower" and len(tok) >= 3 and len(t2) >= 3 and k2 in self._last
                and k2 not in self._stop and tok not in _PARTICLES and t2 not in _PARTICLES):
            # ("van der", "de la" are particles, not a lower-case "prénom nom")
            return i + 1, s, ends[i + 1], 0.45, "lower_first_last", s
        return None

    def _first_name_alone(self, text, toks, i, shape, key):
        """(g) A capitalised known first name alone, not opening a sentence: "Prévenir Marie
        (conjoint)". Scored 0.5, at the default threshold (context words raise it)."""
        starts, ends, words = toks
        s, e, tok = starts[i], ends[i], words[i]
        if shape != "cap" or not self._is_first(tok) or key in self._last and len(tok) < 4:
            return None
        if self._is_town(tok):
            return None  # "au nord de Paris": a town that is also a rare first name
        if not _sentence_word(text, s, e):
            return None
        before = text[max(0, s - 3):s].rstrip(" \u00a0")
        if not before or before[-1] in ".!?\n:;«\"(-":
            return None  # sentence start or a label/list: a capital tells nothing there
        if i > 0 and words[i - 1].lower() in _SAINTS:
            return None  # "Hôpital St Anne", "Saint Louis": a saint's name names a place
        if i > 0 and words[i - 1].lower() in _NOT_BEFORE_ALONE:
            return None  # "à Nancy", "en Redon", "la Marie": a place or a thing
        return i, s, e, 0.5, "first_name_alone", s

    def _may_stand_alone(self, tok: str) -> bool:
        """The tests of :meth:`_surname_alone` on the token alone: a capitalised listed
        surname of four letters or more, not a stopword, a first name nor a place (the flag
        :data:`_ALONE` of its code)."""
        if len(tok) < 4:
            return False
        key = _key(tok)  # (the list first: most capitalised words are no surname)
        return key in self._last and _shape(tok) == "cap" and key not in self._stop \
            and not self._is_first(tok) and not self._is_place(tok)

    def _surname_alone(self, text, toks, i):
        """(h) A capitalised listed surname alone inside a sentence ("Kaufmann était mort"):
        not a first name, a stopword, a place, nor after a sentence end."""
        starts, ends, words = toks
        s, e, tok = starts[i], ends[i], words[i]
        if not self._may_stand_alone(tok):
            return None
        if not _sentence_word(text, s, e):
            return None
        before = text[max(0, s - 3):s].rstrip(" \u00a0")
        if not before or before[-1] in ".!?\n:;«\"(-»\u2013\u2014":
            return None
        if i > 0 and (words[i - 1][:1].isupper() or words[i - 1].lower() in _PARTICLES
                      or words[i - 1].lower() in _NOT_BEFORE_ALONE):
            return None  # inside a capitalised group, after a particle, an article or a place
            # preposition ("à Plélan", "au Palais", "l'Ecole"): other rules decide
        return i, s, e, SURNAME_ALONE_SCORE, "surname_alone", s

    def _initials_surname(self, text, toks, i, starts):
        starts, ends, words = toks
        s, tok = starts[i], words[i]
        if len(tok) > 1 and tok[1] != "-":
            return None  # an initial is one letter, then a dot or a hyphen: "O.", "C-L."
        if i > 0 and ends[i - 1] == s:
            return None
        im = _INITIALS_DOT.match(text, s)
        if not im or (s > 0 and not (text[s - 1].isspace() or text[s - 1] in "(:,;|")):
            return None
        g = _GAP.match(text, im.end())
        if not g:
            return None
        k = bisect.bisect_left(starts, g.end())
        if k >= len(words) or starts[k] != g.end():
            return None
        t = words[k]
        if _shape(t) == "upper" and len(t) >= 3 and _key(t) in self._last and _key(t) not in self._stop:
            return k, s, ends[k], 0.65, "initials_surname", s
        return None

    # -- table path ------------------------------------------------------------------------
    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return super().match_cell(value, header_hit)
        stripped = value.strip()
        if not stripped:
            return None
        lead = len(value) - len(value.lstrip())
        t = _CELL_TITLE.match(stripped)
        off = t.end() if t and t.end() < len(stripped) else 0
        body = stripped[off:]
        start = lead + off
        if not _CELL.fullmatch(body):
            return None
        words = _WORD.findall(body)
        if not 1 <= len(words) <= 5 or all(_key(w) in self._stop for w in words):
            return None
        end = start + len(body)
        return Match(start, end, 0.6, Validation.NONE, "cell", self.normalize(body))

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6): Polars expressions for the cells of
        Latin-1 letters, spaces and name punctuation (:data:`.location.SIMPLE_CELL`: nearly every
        name cell), :meth:`match_cell` for the others and when ``header_hit`` is false (the
        text path decides there)."""
        if not header_hit:
            return super().match_column(values, header_hit)
        import polars as pl

        from sentinelle.detectors.columnar import collect
        from sentinelle.detectors.location import (LATIN1_LETTERS as L, SIMPLE_CELL,
                                                   column_with_fallback, fold_expr)

        title = _CELL_TITLE.pattern.replace(r"\s+", " +")
        v = pl.col("v")
        stripped = v.str.strip_chars(" ")
        off = stripped.str.extract(f"({title})", 1).str.len_chars().fill_null(0)
        body = stripped.str.slice(off)
        lead = v.str.len_chars() - v.str.strip_chars_start(" ").str.len_chars()
        word = rf"[{L}]+(?:['’\-][{L}]+)*"
        # one lazy query (issue 6: Polars' cost is per query and per node on a few thousand cells)
        df = pl.DataFrame({"v": values}).lazy().with_row_index("i").with_columns(
            body=body, start=(lead + off).cast(pl.Int32),
            cell=body.str.contains(rf"^[{L}]+(?:[ .'’\-]+[{L}]+)*\.?$"),
            nwords=body.str.count_matches(word))
        # every word a stopword: the folded upper-case key of each word against the list (the
        # body folded at once: on a simple cell folding maps each letter to letters and keeps
        # the words apart, so its words are the words' keys)
        src, dst = _latin1_upper_fold()
        keys = (pl.col("body").str.replace_all("’", "'").str.replace_many(src, dst)
                .str.to_uppercase().str.extract_all(word))
        df = df.with_columns(
            all_stop=keys.list.eval(pl.element().is_in(list(self._stop))).list.all())
        norm = fold_expr(pl.col("body").str.replace_all(" +", " ").str.replace(f"^{title}", ""))
        hit = (pl.col("body").str.len_chars() > 0) & pl.col("cell") & pl.col("nwords").is_between(1, 5) \
            & ~pl.col("all_stop").fill_null(False)
        vec = df.select(
            start=pl.when(hit).then(pl.col("start")),
            end=pl.when(hit).then(pl.col("start") + pl.col("body").str.len_chars().cast(pl.Int32)),
            score=pl.when(hit).then(pl.lit(0.6)),
            validation=pl.when(hit).then(pl.lit(Validation.NONE.value)),
            pattern=pl.when(hit).then(pl.lit("cell")),
            normalized=pl.when(hit).then(norm.str.strip_chars(" ").str.replace_all(" +", " ")),
            entity=pl.lit(None, dtype=pl.Utf8),
            _simple=pl.col("v").str.contains(SIMPLE_CELL).fill_null(False))
        vec = collect(vec)
        return column_with_fallback(self, values, header_hit, vec["_simple"], vec.drop("_simple"))

    def _normalized(self, value: str) -> str:
        """:meth:`normalize`, memoised (a text names the same people again and again)."""
        got = self._norms.get(value)
        if got is None:
            if len(self._norms) > 50_000:
                self._norms.clear()
            got = self._norms[value] = self.normalize(value)
        return got

    def normalize(self, value: str) -> str:
        v = " ".join(value.split())
        v = _CELL_TITLE.sub("", v)
        return " ".join((v.lower() if v.isascii() else fold(v)).split())  # (NFKD keeps ASCII)
