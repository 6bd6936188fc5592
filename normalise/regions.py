"""Where the article is on the page: its run of prose, its headline, its structure, and what follows it.

A scraped page is a column of lines: menus and teasers, then the article
(headline, standfirst, paragraphs, intertitles, lists), then what follows
articles (reader comments, teasers, newsletter prompts, the footer). Each line
has already been judged on its own (:mod:`passerelle.normalise.block_rules`);
this module looks at the column as a whole. The comment section it finds is
final; the prose region and headline are evidence the article model weighs
(:mod:`passerelle.normalise.article_features`); :func:`article_structure` gives
back the headings and lists the model, judging one line at a time, dropped:

* the **comment section** starts at a line that announces it (``27
  commentaires``, ``Laisser un commentaire``) or at the second comment header
  (a name with a date and a time of day), once some prose has come before;
  nothing after it belongs to the article, however fluent it is;
* the **article body** is the stretch before it with the most prose: each
  prose line counts its words, every other line costs one (a maximum-sum
  segment); a line announcing the page's tail
  (``Articles liés``, ``Les plus lus``) ends any stretch, so teasers stay out;
* the kept lines right after the last paragraph close the article (an annex
  list, a last line without a full stop), up to the first dropped line;
* the **headline** is looked for just above the body: the page's first-level
  heading if there is one, else the nearest heading; a headline that a rule
  took for a menu or a link, and a Markdown intertitle inside the body taken
  for a dateline, are marked ``restored``.

Judged on lines and their Markdown structure only, never on a site's wording.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import patterns as p
from .lexicon_language import stop_word_density
from .records import Block, Verdict

# A prose line: a sentence of at least this many words, or a longer line without final punctuation.
_PROSE_WORDS, _UNPUNCTUATED_PROSE_WORDS = 8, 25
# What a line that is not prose, kept or dropped, costs the stretch it sits in, in words of prose.
_LINE_COST = 1
# A page needs this many words of prose for an article to be told apart from chrome.
_MIN_ARTICLE_WORDS = 30
# How far above the body the headline is looked for, and below it the closing lines, in lines.
_HEADLINE_REACH, _CLOSING_REACH = 15, 8
_CLOSING_WORDS = 5
# Rules that can mistake a headline or an intertitle for chrome from its shape alone.
_SHAPE_REASONS = frozenset({"link_dense", "breadcrumb", "navigation_word", "dateline", "code_list", "metadata_bar"})
# A comment header is short, or, without final punctuation, may name the article it answers.
_COMMENT_HEADER_WORDS, _UNPUNCTUATED_COMMENT_HEADER_WORDS = 16, 30
# Comments come after an article: this many words of prose first.
_COMMENTS_AFTER_WORDS = 30
# How far below a comment cue or header the next header or a form field is looked for, in lines.
_COMMENT_CONFIRMATION_REACH = 15
# How close the article's text must follow its headline, in lines (bylines, datelines, tags between).
_HEADLINE_REACH = 15
# How close the article's text must stand on both sides of an intertitle or a list, in lines; the
# share of link text above which a heading or a list is navigation; the longest intertitle, in words.
_FRAME, _MAX_LINK_SHARE, _MAX_INTERTITLE_WORDS = 2, 0.5, 25
# Share of function words below which a long line is a list of names, not prose.
_MIN_STOP_WORDS = 0.15


@dataclass(frozen=True)
class ArticleRegion:
    """Indexes into the page's blocks: the article runs from ``start`` to ``end`` inclusive;
    ``comments`` is where the comment section begins (None when there is none)."""

    start: int
    end: int
    comments: int | None
    restored: frozenset[int] = frozenset()  # blocks a shape rule dropped that belong to the article



def words(block: Block) -> int:
    return len(p.word_tokens(block.text))


def prose_words(block: Block, verdict: Verdict, lang: str) -> int:
    """The words of a kept line that reads as running prose in ``lang``; 0 for anything else."""
    if not verdict.keep or block.features.link_chars * 2 >= max(1, len(block.text)):
        return 0
    count = words(block)
    long_enough = count >= _UNPUNCTUATED_PROSE_WORDS or (count >= _PROSE_WORDS and p.TERMINAL.search(block.text))
    # Menus strung on one line have the length of prose, not its function words.
    return count if long_enough and stop_word_density(block.text, lang) >= _MIN_STOP_WORDS else 0


def is_comment_header(block: Block) -> bool:
    """A short line with a time of day and a date or month (``par JPA le 7 mai 2020 - 12:38``,
    ``Le 3 juillet à 16:55, par X En réponse à : <titre>``), or a reply link."""
    text = block.text
    if p.COMMENT_ACTION.match(text):
        return True
    if not p.DIGIT.search(text):  # no time of day without digits; the date patterns are slow
        return False
    count = words(block)
    short = count <= _COMMENT_HEADER_WORDS or (count <= _UNPUNCTUATED_COMMENT_HEADER_WORDS and not p.TERMINAL.search(text))
    return short and bool(p.TIME.search(text)) and (p.holds_date(text) or bool(p.MONTH.search(text)))


def find_article(blocks: Sequence[Block], verdicts: Sequence[Verdict], lang: str) -> ArticleRegion | None:
    """The article on this page, or None when the page has too little prose to tell."""
    prose = [prose_words(b, v, lang) for b, v in zip(blocks, verdicts)]
    comments = _comment_section(blocks, verdicts, prose)
    stop = len(blocks) if comments is None else comments
    weights = [_weight(b, w) for b, w in zip(blocks[:stop], prose[:stop])]
    best = _heaviest_stretch(weights)
    if best is None or sum(prose[best[0]:best[1] + 1]) < _MIN_ARTICLE_WORDS:
        return None
    body_start, end = best
    end = _closing_lines(blocks, verdicts, end, stop)
    start = _headline(blocks, verdicts, prose, body_start)
    restored = {start} if not verdicts[start].keep and verdicts[start].reason in _SHAPE_REASONS else set()
    restored |= {i for i in range(body_start, end + 1)
                 if not verdicts[i].keep and verdicts[i].reason == "dateline" and blocks[i].features.heading_level}
    return ArticleRegion(start, end, comments, frozenset(restored))


def _weight(block: Block, prose: int) -> float:
    if p.PAGE_TAIL.match(block.text):
        return -math.inf
    return prose or -_LINE_COST


def _announces_what_follows(block: Block) -> bool:
    """A line that opens the page's tail or its comments, which an article does not cross."""
    return bool(p.PAGE_TAIL.match(block.text) or p.COMMENT_SECTION.match(block.text))


