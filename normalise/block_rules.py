"""The cleaning rules: edits that tidy a block, and classifiers that give it a role.

Two ordered tables drive the cleaner:

* :data:`LINE_EDIT_RULES`, :data:`PARAGRAPH_EDIT_RULES` and
  :data:`CAPTION_EDIT_RULES` rewrite a block's text (Markdown, leading source
  or date prefixes, caption credits); each change becomes an audit event
  named after the rule.
* :data:`ROLE_RULES` look at one block in its context and may return a
  :class:`Verdict`; the first rule that answers decides. Specific chrome
  (share bars, bylines, legal notices) comes first, general evidence
  (language, shape) last, and a block nobody claims is body text.

Rules read the cue tables through :mod:`passerelle.normalise.patterns` and never name a
literal string from a particular site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from statistics import median

import ftfy
import ftfy.badness

from . import characters, glued_words
from . import patterns as p
from .lexicon_language import LanguageGuess, guess_language, needed_margin, stop_word_density, words_of
from .markdown import MarkdownLine, reduce_markdown
from .records import Action, Block, BlockFeatures, Role, Verdict


@dataclass(frozen=True)
class Edit:
    """A rule's rewrite of a block: the new text, what the audit says of it, and (for the
    Markdown rule) what the removed markup said of the block's structure."""

    text: str
    detail: str = ""
    action: Action = Action.EDIT
    features: BlockFeatures | None = None


# An edit rule sees one block and the source language.
EditRule = Callable[[Block, str], "Edit | None"]

# Unicode repair that leaves French typography alone: curly quotes stay curly;
# NFC (not NFKC) keeps no-break spaces; a block is one line already, so line
# separators are not turned into line breaks; everything else is ftfy's default.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC", fix_line_breaks=False, explain=True)


def replace_lone_surrogates(block: Block, lang: str) -> Edit | None:
    """Half a UTF-16 pair (from a library caller's string) becomes U+FFFD; no file could hold it."""
    text, count = characters.replace_lone_surrogates(block.text)
    return Edit(text, f"count={count}") if count else None


def remove_invisible_characters(block: Block, lang: str) -> Edit | None:
    """Controls, zero-width and bidi marks, soft hyphens: invisible, yet they split words and break XML."""
    text, kinds = characters.remove_invisible(block.text)
    return Edit(text, ",".join(kinds)) if kinds else None


def plain_spaces(block: Block, lang: str) -> Edit | None:
    """Tabs, separators and fixed-width spaces become plain spaces (no-break spaces stay)."""
    text = characters.plain_spaces(block.text)
    return Edit(text) if text != block.text else None


# The no-break spaces French typography puts before : ; ! ? » and after «. Byte 0xA0
# is also a UTF-8 continuation byte, so ftfy could read "à¢\u00a0" as mojibake, and
# "«x" and "«\u00a0x" can get different verdicts; ftfy sees the text without these
# spaces (typography puts them back), so that cleaning typeset text again changes nothing.
_TYPOGRAPHIC_SPACE = re.compile(r"[\u00a0\u202f](?=[:;!?»])|(?<=«)[\u00a0\u202f]")


def repair_unicode(block: Block, lang: str) -> Edit | None:
    """Mojibake (``Ã©`` for ``é``), ligatures, control characters, width variants: ftfy, each fix named."""
    return _repaired(_TYPOGRAPHIC_SPACE.sub("", block.text))


# Cached: site chrome repeats from page to page, and the cleaner's later passes read every kept line again.
@lru_cache(maxsize=p.LINE_CACHE_SIZE)
def _repaired(bare: str) -> Edit | None:
    fixed = ftfy.fix_and_explain(bare, config=_FTFY_CONFIG)
    if fixed.text == bare:
        return None
    steps = [f"{action}:{parameter}" for action, parameter in fixed.explanation or []]
    return Edit(fixed.text, ",".join(dict.fromkeys(steps)))


def repair_unicode_after_removal(block: Block, lang: str) -> Edit | None:
    """Removing an invisible character or plain-spacing can complete a mojibake sequence ftfy held back on; repair once more."""
    return repair_unicode(block, lang) if {"remove_invisible_characters", "plain_spaces"} & set(block.rules) else None


