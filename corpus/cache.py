"""The translation cache: a SQLite file keyed by engine, settings and source text.

Re-runs translate only what is new, and a run that was interrupted resumes
where its last committed batch ended. Keys are sha256 digests, so the file
holds no clear-text index of the corpus beyond the cached pairs themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..translate import Translation

from .errors import CorpusError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    score REAL,
    pieces INTEGER NOT NULL,
    lost TEXT NOT NULL
)
"""


def cache_key(engine_id: str, settings: dict[str, object], source: str) -> str:
    payload = json.dumps([engine_id, settings, source], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_COLUMNS = ["key", "text", "score", "pieces", "lost"]

# SQLite's companions of a database file; they belong to the damaged file when it is set aside.
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")

# Seconds a run waits for another run that is writing to the same cache file (a shared --cache)
# before it gives up; a batch's commit takes milliseconds, a busy disk seconds.
BUSY_TIMEOUT = 300.0


class TranslationCache:
    """Cached translations in one SQLite file; each :meth:`put` is committed at once.

    A file that is not a sound cache (not SQLite, damaged pages, another
    schema) is moved aside to ``<name>.corrupt`` and a new, empty cache takes
    its place: ``rebuilt`` then says why, for the caller to report and audit.
    Losing a cache costs time, never data.
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.rebuilt: str | None = None
        if read_only:  # beside the run that writes it (a cluster's translators read the run's cache)
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            problem = _damage(path)
            if problem is not None:
                aside = path.with_name(path.name + ".corrupt")
                for suffix in ("", *SQLITE_COMPANIONS):
                    source = path.with_name(path.name + suffix)
                    if source.exists():
                        os.replace(source, aside.with_name(aside.name + suffix))
                self.rebuilt = f"{problem}; moved aside to {aside.name} and started empty"
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
            self._db.execute(_SCHEMA)
            _allow_unscored(self._db)
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise CorpusError(f"cannot open the translation cache {path}: {exc}") from exc

    def get(self, keys: Sequence[str]) -> dict[str, Translation]:
        found: dict[str, Translation] = {}
        try:
            for start in range(0, len(keys), 500):  # SQLite limits the number of bound parameters
                chunk = keys[start:start + 500]
                rows = self._db.execute(
                    f"SELECT key, text, score, pieces, lost FROM translations WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, text, score, pieces, lost in rows:
                    found[key] = Translation(text, score, pieces, tuple(json.loads(lost)))
        except (sqlite3.Error, ValueError) as exc:
            raise self._failure("read", exc) from exc
        return found

    def chunks(self, size: int = 1000) -> Iterator[list[tuple[str, Translation]]]:
        """Every cached translation with its key, ``size`` at a time."""
        try:
            rows = self._db.execute("SELECT key, text, score, pieces, lost FROM translations ORDER BY key")
            while chunk := rows.fetchmany(size):
                yield [(key, Translation(text, score, pieces, tuple(json.loads(lost)))) for key, text, score, pieces, lost in chunk]
        except (sqlite3.Error, ValueError) as exc:
            raise self._failure("read", exc) from exc

    def put(self, items: Iterable[tuple[str, Translation]]) -> None:
        rows = [(key, t.text, t.score, t.pieces, json.dumps(list(t.lost_placeholders), ensure_ascii=False)) for key, t in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise self._failure("write", exc) from exc

    def _failure(self, verb: str, exc: Exception) -> CorpusError:
        return CorpusError(f"cannot {verb} the translation cache {self.path}: {exc} "
                           "(what was committed is kept; if the file is damaged, the next run rebuilds it)")

    def close(self) -> None:
        self._db.close()


def _allow_unscored(db: sqlite3.Connection) -> None:
    """Caches written before engines without a score could be cached required one: copy such a table
    into one that does not. SQLite cannot drop a column's NOT NULL in place."""
    score = next((row for row in db.execute("PRAGMA table_info(translations)") if row[1] == "score"), None)
    if score is None or not score[3]:
        return
    with db:
        db.execute("ALTER TABLE translations RENAME TO translations_scored")
        db.execute(_SCHEMA)
        db.execute("INSERT INTO translations SELECT * FROM translations_scored")
        db.execute("DROP TABLE translations_scored")


def _damage(path: Path) -> str | None:
    """What is wrong with the cache file at ``path``, or None when it is sound or absent."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)  # a hot journal left by a killed run is rolled back here, as it should be
        try:
            check = [row[0] for row in db.execute("PRAGMA quick_check")]
            if check != ["ok"]:
                return "damaged SQLite file: " + "; ".join(check[:3])
            columns = [row[1] for row in db.execute("PRAGMA table_info(translations)")]
            if columns and columns != _COLUMNS:
                return f"not a translation cache: its table has columns {', '.join(columns)}"
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):  # sound, and written to by another run all this time
            raise CorpusError(f"the translation cache {path} is still in use by another run after "
                              f"{BUSY_TIMEOUT:.0f} s; try again when it has finished") from exc
        return f"not a readable SQLite file ({exc})"
    except sqlite3.DatabaseError as exc:
        return f"not a readable SQLite file ({exc})"
    return None
