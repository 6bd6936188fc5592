"""The character rules: lone surrogates, invisible characters, odd spaces (normalise/characters.py)."""

from __future__ import annotations

import pytest

from passerelle.normalise import clean_document, clean_text, document_from_text
from passerelle.normalise.characters import plain_spaces, remove_invisible, replace_lone_surrogates


def test_lone_surrogates_become_the_replacement_character() -> None:
    assert replace_lone_surrogates("a\ud800b\udfffc") == ("a\ufffdb\ufffdc", 2)
    assert replace_lone_surrogates("\U0001f600") == ("\U0001f600", 0), "a real pair is one character, not two halves"


@pytest.mark.parametrize(("text", "expected", "kinds"), [
    ("pr\x00é\x07si\x1bdent\x7f", "président", ["c0_control"]),
    ("r\x81é\x9dforme", "réforme", ["c1_control"]),
    ("dé\u00adpu\u00adté", "député", ["soft_hyphen"]),
    ("\u202eabc\u202c \u2066x\u2069", "abc x", ["bidi_control"]),
    ("a\u200eb\u200fc\u061c", "abc", ["bidi_mark"]),
    ("mi\u200bnis\u2060tre\u200c", "ministre", ["zero_width"]),
    ("dé\u200dbat", "débat", ["zero_width_joiner"]),
    ("a\ufeffb\ufffc", "ab", ["format_character"]),
])
def test_invisible_characters_are_removed_and_named(text: str, expected: str, kinds: list[str]) -> None:
    assert remove_invisible(text) == (expected, kinds)


def test_joiners_inside_emoji_sequences_stay() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 et \u2764\ufe0f\u200d\U0001f525"
    assert remove_invisible(family) == (family, [])


def test_odd_spaces_become_plain_and_no_break_spaces_stay() -> None:
    assert plain_spaces("a\tb\x0bc\x0cd\u2028e\u2003f\u3000g") == "a b c d e f g"
    assert plain_spaces("«\u00a0oui\u00a0» ;\u202fnon\u2009!") == "«\u00a0oui\u00a0» ;\u202fnon\u2009!"


def test_cleaning_a_string_with_surrogates_and_controls_gives_writable_text() -> None:
    cleaned = clean_document(document_from_text("Le président \ud83d a\x00 dit\u200b que la\treforme est prête.\n"))
    assert cleaned.text == "Le président \ufffd a dit que la reforme est prête.\n"
    assert cleaned.text.encode("utf-8")
    rules = [e.rule for e in cleaned.events]
    assert rules[:4] == ["replace_lone_surrogates", "repair_unicode", "remove_invisible_characters", "plain_spaces"]


def test_cleaning_removes_characters_once_and_for_all() -> None:
    once = clean_text("Le mi\u200bnistre\u00ad a\x07 parlé\u202e hier soir à Paris.\n")
    assert once == "Le ministre a parlé hier soir à Paris.\n" and clean_text(once) == once


def test_a_caption_whose_credit_is_cut_is_repaired_again() -> None:
    # Found by the idempotence property: without the credit, "ƒÜ" reads as MacRoman mojibake for "Ć".
    once = clean_text("\x83Ü©0")
    assert clean_text(once) == once


def test_typography_that_completes_mojibake_is_repaired_again() -> None:
    # Found by the idempotence property: the typographic apostrophe makes "áˆ'" into "áˆ’", UTF-8 for "ሒ" read as cp1252.
    once = clean_text("á\x88'A")
    assert clean_text(once) == once
