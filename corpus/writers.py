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
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from ..normalise import LONE_SURROGATE
from .digest_table import BlobTable, TextTable
from .errors import CorpusError, UnusableOutput


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
    was under the final names before untouched. Where an output path already
    is something other than a regular file, the write follows what it is: a
    symbolic link is written through, its target staged and replaced; a FIFO or
    a character device (a pipe a reader waits on, a terminal) is written to
    directly and never renamed over; anything else is refused. Files a previous
    job listed and this one no longer writes can be removed in the same commit.
    """

    def __init__(self) -> None:
        # A job stages a file per document: their paths wait in tables on disk, which hold the bytes of each.
        self._ready = BlobTable()  # final paths of the finished files in order, each staged at _staging_path(final)
        self._written = TextTable()  # the paths written to, as given
        self._stale: list[Path] = []
        self._made: list[Path] = []  # folders staging created, removed again if the job is discarded

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    @property
    def written(self) -> Iterator[Path]:
        """The paths written to so far, as given (a link's path, not its target's), each once, in sorted order."""
        return map(Path, self._written)

    @contextmanager
    def writer(self, path: Path) -> Iterator[IO[str]]:
        """Write ``path``'s content; it is renamed into place at :meth:`commit` (a stream is written at once)."""
        with self._target(path, "w") as handle:
            yield cast(IO[str], _OutputFile(handle, path))

    @contextmanager
    def binary_writer(self, path: Path) -> Iterator[IO[bytes]]:
        """As :meth:`writer`, for bytes."""
        with self._target(path, "wb") as handle:
            yield cast(IO[bytes], handle)

    def write_text(self, path: Path, text: str) -> None:
        with self.writer(path) as handle:
            handle.write(text)

    def remove_on_commit(self, paths: list[Path]) -> None:
        """Remove these files at :meth:`commit`, before the last staged file (the manifest) takes its place."""
        self._stale.extend(paths)

    @contextmanager
    def _target(self, path: Path, mode: str) -> Iterator[IO[Any]]:
        given = os.fspath(path)
        self._written.add(given)
        final = output_target(path)
        if final is None:  # a stream: written as it comes, nothing to rename
            try:
                with open(path, mode, **_text_options(mode)) as handle:
                    yield handle
            except OSError as exc:
                raise CorpusError(f"cannot write {path}: {exc.strerror or exc}") from exc
            return
        tmp = _staging_path(final)
        try:
            self._make_folder(final.parent)
            with open(tmp, mode, **_text_options(mode)) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            _discard(tmp)
            raise CorpusError(f"cannot write {path}: {exc.strerror or exc}") from exc
        except BaseException:
            _discard(tmp)
            raise
        self._ready.append("", os.fsencode(given if final == path else final))

    def _ready_paths(self) -> Iterator[str]:
        return (os.fsdecode(path) for _, path in self._ready.items())

    def commit(self) -> None:
        """Rename every finished file into place in the order they were finished, the stale files removed
        before the last one."""
        last = len(self._ready) - 1
        try:
            for index, path in enumerate(self._ready_paths()):
                if index == last:
                    self._remove_stale()
                os.replace(_staging_path(Path(path)), path)
            if last < 0:
                self._remove_stale()
        except OSError as exc:
            self.discard()
            raise CorpusError(f"cannot move outputs into place: {exc.strerror or exc}") from exc
        self._ready = BlobTable()
        self._made.clear()

    def _remove_stale(self) -> None:
        for path in self._stale:
            path.unlink(missing_ok=True)
        self._stale.clear()

    def _make_folder(self, folder: Path) -> None:
        missing = [f for f in [folder, *folder.parents] if not f.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._made.extend(reversed(missing))

    def discard(self) -> None:
        for path in self._ready_paths():
            _discard(_staging_path(Path(path)))
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty, or already gone: not ours to remove
        self._made.clear()
        self._ready, self._written = BlobTable(), TextTable()
        self._stale.clear()


def output_target(path: Path) -> Path | None:
    """Where a file written to ``path`` is staged and renamed to: ``path`` itself, or a symbolic link's
    target; None for a FIFO or a character device, which is written to directly.

    Raises :class:`UnusableOutput` for a folder, a socket, a block device.
    """
    final = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = os.stat(final).st_mode
    except FileNotFoundError:
        return final
    except OSError as exc:
        raise CorpusError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if stat.S_ISREG(mode):
        return final
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return None
    kind = "a folder" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode) else "a block device" \
        if stat.S_ISBLK(mode) else "not a regular file"
    raise UnusableOutput(f"{path} is {kind}: an output goes to a regular file, a FIFO, a character device, "
                         "or a symbolic link to one of them")


def _staging_path(final: Path) -> Path:
    """Where ``final``'s content is written until the commit renames it."""
    return final.with_name(f".{final.name}.tmp")


def _text_options(mode: str) -> dict[str, str]:
    return {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}


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
