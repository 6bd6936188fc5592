"""Writing output files atomically: a temporary file in the same folder, then a rename.

An interrupted run therefore never leaves a half-written file under its final
name; at worst a ``.tmp`` file is left behind, which the next run overwrites.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from .errors import CorpusError


class _OutputFile:
    """A text file being written whose failures (a full disk, a quota) name the file."""

    def __init__(self, handle: IO[str], path: Path) -> None:
        self._handle, self._path = handle, path

    def write(self, text: str) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise CorpusError(f"cannot write {self._path}: {exc.strerror or exc}") from exc


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Open ``path`` for writing UTF-8 text; it appears under its name only if the block succeeds.

    Any failure, in the block or in writing, removes the temporary file and
    leaves whatever was under ``path`` before untouched.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            yield cast(IO[str], _OutputFile(handle, path))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise CorpusError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path) -> None:
    # Best effort: when the folder itself is the problem, there is nothing to remove.
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


def prepare_output_folder(folder: Path) -> None:
    """Create ``folder`` and make sure files can be written in it, before any work is done."""
    probe = folder / f".passerelle-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise CorpusError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from exc


# A document id names files of its own: one path component, not hidden, nothing that climbs out.
_SAFE_FILE_STEM = re.compile(r"[\w-][\w.-]*")


def document_file(folder: Path, doc_id: str, suffix: str) -> Path:
    """``folder/<doc_id><suffix>``, refusing an id that would name a file anywhere else."""
    if not _SAFE_FILE_STEM.fullmatch(doc_id) or ".." in doc_id:
        raise CorpusError(f"document id {doc_id!r} cannot name a file: use letters, digits, '_', '-' and '.'")
    return folder / f"{doc_id}{suffix}"


def write_text(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


# Half a UTF-16 pair cannot be written as UTF-8; JSON can still carry it as an escape.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def json_line(record: dict[str, Any]) -> str:
    """One JSON object on one line; non-ASCII kept readable, lone surrogates escaped, key order as given."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n"


def one_line(text: str) -> str:
    """Aligned files hold one segment per line, whatever line breaks (\\n, \\r, U+2028, …) the segment holds."""
    return " ".join(text.splitlines())


def tsv_line(source: str, target: str) -> str:
    """``source<TAB>target``: one line, no tab inside a field."""
    return f"{one_line(source).replace(chr(9), ' ')}\t{one_line(target).replace(chr(9), ' ')}\n"
