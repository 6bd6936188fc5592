"""Reliability beyond single inputs: special files, outputs inside the inputs, concurrent runs,
real full disks, kills at random moments, inputs that change while a run reads them, deep trees.

Runs go through the CLI in processes of their own, with the echo package (a test double).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from passerelle.corpus.dedup import DedupConfig
from passerelle.corpus.clean_job import clean_inputs
from passerelle.corpus.outcomes import InputFailure
from passerelle.normalise import CleanConfig, InputError, InputRef, read_document
from passerelle.normalise import reading

from .conftest import SEEDS
from .hostile_corpus import FRENCH, news_documents
from .outputs import cached_translations, folder_bytes, lines, output_problems, passerelle

SEED = SEEDS / "001_737a2c596c3a624b.txt"
LOCK = ".passerelle.lock"


def _run(inputs: list[str], out: Path, model: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return passerelle("run", *inputs, "-o", str(out), "--model", str(model), "--beam-size", "1", *extra, timeout=300)


def _command(inputs: list[str], out: Path, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "passerelle", "run", *inputs, "-o", str(out), "--model", str(model), "--beam-size", "1",
            *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def _manifest(out: Path) -> dict[str, object]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# --- outputs inside the inputs ------------------------------------------------------------------


def test_an_output_folder_inside_the_inputs_is_skipped_with_a_warning(echo_package_dir: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, inputs / seed.name)
    out = inputs / "out"
    first = _run([str(inputs)], out, echo_package_dir)
    before = folder_bytes(out)
    second = _run([str(inputs)], out, echo_package_dir)
    assert first.returncode == second.returncode == 0, second.stderr
    assert folder_bytes(out) == before, "the second run reads the same two articles, not its own outputs"
    outcomes = _manifest(out)["inputs"]
    assert [o["status"] for o in outcomes].count("ok") == 2  # type: ignore[union-attr]
    (skipped,) = [o for o in outcomes if o["status"] == "skipped"]  # type: ignore[union-attr]
    assert skipped["path"] == str(out) and skipped["message"] == "skipped: the output folder of this run"
    assert f"passerelle: warning: {out}: skipped: the output folder of this run" in second.stderr.decode("utf-8")
    assert "2 document(s)" in second.stderr.decode("utf-8")


def test_a_folder_holding_an_earlier_run_and_the_cache_file_are_not_inputs(echo_package_dir: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "article.txt")
    assert passerelle("clean", str(SEED), "-o", str(inputs / "earlier")).returncode == 0
    out, cache = tmp_path / "out", inputs / "translations.sqlite"
    result = _run([str(inputs)], out, echo_package_dir, "--glob", "*", "--cache", str(cache))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    outcomes = {o["path"]: o for o in _manifest(out)["inputs"]}  # type: ignore[union-attr]
    assert outcomes[str(inputs / "article.txt")]["status"] == "ok"
    earlier = "skipped: the output folder of an earlier passerelle run (it holds its manifest.json)"
    assert (outcomes[str(inputs / "earlier")]["status"], outcomes[str(inputs / "earlier")]["message"]) == ("skipped", earlier)
    assert f"passerelle: warning: {inputs / 'earlier'}: {earlier}" in stderr
    assert outcomes[str(cache)]["message"] == "skipped: the translation cache of this run"
    assert len(outcomes) == 3, "nothing under the earlier run's folder was read"


# --- one run per output folder ------------------------------------------------------------------


def _lock_owner(out: Path) -> str:
    try:
        return (out / LOCK).read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _holder(out: Path, model: Path) -> subprocess.Popen[bytes]:
    """A run that holds ``out`` until it is given its input on stdin."""
    process = subprocess.Popen(_command(["-"], out, model), stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    deadline = time.monotonic() + 120
    while _lock_owner(out) != str(process.pid):
        assert process.poll() is None and time.monotonic() < deadline, "the first run never took its output folder"
        time.sleep(0.05)
    return process


def test_a_second_run_on_a_busy_output_folder_stops_at_once_and_the_first_finishes(echo_package_dir: Path,
                                                                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _holder(out, echo_package_dir)
    for command in (["run", str(SEED), "--model", str(echo_package_dir)], ["clean", str(SEED)]):
        start = time.monotonic()
        second = passerelle(*command, "-o", str(out), timeout=120)
        assert second.returncode == 1 and time.monotonic() - start < 60
        assert second.stderr.decode("utf-8").strip() == \
            f"passerelle: error: {out} is in use by another passerelle run (pid {first.pid})"
    assert not (out / "manifest.json").exists()
    _, stderr = first.communicate(SEED.read_bytes(), timeout=300)
    assert first.returncode == 0, stderr
    assert output_problems(out) == [] and not (out / LOCK).exists()


def test_a_killed_run_leaves_its_output_folder_free(echo_package_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _holder(out, echo_package_dir)
    first.kill()
    first.wait(timeout=60)
    result = _run([str(SEED)], out, echo_package_dir)
    assert result.returncode == 0, result.stderr
    assert not (out / LOCK).exists()


def test_two_runs_sharing_one_cache_both_finish(echo_package_dir: Path, tmp_path: Path) -> None:
    inputs = news_documents(tmp_path / "in", 8, seed=1)
    cache = tmp_path / "shared.sqlite"
    reference = tmp_path / "reference"
    assert _run([str(inputs)], reference, echo_package_dir).returncode == 0
    outs = [tmp_path / "a", tmp_path / "b"]
    # One segment per batch: many small transactions, so the two runs meet on the cache's lock.
    runs = [subprocess.Popen(_command([str(inputs)], out, echo_package_dir, "--cache", str(cache), "--batch-segments", "1"),
                             stderr=subprocess.PIPE, env=_env()) for out in outs]
    for process in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    for out in outs:
        assert folder_bytes(out) == folder_bytes(reference)
    assert cached_translations(cache) == cached_translations(reference / ".cache" / "translations.sqlite")


# --- a real full disk ---------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str, int], Path]]:
    """Mounts small tmpfs file systems (root only); skips where ``mount`` is not permitted."""
    mounted: list[Path] = []

    def mount(name: str, kib: int) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"mount is not permitted here: {done.stderr.decode(errors='replace').strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _resize(point: Path, kib: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={kib}k", str(point)], check=True)


def _used(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


THREE_SEEDS = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]]


@pytest.fixture(scope="module")
def three_seeds(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An uninterrupted run of three seeds, and its cache."""
    folder = tmp_path_factory.mktemp("three")
    assert _run(THREE_SEEDS, folder / "out", echo_package_dir, "--cache", str(folder / "cache.sqlite")).returncode == 0
    return folder / "out", folder / "cache.sqlite"


