"""What the article model sees of each line of a page: its shape, what the rules said of it, and its neighbours.

Every feature is a number computed from the lines of one page alone, never
from a site's wording: length, final punctuation, function words, link and
image markup, the rule that judged the line, the region the prose heuristic
found (:mod:`passerelle.normalise.regions`), and the same measures on the lines
around it. The model (:mod:`passerelle.normalise.article_model`) was trained on
these columns by name; a new column needs a retrained model.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import patterns as p
from .lexicon_language import stop_word_density
from .records import Block, Verdict
from .regions import ArticleRegion, is_comment_header, prose_words, words

# Rule reasons grouped as the model sees them; the groups, not the single rules, generalise.
_SHAPE_RULES = frozenset({"link_dense", "breadcrumb", "navigation_word", "code_list", "metadata_bar"})
_CUE_RULES = frozenset({
    "share_prompt", "related_link", "source_line", "byline", "author_signature", "taxonomy_label", "legal_notice",
    "cookie_notice", "comment_prompt", "form_field", "subscription_prompt", "media_contact", "photo_credit",
})
_IMAGE_RULES = frozenset({"image_markup", "no_text"})
_FOREIGN_RULES = frozenset({"foreign_language", "foreign_caption"})

# How far the window measures look, in lines; a neighbour beyond the page counts as zero.
_NEIGHBOURS = (-2, -1, 1, 2)
_WINDOWS = (3, 10)
_FAR = 50


@dataclass(frozen=True)
class Line:
    """A block with the verdict the rules gave it, its words, and the words of prose it holds."""

    block: Block
    verdict: Verdict
    words: int
    prose: int


# --- features of a line on its own ----------------------------------------------------------

LineFeature = Callable[[Line, str], float]


def log_words(line: Line, lang: str) -> float:
    return math.log1p(line.words)


def few_words(line: Line, lang: str) -> float:
    return float(line.words < 4)


def ends_sentence(line: Line, lang: str) -> float:
    return float(bool(p.TERMINAL.search(line.block.text)))


def is_sentence(line: Line, lang: str) -> float:
    """Eight words or more and final punctuation: a sentence of running text."""
    return float(line.words >= 8 and bool(p.TERMINAL.search(line.block.text)))


def stop_words(line: Line, lang: str) -> float:
    return stop_word_density(line.block.text, lang)


def link_share(line: Line, lang: str) -> float:
    return line.block.features.link_chars / max(1, len(line.block.text))


def top_heading(line: Line, lang: str) -> float:
    return float(line.block.features.heading_level == 1)


def section_heading(line: Line, lang: str) -> float:
    return float(line.block.features.heading_level in (2, 3))


def minor_heading(line: Line, lang: str) -> float:
    return float(line.block.features.heading_level >= 4)


def list_item(line: Line, lang: str) -> float:
    return float(line.block.features.list_item)


def has_image(line: Line, lang: str) -> float:
    return float(line.block.features.image_count > 0)


def emphasised(line: Line, lang: str) -> float:
    return float(line.block.features.emphasised_line)


def capitals(line: Line, lang: str) -> float:
    letters = "".join(filter(str.isalpha, line.block.text))
    return sum(map(str.isupper, letters)) / max(1, len(letters))


def digits(line: Line, lang: str) -> float:
    return sum(map(str.isdigit, line.block.text)) / max(1, len(line.block.text))


def has_date(line: Line, lang: str) -> float:
    return float(p.holds_date(line.block.text))


def has_time(line: Line, lang: str) -> float:
    return float(bool(p.TIME.search(line.block.text)))


def comment_header(line: Line, lang: str) -> float:
    return float(is_comment_header(line.block))


def tail_cue(line: Line, lang: str) -> float:
    return float(bool(p.PAGE_TAIL.match(line.block.text)))


def comment_cue(line: Line, lang: str) -> float:
    return float(bool(p.COMMENT_SECTION.match(line.block.text)))


def is_prose(line: Line, lang: str) -> float:
    return float(line.prose > 0)


def _reason_in(reasons: frozenset[str]) -> LineFeature:
    def feature(line: Line, lang: str) -> float:
        return float(line.verdict.reason in reasons)
    return feature


def kept_by_rules(line: Line, lang: str) -> float:
    return float(line.verdict.keep)


LINE_FEATURES: tuple[tuple[str, LineFeature], ...] = (
    ("log_words", log_words),
    ("few_words", few_words),
    ("ends_sentence", ends_sentence),
    ("sentence", is_sentence),
    ("stop_words", stop_words),
    ("link_share", link_share),
    ("top_heading", top_heading),
    ("section_heading", section_heading),
    ("minor_heading", minor_heading),
    ("list_item", list_item),
    ("image", has_image),
    ("emphasised", emphasised),
    ("capitals", capitals),
    ("digits", digits),
    ("date", has_date),
    ("time_of_day", has_time),
    ("comment_header", comment_header),
    ("tail_cue", tail_cue),
    ("comment_cue", comment_cue),
    ("prose", is_prose),
    ("rule_shape", _reason_in(_SHAPE_RULES)),
    ("rule_dateline", _reason_in(frozenset({"dateline"}))),
    ("rule_cue", _reason_in(_CUE_RULES)),
    ("rule_image", _reason_in(_IMAGE_RULES)),
    ("rule_repeated", _reason_in(frozenset({"repeated_in_batch"}))),
    ("rule_caption", _reason_in(frozenset({"caption"}))),
    ("rule_foreign", _reason_in(_FOREIGN_RULES)),
    ("rule_title", _reason_in(frozenset({"title", "heading"}))),
    ("kept_by_rules", kept_by_rules),
)

# Line features also read off the neighbours at each offset of _NEIGHBOURS.
_NEIGHBOUR_FEATURES = ("log_words", "link_share", "prose", "kept_by_rules", "top_heading", "section_heading",
                       "list_item", "image", "rule_shape", "sentence")
# Line features averaged over the lines within each distance of _WINDOWS (the line itself left out).
_WINDOW_FEATURES = ("prose", "link_share", "kept_by_rules")

PAGE_FEATURES = (
    "position", "prose_before", "seen_tail_cue", "seen_comment_cue", "seen_comment_header", "prose_distance",
    "duplicated_on_page", "top_headings_before", "since_top_heading", "after_linked_heading", "before_linked_heading",
    "region_none", "region_in", "region_before", "region_after", "region_comments", "region_headline", "region_restored",
    "list_run_length", "list_run_links", "list_run_introduced", "list_run_between_prose", "short_run_length",
)

FEATURE_NAMES: tuple[str, ...] = (
    *(name for name, _ in LINE_FEATURES),
    *(f"{name}@{offset:+d}" for offset in _NEIGHBOURS for name in _NEIGHBOUR_FEATURES),
    *(f"{name}~{width}" for width in _WINDOWS for name in _WINDOW_FEATURES),
    *PAGE_FEATURES,
)


def page_features(blocks: Sequence[Block], verdicts: Sequence[Verdict], region: ArticleRegion | None,
                  lang: str) -> list[list[float]]:
    """One row of :data:`FEATURE_NAMES` per block, in page order.

    Worked out a column (one feature of every line) at a time: a neighbour's
    feature is the column shifted, which costs far less than a look-up per cell."""
    lines = [Line(b, v, words(b), prose_words(b, v, lang)) for b, v in zip(blocks, verdicts)]
    local = {name: [feature(line, lang) for line in lines] for name, feature in LINE_FEATURES}
    page = _page_columns(lines, local, region)
    columns = [local[name] for name, _ in LINE_FEATURES]
    columns += [_shifted(local[name], offset) for offset in _NEIGHBOURS for name in _NEIGHBOUR_FEATURES]
    columns += [_window_means(local[name], width) for width in _WINDOWS for name in _WINDOW_FEATURES]
    columns += [page[name] for name in PAGE_FEATURES]
    return [list(row) for row in zip(*columns)]


def _shifted(column: list[float], offset: int) -> list[float]:
    """Each line's value ``offset`` lines away (0 beyond the page)."""
    count = len(column)
    if offset >= 0:
        return column[offset:] + [0.0] * min(offset, count)
    return [0.0] * min(-offset, count) + column[:max(0, count + offset)]


