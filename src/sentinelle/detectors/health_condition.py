"""HEALTH_CONDITION detector: diseases, disorders, infections and symptoms in text or a column.

Rule source: the hand-curated lexicon ``data/health_conditions.txt`` (terms from the WHO ICD-10 /
ATIH CIM-10 FR chapter and block titles, the French list of "affections de longue durée" (ALD 30)
and common French clinical vocabulary, with English equivalents) and about 3,000 names derived
from the ATIH CIM-10 FR titles (``data/health_conditions_cim10.txt``, chapters I-XIX but
pregnancy and poisonings: "cholécystite aiguë", "hépatomégalie", "nausées"; see data/SOURCES.md
and scripts/update_data/health_conditions_cim10.py). GDPR art. 9 data: a health condition of a
named person is a special category; so is a symptom ("fièvre", "douleurs articulaires").

Matching: the matches of one prefix-tree regex of the lexicon, longest term first
(:func:`~sentinelle.detectors.lexicon.trie_regex`), found without compiling it: Python's ``re``
took 0.6 s of CPU per process to compile it for 3,800 terms, so a
:class:`~sentinelle.detectors.lexicon.TermTrie` walks the same tree from the places where a
term's first letters stand (issue 6; the prepared data is kept by
:func:`sentinelle.data.cached`). It runs over length-preserving folded text (lower case, no
accents, offsets unchanged), on whole words, every word of 3 letters or more optionally plural
(``s``/``x``: "infections opportunistes", "tumeurs bénignes"); so "maladie de Parkinson" and
"syndrome de Guillain-Barré" are one span each (../shared/cases pb-035) and "diabète de type 2"
beats "diabète". Abbreviations marked ``=`` in the lexicon (VIH, HTA, AVC) count only when
written in upper case; short ambiguous ones and general words marked ``?`` (IST, MST,
"maladie", "symptômes", "effets indésirables", "douleur") score 0.6, others 0.8. "maladie"
after "assurance" names an insurer and is not reported. Negated mentions ("pas de diabète")
are still reported: the mention itself is health data.

A disorder is also named by an organ or a function without a listed term: a head noun of
French clinical writing ("troubles", "problèmes", "atteinte", "lésions", "insuffisance",
"réactions", "toxicité"...), an optional degree ("graves"), then an organ adjective
("hépatique", "cutanées", "rénale") or "du/de la/des" and an organ, a body system or a function
("du foie", "des reins", "du système urinaire", "du fonctionnement du foie", "de
comportement"): "troubles graves des reins" scores 0.7 (``organ_phrase``); a listed term over
the same words wins ("insuffisance rénale chronique").

Derived forms of the listed terms: the adjectives and patient nouns of one-word conditions
("diabète" -> "diabétique", "cancer" -> "cancéreux", French derivation suffixes, scored 0.6),
the "-aux" plural of "-al" words ("accidents vasculaires cérébraux") and the ligature "œ"
("œdème": the text is folded letter by letter). Unlisted words built like a disease name
(``morphology``, 0.6): a Greek or Latin disease suffix on an organ root ("uvéite", "lipome",
"lymphopénie", "myélopathie", "hypercalcémie", "glomérulopathies") and their adjectives
("neuropathique", "athéromateux"); see :data:`_ITE_ROOTS` for the rule and its exclusions
(sugars, "-ité" nouns, "glycémie"). An abbreviation defined after a few more words of the long
form counts too ("leucoencéphalopathie multifocale progressive (LEMP)").

Session 9 (issue 3, classes of QUAERO train misses, no term taken from its annotations): the
head noun of a CIM-10 name of several words is listed alone when a disease suffix makes it a
disease's name (:data:`_HEAD_SUFFIX`: "tuberculome méningé" -> "tuberculome"); a name listed in
the plural only is matched in the singular ("blocs auriculoventriculaires"); an "o-" compound is
matched without its hyphen too ("auriculo-ventriculaire"); "signes", "symptômes" and
"manifestations" are head nouns of the organ phrases ("signes neurologiques").

Session 11 (issue 3, same method): "-urie" after the heads of the CIM-10 FR urine findings
("albuminurie", "acidurie"; not the lab measures "calciurie"), "-dose" diseases ("hydatidose",
"amyloïdose"; only "surdose" is left out), the adjectives "-sion" -> "-sif"/"-sive"
("hypertensive") and "-ose" -> "-osant(e)" ("nécrosante"), an abnormal finding ("rêves
anormaux", "urines anormalement foncées", :data:`_ABNORMAL`, 0.45: reported only with a
health context word nearby, "un bruit anormal dans le moteur" is not), what a person finds
hard to do ("difficultés à se concentrer"), and "anxiété". The generic chapter XVIII heads
written alone ("confusion", "faiblesse", "signes", "séquelles", "rupture") are not listed:
"rupture de stock", "signe de confiance" were reported (session 11 review).

Session 12 (issue 3, same method): organ phrases headed by a change of shape or wall
("dilatation des bronches", "rupture des ligaments croisés", "calcifications aortiques") and
more organs (joints, tendons, airways, "pensée", "métabolisme"); Latin "-oma" ("melanoma"),
"-dermie" nouns, "-philie" and "-lyse" after medical heads ("thrombophilie", "ostéolyse"; not
"hémolyse", a flawed lab sample); an apostrophe followed by a space ("maladie d' Alzheimer");
an eponym after a one-word disease name ("ostéochondrose de Scheuermann"; not a civil title
nor a first and last name) and a coordinated second one ("de Crohn et de Whipple"); a Greek
prefix before a listed condition ("pseudo-kyste", "microkystes", :data:`_PREFIXED`); the
generic symptom words left out of the lexicon (:data:`_WEAK_SIGN`: "confusion", "faiblesse",
"éruption", "signes") when another condition stands near them in the same sentence (0.6).
False positives removed: "-sympathique" (anatomy), "hyper-/hypo-/iso-/psycho-tonique" and
"photonique" (no "-tonie" disorder).
Session 12 review (false positives on hand-written news, HR and linguistics prose): a first
name of data/first_names.txt after a disease word is the patient's, no eponym ("la bronchite de
Lucas"; :func:`_is_first_name`); "la pensée" only after a disorder's head and "la langue" not
after a change of shape (:data:`_FIGURATIVE`: "rupture de la pensée", "déformation de la
langue"); a weak sign about the markets, the stars, an identity card or a volcano
(:data:`_WEAK_SIGN_NOT_AFTER`: "chute des cours", "signes astrologiques").

Session 12 (issue 3, review of the FakeNameGenerator.com people table of presidio-research,
../shared/corpus/people_tables: its ``Occupation`` column): a condition that qualifies a job
names the job, not the condition of a person: "HIV/AIDS nurse", "Diabetes management nurse",
"Tumor registrar", "éducatrice en diabète", "infirmière de prévention du VIH", "infirmière VIH"
(:data:`_JOB_AFTER`, :data:`_JOB_BEFORE`). Such a match scores :data:`JOB_SCORE` (0.3, below
the default ``min_score``): a health context word nearby lifts it back (in a patient's record
"vu par l'infirmière VIH, sérologie..." still tells the patient's status). A condition of the
worker ("HIV positive nurse", "nurse with diabetes") keeps its score: only job qualifiers
("management", "control", "care", "prevention"...) may stand between the condition and the
job. A word named like a disorder inside a domain name or a camel-case identifier
("OMesothelioma.fr", its ``Domain`` column) is no ``morphology`` match.

Session 13 (issue 3, kinds of QUAERO train misses, no term taken from its annotations): the
adjectives that name one disease and nothing else ("rhumatoïde", "rhumatismal", "hydatique",
"goutteux"; listed, ambiguous score), the Latin "ulcus", "varicosités", "psychopathologiques"
among the organ adjectives, and the lay words for a pain of a body part (:func:`_lay_pain`, 0.7:
"mal au dos", "maux de ventre", "mal au cœur"; not "pas mal de", "du mal à", "tant de mal à",
nor "ça me fait mal au cœur", to sadden). Tried and left out: growing a match over its classifying
adjectives ("anémie hémolytique", "cancers oesophagiens multifocaux"): the span convention of
the earlier sessions keeps the listed head alone ("amyloïdose rénale" -> "amyloïdose",
"sérologie VIH positive" -> "VIH"), and the gain was 0.004 F1 on the train split.
Session 13 review (false positives and misses of these rules on hand-written prose): the lay
pains have their own list of concrete body parts (``data/lay_body_parts.txt``; the organ and
function nouns of the organ phrases gave "les maux du marché", "les maux de la langue
française"), "au cœur de", "au sein de" are figures of speech, "du mal à", "tant de mal à" is to
struggle, "trop mal", "bien mal" are pains ("j'ai trop mal au dos"), a line break may split the
words; "palustre" alone is mostly "of marshes" ("végétation palustre"): only its medical phrases
are listed ("accès palustre"); "anti-" before "-al", "-stre", "-oïde" adjectives ends a drug
class ("anti-rhumatismal"); the serologies of malaria and the rheumatoid factor are lab
analyses (LAB_RESULT: "Facteur rhumatoïde : négatif", "Sérologie palustre négative").

ICD-10 / CIM-10 codes ("B20", "C50.9", "C509", "U07.1", "B24+0") are reported only when a cue
confirms them: a word shortly before ("CIM-10", "ICD-10", "diagnostic", "diag", "DP", "DAS",
"code"), an accepted code just before (a list: "DAS : E11.9, I10 et Z21"), or in a table a
header such as ``cim10``, ``diag``, ``code_diag``, ``dp``. The code list is the ATIH CIM-10 FR
(``data/cim10_codes.txt``), which bounds the letters and chapters (no "U" code but the listed
emergency ones such as U07.1): a listed code scores 0.8 (``Validation.VALID``); a well-formed
unlisted code after a strong cue (not the bare word "code") scores 0.5 (``Validation.INVALID``:
another edition such as ICD-10-CM "O09.1", or a typo).

Error preference: a leak scanner prefers a false positive with a low score to a miss, so the
lexicon keeps broad terms ("cancer", "tumeur", "hépatite") next to the precise ones. Pregnancy
and drug names are left to their own labels.

Tables: a header such as ``diagnostic``, ``pathologie``, ``antecedents``, ``motif``, ``ald`` (or
a column whose values are condition terms) is classified; a cell that is exactly one condition
is one finding, a cell with several goes through the text path. A header that names a
condition of the lexicon, alone or with a generic word ("statut_vih", "serologie_vih",
"hiv_status", "hivStatus", "VIH", "hepatite_c", "diabete", "grossesse"; not "statut" alone,
nor a date, id or count word: "vih_date") is classified too (:meth:`status_header`), and in any
classified column a cell that is a test result or a yes/no ("positif", "négatif", "POS", "NEG",
"oui", "non", "+", "-", "1", "0") is one finding, scored 0.6 (0.8 with the header boost): the
subject's status for that condition, a negative result included. :meth:`match_column` picks
with Polars the cells that can hold a term (their first characters start a listed term) and
sends only those to ``match_cell`` (figures: ``python bench/health_speed.py``); a column of
fewer than :data:`~sentinelle.detectors.lexicon.SMALL_COLUMN` values keeps the plain loop.
"""

from __future__ import annotations

import bisect
import copy
import functools
import re
from typing import Iterator

from sentinelle import data
from sentinelle.detectors.base import Detector, Examples, Match, fold
from sentinelle.detectors.base import fold_keep_length
from sentinelle.detectors.lexicon import (PY_WHITESPACE, SMALL_COLUMN, column_first_run,
                                          TermTrie, keep_longest, match_column_where,
                                          latin1_class, plural_marked,
                                          prefix_prefilter, run_may_start, singular, som_database,
                                          som_starts, words_back, finditer_at)
from sentinelle.finding import Validation

#: score of an ordinary lexicon term, and of a short ambiguous one (prefix "?")
TERM_SCORE = 0.8
AMBIGUOUS_SCORE = 0.6

