"""MEDICAL_RECORD_NUMBER detector: a hospital's or a lab's own number for a patient or a stay
(IPP, NIP, NDA, "N° dossier", "n° patient", MRN, patient ID).

Presidio has no label for it (its predefined recognisers cover national, financial and contact
identifiers, no patient number), so the label is our own, named after the HIPAA Safe Harbor
item: "medical record numbers" are one of the 18 identifiers to remove (45 CFR
164.514(b)(2)(i)(H)); "health plan beneficiary numbers" and "account numbers" follow as (I) and
(J), and (R) adds "any other unique identifying number". A patient number links every record of
one person in a lab or hospital export: it is a direct identifier of the person for whoever
holds, or can reach, the establishment's files (GDPR art. 4(1): "an identifier such as ... an
identification number"). Nothing in its digits can be checked (each establishment numbers as
it likes), so it is found only where the document names it.

French hospital names (rule source: the French hospital information systems' vocabulary, as in
the ASIP/ANS "Référentiel d'identification des patients" and the "Identito-vigilance" charters):
the **IPP** (identifiant permanent du patient) or **NIP** (numéro d'identification permanent) is
the patient's number in one establishment; the **NDA** (numéro de dossier administratif), the
"numéro de séjour", "de venue", "d'hospitalisation" or "d'admission" numbers one stay of that
patient; a lab's export writes the patient's file as "N° dossier" or "n° patient". English:
MRN, medical record number, patient ID, hospital number.

Text: an ID-like token (digits, or letters and digits: ``000001``, ``P0000001``,
``2024-00123``, ``42BG98765``; at least :data:`MIN_DIGITS` digits, :data:`NAMED_DIGITS` after
the acronyms IPP, NDA, MRN, which name the number: "IPP : 123") only right after such a
**cue** (the token follows the cue with nothing between them but punctuation such as
``:``, ``(IPP) :``, ``n°``, ``#``, ``|`` or the words "est" / "étant le": "IPP : 8012939402",
"N° dossier 2024-00123", "l'IPP étant le 3456721983"). The acronyms count only in capitals (in
lower case "ipp" is mostly the drug class, inhibiteur de la pompe à protons); "dossier" alone
counts only as a label before ``:`` or ``#``. A token that is a date (``12/03/2024``,
``2024-03-12``) or a time, a year, a year range or a month and year (``2024``, ``2019-2020``,
``12/2024``: "Dossier : 2024", "MRN 2019 cohort"), a decimal, a number followed by a unit
("IPP 40 mg", "n° patient 1200 mg/j"), or a listed postcode followed by a commune's name
("dossier : 75015 Paris"; lists of the FR_POSTAL_CODE and LOCATION detectors), is not a
patient number. The acronyms' other meanings (reviewer's false positives): **NDA** is also the
FDA's "new drug application" ("Approved under NDA 021436") and the "numéro de déclaration
d'activité" of a French training body (Code du travail art. L6351-1, printed on its documents:
"Organisme de formation, NDA : 11755512375"), so NDA does not count after "under", "FDA",
"approved", "organisme de formation" or "déclaration d'activité", nor before "préfet"; **NIP**
is also the French (Canadian) word for a PIN ("Votre NIP : 4821", "PIN/NIP 1234"), so NIP does
not count after "code", "PIN", "votre"/"ton"/"mon"/"your" nor before "/PIN", and needs
:data:`NIP_DIGITS` digits (a hospital's NIP has 6 to 10, AP-HP's 10; a PIN 4 to 6). Score ``TEXT_SCORE`` (0.6),
lifted by the cue (context boost) to 0.9. Grouped digits are read as one number when each
group after the first has 3 digits ("IPP : 123 456 789"). "IP" in capitals is a cue too (the
patient's identifier, EDS-Pseudo "IP: 67475839483") before a number of :data:`IP_DIGITS` digits
or more and nothing else (an IP address has dots).

A **patient identity banner** (the "bandeau patient" a hospital's information system prints at
the top of each page: name, sex, date of birth, IPP, NDA, between ``|``) is evidence without a
cue word: on a line with a field that may hold a name (two letters in a row; not a lab analysis
of ``data/lab_analyses.txt``, the LAB_RESULT lexicon: "| Plaquettes | H | 15/02/2024 | 450000
|" is a lab table's row, H its "high" flag), then a field that is a sex alone (``| F |``, ``|
M |``, ``| H |``, ``| Femme |``), then a field that is the date of birth alone (maybe with the
age: "30-12-1974 (27 ans)"; not "prélevé le 15/02/2024"), each later field on that line that
is a bare number of 6 to 12 digits (not a NIR: 13 or 15; not a French phone: 10 from 0; a
date is not bare) is reported (``mrn_banner``, :data:`BANNER_SCORE`). Source: the identity banner of French hospital documents (HAS,
"Identitovigilance", the patient's traits and IPP on each page), as EDS-Pseudo writes it
("Patient : Marie Durand | F | 10/05/1986 | 9056297478 | 1298947650").

Tables: a column whose header names the number (``ipp``, ``nip``, ``nda``, ``id_patient``,
``num_patient``, ``numero_dossier``, ``no_dossier``, ``patient_id``, ``mrn``, ``num_sejour``...;
:attr:`header_pattern`) and whose cells are ID-like (:func:`_cell_ok`: 1 to 40 characters of
letters, digits and ``-/_.:# `` with at least :data:`NAMED_DIGITS` digits (the header names the
number: "123" under ``ipp`` is patient 123), not a date, a year or a
month and year, not letters glued to a year (``HC2024``), no run of spaced words: one word may
come first, as in "IPP 000001", then the number and its digit groups; "esoméprazole 40mg 2x/j
2024" is not one); ``header_required``: a column of numbers alone is never taken for patient
numbers. Headers that do not name the number are left out: a count glued to "n"
(``npatient``: "nombre de patients") or to "n" (``n_patient``, ``n_sejour``: the R / pandas
way of naming a count; :func:`~sentinelle.detectors.base.fold_header` writes the usual French
header "N° patient" ``no_patient``, session 8), a code of a stay's type (``code_sejour``,
``code_admission``: "HC", "HDJ"), the drug class with a dose word (``ipp_dose``,
``ipp_posologie``). A cell that is a NIR with its right key (:func:`_nir_keyed`) is the
patient's INS, whose matricule is the NIR (ANS "Référentiel INS"): FR_NIR's, not taken here
(HPRIM ``P-3``..``P-5`` and each repetition of HL7 ``PID-3`` without an INS authority or a NIR
type code are hinted ``ipp``; a list ``IPP~INS`` gives one column per repetition). Cell
score ``CELL_SCORE`` (0.7; 0.9 with the header boost).

Error preference: without a checksum, the cue or the header is the whole evidence; a number
next to one is reported (a leak scanner prefers a false positive to a miss), a number without
one never is.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from sentinelle.detectors.base import Detector, Examples, Match, fold, fold_keep_length
from sentinelle.detectors.lexicon import (canonical, escape_latin1, load_terms, search_at,
                                          som_database, som_starts)
from sentinelle.finding import Validation

#: on a text of this many characters or more :data:`_CUE` is tried only where one hyperscan pass
#: finds the first word of a cue (issue 6: its search entered the lookbehind at every character,
#: 170 ms on 3 MB of lab reports)
SOM_MIN_CHARS = 2048

#: score of a token right after a cue (the cue's context boost makes it 0.9)
TEXT_SCORE = 0.6
#: score of an ID-like cell under a patient-number header (the header boost makes it 0.9)
CELL_SCORE = 0.7
#: digits a patient number holds at least ("Son IPP est 8392"); fewer is a count or a dose
MIN_DIGITS = 4
#: digits a number holds at least right after the acronyms IPP, NDA, MRN in capitals, and in a
#: cell under a patient-number header or field (HL7 ``PID-3``, HPRIM ``P-3``): the name says what
#: the number is, and a small lab numbers its patients from 1 ("IPP : 123"; session 9, issue 3);
#: fewer is a count or a code ("IPP42")
NAMED_DIGITS = 3
#: digits a number holds at least after "IP" in capitals ("IP: 67475839483", "ayant comme IP
#: 9849332821": IP for identifiant patient, EDS-Pseudo); an IP address has dots, not read
IP_DIGITS = 6
#: score of a bare number in a patient identity banner (:data:`_BANNER_SEX`); the context boost
#: ("patient" near it) makes it 0.9
BANNER_SCORE = 0.6
#: digits of a bare number of a banner: a hospital's IPP or NDA has 6 to 12 (AP-HP: 10); a NIR
#: has 13 or 15 (FR_NIR's), a postcode 5
BANNER_DIGITS = (6, 12)
#: digits a number after "NIP" holds at least: a hospital's NIP has 6 to 10 (AP-HP: 10), a bank
#: card's or an online account's PIN ("Votre NIP : 4821", Canadian French) 4, at most 6
NIP_DIGITS = 6
#: characters a token may have at most (letters, digits, separators and digit groups)
MAX_TOKEN = 40

# every pattern below runs on fold_keep_length(text): lower case, no accents, same offsets
#: "numéro" and its abbreviations ("N°", "Nº" folds to "no", "num.")
_NUM = r"(?:n°|no\.|no(?= )|num\.?|numero)"
#: what the number numbers: the patient's file, the patient, one stay or visit
_WHAT = r"(?:dossier|patiente?|sejour|venue|visite|hospitalisation|admission|entree|episode)"
#: "de", "du", "de la", "de l'", "d'" between a noun and what it numbers
_OF = r"(?:de la |de l'|de |d'|du )"
_CUE = re.compile(
    r"(?<![0-9a-z])(?:"
    # the acronyms, as words or glued to the number ("IPPN11232344": exports glue them)
    r"(?P<acronym>ipp|nip|nda|mrn)(?:(?![0-9a-z])|(?=[a-z]?\d))"
    # "IP" for identifiant patient (EDS-Pseudo: "IP: 67475839483"), as a word only
    r"|(?P<ip>ip)(?![0-9a-z])"
    rf"|(?:{_NUM} ?{_OF}?{_WHAT}"
    rf"(?: {_OF}?(?:patiente?|medical|administratif|hospitalisation|sejour))?"
    rf"|(?:dossier|patiente?) ?{_NUM}"
    rf"|(?:identifiant|ident\.?|id\.?|code|reference|ref\.?)(?: interne)? ?{_OF}?"
    r"(?:patiente?|dossier|sejour|venue|visite|hospitalisation)"
    r"|identifiant permanent(?: du patient)?|identification permanente?"
    r"|patient ?(?:id|no\.?|number|nr|#)|medical record(?: number| no\.?)?|hospital (?:number|no\.?)"
    r"|(?:record|chart) number"
    r"|(?P<label>dossier)(?= ?[:#])"
    # "Dossier 1407561893", "Patient 105257992": a number of WEAK_DIGITS digits or more only
    r"|(?P<weak>dossier|patiente?))(?![0-9a-z])"
    r")"
)
#: hyperscan byte patterns (:func:`~sentinelle.detectors.lexicon.som_starts`) whose starts hold
#: every start of a :data:`_CUE` match: a character outside ``[0-9a-z]``, then the first word of
#: each alternative ("identifiant", "ident.", "id." start with "id", "reference" with "ref";
#: "no" is a cue only before a space or a dot); checked against the regex alone in
#: tests/detectors/test_medical_record_number.py
_START_PATTERNS = tuple(b"[^0-9a-z]" + escape_latin1(w) for w in (
    "ip", "nip", "nda", "mrn", "n°", "no ", "no.", "num", "dossier", "patient", "id", "code",
    "ref", "medical", "hospital", "record", "chart"))
#: between the cue and the token: punctuation and the linking words of a sentence
_GAP = re.compile(r"(?:[ \t\u00a0:=#()\[\]|\-\u2013]|n°|no\b\.?|(?:est|etant(?: le)?)(?= ))*")
#: the token: letters then digits (or digits), with inner ``-``, ``/``, ``_``; then digit groups
_TOKEN = re.compile(r"(?:[a-z]{1,6}[-_]?)?\d[0-9a-z]*(?:[-/_][0-9a-z]+){0,4}(?: \d{3}(?![0-9a-z]))*"
                    r"(?![0-9a-z])(?![.,]\d)")
#: characters of the gap at most ("numéro d'identification (IPP) : ")
MAX_GAP = 24
#: digits a number needs after "dossier" or "patient" written without "n°" or ":" (a year or a
#: count has fewer: "le dossier 2023")
WEAK_DIGITS = 6
_DATE = re.compile(r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}h\d{2}")
#: a year, a year range or a year and month (``2024``, ``2019-2020``, ``2023-24``, ``2024-12``),
#: a month and year (``12/2024``, ``1-2024``): a date, not a number (no lookaround: Polars runs
#: it too, on the fast path of :meth:`MedicalRecordNumberDetector.match_column`)
_YEARISH = (r"(?:(?:19|20)[0-9]{2}(?:[-/](?:(?:19|20)?[0-9]{2}))?"
            r"|(?:0?[1-9]|1[0-2])[-/.](?:19|20)[0-9]{2})")
_YEAR = re.compile(_YEARISH)
#: a cell that is a year, maybe after a few letters glued or spaced ("HC2024", "S 2023")
_YEAR_CELL = rf"^(?:[a-z]{{1,6}}[ \-_.]?)?{_YEARISH}$"
#: a cell's shape: one word first at most ("ipp 000001"), then one token and its digit groups
_CELL_WORDS = re.compile(r"(?:[a-z]+[.:#\-]* +)?[^ ]+(?: +[0-9]+)*")
#: a capitalised word after a five-digit token, maybe the town of a postcode ("75015 Paris")
_TOWN_AFTER = re.compile(r"[ \u00a0]{1,3}(?:-[ \u00a0]*)?(?P<town>[A-ZÀ-ÖØ-Þ][\w'’\-]*)")
#: NDA as the FDA's new drug application or a training body's declaration number: the words
#: before it (same sentence) and after it (same line)
_NDA_OTHER_BEFORE = re.compile(
    r"(?:(?<![0-9a-z])(?:under|fda|approved|approval|application)(?![0-9a-z])[^.;\n]{0,40}"
    r"|(?<![0-9a-z])(?:organismes? de formation|declaration d'activite|formation professionnelle"
    r"|prestataire de formation)(?![0-9a-z])[^\n]{0,60})$")
_NDA_OTHER_AFTER = re.compile(r"[^\n]{0,80}?(?<![0-9a-z])(?:prefet|prefecture|fda"
                              r"|ne vaut pas agrement)(?![0-9a-z])")
#: NIP as a PIN: "code NIP", "PIN/NIP", "votre NIP" before; "NIP/PIN", "NIP (PIN)" after
_NIP_PIN_BEFORE = re.compile(r"(?<![0-9a-z])(?:code|pin|votre|ton|mon|your|secret)[ \t/:\-]*$")
_NIP_PIN_AFTER = re.compile(r"[ \t/(]*pin(?![0-9a-z])")
#: a unit after the number: a dose, a duration, a measure, not a patient number
_UNIT = re.compile(r" ?(?:mg|g|µg|mcg|ml|l|ui|%|mmol|µmol|umol|cp|gel|gtt|fois|x|/j|/jour|j|jours|"
                   r"h|min|ans?|mois|semaines?|sa|kg|cm|mm|euros?|€)(?![0-9a-z])")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"[ \u00a0]{1,2}")
#: a cue word written in the cell before the number ("IPP 000001", "NDA-2024-0012")
_PREFIX = re.compile(r"^(?:ipp|nip|nda|mrn|iep|dossier|patient)(?:[ .:#\-\u00a0]+|(?=\d))")
#: an ID-like cell (stripped, folded): a prefix word ("ipp 000001") allowed
_CELL = re.compile(r"[0-9a-z](?:[0-9a-z .:#/_\-]{0,38}[0-9a-z])?")
#: a patient identity banner ("bandeau patient", printed at the top of each page of a hospital
#: document: name | sex | date of birth | IPP | NDA): a field that is a sex alone between two
#: ``|``; the bare numbers in the fields after it on the same line are the patient's numbers
#: (EDS-Pseudo, corpus/pii_fr_clinical_eds_pseudo: "Patient : Marie Durand | F | 10/05/1986 |
#: 9056297478 | 1298947650", 42 of the 58 IPP/NDA values missed before this rule, session 9)
_BANNER_SEX = re.compile(r"\|[ \t\u00a0]*(?:[MFH]|Homme|Femme|HOMME|FEMME|Masculin|F[ée]minin"
                         r"|MASCULIN|F[EÉ]MININ)[ \t\u00a0]*(?=\|)")
#: a banner field that is one bare number (spaces around it)
_BANNER_FIELD = re.compile(r"[ \t\u00a0]*(?P<num>\d+)[ \t\u00a0.]*")
#: a date in a banner field (the date of birth: ``10/05/1986``, ``30-12-1974``, ``26/11/85``,
#: ISO, or 8 digits in boxes ``1 0 0 3 1 9 9 8``)
_BANNER_DATE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d(?: \d){7}")
#: the field right after the sex field of a banner: the date of birth alone, maybe with the age
#: (EDS-Pseudo: ``30-12-1974 (27 ans)``); a date inside words ("prélevé le 15/02/2024") is not
#: one
_BANNER_DOB = re.compile(rf"[ \t\u00a0]*"
                         # a birth label before it ("née le 10/05/1986", "DDN : ...", "né(e) le");
                         # "prélevé le" is not one (session 11 review)
                         r"(?i:(?:n[ée]e?(?:\(e\))?[ \t\u00a0]+le|ddn|date[ \t\u00a0]+de[ \t\u00a0]+"
                         r"naissance|dob)[ \t\u00a0]*:?[ \t\u00a0]*)?"
                         rf"(?:{_BANNER_DATE.pattern})"
                         r"(?:[ \t\u00a0]*\(\d{1,3}[ \u00a0]?(?:ans?|mois)\))?[ \t\u00a0.]*")
#: a field before the sex field that may hold a name: two letters in a row at least
_BANNER_NAMEISH = re.compile(r"[^\W\d_]{2}")
#: a unit or a note in brackets at the end of a field ("Hémoglobine (g/dL)")
_TRAILING_BRACKETS = re.compile(r"[ \t\u00a0]*[(\[][^()\[\]|]*[)\]][ \t\u00a0]*$")


@functools.lru_cache(maxsize=1)
def _lab_analyses() -> dict[str, tuple[bool, bool]]:
    """The analyses of the LAB_RESULT lexicon (``data/lab_analyses.txt``) by canonical form:
    ``(upper_only, ambiguous)``."""
    return {canonical(term): flags for term, flags in load_terms("lab_analyses.txt").items()}


def _analysis_name(field: str) -> bool:
    """True when a banner field (the one before the sex field) names a lab analysis, not a
    person: the field, without a unit in brackets at its end, is an analysis of
    ``data/lab_analyses.txt`` ("Plaquettes", "Hémoglobine (g/dL)", "CRP"), or starts with one
    that is not short or ambiguous ("Leucocytes totaux"; "K. Martin" is a name). Abbreviations
    marked ``=`` count written with a capital only, as in LAB_RESULT."""
    written = _TRAILING_BRACKETS.sub("", field).strip()
    words = canonical(written).split()
    terms = _lab_analyses()
    for k in range(len(words), 0, -1):
        flags = terms.get(" ".join(words[:k]))
        if flags is None:
            continue
        upper_only, ambiguous = flags
        if k < len(words) and (ambiguous or upper_only or len(words[0]) < 5):
            continue
        if upper_only and written == written.lower():
            continue
        return True
    return False


def _postcode_town(text: str, value: str, end: int) -> bool:
    """True when ``value`` (ending at ``end`` in ``text``) is a listed postcode followed by a
    commune's name or CEDEX ("dossier : 75015 Paris")."""
    if len(value) != 5 or not value.isdigit():
        return False
    town = _TOWN_AFTER.match(text, end, min(len(text), end + 64))
    if town is None:
        return False
    from sentinelle.detectors.location import commune_key, communes
    from sentinelle.detectors.postal_code import postal_codes

    if value not in postal_codes():
        return False
    key, index = commune_key(town.group("town")), communes()
    return key == "cedex" or key in index.rows or key in index.prefixes


