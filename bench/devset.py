"""The cleaning development set: French web pages with gold main text, scraped as a crawler scrapes them.

Every page is turned into text by html2text with links kept and no line
wrapping, a fresh converter per page (one converter reused across pages keeps
state from the last page). Gold main text comes from three sources, all read
from ../shared/eval/boilerplate-fr (provenance and licences in
bench/data/cleaning-dev/SOURCE.txt):

* europa-waddle-fr: 52 European Commission press releases, gold from the
  corpus's reference text;
* readability-testpages: the 3 French pages (Le Monde, Libération), gold from
  Mozilla's expected.html;
* trafilatura-fr: 27 pages of 27 sites, labelled here line by line on the
  scrape (bench/data/cleaning-dev/trafilatura-fr.tsv, guideline in SOURCE.txt);
  the one page whose main text is English is left out of the French set.

With ``--snapshots DIR``, 28 pages of 27 more sites join them, read from
repository snapshots rather than ../shared (their HTML may not be copied
here): 23 news and activist pages from adbar/htmldate and adbar/trafilatura,
labelled here the same way (snapshot-pages.tsv), and 5 from flairNLP/fundus,
whose gold is the body its publisher-specific parsers extract (fundus-pages.tsv).
DIR holds ``owner+name/repo`` git directories, as the workplace's fetch leaves
them, or ``owner+name/<path>`` files. Each of these pages belongs to a tuning
or a held-out half (the parity of the first hex digit of its path's sha256),
so that what was tuned on the first half can be checked on the second.

Scores are bags of words: a kept word counts as right as often as the gold has
it. Words are maximal runs of letters and digits, compared case-folded after
NFKC, with invisible format characters (soft hyphens) removed on both sides.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import html2text
import lxml.html

from passerelle.normalise import decode_bytes
from passerelle.normalise.markdown import reduce_markdown

DATA = Path(__file__).resolve().parent / "data" / "cleaning-dev"
LABELS = DATA / "trafilatura-fr.tsv"
SNAPSHOT_LABELS = DATA / "snapshot-pages.tsv"
FUNDUS_PAGES = DATA / "fundus-pages.tsv"
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "td", "th", "dt", "dd",
              "div", "br", "tr", "ul", "ol", "table")
READABILITY_FRENCH = {"lemonde-1": "lemonde.fr", "liberation-1": "liberation.fr", "videos-2": "liberation.fr"}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class DevPage:
    corpus: str
    name: str
    site: str
    html: str
    scrape: str
    gold: str


def read_html(path: Path) -> str:
    text, _ = decode_bytes(path.read_bytes(), origin=str(path))
    return text


def scrape(html: str) -> str:
    """The page as a crawler's html2text step gives it: visible text, links and images as Markdown, no wrapping."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    return converter.handle(html)


def gold_lines(html: str) -> list[str]:
    """Visible text of a gold fragment, one line per block element."""
    html = re.sub(r"(?i)<(/?)(%s)\b" % "|".join(BLOCK_TAGS), r"\n<\1\2", html)
    root = lxml.html.fromstring(f"<div>{html}</div>")
    for bad in root.xpath("//script|//style|//iframe"):
        bad.drop_tree()
    return [" ".join(line.split()) for line in root.text_content().split("\n") if line.strip()]


def plain(lines: Iterable[str]) -> str:
    """Scraped lines without their Markdown: what a line filter's output says in words."""
    return "\n".join(reduce_markdown(line).text for line in lines)


