"""The offline fallback engine: Apertium's rule-based pairs, French → Spanish → English.

For machines without an Argos model. It installs from Debian packages::

    apt-get install apertium apertium-fr-es apertium-eng-spa

Its quality is far below the neural model's: use it to get a corpus through the
pipeline, not to build a translation memory. Segments go through Apertium one
per line; if a line count ever comes back different, the batch is translated
again one segment at a time, so alignment is never lost. Apertium gives no
score: every translation's score is None, never a number a filter would take
for a good one.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .engine import Translation
from .errors import ModelError

INSTALL_HINT = "apt-get install apertium apertium-fr-es apertium-eng-spa"


@dataclass(frozen=True)
class ApertiumEngine:
    """Chains Apertium modes (by default fr-es then spa-eng) behind the Translator protocol."""

    modes: tuple[str, ...] = ("fr-es", "spa-eng")
    timeout_s: float = 600.0

    @property
    def engine_id(self) -> str:
        return "apertium:" + "+".join(self.modes)

    @property
    def output_settings(self) -> dict[str, Any]:
        """Nothing beside the modes, which the engine id names, changes what Apertium writes; ``score`` keys the
        cache apart from versions that cached a score of 0.0."""
        return {"score": None}

    def check(self) -> None:
        """Raise :class:`ModelError` naming what to install when Apertium or a mode is missing."""
        if shutil.which("apertium") is None:
            raise ModelError(f"Apertium is not installed; on Debian or Ubuntu: {INSTALL_HINT}")
        listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False).stdout.split()
        missing = [mode for mode in self.modes if mode not in listed]
        if missing:
            raise ModelError(f"Apertium has no {', '.join(missing)} mode; on Debian or Ubuntu: {INSTALL_HINT}")

    def translate(self, segments: Sequence[str]) -> list[Translation]:
        if not segments:
            return []
        self.check()
        lines = [" ".join(s.split()) for s in segments]
        out = self._run("\n".join(lines) + "\n").removesuffix("\n").split("\n")
        if len(out) != len(lines):
            out = [self._run(line + "\n").rstrip("\n") for line in lines]
        return [Translation(text.strip() if line else "", None) for text, line in zip(out, lines)]

    def _run(self, text: str) -> str:
        for mode in self.modes:
            try:
                done = subprocess.run(["apertium", "-u", mode], input=text, capture_output=True, text=True,
                                      timeout=self.timeout_s, check=True)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
                raise ModelError(f"Apertium {mode} failed: {exc}") from exc
            text = done.stdout
        return text
