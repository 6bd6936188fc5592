"""Record types shared by every stage: documents, blocks and audit events.

Spans are character offsets ``[start, end)`` into the decoded, newline-normalised
text of the document, so any kept block or audit event can be traced back to
the exact input it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


class Role(str, Enum):
    """What a block is on the page; decides nothing by itself."""

    TITLE = "title"
    HEADING = "heading"
    BODY = "body"
    CAPTION = "caption"
    CREDIT = "credit"
    BYLINE = "byline"
    DATELINE = "dateline"
    NAVIGATION = "navigation"
    SHARE = "share"
    RELATED = "related"
    LEGAL = "legal"
    CONTACT = "contact"
    IMAGE = "image"
    COMMENT = "comment"


class Action(str, Enum):
    DROP = "drop"
    EDIT = "edit"
    SPLIT = "split"
    JOIN = "join"
    FLAG = "flag"


Span = tuple[int, int]


@dataclass(frozen=True)
class Decoding:
    """How the bytes of one input became text.

    stray_bytes: bytes invalid in an otherwise UTF-8 input, read as cp1252.
    compression: the format the bytes were decompressed from (gzip, bzip2, xz, zstd), or "".
    extractor: what extracted the main text of an HTML page (``trafilatura/2.3.1``), or "".
    extracted_away: characters of the page the extractor left out (markup and chrome).
    """

    encoding: str
    bom: bool
    newlines: str
    confidence: float
    stray_bytes: int = 0
    compression: str = ""
    extractor: str = ""
    extracted_away: int = 0

    def describe(self) -> str:
        stray = f" stray_bytes={self.stray_bytes}" if self.stray_bytes else ""
        compression = f"compression={self.compression} " if self.compression else ""
        extractor = f"html extractor={self.extractor} " if self.extractor else ""
        return f"{compression}{extractor}encoding={self.encoding} bom={self.bom} newlines={self.newlines} confidence={self.confidence:g}{stray}"


@dataclass(frozen=True)
class Document:
    """One input, decoded. ``text`` uses ``\\n`` line ends only.

    uri, record_id: for a page read from a WARC archive, its target URI and WARC record id.
    """

    doc_id: str
    path: str
    text: str
    decoding: Decoding
    size: int
    sha256: str
    uri: str = ""
    record_id: str = ""


@dataclass(frozen=True)
class Verdict:
    """A classifier's decision on a block: a role, keep or drop, and why.

    ``reason`` is a stable snake_case name that appears in the audit and the
    manifest counters; ``score`` is the evidence behind it (0..1).
    """

    role: Role
    keep: bool
    reason: str
    score: float = 1.0


@dataclass(frozen=True)
class BlockFeatures:
    """What a block's Markdown said about it, kept for the role rules once the markup is gone.

    heading_level: Markdown heading level, 0 when the line is not a heading.
    link_chars: characters of link text.
    image_count: images on the line.
    list_item: the line is a Markdown list item.
    emphasised_line: the whole line is set in emphasis (``*Jean Dupont*``).
    """

    heading_level: int = 0
    link_chars: int = 0
    image_count: int = 0
    list_item: bool = False
    emphasised_line: bool = False

    def joined_with(self, later: BlockFeatures) -> BlockFeatures:
        """Two lines made one paragraph: the first line's structure, the links and images of both."""
        return replace(self, link_chars=self.link_chars + later.link_chars, image_count=self.image_count + later.image_count)


@dataclass
class Block:
    """A line-level unit of a document with its source span.

    ``text`` starts as the stripped source line and is rewritten by the edit
    rules; ``rules`` lists, in order, the names of the rules that changed it.
    ``line_key`` identifies the line across the documents of a batch (None for
    lines too long to be site chrome).
    """

    span: Span
    text: str
    blank_before: bool
    rules: list[str] = field(default_factory=list)
    features: BlockFeatures = field(default_factory=BlockFeatures)
    line_key: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One decision taken on the input: a drop, edit, split, join or flag, with the span it concerns."""

    doc: str
    span: Span
    stage: str
    rule: str
    action: Action
    before: str
    after: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "span": list(self.span),
            "stage": self.stage,
            "rule": self.rule,
            "action": self.action.value,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Segment:
    """One sentence of kept text, the unit that is translated and aligned.

    ``seg_id`` is ``<doc>:<paragraph>:<sentence>``, 1-based; ``span`` points into
    the decoded input; ``rules`` names the rules that changed its paragraph.
    """

    seg_id: str
    doc: str
    paragraph: int
    sentence: int
    text: str
    span: Span
    role: Role
    lang: str
    lang_score: float
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.seg_id,
            "doc": self.doc,
            "role": self.role.value,
            "span": list(self.span),
            "lang": self.lang,
            "lang_score": self.lang_score,
            "text": self.text,
            "rules": list(self.rules),
        }
