"""Markdown remnants reduced to their text with markdown-it-py, one line at a time.

Scrapers leave Markdown behind (``## Titre``, ``[texte](#)``, ``![]()``,
``*italique*``, list bullets). A CommonMark parser gets the edge cases right
(nested emphasis, escaped brackets, links around images) where regexes do not.
Only the constructs scrapers emit are enabled: indented code, block quotes and
tables stay plain text, because in news text they are nearly always content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .patterns import LINE_CACHE_SIZE

_PARSER = MarkdownIt("zero").enable(
    ["heading", "list", "emphasis", "link", "image", "autolink", "backticks", "entity", "escape", "html_inline"]
)
# The parser refuses ``javascript:`` and ``data:`` links to protect rendered HTML;
# only their text is kept here, so every link target is acceptable.
_PARSER.validateLink = lambda url: True

# Emphasis runs the parser could not pair (html2text writes ``d****'Etat``
# when bold spans touch) are markup, not text.
_STRAY_EMPHASIS = re.compile(r"\*{2,}|(?<!\w)_{2,}|_{2,}(?!\w)")
_SPACES = re.compile(r"[ \t]{2,}")
# A line without any of these characters, and not opening like a list item, has no Markdown the
# parser would act on (the constructs enabled above all start with one of them): it is only trimmed.
_MARKUP_CHARACTER = re.compile(r"[\[\]*_#`!<&\\]|^\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)")


@dataclass(frozen=True)
class MarkdownLine:
    """A line's text with its markup removed, and what the markup was."""

    text: str
    constructs: tuple[str, ...]
    heading_level: int
    link_chars: int
    image_count: int


# Cached: site chrome repeats from page to page, and the cleaner's later passes read every kept line again.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def reduce_markdown(line: str) -> MarkdownLine:
    """Parse one line as Markdown and return its visible text.

    Resolving a backslash escape or an entity can uncover new markup
    (``\\*mot\\*`` becomes ``*mot*``), which a second cleaning pass would then
    strip: such a line is left as written, so cleaning stays idempotent.
    """
    if not _MARKUP_CHARACTER.search(line):
        return MarkdownLine(text=_SPACES.sub(" ", line).strip(), constructs=(), heading_level=0, link_chars=0, image_count=0)
    result = _reduce(line)
    # Text that is left without markup characters cannot hold new markup: no need to parse it again.
    if result.text != line and _MARKUP_CHARACTER.search(result.text) and _reduce(result.text).text != result.text:
        return MarkdownLine(text=line, constructs=(), heading_level=0, link_chars=0, image_count=0)
    return result


def _reduce(line: str) -> MarkdownLine:
    constructs: list[str] = []
    heading_level = 0
    parts: list[str] = []
    link_chars = 0
    image_count = 0
    for token in _PARSER.parse(line):
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
            constructs.append("heading")
        elif token.type == "bullet_list_open":
            constructs.append("list_bullet")
        elif token.type == "ordered_list_open":
            constructs.append("list_number")
        elif token.type == "list_item_open" and token.info:
            parts.append(f"{token.info}{token.markup} ")
        elif token.type == "inline" and token.children:
            text, links, images = _inline_text(token.children, constructs)
            parts.append(text)
            link_chars += links
            image_count += images
    text = "".join(parts)
    cleaned = _STRAY_EMPHASIS.sub("", text)
    if cleaned != text:
        constructs.append("stray_emphasis")
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return MarkdownLine(
        text=cleaned,
        constructs=tuple(dict.fromkeys(constructs)),
        heading_level=heading_level,
        link_chars=link_chars,
        image_count=image_count,
    )


def _inline_text(children: list[Token], constructs: list[str]) -> tuple[str, int, int]:
    out: list[str] = []
    link_depth = 0
    link_chars = 0
    images = 0
    for child in children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            if link_depth and not any(c.isalnum() for c in child.content):
                # A link made of a symbol (``[#](…)``, ``[^](…)``, ``[»](…)``) is a permalink or an
                # arrow: it says nothing, and a ``#`` left at the head of a line would read as a heading.
                link_chars += len(child.content)
                continue
            out.append(child.content)
            if link_depth:
                link_chars += len(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "image":
            images += 1
            constructs.append("image")
        elif kind == "link_open":
            link_depth += 1
            constructs.append("autolink" if child.markup == "autolink" else "link")
        elif kind == "link_close":
            link_depth -= 1
        elif kind in ("em_open", "strong_open"):
            constructs.append("emphasis")
        elif kind == "html_inline":
            constructs.append("html")
        if kind == "code_inline":
            constructs.append("code")
    return "".join(out), link_chars, images
