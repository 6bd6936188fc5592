"""The batch cleaning job behind ``passerelle clean``: inputs in, cleaned texts and audit out.

Documents are read, cleaned and written one at a time, in input order; the
reading and cleaning may happen in worker processes (:mod:`.workers`), a few
documents ahead. Before that, when the batch is large enough for it to
matter, one pass over the inputs counts lines that recur across pages (site
chrome): the workers read the pages and hash their lines, and this process
counts them in input order. It keeps only line hashes, and counts a copy of
an earlier page (a syndicated dispatch under other chrome) as that page, and
a short digest of each input, so that an input that changes between the two
passes is reported rather than half used. Duplicates are then dropped as
:mod:`.dedup` says. What the job remembers of every input (the list of
inputs, their document ids, the pages each short line was seen on) waits in
temporary tables on disk (:mod:`.digest_table`): its memory stays flat
however many inputs the batch has, but for 8 bytes an input of digests.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat, tee
from pathlib import Path
from typing import IO, TypeVar

import numpy as np

from ..normalise import (
    CleanConfig,
    CleanedDocument,
    DetectConfig,
    Document,
    DocumentIds,
    InputError,
    InputRef,
    LanguageDetector,
    RepeatedLines,
    Segment,
    SkipRule,
    clean_document,
    iter_input_refs,
    page_line_keys,
    prepare_cleaning,
    read_document,
    segment_document,
)
from .dedup import (
    CopiesOfPages,
    DedupConfig,
    DuplicateDocument,
    MinHashSigner,
    drop_near_duplicates,
    raw_page_signature,
    repeated_segment_drops,
)
from .digest_table import BlobTable, TextTable
from .manifest import build_manifest, write_manifest
from .outcomes import BatchResult, CleanSummary, InputFailure, InputReport, SkippedInput, SegmentedResults
from .output_lock import output_folder_lock
from .own_outputs import own_outputs
from .workers import Shared, Workers
from .writers import StagedFiles, document_file, json_line, prepare_output_folder

T = TypeVar("T")
R = TypeVar("R")

CLEANER_FAILED = "the cleaner failed on it, a bug of Passerelle's to report with this input"
CHANGED = "changed while the run was going: read again, it differed; run again once it is complete"


def clean(
    inputs: Iterable[str],
    destination: Path | IO[str],
    config: CleanConfig = CleanConfig(),
    detect: DetectConfig | None = None,
    glob: str = "*.txt",
    on_input: InputReport | None = None,
    dedup: DedupConfig = DedupConfig(),
    workers: int = 1,
) -> CleanSummary:
    """Clean ``inputs`` into an output folder, or into an open text stream.

    A folder receives ``clean/<doc>.<lang>.txt``, ``segments.jsonl`` (every
    segment with its language, from ``detect``; a source-language segment
    already listed is left out when ``dedup`` says so), ``audit.jsonl`` and
    ``manifest.json``, all renamed into place together once the job has
    succeeded; when no input could be read at all, nothing is written. A
    stream receives each document's cleaned text as it is ready. A document
    that copies an earlier one is dropped whole under ``dedup`` mode ``near``.
    An input that cannot be read is recorded and the batch goes on;
    ``on_input`` hears of every input's outcome as soon as it is known.
    The folder is the job's alone while it runs (:func:`output_folder_lock`),
    and never read as an input. ``workers`` processes read and clean the
    documents (:class:`Workers`); what is written is the same for any number.
    """
    with Workers(workers, lambda: prepare_workers(config, dedup)) as pool:
        return _clean_with(pool, inputs, destination, config, detect, glob, on_input, dedup)


def _clean_with(workers: Workers, inputs: Iterable[str], destination: Path | IO[str], config: CleanConfig,
                detect: DetectConfig | None, glob: str, on_input: InputReport | None, dedup: DedupConfig) -> CleanSummary:
    summary = CleanSummary()
    if not isinstance(destination, Path):
        for result in clean_inputs(inputs, config, glob, dedup, workers=workers):
            summary.record(result, on_input)
            if isinstance(result, CleanedDocument):
                destination.write(result.text)
        return summary
    detect = detect or DetectConfig(candidates=config.language_candidates)
    prepare_output_folder(destination)
    with output_folder_lock(destination), StagedFiles() as staged:
        results = segmented_inputs(inputs, config, glob, dedup, detect, own_outputs(destination), workers)
        for result in write_clean_outputs(results, destination, staged, config, _detector(detect), dedup):
            summary.record(result, on_input)
        summary.require_some_input(destination)
        settings = {"clean": config.to_dict(), "detect": detect.to_dict(), "dedup": dedup.to_dict()}
        write_manifest(destination, build_manifest("clean", settings, summary.outcomes), staged)
    return summary


def count_inputs(inputs: Iterable[str], glob: str = "*.txt", out_dir: Path | None = None,
                 cache_path: Path | None = None) -> int:
    """How many inputs a job over ``inputs`` into ``out_dir`` reads: a walk over the folders, nothing opened."""
    return sum(not ref.skipped for ref in iter_input_refs(inputs, glob, own_outputs(out_dir, cache_path)))


def clean_inputs(
    inputs: Iterable[str],
    config: CleanConfig = CleanConfig(),
    glob: str = "*.txt",
    dedup: DedupConfig = DedupConfig(),
    skip: SkipRule | None = None,
    workers: Workers | None = None,
) -> Iterator[BatchResult]:
    """Clean every input in turn; an unreadable one yields an :class:`InputFailure` and the batch goes on,
    a near-duplicate of an earlier one a :class:`DuplicateDocument` (``dedup`` mode ``near``), and
    what ``skip`` keeps out of the walk over input folders a :class:`SkippedInput`. ``workers`` read and
    clean the documents (by default this process alone); the results are the same, in input order."""
    return (result for result, _ in segmented_inputs(inputs, config, glob, dedup, None, skip, workers))


def segmented_inputs(
    inputs: Iterable[str],
    config: CleanConfig = CleanConfig(),
    glob: str = "*.txt",
    dedup: DedupConfig = DedupConfig(),
    detect: DetectConfig | None = None,
    skip: SkipRule | None = None,
    workers: Workers | None = None,
) -> SegmentedResults:
    """:func:`clean_inputs`, each cleaned document with its segments, their languages detected as ``detect``
    says, by the workers that cleaned it; without ``detect``, with None for segments."""
    workers = workers or Workers(1)
    pages = list_pages(inputs, config, glob, skip)
    tasks = cleaning_tasks(pages, CleaningJob(config, dedup, detect=detect), workers.map, workers.share)
    return in_input_order(pages, without_near_duplicates(workers.map(clean_pages, tasks), dedup), None)


@dataclass(frozen=True)
class Page:
    """One input as a worker gets it: where to read it, or, for standard input (which only this process
    can read, and only once), the document or why it could not be read; and the short digest the
    batch-wide pass read of it (0 when it could not be read, None when there was no such pass)."""

    ref: InputRef
    doc_id: str
    document: Document | None = None
    error: InputError | None = None
    fingerprint: int | None = None

    def load(self, config: CleanConfig) -> Document:
        if self.error is not None:
            raise self.error
        return self.document or read_document(self.ref, self.doc_id, config.max_input_bytes, config.html)


@dataclass(frozen=True)
class CleaningJob:
    """What every worker needs besides the page: the settings and the batch's repeated lines; with ``detect``,
    the workers also cut each cleaned document into segments and detect their languages, which would
    otherwise keep the process that writes the outputs busy while the workers wait."""

    config: CleanConfig
    dedup: DedupConfig
    repeated: Shared[frozenset[str]] = Shared(frozenset())
    detect: DetectConfig | None = None


# What the batch-wide pass learns of a page: its fingerprint, its short lines' keys, the signature of its prose.
_Survey = tuple[int, frozenset[str], np.ndarray | None]

# What a worker makes of a page: the cleaned document (or why there is none), the MinHash signature of
# its cleaned text (under dedup mode ``near``) and its segments (when the job says how to detect them).
CleanedPage = tuple[CleanedDocument | InputFailure, np.ndarray | None, list[Segment] | None]


class Pages:
    """The inputs of a batch in input order, each a page to clean or an input left out: kept on disk, for a
    batch of millions of inputs would not fit in memory, and read again as often as the job needs."""

    def __init__(self, items: Iterable[Page | SkippedInput]) -> None:
        self._table = BlobTable()
        self.readable = 0  # the pages to clean
        for item in items:
            self._table.append("", pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
            self.readable += isinstance(item, Page)

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[Page | SkippedInput]:
        return (pickle.loads(blob) for _, blob in self._table.items())

    def to_clean(self) -> Iterator[Page]:
        return (page for page in self if isinstance(page, Page))


def list_pages(inputs: Iterable[str], config: CleanConfig, glob: str, skip: SkipRule | None) -> Pages:
    """Every input of the batch in input order, with its document id: a page to clean, or an input left out."""
    ids = DocumentIds(TextTable())
    return Pages(SkippedInput(ref.path, ref.skipped) if ref.skipped else _page(ref, ids.assign(ref), config)
                 for ref in iter_input_refs(inputs, glob, skip))


# Maps a worker function over items, a chunk at a time, results in the order of the items (:meth:`Workers.map`).
Mapper = Callable[[Callable[[list[T]], list[R]], Iterable[T]], Iterator[R]]


def cleaning_tasks(pages: Pages, job: CleaningJob, map_: Mapper[tuple[Page, CleaningJob], _Survey | None],
                   share: Callable[[frozenset[str]], Shared[frozenset[str]]]) -> Iterator[tuple[Page, CleaningJob]]:
    """The readable pages, each with the job that cleans it: when the batch is large enough, the job holds the
    repeated lines that a batch-wide pass (``map_`` of :func:`survey_pages`) counted in input order, and
    each page the digest that pass read of it."""
    fingerprints: Iterable[int | None] = repeat(None)
    if 0 < job.config.repeat_min_docs <= len(pages):
        fingerprints = array("Q")
        counter, copies = RepeatedLines(job.config.repeat_min_docs, TextTable()), CopiesOfPages(job.dedup)
        for survey in map_(survey_pages, ((page, job) for page in pages.to_clean())):
            fingerprints.append(survey[0] if survey else 0)
            if survey:
                counter.add(copies.page_of_signature(survey[2]), survey[1])
        job = replace(job, repeated=share(counter.repeated()))
    return ((replace(page, fingerprint=fingerprint), job) for page, fingerprint in zip(pages.to_clean(), fingerprints))


def in_input_order(pages: Pages, results: Iterator[tuple[T, R]],
                   left_out: R) -> Iterator[tuple[T | SkippedInput, R]]:
    """The results of the readable pages, in order, with the inputs left out of the batch in their places."""
    for page in pages:
        yield (page, left_out) if isinstance(page, SkippedInput) else next(results)


def _page(ref: InputRef, doc_id: str, config: CleanConfig) -> Page:
    if not ref.is_stdin:
        return Page(ref, doc_id)
    try:
        return Page(ref, doc_id, document=read_document(ref, doc_id, config.max_input_bytes, config.html))
    except InputError as exc:
        return Page(ref, doc_id, error=exc)


def survey_pages(pages: list[tuple[Page, CleaningJob]]) -> list[_Survey | None]:
    """Worker: for the batch-wide pass, what it counts of each page (None for one that cannot be read)."""
    surveys: list[_Survey | None] = []
    for page, job in pages:
        try:
            document = page.load(job.config)
        except InputError:
            surveys.append(None)
            continue
        text = document.text
        surveys.append((_fingerprint(document), page_line_keys(text, job.config), raw_page_signature(_signer(job.dedup), text)))
    return surveys


def clean_pages(pages: list[tuple[Page, CleaningJob]]) -> list[CleanedPage]:
    """Worker: each page read and cleaned, with the signature of its cleaned text under dedup mode ``near``
    and, when the job says how to detect them, its segments."""
    results: list[CleanedPage] = []
    for page, job in pages:
        try:
            document = page.load(job.config)
        except InputError as exc:
            results.append((InputFailure(exc.path, exc.reason), None, None))
            continue
        if page.fingerprint is not None and page.fingerprint != _fingerprint(document):
            results.append((InputFailure(page.ref.label, CHANGED), None, None))
            continue
        try:
            cleaned = clean_document(document, job.config, job.repeated.get())
        except Exception as exc:  # a bug met on one page costs that page, not the batch
            results.append((InputFailure(page.ref.label, f"{CLEANER_FAILED}: {type(exc).__name__}: {exc}"), None, None))
            continue
        signature = _signer(job.dedup).signature(cleaned.text) if job.dedup.mode == "near" else None
        detect = job.detect
        segments = segment_document(cleaned, _detector(detect), job.config.source_lang) if detect is not None else None
        results.append((cleaned, signature, segments))
    return results


def without_near_duplicates(results: Iterable[CleanedPage], dedup: DedupConfig) -> SegmentedResults:
    """The documents in order, with their segments; one that copies an earlier one as a :class:`DuplicateDocument`."""
    signed, segmented = tee(results)
    kept = drop_near_duplicates(((result, signature) for result, signature, _ in signed), dedup)
    for result, (_, _, segments) in zip(kept, segmented):
        yield result, segments


# One per process and setting: it draws its permutations once.
@lru_cache(maxsize=4)
def _signer(dedup: DedupConfig) -> MinHashSigner:
    return MinHashSigner(dedup)


def prepare_workers(config: CleanConfig, dedup: DedupConfig) -> None:
    """Load what every cleaning worker needs once, before the workers are forked: the cleaner's models and word
    lists, and the MinHash signer that signs every page (datasketch, imported on first use, and its permutations)."""
    prepare_cleaning(config)
    _signer(dedup)


# One per process and setting: building a detector loads langdetect's profiles.
@lru_cache(maxsize=2)
def _detector(detect: DetectConfig) -> LanguageDetector:
    return LanguageDetector(detect)


def _fingerprint(document: Document) -> int:
    return int(document.sha256[:16], 16)


def write_clean_outputs(
    results: Iterable[tuple[BatchResult, list[Segment] | None]],
    out_dir: Path,
    staged: StagedFiles,
    config: CleanConfig,
    detector: LanguageDetector,
    dedup: DedupConfig = DedupConfig(),
) -> Iterator[BatchResult]:
    """Stage ``clean/<doc>.<lang>.txt`` per document, ``segments.jsonl`` and ``audit.jsonl`` for the batch, passing results on.

    Each result comes with its segments (:func:`segmented_inputs`), or with None to have ``detector`` work them out here."""
    prepare_output_folder(out_dir)
    drop_repeat = repeated_segment_drops(dedup)
    with staged.writer(out_dir / "audit.jsonl") as audit, staged.writer(out_dir / "segments.jsonl") as segments:
        for result, found in results:
            if isinstance(result, DuplicateDocument):
                write_duplicate(result, audit)
            elif isinstance(result, CleanedDocument):
                write_cleaned(result, out_dir, config.source_lang, audit, staged)
                for segment in found if found is not None else segment_document(result, detector, config.source_lang):
                    drop = drop_repeat(segment) if segment.lang == config.source_lang else None
                    if drop is None:
                        segments.write(json_line(segment.to_dict()))
                    else:
                        audit.write(json_line(drop.to_dict()))
            yield result


def stage_cleaned_text(result: CleanedDocument, out_dir: Path, lang: str, staged: StagedFiles) -> None:
    """Stage ``clean/<doc>.<lang>.txt`` for one document."""
    staged.write_text(document_file(out_dir / "clean", result.document.doc_id, f".{lang}.txt"), result.text)


def write_duplicate(result: DuplicateDocument, audit: IO[str]) -> None:
    """The audit of a document dropped as a near-duplicate: what cleaning did, then the drop of what was left."""
    for event in [*result.cleaned.events, result.event]:
        audit.write(json_line(event.to_dict()))


def write_cleaned(result: CleanedDocument, out_dir: Path, lang: str, audit: IO[str], staged: StagedFiles) -> None:
    """Stage ``clean/<doc>.<lang>.txt`` for one document, and write its audit events on ``audit``."""
    stage_cleaned_text(result, out_dir, lang, staged)
    for event in result.events:
        audit.write(json_line(event.to_dict()))
