"""Property: for any `Work` (built straight from the model, not through a reader),
`analyze` gives a document that validates against the schema, with every span
inside its chapter text, quotation spans that never overlap, and every speaker,
addressee, mention and passage pointing at a character that exists.

The generated stories mix what the layers react to (names, titles, pronouns,
speech verbs, every quotation mark, em dashes, italics, blockquotes, scene breaks,
AO3 character tags) with what they must survive (unbalanced quotes, right-to-left
text, combining marks, emoji, lone punctuation). All examples share the one loaded
spaCy model, so each costs a few tens of milliseconds.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ficlens.export.document import validate
from ficlens.model import (
    PARAGRAPH_SEPARATOR, Chapter, ChapterCount, Paragraph, Relationship, SceneBreak, Source, StyleSpan, Work,
    WorkMeta,
)
from ficlens.pipeline import analyze
from wellformed import check_document

EXAMPLES = int(os.environ.get("FICLENS_EXAMPLES", "40"))

NAMES = ["Alice", "Bram", "Mr. Holloway", "Mrs. Weston", "Wren", "Dr. Okafor", "Captain Vell", "Tam",
         "Alice Holloway", "Miss Bates", "Jo", "the captain", "Saoirse"]
WORDS = [
    "he", "she", "they", "him", "her", "his", "I", "me", "you", "we", "it",
    "said", "asked", "whispered", "replied", "shouted", "laughed", "nodded", "turned", "to", "at",
    "the", "a", "and", "but", "then", "door", "sea", "lamp", "letter", "morning", "was", "had", "went",
    ",", ".", "!", "?", "…", ";", ":", "—", "–", "-", "(", ")",
    '"', "“", "”", "'", "‘", "’", "«", "»", "„", "''", '"Hello,"', "“Wait.”", "‘No!’", '"', "'s",
    "\u202eevil\u202c", "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd", "a\u0301\u0302\u0303\u0304",
    "Z" + "\u0336\u0334\u0335" * 20, "\U0001F469\u200d\U0001F469\u200d\U0001F467", "\U0001F600", "\u2028",
    "\u00a0", "\t", "\n", "ﬁ", "İ", "ß", "\ufffd", "\u200b", "\U0001D400",
]
TOKENS = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), st.text(min_size=1, max_size=6))


@st.composite
def paragraphs(draw) -> str:
    text = " ".join(draw(st.lists(TOKENS, min_size=1, max_size=30)))
    text = "\n".join(part.strip(" \t\n") for part in text.split("\n"))  # one line break, never a blank line
    while PARAGRAPH_SEPARATOR in text:
        text = text.replace(PARAGRAPH_SEPARATOR, "\n")
    return text.strip(" \t\n") or draw(st.sampled_from(NAMES))


@st.composite
def chapters(draw, index: int) -> Chapter:
    paras = draw(st.lists(paragraphs(), min_size=1, max_size=8))
    spans, offset = [], 0
    for text in paras:
        spans.append(Paragraph(offset, offset + len(text)))
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    text = PARAGRAPH_SEPARATOR.join(paras)
    styles = []
    for p in draw(st.lists(st.sampled_from(spans), max_size=4)):
        start = draw(st.integers(p.start, p.end - 1))
        end = draw(st.integers(start + 1, p.end))
        styles.append(StyleSpan(start, end, draw(st.sampled_from(["italic", "bold", "blockquote", "center"]))))
    breaks = [SceneBreak(p.start, "* * *") for p in draw(st.lists(st.sampled_from(spans[1:] or spans), max_size=2,
                                                                    unique=True))]
    return Chapter(index, draw(st.one_of(st.none(), paragraphs())), text, tuple(spans),
                   tuple(sorted(styles, key=lambda s: (s.start, -s.end))), tuple(sorted(breaks, key=lambda b: b.offset)))


@st.composite
def works(draw) -> Work:
    count = draw(st.integers(1, 3))
    tagged = draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
    relationships = tuple(Relationship(f"{a}/{b}", (a, b), "romantic") for a, b in zip(tagged, tagged[1:]))
    meta = WorkMeta(title=draw(paragraphs()), characters=tuple(tagged), relationships=relationships,
                    chapters=ChapterCount(count, count), source=Source("generated"))
    return Work(meta, tuple(draw(chapters(i)) for i in range(1, count + 1)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(works())
def test_any_work_gives_a_valid_consistent_document(work):
    doc = json.loads(json.dumps(analyze(work)))  # exactly what is written to disk
    validate(doc)
    check_document(doc)
    assert [c["text"] for c in doc["chapters"]] == [c.text for c in work.chapters]  # nothing rewrites the text
