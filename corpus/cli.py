"""The ``passerelle`` command: a thin click layer over the library.

It parses options, calls library functions, and turns library exceptions into
one-line messages and exit codes (0 all good, 1 some inputs failed, 2 usage).
Data goes to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

from ..normalise import PROFILES, CleanConfig, CleanedDocument, DetectConfig, LanguageDetector, NormaliseError

from ..translate import (
    ApertiumEngine,
    ArgosEngine,
    EngineOptions,
    InstalledPackage,
    TranslateError,
    Translator,
    find_package,
    install_official,
    install_package,
    installed_packages,
    read_package,
    remove_package,
)

from .cache import TranslationCache
from .clean_job import CleanSummary, InputOutcome, clean_inputs, write_clean_outputs
from .errors import CorpusError
from .export import FORMATS, ExportFilter, export
from .manifest import build_manifest, write_manifest
from .pipeline import RunConfig, RunSummary, run
from .translate_job import translate_segments
from .writers import StagedFiles, one_line

# Usage errors exit with 2 through click itself. An interrupted command exits
# as a shell reports a process stopped by SIGINT (128 + 2); one whose reader
# went away (``| head``) as one stopped by SIGPIPE (128 + 13).
EXIT_OK, EXIT_SOME_FAILED, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 130, 141

T = TypeVar("T")


def _progress(items: Iterable[T], label: str, quiet: bool) -> Iterator[T]:
    """A progress bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _language_pair(value: str) -> tuple[str, str]:
    codes = [code.strip() for code in value.split(",")]
    if len(codes) != 2 or not all(codes):
        raise click.UsageError("--tmx-langs takes two codes, e.g. fr,en")
    return codes[0], codes[1]


def _translator(engine_name: str, model_dir: Path | None, from_code: str, to_code: str,
                options: EngineOptions) -> tuple[Translator, dict[str, object]]:
    """The engine the options name, ready to use, and the settings its cache entries are keyed by."""
    if engine_name == "apertium":
        apertium = ApertiumEngine()
        apertium.check()
        return apertium, {}
    package = read_package(model_dir) if model_dir else find_package(from_code, to_code)
    argos = ArgosEngine(package, options)
    argos.check()
    return argos, options.to_dict()


def _error(message: str) -> None:
    click.echo(f"passerelle: error: {message}", err=True)


def _warning(message: str) -> None:
    click.echo(f"passerelle: warning: {message}", err=True)


def _report(outcome: InputOutcome, quiet: bool) -> None:
    """Name a failed input as an error, and an empty or oddly encoded one as a warning, as soon as it is known."""
    if outcome.status == "failed":
        _error(f"{outcome.path}: {outcome.message}")
    elif outcome.message and not quiet:
        _warning(f"{outcome.path}: {outcome.message}")


