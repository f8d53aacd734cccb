"""AO3 work pages saved from a browser: metadata, chapters, text, and no site chrome.

Fixtures are hand-written pages in AO3's real markup (works/show, chapters/show,
works/_meta, chapters/_chapter) with invented stories; every test goes through
`read_work`, so format detection is exercised too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from ficlens.errors import FormatError
from ficlens.ingest import ao3_workpage, read_work
from ficlens.ingest.html_text import parse_html
from ficlens.model import (
    Author,
    ChapterCount,
    Relationship,
    SceneBreak,
    SeriesEntry,
    Source,
    StyleSpan,
    WorkMeta,
)

PAGES = FIXTURES / "ao3_workpage"
ALL_PAGES = sorted(PAGES.glob("*.html"))


def source(name: str, work_id: int, extraction: str) -> Source:
    return Source(
        "ao3-workpage",
        url=f"https://archiveofourown.org/works/{work_id}",
        path=str(PAGES / name),
        extraction=extraction,
    )


# -- full work: every stat present -------------------------------------------------------
def test_full_work_metadata():
    work = read_work(PAGES / "full_work_complete.html")
    assert work.meta == WorkMeta(
        title="Salt & Lantern",
        authors=(Author("Wren Hollow", "hollowwren"),),
        rating="Teen And Up Audiences",
        warnings=("No Archive Warnings Apply",),
        categories=("F/F", "Gen"),
        fandoms=("Tidewater Chronicles (Web Serial)",),
        relationships=(
            Relationship("Ines Calloway/Maren Oduya", ("Ines Calloway", "Maren Oduya"), "romantic"),
            Relationship("Ines Calloway & Pell Tarrant", ("Ines Calloway", "Pell Tarrant"), "platonic"),
        ),
        characters=("Ines Calloway", "Maren Oduya", "Pell Tarrant"),
        freeform=("Found Family", "Hurt/Comfort", "Lighthouses", "Slow Burn"),
        language="English",
        published="2021-03-14",
        updated="2022-01-09",
        completed=True,
        words=12480,
        chapters=ChapterCount(3, 3),
        kudos=3517,
        hits=48911,
        comments=1204,
        bookmarks=402,
        summary="A lighthouse, two keepers, and a visitor who keeps almost leaving.\n\nComplete in three chapters.",
        # the gift line (ul.associations) and the "See the end of the work" jump are AO3's, not notes
        notes="Written for a friend who loves the sea and hates boats.",
        end_notes="Thank you for reading! Come say hello on my blog.",
        source=source("full_work_complete.html", 31415926, "full-work"),
    )


def test_full_work_chapters():
    work = read_work(PAGES / "full_work_complete.html")
    assert [(c.index, c.title) for c in work.chapters] == [(1, "The Lamp Room"), (2, None), (3, "Low Water")]

    first, second, third = work.chapters
    assert first.summary == "Ines counts the steps. Maren counts the days."
    assert first.notes == "Thank you to my beta, who knows far more about paraffin than I do."
    assert first.end_notes == "Grey Tooth is invented, but the hundred and twelve steps are borrowed from a real tower."
    assert first.paragraph_texts() == [
        "The lamp at Grey Tooth had not gone dark in forty years, and Ines Calloway did not intend "
        "to be the keeper who let it.",
        "She climbed the hundred and twelve steps every evening with a can of paraffin in one hand and "
        "a rag in the other. Maren said it was superstition. Ines said it was arithmetic.",
        "“Arithmetic,” Maren repeated from the doorway, “is not a thing you say with your eyes closed.”",
        "Ines opened her eyes. The glass was clean. The wick was trimmed. Below them the tide was coming "
        "in, patient as a debt collector.",
    ]

    # notes that only point to the end notes are no notes
    assert (second.summary, second.notes, second.end_notes) == (None, None, "Next time: the fog lifts.")
    assert second.paragraph_texts() == [
        "Pell arrived on the supply boat with a crate of oranges and no explanation.",
        "He left a note on the kitchen table:\nBack by Thursday.\nDon’t eat all of them.",
        "On Thursday the fog came in & stayed — three days of it, thick as wool.",
        "He isn’t coming back, Maren thought, and then felt ashamed of thinking it.",
    ]
    assert second.scene_breaks == (SceneBreak(second.paragraphs[2].start, "<hr>"),)
    assert [(s.style, second.text[s.start:s.end]) for s in second.styles] == [
        ("italic", "Back by Thursday."),
        ("italic", "Don’t eat all of them."),
        ("italic", "He isn’t coming back"),
    ]

    # a "Chapter by" byline in the chapter preface is not text and not a work author
    assert (third.summary, third.notes, third.end_notes) == (
        "The tide goes out further than anyone remembers.", None, None)
    assert third.paragraph_texts() == [
        "At low water the rocks showed their teeth, and Pell walked home across them.",
        "Ines met him halfway. Neither of them said anything about oranges.",
    ]


# -- one-shot with no kudos, comments or bookmarks ----------------------------------------------
def test_oneshot_without_engagement_counts_zero():
    work = read_work(PAGES / "oneshot_no_engagement.html")
    assert work.meta == WorkMeta(
        title="What the Orchard Keeps",
        authors=(Author("quietfern", "quietfern"),),
        rating="General Audiences",
        warnings=("Creator Chose Not To Use Archive Warnings",),
        categories=("Gen",),
        fandoms=("Orchard Hollow (Video Game)",),
        characters=("Dela Finch",),
        freeform=("Character Study", "Autumn"),
        language="English",
        published="2024-10-02",
        updated=None,  # one-shots carry no Updated/Completed date
        completed=True,
        words=612,
        chapters=ChapterCount(1, 1),
        kudos=0,
        hits=17,
        comments=0,
        bookmarks=0,
        summary="Dela walks the rows one last time before the sale.",
        source=source("oneshot_no_engagement.html", 58000001, "one-shot"),
    )
    (chapter,) = work.chapters
    assert (chapter.index, chapter.title, chapter.summary, chapter.notes, chapter.end_notes) == (1, None, None, None, None)
    assert chapter.paragraph_texts() == [
        "The orchard had forty-one trees when Dela was born and thirty-eight now.",
        "She knew each of the missing three by the shape of the gap it left, the way you know a tooth "
        "is gone by the space your tongue keeps finding.",
        "The buyers would come on Monday. Today was hers.",
    ]


# -- one chapter of a work in progress --------------------------------------------------------
def test_single_chapter_of_wip():
    work = read_work(PAGES / "single_chapter_wip.html")
    assert work.meta == WorkMeta(
        title="Ninefold Bridge",
        authors=(Author("Tallgrass", "tallgrass"), Author("orphan_account", "orphan_account")),
        rating="Mature",
        warnings=("Graphic Depictions Of Violence", "Major Character Death"),
        categories=("M/M",),
        fandoms=("Ninefold (Novel Series)",),
        relationships=(Relationship("Corin Vale/Ashe Darrow", ("Corin Vale", "Ashe Darrow"), "romantic"),),
        characters=("Corin Vale", "Ashe Darrow", "The Toll-Keeper"),
        freeform=("Alternate Universe - Canon Divergence", "Bridges"),
        language="English",
        published="2025-05-01",
        updated="2025-06-20",
        completed=False,
        words=8210,
        chapters=ChapterCount(2, None),  # the work's count, though only one chapter is on the page
        kudos=56,
        hits=1390,
        comments=0,
        bookmarks=0,
        # the URL came from Chrome's "saved from" comment, which named the chapter page
        source=source("single_chapter_wip.html", 60500123, "single-chapter"),
    )
    (chapter,) = work.chapters
    assert (chapter.index, chapter.title) == (2, "Under the Arches")
    assert chapter.summary == "Corin pays the toll in a currency he did not know he had."
    assert chapter.notes is None
    assert chapter.end_notes == "Updates every other Friday, give or take a bridge."
    assert chapter.paragraph_texts() == [
        "The ninth arch was lower than the others, and Corin had to stoop to pass beneath it.",
        "Ashe did not stoop. Ashe never stooped for anything, which was, Corin reflected, most of the problem.",
        '"You could duck," Corin said.',
        '"I could," said Ashe, and didn\'t, and the stone gave way around him like water.',
    ]


# -- restricted work, first chapter of a chaptered work -----------------------------------------
def test_restricted_work_title_has_no_lock_text():
    work = read_work(PAGES / "restricted_first_chapter.html")
    assert work.meta == WorkMeta(
        title="Glass Harbour",
        authors=(Author("Pim Osei", "lanternmoth"),),
        rating="Not Rated",
        warnings=("No Archive Warnings Apply",),
        categories=("Other",),
        fandoms=("Glass Harbour Trilogy - R. Anand", "Tidewater Chronicles (Web Serial)"),
        characters=("Tomas Reyes",),
        freeform=("Crossover",),
        language="English",
        published="2025-08-30",
        completed=False,
        words=2015,
        chapters=ChapterCount(1, 3),
        kudos=9,
        hits=211,
        comments=0,
        bookmarks=0,
        summary="Two harbours, one map, and a boy who can read both.",
        notes="Locked to the Archive while I finish the draft.",
        # og:url names the chapter page; the page holds every posted chapter
        source=source("restricted_first_chapter.html", 61234567, "full-work"),
    )
    (chapter,) = work.chapters
    assert (chapter.index, chapter.title) == (1, "Arrival")
    assert chapter.paragraph_texts() == [
        "The ferry docked at Glass Harbour just after the bells, and Tomas was the only passenger who got off.",
        "The harbourmaster looked at his ticket, then at him, then at the ticket again.",
        "“This says return,” she said. “You’ve never been here.”",
    ]
    assert chapter.styles == (StyleSpan(chapter.text.index("return"), chapter.text.index("return") + 6, "italic"),)


# -- anonymous one-shot in collections -------------------------------------------------------
def test_anonymous_work_in_collections():
    work = read_work(PAGES / "anonymous_in_collections.html")
    assert work.meta == WorkMeta(
        title="The Long Way Round",
        authors=(Author("Anonymous", None),),
        rating="General Audiences",
        warnings=("No Archive Warnings Apply",),
        categories=("Gen",),
        fandoms=("Orchard Hollow (Video Game)",),
        relationships=(
            Relationship("Noor Haddad & Sefa Lind", ("Noor Haddad", "Sefa Lind"), "platonic"),
            Relationship("Noor Haddad/Sefa Lind/Ravi Coil", ("Noor Haddad", "Sefa Lind", "Ravi Coil"), "romantic"),
        ),
        characters=("Noor Haddad", "Sefa Lind", "Ravi Coil"),
        freeform=("Road Trip", "Fluff"),
        language="English",
        collections=("Winter Tidings Exchange 2023", "Small Fandom Fest"),
        published="2023-12-24",
        completed=True,
        words=980,
        chapters=ChapterCount(1, 1),
        kudos=41,
        hits=377,
        comments=3,
        bookmarks=2,
        summary="Noor takes the scenic route. Sefa takes the map.",
        notes="Happy holidays, dear recipient!",  # the prompt line is AO3's association, not a note
        end_notes="Reveals are on January 1st.",
        # no kudos form on this save: the URL comes from the share/download links
        source=source("anonymous_in_collections.html", 52223334, "one-shot"),
    )
    assert work.chapters[0].paragraph_texts() == [
        "“Left,” said Sefa.",
        "Noor turned right. The map, which had been folded into a shape no map should take, slid off "
        "the dashboard and into Ravi’s lap.",
        "Ravi, who had been asleep, said, “Are we there?” and nobody answered him.",
    ]


# -- series, collections, singular labels and text features --------------------------------------
def test_series_and_collections():
    meta = read_work(PAGES / "series_text_features.html").meta
    assert meta.series == (
        SeriesEntry("Harbour Lights", 3, "https://archiveofourown.org/series/2400011"),
        SeriesEntry("Winter Stories", 1, "https://archiveofourown.org/series/2400099"),
    )
    assert meta.collections == ("Lighthouse Week 2022",)
    # singular labels ("Category:", "Relationship:") map like plural ones
    assert meta.categories == ("F/M",)
    assert meta.relationships == (
        Relationship("Pell Tarrant/Odile Marchetti", ("Pell Tarrant", "Odile Marchetti"), "romantic"),)
    assert (meta.published, meta.updated, meta.completed) == ("2022-06-04", "2022-06-11", True)
    assert (meta.words, meta.chapters) == (3300, ChapterCount(2, 2))
    assert (meta.comments, meta.kudos, meta.bookmarks, meta.hits) == (12, 230, 19, 2048)
    assert (meta.summary, meta.notes, meta.end_notes) == ("Letters from the fog.", None, "Part four is coming in the autumn.")
    assert meta.source == source("series_text_features.html", 44556677, "full-work")


def test_text_features_spacers_breaks_entities_styles():
    first, second = read_work(PAGES / "series_text_features.html").chapters
    assert (first.index, first.title, second.index, second.title) == (1, "Fog Signal", 2, "Clear Night")
    assert first.paragraph_texts() == [
        "Odile,",
        "The fog horn has been sounding since Tuesday. I have started to hear words in it… mostly "
        "your name, once potatoes.",
        "Yours in damp,\nPell",
        "Pell —",
        "Potatoes is a perfectly good word. I’ve heard worse from better horns.",
        "P.S. The cat says hello & demands sardines.",
    ]
    paragraphs = first.paragraphs
    assert first.scene_breaks == (
        SceneBreak(paragraphs[3].start, "* * *"),
        SceneBreak(paragraphs[5].start, "<hr>"),
    )
    assert [(s.style, first.text[s.start:s.end]) for s in first.styles] == [
        ("italic", "potatoes"),
        ("bold", "perfectly"),
        ("blockquote", "P.S. The cat says hello & demands sardines."),
    ]
    # only AO3's landmark heading is dropped; the author's own heading stays
    assert second.paragraph_texts() == [
        "Tuesday",
        "The fog lifted at four in the morning, all at once, like a sheet pulled off a table.",
        "Finally, Pell wrote, and then could not think of a second word.",
    ]


# -- across every fixture -------------------------------------------------------------------
CHROME = [
    "Chapter Text", "Work Text", "Kudos", "Comments", "Share", "Download", "Log In", "Work Search",
    "Archive of Our Own", "Entire Work", "Chapter by Chapter", "Previous Chapter", "Chapter Index",
    "See the end", "Summary:", "Notes:", "For tidewatcher", "In response to", "Series this work",
    "Foghorn Variations", "Previous Work", "I cried", "potatoes line", "guests", "Terms of Service",
    "Chapter by", "saltmarsh", "Restricted", "Top",
]


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_no_site_chrome_in_text_or_notes(page: Path):
    work = read_work(page)
    texts = [work.meta.summary, work.meta.notes, work.meta.end_notes]
    for chapter in work.chapters:
        texts += [chapter.text, chapter.summary, chapter.notes, chapter.end_notes]
    for text in filter(None, texts):
        for marker in CHROME:
            assert marker not in text, (marker, text)


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_detected_as_work_page_and_spans_consistent(page: Path):
    tree = parse_html(page.read_text(encoding="utf-8"))
    assert ao3_workpage.matches(tree)
    work = read_work(page)
    assert work.meta.source.format == "ao3-workpage"
    assert work == ao3_workpage.read(tree, str(page))
    for chapter in work.chapters:
        assert chapter.paragraphs, chapter
        assert "\n\n".join(chapter.paragraph_texts()) == chapter.text
        for span in chapter.styles:
            assert 0 <= span.start < span.end <= len(chapter.text)
        for brk in chapter.scene_breaks:
            assert brk.offset in {p.start for p in chapter.paragraphs}


def test_at_least_five_fixtures():
    assert len(ALL_PAGES) >= 5


# -- variants and bad pages (written inline) -----------------------------------------------------
def page_html(meta: str = "", body: str = "", head: str = "", before: str = "", byline: str = "Anonymous") -> str:
    return f"""{before}<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" /><title>t</title>{head}</head>
