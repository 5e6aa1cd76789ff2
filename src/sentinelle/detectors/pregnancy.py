"""PREGNANCY detector: a current or past pregnancy of the data subject (GDPR art. 9 health data).

Rule source: French obstetric vocabulary as written in reports and prescriptions (Haute Autorité
de santé, "Suivi et orientation des femmes enceintes", 2016; the CNGOF glossary): gestational
age in weeks of amenorrhoea ("12 SA", "12 semaines d'aménorrhée", "32 SA + 4 j"), gravidity and
parity ("G2P1", "2G1P", "G3P2A1"), the expected term ("terme prévu", "date prévue
d'accouchement", "DPA"), the last period ("DDR", date des dernières règles), a positive
beta-hCG ("bêta-hCG positifs", "βhCG positive") or pregnancy test, "enceinte", "grossesse",
"gestation", "interruption volontaire de grossesse"/"IVG", obstetric history words
("primigeste", "primipare", "multipare", "parturiente", "gravide", "post-partum"), and English
("pregnant", "pregnancy", "weeks pregnant", "gestation", "gestational age").

Span conventions (one finding per statement, the longest form wins):

* "grossesse de 12 SA", "grossesse (12 SA)", "grossesse gémellaire", "grossesse
  extra-utérine", "enceinte de 3 mois", "âge gestationnel 28 SA" are one span each;
* "32 SA + 4 j" and "12 semaines d'aménorrhée" alone are one span each (SA in capitals);
* "bêta-hCG positifs" and "test de grossesse positif" include the result word;
* "terme prévu", "date prévue d'accouchement", "DDR" and "DPA" are the cue only: the date after
  them is a separate DATE_TIME finding (not swallowed, so a date-shifting redactor still sees
  it).

Negation (decision): a statement that there is no pregnancy ("pas enceinte", "non enceinte",
"n'est pas enceinte", "absence de grossesse", "pas de grossesse", "grossesse exclue", "not
pregnant") is not a pregnancy and gives no PREGNANCY finding. A negative test ("bêta-hCG
négatifs", "test de grossesse négatif") is still data concerning health (art. 9: a pregnancy
test was done) but not a pregnancy: it is reported as LAB_RESULT by
:mod:`sentinelle.detectors.lab_result`, and not here.

Scores: 0.8 for unambiguous forms (gestational age, G/P notation, positive test, "grossesse de
N SA"), 0.7 for "grossesse"/"enceinte"/"pregnant", 0.6 for history words and "IVG", 0.5 for the
abbreviations DDR and DPA (upper case only; context words such as "terme", "échographie",
"obstétrical" raise them). "enceinte" after an article ("l'enceinte", "une enceinte
Bluetooth") is an enclosure or a loudspeaker and is skipped.

Error preference: a leak scanner prefers a false positive with a low score to a miss, so drug
leaflet sentences ("chez la femme enceinte") are reported too; the words alone carry no name.
"Diabète gestationnel" is a HEALTH_CONDITION, not a pregnancy span.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.detectors.lexicon import keep_longest
from sentinelle.finding import Validation

_S = r"[ \u00a0]"
_NUM_WORDS = r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|\d{1,2})"
#: "12 SA", "12 SA + 4 j", "12 SA et 4 jours", "12 semaines d'amenorrhee", "3 mois" (folded)
_AGE = (rf"\d{{1,2}}(?:[.,]\d)?{_S}*(?:sa\b(?:{_S}*(?:\+|et){_S}*\d{{1,2}}(?:{_S}*j(?:ours?)?\b)?)?"
        rf"|(?:semaines?|sem\.?){_S}+d[' ’]?{_S}*amenorrhee|semaines?\b|mois\b)")
_QUAL = (r"(?:gemellaire|triple|multiple|unique|extra[\- ]?uterine|intra[\- ]?uterine|molaire|"
         r"evolutive|non evolutive|arretee|en cours|a risque|pathologique|prolongee|"
         r"debutante|de deroulement normal|normale|mal suivie|spontanee)s?")
_POS = r"(?:positi(?:fs|ves|f|ve)|pos\.?(?![a-z]))"
_HCG = r"(?:(?:beta|b|β)[\- ]?h[\- ]?cg|h[\- ]?cg(?:[\- ]?(?:beta|b|β))?)"

#: (pattern name, folded regex, score); every regex runs over length-preserving folded text
_RULES: tuple[tuple[str, str, float], ...] = (
    ("grossesse",
     rf"(?:interruption{_S}+(?:volontaire|medicale|therapeutique){_S}+de{_S}+)?grossesses?"
     rf"(?:{_S}+{_QUAL})?"
     rf"(?:{_S}*(?:\({_S}*(?:(?:de|a){_S}+)?{_AGE}{_S}*\)|:?{_S}*(?:(?:de|a|a terme de){_S}+)?{_AGE}))?",
     0.7),
    ("enceinte", rf"enceintes?(?:{_S}+(?:de{_S}+)?{_NUM_WORDS}{_S}*(?:mois|semaines?|sa)\b)?", 0.7),
    ("gestational_age",
     rf"(?:age{_S}+gestationnel|terme){_S}*(?::{_S}*|de{_S}+|a{_S}+)?{_AGE}", 0.8),
    ("weeks_amenorrhoea", _AGE, 0.8),  # kept only when "SA" is upper case or amenorrhee is said
    ("gravidity_parity", r"(?:g\d{1,2}[ ]?p\d{1,2}(?:[ ]?a\d{1,2})?|\d{1,2}g[ ]?\d{1,2}p)", 0.8),
    ("positive_test",
     rf"(?:{_HCG}(?:{_S}+(?:plasmatiques?|sanguins?|urinaires?|qualitatifs?|quantitatifs?))?"
     rf"|test{_S}+de{_S}+grossesse(?:{_S}+(?:urinaire|sanguin))?|pregnancy{_S}+test)"
     rf"{_S}*(?:[:=]{_S}*)?(?:(?:est|revient|revenu|is){_S}+)?{_POS}", 0.8),
    ("positive_test_en", rf"positive{_S}+(?:pregnancy{_S}+test|{_HCG})", 0.8),
    ("expected_term",
     rf"terme{_S}+(?:prevu|presume|theorique)|date{_S}+(?:prevue|presumee){_S}+d['’ ]?{_S}*accouchement"
     rf"|expected{_S}+(?:date{_S}+of{_S}+)?delivery|due{_S}+date", 0.7),
    ("abbreviation", r"ddr|dpa|ivg", 0.5),
    ("history", r"primigeste|multigeste|primipare|multipare|parturiente|gravides?|post[\- ]?partum", 0.6),
    ("pregnant_en",
     rf"(?:\d{{1,2}}{_S}+weeks?{_S}+)?pregnan(?:t|cy|cies)|\d{{1,2}}{_S}+weeks?{_S}+(?:of{_S}+)?gestation"
     rf"|gestation(?:{_S}+(?:de{_S}+)?{_AGE})?|gestational{_S}+age", 0.7),
)
_RE = re.compile(r"(?<![0-9a-z])(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx, _s in _RULES)
                 + r")(?![0-9a-z])")
_SCORES = {name: s for name, _rx, s in _RULES}
#: the whole rule is upper-case in the text: DDR, DPA, IVG
_UPPER_ONLY = {"abbreviation"}
#: negation right before (folded text)
_NEG_BEFORE = re.compile(
    r"(?:\b(?:pas|plus|non|jamais|ni|not|no|never)(?:\s+(?:encore|actuellement|de|d'))?"
    r"|absence\s+de|sans|exclusion\s+d'une|test\s+de|desir\s+de|projet\s+de|risque\s+de)\s*$")
_NEG_AFTER = re.compile(r"^\s*(?:exclue|eliminee|negati\w*|non\s+confirmee|improbable)")
#: an article before "enceinte": the enclosure or the loudspeaker
_ENCLOSURE = re.compile(r"(?:\b(?:l|d|une|cette|les|des|la|son|sa|ses|leur|mon|ma)\s*['’]?\s*)$")
#: every rule holds one of these (folded text); the full grammar runs only around them
#: not "mois" nor "semaine": "3 mois", "12 semaines" alone are rejected (weeks_amenorrhoea needs
#: "SA" or "aménorrhée"), so an accepted match holds another keyword; frequent words in notes,
#: they cost a grammar search each
#: (each alternative starts with a character, its lookbehind after it, so ``re`` skips ahead
#: to the characters that can start one: twice as fast as a leading lookbehind)
_KEYWORD = re.compile(
    r"grossess|enceint|gestation|pregnan|amenorrh|hcg|s(?<![a-z]s)a(?![a-z])|g(?<![a-z]g)\d|\dg\d"
    r"|terme|accouchement|delivery|due date|ddr|dpa|ivg|primi|multi|parturi|gravid|partum")
_SA_UPPER = re.compile(r"\bSA\b|[Aa]m[ée]norrh[ée]e|AMÉNORRHÉE")


class PregnancyDetector(Detector):
    validation_rule = "obstetric grammar (SA, G/P, hCG), negation excluded"
    rule_source = "HAS 2016 pregnancy follow-up; CNGOF obstetric vocabulary"
    #: _KEYWORD with its lookarounds written as characters (a prefilter has none): the grammar
    #: only runs around a keyword
    prefilter = (r"grossess|enceint|gestation|pregnan|amenorrh|hcg|(?:^|[^a-z])sa(?:[^a-z]|$)"
                 r"|(?:^|[^a-z])g\d|\dg\d|terme|accouchement|delivery|due date|ddr|dpa|ivg|primi"
                 r"|multi|parturi|gravid|partum")
    #: candidate windows (issue 6): every grammar search and check reads at most 48 + 30
    #: characters before a keyword and 80 + 20 after it, and the keywords are the prefilter's
    #: matches; overlapping candidates (``keep_longest``) lie within those reaches too. On
    #: 3 MB of lab reports the keyword scan of the whole text cost 180 ms for 11 keywords
    window = 256
    name = "pregnancy"
    entity = "PREGNANCY"
    context_words = (
        "terme", "echographie", "obstetrical", "obstetricale", "obstetrique", "maternite",
        "sage-femme", "sage femme", "gynecologue", "prenatal", "prenatale", "accouchement",
        "uterus", "foetus", "foetal", "embryon", "amenorrhee", "gestite", "parite", "regles",
        "obstetric", "prenatal care", "fetal", "midwife", "ultrasound",
    )
    header_pattern = (r"grossesse|enceinte|gestation|amenorrhee|(^|_)(sa|terme|ddr|dpa|"
                      r"pregnan\w*|gravidite|gestite|parite|g_p)(_|$)")
    header_required = True
    examples = Examples(
        positives=(
            ("Patiente enceinte, suivi mensuel", "enceinte"),
            ("grossesse de 12 SA, bien tolérée", "grossesse de 12 SA"),
            ("Échographie à 22 SA + 3 j normale", "22 SA + 3 j"),
            ("ATCD obstétricaux : G2P1", "G2P1"),
            ("bêta-hCG positifs le 3 mars", "bêta-hCG positifs"),
            ("She is 12 weeks pregnant", "12 weeks pregnant"),
        ),
        negatives=(
            "pas enceinte à ce jour",
            "test de grossesse négatif",
            "dans l'enceinte de l'hôpital",
            "une enceinte Bluetooth",
            "sa mère est venue",                 # "sa" is a word, not "SA"
            "diabète gestationnel",
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        cands: list[tuple[int, int, float, str]] = []
        pos = 0
        n = len(folded)
        while pos < n:
            # cheap keyword first, then the full grammar in a window around it
            k = _KEYWORD.search(folded, pos)
            if k is None:
                break
            m = _RE.search(folded, max(pos, k.start() - 48), min(n, k.end() + 80))
            if m is None:
                pos = k.end()
                continue
            start, end = m.start(), m.end()
            kind = m.lastgroup or ""
            pos = start + 1
            raw = text[start:end]
            if kind in _UPPER_ONLY and raw != raw.upper():
                continue
            if kind == "gravidity_parity" and not ("G" in raw and "P" in raw):
                continue  # "g2p1" in lower case is no notation
            if kind == "weeks_amenorrhoea" and not _SA_UPPER.search(raw):
                continue  # "12 sa" / "3 mois" alone: not an obstetric age
            if kind == "enceinte" and _ENCLOSURE.search(folded[max(0, start - 12):start]):
                continue
            before = folded[max(0, start - 30):start]
            if _NEG_BEFORE.search(before) and kind != "positive_test":
                continue
            if kind in ("grossesse", "enceinte", "pregnant_en") and _NEG_AFTER.match(folded[end:end + 20]):
                continue
            if kind == "pregnant_en" and re.search(r"\bnot\s*$|\bnon[- ]?$", before):
                continue
            score = 0.6 if raw == "IVG" else _SCORES[kind]
            if kind == "grossesse" and re.search(r"\d", raw):
                score = 0.8
            cands.append((start, end, score, kind))
        # overlapping candidates: the longest wins (then the higher score, then the earlier)
        for start, end, score, kind in keep_longest(cands):
            yield Match(start, end, score, Validation.NONE, kind, self.normalize(text[start:end]))
