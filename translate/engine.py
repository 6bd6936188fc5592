"""The Translator protocol and the Argos/CTranslate2 engine.

Argos Translate's own pipeline splits sentences again, batches about one
sentence at a time and forces its own beam; here the caller's segments go to
the package's CTranslate2 model directly:

    mask placeholders → SentencePiece encode → split over-long segments at clause
    or word boundaries → one translate_batch over the whole list (CTranslate2 sorts
    it by length, cuts batches within a token budget and runs inter_threads of them
    side by side) → decode → rejoin pieces, restore placeholders

Each translation keeps its length-normalised log-probability (mean per target
token). The model loads on first use, once per process for a given package and settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ..machine import available_cores
from .errors import ModelError
from .packages import InstalledPackage
from .placeholders import mask


@dataclass(frozen=True)
class Translation:
    """One segment's translation.

    ``score`` is CTranslate2's hypothesis score: the log-probability divided by
    length ** length_penalty (the mean per token at the default penalty of 1);
    over a split segment, the token-weighted mean of its pieces. None from an
    engine that gives no score (Apertium): 0.0 would read as the best possible.
    """

    text: str
    score: float | None
    pieces: int = 1
    lost_placeholders: tuple[str, ...] = ()


class Translator(Protocol):
    """Anything that turns a list of segments into as many translations, in the same order."""

    @property
    def engine_id(self) -> str:
        """The engine and its model, checksum included."""

    @property
    def output_settings(self) -> dict[str, Any]:
        """Every setting beside the model that can change a translation: the cache is keyed by them."""

    def translate(self, segments: Sequence[str]) -> list[Translation]: ...


@dataclass(frozen=True)
class EngineOptions:
    """Decoding settings. Each can change a translation, so a run's configuration
    (and its hash) records them and the translation cache is keyed by them.

    beam_size: beams searched per segment (Argos uses 4).
    length_penalty: exponent of the length normalisation in beam search.
    max_decoding_length: longest output, in tokens.
    max_input_tokens: longest input the model takes; longer segments are split
        (OPUS-MT models have 512 positions, one goes to ``</s>``).
    device: ``cpu``, ``cuda`` or ``auto`` (a GPU when there is one).
    compute_type: ``auto`` is int8 on CPU and int8_float16 on GPU. Quantisation
        and the kernels of each device change results in the last digits, which
        can change a word.
    """

    beam_size: int = 4
    length_penalty: float = 1.0
    max_decoding_length: int = 512
    max_input_tokens: int = 500
    device: str = "cpu"
    compute_type: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EngineResources:
    """How much of the machine the engine uses. None of these changes a translation,
    so they stay out of a run's configuration hash and the cache key: a run with
    other thread counts or another batch budget reuses the cache and writes the
    same outputs.

    batch_tokens: token budget of one batch: the source tokens of its segments,
        as CTranslate2 counts them (``batch_type="tokens"``).
    inter_threads: batches translated side by side (0: one per core on CPU,
        one on a GPU, where each would hold another copy of the model).
    intra_threads: threads per batch (0: the cores shared out among the
        inter_threads on CPU; CTranslate2's choice on a GPU).

    On CPU, one batch per core with one thread each translates the most per
    second (bench/translation.py: threads measured side by side).
    """

    batch_tokens: int = 4096
    inter_threads: int = 0
    intra_threads: int = 0

    def threads(self, device: str, cores: int | None = None) -> tuple[int, int]:
        """(inter_threads, intra_threads) for ``device`` (``cpu`` or ``cuda``), 0 made concrete for ``cores``
        (by default the cores this process may use; on a GPU, given cores are the threads of its one batch)."""
        if device != "cpu":
            return self.inter_threads or 1, self.intra_threads or (cores or 0)
        cores = cores or available_cores()
        inter = self.inter_threads or cores
        return inter, self.intra_threads or max(1, cores // inter)


def resolve_device(device: str, compute_type: str) -> tuple[str, str]:
    """``auto`` made concrete for this machine: the device and compute type the model really runs with."""
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() else "cpu"
    if compute_type == "auto":
        compute_type = "int8_float16" if device == "cuda" else "int8"
    return device, compute_type


# Where a too-long segment may be cut, best first: after clause punctuation, before a dash, any space.
_CLAUSE_BREAKS = (re.compile(r"(?<=[,;:])\s+"), re.compile(r"\s+(?=[–—-]\s)"), re.compile(r"\s+"))


@dataclass
class _Piece:
    segment: int
    tokens: list[str]
    joiner: str = ""  # what stood between this piece and the next one of its segment
    text: str = ""
    score: float = 0.0
    length: int = 0


@dataclass
class ArgosEngine:
    """Translates with an installed Argos package's CTranslate2 model and SentencePiece model."""

    package: InstalledPackage
    options: EngineOptions = field(default_factory=EngineOptions)
    resources: EngineResources = field(default_factory=EngineResources)

    def __post_init__(self) -> None:
        self._translator: Any = None
        self._sentencepiece: Any = None

    @property
    def engine_id(self) -> str:
        return f"argos:{self.package.model_id.name}@{self.package.model_id.version}:{self.package.model_id.checksum}"

    @property
    def output_settings(self) -> dict[str, Any]:
        """The decoding options, with ``auto`` device and compute type resolved for this machine."""
        device, compute_type = resolve_device(self.options.device, self.options.compute_type)
        return {**self.options.to_dict(), "device": device, "compute_type": compute_type}

    def check(self) -> None:
        """Load the model now, so that a damaged package is reported before any work is done."""
        self._load()

    def _load(self) -> None:
        if self._translator is None:
            device, compute_type = resolve_device(self.options.device, self.options.compute_type)
            self._translator, self._sentencepiece = _load_model(
                self.package.path, device, compute_type, *self.resources.threads(device))

    def encode(self, text: str) -> list[str]:
        self._load()
        return list(self._sentencepiece.encode(text, out_type=str))

    def translate(self, segments: Sequence[str]) -> list[Translation]:
        self._load()
        masked = [mask(s) for s in segments]
        pieces = [piece for index, m in enumerate(masked) for piece in self._pieces(index, m.text.strip())]
        # One call for the whole list: CTranslate2 sorts it by length, cuts it into batches within the token
        # budget and translates as many side by side as it has inter_threads.
        todo = [p for p in pieces if p.tokens]
        results = self._translator.translate_batch(
            [p.tokens for p in todo],
            max_batch_size=self.resources.batch_tokens,
            batch_type="tokens",
            beam_size=self.options.beam_size,
            length_penalty=self.options.length_penalty,
            max_decoding_length=self.options.max_decoding_length,
            max_input_length=0,
            return_scores=True,
        ) if todo else []
        for piece, result in zip(todo, results):
            hypothesis = result.hypotheses[0]
            piece.text = self._sentencepiece.decode(hypothesis)
            piece.score = float(result.scores[0])
            piece.length = len(hypothesis)
        by_segment: dict[int, list[_Piece]] = {}
        for piece in pieces:
            by_segment.setdefault(piece.segment, []).append(piece)
        translations = []
        for index, m in enumerate(masked):
            parts = by_segment.get(index, [])
            core = m.text.strip()
            # White space around a segment is not the model's to translate; it is kept as it was.
            lead, trail = m.text[:len(m.text) - len(m.text.lstrip())], m.text[len(m.text.rstrip()):] if core else ""
            text, lost = m.restore(lead + "".join(p.text + p.joiner for p in parts) + trail if core else "")
            weight = sum(p.length for p in parts)
            score = sum(p.score * p.length for p in parts) / weight if weight else 0.0
            translations.append(Translation(text, round(score, 6), max(1, len(parts)), lost))
        return translations

    def _pieces(self, index: int, text: str) -> list[_Piece]:
        """The segment as one piece, or cut at clause then word boundaries until each piece fits the model."""
        tokens = self.encode(text) if text else []
        if len(tokens) <= self.options.max_input_tokens:
            return [_Piece(index, tokens)]
        left, separator, right = _halves(text)
        first = self._pieces(index, left)
        first[-1].joiner = separator
        return first + self._pieces(index, right)


@lru_cache(maxsize=4)
def _load_model(path: Path, device: str, compute_type: str, inter_threads: int, intra_threads: int) -> tuple[Any, Any]:
    """The CTranslate2 and SentencePiece models of a package, loaded once per process and settings."""
    import ctranslate2
    import sentencepiece

    try:
        translator = ctranslate2.Translator(str(path / "model"), device=device, compute_type=compute_type,
                                            inter_threads=inter_threads, intra_threads=intra_threads)
        return translator, sentencepiece.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
    except (RuntimeError, OSError, ValueError) as exc:
        raise ModelError(f"cannot load the model in {path}: {exc}") from exc


def _halves(text: str) -> tuple[str, str, str]:
    """Cut ``text`` in two near its middle at the best kind of boundary there is: (left, separator, right)."""
    middle = len(text) // 2
    for pattern in _CLAUSE_BREAKS:
        cuts = [m for m in pattern.finditer(text) if 0 < m.start() and m.end() < len(text)]
        if cuts:
            best = min(cuts, key=lambda m: abs(m.start() - middle))
            return text[:best.start()], best.group(), text[best.end():]
    return text[:middle], "", text[middle:]
