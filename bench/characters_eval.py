"""Character clustering on PDNC DEV novels: B-cubed of predicted name clusters.

Reads each DEV novel's `novel_text.txt` (via ficlens.ingest.plaintext), finds its
quotations, parses it with spaCy (Docs cached as DocBin files under --cache, so
repeated runs skip the ~20 s parse), builds the characters layer and scores the
predicted name clusters (name + aliases per character) against the gold alias sets
of `character_info.csv` with `ficlens.eval.matching.bcubed` (extended B-cubed over
the name strings both sides contain; coverage = share of gold strings found).
Also reports the characters layer's time relative to the spaCy pass.

With --cues it also scores pronoun resolution where PDNC knows the answer: an
anaphoric quotation whose referring expression is "said he"/"she added"-like has
the gold speaker as the pronoun's referent; the pronoun's predicted character
(mapped to gold by shared names) must be that speaker.

Usage: python bench/characters_eval.py [--novels A B] [--cache /tmp/ficlens_chars/docs]
       [--show] [--gold-characters] [--cues]
TEST novels are refused: they are for the final report only.
"""

from __future__ import annotations

import argparse
import ast
import re
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ficlens.characters import build_characters  # noqa: E402
from ficlens.eval.matching import bcubed  # noqa: E402
from ficlens.model import Chapter, Paragraph, Source, Work, WorkMeta  # noqa: E402
from ficlens.text.nlp import ChapterParse, load_nlp, parse_chapters  # noqa: E402

PDNC = ROOT.parent / "shared" / "eval" / "pdnc" / "data"
TEST = {"TheSunAlsoRises", "HardTimes", "HowardsEnd", "OliverTwist", "WinnieThePooh",
        "ThePictureOfDorianGray", "TheGambler"}


def read_work(path: Path, with_maps: bool = False):
    text = path.open(encoding="utf-8", newline="").read()
    try:
        from ficlens.ingest import plaintext

        work, maps = plaintext.read_with_offsets(text, str(path))
        return (work, maps) if with_maps else work
    except (NotImplementedError, TypeError, AttributeError, ImportError):
        pass
    # Temporary stand-in until the plaintext reader lands: one chapter, paragraphs
    # are blank-line separated blocks.
    import re

    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    out, paras, pos = [], [], 0
    for b in blocks:
        paras.append(Paragraph(pos, pos + len(b)))
        out.append(b)
        pos += len(b) + 2
    chapter = Chapter(1, None, "\n\n".join(out), tuple(paras))
    return Work(WorkMeta(title=path.parent.name, source=Source("plaintext")), (chapter,))


def find_quotations(work: Work):
    from ficlens.dialogue.quotes import find_quotations as fq

    quotes = []
    for chapter in work.chapters:
        quotes.extend(fq(chapter))
    return quotes


