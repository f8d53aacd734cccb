"""Reader for an AO3 work page saved from a browser ("Save Page As…").

Three page shapes come out of AO3's templates (see ../shared/formats/AO3.md §2;
works/show.html.erb, chapters/show.html.erb, chapters/_chapter.html.erb):

- one-shot: `div#chapters` holds `h3.landmark.heading` "Work Text:" and one `div.userstuff`;
- full work (`?view_full_work=true`): `div#chapters > div.chapter` per chapter;
- one chapter of a chaptered work (`/works/ID/chapters/CID`): a single `div.chapter`.
  Its chapter count and stats are still the whole work's (`meta.chapters` from the stats).

Metadata comes from the tag header `dl.work.meta` and the work preface inside
`div#workskin`. Everything else on a saved page (site header, navigation, kudos,
comments, share boxes, footer, scripts) is never walked, so it cannot leak into text.

Choices worth knowing:
- Comments, kudos and bookmarks are omitted by AO3 when they are 0, so on a page with a
  stats block an absent count is 0, not None; hits likewise. Without any stats block
  (a damaged save) all four stay None.
- Work notes are the author's `blockquote.userstuff` only: AO3's generated
  `ul.associations` (gift recipients, translations, "inspired by", prompts) and the
  "(See the end of the work for notes.)" jump line are not notes and are dropped.
- A lock image in the title ("(Restricted)", "(Hidden by Admin)") is not part of the title.
- The work URL is normalised to https://archiveofourown.org/works/ID, taken from the
  most reliable place present: canonical link, og:url, the browser's "saved from" comment,
  the kudos form, then links to the work's own chapters/share/download pages.
"""

from __future__ import annotations

import re
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import FormatError
from ..model import Author, Chapter, ChapterCount, SeriesEntry, Source, Work, WorkMeta
from . import ao3_meta
from .html_text import chapter_from_element, element_text, inline_text

FORMAT = "ao3-workpage"
AO3_ROOT = "https://archiveofourown.org"

# Tag-header selectors: AO3 classes the dl "work meta group" (plain "work meta" before ~2012).
META_SELECTOR = "dl.work.meta"
WORKSKIN_SELECTOR = "div#workskin"

# dt/dd class in the tag header -> WorkMeta field. Older pages use the bare type name
# ("rating", "warning"); current ones add " tags". Labels are the fallback (ao3_meta).
CLASS_FIELDS = {
    "rating": "rating",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "freeform": "freeform",
    "language": "language",
    "series": "series",
    "collections": "collections",
    "stats": "stats",
}
TAG_FIELDS = ("rating", "warnings", "categories", "fandoms", "relationships", "characters", "freeform")

# dd classes inside dl.stats and the label parse_stats knows them by.
STAT_LABELS = {
    "published": "Published",
    "words": "Words",
    "chapters": "Chapters",
    "comments": "Comments",
    "kudos": "Kudos",
    "bookmarks": "Bookmarks",
    "hits": "Hits",
}
ENGAGEMENT_FIELDS = ("comments", "kudos", "bookmarks", "hits")

_AO3_HOST = r"https?://(?:www\.)?(?:archiveofourown\.(?:org|com|net)|ao3\.org)"
_ABSOLUTE_WORK_RE = re.compile(_AO3_HOST + r"/works/(\d+)")
# Links inside the page may be relative ("/works/123/chapters/456") or absolute.
_WORK_LINK_RE = re.compile(r"^(?:" + _AO3_HOST + r")?/works/(\d+)(?:[/?#]|$)")
_DOWNLOAD_LINK_RE = re.compile(r"^(?:" + _AO3_HOST + r")?/downloads/(\d+)/")
_SERIES_LINK_RE = re.compile(r"^(?:" + _AO3_HOST + r")?/series/(\d+)")
# Chrome/IE "mark of the web" and SingleFile's header comment.
_SAVED_FROM_RE = re.compile(r"(?:saved from url=\(\d+\)|\burl:\s*)(\S+)")
_PART_RE = re.compile(r"Part\s+([\d,]+)")
_ARCHIVED_BYLINE_RE = re.compile(r"(?:^|,\s*)(?P<orig>[^,\[\]]+?)\s*\[archived by [^\]]+\]")


# -- detection -----------------------------------------------------------------------------
def matches(tree: LexborHTMLParser) -> bool:
    """A saved AO3 work page, or AO3's adult-content interstitial that stands in for one
    (claimed only so that `read` can say what went wrong)."""
    return (
        tree.css_first(META_SELECTOR) is not None
        or tree.css_first(WORKSKIN_SELECTOR) is not None
        or _is_adult_interstitial(tree)
    )


