"""From a cleaned document to segments: sentences with ids, source spans and a language each.

A segment's language is detected on its own text, with the language of its
paragraph (or, for a paragraph too short to tell, of the document) as context
for very short segments (see :class:`passerelle.normalise.LanguageDetector`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate

from .cleaning import CleanedDocument
from .language_id import LanguageDetector
from .lexicon_language import UNDETERMINED
from .records import Block, Role, Segment, Span
from .segmentation import sentence_spans

# Characters of the whole document the detector looks at for the document's language.
_DOCUMENT_SAMPLE = 5000


def segment_document(cleaned: CleanedDocument, detector: LanguageDetector, lang: str = "fr") -> list[Segment]:
    """The kept text of ``cleaned`` as segments, in reading order; ``lang`` picks the abbreviation tables."""
    kept = cleaned.kept
    document_lang = detector.detect(" ".join(b.text for b in kept)[:_DOCUMENT_SAMPLE]).lang
    segments: list[Segment] = []
    for number, block in enumerate(kept, start=1):
        paragraph_lang = detector.detect(block.text, document_lang).lang
        context = paragraph_lang if paragraph_lang != UNDETERMINED else document_lang
        spans = sentence_spans(block.text, lang)
        texts = [block.text[a:b] for a, b in spans]
        for index, (text, span) in enumerate(zip(texts, _source_spans(cleaned.document.text, block, texts)), start=1):
            detection = detector.detect(text, context)
            segments.append(Segment(
                seg_id=f"{cleaned.document.doc_id}:{number}:{index}",
                doc=cleaned.document.doc_id,
                paragraph=number,
                sentence=index,
                text=text,
                span=span,
                role=block.verdict.role if block.verdict else Role.BODY,
                lang=detection.lang,
                lang_score=detection.score,
                rules=tuple(dict.fromkeys(block.rules)),
            ))
    return segments


def _source_spans(source: str, block: Block, texts: list[str]) -> Iterator[Span]:
    """Where each sentence of ``block`` lies in the decoded input.

    Edits change punctuation, spaces and markup but rarely letters and digits,
    so sentences are found by their letters and digits, in order, within the
    block's own span. A sentence whose letters were changed (mojibake repaired,
    a word split) is located by its first and last few letters instead; failing
    that, by where the previous sentence ended and the block's end.
    """
    start, end = block.span
    index = _AlnumOffsets(source, start, end)
    letters = index.letters
    cursor = 0
    for number, text in enumerate(texts):
        wanted = _NOT_ALNUM.sub("", text).casefold()
        last = number == len(texts) - 1
        found = letters.find(wanted, cursor) if wanted else -1
        if found >= 0:
            first, stop = found, found + len(wanted)
        else:
            head = letters.find(wanted[:8], cursor) if wanted else -1
            first = head if head >= 0 else cursor
            tail = letters.find(wanted[-8:], first) if wanted else -1
            stop = tail + len(wanted[-8:]) if tail >= 0 and not last else len(letters)
        if first >= len(index) or stop <= first:
            yield (index[cursor] if cursor < len(index) else start, end)
            continue
        yield _widened(source, index[first], index[stop - 1] + 1, block.span)
        cursor = stop


# What str.isalnum() is not: \w is the alphanumeric characters and the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")


class _AlnumOffsets:
    """The letters and digits of ``source[start:end]``, case-folded (``letters``), and the source offset of each.

    Found run by run: a block has a few dozen words and a few thousand characters."""

    def __init__(self, source: str, start: int, end: int) -> None:
        runs = [(m.start(), m.group()) for m in _ALNUM_RUN.finditer(source, start, end)]
        self.letters = "".join(run for _, run in runs).casefold()
        self._starts = [offset for offset, _ in runs]
        self._before = list(accumulate((len(run) for _, run in runs), initial=0))
        # A character folded to several ("ß" → "ss"): each folded letter keeps its source offset.
        self._folded = (None if len(self.letters) == self._before[-1] else
                        [offset + i for offset, run in runs for i, c in enumerate(run) for _ in c.casefold()])

    def __len__(self) -> int:
        return len(self.letters)

    def __getitem__(self, position: int) -> int:
        if self._folded is not None:
            return self._folded[position]
        if not 0 <= position < len(self.letters):
            raise IndexError(position)
        run = bisect_right(self._before, position) - 1
        return self._starts[run] + position - self._before[run]


def _widened(source: str, first: int, stop: int, bounds: Span) -> Span:
    """Take in the punctuation and quotes that open and close the sentence."""
    while first > bounds[0] and not source[first - 1].isspace() and not source[first - 1].isalnum():
        first -= 1
    while stop < bounds[1] and not source[stop].isspace() and not source[stop].isalnum():
        stop += 1
    return first, stop