def _comment_section(blocks: Sequence[Block], verdicts: Sequence[Verdict], prose: Sequence[int]) -> int | None:
    """Where reader comments begin, once an article's worth of prose has come before.

    Either a line announcing them, confirmed by a comment header or a form field
    soon after it, or a comment header followed by prose and another header:
    an article's own dateline has a time of day too, but no second one.
    """
    headers = [is_comment_header(b) for b in blocks]
    seen_prose = 0
    for index, block in enumerate(blocks):
        if seen_prose >= _COMMENTS_AFTER_WORDS:
            ahead = range(index + 1, min(len(blocks), index + 1 + _COMMENT_CONFIRMATION_REACH))
            if p.COMMENT_SECTION.match(block.text):
                if any(headers[i] or verdicts[i].reason == "form_field" for i in ahead):
                    return index
            elif headers[index]:
                reply = next((i for i in ahead if headers[i]), None)
                if reply is not None and any(prose[index + 1:reply]):
                    return index
        seen_prose += prose[index]
    return None


def _heaviest_stretch(weights: Sequence[float]) -> tuple[int, int] | None:
    """The contiguous stretch with the largest sum (Kadane); it starts and ends on a positive line."""
    best_sum, best = -math.inf, None
    running, start = 0.0, 0
    for index, weight in enumerate(weights):
        if running <= 0:
            running, start = 0.0, index
        running += weight
        if weight > 0 and running > best_sum:
            best_sum, best = running, (start, index)
    if best is None:
        return None
    first = next(i for i in range(best[0], best[1] + 1) if weights[i] > 0)
    return first, best[1]


def _closing_lines(blocks: Sequence[Block], verdicts: Sequence[Verdict], end: int, stop: int) -> int:
    """The article's last line: kept lines of a few words or more right after its last paragraph
    (an annex list, a closing line) belong to it, up to the first line dropped or announcing the
    page's tail; a label or a menu entry of fewer words does not end an article."""
    last = end
    for index in range(end + 1, min(stop, end + 1 + _CLOSING_REACH)):
        if not verdicts[index].keep or _announces_what_follows(blocks[index]):
            break
        if words(blocks[index]) >= _CLOSING_WORDS:
            last = index
    return last


