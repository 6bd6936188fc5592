"""Spans that text repair must leave alone: URLs, e-mail addresses, domain names, smileys.

Typography and glued-word repair work on a masked copy of the text
(:func:`mask_protected`), where each protected span is one private-use
character that no rule matches, and put the spans back afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..addresses import EMAIL, URL

# Top-level domains that appear in French news text ("Mondialisation.ca", "lemonde.fr").
TOP_LEVEL_DOMAINS: tuple[str, ...] = (
    "com", "org", "net", "info", "int", "edu", "gov", "eu", "fr", "ca", "be", "ch", "lu", "mc", "qc",
    "de", "uk", "it", "es", "pt", "nl", "ru", "cn", "vn", "jp", "us", "io", "tv", "me", "co", "news",
    "africa", "ma", "dz", "tn", "sn", "ci", "cm", "ht", "re",
)

_TLD = "|".join(sorted(TOP_LEVEL_DOMAINS, key=len, reverse=True))
PROTECTED = re.compile(
    rf"{URL}|{EMAIL}"
    rf"|(?<![\w.@])[\w-]+(?:\.[\w-]+)*\.(?:{_TLD})(?![\w-])"  # domain name
    r"|(?<!\S)[:;]-?[()DPp](?!\S)",  # smiley
    re.IGNORECASE,
)
# What every match of PROTECTED holds, found from its first character: most paragraphs hold
# none, and PROTECTED's domain names are tried at every word.
_PROTECTED_HINT = re.compile(rf"://|www\.|@|\.(?:{_TLD})(?![\w-])|[:;]-?[()DPp]", re.IGNORECASE)

# Masks are plane 15-16 private-use characters, above any the text itself holds.
_FIRST_MASK = 0xF0000
_LAST_CHAR = 0x10FFFF
_MASK_RANGE = re.compile(f"[{chr(_FIRST_MASK)}-{chr(_LAST_CHAR)}]")


@dataclass(frozen=True)
class MaskedText:
    """``text`` with each protected span replaced by one private-use character."""

    text: str
    spans: tuple[str, ...] = ()
    base: int = _FIRST_MASK

    def restore(self, masked: str) -> str:
        """Put the protected spans back into ``masked`` (this text or a repaired version of it)."""
        if not self.spans:
            return masked
        masks = f"[{chr(self.base)}-{chr(self.base + len(self.spans) - 1)}]"
        return re.sub(masks, lambda m: self.spans[ord(m.group()) - self.base], masked)


@lru_cache(maxsize=4096)
def mask_protected(text: str) -> MaskedText:
    # Cached: the glued-word rules each mask the same paragraph, round after round.
    if not _PROTECTED_HINT.search(text):
        return MaskedText(text)
    found = tuple(m.group() for m in PROTECTED.finditer(text))
    if not found:
        return MaskedText(text)
    base = max([_FIRST_MASK - 1, *(ord(c) for c in _MASK_RANGE.findall(text))]) + 1
    if base + len(found) > _LAST_CHAR:
        return MaskedText(text)
    masks = iter(range(base, base + len(found)))
    return MaskedText(PROTECTED.sub(lambda _: chr(next(masks)), text), found, base)
