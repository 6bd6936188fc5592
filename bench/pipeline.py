"""Memory and speed of ``passerelle run`` as the corpus grows: 20 documents against 200.

Documents are generated from FLORES dev French sentences (../shared/eval/flores200/):
a title, five paragraphs of three to five sentences, and a line of site chrome,
so every stage has work. Each batch runs in a fresh process through the CLI with
the small echo package (tests/echo_package.py, a test double; beam 1); peak RSS
is that process's, read from ``getrusage``. Target: peak RSS for 200 documents
within 20 % of that for 20. Documents per second per stage come from the run's
own ``timings.json``.

    python -m bench.pipeline [--eval ../shared/eval] [--small 20] [--large 200]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tests.echo_package import build_echo_package

from .results import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent

CHROME = ("Partager cet article", "Lire aussi : la suite de notre dossier", "Abonnez-vous à notre newsletter")


def make_documents(sentences: list[str], count: int, folder: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for number in range(count):
        paragraphs = [" ".join(rng.sample(sentences, rng.randint(3, 5))) for _ in range(5)]
        title = rng.choice(sentences).rstrip(".")
        text = "\n\n".join([f"## {title}", rng.choice(CHROME), *paragraphs]) + "\n"
        (folder / f"article_{number:04d}.txt").write_text(text, encoding="utf-8")


def measured_run(inputs: Path, out: Path, package: Path) -> tuple[int, dict[str, float]]:
    """Peak RSS in KiB of one ``passerelle run`` process, and its stage timings."""
    probe = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "passerelle", "run", str(inputs), "-o", str(out),
               "--model", str(package), "--beam-size", "1", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(done.stdout.strip()), json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=200)
    args = parser.parse_args(list(argv) if argv is not None else None)
    source = args.eval / "flores200" / "dev" / "fra_Latn.dev"
    if not source.is_file():
        parser.error(f"no FLORES data at {source}; pass --eval PATH to the shared eval folder")
    sentences = source.read_text(encoding="utf-8").splitlines()

    rows = []
    peaks = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        package = build_echo_package(work / "model")
        for count in (args.small, args.large):
            make_documents(sentences, count, work / f"in{count}")
            peak, timings = measured_run(work / f"in{count}", work / f"out{count}", package)
            peaks[count] = peak
            stages = ", ".join(f"{stage} {count / seconds:.1f}" for stage, seconds in timings.items() if seconds > 0)
            total = sum(timings.values())
            rows.append((str(count), f"{peak / 1024:.0f}", f"{count / total:.1f}", stages))
    growth = peaks[args.large] / peaks[args.small] - 1
    header = ("documents", "peak RSS (MiB)", "documents/s overall", "documents/s per stage")
    table = markdown_table(header, rows)
    body = "\n".join([
        "## Pipeline memory and speed (`bench/pipeline.py`)",
        "",
        "Generated documents from FLORES dev French (title, chrome line, five paragraphs), `passerelle run`",
        "in a fresh process each, small echo package (test double), beam 1. Target: peak RSS for",
        f"{args.large} documents within 20 % of that for {args.small}.",
        "",
        *table,
        "",
        f"Peak RSS grows by {growth:+.1%} from {args.small} to {args.large} documents "
        f"({'within' if growth <= 0.2 else 'OUTSIDE'} the 20 % target). Python {sys.version.split()[0]}.",
    ])
    print(body)
    write_section("pipeline", body)


if __name__ == "__main__":
    main()
