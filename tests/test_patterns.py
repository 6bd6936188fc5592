"""The cue patterns searched for in a line's lower-case form find what a case-insensitive search finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from passerelle.normalise import cues
from passerelle.normalise import patterns as p

# Cue phrases in every casing a scraped page writes them, among words and the letters whose
# lower-case form differs most (capital accents, the dotted capital I, the German sharp s).
_PIECES = st.sampled_from([
    "Tous droits réservés", "COPYRIGHT", "Politique de Confidentialité", "Nous utilisons des cookies",
    "Abonnez-vous", "DÉJÀ ABONNÉ", "Contact presse :", "Tél. :", "Newsletter", "Le 3 MARS 2024", "12/04/2023",
    "lundi 4 Avril 2022", "Photo : AFP", "© Reuters", "(AFP PHOTO)", "article", "ÉTÉ", "İstanbul", "Straße", " ", ":",
    "(", ")", "|", "’", "'",
])
_TEXTS = st.lists(st.one_of(_PIECES, st.text(alphabet="aeÉÀÇİßKXyz 0123:/()", max_size=6)), max_size=8).map("".join)


def _weight_ignoring_case(table: dict[str, tuple[tuple[str, int], ...]], text: str) -> int:
    weights: dict[str, int] = {}
    for entries in table.values():
        for cue, weight in entries:
            weights[cue] = max(weight, weights.get(cue, 0))
    return sum(w for cue, w in weights.items() if re.search(rf"\b(?:{p._alternation([cue])})\b", text, re.IGNORECASE))


@given(_TEXTS)
def test_weighted_cues_weigh_a_line_as_a_case_insensitive_search_does(text: str) -> None:
    for weighted, table in ((p.LEGAL, cues.LEGAL_CUES), (p.COOKIE, cues.COOKIE_CUES), (p.PROMO, cues.PROMO_CUES)):
        assert weighted.weight(text) == _weight_ignoring_case(table, text)


@given(_TEXTS)
@example("İContact presse :")  # str.lower puts a combining dot, no word character, after the i
def test_dates_credits_and_contacts_are_found_as_a_case_insensitive_search_finds_them(text: str) -> None:
    assert p.holds_date(text) == bool(p.DATE.search(text))
    assert bool(p.ends_with_credit(text)) == bool(p.CREDIT_SUFFIX.search(text))
    contact = re.compile(rf"(?:^|\b)(?:{p._all_languages(cues.CONTACT_CUES)})\s*:|^(?:{p._all_languages(cues.CONTACT_CUES)})\b",
                         re.IGNORECASE)
    assert p.CONTACT_LABEL.search(text) == bool(contact.search(text))


def test_a_pattern_with_capitals_cannot_be_searched_in_lower_case() -> None:
    with pytest.raises(ValueError, match="lower-case pattern"):
        p.LowerCaseSearch(r"\bAFP\b")
    assert p.LowerCaseSearch(r"\bafp\b\s\d").search("Photo AFP 3")
