"""Hostile EPUBs: zip bombs, zip-slip names, encryption, truncation, XML entity
attacks (XXE, billion laughs). Each must end in a clean FiclensError, quickly,
without reading the payload."""

from __future__ import annotations

import time
import zlib

import pytest

from epub_builder import (
    build_epub, deflated, deflated_zeros, epub_from_members, fixture_members, raw_zip, stored, write_epub,
)
from ficlens.errors import FiclensError, FormatError, UnsafeInputError
from ficlens.ingest import read_bytes, read_work
from ficlens.ingest.archive import SafeZip, ZipLimits
from ficlens.ingest.xmlsafe import check_nesting, check_xhtml_prolog, parse_xml
from hostile_files import LAUGHS, LEGACY, XXE_DOCTYPE, legacy_raw, with_doctype


def refused(data: bytes, error=UnsafeInputError, match: str | None = None, path: str = "hostile.epub"):
    # CPU time, not wall time: a guard against doing the payload's work, which a
    # busy machine must not fail (the suite runs beside other jobs).
    started = time.process_time()
    with pytest.raises(error, match=match) as err:
        read_bytes(data, path)
    assert time.process_time() - started < 2.0, "hostile input must be refused quickly"
    assert err.value.path == path
    return err.value


# -- zip bombs -------------------------------------------------------------------------
def test_deflated_zeros_builder_makes_a_real_bomb():
    member = deflated_zeros("x", (3 << 20) + 5)
    unpacked = zlib.decompress(member.payload, -15)
    assert len(unpacked) == (3 << 20) + 5 and not any(unpacked[:: 4099])
    assert zlib.crc32(unpacked) == member.crc
    assert len(unpacked) // len(member.payload) > 1000


def test_zip_bomb_over_the_size_bound_is_refused_before_unpacking():
    bomb = deflated_zeros("OEBPS/chapter1_1.xhtml", 600 << 20)  # 600 MB of zeros in ~0.6 MB
    assert len(bomb.payload) < 1 << 20
    error = refused(raw_zip(legacy_raw() + [bomb]), match="zip bomb")
    assert "OEBPS/chapter1_1.xhtml" in error.message


def test_member_compressing_over_the_ratio_bound_is_refused():
    bomb = deflated_zeros("OEBPS/stylesheet.css", 40 << 20)  # under the size bounds, ~1000:1
    refused(raw_zip(legacy_raw() + [bomb]), match=r"compresses 1,0\d\d:1, over the 100:1 limit")


def test_many_members_adding_up_past_the_total_bound():
    limits = ZipLimits(max_total_bytes=5 << 20, ratio_floor_bytes=8 << 20)
    members = [deflated_zeros(f"OEBPS/pad{i}.css", 2 << 20) for i in range(3)]
    with pytest.raises(UnsafeInputError, match="unpacks to more than 5,242,880 bytes"):
        SafeZip(raw_zip(members), "many.epub", limits)


def test_lying_header_cannot_smuggle_data_past_the_bound():
    # The directory claims 1,000 bytes; the stream holds 30 MB of zeros.
    liar = deflated_zeros("OEBPS/content.opf", 30 << 20)
    liar.file_size = 1000
    error = refused(raw_zip(legacy_raw() + [liar]), error=FiclensError)
    assert "OEBPS/content.opf" in error.message


def test_too_many_members():
    members = [stored(f"OEBPS/f{i}.css", "") for i in range(10_001)]
    refused(raw_zip(members), match="more than 10,000 members")


# -- names that escape the archive ------------------------------------------------------
@pytest.mark.parametrize("name", [
    "../evil.xhtml", "OEBPS/../../evil.xhtml", "/etc/passwd", "\\windows\\evil.dll",
    "C:/evil.xhtml", "OEBPS\\..\\..\\evil.xhtml",
])
def test_zip_slip_names_are_refused(name):
    error = refused(raw_zip(legacy_raw() + [stored(name, "<html/>")]), match="zip-slip")
    assert repr(name) in error.message


# -- encryption, truncation, missing pieces ------------------------------------------------
def test_encrypted_member_is_refused():
    members = [stored(m.name, m.payload, flags=0x1) if m.name.endswith(".opf") else m for m in legacy_raw()]
    refused(raw_zip(members), error=FormatError, match="'OEBPS/content.opf' is encrypted")


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_truncated_zip(keep):
    data = build_epub(LEGACY)
    refused(data[: int(len(data) * keep)], error=FormatError, match="not a valid EPUB/zip")


def test_corrupt_member_data():
    good = deflated("OEBPS/content.opf", fixture_members(LEGACY)["OEBPS/content.opf"])
    good.payload = bytes(b ^ 0x5A for b in good.payload)
    refused(raw_zip(legacy_raw() + [good]), error=FormatError, match="'OEBPS/content.opf' is corrupt")


def test_zip_without_container_xml():
    refused(build_epub(LEGACY, {"META-INF/container.xml": None}), error=FormatError,
            match="META-INF/container.xml is missing")


# -- XML entity attacks ----------------------------------------------------------------------
def test_xxe_in_opf():
    opf = fixture_members(LEGACY)["OEBPS/content.opf"]
    hostile = with_doctype(opf, XXE_DOCTYPE, "xxe", b"<dc:title>")
    error = refused(build_epub(LEGACY, {"OEBPS/content.opf": hostile}))
    assert error.message == "OEBPS/content.opf declares XML entities; refused"


