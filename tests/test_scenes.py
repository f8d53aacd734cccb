"""Scenes: explicit breaks, time jumps and place changes with new people, each scene
with its characters, main place and time (narrative/scenes.py, `ficlens scenes`)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from ficlens import read_work
from ficlens.pipeline import run_layers

NARRATIVE_WORK = FIXTURES / "narrative" / "the_borrowed_hour.html"


@pytest.fixture(scope="module")
def analysis():
    return run_layers(read_work(NARRATIVE_WORK))


def _describe(analysis):
    names = {c.id: c.name.split()[0] for c in analysis.characters.characters}
    places = {p.id: p.name for p in analysis.places}
    times = {t.id: t.text for t in analysis.times}
    chapters = {c.index: c.text for c in analysis.work.chapters}
    return [
        (s.id, s.chapter, chapters[s.chapter][s.start:s.end].split(",")[0], s.boundary,
         [names[c] for c in s.characters], places.get(s.place), times.get(s.time))
        for s in analysis.scenes
    ]


def test_scene_boundaries_characters_places_and_times(analysis):
    assert _describe(analysis) == [
        ("S1", 1, "On Wednesday", "chapter", ["Hermione", "Ron"], "Flourish and Blotts", "Wednesday"),
        # "* * *"
        ("S2", 1, "That night", "break", ["Harry"], "Grimmauld Place", "That night"),
        # a time jump opening a narration paragraph
        ("S3", 1, "Two days later", "time_shift", ["Draco"], "Knockturn Alley", "Two days later"),
        # a new place with only new people; "he stopped outside Borgin's" before it did not split
        ("S4", 1, "In the back room of the Leaky Cauldron", "place_shift", ["Neville", "Luna"],
         "the Leaky Cauldron", None),
        ("S5", 2, "The next morning", "chapter", ["Harry"], "Diagon Alley", "The next morning"),
        # <hr>; "until Friday" was said in dialogue, so it set no scene
        ("S6", 2, "Neville Longbottom and Luna Lovegood had taken the table by the fire at the Leaky Cauldron",
         "break", ["Neville", "Luna"], "the Leaky Cauldron", None),
        ("S7", 2, "Four years after the war", "time_shift", ["Luna", "Neville"], "Hogsmeade",
         "Four years after the war"),
        # Potter is mentioned in Draco's line: mentioned characters are present
        ("S8", 3, "On June 2nd", "chapter", ["Draco", "Harry"], "Malfoy Manor", "June 2nd"),
        # "~~~"
        ("S9", 3, "At half past eleven", "break", ["Hermione", "Ron", "Harry"], "Ollivander's",
         "half past eleven"),
    ]


def test_scenes_tile_each_chapter(analysis):
    for chapter in analysis.work.chapters:
        scenes = [s for s in analysis.scenes if s.chapter == chapter.index]
        assert scenes[0].start == 0 and scenes[-1].end == chapter.paragraphs[-1].end
        for before, after in zip(scenes, scenes[1:]):
            assert chapter.text[before.end:after.start] == "\n\n"
        assert {b.offset for b in chapter.scene_breaks} <= {s.start for s in scenes}


def test_places_know_their_scenes(analysis):
    scenes = {p.name: p.scenes for p in analysis.places}
    assert scenes["the Leaky Cauldron"] == ("S4", "S6")
    assert scenes["Borgin's"] == ("S3",)
    assert scenes["London"] == ("S9",)


def test_scene_table_rows():
    from ficlens import analyze
    from ficlens.export.table import scene_rows

    rows = scene_rows(analyze(read_work(NARRATIVE_WORK)))
    assert rows[2] == ("1", "S3", "674–987", "Two days later, Draco Malfoy walked …", "time_shift",
                       "Knockturn Alley", "Two days later = +P2D", "Draco Malfoy")
    assert rows[3][6] == ""  # no time sets that scene


def test_scenes_command_prints_the_table(cli):
    result = cli("scenes", NARRATIVE_WORK)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:8] == ["Ch", "Scene", "Span", "Opens", "Boundary", "Place", "Time", "Characters"]
    assert [line.split()[1] for line in lines if line.split()[:1] in (["1"], ["2"], ["3"])] == [
        f"S{i}" for i in range(1, 10)]


def test_scenes_command_on_bad_input(cli, tmp_path):
    missing = tmp_path / "nowhere.html"
    result = cli("scenes", missing)
    assert result.exit_code == 2
    assert "nowhere.html" in result.output and "Traceback" not in result.output
