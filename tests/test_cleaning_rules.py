"""Each kind of noise found in scraped news (the seeds show them all), on text that is not from the seeds."""

from __future__ import annotations

import pytest

from passerelle.normalise import Action, CleanConfig, Role, clean_document, clean_text, document_from_text
from passerelle.normalise.block_rules import remove_credit

BODY = "Le gouvernement a présenté mercredi un projet de loi sur l’énergie, qui sera débattu au Parlement en juin."
BODY2 = "Les syndicats ont appelé à une journée de mobilisation dans toute la France la semaine prochaine."


def verdicts(text: str) -> list[tuple[str, str, bool]]:
    cleaned = clean_document(document_from_text(text))
    return [(b.text, b.verdict.reason, b.verdict.keep) for b in cleaned.blocks if b.verdict]


def reason_of(line: str, before: str = BODY, after: str = BODY2) -> str:
    """Classify ``line`` between two body paragraphs; return its reason."""
    found = {text: reason for text, reason, _ in verdicts(f"{before}\n\n{line}\n\n{after}")}
    matches = [reason for text, reason in found.items() if text not in (before, after)]
    assert len(matches) == 1, found
    return matches[0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Partagez cet article", "share_prompt"),
        ("Facebook Twitter LinkedIn", "share_prompt"),
        ("Lire aussi : La réforme des retraites adoptée", "related_link"),
        ("À lire aussi Le Sénat vote le budget", "related_link"),
        ("Read more: Europe's energy crisis", "related_link"),
        ("Source : Agence Presse Sud", "source_line"),
        ("Par Jeanne Martin et Paul Durand", "byline"),
        ("By John Smith", "byline"),
        ("Publié le 12 mars 2024 à 10h30", "dateline"),
        ("Lemonde.fr, 3 janvier 2022", "dateline"),
        ("Paris, le 3 mars 2024 à 10h30", "dateline"),
        ("Mots-clés : énergie, nucléaire, climat", "taxonomy_label"),
        ("Catégorie: Politique", "taxonomy_label"),
        ("© 2024 Le Journal du Soir. Tous droits réservés.", "legal_notice"),
        ("Ce site utilise des cookies pour améliorer votre expérience. En poursuivant, vous acceptez notre politique de confidentialité.", "legal_notice"),
        ("Contact presse : Marie Dupont, marie.dupont@exemple.org, 01 23 45 67 89", "media_contact"),
        ("Crédit photo : Jean Petit", "photo_credit"),
        ("© AFP", "photo_credit"),
        ("Accueil > Politique > International", "breadcrumb"),
        ("Accueil", "navigation_word"),
        ("![](https://exemple.fr/img.jpg)", "image_markup"),
        ("[Politique](/politique) [Économie](/eco) [Sport](/sport)", "link_dense"),
        ("Click here to find out more about our team and the way we work", "foreign_language"),
        ("Inscrivez-vous à notre newsletter pour recevoir l'essentiel de l'actualité", "subscription_prompt"),
        ("Vous avez lu 3 des 5 articles gratuits ce mois-ci.", "subscription_prompt"),
        ("Votre adresse e-mail : *", "form_field"),
        ("Other languages: EN DE NL", "code_list"),
        ("Le Figaro | 12.03.2021 à 09h15 | Par Anne Roux", "metadata_bar"),
        ("Suscríbete a nuestro boletín y recibe las noticias más importantes del día", "subscription_prompt"),
        ("Si conoces alguna historia que deberíamos contar, escríbenos a través de nuestras redes", "foreign_language"),
    ],
)
def test_chrome_is_dropped_with_a_stable_reason(line: str, reason: str) -> None:
    assert reason_of(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Par conséquent, le texte sera examiné par les sénateurs avant l'été.",
        "Partager le pouvoir entre Paris et les régions reste une promesse de campagne jamais tenue.",
        "Le 11 septembre 2001, le monde a changé de visage, rappelle l'historien dans son dernier livre.",
        "La loi sur le droit d'auteur protège aussi les photographes, a rappelé la ministre.",
        "Donald Trump et Joe Biden se sont affrontés sur la politique étrangère lors du débat.",
        "Pour tout renseignement, les électeurs peuvent se rendre dans leur mairie dès lundi.",
        "Le journal a lancé sa newsletter en 2019, a rappelé la directrice de la rédaction.",
        "Il répète que « le pays » ne cédera pas, puis ajoute « jamais » devant les caméras.",
    ],
)
def test_body_prose_that_looks_like_chrome_is_kept(line: str) -> None:
    assert reason_of(line) == "body"


def test_a_date_followed_by_more_than_a_place_is_no_dateline() -> None:
    from passerelle.normalise.block_rules import BlockContext, dateline
    from passerelle.normalise.records import Block

    def is_dateline(text: str) -> bool:
        block = Block((0, len(text)), text, False)
        return dateline(block, BlockContext([block], 0, "fr", ("fr",), 0.6, frozenset(), False)) is not None

    assert is_dateline("Publié le 12 mars 2024 à 10h30") and is_dateline("3 janvier 2022, Bruxelles")
    assert not is_dateline("15 mars 1931 à Colombes : France - Allemagne 1-0")


