"""ficlens.text.nlp: one batched spaCy pass, offsets back into chapter text."""

from __future__ import annotations

import spacy

from ficlens.model import Chapter, Paragraph, Work, WorkMeta
from ficlens.text.nlp import USED_PIPES, ChapterParse, load_nlp, parse_chapters, split_long


def make_work(*chapters: list[str]) -> Work:
    built = []
    for index, paragraphs in enumerate(chapters, 1):
        spans, pos = [], 0
        for text in paragraphs:
            spans.append(Paragraph(pos, pos + len(text)))
            pos += len(text) + 2
        built.append(Chapter(index, None, "\n\n".join(paragraphs), tuple(spans)))
    return Work(WorkMeta(), tuple(built))


class CountingNlp:
    """A blank English pipeline that counts `pipe` calls and can pretend to have a
    small `max_length`."""

    def __init__(self, max_length: int = 1_000_000):
        self.inner = spacy.blank("en")
        self.max_length = max_length
        self.pipe_calls = 0
        self.texts: list[str] = []

    def pipe(self, texts, batch_size=None):
        self.pipe_calls += 1
        for text in texts:
            self.texts.append(text)
            yield self.inner(text)


def test_load_nlp_is_cached_and_keeps_the_pipes_layers_need():
    nlp = load_nlp()
    assert load_nlp() is nlp
    assert set(nlp.pipe_names) <= set(USED_PIPES)
    assert {"parser", "ner", "tagger"} <= set(nlp.pipe_names)


def test_one_pipe_call_for_the_whole_work_and_offsets_point_into_chapter_text():
    work = make_work(
        ["Anna opened the door.", "\"Who is there?\" she asked."],
        ["Nobody answered.", "The wind, perhaps.", "Then a knock."],
    )
    nlp = CountingNlp()
    parses = parse_chapters(work, nlp=nlp)
    assert nlp.pipe_calls == 1
    assert len(nlp.texts) == 5
    assert [type(p) for p in parses] == [ChapterParse, ChapterParse]
    for parse, chapter in zip(parses, work.chapters):
        assert parse.chapter is chapter
        assert [offset for offset, _ in parse.docs] == [p.start for p in chapter.paragraphs]
        for offset, doc in parse.docs:
            assert chapter.text[offset : offset + len(doc.text)] == doc.text
            for token in doc:
                start = offset + token.idx
                assert chapter.text[start : start + len(token.text)] == token.text


def test_real_model_tokens_map_back_and_carry_entities():
    work = make_work(["Mr. Bennet replied that he had not.", "Elizabeth laughed."])
    (parse,) = parse_chapters(work)
    chapter = work.chapters[0]
    tokens = [(offset + t.idx, t.text, t.ent_type_) for offset, doc in parse.docs for t in doc]
    for start, text, _ in tokens:
        assert chapter.text[start : start + len(text)] == text
    assert (chapter.text.index("Elizabeth"), "Elizabeth", "PERSON") in tokens


def test_a_very_long_paragraph_is_cut_into_pieces_not_crashed_on():
    sentence = "The sea came in and the sea went out again. "
    long_paragraph = (sentence * 30).strip()
    work = make_work(["Short one.", long_paragraph, "After."])
    nlp = CountingNlp(max_length=201)
    (parse,) = parse_chapters(work, nlp=nlp)
    chapter = work.chapters[0]
    pieces = [(o, d) for o, d in parse.docs if chapter.paragraphs[1].start <= o < chapter.paragraphs[1].end]
    assert len(pieces) > 1
    assert "".join(d.text for _, d in pieces) == long_paragraph
    for offset, doc in pieces:
        assert len(doc.text) <= 200
        assert chapter.text[offset : offset + len(doc.text)] == doc.text
        assert doc.text.endswith(".") or doc.text.endswith(". ")  # cut after a sentence


def test_split_long_prefers_line_breaks_then_sentences_then_spaces_then_hard_cuts():
    text = "a" * 50 + "\n" + "b" * 80
    assert split_long(text, 60) == [(0, "a" * 50 + "\n"), (51, "b" * 60), (111, "b" * 20)]
    words = "word " * 40
    pieces = split_long(words, 42)
    assert "".join(p for _, p in pieces) == words
    assert all(p.endswith(" ") for _, p in pieces[:-1])
    assert all(len(p) <= 42 for _, p in pieces)
    assert split_long("short", 10) == [(0, "short")]


def test_empty_chapters_and_works_parse_to_empty_lists():
    work = make_work([], ["Only this."])
    parses = parse_chapters(work, nlp=CountingNlp())
    assert [len(p.docs) for p in parses] == [0, 1]
