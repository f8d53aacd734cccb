"""Named hostile files, generated at test time (the big ones are never committed),
each with the outcome ficlens must give and the time and memory it may take.

Used by tests/test_hostile_files.py (bounds asserted with a generous margin, for a
loaded machine) and bench/hostile_bench.py (the same cases measured precisely).
`run_case(name)` builds the file, then reads it (and analyses the result when the
case says so) in the calling process, measuring wall time and the growth of peak
resident memory (Linux: VmHWM, reset through /proc/self/clear_refs before the read).
"""

from __future__ import annotations

import dataclasses
import random
import re
import stat
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from epub_builder import (
    build_epub, deflated_zeros, epub_from_members, fixture_members, raw_zip, stored,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "ficlens" / "examples" / "lighthouse.html"
LEGACY = "ao3_legacy"  # OEBPS/content.opf, OEBPS/toc.ncx, OEBPS/*.xhtml

# -- XML entity attacks ----------------------------------------------------------------
XXE_DOCTYPE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def with_doctype(xml: bytes, doctype: str, entity_ref: str | None = None, inside: bytes = b"") -> bytes:
    """`xml` with its DOCTYPE (if any) replaced by `doctype`, placed after the XML
    declaration, and `&entity_ref;` written right after the first `inside`."""
    text = re.sub(r"<!DOCTYPE[^>]*>", "", xml.decode(), count=1)
    end = text.index("?>") + 2 if text.startswith("<?xml") else 0
    text = text[:end] + doctype + text[end:]
    if entity_ref and inside:
        at = text.index(inside.decode()) + len(inside)
        text = text[:at] + f"&{entity_ref};" + text[at:]
    return text.encode()


def legacy_raw(**replace) -> list:
    """The legacy EPUB fixture as hand-written zip members (mimetype first, stored)."""
    return [stored(name, data) for name, data in fixture_members(LEGACY).items() if name not in replace]


def _legacy_with(member: str, doctype: str, ref: str, inside: bytes) -> tuple[bytes, str]:
    hostile = with_doctype(fixture_members(LEGACY)[member], doctype, ref, inside)
    return build_epub(LEGACY, {member: hostile}), "hostile.epub"


# -- an AO3 download around any chapter bodies --------------------------------------------
def ao3_download(bodies: list[str]) -> str:
    """The example work's preface and afterword around chapters with these bodies
    (each the inner HTML of a chapter's `div.userstuff`)."""
    html = EXAMPLE.read_text("utf-8")
    head, tail = html[: html.index('<div id="chapters"')], html[html.index('<div id="afterword"'):]
    chapters = "".join(
        f'<div class="meta group"><h2 class="heading">Chapter {i}: Part {i}</h2></div>\n'
        f'<div class="userstuff">{body}</div>\n'
        for i, body in enumerate(bodies, 1)
    )
    return f'{head}<div id="chapters" class="userstuff">\n{chapters}</div>\n{tail}'


STORY = [  # an original scene, reused as filler
    "The tide came in over the causeway while Maggie was still arguing with the kettle.",
    "“You’ll want to leave before it closes,” she said to the doctor. “Or you’ll be here till morning.”",
    "He looked at the window, then at the dog asleep on his boots. “I think that has been decided for me.”",
]
RTL = [
    "\u0645\u0631\u062d\u0628\u0627 \u064a\u0627 \u0635\u062f\u064a\u0642\u064a\u060c \u0643\u064a\u0641 \u062d\u0627\u0644\u0643\u061f",
    "\u05e9\u05dc\u05d5\u05dd \u05dc\u05da, \u05d0\u05de\u05e8\u05d4 \u05de\u05e8\u05d9\u05dd.",
    "“\u2067\u05e9\u05dc\u05d5\u05dd\u2069,” Maggie said, and the doctor answered, “\u202b\u0645\u0631\u062d\u0628\u0627\u202c.”",
    "\u202eThis line is reversed by a right-to-left override\u202c and then back.",
]
EMOJI = [
    "“\U0001F600 I know,” Tam said. “\U0001F469\u200d\U0001F469\u200d\U0001F467 is the whole family.”",
    "The flags went up: \U0001F1EC\U0001F1E7 \U0001F1EE\U0001F1EA \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F.",
    "Wren \U0001F44B\U0001F3FD waved. “See you at the \U0001F6A2, Bram.” \u2764\ufe0f\u200d\U0001F525",
]


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def zalgo(words: int, marks_per_letter: int, seed: int = 7) -> str:
    """Text whose every letter carries a pile of combining marks."""
    rng = random.Random(seed)
    marks = [chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))]  # not U+034F
    word = "harbour"
    return " ".join("".join(ch + "".join(rng.choice(marks) for _ in range(marks_per_letter)) for ch in word)
                    for _ in range(words))


