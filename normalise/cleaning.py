"""The cleaning stage: blocks in, kept blocks and audit events out.

    split lines → line edits (Unicode, Markdown) → re-join cut paragraphs
    → paragraph edits (prefixes, glued words) → role rules → caption credits
    → short-line runs → re-join paragraphs cut by a dropped block → typography

Every change is an :class:`AuditEvent`; every non-blank input line ends up in
a kept block or in a ``drop`` event (conservation, checked by the tests).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from .block_rules import (
    CAPTION_EDIT_RULES,
    LINE_EDIT_RULES,
    PARAGRAPH_EDIT_RULES,
    ROLE_RULES,
    BlockContext,
    EditRule,
    first_verdict,
    unanchored_short_lines,
)
from .blocks import Join, join_split_paragraphs, split_blocks
from .cues import CANDIDATE_LANGUAGES
from .errors import ConfigError
from .reading import normalise_newlines
from .records import Action, AuditEvent, Block, Decoding, Document, Role, Verdict
from .regions import ArticleRegion, find_article, restored_verdict
from .typography import PROFILES, typography_steps

STAGE = "clean"
TYPOGRAPHY_STAGE = "typography"


@dataclass(frozen=True)
class CleanConfig:
    """Settings of the cleaning stage; the manifest records them whole.

    source_lang: language of the text being kept (ISO 639-1).
    language_candidates: languages a block may be recognised as; anything
        else falls to the nearest of these or to ``und``.
    min_language_margin: mean Zipf-frequency lead per word a language needs
        before a block is called foreign (0.6 ≈ each word four times likelier).
    repeat_min_docs: a line found in at least this many documents of one batch
        is site chrome; 0 turns the check off.
    repeat_max_chars: longer lines are never treated as repeated chrome.
    typography: profile applied to the kept text (:mod:`passerelle.normalise.typography`):
        ``french`` for the French side of the corpus, ``plain`` for ASCII quotes
        and plain spaces.
    max_input_bytes: larger inputs are reported and not read, so one stray
        dump cannot exhaust memory or stall a batch (news articles are a few
        kB; 10 MB leaves room for whole-site exports).
    """

    source_lang: str = "fr"
    language_candidates: tuple[str, ...] = CANDIDATE_LANGUAGES
    min_language_margin: float = 0.6
    repeat_min_docs: int = 3
    repeat_max_chars: int = 300
    typography: str = "french"
    max_input_bytes: int = 10_000_000

    def __post_init__(self) -> None:
        if self.typography not in PROFILES:
            raise ConfigError(f"unknown typography profile {self.typography!r}; choose from {', '.join(PROFILES)}")
        if self.source_lang not in self.language_candidates:
            raise ConfigError(f"source language {self.source_lang!r} is not among the languages the cleaner tells "
                              f"apart ({', '.join(self.language_candidates)})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CleanedDocument:
    document: Document
    blocks: list[Block]
    events: list[AuditEvent] = field(default_factory=list)

    @property
    def kept(self) -> list[Block]:
        return [b for b in self.blocks if b.verdict is not None and b.verdict.keep]

    @property
    def text(self) -> str:
        """Kept blocks, one paragraph each, a blank line between them."""
        kept = [b.text for b in self.kept]
        return "\n\n".join(kept) + "\n" if kept else ""


def line_key(line: str) -> str:
    """What makes two lines "the same line" across documents."""
    folded = " ".join(line.casefold().split())
    return hashlib.blake2b(folded.encode("utf-8", errors="surrogatepass"), digest_size=8).hexdigest()


def repeated_lines(texts: Iterable[str], config: CleanConfig) -> frozenset[str]:
    """Keys of the lines that occur in at least ``config.repeat_min_docs`` of ``texts``.

    Only the keys are held, never the documents, so a batch of any size is
    counted in bounded memory per distinct line. Identical documents count once.
    """
    if config.repeat_min_docs <= 0:
        return frozenset()
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for text in texts:
        # The same file given twice (or copied under two names) is one page, not
        # evidence that its lines are site chrome.
        if (fingerprint := line_key(text)) in seen:
            continue
        seen.add(fingerprint)
        counts.update({line_key(b.text) for b in split_blocks(text) if len(b.text) <= config.repeat_max_chars})
    return frozenset(key for key, n in counts.items() if n >= config.repeat_min_docs)


def clean_document(
    document: Document,
    config: CleanConfig = CleanConfig(),
    repeated: frozenset[str] = frozenset(),
) -> CleanedDocument:
    """Clean one document; ``repeated`` comes from :func:`repeated_lines` over its batch."""
    return _Cleaner(document, config, repeated).clean()


def apply_edits(rules: Sequence[EditRule], block: Block, lang: str, doc_id: str, rounds: int = 1) -> list[AuditEvent]:
    """Run an edit table over ``block``, rewriting it in place; one audit event per change (cf. ftfy's ``_try_fix``).

    With ``rounds`` above 1 the table runs again, up to that many times, while
    it still changes something: one edit can open the way for an earlier one
    (a split word makes a dateline prefix strippable).
    """
    events: list[AuditEvent] = []
    for _ in range(rounds):
        before = len(events)
        for rule in rules:
            edit = rule(block, lang)
            if edit is None:
                continue
            events.append(AuditEvent(doc_id, block.span, STAGE, rule.__name__, edit.action, block.text, edit.text, edit.detail))
            block.text = edit.text
            block.rules.append(rule.__name__)
            if edit.features is not None:
                block.features = edit.features
        if len(events) == before:
            break
    return events


class _Cleaner:
    """One document through the cleaning stages, collecting every decision as an audit event."""

    def __init__(self, document: Document, config: CleanConfig, repeated: frozenset[str]) -> None:
        self.document, self.config, self.repeated = document, config, repeated
        self.events: list[AuditEvent] = []
        # Blocks merged into a later one, by id. The blocks themselves are held too: an
        # intermediate join is otherwise freed, and a new block could reuse its id.
        self.consumed: dict[int, Block] = {}
        self.region: ArticleRegion | None = None

    def clean(self) -> CleanedDocument:
        self._flag_unusual_decoding()
        blocks = split_blocks(self.document.text)
        for block in blocks:
            if len(block.text) <= self.config.repeat_max_chars:
                block.line_key = line_key(block.text)
            self._edit(LINE_EDIT_RULES, block)
        joined = self._join(blocks, structural=True)
        result = self._settle(joined, self._classify(joined, joined, find_region=True))
        cleaned = CleanedDocument(self.document, sorted(result, key=lambda b: b.span[0]), self.events)
        self._typeset(cleaned.kept)
        self.events.sort(key=lambda e: e.span[0])
        return cleaned

    def _edit(self, rules: Sequence[EditRule], block: Block, rounds: int = 1) -> None:
        self.events.extend(apply_edits(rules, block, self.config.source_lang, self.document.doc_id, rounds))

    def _flag_unusual_decoding(self) -> None:
        decoding = self.document.decoding
        unusual = decoding.encoding not in ("utf-8", "str") or decoding.bom or decoding.stray_bytes
        if unusual or decoding.newlines not in ("lf", "none"):
            self.events.append(AuditEvent(self.document.doc_id, (0, len(self.document.text)), "read", "decode", Action.FLAG,
                                          "", "", decoding.describe()))

    def _join(self, candidates: list[Block], structural: bool) -> list[Block]:
        """Re-join cut paragraphs, then run the paragraph edits on what the output will hold."""
        result: list[Block] = []
        for item in join_split_paragraphs(candidates, structural):
            if isinstance(item, Join):
                self.events.append(AuditEvent(self.document.doc_id, item.joined.span, STAGE, "join_split_paragraphs", Action.JOIN,
                                              f"{item.first.text}\n{item.second.text}", item.joined.text))
                self.consumed.update({id(item.first): item.first, id(item.second): item.second})
            else:
                self._edit(PARAGRAPH_EDIT_RULES, item, rounds=3)
                result.append(item)
        return result

    def _classify(self, blocks: list[Block], judge: list[Block], find_region: bool = False) -> list[Block]:
        """Give each block of ``judge`` a verdict in the context of ``blocks``; return the kept ones.

        With ``find_region`` the page's article is located first, and what lies
        outside it is dropped (:mod:`passerelle.normalise.regions`).
        """
        verdicts = self._verdicts(blocks, {id(b) for b in judge})
        if find_region:
            # The region is sought once, on the first judgement, when every block has just been judged.
            judged = cast(list[Verdict], verdicts)
            self.region = find_article(blocks, judged, self.config.source_lang)
            if self.region is not None:
                verdicts = [_in_article(self.region, index, verdict) for index, verdict in enumerate(judged)]
        for block, verdict in zip(blocks, verdicts):
            if verdict is None:
                continue
            block.verdict = verdict
            if not verdict.keep:
                self._drop(block, verdict)
            elif verdict.role is Role.CAPTION:
                self._edit(CAPTION_EDIT_RULES, block)
        return [b for b in blocks if b.verdict is not None and b.verdict.keep]

    def _verdicts(self, blocks: list[Block], to_judge: set[int]) -> list[Verdict | None]:
        """What the role rules say of each block to judge (None for the others), in page order."""
        verdicts: list[Verdict | None] = []
        title_seen = False
        for index, block in enumerate(blocks):
            verdict = _classify(block, self._context(blocks, index, title_seen)) if id(block) in to_judge else None
            verdicts.append(verdict)
            current = verdict or block.verdict
            title_seen = title_seen or bool(current and current.keep)
        return verdicts

    def _context(self, blocks: list[Block], index: int, title_seen: bool) -> BlockContext:
        config = self.config
        return BlockContext(blocks=blocks, index=index, source_lang=config.source_lang,
                            language_candidates=config.language_candidates, min_language_margin=config.min_language_margin,
                            repeated_lines=self.repeated, title_seen=title_seen)

    def _drop(self, block: Block, verdict: Verdict) -> None:
        block.verdict = verdict
        start, end = block.span
        self.events.append(AuditEvent(self.document.doc_id, block.span, STAGE, verdict.reason, Action.DROP,
                                      self.document.text[start:end], "", _describe(verdict)))

    def _settle(self, result: list[Block], kept: list[Block]) -> list[Block]:
        """Dropping blocks can leave a cut paragraph or a menu behind; judge the
        paragraphs the output will hold until they no longer change. Returns every block, kept or dropped."""
        while True:
            # Within an article, short lines are its headings and lists; without one, they may be a menu.
            for block, verdict in list(unanchored_short_lines(kept)) if self.region is None else []:
                self._drop(block, verdict)
            kept = [b for b in kept if b.verdict is not None and b.verdict.keep]
            rejoined = self._join(kept, structural=False)
            kept_ids = {id(b) for b in kept}
            merged = [b for b in rejoined if id(b) not in kept_ids]
            if not merged:
                return result
            result = [b for b in result if id(b) not in self.consumed] + merged
            kept = self._classify(rejoined, merged)

    def _typeset(self, kept: list[Block]) -> None:
        profile = self.config.typography
        for block in kept:
            for step in typography_steps(block.text, profile):
                self.events.append(AuditEvent(self.document.doc_id, block.span, TYPOGRAPHY_STAGE, step.rule, Action.EDIT,
                                              step.before, step.after, f"profile={profile}"))
                block.text = step.after
                block.rules.append(step.rule)


# The roles of what surrounds an article.
_OUTSIDE_ROLES = {"before_article": Role.NAVIGATION, "after_article": Role.RELATED, "comment_section": Role.COMMENT}


def _in_article(region: ArticleRegion, index: int, verdict: Verdict) -> Verdict:
    """A block's verdict once the page's article is known: kept inside, dropped outside, given back if restored."""
    if index in region.restored:
        return restored_verdict(index == region.start)
    if verdict.keep and not region.start <= index <= region.end:
        reason = region.reason_outside(index)
        return Verdict(_OUTSIDE_ROLES[reason], False, reason)
    return verdict


def _classify(block: Block, ctx: BlockContext) -> Verdict:
    verdict = first_verdict(ROLE_RULES, block, ctx)
    if verdict is None:
        raise AssertionError("ROLE_RULES ends with a rule that always answers")
    return verdict


def _describe(verdict: Verdict) -> str:
    return f"role={verdict.role.value} score={verdict.score:g}"


def document_from_text(text: str, doc_id: str = "text") -> Document:
    """Wrap a string as a :class:`Document`, for library callers who have text, not files."""
    normalised, newlines = normalise_newlines(text)
    # A str may hold lone surrogates (from broken UTF-16 or escaped file names); hash them as they are.
    data = text.encode("utf-8", errors="surrogatepass")
    return Document(
        doc_id=doc_id,
        path="<text>",
        text=normalised,
        decoding=Decoding(encoding="str", bom=False, newlines=newlines, confidence=1.0),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def clean_text(text: str, config: CleanConfig = CleanConfig()) -> str:
    """Clean a single article given as a string and return the kept text."""
    return clean_document(document_from_text(text), config).text
