"""The article as a region of the page: what comes before and after it, reader comments, its headline.

Pages written for these tests in the shape html2text gives scraped news pages
(none is from the seeds or the development set).
"""

from __future__ import annotations

from passerelle.normalise import CleanConfig, clean_document, clean_text, document_from_text

BODY = (
    "La municipalité a présenté mardi soir un plan de rénovation des écoles de la ville, qui doit s'étaler sur six ans.\n\n"
    "Selon l'adjointe chargée de l'éducation, une quinzaine d'établissements seront concernés dès la rentrée prochaine, "
    "en commençant par les plus anciens.\n\n"
    "Les parents d'élèves, qui réclamaient ces travaux depuis longtemps, saluent une annonce attendue mais restent prudents "
    "sur le calendrier.\n"
)


class Drops(dict[str, str]):
    """Drop reasons by the source text of the dropped line; looked up by the line's first words."""

    def __getitem__(self, prefix: str) -> str:
        (reason,) = {rule for before, rule in self.items() if before.lstrip(" *").startswith(prefix)}
        return reason


def cleaned(page: str) -> tuple[str, Drops]:
    """The kept text, and why each dropped line was dropped."""
    result = clean_document(document_from_text(page), CleanConfig(repeat_min_docs=0))
    return result.text, Drops({e.before: e.rule for e in result.events if e.action.value == "drop"})


def test_reader_comments_after_the_article_are_a_comment_section() -> None:
    page = (
        "# Rénovation des écoles : un plan sur six ans\n\n" + BODY + "\n## 3 commentaires\n\n"
        "**Martine B.** Le 17 juillet à 22:09\n\n"
        "Enfin ! Il était temps que la mairie s'occupe de l'école de mon fils, les fenêtres ne ferment plus depuis des années.\n\n"
        "[Répondre](#)\n\n"
        "**Paul** Le 18 juillet à 08:15\n\n"
        "Six ans, c'est beaucoup trop long pour des enfants qui étudient aujourd'hui dans des classes mal chauffées.\n\n"
        "[Répondre](#)\n"
    )
    text, drops = cleaned(page)
    assert "six ans" in text and "Enfin" not in text and "beaucoup trop long" not in text
    assert drops["Enfin ! Il était temps"] == "comment_section"
    assert drops["Six ans, c'est beaucoup trop long"] == "comment_section"


def test_comment_headers_that_answer_the_article_by_name_open_the_comments() -> None:
    header = "[#](/a#forum{n} \"Lien permanent vers le commentaire {n}\") Le {d} juillet à 22:09, par {who} En réponse à : [Rénovation des écoles : un plan sur six ans](/a)\n\n"
    page = (
        "# Rénovation des écoles : un plan sur six ans\n\n" + BODY + "\n## Tous vos commentaires (2)\n\n"
        + header.format(n=1, d=17, who="Horus") +
        "Enfin ! Il était temps que la mairie s'occupe de l'école de mon fils, les fenêtres ne ferment plus depuis des années.\n\n"
        "[Répondre à ce message](spip.php?page=forum)\n\n"
        + header.format(n=2, d=18, who="Paul") +
        "Six ans, c'est beaucoup trop long pour des enfants qui étudient aujourd'hui dans des classes mal chauffées.\n\n"
        "[Répondre à ce message](spip.php?page=forum)\n"
    )
    text, drops = cleaned(page)
    assert "six ans" in text and "Enfin" not in text and "beaucoup trop long" not in text
    assert drops["Enfin ! Il était temps"] == "comment_section"


def test_a_time_of_day_in_the_articles_own_dateline_does_not_open_comments() -> None:
    page = "# Rénovation des écoles\n\nPar Léa Martin, le 12 mars 2024 à 18:30\n\n" + BODY
    text, _ = cleaned(page)
    assert text.count("\n\n") == 3 and "parents d’élèves" in text


def test_teasers_after_the_page_tail_cue_stay_out() -> None:
    page = (
        "# Rénovation des écoles\n\n" + BODY + "\n## Articles liés\n\n"
        "### [Cantines : les prix augmentent à la rentrée](https://exemple.fr/cantines)\n\n"
        "La hausse du prix des denrées se répercute sur les familles, qui paieront en moyenne vingt centimes de plus par repas.\n\n"
        "Le 3 mars 2024\n"
    )
    text, drops = cleaned(page)
    assert "vingt centimes" not in text
    assert drops["La hausse du prix des denrées"] == "after_article"


