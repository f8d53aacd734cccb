"""BookNLP-style tab-separated tables, so BookNLP users can switch to ficlens.

`write_tsv(doc, parses, folder, book_id)` writes, like BookNLP's `process()`:
- `{book_id}.txt`: the story text the offsets point into (chapter texts joined
  by `CHAPTER_SEPARATOR`; BookNLP users have their input file, ficlens users get this);
- `{book_id}.tokens`: paragraph_ID, sentence_ID, token_ID_within_sentence,
  token_ID_within_document, word, lemma, byte_onset, byte_offset, POS_tag,
  fine_POS_tag, dependency_relation, syntactic_head_ID, event — BookNLP's columns.
  As in BookNLP, "byte" onset/offset are character offsets (end-exclusive) into the
  `.txt`; whitespace tokens are left out; `event` is always "O" (no event tagger);
- `{book_id}.entities`: COREF, start_token, end_token, prop, cat, text — character
  mentions (prop PROP/NOM/PRON, cat PER) and, when the places layer ran, place
  mentions (cat GPE/LOC/FAC). Token ranges are inclusive, as in BookNLP;
- `{book_id}.quotes`: quote_start, quote_end, mention_start, mention_end,
  mention_phrase, char_id, quote — one row per quoted span (a quotation broken by
  "she said" is two rows with the same char_id), the quote marks included;
- `{book_id}.characters`: BookNLP keeps characters in a JSON `.book` file; this is
  the same information as a table: char_id (the COREF/char_id number), ficlens_id,
  name, aliases, gender, mentions, lines, dialogue_share, tagged.

COREF/char_id numbers: character `C<n>` is `n`; places continue after the last
character; -1 means unresolved / unattributed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Iterable, Sequence

from .flat import output_folder
from .rows import character_rows
from .segments import with_quote_marks

CHAPTER_SEPARATOR = "\n\n\n"
UNRESOLVED = -1
TOKEN_COLUMNS = ("paragraph_ID", "sentence_ID", "token_ID_within_sentence", "token_ID_within_document",
                 "word", "lemma", "byte_onset", "byte_offset", "POS_tag", "fine_POS_tag",
                 "dependency_relation", "syntactic_head_ID", "event")
ENTITY_COLUMNS = ("COREF", "start_token", "end_token", "prop", "cat", "text")
QUOTE_COLUMNS = ("quote_start", "quote_end", "mention_start", "mention_end", "mention_phrase", "char_id", "quote")
CHARACTER_COLUMNS = ("char_id", "ficlens_id", "name", "aliases", "gender", "mentions", "lines",
                     "dialogue_share", "tagged")
PROP_OF_MENTION_KIND = {"name": "PROP", "description": "NOM", "pronoun": "PRON",
                        "first_person": "PRON", "second_person": "PRON"}

_WHITESPACE = re.compile(r"\s+")


def _cell(value: Any) -> str:
    """A TSV cell: BookNLP's files are read with quoting off, so no tab or newline
    may appear inside one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return _WHITESPACE.sub(" ", str(value))


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(_cell(v) for v in row) + "\n")
    return path


class TokenIndex:
    """Every non-space token of the work with its document-wide number, and a way to
    find the tokens covering a chapter's character span."""

    def __init__(self, parses, chapter_bases: dict[int, int]):
        self.rows: list[tuple] = []
        self._starts: dict[int, list[int]] = {}  # chapter -> token start offsets (sorted)
        self._ids: dict[int, list[int]] = {}
        self._ends: dict[int, list[int]] = {}
        paragraph_id = sentence_id = -1
        for parse in parses:
            chapter = parse.chapter
            base = chapter_bases[chapter.index]
            paragraph_starts = [p.start for p in chapter.paragraphs]
            starts, ids, ends = self._starts.setdefault(chapter.index, []), self._ids.setdefault(chapter.index, []), \
                self._ends.setdefault(chapter.index, [])
            last_paragraph = None
            for offset, doc in parse.docs:
                # pieces of one long paragraph share its paragraph_ID
                paragraph = bisect_right(paragraph_starts, offset) - 1
                if paragraph != last_paragraph:
                    paragraph_id += 1
                    last_paragraph = paragraph
                number_of = {}
                for token in doc:
                    if not token.is_space:
                        number_of[token.i] = len(self.rows) + len(number_of)
                for sentence in doc.sents:
                    words = [t for t in sentence if not t.is_space]
                    if not words:
                        continue
                    sentence_id += 1
                    for position, token in enumerate(words):
                        start = offset + token.idx
                        end = start + len(token.text)
                        number = number_of[token.i]
                        starts.append(start)
                        ends.append(end)
                        ids.append(number)
                        self.rows.append((
                            paragraph_id, sentence_id, position, number, token.text, token.lemma_,
                            base + start, base + end, token.pos_, token.tag_, token.dep_,
                            number_of.get(token.head.i, number), "O",
                        ))

    def span(self, chapter: int, start: int, end: int) -> tuple[int, int] | None:
        """First and last (inclusive) token numbers overlapping [start, end)."""
        starts, ends, ids = self._starts.get(chapter, []), self._ends.get(chapter, []), self._ids.get(chapter, [])
        first = bisect_right(ends, start)  # first token ending after start
        last = bisect_left(starts, end) - 1  # last token starting before end
        if first >= len(ids) or last < first:
            return None
        return ids[first], ids[last]

    def words(self, first: int, last: int) -> str:
        return " ".join(row[4] for row in self.rows[first : last + 1])


