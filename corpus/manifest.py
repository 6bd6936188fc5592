"""manifest.json: what a command was asked to do and what became of each input.

No clock goes in, so two identical runs write identical manifests.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from importlib.metadata import version
from itertools import chain
from pathlib import Path
from typing import IO, Any

from ..normalise.article_model import shipped_model_id
from .digest_table import TextTable
from .outcomes import InputOutcome
from .errors import CorpusError
from .writers import StagedFiles


def config_hash(settings: dict[str, Any]) -> str:
    """sha256 of the settings in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def build_manifest(command: str, settings: dict[str, Any], outcomes: Iterable[InputOutcome], **extra: Any) -> dict[str, Any]:
    """The manifest of one command: tool, version, settings and their hash, the article model the cleaner
    judged lines with, each input, then ``extra``.

    The inputs stay an iterator until :func:`write_manifest` writes them, one at a time.
    """
    return {
        "tool": "passerelle",
        "version": version("passerelle"),
        "command": command,
        "config": settings,
        "config_hash": config_hash(settings),
        "article_model": shipped_model_id(),
        "inputs": (asdict(outcome) for outcome in outcomes),
        **extra,
    }


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of a finished job in ``out_dir``."""
    return read_manifest_file(out_dir / "manifest.json",
                              f" (is {out_dir} the output folder of a passerelle run?)")


def read_manifest_file(path: Path, hint: str = "") -> dict[str, Any]:
    """A job's manifest, read from ``path``; ``hint`` follows the message when it cannot be read."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}{hint}") from exc
    except ValueError as exc:
        raise CorpusError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise CorpusError(f"{path} is not a passerelle manifest")
    return manifest


def write_manifest(out_dir: Path, manifest: dict[str, Any], staged: StagedFiles) -> None:
    """Stage ``manifest.json`` with the rest of a job's files; it is the last renamed into place.

    It lists every file the job wrote in ``out_dir`` (``outputs``): those are
    the files the job owns. What the previous manifest there listed and this
    job no longer writes is removed in the same commit, just before the new
    manifest takes its place; files the user put there are never touched.
    """
    path = out_dir / "manifest.json"
    owned = TextTable()  # a file per document: on disk, and sorted there
    for written in chain(staged.written, [path]):
        if (name := _relative(out_dir, written)) is not None:
            owned.add(name)
    staged.remove_on_commit(_stale(out_dir, owned))
    with staged.writer(path) as handle:
        write_json(handle, {**manifest, "outputs": iter(owned)})


def write_json(handle: IO[str], document: dict[str, Any]) -> None:
    """``json.dump(document, handle, ensure_ascii=False, indent=2)`` and a final newline, writing a top-level value
    that is an iterator one item at a time, as the list it yields: the manifest's inputs are never all in memory."""
    handle.write("{")
    for number, (key, value) in enumerate(document.items()):
        handle.write(f"{',' if number else ''}\n  {_json(key)}: ")
        if not isinstance(value, Iterator):
            handle.write(_json(value, 1))
            continue
        handle.write("[")
        items = 0
        for items, item in enumerate(value, 1):
            handle.write(f"{',' if items > 1 else ''}\n    {_json(item, 2)}")
        handle.write("\n  ]" if items else "]")
    handle.write("\n}\n" if document else "}\n")


def _json(value: Any, depth: int = 0) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels down (a JSON string holds no line break)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def _relative(out_dir: Path, path: Path) -> str | None:
    try:
        return path.relative_to(out_dir).as_posix()
    except ValueError:
        return None


def _stale(out_dir: Path, owned: TextTable) -> list[Path]:
    """Regular files inside ``out_dir`` that its current manifest lists and ``owned`` does not."""
    path = out_dir / "manifest.json"
    try:
        return _unowned(out_dir, owned, _outputs_as_written(path))
    except OSError:
        return []
    except ValueError:  # not the layout write_json gives it: the manifest was rewritten by hand or by another tool
        pass
    try:
        listed = json.loads(path.read_bytes().decode("utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return _unowned(out_dir, owned, listed if isinstance(listed, list) else [])


def _unowned(out_dir: Path, owned: TextTable, listed: Iterable[Any]) -> list[Path]:
    root = os.path.realpath(out_dir)
    inside: dict[str, bool] = {}  # by folder: a batch's outputs lie in a handful of them
    stale = []
    for name in listed:
        # The manifest is a file anyone can edit: only plain relative paths that stay inside OUT are removed.
        if not isinstance(name, str) or name in owned or name.startswith("/") or ".." in name.split("/") or "\0" in name:
            continue
        candidate = os.path.join(out_dir, name)
        folder = os.path.dirname(candidate)
        if folder not in inside:
            inside[folder] = os.path.commonpath([root, os.path.realpath(folder)]) == root
        if inside[folder] and _is_regular_file(candidate):
            stale.append(Path(candidate))
    return stale


def _is_regular_file(path: str) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# How write_json lays out the outputs list, the manifest's last key: the key on a line of its own, then an item a
# line (a JSON string holds no line break), a comma after each but the last, then the closing lines.
_OUTPUTS_KEY = b'\n  "outputs": '


def _outputs_as_written(path: Path) -> Iterator[Any]:
    """The items of a manifest's outputs list (a million files in a large batch) read a line at a time, as
    write_json lays them out; a ValueError as soon as the layout is another, and the caller parses the file whole."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        start = view.rfind(_OUTPUTS_KEY)
        if start < 0:
            raise ValueError("no outputs list on a line of its own")
        view.seek(start + len(_OUTPUTS_KEY))
        lines = (line.rstrip(b"\n") for line in iter(view.readline, b""))
        opening = next(lines, b"")
        if opening == b"[":
            more = True  # an item comes next: after the opening, and after an item with a comma
            for line in lines:
                if not more:
                    if line != b"  ]":
                        raise ValueError("two items without a comma between them")
                    break
                more = line.endswith(b",")
                yield json.loads(line.removesuffix(b",").decode("utf-8"))
            else:
                raise ValueError("the outputs list does not close")
        elif opening != b"[]":
            raise ValueError("the outputs list does not open a line")
        if list(lines) != [b"}"]:
            raise ValueError("text after the outputs list")