def _is_adult_interstitial(tree: LexborHTMLParser) -> bool:
    # works/_adult.html.erb: a caution paragraph, a "view_adult=true" link and the work's blurb.
    return (
        tree.css_first("p.caution") is not None
        and tree.css_first("li.work.blurb") is not None
        and any("view_adult=true" in (a.attributes.get("href") or "") for a in tree.css("ul.actions a"))
    )


# -- reading ---------------------------------------------------------------------------------
def read(tree: LexborHTMLParser, path: str) -> Work:
    if tree.css_first(META_SELECTOR) is None and tree.css_first(WORKSKIN_SELECTOR) is None:
        if _is_adult_interstitial(tree):
            raise FormatError(
                "this is AO3's adult-content warning page, not the work: open the work, click "
                "'Yes, Continue' (or add ?view_adult=true to the address) and save it again",
                path,
            )
        raise FormatError("not an AO3 work page (no tag header or work text found)", path)

    fields = _header_fields(tree)
    preface = _work_preface(tree)
    chapters, extraction = _read_chapters(tree, path, fields.get("chapters"))

    meta = WorkMeta(
        title=_title(preface),
        authors=_authors(preface),
        summary=_preface_block(preface, "summary"),
        notes=_preface_block(preface, "notes"),
        end_notes=_work_end_notes(tree),
        source=Source(FORMAT, url=_work_url(tree), path=path, extraction=extraction),
        **fields,
    )
    return Work(meta=meta, chapters=chapters)


# -- tag header and stats -------------------------------------------------------------------
def _header_fields(tree: LexborHTMLParser) -> dict:
    """WorkMeta fields from `dl.work.meta`: typed tags, language, series, collections, stats."""
    header = tree.css_first(META_SELECTOR)
    out: dict = {}
    if header is None:
        return out
    label: LexborNode | None = None
    for node in header.iter():
        if node.tag == "dt":
            label = node
        elif node.tag == "dd":
            field = _field_of(node, label)
            label = None
            if field in TAG_FIELDS:
                tags = _tag_names(node)
                if field == "rating":
                    out["rating"] = ", ".join(tags) or None
                elif field == "relationships":
                    out["relationships"] = tuple(ao3_meta.parse_relationship(t) for t in tags)
                else:
                    out[field] = tuple(tags)
            elif field == "language":
                out["language"] = inline_text(node) or None
            elif field == "series":
                out["series"] = _series(node)
            elif field == "collections":
                out["collections"] = tuple(t for t in (inline_text(a) for a in node.css("a")) if t)
            elif field == "stats":
                out.update(_stats(node))
    return out


def _classes(node: LexborNode | None) -> list[str]:
    if node is None:
        return []
    return (node.attributes.get("class") or "").split()


def _field_of(dd: LexborNode, dt: LexborNode | None) -> str | None:
    for cls in _classes(dd) + _classes(dt):
        if cls in CLASS_FIELDS:
            return CLASS_FIELDS[cls]
    return ao3_meta.field_for_label(inline_text(dt)) if dt is not None else None


def _tag_names(dd: LexborNode) -> list[str]:
    # `a.tag` only: a reader who hides warnings/freeforms gets a "Show warnings" toggle
    # (li > strong > a) in their place, which is not a tag.
    links = dd.css("a.tag") or dd.css("li > a")
    return [name for name in (inline_text(a) for a in links) if name]


def _series(dd: LexborNode) -> tuple[SeriesEntry, ...]:
    # "Part N of <a>Title</a>", one span.position per series, with optional
    # "← Previous Work" / "Next Work →" links around it.
    positions = dd.css("span.position") or [dd]
    entries = []
    for position in positions:
        links = [a for a in position.css("a") if not {"previous", "next"} & set(_classes(a))]
        # Prefer the link to the series itself (older pages had unclassed «/» work links).
        link = next((a for a in links if _series_url(a.attributes.get("href"))), links[0] if links else None)
        if link is None:
            continue
        part = _PART_RE.search(inline_text(position))
        entries.append(
            SeriesEntry(
                title=inline_text(link),
                part=ao3_meta.parse_count(part.group(1)) if part else None,
                url=_series_url(link.attributes.get("href")),
            )
        )
    return tuple(entries)


def _series_url(href: str | None) -> str | None:
    m = _SERIES_LINK_RE.match(href or "")
    return f"{AO3_ROOT}/series/{m.group(1)}" if m else None


