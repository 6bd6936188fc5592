"""Typography profiles: the French rules, their exceptions, the plain form, and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.normalise import ConfigError, apply_typography
from passerelle.normalise.typography import typography_steps

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'homme d'aujourd'hui", "l’homme d’aujourd’hui"),
        ('Il a dit "non" hier.', f"Il a dit «{NBSP}non{NBSP}» hier."),
        ("Il a dit “non” hier.", f"Il a dit «{NBSP}non{NBSP}» hier."),
        ("« oui »", f"«{NBSP}oui{NBSP}»"),
        ("Pourquoi ? Parce que !", f"Pourquoi{NNBSP}? Parce que{NNBSP}!"),
        ("Pourquoi? Parce que!", f"Pourquoi{NNBSP}? Parce que{NNBSP}!"),
        ("Il dit ; elle écoute", f"Il dit{NNBSP}; elle écoute"),
        ("Le bilan : lourd", f"Le bilan{NBSP}: lourd"),
        ("Le bilan: lourd", f"Le bilan{NBSP}: lourd"),
        ("Et puis...", "Et puis…"),
        ("Et puis....", "Et puis...."),
        ("Paris - la ville", "Paris – la ville"),
        ("le forum - la capitale -, puis", "le forum – la capitale –, puis"),
        ("deux  espaces   ici ", "deux espaces ici"),
        ("Poutine« Nous »La suite", f"Poutine «{NBSP}Nous{NBSP}» La suite"),
    ],
)
def test_french_profile(text: str, expected: str) -> None:
    assert apply_typography(text, "french") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Voir https://exemple.fr/page?id=3&x=1 pour plus",
        "Écrire à redaction@exemple.fr dès demain",
        "Rendez-vous à 10:30 ou à 10 h 30",
        "Victoire 2:1 à domicile",
        "Content :) et triste :(",
        "Vraiment ?! Non",
        f"Il y a 128{NNBSP}000 habitants et 128 000 visiteurs",
        "Lire Mondialisation.ca chaque jour",
        "Le S-400 et les U.S. Marines",
    ],
)
def test_french_profile_leaves_exceptions_alone(text: str) -> None:
    result = apply_typography(text, "french")
    for token in ("https://exemple.fr/page?id=3&x=1", "redaction@exemple.fr", "10:30", "10 h 30", "2:1", ":)", ":(",
                  "?!", f"128{NNBSP}000", "128 000", "Mondialisation.ca", "S-400", "U.S."):
        if token in text:
            assert token in result
    assert "128,000" not in result


def test_plain_profile_is_what_the_engine_gets() -> None:
    french = f"L’homme a dit{NBSP}: «{NBSP}non{NNBSP}!{NBSP}» – voilà…"
    assert apply_typography(french, "plain") == "L'homme a dit : \"non !\" – voilà…"


def test_mixed_quotes_and_apostrophes_end_up_consistent() -> None:
    text = apply_typography("L'un dit \"oui\", l’autre dit « non ».", "french")
    assert "'" not in text and '"' not in text
    assert text == f"L’un dit «{NBSP}oui{NBSP}», l’autre dit «{NBSP}non{NBSP}»."


def test_each_change_is_named_by_its_rule() -> None:
    steps = typography_steps("C'est fini: \"bravo\"!", "french")
    assert [s.rule for s in steps] == ["typographic_apostrophe", "guillemets_for_quotes", "nbsp_before_colon",
                                       "nnbsp_before_high_punctuation"]
    assert steps[0].before == "C'est fini: \"bravo\"!" and steps[-1].after == apply_typography(steps[0].before, "french")


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown typography profile"):
        apply_typography("x", "fancy")


TEXT = st.text(alphabet=st.sampled_from("ab l'’\"“”«» .:;!?-–…\u00a0\u202f 10:2h@w/"), max_size=60)


@settings(max_examples=500)
@given(TEXT, st.sampled_from(["french", "plain"]))
def test_profiles_are_idempotent(text: str, profile: str) -> None:
    once = apply_typography(text, profile)
    assert apply_typography(once, profile) == once


@settings(max_examples=300)
@given(TEXT)
def test_typography_keeps_every_letter_and_digit(text: str) -> None:
    for profile in ("french", "plain"):
        result = apply_typography(text, profile)
        assert [c for c in result if c.isalnum()] == [c for c in text if c.isalnum()]
