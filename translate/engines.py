"""Which engine translates: its configuration, and opening it ready to work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .apertium import ApertiumEngine
from .engine import ArgosEngine, EngineOptions, EngineResources, Translator
from .errors import ModelError, TranslateError
from .packages import find_package, read_package

ENGINES = ("argos", "apertium")


@dataclass(frozen=True)
class EngineConfig:
    """The engine a run translates with; a run's manifest records it whole.

    name: ``argos``, an Argos Translate package driven through CTranslate2, or
        ``apertium``, the rule-based fallback (French → Spanish → English),
        which takes no options.
    options: decoding settings of the Argos engine.
    """

    name: str = "argos"
    options: EngineOptions = field(default_factory=EngineOptions)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise TranslateError(f"unknown engine {self.name!r}; choose from {', '.join(ENGINES)}")


def open_engine(config: EngineConfig, from_code: str, to_code: str, model: Path | None = None,
                resources: EngineResources = EngineResources()) -> Translator:
    """The engine ``config`` names, loaded and checked, so a missing or damaged model stops a job before any work.

    ``model`` is an unpacked package folder to use instead of the installed
    package for the language pair.
    """
    engine = find_engine(config, from_code, to_code, model, resources)
    engine.check()
    return engine


def find_engine(config: EngineConfig, from_code: str, to_code: str, model: Path | None = None,
                resources: EngineResources = EngineResources()) -> ApertiumEngine | ArgosEngine:
    """The engine ``config`` names, its package found and read but its model not loaded: what a job that
    translates elsewhere (on a cluster's workers) needs to know of it, the engine's identity."""
    if config.name == "apertium":
        return ApertiumEngine()
    package = read_package(model) if model is not None else find_package(from_code, to_code)
    if (package.from_code, package.to_code) != (from_code, to_code):
        raise ModelError(f"the package in {package.path} translates {package.from_code}→{package.to_code}, "
                         f"not {from_code}→{to_code}")
    return ArgosEngine(package, config.options, resources)
