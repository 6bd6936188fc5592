"""The translation cache: a SQLite file keyed by engine, settings and source text.

Re-runs translate only what is new, and a run that was interrupted resumes
where its last committed batch ended. Keys are sha256 digests, so the file
holds no clear-text index of the corpus beyond the cached pairs themselves.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from translate import Translation

from .errors import CorpusError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    score REAL NOT NULL,
    pieces INTEGER NOT NULL,
    lost TEXT NOT NULL
)
"""


def cache_key(engine_id: str, settings: dict[str, object], source: str) -> str:
    payload = json.dumps([engine_id, settings, source], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class TranslationCache:
    """Cached translations in one SQLite file; each :meth:`put` is committed at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise CorpusError(f"cannot open the translation cache {path}: {exc}") from exc

    def get(self, keys: Sequence[str]) -> dict[str, Translation]:
        found: dict[str, Translation] = {}
        for start in range(0, len(keys), 500):  # SQLite limits the number of bound parameters
            chunk = keys[start:start + 500]
            rows = self._db.execute(
                f"SELECT key, text, score, pieces, lost FROM translations WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, text, score, pieces, lost in rows:
                found[key] = Translation(text, score, pieces, tuple(json.loads(lost)))
        return found

    def put(self, items: Iterable[tuple[str, Translation]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)",
                [(key, t.text, t.score, t.pieces, json.dumps(list(t.lost_placeholders), ensure_ascii=False)) for key, t in items],
            )

    def close(self) -> None:
        self._db.close()
