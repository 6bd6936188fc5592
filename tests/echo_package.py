"""Test double: a complete Argos Translate package whose model echoes its input.

The model is a real CTranslate2 Transformer, built through
``ctranslate2.specs.TransformerSpec``, whose weights are set by hand so that
greedy decoding reproduces the source token sequence:

* the hidden state has two blocks: a token code (first ``d_model - head_dim``
  dimensions) and a position code (last ``head_dim`` dimensions); codes are
  random unit vectors with zero sum, so every pre-norm LayerNorm only rescales;
* embeddings write the token code, learned position encodings the position code;
* every encoder layer and every decoder self-attention and feed-forward block
  outputs zero, so the residual stream passes through;
* the first decoder layer's cross-attention is keyed on position: decoder step
  ``t`` attends to source position ``t``; its heads carry slices of that source
  token's code into the token block, ``COPY_GAIN`` times stronger than the
  current input token;
* the output projection reads the token block back against every token's code;
* ``add_source_eos`` appends ``</s>``, which is copied last and stops decoding.

Because output = input, tests can check that every segment comes back in its
own place through sorting, batching, caching and placeholder restoration.
The SentencePiece model is trained on the seeds with byte fallback and no
normalisation, so decoding an encoded text gives the text back exactly.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# How much louder the copied source token is than the decoder's own input token.
COPY_GAIN = 12.0
# Attention logit for the matching position (codes have unit norm; others score lower).
POSITION_SHARPNESS = 400.0
SPECIAL_TOKENS = ("<unk>", "<s>", "</s>")


@dataclass(frozen=True)
class EchoSize:
    """Shape of an echo model; ``small`` for tests, ``realistic`` for benchmarks."""

    layers: int
    d_model: int
    heads: int
    vocabulary: int
    positions: int
    sentencepiece_vocabulary: int


SMALL = EchoSize(layers=2, d_model=256, heads=4, vocabulary=1000, positions=512, sentencepiece_vocabulary=1000)
REALISTIC = EchoSize(layers=6, d_model=512, heads=8, vocabulary=32000, positions=512, sentencepiece_vocabulary=4000)


def train_sentencepiece(texts: list[str], prefix: Path, vocab_size: int) -> Path:
    """A lossless SentencePiece model: identity normalisation, spaces kept, bytes for unseen characters."""
    corpus = prefix.with_suffix(".txt")
    corpus.write_text("\n".join(line for text in texts for line in text.splitlines() if line.strip()), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        split_digits=True,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    corpus.unlink()
    return prefix.with_suffix(".model")


def _unit_codes(count: int, dims: int, rng: np.random.Generator) -> np.ndarray:
    codes = rng.standard_normal((count, dims))
    codes -= codes.mean(axis=1, keepdims=True)
    return codes / np.linalg.norm(codes, axis=1, keepdims=True)


def echo_spec(vocabulary: list[str], size: EchoSize, seed: int = 0) -> ctranslate2.specs.TransformerSpec:
    d, h = size.d_model, size.heads
    head_dim = d // h
    d_tok = d - head_dim
    rng = np.random.default_rng(seed)
    token_codes = _unit_codes(len(vocabulary), d_tok, rng)
    position_codes = _unit_codes(size.positions, head_dim, rng)

    embeddings = np.zeros((len(vocabulary), d), np.float32)
    embeddings[:, :d_tok] = token_codes
    positions = np.zeros((size.positions, d), np.float32)
    positions[:, d_tok:] = position_codes
    # A pre-norm LayerNorm turns [token code, position code] (zero mean, norm √2) into itself × √(d/2).
    norm_gain = np.sqrt(d / 2)

    spec = ctranslate2.specs.TransformerSpec.from_config((size.layers, size.layers), h, pre_norm=True)
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = positions
        _layer_norm(stack.layer_norm, d)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = embeddings.copy()
    spec.decoder.projection.bias = np.zeros(len(vocabulary), np.float32)

    for layer in spec.encoder.layer:
        _silent_self_attention(layer.self_attention, d)
        _silent_ffn(layer.ffn, d)
    for index, layer in enumerate(spec.decoder.layer):
        _silent_self_attention(layer.self_attention, d)
        _silent_ffn(layer.ffn, d)
        attention = layer.attention
        _layer_norm(attention.layer_norm, d)
        query = np.zeros((d, d), np.float32)
        keys_values = np.zeros((2 * d, d), np.float32)
        output = np.zeros((d, d), np.float32)
        if index == 0:
            # Queries and keys: every head compares decoder and source position codes.
            # CTranslate2 divides the logits by √head_dim; the norms bring (d/2).
            q_scale = POSITION_SHARPNESS * np.sqrt(head_dim) / (d / 2)
            for head in range(h):
                rows = slice(head * head_dim, (head + 1) * head_dim)
                query[rows, d_tok:] = np.eye(head_dim) * q_scale
                keys_values[rows, d_tok:] = np.eye(head_dim)
            # Values: head k carries slice k of the source token code; the output puts it back.
            keys_values[d:d + d_tok, :d_tok] = np.eye(d_tok) * (COPY_GAIN / norm_gain)
            output[:d_tok, :d_tok] = np.eye(d_tok)
        attention.linear[0].weight = query
        attention.linear[0].bias = np.zeros(d, np.float32)
        attention.linear[1].weight = keys_values
        attention.linear[1].bias = np.zeros(2 * d, np.float32)
        attention.linear[2].weight = output
        attention.linear[2].bias = np.zeros(d, np.float32)

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.config.add_source_eos = True
    return spec


def _layer_norm(norm: object, d: int) -> None:
    norm.gamma = np.ones(d, np.float32)  # type: ignore[attr-defined]
    norm.beta = np.zeros(d, np.float32)  # type: ignore[attr-defined]


def _silent_self_attention(attention: object, d: int) -> None:
    _layer_norm(attention.layer_norm, d)  # type: ignore[attr-defined]
    linear = attention.linear  # type: ignore[attr-defined]
    linear[0].weight = np.zeros((3 * d, d), np.float32)
    linear[0].bias = np.zeros(3 * d, np.float32)
    linear[1].weight = np.zeros((d, d), np.float32)
    linear[1].bias = np.zeros(d, np.float32)


def _silent_ffn(ffn: object, d: int) -> None:
    _layer_norm(ffn.layer_norm, d)  # type: ignore[attr-defined]
    ffn.linear_0.weight = np.zeros((4 * d, d), np.float32)  # type: ignore[attr-defined]
    ffn.linear_0.bias = np.zeros(4 * d, np.float32)  # type: ignore[attr-defined]
    ffn.linear_1.weight = np.zeros((d, 4 * d), np.float32)  # type: ignore[attr-defined]
    ffn.linear_1.bias = np.zeros(d, np.float32)  # type: ignore[attr-defined]


def build_echo_package(
    destination: Path,
    size: EchoSize = SMALL,
    texts: list[str] | None = None,
    from_code: str = "fr",
    to_code: str = "en",
    archive: bool = False,
) -> Path:
    """Write an Argos package folder (or ``.argosmodel`` archive) with an echo model; return its path."""
    texts = texts if texts is not None else [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    name = f"translate-{from_code}_{to_code}-echo"
    folder = destination / name
    (folder / "model").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        model = train_sentencepiece(texts, Path(scratch) / "sp", size.sentencepiece_vocabulary)
        (folder / "sentencepiece.model").write_bytes(model.read_bytes())
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # Pad to the requested vocabulary so the output layer costs what a real model's does.
    vocabulary = pieces + [f"<pad{i}>" for i in range(max(0, size.vocabulary - len(pieces)))]
    spec = echo_spec(vocabulary, size)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(folder / "model"))
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "French",
        "to_code": to_code,
        "to_name": "English",
        "type": "translate",
        "package_name": name,
        "description": "Test double: a Transformer that echoes its input (Passerelle test suite).",
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    if not archive:
        return folder
    path = destination / f"{name}.argosmodel"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, f"{name}/{file.relative_to(folder)}")
    return path
