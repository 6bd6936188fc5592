"""Exceptions raised by corpus; the CLI turns them into messages and exit codes."""

from __future__ import annotations


class CorpusError(Exception):
    """A problem that stops the whole job (e.g. the output folder cannot be written)."""


class UnusableOutput(CorpusError):
    """An output path that cannot take a file: a folder, a socket, a block device. A usage error (exit 2)."""
