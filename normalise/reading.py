"""Reading inputs: finding files, decoding bytes, normalising line ends, naming documents.

Decoding order, most certain first: a byte-order mark, then strict UTF-8 (the
overwhelming majority of scraped text), then charset-normalizer's guess among
the encodings French web text really comes in. Whatever wins is recorded in
the document's :class:`Decoding`, so the manifest can say how each file was read.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from charset_normalizer import from_bytes

from .decompression import COMPRESSED_SUFFIXES, DamagedCompression, read_possibly_compressed
from .errors import InputError
from .html_extraction import extract_main_text, extractor_id, looks_like_html
from .warc_records import DamagedWarc, WarcRecord, html_responses, is_warc, read_record, uri_name
from .records import Decoding, Document

STDIN = "-"

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy encodings French text is found in; charset-normalizer picks among these
# (plus UTF-16 without a mark) rather than among every code page it knows, which
# keeps it from "finding" Cyrillic or Greek in plain cp1252 French.
_FALLBACK_ENCODINGS = ["utf_16_le", "utf_16_be", "cp1252", "latin_1", "iso8859_15", "mac_roman"]

# Share of control characters (other than NUL, tab, line breaks and form feed)
# above which decoded text is taken to be binary data rather than a text file.
# NUL is left out: text padded or sprinkled with NULs by a crashed writer is
# still text, and the cleaner removes them (audited).
_MAX_CONTROL_RATIO = 0.10
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")

# A file is UTF-8 with stray bytes (a latin-1 word pasted in, a damaged sector)
# rather than a legacy encoding when its valid non-ASCII characters are at least
# as many as the stray bytes: in legacy text, byte runs that happen to be valid
# UTF-8 are rare, and in binary data rarer still.
_STRAY_BYTE = re.compile(r"[\udc80-\udcff]")

# UTF-16 without a mark: at least this share of the bytes are NUL, nearly all
# on one side of each byte pair (ASCII-range text in UTF-16 LE or BE).
_UTF16_NUL_SHARE = 0.3
_UTF16_NUL_SIDE = 0.95


@dataclass(frozen=True)
class InputRef:
    """An input as named by the user: a path, or ``-`` for standard input; or one page of a WARC archive.

    ``skipped`` says why a path found while walking a folder is not read, when it is not;
    ``problem`` why an input cannot be read, when listing it has shown that already.
    """

    path: str
    skipped: str = ""
    record: WarcRecord | None = None
    problem: str = ""

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN

    @property
    def label(self) -> str:
        """How outcomes name it: the path, and for a page of an archive its URI after ``#``."""
        return f"{self.path}#{self.record.uri}" if self.record is not None else self.path


# Why a path found in an input folder is not read ("" to read it); given by the caller, who knows its own outputs.
SkipRule = Callable[[Path], str]


def iter_input_refs(inputs: Iterable[str], glob: str = "*.txt", skip: SkipRule | None = None) -> Iterator[InputRef]:
    """Expand the user's inputs: files as given, directories recursively by ``glob``.

    Directories are walked in sorted order so runs are reproducible; symbolic
    links are followed once each, so a link loop cannot recurse forever. A path
    that does not exist is still yielded: reading it reports the error in place.
    A folder or file that ``skip`` gives a reason for is yielded with that
    reason and not read; nothing under such a folder is walked.
    """
    for name in inputs:
        if name == STDIN:
            yield InputRef(STDIN)
            continue
        path = Path(name)
        if path.is_dir():
            yield from _walk_directory(path, glob, skip or _read_everything)
        else:
            yield from _with_pages(InputRef(name))


def _read_everything(path: Path) -> str:
    return ""


def _walk_directory(root: Path, glob: str, skip: SkipRule) -> Iterator[InputRef]:
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        status = os.stat(dirpath)
        key = (status.st_dev, status.st_ino)
        if key in seen:
            dirnames.clear()
            continue
        seen.add(key)
        reason = skip(Path(dirpath))
        if reason:
            dirnames.clear()
            yield InputRef(dirpath, skipped=reason)
            continue
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath, filename)
            if path.match(glob) or _uncompressed_name(path).match(glob):
                yield from _with_pages(InputRef(str(path), skipped=skip(path)))


