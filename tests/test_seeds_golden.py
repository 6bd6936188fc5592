"""The five seed articles against their expected cleaned text, plus what the acceptance asks of them."""

from __future__ import annotations

import re

import pytest

from passerelle.normalise import (
    Action,
    CleanConfig,
    CleanedDocument,
    InputRef,
    LanguageDetector,
    Role,
    clean_document,
    read_document,
    repeated_lines,
    segment_document,
)

from passerelle.normalise.block_rules import remove_credit

from .conftest import GOLDEN, SEEDS

LABELS = GOLDEN.parent / "data" / "seed_labels.tsv"


@pytest.fixture(scope="module")
def cleaned() -> dict[str, CleanedDocument]:
    """The five seeds cleaned as one batch."""
    paths = sorted(SEEDS.glob("*.txt"))
    docs = [read_document(InputRef(str(p)), p.stem) for p in paths]
    repeated = repeated_lines([d.text for d in docs], CleanConfig())
    return {d.doc_id: clean_document(d, CleanConfig(), repeated) for d in docs}


@pytest.fixture(scope="module")
def all_text(cleaned: dict[str, CleanedDocument]) -> str:
    return "".join(c.text for c in cleaned.values())


def labelled_lines(label: str) -> dict[str, set[int]]:
    """Seed lines labelled by hand (tests/data/seed_labels.tsv) with ``label``, by document."""
    found: dict[str, set[int]] = {}
    rows = (LABELS.read_text(encoding="utf-8").splitlines())[1:]
    for doc, line, row_label, _ in (row.split("\t") for row in rows):
        if row_label == label:
            found.setdefault(doc, set()).add(int(line))
    return found


def source_lines(cleaned: CleanedDocument, span: tuple[int, int]) -> set[int]:
    """The 1-based numbers of the non-blank seed lines a span covers."""
    text = cleaned.document.text
    lines = text.split("\n")
    first, last = text.count("\n", 0, span[0]), text.count("\n", 0, span[1])
    return {number + 1 for number in range(first, last + 1) if lines[number].strip()}


@pytest.mark.parametrize("doc_id", sorted(p.stem for p in SEEDS.glob("*.txt")))
def test_seed_matches_golden(cleaned: dict[str, CleanedDocument], doc_id: str, update_golden: bool) -> None:
    golden = GOLDEN / f"{doc_id}.fr.txt"
    actual = cleaned[doc_id].text
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "remnant",
    ["](", "![", "**", "## ", "mailto:", "Partager Cet Article", "SOURCE:", "En savoir plus", "Région :", "Thème:",
     "Copyright", "Avis de non-responsabilité", "Contact média", "Photo :", "©", "REUTERS", "PHOTO/FILE", "(AFP photo)",
     "El presidente", "presidente de la República", "Envíanos", "Si conoces", "US Rep.", "(Baonghean.vn)", " date 2023-08",
     "Par Mikhail", "Articles Par", "Infos   /", "permission de reproduire", "utilisation équitable"],
)
def test_seed_noise_is_gone(all_text: str, remnant: str) -> None:
    assert remnant not in all_text


@pytest.mark.parametrize(
    "kept",
    [
        "Signes notables\n",
        "N’excluant pas la possibilité\n",
        "Chine-Russie\u00a0: vers l’officialisation de l’alliance militaire\u202f?\n",
    ],
)
def test_titles_and_headings_survive(all_text: str, kept: str) -> None:
    assert kept in all_text


def test_captions_are_kept_without_credit_or_dropped_as_captions(cleaned: dict[str, CleanedDocument]) -> None:
    """Whether a French caption is article text is the article model's call; either way its credit never reaches the output."""
    for document in cleaned.values():
        for block in document.blocks:
            if block.verdict is not None and block.verdict.role is Role.CAPTION:
                assert block.verdict.reason in {"caption", "foreign_caption"}
                if block.verdict.keep:
                    assert block.text == remove_credit(block.text) and "REUTERS" not in block.text


@pytest.mark.parametrize(
    ("glued", "split"),
    [("quesolidarité", "que solidarité"), ("contexteCourse", "contexte Course"), ("États-UnisLa", "États-Unis La"),
     ("essentielle.basé", "essentielle. basé"), ("intérêtsla", "intérêts la"), ("conjointavec", "conjoint avec"),
     ("-,Le président Poutine«", "–, Le président Poutine «")],
)
def test_glued_words_of_the_seeds_are_split(all_text: str, glued: str, split: str) -> None:
    raw = "".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    assert glued in raw
    assert glued not in all_text
    assert split in all_text


def test_seed_typography_is_consistent_french(all_text: str) -> None:
    text = all_text
    assert "'" not in text and '"' not in text and "“" not in text
    assert not re.search(r"[^\u202f][;!?](?:\s|$)", text), "; ! ? follow a narrow no-break space"
    assert not re.search(r"[^\u00a0\d]:\s", text), ": follows a no-break space"
    assert not re.search(r"«[^\u00a0]|[^\u00a0]»", text), "guillemets hold no-break spaces"
    assert "  " not in text and " \n" not in text and "..." not in text and " - " not in text


def test_every_seed_segment_is_french(cleaned: dict[str, CleanedDocument]) -> None:
    detector = LanguageDetector()
    for document in cleaned.values():
        segments = segment_document(document, detector)
        assert segments and all(s.lang == "fr" for s in segments), [s for s in segments if s.lang != "fr"]


def test_the_lines_dropped_as_foreign_are_the_ones_labelled_foreign(cleaned: dict[str, CleanedDocument]) -> None:
    """The English caption, the four Spanish captions and the two Spanish footer lines, as labelled by hand."""
    detector = LanguageDetector()
    expected = {lang: labelled_lines(f"foreign:{lang}") for lang in ("en", "es")}
    dropped: dict[str, dict[str, set[int]]] = {"en": {}, "es": {}}
    for doc_id, document in cleaned.items():
        for event in document.events:
            if event.rule in {"foreign_language", "foreign_caption"}:
                lang = detector.detect(event.before).lang
                assert lang in dropped, (event.before, lang)
                dropped[lang].setdefault(doc_id, set()).update(source_lines(document, event.span))
    assert dropped == expected


def test_every_body_paragraph_is_kept(cleaned: dict[str, CleanedDocument]) -> None:
    """Of the source lines of 30+ words, only the hand-labelled legal notices and foreign lines are dropped as such."""
    legal = labelled_lines("legal")
    for doc_id, document in cleaned.items():
        long_drops = [e for e in document.events if e.action is Action.DROP and len(e.before.split()) >= 30]
        assert all(e.rule in {"legal_notice", "media_contact", "foreign_language", "foreign_caption"} for e in long_drops), long_drops
        dropped_as_legal = set().union(*(source_lines(document, e.span) for e in long_drops if e.rule == "legal_notice"))
        assert dropped_as_legal == legal.get(doc_id, set())


def test_every_drop_names_a_reason(cleaned: dict[str, CleanedDocument]) -> None:
    for document in cleaned.values():
        for event in document.events:
            assert event.rule and event.rule.replace("_", "").isalpha()
            if event.action is Action.DROP:
                assert event.detail.startswith("role=")
