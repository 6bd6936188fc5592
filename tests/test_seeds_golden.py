"""The five seed articles against their expected cleaned text, plus what the acceptance asks of them."""

from __future__ import annotations


import pytest

import re

from passerelle.normalise import (
    Action,
    CleanConfig,
    CleanedDocument,
    InputRef,
    LanguageDetector,
    clean_document,
    read_document,
    repeated_lines,
    segment_document,
)

from .conftest import GOLDEN, SEEDS


def clean_seeds() -> dict[str, CleanedDocument]:
    paths = sorted(SEEDS.glob("*.txt"))
    docs = [read_document(InputRef(str(p)), p.stem) for p in paths]
    repeated = repeated_lines([d.text for d in docs], CleanConfig())
    return {d.doc_id: clean_document(d, CleanConfig(), repeated) for d in docs}


CLEANED = clean_seeds()


@pytest.mark.parametrize("doc_id", sorted(CLEANED))
def test_seed_matches_golden(doc_id: str, update_golden: bool) -> None:
    golden = GOLDEN / f"{doc_id}.fr.txt"
    actual = CLEANED[doc_id].text
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def all_text() -> str:
    return "".join(c.text for c in CLEANED.values())


@pytest.mark.parametrize(
    "remnant",
    ["](", "![", "**", "## ", "mailto:", "Partager Cet Article", "SOURCE:", "En savoir plus", "Région :", "Thème:",
     "Copyright", "Avis de non-responsabilité", "Contact média", "Photo :", "©", "REUTERS", "PHOTO/FILE", "(AFP photo)",
     "El presidente", "presidente de la República", "Envíanos", "Si conoces", "US Rep.", "(Baonghean.vn)", " date 2023-08",
     "Par Mikhail", "Articles Par", "Infos   /", "permission de reproduire", "utilisation équitable"],
)
def test_seed_noise_is_gone(remnant: str) -> None:
    assert remnant not in all_text()


@pytest.mark.parametrize(
    "kept",
    [
        "Soldats russes et chinois lors d’un exercice conjoint en 2019.",
        "le 16 avril 2023.\n",
        "Le président russe Vladimir Poutine et le président chinois Xi Jinping\n",
        "Le ministre russe des Affaires étrangères, Sergei Lavrov\n",
        "Signes notables\n",
        "N’excluant pas la possibilité\n",
        "Chine-Russie\u00a0: vers l’officialisation de l’alliance militaire\u202f?\n",
    ],
)
def test_french_captions_titles_and_headings_survive(kept: str) -> None:
    assert kept in all_text()


@pytest.mark.parametrize(
    ("glued", "split"),
    [("quesolidarité", "que solidarité"), ("contexteCourse", "contexte Course"), ("États-UnisLa", "États-Unis La"),
     ("essentielle.basé", "essentielle. basé"), ("intérêtsla", "intérêts la"), ("conjointavec", "conjoint avec"),
     ("-,Le président Poutine«", "–, Le président Poutine «")],
)
def test_glued_words_of_the_seeds_are_split(glued: str, split: str) -> None:
    raw = "".join(SEEDS.joinpath(f"{doc_id}.txt").read_text(encoding="utf-8") for doc_id in CLEANED)
    assert glued in raw
    assert glued not in all_text()
    assert split in all_text()


def test_seed_typography_is_consistent_french() -> None:
    text = all_text()
    assert "'" not in text and '"' not in text and "“" not in text
    assert not re.search(r"[^\u202f][;!?](?:\s|$)", text), "; ! ? follow a narrow no-break space"
    assert not re.search(r"[^\u00a0\d]:\s", text), ": follows a no-break space"
    assert not re.search(r"«[^\u00a0]|[^\u00a0]»", text), "guillemets hold no-break spaces"
    assert "  " not in text and " \n" not in text and "..." not in text and " - " not in text


def test_every_seed_segment_has_a_language_and_only_the_foreign_captions_are_not_french() -> None:
    detector = LanguageDetector()
    for cleaned in CLEANED.values():
        segments = segment_document(cleaned, detector)
        assert segments and all(s.lang == "fr" for s in segments), [s for s in segments if s.lang != "fr"]
        foreign = [e for e in cleaned.events if e.rule in {"foreign_language", "foreign_caption"}]
        assert all(detector.detect(e.before).lang in {"en", "es"} for e in foreign), foreign
    dropped = {e.before.split()[0] for c in CLEANED.values() for e in c.events if e.rule in {"foreign_language", "foreign_caption"}}
    assert dropped == {"US", "KREMLIN/MIKHAIL", "PHOTO/FILE", "SPUPTNIK/ALEXANDER", "AFP/MAXIM", "Envíanos", "Si"}


def test_every_body_paragraph_is_kept() -> None:
    """Every source line of 30+ words that is French prose is in the cleaned text (modulo Markdown and prefixes)."""
    legal_paragraphs = {"000_6b4338b92c8c5cf5": 3}  # the disclaimer, permission and fair-use paragraphs
    for doc_id, cleaned in CLEANED.items():
        long_drops = [e for e in cleaned.events if e.action is Action.DROP and len(e.before.split()) >= 30]
        assert all(e.rule in {"legal_notice", "media_contact", "foreign_language", "foreign_caption"} for e in long_drops), long_drops
        assert len([e for e in long_drops if e.rule == "legal_notice"]) == legal_paragraphs.get(doc_id, 0)


def test_every_drop_names_a_reason() -> None:
    for cleaned in CLEANED.values():
        for event in cleaned.events:
            assert event.rule and event.rule.replace("_", "").isalpha()
            if event.action is Action.DROP:
                assert event.detail.startswith("role=")
