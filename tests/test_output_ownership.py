"""What a job may write and remove: the files its manifest lists, and where ``-o`` points, nothing else."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from passerelle.corpus import clean_job
from passerelle.corpus.dedup import DedupConfig
from passerelle.corpus.errors import UnusableOutput
from passerelle.corpus.writers import StagedFiles, output_target
from passerelle.normalise import CleanConfig

from .hostile_corpus import FRENCH
from .outputs import passerelle

ARTICLE = "# Le budget des écoles\n\n" + FRENCH


def write_inputs(folder: Path, names: list[str]) -> list[str]:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(ARTICLE.replace("écoles", f"écoles de {name}"), encoding="utf-8")
    return [str(folder / f"{name}.txt") for name in names]


def clean(*args: str) -> tuple[int, str]:
    # The inputs are one article with a word changed: near-duplicates, which dedup would leave out.
    result = passerelle("clean", *args, "--repeat-min-docs", "0", "--dedup", "none")
    return result.returncode, result.stderr.decode("utf-8", errors="replace")


def test_the_manifest_lists_every_file_the_job_wrote(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", ["a", "b"])
    assert clean(*inputs, "-o", str(tmp_path / "out"))[0] == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert manifest["outputs"] == on_disk == ["audit.jsonl", "clean/a.fr.txt", "clean/b.fr.txt", "manifest.json",
                                              "segments.jsonl"]


def test_a_rerun_removes_what_the_previous_run_wrote_and_this_one_does_not(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert clean(*write_inputs(tmp_path / "in", ["a", "b", "c", "d", "e"]), "-o", str(out))[0] == 0
    (out / "notes.txt").write_text("mes notes", encoding="utf-8")
    (out / "clean" / "mine.txt").write_text("à garder", encoding="utf-8")
    assert clean(str(tmp_path / "in" / "a.txt"), "-o", str(out))[0] == 0
    assert sorted(p.name for p in (out / "clean").iterdir()) == ["a.fr.txt", "mine.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [o["doc_id"] for o in manifest["inputs"]] == ["a"] and "clean/b.fr.txt" not in manifest["outputs"]


@pytest.mark.parametrize("layout", ["compact", "outputs first"])
def test_a_rerun_reads_what_a_manifest_rewritten_in_another_layout_lists(tmp_path: Path, layout: str) -> None:
    # A manifest this tool wrote is read from its end, where the outputs are; any other layout is parsed whole.
    out, inputs = tmp_path / "out", write_inputs(tmp_path / "in", ["a", "b"])
    settings = {"config": CleanConfig(repeat_min_docs=0), "dedup": DedupConfig(mode="none"), "workers": 1}
    clean_job.clean(inputs, out, **settings)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if layout == "outputs first":
        manifest = {"outputs": manifest.pop("outputs"), **manifest}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2 if layout == "outputs first" else None), encoding="utf-8")
    clean_job.clean(inputs[:1], out, **settings)
    assert sorted(p.name for p in (out / "clean").iterdir()) == ["a.fr.txt"]


@pytest.mark.parametrize("layout", ["as written", "compact"])
def test_a_manifest_edited_to_name_files_outside_the_folder_removes_nothing_there(tmp_path: Path, layout: str) -> None:
    out = tmp_path / "out"
    assert clean(*write_inputs(tmp_path / "in", ["a"]), "-o", str(out))[0] == 0
    precious = tmp_path / "precious.txt"
    precious.write_text("ne pas effacer", encoding="utf-8")
    (out / "link.txt").symlink_to(precious)
    (out / "linked").symlink_to(tmp_path, target_is_directory=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"] += ["../precious.txt", str(precious), "link.txt", "clean/../../precious.txt", "linked/precious.txt",
                            "clean/a\u0000.fr.txt"]
    # As written: the outputs list last, an item a line, read a line at a time; compact: parsed whole.
    edited = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n" if layout == "as written" else json.dumps(manifest)
    (out / "manifest.json").write_text(edited, encoding="utf-8")
    code, stderr = clean(str(tmp_path / "in" / "a.txt"), "-o", str(out))
    assert code == 0 and "Traceback" not in stderr
    assert precious.read_text(encoding="utf-8") == "ne pas effacer" and (out / "link.txt").is_symlink()


def test_when_no_input_can_be_read_the_previous_outputs_stay(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert clean(*write_inputs(tmp_path / "in", ["a", "b"]), "-o", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stderr = clean(str(tmp_path / "missing.txt"), str(tmp_path / "also-missing.txt"), "-o", str(out))
    assert code == 1 and "no input could be read (all 2 input(s) failed)" in stderr and "Traceback" not in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_run_with_no_readable_input_leaves_its_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "corpus.tmx").write_text("<tmx/>", encoding="utf-8")
    result = passerelle("run", str(tmp_path / "nonexistent"), "-o", str(out), "--no-translate")
    assert result.returncode == 1 and b"no input could be read" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["corpus.tmx"]


# --- where -o points ------------------------------------------------------------------------------

def test_a_symbolic_link_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "corpus.tmx"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "corpus.tmx"
    link.symlink_to(target)
    with StagedFiles() as staged:
        staged.write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert not list(tmp_path.glob(".*.tmp")) and not list(target.parent.glob(".*.tmp"))


def test_a_fifo_is_written_to_directly_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with StagedFiles() as staged:
        staged.write_text(fifo, "ligne\n")
    reader.join(timeout=10)
    assert received == [b"ligne\n"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_to_directly(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    with StagedFiles() as staged:
        staged.write_text(device, "rien\n")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: __import__("socket").socket(
    __import__("socket").AF_UNIX).bind(str(p))], ids=["folder", "socket"])
def test_other_kinds_of_path_are_refused(tmp_path: Path, make: object) -> None:
    path = tmp_path / "x"
    make(path)  # type: ignore[operator]
    with pytest.raises(UnusableOutput, match="regular file, a FIFO, a character device"):
        output_target(path)


def test_export_refuses_a_folder_with_a_usage_error_and_writes_to_stdout_with_a_dash(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert clean(*write_inputs(tmp_path / "in", ["a"]), "-o", str(out))[0] == 0
    fake_run = _fake_run(tmp_path / "run2")
    (tmp_path / "a-folder").mkdir()
    refused = passerelle("export", str(fake_run), "--format", "tsv", "-o", str(tmp_path / "a-folder"))
    assert refused.returncode == 2 and b"is a folder" in refused.stderr and b"Traceback" not in refused.stderr
    to_stdout = passerelle("export", str(fake_run), "--format", "tsv", "-o", "-")
    assert to_stdout.returncode == 0 and to_stdout.stdout == "Bonjour.\tHello.\n".encode("utf-8")
    assert not (Path(os.getcwd()) / "-").exists()
    moses = passerelle("export", str(fake_run), "--format", "moses", "-o", "-")
    assert moses.returncode == 2 and b"two files" in moses.stderr


def test_export_into_a_read_only_folder_fails_with_the_reason(tmp_path: Path) -> None:
    from .outputs import as_ordinary_user

    try:
        preexec = as_ordinary_user()
    except Exception:
        pytest.skip("running as root without the right to give up CAP_DAC_OVERRIDE")
    fake_run = _fake_run(tmp_path / "run")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    result = passerelle("export", str(fake_run), "--format", "tsv", "-o", str(locked / "x.tsv"), preexec_fn=preexec)
    assert result.returncode == 1 and b"Permission denied" in result.stderr and b"Traceback" not in result.stderr
    assert list(locked.iterdir()) == []


def _fake_run(folder: Path) -> Path:
    """The files export reads: a manifest naming the languages and one pair in corpus.jsonl."""
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"config": {"clean": {"source_lang": "fr"}, "target_lang": "en"}}),
                                          encoding="utf-8")
    record = {"id": "d:1:1", "doc": "d", "role": "body", "span": [0, 8], "lang": "fr", "lang_score": 1.0, "fr": "Bonjour.",
              "en": "Hello.", "engine": "test", "score": -0.1, "flags": [], "rules": []}
    (folder / "corpus.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder
