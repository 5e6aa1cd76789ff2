"""Notification drafts (sentinelle.report.notification) from the hand-built assessment document
of tests/report/conftest.py.

What the drafts must hold comes from the law: GDPR art. 33(1) (72 hours), 33(3)(a)-(d) (nature
with categories and approximate numbers of persons and records; DPO contact; likely
consequences; measures), art. 34(2) (the letter: clear and plain language, and the information
of art. 33(3)(b)-(d)); and from the sections of the CNIL online notification form.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sentinelle.report import notification
from sentinelle.report.notification import code, md, render, write_drafts

NN = "\u202f"
NAMES = ["notification-cnil.fr.md", "notification-cnil.en.md", "lettre-personnes.fr.md",
         "letter-data-subjects.en.md"]


@pytest.fixture
def drafts(leak_doc, tmp_path) -> dict[str, str]:
    paths = write_drafts(leak_doc, tmp_path / "out")
    return {p.name: p.read_text("utf-8") for p in paths}


def test_four_drafts_written_in_the_folder(leak_doc, tmp_path):
    folder = tmp_path / "a" / "b"                      # created, parents too
    paths = write_drafts(leak_doc, folder)
    assert [p.name for p in paths] == NAMES
    assert all(p.parent == folder and p.is_file() for p in paths)
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)   # no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]          # nothing outside


@pytest.mark.parametrize("name, expected", [
    # art. 33(1): the deadline; art. 33(3)(a)-(d) and the CNIL form's sections
    ("notification-cnil.fr.md", [
        "72 heures au plus tard", "art. 33(1)", "art. 33(3)", "art. 33(4)", "art. 33(5)",
        "formulaire de notification en ligne de la CNIL",
        "## 2. Nature de la violation (art. 33(3) a)", "## 3. Données concernées (art. 33(3) a)",
        "## 4. Personnes concernées (art. 33(3) a)",
        "## 5. Conséquences probables pour les personnes (art. 33(3) c)",
        "## 6. Mesures prises ou envisagées (art. 33(3) d)",
        "## 7. Information des personnes concernées (art. 34)",
        "**Délégué à la protection des données (DPO)**",
        "Date et heure de la **découverte** de la violation : [À COMPLÉTER]",
        "Date ou période de **survenue** de la violation : [À COMPLÉTER]",
        f"Nombre approximatif de personnes concernées : **19{NN}874** (intervalle\n  19{NN}790 – 19{NN}960)",
        f"Nombre approximatif d'**enregistrements** concernés : **107{NN}695**",
        f"patients : 19{NN}650", "professionnels de santé : 224",
        f"| Données de santé | `HEALTH_CONDITION, LAB_RESULT, BLOOD_GROUP` | 15{NN}000 | oui |",
        "l'enregistrement le plus récent est daté du 28 décembre 2020",
        "perte de **confidentialité** : oui, les données ont été trouvées publiées",
        f"87{NN}% des personnes figurent déjà dans la fuite connue « lab-leak-2021 »",
        "Gravité évaluée selon la méthode ENISA (2013) : **Très élevée**",
        "Risque élevé pour les droits et libertés des personnes : **oui**",
        "`labo_a/` : `FR_FINESS` `75*****12`", "`labo_a/` : Laboratoire Bio-Santé Est",
        "Usurpation d'identité", "Prélèvements frauduleux à l'aide des coordonnées bancaires (IBAN)",
        "`lettre-personnes.fr.md`",
    ]),
    ("notification-cnil.en.md", [
        "not later than 72 hours after\n>   becoming aware", "GDPR art. 33(1)", "art. 33(3)(a)-(d)",
        "## 2. Nature of the breach (« Nature de la violation », art. 33(3)(a))",
        "## 3. Data concerned (« Données concernées », art. 33(3)(a))",
        "## 4. Persons concerned (« Personnes concernées », art. 33(3)(a))",
        "## 5. Likely consequences for the persons (« Conséquences probables », art. 33(3)(c))",
        "## 6. Measures taken or proposed (« Mesures prises », art. 33(3)(d))",
        "## 7. Informing the persons concerned (« Information des personnes », art. 34)",
        "**Data protection officer (DPO)**",
        "Date and time the breach was **discovered**: [TO BE COMPLETED]",
        "Approximate number of data subjects: **19,874** (interval\n  19,790 – 19,960)",
        "Approximate number of personal data **records** concerned: **107,695**",
        "| Health data | `HEALTH_CONDITION, LAB_RESULT, BLOOD_GROUP` | 15,000 | yes |",
        "87% of the persons are already in the known leak “lab-leak-2021” (17,290 persons in common)",
        "**Very high**", "`letter-data-subjects.en.md`",
    ]),
    ("lettre-personnes.fr.md", [
        "RGPD art. 34(1)", "RGPD art. 34(2)", "**en des termes clairs et simples**",
        "**Objet : information sur une violation de vos données personnelles**",
        "rendu public sans autorisation",
        "- votre numéro de sécurité sociale ;", "- vos coordonnées bancaires (IBAN) ;",
        "- des résultats d'analyses médicales ;", "- votre groupe sanguin ;",
        "Ces informations datent de la période de janvier 2015 à décembre 2020.",
        "**Méfiez-vous des messages qui parlent de votre santé ou de vos analyses**",
        "compte ameli", "33700", "délégué à la protection des données",
        "[À COMPLÉTER] nom, adresse postale, adresse électronique, téléphone.",
        "réclamation auprès de la Commission nationale de l'informatique et des libertés",
        "RGPD art. 77", f"Environ 19{NN}874 personnes sont concernées",
        "224 professionnels de santé, à qui adresser un courrier adapté",
    ]),
    ("letter-data-subjects.en.md", [
        "GDPR art. 34(1)", "GDPR art. 34(2)", "**in clear and plain language**",
        "**Subject: a breach of your personal data**", "made public without authorisation",
        "- your social security number;", "- your bank details (IBAN);",
        "This information dates from January 2015 to December 2020.",
        "**Be wary of messages that talk about your health or your tests**",
        "ameli account", "33700", "data protection officer",
        "[TO BE COMPLETED] name, postal address, e-mail, phone.", "GDPR art. 77",
        "About\n>   19,874 persons are concerned",
    ]),
])
def test_draft_contents(drafts, name, expected):
    text = drafts[name]
    missing = [e for e in expected if e not in text]
    assert not missing


@pytest.mark.parametrize("name, placeholder", [
    ("notification-cnil.fr.md", "[À COMPLÉTER]"),
    ("notification-cnil.en.md", "[TO BE COMPLETED]"),
    ("lettre-personnes.fr.md", "[À COMPLÉTER]"),
    ("letter-data-subjects.en.md", "[TO BE COMPLETED]"),
])
def test_placeholders_in_the_draft_language_only(drafts, name, placeholder):
    other = "[TO BE COMPLETED]" if placeholder == "[À COMPLÉTER]" else "[À COMPLÉTER]"
    assert drafts[name].count(placeholder) >= 5 and other not in drafts[name]


def test_organisation_identifiers_are_not_persons(drafts):
    """FR_FINESS identifies a lab, not a person: listed under the organisation, not as data."""
    table = drafts["notification-cnil.fr.md"].split("## 3.")[1].split("## 4.")[0]
    assert "FR_FINESS" not in table and "Organisme" not in table


@pytest.mark.parametrize("entity, category, fr_line, en_line", [
    # one row per exposed data type the letter names in plain words (and only when present)
    ("FR_NIR", "national_identifier", "- votre numéro de sécurité sociale ;",
     "- your social security number;"),
    ("IBAN_CODE", "financial", "- vos coordonnées bancaires (IBAN) ;", "- your bank details (IBAN);"),
    ("CREDIT_CARD", "financial", "- un numéro de carte bancaire ;", "- a payment card number;"),
    ("MEDICATION", "health", "- des médicaments prescrits ;", "- medicines prescribed to you;"),
    ("CREDENTIAL", "credentials", "- un mot de passe ou identifiant de connexion ;",
     "- a password or login;"),
])
def test_letter_names_the_data_present(leak_doc, entity, category, fr_line, en_line):
    leak_doc["categories"] = [c for c in leak_doc["categories"] if entity not in c["entities"]]
    leak_doc["entities"] = [e for e in leak_doc["entities"] if e["entity_type"] != entity]
    assert fr_line not in render(leak_doc, "lettre-personnes.fr.md")
    assert en_line not in render(leak_doc, "letter-data-subjects.en.md")
    leak_doc["entities"].append({"entity_type": entity, "category": category, "findings": 12,
                                 "distinct_values": 10, "subjects": 10})
    assert fr_line in render(leak_doc, "lettre-personnes.fr.md")
    assert en_line in render(leak_doc, "letter-data-subjects.en.md")


@pytest.mark.parametrize("level, fr_expected", [
    ("very high", "Risque élevé pour les droits et libertés des personnes : **oui**"),
    ("high", "Risque élevé pour les droits et libertés des personnes : **oui**"),
    ("medium", "Risque élevé pour les droits et libertés des personnes : à apprécier"),
    ("low", "Risque élevé pour les droits et libertés des personnes : à apprécier"),
])
def test_art34_follows_the_severity_level(leak_doc, level, fr_expected):
    leak_doc["severity"]["level"] = level
    assert fr_expected in render(leak_doc, "notification-cnil.fr.md")


def test_empty_assessment_drafts(empty_doc, tmp_path):
    texts = {p.name: p.read_text("utf-8") for p in write_drafts(empty_doc, tmp_path)}
    assert "| aucune | — | 0 | — |" in texts["notification-cnil.fr.md"]
    assert "- This information can circulate and be reused without your consent." in \
        texts["letter-data-subjects.en.md"]
    assert "votre numéro de sécurité sociale" not in texts["lettre-personnes.fr.md"]


def test_document_text_cannot_change_the_markdown(leak_doc):
    leak_doc["sources"][0]["path"] = "x/\n# injected heading | cell `tick`"
    leak_doc["sources"][0]["organisations"][1]["value"] = "Labo *bold* [link](u)\n- item"
    leak_doc["copies"]["known_leaks"][0]["name"] = "leak|name"
    text = render(leak_doc, "notification-cnil.fr.md")
    assert not re.search(r"^# injected", text, re.M)
    assert "`` x/ # injected heading | cell `tick` ``" in text
    assert r"Labo \*bold\* \[link\](u) - item" in text
    assert r"« leak\|name »" in text
    for line in text.splitlines():                      # every table row keeps its 4 cells
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line.replace("`|`", ""))) == 5, line


@pytest.mark.parametrize("text, expected", [
    ("Laboratoire X", "Laboratoire X"),
    ("FR_FINESS", "FR_FINESS"),                 # intraword _ is not emphasis (CommonMark 6.2)
    ("_x_", r"\_x\_"),
    ("a*b", r"a\*b"),
    ("a|b", r"a\|b"),                           # would split a table cell
    ("[x](y)", r"\[x\](y)"),
    ("<b>", r"\<b\>"),
    ("# title", r"\# title"),                   # would open a heading
    ("- item", r"\- item"),                     # would open a list
    ("12. x", r"12\. x"),                       # would open an ordered list
    ("a\nb\tc", "a b c"),                       # line breaks and controls become spaces
])
def test_md_escape(text, expected):
    assert md(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("labo_a/", "`labo_a/`"),
    ("75*****12", "`75*****12`"),
    ("a`b", "``a`b``"),                         # fence longer than the longest backtick run
    ("`x", "`` `x ``"),                         # padded when the content starts with one
])
def test_code_span(text, expected):
    assert code(text) == expected


def test_other_schema_writes_nothing(leak_doc, tmp_path):
    leak_doc["schema"] = "sentinelle-scan-summary/1"
    with pytest.raises(ValueError, match="sentinelle-assessment/1"):
        write_drafts(leak_doc, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_folder_that_is_a_file(leak_doc, tmp_path):
    target = tmp_path / "drafts"
    target.write_text("not a folder", "utf-8")
    with pytest.raises(OSError):
        write_drafts(leak_doc, target)
    assert target.read_text("utf-8") == "not a folder"


def test_masked_values_only(drafts):
    for name, text in drafts.items():
        assert "9f1c0a" not in text, name                 # keyed hashes are not copied
        assert not re.findall(r"\d{6,}", text), name      # figures grouped; no identifier-like run


def test_drafts_module_lists_the_files():
    assert list(notification.DRAFTS) == NAMES
    for template, _lang in notification.DRAFTS.values():
        assert (Path(notification.__file__).parent / "templates" / template).is_file()
