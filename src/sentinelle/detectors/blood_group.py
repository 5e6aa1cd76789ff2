"""BLOOD_GROUP detector: ABO blood group with or without the RhD factor (GDPR art. 9 health data).

Rule source: the ABO and RH (RhD) systems as written on French "carte de groupe sanguin" and lab
reports (Établissement français du sang; arrêté du 15 mai 2018 on immuno-haematology analyses):
the group ``A``, ``B``, ``AB`` or ``O`` (often written ``0``) followed by the RhD phenotype as a
sign (``A+``, ``O-``, ``AB+``), ``Rh+``/``Rh-``/``Rh(D) positif``/``RhD+``, ``rhésus négatif``, or the bare
words ``positif``/``négatif``/``pos``/``nég`` (and English ``positive``/``negative``).
A confirmation of the D antigen written after the mark is part of the span ("O Rh+ (D+)",
"A Rh- D-"). Subgroups (``A1``, ``A2``) are not handled.

In free text a lone capital letter is a French word ("A", "à"): a group is reported when it
carries an RhD mark (score 0.6, 0.9 with a cue word such as "groupe sanguin" or "rhésus"), or
when it follows a cue directly: "Groupe sanguin : AB", "Groupe : O", "groupage A" (score 0.8).
The cue word itself is not part of the span ("groupe A rhésus négatif" gives "A rhésus négatif").
``0`` written for ``O`` ("0+", "0 négatif") needs such a cue nearby. Known look-alikes are
skipped: "vitamine B+", "hépatite B négative", "type A", "streptocoque du groupe B", "A-t-il".

In a table, a column whose header names the blood group (``groupe_sanguin``, ``gs``, ``abo``,
``groupe_rh``...) accepts a bare letter cell (``A``, ``AB``); without such a header a column of
letters is not a blood group (``header_required``), though cells with an RhD mark still go through
the text path.

Session 12 (issue 3, review of the FakeNameGenerator.com people table of presidio-research,
../shared/corpus/people_tables): a group with a sign followed by a capitalised word that is no
blood-group term, with no cue word before it, names a business or a grade, not a person's
blood ("A+ Electronics", "A+ Investments" in a ``Company`` column): it scores
:data:`NAME_PREFIX_SCORE` (0.3, below the default ``min_score``; one of ``context_words`` in
the pipeline's context window, 48 characters before and 16 after, lifts it back to 0.6). The words that follow a group on a card or a lab report keep their score
(:data:`_BLOOD_WORD_AFTER`: the ISBT blood group systems and antigens "Kell", "Duffy", "Kidd",
"Rh", "D", "CMV", a result word "négatif", any all-capitals abbreviation): "A+ Kell négatif",
"O+ Rh D", "AB+ CMV négatif".

Error preference: a leak scanner prefers a false positive with a low score to a miss, but a lone
letter without cue is so common that reporting it would drown the report; that miss is accepted.
"""

from __future__ import annotations

import re
from typing import Iterator

from sentinelle.detectors import lexicon
from sentinelle.detectors.base import Detector, Examples, Match, fold
from sentinelle.finding import Validation

_POS = r"(?:positif|positive|pos\.?)"
_NEG = r"(?:n[ée]gatif|n[ée]gative|negative|n[ée]g\.?)"
_SIGN = r"[+\-\u2212]"
_RH_MARK = (
    rf"(?:(?P<sign>{_SIGN})(?![\w+\-\u2212])"                              # A+  O-
    rf"|[ \u00a0]?(?i:rh)[ \u00a0]?(?:\((?i:d)\)[ \u00a0]?|(?i:d)[ \u00a0]?)?"  # A Rh+  O Rh(D) positif  A RhD+
    rf"(?:(?P<rhsign>{_SIGN})(?![\w+\-\u2212])|(?P<rhword>(?i:{_POS}|{_NEG}))(?!\w))"
    rf"|[ \u00a0]+(?i:rh[ée]sus|rhesus)[ \u00a0:]*"                            # AB rhésus positif
    rf"(?:(?P<rhesign>{_SIGN})(?![\w+\-\u2212])|(?P<rheword>(?i:{_POS}|{_NEG}))(?!\w))"
    rf"|[ \u00a0]+(?P<word>(?i:{_POS}|{_NEG}))(?!\w)"                      # O pos, B négatif
    r")"
)
#: the RhD antigen confirmed after the mark: "O Rh+ (D+)", "A Rh- D-"
_D_CONFIRM = (r"(?:[ \u00a0]*\((?i:d|rhd|rh1)[ \u00a0]?[+\-\u2212]\)"
              r"|[ \u00a0]+(?i:d)[+\-\u2212](?![\w+\-\u2212]))?")
