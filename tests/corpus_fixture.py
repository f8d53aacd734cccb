"""A small corpus of our own works for the corpus tests, laid out in a folder.

Every file comes from the project's own fixtures (original text in the real AO3,
FanFicFare and EPUB structures) or the bundled example work, in the mix a user's
download folder has: a folder tree, a zip archive of more works, one file that is
not a fan work, and one duplicate (the same bytes again, inside the zip).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from conftest import EXAMPLE_WORK, FIXTURES
from epub_builder import write_epub

# (path in the corpus folder, source file) for the loose files
LOOSE = (
    ("works/lighthouse.html", EXAMPLE_WORK),
    ("works/ao3/oneshot_2024.html", FIXTURES / "ao3_html/oneshot_2024.html"),
    ("works/ao3/multichapter_wip_2025.html", FIXTURES / "ao3_html/multichapter_wip_2025.html"),
    ("works/ao3/completed_2019.html", FIXTURES / "ao3_html/completed_2019.html"),
    ("works/pages/full_work_complete.html", FIXTURES / "ao3_workpage/full_work_complete.html"),
    ("works/fff/nine_ways_to_fold_a_letter.html", FIXTURES / "fanficfare/nine_ways_to_fold_a_letter.html"),
    ("works/text/quiet_orbit.txt", FIXTURES / "plaintext/fanficfare_quiet_orbit.txt"),
    ("works/text/cartographer.md", FIXTURES / "plaintext/markdown_cartographer.md"),
    ("works/broken.html", FIXTURES / "bad/not_a_fan_work.html"),
    ("works/notes.json", None),  # not a work format: ignored
)
# (name inside batch.zip, source file)
ZIPPED = (
    ("collections/anonymous_in_collections.html", FIXTURES / "ao3_workpage/anonymous_in_collections.html"),
    ("dialogue/curly_double.txt", FIXTURES / "dialogue/curly_double.txt"),
    ("again/oneshot_2024.html", FIXTURES / "ao3_html/oneshot_2024.html"),  # the duplicate
)
EPUB = ("works/epub/cartographer.epub", "ao3_calibre")

# Works the build stores (distinct contents), failures, items it finds.
STORED = 11
ITEMS = 13  # 9 loose work files + the EPUB + 3 zip members


def make_corpus(root: Path) -> Path:
    """Write the corpus under `root` and return `root`."""
    for relative, source in LOOSE:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            target.write_text('{"not": "a work"}\n', encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    epub_path = root / EPUB[0]
    epub_path.parent.mkdir(parents=True, exist_ok=True)
    write_epub(EPUB[1], epub_path)
    with zipfile.ZipFile(root / "batch.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, source in ZIPPED:
            archive.write(source, name)
    return root
