"""Tables on disk of what a job remembers of its whole batch, with bounded memory.

A job lists every input of its batch before it reads one, and dedup
remembers something of every segment and document: the digest of each
paired source segment, the LSH buckets and MinHash signature of each kept
document. In memory that grows with the corpus (a Python dict
takes about 100 bytes an entry, numpy tables 20–40 bytes, a million-page
batch a few GB). Each table here is a temporary SQLite database instead
(``sqlite3.connect("")``): SQLite keeps up to :data:`CACHE_KIB` of its pages
in memory, writes the rest to an unnamed file in its temporary folder
(``SQLITE_TMPDIR``, else ``TMPDIR``) and removes the file when the table is
dropped. Nothing is ever committed: the tables live for one job.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import CorpusError

Position = tuple[int, int, int]  # document ordinal, paragraph, sentence

# Memory each table's database may hold of its pages (SQLite's own default is 2,000 KiB).
CACHE_KIB = 2048
_SIGN = 1 << 63  # SQLite's integers are signed: a digest is stored shifted into that range
_MAX_VARIABLES = 10_000  # parameters of one statement; SQLite refuses more than 32,766
_ROWS_AT_A_TIME = 1_000  # rows read at a time when a whole table is read in order


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
            raise CorpusError(f"what the job remembers of its batch could not be kept in a temporary file ({exc}); "
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

    def items(self) -> Iterator[tuple[str, bytes]]:
        """Every row's name and blob, in the order they were added, read a few at a time."""
        for start in range(0, self._count, _ROWS_AT_A_TIME):
            yield from self._run("SELECT name, blob FROM kept WHERE ordinal >= ? AND ordinal < ? ORDER BY ordinal",
                                 (start, start + _ROWS_AT_A_TIME)).fetchall()


class TextTable(_TemporaryDatabase):
    """Text → a picklable value; as a set of texts, each with None. It offers what the counts of
    :mod:`passerelle.normalise` that it stands in for use of a dict and a set, and its texts in order."""

    def __init__(self) -> None:
        # Texts are kept as UTF-8 bytes: those sort as Python sorts the strings, and a path's undecodable
        # bytes (lone surrogates, which SQLite's text refuses) pass through.
        super().__init__("CREATE TABLE value (text BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID")

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._run("SELECT 1 FROM value WHERE text = ?", (_utf8(text),)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        """The texts in Python's order of strings, read a few at a time."""
        rows = self._run("SELECT text FROM value ORDER BY text LIMIT ?", (_ROWS_AT_A_TIME,)).fetchall()
        while rows:
            yield from (text.decode("utf-8", errors="surrogatepass") for text, in rows)
            rows = self._run("SELECT text FROM value WHERE text > ? ORDER BY text LIMIT ?",
                             (rows[-1][0], _ROWS_AT_A_TIME)).fetchall()

    def get(self, text: str, default: Any = None) -> Any:
        row = self._run("SELECT value FROM value WHERE text = ?", (_utf8(text),)).fetchone()
        return default if row is None else pickle.loads(row[0])

    def __setitem__(self, text: str, value: Any) -> None:
        key, blob = _utf8(text), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if self._run("INSERT OR IGNORE INTO value VALUES (?, ?)", (key, blob)).rowcount == 1:
            self._count += 1
        else:
            self._run("UPDATE value SET value = ? WHERE text = ?", (blob, key))

    def add(self, text: str) -> None:
        self[text] = None

    def pop(self, text: str, default: Any = None) -> Any:
        found = self.get(text, default)
        self._count -= self._run("DELETE FROM value WHERE text = ?", (_utf8(text),)).rowcount
        return found


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")
