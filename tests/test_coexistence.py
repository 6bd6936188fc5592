"""Passerelle installed beside translate-toolkit, whose package is also named ``translate``.

Passerelle installs one top-level package, ``passerelle``; the checkout's
``translate/`` folder is ``passerelle.translate`` and never the ``translate``
that translators' scripts import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from translate.storage import tmx as toolkit_tmx

from passerelle.corpus.tmx import read_tmx

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def run_from_elsewhere(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``passerelle run <repo>/seeds -o out``, the installed command, from a folder outside the checkout."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    command = Path(sys.executable).with_name("passerelle")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(elsewhere / "packages"), "SOURCE_DATE_EPOCH": "1700000000"}
    for args in (["models", "install", str(echo_package_dir)], ["run", str(SEEDS), "-o", "out", "--beam-size", "1", "-q"]):
        done = subprocess.run([str(command), *args], cwd=elsewhere, env=env, capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return elsewhere / "out"


def test_the_installed_command_runs_outside_the_checkout(run_from_elsewhere: Path) -> None:
    assert (run_from_elsewhere / "corpus.tmx").is_file() and (run_from_elsewhere / "manifest.json").is_file()


def test_translate_toolkit_reads_our_tmx_as_our_reader_does(run_from_elsewhere: Path) -> None:
    with (run_from_elsewhere / "corpus.tmx").open("rb") as handle:
        theirs = [(unit.getid(), unit.source, unit.target) for unit in toolkit_tmx.tmxfile.parsefile(handle).units]
    ours = [(pair.tuid, pair.source, pair.target) for pair in read_tmx(run_from_elsewhere / "corpus.tmx")]
    assert len(ours) > 100 and theirs == ours


def test_both_packages_import_in_one_interpreter(tmp_path: Path) -> None:
    code = "import passerelle, translate.storage.tmx, passerelle.translate; print(translate.__file__, passerelle.translate.__file__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    toolkit, ours = done.stdout.split()
    assert Path(toolkit).parent != Path(ours).parent


def test_the_wheel_installs_nothing_outside_the_passerelle_package(tmp_path: Path) -> None:
    """``pip uninstall passerelle`` removes what the wheel installed: none of it is another package's folder."""
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("passerelle", "normalise", "translate", "corpus"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = tmp_path.glob("passerelle-*.whl")
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"passerelle"}
    names = zipfile.ZipFile(wheel).namelist()
    assert {"passerelle/normalise/__init__.py", "passerelle/translate/__init__.py", "passerelle/corpus/cli.py",
            "passerelle/py.typed"} <= set(names)
