"""What a walk over input folders must not read: outputs of Passerelle's own, this run's or earlier ones.

``passerelle run in -o in/out`` would otherwise read ``in/out/clean/*.fr.txt``
back on its second run, and every pair would be there twice. Paths are
compared by device and inode, so another spelling of the same folder (a
link, ``..``) is recognised too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..normalise import SkipRule
from .errors import CorpusError
from .manifest import read_manifest_file

OUTPUT_FOLDER = "skipped: the output folder of this run"
CACHE_FILE = "skipped: the translation cache of this run"
EARLIER_OUTPUT_FOLDER = "skipped: the output folder of an earlier passerelle run (it holds its manifest.json)"


def own_outputs(out_dir: Path | None, cache_path: Path | None = None) -> SkipRule:
    """The rule that keeps ``out_dir``, ``cache_path`` and folders holding a Passerelle manifest out of the inputs."""
    own = {_identity(path): reason for path, reason in ((out_dir, OUTPUT_FOLDER), (cache_path, CACHE_FILE))
           if path is not None}

    def skip(path: Path) -> str:
        try:
            status = os.stat(path)
        except OSError:
            return own.get(os.path.realpath(path), "")
        reason = own.get((status.st_dev, status.st_ino))
        if reason:
            return reason
        return EARLIER_OUTPUT_FOLDER if stat.S_ISDIR(status.st_mode) and _holds_manifest(path) else ""
    return skip


def _identity(path: Path) -> tuple[int, int] | str:
    try:
        status = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return status.st_dev, status.st_ino


def _holds_manifest(folder: Path) -> bool:
    try:
        return read_manifest_file(folder / "manifest.json").get("tool") == "passerelle"
    except CorpusError:
        return False
