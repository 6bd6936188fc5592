"""Which language a block of text is in, from word frequencies (wordfreq).

Each word votes with its Zipf frequency in every candidate language; a block's
language is the one whose lexicon explains its words best, by a margin.
This works on the two- and three-word lines where character n-gram detectors
guess (``Side Bar``, ``Envíanos tus noticias``), which is where boilerplate lives.
Stop-word density falls out of it: function words carry the highest frequencies.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from wordfreq import get_frequency_dict, zipf_frequency

from .cues import STOP_WORDS
from .patterns import LINE_CACHE_SIZE, PAGE_CACHE_SIZE, WORD_CACHE_SIZE

UNDETERMINED = "und"

_WORD = re.compile(r"[^\W\d_]+")

# Words looked at per block: enough for a confident verdict, bounded cost on long paragraphs.
MAX_WORDS = 60


@dataclass(frozen=True)
class LanguageGuess:
    """How many words were looked at, and every candidate's mean Zipf frequency per word (``scores``)."""

    words: int
    scores: dict[str, float] = field(default_factory=dict)

    def best(self) -> str:
        return max(self.scores, key=self.scores.__getitem__) if self.scores else UNDETERMINED

    def lead_over(self, lang: str) -> float:
        """How far the best language leads ``lang``, per word (0 when ``lang`` is best)."""
        if not self.scores:
            return 0.0
        return round(max(self.scores.values()) - self.scores.get(lang, 0.0), 3)


# Cached for the lines of the page in hand: its glued-word edits, its language rules and the article
# model's features read the words of the same paragraphs.
@lru_cache(maxsize=PAGE_CACHE_SIZE)
def letter_runs(text: str) -> tuple[str, ...]:
    """The runs of letters in ``text``, as written."""
    return tuple(_WORD.findall(text))


def words_of(text: str, limit: int | None = None) -> list[str]:
    """The first ``limit`` (or all) runs of letters in ``text``, in lower case."""
    return [w.lower() for w in letter_runs(text)[:limit]]


# Words whose frequency is a plain look-up in wordfreq's table: lower-case Latin letters, which
# its tokenizer keeps whole and its case folding leaves as they are. Anything else goes through it.
_PLAIN_WORD = re.compile(r"[a-zà-öø-ÿœ]+")


def load_word_lists(languages: tuple[str, ...]) -> None:
    """Read the word lists of ``languages`` now rather than at their first look-up (about 0.1 s each)."""
    for lang in languages:
        get_frequency_dict(lang, "best")


# News repeats its words; wordfreq's own lookup tokenises every call.
@lru_cache(maxsize=WORD_CACHE_SIZE)
def word_zipf(word: str, lang: str) -> float:
    if _PLAIN_WORD.fullmatch(word):
        frequency = get_frequency_dict(lang, "best").get(word, 0.0)  # the very call (and cache entry) of zipf_frequency
        # zipf_frequency's own rounding of log10(frequency per billion words).
        return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0
    return zipf_frequency(word, lang)


# One look-up per word for all candidates at once: the detector and the rules score every
# sentence and line against the same set.
@lru_cache(maxsize=WORD_CACHE_SIZE)
def word_zipfs(word: str, candidates: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(word_zipf(word, lang) for lang in candidates)


def lexicon_scores(words: list[str], candidates: tuple[str, ...]) -> dict[str, float]:
    """Sum of the words' Zipf frequencies per language: a unigram log10-likelihood, up to a constant."""
    if not words:
        return dict.fromkeys(candidates, 0)
    columns = zip(*[word_zipfs(w, candidates) for w in words])
    return {lang: sum(column) for lang, column in zip(candidates, columns)}


# Cached: both cleaning passes, and several rules, ask it of the same line.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def guess_language(text: str, candidates: tuple[str, ...]) -> LanguageGuess:
    """The lexicon's evidence for the language of ``text`` among ``candidates`` (ISO 639-1 codes)."""
    words = words_of(text, MAX_WORDS)
    if not words:
        return LanguageGuess(0)
    scores = lexicon_scores(words, candidates)
    return LanguageGuess(len(words), {lang: round(total / len(words), 3) for lang, total in scores.items()})


def needed_margin(words: int, min_margin: float) -> float:
    """One word is thin evidence: it must lead by a further 0.6 (four times likelier again)."""
    return min_margin if words > 1 else min_margin + 0.6


# Cached: the rules, the prose heuristic and the article model's features all ask it of the same lines.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def stop_word_density(text: str, lang: str) -> float:
    """Share of the words in ``text`` that are stop words of ``lang``."""
    words = words_of(text)
    table = STOP_WORDS.get(lang)
    if not words or not table:
        return 0.0
    return sum(w in table for w in words) / len(words)
