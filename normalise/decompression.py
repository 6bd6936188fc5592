"""Compressed inputs: gzip, bzip2, xz and Zstandard, recognised by their first bytes and read as a stream.

Crawls and dumps come compressed, often under a name that does not say so. The
format is told by its magic number, never by the file name, and the data is
decompressed as a stream that stops one byte past the size limit: a small
file that would expand to gigabytes (a decompression bomb) is refused having
produced no more than the limit.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from typing import IO, Any

import zstandard

# Suffixes a compressed file's name ends with; its document id and glob match leave them off.
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")


class _ZstdReader:
    """Zstandard frames, one after the other, decompressed a small feed at a time.

    zstandard's own stream reader ends quietly where a truncated frame ends, so
    frames are fed here and an input that stops inside one is refused. A feed of
    256 bytes decompresses to at most a few MB, which bounds what a bomb can
    make before the size limit is checked.
    """

    _FEED = 256

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def __enter__(self) -> _ZstdReader:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, limit: int = -1) -> bytes:
        output = bytearray()
        decompressor = zstandard.ZstdDecompressor()
        frame, inside = decompressor.decompressobj(), False
        while limit < 0 or len(output) < limit:
            chunk = self._handle.read(self._FEED)
            if not chunk:
                if inside:
                    raise zstandard.ZstdError("the data ends inside a frame")
                break
            while chunk:
                output += frame.decompress(chunk)
                inside = not frame.eof
                chunk = b"" if inside else frame.unused_data
                if not inside:
                    frame = decompressor.decompressobj()
        return bytes(output if limit < 0 else output[:limit])


# Magic number, name as the manifest gives it, and the streaming reader of each format.
_FORMATS: tuple[tuple[bytes, str, Callable[[IO[bytes]], Any]], ...] = (
    (b"\x1f\x8b", "gzip", lambda handle: gzip.GzipFile(fileobj=handle, mode="rb")),
    (b"BZh", "bzip2", lambda handle: bz2.BZ2File(handle, mode="rb")),
    (b"\xfd7zXZ\x00", "xz", lambda handle: lzma.LZMAFile(handle, mode="rb")),
    (b"\x28\xb5\x2f\xfd", "zstd", _ZstdReader),
)
_LONGEST_MAGIC = max(len(magic) for magic, _, _ in _FORMATS)

# What the decompressors raise on damaged or truncated data.
_DAMAGE = (OSError, EOFError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


class DamagedCompression(Exception):
    """Compressed data that cannot be decompressed; the message says which format and why."""


def read_possibly_compressed(handle: IO[bytes], limit: int) -> tuple[bytes, str]:
    """Up to ``limit`` bytes (all when negative) of ``handle``'s content, decompressed when it starts with
    the magic number of a known format; and that format's name, or "" for plain data.

    The first bytes are peeked at, so a stream such as standard input is read once.
    """
    if not hasattr(handle, "peek"):  # an in-memory stream (io.BytesIO) rather than a buffered file
        handle = io.BufferedReader(handle)  # type: ignore[arg-type]
    head = handle.peek(_LONGEST_MAGIC)[:_LONGEST_MAGIC]  # type: ignore[attr-defined]
    for magic, name, reader in _FORMATS:
        if head.startswith(magic):
            try:
                with reader(handle) as stream:  # closing a reader leaves ``handle`` open
                    return stream.read(limit), name
            except _DAMAGE as exc:
                raise DamagedCompression(f"damaged {name} data ({exc})") from exc
    return handle.read(limit), ""
