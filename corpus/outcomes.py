"""What became of each input of a batch: read and cleaned, empty (and why), a duplicate (of what), failed (and why),
or skipped (a folder or file that is no input: a run's own outputs)."""

from __future__ import annotations

import json
import os
import tempfile
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..normalise import CleanedDocument, Document, Segment, display_path
from .dedup import DuplicateDocument
from .errors import CorpusError


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read or decoded, with the reason in plain words."""

    path: str
    reason: str


@dataclass(frozen=True)
class SkippedInput:
    """A folder or file found among the inputs that is not read, and why (the run's own output folder)."""

    path: str
    reason: str


# What becomes of one input of a batch, in input order.
BatchResult = CleanedDocument | InputFailure | DuplicateDocument | SkippedInput

# A batch's results in input order, each cleaned document with its segments where they were worked out with it.
SegmentedResults = Iterator[tuple[BatchResult, list[Segment] | None]]


@dataclass(frozen=True)
class InputOutcome:
    path: str
    doc_id: str | None
    status: str  # ok | empty | duplicate | failed | skipped
    message: str = ""
    kept: int = 0
    dropped: int = 0
    size: int | None = None
    sha256: str | None = None
    decoding: str | None = None
    uri: str | None = None  # a page of a WARC archive: its target URI
    warc_record_id: str | None = None
    kind: str | None = None  # text | html | warc (an HTML response record of a WARC archive)


InputReport = Callable[[InputOutcome], None]  # called once per input, as soon as its outcome is known


class OutcomeSpool:
    """Every input's outcome, in input order, kept in a temporary file rather than in memory.

    The manifest lists every input, and a batch can hold millions: held as
    objects until the manifest was written, they and the manifest built from
    them were most of the 4.5 KiB an input by which the driver's peak grew
    (bench/driver_memory.py). Each outcome is one JSON line of an unnamed file
    in the system's temporary folder (``TMPDIR``); it goes when the spool does.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._close = weakref.finalize(self, self._file.close)
        self._count = 0

    def append(self, outcome: InputOutcome) -> None:
        # ASCII escapes: a path can hold half a UTF-16 pair, which UTF-8 cannot.
        self._file.write(json.dumps(asdict(outcome)).encode("ascii") + b"\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[InputOutcome]:
        """The outcomes appended so far; reading leaves the place appends go to alone."""
        self._file.flush()
        end, offset, rest = self._file.tell(), 0, b""
        while offset < end:
            chunk = os.pread(self._file.fileno(), min(_READ_SIZE, end - offset), offset)
            offset += len(chunk)
            *lines, rest = (rest + chunk).split(b"\n")
            for line in lines:
                yield InputOutcome(**json.loads(line))


_READ_SIZE = 1 << 16


@dataclass
class CleanSummary:
    """What became of a batch's inputs: every outcome (on disk), the documents read, the failures."""

    outcomes: OutcomeSpool = field(default_factory=OutcomeSpool)
    documents: int = 0  # inputs that were read: kept, empty or a duplicate
    failed: list[InputOutcome] = field(default_factory=list)

    def require_some_input(self, out_dir: Path) -> None:
        """Stop the job when no input could be read at all: its outputs would replace the previous ones with nothing."""
        if not self.documents:
            found = f"all {len(self.failed)} input(s) failed" if self.failed else "no input was found"
            raise CorpusError(f"no input could be read ({found}); {out_dir} is left as it was")

    def record(self, result: BatchResult, report: InputReport | None = None) -> InputOutcome:
        """Add the outcome of one input, and tell ``report`` at once."""
        if isinstance(result, InputFailure):
            outcome = InputOutcome(display_path(result.path), None, "failed", result.reason)
        elif isinstance(result, SkippedInput):
            outcome = InputOutcome(display_path(result.path), None, "skipped", result.reason)
        elif isinstance(result, DuplicateDocument):
            outcome = _outcome(result.cleaned, "duplicate", result.reason, kept=0)
        else:
            kept = len(result.kept)
            status, message = ("ok", _decoding_note(result.document)) if kept else ("empty", _why_empty(result))
            outcome = _outcome(result, status, message, kept)
        self.outcomes.append(outcome)
        self.documents += outcome.doc_id is not None
        if outcome.status == "failed":
            self.failed.append(outcome)
        if report:
            report(outcome)
        return outcome


def _outcome(result: CleanedDocument, status: str, message: str, kept: int) -> InputOutcome:
    document = result.document
    return InputOutcome(display_path(document.path), document.doc_id, status, message, kept, len(result.blocks) - kept,
                        document.size, document.sha256, document.decoding.describe(), document.uri or None,
                        document.record_id or None, _kind(document))


def _kind(document: Document) -> str:
    return "warc" if document.uri else "html" if document.decoding.extractor else "text"


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
