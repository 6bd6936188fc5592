"""Passerelle: noisy scraped French news text into a clean, aligned French–English corpus and a TMX.

The library API most callers need is here; the three stages live in
:mod:`passerelle.normalise` (reading, cleaning, segmentation, language
detection), :mod:`passerelle.translate` (model packages and engines) and
:mod:`passerelle.corpus` (the pipeline, the writers and the command line).

    >>> from passerelle import clean_text
    >>> clean_text("Partager Cet Article\\nLe président a parlé hier soir à Paris.")
    'Le président a parlé hier soir à Paris.\\n'
"""

from .corpus import RunConfig, clean, run
from .normalise import CleanConfig, clean_text
from .translate import ArgosEngine, find_package

__all__ = ["ArgosEngine", "CleanConfig", "RunConfig", "clean", "clean_text", "find_package", "run"]