# -- the cases -------------------------------------------------------------------------------
def _bomb_total():
    return raw_zip(legacy_raw() + [deflated_zeros("OEBPS/chapter1_1.xhtml", 600 << 20)]), "bomb.epub"


def _bomb_ratio():
    return raw_zip(legacy_raw() + [deflated_zeros("OEBPS/stylesheet.css", 40 << 20)]), "bomb.epub"


def _bomb_lying_header():
    liar = deflated_zeros("OEBPS/content.opf", 30 << 20)
    liar.file_size = 1000
    return raw_zip(legacy_raw() + [liar]), "liar.epub"


def _zip_slip():
    return raw_zip(legacy_raw() + [stored("OEBPS/../../evil.xhtml", "<html/>")]), "slip.epub"


def _symlink():
    link = stored("OEBPS/chapter1_1.xhtml", "/etc/passwd", unix_mode=stat.S_IFLNK | 0o777)
    return raw_zip(legacy_raw(**{link.name: 1}) + [link]), "symlink.epub"


def _nested(n: int) -> str:
    return "<div>" * n + "deep" + "</div>" * n


def _nul_bytes():
    html = ao3_download([_paragraphs(STORY * 20)]).encode()
    return b"\x00".join(html[i: i + 40] for i in range(0, len(html), 40)), "nul.html"


