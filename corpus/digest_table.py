"""Tables keyed by 64-bit digests, on disk: what dedup remembers of a batch, with bounded memory.

Dedup remembers something of every segment and document of a batch: the
digest of each paired source segment, the LSH buckets and MinHash signature
of each kept document. In memory that grows with the corpus (a Python dict
takes about 100 bytes an entry, numpy tables 20–40 bytes, a million-page
batch a few GB). Each table here is a temporary SQLite database instead
(``sqlite3.connect("")``): SQLite keeps up to :data:`CACHE_KIB` of its pages
in memory, writes the rest to an unnamed file in its temporary folder
(``SQLITE_TMPDIR``, else ``TMPDIR``) and removes the file when the table is
dropped. Nothing is ever committed: the tables live for one job.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from .errors import CorpusError

Position = tuple[int, int, int]  # document ordinal, paragraph, sentence

# Memory each table's database may hold of its pages (SQLite's own default is 2,000 KiB).
CACHE_KIB = 2048
_SIGN = 1 << 63  # SQLite's integers are signed: a digest is stored shifted into that range
_MAX_VARIABLES = 10_000  # parameters of one statement; SQLite refuses more than 32,766


class _TemporaryDatabase:
    """A private SQLite database in a temporary file: one long transaction, no journal, nothing synced."""

    def __init__(self, schema: str) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(schema)
        self._db.execute("BEGIN")
        self._count = 0  # rows added

    def __len__(self) -> int:
        return self._count

    def _run(self, statement: str, parameters: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(statement, tuple(parameters))
        except sqlite3.Error as exc:
            raise CorpusError(f"the dedup index could not be kept in a temporary file ({exc}); "
                              "free space there, or point SQLITE_TMPDIR or TMPDIR at a larger disk") from exc


def _key(digest: int) -> int:
    return digest - _SIGN


class DigestTable(_TemporaryDatabase):
    """Digest → the position it was first seen at; insertion only."""

    def __init__(self) -> None:
        super().__init__("CREATE TABLE first (digest INTEGER PRIMARY KEY, doc INTEGER, paragraph INTEGER, "
                         "sentence INTEGER)")

    def first(self, digest: int, position: Position) -> Position | None:
        """The position ``digest`` was first seen at, or None when this is the first time (and it is recorded)."""
        key = _key(digest)
        if self._run("INSERT OR IGNORE INTO first VALUES (?, ?, ?, ?)", (key, *position)).rowcount == 1:
            self._count += 1
            return None
        doc, paragraph, sentence = self._run("SELECT doc, paragraph, sentence FROM first WHERE digest = ?",
                                             (key,)).fetchone()
        return doc, paragraph, sentence


class DigestBuckets(_TemporaryDatabase):
    """Digest → every ordinal added under it (the buckets of LSH banding)."""

    def __init__(self) -> None:
        super().__init__("CREATE TABLE bucket (digest INTEGER, ordinal INTEGER, PRIMARY KEY (digest, ordinal)) "
                         "WITHOUT ROWID")

    def add(self, digest: int, ordinal: int) -> None:
        self._count += self._run("INSERT OR IGNORE INTO bucket VALUES (?, ?)", (_key(digest), ordinal)).rowcount

    def get_any(self, digests: list[int]) -> list[int]:
        """The ordinals under any of ``digests``, each once, in ascending order."""
        marks = ", ".join("?" * len(digests))
        return [ordinal for ordinal, in self._run(
            f"SELECT DISTINCT ordinal FROM bucket WHERE digest IN ({marks}) ORDER BY ordinal", map(_key, digests))]


class BlobTable(_TemporaryDatabase):
    """Ordinal 0, 1, 2… → a name and a blob, in the order they were added."""

    def __init__(self) -> None:
        super().__init__("CREATE TABLE kept (ordinal INTEGER PRIMARY KEY, name TEXT, blob BLOB)")

    def append(self, name: str, blob: bytes) -> int:
        """Add a row; its ordinal."""
        ordinal = self._count
        self._run("INSERT INTO kept VALUES (?, ?, ?)", (ordinal, name, blob))
        self._count += 1
        return ordinal

    def rows(self, ordinals: list[int]) -> list[tuple[str, bytes]]:
        """The name and blob of each of ``ordinals`` (ascending), in that order."""
        found: list[tuple[str, bytes]] = []
        for start in range(0, len(ordinals), _MAX_VARIABLES):
            chunk = ordinals[start:start + _MAX_VARIABLES]
            found.extend(self._run(f"SELECT name, blob FROM kept WHERE ordinal IN ({', '.join('?' * len(chunk))}) "
                                   "ORDER BY ordinal", chunk))
        return found
