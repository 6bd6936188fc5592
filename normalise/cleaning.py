"""The cleaning stage: blocks in, kept blocks and audit events out.

    split lines → line edits (Unicode, Markdown) → re-join cut paragraphs
    → paragraph edits (prefixes, glued words) → role rules → caption credits
    → short-line runs → re-join paragraphs cut by a dropped block → typography

Every change is an :class:`AuditEvent`; every non-blank input line ends up in
a kept block or in a ``drop`` event (conservation, checked by the tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol, cast

from .article_features import page_features
from .article_model import ArticleModel, shipped_model
from .block_rules import (
    AFTER_TYPOGRAPHY_EDIT_RULES,
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
from .glued_words import BRAND_LEXICONS
from .html_extraction import HTML_MODES
from .lexicon_language import load_word_lists
from .reading import normalise_newlines
from .records import Action, AuditEvent, Block, Decoding, Document, Role, Verdict
from .regions import ArticleRegion, article_structure, find_article
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
    article_threshold: lines the article model (:mod:`passerelle.normalise.article_model`)
        scores below this probability of being article text are dropped; lower
        keeps more of the page, higher keeps less.
    typography: profile applied to the kept text (:mod:`passerelle.normalise.typography`):
        ``french`` for the French side of the corpus, ``plain`` for ASCII quotes
        and plain spaces.
    max_input_bytes: larger inputs are reported and not read, so one stray
        dump cannot exhaust memory or stall a batch (news articles are a few
        kB; 10 MB leaves room for whole-site exports).
    html: ``extract`` reduces an HTML page to its main text with trafilatura
        before cleaning; ``text`` cleans the file as the text it is.
    """

    source_lang: str = "fr"
    language_candidates: tuple[str, ...] = CANDIDATE_LANGUAGES
    min_language_margin: float = 0.6
    repeat_min_docs: int = 3
    repeat_max_chars: int = 300
    article_threshold: float = 0.5
    typography: str = "french"
    max_input_bytes: int = 10_000_000
    html: str = "extract"

    def __post_init__(self) -> None:
        if self.html not in HTML_MODES:
            raise ConfigError(f"unknown HTML mode {self.html!r}; choose from {', '.join(HTML_MODES)}")
        if self.typography not in PROFILES:
            raise ConfigError(f"unknown typography profile {self.typography!r}; choose from {', '.join(PROFILES)}")
        if not 0.0 <= self.article_threshold <= 1.0:
            raise ConfigError(f"article_threshold is a probability, between 0 and 1: {self.article_threshold}")
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


def repeated_lines(texts: Iterable[str], config: CleanConfig, page_of: Callable[[str], Hashable] | None = None) -> frozenset[str]:
    """Keys of the lines that occur in at least ``config.repeat_min_docs`` different pages of ``texts``.

    ``page_of`` names the page a text is a copy of (by default, texts with the
    same lines are one page): the same file given twice, or a dispatch
    republished under other chrome, is one page, not evidence that its lines
    are site chrome. Only line keys are held, with the few pages each was seen
    in until it counts as repeated, never the documents: a batch of any size
    is counted in bounded memory per distinct line.
    """
    if config.repeat_min_docs <= 0:
        return frozenset()
    page_of = page_of or line_key
    counter = RepeatedLines(config.repeat_min_docs)
    for text in texts:
        counter.add(page_of(text), page_line_keys(text, config))
    return counter.repeated()


def page_line_keys(text: str, config: CleanConfig) -> frozenset[str]:
    """The keys of the lines of ``text`` short enough to be site chrome: what :func:`repeated_lines` counts of a page."""
    return frozenset(line_key(b.text) for b in split_blocks(text) if len(b.text) <= config.repeat_max_chars)


class PagesSeen(Protocol):
    """Where :class:`RepeatedLines` keeps the pages each line not yet repeated was seen on: a dict, or a table on
    disk for a batch whose distinct lines would not fit in memory."""

    def get(self, key: str, default: tuple[Hashable, ...], /) -> tuple[Hashable, ...]: ...

    def __setitem__(self, key: str, pages: tuple[Hashable, ...], /) -> None: ...

    def pop(self, key: str, default: None, /) -> object: ...


class RepeatedLines:
    """The count behind :func:`repeated_lines`, fed one page at a time, in input order, from wherever the
    pages' line keys were worked out (worker processes read and split the pages of a large batch)."""

    def __init__(self, min_docs: int, pages_seen: PagesSeen | None = None) -> None:
        self._min_docs = min_docs
        self._pages_seen = pages_seen if pages_seen is not None else dict[str, tuple[Hashable, ...]]()
        self._repeated: set[str] = set()

    def add(self, page: Hashable, keys: Iterable[str]) -> None:
        for key in keys:
            if key in self._repeated:
                continue
            seen = self._pages_seen.get(key, ())
            if page in seen:
                continue
            if len(seen) + 1 >= self._min_docs:
                self._repeated.add(key)
                self._pages_seen.pop(key, None)
            else:
                self._pages_seen[key] = (*seen, page)

    def repeated(self) -> frozenset[str]:
        return frozenset(self._repeated)


