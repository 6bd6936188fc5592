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
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
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

# Share of control characters (other than tab, newline, carriage return, form feed)
# above which decoded text is taken to be binary data rather than a text file.
_MAX_CONTROL_RATIO = 0.02

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class InputRef:
    """An input as named by the user: a path, or ``-`` for standard input."""

    path: str

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


def iter_input_refs(inputs: Iterable[str], glob: str = "*.txt") -> Iterator[InputRef]:
    """Expand the user's inputs: files as given, directories recursively by ``glob``.

    Directories are walked in sorted order so runs are reproducible; symbolic
    links are followed once each, so a link loop cannot recurse forever. A path
    that does not exist is still yielded: reading it reports the error in place.
    """
    for name in inputs:
        if name == STDIN:
            yield InputRef(STDIN)
            continue
        path = Path(name)
        if path.is_dir():
            yield from (InputRef(str(p)) for p in _walk_directory(path, glob))
        else:
            yield InputRef(name)


def _walk_directory(root: Path, glob: str) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        stat = os.stat(dirpath)
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            dirnames.clear()
            continue
        seen.add(key)
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath, filename)
            if path.match(glob):
                yield path


def decode_bytes(data: bytes, origin: str = "<bytes>") -> tuple[str, Decoding]:
    """Decode ``data`` to text with ``\\n`` line ends; raise :class:`InputError` if it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(origin, f"starts with a {encoding} byte-order mark but is not valid {encoding} ({exc.reason} at byte {exc.start})") from exc
            return _finish(text, encoding, bom=True, confidence=1.0, origin=origin)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _finish(text, "utf-8", bom=False, confidence=1.0, origin=origin)
    best = from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    if best is None:
        raise InputError(origin, "not text: no encoding decodes it (binary file?)")
    return _finish(str(best), best.encoding, bom=False, confidence=round(1.0 - best.chaos, 3), origin=origin)


def _finish(text: str, encoding: str, *, bom: bool, confidence: float, origin: str) -> tuple[str, Decoding]:
    if text and len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise InputError(origin, f"looks like binary data, not text (too many control characters once decoded as {encoding})")
    normalised, newlines = normalise_newlines(text)
    return normalised, Decoding(encoding=encoding, bom=bom, newlines=newlines, confidence=confidence)


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


class DocumentIds:
    """Turns input stems into unique, filesystem-safe document ids within one batch."""

    _UNSAFE = re.compile(r"[^\w.-]+")

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def assign(self, ref: InputRef) -> str:
        base = "stdin" if ref.is_stdin else self._UNSAFE.sub("_", Path(ref.path).stem).strip("._-")[:100]
        base = base or "doc"
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{base}-{n}"
        self._taken.add(candidate)
        return candidate


def read_document(ref: InputRef, doc_id: str) -> Document:
    """Read and decode one input; any failure is an :class:`InputError` naming it."""
    try:
        data = sys.stdin.buffer.read() if ref.is_stdin else Path(ref.path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(ref.path, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(ref.path, "is a directory") from exc
    except PermissionError as exc:
        raise InputError(ref.path, "permission denied") from exc
    except OSError as exc:
        raise InputError(ref.path, f"cannot be read ({exc.strerror or exc})") from exc
    text, decoding = decode_bytes(data, origin=ref.path)
    return Document(
        doc_id=doc_id,
        path=ref.path,
        text=text,
        decoding=decoding,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
