"""Train the speaker ranker (`ficlens.dialogue.ranker`) on the PDNC DEV novels.

1. For every DEV novel, in both settings (end-to-end and gold character list), run
   the pipeline's layers up to the characters (spaCy parses cached as in
   `speaker_dev.py`) and `speakers.candidate_tables`: the rules' answers and, per
   quotation, the candidate speakers with their features — the very code
   `ficlens analyze` runs.
2. Label: a candidate is right when it maps to the gold speaker
   (`eval.matching.map_characters`, the scorer's own mapping) of the gold
   quotation paired with this one (`match_quotations`). Quotations with no right
   candidate teach nothing and are left out of training (still scored).
3. Leave-novels-out cross-validation: 5 folds of 4 novels; each fold's model is
   trained on the other 16 novels and scored on its own 4 with the official scorer
   (`pdnc.score_document`). The script prints rules vs ranker, overall and per
   quote type, in both settings.
4. The final model is trained on all 20 DEV novels and written to
   `src/ficlens/models/speaker_ranker.json` (with `--write`).

Models (`--kind`): a conditional logit (softmax over one quotation's candidates),
L2-regularised, fitted by full-batch gradient descent (Adam) in numpy (zero start,
fixed iteration count); boosted trees, LightGBM's lambdarank (query = one quotation's
candidates; deterministic: fixed seed, `deterministic=True`), converted to plain node
lists that `ranker.TreeStage` scores in numpy; or the shipped blend, both fitted and
their scores added stage by stage (`ranker.BlendStage`). TEST novels are refused.

    pip install -e '.[train]'    # LightGBM, for training only
    python bench/train_speaker_ranker.py ../shared/eval/pdnc [--kind blend|trees|linear] [--write] [--data /tmp/ranker_data.pkl]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speaker_dev import cached_parses  # noqa: E402

from ficlens.dialogue.ranker import (  # noqa: E402
    BlendStage, LinearStage, Ranker, TreeStage, design, group_softmax, rule_answers, stage_answers, tree_design,
    turn_speakers)
from ficlens.dialogue.speakers import CandidateTables, candidate_tables  # noqa: E402
from ficlens.eval.matching import combine, map_characters, match_quotations  # noqa: E402
from ficlens.eval.pdnc import TEST_NOVELS, load_novel, novel_folders, predicted_quotes, score_document  # noqa: E402
from ficlens.export.document import layers_document, work_document  # noqa: E402
from ficlens.ingest.plaintext import read_with_offsets  # noqa: E402
from ficlens.pipeline import LAYERS, Analysis  # noqa: E402
from ficlens.text.nlp import load_nlp  # noqa: E402

MODEL_PATH = Path(__file__).resolve().parent.parent / "src" / "ficlens" / "models" / "speaker_ranker.json"
SETTINGS = ("end-to-end", "gold")
FOLDS = 5
L2 = 1.0
STEPS = 400
LEARNING_RATE = 0.05
STAGES = 3
# The boosted-tree ranker (`--kind trees`, needs `pip install -e '.[train]'`).
TREE_ROUNDS = 300
TREE_PARAMS = dict(objective="lambdarank", num_leaves=15, learning_rate=0.05, min_data_in_leaf=50,
                   lambdarank_truncation_level=30, deterministic=True, force_row_wise=True,
                   num_threads=2, seed=1, verbose=-1)
TREE_WEIGHT = 1.0  # a blend's score: logit + TREE_WEIGHT x trees


@dataclass
class NovelData:
    """One novel in one setting: its candidate tables, the right candidates per
    quotation (tables order), and what the scorer needs to re-score."""

    name: str
    setting: str
    tables: CandidateTables  # attributors dropped
    right: list[list[int]]  # indices of right candidates (empty: none is right)
    order: list[int]  # document position -> tables index
    rule_design: tuple  # `ranker.design` with the rules' turn speakers (stage 1's input)
    doc: dict
    maps: list
    novel: object


def collect(root: str, nlp) -> list[NovelData]:
    data = []
    for folder in novel_folders(root, "dev"):
        if folder.name in TEST_NOVELS:
            sys.exit(f"{folder.name} is a TEST novel: not for training")
        novel = load_novel(folder)
        for setting in SETTINGS:
            t0 = time.perf_counter()
            work, maps = read_with_offsets(novel.text, str(folder / "novel_text.txt"))
            a = Analysis(work, nlp=nlp)
            if setting == "gold":
                a.gold_characters = [(c.name, sorted(c.aliases)) for c in novel.characters]
            a.parses = cached_parses(folder.name, work, nlp)
            for name, layer in LAYERS:  # the layers the speakers layer reads
                if name == "speakers":
                    break
                if name != "parse":
                    layer(a)
            tables = candidate_tables(work, a.parses, a.quotations, a.characters)
            tables.attributors = None
            a.quotations = tables.rule_quotes
            doc = work_document(work)
            doc.update(layers_document(a))
            # document order is (chapter, start)
            quotes = tables.rule_quotes
            order = sorted(range(len(quotes)), key=lambda i: (quotes[i].chapter, quotes[i].spans[0][0]))
            predicted_characters = {c["id"]: [c["name"], *c.get("aliases", [])] for c in doc["characters"]}
            mapping = map_characters(predicted_characters, {c.id: c.names for c in novel.characters})
            pred = predicted_quotes(doc, maps)
            assert len(pred) == len(quotes)
            gold_of = {order[pi]: novel.quotes[gi].speaker for gi, pi in match_quotations(novel.quotes, pred)}
            right = [[k for k, c in enumerate(cands) if gold_of.get(i) is not None and mapping.get(c) == gold_of[i]]
                     for i, cands in enumerate(tables.candidates)]
            rule_design = design(tables, rule_turns(tables))
            data.append(NovelData(folder.name, setting, tables, right, order, rule_design, doc, maps, novel))
            print(f"  {folder.name:30s} {setting:10s} {len(quotes)} quotations, "
                  f"{sum(1 for r in right if r)} with a right candidate  {time.perf_counter() - t0:.1f}s", flush=True)
    return data


def training_groups(novels: list[NovelData], designs: list[tuple[np.ndarray, np.ndarray]]):
    """The rows, 0/1 targets and group sizes of the quotations that teach anything:
    a right candidate among two or more."""
    xs, targets, sizes = [], [], []
    for nd, (x, starts) in zip(novels, designs):
        indexed = [i for i, c in enumerate(nd.tables.candidates) if c]
        stops = np.append(starts[1:], len(x))
        for i, start, stop in zip(indexed, starts, stops):
            right = nd.right[i]
            if not right or stop - start < 2:
                continue
            xs.append(x[start:stop])
            target = np.zeros(stop - start)
            target[right] = 1.0
            targets.append(target)
            sizes.append(stop - start)
    return np.vstack(xs).astype(np.float64), np.concatenate(targets), sizes


def fit_linear_stage(novels: list[NovelData], designs: list[tuple[np.ndarray, np.ndarray]]) -> LinearStage:
    """Conditional-logit weights for one stage from each novel's design matrix."""
    x, positive, sizes = training_groups(novels, designs)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    group = np.repeat(np.arange(len(sizes)), sizes)
    n_groups = len(sizes)
    w = np.zeros(x.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, STEPS + 1):
        p = group_softmax(x @ w, starts)
        # the model's distribution restricted to the right candidates is the target
        pp = p * positive
        q = pp / np.add.reduceat(pp, starts)[group]
        grad = (x.T @ (p - q) + L2 * w) / n_groups
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= LEARNING_RATE * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return LinearStage(w)