#: the ABO letter, not after a word character, sign, "/" or "." ("AB|A|B|O|0" with the
#: lookbehind after the letter: ``re`` then skips ahead to the letters, three times faster
#: than a leading lookbehind tried at every position)
_ABO = (r"(?P<abo>A(?<![\w+\-\u2212/.]A)B?|B(?<![\w+\-\u2212/.]B)|O(?<![\w+\-\u2212/.]O)"
        r"|0(?<![\w+\-\u2212/.]0))")
_PATTERN = re.compile(rf"{_ABO}{_RH_MARK}{_D_CONFIRM}")
_BARE = re.compile(_ABO + r"(?![\w+\-\u2212'’]|\.\w)")
#: a cue right before a bare letter (folded text)
_CUE_BEFORE = re.compile(
    r"(?:groupe[ \u00a0]+sanguin|groupage(?:[ \u00a0]+sanguin)?|groupe[ \u00a0]+abo|blood[ \u00a0]+(?:group|type)"
    r"|groupe[ \u00a0]+(?:rh|rhesus))[ \u00a0]*(?::[ \u00a0]*)?$"
    r"|(?:groupe|abo|gs)[ \u00a0]*:[ \u00a0]*$"
)
_CUE_KEYS = ("group", "abo", "blood", "gs")
#: a cue somewhere shortly before (folded), needed for "0+"/"O+" alone
_CUE_NEAR = re.compile(r"groupe|groupage|sanguin|abo|rhesus|blood")
#: the word before makes it something else (folded text before the candidate)
_DENY_BEFORE = re.compile(
    r"(?<![a-z])(?:vitamines?|vit|hepatites?|hepatitis|strepto\w*|streptococcus|type|types|categorie"
    r"|classe|note|niveau|stade|grade|permis|zone|batiment|bat|salle|etage|porte|escalier|lot|serie"
    r"|version|annexe|article|option|cas|souche|virus|influenza|grippe|facteur|proteine|plan|bloc"
    r"|secteur|aile|pavillon|tour|cellule|colonne|ligne|case|reponse|question|exercice)\.?"
    r"[ \u00a0]+(?:(?:du|de|d')[ \u00a0]*(?:groupe[ \u00a0]+)?)?$"
    r"|(?:strepto\w*|streptococcus)[^.]{0,20}$"
)
_ALLOW_TYPE = re.compile(r"blood[ \u00a0]+types?[ \u00a0]*$")
#: a capitalised word right after a group with its sign ("A+ Electronics"): original text,
#: an upper-case letter then lower-case letters (an all-capitals "CMV", "RAI" is not one)
_NAME_AFTER = re.compile(r"[ \u00a0]+([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+)")
#: the capitalised words (folded) that follow a blood group on a group card, a transfusion
#: or a lab record and keep it a blood group. Rule source: the ISBT table of blood group
#: systems (isbtweb.org, "Red cell immunogenetics and blood group terminology": ABO, MNS,
#: P1PK, Rh, Lutheran, Kell, Lewis, Duffy, Kidd, Diego, Yt, Xg, Scianna, Dombrock, Colton,
#: LW, Chido/Rodgers, H, Kx, Gerbich, Cromer, Knops, Indian, Ok, Raph, JMH, I, Globoside, Gill,
#: Vel, Augustine...) and the words of a French group card and RAI report (EFS)
_BLOOD_WORD_AFTER = frozenset((
    "rh", "rhd", "rhesus", "kell", "cellano", "duffy", "kidd", "lewis", "lutheran", "diego",
    "scianna", "dombrock", "colton", "chido", "rodgers", "gerbich", "cromer", "knops", "indian",
    "raph", "globoside", "gill", "vel", "augustine", "xg", "yt", "ok", "fy", "jk", "le", "lu",
    "kx", "mns", "positif", "positive", "pos", "negatif", "negative", "neg", "phenotype",
    "phenotypage", "groupe", "sang", "sanguin", "donneur", "donneuse", "receveur", "receveuse",
    "transfusion", "transfuse", "transfusee", "universel", "universal", "compatible", "coombs",
    "agglutinines", "anticorps", "antigene", "blood", "group", "type", "donor", "confirme",
    "confirmee", "controle", "determination", "irradie", "cmv",
))
#: score of a group followed by a capitalised non-blood word with no cue before it
NAME_PREFIX_SCORE = 0.3


