"""Speaker and addressee attribution on our own fixtures, through the real pipeline
(spaCy, quotations, characters, speakers): exact expected speakers per quotation."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_WORK, FIXTURES
from ficlens import analyze, read_work


def script(path):
    doc = analyze(read_work(path))
    names = {c["id"]: c["name"] for c in doc["characters"]}
    return [
        (q["text"], names.get(q["speaker"]), [names.get(a) for a in q["addressees"]], q["kind"])
        for q in doc["quotes"]
    ], doc


@pytest.fixture(scope="module")
def market():
    return script(FIXTURES / "speakers" / "market_day.txt")


def _story_quotes(tmp_path, text):
    """(character names by id, quotations) of a small story written to a file."""
    path = tmp_path / "story.txt"
    path.write_text(text)
    doc = analyze(read_work(path))
    return {c["id"]: c["name"] for c in doc["characters"]}, doc["quotes"]


def speakers_and_kinds(tmp_path, text):
    """(speaker name, kind) of each quotation of a small story written to a file."""
    names, quotes = _story_quotes(tmp_path, text)
    return [(names.get(q["speaker"]), q["kind"]) for q in quotes]


def speakers_and_addressees(tmp_path, text):
    """(speaker name, [addressee names]) of each quotation of a small story."""
    names, quotes = _story_quotes(tmp_path, text)
    return [(names.get(q["speaker"]), [names[a] for a in q["addressees"]]) for q in quotes]


def line(lines, start):
    matches = [entry for entry in lines if entry[0].startswith(start)]
    assert len(matches) == 1, (start, [e[0] for e in lines])
    return matches[0]


def test_explicit_speech_verb_after_the_quote(market):
    lines, _ = market
    assert line(lines, "You're late")[1:4:2] == ("Oliver Pike", "explicit")


def test_name_said_order_and_quote_broken_by_narration(market):
    lines, _ = market
    text, speaker, _, kind = line(lines, "The oven was cold")
    assert (speaker, kind) == ("Rosalind Fenwick", "explicit")
    assert "Blame the baker" in text  # one utterance across the narration


def test_alternation_in_an_unattributed_run(market):
    lines, _ = market
    assert line(lines, "You are the baker.")[1] == "Oliver Pike"
    assert line(lines, "Then blame the oven.")[1] == "Rosalind Fenwick"
    assert line(lines, "I'll blame whoever I like.")[1] == "Oliver Pike"
    assert line(lines, "You are the baker.")[3] == "implicit"


def test_voice_of_a_character(market):
    lines, _ = market
    assert line(lines, "Have you seen Thomas?")[1] == "Oliver Pike"


def test_action_beat_names_the_speaker(market):
    lines, _ = market
    assert line(lines, "Not since Tuesday.")[1] == "Rosalind Fenwick"


def test_pronoun_cue_and_vocative_addressee(market):
    lines, _ = market
    text, speaker, addressees, kind = line(lines, "Oliver, you worry too much")
    assert speaker == "Rosalind Fenwick" and kind == "anaphoric"
    assert addressees == ["Oliver Pike"]  # the vocative names the addressee, not the speaker
    assert line(lines, "Somebody has to")[1] == "Oliver Pike"


def test_pronoun_after_a_scene_break(market):
    lines, _ = market
    assert line(lines, "I was only out")[1:4:2] == ("Thomas Hale", "anaphoric")
    assert line(lines, "In the river?")[1] == "Rosalind Fenwick"


def test_full_name_vocative_is_the_addressee(market):
    lines, _ = market
    _, speaker, addressees, _ = line(lines, "Thomas Hale.")
    assert speaker == "Oliver Pike" and addressees == ["Thomas Hale"]
    assert line(lines, "Yes, Oliver.")[1] == "Thomas Hale"


def test_first_person_narrator_says_i_said(market):
    lines, doc = market
    narrator = line(lines, "Only me")[1]
    assert narrator == "Wren"  # named from how the others address the narrator
    assert line(lines, "I'm coming")[1] == narrator
    assert line(lines, "Is someone there?")[1] == "Rosalind Fenwick"
    assert line(lines, "Wren! Come down")[1] == "Rosalind Fenwick"
    assert line(lines, "It's a bakery")[1:3] == ("Wren", ["Oliver Pike"])


def test_every_speaker_and_addressee_is_a_character(market):
    _, doc = market
    ids = {c["id"] for c in doc["characters"]}
    for q in doc["quotes"]:
        assert q["speaker"] is None or q["speaker"] in ids
        assert set(q["addressees"]) <= ids
        if q["cue"]:
            chapter = doc["chapters"][q["cue"]["chapter"] - 1]
            assert 0 <= q["cue"]["start"] < q["cue"]["end"] <= len(chapter["text"])


def test_example_work_named_speakers():
    lines, _ = script(EXAMPLE_WORK)
    assert line(lines, "If that’s a seal")[1] == "Margaret Thorne"
    assert line(lines, "She’s lying on my feet")[1] == "Elias Crane"
    assert line(lines, "Evening, Captain")[1] == "Tom Pellow"
    assert line(lines, "Which Crane?")[1] == "Nora Crane"


def test_an_unnamed_stranger_is_nobody_not_the_only_named_person():
    """Chapter 1 of the example: a man not yet named talks with Maggie. His lines
    (one cued "he said", the rest by turn-taking) have no speaker; hers stay hers."""
    lines, _ = script(EXAMPLE_WORK)
    run = ["I was just out", "At eleven at night", "I don’t sleep very well", "In a gale",
           "It wasn’t a gale when I set off", "It’s been a gale since Tuesday", "It was a smaller gale"]
    assert [line(lines, start)[1] for start in run] == [
        None, "Margaret Thorne", None, "Margaret Thorne", None, "Margaret Thorne", None,
    ]


def test_a_speaker_with_a_place_name_gets_her_lines():
    lines, _ = script(FIXTURES / "characters" / "place_named.txt")
    assert [(speaker, kind) for _text, speaker, _to, kind in lines] == [
        ("Georgia", "explicit"), ("Owen", "explicit"), ("Georgia", "explicit"),
        ("Owen", "implicit"), ("Georgia", "explicit"), ("Georgia", "explicit"),
    ]


def test_a_given_description_names_its_character_in_lower_case_too():
    # a given character list (`--gold-characters`) may name someone only by a
    # description: "The Ferryman" is "the ferryman" wherever the text says so
    work = read_work(FIXTURES / "speakers" / "night_ferry.txt")
    given = [("Agnes Marlow", ["Agnes"]), ("The Ferryman", ["The Ferryman"])]
    doc = analyze(work, gold_characters=given)
    names = {c["id"]: c["name"] for c in doc["characters"]}
    speakers = [(q["text"], names.get(q["speaker"])) for q in doc["quotes"]]
    assert speakers == [
        ("Is there still a crossing tonight?", "Agnes Marlow"),
        ("One more, If you have the fare.", "The Ferryman"),
        ("I have it.", "Agnes Marlow"),
        ("Sit in the middle, miss, and keep your feet dry.", "The Ferryman"),
        ("Thank you,", "Agnes Marlow"),
    ]
    ferryman = next(c for c in doc["characters"] if c["name"] == "The Ferryman")
    assert ferryman["mentions"] >= 2
    # without the list, a lower-case description is no name
    assert "The Ferryman" not in [c["name"] for c in analyze(read_work(FIXTURES / "speakers" / "night_ferry.txt"))["characters"]]


def test_her_husband_is_the_man_of_her_family_name():
    # "said her husband": Clara Ashdown's husband is Mr. Ashdown, though Tom Penrose
    # is the man named last
    lines, _ = script(FIXTURES / "speakers" / "supper.txt")
    assert [(text[:20], speaker) for text, speaker, _, _ in lines] == [
        ("He will be back dire", "Clara Ashdown"),
        ("I do not mind waitin", "Miss Penrose"),
        ("The grey mare has th", "Mr. Ashdown"),
        ("Then you will not ri", "Clara Ashdown"),
    ]


def test_given_titled_names_give_explicit_speakers():
    work = read_work(FIXTURES / "characters" / "inspector.txt")
    gold = [("Inspector Marlowe", ["Inspector Marlowe"]), ("Colonel Ashby", ["Colonel Ashby"])]
    doc = analyze(work, gold_characters=gold)
    names = {c["id"]: c["name"] for c in doc["characters"]}
    assert [(names.get(q["speaker"]), q["kind"]) for q in doc["quotes"]] == [
        ("Colonel Ashby", "explicit"), ("Inspector Marlowe", "explicit"), ("Colonel Ashby", "explicit"),
        ("Inspector Marlowe", "explicit"), ("Colonel Ashby", "implicit"), ("Inspector Marlowe", "explicit"),
    ]


def test_said_the_duchess_names_a_character_known_with_its_article(tmp_path):
    # "roared" is a verb spaCy may not read as speech; the pattern "roared the Duchess"
    # must find the character "the Duchess", not the next clause's subject.
    assert speakers_and_kinds(tmp_path, (
        "The Garden\n\n"
        '"Can you play?" shouted the Duchess.\n\n'
        '"Yes!" shouted Mary.\n\n'
        '"Come on, then!" roared the Duchess, and Mary joined the line, wondering what would happen next.\n'
    )) == [("the Duchess", "explicit"), ("Mary", "explicit"), ("the Duchess", "explicit")]


def test_the_doctor_is_the_character_titled_doctor_and_nobody_addresses_themself():
    """The example calls Elias Crane "Dr. Crane" and later "the doctor" ("Dr. Mabey",
    named once, does not make that ambiguous)."""
    lines, _ = script(EXAMPLE_WORK)
    assert line(lines, "I didn’t fall in")[1:4:2] == ("Elias Crane", "anaphoric")
    assert line(lines, "Sprained")[1:4:2] == ("Elias Crane", "anaphoric")
    assert all(speaker is None or speaker not in to for _text, speaker, to, _kind in lines)


def test_wife_mother_and_father_among_several_of_one_family_and_possessive_speech():
    """Three Hartwell women share the family name: "his wife", "his lady" and "her
    mother" are the one titled Mrs.; "her father" the one titled Mr. "was Mrs.
    Hartwell's conclusion" after a quotation and "Edith's remark was:" /
    "Lucy broke the silence at last by saying," before one name their speakers."""
    lines, _ = script(FIXTURES / "speakers" / "hartwells.txt")
    assert [(text[:18], speaker, kind) for text, speaker, _, kind in lines] == [
        ("My dear Mr. Hartwe", "Mrs. Hartwell", "anaphoric"),  # said his lady
        ("A Captain Dunmore ", "Mrs. Hartwell", "anaphoric"),  # cried his wife
        ("I shall do no such", "Robert Hartwell", "explicit"),
        ("Oh, Papa!", "Lucy Hartwell", "explicit"),
        ("Your mother may ca", "Robert Hartwell", "anaphoric"),  # said her father
        ("Nonsense! A gentle", "Mrs. Hartwell", "anaphoric"),  # said her mother
        ("Then Papa must go,", "Edith Hartwell", "explicit"),
        ("That is settled, t", "Mrs. Hartwell", "explicit"),
        ("I hope he dances.", "Lucy Hartwell", "explicit"),
    ]


def test_verbs_that_name_a_speaker_only_next_to_the_quotation(tmp_path):
    # "mused" and "interposed" are speech only right after a quotation; the action
    # beat before ("Edith looked at the sky.") is someone else's
    assert speakers_and_kinds(tmp_path, (
        "The Lawn\n\n"
        '"Is the wall finished?" asked Edith Hartwell.\n\n'
        '"Nearly," admitted Lucy Hartwell, putting down her trowel.\n\n'
        'Edith looked at the sky. "Then we shall have tea on the lawn," mused Lucy.\n\n'
        'Edith laughed. "Not if it rains," interposed Mr. Hartwell from the window.\n\n'
        'Lucy laughed. "It will not rain," was all Edith\'s answer.\n'
    )) == [("Edith Hartwell", "explicit"), ("Lucy Hartwell", "explicit"), ("Lucy Hartwell", "explicit"),
           ("Mr. Hartwell", "explicit"), ("Edith Hartwell", "explicit")]


def test_narration_says_whom_the_words_are_for(tmp_path):
    text = ("Captain Ada Morrow walked the deck with Tobias Reed and Linnet Shaw. Linnet Shaw watched "
            "the gulls. Tobias Reed watched the sails.\n\n"
            "Ada stopped at the rail and, turning to Linnet, said, \"The wind is backing.\"\n\n"
            "\"Then we reef,\" Linnet said.\n\n"
            "\"Not yet,\" said Ada, addressing Tobias. \"Fetch the glass first.\"\n")
    said = speakers_and_addressees(tmp_path, text)
    assert said[0] == ("Captain Ada Morrow", ["Linnet Shaw"])
    assert said[1][0] == "Linnet Shaw"
    assert said[2] == ("Captain Ada Morrow", ["Tobias Reed"])


def test_vocative_at_the_end_of_a_first_stretch_with_my_dear(tmp_path):
    text = ("Nell Archer and Bea Archer sat by the fire with the letter. Nell Archer read it twice. "
            "Bea Archer mended a sock.\n\n"
            "\"What do you make of this line, my dear Bea?\" said Nell, folding the page. \"Is it not plain?\"\n\n"
            "\"Plain enough to me.\"\n")
    said = speakers_and_addressees(tmp_path, text)
    assert said[0] == ("Nell Archer", ["Bea Archer"])  # named at the end of the first stretch only
    assert said[1][0] == "Bea Archer"


def test_speech_verb_under_a_preposition_takes_the_clause_subject(tmp_path):
    # "by saying" hangs off "obliged": its sayer is Peter, not the nearer Harriet
    text = ("Harriet Vane and Peter Wimsey stood in the hall. Harriet Vane held the lamp. Peter Wimsey held "
            "the key.\n\n"
            "\"We could wait for morning,\" said Harriet.\n\n"
            "The clock struck. Peter, after a long silence in which the clock struck twice more and the lamp "
            "guttered, obliged Harriet to give up the argument at last by saying, \"We go in now.\"\n\n"
            "\"Then go first.\"\n")
    assert speakers_and_kinds(tmp_path, text) == [
        ("Harriet Vane", "explicit"), ("Peter Wimsey", "explicit"), ("Harriet Vane", "implicit")]


@pytest.mark.parametrize("lead_in, speaker", [
    # a capitalised word that names nobody before the name: the pattern goes on to the name
    ("After a time, and one of the many praises of the view, Captain Reed added:--", "Captain Tobias Reed"),
    ("Upon which, with many praises of the day, Captain Reed added:--", "Captain Tobias Reed"),
    # the clause that ends the paragraph, not a speech verb before it
    ("Ada said nothing to that; but Captain Reed spoke for the wall, and mentioned a bench; and Ada, after "
     "the little pause which followed, added--", "Ada Morrow"),
])
def test_a_paragraph_ending_in_a_lead_in_names_the_next_speaker(tmp_path, lead_in, speaker):
    text = ("Ada Morrow and Captain Tobias Reed walked along the cliff. Ada Morrow carried the basket. "
            "Captain Reed carried the rug.\n\n"
            "\"We should stop here,\" said Ada.\n\n"
            f"{lead_in}\n\n"
            "\"What glorious weather for the boats!\"\n")
    assert speakers_and_kinds(tmp_path, text)[1] == (speaker, "explicit")


def test_a_name_set_off_by_commas_mid_quotation_is_the_addressee(tmp_path):
    # "..., Ida, or ..." names whom Tom asks: the next, unmarked line is hers, not Rosa's
    text = ("Rosa Kemp, Tom Hale and Ida Vance stood in the yard by the cart. Rosa Kemp held the lantern. "
            "Tom Hale held the reins. Ida Vance held nothing at all; she was cold.\n\n"
            "\"Is it far to the mill?\" asked Ida.\n\n"
            "\"Six miles,\" said Rosa. \"The road will be dark by six.\"\n\n"
            "\"Well, are you coming with us, Ida, or are you staying?\" Tom asked.\n\n"
            "\"Coming, if there is room.\"\n")
    said = speakers_and_addressees(tmp_path, text)
    assert said[2] == ("Tom Hale", ["Ida Vance"])
    assert said[3][0] == "Ida Vance"  # Rosa spoke two turns before, but Tom asked Ida


@pytest.mark.parametrize("line, addressee", [
    ("Ida!", "Ida Vance"),      # a name called out: the addressee
    ("Ida?", "Rosa Kemp"),      # a name asked about: an answer to Rosa, not a call to Ida
])
def test_a_name_alone_is_the_addressee_unless_asked(tmp_path, line, addressee):
    text = ("Rosa Kemp and Tom Hale stood in the yard. Ida Vance was somewhere in the barn. Rosa Kemp "
            "held the lantern.\n\n"
            "\"Who left the gate open?\" asked Rosa.\n\n"
            f"\"{line}\" said Tom.\n")
    said = speakers_and_addressees(tmp_path, text)
    assert said[1] == ("Tom Hale", [addressee])


@pytest.mark.parametrize("paragraph, speakers", [
    # the patterns find "Wren asked" after the first quotation; the second has its own
    # cue before it in the parse ("Moss only answered")
    ('"Is it the sluice?" Wren asked as she ran; but Moss only answered "Hurry!" and ran on.',
     ["Wren Tally", "Moss Harlow"]),
    # "said Wren" follows the second quotation, so the first is the one Wren heard Moss say
    ('Wren heard Moss say in a low voice, "The gate is shut." "Then we climb," said Wren.',
     ["Moss Harlow", "Wren Tally"]),
])
def test_each_quotation_of_a_paragraph_takes_the_cue_on_its_own_side(tmp_path, paragraph, speakers):
    text = ("Wren Tally and Moss Harlow ran down the lane to the mill. Wren Tally carried her lantern. "
            "Moss Harlow carried his rope.\n\n"
            "\"Is that the mill?\" said Wren.\n\n"
            f"{paragraph}\n")
    assert [s for s, _ in speakers_and_kinds(tmp_path, text)][1:] == speakers