def cluster_numbers(doc: dict[str, Any]) -> dict[str, int]:
    """COREF/char_id numbers: `C<n>` -> n; places numbered after the characters."""
    numbers: dict[str, int] = {}
    for c in doc.get("characters", []):
        digits = re.sub(r"\D", "", c["id"])
        numbers[c["id"]] = int(digits) if digits else len(numbers) + 1
    next_number = max(numbers.values(), default=0) + 1
    for place in doc.get("places") or []:
        numbers[place["id"]] = next_number
        next_number += 1
    return numbers


def book_text(doc: dict[str, Any]) -> tuple[str, dict[int, int]]:
    """The work's text as one string and where each chapter starts in it."""
    bases, parts, position = {}, [], 0
    for chapter in doc["chapters"]:
        if parts:
            parts.append(CHAPTER_SEPARATOR)
            position += len(CHAPTER_SEPARATOR)
        bases[chapter["index"]] = position
        parts.append(chapter["text"])
        position += len(chapter["text"])
    return "".join(parts), bases


def _entity_rows(doc: dict[str, Any], tokens: TokenIndex, numbers: dict[str, int]):
    spans = []
    for m in doc.get("mentions", []):
        cluster = numbers.get(m["character"], UNRESOLVED) if m["character"] else UNRESOLVED
        spans.append((m["chapter"], m["start"], m["end"], cluster, PROP_OF_MENTION_KIND.get(m["kind"], "NOM"), "PER"))
    texts = {c["index"]: c["text"] for c in doc["chapters"]}
    for place in doc.get("places") or []:
        for m in place.get("mentions", []):
            spans.append((m["chapter"], m["start"], m["end"], numbers[place["id"]], "PROP", place.get("kind") or "LOC"))
    for chapter, start, end, cluster, prop, cat in sorted(spans, key=lambda s: (s[0], s[1], s[2])):
        covered = tokens.span(chapter, start, end)
        if covered is not None:
            yield (cluster, covered[0], covered[1], prop, cat, texts[chapter][start:end])


def _quote_rows(doc: dict[str, Any], tokens: TokenIndex, numbers: dict[str, int]):
    texts = {c["index"]: c["text"] for c in doc["chapters"]}
    for q in doc.get("quotes", []):
        text = texts[q["chapter"]]
        cue = q.get("cue")
        cue_tokens = tokens.span(cue["chapter"], cue["start"], cue["end"]) if cue else None
        mention = (cue_tokens[0], cue_tokens[1], text[cue["start"]:cue["end"]]) if cue_tokens else (UNRESOLVED, UNRESOLVED, "")
        speaker = numbers.get(q["speaker"], UNRESOLVED) if q["speaker"] else UNRESOLVED
        for start, end in q["spans"]:
            covered = tokens.span(q["chapter"], *with_quote_marks(text, start, end))
            if covered is not None:
                yield (covered[0], covered[1], *mention, speaker, tokens.words(*covered))


def write_tsv(doc: dict[str, Any], parses, folder: Path, book_id: str) -> list[Path]:
    """Write the BookNLP-style tables for an analysed work; `parses` are the
    `Analysis.parses` of the same run (the tokens come from them)."""
    folder = output_folder(folder)
    text, bases = book_text(doc)
    tokens = TokenIndex(parses, bases)
    numbers = cluster_numbers(doc)
    txt_path = folder / f"{book_id}.txt"
    txt_path.write_text(text, encoding="utf-8")
    characters = (
        (numbers[r["id"]], r["id"], r["name"], "; ".join(r["aliases"]), r["gender"], r["mentions"], r["lines"],
         r["dialogue_share"], r["tagged"])
        for r in character_rows(doc)
    )
    return [
        txt_path,
        _write(folder / f"{book_id}.tokens", TOKEN_COLUMNS, tokens.rows),
        _write(folder / f"{book_id}.entities", ENTITY_COLUMNS, _entity_rows(doc, tokens, numbers)),
        _write(folder / f"{book_id}.quotes", QUOTE_COLUMNS, _quote_rows(doc, tokens, numbers)),
        _write(folder / f"{book_id}.characters", CHARACTER_COLUMNS, characters),
    ]