def _fold_fast(text: str) -> str:
    return text.lower() if text.isascii() else fold(text)


def _before_a_name(text: str, end: int, folded_before: str) -> bool:
    """True when the group with its sign ending at ``end`` is followed by a capitalised word
    that is no blood-group term (:data:`_BLOOD_WORD_AFTER`) and no cue word
    (:data:`_CUE_NEAR`) stands in ``folded_before`` (the folded text before the group): a
    business name or a grade, "A+ Electronics" (session 12, issue 3)."""
    n = _NAME_AFTER.match(text, end)
    if n is None or _CUE_NEAR.search(folded_before):
        return False
    return fold(n.group(1)).rstrip(".") not in _BLOOD_WORD_AFTER


def _canonical(abo: str, sign: str | None) -> str:
    abo = "O" if abo == "0" else abo.upper()
    return abo + (sign or "")


def _sign_of(m: re.Match[str]) -> str:
    for g in ("sign", "rhsign", "rhesign"):
        if m.group(g):
            return "+" if m.group(g) == "+" else "-"
    word = fold(m.group("rhword") or m.group("rheword") or m.group("word") or "")
    return "+" if word.startswith("pos") else "-"


class BloodGroupDetector(Detector):
    validation_rule = "ABO + Rh grammar, context for bare forms"
    rule_source = "ISBT ABO/RhD nomenclature"
    #: a sign right after the letter, an Rh/rhesus mark, a positive/negative word after a
    #: space (or "rh"), or a cue for bare letters (``_CUE_BEFORE``: "groupe...", "blood...",
    #: "ABO :", "GS :", any character but a letter after "abo"/"gs": a colon that ``fold``
    #: makes ":"); "abo" and "gs" alone fired in every "laboratoire" (windows over half of
    #: 3 MB of lab reports, a third now)
    prefilter = r"[ab0o][+\-\u2212]|rh|[ \u00a0](?:pos|neg)|group|blood|abo[^a-z]|gs[^a-z]"
    name = "blood_group"
    entity = "BLOOD_GROUP"
    context_words = (
        "groupe", "groupe sanguin", "groupes sanguins", "groupage", "abo", "rhesus", "rh",
        "phenotype", "carte de groupe", "transfusion", "sang", "sanguin",
        "blood group", "blood type", "blood",
    )
    header_pattern = (r"(^|_)(groupe_sanguin|groupes?|gs|abo|groupe_abo|blood_group|blood_type|"
                      r"bloodgroup|bloodtype|groupe_rh|groupe_rhesus|groupage|grp_sang|gr_sang|"
                      r"gr_sanguin|groupe_sang|sang|rhesus|abo_rh|abo_rhd)(_|$)")
    header_required = True
    #: under a header such as "groupe", most values must look like a blood group
    header_value_threshold = 0.8
    examples = Examples(
        positives=(
            ("Patient A+, allergie", "A+"),
            ("groupe O- confirmé", "O-"),
            ("AB+", "AB+"),
            ("donneur O pos", "O pos"),
            ("Groupe O positif", "O positif"),
            ("sang B négatif.", "B négatif"),
            ("O nég. confirmé", "O nég."),
            ("Phénotype A Rh+", "A Rh+"),
            ("A Rh- (contrôle)", "A Rh-"),
            ("AB rhésus positif", "AB rhésus positif"),
            ("groupe A rhésus négatif", "A rhésus négatif"),
            ("O Rh(D) positif", "O Rh(D) positif"),
            ("Groupe sanguin : AB", "AB"),
            ("Groupe : O, rhésus inconnu", "O"),
            ("groupe sanguin 0+", "0+"),
            ("Blood type A negative", "A negative"),
            ("A+ Kell négatif", "A+"),                 # Kell: an ISBT blood group system
            ("AB+ CMV négatif", "AB+"),
        ),
        negatives=(
            "A demain, le patient va bien.",           # French word "A"
            "Il est allé à la consultation A.",
            "vitamine B+ en complément",
            "Sérologie hépatite B négative",
            "hépatite B",
            "diabète de type A+",
            "A-t-il pris son traitement ?",
            "Streptocoque du groupe B négatif",
            "note A+ en biologie",
            "Le groupe A de patients",                 # study group: no Rh, no colon
            "plan O",
            "calcul A+B",
            "score 0+",                                # zero with a sign, no cue
            "A+ Electronics",                          # a business name (FakeNameGenerator Company)
        ),
    )

    def find(self, text: str) -> Iterator[Match]:
        starts: set[int] = set()
        for m in _PATTERN.finditer(text):
            abo = m.group("abo")
            before = _fold_fast(text[max(0, m.start() - 40):m.start()])
            if _DENY_BEFORE.search(before) and not _ALLOW_TYPE.search(before):
                continue
            if abo == "0" and not _CUE_NEAR.search(before):
                continue
            starts.add(m.start())
            if m.group("sign") and _before_a_name(text, m.end(), before):
                yield Match(m.start(), m.end(), NAME_PREFIX_SCORE, Validation.NONE,
                            "abo_rh_before_name", _canonical(abo, _sign_of(m)))
                continue
            yield Match(m.start(), m.end(), 0.6, Validation.NONE, "abo_rh",
                        _canonical(abo, _sign_of(m)))
        for m in _BARE.finditer(text):
            if m.start() in starts:  # the letter of a group already found with its RhD mark
                continue
            raw_before = text[max(0, m.start() - 40):m.start()]
            lowered = raw_before.lower()
            if not any(k in lowered for k in _CUE_KEYS):  # cheap prefilter before folding
                continue
            if not _CUE_BEFORE.search(_fold_fast(raw_before)):
                continue
            yield Match(m.start(), m.end(), 0.8, Validation.NONE, "abo_after_cue",
                        _canonical(m.group("abo"), None))

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        stripped = value.strip()
        if not stripped:
            return None
        lead = len(value) - len(value.lstrip())
        if header_hit:
            m = _PATTERN.fullmatch(stripped) or _PATTERN.fullmatch(stripped.upper())
            if m is not None:
                return Match(lead, lead + len(stripped), 0.8, Validation.NONE, "abo_rh_cell",
                             _canonical(m.group("abo"), _sign_of(m)))
            if stripped.upper() in ("A", "B", "AB", "O", "0"):
                return Match(lead, lead + len(stripped), 0.8, Validation.NONE, "abo_cell",
                             _canonical(stripped.upper(), None))
            return None
        return super().match_cell(value, header_hit)

    def match_column(self, values, header_hit: bool):
        """:meth:`match_cell` over a column (issue 6). Every match starts with the ABO letter
        (``A``, ``B``, ``AB``, ``O``, ``0``: the patterns above), and a cell's match starts
        right after its leading blanks: so only cells whose first character is one of them
        (any case in a blood-group column, where ``match_cell`` also tries the upper case;
        or a non-ASCII one there, whose upper case Python and Polars may differ on) go through
        :meth:`match_cell`, picked with Polars string expressions."""
        if len(values) < lexicon.SMALL_COLUMN:  # the loop is faster on a short column
            return super().match_column(values, header_hit)
        first = values.str.strip_chars_start(lexicon.PY_WHITESPACE).str.slice(0, 1)
        if header_hit:
            maybe = (first.str.to_uppercase().is_in(["A", "B", "O", "0"])
                     | ~first.str.contains(r"^[\x00-\x7f]"))
        else:
            maybe = first.is_in(["A", "B", "O", "0"])
        return lexicon.match_column_where(self, values, header_hit, maybe)

    def normalize(self, value: str) -> str:
        v = value.strip()
        m = _PATTERN.search(v) or _PATTERN.search(v.upper())
        if m is not None:
            return _canonical(m.group("abo"), _sign_of(m))
        return _canonical(v.upper(), None) if v.upper() in ("A", "B", "AB", "O", "0") else fold(v)