# the three functions below are pure and cached: a medical text names the same few terms often

@functools.lru_cache(maxsize=4096)
def _key(folded_term: str) -> str:
    """Lookup key of a term or a match: its words, each in the singular."""
    return " ".join(singular(w) for w in re.findall(r"[0-9a-z]+", folded_term))


@functools.lru_cache(maxsize=4096)
def _squeeze(folded_term: str) -> str:
    """Second lookup key: the letters alone (a hyphen or apostrophe left out: "covid19")."""
    return "".join(re.findall(r"[0-9a-z]+", folded_term))


@functools.lru_cache(maxsize=4096)
def _normalized(value: str) -> str:
    """:meth:`HealthConditionDetector.normalize`: folded, hyphens and apostrophes as spaces."""
    return " ".join(re.sub(r"[\-'’]", " ", fold(value)).split())


#: a disorder named by an organ or a function (folded text): "troubles du foie", "atteinte
#: hépatique", "troubles graves des reins", "problèmes de comportement", "réactions cutanées".
#: Head nouns of French clinical writing for "something wrong with", then an organ adjective or
#: "de/du/des" and an organ, a body system or a function (anatomy vocabulary, not a list of
#: diseases); a listed term inside or over it wins at equal length
_PHRASE_HEAD = (r"(?:troubles?|problemes?|atteintes?|affections?|lesions?|anomalies?|insuffisances?"
                r"|inflammations?|infections?|toxicites?|reactions?|douleurs?|dysfonctionnements?"
                r"|dysfonctions?|maladies?|pertes?|difficultes?|changements?|variations?"
                r"|modifications?|alterations?|sensations?|secheresses?|raideurs?|faiblesses?"
                r"|genes?|saignements?|hemorragies?|oedemes?|\u0153demes?|gonflements?|baisses?"
                r"|diminutions?|augmentations?|insuffisante?s?"
                # a change of a measure of the body, as leaflets word side effects in lay French
                # ("réduction du taux de plaquettes", "gain de poids", "jaunissement de la peau",
                # "lenteur des mouvements"; session 10, issue 3)
                r"|reductions?|elevations?|gains?|jaunissements?|lenteurs?"
                # the signs of a disorder ("signes neurologiques", "manifestations oculaires":
                # session 9, issue 3)
                r"|signes?|symptomes?|manifestations?"
                # a change of the shape or the wall of an organ, as radiology and surgery
                # reports word it ("dilatation des bronches", "rupture du tendon d'Achille",
                # "calcifications coronaires", "perturbations du métabolisme"; session 12, issue 3)
                r"|perturbations?|deformations?|dilatations?|calcifications?|ruptures?"
                r"|dechirures?|malformations?|envahissements?|epaississements?"
                r"|retrecissements?|tumefactions?)")
_PHRASE_ADJ = (r"(?:hepatiques?|renales?|renaux|cardiaques?|musculaires?|cutanee?s?|digesti(?:fs?|ves?)"
               r"|urinaires?|respiratoires?|neurologiques?|psychiatriques?|psychiques?|psychopathologiques?"
               r"|cardio-?vasculaires?|vasculaires?|pulmonaires?|gastro-?intestina(?:ux|les?)"
               r"|intestina(?:ux|les?)|oculaires?|visuel(?:s|les?)?|auditi(?:fs?|ves?)|osseu(?:x|ses?)"
               r"|articulaires?|sanguin(?:s|es?)?|hematologiques?|endocrinien(?:s|nes?)?"
               r"|hormona(?:ux|les?)|thyroidien(?:s|nes?)?|hypophysaires?|surrenalien(?:s|nes?)?"
               r"|nerveu(?:x|ses?)|cerebra(?:ux|les?)|medullaires?|genita(?:ux|les?)|sexuel(?:s|les?)?"
               r"|menta(?:ux|les?)|cogniti(?:fs?|ves?)|comportementa(?:ux|les?)|metaboliques?"
               r"|immunitaires?|allergiques?|biliaires?|pancreatiques?|gastriques?|dentaires?"
               r"|orthostatiques?|mnesiques?|psychotiques?|buccale?s?|thoraciques?|abdomina(?:ux|les?)"
               r"|nasa(?:ux|les?)|vasomotrices?|emotionnel(?:s|les?)?|vertigineuses?|paranoiaques?"
               r"|paranoides?|maniaques?|anaphylactiques?|anxieu(?:x|ses?)|depressi(?:fs?|ves?)"
               r"|menstruel(?:s|les?)?|hemorragiques?|infectieu(?:x|ses?)|inflammatoires?"
               r"|coronarien(?:s|nes?)?"
               # the heart's valves and chambers, the vessels ("insuffisance aortique",
               # "atteinte valvulaire", "insuffisance veineuse"; session 9, issue 3)
               r"|aortiques?|mitra(?:l|le|les|ux)|tricuspides?|valvulaires?|coronaires?"
               r"|ventriculaires?|veineu(?:x|ses?)|arteriel(?:s|les?)?"
               # the gut, the airways, the eye socket and the locomotor system (session 12)
               r"|enteriques?|bronchiques?|orbitaires?|tendineu(?:x|ses?)|ligamentaires?"
               r"|vertebra(?:l|le|les|ux)|rachidien(?:s|nes?)?|retinien(?:s|nes?)?"
               r"|oesophagien(?:s|nes?)?|tracheal(?:e|es)?|trachea(?:ux))")
_PHRASE_ORGAN = (r"(?:foie|reins?|coeur|poumons?|peau|muscles?|os|articulations?|yeux|oeil|sang"
                 r"|cerveau|systeme nerveux(?: central| peripherique)?|systeme urinaire"
                 r"|systeme immunitaire|estomac|intestins?|colon|pancreas|thyroide|vessie"
                 r"|prostate|uterus|ovaires?|seins?|oreilles?|rate|moelle osseuse|vaisseaux"
                 r"|arteres?|veines?|sommeil|comportement|humeur|memoire|vision|audition|langage"
                 r"|equilibre|marche|demarche|conscience|vue|elocution|concentration|absorption"
                 r"|deglutition|coordination|attention|erection|libido|appetit|gout|odorat"
                 r"|nuque|gorge|bouche|visage|levres?|langue|paupieres?|gencives?|nez"
                 # what a blood count, a scale or a leaflet measures of the body (session 10)
                 r"|plaquettes(?: sanguines)?|globules (?:rouges|blancs)|poids"
                 r"|masse (?:grasse|musculaire|osseuse)(?: corporelle)?|urines?|selles|mouvements"
                 # the locomotor system, the airways, the gut's tube, the eye (session 12)
                 r"|tendons?(?: d[ \u00a0]?['’][ \u00a0]?achille)?|ligaments?(?: croises?)?"
                 r"|menisques?|epaules?|genoux?|hanches?|chevilles?|coudes?|poignets?|rotules?"
                 r"|colonne vertebrale|rachis|aorte|bronches?|trachee|oesophage|\u0153sophage"
                 r"|retine|cornee|metabolisme|reflexes?|pensee)")
_PHRASE_OF = r"(?:du|de la|de l[ \u00a0]?['’]|des|de|d[ \u00a0]?['’])[ \u00a0]*"
#: what a person finds hard to do, as leaflets list it ("difficultés à respirer", "difficulté
#: pour marcher", "difficultés à se concentrer"): the body's functions of :data:`_PHRASE_ORGAN`
#: as verbs (session 11, issue 3)
_PHRASE_VERB = (r"(?:respirer|avaler|deglutir|uriner|marcher|dormir|endormir|penser|parler"
                r"|articuler|voir|entendre|concentrer|souvenir|rappeler|bouger|mouvoir|lever"
                r"|mastiquer|macher|lire|ecrire|exprimer|comprendre|raisonner|tenir debout)")
_PHRASE = re.compile(
    rf"(?<![a-z])(?:difficultes? (?:a|pour) (?:se |s['’] ?)?{_PHRASE_VERB}|{_PHRASE_HEAD}(?: (?:graves?|severes?|legers?|legeres?|importante?s?|chroniques?"
    rf"|aigue?s?|aigus))?(?: {_PHRASE_ADJ}(?: (?:ou|et) {_PHRASE_ADJ})?|(?: {_PHRASE_OF}"
    rf"(?:fonctionnement|systeme|fonction|taux|nombre|taille|volume)s?)? {_PHRASE_OF}{_PHRASE_ORGAN}))"
    r"(?![a-z])")
#: a head noun is in the text (cheap test before the grammar)
_PHRASE_KEY = re.compile(r"trouble|probleme|atteinte|affection|lesion|anomalie|insuffisance"
                         r"|inflammation|infection|toxicite|reaction|douleur|dysfonction|maladie"
                         r"|perte|difficulte|changement|variation|modification|alteration"
                         r"|sensation|secheresse|raideur|faiblesse|gene|saignement|hemorragie"
                         "|oedeme|\u0153deme|gonflement|baisse|diminution|augmentation|insuffisant"
                         "|signe|symptome|manifestation|reduction|elevation|gain|jaunissement"
                         "|lenteur|perturbation|deformation|dilatation|calcification|rupture"
                         "|dechirure|malformation|envahissement|epaississement|retrecissement"
                         "|tumefaction")
PHRASE_SCORE = 0.7
# Lay words for a pain or a discomfort of a body part (folded text): "mal au dos", "maux de
# ventre", "mal aux dents", "mal à l'estomac", "mal au cœur" (nausea, as leaflets gloss
# "nausées"; session 13, issue 3, QUAERO train "des nausées ( mal au cœur )"): "mal"/"maux",
# a preposition, then a body part of ``data/lay_body_parts.txt`` (:func:`_lay_pain`; its own
# list of concrete parts: the functions of :data:`_PHRASE_ORGAN` gave "les maux du marché",
# "les maux de la langue française", session 13 review). The words may be split by one line
# break (wrapped text, as the lexicon's terms: "mal de\ntête"), not by a blank line. Not "pas
# mal de" ("quite a lot of"), "avoir du mal à", "tant de mal à" (to struggle), "au cœur de", "au
# sein de" (figures of speech), nor "faire mal au cœur" (to sadden); see
# :meth:`HealthConditionDetector._with_lay_pain`. The listed "mal de tête" wins.
#: whitespace between two words of a lay pain: spaces, or one line break
_LAY_WS = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\r?\n[ \t\u00a0]*)"
_LAY_APOS = rf"{_LAY_WS}?['’]{_LAY_WS}?"
#: the preposition after "mal"/"maux" (group ``a``: the "à" ones, after which "du mal", "de
#: mal" is "to struggle")
_LAY_PREP = (rf"(?:(?P<a>aux?|a{_LAY_WS}la|a{_LAY_WS}l{_LAY_APOS})|du|des|de{_LAY_WS}la"
             rf"|de{_LAY_WS}l{_LAY_APOS}|de|d{_LAY_APOS})")
#: "de/du/des/d'" after a body part marked "~" in ``data/lay_body_parts.txt``: "au cœur de",
#: "au sein de", "à la tête de" (figures of speech, session 13 review)
_LAY_FIGURE_AFTER = re.compile(rf"{_LAY_WS}(?:d[eu]|des)(?![a-z])|{_LAY_WS}?d{_LAY_APOS}")
#: "pas mal de" is "quite a lot of" ("pas mal de dents cariées"); "de/du mal à" is "to
#: struggle" ("j'ai eu du mal à la marche", "tant de mal à la main"): the word before "mal"
_LAY_NOT_BEFORE = re.compile(r"(?<![a-z])(pas|d[eu])$")
#: "faire mal au cœur" is to sadden ("ça me fait vraiment très mal au cœur", "cela me fasse
#: mal au cœur"): a form of "faire", then up to three pronouns or adverbs, right before "mal"
_SADDEN_BEFORE = re.compile(
    r"(?<![a-z])(?:fai(?:s|t|sait|saient|sant|re)|font|fer(?:a|ai|as|ait|aient|ont)|fass(?:e|es|ent)"
    r"|fit|firent)(?:\s+[a-z]+){0,3}\s+$")


