"""Sentence segmentation with character spans.

A sentence ends at a run of terminal punctuation (``.``, ``!``, ``?``, ``…``),
with the closing quotes and brackets that belong to it, when white space and a
word that can open a sentence follow. A full stop does not end a sentence after
a title (``M.``, ``Mme``), a listed abbreviation (``cf.``, ``janv.``), a word that
stands before a number (``art. 3``) or an initial (``J.-P.``, ``U.S.``); the word
lists live in :mod:`passerelle.normalise.abbreviations`. A line break always ends a
segment: headings and captions without final punctuation stand alone.

Measured against pysbd and sentence-splitter in ``bench/segmentation.py``.
"""

from __future__ import annotations

import re

from .abbreviations import ABBREVIATIONS, BEFORE_NUMBER, LOWERCASE_OPENERS, MAY_END_SENTENCE, TITLES
from .records import Span

# Terminal punctuation, then what closes with it: a guillemet or curly quote
# (French puts a space before it), or a straight quote or bracket right after it.
_TERMINAL = re.compile(
    r"(?P<punct>[.!?…]+)"
    r"(?P<close>(?:[ \u00a0\u202f\u2009]*[»”])?[\"'’)\]]*)"
    r"(?=[ \t\u00a0\u202f\u2009]+(?P<next>\S)(?P<next_word>[^\W\d_]*))"
)
# The word before a full stop, without what opens it or an elided article ("l'art").
_WORD_BEFORE = re.compile(r"(?:^|[\s(\[«“\"'’])(?:[^\W\d_]{1,2}['’])?(?P<word>[^\s(\[«“\"'’]*)$")
_NUMBER_BEFORE = re.compile(r"\d[\d\s\u00a0\u202f]*\s$")
# One letter, or letters joined by full stops and hyphens: "J", "J.-P", "U.S", "C.L".
_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)*[^\W\d_]")
_ROMAN = re.compile(r"[IVXLCDM]+")
# Characters that may open a sentence besides a capital or a digit.
_OPENERS = frozenset("«“\"‘'([¿¡–—-•")
# Characters before a full stop that decide it: far longer than any title,
# abbreviation, initials or number that can precede one.
_LOOK_BACK = 120
# Markers of elided text, "(...)" and "[…]", continue into what follows.
_ELISION_OPEN = frozenset("([")


def sentence_spans(text: str, lang: str = "fr") -> list[Span]:
    """``[start, end)`` of each sentence of ``text``, trimmed of white space, in order."""
    spans: list[Span] = []
    line_start = 0
    for line in text.split("\n"):
        start = 0
        for match in _TERMINAL.finditer(line):
            if _ends_sentence(line, match, lang):
                spans.extend(_trimmed(line, start, match.end(), line_start))
                start = match.end()
        spans.extend(_trimmed(line, start, len(line), line_start))
        line_start += len(line) + 1
    return spans


def split_sentences(text: str, lang: str = "fr") -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, lang)]


def _trimmed(line: str, start: int, end: int, offset: int) -> list[Span]:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    lead = len(piece) - len(piece.lstrip())
    return [(offset + start + lead, offset + start + lead + len(stripped))]


def _ends_sentence(line: str, match: re.Match[str], lang: str) -> bool:
    punct, following = match.group("punct"), match.group("next")
    opens = following.isupper() or following in _OPENERS
    if "?" in punct or "!" in punct:
        return opens or following.isdigit()
    if punct != ".":
        elided = match.start() > 0 and line[match.start() - 1] in _ELISION_OPEN and match.group("close")[:1] in ")]"
        return opens and not elided
    # The word before the stop is all the rule needs; a bounded look-back keeps a
    # paragraph of any length linear.
    before = line[max(0, match.start() - _LOOK_BACK):match.start()]
    return _full_stop_ends_sentence(before, following, match.group("next_word"), lang)


def _full_stop_ends_sentence(before: str, following: str, next_word: str, lang: str) -> bool:
    lowercase_opener = following + next_word in LOWERCASE_OPENERS.get(lang, ())
    if not (following.isupper() or following.isdigit() or following in _OPENERS or lowercase_opener):
        return False
    found = _WORD_BEFORE.search(before)
    word = found.group("word") if found else ""
    if word in TITLES.get(lang, ()):
        return False
    lowered = word.lower()
    if lowered in ABBREVIATIONS.get(lang, ()):
        return lowered in MAY_END_SENTENCE.get(lang, ()) and following.isupper()
    if (following.isdigit() or _ROMAN.fullmatch(following + next_word)) and lowered in BEFORE_NUMBER.get(lang, ()):
        return False
    if _INITIALS.fullmatch(word):
        # "30 F." is a unit after a number, not somebody's initial.
        return bool(_NUMBER_BEFORE.search(before[: len(before) - len(word)]))
    return True
