"""The batch cleaning job behind ``passerelle clean``: inputs in, cleaned texts and audit out.

Documents are read, cleaned and written one at a time. Before that, when the
batch is large enough for it to matter, one pass over the inputs counts lines
that recur across documents (site chrome); it keeps only line hashes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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
    clean_document,
    display_path,
    iter_input_refs,
    read_document,
    repeated_lines,
    segment_document,
)

from .writers import StagedFiles, document_file, json_line, prepare_output_folder


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read or decoded, with the reason in plain words."""

    path: str
    reason: str


@dataclass(frozen=True)
class InputOutcome:
    path: str
    doc_id: str | None
    status: str  # ok | empty | failed
    message: str = ""
    kept: int = 0
    dropped: int = 0
    size: int | None = None
    sha256: str | None = None
    decoding: str | None = None


@dataclass
class CleanSummary:
    outcomes: list[InputOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[InputOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def record(self, result: CleanedDocument | InputFailure) -> InputOutcome:
        if isinstance(result, InputFailure):
            outcome = InputOutcome(display_path(result.path), None, "failed", result.reason)
        else:
            kept = len(result.kept)
            document = result.document
            outcome = InputOutcome(
                display_path(document.path),
                document.doc_id,
                "ok" if kept else "empty",
                _decoding_note(document) if kept else _why_empty(result),
                kept,
                len(result.blocks) - kept,
                document.size,
                document.sha256,
                document.decoding.describe(),
            )
        self.outcomes.append(outcome)
        return outcome


def _decoding_note(document: Document) -> str:
    """What a user should know about how a document that was read could be read."""
    stray = document.decoding.stray_bytes
    return f"{stray} byte(s) not valid UTF-8, read as cp1252" if stray else ""


def _why_empty(result: CleanedDocument) -> str:
    """Why a document that was read gave no text, in words a user can act on."""
    if not result.document.text:
        return "empty file"
    if not result.document.text.strip():
        return "only white space"
    reasons = Counter(b.verdict.reason for b in result.blocks if b.verdict is not None and not b.verdict.keep)
    return "nothing kept: " + ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())


def clean_inputs(
    inputs: Iterable[str],
    config: CleanConfig = CleanConfig(),
    glob: str = "*.txt",
) -> Iterator[CleanedDocument | InputFailure]:
    """Clean every input in turn; an unreadable one yields an :class:`InputFailure` and the batch goes on."""
    refs = list(iter_input_refs(inputs, glob))
    ids = DocumentIds()
    stdin_cache: dict[str, Document] = {}

    def load(ref: InputRef, doc_id: str) -> Document:
        # Standard input can be read only once, yet the batch may need it twice.
        if ref.is_stdin:
            if doc_id not in stdin_cache:
                stdin_cache[doc_id] = read_document(ref, doc_id, config.max_input_bytes)
            return stdin_cache[doc_id]
        return read_document(ref, doc_id, config.max_input_bytes)

    doc_ids = [ids.assign(ref) for ref in refs]
    repeated: frozenset[str] = frozenset()
    if 0 < config.repeat_min_docs <= len(refs):
        repeated = repeated_lines(_readable_texts(refs, doc_ids, load), config)
    for ref, doc_id in zip(refs, doc_ids):
        try:
            document = load(ref, doc_id)
        except InputError as exc:
            yield InputFailure(exc.path, exc.reason)
            continue
        yield clean_document(document, config, repeated)


def _readable_texts(refs: list[InputRef], doc_ids: list[str], load: Callable[[InputRef, str], Document]) -> Iterator[str]:
    for ref, doc_id in zip(refs, doc_ids):
        try:
            yield load(ref, doc_id).text
        except InputError:
            continue


def write_clean_outputs(
    results: Iterable[CleanedDocument | InputFailure],
    out_dir: Path,
    staged: StagedFiles,
    config: CleanConfig = CleanConfig(),
    detector: LanguageDetector | None = None,
) -> Iterator[CleanedDocument | InputFailure]:
    """Stage ``clean/<doc>.<lang>.txt`` per document, ``segments.jsonl`` and ``audit.jsonl`` for the batch, passing results on."""
    detector = detector or LanguageDetector(DetectConfig(candidates=config.language_candidates))
    prepare_output_folder(out_dir)
    with staged.writer(out_dir / "audit.jsonl") as audit, staged.writer(out_dir / "segments.jsonl") as segments:
        for result in results:
            if isinstance(result, CleanedDocument):
                write_cleaned(result, out_dir, config.source_lang, audit, staged)
                for segment in segment_document(result, detector, config.source_lang):
                    segments.write(json_line(segment.to_dict()))
            yield result


def write_cleaned(result: CleanedDocument, out_dir: Path, lang: str, audit: IO[str], staged: StagedFiles) -> None:
    """Stage ``clean/<doc>.<lang>.txt`` for one document, and write its audit events on ``audit``."""
    staged.write_text(document_file(out_dir / "clean", result.document.doc_id, f".{lang}.txt"), result.text)
    for event in result.events:
        audit.write(json_line(event.to_dict()))
