"""Time expressions: spaCy's DATE/TIME plus the patterns it misses, with values
normalised without inventing a year (narrative/times.py)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from ficlens import read_work
from ficlens.narrative.times import normalise
from ficlens.pipeline import run_layers

NARRATIVE_WORK = FIXTURES / "narrative" / "the_borrowed_hour.html"


@pytest.fixture(scope="module")
def analysis():
    return run_layers(read_work(NARRATIVE_WORK))


def test_times_in_the_fixture_work(analysis):
    found = [(t.chapter, t.text, t.kind, t.value) for t in analysis.times]
    assert found == [
        (1, "Wednesday", "weekday", "Wednesday"),
        (1, "eleven years", "duration", "P11Y"),
        (1, "That night", "time_of_day", "night"),
        (1, "a quarter past four", "time", "04:15"),
        (1, "Two days later", "relative", "+P2D"),
        (2, "The next morning", "relative", "+P1D"),
        (2, "Friday", "weekday", "Friday"),
        (2, "Four years after the war", "relative", "+P4Y"),
        (2, "every spring", "season", "spring"),
        (3, "June 2nd", "date", "--06-02"),
        (3, "half past eleven", "time", "11:30"),
        (3, "Friday", "weekday", "Friday"),
        (3, "Friday", "weekday", "Friday"),
        (3, "Friday", "weekday", "Friday"),
    ]
    assert [t.id for t in analysis.times] == [f"TX{i}" for i in range(1, 15)]


def test_time_spans_point_at_their_text(analysis):
    chapters = {c.index: c for c in analysis.work.chapters}
    for t in analysis.times:
        assert chapters[t.chapter].text[t.start:t.end] == t.text


@pytest.mark.parametrize("text, kind, value", [
    ("June 2nd", "date", "--06-02"),
    ("the second of June", "date", "--06-02"),
    ("2 June 1998", "date", "1998-06-02"),  # a year only when the text gives one
    ("June", "date", "--06"),
    ("on Wednesday", "weekday", "Wednesday"),
    ("Tuesday afternoon", "weekday", "Tuesday"),
    ("two days later", "relative", "+P2D"),
    ("four years after the war", "relative", "+P4Y"),
    ("three weeks ago", "relative", "-P3W"),
    ("a few days later", "relative", "+PXD"),
    ("the next morning", "relative", "+P1D"),
    ("the following week", "relative", "+P1W"),
    ("yesterday", "relative", "-P1D"),
    ("hours later", "relative", "+PTXH"),
    ("that night", "time_of_day", "night"),
    ("at dawn", "time_of_day", "dawn"),
    ("half past eleven", "time", "11:30"),  # am or pm: the text does not say
    ("eleven o'clock at night", "time", "T23:00"),
    ("three in the morning", "time", "T03:00"),
    ("ten past six", "time", "06:10"),
    ("11 pm", "time", "T23:00"),
    ("midnight", "time", "T00:00"),
    ("twenty-two years", "duration", "P22Y"),
    ("every spring", "season", "spring"),
])
def test_normalised_values(text, kind, value):
    assert normalise(text) == (kind, value)


@pytest.mark.parametrize("text", ["May", "the war", "Christmas Eve"])
def test_no_value_where_none_can_be_computed(text):
    assert normalise(text) == (None, None)
