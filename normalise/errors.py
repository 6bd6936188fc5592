"""Exceptions raised by normalise; the CLI turns them into messages and exit codes."""

from __future__ import annotations


class NormaliseError(Exception):
    """Base class for every error normalise raises on purpose."""


class ConfigError(NormaliseError):
    """A setting the library cannot work with (an unknown profile, a language it has no data for)."""


class InputError(NormaliseError):
    """One input cannot be read or decoded; the rest of the batch goes on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
