"""Translation with the echo package (a test double): packages, engine, placeholders, cache, flags, CLI."""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from functools import partial
from pathlib import Path

import pytest

from passerelle.corpus.cache import TranslationCache
from passerelle.corpus.translate_job import TranslateStats, translate_segments
from passerelle.translate import (
    ArgosEngine,
    EngineOptions,
    EngineResources,
    ModelError,
    Translation,
    find_package,
    install_official,
    install_package,
    installed_packages,
    quality_flags,
    read_package,
    remove_package,
)

from .echo_package import build_echo_package
from .outputs import passerelle as run_passerelle

LONG = " ".join(f"mot{i % 7}, suite" for i in range(400))  # well over 1,000 tokens
SEGMENTS = [
    "Le président a parlé hier soir à Paris.",
    "",
    "Voir https://exemple.fr/a?b=1 ou écrire à redaction@exemple.fr avant lundi.",
    LONG,
    "Oui.",
    "« Il a dit : non ! » Puis il est parti… 128 000 personnes étaient là.",
    "Une phrase suivie d’une espace insécable.\u00a0",
]


@pytest.fixture(scope="module")
def engine(echo_package_dir: Path) -> ArgosEngine:
    return ArgosEngine(read_package(echo_package_dir), EngineOptions(beam_size=1))


def test_every_segment_comes_back_in_its_place_for_every_batch_size(echo_package_dir: Path) -> None:
    package = read_package(echo_package_dir)
    for budget in (16, 600, 100_000):
        engine = ArgosEngine(package, EngineOptions(beam_size=1), EngineResources(batch_tokens=budget))
        assert [t.text for t in engine.translate(SEGMENTS)] == SEGMENTS


def test_single_and_batched_translations_are_identical(engine: ArgosEngine) -> None:
    batched = engine.translate(SEGMENTS)
    single = [engine.translate([segment])[0] for segment in SEGMENTS]
    assert batched == single


def test_a_segment_longer_than_the_model_is_split_and_rejoined_not_truncated(engine: ArgosEngine) -> None:
    assert len(engine.encode(LONG)) > 1000
    result = engine.translate([LONG])[0]
    assert result.pieces > 2 and result.text == LONG


def test_placeholders_are_restored_and_a_lost_one_is_reported(engine: ArgosEngine) -> None:
    result = engine.translate([SEGMENTS[2]])[0]
    assert result.text == SEGMENTS[2] and result.lost_placeholders == ()
    lost = Translation("See or write before Monday.", -0.1, 1, ("https://exemple.fr/a?b=1",))
    assert "urls_lost" in quality_flags(SEGMENTS[2], lost)


def test_beam_search_echoes_too(echo_package_dir: Path) -> None:
    engine = ArgosEngine(read_package(echo_package_dir), EngineOptions(beam_size=4))
    assert [t.text for t in engine.translate(SEGMENTS[:3])] == SEGMENTS[:3]


def test_a_second_run_is_served_from_the_cache(engine: ArgosEngine, tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "cache.sqlite")
    first, second = TranslateStats(), TranslateStats()
    out1 = list(translate_segments(SEGMENTS, engine, cache, batch_size=2, stats=first))
    reopened = TranslationCache(tmp_path / "cache.sqlite")
    out2 = list(translate_segments(SEGMENTS, engine, reopened, batch_size=4, stats=second))
    assert out1 == out2 and [t.text for t in out1] == SEGMENTS
    assert (first.from_cache, second.from_cache) == (0, len(SEGMENTS))


@pytest.mark.parametrize(
    ("source", "target", "flag"),
    [
        ("Le gouvernement a présenté son projet hier.", "Le gouvernement a présenté son projet hier.", "untranslated_copy"),
        ("Le gouvernement a présenté son projet hier.", "Yes.", "length_ratio_outlier"),
        ("Le maire a parlé.", "the mayor said the mayor said the mayor said the mayor said the mayor said", "repeated_ngram_loop"),
        ("Il y avait 128 000 personnes en 2023.", "There were many people in 2023.", "numbers_lost"),
    ],
)
def test_quality_flags(source: str, target: str, flag: str) -> None:
    assert flag in quality_flags(source, Translation(target, -0.5))


def test_target_language_check_uses_the_detector_it_is_given() -> None:
    pair = ("Le gouvernement a présenté son projet hier.", Translation("El gobierno presentó ayer su proyecto.", -0.4))
    assert "target_not_detected" in quality_flags(*pair, detect=lambda text: "es")
    assert "target_not_detected" not in quality_flags(*pair, detect=lambda text: "en")
    assert quality_flags("Le gouvernement a présenté son projet hier.", Translation("The government presented its plan yesterday.", -0.3),
                         detect=lambda text: "en") == []