def fold(text: str) -> str:
    """Text as the scores compare it: NFKC, case-folded, without invisible format characters (soft hyphens)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if unicodedata.category(c) != "Cf")


def words(text: str) -> Counter[str]:
    return Counter(words_in_order(text))


def words_in_order(text: str) -> list[str]:
    """The words of ``text`` as the scores compare them, in order."""
    return _WORD.findall(fold(text))


@dataclass
class PrecisionRecall:
    """Counts pooled over pages: what was kept and how much of it was right, what the gold holds and how much of it was found."""

    right_kept: int = 0
    kept: int = 0
    found_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.right_kept / self.kept if self.kept else 0.0

    @property
    def recall(self) -> float:
        return self.found_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass
class WordScore(PrecisionRecall):
    """Bag-of-words precision and recall, pooled over pages (micro), and the mean of per-page F1 (macro)."""

    page_f1: list[float] = field(default_factory=list)

    def add(self, kept_text: str, gold_text: str) -> float:
        kept, gold = words(kept_text), words(gold_text)
        right = sum((kept & gold).values())
        n_kept, n_gold = sum(kept.values()), sum(gold.values())
        self.right_kept, self.found_gold = self.right_kept + right, self.found_gold + right
        self.kept, self.gold = self.kept + n_kept, self.gold + n_gold
        f1 = _f1(right / n_kept if n_kept else 0.0, right / n_gold if n_gold else 0.0)
        self.page_f1.append(f1)
        return f1

    @property
    def macro_f1(self) -> float:
        return sum(self.page_f1) / len(self.page_f1) if self.page_f1 else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def line_numbers(ranges: str) -> set[int]:
    """``"3,7-9"`` as {3, 7, 8, 9}; ``-`` is none."""
    numbers: set[int] = set()
    for part in ranges.split(","):
        if part and part != "-":
            first, _, last = part.partition("-")
            numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def load(eval_dir: Path, snapshots: Path | None = None) -> list[DevPage]:
    """The French development set: every page with its scrape and gold text (the snapshot pages too, given their folder)."""
    base = eval_dir / "boilerplate-fr"
    pages = []
    europa = base / "europa-waddle-fr"
    for path in sorted((europa / "html").glob("*_fr.html")):
        html = read_html(path)
        gold = "\n".join(gold_lines(read_html(europa / "reference" / path.name)))
        pages.append(DevPage("europa", path.name, "ec.europa.eu", html, scrape(html), gold))
    readability = base / "readability-testpages"
    for name, site in READABILITY_FRENCH.items():
        html = read_html(readability / name / "source.html")
        gold = "\n".join(gold_lines(read_html(readability / name / "expected.html")))
        pages.append(DevPage("readability", name, site, html, scrape(html), gold))
    pages += _labelled_pages(base / "trafilatura-fr")
    return pages + snapshot_pages(snapshots) if snapshots is not None else pages


def _gold_from_lines(page: str, text: str, sha256: str, main: str, remove: str = "-") -> str:
    """Gold text from labelled line numbers of a scrape, less any labelled teaser glued into a kept line."""
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
        raise SystemExit(f"{page}: the scrape differs from the one labelled (another html2text version?); "
                         "the labels in bench/data/cleaning-dev/ are line numbers of that scrape")
    lines = text.split("\n")
    gold = plain(lines[n - 1] for n in sorted(line_numbers(main)))
    for teaser in remove.split("|") if remove != "-" else []:
        if teaser not in gold:
            raise SystemExit(f"{page}: the text to remove from the gold is not in it: {teaser!r}")
        gold = gold.replace(teaser, "")
    return gold


def snapshot_bytes(snapshots: Path, repo: str, commit: str, path: str) -> bytes:
    """A file of a repository snapshot: from its git directory at ``commit``, or a plain copy."""
    folder = snapshots / repo.replace("/", "+")
    if (folder / "repo").is_dir():
        data = subprocess.run(["git", "--git-dir", str(folder / "repo"), "show", f"{commit}:{path}"],
                              check=True, capture_output=True).stdout
    elif (folder / path).is_file():
        data = (folder / path).read_bytes()
    else:
        raise SystemExit(f"no snapshot of {repo} under {snapshots} (expected {folder}/repo or {folder}/{path})")
    return gzip.decompress(data) if path.endswith(".gz") else data


def snapshot_pages(snapshots: Path) -> list[DevPage]:
    """The pages read from repository snapshots, in corpora ``news-tune`` and ``news-test``."""
    pages = []
    for repo, commit, path, site, half, sha256, main, _caption, remove, _note in rows(SNAPSHOT_LABELS):
        html = decode_bytes(snapshot_bytes(snapshots, repo, commit, path), origin=path)[0]
        text = scrape(html)
        pages.append(DevPage(f"news-{half}", path, site, html, text, _gold_from_lines(path, text, sha256, main, remove)))
    for repo, commit, path, version, half, _note in rows(FUNDUS_PAGES):
        html = decode_bytes(snapshot_bytes(snapshots, repo, commit, path), origin=path)[0]
        folder, name = path.rsplit("/", 1)
        publisher = name.rsplit("_", 3)[0]  # EuronewsFR_2024_04_30.html.gz is a case of EuronewsFR.json
        expected = json.loads(snapshot_bytes(snapshots, repo, commit, f"{folder}/{publisher}.json"))[version]
        meta = json.loads(snapshot_bytes(snapshots, repo, commit, f"{folder}/meta.info"))
        site = urlparse(meta[name]["url"]).hostname or path
        pages.append(DevPage(f"news-{half}", path, site, html, scrape(html), fundus_gold(expected)))
    return pages


def fundus_gold(expected: dict[str, Any]) -> str:
    """A fundus test case's article as text: title, summary, then each section's headline and paragraphs."""
    body = expected["body"]
    parts = [expected["title"], *body.get("summary", [])]
    for section in body.get("sections", []):
        parts += [*section.get("headline", []), *section.get("paragraphs", [])]
    return "\n".join(parts)


def rows(table: Path) -> list[list[str]]:
    return [row.split("\t") for row in table.read_text(encoding="utf-8").splitlines()[1:]]


def _labelled_pages(folder: Path) -> list[DevPage]:
    urls = {entry["file"]: url for url, entry in json.loads((folder / "evaldata_fr.json").read_text(encoding="utf-8")).items()}
    pages = []
    for page, sha256, main, _caption, french, _note in rows(LABELS):
        if french != "yes":
            continue
        html = read_html(folder / "html" / page)
        text = scrape(html)
        pages.append(DevPage("trafilatura", page, urlparse(urls[page]).hostname or page, html, text,
                             _gold_from_lines(page, text, sha256, main)))
    return pages
