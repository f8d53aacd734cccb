"""Who talks to whom, from the explicit lines of a work (`dialogue.partners`)."""

from __future__ import annotations

from ficlens.dialogue.partners import Partners
from ficlens.model import Quotation


def quote(n: int, speaker: str | None, kind: str) -> Quotation:
    return Quotation(id=f"q{n}", chapter=1, spans=((n * 10, n * 10 + 5),), text="Well.", paragraph=n,
                     speaker=speaker, kind=kind)


def test_whose_lines_name_whom_and_who_answers_whom():
    # one conversation: Ann and Ben talk (Ann names Ben twice), then Cal speaks to Ann,
    # then an unattributed turn naming Ben, then one after Ben's
    lines = [quote(0, "ann", "explicit"), quote(1, "ben", "explicit"), quote(2, "ann", "explicit"),
             quote(3, "ben", "explicit"), quote(4, "cal", "explicit"), quote(5, None, "implicit"),
             quote(6, "ben", "explicit"), quote(7, None, "implicit")]
    turns = [(1, 0, t) for t in range(8)]
    vocatives = {(1, 0, 0): ("ben",), (1, 0, 2): ("ben",), (1, 0, 4): ("ann",), (1, 0, 5): ("ben",)}
    partners = Partners(lines, turns, vocatives)
    # the turn naming Ben: Ann's lines are the ones that name Ben
    assert partners.addressing(5, ["ann", "cal"]) == [1.0, 0.0]
    # after Ben's turn: Ann answers Ben three times in adjacent turns, Cal once
    assert partners.partnering(7, ["ann", "cal"]) == [0.75, 0.25]
    # a turn that names nobody gives nothing
    assert partners.addressing(7, ["ann", "cal"]) == [0.0, 0.0]


def test_a_line_is_never_evidence_for_itself():
    lines = [quote(0, "ann", "explicit"), quote(1, "ben", "explicit")]
    partners = Partners(lines, [(1, 0, 0), (1, 0, 1)], {(1, 0, 0): ("ben",)})
    # Ann's only line naming Ben is this very line: no evidence left
    assert partners.addressing(0, ["ann", "cal"]) == [0.0, 0.0]
