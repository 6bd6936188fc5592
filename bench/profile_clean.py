"""Where ``passerelle clean`` spends its time: cProfile, or a stage budget, over generated news documents.

The documents come from bench/news_corpus.py; the job is the library's
:func:`passerelle.corpus.clean` into a temporary folder with one worker, as
``passerelle clean --workers 1`` runs it.

* By default, cProfile: the functions with the most own (or cumulative) time,
  then the share of own time spent in Passerelle's own Python functions. The
  rest is spent in C (the regular expression engine, string methods, I/O) and
  in the libraries (ftfy, wordfreq, numpy, datasketch), which no change to
  Passerelle's Python alone can take away. cProfile's overhead falls on
  Python calls, so it overstates that share.
* With ``--stages``, no profiler: a clock around each stage the job calls for a
  page (its two cleaning passes apart). The rest is start-up, loading the word
  lists and the bookkeeping between stages. Then the same job under cProfile,
  in a fresh process (nothing cached), for the share of Passerelle's own
  functions. Both go to bench/RESULTS.md.

    python -m bench.profile_clean [--count 1000] [--top 40] [--sort tottime]
    python -m bench.profile_clean --stages [--count 1000]
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from passerelle.corpus import clean, clean_job
from passerelle.corpus.dedup import MinHashSigner
from passerelle.normalise import cleaning

from .news_corpus import ROOT, write_corpus
from .results import markdown_table, write_section

# Passerelle's own code: the package folders of the repository.
OWN_FOLDERS = tuple(str(ROOT / folder) for folder in ("passerelle", "normalise", "translate", "corpus"))


def _pass(cleaner: Any, *args: Any) -> str:
    return "cleaning, first pass (edits, rules, article model, typography)" if cleaner.editing else \
        "cleaning, second pass (judging the cleaned text again, to the fixed point)"


# Each stage: a label (or a function of the call's arguments that gives it), the object the job
# looks the function up on, and its name there.
STAGES: tuple[tuple[str | Callable[..., str], object, str], ...] = (
    ("reading and decoding", clean_job, "read_document"),
    ("line keys of the repeated-lines survey", clean_job, "page_line_keys"),
    (_pass, cleaning._Cleaner, "clean"),
    ("segmenting and per-segment language detection", clean_job, "segment_document"),
    ("MinHash signatures (raw and cleaned pages)", MinHashSigner, "signature"),
    ("writing the outputs", clean_job, "write_cleaned"),
)


@contextmanager
def _clocked(label: str | Callable[..., str], owner: object, name: str, totals: defaultdict[str, float]) -> Iterator[None]:
    """``owner.name`` adds its wall time to ``totals[label]`` while the block runs."""
    original = getattr(owner, name)

    def clocked(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label(*args) if callable(label) else label] += time.perf_counter() - start

    setattr(owner, name, clocked)
    try:
        yield
    finally:
        setattr(owner, name, original)


def stage_budget(inputs: Path, out: Path) -> tuple[float, dict[str, float]]:
    """The job's wall time and each stage's."""
    totals: defaultdict[str, float] = defaultdict(float)
    with ExitStack() as stack:
        for label, owner, name in STAGES:
            stack.enter_context(_clocked(label, owner, name, totals))
        start = time.perf_counter()
        clean([str(inputs)], out, workers=1)
        return time.perf_counter() - start, totals


def profiled(inputs: Path, out: Path) -> pstats.Stats:
    """The job run under cProfile."""
    profiler = cProfile.Profile()
    profiler.runcall(clean, [str(inputs)], out, workers=1)
    return pstats.Stats(profiler)


def profiled_share(inputs: Path, out: Path) -> float:
    """Run the job under cProfile; the share of own time in Passerelle's functions."""
    return own_share(profiled(inputs, out))


def own_share(stats: pstats.Stats) -> float:
    """The share of own time spent in functions defined in Passerelle's folders."""
    own = total = 0.0
    for (filename, _, _), (_, _, own_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += own_time
        if filename.startswith(OWN_FOLDERS):
            own += own_time
    return own / total if total else 0.0


def write_budget(count: int, seconds: float, totals: dict[str, float], share: float) -> None:
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    rows = [(label, f"{spent:.2f}", f"{spent / seconds:.0%}") for label, spent in ranked]
    rest = seconds - sum(totals.values())
    rows.append(("the rest: start-up, word lists, bookkeeping", f"{rest:.2f}", f"{rest / seconds:.0%}"))
    body = [
        "## Where cleaning spends its time (`bench/profile_clean.py --stages`)",
        "",
        f"{count:,} distinct generated news pages (bench/news_corpus.py); the library's `clean` with one worker, in one",
        "process, a clock around each stage the job calls for a page. One run: on this machine the same command's time",
        "varies by about 6 % from run to run.",
        "",
        *markdown_table(("stage", "seconds", "share"), rows),
        "",
        f"Whole job: {seconds:.2f} s ({count / seconds:.1f} pages/s). The same job under cProfile, in a fresh process:",
        f"{share:.0%} of the own time in Passerelle's Python functions, {1 - share:.0%} in C and the libraries (regular",
        "expressions, string methods, ftfy, wordfreq, numpy, datasketch, I/O); cProfile's overhead falls on Python calls,",
        f"so it overstates the first. Python {sys.version.split()[0]}.",
    ]
    print("\n".join(body))
    write_section("clean_stages", "\n".join(body))


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    parser.add_argument("--save", type=Path, help="also write the raw profile here (for snakeviz, pstats)")
    parser.add_argument("--stages", action="store_true", help="time each stage (no profiler), then the profiled share in a fresh process; "
                        "write bench/RESULTS.md")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        write_corpus(inputs, args.count)
        if args.stages:
            seconds, totals = stage_budget(inputs, Path(tmp) / "out")
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
                share = fresh.submit(profiled_share, inputs, Path(tmp) / "out-profiled").result()
            write_budget(args.count, seconds, totals, share)
            return
        stats = profiled(inputs, Path(tmp) / "out")
    if args.save:
        stats.dump_stats(args.save)
    share = own_share(stats)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(f"Own time in Passerelle's Python functions: {share:.0%} (cProfile overstates it); "
          f"in C and the libraries: {1 - share:.0%}.")


if __name__ == "__main__":
    main()
