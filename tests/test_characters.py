"""ficlens.characters: discovery, clustering, gender, mentions, narrator.

Each scenario is a small original fixture under fixtures/characters/ with the
exact characters, aliases, genders and mention resolutions it must produce.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from ficlens import analyze, read_work
from ficlens.characters import CharacterLayer, build_characters
from ficlens.characters.names import normalise_alias, parse_name, strip_disambiguator
from ficlens.dialogue.quotes import find_quotations
from ficlens.text.nlp import parse_chapters

from conftest import FIXTURES

CHARACTER_FIXTURES = FIXTURES / "characters"


@lru_cache(maxsize=None)
def analysed(name: str, gold: tuple | None = None):
    work = read_work(CHARACTER_FIXTURES / name)
    quotes = [q for chapter in work.chapters for q in find_quotations(chapter)]
    layer = build_characters(work, parse_chapters(work), quotes, gold_characters=list(gold) if gold else None)
    return work, layer


def roster(layer: CharacterLayer) -> dict[str, tuple[tuple[str, ...], str, bool]]:
    """name -> (sorted aliases, gender, tagged)."""
    return {c.name: (tuple(sorted(c.aliases)), c.gender, c.tagged) for c in layer.characters}


def resolutions(work, layer: CharacterLayer, kinds=("name", "pronoun")) -> list[tuple[str, str | None]]:
    """(mention text, character name) in reading order."""
    names = {c.id: c.name for c in layer.characters}
    return [(m.text, names.get(m.character)) for m in layer.mentions if m.kind in kinds]


# -- Mr. / Mrs.; full names absorb their parts; pronouns ------------------------------------


def test_mr_and_mrs_are_two_people_and_full_names_absorb_their_parts():
    _, layer = analysed("titles.txt")
    assert roster(layer) == {
        "Mr. Hollis": ((), "he", False),
        "Mrs. Hollis": ((), "she", False),
        "Rosalind Hollis": (("Rosalind",), "she", False),
        "Tobias Wren": (("Mr. Wren", "Tobias", "Wren"), "he", False),
    }


def test_pronouns_resolve_by_gender_recency_and_subjecthood():
    work, layer = analysed("titles.txt")
    assert resolutions(work, layer) == [
        ("Mr. Hollis", "Mr. Hollis"),
        ("he", "Mr. Hollis"),
        ("Mrs. Hollis", "Mrs. Hollis"),
        ("her", "Mrs. Hollis"),
        ("she", "Mrs. Hollis"),
        ("Mr. Hollis", "Mr. Hollis"),
        ("Rosalind Hollis", "Rosalind Hollis"),
        ("Rosalind", "Rosalind Hollis"),
        ("her", "Rosalind Hollis"),
        ("Tobias Wren", "Tobias Wren"),
        ("Tobias", "Tobias Wren"),
        ("his", "Tobias Wren"),
        ("Wren", "Tobias Wren"),
        ("him", "Tobias Wren"),
        ("Rosalind", "Rosalind Hollis"),
        ("Mrs. Hollis", "Mrs. Hollis"),
        ("Mr. Hollis", "Mr. Hollis"),
        ("he", "Mr. Hollis"),
        ("Mr. Wren", "Tobias Wren"),
        ("Mrs. Hollis", "Mrs. Hollis"),
    ]


def test_first_and_second_person_inside_quotations_are_left_to_the_speaker_layer():
    work, layer = analysed("titles.txt")
    persons = [(m.text, m.kind, m.character) for m in layer.mentions if m.kind.endswith("_person")]
    assert persons == [
        ("You", "second_person", None),
        ("I", "first_person", None),
        ("You", "second_person", None),
    ]


def test_resolve_name_and_lookups():
    work, layer = analysed("titles.txt")
    ids = {c.name: c.id for c in layer.characters}
    assert layer.resolve_name("Mr. Hollis") == ids["Mr. Hollis"]
    assert layer.resolve_name("Mrs Hollis") == ids["Mrs. Hollis"]
    assert layer.resolve_name("Rosalind") == ids["Rosalind Hollis"]
    assert layer.resolve_name("Wren") == ids["Tobias Wren"]
    assert layer.resolve_name("Nobody Atall") is None
    chapter = work.chapters[0]
    start = chapter.text.index("Tobias was")
    assert layer.character_for_mention(1, start, start + len("Tobias")) == ids["Tobias Wren"]
    assert layer.character_for_mention(1, 0, 2) == ids["Mr. Hollis"]  # inside "Mr. Hollis"
    before = layer.mentions_before(1, chapter.text.index("he looked at the ceiling"), gender="she")
    assert [m.text for m in before[:2]] == ["Mrs. Hollis", "Rosalind"]
    assert layer.gender_of(ids["Mrs. Hollis"]) == "she"


# -- an ambiguous surname is resolved per mention, not merged ----------------------------


def test_ambiguous_surname_is_resolved_per_mention():
    work, layer = analysed("surnames.txt")
    # "Ashdown" is borne by both, so it is an alias of neither (see test_brothers...).
    assert roster(layer) == {
        "Corin Ashdown": (("Corin",), "he", False),
        "Lucan Ashdown": (("Lucan",), "he", False),
    }
    ashdowns = [who for text, who in resolutions(work, layer, kinds=("name",)) if text == "Ashdown"]
    # after "Lucan set down his glass." / after "Corin slammed the door"
    assert ashdowns == ["Lucan Ashdown", "Corin Ashdown"]
    assert layer.resolve_name("Ashdown") is None
    assert sorted(layer.candidates_for_name("Ashdown")) == sorted(c.id for c in layer.characters)
    himself = [who for text, who in resolutions(work, layer) if text == "himself"]
    assert himself == ["Corin Ashdown"]


# -- "Mr. Ashby" and "Mr. Robert Ashby" are brothers; shared surnames; common words --------


def test_brothers_told_apart_by_a_spelled_out_given_name():
    work, layer = analysed("brothers.txt")
    # "Mr. Robert Ashby" is always written with his given name: the bare "Mr. Ashby"
    # is his elder brother, never merged into him. "Ashby" (all three bear it) is
    # an alias of none; "Poor Tessa!" is Tessa, the painted "Mr. Ashby Fresh
    # Pears" is Mr. Ashby, and "the Sally Brand" is a boat.
    assert roster(layer) == {
        "Mr. Ashby": ((), "he", False),
        "Mr. Robert Ashby": ((), "he", False),
        "Mrs. Robert Ashby": ((), "she", False),
        "Tessa Quayle": (("Tessa",), "she", False),
    }
    names = resolutions(work, layer, kinds=("name",))
    assert {who for text, who in names if text == "Mr. Ashby"} == {"Mr. Ashby"}
    assert {who for text, who in names if text == "Mr. Robert Ashby"} == {"Mr. Robert Ashby"}
    # The bare surname is still resolved per mention (a man, the one named last).
    assert [who for text, who in names if text == "Ashby"] == ["Mr. Robert Ashby"]
    assert layer.resolve_name("Ashby") is None
    assert layer.resolve_name("Mr. Ashby") != layer.resolve_name("Mr. Robert Ashby")


# -- AO3 tags give canonical names --------------------------------------------------------


def test_ao3_tags_give_canonical_names_nicknames_and_drop_disambiguators():
    work, layer = analysed("tags.html")
    assert work.meta.characters == ('Winifred "Freddie" Marsh', "Peregrine Vale (Lanternwright)")
    assert roster(layer) == {
        'Winifred "Freddie" Marsh': (("Freddie", "Marsh"), "she", True),
        "Peregrine Vale": (("Peregrine", "Vale"), "he", True),
        "Mrs. Pike": ((), "she", False),
    }
    assert layer.resolve_name("Freddie") == layer.resolve_name("Winifred Marsh")
    who = dict(resolutions(work, layer, kinds=("pronoun",)))
    assert who["He"] == "Peregrine Vale"


# -- animals are characters too -------------------------------------------------------------


def test_animal_characters_found_from_speech_verbs():
    work, layer = analysed("animals.txt")
    assert roster(layer) == {"Bramble": ((), "he", False), "Hazel": ((), "she", False)}
    assert resolutions(work, layer, kinds=("pronoun",)) == [
        ("he", "Bramble"), ("his", "Bramble"), ("She", "Hazel"), ("him", "Bramble"), ("she", "Hazel"),
    ]


def test_a_name_that_speaks_is_a_person_whatever_spacy_labels_it():
    # spaCy's small model tags "Georgia" a place (GPE) more often than a person here,
    # but "said Georgia" four times: places do not speak.
    work, layer = analysed("place_named.txt")
    assert roster(layer) == {"Georgia": ((), "she", False), "Owen": ((), "he", False)}


def test_a_name_only_ever_in_capitals_is_an_alias_not_the_name():
    # the letter's signature "HENRY MARSH" is the fullest form, but the text writes him "Mr. Marsh"
    work, layer = analysed("signature.txt")
    assert roster(layer) == {"Mr. Marsh": (("HENRY MARSH",), "he", False), "Clara": ((), "she", False)}


# -- first-person narration ---------------------------------------------------------------


def test_first_person_narrator_is_named_from_vocatives():
    work, layer = analysed("narrator.txt")
    assert layer.narrator is not None
    narrator = layer.character(layer.narrator)
    assert narrator.name == "Quill"
    assert roster(layer) == {
        "Quill": ((), "unknown", False),
        "Edmund Fenwick": (("Edmund",), "he", False),
        "Lady Fenwick": ((), "she", False),
    }
    chapter = work.chapters[0]
    first = [m for m in layer.mentions if m.kind == "first_person"]
    in_narration = [m for m in first if m.character == layer.narrator]
    assert [m.text for m in in_narration] == ["I", "I", "I", "me", "me", "I", "I"]
    # "I" inside a quotation is the speaker's, left to the speaker layer
    assert [m.text for m in first if m.character is None] == ["I", "I"]
    assert all(chapter.text[m.start : m.end] == m.text for m in first)


def test_no_narrator_in_third_person_text():
    _, layer = analysed("titles.txt")
    assert layer.narrator is None


# -- a given character list -------------------------------------------------------------------


def test_gold_characters_are_used_exactly():
    gold = (
        ("Mr. Hollis", ("Mr. Hollis",)),
        ("Mrs. Hollis", ("Mrs. Hollis",)),
        ("Rosalind", ("Rosalind", "Rosalind Hollis")),
    )
    work, layer = analysed("titles.txt", gold)
    assert [(c.name, c.aliases) for c in layer.characters] == [
        ("Mr. Hollis", ()),
        ("Mrs. Hollis", ()),
        ("Rosalind", ("Rosalind Hollis",)),
    ]
    names = dict((m.start, (m.text, m.character)) for m in layer.mentions if m.kind == "name")
    texts = [t for t, c in names.values()]
    assert "Tobias" not in texts  # not a given character: no mention
    ids = {c.name: c.id for c in layer.characters}
    assert all(c in ids.values() for _, c in names.values())


# -- every span points at its text ---------------------------------------------------------


@pytest.mark.parametrize("name", ["titles.txt", "surnames.txt", "tags.html", "animals.txt", "narrator.txt", "brothers.txt"])
def test_every_mention_span_points_at_its_text(name):
    work, layer = analysed(name)
    chapters = {c.index: c for c in work.chapters}
    assert layer.mentions == sorted(layer.mentions, key=lambda m: (m.chapter, m.start))
    for m in layer.mentions:
        assert chapters[m.chapter].text[m.start : m.end] == m.text
    ids = {c.id for c in layer.characters}
    assert all(m.character is None or m.character in ids for m in layer.mentions)
    counted = {c.id: c.mentions for c in layer.characters}
    for cid, count in counted.items():
        assert count == sum(1 for m in layer.mentions if m.character == cid)


# -- name parsing ------------------------------------------------------------------------------


def test_parse_name_titles_particles_nicknames_and_articles():
    form = parse_name("Lady Catherine de Bourgh")
    assert (form.title, form.core, form.given, form.surname) == ("lady", ("catherine", "de", "bourgh"), "catherine", "de bourgh")
    assert parse_name("Mr Darcy").key == parse_name("Mr. Darcy").key == ("mr", ("darcy",), False)
    assert parse_name("Mister Darcy").title == "mr"
    assert parse_name("Mrs. Darcy").gender == "she"
    nick = parse_name('Winifred "Freddie" Marsh')
    assert (nick.core, nick.nickname) == (("winifred", "marsh"), "freddie")
    assert parse_name("the Queen of Hearts").key == (None, ("queen", "of", "hearts"), True)
    assert parse_name("Mr. Willoughby of Combe Magna").key == ("mr", ("willoughby",), False)
    assert parse_name("Doctor") is None
    assert parse_name("the Doctor").key == (None, ("doctor",), True)
    assert strip_disambiguator("Peregrine Vale (Lanternwright)") == "Peregrine Vale"
    assert strip_disambiguator("Loki (Marvel) (Comics)") == "Loki"
    assert normalise_alias("Mr. Darcy") == normalise_alias("mr darcy")


# -- degenerate input ---------------------------------------------------------------------------


def test_empty_work_and_a_tag_never_named_in_the_text():
    from ficlens.model import Chapter, Paragraph, Work, WorkMeta

    empty = Work(WorkMeta(), ())
    layer = build_characters(empty, parse_chapters(empty), [])
    assert (layer.characters, layer.mentions, layer.narrator) == ([], [], None)
    text = "Rain. Nothing else happened."
    work = Work(WorkMeta(characters=("Solo Figure (Some Fandom)",)),
                (Chapter(1, None, "", ()), Chapter(2, None, text, (Paragraph(0, len(text)),))))
    layer = build_characters(work, parse_chapters(work), [])
    assert [(c.id, c.name, c.mentions, c.tagged) for c in layer.characters] == [("C1", "Solo Figure", 0, True)]
    assert layer.mentions == []
    assert layer.resolve_name("Solo Figure") == "C1"


def test_bundled_example_has_no_boat_street_or_common_word_characters():
    from pathlib import Path

    import ficlens

    path = Path(ficlens.__file__).parent / "examples" / "lighthouse.html"
    work = read_work(path)
    quotes = [q for chapter in work.chapters for q in find_quotations(chapter)]
    layer = build_characters(work, parse_chapters(work), quotes)
    names = {c.name for c in layer.characters}
    assert "Mary Ellen" not in names  # "the Mary Ellen", a boat (in italics)
    assert not {"And Margaret", "Which Crane"} & names  # common words trimmed
    assert "Harrow" not in names  # "Harrow Street": spaCy's place more often than a person
    # "Miss Crane" is Nora, the only woman among the Cranes ("Dr. Crane" says nothing).
    nora = next(c for c in layer.characters if c.name == "Nora Crane")
    assert "Miss Crane" in nora.aliases
    # "Elias Crane. Dr. Crane." — the doctor is Elias: Nora is already "Miss Crane".
    elias = next(c for c in layer.characters if c.name == "Elias Crane")
    assert "Dr. Crane" in elias.aliases and "Dr. Crane" not in names


def test_a_given_titled_name_also_names_its_bearer_without_the_title():
    # A given list writes "Inspector Marlowe"; the text mostly says "Marlowe".
    gold = (("Inspector Marlowe", ("Inspector Marlowe",)), ("Colonel Ashby", ("Colonel Ashby",)))
    work, layer = analysed("inspector.txt", gold)
    assert resolutions(work, layer, kinds=("name",)) == [
        ("Inspector Marlowe", "Inspector Marlowe"), ("Colonel Ashby", "Colonel Ashby"),
        ("Ashby", "Colonel Ashby"), ("Marlowe", "Inspector Marlowe"), ("Ashby", "Colonel Ashby"),
        ("Marlowe", "Inspector Marlowe"), ("Marlowe", "Inspector Marlowe"), ("Marlowe", "Inspector Marlowe"),
    ]


def test_a_listed_given_name_that_is_also_a_month_or_a_verb():
    """A given list (or AO3 tags) names "May Linden" and "Will Archer": "May" and
    "Will" are those two wherever the text writes them as names ("said Will." even
    where spaCy tags "Will" a modal), never the month ("the first week of May") or
    the verb ("You will get stung")."""
    gold = (("May Linden", ("May Linden",)), ("Will Archer", ("Will Archer",)))
    work, layer = analysed("may_and_will.txt", gold)
    found = resolutions(work, layer, kinds=("name",))
    text = work.chapters[0].text
    month = text.index("week of May") + len("week of ")
    assert all(m.start != month for m in layer.mentions)
    assert found.count(("May", "May Linden")) >= 6 and found.count(("Will", "Will Archer")) >= 6
    assert {name for _, name in found} == {"May Linden", "Will Archer"}
    doc = analyze(work, gold_characters=list(gold))
    names = {c["id"]: c["name"] for c in doc["characters"]}
    assert [names.get(q["speaker"]) for q in doc["quotes"]] == [
        "Will Archer", "May Linden", "May Linden", "Will Archer", "May Linden", "Will Archer", "Will Archer",
        "May Linden", "Will Archer", "May Linden"]


def test_tagged_given_names_that_are_words_name_their_characters():
    from dataclasses import replace

    work = read_work(CHARACTER_FIXTURES / "may_and_will.txt")
    work = replace(work, meta=replace(work.meta, characters=("May Linden", "Will Archer")))
    quotes = [q for chapter in work.chapters for q in find_quotations(chapter)]
    layer = build_characters(work, parse_chapters(work), quotes)
    assert {c.name: c.aliases for c in layer.characters} == {"May Linden": ("May",), "Will Archer": ("Will",)}