def _stats(dd: LexborNode) -> dict:
    """Stats from `dl.stats` (one dd per figure, classed by what it is)."""
    stats = dd.css_first("dl.stats")
    if stats is None:  # no inner list: fall back to reading the line as text
        return ao3_meta.parse_stats(inline_text(dd))
    parts = []
    label: LexborNode | None = None
    for node in stats.iter():
        if node.tag == "dt":
            label = node
            continue
        if node.tag != "dd":
            continue
        value = inline_text(node)
        for cls in _classes(node):
            if cls == "status":  # the dt says which: "Updated:" (WIP) or "Completed:"
                said = inline_text(label).rstrip(":").strip().lower()
                parts.append(f"{'Completed' if said == 'completed' else 'Updated'}: {value}")
            elif cls in STAT_LABELS:
                parts.append(f"{STAT_LABELS[cls]}: {value}")
        label = None
    out = ao3_meta.parse_stats(" ".join(parts))
    for key in ENGAGEMENT_FIELDS:
        out.setdefault(key, 0)  # AO3 leaves zero counts out of the list
    return out


# -- work preface --------------------------------------------------------------------------------
def _work_preface(tree: LexborHTMLParser) -> LexborNode | None:
    """The work's own `div.preface.group` (not a chapter preface, not the afterword)."""
    scope = tree.css_first(WORKSKIN_SELECTOR) or tree.body
    if scope is None:
        return None
    for node in scope.css("div.preface.group"):
        if not {"chapter", "afterword"} & set(_classes(node)):
            return node
    return None


def _title(preface: LexborNode | None) -> str | None:
    # inline_text reads text nodes only, so the lock image's alt "(Restricted)" stays out.
    heading = preface.css_first("h2.title") if preface is not None else None
    return inline_text(heading) or None


def _authors(preface: LexborNode | None) -> tuple[Author, ...]:
    byline = preface.css_first("h3.byline") if preface is not None else None
    if byline is None:
        return ()
    text = inline_text(byline)
    if "[archived by" in text:  # imported work: "Orig Author [archived by <a>pseud</a>]"
        return tuple(Author(m.group("orig").strip(), None) for m in _ARCHIVED_BYLINE_RE.finditer(text))
    links = byline.css('a[rel="author"]')
    if not links:  # anonymous works: plain "Anonymous", no link
        return (ao3_meta.parse_author(text),) if text else ()
    authors = []
    for link in links:
        author = ao3_meta.parse_author(inline_text(link))
        # /users/LOGIN/pseuds/PSEUD is more reliable than the "pseud (login)" text.
        login = ao3_meta.login_from_url(link.attributes.get("href")) or author.login
        authors.append(Author(author.name, login))
    return tuple(authors)


def _preface_block(preface: LexborNode | None, kind: str) -> str | None:
    """The author's text of a `div.summary.module` / `div.notes.module`, nothing AO3 adds."""
    if preface is None:
        return None
    for module in preface.css(f"div.{kind}.module"):
        if "end" in _classes(module):
            continue
        return _userstuff_text(module)
    return None


def _userstuff_text(module: LexborNode) -> str | None:
    texts = [t for t in (element_text(b) for b in _children(module) if _is_userstuff_block(b)) if t]
    return "\n\n".join(texts) or None


def _is_userstuff_block(node: LexborNode) -> bool:
    return node.tag == "blockquote" and "userstuff" in _classes(node)


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter())


def _work_end_notes(tree: LexborHTMLParser) -> str | None:
    for afterword in tree.css("div.afterword"):
        endnotes = afterword.css_first("div#work_endnotes")
        if endnotes is not None:
            return _userstuff_text(endnotes)
    return None


# -- chapters ------------------------------------------------------------------------------
def _read_chapters(
    tree: LexborHTMLParser, path: str, count: ChapterCount | None
) -> tuple[tuple[Chapter, ...], str]:
    container = tree.css_first("div#chapters")
    if container is not None:
        blocks = [
            node for node in _children(container)
            if node.tag == "div" and "chapter" in _classes(node) and "preface" not in _classes(node)
        ]
        if blocks:
            chapters = tuple(_chapter(block, position) for position, block in enumerate(blocks, 1))
            if any(b.index <= a.index for a, b in zip(chapters, chapters[1:])):
                # Numbers that repeat or go backwards (a page pasted together from others):
                # the analysis keys chapters by index, so positions are the only safe order.
                chapters = tuple(replace(c, index=i) for i, c in enumerate(chapters, 1))
            posted = count.posted if count is not None else None
            if len(chapters) == 1 and ((posted or 0) > 1 or _in_chapter_by_chapter_view(tree)):
                return chapters, "single-chapter"
            return chapters, "full-work"
        # One-shot: "Work Text:" landmark heading, then the text in a plain div.userstuff.
        text = next((n for n in _children(container) if n.tag == "div" and "userstuff" in _classes(n)), None)
        if text is not None:
            return (chapter_from_element(text, 1, None, skip=_landmark_heading_of(text)),), "one-shot"
    raise FormatError(
        "AO3 work page without the work's text (no div#chapters with chapter text): save the "
        "page again once it has fully loaded, logged in if the work is restricted",
        path,
    )


