"""Fuzz the zip layer and everything behind it: any bytes, read as a file named
`.epub`. Seeds: the EPUB fixtures zipped. Most mutations break a CRC or the
directory, so this mostly exercises `SafeZip`; `fuzz_epub.py` reaches the XML and
XHTML inside."""

from _harness import check, fuzz


def one_input(data: bytes) -> None:
    check(data, "fuzz.epub")


if __name__ == "__main__":
    fuzz(one_input)
