"""The ``passerelle`` command: a thin click layer over the library.

It parses options into the library's configuration objects, calls library
functions, and reports. What stops a command is turned into a message and an
exit code in one place, :class:`_Passerelle`: 0 all good, 1 some inputs failed
or the job could not finish, 2 usage (a bad option or setting), 130 stopped by
Ctrl-C or SIGTERM, 141 stdout closed by its reader. Data goes to stdout;
progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..machine import available_cores
from ..normalise import HTML_MODES, PROFILES, CleanConfig, DetectConfig, NormaliseError
from ..translate import (
    ENGINES,
    EngineConfig,
    EngineOptions,
    EngineResources,
    InstalledPackage,
    TranslateError,
    install_official,
    install_package,
    installed_packages,
    open_engine,
    remove_package,
)
from .cache import TranslationCache
from . import clean_job
from .dedup import DEDUP_MODES, DedupConfig
from .errors import CorpusError, UnusableOutput
from .export import FORMATS, ExportFilter, export
from .outcomes import InputOutcome
from .pairs import TMX_TYPOGRAPHIES
from .report import write_report
from .run_settings import read_config_file, read_replayed_config
from .pipeline import Resources, RunConfig, RunSummary, run
from .ray_executor import MISSING_EXTRA, RayExecutor
from .translate_job import translate_segments
from .writers import one_line

EXIT_OK, EXIT_SOME_FAILED, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 130, 141
LIBRARY_ERRORS = (CorpusError, NormaliseError, TranslateError)

# What a command tells the user about its outputs when it is interrupted (kept in click's shared ``meta``).
_ON_INTERRUPT = "passerelle.on_interrupt"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class _Passerelle(click.Group):
    """Runs a subcommand and turns whatever stops it into one message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UnusableOutput as exc:
            raise click.UsageError(str(exc), ctx) from exc
        except LIBRARY_ERRORS as exc:
            _error(str(exc))
            ctx.exit(EXIT_SOME_FAILED)
        except KeyboardInterrupt:
            click.echo(f"\npasserelle: interrupted; {ctx.meta.get(_ON_INTERRUPT, 'nothing was written')}", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # Whoever read stdout has gone; say nothing more there, not even at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_BROKEN_PIPE)


def _on_interrupt(message: str) -> None:
    click.get_current_context().meta[_ON_INTERRUPT] = message


def _error(message: str) -> None:
    click.echo(f"passerelle: error: {message}", err=True)


def _warning(message: str) -> None:
    click.echo(f"passerelle: warning: {message}", err=True)


def _setting(make: Callable[[], T]) -> T:
    """A configuration object built from options; a value the library refuses is a usage error (exit 2)."""
    try:
        return make()
    except LIBRARY_ERRORS as exc:
        raise click.UsageError(str(exc)) from exc


def _report(outcome: InputOutcome, quiet: bool) -> None:
    """Name a failed input as an error, and an empty or oddly encoded one as a warning, as soon as it is known."""
    if outcome.status == "failed":
        _error(f"{outcome.path}: {outcome.message}")
    elif outcome.message and not quiet:
        _warning(f"{outcome.path}: {outcome.message}")


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, in the order written."""
    def decorate(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return decorate


# --- options shared by several commands ---------------------------------------------------------

_input_options = _options(
    click.argument("inputs", nargs=-1, required=True),
    click.option("--glob", "glob", default="*.txt", show_default=True, help="Files to take from input directories."),
)

_quiet_option = click.option("-q", "--quiet", is_flag=True, help="Nothing on stderr but errors: no progress bar, warnings or summary.")


def _clean_options(command: F) -> F:
    """The cleaning options, handed to the command as one ``clean_config``."""
    @functools.wraps(command)
    def with_config(*args: Any, source_lang: str, repeat_min_docs: int, typography: str, max_input_mb: float,
                    html: str, **kwargs: Any) -> Any:
        config = _setting(lambda: CleanConfig(source_lang=source_lang, repeat_min_docs=repeat_min_docs,
                                              typography=typography, max_input_bytes=round(max_input_mb * 1e6), html=html))
        return command(*args, clean_config=config, **kwargs)

    return _options(
        click.option("--source-lang", default=CleanConfig.source_lang, show_default=True, help="Language of the text to keep."),
        click.option("--repeat-min-docs", type=click.IntRange(min=0), default=CleanConfig.repeat_min_docs, show_default=True,
                     help="Drop lines found in at least this many documents of the batch (0: off)."),
        click.option("--typography", type=click.Choice(sorted(PROFILES)), default=CleanConfig.typography, show_default=True,
                     help="french: ’ « » and no-break spaces before : ; ! ?; plain: ASCII quotes and plain spaces."),
        click.option("--max-input-mb", type=click.FloatRange(min=0, min_open=True),
                     default=CleanConfig.max_input_bytes / 1e6, show_default=True,
                     help="Larger inputs are reported as failed and not read (compressed ones: what they decompress to)."),
        click.option("--html", type=click.Choice(HTML_MODES), default=CleanConfig.html, show_default=True,
                     help="extract: an HTML page's main text, by trafilatura, then cleaned; text: the page as text."),
    )(with_config)  # type: ignore[return-value]


def _dedup_options(command: F) -> F:
    """The duplicate options, handed to the command as one ``dedup``."""
    @functools.wraps(command)
    def with_config(*args: Any, dedup_mode: str, dedup_threshold: float, shingle_words: int, **kwargs: Any) -> Any:
        dedup = _setting(lambda: DedupConfig(mode=dedup_mode, threshold=dedup_threshold, shingle_words=shingle_words))
        return command(*args, dedup=dedup, **kwargs)

    return _options(*_dedup_choice, *_near_options)(with_config)  # type: ignore[return-value]


_dedup_choice = (
    click.option("--dedup", "dedup_mode", type=click.Choice(DEDUP_MODES), default=DedupConfig.mode, show_default=True,
                 help="exact: a sentence already paired is not paired again; near: also drop a document that copies an "
                      "earlier one (a syndicated dispatch under other chrome); none: keep everything."),
)
_near_options = (
    click.option("--dedup-threshold", type=click.FloatRange(min=0, max=1, min_open=True), default=DedupConfig.threshold,
                 show_default=True, help="Estimated Jaccard similarity of word shingles from which a document is a copy."),
    click.option("--shingle-words", type=click.IntRange(min=1), default=DedupConfig.shingle_words, show_default=True,
                 help="Words per shingle when documents are compared."),
)


def _engine_options(command: F) -> F:
    """The engine options, handed to the command as ``engine`` (what changes a translation),
    ``engine_resources`` (threads and batch budget, which never do) and ``model``."""
    @functools.wraps(command)
    def with_config(*args: Any, engine_name: str, beam_size: int, device: str, compute_type: str, intra_threads: int,
                    inter_threads: int, batch_tokens: int, **kwargs: Any) -> Any:
        options = EngineOptions(beam_size=beam_size, device=device, compute_type=compute_type)
        engine = _setting(lambda: EngineConfig(engine_name, options))
        resources = EngineResources(batch_tokens=batch_tokens, inter_threads=inter_threads, intra_threads=intra_threads)
        return command(*args, engine=engine, engine_resources=resources, **kwargs)

    return _options(
        click.option("--engine", "engine_name", type=click.Choice(ENGINES), default=EngineConfig.name, show_default=True,
                     help="argos: the neural model package; apertium: rule-based fallback (fr→es→en), far lower quality."),
        click.option("--model", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="An unpacked package folder to use instead of the installed one."),
        click.option("--beam-size", type=click.IntRange(min=1), default=EngineOptions.beam_size, show_default=True),
        click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=EngineOptions.device, show_default=True),
        click.option("--compute-type", default=EngineOptions.compute_type, show_default=True,
                     help="CTranslate2 compute type; auto is int8 on CPU, int8_float16 on GPU."),
        click.option("--intra-threads", type=click.IntRange(min=0), default=EngineResources.intra_threads, show_default=True,
                     help="Threads per translation batch (0: the cores over --inter-threads on CPU, CTranslate2's "
                          "choice on a GPU). Changes no output."),
        click.option("--inter-threads", type=click.IntRange(min=0), default=EngineResources.inter_threads, show_default=True,
                     help="Batches translated side by side (0: one per core on CPU, one on a GPU). Changes no output."),
        click.option("--batch-tokens", type=click.IntRange(min=1), default=EngineResources.batch_tokens, show_default=True,
                     help="Token budget of one translation batch. Changes no output."),
    )(with_config)  # type: ignore[return-value]


_workers_option = click.option(
    "--workers", type=click.IntRange(min=1), default=available_cores(), show_default="the cores this process may use",
    help="Processes that read and clean documents (in run, ahead of translation). Changes no output.")


def _executor_options(command: F) -> F:
    """``--executor`` and the Ray executor's options, made into the ``executor`` argument (None: local)."""
    @functools.wraps(command)
    def with_executor(*args: Any, executor_name: str, ray_address: str | None, translators: int,
                      cpus_per_translator: float, gpus_per_translator: float, **kwargs: Any) -> Any:
        executor = None
        if executor_name == "ray":
            if importlib.util.find_spec("ray") is None:
                raise click.UsageError(MISSING_EXTRA)
            executor = _setting(lambda: RayExecutor(ray_address, translators, cpus_per_translator, gpus_per_translator))
        return command(*args, executor=executor, **kwargs)

    return _options(
        click.option("--executor", "executor_name", type=click.Choice(["local", "ray"]), default="local",
                     show_default=True, help="Where documents are cleaned and translated: this machine's processes "
                     "(--workers), or a Ray cluster (pip install \"passerelle[ray]\"). Changes no output."),
        click.option("--ray-address", help="With --executor ray: the cluster, auto or HOST:PORT "
                     "(default: RAY_ADDRESS, else a local one started for the run)."),
        click.option("--translators", type=click.IntRange(min=1), default=RayExecutor.translators, show_default=True,
                     help="With --executor ray: translator actors, each holding the engine."),
        click.option("--cpus-per-translator", type=click.FloatRange(min=0, min_open=True),
                     default=RayExecutor.cpus_per_translator, show_default=True,
                     help="With --executor ray: CPUs per translator, its CTranslate2 threads (at least one)."),
        click.option("--gpus-per-translator", type=click.FloatRange(min=0), default=RayExecutor.gpus_per_translator,
                     show_default=True, help="With --executor ray: GPUs per translator (with --device cuda)."),
    )(with_executor)  # type: ignore[return-value]


def _cache_option(help_text: str) -> Callable[[F], F]:
    return click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), help=help_text)


