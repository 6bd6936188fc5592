"""Re-export a finished run's ``corpus.jsonl`` as TMX, TSV, Moses files or JSONL, with filters."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .errors import CorpusError
from .tmx import TmxHeader, TmxWriter, creation_date, unit_props
from .writers import atomic_writer, json_line, one_line, tsv_line

FORMATS = ("tmx", "tsv", "moses", "jsonl")


@dataclass(frozen=True)
class ExportFilter:
    """Which pairs to keep: all of them by default."""

    min_score: float | None = None
    drop_flagged: bool = False
    roles: tuple[str, ...] = ()

    def keeps(self, record: dict[str, Any]) -> bool:
        if record.get("en") is None:
            return False
        if self.min_score is not None and (record.get("score") is None or record["score"] < self.min_score):
            return False
        if self.drop_flagged and record.get("flags"):
            return False
        return not self.roles or record.get("role") in self.roles


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise CorpusError(f"{path}:{number}: not a JSON line ({exc})") from exc
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc


def export(run_dir: Path, fmt: str, destination: Path, keep: ExportFilter = ExportFilter(),
           tmx_codes: tuple[str, str] = ("fr", "en")) -> int:
    """Write the pairs of ``run_dir`` that ``keep`` accepts; return how many. Moses writes ``DEST.fr`` and ``DEST.en``."""
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    records = (r for r in read_records(run_dir / "corpus.jsonl") if keep.keeps(r))
    return _WRITERS[fmt](records, destination, tmx_codes)


def _jsonl(records: Iterable[dict[str, Any]], destination: Path, codes: tuple[str, str]) -> int:
    count = 0
    with atomic_writer(destination) as out:
        for record in records:
            out.write(json_line(record))
            count += 1
    return count


def _tsv(records: Iterable[dict[str, Any]], destination: Path, codes: tuple[str, str]) -> int:
    count = 0
    with atomic_writer(destination) as out:
        for record in records:
            out.write(tsv_line(record["fr"], record["en"]))
            count += 1
    return count


def _moses(records: Iterable[dict[str, Any]], destination: Path, codes: tuple[str, str]) -> int:
    count = 0
    with atomic_writer(destination.with_name(destination.name + ".fr")) as fr, \
            atomic_writer(destination.with_name(destination.name + ".en")) as en:
        for record in records:
            fr.write(one_line(record["fr"]) + "\n")
            en.write(one_line(record["en"]) + "\n")
            count += 1
    return count


def _tmx(records: Iterable[dict[str, Any]], destination: Path, codes: tuple[str, str]) -> int:
    count = 0
    with atomic_writer(destination) as out:
        writer = TmxWriter(out, TmxHeader(version("passerelle"), codes[0], codes[1], creation_date()))
        for record in records:
            writer.unit(record["id"], unit_props(record), record["fr"], record["en"])
            count += 1
        writer.close()
    return count


_WRITERS = {"jsonl": _jsonl, "tsv": _tsv, "moses": _moses, "tmx": _tmx}
