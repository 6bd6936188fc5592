"""``passerelle run`` on a Ray cluster (``pip install "passerelle[ray]"``), writing what a local run writes.

Ray Data carries the work that spreads; this process, the driver, keeps what
depends on input order, as a local run does:

1. The driver lists the inputs and gives them their document ids and numbers
   (:func:`list_pages`), as a local run does, and keeps the list on disk.
2. When the batch is large enough, the batch-wide pass over repeated lines:
   tasks read the pages and hash their lines, the driver counts them in
   input order, and the repeated lines go to the cleaning stage with its job, once.
3. The driver writes the pages, numbered, in shards under ``OUT/.shards``,
   which is all it sends the cluster of them. Cleaning tasks read, clean,
   sign, segment and detect each page. An actor pool of translators (each
   loads the engine once, from a picklable :class:`EngineSpec`) translates
   the source segments the run's cache does not hold and commits each batch
   to a SQLite file of its own under the cache's folder. Tasks write the
   documents as shards under ``OUT/.shards``.
4. The driver folds the translators' files into the run's cache, merges the
   shards in input order (:mod:`.shards`) and writes the outputs as a local
   run does: near-duplicates and repeated segments dropped in order, every
   pair's translation read from the cache, the files staged and renamed
   together, the manifest last.

Nothing the driver writes depends on Ray's row order, batch sizes or the
number of translators. A run killed at any point leaves its committed
translations behind: the next run folds them in first and translates only
what is missing. Workers must see the output folder and the inputs at the
same paths as the driver: one machine, or a shared filesystem.

Ray is imported when a run uses the executor, never by ``import passerelle``.
"""

from __future__ import annotations

import atexit
import logging
import pickle
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from ..normalise import apply_typography
from ..translate import (
    ApertiumEngine,
    ArgosEngine,
    EngineConfig,
    EngineResources,
    Translation,
    Translator,
    find_engine,
    open_engine,
    resolve_device,
)
from .cache import SQLITE_COMPANIONS, TranslationCache
from .clean_job import CleaningJob, Mapper, Page, clean_pages, cleaning_tasks, in_input_order, list_pages, without_near_duplicates
from .errors import CorpusError
from .own_outputs import own_outputs
from .outcomes import SegmentedResults
from .pipeline import Resources, RunConfig, RunJob, StageTimer
from .shards import merged_shards, read_shard, write_shard
from .translate_job import TranslateStats, translate_segments
from .workers import Shared

MISSING_EXTRA = 'the Ray executor needs Ray: pip install "passerelle[ray]"'

# What a cleaning task holds at its peak: the word lists and article model, a batch of pages (bench/speed.py
# measured 404 MiB for a worker at 5,000 pages).
CLEANING_TASK_MEMORY = 512 * 2**20
# What every cleaning task asks for. Stating its memory lets Ray place tasks by it; that the tasks ask for other
# resources than the translators also keeps Ray from fusing cleaning into them, where documents would be cleaned one
# actor at a time; the stage that reads the pages asks for the same, so that Ray fuses it into the cleaning.
_TASK_RESOURCES: dict[str, Any] = {"num_cpus": 1, "memory": CLEANING_TASK_MEMORY}


