"""Typography profiles: the ordered rewrite rules that give a text one consistent typography.

* ``french`` (the French side of the corpus): typographic apostrophe ’,
  « guillemets » with a no-break space (NBSP) inside, a narrow no-break space
  (NNBSP, U+202F) before ; ! ?, an NBSP before :, … for three full stops,
  – for a hyphen standing alone as a dash, single spaces, no trailing spaces.
* ``plain`` (the form sent to a translation engine): straight quotes and
  apostrophes, plain spaces.

URLs, e-mail addresses, domain names and smileys are masked first
(:mod:`passerelle.normalise.protected`). Times and ratios (``10:30``, ``2:1``), ``?!`` and
grouped numbers (``128 000``) are left as they are by the rules themselves.
Each profile is idempotent: applying it twice gives what applying it once gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ConfigError
from .protected import mask_protected

NBSP, NNBSP = "\u00a0", "\u202f"
_SPACES = "[ \t\u00a0\u202f\u2009]"
_LETTER = r"[^\W\d_]"
# An opening guillemet right after a word, a closing one right before a letter.
# A space after a line-initial "+", "*", ">", "#" or "12." would turn the line into
# Markdown (a list item, a quote, a heading), which cleaning the text again would strip.
_MARKDOWN_MARKERS = ("[+*>]", *(f"#{{{n}}}" for n in range(1, 7)), *(f"\\d{{{n}}}[.)]" for n in range(1, 10)))
# The guillemet comes first and the look-behinds take it in: a pattern that opens with a literal
# is searched for that character, one that opens with look-behinds is tried at every position.
_NOT_AFTER_A_MARKDOWN_MARKER = "".join(f"(?<!^{marker}«)" for marker in _MARKDOWN_MARKERS)
GLUED_OPENING_GUILLEMET = rf"«{_NOT_AFTER_A_MARKDOWN_MARKER}(?<=[^\s(\[«'’\-–—/]«)"
GLUED_CLOSING_GUILLEMET = r"»(?=[^\W\d_])"


@dataclass(frozen=True)
class TypographyRule:
    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


@dataclass(frozen=True)
class TypographyStep:
    """One rule that changed the text."""

    rule: str
    before: str
    after: str


def _rule(name: str, pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> TypographyRule:
    return TypographyRule(name, re.compile(pattern), replacement)


def _guillemets(match: re.Match[str]) -> str:
    inner = match.group("straight") if match.group("straight") is not None else match.group("curly")
    return f"«{NBSP}{inner.strip()}{NBSP}»"


def _nbsp_inside(match: re.Match[str]) -> str:
    return f"«{NBSP}" if match.group().startswith("«") else f"{NBSP}»"


_SHARED_SPACING = (
    # Runs of ordinary spaces and tabs are one space; no-break spaces are kept where they are.
    _rule("single_spaces", r"[ \t]{2,}", " "),
    _rule("no_trailing_spaces", rf"{_SPACES}+$", ""),
)

FRENCH: tuple[TypographyRule, ...] = (
    *_SHARED_SPACING,
    # l'homme, aujourd'hui: a straight or reversed apostrophe between letters.
    _rule("typographic_apostrophe", rf"(?<={_LETTER})['‘`´](?={_LETTER})", "’"),
    # "…" and “…” in pairs become « … »; an odd quote stays as it is.
    _rule("guillemets_for_quotes", r"\"(?P<straight>[^\"“”«»\n]+)\"|“(?P<curly>[^\"“”«»\n]+)”", _guillemets),
    # Exactly three full stops; four or more are somebody's choice.
    _rule("ellipsis", r"(?<!\.)\.\.\.(?!\.)", "…"),
    _rule("nbsp_inside_guillemets", rf"«{_SPACES}*(?=[^\s»])|(?<=[^\s«]){_SPACES}*»", _nbsp_inside),
    # Guillemets stand apart from the words outside them.
    _rule("space_outside_guillemets", rf"{GLUED_OPENING_GUILLEMET}|{GLUED_CLOSING_GUILLEMET}",
          lambda m: " «" if m.group() == "«" else "» "),
    # A colon takes a no-break space when a space follows it (never in 10:30 or 2:1).
    # Neither rule touches a mark that follows another (":;", "?!"), so each leaves the other's work alone.
    _rule("nbsp_before_colon", rf"(?<=[^\s:;!?]){_SPACES}*:(?=\s|$)", f"{NBSP}:"),
    # ; ! ? take a narrow no-break space when they close a clause (not in "?!", "(?)" or "a;b").
    _rule("nnbsp_before_high_punctuation", rf"(?<=[^\s?!(\[«;:]){_SPACES}*(?P<mark>[;!?])(?=[\s»”\")\].,…?!]|$)",
          lambda m: f"{NNBSP}{m.group('mark')}"),
    # Last, once the spacing rules have put spaces where they belong.
    # A hyphen standing alone between words, or closing an aside before a comma, is a dash.
    _rule("dash_for_spaced_hyphen", rf"(?<={_SPACES})-(?={_SPACES}|[,.;)]|$)", "–"),
)

PLAIN: tuple[TypographyRule, ...] = (
    _rule("straight_apostrophe", r"[’‘]", "'"),
    _rule("straight_quotes", rf"«{_SPACES}*|{_SPACES}*»|[“”„]", '"'),
    _rule("plain_spaces", r"[\u00a0\u202f\u2009]", " "),
    *_SHARED_SPACING,
)

PROFILES: dict[str, tuple[TypographyRule, ...]] = {"french": FRENCH, "plain": PLAIN}


def typography_steps(text: str, profile: str) -> list[TypographyStep]:
    """Every rule of ``profile`` that changes ``text``, in order, with the text before and after it."""
    try:
        rules = PROFILES[profile]
    except KeyError:
        raise ConfigError(f"unknown typography profile {profile!r}; choose from {', '.join(PROFILES)}") from None
    masked = mask_protected(text)
    current, steps = masked.text, []
    for rule in rules:
        changed = rule.apply(current)
        if changed != current:
            steps.append(TypographyStep(rule.name, masked.restore(current), masked.restore(changed)))
            current = changed
    return steps


def apply_typography(text: str, profile: str) -> str:
    """``text`` in the typography of ``profile``."""
    steps = typography_steps(text, profile)
    return steps[-1].after if steps else text
