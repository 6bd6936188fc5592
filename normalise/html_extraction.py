"""HTML inputs: recognised by their markup, their main text extracted by trafilatura as Markdown.

trafilatura, a well-kept extractor, removes what a page's markup shows to be
chrome (navigation, footers, comment threads) far better than a scrape's lines
can tell. Its Markdown keeps what Passerelle's own cleaner then works on:
paragraphs, headings, and images with their captions and credits, which the
cleaner removes with the rest of what the extractor leaves (foreign-language
lines, teasers, glued words, typography).

The settings were chosen on the development pages of bench/cleaning.py:
``favor_recall`` keeps body paragraphs the default drops, and images are kept
so that the caption rules see them. The page's title, from the extractor's
metadata, comes first as a heading.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version


HTML_MODES = ("extract", "text")

# Markup a page starts with (after white space, comments and an XML declaration). Scraped text
# that only mentions a tag starts with prose, so it is never taken for HTML.
_HTML_START = re.compile(r"(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
_LOOK_AT = 4096  # characters of the start that are searched

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?", re.DOTALL)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page rather than text: it opens with a doctype, ``<html>``, ``<head>`` or ``<body>``."""
    return _HTML_START.match(text[:_LOOK_AT]) is not None


def extractor_id() -> str:
    """The extractor and its version, for a document's provenance."""
    return f"trafilatura/{version('trafilatura')}"


def extract_main_text(html: str) -> str:
    """The page's title and main text as Markdown; "" when the extractor finds none."""
    # Imported on the first page: it costs a fifth of a second at every start of the command.
    import trafilatura

    extracted = trafilatura.extract(html, output_format="markdown", include_formatting=True, include_tables=True,
                                    include_images=True, include_comments=False, favor_recall=True, with_metadata=True)
    if not extracted:
        return ""
    front = _FRONT_MATTER.match(extracted)
    body = extracted[front.end():] if front else extracted
    title = _title(front.group(1)) if front else ""
    return f"# {title}\n\n{body}" if title else body


def _title(front_matter: str) -> str:
    for line in front_matter.split("\n"):
        if line.startswith("title: "):
            value = line[len("title: "):].strip()
            if value.startswith('"'):
                try:
                    value = str(json.loads(value))
                except ValueError:
                    value = value.strip('"')
            return value
    return ""