def repair_unicode_across_lines(block: Block, lang: str) -> Edit | None:
    """Mojibake split over a line break (``Ã`` at a line end, the space after it on the next) shows once the lines are joined."""
    return repair_unicode(block, lang) if "join_split_paragraphs" in block.rules else None


def strip_markdown(block: Block, lang: str) -> Edit | None:
    """Reduce Markdown remnants to their text; what they were (a heading, links, images) goes with the edit.

    A line whose text the parser leaves as it is has no markup, so nothing to tell either.
    """
    md = reduce_markdown(block.text)
    features = BlockFeatures(
        heading_level=md.heading_level,
        link_chars=md.link_chars,
        image_count=md.image_count,
        list_item=any(c.startswith("list_") for c in md.constructs),
        emphasised_line="emphasis" in md.constructs and block.text[:1] in "*_" and block.text[-1:] in "*_",
    )
    return _markdown_edit(block, md, features)


def strip_markdown_across_lines(block: Block, lang: str) -> Edit | None:
    """Markup opened on one line and closed on the next (``*une phrase`` / ``coupée*``)."""
    if "join_split_paragraphs" not in block.rules:
        return None
    return _markdown_edit(block, reduce_markdown(block.text))


def _markdown_edit(block: Block, md: MarkdownLine, features: BlockFeatures | None = None) -> Edit | None:
    if md.text == block.text:
        return None
    # Entities, backslash escapes and runs of spaces change the text without a construct of their own.
    detail = ",".join(md.constructs) or ("spaces" if md.text.split() == block.text.split() else "escape")
    return Edit(md.text, detail, features=features)


def strip_source_prefix(block: Block, lang: str) -> Edit | None:
    """``(Baonghean.vn) - Pour la première fois…`` keeps only the sentence."""
    return _strip_prefix(block, p.SOURCE_PREFIX)


def strip_dateline_prefix(block: Block, lang: str) -> Edit | None:
    """`` date 2023-08 Le monde…`` keeps only the sentence."""
    return _strip_prefix(block, p.DATELINE_PREFIX)


def _strip_prefix(block: Block, pattern: re.Pattern[str]) -> Edit | None:
    match = pattern.match(block.text)
    rest = block.text[match.end():] if match else ""
    # Only a prefix before real prose: a short remainder means the line is all dateline.
    if match is None or len(p.WORD_TOKEN.findall(rest)) < 4:
        return None
    return Edit(rest, match.group().strip())


def _glue_rule(repair: Callable[[str, str], tuple[str, list[str]]]) -> EditRule:
    def rule(block: Block, lang: str) -> Edit | None:
        text, splits = repair(block.text, lang)
        return Edit(text, "; ".join(splits), Action.SPLIT) if splits else None
    rule.__name__ = repair.__name__
    rule.__doc__ = repair.__doc__
    return rule


# Line edits see each source line as it came; paragraph edits run after cut
# paragraphs are joined again, so they see the paragraph the output will hold.
# Glued words are split last, once Markdown no longer hides the word edges.
# Surrogates go before ftfy, which cannot encode them; invisible characters after,
# once ftfy has read the C1 controls and soft hyphens that are really cp1252
# mojibake ("Ã\xad" is í), and ftfy looks again at what their removal or spacing joined.
LINE_EDIT_RULES: tuple[EditRule, ...] = (
    replace_lone_surrogates,
    repair_unicode,
    remove_invisible_characters,
    plain_spaces,
    repair_unicode_after_removal,
    strip_markdown,
)
PARAGRAPH_EDIT_RULES: tuple[EditRule, ...] = (
    repair_unicode_across_lines,
    strip_markdown_across_lines,
    strip_source_prefix,
    strip_dateline_prefix,
    _glue_rule(glued_words.split_case_boundaries),
    _glue_rule(glued_words.space_after_punctuation),
    _glue_rule(glued_words.space_around_guillemets),
    _glue_rule(glued_words.split_glued_function_words),
)