def test_install_list_and_remove_from_folder_and_archive(tmp_path: Path) -> None:
    built = tmp_path / "built"
    archive = build_echo_package(built, archive=True)
    packages = tmp_path / "packages"
    installed = install_package(archive, packages)
    assert installed.path.parent == packages and (installed.from_code, installed.to_code) == ("fr", "en")
    again = install_package(built / installed.path.name, packages)
    assert again.model_id == installed.model_id and len(installed_packages(packages)) == 1
    assert find_package("fr", "en", packages).model_id.checksum == installed.model_id.checksum
    remove_package(installed.model_id.name, packages)
    with pytest.raises(ModelError, match="passerelle models install fr en"):
        find_package("fr", "en", packages)


@pytest.mark.parametrize("entry", ["../evil.txt", "/etc/evil.txt", "pkg/../../evil.txt", "..\\evil.txt", "C:/evil.txt", "C:evil.txt"])
def test_archive_entries_that_escape_the_package_folder_are_refused(tmp_path: Path, entry: str) -> None:
    archive = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/metadata.json", "{}")
        zf.writestr(entry, "boom")
    with pytest.raises(ModelError, match="refused"):
        install_package(archive, tmp_path / "packages")
    assert not (tmp_path / "evil.txt").exists()


def test_incomplete_or_damaged_packages_are_refused(echo_package_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(echo_package_dir, broken)
    (broken / "model" / "model.bin").unlink()
    with pytest.raises(ModelError, match="missing model/model.bin"):
        install_package(broken, tmp_path / "packages")
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelError):
        install_package(truncated, tmp_path / "packages")


passerelle = partial(run_passerelle, timeout=300)


def test_translate_command_without_a_model_names_both_ways_to_get_one(tmp_path: Path) -> None:
    result = passerelle("translate", "-", stdin=b"Bonjour.\n", env={"ARGOS_PACKAGES_DIR": str(tmp_path)})
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and result.stdout == b""
    assert "passerelle models install fr en" in stderr and ".argosmodel" in stderr and "Traceback" not in stderr


def test_translate_command_writes_one_line_per_input_line(echo_package_dir: Path, tmp_path: Path) -> None:
    lines = ["Première phrase.", "", "Deuxième, avec https://exemple.fr.", "   ", "Fin."]
    stdin = ("\n".join(lines) + "\n").encode("utf-8")
    env = {"ARGOS_PACKAGES_DIR": str(tmp_path / "packages")}
    assert passerelle("models", "install", str(echo_package_dir), env=env).returncode == 0
    assert "translate-fr_en-echo" in passerelle("models", "list", env=env).stdout.decode("utf-8")
    result = passerelle("translate", "-", "--beam-size", "1", "--cache", str(tmp_path / "c.sqlite"), stdin=stdin, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").split("\n")[:-1] == [line.strip() for line in lines]


def test_installing_the_official_package_offline_fails_at_once_with_a_clear_error(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelError, match="cannot read the package index"):
        install_official("fr", "en", tmp_path / "packages", index_url="http://127.0.0.1:9/index.json")
    assert time.monotonic() - started < 30


def test_installing_the_official_package_from_an_index(echo_package_dir: Path, tmp_path: Path) -> None:
    archive = build_echo_package(tmp_path / "built", archive=True)
    index = tmp_path / "index.json"
    index.write_text(json.dumps([{"type": "translate", "from_code": "fr", "to_code": "en", "links": [archive.as_uri()]}]),
                     encoding="utf-8")
    seen: list[int] = []
    installed = install_official("fr", "en", tmp_path / "packages", lambda done, total: seen.append(done), index.as_uri())
    assert installed.from_code == "fr" and seen and seen[-1] == archive.stat().st_size
    with pytest.raises(ModelError, match="no de→en package"):
        install_official("de", "en", tmp_path / "packages", index_url=index.as_uri())


def test_a_cache_written_when_scores_were_required_takes_unscored_translations(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, text TEXT NOT NULL, score REAL NOT NULL, "
               "pieces INTEGER NOT NULL, lost TEXT NOT NULL)")
    db.execute("INSERT INTO translations VALUES ('k1', 'Hello.', -0.25, 1, '[]')")
    db.commit()
    db.close()
    cache = TranslationCache(path)
    cache.put([("k2", Translation("Thanks.", None))])
    assert cache.get(["k1", "k2"]) == {"k1": Translation("Hello.", -0.25), "k2": Translation("Thanks.", None)}
    assert cache.rebuilt is None
    cache.close()
