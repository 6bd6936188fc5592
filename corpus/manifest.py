"""manifest.json: what a command was asked to do and what became of each input.

No clock goes in, so two identical runs write identical manifests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..normalise.article_model import shipped_model_id
from .outcomes import InputOutcome
from .errors import CorpusError
from .writers import StagedFiles


def config_hash(settings: dict[str, Any]) -> str:
    """sha256 of the settings in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def build_manifest(command: str, settings: dict[str, Any], outcomes: Iterable[InputOutcome], **extra: Any) -> dict[str, Any]:
    """The manifest of one command: tool, version, settings and their hash, the article model the cleaner
    judged lines with, each input, then ``extra``."""
    return {
        "tool": "passerelle",
        "version": version("passerelle"),
        "command": command,
        "config": settings,
        "config_hash": config_hash(settings),
        "article_model": shipped_model_id(),
        "inputs": [asdict(outcome) for outcome in outcomes],
        **extra,
    }


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of a finished job in ``out_dir``."""
    path = out_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc} (is {out_dir} the output folder of a passerelle run?)") from exc
    except ValueError as exc:
        raise CorpusError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise CorpusError(f"{path} is not a passerelle manifest")
    return manifest


def write_manifest(out_dir: Path, manifest: dict[str, Any], staged: StagedFiles) -> None:
    """Stage ``manifest.json`` with the rest of a job's files; it is the last renamed into place."""
    staged.write_text(out_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