def prepare_cleaning(config: CleanConfig) -> None:
    """Load now what cleaning reads on first use (the article model, the word lists of the candidate
    languages), so that worker processes started from this one find it loaded."""
    shipped_model()
    load_word_lists(tuple(dict.fromkeys((*config.language_candidates, config.source_lang, *BRAND_LEXICONS))))


def clean_document(
    document: Document,
    config: CleanConfig = CleanConfig(),
    repeated: frozenset[str] = frozenset(),
    model: ArticleModel | None = None,
) -> CleanedDocument:
    """Clean one document; ``repeated`` comes from :func:`repeated_lines` over its batch.

    ``model`` is the article model to judge lines with, the shipped one
    (:func:`passerelle.normalise.article_model.shipped_model`) unless given.

    The cleaned text is judged again until nothing changes, and whatever a
    later pass drops or joins is traced back to the input: the article model
    judges a line by its neighbours, and dropping chrome changes them. The
    later passes skip the edits, which change nothing in text they produced
    (the property tests check that cleaning cleaned text changes nothing), so
    the result is a fixed point: cleaning it again changes nothing.
    """
    model = model or shipped_model()
    cleaned = _Cleaner(document, config, repeated, model).clean()
    while True:
        again = _Cleaner(document_from_text(cleaned.text, document.doc_id), config, repeated, model, edit=False).clean()
        if again.text == cleaned.text:
            return cleaned
        cleaned = _adopt(cleaned, again)


def judge_document(
    document: Document,
    config: CleanConfig = CleanConfig(),
    repeated: frozenset[str] = frozenset(),
) -> Judgement:
    """The page as the article model sees it: blocks after the edits, the rules' verdicts, the prose region.

    What :func:`clean_document` decides from; the model's training reads it too.
    """
    return _Cleaner(document, config, repeated, None).judge()


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


# Rule verdicts the article model may overturn: the roles of text, captions in the source
# language, and, on a Markdown heading, the shape rules that also catch headlines and intertitles
# (``## 15 mars 1931 à Colombes``, ``# [Titre](url)``). Every other rule's drop is final.
MODEL_DECIDES = frozenset({"body", "title", "heading", "caption"})
MODEL_DECIDES_ON_HEADINGS = frozenset({"dateline", "breadcrumb", "link_dense"})


@dataclass
class Judgement:
    """A page's blocks, what the rules said of each, and where the prose heuristic puts the article."""

    blocks: list[Block]
    verdicts: list[Verdict]
    region: ArticleRegion | None

    def in_comments(self, index: int) -> bool:
        return self.region is not None and self.region.comments is not None and index >= self.region.comments

    def model_decides(self) -> list[bool]:
        """Which blocks the article model judges: text the rules did not rule out, outside the comments."""
        return [(v.reason in MODEL_DECIDES or (v.reason in MODEL_DECIDES_ON_HEADINGS and b.features.heading_level > 0))
                and not self.in_comments(i) for i, (b, v) in enumerate(zip(self.blocks, self.verdicts))]


