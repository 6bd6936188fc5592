"""The corpus pipeline: drives normalise and translate, writes the outputs, hosts the CLI."""

from .clean_job import clean, clean_inputs, write_clean_outputs
from .errors import CorpusError
from .export import ExportFilter, export
from .manifest import build_manifest, config_hash, read_manifest, write_manifest
from .outcomes import CleanSummary, InputFailure, InputOutcome, SkippedInput
from .pairs import Languages, PairWriter, pair_record
from .pipeline import Resources, RunConfig, RunSummary, run
from .ray_executor import RayExecutor, pairs_dataset
from .tmx import read_tmx

__all__ = [
    "CleanSummary",
    "CorpusError",
    "ExportFilter",
    "InputFailure",
    "InputOutcome",
    "Languages",
    "PairWriter",
    "RayExecutor",
    "Resources",
    "RunConfig",
    "RunSummary",
    "SkippedInput",
    "build_manifest",
    "clean",
    "clean_inputs",
    "config_hash",
    "export",
    "pair_record",
    "pairs_dataset",
    "read_manifest",
    "read_tmx",
    "run",
    "write_clean_outputs",
    "write_manifest",
]
