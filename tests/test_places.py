"""Places: spaCy GPE/LOC/FAC plus shop, street and building names decided from
context, never a character (narrative/places.py, characters/discover.py)."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_WORK, FIXTURES
from ficlens import read_work
from ficlens.pipeline import run_layers

NARRATIVE_WORK = FIXTURES / "narrative" / "the_borrowed_hour.html"


@pytest.fixture(scope="module")
def analysis():
    return run_layers(read_work(NARRATIVE_WORK))


def _mention_texts(analysis, place):
    chapters = {c.index: c for c in analysis.work.chapters}
    return [chapters[m.chapter].text[m.start:m.end] for m in place.mentions]


def test_places_in_the_fixture_work(analysis):
    found = [(p.id, p.name, p.kind, len(p.mentions)) for p in analysis.places]
    assert found == [
        ("P1", "Flourish and Blotts", "FAC", 1),  # spaCy: NORP + GPE; "in front of X"
        ("P2", "Grimmauld Place", "FAC", 1),  # spaCy: PERSON; street word
        ("P3", "Knockturn Alley", "FAC", 1),  # spaCy: PERSON; "walked through X"
        ("P4", "Borgin's", "FAC", 1),  # a shop in the possessive: "outside Borgin's"
        ("P5", "the Leaky Cauldron", "FAC", 2),  # always written with "the"
        ("P6", "Diagon Alley", "FAC", 1),
        ("P7", "Hogsmeade", "GPE", 1),  # spaCy: ORG; "went to X"
        ("P8", "Malfoy Manor", "FAC", 1),  # spaCy: PERSON; not Draco Malfoy
        ("P9", "Ollivander's", "FAC", 1),
        ("P10", "London", "GPE", 1),
    ]
    leaky = analysis.places[4]
    assert _mention_texts(analysis, leaky) == ["the Leaky Cauldron", "the Leaky Cauldron"]
    assert _mention_texts(analysis, analysis.places[3]) == ["Borgin’s"]


def test_a_place_is_never_a_character(analysis):
    names = {c.name for c in analysis.characters.characters}
    assert names == {"Harry Potter", "Draco Malfoy", "Luna Lovegood", "Neville Longbottom",
                     "Hermione Granger", "Ron Weasley"}
    # spaCy calls "Neville Longbottom" a GPE; the surname stays a person's.
    place_names = {p.name for p in analysis.places}
    assert "Longbottom" not in place_names and "Neville" not in place_names
    name_spans = {(m.chapter, m.start, m.end) for m in analysis.characters.mentions if m.kind == "name"}
    for place in analysis.places:
        for m in place.mentions:
            assert not any(c == m.chapter and s < m.end and m.start < e for c, s, e in name_spans), place.name


def test_the_example_work_places():
    analysis = run_layers(read_work(EXAMPLE_WORK))
    # "Saltmarsh", the village ("the new doctor of Saltmarsh", "nobody comes to Saltmarsh"),
    # never speaks, is spoken to or does anything: a place, not a character.
    assert [(p.name, p.kind, len(p.mentions)) for p in analysis.places] == [
        ("Saltmarsh", "GPE", 4), ("Harrow Street", "FAC", 2), ("the Gull and Anchor", "FAC", 2),
        ("London", "GPE", 2), ("Saltmarsh Halt", "FAC", 1),
    ]
    assert "Saltmarsh" not in {c.name for c in analysis.characters.characters}
