"""Session 12 speed changes of the free-text path (issue 6): the same results.

* ``Detector.context_hits_many`` makes each distinct run of words between two windows into its
  tuple once: repeated windows, windows without words and windows with two words get what
  ``context_hits`` gives each alone (hand-made folded text, rule of
  ``sentinelle.detectors.base``: whole words in ``folded[start-48:start] + " " +
  folded[end:end+16]``).
* ``PersonDetector._is_town`` / ``_is_place`` are memoised: asked twice, the same answer, the
  one the commune list gives (INSEE COG via data/communes.txt: Paris is a town of 10,000
  inhabitants or more and no first name; Nancy is flagged a first name, so no town here, see
  the location module docstring).
* ``LocationDetector._commune_may_score`` hands its tests to ``_score``: a false answer is the
  empty tuple, a true one a tuple of the tests made (None: not made).
* the cue database of LOCATION kept by ``sentinelle.data.cached`` finds the postcode cue of
  "75001 paris" (the letter after "75001 " is at offset 6).
"""

from __future__ import annotations

from sentinelle.detectors import location
from sentinelle.detectors.base import Detector
from sentinelle.detectors.location import LocationDetector
from sentinelle.detectors.person import PersonDetector


class _Cue(Detector):
    name = "test.cue12"
    entity = "TEST"
    context_words = ("patient", "tel", "nom de naissance", "nom")


def test_context_many_repeated_windows():
    det = _Cue()
    line = "patient : xxxx tel 0601\n"  # 24 characters, the candidate "xxxx" at 10-14
    folded = line * 5 + "nom de naissance : yyyy nom zzzz\n"
    spans = [(10 + 24 * i, 14 + 24 * i) for i in range(5)]
    spans += [(120 + 19, 120 + 23), (120 + 28, 120 + 32)]
    got = det.context_hits_many(folded, spans)
    assert got == [det.context_hits(folded, s, e) for s, e in spans]
    # the first window: "patient : " before, " tel 0601\npatien" after
    assert got[0] == ("patient", "tel")
    # "yyyy" at 139: its 48 characters before reach back into the fifth line ("0601\n",
    # then "patient : xxxx tel 0601\n", "nom de naissance : ": the longest word, not "nom"),
    # " nom zzzz\n" after it
    assert got[5] == ("patient", "tel", "nom de naissance", "nom")
    # a window with no word at all
    assert det.context_hits_many("x" * 200, [(100, 104)]) == [()]


def test_person_town_and_place_memo():
    det = PersonDetector()
    for _ in range(2):
        assert det._is_town("Paris") is True
        assert det._is_town("Nancy") is False
        assert det._is_place("Paris") is True
        assert det._is_place("Hémoglobine") is False
    assert det._town_memo == {"Paris": True, "Nancy": False}


def test_commune_may_score_facts():
    det = LocationDetector()
    text = "Adresse : 75001 Paris"
    folded = text.lower()
    c = det._index.get("paris")
    s = text.index("Paris")
    facts = det._commune_may_score(text, folded, folded[max(0, s - 40):s], s + 5, "paris", c)
    assert facts == (None, None, None, None)  # a city of 100,000 inhabitants or more: no test made
    m = det._score(text, folded, s, s + 5, c)
    assert (m.start, m.end, m.score, m.pattern) == (s, s + 5, 0.85, "code_town")
    # a flagged commune (a first name) after no cue: rejected, the empty tuple
    text = "Appeler Marie demain."
    c = det._index.get("marie")
    assert c is not None and c.flagged
    s = text.index("Marie")
    assert det._commune_may_score(text, text.lower(), text.lower()[:s], s + 5, "marie", c) == ()
    assert det._score(text, text.lower(), s, s + 5, c) is None


def test_cue_database_finds_postcode():
    if location._hs_cues() is None:  # no hyperscan: the wider test at every token
        assert location._cue_positions("75001 paris") is None
        return
    assert 6 in location._cue_positions("75001 paris")
