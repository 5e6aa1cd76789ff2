"""LAB_RESULT detector: a laboratory analysis with its result value (GDPR art. 9 health data).

Rule source: the curated lexicon ``data/lab_analyses.txt`` (common French medical biology
analyses and abbreviations: blood count, biochemistry, hormones, serologies, viral loads;
LOINC French names are not freely redistributable, so none is copied; see data/SOURCES.md)
and a grammar of values and units (the units of French lab reports: SI and conventional units
of the "Nomenclature des actes de biologie médicale" reports, UCUM spellings as found in HL7
OBX-6: g/dL, mmol/L, mUI/L, copies/mL, G/L, %...).

Grammar: ``analyte [qualifier] separator value [unit]``

* analyte: a lexicon term (longest first; "Charge virale VIH" beats "charge virale");
  abbreviations marked ``=`` need a capital as written ("CRP", "HbA1c", not "crp");
* qualifier: "à jeun", "sérique", "plasmatique", "(HbA1c)", "IgG"...; the virus and its type
  after an assay ("Western Blot VIH-1", "charge virale VIH1") or the type glued to the virus an
  analysis names ("Charge virale VIH-1": HIV-1/HIV-2, HTLV-1/2, HSV-1/2 are the types a report
  writes);
* separator: ``:``, ``=``, dot leaders, spaces or a tab, "à"/"est à"/"de" ("CRP à 45 mg/L"), or
  the fields of a structured line: HPRIM ``RES|HEMOGLOBINE|NF 030|N|14.8|g/dL`` and HL7
  ``OBX|1|NM|718-7^Hémoglobine^LN||13.2|g/dL`` (up to four ``|``/``^`` fields after the analyte);
* value: a number (``13,2``, ``< 20``, ``7 800``, ``4.5 x 10^9``) or a qualitative result
  ("positive", "négatif", "non détecté", "indétectable", "présence");
* unit: after the number, optionally after a ``|`` or ``^``; viral loads in copies or IU per
  mL or their decimal logarithm ("45 000 copies/mL", "4,65 log copies/mL", "3,2 log10
  copies/mL", "3,1 log UI/mL").

Serology confirmation assays (Western Blot, immunoblot, line immunoassay, "test de
confirmation": the second test after a reactive HIV screening, HAS 2008-2009) are analyses of
the lexicon; their result is qualitative (positif, négatif, indéterminé).

Span convention: from the analyte through the value and its unit ("Hémoglobine : 13,2 g/dL",
"Glycémie à jeun 1,05 g/L", "Ag HBs négatif"); the reference range after it is not included.
An analyte without a value ("CRP à contrôler") is no finding.

Scores: analyte + number + unit, or analyte + qualitative result: 1.0 (the whole grammar is
structural evidence, and a result must win over a condition inside it: "Sérologie VIH :
positive" is one LAB_RESULT, not "VIH"); analyte + number without unit 0.6; ambiguous
analytes (``?``: "Na", "K", "TP", "VS") are kept only with a unit (0.8).

A positive pregnancy test ("bêta-hCG positifs", "test de grossesse positif") is left to
PREGNANCY; a negative one is reported here (health data, not a pregnancy).

Error preference: a leak scanner prefers a false positive with a low score to a miss; the
grammar is strict on the value side (a date or a range is not a value) and loose on the
separator side (reports use dot leaders, columns and pipes).

Tables: a cell holding analyte and value is matched as text; a column of bare numbers is not a
lab result (the analyte is in another column).

Speed (issue 6): on a text of :data:`SOM_MIN_CHARS` or more the analysis regex is tried only
where one hyperscan pass finds a term's literal start (:func:`_start_pattern`; same matches:
``tests/detectors/test_candidate_starts.py``). The unit alternation is grouped by first
character (:func:`_unit_pattern`: same matches, about a sixth less time in the value regex;
``tests/detectors/test_lab_result_units.py``).
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold_keep_length
from sentinelle.detectors.lexicon import (canonical, escape_latin1, latin1_class, load_terms,
                                          prefix_prefilter, search_at, som_database, som_starts,
                                          trie_regex)
from sentinelle.finding import Validation

#: on a text of this many characters or more the analysis regex is tried only where hyperscan
#: finds the literal start of a term after a non-word character (issue 6: the regex's search
#: entered its lookbehind at every character, half the detector's time on lab reports)
SOM_MIN_CHARS = 2048

FULL_SCORE = 1.0
NO_UNIT_SCORE = 0.6
AMBIGUOUS_SCORE = 0.8

_S = r"[ \u00a0]"
_QUALIFIER = (
    # the virus and its type after an assay ("Western Blot VIH-1", "charge virale VIH1"), the
    # type glued to a virus named by the analysis ("charge virale VIH-1", "HTLV-2")
    rf"(?:{_S}+(?:VIH|HIV|VHC|HCV|VHB|HBV|HTLV|HSV|CMV|EBV)(?:[-{_S[1:-1]}]?[12])?(?![0-9A-Za-z.,])"
    r"|-[12](?![0-9A-Za-z.,])"
    rf"|{_S}*\([^()\n]{{1,30}}\)|{_S}+(?:(?i:a|à){_S}+jeun|(?i:s[ée]rique|plasmatique|sanguine?"
    rf"|totale?|libre|capillaire|veineuse?|ultra-?sensible|us|corrig[ée]e?|IgG|IgM|quantitative?"
    rf"|qualitative?|urinaire)))*"
)
_SEP_TEXT = (
    rf"(?:{_S}*(?:[:=]|->|→){_S}*|{_S}*[.…_]{{2,}}{_S}*|\t+{_S}*"
    rf"|{_S}+(?:(?i:est|était|etait|revient|revenue?|reste|is|was){_S}+)?(?:(?i:à|a|de|at|of){_S}+)?)"
)
_SEP_STRUCT = r"(?:[|^][^|^\n]{0,24}){0,4}?[|^]"
_NUM = (rf"(?:[<>≤≥]=?{_S}*)?[-+−]?(?:\d{{1,3}}(?:{_S}\d{{3}})+|\d{{1,7}})(?:[.,]\d{{1,4}})?"
        rf"(?:{_S}?[x×*]{_S}?10{_S}?(?:\^|\*\*|e)?{_S}?[-−]?\d{{1,2}})?\*?")
_UNITS = (
    # viral loads: copies or IU per mL, or their decimal logarithm ("4,65 log copies/mL",
    # "3,2 log10 copies/mL", "5,1 Log UI/mL")
    "log10 copies/ml", "log10 cp/ml", "log10 ui/ml", "log ui/ml", "log10", "log₁₀",
    "log copies/ml", "log cp/ml", "copies/ml", "cp/ml", "ui/ml", "ui/l", "mui/l", "mui/ml",
    "µui/ml", "μui/ml", "uui/ml", "kui/l", "u/l", "u/ml", "g/dl", "g/l", "mg/dl", "mg/l",
    "mg/24 h", "mg/24h", "g/24h", "g/24 h", "µg/l", "μg/l", "ug/l", "µg/dl", "ng/ml", "ng/l",
    "pg/ml", "pmol/l", "nmol/l", "µmol/l", "μmol/l", "umol/l", "mmol/l", "mmol/24h", "meq/l",
    "mosm/kg", "mm/h", "mmhg", "kpa", "fl", "pg", "µm3", "/mm3", "/mm³", "/µl", "/ul", "g/l",
    "t/l", "giga/l", "tera/l", "téra/l", "10^9/l", "10^12/l", "109/l", "ml/min/1,73 m²",
    "ml/min/1.73m2", "ml/min/1,73m2", "ml/min/1,73 m2", "ml/min", "%", "‰", "secondes", "sec",
    "s", "index", "ratio", "ua/ml", "au/ml", "mg/mmol", "g/mmol", "unités", "log",
)


def _unit_pattern(units: tuple[str, ...]) -> str:
    """The units as one case-insensitive alternation, longest first (a longer unit wins; the
    first one followed by neither a word character nor ``/`` is taken), a space written
    ``[ \u00a0]?``. Speed (issue 6): the alternatives are grouped by their first character
    (case folded: ``µ`` and ``μ`` match each other under ``(?i)``), each group written once
    as that character and the alternation of the rests, in the same order; ``re`` tries the
    alternatives one by one, and a group whose first character fails is now one test instead
    of one per unit. Same matches: two units matching at one place share their first character,
    so they lie in one group, tried in the order of the flat alternation."""
    groups: dict[str, list[str]] = {}
    for unit in sorted(units, key=len, reverse=True):
        rest = re.escape(unit[1:]).replace(r"\ ", _S + "?")
        groups.setdefault(unit[0].casefold(), []).append(rest)
    firsts = {unit[0].casefold(): unit[0] for unit in reversed(units)}
    return ("(?i:" + "|".join(re.escape(firsts[c]) + "(?:" + "|".join(rests) + ")"
                             for c, rests in groups.items()) + r")(?![\w/])")


_UNIT = _unit_pattern(_UNITS)
_QUALV = (
    r"(?i:positi(?:fs|ves|f|ve)|n[ée]gati(?:fs|ves|f|ve)|pos\.|n[ée]g\."
    rf"|non{_S}+d[ée]tect[ée]e?s?|d[ée]tect[ée]e?s?|ind[ée]tectables?|ind[ée]termin[ée]e?s?"
    rf"|douteu(?:x|se)|non{_S}+r[ée]acti(?:f|ve)s?|r[ée]acti(?:f|ve)s?|pr[ée]sence|absence"
    rf"|not{_S}+detected|detected|non-reactive|reactive|undetectable|positive|negative)(?!\w)"
)
_VALUE_TEXT = re.compile(
    rf"{_QUALIFIER}(?:\+)?(?P<sep>{_SEP_TEXT})(?:(?P<num>{_NUM})(?!\d|[/.,]\d)(?:{_S}*(?P<unit>{_UNIT}))?"
    rf"|(?P<qual>{_QUALV}))")
_VALUE_STRUCT = re.compile(
    rf"(?P<sep>{_SEP_STRUCT})(?:(?P<num>{_NUM})(?=[|^\s]|$)(?:[|^]?{_S}*(?P<unit>{_UNIT}))?"
    rf"|(?P<qual>{_QUALV}))")
_POSITIVE = re.compile(r"(?i:positi|pos\.|detect[ée]|r[ée]acti|pr[ée]sence)")


class LabResultDetector(Detector):
    validation_rule = "analysis lexicon + value/unit grammar"
    rule_source = "curated analysis list (data/lab_analyses.txt); NABM/UCUM units"
    name = "lab_result"
    entity = "LAB_RESULT"
    context_words = (
        "bilan", "bilan biologique", "biologie", "resultat", "resultats", "analyse", "analyses",
        "laboratoire", "prelevement", "valeurs de reference", "normes", "compte rendu",
        "hemogramme", "nfs", "ionogramme", "serologie", "dosage",
        "lab", "laboratory", "results", "reference range",
    )
    header_pattern = r"(^|_)(resultat|resultats|result|results|analyse|analyses|bilan|obx|res)(_|$)|biolog|labo"
    examples = Examples(
        positives=(
            ("Hémoglobine : 13,2 g/dL (12-16)", "Hémoglobine : 13,2 g/dL"),
            ("Glycémie à jeun 1,05 g/L", "Glycémie à jeun 1,05 g/L"),
            ("CRP 12 mg/L", "CRP 12 mg/L"),
            ("HbA1c 7,2 %", "HbA1c 7,2 %"),
            ("Charge virale VIH : 45 copies/mL", "Charge virale VIH : 45 copies/mL"),
            ("Sérologie VIH : positive", "Sérologie VIH : positive"),
            ("Ag HBs négatif", "Ag HBs négatif"),
            ("RES|HEMOGLOBINE|NF   030|N|14.8|g/dL|12.9|16.7|N|F", "HEMOGLOBINE|NF   030|N|14.8|g/dL"),
        ),
        negatives=(
            "CRP à contrôler la semaine prochaine",   # analyte without a value
            "glycémie du 12/03/2024",                 # a date is no value
            "crp 12",                                  # abbreviation in lower case
            "K 2",                                     # ambiguous analyte without a unit
            "bêta-hCG positifs",                       # a pregnancy: PREGNANCY's
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        terms = load_terms("lab_analyses.txt")
        self._terms = {canonical(k): v for k, v in terms.items()}
        trie = trie_regex(sorted(terms))
        self._re = re.compile(rf"(?<![0-9a-z])(?:{trie})(?![0-9a-z])")
        self._starts = tuple(sorted({_start_pattern(t) for t in terms}))
        som_database(self._starts)  # loaded (or compiled) with the detector, not on its first text
        self.prefilter = prefix_prefilter(terms)  # a listed analysis

    def find(self, text: str) -> Iterator[Match]:
        folded = fold_keep_length(text)
        pos = 0
        n = len(text)
        search = search_at(self._re, folded,
                           som_starts(self._starts, folded) if n >= SOM_MIN_CHARS else None)
        terms_get = self._terms.get
        normalize = self.normalize
        match_struct, match_text = _VALUE_STRUCT.match, _VALUE_TEXT.match
        not_found = (False, False)
        while pos <= n:
            m = search(pos)
            if m is None:
                return
            start, end = m.span()
            key = _key(m.group())
            upper_only, ambiguous = terms_get(key, not_found)
            if upper_only:
                raw = text[start:end]
                if raw == raw.lower():
                    pos = start + 1
                    continue
            v = None
            if end < n and text[end] in "|^":
                v = match_struct(text, end)
            if v is None:
                v = match_text(text, end)
            if v is None:
                pos = start + 1
                continue
            qual, unit = v.group("qual", "unit")
            if ambiguous and not unit:
                pos = start + 1
                continue
            if qual:
                if ("hcg" in key or "grossesse" in key) and _POSITIVE.match(qual):
                    pos = v.end()  # a positive pregnancy test: PREGNANCY's
                    continue
                score, pattern, stop = FULL_SCORE, "analyte+qualitative", v.end("qual")
            elif unit:
                score = AMBIGUOUS_SCORE if ambiguous else FULL_SCORE
                pattern, stop = "analyte+value+unit", v.end("unit")
            else:
                score, pattern, stop = NO_UNIT_SCORE, "analyte+value", v.end("num")
            yield Match(start, stop, score, Validation.NONE, pattern, normalize(text[start:stop]))
            pos = stop

    def normalize(self, value: str) -> str:
        return _normalized(value)


def _start_pattern(term: str) -> bytes:
    """The hyperscan byte pattern (:func:`~sentinelle.detectors.lexicon.som_starts`) of the
    places where the analysis regex may match ``term``: a non-word character, the term's
    characters up to its first space, hyphen or apostrophe (:func:`term_regex` takes them
    literally), then a character that can follow them there (the end of a word, white space,
    or the separator, optional for a hyphen or an apostrophe, or the next word's first letter)."""
    cut = re.search(r"[ \-'’]", term)
    if cut is None:
        return b"[^0-9a-z]" + escape_latin1(term) + latin1_class("[0-9a-z]")
    run, sep, nxt = term[:cut.start()], term[cut.start()], term[cut.start() + 1:][:1]
    if sep == " ":
        follow = latin1_class(r"[\s\u00a0]", negate=False)
    elif nxt and nxt not in " -'’":
        follow = latin1_class(("[\\-\\s\u00a0" if sep == "-" else "['’ ") + re.escape(nxt) + "]",
                              negate=False)
    else:
        follow = b""
    return b"[^0-9a-z]" + escape_latin1(run) + follow


# pure functions of their argument, cached: a lab report names the same analyses, and often
# the same results, again and again

@functools.lru_cache(maxsize=8192)
def _key(folded_match: str) -> str:
    """Lookup key of a matched analysis name (:func:`canonical`)."""
    return canonical(folded_match)


@functools.lru_cache(maxsize=8192)
def _normalized(value: str) -> str:
    """:meth:`LabResultDetector.normalize`: fields as spaces, folded, decimal comma as a point."""
    v = canonical(value.replace("|", " ").replace("^", " "))
    return v.replace(",", ".")
