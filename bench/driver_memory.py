"""The driver's memory as the corpus grows: what a job holds per input until it writes the manifest.

A job's driver keeps, for every input, what the manifest will list and what the
commit will rename. For 1,000 and 5,000 distinct generated news pages
(bench/news_corpus.py), ``clean(DIR, OUT, workers=2)`` runs in a fresh process
under tracemalloc (bench/driver_memory_probe.py), today's code and, with
``--baseline REV``, an earlier commit installed apart; the workers clean, so the
driver's heap holds the job's bookkeeping, the dedup index and the caches.
Reported: the traced heap when the manifest is about to be written, its peak
while the manifest is written, and the growth of that peak per input from the
smaller corpus to the larger. Each probe runs ``--rounds`` times and the
smallest peak counts: the driver's threads (the worker pool's) can allocate
while the manifest is written, a few MiB once in a while. The anchor is the manifest itself: its bytes per
input, what holding every input's entry costs at the very least.

Target (issue 14): the driver's memory grows with the merge's streaming buffers, not with the corpus.

    python -m bench.driver_memory [--sizes 1000 5000] [--baseline 6137f85] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .news_corpus import write_corpus
from .results import markdown_table, write_section
from .speed import install_baseline

PROBE = Path(__file__).resolve().parent / "driver_memory_probe.py"
WORKERS = 2
MIB = 2**20


def probe(inputs: Path, out: Path, env: dict[str, str] | None) -> dict[str, int]:
    # Outside the checkout, whose root folder would otherwise be imported as ``passerelle``.
    done = subprocess.run([sys.executable, str(PROBE), str(inputs), str(out), str(WORKERS)], env=env,
                          cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the probe failed: {done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 5000])
    parser.add_argument("--baseline", default="6137f85", help="an earlier commit to measure beside today's ('' for none)")
    parser.add_argument("--rounds", type=int, default=2, help="probes of each code and size; the smallest peak counts")
    args = parser.parse_args(list(argv) if argv is not None else None)
    small, large = args.sizes
    results: dict[tuple[str, int], dict[str, int]] = {}
    manifest_bytes: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        systems: dict[str, dict[str, str] | None] = {"today": None}
        if args.baseline:
            site = install_baseline(args.baseline, tmp / "baseline")
            systems = {f"at {args.baseline} (baseline)": {**os.environ, "PYTHONPATH": str(site)}, **systems}
        for size in args.sizes:
            folder = tmp / f"in{size}"
            write_corpus(folder, size)
            for _ in range(args.rounds):
                for name, env in systems.items():
                    out = tmp / f"out-{size}"
                    measured = probe(folder, out, env)
                    manifest_bytes[size] = (out / "manifest.json").stat().st_size
                    print(f"{size} {name}: {measured}", file=sys.stderr)
                    best = results.get((name, size))
                    if best is None or measured["peak_writing_manifest"] < best["peak_writing_manifest"]:
                        results[(name, size)] = measured
    rows = []
    for name in systems:
        for size in args.sizes:
            measured = results[(name, size)]
            rows.append((f"{size:,}", name, f"{measured['heap_before_manifest'] / MIB:.1f}",
                         f"{measured['peak_writing_manifest'] / MIB:.1f}"))
    growth = {name: (results[(name, large)]["peak_writing_manifest"] - results[(name, small)]["peak_writing_manifest"])
              / (large - small) for name in systems}
    anchor = (manifest_bytes[large] - manifest_bytes[small]) / (large - small)
    lines = [f"- Peak growth per input from {small:,} to {large:,} pages, {name}: {per_input / 1024:.2f} KiB "
             f"({per_input / anchor:.1f}× the manifest's own bytes per input)." for name, per_input in growth.items()]
    lines.append(f"- The manifest (anchor): {anchor / 1024:.2f} KiB per input.")
    body = [
        "## The driver's memory per input (`bench/driver_memory.py`)",
        "",
        f"`clean(DIR, OUT, workers={WORKERS})` over distinct generated news pages, in a fresh process under tracemalloc: the",
        "driver's traced heap (MiB) when the manifest is about to be written, and its peak while it is written; the",
        f"smallest peak of {args.rounds} runs each.",
        "",
        *markdown_table(("pages", "code", "heap before the manifest", "peak while writing it"), rows),
        "",
        *lines,
        "",
        f"Python {sys.version.split()[0]}.",
    ]
    print("\n".join(body))
    write_section("driver_memory", "\n".join(body))


if __name__ == "__main__":
    main()
