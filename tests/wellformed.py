"""What every `Work` and every analysis document must satisfy, whatever the input:
the checks shared by the property tests, the fuzz regressions and the hostile files."""

from __future__ import annotations

from ficlens.ingest.decode import CONTROL_RE
from ficlens.model import PARAGRAPH_SEPARATOR, Work


def check_work(work: Work) -> None:
    """Chapters in order; paragraphs are the chapter text split at blank lines, each
    trimmed; styles and scene breaks inside the text; no NUL or CR left in it."""
    assert isinstance(work, Work)
    assert not CONTROL_RE.search(work.meta.title or "") and not CONTROL_RE.search(work.meta.summary or "")
    indexes = [c.index for c in work.chapters]
    assert indexes == sorted(set(indexes)) and all(i >= 1 for i in indexes), indexes
    for chapter in work.chapters:
        text = chapter.text
        assert PARAGRAPH_SEPARATOR.join(chapter.paragraph_texts()) == text
        for paragraph in chapter.paragraph_texts():
            # trimmed of the whitespace readers collapse (Python's strip() would also take
            # characters such as U+0085 or U+2028, which are text to a reader)
            assert paragraph and paragraph == paragraph.strip(" \t\n") and PARAGRAPH_SEPARATOR not in paragraph
        assert "\r" not in text and not CONTROL_RE.search(text)  # no NUL, no ESC for a terminal to obey
        assert not CONTROL_RE.search(chapter.title or "")
        for style in chapter.styles:
            assert 0 <= style.start < style.end <= len(text), style
        starts = {p.start for p in chapter.paragraphs}
        for scene_break in chapter.scene_breaks:
            assert scene_break.offset in starts, scene_break


def text_size(work: Work) -> int:
    """Characters of text the work holds: chapters, titles, notes, metadata strings."""
    total = 0
    for chapter in work.chapters:
        total += sum(len(s or "") for s in (chapter.text, chapter.title, chapter.summary, chapter.notes,
                                             chapter.end_notes))
    meta = work.meta
    total += sum(len(s or "") for s in (meta.title, meta.summary, meta.notes, meta.end_notes))
    total += sum(len(t) for t in meta.freeform + meta.characters + meta.fandoms + meta.warnings)
    return total


def check_document(doc: dict) -> None:
    """An analysis document: every span inside its chapter's text and pointing at the
    text it quotes; quotation spans never overlap; every character id it names exists."""
    chapters = {c["index"]: c["text"] for c in doc["chapters"]}
    ids = {c["id"] for c in doc.get("characters", [])}

    def inside(chapter: int, start: int, end: int) -> str:
        assert chapter in chapters, chapter
        assert 0 <= start < end <= len(chapters[chapter]), (chapter, start, end)
        return chapters[chapter][start:end]

    quoted: dict[int, list[tuple[int, int]]] = {}
    for q in doc["quotes"]:
        assert q["spans"] and q["text"] == " ".join(inside(q["chapter"], s, e) for s, e in q["spans"]), q
        quoted.setdefault(q["chapter"], []).extend(map(tuple, q["spans"]))
        assert q["speaker"] is None or q["speaker"] in ids, q
        assert set(q["addressees"]) <= ids, q
        if q["cue"] is not None:
            inside(q["cue"]["chapter"], q["cue"]["start"], q["cue"]["end"])
    for spans in quoted.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start, f"quotation spans overlap: {spans}"
    for m in doc.get("mentions", []):
        assert inside(m["chapter"], m["start"], m["end"]) == m["text"], m
        assert m["character"] is None or m["character"] in ids, m
    for name in ("thoughts", "written"):
        for p in doc.get(name, []):
            assert inside(p["chapter"], p["start"], p["end"]) == p["text"], p
            assert p["character"] is None or p["character"] in ids, p
