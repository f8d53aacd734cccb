"""The report in a real browser: headless Chromium from Debian (/usr/bin/chromium),
driven by Playwright's Python package. Checks speaker colours, the network graph,
tooltips on hover and focus, dragging, no console errors, the phone layout, the
dark theme, and that the hostile fixture work runs no script. Screenshots go to
test-artifacts/.

Without Chromium the tests skip: `apt-get install chromium chromium-driver`
(CI's .ci/run installs it) and `pip install playwright` (in `.[test]`). Playwright's
own browser download is never used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ficlens.export.report import render_report
from ficlens.ingest import read_work
from ficlens.pipeline import analyze, document

from conftest import FIXTURES, ROOT

CHROMIUM = Path(os.environ.get("FICLENS_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium chromium-driver` "
                "(or set FICLENS_CHROMIUM) to run the browser tests", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (part of .[test])")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900}, color_scheme="light", offline=True)
        yield context
        context.close()


class Page:
    """A page with its console errors, uncaught exceptions and dialogs recorded."""

    def __init__(self, context, path: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _report(doc, folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(render_report(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example_page(browser, example_analysis, tmp_path_factory):
    doc = document(example_analysis)
    page = Page(browser, _report(doc, tmp_path_factory.mktemp("report"), "lighthouse.html"))
    yield doc, page
    page.page.close()


def _colour(page, selector: str, prop: str = "border-bottom-color") -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def test_quotations_are_coloured_by_speaker(example_page):
    _doc, p = example_page
    margaret = _colour(p.page, ".q.spk-C1")
    tom = _colour(p.page, ".q.spk-C2")
    unattributed = _colour(p.page, ".q.spk-none")
    assert margaret == "rgb(37, 99, 235)"  # --p0 of the light theme
    assert len({margaret, tom, unattributed}) == 3
    # the swatch in the character table and the bar in the chart use the same colour
    assert _colour(p.page, "#dialogue .fill.spk-C1", "background-color") == margaret
    assert p.errors == []


def test_tooltip_shows_speaker_on_hover_and_focus(example_page):
    doc, p = example_page
    page = p.page
    addressed = next(q for q in doc["quotes"] if q["speaker"] and q["addressees"])
    names = {c["id"]: c["name"] for c in doc["characters"]}
    page.hover(f"#{addressed['id']}")
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    expected = f"{names[addressed['speaker']]} → {names[addressed['addressees'][0]]}"
    assert expected in tip.inner_text()
    assert addressed["kind"] in tip.inner_text()
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")
    page.focus("#Q1")  # keyboard: quotations are focusable and show the same tooltip
    tip.wait_for(state="visible")
    assert "Margaret Thorne" in tip.inner_text()
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    ARTIFACTS.mkdir(exist_ok=True)
    page.hover(f"#{addressed['id']}")
    page.screenshot(path=str(ARTIFACTS / "report-tooltip.png"))
    assert p.errors == []


def test_network_graph_renders_and_drags(example_page):
    _doc, p = example_page
    page = p.page
    data = page.evaluate("JSON.parse(document.getElementById('ficlens-data').textContent).network")
    nodes = page.locator("#graph .node")
    assert nodes.count() == len(data["nodes"]) >= 5
    assert page.locator("#graph line.edge").count() == len(data["edges"]) > 0
    # node size follows prominence: the first node (most prominent) is the largest
    radii = [float(r) for r in page.eval_on_selector_all("#graph circle", "cs => cs.map(c => c.getAttribute('r'))")]
    assert radii[0] == max(radii)
    page.locator("#network").scroll_into_view_if_needed()
    first = nodes.first
    box = first.locator("circle").bounding_box()
    before = first.get_attribute("transform")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("#tip").inner_text().startswith(data["nodes"][0]["name"])
    assert page.eval_on_selector("#graph", "g => g.classList.contains('focused')")
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 60, steps=5)
    page.mouse.up()
    assert first.get_attribute("transform") != before
    first.focus()
    moved = first.get_attribute("transform")
    page.keyboard.press("ArrowLeft")
    assert first.get_attribute("transform") != moved
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#network").screenshot(path=str(ARTIFACTS / "report-network.png"))
    assert p.errors == []


def test_profile_link_opens_the_profile(example_page):
    _doc, p = example_page
    page = p.page
    page.click("#text a.name[href='#char-C1']")
    assert page.eval_on_selector("#char-C1", "d => d.open")


def test_whole_page_screenshot_and_phone_layout(browser, example_page):
    _doc, p = example_page
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.evaluate("window.scrollTo(0, 0)")
    p.page.screenshot(path=str(ARTIFACTS / "report.png"))
    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.emulate_media(color_scheme="dark")
    phone.goto(p.page.url)
    # nothing wider than the screen except inside the scrollable table boxes
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 22, 26)"  # dark theme
    phone.screenshot(path=str(ARTIFACTS / "report-phone-dark.png"))
    phone.close()


def test_hostile_work_runs_no_script(browser, tmp_path):
    doc = analyze(read_work(FIXTURES / "report" / "hostile_work.html"))
    p = Page(browser, _report(doc, tmp_path, "hostile.html"))
    page = p.page
    for selector in ("[data-q]", "#graph .node", ".chip", "a.name"):
        for element in page.locator(selector).all()[:10]:
            element.hover()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None
    assert p.dialogs == []
    assert p.errors == []
    assert page.title().startswith("</script><script>window.__pwned='title'</script> Maps")
    visible = page.inner_text("body")
    for payload in ("<script>window.__pwned='tag'</script>", "<img src=x onerror=\"window.__pwned='author'\">",
                    "</script><script>window.__pwned='quote'</script> That bay", "javascript:window.__pwned='freeform'",
                    "Chapter 1: <img src=x onerror=alert('chapter')>"):
        assert payload in visible, payload
    assert page.locator("img, iframe").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "report-hostile.png"))
    page.close()


# -- XSS payloads in every field a report shows (issue 7) ------------------------------------
XSS_PAYLOADS = [
    "<script>window.__pwned='p1'</script>",
    "<img src=x onerror=\"window.__pwned='p2'\">",
    "<svg onload=\"window.__pwned='p3'\"></svg>",
    "\"><script>window.__pwned='p4'</script>",
    "'><img src=x onerror=window.__pwned='p5'>",
    "</script><script>window.__pwned='p6'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='p7'</script>\"></iframe>",
    "javascript:window.__pwned='p8'",
    "<a href=\"javascript:window.__pwned='p9'\">a link</a>",
    "<details open ontoggle=\"window.__pwned='p10'\">",
    "<input autofocus onfocus=\"window.__pwned='p11'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='p12'\">",
    "<textarea></textarea><script>window.__pwned='p13'</script>",
    "<body onload=\"window.__pwned='p14'\">",
    "<object data=\"data:text/html,<script>parent.__pwned='p15'</script>\"></object>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned='p16'\">",
    "<base href=\"http://127.0.0.1:9/\"><style>@import 'http://127.0.0.1:9/x.css';</style>",
    "{{constructor.constructor('window.__pwned=\"p17\"')()}} ${window.__pwned='p18'}",
    "&lt;script&gt;window.__pwned='p19'&lt;/script&gt; &amp;lt;",
    "<!-- ]]> --!> <![CDATA[ \u2028 \u2029",
]


def _xss_work():
    """A work with every payload in every field the report shows: title, authors,
    each kind of tag, series, summary and notes (work and chapter), chapter titles,
    narration and dialogue."""
    from ficlens.model import (
        PARAGRAPH_SEPARATOR, Author, Chapter, Paragraph, Relationship, SeriesEntry, Source, Work, WorkMeta,
    )

    joined = " | ".join(XSS_PAYLOADS)
    paragraphs = []
    for i, payload in enumerate(XSS_PAYLOADS):
        paragraphs.append(f"Maggie Thorne looked at the sign. It said {payload} in chalk.")
        paragraphs.append(f"“Read it again,” said Tom Pellow. “{payload}” Maggie read.")
    text = PARAGRAPH_SEPARATOR.join(paragraphs)
    spans, at = [], 0
    for p in paragraphs:
        spans.append(Paragraph(at, at + len(p)))
        at += len(p) + len(PARAGRAPH_SEPARATOR)
    chapter = Chapter(1, joined, text, tuple(spans), summary=joined, notes=joined, end_notes=joined)
    meta = WorkMeta(
        title=joined, authors=tuple(Author(p, p) for p in XSS_PAYLOADS[:5]), rating=XSS_PAYLOADS[0],
        warnings=tuple(XSS_PAYLOADS), categories=tuple(XSS_PAYLOADS), fandoms=tuple(XSS_PAYLOADS),
        relationships=(Relationship(f"Maggie Thorne/{XSS_PAYLOADS[1]}", ("Maggie Thorne", XSS_PAYLOADS[1]), "romantic"),),
        characters=("Maggie Thorne", "Tom Pellow", *XSS_PAYLOADS), freeform=tuple(XSS_PAYLOADS),
        language=XSS_PAYLOADS[5], series=(SeriesEntry(joined, 1, XSS_PAYLOADS[8]),), collections=tuple(XSS_PAYLOADS),
        summary=joined, notes=joined, end_notes=joined,
        source=Source("generated", url="javascript:window.__pwned='url'", path=XSS_PAYLOADS[0]))
    return Work(meta, (chapter,))


def test_xss_payloads_in_every_field_run_nothing(browser, tmp_path):
    doc = analyze(_xss_work())
    requests: list[str] = []
    browser.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    p = Page(browser, _report(doc, tmp_path, "xss.html"))
    page = p.page
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    for selector in ("[data-q]", "#graph .node", ".chip", "a.name", "a", "summary"):
        for element in page.locator(selector).all()[:15]:
            for event in ("mouseover", "mouseenter", "focus", "click"):
                element.dispatch_event(event)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert p.dialogs == [] and p.errors == [] and requests == []
    # nothing the payloads spell became markup ...
    assert page.locator("iframe, object, embed, base, input, textarea, math, meta[http-equiv], body [onload]").count() == 0
    assert page.locator("[onerror], [onfocus], [ontoggle], a[href^='javascript:']").count() == 0
    # ... and every payload is there as text
    text = page.evaluate("document.body.textContent")
    for payload in XSS_PAYLOADS:
        assert payload.replace("\u2028", "").replace("\u2029", "").split(" ")[0] in text, payload
        if "\u2028" not in payload:
            assert payload in text, payload
    assert page.title().startswith(XSS_PAYLOADS[0])
    page.close()