@dataclass(frozen=True)
class RayExecutor:
    """Where and with how much a run works on Ray; none of it changes an output byte.

    address: the cluster to join (``auto``, ``HOST:PORT``); None joins the one
        this process is connected to, else the one ``RAY_ADDRESS`` names, else
        starts a local one for the run.
    translators: actors that translate, each holding the engine.
    cpus_per_translator: CPUs each translator asks for; its CTranslate2 threads,
        at least one (batches side by side on CPU, threads per batch on a GPU).
        The translators must leave the cluster a CPU for the cleaning tasks.
    gpus_per_translator: GPUs each translator asks for; with ``--device cuda``.
    documents_per_task: documents a cleaning task takes at a time.
    """

    address: str | None = None
    translators: int = 1
    cpus_per_translator: float = 1.0
    gpus_per_translator: float = 0.0
    documents_per_task: int = 16

    def __post_init__(self) -> None:
        if self.translators < 1 or self.cpus_per_translator <= 0 or self.documents_per_task < 1:
            raise CorpusError("the Ray executor needs at least one translator, some CPU for each, and a document per task")
        if self.gpus_per_translator < 0:
            raise CorpusError("a translator cannot ask for fewer than 0 GPUs")

    def documents(self, job: RunJob) -> SegmentedResults:
        """The run's documents in input order, cleaned, segmented and translated on the cluster; the time of
        each stage in ``job.timings`` (``ray:`` stages, all within the run's ``read+clean``)."""
        ray = _ray()
        with StageTimer(job.timings, "ray: start-up"):
            started = _connect(ray, self.address)
        try:
            yield from self._documents(job)
        finally:
            if started:
                ray.shutdown()

    def _documents(self, job: RunJob) -> SegmentedResults:
        shards = job.out_dir / ".shards"
        shutil.rmtree(shards, ignore_errors=True)
        try:
            if job.cache is not None:
                with StageTimer(job.timings, "ray: fold caches"):
                    fold_translator_caches(job.cache)  # what translators of a killed run committed
            pages = list_pages(job.inputs, job.config.clean, job.glob, job.skip)
            stages = _Stages(self, shards, job.stats)
            with StageTimer(job.timings, "ray: batch-wide pass"):
                cleaning = CleaningJob(job.config.clean, job.config.dedup, detect=job.config.detect)
                tasks = cleaning_tasks(pages, cleaning, stages.map, Shared)
            with StageTimer(job.timings, "ray: clean+translate"):
                merged = stages.clean_and_translate(tasks, pages.readable, job)
            if job.cache is not None:
                with StageTimer(job.timings, "ray: fold caches"):
                    fold_translator_caches(job.cache)
            results = (pickle.loads(payload) for _, payload in merged)
            yield from in_input_order(pages, without_near_duplicates(results, job.config.dedup), None)
        finally:
            shutil.rmtree(shards, ignore_errors=True)

    def ordered_map(self, shards: Path) -> Mapper[Any, Any]:
        """A :data:`Mapper` over this cluster (a worker function of :mod:`.clean_job` over items, results in
        their order), with its shards in ``shards``; Ray must be connected."""
        return _Stages(self, shards, TranslateStats()).map


def pairs_dataset(inputs: Iterable[str], cache_path: Path, config: RunConfig = RunConfig(), *, model: Path | None = None,
                  glob: str = "*.txt", resources: Resources = Resources(), executor: RayExecutor = RayExecutor()) -> Any:
    """Every source-language segment of ``inputs`` with its translation, as a ``ray.data.Dataset`` for engineers
    who chain steps of their own. Rows: ``number`` (the document's, in input order), ``position`` (the
    segment's among its document's source segments), ``id``, ``doc``, ``source``, ``target``, ``score``.

    Cleaning, with its batch-wide pass, is a run's; the corpus-wide drops of a run (near-duplicate
    documents, repeated segments), which depend on input order, are not applied. Translations already
    in the cache at ``cache_path`` are reused; the translators commit new ones to files beside it, which
    :func:`fold_translator_caches` (or the next run with that cache) folds in. The pages go to the cluster's
    workers as files in a folder beside the cache too, which they read whenever the dataset runs: it stays
    until this process exits. Ray must be connected (``ray.init``) or reachable at ``executor.address``."""
    ray = _ray()
    _connect(ray, executor.address)
    translator = find_engine(config.engine, config.clean.source_lang, config.target_lang, model, resources.engine) \
        if config.translate else None
    shards = cache_path.parent / f".passerelle-pairs-{uuid.uuid4().hex}"
    atexit.register(shutil.rmtree, shards, ignore_errors=True)
    cache = TranslationCache(cache_path)
    try:
        job = RunJob(tuple(inputs), config, glob, own_outputs(None, cache_path), shards, resources, translator, cache,
                     TranslateStats())
        stages = _Stages(executor, shards, job.stats)
        pages = list_pages(job.inputs, config.clean, glob, job.skip)
        cleaning = CleaningJob(config.clean, config.dedup, detect=config.detect)
        translated = stages.translated(cleaning_tasks(pages, cleaning, stages.map, Shared), job)
    finally:
        cache.close()
    return translated.flat_map(_pair_rows, fn_kwargs={"source_lang": config.clean.source_lang})


