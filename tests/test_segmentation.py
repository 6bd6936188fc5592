"""Sentence segmentation: the French cases the issue names, on text that is not in the eval data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passerelle.normalise import sentence_spans, split_sentences
from passerelle.normalise.segments import _AlnumOffsets

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Durand est arrivé. Mme Petit aussi.", ["M. Durand est arrivé.", "Mme Petit aussi."]),
        ("Le Dr Martin et MM. Leroy et Garnier sont là. Ils parlent.", ["Le Dr Martin et MM. Leroy et Garnier sont là.", "Ils parlent."]),
        ("Voir p. 12 et l'art. 3 du code. Le juge a tranché.", ["Voir p. 12 et l'art. 3 du code.", "Le juge a tranché."]),
        ("Le vol. Il a eu lieu hier.", ["Le vol.", "Il a eu lieu hier."]),
        ("Des pommes, des poires, etc. Puis vint l'hiver.", ["Des pommes, des poires, etc.", "Puis vint l'hiver."]),
        ("Voir cf. Dupont sur ce point.", ["Voir cf. Dupont sur ce point."]),
        ("Signé par J.-P. Bruneau et G. W. Bush hier.", ["Signé par J.-P. Bruneau et G. W. Bush hier."]),
        ("Les U.S. Marines sont partis. Ils reviendront.", ["Les U.S. Marines sont partis.", "Ils reviendront."]),
        ("Le prix est de 30 F. Le client paie.", ["Le prix est de 30 F.", "Le client paie."]),
        ("Il a gagné 3,5 % et 128 000 euros. C'est peu.", ["Il a gagné 3,5 % et 128 000 euros.", "C'est peu."]),
        ("Le score était de 2.5 points en 2002. 30 personnes sont venues.", ["Le score était de 2.5 points en 2002.", "30 personnes sont venues."]),
        ("Il hésita... Puis il partit.", ["Il hésita...", "Puis il partit."]),
        ("Il hésita… et repartit.", ["Il hésita… et repartit."]),
        ("J'ai vu des choses. (...) Une étape est franchie.", ["J'ai vu des choses.", "(...) Une étape est franchie."]),
        ("« Il a dit : non ! » Puis il est parti.", ["« Il a dit : non ! »", "Puis il est parti."]),
        ("« Pourquoi ? » a-t-il demandé.", ["« Pourquoi ? » a-t-il demandé."]),
        (f"La raison{NNBSP}? Pour gagner{NNBSP}! Enfin.", [f"La raison{NNBSP}?", f"Pour gagner{NNBSP}!", "Enfin."]),
        ('Il a dit "Stop." Tout le monde a ri.', ['Il a dit "Stop."', "Tout le monde a ri."]),
        ("Il pleut. à Paris, il fait beau.", ["Il pleut.", "à Paris, il fait beau."]),
        ("Visitez Mondialisation.ca et www.exemple.fr/a.html aujourd'hui.", ["Visitez Mondialisation.ca et www.exemple.fr/a.html aujourd'hui."]),
        ("Vraiment ?! Oui.", ["Vraiment ?!", "Oui."]),
        ("Titre sans point\nLe texte commence ici. Il continue.", ["Titre sans point", "Le texte commence ici.", "Il continue."]),
        ("Louis XIV. Il régna longtemps.", ["Louis XIV.", "Il régna longtemps."]),
        ("Voir vol. XII de la revue.", ["Voir vol. XII de la revue."]),
    ],
)
def test_french_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_english_titles_use_the_english_table() -> None:
    assert split_sentences("Mr. Smith left. He came back.", lang="en") == ["Mr. Smith left.", "He came back."]


@given(st.text(alphabet=st.sampled_from("ab .!?…«»\"()\nMJ-3 \u00a0"), max_size=80))
def test_spans_cover_every_visible_character_once(text: str) -> None:
    spans = sentence_spans(text)
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
    assert all(a < b and text[a:b] == text[a:b].strip() for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


@given(st.text(alphabet=st.sampled_from("abÉéß İΣ²ﬁ_1,.«»\u00a0-'"), max_size=40), st.data())
def test_a_blocks_letters_are_found_run_by_run_at_the_offsets_a_character_walk_finds(source: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    # The definition: every letter and digit of the block, case-folded, each folded letter at its character's offset.
    offsets = [i for i, c in enumerate(source[start:end], start) if c.isalnum() for _ in c.casefold()]
    found = _AlnumOffsets(source, start, end)
    assert found.letters == "".join(c for c in source[start:end] if c.isalnum()).casefold()
    assert [found[k] for k in range(len(found))] == offsets
