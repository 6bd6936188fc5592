"""Score the cleaner against gold main text, beside trafilatura and a C4-style line filter.

Pages are turned into the kind of text the seeds show (all visible text, links
as ``[text](url)``, images as ``![alt](src)``) with html2text, one fresh
converter per page, and cleaned as one batch per corpus.

* Development set (bench/devset.py: 81 French pages of 29 sites, and with
  ``--snapshots`` 28 more of 27 sites): word-bag precision, recall and F1,
  pooled over pages, and the mean per-page F1. The cleaner's article model
  was trained on these pages, all but the held-out half of the snapshot
  pages; so that no page is scored by a model that saw it, each tuning page
  is cleaned with the model trained without its site (five folds grouped by
  site, bench/train_article_model.py), and the held-out half with the shipped
  model. Anchors in the same run: trafilatura on the raw HTML (default
  settings), a C4-style line filter on the scrape (at least 3 words, terminal
  punctuation, no "cookie" or "javascript"), and keeping every line.
* europa-waddle-fr and the readability French pages (cross-validated as above): line-level precision,
  recall and F1. A kept line counts as correct when it is found in the gold
  text, a gold line as recalled when it is found in the kept text; both sides
  are compared without whitespace, and lines under 15 characters must match a
  whole line of the other side.
* readability distractors (Spanish, Portuguese, German pages): share of their
  gold lines still kept; the French cleaner should keep none.
* trafilatura-fr (27 pages, trafilatura's own partial gold; cross-validated as
  above): share of its must-keep snippets kept and of its must-drop snippets gone.

    python -m bench.cleaning [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlparse

import trafilatura

from passerelle.normalise import CleanConfig, clean_document, document_from_text, repeated_lines
from passerelle.normalise.article_model import ArticleModel
from passerelle.normalise.blocks import split_blocks
from passerelle.normalise.html_extraction import extract_main_text
from passerelle.normalise.markdown import reduce_markdown

from . import devset, train_article_model
from .results import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent
SHORT = 15
C4_TERMINAL = re.compile(r"[.!?\"”»']\s*$")


def squash(text: str) -> str:
    text = devset.fold(text).replace("–", "-").replace("—", "-").replace("’", "'").replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", text)


def found(line: str, lines: set[str], joined: str) -> bool:
    return line in lines if len(line) < SHORT else line in joined


class LineScore(devset.PrecisionRecall):
    def add(self, kept_lines: list[str], gold: list[str]) -> None:
        k = [squash(x) for x in kept_lines if squash(x)]
        g = [squash(x) for x in gold if squash(x)]
        # No separator: html2text and the gold split paragraphs differently, and both
        # sides are already compared without whitespace.
        gs, gj, ks, kj = set(g), "".join(g), set(k), "".join(k)
        self.kept += len(k)
        self.gold += len(g)
        self.right_kept += sum(found(x, gs, gj) for x in k)
        self.found_gold += sum(found(x, ks, kj) for x in g)


# A cleaner takes the scraped texts of a batch, each with its site, and gives the kept lines of each.
Cleaner = Callable[[list[tuple[str, str]]], list[list[str]]]


def passerelle(config: CleanConfig, models: dict[str, ArticleModel] | None = None) -> Cleaner:
    """The cleaner, judging each page with the model trained without its site (``models``), else the shipped one."""
    def run(pages: list[tuple[str, str]]) -> list[list[str]]:
        repeated = repeated_lines([text for text, _ in pages], config)
        return [[b.text for b in clean_document(document_from_text(text, f"d{i}"), config, repeated,
                                                (models or {}).get(site)).kept] for i, (text, site) in enumerate(pages)]
    return run


def keep_everything(pages: list[tuple[str, str]]) -> list[list[str]]:
    lines = ([reduce_markdown(b.text).text for b in split_blocks(t)] for t, _ in pages)
    return [[line for line in doc if line] for doc in lines]


def c4_line_filter(pages: list[tuple[str, str]]) -> list[list[str]]:
    """C4's line rules: at least 3 words, terminal punctuation, no "cookie" or "javascript"; Markdown reduced."""
    def keeps(line: str) -> bool:
        lowered = line.casefold()
        return len(line.split()) >= 3 and bool(C4_TERMINAL.search(line)) and "cookie" not in lowered and "javascript" not in lowered
    return [[reduce_markdown(line.strip()).text for line in text.split("\n") if keeps(line.strip())] for text, _ in pages]


# --- the development set ------------------------------------------------------------------------

# A system of the development-set table: the pages of one corpus in, the text it keeps of each out.
System = Callable[[list[devset.DevPage]], list[str]]


def on_scrapes(cleaner: Cleaner) -> System:
    return lambda pages: ["\n".join(lines) for lines in cleaner([(p.scrape, p.site) for p in pages])]


def trafilatura_on_html(pages: list[devset.DevPage]) -> list[str]:
    return [trafilatura.extract(p.html) or "" for p in pages]


