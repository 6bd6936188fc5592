"""The Ray executor: the same output folder as a local run, whatever the cluster's order, sizes or faults.

One local Ray cluster serves the session (two CPUs); its workers sleep a random moment before each
document and each translation batch (tests/ray_delays.py), so tasks finish out of order.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.corpus import RunConfig, run
from passerelle.corpus.errors import CorpusError
from passerelle.corpus.clean_job import CleaningJob, cleaning_tasks, list_pages
from passerelle.corpus.ray_executor import EngineSpec, RayExecutor, pairs_dataset
from passerelle.corpus.shards import merged_shards, write_shard
from passerelle.corpus.workers import Shared, Workers
from passerelle.normalise import CleanConfig
from passerelle.translate import EngineConfig, EngineResources

from . import ray_delays
from .conftest import SEEDS
from .hostile_corpus import batch_taking_every_path
from .outputs import cached_translations, folder_bytes, passerelle

EPOCH = "1700000000"
# How Ray titles a translator actor's process (and a cleaning task's: ray::MapBatches(<function>)).
TRANSLATOR_TITLE = "ray::MapWorker(MapBatches(_Translating))"


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    ray = pytest.importorskip("ray")
    # The hook goes to the workers by value: they need not find the tests' folder on their path.
    ray.cloudpickle.register_pickle_by_value(ray_delays)
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=300 * 2**20, log_to_driver=False,
             runtime_env={"worker_process_setup_hook": ray_delays.install_delays})
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_taking_every_path(tmp_path_factory.mktemp("batch") / "in", 16, 11, SEEDS)


@pytest.fixture(scope="module")
def local_run(batch: Path, echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run([str(batch)], out, model=echo_package_dir)
    return out


def test_a_ray_run_writes_the_local_runs_folder(ray_cluster: str, batch: Path, echo_package_dir: Path, local_run: Path,
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    summary = run([str(batch)], tmp_path / "out", model=echo_package_dir, executor=RayExecutor())
    assert folder_bytes(tmp_path / "out") == folder_bytes(local_run)
    statuses = {outcome.status for outcome in summary.inputs.outcomes}
    assert {"ok", "duplicate", "failed"} <= statuses, "the batch takes every path"
    assert "repeated_in_batch" in (tmp_path / "out" / "audit.jsonl").read_text(encoding="utf-8")
    assert not (tmp_path / "out" / ".shards").exists()
    assert [p.name for p in (tmp_path / "out" / ".cache").iterdir()] == ["translations.sqlite"], "translators' files folded"
    new = summary.translation.segments - summary.translation.from_cache
    rows = cached_translations(tmp_path / "out" / ".cache" / "translations.sqlite")
    assert new == rows, "one translator translates each text once"
    # The same run again from the command line: a driver of its own, on the same cluster.
    again = passerelle("run", str(batch), "-o", str(tmp_path / "out"), "--model", str(echo_package_dir),
                       "--executor", "ray", "--ray-address", ray_cluster)
    assert again.returncode == 1, again.stderr.decode()  # the FIFO fails, as in a local run
    assert b"Traceback" not in again.stderr and b"m_pipe.txt" in again.stderr
    translated = summary.translation.segments
    assert f"{summary.pairs} segment(s), {translated} from cache".encode() in again.stderr, "nothing translated again"
    assert folder_bytes(tmp_path / "out") == folder_bytes(local_run)


def test_two_translators_small_tasks_and_killed_workers_give_the_local_runs_folder(
        ray_cluster: str, batch: Path, echo_package_dir: Path, local_run: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Other task sizes, two translators, and a cleaning worker and a translator killed mid-run (Ray replaces them)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    killed: list[str] = []
    done = threading.Event()

    def kill_one_of_each() -> None:
        for title in ("ray::MapBatches(_clean_and_segment)", TRANSLATOR_TITLE):
            while title == TRANSLATOR_TITLE and not done.is_set() and not _committed(tmp_path / "out"):
                time.sleep(0.02)  # the translator is killed once it has committed a batch
            while not done.is_set():
                pid = _process_titled(title)
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(title)
                    break
                time.sleep(0.02)

    killer = threading.Thread(target=kill_one_of_each)
    killer.start()
    try:
        run([str(batch)], tmp_path / "out", model=echo_package_dir,
            executor=RayExecutor(translators=2, cpus_per_translator=0.5, documents_per_task=3))
    finally:
        done.set()
        killer.join()
    assert len(killed) == 2, f"killed {killed}"
    assert folder_bytes(tmp_path / "out") == folder_bytes(local_run)


def test_translators_that_would_leave_no_cpu_to_clean_are_refused(ray_cluster: str, batch: Path, echo_package_dir: Path,
                                                                   tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="leaving none to clean documents"):
        run([str(batch)], tmp_path / "out", model=echo_package_dir, executor=RayExecutor(translators=2))
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_the_clusters_repeated_lines_are_the_local_ones(ray_cluster: str, batch: Path, tmp_path: Path) -> None:
    config = CleanConfig()
    pages = list_pages([str(batch)], config, "*.txt", None)
    job = CleaningJob(config, RunConfig().dedup)
    local = next(cleaning_tasks(pages, job, Workers(1).map, Shared))[1].repeated.get()
    clustered = next(cleaning_tasks(pages, job, RayExecutor().ordered_map(tmp_path / "shards"), Shared))[1].repeated.get()
    assert clustered == local
    assert len(local) > 0


def test_a_killed_ray_run_resumes_with_the_same_outputs_and_no_translation_done_twice(
        ray_cluster: str, batch: Path, echo_package_dir: Path, local_run: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "passerelle", "run", str(batch), "-o", str(out), "--model", str(echo_package_dir),
               "--executor", "ray", "--ray-address", ray_cluster, "-q"]
    driver = subprocess.Popen(command, cwd=tempfile.gettempdir(), env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not _committed(out) and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    # The translators outlive their driver for a moment, and may commit one more batch: count once they are gone.
    while _process_titled(TRANSLATOR_TITLE) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    committed = _committed(out)
    assert committed > 0, "killed while translating"
    assert not (out / "manifest.json").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    summary = run([str(batch)], out, model=echo_package_dir, executor=RayExecutor())
    assert folder_bytes(out) == folder_bytes(local_run)
    new = summary.translation.segments - summary.translation.from_cache
    assert new + committed == cached_translations(out / ".cache" / "translations.sqlite"), "nothing committed translated again"


def _committed(out: Path) -> int:
    return sum(cached_translations(path) for path in (out / ".cache").glob("translations.*.sqlite"))


def test_the_pairs_dataset_holds_every_source_segment_with_its_translation(
        ray_cluster: str, batch: Path, echo_package_dir: Path, local_run: Path, tmp_path: Path) -> None:
    rows = pairs_dataset([str(batch)], tmp_path / "cache.sqlite", model=echo_package_dir).take_all()
    keys = [(row["number"], row["position"]) for row in rows]
    assert len(set(keys)) == len(keys)
    by_id = {row["id"]: row for row in rows}
    corpus = [json.loads(line) for line in (local_run / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) > len(corpus), "the corpus-wide drops are not applied"
    assert all((by_id[r["id"]]["source"], by_id[r["id"]]["target"]) == (r["fr"], r["en"]) for r in corpus)


def test_the_ray_executor_without_ray_is_a_usage_error(tmp_path: Path) -> None:
    without_ray = "import sys; sys.modules['ray'] = None; from passerelle.corpus.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", without_ray, "run", str(SEEDS), "-o", str(tmp_path / "out"),
                             "--executor", "ray"], capture_output=True, cwd=tempfile.gettempdir(), timeout=120)
    assert result.returncode == 2
    assert b'pip install "passerelle[ray]"' in result.stderr
    assert not (tmp_path / "out").exists()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_shards_merge_in_number_order_whatever_the_cluster_returned(sizes: list[int], chance: Any) -> None:
    numbers = list(range(sum(sizes)))
    chance.shuffle(numbers)
    with tempfile.TemporaryDirectory() as scratch:
        paths, start = [], 0
        for size in sizes:  # each task's rows, of any numbers, sorted as a task writes them
            rows = sorted(numbers[start:start + size])
            paths.append(write_shard(Path(scratch), ((n, f"document {n}".encode()) for n in rows)))
            start += size
        chance.shuffle(paths)
        assert list(merged_shards(paths, len(numbers))) == [(n, f"document {n}".encode()) for n in range(len(numbers))]


def test_a_gpu_translator_runs_one_batch_with_a_thread_per_cpu(echo_package_dir: Path) -> None:
    """The GPU path cannot run here; what differs from the CPU path, the engine's threads, is checked."""
    spec = EngineSpec(EngineConfig(), "fr", "en", echo_package_dir, EngineResources(), cpus=4)
    assert (spec.threads("cuda").inter_threads, spec.threads("cuda").intra_threads) == (1, 4)
    assert (spec.threads("cpu").inter_threads, spec.threads("cpu").intra_threads) == (4, 1)
    given = EngineSpec(EngineConfig(), "fr", "en", echo_package_dir, EngineResources(inter_threads=2, intra_threads=3), 4)
    assert (given.threads("cuda").inter_threads, given.threads("cuda").intra_threads) == (2, 3), "given threads are kept"


def _process_titled(prefix: str) -> int | None:
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().startswith(prefix.encode()):
                return int(entry.name)
        except OSError:
            continue
    return None
