"""The corpus pipeline: drives normalise and translate, writes the outputs, hosts the CLI."""

from .clean_job import CleanSummary, InputFailure, clean_inputs, write_clean_outputs
from .errors import CorpusError
from .export import ExportFilter, export
from .manifest import build_manifest, config_hash, write_manifest
from .pipeline import RunConfig, RunSummary, run
from .tmx import read_tmx

__all__ = [
    "CleanSummary",
    "CorpusError",
    "ExportFilter",
    "InputFailure",
    "RunConfig",
    "RunSummary",
    "clean_inputs",
    "config_hash",
    "build_manifest",
    "export",
    "read_tmx",
    "run",
    "write_clean_outputs",
    "write_manifest",
]