def _window_means(column: list[float], width: int) -> list[float]:
    """Each line's mean of the values within ``width`` lines of it, its own left out."""
    means = []
    for index in range(len(column)):
        around = column[max(0, index - width):index] + column[index + 1:index + width + 1]
        means.append(sum(around) / len(around) if around else 0.0)
    return means


def _page_columns(lines: list[Line], local: dict[str, list[float]], region: ArticleRegion | None) -> dict[str, list[float]]:
    """Features that read the page as a sequence: where a line stands, what came before it, what repeats."""
    count = len(lines)
    total_prose = sum(line.prose for line in lines) or 1
    keys = [" ".join(line.block.text.casefold().split()) for line in lines]
    occurrences = Counter(keys)
    prose_at = [i for i, line in enumerate(lines) if line.prose]
    runs = _list_runs(lines, local)
    short_runs = _short_runs(lines)
    columns: dict[str, list[float]] = {name: [] for name in PAGE_FEATURES}
    prose_seen = 0
    tail = comment = header = False
    headings_seen, last_heading = 0, None
    for index, line in enumerate(lines):
        values = {
            "position": index / max(1, count - 1),
            "prose_before": prose_seen / total_prose,
            "seen_tail_cue": float(tail),
            "seen_comment_cue": float(comment),
            "seen_comment_header": float(header),
            "prose_distance": math.log1p(_distance_to_nearest(prose_at, index)),
            "duplicated_on_page": float(occurrences[keys[index]] > 1),
            "top_headings_before": float(min(headings_seen, 3)),
            "since_top_heading": math.log1p(index - last_heading) if last_heading is not None else math.log1p(_FAR * 8),
            "after_linked_heading": float(_linked_heading(lines, local, _skip_images(local, index, -1))),
            "before_linked_heading": float(_linked_heading(lines, local, _skip_images(local, index, 1))),
            **_region_columns(region, index),
            **runs[index],
            "short_run_length": short_runs[index],
        }
        for name in PAGE_FEATURES:
            columns[name].append(values[name])
        prose_seen += line.prose
        tail = tail or bool(local["tail_cue"][index])
        comment = comment or bool(local["comment_cue"][index])
        header = header or bool(local["comment_header"][index])
        if line.block.features.heading_level == 1:
            headings_seen, last_heading = headings_seen + 1, index
    return columns


