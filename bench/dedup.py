"""Duplicates: how well ``passerelle clean`` finds copied documents, what it costs, and how memory grows.

Data, all real French text from ../shared/eval, laid out as scraped pages of
six made-up sites (a menu and a footer each):

* originals: NTREX-128's France-French news (123 documents, by
  DOCUMENT_IDS.tsv), FLORES-200 dev (281 documents, by source URL) and
  newstest2013 (250 runs of 12 consecutive lines);
* hard negatives: NTREX's Canadian-French references, the same 123 stories
  translated by someone else (3-word-shingle Jaccard with the original at
  most 0.33);
* copies of a third of the originals, later in input order, on another
  site, each varied as a syndicating site does: renamed only, or one to three
  of a changed title, the last paragraph trimmed (long documents), 1-3 % of
  words edited, paragraphs reordered.

Families are split by a hash of their name: the tuning half chose the
shingle size and threshold (the grid below, on texts cleaned once), the test
half is scored as it comes out of ``passerelle clean``. Anchors in the same
run: datasketch's MinHashLSH used directly on the raw pages (no cleaning,
the same shingles, threshold and permutations), and exact hashing of the raw
bytes. Memory: ``passerelle clean`` in a fresh process over 1,000 and
10,000 pages built from the same sentences (peak RSS), beside what its digests
and signatures take (line digests of the chrome pre-pass, MinHash signatures
and LSH buckets of pages and cleaned texts, segment digests: tracemalloc).

    python -m bench.dedup [--quick]   # --quick: no 10,000-page memory run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from passerelle.corpus.clean_job import clean
from passerelle.corpus.dedup import CopiesOfPages, DedupConfig, NearDuplicates, SeenSegments, normalised, shingles
from passerelle.normalise import CleanConfig, DetectConfig, repeated_lines

from .results import write_section

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"

SITES = [
    ("Accueil | Monde | France | Économie | Culture | Sport\nS'abonner\nSe connecter",
     "Partager sur Facebook\nPartager sur X\nLe Courrier du Matin © 2024 – Tous droits réservés\nMentions légales"),
    ("LA GAZETTE\nActualités > International\nNewsletter",
     "Vous avez aimé cet article ? Abonnez-vous à notre newsletter.\nContact | Publicité | CGU\n© La Gazette 2024"),
    ("Menu\nRechercher\nL'Info en continu\nVidéos\nPodcasts",
     "Les plus lus\nSuivez-nous sur les réseaux sociaux\nPolitique de confidentialité | Gestion des cookies"),
    ("Le Petit Quotidien – l'actualité en direct\nÉdition du jour",
     "Tags : monde, politique, société\nCommentaires (0)\nConnectez-vous pour réagir"),
    ("INTERNATIONAL  /  EUROPE  /  AMÉRIQUES  /  ASIE\nJournal numérique",
     "Cet article vous a été utile ?\nOui | Non\nRédaction : contact@journal.example\nPlan du site"),
    ("Infos régionales\nMétéo\nTrafic\nAnnonces",
     "Lire aussi\nEn images\nÀ la une\nL'Écho du Soir – mentions légales et données personnelles"),
]


@dataclass(frozen=True)
class Page:
    name: str
    family: str  # the original it is, or copies; hard negatives are families of their own
    kind: str  # original | negative | the variations of a copy, joined by +
    title: str
    paragraphs: tuple[str, ...]
    site: int

    def text(self) -> str:
        header, footer = SITES[self.site]
        return "\n\n".join([header, self.title, *self.paragraphs, footer]) + "\n"


def _paragraphs(sentences: list[str], rng: random.Random) -> tuple[str, ...]:
    out, i = [], 0
    while i < len(sentences):
        size = rng.choice((1, 2, 2, 3))
        out.append(" ".join(sentences[i:i + size]))
        i += size
    return tuple(out)


def _documents(ids: Iterable[str], lines: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(ids, lines):
        if line.strip():
            grouped[doc].append(line.strip())
    return grouped


def real_documents() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Originals by name (title first), and the hard negatives: the same NTREX stories in Canadian French."""
    ntrex = EVAL / "ntrex128-fr-en"
    ids = [line.split("\t")[0] for line in (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()]
    originals = {f"ntrex-{k}": v for k, v in _documents(ids, (ntrex / "newstest2019-ref.fra.txt").read_text(encoding="utf-8").splitlines()).items()}
    negatives = {f"ntrexca-{k}": v for k, v in _documents(ids, (ntrex / "newstest2019-ref.fra-CA.txt").read_text(encoding="utf-8").splitlines()).items()}
    flores = EVAL / "flores200"
    urls = [line.split("\t")[0] for line in (flores / "metadata_dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    url_ids = {url: f"flores-{n:03d}" for n, url in enumerate(dict.fromkeys(urls))}
    originals |= _documents((url_ids[u] for u in urls), (flores / "dev" / "fra_Latn.dev").read_text(encoding="utf-8").splitlines())
    news = (EVAL / "wmt-newstest-fr-en" / "txt" / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    originals |= {f"newstest-{n // 12:03d}": news[n:n + 12] for n in range(0, len(news) - 11, 12)}
    return originals, negatives


def _edit_words(paragraphs: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """1-3 % of the words replaced, deleted or doubled."""
    words = [p.split() for p in paragraphs]
    total = sum(map(len, words))
    for _ in range(max(1, round(total * rng.uniform(0.01, 0.03)))):
        p = rng.randrange(len(words))
        if not words[p]:
            continue
        w = rng.randrange(len(words[p]))
        action = rng.choice(("replace", "delete", "double"))
        if action == "replace":
            words[p][w] = rng.choice(("également", "notamment", "toutefois", "selon", "déjà", "ainsi"))
        elif action == "delete" and len(words[p]) > 1:
            del words[p][w]
        else:
            words[p].insert(w, words[p][w])
    return tuple(" ".join(p) for p in words)


VARIATIONS = ("title", "trim", "edit", "reorder")


def copy_of(page: Page, number: int, rng: random.Random) -> Page:
    if rng.random() < 0.15:
        return replace(page, name=f"copy-{number:04d}", kind="renamed")
    chosen = sorted(rng.sample(VARIATIONS, rng.randint(1, 3)))
    if len(page.paragraphs) < 5 and "trim" in chosen:
        chosen.remove("trim")  # a short text loses too much with its last paragraph to stay a near-duplicate
    title, paragraphs = page.title, page.paragraphs
    if "title" in chosen:
        title = rng.choice(("Ce qu'il faut retenir : ", "DIRECT – ", "Info : ")) + " ".join(title.split()[: max(3, len(title.split()) - 2)])
    if "trim" in chosen:
        paragraphs = paragraphs[:-1]
    if "edit" in chosen:
        paragraphs = _edit_words(paragraphs, rng)
    if "reorder" in chosen:
        paragraphs = tuple(rng.sample(paragraphs, len(paragraphs)))
    return Page(f"copy-{number:04d}", page.family, "+".join(chosen) or "chrome", title, paragraphs,
                rng.choice([s for s in range(len(SITES)) if s != page.site]))


def build_pages(seed: int = 13) -> list[Page]:
    rng = random.Random(seed)
    originals, negatives = real_documents()
    pages = [Page(name, name, "original", lines[0], _paragraphs(lines[1:], rng), rng.randrange(len(SITES)))
             for name, lines in sorted(originals.items())]
    pages += [Page(name, name, "negative", lines[0], _paragraphs(lines[1:], rng), rng.randrange(len(SITES)))
              for name, lines in sorted(negatives.items())]
    rng.shuffle(pages)
    copies = [(rng.randrange(pages.index(p) + 1, len(pages) + 1), copy_of(p, n, rng))
              for n, p in enumerate(rng.sample([p for p in pages if p.kind == "original"], len(originals) // 3))]
    for position, page in sorted(copies, key=lambda c: -c[0]):
        pages.insert(position, page)
    return pages


def in_test_half(family: str) -> bool:
    return hashlib.sha256(family.encode()).digest()[0] % 2 == 1


def write_pages(pages: list[Page], folder: Path) -> list[str]:
    """The pages as files named so that the folder's order is the input order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, page in enumerate(pages):
        path = folder / f"{number:05d}_{page.name}.txt"
        path.write_text(page.text(), encoding="utf-8")
        paths.append(str(path))
    return paths


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, page: Page, dropped: bool, of: Page | None) -> None:
        is_copy = page.kind not in ("original", "negative")
        right = dropped and is_copy and of is not None and of.family == page.family
        self.tp += right
        self.fp += dropped and not right
        self.fn += is_copy and not dropped
        if is_copy:
            self.by_kind[page.kind][0] += right
            self.by_kind[page.kind][1] += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(pages: list[Page], verdicts: dict[str, str | None], keep: Iterable[Page]) -> Score:
    """``verdicts``: page name → the name of the earlier page it copies, or None."""
    by_name = {p.name: p for p in pages}
    result = Score()
    for page in keep:
        of = verdicts.get(page.name)
        result.add(page, of is not None, by_name.get(of) if of else None)
    return result


@dataclass
class CleanRun:
    seconds: float
    verdicts: dict[str, str | None]  # page name → the earlier page it copies, from the manifest
    segments: list[str]  # the French segments listed, normalised
    cleaned: dict[str, str]  # page name → cleaned text


def passerelle_clean(paths: list[str], out: Path, mode: str) -> CleanRun:
    start = time.perf_counter()
    summary = clean(paths, out, CleanConfig(), DetectConfig(), dedup=DedupConfig(mode=mode))
    seconds = time.perf_counter() - start
    doc_to_page = {o.doc_id: Path(o.path).stem.split("_", 1)[1] for o in summary.outcomes}
    verdicts = {}
    for outcome in summary.outcomes:
        earlier = re.match(r"near-duplicate of (\S+)", outcome.message) if outcome.status == "duplicate" else None
        verdicts[doc_to_page[outcome.doc_id]] = doc_to_page[earlier.group(1)] if earlier else None
    segments = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    cleaned = {doc_to_page[o.doc_id]: (out / "clean" / f"{o.doc_id}.fr.txt").read_text(encoding="utf-8")
               for o in summary.outcomes if o.status == "ok"}
    return CleanRun(seconds, verdicts, [normalised(s["text"]) for s in segments if s["lang"] == "fr"], cleaned)


def lsh_anchor(pages: list[Page], config: DedupConfig) -> tuple[float, dict[str, str | None]]:
    """datasketch's MinHashLSH as its documentation shows it, on the raw pages: query, then insert if new."""
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.permutations)
    verdicts: dict[str, str | None] = {}
    for page in pages:
        minhash = MinHash(num_perm=config.permutations)
        minhash.update_batch(shingles(page.text(), config.shingle_words))
        found = sorted(lsh.query(minhash))
        verdicts[page.name] = found[0] if found else None
        if not found:
            lsh.insert(page.name, minhash)
    return time.perf_counter() - start, verdicts


def dedup_alone(pages: list[Page], run: CleanRun, config: DedupConfig) -> float:
    """Seconds for Passerelle's dedup by itself over texts already cleaned: signatures, LSH, segment digests."""
    start = time.perf_counter()
    near, seen = NearDuplicates(config), SeenSegments()
    for page in pages:
        near.check(page.name, run.cleaned.get(page.name, ""))
    for number, text in enumerate(run.segments):
        seen.first(text, "doc", number, 1)
    return time.perf_counter() - start


def exact_anchor(pages: list[Page]) -> tuple[float, dict[str, str | None]]:
    start = time.perf_counter()
    seen: dict[str, str] = {}
    verdicts: dict[str, str | None] = {}
    for page in pages:
        digest = hashlib.sha256(page.text().encode("utf-8")).hexdigest()
        verdicts[page.name] = seen.get(digest)
        seen.setdefault(digest, page.name)
    return time.perf_counter() - start, verdicts


def grid(pages: list[Page], cleaned: dict[str, str]) -> list[tuple[int, float, Score]]:
    """Shingle sizes and thresholds on the tuning half, over the texts as cleaned once."""
    tuning = [p for p in pages if not in_test_half(p.family)]
    rows = []
    for size in (2, 3, 5):
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
            near = NearDuplicates(DedupConfig(threshold=threshold, shingle_words=size))
            verdicts = {}
            for page in tuning:
                found = near.check(page.name, cleaned.get(page.name, ""))
                verdicts[page.name] = found.earlier if found else None
            rows.append((size, threshold, score(tuning, verdicts, tuning)))
    return rows


def closest_strangers(pages: list[Page], cleaned: dict[str, str], size: int) -> tuple[float, str, str]:
    """The highest Jaccard similarity (exact, over shingle sets) between pages of different families, tuning half."""
    tuning = [p for p in pages if not in_test_half(p.family) and cleaned.get(p.name)]
    sets = [set(shingles(cleaned[p.name], size)) for p in tuning]
    best = (0.0, "", "")
    for i, a in enumerate(tuning):
        for j in range(i):
            if tuning[j].family != a.family and sets[i] and sets[j]:
                similarity = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
                best = max(best, (similarity, tuning[j].name, a.name))
    return best


def index_bytes(pages: list[str], texts: list[str], segments: list[str], config: DedupConfig) -> int:
    """What the job's digests and signatures take once ``pages`` are read and cleaned into ``texts`` and
    ``segments``: the pre-pass's repeated lines and page signatures, the cleaned texts' signatures and LSH
    buckets, the segment digests."""
    tracemalloc.start()
    copies = CopiesOfPages(config)
    repeated = repeated_lines(pages, CleanConfig(), copies.page_of)
    near, seen = NearDuplicates(config), SeenSegments()
    for number, text in enumerate(texts):
        near.check(str(number), text)
    for number, text in enumerate(segments):
        seen.first(text, "doc", number, 1)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del repeated
    return size


def synthetic_pages(count: int, seed: int = 29) -> list[Page]:
    """``count`` pages of 10-16 sentences drawn from the real French sentences, one in ten a varied copy."""
    rng = random.Random(seed)
    originals, _ = real_documents()
    sentences = sorted({s for lines in originals.values() for s in lines})
    pages: list[Page] = []
    for number in range(count):
        if pages and rng.random() < 0.1:
            pages.append(replace(copy_of(rng.choice(pages), number, rng), name=f"page-{number:05d}"))
            continue
        chosen = rng.sample(sentences, rng.randint(11, 17))
        pages.append(Page(f"page-{number:05d}", f"page-{number:05d}", "original", chosen[0],
                          _paragraphs(chosen[1:], rng), rng.randrange(len(SITES))))
    return pages


def memory_run(count: int) -> dict[str, float]:
    """``passerelle clean`` over ``count`` synthetic pages in a fresh process: peak RSS, seconds, index size."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_pages(synthetic_pages(count), folder / "in")
        code = ("import json, resource, sys, time; from pathlib import Path; "
                "from passerelle.corpus.clean_job import clean; "
                "t = time.perf_counter(); clean([sys.argv[1]], Path(sys.argv[2])); "
                "print(json.dumps({'seconds': time.perf_counter() - t, "
                "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
        result = subprocess.run([sys.executable, "-c", code, str(folder / "in"), str(folder / "out")], check=True,
                                capture_output=True, text=True, cwd=tempfile.gettempdir())
        measured = json.loads(result.stdout)
        pages = [p.read_text(encoding="utf-8") for p in sorted((folder / "in").iterdir())]
        texts = [p.read_text(encoding="utf-8") for p in sorted((folder / "out" / "clean").iterdir())]
        segments = [json.loads(line)["text"] for line in (folder / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
        measured["index_mb"] = index_bytes(pages, texts, segments, DedupConfig()) / 2**20
    return measured


def _pr(s: Score) -> str:
    return f"{s.precision:.3f} | {s.recall:.3f} | {s.tp} | {s.fp} | {s.fn}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="leave out the 10,000-page memory run")
    args = parser.parse_args()
    pages = build_pages()
    test = [p for p in pages if in_test_half(p.family)]
    config = DedupConfig()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paths = write_pages(pages, folder / "in")
        passerelle_clean(paths[:20], folder / "warm-up", "near")  # loads the lexicons and the model once, untimed
        runs: dict[str, CleanRun] = {}
        for attempt in range(2):  # interleaved, the faster of two: the machine's speed drifts
            for mode in ("none", "exact", "near"):
                result = passerelle_clean(paths, folder / f"{mode}-{attempt}", mode)
                if mode not in runs or result.seconds < runs[mode].seconds:
                    runs[mode] = result
    lsh_seconds, lsh_verdicts = lsh_anchor(pages, config)
    exact_seconds, exact_verdicts = exact_anchor(pages)
    alone_seconds = dedup_alone(pages, runs["none"], config)
    ours = score(pages, runs["near"].verdicts, test)
    rows = grid(pages, runs["none"].cleaned)
    strangers = closest_strangers(pages, runs["none"].cleaned, config.shingle_words)
    memory = {count: memory_run(count) for count in ((1000,) if args.quick else (1000, 10000))}

    copies = sum(p.kind not in ("original", "negative") for p in pages)
    lines = [
        f"Pages: {len(pages)} ({copies} copies, {sum(p.kind == 'negative' for p in pages)} hard negatives), "
        f"test half {len(test)} pages. Settings: {json.dumps(config.to_dict())}.",
        "",
        "| system (test half) | precision | recall | true | false | missed | pages/s |",
        "|---|---|---|---|---|---|---|",
        f"| `passerelle clean --dedup near` (cleaning included) | {_pr(ours)} | {len(pages) / runs['near'].seconds:.1f} |",
        f"| Passerelle's dedup alone, on the texts as cleaned | | | | | | {len(pages) / alone_seconds:.0f} |",
        f"| datasketch MinHashLSH on the raw pages | {_pr(score(pages, lsh_verdicts, test))} | {len(pages) / lsh_seconds:.0f} |",
        f"| exact hashing of the raw pages | {_pr(score(pages, exact_verdicts, test))} | {len(pages) / exact_seconds:.0f} |",
        "",
        "Recall of `passerelle clean` by variation (test half): "
        + ", ".join(f"{kind} {found}/{total}" for kind, (found, total) in sorted(ours.by_kind.items())) + ".",
        "",
        "| `passerelle clean` | seconds | pages/s | exact duplicates left among French segments |",
        "|---|---|---|---|",
    ]
    for mode, result in runs.items():
        left = len(result.segments) - len(set(result.segments))
        lines.append(f"| `--dedup {mode}` | {result.seconds:.1f} | {len(pages) / result.seconds:.1f} | {left} |")
    overhead = runs["near"].seconds / runs["none"].seconds - 1
    lines += [
        "",
        f"Dedup adds {overhead:+.1%} to `passerelle clean` time (target < 10 %).",
        "",
        "Tuning half, texts cleaned once, `NearDuplicates` alone (how the defaults were chosen):",
        "",
        "| shingle words | threshold | precision | recall | true | false | missed |",
        "|---|---|---|---|---|---|---|",
        *(f"| {size} | {threshold} | {_pr(s)} |" for size, threshold, s in rows),
        "",
        f"The most similar pages of different stories (tuning half, {config.shingle_words}-word shingles): "
        f"{strangers[1]} and {strangers[2]}, Jaccard {strangers[0]:.2f}.",
        "",
        "Memory, `passerelle clean --dedup near` in a fresh process over synthetic pages of real sentences:",
        "",
        "| pages | seconds | peak RSS MB | dedup index MB | peak RSS less the index MB |",
        "|---|---|---|---|---|",
        *(f"| {count:,} | {m['seconds']:.0f} | {m['rss_mb']:.0f} | {m['index_mb']:.1f} | {m['rss_mb'] - m['index_mb']:.0f} |"
          for count, m in memory.items()),
    ]
    if len(memory) == 2:
        small, large = (memory[c]["rss_mb"] - memory[c]["index_mb"] for c in (1000, 10000))
        lines += ["", f"Peak RSS less the index grows {large / small - 1:+.1%} from 1,000 to 10,000 pages (target within 20 %)."]
    body = "\n".join(lines)
    print(body)
    write_section("dedup", "## Duplicates (bench/dedup.py)\n\n" + body)


if __name__ == "__main__":
    main()
