"""Translating a stream of segments through a cache, batch by batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from ..translate import Translation, Translator

from .cache import cache_key


class CachedTranslations(Protocol):
    """Where translations are looked up and committed: a :class:`TranslationCache`, or layers of them."""

    def get(self, keys: Sequence[str]) -> dict[str, Translation]: ...

    def put(self, items: Iterable[tuple[str, Translation]]) -> None: ...


@dataclass
class TranslateStats:
    segments: int = 0
    from_cache: int = 0


def translate_segments(
    segments: Iterable[str],
    translator: Translator,
    cache: CachedTranslations | None = None,
    batch_size: int = 256,
    stats: TranslateStats | None = None,
) -> Iterator[Translation]:
    """One translation per segment, in order; cached ones are not translated again.

    Segments are taken ``batch_size`` at a time; each batch's new translations
    are committed to the cache before the batch is passed on, so an interrupted
    run loses at most the batch in flight. The cache is keyed by the engine's
    model and its output settings, never by threads or batch sizes.
    """
    stats = stats if stats is not None else TranslateStats()
    engine_id, settings = translator.engine_id, translator.output_settings
    source = iter(segments)
    while batch := list(islice(source, batch_size)):
        keys = [cache_key(engine_id, settings, s) for s in batch]
        cached = cache.get(keys) if cache else {}
        missing = [i for i, key in enumerate(keys) if key not in cached]
        fresh = translator.translate([batch[i] for i in missing]) if missing else []
        if cache and fresh:
            cache.put((keys[i], t) for i, t in zip(missing, fresh))
        results = dict(zip(missing, fresh))
        stats.segments += len(batch)
        stats.from_cache += len(batch) - len(missing)
        yield from (results[i] if i in results else cached[keys[i]] for i in range(len(batch)))