def _distance_to_nearest(positions: list[int], index: int) -> int:
    """How many lines from ``index`` the nearest of ``positions`` (in page order) is; _FAR when there is none."""
    after = bisect_left(positions, index)
    return min((abs(index - positions[at]) for at in (after - 1, after) if 0 <= at < len(positions)), default=_FAR)


_NOT_IN_A_LIST = {"list_run_length": 0.0, "list_run_links": 0.0, "list_run_introduced": 0.0, "list_run_between_prose": 0.0}


def _list_runs(lines: list[Line], local: dict[str, list[float]]) -> list[dict[str, float]]:
    """For each list item, what the run of consecutive items it belongs to looks like: its length, its share
    of link text, whether a line ending with a colon introduces it, whether prose stands close on both sides.
    A menu is a long run of links; a list in an article is announced, and the article goes on after it."""
    result = [_NOT_IN_A_LIST] * len(lines)
    index = 0
    while index < len(lines):
        if not lines[index].block.features.list_item:
            index += 1
            continue
        end = index
        while end + 1 < len(lines) and lines[end + 1].block.features.list_item:
            end += 1
        before = lines[index - 1].block.text if index else ""
        run = {
            "list_run_length": math.log1p(end - index + 1),
            "list_run_links": sum(local["link_share"][i] for i in range(index, end + 1)) / (end - index + 1),
            "list_run_introduced": float(before.rstrip().endswith(":")),
            "list_run_between_prose": float(any(lines[i].prose for i in range(max(0, index - 2), index))
                                             and any(lines[i].prose for i in range(end + 1, min(len(lines), end + 3)))),
        }
        result[index:end + 1] = [run] * (end - index + 1)
        index = end + 1
    return result


# A terse line: a few words without final punctuation, a menu entry or a heading.
_TERSE_WORDS = 6


def _short_runs(lines: list[Line]) -> list[float]:
    """The length (log) of the run of consecutive terse lines each line stands in; 0 for other lines.
    Headings come one to three before the text they announce; menus are longer runs."""
    terse = [line.words <= _TERSE_WORDS and not p.TERMINAL.search(line.block.text) for line in lines]
    result = [0.0] * len(lines)
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and terse[end]:
            end += 1
        if end > start:
            result[start:end] = [math.log1p(end - start)] * (end - start)
        start = end + 1
    return result


def _skip_images(local: dict[str, list[float]], index: int, step: int) -> int:
    """The nearest line in direction ``step`` that is not an image or empty of text."""
    index += step
    images = local["rule_image"]
    while 0 <= index < len(images) and images[index]:
        index += step
    return index


def _linked_heading(lines: list[Line], local: dict[str, list[float]], index: int) -> bool:
    """A heading or emphasised line that is mostly a link: a teaser's headline."""
    if not 0 <= index < len(lines):
        return False
    return bool(lines[index].block.features.heading_level or local["emphasised"][index]) and local["link_share"][index] >= 0.5


def _region_columns(region: ArticleRegion | None, index: int) -> dict[str, float]:
    """Where the prose heuristic puts the line: before, in or after the article, in the comments; whether
    it takes the line for the headline, or for a headline or intertitle a shape rule dropped."""
    if region is None:
        return {"region_none": 1.0, "region_in": 0.0, "region_before": 0.0, "region_after": 0.0, "region_comments": 0.0,
                "region_headline": 0.0, "region_restored": 0.0}
    comments = region.comments is not None and index >= region.comments
    return {
        "region_none": 0.0,
        "region_in": float(region.start <= index <= region.end),
        "region_before": float(index < region.start),
        "region_after": float(index > region.end and not comments),
        "region_comments": float(comments),
        "region_headline": float(index == region.start),
        "region_restored": float(index in region.restored),
    }
