"""WARC crawl archives: one document per HTML response record, named after its URI, with its provenance."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from passerelle.normalise import DocumentIds, InputError, iter_input_refs, read_document

from .conftest import SEEDS
from .outputs import lines, output_problems, passerelle
from .test_html_inputs import BODY, PAGE

URIS = ["https://www.gazette.fr/politique/budget.html", "https://www.gazette.fr/politique/budget.html?page=2",
        "http://autre.fr/"]


def _archive(path: Path, compress: bool = True) -> Path:
    """A small crawl as a crawler writes one: a request, HTML responses, an image and a redirect."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warc_record(URIS[0], "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        for number, uri in enumerate(URIS):
            page = PAGE.replace("transition", f"transition n° {number}").encode("cp1252" if number == 2 else "utf-8")
            headers = [("Content-Type", "text/html; charset=windows-1252" if number == 2 else "text/html")]
            body = page
            if number == 1:  # served compressed: the reader undoes the content encoding
                headers.append(("Content-Encoding", "gzip"))
                body = gzip.compress(page)
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://www.gazette.fr/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG\r\n"), http_headers=image))
    return path


def test_each_html_response_is_one_input_with_its_uri_and_record_id(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "crawl.warc.gz")
    refs = list(iter_input_refs([str(archive)]))
    assert [ref.record.uri for ref in refs if ref.record] == URIS
    ids = DocumentIds()
    documents = [read_document(ref, ids.assign(ref)) for ref in refs]
    assert [d.doc_id for d in documents] == ["www.gazette.fr_politique_budget", "www.gazette.fr_politique_budget-2",
                                             "autre.fr"]
    assert [d.uri for d in documents] == URIS and all(d.record_id.startswith("<urn:uuid:") for d in documents)
    assert all(d.path == f"{archive}#{d.uri}" for d in documents)
    for number, document in enumerate(documents):
        assert f"transition n° {number}" in document.text and BODY[2] in document.text
        assert document.decoding.extractor.startswith("trafilatura/")


def test_an_uncompressed_archive_in_a_folder_is_found_by_the_glob(tmp_path: Path) -> None:
    _archive(tmp_path / "crawl.warc", compress=False)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    refs = list(iter_input_refs([str(tmp_path)], glob="*.warc"))
    assert [ref.record.uri for ref in refs if ref.record] == URIS and len(refs) == 3


def test_a_cut_archive_keeps_its_whole_pages_and_fails_the_cut_one(tmp_path: Path) -> None:
    whole = _archive(tmp_path / "whole.warc", compress=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[:len(whole) // 2])
    first, second = iter_input_refs([str(cut)])
    assert "transition n° 0" in read_document(first, "first").text
    with pytest.raises(InputError, match=r"cut\.warc#https://www\.gazette\.fr/politique/budget\.html\?page=2: its record "
                                         r"at byte \d+ is cut short \(\d+ bytes missing\)"):
        read_document(second, "second")


def test_an_archive_without_pages_fails_with_its_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    (ref,) = iter_input_refs([str(empty)])
    with pytest.raises(InputError, match="a WARC file without HTML responses"):
        read_document(ref, "empty")


def test_run_reads_a_page_an_archive_and_a_compressed_dump_together(echo_package_dir: Path, tmp_path: Path) -> None:
    page, archive, dump = tmp_path / "page.html", _archive(tmp_path / "archive.warc.gz"), tmp_path / "dump.txt.gz"
    page.write_text(PAGE.replace("transition", "transition de la page"), encoding="utf-8")
    dump.write_bytes(gzip.compress((SEEDS / "001_737a2c596c3a624b.txt").read_bytes()))
    out = tmp_path / "out"
    result = passerelle("run", str(page), str(archive), str(dump), "-o", str(out), "--model", str(echo_package_dir),
                        "--beam-size", "1", "--dedup", "none")
    assert result.returncode == 0, result.stderr
    outcomes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert [o["doc_id"] for o in outcomes] == ["page", "www.gazette.fr_politique_budget",
                                               "www.gazette.fr_politique_budget-2", "autre.fr", "dump"]
    assert [o["uri"] for o in outcomes] == [None, *URIS, None]
    assert [o["kind"] for o in outcomes] == ["html", "warc", "warc", "warc", "text"]
    assert all(o["warc_record_id"].startswith("<urn:uuid:") for o in outcomes[1:4])
    assert [o["decoding"].split(" encoding=")[0] for o in outcomes] == [
        "html extractor=" + outcomes[0]["decoding"].split("extractor=")[1].split(" ")[0]] * 4 + ["compression=gzip"]
    docs = {json.loads(line)["doc"] for line in lines(out / "corpus.jsonl")}
    assert docs == {o["doc_id"] for o in outcomes}
    assert output_problems(out) == []