@dataclass
class BlockContext:
    """What a role rule may know besides the block itself."""

    blocks: Sequence[Block]
    index: int
    source_lang: str
    language_candidates: tuple[str, ...]
    min_language_margin: float
    repeated_lines: frozenset[str]
    title_seen: bool

    @cached_property
    def language(self) -> LanguageGuess:
        """The block's language, worked out only if a rule asks (most chrome is decided before)."""
        text = self.blocks[self.index].text
        return guess_language(text, self.language_candidates)

    def is_foreign(self, guess: LanguageGuess) -> bool:
        """True when another language explains the words clearly better than the source language."""
        return guess.best() != self.source_lang and guess.lead_over(self.source_lang) >= needed_margin(guess.words, self.min_language_margin)

    def previous(self) -> Block | None:
        return self.blocks[self.index - 1] if self.index else None

    def next(self) -> Block | None:
        return self.blocks[self.index + 1] if self.index + 1 < len(self.blocks) else None


RoleRule = Callable[[Block, BlockContext], "Verdict | None"]

# Longest title and heading, in words; longer unpunctuated lines are body text.
_TITLE_WORDS = 40
_HEADING_WORDS = 25


def _words(block: Block) -> tuple[str, ...]:
    return p.word_tokens(block.text)


def _ends_sentence(block: Block) -> bool:
    return bool(p.TERMINAL.search(block.text))


def _is_image_line(block: Block | None) -> bool:
    return block is not None and bool(block.features.image_count) and not any(c.isalpha() for c in block.text)


def image_markup(block: Block, ctx: BlockContext) -> Verdict | None:
    if _is_image_line(block):
        return Verdict(Role.IMAGE, False, "image_markup")
    return None


def no_text(block: Block, ctx: BlockContext) -> Verdict | None:
    if not any(c.isalnum() for c in block.text):
        return Verdict(Role.NAVIGATION, False, "no_text")
    return None


def share_prompt(block: Block, ctx: BlockContext) -> Verdict | None:
    words = _words(block)
    if len(words) > 8:
        return None
    if p.SHARE.match(block.text) or all(p.SOCIAL_NETWORK.match(w.strip(",;:|·-")) for w in words):
        return Verdict(Role.SHARE, False, "share_prompt")
    return None


def _opens_with(block: Block, cue: re.Pattern[str], max_words: int, role: Role, reason: str) -> Verdict | None:
    """A line of at most ``max_words`` that opens with ``cue``."""
    if len(_words(block)) <= max_words and cue.match(block.text):
        return Verdict(role, False, reason)
    return None


def related_link(block: Block, ctx: BlockContext) -> Verdict | None:
    return _opens_with(block, p.RELATED, 40, Role.RELATED, "related_link")


def source_line(block: Block, ctx: BlockContext) -> Verdict | None:
    return _opens_with(block, p.SOURCE_LINE, 25, Role.CREDIT, "source_line")


def _is_name(tokens: list[str]) -> bool:
    cleaned = [t.strip(",;:()[]*_") for t in tokens]
    cleaned = [t for t in cleaned if t]
    return bool(cleaned) and all(p.NAME_TOKEN.match(t) for t in cleaned) and cleaned[0][0].isupper()


def byline(block: Block, ctx: BlockContext) -> Verdict | None:
    match = p.BYLINE_LABEL.match(block.text)
    if match is None:
        return None
    rest = match.group("rest").split()
    if len(rest) <= 10 and _is_name(rest):
        return Verdict(Role.BYLINE, False, "byline")
    return None


def author_signature(block: Block, ctx: BlockContext) -> Verdict | None:
    """A name alone on its line, set apart by emphasis (``*Jean Dupont*``).

    Position in the page is deliberately not used: it moves once chrome is
    removed, and a second cleaning pass must agree with the first.
    """
    words = _words(block)
    if not 2 <= len(words) <= 5 or _ends_sentence(block) or not _is_name(words):
        return None
    if stop_word_density(block.text, ctx.source_lang) > 0:
        return None
    if block.features.emphasised_line:
        return Verdict(Role.BYLINE, False, "author_signature")
    return None


def taxonomy_label(block: Block, ctx: BlockContext) -> Verdict | None:
    return _opens_with(block, p.TAXONOMY, 30, Role.NAVIGATION, "taxonomy_label")


# Words a dateline carries besides its date, time, place and author.
_DATELINE_WORDS = frozenset({"le", "du", "à", "at", "on", "el", "de", "publié", "mis", "jour", "updated", "published", "last",
                             "update", "date", "posted"})


