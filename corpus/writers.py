"""Writing output files atomically: a temporary file in the same folder, then a rename.

An interrupted run therefore never leaves a half-written file under its final
name; at worst a ``.tmp`` file is left behind, which the next run overwrites.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import CorpusError


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Open ``path`` for writing UTF-8 text; it appears under its name only if the block succeeds."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
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


def write_text(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def json_line(record: dict[str, Any]) -> str:
    """One JSON object on one line; non-ASCII kept readable, key order as given."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"



def one_line(text: str) -> str:
    """Aligned files hold one segment per line, whatever line breaks (\\n, \\r, U+2028, …) the segment holds."""
    return " ".join(text.splitlines())


def tsv_line(source: str, target: str) -> str:
    """``source<TAB>target``: one line, no tab inside a field."""
    return f"{one_line(source).replace(chr(9), ' ')}\t{one_line(target).replace(chr(9), ' ')}\n"
