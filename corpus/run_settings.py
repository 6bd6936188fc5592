"""A run's settings as data: a TOML file (``run --config``) or an earlier run's manifest (``run --replay``).

Both follow one schema, :class:`RunConfig`'s own frozen dataclasses: a table
per nested configuration (``[clean]``, ``[dedup]``, ``[engine.options]``…),
keys named as the fields, every key optional (a missing one takes its
documented default). A key the schema does not know is refused by name, so a
typo never passes for a default.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..normalise import NormaliseError
from ..translate import TranslateError
from .errors import CorpusError
from .manifest import read_manifest_file
from .pipeline import RunConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the tests run on one Python
    import tomli as tomllib

T = TypeVar("T")

_PLAIN = (bool, int, float, str)


def run_config_from_dict(settings: Mapping[str, Any]) -> RunConfig:
    """The :class:`RunConfig` that ``settings`` (as ``RunConfig.to_dict`` writes them) describe."""
    return _build(RunConfig, settings, "")


def read_config_file(path: Path) -> RunConfig:
    """The settings of a TOML file."""
    try:
        with path.open("rb") as handle:
            settings = tomllib.load(handle)
    except OSError as exc:
        raise CorpusError(f"cannot read the configuration {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path} is not TOML: {exc}") from exc
    return _in_file(path, settings)


def read_replayed_config(manifest_path: Path) -> RunConfig:
    """The settings an earlier ``passerelle run`` recorded in its manifest."""
    manifest = read_manifest_file(manifest_path)
    if manifest.get("tool") != "passerelle" or manifest.get("command") != "run":
        raise CorpusError(f"{manifest_path} is not the manifest of a passerelle run")
    return _in_file(manifest_path, manifest.get("config", {}))


def _in_file(path: Path, settings: Any) -> RunConfig:
    try:
        return _build(RunConfig, settings, "")
    except CorpusError as exc:
        raise CorpusError(f"{path}: {exc}") from exc


def _build(kind: type[T], settings: Any, where: str) -> T:
    if not isinstance(settings, Mapping):
        raise CorpusError(f"{where.rstrip('.') or 'the configuration'} must be a table of settings")
    hints = typing.get_type_hints(kind)
    known = [f.name for f in fields(kind)]  # type: ignore[arg-type]
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise CorpusError(f"unknown setting {where}{unknown[0]} (known here: {', '.join(known)})")
    values = {name: _value(hints[name], value, f"{where}{name}") for name, value in settings.items()}
    try:
        return kind(**values)
    except (CorpusError, NormaliseError, TranslateError, TypeError, ValueError) as exc:
        raise CorpusError(f"{where.rstrip('.') or 'settings'}: {exc}") from exc


def _value(hint: Any, value: Any, where: str) -> Any:
    if is_dataclass(hint):
        return _build(hint, value, f"{where}.")  # type: ignore[arg-type]
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, (list, tuple)):
            raise CorpusError(f"{where} must be a list")
        return tuple(value)
    if hint in _PLAIN and not _is(value, hint):
        raise CorpusError(f"{where} must be {hint.__name__}, not {value!r}")
    return value


def _is(value: Any, hint: type) -> bool:
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