def _interrupt_on_sigterm() -> None:
    """A batch scheduler's SIGTERM stops a command as cleanly as Ctrl-C: temporary files removed, cache kept."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


@contextmanager
def _stopping_cleanly(resume_hint: str) -> Iterator[None]:
    """Ctrl-C, SIGTERM and a closed stdout end the command with a message and an exit code, not a traceback."""
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"\npasserelle: interrupted; {resume_hint}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # Whoever read stdout has gone; say nothing more there, not even at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="passerelle")
def main() -> None:
    """Turn scraped French news text into a clean, aligned French-English corpus."""
    _interrupt_on_sigterm()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: clean/<doc>.fr.txt, segments.jsonl, audit.jsonl, manifest.json. "
                   "Without it, cleaned text goes to stdout.")
@click.option("--glob", "glob", default="*.txt", show_default=True, help="Files to take from input directories.")
@click.option("--source-lang", default=CleanConfig.source_lang, show_default=True, help="Language of the text to keep.")
@click.option("--repeat-min-docs", type=click.IntRange(min=0), default=CleanConfig.repeat_min_docs, show_default=True,
              help="Drop lines found in at least this many documents of the batch (0: off).")
@click.option("--typography", type=click.Choice(sorted(PROFILES)), default=CleanConfig.typography, show_default=True,
              help="french: ’ « » and no-break spaces before : ; ! ?; plain: ASCII quotes and plain spaces.")
@click.option("--max-input-mb", type=click.FloatRange(min=0, min_open=True), default=CleanConfig.max_input_bytes / 1e6,
              show_default=True, help="Larger inputs are reported as failed and not read.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def clean(inputs: tuple[str, ...], out_dir: Path | None, glob: str, source_lang: str, repeat_min_docs: int,
          typography: str, max_input_mb: float, quiet: bool) -> None:
    """Strip boilerplate, captions and Markdown from INPUTS (files, folders, or - for stdin).

    \b
    Examples:
      passerelle clean seeds -o out            # out/clean/*.fr.txt, segments, audit, manifest
      passerelle clean - < article.txt         # cleaned text on stdout
      passerelle clean seeds -o out --typography plain
    """
    try:
        config = CleanConfig(source_lang=source_lang, repeat_min_docs=repeat_min_docs, typography=typography,
                             max_input_bytes=round(max_input_mb * 1e6))
        detect = DetectConfig(candidates=config.language_candidates)
        detector = LanguageDetector(detect)
    except NormaliseError as exc:
        raise click.UsageError(str(exc)) from exc
    summary = CleanSummary()
    results = clean_inputs(inputs, config, glob)
    with _stopping_cleanly("no output was written under a final name" if out_dir else "the output is partial"):
        try:
            with StagedFiles() as staged:
                if out_dir is not None:
                    results = write_clean_outputs(results, out_dir, staged, config, detector)
                for result in _progress(results, "cleaning", quiet):
                    _report(summary.record(result), quiet)
                    if out_dir is None and isinstance(result, CleanedDocument):
                        click.echo(result.text, nl=False)
                if out_dir is not None:
                    settings = {"clean": config.to_dict(), "detect": detect.to_dict()}
                    write_manifest(out_dir, build_manifest("clean", settings, summary.outcomes), staged)
        except (CorpusError, NormaliseError) as exc:
            _error(str(exc))
            sys.exit(EXIT_SOME_FAILED)
    if not quiet:
        done = len(summary.outcomes) - len(summary.failed)
        where = f"; wrote {out_dir}" if out_dir is not None else ""
        click.echo(f"passerelle: cleaned {done} document(s), {len(summary.failed)} failed{where}", err=True)
    sys.exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


@main.group()
def models() -> None:
    """List, install and remove translation model packages (Argos Translate format)."""


@models.command("list")
def models_list() -> None:
    """Installed packages: name, version, languages, checksum, folder."""
    for package in installed_packages():
        model = package.model_id
        click.echo(f"{model.name}\t{model.version}\t{package.from_code}->{package.to_code}\tsha256:{model.checksum[:16]}\t{package.path}")


@models.command("install")
@click.argument("source", nargs=-1, required=True)
def models_install(source: tuple[str, ...]) -> None:
    """Install a package from a .argosmodel file or a package folder, or the official one for a language pair.

    \b
    Examples:
      passerelle models install translate-fr_en-1_9.argosmodel   # offline
      passerelle models install fr en                            # downloads the official package
    """
    try:
        if len(source) == 1:
            package = install_package(Path(source[0]))
        elif len(source) == 2:
            package = _install_official_with_progress(*source)
        else:
            raise click.UsageError("give one package file or folder, or two language codes")
    except TranslateError as exc:
        _error(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    click.echo(f"passerelle: installed {package.model_id} ({package.from_code}->{package.to_code}) in {package.path}", err=True)


def _install_official_with_progress(from_code: str, to_code: str) -> InstalledPackage:
    """The download with a progress bar on stderr, only for a person watching a terminal."""
    if not sys.stderr.isatty():
        return install_official(from_code, to_code)
    with click.progressbar(length=1, label=f"downloading {from_code}->{to_code}", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            if total:
                bar.length = total
                bar.update(done - bar.pos)
        return install_official(from_code, to_code, progress=progress)


@models.command("remove")
@click.argument("name")
def models_remove(name: str) -> None:
    """Remove an installed package by name (as `passerelle models list` shows it)."""
    try:
        package = remove_package(name)
    except TranslateError as exc:
        _error(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    click.echo(f"passerelle: removed {package.model_id}", err=True)


@main.command("translate")
@click.argument("source", type=click.Choice(["-"]))
@click.option("--from", "from_code", default="fr", show_default=True, help="Source language.")
@click.option("--to", "to_code", default="en", show_default=True, help="Target language.")
@click.option("--engine", "engine_name", type=click.Choice(["argos", "apertium"]), default="argos", show_default=True,
              help="argos: the neural model package; apertium: rule-based fallback (fr→es→en), far lower quality.")
@click.option("--model", "model_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="An unpacked package folder to use instead of the installed one.")
@click.option("--beam-size", type=click.IntRange(min=1), default=EngineOptions.beam_size, show_default=True)
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=EngineOptions.device, show_default=True)
@click.option("--compute-type", default=EngineOptions.compute_type, show_default=True,
              help="CTranslate2 compute type; auto is int8 on CPU.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite translation cache; a second run over the same lines translates nothing again.")
def translate_command(source: str, from_code: str, to_code: str, engine_name: str, model_dir: Path | None,
                      beam_size: int, device: str, compute_type: str, cache_path: Path | None) -> None:
    """Translate one segment per line from stdin; one line out per line in, always.

    \b
    Example:
      printf 'Bonjour.\\nMerci.\\n' | passerelle translate -
    """
    options = EngineOptions(beam_size=beam_size, device=device, compute_type=compute_type)
    lines = sys.stdin.buffer.read().decode("utf-8", errors="replace").splitlines()
    with _stopping_cleanly("translations done so far are in the cache, if one was given"):
        try:
            engine, settings = _translator(engine_name, model_dir, from_code, to_code, options)
            cache = TranslationCache(cache_path) if cache_path else None
            if cache is not None and cache.rebuilt:
                _warning(f"translation cache {cache_path}: {cache.rebuilt}")
            for translation in translate_segments(lines, engine, settings, cache):
                click.echo(one_line(translation.text))
        except (TranslateError, CorpusError) as exc:
            _error(str(exc))
            sys.exit(EXIT_SOME_FAILED)


@main.command("run")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (SPEC §4): clean/, parallel/, corpus.jsonl, corpus.tmx, audit, manifest, timings.")
@click.option("--glob", "glob", default="*.txt", show_default=True, help="Files to take from input directories.")
@click.option("--engine", "engine_name", type=click.Choice(["argos", "apertium"]), default="argos", show_default=True)
@click.option("--model", "model_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="An unpacked package folder to use instead of the installed one.")
@click.option("--no-translate", is_flag=True, help="Everything except the English side.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Translation cache (default: OUT/.cache/translations.sqlite).")
@click.option("--beam-size", type=click.IntRange(min=1), default=EngineOptions.beam_size, show_default=True)
@click.option("--typography", type=click.Choice(sorted(PROFILES)), default=CleanConfig.typography, show_default=True)
@click.option("--tmx-langs", default="fr,en", show_default=True, help="Language codes written in the TMX, e.g. fr-FR,en-GB.")
@click.option("--batch-segments", type=click.IntRange(min=1), default=RunConfig.batch_segments, show_default=True,
              help="Segments translated, cached and written together.")
@click.option("--repeat-min-docs", type=click.IntRange(min=0), default=CleanConfig.repeat_min_docs, show_default=True,
              help="Drop lines found in at least this many documents of the batch (0: off).")
@click.option("--max-input-mb", type=click.FloatRange(min=0, min_open=True), default=CleanConfig.max_input_bytes / 1e6,
              show_default=True, help="Larger inputs are reported as failed and not read.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def run_command(inputs: tuple[str, ...], out_dir: Path, glob: str, engine_name: str, model_dir: Path | None,
                no_translate: bool, cache_path: Path | None, beam_size: int, typography: str, tmx_langs: str,
                batch_segments: int, repeat_min_docs: int, max_input_mb: float, quiet: bool) -> None:
    """Clean, segment, detect and translate INPUTS into an aligned corpus and a TMX.

    \b
    Examples:
      passerelle run seeds -o out
      passerelle run seeds -o out --no-translate
      passerelle run corpus/ --glob '*.md' -o out --engine apertium
    """
    codes = _language_pair(tmx_langs)
    options = EngineOptions(beam_size=beam_size)
    show = not quiet and sys.stderr.isatty()
    config = RunConfig(clean=CleanConfig(typography=typography, repeat_min_docs=repeat_min_docs,
                                         max_input_bytes=round(max_input_mb * 1e6)),
                       tmx_source_code=codes[0], tmx_target_code=codes[1],
                       translate=not no_translate, batch_segments=batch_segments)
    with _stopping_cleanly("no output was written under a final name; translations done so far are cached, "
                           "so the same command resumes where this one stopped"):
        summary = _run_with_reports(inputs, out_dir, config, engine_name, model_dir, options, cache_path, glob, quiet, show)
    failed = summary.inputs.failed
    if summary.cache_rebuilt and not quiet:
        _warning(f"translation cache: {summary.cache_rebuilt}")
    if show:
        click.echo("", err=True)
    if not quiet:
        click.echo(f"passerelle: {len(summary.inputs.outcomes) - len(failed)} document(s), {summary.pairs} segment(s), "
                   f"{summary.translation.from_cache} from cache, {len(failed)} failed; wrote {out_dir}", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _run_with_reports(inputs: tuple[str, ...], out_dir: Path, config: RunConfig, engine_name: str, model_dir: Path | None,
                      options: EngineOptions, cache_path: Path | None, glob: str, quiet: bool, show: bool) -> RunSummary:
    """The pipeline with a live progress line and each input's trouble named as it happens."""
    try:
        translator: Translator | None = None
        settings: dict[str, object] = {}
        if config.translate:
            translator, settings = _translator(engine_name, model_dir, config.clean.source_lang, config.target_lang, options)

        counts = {"documents": 0, "segments": 0}

        def progress(stage: str, done: int) -> None:
            counts[stage] = done
            if show:
                click.echo(f"\rpasserelle: {counts['documents']} document(s) cleaned and segmented, "
                           f"{counts['segments']} segment(s) translated and written", err=True, nl=False)

        def on_input(outcome: InputOutcome) -> None:
            if show and outcome.message:
                click.echo("", err=True)  # off the live progress line
            _report(outcome, quiet)

        return run(inputs, out_dir, config, translator, settings, cache_path, glob, progress, on_input)
    except (TranslateError, CorpusError, NormaliseError) as exc:
        _error(str(exc))
        sys.exit(EXIT_SOME_FAILED)


@main.command("export")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("-o", "--output", "destination", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (for moses, a prefix: PREFIX.fr and PREFIX.en).")
@click.option("--min-score", type=float, help="Keep pairs whose engine score is at least this.")
@click.option("--drop-flagged", is_flag=True, help="Leave out pairs with any quality flag.")
@click.option("--role", "roles", multiple=True, help="Keep only these roles (body, title, heading, caption); repeatable.")
@click.option("--tmx-langs", default="fr,en", show_default=True, help="Language codes written in the TMX.")
def export_command(run_dir: Path, fmt: str, destination: Path, min_score: float | None, drop_flagged: bool,
                   roles: tuple[str, ...], tmx_langs: str) -> None:
    """Re-export the pairs of a finished run (its corpus.jsonl) with filters.

    \b
    Examples:
      passerelle export out --format tmx -o body.tmx --role body --drop-flagged
      passerelle export out --format moses -o train --min-score -0.5
    """
    codes = _language_pair(tmx_langs)
    try:
        count = export(run_dir, fmt, destination, ExportFilter(min_score, drop_flagged, roles), codes)
    except CorpusError as exc:
        _error(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    click.echo(f"passerelle: exported {count} pair(s) to {destination}", err=True)
