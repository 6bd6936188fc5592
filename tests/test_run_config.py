"""What a run's configuration covers: the manifest and its hash, the cache key, the languages it is keyed by.

Settings that can change an output (beam size, languages) are configuration:
recorded whole in the manifest and covered by its hash. Settings that only
spread the work (threads, batch budgets) are not: runs that differ only in
them reuse each other's cache and write byte-identical folders.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from passerelle import RunConfig, clean, run
from passerelle.corpus import CorpusError, read_tmx
from passerelle.normalise import CleanConfig, ConfigError
from passerelle.translate import ArgosEngine, EngineConfig, EngineOptions, ModelError, read_package

from .conftest import GOLDEN, SEEDS
from .echo_package import build_echo_package
from .outputs import folder_bytes, lines, passerelle

SEED = SEEDS / "001_737a2c596c3a624b.txt"


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def run_seed(out: Path, model: Path, *options: str) -> str:
    result = passerelle("run", str(SEED), "-o", str(out), "--model", str(model), "--typography", "plain", *options)
    assert result.returncode == 0, result.stderr
    return result.stderr.decode("utf-8")


def test_beam_size_is_configuration(echo_package_dir: Path, tmp_path: Path) -> None:
    run_seed(tmp_path / "beam1", echo_package_dir, "--beam-size", "1")
    run_seed(tmp_path / "beam4", echo_package_dir, "--beam-size", "4")
    one, four = manifest(tmp_path / "beam1"), manifest(tmp_path / "beam4")
    assert one["config"]["engine"]["options"]["beam_size"] == 1 and four["config"]["engine"]["options"]["beam_size"] == 4
    assert one["config_hash"] != four["config_hash"]
    assert one["engine_settings"]["beam_size"] == 1 and one["engine_settings"]["compute_type"] == "int8"
    assert one["model"]["name"] == "translate-fr_en-echo" and len(one["model"]["checksum"]) == 64


def test_threads_and_batch_budgets_reuse_the_cache_and_change_no_output(echo_package_dir: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    run_seed(out, echo_package_dir, "--beam-size", "1", "--cache", str(cache))
    first = folder_bytes(out)
    pairs = len(lines(out / "corpus.jsonl"))
    for options in (["--intra-threads", "1", "--batch-segments", "3"], ["--inter-threads", "2", "--batch-tokens", "64"]):
        again = tmp_path / "-".join(options)
        stderr = run_seed(again, echo_package_dir, "--beam-size", "1", "--cache", str(cache), *options)
        assert f"{pairs} segment(s), {pairs} from cache" in stderr, options
        assert folder_bytes(again) == first, options
    timings = json.loads((tmp_path / "--intra-threads-1---batch-segments-3" / "timings.json").read_text(encoding="utf-8"))
    assert timings["resources"]["engine"]["intra_threads"] == 1 and timings["resources"]["batch_segments"] == 3
    assert "translate" in timings["seconds"]


def test_a_translator_that_contradicts_the_configuration_is_refused(echo_package_dir: Path, tmp_path: Path) -> None:
    engine = ArgosEngine(read_package(echo_package_dir), EngineOptions(beam_size=1))
    with pytest.raises(CorpusError, match="differ from the run's configuration"):
        run([str(SEED)], tmp_path / "out", RunConfig(), translator=engine)
    config = RunConfig(engine=EngineConfig(options=EngineOptions(beam_size=1)))
    assert run([str(SEED)], tmp_path / "out", config, translator=engine).pairs > 10


def test_a_package_for_other_languages_is_refused(echo_package_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="translates fr→en, not es→en"):
        run([str(SEED)], tmp_path / "out", RunConfig(clean=CleanConfig(source_lang="es")), model=echo_package_dir)


def test_a_source_language_the_cleaner_cannot_tell_apart_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'xx' is not among"):
        CleanConfig(source_lang="xx")
    result = passerelle("run", str(SEED), "-o", str(tmp_path / "out"), "--source-lang", "xx", "--no-translate")
    assert result.returncode == 2 and b"'xx' is not among" in result.stderr and b"Traceback" not in result.stderr


SPANISH = (
    "El Gobierno aprobó ayer un nuevo plan para las escuelas públicas del país.\n\n"
    "Según el ministerio, las obras empezarán en verano y durarán casi dos años.\n"
)


@pytest.fixture(scope="module")
def spanish_echo_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_echo_package(tmp_path_factory.mktemp("es"), from_code="es")


def test_a_spanish_source_is_keyed_and_exported_as_spanish(spanish_echo_package: Path, tmp_path: Path) -> None:
    article = tmp_path / "noticia.txt"
    article.write_text(SPANISH, encoding="utf-8")
    out = tmp_path / "out"
    assert passerelle("run", str(article), "-o", str(out), "--source-lang", "es", "--model", str(spanish_echo_package),
                      "--beam-size", "1", "--typography", "plain", "-q").returncode == 0
    records = [json.loads(line) for line in lines(out / "corpus.jsonl")]
    assert len(records) == 2 and all(r["es"] == r["en"] and "fr" not in r for r in records)
    assert lines(out / "parallel" / "corpus.es") == [r["es"] for r in records]
    assert (out / "clean" / "noticia.es.txt").is_file()
    assert {(u.source_lang, u.target_lang) for u in read_tmx(out / "corpus.tmx")} == {("es", "en")}
    assert passerelle("export", str(out), "--format", "moses", "-o", str(tmp_path / "train")).returncode == 0
    assert lines(tmp_path / "train.es") == [r["es"] for r in records] == lines(tmp_path / "train.en")
    assert passerelle("export", str(out), "--format", "tmx", "-o", str(tmp_path / "es.tmx"), "--tmx-langs", "es-ES,en-GB").returncode == 0
    assert {(u.source_lang, u.target_lang) for u in read_tmx(tmp_path / "es.tmx")} == {("es-ES", "en-GB")}


def test_the_library_clean_writes_what_the_command_writes(tmp_path: Path) -> None:
    summary = clean([str(SEEDS)], tmp_path / "library")
    assert not summary.failed and len(summary.outcomes) == 5
    assert passerelle("clean", str(SEEDS), "-o", str(tmp_path / "command")).returncode == 0
    assert folder_bytes(tmp_path / "library") == folder_bytes(tmp_path / "command")
    stream = io.StringIO()
    clean([str(SEED)], stream)
    assert stream.getvalue() == (GOLDEN / f"{SEED.stem}.fr.txt").read_text(encoding="utf-8")


def test_export_of_a_folder_that_is_not_a_run_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-run"
    shutil.copytree(GOLDEN, folder)
    result = passerelle("export", str(folder), "--format", "tsv", "-o", str(tmp_path / "x.tsv"))
    assert result.returncode == 1 and b"the output folder of a passerelle run?" in result.stderr
