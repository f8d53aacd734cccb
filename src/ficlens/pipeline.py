"""The analysis pipeline: which layers run, in which order.

Each layer is a plain function `layer(analysis) -> None` that reads the `Work` and
what earlier layers left on the `Analysis`, and adds its own results. The order is
declared once, in `LAYERS`; `ficlens analyze` and `ficlens eval` both call
`analyze`, so evaluation measures exactly what users get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .export.document import layers_document, work_document
from .model import Passage, Place, Quotation, Scene, TimeExpression, Work


@dataclass
class Analysis:
    """Everything the layers produce for one work, before it becomes JSON."""

    work: Work
    gold_characters: Sequence[tuple[str, Sequence[str]]] | None = None  # eval's --gold-characters
    nlp: Any = None  # a loaded spaCy pipeline, or None for the default model
    parses: list = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    thoughts: list[Passage] = field(default_factory=list)
    written: list[Passage] = field(default_factory=list)
    characters: Any = None  # ficlens.characters.CharacterLayer
    # Narrative layers (issue 4); each a plain list/dict filled by its narrative/ module.
    times: list[TimeExpression] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    interactions: Any = None
    profiles: Any = None
    tag_check: Any = None


def parse_layer(a: Analysis) -> None:
    from .text.nlp import parse_chapters

    a.parses = parse_chapters(a.work, nlp=a.nlp)


def quotations_layer(a: Analysis) -> None:
    from .dialogue.quotes import find_passages, find_quotations

    for chapter in a.work.chapters:
        a.quotations.extend(find_quotations(chapter))
        thoughts, written = find_passages(chapter)
        a.thoughts.extend(thoughts)
        a.written.extend(written)


def characters_layer(a: Analysis) -> None:
    from .characters import build_characters

    a.characters = build_characters(a.work, a.parses, a.quotations, gold_characters=a.gold_characters)


def speakers_layer(a: Analysis) -> None:
    from .dialogue.speakers import attribute_speakers

    a.quotations = attribute_speakers(a.work, a.parses, a.quotations, a.characters)


def continued_layer(a: Analysis) -> None:
    from .dialogue.quotes import split_continued

    a.quotations = split_continued(a.work, a.quotations)


def times_layer(a: Analysis) -> None:
    from .narrative.times import find_times

    a.times = find_times(a.work, a.parses)


def places_layer(a: Analysis) -> None:
    from .narrative.places import find_places

    a.places = find_places(a.work, a.parses, a.characters)


def scenes_layer(a: Analysis) -> None:
    from .narrative.scenes import find_scenes, places_with_scenes

    a.scenes = find_scenes(a.work, a.times, a.places, a.characters, a.quotations)
    a.places = places_with_scenes(a.places, a.scenes)


def interactions_layer(a: Analysis) -> None:
    from .narrative.interactions import find_interactions

    a.interactions = find_interactions(a.work, a.characters, a.quotations, a.parses, a.scenes)


def profiles_layer(a: Analysis) -> None:
    from .narrative.profiles import build_profiles

    a.profiles = build_profiles(a.characters, a.quotations, a.parses)


def tag_check_layer(a: Analysis) -> None:
    from .narrative.tag_check import check_tags

    a.tag_check = check_tags(a.work.meta, a.characters, a.quotations, a.interactions)


Layer = Callable[[Analysis], None]

# Dependency order: parsing and quotations first, characters need both, speakers need all.
LAYERS: list[tuple[str, Layer]] = [
    ("parse", parse_layer),
    ("quotations", quotations_layer),
    ("characters", characters_layer),
    ("speakers", speakers_layer),
    # A speech continued over paragraphs is one turn for the speakers layer, then one
    # quotation per paragraph (linked by `continues`) for everything after it.
    ("continued", continued_layer),
    # Narrative layers (issue 4): times and places read the parses (places also the
    # characters, so a place is never a character); scenes need all of the above.
    ("times", times_layer),
    ("places", places_layer),
    ("scenes", scenes_layer),
    # Narrative layers about people: interactions need the scenes, tag_check the interactions.
    ("interactions", interactions_layer),
    ("profiles", profiles_layer),
    ("tag_check", tag_check_layer),
]


def run_layers(work: Work, layers: Sequence[tuple[str, Layer]] | None = None, **options: Any) -> Analysis:
    analysis = Analysis(work, **options)
    for _name, layer in LAYERS if layers is None else layers:
        layer(analysis)
    return analysis


def analyze(work: Work, layers: Sequence[tuple[str, Layer]] | None = None, **options: Any) -> dict[str, Any]:
    """Run the layers over `work` and return the JSON-ready document.
    Options: `gold_characters=[(name, aliases), ...]`, `nlp=<spaCy pipeline>`."""
    return document(run_layers(work, layers, **options))


def document(analysis: Analysis) -> dict[str, Any]:
    """The JSON-ready document of an analysis that has run (what exports start from)."""
    doc = work_document(analysis.work)
    doc.update(layers_document(analysis))
    return doc
