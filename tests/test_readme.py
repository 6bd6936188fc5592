"""The README's library examples, run as written, with the echo package (a test double) installed as fr→en."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from passerelle.translate import install_package

from .conftest import ROOT, SEEDS

EXAMPLES = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture(scope="module")
def user_folder(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the checkout holding the seeds, as a user's working folder would."""
    folder = tmp_path_factory.mktemp("user")
    (folder / "seeds").symlink_to(SEEDS)
    install_package(echo_package_dir, folder / "packages")
    return folder


def test_the_readme_has_library_examples() -> None:
    assert len(EXAMPLES) >= 3 and all("passerelle" in example for example in EXAMPLES)


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_a_readme_example_runs_as_written(user_folder: Path, number: int) -> None:
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(user_folder / "packages")}
    done = subprocess.run([sys.executable, "-c", EXAMPLES[number]], cwd=user_folder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
