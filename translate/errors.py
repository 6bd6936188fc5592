"""Exceptions of the translation layer; the CLI turns them into messages and exit codes."""


class TranslateError(Exception):
    """Base class for translation failures."""


class ModelError(TranslateError):
    """A model package is missing, incomplete, damaged or refused."""