def dateline(block: Block, ctx: BlockContext) -> Verdict | None:
    """A line that is a date plus at most a place, site or author name, the date at or near its end
    (``Paris, le 3 mars 2024 à 10h30``); ``15 mars 1931 à Colombes : France - Allemagne 1-0`` goes on after it."""
    if len(_words(block)) > 16 or block.text.endswith(("!", "?")) or not p.holds_date(block.text):
        return None
    dates = list(p.DATE.finditer(block.text))
    if not dates:
        return None
    rest = p.TIME.sub(" ", p.DATE.sub(" ", block.text))
    leftover = [w for w in words_of(rest) if w not in _DATELINE_WORDS]
    after = [w for w in words_of(p.TIME.sub(" ", block.text[dates[-1].end():])) if w not in _DATELINE_WORDS]
    if len(leftover) <= 3 and len(after) <= 1:
        return Verdict(Role.DATELINE, False, "dateline")
    return None


def legal_notice(block: Block, ctx: BlockContext) -> Verdict | None:
    weight = p.LEGAL.weight(block.text)
    if weight >= 2:
        return Verdict(Role.LEGAL, False, "legal_notice", min(1.0, weight / 3))
    return None


def cookie_notice(block: Block, ctx: BlockContext) -> Verdict | None:
    """A cookie banner: cookies named, in the voice of a site asking its visitor."""
    if not p.COOKIE_WORD.search(block.text):
        return None
    weight = p.COOKIE.weight(block.text)
    if weight >= 2:
        return Verdict(Role.LEGAL, False, "cookie_notice", min(1.0, weight / 4))
    return None


def subscription_prompt(block: Block, ctx: BlockContext) -> Verdict | None:
    """Newsletter sign-ups, paywall counters and subscription offers."""
    if len(_words(block)) > 40:
        return None
    weight = p.PROMO.weight(block.text)
    if weight >= 2:
        return Verdict(Role.SHARE, False, "subscription_prompt", min(1.0, weight / 3))
    return None


def comment_prompt(block: Block, ctx: BlockContext) -> Verdict | None:
    """A line that only announces or invites comments (``3 commentaires``, ``Publier un commentaire``)."""
    if p.COMMENT_SECTION.match(block.text):
        return Verdict(Role.COMMENT, False, "comment_prompt")
    return None


def form_field(block: Block, ctx: BlockContext) -> Verdict | None:
    """A form label with its required-field star (``Votre adresse e-mail : *``)."""
    if len(_words(block)) <= 6 and p.FORM_FIELD.search(block.text):
        return Verdict(Role.NAVIGATION, False, "form_field")
    return None


def media_contact(block: Block, ctx: BlockContext) -> Verdict | None:
    if len(_words(block)) > 60 or not p.CONTACT_LABEL.search(block.text):
        return None
    if p.EMAIL.search(block.text) or p.PHONE.search(block.text) or p.URL.search(block.text):
        return Verdict(Role.CONTACT, False, "media_contact")
    return None


def photo_credit(block: Block, ctx: BlockContext) -> Verdict | None:
    if len(_words(block)) <= 8 and p.CREDIT_ONLY.match(block.text):
        return Verdict(Role.CREDIT, False, "photo_credit")
    return None


def strip_caption_credit(block: Block, lang: str) -> Edit | None:
    """A kept caption loses the photographer or agency credits around it."""
    uncredited = remove_credit(block.text)
    return Edit(uncredited) if uncredited != block.text else None


def remove_credit(text: str) -> str:
    """A caption's text without the photographer or agency credits around it ("… © AFP © Reuters" loses both)."""
    text = p.CREDIT_PREFIX.sub("", text, count=1)
    while (shorter := p.CREDIT_SUFFIX.sub("", text, count=1).strip()) != text:
        text = shorter
    return text


def caption(block: Block, ctx: BlockContext) -> Verdict | None:
    """A photo caption: right under an image, or carrying a credit before or after it.

    Captions in the source language are kept (their credit is removed later);
    captions in another language, often a Spanish or English twin of the
    French one, are dropped.
    """
    credited = bool(p.CREDIT_PREFIX.match(block.text)) or p.ends_with_credit(block.text)
    if len(_words(block)) > 80 or not (credited or _is_image_line(ctx.previous())):
        return None
    uncredited = remove_credit(block.text)
    if not any(c.isalnum() for c in uncredited):
        return Verdict(Role.CREDIT, False, "photo_credit")
    # What is left once the credit is gone must pass the chrome rules too:
    # ``Accueil ©AFP`` under an image is a menu entry, not a caption.
    verdict = first_verdict(CHROME_RULES, Block(block.span, uncredited, block.blank_before), ctx)
    if verdict is not None:
        return verdict
    guess = ctx.language if not credited else guess_language(uncredited, ctx.language_candidates)
    if ctx.is_foreign(guess):
        return Verdict(Role.CAPTION, False, "foreign_caption", _lead_score(guess, ctx))
    return Verdict(Role.CAPTION, True, "caption")