def _language_pair(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    codes = [code.strip() for code in value.split(",")]
    if len(codes) != 2 or not all(codes):
        raise click.BadParameter("takes two codes, e.g. fr,en", ctx, param)
    return codes[0], codes[1]


_tmx_langs_option = click.option("--tmx-langs", callback=_language_pair,
                                 help="Language codes written in the TMX, e.g. fr-FR,en-GB (default: the languages themselves).")
_tmx_typography_option = click.option(
    "--tmx-typography", type=click.Choice(TMX_TYPOGRAPHIES), default="as-cleaned", show_default=True,
    help="The TMX's source side as cleaned, or retyped: plain (ASCII ' and \", plain spaces) for documents typed so, "
         "french (’ « » and no-break spaces). A CAT tool's exact match tells them apart.")


# --- commands -----------------------------------------------------------------------------------

@click.group(cls=_Passerelle, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="passerelle")
def main() -> None:
    """Turn scraped French news text into a clean, aligned French-English corpus."""
    _interrupt_on_sigterm()


def _interrupt_on_sigterm() -> None:
    """A batch scheduler's SIGTERM stops a command as cleanly as Ctrl-C: temporary files removed, cache kept."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


@main.command()
@_input_options
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: clean/<doc>.fr.txt, segments.jsonl, audit.jsonl, manifest.json. "
                   "Without it, cleaned text goes to stdout.")
@_clean_options
@_dedup_options
@_workers_option
@_quiet_option
def clean(inputs: tuple[str, ...], glob: str, out_dir: Path | None, clean_config: CleanConfig, dedup: DedupConfig,
          workers: int, quiet: bool) -> None:
    """Strip boilerplate, captions and Markdown from INPUTS (files, folders, or - for stdin).

    \b
    Examples:
      passerelle clean seeds -o out            # out/clean/*.fr.txt, segments, audit, manifest
      passerelle clean - < article.txt         # cleaned text on stdout
      passerelle clean seeds -o out --typography plain
    """
    detect = DetectConfig(candidates=clean_config.language_candidates)
    _on_interrupt("no output was written under a final name" if out_dir else "the output is partial")
    destination = out_dir if out_dir is not None else sys.stdout
    show = not quiet and sys.stderr.isatty()
    with _progress_bar(show, lambda: clean_job.count_inputs(inputs, glob, out_dir), "cleaning") as bar:
        summary = clean_job.clean(inputs, destination, clean_config, detect, glob, bar.on_input(quiet), dedup, workers)
    if not quiet:
        where = f"; wrote {out_dir}" if out_dir is not None else ""
        click.echo(f"passerelle: cleaned {summary.documents} document(s), {len(summary.failed)} failed{where}", err=True)
    sys.exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


@main.command("run")
@_input_options
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: clean/, parallel/, corpus.jsonl, corpus.tmx, audit, manifest, timings.")
@_clean_options
@_dedup_options
@_engine_options
@click.option("--no-translate", is_flag=True, help="Everything except the English side.")
@click.option("--parquet", is_flag=True, help="Also write the pairs as corpus.parquet (pip install \"passerelle[parquet]\").")
@_cache_option("Translation cache (default: OUT/.cache/translations.sqlite).")
@_tmx_langs_option
@_tmx_typography_option
@click.option("--batch-segments", type=click.IntRange(min=1), default=Resources.batch_segments, show_default=True,
              help="Segments translated, cached and written together. Changes no output.")
@_workers_option
@_executor_options
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Every setting from a TOML file, in the schema of the manifest's config; no setting option beside it.")
@click.option("--replay", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Every setting of an earlier run, from its manifest.json; no setting option beside it.")
@_quiet_option
def run_command(inputs: tuple[str, ...], glob: str, out_dir: Path, clean_config: CleanConfig, dedup: DedupConfig,
                engine: EngineConfig,
                engine_resources: EngineResources, model: Path | None, no_translate: bool, parquet: bool, cache_path: Path | None,
                tmx_langs: tuple[str, str] | None, tmx_typography: str, batch_segments: int, workers: int,
                executor: RayExecutor | None, config_file: Path | None, replay: Path | None, quiet: bool) -> None:
    """Clean, segment, detect and translate INPUTS into an aligned corpus and a TMX.

    \b
    Examples:
      passerelle run seeds -o out
      passerelle run seeds -o out --no-translate
      passerelle run corpus/ --glob '*.md' -o out --engine apertium
      passerelle run seeds -o out --config settings.toml
      passerelle run seeds -o again --replay out/manifest.json
      passerelle run crawl/ -o out --executor ray --ray-address auto --translators 4 --device cuda --gpus-per-translator 1
    """
    codes = tmx_langs or (None, None)
    config = RunConfig(clean=clean_config, dedup=dedup, engine=engine, tmx_source_code=codes[0], tmx_target_code=codes[1],
                       translate=not no_translate, parquet=parquet, tmx_typography=tmx_typography)
    if config_file is not None or replay is not None:
        config = _settings_from_file(config_file, replay)
    _on_interrupt("no output was written under a final name; translations done so far are cached, "
                  "so the same command resumes where this one stopped")
    show = not quiet and sys.stderr.isatty()
    with _progress_bar(show, lambda: clean_job.count_inputs(inputs, glob, out_dir, cache_path), "cleaning and translating") \
            as bar:
        summary = run(inputs, out_dir, config, model=model, resources=Resources(batch_segments, engine_resources, workers),
                      cache_path=cache_path, glob=glob, progress=bar.progress, on_input=bar.on_input(quiet),
                      executor=executor)
    _run_summary(summary, out_dir, quiet)


# Options that make up a RunConfig: with --config or --replay, the file gives them all.
_RUN_SETTINGS = ("source_lang", "repeat_min_docs", "typography", "max_input_mb", "html", "dedup_mode", "dedup_threshold",
                 "shingle_words", "engine_name", "beam_size", "device", "compute_type", "no_translate", "parquet",
                 "tmx_langs", "tmx_typography")


def _settings_from_file(config_file: Path | None, replay: Path | None) -> RunConfig:
    ctx = click.get_current_context()
    if config_file is not None and replay is not None:
        raise click.UsageError("give --config or --replay, not both")
    given = [next(p.opts[0] for p in ctx.command.params if p.name == name) for name in _RUN_SETTINGS
             if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
    if given:
        raise click.UsageError(f"{', '.join(given)} cannot be given with {'--config' if config_file else '--replay'}: "
                               "the file holds every setting")
    return _setting(lambda: read_config_file(config_file) if config_file is not None
                    else read_replayed_config(replay))  # type: ignore[arg-type]


class _Progress:
    """A progress bar on stderr for a person watching a terminal: done/total inputs, their rate, the time left,
    and the segments translated so far. Off (every method a plain report) when nobody is watching."""

    def __init__(self, bar: Any | None) -> None:
        self._bar = bar
        self._start = time.monotonic()
        self._inputs = 0
        self._segments = 0

    def on_input(self, quiet: bool) -> Callable[[InputOutcome], None]:
        def report(outcome: InputOutcome) -> None:
            if self._bar is not None and outcome.message:
                click.echo("", err=True)  # off the bar's line; it is drawn again below
            _report(outcome, quiet)
            if outcome.status != "skipped":
                self._inputs += 1
                self._draw()
        return report

    def progress(self, stage: str, done: int) -> None:
        if stage == "segments":
            self._segments = done
            self._draw()

    def _draw(self) -> None:
        if self._bar is None:
            return
        rate = self._inputs / max(time.monotonic() - self._start, 1e-6)
        note = f"{rate:.1f} documents/s" + (f", {self._segments} segments translated" if self._segments else "")
        steps = self._inputs - self._bar.pos
        self._bar.update(steps, note)
        if not steps:  # click draws on steps only; a new segment count is worth drawing too
            self._bar.render_progress()


@contextmanager
def _progress_bar(show: bool, total: Callable[[], int], label: str) -> Iterator[_Progress]:
    """The bar for a job over ``total()`` inputs (counted by a walk over the folders, nothing read), when ``show``."""
    if not show:
        yield _Progress(None)
        return
    with click.progressbar(length=max(total(), 1), label=f"passerelle: {label}", file=sys.stderr, show_pos=True,
                           show_eta=True, item_show_func=lambda note: note) as bar:
        yield _Progress(bar)


def _run_summary(summary: RunSummary, out_dir: Path, quiet: bool) -> None:
    failed = summary.inputs.failed
    if summary.cache_rebuilt and not quiet:
        _warning(f"translation cache: {summary.cache_rebuilt}")
    if not quiet:
        click.echo(f"passerelle: {summary.inputs.documents} document(s), {summary.pairs} segment(s), "
                   f"{summary.translation.from_cache} from cache, {len(failed)} failed; wrote {out_dir}", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command("translate")
@click.argument("source", type=click.Choice(["-"]))
@click.option("--from", "from_code", default="fr", show_default=True, help="Source language.")
@click.option("--to", "to_code", default="en", show_default=True, help="Target language.")
@_engine_options
@_cache_option("SQLite translation cache; a second run over the same lines translates nothing again.")
@_quiet_option
def translate_command(source: str, from_code: str, to_code: str, engine: EngineConfig, engine_resources: EngineResources,
                      model: Path | None, cache_path: Path | None, quiet: bool) -> None:
    """Translate one segment per line from stdin; one line out per line in, always.

    \b
    Example:
      printf 'Bonjour.\\nMerci.\\n' | passerelle translate -
    """
    lines = sys.stdin.buffer.read().decode("utf-8", errors="replace").splitlines()
    _on_interrupt("translations done so far are in the cache, if one was given")
    translator = open_engine(engine, from_code, to_code, model, engine_resources)
    cache = TranslationCache(cache_path) if cache_path else None
    if cache is not None and cache.rebuilt and not quiet:
        _warning(f"translation cache {cache_path}: {cache.rebuilt}")
    for translation in translate_segments(lines, translator, cache):
        click.echo(one_line(translation.text))


@main.command("export")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("-o", "--output", "destination", required=True,
              help="File to write, or - for stdout (for moses, a prefix: PREFIX.fr and PREFIX.en). A symbolic link is "
                   "written through, a FIFO written to; a folder is refused.")
@click.option("--min-score", type=float, help="Keep pairs whose engine score is at least this (pairs without a score "
              "are kept unless --drop-unscored).")
@click.option("--drop-unscored", is_flag=True, help="Leave out pairs without an engine score (Apertium gives none).")
@click.option("--drop-flagged", is_flag=True, help="Leave out pairs with any quality flag.")
@click.option("--role", "roles", multiple=True, help="Keep only these roles (body, title, heading, caption); repeatable.")
@click.option("--dedup", "dedup_mode", type=click.Choice(DEDUP_MODES), default="none", show_default=True,
              help="For a corpus written before runs removed duplicates: exact leaves out a pair whose source was "
                   "exported before; near also the pairs of a document that copies an earlier one.")
@_options(*_near_options)
@_tmx_langs_option
@_tmx_typography_option
@_quiet_option
def export_command(run_dir: Path, fmt: str, destination: str, min_score: float | None, drop_unscored: bool,
                   drop_flagged: bool, roles: tuple[str, ...], dedup_mode: str, dedup_threshold: float, shingle_words: int,
                   tmx_langs: tuple[str, str] | None, tmx_typography: str, quiet: bool) -> None:
    """Re-export the pairs of a finished run (its corpus.jsonl) with filters.

    \b
    Examples:
      passerelle export out --format tmx -o body.tmx --role body --drop-flagged
      passerelle export out --format moses -o train --min-score -0.5
      passerelle export out --format tsv -o - | head
      passerelle export out --format parquet -o corpus.parquet   # pip install "passerelle[parquet]"
    """
    stdout = sys.stdout.buffer if fmt == "parquet" else sys.stdout
    target = stdout if destination == "-" else Path(destination)
    dedup = _setting(lambda: DedupConfig(mode=dedup_mode, threshold=dedup_threshold, shingle_words=shingle_words))
    count = export(run_dir, fmt, target, ExportFilter(min_score, drop_flagged, roles, drop_unscored), tmx_langs,
                   tmx_typography, dedup)
    if not quiet:
        click.echo(f"passerelle: exported {count} pair(s) to {'stdout' if destination == '-' else destination}", err=True)


@main.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", "destination", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (default: RUN_DIR/report.html).")
@_quiet_option
def report_command(run_dir: Path, destination: Path | None, quiet: bool) -> None:
    """One self-contained HTML page of what a run or clean job kept, dropped and changed, and why.

    \b
    Example:
      passerelle report out            # out/report.html: open it in any browser, offline
    """
    written = write_report(run_dir, destination)
    if not quiet:
        click.echo(f"passerelle: wrote {written}", err=True)


@main.group()
def models() -> None:
    """List, install and remove translation model packages (Argos Translate format)."""


@models.command("list")
@_quiet_option
def models_list(quiet: bool) -> None:
    """Installed packages: name, version, languages, checksum, folder (on stdout; nothing else is written)."""
    for package in installed_packages():
        model = package.model_id
        click.echo(f"{model.name}\t{model.version}\t{package.from_code}->{package.to_code}\tsha256:{model.checksum[:16]}\t{package.path}")


@models.command("install")
@click.argument("source", nargs=-1, required=True)
@_quiet_option
def models_install(source: tuple[str, ...], quiet: bool) -> None:
    """Install a package from a .argosmodel file or a package folder, or the official one for a language pair.

    \b
    Examples:
      passerelle models install translate-fr_en-1_9.argosmodel   # offline
      passerelle models install fr en                            # downloads the official package
    """
    if len(source) == 1:
        package = install_package(Path(source[0]))
    elif len(source) == 2:
        package = _install_official_with_progress(*source, show=not quiet and sys.stderr.isatty())
    else:
        raise click.UsageError("give one package file or folder, or two language codes")
    if not quiet:
        click.echo(f"passerelle: installed {package.model_id} ({package.from_code}->{package.to_code}) in {package.path}", err=True)


def _install_official_with_progress(from_code: str, to_code: str, show: bool) -> InstalledPackage:
    """The download, with a progress bar on stderr when ``show`` (a person watching a terminal)."""
    if not show:
        return install_official(from_code, to_code)
    with click.progressbar(length=1, label=f"downloading {from_code}->{to_code}", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            if total:
                bar.length = total
                bar.update(done - bar.pos)
        return install_official(from_code, to_code, progress=progress)


@models.command("remove")
@click.argument("name")
@_quiet_option
def models_remove(name: str, quiet: bool) -> None:
    """Remove an installed package by name (as `passerelle models list` shows it)."""
    package = remove_package(name)
    if not quiet:
        click.echo(f"passerelle: removed {package.model_id}", err=True)
