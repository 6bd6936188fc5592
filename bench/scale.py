"""Scale: ``passerelle run`` with the local executor and on Ray, on this machine, in the same run.

Documents come from bench/news_corpus.py (distinct generated news pages, about
4 KB each). For each size, each executor runs as a fresh command in turn, with
the same echo package (tests/echo_package.py, a test double; beam 1):

* ``local``: ``passerelle run DIR -o OUT --workers <cores>``;
* ``ray``: ``passerelle run DIR -o OUT --executor ray``, which starts a local
  Ray instance of its own (its start-up is part of the figure), one translator
  of one CPU, the other CPUs cleaning.

Measured, while each command runs, over the command and every process it
starts (Ray's daemons and workers included), from /proc: wall time, CPU
seconds (user + system, the last reading of each process), and the memory of
each kind of process (the command itself, the driver; its workers; a Ray
translator; Ray's daemons): peak RSS, and apart, private memory and the pages
of Ray's shared object store it has touched. The stage split comes from the run's ``timings.json``: the
``ray:`` stages (start-up, the batch-wide pass, cleaning and translation on the
cluster, folding the translators' caches) and the driver's merge and write.
Both folders must be byte-identical (``timings.json`` aside), or the benchmark
stops.

A third command, ``ray --no-translate``, gives the cleaning rate alone: every
CPU cleans. From it the benchmark derives, on paper, how many cleaning CPUs keep
one GPU translator busy: the segments one cleaning CPU produces per second
against the segments a GPU translates per second, for CTranslate2's published
GPU throughput (``--gpu-tokens-per-second``) and this corpus's tokens per
segment.

    python -m bench.scale [--sizes 200 1000] [--model realistic|small]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from passerelle.machine import available_cores
from tests.echo_package import REALISTIC, SMALL, build_echo_package
from tests.outputs import folder_bytes

from .news_corpus import write_corpus
from .results import markdown_table, write_section
from .speed import status_kib

# CTranslate2's README (OpenNMT/CTranslate2 at 0d8bcd3, MIT), "Benchmarks, GPU": the OPUS-MT base Transformer,
# int8 + float16 (Passerelle's compute type on a GPU), 8,362.7 target tokens per second on an NVIDIA A10G.
PUBLISHED_GPU_TOKENS_PER_SECOND = 8362.7
_TICKS = os.sysconf("SC_CLK_TCK")


# What a process of a command's tree is, by its title: the command itself is the driver.
ROLES = ("driver", "worker", "translator", "Ray daemon")


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "driver"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return "worker"
    if "_Translating" in command:
        return "translator"
    # Ray names its worker processes ray::<task>, and its agents and Ray Data's bookkeeping actors ray::...Agent and
    # ray::_...; its other daemons (GCS, raylet, monitors) run programs from Ray's own folder. The local
    # executor's workers are forks of the command.
    title = command.split("\0")[0]
    if title.startswith("ray::"):
        return "Ray daemon" if title.endswith("Agent") or title.startswith("ray::_") else "worker"
    return "Ray daemon" if "/ray/" in command else "worker"


# Read from /proc/PID/status: the kernel's peak RSS, and, sampled, the process's private memory and the pages of
# shared memory it maps (on Ray, the object store's: one store per machine, counted in every process that reads it).
MEMORY_FIELDS = ("VmHWM", "RssAnon", "RssShmem")


@dataclass
class Watched:
    seconds: float = 0.0
    cpu_ticks: dict[int, int] = field(default_factory=dict)
    peak_kib: dict[int, dict[str, int]] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / _TICKS

    def peak_mib(self, role: str, measure: str = "VmHWM") -> float:
        """The largest peak of ``measure`` of any process in ``role``."""
        return max((peaks.get(measure, 0) for pid, peaks in self.peak_kib.items() if self.roles.get(pid) == role),
                   default=0) / 1024

    def sample(self, pid: int, root: int) -> None:
        if (ticks := _cpu_ticks(pid)) is not None:
            self.cpu_ticks[pid] = ticks
        if memory := status_kib(pid, MEMORY_FIELDS):
            peaks = self.peak_kib.setdefault(pid, {})
            for measure, kib in memory.items():
                peaks[measure] = max(kib, peaks.get(measure, 0))
            # Read again each time: a Ray worker starts under its program's name and takes its task's later.
            self.roles[pid] = _role(pid, root)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, whichever of their threads started them (Ray's raylet starts workers from others)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime


def watched(command: list[str]) -> Watched:
    """Run ``command`` outside the checkout; its wall time, and the CPU time and peak RSS of its whole process tree."""
    measured = Watched()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    while process.poll() is None:
        for pid in _tree(process.pid):
            measured.sample(pid, process.pid)
        time.sleep(0.2)
    measured.seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return measured


COMMANDS = {
    "local": ["--workers", str(available_cores())],
    "ray": ["--executor", "ray"],
    "ray --no-translate": ["--executor", "ray", "--no-translate"],
}


def run_command(inputs: Path, out: Path, package: Path, executor: str) -> list[str]:
    return [sys.executable, "-m", "passerelle", "run", str(inputs), "-o", str(out), "--model", str(package),
            "--beam-size", "1", "-q", *COMMANDS[executor]]


def tokens_per_segment(out: Path, package: Path) -> float:
    """Mean SentencePiece tokens of a translated segment (the echo model's target is its source)."""
    import sentencepiece

    model = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    sources = [json.loads(line)["fr"] for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return sum(len(model.encode(text)) for text in sources) / max(len(sources), 1)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--model", choices=["small", "realistic"], default="small")
    parser.add_argument("--gpu-tokens-per-second", type=float, default=PUBLISHED_GPU_TOKENS_PER_SECOND)
    args = parser.parse_args(list(argv) if argv is not None else None)

    rows, memory, stages, derived = [], [], [], []
    private: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="passerelle-scale-") as scratch:
        work = Path(scratch)
        package = build_echo_package(work / "model", REALISTIC if args.model == "realistic" else SMALL)
        for size in args.sizes:
            inputs = work / f"news{size}"
            write_corpus(inputs, size)
            megabytes = sum(p.stat().st_size for p in inputs.iterdir()) / 1e6
            outs, results = {}, {}
            for executor in COMMANDS:
                outs[executor] = work / f"out-{executor}-{size}"
                results[executor] = watched(run_command(inputs, outs[executor], package, executor))
                print(f"{size} documents, {executor}: {results[executor].seconds:.1f} s", file=sys.stderr)
            if folder_bytes(outs["local"]) != folder_bytes(outs["ray"]):
                raise SystemExit(f"the Ray run's folder differs from the local run's at {size} documents")
            pairs = len((outs["ray"] / "corpus.jsonl").read_text(encoding="utf-8").splitlines())
            for executor, measured in results.items():
                rows.append([f"{size:,}", executor, f"{measured.seconds:.1f}", f"{size / measured.seconds:.1f}",
                             f"{megabytes / measured.seconds:.3f}", f"{measured.cpu_seconds:.0f}"])
                for role in ROLES:
                    if measured.peak_mib(role):
                        memory.append([f"{size:,}", executor, role,
                                       *(f"{measured.peak_mib(role, measure):.0f}" for measure in MEMORY_FIELDS)])
                        private.setdefault((executor, role), []).append(measured.peak_mib(role, "RssAnon"))
            timings = {executor: json.loads((outs[executor] / "timings.json").read_text(encoding="utf-8"))["seconds"]
                       for executor in outs}
            for executor, seconds in timings.items():
                stages.append([f"{size:,}", executor, *(f"{seconds.get(stage, 0.0):.1f}" for stage in STAGES)])
            # Without translation every CPU of the cluster cleans: the pairs over that stage's CPU time.
            per_cleaning_cpu = pairs / (timings["ray --no-translate"]["ray: clean+translate"] * available_cores())
            tokens = tokens_per_segment(outs["ray"], package)
            gpu_segments = args.gpu_tokens_per_second / tokens
            derived.append([f"{size:,}", f"{pairs:,}", f"{per_cleaning_cpu:.1f}", f"{tokens:.1f}",
                            f"{gpu_segments:.0f}", f"{gpu_segments / per_cleaning_cpu:.1f}"])

    body = [
        f"`python -m bench.scale --sizes {' '.join(map(str, args.sizes))} --model {args.model}`, "
        f"{available_cores()} cores; each command in a fresh process, in turn; the echo package ({args.model}, beam 1). "
        "Ray: a local instance started by the command, one translator of one CPU. The two folders are byte-identical "
        "(`timings.json` aside), checked before the figures are written.",
        "",
        "CPU seconds: every process of the command's tree, Ray's daemons included.",
        "",
        *markdown_table(["documents", "executor", "wall s", "docs/s", "MB/s", "CPU s (whole tree)"], rows),
        "",
        "Memory, MiB, the largest of each role's processes: the command (driver); its cleaning workers (Ray's "
        "`ray::` task processes); the translator; Ray's daemons (GCS, raylet, agents, Ray Data's bookkeeping actors). "
        "Peak RSS is the kernel's (VmHWM); private memory (RssAnon) and the object store's pages a process has "
        "touched (RssShmem, shared: one store for the machine, counted again in each process that reads it) are "
        "the largest of samples taken every 0.2 s.",
        "",
        *markdown_table(["documents", "executor", "process", "peak RSS", "private", "object store pages"], memory),
        "",
        *(f"- Private memory of the {role}, {executor}: {' → '.join(f'{v:.0f}' for v in values)} MiB "
          f"({values[-1] / values[0] - 1:+.1%})." for (executor, role), values in private.items() if len(values) > 1),
        "",
        "Stage split, seconds, from each run's `timings.json` (the `ray:` stages run inside the driver's `read+clean`):",
        "",
        *markdown_table(["documents", "executor", *STAGES], stages),
        "",
        "On paper: cleaning CPUs that keep one GPU translator busy. A cleaning CPU's rate is the corpus's pairs over "
        "the `ray --no-translate` run's clean stage, times its CPUs; the GPU's is CTranslate2's published "
        f"{args.gpu_tokens_per_second:,.1f} target tokens/s (OPUS-MT base Transformer, int8 + float16, A10G) over this "
        "corpus's tokens per segment.",
        "",
        *markdown_table(["documents", "pairs", "pairs/s per cleaning CPU", "tokens per segment", "GPU segments/s",
                         "cleaning CPUs per GPU"], derived),
    ]
    write_section(f"Scale: local and Ray executors, the {args.model} echo model (bench/scale.py)", "\n".join(body))
    print("\n".join(body))


STAGES = ("ray: start-up", "ray: batch-wide pass", "ray: clean+translate", "ray: fold caches", "read+clean",
          "translate", "write")


if __name__ == "__main__":
    main()