def _pair_rows(row: dict[str, Any], source_lang: str) -> list[dict[str, Any]]:
    result, _, segments = pickle.loads(row["document"])
    translations = iter(pickle.loads(row["translations"]))
    sources = [s for s in segments or [] if s.lang == source_lang]
    return [{"number": int(row["number"]), "position": position, "id": s.seg_id, "doc": s.doc, "source": s.text,
             "target": t.text if t else None, "score": t.score if t else None}
            for position, (s, t) in enumerate(zip(sources, translations))]


@dataclass(frozen=True)
class EngineSpec:
    """What a translator needs to build its engine where it runs: picklable, the model not loaded."""

    config: EngineConfig
    from_code: str
    to_code: str
    model: Path | None
    resources: EngineResources
    cpus: float

    @staticmethod
    def of(translator: Translator, config: EngineConfig, from_code: str, to_code: str, resources: EngineResources,
           cpus: float) -> EngineSpec:
        if isinstance(translator, ArgosEngine):
            return EngineSpec(config, from_code, to_code, translator.package.path, resources, cpus)
        if isinstance(translator, ApertiumEngine):
            return EngineSpec(config, from_code, to_code, None, resources, cpus)
        raise CorpusError(f"the Ray executor builds its translators from the run's engine configuration; "
                          f"{type(translator).__name__} is not one it can build (give model= instead)")

    def open(self) -> Translator:
        """The engine, loaded, with :meth:`threads` for the device it runs on."""
        device, _ = resolve_device(self.config.options.device, self.config.options.compute_type)
        return open_engine(self.config, self.from_code, self.to_code, self.model, self.threads(device))

    def threads(self, device: str) -> EngineResources:
        """The engine's resources with ``0`` threads made concrete for the CPUs the translator holds: one batch per
        CPU on ``cpu`` (the fastest setting measured), one batch with a thread per CPU on a GPU."""
        inter, intra = self.resources.threads(device, max(1, int(self.cpus)))
        return replace(self.resources, inter_threads=inter, intra_threads=intra)


class _Stages:
    """The Ray Data pipelines of one run: the batch-wide pass, and cleaning into translation into shards."""

    def __init__(self, executor: RayExecutor, shards: Path, stats: TranslateStats) -> None:
        self._executor, self._shards, self._stats = executor, shards, stats

    def map(self, function: Any, tasks: Iterable[tuple[Page, CleaningJob]]) -> Iterator[Any]:
        """``function`` (a worker function of :mod:`.clean_job`) over ``tasks`` on the cluster, results in order."""
        pages, count, job = self._pages(tasks)
        dataset = pages.map_batches(_apply, fn_kwargs={"function": function, "job": job}, **self._task_options())
        return (pickle.loads(payload) for _, payload in self._sharded(dataset, count))

    def translated(self, tasks: Iterable[tuple[Page, CleaningJob]], job: RunJob) -> Any:
        """The cleaning tasks' documents, each with its segments and their translations, as a Dataset."""
        pages, _, cleaning = self._pages(tasks)
        dataset = pages.map_batches(_clean_and_segment, fn_kwargs={"job": cleaning}, **self._task_options())
        if job.translator is None or job.cache is None:
            return dataset.map_batches(_untranslated, **self._task_options())
        executor = self._executor
        _require_a_cpu_for_cleaning(executor)
        spec = EngineSpec.of(job.translator, job.config.engine, job.config.clean.source_lang, job.config.target_lang,
                             job.resources.engine, executor.cpus_per_translator)
        gpus = {"num_gpus": executor.gpus_per_translator} if executor.gpus_per_translator else {}
        return dataset.map_batches(
            _Translating, fn_constructor_kwargs={
                "spec": spec, "settings": job.translator.output_settings, "engine_id": job.translator.engine_id,
                "cache": str(job.cache.path)},
            batch_size=executor.documents_per_task, compute=_ray().data.ActorPoolStrategy(size=executor.translators),
            num_cpus=executor.cpus_per_translator, **gpus)

    def clean_and_translate(self, tasks: Iterable[tuple[Page, CleaningJob]], count: int,
                            job: RunJob) -> Iterator[tuple[int, bytes]]:
        """The ``count`` documents of ``tasks`` cleaned, segmented and their source segments' translations in the
        cache: each document's pickled (result, signature, segments), in input order."""
        return self._sharded(self.translated(tasks, job), count)

    def _pages(self, tasks: Iterable[tuple[Page, CleaningJob]]) -> tuple[Any, int, CleaningJob | None]:
        """The pages of ``tasks`` as a Dataset of rows of their number and the page pickled; their count; the one job
        they share. The pages go to the workers in shards under the run's shards folder, a task's worth each, so
        that the driver holds none of them. The job holds the batch's repeated lines, which grow with the batch:
        it goes once with the stage (:func:`cleaning_tasks` gives every page the same)."""
        folder = self._shards / f"pages-{uuid.uuid4().hex}"
        jobs: dict[int, CleaningJob] = {}
        numbered = enumerate(tasks)
        count = shards = 0
        while chunk := list(islice(numbered, self._executor.documents_per_task)):
            jobs.update((id(job), job) for _, (_, job) in chunk)
            write_shard(folder, ((number, pickle.dumps(page)) for number, (page, _) in chunk), name=f"{shards:08d}")
            count, shards = count + len(chunk), shards + 1
        if len(jobs) > 1:
            raise AssertionError("cleaning_tasks gave the pages of one batch different jobs")
        ray_data = _ray().data
        ray_data.DataContext.get_current().enable_progress_bars = False
        dataset = ray_data.range(shards, override_num_blocks=max(1, min(shards, 200))).flat_map(
            _page_rows, fn_kwargs={"folder": str(folder)}, **_TASK_RESOURCES)
        return dataset, count, next(iter(jobs.values()), None)

    def _task_options(self) -> dict[str, Any]:
        return {"batch_size": self._executor.documents_per_task, **_TASK_RESOURCES}

    def _sharded(self, dataset: Any, count: int) -> Iterator[tuple[int, bytes]]:
        written = dataset.map_batches(_write_shard, fn_kwargs={"folder": str(self._shards)}, batch_size=None,
                                      num_cpus=0.25)
        stats = self._stats
        paths = []
        for row in written.iter_rows():
            paths.append(Path(row["shard"]))
            stats.segments += int(row["looked_up"])
            stats.from_cache += int(row["cached"])
        return merged_shards(paths, count)


