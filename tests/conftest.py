from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"

# The files that take longest, longest first. xdist hands out one file at a time in collection order
# (pyproject turns its reordering off); these start first so that none is left running alone at the end.
LONGEST_FILES = ("test_ray.py", "test_reliability.py", "test_faults.py", "test_run_config.py", "test_run_settings.py")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="session")
def echo_package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unpacked Argos package with the small echo model (test double, built once per session)."""
    from .echo_package import build_echo_package

    return build_echo_package(tmp_path_factory.mktemp("echo"))
