"""Language of one segment: langdetect's character n-grams and a word lexicon, combined.

Two kinds of evidence, each strong where the other is weak:

* the lexicon (wordfreq, see :mod:`passerelle.normalise.lexicon_language`): the sum of the
  words' Zipf frequencies is a unigram log-likelihood per language; it is
  decisive on short text made of known words (``Envíanos tus noticias``);
* langdetect's naive Bayes over character n-grams, loaded with the candidate
  languages' profiles only and seeded, so a text gets the same answer in every
  process; it decides when the words are unknown (names, misspellings, text
  that lost its accents).

The combined log-score of a language is ``ln 10 × lexicon + weight × ln P_langdetect``.
langdetect's probabilities are overconfident, hence a small weight. Its term
can move the scores by at most ``weight × ln(1/floor)``; when the lexicon's lead
is larger, langdetect cannot change the answer and is not consulted.

Very short segments lean on their context: the language of the paragraph or
document they stand in gets a bonus. The detector abstains (``und``) when the
winner's share of the evidence is below ``min_score``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from .cues import CANDIDATE_LANGUAGES
from .errors import NormaliseError
from .lexicon_language import MAX_WORDS, UNDETERMINED, lexicon_scores, words_of

_LN10 = math.log(10)


@dataclass(frozen=True)
class DetectConfig:
    """Settings of per-segment language detection; the manifest records them whole.

    candidates: languages a segment may be in (ISO 639-1); langdetect loads
        only these profiles, so nothing else can be answered.
    seed: langdetect's random seed, fixed so that answers repeat across runs.
    trials: langdetect's random restarts per text (its own default is 7; the
        lexicon carries most of the weight, so 3 costs little accuracy).
    ngram_weight: weight of langdetect's log-probability against the lexicon's
        log-likelihood (chosen on the lingua word-pair data, see bench/langid.py).
    probability_floor: the probability langdetect is taken to give a language
        it did not return.
    min_score: below this share of the evidence the answer is ``und``.
    short_words: segments with fewer words than this lean on their context.
    context_weight: log-odds bonus of the context language for short segments
        (ln 10: the context language counts as ten times likelier).
    """

    candidates: tuple[str, ...] = CANDIDATE_LANGUAGES
    seed: int = 0
    trials: int = 3
    ngram_weight: float = 0.1
    probability_floor: float = 1e-3
    min_score: float = 0.67
    short_words: int = 4
    context_weight: float = _LN10

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Detection:
    """``lang`` is ``und`` when the evidence is weak; ``score`` is the best language's share (0..1)."""

    lang: str
    score: float


class LanguageDetector:
    """Detects the language of segments among a fixed set of candidates; build once, reuse."""

    def __init__(self, config: DetectConfig = DetectConfig()) -> None:
        self.config = config
        self._factory = _restricted_factory(config.candidates, config.seed)
        self._max_ngram_swing = config.ngram_weight * -math.log(config.probability_floor)

    def detect(self, text: str, context: str | None = None) -> Detection:
        """Language of ``text``; ``context`` is the language around it (paragraph or document), if known."""
        config = self.config
        words = words_of(text, MAX_WORDS)
        scores = {lang: _LN10 * total for lang, total in lexicon_scores(words, config.candidates).items()}
        if context in scores and len(words) < config.short_words:
            scores[context] += config.context_weight
        if not words or _lead(scores) <= self._max_ngram_swing:
            probabilities = self._ngram_probabilities(text)
            if not probabilities and not words:
                return Detection(UNDETERMINED, 0.0)
            for lang in scores:
                scores[lang] += config.ngram_weight * math.log(max(probabilities.get(lang, 0.0), config.probability_floor))
        best = max(scores, key=scores.__getitem__)
        share = _softmax_share(scores, best)
        return Detection(best if share >= config.min_score else UNDETERMINED, round(share, 4))

    def _ngram_probabilities(self, text: str) -> dict[str, float]:
        detector = self._factory.create()
        detector.n_trial = self.config.trials
        detector.append(text)
        try:
            return {p.lang: p.prob for p in detector.get_probabilities()}
        except LangDetectException:  # no letters langdetect knows
            return {}


def _restricted_factory(candidates: tuple[str, ...], seed: int) -> DetectorFactory:
    profiles = resources.files("langdetect") / "profiles"
    missing = [lang for lang in candidates if not (profiles / lang).is_file()]
    if missing:
        raise NormaliseError(f"langdetect has no profile for {', '.join(missing)}")
    factory = DetectorFactory()
    try:
        factory.load_json_profile([(profiles / lang).read_text(encoding="utf-8") for lang in candidates])
    except LangDetectException as exc:
        # langdetect turns whatever stops the loading into a "format error", Ctrl-C included: it stays Ctrl-C.
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        raise
    factory.set_seed(seed)
    return factory


def _lead(scores: dict[str, float]) -> float:
    ranked = sorted(scores.values(), reverse=True)
    return ranked[0] - ranked[1] if len(ranked) > 1 else math.inf


def _softmax_share(scores: dict[str, float], best: str) -> float:
    top = scores[best]
    return 1.0 / sum(math.exp(score - top) for score in scores.values())
