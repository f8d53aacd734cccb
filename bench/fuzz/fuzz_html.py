"""Fuzz the HTML readers (AO3 download, work page, chapter fragment, FanFicFare HTML):
any bytes, read as a file named `.html`. Seeds: the HTML fixtures."""

from _harness import check, fuzz


def one_input(data: bytes) -> None:
    check(data, "fuzz.html")


if __name__ == "__main__":
    fuzz(one_input)
