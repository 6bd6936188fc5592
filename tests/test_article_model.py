"""The article model: its tree evaluation, the shipped model, and the passes that make cleaning a fixed point."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from passerelle.normalise import Action, clean_document, clean_text, document_from_text
from passerelle.normalise.article_features import FEATURE_NAMES, page_features
from passerelle.normalise.article_model import FORMAT, ArticleModel, shipped_model
from passerelle.normalise.cleaning import judge_document
from passerelle.normalise.errors import ConfigError

SENTENCE = "Le conseil municipal a voté mardi soir le budget des écoles, après un long débat sur les cantines."


def stump(feature: str, low: float, high: float) -> ArticleModel:
    """One tree of one split: log-odds ``low`` when ``feature`` is at most 0.5, ``high`` above."""
    return ArticleModel.from_dict({
        "format": FORMAT, "version": "test", "features": list(FEATURE_NAMES), "baseline": 0.0, "depth": 1,
        "trees": [{"feature": [FEATURE_NAMES.index(feature), 0, 0], "threshold": [0.5, 0.0, 0.0], "left": [1, 0, 0],
                   "right": [2, 0, 0], "value": [0.0, low, high], "leaf": [False, True, True]}],
    })


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_a_line_goes_left_at_or_below_the_threshold_and_takes_its_leafs_log_odds() -> None:
    model = stump("image@-1", -5.0, 5.0)
    rows = [[0.0] * len(FEATURE_NAMES) for _ in range(2)]
    rows[1][FEATURE_NAMES.index("image@-1")] = 1.0
    assert model.probabilities(rows) == pytest.approx([sigmoid(-5.0), sigmoid(5.0)])
    assert model.probabilities([]) == []


def test_trees_of_different_sizes_add_up() -> None:
    index = FEATURE_NAMES.index("prose")
    model = ArticleModel.from_dict({
        "format": FORMAT, "version": "test", "features": list(FEATURE_NAMES), "baseline": 0.25, "depth": 2,
        "trees": [
            {"feature": [index, 0, 0], "threshold": [0.5, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
             "value": [0, -1.0, 1.0], "leaf": [False, True, True]},
            {"feature": [0], "threshold": [0.0], "left": [0], "right": [0], "value": [0.5], "leaf": [True]},
        ],
    })
    row = [0.0] * len(FEATURE_NAMES)
    row[index] = 1.0
    assert model.probabilities([row]) == pytest.approx([sigmoid(0.25 + 1.0 + 0.5)])


def test_a_model_of_another_format_is_refused() -> None:
    with pytest.raises(ConfigError, match="format"):
        ArticleModel.from_dict({"format": "something-else"})


def test_the_shipped_model_reads_the_features_the_cleaner_computes() -> None:
    model = shipped_model()
    assert model.features == FEATURE_NAMES and model.training["pages"] > 0
    judgement = judge_document(document_from_text(f"# Le budget des écoles\n\n{SENTENCE}\n"))
    rows = page_features(judgement.blocks, judgement.verdicts, judgement.region, "fr")
    assert all(len(row) == len(FEATURE_NAMES) for row in rows)
    assert all(0.0 <= p <= 1.0 for p in model.probabilities(rows))


def test_what_a_later_pass_drops_is_traced_to_the_input() -> None:
    # This model keeps a line only right after an image. The first pass keeps the sentence; once the image is
    # gone, the second pass drops it, and the drop must name the sentence's place in the input.
    source = f"![](photo.jpg)\n\n{SENTENCE}\n"
    cleaned = clean_document(document_from_text(source), model=stump("image@-1", -5.0, 5.0))
    assert cleaned.text == ""
    drop = next(e for e in cleaned.events if e.action is Action.DROP and SENTENCE in e.before)
    assert source[drop.span[0]:drop.span[1]] == SENTENCE and drop.rule == "before_article"
    assert clean_text(cleaned.text) == cleaned.text


def test_cleaning_stops_at_a_fixed_point() -> None:
    page = (f"* [Accueil](/)\n* [Monde](/monde)\n\n# Le budget des écoles\n\nPar Léa Martin\n\n{SENTENCE}\n\n"
            "Les parents d'élèves ont salué une décision attendue depuis longtemps, sans cacher leurs doutes.\n\n"
            "## Articles liés\n\n### [Les cantines plus chères](/cantines)\n")
    once = clean_text(page)
    assert SENTENCE in once and "Accueil" not in once and "cantines plus chères" not in once
    assert clean_text(once) == once


def test_the_manifest_names_the_article_model(tmp_path: Path) -> None:
    import hashlib
    import json
    from importlib.resources import files

    from passerelle import clean

    (tmp_path / "a.txt").write_text(f"# Le budget des écoles\n\n{SENTENCE}\n", encoding="utf-8")
    clean([str(tmp_path / "a.txt")], tmp_path / "out")
    recorded = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["article_model"]
    shipped = files("passerelle.normalise").joinpath("article_model.json").read_bytes()
    assert recorded == {"file": "article_model.json", "version": shipped_model().version,
                        "sha256": hashlib.sha256(shipped).hexdigest()}
