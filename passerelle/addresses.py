"""Web and e-mail addresses: text that no stage may rewrite or translate.

Typography and glued-word repair mask them before their rules run
(:mod:`passerelle.normalise.protected`); translation engines get numbered
placeholders in their place (:mod:`passerelle.translate.placeholders`). Both
stages use these patterns, so they agree on where an address ends. Regular
expression source text, to be compiled case-insensitively by whoever embeds it.
"""

from __future__ import annotations

# A URL, or an address starting www., without the sentence's closing punctuation.
URL = (r"(?:https?|ftp)://[^\s<>«»\"]+[^\s<>«»\".,;:!?)\]’']"
       r"|www\.[^\s<>«»\"]+[^\s<>«»\".,;:!?)\]’']")

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