def _require_a_cpu_for_cleaning(executor: RayExecutor) -> None:
    """Translators that hold every CPU of the cluster would leave the cleaning tasks none: the job would wait forever."""
    cpus = _ray().cluster_resources().get("CPU", 0.0)
    held = executor.translators * executor.cpus_per_translator
    if cpus - held < 1:
        raise CorpusError(f"{executor.translators} translator(s) of {executor.cpus_per_translator:g} CPU would hold "
                          f"{held:g} of the cluster's {cpus:g} CPUs, leaving none to clean documents; "
                          "ask for fewer translators or fewer CPUs each")


def _apply(batch: dict[str, np.ndarray], function: Any, job: CleaningJob) -> dict[str, Any]:
    results = function(_page_tasks(batch, job))
    return {"number": batch["number"], "document": [pickle.dumps(result) for result in results],
            "translations": [b""] * len(results), "looked_up": [0] * len(results), "cached": [0] * len(results)}


def _page_rows(row: dict[str, Any], folder: str) -> list[dict[str, Any]]:
    """The pages of one shard written by :meth:`_Stages._pages`, as rows of their number and the page pickled."""
    return [{"number": number, "item": item} for number, item in read_shard(Path(folder) / f"{int(row['id']):08d}.shard")]


def _page_tasks(batch: dict[str, np.ndarray], job: CleaningJob) -> list[tuple[Page, CleaningJob]]:
    """A batch's pages, each with the job the stage was given once."""
    return [(pickle.loads(item), job) for item in batch["item"]]


def _clean_and_segment(batch: dict[str, np.ndarray], job: CleaningJob) -> dict[str, Any]:
    """Cleaning task: each page cleaned, signed, segmented and detected (:func:`clean_pages`), with the text of its
    source segments as the engine gets it."""
    documents, sources = [], []
    source_lang = job.config.source_lang
    for result, signature, segments in clean_pages(_page_tasks(batch, job)):
        documents.append(pickle.dumps((result, signature, segments)))
        # Engines get the plain typography, as in a local run.
        sources.append(pickle.dumps([apply_typography(s.text, "plain") for s in segments or [] if s.lang == source_lang]))
    return {"number": batch["number"], "document": documents, "sources": sources}


