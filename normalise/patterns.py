"""Compiled regular expressions built from the language tables in :mod:`passerelle.normalise.cues`.

Kept apart from the rules so each rule reads as a decision, not as regex plumbing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .. import addresses
from . import cues

# Sizes of the caches of per-line and per-word results. A page's lines and the chrome of recent
# pages fit; a cache of a whole corpus would make memory grow with it. Results as large as the
# line itself are kept for the lines of about one page.
LINE_CACHE_SIZE = 8192
WORD_CACHE_SIZE = 65536
PAGE_CACHE_SIZE = 256


def _alternation(fragments: Iterable[str]) -> str:
    # Longest first, so "articles par" is tried before "par"; a typewriter
    # apostrophe in a table also matches the typographic one.
    return "|".join(f.replace("'", "['’]") for f in sorted(set(fragments), key=len, reverse=True))


def _all_languages(table: dict[str, tuple[str, ...]]) -> str:
    return _alternation(f for fragments in table.values() for f in fragments)


# Cached: the rules and the article model's features search the same line for several cue tables.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def lower_case(text: str) -> str:
    """The line in lower case, letter for letter: the dotted capital ``İ`` becomes ``i``, as ``re.IGNORECASE``
    folds it, where ``str.lower`` gives ``i`` and a combining dot, which is no word character and would make
    a word boundary inside the word."""
    return (text.replace("İ", "i") if "İ" in text else text).lower()


class LowerCaseSearch:
    """A pattern written in lower case, searched for in the lower-case form of a line: whether it occurs.

    Case-insensitive, like ``re.IGNORECASE``, and three times faster on
    paragraphs: Python folds the case of both sides at every position it tries,
    and a cue table's alternation is tried at every word. The two differ only
    on the few letters ``re.IGNORECASE`` matches to a letter other than their
    lower-case form (the long ``ſ`` to ``s``).
    """

    def __init__(self, pattern: str) -> None:
        if re.sub(r"\\[A-Za-z]", "", pattern) != re.sub(r"\\[A-Za-z]", "", pattern).lower():
            raise ValueError(f"a lower-case search needs a lower-case pattern: {pattern!r}")
        self.pattern = re.compile(pattern)

    def search(self, text: str) -> bool:
        return self.pattern.search(lower_case(text)) is not None


_DASH = r"[-–—]"
_AGENCY = _alternation(re.escape(a) for a in cues.AGENCIES)
_CREDIT_LABEL = _all_languages(cues.CREDIT_LABELS)
_MONTH = _alternation(m for months in cues.MONTHS.values() for m in months)
_WEEKDAY = _alternation(d for days in cues.WEEKDAYS.values() for d in days)

SHARE = re.compile(rf"^(?:{_all_languages(cues.SHARE_CUES)})\b.{{0,40}}$", re.IGNORECASE)
SOCIAL_NETWORK = re.compile(rf"^(?:{_alternation(re.escape(n) for n in cues.SOCIAL_NETWORKS)})$", re.IGNORECASE)
RELATED = re.compile(rf"^(?:{_all_languages(cues.RELATED_CUES)})\b\s*(?::|›|»|>|\.\.\.|…|$|\s)", re.IGNORECASE)
SOURCE_LINE = re.compile(rf"^(?:{_all_languages(cues.SOURCE_LABELS)})\s*(?::|\s-\s|$|(?<=est)\s)", re.IGNORECASE)
BYLINE_LABEL = re.compile(rf"^(?:{_all_languages(cues.BYLINE_LABELS)})\s*:?\s+(?P<rest>.+)$", re.IGNORECASE)
TAXONOMY = re.compile(rf"^(?:{_all_languages(cues.TAXONOMY_LABELS)})\s*:", re.IGNORECASE)
NAVIGATION_WORD = re.compile(rf"^(?:{_all_languages(cues.NAVIGATION_WORDS)})$", re.IGNORECASE)
CONTACT_LABEL = LowerCaseSearch(rf"(?:^|\b)(?:{_all_languages(cues.CONTACT_CUES)})\s*:|^(?:{_all_languages(cues.CONTACT_CUES)})\b")

# A line that is only a section cue, with at most a heading's markup, a count in brackets
# (``Tous vos commentaires (11)``) and a closing colon or arrow.
COMMENT_SECTION = re.compile(rf"^\W*(?:{_all_languages(cues.COMMENT_SECTION_CUES)})\W*(?:\(\d+\)\W*)?$", re.IGNORECASE)
COMMENT_ACTION = re.compile(rf"^\W*(?:{_all_languages(cues.COMMENT_ACTIONS)})\W*$", re.IGNORECASE)
PAGE_TAIL = re.compile(rf"^\W*(?:{_all_languages(cues.PAGE_TAIL_CUES)})\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class WeightedCues:
    """Cue patterns with their weights, and one pattern that matches wherever any of them does."""

    any: LowerCaseSearch
    cues: tuple[tuple[LowerCaseSearch, int], ...]

    def weight(self, text: str) -> int:
        """The weights of the distinct cues found in ``text``, added up."""
        if not self.any.search(text):  # most lines hold no cue: one search instead of one per cue
            return 0
        return sum(weight for pattern, weight in self.cues if pattern.search(text))


def _weighted(table: dict[str, tuple[tuple[str, int], ...]]) -> WeightedCues:
    # A cue listed for two languages ("newsletter") is one piece of evidence, not two.
    weights: dict[str, int] = {}
    for entries in table.values():
        for cue, weight in entries:
            weights[cue] = max(weight, weights.get(cue, 0))
    return WeightedCues(LowerCaseSearch(rf"\b(?:{_alternation(weights)})\b"),
                        tuple((LowerCaseSearch(rf"\b(?:{_alternation([cue])})\b"), w) for cue, w in weights.items()))


LEGAL = _weighted(cues.LEGAL_CUES)
COOKIE = _weighted(cues.COOKIE_CUES)
COOKIE_WORD = LowerCaseSearch(rf"\b(?:{_all_languages(cues.COOKIE_WORDS)})\b")
PROMO = _weighted(cues.PROMO_CUES)

EMAIL = re.compile(addresses.EMAIL)
URL = re.compile(addresses.URL, re.IGNORECASE)
PHONE = re.compile(r"(?:\+\d{1,3}[\s.]?)?(?:\(?\d{1,4}\)?[\s.-]?){3,}\d{2,}")

# Breadcrumbs and metadata bars: short items joined by a separator
# (``Infos / A La Une / Europe``, ``Le Monde | 04.05.2015 à 13h36 • Par …``).
_SEPARATORS = r"\s/\s|\s>\s|›|\||·|•|▪|::"
BREADCRUMB_SEPARATOR = re.compile(rf"\s*(?:{_SEPARATORS}|»)\s*")
# The same without ``»``, for lines where it closes a French quotation.
BREADCRUMB_SEPARATOR_NO_GUILLEMET = re.compile(rf"\s*(?:{_SEPARATORS})\s*")
# What every separator holds: a line without it is one item (splitting is slow, most lines are prose).
BREADCRUMB_MARK = re.compile(r"[/>›|·•▪»]|::")

# A form label with its required-field star: ``Votre nom : *``.
FORM_FIELD = re.compile(r"\*\s*$")

# Dates: ``20 avril 2023``, ``avril 2023``, ``March 08, 2019``, ``20/04/2023``, ``2023-08(-16)``.
DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAY})\s+)?(?:\d{{1,2}}(?:er)?\s+)?(?:{_MONTH})\.?,?\s+\d{{4}}\b"
    rf"|\b(?:{_MONTH})\.?\s+\d{{1,2}},?\s+\d{{4}}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b",
    re.IGNORECASE,
)
MONTH = re.compile(rf"\b(?:{_MONTH})\b", re.IGNORECASE)
# Every DATE match holds four digits or a digit, a separator and a digit. The date pattern is
# slow (names of months and weekdays tried at every word), and most lines have neither.
_DATE_DIGITS = re.compile(r"\d{4}|\d[/.-]\d")
_DATE_IN_LOWER_CASE = LowerCaseSearch(DATE.pattern)


def holds_date(text: str) -> bool:
    return bool(_DATE_DIGITS.search(text)) and _DATE_IN_LOWER_CASE.search(text)


DIGIT = re.compile(r"\d")
TIME = re.compile(r"\b\d{1,2}\s*(?:h|:)\s*\d{2}(?::\d{2})?\b", re.IGNORECASE)

# A date written at the head of a body paragraph (`` date 2023-08 Le monde…``).
DATELINE_PREFIX = re.compile(
    rf"^(?:{_all_languages(cues.DATE_LABELS)})\s*:?\s*(?:{DATE.pattern})(?:\s*(?:à|at)?\s*{TIME.pattern})?\s*(?:{_DASH}|:|\|)?\s+(?=\w)",
    re.IGNORECASE,
)

# A source in brackets before the first sentence: ``(Baonghean.vn) - `` or ``PARIS (AFP) - ``.
SOURCE_PREFIX = re.compile(
    rf"^(?:\((?:[\w-]+\.)+[a-z]{{2,}}\)|(?:[A-ZÀ-Ý][\w'’.-]*\s*){{0,3}}\((?:{_AGENCY})\))\s*{_DASH}\s*(?=\w)"
)

# Credit before a caption: ``KREMLIN/MIKHAIL TERESHCHENKO via REUTERS - ``, ``PHOTO/FILE - ``.
CREDIT_PREFIX = re.compile(
    rf"^[A-ZÀ-Ý0-9][A-ZÀ-Ý0-9'’. &-]*(?:/[A-ZÀ-Ý0-9][A-ZÀ-Ý0-9'’. &-]*)+(?:\s+via\s+[A-Z][\w.-]*)?\s*{_DASH}\s+"
)

# Credit after a caption: ``Photo : AP |``, ``©Reuters``, ``(AFP photo)``, ``(Photo : X/AFP)``.
def _credit_suffix(agency: str) -> str:
    return (rf"(?:\s*(?:{_CREDIT_LABEL})\s*:\s*[^|:.]{{1,60}}?|\s*©\s*[^|.]{{1,60}}?"
            rf"|\s*\((?:(?:{agency})\s+(?:photo|file)|(?:{_CREDIT_LABEL})\s*:?[^()]{{0,60}})\))\s*\|?\s*$")


CREDIT_SUFFIX = re.compile(_credit_suffix(_AGENCY), re.IGNORECASE)
_CREDIT_SUFFIX_IN_LOWER_CASE = LowerCaseSearch(_credit_suffix(_alternation(re.escape(a.lower()) for a in cues.AGENCIES)))


def ends_with_credit(text: str) -> bool:
    """CREDIT_SUFFIX found in ``text``. Each of its credits holds a colon or a ©, or closes the line with a
    bracket; most lines have none of these, and the pattern's labels are otherwise tried at every position."""
    bracketed = text.rstrip().removesuffix("|").rstrip().endswith(")")
    return (bracketed or ":" in text or "©" in text) and _CREDIT_SUFFIX_IN_LOWER_CASE.search(text)


