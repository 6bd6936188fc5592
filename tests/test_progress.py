"""The progress bar: on a terminal, done/total inputs with rate and time left; off otherwise and with --quiet."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .conftest import SEEDS
from .hostile_corpus import news_documents
from .outputs import passerelle


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """Exit code and what a terminal on stderr shows of one command."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "passerelle", *args], stdout=subprocess.DEVNULL, stderr=follower,
                               cwd=tempfile.gettempdir())
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process has gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=300), shown.decode("utf-8", errors="replace")


def test_clean_draws_a_bar_of_every_input_with_rate_and_time_left(tmp_path: Path) -> None:
    # click shows the time left once a second has gone by: the batch must take longer than that on a fast
    # machine (the five seeds took less than one in CI); 200 articles on one worker take about 4 s here.
    inputs = news_documents(tmp_path / "in", 200)
    code, shown = _on_a_terminal("clean", str(inputs), "-o", str(tmp_path / "out"), "--workers", "1")
    assert code == 0, shown
    assert "passerelle: cleaning" in shown and "0/200" in shown and "200/200" in shown and "documents/s" in shown
    assert re.search(r"\b\d+/200  \d\d:\d\d:\d\d", shown), "the time left, once the rate is known"
    assert "passerelle: cleaned 200 document(s), 0 failed" in shown


def test_run_counts_translated_segments_beside_the_inputs(echo_package_dir: Path, tmp_path: Path) -> None:
    code, shown = _on_a_terminal("run", str(SEEDS), "-o", str(tmp_path / "out"), "--model", str(echo_package_dir),
                                 "--beam-size", "1")
    assert code == 0, shown
    assert "5/5" in shown and "segments translated" in shown


def test_quiet_shows_nothing_on_a_terminal(tmp_path: Path) -> None:
    code, shown = _on_a_terminal("clean", str(SEEDS), "-o", str(tmp_path / "out"), "--quiet")
    assert code == 0 and shown == ""


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = passerelle("clean", str(SEEDS), "-o", str(tmp_path / "out"))
    assert result.returncode == 0
    assert result.stderr.decode("utf-8") == f"passerelle: cleaned 5 document(s), 0 failed; wrote {tmp_path / 'out'}\n"