@functools.lru_cache(maxsize=1)
def _lay_pain() -> tuple[re.Pattern, frozenset[str]]:
    """The regex of the lay words for a pain built from ``data/lay_body_parts.txt`` (group ``part``:
    the body part), and the folded parts marked ``~`` (figures of speech before "de")."""
    parts, figures = [], set()
    for line in data.lines("lay_body_parts.txt"):
        word = fold_keep_length(line.lstrip("~"))
        forms = {word, word.replace("\u0153", "oe"), word.replace("oe", "\u0153")}
        parts.extend(forms)
        if line.startswith("~"):
            figures.update(forms)
    alts = "|".join(re.escape(w).replace(r"\ ", _LAY_WS)
                    for w in sorted(set(parts), key=lambda w: (-len(w), w)))
    return (re.compile(rf"(?<![a-z])(?:mal|maux){_LAY_WS}{_LAY_PREP}{_LAY_WS}?"
                       rf"(?P<part>(?:{alts})(?:s|x)?)(?![a-z])"), frozenset(figures))


#: organ phrases that are figures of speech (session 12 review, hand-written news, HR and
#: linguistics prose): "la pensée" after another head than a disorder's ("rupture, faiblesse,
#: élévation de la pensée"; "troubles, perturbations, lenteur de la pensée" are kept), and
#: "la langue" (a language) after the heads of a change of shape ("déformation, envahissement,
#: perturbations de la langue française"); folded text, an organ phrase of :data:`_PHRASE`
_FIGURATIVE = re.compile(
    r"(?!(?:troubles?|perturbations?|lenteurs?|alterations?|anomalies?|atteintes?)[ \u00a0])"
    r"[a-z]+[ \u00a0].*pensee$"
    r"|(?:deformations?|envahissements?|perturbations?|ruptures?)[ \u00a0].*langue$")