<body><div id="main"><div class="work">
<div class="wrapper"><dl class="work meta group">{meta}</dl></div>
<div id="workskin"><div class="preface group"><h2 class="title heading">T</h2>
<h3 class="byline heading">{byline}</h3></div>
<div id="chapters" role="article">{body}</div></div></div></div></body></html>"""


ONE_SHOT_BODY = '<h3 class="landmark heading" id="work">Work Text:</h3><div class="userstuff"><p>Only words.</p></div>'


def write(tmp_path: Path, html: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def test_hidden_warnings_toggle_is_not_a_tag(tmp_path):
    meta = (
        '<dt class="warning tags"><a href="/tos_faq#tags">Archive Warning</a>:</dt>'
        '<dd class="warning tags"><ul class="commas"><li><strong>'
        '<a class="show_hidden" href="/works/1?show_warnings=true">Show warnings</a></strong></li></ul></dd>'
    )
    work = read_work(write(tmp_path, page_html(meta, ONE_SHOT_BODY)))
    assert work.meta.warnings == ()


def test_no_stats_block_leaves_engagement_unknown(tmp_path):
    work = read_work(write(tmp_path, page_html("", ONE_SHOT_BODY)))
    assert (work.meta.kudos, work.meta.hits, work.meta.comments, work.meta.bookmarks) == (None, None, None, None)
    assert work.meta.source.url is None
    assert work.chapters[0].paragraph_texts() == ["Only words."]


def test_stats_without_inner_list_read_as_text(tmp_path):
    meta = '<dt class="stats">Stats:</dt><dd class="stats">Published: 2019-02-03 Words: 1,234 Chapters: 1/1 Kudos: 5 Hits: 60</dd>'
    work = read_work(write(tmp_path, page_html(meta, ONE_SHOT_BODY)))
    assert (work.meta.published, work.meta.words, work.meta.kudos, work.meta.hits) == ("2019-02-03", 1234, 5, 60)


def test_imported_work_byline(tmp_path):
    byline = 'Old Author [archived by <a rel="author" href="/users/archivist/pseuds/archivist">archivist</a>]'
    work = read_work(write(tmp_path, page_html("", ONE_SHOT_BODY, byline=byline)))
    assert work.meta.authors == (Author("Old Author", None),)


def test_canonical_link_outside_ao3_is_ignored(tmp_path):
    head = ('<link rel="canonical" href="https://mirror.example/works/999" />'
            '<meta property="og:url" content="https://www.archiveofourown.org/works/12345?view_full_work=true" />')
    html = page_html("", ONE_SHOT_BODY, head=head)
    assert read_work(write(tmp_path, html)).meta.source.url == "https://archiveofourown.org/works/12345"


def test_singlefile_comment_gives_url(tmp_path):
    before = "<!--\n Page saved with SingleFile \n url: https://archiveofourown.org/works/777/chapters/888 \n saved date: Mon Jan 01 2024\n-->\n"
    html = page_html("", ONE_SHOT_BODY, before=before)
    assert read_work(write(tmp_path, html)).meta.source.url == "https://archiveofourown.org/works/777"


def test_work_page_without_text_is_a_format_error(tmp_path):
    path = write(tmp_path, page_html("", ""))
    with pytest.raises(FormatError) as err:
        read_work(path)
    assert "without the work's text" in str(err.value)
    assert str(path) in str(err.value)


def test_adult_content_interstitial_is_a_clear_format_error(tmp_path):
    html = """<!DOCTYPE html><html><head><title>Mature work</title></head><body><div id="main">
<h2 class="landmark heading">Adult Content Warning</h2>
<p class="caution">This work could have adult content. If you continue, you have agreed that you are willing to see such content.</p>
<ul class="actions" role="navigation"><li><a href="/works/4242?view_adult=true">Yes, Continue</a></li>
<li><a href="javascript:history.back()">No, Go Back</a></li></ul>
<ol class="work index group"><li id="work_4242" class="work blurb group" role="article">
<div class="header module"><h4 class="heading"><a href="/works/4242">A Title</a></h4></div>
<blockquote class="userstuff summary"><p>A summary.</p></blockquote></li></ol>
</div></body></html>"""
    path = write(tmp_path, html)
    with pytest.raises(FormatError) as err:
        read_work(path)
    assert "adult-content warning page" in str(err.value)
    assert str(path) in str(err.value)
