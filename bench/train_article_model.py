"""Train the article model the cleaner ships (normalise/article_model.json) on the cleaning development set.

Every page of the development set (bench/devset.py) but its held-out half is
judged as the cleaner judges it (``judge_document``: the edits, the rules'
verdicts, the prose region), and each block the model decides on becomes one
example: its features (normalise/article_features.py) and whether it is main
text. A block is main text when most of its source lines are: for the pages
labelled here by line that is the label; for the pages whose gold is a text
(Europa, Readability, fundus) a line is main when most of its words align
with the gold (difflib, runs of three words or more).

Each page also gives examples of clean text, every block main: its main
blocks as the cleaner writes them, so that a second cleaning pass keeps what
the first kept (the cleaner repeats passes to a fixed point; a model that
drops clean text would cost recall there); a few runs of one to three of
those blocks as documents of their own, since a library caller cleans single
paragraphs too, where there is no page around a line to judge it by; and its
main lines as scraped, Markdown headings and lists included, the article
without its page.

Examples are weighted by the square root of their word count, and every site
weighs the same in total, so the 52 Europa pages count as one site. The
model is scikit-learn's HistGradientBoostingClassifier with the settings
below; the script reports 5-fold cross-validation grouped by site (no site
is ever in both the training and the scoring folds), checks that
passerelle.normalise.article_model evaluates the trees to scikit-learn's
probabilities, writes the model and rewrites its section of bench/RESULTS.md.

    python -m bench.train_article_model --snapshots /work/.mirror [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from passerelle.normalise import CleanConfig, document_from_text, repeated_lines
from passerelle.normalise.article_features import FEATURE_NAMES, page_features
from passerelle.normalise.article_model import FORMAT, MODEL_FILE, ArticleModel
from passerelle.normalise.cleaning import judge_document
from passerelle.normalise.markdown import reduce_markdown

from . import devset
from .results import write_section

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "normalise" / MODEL_FILE
SETTINGS = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "l2_regularization": 1.0,
            "early_stopping": False, "random_state": 0}
CLEAN_VARIANT_WEIGHT = 0.5
FRAGMENTS_PER_PAGE = 3
FOLDS = 5
HELD_OUT = "news-test"


@dataclass
class PageExamples:
    """The examples one page gives: block texts, feature rows and labels of the blocks the model decides on."""

    page: devset.DevPage
    own: int  # the first ``own`` examples are the page's blocks, the rest its clean variant's
    texts: list[str]
    rows: list[list[float]]
    labels: list[bool]
    weights: list[float]


def line_labels(page: devset.DevPage, labelled: dict[str, set[int]]) -> dict[int, bool]:
    """Main text or not, for every non-blank line of the page's scrape (1-based)."""
    lines = page.scrape.split("\n")
    if page.name in labelled:
        return {n: n in labelled[page.name] for n, line in enumerate(lines, 1) if line.strip()}
    words, owner = [], []
    for n, line in enumerate(lines, 1):
        if line.strip():
            for word in devset.words_in_order(reduce_markdown(line.strip()).text):
                words.append(word)
                owner.append(n)
    gold = devset.words_in_order(page.gold)
    aligned = [False] * len(words)
    for a, _, size in difflib.SequenceMatcher(None, words, gold, autojunk=False).get_matching_blocks():
        if size >= 3:
            aligned[a:a + size] = [True] * size
    total: dict[int, int] = defaultdict(int)
    hits: dict[int, int] = defaultdict(int)
    for n, hit in zip(owner, aligned):
        total[n] += 1
        hits[n] += hit
    return {n: hits[n] * 2 > total[n] for n, line in enumerate(lines, 1) if line.strip()}


def examples(page: devset.DevPage, text: str, labels: Callable[[int, int], bool], repeated: frozenset[str],
             config: CleanConfig) -> tuple[list[str], list[list[float]], list[bool]]:
    """The blocks of ``text`` the model decides on, their features, and their labels (``labels(first, last line)``)."""
    document = document_from_text(text, "page")
    judgement = judge_document(document, config, repeated)
    rows = page_features(judgement.blocks, judgement.verdicts, judgement.region, config.source_lang)
    texts, kept_rows, kept_labels = [], [], []
    for block, row, decided in zip(judgement.blocks, rows, judgement.model_decides()):
        if decided:
            first = document.text.count("\n", 0, block.span[0]) + 1
            last = document.text.count("\n", 0, block.span[1]) + 1
            texts.append(block.text)
            kept_rows.append(row)
            kept_labels.append(labels(first, last))
    return texts, kept_rows, kept_labels


