"""The regex-free lexicon matchers of issue 6 (start-up and text speed):
:class:`~sentinelle.detectors.lexicon.TermTrie` must give exactly the matches of the prefix-tree
regex it replaces (``re`` with :func:`~sentinelle.detectors.lexicon.trie_regex`), with hyperscan
and with its ``re`` fallback; :class:`~sentinelle.detectors.lexicon.WordLexicon` must give the
same matches with its hyperscan word database as with its ``re`` token path.
"""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from sentinelle import data
from sentinelle.detectors import lexicon
from sentinelle.detectors.base import fold, fold_keep_length
from sentinelle.detectors.lexicon import TermTrie, WordLexicon, plural_marked, trie_regex
from tests.conftest import shared_dir


def _regex(terms):
    """The regex TermTrie stands for (the reference)."""
    return re.compile(rf"(?<![0-9a-z])(?:{trie_regex(terms)})(?![0-9a-z])")


TERMS = [plural_marked(t) for t in (
    "diabete", "diabete de type 2", "diabetes mellitus", "covid-19", "maladie d'alzheimer",
    "h. pylori", "hta", "tumeur benigne", "co-infection", "oedeme")]


@pytest.mark.parametrize("text, spans", [
    ("diabete de type 2 equilibre", [(0, 17)]),          # the longest term wins
    ("diabetes mellitus", [(0, 17)]),                     # a listed letter before the plural
    ("diabetes", [(0, 8)]),                               # the plural of "diabete"
    ("diabete de type 3", [(0, 7)]),                      # back to the shorter term
    ("prediabete", []),                                   # whole words only
    ("covid-19, covid19, covid 19", [(0, 8), (10, 17), (19, 27)]),  # optional hyphen
    ("maladie d'alzheimer / maladie dalzheimer", [(0, 19), (22, 40)]),  # optional apostrophe
    ("maladie  d'alzheimer", [(0, 20)]),                  # a space is any run of blanks
    ("maladie\nd'alzheimer", [(0, 19)]),
    ("tumeurs benignes", [(0, 16)]),                      # every word may be plural
    ("h. pylori", [(0, 9)]),                              # a literal dot
    ("hta2", []),                                         # a digit after: no word end
    ("co-infection et coinfection", [(0, 12), (16, 27)]),
    ("conclusion", []),                                   # "co" alone is no term
    ("", []),
])
def test_term_trie_matches_like_the_regex(text, spans):
    trie = TermTrie(TERMS)
    assert list(trie.finditer(text)) == spans
    assert [m.span() for m in _regex(TERMS).finditer(text)] == spans


@pytest.mark.parametrize("term", ["", " x", "-x", "'x", lexicon.PLURAL + "x"])
def test_term_trie_rejects_a_term_starting_with_a_separator(term):
    with pytest.raises(ValueError):
        TermTrie([term])


def _health_terms() -> list[str]:
    terms = {" ".join(fold(raw.strip().lstrip("=?")).split())
             for line in data.lines("health_conditions.txt") for raw in line.split("|")}
    terms |= {" ".join(fold(line).split()) for line in data.lines("health_conditions_cim10.txt")}
    return sorted(plural_marked(t) for t in terms if t)


def _corpus_texts() -> list[str]:
    # French clinical snippets (EDS-Pseudo) and MEDLINE/EMEA texts (QUAERO dev)
    root = shared_dir() / "corpus"
    paths = sorted((root / "medical_ner_fr_quaero" / "dev").rglob("*.txt"))[:300]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    eds = root / "pii_fr_clinical_eds_pseudo" / "eds_pseudo_gen_dev.jsonl"
    lines = eds.read_text(encoding="utf-8").splitlines()
    texts.append("\n".join(json.loads(line)["note_text"] for line in lines))
    assert len(texts) > 300
    return texts


@pytest.fixture(scope="module")
def health():
    terms = _health_terms()
    return terms, _regex(terms), _corpus_texts()


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_term_trie_equals_the_regex_on_the_corpus(health, engine, monkeypatch):
    terms, rx, texts = health
    if engine == "re":  # the fallback without hyperscan
        monkeypatch.setattr(lexicon, "_hs_literals", lambda runs, follow: None)
    trie = TermTrie(terms)
    # every term written with its variants: plural, hyphens and apostrophes as spaces or none
    variants = " ; ".join(v for t in terms for v in (
        t.replace(lexicon.PLURAL, ""), t.replace(lexicon.PLURAL, "s"),
        t.replace(lexicon.PLURAL, "").replace("-", " ").replace("'", ""),
        t.replace(lexicon.PLURAL, "").replace(" ", "\u00a0 ")))
    for text in [variants, *texts]:
        folded = fold_keep_length(text)
        assert list(trie.finditer(folded)) == [m.span() for m in rx.finditer(folded)]


def test_term_trie_pickles_without_its_database():
    trie = TermTrie(TERMS)
    assert list(trie.finditer("diabete de type 2")) == [(0, 17)]  # builds the database
    again = pickle.loads(pickle.dumps(trie))
    assert list(again.finditer("hta et covid19")) == [(0, 3), (7, 14)]


# -- WordLexicon: hyperscan word database and re token path ---------------------------------

WORDS = WordLexicon({"levodopa": 1, "levodopa carbidopa": 2, "fer": 3, "l thyroxine": 4,
                     "un alfa": 5, "proteine c": 6, "βcarotene": 7})


@pytest.mark.parametrize("text, found", [
    ("l-thyroxine 100 µg", [(0, 11, 4)]),                  # a short first word, paired
    ("l'examen de l thyroxine", [(12, 23, 4)]),            # "l" alone starts nothing
    ("l    thyroxine", []),                                # more than 3 blanks between words
    ("l\u2009thyroxine", [(0, 11, 4)]),                    # any white space (thin space)
    ("l—thyroxine", []),                                   # a dash is no soft gap
    ("un alfa, un alfabet", [(0, 7, 5)]),
    ("proteine c reactive", [(0, 10, 6)]),
    ("βcarotene et xβcarotene", [(0, 9, 7)]),              # a letter outside Latin-1
    ("fer, transfert, fer-", [(0, 3, 3), (16, 19, 3)]),
    ("levodopa carbidopa", [(0, 18, 2)]),
])
@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_word_lexicon_engines(text, found, engine, monkeypatch):
    lex = pickle.loads(pickle.dumps(WORDS))  # a fresh copy: no database built yet
    if engine == "re":
        monkeypatch.setattr(lexicon, "_hs_words", lambda words, pairs: None)
    assert list(lex.finditer(fold_keep_length(text))) == found
