"""The whole job behind ``passerelle run``: read → clean → segment → detect → translate → write.

Documents stream one at a time. Source-language segments wait in a bounded
buffer until a batch is full, are translated through the SQLite cache (each
batch committed before its pairs are written), and go to every writer at once.
Outputs are written under temporary names and renamed into place together
once the run has succeeded, the manifest last: a run stopped at any point
(a signal, a full disk) leaves no half-written file under a final name and
no mix of old and new files, and running the same command again finishes the
job from the cache with byte-identical outputs.

What a run produces depends on its :class:`RunConfig` alone, which the manifest
records whole with its hash. How the work is spread (:class:`Resources`: batch
sizes, threads) changes no output byte; it is recorded in ``timings.json``,
the one file that also holds the clock. With ``SOURCE_DATE_EPOCH`` set, two
runs over the same inputs give byte-identical folders.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from ..normalise import (
    Action,
    AuditEvent,
    CleanConfig,
    CleanedDocument,
    DetectConfig,
    LanguageDetector,
    Segment,
    SkipRule,
    apply_typography,
)
from ..translate import (
    ArgosEngine,
    EngineConfig,
    EngineResources,
    Translation,
    Translator,
    find_engine,
    open_engine,
    quality_flags,
)
from .cache import TranslationCache
from .clean_job import prepare_workers, segmented_inputs, stage_cleaned_text
from .dedup import DedupConfig, DuplicateDocument, repeated_segment_drops
from .outcomes import CleanSummary, InputReport, SegmentedResults
from .output_lock import output_folder_lock
from .own_outputs import own_outputs
from .errors import CorpusError
from .manifest import build_manifest, write_manifest
from .pairs import TMX_TYPOGRAPHIES, Languages, PairWriter, pair_record
from .parquet import ParquetPairs
from .tmx import TmxHeader, TmxWriter
from .translate_job import TranslateStats, translate_segments
from .workers import Workers
from .writers import StagedFiles, json_line, prepare_output_folder


T = TypeVar("T")


@dataclass(frozen=True)
class RunConfig:
    """Every setting that can change what a run writes; the manifest records it whole, with its hash.

    clean, detect: the cleaning stage and per-segment language detection.
    engine: which engine translates, and its decoding options.
    target_lang: language of the translations (ISO 639-1).
    tmx_source_code, tmx_target_code: language codes written in the TMX
        (``fr-FR``); by default the source and target languages themselves.
    dedup: which duplicates leave the corpus (:class:`DedupConfig`): by
        default a segment already paired and a near-duplicate document.
    translate: False writes everything except the target side.
    parquet: also write the pairs as ``corpus.parquet`` (needs pyarrow).
    tmx_typography: the TMX's source side ``as-cleaned``, or in the ``french``
        or ``plain`` typography profile: a CAT tool's exact match tells ``'``
        from ``’``, so the TMX should be typed as the documents it will meet.
    """

    clean: CleanConfig = field(default_factory=CleanConfig)
    detect: DetectConfig = field(default_factory=DetectConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    target_lang: str = "en"
    tmx_source_code: str | None = None
    tmx_target_code: str | None = None
    translate: bool = True
    parquet: bool = False
    tmx_typography: str = "as-cleaned"

    def __post_init__(self) -> None:
        if self.tmx_typography not in TMX_TYPOGRAPHIES:
            raise CorpusError(f"unknown TMX typography {self.tmx_typography!r}; choose from {', '.join(TMX_TYPOGRAPHIES)}")

    @property
    def languages(self) -> Languages:
        return Languages(self.clean.source_lang, self.target_lang, self.tmx_source_code, self.tmx_target_code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Resources:
    """How a run spreads its work; none of it changes an output byte.

    batch_segments: source segments translated, cached and written together;
        bounds memory and what an interrupted run has to redo.
    engine: threads and token budget of the translation engine.
    workers: processes that read and clean documents (:class:`Workers`),
        ahead of translation; 1 cleans in the run's own process.
    """

    batch_segments: int = 256
    engine: EngineResources = field(default_factory=EngineResources)
    workers: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunSummary:
    inputs: CleanSummary = field(default_factory=CleanSummary)
    pairs: int = 0
    unscored: int = 0  # pairs whose engine gave no score
    rule_counts: Counter[str] = field(default_factory=Counter)
    flag_counts: Counter[str] = field(default_factory=Counter)
    translation: TranslateStats = field(default_factory=TranslateStats)
    timings: dict[str, float] = field(default_factory=dict)
    cache_rebuilt: str | None = None  # why a damaged translation cache was replaced, if it was


Progress = Callable[[str, int], None]  # stage ("documents" read and cleaned, "segments" translated and written), count so far


class StageTimer:
    """Adds the time spent in its block to ``timings[stage]`` (``timings.json``)."""

    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self._timings, self._stage = timings, stage

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._timings[self._stage] = self._timings.get(self._stage, 0.0) + time.perf_counter() - self._start


@dataclass(frozen=True)
class RunJob:
    """What an :class:`Executor` is given to make a run's documents: the run's settings and inputs, and what
    the run has opened (the translator, whose model the executor may load where it translates, and the
    cache, which holds every translation the run will write once the executor is done)."""

    inputs: tuple[str, ...]
    config: RunConfig
    glob: str
    skip: SkipRule
    out_dir: Path
    resources: Resources
    translator: Translator | None
    cache: TranslationCache | None
    stats: TranslateStats
    timings: dict[str, float] = field(default_factory=dict)


class Executor(Protocol):
    """Runs the cleaning and translation of a run elsewhere than in its own process and workers (on a Ray
    cluster: :class:`~passerelle.corpus.ray_executor.RayExecutor`); the run writes what it yields: every
    cleaned document with its segments, their languages detected as the run's configuration says."""

    def documents(self, job: RunJob) -> SegmentedResults: ...