class _Cleaner:
    """One document through the cleaning stages, collecting every decision as an audit event."""

    def __init__(self, document: Document, config: CleanConfig, repeated: frozenset[str], model: ArticleModel | None,
                 edit: bool = True) -> None:
        self.document, self.config, self.repeated, self.model = document, config, repeated, model
        self.editing = edit
        self.events: list[AuditEvent] = []
        # Blocks merged into a later one, by id. The blocks themselves are held too: an
        # intermediate join is otherwise freed, and a new block could reuse its id.
        self.consumed: dict[int, Block] = {}
        # Blocks the paragraph edits left as they were, by id, with their text and rules then: the
        # edits would leave them so again, and the join after the drops need not run them twice.
        self.settled: dict[int, tuple[Block, str, tuple[str, ...]]] = {}

    def judge(self) -> Judgement:
        self._flag_unusual_decoding()
        self._note_extraction()
        blocks = split_blocks(self.document.text)
        for block in blocks:
            if len(block.text) <= self.config.repeat_max_chars:
                block.line_key = line_key(block.text)
            self._edit(LINE_EDIT_RULES, block)
        joined = self._join(blocks, structural=True)
        verdicts = self._verdicts(joined)
        return Judgement(joined, verdicts, find_article(joined, verdicts, self.config.source_lang))

    def clean(self) -> CleanedDocument:
        judgement = self.judge()
        for block, verdict in zip(judgement.blocks, self._decide(judgement)):
            block.verdict = verdict
            if not verdict.keep:
                self._drop(block, verdict)
            elif verdict.role is Role.CAPTION:
                self._edit(CAPTION_EDIT_RULES, block)
        kept = [b for b in judgement.blocks if cast(Verdict, b.verdict).keep]
        # Dropping a block can leave the two halves of a paragraph next to each other.
        rejoined = self._join(kept, structural=False)
        result = [b for b in judgement.blocks if id(b) not in self.consumed] + [b for b in rejoined if b not in kept]
        cleaned = CleanedDocument(self.document, sorted(result, key=lambda b: b.span[0]), self.events)
        self._typeset(cleaned.kept)
        self.events.sort(key=lambda e: e.span[0])
        return cleaned

    def _edit(self, rules: Sequence[EditRule], block: Block, rounds: int = 1) -> None:
        if self.editing:
            self.events.extend(apply_edits(rules, block, self.config.source_lang, self.document.doc_id, rounds))

    def _flag_unusual_decoding(self) -> None:
        decoding = self.document.decoding
        unusual = decoding.encoding not in ("utf-8", "str") or decoding.bom or decoding.stray_bytes
        if unusual or decoding.newlines not in ("lf", "none"):
            self.events.append(AuditEvent(self.document.doc_id, (0, len(self.document.text)), "read", "decode", Action.FLAG,
                                          "", "", decoding.describe()))

    def _note_extraction(self) -> None:
        decoding = self.document.decoding
        if decoding.extractor:
            self.events.append(AuditEvent(self.document.doc_id, (0, 0), "read", "html_extraction", Action.DROP, "", "",
                                          f"{decoding.extractor}: {decoding.extracted_away} characters of markup and "
                                          "page chrome left out"))

    def _join(self, candidates: list[Block], structural: bool) -> list[Block]:
        """Re-join cut paragraphs, then run the paragraph edits on what the output will hold."""
        result: list[Block] = []
        for item in join_split_paragraphs(candidates, structural):
            if isinstance(item, Join):
                self.events.append(AuditEvent(self.document.doc_id, item.joined.span, STAGE, "join_split_paragraphs", Action.JOIN,
                                              f"{item.first.text}\n{item.second.text}", item.joined.text))
                self.consumed.update({id(item.first): item.first, id(item.second): item.second})
            else:
                self._edit_paragraph(item)
                result.append(item)
        return result

    def _edit_paragraph(self, block: Block) -> None:
        settled = self.settled.get(id(block))
        if settled is not None and settled[0] is block and settled[1:] == (block.text, tuple(block.rules)):
            return
        before = len(self.events)
        self._edit(PARAGRAPH_EDIT_RULES, block, rounds=3)
        if len(self.events) == before:
            self.settled[id(block)] = (block, block.text, tuple(block.rules))

    def _verdicts(self, blocks: list[Block]) -> list[Verdict]:
        """What the role rules say of each block, in page order."""
        verdicts: list[Verdict] = []
        title_seen = False
        for index, block in enumerate(blocks):
            verdict = first_verdict(ROLE_RULES, block, self._context(blocks, index, title_seen))
            if verdict is None:
                raise AssertionError("ROLE_RULES ends with a rule that always answers")
            verdicts.append(verdict)
            title_seen = title_seen or verdict.keep
        return verdicts

    def _context(self, blocks: list[Block], index: int, title_seen: bool) -> BlockContext:
        config = self.config
        return BlockContext(blocks=blocks, index=index, source_lang=config.source_lang,
                            language_candidates=config.language_candidates, min_language_margin=config.min_language_margin,
                            repeated_lines=self.repeated, title_seen=title_seen)

    def _decide(self, judgement: Judgement) -> list[Verdict]:
        """The final verdict of every block: the comments go, and the article model judges the text the rules left."""
        decides = judgement.model_decides()
        article: dict[int, float] = {}
        if any(decides):
            rows = page_features(judgement.blocks, judgement.verdicts, judgement.region, self.config.source_lang)
            judged = [index for index, decided in enumerate(decides) if decided]
            article = dict(zip(judged, cast(ArticleModel, self.model).probabilities([rows[i] for i in judged])))
        threshold = self.config.article_threshold
        kept = [index for index, score in article.items() if score >= threshold]
        structure = article_structure(judgement.blocks, set(kept), set(article), judgement.region)
        first, last = (kept[0], kept[-1]) if kept else (len(decides), -1)
        verdicts = []
        for index, verdict in enumerate(judgement.verdicts):
            if index in structure:
                role = {"headline": Role.TITLE, "intertitle": Role.HEADING}.get(structure[index], Role.BODY)
                verdict = Verdict(role, True, structure[index], round(article[index], 3))
            elif index in article:
                position = "before_article" if index < first else "after_article" if index > last else "aside"
                verdict = _model_verdict(verdict, article[index], threshold, position)
            elif judgement.in_comments(index) and verdict.keep:
                verdict = Verdict(Role.COMMENT, False, "comment_section")
            verdicts.append(verdict)
        if judgement.region is None:
            # Too little prose to tell an article from chrome: short lines in long runs are a menu.
            position = {id(b): i for i, b in enumerate(judgement.blocks)}
            for block, verdict in unanchored_short_lines([b for b, v in zip(judgement.blocks, verdicts) if v.keep]):
                verdicts[position[id(block)]] = verdict
        return verdicts

    def _drop(self, block: Block, verdict: Verdict) -> None:
        block.verdict = verdict
        start, end = block.span
        self.events.append(AuditEvent(self.document.doc_id, block.span, STAGE, verdict.reason, Action.DROP,
                                      self.document.text[start:end], "", _describe(verdict)))

    def _typeset(self, kept: list[Block]) -> None:
        profile = self.config.typography
        for block in kept if self.editing else []:
            for _ in range(_TYPESET_ROUNDS):
                steps = typography_steps(block.text, profile)
                for step in steps:
                    self.events.append(AuditEvent(self.document.doc_id, block.span, TYPOGRAPHY_STAGE, step.rule, Action.EDIT,
                                                  step.before, step.after, f"profile={profile}"))
                    block.text = step.after
                    block.rules.append(step.rule)
                # Typography can complete a mojibake sequence; its repair can call for typography again.
                repaired = len(self.events)
                self._edit(AFTER_TYPOGRAPHY_EDIT_RULES, block)
                if not steps or len(self.events) == repaired:
                    break


