"""Re-export a finished run's ``corpus.jsonl`` as TMX, TSV, Moses files, JSONL or Parquet, with filters.

The run's manifest says which languages its records are keyed by, so a run
from Spanish exports as Spanish; the pairs go through the same
:class:`PairWriter` as the run's own outputs. A corpus written before runs
removed duplicates can be deduplicated on the way out, as a run would: a
document is compared by the source side of its pairs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .dedup import DedupConfig, NearDuplicates, SeenSegments
from .errors import CorpusError, UnusableOutput
from .manifest import read_manifest
from .pairs import TMX_TYPOGRAPHIES, Languages, PairWriter
from .parquet import ParquetPairs
from .tmx import TmxHeader, TmxWriter
from .writers import StagedFiles

FORMATS = ("tmx", "tsv", "moses", "jsonl", "parquet")


@dataclass(frozen=True)
class ExportFilter:
    """Which pairs to keep: all of them by default.

    min_score: drop pairs whose engine score is lower; a pair without a score
        (Apertium gives none) is not judged by it.
    drop_unscored: drop pairs without a score.
    """

    min_score: float | None = None
    drop_flagged: bool = False
    roles: tuple[str, ...] = ()
    drop_unscored: bool = False

    def keeps(self, record: dict[str, Any], target_lang: str) -> bool:
        if record.get(target_lang) is None:
            return False
        score = record.get("score")
        if score is None and self.drop_unscored:
            return False
        if self.min_score is not None and score is not None and score < self.min_score:
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


def run_languages(run_dir: Path, manifest: dict[str, Any] | None = None) -> Languages:
    """The languages a run's records are keyed by, and its TMX codes, from its manifest (read when not given)."""
    config = (manifest if manifest is not None else read_manifest(run_dir)).get("config", {})
    try:
        return Languages(config["clean"]["source_lang"], config["target_lang"],
                         config.get("tmx_source_code"), config.get("tmx_target_code"))
    except (KeyError, TypeError) as exc:
        raise CorpusError(f"{run_dir}/manifest.json is not the manifest of a passerelle run (no {exc})") from exc


def export(run_dir: Path, fmt: str, destination: Path | IO[str] | IO[bytes], keep: ExportFilter = ExportFilter(),
           tmx_codes: tuple[str, str] | None = None, tmx_typography: str = "as-cleaned",
           dedup: DedupConfig = DedupConfig(mode="none")) -> int:
    """Write the pairs of ``run_dir`` that ``keep`` accepts to a file or an open stream; return how many.

    ``dedup`` leaves out what a run would have: with mode ``near`` the pairs
    of a document that copies an earlier one, then (``exact`` too) a pair
    whose normalised source was written before.
    Moses writes ``DEST.<source>`` and ``DEST.<target>`` (two files, so never
    a stream); the TMX takes the run's own language codes unless
    ``tmx_codes`` are given, and writes its source side as ``tmx_typography``
    says (:data:`TMX_TYPOGRAPHIES`); Parquet is binary (a stream must take bytes). A
    file path is written as :class:`StagedFiles` writes: through a symbolic
    link, straight into a FIFO, never over a folder.
    """
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if tmx_typography not in TMX_TYPOGRAPHIES:
        raise UnusableOutput(f"unknown TMX typography {tmx_typography!r}; choose from {', '.join(TMX_TYPOGRAPHIES)}")
    if fmt == "moses" and not isinstance(destination, Path):
        raise UnusableOutput("moses writes two files, PREFIX.<source> and PREFIX.<target>: give a prefix, not a stream")
    langs = run_languages(run_dir)
    codes = tmx_codes or langs.tmx_codes
    count = 0
    with StagedFiles() as staged, ExitStack() as files:
        def open_(path: Path | IO[Any]) -> IO[Any]:
            if not isinstance(path, Path):
                return path
            return files.enter_context(staged.binary_writer(path) if fmt == "parquet" else staged.writer(path))

        writer = _writer(fmt, destination, langs, codes, open_, tmx_typography)
        records = _without_near_duplicates(read_records(run_dir / "corpus.jsonl"), langs.source, dedup)
        for record in _without_repeats(filter(lambda record: keep.keeps(record, langs.target), records), langs.source, dedup):
            writer.write(record)
            count += 1
        writer.close()
    return count


def _documents(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The records of one document at a time: a run writes a document's pairs together."""
    document: list[dict[str, Any]] = []
    for record in records:
        if document and record.get("doc") != document[-1].get("doc"):
            yield document
            document = []
        document.append(record)
    if document:
        yield document


def _without_near_duplicates(records: Iterator[dict[str, Any]], source: str, dedup: DedupConfig) -> Iterator[dict[str, Any]]:
    if dedup.mode != "near":
        yield from records
        return
    kept = NearDuplicates(dedup)
    for document in _documents(records):
        text = "\n".join(str(record.get(source) or "") for record in document)
        if kept.check(str(document[0].get("doc")), text) is None:
            yield from document


def _without_repeats(records: Iterable[dict[str, Any]], source: str, dedup: DedupConfig) -> Iterator[dict[str, Any]]:
    if dedup.mode == "none":
        yield from records
        return
    seen = SeenSegments()
    for record in records:
        doc, paragraph, sentence = _position(record)
        if seen.first(str(record.get(source) or ""), doc, paragraph, sentence) is None:
            yield record


def _position(record: dict[str, Any]) -> tuple[str, int, int]:
    """Document, paragraph and sentence of a pair, from its id ``<doc>:<paragraph>:<sentence>``."""
    try:
        doc, paragraph, sentence = str(record["id"]).rsplit(":", 2)
        return doc, int(paragraph), int(sentence)
    except (KeyError, ValueError) as exc:
        raise CorpusError(f"a pair without an id of the form <doc>:<paragraph>:<sentence>: {record.get('id')!r}") from exc


def _writer(fmt: str, destination: Path | IO[Any], langs: Languages, codes: tuple[str, str],
            open_: Callable[[Path | IO[Any]], IO[Any]], tmx_typography: str) -> PairWriter:
    if fmt == "parquet":
        return PairWriter(langs, parquet=ParquetPairs(open_(destination), langs.source, langs.target))
    if fmt == "jsonl":
        return PairWriter(langs, jsonl=open_(destination))
    if fmt == "tsv":
        return PairWriter(langs, tsv=open_(destination))
    if fmt == "moses" and isinstance(destination, Path):
        return PairWriter(langs, source=open_(destination.with_name(f"{destination.name}.{langs.source}")),
                          target=open_(destination.with_name(f"{destination.name}.{langs.target}")))
    return PairWriter(langs, tmx=TmxWriter(open_(destination), TmxHeader.of_this_run(codes)), tmx_typography=tmx_typography)