def test_xxe_in_container_xml():
    container = fixture_members(LEGACY)["META-INF/container.xml"]
    hostile = with_doctype(container, '<!DOCTYPE c [<!ENTITY path SYSTEM "http://127.0.0.1/opf">]>')
    hostile = hostile.replace(b'full-path="OEBPS/content.opf"', b'full-path="&path;"')
    error = refused(build_epub(LEGACY, {"META-INF/container.xml": hostile}))
    assert error.message == "META-INF/container.xml declares XML entities; refused"


def test_xxe_in_xhtml_content_document():
    chapter = fixture_members(LEGACY)["OEBPS/chapter1_1.xhtml"].decode()
    chapter = chapter.replace(
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">',
        '<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ).replace("<p>The roof", "<p>&secret; The roof")
    error = refused(build_epub(LEGACY, {"OEBPS/chapter1_1.xhtml": chapter}))
    assert error.message == "OEBPS/chapter1_1.xhtml declares XML entities; refused"


def test_billion_laughs_in_opf():
    opf = fixture_members(LEGACY)["OEBPS/content.opf"]
    refused(build_epub(LEGACY, {"OEBPS/content.opf": with_doctype(opf, LAUGHS, "lol9", b"<dc:title>")}),
            match="content.opf declares XML entities")


def test_billion_laughs_in_ncx():
    ncx = fixture_members(LEGACY)["OEBPS/toc.ncx"].decode()
    ncx = ncx.replace(
        '<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">', LAUGHS
    ).replace("<text>Preface</text>", "<text>&lol9;</text>")
    refused(build_epub(LEGACY, {"OEBPS/toc.ncx": ncx}), match="toc.ncx declares XML entities")


def test_billion_laughs_in_an_encoding_the_byte_scan_cannot_see():
    # UTF-32 hides "<!ENTITY" from a byte search; lxml (entities unresolved) still
    # reports the declarations, and they are refused.
    xml = f'<?xml version="1.0" encoding="UTF-32"?>{LAUGHS}<package>&lol9;</package>'.encode("utf-32")
    with pytest.raises(UnsafeInputError, match="declares XML entities"):
        parse_xml(xml, "content.opf", "x.epub")


def test_public_doctype_without_entities_is_fine():
    root = parse_xml(
        b'<?xml version="1.0"?><!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" '
        b'"http://www.daisy.org/z3986/2005/ncx-2005-1.dtd"><ncx><navMap/></ncx>', "toc.ncx")
    assert root.tag == "ncx"
    check_xhtml_prolog('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "x.dtd"><html/>', "a.xhtml")


def test_hostile_epub_through_read_work(tmp_path):
    opf = fixture_members(LEGACY)["OEBPS/content.opf"]
    path = write_epub(LEGACY, tmp_path / "xxe.epub", {"OEBPS/content.opf": with_doctype(opf, XXE_DOCTYPE)})
    with pytest.raises(UnsafeInputError) as err:
        read_work(path)
    assert err.value.path == str(path)
    bomb = tmp_path / "bomb.epub"
    bomb.write_bytes(raw_zip(legacy_raw() + [deflated_zeros("OEBPS/x.xhtml", 600 << 20)]))
    with pytest.raises(UnsafeInputError, match="zip bomb"):
        read_work(bomb)


def test_safe_zip_reads_members_into_memory_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = epub_from_members({"META-INF/container.xml": "<container/>", "a/b.txt": "hello"})
    with SafeZip(data, "x.epub") as zf:
        assert zf.read("a/b.txt") == b"hello"
        assert zf.read("A/B.TXT") == b"hello"  # case-insensitive fallback
        with pytest.raises(FormatError, match="missing 'nope'"):
            zf.read("nope")
    assert list(tmp_path.iterdir()) == []


def test_xhtml_nested_too_deeply_to_parse_is_refused():
    # 100,000 nested <div>s would keep the HTML parser busy for most of a minute.
    chapter = fixture_members(LEGACY)["OEBPS/chapter1_1.xhtml"].decode()
    deep = chapter.replace("<p>The roof", "<div>" * 100_000 + "</div>" * 100_000 + "<p>The roof")
    members = [stored(m.name, deep) if m.name.endswith("chapter1_1.xhtml") else m for m in legacy_raw()]
    refused(raw_zip(members), match="nests elements too deeply")


def test_ordinary_nesting_is_fine():
    check_nesting("<html><body>" + "<div><p>text <em>more</em></p></div>" * 50_000 + "</body></html>", "a.xhtml")


def test_member_count_is_checked_before_the_directory_is_parsed():
    # 60,000 central-directory records in ~4 MB: refused without building them.
    members = [stored(f"{i:x}", b"") for i in range(60_000)]
    data = raw_zip(members)
    refused(data, match="more than 10,000 members")


def test_nesting_is_budgeted_across_the_whole_book():
    # Each file alone is within bounds; together they would cost a minute of parsing.
    nested = ("<div>" * 3000 + "<p>x</p>" + "</div>" * 3000) * 3
    page = f'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>{nested}</body></html>'
    items = "".join(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(8))
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(8))
    opf = f'<package xmlns="http://www.idpf.org/2007/opf"><manifest>{items}</manifest><spine>{refs}</spine></package>'
    container = (
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    members = [stored("mimetype", "application/epub+zip"), stored("META-INF/container.xml", container),
               stored("content.opf", opf)] + [stored(f"c{i}.xhtml", page) for i in range(8)]
    refused(raw_zip(members), match="nests elements too deeply")
