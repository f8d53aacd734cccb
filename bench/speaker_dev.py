"""Development loop for speaker attribution on PDNC DEV novels.

Runs the same layers as `ficlens analyze` (pipeline.LAYERS) but caches the spaCy
parses on disk, so changing the characters or speakers layers and re-scoring 20
novels takes seconds, not minutes. Scores with ficlens.eval (the official scorer).
DEV only: the TEST novels are refused.

    python bench/speaker_dev.py ../shared/eval/pdnc [--novels A,B] [--gold-characters] [--errors N]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

from ficlens.eval.pdnc import TEST_NOVELS, load_novel, novel_folders, score_document
from ficlens.eval.matching import combine
from ficlens.export.document import layers_document, work_document
from ficlens.ingest.plaintext import read_with_offsets
from ficlens.pipeline import LAYERS, Analysis
from ficlens.text.nlp import ChapterParse, load_nlp

CACHE = Path("/tmp/ficlens_parse_cache")


def cached_parses(name: str, work, nlp):
    from spacy.tokens import DocBin

    from ficlens.pipeline import parse_layer

    path = CACHE / f"{name}.pkl"
    if path.exists():
        offsets, data = pickle.loads(path.read_bytes())
        docs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
        parses, i = [], 0
        for chapter, chapter_offsets in zip(work.chapters, offsets):
            parses.append(ChapterParse(chapter, list(zip(chapter_offsets, docs[i : i + len(chapter_offsets)]))))
            i += len(chapter_offsets)
        return parses
    a = Analysis(work, nlp=nlp)
    parse_layer(a)
    bin_ = DocBin(attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "LEMMA", "POS", "MORPH", "SENT_START", "SPACY"])
    offsets = []
    for p in a.parses:
        offsets.append([o for o, _ in p.docs])
        for _, d in p.docs:
            bin_.add(d)
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps((offsets, bin_.to_bytes())))
    return a.parses


def run(root: str, novels: list[str] | None, gold: bool, errors: int) -> None:
    nlp = load_nlp()
    scores = []
    for folder in novel_folders(root, "dev", novels):
        if folder.name in TEST_NOVELS:
            sys.exit(f"{folder.name} is a TEST novel: not for development")
        t0 = time.perf_counter()
        novel = load_novel(folder)
        work, maps = read_with_offsets(novel.text, str(folder / "novel_text.txt"))
        a = Analysis(work, nlp=nlp)
        a.gold_characters = [(c.name, sorted(c.aliases)) for c in novel.characters] if gold else None
        a.parses = cached_parses(folder.name, work, nlp)
        for name, layer in LAYERS:
            if name != "parse":
                layer(a)
        doc = work_document(work)
        doc.update(layers_document(a))
        s = score_document(novel, doc, maps)
        scores.append(s)
        d = s.to_dict()
        print(f"{folder.name:30s} acc {d['speaker_accuracy']:.3f}  P {d['quote_precision']:.3f} R {d['quote_recall']:.3f}  "
              f"by type {d.get('speaker_accuracy_by_type')}  B3 {d.get('clustering_bcubed', {}).get('f1')}  {time.perf_counter() - t0:.1f}s",
              flush=True)
        if errors:
            show_errors(novel, doc, maps, errors)
    overall = combine(scores).to_dict()
    print("OVERALL", overall)


def show_errors(novel, doc, maps, n):
    from ficlens.eval.pdnc import predicted_quotes
    from ficlens.eval.matching import map_characters, match_quotations

    predicted_characters = {c["id"]: [c["name"], *c.get("aliases", [])] for c in doc.get("characters", [])}
    mapping = map_characters(predicted_characters, {c.id: c.names for c in novel.characters})
    pred = predicted_quotes(doc, maps)
    names = {c["id"]: c["name"] for c in doc.get("characters", [])}
    gold_names = {c.id: c.name for c in novel.characters}
    pairs = match_quotations(novel.quotes, pred)
    shown = 0
    for gi, pi in pairs:
        g = novel.quotes[gi]
        p = pred[pi]
        if mapping.get(p.speaker) != g.speaker and shown < n:
            shown += 1
            s0 = g.spans[0][0]
            context = novel.text[max(0, s0 - 200) : g.spans[-1][1] + 120].replace("\n", " ")
            print(f"  [{g.quote_type}] gold={gold_names.get(g.speaker)} pred={names.get(p.speaker)} :: ...{context}...")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--novels", default=None)
    parser.add_argument("--gold-characters", action="store_true")
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    run(args.root, args.novels.split(",") if args.novels else None, args.gold_characters, args.errors)
