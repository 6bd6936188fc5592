"""Compressed inputs: gzip, bzip2, xz and Zstandard read transparently, told by content, bombs refused."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from passerelle.normalise import DocumentIds, InputError, InputRef, iter_input_refs, read_document

from .conftest import SEEDS
from .hostile_corpus import FRENCH
from .outputs import lines, output_problems, passerelle

COMPRESSORS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": (".gz", gzip.compress),
    "bzip2": (".bz2", bz2.compress),
    "xz": (".xz", lzma.compress),
    "zstd": (".zst", lambda data: zstandard.ZstdCompressor().compress(data)),
}


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_each_format_reads_as_its_text_and_is_named_in_the_decoding(kind: str, tmp_path: Path) -> None:
    suffix, compress = COMPRESSORS[kind]
    path = tmp_path / f"dépêche.txt{suffix}"
    path.write_bytes(compress(FRENCH.encode("cp1252")))
    ref = InputRef(str(path))
    document = read_document(ref, DocumentIds().assign(ref), 10_000)
    assert document.text == FRENCH and document.doc_id == "dépêche"
    assert document.decoding.compression == kind and document.decoding.encoding == "cp1252"
    assert document.decoding.describe().startswith(f"compression={kind} encoding=cp1252")


def test_the_format_is_told_by_content_not_by_name(tmp_path: Path) -> None:
    disguised, plain = tmp_path / "page.txt", tmp_path / "page2.txt.gz"
    disguised.write_bytes(gzip.compress(FRENCH.encode("utf-8")))
    plain.write_text(FRENCH, encoding="utf-8")
    assert read_document(InputRef(str(disguised)), "a").decoding.compression == "gzip"
    assert read_document(InputRef(str(plain)), "b").decoding.compression == ""


def test_several_zstd_frames_and_gzip_members_are_one_document(tmp_path: Path) -> None:
    halves = FRENCH.encode("utf-8")[:100], FRENCH.encode("utf-8")[100:]
    for name, compress in (("a.gz", gzip.compress), ("b.zst", zstandard.ZstdCompressor().compress)):
        (tmp_path / name).write_bytes(b"".join(compress(half) for half in halves))
        assert read_document(InputRef(str(tmp_path / name)), "x").text == FRENCH


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_a_decompression_bomb_is_refused_at_the_limit(kind: str, tmp_path: Path) -> None:
    suffix, compress = COMPRESSORS[kind]
    bomb = tmp_path / f"bomb.txt{suffix}"
    bomb.write_bytes(compress(b" " * 20_000_000))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError, match="decompresses to more than the input size limit of 1,000,000 bytes"):
        read_document(InputRef(str(bomb)), "bomb", 1_000_000)


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_truncated_compressed_data_is_refused_with_its_format(kind: str, tmp_path: Path) -> None:
    suffix, compress = COMPRESSORS[kind]
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(compress(FRENCH.encode("utf-8") * 20)[:40])
    with pytest.raises(InputError, match=f"damaged {kind} data"):
        read_document(InputRef(str(path)), "cut", 10_000)


def test_a_folder_walk_finds_compressed_files_by_the_name_under_the_suffix(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt.gz", "c.txt.zst", "d.md.gz", "e.gz"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(ref.path).name for ref in iter_input_refs([str(tmp_path)])] == ["a.txt", "b.txt.gz", "c.txt.zst"]


def test_run_reads_plain_and_compressed_inputs_and_stdin_alike(echo_package_dir: Path, tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "first.txt").write_bytes(seeds[0].read_bytes())
    (inputs / "second.txt.gz").write_bytes(gzip.compress(seeds[1].read_bytes()))
    (inputs / "third.txt.xz").write_bytes(lzma.compress(seeds[2].read_bytes()))
    out = tmp_path / "out"
    result = passerelle("run", str(inputs), "-", "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                        stdin=bz2.compress(seeds[3].read_bytes()))
    assert result.returncode == 0, result.stderr
    outcomes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert [(o["doc_id"], o["decoding"].split(" ")[0]) for o in outcomes] == [
        ("first", "encoding=utf-8"), ("second", "compression=gzip"), ("third", "compression=xz"), ("stdin", "compression=bzip2")]
    assert output_problems(out) == []
    plain = tmp_path / "plain"
    assert passerelle("run", *map(str, seeds[:4]), "-o", str(plain), "--model", str(echo_package_dir), "--beam-size",
                      "1").returncode == 0
    french = [json.loads(line)["fr"] for line in lines(out / "corpus.jsonl")]
    assert french == [json.loads(line)["fr"] for line in lines(plain / "corpus.jsonl")]