def run(
    inputs: Iterable[str],
    out_dir: Path,
    config: RunConfig = RunConfig(),
    *,
    translator: Translator | None = None,
    model: Path | None = None,
    resources: Resources = Resources(),
    cache_path: Path | None = None,
    glob: str = "*.txt",
    progress: Progress | None = None,
    on_input: InputReport | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Run the pipeline over ``inputs`` into ``out_dir``.

    The engine is opened from ``config.engine`` (with the package folder
    ``model``, else the installed one for the language pair) unless a
    ``translator`` is given, whose settings must then agree with the config.
    An input that cannot be read is recorded and the batch goes on;
    ``on_input`` hears of every input's outcome as soon as it is known.
    Whatever stops the whole job (:class:`CorpusError`, a library error of
    normalise or translate, ``KeyboardInterrupt``) leaves the output folder as
    it was, apart from the translations committed to the cache; so does a
    batch where no input could be read at all. A run owns the files its
    manifest lists: running again into the same folder removes those the new
    run does not write, and nothing else. The folder is the run's alone while
    it runs (:func:`output_folder_lock`): a second run on it stops at once.
    Neither it nor the cache is ever read as an input, nor is the output
    folder of an earlier run found among the inputs. With an ``executor``,
    documents are cleaned and translated where it says (``resources.workers``
    aside); what is written is the same.
    """
    if executor is not None:
        return _run_with(executor, inputs, out_dir, config, translator, model, resources, cache_path, glob, progress,
                         on_input)
    # The workers start first: before the model's threads, and before the lock on the folder.
    with Workers(resources.workers, lambda: prepare_workers(config.clean, config.dedup)) as workers:
        return _run_with(_LocalExecutor(workers), inputs, out_dir, config, translator, model, resources, cache_path,
                         glob, progress, on_input)


class _LocalExecutor:
    """Cleans and segments in this process and its :class:`Workers`; translates as the run writes."""

    def __init__(self, workers: Workers) -> None:
        self._workers = workers

    def documents(self, job: RunJob) -> SegmentedResults:
        config = job.config
        return segmented_inputs(job.inputs, config.clean, job.glob, config.dedup, config.detect, job.skip, self._workers)


def _run_with(executor: Executor, inputs: Iterable[str], out_dir: Path, config: RunConfig,
              translator: Translator | None, model: Path | None, resources: Resources, cache_path: Path | None,
              glob: str, progress: Progress | None, on_input: InputReport | None) -> RunSummary:
    prepare_output_folder(out_dir)
    summary = RunSummary()
    local = isinstance(executor, _LocalExecutor)
    with output_folder_lock(out_dir), StagedFiles() as staged:
        translator = _translator(config, translator, model, resources.engine, load=local)
        with ExitStack() as files:
            outputs = _RunOutputs(out_dir, staged, files, config)
            cache_path = cache_path or out_dir / ".cache" / "translations.sqlite"
            cache = _open_cache(cache_path, files, outputs, summary) if translator is not None else None
            # Elsewhere, the executor translates; the translations written here all come from the cache.
            stats = summary.translation if local else TranslateStats()
            pairs = _PairMaker(config, translator, cache, resources.batch_segments, outputs, summary, progress, stats)
            job = RunJob(tuple(inputs), config, glob, own_outputs(out_dir, cache_path), out_dir, resources, translator,
                         cache, summary.translation, summary.timings)
            read = 0
            for result, segments in _timed(executor.documents(job), summary.timings):
                summary.inputs.record(result, on_input)
                if isinstance(result, DuplicateDocument):
                    pairs.add_duplicate(result)
                elif isinstance(result, CleanedDocument):
                    if segments is None:
                        raise AssertionError("an executor gave a cleaned document without its segments")
                    pairs.add_document(result, segments)
                if progress and isinstance(result, (CleanedDocument, DuplicateDocument)):
                    read += 1
                    progress("documents", read)
            pairs.flush()
            outputs.close()
        summary.inputs.require_some_input(out_dir)
        staged.write_text(out_dir / "timings.json", _timings_json(summary, resources))
        write_manifest(out_dir, _manifest(config, translator, summary), staged)
    return summary


def _translator(config: RunConfig, given: Translator | None, model: Path | None,
                resources: EngineResources, load: bool) -> Translator | None:
    """The engine the run translates with, checked before any work (and loaded, when it translates here);
    None when it does not translate."""
    if not config.translate:
        return None
    if given is None:
        if load:
            return open_engine(config.engine, config.clean.source_lang, config.target_lang, model, resources)
        return find_engine(config.engine, config.clean.source_lang, config.target_lang, model, resources)
    if isinstance(given, ArgosEngine) and given.options != config.engine.options:
        raise CorpusError(f"the translator's options ({given.options}) differ from the run's configuration "
                          f"({config.engine.options}); give the options in RunConfig.engine")
    return given


def _timed(documents: Iterator[T], timings: dict[str, float]) -> Iterator[T]:
    """The cleaned documents, with the time spent reading and cleaning each counted."""
    while True:
        with StageTimer(timings, "read+clean"):
            result = next(documents, None)
        if result is None:
            return
        yield result


class _RunOutputs:
    """The files of one run, staged: the audit, the pair outputs and the cleaned texts."""

    def __init__(self, out_dir: Path, staged: StagedFiles, files: ExitStack, config: RunConfig) -> None:
        def open_(name: str) -> IO[str]:
            return files.enter_context(staged.writer(out_dir / name))

        langs = config.languages
        self._out_dir, self._staged, self._source_lang = out_dir, staged, langs.source
        self.audit = open_("audit.jsonl")
        jsonl, source = open_("corpus.jsonl"), open_(f"parallel/corpus.{langs.source}")
        if config.translate:
            target, tsv = open_(f"parallel/corpus.{langs.target}"), open_("parallel/corpus.tsv")
            tmx = TmxWriter(open_("corpus.tmx"), TmxHeader.of_this_run(langs.tmx_codes))
            parquet = ParquetPairs(files.enter_context(staged.binary_writer(out_dir / "corpus.parquet")), langs.source,
                                   langs.target) if config.parquet else None
            self.pairs = PairWriter(langs, jsonl=jsonl, source=source, target=target, tsv=tsv, tmx=tmx, parquet=parquet,
                                    tmx_typography=config.tmx_typography)
        else:
            self.pairs = PairWriter(langs, jsonl=jsonl, source=source)

    def event(self, event: AuditEvent) -> None:
        self.audit.write(json_line(event.to_dict()))

    def cleaned(self, result: CleanedDocument) -> None:
        stage_cleaned_text(result, self._out_dir, self._source_lang, self._staged)

    def close(self) -> None:
        self.pairs.close()


def _open_cache(path: Path, files: ExitStack, outputs: _RunOutputs, summary: RunSummary) -> TranslationCache:
    """The translation cache, closed with the run's files; a damaged one rebuilt is counted and audited."""
    cache = TranslationCache(path)
    files.callback(cache.close)
    if cache.rebuilt:
        summary.cache_rebuilt = cache.rebuilt
        summary.rule_counts["rebuild_corrupt_cache"] += 1
        outputs.event(AuditEvent("", (0, 0), "translate", "rebuild_corrupt_cache", Action.FLAG, "", "", cache.rebuilt))
    return cache


class _PairMaker:
    """Segments a document into pairs: source-language segments wait until a batch is full, then are
    translated through the cache and written; the others are audited as not in the source language.

    A document's audit waits with its segments, so that what writing a pair adds to it (characters the
    TMX cannot hold) sits at its document's place, whatever the batch size."""

    def __init__(self, config: RunConfig, translator: Translator | None, cache: TranslationCache | None,
                 batch_segments: int, outputs: _RunOutputs, summary: RunSummary, progress: Progress | None,
                 stats: TranslateStats) -> None:
        self._config, self._translator, self._cache, self._batch = config, translator, cache, batch_segments
        self._outputs, self._summary, self._progress, self._stats = outputs, summary, progress, stats
        self._detector = LanguageDetector(config.detect)
        self._engine_id = translator.engine_id if translator is not None else "none"
        self._drop_repeat = repeated_segment_drops(config.dedup)
        # Each waiting document's audit in order: an event to write, or a segment to pair first.
        self._waiting: list[list[AuditEvent | Segment]] = []
        self._pending = 0

    def add_document(self, result: CleanedDocument, segments: list[Segment]) -> None:
        """Pair a cleaned document's segments."""
        self._outputs.cleaned(result)
        self._summary.rule_counts.update(event.rule for event in result.events)
        source_lang = self._config.clean.source_lang
        audit: list[AuditEvent | Segment] = list(result.events)
        for segment in segments:
            if segment.lang != source_lang:
                audit.append(AuditEvent(segment.doc, segment.span, "detect", "not_source_language", Action.FLAG,
                                        segment.text, "", f"lang={segment.lang} score={segment.lang_score:g}"))
            elif (drop := self._drop_repeat(segment)) is not None:
                audit.append(drop)
            else:
                audit.append(segment)
                self._pending += 1
        self._summary.rule_counts.update(entry.rule for entry in audit[len(result.events):] if isinstance(entry, AuditEvent))
        self._hold(audit)

    def add_duplicate(self, result: DuplicateDocument) -> None:
        events = [*result.cleaned.events, result.event]
        self._summary.rule_counts.update(event.rule for event in events)
        self._hold(list(events))

    def _hold(self, audit: list[AuditEvent | Segment]) -> None:
        self._waiting.append(audit)
        if self._pending == 0 or self._pending >= self._batch:
            self.flush()

    def flush(self) -> None:
        segments = [entry for audit in self._waiting for entry in audit if isinstance(entry, Segment)]
        # Engines get the plain typography: ASCII quotes and plain spaces.
        plain = [apply_typography(s.text, "plain") for s in segments]
        translations: list[Translation | None] = [None] * len(plain)
        if self._translator is not None and plain:
            with StageTimer(self._summary.timings, "translate"):
                translations = list(translate_segments(plain, self._translator, self._cache, self._batch, self._stats))
        pairs = zip(segments, plain, translations)
        with StageTimer(self._summary.timings, "write"):
            for audit in self._waiting:
                for entry in audit:
                    if isinstance(entry, Segment):
                        self._write(*next(pairs))
                    else:
                        self._outputs.event(entry)
        self._waiting.clear()
        self._pending = 0
        if self._progress and segments:
            self._progress("segments", self._summary.pairs)

    def _write(self, segment: Segment, sent: str, translation: Translation | None) -> None:
        target = self._config.target_lang
        flags = quality_flags(sent, translation, target, lambda text: self._detector.detect(text).lang) if translation else []
        self._summary.flag_counts.update(flags)
        self._summary.pairs += 1
        self._summary.unscored += translation is not None and translation.score is None
        record = pair_record(segment, translation, self._config.languages, self._engine_id, flags)
        if self._outputs.pairs.write(record):
            self._outputs.event(AuditEvent(segment.doc, segment.span, "write", "remove_xml_illegal_characters",
                                           Action.EDIT, segment.text, "", "tmx"))


def _timings_json(summary: RunSummary, resources: Resources) -> str:
    seconds = {stage: round(value, 3) for stage, value in summary.timings.items()}
    return json.dumps({"seconds": seconds, "resources": resources.to_dict()}, indent=2) + "\n"


def _manifest(config: RunConfig, translator: Translator | None, summary: RunSummary) -> dict[str, Any]:
    model = translator.package.model_id if isinstance(translator, ArgosEngine) else None
    return build_manifest(
        "run", config.to_dict(), summary.inputs.outcomes,
        engine=translator.engine_id if translator is not None else "none",
        engine_settings=translator.output_settings if translator is not None else {},
        model=asdict(model) if model is not None else None,
        pairs=summary.pairs,
        unscored_pairs=summary.unscored,
        counts={"rules": dict(sorted(summary.rule_counts.items())), "flags": dict(sorted(summary.flag_counts.items()))},
    )
