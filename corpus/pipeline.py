"""The whole job behind ``passerelle run``: read → clean → segment → detect → translate → write.

Documents stream one at a time. Source-language segments wait in a bounded
buffer until a batch is full, are translated through the SQLite cache (each
batch committed before its pairs are written), and go to every writer at once.
Outputs are written under temporary names and renamed into place together
once the run has succeeded, the manifest last: a run stopped at any point
(a signal, a full disk) leaves no half-written file under a final name and
no mix of old and new files, and running the same command again finishes the
job from the cache with byte-identical outputs.

Only ``timings.json`` depends on the clock; with ``SOURCE_DATE_EPOCH`` set, two
runs over the same inputs give byte-identical folders.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..normalise import (
    Action,
    AuditEvent,
    CleanConfig,
    DetectConfig,
    LanguageDetector,
    Segment,
    apply_typography,
    segment_document,
)
from ..translate import Translation, Translator, quality_flags

from .cache import TranslationCache
from .clean_job import CleanSummary, InputFailure, InputOutcome, clean_inputs, write_cleaned
from .errors import CorpusError
from .manifest import build_manifest, write_manifest
from .tmx import TmxHeader, TmxWriter, creation_date, unit_props
from .translate_job import TranslateStats, translate_segments
from .writers import StagedFiles, json_line, one_line, prepare_output_folder, tsv_line


@dataclass(frozen=True)
class RunConfig:
    """Settings of a run beyond cleaning and detection; the manifest records them whole.

    target_lang: language of the translations (ISO 639-1).
    tmx_source_code, tmx_target_code: language codes written in the TMX (``fr`` or ``fr-FR``).
    translate: False writes everything except the English side.
    batch_segments: source segments translated and written together; bounds memory.
    """

    clean: CleanConfig = field(default_factory=CleanConfig)
    detect: DetectConfig = field(default_factory=DetectConfig)
    target_lang: str = "en"
    tmx_source_code: str = "fr"
    tmx_target_code: str = "en"
    translate: bool = True
    batch_segments: int = 256

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunSummary:
    inputs: CleanSummary = field(default_factory=CleanSummary)
    pairs: int = 0
    rule_counts: Counter[str] = field(default_factory=Counter)
    flag_counts: Counter[str] = field(default_factory=Counter)
    translation: TranslateStats = field(default_factory=TranslateStats)
    timings: dict[str, float] = field(default_factory=dict)
    cache_rebuilt: str | None = None  # why a damaged translation cache was replaced, if it was


Progress = Callable[[str, int], None]  # stage ("documents" read and cleaned, "segments" translated and written), count so far
InputReport = Callable[[InputOutcome], None]  # called once per input, as soon as its outcome is known


class _Timer:
    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self._timings, self._stage = timings, stage

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._timings[self._stage] = self._timings.get(self._stage, 0.0) + time.perf_counter() - self._start


def run(
    inputs: Iterable[str],
    out_dir: Path,
    config: RunConfig = RunConfig(),
    translator: Translator | None = None,
    settings: dict[str, object] | None = None,
    cache_path: Path | None = None,
    glob: str = "*.txt",
    progress: Progress | None = None,
    on_input: InputReport | None = None,
) -> RunSummary:
    """Run the pipeline over ``inputs`` into ``out_dir``; ``translator`` may be None only when not translating.

    An input that cannot be read is recorded and the batch goes on; ``on_input``
    hears of every input's outcome as soon as it is known. Whatever stops the
    whole job (:class:`CorpusError`, ``KeyboardInterrupt``) leaves the output
    folder as it was, apart from the translations committed to the cache.
    """
    if config.translate and translator is None:
        raise CorpusError("a translator is needed unless translation is turned off")
    summary = RunSummary()
    detector = LanguageDetector(config.detect)
    source_lang = config.clean.source_lang
    engine_id = translator.engine_id if translator is not None and config.translate else "none"
    pending: list[Segment] = []
    prepare_output_folder(out_dir)

    with StagedFiles() as staged, ExitStack() as files:
        cache = TranslationCache(cache_path or out_dir / ".cache" / "translations.sqlite") if config.translate else None
        if cache is not None:
            files.callback(cache.close)

        def open_(name: str) -> Any:
            return files.enter_context(staged.writer(out_dir / name))

        audit, jsonl, fr = open_("audit.jsonl"), open_("corpus.jsonl"), open_(f"parallel/corpus.{source_lang}")
        if cache is not None and cache.rebuilt:
            summary.cache_rebuilt = cache.rebuilt
            summary.rule_counts["rebuild_corrupt_cache"] += 1
            audit.write(json_line(AuditEvent("", (0, 0), "translate", "rebuild_corrupt_cache", Action.FLAG, "", "",
                                             cache.rebuilt).to_dict()))
        en = tsv = tmx = None
        if config.translate:
            en, tsv = open_(f"parallel/corpus.{config.target_lang}"), open_("parallel/corpus.tsv")
            tmx = TmxWriter(open_("corpus.tmx"), TmxHeader(version("passerelle"), config.tmx_source_code,
                                                          config.tmx_target_code, creation_date()))

        def flush() -> None:
            if not pending:
                return
            # Engines get the plain typography: ASCII quotes and plain spaces.
            plain = [apply_typography(s.text, "plain") for s in pending]
            translations: list[Translation | None] = [None] * len(pending)
            if config.translate and translator is not None:
                with _Timer(summary.timings, "translate"):
                    translations = list(translate_segments(plain, translator, settings or {}, cache,
                                                           config.batch_segments, summary.translation))
            with _Timer(summary.timings, "write"):
                for segment, sent, translation in zip(pending, plain, translations):
                    write_pair(segment, sent, translation)
            pending.clear()
            if progress:
                progress("segments", summary.pairs)

        def write_pair(segment: Segment, sent: str, translation: Translation | None) -> None:
            flags = quality_flags(sent, translation, config.target_lang,
                                  lambda text: detector.detect(text).lang) if translation else []
            summary.flag_counts.update(flags)
            summary.pairs += 1
            record = {
                "id": segment.seg_id, "doc": segment.doc, "role": segment.role.value, "span": list(segment.span),
                "lang": segment.lang, "lang_score": segment.lang_score, source_lang: segment.text,
                config.target_lang: translation.text if translation else None,
                "engine": engine_id if translation else None, "score": translation.score if translation else None,
                "flags": flags, "rules": list(segment.rules),
            }
            jsonl.write(json_line(record))
            fr.write(one_line(segment.text) + "\n")
            if translation is not None and en is not None and tsv is not None and tmx is not None:
                en.write(one_line(translation.text) + "\n")
                tsv.write(tsv_line(segment.text, translation.text))
                if tmx.unit(segment.seg_id, unit_props(record), segment.text, translation.text):
                    audit.write(json_line(AuditEvent(segment.doc, segment.span, "write", "remove_xml_illegal_characters",
                                                     Action.EDIT, segment.text, "", "tmx").to_dict()))

        documents = clean_inputs(inputs, config.clean, glob)
        done = 0
        while True:
            with _Timer(summary.timings, "read+clean"):
                result = next(documents, None)
            if result is None:
                break
            outcome = summary.inputs.record(result)
            if on_input:
                on_input(outcome)
            done += 1
            if isinstance(result, InputFailure):
                continue
            write_cleaned(result, out_dir, source_lang, audit, staged)
            summary.rule_counts.update(event.rule for event in result.events)
            with _Timer(summary.timings, "segment+detect"):
                segments = segment_document(result, detector, source_lang)
            for segment in segments:
                if segment.lang == source_lang:
                    pending.append(segment)
                else:
                    audit.write(json_line(AuditEvent(segment.doc, segment.span, "detect", "not_source_language", Action.FLAG,
                                                     segment.text, "", f"lang={segment.lang} score={segment.lang_score:g}").to_dict()))
                    summary.rule_counts["not_source_language"] += 1
            if len(pending) >= config.batch_segments:
                flush()
            if progress:
                progress("documents", done)
        flush()
        if tmx is not None:
            tmx.close()
        files.close()  # every output complete before the manifest that describes them
        staged.write_text(out_dir / "timings.json", json.dumps({k: round(v, 3) for k, v in summary.timings.items()}, indent=2) + "\n")
        write_manifest(out_dir, _manifest(config, engine_id, summary), staged)
    return summary


def _manifest(config: RunConfig, engine_id: str, summary: RunSummary) -> dict[str, Any]:
    return build_manifest(
        "run", config.to_dict(), summary.inputs.outcomes,
        engine=engine_id,
        pairs=summary.pairs,
        counts={"rules": dict(sorted(summary.rule_counts.items())), "flags": dict(sorted(summary.flag_counts.items()))},
    )
