"""Writing output files: each under a temporary name first, then all renamed into place together.

A job's files are staged in :class:`StagedFiles` and renamed only once every
one of them is complete, the manifest last. An interrupted or failed job
(Ctrl-C, a full disk) therefore never leaves a half-written file under a final
name, nor a mix of new files and an old manifest; a killed one leaves at worst
``.<name>.tmp`` files, which the next run overwrites.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from ..normalise import LONE_SURROGATE
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


class StagedFiles:
    """Files written under temporary names, renamed into place together when the ``with`` block succeeds.

    Any failure in the block removes every temporary file and leaves whatever
    was under the final names before untouched.
    """

    def __init__(self) -> None:
        self._ready: list[tuple[Path, Path]] = []

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    @contextmanager
    def writer(self, path: Path) -> Iterator[IO[str]]:
        """Write ``path``'s content; it is renamed into place at :meth:`commit`."""
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                yield cast(IO[str], _OutputFile(handle, path))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            _discard(tmp)
            raise CorpusError(f"cannot write {path}: {exc.strerror or exc}") from exc
        except BaseException:
            _discard(tmp)
            raise
        self._ready.append((tmp, path))

    def write_text(self, path: Path, text: str) -> None:
        with self.writer(path) as handle:
            handle.write(text)

    def commit(self) -> None:
        """Rename every finished file into place, in the order they were finished."""
        try:
            for tmp, path in self._ready:
                os.replace(tmp, path)
        except OSError as exc:
            self.discard()
            raise CorpusError(f"cannot move outputs into place: {exc.strerror or exc}") from exc
        self._ready.clear()

    def discard(self) -> None:
        for tmp, _ in self._ready:
            _discard(tmp)
        self._ready.clear()


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




def json_line(record: dict[str, Any]) -> str:
    """One JSON object on one line; non-ASCII kept readable, lone surrogates escaped, key order as given."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    # Half a UTF-16 pair cannot be written as UTF-8; JSON can still carry it as an escape.
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n"


def one_line(text: str) -> str:
    """Aligned files hold one segment per line, whatever line breaks (\\n, \\r, U+2028, …) the segment holds."""
    return " ".join(text.splitlines())


def tsv_line(source: str, target: str) -> str:
    """``source<TAB>target``: one line, no tab inside a field."""
    return f"{one_line(source).replace(chr(9), ' ')}\t{one_line(target).replace(chr(9), ' ')}\n"