# A whole line that is only a credit.
CREDIT_ONLY = re.compile(
    rf"^(?:(?:{_CREDIT_LABEL})\s*:?\s*)?(?:©\s*)?(?:{_AGENCY})(?:\s*/\s*[\w .'-]+)?\s*\|?$"
    rf"|^(?:{_CREDIT_LABEL})\s*:\s*.{{1,60}}$"
    r"|^©\s*.{1,60}$",
    re.IGNORECASE,
)

# Two or more two-letter codes closing a line: a language selector.
TRAILING_CODES = re.compile(r"(?:^|[\s:|])(?:[A-Z]{2}[\s,|/]+){1,}[A-Z]{2}\s*$")

# Sentence-final punctuation, allowing closing quotes and brackets after it.
TERMINAL = re.compile(r"[.!?…:;]\s*[»\"”’')\]]*\s*$")

# A word: letters or digits with what clings to them. Punctuation standing alone is not a word
# (typography puts a space before "?" and ":"); guillemets separate words whether or not
# typography has spaced them yet ("«x" and "« x").
WORD_TOKEN = re.compile(r"[^\W_][^\s«»]*|[^\s«»]+?[^\W_][^\s«»]*")


# Cached: every rule, the prose heuristic and the article model's features count the words of the same lines.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def word_tokens(text: str) -> tuple[str, ...]:
    return tuple(WORD_TOKEN.findall(text))

# Tokens of a personal name, for bylines and author signatures.
NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]*|de|du|des|van|von|der|den|al|el|di|da|dos|y|et|and|&)$")