# Typography and the repair after it, at most this many times over (each round needs a fresh mojibake).
_TYPESET_ROUNDS = 3

# The roles of text the model drops, by where it stands against the article it keeps.
_DROPPED_ROLES = {"before_article": Role.NAVIGATION, "after_article": Role.RELATED, "aside": Role.RELATED}


def _model_verdict(verdict: Verdict, article: float, threshold: float, reason_if_dropped: str) -> Verdict:
    """The verdict on a block the article model scored ``article`` (the probability that it is article text)."""
    score = round(article, 3)
    if article < threshold:
        # Where the rule named what the block is (a dateline; a caption), its name says more than a position.
        if not verdict.keep or verdict.role is Role.CAPTION:
            return Verdict(verdict.role, False, verdict.reason, round(1 - article, 3))
        return Verdict(_DROPPED_ROLES[reason_if_dropped], False, reason_if_dropped, round(1 - article, 3))
    if verdict.keep:
        return Verdict(verdict.role, True, verdict.reason, score)
    # A headline or intertitle a shape rule took for a dateline or a breadcrumb, given back.
    return Verdict(Role.HEADING, True, "heading", score)


def _adopt(cleaned: CleanedDocument, again: CleanedDocument) -> CleanedDocument:
    """``cleaned`` with what a pass over its own text (``again``) dropped, rewrote or joined, traced to the input.

    ``again`` ran on ``cleaned.text``: each of its spans falls in one or more of
    the paragraphs that text is made of, and stands for their spans in the input.
    """
    kept = cleaned.kept
    offsets, position = [], 0
    for block in kept:
        offsets.append((position, position + len(block.text)))
        position += len(block.text) + 2

    def covered(span: tuple[int, int]) -> list[Block]:
        return [b for b, (a, z) in zip(kept, offsets) if a < span[1] and span[0] < z] or kept[-1:]

    def source(span: tuple[int, int]) -> tuple[int, int]:
        under = covered(span)
        return under[0].span[0], under[-1].span[1]

    text = cleaned.document.text
    events = [*cleaned.events]
    for event in again.events:
        span = source(event.span)
        before = text[span[0]:span[1]] if event.action is Action.DROP else event.before
        events.append(replace(event, doc=cleaned.document.doc_id, span=span, before=before))
    blocks = [b for b in cleaned.blocks if b.verdict is None or not b.verdict.keep]
    for block in again.blocks:
        under = covered(block.span)
        if len(under) == 1 and under[0].text == block.text:
            adopted = under[0]
        else:
            adopted = Block(source(block.span), block.text, under[0].blank_before,
                            [r for b in under for r in b.rules] + block.rules, under[0].features, under[0].line_key, under[0].verdict)
        if block.verdict is not None and not block.verdict.keep:
            adopted.verdict = block.verdict
        blocks.append(adopted)
    events.sort(key=lambda e: e.span[0])
    return CleanedDocument(cleaned.document, sorted(blocks, key=lambda b: b.span[0]), events)


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
