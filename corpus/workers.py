"""Worker processes that map a function over a stream, results in input order.

A job that cleans documents hands each chunk of its inputs to a pool of
processes and takes the results back in the order it gave them, so what it
writes is the same for any number of workers; with one worker everything
runs in the calling process. At most a few chunks per worker are in flight:
memory stays flat however long the stream, and the pool keeps working while
the caller is busy with what came back (translating a batch, writing).

The processes are forked once, when the pool opens: a job opens its pool
before it loads a translation model (whose threads a fork would not carry)
and before it locks its output folder (whose lock the workers must not
hold). Workers ignore Ctrl-C, which is the calling process's to handle: it
stops the pool and cleans up as it does alone. A SIGTERM ends a worker at
once, and a worker whose caller died exits. A worker that dies stops the job
with a :class:`CorpusError`; an exception raised in one reaches the caller as
if raised there.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Generic, TypeVar

from .errors import CorpusError

T = TypeVar("T")
R = TypeVar("R")

# Items a worker takes at a time: enough to make a round trip between processes cheap beside the work.
CHUNK_ITEMS = 4
# Chunks in flight per worker: the pool's lead over the caller.
CHUNKS_AHEAD = 4


@dataclass(frozen=True)
class Shared(Generic[T]):
    """A value every worker reads, such as the batch's repeated lines: held here with one worker, in a file
    that each worker reads once otherwise, rather than sent with every chunk."""

    value: T | None = None
    path: str | None = None

    def get(self) -> T:
        return self.value if self.path is None else _load(self.path)  # type: ignore[return-value]


@lru_cache(maxsize=2)
def _load(path: str) -> object:
    with open(path, "rb") as file:
        return pickle.load(file)


class Workers:
    """``count`` processes (none for one) that :meth:`map` functions over chunks of items, in order.

    ``prepare`` loads what every worker will need, once, before they are forked (with one
    worker there is no fork, and what is needed loads on first use)."""

    def __init__(self, count: int = 1, prepare: Callable[[], None] | None = None) -> None:
        if count < 1:
            raise CorpusError(f"a job needs at least one worker, not {count}")
        self.count = count
        self._executor: ProcessPoolExecutor | None = None
        self._shared_files: list[str] = []
        if count > 1:
            if prepare is not None:
                prepare()
            self._executor = ProcessPoolExecutor(count, mp_context=_context(), initializer=_start_worker,
                                                 initargs=(os.getpid(),))
            # Fork every worker now, while this process has no other threads and no locks.
            with _deaths_reported():
                for future in [self._executor.submit(os.getpid) for _ in range(count)]:
                    future.result()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        for path in self._shared_files:
            Path(path).unlink(missing_ok=True)
        self._shared_files.clear()

    def share(self, value: T) -> Shared[T]:
        """``value`` as the workers will read it."""
        if self._executor is None:
            return Shared(value)
        with tempfile.NamedTemporaryFile("wb", prefix="passerelle-shared-", suffix=".pickle", delete=False) as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared_files.append(file.name)
        return Shared(path=file.name)

    def map(self, function: Callable[[list[T]], list[R]], items: Iterable[T]) -> Iterator[R]:
        """``function`` over ``items`` a chunk at a time, its results in the order of ``items``.

        ``function`` must be a module-level function (workers receive it by name) and
        return one result per item of its chunk."""
        source = iter(items)
        if self._executor is None:
            for item in source:
                yield from function([item])
            return
        pending: deque[Future[list[R]]] = deque()
        with _deaths_reported():
            while chunk := list(islice(source, CHUNK_ITEMS)):
                pending.append(self._executor.submit(function, chunk))
                if len(pending) >= self.count * CHUNKS_AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()


@contextmanager
def _deaths_reported() -> Iterator[None]:
    """A dead worker, found when work is handed out or a result taken, as the job's error."""
    try:
        yield
    except BrokenProcessPool:
        raise CorpusError("a worker process died (killed, or out of memory); nothing was written, "
                          "and running the same command again resumes the job") from None


def _context() -> multiprocessing.context.BaseContext:
    # Forked workers start at once with this process's loaded modules, word lists and article model;
    # where fork is not the safe default, workers start afresh.
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the caller handles it. SIGTERM is how the pool stops a
    # worker (a broken pool ends the others so), so it ends a worker at once, not as the caller's would.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker outlives its caller only when the caller was killed outright; it then has nobody to work for."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
