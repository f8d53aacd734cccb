"""The HTML report without a browser: escaping, the embedded data, every section,
the layers of issue 4 rendered when present. tests/test_report_browser.py opens it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from ficlens.export.report import dialogue_network, render_report, script_json
from ficlens.export.segments import by_paragraph, segments
from ficlens.ingest import read_work
from ficlens.pipeline import analyze, document

from conftest import FIXTURES

HOSTILE_WORK = FIXTURES / "report" / "hostile_work.html"
PAYLOADS = [
    "</script><script>window.__pwned='title'</script> Maps",  # title
    "<img src=x onerror=\"window.__pwned='author'\">",  # author
    "</style><script>alert('fandom')</script>",  # fandom tag
    "Ilse Marren/<svg onload=alert('relationship')>",  # relationship tag
    "<script>window.__pwned='tag'</script>",  # character tag
    "javascript:window.__pwned='freeform'",  # additional tags
    "<a href=\"javascript:alert('freeform')\">click me</a>",
    "<script>alert('summary')</script> Ilse draws the coastline wrong on purpose.",  # summary
    "<iframe src=\"javascript:alert('notes')\"></iframe> as text.",  # notes
    "Chapter 1: <img src=x onerror=alert('chapter')>",  # chapter title
    "</script><script>window.__pwned='quote'</script> That bay",  # story text
    "<b onmouseover=alert('bold')>politely</b>",
    "&lt;script&gt; is how you write it",
]


def test_script_json_cannot_close_its_element():
    data = {"t": "</script><!-- & \u2028\u2029 <b>"}
    text = str(script_json(data))
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == data


def test_segments_split_overlapping_spans():
    assert segments(10, 30, [(12, 20, "q1"), (15, 25, "italic")]) == [
        (10, 12, ()), (12, 15, ("q1",)), (15, 20, ("q1", "italic")), (20, 25, ("italic",)), (25, 30, ())]
    assert segments(0, 5, [(3, 9, "a"), (7, 9, "b")]) == [(0, 3, ()), (3, 5, ("a",))]
    assert by_paragraph([0, 10, 20], [(12, 25, "x"), (0, 3, "y")]) == {1: [(12, 25, "x")], 2: [(12, 25, "x")], 0: [(0, 3, "y")]}


@pytest.fixture(scope="module")
def hostile():
    doc = analyze(read_work(HOSTILE_WORK))
    return doc, lxml_html.document_fromstring(render_report(doc))


def test_hostile_work_renders_only_as_text(hostile):
    doc, page = hostile
    scripts = page.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]  # the data and ficlens's own code
    assert json.loads(scripts[0].text)["names"]  # the embedded data still parses
    assert not page.xpath("//img | //iframe | //object | //embed | //svg[not(@id='graph')] | //style[@src] | //link")
    for element in page.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower(), (element.tag, name, value)
    assert all(a.get("href").startswith("#") for a in page.xpath("//a[@href]"))
    text = page.text_content()
    for payload in PAYLOADS:
        assert payload in text, payload
    assert page.findtext(".//title").startswith("</script><script>window.__pwned='title'</script> Maps")
    assert "\u2028" in page.xpath("//section[@class='summary']")[0].text_content()


@pytest.fixture(scope="module")
def example(example_analysis):
    doc = document(example_analysis)
    return doc, lxml_html.document_fromstring(render_report(doc))


def test_every_section_is_there(example):
    doc, page = example
    for section in ("characters", "network", "dialogue", "presence", "tags", "text"):
        assert page.get_element_by_id(section) is not None
    chips = [li.text_content() for li in page.xpath("//li[contains(@class, 'chip')]")]
    assert "Teen And Up Audiences" in chips and "Margaret Thorne/Elias Crane" in chips and "Lighthouses" in chips
    stats = dict(zip(page.xpath("//dl[@class='stats']//dt/text()"), page.xpath("//dl[@class='stats']//dd/text()")))
    assert stats["Words"] == "4,169" and stats["Chapters"] == "4/4" and stats["Quotations"] == "150"
    timeline = page.get_element_by_id("timeline").text_content()
    assert "Two days later +P2D" in " ".join(timeline.split())
    for link in page.xpath("//ol[@class='timeline']//a[starts-with(@href, '#t-')]"):
        assert page.get_element_by_id(link.get("href")[1:]).text_content() == link.text_content()
    assert "Harrow Street" in page.get_element_by_id("places").text_content()
    # every scene is listed on the timeline and marked where it opens in the story
    scenes = page.xpath("//ol[@class='scenes']/li")
    assert len(scenes) == len(doc["scenes"]) == len(page.xpath("//p[@class='scene-mark']"))
    for link in page.xpath("//a[@class='scene-link']"):
        assert page.get_element_by_id(link.get("href")[1:]).get("class") == "scene-mark"
    assert "Two days later" in scenes[1].text_content()
    tags = page.get_element_by_id("tags")
    assert [f.text_content() for f in tags.xpath(".//span[contains(@class, 'flag')]")].count("present") == 6
    assert "Margaret Thorne & Elias Crane: weight" in tags.text_content()


def test_quotations_carry_their_speakers(example):
    doc, page = example
    names = {c["id"]: c["name"] for c in doc["characters"]}
    for q in doc["quotes"]:
        pieces = page.xpath(f"//span[@data-q='{q['id']}']")
        assert pieces, q["id"]
        assert all(f"spk-{q['speaker'] or 'none'}" in p.get("class").split() for p in pieces)
        # the focusable first piece starts at the opening mark
        assert pieces[0].get("id") == q["id"] and pieces[0].get("tabindex") == "0"
        assert pieces[0].text_content()[0] in "“\"‘'"
    style = page.xpath("//head/style")[1].text
    assert ".spk-C1{--spk:var(--p0)}" in style  # the most prominent speaker gets the first colour
    assert names["C1"] == "Margaret Thorne"


def test_names_link_to_profiles_and_scene_breaks_are_marked(example):
    doc, page = example
    targets = {a.get("href")[1:] for a in page.xpath("//a[@class='name']")}
    assert targets and all(page.get_element_by_id(t).tag == "details" for t in targets)
    assert len(page.xpath("//hr[@class='scene-break']")) == sum(len(c["scene_breaks"]) for c in doc["chapters"])
    assert len(page.xpath("//span[@class='written']")) >= len(doc["written"])
    assert page.xpath("//span[@class='thought']")
    heat = page.xpath("//table[@class='heat']/tbody/tr")
    assert heat[0].xpath("th")[0].text_content() == "Margaret Thorne"
    assert len(heat[0].xpath("td")) == 4
    card = page.get_element_by_id("char-C2")
    profile = {d.findtext("dt"): d.find("dd").text_content() for d in card.xpath(".//dl/div")}
    tom = next(p for p in doc["profiles"] if p["character"] == "C2")
    assert profile["Does"].startswith(f"{tom['actions'][0]['text']} ×{tom['actions'][0]['count']}")
    assert profile["First / last seen"] == "ch. 2 / ch. 4"
    assert profile["Network"].startswith("degree ")


def test_fallback_network_counts_addressees_and_turns():
    quotes = [
        {"chapter": 1, "paragraph": 0, "speaker": "C1", "addressees": ["C2"]},
        {"chapter": 1, "paragraph": 1, "speaker": "C2", "addressees": []},
        {"chapter": 1, "paragraph": 9, "speaker": "C3", "addressees": []},  # too far for a turn
        {"chapter": 2, "paragraph": 0, "speaker": None, "addressees": []},
    ]
    assert dialogue_network({"quotes": quotes}) == {("C1", "C2"): 2}


def test_tag_check_findings_are_flagged(example):
    doc = json.loads(json.dumps(example[0]))
    check = doc["tag_check"]
    check["characters"][0]["absent"] = True
    check["prominent_untagged"] = [{"character": "C7", "name": "Saltmarsh", "mentions": 5, "lines": 0,
                                    "mention_share": 0.1, "line_share": 0.0}]
    check["relationships"][0]["never_share_scene"] = True
    tags = lxml_html.document_fromstring(render_report(doc)).get_element_by_id("tags")
    flags = [f.text_content() for f in tags.xpath(".//span[contains(@class, 'warn')]")]
    assert flags == ["tagged but absent", "prominent but untagged", "never share a scene"]
    assert "Saltmarsh (5 mentions, 0 lines)" in tags.text_content()


def test_without_the_narrative_layers_the_report_still_renders(example):
    """A document from before issue 4 (or a run without those layers): their sections
    are left out and the network is built from the dialogue."""
    layers = ("times", "places", "scenes", "interactions", "profiles", "tag_check")
    doc = {k: v for k, v in example[0].items() if k not in layers}
    page = lxml_html.document_fromstring(render_report(doc))
    assert not page.xpath("//*[@id='timeline'] | //*[@id='places'] | //p[@class='scene-mark']")
    assert "did not run" in page.get_element_by_id("tags").text_content()
    data = json.loads(page.xpath("//script[@id='ficlens-data']")[0].text)
    assert data["network"]["source"] == "dialogue"
    assert data["network"]["edges"]


def test_report_command_writes_the_page(cli, tmp_path: Path):
    out = tmp_path / "r" / "report.html"
    result = cli("report", HOSTILE_WORK, "-o", out)
    assert result.exit_code == 0 and result.output.strip() == str(out)
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_dense_networks_keep_their_strongest_links():
    from ficlens.export.report import _backbone

    # A is linked to everyone heavily enough; B..F share weak co-presence links with each other
    candidates = [(100.0, "A", x) for x in "BCDEF"] + [(2.0, x, y) for x in "BCDEF" for y in "BCDEF" if x < y]
    kept = _backbone(sorted(candidates, reverse=True))
    assert {(e["a"], e["b"]) for e in kept if e["a"] == "A"} == {("A", x) for x in "BCDEF"}
    weak = [e for e in kept if e["a"] != "A"]
    # weak links are kept only until both ends have their 3 strongest: 7 of the 10
    assert len(weak) == 7
    degree = Counter(x for e in kept for x in (e["a"], e["b"]))
    assert all(degree[x] >= 3 for x in "BCDEF")


def test_a_work_without_a_title_is_named_after_its_file(tmp_path):
    story = tmp_path / "the_long_walk.txt"
    story.write_text("“Come on,” said Ann.\n\n“Where?” asked Bo.\n", encoding="utf-8")
    page = lxml_html.document_fromstring(render_report(analyze(read_work(story))))
    assert page.findtext(".//h1") == "the_long_walk"
