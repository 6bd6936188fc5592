"""Parquet for MT engineers: one schema for every run, loaded by Hugging Face ``datasets`` and pandas as they are used."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from .conftest import SEEDS
from .outputs import folder_bytes, lines, passerelle


@pytest.fixture(scope="module")
def echo_run(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seeds translated by the echo package (a test double): every pair is flagged, every pair has a score."""
    folder = tmp_path_factory.mktemp("echo")
    for name in ("000_6b4338b92c8c5cf5.txt", "002_1ea0ca948f0b20f8.txt"):
        shutil.copy(SEEDS / name, folder / name)
    out = folder / "out"
    result = passerelle("run", str(folder / "000_6b4338b92c8c5cf5.txt"), str(folder / "002_1ea0ca948f0b20f8.txt"), "-o",
                        str(out), "--model", str(echo_package_dir), "--beam-size", "1", "--parquet", "-q")
    assert result.returncode == 0, result.stderr
    return out


def records(run: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in lines(run / "corpus.jsonl")]


def test_run_writes_the_pairs_as_parquet_with_the_explicit_schema(echo_run: Path) -> None:
    table = pq.read_table(echo_run / "corpus.parquet")
    assert table.schema.names == ["id", "translation", "doc", "role", "span", "lang", "lang_score", "engine", "score",
                                  "flags", "rules"]
    assert str(table.schema.field("translation").type) == "struct<fr: string, en: string>"
    assert str(table.schema.field("flags").type) == "list<element: string>"
    rows = table.to_pylist()
    expected = [r for r in records(echo_run) if r["en"] is not None]
    assert [row["id"] for row in rows] == [r["id"] for r in expected]
    assert [row["translation"] for row in rows] == [{"fr": r["fr"], "en": r["en"]} for r in expected]
    assert "corpus.parquet" in json.loads((echo_run / "manifest.json").read_text(encoding="utf-8"))["outputs"]


def test_the_parquet_bytes_depend_on_the_pairs_alone(echo_run: Path, echo_package_dir: Path, tmp_path: Path) -> None:
    manifest = json.loads((echo_run / "manifest.json").read_text(encoding="utf-8"))
    inputs = [entry["path"] for entry in manifest["inputs"]]
    again = tmp_path / "again"
    result = passerelle("run", *inputs, "-o", str(again), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--parquet", "--batch-segments", "7", "-q")
    assert result.returncode == 0, result.stderr
    assert folder_bytes(again) == folder_bytes(echo_run)


def test_export_writes_parquet_to_a_file_or_to_stdout(echo_run: Path, tmp_path: Path) -> None:
    exported = passerelle("export", str(echo_run), "--format", "parquet", "-o", str(tmp_path / "x.parquet"))
    streamed = passerelle("export", str(echo_run), "--format", "parquet", "-o", "-")
    assert exported.returncode == streamed.returncode == 0
    from_file = pq.read_table(tmp_path / "x.parquet").to_pylist()
    assert from_file == pq.read_table(io.BytesIO(streamed.stdout)).to_pylist() == pq.read_table(echo_run / "corpus.parquet").to_pylist()


@pytest.mark.skipif(shutil.which("apertium") is None, reason="Apertium packages not installed")
def test_two_runs_load_together_in_datasets_and_feed_a_translation_preprocessing(echo_run: Path, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """One run with flags and scores everywhere, one (Apertium, flagged pairs dropped) with no flag and no score at all:
    the columns keep their types, so ``datasets`` loads both as one split."""
    datasets = pytest.importorskip("datasets")
    apertium = tmp_path / "apertium"
    assert passerelle("run", str(SEEDS / "002_1ea0ca948f0b20f8.txt"), "-o", str(apertium), "--engine", "apertium",
                      "-q").returncode == 0
    unflagged = tmp_path / "unflagged.parquet"
    assert passerelle("export", str(apertium), "--format", "parquet", "-o", str(unflagged), "--drop-flagged").returncode == 0
    second = pq.read_table(unflagged).to_pylist()
    assert second and all(row["flags"] == [] and row["score"] is None for row in second)

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    loaded = datasets.load_dataset("parquet", data_files=[str(echo_run / "corpus.parquet"), str(unflagged)], split="train",
                                   cache_dir=str(tmp_path / "hf-cache"))
    first = pq.read_table(echo_run / "corpus.parquet").num_rows
    assert len(loaded) == first + len(second)
    assert loaded.features["translation"]["fr"].dtype == "string" and loaded.features["flags"].feature.dtype == "string"

    # run_translation.py's preprocessing, without its tokenizer: the columns it reads are there.
    source_lang, target_lang, prefix = "fr", "en", ""

    def preprocess_function(examples: dict[str, list[dict[str, str]]]) -> dict[str, list[str]]:
        inputs = [ex[source_lang] for ex in examples["translation"]]
        targets = [ex[target_lang] for ex in examples["translation"]]
        return {"inputs": [prefix + text for text in inputs], "labels": targets}

    processed = loaded.map(preprocess_function, batched=True, remove_columns=loaded.column_names)
    assert processed.column_names == ["inputs", "labels"] and len(processed) == len(loaded)
    assert processed[first]["inputs"] == second[0]["translation"]["fr"]
    assert processed[first]["labels"] == second[0]["translation"]["en"]


def test_without_pyarrow_parquet_is_a_usage_error_naming_the_extra(echo_run: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "site"
    (blocker / "pyarrow").mkdir(parents=True)
    (blocker / "pyarrow" / "__init__.py").write_text("raise ImportError('pyarrow is not installed')\n", encoding="utf-8")
    result = passerelle("export", str(echo_run), "--format", "parquet", "-o", str(tmp_path / "x.parquet"),
                        env={"PYTHONPATH": str(blocker)})
    assert result.returncode == 2 and b'pip install "passerelle[parquet]"' in result.stderr
    assert not (tmp_path / "x.parquet").exists()