def _in_chapter_by_chapter_view(tree: LexborHTMLParser) -> bool:
    # works/_work_header_navigation.html.erb: "Entire Work" appears only when viewing one chapter.
    return tree.css_first("ul.work.navigation li.chapter.entire") is not None


def _chapter(block: LexborNode, position: int) -> Chapter:
    """One `div.chapter`: preface (title, summary, notes), text, end notes.
    Ids such as #summary or #work repeat across chapters, so nothing here selects by id."""
    prefaces = [n for n in _children(block) if n.tag == "div" and "preface" in _classes(n)]
    heading = next((p.css_first("h3.title") for p in prefaces if p.css_first("h3.title") is not None), None)
    number, title = ao3_meta.parse_chapter_heading(inline_text(heading)) if heading is not None else (None, None)
    index = number or _number_from_id(block) or position

    summary = notes = end_notes = None
    for preface in prefaces:
        for module in (n for n in _children(preface) if n.tag == "div"):
            kinds = set(_classes(module))
            if "end" in kinds and "notes" in kinds:
                end_notes = _userstuff_text(module)
            elif "notes" in kinds:
                notes = _userstuff_text(module)  # None when it only says "See the end…"
            elif "summary" in kinds:
                summary = _userstuff_text(module)

    text = next((n for n in _children(block) if n.tag == "div" and "userstuff" in _classes(n)), None)
    return chapter_from_element(
        text, index, title, skip=_landmark_heading_of(text) if text is not None else None,
        summary=summary, notes=notes, end_notes=end_notes,
    )


def _number_from_id(block: LexborNode) -> int | None:
    m = re.fullmatch(r"chapter-(\d+)", block.attributes.get("id") or "")
    return ao3_meta.to_int(m.group(1)) if m else None


def _landmark_heading_of(text: LexborNode):
    """Skip predicate for AO3's hidden "Chapter Text"/"Work Text:" heading at the top of
    the text div; an author's own headings deeper in the text are kept."""
    root_id = text.mem_id

    def skip(node: LexborNode) -> bool:
        return (
            node.tag == "h3"
            and "landmark" in _classes(node)
            and node.parent is not None
            and node.parent.mem_id == root_id
        )

    return skip


# -- work URL --------------------------------------------------------------------------------
def _work_url(tree: LexborHTMLParser) -> str | None:
    """Most reliable source first; every candidate must name an AO3 work."""
    for link in tree.css('link[rel="canonical"]'):
        if url := _absolute_work_url(link.attributes.get("href")):
            return url
    for meta in tree.css('meta[property="og:url"]'):
        if url := _absolute_work_url(meta.attributes.get("content")):
            return url
    if url := _saved_from_url(tree):
        return url
    if work_id := _kudos_work_id(tree):
        return f"{AO3_ROOT}/works/{work_id}"
    # Links to the work's own pages: chapter headings, share/download/bookmark links.
    for a in tree.css(
        "div#chapters h3.title a, ul.work.navigation a, dd.bookmarks a, div#feedback a"
    ):
        href = a.attributes.get("href") or ""
        m = _WORK_LINK_RE.match(href) or _DOWNLOAD_LINK_RE.match(href)
        if m:
            return f"{AO3_ROOT}/works/{m.group(1)}"
    return None


def _absolute_work_url(text: str | None) -> str | None:
    m = _ABSOLUTE_WORK_RE.match((text or "").strip())
    return f"{AO3_ROOT}/works/{m.group(1)}" if m else None


def _saved_from_url(tree: LexborHTMLParser) -> str | None:
    # The browser's comment sits before <html> or at the top of <head>.
    document = tree.root.parent if tree.root is not None else None
    places = [document, tree.root, tree.head]
    for place in places:
        if place is None:
            continue
        for node in place.iter(include_text=True):
            if node.tag != "-comment":
                continue
            for m in _SAVED_FROM_RE.finditer(node.comment_content or ""):
                if url := _absolute_work_url(m.group(1)):
                    return url
    return None


def _kudos_work_id(tree: LexborHTMLParser) -> str | None:
    # kudos/_form: hidden kudo[commentable_id] with kudo[commentable_type] "Work".
    kudos_type = tree.css_first("input#kudo_commentable_type")
    if kudos_type is not None and (kudos_type.attributes.get("value") or "Work") != "Work":
        return None
    kudos_id = tree.css_first("input#kudo_commentable_id")
    value = (kudos_id.attributes.get("value") or "").strip() if kudos_id is not None else ""
    return value if value.isdigit() else None
