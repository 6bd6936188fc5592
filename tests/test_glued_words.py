"""Glued-word repair on text that is not from the seeds, brand names included."""

from __future__ import annotations

import pytest

from passerelle.normalise import clean_document, document_from_text
from passerelle.normalise.glued_words import (
    space_after_punctuation,
    space_around_guillemets,
    split_case_boundaries,
    split_glued_function_words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le débatElection présidentielle", "le débat Election présidentielle"),
        ("au Royaume-UniLe gouvernement", "au Royaume-Uni Le gouvernement"),
        ("un message sur YouTube et PowerPoint", "un message sur YouTube et PowerPoint"),
        ("chez McDonald avec un iPhone et LaREM", "chez McDonald avec un iPhone et LaREM"),
    ],
)
def test_case_boundaries(text: str, expected: str) -> None:
    assert split_case_boundaries(text, "fr")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("une mesure importante.votée hier", "une mesure importante. votée hier"),
        ("la réforme,Le ministre", "la réforme, Le ministre"),
        ("le chef -,Le président", "le chef -, Le président"),
        ("lire Mondialisation.ca et www.lemonde.fr/page.html", "lire Mondialisation.ca et www.lemonde.fr/page.html"),
        ("écrire à presse@ville.fr demain", "écrire à presse@ville.fr demain"),
        ("le système S-400 et les U.S. Marines, 3,5 %", "le système S-400 et les U.S. Marines, 3,5 %"),
    ],
)
def test_space_after_punctuation(text: str, expected: str) -> None:
    assert space_after_punctuation(text, "fr")[0] == expected


def test_space_around_guillemets() -> None:
    assert space_around_guillemets("le maire« Nous partons »Puis", "fr")[0] == "le maire « Nous partons » Puis"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il a ditque la ville", "il a dit que la ville"),
        ("les enjeuxdu climat", "les enjeux du climat"),
        ("la réunionavec les élus", "la réunion avec les élus"),
        ("une politique otanesque et indopacifique", "une politique otanesque et indopacifique"),
        ("lorsque, puisque, quoique, endroit, envers, pourtant", "lorsque, puisque, quoique, endroit, envers, pourtant"),
        ("Choïgou et Loukachenko", "Choïgou et Loukachenko"),
    ],
)
def test_glued_function_words(text: str, expected: str) -> None:
    assert split_glued_function_words(text, "fr")[0] == expected


def test_each_split_is_a_split_event() -> None:
    cleaned = clean_document(document_from_text("Il a rappelé hier la position de la villeavec fermeté devant le conseil municipal réuni."))
    splits = [e for e in cleaned.events if e.action.value == "split"]
    assert [e.rule for e in splits] == ["split_glued_function_words"]
    assert "villeavec → ville avec" in splits[0].detail
    assert "ville avec fermeté" in cleaned.text
