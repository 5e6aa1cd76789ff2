"""UrlDetector: scheme and www. URLs, trailing punctuation out, e-mails and bare domains out."""

from __future__ import annotations

import pytest

from sentinelle.config import Config
from sentinelle.detectors import build
from sentinelle.detectors.base import fold_header
from sentinelle.detectors.url import UrlDetector
from sentinelle.finding import Location
from sentinelle.pipeline import Pipeline
from sentinelle.readers.base import TableBatch, TableUnit

DET = UrlDetector()


@pytest.mark.parametrize("text, span", [
    ("Résultats sur https://labo.example.org/r?id=8842&nom=Durand.",
     "https://labo.example.org/r?id=8842&nom=Durand"),                     # sentence dot out
    ("(voir www.example.fr/patients/durand)", "www.example.fr/patients/durand"),  # bracket out
    ("lien : ftp://files.example.com/export.csv", "ftp://files.example.com/export.csv"),
    ("https://fr.wikipedia.org/wiki/A_(B), cité", "https://fr.wikipedia.org/wiki/A_(B)"),  # balanced
    ("<https://example.org>", "https://example.org"),
    ("« https://example.org/a »", "https://example.org/a"),
    ('href="https://example.org/p?q=1"', "https://example.org/p?q=1"),
    ("HTTPS://EXAMPLE.ORG/Dossier", "HTTPS://EXAMPLE.ORG/Dossier"),
    ("http://localhost:8080/admin", "http://localhost:8080/admin"),
    ("http://[2001:db8::1]:80/x", "http://[2001:db8::1]:80/x"),
    ("Voir https://example.org/a?b=c;", "https://example.org/a?b=c"),
    ("https://exemple.fr/é/à?x=ü!", "https://exemple.fr/é/à?x=ü"),
])
def test_found(text, span):
    assert [text[m.start:m.end] for m in DET.find(text)] == [span]


@pytest.mark.parametrize("text", [
    "écrire à contact@www.example.org",      # e-mail domain
    "mailto:anne@example.org",               # e-mail scheme
    "anne.leroy@example.org",                # e-mail
    "le site example.org",                   # bare domain
    "http:// rien",                          # no host
    "version www.2",                         # no host labels
    "fichier rapport.www.pdf",               # "www." inside a word
    "Réf 06 12 34 56 78.example.org ok",     # ../shared/cases pb-001: bare domain, not detected
])
def test_not_found(text):
    assert list(DET.find(text)) == []


@pytest.mark.parametrize("text, score", [
    ("https://example.org/x", 0.5),                       # a plain site address
    ("lien : https://example.org/x", 0.8),                # plain + cue
    ("www.example.org", 0.5),
    ("https://labo.example.org/r?id=8842", 0.7),          # a query: may carry an id
    ("https://example.org/a#section", 0.7),               # a fragment
    ("https://example.org/dossiers/123456/pdf", 0.7),     # an id in the path
    ("http://www.example.org/~jdupont/", 0.7),            # a personal page
    ("lien : https://labo.example.org/r?id=8842", 1.0),
])
def test_scores(text, score, pipeline):
    assert [f.score for f in pipeline.analyze_text(text, Location("t")) if f.entity_type == "URL"] == [score]


def test_normalize_keeps_path_case():
    m, = DET.find("HTTPS://Example.ORG/Dossier/ABC")
    assert m.normalized == "https://example.org/Dossier/ABC"


@pytest.mark.parametrize("header, hit", [
    ("url", True), ("URL", True), ("lien", True), ("site_web", True), ("website", True),
    ("profile_url", True), ("url2", True), ("curl", False), ("nom", False),
])
def test_header_pattern(header, hit):
    assert DET.header_matches(fold_header(header)) is hit


def test_table_column():
    # plain addresses in cells stay below the min score (0.25 + header 0.2): a column of FHIR
    # "system" URIs or of company sites is not personal data; URLs carrying data are reported
    p = Pipeline(build(), Config())
    col = ["https://labo.example.org/r?id=8842", "http://terminology.hl7.org/CodeSystem/v2-0203",
           "www.example.fr/p/durand#contact", "aucun"]
    unit = TableUnit(Location("liens.csv"), ("url",), iter([TableBatch(0, [col])]))
    found = [f for b in p.analyze_table(unit) for f in b if f.entity_type == "URL"]
    assert [(f.location.row, f.value, f.score) for f in found] == [
        (0, "https://labo.example.org/r?id=8842", 0.9), (2, "www.example.fr/p/durand#contact", 0.9)]
