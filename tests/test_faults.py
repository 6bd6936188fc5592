"""Faults around a run: a full disk, an unwritable folder, damaged models and caches, signals, a closed pipe.

Each must end with a clear message and the documented exit code, leave nothing
half-written under a final name, and lose nothing that was done: what was
committed to the cache is reused, and a stopped run resumes to the same outputs.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

from passerelle.corpus import writers
from passerelle.corpus.cli import main

from .conftest import SEEDS
from .echo_package import build_echo_package
from .hostile_corpus import news_documents
from .outputs import as_ordinary_user, cached_translations, folder_bytes, lines, output_problems, passerelle

SEED = SEEDS / "001_737a2c596c3a624b.txt"
FINAL_OUTPUTS = ("corpus.jsonl", "corpus.tmx", "parallel/corpus.fr", "parallel/corpus.en", "parallel/corpus.tsv",
                 "audit.jsonl", "manifest.json")


def no_final_outputs(out: Path) -> bool:
    return not any((out / name).exists() for name in FINAL_OUTPUTS)


def temporary_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")] if out.exists() else []


# --- a full disk --------------------------------------------------------------------------


class FullDisk:
    """Stands in for ``open`` in passerelle.corpus.writers: files fill a disk of ``capacity`` bytes, then ENOSPC."""

    def __init__(self, capacity: int) -> None:
        self.capacity, self.used = capacity, 0

    def __call__(self, path: Any, mode: str = "r", **kwargs: Any) -> "_FillingFile":
        return _FillingFile(open(path, mode, **kwargs), self)


class _FillingFile:
    def __init__(self, handle: IO[str], disk: FullDisk) -> None:
        self._handle, self._disk = handle, disk

    def write(self, text: str) -> int:
        self._disk.used += len(text.encode("utf-8"))
        if self._disk.used > self._disk.capacity:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._handle.write(text)

    def flush(self) -> None:
        self._handle.flush()

    def fileno(self) -> int:
        return self._handle.fileno()

    def __enter__(self) -> "_FillingFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def run_in_process(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("filled", [0.0, 0.1, 0.5, 0.99])
def test_a_full_disk_stops_the_run_cleanly_and_keeps_the_previous_outputs(
        filled: float, echo_package_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    arguments = ("run", str(SEED), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1", "-q")
    assert run_in_process(*arguments).exit_code == 0
    before = folder_bytes(out)
    written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts)
    # The disk fills after this share of what a run writes: before the first byte, early, midway, at the very end.
    monkeypatch.setattr(writers, "open", FullDisk(int(filled * written)), raising=False)
    result = run_in_process(*arguments)
    assert result.exit_code == 1
    assert "passerelle: error: cannot write " in result.stderr and "No space left on device" in result.stderr
    assert folder_bytes(out) == before, "files under their final names are the last complete run's"
    assert temporary_files(out) == []


def test_a_full_disk_on_a_first_run_leaves_no_final_file(echo_package_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writers, "open", FullDisk(30_000), raising=False)
    out = tmp_path / "out"
    result = run_in_process("run", str(SEED), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1", "-q")
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert no_final_outputs(out) and temporary_files(out) == []


# --- an output folder that cannot be written ----------------------------------------------------


def test_an_output_folder_inside_a_file_is_reported_before_any_work(echo_package_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = passerelle("run", str(SEED), "-o", str(blocker / "out"), "--model", str(echo_package_dir))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in stderr
    assert f"passerelle: error: cannot write to the output folder {blocker / 'out'}: Not a directory" in stderr


def test_a_read_only_output_folder_is_reported(echo_package_dir: Path, tmp_path: Path) -> None:
    try:
        ordinary = as_ordinary_user()
    except subprocess.SubprocessError:
        pytest.skip("running as root without the right to give up CAP_DAC_OVERRIDE")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    for command in (("run", str(SEED), "-o", str(out), "--model", str(echo_package_dir)), ("clean", str(SEED), "-o", str(out))):
        result = passerelle(*command, preexec_fn=ordinary)
        stderr = result.stderr.decode("utf-8")
        assert result.returncode == 1 and "Traceback" not in stderr, stderr
        assert f"passerelle: error: cannot write to the output folder {out}: Permission denied" in stderr
    assert list(out.iterdir()) == []


# --- damaged model packages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def echo_archive(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build_echo_package(tmp_path_factory.mktemp("archive"), archive=True).read_bytes()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _bytes_flipped(data: bytes) -> bytes:
    middle = bytearray(data)
    for index in range(len(data) // 3, len(data) // 3 + 512):
        middle[index] ^= 0xFF
    return bytes(middle)


@pytest.mark.parametrize(("damage", "message"), [
    (_truncated, "damaged .argosmodel archive, its end is missing"),
    (_bytes_flipped, "damaged archive (Bad CRC-32"),
    (lambda data: b"", "is neither a package folder nor a .argosmodel (zip) archive"),
    (lambda data: b"<html>404 Not Found</html>", "is neither a package folder nor a .argosmodel (zip) archive"),
], ids=["truncated", "bytes_flipped", "empty", "html_error_page"])
def test_a_damaged_archive_is_refused_and_installs_nothing(damage: Any, message: str, echo_archive: bytes,
                                                            tmp_path: Path) -> None:
    archive = tmp_path / "translate-fr_en.argosmodel"
    archive.write_bytes(damage(echo_archive))
    packages = tmp_path / "packages"
    result = passerelle("models", "install", str(archive), env={"ARGOS_PACKAGES_DIR": str(packages)})
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in stderr
    assert f"passerelle: error: {archive}" in stderr and message in stderr
    assert not packages.exists() or list(packages.iterdir()) == []


@pytest.mark.parametrize(("damage", "message"), [
    (lambda model: (model / "model.bin").unlink(), "is not a complete Argos package: missing model/model.bin"),
    (lambda model: (model / "model.bin").write_bytes((model / "model.bin").read_bytes()[:50_000]), "cannot load the model"),
    (lambda model: (model / "model.bin").write_bytes(b""), "cannot load the model"),
], ids=["model_bin_missing", "model_bin_truncated", "model_bin_empty"])
def test_a_damaged_model_folder_stops_the_run_before_any_output(damage: Any, message: str, echo_package_dir: Path,
                                                                 tmp_path: Path) -> None:
    package = tmp_path / echo_package_dir.name
    shutil.copytree(echo_package_dir, package)
    damage(package / "model")
    out = tmp_path / "out"
    result = passerelle("run", str(SEED), "-o", str(out), "--model", str(package))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in stderr and message in stderr, stderr
    assert no_final_outputs(out)
    installed = passerelle("models", "install", str(package), env={"ARGOS_PACKAGES_DIR": str(tmp_path / "packages")})
    if "missing" in message:
        assert installed.returncode == 1 and message.encode() in installed.stderr


# --- a damaged translation cache ----------------------------------------------------------------


@pytest.fixture(scope="module")
def first_run(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cache") / "out"
    assert passerelle("run", str(SEED), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1", "-q").returncode == 0
    return out


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 200)


def _truncate_database(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _trash_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:] = bytes(len(data) - 100)  # the header survives, every page after it is zeroed
    path.write_bytes(bytes(data))


def _other_schema(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE translations (source TEXT, target TEXT)")


@pytest.mark.parametrize("damage", [_garbage, _truncate_database, _trash_pages, _other_schema],
                         ids=["garbage", "truncated", "pages_zeroed", "other_schema"])
def test_a_damaged_cache_is_detected_rebuilt_and_audited(damage: Any, first_run: Path, echo_package_dir: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(first_run, out)
    cache = out / ".cache" / "translations.sqlite"
    damage(cache)
    result = passerelle("run", str(SEED), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1")
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0 and "Traceback" not in stderr
    assert "passerelle: warning: translation cache:" in stderr and "moved aside to translations.sqlite.corrupt" in stderr
    (event,) = [json.loads(line) for line in lines(out / "audit.jsonl") if '"rebuild_corrupt_cache"' in line]
    assert event["action"] == "flag" and event["stage"] == "translate" and "moved aside" in event["detail"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["rules"]["rebuild_corrupt_cache"] == 1
    assert (out / ".cache" / "translations.sqlite.corrupt").exists()
    for name in ("corpus.jsonl", "corpus.tmx", "parallel/corpus.en"):
        assert (out / name).read_bytes() == (first_run / name).read_bytes()
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM translations").fetchone()[0] == len(lines(out / "corpus.jsonl"))


# --- signals ------------------------------------------------------------------------------------


def _command(out: Path, model: Path) -> list[str]:
    return [sys.executable, "-m", "passerelle", "run", str(SEEDS), "-o", str(out), "--model", str(model),
            "--beam-size", "1", "--typography", "plain", "--batch-segments", "8", "-q"]


@pytest.fixture(scope="module")
def uninterrupted(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    assert subprocess.run(_command(out, echo_package_dir), env=env, timeout=600).returncode == 0
    return out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_stopped_run_leaves_no_final_file_and_resumes_to_the_same_outputs(
        signum: int, uninterrupted: Path, echo_package_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    process = subprocess.Popen(_command(out, echo_package_dir), env=env, stderr=subprocess.PIPE)
    cache = out / ".cache" / "translations.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and cached_translations(cache) < 16:
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be stopped"
    process.send_signal(signum)
    _, stderr_bytes = process.communicate(timeout=120)
    stderr = stderr_bytes.decode("utf-8")
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 130 and "Traceback" not in stderr
        assert "passerelle: interrupted; no output was written under a final name" in stderr
        assert temporary_files(out) == [], "a clean stop removes its temporary files"
    assert no_final_outputs(out), "no final file appears before the run ends"
    assert cached_translations(cache) >= 16, "what was translated stays in the cache"
    assert subprocess.run(_command(out, echo_package_dir), env=env, timeout=600).returncode == 0
    assert folder_bytes(out) == folder_bytes(uninterrupted)
    assert output_problems(out) == []


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    # Far more text than a pipe holds (64 KiB): the command is still writing when the reader goes, however slow the reader.
    inputs = news_documents(tmp_path / "in", 200)
    process = subprocess.Popen([sys.executable, "-m", "passerelle", "clean", str(inputs), "-q"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()  # `passerelle clean seeds | head -c 10`
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 141 and stderr == b""
