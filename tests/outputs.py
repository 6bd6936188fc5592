"""Running ``passerelle`` as a user does, and checking that a run's output folder is sound.

Shared by the pipeline, hostile-input and fault tests and by bench/robustness.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from passerelle.corpus.tmx import read_tmx

DTD = etree.DTD(str(Path(__file__).parent / "data" / "tmx14.dtd"))


def passerelle(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 600,
               preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The command line, in a process of its own, with reproducible dates.

    It runs from a folder outside the checkout, as a user's command does, so it
    sees the installed package and nothing of the repository's own folders.
    """
    return subprocess.run([sys.executable, "-m", "passerelle", *args], input=stdin, capture_output=True, timeout=timeout,
                          cwd=tempfile.gettempdir(), env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})},
                          preexec_fn=preexec_fn)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def folder_bytes(out: Path) -> dict[str, bytes]:
    """Every output file but the timings and the cache, by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "timings.json" and ".cache" not in p.parts}


def cached_translations(cache: Path) -> int:
    """Rows in a translation cache file; 0 when it is missing or not (yet) a cache."""
    try:
        with sqlite3.connect(cache) as db:
            return int(db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])
    except sqlite3.Error:
        return 0


def assert_valid_tmx(path: Path) -> None:
    assert DTD.validate(etree.parse(str(path))), DTD.error_log.filter_from_errors()


def output_problems(out: Path, translated: bool = True) -> list[str]:
    """What is wrong with a finished run's folder, as sentences; empty when it is sound."""
    problems: list[str] = []
    leftovers = [str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".tmp")]
    if leftovers:
        problems.append(f"temporary files left: {leftovers}")
    for path in out.rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(f"{path.relative_to(out)} is not UTF-8: {exc}")
    clean = out / "clean"
    if clean.exists() and any(p.resolve().parent != clean.resolve() for p in clean.iterdir()):
        problems.append("a clean file lies outside clean/")
    try:
        json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        records = [json.loads(line) for line in lines(out / "corpus.jsonl")]
        [json.loads(line) for line in lines(out / "audit.jsonl")]
    except (OSError, ValueError) as exc:
        return problems + [f"unreadable JSON output: {exc}"]
    fr = lines(out / "parallel" / "corpus.fr")
    counts = {"corpus.jsonl": len(records), "corpus.fr": len(fr)}
    if translated:
        en, tsv = lines(out / "parallel" / "corpus.en"), lines(out / "parallel" / "corpus.tsv")
        counts.update({"corpus.en": len(en), "corpus.tsv": len(tsv), "corpus.tmx": sum(1 for _ in read_tmx(out / "corpus.tmx"))})
        if any(row.count("\t") != 1 for row in tsv):
            problems.append("a TSV row does not have exactly one tab")
        if not DTD.validate(etree.parse(str(out / "corpus.tmx"))):
            problems.append(f"TMX not valid against the DTD: {DTD.error_log.filter_from_errors()[:1]}")
        aligned = en
    else:
        aligned = []
    if len(set(counts.values())) != 1:
        problems.append(f"aligned outputs differ in length: {counts}")
    if any(len(line.splitlines()) > 1 or "\r" in line for line in fr + aligned):
        problems.append("an aligned line holds a line break")
    return problems


# Linux capabilities that let root read and write whatever the permission bits say.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _PR_CAPBSET_DROP = 1, 2, 24


def _drop_permission_override() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_ordinary_user() -> Callable[[], None] | None:
    """What makes a child process obey file permissions: nothing for a user, dropped capabilities for root.

    Raises ``subprocess.SubprocessError`` when running as root without the right to drop them.
    """
    if os.geteuid() != 0:
        return None
    subprocess.run(["true"], preexec_fn=_drop_permission_override, check=True)
    return _drop_permission_override