def _invalid_utf8():
    html = bytearray(ao3_download([_paragraphs(STORY * 40)]).encode())
    rng = random.Random(3)
    body = html.index(b"<p>The tide")
    for _ in range(60):  # lone continuation and lead bytes, overlong forms, surrogates
        at = rng.randrange(body, len(html) - 2000)
        html[at:at] = rng.choice([b"\x80", b"\xbf", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xff", b"\xc3"])
    return bytes(html), "invalid.html"


MIXED_CP1252 = "“Pasted from an old file,” she said — it’s 5 £ and café."


def _mixed_encodings():
    utf8 = ao3_download([_paragraphs(STORY * 10 + ["@@PASTED@@"] + STORY)])
    before, after = utf8.split("@@PASTED@@")
    return before.encode() + MIXED_CP1252.encode("cp1252") + after.encode(), "mixed.html"


def _big_paragraph():
    sentence = "The lamp turned over the black water and the gulls said nothing at all about it. "
    return ao3_download(["<p>" + sentence * (50_000_000 // len(sentence)) + "</p>"]).encode(), "huge.html"


def _chapters_html(n: int):
    return ao3_download([_paragraphs([f"{STORY[i % 3]} ({i})"]) for i in range(n)]).encode(), "many.html"


def _chapters_epub(n: int):
    members = {
        "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
        'opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>',
    }
    items, refs = [], []
    for i in range(1, n + 1):
        members[f"c{i}.xhtml"] = (f'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter {i}</h1>'
                                  f"<p>{STORY[i % 3]}</p></body></html>")
        items.append(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>')
        refs.append(f'<itemref idref="c{i}"/>')
    members["content.opf"] = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Many</dc:title></metadata>'
        f'<manifest>{"".join(items)}</manifest><spine>{"".join(refs)}</spine></package>')
    return epub_from_members(members), "many.epub"


def _chapters_text(n: int):
    text = "Five Thousand Doors\n\n\n" + "".join(f"Chapter {i}\n\n{STORY[i % 3]}\n\n\n" for i in range(1, n + 1))
    return text.encode(), "many.txt"


@dataclass(frozen=True)
class Case:
    """One hostile file: how to build it, what ficlens must do, and its bounds."""

    build: Callable[[], tuple[bytes, str]]
    refused: str | None  # a phrase of the UnsafeInputError/FormatError message, or None: must read
    seconds: float  # bound asserted in the test (about 10x the measured time on an idle machine)
    megabytes: float  # bound on the growth of peak RSS while reading (and analysing)
    # also run the analysis and check its document: "model" with the shipped spaCy
    # model, "tokenizer" with a tokenizer-only pipeline (every layer runs, on tokens
    # without tags or parses: the layers' own cost, in seconds rather than minutes)
    analyze: str | None = None
    check: Callable | None = None  # check(work) for cases that must read


def _has_story(work) -> None:
    assert "The tide came in over the causeway" in work.chapters[0].text


def _chapters(n: int) -> Callable:
    def check(work) -> None:
        assert len(work.chapters) == n, len(work.chapters)
        assert all(c.paragraphs for c in work.chapters)
    return check


def _nul_check(work) -> None:
    assert work.chapters[0].text.startswith("The tide came in over the causeway while Maggie")


def _mixed_check(work) -> None:
    assert MIXED_CP1252 in work.chapters[0].text.split("\n\n")


def _rtl_check(work) -> None:
    assert work.chapters[0].paragraph_texts()[:4] == RTL


def _emoji_check(work) -> None:
    assert work.chapters[0].paragraph_texts() == EMOJI * 5


def _zalgo_check(work) -> None:
    text = work.chapters[0].text
    assert len(work.chapters[0].paragraphs) == 1 and len(text) > 600_000  # of ~634,000: NFC composes some
    marks = re.findall(r"[\u0300-\u034e\u0350-\u036f]+", text)  # U+034F is the joiner
    # Runs cut at 30 marks (a few marks decompose into two under NFC): stream-safe text,
    # whose normalisation took linear time.
    assert 30 <= max(map(len, marks)) <= 60


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m"


def _escapes_check(work) -> None:
    for text in (work.meta.title, work.meta.authors[0].name, work.chapters[0].title, work.chapters[0].text):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)
    assert work.chapters[0].text.startswith("Maggie read the sign: ]0;owned[2J]52;c;ZXZpbA==")


def _xxe_html_check(work) -> None:
    assert "&xxe;" in work.chapters[0].text and "root:" not in work.chapters[0].text


CASES: dict[str, Case] = {
    "epub zip bomb (600 MB in one member)": Case(_bomb_total, "zip bomb", 5, 100),
    "epub zip bomb (40 MB at 1000:1)": Case(_bomb_ratio, "over the 100:1 limit", 5, 100),
    "epub member longer than its header says": Case(_bomb_lying_header, "content.opf", 5, 100),
    "epub zip-slip member name": Case(_zip_slip, "zip-slip", 5, 50),
    "epub symbolic link member": Case(_symlink, "symbolic link", 5, 50),
    "epub XXE in OPF": Case(lambda: _legacy_with("OEBPS/content.opf", XXE_DOCTYPE, "xxe", b"<dc:title>"),
                            "declares XML entities", 5, 50),
    "epub XXE in NCX": Case(lambda: _legacy_with("OEBPS/toc.ncx", XXE_DOCTYPE, "xxe", b"<text>"),
                            "declares XML entities", 5, 50),
    "epub XXE in XHTML": Case(lambda: _legacy_with("OEBPS/chapter1_1.xhtml", XXE_DOCTYPE, "xxe", b"<p>"),
                              "declares XML entities", 5, 50),
    "epub billion laughs in OPF": Case(lambda: _legacy_with("OEBPS/content.opf", LAUGHS, "lol9", b"<dc:title>"),
                                       "declares XML entities", 5, 50),
    "epub billion laughs in NCX": Case(lambda: _legacy_with("OEBPS/toc.ncx", LAUGHS, "lol9", b"<text>"),
                                       "declares XML entities", 5, 50),
    "epub billion laughs in XHTML": Case(lambda: _legacy_with("OEBPS/chapter1_1.xhtml", LAUGHS, "lol9", b"<p>"),
                                         "declares XML entities", 5, 50),
    "html XXE (never resolved)": Case(
        lambda: (ao3_download(["<p>&xxe; The tide came in over the causeway.</p>"]).replace(
            "<!DOCTYPE html>", XXE_DOCTYPE).encode(), "xxe.html"), None, 5, 50, check=_xxe_html_check),
    "html 50 MB in one paragraph": Case(_big_paragraph, None, 60, 1500, check=_chapters(1)),
    "html 100,000 nested elements": Case(
        lambda: (ao3_download([_nested(100_000)]).encode(), "deep.html"), "nests elements too deeply", 5, 100),
    "epub 100,000 nested elements": Case(
        lambda: (raw_zip(legacy_raw(**{"OEBPS/chapter1_1.xhtml": 1}) + [stored(
            "OEBPS/chapter1_1.xhtml", f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{_nested(100_000)}</body></html>')]),
            "deep.epub"), "nests elements too deeply", 5, 100),
    "NUL bytes every 40 bytes": Case(_nul_bytes, None, 5, 100, check=_nul_check),
    "UTF-16 without a byte-order mark": Case(
        lambda: (ao3_download([_paragraphs(STORY)]).encode("utf-16-le"), "utf16.html"), "binary data", 5, 50),
    "invalid UTF-8 sequences": Case(_invalid_utf8, None, 5, 100, check=_has_story),
    "mixed encodings (UTF-8 with a cp1252 paste)": Case(_mixed_encodings, None, 5, 100, check=_mixed_check),
    "terminal escape sequences (raw and as &#27;) in text, title and byline": Case(
        lambda: (ao3_download([f"<p>Maggie read the sign: {ESCAPES} &#27;[5m&#x1b;]0;x&#7;</p>"])
                 .replace("Keeping the Light", f"Keeping{ESCAPES} the Light")
                 .replace("Wren Halloway", "Wren&#x1b;[8m Halloway").replace("Chapter 1: Part 1", f"Chapter 1: Part{ESCAPES}")
                 .encode(), "escapes.html"), None, 5, 50, check=_escapes_check),
    "right-to-left text and bidi controls": Case(
        lambda: (ao3_download([_paragraphs(RTL + STORY)]).encode(), "rtl.html"), None, 30, 400, analyze="model",
        check=_rtl_check),
    # Without the stream-safe cut, normalising the 200,000-mark letter alone took minutes.
    "combining marks (1 MB of Zalgo, one letter with 200,000)": Case(
        lambda: (ao3_download([_paragraphs([zalgo(2000, 30) + " " + zalgo(1, 200_000)[:200_001]])]).encode(),
                 "zalgo.html"), None, 10, 300, check=_zalgo_check),
    "combining marks spelled as character references (100,000 on one letter)": Case(
        lambda: (ao3_download(["<p>The tide came in over the causeway. Z" + "&#x301;&#x316;" * 50_000 + "</p>"]).encode(),
                 "marks.html"), None, 10, 100, check=_has_story),
    "combining marks, analysed": Case(
        lambda: (ao3_download([_paragraphs(STORY + [zalgo(200, 12)] + STORY)]).encode(), "zalgo.html"), None, 30,
        400, analyze="model", check=_has_story),
    "emoji (ZWJ sequences, flags, skin tones)": Case(
        lambda: (ao3_download([_paragraphs(EMOJI * 5)]).encode(), "emoji.html"), None, 30, 400, analyze="model",
        check=_emoji_check),
    "5,000 chapters (AO3 HTML)": Case(lambda: _chapters_html(5000), None, 30, 500, check=_chapters(5000)),
    "5,000 chapters (AO3 HTML), analysed": Case(lambda: _chapters_html(5000), None, 90, 1000, analyze="tokenizer",
                                                check=_chapters(5000)),
    "5,000 chapters (EPUB)": Case(lambda: _chapters_epub(5000), None, 30, 500, check=_chapters(5000)),
    "5,000 chapters (plain text)": Case(lambda: _chapters_text(5000), None, 30, 500, check=_chapters(5000)),
}


def _status() -> dict[str, int]:
    with open("/proc/self/status") as f:
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}


def _reset_peak() -> int:
    """Reset the peak RSS to the current RSS and return it (kB). Where the kernel
    does not allow the reset, return the old peak: growth above it is then an
    underestimate, never a false alarm."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return _status()["VmHWM"]
    return _status()["VmRSS"]


@dataclass
class Result:
    outcome: str  # "read", "refused: <message>", or "<ExceptionType>: <message>" (a bug)
    seconds: float
    megabytes: float  # growth of peak RSS over the RSS before reading
    input_bytes: int
    problem: str | None = None  # a failed check of the Work or document


def run_case(name: str, pipeline: str | None = None) -> Result:
    """Build case `name`, then read it (and analyse it) measuring time and memory.
    `pipeline` ("model" or "tokenizer") overrides the case's choice for analysed cases."""
    from ficlens import FiclensError, analyze, read_bytes

    case = CASES[name]
    if pipeline and case.analyze:
        case = dataclasses.replace(case, analyze=pipeline)
    data, filename = case.build()
    nlp = None
    if case.analyze:
        import spacy

        from ficlens.text.nlp import load_nlp

        if case.analyze == "model":
            nlp = load_nlp()  # loaded before the measurement: not the file's memory
        else:
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")  # layers read sentences
    before = _reset_peak()
    started = time.perf_counter()
    problem = None
    try:
        work = read_bytes(data, filename)
        doc = analyze(work, nlp=nlp) if case.analyze else None
        outcome = "read"
    except FiclensError as error:
        outcome = f"refused: {error}"
    except Exception as error:  # noqa: BLE001 - a bug: reported, not raised, so the bench carries on
        outcome = f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    megabytes = (_status()["VmHWM"] - before) / 1024
    if outcome == "read":
        try:
            if case.check:
                case.check(work)
            if doc is not None:
                import json

                from jsonschema import ValidationError

                from ficlens.export.document import validate
                from wellformed import check_document

                try:
                    validate(json.loads(json.dumps(doc)))  # as written to disk
                except ValidationError as error:
                    raise AssertionError(f"schema: {error.message}") from error
                check_document(doc)
        except AssertionError as error:
            problem = f"check failed: {error}"
    return Result(outcome, seconds, megabytes, len(data), problem)
