"""``passerelle report``: one self-contained page, checked as HTML and opened in headless Chromium."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html

from .conftest import SEEDS
from .outputs import passerelle

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORT = (1280, 900)
# Headless Chromium with its own background traffic (updates, sync, metrics) off, so any request is the page's.
QUIET_BROWSER = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                 "--no-first-run", "--metrics-recording-only", "--disable-domain-reliability"]


@pytest.fixture(scope="module")
def run_dir(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    assert passerelle("run", str(SEEDS), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                      "-q").returncode == 0
    result = passerelle("report", str(out))
    assert result.returncode == 0 and result.stderr.decode("utf-8") == f"passerelle: wrote {out / 'report.html'}\n"
    return out


def _page(run_dir: Path) -> html.HtmlElement:
    return html.fromstring((run_dir / "report.html").read_bytes())


def test_the_page_shows_the_summary_the_counts_the_pairs_and_every_document(run_dir: Path) -> None:
    page = _page(run_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    summary = page.get_element_by_id("summary").text_content()
    assert manifest["config_hash"] in summary and f"{manifest['pairs']}" in summary and "5 ok" in summary
    bars = page.get_element_by_id("rules").findall(".//rect")
    assert len(bars) == len(manifest["counts"]["rules"])
    titles = {bar.find("title").text.split(":")[0] for bar in bars}
    assert titles == set(manifest["counts"]["rules"])
    lowest = page.get_element_by_id("lowest").findall(".//tbody/tr")
    scores = [float(row.findall("td")[3].text_content()) for row in lowest]
    assert len(lowest) == 25 and scores == sorted(scores)
    documents = page.find_class("document")
    assert [d.get("id") for d in documents] == [f"doc-{o['doc_id']}" for o in manifest["inputs"]]


def test_dropped_lines_name_their_rule_and_edits_show_before_and_after(run_dir: Path) -> None:
    page = _page(run_dir)
    dropped = page.find_class("dropped")
    assert dropped and all(line.get("title") for line in dropped)
    rules = set(json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["counts"]["rules"])
    assert {rule for line in dropped for rule in line.get("title").split(", ")} <= rules
    titled = {line.text_content().strip(): line.get("title") for line in dropped}
    assert titled["Mondialisation.ca, 20 avril 2023"] == "dateline"
    assert titled["Thème: [Militarisation](#)"] == "taxonomy_label"
    assert page.find_class("kept") and page.find_class("before") and page.find_class("after")


def test_the_page_needs_nothing_outside_itself(run_dir: Path) -> None:
    page = _page(run_dir)
    assert not page.xpath("//script | //link | //img | //iframe | //object | //embed | //*[@src] | //*[@href]")
    assert "url(" not in (run_dir / "report.html").read_text(encoding="utf-8").split("</style>")[0]


# Where Chromium itself calls home (clock, component updates, sign-in), whatever page it shows.
BROWSER_SERVICES = {"clients2.google.com", "update.googleapis.com", "accounts.google.com"}


class _RequestRecorder:
    """A proxy that answers nothing and writes down the host of every request the browser sends it."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
        self.port = self._server.getsockname()[1]
        self.hosts: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def page_requests(self) -> list[str]:
        return [host for host in self.hosts if host not in BROWSER_SERVICES]

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            client.settimeout(5)
            try:
                request = client.recv(4096).split(b"\r\n")[0].decode("latin-1")
            except OSError:
                request = "? unreadable"
            client.close()
            # A connection closed before it sent anything (Chromium opens spare ones to a proxy) requests nothing.
            if not request:
                continue
            # "GET http://host/path HTTP/1.1" or "CONNECT host:443 HTTP/1.1"
            target = request.split(" ")[1] if " " in request else request
            self.hosts.append(target.split("://")[-1].split("/")[0].split(":")[0])

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def recorder() -> Iterator[_RequestRecorder]:
    proxy = _RequestRecorder()
    yield proxy
    proxy.close()


def _browse(page: Path, proxy: _RequestRecorder, *extra: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (the README's install line installs it)")
    return subprocess.run([CHROMIUM, *QUIET_BROWSER, f"--proxy-server=http://127.0.0.1:{proxy.port}",
                           "--proxy-bypass-list=<-loopback>", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def test_chromium_opens_the_page_without_a_single_request(run_dir: Path, recorder: _RequestRecorder, tmp_path: Path) -> None:
    opened = _browse(run_dir / "report.html", recorder, "--dump-dom")
    assert "<h1>Passerelle report</h1>" in opened.stdout and "<svg" in opened.stdout
    assert recorder.page_requests == []
    # The same browser, sent a page that loads one image from the web, does reach the recorder.
    control = tmp_path / "control.html"
    control.write_text('<img src="http://example.invalid/pixel.png">', encoding="utf-8")
    _browse(control, recorder, "--dump-dom", "--virtual-time-budget=3000")
    assert "example.invalid" in recorder.page_requests


def test_a_screenshot_at_a_fixed_viewport_shows_the_page(run_dir: Path, recorder: _RequestRecorder,
                                                         tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _browse(run_dir / "report.html", recorder, f"--screenshot={shot}", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == VIEWPORT
    pixels = zlib.decompress(b"".join(_chunks(data, b"IDAT")))
    assert len(set(pixels)) > 50, "text, tables and bars, not a blank page"
    assert recorder.page_requests == []


def _chunks(png: bytes, kind: bytes) -> Iterator[bytes]:
    offset = 8
    while offset < len(png):
        length, name = struct.unpack(">I4s", png[offset:offset + 8])
        if name == kind:
            yield png[offset + 8:offset + 8 + length]
        offset += 12 + length