def test_captions_lose_their_credits_and_foreign_captions_are_dropped() -> None:
    text = "\n".join(
        [
            BODY,
            "![](a.jpg)",
            "Des manifestants devant l'Assemblée nationale à Paris, le 5 mai. Photo : Reuters",
            "EFE/JUAN PÉREZ - Los manifestantes frente a la Asamblea Nacional en París, el 5 de mayo",
            "EFE/JUAN PÉREZ - Les manifestants devant l'Assemblée nationale",
            "Protesters gather outside the National Assembly in Paris on May 5. (AFP photo)",
            "La maire de Lyon lors de son discours, mardi soir.©Getty Images",
            BODY2,
        ]
    )
    found = verdicts(text)
    kept = " ".join(t for t, _, keep in found if keep)
    assert BODY in kept and BODY2 in kept
    assert not any(credit in kept for credit in ("Reuters", "EFE", "PÉREZ", "AFP", "Getty"))
    assert [r for t, r, keep in found if not keep and ("Los " in t or "Protesters" in t)] == ["foreign_caption", "foreign_caption"]
    # A French caption is the page's, not the article's: the article model decides, and names it if it drops it.
    assert {r for t, r, keep in found if not keep and "manifestants" in t and "EFE" not in t} <= {"caption"}


@pytest.mark.parametrize(
    ("caption", "without_credit"),
    [
        ("Des manifestants à Paris, le 5 mai. Photo : Reuters |", "Des manifestants à Paris, le 5 mai."),
        ("EFE/JUAN PÉREZ - Les manifestants devant l'Assemblée", "Les manifestants devant l'Assemblée"),
        ("La maire de Lyon lors de son discours.©Getty Images © AFP", "La maire de Lyon lors de son discours."),
        ("Un élu des États-Unis au Capitole (AFP photo)", "Un élu des États-Unis au Capitole"),
    ],
)
def test_a_kept_caption_loses_its_credits(caption: str, without_credit: str) -> None:
    assert remove_credit(caption) == without_credit


def test_source_and_dateline_prefixes_are_cut_from_the_first_sentence() -> None:
    out = clean_text("(Lecourrier.ch) - Le canton a voté hier une hausse du budget des écoles primaires.\n"
                     "Publié le 4 juin 2023 Les enseignants ont salué une décision attendue depuis longtemps.\n")
    assert out == ("Le canton a voté hier une hausse du budget des écoles primaires.\n\n"
                   "Les enseignants ont salué une décision attendue depuis longtemps.\n")


def test_cut_paragraph_is_joined_and_audited() -> None:
    cleaned = clean_document(document_from_text(f"{BODY}\n\nLe texte prévoit aussi des aides pour les\n\nménages modestes et les artisans.\n"))
    assert cleaned.text == f"{BODY}\n\nLe texte prévoit aussi des aides pour les ménages modestes et les artisans.\n"
    joins = [e for e in cleaned.events if e.action is Action.JOIN]
    assert len(joins) == 1 and joins[0].rule == "join_split_paragraphs"


def test_title_then_headings_then_body() -> None:
    cleaned = clean_document(document_from_text(f"# Le budget adopté\n\nLes points clés\n\n{BODY}\n"))
    assert [(b.verdict.role, b.text) for b in cleaned.kept] == [
        (Role.TITLE, "Le budget adopté"),
        (Role.HEADING, "Les points clés"),
        (Role.BODY, BODY),
    ]


def test_repeated_lines_across_a_batch_are_dropped() -> None:
    from passerelle.normalise import repeated_lines

    config = CleanConfig(repeat_min_docs=3)
    docs = [document_from_text(f"Nos offres du moment\n\n{BODY} Numéro {i}.\n", f"d{i}") for i in range(3)]
    repeated = repeated_lines([d.text for d in docs], config)
    for doc in docs:
        cleaned = clean_document(doc, config, repeated)
        assert [b.verdict.reason for b in cleaned.blocks] == ["repeated_in_batch", "body"]


def test_the_same_document_given_three_times_is_not_site_chrome() -> None:
    from passerelle.normalise import repeated_lines

    config = CleanConfig(repeat_min_docs=3)
    text = f"Nos offres du moment\n\n{BODY}\n"
    repeated = repeated_lines([text, text, text.replace("\n", "\r\n").upper().lower()], config)
    assert repeated == frozenset()
    cleaned = clean_document(document_from_text(text), config, repeated)
    assert [b.verdict.reason for b in cleaned.blocks if b.verdict] == ["title", "body"]


def test_every_drop_and_edit_is_audited_with_the_source_text() -> None:
    source = f"Partagez cet article\n\n**{BODY}**\n"
    cleaned = clean_document(document_from_text(source))
    drop, edit = cleaned.events
    assert (drop.action, drop.rule, drop.before) == (Action.DROP, "share_prompt", "Partagez cet article")
    assert source[drop.span[0]:drop.span[1]] == "Partagez cet article"
    assert (edit.action, edit.rule, edit.after, edit.detail) == (Action.EDIT, "strip_markdown", BODY, "emphasis")


def test_source_language_is_configuration() -> None:
    english = "The council approved the budget on Tuesday after a long debate about schools.\n"
    assert clean_text(english) == ""
    assert clean_text(english, CleanConfig(source_lang="en")) == english
