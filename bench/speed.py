"""Cleaning speed: ``passerelle clean`` with one worker and with every core, beside its anchors.

Documents come from bench/news_corpus.py (distinct generated news pages with the
noise of real scrapes, about 4 KB each). In one run, for 1,000 and 5,000 of them:

* ``passerelle clean DIR -o OUT --workers N -q`` in a fresh process, with one
  worker and with every core: documents/s and MB/s, wall clock from the command's
  start to its end (start-up included), and the peak RSS of the command and of
  each worker process (VmHWM from /proc, sampled while they run); the commands
  run in turn, ``--rounds`` times, and the best round of each counts;
* with ``--baseline REV``, the same command at an earlier commit (one worker, as it
  ran before workers existed), installed apart in a temporary folder: the
  ``today's`` figure the speed targets are stated against;
* the anchors, in this process: ``cat`` of every file, a C4-style line filter
  (bench/cleaning.py's), ftfy's ``fix_and_explain`` on every line.

Targets (issue 13): at least 4× the baseline's documents/s on one core, at least
1.7× more with two workers than with one, and the peak memory of a worker flat
from 1,000 to 5,000 documents.

    python -m bench.speed [--sizes 1000 5000] [--baseline 5b96f11] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

from passerelle.machine import available_cores

from .cleaning import c4_line_filter
from .news_corpus import write_corpus
from .results import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    seconds: float
    peak_kib: dict[int, int] = field(default_factory=dict)  # by pid: the command first, then its workers

    @property
    def command_kib(self) -> int:
        return next(iter(self.peak_kib.values()), 0)

    @property
    def worker_kib(self) -> int:
        return max(list(self.peak_kib.values())[1:], default=0)


def status_kib(pid: int, names: Iterable[str]) -> dict[str, int]:
    """The fields ``names`` of /proc/PID/status that are there, in KiB (``VmHWM``, ``RssAnon``…); none once it has gone."""
    wanted = set(names)
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        return {name: int(value.split()[0]) for name, _, value in (line.partition(":") for line in lines) if name in wanted}
    except (OSError, ValueError):
        return {}


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def watched(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command``; its wall time and the last peak RSS seen of it and of each of its child processes.

    It runs outside the checkout, whose root folder would otherwise be imported as ``passerelle``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    measured = Measured(0.0)
    while process.poll() is None:
        for pid in [process.pid, *_children(process.pid)]:
            if (peak := status_kib(pid, ["VmHWM"]).get("VmHWM")) is not None:
                measured.peak_kib[pid] = peak
        time.sleep(0.1)
    measured.seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return measured


def install_baseline(revision: str, into: Path) -> Path:
    """The package at ``revision``, built and installed (without dependencies) under ``into``; its site folder."""
    source, site = into / "source", into / "site"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(source), revision], check=True,
                   capture_output=True)
    try:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target",
                        str(site), str(source)], check=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(source)], check=True)
    found = subprocess.run([sys.executable, "-c", "import passerelle; print(passerelle.__file__)"], cwd=tempfile.gettempdir(),
                           env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, check=True).stdout
    if not found.startswith(str(site)):
        raise SystemExit(f"the baseline is not the package imported: {found}")
    return site


def clean_command(inputs: Path, out: Path, workers: int | None) -> list[str]:
    return [sys.executable, "-m", "passerelle", "clean", str(inputs), "-o", str(out), "-q",
            *(["--workers", str(workers)] if workers else [])]


def anchors(folder: Path) -> dict[str, float]:
    paths = sorted(folder.glob("*.txt"))
    started = time.perf_counter()
    subprocess.run(["cat", *map(str, paths)], stdout=subprocess.DEVNULL, check=True)
    cat = time.perf_counter() - started
    started = time.perf_counter()
    texts = [(path.read_text(encoding="utf-8"), path.stem) for path in paths]
    c4_line_filter(texts)
    c4 = time.perf_counter() - started
    started = time.perf_counter()
    for text, _ in texts:
        for line in text.split("\n"):
            ftfy.fix_and_explain(line)
    return {"cat": cat, "C4 line filter": c4, "ftfy fix_and_explain per line": time.perf_counter() - started}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--baseline", default="5b96f11", help="a commit to measure as today's cleaner ('' for none)")
    parser.add_argument("--workers", type=int, default=available_cores(), help="the 'all cores' worker count")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each command; the best counts")
    args = parser.parse_args(list(argv) if argv is not None else None)
    rows: list[tuple[str, ...]] = []
    results: dict[tuple[str, int], Measured] = {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        baseline_env = None
        if args.baseline:
            site = install_baseline(args.baseline, tmp / "baseline")
            baseline_env = {**os.environ, "PYTHONPATH": str(site)}
        for size in args.sizes:
            folder = tmp / f"in{size}"
            paths = write_corpus(folder, size)
            megabytes = sum(p.stat().st_size for p in paths) / 1e6
            systems: list[tuple[str, list[str], dict[str, str] | None]] = [
                ("passerelle clean --workers 1", clean_command(folder, tmp / "out-1", 1), None),
                (f"passerelle clean --workers {args.workers}", clean_command(folder, tmp / "out-n", args.workers), None),
            ]
            if baseline_env is not None and size == min(args.sizes):
                systems.insert(0, (f"passerelle clean at {args.baseline} (baseline, one core)",
                                   clean_command(folder, tmp / "out-base", None), baseline_env))
            # The machine's speed drifts by a fifth from one minute to the next: the systems run in turn,
            # and each one's best round counts.
            for _ in range(args.rounds):
                for name, command, env in systems:
                    measured = watched(command, env)
                    print(f"{size} {name}: {measured.seconds:.1f} s", file=sys.stderr)
                    if (name, size) not in results or measured.seconds < results[(name, size)].seconds:
                        results[(name, size)] = measured
            for name, _, _ in systems:
                measured = results[(name, size)]
                rows.append((f"{size:,}", name, f"{measured.seconds:.1f}", f"{size / measured.seconds:.1f}",
                             f"{megabytes / measured.seconds:.2f}", f"{measured.command_kib / 1024:.0f}",
                             f"{measured.worker_kib / 1024:.0f}" if measured.worker_kib else "-"))
            for name, seconds in anchors(folder).items():
                rows.append((f"{size:,}", f"{name} (anchor)", f"{seconds:.2f}", f"{size / seconds:,.0f}",
                             f"{megabytes / seconds:.1f}", "-", "-"))
                results[(name, size)] = Measured(seconds)
    small, large = min(args.sizes), max(args.sizes)
    one, every = "passerelle clean --workers 1", f"passerelle clean --workers {args.workers}"
    lines = []
    if args.baseline:
        base = results[(f"passerelle clean at {args.baseline} (baseline, one core)", small)].seconds
        lines.append(f"- One worker against the baseline at {small:,} documents: {base / results[(one, small)].seconds:.2f}× "
                     f"(target ≥ 4×); {args.workers} workers against the baseline: {base / results[(every, small)].seconds:.2f}×.")
    for size in args.sizes:
        lines.append(f"- {args.workers} workers against one at {size:,} documents: "
                     f"{results[(one, size)].seconds / results[(every, size)].seconds:.2f}× (target ≥ 1.7× with two).")
        anchor_ratios = ", ".join(f"{name} {results[(one, size)].seconds / results[(name, size)].seconds:,.0f}×"
                                  for name in ("cat", "C4 line filter", "ftfy fix_and_explain per line"))
        lines.append(f"- One worker's time at {size:,} documents over each anchor's: {anchor_ratios}.")
    if len(args.sizes) > 1:
        worker_small, worker_large = results[(every, small)].worker_kib, results[(every, large)].worker_kib
        lines.append(f"- Peak RSS of a worker: {worker_small / 1024:.0f} MiB at {small:,} documents, "
                     f"{worker_large / 1024:.0f} MiB at {large:,} ({(worker_large / worker_small - 1) * 100:+.1f} %).")
    header = ("documents", "system", "seconds", "documents/s", "MB/s", "peak RSS of the command (MiB)",
              "peak RSS of a worker (MiB)")
    body = [
        "## Cleaning speed (`bench/speed.py`)",
        "",
        "Distinct generated news pages (bench/news_corpus.py, about 4 KB each); `passerelle clean DIR -o OUT -q` in a fresh",
        f"process, start-up included, the commands in turn, best of {args.rounds} rounds each; the anchors in the benchmark's own",
        "process. Peak RSS is each process's VmHWM, in the best round.",
        "",
        *markdown_table(header, rows),
        "",
        *lines,
        "",
        f"{available_cores()} cores; Python {sys.version.split()[0]}, ftfy {ftfy.__version__}.",
    ]
    print("\n".join(body))
    write_section("speed", "\n".join(body))


if __name__ == "__main__":
    main()