def test_a_full_output_file_system_keeps_the_previous_outputs_and_a_rerun_finishes(
        echo_package_dir: Path, tmp_path: Path, tmpfs: Callable[[str, int], Path], three_seeds: tuple[Path, Path]) -> None:
    reference, _ = three_seeds
    disk = tmpfs("out-disk", 4096)
    out, cache = disk / "out", tmp_path / "cache.sqlite"
    assert _run(THREE_SEEDS[1:2], out, echo_package_dir, "--cache", str(cache)).returncode == 0
    before = folder_bytes(out)
    # Room for the previous outputs and a third of the new ones: the disk fills while the run writes.
    _resize(disk, (_used(disk) + _used(reference) // 3) // 1024 + 4)
    full = _run(THREE_SEEDS, out, echo_package_dir, "--cache", str(cache))
    stderr = full.stderr.decode("utf-8")
    assert full.returncode == 1 and "No space left on device" in stderr and "Traceback" not in stderr
    assert folder_bytes(out) == before and not list(out.rglob("*.tmp"))
    committed = cached_translations(cache)
    _resize(disk, 8192)
    rerun = _run(THREE_SEEDS, out, echo_package_dir, "--cache", str(cache))
    assert rerun.returncode == 0
    assert f"{committed} from cache" in rerun.stderr.decode("utf-8"), "what was translated before the disk filled is reused"
    assert folder_bytes(out) == folder_bytes(reference)


def test_a_full_cache_file_system_keeps_what_was_committed_and_a_rerun_finishes(
        echo_package_dir: Path, tmp_path: Path, tmpfs: Callable[[str, int], Path], three_seeds: tuple[Path, Path]) -> None:
    reference, reference_cache = three_seeds
    out = tmp_path / "out"
    assert _run(THREE_SEEDS[1:2], out, echo_package_dir).returncode == 0
    before = folder_bytes(out)
    # Room for part of the translations: SQLite's first commit and its journal need about 36 KiB.
    disk = tmpfs("cache-disk", max(36, reference_cache.stat().st_size // 2048))
    cache = disk / "translations.sqlite"
    full = _run(THREE_SEEDS, out, echo_package_dir, "--cache", str(cache), "--batch-segments", "8")
    stderr = full.stderr.decode("utf-8")
    assert full.returncode == 1 and "database or disk is full" in stderr and "Traceback" not in stderr
    assert folder_bytes(out) == before
    committed = cached_translations(cache)
    assert 0 < committed < cached_translations(reference_cache)
    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _resize(disk, 8192)
    rerun = _run(THREE_SEEDS, out, echo_package_dir, "--cache", str(cache), "--batch-segments", "8")
    assert rerun.returncode == 0
    assert f"{committed} from cache" in rerun.stderr.decode("utf-8"), "what was committed is not translated again"
    assert folder_bytes(out) == folder_bytes(reference)


# --- kill -9 at random moments ------------------------------------------------------------------


def test_kills_at_random_moments_then_a_rerun_give_the_uninterrupted_outputs(echo_package_dir: Path,
                                                                           tmp_path: Path) -> None:
    inputs = news_documents(tmp_path / "in", 16, seed=2)
    command = _command([str(inputs)], tmp_path / "out", echo_package_dir, "--batch-segments", "4", "-q")
    reference = tmp_path / "reference"
    assert subprocess.run(_command([str(inputs)], reference, echo_package_dir, "-q"), env=_env(), timeout=300).returncode == 0
    total = cached_translations(reference / ".cache" / "translations.sqlite")
    out = tmp_path / "out"
    cache = out / ".cache" / "translations.sqlite"
    rng = random.Random(3)
    committed = 0
    for _ in range(2):
        process = subprocess.Popen(command, env=_env())
        # Killed at a random moment once this run has committed something of its own: mid-translation.
        deadline = time.monotonic() + 120
        while process.poll() is None and cached_translations(cache) <= committed and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        process.kill()
        process.wait(timeout=60)
        assert cached_translations(cache) >= committed, "a kill never loses a committed translation"
        committed = cached_translations(cache)
        assert not (out / "manifest.json").exists() or process.returncode == 0
    finish = subprocess.run(command[:-1], env=_env(), capture_output=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    assert f"{committed} from cache" in finish.stderr.decode("utf-8")
    assert cached_translations(cache) == total
    assert folder_bytes(out) == folder_bytes(reference)


# --- special files ------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file: FIFO"):
        read_document(InputRef(str(fifo)), "pipe")


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_text(FRENCH, encoding="utf-8")
    real_fstat = os.fstat
    calls = iter(range(1_000))

    def growing(fd: int) -> os.stat_result:
        # The second look at the open file sees it longer than when the read began.
        found = real_fstat(fd)
        if next(calls) == 0:
            return found
        values = list(found)
        values[6] += 100  # st_size
        return os.stat_result(values)

    monkeypatch.setattr(reading.os, "fstat", growing)
    with pytest.raises(InputError, match="changed while it was read"):
        read_document(InputRef(str(path)), "growing")


def test_an_input_deleted_or_rewritten_during_the_run_is_reported_not_half_used(tmp_path: Path) -> None:
    folder = news_documents(tmp_path / "in", 4, seed=4)
    paths = sorted(folder.iterdir())
    results = clean_inputs([str(folder)], CleanConfig(repeat_min_docs=2), dedup=DedupConfig(mode="none"))
    first = next(results)
    assert not isinstance(first, InputFailure)
    paths[1].write_text(FRENCH, encoding="utf-8")  # rewritten after the batch-wide pass read it
    paths[2].unlink()
    rest = list(results)
    assert rest[0] == InputFailure(str(paths[1]), "changed while the run was going: read again, it differed; "
                                                "run again once it is complete")
    assert rest[1] == InputFailure(str(paths[2]), "no such file")
    assert not isinstance(rest[2], InputFailure)


# --- crawl-sized trees --------------------------------------------------------------------------


def _few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


def test_a_tree_200_folders_deep_is_read_under_a_low_descriptor_limit(echo_package_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    for depth in range(200):
        folder = folder / "d"
        if depth % 50 == 49:
            folder.mkdir(parents=True)
            (folder / f"article{depth}.txt").write_text(FRENCH.replace("Le", f"Le {depth}", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = passerelle("run", str(tmp_path / "deep"), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--dedup", "none", preexec_fn=_few_descriptors, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [o["status"] for o in _manifest(out)["inputs"]] == ["ok"] * 4  # type: ignore[union-attr]
    assert output_problems(out) == []


def test_many_small_files_in_one_folder_under_a_low_descriptor_limit(echo_package_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    for number in range(300):
        (folder / f"page{number:05d}.txt").write_text(f"Article {number}. {FRENCH}", encoding="utf-8")
    out = tmp_path / "out"
    result = passerelle("clean", str(folder), "-o", str(out), "--dedup", "none", preexec_fn=_few_descriptors, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(_manifest(out)["inputs"]) == 300  # type: ignore[arg-type]
    assert len(lines(out / "segments.jsonl")) > 300