def on_html(cleaner: Cleaner) -> System:
    """What ``passerelle clean`` does with an HTML file: trafilatura's Markdown of the page, then the cleaner."""
    return lambda pages: ["\n".join(lines) for lines in cleaner([(extract_main_text(p.html), p.site) for p in pages])]


def devset_rows(pages: list[devset.DevPage], systems: dict[str, System]) -> list[tuple[str, ...]]:
    corpora: dict[str, list[devset.DevPage]] = {}
    for page in pages:
        corpora.setdefault(page.corpus, []).append(page)
    names = {"europa": "europa", "readability": "readability", "trafilatura": "trafilatura-fr, labelled here",
             "news-tune": "new sites, tuning half", "news-test": "new sites, held-out half"}
    labels = {c: f"{names[c]} ({len(group)} pages, {len({p.site for p in group})} site{'s' if len({p.site for p in group}) > 1 else ''})"
              for c, group in corpora.items()}
    rows = []
    for system, run in systems.items():
        kept = {id(page): text for corpus in corpora.values() for page, text in zip(corpus, run(corpus))}
        for name, group in [*((labels[c], corpora[c]) for c in corpora), (f"all ({len(pages)} pages, "
                                                                          f"{len({p.site for p in pages})} sites)", pages)]:
            score = devset.WordScore()
            for page in group:
                score.add(kept[id(page)], page.gold)
            rows.append((system, name, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", f"{score.macro_f1:.3f}"))
    return rows


# --- line metrics and snippets ------------------------------------------------------------------

# A page of the line metrics: its scrape with its site, and its gold lines.
Pair = tuple[tuple[str, str], list[str]]


def load_pairs(eval_dir: Path) -> dict[str, list[Pair]]:
    europa = eval_dir / "boilerplate-fr" / "europa-waddle-fr"
    read, scrape, gold = devset.read_html, devset.scrape, devset.gold_lines
    pages = sorted((europa / "html").glob("*_fr.html"))
    corpora = {"europa (52 press releases)": [((scrape(read(p)), "ec.europa.eu"), gold(read(europa / "reference" / p.name)))
                                              for p in pages]}
    readability = eval_dir / "boilerplate-fr" / "readability-testpages"
    for group, names in (("readability fr (3 pages)", ("lemonde-1", "liberation-1", "videos-2")),
                         ("readability es/pt/de distractors", ("la-nacion", "folha", "heise"))):
        corpora[group] = [((scrape(read(readability / n / "source.html")), devset.READABILITY_FRENCH.get(n, n)),
                           gold(read(readability / n / "expected.html"))) for n in names]
    return corpora


def trafilatura_cases(eval_dir: Path) -> list[tuple[tuple[str, str], list[str], list[str]]]:
    base = eval_dir / "boilerplate-fr" / "trafilatura-fr"
    data = json.loads((base / "evaldata_fr.json").read_text(encoding="utf-8"))
    return [((devset.scrape(devset.read_html(base / "html" / e["file"])), urlparse(url).hostname or e["file"]), e["with"], e["without"])
            for url, e in data.items()]


def snippet_scores(cleaner: Cleaner, cases: list[tuple[tuple[str, str], list[str], list[str]]]) -> tuple[float, float, int, int]:
    outputs = cleaner([c[0] for c in cases])
    kept = dropped = n_with = n_without = 0
    for (_, with_, without), lines in zip(cases, outputs):
        text = squash("\n".join(lines))
        kept += sum(squash(s) in text for s in with_)
        dropped += sum(squash(s) not in text for s in without)
        n_with += len(with_)
        n_without += len(without)
    return kept / n_with, dropped / n_without, n_with, n_without


def line_rows(eval_dir: Path, systems: dict[str, Cleaner]) -> list[tuple[str, ...]]:
    corpora = load_pairs(eval_dir)
    cases = trafilatura_cases(eval_dir)
    rows = []
    for system, cleaner in systems.items():
        t0 = time.perf_counter()
        n_docs = 0
        for corpus, pairs in corpora.items():
            score = LineScore()
            for kept, (_, gold) in zip(cleaner([page for page, _ in pairs]), pairs):
                score.add(kept, gold)
            n_docs += len(pairs)
            if "distractors" in corpus:
                rows.append((system, corpus, "-", "-", "-", f"{score.recall:.3f} of gold lines kept"))
            else:
                rows.append((system, corpus, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", ""))
        keep_rate, drop_rate, n_with, n_without = snippet_scores(cleaner, cases)
        n_docs += len(cases)
        rows.append((system, "trafilatura-fr snippets (27 pages)", "-", "-", "-",
                     f"must-keep kept {keep_rate:.3f} ({n_with}), must-drop gone {drop_rate:.3f} ({n_without})"))
        rows.append((system, "speed", "-", "-", "-", f"{n_docs / (time.perf_counter() - t0):.1f} pages/s"))
    return rows


def _clean_all(texts: list[str]) -> float:
    """Seconds to clean ``texts`` as one batch with the shipped model, the word lists loaded first."""
    config = CleanConfig()
    clean_document(document_from_text("Le conseil a voté le budget mardi soir, après un long débat.\n"), config)
    started = time.perf_counter()
    repeated = repeated_lines(texts, config)
    for i, text in enumerate(texts):
        clean_document(document_from_text(text, f"d{i}"), config, repeated)
    return time.perf_counter() - started


def fresh_process_speed(texts: list[str]) -> float:
    """Pages per second of one cleaning pass in a new interpreter: no line cached yet from another run."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return len(texts) / pool.apply(_clean_all, (texts,))


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--snapshots", type=Path, help="folder of repository snapshots holding the 28 pages not in "
                        "../shared (bench/devset.py); without it the development set is the 81 pages of ../shared")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.eval / "boilerplate-fr").is_dir():
        parser.error(f"no evaluation data at {args.eval / 'boilerplate-fr'}; pass --eval PATH to the shared eval folder")

    started = time.perf_counter()
    pages = devset.load(args.eval, args.snapshots)
    config = CleanConfig()
    models = train_article_model.fold_models(train_article_model.training_examples(pages, config))
    passerelle(config)([(p.scrape, p.site) for p in pages[:3]])  # loads the word lists once, outside the timings
    word_rows = devset_rows(pages, {
        "keep everything (anchor)": on_scrapes(keep_everything),
        "C4 line filter (anchor)": on_scrapes(c4_line_filter),
        f"trafilatura {version('trafilatura')} on the HTML (anchor)": trafilatura_on_html,
        # Run corpus by corpus: the held-out half with the shipped model, the others cross-validated.
        "passerelle": lambda corpus: on_scrapes(passerelle(config, None if corpus[0].corpus == train_article_model.HELD_OUT
                                                           else models))(corpus),
        "passerelle given the HTML (trafilatura's Markdown, then the cleaner)": lambda corpus: on_html(passerelle(
            config, None if corpus[0].corpus == train_article_model.HELD_OUT else models))(corpus),
    })
    rows = line_rows(args.eval, {
        "keep everything (anchor)": keep_everything,
        "passerelle, no batch repetition": passerelle(replace(config, repeat_min_docs=0), models),
        "passerelle": passerelle(config, models),
    })
    speed = fresh_process_speed([p.scrape for p in pages])
    words_table = markdown_table(("system", "pages", "P", "R", "F1", "mean page F1"), word_rows)
    lines_table = markdown_table(("system", "corpus", "P", "R", "F1", "other"), rows)
    print("\n".join([*words_table, "", *lines_table]))
    body = "\n".join([
        "## Cleaning (`bench/cleaning.py`)",
        "",
        f"**Word bags on the development set** (`bench/devset.py`, `bench/data/cleaning-dev/`): {len(pages)} French pages of",
        f"{len({p.site for p in pages})} sites scraped with html2text (links kept, no wrapping), cleaned as one batch per corpus;",
        "precision, recall and F1 pooled over the words of all pages, and the mean of per-page F1. No page is scored",
        "by an article model that saw it: the held-out half with the shipped model, every other page with the model",
        "trained without its site (five folds grouped by site). Targets: F1 ≥ 0.93 with P ≥ 0.90, ahead of",
        "trafilatura, which sees the HTML. *passerelle given the HTML* is what `passerelle clean page.html` does:",
        "trafilatura's Markdown of the page (favor_recall, images and the title kept), then the cleaner; target: ahead",
        "of trafilatura alone.",
        "",
        *words_table,
        "",
        "**Lines and snippets** (the article model cross-validated by site as above): line-level scores as described",
        "in the script's docstring; trafilatura's own must-keep and must-drop snippets for its 27 French pages.",
        "Targets: Europa F1 ≥ 0.93; ≥ 95 % of must-keep kept and ≥ 95 % of must-drop gone. Keeping every line keeps",
        "0.949 of the must-keep snippets: four are in no scrape (html2text's default writes `&eacute;` as `e`), and",
        "three are on the English page, which a French cleaner drops, so 72 of 79 (0.911) is the most a French",
        "cleaner can keep. The anchor's recall is the ceiling of the line metric: gold lines that html2text's",
        "layout never reproduces cannot be found by any cleaner.",
        "",
        *lines_table,
        "",
        f"Speed of one cleaning pass over the {len(pages)} pages in a fresh process (shipped model, nothing cached yet): "
        f"{speed:.1f} pages/s, {sum(len(p.scrape) for p in pages) / 1e6 * speed / len(pages):.2f} MB/s. The speed rows",
        "above run after other systems have read the same pages, so the cleaner's line caches are warm there.",
        f"Run time {time.perf_counter() - started:.1f} s on {sys.platform}, Python {sys.version.split()[0]},",
        f"html2text {version('html2text')}, trafilatura {version('trafilatura')}.",
    ])
    write_section("cleaning", body)


if __name__ == "__main__":
    main()
