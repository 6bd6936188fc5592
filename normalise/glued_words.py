"""Words glued together by a scraper, split again.

Scrapers lose the space between two text nodes: ``contexteCourse``,
``États-UnisLa``, ``essentielle.basé``, ``-,Le``, ``Poutine«``, ``quesolidarité``.
Each repair below returns the new text and a description of every split, so
the cleaner can audit them. The word lexicon (wordfreq) keeps real words whole:
``YouTube`` and ``PowerPoint`` are known words, so their inner capital stays;
``McDonald``, ``iPhone`` and ``LaREM`` do not have the shape of a glued pair at all.
URLs, e-mail addresses and domain names (``Mondialisation.ca``) are masked first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .cues import STOP_WORDS
from .lexicon_language import letter_runs, word_zipf
from .patterns import WORD_CACHE_SIZE
from .protected import mask_protected
from .typography import GLUED_CLOSING_GUILLEMET, GLUED_OPENING_GUILLEMET

Repair = tuple[str, list[str]]

# A word part must be at least this frequent (Zipf) to stand alone after a split:
# about once per million words, which rules out fragments like "esque" or "indo".
MIN_PART_ZIPF = 3.0
# Web text holds common typos ("ditque"), so a glued word may be in the lexicon;
# it is split when it is this much rarer (Zipf, i.e. 100 times) than its rarer part.
GLUED_RARITY = 2.0
# A glued pair is a rare string: words more frequent than this are never split.
MAX_GLUED_ZIPF = 3.5
# Languages whose lexicon may know a camel-cased name (brands are English words too).
BRAND_LEXICONS = ("en",)

_LETTERS = re.compile(r"[^\W\d_]+")
# Two letters, a capital, a letter: searched for from the capital (a pattern that opens with a
# class of letters is tried at every letter).
_CASE_CHANGE = re.compile(r"[A-ZÀ-ÖØ-ÞŒ](?<=[^\W\d_]{2}[A-ZÀ-ÖØ-ÞŒ])(?=[^\W\d_])")
_MIN_CUT_WORD = 6  # the shortest word _best_cut may split
_LONG_WORD = re.compile(rf"[^\W\d_]{{{_MIN_CUT_WORD},}}")
_PUNCT_GLUE = re.compile(r"(?P<left>[^\W\d_]{2,})(?P<mark>[.!?;])(?P<right>[^\W\d_]{2,})")
_COMMA_GLUE = re.compile(r"(?<=[^\s\d,]),(?=[^\W\d_])")
# Where _PUNCT_GLUE or _COMMA_GLUE would match, searched for from the mark (see typography's guillemets).
_ANY_PUNCTUATION_GLUE = re.compile(r"[.!?;](?<=[^\W\d_]{2}[.!?;])(?=[^\W\d_]{2})|,(?<=[^\s\d,],)(?=[^\W\d_])")
_GUILLEMET_GLUE = re.compile(f"{GLUED_OPENING_GUILLEMET}|{GLUED_CLOSING_GUILLEMET}")


def _masked(text: str, repair: Callable[[str], Repair], candidate: re.Pattern[str]) -> Repair:
    """Run ``repair`` on ``text`` with protected spans masked, if ``candidate`` shows there may be work."""
    if not candidate.search(text):
        return text, []
    masked = mask_protected(text)
    repaired, splits = repair(masked.text)
    return masked.restore(repaired), [masked.restore(s) for s in splits]


def _around(match: re.Match[str], width: int = 12) -> str:
    """The text around a match, from the very string it was found in, to show where a space went in."""
    return match.string[max(0, match.start() - width):match.end() + width]


def _known(word: str, lang: str) -> bool:
    return word_zipf(word.lower(), lang) > 0


def split_case_boundaries(text: str, lang: str) -> Repair:
    """``contexteCourse`` → ``contexte Course``; a word the lexicon knows keeps its capitals."""
    def repair(masked: str) -> Repair:
        splits: list[str] = []

        def split_run(match: re.Match[str]) -> str:
            run = match.group()
            if len(run) < 4 or run.islower():  # most words: no capital after two letters
                return run
            cuts = [i for i in range(2, len(run) - 1)
                    if run[i - 2].islower() and run[i - 1].islower() and run[i].isupper() and run[i + 1].islower()]
            if not cuts or any(_known(run, language) for language in (lang, *BRAND_LEXICONS)):
                return run
            pieces = [run[a:b] for a, b in zip([0, *cuts], [*cuts, len(run)])]
            splits.append(f"{run} → {' '.join(pieces)}")
            return " ".join(pieces)

        return _LETTERS.sub(split_run, masked), splits
    return _masked(text, repair, _CASE_CHANGE)


def space_after_punctuation(text: str, lang: str) -> Repair:
    """``essentielle.basé`` → ``essentielle. basé`` when both sides are words; ``-,Le`` → ``-, Le``."""
    def repair(masked: str) -> Repair:
        splits: list[str] = []

        def split_pair(match: re.Match[str]) -> str:
            left, mark, right = match.group("left", "mark", "right")
            if not (_known(left, lang) and _known(right, lang)):
                return match.group()
            splits.append(f"{match.group()} → {left}{mark} {right}")
            return f"{left}{mark} {right}"

        def split_comma(match: re.Match[str]) -> str:
            splits.append(f"{_around(match)} (space after comma)")
            return ", "

        repaired = _PUNCT_GLUE.sub(split_pair, masked)
        return _COMMA_GLUE.sub(split_comma, repaired), splits
    return _masked(text, repair, _ANY_PUNCTUATION_GLUE)


def space_around_guillemets(text: str, lang: str) -> Repair:
    """``Poutine«`` → ``Poutine «``; ``»La`` → ``» La``."""
    def repair(masked: str) -> Repair:
        splits: list[str] = []

        def space(match: re.Match[str]) -> str:
            splits.append(f"{_around(match)} (space at guillemet)")
            return " «" if match.group() == "«" else "» "

        return _GUILLEMET_GLUE.sub(space, masked), splits
    return _masked(text, repair, _GUILLEMET_GLUE)


def split_glued_function_words(text: str, lang: str) -> Repair:
    """``quesolidarité`` → ``que solidarité``: an unknown word made of a function word and a frequent word."""
    function_words = STOP_WORDS.get(lang, frozenset())

    def repair(masked: str) -> Repair:
        splits: list[str] = []

        def split_word(match: re.Match[str]) -> str:
            word = match.group()
            cut = _best_cut(word, lang, function_words)
            if cut is None:
                return word
            splits.append(f"{word} → {word[:cut]} {word[cut:]}")
            return f"{word[:cut]} {word[cut:]}"

        if all(_best_cut(word, lang, function_words) is None for word in letter_runs(masked) if len(word) >= _MIN_CUT_WORD):
            return masked, splits  # most paragraphs: no word to split, found without a call per match
        return _LONG_WORD.sub(split_word, masked), splits
    return _masked(text, repair, _LONG_WORD)


# Words recur across a corpus, and every paragraph is read again by the cleaner's later passes.
@lru_cache(maxsize=WORD_CACHE_SIZE)
def _best_cut(word: str, lang: str, function_words: frozenset[str]) -> int | None:
    lowered = word.lower()
    # Only plain lower-case words, or one capital first.
    if len(word) < _MIN_CUT_WORD or not lowered[1:] == word[1:]:
        return None
    whole = word_zipf(lowered, lang)
    if whole > MAX_GLUED_ZIPF:
        return None
    best, best_zipf = None, 0.0
    for cut in range(2, len(word) - 1):
        left, right = lowered[:cut], lowered[cut:]
        if not (left in function_words or right in function_words):
            continue
        content = right if left in function_words else left
        if len(content) < 3:
            continue
        weakest = min(word_zipf(left, lang), word_zipf(right, lang))
        if weakest >= max(MIN_PART_ZIPF, whole + GLUED_RARITY) and weakest > best_zipf:
            best, best_zipf = cut, weakest
    return best