def breadcrumb(block: Block, ctx: BlockContext) -> Verdict | None:
    """Short items between separators: a path (``Infos / Europe / …``) or a
    metadata bar (``Le Monde | 04.05.2015 à 13h36 • Par …``)."""
    if not p.BREADCRUMB_MARK.search(block.text):
        return None
    separator = p.BREADCRUMB_SEPARATOR_NO_GUILLEMET if "«" in block.text else p.BREADCRUMB_SEPARATOR
    parts = [part for part in separator.split(block.text) if part.strip()]
    if len(parts) < 2 or _ends_sentence(block) or any(len(part.split()) > 8 for part in parts):
        return None
    if any(p.holds_date(part) or p.BYLINE_LABEL.match(part) for part in parts):
        return Verdict(Role.DATELINE, False, "metadata_bar")
    if len(parts) >= 3:
        return Verdict(Role.NAVIGATION, False, "breadcrumb")
    return None


def code_list(block: Block, ctx: BlockContext) -> Verdict | None:
    """Language selectors (``Other languages: EN DE NL``) and letter indexes (``A B C … Z``)."""
    words = _words(block)
    if len(words) <= 12 and p.TRAILING_CODES.search(block.text):
        return Verdict(Role.NAVIGATION, False, "code_list")
    if len(words) >= 8 and sum(len(w) <= 2 for w in words) >= 0.7 * len(words):
        return Verdict(Role.NAVIGATION, False, "code_list")
    return None


def link_dense(block: Block, ctx: BlockContext) -> Verdict | None:
    """Mostly link text and no sentence: a menu entry or a list of links."""
    share = block.features.link_chars / max(1, len(block.text))
    if share >= 0.6 and (not _ends_sentence(block) or block.features.list_item):
        return Verdict(Role.NAVIGATION, False, "link_dense", round(min(1.0, share), 3))
    return None


def navigation_word(block: Block, ctx: BlockContext) -> Verdict | None:
    if p.NAVIGATION_WORD.match(block.text.strip(" :|»›>")):
        return Verdict(Role.NAVIGATION, False, "navigation_word")
    return None


# Words from which a line that ends a sentence reads as prose when pages share it.
_SHARED_PROSE_WORDS = 6


def _is_prose(block: Block | None) -> bool:
    return block is not None and len(_words(block)) >= _SHARED_PROSE_WORDS and _ends_sentence(block)


def repeated_in_batch(block: Block, ctx: BlockContext) -> Verdict | None:
    """A line that several pages of the batch share is site chrome, unless it is a sentence of prose
    between two paragraphs of prose: a stock sentence of the news, which the corpus keeps once."""
    if block.line_key not in ctx.repeated_lines:
        return None
    if _is_prose(block) and _is_prose(ctx.previous()) and _is_prose(ctx.next()):
        return None
    return Verdict(Role.NAVIGATION, False, "repeated_in_batch")


def foreign_language(block: Block, ctx: BlockContext) -> Verdict | None:
    if not ctx.is_foreign(ctx.language):
        return None
    return Verdict(_shape_role(block), False, "foreign_language", _lead_score(ctx.language, ctx))


def title_or_heading(block: Block, ctx: BlockContext) -> Verdict | None:
    """A line that does not end a sentence; the first kept one is the title.

    Titles run longer than headings (news titles of 30+ words are common).
    """
    longest = _TITLE_WORDS if not ctx.title_seen else _HEADING_WORDS
    if not block.features.heading_level and (_ends_sentence(block) or len(_words(block)) > longest):
        return None
    if not ctx.title_seen:
        return Verdict(Role.TITLE, True, "title")
    return Verdict(Role.HEADING, True, "heading")


def body(block: Block, ctx: BlockContext) -> Verdict:
    return Verdict(Role.BODY, True, "body")