#: a NIR with its key once separators and a cue word are removed (:meth:`normalize`): sex digit
#: 1-4, 7, 8, 13 characters (2A/2B for Corsica) and key = 97 - (body mod 97), 2A as 19, 2B as 18
#: (identifiers/nir.py; INSEE, décret n° 82-103)
_NIR_KEYED = re.compile(r"[123478][0-9]{4}(?:[0-9]{2}|2a|2b)[0-9]{8}")


def _nir_keyed(norm: str) -> bool:
    """True when ``norm`` (:meth:`MedicalRecordNumberDetector.normalize` of a cell) is a NIR
    with a right key: the INS of the patient (its matricule is the NIR, ANS "Référentiel INS"),
    which FR_NIR claims, under an IPP header (HPRIM ``P-3``, a CSV's ``ipp``) or not."""
    if not _NIR_KEYED.fullmatch(norm):
        return False
    body = norm[:5] + {"2a": "19", "2b": "18"}.get(norm[5:7], norm[5:7]) + norm[7:13]
    return int(norm[13:]) == 97 - int(body) % 97


def _cell_ok(folded: str) -> bool:
    """True when the stripped, folded cell is ID-like (see the module docstring)."""
    if len(folded) > MAX_TOKEN or not _CELL.fullmatch(folded):
        return False
    if len(_DIGITS.findall(folded)) < NAMED_DIGITS or _DATE.fullmatch(folded):
        return False
    # one word first at most, then the number; not a year, maybe after letters ("HC2024")
    if not _CELL_WORDS.fullmatch(folded) or re.match(_YEAR_CELL, folded):
        return False
    # a decimal ("12.5", "3,4") or a measure is not a number of a patient
    return not re.fullmatch(r"\d+[.,]\d+", folded)


