"""The Apertium fallback engine: alignment line for line, and a clear message when it is missing.

The translating tests need Debian's apertium, apertium-fr-es and apertium-eng-spa;
without them they are skipped (the README says how to install them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from passerelle.normalise import InputRef, LanguageDetector, clean_document, read_document, segment_document
from passerelle.translate import ApertiumEngine, ModelError

from .conftest import SEEDS

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="Apertium packages not installed")


@needs_apertium
def test_the_seeds_segments_are_translated_line_for_line() -> None:
    detector = LanguageDetector()
    segments = [s.text for p in sorted(SEEDS.glob("*.txt"))
                for s in segment_document(clean_document(read_document(InputRef(str(p)), p.stem)), detector)]
    translations = ApertiumEngine().translate(segments)
    assert len(translations) == len(segments) > 100
    assert all(t.text for t in translations)
    english = sum(detector.detect(t.text).lang == "en" for t in translations)
    assert english / len(translations) > 0.8


@needs_apertium
def test_empty_segments_and_line_breaks_keep_their_places() -> None:
    result = ApertiumEngine().translate(["Bonjour.", "", "Une ligne\ncoupée.", "Merci."])
    assert [bool(t.text) for t in result] == [True, False, True, True]
    assert "\n" not in result[2].text


def test_missing_apertium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ModelError, match="apt-get install apertium apertium-fr-es apertium-eng-spa"):
        ApertiumEngine().translate(["Bonjour."])


def test_translate_command_with_apertium_missing_says_what_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run([sys.executable, "-m", "passerelle", "translate", "-", "--engine", "apertium"],
                            input=b"Bonjour.\n", capture_output=True, env=env, timeout=120)
    assert result.returncode == 1 and b"apt-get install apertium" in result.stderr and b"Traceback" not in result.stderr


@needs_apertium
def test_apertium_pairs_have_no_score_and_filters_say_what_to_do_with_them(tmp_path: Path) -> None:
    import json

    from passerelle.corpus.tmx import read_tmx

    from .outputs import lines, passerelle

    out = tmp_path / "out"
    result = passerelle("run", str(SEEDS / "002_1ea0ca948f0b20f8.txt"), "-o", str(out), "--engine", "apertium")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in lines(out / "corpus.jsonl")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert records and all(r["score"] is None for r in records)
    assert manifest["unscored_pairs"] == manifest["pairs"] == len(records)
    assert all("x-score" not in pair.props and pair.props["x-engine"].startswith("apertium") for pair in read_tmx(out / "corpus.tmx"))
    kept = passerelle("export", str(out), "--format", "jsonl", "-o", str(tmp_path / "kept.jsonl"), "--min-score", "-0.5")
    dropped = passerelle("export", str(out), "--format", "jsonl", "-o", str(tmp_path / "none.jsonl"), "--min-score", "-0.5",
                         "--drop-unscored")
    assert kept.returncode == dropped.returncode == 0
    assert len(lines(tmp_path / "kept.jsonl")) == len(records) and lines(tmp_path / "none.jsonl") == []
