"""Intermediate shards of a job spread over a cluster: numbered records, merged back in input order.

A worker writes what it made of a batch of documents as one shard, a file of
``(number, payload)`` records sorted by number, under a name no other worker
uses. The driver merges the shards it was told of, so what it reads comes in
input order whatever order the cluster finished in, and holds one buffered
record per shard at a time rather than the corpus.
"""

from __future__ import annotations

import heapq
import os
import struct
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from .errors import CorpusError

_HEADER = struct.Struct("<QQ")  # the record's number, its payload's length
# Shards read at once by a merge; more are merged in groups first, so a corpus never runs out of file handles.
MAX_OPEN_SHARDS = 128


def write_shard(folder: Path, records: Iterable[tuple[int, bytes]], name: str | None = None) -> Path:
    """One shard of ``records``, given in ascending number order, in ``folder``, under ``name`` (by default one no
    other shard has); complete under its name or absent."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or uuid.uuid4().hex}.shard"
    partial = path.with_suffix(".partial")
    last = -1
    with open(partial, "wb") as file:
        for number, payload in records:
            if number <= last:
                raise ValueError(f"shard records out of order: {number} after {last}")
            file.write(_HEADER.pack(number, len(payload)))
            file.write(payload)
            last = number
    os.replace(partial, path)
    return path


def merged_shards(paths: list[Path], count: int) -> Iterator[tuple[int, bytes]]:
    """The records of ``paths`` in number order, which must be 0 to ``count`` - 1, each once."""
    expected = 0
    for number, payload in _merge(paths, paths[0].parent if paths else Path(".")):
        if number != expected:
            raise CorpusError(f"the cluster's results {'repeat' if number < expected else 'miss'} document number "
                              f"{min(number, expected)}; nothing was written, run the same command again")
        expected += 1
        yield number, payload
    if expected != count:
        raise CorpusError(f"the cluster returned {expected} of {count} documents; nothing was written, "
                          "run the same command again")


def read_shard(path: Path) -> Iterator[tuple[int, bytes]]:
    """The records of one shard, in order."""
    with open(path, "rb") as file:
        yield from _records(file)


def _merge(paths: list[Path], folder: Path) -> Iterator[tuple[int, bytes]]:
    if len(paths) > MAX_OPEN_SHARDS:
        groups = [paths[start:start + MAX_OPEN_SHARDS] for start in range(0, len(paths), MAX_OPEN_SHARDS)]
        paths = [write_shard(folder, _merge(group, folder)) for group in groups]
    with ExitStack() as files:
        readers = [_records(files.enter_context(open(path, "rb"))) for path in paths]
        yield from heapq.merge(*readers, key=lambda record: record[0])


def _records(file: BinaryIO) -> Iterator[tuple[int, bytes]]:
    while header := file.read(_HEADER.size):
        number, length = _HEADER.unpack(header)
        yield number, file.read(length)
