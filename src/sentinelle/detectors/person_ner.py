"""A second opinion on PERSON from spaCy's French NER model (optional extra ``ner``).

Not a detector of its own: :class:`sentinelle.detectors.person.PersonDetector` holds one
:class:`PersonNer` when ``Config.ner`` is ``auto`` or ``always`` and passes it its list-based
candidates. The model is loaded once, when the detector is built, and kept on that instance
(never in module state).

Model: ``fr_core_news_md`` 3.x (spaCy; NER trained on WikiNER, CC BY 4.0; LGPL-LR model
licence), label ``PER``. Only ``tok2vec`` and ``ner`` run (parser, lemmatizer and morphologizer
are excluded: 3-4x faster).

What the second opinion does (rules measured on ../shared/corpus/pii_fr_clinical_eds_pseudo,
see tests/detectors/test_person_ner.py and bench/ner_person.py):

a. it **confirms**: a list candidate scored below :data:`CONFIRMED` (a first name alone, a
   lower-case pair, a surname with initials) that overlaps a ``PER`` span is raised to
   :data:`CONFIRMED`;
b. it **adds**: a ``PER`` span that no list candidate overlaps becomes a candidate at
   :data:`ADDED` when it looks like a name (1-4 tokens, at least one capitalised token outside
   the stopword list, no digit, not right after a type of way, an institution or an eponym cue:
   the exclusions of the list-based detector apply). The model never removes a list candidate:
   a leak scanner prefers a false positive with a low score to a miss.

Modes: ``always`` runs the model on every text unit (in pieces of at most
:data:`PIECE_CHARS` characters cut at line ends); ``auto`` only on the lines around a cheap cue:
a civility title, a person context word ("patient", "né le", "prescripteur"...) or a list
candidate that needs confirmation (score below :data:`CONFIRMED`); so a large table of codes or
numbers never pays for the model (../shared/cases pb-014).

Errors: building it without spaCy or the model raises :class:`~sentinelle.errors.ConfigError`
with the install hint ``pip install 'sentinelle[ner]'``.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Callable, Iterator, Sequence

from sentinelle.detectors.base import Match
from sentinelle.errors import ConfigError
from sentinelle.finding import Validation

MODEL = "fr_core_news_md"
#: score of a list candidate confirmed by the model
CONFIRMED = 0.75
#: score of a PER span found by the model alone
ADDED = 0.55
#: longest piece of text given to the model at once (characters, cut at a line end)
PIECE_CHARS = 20_000
#: lines kept around a cue in ``auto`` mode (before and after the cue's line)
AUTO_CONTEXT_LINES = 1
INSTALL_HINT = "pip install 'sentinelle[ner]'"

_TITLE = re.compile(
    r"(?<![\w])(?:M\.|MM\.|Mr|MR|Mme|MME|Mlle|MLLE|Madame|MADAME|Monsieur|MONSIEUR|Dr|DR|Docteur|"
    r"DOCTEUR|Pr|PR|Professeur|PROFESSEUR|Me|Mrs|Ms|Miss)(?![\w])")
_DIGIT = re.compile(r"\d")


def check_available() -> None:
    """Raise :class:`ConfigError` unless spaCy and the French model can be imported."""
    for module in ("spacy", MODEL):
        if importlib.util.find_spec(module) is None:
            raise ConfigError(
                f"ner needs spaCy and its French model {MODEL}, which are not installed: "
                f"{INSTALL_HINT} (or set ner = \"never\")")


class PersonNer:
    """spaCy French NER as a second opinion on PERSON candidates.

    ``mode`` is ``"auto"`` or ``"always"``. Raises :class:`ConfigError` when spaCy or the model
    is missing or cannot be loaded.
    """

    def __init__(self, mode: str):
        if mode not in ("auto", "always"):
            raise ConfigError(f"ner must be one of never, auto, always (got {mode!r})")
        check_available()
        self.mode = mode
        try:
            import spacy

            self._nlp = spacy.load(MODEL, exclude=["parser", "lemmatizer", "morphologizer",
                                                   "attribute_ruler", "senter"])
        except Exception as exc:  # a broken install: report it as a configuration problem
            raise ConfigError(f"ner: cannot load the spaCy model {MODEL} "
                              f"({type(exc).__name__}); reinstall with {INSTALL_HINT}") from None
        self._nlp.max_length = max(self._nlp.max_length, PIECE_CHARS * 2)

    # -- where to run ----------------------------------------------------------------------
    def _pieces(self, text: str, cue: Callable[[int, int], bool] | None) -> Iterator[tuple[int, int]]:
        """``(start, end)`` pieces of ``text`` to give the model: lines grouped up to
        :data:`PIECE_CHARS`; in ``auto`` mode only the lines around a cue."""
        bounds = []
        pos = 0
        n = len(text)
        while pos < n:
            nl = text.find("\n", pos)
            end = n if nl < 0 else nl + 1
            while end - pos > PIECE_CHARS:  # a very long line: cut at a space
                cut = text.rfind(" ", pos, pos + PIECE_CHARS)
                cut = cut + 1 if cut > pos else pos + PIECE_CHARS
                bounds.append((pos, cut))
                pos = cut
            if end > pos:
                bounds.append((pos, end))
            pos = end
        if cue is not None:
            keep = [False] * len(bounds)
            for i, (s, e) in enumerate(bounds):
                if cue(s, e):
                    for k in range(max(0, i - AUTO_CONTEXT_LINES), min(len(bounds), i + AUTO_CONTEXT_LINES + 1)):
                        keep[k] = True
            bounds = [b for b, k in zip(bounds, keep) if k]
        # merge adjacent lines into pieces
        start = end = None
        for s, e in bounds:
            if start is not None and s == end and e - start <= PIECE_CHARS:
                end = e
                continue
            if start is not None:
                yield start, end
            start, end = s, e
        if start is not None:
            yield start, end

    def persons(self, text: str, cue: Callable[[int, int], bool] | None = None) -> list[tuple[int, int]]:
        """``PER`` spans of the model in ``text`` (offsets in ``text``), left and right spaces
        trimmed. ``cue(start, end)`` selects the lines to read in ``auto`` mode."""
        pieces = list(self._pieces(text, cue if self.mode == "auto" else None))
        spans: list[tuple[int, int]] = []
        docs = self._nlp.pipe((text[s:e] for s, e in pieces), batch_size=16)
        for (s, _e), doc in zip(pieces, docs):
            for ent in doc.ents:
                if ent.label_ == "PER":
                    spans.append((s + ent.start_char, s + ent.end_char))
        return spans

    # -- the second opinion ----------------------------------------------------------------
    def review(self, text: str, candidates: Sequence[Match], looks_like_name: Callable[[int, int], bool],
               cue_words: Callable[[int, int], bool]) -> list[Match]:
        """Confirm low-scored ``candidates`` and add the model's names they missed.

        ``looks_like_name(start, end)`` applies the list detector's exclusions to a model span;
        ``cue_words(start, end)`` tells whether a line holds a person context word (auto mode).
        """
        weak = [(c.start, c.end) for c in candidates if c.score < CONFIRMED]

        def cue(s: int, e: int) -> bool:
            if _TITLE.search(text, s, e):
                return True
            if any(s <= cs < e for cs, _ce in weak):
                return True
            return cue_words(s, e)

        spans = self.persons(text, cue)
        if not spans:
            return list(candidates)
        out = []
        for c in candidates:
            if c.score < CONFIRMED and any(s < c.end and c.start < e for s, e in spans):
                out.append(Match(c.start, c.end, CONFIRMED, c.validation, c.pattern + "+ner",
                                 c.normalized, c.entity))
            else:
                out.append(c)
        taken = sorted((c.start, c.end) for c in candidates)
        for s, e in spans:
            if any(cs < e and s < ce for cs, ce in taken):
                continue
            if _DIGIT.search(text, s, e) or not looks_like_name(s, e):
                continue
            out.append(Match(s, e, ADDED, Validation.NONE, "ner", ""))
        out.sort(key=lambda m: m.start)
        return out