def training_examples(pages: list[devset.DevPage], config: CleanConfig) -> list[PageExamples]:
    """The examples of every development page but the held-out half."""
    return page_examples([p for p in pages if p.corpus != HELD_OUT], labelled_lines(), config)


def page_examples(pages: list[devset.DevPage], labelled: dict[str, set[int]], config: CleanConfig) -> list[PageExamples]:
    """Every page's examples and its clean variant's, the pages of one corpus judged as one batch."""
    by_corpus: dict[str, list[devset.DevPage]] = defaultdict(list)
    for page in pages:
        by_corpus[page.corpus].append(page)
    result = []
    for group in by_corpus.values():
        repeated = repeated_lines([p.scrape for p in group], config)
        for page in group:
            per_line = line_labels(page, labelled)

            def main(first: int, last: int, per_line: dict[int, bool] = per_line) -> bool:
                votes = [per_line[n] for n in range(first, last + 1) if n in per_line]
                return bool(votes) and sum(votes) * 2 >= len(votes)

            texts, rows, labels = examples(page, page.scrape, main, repeated, config)
            own = len(texts)
            weights = [math.sqrt(1 + len(t.split())) for t in texts]
            main_lines = "\n".join(line if per_line.get(n) or not line.strip() else ""
                                   for n, line in enumerate(page.scrape.split("\n"), 1))
            variants = _clean_variants([t for t, label in zip(texts, labels) if label], random.Random(page.name))
            for variant in [*variants, main_lines] if variants else []:
                v_texts, v_rows, v_labels = examples(page, variant, lambda first, last: True, frozenset(), config)
                texts, rows, labels = texts + v_texts, rows + v_rows, labels + v_labels
                weights += [CLEAN_VARIANT_WEIGHT * math.sqrt(1 + len(t.split())) for t in v_texts]
            result.append(PageExamples(page, own, texts, rows, labels, weights))
    return result


def _clean_variants(main: list[str], rng: random.Random) -> list[str]:
    """The page's main text as the cleaner writes it, and a few runs of one to three of its paragraphs."""
    if not main:
        return []
    runs = []
    for _ in range(FRAGMENTS_PER_PAGE):
        start = rng.randrange(len(main))
        runs.append("\n\n".join(main[start:start + rng.randint(1, 3)]))
    return ["\n\n".join(main), *runs]