class MedicalRecordNumberDetector(Detector):
    validation_rule = "cue word right before it (IPP, NDA, N° dossier...) or column header"
    rule_source = "HIPAA 45 CFR 164.514(b)(2)(i)(H); ANS référentiel d'identification des patients"
    #: a word of every cue (folded); "patient" and "dossier" are frequent, the cue regex decides;
    #: "IP" before any character that is not a letter or a digit, as :data:`_CUE` takes it before
    #: :data:`_GAP` ("IP=1234567", "(IP) 1234567", "IP-1234567"; no lookaround: hyperscan)
    prefilter = (r"ipp|nip|nda|mrn|dossier|patient|sejour|venue|visite|hospitalisation|admission|entree"
                 r"|episode|permanent|medical record|hospital n|record number|chart number"
                 r"|ip[^0-9a-z]|\|[ \t\u00a0]*(?:[mfh]|homme|femme|masculin|feminin)[ \t\u00a0]*\|")
    name = "medical_record_number"
    entity = "MEDICAL_RECORD_NUMBER"
    #: no candidate windows (``window`` None): "patient" and "dossier" fire on most lines of a
    #: report, and ``find`` on the whole text (one hyperscan pass for the cue starts, then the
    #: cue regex at those only) costs less than on hundreds of windows (bench/detectors.py on
    #: 3 MB of lab reports: 28 ms against 237 ms)
    context_words = (
        "ipp", "nip", "nda", "mrn", "ip", "dossier", "patient", "patiente", "sejour", "venue",
        "visite",
        "hospitalisation",
        "admission", "entree", "episode", "identifiant permanent", "identification permanent",
        "identification permanente", "medical record", "hospital number", "record number",
        "chart number",
    )
    #: not "n" (``n_patient``, ``npatient``: a count; :func:`fold_header` writes "N° patient"
    #: ``no_patient``); "code" with the patient or the file only (``code_sejour``: the stay's type); the
    #: acronyms not before a dose word (``ipp_dose``: the drug class)
    header_pattern = (
        r"(^|_)((ipp|nip|nda|mrn|iep)(?!_(dose|doses|posologie|poso|mg|molecule|medicament"
        r"|traitement|ttt|prise|voie|frequence|duree|debut|fin|arret|prescription|indication))"
        r"|(id|ident|identifiant|num|numero|no|nr|ref)_?(du_|de_|d_)?"
        r"(patient|dossier|sejour|venue|hospitalisation|admission|episode)"
        r"|code_?(du_|de_|d_)?(patient|dossier)"
        r"|(patient|dossier|sejour)_?(id|num|numero|no|nr|number)"
        r"|patientid|patientnumber|dossierid|medical_?record_?(number|num|no|id)?"
        r"|hospital_?(number|no)|record_?number|chart_?number)(\d*)(_|$)"
    )
    header_required = True
    header_value_threshold = 0.5
    examples = Examples(
        positives=(
            ("IPP : 8012939402", "8012939402"),
            ("N° dossier 2024-00123, prélevé le 12/03/2024", "2024-00123"),
            ("Numéro de dossier patient : P0000001.", "P0000001"),
            ("l'IPP étant le 3456721983", "3456721983"),
            ("Patient ID: 42BG98765", "42BG98765"),
            ("séjour (NDA : 1098765432) en cardiologie", "1098765432"),
        ),
        negatives=(
            "Réf. 8012939402",                    # no cue: a number alone
            "Le dossier 2023 a été transmis.",    # "dossier" in prose, not a label
            "IPP : 12/03/2024",                   # a date
            "sous IPP 40 mg/j",                   # the drug class and a dose
            "Tél. du patient : 06 12 34 56 78",   # a phone number after "patient"
            "code NIP 4821",                      # a PIN code
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        som_database(_START_PATTERNS)  # loaded (or compiled) with the detector, not on its first text

    def find(self, text: str) -> Iterator[Match]:
        banner = list(self._banner(text)) if "|" in text else []
        if not banner:
            yield from self._cued(text)
            return
        seen = {(m.start, m.end) for m in banner}
        yield from sorted([m for m in self._cued(text) if (m.start, m.end) not in seen] + banner,
                          key=lambda m: m.start)

    @staticmethod
    def _banner(text: str) -> Iterator[Match]:
        """The bare numbers of a patient identity banner (:data:`_BANNER_SEX`): after a field
        that may hold a name (two letters in a row, not a lab analysis: :func:`_analysis_name`),
        the sex field, then a field that is the date of birth alone (:data:`_BANNER_DOB`), each
        later field on the line that is a number of :data:`BANNER_DIGITS` digits, not a French
        phone number (10 digits from 0). A lab table's row "| Plaquettes | H | 15/02/2024 |
        450000 |" (H: above the range) is no banner."""
        pos = 0
        while True:
            sex = _BANNER_SEX.search(text, pos)
            if sex is None:
                return
            pos = sex.end()  # not a banner: a later sex field on the line may start one
            eol = text.find("\n", sex.end())
            eol = len(text) if eol < 0 else eol
            bol = max(text.rfind("\n", 0, sex.start()), text.rfind("|", 0, sex.start())) + 1
            name = text[bol:sex.start()]
            if _BANNER_NAMEISH.search(name) is None or _analysis_name(name):
                continue
            at = sex.end()
            nxt = text.find("|", at + 1, eol)
            stop = eol if nxt < 0 else nxt
            if _BANNER_DOB.fullmatch(text, at + 1, stop) is None:
                continue  # the numbers come after the date of birth, right after the sex
            pos, at = eol, stop
            while at < eol and text[at] == "|":
                nxt = text.find("|", at + 1, eol)
                stop = eol if nxt < 0 else nxt
                field = _BANNER_FIELD.fullmatch(text, at + 1, stop)
                if field is not None:
                    num = field.group("num")
                    lo, hi = BANNER_DIGITS
                    if lo <= len(num) <= hi and not (len(num) == 10 and num[0] == "0"):
                        yield Match(field.start("num"), field.end("num"), BANNER_SCORE,
                                    Validation.NONE, "mrn_banner", num)
                at = stop

    def _cued(self, text: str) -> Iterator[Match]:
        """The ID-like tokens right after a cue (module docstring)."""
        folded = fold_keep_length(text)
        search = search_at(_CUE, folded, som_starts(_START_PATTERNS, folded)
                           if len(folded) >= SOM_MIN_CHARS else None)
        pos = 0
        while True:
            cue = search(pos)
            if cue is None:
                return
            pos = cue.end()  # as finditer: cues never overlap, and are never empty
            ip = cue.group("ip") is not None
            if ip and not text[cue.start():cue.end()].isupper():
                continue
            if cue.group("acronym") is not None:
                # in capitals only ("sous ipp": the drug class), NIP not after "code" (a PIN)
                if not text[cue.start():cue.end()].isupper():
                    continue
                if not self._acronym_ok(cue.group("acronym"), folded, cue.start(), cue.end()):
                    continue
            weak = cue.group("weak") is not None
            gap = (_SPACES if weak else _GAP).match(folded, cue.end())
            if gap is None or gap.end() - gap.start() > MAX_GAP:
                continue
            tok = _TOKEN.match(folded, gap.end())
            if tok is None:
                continue
            start, end = tok.start(), tok.end()
            value = folded[start:end]
            digits = len(_DIGITS.findall(value))
            acronym = cue.group("acronym")
            least = (WEAK_DIGITS if weak else IP_DIGITS if ip else NIP_DIGITS if acronym == "nip"
                     else NAMED_DIGITS if acronym is not None else MIN_DIGITS)
            if ip and not value.isdigit():
                continue
            if (end - start > MAX_TOKEN or digits < least or _DATE.fullmatch(value)
                    or _YEAR.fullmatch(value) or _UNIT.match(folded, end)
                    or _postcode_town(text, value, end)):
                continue
            yield Match(start, end, TEXT_SCORE, Validation.NONE, "mrn_cue", self.normalize(text[start:end]))

    @staticmethod
    def _acronym_ok(acronym: str, folded: str, start: int, end: int) -> bool:
        """False for NDA and NIP in their other meanings (module docstring)."""
        if acronym == "nda":
            return not (_NDA_OTHER_BEFORE.search(folded, max(0, start - 100), start)
                        or _NDA_OTHER_AFTER.match(folded, end))
        if acronym == "nip":
            return not (_NIP_PIN_BEFORE.search(folded, max(0, start - 12), start)
                        or _NIP_PIN_AFTER.match(folded, end))
        return True

    def match_cell(self, value: str, header_hit: bool) -> Match | None:
        if not header_hit:
            return None
        stripped = value.strip()
        if not stripped or not _cell_ok(fold(stripped)) or _nir_keyed(self.normalize(stripped)):
            return None
        lead = len(value) - len(value.lstrip())
        return Match(lead, lead + len(stripped), CELL_SCORE, Validation.NONE, "mrn_header",
                     self.normalize(stripped))

    def match_column(self, values: "pl.Series", header_hit: bool) -> "pl.DataFrame":
        """:meth:`match_cell` over a column (issue 6): without a header hit every row is a
        no-match; cells that are digits, or a few letters and digits (``P0000001``,
        ``IPP 000001``, ``NDA-2024-0012``), padded with spaces, are decided with Polars; the
        others go through :meth:`match_cell`."""
        import polars as pl

        from sentinelle.detectors.base import column_schema
        from sentinelle.detectors.columnar import BODY, collect, fast_or_fallback, result

        if not header_hit:
            schema = column_schema()
            return pl.DataFrame({k: pl.Series(k, [None] * values.len(), dtype=t)
                                 for k, t in schema.items()})

        def compute(frame: pl.LazyFrame) -> pl.DataFrame:
            # the fast regex admits only bodies _cell_ok accepts (ASCII letters and digits, at
            # least 3 digits, at most 40 characters, not a date: no "/" and at most 2 "-")
            body = pl.col(BODY)
            # normalize(): a leading cue word dropped, then the separators
            norm = (body.str.to_lowercase()
                    .str.replace(r"^(?:ipp|nip|nda|mrn|iep)[ .:#\-]*([0-9])", "${1}")
                    .str.replace_all(r"[ .\-:#/_]+", ""))
            # a year, maybe after letters ("2024", "HC2024", "IPP 2019-2020"): as _cell_ok
            frame = collect(frame.with_columns(
                norm=norm, hit=~body.str.to_lowercase().str.contains(_YEAR_CELL)))
            # a NIR with its right key is the patient's INS, not a local number (_nir_keyed):
            # the few normalised values of 15 characters are checked one by one
            few = frame.with_row_index("_k").filter(pl.col("norm").str.len_bytes() == 15)
            keyed = [k for k, v in zip(few["_k"], few["norm"]) if _nir_keyed(v)]
            if keyed:
                frame = frame.with_row_index("_k").with_columns(
                    hit=pl.col("hit") & ~pl.col("_k").is_in(keyed)).drop("_k")
            return result(frame, pl.lit(CELL_SCORE), pl.lit(Validation.NONE.value),
                          pl.lit("mrn_header"), "norm", "hit")

        fast = r"^(?P<lead> *)(?P<body>(?:[A-Za-z]{1,6}[ \-]?)?[0-9]{3,24}(?:-[0-9A-Za-z]{1,8})?) *$"
        return fast_or_fallback(self, values, header_hit, fast, compute)

    def normalize(self, value: str) -> str:
        """Folded, a leading cue word written in the cell dropped, separators removed: the cell
        ``IPP 000001``, the text's ``000001`` after "IPP :" and ``000-001`` hash alike (the
        pseudonym of one patient stays one across files)."""
        return re.sub(r"[ .\-:#/_\u00a0]+", "", _PREFIX.sub("", fold(value).strip()))
