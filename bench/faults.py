"""Faults beyond single inputs, through ``passerelle run`` as a user meets them; part of bench/robustness.py.

- ``kill -9`` at random moments over 10 runs of a 100-document batch, each
  followed by a rerun of the same command: is the final folder byte-identical to
  an uninterrupted run, and how many translations were done twice (only those of
  a batch that was killed before its commit may be)?
- Crawl-sized batches under ``ulimit -n 256``: 20,000 small files in one folder
  (against 2,000, for memory), and a folder tree 200 levels deep. Peak RSS of
  the run, the most file descriptors it held (sampled from /proc), and whether
  every input is in the manifest.
- The run's own output folder among its inputs, a second run on a busy output
  folder, two runs sharing one cache, an input rewritten during the run.
- Full disks: a tmpfs under the output folder, and one under the cache, filled
  mid-run, then given room (skipped where ``mount`` is not permitted).

Every command runs under a timeout: a hang shows as one.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.hostile_corpus import news_documents
from tests.outputs import cached_translations, folder_bytes, output_problems

from .results import markdown_table

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TIMEOUT = 900
Row = tuple[str, ...]


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def _command(inputs: list[str], out: Path, package: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "passerelle", "run", *inputs, "-o", str(out), "--model", str(package), "--beam-size", "1",
            "-q", *extra]


def _manifest_inputs(out: Path) -> list[dict[str, object]]:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError):
        return []


def _few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def _watched(command: list[str], log: Path) -> tuple[int, float, int, int]:
    """Exit code, seconds, peak RSS in MiB and the most descriptors open at once of one process under
    ``ulimit -n 256``; its stderr goes to ``log``."""
    start = time.perf_counter()
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=_env(), stderr=stderr, preexec_fn=_few_descriptors)
    most = 0
    descriptors = Path(f"/proc/{process.pid}/fd")
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > TIMEOUT:
            process.kill()
        try:
            most = max(most, len(os.listdir(descriptors)))
        except OSError:
            pass
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - start, usage.ru_maxrss // 1024, most


def _small_files(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for number in range(count):
        (folder / f"page{number:05d}.txt").write_text(
            f"Dépêche numéro {number} du fil régional.\n\nLe conseil municipal de la commune {number} s'est réuni "
            f"hier soir pour voter le budget de l'année {2000 + number % 25}.\n", encoding="utf-8")
    return folder


def _deep_tree(folder: Path, depth: int) -> Path:
    here = folder
    for level in range(depth):
        here = here / "d"
        if level % 20 == 19:
            here.mkdir(parents=True)
            (here / f"article{level}.txt").write_text(f"Niveau {level}. Le conseil municipal a voté le budget de "
                                                       f"l'année {level} après un long débat.\n", encoding="utf-8")
    return folder


def crawl_rows(work: Path, package: Path) -> list[Row]:
    rows = []
    peaks = {}
    cases = [("files_2000", "2,000 small files in one folder, ulimit -n 256", lambda f: _small_files(f, 2_000), 2_000),
             ("files_20000", "20,000 small files in one folder, ulimit -n 256", lambda f: _small_files(f, 20_000), 20_000),
             ("tree_200_deep", "a folder tree 200 levels deep, a file every 20 levels, ulimit -n 256", lambda f: _deep_tree(f, 200), 10)]
    for name, what, build, count in cases:
        inputs = build(work / name)
        out = work / f"{name}-out"
        code, seconds, peak, most = _watched(_command([str(inputs)], out, package), work / f"{name}.log")
        peaks[name] = peak
        found = len(_manifest_inputs(out))
        rows.append((name, what, str(code), f"{found:,} of {count:,} inputs in the manifest; peak RSS {peak} MiB; "
                     f"at most {most} descriptors open; {seconds:.0f} s", "sound" if not output_problems(out) else "UNSOUND"))
        print(" | ".join(rows[-1]), flush=True)
    growth = peaks["files_20000"] / peaks["files_2000"] - 1 if peaks.get("files_2000") else float("nan")
    rows.append(("memory", "peak RSS, 20,000 small files against 2,000", "–", f"{growth:+.1%}", "–"))
    return rows


def _from_cache(stderr: str) -> int:
    match = re.search(r"(\d+) from cache", stderr)
    return int(match.group(1)) if match else -1


def kill_rows(work: Path, package: Path, runs: int = 10, documents: int = 100) -> list[Row]:
    """Kills at random moments, then a rerun: the rerun must translate exactly what was not committed."""
    inputs = news_documents(work / "kill-in", documents, seed=5)
    reference = work / "kill-reference"
    start = time.perf_counter()
    subprocess.run(_command([str(inputs)], reference, package), env=_env(), timeout=TIMEOUT, check=True)
    whole = time.perf_counter() - start
    total = cached_translations(reference / ".cache" / "translations.sqlite")
    out = work / "kill-out"
    cache = out / ".cache" / "translations.sqlite"
    command = _command([str(inputs)], out, package, "--batch-segments", "16")
    rng = random.Random(7)
    kills = lost = 0
    for _ in range(runs):
        before = cached_translations(cache)
        process = subprocess.Popen(command, env=_env(), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, whole))
        if process.poll() is None:
            process.kill()
            kills += 1
        process.wait(timeout=TIMEOUT)
        lost += cached_translations(cache) < before
    committed = cached_translations(cache)
    finish = subprocess.run([c for c in command if c != "-q"], env=_env(), timeout=TIMEOUT, capture_output=True)
    redone = _from_cache(finish.stderr.decode("utf-8")) - committed
    same = folder_bytes(out) == folder_bytes(reference)
    return [("kill_9_loop", f"{runs} runs of a {documents}-document batch ({whole:.0f} s uninterrupted), each killed at "
             f"a random moment ({kills} of the {runs} were killed before they finished), then the same command once more",
             str(finish.returncode),
             f"{committed:,} of {total:,} translations committed by then; {lost} kill(s) lost committed ones; the last run "
             f"took {redone + committed:,} from the cache and translated the other {total - committed - redone:,}",
             "identical" if same else "DIFFERENT")]


def own_output_rows(work: Path, package: Path) -> list[Row]:
    rows = []
    inputs = work / "own-in"
    shutil.copytree(SEEDS, inputs)
    out = inputs / "out"
    first = subprocess.run(_command([str(inputs)], out, package), env=_env(), timeout=TIMEOUT, capture_output=True)
    before = folder_bytes(out)
    second = subprocess.run(_command([str(inputs)], out, package), env=_env(), timeout=TIMEOUT, capture_output=True)
    statuses = [o["status"] for o in _manifest_inputs(out)]
    rows.append(("output_inside_inputs", "`run in -o in/out`, twice", f"{first.returncode}, {second.returncode}",
                 ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses)),
                 "identical" if folder_bytes(out) == before else "DIFFERENT"))

    busy = work / "busy-out"
    holder = subprocess.Popen(_command(["-"], busy, package), stdin=subprocess.PIPE, env=_env())
    lock = busy / ".passerelle.lock"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text(encoding="ascii") == str(holder.pid)):
        time.sleep(0.05)
    start = time.perf_counter()
    second = subprocess.run(_command([str(SEEDS)], busy, package), env=_env(), timeout=TIMEOUT, capture_output=True)
    refused = time.perf_counter() - start
    holder.communicate((SEEDS / "001_737a2c596c3a624b.txt").read_bytes(), timeout=TIMEOUT)
    rows.append(("busy_output_folder", "a second run on an output folder a first run holds", f"{second.returncode}, "
                 f"{holder.returncode}", second.stderr.decode("utf-8").strip().replace(str(busy), "OUT")
                 + f" (after {refused:.1f} s)", "the first run finished" if holder.returncode == 0 else "FIRST RUN FAILED"))

    shared = work / "shared.sqlite"
    many = news_documents(work / "shared-in", 40, seed=6)
    runs = [subprocess.Popen(_command([str(many)], work / f"shared-{n}", package, "--cache", str(shared),
                                      "--batch-segments", "1"), env=_env(), stderr=subprocess.PIPE) for n in (1, 2)]
    codes = [process.wait(timeout=TIMEOUT) for process in runs]
    same = folder_bytes(work / "shared-1") == folder_bytes(work / "shared-2")
    rows.append(("shared_cache", "two runs at once on different folders sharing one --cache, a commit per segment",
                 ", ".join(map(str, codes)), f"{cached_translations(shared):,} translations cached",
                 "identical" if same else "DIFFERENT"))
    return rows


def _mount(point: Path, kib: int) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)],
                          capture_output=True).returncode == 0


def _resize(point: Path, kib: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={kib}k", str(point)], check=True)


def full_disk_rows(work: Path, package: Path) -> list[Row]:
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    reference = work / "disk-reference"
    subprocess.run(_command(seeds, reference, package), env=_env(), timeout=TIMEOUT, check=True)
    reference_cache = reference / ".cache" / "translations.sqlite"
    rows = []
    disk = work / "out-disk"
    if not _mount(disk, 4096):
        return [("full_disk", "tmpfs file systems", "–", "skipped: mount is not permitted here", "–")]
    try:
        out, cache = disk / "out", work / "disk-cache.sqlite"
        subprocess.run(_command(seeds[1:2], out, package, "--cache", str(cache)), env=_env(), timeout=TIMEOUT, check=True)
        before = folder_bytes(out)
        used = sum(p.stat().st_size for p in disk.rglob("*") if p.is_file())
        wanted = sum(p.stat().st_size for p in reference.rglob("*") if p.is_file() and ".cache" not in p.parts)
        _resize(disk, (used + wanted // 3) // 1024 + 4)
        full = subprocess.run(_command(seeds, out, package, "--cache", str(cache)), env=_env(), timeout=TIMEOUT,
                              capture_output=True)
        kept = folder_bytes(out) == before
        _resize(disk, 8192)
        again = subprocess.run(_command(seeds, out, package, "--cache", str(cache)), env=_env(), timeout=TIMEOUT)
        rows.append(("full_output_disk", "a tmpfs under OUT with room for a third of the new outputs, then room for all",
                     f"{full.returncode}, {again.returncode}", _error(full.stderr) + ("; previous outputs kept" if kept else
                                                                                 "; PREVIOUS OUTPUTS CHANGED"),
                     "identical" if folder_bytes(out) == folder_bytes(reference) else "DIFFERENT"))
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    disk = work / "cache-disk"
    _mount(disk, reference_cache.stat().st_size // 2048)
    try:
        out, cache = work / "disk-out", disk / "translations.sqlite"
        full = subprocess.run(_command(seeds, out, package, "--cache", str(cache), "--batch-segments", "8"), env=_env(),
                              timeout=TIMEOUT, capture_output=True)
        committed = cached_translations(cache)
        _resize(disk, 8192)
        again = subprocess.run([c for c in _command(seeds, out, package, "--cache", str(cache), "--batch-segments", "8")
                                if c != "-q"], env=_env(), timeout=TIMEOUT, capture_output=True)
        rows.append(("full_cache_disk", "a tmpfs under the cache with room for half the translations, then room for all",
                     f"{full.returncode}, {again.returncode}",
                     f"{_error(full.stderr)}; {committed} of {cached_translations(reference_cache)} translations kept, "
                     f"{_from_cache(again.stderr.decode('utf-8'))} taken from the cache by the rerun",
                     "identical" if folder_bytes(out) == folder_bytes(reference) else "DIFFERENT"))
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    return rows


def _error(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", errors="replace").splitlines() if line.startswith("passerelle: error:")]
    # The message up to its advice in brackets: what the user is told went wrong.
    return lines[-1].split(": ", 2)[-1].split(" (")[0].replace("|", "\\|") if lines else "no error"


def fault_table(work: Path, package: Path) -> list[str]:
    """The section's second table: one row per fault, each command under a timeout."""
    rows = [*own_output_rows(work, package), *kill_rows(work, package), *full_disk_rows(work, package),
            *crawl_rows(work, package)]
    header = ("case", "what", "exit", "what happened", "final folder")
    return markdown_table(header, rows)