def _first_letter_branches(words, before: str) -> str:
    """``(?<!before)(?:words)`` (regex sources, in their order) written as one branch per first
    character, that character read before the lookbehind: ``t(?<!beforet)(?:rouble|...)``.
    Python's ``re`` then skips to the possible first characters in C instead of entering the
    lookbehind at every position (speed, issue 6); at one position only the branches of its
    character can match, in the same order, so the matches are the same."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(f"{re.escape(h)}(?<!{before}{re.escape(h)})(?:{'|'.join(rests)})"
                    for h, rests in groups.items())


#: where a match of :data:`_PHRASE` can start: a head noun's first letters at a word start
#: (head nouns are letters only, so these word starts never overlap: ``finditer`` finds all)
_PHRASE_STARTS = re.compile(_first_letter_branches(_PHRASE_KEY.pattern.split("|"), "[a-z]"))
#: the same starts found by hyperscan on a long text (:func:`~sentinelle.detectors.lexicon.som_starts`:
#: a character that is not a letter, then a head noun's first letters; speed, issue 6)
_PHRASE_SOM = tuple(latin1_class(r"[a-z]") + re.escape(k).encode("latin-1", "replace")
                    .replace(b"?", b"\\?") for k in _PHRASE_KEY.pattern.split("|"))

#: an abbreviation in parentheses right after a condition, and the same before one (original
#: text): "syndrome malin des neuroleptiques (SMN)", "SMN (syndrome malin des neuroleptiques)"
_ABBR_AFTER = re.compile(r"[ \u00a0]*\([ \u00a0]*([A-Z][A-Z0-9]{1,7})[ \u00a0]*\)")
#: the same after up to three more words of the long form (the condition found is its head:
#: "leucoencéphalopathie multifocale progressive (LEMP)")
_ABBR_AFTER_WORDS = re.compile(
    r"(?:[ \u00a0]+[^\W\d_][\w\-'’]*){1,3}?[ \u00a0]*\([ \u00a0]*([A-Z][A-Z0-9]{1,7})[ \u00a0]*\)")
_ABBR_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,7})[ \u00a0]*\([ \u00a0]*$")


def _abbreviates(abbr: str, long_form: str) -> bool:
    """True when the letters of ``abbr`` appear in order in ``long_form`` (folded), the first
    one starting its first word (Schwartz and Hearst, PSB 2003)."""
    words = fold(long_form)
    letters = abbr.lower()
    if not words.startswith(letters[0]):
        return False
    pos = 1
    for ch in letters[1:]:
        pos = words.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


#: an eponymous disease (original text): a head noun of French nosology ("maladie", "syndrome",
#: "phénomène", "mal", "triade", "tétralogie"), "de"/"d'"/"du" and a capitalised proper name,
#: hyphenated parts and a particle included ("phénomène de Raynaud", "mal de Pott", "maladie de
#: von Hippel-Lindau", "syndrome d'Ehlers-Danlos"). Rule source: the naming of eponymous
#: diseases in the CIM-10 FR titles ("Maladie de Hodgkin", "Syndrome de Cushing"); the name is
#: not listed, so a disease named after anyone is found (session 10, issue 3)
_EPONYM = re.compile(
    r"(?<![\w\-])(?:[Mm]aladies?|MALADIES?|[Ss]yndromes?|SYNDROMES?|[Pp]h[ée]nom[èe]nes?|PH[ÉE]NOM[ÈE]NES?"
    r"|[Mm]al|MAL|[Tt]riade|TRIADE|[Tt][ée]tralogie|T[ÉE]TRALOGIE)[ \u00a0]+"
    r"(?:(?:de|DE|du|DU)[ \u00a0]+|[dD][ \u00a0]?['’][ \u00a0]?)(?:(?:von|van|de|di|du|le|la)[ \u00a0]+)?"
    r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ]+(?:[\-\u2010\u2011][A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ]+)*(?![\w\-])")

#: a proper name after "de"/"d'" (original text), as :data:`_EPONYM` writes it; not a civil title
_NAME = (r"(?!(?:M|Mme|Mlle|Mr|Dr|Pr|Monsieur|Madame|Mademoiselle|Docteur|Professeur)(?![\w\-]))"
         r"(?:(?:von|van|de|di|du|le|la)[ \u00a0]+)?"
         r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[\-\u2010\u2011][A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ]+)*(?![\w\-])")
#: the eponym after a disease word found by its suffix ("neurophacomatose de Recklinghausen",
#: "myotonie de Steinert"): not followed by another capitalised word (a person's first and last
#: names: "la tumeur de Jean Martin"). Session 12, issue 3 (the CIM-10 FR eponymous titles)
_EPONYM_AFTER = re.compile(r"[ \u00a0]+(?:de[ \u00a0]+|d[ \u00a0]?['’][ \u00a0]?)" + _NAME
                           + r"(?![ \u00a0]+[A-ZÀ-ÖØ-Þ])")
#: a second eponym coordinated with a first one ("myopathies de Duchenne et de Becker"): the
#: second name names the second disease of the same kind
_EPONYM_AND = re.compile(r"[ \u00a0]+(?:et|ou)[ \u00a0]+(?:de[ \u00a0]+|d[ \u00a0]?['’][ \u00a0]?)(" + _NAME
                         + r")(?![ \u00a0]+[A-ZÀ-ÖØ-Þ])")
#: a found word with a disease suffix, that an eponym may follow (folded)
_EPONYM_HEAD_WORD = re.compile(r"[a-z]{4,}(?:ite|ose|ome|pathie|tonie|plasie|trophie|plegie"
                               r"|algie|ectasie|matose|lepsie|ie)s?")
#: an eponym ends a match (original text): the second name of a coordination may follow
_ENDS_WITH_NAME = re.compile(r"(?:\bde|\bd[ \u00a0]?['’])[ \u00a0]*" + _NAME[:_NAME.rfind("(?!")] + "$")
#: the name that ends an :data:`_EPONYM_AFTER` or :data:`_EPONYM_AND` match
_LAST_NAME = re.compile(r"[^ \u00a0'’]+$")


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """The first names of ``data/first_names.txt`` (upper case, no accents)."""
    return frozenset(data.lines("first_names.txt"))


def _is_first_name(name: str) -> bool:
    """Whether every hyphenated part of ``name`` is a first name of ``data/first_names.txt``:
    "la bronchite de Lucas", "l'arthrose de Jeanne et de Pierre" name a patient, not an
    eponym (session 12 review; "de Charcot-Marie", "de Scheuermann" are eponyms). Eponyms that
    are also first names ("Addison", "Wilson", "Gilbert") are still found after "maladie" and
    "syndrome" (:data:`_EPONYM`)."""
    parts = re.split(r"[\-\u2010\u2011]", fold(name).upper())
    names = _first_names()
    return all(p in names for p in parts)


#: a Greek or Latin prefix before a listed one-word condition (folded): "mégalérythème",
#: "pseudotumoral", "microkystes", "paranéoplasique" (session 12, issue 3; the prefixes of
#: French medical terminology)
_PREFIXES = ("pseudo", "megalo", "megal", "mega", "macro", "micro", "poly", "pan", "neo",
             "para", "peri")
#: listed procedures: with a prefix they name a technique ("microgreffes"), not a condition
_PREFIXED_NOT = frozenset(("greffe", "dialyse", "transplantation", "chirurgie", "amputation"))
_PREFIXED = re.compile(rf"(?:{_first_letter_branches(_PREFIXES, '[0-9a-z]')})-?[a-z]{{5,}}"
                       r"(?![0-9a-z])")
#: where a match of :data:`_PREFIXED` can start on a long text, found by hyperscan
#: (:func:`~sentinelle.detectors.lexicon.som_starts`: a character that is no letter or digit,
#: then a prefix; speed, issue 6: the whole-text regex took most of the detector's time)
_PREFIXED_SOM = tuple(latin1_class(r"[0-9a-z]") + p.encode() for p in _PREFIXES)
#: the head nouns of :data:`_EPONYM` in folded text (cheap test before the regex)
_EPONYM_KEYS = ("maladie", "mal d", "mal\u00a0d", "syndrome", "phenomene", "triade", "tetralogie")

#: an abnormal finding (folded text): a noun, then "anormal(e)(s)" or "anormalement" and an
#: adjective ("électrocardiogramme anormal", "rêves anormaux", "urines anormalement foncées",
#: "développement anormal"): what an examination or a patient observes as wrong is a sign
#: (CIM-10 FR chapitre XVIII, "résultats anormaux" R70-R94; session 11, issue 3). Not after a
#: verb or a function word ("reste anormal", "très anormale")
_ABNORMAL = re.compile(r"(?<![a-z])([a-z]{4,}) anorma(?:l|le|ux|les|lement [a-z]{4,})(?![a-z])")
_ABNORMAL_NOT_BEFORE = frozenset((
    "tres", "plus", "moins", "aussi", "sont", "etait", "etaient", "reste", "restent", "semble",
    "semblent", "parait", "devient", "deviennent", "etre", "avoir", "comme", "mais", "tout",
    "toute", "tous", "toutes", "cette", "cela", "ceci", "rien", "jamais", "toujours", "peut",
    "pourrait", "serait", "juge", "jugee", "considere", "consideree", "normal", "normale", "ou")
)
ABNORMAL_SCORE = 0.45
#: the text that follows the noun of an abnormal finding: its matches are tried only at the word
#: before each of them (:meth:`HealthConditionDetector._abnormal_starts`; speed, issue 6)
_ABNORMAL_KEY = " anorma"

#: a job noun after a condition, with its optional qualifiers (folded text right after the
#: match): "HIV/AIDS nurse", "Diabetes management nurse", "Tumor registrar", "cancer care
#: coordinator". Rule source: the English job titles of the SOC and O*NET occupation lists
#: (nurse, educator, counselor, registrar, coordinator...) after a condition used as a noun
#: adjunct; a coordinated second condition ("/AIDS", "and cancer") may come first
_JOB_AFTER = re.compile(
    r"(?:[ \u00a0]*(?:/|&|and)[ \u00a0]*[a-z0-9]+)?"
    r"(?:[ \u00a0\-]+(?:management|control|care|prevention|research|education|outreach"
    r"|clinical|program|programme|case|services?|support|screening|awareness|specialist"
    r"|unit|ward|clinic|public|health|nurse))*"
    r"[ \u00a0\-]+(?:nurses?|nursing|educators?|specialists?|registrars?|counsell?ors?"
    r"|coordinators?|technicians?|technologists?|researchers?|physicians?|consultants?"
    r"|therapists?|advocates?|workers?|officers?|managers?|epidemiologists?|scientists?"
    r"|surgeons?|pharmacists?|dietitians?|dieticians?|navigators?|practitioners?|aides?)"
    r"(?![a-z])")
#: a French job noun before a condition (folded text right before the match): "éducatrice en
#: diabète", "médecin référent VIH", "infirmière de prévention du
#: VIH", "infirmière VIH". Rule source: the job titles of the ROME (France Travail) and of the
#: French health professions (Code de la santé publique, quatrième partie); not "cadre" nor
#: "chargé" ("dans le cadre du diabète", "prise en charge du VIH" are about the patient)
_JOB_BEFORE = re.compile(
    r"(?<![a-z])(?:infirmier|infirmiere|ide|ipa|educateur|educatrice|medecin|chirurgien"
    r"|chirurgienne|specialiste|technicien|technicienne|conseiller|conseillere|coordinateur"
    r"|coordinatrice|chercheur|chercheuse|pharmacien|pharmacienne|dieteticien"
    r"|dieteticienne|psychologue|nurse|animateur|animatrice)s?"
    r"(?:[ \u00a0]+(?:specialisee?s?|referente?s?|coordinat(?:eur|rice)s?|de[ \u00a0]+mission"
    r"|d'education|de[ \u00a0]+prevention|de[ \u00a0]+sante|en[ \u00a0]+pratique[ \u00a0]+avancee))*"
    r"(?:[ \u00a0]+(?:en|de|du|des|d'|pour|dans)(?:[ \u00a0']+(?:la|le|les|l'|lutte contre|prevention"
    r"|education|soins|prise en charge|du|des|de|d'))*)?[ \u00a0']*$")
#: a match that tells a person's status or is an adjective stays a condition before a job noun:
#: "HIV positive nurse", "diabetic nurse" may be the worker's own condition (folded match)
_JOB_NOT = re.compile(r"(?:positi(?:f|ve)|negati(?:f|ve)|ique|ic|iques|ics)$")
#: a word named like a disorder is part of a domain name when a top-level domain follows it
#: ("xmesothelioma.fr", a ``Domain`` column of the FakeNameGenerator table; session 12, issue
#: 3); and an identifier when an upper-case letter follows a first one inside it
#: ("OMesothelioma"): only for :meth:`HealthConditionDetector._with_morphology`
_MORPH_IN_NAME = re.compile(r"\.(?:fr|com|net|org|eu|io|info|be|ch|de|uk|co|biz)(?![a-z])")
_CAMEL = re.compile(r"(?<=[A-Za-z])[A-Z](?=[a-z])")
#: score of a condition that qualifies a job (:data:`_JOB_AFTER`, :data:`_JOB_BEFORE`)
JOB_SCORE = 0.3

#: "anti-" right before a word (folded text): the word ends a drug class ("anti-cancéreux")
_ANTI_BEFORE = re.compile(r"(?<![a-z])anti[\-\u2010\u2011]$")
#: a French adjective ending at the end of a match (folded text); "-al", "-stre", "-oïde" for
#: "anti-rhumatismal", "anti-palustre", "anti-rhumatoïde" (session 13 review)
_ADJECTIVE_END = re.compile(r"(?:iques?|eux|euses?|iens?|iennes?|aux|al|ales?|aires?|ifs?|ives?"
                            r"|stres?|oides?)$")

#: "assurance maladie", "caisse d'assurance maladie": the word before "maladie" when it names a fund
_NOT_A_CONDITION_BEFORE = re.compile(r"assurances?[\s\u00a0\-]+$")
#: listed nouns that fold like a past participle (original text "signé", "signés": a signed
#: report, not a sign): the word is the noun only without the acute accent on its last "e"
_NOT_PARTICIPLE = re.compile(r"(?i:signe)s?")
_PARTICIPLE_END = re.compile(r"[éÉ]e?s?$")
#: general words listed alone that name no disorder in these contexts (folded text): a mix-up
#: ("pour éviter toute confusion", "confusion entre deux produits") and the vital signs
#: ("les signes vitaux sont stables"); session 11, issue 3
_NOT_A_SIGN = {
    "confusion": (re.compile(r"(?<![a-z])(?:toute|eviter|par|sans|aucune|possible)[ \u00a0]+$"),
                  re.compile(r"^[ \u00a0]+(?:entre|avec|possible)(?![a-z])")),
    "signe": (None, re.compile(r"^s?[ \u00a0]+vita(?:l|ux)(?![a-z])")),
}

#: general words of CIM-10 FR chapter XVIII that are left out of the lexicon because they are also
#: common words ("confusion", "faiblesse", "éruption", "agitation", "chute", "signes",
#: "séquelles", "stress", "fugue", "incohérence"; see data/health_conditions.txt,
#: sessions 9 and 11): in a list of symptoms they are one too. Such a word counts (scored
#: :data:`AMBIGUOUS_SCORE`, ``sign_near_condition``) when another condition stands within
#: :data:`_WEAK_SIGN_REACH` characters of it in the same sentence ("fatigue, confusion,
#: vertiges"; "éruption et démangeaisons"); "la confusion entre deux produits", "une chute des
#: prix" alone are not (session 12, issue 3)
_WEAK_SIGN_WORDS = ("confusions?", "faiblesses?", "eruptions?", "agitations?", "chutes?",
                   "signes?", "sequelles?", "stress", "fugues?", "incoherences?")
_WEAK_SIGN = re.compile("(?:" + _first_letter_branches(_WEAK_SIGN_WORDS, "[a-z]") + ")(?![a-z])")
#: where a match of :data:`_WEAK_SIGN` can start on a long text (hyperscan, as
#: :data:`_PREFIXED_SOM`): a character that is no letter, then the word without its plural "s"
_WEAK_SIGN_SOM = tuple(latin1_class(r"[a-z]") + (w[:-2] if w.endswith("s?") else w).encode()
                       for w in _WEAK_SIGN_WORDS)
_WEAK_SIGN_NOT_AFTER = re.compile(r"[ \u00a0]+(?:oxydatif|oxydant|economique|financier|des prix"
                                  r"|de tension|d[ \u00a0]?['’][ \u00a0]?eau"
                                  # the markets, the weather, the stars, an identity card, a
                                  # volcano (session 12 review: "la chute des cours et la
                                  # dépression", "signes astrologiques", "signes particuliers")
                                  r"|des cours|de la bourse|des ventes|du mur|de neige|de pierres"
                                  r"|astrologiques?|du zodiaque|particuliers|volcaniques?"
                                  r"|de violence)(?![a-z])")
_WEAK_SIGN_REACH = 60
#: a sentence ends between a weak sign and its neighbour
_SENTENCE_END = re.compile(r"[.!?\n]")

#: ICD-10 code as written: letter, two digits, optional dot and 1-2 more characters, optional
#: ATIH "+d" suffix ("C50.9", "C509", "B24+0", "U07.1"); original text, case-sensitive. The
#: lookbehind (no letter, digit, ".", "-" or "/" before the code) comes after the first letter,
#: so ``re`` skips to the capitals instead of trying it at every position (twice as fast)
_ICD = re.compile(r"(?P<code>[A-Z](?<![A-Za-z0-9.\-/].)\d{2}(?:\.?\d{1,2})?)(?:\+\d)?(?![A-Za-z0-9]|[.,/\-]\d)")
#: a cue right before a code (folded text): "CIM-10 :", "diagnostic principal", "DP :", "code"
_ICD_CUE = re.compile(
    r"(?<![a-z])(?:cim[\s\-]?10|icd[\s\-]?10|cim|icd|diagnostics?|diag|codes?|dp|das|dad|dr"
    r"|diagnostic\s+(?:principal|associe|relie)|classification)(?![a-z])[^.\n]{0,24}$")
#: the stronger cue an unlisted code needs (not the generic word "code": "code A12" of a door)
_ICD_STRONG_CUE = re.compile(
    r"(?<![a-z])(?:cim[\s\-]?10|icd[\s\-]?10|cim|icd|diagnostics?|diag|dp|das|dad"
    r"|classification)(?![a-z])[^.\n]{0,24}$")
#: a code right after another accepted code: "DAS : E11.9, I10 et Z21"
_ICD_CHAIN = re.compile(r"^[\s,;/]*(?:et|and|\+)?[\s,;/]*$")
ICD_SCORE = 0.8
#: a well-formed code after a cue that is not in the CIM-10 FR list (ICD-10-CM "O09.1", a typo)
ICD_UNLISTED_SCORE = 0.5


#: -- status columns: a column named for a condition ("statut_vih", "serologie_vih", "VIH",
#: "hepatite_c", "diabete", "hivStatus") whose cells are a test result or a yes/no
#: ("positif", "négatif", "oui", "non", "+", "-", "1", "0", "POS", "NEG"): each non-empty cell
#: is the health status of the data subject for that condition (GDPR art. 9; a negative result
#: is health data too). Rule source: the condition lexicon above names the condition; the
#: generic words and the value set are the ways French lab exports write a serology or an
#: ALD flag (hand-checked on the reported fault: a lab export's ``statut_vih`` column).
#: Generic words of such a header (folded), also split off a camelCase word ("hivstatus")
_STATUS_WORDS = ("statut", "status", "serologie", "serologies", "serology", "resultat",
                 "resultats", "result", "results", "depistage", "screening")
_STATUS_WORDS_LONGEST = sorted(_STATUS_WORDS, key=len, reverse=True)
#: linking words left out of the condition's name ("statut_de_la_grossesse")
_STATUS_FILLER = frozenset(("de", "du", "des", "la", "le", "les", "d", "l", "a", "au", "of",
                            "pour", "for", "patient", "patiente"))
#: a header with one of these words names a date, an id or a count about the condition, not
#: its status ("vih_date", "diabete_id", "nb_cancer")
_STATUS_DENY = frozenset(("id", "ids", "date", "dates", "dt", "jour", "annee", "mois", "num",
                          "numero", "no", "nb", "nombre", "count", "age", "ref", "uuid", "cle",
                          "key", "code", "duree", "delai"))
#: pregnancy is PREGNANCY's label in text, but a yes/no under "grossesse" is a status the
#: pregnancy detector does not claim
_STATUS_EXTRA_CONDITIONS = frozenset(("grossesse", "enceinte", "pregnancy", "pregnant"))
#: the cell values of a status column (folded, a final "." removed), small and explicit
_STATUS_VALUES = frozenset(("positif", "positive", "pos", "negatif", "negative", "neg",
                            "+", "-", "oui", "non", "yes", "no", "1", "0"))
#: score of a status cell; the header boost of the pipeline makes it 0.8
STATUS_SCORE = 0.6


#: -- morphology: a word built on a disease suffix of medical French (neoclassical compounds).
#: Rule source: the Greek and Latin suffixes of disease names ("-ite" inflammation, "-ome"
#: tumour, "-ose" degenerative or infectious disease, "-pathie", "-algie", "-émie", "-pénie",
#: "-plégie", "-rragie", "-rrhée", "-mégalie", "-plasie", "-trophie"...) and the organ roots
#: they are built on, as taught in French medical terminology (e.g. the "racines grecques et
#: latines" chapters of medical vocabulary courses; Garnier-Delamare's conventions). The root
#: lists are hand-written anatomy vocabulary, not a list of diseases: "uvéite", "lipome",
#: "lymphopénie", "myélopathie" are found without being listed. Words that share a suffix but
#: name no disease are left out by the roots ("-ite": "suite", "visite", "prescrite") or by
#: :data:`_MORPH_NOT` (sugars "glucose", "lactose"; cell biology "phagocytose", "mitose";
#: "nostalgie", "sympathie", "xénophobie"; verbs "propose", "expose").
_ITE_ROOTS = (
    "mening encephal myel nevr neur radicul arachnoid pleur pneumon trache bronch bronchiol alveol "
    "mediastin sinus ethmoid mastoid labyrinth uve cycl choroid scler blephar dacryocyst thyroid "
    "orch balan urethr nephr cyst prostat vagin vulv cervic endometr metr salping annex ovar mast "
    "myos myocard pericard endocard card arter aort phleb vascul vascular lymphang aden lymphaden "
    "oste spondyl disc tendin burs capsul synov fasci epicondyl derm dermat cellul follicul stomat "
    "gingiv gloss parotid sial oesophag esophag sophag gastr duoden ile jejun enter entercol proct "
    "rect sigmoid diverticul cholecyst cholang angiochol hepat pancreat periton appendic omphal "
    "funicul pulp parodont periodont chondr arthr rhin pharyng laryng amygdal conjonctiv kerat "
    "retin pannicul pyel ureter sacroili hidrosaden myring mamm epiphys apophys ombilic").split()
_OME_ROOTS = (
    "aden carcin lip melan hemat my fibr angi lymph sarc gli neurin meningi papill granul ather "
    "glauc chondr oste epitheli blast hamart terat semin otheli thym hepat myel xanth condyl cyt "
    "chord pharyngi insulin gastrin ependym hygr acanth nevr neur kerat trach elast collagen "
    "cholesteat odont cement schwann gangli phyll embry").split()
#: "-émie" is also a lab measure ("glycémie", "uricémie", "calcémie"): only these heads, or
#: hyper-/hypo-/dys- before it ("hypercalcémie"), name a disorder
_EMIE_HEADS = ("an leuc leuk septic bacteri fung vir ur parasit tox sider isch thalass "
               "drepanocyt globulin paraprotein").split()
#: "-urie" (a substance in the urine) is also a lab measure ("calciurie", "natriurie",
#: "créatininurie"): only these heads, or hyper-/hypo-/dys- before it ("hypercalciurie"), name
#: a disorder: the urine findings of CIM-10 FR R30-R39 and R80-R82 ("protéinurie",
#: "albuminurie", "hématurie", "glycosurie", "anurie", "oligurie", "polyurie", "pyurie") and
#: the inborn "-acidurie" of E70-E72 ("acidurie méthylmalonique"; session 11, issue 3)
_URIE_HEADS = ("protein albumin hemat hemoglobin myoglobin glycos ceton aceton bacteri leucocyt "
               "py chyl an olig poly nyct pollaki strang lithi oxal cystin acid porphyrin "
               "alcapton").split()
#: "-lyse" (a dissolution) is also a lab technique or a treatment ("analyse", "dialyse",
#: "hydrolyse", "thrombolyse"): only these heads name a disorder ("rhabdomyolyse",
#: "ostéolyse", "cytolyse"), and their "-lytique" adjectives ("ostéolytique"); not "hémolyse",
#: in a lab report the flaw of a sample ("prélèvement difficile, hémolyse légère"); "-dermie" (a
#: skin disorder: "mélanodermie", "leucodermie", "érythrodermie") is read as a noun only
#: ("intradermique", "transdermique" are routes of administration); "-philie" (a blood or a
#: nerve disorder) only after these heads ("thrombophilie", "spasmophilie", "éosinophilie";
#: not "cinéphilie"). Session 12, issue 3 (French medical terminology, Garnier-Delamare)
_LYSE_HEADS = "rhabdomyo myo osteo cyto".split()
_PHILIE_HEADS = "hemo thrombo spasmo eosino neutro baso lympho".split()
#: suffixes that name a disorder after any stem of 2 letters or more
_ANY_SUFFIXES = ("pathie algie penie plegie paresie rragie rrhagie rrhee megalie plasie trophie "
                 "ectasie malacie lithiase iase spasme sclerose stenose necrose fibrose thrombose "
                 "mycose cytose tonie").split()


def _alternation(words) -> str:
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))


#: a candidate word (folded text): a disease suffix, or hyper-/hypo-/dys- before a word
_MORPH = re.compile(
    r"(?<![0-9a-z])(?:[a-z]+(?:ites?|omes?|omas?|emies?|oses?|iques?|omateu(?:x|ses?)|(?:"
    + _alternation(_ANY_SUFFIXES + ["hemie", "urie", "lyse", "dermie", "philie"])
    + r")s?)|(?:hyper|hypo|dys)[a-z]+)(?![0-9a-z])")
#: hyperscan patterns, each a literal ending a word, that fire in every word
#: :func:`_is_disorder_word` accepts (an "-ite" after a listed root, not every "-ité" noun);
#: :func:`~sentinelle.detectors.lexicon.words_back` reads each word back from there (speed,
#: issue 6: one hyperscan pass instead of ``re`` trying a word at every letter of the text)
_NW = latin1_class(r"[0-9a-z]")
_MORPH_STARTS = tuple(
    [suffix.encode() + plural + _NW
     for suffix in ["ose", "omateuse", "emique", "itique", "otique", "colite", "otite",
                    *(r + "ite" for r in _ITE_ROOTS), *(r + "ome" for r in _OME_ROOTS),
                    *(r + "oma" for r in _OME_ROOTS), *(h + "lyse" for h in _LYSE_HEADS),
                    *(h + "lytique" for h in _LYSE_HEADS), *(h + "philie" for h in _PHILIE_HEADS),
                    "dermie",
                    *(h + "emie" for h in _EMIE_HEADS), *(h + "urie" for h in _URIE_HEADS),
                    *_ANY_SUFFIXES,
                    *(x[:-2] + "ique" for x in _ANY_SUFFIXES if x.endswith("ie"))]
     for plural in (b"", b"s")]
    + [b"omateux" + _NW] + [_NW + prefix for prefix in (b"hyper", b"hypo", b"dys")])
#: the words :data:`_MORPH` finds that name a disorder
_MORPH_DISORDER = re.compile(
    rf"[a-z]*(?:{_alternation(_ITE_ROOTS)})ites?|(?:entero|recto|sigmoido|pan)?colites?|otites?"
    rf"|[a-z]*(?:{_alternation(_OME_ROOTS)})om(?:es?|as?)"
    rf"|[a-z]*(?:{_alternation(_LYSE_HEADS)})lyses?|[a-z]*(?:{_alternation(_PHILIE_HEADS)})philies?"
    rf"|[a-z]{{3,}}dermies?"
    rf"|(?:hyper|hypo|dys)[a-z]+emies?|[a-z]*(?:{_alternation(_EMIE_HEADS)})emies?"
    rf"|[a-z]*(?:{_alternation(_URIE_HEADS)})uries?"
    rf"|[a-z]+(?:{_alternation(s for s in _ANY_SUFFIXES if s != 'iase')})s?|[a-z]{{3,}}iases?"
    rf"|[a-z]{{4,}}oses?"
    rf"|(?:hyper|hypo|dys)[a-z]{{3,}}(?:ies?|ees?|ismes?|ations?|(?:iv|il|ax)ites?)")
#: words of :data:`_MORPH_DISORDER`'s shapes that name no disorder
_MORPH_NOT = re.compile(
    r"[a-z]*(?:pose|close|ulose|ctose|trose|ucose|ltose|nnose|ntose|xose|ibose|halose|arose|mitose"
    r"|meiose|biose|cenose|osmose|apotheose|metamorphose|grandiose|virtuose|diagnose|hypnose"
    r"|emphyteose|metempsycose|jambose|primerose|pluviose|ventose|nivose|orthose|adipose|plose"
    r"|morose|albumose|anthracnose|gommose|gelose|viscose|nitrose|hematose|narcose|anastomose|surdose"
    r"|nymphose|phagocytose|pinocytose|endocytose|exocytose)s?"
    r"|(?:nostalgie|[a-z]*sympathie|antipathie|empathie|telepathie|homeopathie|osteopathie"
    r"|naturopathie|allopathie|hypocrisie|hypotheque|hyperrealisme|hyperdulie|hypertelie"
    r"|hypothese|dystopie|hypermarche|hypertexte|hypoallergenique|monotonie|hypocrite"
    r"|hypotheque)s?")
#: score of a word found by its disease suffix alone
MORPH_SCORE = 0.6
#: texts shorter than this are scanned by :data:`_MORPH` alone (hyperscan's fixed cost per call)
_SOM_MIN_CHARS = 2048


#: adjective endings of disorder words and the noun ending each comes from ("neuropathique" <-
#: "neuropathie", "carcinomateux" <- "carcinome", "nécrotique" <- "nécrose")
_ADJECTIVE_OF = (("omateuses", "ome"), ("omateuse", "ome"), ("omateux", "ome"),
                 ("lytiques", "lyse"), ("lytique", "lyse"),
                 ("itiques", "ite"), ("itique", "ite"), ("otiques", "ose"), ("otique", "ose"),
                 ("iques", "ie"), ("ique", "ie"))
_MORPH_ADJECTIVE = re.compile(r"[a-z]+(?:iques?|omateu(?:x|ses?))")
#: adjectives of a "-tonie" shape that name no disorder (session 12, issue 3): the tonicity of a
#: solution ("sérum hypertonique", "isotonique"), a drug class ("psychotonique"), physics
#: ("monophotonique")
_MORPH_ADJECTIVE_NOT = re.compile(r"(?:hyper|hypo|iso|psycho|[a-z]*pho)toniques?")
#: "-otique" is only read back to a noun of :data:`_ANY_SUFFIXES` or of these diseases
#: ("chaotique", "robotique", "patriotique" name none)
_OSE_OF_OTIQUE = re.compile(rf"[a-z]*(?:{_alternation(_ANY_SUFFIXES)}|nevrose|psychose|cirrhose"
                            r"|arthrose|cyanose|ankylose)")


#: "ant-" before a vowel is the prefix anti- ("antalgique", "antémétique": a drug class, not the
#: adjective of "algie"); "anté-" (before) starts no such adjective
_ANT_VOWEL = re.compile(r"ant[aeo](?!rieur)")


@functools.lru_cache(maxsize=8192)
def _is_disorder_word(word: str) -> bool:
    """True when ``word`` (folded, one word) is named like a disorder (see :data:`_MORPH`), or
    is the adjective of such a word ("neuropathique", "athéromateuse"; not "anti-": a drug
    class)."""
    if len(word) < 6:
        return False
    if _MORPH_ADJECTIVE.fullmatch(word) is not None:
        if (word.startswith("anti") or _ANT_VOWEL.match(word)
                or _MORPH_ADJECTIVE_NOT.fullmatch(word)):
            return False
        for ending, noun_ending in _ADJECTIVE_OF:
            if word.endswith(ending):
                noun = word[:-len(ending)] + noun_ending
                if noun_ending == "ose" and _OSE_OF_OTIQUE.fullmatch(noun) is None:
                    return False
                return (noun_ending != "ie" or _MORPH_IE.fullmatch(noun) is not None) and \
                    _is_disorder_word(noun)
        return False
    return _MORPH_DISORDER.fullmatch(word) is not None and _MORPH_NOT.fullmatch(word) is None


#: the "-ie" nouns whose "-ique" adjective is read back (not "hyper-" + any "-ie": "hypocrisie")
_MORPH_IE = re.compile(rf"[a-z]+(?:{_alternation(_ANY_SUFFIXES)})|(?:hyper|hypo|dys)[a-z]+emie"
                       rf"|[a-z]*(?:{_alternation(_EMIE_HEADS)})emie")


#: -- adjectives and person nouns built on a listed one-word condition ("diabète" ->
#: "diabétique", "cancer" -> "cancéreux", "tuberculose" -> "tuberculeux"): French derivation
#: suffixes of disease adjectives (folded forms); each rule ``(ending, replacements)``, the
#: first ending that fits wins (so "-isme" and "-ysme" come before "-me": "traumatisme" ->
#: "traumatique", not "traumatismatique"). Session 10 (issue 3, kinds of QUAERO train misses,
#: no term taken from its annotations): the relational adjectives of the other Latin and Greek
#: noun endings of medical French, as the dictionaries pair them (TLFi, Garnier-Delamare):
#: "-ie" -> "-ien" ("hypothyroïdie" -> "hypothyroïdien"), "-isme"/"-ysme" -> "-ismal"/"-ysmal"
#: ("anévrisme" -> "anévrismal"), "-yste" -> "-ystique" ("kyste" -> "kystique"), "-ule" ->
#: "-ulaire"/"-uleux" ("nodule" -> "nodulaire", "fistule" -> "fistuleux"), "-ection" ->
#: "-ectieux" ("infection" -> "infectieux"), "-ence" -> "-entiel" ("démence" -> "démentiel",
#: "carence" -> "carentiel"), "-eur" -> "-oral" ("tumeur" -> "tumoral", Latin tumor,
#: tumoralis), "-yse" -> "-ytique" ("hémolyse" -> "hémolytique"); "-al" adjectives also in
#: "-aux" (the trie's plural marks only add "s" or "x"). Session 11 (issue 3): "-sion" ->
#: "-sif"/"-sive" ("hypertension" -> "hypertensif", "convulsion" -> "convulsive"), and the
#: present participles of the "-ose" lesions ("nécrose" -> "nécrosante", "fibrose" ->
#: "fibrosant", "sclérose" -> "sclérosante"; TLFi)
_ADJECTIVE_RULES = (
    ("psie", ("ptique",)), ("ie", ("ique", "ien", "ienne")),
    ("ose", ("otique", "osique", "eux", "euse", "osant", "osante")),
    ("ome", ("omateux", "omateuse")), ("ite", ("itique",)), ("eme", ("emateux", "emateuse")),
    ("isme", ("ique", "iste", "ismal", "ismale", "ismaux")),
    ("ysme", ("ysmal", "ysmale", "ysmaux")),
    ("me", ("matique",)), ("ete", ("etique",)), ("er", ("ereux", "ereuse")),
    ("es", ("etique",)), ("ase", ("asique",)), ("yste", ("ystique",)),
    ("ule", ("ulaire", "uleux", "uleuse")), ("ection", ("ectieux", "ectieuse")),
    ("ence", ("entiel", "entielle")), ("eur", ("oral", "orale", "oraux")), ("yse", ("ytique",)),
    ("sion", ("sif", "sive")),
)


def _adjectives(term: str) -> list[str]:
    """The adjective forms of a one-word condition (folded), by :data:`_ADJECTIVE_RULES`."""
    for ending, forms in _ADJECTIVE_RULES:
        # a stem of 3 letters or more, 1 before an ending of 4 letters or more ("kyste")
        if term.endswith(ending) and len(term) - len(ending) >= (1 if len(ending) >= 4 else 3):
            return [term[:-len(ending)] + f for f in forms]
    return []


#: a Greek or Latin suffix that makes a word a disease's name by itself (inflammation "-ite", not
#: the noun ending "-ité"; "-ose", "-ome", "-cèle", "-pathie", "-plasie", "-algie", "-émie"...):
#: the head nouns of the CIM-10 names that carry one are listed alone (:func:`_prepare`). Rule
#: source: the medical suffixes of the ICD-10 titles (WHO, ICD-10 Volume 2, naming conventions)
_HEAD_SUFFIX = re.compile(r"(?:ite|ose|ome|cèle|isme|pathie|plasie|trophie|plégie|algie|ectasie"
                          r"|dermie|malacie|émie|urie|rragie|rrhée|pnée|phagie|philie)$")
#: head nouns with such an ending that name no disease (a normal structure or function)
_HEAD_NOT_DISEASE = frozenset({"chromosome", "péristaltisme", "isomérisme"})


def _prepare():
    """The detector's data, built from the data files (kept by :func:`sentinelle.data.cached`):
    ``(terms, squeezed, codes, trie, prefilter, heads)``: score and upper-case flag by
    :func:`_key` and by :func:`_squeeze` of every term, the CIM-10 FR codes, the
    :class:`~sentinelle.detectors.lexicon.TermTrie` of the terms with their plural marks, the
    prefilter source and the terms' literal starts (see ``match_column``)."""
    raw_terms: dict[str, tuple[float, bool]] = {}
    for line in data.lines("health_conditions.txt"):
        for raw in line.split("|"):
            raw = raw.strip()
            upper_only = ambiguous = False
            while raw[:1] in ("=", "?"):
                upper_only |= raw[0] == "="
                ambiguous |= raw[0] == "?"
                raw = raw[1:]
            if not raw:
                continue
            key = " ".join(fold(raw).split())
            score = AMBIGUOUS_SCORE if ambiguous else TERM_SCORE
            prev = raw_terms.get(key)
            # the same folded term listed twice: keep the most permissive reading
            raw_terms[key] = (max(score, prev[0]), upper_only and prev[1]) if prev else (score, upper_only)
    # adjectives and person nouns of the hand list's one-word conditions ("diabétique",
    # "cancéreux"), scored as ambiguous (an adjective also qualifies a thing: "réaction
    # allergique"); not those of the general words marked "?" ("pathologie": "anatomie
    # pathologique" is a discipline)
    for key, (_score, upper_only) in list(raw_terms.items()):
        if " " not in key and not upper_only and key.isalpha() and _score == TERM_SCORE:
            for adjective in _adjectives(key):
                raw_terms.setdefault(adjective, (AMBIGUOUS_SCORE, False))
    for line in data.lines("health_conditions_cim10.txt"):
        # names from the CIM-10 FR titles; the hand list (with its markers) wins
        raw_terms.setdefault(" ".join(fold(line).split()), (TERM_SCORE, False))
    for line in data.lines("health_conditions_cim10.txt"):
        # the adjectives of the one-word CIM-10 names too ("diverticule" -> "diverticulaire",
        # "kyste" -> "kystique"; session 10, issue 3), ambiguous as those of the hand list
        key = fold(line.strip())
        if key.isalpha():
            for adjective in _adjectives(key):
                raw_terms.setdefault(adjective, (AMBIGUOUS_SCORE, False))
    for line in data.lines("health_conditions_cim10.txt"):
        # the head noun of a CIM-10 name of several words, when a disease suffix makes it a
        # disease name by itself ("tuberculome méningé" -> "tuberculome"; session 9, issue 3)
        head = line.split(maxsplit=1)[0].lower()
        if (" " in line.strip() and len(head) >= 6 and _HEAD_SUFFIX.search(head)
                and head not in _HEAD_NOT_DISEASE):
            raw_terms.setdefault(fold(head), (TERM_SCORE, False))
    # the plural of "-al" adjectives and nouns is "-aux" ("accidents vasculaires cérébraux"):
    # the trie's plural marks only add "s" or "x"
    for key, value in list(raw_terms.items()):
        if " " in key and re.search(r"[a-z]{3}al\b", key):
            raw_terms.setdefault(re.sub(r"([a-z]{3})al\b", r"\1aux", key), value)
    # a name listed in the plural only ("blocs auriculoventriculaires", a CIM-10 title) is
    # written in the singular too (the trie's plural marks only add a letter); and a compound
    # joined by "o-" is also written without its hyphen ("auriculo-ventriculaire",
    # "auriculoventriculaire"; session 9, issue 3)
    for key, value in list(raw_terms.items()):
        words = key.split(" ")
        one = " ".join(w[:-1] if w.isalpha() and len(w) > 4 and w[-1] == "s" and w[-2] not in "aiou"
                       else w for w in words)
        if len(words) > 1 and one != key:
            raw_terms.setdefault(one, value)
        if re.search(r"[a-z]{3}o-[a-z]", key):
            raw_terms.setdefault(re.sub(r"([a-z]{3}o)-(?=[a-z])", r"\1", key), value)
    # the ligature: the text is folded letter by letter, so "œdème" stays "œdeme" while the
    # lists are folded to "oedeme": every term with "oe" is also listed with "œ"
    for key, value in list(raw_terms.items()):
        if "oe" in key:
            raw_terms.setdefault(key.replace("oe", "\u0153"), value)
    # an apostrophe followed by a space ("coarctation de l' aorte", "tendon d' Achille"): the
    # way tokenised text, OCR and some word processors write the elision (session 12, issue 3)
    for key, value in list(raw_terms.items()):
        if "'" in key:
            raw_terms.setdefault(key.replace("'", "' "), value)
    codes = frozenset(data.lines("cim10_codes.txt"))
    # looked up by the singular tokens, and by the letters alone ("covid19", "dalzheimer")
    terms: dict[str, tuple[float, bool]] = {}
    squeezed: dict[str, tuple[float, bool]] = {}
    for key, value in raw_terms.items():
        terms.setdefault(_key(key), value)
        squeezed.setdefault(_squeeze(key), value)
    # the prefix tree of the terms, every word optionally plural (the matches of one
    # prefix-tree regex, without its 0.6 s compilation)
    trie = TermTrie(plural_marked(k) for k in raw_terms)
    # a listed term, or the start of an ICD-10 code
    prefilter = (prefix_prefilter(raw_terms) + r"|[a-z]\d\d|" + _PHRASE_KEY.pattern
                 + r"|ite|ome|oma|emie|urie|ose|ique|omateu|hyper|hypo|dys|anorma|lyse|dermie"
                 + r"|philie|"
                 + _alternation(_ANY_SUFFIXES + ["hemie"]))
    # the literal start of every term: its first word, 5 characters at most, cut before
    # its first character that is not an ASCII letter or digit ("h. pylori" -> "h")
    heads = frozenset(
        re.match(r"[0-9a-z]*", re.split(r"[ \-'’]", k, maxsplit=1)[0][:5]).group(0)
        for k in raw_terms)
    return terms, squeezed, codes, trie, prefilter, heads


