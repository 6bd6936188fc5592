"""One job per output folder: a lock file held with ``flock`` for as long as the job runs.

The kernel releases an ``flock`` when its process ends, however it ends
(``kill -9`` included), so a lock is never left behind by a dead run. The
file holds the pid of the run that holds it, for the message a second run
gives; it is removed when the job ends, so a finished folder holds only
outputs.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import CorpusError

LOCK_NAME = ".passerelle.lock"


@contextmanager
def output_folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for one job; raise :class:`CorpusError` at once when another job holds it."""
    path = folder / LOCK_NAME
    descriptor = _acquire(path)
    try:
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, str(os.getpid()).encode("ascii"))
        except OSError as exc:
            raise CorpusError(f"cannot lock the output folder {folder}: {exc.strerror or exc}") from exc
        yield
    finally:
        # Unlinked while still held: a run waiting on this file then finds it gone (see _acquire).
        try:
            path.unlink()
        except OSError:
            pass
        os.close(descriptor)


def _acquire(path: Path) -> int:
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise CorpusError(f"cannot lock the output folder {path.parent}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(descriptor)
            os.close(descriptor)
            raise CorpusError(f"{path.parent} is in use by another passerelle run (pid {owner})") from None
        except OSError as exc:
            os.close(descriptor)
            raise CorpusError(f"cannot lock the output folder {path.parent}: {exc.strerror or exc}") from exc
        # The holder we waited for may have removed the file as it finished; a lock on a removed file guards nothing.
        if _same_file(descriptor, path):
            return descriptor
        os.close(descriptor)


def _owner(descriptor: int) -> str:
    text = os.pread(descriptor, 32, 0).decode("ascii", errors="replace").strip()
    return text if text.isdigit() else "unknown"


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)
