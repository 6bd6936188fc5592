"""Splitting a document into line blocks with spans, and re-joining paragraphs the scraper cut.

Scraped text marks paragraphs inconsistently: some sites put a blank line
between them, others one paragraph per line, others wrap lines. A block is
therefore one non-blank line; lines that belong together are joined again
by :func:`join_split_paragraphs`, which records each join.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .patterns import TERMINAL
from .records import Block

_LINE = re.compile(r"[^\n]*")


def split_blocks(text: str) -> list[Block]:
    """One block per non-blank line; the span covers the line without its outer whitespace."""
    blocks: list[Block] = []
    blank_before = False
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        blocks.append(Block(span=(start, start + len(stripped)), text=stripped, blank_before=blank_before))
        blank_before = False
    return blocks


@dataclass(frozen=True)
class Join:
    """Two blocks made one: the audit needs both texts and the joined span."""

    first: Block
    second: Block
    joined: Block


def _continues(first: Block, second: Block, structural: bool) -> bool:
    """True when ``second`` is the rest of ``first``'s sentence.

    The first block must stop mid-sentence (ends on a letter, digit or comma,
    not on sentence punctuation) and the second must start in lower case, as
    ``… à des fins éducatives. Si`` / ``vous désirez …`` does. With
    ``structural``, Markdown headings and list items never continue another block,
    and a heading is never continued.
    """
    if not first.text or not second.text:
        return False
    if structural and (first.features.heading_level or second.features.heading_level or second.features.list_item):
        return False
    if TERMINAL.search(first.text):
        return False
    last, head = first.text[-1], second.text[0]
    return (last.isalnum() or last == ",") and head.isalpha() and head.islower()


def join_split_paragraphs(blocks: list[Block], structural: bool = True) -> Iterator[Block | Join]:
    """Yield blocks, merging each block with the following ones that continue it.

    Run once on all blocks before they are classified (``structural``), so a
    cut paragraph is judged whole, and once on the kept blocks afterwards on
    text alone, so the cleaned output holds no cut paragraph either, and a
    second cleaning pass finds nothing more to join.
    """
    pending: Block | None = None
    for block in blocks:
        if pending is not None and _continues(pending, block, structural):
            joined = Block(
                span=(pending.span[0], block.span[1]),
                text=f"{pending.text} {block.text}",
                blank_before=pending.blank_before,
                rules=[*pending.rules, *block.rules, "join_split_paragraphs"],
                verdict=pending.verdict,
                features=pending.features.joined_with(block.features),
                line_key=pending.line_key if pending.line_key is not None else block.line_key,
            )
            yield Join(pending, block, joined)
            pending = joined
            continue
        if pending is not None:
            yield pending
        pending = block
    if pending is not None:
        yield pending
