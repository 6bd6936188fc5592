"""The ``passerelle`` command: a thin click layer over the library.

It parses options, calls library functions, and turns library exceptions into
one-line messages and exit codes (0 all good, 1 some inputs failed, 2 usage).
Data goes to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import click

from normalise import PROFILES, CleanConfig, CleanedDocument, DetectConfig, LanguageDetector, NormaliseError

from .clean_job import CleanSummary, InputFailure, clean_inputs, clean_manifest, write_clean_outputs, write_manifest
from .errors import CorpusError

# Usage errors exit with 2 through click itself.
EXIT_OK, EXIT_SOME_FAILED = 0, 1

T = TypeVar("T")


def _progress(items: Iterable[T], label: str, quiet: bool) -> Iterator[T]:
    """A progress bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _error(message: str) -> None:
    click.echo(f"passerelle: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="passerelle")
def main() -> None:
    """Turn scraped French news text into a clean, aligned French-English corpus."""


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
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def clean(inputs: tuple[str, ...], out_dir: Path | None, glob: str, source_lang: str, repeat_min_docs: int,
          typography: str, quiet: bool) -> None:
    """Strip boilerplate, captions and Markdown from INPUTS (files, folders, or - for stdin).

    \b
    Examples:
      passerelle clean seeds -o out            # out/clean/*.fr.txt, segments, audit, manifest
      passerelle clean - < article.txt         # cleaned text on stdout
      passerelle clean seeds -o out --typography plain
    """
    try:
        config = CleanConfig(source_lang=source_lang, repeat_min_docs=repeat_min_docs, typography=typography)
        detect = DetectConfig(candidates=config.language_candidates)
        detector = LanguageDetector(detect)
    except NormaliseError as exc:
        raise click.UsageError(str(exc)) from exc
    summary = CleanSummary()
    results = clean_inputs(inputs, config, glob)
    try:
        if out_dir is not None:
            results = write_clean_outputs(results, out_dir, config, detector)
        for result in _progress(results, "cleaning", quiet):
            outcome = summary.record(result)
            if isinstance(result, InputFailure):
                _error(f"{result.path}: {result.reason}")
            elif outcome.status == "empty" and not quiet:
                click.echo(f"passerelle: warning: {outcome.path}: {outcome.message}", err=True)
            if out_dir is None and isinstance(result, CleanedDocument):
                click.echo(result.text, nl=False)
        if out_dir is not None:
            write_manifest(out_dir, clean_manifest(config, detect, summary))
    except (CorpusError, NormaliseError) as exc:
        _error(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    if not quiet:
        done = len(summary.outcomes) - len(summary.failed)
        where = f"; wrote {out_dir}" if out_dir is not None else ""
        click.echo(f"passerelle: cleaned {done} document(s), {len(summary.failed)} failed{where}", err=True)
    sys.exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)
