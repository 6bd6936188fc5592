"""Where ``passerelle clean`` spends its time: cProfile over generated news documents.

The documents come from bench/news_corpus.py; the job is the library's
:func:`passerelle.corpus.clean` into a temporary folder with one worker, as
``passerelle clean --workers 1`` runs it. Prints the functions with the most
cumulative and the most own time.

    python -m bench.profile_clean [--count 1000] [--top 40] [--sort tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from collections.abc import Iterable
from pathlib import Path

from passerelle.corpus import clean

from .news_corpus import write_corpus


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    parser.add_argument("--save", type=Path, help="also write the raw profile here (for snakeviz, pstats)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        write_corpus(inputs, args.count)
        profiler = cProfile.Profile()
        profiler.runcall(clean, [str(inputs)], Path(tmp) / "out", workers=1)
    if args.save:
        profiler.dump_stats(args.save)
    pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
