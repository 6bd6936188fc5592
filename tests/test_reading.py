from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from passerelle.normalise import DocumentIds, InputError, InputRef, decode_bytes, display_path, iter_input_refs, read_document

FRENCH = "Le président a déclaré : « Ça n'a rien d'évident », à Pékin.\nDeuxième ligne œuvre.\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (FRENCH.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16-be", True),
    ],
)
def test_unicode_inputs_decode_exactly(data: bytes, encoding: str, bom: bool) -> None:
    text, decoding = decode_bytes(data)
    assert text == FRENCH
    assert (decoding.encoding, decoding.bom) == (encoding, bom)


@pytest.mark.parametrize("legacy", ["cp1252", "latin-1"])
def test_legacy_french_falls_back_to_a_detected_single_byte_encoding(legacy: str) -> None:
    text = "Les élèves ont reçu leurs diplômes à l'hôtel de ville ; où étaient-ils hier ?\n" * 5
    decoded, decoding = decode_bytes(text.encode(legacy))
    assert decoded == text
    assert decoding.encoding in {"cp1252", "latin_1", "iso8859_15"}
    assert not decoding.bom


def test_cp1252_curly_quotes_and_oe_ligature_survive() -> None:
    text = "Il a dit “non” à l’œuvre — c’était prévu.\n" * 3
    decoded, decoding = decode_bytes(text.encode("cp1252"))
    assert decoded == text
    assert decoding.encoding == "cp1252"


@pytest.mark.parametrize(
    ("raw", "newlines"),
    [("a\r\nb\r\n", "crlf"), ("a\rb\r", "cr"), ("a\nb\n", "lf"), ("a\r\nb\rc\n", "mixed:crlf+cr+lf"), ("ab", "none")],
)
def test_line_ends_are_normalised_and_recorded(raw: str, newlines: str) -> None:
    text, decoding = decode_bytes(raw.encode("utf-8"))
    assert "\r" not in text
    assert text.replace("\n", "") == raw.replace("\r", "").replace("\n", "")
    assert decoding.newlines == newlines


def test_binary_data_is_an_input_error() -> None:
    with pytest.raises(InputError, match="binary|not text"):
        decode_bytes(bytes(range(256)) * 4, origin="blob.bin")


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(InputRef(str(tmp_path / "absent.txt")), "absent")
    with pytest.raises(InputError, match="is a directory"):
        read_document(InputRef(str(tmp_path)), "dir")


def test_document_records_size_and_checksum(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(FRENCH.encode("utf-8"))
    doc = read_document(InputRef(str(path)), "a")
    assert doc.size == len(FRENCH.encode("utf-8"))
    assert len(doc.sha256) == 64
    assert doc.text == FRENCH


def test_document_ids_are_unique_and_filesystem_safe() -> None:
    ids = DocumentIds()
    assigned = [ids.assign(InputRef(p)) for p in ["a/article un.txt", "b/article un.txt", "../../etc/pass wd.txt", "-", "/x/.hidden"]]
    assert assigned == ["article_un", "article_un-2", "pass_wd", "stdin", "hidden"]
    assert all("/" not in i and " " not in i for i in assigned)


def test_directories_are_walked_sorted_by_glob_and_survive_link_loops(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a" / "1.txt").write_text("x")
    (tmp_path / "a" / "skip.html").write_text("x")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    found = [Path(r.path).relative_to(tmp_path).as_posix() for r in iter_input_refs([str(tmp_path)])]
    assert found == ["a/1.txt", "b/2.txt"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_ascii_range_utf16_without_a_mark_is_recognised(codec: str) -> None:
    text = "Le projet de loi sera debattu lundi.\n" * 3
    decoded, decoding = decode_bytes(text.encode(codec))
    assert decoded == text and decoding.encoding == codec and not decoding.bom


def test_a_few_stray_bytes_in_utf8_are_read_as_cp1252_and_counted() -> None:
    data = FRENCH.encode("utf-8") + b"Caf\xe9 cr\xe8me \x80\n"
    decoded, decoding = decode_bytes(data)
    assert decoded == FRENCH + "Café crème €\n"
    assert (decoding.encoding, decoding.stray_bytes) == ("utf-8", 3)
    assert "stray_bytes=3" in decoding.describe()


def test_text_padded_with_nul_bytes_is_still_text() -> None:
    decoded, _ = decode_bytes(FRENCH.encode("utf-8") + bytes(4096))
    assert decoded.startswith(FRENCH) and decoded.count("\x00") == 4096


def test_an_input_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(InputError, match="larger than the input size limit of 1,000 bytes"):
        read_document(InputRef(str(path)), "big", max_bytes=1000)
    assert read_document(InputRef(str(path)), "big", max_bytes=1001).size == 1001


def test_display_path_escapes_undecodable_bytes_and_controls() -> None:
    raw = os.fsdecode(b"/tmp/caf\xe9 \"x\"\nnew\tline-\xc3\xa9t\xc3\xa9.txt")
    assert display_path(raw) == '/tmp/caf\\xe9 "x"\\nnew\\tline-été.txt'
    assert display_path(raw).encode("utf-8")