def test_a_cookie_banner_is_dropped_as_one() -> None:
    banner = ("Nous utilisons des cookies pour améliorer votre expérience ; en poursuivant votre navigation, "
              "vous acceptez leur utilisation à des fins de mesure d'audience.")
    text, drops = cleaned("# Rénovation des écoles\n\n" + BODY + "\n" + banner + "\n\nTout accepter Tout refuser\n")
    assert "cookies" not in text and drops["Nous utilisons des cookies"] in {"cookie_notice", "legal_notice"}


def test_a_news_sentence_about_cookies_is_body() -> None:
    sentence = ("La Cnil a sanctionné trois éditeurs de presse qui déposaient des cookies publicitaires "
                "sans le consentement des lecteurs.")
    text, _ = cleaned("# La Cnil sanctionne trois éditeurs\n\n" + sentence + "\n\n" + BODY)
    assert sentence.split(" qui ")[0] in text


def test_the_headline_survives_as_a_link_and_after_a_kicker() -> None:
    page = (
        "  * [Accueil](/)\n  * [Société](/societe)\n  * [Éducation](/education)\n  * [Sports](/sports)\n\n"
        "# [TÉMOIGNAGE. « J'ai vu mon école tomber en ruine »](https://exemple.fr/temoignage)\n\n"
        "Par [Léa Martin](/auteurs/lea-martin)\n\nLe 12/03/2024\n\n" + BODY
    )
    text, drops = cleaned(page)
    assert text.startswith("TÉMOIGNAGE. «\u00a0J’ai vu mon école tomber en ruine\u00a0»\n\n")
    assert drops["[Société]"] in {"link_dense", "before_article"}


def test_short_lines_inside_the_article_are_its_headings_and_lists() -> None:
    page = (
        "# Rénovation des écoles\n\n" + BODY +
        "\n## 15 mars 1931 à Colombes : France - Allemagne 1-0\n\n"
        "Les établissements concernés en premier :\n\n"
        "  * l'école Jules-Ferry\n  * le groupe scolaire du Centre\n  * l'école maternelle des Tilleuls\n"
        "  * le collège Victor-Hugo\n  * l'école du Port\n\n"
        "Les travaux commenceront pendant les vacances d'été, afin de ne pas perturber les cours des élèves.\n"
    )
    text, _ = cleaned(page)
    assert "15 mars 1931 à Colombes" in text
    assert all(school in text for school in ("Jules-Ferry", "du Centre", "Tilleuls", "Victor-Hugo", "du Port"))


def test_a_menu_of_words_before_a_single_sentence_is_a_menu_run() -> None:
    menu = "".join(f"{word}\n\n" for word in ("Actualités", "Politique", "Économie", "Culture", "Sports", "Météo"))
    text, drops = cleaned(menu + "Une phrase de bienvenue pour les visiteurs du site.\n")
    assert text == "Une phrase de bienvenue pour les visiteurs du site.\n"
    assert drops["Politique"] == "menu_run"


def test_cleaning_a_cleaned_article_changes_nothing() -> None:
    page = (
        "[Se connecter](/login)\n\n# [Rénovation des écoles](https://exemple.fr/a)\n\nLe 12/03/2024 à 18:30\n\n" + BODY +
        "\nLéa Martin\n\n## Commentaires\n\n**Paul** Le 18 juillet à 08:15\n\n"
        "Six ans, c'est beaucoup trop long pour des enfants qui étudient aujourd'hui.\n\n[Répondre](#)\n\n"
        "**Anne** Le 18 juillet à 09:40\n\nJe ne suis pas d'accord, c'est un calendrier raisonnable pour une ville.\n"
    )
    once = clean_text(page)
    assert "Six ans" not in once and clean_text(once) == once


def test_paywall_and_comment_prompts_are_chrome_with_or_without_an_article() -> None:
    text, drops = cleaned("# Rénovation des écoles\n\n" + BODY +
                          "\n## Pour lire la suite et accéder gratuitement à 3 articles par mois, créez votre compte\n")
    assert "lire la suite" not in text and drops["## Pour lire la suite"] in {"subscription_prompt", "after_article"}
    text, drops = cleaned("#### Publier un commentaire\n\nUne page sans article.\n")
    assert drops["#### Publier un commentaire"] == "comment_prompt"
