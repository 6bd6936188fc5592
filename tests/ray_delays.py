"""A Ray worker setup hook for the tests: random delays before each document is cleaned and each batch is
translated, so that the cluster's tasks finish in an order of their own (a test double's wrapper, tests only)."""

from __future__ import annotations

import os
import random
import time
from typing import Any


def install_delays() -> None:
    from passerelle.corpus import clean_job
    from passerelle.translate import ArgosEngine

    chance = random.Random(os.getpid())
    clean_document, translate = clean_job.clean_document, ArgosEngine.translate

    def clean_later(*args: Any, **kwargs: Any) -> Any:
        time.sleep(chance.uniform(0, 0.05))
        return clean_document(*args, **kwargs)

    def translate_later(self: ArgosEngine, segments: Any) -> Any:
        time.sleep(chance.uniform(0, 0.2))
        return translate(self, segments)

    clean_job.clean_document = clean_later
    ArgosEngine.translate = translate_later  # type: ignore[method-assign]
