"""The per-work word model of each character's explicit lines (`dialogue.idiolect`)."""

from __future__ import annotations

from ficlens.dialogue.idiolect import MIN_WORDS, Idiolects
from ficlens.model import Quotation


def quote(n: int, text: str, speaker: str | None, kind: str) -> Quotation:
    return Quotation(id=f"q{n}", chapter=1, spans=((0, len(text)),), text=text, paragraph=n,
                     speaker=speaker, kind=kind)


AGNES = ["Indeed, my dear, the tea is quite cold.", "My dear, I do declare the rain is dreadful.",
         "Indeed I cannot think what the vicar meant, my dear.", "Quite dreadful, my dear, quite dreadful."]
JED = ["I reckon it ain't gonna rain none.", "Ain't nobody told me, I reckon.",
       "I reckon the mule knows the road better'n me.", "Nope. Ain't my cow, ain't my trouble."]


def test_a_line_sounds_like_the_character_whose_explicit_lines_it_resembles():
    lines = [quote(i, t, "agnes", "explicit") for i, t in enumerate(AGNES * 2)]
    lines += [quote(10 + i, t, "jed", "explicit") for i, t in enumerate(JED * 2)]
    lines += [quote(20, "I reckon that ain't so.", None, "implicit"),
              quote(21, "Indeed, my dear, how dreadful.", None, "implicit")]
    model = Idiolects(lines)
    assert model.score(16, None, "jed") > model.score(16, None, "agnes") + 2
    assert model.score(17, None, "agnes") > model.score(17, None, "jed") + 2
    assert model.score(16, None, "nobody") is None  # no lines, no model


def test_a_line_is_never_evidence_for_itself():
    # Jed's only explicit line is all the model has of him: scoring that very line
    # leaves nothing, so there is no model; scoring another line, it is there
    long_line = "I reckon " * MIN_WORDS
    lines = [quote(0, long_line, "jed", "explicit"), quote(1, "Ain't so.", None, "implicit")]
    model = Idiolects(lines)
    assert model.score(0, "jed", "jed") is None
    assert model.score(1, None, "jed") is not None
