"""Worker processes change no output byte, and stop as cleanly as a job without them.

The batch mixes what takes each path through the workers: pages sharing site
chrome (the batch-wide repeated-lines pass), a copy of a page under another
name (near-duplicates), a FIFO (an input that fails) and many distinct
articles. Runs translate with the echo package (a test double).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.corpus import RunConfig, clean, clean_inputs, run
from passerelle.corpus import clean_job, workers as workers_module
from passerelle.corpus.errors import CorpusError
from passerelle.corpus.outcomes import InputFailure
from passerelle.corpus.pipeline import Resources
from passerelle.corpus.workers import Workers
from passerelle.normalise import CleanConfig, CleanedDocument

from .conftest import SEEDS
from .hostile_corpus import batch_taking_every_path, news_documents
from .outputs import folder_bytes

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_taking_every_path(tmp_path_factory.mktemp("batch") / "in", 14, 7, SEEDS)


def test_clean_with_two_workers_writes_the_same_folder_as_with_one(batch: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one = clean([str(batch)], tmp_path / "one", workers=1)
    two = clean([str(batch)], tmp_path / "two", workers=2)
    assert folder_bytes(tmp_path / "one") == folder_bytes(tmp_path / "two")
    assert list(one.outcomes) == list(two.outcomes)
    statuses = {outcome.status for outcome in two.outcomes}
    assert {"ok", "duplicate", "failed"} <= statuses, "the batch takes every path"
    assert "repeated_in_batch" in (tmp_path / "two" / "audit.jsonl").read_text(encoding="utf-8")


def test_run_with_two_workers_writes_the_same_folder_as_with_one(batch: Path, echo_package_dir: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one = run([str(batch)], tmp_path / "one", model=echo_package_dir, resources=Resources(batch_segments=16, workers=1))
    two = run([str(batch)], tmp_path / "two", model=echo_package_dir, resources=Resources(batch_segments=16, workers=2))
    assert folder_bytes(tmp_path / "one") == folder_bytes(tmp_path / "two")
    assert one.pairs == two.pairs > 100


def _results(folder: Path, count: int, config: CleanConfig) -> list[tuple[str, str, list[dict[str, object]]]]:
    with Workers(count) as pool:
        return [(type(r).__name__, r.text if isinstance(r, CleanedDocument) else str(r), [e.to_dict() for e in
                 getattr(getattr(r, "cleaned", r), "events", [])]) for r in clean_inputs([str(folder)], config, workers=pool)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=19), min_size=1, max_size=12), chunk=st.integers(1, 5),
       ahead=st.integers(1, 3), repeat_min_docs=st.sampled_from([0, 2, 3]))
def test_any_batch_gives_the_same_results_in_the_same_order_with_workers(
        batch: Path, picks: list[int], chunk: int, ahead: int, repeat_min_docs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = sorted(p for p in batch.iterdir() if p.is_file())[:20]
    monkeypatch.setattr(workers_module, "CHUNK_ITEMS", chunk)
    monkeypatch.setattr(workers_module, "CHUNKS_AHEAD", ahead)
    config = CleanConfig(repeat_min_docs=repeat_min_docs)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for number, pick in enumerate(picks):  # a random batch: pages in any order, some twice
            shutil.copy(pool[pick], folder / f"{number:02d}_{pool[pick].name}")
        assert _results(folder, 2, config) == _results(folder, 1, config)


_clean_document = clean_job.clean_document


def _dies_on_the_copy(document: Any, *args: Any, **kwargs: Any) -> Any:
    if "copy" in document.doc_id:
        os.kill(os.getpid(), signal.SIGKILL)
    return _clean_document(document, *args, **kwargs)


def test_a_worker_that_dies_stops_the_job_and_writes_nothing(batch: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = news_documents(tmp_path / "in", 40, seed=3)  # the other worker busy with pages of its own
    shutil.copy(batch / "zz_copy_of_002.txt", folder / "article_0020_copy.txt")
    monkeypatch.setattr(clean_job, "clean_document", _dies_on_the_copy)  # the forked workers inherit it
    started = time.monotonic()
    with pytest.raises(CorpusError, match="worker process died"):
        clean([str(folder)], tmp_path / "out", workers=2)
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [], "nothing written, not even temporary files"


def _fails_on_the_copy(document: Any, *args: Any, **kwargs: Any) -> Any:
    if "copy" in document.doc_id:
        raise ValueError(f"a bug met in {document.doc_id}")
    return _clean_document(document, *args, **kwargs)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_the_cleaner_fails_that_input_and_the_batch_goes_on(batch: Path, tmp_path: Path, workers: int,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clean_job, "clean_document", _fails_on_the_copy)
    summary = run([str(batch)], tmp_path / "out", RunConfig(translate=False), resources=Resources(workers=workers))
    failed = {Path(o.path).name: o.message for o in summary.inputs.failed}
    assert sorted(failed) == ["m_pipe.txt", "zz_copy_of_002.txt"]  # the FIFO cannot be read
    assert "ValueError: a bug met in zz_copy_of_002" in failed["zz_copy_of_002.txt"]
    assert len(summary.inputs.outcomes) == len(list(batch.iterdir()))
    assert (tmp_path / "out" / "manifest.json").exists()


def test_unreadable_inputs_are_reported_the_same_with_workers(batch: Path, tmp_path: Path) -> None:
    with Workers(2) as pool:
        failures = [r for r in clean_inputs([str(batch), str(tmp_path / "missing.txt")], workers=pool)
                    if isinstance(r, InputFailure)]
    assert [f.path for f in failures] == [str(batch / "m_pipe.txt"), str(tmp_path / "missing.txt")]


def _group(session: int) -> list[int]:
    """The processes of a session still alive (zombies aside)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if entry.isdigit() and fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["Ctrl-C", "SIGKILL"])
def test_a_stopped_clean_leaves_no_worker_behind(batch: Path, tmp_path: Path, signum: int) -> None:
    big = news_documents(tmp_path / "in", 300, seed=11)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "passerelle", "clean", str(big), "-o", str(out), "--workers", "2"],
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_group(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_group(process.pid)) == 3, "the command and its two workers"
    time.sleep(1.0)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # Ctrl-C reaches the whole foreground group
    else:
        process.kill()  # the command alone: its workers find themselves orphaned
    _, stderr = process.communicate(timeout=60)
    if signum == signal.SIGINT:
        assert process.returncode == 130 and b"Traceback" not in stderr, stderr
        assert b"passerelle: interrupted" in stderr
    deadline = time.monotonic() + 10
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(process.pid) == [], "no worker outlives the command"
    assert not (out / "manifest.json").exists()
