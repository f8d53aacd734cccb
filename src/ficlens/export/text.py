"""The work as readable text: plain text or Markdown, chapter headings, optional notes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..model import Chapter, Work

SCENE_BREAK_TXT = "* * *"


def render_text(work: Work, fmt: str = "txt", notes: bool = False,
                annotations: dict[int, list[tuple[int, str]]] | None = None) -> str:
    """Story text chapter by chapter. `fmt` is "txt" or "md" (Markdown keeps italics
    and bold as `*`/`**`). With `notes`, summaries and notes are included.
    `annotations` (Markdown only): chapter index -> `(offset, markdown)` pieces
    inserted into the text at those offsets (the speaker export uses this)."""
    md = fmt == "md"
    out: list[str] = []
    if work.meta.title:
        out.append(f"# {work.meta.title}" if md else work.meta.title)
        if work.meta.authors:
            out.append("by " + ", ".join(a.name for a in work.meta.authors))
        out.append("")
        if notes:
            out += _notes_block("Summary", work.meta.summary, md) + _notes_block("Notes", work.meta.notes, md)
    for chapter in work.chapters:
        heading = _chapter_heading(chapter, len(work.chapters))
        if heading:
            out += [f"## {heading}" if md else heading, ""]
        if notes:
            out += _notes_block("Chapter Summary", chapter.summary, md)
            out += _notes_block("Chapter Notes", chapter.notes, md)
        out.append(_chapter_body(chapter, md, (annotations or {}).get(chapter.index, ())))
        out.append("")
        if notes:
            out += _notes_block("Chapter End Notes", chapter.end_notes, md)
    if notes:
        out += _notes_block("End Notes", work.meta.end_notes, md)
    return "\n".join(out).rstrip() + "\n"


def _chapter_heading(chapter: Chapter, total: int) -> str | None:
    if chapter.title and total > 1:
        return f"Chapter {chapter.index}: {chapter.title}"
    if chapter.title:
        return chapter.title
    return f"Chapter {chapter.index}" if total > 1 else None


def _notes_block(label: str, text: str | None, md: bool) -> list[str]:
    if not text:
        return []
    return [f"**{label}:**" if md else f"{label}:", text, ""]


_MD_MARK = {"italic": "*", "bold": "**", "strike": "~~"}


def _chapter_body(chapter: Chapter, md: bool, annotations=()) -> str:
    breaks = {b.offset for b in chapter.scene_breaks}
    annotations = sorted(annotations)
    positions = [pos for pos, _piece in annotations]
    paragraphs = []
    for p in chapter.paragraphs:
        if p.start in breaks:
            paragraphs.append(SCENE_BREAK_TXT)
        if md:
            extra = annotations[bisect_left(positions, p.start) : bisect_right(positions, p.end)]
            text = _markdown_paragraph(chapter, p.start, p.end, extra)
        else:
            text = chapter.text[p.start : p.end]
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _markdown_paragraph(chapter: Chapter, start: int, end: int, extra=()) -> str:
    """Insert Markdown emphasis markers for style spans inside [start, end), and the
    `extra` (offset, markdown) pieces after any marker closing at the same offset."""
    inserts: list[tuple[int, float, str]] = [(pos, 0.5, piece) for pos, piece in extra]
    for s in chapter.styles:
        mark = _MD_MARK.get(s.style)
        if mark is None or s.end <= start or s.start >= end:
            continue
        s0, s1 = max(s.start, start), min(s.end, end)
        # keep markers tight against the words, as Markdown requires
        while s0 < s1 and chapter.text[s0].isspace():
            s0 += 1
        while s1 > s0 and chapter.text[s1 - 1].isspace():
            s1 -= 1
        if s1 > s0:
            inserts += [(s0, 1, mark), (s1, 0, mark)]
    text = chapter.text[start:end]
    if text.startswith(("#", ">", "- ", "+ ", "* ")):  # not a Markdown heading/list/quote
        text = "\\" + text
        shift = 1
    else:
        shift = 0
    for pos, _order, mark in sorted(inserts, key=lambda x: (x[0], x[1]), reverse=True):
        i = pos - start + shift
        text = text[:i] + mark + text[i:]
    return text.replace("\n", "  \n")
