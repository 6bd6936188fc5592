"""Spans no translation engine should touch, masked before translation and restored after.

URLs, e-mail addresses and @handles are replaced by numbered placeholders
(``__P1__``) that neural models copy through; after translation each placeholder
is put back. One that does not come back is reported, never dropped silently:
the corpus layer turns it into a quality flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..addresses import EMAIL, URL

NON_TRANSLATABLE = re.compile(
    rf"{URL}|{EMAIL}"
    r"|(?<![\w@])@\w{2,}",  # a handle
    re.IGNORECASE,
)
_PLACEHOLDER = "__P{}__"


@dataclass(frozen=True)
class Masked:
    text: str
    spans: tuple[str, ...]

    def restore(self, translated: str) -> tuple[str, tuple[str, ...]]:
        """Put the spans back; return the text and the spans whose placeholder was lost."""
        lost = []
        for number, span in enumerate(self.spans, start=1):
            placeholder = _PLACEHOLDER.format(number)
            if placeholder in translated:
                translated = translated.replace(placeholder, span, 1)
            else:
                lost.append(span)
        return translated, tuple(lost)


def mask(text: str) -> Masked:
    """Replace non-translatable spans by placeholders, unless the text already holds placeholder-like strings."""
    if "__P" in text:
        return Masked(text, ())
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group())
        return _PLACEHOLDER.format(len(spans))

    return Masked(NON_TRANSLATABLE.sub(hold, text), tuple(spans))