def _untranslated(batch: dict[str, np.ndarray]) -> dict[str, Any]:
    count = len(batch["number"])
    return {"number": batch["number"], "document": batch["document"], "translations": [pickle.dumps([])] * count,
            "looked_up": [0] * count, "cached": [0] * count}


class _Translating:
    """A translator actor: the engine, loaded once; the run's cache to read; a cache file of its own to commit to.

    Ray builds it on one thread and calls it on another, and a SQLite connection belongs to the thread that
    opened it: the cache files are opened on first call."""

    def __init__(self, spec: EngineSpec, settings: dict[str, Any], engine_id: str, cache: str) -> None:
        self._engine = spec.open()
        if (self._engine.engine_id, self._engine.output_settings) != (engine_id, settings):
            raise CorpusError(f"a translator's engine ({self._engine.engine_id}, {self._engine.output_settings}) is not "
                              f"the run's ({engine_id}, {settings}); give --device and --compute-type explicitly")
        self._cache_path = Path(cache)
        self._cache: _LayeredCache | None = None

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        if self._cache is None:
            own = _translator_cache(self._cache_path, uuid.uuid4().hex)
            run = TranslationCache(self._cache_path, read_only=True) if self._cache_path.exists() else None
            self._cache = _LayeredCache(run, TranslationCache(own))
        per_document = [pickle.loads(sources) for sources in batch["sources"]]
        unique = list(dict.fromkeys(text for sources in per_document for text in sources))
        stats = TranslateStats()
        # One batch for the engine: it sorts and cuts it by its token budget; committed before it is passed on.
        translated = dict(zip(unique, translate_segments(unique, self._engine, self._cache, max(1, len(unique)), stats)))
        return {"number": batch["number"], "document": batch["document"],
                "translations": [pickle.dumps([translated[text] for text in sources]) for sources in per_document],
                "looked_up": [stats.segments] + [0] * (len(per_document) - 1),
                "cached": [stats.from_cache] + [0] * (len(per_document) - 1)}


class _LayeredCache:
    """The run's cache, read only, over a translator's own file, which takes what it translates."""

    def __init__(self, run: TranslationCache | None, own: TranslationCache) -> None:
        self._run, self._own = run, own

    def get(self, keys: Sequence[str]) -> dict[str, Translation]:
        found = self._run.get(keys) if self._run is not None else {}
        return found | self._own.get([key for key in keys if key not in found])

    def put(self, items: Iterable[tuple[str, Translation]]) -> None:
        self._own.put(items)


def _write_shard(batch: dict[str, np.ndarray], folder: str) -> dict[str, Any]:
    """Shard writer: the batch's documents in number order, each with its translations; the batch's counts."""
    order = np.argsort(batch["number"], kind="stable")
    path = write_shard(Path(folder), ((int(batch["number"][i]), bytes(batch["document"][i])) for i in order))
    return {"shard": [str(path)], "looked_up": [int(np.sum(batch["looked_up"]))], "cached": [int(np.sum(batch["cached"]))]}


def fold_translator_caches(cache: TranslationCache) -> int:
    """Fold the translators' cache files (this run's, or those a killed run left) into the run's cache, and
    remove them; the number of translations they held."""
    folded = 0
    for path in sorted(cache.path.parent.glob(_translator_cache(cache.path, "*").name)):
        part = TranslationCache(path)
        try:
            for rows in part.chunks():
                cache.put(rows)
                folded += len(rows)
        finally:
            part.close()
        for suffix in ("", *SQLITE_COMPANIONS):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    return folded


def _translator_cache(cache: Path, name: str) -> Path:
    """A translator's own cache file, beside the run's: ``translations.<name>.sqlite``."""
    return cache.with_name(f"{cache.stem}.{name}.sqlite")


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data is its own module, imported on first use)
    except ImportError as exc:
        raise CorpusError(MISSING_EXTRA) from exc
    return ray


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster (or start a local one); True when this call started Ray, which the run then stops."""
    if ray.is_initialized():
        return False
    # A session this run starts is the run's: Ray's chatter goes to its log files, only its errors to stderr.
    ray.init(address=address, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    return True
