"""Crawl archives: each HTML response record of a WARC file (plain or gzipped) is one input, read with warcio.

Listing a WARC walks its records once and keeps, for each HTML response, where
it starts in the file with its target URI and record id; reading one seeks
there and reads that record's payload alone (HTTP chunking and content
encoding undone), within the size limit, so an archive of any size is read one
page at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

# Names a crawl archive goes by; told by name, so that listing inputs opens no other file.
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class WarcRecord:
    """Where one HTML response lies in its archive, and what it is."""

    offset: int
    uri: str
    record_id: str


class DamagedWarc(Exception):
    """An archive warcio cannot read; the message says why."""


def is_warc(path: str) -> bool:
    return path.casefold().endswith(WARC_SUFFIXES)


def html_responses(path: str) -> Iterator[WarcRecord]:
    """The HTML response records of the archive at ``path``, in file order."""
    try:
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                if record.rec_type == "response" and _is_html(record):
                    yield WarcRecord(records.get_record_offset(), record.rec_headers.get_header("WARC-Target-URI") or "",
                                     record.rec_headers.get_header("WARC-Record-ID") or "")
    except (ArchiveLoadFailed, ValueError, EOFError) as exc:
        raise DamagedWarc(f"not a readable WARC file ({exc})") from exc


def _is_html(record: object) -> bool:
    headers = getattr(record, "http_headers", None)
    content_type = (headers.get_header("Content-Type") or "") if headers is not None else ""
    return "html" in content_type.casefold()


def read_record(path: str, offset: int, limit: int) -> bytes:
    """Up to ``limit`` bytes (all when negative) of the payload of the record at ``offset`` of ``path``."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            payload = record.content_stream().read(limit if limit >= 0 else None)  # warcio reads all on None, not -1
            if 0 <= limit <= len(payload):
                return payload  # over the size limit: refused by the caller, whatever follows
            record.raw_stream.read()
            if record.raw_stream.limit:  # the file ended before the length the record declares
                raise DamagedWarc(f"its record at byte {offset} is cut short ({record.raw_stream.limit} bytes missing)")
            return payload
    except (ArchiveLoadFailed, ValueError, EOFError, StopIteration) as exc:
        raise DamagedWarc(f"its record at byte {offset} cannot be read ({exc})") from exc


def uri_name(uri: str) -> Path:
    """A path-like name for a page's URI: host and path, without the scheme, query or an .html ending."""
    rest = uri.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for ending in (".html", ".htm"):
        if rest.casefold().endswith(ending):
            rest = rest[:-len(ending)]
    return Path(rest.replace("/", "_") or "page")
