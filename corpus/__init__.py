"""The corpus pipeline: drives normalise and translate, writes the outputs, hosts the CLI."""

from .clean_job import CleanSummary, InputFailure, clean_inputs, clean_manifest, write_clean_outputs, write_manifest
from .errors import CorpusError

__all__ = [
    "CleanSummary",
    "CorpusError",
    "InputFailure",
    "clean_inputs",
    "clean_manifest",
    "write_clean_outputs",
    "write_manifest",
]
