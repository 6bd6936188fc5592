"""Characters that carry no text: lone surrogates, controls, invisible format marks, odd spaces.

Scraped pages bring them in from broken encoders, copy-paste from word
processors and right-to-left sites. Left in, they split words the lexicons no
longer recognise, hide inside segments a translator cannot see, and (for
surrogates and most controls) make output files unwritable or invalid XML.
The tables say which characters go, which become a plain space, and why.
"""

from __future__ import annotations

import re

# A lone surrogate is half of a UTF-16 pair; no encoding can write it.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"

# Removed: they have no visible form and no meaning in running French prose.
# Each entry is a character class and the name the audit gives it.
_INVISIBLE: tuple[tuple[str, str], ...] = (
    # C0 controls other than tab and line feed (carriage returns are gone by now), and DEL.
    (r"\x00-\x08\x0e-\x1f\x7f", "c0_control"),
    # C1 controls: ftfy has already read those that are cp1252 mojibake (\x92 for ’); the rest are noise.
    (r"\x80-\x84\x86-\x9f", "c1_control"),
    # Soft hyphen: a line-breaking hint from word processors, invisible unless a line breaks there.
    (r"\u00ad", "soft_hyphen"),
    # Arabic letter mark, left-to-right and right-to-left marks.
    (r"\u061c\u200e\u200f", "bidi_mark"),
    # Bidi embeddings, overrides and isolates: they reorder what a reader sees ("Trojan Source").
    (r"\u202a-\u202e\u2066-\u2069", "bidi_control"),
    # Zero-width space and non-joiner, word joiner, invisible operators, inhibitors of the 1990s.
    (r"\u200b\u200c\u2060-\u2064\u206a-\u206f", "zero_width"),
    # Byte-order mark in mid-text (a concatenated file), interlinear annotations, object replacement.
    (r"\ufeff\ufff9-\ufffc", "format_character"),
)

# The zero-width joiner builds emoji sequences (👨‍👩‍👧); elsewhere it only splits a word.
_EMOJI = (r"\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u2300-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935"
          r"\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001faff")
_STRAY_JOINER = re.compile(rf"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")

# Turned into a plain space: white space that is not the typographic kind French
# uses (no-break space U+00A0, narrow no-break U+202F, thin U+2009 stay).
_ODD_SPACES = re.compile(
    "["
    "\t\x0b\x0c"  # tab, vertical tab, form feed
    "\u0085\u2028\u2029"  # next line, line and paragraph separators: a block is one line by now
    "\u1680\u2000-\u2008\u200a\u205f\u3000"  # ogham, en/em and other fixed-width spaces, ideographic space
    "]"
)

_INVISIBLE_PATTERN = re.compile("|".join(f"(?P<{name}>[{chars}])" for chars, name in _INVISIBLE))
# Any character either pattern removes: one class is searched far faster than a group per kind
# and a joiner behind look-arounds, and most lines hold none.
_ANY_INVISIBLE = re.compile(f"[{''.join(chars for chars, _ in _INVISIBLE)}\u200d]")


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates become U+FFFD, so the text can be encoded; how many there were."""
    return LONE_SURROGATE.subn(REPLACEMENT_CHARACTER, text)


def remove_invisible(text: str) -> tuple[str, list[str]]:
    """``text`` without invisible characters, and the names of the kinds removed."""
    if not _ANY_INVISIBLE.search(text):
        return text, []
    kinds: dict[str, None] = {}

    def remove(match: re.Match[str]) -> str:
        kinds[match.lastgroup or ""] = None
        return ""

    text = _INVISIBLE_PATTERN.sub(remove, text)
    text, joiners = _STRAY_JOINER.subn("", text)
    if joiners:
        kinds["zero_width_joiner"] = None
    return text, list(kinds)


def plain_spaces(text: str) -> str:
    """Tabs, separators and fixed-width spaces as plain spaces."""
    return _ODD_SPACES.sub(" ", text)
