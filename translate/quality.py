"""Quality flags for one source/translation pair.

Each check is a small named function in :data:`CHECKS`; a pair's flags are the
names of the checks that fire. The language check needs a detector, which the
corpus layer passes in (this package never imports the normaliser).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .engine import Translation
from .placeholders import NON_TRANSLATABLE

DetectLanguage = Callable[[str], str]

# A target this many times longer or shorter (in characters) than its source is an outlier.
MAX_LENGTH_RATIO = 2.5
# Sources shorter than this are too short for the length and copy checks to mean anything.
MIN_CHARS = 20
# A word n-gram repeated this often in the target (more than in the source) is a decoding loop.
LOOP_NGRAM, LOOP_REPEATS = 3, 4

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pair:
    source: str
    translation: Translation
    target_lang: str
    detect: DetectLanguage | None


def untranslated_copy(pair: Pair) -> bool:
    source, target = pair.source.strip(), pair.translation.text.strip()
    return len(source) >= MIN_CHARS and source.casefold() == target.casefold()


def length_ratio_outlier(pair: Pair) -> bool:
    source, target = len(pair.source.strip()), len(pair.translation.text.strip())
    if source < MIN_CHARS:
        return False
    return target == 0 or not 1 / MAX_LENGTH_RATIO <= target / source <= MAX_LENGTH_RATIO


def repeated_ngram_loop(pair: Pair) -> bool:
    def loops(text: str) -> Counter[tuple[str, ...]]:
        words = _WORD.findall(text.casefold())
        return Counter(tuple(words[i:i + LOOP_NGRAM]) for i in range(len(words) - LOOP_NGRAM + 1))

    source, target = loops(pair.source), loops(pair.translation.text)
    return any(n >= LOOP_REPEATS and n > source.get(gram, 0) for gram, n in target.items())


def numbers_lost(pair: Pair) -> bool:
    def digits(text: str) -> Counter[str]:
        return Counter(re.sub(r"\D", "", n) for n in _NUMBER.findall(text))

    return bool(digits(pair.source) - digits(pair.translation.text))


def urls_lost(pair: Pair) -> bool:
    if pair.translation.lost_placeholders:
        return True
    return any(span not in pair.translation.text for span in NON_TRANSLATABLE.findall(pair.source))


def target_not_detected(pair: Pair) -> bool:
    if pair.detect is None or len(pair.translation.text.strip()) < MIN_CHARS:
        return False
    return pair.detect(pair.translation.text) != pair.target_lang


CHECKS: tuple[Callable[[Pair], bool], ...] = (
    untranslated_copy,
    length_ratio_outlier,
    repeated_ngram_loop,
    numbers_lost,
    urls_lost,
    target_not_detected,
)


def quality_flags(source: str, translation: Translation, target_lang: str = "en",
                  detect: DetectLanguage | None = None) -> list[str]:
    """Names of the checks that fire on this pair, in table order."""
    pair = Pair(source, translation, target_lang, detect)
    return [check.__name__ for check in CHECKS if check(pair)]