def _with_pages(ref: InputRef) -> Iterator[InputRef]:
    """``ref``, or for a WARC archive one ref per HTML response it holds."""
    if ref.skipped or not is_warc(ref.path) or not os.path.isfile(ref.path):
        yield ref  # not an archive, or one that reading will report (missing, a FIFO, …)
        return
    pages = 0
    try:
        for record in html_responses(ref.path):
            pages += 1
            yield InputRef(ref.path, record=record)
    except DamagedWarc as exc:
        yield InputRef(ref.path, problem=f"{exc}{f' after {pages} page(s)' if pages else ''}")
    except OSError:
        yield ref  # unreadable: reading it says why
    else:
        if not pages:
            yield InputRef(ref.path, problem="a WARC file without HTML responses")


def _uncompressed_name(path: Path) -> Path:
    """``dump.txt`` for ``dump.txt.gz``: what a glob and a document id see of a compressed file."""
    return path.with_suffix("") if path.suffix.lower() in COMPRESSED_SUFFIXES else path


def decode_bytes(data: bytes, origin: str = "<bytes>") -> tuple[str, Decoding]:
    """Decode ``data`` to text with ``\\n`` line ends; raise :class:`InputError` if it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(origin, f"starts with a {encoding} byte-order mark but is not valid {encoding} ({exc.reason} at byte {exc.start})") from exc
            return _finish(text, encoding, bom=True, confidence=1.0, origin=origin)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _finish(utf16[0], utf16[1], bom=False, confidence=1.0, origin=origin)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _finish(text, "utf-8", bom=False, confidence=1.0, origin=origin)
    mostly = _utf8_with_stray_bytes(data)
    if mostly is not None:
        return _finish(mostly[0], "utf-8", bom=False, confidence=1.0, origin=origin, stray=mostly[1])
    best = from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    if best is None:
        raise InputError(origin, "not text: no encoding decodes it (binary file?)")
    return _finish(str(best), best.encoding, bom=False, confidence=round(1.0 - best.chaos, 3), origin=origin)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text and codec when ``data`` has the NUL pattern of UTF-16 and decodes as it."""
    nuls = data.count(0)
    if len(data) < 2 or len(data) % 2 or nuls < _UTF16_NUL_SHARE * len(data):
        return None
    even = data[0::2].count(0)
    for encoding, side in (("utf-16-be", even), ("utf-16-le", nuls - even)):
        if side >= _UTF16_NUL_SIDE * nuls:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _utf8_with_stray_bytes(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text with its few invalid bytes read as cp1252 (what they nearly always are), and their count."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY_BYTE.findall(text))
    valid = sum(1 for c in text if c >= "\x80") - stray
    if valid < stray:
        return None
    return _STRAY_BYTE.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", errors="replace"), text), stray


def _finish(text: str, encoding: str, *, bom: bool, confidence: float, origin: str, stray: int = 0) -> tuple[str, Decoding]:
    meaningful = len(text) - text.count("\x00")
    if meaningful and len(_CONTROL.findall(text)) / meaningful > _MAX_CONTROL_RATIO:
        raise InputError(origin, f"looks like binary data, not text (too many control characters once decoded as {encoding})")
    normalised, newlines = normalise_newlines(text)
    return normalised, Decoding(encoding=encoding, bom=bom, newlines=newlines, confidence=confidence, stray_bytes=stray)


def normalise_newlines(text: str) -> tuple[str, str]:
    """Turn CRLF and lone CR into LF; say which kinds were there."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("cr", cr), ("lf", lf)) if count]
    if not kinds:
        label = "none"
    elif len(kinds) == 1:
        label = kinds[0]
    else:
        label = "mixed:" + "+".join(kinds)
    return text.replace("\r\n", "\n").replace("\r", "\n"), label


class TakenIds(Protocol):
    """Where :class:`DocumentIds` keeps the ids it gave: a set, or a table on disk for a batch of millions."""

    def __contains__(self, doc_id: object, /) -> bool: ...

    def add(self, doc_id: str, /) -> None: ...


class DocumentIds:
    """Turns input stems into unique, filesystem-safe document ids within one batch.

    Ids are in NFC, and two ids never differ only by case or by Unicode
    normalisation: each names files of its own (``clean/<id>.fr.txt``), and
    macOS and Windows file systems take such names for one file.
    """

    _UNSAFE = re.compile(r"[^\w.-]+")

    def __init__(self, taken: TakenIds | None = None) -> None:
        self._taken: TakenIds = set() if taken is None else taken

    # Room for "-N", ".fr.txt" and the temporary ".<name>.tmp" within a 255-byte file name.
    _MAX_BYTES = 200

    def assign(self, ref: InputRef) -> str:
        name = uri_name(ref.record.uri).name if ref.record is not None else _uncompressed_name(Path(ref.path)).stem
        stem = unicodedata.normalize("NFC", name)
        base = "stdin" if ref.is_stdin else self._UNSAFE.sub("_", stem).strip("._-")
        base = base.encode("utf-8")[:self._MAX_BYTES].decode("utf-8", errors="ignore").rstrip("._-") or "doc"
        candidate, n = base, 1
        while candidate.casefold() in self._taken:
            n += 1
            candidate = f"{base}-{n}"
        self._taken.add(candidate.casefold())
        return candidate


def display_path(path: str) -> str:
    """A path as it can be printed and written to JSON: undecodable bytes and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def read_document(ref: InputRef, doc_id: str, max_bytes: int | None = None, html: str = "extract") -> Document:
    """Read and decode one input; any failure is an :class:`InputError` naming it.

    At most ``max_bytes`` are read: a larger input is refused before it fills memory.
    Only regular files are read (``-`` is the one way to read a stream). Compressed
    data is decompressed, whatever the name says, and the limit applies to what it
    decompresses to. An HTML page is reduced to its main text (:mod:`.html_extraction`)
    unless ``html`` is ``text``.
    """
    limit = -1 if max_bytes is None else max_bytes + 1
    if ref.problem:
        raise InputError(ref.label, ref.problem)
    try:
        if ref.record is not None:
            data, compression = read_record(ref.path, ref.record.offset, limit), ""
        elif ref.is_stdin:
            data, compression = read_possibly_compressed(sys.stdin.buffer, limit)
        else:
            data, compression = _read_regular_file(ref.path, limit)
    except (DamagedCompression, DamagedWarc) as exc:
        raise InputError(ref.label, str(exc)) from exc
    except FileNotFoundError as exc:
        raise InputError(ref.label, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(ref.label, "is a directory") from exc
    except PermissionError as exc:
        raise InputError(ref.label, "permission denied") from exc
    except OSError as exc:
        raise InputError(ref.label, f"cannot be read ({exc.strerror or exc})") from exc
    if max_bytes is not None and len(data) > max_bytes and compression:
        raise InputError(ref.label, f"decompresses to more than the input size limit of {max_bytes:,} bytes (a decompression "
                                   "bomb, or a dump to split); split it, or raise the limit (--max-input-mb)")
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(ref.label, f"larger than the input size limit of {max_bytes:,} bytes; split it, or raise the limit (--max-input-mb)")
    text, decoding = decode_bytes(data, origin=ref.label)
    if compression:
        decoding = replace(decoding, compression=compression)
    if html == "extract" and looks_like_html(text):
        extracted = extract_main_text(text)
        decoding = replace(decoding, extractor=extractor_id(), extracted_away=len(text) - len(extracted))
        text = extracted
    return Document(
        doc_id=doc_id,
        path=ref.label,
        text=text,
        decoding=decoding,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uri=ref.record.uri if ref.record is not None else "",
        record_id=ref.record.record_id if ref.record is not None else "",
    )


# Kinds of file that are not read, as a failure names them.
_NOT_REGULAR: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _read_regular_file(path: str, limit: int) -> tuple[bytes, str]:
    """The bytes of a regular file (or of what a symbolic link resolves to).

    Anything else is refused from its ``stat``, unopened: opening a FIFO waits
    for a writer, and a device can be read forever. The file is opened without
    blocking all the same, in case a FIFO takes its place between the two calls.
    A file that is written to or truncated while it is read is refused rather
    than read half old, half new.
    """
    _refuse_unless_regular(path, os.stat(path).st_mode)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(descriptor, "rb") as handle:
        before = os.fstat(descriptor)
        _refuse_unless_regular(path, before.st_mode)
        data, compression = read_possibly_compressed(handle, limit)
        after = os.fstat(descriptor)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise InputError(path, "changed while it was read (written to or truncated); run again once it is complete")
    return data, compression


def _refuse_unless_regular(path: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a directory")
    for test, kind in _NOT_REGULAR:
        if test(mode):
            raise InputError(path, f"not a regular file: {kind}")