def fit_tree_stage(novels: list[NovelData], designs: list[tuple[np.ndarray, np.ndarray]]) -> TreeStage:
    """LightGBM lambdarank trees for one stage (query = one quotation's candidates),
    converted to the package's own `TreeStage` (no LightGBM needed at run time)."""
    import lightgbm

    x, positive, sizes = training_groups(novels, designs)
    booster = lightgbm.train(TREE_PARAMS, lightgbm.Dataset(x, positive, group=sizes), num_boost_round=TREE_ROUNDS)
    return TreeStage([_tree_nodes(t["tree_structure"]) for t in booster.dump_model()["tree_info"]])


def _tree_nodes(root: dict) -> dict:
    """One LightGBM tree (nested dicts) as `TreeStage` node lists, root first."""
    nodes = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}
    pending = [(root, None, None)]  # (node, parent index, which side)
    while pending:
        node, parent, side = pending.pop()
        index = len(nodes["feature"])
        if parent is not None:
            nodes[side][parent] = index
        leaf = "leaf_value" in node
        if not leaf and node["decision_type"] != "<=":
            raise ValueError(f"unexpected tree split {node['decision_type']!r}")
        nodes["feature"].append(-1 if leaf else node["split_feature"])
        nodes["threshold"].append(0.0 if leaf else float(node["threshold"]))
        nodes["value"].append(float(node["leaf_value"]) if leaf else 0.0)
        nodes["left"].append(-1)
        nodes["right"].append(-1)
        if not leaf:
            pending.append((node["right_child"], index, "right"))
            pending.append((node["left_child"], index, "left"))
    return nodes