# Longest run of consecutive short lines (titles, headings, captions without a
# full stop) that may lead into content; menus are longer runs of terse entries.
# Runs whose typical line is longer are lists of content (bulleted points).
MAX_SHORT_RUN = 3
_TERSE_WORDS = 6


def is_short_line(block: Block) -> bool:
    """A line that is not a sentence of prose: no final punctuation, or under four words."""
    words = len(_words(block))
    return words < 4 or (words <= _TITLE_WORDS and not _ends_sentence(block))


def unanchored_short_lines(kept: Sequence[Block]) -> Iterator[tuple[Block, Verdict]]:
    """Short kept lines that do not lead into content, with the verdict that drops them.

    Titles and headings come in runs of one to three right before the prose
    they announce; menu entries come in long runs of a few words each, and the
    last lines of a page (``Suivez-nous``, ``Newsletters``) lead nowhere. Judged on the kept
    blocks by their text alone, so a second cleaning pass sees the same runs.
    A document without any prose keeps its short lines: there is nothing to
    anchor them to, and nothing to tell a menu from a list of titles.
    """
    if all(is_short_line(b) for b in kept):
        return
    run: list[Block] = []
    for block in [*kept, None]:
        if block is not None and is_short_line(block):
            run.append(block)
            continue
        terse = bool(run) and median(len(_words(b)) for b in run) <= _TERSE_WORDS
        if terse and len(run) > MAX_SHORT_RUN:
            yield from ((b, Verdict(Role.NAVIGATION, False, "menu_run")) for b in run)
        elif terse and block is None:
            yield from ((b, Verdict(Role.NAVIGATION, False, "trailing_short_lines")) for b in run)
        run = []


def _shape_role(block: Block) -> Role:
    return Role.BODY if _ends_sentence(block) or len(_words(block)) > _HEADING_WORDS else Role.HEADING


def _lead_score(guess: LanguageGuess, ctx: BlockContext) -> float:
    # A lead of 2 Zipf points per word is as sure as this evidence gets.
    return round(min(1.0, guess.lead_over(ctx.source_lang) / 2), 3)


def first_verdict(rules: Sequence[RoleRule], block: Block, ctx: BlockContext) -> Verdict | None:
    """The verdict of the first rule in ``rules`` that answers for ``block``."""
    for rule in rules:
        verdict = rule(block, ctx)
        if verdict is not None:
            return verdict
    return None


# Rules that recognise site chrome from the block alone, whatever surrounds it.
CHROME_RULES: tuple[RoleRule, ...] = (
    image_markup,
    no_text,
    share_prompt,
    related_link,
    source_line,
    byline,
    author_signature,
    taxonomy_label,
    dateline,
    legal_notice,
    cookie_notice,
    comment_prompt,
    form_field,
    subscription_prompt,
    media_contact,
    photo_credit,
    breadcrumb,
    code_list,
    link_dense,
    navigation_word,
)

ROLE_RULES: tuple[RoleRule, ...] = (
    *CHROME_RULES,
    repeated_in_batch,
    caption,
    foreign_language,
    title_or_heading,
    body,
)

def repair_unicode_after_credit(block: Block, lang: str) -> Edit | None:
    """Cutting a credit off can leave what reads as mojibake (``ƒÜ©0`` becomes ``ƒÜ``, MacRoman for ``Ć``); repair once more,
    so that cleaning the cleaned caption again changes nothing."""
    return repair_unicode(block, lang) if "strip_caption_credit" in block.rules else None


def repair_unicode_after_typography(block: Block, lang: str) -> Edit | None:
    """Typography's ’ and no-break spaces can complete a mojibake sequence (``áˆ'`` becomes ``áˆ’``, UTF-8 for ``ሒ``
    read as cp1252); ftfy looks again where its own check finds the text suspect, so cleaning again changes nothing."""
    return repair_unicode(block, lang) if ftfy.badness.is_bad(block.text) else None


# Edits of a kept block after the typography profile: the driver runs both again while this changes something.
AFTER_TYPOGRAPHY_EDIT_RULES: tuple[EditRule, ...] = (repair_unicode_after_typography,)

# Edits of a block once the role rules have called it a caption.
CAPTION_EDIT_RULES: tuple[EditRule, ...] = (strip_caption_credit, repair_unicode_after_credit)