def matrix(group: list[PageExamples]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and weights; every site's weights sum to the same total."""
    site_total: dict[str, float] = defaultdict(float)
    for ex in group:
        site_total[ex.page.site] += sum(ex.weights)
    x = np.array([row for ex in group for row in ex.rows], dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    y = np.array([label for ex in group for label in ex.labels], dtype=np.int64)
    w = np.array([weight / site_total[ex.page.site] for ex in group for weight in ex.weights]) * 1000
    return x, y, w


def fit(group: list[PageExamples]) -> HistGradientBoostingClassifier:
    x, y, w = matrix(group)
    return HistGradientBoostingClassifier(**SETTINGS).fit(x, y, sample_weight=w)


def word_scores(group: list[PageExamples], probabilities: dict[int, list[float]], threshold: float = 0.5) -> dict[str, devset.WordScore]:
    """Word-bag scores per corpus of keeping the decided blocks the model scores at ``threshold`` or more
    (the page's own blocks only, not its clean variant)."""
    scores: dict[str, devset.WordScore] = defaultdict(devset.WordScore)
    for ex in group:
        kept = "\n".join(t for t, p in zip(ex.texts[:ex.own], probabilities[id(ex)]) if p >= threshold)
        for corpus in (ex.page.corpus, "all"):
            scores[corpus].add(kept, ex.page.gold)
    return scores


def fold_models(group: list[PageExamples]) -> dict[str, ArticleModel]:
    """For every site, the model trained on the folds without it (``FOLDS`` folds, grouped by site)."""
    sites = sorted({ex.page.site for ex in group})
    random.Random(0).shuffle(sites)
    models: dict[str, ArticleModel] = {}
    for fold in range(FOLDS):
        held = set(sites[fold::FOLDS])
        model = ArticleModel.from_dict(export(fit([ex for ex in group if ex.page.site not in held]), {"trained": "fold"}))
        models.update({site: model for site in held})
    return models


def cross_validated(group: list[PageExamples], models: dict[str, ArticleModel]) -> dict[int, list[float]]:
    """Out-of-fold probabilities: each site's pages scored by a model trained without that site."""
    return {id(ex): models[ex.page.site].probabilities(ex.rows) for ex in group}


def export(model: HistGradientBoostingClassifier, training: dict[str, object]) -> dict[str, object]:
    """The fitted trees as the flat arrays ArticleModel reads."""
    trees, depth = [], 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        depth = max(depth, int(nodes["depth"].max()))
        trees.append({
            "feature": nodes["feature_idx"].tolist(),
            "threshold": nodes["num_threshold"].tolist(),
            "left": nodes["left"].tolist(),
            "right": nodes["right"].tolist(),
            "value": nodes["value"].tolist(),
            "leaf": nodes["is_leaf"].astype(bool).tolist(),
        })
    return {
        "format": FORMAT,
        "version": training["trained"],
        "features": list(FEATURE_NAMES),
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "depth": depth,
        "training": training,
        "trees": trees,
    }


def labelled_lines() -> dict[str, set[int]]:
    labelled = {row[0]: devset.line_numbers(row[2]) for row in devset.rows(devset.LABELS)}
    labelled.update({row[2]: devset.line_numbers(row[6]) for row in devset.rows(devset.SNAPSHOT_LABELS)})
    return labelled


def score_table(title: str, scores: dict[str, devset.WordScore]) -> list[str]:
    return [f"| {title} | {corpus} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |" for corpus, s in sorted(scores.items())]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--snapshots", type=Path, required=True, help="folder of the repository snapshots (bench/devset.py)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    started = time.perf_counter()
    config = CleanConfig()
    pages = devset.load(args.eval, args.snapshots)
    group = training_examples(pages, config)
    cv = word_scores(group, cross_validated(group, fold_models(group)))
    model = fit(group)
    x, y, _ = matrix(group)
    label_files = [devset.LABELS, devset.SNAPSHOT_LABELS, devset.FUNDUS_PAGES]
    training = {
        "trained": time.strftime("%Y-%m-%d", time.gmtime()),
        "pages": len(group),
        "sites": len({ex.page.site for ex in group}),
        "examples": int(len(y)),
        "main_share": round(float(y.mean()), 4),
        "settings": SETTINGS,
        "scikit_learn": version("scikit-learn"),
        "labels_sha256": hashlib.sha256(b"".join(f.read_bytes() for f in label_files)).hexdigest(),
        "cross_validated_f1": {corpus: round(s.f1, 4) for corpus, s in cv.items()},
    }
    data = export(model, training)
    ours = np.array(ArticleModel.from_dict(data).probabilities(x.tolist()))
    theirs = model.predict_proba(x)[:, 1]
    if not np.allclose(ours, theirs, atol=1e-9):
        raise SystemExit(f"the exported trees do not reproduce scikit-learn (max difference {np.abs(ours - theirs).max():g})")
    MODEL_PATH.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    table = ["| model | pages | P | R | F1 |", "|---|---|---|---|---|", *score_table("cross-validated by site", cv)]
    print("\n".join(table))
    write_section("article_model", "\n".join([
        "## Article model training (`bench/train_article_model.py`)",
        "",
        f"{training['examples']} examples ({training['main_share']:.0%} main text) from {training['pages']} pages of "
        f"{training['sites']} sites (the development set less its held-out half), each page with its clean variant.",
        f"Word-bag scores of the model alone on the blocks it decides, {FOLDS}-fold cross-validation grouped by site",
        "(every site scored by a model that never saw it); the cleaner's own scores are in the cleaning section.",
        "",
        *table,
        "",
        f"scikit-learn {training['scikit_learn']}, settings {json.dumps(SETTINGS)}; exported trees reproduce its "
        f"probabilities to 1e-9. Run time {time.perf_counter() - started:.0f} s, Python {sys.version.split()[0]}.",
    ]))


if __name__ == "__main__":
    main()