def rule_turns(tables):
    """The turn speakers stage 1 reads: the rules' answers and confidences."""
    return turn_speakers(tables, *rule_answers(tables))


def fit(novels: list[NovelData], kind: str) -> Ranker:
    """Stage 1 reads the rules' turn speakers; each later stage the previous stage's answers.
    A blend is a logit and trees each fitted so, then added stage by stage."""
    if kind == "blend":
        linear, trees = fit(novels, "linear"), fit(novels, "trees")
        return Ranker([BlendStage(a, b, TREE_WEIGHT) for a, b in zip(linear.stages, trees.stages)])
    fit_stage = fit_tree_stage if kind == "trees" else fit_linear_stage
    designs = [nd.rule_design if kind == "linear" else
               tree_design(nd.tables, rule_turns(nd.tables))
               for nd in novels]
    stages = []
    for number in range(STAGES):
        stage = fit_stage(novels, designs)
        stages.append(stage)
        if number + 1 < STAGES:
            designs = [stage.rows(nd.tables, turn_speakers(nd.tables, *stage_answers(nd.tables, stage.score(x), starts)))
                       for nd, (x, starts) in zip(novels, designs)]
    return Ranker(stages)


def rescored(nd: NovelData, ranker: Ranker | None):
    """The novel's score with the ranker's choices (None: the rules' own)."""
    doc = dict(nd.doc)
    if ranker is not None:
        speakers, _ = ranker.decide(nd.tables)
        doc["quotes"] = [dict(q, speaker=speakers[nd.order[k]]) for k, q in enumerate(nd.doc["quotes"])]
    return score_document(nd.novel, doc, nd.maps)


def summary(scores) -> str:
    """Accuracy over all quotations, per quote type, and the mean of the novels' own
    accuracies (which weighs a short novel like a long one)."""
    d = combine(scores).to_dict()
    by = d["speaker_accuracy_by_type"]
    per_novel = np.mean([s.accuracy for s in scores])
    return (f"{d['speaker_accuracy']:.4f} (explicit {by['Explicit']:.3f}, anaphoric {by['Anaphoric']:.3f}, "
            f"implicit {by['Implicit']:.3f}; novels' mean {per_novel:.4f})")


def cross_validate(data: list[NovelData], kind: str) -> None:
    names = sorted({nd.name for nd in data})
    fold_of = {name: i % FOLDS for i, name in enumerate(names)}
    results = {s: {"rules": [], "stage 1": [], "ranker": []} for s in SETTINGS}
    for fold in range(FOLDS):
        train = [nd for nd in data if fold_of[nd.name] != fold]
        ranker = fit(train, kind)
        for nd in data:
            if fold_of[nd.name] == fold:
                results[nd.setting]["rules"].append(rescored(nd, None))
                results[nd.setting]["stage 1"].append(rescored(nd, Ranker(ranker.stages[:1])))
                results[nd.setting]["ranker"].append(rescored(nd, ranker))
    for setting in SETTINGS:
        print(f"{setting:10s} rules  {summary(results[setting]['rules'])}")
        print(f"{setting:10s} stage 1 only {summary(results[setting]['stage 1'])}")
        print(f"{setting:10s} ranker {summary(results[setting]['ranker'])}  (leave-novels-out, {FOLDS} folds)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--data", help="pickle to cache the collected candidate tables in (reused if present)")
    parser.add_argument("--write", action="store_true", help=f"train on all DEV novels and write {MODEL_PATH.name}")
    parser.add_argument("--kind", choices=("blend", "trees", "linear"), default="blend",
                        help="the conditional logit, boosted trees (LightGBM lambdarank), "
                             "or both added (the shipped kind)")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation (with --write)")
    args = parser.parse_args()
    if args.data and Path(args.data).exists():
        data = pickle.loads(Path(args.data).read_bytes())
    else:
        data = collect(args.root, load_nlp())
        if args.data:
            Path(args.data).write_bytes(pickle.dumps(data))
    if not args.no_cv:
        cross_validate(data, args.kind)
    if args.write:
        ranker = fit(data, args.kind)
        about = (f"speaker ranker (ficlens.dialogue.ranker), {args.kind}; trained by bench/train_speaker_ranker.py "
                 "on the 20 PDNC DEV novels, both settings")
        MODEL_PATH.write_text(ranker.to_json(about), encoding="utf-8")
        print("wrote", MODEL_PATH, f"({MODEL_PATH.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
