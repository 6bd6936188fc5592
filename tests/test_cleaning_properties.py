"""Invariants of the cleaning stage over generated text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.normalise import Action, CleanedDocument, clean_document, clean_text, document_from_text

# Lines a scraper produces: prose, chrome, captions, Markdown, and arbitrary Unicode.
SCRAPED_LINES = st.sampled_from(
    [
        "Le gouvernement a présenté mercredi un projet de loi sur l'énergie.",
        "les députés en débattront à partir de lundi prochain",
        "Partagez cet article",
        "## Les enjeux du texte",
        "* [Accueil](/)",
        "![](photo.jpg) |",
        "Des manifestants à Paris, le 5 mai. Photo : Reuters |",
        "EFE/ANA LÓPEZ - Los manifestantes en París",
        "Par Jeanne Martin",
        "Publié le 12 mars 2024",
        "© 2024 Le Journal. Tous droits réservés.",
        "Lire aussi : le budget adopté",
        "Subscribe to our newsletter for the latest updates",
        "*Jean Dupont*",
        "Infos / Monde / Europe",
        "Si",
        "vous souhaitez réagir, écrivez-nous.",
        "",
        "   ",
    ]
)
LINES = st.one_of(SCRAPED_LINES, st.text(max_size=80).map(lambda s: s.replace("\n", " ")))
DOCUMENTS = st.lists(LINES, max_size=25).map("\n".join)


def assert_conserved(text: str, cleaned: CleanedDocument) -> None:
    """Every non-blank input line lies inside a kept block or a drop event."""
    covered = [b.span for b in cleaned.kept] + [e.span for e in cleaned.events if e.action is Action.DROP]
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            end = start + len(stripped)
            assert any(a <= start and end <= b for a, b in covered), (line, covered)
        offset += len(line) + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_conservation(text: str) -> None:
    cleaned = clean_document(document_from_text(text))
    assert_conserved(cleaned.document.text, cleaned)


# Derandomised like the run-path properties: ftfy's verdict on a few garbage strings depends on the typography
# around them, and two such cases found by random runs are tests of their own (test_characters.py); a fixed
# sample keeps CI steady, and one-off runs of thousands of examples look further.
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=100, deadline=None)
@given(DOCUMENTS)
def test_kept_text_has_no_blank_or_padded_paragraphs(text: str) -> None:
    for block in clean_document(document_from_text(text)).kept:
        assert block.text and block.text == block.text.strip() and "\n" not in block.text