def cached_parse(work: Work, name: str, cache: Path) -> tuple[list[ChapterParse], float]:
    """parse_chapters with a DocBin cache keyed by the paragraph texts."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    digest = hashlib.sha1("\x00".join(c.text for c in work.chapters).encode()).hexdigest()[:12]
    bin_path = cache / f"{name}-{digest}.spacy"
    meta_path = cache / f"{name}-{digest}.json"
    if bin_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        docs = list(DocBin().from_disk(bin_path).get_docs(nlp.vocab))
        parses, k = [], 0
        for chapter, offsets in zip(work.chapters, meta["offsets"]):
            parses.append(ChapterParse(chapter, list(zip(offsets, docs[k : k + len(offsets)]))))
            k += len(offsets)
        return parses, meta["seconds"]
    started = time.perf_counter()
    parses = parse_chapters(work, nlp)
    seconds = time.perf_counter() - started
    cache.mkdir(parents=True, exist_ok=True)
    db = DocBin()
    for p in parses:
        for _, doc in p.docs:
            db.add(doc)
    db.to_disk(bin_path)
    meta_path.write_text(json.dumps({"offsets": [[o for o, _ in p.docs] for p in parses], "seconds": seconds}))
    return parses, seconds


def gold_characters(folder: Path) -> list[tuple[str, list[str]]]:
    out = []
    with open(folder / "character_info.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases = ast.literal_eval(row["Aliases"])
            out.append((row["Main Name"], sorted(aliases)))
    return out


_PRONOUN_CUE = re.compile(r"^(?:(\w+) (he|she)|(he|she) (\w+))$")


def cue_accuracy(folder: Path, layer, maps) -> tuple[int, int, int]:
    """(correct, resolved, total) over "said he"-style anaphoric quotations."""
    from ficlens.eval.matching import map_characters, normalize_name
    from ficlens.ingest.plaintext import locate_source_offset

    source = (folder / "novel_text.txt").open(encoding="utf-8", newline="").read()
    gold = gold_characters(folder)
    gold_names = {n: [n, *a] for n, a in gold}
    by_name = {}
    for n, names in gold_names.items():
        for x in names:
            by_name.setdefault(normalize_name(x), n)
    mapping = map_characters({c.id: [c.name, *c.aliases] for c in layer.characters}, gold_names)
    correct = resolved = total = 0
    with open(folder / "quotation_info.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            expr = row["referringExpression"].strip()
            m = _PRONOUN_CUE.match(expr.lower())
            if row["quoteType"] != "Anaphoric" or not m:
                continue
            spans = ast.literal_eval(row["quoteByteSpans"])
            lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
            window_start = max(0, lo - 300)
            window = source[window_start : hi + 300]
            hits = [window_start + h.start() for h in re.finditer(re.escape(expr), window, re.IGNORECASE)]
            if not hits:
                continue
            at = min(hits, key=lambda h: min(abs(h - lo), abs(h - hi)))
            pronoun = m.group(2) or m.group(3)
            offset = at + expr.lower().index(pronoun, 0 if m.group(3) else len(m.group(1)))
            where = locate_source_offset(maps, offset)
            total += 1
            if where is None:
                continue
            chapter, chapter_offset = where
            predicted = layer.character_for_mention(chapter, chapter_offset, chapter_offset + len(pronoun))
            if predicted is None:
                continue
            resolved += 1
            if mapping.get(predicted) == by_name.get(normalize_name(row["speaker"])):
                correct += 1
    return correct, resolved, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--novels", nargs="*")
    ap.add_argument("--cache", default="/tmp/ficlens_chars/docs", type=Path)
    ap.add_argument("--show", action="store_true", help="print predicted clusters")
    ap.add_argument("--gold-characters", action="store_true")
    ap.add_argument("--cues", action="store_true", help="score pronoun cues of anaphoric quotations")
    args = ap.parse_args()
    names = args.novels or sorted(p.name for p in PDNC.iterdir() if p.name not in TEST)
    if TEST & set(names):
        sys.exit(f"refusing TEST novels: {sorted(TEST & set(names))}")
    rows = []
    cue_totals = [0, 0, 0]
    for name in names:
        folder = PDNC / name
        work, maps = read_work(folder / "novel_text.txt", with_maps=True)
        quotes = find_quotations(work)
        parses, spacy_seconds = cached_parse(work, name, args.cache)
        gold = gold_characters(folder)
        started = time.perf_counter()
        layer = build_characters(work, parses, quotes, gold_characters=gold if args.gold_characters else None)
        layer_seconds = time.perf_counter() - started
        predicted = [[c.name, *c.aliases] for c in layer.characters]
        prf, coverage = bcubed(predicted, [[n, *a] for n, a in gold])
        rows.append((name, prf, coverage, len(layer.characters), len(gold), layer_seconds, spacy_seconds))
        print(f"{name:32s} P={prf.precision:.3f} R={prf.recall:.3f} F1={prf.f1:.3f} cov={coverage:.3f} "
              f"chars={len(layer.characters)}/{len(gold)} narrator={layer.narrator} "
              f"layer={layer_seconds:.2f}s spacy={spacy_seconds:.1f}s", flush=True)
        if args.cues:
            correct, resolved, total = cue_accuracy(folder, layer, maps)
            cue_totals[0] += correct
            cue_totals[1] += resolved
            cue_totals[2] += total
            print(f"   pronoun cues: {correct}/{total} correct ({correct / max(total, 1):.3f}), "
                  f"{resolved} resolved ({correct / max(resolved, 1):.3f} of those)")
        if args.show:
            for c in sorted(layer.characters, key=lambda c: -c.mentions):
                print(f"   {c.id:5s} {c.gender:7s} m={c.mentions:4d} {c.name!r} {list(c.aliases)}")
    if rows:
        n = len(rows)
        p = sum(r[1].precision for r in rows) / n
        r_ = sum(r[1].recall for r in rows) / n
        f = sum(r[1].f1 for r in rows) / n
        cov = sum(r[2] for r in rows) / n
        lt = sum(r[5] for r in rows)
        st = sum(r[6] for r in rows)
        print(f"{'ALL (macro)':32s} P={p:.3f} R={r_:.3f} F1={f:.3f} cov={cov:.3f} "
              f"layer/spacy time={lt:.1f}s/{st:.1f}s = {lt / st:.3f}")
        if args.cues:
            c, r, t = cue_totals
            print(f"pronoun cues overall: {c}/{t} = {c / max(t, 1):.3f}; resolved {r}, precision {c / max(r, 1):.3f}")


if __name__ == "__main__":
    main()
