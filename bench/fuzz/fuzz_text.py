"""Fuzz the plain-text and Markdown reader: the first byte picks `.txt` or `.md`,
the rest is the file. Seeds: the plain-text fixtures."""

from _harness import check, fuzz


def one_input(data: bytes) -> None:
    if not data:
        return
    check(data[1:], "fuzz.md" if data[0] & 1 else "fuzz.txt")


if __name__ == "__main__":
    fuzz(one_input)
