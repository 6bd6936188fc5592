"""run --config FILE.toml and run --replay OUT/manifest.json: one schema with the manifest's config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passerelle.corpus import CorpusError, RunConfig
from passerelle.corpus.dedup import DedupConfig
from passerelle.corpus.run_settings import run_config_from_dict
from passerelle.normalise import CleanConfig
from passerelle.translate import EngineConfig, EngineOptions

from .conftest import SEEDS
from .outputs import folder_bytes, passerelle

SETTINGS = """\
tmx_typography = "plain"

[clean]
typography = "plain"
repeat_min_docs = 2

[dedup]
mode = "exact"

[engine.options]
beam_size = 1
"""
TWO_SEEDS = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:2]]
SAME_OPTIONS = ("--typography", "plain", "--repeat-min-docs", "2", "--dedup", "exact", "--beam-size", "1",
                "--tmx-typography", "plain")


def test_the_manifest_config_reads_back_as_the_run_config() -> None:
    config = RunConfig(clean=CleanConfig(typography="plain", language_candidates=("fr", "en")),
                       dedup=DedupConfig(mode="exact"), engine=EngineConfig(options=EngineOptions(beam_size=2)),
                       tmx_source_code="fr-FR", parquet=True)
    assert run_config_from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert run_config_from_dict({}) == RunConfig()


@pytest.mark.parametrize(("settings", "message"), [
    ({"clean": {"typo": "plain"}}, "unknown setting clean.typo"),
    ({"engine": {"options": {"beam": 4}}}, "unknown setting engine.options.beam"),
    ({"engine": {"options": {"beam_size": "4"}}}, "engine.options.beam_size must be int"),
    ({"clean": {"typography": "fancy"}}, "unknown typography profile 'fancy'"),
    ({"dedup": "near"}, "dedup must be a table of settings"),
])
def test_unknown_or_mistyped_settings_are_refused_by_name(settings: dict[str, object], message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        run_config_from_dict(settings)


def test_a_toml_file_gives_the_same_run_as_the_same_options(echo_package_dir: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(SETTINGS, encoding="utf-8")
    common = ("--model", str(echo_package_dir), "-q")
    from_file = passerelle("run", *TWO_SEEDS, "-o", str(tmp_path / "file"), "--config", str(settings), *common)
    from_options = passerelle("run", *TWO_SEEDS, "-o", str(tmp_path / "options"), *SAME_OPTIONS, *common)
    assert from_file.returncode == from_options.returncode == 0, from_file.stderr
    assert folder_bytes(tmp_path / "file") == folder_bytes(tmp_path / "options")
    config = json.loads((tmp_path / "file" / "manifest.json").read_text(encoding="utf-8"))["config"]
    assert config["clean"]["typography"] == "plain" and config["engine"]["options"]["beam_size"] == 1


def test_replaying_a_manifest_gives_a_byte_identical_folder(echo_package_dir: Path, tmp_path: Path) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    assert passerelle("run", *TWO_SEEDS, "-o", str(first), *SAME_OPTIONS, "--model", str(echo_package_dir),
                      "-q").returncode == 0
    replayed = passerelle("run", *TWO_SEEDS, "-o", str(again), "--replay", str(first / "manifest.json"), "--model",
                          str(echo_package_dir), "-q")
    assert replayed.returncode == 0, replayed.stderr
    assert folder_bytes(again) == folder_bytes(first)


def test_a_setting_beside_the_file_or_an_unknown_key_is_a_usage_error(echo_package_dir: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(SETTINGS, encoding="utf-8")
    both = passerelle("run", str(SEEDS), "-o", str(tmp_path / "out"), "--config", str(settings), "--beam-size", "4")
    assert both.returncode == 2 and "--beam-size cannot be given with --config" in both.stderr.decode("utf-8")
    settings.write_text(SETTINGS.replace("repeat_min_docs", "repeat_min_doc"), encoding="utf-8")
    typo = passerelle("run", str(SEEDS), "-o", str(tmp_path / "out"), "--config", str(settings))
    assert typo.returncode == 2 and "unknown setting clean.repeat_min_doc" in typo.stderr.decode("utf-8")
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_replay_refuses_what_is_not_a_run_manifest(tmp_path: Path) -> None:
    assert passerelle("clean", str(SEEDS), "-o", str(tmp_path / "cleaned")).returncode == 0
    result = passerelle("run", str(SEEDS), "-o", str(tmp_path / "out"), "--replay", str(tmp_path / "cleaned" / "manifest.json"))
    assert result.returncode == 2 and "is not the manifest of a passerelle run" in result.stderr.decode("utf-8")

