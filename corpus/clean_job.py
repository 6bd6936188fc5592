"""The batch cleaning job behind ``passerelle clean``: inputs in, cleaned texts and audit out.

Documents are read, cleaned and written one at a time. Before that, when the
batch is large enough for it to matter, one pass over the inputs counts lines
that recur across pages (site chrome); it keeps only line hashes, and counts a
copy of an earlier page (a syndicated dispatch under other chrome) as that
page, and a short digest of each input, so that an input that changes
between the two passes is reported rather than half used. Duplicates are
then dropped as :mod:`.dedup` says.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ..normalise import (
    CleanConfig,
    CleanedDocument,
    DetectConfig,
    Document,
    DocumentIds,
    InputError,
    InputRef,
    LanguageDetector,
    SkipRule,
    clean_document,
    iter_input_refs,
    read_document,
    repeated_lines,
    segment_document,
)
from .dedup import CopiesOfPages, DedupConfig, DuplicateDocument, drop_near_duplicates, repeated_segment_drops
from .manifest import build_manifest, write_manifest
from .outcomes import BatchResult, CleanSummary, InputFailure, InputReport, SkippedInput
from .output_lock import output_folder_lock
from .own_outputs import own_outputs
from .writers import StagedFiles, document_file, json_line, prepare_output_folder

CHANGED = "changed while the run was going: read again, it differed; run again once it is complete"


def clean(
    inputs: Iterable[str],
    destination: Path | IO[str],
    config: CleanConfig = CleanConfig(),
    detect: DetectConfig | None = None,
    glob: str = "*.txt",
    on_input: InputReport | None = None,
    dedup: DedupConfig = DedupConfig(),
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
    and never read as an input.
    """
    summary = CleanSummary()
    if not isinstance(destination, Path):
        for result in clean_inputs(inputs, config, glob, dedup):
            summary.record(result, on_input)
            if isinstance(result, CleanedDocument):
                destination.write(result.text)
        return summary
    detect = detect or DetectConfig(candidates=config.language_candidates)
    prepare_output_folder(destination)
    with output_folder_lock(destination), StagedFiles() as staged:
        results = clean_inputs(inputs, config, glob, dedup, own_outputs(destination))
        for result in write_clean_outputs(results, destination, staged, config, LanguageDetector(detect), dedup):
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
) -> Iterator[BatchResult]:
    """Clean every input in turn; an unreadable one yields an :class:`InputFailure` and the batch goes on,
    a near-duplicate of an earlier one a :class:`DuplicateDocument` (``dedup`` mode ``near``), and
    what ``skip`` keeps out of the walk over input folders a :class:`SkippedInput`."""
    return drop_near_duplicates(_cleaned_inputs(inputs, config, glob, dedup, skip), dedup)


def _cleaned_inputs(inputs: Iterable[str], config: CleanConfig, glob: str, dedup: DedupConfig,
                    skip: SkipRule | None) -> Iterator[CleanedDocument | InputFailure | SkippedInput]:
    refs = list(iter_input_refs(inputs, glob, skip))
    ids = DocumentIds()
    stdin_cache: dict[str, Document] = {}

    def load(ref: InputRef, doc_id: str) -> Document:
        # Standard input can be read only once, yet the batch may need it twice.
        if ref.is_stdin:
            if doc_id not in stdin_cache:
                stdin_cache[doc_id] = read_document(ref, doc_id, config.max_input_bytes, config.html)
            return stdin_cache[doc_id]
        return read_document(ref, doc_id, config.max_input_bytes, config.html)

    doc_ids = ["" if ref.skipped else ids.assign(ref) for ref in refs]
    repeated: frozenset[str] = frozenset()
    # What the batch-wide pass read of each input: 8 bytes of its sha256 (0 when it could not be read).
    read_before = array("Q")
    if 0 < config.repeat_min_docs <= len(refs):
        texts = _readable_texts(refs, doc_ids, load, read_before)
        repeated = repeated_lines(texts, config, CopiesOfPages(dedup).page_of)
    for index, (ref, doc_id) in enumerate(zip(refs, doc_ids)):
        if ref.skipped:
            yield SkippedInput(ref.path, ref.skipped)
            continue
        try:
            document = load(ref, doc_id)
        except InputError as exc:
            yield InputFailure(exc.path, exc.reason)
            continue
        if read_before and read_before[index] != _fingerprint(document):
            yield InputFailure(ref.label, CHANGED)
            continue
        yield clean_document(document, config, repeated)


def _readable_texts(refs: list[InputRef], doc_ids: list[str], load: Callable[[InputRef, str], Document],
                    fingerprints: array[int]) -> Iterator[str]:
    """The text of every input that can be read, each one's fingerprint appended to ``fingerprints``."""
    for ref, doc_id in zip(refs, doc_ids):
        if ref.skipped:
            fingerprints.append(0)
            continue
        try:
            document = load(ref, doc_id)
        except InputError:
            fingerprints.append(0)
            continue
        fingerprints.append(_fingerprint(document))
        yield document.text


def _fingerprint(document: Document) -> int:
    return int(document.sha256[:16], 16)


def write_clean_outputs(
    results: Iterable[BatchResult],
    out_dir: Path,
    staged: StagedFiles,
    config: CleanConfig,
    detector: LanguageDetector,
    dedup: DedupConfig = DedupConfig(),
) -> Iterator[BatchResult]:
    """Stage ``clean/<doc>.<lang>.txt`` per document, ``segments.jsonl`` and ``audit.jsonl`` for the batch, passing results on."""
    prepare_output_folder(out_dir)
    drop_repeat = repeated_segment_drops(dedup)
    with staged.writer(out_dir / "audit.jsonl") as audit, staged.writer(out_dir / "segments.jsonl") as segments:
        for result in results:
            if isinstance(result, DuplicateDocument):
                write_duplicate(result, audit)
            elif isinstance(result, CleanedDocument):
                write_cleaned(result, out_dir, config.source_lang, audit, staged)
                for segment in segment_document(result, detector, config.source_lang):
                    drop = drop_repeat(segment) if segment.lang == config.source_lang else None
                    if drop is None:
                        segments.write(json_line(segment.to_dict()))
                    else:
                        audit.write(json_line(drop.to_dict()))
            yield result


def write_duplicate(result: DuplicateDocument, audit: IO[str]) -> None:
    """The audit of a document dropped as a near-duplicate: what cleaning did, then the drop of what was left."""
    for event in [*result.cleaned.events, result.event]:
        audit.write(json_line(event.to_dict()))


def write_cleaned(result: CleanedDocument, out_dir: Path, lang: str, audit: IO[str], staged: StagedFiles) -> None:
    """Stage ``clean/<doc>.<lang>.txt`` for one document, and write its audit events on ``audit``."""
    staged.write_text(document_file(out_dir / "clean", result.document.doc_id, f".{lang}.txt"), result.text)
    for event in result.events:
        audit.write(json_line(event.to_dict()))
