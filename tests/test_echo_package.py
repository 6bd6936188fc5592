"""The echo test double itself: a real CTranslate2 Transformer that gives its input back."""

from __future__ import annotations

from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

TEXTS = [
    "Le président russe Vladimir Poutine a rencontré dimanche au Kremlin le ministre chinois.",
    "« Il a dit : non ! » Puis…",
    "Ñandú 東京 😀 http://exemple.fr/a?b=1",
    "x",
]


@pytest.mark.parametrize("compute_type", ["float32", "int8"])
def test_greedy_decoding_reproduces_the_source(echo_package_dir: Path, compute_type: str) -> None:
    processor = spm.SentencePieceProcessor(model_file=str(echo_package_dir / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(echo_package_dir / "model"), compute_type=compute_type)
    tokens = [processor.encode(text, out_type=str) for text in TEXTS]
    results = translator.translate_batch(tokens, beam_size=1, max_decoding_length=512)
    assert [processor.decode(r.hypotheses[0]) for r in results] == TEXTS


def test_the_package_has_what_argos_expects(echo_package_dir: Path) -> None:
    names = {p.name for p in echo_package_dir.iterdir()}
    assert {"metadata.json", "model", "sentencepiece.model"} <= names
    assert (echo_package_dir / "model" / "model.bin").is_file()
