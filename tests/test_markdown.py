from __future__ import annotations

import pytest

from passerelle.normalise.markdown import reduce_markdown


@pytest.mark.parametrize(
    ("line", "text", "constructs"),
    [
        ("## Un titre", "Un titre", ("heading",)),
        ("Voir [le rapport](https://exemple.fr/r) publié hier.", "Voir le rapport publié hier.", ("link",)),
        ("![](photo.jpg) |", "|", ("image",)),
        ("**Gras** et *italique* et _souligné_", "Gras et italique et souligné", ("emphasis",)),
        ("Écrire à [presse@exemple.fr](mailto:presse@exemple.fr)", "Écrire à presse@exemple.fr", ("link",)),
        ("  * [Accueil](/)", "Accueil", ("list_bullet", "link")),
        ("1. Premier point", "1. Premier point", ("list_number",)),
        ("des aides d****'Etat****à l'industrie", "des aides d'Etatà l'industrie", ("stray_emphasis",)),
        ("Le prix : 5 * 3 * 2 euros", "Le prix : 5 * 3 * 2 euros", ()),
        # A permalink anchor says nothing, and its "#" would read as a heading once the link is gone.
        ('[#](/a#forum1 "Lien permanent") Le 17 juillet à 22:09, par Horus', "Le 17 juillet à 22:09, par Horus", ("link",)),
        ("[^](/a#haut) Remonter [»](/suite)", "Remonter", ("link",)),
    ],
)
def test_markdown_is_reduced_to_its_text(line: str, text: str, constructs: tuple[str, ...]) -> None:
    result = reduce_markdown(line)
    assert result.text == text
    assert result.constructs == constructs


def test_link_and_image_accounting() -> None:
    result = reduce_markdown("[Accueil](/) [![logo](l.png)](/)")
    assert result.link_chars == len("Accueil")
    assert result.image_count == 1
    assert reduce_markdown("### Sous-titre").heading_level == 3
