"""Quotation detection and thought/written passages on our own fixtures, with exact spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens import analyze
from ficlens.dialogue.quotes import dialogue_marks, find_passages, find_quotations, is_thought, split_continued
from ficlens.export.script import render_script
from ficlens.ingest import read_work
from ficlens.ingest.builder import ChapterBuilder
from ficlens.model import Chapter, Work, WorkMeta

FIXTURES = Path(__file__).parent / "fixtures" / "dialogue"


def chapter_from_txt(name: str) -> Chapter:
    """One chapter, a paragraph per blank-line-separated block (independent of the
    plain-text reader, so these tests pin the scanner alone)."""
    builder = ChapterBuilder()
    for block in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n"):
        if block.strip():
            builder.add_paragraph(block.strip())
    return builder.build(1)


def chapter_from_text(text: str) -> Chapter:
    builder = ChapterBuilder()
    for block in text.split("\n\n"):
        builder.add_paragraph(block)
    return builder.build(3)


def scanned(name: str):
    """(chapter, quotations, (thoughts, written)) of a fixture."""
    chapter = chapter_from_txt(name)
    return chapter, find_quotations(chapter), find_passages(chapter)


def quoted(chapter: Chapter) -> list[list[str]]:
    return [[chapter.text[s:e] for s, e in q.spans] for q in find_quotations(chapter)]


# -- curly double marks -------------------------------------------------------------------


@pytest.fixture(scope="module")
def curly():
    chapter = chapter_from_txt("curly_double.txt")
    return chapter, find_quotations(chapter)


def test_curly_convention_is_double(curly):
    chapter, _ = curly
    assert dialogue_marks(chapter.text) == "double"


def test_broken_by_narration_is_one_utterance_of_two_spans(curly):
    chapter, quotes = curly
    first = quotes[0]
    assert first.id == "Q1-1" and first.chapter == 1 and first.paragraph == 0
    assert first.spans == ((1, 16), (32, 43))
    assert [chapter.text[s:e] for s, e in first.spans] == ["I was just out,", "for a walk."]
    assert first.text == "I was just out, for a walk."
    assert first.speaker is None and first.kind is None


def test_spans_exclude_marks(curly):
    chapter, quotes = curly
    for q in quotes:
        for s, e in q.spans:
            assert chapter.text[s - 1] in "“”\"" and chapter.text[s] not in "“”\" "
            assert chapter.text[e - 1] not in " “"


def test_dash_and_hyphen_interruptions(curly):
    chapter, quotes = curly
    assert quotes[1].spans == ((47, 62), (77, 88))
    assert [chapter.text[s:e] for s, e in quotes[1].spans] == ["Why- why would—", "Never mind."]


def test_apostrophes_are_not_quote_marks(curly):
    chapter, quotes = curly
    assert quotes[2].paragraph == 3
    assert quotes[2].spans == ((148, 217),)
    assert chapter.text[148:217] == "Rock ’n’ roll at six o’clock? Tell ’em the Pellingtons’ barn is shut."
    assert quotes[3].spans == ((221, 256),)
    assert chapter.text[221:256] == "You’ll keep the lantern, won’t you?"


def test_narration_paragraph_has_no_quotation(curly):
    _, quotes = curly
    assert 2 not in {q.paragraph for q in quotes}


def test_adjacent_quotes_without_narration_are_two_utterances(curly):
    chapter, quotes = curly
    assert [(q.paragraph, q.spans) for q in quotes[5:7]] == [(6, ((291, 295),)), (6, ((298, 301),))]
    assert [chapter.text[291:295], chapter.text[298:301]] == ["Yes.", "No."]


def test_unclosed_curly_quote_recovers_at_next_opening_mark(curly):
    chapter, quotes = curly
    assert [(q.paragraph, q.spans) for q in quotes[7:9]] == [(7, ((305, 325),)), (7, ((327, 337),))]
    assert chapter.text[305:325] == "Wait, Tamsin called."
    assert chapter.text[327:337] == "Come back."


def test_wrong_way_closing_mark_at_paragraph_start_opens(curly):
    chapter, quotes = curly
    assert quotes[9].spans == ((341, 348),) and chapter.text[341:348] == "Coming,"


def test_quote_continued_across_paragraphs_is_one_quotation(curly):
    chapter, quotes = curly
    last = quotes[10]
    assert last.id == "Q1-11" and last.paragraph == 9
    assert last.spans == ((398, 421), (424, 446))
    assert [chapter.text[s:e] for s, e in last.spans] == ["First we find the boat.", "Then we find the oars,"]
    assert len(quotes) == 11


def test_continued_speech_is_one_quotation_per_paragraph_linked_by_continues():
    chapter = chapter_from_txt("continued_speech.txt")
    utterances = find_quotations(chapter)  # one utterance: the speakers layer sees one turn
    assert [q.spans for q in utterances] == [((1, 21), (38, 61), (64, 122), (125, 161)), ((165, 170),)]
    parts = split_continued(Work(WorkMeta(), (chapter,)), utterances)
    assert [(q.id, q.paragraph, q.spans, q.continues) for q in parts] == [
        ("Q1-1", 0, ((1, 21), (38, 61)), None),
        ("Q1-1.2", 1, ((64, 122),), "Q1-1"),
        ("Q1-1.3", 2, ((125, 161),), "Q1-1.2"),
        ("Q1-2", 3, ((165, 170),), None),
    ]
    assert parts[1].text == "If the boat is not past the bar by then, we wait for dark."
    assert parts[2].text == "And nobody argues with the ferryman."


def test_continued_speech_parts_share_the_speaker_and_read_as_continued():
    doc = analyze(read_work(FIXTURES / "continued_speech.txt"))
    names = {c["id"]: c["name"] for c in doc["characters"]}
    assert [(q["id"], q["spans"], names.get(q["speaker"]), q.get("continues")) for q in doc["quotes"]] == [
        ("Q1", [[1, 21], [38, 61]], "Marisol", None),
        ("Q2", [[64, 122]], "Marisol", "Q1"),
        ("Q3", [[125, 161]], "Marisol", "Q2"),
        ("Q4", [[165, 170]], "Oren", None),
    ]
    assert {c["name"]: c["quotes"] for c in doc["characters"]} == {"Marisol": 1, "Oren": 1}  # one speech, one line
    assert render_script(doc).splitlines()[1:4] == [
        "Marisol: Listen, both of you, … The tide turns at four.",
        "Marisol (cont.): If the boat is not past the bar by then, we wait for dark.",
        "Marisol (cont.): And nobody argues with the ferryman.",
    ]


# -- straight double marks ------------------------------------------------------------------


@pytest.fixture(scope="module")
def straight():
    chapter = chapter_from_txt("straight_double.txt")
    return chapter, find_quotations(chapter)


def test_straight_double_with_apostrophes(straight):
    chapter, quotes = straight
    assert dialogue_marks(chapter.text) == "double"
    assert quotes[0].spans == ((1, 13), (26, 87))
    assert [chapter.text[s:e] for s, e in quotes[0].spans] == [
        "Don't start,", "The Brackens' dog is loose again, and it's past nine o'clock."]
    assert quotes[1].spans == ((120, 141),) and chapter.text[120:141] == "Where did you see it?"


def test_straight_quote_continued_across_paragraphs(straight):
    chapter, quotes = straight
    assert quotes[2].paragraph == 2
    assert quotes[2].spans == ((145, 215), (218, 256))
    assert chapter.text[218:256] == "And then it ran off towards the river."


def test_scare_quote_in_narration_is_not_speech(straight):
    chapter, quotes = straight
    assert quotes[3].spans == ((280, 305),)  # "the plan," is a term, not a second span
    assert chapter.text[280:305] == "Then we follow the river,"


def test_unclosed_straight_quote_recovers_at_paragraph_end(straight):
    chapter, quotes = straight
    assert quotes[4].spans == ((383, 437),)
    assert chapter.text[383:437] == "You never close your quotes, Ivo said, and walked out."
    assert len(quotes) == 5  # the next paragraph opens with no mark: nothing continues


# -- a sentence that goes on after an attribution; letters signed or named after -------------


@pytest.fixture(scope="module")
def goes_on():
    return scanned("sentence_goes_on.txt")


def test_sentence_going_on_after_a_long_attribution_is_one_utterance(goes_on):
    chapter, quotes, _ = goes_on
    assert quotes[0].spans == ((1, 15), (76, 99))
    assert [chapter.text[s:e] for s, e in quotes[0].spans] == ["Good gracious!", "it is past six already."]


def test_lower_case_after_whole_sentences_of_narration_is_a_new_utterance(goes_on):
    chapter, quotes, _ = goes_on
    assert [(q.paragraph, q.spans) for q in quotes[1:3]] == [(1, ((103, 108),)), (1, ((215, 226),))]
    assert chapter.text[215:226] == "never mind."


def test_quotation_signed_off_inside_is_a_letter(goes_on):
    chapter, quotes, (_, written) = goes_on
    assert 2 not in {q.paragraph for q in quotes}
    assert (written[0].start, written[0].end) == (230, 399)
    assert written[0].text.endswith("Yours ever, Marisol.")


def test_yours_in_speech_is_not_a_signature(goes_on):
    chapter, quotes, _ = goes_on
    assert quotes[3].spans == ((403, 426), (440, 475))
    assert chapter.text[440:475] == "Yours is the red one, and it leaks."


def test_quotation_the_narration_then_calls_this_note_is_written(goes_on):
    chapter, quotes, (_, written) = goes_on
    assert len(quotes) == 5
    assert [(w.start, w.end) for w in written] == [(230, 399), (479, 624)]
    assert chapter.text[479:624].startswith("Gone to the mainland")


def test_so_called_after_a_title_is_not_an_attribution(goes_on):
    chapter, quotes, _ = goes_on
    assert chapter.text[702:715] == "Drowned Bell,"
    assert 6 not in {q.paragraph for q in quotes}


def test_words_reported_in_the_narration_sentence_are_not_a_quotation(goes_on):
    chapter, quotes, _ = goes_on
    assert chapter.text[783:826] == "the goat would be back in the shed by dark,"
    assert 7 not in {q.paragraph for q in quotes}


def test_first_or_second_person_words_mid_sentence_stay_a_quotation(goes_on):
    chapter, quotes, _ = goes_on
    assert [(q.paragraph, q.spans) for q in quotes[4:]] == [(8, ((875, 905),))]
    assert chapter.text[875:905] == "the worst thing we ever bought"


# -- single marks -------------------------------------------------------------------------------


def test_british_single_with_nested_double():
    chapter = chapter_from_txt("british_single.txt")
    assert dialogue_marks(chapter.text) == "single"
    assert quoted(chapter) == [
        ["Have you heard?", "Mrs Parry said “never again” and meant it."],
        ["The Hendersons’ cat got out,", "I’ll fetch ’em both."],
        ["It’s not my fault the gate’s broken."],
        ["Then whose is it?"],
    ]
    quotes = find_quotations(chapter)
    assert [q.spans for q in quotes] == [
        ((1, 16), (32, 74)), ((78, 106), (120, 140)), ((157, 193),), ((197, 214),)]


def test_straight_single_marks_when_the_chapter_uses_them():
    chapter = chapter_from_txt("straight_single.txt")
    assert dialogue_marks(chapter.text) == "single"
    quotes = find_quotations(chapter)
    assert [q.spans for q in quotes] == [((1, 9), (29, 56)), ((87, 134),), ((138, 160),)]
    assert quoted(chapter) == [
        ["Come in,", "You're letting the cold in."],
        ["I brought the lads' post, and a letter for 'em."],
        ["Leave it on the table,"],
    ]


def test_straight_single_marks_ignored_in_a_double_quote_chapter():
    chapter = chapter_from_text(
        "\"We'll go at six o'clock,\" said Ana. \"The twins' bikes are 'borrowed' again.\"\n\n"
        "'Tis the season, thought nobody."
    )
    assert dialogue_marks(chapter.text) == "double"
    quotes = find_quotations(chapter)
    assert [q.id for q in quotes] == ["Q3-1"]
    assert quotes[0].chapter == 3
    assert quoted(chapter) == [["We'll go at six o'clock,", "The twins' bikes are 'borrowed' again."]]


def test_two_speakers_in_one_paragraph_stay_apart():
    chapter = chapter_from_text(
        "\"Is it raining?\" Marit went to the window and looked for a long time at the street. \"No.\""
    )
    assert quoted(chapter) == [["Is it raining?"], ["No."]]


def test_empty_marks_and_no_dialogue():
    assert find_quotations(chapter_from_text("He said \"\" and nothing else.")) == []
    assert find_quotations(chapter_from_text("Plain narration, no dialogue at all.")) == []


def test_guillemets_and_low_opening_marks():
    chapter = chapter_from_text("«Bonsoir,» she said. „Guten Abend.“")
    assert quoted(chapter) == [["Bonsoir,", "Guten Abend."]]


# -- thoughts and written passages ---------------------------------------------------------------


@pytest.fixture(scope="module")
def styled():
    return read_work(FIXTURES / "thoughts.html").chapters[0]


def test_thoughts_are_italic_clauses_outside_quotations(styled):
    thoughts, _ = find_passages(styled)
    assert [(t.id, t.start, t.end, t.text) for t in thoughts] == [
        ("T1-1", 0, 10, "Not again."),
        ("T1-2", 175, 211, "Why would anyone leave the gate open"),
        ("T1-3", 227, 248, "on a night like this?"),
    ]
    assert all(t.chapter == 1 and t.character is None for t in thoughts)


def test_emphasis_titles_and_quoted_italics_are_not_thoughts(styled):
    thoughts, _ = find_passages(styled)
    texts = {t.text for t in thoughts}
    assert "did" not in texts and "The Harbour Almanac" not in texts
    # an italic remembered line in quote marks stays a quotation
    assert not any("You always forget" in t for t in texts)
    assert any(q.text == "You always forget," for q in find_quotations(styled))


def test_blockquote_paragraphs_are_written_passages(styled):
    _, written = find_passages(styled)
    assert [(w.id, w.text) for w in written] == [("W1-1", "where r u. the ferry leaves at 6"), ("W1-2", "— K")]
    assert styled.text[written[0].start : written[0].end] == "where r u. the ferry leaves at 6"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Really?", True),
        ("I can't do this", True),
        ("not now, not ever", True),
        ("did", False),
        ("so very", False),
        ("The Daily Prophet", False),
        ("Pride and Prejudice", False),
        ("  ", False),
    ],
)
def test_is_thought_rule(text, expected):
    assert is_thought(text) is expected


def test_italic_runs_split_by_markup_join_into_one_thought():
    from ficlens.model import Paragraph, StyleSpan

    text = "I can't do this. She sighed."
    chapter = Chapter(1, None, text, (Paragraph(0, len(text)),),
                      styles=(StyleSpan(0, 7, "italic"), StyleSpan(8, 16, "italic")))
    thoughts, written = find_passages(chapter)
    assert [(t.start, t.end, t.text) for t in thoughts] == [(0, 16, "I can't do this.")]
    assert written == []


def test_one_attribution_per_utterance():
    chapter = chapter_from_text('"Not today," said Ma Kettle. "But tomorrow," she went on, "we sail."')
    assert quoted(chapter) == [["Not today,"], ["But tomorrow,", "we sail."]]
    # with only one attribution the three stretches stay one utterance
    chapter = chapter_from_text('"Not today," said Ma Kettle, "but tomorrow, and then we sail."')
    assert quoted(chapter) == [["Not today,", "but tomorrow, and then we sail."]]
    # the paragraph's last stretch with its own attribution, after a sentence of narration
    chapter = chapter_from_text('"Damn!" said Ruth. The gull laughed. "Missed me," it said, "again."')
    assert quoted(chapter) == [["Damn!"], ["Missed me,", "again."]]
    chapter = chapter_from_text('"Damn!" said Ruth. "Missed it," she added.')  # one sentence between: one
    assert quoted(chapter) == [["Damn!", "Missed it,"]]
    # a sentence of narration, then a lead-in of its own with a verb of saying: a new utterance
    chapter = chapter_from_text('"Mind the rope," warned Ruth; and then they rowed on in silence for a mile. '
                                'At last Ruth said to the ferryman, "Bring her about."')
    assert quoted(chapter) == [["Mind the rope,"], ["Bring her about."]]
    chapter = chapter_from_text('"Mind the rope," warned Ruth, and then, "bring her about."')  # no sentence between
    assert quoted(chapter) == [["Mind the rope,", "bring her about."]]
    # a whole sentence of narration after the attribution: the next stretch is a new utterance
    chapter = chapter_from_text('"Nonsense!" said Ruth crossly. However, she rowed on without a word. "The tide turns at six."')
    assert quoted(chapter) == [["Nonsense!"], ["The tide turns at six."]]
    chapter = chapter_from_text('"Nonsense!" said Ruth crossly. "The tide turns at six."')
    assert quoted(chapter) == [["Nonsense!", "The tide turns at six."]]


# -- quoted letters, unspoken words, names and noun phrases -------------------------------------


@pytest.fixture(scope="module")
def asides():
    return scanned("letters_and_asides.txt")


def test_only_spoken_lines_are_quotations(asides):
    chapter, quotes, _ = asides
    assert [(q.id, q.paragraph, q.spans) for q in quotes] == [
        ("Q1-1", 6, ((248, 256), (290, 320))),
        ("Q1-2", 13, ((583, 591), (604, 628))),  # "Dear me," is not a letter's salutation
        ("Q1-3", 15, ((793, 801),)),
    ]
    assert quoted(chapter) == [
        ["Typical,", "She never signs her full name."], ["Dear me,", "what a fuss over a goat."], ["Marisol!"]]


def test_quoted_letter_lines_are_written_passages(asides):
    chapter, _, (_, written) = asides
    assert [(w.id, w.start, w.end, w.text) for w in written] == [
        # introduced by "It ran as follows:": heading line, salutation, body, valediction, signature
        ("W1-1", 97, 124, "Tuesday, at the lighthouse."),
        ("W1-2", 128, 138, "Dear Wren,"),
        ("W1-3", 142, 218, "The tide charts you asked for are in the blue tin. Do not let Ivo near them."),
        ("W1-4", 222, 233, "Yours ever,"),
        ("W1-5", 237, 244, "Marisol"),
        # no salutation: the valediction and signature make the run before them a note
        ("W1-6", 502, 548, "Gone to the mainland for nails. Feed the goat."),
        ("W1-7", 552, 572, "Your loving brother,"),
        ("W1-8", 576, 579, "Tam"),
        # read aloud from a note
        ("W1-9", 851, 879, "Back by six. Bring the oars."),
        # one quotation continued over three paragraphs, from "My dear Ivo," to "Yours, M."
        ("W1-10", 883, 919, "My dear Ivo, the goat ate the nails."),
        ("W1-11", 922, 945, "Please do not tell Tam."),
        ("W1-12", 948, 957, "Yours, M."),
        # a signature in capitals ends a note too
        ("W1-13", 1013, 1042, "Took the boat. Back Thursday."),
        ("W1-14", 1046, 1055, "IVO PELL."),
    ]
    assert all(w.chapter == 1 and chapter.text[w.start : w.end] == w.text for w in written)


def test_words_never_said_aloud_are_thoughts(asides):
    chapter, _, (thoughts, _) = asides
    assert [(t.id, t.start, t.end, t.text) for t in thoughts] == [
        ("T1-1", 371, 385, "Just one peek."),  # his eyes said: "..."
        ("T1-2", 389, 402, "Not a chance,"),  # "...," she felt like answering
    ]


def test_named_things_and_noun_phrases_are_terms(asides):
    chapter, quotes, (thoughts, written) = asides
    texts = [q.text for q in quotes] + [p.text for p in thoughts + written]
    # called it "the drowned bell," / a "Fine, have it your way" shrug: neither speech nor passage
    assert not any("drowned bell" in t or "have it your way" in t for t in texts)
    # but a naming verb before an exclamation is speech: Wren called "Marisol!"
    assert "Marisol!" in [q.text for q in quotes]


def test_a_letter_in_a_blockquote_is_one_written_passage():
    from ficlens.model import Paragraph, StyleSpan

    blocks = ["She unfolded it.", '"Dear Ivo,"', '"Gone fishing."', '"Yours, Wren"']
    text = "\n\n".join(blocks)
    starts = [text.index(b) for b in blocks]
    paragraphs = tuple(Paragraph(s, s + len(b)) for s, b in zip(starts, blocks))
    chapter = Chapter(2, None, text, paragraphs, styles=(StyleSpan(18, len(text), "blockquote"),))
    assert find_quotations(chapter) == []
    _, written = find_passages(chapter)
    assert [(w.id, w.start, w.end) for w in written] == [("W2-1", 18, len(text))]


def test_unspoken_cue_followed_by_speech_is_speech():
    chapter = chapter_from_text(
        'Her look said plenty, but she only murmured: "Fine."\n\n'
        'He wanted to say: "Stay." He said nothing.'
    )
    assert quoted(chapter) == [["Fine."]]
    thoughts, written = find_passages(chapter)
    assert [(t.start, t.end, t.text) for t in thoughts] == [(73, 78, "Stay.")]
    assert written == []
