"""The driver's memory as the corpus grows: what a job holds per input until it writes the manifest.

A job's driver keeps, for every input, what the manifest will list and what the
commit will rename. For 1,000 and 5,000 distinct generated news pages
(bench/news_corpus.py), ``clean(DIR, OUT, workers=2)`` runs in a fresh process
under tracemalloc (bench/driver_memory_probe.py), today's code and, with
``--baseline REV``, an earlier commit installed apart; the workers clean, so the
driver's heap holds the job's bookkeeping, the dedup index and the caches.
Reported: the traced heap when the manifest is about to be written, its peak
while the manifest is written, the process's peak RSS over the job, SQLite's
peak (the page caches of its temporary tables, which tracemalloc does not see), and the
growth of those peaks per input from the smaller corpus to the larger, for a first run into an empty folder and for a
rerun into the same folder, which reads what the previous manifest lists. The
anchor is the manifest itself: its bytes per input, what holding every input's
entry costs at the very least.

Target (issue 14): the driver's memory grows with the merge's streaming buffers, not with the corpus.

    python -m bench.driver_memory [--sizes 1000 5000] [--baseline 6137f85]
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
RUNS = ("first run", "rerun")
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
    args = parser.parse_args(list(argv) if argv is not None else None)
    small, large = args.sizes
    results: dict[tuple[str, str, int], dict[str, int]] = {}
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
            for number, (name, env) in enumerate(systems.items()):
                out = tmp / f"out-{size}-{number}"  # a folder of its own: the rerun reads its first run's manifest
                for run in RUNS:
                    results[(name, run, size)] = probe(folder, out, env)
                    print(f"{size} {name} {run}: {results[(name, run, size)]}", file=sys.stderr)
                manifest_bytes[size] = (out / "manifest.json").stat().st_size
    rows = []
    for name in systems:
        for run in RUNS:
            for size in args.sizes:
                measured = results[(name, run, size)]
                rows.append((f"{size:,}", name, run, f"{measured['heap_before_manifest'] / MIB:.1f}",
                             f"{measured['peak_writing_manifest'] / MIB:.1f}", f"{measured['peak_rss'] / MIB:.0f}",
                             f"{measured['sqlite_peak'] / MIB:.1f}"))
    anchor = (manifest_bytes[large] - manifest_bytes[small]) / (large - small)
    lines = []
    for name in systems:
        for run in RUNS:
            per_input = (results[(name, run, large)]["peak_writing_manifest"]
                         - results[(name, run, small)]["peak_writing_manifest"]) / (large - small)
            lines.append(f"- Peak growth per input from {small:,} to {large:,} pages, {name}, {run}: {per_input / 1024:.2f} KiB "
                         f"({per_input / anchor:.1f}× the manifest's own bytes per input).")
            rss = (results[(name, run, large)]["peak_rss"] - results[(name, run, small)]["peak_rss"]) / (large - small)
            sqlite = (results[(name, run, large)]["sqlite_peak"] - results[(name, run, small)]["sqlite_peak"]) / (large - small)
            lines.append(f"- Peak RSS growth per input, {name}, {run}: {rss / 1024:.2f} KiB, of which SQLite's peak "
                         f"{sqlite / 1024:.2f} KiB.")
    lines.append(f"- The manifest (anchor): {anchor / 1024:.2f} KiB per input.")
    body = [
        "## The driver's memory per input (`bench/driver_memory.py`)",
        "",
        f"`clean(DIR, OUT, workers={WORKERS})` over distinct generated news pages, in a fresh process under tracemalloc: the",
        "driver's traced heap (MiB) when the manifest is about to be written, and its peak while it is written; a first",
        "run into an empty folder, then a rerun into the same folder. Peak RSS: the driver process's whole job, as the",
        "kernel counts it (VmHWM, MiB), which includes what tracemalloc does not trace; of that, SQLite's peak",
        "(`sqlite3_memory_highwater`, MiB): the page caches of its temporary tables, at most 2 MiB each.",
        "",
        *markdown_table(("pages", "code", "run", "heap before the manifest", "peak while writing it", "peak RSS",
                         "SQLite's peak"), rows),
        "",
        *lines,
        "",
        f"Python {sys.version.split()[0]}.",
    ]
    print("\n".join(body))
    write_section("driver_memory", "\n".join(body))


if __name__ == "__main__":
    main()