class HealthConditionDetector(Detector):
    validation_rule = "lexicon, abbreviations with context; CIM-10 codes with a cue"
    rule_source = "hand-built lexicon (data/health_conditions.txt); ATIH CIM-10 FR code list"
    name = "health_condition"
    entity = "HEALTH_CONDITION"
    context_words = (
        "antecedent", "antecedents", "atcd", "diagnostic", "diagnostique", "pathologie",
        "atteint de", "atteinte de", "suivi pour", "suivie pour", "traite pour", "traitee pour",
        "serologie", "depistage", "maladie", "souffre de", "porteur", "porteuse", "ald",
        "history of", "diagnosed", "diagnosis", "suffers from", "screening",
    )
    header_pattern = (
        r"diagnos|patholog|maladie|antecedent|affection|(^|_)(condition|conditions|motif|ald|"
        r"atcd|cim_?10|icd_?10|disease|comorbidites?|diag|dp|das|dad|cim|icd|code_diag|code_cim|"
        r"code_cim_?10|code_icd_?10)(_|$)|comorbid"
    )
    value_threshold = 0.6
    examples = Examples(
        positives=(
            ("Suivi pour une maladie de Parkinson, antécédent", "maladie de Parkinson"),       # pb-035
            ("antécédent de syndrome de Guillain-Barré ;", "syndrome de Guillain-Barré"),     # pb-035
            ("patient séropositif pour le VIH depuis 2010", "séropositif pour le VIH"),
            ("Diabète de type 2 équilibré", "Diabète de type 2"),
            ("ATCD : HTA, dyslipidémie", "HTA"),
            ("history of breast cancer", "breast cancer"),
            ("Diagnostic principal (CIM-10) : C50.9", "C50.9"),
            ("DP : B20 ; DAS : Z21", "B20"),
            ("atteinte hépatique sévère", "atteinte hépatique"),               # organ phrase
        ),
        negatives=(
            "Bilan sanguin normal, pas d'anomalie relevée.",
            "une goutte de sang",             # "goutte" (drop) is not gout
            "vih",                             # abbreviation in lower case
            "la grossesse se déroule bien",   # pregnancy: separate label
            "salle B20, porte C12",            # code-shaped without a diagnosis cue
            "hearing aids",                    # English "aids" in lower case is not AIDS
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        prepared = data.cached("health_condition", _prepare, version=f"9.{TermTrie.FORMAT}", files=(
            "health_conditions.txt", "health_conditions_cim10.txt", "cim10_codes.txt"))
        self._terms, self._squeezed, self._codes, trie, self.prefilter, self._heads = prepared
        self._trie = copy.copy(trie)  # its own hyperscan scratch space
        som_database(_MORPH_STARTS)  # loaded (or compiled) with the detector, not on its first text
        som_database(_PHRASE_SOM)

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        found = list(self._find_terms(text, folded))
        found = self._with_morphology(text, folded, found)
        if len(folded) >= _SOM_MIN_CHARS:
            heads = som_starts(_PHRASE_SOM, folded)
            if heads is None:
                heads = [k.start() for k in _PHRASE_STARTS.finditer(folded)]
        else:
            heads = [k.start() for k in _PHRASE_STARTS.finditer(folded)] if \
                _PHRASE_KEY.search(folded) is not None else []
        if heads:
            found = self._with_phrases(text, folded, found, heads)
        if "mal" in folded or "maux" in folded:
            found = self._with_lay_pain(text, folded, found)
        found = self._with_eponyms(text, folded, found)
        if found:
            found = self._with_eponym_tails(text, folded, found)
        long_text = len(folded) >= _SOM_MIN_CHARS
        prefixed = som_starts(_PREFIXED_SOM, folded) if long_text else None
        if prefixed is None:
            if _PREFIXED.search(folded) is not None:
                found = self._with_prefixed(text, folded, found)
        elif prefixed:
            found = self._with_prefixed(text, folded, found, prefixed)
        if _ABNORMAL_KEY in folded:
            found = self._with_abnormal(text, folded, found)
        if found and "(" in text:
            found = self._with_abbreviations(text, found)
        if found:
            found = self._with_weak_signs(text, folded, found, long_text)
        if found and "anti" in folded:
            # an adjective after "anti-" ends a drug class ("anti-cancéreux", "anti-arythmiques",
            # "anti-infectieux": French prefix anti- "against"; MEDICATION's); a noun after it
            # stays ("sérologie anti-VIH": antibodies against the virus, health data)
            found = [m for m in found
                     if not (_ANTI_BEFORE.search(folded, max(0, m.start - 6), m.start)
                             and _ADJECTIVE_END.search(folded, m.start, m.end))]
        if any(ch.isdigit() for ch in text):
            found.extend(self._find_codes(text, folded))
            found.sort(key=lambda m: m.start)
        if found:
            found = self._with_job_titles(folded, found)
        yield from found

    def _find_terms(self, text: str, folded: str) -> Iterator[Match]:
        trie = self._trie
        pos = 0
        for start in trie.candidates(folded):
            if start < pos:
                continue
            end = trie.match_at(folded, start)
            if end < 0:
                continue
            matched = folded[start:end]
            score, upper_only = (self._terms.get(_key(matched))
                                 or self._squeezed.get(_squeeze(matched), (TERM_SCORE, False)))
            if (upper_only and not text[start:end].rstrip("sx").isupper()) or (
                    matched.startswith("maladie")
                    and _NOT_A_CONDITION_BEFORE.search(folded, max(0, start - 16), start)) or (
                    _NOT_PARTICIPLE.fullmatch(matched)
                    and _PARTICIPLE_END.search(text, start, end)) or (
                    self._not_a_sign(folded, start, end)):
                # "vih" in lower case: not the abbreviation; "assurance maladie": an insurer;
                # "signé": a participle. A shorter term may still start here.
                pos = start + 1
                continue
            yield Match(start, end, score, Validation.NONE, "lexicon",
                        self.normalize(text[start:end]))
            pos = end

    @staticmethod
    def _with_job_titles(folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the matches that qualify a job ("HIV/AIDS nurse", "éducatrice en
        diabète": :data:`_JOB_AFTER`, :data:`_JOB_BEFORE`) scored :data:`JOB_SCORE`."""
        out = []
        for m in found:
            if m.score > JOB_SCORE and _JOB_NOT.search(folded, m.start, m.end) is None and (
                    _JOB_AFTER.match(folded, m.end)
                    or _JOB_BEFORE.search(folded, max(0, m.start - 60), m.start)):
                m = Match(m.start, m.end, JOB_SCORE, m.validation, "job_title", m.normalized,
                          m.entity)
            out.append(m)
        return out

    @staticmethod
    def _not_a_sign(folded: str, start: int, end: int) -> bool:
        """True when the general word ``folded[start:end]`` stands in a context of
        :data:`_NOT_A_SIGN` ("éviter toute confusion", "signes vitaux")."""
        rule = _NOT_A_SIGN.get(folded[start:end].rstrip("s"))
        if rule is None:
            return False
        before, after = rule
        return bool((before is not None and before.search(folded, max(0, start - 12), start))
                    or (after is not None and after.match(folded[end:end + 12])))

    def _with_morphology(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the words named like a disorder (:func:`_is_disorder_word`) that no
        listed term covers, scored :data:`MORPH_SCORE`."""
        starts = som_starts(_MORPH_STARTS, folded) if len(folded) >= _SOM_MIN_CHARS else None
        words = _MORPH.finditer(folded) if starts is None else words_back(_MORPH, folded, starts)
        extra = []
        # found is sorted and its matches do not overlap: the one that may cover a word is the
        # last one starting before the word's end
        starts_found = [m.start for m in found]
        for w in words:
            if not _is_disorder_word(w.group(0)):
                continue
            s, e = w.span()
            if _MORPH_IN_NAME.match(folded, e) or _CAMEL.search(text, s + 1, e):
                continue  # a domain name or an identifier: "OMesothelioma.fr" (session 12)
            k = bisect.bisect_left(starts_found, e) - 1
            if k >= 0 and found[k].end > s:
                continue
            extra.append(Match(s, e, MORPH_SCORE, Validation.NONE, "morphology",
                               self.normalize(text[s:e])))
        return sorted(found + extra, key=lambda m: m.start) if extra else found

    def _with_phrases(self, text: str, folded: str, found: list[Match],
                      heads: list[int] | None = None) -> list[Match]:
        """``found`` (term matches) with the organ phrases of :data:`_PHRASE`; where they
        overlap the longest wins, a listed term at equal length."""
        if heads is None:  # the head nouns' places: where _PHRASE can match
            heads = [k.start() for k in _PHRASE_STARTS.finditer(folded)]
        phrases = []
        pos = 0
        match = _PHRASE.match
        # _PHRASE.finditer(folded), tried only where a head noun starts a word
        for k in heads:
            if k < pos:
                continue
            m = match(folded, k)
            if m is not None and _FIGURATIVE.match(m.group(0)) is None:
                phrases.append(Match(m.start(), m.end(), PHRASE_SCORE, Validation.NONE,
                                     "organ_phrase", self.normalize(text[m.start():m.end()])))
                pos = m.end()
        if not phrases:
            return found
        kept = keep_longest([(m.start, m.end, m.score, str(k)) for k, m in enumerate(found)]
                            + [(m.start, m.end, m.score, f"p{k}") for k, m in enumerate(phrases)])
        return [phrases[int(key[1:])] if key[0] == "p" else found[int(key)]
                for _s, _e, _score, key in kept]

    def _with_lay_pain(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the lay words for a pain of :func:`_lay_pain` ("mal au dos"); where
        they overlap a match the longest wins, the other at equal length. Left out: "pas mal
        de" ("pas mal de dents cariées": quite a lot of; "je n'ai pas mal au dos" is a negated
        pain, reported as "pas de diabète" is), "du/de mal à" ("j'ai du mal à la marche", "tant
        de mal à la main": to struggle), a part marked ``~`` before "de" ("au cœur de la
        crise", "au sein de"), and "faire mal au cœur" (to sadden). The word before "mal" is
        read past any whitespace (a no-break space, two spaces, a line break)."""
        regex, figures = _lay_pain()
        pains = []
        for key in ("mal", "maux"):
            i = folded.find(key)
            while i >= 0:
                m = regex.match(folded, i)
                if m is not None and not self._not_a_lay_pain(folded, m, figures):
                    pains.append(Match(m.start(), m.end(), PHRASE_SCORE, Validation.NONE,
                                       "lay_pain", self.normalize(text[m.start():m.end()])))
                i = folded.find(key, i + 1)
        if not pains:
            return found
        kept = keep_longest([(m.start, m.end, m.score + 0.01, str(k)) for k, m in enumerate(found)]
                            + [(m.start, m.end, m.score, f"p{k}") for k, m in enumerate(pains)])
        return [pains[int(key[1:])] if key[0] == "p" else found[int(key)]
                for _s, _e, _score, key in kept]

    @staticmethod
    def _not_a_lay_pain(folded: str, m: re.Match, figures: frozenset[str]) -> bool:
        """Whether the match ``m`` of :func:`_lay_pain` is an idiom, not a pain (see
        :meth:`_with_lay_pain`)."""
        i = m.start()
        part = m.group("part")
        if (part in figures or part[:-1] in figures) and _LAY_FIGURE_AFTER.match(folded, m.end()):
            return True  # "au cœur de", "au sein de", "à la tête de"
        if part.endswith(("coeur", "c\u0153ur", "coeurs", "c\u0153urs")) and \
                _SADDEN_BEFORE.search(folded, max(0, i - 60), i):
            return True  # "ça me fait mal au cœur": to sadden
        if folded.startswith("maux", i):
            return False
        j = i
        while j > 0 and folded[j - 1].isspace():
            j -= 1
        before = _LAY_NOT_BEFORE.search(folded, max(0, j - 3), j)
        if before is None:
            return False
        # "pas mal de" (quite a lot of); "du mal à", "tant de mal à" (to struggle)
        return (before.group(1) == "pas") == (m.group("a") is None)

    def _with_eponyms(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the eponymous names of :data:`_EPONYM` ("phénomène de Raynaud", "mal
        de Pott"); where they overlap a term the longest wins, the term at equal length. The
        regex is tried only where a head noun stands (``str.find`` of :data:`_EPONYM_KEYS` in
        the folded text: speed, issue 6)."""
        eponyms = []
        for key in _EPONYM_KEYS:
            i = folded.find(key)
            while i >= 0:
                m = _EPONYM.match(text, i)
                if m is not None:
                    eponyms.append(Match(m.start(), m.end(), TERM_SCORE, Validation.NONE, "eponym",
                                         self.normalize(m.group(0))))
                i = folded.find(key, i + 1)
        if not eponyms:
            return found
        kept = keep_longest([(m.start, m.end, m.score, str(k)) for k, m in enumerate(found)]
                            + [(m.start, m.end, m.score - 0.01, f"e{k}") for k, m in enumerate(eponyms)])
        return [eponyms[int(key[1:])] if key[0] == "e" else found[int(key)]
                for _s, _e, _score, key in kept]

    def _with_weak_signs(self, text: str, folded: str, found: list[Match],
                         long_text: bool = False) -> list[Match]:
        """``found`` with the words of :data:`_WEAK_SIGN` that no match covers and that stand
        near a match of ``found`` in the same sentence; on a long text the regex is tried only
        where hyperscan finds a word's start (:data:`_WEAK_SIGN_SOM`)."""
        extra = []
        starts = [m.start for m in found]
        signs = som_starts(_WEAK_SIGN_SOM, folded) if long_text else None
        for w in (_WEAK_SIGN.finditer(folded) if signs is None
                  else finditer_at(_WEAK_SIGN, folded, signs)):
            s, e = w.span()
            if self._not_a_sign(folded, s, e) or _WEAK_SIGN_NOT_AFTER.match(folded, e):
                continue
            k = bisect.bisect_left(starts, e)  # found[k]: the first match starting at e or after
            if k > 0 and found[k - 1].end > s:  # covered by a match
                continue
            gaps = ([(found[k - 1].end, s)] if k > 0 else []) + \
                   ([(e, found[k].start)] if k < len(found) else [])
            if any(hi - lo <= _WEAK_SIGN_REACH and not _SENTENCE_END.search(text, lo, hi)
                   for lo, hi in gaps):
                extra.append(Match(s, e, AMBIGUOUS_SCORE, Validation.NONE, "sign_near_condition",
                                   self.normalize(text[s:e])))
        return sorted(found + extra, key=lambda m: m.start) if extra else found

    def _with_eponym_tails(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the eponyms that follow its matches: a one-word match named like a
        disease (:data:`_EPONYM_HEAD_WORD`) grows over "de <Name>" (:data:`_EPONYM_AFTER`),
        and the second name of "<disease> de <Name> et de <Name2>" is a match of its own
        (:data:`_EPONYM_AND`, scored as the first)."""
        out = []
        for k, m in enumerate(found):
            next_start = found[k + 1].start if k + 1 < len(found) else len(text)
            if m.pattern in ("lexicon", "morphology") and " " not in folded[m.start:m.end] \
                    and _EPONYM_HEAD_WORD.fullmatch(folded, m.start, m.end):
                a = _EPONYM_AFTER.match(text, m.end)
                if a is not None and a.end() <= next_start \
                        and not _is_first_name(_LAST_NAME.search(a.group(0)).group(0)):
                    m = Match(m.start, a.end(), m.score, Validation.NONE, "eponym",
                              self.normalize(text[m.start:a.end()]))
            out.append(m)
            if _ENDS_WITH_NAME.search(text, m.start, m.end):
                b = _EPONYM_AND.match(text, m.end)
                if b is not None and b.end() <= next_start \
                        and not _is_first_name(_LAST_NAME.search(b.group(1)).group(0)):
                    out.append(Match(b.start(1), b.end(1), m.score, Validation.NONE, "eponym",
                                     self.normalize(b.group(1))))
        return out

    def _with_prefixed(self, text: str, folded: str, found: list[Match],
                       places: list[int] | None = None) -> list[Match]:
        """``found`` with the words made of a prefix of :data:`_PREFIXED` and a listed
        one-word condition that no match covers, scored :data:`MORPH_SCORE`; ``places``: where
        such a word can start (hyperscan), else the whole text is read."""
        starts = [m.start for m in found]
        extra = []
        for w in (_PREFIXED.finditer(folded) if places is None
                  else finditer_at(_PREFIXED, folded, places)):
            word = w.group(0)
            hits = [self._terms.get(_key(rest)) for rest in
                    (word[len(p):].lstrip("-") for p in _PREFIXES if word.startswith(p))
                    if len(rest) >= 5 and _key(rest) not in _PREFIXED_NOT]
            if not any(h is not None and not h[1] for h in hits):
                continue
            s, e = w.span()
            k = bisect.bisect_left(starts, e) - 1
            if k >= 0 and found[k].end > s and not (found[k].start > s and found[k].end == e):
                continue
            extra.append(Match(s, e, MORPH_SCORE, Validation.NONE, "morphology",
                               self.normalize(text[s:e])))
        if not extra:
            return found
        # the prefixed word replaces the listed condition it ends with ("pseudo-tumeur")
        inside = {(m.start, m.end) for m in extra}
        return sorted([m for m in found if not any(s < m.start and m.end == e for s, e in inside)]
                      + extra, key=lambda m: m.start)

    @staticmethod
    def _abnormal_starts(folded: str) -> list[int]:
        """The starts of the words right before each " anorma" of ``folded``: the only
        places where :data:`_ABNORMAL` (a whole word, one space, "anorma...") can match, so
        ``finditer_at`` there gives its ``finditer`` (speed, issue 6: the regex tried every
        letter of the text)."""
        starts = []
        i = folded.find(_ABNORMAL_KEY)
        while i >= 0:
            j = i
            while j > 0 and "a" <= folded[j - 1] <= "z":
                j -= 1
            if j < i:
                starts.append(j)
            i = folded.find(_ABNORMAL_KEY, i + 1)
        return starts

    def _with_abnormal(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """``found`` with the abnormal findings of :data:`_ABNORMAL` ("rêves anormaux"); where
        they overlap a term or a phrase the longest wins, the other at equal length."""
        extra = [Match(m.start(), m.end(), ABNORMAL_SCORE, Validation.NONE, "abnormal_finding",
                       self.normalize(text[m.start():m.end()]))
                 for m in finditer_at(_ABNORMAL, folded, self._abnormal_starts(folded))
                 if m.group(1) not in _ABNORMAL_NOT_BEFORE]
        if not extra:
            return found
        kept = keep_longest([(m.start, m.end, m.score, str(k)) for k, m in enumerate(found)]
                            + [(m.start, m.end, m.score - 0.01, f"a{k}") for k, m in enumerate(extra)])
        return [extra[int(key[1:])] if key[0] == "a" else found[int(key)]
                for _s, _e, _score, key in kept]

    def _with_abbreviations(self, text: str, found: list[Match]) -> list[Match]:
        """``found`` with the abbreviations the text defines for a found condition, wherever
        they stand in the text: "syndrome malin des neuroleptiques (SMN)" or "SMN (syndrome
        malin des neuroleptiques)" make every later "SMN" one too (the rule of Schwartz and
        Hearst, PSB 2003: the letters of the abbreviation appear in order in the long form, the
        first one starting its first word)."""
        abbreviations: dict[str, Match] = {}
        for m in found:
            after = _ABBR_AFTER.match(text, m.end) or _ABBR_AFTER_WORDS.match(text, m.end)
            before = _ABBR_BEFORE.search(text, max(0, m.start - 14), m.start)
            for g, long_form in ((after, text[m.start:after.start(1)] if after else ""),
                                 (before, text[m.start:m.end])):
                if g is not None and _abbreviates(g.group(1), long_form):
                    abbreviations.setdefault(g.group(1), m)
        if not abbreviations:
            return found
        taken = [(m.start, m.end) for m in found]
        extra = []
        # (?<![A-Za-z0-9])(?:abbreviations)(?![A-Za-z0-9]), its first letter read first (speed)
        for a in re.finditer(r"(?:" + _first_letter_branches([re.escape(a) for a in abbreviations],
                                                            "[A-Za-z0-9]")
                             + r")(?![A-Za-z0-9])", text):
            if any(s < a.end() and a.start() < e for s, e in taken):
                continue
            extra.append(Match(a.start(), a.end(), abbreviations[a.group(0)].score,
                               Validation.NONE, "abbreviation", self.normalize(a.group(0))))
        return sorted(found + extra, key=lambda m: m.start) if extra else found

    def code_match(self, code: str) -> tuple[float, Validation] | None:
        """Score and validation of an ICD-10 code as written ("C50.9", "C509", "B24+0"):
        listed in CIM-10 FR (exactly, or its 3-4 character prefix for ATIH extensions) 0.8 and
        VALID; well-formed but unlisted 0.5 and INVALID; a "U" code (WHO provisional chapter)
        that is not listed, None."""
        compact = code.replace(".", "").split("+")[0].upper()
        if compact in self._codes or (len(compact) > 4 and compact[:4] in self._codes):
            return ICD_SCORE, Validation.VALID
        if compact.startswith("U"):
            return None
        return ICD_UNLISTED_SCORE, Validation.INVALID

    def _find_codes(self, text: str, folded: str) -> Iterator[Match]:
        """ICD-10 codes confirmed by a cue before them ("CIM-10", "diagnostic", "DP", "code")
        or by the accepted code just before them (a list after one cue)."""
        last_end = -1
        for m in _ICD.finditer(text):
            res = self.code_match(m.group(0))
            if res is None:
                continue
            score, validation = res
            chained = last_end >= 0 and _ICD_CHAIN.match(folded[last_end:m.start()])
            cue = _ICD_CUE if validation is Validation.VALID else _ICD_STRONG_CUE
            if not chained and not cue.search(folded[max(0, m.start() - 40):m.start()]):
                continue
            last_end = m.end()
            yield Match(m.start(), m.end(), score, validation, "icd10_code",
                        m.group(0).replace(".", "").upper())

    def header_matches(self, folded_header: str) -> bool:
        """The header names a diagnosis (``header_pattern``) or a condition's status
        (:meth:`status_header`)."""
        return super().header_matches(folded_header) or self.status_header(folded_header)

    def status_header(self, folded_header: str) -> bool:
        """True when the folded header (``fold_header``: words joined by ``_``) names a
        condition of the lexicon, with or without a generic word ("statut_vih", "hiv_status",
        "hivstatus", "vih", "hepatite_c", "diabete"), and no word of a date, id or count.
        A header of generic words alone ("statut", "resultat") names no condition."""
        words: list[str] = []
        for w in folded_header.split("_"):
            for g in _STATUS_WORDS_LONGEST:  # a camelCase header was folded in one word: "hivstatus"
                if w != g and (w.startswith(g) or w.endswith(g)):
                    w = w[len(g):] if w.startswith(g) else w[:-len(g)]
                    break
            if w in _STATUS_DENY:
                return False
            if w and w not in _STATUS_WORDS and w not in _STATUS_FILLER:
                words.append(w)
        for i in range(len(words)):
            for n in range(min(4, len(words) - i), 0, -1):
                name = " ".join(words[i:i + n])
                if name in _STATUS_EXTRA_CONDITIONS:
                    return True
                if len(name) < 3:
                    continue
                hit = self._terms.get(_key(name)) or self._squeezed.get(_squeeze(name))
                if hit is not None and hit[0] >= TERM_SCORE:  # not an ambiguous word ("douleur")
                    return True
        return False

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip().rstrip(".;,")
        if not stripped:
            return None
        lead = len(value) - len(value.lstrip())
        end = lead + len(stripped)
        if header_hit:
            # a status column ("statut_vih": "positif", "oui", "+", "1"): the cell is the status
            status = fold(stripped)
            if status in _STATUS_VALUES:
                return Match(lead, end, STATUS_SCORE, Validation.NONE, "status_cell", status)
            # a diagnosis column: a bare code is confirmed by the header ("cim10", "diag", "dp")
            c = _ICD.fullmatch(stripped)
            res = self.code_match(stripped) if c is not None else None
            if res is not None:
                return Match(lead, end, res[0], res[1], "icd10_code_cell",
                             stripped.replace(".", "").upper())
        for m in self.find(value):
            if m.start <= lead and m.end >= end:
                return m
            break
        return None

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6). A term match covers the cell, so it
        starts right after the leading blanks with the literal start of a listed term's first
        word (:func:`~sentinelle.detectors.lexicon.column_first_run`, checked once per
        distinct 5-character start); in a diagnosis column a cell shaped like a bare CIM-10
        code may be one. Only those cells go through :meth:`match_cell`."""
        if len(values) < SMALL_COLUMN:  # the loop is faster on a short column
            return super().match_column(values, header_hit)
        import polars as pl

        heads = self._heads
        if "" in heads:  # a term starting with another character: no cheap rule
            maybe = pl.Series([True] * len(values), dtype=pl.Boolean)
        else:
            maybe = run_may_start(column_first_run(values, 5),
                                  lambda r: any(r[:n] in heads for n in range(1, len(r) + 1)))
        if header_hit:  # a bare code ("C50.9", "B24+0"): a superset of _ICD on the stripped cell
            code = values.str.strip_chars(PY_WHITESPACE).str.contains(r"^[A-Z]\d{2}[0-9.+]*[.;,]*$")
            # a status value ("négatif", "oui", "+"): a superset by length
            short = values.str.strip_chars(PY_WHITESPACE).str.len_chars() <= 12
            maybe = maybe | code | short
        return match_column_where(self, values, header_hit, maybe)

    def normalize(self, value: str) -> str:
        return _normalized(value)
