"""Offline translation: Argos Translate model packages driven through CTranslate2.

Takes ``list[str]`` and returns translations with scores; knows nothing of documents.

    >>> from passerelle.translate import ArgosEngine, find_package
    >>> engine = ArgosEngine(find_package("fr", "en"))        # doctest: +SKIP
    >>> engine.translate(["Bonjour tout le monde."])[0].text   # doctest: +SKIP
"""

from .apertium import ApertiumEngine
from .engine import ArgosEngine, EngineOptions, EngineResources, Translation, Translator, resolve_device
from .engines import ENGINES, EngineConfig, find_engine, open_engine
from .errors import ModelError, TranslateError
from .packages import (
    InstalledPackage,
    ModelId,
    find_package,
    install_official,
    install_package,
    installed_packages,
    missing_model_message,
    read_package,
    remove_package,
)
from .quality import CHECKS, quality_flags

__all__ = [
    "CHECKS",
    "ApertiumEngine",
    "ArgosEngine",
    "ENGINES",
    "EngineConfig",
    "EngineOptions",
    "EngineResources",
    "InstalledPackage",
    "ModelError",
    "ModelId",
    "TranslateError",
    "Translation",
    "Translator",
    "find_engine",
    "find_package",
    "install_official",
    "install_package",
    "installed_packages",
    "missing_model_message",
    "open_engine",
    "quality_flags",
    "read_package",
    "remove_package",
    "resolve_device",
]