def _headline(blocks: Sequence[Block], verdicts: Sequence[Verdict], prose: Sequence[int], body_start: int) -> int:
    """Index of the article's first line: its headline above the body, when one can be told."""
    window = []
    for index in range(body_start - 1, max(-1, body_start - 1 - _HEADLINE_REACH), -1):
        if _announces_what_follows(blocks[index]):
            break
        window.append(index)
    top_level = [i for i in window if blocks[i].features.heading_level == 1]
    if top_level:
        return top_level[-1]
    headed = [i for i in window if 0 < blocks[i].features.heading_level <= 3]
    if headed:
        return headed[0]
    if any(blocks[i].features.heading_level for i in window):
        return body_start
    kept = [i for i in window if verdicts[i].keep]
    return kept[-1] if kept else body_start


def article_structure(blocks: Sequence[Block], kept: set[int], judged: set[int], region: ArticleRegion | None) -> dict[int, str]:
    """The headline, headings and list items, among the ``judged`` blocks, that structure the article around
    the ``kept`` ones, each with its reason: ``headline``, ``intertitle`` or ``article_list``.

    The article model judges one line at a time, and takes a short line for
    chrome more often than chrome for text. The headline the prose region
    found (:func:`find_article`) is the article's when the article's text
    follows it with only lines the rules dropped in between. A Markdown heading with the article's text right
    before and after it is an intertitle. A run of list
    items with little link text belongs to the article when the article stands
    close on both sides of it, or when a line ending with a colon announces it
    within or right after the article (``Annexes :``); the line announcing it
    is the article's too. Menus are runs
    of links; a list inside an article is text, framed by text. Whether a line
    is framed counts the lines already found, so an intertitle can frame a
    list and a list an intertitle.
    """
    found: dict[int, str] = {}
    if region is not None and region.start in judged - kept and _leads_into(kept, judged, region.start):
        found[region.start] = "headline"
    while True:  # an intertitle can frame a list, and a list an intertitle
        article = kept | set(found)
        more = {**_intertitles(blocks, article, judged), **_lists(blocks, article, judged)}
        if more.keys() <= found.keys():
            return found
        found.update(more)


def _intertitles(blocks: Sequence[Block], article: set[int], judged: set[int]) -> dict[int, str]:
    return {index: "intertitle" for index in judged - article
            if blocks[index].features.heading_level and words(blocks[index]) <= _MAX_INTERTITLE_WORDS
            and _links(blocks, [index]) < _MAX_LINK_SHARE and _framed(article, index, index)}


def _lists(blocks: Sequence[Block], article: set[int], judged: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    start = 0
    while start < len(blocks):
        if start not in judged or not blocks[start].features.list_item:
            start += 1
            continue
        end = start
        while end + 1 < len(blocks) and end + 1 in judged and blocks[end + 1].features.list_item:
            end += 1
        intro = start - 1 if start and start - 1 in judged and blocks[start - 1].text.rstrip().endswith(":") else None
        first = start if intro is None else intro
        announced = intro is not None and (intro in article or bool(article & set(range(intro - _FRAME, intro))))
        if _links(blocks, range(start, end + 1)) < _MAX_LINK_SHARE and (_framed(article, first, end) or announced):
            found.update({i: "article_list" for i in range(start, end + 1) if i not in article})
            if intro is not None and intro in judged - article:
                found[intro] = "article_list"
        start = end + 1
    return found


def _links(blocks: Sequence[Block], indexes: Iterable[int]) -> float:
    chosen = [blocks[i] for i in indexes]
    return sum(b.features.link_chars for b in chosen) / max(1, sum(len(b.text) for b in chosen))


def _leads_into(kept: set[int], judged: set[int], index: int) -> bool:
    """Kept text follows ``index`` with only lines the rules dropped (a byline, a dateline, tags) between."""
    for after in range(index + 1, index + 1 + _HEADLINE_REACH):
        if after in kept:
            return True
        if after in judged:
            return False
    return False


def _framed(kept: set[int], start: int, end: int) -> bool:
    """Kept text within reach on both sides of the lines ``start`` to ``end``."""
    return bool(kept & set(range(start - _FRAME, start))) and bool(kept & set(range(end + 1, end + 1 + _FRAME)))
