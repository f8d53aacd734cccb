"""A clean EPUB 3 of the work, built with EbookLib: the metadata in the package
document, one XHTML file per chapter (heading, paragraphs, italics/bold, letters
as blockquotes, scene breaks as `<hr/>`), a navigation document and an NCX.
No site chrome: no kudos, comment links or "Posted originally on" banners.

Chapter markup is built as lxml elements, so text from the work is always text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree
from lxml.html import builder as E

from ..errors import FiclensError
from ..model import Chapter, Work
from .segments import by_paragraph, segments
from .text import _chapter_heading

INLINE_TAGS = {"italic": "em", "bold": "strong", "underline": "u", "strike": "s"}
STYLESHEET = """\
body { font-family: serif; line-height: 1.5; }
h1, h2 { text-align: center; }
p { margin: 0 0 0.8em; }
p.center { text-align: center; }
blockquote { margin: 1em 2em; font-style: normal; }
hr.scene-break { border: none; text-align: center; margin: 1.5em 0; }
hr.scene-break::after { content: "* * *"; }
"""
# AO3 states the language by name; EPUB wants a BCP 47 code.
LANGUAGE_CODES = {"english": "en", "español": "es", "spanish": "es", "français": "fr", "french": "fr",
                  "deutsch": "de", "german": "de", "italiano": "it", "italian": "it", "português": "pt",
                  "русский": "ru", "中文-普通话 國語": "zh", "日本語": "ja", "한국어": "ko", "polski": "pl",
                  "nederlands": "nl", "svenska": "sv", "suomi": "fi", "dansk": "da", "norsk": "no"}
_CODE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def language_code(language: str | None) -> str:
    if not language:
        return "en"
    if _CODE_RE.match(language):
        return language
    return LANGUAGE_CODES.get(language.strip().lower(), "und")


def identifier(work: Work) -> str:
    """The work's address when known, else a stable id from its title and text."""
    if work.meta.source.url:
        return work.meta.source.url
    digest = hashlib.sha1((work.meta.title or "").encode() + b"\0" + "".join(c.text for c in work.chapters).encode())
    return f"urn:ficlens:{digest.hexdigest()}"


def _append_text(parent, text: str) -> None:
    """Append `text` to `parent` as lxml text/tail, line breaks as `<br/>`."""
    for i, line in enumerate(text.split("\n")):
        if i:
            parent.append(E.BR())
        if not line:
            continue
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + line
        else:
            parent.text = (parent.text or "") + line


def chapter_body(chapter: Chapter, heading: str | None):
    """The `<body>` element of one chapter's XHTML file."""
    body = E.BODY()
    if heading:
        body.append(E.H2(heading))
    breaks = {b.offset for b in chapter.scene_breaks}
    inline = [(s.start, s.end, s.style) for s in chapter.styles if s.style in INLINE_TAGS]
    blocks = [(s.start, s.end, s.style) for s in chapter.styles if s.style not in INLINE_TAGS]
    starts = [p.start for p in chapter.paragraphs]
    inline_of, block_of = by_paragraph(starts, inline), by_paragraph(starts, blocks)
    quote = None  # the open <blockquote>, so consecutive quoted paragraphs share one
    for index, p in enumerate(chapter.paragraphs):
        if p.start in breaks:
            body.append(E.HR(E.CLASS("scene-break")))
            quote = None
        block_styles = {style for s, e, style in block_of.get(index, ()) if s < p.end and e > p.start}
        paragraph = E.P(E.CLASS("center")) if "center" in block_styles else E.P()
        for a, b, styles in segments(p.start, p.end, inline_of.get(index, ())):
            target = paragraph
            for style in styles:
                child = etree.SubElement(target, INLINE_TAGS[style])
                target = child
            _append_text(target, chapter.text[a:b])
        if "blockquote" in block_styles:
            if quote is None:
                quote = E.BLOCKQUOTE()
                body.append(quote)
            quote.append(paragraph)
        else:
            quote = None
            body.append(paragraph)
    return body


def build_epub(work: Work):
    """The `ebooklib.epub.EpubBook` for `work`."""
    from ebooklib import epub

    meta = work.meta
    book = epub.EpubBook()
    book.set_identifier(identifier(work))
    book.set_title(meta.title or "Untitled")
    book.set_language(language_code(meta.language))
    for n, author in enumerate(meta.authors, 1):
        book.add_author(author.name, uid=f"creator{n}")  # ids must differ (epubcheck RSC-005)
    if meta.summary:
        # as escaped HTML paragraphs, the way Calibre writes it, so paragraphs survive
        paragraphs = [E.P(part) for part in meta.summary.split("\n\n")]
        book.add_metadata("DC", "description", "".join(etree.tostring(p, encoding="unicode") for p in paragraphs))
    if meta.published:
        book.add_metadata("DC", "date", meta.published)
    if meta.source.url:
        book.add_metadata("DC", "source", meta.source.url)
    for tag in meta.freeform:
        book.add_metadata("DC", "subject", tag)
    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css", content=STYLESHEET)
    book.add_item(style)
    files = []
    for chapter in work.chapters:
        heading = _chapter_heading(chapter, len(work.chapters))
        page = epub.EpubHtml(title=heading or meta.title or f"Chapter {chapter.index}",
                             file_name=f"chapter-{chapter.index:03d}.xhtml", lang=book.language)
        html = E.HTML(E.HEAD(E.TITLE(heading or meta.title or "")), chapter_body(chapter, heading))
        page.content = etree.tostring(html, encoding="unicode", method="html")
        page.add_item(style)  # linked by its name as written, so chapters sit beside style/
        book.add_item(page)
        files.append(page)
    book.toc = files
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = files  # the navigation document is in the manifest, not read as a chapter
    return book


def write_epub(work: Work, path: Path) -> Path:
    from ebooklib import epub

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        epub.write_epub(str(path), build_epub(work))
    except OSError as exc:
        raise FiclensError(f"cannot write the EPUB: {exc.strerror or exc}", path) from exc
    return path
